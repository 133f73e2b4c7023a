/* Scratch databases and the scripts applied to them (see dbexec.h). This file writes; the
 * introspection files never do. */
#include "prismac/dbexec.h"

#include <ctype.h>
#include "pqlib.h"     /* libpq, loaded on first use */
#include <stdint.h>
#include "sqlitelib.h"  /* libsqlite3, loaded on first use */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

struct DbScratch {
    SqlFlavour flavour;
    bool attached;          /* PostgreSQL: an existing database, emptied again on close */
    char *schemas;          /* attached: its schemas when it was attached, as a text[] literal */
    char *extensions;       /* attached: its extensions then, likewise */
    sqlite3 *db;            /* SQLite */
    PGconn *admin;          /* PostgreSQL: the server connection that created the database */
    PGconn *conn;           /* PostgreSQL: the scratch database */
    const DbUrl *server;
    char name[64];
};

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* A writing connection (the scratch's own; never used for a user's database). */
static PGconn *connect_rw(const DbUrl *url, const char *database, const IntrospectOptions *opts, DbError *err)
{
    char timeout[32];
    int t = opts && opts->connect_timeout_s > 0 ? opts->connect_timeout_s : 10;
    snprintf(timeout, sizeof timeout, "%d", t);
    const char *keys[] = {"connect_timeout", "fallback_application_name", "dbname", database ? "dbname" : NULL, NULL};
    const char *vals[] = {timeout, "prismac", url->conninfo, database, NULL};
    PGconn *conn = PQconnectdbParams(keys, vals, 1);
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        introspect_pg_connect_error(url, conn ? PQerrorMessage(conn) : "out of memory", t, err);
        PQfinish(conn);
        return NULL;
    }
    PQsetNoticeProcessor(conn, ignore_notice, NULL);
    return conn;
}

static bool pg_command(PGconn *conn, const DbUrl *url, const char *sql, DbError *err)
{
    PGresult *res = PQexec(conn, sql);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!ok && err) {
        char masked[1024];
        dburl_mask_text(url, PQresultErrorMessage(res), masked, sizeof masked);
        masked[strcspn(masked, "\n")] = '\0';
        db_error_set(err, DBERR_QUERY, "%s", masked);
    }
    PQclear(res);
    return ok;
}

DbScratch *dbexec_scratch_open(SqlFlavour flavour, const DbUrl *server, const IntrospectOptions *opts, DbError *err)
{
    DbScratch *s = calloc(1, sizeof *s);
    s->flavour = flavour;
    s->server = server;
    if (flavour == SQL_SQLITE) {
        snprintf(s->name, sizeof s->name, ":memory:");
        if (sqlite3_open_v2(":memory:", &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
            db_error_set(err, DBERR_OTHER, "cannot open an in-memory SQLite database: %s",
                         s->db ? sqlite3_errmsg(s->db) : "out of memory");
            dbexec_scratch_close(s);
            return NULL;
        }
        return s;
    }
    if (!server || server->kind != DBURL_POSTGRES) {
        db_error_set(err, DBERR_URL, "a PostgreSQL scratch database needs a postgresql:// server URL");
        free(s);
        return NULL;
    }
    s->admin = connect_rw(server, NULL, opts, err);
    if (!s->admin) {
        free(s);
        return NULL;
    }
    /* unique on the server: the process, the clock and this scratch's address */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned long tag = (unsigned long)ts.tv_nsec ^ ((unsigned long)ts.tv_sec << 20) ^ (unsigned long)(uintptr_t)s;
    snprintf(s->name, sizeof s->name, "prismac_scratch_%ld_%lx", (long)getpid(), tag & 0xffffffffffUL);
    char sql[256];
    snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\" TEMPLATE template0 ENCODING 'UTF8'", s->name);
    DbError e = {0};
    if (!pg_command(s->admin, server, sql, &e)) {
        /* a leftover of a crashed run of the same pid: drop it and try once more */
        char drop[256];
        snprintf(drop, sizeof drop, "DROP DATABASE IF EXISTS \"%s\"", s->name);
        if (!pg_command(s->admin, server, drop, NULL) || !pg_command(s->admin, server, sql, &e)) {
            db_error_set(err, DBERR_QUERY, "cannot create a scratch database on %s: %s", server->masked, e.message);
            PQfinish(s->admin);
            free(s);
            return NULL;
        }
    }
    s->conn = connect_rw(server, s->name, opts, err);
    if (!s->conn) {
        dbexec_scratch_close(s);
        return NULL;
    }
    return s;
}

const char *dbexec_scratch_database(const DbScratch *scratch)
{
    return scratch->name;
}

typedef enum TxnControl { TXN_NONE, TXN_SKIP, TXN_REFUSE } TxnControl;
static TxnControl transaction_control(const char *p, const char *end);
static const char *statement_start(const char *p, const char *end);

/* 1-based line of a byte offset. */
static int line_of(const char *sql, size_t offset)
{
    int line = 1;
    for (size_t i = 0; i < offset && sql[i]; i++)
        if (sql[i] == '\n')
            line++;
    return line;
}

/* The byte offset of the 1-based character position PostgreSQL reports. */
static size_t byte_of_char(const char *sql, size_t len, long position)
{
    size_t i = 0;
    for (long c = 1; c < position && i < len; c++) {
        i++;
        while (i < len && ((unsigned char)sql[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

static bool apply_sqlite(DbScratch *s, const char *sql, size_t len, const char *label, DbError *err)
{
    char *errmsg = NULL;
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, &errmsg) != SQLITE_OK) {
        db_error_set(err, DBERR_QUERY, "%s: cannot begin a transaction: %s", label, errmsg ? errmsg : "");
        sqlite3_free(errmsg);
        return false;
    }
    char *text = malloc(len + 1);
    memcpy(text, sql, len);
    text[len] = '\0';
    const char *p = text;
    bool ok = true;
    while (*p) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        int rc = sqlite3_prepare_v2(s->db, p, -1, &st, &tail);
        TxnControl txn = rc == SQLITE_OK && st && tail ? transaction_control(statement_start(p, tail), tail) : TXN_NONE;
        if (txn == TXN_REFUSE) {
            db_error_set(err, DBERR_QUERY, "%s:%d: the script rolls back the transaction it runs in", label,
                         line_of(text, (size_t)(statement_start(p, tail) - text)));
            sqlite3_finalize(st);
            ok = false;
            break;
        }
        if (txn == TXN_SKIP) {
            sqlite3_finalize(st);
            p = tail;
            continue;
        }
        if (rc == SQLITE_OK && st) {
            while ((rc = sqlite3_step(st)) == SQLITE_ROW)
                ;
            if (rc == SQLITE_DONE)
                rc = SQLITE_OK;
        }
        if (rc != SQLITE_OK) {
            /* the statement starts after any blank lines and comments */
            const char *start = p;
            while (*start == ' ' || *start == '\n' || *start == '\t' || *start == '\r')
                start++;
            int offset = sqlite3_error_offset(s->db);
            size_t at = offset >= 0 ? (size_t)(p - text) + (size_t)offset : (size_t)(start - text);
            db_error_set(err, DBERR_QUERY, "%s:%d: %s", label, line_of(text, at), sqlite3_errmsg(s->db));
            sqlite3_finalize(st);
            ok = false;
            break;
        }
        sqlite3_finalize(st);
        if (!tail || tail == p)
            break;
        p = tail;
    }
    free(text);
    sqlite3_exec(s->db, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    if (ok && sqlite3_get_autocommit(s->db) == 0) {   /* the script left a transaction open */
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        db_error_set(err, DBERR_QUERY, "%s: the script left a transaction open", label);
        return false;
    }
    return ok;
}

/* The end of the statement starting at `p` (after its `;`, or the end of the text): quotes,
 * quoted identifiers, E'' strings, dollar quotes and comments hide their semicolons. */
static const char *statement_end(const char *p, const char *end)
{
    const char *first = p;
    while (p < end) {
        char c = *p;
        if (c == ';')
            return p + 1;
        if (c == '-' && p + 1 < end && p[1] == '-') {
            while (p < end && *p != '\n')
                p++;
        } else if (c == '/' && p + 1 < end && p[1] == '*') {
            int depth = 1;
            p += 2;
            while (p < end && depth > 0) {
                if (*p == '/' && p + 1 < end && p[1] == '*')
                    depth++, p += 2;
                else if (*p == '*' && p + 1 < end && p[1] == '/')
                    depth--, p += 2;
                else
                    p++;
            }
        } else if (c == '\'' || c == '"') {
            bool escapes = c == '\'' && p > first && (p[-1] == 'E' || p[-1] == 'e');
            p++;
            while (p < end) {
                if (escapes && *p == '\\' && p + 1 < end)
                    p += 2;
                else if (*p == c && p + 1 < end && p[1] == c)
                    p += 2;
                else if (*p == c)
                    break;
                else
                    p++;
            }
            p++;
        } else if (c == '$') {
            /* $tag$ ... $tag$ */
            const char *t = p + 1;
            while (t < end && (isalnum((unsigned char)*t) || *t == '_'))
                t++;
            if (t < end && *t == '$' && !(t > p + 1 && isdigit((unsigned char)p[1]))) {
                size_t taglen = (size_t)(t + 1 - p);
                const char *q = t + 1;
                while (q + taglen <= end && memcmp(q, p, taglen) != 0)
                    q++;
                p = q + taglen <= end ? q + taglen : end;
            } else {
                p++;
            }
        } else {
            p++;
        }
    }
    return end;
}

/* Where the statement's text begins: after blank space and comments; `end` if nothing. */
static const char *statement_start(const char *p, const char *end)
{
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f'))
            p++;
        if (p + 1 < end && p[0] == '-' && p[1] == '-') {
            while (p < end && *p != '\n')
                p++;
        } else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
            const char *e = p + 2;
            while (e + 1 < end && !(e[0] == '*' && e[1] == '/'))
                e++;
            p = e + 2 <= end ? e + 2 : end;
        } else {
            return p;
        }
    }
}

static bool word_at(const char **p, const char *end, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(end - *p) < n || strncasecmp(*p, word, n) != 0)
        return false;
    const char *q = *p + n;
    if (q < end && (isalnum((unsigned char)*q) || *q == '_'))
        return false;
    while (q < end && isspace((unsigned char)*q))
        q++;
    *p = q;
    return true;
}

/* BEGIN / START TRANSACTION / COMMIT / END [WORK|TRANSACTION] [;] are skipped; ROLLBACK and
 * ABORT are refused. */
static TxnControl transaction_control(const char *p, const char *end)
{
    TxnControl kind = TXN_NONE;
    if (word_at(&p, end, "BEGIN") || word_at(&p, end, "COMMIT") || word_at(&p, end, "END"))
        kind = TXN_SKIP;
    else if (word_at(&p, end, "START") && word_at(&p, end, "TRANSACTION"))
        kind = TXN_SKIP;
    else if (word_at(&p, end, "ROLLBACK") || word_at(&p, end, "ABORT"))
        kind = TXN_REFUSE;
    if (kind == TXN_NONE)
        return kind;
    (void)(word_at(&p, end, "WORK") || word_at(&p, end, "TRANSACTION"));
    if (kind == TXN_SKIP && word_at(&p, end, "ISOLATION"))
        return kind;   /* BEGIN ISOLATION LEVEL ...: still a BEGIN */
    return p >= end || *p == ';' ? kind : TXN_NONE;
}

/* One statement at a time inside one transaction, so a failure names its line even when the
 * server gives no position (`relation "a" already exists`). */
static bool apply_postgres(DbScratch *s, const char *sql, size_t len, const char *label, DbError *err)
{
    if (!pg_command(s->conn, s->server, "BEGIN", err))
        return false;
    char *text = malloc(len + 1);
    memcpy(text, sql, len);
    text[len] = '\0';
    const char *end = text + len, *p = text;
    bool ok = true;
    while (ok && p < end) {
        const char *start = statement_start(p, end);
        if (start >= end)
            break;
        const char *stop = statement_end(start, end);
        /* Migrations may wrap themselves in BEGIN ... COMMIT (Prisma does for enum changes):
         * the script already runs in one transaction, so those are left out; a ROLLBACK in a
         * script is refused. */
        switch (transaction_control(start, stop)) {
        case TXN_SKIP:
            p = stop;
            continue;
        case TXN_REFUSE:
            db_error_set(err, DBERR_QUERY, "%s:%d: the script rolls back the transaction it runs in", label,
                         line_of(text, (size_t)(start - text)));
            ok = false;
            continue;
        case TXN_NONE:
            break;
        }
        char *stmt = malloc((size_t)(stop - start) + 1);
        memcpy(stmt, start, (size_t)(stop - start));
        stmt[stop - start] = '\0';
        PGresult *res = PQexec(s->conn, stmt);
        ExecStatusType st = PQresultStatus(res);
        ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
        if (!ok) {
            const char *pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
            const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
            size_t at = (size_t)(start - text);
            if (pos)
                at += byte_of_char(stmt, strlen(stmt), atol(pos));
            char masked[900];
            dburl_mask_text(s->server, primary ? primary : PQresultErrorMessage(res), masked, sizeof masked);
            masked[strcspn(masked, "\n")] = '\0';
            db_error_set(err, DBERR_QUERY, "%s:%d: %s", label, line_of(text, at), masked);
        } else if (PQtransactionStatus(s->conn) != PQTRANS_INTRANS) {
            ok = false;
            db_error_set(err, DBERR_QUERY, "%s:%d: the script ends the transaction it runs in (COMMIT or ROLLBACK)",
                         label, line_of(text, (size_t)(start - text)));
        }
        PQclear(res);
        free(stmt);
        p = stop;
    }
    free(text);
    if (ok)
        return pg_command(s->conn, s->server, "COMMIT", err);
    pg_command(s->conn, s->server, "ROLLBACK", NULL);
    return false;
}

bool dbexec_apply(DbScratch *scratch, const char *sql, size_t len, const char *label, DbError *err)
{
    DbError local = {0};
    if (!err)
        err = &local;
    if (!label)
        label = "script";
    if (scratch->flavour == SQL_SQLITE)
        return apply_sqlite(scratch, sql, len, label, err);
    return apply_postgres(scratch, sql, len, label, err);
}

SqlSchema *dbexec_introspect(DbScratch *scratch, const IntrospectOptions *opts, IntrospectStats *stats, DbError *err)
{
    if (scratch->flavour == SQL_SQLITE)
        return introspect_sqlite_db(scratch->db, opts, stats, err);
    return introspect_postgres_conn(scratch->conn, scratch->server, opts, stats, err);
}

/* What a script may leave in an attached database, in the schemas that were there, as DROP
 * statements; %1$s is the schemas' text[] literal. Extensions and new schemas are dropped apart. */
static const char ATTACHED_OBJECTS[] =
    "SELECT format('DROP %s IF EXISTS %I.%I CASCADE', CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN "
    "'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, n.nspname, "
    "c.relname) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = ANY (%1$s) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('e', 'i', 'a')) "
    "UNION ALL "
    "SELECT format('DROP TYPE IF EXISTS %I.%I CASCADE', n.nspname, t.typname) FROM pg_catalog.pg_type t "
    "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY (%1$s) "
    "AND t.typtype IN ('e', 'd', 'r', 'm') "
    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = t.oid AND d.deptype IN ('e', 'i', 'a')) "
    "UNION ALL "
    "SELECT format('DROP ROUTINE IF EXISTS %I.%I(%s) CASCADE', n.nspname, p.proname, "
    "pg_catalog.pg_get_function_identity_arguments(p.oid)) FROM pg_catalog.pg_proc p "
    "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY (%1$s) "
    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')";

/* The query with every %1$s replaced by the schemas' literal (malloc'd). */
static char *expand_schemas(const char *query, const char *schemas)
{
    size_t n = strlen(schemas);
    char *out = malloc(strlen(query) + 8 * n + 1), *o = out;
    for (const char *p = query; *p;) {
        if (strncmp(p, "%1$s", 4) == 0) {
            memcpy(o, schemas, n);
            o += n;
            p += 4;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

/* Runs the DROP statements a query returns; false when one fails. */
static bool attached_drop(DbScratch *s, const char *query, DbError *err)
{
    PGresult *res = PQexec(s->conn, query);
    bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
    for (int i = 0; ok && i < PQntuples(res); i++)
        ok = pg_command(s->conn, s->server, PQgetvalue(res, i, 0), err);
    if (PQresultStatus(res) != PGRES_TUPLES_OK && err)
        db_error_set(err, DBERR_QUERY, "%s", PQresultErrorMessage(res));
    PQclear(res);
    return ok;
}

/* The database's schemas (or extensions) as an ARRAY[...]::text[] literal (malloc'd), or NULL. */
static char *attached_names(PGconn *conn, bool extensions)
{
    PGresult *res = PQexec(conn, extensions
                                     ? "SELECT 'ARRAY[' || COALESCE(pg_catalog.string_agg(pg_catalog.quote_literal("
                                       "extname), ', '), '') || ']::text[]' FROM pg_catalog.pg_extension"
                                     : "SELECT 'ARRAY[' || COALESCE(pg_catalog.string_agg(pg_catalog.quote_literal("
                                       "nspname), ', '), '') || ']::text[]' FROM pg_catalog.pg_namespace "
                                       "WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'");
    char *out = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)
                    ? strdup(PQgetvalue(res, 0, 0))
                    : NULL;
    PQclear(res);
    return out;
}

DbScratch *dbexec_scratch_attach(const DbUrl *database, const IntrospectOptions *opts, DbError *err)
{
    if (!database || database->kind != DBURL_POSTGRES) {
        db_error_set(err, DBERR_URL, "a shadow database must be a postgresql:// URL");
        return NULL;
    }
    DbScratch *s = calloc(1, sizeof *s);
    s->flavour = SQL_POSTGRES;
    s->server = database;
    s->attached = true;
    snprintf(s->name, sizeof s->name, "%s", database->database ? database->database : "(the URL's database)");
    s->conn = connect_rw(database, NULL, opts, err);
    if (!s->conn) {
        free(s);
        return NULL;
    }
    s->schemas = attached_names(s->conn, false);
    s->extensions = attached_names(s->conn, true);
    if (!s->schemas || !s->extensions) {
        db_error_set(err, DBERR_QUERY, "cannot read %s: %s", database->masked, PQerrorMessage(s->conn));
        s->attached = false;
        dbexec_scratch_close(s);
        return NULL;
    }
    /* empty: nothing but what the system and the installed extensions bring */
    char *objects = expand_schemas(ATTACHED_OBJECTS, s->schemas);
    char *sql = malloc(strlen(objects) + 64);
    sprintf(sql, "SELECT count(*) FROM (%s) o", objects);
    free(objects);
    PGresult *res = PQexec(s->conn, sql);
    free(sql);
    bool empty = PQresultStatus(res) == PGRES_TUPLES_OK && strcmp(PQgetvalue(res, 0, 0), "0") == 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        db_error_set(err, DBERR_QUERY, "cannot read %s: %s", database->masked, PQresultErrorMessage(res));
    else if (!empty)
        db_error_set(err, DBERR_OTHER, "%s is not empty (%s objects): a shadow database must hold nothing, "
                                       "prismac does not empty it",
                     database->masked, PQgetvalue(res, 0, 0));
    PQclear(res);
    if (!empty) {
        s->attached = false;   /* nothing of ours to drop */
        dbexec_scratch_close(s);
        return NULL;
    }
    return s;
}

/* Drops what the scripts left in an attached database: new schemas, new extensions, then what
 * remains in the schemas that were there. */
static void attached_cleanup(DbScratch *s)
{
    size_t n = strlen(s->schemas) + strlen(s->extensions);
    char *sql = malloc(n + 512);
    snprintf(sql, n + 512,
             "SELECT format('DROP SCHEMA IF EXISTS %%I CASCADE', nspname) FROM pg_catalog.pg_namespace "
             "WHERE nspname NOT LIKE 'pg\\_%%' AND nspname <> 'information_schema' AND nspname <> ALL (%s)",
             s->schemas);
    attached_drop(s, sql, NULL);
    snprintf(sql, n + 512,
             "SELECT format('DROP EXTENSION IF EXISTS %%I CASCADE', extname) FROM pg_catalog.pg_extension "
             "WHERE extname <> ALL (%s)",
             s->extensions);
    attached_drop(s, sql, NULL);
    free(sql);
    sql = expand_schemas(ATTACHED_OBJECTS, s->schemas);
    attached_drop(s, sql, NULL);
    free(sql);
}

void dbexec_scratch_close(DbScratch *scratch)
{
    if (!scratch)
        return;
    if (scratch->attached && scratch->conn)
        attached_cleanup(scratch);
    free(scratch->schemas);
    free(scratch->extensions);
    if (scratch->db)
        sqlite3_close(scratch->db);
    if (scratch->conn)
        PQfinish(scratch->conn);
    if (scratch->admin) {
        char sql[256];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", scratch->name);
        if (!pg_command(scratch->admin, scratch->server, sql, NULL)) {
            snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\"", scratch->name);
            pg_command(scratch->admin, scratch->server, sql, NULL);
        }
        PQfinish(scratch->admin);
    }
    free(scratch);
}
