/* The differ: (SqlSchema, SqlSchema) -> steps, as Prisma's sql_schema_differ plans them.
 *
 * Tables are paired by (schema, name), columns by name, enums by (schema, name), indexes and
 * foreign keys by what they cover (not by name: a different name is a rename). Every lookup by
 * name goes through a hash map, so the work is linear in the size of the schemas. The steps are
 * sorted as Prisma sorts them: by kind, then by the objects they touch. */
#include "prismac/migrate.h"
#include "prismac/sqlexpr.h"

#include <jansson.h>
#include <stdlib.h>

/* ---- name maps ----------------------------------------------------------------------------- */

typedef struct NameSlot {
    Str a, b;
    uint32_t value;     /* SQL_NONE: empty */
} NameSlot;

typedef struct NameMap {
    NameSlot *slots;
    uint32_t mask;
} NameMap;

static uint32_t pair_hash(Str a, Str b)
{
    return str_hash(a) * 0x9E3779B1u ^ str_hash(b);
}

static void map_init(NameMap *m, Arena *arena, uint32_t n)
{
    uint32_t cap = 8;
    while (cap < n * 2 + 2)
        cap *= 2;
    m->slots = arena_alloc(arena, cap * sizeof *m->slots);
    for (uint32_t i = 0; i < cap; i++)
        m->slots[i].value = SQL_NONE;
    m->mask = cap - 1;
}

/* Inserts unless present (the first one wins, as when Prisma inserts the previous side first). */
static void map_put(NameMap *m, Str a, Str b, uint32_t value)
{
    for (uint32_t i = pair_hash(a, b) & m->mask;; i = (i + 1) & m->mask) {
        NameSlot *s = &m->slots[i];
        if (s->value == SQL_NONE) {
            s->a = a;
            s->b = b;
            s->value = value;
            return;
        }
        if (str_eq(s->a, a) && str_eq(s->b, b))
            return;
    }
}

static uint32_t map_get(const NameMap *m, Str a, Str b)
{
    for (uint32_t i = pair_hash(a, b) & m->mask;; i = (i + 1) & m->mask) {
        const NameSlot *s = &m->slots[i];
        if (s->value == SQL_NONE)
            return SQL_NONE;
        if (str_eq(s->a, a) && str_eq(s->b, b))
            return s->value;
    }
}

/* ---- the differ's state -------------------------------------------------------------------- */

typedef struct TablePair {
    uint32_t prev, next;
    uint32_t *next_of_prev;     /* per previous column: the next column, or SQL_NONE */
    uint32_t *prev_of_next;     /* per next column: the previous column, or SQL_NONE */
    uint8_t *changes;           /* per next column: COLCHANGE_* */
    TypeChange *type_changes;   /* per next column */
    bool redefine;              /* SQLite: rebuilt */
} TablePair;

typedef struct Differ {
    Migration *m;
    Arena *arena;
    const SqlSchema *prev, *next;
    const Dialect *d;
    uint32_t *next_of_prev_table;
    uint32_t *prev_of_next_table;   /* NULL when no table is paired (either side has none) */
    uint32_t *pair_of_prev_table;   /* index into pairs, or SQL_NONE */
    TablePair *pairs;
    uint32_t npairs;
    bool any_redefine;
    bool gated;                     /* partial indexes: conditions ignored, never dropped or created */
    uint32_t ignored_first[64];     /* ignored_init */
    uint32_t created_bound;         /* at most how many steps creating every next table takes */
} Differ;

static StepDetail *new_detail(Differ *df, MigrateStep *s)
{
    StepDetail *d = arena_alloc(df->arena, sizeof *d);
    s->detail = d;
    return d;
}

/* A new step, written in place: the array's free slots come zeroed from the arena (it is only
 * appended to, and grows into fresh memory), so only the objects need SQL_NONE. Inline: a
 * creation from nothing pushes one per table, index and foreign key. */
static inline __attribute__((always_inline)) MigrateStep *push_step(Differ *df, MigrateStepKind kind)
{
    Migration *m = df->m;
    if (m->nsteps == m->capsteps)
        m->steps = arena_grow(&m->arena, m->steps, m->nsteps, &m->capsteps, m->nsteps + 1, sizeof *m->steps);
    MigrateStep *s = &m->steps[m->nsteps++];
    s->kind = kind;
    s->prev_table = s->next_table = s->prev_id = s->next_id = SQL_NONE;
    return s;
}

static const char *fmt(Differ *df, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(Differ *df, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char small[512];
    int n = vsnprintf(small, sizeof small, f, ap);
    va_end(ap);
    if (n < 0)
        return "";
    char *p = arena_alloc(df->arena, (size_t)n + 1);
    if ((size_t)n < sizeof small) {
        memcpy(p, small, (size_t)n + 1);
    } else {
        va_start(ap, f);
        vsnprintf(p, (size_t)n + 1, f, ap);
        va_end(ap);
    }
    return p;
}

#define SF(s) (int)(s).len, (s).ptr

/* Tables Prisma never diffs: its migrations table, and PostGIS / SpatiaLite catalog tables. */
static const Str *ignored_tables(SqlFlavour flavour, size_t *n)
{
    static const Str postgis[] = {
        STR_LIT("spatial_ref_sys"), STR_LIT("geometry_columns"), STR_LIT("geography_columns"),
        STR_LIT("raster_columns"), STR_LIT("raster_overviews")};
    static const Str spatialite[] = {
        STR_LIT("data_licenses"), STR_LIT("elementarygeometries"), STR_LIT("geometry_columns"),
        STR_LIT("geometry_columns_auth"), STR_LIT("geometry_columns_field_infos"),
        STR_LIT("geometry_columns_statistics"), STR_LIT("geometry_columns_time"), STR_LIT("geom_cols_ref_sys"),
        STR_LIT("idx_iso_metadata_geometry"), STR_LIT("idx_iso_metadata_geometry_node"),
        STR_LIT("idx_iso_metadata_geometry_parent"), STR_LIT("idx_iso_metadata_geometry_rowid"),
        STR_LIT("iso_metadata"), STR_LIT("iso_metadata_reference"), STR_LIT("iso_metadata_view"), STR_LIT("knn"),
        STR_LIT("knn2"), STR_LIT("networks"), STR_LIT("raster_coverages"), STR_LIT("raster_coverages_keyword"),
        STR_LIT("raster_coverages_ref_sys"), STR_LIT("raster_coverages_srid"), STR_LIT("rl2map_configurations"),
        STR_LIT("rl2map_configurations_view"), STR_LIT("se_external_graphics"), STR_LIT("se_external_graphics_view"),
        STR_LIT("se_fonts"), STR_LIT("se_fonts_view"), STR_LIT("se_raster_styled_layers"),
        STR_LIT("se_raster_styled_layers_view"), STR_LIT("se_raster_styles"), STR_LIT("se_raster_styles_view"),
        STR_LIT("se_vector_styled_layers"), STR_LIT("se_vector_styled_layers_view"), STR_LIT("se_vector_styles"),
        STR_LIT("se_vector_styles_view"), STR_LIT("spatialindex"), STR_LIT("spatialite_history"),
        STR_LIT("spatial_ref_sys"), STR_LIT("spatial_ref_sys_all"), STR_LIT("spatial_ref_sys_aux"),
        STR_LIT("sql_statements_log"), STR_LIT("stored_procedures"), STR_LIT("stored_variables"),
        STR_LIT("topologies"), STR_LIT("vector_coverages"), STR_LIT("vector_coverages_keyword"),
        STR_LIT("vector_coverages_ref_sys"), STR_LIT("vector_coverages_srid"), STR_LIT("vector_layers"),
        STR_LIT("vector_layers_auth"), STR_LIT("vector_layers_field_infos"), STR_LIT("vector_layers_statistics"),
        STR_LIT("views_geometry_columns"), STR_LIT("views_geometry_columns_auth"),
        STR_LIT("views_geometry_columns_field_infos"), STR_LIT("views_geometry_columns_statistics"),
        STR_LIT("virts_geometry_collection"), STR_LIT("virts_geometry_collectionm"),
        STR_LIT("virts_geometry_columns"), STR_LIT("virts_geometry_columns_auth"),
        STR_LIT("virts_geometry_columns_field_infos"), STR_LIT("virts_geometry_columns_statistics"),
        STR_LIT("wms_getcapabilities"), STR_LIT("wms_getmap"), STR_LIT("wms_ref_sys"), STR_LIT("wms_settings")};
    if (flavour == SQL_POSTGRES) {
        *n = sizeof postgis / sizeof *postgis;
        return postgis;
    }
    *n = sizeof spatialite / sizeof *spatialite;
    return spatialite;
}

/* A name's first character, lowered, as a bit: a letter, '_', or anything else. */
static uint32_t first_char_bit(Str name)
{
    char c = name.len ? name.ptr[0] : 0;
    if (c >= 'A' && c <= 'Z')
        c = (char)(c - 'A' + 'a');
    return (uint32_t)1 << (c >= 'a' && c <= 'z' ? c - 'a' : c == '_' ? 26 : 27);
}

/* For each length under 64, the first characters of the catalog names of that length: nearly
 * every table is known not to be one of them without walking the list. */
static void ignored_init(Differ *df)
{
    size_t n;
    const Str *list = ignored_tables(df->d->flavour, &n);
    for (size_t i = 0; i < n; i++)
        if (list[i].len < 64)
            df->ignored_first[list[i].len] |= first_char_bit(list[i]);
}

static bool table_is_ignored(const Differ *df, Str name)
{
    static const Str common = STR_LIT("_prisma_migrations");
    if (str_eq(name, common))
        return true;
    if (name.len >= 64 || !(df->ignored_first[name.len] & first_char_bit(name)))
        return false;
    size_t n;
    const Str *list = ignored_tables(df->d->flavour, &n);
    for (size_t i = 0; i < n; i++) {
        if (name.len != list[i].len)
            continue;
        uint32_t k = 0;
        while (k < name.len) {
            char c = name.ptr[k];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != list[i].ptr[k])
                break;
            k++;
        }
        if (k == name.len)
            return true;
    }
    return false;
}

/* ---- column comparison --------------------------------------------------------------------- */

typedef enum ColArity { COLARITY_REQUIRED, COLARITY_NULLABLE, COLARITY_LIST } ColArity;

static ColArity column_arity(const SqlColumn *c)
{
    return c->type.list ? COLARITY_LIST : c->nullable ? COLARITY_NULLABLE : COLARITY_REQUIRED;
}

/* A PostgreSQL type name parsed: kind and up to two parameters. */
typedef enum PgKind {
    PG_UNKNOWN, PG_TEXT, PG_VARCHAR, PG_CHAR, PG_CITEXT, PG_SMALLINT, PG_INTEGER, PG_BIGINT, PG_OID, PG_REAL,
    PG_DOUBLE, PG_DECIMAL, PG_MONEY, PG_BOOLEAN, PG_DATE, PG_TIME, PG_TIMETZ, PG_TIMESTAMP, PG_TIMESTAMPTZ,
    PG_JSON, PG_JSONB, PG_BYTEA, PG_UUID, PG_XML, PG_INET, PG_BIT, PG_VARBIT,
} PgKind;

typedef struct PgType {
    PgKind kind;
    int nparams;
    long p1, p2;
} PgType;

static PgType pg_parse_type(Str name)
{
    static const struct { const char *name; PgKind kind; } kinds[] = {
        {"TEXT", PG_TEXT}, {"VARCHAR", PG_VARCHAR}, {"CHAR", PG_CHAR}, {"CITEXT", PG_CITEXT},
        {"SMALLINT", PG_SMALLINT}, {"INTEGER", PG_INTEGER}, {"BIGINT", PG_BIGINT}, {"OID", PG_OID},
        {"REAL", PG_REAL}, {"DOUBLE PRECISION", PG_DOUBLE}, {"DECIMAL", PG_DECIMAL}, {"MONEY", PG_MONEY},
        {"BOOLEAN", PG_BOOLEAN}, {"DATE", PG_DATE}, {"TIME", PG_TIME}, {"TIMETZ", PG_TIMETZ},
        {"TIMESTAMP", PG_TIMESTAMP}, {"TIMESTAMPTZ", PG_TIMESTAMPTZ}, {"JSON", PG_JSON}, {"JSONB", PG_JSONB},
        {"BYTEA", PG_BYTEA}, {"UUID", PG_UUID}, {"XML", PG_XML}, {"INET", PG_INET}, {"BIT", PG_BIT},
        {"VARBIT", PG_VARBIT},
    };
    PgType t = {PG_UNKNOWN, 0, 0, 0};
    uint32_t base = 0;
    while (base < name.len && name.ptr[base] != '(')
        base++;
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (strlen(kinds[i].name) == base && memcmp(kinds[i].name, name.ptr, base) == 0)
            t.kind = kinds[i].kind;
    if (t.kind == PG_UNKNOWN || base == name.len)
        return t;
    const char *p = name.ptr + base + 1, *end = name.ptr + name.len;
    char *stop;
    char buf[64];
    size_t n = (size_t)(end - p) < sizeof buf - 1 ? (size_t)(end - p) : sizeof buf - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    t.p1 = strtol(buf, &stop, 10);
    t.nparams = 1;
    if (*stop == ',') {
        t.p2 = strtol(stop + 1, &stop, 10);
        t.nparams = 2;
    }
    return t;
}

static bool pg_char_like(PgKind k) { return k == PG_VARCHAR || k == PG_CHAR; }

/* postgres_native_type_change_riskyness */
static TypeChange pg_native_change(PgType a, PgType b)
{
    const TypeChange SAFE = TYPECHANGE_SAFE, RISKY = TYPECHANGE_RISKY, NOCAST = TYPECHANGE_NOT_CASTABLE;
    bool next_is_char = b.kind == PG_CHAR;
    bool b_len = b.nparams >= 1;
    long blen = b.p1;
    switch (a.kind) {
    case PG_INET:
        return (b.kind == PG_CITEXT || b.kind == PG_TEXT || b.kind == PG_VARCHAR) ? SAFE : NOCAST;
    case PG_MONEY:
        return (b.kind == PG_CITEXT || b.kind == PG_TEXT || b.kind == PG_VARCHAR) ? SAFE : RISKY;
    case PG_CITEXT:
        return (b.kind == PG_TEXT || b.kind == PG_VARCHAR) ? SAFE : RISKY;
    case PG_OID:
        return (b.kind == PG_TEXT || b.kind == PG_VARCHAR || b.kind == PG_BIGINT || b.kind == PG_INTEGER) ? SAFE
                                                                                                       : NOCAST;
    case PG_SMALLINT:
    case PG_INTEGER:
    case PG_BIGINT: {
        long digits = a.kind == PG_SMALLINT ? 3 : a.kind == PG_INTEGER ? 10 : 19;
        long width = a.kind == PG_SMALLINT ? 4 : a.kind == PG_INTEGER ? 11 : 20;
        switch (b.kind) {
        case PG_SMALLINT: return RISKY;
        case PG_INTEGER: return a.kind == PG_BIGINT ? RISKY : SAFE;
        case PG_BIGINT: return SAFE;
        case PG_DECIMAL: return (b.nparams == 2 && b.p1 - b.p2 < digits) ? RISKY : SAFE;
        case PG_REAL:
        case PG_DOUBLE: return SAFE;
        case PG_VARCHAR:
        case PG_CHAR:
            if (b_len && blen < width)
                return RISKY;
            if (!b_len && next_is_char)
                return RISKY;
            return SAFE;
        case PG_TEXT: return SAFE;
        default: return NOCAST;
        }
    }
    case PG_DECIMAL: {
        bool has = a.nparams == 2;
        switch (b.kind) {
        case PG_SMALLINT:
        case PG_INTEGER:
        case PG_BIGINT: {
            long lim = b.kind == PG_SMALLINT ? 2 : b.kind == PG_INTEGER ? 9 : 18;
            if (!has || a.p2 > 0 || a.p1 > lim)
                return RISKY;
            return SAFE;
        }
        case PG_DECIMAL:
            if (has && b.nparams != 2)
                return SAFE;
            if (!has && b.nparams == 2)
                return (b.p1 < 131072 || b.p2 < 16383) ? RISKY : SAFE;
            if (has && b.nparams == 2 && (a.p1 - a.p2 > b.p1 - b.p2 || a.p2 > b.p2))
                return RISKY;
            return SAFE;
        case PG_REAL:
        case PG_DOUBLE: return RISKY;
        case PG_VARCHAR:
        case PG_CHAR:
            if (b_len && has && a.p2 == 0 && a.p1 + 1 > blen)
                return RISKY;
            if (b_len && has && a.p2 > 0 && a.p1 + 2 > blen)
                return RISKY;
            if (b_len && !has && blen < 131073)
                return RISKY;
            if (!b_len && next_is_char)
                return RISKY;
            return SAFE;
        case PG_TEXT: return SAFE;
        default: return NOCAST;
        }
    }
    case PG_REAL:
    case PG_DOUBLE:
        switch (b.kind) {
        case PG_SMALLINT:
        case PG_INTEGER:
        case PG_BIGINT:
        case PG_DECIMAL: return RISKY;
        case PG_REAL: return a.kind == PG_REAL ? SAFE : RISKY;
        case PG_DOUBLE: return SAFE;
        case PG_VARCHAR:
        case PG_CHAR:
            if (b_len && blen < (a.kind == PG_REAL ? 47 : 317))
                return RISKY;
            if (!b_len && next_is_char)
                return RISKY;
            return SAFE;
        case PG_TEXT: return SAFE;
        default: return NOCAST;
        }
    case PG_VARCHAR:
    case PG_CHAR:
        if (b.kind == PG_TEXT)
            return SAFE;
        if (!pg_char_like(b.kind))
            return NOCAST;
        if (a.nparams == 0) {
            if (a.kind == PG_CHAR)
                return SAFE;
            if (!b_len && next_is_char)
                return RISKY;
            if (b_len)
                return RISKY;
            return SAFE;
        }
        if (!b_len) {
            if (a.p1 == 1)
                return SAFE;
            return next_is_char ? RISKY : SAFE;
        }
        return a.p1 > blen ? RISKY : SAFE;
    case PG_TEXT:
        if (b.kind == PG_TEXT || (b.kind == PG_VARCHAR && !b_len) || b.kind == PG_CITEXT)
            return SAFE;
        return pg_char_like(b.kind) ? RISKY : NOCAST;
    case PG_BYTEA:
        if (b.kind == PG_TEXT || (b.kind == PG_VARCHAR && !b_len))
            return SAFE;
        return (pg_char_like(b.kind) && b_len && blen > 2) ? RISKY : NOCAST;
    case PG_TIMESTAMP:
    case PG_TIMESTAMPTZ:
    case PG_DATE:
    case PG_TIME:
    case PG_TIMETZ: {
        long minlen = a.kind == PG_TIMESTAMP ? 22 : a.kind == PG_TIME ? 13 : a.kind == PG_TIMETZ ? 18 : 27;
        if (b.kind == PG_TEXT || (b.kind == PG_VARCHAR && !b_len))
            return SAFE;
        if (pg_char_like(b.kind) && b_len && blen > minlen)
            return SAFE;
        if (a.kind == b.kind && a.kind != PG_DATE) {
            if (b.nparams == 0 || a.nparams == 0 || a.p1 == b.p1)
                return TYPECHANGE_NONE;
            return SAFE;
        }
        switch (a.kind) {
        case PG_TIMESTAMP:
        case PG_TIMESTAMPTZ:
            return (b.kind == PG_TIMESTAMP || b.kind == PG_TIMESTAMPTZ || b.kind == PG_DATE || b.kind == PG_TIME ||
                    b.kind == PG_TIMETZ)
                       ? SAFE
                       : NOCAST;
        case PG_DATE: return (b.kind == PG_TIMESTAMP || b.kind == PG_TIMESTAMPTZ) ? SAFE : NOCAST;
        case PG_TIME: return b.kind == PG_TIMETZ ? SAFE : NOCAST;
        default: return (b.kind == PG_TIMETZ || b.kind == PG_TIME) ? SAFE : NOCAST;
        }
    }
    case PG_BOOLEAN:
        if (b.kind == PG_TEXT || b.kind == PG_VARCHAR)
            return SAFE;
        if (b.kind == PG_CHAR && b_len && blen > 4)
            return SAFE;
        if (b.kind == PG_CHAR && b_len && blen > 3)
            return RISKY;
        return NOCAST;
    case PG_BIT:
        if (a.nparams == 0)
            return (b.kind == PG_TEXT || pg_char_like(b.kind) || b.kind == PG_VARBIT) ? SAFE : NOCAST;
        if (b.kind == PG_TEXT || ((b.kind == PG_VARCHAR || b.kind == PG_VARBIT) && !b_len))
            return SAFE;
        if ((b.kind == PG_VARCHAR || b.kind == PG_VARBIT || b.kind == PG_CHAR) && b_len && blen >= a.p1)
            return SAFE;
        return NOCAST;
    case PG_VARBIT:
        if (a.nparams == 0) {
            if (b.kind == PG_TEXT || (b.kind == PG_VARCHAR && !b_len))
                return SAFE;
            return (pg_char_like(b.kind) || b.kind == PG_BIT) ? RISKY : NOCAST;
        }
        if (b.kind == PG_TEXT || ((b.kind == PG_VARCHAR || b.kind == PG_VARBIT) && !b_len))
            return SAFE;
        if (b.kind == PG_VARBIT && blen > a.p1)
            return SAFE;
        if (pg_char_like(b.kind) && b_len && blen >= a.p1)
            return SAFE;
        if (b.kind == PG_BIT)
            return (!b_len || blen <= a.p1) ? RISKY : NOCAST;
        return pg_char_like(b.kind) ? RISKY : NOCAST;
    case PG_UUID:
        if (b.kind == PG_TEXT || (b.kind == PG_VARCHAR && !b_len))
            return SAFE;
        return (pg_char_like(b.kind) && b_len && blen > 31) ? SAFE : NOCAST;
    case PG_XML:
    case PG_JSON:
    case PG_JSONB:
        if (b.kind == PG_TEXT || (b.kind == PG_VARCHAR && !b_len))
            return SAFE;
        if ((a.kind == PG_JSON && b.kind == PG_JSONB) || (a.kind == PG_JSONB && b.kind == PG_JSON))
            return SAFE;
        return pg_char_like(b.kind) ? RISKY : NOCAST;
    case PG_UNKNOWN:
        break;
    }
    return RISKY;
}

static bool str_eq_nocase(Str a, Str b)
{
    if (a.len != b.len)
        return false;
    for (uint32_t i = 0; i < a.len; i++) {
        char x = a.ptr[i], y = b.ptr[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

static TypeChange column_type_change(const Differ *df, const SqlColumn *a, const SqlColumn *b)
{
    if (df->d->compare_type_families) {     /* SQLite */
        if (a->type.family == b->type.family)
            return TYPECHANGE_NONE;
        return b->type.family == SQLT_STRING ? TYPECHANGE_SAFE : TYPECHANGE_RISKY;
    }
    bool ae = a->type.family == SQLT_ENUM, be = b->type.family == SQLT_ENUM;
    if (ae || be) {
        if (ae && be && str_eq(a->type.name, b->type.name)) {
            uint32_t ans = a->type.enum_id < df->prev->nenums ? df->prev->enums[a->type.enum_id].namespace : SQL_NONE;
            uint32_t bns = b->type.enum_id < df->next->nenums ? df->next->enums[b->type.enum_id].namespace : SQL_NONE;
            if (str_eq(sql_namespace_name(df->prev, ans), sql_namespace_name(df->next, bns)) && a->type.list == b->type.list)
                return TYPECHANGE_NONE;
            if (a->type.list == b->type.list)
                return TYPECHANGE_NOT_CASTABLE;
        } else {
            return TYPECHANGE_NOT_CASTABLE;
        }
    }
    PgType pa = pg_parse_type(a->type.name), pb = pg_parse_type(b->type.name);
    if (a->type.family == SQLT_UNSUPPORTED)
        pa.kind = PG_UNKNOWN;
    if (b->type.family == SQLT_UNSUPPORTED)
        pb.kind = PG_UNKNOWN;
    bool list_to_scalar = a->type.list && !b->type.list, scalar_to_list = !a->type.list && b->type.list;
    if (list_to_scalar) {
        if (pb.kind == PG_TEXT || (pb.kind == PG_VARCHAR && pb.nparams == 0))
            return TYPECHANGE_SAFE;
        if (pg_char_like(pb.kind))
            return TYPECHANGE_RISKY;
    }
    if (list_to_scalar || scalar_to_list)
        return TYPECHANGE_NOT_CASTABLE;
    /* Native types compare as written: CHAR and BIT without a length are not CHAR(1) and BIT(1),
     * which is what PostgreSQL keeps for them, so `@db.Char` / `@db.Bit` drift against their own
     * database. So they do for Prisma (measured with its engine: fixtures/sql/072-*.roundtrip);
     * we match it. */
    if (pa.kind != PG_UNKNOWN && pb.kind != PG_UNKNOWN) {
        if (str_eq(a->type.name, b->type.name))
            return TYPECHANGE_NONE;
        return pg_native_change(pa, pb);
    }
    /* A type Prisma knows against one it does not: Unsupported("bytea") against the database's
     * BYTEA (a Bytes column to Prisma's describer) is a risky cast, for Prisma as well
     * (fixtures/sql/128-*.roundtrip) */
    if (pa.kind != PG_UNKNOWN || pb.kind != PG_UNKNOWN)
        return TYPECHANGE_RISKY;
    /* two types Prisma does not know (Unsupported): compared by name, case aside */
    return str_eq_nocase(a->type.name, b->type.name) ? TYPECHANGE_NONE : TYPECHANGE_RISKY;
}

/* '...' -> the string inside, quotes undoubled (malloc'd), or NULL when not a quoted literal. */
static char *unquote_literal(Str s)
{
    if (s.len < 2 || s.ptr[0] != '\'' || s.ptr[s.len - 1] != '\'')
        return NULL;
    char *out = malloc(s.len);
    size_t n = 0;
    for (uint32_t i = 1; i + 1 < s.len; i++) {
        out[n++] = s.ptr[i];
        if (s.ptr[i] == '\'' && i + 2 < s.len && s.ptr[i + 1] == '\'')
            i++;
    }
    out[n] = '\0';
    return out;
}

static char *bare_copy(Str s)
{
    char *out = malloc(s.len + 1);
    memcpy(out, s.ptr, s.len);
    out[s.len] = '\0';
    return out;
}

/* JSON defaults compared as JSON values (a bare JSON default, as Prisma writes them on SQLite,
 * is read as it is). */
static bool json_defaults_match(Str a, Str b)
{
    char *x = unquote_literal(a), *y = unquote_literal(b);
    if (!x)
        x = bare_copy(a);
    if (!y)
        y = bare_copy(b);
    bool match = true;
    if (x && y) {
        json_t *jx = json_loads(x, JSON_DECODE_ANY, NULL), *jy = json_loads(y, JSON_DECODE_ANY, NULL);
        if (jx && jy)
            match = json_equal(jx, jy);
        json_decref(jx);
        json_decref(jy);
    } else {
        match = str_eq(a, b);
    }
    free(x);
    free(y);
    return match;
}

static bool is_list_default(const SqlDefault *d)
{
    return d->kind == SQLDEF_VALUE && d->sql.len >= 6 && memcmp(d->sql.ptr, "ARRAY[", 6) == 0;
}

/* A numeric default as a canonical key: sign, integer digits without leading zeros, fraction
 * without trailing zeros ("0.00" = "0" = "-0", ".5" = "0.5", "2.50" = "2.5"), also inside single
 * quotes (SQLite keeps DEFAULT '7' as written). Prisma compares numeric defaults as values.
 * False when `s` is not a plain decimal number. */
static bool numeric_key(Str s, char *out, size_t cap)
{
    const char *p = s.ptr, *end = s.ptr + s.len;
    if (s.len >= 2 && p[0] == '\'' && end[-1] == '\'') {
        p++;
        end--;
    }
    bool neg = false;
    if (p < end && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    const char *int_start = p;
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    const char *int_end = p, *frac_start = p, *frac_end = p;
    if (p < end && *p == '.') {
        frac_start = ++p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        frac_end = p;
    }
    if (p != end || (int_end == int_start && frac_end == frac_start))
        return false;
    while (int_start < int_end && *int_start == '0')
        int_start++;
    while (frac_end > frac_start && frac_end[-1] == '0')
        frac_end--;
    size_t ni = (size_t)(int_end - int_start), nf = (size_t)(frac_end - frac_start);
    if (ni + nf + 4 > cap)
        return false;
    size_t w = 0;
    if (neg && ni + nf)
        out[w++] = '-';
    memcpy(out + w, int_start, ni);
    w += ni;
    out[w++] = '.';
    memcpy(out + w, frac_start, nf);
    w += nf;
    out[w] = '\0';
    return true;
}

static bool is_numeric_family(SqlTypeFamily f)
{
    return f == SQLT_INT || f == SQLT_BIGINT || f == SQLT_FLOAT || f == SQLT_DECIMAL;
}

/* column.rs defaults_match, on the normalised default spellings. */
static bool defaults_match(const SqlColumn *a, const SqlColumn *b)
{
    const SqlDefault *p = &a->def, *n = &b->def;
    bool datetime = a->type.family == SQLT_DATETIME || b->type.family == SQLT_DATETIME;
    bool json = a->type.family == SQLT_JSON || b->type.family == SQLT_JSON;
    SqlDefaultKind pk = p->kind, nk = n->kind;
    if (datetime && ((pk == SQLDEF_EXPRESSION && is_list_default(n)) || (is_list_default(p) && nk == SQLDEF_EXPRESSION)))
        return true;
    if (is_numeric_family(a->type.family) && is_numeric_family(b->type.family) && !a->type.list && !b->type.list &&
        (pk == SQLDEF_VALUE || pk == SQLDEF_EXPRESSION) && (nk == SQLDEF_VALUE || nk == SQLDEF_EXPRESSION)) {
        char x[96], y[96];
        if (numeric_key(p->sql, x, sizeof x) && numeric_key(n->sql, y, sizeof y))
            return strcmp(x, y) == 0;
    }
    if (pk == SQLDEF_VALUE && nk == SQLDEF_VALUE) {
        if (json && !is_list_default(p) && !is_list_default(n))
            return json_defaults_match(p->sql, n->sql);
        if (datetime)
            return true;
        return str_eq(p->sql, n->sql);
    }
    if (datetime && ((pk == SQLDEF_VALUE && nk != SQLDEF_NONE) || (nk == SQLDEF_VALUE && pk != SQLDEF_NONE)))
        return true;
    if (pk == SQLDEF_VALUE)
        return false;
    if (pk == SQLDEF_NOW)
        return nk == SQLDEF_NOW || nk == SQLDEF_SEQUENCE || (nk == SQLDEF_EXPRESSION && n->sql.len == 0);
    if (nk == SQLDEF_EXPRESSION && n->sql.len == 0)
        return true;
    if (pk == SQLDEF_EXPRESSION) {
        if (nk == SQLDEF_EXPRESSION)
            return p->sql.len > 0 && str_eq_nocase(p->sql, n->sql);
        return nk == SQLDEF_SEQUENCE;
    }
    if (pk == SQLDEF_SEQUENCE)
        return nk == SQLDEF_NONE || nk == SQLDEF_SEQUENCE;
    /* pk == NONE */
    return nk == SQLDEF_NONE || nk == SQLDEF_SEQUENCE;
}

static uint8_t column_changes(const Differ *df, const SqlColumn *a, const SqlColumn *b, TypeChange *tc)
{
    uint8_t ch = 0;
    *tc = column_type_change(df, a, b);
    if (column_arity(a) != column_arity(b))
        ch |= COLCHANGE_ARITY;
    if (*tc != TYPECHANGE_NONE)
        ch |= COLCHANGE_TYPE;
    if (!defaults_match(a, b))
        ch |= COLCHANGE_DEFAULT;
    if (df->d->flavour == SQL_POSTGRES && a->autoincrement != b->autoincrement)
        ch |= COLCHANGE_AUTOINCREMENT;
    return ch;
}

/* ---- pairing ------------------------------------------------------------------------------- */

static Str table_ns(const SqlSchema *s, const SqlTable *t)
{
    return s->flavour == SQL_POSTGRES ? sql_namespace_name(s, t->namespace) : (Str){"", 0};
}

static void pair_columns(Differ *df, TablePair *tp)
{
    const SqlTable *pt = &df->prev->tables[tp->prev], *nt = &df->next->tables[tp->next];
    tp->next_of_prev = arena_alloc(df->arena, (pt->ncolumns + 1) * sizeof(uint32_t));
    tp->prev_of_next = arena_alloc(df->arena, (nt->ncolumns + 1) * sizeof(uint32_t));
    tp->changes = arena_alloc(df->arena, nt->ncolumns + 1);
    tp->type_changes = arena_alloc(df->arena, (nt->ncolumns + 1) * sizeof(TypeChange));
    for (uint32_t i = 0; i < pt->ncolumns; i++)
        tp->next_of_prev[i] = SQL_NONE;
    NameMap cols = {0};
    bool hashed = pt->ncolumns > 16;
    if (hashed) {
        map_init(&cols, df->arena, pt->ncolumns);
        for (uint32_t i = 0; i < pt->ncolumns; i++)
            map_put(&cols, pt->columns[i].name, (Str){"", 0}, i);
    }
    for (uint32_t j = 0; j < nt->ncolumns; j++) {
        uint32_t i = SQL_NONE;
        if (hashed) {
            i = map_get(&cols, nt->columns[j].name, (Str){"", 0});
        } else {
            for (uint32_t k = 0; k < pt->ncolumns; k++)
                if (str_eq(pt->columns[k].name, nt->columns[j].name)) {
                    i = k;
                    break;
                }
        }
        tp->prev_of_next[j] = i;
        if (i != SQL_NONE && tp->next_of_prev[i] == SQL_NONE) {
            tp->next_of_prev[i] = j;
            tp->changes[j] = column_changes(df, &pt->columns[i], &nt->columns[j], &tp->type_changes[j]);
        } else {
            tp->prev_of_next[j] = SQL_NONE;
        }
    }
}

static void pair_tables(Differ *df)
{
    const SqlSchema *prev = df->prev, *next = df->next;
    df->next_of_prev_table = arena_alloc(df->arena, (prev->ntables + 1) * sizeof(uint32_t));
    df->pair_of_prev_table = arena_alloc(df->arena, (prev->ntables + 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < prev->ntables; i++)
        df->next_of_prev_table[i] = df->pair_of_prev_table[i] = SQL_NONE;
    /* nothing to pair (a creation from nothing): no per-table map of the next side at all */
    if (prev->ntables == 0 || next->ntables == 0)
        return;
    df->prev_of_next_table = arena_alloc(df->arena, (next->ntables + 1) * sizeof(uint32_t));
    for (uint32_t j = 0; j < next->ntables; j++)
        df->prev_of_next_table[j] = SQL_NONE;
    NameMap map;
    map_init(&map, df->arena, prev->ntables);
    for (uint32_t i = 0; i < prev->ntables; i++)
        map_put(&map, table_ns(prev, &prev->tables[i]), prev->tables[i].name, i);
    df->pairs = arena_alloc(df->arena, (next->ntables + 1) * sizeof *df->pairs);
    for (uint32_t j = 0; j < next->ntables; j++) {
        uint32_t i = map_get(&map, table_ns(next, &next->tables[j]), next->tables[j].name);
        if (i == SQL_NONE || df->next_of_prev_table[i] != SQL_NONE)
            continue;
        if (table_is_ignored(df, next->tables[j].name))
            continue;
        df->next_of_prev_table[i] = j;
        df->prev_of_next_table[j] = i;
    }
    /* pairs in the previous schema's table order, as Prisma walks them */
    for (uint32_t i = 0; i < prev->ntables; i++) {
        uint32_t j = df->next_of_prev_table[i];
        if (j == SQL_NONE)
            continue;
        df->pair_of_prev_table[i] = df->npairs;
        TablePair *tp = &df->pairs[df->npairs++];
        memset(tp, 0, sizeof *tp);
        tp->prev = i;
        tp->next = j;
        pair_columns(df, tp);
    }
}

/* ---- indexes and foreign keys -------------------------------------------------------------- */

/* Is `opclass` the default operator class of its type for this index method? The model leaves a
 * default class empty (introspection does, as Prisma's describer does), while a schema may
 * still name it: the two are the same index. B-tree and hash classes are not read at all. */
static bool opclass_is_default(Str algorithm, Str opclass)
{
    static const char *const gin[] = {"jsonb_ops", "array_ops", "tsvector_ops"};
    static const char *const spgist[] = {"inet_ops", "text_ops", "range_ops", "quad_point_ops", "box_ops",
                                         "poly_ops"};
    if (algorithm.len == 0 || str_eq_nocase(algorithm, (Str){"BTree", 5}) || str_eq_nocase(algorithm, (Str){"Hash", 4}))
        return true;
    const char *const *list = NULL;
    size_t n = 0;
    if (str_eq_nocase(algorithm, (Str){"Gin", 3})) {
        list = gin;
        n = sizeof gin / sizeof *gin;
    } else if (str_eq_nocase(algorithm, (Str){"SpGist", 6})) {
        list = spgist;
        n = sizeof spgist / sizeof *spgist;
    } else if (str_eq_nocase(algorithm, (Str){"Brin", 4})) {
        static const char minmax[] = "_minmax_ops", inclusion[] = "_inclusion_ops";
        size_t a = sizeof minmax - 1, b = sizeof inclusion - 1;
        return (opclass.len > a && memcmp(opclass.ptr + opclass.len - a, minmax, a) == 0) ||
               (opclass.len > b && memcmp(opclass.ptr + opclass.len - b, inclusion, b) == 0);
    }
    for (size_t i = 0; i < n; i++)
        if (str_eq_cstr(opclass, list[i]))
            return true;
    return false;
}

static bool indexes_match(const Differ *df, const SqlTable *pt, const SqlIndex *a, const SqlTable *nt,
                          const SqlIndex *b)
{
    if (a->kind != b->kind || a->ncolumns != b->ncolumns)
        return false;
    for (uint32_t k = 0; k < a->ncolumns; k++) {
        const SqlIndexColumn *x = &a->columns[k], *y = &b->columns[k];
        SortOrder xs = x->sort == SORT_DESC ? SORT_DESC : SORT_ASC, ys = y->sort == SORT_DESC ? SORT_DESC : SORT_ASC;
        if (!str_eq(pt->columns[x->column].name, nt->columns[y->column].name) || x->length != y->length || xs != ys)
            return false;
        if (df->d->flavour == SQL_POSTGRES && !str_eq(x->opclass, y->opclass)) {
            bool lenient = (x->opclass.len == 0 && opclass_is_default(b->algorithm, y->opclass)) ||
                           (y->opclass.len == 0 && opclass_is_default(a->algorithm, x->opclass));
            if (!lenient)
                return false;
        }
    }
    if (df->d->flavour == SQL_POSTGRES) {
        bool ad = a->algorithm.len == 0 || str_eq_cstr(a->algorithm, "BTree");
        bool bd = b->algorithm.len == 0 || str_eq_cstr(b->algorithm, "BTree");
        if (ad != bd || (!ad && !str_eq_nocase(a->algorithm, b->algorithm)))
            return false;
    }
    /* partial indexes: the conditions as Prisma compares them (sqlexpr.h) */
    return df->gated || sqlexpr_predicates_match(df->d->flavour, a->predicate, b->predicate);
}

static bool foreign_keys_match(const Differ *df, const TablePair *tp, const SqlForeignKey *a, const SqlForeignKey *b)
{
    const SqlTable *pt = &df->prev->tables[tp->prev], *nt = &df->next->tables[tp->next];
    const SqlTable *prt = &df->prev->tables[a->referenced_table], *nrt = &df->next->tables[b->referenced_table];
    if (!str_eq(prt->name, nrt->name) || !str_eq(table_ns(df->prev, prt), table_ns(df->next, nrt)))
        return false;
    if (a->ncolumns != b->ncolumns)
        return false;
    for (uint32_t k = 0; k < a->ncolumns; k++) {
        const SqlColumn *pc = &pt->columns[a->columns[k]], *nc = &nt->columns[b->columns[k]];
        if (!str_eq(pc->name, nc->name))
            return false;
        uint32_t j = b->columns[k];
        if (tp->prev_of_next[j] != SQL_NONE && (tp->changes[j] & COLCHANGE_TYPE))
            return false;
        if (!str_eq(prt->columns[a->referenced_columns[k]].name, nrt->columns[b->referenced_columns[k]].name))
            return false;
    }
    return a->on_delete == b->on_delete && a->on_update == b->on_update;
}

/* ---- table pairs: primary keys ------------------------------------------------------------- */

static bool primary_key_changed(const Differ *df, const TablePair *tp)
{
    const SqlTable *pt = &df->prev->tables[tp->prev], *nt = &df->next->tables[tp->next];
    const SqlIndex *a = sql_table_primary_key(pt), *b = sql_table_primary_key(nt);
    if (!a || !b)
        return false;
    if (a->ncolumns != b->ncolumns)
        return true;
    for (uint32_t k = 0; k < a->ncolumns; k++) {
        const SqlIndexColumn *x = &a->columns[k], *y = &b->columns[k];
        SortOrder xs = x->sort == SORT_DESC ? SORT_DESC : SORT_ASC, ys = y->sort == SORT_DESC ? SORT_DESC : SORT_ASC;
        if (!str_eq(pt->columns[x->column].name, nt->columns[y->column].name) || xs != ys || x->length != y->length)
            return true;
    }
    for (uint32_t k = 0; k < a->ncolumns; k++) {
        uint32_t pc = a->columns[k].column, nc = tp->next_of_prev[pc];
        if (nc != SQL_NONE && (tp->changes[nc] & COLCHANGE_TYPE))
            return true;
    }
    return false;
}

static bool any_column_changed(const Differ *df, const TablePair *tp)
{
    const SqlTable *nt = &df->next->tables[tp->next];
    for (uint32_t j = 0; j < nt->ncolumns; j++)
        if (tp->prev_of_next[j] != SQL_NONE && tp->changes[j])
            return true;
    return false;
}

static bool has_dropped_column(const Differ *df, const TablePair *tp)
{
    const SqlTable *pt = &df->prev->tables[tp->prev];
    for (uint32_t i = 0; i < pt->ncolumns; i++)
        if (tp->next_of_prev[i] == SQL_NONE)
            return true;
    return false;
}

static bool fk_in(const Differ *df, const TablePair *tp, const SqlForeignKey *fk, bool fk_is_prev)
{
    const SqlTable *other = fk_is_prev ? &df->next->tables[tp->next] : &df->prev->tables[tp->prev];
    for (uint32_t k = 0; k < other->nfks; k++)
        if (fk_is_prev ? foreign_keys_match(df, tp, fk, &other->fks[k]) : foreign_keys_match(df, tp, &other->fks[k], fk))
            return true;
    return false;
}

/* SQLite: which table pairs must be rebuilt (set_tables_to_redefine). */
static void mark_redefined(Differ *df)
{
    if (df->d->can_alter_columns)
        return;
    for (uint32_t p = 0; p < df->npairs; p++) {
        TablePair *tp = &df->pairs[p];
        const SqlTable *pt = &df->prev->tables[tp->prev], *nt = &df->next->tables[tp->next];
        bool ppk = sql_table_primary_key(pt) != NULL, npk = sql_table_primary_key(nt) != NULL;
        bool r = ppk != npk || primary_key_changed(df, tp) || has_dropped_column(df, tp) || any_column_changed(df, tp);
        for (uint32_t j = 0; j < nt->ncolumns && !r; j++)
            if (tp->prev_of_next[j] == SQL_NONE && !nt->columns[j].nullable)
                r = true;
        for (uint32_t k = 0; k < nt->nfks && !r; k++)
            if (!fk_in(df, tp, &nt->fks[k], false))
                r = true;
        for (uint32_t k = 0; k < pt->nfks && !r; k++)
            if (!fk_in(df, tp, &pt->fks[k], true))
                r = true;
        tp->redefine = r;
        if (r)
            df->any_redefine = true;
    }
}

/* ---- steps --------------------------------------------------------------------------------- */

static bool namespace_has_objects(const Differ *df, uint32_t ns)
{
    Str name = df->next->namespaces[ns].name;
    for (uint32_t t = 0; t < df->next->ntables; t++)
        if (str_eq(table_ns(df->next, &df->next->tables[t]), name))
            return true;
    for (uint32_t t = 0; t < df->prev->ntables; t++)
        if (str_eq(table_ns(df->prev, &df->prev->tables[t]), name))
            return true;
    for (uint32_t e = 0; e < df->next->nenums; e++)
        if (str_eq(sql_namespace_name(df->next, df->next->enums[e].namespace), name))
            return true;
    /* Not Prisma: a schema that receives an extension is created too, or CREATE EXTENSION ...
     * WITH SCHEMA fails on a fresh database (README: deliberate differences). */
    for (uint32_t e = 0; e < df->next->nextensions && df->d->create_extension_schemas; e++) {
        if (!str_eq(df->next->extensions[e].schema, name))
            continue;
        bool existed = false;
        for (uint32_t k = 0; k < df->prev->nextensions && !existed; k++)
            existed = str_eq(df->prev->extensions[k].name, df->next->extensions[e].name);
        if (!existed)
            return true;
    }
    return false;
}

static void push_namespace_steps(Differ *df)
{
    if (!df->d->has_namespaces)
        return;
    for (uint32_t i = 0; i < df->next->nnamespaces; i++) {
        Str name = df->next->namespaces[i].name;
        bool exists = false;
        for (uint32_t k = 0; k < df->prev->nnamespaces && !exists; k++)
            exists = str_eq(df->prev->namespaces[k].name, name);
        if (exists || !namespace_has_objects(df, i))
            continue;
        bool dup = false;   /* the same name twice in next: once */
        for (uint32_t k = 0; k < i && !dup; k++)
            dup = str_eq(df->next->namespaces[k].name, name);
        if (dup)
            continue;
        MigrateStep *s = push_step(df, STEP_CREATE_SCHEMA);
        s->next_id = i;
    }
}

static void push_extension_steps(Differ *df)
{
    if (!df->d->has_extensions)
        return;
    for (uint32_t j = 0; j < df->next->nextensions; j++) {
        const SqlExtension *n = &df->next->extensions[j];
        uint32_t i = SQL_NONE;
        for (uint32_t k = 0; k < df->prev->nextensions; k++)
            if (str_eq(df->prev->extensions[k].name, n->name)) {
                i = k;
                break;
            }
        if (i == SQL_NONE) {
            MigrateStep *s = push_step(df, STEP_CREATE_EXTENSION);
            s->next_id = j;
            continue;
        }
        const SqlExtension *p = &df->prev->extensions[i];
        uint8_t ch = 0;
        if (p->version.len && n->version.len && !str_eq(p->version, n->version))
            ch |= EXTCHANGE_VERSION;
        if (p->schema.len && n->schema.len && !str_eq(p->schema, n->schema))
            ch |= EXTCHANGE_SCHEMA;
        if (ch) {
            MigrateStep *s = push_step(df, STEP_ALTER_EXTENSION);
            s->prev_id = i;
            s->next_id = j;
            s->ext_changes = ch;
        }
    }
}

/* At most how many steps creating table t takes: itself, its indexes but the primary key
 * (which lowering puts first; one elsewhere is counted), its foreign keys unless they are
 * written inside CREATE TABLE. */
static inline uint32_t created_table_steps_bound(const Dialect *d, const SqlTable *t)
{
    return 1 + t->nindexes - (t->nindexes && t->indexes[0].kind == SQLIDX_PRIMARY) +
           (d->inline_foreign_keys ? 0 : t->nfks);
}

/* Tables that are new, then their indexes, then their foreign keys: each kind apart, in the
 * order sort_steps gives them, so that a creation from nothing is already sorted. Room for them
 * all is taken once (a creation from nothing pushes one step per table, index and foreign key;
 * migrate_diff_in's estimate has it already), and each is written whole. */
static void push_created_table_steps(Differ *df)
{
    const SqlSchema *next = df->next;
    Migration *m = df->m;
    uint32_t bound = m->nsteps + df->created_bound;
    if (bound > m->capsteps)
        m->steps = arena_grow(&m->arena, m->steps, m->nsteps, &m->capsteps, bound, sizeof *m->steps);
    MigrateStep *steps = m->steps;
    uint32_t first = m->nsteps, n = first;
    const uint32_t *paired = df->prev_of_next_table;
    for (uint32_t j = 0; j < next->ntables; j++) {
        if ((paired && paired[j] != SQL_NONE) || table_is_ignored(df, next->tables[j].name))
            continue;
        steps[n++] = (MigrateStep){.kind = STEP_CREATE_TABLE, .prev_table = SQL_NONE, .next_table = j,
                                   .prev_id = SQL_NONE, .next_id = SQL_NONE};
    }
    uint32_t end = n;   /* [first, end): the new tables' steps */
    for (uint32_t i = first; i < end; i++) {
        uint32_t j = steps[i].next_table;
        const SqlTable *t = &next->tables[j];
        for (uint32_t k = 0; k < t->nindexes; k++)
            if (t->indexes[k].kind != SQLIDX_PRIMARY)
                steps[n++] = (MigrateStep){.kind = STEP_CREATE_INDEX, .prev_table = SQL_NONE, .next_table = j,
                                           .prev_id = SQL_NONE, .next_id = k};
    }
    for (uint32_t i = first; i < end && !df->d->inline_foreign_keys; i++) {
        uint32_t j = steps[i].next_table;
        for (uint32_t k = 0; k < next->tables[j].nfks; k++)
            steps[n++] = (MigrateStep){.kind = STEP_ADD_FOREIGN_KEY, .prev_table = SQL_NONE, .next_table = j,
                                       .prev_id = SQL_NONE, .next_id = k};
    }
    m->nsteps = n;
}

static void push_dropped_table_steps(Differ *df)
{
    const SqlSchema *prev = df->prev;
    for (uint32_t i = 0; i < prev->ntables; i++) {
        if (df->next_of_prev_table[i] != SQL_NONE || table_is_ignored(df, prev->tables[i].name))
            continue;
        const SqlTable *t = &prev->tables[i];
        MigrateStep *s = push_step(df, STEP_DROP_TABLE);
        s->prev_table = i;
        s->destructive = true;
        s->warning = fmt(df, "You are about to drop the `%.*s` table. If the table is not empty, all the data it "
                             "contains will be lost.",
                         SF(t->name));
        if (!df->d->inline_foreign_keys)
            for (uint32_t k = 0; k < t->nfks; k++) {
                s = push_step(df, STEP_DROP_FOREIGN_KEY);
                s->prev_table = i;
                s->prev_id = k;
            }
        /* SQLite recreates indexes while redefining; the dropped tables' go first */
        if (df->any_redefine && df->d->inline_foreign_keys)
            for (uint32_t k = 0; k < t->nindexes; k++) {
                if (t->indexes[k].kind == SQLIDX_PRIMARY)
                    continue;
                s = push_step(df, STEP_DROP_INDEX);
                s->prev_table = i;
                s->prev_id = k;
            }
    }
}

static void index_columns_text(const SqlTable *t, const SqlIndex *x, SqlBuf *b)
{
    for (uint32_t k = 0; k < x->ncolumns; k++) {
        if (k)
            sqlbuf_putc(b, ',');
        sqlbuf_putstr(b, t->columns[x->columns[k].column].name);
    }
}

static void push_index_steps(Differ *df, TablePair *tp)
{
    const SqlTable *pt = &df->prev->tables[tp->prev], *nt = &df->next->tables[tp->next];
    /* dropped: previous indexes no next index matches */
    for (uint32_t i = 0; i < pt->nindexes; i++) {
        const SqlIndex *a = &pt->indexes[i];
        if (a->kind == SQLIDX_PRIMARY)
            continue;
        bool found = df->gated && a->predicate.len;    /* a partial index Prisma leaves alone */
        for (uint32_t j = 0; j < nt->nindexes && !found; j++)
            found = nt->indexes[j].kind != SQLIDX_PRIMARY && indexes_match(df, pt, a, nt, &nt->indexes[j]);
        if (!found) {
            MigrateStep *s = push_step(df, STEP_DROP_INDEX);
            s->prev_table = tp->prev;
            s->prev_id = i;
        }
    }
    /* created */
    for (uint32_t j = 0; j < nt->nindexes; j++) {
        const SqlIndex *b = &nt->indexes[j];
        if (b->kind == SQLIDX_PRIMARY)
            continue;
        bool found = df->gated && b->predicate.len;    /* likewise, the other way round */
        for (uint32_t i = 0; i < pt->nindexes && !found; i++)
            found = pt->indexes[i].kind != SQLIDX_PRIMARY && indexes_match(df, pt, &pt->indexes[i], nt, b);
        if (!found) {
            MigrateStep *s = push_step(df, STEP_CREATE_INDEX);
            s->prev_table = tp->prev;
            s->next_table = tp->next;
            s->next_id = j;
            if (b->kind == SQLIDX_UNIQUE) {
                SqlBuf cols = {0};
                index_columns_text(nt, b, &cols);
                s->destructive = true;
                s->warning = fmt(df, "A unique constraint covering the columns `[%s]` on the table `%.*s` will be "
                                     "added. If there are existing duplicate values, this will fail.",
                                 cols.ptr ? cols.ptr : "", SF(nt->name));
                sqlbuf_free(&cols);
            }
        }
    }
    /* PostgreSQL: indexes on a column that is dropped and recreated are recreated */
    if (df->d->flavour == SQL_POSTGRES) {
        for (uint32_t i = 0; i < pt->nindexes; i++) {
            if (pt->indexes[i].kind == SQLIDX_PRIMARY)
                continue;
            for (uint32_t j = 0; j < nt->nindexes; j++) {
                const SqlIndex *b = &nt->indexes[j];
                if (b->kind == SQLIDX_PRIMARY || !indexes_match(df, pt, &pt->indexes[i], nt, b))
                    continue;
                bool recreated = false;
                for (uint32_t k = 0; k < b->ncolumns; k++) {
                    uint32_t c = b->columns[k].column;
                    if (tp->prev_of_next[c] != SQL_NONE && tp->type_changes[c] == TYPECHANGE_NOT_CASTABLE)
                        recreated = true;
                }
                if (recreated) {
                    MigrateStep *s = push_step(df, STEP_CREATE_INDEX);
                    s->prev_table = tp->prev;
                    s->next_table = tp->next;
                    s->next_id = j;
                    s->from_drop_and_recreate = true;
                }
                break;
            }
        }
    }
}

/* Renamed indexes: a previous index no other previous index duplicates, matched by a next one
 * with another name. */
static void push_index_rename_steps(Differ *df, TablePair *tp)
{
    const SqlTable *pt = &df->prev->tables[tp->prev], *nt = &df->next->tables[tp->next];
    for (uint32_t i = 0; i < pt->nindexes; i++) {
        const SqlIndex *a = &pt->indexes[i];
        if (a->kind == SQLIDX_PRIMARY)
            continue;
        uint32_t twins = 0;
        for (uint32_t k = 0; k < pt->nindexes; k++) {
            const SqlIndex *o = &pt->indexes[k];
            if (o->kind != a->kind || o->ncolumns != a->ncolumns)
                continue;
            bool same = true;
            for (uint32_t c = 0; c < a->ncolumns && same; c++)
                same = str_eq(pt->columns[a->columns[c].column].name, pt->columns[o->columns[c].column].name);
            twins += same;
        }
        if (twins != 1)
            continue;
        for (uint32_t j = 0; j < nt->nindexes; j++) {
            const SqlIndex *b = &nt->indexes[j];
            if (b->kind == SQLIDX_PRIMARY || !indexes_match(df, pt, a, nt, b))
                continue;
            if (!str_eq(a->name, b->name)) {
                MigrateStep *s = push_step(df, df->d->can_rename_index ? STEP_RENAME_INDEX : STEP_REDEFINE_INDEX);
                s->prev_table = tp->prev;
                s->prev_id = i;
                s->next_table = tp->next;
                s->next_id = j;
            }
            break;
        }
    }
}

static void push_foreign_key_steps(Differ *df, TablePair *tp)
{
    const SqlTable *pt = &df->prev->tables[tp->prev], *nt = &df->next->tables[tp->next];
    for (uint32_t j = 0; j < nt->nfks; j++)
        if (!fk_in(df, tp, &nt->fks[j], false)) {
            MigrateStep *s = push_step(df, STEP_ADD_FOREIGN_KEY);
            s->next_table = tp->next;
            s->next_id = j;
        }
    for (uint32_t i = 0; i < pt->nfks; i++)
        if (!fk_in(df, tp, &pt->fks[i], true)) {
            MigrateStep *s = push_step(df, STEP_DROP_FOREIGN_KEY);
            s->prev_table = tp->prev;
            s->prev_id = i;
        }
    /* pairs: renamed, or recreated when the referenced table is rebuilt */
    bool *seen = arena_alloc(df->arena, nt->nfks + 1);
    for (uint32_t i = 0; i < pt->nfks; i++) {
        const SqlForeignKey *a = &pt->fks[i];
        for (uint32_t j = 0; j < nt->nfks; j++) {
            if (seen[j] || !foreign_keys_match(df, tp, a, &nt->fks[j]))
                continue;
            seen[j] = true;
            const SqlForeignKey *b = &nt->fks[j];
            uint32_t rp = df->pair_of_prev_table[a->referenced_table];
            bool referenced_redefined = rp != SQL_NONE && df->pairs[rp].redefine;
            if (referenced_redefined && df->d->can_alter_columns) {
                MigrateStep *s = push_step(df, STEP_DROP_FOREIGN_KEY);
                s->prev_table = tp->prev;
                s->prev_id = i;
                s = push_step(df, STEP_ADD_FOREIGN_KEY);
                s->next_table = tp->next;
                s->next_id = j;
            } else if (!df->d->unnamed_foreign_keys && !str_eq(a->name, b->name)) {
                bool m2m = nt->ncolumns == 2 && sql_find_column(nt, STR_LIT("A")) != SQL_NONE &&
                           sql_find_column(nt, STR_LIT("B")) != SQL_NONE && pt->ncolumns == 2 &&
                           sql_find_column(pt, STR_LIT("A")) != SQL_NONE && sql_find_column(pt, STR_LIT("B")) != SQL_NONE;
                if (!m2m) {
                    if (df->d->can_rename_foreign_key) {
                        MigrateStep *s = push_step(df, STEP_RENAME_FOREIGN_KEY);
                        s->prev_table = tp->prev;
                        s->prev_id = i;
                        s->next_table = tp->next;
                        s->next_id = j;
                    } else {
                        MigrateStep *s = push_step(df, STEP_ADD_FOREIGN_KEY);
                        s->next_table = tp->next;
                        s->next_id = j;
                        s = push_step(df, STEP_DROP_FOREIGN_KEY);
                        s->prev_table = tp->prev;
                        s->prev_id = i;
                    }
                }
            }
            break;
        }
    }
}

/* Columns of a table by name (Prisma walks them in a map ordered by name): a merge sort. */
static int column_name_cmp(const SqlTable *t, uint32_t x, uint32_t y)
{
    Str a = t->columns[x].name, b = t->columns[y].name;
    int c = memcmp(a.ptr, b.ptr, a.len < b.len ? a.len : b.len);
    return c ? c : (a.len > b.len) - (a.len < b.len);
}

static void merge_sort_columns(const SqlTable *t, uint32_t *v, uint32_t *tmp, uint32_t n)
{
    if (n < 2)
        return;
    uint32_t h = n / 2;
    merge_sort_columns(t, v, tmp, h);
    merge_sort_columns(t, v + h, tmp, n - h);
    uint32_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = column_name_cmp(t, v[j], v[i]) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

static uint32_t *columns_by_name(Differ *df, const SqlTable *t, const uint32_t *which, uint32_t n)
{
    uint32_t *out = arena_alloc(df->arena, (n + 1) * sizeof *out);
    uint32_t *tmp = arena_alloc(df->arena, (n + 1) * sizeof *tmp);
    memcpy(out, which, n * sizeof *out);
    merge_sort_columns(t, out, tmp, n);
    return out;
}

static void push_alter_table(Differ *df, TablePair *tp)
{
    const SqlTable *pt = &df->prev->tables[tp->prev], *nt = &df->next->tables[tp->next];
    TableChange *ch = NULL;
    uint32_t n = 0, cap = 0;
    bool destructive = false;
    SqlBuf why = {0};
    const SqlIndex *ppk = sql_table_primary_key(pt), *npk = sql_table_primary_key(nt);
    bool pk_changed = primary_key_changed(df, tp);

    if ((ppk && !npk) || pk_changed) {
        ARENA_PUSH(df->arena, ch, n, cap, ((TableChange){TABLECHANGE_DROP_PRIMARY_KEY, SQL_NONE, SQL_NONE, 0, 0}));
        destructive = true;
        sqlbuf_printf(&why, "The primary key for the `%.*s` table will be changed. If it partially fails, the "
                            "table could be left without primary key constraint.",
                      SF(pt->name));
    }
    if (ppk && npk && !str_eq(ppk->name, npk->name))
        ARENA_PUSH(df->arena, ch, n, cap, ((TableChange){TABLECHANGE_RENAME_PRIMARY_KEY, SQL_NONE, SQL_NONE, 0, 0}));

    uint32_t *tmp = arena_alloc(df->arena, (pt->ncolumns + nt->ncolumns + 1) * sizeof *tmp);
    uint32_t k = 0;
    for (uint32_t i = 0; i < pt->ncolumns; i++)
        if (tp->next_of_prev[i] == SQL_NONE)
            tmp[k++] = i;
    uint32_t *dropped = columns_by_name(df, pt, tmp, k);
    for (uint32_t i = 0; i < k; i++) {
        ARENA_PUSH(df->arena, ch, n, cap, ((TableChange){TABLECHANGE_DROP_COLUMN, dropped[i], SQL_NONE, 0, 0}));
        destructive = true;
        sqlbuf_printf(&why, "You are about to drop the column `%.*s` on the `%.*s` table. All the data in the "
                            "column will be lost.",
                      SF(pt->columns[dropped[i]].name), SF(pt->name));
    }
    k = 0;
    for (uint32_t j = 0; j < nt->ncolumns; j++)
        if (tp->prev_of_next[j] == SQL_NONE)
            tmp[k++] = j;
    uint32_t *added = columns_by_name(df, nt, tmp, k);
    for (uint32_t i = 0; i < k; i++) {
        const SqlColumn *c = &nt->columns[added[i]];
        ARENA_PUSH(df->arena, ch, n, cap, ((TableChange){TABLECHANGE_ADD_COLUMN, SQL_NONE, added[i], 0, 0}));
        if (!c->nullable && c->def.kind == SQLDEF_NONE && !c->autoincrement) {
            destructive = true;
            if (why.len)
                sqlbuf_putc(&why, '\n');
            sqlbuf_printf(&why, "Added the required column `%.*s` to the `%.*s` table without a default value. "
                                "This is not possible if the table is not empty.",
                          SF(c->name), SF(nt->name));
        }
    }
    /* altered columns, in previous column order */
    for (uint32_t i = 0; i < pt->ncolumns; i++) {
        uint32_t j = tp->next_of_prev[i];
        if (j == SQL_NONE || !tp->changes[j])
            continue;
        TypeChange tc = tp->type_changes[j];
        TableChangeKind kind = tc == TYPECHANGE_NOT_CASTABLE ? TABLECHANGE_DROP_AND_RECREATE_COLUMN : TABLECHANGE_ALTER_COLUMN;
        ARENA_PUSH(df->arena, ch, n, cap, ((TableChange){kind, i, j, tp->changes[j], tc}));
        const SqlColumn *pc = &pt->columns[i], *nc = &nt->columns[j];
        if (tc == TYPECHANGE_NOT_CASTABLE) {
            destructive = true;
            if (why.len)
                sqlbuf_putc(&why, '\n');
            sqlbuf_printf(&why, "The `%.*s` column on the `%.*s` table would be dropped and recreated. This will lead "
                                "to data loss.",
                          SF(nc->name), SF(nt->name));
        } else if (tc == TYPECHANGE_RISKY) {
            destructive = true;
            if (why.len)
                sqlbuf_putc(&why, '\n');
            sqlbuf_printf(&why, "You are about to alter the column `%.*s` on the `%.*s` table. The data in that "
                                "column will be cast from `%.*s` to `%.*s`.",
                          SF(pc->name), SF(pt->name), SF(pc->type.name), SF(nc->type.name));
        }
        if ((tp->changes[j] & COLCHANGE_ARITY) && pc->nullable && !nc->nullable && !nc->type.list) {
            destructive = true;
            if (why.len)
                sqlbuf_putc(&why, '\n');
            sqlbuf_printf(&why, "Made the column `%.*s` on table `%.*s` required. This fails if the column holds "
                                "NULL values.",
                          SF(nc->name), SF(nt->name));
        }
    }
    if ((!ppk && npk) || pk_changed)
        ARENA_PUSH(df->arena, ch, n, cap, ((TableChange){TABLECHANGE_ADD_PRIMARY_KEY, SQL_NONE, SQL_NONE, 0, 0}));
    if (n) {
        MigrateStep *s = push_step(df, STEP_ALTER_TABLE);
        s->prev_table = tp->prev;
        s->next_table = tp->next;
        StepDetail *d = new_detail(df, s);
        d->changes = ch;
        d->nchanges = n;
        s->destructive = destructive;
        if (why.len)
            s->warning = arena_strndup(df->arena, why.ptr, why.len);
    }
    sqlbuf_free(&why);
}

static void push_redefine_step(Differ *df)
{
    if (!df->any_redefine)
        return;
    RedefineTable *r = arena_alloc(df->arena, df->npairs * sizeof *r);
    uint32_t nr = 0;
    bool destructive = false;
    SqlBuf why = {0};
    for (uint32_t p = 0; p < df->npairs; p++) {
        TablePair *tp = &df->pairs[p];
        if (!tp->redefine)
            continue;
        const SqlTable *pt = &df->prev->tables[tp->prev], *nt = &df->next->tables[tp->next];
        RedefineTable *rd = &r[nr++];
        rd->prev_table = tp->prev;
        rd->next_table = tp->next;
        rd->dropped_primary_key = sql_table_primary_key(pt) && (!sql_table_primary_key(nt) || primary_key_changed(df, tp));
        if (rd->dropped_primary_key) {
            destructive = true;
            if (why.len)
                sqlbuf_putc(&why, '\n');
            sqlbuf_printf(&why, "The primary key for the `%.*s` table will be changed. If it partially fails, the "
                                "table could be left without primary key constraint.",
                          SF(pt->name));
        }
        uint32_t *tmp = arena_alloc(df->arena, (pt->ncolumns + nt->ncolumns + 1) * sizeof *tmp);
        uint32_t k = 0;
        for (uint32_t j = 0; j < nt->ncolumns; j++)
            if (tp->prev_of_next[j] != SQL_NONE)
                tmp[k++] = j;
        uint32_t *paired = columns_by_name(df, nt, tmp, k);
        rd->pairs = arena_alloc(df->arena, (k + 1) * sizeof *rd->pairs);
        rd->npairs = k;
        for (uint32_t i = 0; i < k; i++) {
            uint32_t j = paired[i];
            rd->pairs[i] = (ColumnPair){tp->prev_of_next[j], j, tp->changes[j], tp->type_changes[j]};
            const SqlColumn *pc = &pt->columns[tp->prev_of_next[j]], *nc = &nt->columns[j];
            if (tp->type_changes[j] == TYPECHANGE_RISKY || tp->type_changes[j] == TYPECHANGE_NOT_CASTABLE) {
                destructive = true;
                if (why.len)
                    sqlbuf_putc(&why, '\n');
                sqlbuf_printf(&why, "You are about to alter the column `%.*s` on the `%.*s` table. The data in "
                                    "that column could be lost.",
                              SF(nc->name), SF(nt->name));
            }
            if ((tp->changes[j] & COLCHANGE_ARITY) && pc->nullable && !nc->nullable && nc->def.kind == SQLDEF_NONE) {
                destructive = true;
                if (why.len)
                    sqlbuf_putc(&why, '\n');
                sqlbuf_printf(&why, "Made the column `%.*s` on table `%.*s` required. This fails if the column "
                                    "holds NULL values.",
                              SF(nc->name), SF(nt->name));
            }
        }
        k = 0;
        for (uint32_t j = 0; j < nt->ncolumns; j++)
            if (tp->prev_of_next[j] == SQL_NONE)
                tmp[k++] = j;
        rd->added = columns_by_name(df, nt, tmp, k);
        rd->nadded = k;
        for (uint32_t i = 0; i < k; i++) {
            const SqlColumn *c = &nt->columns[rd->added[i]];
            if (!c->nullable && c->def.kind == SQLDEF_NONE && !c->autoincrement) {
                destructive = true;
                if (why.len)
                    sqlbuf_putc(&why, '\n');
                sqlbuf_printf(&why, "Added the required column `%.*s` to the `%.*s` table without a default value. "
                                    "This is not possible if the table is not empty.",
                              SF(c->name), SF(nt->name));
            }
        }
        k = 0;
        for (uint32_t i = 0; i < pt->ncolumns; i++)
            if (tp->next_of_prev[i] == SQL_NONE)
                tmp[k++] = i;
        rd->dropped = columns_by_name(df, pt, tmp, k);
        rd->ndropped = k;
        for (uint32_t i = 0; i < k; i++) {
            destructive = true;
            if (why.len)
                sqlbuf_putc(&why, '\n');
            sqlbuf_printf(&why, "You are about to drop the column `%.*s` on the `%.*s` table. All the data in the "
                                "column will be lost.",
                          SF(pt->columns[rd->dropped[i]].name), SF(pt->name));
        }
    }
    MigrateStep *s = push_step(df, STEP_REDEFINE_TABLES);
    StepDetail *d = new_detail(df, s);
    d->redefines = r;
    d->nredefines = nr;
    s->destructive = destructive;
    if (why.len)
        s->warning = arena_strndup(df->arena, why.ptr, why.len);
    sqlbuf_free(&why);
}

static void push_table_pair_steps(Differ *df)
{
    for (uint32_t p = 0; p < df->npairs; p++) {
        TablePair *tp = &df->pairs[p];
        if (tp->redefine)
            continue;
        push_index_steps(df, tp);
        push_foreign_key_steps(df, tp);
        push_index_rename_steps(df, tp);
        push_alter_table(df, tp);
    }
}

static uint32_t find_value(const SqlEnum *e, Str v)
{
    for (uint32_t i = 0; i < e->nvalues; i++)
        if (str_eq(e->values[i], v))
            return i;
    return SQL_NONE;
}

static bool column_is_enum(const SqlColumn *c, Str name)
{
    return c->type.family == SQLT_ENUM && str_eq(c->type.name, name);
}

static void push_enum_steps(Differ *df)
{
    if (!df->d->has_enums)
        return;
    const SqlSchema *prev = df->prev, *next = df->next;
    NameMap map;
    map_init(&map, df->arena, prev->nenums);
    for (uint32_t i = 0; i < prev->nenums; i++)
        map_put(&map, sql_namespace_name(prev, prev->enums[i].namespace), prev->enums[i].name, i);
    bool *matched = arena_alloc(df->arena, prev->nenums + 1);
    for (uint32_t j = 0; j < next->nenums; j++) {
        const SqlEnum *ne = &next->enums[j];
        uint32_t i = prev->nenums ? map_get(&map, sql_namespace_name(next, ne->namespace), ne->name) : SQL_NONE;
        if (i == SQL_NONE || matched[i]) {
            MigrateStep *s = push_step(df, STEP_CREATE_ENUM);
            s->next_id = j;
            continue;
        }
        matched[i] = true;
        const SqlEnum *pe = &prev->enums[i];
        Str *added = NULL, *dropped = NULL;
        uint32_t na = 0, ca = 0, nd = 0, cd = 0;
        for (uint32_t v = 0; v < ne->nvalues; v++)
            if (find_value(pe, ne->values[v]) == SQL_NONE)
                ARENA_PUSH(df->arena, added, na, ca, ne->values[v]);
        for (uint32_t v = 0; v < pe->nvalues; v++)
            if (find_value(ne, pe->values[v]) == SQL_NONE)
                ARENA_PUSH(df->arena, dropped, nd, cd, pe->values[v]);
        if (!na && !nd)
            continue;
        MigrateStep *s = push_step(df, STEP_ALTER_ENUM);
        s->prev_id = i;
        s->next_id = j;
        StepDetail *detail = new_detail(df, s);
        detail->added_values = added;
        detail->nadded_values = na;
        detail->dropped_values = dropped;
        detail->ndropped_values = nd;
        if (nd) {
            SqlBuf vals = {0};
            for (uint32_t v = 0; v < nd; v++) {
                if (v)
                    sqlbuf_putc(&vals, ',');
                sqlbuf_putstr(&vals, dropped[v]);
            }
            s->destructive = true;
            s->warning = fmt(df, "The values [%s] on the enum `%.*s` will be removed. If these variants are still "
                                 "used in the database, this will fail.",
                             vals.ptr, SF(pe->name));
            sqlbuf_free(&vals);
        }
        /* columns whose default uses the enum */
        EnumDefaultUsage *u = NULL;
        uint32_t nu = 0, cu = 0;
        for (uint32_t t = 0; t < prev->ntables; t++) {
            const SqlTable *pt = &prev->tables[t];
            uint32_t pp = df->pair_of_prev_table[t];
            const TablePair *tp = pp == SQL_NONE ? NULL : &df->pairs[pp];
            for (uint32_t c = 0; c < pt->ncolumns; c++) {
                const SqlColumn *pc = &pt->columns[c];
                if (!column_is_enum(pc, pe->name) || pc->def.kind == SQLDEF_NONE)
                    continue;
                EnumDefaultUsage usage = {t, c, SQL_NONE, SQL_NONE};
                if (tp && tp->next_of_prev[c] != SQL_NONE) {
                    const SqlColumn *nc = &next->tables[tp->next].columns[tp->next_of_prev[c]];
                    if (column_is_enum(nc, ne->name) && nc->def.kind != SQLDEF_NONE) {
                        usage.next_table = tp->next;
                        usage.next_column = tp->next_of_prev[c];
                    }
                }
                ARENA_PUSH(df->arena, u, nu, cu, usage);
            }
        }
        detail->usages = u;
        detail->nusages = nu;
    }
    for (uint32_t i = 0; i < prev->nenums; i++)
        if (!matched[i]) {
            MigrateStep *s = push_step(df, STEP_DROP_ENUM);
            s->prev_id = i;
            s->destructive = true;
            s->warning = fmt(df, "You are about to drop the enum `%.*s`.", SF(prev->enums[i].name));
        }
}

/* ---- ordering ------------------------------------------------------------------------------ */

typedef struct SortItem {
    uint32_t key[5];
    uint32_t index;
} SortItem;

static int cmp_items(const void *x, const void *y)
{
    const SortItem *a = x, *b = y;
    for (int i = 0; i < 5; i++)
        if (a->key[i] != b->key[i])
            return a->key[i] < b->key[i] ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

static uint32_t opt(uint32_t id)     /* Option<Id>: None before Some */
{
    return id == SQL_NONE ? 0 : id + 1;
}

static inline void step_key(const MigrateStep *s, uint32_t key[5])
{
    key[0] = s->kind;
    key[1] = key[2] = key[3] = key[4] = 0;
    switch (s->kind) {
    case STEP_CREATE_SCHEMA:
    case STEP_CREATE_EXTENSION:
    case STEP_CREATE_ENUM:
        key[1] = s->next_id;
        break;
    case STEP_DROP_EXTENSION:
    case STEP_DROP_ENUM:
        key[1] = s->prev_id;
        break;
    case STEP_ALTER_EXTENSION:
    case STEP_ALTER_ENUM:
        key[1] = s->prev_id;
        key[2] = s->next_id;
        break;
    case STEP_DROP_FOREIGN_KEY:
    case STEP_DROP_INDEX:
        key[1] = s->prev_table;
        key[2] = s->prev_id;
        break;
    case STEP_ALTER_TABLE:
        key[1] = s->prev_table;
        key[2] = s->next_table;
        break;
    case STEP_DROP_TABLE:
        key[1] = s->prev_table;
        break;
    case STEP_CREATE_TABLE:
        key[1] = s->next_table;
        break;
    case STEP_REDEFINE_TABLES:
        break;
    case STEP_CREATE_INDEX:
        key[1] = opt(s->prev_table);
        key[2] = s->next_table;
        key[3] = s->next_id;
        key[4] = s->from_drop_and_recreate;
        break;
    case STEP_ADD_FOREIGN_KEY:
        key[1] = s->next_table;
        key[2] = s->next_id;
        break;
    case STEP_RENAME_FOREIGN_KEY:
    case STEP_RENAME_INDEX:
    case STEP_REDEFINE_INDEX:
        key[1] = s->prev_table;
        key[2] = s->prev_id;
        key[3] = s->next_table;
        key[4] = s->next_id;
        break;
    }
}

/* Are the steps [a, b) of one kind in order (by their objects)? Each key is made once, and
 * compared as two words (its first element, the kind, is the same for them all). */
static bool steps_in_order(const MigrateStep *steps, uint32_t a, uint32_t b)
{
    uint64_t hi = 0, lo = 0;
    for (uint32_t i = a; i < b; i++) {
        uint32_t key[5];
        step_key(&steps[i], key);
        uint64_t h = (uint64_t)key[1] << 32 | key[2], l = (uint64_t)key[3] << 32 | key[4];
        if (i > a && (h < hi || (h == hi && l < lo)))
            return false;
        hi = h;
        lo = l;
    }
    return true;
}

/* Stable: first by kind (a counting sort, into a new array in the migration's arena), then by
 * the objects within each kind — which a creation from nothing already produces in order, so
 * that sort is usually skipped. */
static void sort_steps(Migration *m)
{
    if (m->nsteps < 2)
        return;
    enum { NKINDS = STEP_REDEFINE_INDEX + 1 };
    uint32_t start[NKINDS + 1] = {0};
    bool in_kind_order = true;
    for (uint32_t i = 0; i < m->nsteps; i++) {
        start[m->steps[i].kind + 1]++;
        if (i && m->steps[i].kind < m->steps[i - 1].kind)
            in_kind_order = false;
    }
    for (int k = 0; k < NKINDS; k++)
        start[k + 1] += start[k];
    if (!in_kind_order) {
        MigrateStep *sorted = arena_alloc(&m->arena, (size_t)m->nsteps * sizeof *sorted);
        uint32_t fill[NKINDS];
        memcpy(fill, start, sizeof fill);
        for (uint32_t i = 0; i < m->nsteps; i++)
            sorted[fill[m->steps[i].kind]++] = m->steps[i];
        m->steps = sorted;      /* the old array stays in the arena, unused */
        m->capsteps = m->nsteps;
    }
    for (int k = 0; k < NKINDS; k++) {
        uint32_t a = start[k], b = start[k + 1];
        if (steps_in_order(m->steps, a, b))
            continue;
        /* this kind's steps by their objects, the equal ones as they were */
        SortItem *items = malloc((size_t)(b - a) * sizeof *items);
        MigrateStep *copy = malloc((size_t)(b - a) * sizeof *copy);
        if (!items || !copy) {
            fprintf(stderr, "prismac: out of memory\n");
            exit(2);
        }
        for (uint32_t i = a; i < b; i++) {
            step_key(&m->steps[i], items[i - a].key);
            items[i - a].index = i - a;
            copy[i - a] = m->steps[i];
        }
        qsort(items, b - a, sizeof *items, cmp_items);
        for (uint32_t i = a; i < b; i++)
            m->steps[i] = copy[items[i - a].index];
        free(copy);
        free(items);
    }
}

/* A unique index dropped from a table without a primary key must go after the ALTER TABLE that
 * adds a primary key on the same columns (apply_partial_order_permutations). */
static void apply_partial_order(Migration *m)
{
    for (uint32_t i = 0; i < m->nsteps; i++) {
        MigrateStep *s = &m->steps[i];
        if (s->kind != STEP_DROP_INDEX)
            continue;
        const SqlTable *pt = &m->prev->tables[s->prev_table];
        const SqlIndex *x = &pt->indexes[s->prev_id];
        if (x->kind != SQLIDX_UNIQUE || sql_table_primary_key(pt))
            continue;
        for (uint32_t j = i + 1; j < m->nsteps; j++) {
            const MigrateStep *a = &m->steps[j];
            if (a->kind != STEP_ALTER_TABLE || a->prev_table != s->prev_table)
                continue;
            bool adds_pk = false, touches = false;
            for (uint32_t c = 0; c < a->detail->nchanges; c++) {
                const TableChange *tc = &a->detail->changes[c];
                if (tc->kind == TABLECHANGE_ADD_PRIMARY_KEY)
                    adds_pk = true;
                if (tc->kind == TABLECHANGE_DROP_COLUMN || tc->kind == TABLECHANGE_DROP_AND_RECREATE_COLUMN)
                    for (uint32_t k = 0; k < x->ncolumns; k++)
                        if (x->columns[k].column == tc->prev_column)
                            touches = true;
            }
            if (!adds_pk || touches)
                continue;
            const SqlTable *nt = &m->next->tables[a->next_table];
            const SqlIndex *pk = sql_table_primary_key(nt);
            if (!pk || pk->ncolumns != x->ncolumns)
                continue;
            bool same = true;
            for (uint32_t k = 0; k < x->ncolumns && same; k++)
                same = str_eq(pt->columns[x->columns[k].column].name, nt->columns[pk->columns[k].column].name);
            if (!same)
                continue;
            MigrateStep moved = *s;
            memmove(&m->steps[i], &m->steps[i + 1], (j - i) * sizeof *m->steps);
            m->steps[j] = moved;
            i--;
            break;
        }
    }
}

/* ---- entry --------------------------------------------------------------------------------- */

Migration *migrate_diff_in(const SqlSchema *prev, const SqlSchema *next, const Dialect *dialect, Arena *steps_arena)
{
    Arena boot;
    arena_init(&boot);
    Migration *m = arena_alloc(&boot, sizeof *m);
    m->arena = boot;
    m->prev = prev;
    m->next = next;
    m->dialect = dialect;
    Differ df = {0};
    df.m = m;
    df.arena = &m->arena;
    df.prev = prev;
    df.next = next;
    df.d = dialect;
    df.gated = prev->partial_indexes_gated || next->partial_indexes_gated;
    ignored_init(&df);

    /* room for every step of a creation or a drop of everything, so the array never regrows */
    uint32_t estimate = prev->nnamespaces + next->nnamespaces + prev->nenums + next->nenums + prev->nextensions +
                        next->nextensions + 1;
    for (uint32_t i = 0; i < prev->ntables; i++)
        estimate += 1 + prev->tables[i].nindexes + prev->tables[i].nfks;
    for (uint32_t i = 0; i < next->ntables; i++)
        df.created_bound += created_table_steps_bound(dialect, &next->tables[i]);
    estimate += df.created_bound;
    m->steps = arena_alloc(steps_arena ? steps_arena : &m->arena, (size_t)estimate * sizeof *m->steps);
    m->capsteps = estimate;

    pair_tables(&df);
    mark_redefined(&df);
    /* The steps are sorted by kind after (stably): only the order of the steps of one kind
     * matters, and the calls that make the same kinds (created tables, table pairs) keep their
     * order. Called in the order of their kinds, a creation from nothing (its steps from the
     * first four) is pushed sorted and needs no reordering copy. */
    push_namespace_steps(&df);
    push_extension_steps(&df);
    push_enum_steps(&df);
    push_created_table_steps(&df);
    push_dropped_table_steps(&df);
    push_table_pair_steps(&df);
    push_redefine_step(&df);
    /* From nothing (no table, enum or extension before), only creations are pushed, each kind's
     * in its objects' order and the kinds in order: sorted already, and no index is dropped */
    if (prev->ntables || prev->nenums || prev->nextensions) {
        sort_steps(m);
        apply_partial_order(m);
    }
    return m;
}

Migration *migrate_diff(const SqlSchema *prev, const SqlSchema *next, const Dialect *dialect)
{
    return migrate_diff_in(prev, next, dialect, NULL);
}

void migrate_free(Migration *migration)
{
    if (!migration)
        return;
    Arena a = migration->arena;
    arena_free(&a);
}
