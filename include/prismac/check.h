/* The drift check: what differs between a live database and a schema, as findings a user can
 * act on (DESIGN.md: check = diff(introspect(db), lower(schema))).
 *
 * The differ (migrate.h) plans the steps that take the database to the schema; the check turns
 * that comparison into findings, one per object at the highest level (a missing table is one
 * finding, not one per column), named the way fixtures/drift/README.md names them:
 *
 *   table_missing TABLE            table_extra TABLE
 *   column_missing TABLE.COLUMN    column_extra TABLE.COLUMN
 *   column_type / column_nullability / column_default / column_autoincrement TABLE.COLUMN
 *   primary_key TABLE
 *   index_missing / index_extra / index_changed TABLE.INDEX
 *   foreign_key_missing / foreign_key_extra / foreign_key_changed TABLE.CONSTRAINT
 *   enum_missing / enum_extra / enum_values ENUM
 *   unmanaged KIND NAME            (views, triggers, CHECK constraints...: never drift)
 *
 * Names are the database's (after @@map / @map / map:); TABLE is `schema.table` only outside
 * the default schema; a name holding white space, `.` or `"` is double-quoted with inner `"`
 * doubled. Columns are compared by the differ's rules (types by catalog identity, defaults as
 * values); indexes, foreign keys and primary keys by name and definition (SQLite foreign keys,
 * which have no catalog name, and SQLite's own `sqlite_autoindex_*` indexes by definition only).
 *
 * Each finding says what the schema expects and what the database has, in the database's own
 * terms (`INTEGER NOT NULL DEFAULT 0`), where the schema declares it, and whether repairing it
 * can lose data. */
#ifndef PRISMAC_CHECK_H
#define PRISMAC_CHECK_H

#include "prismac/migrate.h"
#include "prismac/sqlschema.h"

/* The JSON format's version (README: "The JSON of check"). */
#define CHECK_JSON_VERSION 1

typedef enum CheckKind {
    CHECK_TABLE_MISSING,
    CHECK_TABLE_EXTRA,
    CHECK_COLUMN_MISSING,
    CHECK_COLUMN_EXTRA,
    CHECK_COLUMN_TYPE,
    CHECK_COLUMN_NULLABILITY,
    CHECK_COLUMN_DEFAULT,
    CHECK_COLUMN_AUTOINCREMENT,
    CHECK_PRIMARY_KEY,
    CHECK_INDEX_MISSING,
    CHECK_INDEX_EXTRA,
    CHECK_INDEX_CHANGED,
    CHECK_FOREIGN_KEY_MISSING,
    CHECK_FOREIGN_KEY_EXTRA,
    CHECK_FOREIGN_KEY_CHANGED,
    CHECK_ENUM_MISSING,
    CHECK_ENUM_EXTRA,
    CHECK_ENUM_VALUES,
    CHECK_UNMANAGED,
} CheckKind;

typedef struct CheckFinding {
    CheckKind kind;
    const char *object;         /* "Event.capacity", "auth.users", "\"order items\".\"idx qty\"" */
    const char *unmanaged_kind; /* CHECK_UNMANAGED: view, materialized_view, trigger, check,
                                 * partial_index, expression_index, virtual_table, other */
    const char *group;          /* the table (or enum) it is reported under, display form */
    const char *expected;       /* what the schema wants, in SQL terms; NULL: nothing */
    const char *actual;         /* what the database has; NULL: nothing */
    const char *note;           /* a hint (a rename candidate, why it can lose data), or NULL */
    bool destructive;           /* repairing it can lose data (left out of a repair by default) */
    SqlOrigin origin;           /* where the schema declares it (or its table); file SQL_NONE: nowhere */
    /* the objects involved: positions in the database / schema model, SQL_NONE where absent */
    uint32_t db_table, schema_table;
    uint32_t db_id, schema_id;  /* column, index, foreign key or enum, per kind */
} CheckFinding;

/* A rename the findings suggest: an extra object and a missing one that match but for the name. */
typedef enum CheckRenameKind { RENAME_TABLE, RENAME_COLUMN, RENAME_ENUM } CheckRenameKind;

typedef struct CheckRename {
    CheckRenameKind kind;
    uint32_t db_table, schema_table;    /* RENAME_TABLE, RENAME_COLUMN */
    uint32_t db_id, schema_id;          /* RENAME_COLUMN: columns; RENAME_ENUM: enums */
    const char *from, *to;              /* display names ("Customer", "TimeEntry.customerId") */
} CheckRename;

typedef struct CheckResult {
    Arena arena;
    const SqlSchema *db, *schema;
    const Dialect *dialect;
    Migration *migration;           /* diff(db, schema): what a repair builds on */
    CheckFinding *findings;         /* grouped by table (schema order, then the database's), */
    uint32_t nfindings, capfindings;/* unmanaged objects last */
    uint32_t ndrift;                /* findings that are drift (all but unmanaged) */
    uint32_t ndestructive;
    CheckRename *renames;
    uint32_t nrenames, caprenames;
    /* pairs by (schema, name), as the differ pairs them; SQL_NONE: none (missing, extra, ignored) */
    uint32_t *db_of_schema_table;   /* per schema table */
    uint32_t *schema_of_db_table;   /* per database table */
    uint32_t *db_of_schema_enum;    /* per schema enum */
    uint32_t tables_total;          /* tables on either side */
    uint32_t tables_in_sync;        /* tables on both sides without a finding */
    uint32_t tables_drifted;        /* tables with at least one finding (missing and extra too) */
} CheckResult;

/* Compares a database (`db`, introspected) with a schema (`schema`, lowered), both of the
 * dialect's flavour. Both must outlive the result. */
CheckResult *check_compare(const SqlSchema *db, const SqlSchema *schema, const Dialect *dialect);
void check_free(CheckResult *result);

/* The vocabulary word of a kind: "table_missing", ... "unmanaged". */
const char *check_kind_name(CheckKind kind);
/* A short human phrase: "missing table", "column type differs", ... */
const char *check_kind_phrase(CheckKind kind);

/* A name written as the findings write it (quoted when it holds white space, `.` or `"`). */
void check_write_name(SqlBuf *out, Str name);
/* TABLE as the findings write it: `schema.table` outside the default schema. */
void check_write_table(SqlBuf *out, const SqlSchema *schema, const SqlTable *table);

/* A column's definition in SQL terms: `INTEGER NOT NULL DEFAULT 0`. */
void check_write_column(SqlBuf *out, const SqlSchema *schema, const SqlColumn *column);

#endif
