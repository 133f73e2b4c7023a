/* Running SQL scripts on scratch databases: the one place in prismac that writes.
 *
 * A scratch database is private and thrown away: SQLite in memory; PostgreSQL a new database
 * (prismac_scratch_<pid>_<n>) created on the server a URL points at, dropped again when the
 * scratch is closed. Migration replay and the drift check's tests apply scripts to one and
 * introspect the result (through introspect.h, under a read-only transaction).
 *
 * Introspecting a user's database never goes through here: introspect.h opens its own
 * read-only connections. */
#ifndef PRISMAC_DBEXEC_H
#define PRISMAC_DBEXEC_H

#include "prismac/dburl.h"
#include "prismac/introspect.h"
#include "prismac/sqlschema.h"

typedef struct DbScratch DbScratch;

/* SQLite: `server` is ignored (may be NULL). PostgreSQL: `server` names any database on the
 * server (its role needs CREATEDB); the scratch database is created from template0. opts
 * (may be NULL) gives the connect timeout. NULL on failure, with err set (masked). */
DbScratch *dbexec_scratch_open(SqlFlavour flavour, const DbUrl *server, const IntrospectOptions *opts, DbError *err);

/* PostgreSQL, for a role that may not create databases: an existing database used as the
 * scratch (what Prisma calls a shadow database). It must be empty (no table, view, sequence,
 * type, function or extension outside the system schemas): prismac never empties a database
 * that holds something. Closing the scratch drops everything the scripts created in it (new
 * schemas, objects in the schemas that were there, new extensions). NULL with err set when it
 * cannot connect or the database is not empty. */
DbScratch *dbexec_scratch_attach(const DbUrl *database, const IntrospectOptions *opts, DbError *err);

/* The scratch database's name (PostgreSQL), or ":memory:". */
const char *dbexec_scratch_database(const DbScratch *scratch);

/* Runs one script in a transaction, statement by statement: all of it or nothing. The
 * script's own BEGIN / START TRANSACTION / COMMIT / END are left out (Prisma wraps some
 * migrations in them); a ROLLBACK or ABORT is refused. On failure err (kind DBERR_QUERY)
 * names `label` (a file name, for messages) and the line of the statement that failed,
 * "label:LINE: the database's message"; the database is as it was before the script. */
bool dbexec_apply(DbScratch *scratch, const char *sql, size_t len, const char *label, DbError *err);

/* Reads the scratch database as introspect_url reads a live one. */
SqlSchema *dbexec_introspect(DbScratch *scratch, const IntrospectOptions *opts, IntrospectStats *stats,
                             DbError *err);

/* Closes the connection and drops the scratch database. NULL is fine. */
void dbexec_scratch_close(DbScratch *scratch);

#endif
