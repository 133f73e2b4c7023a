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

/* Normalised type spellings (lower.c produces them; introspection must produce the same for the
 * same database, so that the differ sees no drift where there is none):
 *
 * PostgreSQL — `name` is the type as Prisma's DDL prints it, upper case, no spaces inside the
 * parentheses, without [] (a list sets `list`):
 *   TEXT  VARCHAR  VARCHAR(n)  CHAR  CHAR(n)  CITEXT
 *   SMALLINT  INTEGER  BIGINT  OID  REAL  DOUBLE PRECISION  DECIMAL  DECIMAL(p,s)  MONEY
 *   BOOLEAN  DATE  TIME  TIME(p)  TIMETZ  TIMETZ(p)  TIMESTAMP  TIMESTAMP(p)  TIMESTAMPTZ  TIMESTAMPTZ(p)
 *   JSON  JSONB  BYTEA  UUID  XML  INET  BIT  BIT(n)  VARBIT  VARBIT(n)
 *   (character varying(140) -> VARCHAR(140), numeric(65,30) -> DECIMAL(65,30), int4 -> INTEGER,
 *   float8 -> DOUBLE PRECISION, timestamp(3) without time zone -> TIMESTAMP(3), bpchar(2) -> CHAR(2),
 *   jsonb -> JSONB, ...). A serial column is its integer type (INTEGER, SMALLINT, BIGINT) with
 *   `autoincrement` set and an SQLDEF_SEQUENCE default: SERIAL is rendering, not a type.
 *   An enum column: family SQLT_ENUM, `name` the enum's name (unquoted, unqualified), `enum_id`
 *   the SqlEnum. Any other type (Unsupported("...") in the schema, or a type Prisma does not
 *   know): family SQLT_UNSUPPORTED, `name` as written in the schema / as format_type() prints it.
 *   `family` follows the Prisma scalar type the column comes from (String -> SQLT_STRING even
 *   for UUID, INET, CITEXT; Int -> SQLT_INT; BigInt -> SQLT_BIGINT; Float -> SQLT_FLOAT;
 *   Decimal -> SQLT_DECIMAL; Boolean -> SQLT_BOOLEAN; DateTime -> SQLT_DATETIME;
 *   Json -> SQLT_JSON; Bytes -> SQLT_BINARY). Lowering never produces SQLT_UUID. On
 *   PostgreSQL the differ compares `name` (and `list`), not `family`.
 *
 * SQLite — `name` is the declared type exactly as Prisma writes it, which only depends on the
 *   family: TEXT, INTEGER, BIGINT, REAL, DECIMAL, BOOLEAN, DATETIME, JSONB, BLOB (an enum is TEXT
 *   with family SQLT_STRING: SQLite has no enums); Unsupported("x") is x. The differ compares
 *   `family` only, as Prisma does, so introspection maps a declared type to the family SQLite's
 *   affinity rules and Prisma's describer give it (INT/INTEGER -> SQLT_INT, BIGINT -> SQLT_BIGINT,
 *   TEXT/VARCHAR/CHAR/CLOB -> SQLT_STRING, REAL/FLOAT/DOUBLE -> SQLT_FLOAT, DECIMAL/NUMERIC ->
 *   SQLT_DECIMAL, BOOLEAN -> SQLT_BOOLEAN, DATE/DATETIME/TIMESTAMP -> SQLT_DATETIME,
 *   JSONB/JSON -> SQLT_JSON, BLOB -> SQLT_BINARY). */
/* 24 bytes: the family in a byte of its own next to enum_id and list (a large schema has tens
 * of thousands of columns). */
typedef struct SqlColumnType {
    /* The type as prismac writes it in DDL, without [] (see above). */
    Str name;
    uint32_t enum_id;       /* SQLT_ENUM: its SqlEnum, or SQL_NONE when not in this schema */
    SqlTypeFamily family : 8;
    bool list;              /* an array column (PostgreSQL) */
} SqlColumnType;

/* Normalised default spellings. `sql` is the text that follows DEFAULT in Prisma's DDL:
 *
 *   SQLDEF_VALUE   a constant, as Prisma's DDL prints it:
 *     strings and enum values  'it''s'            (single quotes doubled, nothing else escaped;
 *                                                  an enum default is its database value, @map applied)
 *     Int, BigInt              -42                 (no leading zeros, no +, -0 is 0)
 *     Float, Decimal           1.50  0.000001  100000   (the number as written, in positional
 *                                                  notation: leading zeros dropped, trailing zeros
 *                                                  kept, an exponent applied: "1e5" -> 100000)
 *     Boolean                  true  false
 *     DateTime                 '2024-06-30 12:34:56.789 +05:30'   (chrono's display: fraction only
 *                                                  when non-zero, 3, 6 or 9 digits; offset +HH:MM)
 *     Json (PostgreSQL)        '{"a": 1}'          (the JSON text as written, quoted like a string)
 *     Json (SQLite)            '{"a": 1}'          (prismac quotes it too: see README, Prisma prints it bare)
 *     Bytes (PostgreSQL)       '\x48656c6c6f'      (lower-case hex)
 *     Bytes (SQLite)           '48656c6c6f'
 *     lists (PostgreSQL)       ARRAY['a', 'b']::TEXT[]   ARRAY[]::"Color"[]   (elements as above,
 *                                                  then the column's full type; an enum type quoted,
 *                                                  with its schema when not in the default one)
 *   SQLDEF_NOW        sql = CURRENT_TIMESTAMP (now(); introspection maps now(), CURRENT_TIMESTAMP
 *                     and transaction_timestamp() here)
 *   SQLDEF_SEQUENCE   autoincrement on PostgreSQL (SERIAL, or nextval('..._seq'::regclass) read
 *                     from a database); sql is not rendered and may hold the nextval text.
 *                     SQLite lowers autoincrement to `autoincrement` with no default.
 *   SQLDEF_EXPRESSION dbgenerated("expr"): sql is expr as written; the differ compares it
 *                     ignoring ASCII case. An empty sql is dbgenerated() without an argument: the
 *                     database has a default prismac does not manage — nothing is rendered and
 *                     the differ accepts whatever the other side has.
 *   Introspection strips PostgreSQL's casts from constants ('x'::text -> 'x', '{}'::jsonb -> '{}',
 *   ARRAY['a'::text] -> ARRAY['a']::TEXT[]) and spells numbers and booleans as above. */
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
} SqlDefault;

/* Members ordered so that no padding is wasted: a large schema has tens of thousands of columns
 * (80 bytes each). */
typedef struct SqlColumn {
    Str name;
    SqlColumnType type;
    SqlDefault def;
    SqlOrigin origin;
    bool nullable;          /* a list (array) column is nullable: Prisma never writes NOT NULL on it */
    /* PostgreSQL: SERIAL/SMALLSERIAL/BIGSERIAL (with an SQLDEF_SEQUENCE default).
     * SQLite: what Prisma's schema calculator says: @default(autoincrement()), or an Int @id of
     * its own (the implicit rowid alias); the renderer writes AUTOINCREMENT on a single-column
     * INTEGER primary key whatever this says, and the differ ignores it on SQLite, as Prisma does. */
    bool autoincrement;
} SqlColumn;

typedef enum SqlIndexKind { SQLIDX_PRIMARY, SQLIDX_UNIQUE, SQLIDX_NORMAL } SqlIndexKind;

/* 24 bytes: sort and length share a word (a large schema has tens of thousands of these). */
typedef struct SqlIndexColumn {
    uint32_t column;        /* position in the table's columns */
    SortOrder sort : 8;     /* SORT_DEFAULT when not given */
    int32_t length : 24;    /* prefix length (MySQL); -1 when none */
    /* Operator class (PostgreSQL) as SQL spells it, lower case: "inet_ops", "jsonb_path_ops",
     * "int8_bloom_ops", or a raw("...") class as written; empty for the default. */
    Str opclass;
} SqlIndexColumn;

typedef struct SqlIndex {
    Str name;               /* constraint / index name; the primary key's is empty on SQLite */
    SqlIndexColumn *columns;
    SqlIndexKind kind;
    uint32_t ncolumns;
    Str algorithm;          /* "Hash", "Gin", "Gist", "SpGist", "Brin"; empty for the default B-tree */
    /* Partial index: the condition after WHERE, without the keyword. From a schema, as Prisma
     * writes it (`"deletedAt" IS NULL AND "active" = true`, or a raw("...") text as given);
     * from a database, as the database gives it back (PostgreSQL's pg_get_expr, SQLite's text
     * from its CREATE INDEX). Empty for an index on every row. */
    Str predicate;
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

/* 80 bytes: namespace next to origin, where it fills what would be padding. */
typedef struct SqlTable {
    Str name;
    SqlColumn *columns;         uint32_t ncolumns, capcolumns;
    SqlIndex *indexes;          uint32_t nindexes, capindexes;  /* the primary key included */
    SqlForeignKey *fks;         uint32_t nfks, capfks;
    SqlOrigin origin;
    uint32_t namespace;     /* SqlSchema.namespaces index, or SQL_NONE (SQLite; the default schema) */
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
    SqlOrigin origin;       /* lowering: the datasource's `schemas` entry (or the datasource); else none */
} SqlNamespace;

/* A PostgreSQL extension (datasource `extensions = [...]`). */
typedef struct SqlExtension {
    Str name;               /* as created: map: if given, else the name */
    Str schema;             /* schema: ...; empty when not given (the differ then accepts any) */
    Str version;            /* version: ...; empty when not given (likewise) */
    SqlOrigin origin;
} SqlExtension;

/* What Prisma cannot express; reported apart from drift. An introspected partial index is
 * both an index (with its predicate: compared when the schema enables the preview feature
 * partialIndexes) and an UNMANAGED_PARTIAL_INDEX with its definition (listed apart, and kept by
 * a SQLite table rebuild, when the schema does not: see partial_indexes_gated). */
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
    /* The schema unqualified names resolve to (PostgreSQL: "public"; empty on SQLite). Objects in
     * it, or with namespace SQL_NONE, are rendered without a schema prefix, and the differ
     * treats SQL_NONE and this namespace as the same. sql_schema_new() sets it per flavour. */
    Str default_namespace;
    /* Lowered from a schema that does not enable the preview feature partialIndexes. Prisma
     * then leaves a database's partial indexes alone: their conditions are not compared (one
     * still pairs with the schema's index on the same columns) and one the schema lacks is
     * neither dropped nor, the other way round, created (measured with its engine). The differ
     * does the same when either side of a diff says so; `prismac check` lists such indexes as
     * unmanaged. */
    bool partial_indexes_gated;
    /* No table, column, index or foreign key name holds a double quote: the renderer then copies
     * them between quotes without looking for one to double. Only lowering sets it (it knows the
     * names it makes, and looks into those @map, @@map and map: give); sql_add_table, _column,
     * _index and _foreign_key clear it for a name with a quote. Whatever changes such a name in
     * place must clear it too. */
    bool plain_names;
    SqlNamespace *namespaces;   uint32_t nnamespaces, capnamespaces;
    SqlTable *tables;           uint32_t ntables, captables;
    SqlEnum *enums;             uint32_t nenums, capenums;
    SqlUnmanaged *unmanaged;    uint32_t nunmanaged, capunmanaged;
    SqlExtension *extensions;   uint32_t nextensions, capextensions;   /* PostgreSQL */
} SqlSchema;

SqlSchema *sql_schema_new(SqlFlavour flavour);
void sql_schema_free(SqlSchema *schema);

/* Does the name hold a double quote? Eight bytes at a time (a byte of x ^ '"'... is zero
 * where x holds one), the last few with an overlapping load. */
static inline bool sql_name_has_quote(Str name)
{
    const char *p = name.ptr;
    uint32_t n = name.len;
    if (n < 8) {
        for (uint32_t i = 0; i < n; i++)
            if (p[i] == '"')
                return true;
        return false;
    }
    const uint64_t pat = 0x2222222222222222ull, ones = 0x0101010101010101ull;
    uint64_t marks = 0, x;
    for (uint32_t i = 0; i + 8 <= n; i += 8) {
        memcpy(&x, p + i, 8);
        x ^= pat;
        marks |= (x - ones) & ~x;
    }
    memcpy(&x, p + n - 8, 8);
    x ^= pat;
    marks |= (x - ones) & ~x;
    return (marks & 0x8080808080808080ull) != 0;
}

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
uint32_t sql_add_extension(SqlSchema *schema, const SqlExtension *extension);

/* Capacity hints (builders that know their sizes avoid regrowing arrays). */
void sql_schema_reserve(SqlSchema *schema, uint32_t ntables, uint32_t nenums);
void sql_table_reserve(SqlSchema *schema, uint32_t table, uint32_t ncolumns, uint32_t nindexes, uint32_t nfks);

/* Lookups by name (exact; pass namespace SQL_NONE to ignore namespaces). */
uint32_t sql_find_namespace(const SqlSchema *schema, Str name);
uint32_t sql_find_table(const SqlSchema *schema, uint32_t namespace, Str name);
uint32_t sql_find_column(const SqlTable *table, Str name);
uint32_t sql_find_enum(const SqlSchema *schema, uint32_t namespace, Str name);
/* The table's primary key, or NULL. */
const SqlIndex *sql_table_primary_key(const SqlTable *table);
/* The name of a table's / enum's namespace, with SQL_NONE meaning the default namespace. */
Str sql_namespace_name(const SqlSchema *schema, uint32_t namespace);
/* Is this namespace the default one (rendered without a prefix)? Inline: the renderer asks for
 * every table name it writes. sql_add_namespace gives the default namespace the very bytes of
 * default_namespace, so that the names are nearly always compared by address. */
static inline bool sql_namespace_is_default(const SqlSchema *schema, uint32_t namespace)
{
    if (namespace >= schema->nnamespaces)   /* SQL_NONE too */
        return true;
    Str n = schema->namespaces[namespace].name, d = schema->default_namespace;
    return n.len == d.len && (n.ptr == d.ptr || n.len == 0 || memcmp(n.ptr, d.ptr, n.len) == 0);
}

const char *sql_action_name(SqlAction action);      /* "CASCADE", "SET NULL", ... */
const char *sql_unmanaged_kind_name(SqlUnmanagedKind kind);

/* A stable, readable text dump of the whole schema (tests and debugging). */
void sql_schema_dump(const SqlSchema *schema, FILE *out);

#endif
