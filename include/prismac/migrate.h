/* The differ and the script renderer: two SqlSchemas in, the steps that take the first to the
 * second out, and those steps as SQL text (DESIGN.md: diff, render).
 *
 * Every command composes these: `sql` is migrate_diff(empty, lower(schema)) rendered; the drift
 * check diffs an introspected database against the lowered schema. Steps follow Prisma's
 * migration connector (sql_migration.rs): the same kinds, sorted the same way (first by kind in
 * the order of the enum below, then by the objects they touch), rendered by the dialect's step
 * functions and framed as Prisma frames them (`-- CreateTable` before each step, `;` after each
 * statement, one blank line between steps, "-- This is an empty migration." for none).
 *
 * Steps refer to objects by position: tables by index into prev/next SqlSchema.tables, columns,
 * indexes and foreign keys by position within their table, enums, namespaces and extensions by
 * index into their arrays. `prev_*` fields index the previous schema, `next_*` the next one;
 * SQL_NONE where a side does not apply. */
#ifndef PRISMAC_MIGRATE_H
#define PRISMAC_MIGRATE_H

#include "prismac/dialect.h"
#include "prismac/sqlschema.h"

/* In Prisma's order: the steps are sorted by this first. */
typedef enum MigrateStepKind {
    STEP_CREATE_SCHEMA,
    STEP_DROP_EXTENSION,
    STEP_CREATE_EXTENSION,
    STEP_ALTER_EXTENSION,
    STEP_CREATE_ENUM,
    STEP_ALTER_ENUM,
    STEP_DROP_FOREIGN_KEY,
    STEP_DROP_INDEX,
    STEP_ALTER_TABLE,
    STEP_DROP_TABLE,
    STEP_DROP_ENUM,
    STEP_CREATE_TABLE,
    STEP_REDEFINE_TABLES,   /* SQLite: rebuild tables (new_T, copy, drop, rename) */
    STEP_CREATE_INDEX,
    STEP_RENAME_FOREIGN_KEY,
    STEP_ADD_FOREIGN_KEY,
    STEP_RENAME_INDEX,
    STEP_REDEFINE_INDEX,    /* drop and recreate an index to rename it (SQLite) */
} MigrateStepKind;

/* What changed about a column present on both sides (bit flags). */
enum {
    COLCHANGE_ARITY = 1,            /* nullability or list-ness */
    COLCHANGE_DEFAULT = 2,
    COLCHANGE_TYPE = 4,
    COLCHANGE_AUTOINCREMENT = 8,
};

typedef enum TypeChange {
    TYPECHANGE_NONE,
    TYPECHANGE_SAFE,            /* the cast cannot fail or lose data */
    TYPECHANGE_RISKY,           /* the cast may fail or lose data */
    TYPECHANGE_NOT_CASTABLE,    /* the column must be dropped and recreated */
} TypeChange;

typedef enum TableChangeKind {
    TABLECHANGE_DROP_PRIMARY_KEY,
    TABLECHANGE_RENAME_PRIMARY_KEY,
    TABLECHANGE_DROP_COLUMN,
    TABLECHANGE_ADD_COLUMN,
    TABLECHANGE_ALTER_COLUMN,
    TABLECHANGE_DROP_AND_RECREATE_COLUMN,
    TABLECHANGE_ADD_PRIMARY_KEY,
} TableChangeKind;

typedef struct TableChange {
    TableChangeKind kind;
    uint32_t prev_column, next_column;  /* SQL_NONE where not applicable */
    uint8_t changes;                    /* COLCHANGE_* (ALTER_COLUMN, DROP_AND_RECREATE_COLUMN) */
    TypeChange type_change;
} TableChange;

/* A column on both sides of a redefined table. */
typedef struct ColumnPair {
    uint32_t prev, next;
    uint8_t changes;
    TypeChange type_change;
} ColumnPair;

typedef struct RedefineTable {
    uint32_t prev_table, next_table;
    ColumnPair *pairs;          uint32_t npairs;    /* in the next table's column order */
    uint32_t *added;            uint32_t nadded;    /* next columns */
    uint32_t *dropped;          uint32_t ndropped;  /* previous columns */
    bool dropped_primary_key;
} RedefineTable;

/* A column whose default uses an enum being altered (PostgreSQL drops and reinstalls it). */
typedef struct EnumDefaultUsage {
    uint32_t prev_table, prev_column;
    uint32_t next_table, next_column;   /* SQL_NONE unless the default must be reinstalled */
} EnumDefaultUsage;

enum { EXTCHANGE_VERSION = 1, EXTCHANGE_SCHEMA = 2 };

/* What the rarer step kinds carry besides their objects. */
typedef struct StepDetail {
    TableChange *changes;       uint32_t nchanges;      /* ALTER_TABLE */
    Str *added_values;          uint32_t nadded_values; /* ALTER_ENUM */
    Str *dropped_values;        uint32_t ndropped_values;
    EnumDefaultUsage *usages;   uint32_t nusages;
    RedefineTable *redefines;   uint32_t nredefines;    /* REDEFINE_TABLES */
} StepDetail;

struct MigrateStep {
    MigrateStepKind kind;
    /* Applying the step can lose data: dropping a table, column, enum or enum value, a type
     * change that is not a safe cast, making a column required (existing NULLs), adding a
     * required column without a default to a table that may have rows, a unique constraint
     * that existing rows may violate, rebuilding a table on SQLite in a way that drops columns. */
    bool destructive;
    bool from_drop_and_recreate;        /* CREATE_INDEX recreating an index after a column drop */
    uint8_t ext_changes;                /* ALTER_EXTENSION: EXTCHANGE_* */
    uint32_t prev_table, next_table;    /* the table involved, on each side */
    uint32_t prev_id, next_id;          /* the object: namespace, extension, enum, index or foreign
                                         * key (by position in its table), per kind */
    /* Why it is destructive (one or more lines), NULL when it is not. */
    const char *warning;
    /* ALTER_TABLE, ALTER_ENUM, REDEFINE_TABLES: their contents; NULL for the other kinds. */
    const StepDetail *detail;
};

struct Migration {
    Arena arena;
    const SqlSchema *prev, *next;
    const Dialect *dialect;
    MigrateStep *steps;
    uint32_t nsteps, capsteps;
};

/* The steps taking `prev` to `next` (same flavour; `dialect` matches it). Both schemas must
 * outlive the migration. */
Migration *migrate_diff(const SqlSchema *prev, const SqlSchema *next, const Dialect *dialect);
/* The same, with the array of steps (40 bytes a step, most of a migration's memory) taken from
 * `steps_arena`, which must outlive the migration, instead of a chunk of the migration's own: a
 * caller that owns an arena with room (prismac sql: the schema just lowered, whose last huge
 * page is partly used) spares a fresh one. NULL: the migration's arena. */
Migration *migrate_diff_in(const SqlSchema *prev, const SqlSchema *next, const Dialect *dialect, Arena *steps_arena);
void migrate_free(Migration *migration);

/* Prisma's name for a step kind: "CreateTable", "AddForeignKey", ... */
const char *migrate_step_name(MigrateStepKind kind);
bool migrate_is_destructive(const Migration *migration);

typedef struct RenderOptions {
    bool warnings;      /* a leading comment listing the destructive steps' warnings, as
                         * `prisma migrate dev` writes it (migrate diff --script does not) */
} RenderOptions;

/* The script, exactly as `prisma migrate diff --script` prints it (plus the documented
 * deviations in README.md), appended to `out`. Ends with a newline. */
void migrate_render_script(const Migration *migration, const RenderOptions *options, SqlBuf *out);

/* Takes the script piece by piece, in order; false stops it (a write failed). */
typedef bool (*ScriptSink)(void *ctx, const char *bytes, size_t len);
/* The same script handed to `sink` in pieces of some kilobytes, for a caller that writes it out
 * as it comes: each piece is rendered in a small buffer the next one reuses, so a script of
 * megabytes takes no memory of its size (fresh memory costs a page fault per page). A script of
 * thousands of steps is rendered on two threads at once, which hand their pieces over in turn.
 * False when the sink stopped it. */
bool migrate_render_script_to(const Migration *migration, const RenderOptions *options, ScriptSink sink, void *ctx);

#endif
