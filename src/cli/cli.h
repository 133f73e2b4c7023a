/* Shared pieces of the command-line front end: exit statuses, schema input, output formats. */
#ifndef PRISMAC_CLI_H
#define PRISMAC_CLI_H

#include "prismac/ast.h"
#include "prismac/db.h"
#include "prismac/diag.h"
#include "prismac/migrations.h"

#include <stdbool.h>
#include <stddef.h>
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
    size_t tree_bytes;      /* what the parse took from the arenas' pool (arena_pool_taken) */
} Schema;

/* Loads and parses the schema; on an I/O problem prints it and returns EXIT_TROUBLE.
 * `paths` may be empty: then ./prisma/schema.prisma, ./schema.prisma, ./prisma/schema/. */
int schema_load(Schema *schema, int npaths, char **paths);
void schema_free(Schema *schema);
/* Whether a command frees what it made before it returns to exit. The kernel takes a process's
 * memory back in one go; freed piece by piece, every huge page of a large schema goes back with
 * a call of its own and a TLB flush on the other CPUs (34 of them, most of a millisecond, for
 * `prismac sql` on 5,000 models). So only builds with a leak checker free it, where a leak
 * must still show. */
static inline bool cli_free_before_exit(void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(PRISMAC_FREE_BEFORE_EXIT)
    return true;
#else
    return false;
#endif
}
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

/* A command's own option, found in a table: `--name VALUE`, `--name=VALUE` (or the alias, `-o
 * VALUE`) stores the value, a `const char *`, at `offset` in the command's arguments; a flag
 * stores true in a `bool` there. A value that is missing is a usage error. */
typedef struct CliOption {
    const char *name;           /* "--output"; a table ends with {NULL} */
    const char *alias;          /* "-o", or NULL */
    bool value;                 /* takes a value (else a flag) */
    size_t offset;              /* offsetof(the command's arguments, the member) */
} CliOption;

/* Table entries: an option with a value (and an alias, or NULL), a flag, the end of a table. */
#define CLI_VALUE(Args, member, name, alias) {name, alias, true, offsetof(Args, member)}
#define CLI_FLAG(Args, member, name) {name, NULL, false, offsetof(Args, member)}
#define CLI_END {NULL, NULL, false, 0}

/* What a command adds to the common options: its table, the struct the table fills, and a check
 * once every argument is read (NULL, or: EXIT_CLEAN, or the status after a usage error). */
typedef struct CommandArgs {
    const CliOption *options;
    void *state;
    int (*check)(void *state);
} CommandArgs;

/* What cli_begin and cli_begin_schema return when the command goes on. */
#define CLI_PROCEED (-1)
/* The start every command shares: --help, then the options (the common ones and `args`'s, which
 * may be NULL). Returns CLI_PROCEED with the positional arguments (free them with
 * argv_list_free), or the status to exit with, after the help or a usage error. */
int cli_begin(const Command *cmd, int argc, char **argv, const CommandArgs *args, CliOptions *opt,
              ArgvList *positional);
/* The same, then the schema the positional arguments name (or Prisma's default one), loaded and
 * parsed: CLI_PROCEED with `schema` (free it with schema_free), or the status to exit with. */
int cli_begin_schema(const Command *cmd, int argc, char **argv, const CommandArgs *args, CliOptions *opt,
                     Schema *schema);
/* The start of a command with subcommands (`hook install | run`): --help, then argv[1] among
 * `names` (NULL-terminated). Returns CLI_PROCEED with *which its index, or the status to exit
 * with, after the help or a usage error. */
int cli_begin_subcommand(const Command *cmd, int argc, char **argv, const char *const *names, int *which);
/* A migrations folder's layout: "prisma", "supabase", "auto" or NULL (detect); false otherwise. */
bool cli_parse_layout(const char *text, MigrationLayout *out);
/* "postgresql" (or "postgres") and "sqlite"; false for anything else. */
bool cli_parse_provider(const char *text, DbProvider *out);
/* The same, or a usage error of `command` (returns false after printing it). */
bool cli_provider_arg(const char *command, const char *text, DbProvider *out);

/* Prisma's default schema location (./prisma/schema.prisma, ./schema.prisma, ./prisma/schema/),
 * or NULL after saying that there is none. */
const char *cli_default_schema_path(void);
/* Resolves the schema and, when that reports no error, validates it for its own provider. */
Db *schema_resolve(Schema *schema);
/* A schema's errors: its diagnostics in the chosen format, then in human output the line
 * "PATH: N errors" followed by `advice` (e.g. ": fix the schema first"; may be ""). */
void report_schema_errors(const CliOptions *opt, Schema *schema, const char *command, const char *advice);
/* Escapes text for a GitHub workflow command: a property value (file=...) also escapes : and ,. */
void cli_github_escape(FILE *out, const char *text, bool property);

/* Replaces the file at `path` (through a symbolic link: the file it points to) with `len` bytes
 * of `data`: a temporary file beside it with the file's mode (a new file: 0666 less the umask),
 * fsync, rename(2), so that a reader never sees half a file. What is not a regular file (a
 * device such as /dev/null, a FIFO) is written to, never replaced; a directory is EISDIR.
 * Returns 0, or the errno of what failed; *temp_failed (may be NULL) tells whether the
 * temporary file could not be created. */
int cli_replace_file(const char *path, const char *data, size_t len, bool *temp_failed);
/* The same in two steps, so that the temporary file is written and synced while the command
 * decides whether to keep it: begin writes it (0, or the errno of what failed: nothing is
 * left then), then commit renames it over the file (0 or an errno) or abort removes it. */
typedef struct CliReplace {
    char *real, *tmp;
    const char *path;
    bool temp_failed;       /* the temporary file could not be created */
    bool in_place;          /* not a regular file: `data` is written to it at commit */
    const char *data;
    size_t len;
} CliReplace;
int cli_replace_begin(CliReplace *w, const char *path, const char *data, size_t len);
int cli_replace_commit(CliReplace *w);
void cli_replace_abort(CliReplace *w);
/* The same with the error reported ("prismac: cannot write PATH: why"); "-" is standard output.
 * Returns EXIT_CLEAN or EXIT_TROUBLE. */
int cli_write_file(const char *path, const char *data, size_t len);
/* The whole of a stream or a file, malloc'd (free it); NULL on error, errno set for a file. */
char *cli_read_stream(FILE *f, size_t *len);
char *cli_read_file(const char *path, size_t *len);

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
