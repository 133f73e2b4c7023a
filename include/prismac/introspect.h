/* Introspection: a live database, read into the SqlSchema model (sqlschema.h).
 *
 * Read-only, always. SQLite is opened with SQLITE_OPEN_READONLY (a `file:` URI with
 * mode=ro) and `PRAGMA query_only`; PostgreSQL runs in a session with
 * default_transaction_read_only = on, inside BEGIN … READ ONLY, rolled back at the end.
 * Connect and statement timeouts apply to both. Nothing here writes.
 *
 * A fixed number of catalog queries reads the whole database, never one per table:
 *   SQLite      4: sqlite_master; table_info, index_list + index_xinfo and foreign_key_list
 *                  joined to sqlite_master as table-valued pragma functions.
 *   PostgreSQL  9: namespaces, relations, columns (with types and default expressions),
 *                  indexes, the non-default operator classes, foreign keys, CHECK constraints
 *                  and triggers, enums, extensions. On a connection of its own, the columns
 *                  are read on one connection and the eight others on a second one opened at
 *                  the same time, reading the snapshot the first exported (the server answers
 *                  both halves at once); through a lent connection, all in one round trip.
 *
 * Spellings follow sqlschema.h (what Prisma's DDL prints), so that a database created from
 * a schema's DDL introspects to what lowering that schema gives:
 *   - types: INTEGER, BIGINT, SMALLINT, TEXT, VARCHAR(n), CHAR(n), DECIMAL(p,s), DOUBLE PRECISION,
 *     REAL, BOOLEAN, TIMESTAMP(p), TIMESTAMPTZ(p), TIME(p), TIMETZ(p), DATE, JSONB, JSON, BYTEA,
 *     UUID, INET, CITEXT, XML, MONEY, OID, BIT(n), VARBIT(n) — without (p) when the column was
 *     declared without one; an enum by its bare type name (its namespace is its SqlEnum's);
 *     anything else as the database formats it, without a schema prefix ("tsvector",
 *     "geometry(Point,4326)"), family SQLT_UNSUPPORTED. Arrays: the element type, list = true.
 *     SQLite: the declared type, upper-cased when Prisma knows it (INTEGER, TEXT, DATETIME,
 *     DECIMAL, REAL, BOOLEAN, BIGINT, BLOB, JSONB), verbatim otherwise.
 *   - autoincrement: PostgreSQL nextval(…) defaults and identity columns: their integer type
 *     (INTEGER, BIGINT, SMALLINT; SERIAL is rendering), autoincrement = true and an
 *     SQLDEF_SEQUENCE default whose sql is the nextval(...) text (empty for identity columns). SQLite: a single-column INTEGER primary key (the rowid, as Prisma
 *     reads it) has autoincrement = true and no default.
 *   - defaults: casts removed and values re-spelled as Prisma's DDL prints them: 'text' (quotes
 *     doubled), -42, 1.50, true, 'ENUM_VALUE', '\x0102' for bytes, '{"a": 1}' for JSON (as the
 *     database stores it: JSONB reorders keys), ARRAY['a', 'b']::TEXT[] for lists,
 *     '2024-06-30 12:34:56.789 +00:00' for date/time values (read in UTC), CURRENT_TIMESTAMP,
 *     now() and transaction_timestamp() as SQLDEF_NOW; anything else SQLDEF_EXPRESSION as the
 *     database prints it (SQLite: in the parentheses DEFAULT (expr) needs, which SQLite drops).
 *   - indexes: the primary key (named on PostgreSQL, unnamed on SQLite), unique and normal
 *     indexes; DESC as SORT_DESC, ascending as SORT_DEFAULT; algorithm "Hash", "Gin", "Gist",
 *     "SpGist", "Brin" or empty for B-tree; operator classes only where they are not the
 *     default for the column type and access method (the database keeps no difference
 *     between an explicit default class and none).
 *   - tables, enums: PostgreSQL objects carry their namespace (every introspected schema that
 *     exists is in SqlSchema.namespaces, in the order asked for); default_namespace is the
 *     URL's ?schema= or "public". SQLite objects have SQL_NONE.
 *   - extensions (PostgreSQL): every one installed in the database but plpgsql, with its schema
 *     and version.
 *   - never drift, reported in SqlSchema.unmanaged: views, materialized views, triggers, CHECK
 *     and EXCLUDE constraints, partial and expression indexes, indexes with INCLUDE columns,
 *     foreign keys to tables outside the introspected schemas. Prisma's `_prisma_migrations`
 *     table is skipped entirely. */
#ifndef PRISMAC_INTROSPECT_H
#define PRISMAC_INTROSPECT_H

#include "prismac/dburl.h"
#include "prismac/sqlschema.h"

typedef struct pg_conn PGconn;      /* libpq */
typedef struct sqlite3 sqlite3;

typedef struct IntrospectOptions {
    /* PostgreSQL schemas to read: the datasource's `schemas = [...]`; none: the URL's
     * ?schema=, else "public". */
    const Str *schemas;
    uint32_t nschemas;
    int connect_timeout_s;      /* 0: 10 s (or PGCONNECT_TIMEOUT / the URL's connect_timeout) */
    int statement_timeout_ms;   /* 0: 30,000 ms */
} IntrospectOptions;

typedef struct IntrospectStats {
    uint32_t queries;           /* catalog queries run */
    uint32_t round_trips;       /* PostgreSQL: round trips to the server, session setup included */
    uint32_t connections;       /* PostgreSQL: connections that read the catalog (two halves at once) */
    double connect_ms;          /* opening the connection */
    double query_ms;            /* running the catalog queries */
    double build_ms;            /* turning their rows into the SqlSchema */
} IntrospectStats;

/* Opens the database the URL names, read-only, and reads it. NULL on failure, with err saying
 * what went wrong (masked). stats may be NULL. */
SqlSchema *introspect_url(const DbUrl *url, const IntrospectOptions *opts, IntrospectStats *stats, DbError *err);

SqlSchema *introspect_sqlite(const DbUrl *url, const IntrospectOptions *opts, IntrospectStats *stats, DbError *err);
SqlSchema *introspect_postgres(const DbUrl *url, const IntrospectOptions *opts, IntrospectStats *stats,
                               DbError *err);

/* Opens a SQLite database file read-only (a missing file, a folder or an unreadable file is
 * an error of its own kind, with the file's path; nothing is created). NULL on failure. */
sqlite3 *introspect_sqlite_open(const DbUrl *url, DbError *err);

/* Reading through a connection opened elsewhere (dbexec's scratch databases): the same
 * queries, under PRAGMA query_only (SQLite, restored afterwards) or in a READ ONLY
 * transaction that is rolled back (PostgreSQL). `url` (may be NULL) is only used to mask
 * messages and to find the default schema. */
SqlSchema *introspect_sqlite_db(sqlite3 *db, const IntrospectOptions *opts, IntrospectStats *stats, DbError *err);
SqlSchema *introspect_postgres_conn(PGconn *conn, const DbUrl *url, const IntrospectOptions *opts,
                                    IntrospectStats *stats, DbError *err);

/* Opens the PostgreSQL connection introspection reads through (connect_timeout applied;
 * the session is made read-only before the first catalog query). `database` (may be NULL)
 * overrides the URL's database. On failure returns NULL with err classified and masked. */
PGconn *introspect_pg_connect(const DbUrl *url, const char *database, const IntrospectOptions *opts, DbError *err);
/* Turns libpq's text for a failed connection into err: the class (host unknown, unreachable,
 * timeout, auth, no database, TLS, URL) and a one-line message naming the masked URL; libpq's
 * own words, masked, go to err->detail. Shared with dbexec's writing connections. */
void introspect_pg_connect_error(const DbUrl *url, const char *libpq_message, int connect_timeout_s, DbError *err);

/* For a command with other work to do before it reads the database the URL text names: starts
 * loading the client library that reading will need (libpq, for postgres:// and postgresql://
 * URLs: 10 ms and more, loaded on first use) on a thread of its own, so that it is ready by
 * then. Does nothing for other URLs or NULL. */
void introspect_preload(const char *url_text);

/* Milliseconds on a monotonic clock (for stats and benchmarks). */
double introspect_now_ms(void);

#endif
