/* prismac sql [SCHEMA...] [--provider sqlite|postgresql] [-o FILE]: the DDL that creates the
 * schema from nothing, byte for byte what `prisma migrate diff --from-empty --to-schema ...
 * --script` prints (README.md lists the deliberate differences). */
#include "cli.h"
#include "prismac/db.h"
#include "prismac/lower.h"
#include "prismac/migrate.h"
#include "prismac/parallel.h"

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

/* lower -> diff: the steps of the script; rendered once the schema is known to be valid. */
typedef struct SqlJob {
    pthread_t thread;
    const Db *db;
    SqlFlavour flavour;
    const SqlArgs *args;
    const Dialect *dialect;
    SqlSchema *next, *prev;
    Migration *migration;
} SqlJob;

static void *sql_job_run(void *arg)
{
    SqlJob *job = arg;
    job->dialect = dialect_get(job->flavour, job->args->prisma_exact);
    job->next = lower_schema_borrowing(job->db, job->dialect);   /* freed before the schema */
    job->prev = sql_schema_new(job->flavour);
    if (job->args->no_public_schema && job->flavour == SQL_POSTGRES)
        sql_add_namespace(job->prev, job->prev->default_namespace);
    /* the steps in the lowered schema's arena, freed after the migration (sql_job_free) */
    job->migration = migrate_diff_in(job->prev, job->next, job->dialect, &job->next->arena);
    return NULL;
}

static void sql_job_free(SqlJob *job)
{
    if (job->migration)
        migrate_free(job->migration);
    if (job->prev)
        sql_schema_free(job->prev);
    if (job->next)
        sql_schema_free(job->next);
    job->migration = NULL;
    job->prev = job->next = NULL;
}

static bool write_stdout(void *ctx, const char *bytes, size_t len)
{
    (void)ctx;
    return fwrite(bytes, 1, len, stdout) == len;
}

/* Renders the script to -o FILE, or to stdout piece by piece as it is rendered. */
static int sql_write(const SqlArgs *args, const Migration *migration)
{
    if (args->output) {
        SqlBuf out = {0};
        migrate_render_script(migration, NULL, &out);
        int err = cli_replace_file(args->output, out.ptr ? out.ptr : "", out.len, NULL);
        sqlbuf_free(&out);
        if (err)
            fprintf(stderr, "prismac: cannot write %s: %s\n", args->output, strerror(err));
        return err ? EXIT_TROUBLE : EXIT_CLEAN;
    }
    bool ok = migrate_render_script_to(migration, NULL, write_stdout, NULL);
    if (fflush(stdout) != 0)
        ok = false;
    if (ok)
        return EXIT_CLEAN;
    fprintf(stderr, "prismac: cannot write the SQL: %s\n", strerror(errno));
    return EXIT_TROUBLE;
}

/* The provider to render for, the script not being made while validating: the datasource's
 * (which prismac must render), or --provider's when the schema is valid for it too. EXIT_CLEAN,
 * or the command's exit status (the errors reported). */
static int sql_check_target(const CliOptions *opt, Schema *schema, Db *db, DbProvider *target)
{
    if (*target == PROVIDER_NONE) {
        *target = db->provider;
        if (*target == PROVIDER_POSTGRESQL || *target == PROVIDER_SQLITE)
            return EXIT_CLEAN;
        fprintf(stderr, "prismac: %s: %s; pass --provider postgresql or --provider sqlite\n", schema_describe(schema),
                *target == PROVIDER_NONE ? "the schema has no datasource"
                                         : "prismac renders SQL for postgresql and sqlite only");
        return EXIT_TROUBLE;
    }
    if (*target == db->provider)
        return EXIT_CLEAN;
    Diags other;
    diags_init(&other, &schema->arena);
    db_validate(db, *target, &other);
    if (!other.errors)
        return EXIT_CLEAN;
    if (opt->format == FORMAT_HUMAN) {
        list_constructs(opt, schema, &other, db_provider_name(*target));
    } else {
        Diags saved = schema->diags;
        schema->diags = other;
        report_diags(opt, schema, "sql");
        schema->diags = saved;
    }
    return EXIT_FINDINGS;
}

static int sql_run(int argc, char **argv)
{
    CliOptions opt;
    SqlArgs args = {0};
    Schema schema;
    int rc = cli_begin_schema(&CMD_SQL, argc, argv, &(CommandArgs){SQL_OPTIONS, &args, sql_check_args}, &opt, &schema);
    if (rc != CLI_PROCEED)
        return rc;
    /* resolution, validation, lowering and the diff take about as much again as the syntax
     * tree from the pool (0.97-1.01 of it on generated schemas of 1,000 and 5,000 models; the
     * script is not in the pool) */
    arena_prefault_expect(schema.tree_bytes);
    DbProvider target = args.target;
    Db *db = NULL;
    SqlJob job = {0};
    bool speculated = false;
    if (schema.diags.errors == 0) {
        db = db_resolve(schema.ast, &schema.diags);
        /* the script's steps are made on a second thread while the schema is validated
         * (lowering only reads the Db), thrown away if validation finds errors; the script is
         * rendered once the schema is known to be valid, as it is written out */
        if (schema.diags.errors == 0 && (target == PROVIDER_NONE || target == db->provider) &&
            (db->provider == PROVIDER_POSTGRESQL || db->provider == PROVIDER_SQLITE)) {
            job = (SqlJob){.db = db, .flavour = lower_flavour_for(db->provider), .args = &args};
            speculated = parallel_thread_create(&job.thread, NULL, sql_job_run, &job, 0) == 0;
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
    if (!speculated) {
        /* for another provider, or none: made now */
        rc = sql_check_target(&opt, &schema, db, &target);
        if (rc != EXIT_CLEAN) {
            schema_free(&schema);
            return rc;
        }
        job = (SqlJob){.db = db, .flavour = lower_flavour_for(target), .args = &args};
        sql_job_run(&job);
    }
    rc = sql_write(&args, job.migration);
    if (cli_free_before_exit()) {
        sql_job_free(&job);
        schema_free(&schema);
    }
    return rc;
}
