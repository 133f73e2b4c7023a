/* Shared pieces of the command-line front end: exit statuses, schema input, output formats. */
#ifndef PRISMAC_CLI_H
#define PRISMAC_CLI_H

#include "prismac/ast.h"
#include "prismac/diag.h"

#include <stdbool.h>
#include <stdio.h>

/* Exit statuses (DESIGN.md): never 0 when something is wrong. */
enum {
    EXIT_CLEAN = 0,     /* valid / in sync / same */
    EXIT_FINDINGS = 1,  /* invalid schema, drift, differences, bad history */
    EXIT_TROUBLE = 2,   /* usage, I/O or connection error */
};

typedef enum OutputFormat { FORMAT_HUMAN, FORMAT_JSON, FORMAT_GITHUB } OutputFormat;

typedef struct CliOptions {
    OutputFormat format;
    bool color_out;     /* colour on stdout */
    bool color_err;     /* colour on stderr */
    bool quiet;
} CliOptions;

typedef struct Command {
    const char *name;
    const char *summary;
    const char *help;                    /* full text for `prismac COMMAND --help` */
    int (*run)(int argc, char **argv);   /* argv[0] is the command name */
} Command;

/* A schema loaded from paths (or found the way Prisma looks for it) and parsed. */
typedef struct Schema {
    Arena arena;
    SourceSet sources;
    Diags diags;
    Ast *ast;
} Schema;

/* Loads and parses the schema; on an I/O problem prints it and returns EXIT_TROUBLE.
 * `paths` may be empty: then ./prisma/schema.prisma, ./schema.prisma, ./prisma/schema/. */
int schema_load(Schema *schema, int npaths, char **paths);
void schema_free(Schema *schema);
/* The paths of the schema's files joined for messages: "prisma/schema.prisma". */
const char *schema_describe(Schema *schema);

/* Prints diagnostics in the chosen format (human on stderr; json/github on stdout). */
void report_diags(const CliOptions *opt, Schema *schema, const char *command);

/* Option handling shared by every command. Returns -1 when `arg` is not a common option,
 * otherwise the number of argv entries consumed (1 or 2), or 0 after printing a usage error. */
int cli_common_option(CliOptions *opt, int argc, char **argv, int i);
void cli_options_init(CliOptions *opt);
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the command's help when argv holds -h/--help; returns true if it did. */
bool cli_wants_help(const Command *cmd, int argc, char **argv);

/* Positional arguments collected by cli_parse_args. */
typedef struct ArgvList {
    char **items;
    int count;
} ArgvList;

/* A command's own options: like cli_common_option (-1 not mine, 0 usage error, n consumed). */
typedef int (*CommandOptionFn)(void *state, int argc, char **argv, int i);
/* Splits argv (argv[0] is the command) into options and positional arguments; returns
 * EXIT_CLEAN or EXIT_TROUBLE after printing a usage error. Free `positional` afterwards. */
int cli_parse_args(const Command *cmd, int argc, char **argv, CliOptions *opt, CommandOptionFn extra, void *state,
                   ArgvList *positional);
void argv_list_free(ArgvList *list);

extern const Command CMD_VALIDATE;
extern const Command CMD_AST;
extern const Command CMD_SQL;
extern const Command CMD_FORMAT;
extern const Command CMD_MIGRATIONS;
extern const Command CMD_CHECK;
extern const Command CMD_DIFF;
extern const Command CMD_COMPARE;
extern const Command CMD_VARIANT;
extern const Command CMD_HOOK;

#endif
