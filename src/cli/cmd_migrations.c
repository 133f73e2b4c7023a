/* prismac migrations status | check: the migration history against the live database, and
 * (offline) the folder against the schema. */
#include "cli.h"
#include "prismac/dburl.h"
#include "prismac/migrations_check.h"

#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int migrations_run(int argc, char **argv);

const Command CMD_MIGRATIONS = {
    .name = "migrations",
    .summary = "migration history: status against a database, offline check against the schema",
    .help = "usage: prismac migrations status [--dir DIR] [--db URL] [SCHEMA] [options]\n"
            "       prismac migrations check  [--dir DIR] [SCHEMA] [options]\n"
            "\n"
            "status: reads the history table (_prisma_migrations, or the Supabase CLI's\n"
            "supabase_migrations.schema_migrations), replays the folder into a scratch database\n"
            "and checks each migration's objects against the live database. Every migration is\n"
            "applied, modified, failed, rolled_back, pending, missing_from_folder or phantom\n"
            "(recorded as applied, its objects absent); then whether the live schema is what the\n"
            "applied migrations make, and where it first departs; what follows and what to run.\n"
            "The live database is only read.\n"
            "\n"
            "check: offline, replays the folder into a scratch database (SQLite in memory,\n"
            "PostgreSQL a temporary database) and compares it with the schema; when the schema\n"
            "has changes no migration makes, prints the missing migration as `prisma migrate dev`\n"
            "writes it (folder name and migration.sql).\n"
            "\n"
            "options:\n"
            "  --dir DIR              the migrations folder (default: SCHEMA's folder/migrations,\n"
            "                         ./prisma/migrations, ./supabase/migrations)\n"
            "  --layout L             prisma | supabase | auto (default: detected)\n"
            "  --db URL               status: the live database (default: DATABASE_URL, the\n"
            "                         datasource's url)\n"
            "  --shadow-db URL        a PostgreSQL server where scratch databases may be created\n"
            "                         (default: the live database's server; check: DATABASE_URL)\n"
            "  --script FILE          status: write the repair as one transactional SQL script\n"
            "                         (`-`: standard output); prismac never runs it\n"
            "  --name NAME            check: the missing migration's name (default: migration)\n"
            "  --write                check: create DIR/<timestamp>_NAME/migration.sql\n"
            "  --format human|json    the report's format\n"
            "\n"
            "SCHEMA (optional for status) adds the line `schema in_sync | missing-migration`.\n"
            "\n"
            "exit status: 0 clean (status: every migration applied and the history consistent;\n"
            "check: the folder reproduces the schema), 1 findings, 2 usage, I/O or connection error\n",
    .run = migrations_run,
};

typedef struct MigArgs {
    const char *dir, *layout, *db, *shadow, *script, *name;
    bool write;
} MigArgs;

static const CliOption MIG_OPTIONS[] = {
    CLI_VALUE(MigArgs, dir, "--dir", NULL), CLI_VALUE(MigArgs, layout, "--layout", NULL),
    CLI_VALUE(MigArgs, db, "--db", NULL), CLI_VALUE(MigArgs, shadow, "--shadow-db", NULL),
    CLI_VALUE(MigArgs, script, "--script", NULL), CLI_VALUE(MigArgs, name, "--name", NULL),
    CLI_FLAG(MigArgs, write, "--write"),
    CLI_END,
};

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The folder of the schema's first file ("." when it has none). */
static char *schema_dir(Arena *a, Schema *schema)
{
    if (!schema || !schema->sources.count)
        return arena_strdup(a, ".");
    const char *path = schema->sources.files[0].path;
    const char *slash = strrchr(path, '/');
    return slash ? arena_strndup(a, path, (size_t)(slash - path)) : arena_strdup(a, ".");
}

static const char *default_dir(Arena *a, Schema *schema)
{
    if (schema && schema->sources.count) {
        char *dir = schema_dir(a, schema);
        /* a multi-file schema in prisma/schema/: the migrations sit beside that folder */
        char *p = arena_sprintf(a, "%s/migrations", dir);
        if (is_dir(p))
            return p;
        const char *slash = strrchr(dir, '/');
        if (slash) {
            p = arena_sprintf(a, "%.*s/migrations", (int)(slash - dir), dir);
            if (is_dir(p))
                return p;
        }
    }
    if (is_dir("prisma/migrations"))
        return "prisma/migrations";
    if (is_dir("supabase/migrations"))
        return "supabase/migrations";
    return NULL;
}

/* Loads, resolves and validates SCHEMA; EXIT_CLEAN, or the status to exit with (reported). */
static int load_schema(const CliOptions *opt, Schema *schema, int npaths, char **paths, Db **db)
{
    int rc = schema_load(schema, npaths, paths);
    if (rc != EXIT_CLEAN)
        return rc;
    *db = schema_resolve(schema);
    if (schema->diags.errors) {
        report_diags(opt, schema, "migrations");
        return EXIT_FINDINGS;
    }
    if ((*db)->provider != PROVIDER_POSTGRESQL && (*db)->provider != PROVIDER_SQLITE) {
        fprintf(stderr, "prismac migrations: %s: the datasource's provider must be postgresql or sqlite\n",
                schema_describe(schema));
        return EXIT_TROUBLE;
    }
    return EXIT_CLEAN;
}

/* ---- status ------------------------------------------------------------------------------------ */

static const char *check_name(HistCheck c)
{
    switch (c) {
    case HCHECK_PRESENT: return "present";
    case HCHECK_ABSENT: return "absent";
    case HCHECK_DIFFERENT: return "different";
    case HCHECK_EXISTS: return "exists";
    case HCHECK_UNVERIFIABLE: return "unverifiable";
    }
    return "present";
}

static const char *kind_name(HistObjectKind k)
{
    switch (k) {
    case HOBJ_TABLE: return "table";
    case HOBJ_COLUMN: return "column";
    case HOBJ_PRIMARY_KEY: return "primary_key";
    case HOBJ_INDEX: return "index";
    case HOBJ_FOREIGN_KEY: return "foreign_key";
    case HOBJ_ENUM: return "enum";
    }
    return "table";
}

static const char *change_name(HistChange c)
{
    return c == HCHANGE_CREATED ? "created" : c == HCHANGE_ALTERED ? "altered" : "dropped";
}

static json_t *jstr(Str s)
{
    return json_stringn(s.ptr ? s.ptr : "", s.len);
}

static json_t *jstr_or_null(Str s, bool present)
{
    return present ? jstr(s) : json_null();
}

static json_t *jlines(const char *const *items, uint32_t n)
{
    json_t *a = json_array();
    for (uint32_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(items[i]));
    return a;
}

static json_t *status_json(const HistoryReport *r, const char *script_path)
{
    json_t *root = json_object();
    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(root, "command", json_string("migrations status"));
    json_object_set_new(root, "dir", json_string(r->dir.path));
    json_object_set_new(root, "layout", json_string(migrations_layout_name(r->dir.layout)));
    json_object_set_new(root, "dialect", json_string(r->flavour == SQL_POSTGRES ? "postgresql" : "sqlite"));
    json_object_set_new(root, "database", json_string(r->database));
    json_t *h = json_object();
    json_object_set_new(h, "table", jstr(r->history.table));
    json_object_set_new(h, "exists", json_boolean(r->history.exists));
    json_object_set_new(h, "rows", json_integer(r->history.count));
    json_object_set_new(root, "history", h);
    json_t *arr = json_array();
    for (uint32_t i = 0; i < r->count; i++) {
        const MigrationEntry *e = &r->entries[i];
        json_t *m = json_object();
        json_object_set_new(m, "name", jstr(e->name));
        json_object_set_new(m, "status", json_string(migration_status_name(e->status)));
        json_object_set_new(m, "file", e->file >= 0 ? json_string(r->dir.items[e->file].path) : json_null());
        json_object_set_new(m, "rows", json_integer(e->nrows));
        if (e->row) {
            json_t *row = json_object();
            json_object_set_new(row, "id", jstr(e->row->id));
            json_object_set_new(row, "state", json_string(history_row_state_name(e->row->state)));
            if (r->history.kind == HISTORY_PRISMA) {
                json_object_set_new(row, "checksum", jstr(e->row->checksum));
                json_object_set_new(row, "startedAt", jstr_or_null(e->row->started_at, e->row->started_at.len > 0));
                json_object_set_new(row, "finishedAt",
                                    jstr_or_null(e->row->finished_at, e->row->finished_at.len > 0));
                json_object_set_new(row, "rolledBackAt",
                                    jstr_or_null(e->row->rolled_back_at, e->row->rolled_back_at.len > 0));
                json_object_set_new(row, "logs", jstr_or_null(e->row->logs, e->row->has_logs));
                json_object_set_new(row, "appliedStepsCount", json_integer(e->row->applied_steps_count));
            }
            json_object_set_new(m, "row", row);
        } else {
            json_object_set_new(m, "row", json_null());
        }
        if (e->file >= 0)
            json_object_set_new(m, "checksum", json_string(r->dir.items[e->file].checksum));
        json_object_set_new(m, "checksumMatches",
                            e->row && r->history.kind == HISTORY_PRISMA && e->file >= 0 ? json_boolean(e->checksum_matches)
                                                                                       : json_null());
        json_object_set_new(m, "dataOnly", json_boolean(e->data_only));
        json_object_set_new(m, "checked", json_boolean(e->checked));
        json_t *objs = json_array();
        for (uint32_t k = 0; k < e->nobjects; k++) {
            const HistObject *o = &e->objects[k];
            json_t *jo = json_object();
            json_object_set_new(jo, "kind", json_string(kind_name(o->kind)));
            json_object_set_new(jo, "change", json_string(change_name(o->change)));
            json_object_set_new(jo, "state", json_string(check_name(o->check)));
            json_object_set_new(jo, "schema", o->namespace.len ? jstr(o->namespace) : json_null());
            json_object_set_new(jo, "table", o->kind == HOBJ_ENUM ? json_null() : jstr(o->table));
            json_object_set_new(jo, "name", o->kind == HOBJ_TABLE ? jstr(o->table) : jstr(o->name));
            if (o->kind == HOBJ_FOREIGN_KEY)
                json_object_set_new(jo, "references", jstr(o->referenced_table));
            json_object_set_new(jo, "detail", o->detail ? json_string(o->detail) : json_null());
            json_array_append_new(objs, jo);
        }
        json_object_set_new(m, "objects", objs);
        json_object_set_new(m, "present", json_integer(e->npresent));
        json_object_set_new(m, "missing", json_integer(e->nmissing));
        json_object_set_new(m, "diverges", json_boolean(e->diverges));
        json_object_set_new(m, "why", e->why ? json_string(e->why) : json_null());
        json_object_set_new(m, "replayError", e->replay_error ? json_string(e->replay_error) : json_null());
        json_array_append_new(arr, m);
    }
    json_object_set_new(root, "migrations", arr);
    json_t *v = json_object();
    json_object_set_new(v, "consistent", json_boolean(r->consistent));
    json_object_set_new(v, "divergesAt", r->diverges_at >= 0 ? jstr(r->entries[r->diverges_at].name) : json_null());
    json_object_set_new(v, "why", r->diverges_at >= 0 ? json_string(r->entries[r->diverges_at].why) : json_null());
    json_object_set_new(root, "verdict", v);
    json_t *lock = json_object();
    json_object_set_new(lock, "present", json_boolean(r->dir.has_lock));
    json_object_set_new(lock, "provider", r->dir.has_lock ? jstr(r->dir.lock_provider) : json_null());
    json_object_set_new(lock, "mismatch", json_boolean(r->lock_mismatch));
    json_object_set_new(root, "lock", lock);
    json_t *rp = json_object();
    json_object_set_new(rp, "ok", json_boolean(r->replay_failed_at < 0));
    json_object_set_new(rp, "failedAt", r->replay_failed_at >= 0 ? jstr(r->entries[r->replay_failed_at].name) : json_null());
    json_object_set_new(rp, "error", r->replay_error ? json_string(r->replay_error) : json_null());
    json_object_set_new(rp, "replays", json_integer(r->replays));
    json_object_set_new(rp, "applyMs", json_real(r->stats.apply_ms));
    json_object_set_new(rp, "introspectMs", json_real(r->stats.introspect_ms));
    json_object_set_new(rp, "introspections", json_integer(r->stats.introspections));
    json_object_set_new(root, "replay", rp);
    if (r->has_schema) {
        json_t *s = json_object();
        json_object_set_new(s, "inSync", json_boolean(r->schema_in_sync));
        json_object_set_new(s, "missingMigration", r->schema_migration ? json_string(r->schema_migration) : json_null());
        json_object_set_new(root, "schema", s);
    } else {
        json_object_set_new(root, "schema", json_null());
    }
    json_object_set_new(root, "consequences", jlines(r->consequences, r->nconsequences));
    json_object_set_new(root, "nextSteps", jlines(r->next_steps, r->nnext_steps));
    json_object_set_new(root, "clean", json_boolean(r->clean));
    json_t *rep = json_object();
    json_object_set_new(rep, "complete", json_boolean(r->repair_complete));
    json_object_set_new(rep, "script", script_path ? json_string(script_path) : json_null());
    json_object_set_new(root, "repair", rep);
    json_object_set_new(root, "ms", json_real(r->total_ms));
    return root;
}

static const char *paint(const CliOptions *o, const char *code)
{
    return o->color_out ? code : "";
}

static void status_human(const CliOptions *o, const HistoryReport *r)
{
    printf("%smigrations status%s: %s (%s layout, %u migration%s) against %s\n", paint(o, "\033[1m"),
           paint(o, "\033[0m"), r->dir.path, migrations_layout_name(r->dir.layout), r->dir.count,
           r->dir.count == 1 ? "" : "s", r->database);
    if (r->history.exists)
        printf("history table %.*s: %u row%s\n", (int)r->history.table.len, r->history.table.ptr, r->history.count,
               r->history.count == 1 ? "" : "s");
    else
        printf("no history table (%.*s): nothing is recorded as applied\n", (int)r->history.table.len,
               r->history.table.ptr);
    putchar('\n');
    for (uint32_t i = 0; i < r->count; i++) {
        const MigrationEntry *e = &r->entries[i];
        bool bad = e->status != MSTATUS_APPLIED && e->status != MSTATUS_PENDING;
        const char *color = e->status == MSTATUS_APPLIED ? "\033[32m" : e->status == MSTATUS_PENDING ? "\033[33m" : "\033[1;31m";
        printf("  %s%-20s%s %.*s", paint(o, color), migration_status_name(e->status), paint(o, "\033[0m"),
               (int)e->name.len, e->name.ptr);
        if (e->nrows > 1)
            printf("   (%u rows)", e->nrows);
        putchar('\n');
        (void)bad;
        if (e->status == MSTATUS_FAILED && e->row) {
            printf("%*sstarted %.*s, never finished\n", 23, "", (int)e->row->started_at.len, e->row->started_at.ptr);
            if (e->log)
                printf("%*slog: %s\n", 23, "", e->log);
        }
        if (e->status == MSTATUS_ROLLED_BACK && e->log)
            printf("%*slog: %s\n", 23, "", e->log);
        if (e->status == MSTATUS_MODIFIED && e->row)
            printf("%*schecksum recorded %.*s, file %s\n", 23, "", (int)e->row->checksum.len, e->row->checksum.ptr,
                   r->dir.items[e->file].checksum);
        if (e->diverges && e->why)
            printf("%*s%s\n", 23, "", e->why);
        if (e->replay_error)
            printf("%*sreplay fails: %s\n", 23, "", e->replay_error);
    }
    if (!r->count)
        printf("  (no migrations)\n");
    putchar('\n');
    if (r->lock_mismatch)
        printf("%slock mismatch%s: migration_lock.toml says %.*s\n", paint(o, "\033[1;31m"), paint(o, "\033[0m"),
               (int)r->dir.lock_provider.len, r->dir.lock_provider.ptr);
    uint32_t napplied = 0;
    for (uint32_t i = 0; i < r->count; i++)
        napplied += r->entries[i].status == MSTATUS_APPLIED || r->entries[i].status == MSTATUS_MODIFIED ||
                    r->entries[i].status == MSTATUS_PHANTOM;
    if (r->consistent && napplied == 0)
        printf("history %sconsistent%s: nothing is recorded as applied, and nothing the migrations make is in the "
               "database\n",
               paint(o, "\033[32m"), paint(o, "\033[0m"));
    else if (r->consistent)
        printf("history %sconsistent%s: the live schema is what the %u recorded migration%s make%s (object by "
               "object)\n",
               paint(o, "\033[32m"), paint(o, "\033[0m"), napplied, napplied == 1 ? "" : "s", napplied == 1 ? "s" : "");
    else
        printf("history %sdiverges at %.*s%s: %s\n", paint(o, "\033[1;31m"), (int)r->entries[r->diverges_at].name.len,
               r->entries[r->diverges_at].name.ptr, paint(o, "\033[0m"), r->entries[r->diverges_at].why);
    if (r->replay_failed_at >= 0)
        printf("the folder cannot be replayed: %s\n", r->replay_error);
    if (r->has_schema)
        printf("schema %s\n", r->schema_in_sync ? "in sync: the folder reproduces it"
                                                : "ahead of the folder: a migration is missing");
    if (r->nconsequences) {
        printf("\nwhat follows:\n");
        for (uint32_t i = 0; i < r->nconsequences; i++)
            printf("  - %s\n", r->consequences[i]);
    }
    if (r->nnext_steps) {
        printf("\nnext steps:\n");
        for (uint32_t i = 0; i < r->nnext_steps; i++)
            printf("  %u. %s\n", i + 1, r->next_steps[i]);
    }
}

static int write_file(const char *path, const char *data, size_t len)
{
    if (strcmp(path, "-") == 0) {
        fwrite(data, 1, len, stdout);
        return EXIT_CLEAN;
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "prismac migrations: cannot write %s: %s\n", path, strerror(errno));
        if (f)
            fclose(f);
        return EXIT_TROUBLE;
    }
    return EXIT_CLEAN;
}

static int run_status(const CliOptions *opt, MigArgs *a, ArgvList *pos)
{
    Arena arena;
    arena_init(&arena);
    Schema schema = {0};
    bool have_schema = pos->count > 0;
    Db *db = NULL;
    int rc = EXIT_TROUBLE;
    DbUrl url = {0}, shadow = {0};
    bool url_set = false, shadow_set = false;
    HistoryReport report = {0};
    MigrationLayout layout;
    if (!cli_parse_layout(a->layout, &layout)) {
        cli_usage_error("migrations", "unknown layout `%s` (prisma, supabase or auto)", a->layout);
        goto done;
    }
    if (a->script && strcmp(a->script, "-") == 0 && opt->format == FORMAT_JSON) {
        cli_usage_error("migrations", "--script - and --format json both write to standard output");
        goto done;
    }
    if (have_schema && (rc = load_schema(opt, &schema, pos->count, pos->items, &db)) != EXIT_CLEAN)
        goto done;
    rc = EXIT_TROUBLE;
    const char *dir = a->dir ? a->dir : default_dir(&arena, have_schema ? &schema : NULL);
    if (!dir) {
        cli_usage_error("migrations", "no migrations folder: give one with --dir (./prisma/migrations and "
                                      "./supabase/migrations do not exist)");
        goto done;
    }
    DbError err = {0};
    url_set = true;
    if (!dburl_resolve_db(a->db, db, have_schema ? schema_dir(&arena, &schema) : NULL, &url, NULL, &err)) {
        fprintf(stderr, "prismac migrations: %s\n", err.message);
        goto done;
    }
    if (a->shadow) {
        shadow_set = true;
        if (!dburl_parse(a->shadow, NULL, &shadow, &err)) {
            fprintf(stderr, "prismac migrations: --shadow-db: %s\n", err.message);
            goto done;
        }
        if (shadow.kind != DBURL_POSTGRES) {
            cli_usage_error("migrations", "--shadow-db must be a postgresql:// URL");
            goto done;
        }
    }
    HistoryStatusOptions so = {0};
    so.dir = dir;
    so.layout = layout;
    so.db = &url;
    so.shadow = shadow_set ? &shadow : NULL;
    so.schema = db;
    if (db && db->datasource) {
        so.schemas = db->datasource->schemas;
        so.nschemas = db->datasource->nschemas;
    }
    char *msg = NULL;
    if (history_status(&so, &report, &msg) != 0) {
        fprintf(stderr, "prismac migrations status: %s\n", msg ? msg : "failed");
        goto done;
    }
    if (a->script) {
        SqlBuf b = {0};
        history_repair_script(&report, &b);
        rc = write_file(a->script, b.ptr ? b.ptr : "", b.len);
        sqlbuf_free(&b);
        if (rc != EXIT_CLEAN)
            goto done;
    }
    if (opt->format == FORMAT_JSON) {
        json_t *j = status_json(&report, a->script);
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(j);
    } else if (!(opt->quiet && report.clean)) {
        status_human(opt, &report);
        if (a->script && strcmp(a->script, "-") != 0)
            printf("\nthe repair script is in %s%s\n", a->script,
                   report.repair_complete ? "" : " (it leaves what it cannot repair to you: see its NOT REPAIRED comments)");
    }
    rc = report.clean ? EXIT_CLEAN : EXIT_FINDINGS;
done:
    history_report_free(&report);
    if (url_set)
        dburl_free(&url);
    if (shadow_set)
        dburl_free(&shadow);
    if (have_schema)
        schema_free(&schema);
    arena_free(&arena);
    return rc;
}

/* ---- check --------------------------------------------------------------------------------------- */

static int write_migration(const char *dir, const char *folder, const char *sql, char **written, Arena *a)
{
    char *path = arena_sprintf(a, "%s/%s", dir, folder);
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "prismac migrations check: cannot create %s: %s\n", path, strerror(errno));
        return EXIT_TROUBLE;
    }
    char *file = arena_sprintf(a, "%s/migration.sql", path);
    struct stat st;
    if (stat(file, &st) == 0) {
        fprintf(stderr, "prismac migrations check: %s exists already\n", file);
        return EXIT_TROUBLE;
    }
    *written = file;
    return write_file(file, sql, strlen(sql));
}

static int run_check(const CliOptions *opt, MigArgs *a, ArgvList *pos)
{
    Arena arena;
    arena_init(&arena);
    Schema schema = {0};
    Db *db = NULL;
    int rc;
    DbUrl shadow = {0};
    bool shadow_set = false;
    MigrationsCheck check = {0};
    MigrationLayout layout;
    if (!cli_parse_layout(a->layout, &layout)) {
        arena_free(&arena);
        return cli_usage_error("migrations", "unknown layout `%s` (prisma, supabase or auto)", a->layout);
    }
    if ((rc = load_schema(opt, &schema, pos->count, pos->items, &db)) != EXIT_CLEAN) {
        schema_free(&schema);
        arena_free(&arena);
        return rc;
    }
    rc = EXIT_TROUBLE;
    const char *dir = a->dir ? a->dir : default_dir(&arena, &schema);
    if (!dir) {
        cli_usage_error("migrations", "no migrations folder beside %s: give one with --dir", schema_describe(&schema));
        goto done;
    }
    if (db->provider == PROVIDER_POSTGRESQL) {
        /* a server to create the scratch database on: --shadow-db, else the schema's database */
        DbError err = {0};
        shadow_set = true;
        if (!dburl_resolve_db(a->shadow, db, schema_dir(&arena, &schema), &shadow, NULL, &err) ||
            shadow.kind != DBURL_POSTGRES) {
            fprintf(stderr, "prismac migrations check: replaying PostgreSQL migrations needs a PostgreSQL server to "
                            "create a scratch database on: give one with --shadow-db URL (%s)\n",
                    err.message[0] ? err.message : "not a postgresql:// URL");
            goto done;
        }
    }
    MigrationsCheckOptions co = {0};
    co.layout = layout;
    co.shadow = shadow_set ? &shadow : NULL;
    co.shadow_attach = a->shadow != NULL;
    co.name = a->name;
    char *msg = NULL;
    if (!migrations_check_offline(db, dir, &co, &check, &msg)) {
        fprintf(stderr, "prismac migrations check: %s\n", msg ? msg : "failed");
        goto done;
    }
    char *written = NULL;
    if (a->write && check.migration_sql && !check.replay_failed &&
        write_migration(dir, check.folder_name, check.migration_sql, &written, &arena) != EXIT_CLEAN)
        goto done;
    const char *what = schema_describe(&schema);
    if (opt->format == FORMAT_JSON) {
        json_t *j = json_object();
        json_object_set_new(j, "version", json_integer(1));
        json_object_set_new(j, "command", json_string("migrations check"));
        json_object_set_new(j, "dir", json_string(check.dir.path));
        json_object_set_new(j, "layout", json_string(migrations_layout_name(check.dir.layout)));
        json_object_set_new(j, "schema", json_string(what));
        json_object_set_new(j, "migrations", json_integer(check.dir.count));
        json_object_set_new(j, "lockMismatch", json_boolean(check.lock_mismatch));
        json_t *rp = json_object();
        json_object_set_new(rp, "ok", json_boolean(!check.replay_failed));
        json_object_set_new(rp, "failedAt", check.replay_failed ? jstr(check.failed_migration) : json_null());
        json_object_set_new(rp, "error", check.replay_error ? json_string(check.replay_error) : json_null());
        json_object_set_new(rp, "applyMs", json_real(check.stats.apply_ms));
        json_object_set_new(rp, "introspectMs", json_real(check.stats.introspect_ms));
        json_object_set_new(j, "replay", rp);
        json_object_set_new(j, "inSync", check.replay_failed ? json_null() : json_boolean(check.in_sync));
        if (check.migration_sql) {
            json_t *m = json_object();
            json_object_set_new(m, "folder", json_string(check.folder_name));
            json_object_set_new(m, "sql", json_string(check.migration_sql));
            json_object_set_new(m, "steps", json_integer(check.nsteps));
            json_object_set_new(m, "destructive", json_boolean(check.destructive));
            json_object_set_new(m, "written", written ? json_string(written) : json_null());
            json_object_set_new(j, "missingMigration", m);
        } else {
            json_object_set_new(j, "missingMigration", json_null());
        }
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(j);
    } else if (check.replay_failed) {
        printf("%s cannot be replayed: %s\n", check.dir.path, check.replay_error);
        if (check.lock_mismatch)
            printf("(migration_lock.toml says %.*s: the migrations were written for another database)\n",
                   (int)check.dir.lock_provider.len, check.dir.lock_provider.ptr);
    } else if (check.in_sync) {
        if (!opt->quiet)
            printf("%s (%u migration%s) reproduces %s\n", check.dir.path, check.dir.count,
                   check.dir.count == 1 ? "" : "s", what);
    } else if (written) {
        printf("%s lacked a migration for %s; wrote %s\n", check.dir.path, what, written);
    } else {
        printf("%s does not reproduce %s: a migration is missing (%u step%s%s).\n"
               "Add it as %s/%s/migration.sql (`prismac migrations check --write%s%s` does):\n\n%s",
               check.dir.path, what, check.nsteps, check.nsteps == 1 ? "" : "s",
               check.destructive ? ", some of them destructive" : "", check.dir.path, check.folder_name,
               a->name ? " --name " : "", a->name ? a->name : "", check.migration_sql);
    }
    rc = check.replay_failed || check.lock_mismatch || (!check.in_sync && !written) ? EXIT_FINDINGS : EXIT_CLEAN;
done:
    migrations_check_free(&check);
    if (shadow_set)
        dburl_free(&shadow);
    schema_free(&schema);
    arena_free(&arena);
    return rc;
}

static int migrations_run(int argc, char **argv)
{
    static const char *const SUBCOMMANDS[] = {"status", "check", NULL};
    int which = 0;
    int rc = cli_begin_subcommand(&CMD_MIGRATIONS, argc, argv, SUBCOMMANDS, &which);
    if (rc != CLI_PROCEED)
        return rc;
    bool status = which == 0;
    MigArgs a = {0};
    CliOptions opt;
    ArgvList pos;
    rc = cli_begin(&CMD_MIGRATIONS, argc - 1, argv + 1, &(CommandArgs){MIG_OPTIONS, &a, NULL}, &opt, &pos);
    if (rc != CLI_PROCEED)
        return rc;
    if (status && (a.name || a.write))
        rc = cli_usage_error("migrations", "--name and --write belong to `migrations check`");
    else if (!status && (a.script || a.db))
        rc = cli_usage_error("migrations", "--script and --db belong to `migrations status` (check is offline)");
    else
        rc = status ? run_status(&opt, &a, &pos) : run_check(&opt, &a, &pos);
    argv_list_free(&pos);
    return rc;
}
