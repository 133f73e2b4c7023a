/* Validation: the rules `prisma validate` applies once the schema resolved without error, for
 * the provider's capabilities (Prisma's validation pipeline, in its order):
 *   composite types, unknown default functions, the datasource, table names, then each model
 *   (models first, then views): unique criteria, keys, @@schema, indexes of the provider,
 *   autoincrement, each scalar field (lists, native types, default values), each relation field
 *   (an ambiguous relation stops everything), each index; then enums; then each relation.
 * The relation checks are in validate_relations.c; native types, default values and
 * PostgreSQL's index rules in validate_types.c. */
#include "resolve_internal.h"
#include "prismac/parallel.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- providers ----------------------------------------------------------------------------- */

enum {
    CAP_SCALAR_LISTS = 1u << 0,
    CAP_JSON = 1u << 1,
    CAP_JSON_LISTS = 1u << 2,
    CAP_ENUMS = 1u << 3,
    CAP_DECIMAL = 1u << 4,
    CAP_NAMED_PK = 1u << 5,
    CAP_NAMED_FK = 1u << 6,
    CAP_MULTI_SCHEMA = 1u << 7,
    CAP_AUTOINC_NON_ID = 1u << 8,
    CAP_AUTOINC_MULTIPLE = 1u << 9,
    CAP_AUTOINC_NON_INDEXED = 1u << 10,
    CAP_SET_NULL_NON_NULLABLE = 1u << 11,   /* with foreign keys */
    CAP_ALL_INDEX_TYPES = 1u << 12,         /* BTree, Hash, Gist, Gin, SpGist, Brin */
};

/* Constraint-name namespaces (Prisma's ConstraintScope). */
enum {
    SCOPE_GLOBAL_KEY_INDEX = 1,             /* SQLite: indexes and uniques, whole schema */
    SCOPE_GLOBAL_PK_KEY_INDEX = 2,          /* PostgreSQL: pk, indexes, uniques, per schema */
    SCOPE_MODEL_PK_KEY_INDEX_FK = 3,        /* PostgreSQL: pk, indexes, uniques, fks, per table */
};

struct Connector {
    const char *name;           /* as messages name it */
    DbProvider provider;
    uint32_t caps;
    uint32_t max_ident;         /* bytes; 0 = no limit */
    uint8_t scopes[2];
};

static const Connector CONN_POSTGRES = {
    "PostgreSQL", PROVIDER_POSTGRESQL,
    CAP_SCALAR_LISTS | CAP_JSON | CAP_JSON_LISTS | CAP_ENUMS | CAP_DECIMAL | CAP_NAMED_PK | CAP_NAMED_FK |
        CAP_MULTI_SCHEMA | CAP_AUTOINC_NON_ID | CAP_AUTOINC_MULTIPLE | CAP_AUTOINC_NON_INDEXED |
        CAP_SET_NULL_NON_NULLABLE | CAP_ALL_INDEX_TYPES,
    63, {SCOPE_GLOBAL_PK_KEY_INDEX, SCOPE_MODEL_PK_KEY_INDEX_FK}};

static const Connector CONN_SQLITE = {"SQLite", PROVIDER_SQLITE, CAP_JSON | CAP_ENUMS | CAP_DECIMAL, 10000,
                                      {SCOPE_GLOBAL_KEY_INDEX, 0}};

/* No datasource: Prisma's empty connector. */
static const Connector CONN_NONE = {"the default connector (no datasource)", PROVIDER_NONE, CAP_JSON | CAP_ENUMS, 0,
                                    {0, 0}};

static bool has_cap(const Validator *v, uint32_t cap)
{
    return (v->conn->caps & cap) != 0;
}

bool validate_has_errors(const Validator *v)
{
    return v->diags->errors > v->errors_at_start;
}

#define S(x) str_c(v->arena, (x))

/* ---- constraint names ---------------------------------------------------------------------- */

/* Copies a name's bytes: up to 16 of them with two overlapping loads and stores (no call). */
static inline char *put_name(char *p, Str s)
{
    uint32_t n = s.len;
    if (n - 8u <= 8u) {
        uint64_t a, b;
        memcpy(&a, s.ptr, 8);
        memcpy(&b, s.ptr + n - 8, 8);
        memcpy(p, &a, 8);
        memcpy(p + n - 8, &b, 8);
    } else if (n - 4u < 4u) {
        uint32_t a, b;
        memcpy(&a, s.ptr, 4);
        memcpy(&b, s.ptr + n - 4, 4);
        memcpy(p, &a, 4);
        memcpy(p + n - 4, &b, 4);
    } else if (n > 16) {
        memcpy(p, s.ptr, n);
    } else if (n) {
        p[0] = s.ptr[0];
        p[n >> 1] = s.ptr[n >> 1];
        p[n - 1] = s.ptr[n - 1];
    }
    return p + n;
}

/* Prisma's default names ("Table_a_b_key"), built without printf: the parts are joined, the
 * result cut to the provider's identifier limit (minus the suffix) at a UTF-8 boundary, then
 * the suffix (`slen` bytes) appended. The columns (with_cols) are the db_names of the fields
 * whose ids are at `ids`, `stride` bytes apart (index fields, foreign-key pairs), up to 64. */
static inline __attribute__((always_inline)) Str default_name(Validator *v, char *scratch, size_t capscratch, Str table,
                                                              const void *ids, size_t stride, uint32_t n, bool with_cols,
                                                              const char *suffix, size_t slen)
{
    const DbField *fields = v->db->fields;
    if (n > 64)
        n = 64;
#define COL(i) fields[*(const uint32_t *)((const char *)ids + (size_t)(i) * stride)].db_name
    size_t len = table.len;
    if (with_cols) {
        len += 1;
        for (uint32_t i = 0; i < n; i++)
            len += COL(i).len + (i ? 1 : 0);
    }
    /* into the caller's scratch buffer when it is given and large enough */
    char *buf = scratch && len + slen + 1 <= capscratch ? scratch : arena_alloc_raw(v->arena, len + slen + 1);
    char *p = put_name(buf, table);
    if (with_cols) {
        *p++ = '_';
        for (uint32_t i = 0; i < n; i++) {
            if (i)
                *p++ = '_';
            p = put_name(p, COL(i));
        }
    }
#undef COL
    if (v->conn->max_ident && len >= v->conn->max_ident - slen) {
        len = v->conn->max_ident - slen;
        while (len > 0 && ((unsigned char)buf[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(buf + len, suffix, slen + 1);
    return (Str){buf, (uint32_t)(len + slen)};
}

/* The constraint names: in `scratch` when given and large enough, else in the arena. */
static Str index_constraint_name(Validator *v, const DbIndex *idx, char *scratch, size_t capscratch)
{
    if (idx->map.len)
        return idx->map;
    const Db *db = v->db;
    const void *ids = idx->nfields ? &db->index_fields[idx->first_field].field : NULL;
    return default_name(v, scratch, capscratch, db->models[idx->model].db_name, ids, sizeof(DbIndexField), idx->nfields,
                        true, idx->kind == DBIDX_UNIQUE ? "_key" : "_idx", 4);
}

/* Providers without named primary keys have no pk name. */
static bool pk_constraint_name(Validator *v, const DbModel *m, Str *out, char *scratch, size_t capscratch)
{
    if (!has_cap(v, CAP_NAMED_PK) || m->pk == DB_NONE)
        return false;
    const DbIndex *pk = &v->db->indexes[m->pk];
    *out = pk->map.len ? pk->map : default_name(v, scratch, capscratch, m->db_name, NULL, 0, 0, false, "_pkey", 5);
    return true;
}

static Str fk_constraint_name(Validator *v, const DbRelation *rel, char *scratch, size_t capscratch)
{
    if (rel->map.len)
        return rel->map;
    const Db *db = v->db;
    const void *ids = rel->nfk ? &db->fk_pairs[rel->first_fk].field : NULL;
    return default_name(v, scratch, capscratch, db->models[rel->model_a].db_name, ids, sizeof(DbFkPair), rel->nfk, true,
                        "_fkey", 5);
}

/* The names of the schema that must be unique in some namespace, computed once. */
typedef struct Names {
    NameMap counts;             /* namespace key -> occurrences */
    bool dup;                   /* some namespace holds a name twice */
    Str *index_name;            /* per Db index (not primary keys) */
    Str *pk_name;               /* per model; .ptr NULL: none */
    Str *fk_name;               /* per relation (inline ones) */
} Names;

#define NS_GLOBAL 0xFFFFFF00u   /* | scope: global namespaces; key = [schema \0] name */
#define NS_CUSTOM 0x40000000u   /* | model: client names of @@id / @@unique */
#define NS_LOCAL(scope, model) ((uint32_t)(scope) << 28 | (model))

static Str global_key(Validator *v, Str schema, Str name)
{
    if (!schema.len)
        return name;
    char *k = arena_alloc_raw(v->arena, schema.len + 1 + name.len);
    memcpy(k, schema.ptr, schema.len);
    k[schema.len] = '\0';
    memcpy(k + schema.len + 1, name.ptr, name.len);
    return (Str){k, schema.len + 1 + name.len};
}

static bool conn_has_scope(const Validator *v, uint8_t s)
{
    return v->conn->scopes[0] == s || v->conn->scopes[1] == s;
}

/* Inline relations a model holds, as Prisma's relations_from() lists them: the model whose
 * field created the relation. */
static uint32_t relation_owner(const DbRelation *rel)
{
    return rel->field_a != DB_NONE ? rel->model_a : rel->model_b;
}

static void ns_count(Validator *v, Names *nm, uint8_t scope, uint32_t model, Str name)
{
    const DbModel *m = &v->db->models[model];
    uint32_t c = scope == SCOPE_MODEL_PK_KEY_INDEX_FK ? namemap_count(&nm->counts, NS_LOCAL(scope, model), name)
                                                      : namemap_count(&nm->counts, NS_GLOBAL | scope, global_key(v, m->schema, name));
    nm->dup |= c > 1;
}

/* A name's fingerprint (never 0), and the same within a schema (equal names in equal schemas
 * have equal fingerprints). */
static uint64_t fingerprint(Str name)
{
    uint64_t h = hash64_name(0x9E3779B97F4A7C15ull, name);
    h *= 0x94D049BB133111EBull;
    h ^= h >> 29;
    return h | 1;
}

static uint64_t fingerprint_in(Str schema, uint64_t fp)
{
    if (!schema.len)
        return fp;
    uint64_t h = (hash64_name(0xD6E8FEB86659FD93ull, schema) ^ fp) * 0x94D049BB133111EBull;
    h ^= h >> 29;
    return h | 1;
}

/* A set of fingerprints (0 = empty slot); true when one was already there. */
static bool fp_insert(uint64_t *tab, uint32_t mask, uint64_t fp)
{
    for (uint32_t i = (uint32_t)fp & mask;; i = (i + 1) & mask) {
        if (tab[i] == fp)
            return true;
        if (!tab[i]) {
            tab[i] = fp;
            return false;
        }
    }
}

/* The fingerprints of the constraint names (names_fingerprints). */
typedef struct NameFps {
    uint64_t *index;            /* per Db index (not primary keys) */
    uint64_t *pk;               /* per model; 0: no primary key name */
    uint64_t *fk;               /* per relation (inline ones) */
} NameFps;

static void name_fps_alloc(const Db *db, NameFps *fp)
{
    fp->index = malloc(((size_t)db->nindexes + 1) * sizeof *fp->index);
    fp->pk = malloc(((size_t)db->nmodels + 1) * sizeof *fp->pk);
    fp->fk = malloc(((size_t)db->nrelations + 1) * sizeof *fp->fk);
    if (!fp->index || !fp->pk || !fp->fk) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
}

static void name_fps_free(NameFps *fp)
{
    free(fp->index);
    free(fp->pk);
    free(fp->fk);
}

/* The names written one after the other into a scratch buffer, fingerprinted and dropped:
 * only a schema where some may repeat needs them kept (names_count). A model's primary key and
 * indexes, then relations [lo, hi): the pieces can be filled on several threads. */
static void name_fps_model(Validator *v, NameFps *fp, uint32_t m)
{
    const Db *db = v->db;
    const DbModel *dm = &db->models[m];
    char scratch[512];
    Str name;
    fp->pk[m] = pk_constraint_name(v, dm, &name, scratch, sizeof scratch) ? fingerprint(name) : 0;
    for (uint32_t i = 0; i < dm->nindexes; i++)
        fp->index[dm->first_index + i] =
            fingerprint(index_constraint_name(v, &db->indexes[dm->first_index + i], scratch, sizeof scratch));
}

static void name_fps_relations(Validator *v, NameFps *fp, uint32_t lo, uint32_t hi)
{
    const Db *db = v->db;
    char scratch[512];
    for (uint32_t i = lo; i < hi; i++)
        fp->fk[i] = db->relations[i].kind != DBREL_MANY_TO_MANY
                        ? fingerprint(fk_constraint_name(v, &db->relations[i], scratch, sizeof scratch))
                        : 0;
}

/* Might some constraint name repeat in one of the provider's namespaces? Decided cheaply
 * (64-bit fingerprints over the schema, then within each table) so that exact counting runs
 * only when a clash is possible, which in a valid schema it never is. */
static bool names_may_repeat(Validator *v, const NameFps *fp)
{
    const Db *db = v->db;
    bool global = conn_has_scope(v, SCOPE_GLOBAL_KEY_INDEX) || conn_has_scope(v, SCOPE_GLOBAL_PK_KEY_INDEX);
    bool pks = conn_has_scope(v, SCOPE_GLOBAL_PK_KEY_INDEX);
    bool local = conn_has_scope(v, SCOPE_MODEL_PK_KEY_INDEX_FK);
    bool hit = false;
    if (global) {
        uint32_t cap = 16;
        while (cap < (db->nindexes + db->nmodels) * 2)
            cap <<= 1;
        /* half a megabyte for a large schema: from the arena, whose next pages later stages
         * use anyway, rather than a mapping of its own zeroed for this alone */
        uint64_t *tab = arena_alloc(v->arena, cap * sizeof *tab);
        for (uint32_t m = 0; m < db->nmodels && !hit; m++) {
            const DbModel *dm = &db->models[m];
            if (pks && fp->pk[m])
                hit |= fp_insert(tab, cap - 1, fingerprint_in(dm->schema, fp->pk[m]));
            for (uint32_t i = 0; i < dm->nindexes && !hit; i++)
                hit |= fp_insert(tab, cap - 1, fingerprint_in(dm->schema, fp->index[dm->first_index + i]));
        }
    }
    if (local && !hit) {
        /* each table's names: primary key, indexes, and the foreign keys it owns */
        uint32_t *first = calloc(db->nmodels + 1, sizeof *first), *list = malloc((db->nrelations + 1) * sizeof *list);
        for (uint32_t i = 0; i < db->nrelations; i++)
            if (db->relations[i].kind != DBREL_MANY_TO_MANY)
                first[relation_owner(&db->relations[i]) + 1]++;
        for (uint32_t m = 0; m < db->nmodels; m++)
            first[m + 1] += first[m];
        uint32_t *fill = calloc(db->nmodels + 1, sizeof *fill);
        for (uint32_t i = 0; i < db->nrelations; i++)
            if (db->relations[i].kind != DBREL_MANY_TO_MANY) {
                uint32_t o = relation_owner(&db->relations[i]);
                list[first[o] + fill[o]++] = i;
            }
        uint64_t *names = NULL;
        uint32_t capnames = 0;
        /* the global check (no hit) covered each schema's primary keys and indexes: within a
         * table, only its foreign keys can clash with a name */
        bool fks_only = global && pks;
        for (uint32_t m = 0; m < db->nmodels && !hit; m++) {
            const DbModel *dm = &db->models[m];
            if (fks_only && (dm->is_view || first[m + 1] == first[m]))
                continue;
            uint32_t k = 0, need = 1 + dm->nindexes + (first[m + 1] - first[m]);
            if (need > capnames) {
                capnames = need * 2;
                names = realloc(names, capnames * sizeof *names);
            }
            if (fp->pk[m])
                names[k++] = fp->pk[m];
            for (uint32_t i = 0; i < dm->nindexes; i++)
                names[k++] = fp->index[dm->first_index + i];
            if (!dm->is_view)
                for (uint32_t i = first[m]; i < first[m + 1]; i++)
                    names[k++] = fp->fk[list[i]];
            if (k <= 32) {
                /* each name against those before it (only the foreign keys' when fks_only) */
                uint32_t from = fks_only ? k - (first[m + 1] - first[m]) : 1;
                for (uint32_t j = from; j < k && !hit; j++)
                    for (uint32_t i = 0; i < j && !hit; i++)
                        hit = names[i] == names[j];
            } else {
                uint32_t cap = 16;
                while (cap < k * 2)
                    cap <<= 1;
                uint64_t *tab = calloc(cap, sizeof *tab);
                for (uint32_t i = 0; i < k && !hit; i++)
                    hit = fp_insert(tab, cap - 1, names[i]);
                free(tab);
            }
        }
        free(names);
        free(first);
        free(fill);
        free(list);
    }
    return hit;
}

/* The constraint names, counted in their namespaces when `exact` (some may repeat; else none is
 * kept: nothing reads them unless `dup`), and the client names of @@id and @@unique. */
static void names_count(Validator *v, Names *nm, bool exact)
{
    Db *db = v->db;
    nm->dup = false;
    nm->index_name = NULL;
    nm->pk_name = NULL;
    nm->fk_name = NULL;
    if (exact) {
        nm->index_name = arena_alloc(v->arena, (size_t)(db->nindexes ? db->nindexes : 1) * sizeof(Str));
        nm->pk_name = arena_alloc(v->arena, (size_t)(db->nmodels ? db->nmodels : 1) * sizeof(Str));
        nm->fk_name = arena_alloc(v->arena, (size_t)(db->nrelations ? db->nrelations : 1) * sizeof(Str));
        for (uint32_t m = 0; m < db->nmodels; m++) {
            const DbModel *dm = &db->models[m];
            Str name;
            if (pk_constraint_name(v, dm, &name, NULL, 0))
                nm->pk_name[m] = name;
            for (uint32_t i = 0; i < dm->nindexes; i++)
                nm->index_name[dm->first_index + i] = index_constraint_name(v, &db->indexes[dm->first_index + i], NULL, 0);
        }
        for (uint32_t i = 0; i < db->nrelations; i++)
            if (db->relations[i].kind != DBREL_MANY_TO_MANY)
                nm->fk_name[i] = fk_constraint_name(v, &db->relations[i], NULL, 0);
    }

    uint32_t ncustom = 0;
    for (uint32_t m = 0; m < db->nmodels; m++) {
        const DbModel *dm = &db->models[m];
        ncustom += dm->pk != DB_NONE && db->indexes[dm->pk].name.len;
        for (uint32_t i = 0; i < dm->nindexes; i++)
            ncustom += db->indexes[dm->first_index + i].name.len > 0;
    }
    uint32_t expect = ncustom + 16 + (exact ? db->nindexes * 2 + db->nrelations + db->nmodels * 3 : 0);
    namemap_init(&nm->counts, v->arena, expect);
    for (uint32_t s = 0; exact && s < 2; s++) {
        uint8_t scope = v->conn->scopes[s];
        if (!scope)
            continue;
        bool pks = scope == SCOPE_GLOBAL_PK_KEY_INDEX || scope == SCOPE_MODEL_PK_KEY_INDEX_FK;
        for (uint32_t m = 0; m < db->nmodels; m++) {
            const DbModel *dm = &db->models[m];
            if (pks && nm->pk_name[m].ptr)
                ns_count(v, nm, scope, m, nm->pk_name[m]);
            for (uint32_t i = 0; i < dm->nindexes; i++)
                ns_count(v, nm, scope, m, nm->index_name[dm->first_index + i]);
        }
        if (scope == SCOPE_MODEL_PK_KEY_INDEX_FK)
            for (uint32_t i = 0; i < db->nrelations; i++) {
                const DbRelation *rel = &db->relations[i];
                if (rel->kind == DBREL_MANY_TO_MANY || db->models[relation_owner(rel)].is_view)
                    continue;
                ns_count(v, nm, scope, relation_owner(rel), nm->fk_name[i]);
            }
    }
    /* client names of @@id and @@unique, per model */
    for (uint32_t m = 0; ncustom && m < db->nmodels; m++) {
        const DbModel *dm = &db->models[m];
        if (dm->pk != DB_NONE && db->indexes[dm->pk].name.len)
            namemap_count(&nm->counts, NS_CUSTOM | m, db->indexes[dm->pk].name);
        for (uint32_t i = 0; i < dm->nindexes; i++)
            if (db->indexes[dm->first_index + i].name.len)
                namemap_count(&nm->counts, NS_CUSTOM | m, db->indexes[dm->first_index + i].name);
    }
}

/* Fingerprints first: the names are kept and counted only when some may repeat. */
static void names_build(Validator *v, Names *nm)
{
    const Db *db = v->db;
    NameFps fps;
    name_fps_alloc(db, &fps);
    for (uint32_t m = 0; m < db->nmodels; m++)
        name_fps_model(v, &fps, m);
    name_fps_relations(v, &fps, 0, db->nrelations);
    bool exact = names_may_repeat(v, &fps);
    name_fps_free(&fps);
    names_count(v, nm, exact);
}

static const char *scope_description(Validator *v, uint8_t scope, Str model)
{
    switch (scope) {
    case SCOPE_GLOBAL_KEY_INDEX: return "the whole database (indexes and unique constraints)";
    case SCOPE_GLOBAL_PK_KEY_INDEX: return "its schema (primary keys, indexes and unique constraints)";
    case SCOPE_MODEL_PK_KEY_INDEX_FK:
        return arena_sprintf(v->arena, "the table of model `%s` (primary key, indexes, unique constraints and foreign keys)",
                             S(model));
    }
    return "?";
}

typedef enum { CN_INDEX, CN_RELATION, CN_PK } ConstraintKind;

/* The namespaces a name of this kind is checked in, in Prisma's order (global ones first). */
static void constraint_violations(Validator *v, Names *nm, uint32_t model, ConstraintKind kind, Str name,
                                  const char *attr, Span span)
{
    if (!nm->dup)
        return;
    static const uint8_t INDEX_SCOPES[] = {SCOPE_GLOBAL_KEY_INDEX, SCOPE_GLOBAL_PK_KEY_INDEX};
    static const uint8_t REL_SCOPES[] = {SCOPE_MODEL_PK_KEY_INDEX_FK};
    static const uint8_t PK_SCOPES[] = {SCOPE_GLOBAL_PK_KEY_INDEX, SCOPE_MODEL_PK_KEY_INDEX_FK};
    const uint8_t *scopes = kind == CN_INDEX ? INDEX_SCOPES : kind == CN_RELATION ? REL_SCOPES : PK_SCOPES;
    unsigned n = kind == CN_INDEX ? 2 : kind == CN_RELATION ? 1 : 2;
    const DbModel *m = &v->db->models[model];
    for (int pass = 0; pass < 2; pass++)
        for (unsigned i = 0; i < n; i++) {
            uint8_t s = scopes[i];
            bool global = s != SCOPE_MODEL_PK_KEY_INDEX_FK;
            if (global != (pass == 0) || !conn_has_scope(v, s))
                continue;
            uint32_t c = global ? namemap_get(&nm->counts, NS_GLOBAL | s, global_key(v, m->schema, name))
                                : namemap_get(&nm->counts, NS_LOCAL(s, model), name);
            if (c != DB_NONE && c > 1) {
                Diag *d = diag_error(v->diags, span, "the constraint name `%s` of `%s` is used more than once in %s",
                                     S(name), attr, scope_description(v, s, m->name));
                diag_hint(v->diags, d, "give it another name with the `map` argument");
            }
        }
}

static bool custom_name_taken(Names *nm, uint32_t model, Str name)
{
    uint32_t c = namemap_get(&nm->counts, NS_CUSTOM | model, name);
    return c != DB_NONE && c > 1;
}

static Span arg_span_or(const Attribute *a, const char *name, Span fallback)
{
    const Arg *arg = a && a->args ? ast_arg_find(a->args, name) : NULL;
    return arg ? arg->span : fallback;
}

/* A name longer than the provider allows. */
static void db_name_length(Validator *v, const DbModel *m, const Attribute *attr, Str name)
{
    if (!name.len || !v->conn->max_ident || name.len <= v->conn->max_ident)
        return;
    Diag *d = diag_error(v->diags, attr->span, "the name `%s` given to `%s%.*s` in model `%s` is %u bytes long; %s allows %u",
                         S(name), attr->is_block ? "@@" : "@", (int)attr->name.len, attr->name.ptr, S(m->name), name.len,
                         v->conn->name, v->conn->max_ident);
    (void)d;
}

/* ---- pipeline steps ------------------------------------------------------------------------ */

static void composite_types(Validator *v)
{
    for (uint32_t i = 0; i < v->db->ncomposite_types; i++) {
        const DbCompositeType *ct = &v->db->composite_types[i];
        Diag *d = diag_error(v->diags, ct->ast->span, "composite types are not supported on %s: `type %s` is for MongoDB",
                             v->conn->name, S(ct->name));
        diag_note(v->diags, d, ct->ast->name_span, "use a model with a relation, or a Json field");
    }
}

static void unknown_default_functions(Validator *v)
{
    struct DbNameTable *nt = v->db->names;
    for (uint32_t i = 0; i < nt->nunknown_fn_fields; i++) {
        const DbField *f = &v->db->fields[nt->unknown_fn_fields[i]];
        const Expr *e = f->def->expr;
        Diag *d = diag_error(v->diags, e->span, "unknown function `%s()` in `@default`", S(e->text));
        diag_note(v->diags, d, e->span,
                  "the functions are autoincrement(), now(), uuid(), cuid(), nanoid(), ulid() and dbgenerated(\"...\")");
    }
}

static void datasource_checks(Validator *v)
{
    const DbDatasource *ds = v->db->datasource;
    struct DbNameTable *nt = v->db->names;
    if (!ds)
        return;
    if (v->provider == PROVIDER_POSTGRESQL && ds->has_extensions) {
        if (!db_preview_feature(v->db, "postgresqlExtensions")) {
            Diag *d = diag_error(v->diags, nt->extensions_span, "`extensions` needs the `postgresqlExtensions` preview feature");
            diag_hint(v->diags, d, "add \"postgresqlExtensions\" to `previewFeatures` in the generator block");
        } else {
            for (uint32_t i = 0; i < ds->nextensions; i++) {
                Str n = ds->extension_info[i].name;
                if (n.len && n.ptr[0] >= '0' && n.ptr[0] <= '9')
                    diag_error(v->diags, ds->extension_info[i].span, "the name of an extension must not start with a digit");
                else if (memchr(n.ptr, '-', n.len))
                    diag_error(v->diags, ds->extension_info[i].span, "`-` is not allowed in extension names");
            }
        }
    }
}

/* Two models (or views) with the same table name in the same schema. The keys ([schema \0]
 * table, global_key) in a name map made for this check and dropped after it. */
static void table_name_clashes(Validator *v)
{
    Db *db = v->db;
    Arena scratch;
    arena_init(&scratch);
    NameMap seen;
    namemap_init(&seen, &scratch, db->nmodels);
    for (int views = 0; views < 2; views++)
        for (uint32_t m = 0; m < db->nmodels; m++) {
            const DbModel *dm = &db->models[m];
            if (dm->is_view != (views == 1))
                continue;
            /* the last model of a table name is the one a later clash names */
            uint32_t prev = namemap_put(&seen, 0, global_key(v, dm->schema, dm->db_name), m);
            if (prev == DB_NONE)
                continue;
            const DbModel *pm = &db->models[prev];
            const Attribute *map = dm->mapped ? db->names->model_map_attr[m] : db->names->model_map_attr[prev];
            Span span = map ? map->span : dm->ast->name_span;
            Diag *d = diag_error(v->diags, span, "the %s `%s` and the %s `%s` both use the table `%s`",
                                 pm->is_view ? "view" : "model", S(pm->name), dm->is_view ? "view" : "model", S(dm->name),
                                 S(dm->db_name));
            diag_note(v->diags, d, dm->mapped ? pm->ast->name_span : dm->ast->name_span,
                      "give one of them another table name with `@@map`");
        }
    arena_free(&scratch);
}

static bool field_required(const DbField *f)
{
    return f->arity != ARITY_OPTIONAL;
}

static void strict_unique_criteria(Validator *v, uint32_t model)
{
    Db *db = v->db;
    const DbModel *m = &db->models[model];
    if (m->ignored || m->is_view)
        return;
    char *loose = NULL;
    for (uint32_t k = 0; k <= m->nindexes; k++) {
        const DbIndex *idx;
        if (k == 0) {
            if (m->pk == DB_NONE)
                continue;
            idx = &db->indexes[m->pk];
        } else {
            idx = &db->indexes[m->first_index + k - 1];
            if (idx->kind != DBIDX_UNIQUE)
                continue;
        }
        bool strict = true;
        for (uint32_t i = 0; i < idx->nfields; i++) {
            const DbField *f = &db->fields[db->index_fields[idx->first_field + i].field];
            if (!field_required(f) || f->kind == DBF_UNSUPPORTED)
                strict = false;
        }
        if (strict)
            return;
        char *list = NULL;      /* for the note */
        for (uint32_t i = 0; i < idx->nfields; i++) {
            const DbField *f = &db->fields[db->index_fields[idx->first_field + i].field];
            list = list ? arena_sprintf(v->arena, "%s, %s", list, S(f->name)) : S(f->name);
        }
        loose = loose ? arena_sprintf(v->arena, "%s; (%s)", loose, list ? list : "")
                      : arena_sprintf(v->arena, "(%s)", list ? list : "");
    }
    Diag *d = diag_error(v->diags, m->ast->span,
                         "model `%s` has no unique criterion of required fields: mark a field `@id` or `@unique`, or "
                         "add `@@id([...])` or `@@unique([...])`",
                         S(m->name));
    if (loose)
        diag_note(v->diags, d, m->ast->name_span,
                  "these do not count, as they hold optional or `Unsupported` fields: %s", loose);
}

static void primary_key_checks(Validator *v, Names *nm, uint32_t model)
{
    Db *db = v->db;
    const DbModel *m = &db->models[model];
    if (m->pk == DB_NONE)
        return;
    const DbIndex *pk = &db->indexes[m->pk];
    const char *attr = pk->field_level ? "@id" : "@@id";
    if (has_cap(v, CAP_NAMED_PK)) {    /* the primary key has a constraint name */
        db_name_length(v, m, pk->attr, pk->map);
        if (nm->dup)
            constraint_violations(v, nm, model, CN_PK, nm->pk_name[model], attr,
                                  arg_span_or(pk->attr, "map", pk->attr->span));
    }
    if (pk->name.len && custom_name_taken(nm, model, pk->name))
        diag_error(v->diags, arg_span_or(pk->attr, "name", pk->attr->span),
                   "the name `%s` of `%s` is used by another key of model `%s`: the `name` arguments must differ",
                   S(pk->name), attr, S(m->name));
    if (pk->nfields == 0)
        diag_error(v->diags, pk->attr->span, "`@@id([])` lists no field: an id needs at least one");
    if (pk->nfields > 1) {
        /* the client name of a compound id: fields joined with `_` */
        size_t len = 0;
        for (uint32_t i = 0; i < pk->nfields; i++)
            len += db->fields[db->index_fields[pk->first_field + i].field].name.len + 1;
        char *cn = arena_alloc_raw(v->arena, len + 1), *p = cn;
        for (uint32_t i = 0; i < pk->nfields; i++) {
            Str fn = db->fields[db->index_fields[pk->first_field + i].field].name;
            if (i)
                *p++ = '_';
            memcpy(p, fn.ptr, fn.len);
            p += fn.len;
        }
        *p = '\0';
        Str cname = {cn, (uint32_t)(p - cn)};
        for (uint32_t i = 0; i < m->nfields; i++) {
            const DbField *f = &db->fields[m->first_field + i];
            if (f->kind != DBF_RELATION && f->kind != DBF_ERROR && str_eq(f->name, cname)) {
                Diag *d = diag_error(v->diags, pk->attr->span,
                                     "the field `%s` has the name the client gives this `@@id`", cn);
                diag_hint(v->diags, d, "give the id another name: `@@id([...], name: \"...\")`");
                break;
            }
        }
    }
    if (pk->map.len && !has_cap(v, CAP_NAMED_PK)) {
        Diag *d = diag_error(v->diags, m->ast->span, "%s cannot name a primary key (`map:` on `%s` of model `%s`)",
                             v->conn->name, attr, S(m->name));
        diag_note(v->diags, d, arg_span_or(pk->attr, "map", pk->attr->span), "remove the `map` argument");
    }
    bool length = false, sort = false;
    for (uint32_t i = 0; i < pk->nfields; i++) {
        length |= db->index_fields[pk->first_field + i].length >= 0;
        sort |= db->index_fields[pk->first_field + i].sort != SORT_DEFAULT;
    }
    if (length)
        diag_error(v->diags, pk->attr->span, "`length` is not supported in a primary key on %s", v->conn->name);
    if (sort)
        diag_error(v->diags, pk->attr->span, "`sort` is not supported in a primary key on %s", v->conn->name);
}

static void schema_attribute_checks(Validator *v, Str schema, Span span, const Block *block, const char *what)
{
    const DbDatasource *ds = v->db->datasource;
    if (schema.len) {
        if (!has_cap(v, CAP_MULTI_SCHEMA) && v->db->names->has_schemas)
            return;     /* `schemas` itself was reported */
        if (!has_cap(v, CAP_MULTI_SCHEMA)) {
            diag_error(v->diags, span, "`@@schema` is not supported on %s", v->conn->name);
            return;
        }
        bool found = false;
        for (uint32_t i = 0; ds && i < ds->nschemas; i++)
            found |= str_eq(ds->schemas[i], schema);
        if (!found) {
            Diag *d = diag_error(v->diags, span, "the schema \"%s\" is not listed in the datasource's `schemas`", S(schema));
            diag_hint(v->diags, d, "add it to `schemas = [...]` in the datasource block");
        }
        return;
    }
    if (has_cap(v, CAP_MULTI_SCHEMA) && ds && v->db->names->has_schemas) {
        Diag *d = diag_error(v->diags, block->span, "the %s `%s` needs an `@@schema` attribute: the datasource lists `schemas`",
                             what, S(block->name));
        diag_note(v->diags, d, block->name_span, "add `@@schema(\"...\")` with one of the datasource's schemas");
    }
}

static bool field_is_first_of_index(const Db *db, const DbModel *m, uint32_t field)
{
    if (m->pk != DB_NONE && db->indexes[m->pk].nfields &&
        db->index_fields[db->indexes[m->pk].first_field].field == field)
        return true;
    for (uint32_t i = 0; i < m->nindexes; i++) {
        const DbIndex *idx = &db->indexes[m->first_index + i];
        if (idx->nfields && db->index_fields[idx->first_field].field == field)
            return true;
    }
    return false;
}

static void autoincrement_checks(Validator *v, uint32_t model)
{
    Db *db = v->db;
    const DbModel *m = &db->models[model];
    /* counted by resolution (up to 255) */
    uint32_t count = db->names->model_autoinc[model];
    if (!count)
        return;
    if (count == 255) {
        count = 0;
        for (uint32_t i = 0; i < m->nfields; i++)
            count += db->fields[m->first_field + i].def->kind == DBDEF_AUTOINCREMENT;
    }
    if (!has_cap(v, CAP_AUTOINC_MULTIPLE) && count > 1)
        diag_error(v->diags, m->ast->span, "model `%s` has %u `autoincrement()` fields; %s allows one per table",
                   S(m->name), count, v->conn->name);
    for (uint32_t i = 0; i < m->nfields; i++) {
        uint32_t fid = m->first_field + i;
        const DbField *f = &db->fields[fid];
        if (f->def->kind != DBDEF_AUTOINCREMENT)
            continue;
        bool single_pk = m->pk != DB_NONE && db->indexes[m->pk].nfields == 1 &&
                         db->index_fields[db->indexes[m->pk].first_field].field == fid;
        if (!has_cap(v, CAP_AUTOINC_NON_ID) && !single_pk) {
            Diag *d = diag_error(v->diags, f->ast->span, "`autoincrement()` on `%s`, which is not the `@id` of the model: %s "
                                 "only autoincrements a single-field id", S(f->name), v->conn->name);
            (void)d;
        }
        if (!has_cap(v, CAP_AUTOINC_NON_INDEXED) && !field_is_first_of_index(db, m, fid))
            diag_error(v->diags, f->ast->span, "`autoincrement()` on `%s`, which does not start an index: %s needs an "
                       "autoincrement column to be indexed", S(f->name), v->conn->name);
    }
}

static void clustering_check(Validator *v, const DbIndex *idx, const char *attr)
{
    if (idx->clustered >= 0)
        diag_error(v->diags, idx->attr->span, "`clustered` (on `%s`) is not supported on %s", attr, v->conn->name);
}

/* The end of a scalar field's checks: its native type and its default. */
static inline void scalar_field_type_checks(Validator *v, const DbModel *m, const DbField *f)
{
    if (f->native->attr)
        validate_native_type(v, f);
    const DbDefault *def = f->def;
    if (def->kind == DBDEF_NONE)
        return;
    if (def->map.len) {
        Diag *d = diag_error(v->diags, def->attr->span, "%s cannot name a default value (`map:` in `@default`)", v->conn->name);
        diag_note(v->diags, d, arg_span_or(def->attr, "map", def->attr->span), "remove the `map` argument");
        db_name_length(v, m, def->attr, def->map);
    }
    if (def->kind == DBDEF_VALUE)
        validate_default_contents(v, f);
    if (def->kind == DBDEF_AUTO)
        diag_error(v->diags, def->expr->span, "`auto()` is for MongoDB; %s does not support it", v->conn->name);
}

/* `named_uniques`: the model has an @@unique with a `name` (rare: only then are field names
 * compared with those names). */
static void scalar_field_checks(Validator *v, Names *nm, uint32_t fid, bool named_uniques)
{
    Db *db = v->db;
    const DbField *f = &db->fields[fid];
    const DbModel *m = &db->models[f->model];
    const char *container = m->is_view ? "view" : "model";
    if (f->kind == DBF_SCALAR && f->scalar == SCALAR_JSON) {
        if (!has_cap(v, CAP_JSON))
            diag_error(v->diags, f->ast->span, "%s has no Json type (field `%s`)", v->conn->name, S(f->name));
        if (f->arity == ARITY_LIST && !has_cap(v, CAP_JSON_LISTS))
            diag_error(v->diags, f->ast->span, "`%s` is a list of Json, which %s does not support", S(f->name), v->conn->name);
    }
    if (f->kind == DBF_SCALAR && f->scalar == SCALAR_DECIMAL && !has_cap(v, CAP_DECIMAL))
        diag_error(v->diags, f->ast->span, "%s has no Decimal type (field `%s` of %s `%s`)", v->conn->name, S(f->name),
                   container, S(m->name));
    if (f->arity == ARITY_LIST && !has_cap(v, CAP_SCALAR_LISTS)) {
        Diag *d = diag_error(v->diags, f->ast->span, "the field `%s` of %s `%s` cannot be a list: %s has no lists of scalar values",
                             S(f->name), container, S(m->name), v->conn->name);
        diag_note(v->diags, d, f->ast->type.span, "use a related model, or a Json field");
    }
    /* the client names of @@id and @@unique must not be field names */
    const DbIndex *pk = m->pk != DB_NONE ? &db->indexes[m->pk] : NULL;
    for (uint32_t i = 0; named_uniques && i < m->nindexes; i++) {
        const DbIndex *idx = &db->indexes[m->first_index + i];
        if (idx->kind == DBIDX_UNIQUE && idx->name.len && str_eq(idx->name, f->name)) {
            diag_error(v->diags, m->ast->span, "the `name` `%s` given to `@@unique` in %s `%s` is also a field's name",
                       S(f->name), container, S(m->name));
            break;
        }
    }
    if (pk && pk->name.len && str_eq(pk->name, f->name))
        diag_error(v->diags, m->ast->span, "the `name` `%s` given to `@@id` in %s `%s` is also a field's name", S(f->name),
                   container, S(m->name));
    (void)nm;
    scalar_field_type_checks(v, m, f);
}

static void index_checks(Validator *v, Names *nm, uint32_t model, uint32_t index)
{
    Db *db = v->db;
    const DbModel *m = &db->models[model];
    const DbIndex *idx = &db->indexes[index];
    const char *attr = idx->kind == DBIDX_NORMAL ? "@@index"
                       : idx->kind == DBIDX_FULLTEXT ? "@@fulltext"
                       : idx->field_level            ? "@unique"
                                                     : "@@unique";
    if (idx->nfields == 0)
        diag_error(v->diags, idx->attr->span, "`%s([])` lists no field: an index needs at least one", attr);
    if (nm->dup) {
        Span span = arg_span_or(idx->attr, "map", arg_span_or(idx->attr, "name", idx->attr->span));
        constraint_violations(v, nm, model, CN_INDEX, nm->index_name[index], attr, span);
    }
    if (idx->kind == DBIDX_UNIQUE && idx->nfields > 1) {
        size_t len = 0;
        for (uint32_t i = 0; i < idx->nfields; i++)
            len += db->fields[db->index_fields[idx->first_field + i].field].name.len + 1;
        char *cn = arena_alloc_raw(v->arena, len + 1), *p = cn;
        for (uint32_t i = 0; i < idx->nfields; i++) {
            Str fn = db->fields[db->index_fields[idx->first_field + i].field].name;
            if (i)
                *p++ = '_';
            memcpy(p, fn.ptr, fn.len);
            p += fn.len;
        }
        *p = '\0';
        Str cname = {cn, (uint32_t)(p - cn)};
        for (uint32_t i = 0; i < m->nfields; i++) {
            const DbField *f = &db->fields[m->first_field + i];
            if (f->kind != DBF_RELATION && f->kind != DBF_ERROR && str_eq(f->name, cname)) {
                Diag *d = diag_error(v->diags, idx->attr->span, "the field `%s` has the name the client gives this `%s`", cn,
                                     attr);
                diag_hint(v->diags, d, "give it another name: `%s([...], name: \"...\")`", attr);
                break;
            }
        }
    }
    if (idx->name.len && custom_name_taken(nm, model, idx->name))
        diag_error(v->diags, arg_span_or(idx->attr, "name", idx->attr->span),
                   "the name `%s` of `%s` is used by another key of model `%s`: the `name` arguments must differ",
                   S(idx->name), attr, S(m->name));
    bool length = false, sort = false, ops = false;
    for (uint32_t i = 0; i < idx->nfields; i++) {
        const DbIndexField *f = &db->index_fields[idx->first_field + i];
        length |= f->length >= 0;
        sort |= f->sort != SORT_DEFAULT;
        ops |= f->ops.len > 0;
    }
    if (length)
        diag_error(v->diags, idx->attr->span, "`length` is not supported in an index on %s (it is for MySQL)", v->conn->name);
    if (idx->algorithm.len && !str_eq_cstr(idx->algorithm, "BTree") && !has_cap(v, CAP_ALL_INDEX_TYPES))
        diag_error(v->diags, arg_span_or(idx->attr, "type", idx->attr->span), "%s supports only BTree indexes, not `%s`",
                   v->conn->name, S(idx->algorithm));
    if (str_eq_cstr(idx->algorithm, "Hash") && has_cap(v, CAP_ALL_INDEX_TYPES) && sort)
        diag_error(v->diags, idx->attr->span, "a Hash index has no order: remove `sort`");
    if (idx->kind == DBIDX_FULLTEXT)
        diag_error(v->diags, idx->attr->span, "`@@fulltext` indexes are not supported on %s (they are for MySQL and MongoDB)",
                   v->conn->name);
    db_name_length(v, m, idx->attr, idx->map);
    clustering_check(v, idx, attr);
    if (idx->kind != DBIDX_NORMAL && ops)
        diag_error(v->diags, idx->attr->span, "operator classes (`ops:`) belong in `@@index`, not `%s`", attr);
    if (idx->where && !db_preview_feature(db, "partialIndexes")) {
        Diag *d = diag_error(v->diags, idx->attr->span, "partial indexes (`where:`) are a preview feature");
        diag_note(v->diags, d, idx->where->span, "add \"partialIndexes\" to `previewFeatures` in the generator block");
    }
}

static void enum_checks(Validator *v)
{
    Db *db = v->db;
    NameMap seen;
    namemap_init(&seen, v->arena, db->nenums);
    for (uint32_t i = 0; i < db->nenums; i++) {
        const DbEnum *e = &db->enums[i];
        uint32_t prev = namemap_add(&seen, 0, global_key(v, e->schema, e->db_name), i);
        if (prev != DB_NONE) {
            Diag *d = diag_error(v->diags, e->ast->span, "the enums `%s` and `%s` have the same database name `%s`",
                                 S(db->enums[prev].name), S(e->name), S(e->db_name));
            diag_note(v->diags, d, db->enums[prev].ast->name_span, "`%s` is here", S(db->enums[prev].name));
        }
    }
    for (uint32_t i = 0; i < db->nenums; i++) {
        const DbEnum *e = &db->enums[i];
        schema_attribute_checks(v, e->schema, db->names->enum_schema_span[i], e->ast, "enum");
    }
}

/* Views have no keys of their own in the database: no primary key, no index, and a unique
 * criterion is only a promise to the client (no name, no arguments, no clustering). */
static void view_pk_check(Validator *v, uint32_t model)
{
    const Db *db = v->db;
    const DbModel *m = &db->models[model];
    if (m->pk != DB_NONE) {
        Diag *d = diag_error(v->diags, db->indexes[m->pk].attr->span, "a view cannot have a primary key");
        diag_hint(v->diags, d, "mark the view's identifying fields `@unique` (or `@@unique([...])`) instead");
    }
}

static void view_index_checks(Validator *v, const DbIndex *idx)
{
    const Db *db = v->db;
    if (idx->kind != DBIDX_UNIQUE)
        diag_error(v->diags, idx->attr->span, "a view cannot have indexes: it has no storage of its own");
    const char *attr = idx->kind == DBIDX_NORMAL ? "@@index"
                       : idx->kind == DBIDX_FULLTEXT ? "@@fulltext"
                       : idx->field_level            ? "@unique"
                                                     : "@@unique";
    bool args = false;
    for (uint32_t k = 0; k < idx->nfields; k++) {
        const DbIndexField *f = &db->index_fields[idx->first_field + k];
        args |= f->sort != SORT_DEFAULT || f->length >= 0;
    }
    if (args)
        diag_error(v->diags, idx->attr->span, "the fields of `%s` on a view take no arguments (`sort`, `length`)", attr);
    if (idx->map.len)
        diag_error(v->diags, idx->attr->span, "`%s` on a view has no database index, so it cannot be named (`map:`)", attr);
    if (idx->clustered >= 0)
        diag_error(v->diags, idx->attr->span, "`%s` on a view has no database index, so it cannot be clustered", attr);
}

static const Connector *connector_for(DbProvider p)
{
    switch (p) {
    case PROVIDER_POSTGRESQL: return &CONN_POSTGRES;
    case PROVIDER_SQLITE: return &CONN_SQLITE;
    default: return &CONN_NONE;
    }
}

/* One model's (or view's) checks, in Prisma's order; false when an ambiguous relation was
 * reported, which stops the pipeline. */
static bool validate_model(Validator *v, Names *nm, void *relnames, uint32_t model)
{
    Db *db = v->db;
    Diags *diags = v->diags;
    const DbModel *m = &db->models[model];
    if (m->is_view && !db_preview_feature(db, "views")) {
        Diag *d = diag_error(diags, m->ast->span, "views are a preview feature");
        diag_note(diags, d, m->ast->keyword_span, "add \"views\" to `previewFeatures` in the generator block");
    }
    strict_unique_criteria(v, model);
    primary_key_checks(v, nm, model);
    if (v->provider == PROVIDER_POSTGRESQL && !m->is_view)
        validate_pg_indexes(v, model);
    schema_attribute_checks(v, m->schema, db->names->model_schema_span[model], m->ast, "model");
    if (m->is_view)
        view_pk_check(v, model);
    autoincrement_checks(v, model);
    if (m->pk != DB_NONE)
        clustering_check(v, &db->indexes[m->pk], db->indexes[m->pk].field_level ? "@id" : "@@id");

    bool named_uniques = false;
    for (uint32_t i = 0; i < m->nindexes; i++)
        named_uniques |= db->indexes[m->first_index + i].kind == DBIDX_UNIQUE && db->indexes[m->first_index + i].name.len;
    /* A field needs scalar_field_checks in full only when the connector lacks a capability its
     * type or list needs, or the model's ids and uniques have client names; else only its
     * native type and default are checked (what the full checks would end with). */
    uint32_t slow_scalars = (!has_cap(v, CAP_JSON) || !has_cap(v, CAP_JSON_LISTS) ? 1u << SCALAR_JSON : 0) |
                            (!has_cap(v, CAP_DECIMAL) ? 1u << SCALAR_DECIMAL : 0);
    bool slow_lists = !has_cap(v, CAP_SCALAR_LISTS);
    bool full = named_uniques || (m->pk != DB_NONE && db->indexes[m->pk].name.len);
    v->named_keys = full;       /* for validate_relation_field */
    uint32_t first_rel = m->nfields, end_rel = 0;     /* the relation fields are among [first_rel, end_rel) */
    /* whether any field may need them (none in the common case: PostgreSQL, no client names) */
    const bool any_full = full || slow_scalars || slow_lists;
    const DbField *fields = &db->fields[m->first_field];
    for (uint32_t i = 0; i < m->nfields; i++) {
        const DbField *f = &fields[i];
        if (f->kind == DBF_RELATION) {
            first_rel = first_rel < i ? first_rel : i;
            end_rel = i + 1;
        } else if (f->kind == DBF_ERROR) {
            continue;
        } else if (any_full && (full || (f->kind == DBF_SCALAR && (slow_scalars >> f->scalar & 1)) ||
                                (slow_lists && f->arity == ARITY_LIST))) {
            scalar_field_checks(v, nm, m->first_field + i, named_uniques);
        } else {
            scalar_field_type_checks(v, m, f);
        }
    }
    bool grouped = false;
    for (uint32_t i = first_rel; i < end_rel; i++) {
        const DbField *f = &db->fields[m->first_field + i];
        if (f->kind != DBF_RELATION)
            continue;
        if (!grouped)
            validate_relation_names_model(v, relnames, m->first_field + i);
        grouped = true;
        if (!validate_relation_field(v, m->first_field + i, relnames))
            return false;   /* an ambiguous relation stops the pipeline */
    }
    for (uint32_t i = 0; i < m->nindexes; i++) {
        if (m->is_view)
            view_index_checks(v, &db->indexes[m->first_index + i]);
        else
            index_checks(v, nm, model, m->first_index + i);
    }
    return true;
}

/* The models are handed out this many at a time to the threads that check them, until none is
 * left: the threads end together however the cores are shared (or one starts late). */
#define CHECK_BATCH 32

/* A thread's part of the models' checks: its own arena and diagnostics. */
typedef struct ModelChecks {
    Validator v;
    Arena arena;
    Diags diags;
    Names *nm;
    void *relnames;
    const uint32_t *order;
    uint32_t n;                 /* order[0 .. n): the models, taken from *next on */
    atomic_uint *next;
    NameFps *fps;               /* to fill for the models it takes and relations [rel_lo, rel_hi), or NULL */
    uint32_t rel_lo, rel_hi;
} ModelChecks;

static void *validate_share(void *arg)
{
    ModelChecks *sh = arg;
    if (sh->fps)
        name_fps_relations(&sh->v, sh->fps, sh->rel_lo, sh->rel_hi);
    for (;;) {
        uint32_t from = atomic_fetch_add(sh->next, CHECK_BATCH);
        if (from >= sh->n)
            break;
        uint32_t to = from + CHECK_BATCH < sh->n ? from + CHECK_BATCH : sh->n;
        for (uint32_t k = from; k < to; k++) {
            if (sh->fps)
                name_fps_model(&sh->v, sh->fps, sh->order[k]);
            /* after a diagnostic only the fingerprints: the models are checked again in order */
            if (!sh->diags.count)
                validate_model(&sh->v, sh->nm, sh->relnames, sh->order[k]);
        }
    }
    return NULL;
}

/* The models' checks on `nshares` threads, for a schema they have nothing to say about (then
 * their order does not show). False when some share reported something: nothing of it reaches
 * the diagnostics, and the caller checks the models again in order. */
static bool validate_models_shared(Validator *v, Names *nm, void *relnames, const uint32_t *order, uint32_t n,
                                   uint32_t nshares, NameFps *fps)
{
    const Db *db = v->db;
    ModelChecks *shares = calloc(nshares, sizeof *shares);
    if (!shares) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    atomic_uint next = 0;
    for (uint32_t i = 0; i < nshares; i++) {
        ModelChecks *sh = &shares[i];
        sh->n = n;
        sh->next = &next;
        arena_init(&sh->arena);
        diags_init(&sh->diags, &sh->arena);
        sh->v = *v;
        sh->v.arena = &sh->arena;
        sh->v.diags = &sh->diags;
        sh->v.errors_at_start = 0;
        sh->nm = nm;
        sh->relnames = relnames;
        sh->order = order;
        sh->fps = fps;
        sh->rel_lo = (uint32_t)((uint64_t)db->nrelations * i / nshares);
        sh->rel_hi = (uint32_t)((uint64_t)db->nrelations * (i + 1) / nshares);
    }
    parallel_run(shares, sizeof *shares, nshares, validate_share);
    bool ok = true;
    for (uint32_t i = 0; i < nshares; i++)
        ok &= shares[i].diags.count == 0;
    /* what the shares allocated is kept, freed with the Db's arena */
    for (uint32_t i = 0; i < nshares; i++)
        arena_adopt(v->arena, &shares[i].arena);
    free(shares);
    return ok;
}

void db_validate(Db *db, DbProvider provider, Diags *diags)
{
    DbResolveOptions opt = db_resolve_options_default();
    db_validate_with(db, provider, diags, &opt);
}

void db_validate_with(Db *db, DbProvider provider, Diags *diags, const DbResolveOptions *opt)
{
    if (db->resolve_errors || db->config_errors)
        return;
    if (provider == PROVIDER_NONE)
        provider = db->provider;
    if (provider == PROVIDER_UNSUPPORTED)
        return;
    Validator vv = {.db = db, .arena = db->arena, .diags = diags, .conn = connector_for(provider), .provider = provider,
                    .relation_mode_prisma = db->datasource && db->datasource->relation_mode_prisma,
                    .errors_at_start = diags->errors};
    Validator *v = &vv;
    uint32_t per = opt->min_fields_per_thread ? opt->min_fields_per_thread : 1;
    uint32_t nshares = opt->threads > 1 ? db->nfields / per : 1;
    if (nshares > opt->threads)
        nshares = opt->threads;
    if (nshares > db->nmodels)
        nshares = db->nmodels;
    /* Shared out, the constraint names are fingerprinted by the shares, beside the models'
     * checks, which assume no name repeats; if one may after all, the models are checked again
     * in order with the names counted. */
    Names nm;
    NameFps fps;
    if (nshares > 1) {
        names_count(v, &nm, false);
        name_fps_alloc(db, &fps);
    } else {
        names_build(v, &nm);
    }
    void *relnames = validate_relation_names_new(v);

    composite_types(v);
    unknown_default_functions(v);
    datasource_checks(v);
    table_name_clashes(v);

    /* models first, then views */
    uint32_t *order = malloc((db->nmodels + 1) * sizeof *order), n = 0;
    if (!order) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    for (int views = 0; views < 2; views++)
        for (uint32_t model = 0; model < db->nmodels; model++)
            if (db->models[model].is_view == (views == 1))
                order[n++] = model;
    bool done = false;
    if (nshares > 1) {
        done = validate_models_shared(v, &nm, relnames, order, n, nshares, &fps);
        if (names_may_repeat(v, &fps)) {
            names_count(v, &nm, true);
            done = false;
        }
        name_fps_free(&fps);
    }
    for (uint32_t k = 0; !done && k < n; k++)
        if (!validate_model(v, &nm, relnames, order[k])) {
            free(order);
            return;     /* an ambiguous relation stops the pipeline */
        }
    free(order);

    enum_checks(v);
    validate_relations(v, &nm);
}

/* The foreign key's constraint name of an inline relation, in its namespaces. */
void validate_relation_fk_name(Validator *v, void *names, uint32_t relation)
{
    const DbRelation *rel = &v->db->relations[relation];
    Names *nm = names;
    if (!nm->dup)
        return;
    Str name = nm->fk_name[relation];
    Span span = rel->field_a != DB_NONE
                    ? (rel->attr ? arg_span_or(rel->attr, "map", v->db->fields[rel->field_a].ast->span)
                                 : v->db->fields[rel->field_a].ast->span)
                    : v->db->models[rel->model_b].ast->span;
    /* counted at the model that created the relation, looked up at the referencing model
     * (they differ only for a relation known from its list side) */
    constraint_violations(v, names, rel->model_a, CN_RELATION, name, "@relation", span);
}

void validate_db_name_length(Validator *v, uint32_t model, const Attribute *attr, Str name)
{
    db_name_length(v, &v->db->models[model], attr, name);
}

bool validate_connector_has(const Validator *v, const char *what)
{
    if (!strcmp(what, "named_fk"))
        return has_cap(v, CAP_NAMED_FK);
    if (!strcmp(what, "set_null_non_nullable"))
        return has_cap(v, CAP_SET_NULL_NON_NULLABLE) && !v->relation_mode_prisma;
    return false;
}

const char *validate_connector_name(const Validator *v)
{
    return v->conn->name;
}
