/* The SQL schema model: the one structure in the middle of prismac (DESIGN.md, "SqlSchema").
 *
 * A schema file is lowered into it (lower.c), a live database is introspected into it
 * (introspect_*.c), a migrations folder is replayed into it; the differ compares two of them
 * and the renderers turn the difference into SQL. Both sides must therefore describe the same
 * database the same way: names as stored, types and defaults in the normalised spelling
 * documented below (which is how Prisma's DDL prints them), so that equal things compare equal.
 *
 * Layout: per-table arrays of columns, indexes (the primary key included) and foreign keys;
 * everything referenced by index (a column by its position in its table, a table by its
 * position in the schema), never by pointer. One arena per schema, freed with one call. */
#ifndef PRISMAC_SQLSCHEMA_H
#define PRISMAC_SQLSCHEMA_H

#include "prismac/arena.h"
#include "prismac/db.h"
#include "prismac/source.h"

#define SQL_NONE UINT32_MAX

typedef enum SqlFlavour { SQL_POSTGRES, SQL_SQLITE } SqlFlavour;

/* Where an object comes from in the schema file; file == SQL_NONE when it has no origin
 * (introspected objects). */
typedef Span SqlOrigin;
#define SQL_NO_ORIGIN ((SqlOrigin){SQL_NONE, 0, 0})

typedef enum SqlTypeFamily {
    SQLT_INT,
    SQLT_BIGINT,
    SQLT_FLOAT,
    SQLT_DECIMAL,
    SQLT_BOOLEAN,
    SQLT_STRING,
    SQLT_DATETIME,
    SQLT_JSON,
    SQLT_BINARY,
    SQLT_UUID,
    SQLT_ENUM,
    SQLT_UNSUPPORTED,
} SqlTypeFamily;

typedef struct SqlColumnType {
    SqlTypeFamily family;
    /* The type as prismac writes it in DDL, without []: "TEXT", "INTEGER", "VARCHAR(140)",
     * "DECIMAL(65,30)", "TIMESTAMP(3)", "DOUBLE PRECISION", "JSONB"; for an enum its type
     * name ("UserRole"); for Unsupported("...") the text as written. Introspection spells
     * what it reads the same way (character varying(140) -> VARCHAR(140)). */
    Str name;
    uint32_t enum_id;       /* SQLT_ENUM: its SqlEnum, or SQL_NONE when not in this schema */
    bool list;              /* an array column (PostgreSQL) */
} SqlColumnType;

typedef enum SqlDefaultKind {
    SQLDEF_NONE,
    SQLDEF_VALUE,       /* a constant: sql holds it as Prisma's DDL prints it ('pending', 0, true, '{}') */
    SQLDEF_NOW,         /* CURRENT_TIMESTAMP */
    SQLDEF_SEQUENCE,    /* autoincrement: SERIAL / nextval(...) / SQLite AUTOINCREMENT */
    SQLDEF_EXPRESSION,  /* dbgenerated("..."), or an expression read from the database: sql as written */
} SqlDefaultKind;

typedef struct SqlDefault {
    SqlDefaultKind kind;
    Str sql;
    Str constraint;     /* a named default constraint (SQL Server; kept for completeness) */
} SqlDefault;

typedef struct SqlColumn {
    Str name;
    SqlColumnType type;
    bool nullable;
    bool autoincrement;     /* SERIAL on PostgreSQL, INTEGER PRIMARY KEY AUTOINCREMENT on SQLite */
    SqlDefault def;
    SqlOrigin origin;
} SqlColumn;

typedef enum SqlIndexKind { SQLIDX_PRIMARY, SQLIDX_UNIQUE, SQLIDX_NORMAL } SqlIndexKind;

typedef struct SqlIndexColumn {
    uint32_t column;        /* position in the table's columns */
    SortOrder sort;         /* SORT_DEFAULT when not given */
    int32_t length;         /* prefix length (MySQL); -1 when none */
    Str opclass;            /* operator class (PostgreSQL); empty for the default */
} SqlIndexColumn;

typedef struct SqlIndex {
    SqlIndexKind kind;
    Str name;               /* constraint / index name; the primary key's is empty on SQLite */
    SqlIndexColumn *columns;
    uint32_t ncolumns;
    Str algorithm;          /* "Hash", "Gin", "Gist", "SpGist", "Brin"; empty for the default B-tree */
    SqlOrigin origin;
} SqlIndex;

typedef enum SqlAction {
    SQLACT_NO_ACTION,
    SQLACT_RESTRICT,
    SQLACT_CASCADE,
    SQLACT_SET_NULL,
    SQLACT_SET_DEFAULT,
} SqlAction;

typedef struct SqlForeignKey {
    Str name;               /* constraint name; may be empty on SQLite */
    uint32_t *columns;      /* positions in the table's columns */
    uint32_t referenced_table;
    uint32_t *referenced_columns;   /* positions in the referenced table's columns */
    uint32_t ncolumns;
    SqlAction on_delete, on_update;
    SqlOrigin origin;
} SqlForeignKey;

typedef struct SqlTable {
    Str name;
    uint32_t namespace;     /* SqlSchema.namespaces index, or SQL_NONE (SQLite; the default schema) */
    SqlColumn *columns;         uint32_t ncolumns, capcolumns;
    SqlIndex *indexes;          uint32_t nindexes, capindexes;  /* the primary key included */
    SqlForeignKey *fks;         uint32_t nfks, capfks;
    SqlOrigin origin;
} SqlTable;

typedef struct SqlEnum {
    Str name;
    uint32_t namespace;
    Str *values;            /* in declaration order */
    SqlOrigin *value_origins;
    uint32_t nvalues, capvalues;
    SqlOrigin origin;
} SqlEnum;

typedef struct SqlNamespace {
    Str name;
} SqlNamespace;

/* What Prisma cannot express; reported apart from drift. */
typedef enum SqlUnmanagedKind {
    UNMANAGED_VIEW,
    UNMANAGED_MATERIALIZED_VIEW,
    UNMANAGED_TRIGGER,
    UNMANAGED_CHECK,
    UNMANAGED_PARTIAL_INDEX,
    UNMANAGED_EXPRESSION_INDEX,
    UNMANAGED_OTHER,
} SqlUnmanagedKind;

typedef struct SqlUnmanaged {
    SqlUnmanagedKind kind;
    Str name;
    uint32_t table;         /* the table it belongs to, or SQL_NONE */
    Str definition;         /* its SQL, as the database reports it */
} SqlUnmanaged;

typedef struct SqlSchema {
    Arena arena;
    SqlFlavour flavour;
    SqlNamespace *namespaces;   uint32_t nnamespaces, capnamespaces;
    SqlTable *tables;           uint32_t ntables, captables;
    SqlEnum *enums;             uint32_t nenums, capenums;
    SqlUnmanaged *unmanaged;    uint32_t nunmanaged, capunmanaged;
} SqlSchema;

SqlSchema *sql_schema_new(SqlFlavour flavour);
void sql_schema_free(SqlSchema *schema);

/* Copies bytes into the schema's arena (SqlSchemas outlive the sources they come from). */
Str sql_str(SqlSchema *schema, const char *text, size_t len);
Str sql_strs(SqlSchema *schema, Str s);

uint32_t sql_add_namespace(SqlSchema *schema, Str name);
uint32_t sql_add_table(SqlSchema *schema, uint32_t namespace, Str name, SqlOrigin origin);
/* Adds a column (copied); returns its position in the table. */
uint32_t sql_add_column(SqlSchema *schema, uint32_t table, const SqlColumn *column);
/* Adds an index (copied, its columns too); returns its position in the table's indexes. */
uint32_t sql_add_index(SqlSchema *schema, uint32_t table, const SqlIndex *index);
uint32_t sql_add_foreign_key(SqlSchema *schema, uint32_t table, const SqlForeignKey *fk);
uint32_t sql_add_enum(SqlSchema *schema, uint32_t namespace, Str name, SqlOrigin origin);
void sql_add_enum_value(SqlSchema *schema, uint32_t enum_id, Str value, SqlOrigin origin);
void sql_add_unmanaged(SqlSchema *schema, const SqlUnmanaged *object);

/* Lookups by name (exact; pass namespace SQL_NONE to ignore namespaces). */
uint32_t sql_find_namespace(const SqlSchema *schema, Str name);
uint32_t sql_find_table(const SqlSchema *schema, uint32_t namespace, Str name);
uint32_t sql_find_column(const SqlTable *table, Str name);
uint32_t sql_find_enum(const SqlSchema *schema, uint32_t namespace, Str name);
/* The table's primary key, or NULL. */
const SqlIndex *sql_table_primary_key(const SqlTable *table);

const char *sql_action_name(SqlAction action);      /* "CASCADE", "SET NULL", ... */
const char *sql_unmanaged_kind_name(SqlUnmanagedKind kind);

/* A stable, readable text dump of the whole schema (tests and debugging). */
void sql_schema_dump(const SqlSchema *schema, FILE *out);

#endif
