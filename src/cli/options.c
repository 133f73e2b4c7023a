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
static const char *option_value(int argc, char **argv, int i, const char *name, int *used)
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
    cli_usage_error(argv[0], "option %s needs a value", name);
    return NULL;
}

static bool option_is(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

int cli_common_option(CliOptions *opt, int argc, char **argv, int i)
{
    const char *arg = argv[i];
    int used = 1;
    if (option_is(arg, "--format")) {
        const char *v = option_value(argc, argv, i, "--format", &used);
        if (!v)
            return 0;
        if (strcmp(v, "human") == 0 || strcmp(v, "text") == 0)
            opt->format = FORMAT_HUMAN;
        else if (strcmp(v, "json") == 0)
            opt->format = FORMAT_JSON;
        else if (strcmp(v, "github") == 0)
            opt->format = FORMAT_GITHUB;
        else {
            cli_usage_error(argv[0], "unknown format `%s` (human, json or github)", v);
            return 0;
        }
        return used;
    }
    if (option_is(arg, "--color") || option_is(arg, "--colour")) {
        const char *v = option_value(argc, argv, i, arg[7] == 'u' ? "--colour" : "--color", &used);
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
            cli_usage_error(argv[0], "unknown colour mode `%s` (auto, always or never)", v);
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

int cli_parse_args(const Command *cmd, int argc, char **argv, CliOptions *opt, CommandOptionFn extra, void *state,
                   ArgvList *positional)
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
        if (used < 0)
            used = cli_common_option(opt, argc, argv, i);
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

void argv_list_free(ArgvList *list)
{
    free(list->items);
    list->items = NULL;
    list->count = 0;
}
