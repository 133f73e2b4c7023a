/* Replaying a migrations folder into a scratch database (dbexec.h), in a given order, and the
 * SqlSchema after each migration.
 *
 * SQLite replays into memory; PostgreSQL into a temporary database created on a server (the
 * live database's, or --shadow-db's) and dropped afterwards, or, when the role may not create
 * databases, into the empty database --shadow-db names, emptied again afterwards. Each migration is applied in its own
 * transaction, statement by statement; a failing migration stops the replay with its file, line
 * and the database's message, and the schemas before it stay available.
 *
 * With `snapshots`, the scratch database is introspected after every migration that may have
 * changed the schema (a migration made only of INSERT / UPDATE / DELETE statements keeps the
 * previous snapshot: introspection is most of the cost on SQLite); without, only at the end. */
#ifndef PRISMAC_REPLAY_H
#define PRISMAC_REPLAY_H

#include "prismac/dbexec.h"
#include "prismac/migrations.h"

typedef struct ReplayOptions {
    SqlFlavour flavour;
    const DbUrl *server;                /* PostgreSQL: where the scratch database is created */
    /* PostgreSQL: when no database may be created there, this existing, empty database is used
     * instead (a shadow database, dbexec_scratch_attach); NULL: none. */
    const DbUrl *attach;
    const IntrospectOptions *introspect;/* the schemas to read (as for the live database) */
    bool snapshots;                     /* the schema after every migration, not only the last */
    /* PostgreSQL: the schema unqualified names go to (the live URL's ?schema=); NULL: public. */
    const char *search_path;
} ReplayOptions;

typedef struct ReplayStats {
    double open_ms;         /* creating the scratch database */
    double apply_ms;        /* running the scripts */
    double introspect_ms;   /* reading the schema back */
    uint32_t introspections;
} ReplayStats;

typedef struct Replay {
    uint32_t count;         /* migrations asked for */
    uint32_t applied;       /* how many were applied (all of them unless `failed`) */
    /* after[k]: the schema after the k-th migration of the order (k < applied). With snapshots
     * every entry is set (consecutive entries may share one schema); without, only
     * after[applied - 1]. `before` is the scratch database before the first migration. Shared
     * schemas are freed once by replay_free. */
    SqlSchema **after;
    SqlSchema *before;
    bool failed;            /* migration order[applied] failed */
    DbError error;          /* its message: "PATH:LINE: the database's words" */
    ReplayStats stats;
} Replay;

/* Replays dir->items[order[0..n)] (all of them in folder order when order is NULL). Returns
 * false (err set) only when the scratch database cannot be created or read; a migration that
 * fails is reported in out->failed / out->error. replay_free in every case. */
bool replay_run(const MigrationsDir *dir, const uint32_t *order, uint32_t n, const ReplayOptions *opt, Replay *out,
                DbError *err);
void replay_free(Replay *replay);

/* The schema after the k-th migration (k < applied), or `before` for k == UINT32_MAX. */
const SqlSchema *replay_schema_after(const Replay *replay, uint32_t k);

/* Does the script only change rows (every statement INSERT, UPDATE, DELETE, or a transaction
 * statement)? Such a migration leaves the schema as it was. */
bool replay_script_is_data_only(const char *sql, size_t len);

#endif
