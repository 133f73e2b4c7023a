/* The live migration history: Prisma's `_prisma_migrations` table and the Supabase CLI's
 * `supabase_migrations.schema_migrations`, read-only.
 *
 * The database is opened the way introspection opens it (introspect.h: SQLite read-only with
 * PRAGMA query_only, PostgreSQL in a read-only session and a READ ONLY transaction that is
 * rolled back), and the same connection then introspects the live schema, so a status report
 * makes one connection. A missing history table is "no history" (`exists` false, no rows),
 * not an error. */
#ifndef PRISMAC_HISTORY_H
#define PRISMAC_HISTORY_H

#include "prismac/arena.h"
#include "prismac/dburl.h"
#include "prismac/introspect.h"
#include "prismac/migrations.h"
#include "prismac/sqlschema.h"

#include <stdbool.h>

typedef enum HistoryRowState {
    ROW_APPLIED,        /* Prisma: finished_at set, rolled_back_at NULL; every Supabase row */
    ROW_FAILED,         /* Prisma: neither finished nor rolled back */
    ROW_ROLLED_BACK,    /* Prisma: rolled_back_at set (`prisma migrate resolve --rolled-back`) */
} HistoryRowState;

typedef struct HistoryRow {
    /* Prisma: the row's id; Supabase: its version. */
    Str id;
    /* The migration's name as the folder spells it: Prisma's migration_name; Supabase
     * "VERSION_NAME", or "VERSION" when the row has no name. */
    Str name;
    Str version;            /* Prisma: the name's leading digits; Supabase: the version */
    Str label;              /* Supabase: the name column (empty when NULL) */
    bool has_label;
    Str checksum;           /* Prisma: as recorded; Supabase: empty */
    Str logs;               /* Prisma: the logs column (empty when NULL) */
    bool has_logs;
    /* ISO 8601 in UTC ("2025-10-01T10:00:01.000Z"), empty when NULL (Prisma only). */
    Str started_at, finished_at, rolled_back_at;
    int32_t applied_steps_count;
    HistoryRowState state;
    /* Supabase: the recorded statements (NULL when the column is NULL). */
    Str *statements;
    uint32_t nstatements;
    bool has_statements;
} HistoryRow;

typedef enum HistoryKind { HISTORY_PRISMA, HISTORY_SUPABASE } HistoryKind;

typedef struct History {
    HistoryKind kind;
    bool exists;            /* the table is there */
    Str table;              /* as SQL names it: "_prisma_migrations", "public"."_prisma_migrations",
                             * supabase_migrations.schema_migrations */
    Str namespace;          /* PostgreSQL: the schema that holds it (Prisma: the URL's ?schema= or public) */
    bool supabase_has_name; /* schema_migrations has the `name` column (older CLIs lack it) */
    bool supabase_has_statements;
    HistoryRow *rows;       /* Prisma: in started_at order, as Prisma reads them; Supabase: by version */
    uint32_t count, cap;
} History;

/* Opens the database read-only, reads the history table of the layout (LAYOUT_PRISMA or
 * LAYOUT_SUPABASE; Supabase needs PostgreSQL) and, when `live` is not NULL, introspects the
 * database through the same connection (opts: the schemas to read). Returns false with err
 * set (masked) when the database cannot be opened or read. */
bool history_read(const DbUrl *url, MigrationLayout layout, const IntrospectOptions *opts, Arena *arena, History *out,
                  SqlSchema **live, DbError *err);

const char *history_row_state_name(HistoryRowState state);  /* "applied", "failed", "rolled back" */

#endif
