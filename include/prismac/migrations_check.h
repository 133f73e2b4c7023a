/* Migration history analysis: `prismac migrations status` (the history table vs the folder vs
 * the live schema) and `prismac migrations check` (offline: does the folder reproduce the
 * schema?).
 *
 * status — every migration gets one status (the vocabulary of fixtures/history/README.md):
 *   applied              recorded as applied, checksum matches, its objects are there
 *   modified             recorded as applied, the file's checksum differs from the recorded one
 *                        (Prisma only: the Supabase CLI records no checksum)
 *   failed               a row neither finished nor rolled back (Prisma refuses to deploy: P3009)
 *   rolled_back          only rolled-back rows (Prisma applies it again on the next deploy)
 *   pending              in the folder, never recorded
 *   missing_from_folder  recorded (not rolled back), no file
 *   phantom              recorded as applied, yet none of the objects it creates, alters or drops
 *                        is as it left them in the live database (takes precedence over modified)
 * A migration's rows decide: any applied row makes it applied (the latest applied row's checksum
 * is compared), else any failed row makes it failed, else it is rolled back.
 *
 * Objects are checked one by one: the folder is replayed into a scratch database (replay.h), the
 * schema is read after each migration, and consecutive schemas give each migration's objects
 * (tables, columns, primary keys, indexes, foreign keys, enums) with what it did to them
 * (created, altered, dropped). Each is compared with the live database: with the state after
 * the last migration that touched it, or, when a later migration changed it again, for its
 * existence only. Recorded migrations are replayed in folder order on their own (the applied
 * history); the whole folder is replayed for the others (pending, failed, rolled back), whose
 * objects count as present when the live database has them as the migration makes them and not
 * as the applied history has them.
 *
 * The verdict: consistent, or the first migration (in name order) where the live database
 * departs from the history: an applied or modified migration with an object absent or
 * different, a migration missing from the folder, or a failed, rolled-back or pending migration
 * with an object present. Objects no migration touched are drift (`prismac check`), not
 * history. Rows are never compared.
 *
 * The live database is only read (history.h); every write happens in scratch databases. */
#ifndef PRISMAC_MIGRATIONS_CHECK_H
#define PRISMAC_MIGRATIONS_CHECK_H

#include "prismac/db.h"
#include "prismac/dialect.h"
#include "prismac/history.h"
#include "prismac/migrations.h"
#include "prismac/replay.h"

#include <time.h>

typedef enum MigrationStatusKind {
    MSTATUS_APPLIED,
    MSTATUS_MODIFIED,
    MSTATUS_FAILED,
    MSTATUS_ROLLED_BACK,
    MSTATUS_PENDING,
    MSTATUS_MISSING_FROM_FOLDER,
    MSTATUS_PHANTOM,
} MigrationStatusKind;

/* "applied", "modified", "failed", "rolled_back", "pending", "missing_from_folder", "phantom" */
const char *migration_status_name(MigrationStatusKind status);

typedef enum HistObjectKind {
    HOBJ_TABLE,
    HOBJ_COLUMN,
    HOBJ_PRIMARY_KEY,
    HOBJ_INDEX,
    HOBJ_FOREIGN_KEY,
    HOBJ_ENUM,
} HistObjectKind;

typedef enum HistChange { HCHANGE_CREATED, HCHANGE_ALTERED, HCHANGE_DROPPED } HistChange;

typedef enum HistCheck {
    HCHECK_PRESENT,         /* the live database has it as the migration left it (a drop: it is gone) */
    HCHECK_ABSENT,          /* it is not there (a drop: it is still there) */
    HCHECK_DIFFERENT,       /* it is there, but not as the migration left it */
    HCHECK_EXISTS,          /* changed again by a later migration: it exists, as it should */
    HCHECK_UNVERIFIABLE,    /* dropped or recreated by a later migration: nothing to compare */
} HistCheck;

typedef struct HistObject {
    HistObjectKind kind;
    HistChange change;
    HistCheck check;
    Str namespace;          /* PostgreSQL schema ("" on SQLite) */
    Str table;              /* the table (for a table: its name; for an enum: empty) */
    Str name;               /* column, index, foreign key or enum name ("" for a primary key) */
    Str referenced_table;   /* foreign keys: the table it references */
    const char *detail;     /* what differs, or NULL */
    bool implied;           /* a part of a table the same migration creates or drops */
} HistObject;

typedef struct MigrationEntry {
    Str name;               /* folder name / Supabase file stem / the row's name */
    MigrationStatusKind status;
    int32_t file;           /* index in the folder, or -1 */
    const HistoryRow *row;  /* the row that decides the status (NULL: none) */
    uint32_t nrows;         /* rows recorded under this name */
    bool checksum_matches;  /* Prisma, applied: the deciding row's checksum fits the file */
    const char *log;        /* the deciding row's logs without the engine's backtrace, or NULL */
    /* Its objects, as the replay shows them, each checked against the live database. For a
     * recorded migration, from the applied history; otherwise from the whole folder. */
    HistObject *objects;
    uint32_t nobjects;
    uint32_t npresent;      /* HCHECK_PRESENT + HCHECK_EXISTS */
    uint32_t nmissing;      /* HCHECK_ABSENT + HCHECK_DIFFERENT */
    bool checked;           /* its objects could be computed (its replay got that far) */
    bool data_only;         /* the script only changes rows */
    bool diverges;          /* the live database departs from the history here */
    const char *why;        /* one line saying how, when diverges */
    const char *replay_error;   /* replaying this file failed: "PATH:LINE: message" */
} MigrationEntry;

typedef struct HistoryStatusOptions {
    const char *dir;
    MigrationLayout layout;
    const DbUrl *db;
    /* PostgreSQL: the server scratch databases are created on (--shadow-db), or, when its role
     * may not create databases, the empty database used as the scratch; NULL: the live
     * database's server (its role needs CREATEDB). */
    const DbUrl *shadow;
    /* PostgreSQL schemas to read (besides the URL's ?schema= / public and every schema the
     * folder creates); may be empty. */
    const Str *schemas;
    uint32_t nschemas;
    /* Optional: the current schema (valid), for the `schema in_sync | missing-migration` line. */
    const Db *schema;
    int connect_timeout_s;
} HistoryStatusOptions;

typedef struct HistoryReport {
    Arena arena;
    MigrationsDir dir;
    History history;
    SqlFlavour flavour;
    const char *database;   /* the live URL, masked */
    const char *search_path;/* PostgreSQL: the URL's ?schema= quoted, when not public; else NULL */
    MigrationEntry *entries;
    uint32_t count;
    bool consistent;
    int32_t diverges_at;    /* entry index, or -1 */
    bool lock_mismatch;     /* migration_lock.toml names another provider */
    /* Replaying the whole folder failed at this entry (then there is no schema line). */
    int32_t replay_failed_at;
    const char *replay_error;
    /* The applied history could not be replayed past this entry (-1: it could). */
    int32_t applied_replay_failed_at;
    bool has_schema;        /* a schema was given and the folder replayed */
    bool schema_in_sync;
    char *schema_migration; /* the missing migration (migration.sql), when not in sync */
    const char **consequences;
    uint32_t nconsequences, capconsequences;
    const char **next_steps;
    uint32_t nnext_steps, capnext_steps;
    /* Everything applied and consistent, no lock mismatch, schema (if any) in sync. */
    bool clean;
    /* The repair script addresses every finding (some may still need a data fix first). */
    bool repair_complete;
    uint32_t repair_actions;    /* its statements besides BEGIN / COMMIT (0: it would change nothing) */
    ReplayStats stats;
    uint32_t replays;
    double total_ms;
} HistoryReport;

/* Builds the report. Returns 0, or 2 (EXIT_TROUBLE) with *err set (in report->arena) when the
 * folder cannot be read, the database cannot be opened or a scratch database cannot be made.
 * history_report_free in every case. */
int history_status(const HistoryStatusOptions *opt, HistoryReport *report, char **err);
void history_report_free(HistoryReport *report);

/* The repair, appended to `out`: one transaction (BEGIN ... COMMIT) that fixes the history rows
 * (failed and phantom Prisma rows marked rolled back as `prisma migrate resolve --rolled-back`
 * does, phantom Supabase rows deleted as `supabase migration repair --status reverted` does, a
 * modified migration whose objects match gets the file's checksum, a migration applied by hand
 * is recorded as `prisma migrate resolve --applied` does) and applies what is needed in folder
 * order, recording each as `prisma migrate deploy` / the Supabase CLI would (row ids: random
 * UUIDs). Every other row is kept as it is. Comments say what each part does; what cannot be
 * repaired from the folder is said in comments and left alone. Returns whether every finding
 * is addressed (report->repair_complete). */
bool history_repair_script(const HistoryReport *report, SqlBuf *out);

/* ---- the offline check ------------------------------------------------------------------------ */

typedef struct MigrationsCheckOptions {
    MigrationLayout layout;
    const DbUrl *shadow;        /* PostgreSQL: the server for the scratch database */
    bool shadow_attach;         /* may the shadow database itself be used when it is empty (it was
                                 * named as a shadow database, not found as DATABASE_URL)? */
    const char *name;           /* the missing migration's name (after the timestamp); NULL: "migration" */
    time_t now;                 /* its timestamp; 0: the current time */
    int connect_timeout_s;
} MigrationsCheckOptions;

typedef struct MigrationsCheck {
    Arena arena;
    MigrationsDir dir;
    SqlFlavour flavour;
    bool lock_mismatch;
    bool replay_failed;
    const char *replay_error;   /* "PATH:LINE: message" */
    Str failed_migration;
    bool in_sync;
    /* When not in sync: the migration Prisma's `migrate dev` would write, folder name and
     * migration.sql (with its warnings comment for destructive steps). */
    const char *folder_name;    /* "20250101120000_name" */
    char *migration_sql;
    bool destructive;
    uint32_t nsteps;
    ReplayStats stats;
} MigrationsCheck;

/* Replays the folder (every migration, in order) into a scratch database of the schema's
 * provider and diffs it against lower(db). db must be valid. Returns false with *err (in
 * out->arena) on trouble: the folder cannot be read, no scratch database. A migration that
 * fails to replay is a finding (out->replay_failed), not trouble. migrations_check_free always. */
bool migrations_check_offline(const Db *db, const char *dir, const MigrationsCheckOptions *opt, MigrationsCheck *out,
                              char **err);
void migrations_check_free(MigrationsCheck *check);

/* The missing migration from a replayed schema to a lowered one (shared by status and check):
 * NULL when they agree. *nsteps and *destructive may be NULL. Malloc'd. */
char *migrations_missing_sql(const SqlSchema *replayed, const SqlSchema *lowered, const Dialect *dialect,
                             uint32_t *nsteps, bool *destructive);

/* Schemas named by CREATE SCHEMA statements of the folder (PostgreSQL), for introspection. */
uint32_t migrations_created_schemas(const MigrationsDir *dir, Arena *arena, Str **out);

#endif
