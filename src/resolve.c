/* Resolution, first half: the name and type passes of Prisma's parser database, and the
 * public lookups of db.h. The attribute, relation and configuration passes follow in
 * resolve_attrs.c, resolve_relations.c and resolve_config.c; db_validate is in validate.c.
 *
 * Pass order and what each reports (as Prisma reports it, so that the first error agrees):
 *   names      duplicate and reserved names, identifiers that are not valid
 *   types      field types that name nothing
 *   attributes every @ and @@ attribute, with its arguments
 *   relations  pairs relation fields into relations (reports nothing)
 *   config     datasource and generator blocks
 * Every pass runs even when an earlier one failed, on whatever could be resolved. */
#include "resolve_internal.h"
#include "prismac/parallel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const DbDefault db_no_default = {.kind = DBDEF_NONE};
const DbNativeType db_no_native = {.nargs = 0};

/* ---- hash tables ------------------------------------------------------------------------ */

/* Eight bytes at a time: names are short, and this is the resolver's inner loop. */
static inline uint32_t namemap_hash(uint32_t scope, Str name)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ ((uint64_t)scope << 32) ^ name.len;
    const char *p = name.ptr;
    uint32_t n = name.len;
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
    h *= 0x94D049BB133111EBull;
    h ^= h >> 32;
    return (uint32_t)h;
}

void namemap_init(NameMap *m, Arena *a, uint32_t expected)
{
    uint32_t cap = 16;
    while (cap < expected * 2 + 8)
        cap <<= 1;
    m->slots = arena_alloc_raw(a, (size_t)cap * sizeof *m->slots);
    for (uint32_t i = 0; i < cap; i++)
        m->slots[i].value = DB_NONE;
    m->mask = cap - 1;
    m->count = 0;
}

static NameEntry *namemap_slot(const NameMap *m, uint32_t scope, Str name)
{
    uint32_t i = namemap_hash(scope, name) & m->mask;
    for (;;) {
        NameEntry *e = &m->slots[i];
        if (e->value == DB_NONE || (e->scope == scope && name_eq(e->name, name)))
            return e;
        i = (i + 1) & m->mask;
    }
}

uint32_t namemap_put(NameMap *m, uint32_t scope, Str name, uint32_t value)
{
    NameEntry *e = namemap_slot(m, scope, name);
    uint32_t old = e->value;
    if (old == DB_NONE) {
        if (m->count + 1 > m->mask) {
            fprintf(stderr, "prismac: internal error: name table full\n");
            abort();
        }
        m->count++;
        e->name = name;
        e->scope = scope;
    }
    e->value = value;
    return old;
}

uint32_t namemap_add(NameMap *m, uint32_t scope, Str name, uint32_t value)
{
    NameEntry *e = namemap_slot(m, scope, name);
    if (e->value != DB_NONE)
        return e->value;
    if (m->count + 1 > m->mask) {
        fprintf(stderr, "prismac: internal error: name table full\n");
        abort();
    }
    m->count++;
    e->name = name;
    e->scope = scope;
    e->value = value;
    return DB_NONE;
}

uint32_t namemap_get(const NameMap *m, uint32_t scope, Str name)
{
    return namemap_slot(m, scope, name)->value;
}

uint32_t namemap_count(NameMap *m, uint32_t scope, Str name)
{
    NameEntry *e = namemap_slot(m, scope, name);
    if (e->value == DB_NONE) {
        if (m->count + 1 > m->mask) {
            fprintf(stderr, "prismac: internal error: name table full\n");
            abort();
        }
        m->count++;
        e->name = name;
        e->scope = scope;
        e->value = 0;
    }
    return ++e->value;
}

/* ---- small helpers ----------------------------------------------------------------------- */

char *str_c(Arena *a, Str s)
{
    return arena_strndup(a, s.ptr ? s.ptr : "", s.len);
}

int str_cmp(Str a, Str b)
{
    uint32_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c)
        return c;
    return a.len < b.len ? -1 : a.len > b.len;
}

/* Rust's i64 parsing: an optional sign, then decimal digits only (parse_i64 reads the common
 * case itself). */
bool parse_i64_slow(Str s, int64_t *out)
{
    uint32_t i = 0;
    bool neg = false;
    if (i < s.len && (s.ptr[i] == '+' || s.ptr[i] == '-'))
        neg = s.ptr[i++] == '-';
    if (i == s.len)
        return false;
    uint64_t v = 0;
    if (s.len - i <= 18) {
        /* below 10^18: no overflow to watch for; the digits before the last multiple of eight
         * one at a time, then eight at a time (as a word: each byte a digit, then the pairs,
         * fours and eights of them combined by multiplies) */
        for (uint32_t head = (s.len - i) % 8; head; head--, i++) {
            unsigned d = (unsigned)(unsigned char)s.ptr[i] - '0';
            if (d > 9)
                return false;
            v = v * 10 + d;
        }
        for (; i < s.len; i += 8) {
            uint64_t w;
            memcpy(&w, s.ptr + i, 8);
            if ((w & 0xF0F0F0F0F0F0F0F0ull) != 0x3030303030303030ull ||
                ((w + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) != 0x3030303030303030ull)
                return false;   /* a byte that is not a digit */
            w -= 0x3030303030303030ull;
            w = w * 10 + (w >> 8);
            w = ((w & 0x000000FF000000FFull) * (100 + (1000000ull << 32)) +
                 ((w >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32))) >> 32;
            v = v * 100000000u + w;
        }
        *out = neg ? -(int64_t)v : (int64_t)v;
        return true;
    }
    for (; i < s.len; i++) {
        unsigned d = (unsigned)(unsigned char)s.ptr[i] - '0';
        if (d > 9)
            return false;
        /* v * 10 + d overflows: only v from UINT64_MAX / 10 on can */
        if (v >= UINT64_MAX / 10 && (v > UINT64_MAX / 10 || d > UINT64_MAX % 10))
            return false;
        v = v * 10 + d;
    }
    if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
        return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

const char *expr_kind_name(const Expr *e)
{
    switch (e->kind) {
    case EXPR_STRING: return "a string";
    case EXPR_NUMBER: return "a number";
    case EXPR_CONSTANT: return "a constant";
    case EXPR_CALL: return "a function call";
    case EXPR_ARRAY: return "a list";
    case EXPR_OBJECT: return "an object";
    }
    return "a value";
}

typedef struct TextBuf {
    char *buf;
    size_t len, cap;
} TextBuf;

static void tb_put(TextBuf *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *nb = realloc(t->buf, cap);
        if (!nb) {
            fprintf(stderr, "prismac: out of memory\n");
            exit(2);
        }
        t->buf = nb;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

static void expr_write(TextBuf *t, const Expr *e)
{
    if (!e)
        return;
    switch (e->kind) {
    case EXPR_STRING:
        tb_put(t, "\"", 1);
        for (uint32_t i = 0; i < e->value.len; i++) {
            char c = e->value.ptr[i];
            if (c == '"' || c == '\\')
                tb_put(t, "\\", 1);
            if (c == '\n')
                tb_put(t, "\\n", 2);
            else if (c == '\0')
                tb_put(t, "\\0", 2);
            else
                tb_put(t, &c, 1);
        }
        tb_put(t, "\"", 1);
        break;
    case EXPR_NUMBER:
    case EXPR_CONSTANT:
        tb_put(t, e->text.ptr, e->text.len);
        break;
    case EXPR_CALL:
        tb_put(t, e->text.ptr, e->text.len);
        tb_put(t, "(", 1);
        for (uint32_t i = 0; e->args && i < e->args->count; i++) {
            const Arg *a = &e->args->items[i];
            if (i)
                tb_put(t, ", ", 2);
            if (a->name.len) {
                tb_put(t, a->name.ptr, a->name.len);
                tb_put(t, ": ", 2);
            }
            expr_write(t, a->value);
        }
        tb_put(t, ")", 1);
        break;
    case EXPR_ARRAY:
        tb_put(t, "[", 1);
        for (uint32_t i = 0; i < e->count; i++) {
            if (i)
                tb_put(t, ", ", 2);
            expr_write(t, e->items[i]);
        }
        tb_put(t, "]", 1);
        break;
    case EXPR_OBJECT:
        /* as Prisma prints an object: `{ a: 1 }` */
        tb_put(t, "{ ", 2);
        for (uint32_t i = 0; e->args && i < e->args->count; i++) {
            const Arg *a = &e->args->items[i];
            if (i)
                tb_put(t, ", ", 2);
            tb_put(t, a->name.ptr, a->name.len);
            tb_put(t, ": ", 2);
            expr_write(t, a->value);
        }
        tb_put(t, " }", 2);
        break;
    }
}

char *expr_to_text(Arena *a, const Expr *e)
{
    TextBuf t = {0};
    expr_write(&t, e);
    char *out = arena_strndup(a, t.buf ? t.buf : "", t.len);
    free(t.buf);
    return out;
}

void diag_hint(Diags *d, Diag *diag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = arena_alloc_raw(d->arena, n > 0 ? (size_t)n + 1 : 1);
    va_start(ap, fmt);
    vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    va_end(ap);
    diag->note = msg;
    diag->note_has_span = false;
}

/* ---- public lookups ---------------------------------------------------------------------- */

static const char *const SCALAR_NAMES[] = {
    [SCALAR_STRING] = "String", [SCALAR_BOOLEAN] = "Boolean", [SCALAR_INT] = "Int",
    [SCALAR_BIGINT] = "BigInt", [SCALAR_FLOAT] = "Float",     [SCALAR_DECIMAL] = "Decimal",
    [SCALAR_DATETIME] = "DateTime", [SCALAR_JSON] = "Json",   [SCALAR_BYTES] = "Bytes",
};

const char *db_scalar_name(ScalarType t)
{
    return (unsigned)t < sizeof SCALAR_NAMES / sizeof *SCALAR_NAMES ? SCALAR_NAMES[t] : "?";
}

static inline __attribute__((always_inline)) bool scalar_from_name(Str name, ScalarType *out)
{
    const char *p = name.ptr;
    ScalarType t;
    switch (name.len) {
    case 3:
        if (memcmp(p, "Int", 3))
            return false;
        t = SCALAR_INT;
        break;
    case 4:
        if (memcmp(p, "Json", 4))
            return false;
        t = SCALAR_JSON;
        break;
    case 5:
        if (!memcmp(p, "Float", 5))
            t = SCALAR_FLOAT;
        else if (!memcmp(p, "Bytes", 5))
            t = SCALAR_BYTES;
        else
            return false;
        break;
    case 6:
        if (!memcmp(p, "String", 6))
            t = SCALAR_STRING;
        else if (!memcmp(p, "BigInt", 6))
            t = SCALAR_BIGINT;
        else
            return false;
        break;
    case 7:
        if (!memcmp(p, "Boolean", 7))
            t = SCALAR_BOOLEAN;
        else if (!memcmp(p, "Decimal", 7))
            t = SCALAR_DECIMAL;
        else
            return false;
        break;
    case 8:
        if (memcmp(p, "DateTime", 8))
            return false;
        t = SCALAR_DATETIME;
        break;
    default:
        return false;
    }
    *out = t;
    return true;
}

const char *db_provider_name(DbProvider p)
{
    switch (p) {
    case PROVIDER_NONE: return "none";
    case PROVIDER_POSTGRESQL: return "postgresql";
    case PROVIDER_SQLITE: return "sqlite";
    case PROVIDER_UNSUPPORTED: return "unsupported";
    }
    return "?";
}

uint32_t db_find_model(const Db *db, Str name)
{
    uint32_t v = namemap_get(&db->names->names, SCOPE_TOPS, name);
    return v != DB_NONE && TOP_KIND(v) == TOP_MODEL ? TOP_ID(v) : DB_NONE;
}

uint32_t db_find_enum(const Db *db, Str name)
{
    uint32_t v = namemap_get(&db->names->names, SCOPE_TOPS, name);
    return v != DB_NONE && TOP_KIND(v) == TOP_ENUM ? TOP_ID(v) : DB_NONE;
}

/* A model's field table (see DbNameTable.ftab8): bytes (the field's place in the model + 1)
 * for a model of up to 255 fields, else words (field id + 1); 0 is an empty slot (the arena's
 * memory comes zeroed). */
typedef struct FieldTable {
    uint8_t *t8;            /* NULL: t32 */
    uint32_t *t32;
    uint32_t mask;
    uint32_t base;          /* t8: the model's first field; t32: 0 */
    const DbField *fields;  /* db->fields + base: an entry e is fields[e - 1] */
} FieldTable;

static inline FieldTable ftab_of(const Db *db, uint32_t model)
{
    const struct DbNameTable *nt = db->names;
    uint32_t first = nt->ftab_first[model], bits = nt->ftab_bits[model];
    FieldTable t = {NULL, NULL, (1u << (bits & FTAB_BITS)) - 1, 0, db->fields};
    if (bits & FTAB_WIDE) {
        t.t32 = nt->ftab32 + first;
    } else {
        t.t8 = nt->ftab8 + first;
        t.base = db->models[model].first_field;
        t.fields += t.base;
    }
    return t;
}

/* The field a name has in a model's table (the last of that name), or t.base - 1 (not a field
 * of the model; DB_NONE for a table of words) when it has none; with `put`, the entry is then
 * made `field` (the last field of a name wins, as in Prisma's table).
 * Inlined into the name pass's loop over a model's fields. */
static inline __attribute__((always_inline)) uint32_t ftab_find(FieldTable t, Str name, uint32_t hash, bool put,
                                                                uint32_t field, bool wide)
{
    uint32_t i = hash & t.mask;
    if (!wide) {
        for (;; i = (i + 1) & t.mask) {
            uint32_t e = t.t8[i];
            if (e == 0 || name_eq(t.fields[e - 1].name, name)) {
                if (put)
                    t.t8[i] = (uint8_t)(field - t.base + 1);
                return t.base + e - 1;
            }
        }
    }
    for (;; i = (i + 1) & t.mask) {
        uint32_t f = t.t32[i];
        if (f == 0 || name_eq(t.fields[f - 1].name, name)) {
            if (put)
                t.t32[i] = field + 1;
            return f - 1;
        }
    }
}

uint32_t resolve_find_field(const Db *db, uint32_t model, Str name)
{
    FieldTable t = ftab_of(db, model);
    uint32_t h = name_hash32(name);
    uint32_t f = t.t8 ? ftab_find(t, name, h, false, 0, false) : ftab_find(t, name, h, false, 0, true);
    return f == t.base - 1 ? DB_NONE : f;
}

uint32_t db_find_field(const Db *db, uint32_t model, Str name)
{
    return model < db->nmodels ? resolve_find_field(db, model, name) : DB_NONE;
}

static bool ascii_ieq(Str a, const char *b)
{
    size_t n = strlen(b);
    if (a.len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char x = a.ptr[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

bool db_preview_feature(const Db *db, const char *name)
{
    for (uint32_t g = 0; g < db->ngenerators; g++)
        for (uint32_t i = 0; i < db->generators[g].npreview_features; i++)
            if (ascii_ieq(db->generators[g].preview_features[i], name))
                return true;
    return false;
}

Str db_relation_name(const Db *db, const DbRelation *rel)
{
    if (rel->name.len)
        return rel->name;
    Str a = db->models[rel->model_a].name, b = db->models[rel->model_b].name;
    if (str_cmp(a, b) > 0) {
        Str t = a;
        a = b;
        b = t;
    }
    char *s = arena_sprintf(db->arena, "%.*sTo%.*s", (int)a.len, a.ptr, (int)b.len, b.ptr);
    return (Str){s, (uint32_t)strlen(s)};
}

Str db_relation_table_name(const Db *db, const DbRelation *rel)
{
    Str n = db_relation_name(db, rel);
    char *s = arena_sprintf(db->arena, "_%.*s", (int)n.len, n.ptr);
    return (Str){s, (uint32_t)strlen(s)};
}

FieldArity db_relation_referential_arity(const Db *db, const DbRelation *rel)
{
    if (rel->field_a == DB_NONE)
        return ARITY_OPTIONAL;
    for (uint32_t i = 0; i < rel->nfk; i++)
        if (db->fields[db->fk_pairs[rel->first_fk + i].field].arity == ARITY_REQUIRED)
            return ARITY_REQUIRED;
    return db->fields[rel->field_a].arity;
}

DbRefAction db_relation_on_delete(const Db *db, const DbRelation *rel)
{
    if (rel->on_delete != DBACT_UNSET)
        return rel->on_delete;
    /* Restrict is available with foreign keys and emulated (relationMode = "prisma") on both
     * providers, so a required relation restricts and an optional one sets null. */
    return db_relation_referential_arity(db, rel) == ARITY_REQUIRED ? DBACT_RESTRICT : DBACT_SET_NULL;
}

DbRefAction db_relation_on_update(const Db *db, const DbRelation *rel)
{
    (void)db;
    return rel->on_update != DBACT_UNSET ? rel->on_update : DBACT_CASCADE;
}

/* ---- the name pass ----------------------------------------------------------------------- */

static bool field_is_usable(const Field *f)
{
    return f->has_type && !f->legacy_colon && f->type.form == TYPEFORM_PLAIN;
}

static const char *top_kind_word(BlockKind k)
{
    switch (k) {
    case BLOCK_MODEL: return "model";
    case BLOCK_VIEW: return "view";
    case BLOCK_TYPE: return "composite type";
    case BLOCK_ENUM: return "enum";
    case BLOCK_DATASOURCE: return "datasource";
    case BLOCK_GENERATOR: return "generator";
    }
    return "block";
}

static const char *const RESERVED_NAMES[] = {
    "PrismaClient", "break", "case", "catch", "class", "const", "continue", "debugger", "default",
    "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for", "function", "if",
    "implements", "import", "in", "instanceof", "interface", "let", "new", "null", "package",
    "private", "protected", "public", "return", "super", "switch", "this", "throw", "true", "try",
    "typeof", "var", "void", "while", "with", "yield",
};

static bool is_reserved_name(Str name)
{
    if (name.len < 2 || name.len > 12 || !((name.ptr[0] >= 'a' && name.ptr[0] <= 'z') || name.ptr[0] == 'P'))
        return false;
    for (size_t i = 0; i < sizeof RESERVED_NAMES / sizeof *RESERVED_NAMES; i++)
        if (RESERVED_NAMES[i][0] == name.ptr[0] && str_eq_cstr(name, RESERVED_NAMES[i]))
            return true;
    return false;
}

/* Names are an ASCII letter or digit followed by letters, digits, `_` and `-` (the lexer
 * takes them); Prisma then rejects a leading digit and any `-`. */
static void identifier_error(Resolver *r, Str name, Span span, const char *what)
{
    if (name.len == 0)
        diag_error(r->diags, span, "the name of a %s must not be empty", what);
    else if (name.ptr[0] >= '0' && name.ptr[0] <= '9')
        diag_error(r->diags, span, "the name of a %s must not start with a digit: `%s`", what, str_c(r->arena, name));
    else
        diag_hint(r->diags, diag_error(r->diags, span, "`-` is not allowed in %s names: `%s`", what, str_c(r->arena, name)),
                  "use `_` instead, or camelCase");
}

static inline void check_identifier(Resolver *r, Str name, Span span, const char *what)
{
    if (name.len == 0 || (name.ptr[0] >= '0' && name.ptr[0] <= '9') || name_has_byte(name, '-'))
        identifier_error(r, name, span, what);
}

/* Also counts the attributes that make indexes and keys, and their fields, so that the
 * attribute pass can size its arrays once; and, for a field (`codes` not NULL), records what
 * each attribute is, so that the attribute pass need not read the names again. */
static inline __attribute__((always_inline)) void check_attr_identifiers(Resolver *r, Attribute **attrs, uint32_t n,
                                                                         uint8_t *codes)
{
    for (uint32_t i = 0; i < n; i++) {
        const Attribute *a = attrs[i];
        bool bad = false;      /* the names attr_code knows are identifiers */
        uint8_t code = attr_code_checked(a->name, &bad);
        if (bad)
            identifier_error(r, a->name, a->name_span, "attribute");
        if (codes)
            codes[i] = code;
        bool key = code == AT_ID || code == AT_UNIQUE || (a->is_block && (code == AT_INDEX || code == AT_FULLTEXT));
        if (!key)
            continue;
        r->nindex_attrs++;
        const Expr *v = a->args && a->args->count ? a->args->items[0].value : NULL;
        r->nindex_elems += v && v->kind == EXPR_ARRAY ? v->count : 1;
    }
}

static void type_not_found(Resolver *r, const Field *f);

/* A field whose type is not a scalar: the model, enum or composite type it names. */
static inline void field_type_resolve(Resolver *r, DbField *f, Str type)
{
    uint32_t v = namemap_get(&r->nt->names, SCOPE_TOPS, type);
    if (v == DB_NONE || TOP_KIND(v) == TOP_OTHER) {
        type_not_found(r, f->ast);
    } else if (TOP_KIND(v) == TOP_MODEL) {
        f->kind = DBF_RELATION;
        f->type_id = TOP_ID(v);
    } else if (TOP_KIND(v) == TOP_ENUM) {
        f->kind = DBF_ENUM;
        f->type_id = TOP_ID(v);
    } else {
        f->kind = DBF_COMPOSITE;
        f->type_id = TOP_ID(v);
    }
}

static void relids_push(Resolver *r, uint32_t field)
{
    if (r->nrelids == r->caprelids) {
        r->caprelids = r->caprelids ? r->caprelids * 2 : 256;
        r->relids = realloc(r->relids, r->caprelids * sizeof *r->relids);
        if (!r->relids) {
            fprintf(stderr, "prismac: out of memory\n");
            exit(2);
        }
    }
    r->relids[r->nrelids++] = field;
}

/* A model's fields (from m->first_field on): the field, its attributes and what its type name
 * says, read once; its entry in the model's field table (of bytes, or of words when `wide`: a
 * copy of the loop for each). Returns how many fields are usable. */
static inline __attribute__((always_inline)) uint32_t names_model_fields_in(Resolver *r, uint32_t model, bool wide)
{
    Db *db = r->db;
    struct DbNameTable *nt = r->nt;
    DbModel *m = &db->models[model];
    const Block *b = m->ast;
    bool view = m->is_view;
    uint32_t field = m->first_field;
    FieldTable ftab = ftab_of(db, model);
    /* the codes' array and count in locals (the codes are bytes: stores to them would make the
     * compiler read r's fields again) */
    uint8_t *acodes = r->acodes;
    uint32_t nacodes = r->nacodes, capacodes = r->capacodes, *fcodes = r->fcodes, fbase = r->fbase;
    for (uint32_t i = 0; i < b->nfields; i++) {
        Field *af = b->fields[i];
        if (!field_is_usable(af))
            continue;
        DbField *f = &db->fields[field];
        f->name = f->db_name = af->name;
        f->model = model;
        f->ast = af;
        f->arity = (FieldArity)af->type.arity;
        f->type_id = DB_NONE;
        f->relation = DB_NONE;
        f->def = &db_no_default;
        f->native = &db_no_native;
        ScalarType st;
        if (af->type.unsupported) {
            f->kind = DBF_UNSUPPORTED;
        } else if (scalar_from_name(af->type.name, &st)) {
            f->kind = DBF_SCALAR;
            f->scalar = st;
        } else {
            f->kind = DBF_ERROR;    /* resolved by the type pass, or now */
            if (r->types_now) {
                field_type_resolve(r, f, af->type.name);
                if (f->kind == DBF_RELATION)
                    relids_push(r, field);
            } else {
                r->ftype[field - r->fbase] = af->type.name;
            }
        }
        nt->field_relfield[field] = DB_NONE;
        bool dash;
        uint32_t hash = name_hash32_dash(af->name, &dash);
        if (dash || af->name.len == 0 || (af->name.ptr[0] >= '0' && af->name.ptr[0] <= '9'))
            identifier_error(r, af->name, af->name_span, "field");
        if (!acodes || nacodes + af->nattrs > capacodes) {
            r->capacodes = capacodes = (capacodes + af->nattrs) * 2 + 64;
            r->acodes = acodes = realloc(acodes, capacodes);
            if (!acodes) {
                fprintf(stderr, "prismac: out of memory\n");
                exit(2);
            }
        }
        fcodes[field - fbase] = nacodes;
        if (af->nattrs) {
            check_attr_identifiers(r, af->attrs, af->nattrs, acodes + nacodes);
            nacodes += af->nattrs;
        }
        uint32_t prev = ftab_find(ftab, af->name, hash, true, field, wide);
        if (prev != ftab.base - 1) {        /* base - 1: the name was not there */
            Diag *d = diag_error(r->diags, af->name_span, "the field `%s` is already defined in %s `%s`",
                                 str_c(r->arena, af->name), view ? "view" : "model", str_c(r->arena, b->name));
            diag_note(r->diags, d, db->fields[prev].ast->name_span, "first defined here");
        }
        field++;
    }
    r->nacodes = nacodes;
    return field - m->first_field;
}

static uint32_t names_model_fields(Resolver *r, uint32_t model)
{
    return r->nt->ftab_bits[model] & FTAB_WIDE ? names_model_fields_in(r, model, true)
                                               : names_model_fields_in(r, model, false);
}

/* The blocks are spread over the syntax tree (each where its header was parsed): the passes
 * over all of them ask for the block a few ahead, so that its cache miss overlaps this one's
 * work instead of following it. */
#define BLOCK_PREFETCH_AHEAD 8

static inline void prefetch_block(const Ast *ast, uint32_t bi)
{
    if (bi + BLOCK_PREFETCH_AHEAD < ast->nblocks)
        __builtin_prefetch(ast->blocks[bi + BLOCK_PREFETCH_AHEAD]);
}

/* A model's or view's own name and block attributes (their codes into `codes`, if not NULL). */
static void names_model_block(Resolver *r, const Block *b, uint8_t *codes)
{
    const char *what = b->kind == BLOCK_VIEW ? "view" : "model";
    check_identifier(r, b->name, b->name_span, what);
    if (is_reserved_name(b->name))
        diag_error(r->diags, b->span, "`%s` is a reserved name and cannot name a %s: the generated client uses it",
                   str_c(r->arena, b->name), what);
    check_attr_identifiers(r, b->attrs, b->nattrs, codes);
}

/* `with_fields`: read the models' blocks and fields too (else only their names; the rest is
 * then read by names_model_block and names_model_fields, model by model). */
static void names_pass(Resolver *r, bool with_fields)
{
    Db *db = r->db;
    NameMap *names = &r->nt->names;
    uint32_t model = 0, en = 0, ct = 0, value = 0, field = 0;
    for (uint32_t bi = 0; bi < r->ast->nblocks; bi++) {
        prefetch_block(r->ast, bi);
        Block *b = r->ast->blocks[bi];
        ScalarType st;
        if (scalar_from_name(b->name, &st))
            diag_error(r->diags, b->name_span, "`%s` is the name of a built-in scalar type and cannot name a %s",
                       str_c(r->arena, b->name), top_kind_word(b->kind));
        uint32_t scope = SCOPE_TOPS, value_id = DB_NONE;
        switch (b->kind) {
        case BLOCK_ENUM: {
            DbEnum *e = &db->enums[en];
            e->name = e->db_name = b->name;
            e->ast = b;
            e->first_value = value;
            e->nvalues = b->nvalues;
            for (uint32_t i = 0; i < b->nvalues; i++) {
                DbEnumValue *dv = &db->enum_values[value + i];
                dv->name = dv->db_name = b->values[i]->name;
                dv->ast = b->values[i];
            }
            db->nenums = en + 1;
            db->nenum_values = value + b->nvalues;
            check_identifier(r, b->name, b->name_span, "enum");
            if (is_reserved_name(b->name))
                diag_error(r->diags, b->span, "`%s` is a reserved name and cannot name an enum: the generated client uses it",
                           str_c(r->arena, b->name));
            check_attr_identifiers(r, b->attrs, b->nattrs, NULL);
            for (uint32_t i = 0; i < b->nvalues; i++, value++) {
                EnumValue *v = b->values[i];
                check_identifier(r, v->name, v->name_span, "enum value");
                check_attr_identifiers(r, v->attrs, v->nattrs, NULL);
                /* values are checked for duplicates within their enum: scope = enum id with
                 * the top bits set apart from model ids */
                uint32_t prev = namemap_add(names, 0x40000000u | en, v->name, value);
                if (prev != DB_NONE) {
                    Diag *d = diag_error(r->diags, v->span, "the value `%s` is already defined in enum `%s`",
                                         str_c(r->arena, v->name), str_c(r->arena, b->name));
                    diag_note(r->diags, d, db->enum_values[prev].ast->name_span, "first defined here");
                }
            }
            value_id = (uint32_t)TOP_ENUM << 28 | en;
            en++;
            break;
        }
        case BLOCK_MODEL:
        case BLOCK_VIEW: {
            bool view = b->kind == BLOCK_VIEW;
            DbModel *m = &db->models[model];
            m->name = m->db_name = b->name;
            m->ast = b;
            m->is_view = view;
            m->first_field = field;
            m->pk = DB_NONE;
            if (with_fields) {
                names_model_block(r, b, NULL);
                m->nfields = names_model_fields(r, model);
            } else {
                /* the block and its fields are read later, model by model: every field counts
                 * (a field that did not parse is a syntax error, which the caller has ruled out) */
                m->nfields = b->nfields;
            }
            field += m->nfields;
            db->nfields = field;
            db->nmodels = model + 1;
            value_id = (uint32_t)TOP_MODEL << 28 | model;
            model++;
            break;
        }
        case BLOCK_TYPE:
            db->composite_types[ct].name = b->name;
            db->composite_types[ct].ast = b;
            db->ncomposite_types = ct + 1;
            check_identifier(r, b->name, b->name_span, "composite type");
            for (uint32_t i = 0; i < b->nfields; i++) {
                Field *f = b->fields[i];
                if (!field_is_usable(f))
                    continue;
                r->nt->ctfields[r->nt->nctfields++] = (CtField){f, ct};
                /* keys and relations belong to models */
                for (uint32_t k = 0; k < f->nattrs; k++) {
                    Str an = f->attrs[k]->name;
                    if (str_eq_cstr(an, "id") || str_eq_cstr(an, "unique") || str_eq_cstr(an, "relation"))
                        diag_error(r->diags, f->attrs[k]->span, "`@%s` cannot be used on a field of a composite type",
                                   str_c(r->arena, an));
                }
                if (namemap_put(names, SCOPE_CTFIELD | ct, f->name, i) != DB_NONE)
                    diag_error(r->diags, f->name_span, "the field `%s` is already defined in composite type `%s`",
                               str_c(r->arena, f->name), str_c(r->arena, b->name));
            }
            value_id = (uint32_t)TOP_COMPOSITE << 28 | ct;
            ct++;
            break;
        case BLOCK_DATASOURCE:
        case BLOCK_GENERATOR: {
            /* duplicate keys: scope = block index, apart from every other scope */
            uint32_t keyscope = 0x20000000u | bi;
            for (uint32_t i = 0; i < b->nprops; i++) {
                Property *p = b->props[i];
                if (namemap_add(names, keyscope, p->key, i) != DB_NONE)
                    diag_error(r->diags, p->key_span, "the property `%s` is already defined in %s `%s`",
                               str_c(r->arena, p->key), b->kind == BLOCK_DATASOURCE ? "datasource" : "generator",
                               str_c(r->arena, b->name));
            }
            scope = b->kind == BLOCK_DATASOURCE ? SCOPE_SOURCE : SCOPE_GENERATOR;
            value_id = (uint32_t)TOP_OTHER << 28 | bi;
            break;
        }
        }
        uint32_t prev = namemap_put(names, scope, b->name, value_id);
        if (prev != DB_NONE) {
            /* the kind of what was there first */
            BlockKind pk = BLOCK_MODEL;
            switch (TOP_KIND(prev)) {
            case TOP_MODEL: pk = db->models[TOP_ID(prev)].is_view ? BLOCK_VIEW : BLOCK_MODEL; break;
            case TOP_ENUM: pk = BLOCK_ENUM; break;
            case TOP_COMPOSITE: pk = BLOCK_TYPE; break;
            default: pk = r->ast->blocks[TOP_ID(prev)]->kind; break;
            }
            const Block *first = NULL;
            switch (TOP_KIND(prev)) {
            case TOP_MODEL: first = db->models[TOP_ID(prev)].ast; break;
            case TOP_ENUM: first = db->enums[TOP_ID(prev)].ast; break;
            case TOP_COMPOSITE: first = db->composite_types[TOP_ID(prev)].ast; break;
            default: first = r->ast->blocks[TOP_ID(prev)]; break;
            }
            Diag *d;
            if (pk == b->kind)
                d = diag_error(r->diags, b->name_span, "the %s `%s` is defined twice", top_kind_word(b->kind),
                               str_c(r->arena, b->name));
            else
                d = diag_error(r->diags, b->name_span, "the %s `%s` cannot be defined: a %s has that name",
                               top_kind_word(b->kind), str_c(r->arena, b->name), top_kind_word(pk));
            diag_note(r->diags, d, first->name_span, "the %s `%s` is defined here", top_kind_word(pk),
                      str_c(r->arena, b->name));
        }
    }
}

/* ---- the type pass ----------------------------------------------------------------------- */

static void type_not_found(Resolver *r, const Field *f)
{
    Diag *d = diag_error(r->diags, f->type.span,
                         "unknown type `%s`: it is neither a built-in type nor a model, enum or composite type",
                         str_c(r->arena, f->type.name));
    for (unsigned i = 0; i < sizeof SCALAR_NAMES / sizeof *SCALAR_NAMES; i++)
        if (ascii_ieq(f->type.name, SCALAR_NAMES[i])) {
            diag_note(r->diags, d, f->type.name_span, "did you mean `%s`?", SCALAR_NAMES[i]);
            return;
        }
    /* a near miss among the schema's own types */
    const NameMap *m = &r->nt->names;
    for (uint32_t i = 0; i <= m->mask; i++) {
        const NameEntry *e = &m->slots[i];
        if (e->value != DB_NONE && e->scope == SCOPE_TOPS && TOP_KIND(e->value) != TOP_OTHER &&
            ascii_ieq(f->type.name, str_c(r->arena, e->name))) {
            diag_note(r->diags, d, f->type.name_span, "did you mean `%s`?", str_c(r->arena, e->name));
            return;
        }
    }
}

/* The types of a model's fields that are not scalars: models, enums, composite types. */
static void types_model_fields(Resolver *r, uint32_t model)
{
    Db *db = r->db;
    const DbModel *dm = &db->models[model];
    for (uint32_t i = 0; i < dm->nfields; i++) {
        uint32_t fid = dm->first_field + i;
        DbField *f = &db->fields[fid];
        if (f->kind != DBF_ERROR)
            continue;       /* a scalar or Unsupported: read by the name pass */
        field_type_resolve(r, f, r->ftype[fid - r->fbase]);
    }
}

/* `with_models`: the fields of models too (else only enums and composite types). */
static void types_pass(Resolver *r, bool with_models)
{
    uint32_t model = 0;
    for (uint32_t bi = 0; bi < r->ast->nblocks; bi++) {
        prefetch_block(r->ast, bi);
        Block *b = r->ast->blocks[bi];
        if (b->kind == BLOCK_MODEL || b->kind == BLOCK_VIEW) {
            if (with_models)
                types_model_fields(r, model);
            model++;
        } else if (b->kind == BLOCK_ENUM) {
            if (b->nvalues == 0)
                diag_error(r->diags, b->span, "the enum `%s` has no values: an enum needs at least one",
                           str_c(r->arena, b->name));
        } else if (b->kind == BLOCK_TYPE) {
            for (uint32_t i = 0; i < b->nfields; i++) {
                const Field *af = b->fields[i];
                if (!field_is_usable(af))
                    continue;
                ScalarType st;
                if (af->type.unsupported || scalar_from_name(af->type.name, &st))
                    continue;
                uint32_t v = namemap_get(&r->nt->names, SCOPE_TOPS, af->type.name);
                if (v == DB_NONE || TOP_KIND(v) == TOP_OTHER)
                    type_not_found(r, af);
                else if (TOP_KIND(v) == TOP_MODEL)
                    diag_error(r->diags, af->type.span,
                               "composite type `%s` cannot hold a relation: `%s` is a model",
                               str_c(r->arena, b->name), str_c(r->arena, af->type.name));
            }
        }
    }
}

/* ---- building the Db --------------------------------------------------------------------- */

/* Sizes from the blocks' own counts (fields that did not parse are dropped later: these are
 * upper bounds), so that the name pass reads every field once. */
static void db_allocate(Resolver *r)
{
    Db *db = r->db;
    Ast *ast = r->ast;
    uint32_t nmodels = 0, nfields = 0, nenums = 0, nvalues = 0, ncts = 0, nctfields = 0, nprops = 0, ftab8 = 0,
             ftab32 = 0;
    for (uint32_t bi = 0; bi < ast->nblocks; bi++) {
        prefetch_block(ast, bi);
        Block *b = ast->blocks[bi];
        switch (b->kind) {
        case BLOCK_MODEL:
        case BLOCK_VIEW: {
            nmodels++;
            nfields += b->nfields;
            uint8_t bits = 2;
            while ((1u << bits) < b->nfields * 2)
                bits++;
            if (b->nfields <= FTAB_NARROW_MAX)
                ftab8 += 1u << bits;
            else
                ftab32 += 1u << bits;
            break;
        }
        case BLOCK_ENUM:
            nenums++;
            nvalues += b->nvalues;
            break;
        case BLOCK_TYPE:
            ncts++;
            nctfields += b->nfields;
            break;
        default:
            nprops += b->nprops;
            break;
        }
    }
    Arena *a = r->arena;
    struct DbNameTable *nt = r->nt;
    size_t fcount = nfields ? nfields : 1;
    /* What the serial passes write first, together (fresh pages are zeroed as they are first
     * touched: on the main thread, as few as can be) ... */
    db->models = arena_alloc(a, (size_t)(nmodels ? nmodels : 1) * sizeof *db->models);
    db->enums = arena_alloc(a, (size_t)(nenums ? nenums : 1) * sizeof *db->enums);
    db->enum_values = arena_alloc(a, (size_t)(nvalues ? nvalues : 1) * sizeof *db->enum_values);
    db->composite_types = arena_alloc(a, (size_t)(ncts ? ncts : 1) * sizeof *db->composite_types);
    namemap_init(&nt->names, a, ast->nblocks + nvalues + nctfields + nprops);
    nt->enum_schema_span = arena_alloc(a, (size_t)(nenums ? nenums : 1) * sizeof(Span));
    nt->ctfields = arena_alloc(a, (size_t)(nctfields ? nctfields : 1) * sizeof *nt->ctfields);
    nt->ftab_first = arena_alloc_raw(a, (size_t)(nmodels ? nmodels : 1) * sizeof *nt->ftab_first);
    nt->ftab_bits = arena_alloc_raw(a, (size_t)(nmodels ? nmodels : 1));
    /* ... then what the models' passes write, on the resolution threads when it is large */
    db->fields = arena_alloc(a, fcount * sizeof *db->fields);
    nt->field_relfield = arena_alloc_raw(a, fcount * sizeof(uint32_t));
    nt->model_schema_span = arena_alloc(a, (size_t)(nmodels ? nmodels : 1) * sizeof(Span));
    nt->model_map_attr = arena_alloc(a, (size_t)(nmodels ? nmodels : 1) * sizeof(const Attribute *));
    nt->model_autoinc = arena_alloc(a, nmodels ? nmodels : 1);
    /* zeroed: empty */
    nt->ftab8 = arena_alloc(a, ftab8 ? ftab8 : 1);
    nt->ftab32 = ftab32 ? arena_alloc(a, (size_t)ftab32 * sizeof *nt->ftab32) : NULL;
    uint32_t total8 = 0, total32 = 0, mi = 0;
    for (uint32_t bi = 0; bi < ast->nblocks; bi++) {
        prefetch_block(ast, bi);
        Block *b = ast->blocks[bi];
        if (b->kind != BLOCK_MODEL && b->kind != BLOCK_VIEW)
            continue;
        uint8_t bits = 2;
        while ((1u << bits) < b->nfields * 2)
            bits++;
        if (b->nfields <= FTAB_NARROW_MAX) {
            nt->ftab_first[mi] = total8;
            nt->ftab_bits[mi++] = bits;
            total8 += 1u << bits;
        } else {
            nt->ftab_first[mi] = total32;
            nt->ftab_bits[mi++] = bits | FTAB_WIDE;
            total32 += 1u << bits;
        }
    }
}

/* ---- the resolver ------------------------------------------------------------------------ */

/* Fields of models and views, as parsed (an upper bound of the Db's fields). */
static size_t db_field_capacity(const Ast *ast)
{
    size_t n = 0;
    for (uint32_t i = 0; i < ast->nblocks; i++) {
        prefetch_block(ast, i);
        if (ast->blocks[i]->kind == BLOCK_MODEL || ast->blocks[i]->kind == BLOCK_VIEW)
            n += ast->blocks[i]->nfields;
    }
    return n;
}

static Db *db_new(Ast *ast)
{
    Arena *a = ast->arena;
    Db *db = arena_alloc(a, sizeof *db);
    db->ast = ast;
    db->arena = a;
    db->provider = PROVIDER_NONE;
    db->names = arena_alloc(a, sizeof *db->names);
    return db;
}

/* Every pass in Prisma's order, each over the whole schema: the passes report in that order. */
static Db *resolve_in_order(Ast *ast, Diags *diags)
{
    Db *db = db_new(ast);
    Resolver r = {.db = db, .ast = ast, .arena = ast->arena, .diags = diags, .nt = db->names};
    db_allocate(&r);
    size_t nfields = db_field_capacity(ast);
    r.fcodes = malloc((nfields + 1) * sizeof *r.fcodes);
    r.ftype = malloc((nfields + 1) * sizeof *r.ftype);
    if (!r.fcodes || !r.ftype) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    names_pass(&r, true);
    types_pass(&r, true);
    resolve_attributes(&r);
    free(r.acodes);     /* only the attribute pass reads them */
    free(r.fcodes);
    free(r.ftype);
    resolve_relations(&r);
    db->resolve_errors = diags->errors > 0;
    uint32_t before_config = diags->errors;
    resolve_config(&r);
    db->config_errors = diags->errors > before_config;
    return db;
}

/* A share of the models, resolved model by model on one thread: the name and type passes of
 * its fields, then the attributes of its scalar fields and its block attributes (what a model's
 * attributes read is its own fields, the names of the schema's blocks and enum values; a
 * relation field's attributes, read afterwards, read the model it points to). Each share has
 * its own arena, diagnostics and output arrays. */
typedef struct ModelShare {
    Resolver r;
    Arena arena;
    Diags diags;
    uint32_t first, end;        /* models [first, end) */
    uint32_t relbase;           /* its relation fields (r.relids): nt->relfields[relbase ..] */
    uint32_t index_base, ifield_base;   /* where its indexes go in Db.indexes, Db.index_fields */
    bool failed;                /* a field did not parse (a syntax error the caller missed) */
} ModelShare;

static void *resolve_share(void *arg)
{
    ModelShare *sh = arg;
    Resolver *r = &sh->r;
    Db *db = r->db;
    uint32_t nfields = sh->end > sh->first ? db->models[sh->end - 1].first_field + db->models[sh->end - 1].nfields -
                                                 db->models[sh->first].first_field
                                           : 0;
    /* its fields' defaults and native types, about 48 bytes a field: on the pool's huge pages
     * from the start */
    arena_reserve(&sh->arena, (size_t)nfields * 64);
    /* room for the indexes of a schema with one for every fourth field (a typical one has one
     * for every fifth or sixth; more: the arrays grow). Pool memory, backed ahead: room
     * reserved and never used is zeroed for nothing. */
    resolve_output_reserve(r, nfields / 4 + 16, nfields / 4 + 16);
    AttrCtx *ac = resolve_attr_ctx_new(r);
    uint32_t most = 0;
    for (uint32_t m = sh->first; m < sh->end; m++)
        most = db->models[m].nfields > most ? db->models[m].nfields : most;
    r->fcodes = malloc((most + 1) * sizeof *r->fcodes);
    r->types_now = true;        /* every top-level name is known: no r->ftype */
    if (!r->fcodes) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    for (uint32_t m = sh->first; m < sh->end && !sh->diags.count && !sh->failed; m++) {
        const DbModel *dm = &db->models[m];
        /* the codes of this model's block attributes, then of its fields */
        uint32_t nb = dm->ast->nattrs;
        if (nb + 1 > r->capacodes) {
            r->capacodes = nb * 2 + 64;
            r->acodes = realloc(r->acodes, r->capacodes);
            if (!r->acodes) {
                fprintf(stderr, "prismac: out of memory\n");
                exit(2);
            }
        }
        r->fbase = dm->first_field;
        names_model_block(r, dm->ast, r->acodes);
        r->nacodes = nb;
        r->block_codes = true;
        if (names_model_fields(r, m) != dm->nfields) {
            sh->failed = true;
            break;
        }
        if (sh->diags.count)
            break;
        resolve_model_attributes(ac, m);
    }
    resolve_attr_ctx_free(ac);
    free(r->acodes);
    free(r->fcodes);
    r->acodes = NULL;
    r->fcodes = NULL;
    return NULL;
}

/* Then its indexes into their place in the Db, and the attributes of its relation fields (once
 * every share's models are resolved: they read the models the fields point to). */
static void *resolve_share_relations(void *arg)
{
    ModelShare *sh = arg;
    Db *db = sh->r.db;
    struct DbNameTable *nt = sh->r.nt;
    resolve_output_place(&sh->r, sh->index_base, sh->ifield_base);
    for (uint32_t m = sh->first; m < sh->end && sh->index_base; m++) {
        db->models[m].first_index += sh->index_base;
        if (db->models[m].pk != DB_NONE)
            db->models[m].pk += sh->index_base;
    }
    /* its entries of nt->relfields, in order */
    for (uint32_t i = 0; i < sh->r.nrelids; i++) {
        const DbField *f = &db->fields[sh->r.relids[i]];
        RelField *rf = &nt->relfields[sh->relbase + i];
        rf->field = sh->r.relids[i];
        rf->model = f->model;
        rf->target = f->type_id;
        nt->field_relfield[rf->field] = sh->relbase + i;
    }
    AttrCtx *ac = resolve_attr_ctx_new(&sh->r);
    for (uint32_t i = 0; i < sh->r.nrelids && !sh->diags.count; i++)
        resolve_relation_field_attributes(ac, &nt->relfields[sh->relbase + i], NULL);
    resolve_attr_ctx_free(ac);
    return NULL;
}

static bool shares_ok(const ModelShare *shares, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (shares[i].failed || shares[i].diags.count)
            return false;
    return true;
}

/* Models are shared out by their fields, in file order, so that the shares take about as long. */
static uint32_t share_split(const Db *db, uint32_t nshares, uint32_t k)
{
    uint64_t want = (uint64_t)db->nfields * k / nshares;
    uint32_t m = 0;
    while (m < db->nmodels && db->models[m].first_field < want)
        m++;
    return m;
}

/* Shares per thread when resolving on several: the threads take them in turn, so that one
 * started late or preempted by the host does not keep the other waiting for half the models. */
#define RESOLVE_SHARES_PER_THREAD 2

/* The passes resolved model by model, the models shared out over `threads` threads. Only for a
 * schema that resolves without a diagnostic: the passes then have nothing to report, so their
 * order does not show. NULL when something was reported (then nothing of this reaches `diags`,
 * and the caller resolves the schema again in Prisma's order). */
static Db *resolve_by_model(Ast *ast, Diags *diags, uint32_t threads)
{
    Db *db = db_new(ast);
    Diags scratch;
    diags_init(&scratch, ast->arena);
    Resolver r = {.db = db, .ast = ast, .arena = ast->arena, .diags = &scratch, .nt = db->names};
    struct DbNameTable *nt = db->names;
    db_allocate(&r);
    names_pass(&r, false);      /* the blocks; their fields model by model below */
    types_pass(&r, false);
    if (scratch.count)
        return NULL;

    uint32_t nshares = threads > 1 ? threads * RESOLVE_SHARES_PER_THREAD : 1;
    if (nshares > db->nmodels)
        nshares = db->nmodels ? db->nmodels : 1;
    ModelShare *shares = calloc(nshares, sizeof *shares);
    if (!shares) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    for (uint32_t i = 0; i < nshares; i++) {
        ModelShare *sh = &shares[i];
        sh->first = share_split(db, nshares, i);
        sh->end = i + 1 == nshares ? db->nmodels : share_split(db, nshares, i + 1);
        arena_init(&sh->arena);
        diags_init(&sh->diags, &sh->arena);
        sh->r = (Resolver){.db = db, .ast = ast, .arena = &sh->arena, .diags = &sh->diags, .nt = nt};
    }
    parallel_run_shared(shares, sizeof *shares, nshares, threads, resolve_share);
    bool ok = shares_ok(shares, nshares);
    if (ok) {
        /* the relation fields and the indexes in file order: each share fills its own part */
        uint32_t nrel = 0, nidx = 0, nifields = 0;
        for (uint32_t i = 0; i < nshares; i++) {
            shares[i].relbase = nrel;
            nrel += shares[i].r.nrelids;
            shares[i].index_base = nidx;
            nidx += shares[i].r.nindexes;
            shares[i].ifield_base = nifields;
            nifields += shares[i].r.nindex_fields;
        }
        nt->relfields = arena_alloc(ast->arena, (size_t)(nrel ? nrel : 1) * sizeof *nt->relfields);
        nt->nrelfields = nrel;
        resolve_output_reserve_db(&r, nidx, nifields);
        parallel_run_shared(shares, sizeof *shares, nshares, threads, resolve_share_relations);
        db->nindexes = nidx;
        db->nindex_fields = nifields;
        ok = shares_ok(shares, nshares);
    }
    if (ok) {
        /* what else the shares made (rare: unknown default functions), appended in file order */
        for (uint32_t i = 0; i < nshares; i++)
            resolve_output_move(&r, &shares[i].r);
    } else {
        for (uint32_t i = 0; i < nshares; i++) {
            arena_big_free(shares[i].r.indexes, (size_t)shares[i].r.cap_indexes * sizeof *shares[i].r.indexes);
            arena_big_free(shares[i].r.index_fields,
                           (size_t)shares[i].r.cap_index_fields * sizeof *shares[i].r.index_fields);
            free(shares[i].r.unknown_fn_fields);
        }
    }
    for (uint32_t i = 0; i < nshares; i++) {
        free(shares[i].r.relids);
        if (ok)
            arena_adopt(ast->arena, &shares[i].arena);
        else
            arena_free(&shares[i].arena);
    }
    free(shares);
    if (!ok)
        return NULL;

    /* enums and composite types */
    AttrCtx *ac = resolve_attr_ctx_new(&r);
    for (uint32_t i = 0; i < db->nenums; i++)
        resolve_enum_attributes(ac, i);
    for (uint32_t i = 0; i < db->ncomposite_types; i++)
        resolve_composite_type_attributes(ac, i);
    resolve_attr_ctx_free(ac);
    if (scratch.count)
        return NULL;
    resolve_relations(&r);
    if (scratch.count)
        return NULL;
    db->resolve_errors = diags->errors > 0;
    r.diags = diags;
    uint32_t before_config = diags->errors;
    resolve_config(&r);
    db->config_errors = diags->errors > before_config;
    return db;
}

DbResolveOptions db_resolve_options_default(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    DbResolveOptions opt = {.threads = cpus > 1 ? (uint32_t)(cpus < 8 ? cpus : 8) : 1, .min_fields_per_thread = 8192};
    return opt;
}

Db *db_resolve_with(Ast *ast, Diags *diags, const DbResolveOptions *opt)
{
    /* a schema that parsed without error is resolved model by model (on several threads when
     * it is large); if that reports anything, it is resolved again pass by pass, as Prisma
     * reports */
    if (diags->count == 0 && opt->threads) {
        size_t nfields = db_field_capacity(ast);
        uint32_t per = opt->min_fields_per_thread ? opt->min_fields_per_thread : 1;
        uint32_t threads = opt->threads > 1 ? (uint32_t)(nfields / per) : 1;
        if (threads > opt->threads)
            threads = opt->threads;
        Db *db = resolve_by_model(ast, diags, threads ? threads : 1);
        if (db)
            return db;
    }
    return resolve_in_order(ast, diags);
}

Db *db_resolve(Ast *ast, Diags *diags)
{
    DbResolveOptions opt = db_resolve_options_default();
    return db_resolve_with(ast, diags, &opt);
}
