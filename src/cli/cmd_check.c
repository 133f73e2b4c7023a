/* prismac check [SCHEMA...] [--db URL] [--script FILE]: drift between a schema and a live
 * database, grouped by table, with a repair script that never loses data unless told to. */
#include "drift.h"
#include "prismac/check.h"
#include "prismac/db.h"
#include "prismac/dburl.h"
#include "prismac/introspect.h"
#include "prismac/lower.h"
#include "prismac/repair.h"

#include <errno.h>
#include <pthread.h>
#include <jansson.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
            "what the database has. Views, triggers, CHECK constraints and other objects a schema\n"
            "cannot declare are listed apart and are not drift.\n"
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
    int connect_timeout;
    int statement_timeout;
} CheckArgs;

static int check_option(void *state, int argc, char **argv, int i)
{
    CheckArgs *a = state;
    const char *arg = argv[i];
    static const char *const valued[] = {"--db", "--script", "--connect-timeout", "--statement-timeout"};
    for (size_t k = 0; k < sizeof valued / sizeof *valued; k++) {
        size_t n = strlen(valued[k]);
        const char *v = NULL;
        int used = 0;
        if (strcmp(arg, valued[k]) == 0) {
            if (i + 1 >= argc) {
                cli_usage_error("check", "`%s` needs a value", arg);
                return 0;
            }
            v = argv[i + 1];
            used = 2;
        } else if (strncmp(arg, valued[k], n) == 0 && arg[n] == '=') {
            v = arg + n + 1;
            used = 1;
        } else {
            continue;
        }
        if (k == 0) {
            a->db = v;
        } else if (k == 1) {
            a->script = v;
        } else {
            char *end;
            long x = strtol(v, &end, 10);
            if (*v == '\0' || *end || x <= 0 || x > 86400000) {
                cli_usage_error("check", "`%s` needs a positive number, not `%s`", valued[k], v);
                return 0;
            }
            if (k == 2)
                a->connect_timeout = (int)x;
            else
                a->statement_timeout = (int)x;
        }
        return used;
    }
    if (strcmp(arg, "--allow-data-loss") == 0) {
        a->allow_data_loss = true;
        return 1;
    }
    if (strcmp(arg, "--apply-renames") == 0) {
        a->apply_renames = true;
        return 1;
    }
    return -1;
}

/* ---- shared with prismac diff ----------------------------------------------------------------- */

int cli_write_file(const char *path, const char *data, size_t len)
{
    if (strcmp(path, "-") == 0) {
        if ((len && fwrite(data, 1, len, stdout) != len) || fflush(stdout) != 0) {
            fprintf(stderr, "prismac: cannot write to standard output: %s\n", strerror(errno));
            return EXIT_TROUBLE;
        }
        return EXIT_CLEAN;
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp-XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "prismac: cannot write %s: %s\n", path, strerror(errno));
        free(tmp);
        return EXIT_TROUBLE;
    }
    struct stat st;
    mode_t mode;
    if (stat(path, &st) == 0) {
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    fchmod(fd, mode);
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        done += (size_t)w;
    }
    bool ok = done == len && fsync(fd) == 0;
    if (close(fd) != 0)
        ok = false;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "prismac: cannot write %s: %s\n", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return EXIT_TROUBLE;
    }
    free(tmp);
    return EXIT_CLEAN;
}

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
        for (const char *s = err->message; *s; s++)
            if (*s == '%')
                fputs("%25", stdout);
            else if (*s == '\n')
                fputs("%0A", stdout);
            else
                fputc(*s, stdout);
        fputc('\n', stdout);
    }
    fprintf(stderr, "prismac %s: %s (%s)\n", command, err->message, db_error_kind_name(err->kind));
    if (err->detail[0])
        fprintf(stderr, "  %s\n", err->detail);
}

/* Loads, resolves and validates the schema and lowers it for its provider. On failure prints
 * what went wrong and returns the exit status; on success *db and *lowered are set. */
int cli_load_lowered(const CliOptions *opt, Schema *schema, int npaths, char **paths, const char *command, Db **db_out,
                     SqlSchema **lowered)
{
    int rc = schema_load(schema, npaths, paths);
    if (rc != EXIT_CLEAN)
        return rc;
    Db *db = NULL;
    if (schema->diags.errors == 0) {
        db = db_resolve(schema->ast, &schema->diags);
        db_validate(db, PROVIDER_NONE, &schema->diags);
    }
    if (schema->diags.errors) {
        report_diags(opt, schema, command);
        if (opt->format == FORMAT_HUMAN)
            fprintf(stderr, "%s: %u error%s: fix the schema first\n", schema_describe(schema), schema->diags.errors,
                    schema->diags.errors == 1 ? "" : "s");
        return EXIT_FINDINGS;
    }
    if (db->provider != PROVIDER_POSTGRESQL && db->provider != PROVIDER_SQLITE) {
        fprintf(stderr, "prismac %s: %s: %s\n", command, schema_describe(schema),
                db->provider == PROVIDER_NONE ? "the schema has no datasource (its provider says which database it describes)"
                                              : "prismac compares postgresql and sqlite databases only");
        return EXIT_TROUBLE;
    }
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
            fprintf(out, "\n%sunmanaged%s (a schema cannot declare these; not drift, not compared)\n", bold, reset);
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

static void github_data(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '%')
            fputs("%25", out);
        else if (*s == '\r')
            fputs("%0D", out);
        else if (*s == '\n')
            fputs("%0A", out);
        else
            fputc(*s, out);
    }
}

static void github_property(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '%': fputs("%25", out); break;
        case '\r': fputs("%0D", out); break;
        case '\n': fputs("%0A", out); break;
        case ':': fputs("%3A", out); break;
        case ',': fputs("%2C", out); break;
        default: fputc(*s, out);
        }
    }
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
            github_property(out, l.file);
            fprintf(out, ",line=%u,col=%u", l.line, l.col);
            any = true;
        }
        fputs(any ? "," : " ", out);
        fputs("title=", out);
        char title[128];
        snprintf(title, sizeof title, "drift: %s", unmanaged ? "unmanaged object" : check_kind_phrase(f->kind));
        github_property(out, title);
        fputs("::", out);
        github_data(out, check_kind_name(f->kind));
        fputc(' ', out);
        if (unmanaged) {
            github_data(out, f->unmanaged_kind);
            fputc(' ', out);
        }
        github_data(out, f->object);
        if (f->expected) {
            fputs(": expected ", out);
            github_data(out, f->expected);
        }
        if (f->actual && !unmanaged) {
            fputs(f->expected ? ", found " : ": found ", out);
            github_data(out, f->actual);
        }
        if (f->destructive)
            fputs(" (repair can lose data)", out);
        if (f->note) {
            fputs(" - ", out);
            github_data(out, f->note);
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
    if (cli_wants_help(&CMD_CHECK, argc, argv))
        return EXIT_CLEAN;
    CliOptions opt;
    ArgvList paths;
    CheckArgs args = {0};
    int rc = cli_parse_args(&CMD_CHECK, argc, argv, &opt, check_option, &args, &paths);
    if (rc != EXIT_CLEAN) {
        argv_list_free(&paths);
        return rc;
    }
    Schema schema;
    rc = schema_load(&schema, paths.count, paths.items);
    argv_list_free(&paths);
    if (rc != EXIT_CLEAN) {
        schema_free(&schema);
        return rc;
    }
    Db *db = schema.diags.errors ? NULL : db_resolve(schema.ast, &schema.diags);
    if (!db || schema.diags.errors || (db->provider != PROVIDER_POSTGRESQL && db->provider != PROVIDER_SQLITE)) {
        /* nothing to overlap: say what is wrong with the schema */
        if (db && schema.diags.errors == 0)
            db_validate(db, PROVIDER_NONE, &schema.diags);
        if (schema.diags.errors) {
            report_diags(&opt, &schema, "check");
            if (opt.format == FORMAT_HUMAN)
                fprintf(stderr, "%s: %u error%s: fix the schema first\n", schema_describe(&schema),
                        schema.diags.errors, schema.diags.errors == 1 ? "" : "s");
            schema_free(&schema);
            return EXIT_FINDINGS;
        }
        fprintf(stderr, "prismac check: %s: %s\n", schema_describe(&schema),
                db->provider == PROVIDER_NONE ? "the schema has no datasource (its provider says which database it "
                                                "describes)"
                                              : "prismac compares postgresql and sqlite databases only");
        schema_free(&schema);
        return EXIT_TROUBLE;
    }

    /* The schema is validated and lowered on a second thread while the database is read (the
     * database's answer is the slow part); schema errors still come first. */
    Lowering job = {db, &schema.diags, NULL};
    pthread_t worker;
    bool threaded = pthread_create(&worker, NULL, lower_job, &job) == 0;
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
        report_diags(&opt, &schema, "check");
        if (opt.format == FORMAT_HUMAN)
            fprintf(stderr, "%s: %u error%s: fix the schema first\n", schema_describe(&schema), schema.diags.errors,
                    schema.diags.errors == 1 ? "" : "s");
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
