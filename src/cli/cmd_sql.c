/* prismac sql [SCHEMA...] [--provider sqlite|postgresql] [-o FILE]: the DDL that creates the
 * schema from nothing, byte for byte what `prisma migrate diff --from-empty --to-schema ...
 * --script` prints (README.md lists the deliberate differences). */
#include "cli.h"
#include "prismac/db.h"
#include "prismac/lower.h"
#include "prismac/migrate.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

static int sql_run(int argc, char **argv);

const Command CMD_SQL = {
    .name = "sql",
    .summary = "print the SQL that creates the schema, as `prisma migrate diff --from-empty` does",
    .help = "usage: prismac sql [OPTIONS] [SCHEMA...]\n"
            "\n"
            "Validates the schema and prints the DDL that creates it in an empty database:\n"
            "the same bytes as `prisma migrate diff --from-empty --to-schema SCHEMA --script`,\n"
            "so the output can serve as a Prisma migration (migration.sql).\n"
            "\n"
            "options:\n"
            "  --provider sqlite|postgresql  render for this provider instead of the datasource's;\n"
            "                                if the schema does not carry over, every construct\n"
            "                                that does not is listed (path:line:col) and nothing\n"
            "                                is printed\n"
            "  -o, --output FILE             write the SQL to FILE (replaced atomically)\n"
            "  --no-public-schema            leave out CREATE SCHEMA \"public\" (PostgreSQL), as\n"
            "                                `prisma migrate dev` does in a first migration\n"
            "  --prisma-exact                Prisma's bytes even where they are not valid SQL\n"
            "                                (a quote inside a name or an enum value, JSON\n"
            "                                defaults on SQLite: see the README)\n"
            "  --format human|json|github    how diagnostics are reported (default: human, on stderr)\n"
            "  --color auto|always|never     colour in human output (NO_COLOR is honoured)\n"
            "  -q, --quiet                   no warnings on stderr\n"
            "\n"
            "exit status: 0 SQL printed, 1 the schema is invalid (for that provider),\n"
            "             2 usage or I/O error\n",
    .run = sql_run,
};

typedef struct SqlArgs {
    const char *provider;
    const char *output;
    bool no_public_schema;
    bool prisma_exact;
    DbProvider target;          /* from --provider, else PROVIDER_NONE */
} SqlArgs;

static const CliOption SQL_OPTIONS[] = {
    CLI_VALUE(SqlArgs, provider, "--provider", NULL), CLI_VALUE(SqlArgs, output, "--output", "-o"),
    CLI_FLAG(SqlArgs, no_public_schema, "--no-public-schema"), CLI_FLAG(SqlArgs, prisma_exact, "--prisma-exact"),
    CLI_END,
};

static int sql_check_args(void *state)
{
    SqlArgs *a = state;
    a->target = PROVIDER_NONE;
    return !a->provider || cli_provider_arg("sql", a->provider, &a->target) ? EXIT_CLEAN : EXIT_TROUBLE;
}

/* Every error of a validation for another provider, one line each (no source excerpt). */
static void list_constructs(const CliOptions *opt, Schema *schema, const Diags *d, const char *provider)
{
    uint32_t errors = 0;
    for (uint32_t i = 0; i < d->count; i++) {
        if (d->items[i].severity != DIAG_ERROR)
            continue;
        Diag one = d->items[i];
        one.note = NULL;
        diag_print(stderr, &schema->sources, &one, (DiagStyle){.color = opt->color_err, .show_source = false});
        errors++;
    }
    fprintf(stderr, "%s: %u construct%s do%s not carry over to %s\n", schema_describe(schema), errors,
            errors == 1 ? "" : "s", errors == 1 ? "es" : "", provider);
}

/* lower -> diff -> render: the script for a schema validated for its own provider. */
typedef struct SqlJob {
    pthread_t thread;
    const Db *db;
    SqlFlavour flavour;
    const SqlArgs *args;
    SqlSchema *next, *prev;
    Migration *migration;
    SqlBuf out, rest;           /* the script: out, then rest (migrate_render_script_parts) */
} SqlJob;

static void *sql_job_run(void *arg)
{
    SqlJob *job = arg;
    const Dialect *dialect = dialect_get(job->flavour, job->args->prisma_exact);
    job->next = lower_schema_borrowing(job->db, dialect);    /* freed before the schema */
    job->prev = sql_schema_new(job->flavour);
    if (job->args->no_public_schema && job->flavour == SQL_POSTGRES)
        sql_add_namespace(job->prev, job->prev->default_namespace);
    job->migration = migrate_diff(job->prev, job->next, dialect);
    migrate_render_script_parts(job->migration, NULL, &job->out, &job->rest);
    return NULL;
}

static void sql_job_free(SqlJob *job)
{
    sqlbuf_free(&job->out);
    sqlbuf_free(&job->rest);
    if (job->migration)
        migrate_free(job->migration);
    if (job->prev)
        sql_schema_free(job->prev);
    if (job->next)
        sql_schema_free(job->next);
    job->migration = NULL;
    job->prev = job->next = NULL;
}

/* Writes the script (out, then rest) to -o FILE or stdout. */
static int sql_write(const SqlArgs *args, SqlBuf *out, const SqlBuf *rest)
{
    int rc = EXIT_CLEAN;
    if (args->output) {
        if (rest->len)
            sqlbuf_put(out, rest->ptr, rest->len);
        int err = cli_replace_file(args->output, out->ptr ? out->ptr : "", out->len, NULL);
        if (err)
            fprintf(stderr, "prismac: cannot write %s: %s\n", args->output, strerror(err));
        return err ? EXIT_TROUBLE : EXIT_CLEAN;
    }
    if (out->len && fwrite(out->ptr, 1, out->len, stdout) != out->len)
        rc = EXIT_TROUBLE;
    if (rest->len && fwrite(rest->ptr, 1, rest->len, stdout) != rest->len)
        rc = EXIT_TROUBLE;
    if (fflush(stdout) != 0)
        rc = EXIT_TROUBLE;
    if (rc != EXIT_CLEAN)
        fprintf(stderr, "prismac: cannot write the SQL: %s\n", strerror(errno));
    return rc;
}

static int sql_finish(const SqlArgs *args, Schema *schema, SqlJob *job)
{
    int rc = sql_write(args, &job->out, &job->rest);
    sql_job_free(job);
    schema_free(schema);
    return rc;
}

static int sql_run(int argc, char **argv)
{
    CliOptions opt;
    SqlArgs args = {0};
    Schema schema;
    int rc = cli_begin_schema(&CMD_SQL, argc, argv, &(CommandArgs){SQL_OPTIONS, &args, sql_check_args}, &opt, &schema);
    if (rc != CLI_PROCEED)
        return rc;
    DbProvider target = args.target;
    Db *db = NULL;
    SqlJob job = {0};
    bool speculated = false;
    if (schema.diags.errors == 0) {
        db = db_resolve(schema.ast, &schema.diags);
        /* the SQL is made on a second thread while the schema is validated (lowering only
         * reads the Db); it is thrown away if validation finds errors */
        if (schema.diags.errors == 0 && (target == PROVIDER_NONE || target == db->provider) &&
            (db->provider == PROVIDER_POSTGRESQL || db->provider == PROVIDER_SQLITE)) {
            job = (SqlJob){.db = db, .flavour = lower_flavour_for(db->provider), .args = &args};
            speculated = pthread_create(&job.thread, NULL, sql_job_run, &job) == 0;
        }
        db_validate(db, PROVIDER_NONE, &schema.diags);
        if (speculated)
            pthread_join(job.thread, NULL);
    }
    if (schema.diags.errors) {
        report_schema_errors(&opt, &schema, "sql", "");
        sql_job_free(&job);
        schema_free(&schema);
        return EXIT_FINDINGS;
    }
    if (schema.diags.warnings && !opt.quiet && opt.format == FORMAT_HUMAN)
        report_diags(&opt, &schema, "sql");
    if (speculated)
        return sql_finish(&args, &schema, &job);

    if (target == PROVIDER_NONE) {
        target = db->provider;
        if (target != PROVIDER_POSTGRESQL && target != PROVIDER_SQLITE) {
            fprintf(stderr, "prismac: %s: %s; pass --provider postgresql or --provider sqlite\n",
                    schema_describe(&schema),
                    target == PROVIDER_NONE ? "the schema has no datasource"
                                            : "prismac renders SQL for postgresql and sqlite only");
            schema_free(&schema);
            return EXIT_TROUBLE;
        }
    } else if (target != db->provider) {
        Diags other;
        diags_init(&other, &schema.arena);
        db_validate(db, target, &other);
        if (other.errors) {
            if (opt.format == FORMAT_HUMAN) {
                list_constructs(&opt, &schema, &other, db_provider_name(target));
            } else {
                Diags saved = schema.diags;
                schema.diags = other;
                report_diags(&opt, &schema, "sql");
                schema.diags = saved;
            }
            schema_free(&schema);
            return EXIT_FINDINGS;
        }
    }

    SqlFlavour flavour = lower_flavour_for(target);
    const Dialect *dialect = dialect_get(flavour, args.prisma_exact);
    SqlSchema *next = lower_schema_borrowing(db, dialect);     /* freed before the schema */
    SqlSchema *prev = sql_schema_new(flavour);
    if (args.no_public_schema && flavour == SQL_POSTGRES)
        sql_add_namespace(prev, prev->default_namespace);
    Migration *m = migrate_diff(prev, next, dialect);
    SqlBuf out = {0}, rest = {0};
    migrate_render_script_parts(m, NULL, &out, &rest);
    rc = sql_write(&args, &out, &rest);
    sqlbuf_free(&out);
    sqlbuf_free(&rest);
    migrate_free(m);
    sql_schema_free(prev);
    sql_schema_free(next);
    schema_free(&schema);
    return rc;
}
