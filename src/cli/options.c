/* Options every command understands: --format, --color, --quiet, --help. */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cli_options_init(CliOptions *opt)
{
    opt->format = FORMAT_HUMAN;
    opt->color_out = diag_want_color(stdout);
    opt->color_err = diag_want_color(stderr);
    opt->quiet = false;
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "prismac %s: ", command);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(`prismac %s --help` for usage)\n", command);
    va_end(ap);
    return EXIT_TROUBLE;
}

/* `--name value` or `--name=value`; NULL (after a usage error) when the value is missing. */
static const char *option_value(const char *command, int argc, char **argv, int i, const char *name, int *used)
{
    size_t n = strlen(name);
    if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=') {
        *used = 1;
        return argv[i] + n + 1;
    }
    if (i + 1 < argc) {
        *used = 2;
        return argv[i + 1];
    }
    cli_usage_error(command, "`%s` needs a value", argv[i]);
    return NULL;
}

static bool option_is(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* The command's own table: -1 not in it, 0 after a usage error, else the argv entries used. */
static int table_option(const char *command, const CommandArgs *args, int argc, char **argv, int i)
{
    for (const CliOption *o = args->options; o && o->name; o++) {
        const char *name = option_is(argv[i], o->name) ? o->name
                           : o->alias && option_is(argv[i], o->alias) ? o->alias : NULL;
        if (!name)
            continue;
        char *slot = (char *)args->state + o->offset;
        if (!o->value) {
            if (argv[i][strlen(name)] == '=')
                continue;
            *(bool *)slot = true;
            return 1;
        }
        int used = 0;
        const char *v = option_value(command, argc, argv, i, name, &used);
        if (!v)
            return 0;
        *(const char **)slot = v;
        return used;
    }
    return -1;
}

static int common_option(const char *command, CliOptions *opt, int argc, char **argv, int i)
{
    const char *arg = argv[i];
    int used = 1;
    if (option_is(arg, "--format")) {
        const char *v = option_value(command, argc, argv, i, "--format", &used);
        if (!v)
            return 0;
        if (strcmp(v, "human") == 0 || strcmp(v, "text") == 0)
            opt->format = FORMAT_HUMAN;
        else if (strcmp(v, "json") == 0)
            opt->format = FORMAT_JSON;
        else if (strcmp(v, "github") == 0)
            opt->format = FORMAT_GITHUB;
        else {
            cli_usage_error(command, "unknown format `%s` (human, json or github)", v);
            return 0;
        }
        return used;
    }
    if (option_is(arg, "--color") || option_is(arg, "--colour")) {
        const char *v = option_value(command, argc, argv, i, arg[7] == 'u' ? "--colour" : "--color", &used);
        if (!v)
            return 0;
        if (strcmp(v, "always") == 0)
            opt->color_out = opt->color_err = true;
        else if (strcmp(v, "never") == 0)
            opt->color_out = opt->color_err = false;
        else if (strcmp(v, "auto") == 0) {
            opt->color_out = diag_want_color(stdout);
            opt->color_err = diag_want_color(stderr);
        } else {
            cli_usage_error(command, "unknown colour mode `%s` (auto, always or never)", v);
            return 0;
        }
        return used;
    }
    if (strcmp(arg, "--no-color") == 0 || strcmp(arg, "--no-colour") == 0) {
        opt->color_out = opt->color_err = false;
        return 1;
    }
    if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
        opt->quiet = true;
        return 1;
    }
    return -1;
}

int cli_common_option(CliOptions *opt, int argc, char **argv, int i)
{
    return common_option(argv[0], opt, argc, argv, i);
}

bool cli_wants_help(const Command *cmd, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(cmd->help, stdout);
            return true;
        }
    }
    return false;
}

/* The argument loop: each option is the command's (its function, then its table), else a
 * common one, else unknown. */
static int parse_args(const Command *cmd, int argc, char **argv, CliOptions *opt, CommandOptionFn extra, void *state,
                      const CommandArgs *args, ArgvList *positional)
{
    cli_options_init(opt);
    positional->items = calloc((size_t)argc + 1, sizeof *positional->items);
    positional->count = 0;
    if (!positional->items)
        return EXIT_TROUBLE;
    bool only_positional = false;
    for (int i = 1; i < argc;) {
        const char *arg = argv[i];
        if (!only_positional && strcmp(arg, "--") == 0) {
            only_positional = true;
            i++;
            continue;
        }
        if (only_positional || arg[0] != '-' || arg[1] == '\0') {
            positional->items[positional->count++] = argv[i++];
            continue;
        }
        int used = extra ? extra(state, argc, argv, i) : -1;
        if (used < 0 && args)
            used = table_option(cmd->name, args, argc, argv, i);
        if (used < 0)
            used = common_option(cmd->name, opt, argc, argv, i);
        if (used < 0) {
            cli_usage_error(cmd->name, "unknown option `%s`", arg);
            return EXIT_TROUBLE;
        }
        if (used == 0)
            return EXIT_TROUBLE;
        i += used;
    }
    return EXIT_CLEAN;
}

int cli_parse_args(const Command *cmd, int argc, char **argv, CliOptions *opt, CommandOptionFn extra, void *state,
                   ArgvList *positional)
{
    return parse_args(cmd, argc, argv, opt, extra, state, NULL, positional);
}

int cli_begin(const Command *cmd, int argc, char **argv, const CommandArgs *args, CliOptions *opt,
              ArgvList *positional)
{
    positional->items = NULL;
    positional->count = 0;
    if (cli_wants_help(cmd, argc, argv))
        return EXIT_CLEAN;
    int rc = parse_args(cmd, argc, argv, opt, NULL, NULL, args, positional);
    if (rc == EXIT_CLEAN && args && args->check)
        rc = args->check(args->state);
    if (rc != EXIT_CLEAN) {
        argv_list_free(positional);
        return rc;
    }
    return CLI_PROCEED;
}

int cli_begin_subcommand(const Command *cmd, int argc, char **argv, const char *const *names, int *which)
{
    if (cli_wants_help(cmd, argc, argv))
        return EXIT_CLEAN;
    char choices[256] = "";
    for (int k = 0; names[k]; k++) {
        if (argc >= 2 && strcmp(argv[1], names[k]) == 0) {
            *which = k;
            return CLI_PROCEED;
        }
        size_t n = strlen(choices);
        snprintf(choices + n, sizeof choices - n, "%s%s", k == 0 ? "" : names[k + 1] ? ", " : " or ", names[k]);
    }
    if (argc < 2)
        return cli_usage_error(cmd->name, "%s?", choices);
    return cli_usage_error(cmd->name, "unknown subcommand `%s` (%s)", argv[1], choices);
}

bool cli_parse_layout(const char *text, MigrationLayout *out)
{
    if (!text || strcmp(text, "auto") == 0)
        *out = LAYOUT_AUTO;
    else if (strcmp(text, "prisma") == 0)
        *out = LAYOUT_PRISMA;
    else if (strcmp(text, "supabase") == 0)
        *out = LAYOUT_SUPABASE;
    else
        return false;
    return true;
}

bool cli_parse_provider(const char *text, DbProvider *out)
{
    if (strcmp(text, "postgresql") == 0 || strcmp(text, "postgres") == 0)
        *out = PROVIDER_POSTGRESQL;
    else if (strcmp(text, "sqlite") == 0)
        *out = PROVIDER_SQLITE;
    else
        return false;
    return true;
}

bool cli_provider_arg(const char *command, const char *text, DbProvider *out)
{
    if (cli_parse_provider(text, out))
        return true;
    cli_usage_error(command, "unknown provider `%s`: expected `postgresql` or `sqlite`", text);
    return false;
}

void argv_list_free(ArgvList *list)
{
    free(list->items);
    list->items = NULL;
    list->count = 0;
}
