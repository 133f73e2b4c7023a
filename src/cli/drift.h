/* Pieces the drift commands share (check, diff): loading a schema into the SQL model, reporting
 * database errors and drift (cli.h has the file writing). */
#ifndef PRISMAC_CLI_DRIFT_H
#define PRISMAC_CLI_DRIFT_H

#include "cli.h"
#include "prismac/check.h"
#include "prismac/db.h"
#include "prismac/dburl.h"

/* A database or URL error, with its class and the URL masked: human on stderr, and the json /
 * github form on stdout when that format was asked for. */
void cli_report_db_error(const CliOptions *opt, const char *command, const DbError *err);
/* Loads, resolves, validates and lowers the schema for its own provider. Returns the exit status
 * after printing what went wrong; on success *db and *lowered are set (free lowered). */
int cli_load_lowered(const CliOptions *opt, Schema *schema, int npaths, char **paths, const char *command, Db **db,
                     SqlSchema **lowered);
/* Without a datasource `schemas` list, the schema lives in the URL's ?schema= (PostgreSQL). */
void cli_adjust_default_namespace(SqlSchema *lowered, const Db *db, const DbUrl *url);
/* What a report says besides the findings. */
typedef struct CheckReport {
    const char *command;        /* "check", "diff" */
    SourceSet *sources;         /* the schema's files, for locations (NULL: none) */
    const char *schema;         /* the schema side, described ("prisma/schema.prisma", "db:...") */
    const char *database;       /* the database side, URL masked */
    const char *database_from;  /* where the URL came from ("--db", "DATABASE_URL"), or NULL */
    const char *script;         /* --script FILE, or NULL */
    bool written;               /* the script was written to that file */
    bool from_key;              /* json: "from"/"to" (diff) instead of "database"/"schema" (check) */
    const char *hint;           /* the summary's closing advice when there is drift, or NULL */
} CheckReport;

/* The findings in the chosen format (human: grouped by table, then the summary; json: one
 * object; github: one annotation per finding), on stdout. */
void cli_print_check_report(const CliOptions *opt, const CheckReport *rep, const CheckResult *r);
/* The one-line summary of a check. */
void cli_print_check_summary(FILE *out, const CheckResult *r, const char *script, bool script_written,
                             const char *hint);

#endif
