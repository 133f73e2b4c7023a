/* Helpers for the migration-history suites: throwaway live databases (a SQLite file, or a
 * database on the test PostgreSQL server), their rows as JSON, schemas from files, and a
 * status report as the lines of fixtures/history expected.txt. Header-only. */
#ifndef PRISMAC_HISTUTIL_H
#define PRISMAC_HISTUTIL_H

#include "testutil.h"

#include "prismac/db.h"
#include "prismac/migrations_check.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <sqlite3.h>

typedef struct LiveDb {
    SqlFlavour flavour;
    char url[1024];         /* what prismac is given */
    char path[512];         /* SQLite file */
    char dir[256];          /* SQLite: its temporary folder */
    char name[128];         /* PostgreSQL database */
} LiveDb;

static void hist_ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* The test server's URL with another database. */
static inline void hist_pg_url(const char *dbname, char *out, size_t size)
{
    const char *base = test_pg_url();
    const char *scheme = strstr(base, "://");
    const char *slash = strchr(scheme ? scheme + 3 : base, '/');
    size_t n = slash ? (size_t)(slash - base) : strlen(base);
    snprintf(out, size, "%.*s/%s", (int)n, base, dbname);
}

static inline PGconn *hist_pg_connect(const char *url)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) {
        print_error("cannot connect to %s: %s\n", url, PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, hist_ignore_notice, NULL);
    return c;
}

/* Runs a script (several statements); false with the error in err. */
static inline bool live_exec(const LiveDb *db, const char *sql, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (db->flavour == SQL_SQLITE) {
        sqlite3 *s = NULL;
        if (sqlite3_open(db->path, &s) != SQLITE_OK) {
            snprintf(err, errlen, "cannot open %s", db->path);
            sqlite3_close(s);
            return false;
        }
        char *msg = NULL;
        int rc = sqlite3_exec(s, sql, NULL, NULL, &msg);
        if (rc != SQLITE_OK && err)
            snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(s));
        /* a failed script leaves its transaction open: end it as sqlite3's shell would */
        if (!sqlite3_get_autocommit(s))
            sqlite3_exec(s, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_free(msg);
        sqlite3_close(s);
        return rc == SQLITE_OK;
    }
    PGconn *c = hist_pg_connect(db->url);
    if (!c)
        return false;
    PGresult *res = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(res);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
    if (!ok && err)
        snprintf(err, errlen, "%s", PQresultErrorMessage(res));
    PQclear(res);
    PQfinish(c);
    return ok;
}

/* A new empty live database; `tag` names it. */
static inline void live_create(LiveDb *db, SqlFlavour flavour, const char *tag)
{
    memset(db, 0, sizeof *db);
    db->flavour = flavour;
    if (flavour == SQL_SQLITE) {
        snprintf(db->dir, sizeof db->dir, "/tmp/prismac-hist-XXXXXX");
        assert_non_null(mkdtemp(db->dir));
        snprintf(db->path, sizeof db->path, "%s/live.db", db->dir);
        snprintf(db->url, sizeof db->url, "file:%s", db->path);
        sqlite3 *s = NULL;
        assert_int_equal(sqlite3_open(db->path, &s), SQLITE_OK);
        sqlite3_close(s);
        return;
    }
    snprintf(db->name, sizeof db->name, "prismac_hist_%ld_%s", (long)getpid(), tag);
    for (char *p = db->name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            *p = '_';
    PGconn *admin = hist_pg_connect(test_pg_url());
    assert_non_null(admin);
    char sql[512];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\"", db->name);
    PQclear(PQexec(admin, sql));
    snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\" TEMPLATE template0 ENCODING 'UTF8'", db->name);
    PGresult *res = PQexec(admin, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        print_error("%s", PQresultErrorMessage(res));
    assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQfinish(admin);
    hist_pg_url(db->name, db->url, sizeof db->url);
}

static inline void live_drop(LiveDb *db)
{
    if (db->flavour == SQL_SQLITE) {
        if (db->dir[0]) {
            RunResult r = run_cmd("rm -rf '%s'", db->dir);
            run_free(&r);
        }
        return;
    }
    PGconn *admin = hist_pg_connect(test_pg_url());
    if (!admin)
        return;
    char sql[512];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", db->name);
    PQclear(PQexec(admin, sql));
    PQfinish(admin);
}

/* Every table's rows: {"schema.table" or "table": [ {column: value as text} ... ]}. */
static inline json_t *live_rows(const LiveDb *db)
{
    json_t *out = json_object();
    if (db->flavour == SQL_SQLITE) {
        sqlite3 *s = NULL;
        assert_int_equal(sqlite3_open_v2(db->path, &s, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
        sqlite3_stmt *tables = NULL;
        sqlite3_prepare_v2(s, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                              "ORDER BY name", -1, &tables, NULL);
        while (sqlite3_step(tables) == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(tables, 0);
            char sql[2048];
            snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", t);
            sqlite3_stmt *rows = NULL;
            json_t *arr = json_array();
            if (sqlite3_prepare_v2(s, sql, -1, &rows, NULL) == SQLITE_OK) {
                while (sqlite3_step(rows) == SQLITE_ROW) {
                    json_t *row = json_object();
                    for (int c = 0; c < sqlite3_column_count(rows); c++) {
                        const unsigned char *v = sqlite3_column_text(rows, c);
                        json_object_set_new(row, sqlite3_column_name(rows, c),
                                            v ? json_string((const char *)v) : json_null());
                    }
                    json_array_append_new(arr, row);
                }
            }
            sqlite3_finalize(rows);
            json_object_set_new(out, t, arr);
        }
        sqlite3_finalize(tables);
        sqlite3_close(s);
        return out;
    }
    PGconn *c = hist_pg_connect(db->url);
    assert_non_null(c);
    PGresult *tables = PQexec(c, "SELECT table_schema, table_name, format('%I.%I', table_schema, table_name) "
                                 "FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema "
                                 "NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2");
    for (int i = 0; i < PQntuples(tables); i++) {
        char sql[2048];
        snprintf(sql, sizeof sql, "SELECT row_to_json(t)::text FROM %s t", PQgetvalue(tables, i, 2));
        PGresult *rows = PQexec(c, sql);
        json_t *arr = json_array();
        for (int r = 0; r < PQntuples(rows); r++) {
            json_t *row = json_loads(PQgetvalue(rows, r, 0), 0, NULL);
            /* every value as text, as SQLite's side has it */
            const char *k;
            json_t *v;
            json_t *flat = json_object();
            json_object_foreach(row, k, v) {
                if (json_is_null(v))
                    json_object_set_new(flat, k, json_null());
                else if (json_is_string(v))
                    json_object_set(flat, k, v);
                else {
                    char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
                    json_object_set_new(flat, k, json_string(t));
                    free(t);
                }
            }
            json_decref(row);
            json_array_append_new(arr, flat);
        }
        PQclear(rows);
        char key[512];
        if (strcmp(PQgetvalue(tables, i, 0), "public") == 0)
            snprintf(key, sizeof key, "%s", PQgetvalue(tables, i, 1));
        else
            snprintf(key, sizeof key, "%s.%s", PQgetvalue(tables, i, 0), PQgetvalue(tables, i, 1));
        json_object_set_new(out, key, arr);
    }
    PQclear(tables);
    PQfinish(c);
    return out;
}

/* A schema file, resolved and validated (NULL db when it has errors). */
typedef struct LoadedSchema {
    Arena arena;
    SourceSet sources;      /* the Db points into it */
    Diags diags;
    Db *db;
    uint32_t errors;
} LoadedSchema;

static inline void schema_from_file(LoadedSchema *s, const char *path)
{
    memset(s, 0, sizeof *s);
    arena_init(&s->arena);
    char *text = read_whole_file(path, NULL);
    assert_non_null(text);
    source_set_init(&s->sources, &s->arena);
    diags_init(&s->diags, &s->arena);
    source_add_text(&s->sources, path, text, strlen(text));
    free(text);
    Ast *ast = ast_parse(&s->sources, &s->diags);
    Db *db = db_resolve(ast, &s->diags);
    if (!s->diags.errors)
        db_validate(db, PROVIDER_NONE, &s->diags);
    s->errors = s->diags.errors;
    s->db = s->diags.errors ? NULL : db;
}

static inline void schema_loaded_free(LoadedSchema *s)
{
    arena_free(&s->arena);
}

/* The report as expected.txt writes it (without the comment line). Malloc'd. */
static inline char *report_lines(const HistoryReport *r)
{
    Capture c;
    FILE *f = capture_begin(&c);
    for (uint32_t i = 0; i < r->count; i++)
        fprintf(f, "%.*s %s\n", (int)r->entries[i].name.len, r->entries[i].name.ptr,
                migration_status_name(r->entries[i].status));
    if (r->consistent)
        fprintf(f, "verdict consistent\n");
    else
        fprintf(f, "verdict diverges-at %.*s\n", (int)r->entries[r->diverges_at].name.len,
                r->entries[r->diverges_at].name.ptr);
    if (r->has_schema)
        fprintf(f, "schema %s\n", r->schema_in_sync ? "in_sync" : "missing-migration");
    if (r->lock_mismatch)
        fprintf(f, "lock mismatch %.*s\n", (int)r->dir.lock_provider.len, r->dir.lock_provider.ptr);
    return capture_end(&c);
}

/* A file without its `#` comment lines. Malloc'd; NULL when it does not exist. */
static inline char *read_without_comments(const char *path)
{
    char *text = read_whole_file(path, NULL);
    if (!text)
        return NULL;
    char *out = malloc(strlen(text) + 1), *o = out;
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
        if (*p != '#') {
            memcpy(o, p, n);
            o += n;
        }
        p += n;
    }
    *o = '\0';
    free(text);
    return out;
}

#endif
