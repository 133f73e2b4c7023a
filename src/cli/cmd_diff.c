/* prismac diff --from SRC --to SRC [--script]: the differences between any two states and the
 * script that takes the first to the second. SRC is schema:PATH, db:URL, migrations:DIR or
 * empty; each is turned into the SQL model (lowered, introspected, replayed into a scratch
 * database, or nothing) and the two are compared the way `check` compares a database with a
 * schema: the same findings, the same careful script. */
#include "drift.h"
#include "prismac/check.h"
#include "prismac/dburl.h"
#include "prismac/introspect.h"
#include "prismac/lower.h"
#include "prismac/migrations.h"
#include "prismac/repair.h"
#include "prismac/replay.h"

#include <stddef.h>
#include <string.h>

static int diff_run(int argc, char **argv);

const Command CMD_DIFF = {
    .name = "diff",
    .summary = "differences and the migration script between two states (schema, db, migrations, empty)",
    .help = "usage: prismac diff --from SRC --to SRC [OPTIONS]\n"
            "\n"
            "Compares two states of a database and reports what differs, as `check` does (the\n"
            "--from side plays the database, the --to side the schema); --script prints the SQL\n"
            "that takes --from to --to instead, with the same care: one transaction, steps that can\n"
            "lose data left out and listed unless --allow-data-loss, renames only with\n"
            "--apply-renames, NOT NULL columns added with a default or a placeholder value.\n"
            "\n"
            "SRC:\n"
            "  schema:PATH        a schema file or folder (the datasource's provider)\n"
            "  db:URL             a live database, read-only (postgresql://..., file:./dev.db)\n"
            "  migrations:DIR     a Prisma or Supabase migrations folder, replayed into a scratch\n"
            "                     database (SQLite in memory; PostgreSQL on --shadow-db's server)\n"
            "  empty              no tables at all\n"
            "\n"
            "options:\n"
            "  --script           print the script on standard output instead of the report\n"
            "  -o, --output FILE  write the script to FILE (and print the report)\n"
            "  --allow-data-loss  include the steps that can lose data\n"
            "  --apply-renames    rename what looks renamed\n"
            "  --shadow-db URL    PostgreSQL server for replaying migrations:DIR (its role needs\n"
            "                     CREATEDB; default: the db: side's server)\n"
            "  --provider P       postgresql or sqlite, when no side says (empty, migrations)\n"
            "  --format human|json|github, --color auto|always|never, -q/--quiet as for check\n"
            "\n"
            "exit status: 0 no difference, 1 differences (or an invalid schema),\n"
            "             2 usage, URL, connection or replay error\n",
    .run = diff_run,
};

typedef struct DiffArgs {
    const char *from, *to;
    const char *output;
    const char *shadow;
    const char *provider;
    bool script;
    bool allow_data_loss;
    bool apply_renames;
} DiffArgs;

static const CliOption DIFF_OPTIONS[] = {
    CLI_VALUE(DiffArgs, from, "--from", NULL), CLI_VALUE(DiffArgs, to, "--to", NULL),
    CLI_VALUE(DiffArgs, output, "--output", "-o"), CLI_VALUE(DiffArgs, shadow, "--shadow-db", NULL),
    CLI_VALUE(DiffArgs, provider, "--provider", NULL), CLI_FLAG(DiffArgs, script, "--script"),
    CLI_FLAG(DiffArgs, allow_data_loss, "--allow-data-loss"), CLI_FLAG(DiffArgs, apply_renames, "--apply-renames"),
    CLI_END,
};

typedef enum SideKind { SIDE_SCHEMA, SIDE_DB, SIDE_MIGRATIONS, SIDE_EMPTY } SideKind;

/* One side of the comparison, and everything that must live as long as its model. */
typedef struct Side {
    SideKind kind;
    const char *arg;            /* what follows the prefix */
    const char *label;          /* for messages: "schema:prisma/schema.prisma", "db:postgresql://...:****@..." */
    bool have_flavour;
    SqlFlavour flavour;
    SqlSchema *model;           /* owned unless `borrowed` */
    bool borrowed;
    Schema schema;              /* SIDE_SCHEMA */
    bool schema_loaded;
    Db *db;
    DbUrl url;                  /* SIDE_DB */
    bool url_parsed;
    Arena arena;                /* SIDE_MIGRATIONS */
    MigrationsDir dir;
    Replay replay;
    bool replayed;
} Side;

static bool parse_side(const char *text, Side *s)
{
    memset(s, 0, sizeof *s);
    arena_init(&s->arena);
    if (strcmp(text, "empty") == 0) {
        s->kind = SIDE_EMPTY;
        s->label = "empty";
        return true;
    }
    static const struct { const char *prefix; SideKind kind; } kinds[] = {
        {"schema:", SIDE_SCHEMA}, {"db:", SIDE_DB}, {"migrations:", SIDE_MIGRATIONS}};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        size_t n = strlen(kinds[k].prefix);
        if (strncmp(text, kinds[k].prefix, n) == 0 && text[n]) {
            s->kind = kinds[k].kind;
            s->arg = text + n;
            s->label = text;
            return true;
        }
    }
    return false;
}

static void side_free(Side *s)
{
    if (s->replayed)
        replay_free(&s->replay);
    if (!s->borrowed)
        sql_schema_free(s->model);
    if (s->schema_loaded)
        schema_free(&s->schema);
    if (s->url_parsed)
        dburl_free(&s->url);
    arena_free(&s->arena);
}

static bool parse_flavour(const char *p, SqlFlavour *out)
{
    DbProvider provider;
    if (!cli_parse_provider(p, &provider))
        return false;
    *out = lower_flavour_for(provider);
    return true;
}

/* First pass: what each side says about its flavour (schemas and URLs say; a migrations folder
 * says through migration_lock.toml). */
static int side_prepare(const CliOptions *opt, Side *s)
{
    switch (s->kind) {
    case SIDE_SCHEMA: {
        char *paths[1] = {(char *)s->arg};
        s->schema_loaded = true;
        int rc = cli_load_lowered(opt, &s->schema, 1, paths, "diff", &s->db, &s->model);
        if (rc != EXIT_CLEAN)
            return rc;
        s->have_flavour = true;
        s->flavour = s->model->flavour;
        s->label = arena_sprintf(&s->arena, "schema:%s", schema_describe(&s->schema));
        return EXIT_CLEAN;
    }
    case SIDE_DB: {
        DbError err;
        s->url_parsed = true;
        if (!dburl_parse(s->arg, NULL, &s->url, &err)) {
            cli_report_db_error(opt, "diff", &err);
            return EXIT_TROUBLE;
        }
        s->have_flavour = true;
        s->flavour = s->url.kind == DBURL_POSTGRES ? SQL_POSTGRES : SQL_SQLITE;
        s->label = arena_sprintf(&s->arena, "db:%s", s->url.masked);
        return EXIT_CLEAN;
    }
    case SIDE_MIGRATIONS: {
        char *msg = NULL;
        MigrationsStatus st = migrations_load(&s->arena, s->arg, LAYOUT_AUTO, &s->dir, &msg);
        if (st != MIGRATIONS_OK) {
            fprintf(stderr, "prismac diff: %s\n", msg ? msg : s->arg);
            return EXIT_TROUBLE;
        }
        if (s->dir.has_lock && s->dir.lock_provider.len) {
            char p[64];
            snprintf(p, sizeof p, "%.*s", (int)s->dir.lock_provider.len, s->dir.lock_provider.ptr);
            s->have_flavour = parse_flavour(p, &s->flavour);
        }
        return EXIT_CLEAN;
    }
    case SIDE_EMPTY:
        return EXIT_CLEAN;
    }
    return EXIT_TROUBLE;
}

/* Second pass: the model, now that the flavour and the schemas to read are known. */
static int side_load(const CliOptions *opt, Side *s, SqlFlavour flavour, const IntrospectOptions *io,
                     const DbUrl *server)
{
    DbError err = {0};
    switch (s->kind) {
    case SIDE_SCHEMA:
        return EXIT_CLEAN;
    case SIDE_DB:
        s->model = introspect_url(&s->url, io, NULL, &err);
        if (!s->model) {
            cli_report_db_error(opt, "diff", &err);
            return EXIT_TROUBLE;
        }
        return EXIT_CLEAN;
    case SIDE_EMPTY:
        s->model = sql_schema_new(flavour);
        return EXIT_CLEAN;
    case SIDE_MIGRATIONS: {
        if (flavour == SQL_POSTGRES && !server) {
            fprintf(stderr, "prismac diff: replaying %s on PostgreSQL needs a server for the scratch database: "
                            "pass --shadow-db URL (or a db: side)\n",
                    s->arg);
            return EXIT_TROUBLE;
        }
        ReplayOptions ro = {0};
        ro.flavour = flavour;
        ro.server = server;
        ro.introspect = io;
        s->replayed = true;
        if (!replay_run(&s->dir, NULL, s->dir.count, &ro, &s->replay, &err)) {
            cli_report_db_error(opt, "diff", &err);
            return EXIT_TROUBLE;
        }
        if (s->replay.failed) {
            fprintf(stderr, "prismac diff: replaying %s failed: %s\n", s->arg, s->replay.error.message);
            return EXIT_TROUBLE;
        }
        const SqlSchema *last = replay_schema_after(&s->replay, s->replay.applied ? s->replay.applied - 1 : UINT32_MAX);
        s->model = (SqlSchema *)last;
        s->borrowed = true;
        if (!s->model) {
            s->model = sql_schema_new(flavour);
            s->borrowed = false;
        }
        return EXIT_CLEAN;
    }
    }
    return EXIT_TROUBLE;
}

static int diff_run(int argc, char **argv)
{
    CliOptions opt;
    ArgvList rest;
    DiffArgs args = {0};
    int rc = cli_begin(&CMD_DIFF, argc, argv, &(CommandArgs){DIFF_OPTIONS, &args, NULL}, &opt, &rest);
    if (rc != CLI_PROCEED)
        return rc;
    int npositional = rest.count;
    argv_list_free(&rest);
    if (npositional)
        return cli_usage_error("diff", "unexpected argument: the states are given with --from and --to");
    if (!args.from || !args.to)
        return cli_usage_error("diff", "both --from and --to are needed (schema:PATH, db:URL, migrations:DIR or empty)");
    Side from, to;
    if (!parse_side(args.from, &from))
        return cli_usage_error("diff", "--from `%s`: expected schema:PATH, db:URL, migrations:DIR or empty", args.from);
    if (!parse_side(args.to, &to)) {
        side_free(&from);
        return cli_usage_error("diff", "--to `%s`: expected schema:PATH, db:URL, migrations:DIR or empty", args.to);
    }
    rc = side_prepare(&opt, &from);
    if (rc == EXIT_CLEAN)
        rc = side_prepare(&opt, &to);

    /* the flavour both sides share */
    SqlFlavour flavour = SQL_SQLITE;
    bool known = false;
    if (rc == EXIT_CLEAN && args.provider) {
        DbProvider provider;
        if (!cli_provider_arg("diff", args.provider, &provider)) {
            rc = EXIT_TROUBLE;
        } else {
            flavour = lower_flavour_for(provider);
            known = true;
        }
    }
    const Side *sides[2] = {&from, &to};
    for (int k = 0; k < 2 && rc == EXIT_CLEAN; k++) {
        if (!sides[k]->have_flavour)
            continue;
        if (known && sides[k]->flavour != flavour) {
            fprintf(stderr, "prismac diff: %s is %s, the other side %s: both sides must be the same database kind\n",
                    sides[k]->label, sides[k]->flavour == SQL_POSTGRES ? "PostgreSQL" : "SQLite",
                    flavour == SQL_POSTGRES ? "PostgreSQL" : "SQLite");
            rc = EXIT_TROUBLE;
        }
        flavour = sides[k]->flavour;
        known = true;
    }
    if (rc == EXIT_CLEAN && !known)
        rc = cli_usage_error("diff", "neither side says which database it is: pass --provider postgresql|sqlite");

    /* the schemas to read: the datasource's `schemas` of a schema side */
    IntrospectOptions io = {0};
    const Db *schema_db = to.kind == SIDE_SCHEMA ? to.db : from.kind == SIDE_SCHEMA ? from.db : NULL;
    if (schema_db && schema_db->datasource && schema_db->datasource->nschemas) {
        io.schemas = schema_db->datasource->schemas;
        io.nschemas = schema_db->datasource->nschemas;
    }
    DbUrl shadow;
    bool shadow_parsed = false;
    const DbUrl *server = from.kind == SIDE_DB ? &from.url : to.kind == SIDE_DB ? &to.url : NULL;
    if (rc == EXIT_CLEAN && args.shadow) {
        DbError err;
        shadow_parsed = true;
        if (!dburl_parse(args.shadow, NULL, &shadow, &err)) {
            cli_report_db_error(&opt, "diff", &err);
            rc = EXIT_TROUBLE;
        } else {
            server = &shadow;
        }
    }
    if (server && server->kind != DBURL_POSTGRES)
        server = NULL;
    if (rc == EXIT_CLEAN)
        rc = side_load(&opt, &from, flavour, &io, server);
    if (rc == EXIT_CLEAN)
        rc = side_load(&opt, &to, flavour, &io, server);
    /* a schema compared with a database lives in the URL's ?schema= */
    const DbUrl *url = from.kind == SIDE_DB ? &from.url : to.kind == SIDE_DB ? &to.url : NULL;
    if (rc == EXIT_CLEAN && url) {
        if (from.kind == SIDE_SCHEMA)
            cli_adjust_default_namespace(from.model, from.db, url);
        if (to.kind == SIDE_SCHEMA)
            cli_adjust_default_namespace(to.model, to.db, url);
    }

    if (rc == EXIT_CLEAN) {
        const Dialect *dialect = dialect_get(flavour, false);
        CheckResult *r = check_compare(from.model, to.model, dialect);
        bool written = false;
        if (args.script || args.output) {
            SqlBuf script = {0};
            RepairOptions ro = {0};
            ro.allow_data_loss = args.allow_data_loss;
            ro.apply_renames = args.apply_renames;
            ro.url = from.kind == SIDE_DB ? &from.url : NULL;
            ro.url_options = &io;
            char header[2048];
            snprintf(header, sizeof header, "%s -> %s", from.label, to.label);
            ro.header = header;
            RepairSummary sum;
            DbError err = {0};
            if (!repair_write_script(r, &ro, &script, &sum, &err)) {
                cli_report_db_error(&opt, "diff", &err);
                rc = EXIT_TROUBLE;
            } else if (args.output) {
                rc = cli_write_file(args.output, script.ptr ? script.ptr : "", script.len);
                written = rc == EXIT_CLEAN && strcmp(args.output, "-") != 0;
            } else {
                rc = cli_write_file("-", script.ptr ? script.ptr : "", script.len);
            }
            sqlbuf_free(&script);
        }
        if (rc == EXIT_CLEAN && !(args.script && !args.output)) {
            CheckReport rep = {"diff", to.kind == SIDE_SCHEMA ? &to.schema.sources : NULL, to.label, from.label, NULL,
                               args.output, written, true, "--script prints the SQL that takes --from to --to"};
            cli_print_check_report(&opt, &rep, r);
        }
        if (rc == EXIT_CLEAN)
            rc = r->ndrift ? EXIT_FINDINGS : EXIT_CLEAN;
        check_free(r);
    }
    if (shadow_parsed)
        dburl_free(&shadow);
    side_free(&from);
    side_free(&to);
    return rc;
}
