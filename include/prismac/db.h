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
    DBF_ERROR,          /* the type could not be resolved (an error was reported; Db.resolve_errors) */
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
    DBDEF_AUTO,             /* auto() (MongoDB only: always an error here) */
    DBDEF_UNKNOWN_FUNCTION, /* a function Prisma does not know (always an error): expr */
} DbDefaultKind;

/* version: uuid() is 4 (uuid(7): 7), cuid() is 1 (cuid(2): 2), nanoid() is 0 (nanoid(n): n). */
typedef struct DbDefault {
    DbDefaultKind kind;
    uint8_t version;
    const Expr *expr;       /* DBDEF_VALUE: the value as written (string, number, constant or array) */
    Str text;               /* DBDEF_DBGENERATED: the SQL expression (empty when omitted) */
    Str map;                /* @default(..., map: "name") */
    const Attribute *attr;  /* the @default attribute, or NULL */
} DbDefault;

/* A native type attribute: @db.VarChar(255) is name "VarChar", args {255}. */
typedef struct DbNativeType {
    Str name;               /* empty when the field has none */
    int64_t args[2];        /* numeric arguments (valid schemas only have numeric ones) */
    uint8_t nargs;
    bool args_unsigned;     /* every argument is an unsigned integer literal that fits 32 bits */
    Str scope;              /* the prefix as written: "db" in @db.VarChar */
    const Attribute *attr;
} DbNativeType;

/* A field's default and native type live beside the field, in the Db's arena, for the fields
 * that have one; every other field points at db_no_default / db_no_native (kind DBDEF_NONE,
 * an empty name), so that `f->def->kind` and `f->native->name` read the same for every field. */
extern const DbDefault db_no_default;
extern const DbNativeType db_no_native;

typedef struct DbField {
    Str name;
    Str db_name;            /* @map, else the name */
    const Field *ast;       /* DBF_UNSUPPORTED: the database type is ast->type.name */
    const DbDefault *def;   /* never NULL */
    const DbNativeType *native;     /* never NULL */
    uint32_t model;
    uint32_t type_id;       /* DBF_ENUM / DBF_RELATION / DBF_COMPOSITE */
    uint32_t relation;      /* DBF_RELATION: the relation it belongs to, or DB_NONE */
    uint8_t kind;           /* DbFieldKind */
    uint8_t scalar;         /* ScalarType (DBF_SCALAR) */
    uint8_t arity;          /* FieldArity */
    /* one byte for the three (the struct is 72 bytes, not 80: 86,000 fields of a large schema) */
    bool updated_at : 1;    /* @updatedAt */
    bool ignored : 1;       /* @ignore */
    bool mapped : 1;        /* db_name comes from @map */
} DbField;

typedef enum DbIndexKind {
    DBIDX_PRIMARY,          /* @id / @@id */
    DBIDX_UNIQUE,           /* @unique / @@unique */
    DBIDX_NORMAL,           /* @@index */
    DBIDX_FULLTEXT,         /* @@fulltext (MySQL, MongoDB) */
} DbIndexKind;

typedef enum SortOrder { SORT_DEFAULT = 0, SORT_ASC, SORT_DESC } SortOrder;

/* (Members ordered so that no padding is left: 40 bytes.) */
typedef struct DbIndexField {
    uint32_t field;         /* a field of the index's model */
    SortOrder sort;
    int32_t length;         /* length: n (MySQL); -1 when not given */
    bool ops_raw;           /* ops given as raw("...") */
    Str ops;                /* operator class (ops: InetOps or raw("...")); empty when not given */
    const Expr *expr;       /* the element in the attribute's field list */
} DbIndexField;

/* (The kind a byte, beside the two flags: 80 bytes.) */
typedef struct DbIndex {
    DbIndexKind kind : 8;
    bool field_level;       /* @id / @unique on a field (not @@) */
    int8_t clustered;       /* clustered: -1 not given, 0 false, 1 true */
    uint32_t model;
    uint32_t first_field, nfields;  /* into Db.index_fields */
    Str name;               /* client name: @@id(name:), @@unique(name:); empty when not given */
    Str map;                /* database name: map:; empty means Prisma's default naming */
    Str algorithm;          /* type: BTree, Hash, Gist, Gin, SpGist, Brin; empty when not given */
    const Expr *where;      /* where: (partial index), or NULL */
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
 * relation by field name) — A's id is column "A" of the join table.
 * A 1:n relation written only on the list side has field_a = DB_NONE and field_b = the list
 * field (model_a is then the model the list points to). */
typedef struct DbRelation {
    DbRelationKind kind;
    bool embedded;          /* m:n with `fields:` on a list side (MongoDB only: always an error) */
    Str name;               /* @relation("name") or name:; empty when unnamed */
    uint32_t model_a, model_b;
    uint32_t field_a, field_b;  /* relation fields; DB_NONE when that side is missing */
    uint32_t first_fk, nfk;     /* into Db.fk_pairs (1:1, 1:n) */
    DbRefAction on_delete, on_update;   /* as written on the forward field (field_a) */
    Str map;                /* foreign key name (map:); empty means Prisma's default naming */
    const Attribute *attr;  /* field_a's @relation, or NULL */
} DbRelation;

typedef struct DbModel {
    Str name;
    Str db_name;            /* @@map, else the name */
    Str schema;             /* @@schema; empty when not given */
    const Block *ast;
    uint32_t first_field, nfields;
    uint32_t pk;            /* the DBIDX_PRIMARY index, or DB_NONE */
    /* Unique, normal and fulltext indexes in Prisma's order, which is also the order of its
     * CREATE INDEX statements: field-level @unique (field order), then every @@index, then
     * every @@unique, then every @@fulltext (attribute order within each kind). */
    uint32_t first_index, nindexes;
    bool ignored;           /* @@ignore */
    bool is_view;
    bool mapped;            /* db_name comes from @@map */
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
    bool mapped;            /* db_name comes from @@map */
} DbEnum;

/* A composite type (`type X { ... }`): MongoDB only, so always rejected by db_validate here.
 * Kept so that names resolve (and are reported) as Prisma resolves them. */
typedef struct DbCompositeType {
    Str name;
    const Block *ast;
} DbCompositeType;

/* An entry of the datasource's `extensions = [...]` (PostgreSQL). */
typedef struct DbExtension {
    Str name;               /* as written */
    Str schema, version, map;   /* the arguments (empty when not given) */
    Span span;
} DbExtension;

typedef struct DbDatasource {
    const Block *ast;
    Str name;
    DbProvider provider;
    Str provider_name;          /* as written */
    const Property *url;        /* Prisma 6: url = "..." or env("..."); NULL if absent */
    const Property *direct_url, *shadow_url;
    bool relation_mode_prisma;  /* relationMode = "prisma" (or the deprecated referentialIntegrity) */
    bool relation_mode_set;     /* relationMode or referentialIntegrity written */
    Str *schemas;               /* schemas = [...], in the order written */
    uint32_t nschemas;
    Str *extensions;            /* extensions = [...] (names as written), sorted by name as Prisma does */
    DbExtension *extension_info;    /* the same entries with their arguments */
    uint32_t nextensions;
    bool has_extensions;        /* the `extensions` property is present */
} DbDatasource;

typedef struct DbGenerator {
    const Block *ast;
    Str name;
    Str provider;               /* a string literal, or the variable of env("...") */
    Str *preview_features;      /* as written */
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
    DbCompositeType *composite_types; uint32_t ncomposite_types;
    DbIndex *indexes;           uint32_t nindexes;      /* every @id, @@id, @unique, @@unique, @@index */
    DbIndexField *index_fields; uint32_t nindex_fields;
    DbRelation *relations;      uint32_t nrelations;    /* in Prisma's creation order */
    DbFkPair *fk_pairs;         uint32_t nfk_pairs;
    /* Syntax errors (in `diags` when db_resolve started) or errors of the name, type,
     * attribute and relation passes: Prisma's parser database failed, so format's relation
     * completion must not run. */
    bool resolve_errors;
    bool config_errors;         /* errors in the datasource and generator blocks */
    DbNameTable *names;         /* private to resolve*.c and validate*.c */
} Db;

/* How many threads resolution (and validation: db_validate_with) may use: a large schema's
 * models are shared out over up to `threads` threads, each with at least
 * `min_fields_per_thread` fields. The result is the same whatever the options. */
typedef struct DbResolveOptions {
    uint32_t threads;
    uint32_t min_fields_per_thread;
} DbResolveOptions;
DbResolveOptions db_resolve_options_default(void);     /* the machine's CPUs (up to 8), 8,192 fields */

/* Resolves names, types, attributes and relations, then reads the datasource and generator
 * blocks. Errors go to `diags` in Prisma's order; the Db holds whatever could be resolved and
 * lives in the Ast's arena (nothing to free). Never NULL. */
Db *db_resolve(Ast *ast, Diags *diags);
Db *db_resolve_with(Ast *ast, Diags *diags, const DbResolveOptions *opt);
/* The Db that db_resolve(ast) gives, derived from `src` (resolved without errors from the
 * tree `ast` was made from) without resolving the models again. Only the configuration
 * depends on the provider: `ast` may differ from src->ast only in the properties of its
 * datasource and generator blocks (a variant's provider) and, with `drop_native_types`, by
 * having no native type attribute (@db.X) on any field. The datasource and generator blocks
 * are read again from `ast` (their diagnostics go to `diags`); the fields are copied when
 * their native types are dropped (the fields' syntax nodes stay src's); everything else is
 * src's, shared and only read, so `src` may be validated on another thread meanwhile. The new
 * parts live in `arena`, where validating the result allocates too. */
Db *db_resolve_derived(const Db *src, Ast *ast, bool drop_native_types, Arena *arena, Diags *diags);
/* The rules `prisma validate` applies after resolution, for the datasource's provider.
 * `provider` overrides the datasource's (PROVIDER_NONE: use the datasource's); variants and
 * `sql --provider` validate a schema for the other provider. As in Prisma, nothing is checked
 * when resolution or the configuration blocks reported errors, or when the provider is one
 * prismac does not handle (that error was reported by db_resolve). */
void db_validate(Db *db, DbProvider provider, Diags *diags);
/* The same, the models' checks shared out over threads as `opt` allows (the same result). */
void db_validate_with(Db *db, DbProvider provider, Diags *diags, const DbResolveOptions *opt);

uint32_t db_find_model(const Db *db, Str name);    /* DB_NONE if absent */
uint32_t db_find_enum(const Db *db, Str name);
uint32_t db_find_field(const Db *db, uint32_t model, Str name);
/* Is the preview feature enabled in a generator? (case-insensitive, as Prisma matches them) */
bool db_preview_feature(const Db *db, const char *name);

/* The referential actions of a 1:1 or 1:n relation: as written on the forward field, else as
 * Prisma decides them: onDelete Restrict when the relation is required (a `fields:` field is
 * required, or the relation field is), SetNull when optional; onUpdate Cascade. The same under
 * relationMode = "prisma": both providers emulate Restrict (Prisma would fall back to NoAction
 * only for a provider that cannot). */
DbRefAction db_relation_on_delete(const Db *db, const DbRelation *rel);
DbRefAction db_relation_on_update(const Db *db, const DbRelation *rel);
/* The join table of an implicit m:n relation: "_" + the relation name, or "_AToB". */
Str db_relation_table_name(const Db *db, const DbRelation *rel);
/* The relation's name: as written, or Prisma's generated "AToB" (model names sorted). */
Str db_relation_name(const Db *db, const DbRelation *rel);
/* The arity that decides referential actions: required if a `fields:` field is required,
 * else the forward relation field's arity (1:1 and 1:n with a forward field). */
FieldArity db_relation_referential_arity(const Db *db, const DbRelation *rel);

const char *db_scalar_name(ScalarType t);
const char *db_provider_name(DbProvider p);

#endif
