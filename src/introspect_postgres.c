/* PostgreSQL introspection: nine catalog queries for the whole database, inside a READ ONLY
 * transaction, read into a SqlSchema with Prisma's spellings. On a connection of its own, the
 * columns on one connection and the rest on a second one opened at the same time, reading the
 * same snapshot (see "two connections"); on a lent connection, all in one round trip.
 *
 * The queries read pg_catalog directly (not information_schema, which is slow on large
 * schemas): relations, columns with their types and default expressions (pg_get_expr),
 * indexes with their key vectors, the operator classes that are not a type's default, foreign
 * keys, CHECK constraints and triggers, enums, extensions. Rows are joined back by oid and
 * attribute number with sorted arrays, so the work is linear in the size of the catalog. */
#include "prismac/introspect.h"
#include "prismac/parallel.h"

#include <ctype.h>
#include "pqlib.h"     /* libpq, loaded on first use */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DEFAULT_CONNECT_TIMEOUT_S 10
#define DEFAULT_STATEMENT_TIMEOUT_MS 30000

/* ---- connecting --------------------------------------------------------------------------- */

static bool eq_ci(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

static bool contains(const char *s, const char *needle)
{
    return s && strstr(s, needle) != NULL;
}

/* The first line of libpq's message, without "connection to server at …, port … failed: " and
 * the server's "FATAL:  " prefix. */
static void core_message(const char *msg, char *out, size_t size)
{
    const char *p = msg ? msg : "";
    const char *failed = strstr(p, " failed: ");
    if (failed && (strncmp(p, "connection to server", 20) == 0))
        p = failed + 9;
    if (strncmp(p, "FATAL:  ", 8) == 0)
        p += 8;
    else if (strncmp(p, "ERROR:  ", 8) == 0)
        p += 8;
    size_t n = strcspn(p, "\n");
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\r'))
        n--;
    snprintf(out, size, "%.*s", (int)n, p);
}

/* libpq's whole message on one line: newlines and tabs become "; " / " ". */
static void flatten(const char *msg, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = msg ? msg : ""; *p && n + 3 < size; p++) {
        if (*p == '\n') {
            if (p[1] && n > 0) {
                out[n++] = ';';
                out[n++] = ' ';
            }
        } else if (*p == '\t') {
            if (n > 0 && out[n - 1] != ' ')
                out[n++] = ' ';
        } else {
            out[n++] = *p;
        }
    }
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == ';'))
        n--;
    out[n] = '\0';
}

void introspect_pg_connect_error(const DbUrl *url, const char *libpq_message, int connect_timeout_s, DbError *err)
{
    const char *m = libpq_message ? libpq_message : "";
    char core[600], masked_core[700], flat[1024];
    core_message(m, core, sizeof core);
    dburl_mask_text(url, core, masked_core, sizeof masked_core);
    DbErrorKind kind = DBERR_OTHER;
    const char *what = "connection failed";
    const char *hint = "";
    if (contains(m, "could not translate host name") || contains(m, "Name or service not known") ||
        contains(m, "nodename nor servname")) {
        kind = DBERR_HOST_UNKNOWN;
        what = "host not found";
        hint = "; check the host name in the URL";
    } else if (contains(m, "timeout expired")) {
        kind = DBERR_TIMEOUT;
        what = "timed out";
    } else if (contains(m, "password authentication failed") || contains(m, "no password supplied") ||
               contains(m, "authentication failed") || (contains(m, "role \"") && contains(m, "does not exist")) ||
               contains(m, "not permitted to log in") || contains(m, "no pg_hba.conf entry") ||
               contains(m, "SASL authentication") || contains(m, "server requested") ||
               contains(m, "peer authentication")) {
        kind = DBERR_AUTH;
        what = "authentication failed";
        if (contains(m, "no password supplied"))
            hint = "; give the password in the URL, in PGPASSWORD or in ~/.pgpass";
    } else if (contains(m, "database \"") && contains(m, "does not exist")) {
        kind = DBERR_NO_DATABASE;
        what = "database missing";
    } else if (contains(m, "permission denied")) {
        kind = DBERR_PERMISSION;
        what = "permission denied";
    } else if (contains(m, "SSL") || contains(m, "GSSAPI") || contains(m, "certificate")) {
        kind = DBERR_TLS;
        what = "SSL/TLS negotiation failed";
    } else if (contains(m, "Connection refused") || contains(m, "No such file or directory") ||
               contains(m, "Network is unreachable") || contains(m, "No route to host") ||
               contains(m, "Connection timed out") || contains(m, "could not connect") ||
               contains(m, "Cannot assign requested address") || contains(m, "server closed the connection")) {
        kind = DBERR_UNREACHABLE;
        what = "server unreachable";
        if (contains(m, "Connection refused"))
            hint = "; is PostgreSQL running there and accepting TCP/IP connections?";
        else if (contains(m, "No such file or directory"))
            hint = "; is PostgreSQL running and listening on that socket?";
    } else if (contains(m, "invalid URI") || contains(m, "invalid connection option") ||
               contains(m, "missing \"=\"") || contains(m, "invalid port") || contains(m, "invalid sslmode") ||
               contains(m, "invalid percent-encoded") || contains(m, "invalid integer value") ||
               contains(m, "unterminated quoted string") || contains(m, "invalid value")) {
        kind = DBERR_URL;
        what = "invalid connection settings";
    }
    err->kind = kind;
    if (kind == DBERR_TIMEOUT)
        snprintf(err->message, sizeof err->message,
                 "cannot connect to %s: timed out (no answer within connect_timeout = %d s)", url->masked,
                 connect_timeout_s);
    else
        snprintf(err->message, sizeof err->message, "cannot connect to %s: %s (%s)%s", url->masked, what,
                 masked_core[0] ? masked_core : "no details", hint);
    flatten(m, flat, sizeof flat);
    dburl_mask_text(url, flat, err->detail, sizeof err->detail);
}

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static int connect_timeout_of(const IntrospectOptions *opts)
{
    if (opts && opts->connect_timeout_s > 0)
        return opts->connect_timeout_s;
    const char *env = getenv("PGCONNECT_TIMEOUT");
    if (env && atoi(env) > 0)
        return atoi(env);
    return DEFAULT_CONNECT_TIMEOUT_S;
}

PGconn *introspect_pg_connect(const DbUrl *url, const char *database, const IntrospectOptions *opts, DbError *err)
{
    const char *keys[6], *vals[6];
    int k = 0;
    char timeout[32];
    int t = connect_timeout_of(opts);
    snprintf(timeout, sizeof timeout, "%d", t);
    /* Before dbname: a connect_timeout in the URL wins over ours. */
    keys[k] = "connect_timeout", vals[k++] = timeout;
    keys[k] = "fallback_application_name", vals[k++] = "prismac";
    keys[k] = "dbname", vals[k++] = url->conninfo;
    if (database)   /* a later dbname is a plain database name */
        keys[k] = "dbname", vals[k++] = database;
    keys[k] = NULL, vals[k] = NULL;
    PGconn *conn = PQconnectdbParams(keys, vals, 1);
    if (!conn) {
        db_error_set(err, DBERR_OTHER, "cannot connect to %s: out of memory", url->masked);
        return NULL;
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        /* the timeout in force: the URL's connect_timeout wins over ours */
        PQconninfoOption *in_use = PQconninfo(conn);
        for (PQconninfoOption *o = in_use; o && o->keyword; o++)
            if (strcmp(o->keyword, "connect_timeout") == 0 && o->val && atoi(o->val) > 0)
                t = atoi(o->val);
        PQconninfoFree(in_use);
        introspect_pg_connect_error(url, PQerrorMessage(conn), t, err);
        PQfinish(conn);
        return NULL;
    }
    PQsetNoticeProcessor(conn, ignore_notice, NULL);
    return conn;
}

/* ---- the catalog queries ------------------------------------------------------------------ */

enum {
    Q_NAMESPACES, Q_RELATIONS, Q_COLUMNS, Q_INDEXES, Q_OPCLASSES, Q_FOREIGN_KEYS, Q_OTHER, Q_ENUMS, Q_EXTENSIONS,
    NQUERIES
};

/* The pg_catalog types known_type() spells, by their fixed oids (the column's scalar type: an
 * array's element): int2 int4 int8 oid float4 float8 bool text varchar bpchar date bytea json
 * jsonb uuid xml bit varbit numeric money time timetz timestamp timestamptz inet. */
#define UNKNOWN_TYPE                                                                                               \
    "NOT (COALESCE(et.typtype, t.typtype) = 'e' OR COALESCE(et.typname, t.typname) = 'citext' OR "                \
    "COALESCE(et.oid, t.oid) IN (21, 23, 20, 26, 700, 701, 16, 25, 1043, 1042, 1082, 17, 114, 3802, 2950, 142, "   \
    "1560, 1562, 1700, 790, 1083, 1266, 1114, 1184, 869))"

/* Each uses %1$s for the array of schema names (ARRAY['public', ...]::text[]). */
static const char *const QUERIES[NQUERIES] = {
    [Q_NAMESPACES] =
        "SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE n.nspname::text = ANY (%1$s) "
        "ORDER BY pg_catalog.array_position(%1$s, n.nspname::text)",
    [Q_RELATIONS] =
        "SELECT c.oid, n.nspname, c.relname, c.relkind, "
        "CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname::text = ANY (%1$s) AND c.relkind IN ('r', 'p', 'f', 'v', 'm') AND NOT c.relispartition "
        "ORDER BY n.nspname, c.relname",
    /* Joins by hash where the planner would otherwise probe an index once per column: the
     * defaults through a subquery it cannot flatten; no ORDER BY (the rows are sorted here). */
    [Q_COLUMNS] =
        "SELECT a.attrelid, a.attnum, a.attname, a.attnotnull, a.attidentity, a.attgenerated, "
        "t.oid, t.typname, t.typtype, t.typnamespace = 11, "
        "CASE WHEN t0.typtype = 'd' THEN t0.typtypmod ELSE a.atttypmod END, "
        "et.oid, et.typname, et.typtype, et.typnamespace = 11, "
        /* the database's own spelling, only for the types Prisma has no name for */
        "CASE WHEN " UNKNOWN_TYPE " THEN pg_catalog.format_type(t.oid, "
        "  CASE WHEN t0.typtype = 'd' THEN t0.typtypmod ELSE a.atttypmod END) END, "
        /* relid 0: no relation to open for a default (defaults cannot name columns); only a
         * generated column's expression needs its table's column names */
        "CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, 0) "
        "ELSE pg_catalog.pg_get_expr(d.adbin, d.adrelid) END, "
        "CASE WHEN " UNKNOWN_TYPE " OR COALESCE(et.typtype, t.typtype) = 'e' THEN tn.nspname END "
        "FROM pg_catalog.pg_attribute a "
        "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_catalog.pg_type t0 ON t0.oid = a.atttypid "
        "JOIN pg_catalog.pg_type t ON t.oid = CASE WHEN t0.typtype = 'd' THEN t0.typbasetype ELSE t0.oid END "
        "LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A' "
        "LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = COALESCE(et.typnamespace, t.typnamespace) "
        "LEFT JOIN (SELECT d.adrelid, d.adnum, d.adbin FROM pg_catalog.pg_attrdef d OFFSET 0) d "
        "  ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE n.nspname::text = ANY (%1$s) AND c.relkind IN ('r', 'p', 'f') AND NOT c.relispartition "
        "AND a.attnum > 0 AND NOT a.attisdropped",
    /* one row per index; its key columns, operator classes and options as vectors */
    [Q_INDEXES] =
        "SELECT i.indrelid, ic.relname, i.indisprimary, i.indisunique, am.amname, "
        "i.indpred IS NOT NULL, i.indexprs IS NOT NULL, i.indnatts > i.indnkeyatts, i.indisexclusion, "
        "i.indnkeyatts, i.indkey, i.indclass, i.indoption, "
        "CASE WHEN i.indpred IS NOT NULL OR i.indexprs IS NOT NULL OR i.indnatts > i.indnkeyatts "
        "  OR i.indisexclusion THEN pg_catalog.pg_get_indexdef(i.indexrelid) END, "
        /* a partial index's condition, as Prisma's describer reads it */
        "pg_catalog.pg_get_expr(i.indpred, i.indrelid) "
        "FROM pg_catalog.pg_index i "
        /* every index relation, hashed once (not one probe of pg_class per index) */
        "JOIN (SELECT ic.oid, ic.relname, ic.relam FROM pg_catalog.pg_class ic WHERE ic.relkind IN ('i', 'I') "
        "  OFFSET 0) ic ON ic.oid = i.indexrelid "
        "JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = tc.relnamespace "
        "JOIN pg_catalog.pg_am am ON am.oid = ic.relam "
        "WHERE n.nspname::text = ANY (%1$s) AND tc.relkind IN ('r', 'p', 'f') AND NOT tc.relispartition",
    [Q_FOREIGN_KEYS] =
        "SELECT con.conrelid, con.conname, con.confrelid, con.conkey, con.confkey, con.confdeltype, "
        "con.confupdtype, rn.nspname, rc.relname "
        /* a table's constraints live in its schema: filtered by theirs, not through pg_class */
        "FROM pg_catalog.pg_constraint con "
        "JOIN pg_catalog.pg_namespace n ON n.oid = con.connamespace "
        "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
        "JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid "
        "JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
        "WHERE con.contype = 'f' AND n.nspname::text = ANY (%1$s) AND NOT c.relispartition "
        "ORDER BY con.conrelid, con.conname",
    [Q_OTHER] =
        "SELECT x.relid, x.name, x.kind, x.def FROM ("
        "SELECT con.conrelid AS relid, con.conname AS name, con.contype::text AS kind, "
        "pg_catalog.pg_get_constraintdef(con.oid) AS def, n.nspname AS nsp, c.relname AS rel "
        "FROM pg_catalog.pg_constraint con "
        "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE con.contype = 'c' AND n.nspname::text = ANY (%1$s) AND NOT c.relispartition "
        "UNION ALL "
        "SELECT t.tgrelid, t.tgname, 'T', pg_catalog.pg_get_triggerdef(t.oid), n.nspname, c.relname "
        "FROM pg_catalog.pg_trigger t "
        "JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT t.tgisinternal AND n.nspname::text = ANY (%1$s) AND NOT c.relispartition"
        ") x ORDER BY x.nsp, x.rel, x.kind, x.name",
    [Q_ENUMS] =
        "SELECT t.oid, n.nspname, t.typname, e.enumlabel "
        "FROM pg_catalog.pg_type t "
        "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
        "LEFT JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid "
        "WHERE t.typtype = 'e' AND n.nspname::text = ANY (%1$s) "
        "ORDER BY n.nspname, t.typname, e.enumsortorder",
    /* the operator classes that are not their type's default (what an index names explicitly) */
    [Q_OPCLASSES] = "SELECT c.oid, c.opcname FROM pg_catalog.pg_opclass c WHERE NOT c.opcdefault ORDER BY c.oid",
    /* database-wide, as CREATE EXTENSION is; plpgsql is in every database */
    [Q_EXTENSIONS] =
        "SELECT e.extname, n.nspname, e.extversion FROM pg_catalog.pg_extension e "
        "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' "
        "ORDER BY e.extname",
};

/* The columns query for servers that memoize (PostgreSQL 14 and later): the same rows, the type
 * of each column resolved by a subquery on its type's oid, which the planner runs once per
 * distinct type (a few) instead of joining every column to pg_type three times. */
static const char COLUMNS_MEMOIZED[] =
    "SELECT a.attrelid, a.attnum, a.attname, a.attnotnull, a.attidentity, a.attgenerated, "
    "ty.oid, ty.typname, ty.typtype, ty.incat, CASE WHEN ty.domain THEN ty.dmod ELSE a.atttypmod END, "
    "ty.eoid, ty.etypname, ty.etyptype, ty.eincat, "
    "CASE WHEN ty.unknown THEN pg_catalog.format_type(ty.oid, "
    "  CASE WHEN ty.domain THEN ty.dmod ELSE a.atttypmod END) END, "
    "CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, 0) "
    "ELSE pg_catalog.pg_get_expr(d.adbin, d.adrelid) END, "
    "ty.nspname "
    "FROM pg_catalog.pg_attribute a "
    "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "JOIN LATERAL (SELECT t.oid, t.typname, t.typtype, t.typnamespace = 11 AS incat, t0.typtype = 'd' AS domain, "
    "  t0.typtypmod AS dmod, et.oid AS eoid, et.typname AS etypname, et.typtype AS etyptype, "
    "  et.typnamespace = 11 AS eincat, " UNKNOWN_TYPE " AS unknown, "
    "  CASE WHEN " UNKNOWN_TYPE " OR COALESCE(et.typtype, t.typtype) = 'e' THEN tn.nspname END AS nspname "
    "  FROM pg_catalog.pg_type t0 "
    "  JOIN pg_catalog.pg_type t ON t.oid = CASE WHEN t0.typtype = 'd' THEN t0.typbasetype ELSE t0.oid END "
    "  LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A' "
    "  LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = COALESCE(et.typnamespace, t.typnamespace) "
    "  WHERE t0.oid = a.atttypid OFFSET 0) ty ON true "
    "LEFT JOIN (SELECT d.adrelid, d.adnum, d.adbin FROM pg_catalog.pg_attrdef d OFFSET 0) d "
    "  ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "WHERE n.nspname::text = ANY (%1$s) AND c.relkind IN ('r', 'p', 'f') AND NOT c.relispartition "
    "AND a.attnum > 0 AND NOT a.attisdropped";

/* ---- default expressions: tokens ---------------------------------------------------------- */

typedef enum TokKind {
    TK_END,
    TK_IDENT,       /* unquoted identifier or keyword */
    TK_QIDENT,      /* "quoted identifier" */
    TK_STRING,      /* 'string' */
    TK_ESTRING,     /* E'string' with backslash escapes */
    TK_NUMBER,      /* 12, 1.5, 1e10 */
    TK_CAST,        /* :: */
    TK_PUNCT,       /* one character: ( ) [ ] , . - + and anything else */
} TokKind;

typedef struct Tok {
    TokKind kind;
    const char *start;
    size_t len;
} Tok;

typedef struct Lexer {
    const char *p, *end;
    Tok tok;        /* the current token */
} Lexer;

static void lex_next(Lexer *lx)
{
    const char *p = lx->p;
    while (p < lx->end && isspace((unsigned char)*p))
        p++;
    Tok t = {TK_END, p, 0};
    if (p >= lx->end) {
        lx->tok = t;
        lx->p = p;
        return;
    }
    const char *s = p;
    if ((*p == 'E' || *p == 'e') && p + 1 < lx->end && p[1] == '\'') {
        p += 2;
        while (p < lx->end) {
            if (*p == '\\' && p + 1 < lx->end)
                p += 2;
            else if (*p == '\'' && p + 1 < lx->end && p[1] == '\'')
                p += 2;
            else if (*p == '\'')
                break;
            else
                p++;
        }
        if (p < lx->end)
            p++;
        t.kind = TK_ESTRING;
    } else if (isalpha((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80) {
        while (p < lx->end && (isalnum((unsigned char)*p) || *p == '_' || *p == '$' || (unsigned char)*p >= 0x80))
            p++;
        t.kind = TK_IDENT;
    } else if (*p == '"') {
        p++;
        while (p < lx->end) {
            if (*p == '"' && p + 1 < lx->end && p[1] == '"')
                p += 2;
            else if (*p == '"')
                break;
            else
                p++;
        }
        if (p < lx->end)
            p++;
        t.kind = TK_QIDENT;
    } else if (*p == '\'') {
        p++;
        while (p < lx->end) {
            if (*p == '\'' && p + 1 < lx->end && p[1] == '\'')
                p += 2;
            else if (*p == '\'')
                break;
            else
                p++;
        }
        if (p < lx->end)
            p++;
        t.kind = TK_STRING;
    } else if (isdigit((unsigned char)*p) || (*p == '.' && p + 1 < lx->end && isdigit((unsigned char)p[1]))) {
        while (p < lx->end && isdigit((unsigned char)*p))
            p++;
        if (p < lx->end && *p == '.') {
            p++;
            while (p < lx->end && isdigit((unsigned char)*p))
                p++;
        }
        if (p < lx->end && (*p == 'e' || *p == 'E')) {
            const char *q = p + 1;
            if (q < lx->end && (*q == '+' || *q == '-'))
                q++;
            if (q < lx->end && isdigit((unsigned char)*q)) {
                p = q;
                while (p < lx->end && isdigit((unsigned char)*p))
                    p++;
            }
        }
        t.kind = TK_NUMBER;
    } else if (*p == ':' && p + 1 < lx->end && p[1] == ':') {
        p += 2;
        t.kind = TK_CAST;
    } else {
        p++;
        t.kind = TK_PUNCT;
    }
    t.start = s;
    t.len = (size_t)(p - s);
    lx->tok = t;
    lx->p = p;
}

static void lex_init(Lexer *lx, const char *text, size_t len)
{
    lx->p = text;
    lx->end = text + len;
    lex_next(lx);
}

static bool tok_is(const Lexer *lx, TokKind kind, const char *text)
{
    if (lx->tok.kind != kind)
        return false;
    if (!text)
        return true;
    size_t n = strlen(text);
    return lx->tok.len == n && strncasecmp(lx->tok.start, text, n) == 0;
}

/* ---- default expressions: values ---------------------------------------------------------- */

/* A small growable string. */
typedef struct Text {
    char *p;
    size_t len, cap;
} Text;

static void text_put(Text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        while (t->len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(t->p, cap);
        if (!p) {
            fprintf(stderr, "prismac: out of memory\n");
            exit(2);
        }
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void text_puts(Text *t, const char *s)
{
    text_put(t, s, strlen(s));
}

static void text_quote(Text *t, const char *s, size_t n)
{
    text_put(t, "'", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'')
            text_put(t, "''", 2);
        else
            text_put(t, s + i, 1);
    }
    text_put(t, "'", 1);
}

/* Decodes a TK_STRING or TK_ESTRING token's content into t. */
static void string_content(const Tok *tok, Text *t)
{
    t->len = 0;
    text_put(t, "", 0);
    bool e = tok->kind == TK_ESTRING;
    const char *p = tok->start + (e ? 2 : 1), *end = tok->start + tok->len - 1;
    while (p < end) {
        if (*p == '\'' && p + 1 < end && p[1] == '\'') {
            text_put(t, "'", 1);
            p += 2;
        } else if (e && *p == '\\' && p + 1 < end) {
            char c = p[1], r = c;
            switch (c) {
            case 'n': r = '\n'; break;
            case 'r': r = '\r'; break;
            case 't': r = '\t'; break;
            case 'b': r = '\b'; break;
            case 'f': r = '\f'; break;
            default: break;
            }
            text_put(t, &r, 1);
            p += 2;
        } else {
            text_put(t, p, 1);
            p++;
        }
    }
}

/* After `::`: a type name — possibly qualified and quoted, several words (double precision,
 * character varying, timestamp without time zone), a modifier list, array brackets. */
static bool skip_type_name(Lexer *lx)
{
    if (lx->tok.kind != TK_IDENT && lx->tok.kind != TK_QIDENT)
        return false;
    lex_next(lx);
    while (tok_is(lx, TK_PUNCT, ".")) {
        lex_next(lx);
        if (lx->tok.kind != TK_IDENT && lx->tok.kind != TK_QIDENT)
            return false;
        lex_next(lx);
    }
    static const char *const words[] = {"precision", "varying", "without", "with", "time", "zone", NULL};
    for (;;) {
        bool more = false;
        for (const char *const *w = words; *w; w++)
            if (tok_is(lx, TK_IDENT, *w)) {
                more = true;
                break;
            }
        if (!more)
            break;
        lex_next(lx);
    }
    if (tok_is(lx, TK_PUNCT, "(")) {
        lex_next(lx);
        while (lx->tok.kind == TK_NUMBER || tok_is(lx, TK_PUNCT, ",") || tok_is(lx, TK_PUNCT, "-"))
            lex_next(lx);
        if (!tok_is(lx, TK_PUNCT, ")"))
            return false;
        lex_next(lx);
        /* "time(3) without time zone" */
        for (;;) {
            bool more = false;
            for (const char *const *w = words; *w; w++)
                if (tok_is(lx, TK_IDENT, *w)) {
                    more = true;
                    break;
                }
            if (!more)
                break;
            lex_next(lx);
        }
    }
    while (tok_is(lx, TK_PUNCT, "[")) {
        lex_next(lx);
        if (!tok_is(lx, TK_PUNCT, "]"))
            return false;
        lex_next(lx);
    }
    return true;
}

static bool skip_casts(Lexer *lx)
{
    while (lx->tok.kind == TK_CAST) {
        lex_next(lx);
        if (!skip_type_name(lx))
            return false;
    }
    return true;
}

/* A parsed constant: the kind of token it came from and its text (decoded for strings). */
typedef enum ConstKind { CONST_NONE, CONST_STRING, CONST_NUMBER, CONST_IDENT, CONST_NULL } ConstKind;

typedef struct Const {
    ConstKind kind;
    Text text;
} Const;

/* constant := ( '(' constant ')' | ['-'|'+'] NUMBER | STRING | ESTRING | IDENT ['(' ')'] ) casts */
static bool parse_const(Lexer *lx, Const *c)
{
    if (tok_is(lx, TK_PUNCT, "(")) {
        lex_next(lx);
        if (!parse_const(lx, c))
            return false;
        if (!tok_is(lx, TK_PUNCT, ")"))
            return false;
        lex_next(lx);
        return skip_casts(lx);
    }
    c->text.len = 0;
    text_put(&c->text, "", 0);
    if (tok_is(lx, TK_PUNCT, "-") || tok_is(lx, TK_PUNCT, "+")) {
        bool neg = lx->tok.start[0] == '-';
        lex_next(lx);
        if (lx->tok.kind != TK_NUMBER)
            return false;
        if (neg)
            text_put(&c->text, "-", 1);
        text_put(&c->text, lx->tok.start, lx->tok.len);
        c->kind = CONST_NUMBER;
        lex_next(lx);
        return skip_casts(lx);
    }
    switch (lx->tok.kind) {
    case TK_NUMBER:
        text_put(&c->text, lx->tok.start, lx->tok.len);
        c->kind = CONST_NUMBER;
        break;
    case TK_STRING:
    case TK_ESTRING:
        string_content(&lx->tok, &c->text);
        c->kind = CONST_STRING;
        break;
    case TK_IDENT:
        text_put(&c->text, lx->tok.start, lx->tok.len);
        c->kind = tok_is(lx, TK_IDENT, "NULL") ? CONST_NULL : CONST_IDENT;
        lex_next(lx);
        if (tok_is(lx, TK_PUNCT, "(")) {   /* now() */
            lex_next(lx);
            if (!tok_is(lx, TK_PUNCT, ")"))
                return false;
            text_put(&c->text, "()", 2);
            lex_next(lx);
        }
        return skip_casts(lx);
    default:
        return false;
    }
    lex_next(lx);
    return skip_casts(lx);
}

static bool is_integer_text(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!isdigit((unsigned char)*s))
        return false;
    while (isdigit((unsigned char)*s))
        s++;
    return *s == '\0';
}

static bool is_decimal_text(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    bool digits = false;
    while (isdigit((unsigned char)*s))
        s++, digits = true;
    if (*s == '.') {
        s++;
        while (isdigit((unsigned char)*s))
            s++, digits = true;
    }
    if (digits && (*s == 'e' || *s == 'E')) {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        if (!isdigit((unsigned char)*s))
            return false;
        while (isdigit((unsigned char)*s))
            s++;
    }
    return digits && *s == '\0';
}

/* A number as Prisma's DDL prints it: no +, no leading zeros, an exponent applied
 * ("1.5e3" → "1500", "25e-3" → "0.025"), trailing zeros of the fraction kept, -0 → 0. */
static void number_spelling(const char *s, bool integer, Text *out)
{
    bool neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    Text digits = {0};
    long point = -1;    /* digits before the decimal point */
    const char *p = s;
    for (; isdigit((unsigned char)*p) || *p == '.'; p++) {
        if (*p == '.')
            point = (long)digits.len;
        else
            text_put(&digits, p, 1);
    }
    if (point < 0)
        point = (long)digits.len;
    if (*p == 'e' || *p == 'E')
        point += strtol(p + 1, NULL, 10);
    /* integer part, fraction */
    Text t = {0};
    text_put(&t, "", 0);
    long n = (long)digits.len;
    for (long i = 0; i < (point > 0 ? point : 0); i++)
        text_put(&t, i < n ? digits.p + i : "0", 1);
    size_t lead = 0;
    while (lead + 1 < t.len && t.p[lead] == '0')
        lead++;
    Text r = {0};
    text_put(&r, "", 0);
    if (t.len == 0)
        text_put(&r, "0", 1);
    else
        text_put(&r, t.p + lead, t.len - lead);
    if (!integer && point < n) {
        text_put(&r, ".", 1);
        for (long i = point; i < 0; i++)
            text_put(&r, "0", 1);
        for (long i = point > 0 ? point : 0; i < n; i++)
            text_put(&r, digits.p + i, 1);
    }
    bool zero = true;
    for (size_t i = 0; i < r.len; i++)
        if (r.p[i] != '0' && r.p[i] != '.')
            zero = false;
    if (neg && !zero)
        text_put(out, "-", 1);
    text_put(out, r.p, r.len);
    free(digits.p);
    free(t.p);
    free(r.p);
}

/* "12:34:56.5" → "12:34:56.500" (chrono's %.f: 0, 3, 6 or 9 digits). Returns chars used. */
static size_t time_part(const char *s, Text *out)
{
    const char *p = s;
    for (int i = 0; i < 8; i++) {
        if ((i == 2 || i == 5) ? p[i] != ':' : !isdigit((unsigned char)p[i]))
            return 0;
    }
    text_put(out, p, 8);
    p += 8;
    if (*p == '.') {
        const char *f = ++p;
        while (isdigit((unsigned char)*p))
            p++;
        size_t n = (size_t)(p - f);
        while (n > 0 && f[n - 1] == '0')
            n--;
        if (n > 0) {
            size_t width = n <= 3 ? 3 : n <= 6 ? 6 : 9;
            if (n > 9)
                return 0;
            text_put(out, ".", 1);
            text_put(out, f, n);
            for (size_t i = n; i < width; i++)
                text_put(out, "0", 1);
        }
    }
    return (size_t)(p - s);
}

/* "+00" / "+05:30" / "-08" → " +00:00" / " +05:30" / " -08:00". */
static bool offset_part(const char *p, Text *out)
{
    if ((*p != '+' && *p != '-') || !isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]))
        return false;
    text_put(out, " ", 1);
    text_put(out, p, 3);
    if (p[3] == '\0') {
        text_puts(out, ":00");
        return true;
    }
    if (p[3] == ':' && isdigit((unsigned char)p[4]) && isdigit((unsigned char)p[5]) && p[6] == '\0') {
        text_put(out, p + 3, 3);
        return true;
    }
    return false;
}

/* A date/time constant as PostgreSQL prints it (DateStyle ISO, TimeZone UTC), spelled the way
 * Prisma's DDL writes DateTime defaults: '2024-06-30 12:34:56.789 +00:00'. */
static bool datetime_spelling(const char *s, const char *typname, Text *out)
{
    Text t = {0};
    bool ok = false;
    bool is_date = strcmp(typname, "date") == 0;
    bool is_time = strcmp(typname, "time") == 0 || strcmp(typname, "timetz") == 0;
    const char *p = s;
    if (is_time) {
        text_puts(&t, "1970-01-01 ");
    } else {
        for (int i = 0; i < 10; i++)
            if ((i == 4 || i == 7) ? p[i] != '-' : !isdigit((unsigned char)p[i]))
                goto done;
        text_put(&t, p, 10);
        p += 10;
        if (is_date) {
            if (*p)
                goto done;
            text_puts(&t, " 00:00:00 +00:00");
            ok = true;
            goto done;
        }
        if (*p != ' ' && *p != 'T')
            goto done;
        p++;
        text_puts(&t, " ");
    }
    size_t n = time_part(p, &t);
    if (!n)
        goto done;
    p += n;
    if (*p == '\0') {
        text_puts(&t, " +00:00");
        ok = true;
    } else {
        ok = offset_part(p, &t);
    }
done:
    if (ok) {
        text_put(out, "'", 1);
        text_put(out, t.p, t.len);
        text_put(out, "'", 1);
    }
    free(t.p);
    return ok;
}

/* What the column is, for reading its default. */
typedef struct ColumnKind {
    SqlTypeFamily family;
    const char *typname;    /* the (element) type's pg name: "timestamptz", "bytea", ... */
    bool list;
    const char *cast;       /* for list defaults: the type as the DDL spells it ("TEXT", "\"Color\"") */
} ColumnKind;

/* One scalar value, re-spelled (appended to out). */
static bool scalar_spelling(const Const *c, const ColumnKind *k, Text *out)
{
    const char *s = c->text.p ? c->text.p : "";
    switch (k->family) {
    case SQLT_INT:
    case SQLT_BIGINT:
        if ((c->kind == CONST_NUMBER || c->kind == CONST_STRING) && is_integer_text(s)) {
            number_spelling(s, true, out);
            return true;
        }
        return false;
    case SQLT_FLOAT:
    case SQLT_DECIMAL:
        if ((c->kind == CONST_NUMBER || c->kind == CONST_STRING) && is_decimal_text(s)) {
            number_spelling(s, false, out);
            return true;
        }
        return false;
    case SQLT_BOOLEAN:
        if (c->kind == CONST_IDENT || c->kind == CONST_STRING) {
            if (!eq_ci(s, "true") && !eq_ci(s, "t") &&
                !eq_ci(s, "false") && !eq_ci(s, "f"))
                return false;
            text_puts(out, (s[0] == 't' || s[0] == 'T') ? "true" : "false");
            return true;
        }
        return false;
    case SQLT_STRING:
    case SQLT_JSON:
    case SQLT_UUID:
    case SQLT_ENUM:
        if (c->kind == CONST_STRING) {
            text_quote(out, s, c->text.len);
            return true;
        }
        return false;
    case SQLT_BINARY:
        if (c->kind == CONST_STRING && c->text.len >= 2 && s[0] == '\\' && s[1] == 'x') {
            for (size_t i = 2; i < c->text.len; i++)
                if (!isxdigit((unsigned char)s[i]))
                    return false;
            text_quote(out, s, c->text.len);
            return true;
        }
        return false;
    case SQLT_DATETIME:
        if (c->kind == CONST_STRING)
            return datetime_spelling(s, k->typname, out);
        return false;
    case SQLT_UNSUPPORTED:
        return false;
    }
    return false;
}

/* '{a,"b c",NULL}' (an array literal) → its elements, each as a Const string. */
static bool array_literal_elements(const char *s, Const **items, size_t *n)
{
    const char *p = s;
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '{')
        return false;
    p++;
    *items = NULL;
    *n = 0;
    size_t cap = 0;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '}')
        return p[1] == '\0';
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        Const c = {CONST_STRING, {0}};
        text_put(&c.text, "", 0);
        if (*p == '"') {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                text_put(&c.text, p, 1);
                p++;
            }
            if (*p != '"') {
                free(c.text.p);
                return false;
            }
            p++;
        } else {
            const char *st = p;
            while (*p && *p != ',' && *p != '}')
                p++;
            const char *e = p;
            while (e > st && isspace((unsigned char)e[-1]))
                e--;
            text_put(&c.text, st, (size_t)(e - st));
            if (c.text.len == 4 && eq_ci(c.text.p, "null"))
                c.kind = CONST_NULL;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *items = realloc(*items, cap * sizeof **items);
        }
        (*items)[(*n)++] = c;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '}' && p[1] == '\0')
            return true;
        return false;
    }
}

static void consts_free(Const *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i].text.p);
    free(items);
}

/* A list default: ARRAY[...] (casts anywhere) or '{...}'::type[] → ARRAY[a, b]::TYPE[]. */
static bool list_spelling(const char *expr, const ColumnKind *k, Text *out)
{
    Lexer lx;
    lex_init(&lx, expr, strlen(expr));
    Const *items = NULL;
    size_t n = 0, cap = 0;
    bool ok = false;
    if (tok_is(&lx, TK_IDENT, "ARRAY")) {
        lex_next(&lx);
        if (!tok_is(&lx, TK_PUNCT, "["))
            goto done;
        lex_next(&lx);
        if (!tok_is(&lx, TK_PUNCT, "]")) {
            for (;;) {
                Const c = {CONST_NONE, {0}};
                if (n == cap) {
                    cap = cap ? cap * 2 : 8;
                    items = realloc(items, cap * sizeof *items);
                }
                bool parsed = parse_const(&lx, &c);
                items[n++] = c;
                if (!parsed)
                    goto done;
                if (tok_is(&lx, TK_PUNCT, ",")) {
                    lex_next(&lx);
                    continue;
                }
                break;
            }
            if (!tok_is(&lx, TK_PUNCT, "]"))
                goto done;
        }
        lex_next(&lx);
        if (!skip_casts(&lx) || lx.tok.kind != TK_END)
            goto done;
    } else {
        Const c = {CONST_NONE, {0}};
        bool parsed = parse_const(&lx, &c) && c.kind == CONST_STRING && lx.tok.kind == TK_END &&
                      array_literal_elements(c.text.p, &items, &n);
        free(c.text.p);
        if (!parsed)
            goto done;
    }
    Text t = {0};
    text_puts(&t, "ARRAY[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            text_puts(&t, ", ");
        if (items[i].kind == CONST_NULL || !scalar_spelling(&items[i], k, &t)) {
            free(t.p);
            goto done;
        }
    }
    text_puts(&t, "]::");
    text_puts(&t, k->cast);
    text_puts(&t, "[]");
    text_put(out, t.p, t.len);
    free(t.p);
    ok = true;
done:
    consts_free(items, n);
    return ok;
}

/* Reads a column default (pg_get_expr text) into def, the Prisma way. Returns whether the
 * column is autoincrementing (a nextval() default). */
static bool read_default(const char *expr, const ColumnKind *k, SqlSchema *schema, SqlDefault *def)
{
    memset(def, 0, sizeof *def);
    if (!expr || !expr[0])
        return false;
    size_t len = strlen(expr);
    Lexer lx;
    lex_init(&lx, expr, len);
    /* NULL, NULL::type */
    if (tok_is(&lx, TK_IDENT, "NULL")) {
        lex_next(&lx);
        if (skip_casts(&lx) && lx.tok.kind == TK_END)
            return false;
        lex_init(&lx, expr, len);
    }
    Text out = {0};
    bool autoincrement = false;
    if (k->list) {
        if (list_spelling(expr, k, &out))
            def->kind = SQLDEF_VALUE;
    } else if (tok_is(&lx, TK_IDENT, "nextval") && (k->family == SQLT_INT || k->family == SQLT_BIGINT)) {
        def->kind = SQLDEF_SEQUENCE;
        autoincrement = true;
    } else {
        Const c = {CONST_NONE, {0}};
        if (parse_const(&lx, &c) && lx.tok.kind == TK_END) {
            if (k->family == SQLT_DATETIME && c.kind == CONST_IDENT &&
                (eq_ci(c.text.p, "now()") || eq_ci(c.text.p, "CURRENT_TIMESTAMP") ||
                 eq_ci(c.text.p, "transaction_timestamp()"))) {
                def->kind = SQLDEF_NOW;
                text_puts(&out, "CURRENT_TIMESTAMP");
            } else if (scalar_spelling(&c, k, &out)) {
                def->kind = SQLDEF_VALUE;
            }
        }
        free(c.text.p);
    }
    if (def->kind == SQLDEF_NONE) {
        def->kind = SQLDEF_EXPRESSION;
        out.len = 0;
        text_put(&out, expr, len);
    }
    if (def->kind == SQLDEF_SEQUENCE)   /* the nextval(...) text names the sequence (for renderers) */
        def->sql = sql_str(schema, expr, len);
    else
        def->sql = sql_str(schema, out.p, out.len);
    free(out.p);
    return autoincrement;
}

/* ---- types -------------------------------------------------------------------------------- */

/* Prisma's spelling of a pg_catalog type with its modifier; false when Prisma has no native
 * type for it (then the column is Unsupported). */
static bool known_type(const char *typname, bool in_catalog, int typmod, SqlTypeFamily *family, char *out, size_t size)
{
    static const struct {
        const char *pg, *name;
        SqlTypeFamily family;
        char mod;   /* 0 none, 'l' length (typmod - 4), 'p' precision (typmod), 'n' numeric, 'b' bits */
    } types[] = {
        {"int2", "SMALLINT", SQLT_INT, 0},
        {"int4", "INTEGER", SQLT_INT, 0},
        {"int8", "BIGINT", SQLT_BIGINT, 0},
        {"oid", "OID", SQLT_INT, 0},
        {"float4", "REAL", SQLT_FLOAT, 0},
        {"float8", "DOUBLE PRECISION", SQLT_FLOAT, 0},
        {"bool", "BOOLEAN", SQLT_BOOLEAN, 0},
        {"text", "TEXT", SQLT_STRING, 0},
        {"varchar", "VARCHAR", SQLT_STRING, 'l'},
        {"bpchar", "CHAR", SQLT_STRING, 'l'},
        {"date", "DATE", SQLT_DATETIME, 0},
        {"bytea", "BYTEA", SQLT_BINARY, 0},
        {"json", "JSON", SQLT_JSON, 0},
        {"jsonb", "JSONB", SQLT_JSON, 0},
        {"uuid", "UUID", SQLT_UUID, 0},
        {"xml", "XML", SQLT_STRING, 0},
        {"bit", "BIT", SQLT_STRING, 'b'},
        {"varbit", "VARBIT", SQLT_STRING, 'b'},
        {"numeric", "DECIMAL", SQLT_DECIMAL, 'n'},
        {"money", "MONEY", SQLT_DECIMAL, 0},
        {"time", "TIME", SQLT_DATETIME, 'p'},
        {"timetz", "TIMETZ", SQLT_DATETIME, 'p'},
        {"timestamp", "TIMESTAMP", SQLT_DATETIME, 'p'},
        {"timestamptz", "TIMESTAMPTZ", SQLT_DATETIME, 'p'},
        {"inet", "INET", SQLT_STRING, 0},
    };
    if (strcmp(typname, "citext") == 0) {   /* an extension type, in whatever schema it was created */
        *family = SQLT_STRING;
        snprintf(out, size, "CITEXT");
        return true;
    }
    if (!in_catalog)
        return false;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(types[i].pg, typname) != 0)
            continue;
        *family = types[i].family;
        switch (types[i].mod) {
        case 'l':
            if (typmod >= 4)
                snprintf(out, size, "%s(%d)", types[i].name, typmod - 4);
            else
                snprintf(out, size, "%s", types[i].name);
            break;
        case 'p':
        case 'b':
            if (typmod >= 0)
                snprintf(out, size, "%s(%d)", types[i].name, typmod);
            else
                snprintf(out, size, "%s", types[i].name);
            break;
        case 'n':
            if (typmod >= 4) {
                int m = typmod - 4;
                int precision = (m >> 16) & 0xffff;
                int scale = m & 0x7ff;
                if (scale & 0x400)   /* negative scales (PostgreSQL 15) */
                    scale -= 0x800;
                snprintf(out, size, "%s(%d,%d)", types[i].name, precision, scale);
            } else {
                snprintf(out, size, "%s", types[i].name);
            }
            break;
        default:
            snprintf(out, size, "%s", types[i].name);
        }
        return true;
    }
    return false;
}

/* known_type()'s answers by type oid and modifier, for the columns of one read (they share a
 * handful of types: one lookup and one snprintf each instead of one per column). */
typedef struct KnownTypes {
    struct {
        uint32_t oid;
        int typmod;
        bool in_catalog, known;
        SqlTypeFamily family;
        char name[40];
    } seen[16];
    uint32_t n;
} KnownTypes;

static bool known_type_of(KnownTypes *kt, uint32_t oid, const char *typname, bool in_catalog, int typmod,
                          SqlTypeFamily *family, char *out, size_t size)
{
    for (uint32_t k = 0; k < kt->n; k++) {
        if (kt->seen[k].oid != oid || kt->seen[k].typmod != typmod || kt->seen[k].in_catalog != in_catalog)
            continue;
        if (kt->seen[k].known) {
            *family = kt->seen[k].family;
            memcpy(out, kt->seen[k].name, strlen(kt->seen[k].name) + 1);   /* shorter than size */
        }
        return kt->seen[k].known;
    }
    bool known = known_type(typname, in_catalog, typmod, family, out, size);
    size_t len = known ? strlen(out) : 0;
    if (kt->n < sizeof kt->seen / sizeof kt->seen[0] && size >= sizeof kt->seen[0].name &&
        len < sizeof kt->seen[0].name) {
        kt->seen[kt->n].oid = oid;
        kt->seen[kt->n].typmod = typmod;
        kt->seen[kt->n].in_catalog = in_catalog;
        kt->seen[kt->n].known = known;
        kt->seen[kt->n].family = known ? *family : SQLT_UNSUPPORTED;
        memcpy(kt->seen[kt->n].name, out, len);
        kt->seen[kt->n].name[len] = '\0';
        kt->n++;
    }
    return known;
}

/* format_type's text without a schema prefix and without a trailing []. */
static void unsupported_spelling(const char *formatted, const char *nspname, bool list, char *out, size_t size)
{
    const char *p = formatted;
    size_t nl = strlen(nspname);
    if (strncmp(p, nspname, nl) == 0 && p[nl] == '.')
        p += nl + 1;
    else if (p[0] == '"' && strncmp(p + 1, nspname, nl) == 0 && p[nl + 1] == '"' && p[nl + 2] == '.')
        p += nl + 3;
    size_t n = strlen(p);
    if (list && n >= 2 && strcmp(p + n - 2, "[]") == 0)
        n -= 2;
    snprintf(out, size, "%.*s", (int)n, p);
}

/* ---- building the schema ------------------------------------------------------------------ */

typedef struct OidIndex {
    uint32_t oid;
    uint32_t id;
} OidIndex;

static int oid_index_cmp(const void *a, const void *b)
{
    uint32_t x = ((const OidIndex *)a)->oid, y = ((const OidIndex *)b)->oid;
    return x < y ? -1 : x > y;
}

static uint32_t oid_lookup(const OidIndex *items, uint32_t n, uint32_t oid)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (items[mid].oid < oid)
            lo = mid + 1;
        else if (items[mid].oid > oid)
            hi = mid;
        else
            return items[mid].id;
    }
    return SQL_NONE;
}

/* Per table: attribute number → column position. */
typedef struct AttMap {
    uint32_t *pos;
    uint32_t n;
} AttMap;

typedef struct Builder {
    SqlSchema *schema;
    PGresult *res[NQUERIES];
    OidIndex *tables;       /* relation oid → table id, sorted by oid */
    uint32_t ntables;
    OidIndex *enums;        /* type oid → enum id */
    uint32_t nenums;
    AttMap *attmaps;        /* by table id */
    const char *default_ns; /* the schema unqualified names live in */
} Builder;

static const char *val(PGresult *r, int row, int col)
{
    return PQgetvalue(r, row, col);
}

static bool is_null(PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col);
}

static uint32_t val_u32(PGresult *r, int row, int col)
{
    return (uint32_t)strtoul(PQgetvalue(r, row, col), NULL, 10);
}

static bool val_bool(PGresult *r, int row, int col)
{
    return PQgetvalue(r, row, col)[0] == 't';
}

static Str str_of(const char *s)
{
    return (Str){s, (uint32_t)strlen(s)};
}

static uint32_t attpos(const Builder *b, uint32_t table, int attnum)
{
    const AttMap *m = &b->attmaps[table];
    if (attnum < 0 || (uint32_t)attnum >= m->n)
        return SQL_NONE;
    return m->pos[attnum];
}

static void add_unmanaged(SqlSchema *schema, SqlUnmanagedKind kind, const char *name, uint32_t table,
                          const char *definition)
{
    SqlUnmanaged u = {kind, str_of(name), table, str_of(definition ? definition : "")};
    sql_add_unmanaged(schema, &u);
}

static void build_namespaces_and_relations(Builder *b)
{
    PGresult *r = b->res[Q_NAMESPACES];
    for (int i = 0; i < PQntuples(r); i++)
        sql_add_namespace(b->schema, str_of(val(r, i, 0)));

    r = b->res[Q_RELATIONS];
    int n = PQntuples(r);
    b->tables = calloc((size_t)n + 1, sizeof *b->tables);
    for (int i = 0; i < n; i++) {
        uint32_t ns = sql_find_namespace(b->schema, str_of(val(r, i, 1)));
        const char *name = val(r, i, 2);
        char kind = val(r, i, 3)[0];
        if (kind == 'v' || kind == 'm') {
            add_unmanaged(b->schema, kind == 'v' ? UNMANAGED_VIEW : UNMANAGED_MATERIALIZED_VIEW, name, SQL_NONE,
                          val(r, i, 4));
            continue;
        }
        if (strcmp(name, "_prisma_migrations") == 0)
            continue;
        uint32_t id = sql_add_table(b->schema, ns, str_of(name), SQL_NO_ORIGIN);
        b->tables[b->ntables++] = (OidIndex){val_u32(r, i, 0), id};
    }
    qsort(b->tables, b->ntables, sizeof *b->tables, oid_index_cmp);
    b->attmaps = calloc((size_t)b->schema->ntables + 1, sizeof *b->attmaps);
}

static void build_enums(Builder *b)
{
    PGresult *r = b->res[Q_ENUMS];
    int n = PQntuples(r);
    b->enums = calloc((size_t)n + 1, sizeof *b->enums);
    uint32_t current_oid = 0, current = SQL_NONE;
    for (int i = 0; i < n; i++) {
        uint32_t oid = val_u32(r, i, 0);
        if (current == SQL_NONE || oid != current_oid) {
            uint32_t ns = sql_find_namespace(b->schema, str_of(val(r, i, 1)));
            current = sql_add_enum(b->schema, ns, str_of(val(r, i, 2)), SQL_NO_ORIGIN);
            current_oid = oid;
            b->enums[b->nenums++] = (OidIndex){oid, current};
        }
        if (!is_null(r, i, 3))
            sql_add_enum_value(b->schema, current, str_of(val(r, i, 3)), SQL_NO_ORIGIN);
    }
    qsort(b->enums, b->nenums, sizeof *b->enums, oid_index_cmp);
}

/* The enum's name as a DDL cast spells it: "Color", or "ns"."Color" outside the default schema. */
static void enum_cast(const Builder *b, uint32_t enum_id, const char *typname, const char *nspname, Text *out)
{
    (void)enum_id;
    if (strcmp(nspname, b->default_ns) != 0) {
        text_puts(out, "\"");
        text_puts(out, nspname);
        text_puts(out, "\".");
    }
    text_puts(out, "\"");
    for (const char *p = typname; *p; p++) {
        if (*p == '"')
            text_put(out, "\"", 1);
        text_put(out, p, 1);
    }
    text_puts(out, "\"");
}

/* A row of Q_COLUMNS by its table and attribute number (the query leaves the order to us). */
typedef struct ColumnRow {
    uint32_t oid;
    int attnum;
    int row;
} ColumnRow;

static int column_row_cmp(const void *a, const void *b)
{
    const ColumnRow *x = a, *y = b;
    if (x->oid != y->oid)
        return x->oid < y->oid ? -1 : 1;
    return (x->attnum > y->attnum) - (x->attnum < y->attnum);
}

static void build_columns(Builder *b)
{
    PGresult *r = b->res[Q_COLUMNS];
    int n = PQntuples(r);
    /* ordered by table oid, then attribute number */
    ColumnRow *order = malloc(((size_t)n + 1) * sizeof *order);
    bool sorted = true;
    for (int i = 0; i < n; i++) {
        order[i] = (ColumnRow){val_u32(r, i, 0), atoi(val(r, i, 1)), i};
        if (i > 0 && sorted && column_row_cmp(&order[i - 1], &order[i]) > 0)
            sorted = false;
    }
    if (!sorted)
        qsort(order, (size_t)n, sizeof *order, column_row_cmp);
    uint32_t current_oid = 0, table = SQL_NONE;
    int first = 0;
    KnownTypes known_types = {0};
    for (int k = 0; k <= n; k++) {
        uint32_t oid = k < n ? order[k].oid : 0;
        if (k == n || oid != current_oid) {
            /* Close the previous table: its attnum → position map. */
            if (table != SQL_NONE) {
                int maxatt = order[k - 1].attnum;
                AttMap *m = &b->attmaps[table];
                m->n = (uint32_t)maxatt + 1;
                m->pos = malloc(m->n * sizeof *m->pos);
                for (uint32_t j = 0; j < m->n; j++)
                    m->pos[j] = SQL_NONE;
                for (int j = first; j < k; j++)
                    m->pos[order[j].attnum] = (uint32_t)(j - first);
            }
            if (k == n)
                break;
            current_oid = oid;
            table = oid_lookup(b->tables, b->ntables, oid);
            first = k;
        }
        if (table == SQL_NONE)
            continue;
        int i = order[k].row;
        SqlColumn col = {0};
        col.name = str_of(val(r, i, 2));
        col.nullable = !val_bool(r, i, 3);
        col.origin = SQL_NO_ORIGIN;
        char identity = val(r, i, 4)[0];
        char generated = val(r, i, 5)[0];
        bool list = !is_null(r, i, 11);
        /* the scalar (element) type */
        int ti = list ? 11 : 6;
        uint32_t type_oid = val_u32(r, i, ti);
        const char *typname = val(r, i, ti + 1);
        char typtype = val(r, i, ti + 2)[0];
        bool in_catalog = val_bool(r, i, ti + 3);
        const char *typnsp = is_null(r, i, 17) ? "" : val(r, i, 17);
        int typmod = atoi(val(r, i, 10));
        char name[256];
        Text cast = {0};
        SqlTypeFamily family;
        col.type.list = list;
        col.type.enum_id = SQL_NONE;
        if (typtype == 'e') {
            col.type.family = SQLT_ENUM;
            col.type.enum_id = oid_lookup(b->enums, b->nenums, type_oid);
            snprintf(name, sizeof name, "%s", typname);
            enum_cast(b, col.type.enum_id, typname, typnsp, &cast);
        } else if (known_type_of(&known_types, type_oid, typname, in_catalog, typmod, &family, name, sizeof name)) {
            col.type.family = family;
            text_puts(&cast, name);
        } else {
            col.type.family = SQLT_UNSUPPORTED;
            unsupported_spelling(is_null(r, i, 15) ? typname : val(r, i, 15), typnsp, list, name, sizeof name);
            text_puts(&cast, name);
        }
        col.type.name = str_of(name);
        const char *expr = is_null(r, i, 16) ? NULL : val(r, i, 16);
        if (generated == 's' || generated == 'v') {
            char what[512];
            snprintf(what, sizeof what, "%s", val(r, i, 2));
            char *def = malloc(strlen(expr ? expr : "") + 64);
            sprintf(def, "GENERATED ALWAYS AS (%s) %s", expr ? expr : "", generated == 's' ? "STORED" : "VIRTUAL");
            add_unmanaged(b->schema, UNMANAGED_OTHER, what, table, def);
            free(def);
        } else {
            ColumnKind kind = {col.type.family, typname, list, cast.p ? cast.p : ""};
            col.autoincrement = read_default(expr, &kind, b->schema, &col.def);
        }
        if (identity == 'a' || identity == 'd') {
            col.autoincrement = true;
            col.def.kind = SQLDEF_SEQUENCE;
            col.def.sql = (Str){0};
        }
        free(cast.p);
        sql_add_column(b->schema, table, &col);
    }
    free(order);
}

typedef struct IndexRow {
    int row;            /* in Q_INDEXES */
    uint32_t table;
    const char *name;
} IndexRow;

static int index_row_cmp(const void *a, const void *b)
{
    const IndexRow *x = a, *y = b;
    if (x->table != y->table)
        return x->table < y->table ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* "1 2 3" (int2vector, oidvector) → numbers; returns the count (at most max). */
static uint32_t parse_vector(const char *s, long *out, uint32_t max)
{
    uint32_t n = 0;
    while (*s && n < max) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s)
            break;
        out[n++] = v;
        s = end;
        while (*s == ' ')
            s++;
    }
    return n;
}

static void build_indexes(Builder *b)
{
    PGresult *r = b->res[Q_INDEXES];
    int n = PQntuples(r);
    /* operator classes that are not a default: oid → name */
    PGresult *oc = b->res[Q_OPCLASSES];
    int nclasses = PQntuples(oc);
    OidIndex *classes = malloc(((size_t)nclasses + 1) * sizeof *classes);
    for (int i = 0; i < nclasses; i++)
        classes[i] = (OidIndex){val_u32(oc, i, 0), (uint32_t)i};   /* already sorted by oid */
    /* indexes ordered by table, then name */
    IndexRow *rows = malloc(((size_t)n + 1) * sizeof *rows);
    uint32_t nrows = 0;
    for (int i = 0; i < n; i++) {
        uint32_t table = oid_lookup(b->tables, b->ntables, val_u32(r, i, 0));
        if (table != SQL_NONE)
            rows[nrows++] = (IndexRow){i, table, val(r, i, 1)};
    }
    qsort(rows, nrows, sizeof *rows, index_row_cmp);
    enum { MAXKEYS = 64 };   /* INDEX_MAX_KEYS is 32 */
    for (uint32_t g = 0; g < nrows; g++) {
        int i = rows[g].row;
        uint32_t table = rows[g].table;
        const char *name = rows[g].name;
        bool expression = val_bool(r, i, 6), include = val_bool(r, i, 7);
        bool exclusion = val_bool(r, i, 8);
        const char *def = is_null(r, i, 13) ? "" : val(r, i, 13);
        if (expression || include || exclusion) {   /* Prisma cannot say these */
            if (exclusion) {
                char text[4096];
                snprintf(text, sizeof text, "EXCLUDE constraint: %s", def);
                add_unmanaged(b->schema, UNMANAGED_OTHER, name, table, text);
            } else {
                add_unmanaged(b->schema, expression ? UNMANAGED_EXPRESSION_INDEX : UNMANAGED_OTHER, name, table, def);
            }
            continue;
        }
        const char *am = val(r, i, 4);
        const char *algorithm = strcmp(am, "hash") == 0     ? "Hash"
                                : strcmp(am, "gin") == 0    ? "Gin"
                                : strcmp(am, "gist") == 0   ? "Gist"
                                : strcmp(am, "spgist") == 0 ? "SpGist"
                                : strcmp(am, "brin") == 0   ? "Brin"
                                                            : "";
        long keys[MAXKEYS], classes_of[MAXKEYS], options[MAXKEYS];
        uint32_t nkeys = (uint32_t)atoi(val(r, i, 9));
        if (nkeys > MAXKEYS || parse_vector(val(r, i, 10), keys, MAXKEYS) < nkeys ||
            parse_vector(val(r, i, 11), classes_of, MAXKEYS) < nkeys ||
            parse_vector(val(r, i, 12), options, MAXKEYS) < nkeys)
            continue;
        SqlIndexColumn cols[MAXKEYS];
        bool ok = true;
        for (uint32_t k = 0; k < nkeys && ok; k++) {
            uint32_t pos = attpos(b, table, (int)keys[k]);
            ok = pos != SQL_NONE;
            SqlIndexColumn c = {0};
            c.column = pos;
            c.length = -1;
            c.sort = (options[k] & 1) ? SORT_DESC : SORT_DEFAULT;
            /* Only a class that is not the type's default: the database cannot tell an explicit
             * default (jsonb_ops) from none. */
            uint32_t cls = oid_lookup(classes, (uint32_t)nclasses, (uint32_t)classes_of[k]);
            if (cls != SQL_NONE)
                c.opclass = str_of(val(oc, (int)cls, 1));
            cols[k] = c;
        }
        if (!ok)
            continue;
        SqlIndex idx = {0};
        idx.kind = val_bool(r, i, 2) ? SQLIDX_PRIMARY : val_bool(r, i, 3) ? SQLIDX_UNIQUE : SQLIDX_NORMAL;
        idx.name = str_of(name);
        idx.columns = cols;
        idx.ncolumns = nkeys;
        idx.algorithm = str_of(algorithm);
        if (!is_null(r, i, 14))
            idx.predicate = str_of(val(r, i, 14));  /* partial: the condition, as pg_get_expr prints it */
        idx.origin = SQL_NO_ORIGIN;
        sql_add_index(b->schema, table, &idx);
        /* a partial index is also kept apart with its definition, for a schema without the
         * preview feature partialIndexes (sqlschema.h) */
        if (idx.predicate.len)
            add_unmanaged(b->schema, UNMANAGED_PARTIAL_INDEX, name, table, def);
    }
    free(rows);
    free(classes);
}

/* "{1,2}" → numbers; returns the count (at most max). */
static uint32_t parse_int_array(const char *s, int *out, uint32_t max)
{
    uint32_t n = 0;
    const char *p = s;
    if (*p == '{')
        p++;
    while (*p && *p != '}' && n < max) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p)
            break;
        out[n++] = (int)v;
        p = end;
        if (*p == ',')
            p++;
    }
    return n;
}

static SqlAction action_of(char c)
{
    switch (c) {
    case 'r': return SQLACT_RESTRICT;
    case 'c': return SQLACT_CASCADE;
    case 'n': return SQLACT_SET_NULL;
    case 'd': return SQLACT_SET_DEFAULT;
    default: return SQLACT_NO_ACTION;
    }
}

static void build_foreign_keys(Builder *b)
{
    PGresult *r = b->res[Q_FOREIGN_KEYS];
    int n = PQntuples(r);
    enum { MAXCOLS = 64 };
    for (int i = 0; i < n; i++) {
        uint32_t table = oid_lookup(b->tables, b->ntables, val_u32(r, i, 0));
        if (table == SQL_NONE)
            continue;
        const char *name = val(r, i, 1);
        uint32_t ref = oid_lookup(b->tables, b->ntables, val_u32(r, i, 2));
        if (ref == SQL_NONE) {
            char def[1024];
            snprintf(def, sizeof def, "FOREIGN KEY referencing \"%s\".\"%s\", outside the schemas read",
                     val(r, i, 7), val(r, i, 8));
            add_unmanaged(b->schema, UNMANAGED_OTHER, name, table, def);
            continue;
        }
        int keys[MAXCOLS], fkeys[MAXCOLS];
        uint32_t nk = parse_int_array(val(r, i, 3), keys, MAXCOLS);
        uint32_t nf = parse_int_array(val(r, i, 4), fkeys, MAXCOLS);
        if (nk != nf || nk == 0)
            continue;
        uint32_t cols[MAXCOLS], refcols[MAXCOLS];
        bool ok = true;
        for (uint32_t k = 0; k < nk; k++) {
            cols[k] = attpos(b, table, keys[k]);
            refcols[k] = attpos(b, ref, fkeys[k]);
            if (cols[k] == SQL_NONE || refcols[k] == SQL_NONE)
                ok = false;
        }
        if (!ok)
            continue;
        SqlForeignKey fk = {0};
        fk.name = str_of(name);
        fk.columns = cols;
        fk.referenced_table = ref;
        fk.referenced_columns = refcols;
        fk.ncolumns = nk;
        fk.on_delete = action_of(val(r, i, 5)[0]);
        fk.on_update = action_of(val(r, i, 6)[0]);
        fk.origin = SQL_NO_ORIGIN;
        sql_add_foreign_key(b->schema, table, &fk);
    }
}

static void build_extensions(Builder *b)
{
    PGresult *r = b->res[Q_EXTENSIONS];
    for (int i = 0; i < PQntuples(r); i++) {
        SqlExtension e = {str_of(val(r, i, 0)), str_of(val(r, i, 1)), str_of(val(r, i, 2)), SQL_NO_ORIGIN};
        e.name = sql_str(b->schema, e.name.ptr, e.name.len);
        e.schema = sql_str(b->schema, e.schema.ptr, e.schema.len);
        e.version = sql_str(b->schema, e.version.ptr, e.version.len);
        sql_add_extension(b->schema, &e);
    }
}

static void build_other(Builder *b)
{
    PGresult *r = b->res[Q_OTHER];
    for (int i = 0; i < PQntuples(r); i++) {
        uint32_t table = oid_lookup(b->tables, b->ntables, val_u32(r, i, 0));
        if (table == SQL_NONE)
            continue;
        char kind = val(r, i, 2)[0];
        add_unmanaged(b->schema, kind == 'c' ? UNMANAGED_CHECK : UNMANAGED_TRIGGER, val(r, i, 1), table,
                      val(r, i, 3));
    }
}

/* ---- running ------------------------------------------------------------------------------ */

static void query_error(const DbUrl *url, PGresult *res, PGconn *conn, DbError *err)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
    char flat[1024], masked[1024];
    flatten(msg, flat, sizeof flat);
    dburl_mask_text(url, flat, masked, sizeof masked);
    DbErrorKind kind = DBERR_QUERY;
    const char *what = "reading the catalog failed";
    if (state && strcmp(state, "57014") == 0) {
        kind = DBERR_TIMEOUT;
        what = "a catalog query ran into statement_timeout";
    } else if (state && strcmp(state, "55P03") == 0) {
        kind = DBERR_TIMEOUT;
        what = "a catalog query waited for a lock longer than lock_timeout";
    } else if (state && strcmp(state, "42501") == 0) {
        kind = DBERR_PERMISSION;
        what = "permission denied while reading the catalog";
    } else if (!res || PQstatus(conn) != CONNECTION_OK) {
        kind = DBERR_UNREACHABLE;
        what = "the connection was lost";
    }
    err->kind = kind;
    snprintf(err->message, sizeof err->message, "cannot read %.300s: %s (%.600s)", url ? url->masked : "the database",
             what, masked);
    snprintf(err->detail, sizeof err->detail, "%s", masked);
}

/* ARRAY['a', 'b']::text[] with each name escaped. */
static char *schema_array(PGconn *conn, const char *const *names, uint32_t n)
{
    Text t = {0};
    text_puts(&t, "ARRAY[");
    for (uint32_t i = 0; i < n; i++) {
        char *lit = PQescapeLiteral(conn, names[i], strlen(names[i]));
        if (i)
            text_puts(&t, ", ");
        text_puts(&t, lit ? lit : "''");
        PQfreemem(lit);
    }
    text_puts(&t, "]::text[]");
    return t.p;
}

/* What every batch is made of: the schema names as an SQL array, the search_path, the timeout. */
typedef struct Batch {
    char **names;
    uint32_t nschemas;
    const char *default_ns; /* the schema unqualified names live in */
    char *array;            /* ARRAY['public', ...]::text[] */
    char *search_path;      /* quoted */
    int timeout;
} Batch;

static void batch_init(Batch *p, PGconn *conn, const DbUrl *url, const IntrospectOptions *opts)
{
    /* The schemas: the datasource's list, else the URL's ?schema=, else public. */
    p->nschemas = opts && opts->nschemas ? opts->nschemas : 1;
    p->names = calloc(p->nschemas, sizeof *p->names);
    for (uint32_t i = 0; i < p->nschemas; i++) {
        if (opts && opts->nschemas)
            p->names[i] = strndup(opts->schemas[i].ptr ? opts->schemas[i].ptr : "", opts->schemas[i].len);
        else
            p->names[i] = strdup(url && url->schema && url->schema[0] ? url->schema : "public");
    }
    /* The schema unqualified names live in: the URL's ?schema= or public, listed or not, as for
     * Prisma (a table of another listed schema is written with its schema, even when public is
     * not listed: measured with its engine, fixtures/sql/125-*.roundtrip) */
    p->default_ns = url && url->schema && url->schema[0] ? url->schema : "public";
    p->array = schema_array(conn, (const char *const *)p->names, p->nschemas);
    p->search_path = PQescapeIdentifier(conn, p->default_ns, strlen(p->default_ns));
    p->timeout = opts && opts->statement_timeout_ms > 0 ? opts->statement_timeout_ms : DEFAULT_STATEMENT_TIMEOUT_MS;
}

static void batch_free(Batch *p)
{
    PQfreemem(p->search_path);
    free(p->array);
    for (uint32_t i = 0; i < p->nschemas; i++)
        free(p->names[i]);
    free(p->names);
}

/* A read-only snapshot and its settings (LOCAL: they end with it, so a connection lent by
 * dbexec is left as it was). A connection of our own is also made read-only for the whole
 * session. `snapshot`: the snapshot another connection exported, to read the same catalog. */
static int batch_begin(Text *t, const Batch *p, bool own_session, const char *snapshot)
{
    char setup[1024];
    snprintf(setup, sizeof setup,
             "%sBEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; %s%s%s"
             "SET LOCAL statement_timeout = %d; SET LOCAL lock_timeout = %d; SET LOCAL TimeZone = 'UTC'; "
             "SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; "
             "SET LOCAL bytea_output = 'hex'; SET LOCAL extra_float_digits = 3; "
             "SET LOCAL search_path = %s;\n",
             own_session ? "SET default_transaction_read_only = on; " : "", snapshot ? "SET TRANSACTION SNAPSHOT '" : "",
             snapshot ? snapshot : "", snapshot ? "'; " : "", p->timeout, p->timeout,
             p->search_path ? p->search_path : "public");
    text_puts(t, setup);
    return (own_session ? 1 : 0) + (snapshot ? 1 : 0) + 9;   /* the statements written */
}

/* Appends a catalog query with the schema array in place of each %1$s. */
static void batch_query_text(Text *t, const Batch *p, const char *query)
{
    for (const char *s = query; *s;) {
        const char *mark = strstr(s, "%1$s");
        size_t n = mark ? (size_t)(mark - s) : strlen(s);
        text_put(t, s, n);
        if (!mark)
            break;
        text_puts(t, p->array);
        s = mark + 4;
    }
    text_puts(t, ";\n");
}

static void batch_query(Text *t, const Batch *p, int q)
{
    batch_query_text(t, p, QUERIES[q]);
}

/* Reads the results of a batch sent on conn: its SELECTs' rows, in order, go to res[want[0]],
 * res[want[1]], ... False, with err set (from the first error), when a statement failed or
 * fewer results came back. */
static bool batch_collect(PGconn *conn, const DbUrl *url, const int *want, int nwant, PGresult **res, DbError *err,
                          int *got, int *commands)
{
    int q = 0, ncommands = 0;
    bool failed = false;
    PGresult *r;
    while ((r = PQgetResult(conn)) != NULL) {
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_TUPLES_OK && q < nwant) {
            res[want[q++]] = r;
            continue;
        }
        if (st == PGRES_COMMAND_OK && !failed)
            ncommands++;
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && !failed) {
            query_error(url, r, conn, err);
            failed = true;
        }
        PQclear(r);
    }
    if (!failed && q != nwant) {
        db_error_set(err, DBERR_QUERY, "cannot read %s: the server returned %d of %d catalog results",
                     url ? url->masked : "the database", q, nwant);
        failed = true;
    }
    *got = q;
    if (commands)
        *commands = ncommands;
    return !failed;
}

/* Sends the catalog queries in `want` (and ROLLBACK when `end`) on conn, in one round trip,
 * and reads their results. */
static bool batch_run(PGconn *conn, const DbUrl *url, const Batch *p, const char *head, const int *want, int nwant,
                      bool end, PGresult **res, IntrospectStats *stats, DbError *err, int *commands)
{
    Text t = {0};
    text_puts(&t, head ? head : "");
    for (int i = 0; i < nwant; i++)
        batch_query(&t, p, want[i]);
    if (end)
        text_puts(&t, "ROLLBACK;");
    bool ok;
    int got = 0;
    if (!PQsendQuery(conn, t.p)) {
        query_error(url, NULL, conn, err);
        ok = false;
    } else {
        ok = batch_collect(conn, url, want, nwant, res, err, &got, commands);
        stats->round_trips += 1;
    }
    stats->queries += (uint32_t)got;
    free(t.p);
    return ok;
}

/* Turns the results into the SqlSchema; frees them. */
static SqlSchema *build_schema(Builder *b, bool ok, IntrospectStats *stats, double t1)
{
    SqlSchema *schema = NULL;
    if (ok) {
        schema = sql_schema_new(SQL_POSTGRES);
        schema->default_namespace = sql_str(schema, b->default_ns, strlen(b->default_ns));
        b->schema = schema;
        build_namespaces_and_relations(b);
        build_enums(b);
        build_columns(b);
        build_indexes(b);
        build_foreign_keys(b);
        build_other(b);
        build_extensions(b);
        stats->build_ms += introspect_now_ms() - t1;
    }
    for (int q = 0; q < NQUERIES; q++)
        PQclear(b->res[q]);
    if (b->attmaps)
        for (uint32_t i = 0; schema && i < schema->ntables; i++)
            free(b->attmaps[i].pos);
    free(b->attmaps);
    free(b->tables);
    free(b->enums);
    return schema;
}

static const int ALL_QUERIES[NQUERIES] = {Q_NAMESPACES, Q_RELATIONS, Q_COLUMNS, Q_INDEXES, Q_OPCLASSES,
                                          Q_FOREIGN_KEYS, Q_OTHER, Q_ENUMS, Q_EXTENSIONS};

/* The whole catalog through one connection, in one round trip. */
static SqlSchema *run_introspection(PGconn *conn, const DbUrl *url, const IntrospectOptions *opts,
                                    IntrospectStats *stats, DbError *err, bool own_session)
{
    IntrospectStats local = {0};
    if (!stats)
        stats = &local;
    double t0 = introspect_now_ms();
    Batch p;
    batch_init(&p, conn, url, opts);
    Text head = {0};
    batch_begin(&head, &p, own_session, NULL);
    Builder b = {0};
    b.default_ns = p.default_ns;
    bool ok = batch_run(conn, url, &p, head.p, ALL_QUERIES, NQUERIES, true, b.res, stats, err, NULL);
    stats->connections += 1;
    free(head.p);
    if (!ok && PQtransactionStatus(conn) != PQTRANS_IDLE) {
        PGresult *res = PQexec(conn, "ROLLBACK");
        PQclear(res);
    }
    double t1 = introspect_now_ms();
    stats->query_ms += t1 - t0;
    SqlSchema *schema = build_schema(&b, ok, stats, t1);
    batch_free(&p);
    return schema;
}

SqlSchema *introspect_postgres_conn(PGconn *conn, const DbUrl *url, const IntrospectOptions *opts,
                                    IntrospectStats *stats, DbError *err)
{
    return run_introspection(conn, url, opts, stats, err, false);
}

/* ---- loading libpq ahead ------------------------------------------------------------------- */

static void *preload_run(void *arg)
{
    (void)arg;
    pqlib();
    return NULL;
}

void introspect_preload(const char *url_text)
{
    if (!url_text || (strncmp(url_text, "postgresql://", 13) != 0 && strncmp(url_text, "postgres://", 11) != 0))
        return;
    pthread_t t;
    if (parallel_thread_create(&t, NULL, preload_run, NULL, 0) == 0)
        pthread_detach(t);
}

/* ---- two connections ------------------------------------------------------------------------ */

/* The server answers the columns on one connection while a second one, opened at the same time
 * and reading the same snapshot (exported by the first), answers the other eight queries: the
 * two halves run on two server processes at once. When the second connection cannot be had
 * (refused, the snapshot not importable, a query failing), the first one runs its queries too,
 * in the same transaction: the answer is the same, only later. */
static const int FIRST_QUERIES[] = {Q_COLUMNS};
static const int SECOND_QUERIES[] = {Q_NAMESPACES, Q_RELATIONS, Q_INDEXES, Q_OPCLASSES, Q_FOREIGN_KEYS,
                                     Q_OTHER, Q_ENUMS, Q_EXTENSIONS};
enum { NFIRST = 1, NSECOND = NQUERIES - 1 };

typedef struct Second {
    const DbUrl *url;
    const IntrospectOptions *opts;
    pthread_mutex_t lock;
    pthread_cond_t ready;
    bool decided;           /* the batch is known (NULL: nothing to run) */
    char *batch;            /* its text, up to the first query (owned by the main thread) */
    int head_statements;    /* how many statements that is */
    const Batch *plan;
    PGconn *conn;
    PGresult *res[NQUERIES];
    IntrospectStats stats;
    bool ok;
    bool query_failed;      /* a catalog query failed (not the connection or the snapshot): err */
    DbError err;
} Second;

static void *second_run(void *arg)
{
    Second *s = arg;
    s->conn = introspect_pg_connect(s->url, NULL, s->opts, &s->err);
    pthread_mutex_lock(&s->lock);
    while (!s->decided)
        pthread_cond_wait(&s->ready, &s->lock);
    const char *head = s->batch;
    pthread_mutex_unlock(&s->lock);
    if (s->conn && head) {
        int commands = 0;
        s->ok = batch_run(s->conn, s->url, s->plan, head, SECOND_QUERIES, NSECOND, true, s->res, &s->stats, &s->err,
                          &commands);
        /* past the session's settings and the snapshot: a catalog query failed */
        s->query_failed = !s->ok && commands >= s->head_statements;
    }
    return NULL;
}

static void second_decide(Second *s, char *batch, int head_statements)
{
    pthread_mutex_lock(&s->lock);
    s->batch = batch;
    s->head_statements = head_statements;
    s->decided = true;
    pthread_cond_signal(&s->ready);
    pthread_mutex_unlock(&s->lock);
}

/* Both connections refused at a connection limit: two backends starting at once may each count
 * the other and both give up (PostgreSQL checks a role's or database's limit after a backend has
 * taken its slot), where one alone gets in. A refused backend keeps its slot until its process
 * has exited, so a few tries, further and further apart (10 to 160 ms: 310 ms at most). */
static bool refused_at_limit(const DbError *err)
{
    return strstr(err->message, "too many connections") != NULL;
}

static PGconn *connect_alone_at_limit(const DbUrl *url, const IntrospectOptions *opts, DbError *err)
{
    PGconn *conn = NULL;
    for (int wait_ms = 10; !conn && wait_ms <= 160 && refused_at_limit(err); wait_ms *= 2) {
        nanosleep(&(struct timespec){0, wait_ms * 1000L * 1000L}, NULL);
        conn = introspect_pg_connect(url, NULL, opts, err);
    }
    return conn;
}

/* An exported snapshot's name: hex digits and dashes ("00000003-0000001B-1"). */
static bool snapshot_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]) && s[i] != '-')
            return false;
    return true;
}

SqlSchema *introspect_postgres(const DbUrl *url, const IntrospectOptions *opts, IntrospectStats *stats, DbError *err)
{
    IntrospectStats local = {0};
    if (!stats)
        stats = &local;
    double t0 = introspect_now_ms();
    pqlib();   /* loaded before the second thread calls into it */
    Second s = {0};
    s.url = url;
    s.opts = opts;
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.ready, NULL);
    pthread_t worker;
    bool two = parallel_thread_create(&worker, NULL, second_run, &s, 0) == 0;
    PGconn *conn = introspect_pg_connect(url, NULL, opts, err);
    if (!conn && two) {
        /* refused where the second one may have got in first (a role or a server at its
         * connection limit): then that one reads everything */
        second_decide(&s, NULL, 0);
        pthread_join(worker, NULL);
        two = false;
        conn = s.conn;
        s.conn = NULL;
        /* refused at the limit while the other one failed for a reason of its own (a backend
         * that never finished starting holds its slot): that reason is the one to tell */
        if (!conn && refused_at_limit(err) && !refused_at_limit(&s.err))
            *err = s.err;
        else if (!conn)
            conn = connect_alone_at_limit(url, opts, err);
        if (conn)
            *err = (DbError){0};
    }
    double t1 = introspect_now_ms();
    stats->connect_ms += t1 - t0;
    if (!conn) {
        pthread_mutex_destroy(&s.lock);
        pthread_cond_destroy(&s.ready);
        return NULL;
    }
    Batch p;
    batch_init(&p, conn, url, opts);
    s.plan = &p;
    Builder b = {0};
    b.default_ns = p.default_ns;
    Text head = {0}, first = {0}, second_head = {0};
    batch_begin(&head, &p, true, NULL);
    bool ok = false;
    if (two) {
        /* The first connection: the snapshot, exported (a round trip of its own: the server
         * sends results when its output buffer fills or the batch ends), then the columns. Its
         * transaction stays open until the second connection has read the snapshot in. */
        text_puts(&first, head.p);
        text_puts(&first, "SELECT pg_catalog.pg_export_snapshot(), pg_catalog.current_setting('server_version_num');");
        char snapshot[80] = "";
        long version = 0;
        bool sent = PQsendQuery(conn, first.p);
        PGresult *r;
        while (sent && (r = PQgetResult(conn)) != NULL) {
            if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0)) {
                snprintf(snapshot, sizeof snapshot, "%s", PQgetvalue(r, 0, 0));
                version = PQgetisnull(r, 0, 1) ? 0 : strtol(PQgetvalue(r, 0, 1), NULL, 10);
            }
            PQclear(r);
        }
        if (sent)
            stats->round_trips += 1;
        if (PQtransactionStatus(conn) != PQTRANS_INTRANS)
            snapshot[0] = '\0';   /* a statement failed */
        first.len = 0;
        batch_query_text(&first, &p, version >= 140000 ? COLUMNS_MEMOIZED : QUERIES[Q_COLUMNS]);
        sent = sent && snapshot_name_ok(snapshot) && PQsendQuery(conn, first.p);
        if (sent) {
            int n = batch_begin(&second_head, &p, true, snapshot);
            second_decide(&s, second_head.p, n);
            int got = 0;
            ok = batch_collect(conn, url, FIRST_QUERIES, NFIRST, b.res, err, &got, NULL);
            stats->queries += (uint32_t)got;
            stats->round_trips += 1;
            pthread_join(worker, NULL);
            if (ok && s.ok) {
                stats->connections += 1;
                for (int i = 0; i < NSECOND; i++)
                    b.res[SECOND_QUERIES[i]] = s.res[SECOND_QUERIES[i]];
                stats->queries += s.stats.queries;
                stats->round_trips += s.stats.round_trips;
            } else {
                for (int q = 0; q < NQUERIES; q++)
                    PQclear(s.res[q]);
                if (ok && s.query_failed) {
                    /* what a single connection would have said */
                    *err = s.err;
                    ok = false;
                } else if (ok) {
                    /* no second connection: its queries here, in the same snapshot */
                    ok = batch_run(conn, url, &p, NULL, SECOND_QUERIES, NSECOND, true, b.res, stats, err, NULL);
                }
            }
        } else {
            /* no snapshot to share: everything here, from the start */
            second_decide(&s, NULL, 0);
            pthread_join(worker, NULL);
            if (PQtransactionStatus(conn) != PQTRANS_IDLE)
                PQclear(PQexec(conn, "ROLLBACK"));
            ok = batch_run(conn, url, &p, head.p, ALL_QUERIES, NQUERIES, true, b.res, stats, err, NULL);
        }
        if (s.conn)
            PQfinish(s.conn);
    } else {
        ok = batch_run(conn, url, &p, head.p, ALL_QUERIES, NQUERIES, true, b.res, stats, err, NULL);
    }
    pthread_mutex_destroy(&s.lock);
    pthread_cond_destroy(&s.ready);
    free(head.p);
    free(first.p);
    free(second_head.p);
    stats->connections += 1;
    double t2 = introspect_now_ms();
    stats->query_ms += t2 - t1;
    SqlSchema *schema = build_schema(&b, ok, stats, t2);
    batch_free(&p);
    PQfinish(conn);
    return schema;
}
