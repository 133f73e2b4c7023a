/* Reading the live migration history (see history.h). Nothing here writes: SQLite is opened
 * read-only with PRAGMA query_only, PostgreSQL through introspection's read-only session, in a
 * READ ONLY transaction that is rolled back. */
#include "prismac/history.h"

#include <jansson.h>
#include "pqlib.h"     /* libpq, loaded on first use */
#include "sqlitelib.h"  /* libsqlite3, loaded on first use */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *history_row_state_name(HistoryRowState state)
{
    switch (state) {
    case ROW_APPLIED: return "applied";
    case ROW_FAILED: return "failed";
    case ROW_ROLLED_BACK: return "rolled back";
    }
    return "applied";
}

static Str copy_str(Arena *a, const char *s)
{
    return s ? arena_str(a, s, strlen(s)) : (Str){"", 0};
}

/* Leading digits of a Prisma migration name. */
static Str name_version(Str name)
{
    uint32_t i = 0;
    while (i < name.len && name.ptr[i] >= '0' && name.ptr[i] <= '9')
        i++;
    return (Str){name.ptr, i};
}

static HistoryRowState prisma_state(bool finished, bool rolled_back)
{
    if (rolled_back)
        return ROW_ROLLED_BACK;
    return finished ? ROW_APPLIED : ROW_FAILED;
}

/* ---- PostgreSQL ------------------------------------------------------------------------------ */

static bool pg_ok(PGresult *res)
{
    ExecStatusType s = PQresultStatus(res);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

static void pg_fail(const DbUrl *url, PGresult *res, PGconn *conn, const char *what, DbError *err)
{
    char masked[900];
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
    dburl_mask_text(url, msg && *msg ? msg : PQerrorMessage(conn), masked, sizeof masked);
    masked[strcspn(masked, "\n")] = '\0';
    db_error_set(err, DBERR_QUERY, "cannot read %s from %s: %s", what, url->masked, masked);
}

static const char *cell(PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

#define PG_TIME(col) "to_char(" col ", 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

static bool pg_read_prisma(PGconn *conn, const DbUrl *url, Arena *a, History *h, DbError *err)
{
    const char *ns = url->schema && *url->schema ? url->schema : "public";
    h->namespace = copy_str(a, ns);
    const char *params[1] = {ns};
    PGresult *res = PQexecParams(conn,
                                 "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
                                 "n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = '_prisma_migrations' "
                                 "AND c.relkind IN ('r', 'p', 'v', 'f')",
                                 1, NULL, params, NULL, NULL, 0);
    if (!pg_ok(res)) {
        pg_fail(url, res, conn, "the migration history", err);
        PQclear(res);
        return false;
    }
    h->exists = PQntuples(res) > 0;
    PQclear(res);
    char *quoted = PQescapeIdentifier(conn, ns, strlen(ns));
    h->table = copy_str(a, arena_sprintf(a, "%s.\"_prisma_migrations\"", quoted ? quoted : "public"));
    PQfreemem(quoted);
    if (!h->exists)
        return true;
    char *sql = arena_sprintf(a,
                              "SELECT id::text, checksum, migration_name, logs, " PG_TIME("started_at") ", "
                              PG_TIME("finished_at") ", " PG_TIME("rolled_back_at") ", applied_steps_count, "
                              "finished_at IS NOT NULL, rolled_back_at IS NOT NULL "
                              "FROM %.*s ORDER BY started_at, finished_at NULLS FIRST, id",
                              (int)h->table.len, h->table.ptr);
    res = PQexec(conn, sql);
    if (!pg_ok(res)) {
        pg_fail(url, res, conn, "_prisma_migrations", err);
        PQclear(res);
        return false;
    }
    for (int i = 0; i < PQntuples(res); i++) {
        HistoryRow r = {0};
        r.id = copy_str(a, cell(res, i, 0));
        r.checksum = copy_str(a, cell(res, i, 1));
        r.name = copy_str(a, cell(res, i, 2));
        r.version = name_version(r.name);
        r.has_logs = cell(res, i, 3) != NULL;
        r.logs = copy_str(a, cell(res, i, 3));
        r.started_at = copy_str(a, cell(res, i, 4));
        r.finished_at = copy_str(a, cell(res, i, 5));
        r.rolled_back_at = copy_str(a, cell(res, i, 6));
        r.applied_steps_count = cell(res, i, 7) ? atoi(cell(res, i, 7)) : 0;
        r.state = prisma_state(strcmp(PQgetvalue(res, i, 8), "t") == 0, strcmp(PQgetvalue(res, i, 9), "t") == 0);
        ARENA_PUSH(a, h->rows, h->count, h->cap, r);
    }
    PQclear(res);
    return true;
}

static bool pg_read_supabase(PGconn *conn, const DbUrl *url, Arena *a, History *h, DbError *err)
{
    h->namespace = STR_LIT("supabase_migrations");
    h->table = STR_LIT("supabase_migrations.schema_migrations");
    PGresult *res = PQexec(conn,
                           "SELECT a.attname FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON "
                           "c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = 'supabase_migrations' AND c.relname = 'schema_migrations' "
                           "AND a.attnum > 0 AND NOT a.attisdropped");
    if (!pg_ok(res)) {
        pg_fail(url, res, conn, "the migration history", err);
        PQclear(res);
        return false;
    }
    h->exists = PQntuples(res) > 0;
    for (int i = 0; i < PQntuples(res); i++) {
        if (strcmp(PQgetvalue(res, i, 0), "name") == 0)
            h->supabase_has_name = true;
        if (strcmp(PQgetvalue(res, i, 0), "statements") == 0)
            h->supabase_has_statements = true;
    }
    PQclear(res);
    if (!h->exists)
        return true;
    char *sql = arena_sprintf(a, "SELECT version::text, %s, %s FROM supabase_migrations.schema_migrations "
                                 "ORDER BY version",
                              h->supabase_has_name ? "name" : "NULL::text",
                              h->supabase_has_statements ? "array_to_json(statements)::text" : "NULL::text");
    res = PQexec(conn, sql);
    if (!pg_ok(res)) {
        pg_fail(url, res, conn, "supabase_migrations.schema_migrations", err);
        PQclear(res);
        return false;
    }
    for (int i = 0; i < PQntuples(res); i++) {
        HistoryRow r = {0};
        r.version = copy_str(a, cell(res, i, 0));
        r.id = r.version;
        r.has_label = cell(res, i, 1) != NULL;
        r.label = copy_str(a, cell(res, i, 1));
        r.name = r.has_label && r.label.len
                     ? copy_str(a, arena_sprintf(a, "%.*s_%.*s", (int)r.version.len, r.version.ptr, (int)r.label.len,
                                                 r.label.ptr))
                     : r.version;
        r.state = ROW_APPLIED;
        const char *stmts = cell(res, i, 2);
        if (stmts) {
            json_error_t jerr;
            json_t *arr = json_loads(stmts, JSON_DECODE_ANY, &jerr);
            if (json_is_array(arr)) {
                r.has_statements = true;
                r.nstatements = (uint32_t)json_array_size(arr);
                r.statements = arena_alloc(a, (r.nstatements + 1) * sizeof *r.statements);
                for (uint32_t k = 0; k < r.nstatements; k++)
                    r.statements[k] = copy_str(a, json_string_value(json_array_get(arr, k)));
            }
            json_decref(arr);
        }
        ARENA_PUSH(a, h->rows, h->count, h->cap, r);
    }
    PQclear(res);
    return true;
}

static bool pg_history(const DbUrl *url, MigrationLayout layout, const IntrospectOptions *opts, Arena *a, History *h,
                       SqlSchema **live, DbError *err)
{
    PGconn *conn = introspect_pg_connect(url, NULL, opts, err);
    if (!conn)
        return false;
    PGresult *res = PQexec(conn, "BEGIN READ ONLY");
    bool ok = pg_ok(res);
    PQclear(res);
    if (!ok) {
        pg_fail(url, NULL, conn, "the migration history", err);
    } else {
        res = PQexec(conn, "SET LOCAL TIME ZONE 'UTC'");
        PQclear(res);
        ok = layout == LAYOUT_SUPABASE ? pg_read_supabase(conn, url, a, h, err) : pg_read_prisma(conn, url, a, h, err);
        res = PQexec(conn, "ROLLBACK");
        PQclear(res);
    }
    if (ok && live) {
        *live = introspect_postgres_conn(conn, url, opts, NULL, err);
        ok = *live != NULL;
    }
    PQfinish(conn);
    return ok;
}

/* ---- SQLite ---------------------------------------------------------------------------------- */

#define SQLITE_TIME(col)                                                                                      \
    "CASE typeof(" col ") WHEN 'integer' THEN strftime('%Y-%m-%dT%H:%M:%fZ', " col " / 1000.0, 'unixepoch') "  \
    "WHEN 'real' THEN strftime('%Y-%m-%dT%H:%M:%fZ', " col " / 1000.0, 'unixepoch') "                         \
    "WHEN 'null' THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', " col ") END"

static const char *sqlite_text(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL : (const char *)sqlite3_column_text(st, col);
}

static bool sqlite_read_prisma(sqlite3 *db, const DbUrl *url, Arena *a, History *h, DbError *err)
{
    h->table = STR_LIT("\"_prisma_migrations\"");
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        db_error_set(err, (rc & 0xff) == SQLITE_NOTADB ? DBERR_NOT_A_DATABASE : DBERR_QUERY,
                     "cannot read the migration history from %s: %s", url->masked, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return false;
    }
    h->exists = rc == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!h->exists)
        return true;
    rc = sqlite3_prepare_v2(db,
                            "SELECT id, checksum, migration_name, logs, " SQLITE_TIME("started_at") ", "
                            SQLITE_TIME("finished_at") ", " SQLITE_TIME("rolled_back_at") ", applied_steps_count, "
                            "finished_at IS NOT NULL, rolled_back_at IS NOT NULL "
                            "FROM \"_prisma_migrations\" ORDER BY started_at, finished_at IS NOT NULL, id",
                            -1, &st, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        HistoryRow r = {0};
        r.id = copy_str(a, sqlite_text(st, 0));
        r.checksum = copy_str(a, sqlite_text(st, 1));
        r.name = copy_str(a, sqlite_text(st, 2));
        r.version = name_version(r.name);
        r.has_logs = sqlite_text(st, 3) != NULL;
        r.logs = copy_str(a, sqlite_text(st, 3));
        r.started_at = copy_str(a, sqlite_text(st, 4));
        r.finished_at = copy_str(a, sqlite_text(st, 5));
        r.rolled_back_at = copy_str(a, sqlite_text(st, 6));
        r.applied_steps_count = sqlite3_column_int(st, 7);
        r.state = prisma_state(sqlite3_column_int(st, 8) != 0, sqlite3_column_int(st, 9) != 0);
        ARENA_PUSH(a, h->rows, h->count, h->cap, r);
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE) {
        db_error_set(err, DBERR_QUERY, "cannot read _prisma_migrations from %s: %s", url->masked, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return false;
    }
    sqlite3_finalize(st);
    return true;
}

static bool sqlite_history(const DbUrl *url, const IntrospectOptions *opts, Arena *a, History *h, SqlSchema **live,
                           DbError *err)
{
    sqlite3 *db = introspect_sqlite_open(url, err);
    if (!db)
        return false;
    sqlite3_busy_timeout(db, 5000);
    sqlite3_exec(db, "PRAGMA query_only = ON", NULL, NULL, NULL);
    bool ok = sqlite_read_prisma(db, url, a, h, err);
    if (ok && live) {
        *live = introspect_sqlite_db(db, opts, NULL, err);
        ok = *live != NULL;
        if (!ok && !err->message[0])
            db_error_set(err, DBERR_QUERY, "cannot read %s: %s", url->masked, err->detail);
    }
    sqlite3_close(db);
    return ok;
}

bool history_read(const DbUrl *url, MigrationLayout layout, const IntrospectOptions *opts, Arena *arena, History *out,
                  SqlSchema **live, DbError *err)
{
    memset(out, 0, sizeof *out);
    if (live)
        *live = NULL;
    out->kind = layout == LAYOUT_SUPABASE ? HISTORY_SUPABASE : HISTORY_PRISMA;
    if (url->kind == DBURL_SQLITE) {
        if (layout == LAYOUT_SUPABASE) {
            db_error_set(err, DBERR_URL, "%s is a SQLite database: Supabase migrations need PostgreSQL", url->masked);
            return false;
        }
        return sqlite_history(url, opts, arena, out, live, err);
    }
    return pg_history(url, layout, opts, arena, out, live, err);
}
