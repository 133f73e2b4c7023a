/* prismac check [SCHEMA...] [--db URL] [--script FILE]: drift between a schema and a live
 * database, grouped by table, with a repair script that never loses data unless told to. */
#include "drift.h"
#include "prismac/check.h"
#include "prismac/db.h"
#include "prismac/dburl.h"
#include "prismac/parallel.h"
#include "prismac/introspect.h"
#include "prismac/lower.h"
#include "prismac/repair.h"

#include <jansson.h>
#include <libgen.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static int check_run(int argc, char **argv);

const Command CMD_CHECK = {
    .name = "check",
    .summary = "report drift between the schema and a live database (--script writes the repair)",
    .help = "usage: prismac check [OPTIONS] [SCHEMA...]\n"
            "\n"
            "Reads the live database (read-only: a read-only transaction on PostgreSQL, a\n"
            "read-only open on SQLite) and compares it with the schema: tables, columns (type,\n"
            "nullability, default, autoincrement), primary keys, indexes, foreign keys and enums.\n"
            "Each finding names the schema line that declares it, what the schema expects and\n"
            "what the database has. Views, triggers, CHECK constraints and other objects the\n"
            "schema does not manage are listed apart and are not drift.\n"
            "\n"
            "The database: --db URL, else DATABASE_URL, else the datasource's url (env(\"X\") read\n"
            "from the environment or from .env beside the schema). URLs: postgresql://... or\n"
            "postgres://... (libpq), file:./dev.db or sqlite:./dev.db. A missing SQLite file is an\n"
            "error, never an empty database.\n"
            "\n"
            "options:\n"
            "  --db URL                      the database to check\n"
            "  --script FILE                 write the SQL that brings the database to the schema:\n"
            "                                one transaction; steps that can lose data, renames and\n"
            "                                steps the rows would make fail are left out and listed\n"
            "                                as comments (- writes to standard output)\n"
            "  --allow-data-loss             include the steps that can lose data in the script\n"
            "  --apply-renames               rename what looks renamed instead of keeping the old\n"
            "                                object and creating the new one\n"
            "  --connect-timeout SECONDS     give up connecting after this long (default 10)\n"
            "  --statement-timeout MS        give up on a catalog query after this long (default 30000)\n"
            "  --format human|json|github    the report: human (default), json (one object, see the\n"
            "                                README), github (workflow annotations)\n"
            "  --color auto|always|never     colour in human output (NO_COLOR is honoured)\n"
            "  -q, --quiet                   print nothing when the database is in sync\n"
            "\n"
            "exit status: 0 in sync, 1 drift (or an invalid schema),\n"
            "             2 usage, URL or connection error\n",
    .run = check_run,
};

typedef struct CheckArgs {
    const char *db;
    const char *script;
    bool allow_data_loss;
    bool apply_renames;
    const char *connect_timeout_text, *statement_timeout_text;
    int connect_timeout;
    int statement_timeout;
} CheckArgs;

static const CliOption CHECK_OPTIONS[] = {
    CLI_VALUE(CheckArgs, db, "--db", NULL), CLI_VALUE(CheckArgs, script, "--script", NULL),
    CLI_VALUE(CheckArgs, connect_timeout_text, "--connect-timeout", NULL),
    CLI_VALUE(CheckArgs, statement_timeout_text, "--statement-timeout", NULL),
    CLI_FLAG(CheckArgs, allow_data_loss, "--allow-data-loss"), CLI_FLAG(CheckArgs, apply_renames, "--apply-renames"),
    CLI_END,
};

/* A timeout option's value: a positive number (0 when not given). */
static bool timeout_value(const char *option, const char *text, int *out)
{
    *out = 0;
    if (!text)
        return true;
    char *end;
    long x = strtol(text, &end, 10);
    if (*text == '\0' || *end || x <= 0 || x > 86400000) {
        cli_usage_error("check", "`%s` needs a positive number, not `%s`", option, text);
        return false;
    }
    *out = (int)x;
    return true;
}

static int check_check_args(void *state)
{
    CheckArgs *a = state;
    bool ok = timeout_value("--connect-timeout", a->connect_timeout_text, &a->connect_timeout) &&
              timeout_value("--statement-timeout", a->statement_timeout_text, &a->statement_timeout);
    /* the database's client library loads while the schema is read (when the URL is known
     * before the schema is) */
    if (ok)
        introspect_preload(a->db ? a->db : getenv("DATABASE_URL"));
    return ok ? EXIT_CLEAN : EXIT_TROUBLE;
}

/* ---- shared with prismac diff ----------------------------------------------------------------- */

/* A database error: human on stderr, or the json / github form on stdout. */
void cli_report_db_error(const CliOptions *opt, const char *command, const DbError *err)
{
    if (opt->format == FORMAT_JSON) {
        json_t *root = json_object();
        json_object_set_new(root, "version", json_integer(CHECK_JSON_VERSION));
        json_object_set_new(root, "command", json_string(command));
        json_t *e = json_object();
        json_object_set_new(e, "kind", json_string(db_error_kind_name(err->kind)));
        json_object_set_new(e, "message", json_string(err->message));
        json_object_set_new(e, "detail", err->detail[0] ? json_string(err->detail) : json_null());
        json_object_set_new(root, "error", e);
        json_dumpf(root, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(root);
    } else if (opt->format == FORMAT_GITHUB) {
        printf("::error title=prismac %s (%s)::", command, db_error_kind_name(err->kind));
        cli_github_escape(stdout, err->message, false);
        fputc('\n', stdout);
    }
    fprintf(stderr, "prismac %s: %s (%s)\n", command, err->message, db_error_kind_name(err->kind));
    if (err->detail[0])
        fprintf(stderr, "  %s\n", err->detail);
}

/* Is the schema's provider one prismac reads databases of? If not, says why. */
static bool sql_provider(const char *command, Schema *schema, const Db *db)
{
    if (db->provider == PROVIDER_POSTGRESQL || db->provider == PROVIDER_SQLITE)
        return true;
    fprintf(stderr, "prismac %s: %s: %s\n", command, schema_describe(schema),
            db->provider == PROVIDER_NONE ? "the schema has no datasource (its provider says which database it describes)"
                                          : "prismac compares postgresql and sqlite databases only");
    return false;
}

/* Loads, resolves and validates the schema and lowers it for its provider. On failure prints
 * what went wrong and returns the exit status; on success *db and *lowered are set. */
int cli_load_lowered(const CliOptions *opt, Schema *schema, int npaths, char **paths, const char *command, Db **db_out,
                     SqlSchema **lowered)
{
    int rc = schema_load(schema, npaths, paths);
    if (rc != EXIT_CLEAN)
        return rc;
    Db *db = schema->diags.errors == 0 ? schema_resolve(schema) : NULL;
    if (schema->diags.errors) {
        report_schema_errors(opt, schema, command, ": fix the schema first");
        return EXIT_FINDINGS;
    }
    if (!sql_provider(command, schema, db))
        return EXIT_TROUBLE;
    *db_out = db;
    *lowered = lower_schema(db, dialect_get(lower_flavour_for(db->provider), false));
    return EXIT_CLEAN;
}

/* Without a `schemas` list, a PostgreSQL schema lives in the URL's ?schema= (default public). */
void cli_adjust_default_namespace(SqlSchema *lowered, const Db *db, const DbUrl *url)
{
    if (lowered->flavour != SQL_POSTGRES || !url || !url->schema || !*url->schema)
        return;
    if (db && db->datasource && db->datasource->nschemas)
        return;
    Str want = sql_str(lowered, url->schema, strlen(url->schema));
    for (uint32_t i = 0; i < lowered->nnamespaces; i++)
        if (str_eq(lowered->namespaces[i].name, lowered->default_namespace))
            lowered->namespaces[i].name = want;
    lowered->default_namespace = want;
}

/* ---- the report ------------------------------------------------------------------------------- */

typedef struct Loc {
    const char *file;
    uint32_t line, col;
} Loc;

static Loc finding_loc(const CheckReport *rep, SqlOrigin origin)
{
    Loc l = {NULL, 0, 0};
    if (!rep->sources || origin.file == SQL_NONE || origin.file >= rep->sources->count)
        return l;
    Source *src = &rep->sources->files[origin.file];
    LineCol lc = source_line_col(src, origin.start);
    l.file = src->path;
    l.line = lc.line;
    l.col = lc.col;
    return l;
}

static const char *plural(uint32_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

void cli_print_check_summary(FILE *out, const CheckResult *r, const char *script, bool script_written,
                             const char *hint)
{
    uint32_t unmanaged = r->nfindings - r->ndrift;
    if (r->ndrift == 0) {
        fprintf(out, "in sync: %u %s match%s the schema", r->tables_total, plural(r->tables_total, "table", "tables"),
                r->tables_total == 1 ? "es" : "");
    } else {
        fprintf(out, "%u %s in sync, %u with drift: %u %s, ", r->tables_in_sync,
                plural(r->tables_in_sync, "table", "tables"), r->tables_drifted, r->ndrift,
                plural(r->ndrift, "finding", "findings"));
        if (r->ndestructive == 0)
            fputs("none would lose data", out);
        else
            fprintf(out, "%u would lose data", r->ndestructive);
        if (script_written)
            fprintf(out, "; the repair is in %s", script);
        else if (hint)
            fprintf(out, "; %s", hint);
    }
    if (unmanaged)
        fprintf(out, " (%u unmanaged %s listed apart)", unmanaged, plural(unmanaged, "object", "objects"));
    fputc('\n', out);
}

static void print_human(FILE *out, const CliOptions *opt, const CheckReport *rep, const CheckResult *r)
{
    const char *bold = opt->color_out ? "\033[1m" : "", *red = opt->color_out ? "\033[31m" : "",
               *yellow = opt->color_out ? "\033[33m" : "", *dim = opt->color_out ? "\033[2m" : "",
               *reset = opt->color_out ? "\033[0m" : "";
    if (r->ndrift == 0 && opt->quiet)
        return;
    if (rep->from_key)
        fprintf(out, "%s%s%s -> %s%s%s\n", bold, rep->database, reset, bold, rep->schema, reset);
    else
        fprintf(out, "%s%s%s against %s\n", bold, rep->schema, reset, rep->database);
    const char *group = NULL;
    for (uint32_t k = 0; k < r->nfindings; k++) {
        const CheckFinding *f = &r->findings[k];
        if (f->kind == CHECK_UNMANAGED)
            break;
        if (!group || strcmp(group, f->group) != 0) {
            group = f->group;
            fprintf(out, "\n%s%s%s\n", bold, group, reset);
        }
        Loc l = finding_loc(rep, f->origin);
        fputs("  ", out);
        if (l.file)
            fprintf(out, "%s:%u:%u: ", l.file, l.line, l.col);
        fprintf(out, "%s%s%s %s", f->destructive ? red : yellow, check_kind_phrase(f->kind), reset, f->object);
        if (f->expected && f->actual)
            fprintf(out, ": expected %s, found %s", f->expected, f->actual);
        else if (f->expected)
            fprintf(out, ": expected %s", f->expected);
        else if (f->actual)
            fprintf(out, ": found %s", f->actual);
        if (f->destructive)
            fprintf(out, " %s(repair can lose data)%s", red, reset);
        if (f->note)
            fprintf(out, " %s- %s%s", dim, f->note, reset);
        fputc('\n', out);
    }
    bool header = false;
    for (uint32_t k = 0; k < r->nfindings; k++) {
        const CheckFinding *f = &r->findings[k];
        if (f->kind != CHECK_UNMANAGED)
            continue;
        if (!header) {
            fprintf(out, "\n%sunmanaged%s (the schema does not manage these; not drift, not compared)\n", bold, reset);
            header = true;
        }
        fprintf(out, "  %s %s\n", f->unmanaged_kind, f->object);
    }
    fputc('\n', out);
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *check_to_json(const CheckReport *rep, const CheckResult *r)
{
    json_t *root = json_object();
    json_object_set_new(root, "version", json_integer(CHECK_JSON_VERSION));
    json_object_set_new(root, "command", json_string(rep->command));
    json_object_set_new(root, rep->from_key ? "to" : "schema", json_string(rep->schema));
    json_object_set_new(root, rep->from_key ? "from" : "database", json_string(rep->database));
    if (rep->database_from)
        json_object_set_new(root, "databaseFrom", json_string(rep->database_from));
    json_object_set_new(root, "provider", json_string(r->dialect->name));
    json_object_set_new(root, "inSync", json_boolean(r->ndrift == 0));
    json_t *sum = json_object();
    json_object_set_new(sum, "tables", json_integer(r->tables_total));
    json_object_set_new(sum, "tablesInSync", json_integer(r->tables_in_sync));
    json_object_set_new(sum, "tablesWithDrift", json_integer(r->tables_drifted));
    json_object_set_new(sum, "findings", json_integer(r->ndrift));
    json_object_set_new(sum, "destructive", json_integer(r->ndestructive));
    json_object_set_new(sum, "unmanaged", json_integer(r->nfindings - r->ndrift));
    json_object_set_new(root, "summary", sum);
    json_t *arr = json_array();
    for (uint32_t k = 0; k < r->nfindings; k++) {
        const CheckFinding *f = &r->findings[k];
        json_t *o = json_object();
        json_object_set_new(o, "kind", json_string(check_kind_name(f->kind)));
        if (f->kind == CHECK_UNMANAGED)
            json_object_set_new(o, "objectKind", json_string(f->unmanaged_kind));
        json_object_set_new(o, "object", json_string(f->object));
        json_object_set_new(o, "expected", jstr(f->expected));
        json_object_set_new(o, "actual", jstr(f->actual));
        json_object_set_new(o, "destructive", json_boolean(f->destructive));
        Loc l = finding_loc(rep, f->origin);
        if (l.file) {
            json_t *loc = json_object();
            json_object_set_new(loc, "file", json_string(l.file));
            json_object_set_new(loc, "line", json_integer(l.line));
            json_object_set_new(loc, "column", json_integer(l.col));
            json_object_set_new(o, "location", loc);
        } else {
            json_object_set_new(o, "location", json_null());
        }
        json_object_set_new(o, "note", jstr(f->note));
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "findings", arr);
    json_t *ren = json_array();
    static const char *const rk[] = {"table", "column", "enum"};
    for (uint32_t k = 0; k < r->nrenames; k++) {
        json_t *o = json_object();
        json_object_set_new(o, "kind", json_string(rk[r->renames[k].kind]));
        json_object_set_new(o, "from", json_string(r->renames[k].from));
        json_object_set_new(o, "to", json_string(r->renames[k].to));
        json_array_append_new(ren, o);
    }
    json_object_set_new(root, "renames", ren);
    json_object_set_new(root, "script", jstr(rep->written ? rep->script : NULL));
    return root;
}

static void print_github(FILE *out, const CheckReport *rep, const CheckResult *r)
{
    for (uint32_t k = 0; k < r->nfindings; k++) {
        const CheckFinding *f = &r->findings[k];
        bool unmanaged = f->kind == CHECK_UNMANAGED;
        fputs(unmanaged ? "::notice" : f->destructive ? "::error" : "::error", out);
        Loc l = finding_loc(rep, f->origin);
        bool any = false;
        if (l.file) {
            fputs(" file=", out);
            cli_github_escape(out, l.file, true);
            fprintf(out, ",line=%u,col=%u", l.line, l.col);
            any = true;
        }
        fputs(any ? "," : " ", out);
        fputs("title=", out);
        char title[128];
        snprintf(title, sizeof title, "drift: %s", unmanaged ? "unmanaged object" : check_kind_phrase(f->kind));
        cli_github_escape(out, title, true);
        fputs("::", out);
        cli_github_escape(out, check_kind_name(f->kind), false);
        fputc(' ', out);
        if (unmanaged) {
            cli_github_escape(out, f->unmanaged_kind, false);
            fputc(' ', out);
        }
        cli_github_escape(out, f->object, false);
        if (f->expected) {
            fputs(": expected ", out);
            cli_github_escape(out, f->expected, false);
        }
        if (f->actual && !unmanaged) {
            fputs(f->expected ? ", found " : ": found ", out);
            cli_github_escape(out, f->actual, false);
        }
        if (f->destructive)
            fputs(" (repair can lose data)", out);
        if (f->note) {
            fputs(" - ", out);
            cli_github_escape(out, f->note, false);
        }
        fputc('\n', out);
    }
    cli_print_check_summary(out, r, rep->script, rep->written, rep->hint);
}

void cli_print_check_report(const CliOptions *opt, const CheckReport *rep, const CheckResult *r)
{
    switch (opt->format) {
    case FORMAT_HUMAN:
        print_human(stdout, opt, rep, r);
        if (!(opt->quiet && r->ndrift == 0))
            cli_print_check_summary(stdout, r, rep->script, rep->written, rep->hint);
        break;
    case FORMAT_JSON: {
        json_t *root = check_to_json(rep, r);
        json_dumpf(root, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(root);
        break;
    }
    case FORMAT_GITHUB:
        print_github(stdout, rep, r);
        break;
    }
    fflush(stdout);
}

/* ---- the command ------------------------------------------------------------------------------ */

static const char *origin_text(const DbUrlOrigin *o)
{
    static char buf[1400];
    switch (o->source) {
    case DBURL_FROM_FLAG: return "--db";
    case DBURL_FROM_DATABASE_URL: return "DATABASE_URL";
    case DBURL_FROM_DATASOURCE: return "the datasource's url";
    case DBURL_FROM_DATASOURCE_ENV:
        if (o->from_dotenv)
            snprintf(buf, sizeof buf, "%s in %s", o->variable, o->dotenv_path);
        else
            snprintf(buf, sizeof buf, "%s", o->variable);
        return buf;
    }
    return "?";
}

/* Validation and lowering, on a thread of their own. */
typedef struct Lowering {
    Db *db;
    Diags *diags;
    SqlSchema *lowered;
} Lowering;

static void *lower_job(void *arg)
{
    Lowering *job = arg;
    db_validate(job->db, PROVIDER_NONE, job->diags);
    if (job->diags->errors == 0)
        job->lowered = lower_schema(job->db, dialect_get(lower_flavour_for(job->db->provider), false));
    return NULL;
}

static int check_run(int argc, char **argv)
{
    CliOptions opt;
    CheckArgs args = {0};
    Schema schema;
    int rc = cli_begin_schema(&CMD_CHECK, argc, argv, &(CommandArgs){CHECK_OPTIONS, &args, check_check_args}, &opt,
                              &schema);
    if (rc != CLI_PROCEED)
        return rc;
    rc = EXIT_CLEAN;
    Db *db = schema.diags.errors ? NULL : db_resolve(schema.ast, &schema.diags);
    if (!db || schema.diags.errors || (db->provider != PROVIDER_POSTGRESQL && db->provider != PROVIDER_SQLITE)) {
        /* nothing to overlap: say what is wrong with the schema */
        if (db && schema.diags.errors == 0)
            db_validate(db, PROVIDER_NONE, &schema.diags);
        rc = EXIT_FINDINGS;
        if (schema.diags.errors)
            report_schema_errors(&opt, &schema, "check", ": fix the schema first");
        else if (!sql_provider("check", &schema, db))
            rc = EXIT_TROUBLE;
        schema_free(&schema);
        return rc;
    }

    /* The schema is validated and lowered on a second thread while the database is read (the
     * database's answer is the slow part); schema errors still come first. */
    Lowering job = {db, &schema.diags, NULL};
    pthread_t worker;
    bool threaded = parallel_thread_create(&worker, NULL, lower_job, &job, 0) == 0;
    if (!threaded)
        lower_job(&job);

    char *first = strdup(schema.sources.files[0].path);
    char *dir = dirname(first);
    DbUrl url;
    DbUrlOrigin origin;
    DbError err = {0};
    SqlSchema *live = NULL;
    SqlFlavour flavour = lower_flavour_for(db->provider);
    bool have_url = dburl_resolve_db(args.db, db, dir, &url, &origin, &err);
    free(first);
    if (have_url && (url.kind == DBURL_POSTGRES) != (flavour == SQL_POSTGRES)) {
        db_error_set(&err, DBERR_URL, "%s is a %s database, but %s describes a %s one", url.masked,
                     url.kind == DBURL_POSTGRES ? "PostgreSQL" : "SQLite", schema_describe(&schema),
                     flavour == SQL_POSTGRES ? "PostgreSQL" : "SQLite");
        have_url = false;
    }
    IntrospectOptions io = {0};
    if (db->datasource && db->datasource->nschemas) {
        io.schemas = db->datasource->schemas;
        io.nschemas = db->datasource->nschemas;
    }
    io.connect_timeout_s = args.connect_timeout;
    io.statement_timeout_ms = args.statement_timeout;
    if (have_url)
        live = introspect_url(&url, &io, NULL, &err);
    if (threaded)
        pthread_join(worker, NULL);
    SqlSchema *lowered = job.lowered;
    if (schema.diags.errors) {
        report_schema_errors(&opt, &schema, "check", ": fix the schema first");
        sql_schema_free(live);
        sql_schema_free(lowered);
        dburl_free(&url);
        schema_free(&schema);
        return EXIT_FINDINGS;
    }
    if (opt.format == FORMAT_HUMAN && schema.diags.warnings && !opt.quiet)
        report_diags(&opt, &schema, "check");
    if (!live) {
        cli_report_db_error(&opt, "check", &err);
        dburl_free(&url);
        sql_schema_free(lowered);
        schema_free(&schema);
        return EXIT_TROUBLE;
    }
    cli_adjust_default_namespace(lowered, db, &url);
    const Dialect *dialect = dialect_get(flavour, false);
    CheckResult *r = check_compare(live, lowered, dialect);

    bool written = false;
    if (args.script) {
        SqlBuf script = {0};
        RepairOptions ro = {0};
        ro.allow_data_loss = args.allow_data_loss;
        ro.apply_renames = args.apply_renames;
        ro.url = &url;
        ro.url_options = &io;
        char header[2048];
        snprintf(header, sizeof header, "%s -> %s", url.masked, schema_describe(&schema));
        ro.header = header;
        RepairSummary sum;
        if (!repair_write_script(r, &ro, &script, &sum, &err)) {
            cli_report_db_error(&opt, "check", &err);
            rc = EXIT_TROUBLE;
        } else {
            rc = cli_write_file(args.script, script.ptr ? script.ptr : "", script.len);
            written = rc == EXIT_CLEAN && strcmp(args.script, "-") != 0;
            if (rc == EXIT_CLEAN && opt.format == FORMAT_HUMAN && !opt.quiet && written) {
                fprintf(stderr, "repair script: %s (%u statement%s", args.script, sum.statements,
                        sum.statements == 1 ? "" : "s");
                if (sum.left_out)
                    fprintf(stderr, "; %u finding%s left as %s: %u would lose data, %u blocked by rows, "
                                    "%u look%s renamed",
                            sum.left_out, sum.left_out == 1 ? "" : "s", sum.left_out == 1 ? "it is" : "they are",
                            sum.lossy, sum.blocked, sum.renames, sum.renames == 1 ? "s" : "");
                if (sum.placeholders)
                    fprintf(stderr, "; %u placeholder value%s to review", sum.placeholders,
                            sum.placeholders == 1 ? "" : "s");
                fputs(")\n", stderr);
            }
        }
        sqlbuf_free(&script);
    }
    if (rc == EXIT_CLEAN) {
        char where[1600];
        snprintf(where, sizeof where, "%s (%s)", url.masked, origin_text(&origin));
        CheckReport rep = {"check", &schema.sources, schema_describe(&schema), opt.format == FORMAT_JSON ? url.masked : where,
                           origin_text(&origin), args.script, written, false, "--script FILE writes the repair"};
        cli_print_check_report(&opt, &rep, r);
        rc = r->ndrift ? EXIT_FINDINGS : EXIT_CLEAN;
    }
    fflush(stdout);
    check_free(r);
    sql_schema_free(live);
    sql_schema_free(lowered);
    dburl_free(&url);
    schema_free(&schema);
    return rc;
}
