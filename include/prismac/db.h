/* The resolved schema ("Db"): what the syntax tree means, with every name resolved to an id.
 *
 * db_resolve() runs Prisma's parser-database passes in order (names, types, attributes,
 * relations); db_validate() then applies the rules `prisma validate` enforces for the
 * datasource's provider. Later stages (SQL lowering, compare, format's relation completion)
 * read only this structure: flat arrays addressed by uint32_t ids, as in Prisma's engines.
 * Everything lives in the arena of the syntax tree, which the Db points into.
 *
 * Id conventions: DB_NONE is "no such object". A model's fields are contiguous in
 * Db.fields (first_field .. first_field + nfields, in source order); likewise an enum's
 * values, an index's fields and a relation's foreign-key pairs. */
#ifndef PRISMAC_DB_H
#define PRISMAC_DB_H

#include "prismac/ast.h"

#define DB_NONE UINT32_MAX

typedef enum DbProvider {
    PROVIDER_NONE,          /* no datasource */
    PROVIDER_POSTGRESQL,    /* "postgresql" or "postgres" */
    PROVIDER_SQLITE,
    PROVIDER_UNSUPPORTED,   /* a provider Prisma knows but prismac does not handle (mysql, ...) */
} DbProvider;

typedef enum ScalarType {
    SCALAR_STRING,
    SCALAR_BOOLEAN,
    SCALAR_INT,
    SCALAR_BIGINT,
    SCALAR_FLOAT,
    SCALAR_DECIMAL,
    SCALAR_DATETIME,
    SCALAR_JSON,
    SCALAR_BYTES,
} ScalarType;

typedef enum DbFieldKind {
    DBF_SCALAR,         /* one of the scalar types */
    DBF_ENUM,           /* type_id: the enum */
    DBF_RELATION,       /* type_id: the related model; relation: the relation */
    DBF_COMPOSITE,      /* type_id: the composite type (MongoDB only; rejected here) */
    DBF_UNSUPPORTED,    /* Unsupported("..."): unsupported holds the database type */
} DbFieldKind;

typedef enum DbDefaultKind {
    DBDEF_NONE,
    DBDEF_VALUE,            /* a literal (string, number, boolean, enum value) or a list of them: expr */
    DBDEF_AUTOINCREMENT,    /* autoincrement() */
    DBDEF_NOW,              /* now() */
    DBDEF_UUID,             /* uuid(), uuid(4), uuid(7): version */
    DBDEF_CUID,             /* cuid(), cuid(2): version */
    DBDEF_NANOID,           /* nanoid(), nanoid(n): version holds n (0 = default) */
    DBDEF_ULID,             /* ulid() */
    DBDEF_DBGENERATED,      /* dbgenerated("expr") or dbgenerated(): text */
} DbDefaultKind;

typedef struct DbDefault {
    DbDefaultKind kind;
    uint8_t version;
    const Expr *expr;       /* DBDEF_VALUE: the value as written (string, number, constant or array) */
    Str text;               /* DBDEF_DBGENERATED: the SQL expression (empty when omitted) */
    Str map;                /* @default(..., map: "name") */
    const Attribute *attr;
} DbDefault;

/* A native type attribute: @db.VarChar(255) is name "VarChar", args {255}. */
typedef struct DbNativeType {
    Str name;               /* empty when the field has none */
    int64_t args[2];
    uint8_t nargs;
    const Attribute *attr;
} DbNativeType;

typedef struct DbField {
    Str name;
    Str db_name;            /* @map, else the name */
    uint32_t model;
    const Field *ast;
    DbFieldKind kind;
    ScalarType scalar;      /* DBF_SCALAR */
    uint32_t type_id;       /* DBF_ENUM / DBF_RELATION / DBF_COMPOSITE */
    Str unsupported;        /* DBF_UNSUPPORTED */
    FieldArity arity;
    DbDefault def;
    DbNativeType native;
    uint32_t relation;      /* DBF_RELATION: the relation it belongs to, or DB_NONE */
    bool updated_at;        /* @updatedAt */
    bool ignored;           /* @ignore */
} DbField;

typedef enum DbIndexKind {
    DBIDX_PRIMARY,          /* @id / @@id */
    DBIDX_UNIQUE,           /* @unique / @@unique */
    DBIDX_NORMAL,           /* @@index */
    DBIDX_FULLTEXT,         /* @@fulltext (MySQL, MongoDB) */
} DbIndexKind;

typedef enum SortOrder { SORT_DEFAULT = 0, SORT_ASC, SORT_DESC } SortOrder;

typedef struct DbIndexField {
    uint32_t field;         /* a field of the index's model */
    SortOrder sort;
    int32_t length;         /* length: n (MySQL); -1 when not given */
    Str ops;                /* operator class (ops: InetOps or raw("...")); empty when not given */
    bool ops_raw;           /* ops given as raw("...") */
    const Expr *expr;       /* the element in the attribute's field list */
} DbIndexField;

typedef struct DbIndex {
    DbIndexKind kind;
    uint32_t model;
    uint32_t first_field, nfields;  /* into Db.index_fields */
    Str name;               /* client name: @@id(name:), @@unique(name:); empty when not given */
    Str map;                /* database name: map:; empty means Prisma's default naming */
    Str algorithm;          /* type: BTree, Hash, Gist, Gin, SpGist, Brin; empty when not given */
    bool field_level;       /* @id / @unique on a field (not @@) */
    const Attribute *attr;
} DbIndex;

typedef enum DbRelationKind {
    DBREL_ONE_TO_ONE,
    DBREL_ONE_TO_MANY,
    DBREL_MANY_TO_MANY,     /* implicit: a join table _AToB */
} DbRelationKind;

typedef enum DbRefAction {
    DBACT_UNSET = 0,        /* not written: the provider's default applies */
    DBACT_CASCADE,
    DBACT_RESTRICT,
    DBACT_NO_ACTION,
    DBACT_SET_NULL,
    DBACT_SET_DEFAULT,
} DbRefAction;

/* One column pair of a foreign key: a scalar field of the referencing model and the field of
 * the referenced model it points to. */
typedef struct DbFkPair {
    uint32_t field;
    uint32_t references;
} DbFkPair;

/* A relation between two models, as Prisma's parser-database pairs relation fields.
 * 1:1 and 1:n: model_a holds the foreign key (the referencing side, whose relation field has
 * `fields:`), model_b is referenced. m:n: A and B in Prisma's order (by model name; for a self
 * relation by field name) — A's id is column "A" of the join table. */
typedef struct DbRelation {
    DbRelationKind kind;
    Str name;               /* @relation("name") or name:; empty when unnamed */
    uint32_t model_a, model_b;
    uint32_t field_a, field_b;  /* relation fields; DB_NONE when that side is missing */
    uint32_t first_fk, nfk;     /* into Db.fk_pairs (1:1, 1:n) */
    DbRefAction on_delete, on_update;   /* as written */
    Str map;                /* foreign key name (map:); empty means Prisma's default naming */
    const Attribute *attr;  /* the @relation with fields/references, or NULL */
} DbRelation;

typedef struct DbModel {
    Str name;
    Str db_name;            /* @@map, else the name */
    Str schema;             /* @@schema; empty when not given */
    const Block *ast;
    uint32_t first_field, nfields;
    uint32_t pk;            /* the DBIDX_PRIMARY index, or DB_NONE */
    uint32_t first_index, nindexes;     /* unique, normal and fulltext indexes, in source order */
    bool ignored;           /* @@ignore */
    bool is_view;
} DbModel;

typedef struct DbEnumValue {
    Str name;
    Str db_name;            /* @map, else the name */
    const EnumValue *ast;
} DbEnumValue;

typedef struct DbEnum {
    Str name;
    Str db_name;            /* @@map, else the name */
    Str schema;             /* @@schema */
    const Block *ast;
    uint32_t first_value, nvalues;
} DbEnum;

typedef struct DbDatasource {
    const Block *ast;
    Str name;
    DbProvider provider;
    Str provider_name;          /* as written */
    const Property *url;        /* Prisma 6: url = "..." or env("..."); NULL if absent */
    const Property *direct_url, *shadow_url;
    bool relation_mode_prisma;  /* relationMode = "prisma" */
    Str *schemas;               /* schemas = [...] */
    uint32_t nschemas;
    Str *extensions;            /* extensions = [...] (names as written) */
    uint32_t nextensions;
} DbDatasource;

typedef struct DbGenerator {
    const Block *ast;
    Str name;
    Str provider;
    Str *preview_features;
    uint32_t npreview_features;
} DbGenerator;

typedef struct DbNameTable DbNameTable;     /* defined in resolve.c */

typedef struct Db {
    Ast *ast;
    Arena *arena;
    DbProvider provider;
    const DbDatasource *datasource;     /* the datasource, or NULL */
    DbGenerator *generators;    uint32_t ngenerators;
    DbModel *models;            uint32_t nmodels;       /* models and views, in source order */
    DbField *fields;            uint32_t nfields;
    DbEnum *enums;              uint32_t nenums;
    DbEnumValue *enum_values;   uint32_t nenum_values;
    DbIndex *indexes;           uint32_t nindexes;      /* every @id, @@id, @unique, @@unique, @@index */
    DbIndexField *index_fields; uint32_t nindex_fields;
    DbRelation *relations;      uint32_t nrelations;    /* in Prisma's creation order */
    DbFkPair *fk_pairs;         uint32_t nfk_pairs;
    bool resolve_errors;        /* resolution reported errors (format's relation completion needs none) */
    DbNameTable *names;
} Db;

/* Resolves names, types, attributes and relations. Errors go to `diags` in Prisma's order;
 * the Db holds whatever could be resolved. Never NULL. */
Db *db_resolve(Ast *ast, Diags *diags);
/* The rules `prisma validate` applies after resolution, for the datasource's provider.
 * `provider` overrides the datasource's (PROVIDER_NONE: use the datasource's); variants and
 * `sql --provider` validate a schema for the other provider. */
void db_validate(Db *db, DbProvider provider, Diags *diags);

uint32_t db_find_model(const Db *db, Str name);    /* DB_NONE if absent */
uint32_t db_find_enum(const Db *db, Str name);
uint32_t db_find_field(const Db *db, uint32_t model, Str name);

/* The referential actions that apply when none is written, as Prisma decides them
 * (onDelete: SetNull for optional relations, Restrict for required ones; onUpdate: Cascade;
 * NoAction in their place under relationMode = "prisma" where Prisma says so). */
DbRefAction db_relation_on_delete(const Db *db, const DbRelation *rel);
DbRefAction db_relation_on_update(const Db *db, const DbRelation *rel);
/* The join table of an implicit m:n relation: "_" + the relation name, or "_AToB". */
Str db_relation_table_name(const Db *db, const DbRelation *rel);

const char *db_scalar_name(ScalarType t);
const char *db_provider_name(DbProvider p);

#endif
