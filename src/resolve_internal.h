/* Private to resolve*.c and validate*.c: the pieces of the resolved schema that only
 * validation needs (what each relation field says, spans of arguments, name tables), and the
 * small helpers both stages share. */
#ifndef PRISMAC_RESOLVE_INTERNAL_H
#define PRISMAC_RESOLVE_INTERNAL_H

#include "prismac/db.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

/* ---- names ------------------------------------------------------------------------------- */

/* The last n < 8 bytes of a name as one word, without reading past them: two overlapping
 * loads of four bytes, or the first, middle and last byte (the length, hashed too, tells the
 * cases apart). */
static inline uint64_t load_tail(const char *p, uint32_t n)
{
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4);
        return (uint64_t)a | (uint64_t)b << 32;
    }
    if (n == 0)
        return 0;
    return (uint64_t)(unsigned char)p[0] | (uint64_t)(unsigned char)p[n >> 1] << 8 |
           (uint64_t)(unsigned char)p[n - 1] << 16;
}

/* A 64-bit hash of a name, eight bytes at a time, continuing from `h`. */
static inline uint64_t hash64_name(uint64_t h, Str name)
{
    const char *p = name.ptr;
    uint32_t n = name.len;
    h ^= n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    if (n)
        h = (h ^ load_tail(p, n)) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
    return h;
}

/* Are two names the same bytes? Eight bytes at a time, the last 1-7 compared as load_tail reads
 * them (for names of equal length that reads every byte): no call for the short names of a
 * schema. */
static inline bool name_eq(Str a, Str b)
{
    if (a.len != b.len)
        return false;
    const char *p = a.ptr, *q = b.ptr;
    uint32_t n = a.len;
    while (n >= 8) {
        uint64_t x, y;
        memcpy(&x, p, 8);
        memcpy(&y, q, 8);
        if (x != y)
            return false;
        p += 8;
        q += 8;
        n -= 8;
    }
    return load_tail(p, n) == load_tail(q, n);
}

/* Does any byte of the name equal `c`? Eight bytes at a time (a byte is zero in w ^ c*ones
 * exactly when it is c). */
static inline bool name_has_byte(Str name, unsigned char c)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull, pat = ones * c;
    const char *p = name.ptr;
    uint32_t n = name.len;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        w ^= pat;
        if ((w - ones) & ~w & highs)
            return true;
        p += 8;
        n -= 8;
    }
    if (!n)
        return false;
    /* the tail's bytes (some twice); the bytes above them are set, never c */
    uint64_t w = load_tail(p, n), mask = n >= 4 ? ~0ull : 0xFFFFFFull;
    w = (w ^ pat) | ~mask;
    return ((w - ones) & ~w & highs) != 0;
}

/* Does any byte of a word equal `c`? (A byte is zero in w ^ c*ones exactly when it is c.) */
static inline bool word_has_byte(uint64_t w, unsigned char c)
{
    const uint64_t ones = 0x0101010101010101ull;
    w ^= ones * c;
    return ((w - ones) & ~w & 0x8080808080808080ull) != 0;
}

/* A name's 32-bit hash (name_hash32), and whether the name holds a `-`, from the same loads
 * (the words load_tail makes of a short name hold its bytes and zeros only). */
static inline __attribute__((always_inline)) uint32_t name_hash32_dash(Str name, bool *dash)
{
    const char *p = name.ptr;
    uint32_t n = name.len;
    uint64_t h;
    if (n < 8) {
        uint64_t w = load_tail(p, n);
        *dash = word_has_byte(w, '-');
        h = (w ^ (uint64_t)n << 56) * 0x9E3779B97F4A7C15ull;
    } else if (n <= 16) {
        uint64_t a, b;
        memcpy(&a, p, 8);
        memcpy(&b, p + n - 8, 8);
        *dash = word_has_byte(a, '-') || word_has_byte(b, '-');
        h = (a * 0x9E3779B97F4A7C15ull) ^ ((b ^ n) * 0xBF58476D1CE4E5B9ull);
    } else {
        *dash = name_has_byte(name, '-');
        h = hash64_name(0, name) * 0x94D049BB133111EBull;
    }
    return (uint32_t)(h >> 32);
}

/* A 32-bit hash of a name (the models' field tables, relation names): names are short; up to 16
 * bytes it is one or two loads and multiplies, the product's high half taken (its well-mixed
 * bits). (name_hash32_dash without the `-`: inlined, the compiler drops what finds it.) */
static inline uint32_t name_hash32(Str name)
{
    bool dash;
    return name_hash32_dash(name, &dash);
}

/* ---- hash tables ------------------------------------------------------------------------ */

/* Open addressing from (scope, name) to a value. Capacity is fixed when the table is made
 * (a power of two at least twice the number of entries it will hold): no rehashing. */
typedef struct NameEntry {
    Str name;
    uint32_t scope;
    uint32_t value;     /* DB_NONE: empty slot */
} NameEntry;

typedef struct NameMap {
    NameEntry *slots;
    uint32_t mask;
    uint32_t count;
} NameMap;

void namemap_init(NameMap *m, Arena *a, uint32_t expected);
/* Inserts or replaces (Prisma's maps keep the last entry); returns the previous value or
 * DB_NONE. */
uint32_t namemap_put(NameMap *m, uint32_t scope, Str name, uint32_t value);
/* Inserts only when absent; returns the existing value or DB_NONE (then it was inserted). */
uint32_t namemap_add(NameMap *m, uint32_t scope, Str name, uint32_t value);
uint32_t namemap_get(const NameMap *m, uint32_t scope, Str name);
/* Increments the count stored for a key; returns the new count. */
uint32_t namemap_count(NameMap *m, uint32_t scope, Str name);

/* Scopes of the shared name table. */
#define SCOPE_TOPS      0xFFFFFFFFu    /* models, views, enums, composite types */
#define SCOPE_GENERATOR 0xFFFFFFFEu
#define SCOPE_SOURCE    0xFFFFFFFDu
#define SCOPE_CTFIELD   0x80000000u    /* | composite type id: its fields */

/* What a top-level name refers to: TOP_* << 28 | id. */
enum { TOP_MODEL = 1, TOP_ENUM = 2, TOP_COMPOSITE = 3, TOP_OTHER = 4 };
#define TOP_KIND(v) ((v) >> 28)
#define TOP_ID(v) ((v) & 0x0FFFFFFFu)

/* ---- what resolution keeps for validation ----------------------------------------------- */

/* A relation field's @relation, as written. */
typedef struct RelField {
    uint32_t field;                 /* in Db.fields */
    uint32_t model, target;
    uint32_t name_hash;             /* relfield_name_hash(name) when has_name, else 0 */
    uint32_t nfields, nrefs;
    Span on_delete_span, on_update_span;
    const Attribute *attr;          /* @relation, or NULL */
    uint32_t *fields;               /* fields: [...] (resolved scalar fields of model) */
    uint32_t *refs;                 /* references: [...] (scalar fields of target) */
    Str name;                       /* the relation name as written */
    Str map;
    uint8_t on_delete, on_update;   /* DbRefAction */
    bool has_fields, has_refs;      /* the argument is present (even if it did not resolve) */
    bool has_name;
    bool has_map;
    bool ignored;                   /* @ignore */
} RelField;                         /* (no padding inside: 112 bytes) */

/* The hash of a relation name that resolve_relations' chains read (the attribute pass computes
 * it, on the resolution threads). */
static inline uint32_t relfield_name_hash(Str name)
{
    return name_hash32(name) | 1;
}

/* A composite type's field (validation only needs to know it is there). */
typedef struct CtField {
    const Field *ast;
    uint32_t type;                  /* composite type id */
} CtField;

#define FTAB_NARROW_MAX 255u
#define FTAB_WIDE 0x80u
#define FTAB_BITS 0x3Fu

struct DbNameTable {
    NameMap names;                  /* tops, generators, datasources, enum values, ct fields, @map */
    /* Each model's fields by name: an open-addressing table per model, all in one array (a
     * model's table is small and read while the model is: it stays in cache). A model of up to
     * FTAB_NARROW_MAX fields has a table of bytes (its field's place in the model + 1: a
     * quarter of the memory), a larger one a table of words (field id + 1); 0: empty. */
    uint8_t *ftab8;
    uint32_t *ftab32;
    uint32_t *ftab_first;           /* per model: start in ftab8 or ftab32 */
    uint8_t *ftab_bits;             /* per model: log2 of its table size, | FTAB_WIDE for ftab32 */
    RelField *relfields;            /* in Prisma's order: models in file order, fields in order */
    uint32_t nrelfields;
    uint32_t *field_relfield;       /* Db field -> relfields index, or DB_NONE */
    uint32_t *field_scalar;         /* Db field -> its scalar attribute visit order (unused: DB_NONE) */
    Span *model_schema_span;        /* @@schema argument (model), valid when schema.len */
    Span *enum_schema_span;
    const Attribute **model_map_attr;   /* @@map of each model, or NULL */
    uint8_t *model_autoinc;         /* per model: its fields defaulting to autoincrement() (255: that many or more) */
    uint32_t *unknown_fn_fields;    /* fields whose @default calls an unknown function, in order */
    uint32_t nunknown_fn_fields, capunknown_fn_fields;
    CtField *ctfields;
    uint32_t nctfields;
    DbProvider config_provider;     /* the datasource's provider after the config pass */
    bool datasource_ok;             /* exactly one datasource that was read without error */
    Span schemas_span;              /* the datasource's `schemas` value, if any */
    bool has_schemas;
    Span extensions_span;
    uint32_t cap_relations, cap_fk_pairs;
    uint32_t cap_indexes, cap_index_fields;     /* of Db.indexes and Db.index_fields */
};

/* A note without a place of its own ("note: ..."), for hints about the error's own span. */
void diag_hint(Diags *d, Diag *diag, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- expressions ------------------------------------------------------------------------ */

/* The expression as Prisma prints it (strings quoted and escaped). */
char *expr_to_text(Arena *a, const Expr *e);
/* "a string", "a number", "a constant", "a function call", "a list" */
const char *expr_kind_name(const Expr *e);
static inline bool expr_is_call(const Expr *e, const char *name)
{
    return e && e->kind == EXPR_CALL && str_eq_cstr(e->text, name);
}
/* A NUL-terminated copy of a Str, for messages. */
char *str_c(Arena *a, Str s);
int str_cmp(Str a, Str b);
/* Rust's i64 parsing: an optional sign, then decimal digits only. */
bool parse_i64_slow(Str s, int64_t *out);
static inline bool parse_i64(Str s, int64_t *out)
{
    /* the common case inline: one to nine digits */
    if (s.len - 1u < 9u) {
        uint64_t v = 0;
        uint32_t i = 0;
        for (; i < s.len; i++) {
            unsigned d = (unsigned)(unsigned char)s.ptr[i] - '0';
            if (d > 9)
                break;
            v = v * 10 + d;
        }
        if (i == s.len) {
            *out = (int64_t)v;
            return true;
        }
    }
    return parse_i64_slow(s, out);
}
/* Is this a PostgreSQL operator class Prisma knows (`ops: InetOps`)? */
bool opclass_known(Str name);

/* ---- the resolution passes (resolve_*.c) ------------------------------------------------- */

/* The attributes the attribute pass reads, by name (computed once per attribute). A scalar
 * field's are numbered in the order the attribute pass reads them (@map, @ignore, @id,
 * @updatedAt, @default, the native type, @unique). */
typedef enum AttrCode {
    AT_OTHER, AT_MAP, AT_IGNORE, AT_RELATION, AT_ID, AT_UPDATED_AT, AT_DEFAULT, AT_SCOPED, AT_UNIQUE,
    AT_INDEX, AT_FULLTEXT, AT_SCHEMA, AT_NCODES
} AttrCode;
/* attr_code, and for a name it does not know (AT_OTHER, AT_SCOPED: the names checked as
 * identifiers), whether the name is not one (empty, a leading digit or a `-`), from the same
 * loads as the search for a dot. */
static inline __attribute__((always_inline)) uint8_t attr_code_checked(Str n, bool *bad)
{
    const char *p = n.ptr;
    switch (n.len) {
    case 2:
        if (!memcmp(p, "id", 2))
            return AT_ID;
        break;
    case 3:
        if (!memcmp(p, "map", 3))
            return AT_MAP;
        break;
    case 5:
        if (!memcmp(p, "index", 5))
            return AT_INDEX;
        break;
    case 6:
        if (!memcmp(p, "ignore", 6))
            return AT_IGNORE;
        if (!memcmp(p, "unique", 6))
            return AT_UNIQUE;
        if (!memcmp(p, "schema", 6))
            return AT_SCHEMA;
        break;
    case 7:
        if (!memcmp(p, "default", 7))
            return AT_DEFAULT;
        break;
    case 8:
        if (!memcmp(p, "relation", 8))
            return AT_RELATION;
        if (!memcmp(p, "fulltext", 8))
            return AT_FULLTEXT;
        break;
    case 9:
        if (!memcmp(p, "updatedAt", 9))
            return AT_UPDATED_AT;
        break;
    default:
        break;
    }
    /* none of the names above holds a dot */
    bool dot, dash;
    if (n.len < 8) {
        uint64_t w = load_tail(p, n.len);
        dot = word_has_byte(w, '.');
        dash = word_has_byte(w, '-');
    } else if (n.len <= 16) {
        uint64_t a, b;
        memcpy(&a, p, 8);
        memcpy(&b, p + n.len - 8, 8);
        dot = word_has_byte(a, '.') || word_has_byte(b, '.');
        dash = word_has_byte(a, '-') || word_has_byte(b, '-');
    } else {
        dot = name_has_byte(n, '.');
        dash = name_has_byte(n, '-');
    }
    *bad = dash || n.len == 0 || (p[0] >= '0' && p[0] <= '9');
    return dot ? AT_SCOPED : AT_OTHER;
}

static inline uint8_t attr_code(Str n)
{
    bool bad;
    return attr_code_checked(n, &bad);
}


typedef struct Resolver {
    Db *db;
    Ast *ast;
    Arena *arena;
    Diags *diags;
    struct DbNameTable *nt;
    /* What the attribute pass appends, in file order; moved into the Db when the pass ends (a
     * helper thread's share is appended to the main resolver's). */
    DbIndex *indexes;               uint32_t nindexes, cap_indexes;
    DbIndexField *index_fields;     uint32_t nindex_fields, cap_index_fields;
    uint32_t *unknown_fn_fields;    uint32_t nunknown_fn_fields, capunknown_fn_fields;
    /* The AttrCode of each field attribute, as the name pass read it; malloc'd, freed when the
     * attribute pass is over. Per field from `fbase` on (the whole schema, or the model being
     * resolved): where its codes start, and the type name the type pass looks up. */
    uint8_t *acodes;                uint32_t nacodes, capacodes;
    uint32_t *fcodes;
    Str *ftype;
    uint32_t fbase;
    uint32_t nindex_attrs, nindex_elems;    /* counted by the name pass, to size the index arrays */
    /* Resolving model by model (every top-level name known): the name pass resolves a field's
     * type as it reads the field, and lists the relation fields (malloc'd), in order. */
    bool types_now;
    bool block_codes;               /* acodes[0 ..] hold the codes of the model's block attributes */
    uint32_t *relids, nrelids, caprelids;
} Resolver;

void resolve_attributes(Resolver *r);
void resolve_relations(Resolver *r);
void resolve_config(Resolver *r);

/* The attribute pass in pieces, for resolving the models on several threads (resolve.c): a
 * context per thread, then a model's scalar fields and block attributes, and a relation field's
 * attributes (`codes`: its AttrCodes, or NULL to read the names again). */
typedef struct AttrCtx AttrCtx;
AttrCtx *resolve_attr_ctx_new(Resolver *r);
void resolve_attr_ctx_free(AttrCtx *ac);
void resolve_model_attributes(AttrCtx *ac, uint32_t model);
void resolve_enum_attributes(AttrCtx *ac, uint32_t en);
void resolve_composite_type_attributes(AttrCtx *ac, uint32_t ct);
void resolve_relation_field_attributes(AttrCtx *ac, RelField *rf, const uint8_t *codes);
/* Appends the indexes and unknown default functions `from` made to the Db `into` builds. */
void resolve_output_move(Resolver *into, Resolver *from);
/* Copies the indexes `from` made into the Db's arrays (room made by resolve_output_reserve_db)
 * at those positions, their ids moved, and frees `from`'s: the shares of a schema place theirs
 * at once, each on its thread. The models keep first_index and pk as `from` numbered them. */
void resolve_output_place(Resolver *from, uint32_t index_base, uint32_t field_base);
/* Room for that many indexes and index fields in the resolver's output arrays (they grow past
 * it), and in the Db's arrays that resolve_output_move appends to. */
void resolve_output_reserve(Resolver *r, uint32_t nindexes, uint32_t nindex_fields);
void resolve_output_reserve_db(Resolver *into, uint32_t nindexes, uint32_t nindex_fields);

/* Model/view field lookup by name (the last field of that name, as Prisma's table). */
uint32_t resolve_find_field(const Db *db, uint32_t model, Str name);

/* ---- validation helpers (validate*.c) ---------------------------------------------------- */

typedef struct Connector Connector;

typedef struct Validator {
    Db *db;
    Arena *arena;
    Diags *diags;
    const Connector *conn;
    DbProvider provider;
    bool relation_mode_prisma;
    uint32_t errors_at_start;       /* diags->errors when the pipeline started */
    bool named_keys;                /* the model being checked has an @@id or @@unique with a `name` */
} Validator;

bool validate_has_errors(const Validator *v);
void validate_native_type(Validator *v, const DbField *f);
void validate_default_contents(Validator *v, const DbField *f);
void validate_pg_indexes(Validator *v, uint32_t model);
void validate_relations(Validator *v, void *names);
void validate_relation_fk_name(Validator *v, void *names, uint32_t relation);
void validate_db_name_length(Validator *v, uint32_t model, const Attribute *attr, Str name);
/* "named_fk", "set_null_non_nullable" */
bool validate_connector_has(const Validator *v, const char *what);
const char *validate_connector_name(const Validator *v);
/* One relation field's checks inside the per-model loop; false when an ambiguity error was
 * reported (which stops the pipeline, as in Prisma). */
bool validate_relation_field(Validator *v, uint32_t field, void *names);
/* The groups of relation fields that ambiguity checks read: made empty, then filled a model at a
 * time, given its first relation field, before its relation fields are checked (the models'
 * groups are apart: the threads that check the models fill them). */
void *validate_relation_names_new(Validator *v);
void validate_relation_names_model(Validator *v, void *names, uint32_t first_field);

/* Native type tables (validate_types.c). */
typedef struct NativeTypeDef {
    const char *name;
    uint8_t len;
    uint8_t required_args, optional_args;
    uint16_t scalars;               /* bit per ScalarType */
} NativeTypeDef;
const NativeTypeDef *native_type_find(DbProvider provider, Str name);

/* camelCase and plural of a model name, as `prisma format` names a back-relation field. */
char *inflect_camel(Arena *a, Str name);
char *inflect_plural(Arena *a, const char *word);

#endif
