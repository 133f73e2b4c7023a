/* The drift check: (introspected database, lowered schema) -> findings (check.h).
 *
 * Tables and enums are paired by (schema, name), columns by name, as the differ pairs them;
 * what changed about a column comes from the differ's own steps (its ALTER TABLE changes and
 * SQLite table rebuilds), so that the check and a repair script never disagree about a column.
 * Indexes, foreign keys and primary keys are compared by name and then by definition, which is
 * how a user names them (the differ pairs them by definition only, to plan renames). Every
 * lookup by name goes through a hash map: the work is linear in the size of the schemas. */
#include "prismac/check.h"
#include "prismac/sqlexpr.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

/* ---- a map from (Str, Str) to an index -------------------------------------------------------- */

typedef struct PairSlot {
    Str a, b;
    uint32_t value;
} PairSlot;

typedef struct PairMap {
    PairSlot *slots;
    uint32_t mask;
} PairMap;

static void pmap_init(PairMap *m, Arena *arena, uint32_t n)
{
    uint32_t cap = 16;
    while (cap < n * 2 + 2)
        cap *= 2;
    m->slots = arena_alloc(arena, cap * sizeof *m->slots);
    for (uint32_t i = 0; i < cap; i++)
        m->slots[i].value = SQL_NONE;
    m->mask = cap - 1;
}

static uint32_t pmap_hash(Str a, Str b)
{
    return str_hash(a) * 0x9E3779B1u ^ str_hash(b);
}

/* The first insertion of a key wins. */
static void pmap_put(PairMap *m, Str a, Str b, uint32_t value)
{
    for (uint32_t i = pmap_hash(a, b) & m->mask;; i = (i + 1) & m->mask) {
        PairSlot *s = &m->slots[i];
        if (s->value == SQL_NONE) {
            *s = (PairSlot){a, b, value};
            return;
        }
        if (str_eq(s->a, a) && str_eq(s->b, b))
            return;
    }
}

static uint32_t pmap_get(const PairMap *m, Str a, Str b)
{
    for (uint32_t i = pmap_hash(a, b) & m->mask;; i = (i + 1) & m->mask) {
        const PairSlot *s = &m->slots[i];
        if (s->value == SQL_NONE)
            return SQL_NONE;
        if (str_eq(s->a, a) && str_eq(s->b, b))
            return s->value;
    }
}

static const Str NOSTR = {"", 0};

/* ---- names ------------------------------------------------------------------------------------- */

const char *check_kind_name(CheckKind kind)
{
    static const char *const names[] = {
        "table_missing",       "table_extra",       "column_missing",       "column_extra",
        "column_type",         "column_nullability", "column_default",      "column_autoincrement",
        "primary_key",         "index_missing",     "index_extra",          "index_changed",
        "foreign_key_missing", "foreign_key_extra", "foreign_key_changed",  "enum_missing",
        "enum_extra",          "enum_values",       "unmanaged",
    };
    return (unsigned)kind < sizeof names / sizeof *names ? names[kind] : "unknown";
}

const char *check_kind_phrase(CheckKind kind)
{
    static const char *const phrases[] = {
        "missing table",       "extra table",        "missing column",        "extra column",
        "column type differs", "nullability differs", "default differs",     "autoincrement differs",
        "primary key differs", "missing index",      "extra index",           "index differs",
        "missing foreign key", "extra foreign key",  "foreign key differs",   "missing enum",
        "extra enum",          "enum values differ", "unmanaged",
    };
    return (unsigned)kind < sizeof phrases / sizeof *phrases ? phrases[kind] : "finding";
}

void check_write_name(SqlBuf *out, Str name)
{
    bool quote = name.len == 0;
    for (uint32_t i = 0; i < name.len && !quote; i++) {
        char c = name.ptr[i];
        quote = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '.' || c == '"';
    }
    if (!quote) {
        sqlbuf_putstr(out, name);
        return;
    }
    sqlbuf_putc(out, '"');
    for (uint32_t i = 0; i < name.len; i++) {
        if (name.ptr[i] == '"')
            sqlbuf_putc(out, '"');
        sqlbuf_putc(out, name.ptr[i]);
    }
    sqlbuf_putc(out, '"');
}

static bool in_default_namespace(const SqlSchema *s, uint32_t ns)
{
    return s->flavour != SQL_POSTGRES || sql_namespace_is_default(s, ns);
}

void check_write_table(SqlBuf *out, const SqlSchema *schema, const SqlTable *table)
{
    if (!in_default_namespace(schema, table->namespace)) {
        check_write_name(out, sql_namespace_name(schema, table->namespace));
        sqlbuf_putc(out, '.');
    }
    check_write_name(out, table->name);
}

static void write_enum_name(SqlBuf *out, const SqlSchema *schema, const SqlEnum *e)
{
    if (!in_default_namespace(schema, e->namespace)) {
        check_write_name(out, sql_namespace_name(schema, e->namespace));
        sqlbuf_putc(out, '.');
    }
    check_write_name(out, e->name);
}

/* ---- SQL descriptions of objects -------------------------------------------------------------- */

static void write_type(SqlBuf *out, const SqlSchema *schema, const SqlColumn *c)
{
    bool pg = schema->flavour == SQL_POSTGRES;
    if (pg && c->autoincrement && c->def.kind == SQLDEF_SEQUENCE && !c->type.list) {
        if (str_eq_cstr(c->type.name, "INTEGER"))
            sqlbuf_puts(out, "SERIAL");
        else if (str_eq_cstr(c->type.name, "BIGINT"))
            sqlbuf_puts(out, "BIGSERIAL");
        else if (str_eq_cstr(c->type.name, "SMALLINT"))
            sqlbuf_puts(out, "SMALLSERIAL");
        else
            sqlbuf_putstr(out, c->type.name);
        return;
    }
    if (c->type.family == SQLT_ENUM && c->type.enum_id < schema->nenums)
        write_enum_name(out, schema, &schema->enums[c->type.enum_id]);
    else
        sqlbuf_putstr(out, c->type.name);
    if (c->type.list)
        sqlbuf_puts(out, "[]");
}

static void write_default(SqlBuf *out, const SqlDefault *d)
{
    switch (d->kind) {
    case SQLDEF_NONE:
    case SQLDEF_SEQUENCE:
        break;
    case SQLDEF_NOW:
        sqlbuf_puts(out, "DEFAULT CURRENT_TIMESTAMP");
        break;
    case SQLDEF_VALUE:
        sqlbuf_puts(out, "DEFAULT ");
        sqlbuf_putstr(out, d->sql);
        break;
    case SQLDEF_EXPRESSION:
        if (d->sql.len) {
            sqlbuf_puts(out, "DEFAULT ");
            sqlbuf_putstr(out, d->sql);
        } else {
            sqlbuf_puts(out, "DEFAULT (any)");
        }
        break;
    }
}

void check_write_column(SqlBuf *out, const SqlSchema *schema, const SqlColumn *c)
{
    write_type(out, schema, c);
    if (!c->nullable && !(schema->flavour == SQL_POSTGRES && c->type.list))
        sqlbuf_puts(out, " NOT NULL");
    if (c->def.kind != SQLDEF_NONE && c->def.kind != SQLDEF_SEQUENCE) {
        sqlbuf_putc(out, ' ');
        write_default(out, &c->def);
    }
}

static void write_index(SqlBuf *out, const SqlTable *t, const SqlIndex *x)
{
    sqlbuf_puts(out, x->kind == SQLIDX_PRIMARY ? "PRIMARY KEY" : x->kind == SQLIDX_UNIQUE ? "UNIQUE" : "INDEX");
    if (x->kind == SQLIDX_PRIMARY && x->name.len) {
        sqlbuf_puts(out, " ");
        check_write_name(out, x->name);
    }
    sqlbuf_puts(out, " (");
    for (uint32_t k = 0; k < x->ncolumns; k++) {
        const SqlIndexColumn *ic = &x->columns[k];
        if (k)
            sqlbuf_puts(out, ", ");
        check_write_name(out, ic->column < t->ncolumns ? t->columns[ic->column].name : STR_LIT("?"));
        if (ic->opclass.len) {
            sqlbuf_putc(out, ' ');
            sqlbuf_putstr(out, ic->opclass);
        }
        if (ic->sort == SORT_DESC)
            sqlbuf_puts(out, " DESC");
    }
    sqlbuf_putc(out, ')');
    if (x->algorithm.len && !str_eq_cstr(x->algorithm, "BTree")) {
        sqlbuf_puts(out, " USING ");
        for (uint32_t i = 0; i < x->algorithm.len; i++) {
            char c = x->algorithm.ptr[i];
            sqlbuf_putc(out, (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c));
        }
    }
    if (x->predicate.len) {
        sqlbuf_puts(out, " WHERE ");
        sqlbuf_putstr(out, x->predicate);
    }
}

static void write_foreign_key(SqlBuf *out, const SqlSchema *s, const SqlTable *t, const SqlForeignKey *fk)
{
    sqlbuf_putc(out, '(');
    for (uint32_t k = 0; k < fk->ncolumns; k++) {
        if (k)
            sqlbuf_puts(out, ", ");
        check_write_name(out, t->columns[fk->columns[k]].name);
    }
    sqlbuf_puts(out, ") REFERENCES ");
    const SqlTable *rt = &s->tables[fk->referenced_table];
    check_write_table(out, s, rt);
    sqlbuf_puts(out, " (");
    for (uint32_t k = 0; k < fk->ncolumns; k++) {
        if (k)
            sqlbuf_puts(out, ", ");
        check_write_name(out, rt->columns[fk->referenced_columns[k]].name);
    }
    sqlbuf_puts(out, ") ON DELETE ");
    sqlbuf_puts(out, sql_action_name(fk->on_delete));
    sqlbuf_puts(out, " ON UPDATE ");
    sqlbuf_puts(out, sql_action_name(fk->on_update));
}

static void write_enum_values(SqlBuf *out, const SqlEnum *e)
{
    sqlbuf_putc(out, '(');
    for (uint32_t v = 0; v < e->nvalues; v++) {
        if (v)
            sqlbuf_puts(out, ", ");
        sqlbuf_putc(out, '\'');
        for (uint32_t i = 0; i < e->values[v].len; i++) {
            if (e->values[v].ptr[i] == '\'')
                sqlbuf_putc(out, '\'');
            sqlbuf_putc(out, e->values[v].ptr[i]);
        }
        sqlbuf_putc(out, '\'');
    }
    sqlbuf_putc(out, ')');
}

/* ---- comparisons that are the check's own (by name and definition) ----------------------------- */

static bool str_eq_nocase(Str a, Str b)
{
    return a.len == b.len && (a.len == 0 || strncasecmp(a.ptr, b.ptr, a.len) == 0);
}

/* Is `opclass` the default operator class for the access method? (An introspected index leaves a
 * default class empty while a schema may name it: the same index. As the differ decides.) */
static bool opclass_is_default(Str algorithm, Str opclass)
{
    static const char *const gin[] = {"jsonb_ops", "array_ops", "tsvector_ops"};
    static const char *const spgist[] = {"inet_ops", "text_ops", "range_ops", "quad_point_ops", "box_ops", "poly_ops"};
    if (algorithm.len == 0 || str_eq_nocase(algorithm, STR_LIT("BTree")) || str_eq_nocase(algorithm, STR_LIT("Hash")))
        return true;
    const char *const *list = NULL;
    size_t n = 0;
    if (str_eq_nocase(algorithm, STR_LIT("Gin"))) {
        list = gin;
        n = sizeof gin / sizeof *gin;
    } else if (str_eq_nocase(algorithm, STR_LIT("SpGist"))) {
        list = spgist;
        n = sizeof spgist / sizeof *spgist;
    } else if (str_eq_nocase(algorithm, STR_LIT("Brin"))) {
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

static bool is_btree(Str algorithm)
{
    return algorithm.len == 0 || str_eq_nocase(algorithm, STR_LIT("BTree"));
}

/* Same definition, as the differ decides: partial-index conditions as Prisma compares them
 * (sqlexpr.h), and not at all when the schema leaves partial indexes alone (`gated`). */
static bool indexes_equal(bool pg, bool gated, const SqlTable *at, const SqlIndex *a, const SqlTable *bt,
                          const SqlIndex *b)
{
    if (a->kind != b->kind || a->ncolumns != b->ncolumns)
        return false;
    if (!gated && !sqlexpr_predicates_match(pg ? SQL_POSTGRES : SQL_SQLITE, a->predicate, b->predicate))
        return false;
    for (uint32_t k = 0; k < a->ncolumns; k++) {
        const SqlIndexColumn *x = &a->columns[k], *y = &b->columns[k];
        if (!str_eq(at->columns[x->column].name, bt->columns[y->column].name) || x->length != y->length ||
            (x->sort == SORT_DESC) != (y->sort == SORT_DESC))
            return false;
        if (pg && !str_eq(x->opclass, y->opclass) &&
            !((x->opclass.len == 0 && opclass_is_default(b->algorithm, y->opclass)) ||
              (y->opclass.len == 0 && opclass_is_default(a->algorithm, x->opclass))))
            return false;
    }
    if (pg) {
        bool ad = is_btree(a->algorithm), bd = is_btree(b->algorithm);
        if (ad != bd || (!ad && !str_eq_nocase(a->algorithm, b->algorithm)))
            return false;
    }
    return true;
}

static Str table_ns(const SqlSchema *s, const SqlTable *t)
{
    return s->flavour == SQL_POSTGRES ? sql_namespace_name(s, t->namespace) : NOSTR;
}

static bool fk_columns_equal(const SqlTable *at, const SqlForeignKey *a, const SqlTable *bt, const SqlForeignKey *b)
{
    if (a->ncolumns != b->ncolumns)
        return false;
    for (uint32_t k = 0; k < a->ncolumns; k++)
        if (!str_eq(at->columns[a->columns[k]].name, bt->columns[b->columns[k]].name))
            return false;
    return true;
}

static bool fks_equal(const SqlSchema *as, const SqlTable *at, const SqlForeignKey *a, const SqlSchema *bs,
                      const SqlTable *bt, const SqlForeignKey *b)
{
    if (!fk_columns_equal(at, a, bt, b))
        return false;
    const SqlTable *art = &as->tables[a->referenced_table], *brt = &bs->tables[b->referenced_table];
    if (!str_eq(art->name, brt->name) || !str_eq(table_ns(as, art), table_ns(bs, brt)))
        return false;
    for (uint32_t k = 0; k < a->ncolumns; k++)
        if (!str_eq(art->columns[a->referenced_columns[k]].name, brt->columns[b->referenced_columns[k]].name))
            return false;
    return a->on_delete == b->on_delete && a->on_update == b->on_update;
}

static bool primary_keys_equal(bool pg, const SqlTable *at, const SqlIndex *a, const SqlTable *bt, const SqlIndex *b)
{
    if (!a || !b)
        return !a && !b;
    if (a->ncolumns != b->ncolumns || (pg && !str_eq(a->name, b->name)))
        return false;
    for (uint32_t k = 0; k < a->ncolumns; k++)
        if (!str_eq(at->columns[a->columns[k].column].name, bt->columns[b->columns[k].column].name))
            return false;
    return true;
}

static bool is_autoindex(Str name)
{
    return name.len > 17 && memcmp(name.ptr, "sqlite_autoindex_", 17) == 0;
}

/* ---- SQLite type affinity (lang: "Determination Of Column Affinity") ---------------------------- */

typedef enum Affinity { AFF_INTEGER, AFF_TEXT, AFF_BLOB, AFF_REAL, AFF_NUMERIC } Affinity;

static bool contains_nocase(Str s, const char *what)
{
    size_t n = strlen(what);
    for (uint32_t i = 0; i + n <= s.len; i++)
        if (strncasecmp(s.ptr + i, what, n) == 0)
            return true;
    return false;
}

static Affinity sqlite_affinity(Str declared)
{
    if (contains_nocase(declared, "INT"))
        return AFF_INTEGER;
    if (contains_nocase(declared, "CHAR") || contains_nocase(declared, "CLOB") || contains_nocase(declared, "TEXT"))
        return AFF_TEXT;
    if (declared.len == 0 || contains_nocase(declared, "BLOB"))
        return AFF_BLOB;
    if (contains_nocase(declared, "REAL") || contains_nocase(declared, "FLOA") || contains_nocase(declared, "DOUB"))
        return AFF_REAL;
    return AFF_NUMERIC;
}

/* Does moving the values of a column from `from` to `to` (a SQLite table rebuild copies them
 * with INSERT ... SELECT) keep every value? SQLite converts a value only when the conversion is
 * lossless, except text that reads as a number ('007' becomes 7) and integers beyond 2^53 that a
 * REAL column turns into floating point. */
static bool sqlite_type_change_keeps_values(Str from, Str to)
{
    Affinity a = sqlite_affinity(from), b = sqlite_affinity(to);
    if (a == b || b == AFF_TEXT || b == AFF_BLOB || a == AFF_BLOB)
        return true;
    if (a == AFF_TEXT)
        return false;
    if (b == AFF_REAL)
        return a == AFF_REAL;
    return true;    /* INTEGER, REAL, NUMERIC into INTEGER or NUMERIC: integers stay, reals stay reals */
}

/* ---- the check's state ------------------------------------------------------------------------ */

typedef struct ColChange {
    uint8_t changes;
    uint8_t known;
    TypeChange type_change;
} ColChange;

typedef struct Checker {
    CheckResult *r;
    Arena *arena;
    const SqlSchema *db, *sc;
    const Dialect *d;
    bool pg;
    bool gated;                 /* partial indexes left alone (no partialIndexes preview feature) */
    uint32_t *sc_of_db;         /* per database table: the schema table, or SQL_NONE */
    uint32_t *db_of_sc;
    bool *created, *dropped;    /* per schema / database table: the differ creates / drops it */
    ColChange **colchanges;     /* per schema table, per column (NULL: no change) */
    uint32_t *findings_of_db;   /* per database table: findings counted (for the summary) */
    uint32_t *findings_of_sc;
} Checker;

static const char *buf_take(Checker *ck, SqlBuf *b)
{
    const char *s = arena_strndup(ck->arena, b->ptr ? b->ptr : "", b->len);
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = '\0';
    return s;
}

static CheckFinding *add_finding(Checker *ck, CheckKind kind, uint32_t db_table, uint32_t sc_table)
{
    CheckFinding f = {0};
    f.kind = kind;
    f.db_table = db_table;
    f.schema_table = sc_table;
    f.db_id = f.schema_id = SQL_NONE;
    f.origin = SQL_NO_ORIGIN;
    CheckResult *r = ck->r;
    ARENA_PUSH(&r->arena, r->findings, r->nfindings, r->capfindings, f);
    if (kind != CHECK_UNMANAGED) {
        if (db_table != SQL_NONE)
            ck->findings_of_db[db_table]++;
        if (sc_table != SQL_NONE)
            ck->findings_of_sc[sc_table]++;
    }
    return &r->findings[r->nfindings - 1];
}

/* "table T" / the object "T.NAME" */
static void set_table_names(Checker *ck, CheckFinding *f, const SqlSchema *s, const SqlTable *t, Str member)
{
    SqlBuf b = {0};
    check_write_table(&b, s, t);
    size_t tlen = b.len;
    f->group = arena_sprintf(ck->arena, "table %.*s", (int)tlen, b.ptr);
    if (member.ptr) {
        sqlbuf_putc(&b, '.');
        check_write_name(&b, member);
    }
    f->object = buf_take(ck, &b);
    sqlbuf_free(&b);
}

static SqlOrigin origin_or(SqlOrigin a, SqlOrigin b)
{
    return a.file != SQL_NONE ? a : b;
}

/* ---- pairing ---------------------------------------------------------------------------------- */

static void collect_column_changes(Checker *ck)
{
    const Migration *m = ck->r->migration;
    for (uint32_t i = 0; i < m->nsteps; i++) {
        const MigrateStep *s = &m->steps[i];
        if (s->kind == STEP_CREATE_TABLE)
            ck->created[s->next_table] = true;
        else if (s->kind == STEP_DROP_TABLE)
            ck->dropped[s->prev_table] = true;
        else if (s->kind == STEP_ALTER_TABLE) {
            for (uint32_t k = 0; k < s->detail->nchanges; k++) {
                const TableChange *c = &s->detail->changes[k];
                if (c->kind != TABLECHANGE_ALTER_COLUMN && c->kind != TABLECHANGE_DROP_AND_RECREATE_COLUMN)
                    continue;
                uint32_t t = s->next_table;
                if (!ck->colchanges[t])
                    ck->colchanges[t] = arena_alloc(ck->arena, (ck->sc->tables[t].ncolumns + 1) * sizeof(ColChange));
                ck->colchanges[t][c->next_column] = (ColChange){c->changes, 1, c->type_change};
            }
        } else if (s->kind == STEP_REDEFINE_TABLES) {
            for (uint32_t r = 0; r < s->detail->nredefines; r++) {
                const RedefineTable *rd = &s->detail->redefines[r];
                uint32_t t = rd->next_table;
                for (uint32_t p = 0; p < rd->npairs; p++) {
                    if (!rd->pairs[p].changes)
                        continue;
                    if (!ck->colchanges[t])
                        ck->colchanges[t] =
                            arena_alloc(ck->arena, (ck->sc->tables[t].ncolumns + 1) * sizeof(ColChange));
                    ck->colchanges[t][rd->pairs[p].next] =
                        (ColChange){rd->pairs[p].changes, 1, rd->pairs[p].type_change};
                }
            }
        }
    }
}

static void pair_tables(Checker *ck)
{
    const SqlSchema *db = ck->db, *sc = ck->sc;
    PairMap map;
    pmap_init(&map, ck->arena, db->ntables);
    for (uint32_t i = 0; i < db->ntables; i++)
        pmap_put(&map, table_ns(db, &db->tables[i]), db->tables[i].name, i);
    for (uint32_t j = 0; j < sc->ntables; j++) {
        uint32_t i = pmap_get(&map, table_ns(sc, &sc->tables[j]), sc->tables[j].name);
        if (i == SQL_NONE || ck->sc_of_db[i] != SQL_NONE || ck->created[j] || ck->dropped[i])
            continue;
        ck->sc_of_db[i] = j;
        ck->db_of_sc[j] = i;
    }
}

/* ---- findings per table pair ------------------------------------------------------------------ */

/* A column's type would change in a way that can lose values (the repair leaves it out). */
static bool type_change_loses_data(const Checker *ck, const SqlColumn *dc, const SqlColumn *sc, TypeChange tc)
{
    if (!ck->pg)   /* JSON text that reads as a number stays the same JSON value */
        return sc->type.family != SQLT_JSON && !sqlite_type_change_keeps_values(dc->type.name, sc->type.name);
    if (tc == TYPECHANGE_SAFE || tc == TYPECHANGE_NONE)
        return false;
    bool de = dc->type.family == SQLT_ENUM, se = sc->type.family == SQLT_ENUM;
    if (dc->type.list == sc->type.list) {
        /* through text: every value either converts or stops the script; none is lost */
        if (se && (de || dc->type.family == SQLT_STRING || str_eq_cstr(dc->type.name, "TEXT")))
            return false;
        /* an enum's labels fit any unbounded text column */
        if (de && !se && (str_eq_cstr(sc->type.name, "TEXT") || str_eq_cstr(sc->type.name, "VARCHAR") ||
                          str_eq_cstr(sc->type.name, "CITEXT")))
            return false;
    } else if (!dc->type.list && sc->type.list) {
        /* a scalar becomes a one-element list (same element type, or an enum through text) */
        if (str_eq(dc->type.name, sc->type.name) && !de && !se)
            return false;
        if (se && (de || str_eq_cstr(dc->type.name, "TEXT")))
            return false;
    }
    return tc != TYPECHANGE_SAFE;
}

static void column_findings(Checker *ck, uint32_t dt_id, uint32_t st_id)
{
    const SqlTable *dt = &ck->db->tables[dt_id], *st = &ck->sc->tables[st_id];
    bool hashed = dt->ncolumns > 12;
    PairMap map = {0};
    if (hashed) {
        pmap_init(&map, ck->arena, dt->ncolumns);
        for (uint32_t i = 0; i < dt->ncolumns; i++)
            pmap_put(&map, dt->columns[i].name, NOSTR, i);
    }
    bool *seen = arena_alloc(ck->arena, dt->ncolumns + 1);
    SqlBuf b = {0};
    for (uint32_t j = 0; j < st->ncolumns; j++) {
        const SqlColumn *sc = &st->columns[j];
        uint32_t i = hashed ? pmap_get(&map, sc->name, NOSTR) : sql_find_column(dt, sc->name);
        if (i != SQL_NONE && seen[i])
            i = SQL_NONE;
        if (i == SQL_NONE) {
            CheckFinding *f = add_finding(ck, CHECK_COLUMN_MISSING, dt_id, st_id);
            set_table_names(ck, f, ck->sc, st, sc->name);
            check_write_column(&b, ck->sc, sc);
            f->expected = buf_take(ck, &b);
            f->origin = sc->origin;
            f->schema_id = j;
            continue;
        }
        seen[i] = true;
        const SqlColumn *dc = &dt->columns[i];
        ColChange ch = ck->colchanges[st_id] ? ck->colchanges[st_id][j] : (ColChange){0, 0, TYPECHANGE_NONE};
        if (!ch.changes)
            continue;
        if (ch.changes & COLCHANGE_TYPE) {
            CheckFinding *f = add_finding(ck, CHECK_COLUMN_TYPE, dt_id, st_id);
            set_table_names(ck, f, ck->sc, st, sc->name);
            write_type(&b, ck->sc, sc);
            f->expected = buf_take(ck, &b);
            write_type(&b, ck->db, dc);
            f->actual = buf_take(ck, &b);
            f->origin = sc->origin;
            f->db_id = i;
            f->schema_id = j;
            f->destructive = type_change_loses_data(ck, dc, sc, ch.type_change);
            if (f->destructive)
                f->note = ck->pg ? (ch.type_change == TYPECHANGE_NOT_CASTABLE
                                        ? "no cast keeps the values: the column would be dropped and re-created"
                                        : "the cast can change or reject stored values")
                                 : "SQLite would convert stored text that reads as a number";
        }
        if ((ch.changes & COLCHANGE_ARITY) && dc->nullable != sc->nullable && !(dc->type.list && sc->type.list)) {
            CheckFinding *f = add_finding(ck, CHECK_COLUMN_NULLABILITY, dt_id, st_id);
            set_table_names(ck, f, ck->sc, st, sc->name);
            f->expected = sc->nullable ? "NULL" : "NOT NULL";
            f->actual = dc->nullable ? "NULL" : "NOT NULL";
            f->origin = sc->origin;
            f->db_id = i;
            f->schema_id = j;
            if (!sc->nullable)
                f->note = "rows holding NULL need a value first";
        }
        if (ch.changes & COLCHANGE_DEFAULT) {
            CheckFinding *f = add_finding(ck, CHECK_COLUMN_DEFAULT, dt_id, st_id);
            set_table_names(ck, f, ck->sc, st, sc->name);
            write_default(&b, &sc->def);
            f->expected = b.len ? buf_take(ck, &b) : "no default";
            write_default(&b, &dc->def);
            f->actual = b.len ? buf_take(ck, &b) : "no default";
            f->origin = sc->origin;
            f->db_id = i;
            f->schema_id = j;
        }
        if (ch.changes & COLCHANGE_AUTOINCREMENT) {
            CheckFinding *f = add_finding(ck, CHECK_COLUMN_AUTOINCREMENT, dt_id, st_id);
            set_table_names(ck, f, ck->sc, st, sc->name);
            f->expected = sc->autoincrement ? "autoincrement (a sequence default)" : "no autoincrement";
            f->actual = dc->autoincrement ? "autoincrement (a sequence default)" : "no sequence default";
            f->origin = sc->origin;
            f->db_id = i;
            f->schema_id = j;
        }
    }
    for (uint32_t i = 0; i < dt->ncolumns; i++) {
        if (seen[i])
            continue;
        CheckFinding *f = add_finding(ck, CHECK_COLUMN_EXTRA, dt_id, st_id);
        set_table_names(ck, f, ck->db, dt, dt->columns[i].name);
        check_write_column(&b, ck->db, &dt->columns[i]);
        f->actual = buf_take(ck, &b);
        f->origin = st->origin;
        f->db_id = i;
        f->destructive = true;
        f->note = "dropping it loses its values";
    }
    sqlbuf_free(&b);
}

static void primary_key_finding(Checker *ck, uint32_t dt_id, uint32_t st_id)
{
    const SqlTable *dt = &ck->db->tables[dt_id], *st = &ck->sc->tables[st_id];
    const SqlIndex *dp = sql_table_primary_key(dt), *sp = sql_table_primary_key(st);
    if (primary_keys_equal(ck->pg, dt, dp, st, sp))
        return;
    CheckFinding *f = add_finding(ck, CHECK_PRIMARY_KEY, dt_id, st_id);
    set_table_names(ck, f, ck->sc, st, (Str){NULL, 0});
    SqlBuf b = {0};
    if (sp) {
        write_index(&b, st, sp);
        f->expected = buf_take(ck, &b);
        f->origin = origin_or(sp->origin, st->origin);
    } else {
        f->expected = "no primary key";
        f->origin = st->origin;
    }
    if (dp) {
        write_index(&b, dt, dp);
        f->actual = buf_take(ck, &b);
    } else {
        f->actual = "no primary key";
    }
    sqlbuf_free(&b);
}

static void index_findings(Checker *ck, uint32_t dt_id, uint32_t st_id)
{
    const SqlTable *dt = &ck->db->tables[dt_id], *st = &ck->sc->tables[st_id];
    uint32_t *db_of = arena_alloc(ck->arena, (st->nindexes + 1) * sizeof *db_of);
    bool *used = arena_alloc(ck->arena, dt->nindexes + 1);
    SqlBuf b = {0};
    /* by name */
    for (uint32_t j = 0; j < st->nindexes; j++) {
        db_of[j] = SQL_NONE;
        if (st->indexes[j].kind == SQLIDX_PRIMARY)
            continue;
        for (uint32_t i = 0; i < dt->nindexes; i++)
            if (!used[i] && dt->indexes[i].kind != SQLIDX_PRIMARY && str_eq(dt->indexes[i].name, st->indexes[j].name)) {
                db_of[j] = i;
                used[i] = true;
                break;
            }
    }
    /* SQLite's own names (inline UNIQUE constraints) match by definition */
    if (!ck->pg)
        for (uint32_t j = 0; j < st->nindexes; j++) {
            if (st->indexes[j].kind == SQLIDX_PRIMARY || db_of[j] != SQL_NONE)
                continue;
            for (uint32_t i = 0; i < dt->nindexes; i++)
                if (!used[i] && is_autoindex(dt->indexes[i].name) &&
                    indexes_equal(false, ck->gated, dt, &dt->indexes[i], st, &st->indexes[j])) {
                    db_of[j] = i;
                    used[i] = true;
                    break;
                }
        }
    for (uint32_t j = 0; j < st->nindexes; j++) {
        const SqlIndex *sx = &st->indexes[j];
        if (sx->kind == SQLIDX_PRIMARY)
            continue;
        uint32_t i = db_of[j];
        if (i != SQL_NONE && indexes_equal(ck->pg, ck->gated, dt, &dt->indexes[i], st, sx))
            continue;
        CheckFinding *f = add_finding(ck, i == SQL_NONE ? CHECK_INDEX_MISSING : CHECK_INDEX_CHANGED, dt_id, st_id);
        set_table_names(ck, f, ck->sc, st, sx->name);
        write_index(&b, st, sx);
        f->expected = buf_take(ck, &b);
        if (i != SQL_NONE) {
            write_index(&b, dt, &dt->indexes[i]);
            f->actual = buf_take(ck, &b);
            f->db_id = i;
        }
        f->schema_id = j;
        f->origin = origin_or(sx->origin, st->origin);
    }
    for (uint32_t i = 0; i < dt->nindexes; i++) {
        if (used[i] || dt->indexes[i].kind == SQLIDX_PRIMARY)
            continue;
        if (ck->gated && dt->indexes[i].predicate.len)
            continue;   /* a partial index the schema leaves alone: listed as unmanaged */
        CheckFinding *f = add_finding(ck, CHECK_INDEX_EXTRA, dt_id, st_id);
        set_table_names(ck, f, ck->db, dt, dt->indexes[i].name);
        write_index(&b, dt, &dt->indexes[i]);
        f->actual = buf_take(ck, &b);
        f->db_id = i;
        f->origin = st->origin;
    }
    sqlbuf_free(&b);
}

/* Prisma's name for a foreign key SQLite keeps no name for: Table_col1_col2_fkey. */
static Str sqlite_fk_name(Checker *ck, const SqlTable *t, const SqlForeignKey *fk)
{
    if (fk->name.len)
        return fk->name;
    SqlBuf b = {0};
    sqlbuf_putstr(&b, t->name);
    for (uint32_t k = 0; k < fk->ncolumns; k++) {
        sqlbuf_putc(&b, '_');
        sqlbuf_putstr(&b, t->columns[fk->columns[k]].name);
    }
    sqlbuf_puts(&b, "_fkey");
    Str s = arena_str(ck->arena, b.ptr, b.len);
    sqlbuf_free(&b);
    return s;
}

static void foreign_key_findings(Checker *ck, uint32_t dt_id, uint32_t st_id)
{
    const SqlTable *dt = &ck->db->tables[dt_id], *st = &ck->sc->tables[st_id];
    uint32_t *db_of = arena_alloc(ck->arena, (st->nfks + 1) * sizeof *db_of);
    bool *used = arena_alloc(ck->arena, dt->nfks + 1);
    for (uint32_t j = 0; j < st->nfks; j++)
        db_of[j] = SQL_NONE;
    if (ck->pg) {
        for (uint32_t j = 0; j < st->nfks; j++)
            for (uint32_t i = 0; i < dt->nfks; i++)
                if (!used[i] && str_eq(dt->fks[i].name, st->fks[j].name)) {
                    db_of[j] = i;
                    used[i] = true;
                    break;
                }
    } else {
        /* no catalog names: the same definition first, then the same columns */
        for (uint32_t j = 0; j < st->nfks; j++)
            for (uint32_t i = 0; i < dt->nfks; i++)
                if (!used[i] && fks_equal(ck->db, dt, &dt->fks[i], ck->sc, st, &st->fks[j])) {
                    db_of[j] = i;
                    used[i] = true;
                    break;
                }
        for (uint32_t j = 0; j < st->nfks; j++) {
            if (db_of[j] != SQL_NONE)
                continue;
            for (uint32_t i = 0; i < dt->nfks; i++)
                if (!used[i] && fk_columns_equal(dt, &dt->fks[i], st, &st->fks[j])) {
                    db_of[j] = i;
                    used[i] = true;
                    break;
                }
        }
    }
    SqlBuf b = {0};
    for (uint32_t j = 0; j < st->nfks; j++) {
        const SqlForeignKey *sf = &st->fks[j];
        uint32_t i = db_of[j];
        if (i != SQL_NONE && fks_equal(ck->db, dt, &dt->fks[i], ck->sc, st, sf))
            continue;
        CheckFinding *f =
            add_finding(ck, i == SQL_NONE ? CHECK_FOREIGN_KEY_MISSING : CHECK_FOREIGN_KEY_CHANGED, dt_id, st_id);
        set_table_names(ck, f, ck->sc, st, ck->pg ? sf->name : sqlite_fk_name(ck, st, sf));
        write_foreign_key(&b, ck->sc, st, sf);
        f->expected = buf_take(ck, &b);
        if (i != SQL_NONE) {
            write_foreign_key(&b, ck->db, dt, &dt->fks[i]);
            f->actual = buf_take(ck, &b);
            f->db_id = i;
        }
        f->schema_id = j;
        f->origin = origin_or(sf->origin, st->origin);
    }
    for (uint32_t i = 0; i < dt->nfks; i++) {
        if (used[i])
            continue;
        const SqlForeignKey *df = &dt->fks[i];
        CheckFinding *f = add_finding(ck, CHECK_FOREIGN_KEY_EXTRA, dt_id, st_id);
        set_table_names(ck, f, ck->db, dt, ck->pg ? df->name : sqlite_fk_name(ck, dt, df));
        write_foreign_key(&b, ck->db, dt, df);
        f->actual = buf_take(ck, &b);
        f->db_id = i;
        f->origin = st->origin;
    }
    sqlbuf_free(&b);
}

static void table_findings(Checker *ck)
{
    const SqlSchema *db = ck->db, *sc = ck->sc;
    SqlBuf b = {0};
    for (uint32_t j = 0; j < sc->ntables; j++) {
        const SqlTable *st = &sc->tables[j];
        uint32_t i = ck->db_of_sc[j];
        if (i == SQL_NONE) {
            if (!ck->created[j])
                continue;   /* a table the differ ignores */
            CheckFinding *f = add_finding(ck, CHECK_TABLE_MISSING, SQL_NONE, j);
            set_table_names(ck, f, sc, st, (Str){NULL, 0});
            sqlbuf_printf(&b, "a table of %u column%s", st->ncolumns, st->ncolumns == 1 ? "" : "s");
            f->expected = buf_take(ck, &b);
            f->origin = st->origin;
            continue;
        }
        column_findings(ck, i, j);
        primary_key_finding(ck, i, j);
        index_findings(ck, i, j);
        foreign_key_findings(ck, i, j);
    }
    for (uint32_t i = 0; i < db->ntables; i++) {
        if (ck->sc_of_db[i] != SQL_NONE || !ck->dropped[i])
            continue;
        const SqlTable *dt = &db->tables[i];
        CheckFinding *f = add_finding(ck, CHECK_TABLE_EXTRA, i, SQL_NONE);
        set_table_names(ck, f, db, dt, (Str){NULL, 0});
        sqlbuf_printf(&b, "a table of %u column%s", dt->ncolumns, dt->ncolumns == 1 ? "" : "s");
        f->actual = buf_take(ck, &b);
        f->destructive = true;
        f->note = "dropping it loses its rows";
    }
    sqlbuf_free(&b);
}

/* ---- enums (PostgreSQL) ----------------------------------------------------------------------- */

static bool enum_has(const SqlEnum *e, Str v)
{
    for (uint32_t i = 0; i < e->nvalues; i++)
        if (str_eq(e->values[i], v))
            return true;
    return false;
}

static void set_enum_names(Checker *ck, CheckFinding *f, const SqlSchema *s, const SqlEnum *e)
{
    SqlBuf b = {0};
    write_enum_name(&b, s, e);
    f->object = buf_take(ck, &b);
    f->group = arena_sprintf(ck->arena, "enum %s", f->object);
    sqlbuf_free(&b);
}

static void enum_findings(Checker *ck)
{
    if (!ck->d->has_enums)
        return;
    const SqlSchema *db = ck->db, *sc = ck->sc;
    PairMap map;
    pmap_init(&map, ck->arena, db->nenums);
    for (uint32_t i = 0; i < db->nenums; i++)
        pmap_put(&map, sql_namespace_name(db, db->enums[i].namespace), db->enums[i].name, i);
    bool *matched = arena_alloc(ck->arena, db->nenums + 1);
    SqlBuf b = {0};
    for (uint32_t j = 0; j < sc->nenums; j++) {
        const SqlEnum *se = &sc->enums[j];
        uint32_t i = pmap_get(&map, sql_namespace_name(sc, se->namespace), se->name);
        if (i != SQL_NONE && matched[i])
            i = SQL_NONE;
        ck->r->db_of_schema_enum[j] = i;
        if (i == SQL_NONE) {
            CheckFinding *f = add_finding(ck, CHECK_ENUM_MISSING, SQL_NONE, SQL_NONE);
            set_enum_names(ck, f, sc, se);
            write_enum_values(&b, se);
            f->expected = buf_take(ck, &b);
            f->origin = se->origin;
            f->schema_id = j;
            continue;
        }
        matched[i] = true;
        const SqlEnum *de = &db->enums[i];
        bool same = de->nvalues == se->nvalues;
        for (uint32_t v = 0; v < se->nvalues && same; v++)
            same = str_eq(de->values[v], se->values[v]);
        if (same)
            continue;
        CheckFinding *f = add_finding(ck, CHECK_ENUM_VALUES, SQL_NONE, SQL_NONE);
        set_enum_names(ck, f, sc, se);
        write_enum_values(&b, se);
        f->expected = buf_take(ck, &b);
        write_enum_values(&b, de);
        f->actual = buf_take(ck, &b);
        f->origin = se->origin;
        f->db_id = i;
        f->schema_id = j;
        uint32_t removed = 0, added = 0;
        for (uint32_t v = 0; v < de->nvalues; v++)
            removed += !enum_has(se, de->values[v]);
        for (uint32_t v = 0; v < se->nvalues; v++)
            added += !enum_has(de, se->values[v]);
        f->destructive = removed > 0;
        /* point at the first value that differs, when there is one */
        for (uint32_t v = 0; v < se->nvalues; v++)
            if ((v >= de->nvalues || !str_eq(de->values[v], se->values[v])) && se->value_origins &&
                se->value_origins[v].file != SQL_NONE) {
                f->origin = se->value_origins[v];
                break;
            }
        f->note = removed ? (added ? "values removed and added; rows holding a removed value block the change"
                                   : "values removed; rows holding them block the change")
                  : added ? "values added"
                          : "the same values in another order (the order defines < and ORDER BY)";
        if (!removed && added) {
            /* do the old values keep their relative order? */
            uint32_t k = 0;
            for (uint32_t v = 0; v < se->nvalues && k < de->nvalues; v++)
                if (str_eq(se->values[v], de->values[k]))
                    k++;
            if (k != de->nvalues)
                f->note = "values added and the others reordered";
        }
    }
    for (uint32_t i = 0; i < db->nenums; i++) {
        if (matched[i])
            continue;
        CheckFinding *f = add_finding(ck, CHECK_ENUM_EXTRA, SQL_NONE, SQL_NONE);
        set_enum_names(ck, f, db, &db->enums[i]);
        write_enum_values(&b, &db->enums[i]);
        f->actual = buf_take(ck, &b);
        f->db_id = i;
        f->destructive = true;
        f->note = "dropping the type fails while a column uses it";
    }
    sqlbuf_free(&b);
}

/* ---- unmanaged objects ------------------------------------------------------------------------ */

/* Is the unmanaged partial index `x` also one of its table's indexes (sqlschema.h)? */
static bool is_compared_index(const SqlSchema *db, const SqlUnmanaged *x)
{
    if (x->table == SQL_NONE)
        return false;
    const SqlTable *t = &db->tables[x->table];
    for (uint32_t i = 0; i < t->nindexes; i++)
        if (t->indexes[i].predicate.len && str_eq(t->indexes[i].name, x->name))
            return true;
    return false;
}

static void unmanaged_findings(Checker *ck)
{
    const SqlSchema *db = ck->db;
    uint32_t *checks = arena_alloc(ck->arena, (db->ntables + 1) * sizeof *checks);
    SqlBuf b = {0};
    for (uint32_t u = 0; u < db->nunmanaged; u++) {
        const SqlUnmanaged *x = &db->unmanaged[u];
        if (x->kind == UNMANAGED_PARTIAL_INDEX && !ck->gated && is_compared_index(db, x))
            continue;   /* the schema declares partial indexes: this one is compared as an index */
        const char *kind;
        bool qualified = true;
        switch (x->kind) {
        case UNMANAGED_VIEW: kind = "view"; qualified = false; break;
        case UNMANAGED_MATERIALIZED_VIEW: kind = "materialized_view"; qualified = false; break;
        case UNMANAGED_TRIGGER: kind = "trigger"; break;
        case UNMANAGED_CHECK: kind = "check"; break;
        case UNMANAGED_PARTIAL_INDEX: kind = "partial_index"; break;
        case UNMANAGED_EXPRESSION_INDEX: kind = "expression_index"; break;
        default:
            if (x->definition.len >= 14 && strncasecmp(x->definition.ptr, "CREATE VIRTUAL", 14) == 0) {
                kind = "virtual_table";
                qualified = false;
            } else {
                kind = "other";
            }
            break;
        }
        CheckFinding *f = add_finding(ck, CHECK_UNMANAGED, x->table, SQL_NONE);
        f->unmanaged_kind = kind;
        f->db_id = u;
        Str name = x->name;
        if (x->kind == UNMANAGED_CHECK && name.len == 0 && x->table != SQL_NONE) {
            const SqlTable *t = &db->tables[x->table];
            char *n = arena_sprintf(ck->arena, "%.*s_check_%u", (int)t->name.len, t->name.ptr, ++checks[x->table]);
            name = (Str){n, (uint32_t)strlen(n)};
        }
        if (qualified && x->table != SQL_NONE) {
            check_write_table(&b, db, &db->tables[x->table]);
            sqlbuf_putc(&b, '.');
        }
        check_write_name(&b, name);
        f->object = buf_take(ck, &b);
        f->group = x->table != SQL_NONE ? arena_sprintf(ck->arena, "table %.*s", (int)db->tables[x->table].name.len,
                                                        db->tables[x->table].name.ptr)
                                        : "";
        f->actual = x->definition.len ? arena_strndup(ck->arena, x->definition.ptr, x->definition.len) : NULL;
        uint32_t st = x->table != SQL_NONE ? ck->sc_of_db[x->table] : SQL_NONE;
        if (st != SQL_NONE)
            f->origin = ck->sc->tables[st].origin;
    }
    sqlbuf_free(&b);
}

/* ---- renames ---------------------------------------------------------------------------------- */

/* Names equal up to case and underscores: createdAt ~ created_at. */
static bool loosely_equal(Str a, Str b)
{
    uint32_t i = 0, j = 0;
    for (;;) {
        while (i < a.len && a.ptr[i] == '_')
            i++;
        while (j < b.len && b.ptr[j] == '_')
            j++;
        if (i == a.len || j == b.len)
            return i == a.len && j == b.len;
        char x = a.ptr[i++], y = b.ptr[j++];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
}

static bool same_column_shape(const Checker *ck, const SqlColumn *a, const SqlColumn *b)
{
    if (a->type.list != b->type.list || a->nullable != b->nullable)
        return false;
    if (!ck->pg)
        return a->type.family == b->type.family;
    if (a->type.family == SQLT_ENUM || b->type.family == SQLT_ENUM)
        return a->type.family == b->type.family;
    return str_eq(a->type.name, b->type.name);
}

static void add_rename(Checker *ck, CheckRenameKind kind, uint32_t dt, uint32_t st, uint32_t did, uint32_t sid,
                       const char *from, const char *to)
{
    CheckResult *r = ck->r;
    CheckRename x = {kind, dt, st, did, sid, from, to};
    ARENA_PUSH(&r->arena, r->renames, r->nrenames, r->caprenames, x);
}

/* Every column of `st` matched to a column of `dt` of the same shape, by exact or loose name.
 * Fills map (schema column -> db column); false when the tables do not correspond. */
static bool tables_correspond(const Checker *ck, const SqlTable *dt, const SqlTable *st, uint32_t *map)
{
    if (dt->ncolumns != st->ncolumns || dt->ncolumns == 0)
        return false;
    bool *used = calloc(dt->ncolumns + 1, 1);
    bool ok = true;
    for (uint32_t j = 0; j < st->ncolumns && ok; j++) {
        map[j] = SQL_NONE;
        for (int pass = 0; pass < 2 && map[j] == SQL_NONE; pass++)
            for (uint32_t i = 0; i < dt->ncolumns; i++) {
                if (used[i])
                    continue;
                bool name_ok = pass == 0 ? str_eq(dt->columns[i].name, st->columns[j].name)
                                         : loosely_equal(dt->columns[i].name, st->columns[j].name);
                if (name_ok && same_column_shape(ck, &dt->columns[i], &st->columns[j])) {
                    map[j] = i;
                    used[i] = true;
                    break;
                }
            }
        ok = map[j] != SQL_NONE;
    }
    free(used);
    return ok;
}

/* Do the tables correspond: the same name, or a table rename already suggested? */
static bool tables_match_or_renamed(const Checker *ck, uint32_t db_table, uint32_t sc_table)
{
    const SqlTable *dt = &ck->db->tables[db_table], *st = &ck->sc->tables[sc_table];
    if (str_eq(dt->name, st->name) && str_eq(table_ns(ck->db, dt), table_ns(ck->sc, st)))
        return true;
    for (uint32_t k = 0; k < ck->r->nrenames; k++)
        if (ck->r->renames[k].kind == RENAME_TABLE && ck->r->renames[k].db_table == db_table &&
            ck->r->renames[k].schema_table == sc_table)
            return true;
    return false;
}

/* An extra and a missing column that look like one renamed: alike names, or the same place in
 * foreign keys to corresponding tables. */
static bool columns_correspond(const Checker *ck, const CheckFinding *fx, const CheckFinding *fm)
{
    const SqlTable *dt = &ck->db->tables[fx->db_table], *st = &ck->sc->tables[fm->schema_table];
    if (loosely_equal(dt->columns[fx->db_id].name, st->columns[fm->schema_id].name))
        return true;
    for (uint32_t f = 0; f < dt->nfks; f++)
        for (uint32_t k = 0; k < dt->fks[f].ncolumns; k++) {
            if (dt->fks[f].columns[k] != fx->db_id)
                continue;
            for (uint32_t g = 0; g < st->nfks; g++)
                if (st->fks[g].ncolumns == dt->fks[f].ncolumns && st->fks[g].columns[k] == fm->schema_id &&
                    tables_match_or_renamed(ck, dt->fks[f].referenced_table, st->fks[g].referenced_table))
                    return true;
        }
    return false;
}

static const char *column_display(Checker *ck, const SqlSchema *s, const SqlTable *t, Str column)
{
    SqlBuf b = {0};
    check_write_table(&b, s, t);
    sqlbuf_putc(&b, '.');
    check_write_name(&b, column);
    const char *out = buf_take(ck, &b);
    sqlbuf_free(&b);
    return out;
}

static const char *table_display(Checker *ck, const SqlSchema *s, const SqlTable *t)
{
    SqlBuf b = {0};
    check_write_table(&b, s, t);
    const char *out = buf_take(ck, &b);
    sqlbuf_free(&b);
    return out;
}

static void find_renames(Checker *ck)
{
    CheckResult *r = ck->r;
    const SqlSchema *db = ck->db, *sc = ck->sc;
    /* tables: an extra table and a missing one with corresponding columns, each the only candidate */
    uint32_t nmissing = 0, nextra = 0;
    for (uint32_t k = 0; k < r->nfindings; k++) {
        nmissing += r->findings[k].kind == CHECK_TABLE_MISSING;
        nextra += r->findings[k].kind == CHECK_TABLE_EXTRA;
    }
    if (nmissing && nextra && (uint64_t)nmissing * nextra <= 10000) {
        for (uint32_t a = 0; a < r->nfindings; a++) {
            CheckFinding *fx = &r->findings[a];
            if (fx->kind != CHECK_TABLE_EXTRA)
                continue;
            const SqlTable *dt = &db->tables[fx->db_table];
            uint32_t match = SQL_NONE, count = 0;
            uint32_t *map = malloc((dt->ncolumns + 1) * sizeof *map);
            for (uint32_t m = 0; m < r->nfindings; m++) {
                CheckFinding *fm = &r->findings[m];
                if (fm->kind != CHECK_TABLE_MISSING)
                    continue;
                if (tables_correspond(ck, dt, &sc->tables[fm->schema_table], map)) {
                    match = m;
                    count++;
                }
            }
            if (count == 1) {
                /* and no other extra table corresponds to the same missing one */
                CheckFinding *fm = &r->findings[match];
                const SqlTable *st = &sc->tables[fm->schema_table];
                uint32_t others = 0;
                for (uint32_t b2 = 0; b2 < r->nfindings; b2++)
                    if (b2 != a && r->findings[b2].kind == CHECK_TABLE_EXTRA &&
                        tables_correspond(ck, &db->tables[r->findings[b2].db_table], st, map))
                        others++;
                if (!others && tables_correspond(ck, dt, st, map)) {
                    const char *from = table_display(ck, db, dt), *to = table_display(ck, sc, st);
                    add_rename(ck, RENAME_TABLE, fx->db_table, fm->schema_table, SQL_NONE, SQL_NONE, from, to);
                    for (uint32_t j = 0; j < st->ncolumns; j++)
                        if (!str_eq(dt->columns[map[j]].name, st->columns[j].name))
                            add_rename(ck, RENAME_COLUMN, fx->db_table, fm->schema_table, map[j], j,
                                       column_display(ck, db, dt, dt->columns[map[j]].name),
                                       column_display(ck, sc, st, st->columns[j].name));
                    fx->note = arena_sprintf(ck->arena, "looks renamed to %s (same columns and types)", to);
                    fm->note = arena_sprintf(ck->arena, "looks like %s renamed (same columns and types)", from);
                }
            }
            free(map);
        }
    }
    /* columns: within a table on both sides, an extra and a missing column of the same shape
     * whose names are alike (createdAt, created_at), or that hold the same foreign key to
     * tables that correspond (the same table, or one that looks renamed) */
    for (uint32_t a = 0; a < r->nfindings; a++) {
        CheckFinding *fx = &r->findings[a];
        if (fx->kind != CHECK_COLUMN_EXTRA)
            continue;
        const SqlColumn *dc = &db->tables[fx->db_table].columns[fx->db_id];
        uint32_t match = SQL_NONE, count = 0;
        for (uint32_t m = 0; m < r->nfindings; m++) {
            CheckFinding *fm = &r->findings[m];
            if (fm->kind != CHECK_COLUMN_MISSING || fm->schema_table != fx->schema_table)
                continue;
            const SqlColumn *scol = &sc->tables[fm->schema_table].columns[fm->schema_id];
            if (!same_column_shape(ck, dc, scol) || !columns_correspond(ck, fx, fm))
                continue;
            match = m;
            count++;
        }
        if (count != 1)
            continue;
        /* the missing column must not have another candidate either */
        CheckFinding *fm = &r->findings[match];
        const SqlColumn *scol = &sc->tables[fm->schema_table].columns[fm->schema_id];
        uint32_t rivals = 0;
        for (uint32_t b2 = 0; b2 < r->nfindings; b2++) {
            const CheckFinding *fo = &r->findings[b2];
            if (b2 == a || fo->kind != CHECK_COLUMN_EXTRA || fo->db_table != fx->db_table)
                continue;
            const SqlColumn *oc = &db->tables[fo->db_table].columns[fo->db_id];
            if (same_column_shape(ck, oc, scol) && columns_correspond(ck, fo, fm))
                rivals++;
        }
        if (rivals)
            continue;
        add_rename(ck, RENAME_COLUMN, fx->db_table, fx->schema_table, fx->db_id, fm->schema_id, fx->object, fm->object);
        fx->note = arena_sprintf(ck->arena, "looks renamed to %s", fm->object);
        fm->note = arena_sprintf(ck->arena, "looks like %s renamed", fx->object);
    }
    /* enums: the same values under another name */
    for (uint32_t a = 0; a < r->nfindings; a++) {
        CheckFinding *fx = &r->findings[a];
        if (fx->kind != CHECK_ENUM_EXTRA)
            continue;
        const SqlEnum *de = &db->enums[fx->db_id];
        uint32_t match = SQL_NONE, count = 0;
        for (uint32_t m = 0; m < r->nfindings; m++) {
            CheckFinding *fm = &r->findings[m];
            if (fm->kind != CHECK_ENUM_MISSING)
                continue;
            const SqlEnum *se = &sc->enums[fm->schema_id];
            bool same = se->nvalues == de->nvalues;
            for (uint32_t v = 0; v < se->nvalues && same; v++)
                same = str_eq(se->values[v], de->values[v]);
            if (same) {
                match = m;
                count++;
            }
        }
        if (count != 1)
            continue;
        CheckFinding *fm = &r->findings[match];
        add_rename(ck, RENAME_ENUM, SQL_NONE, SQL_NONE, fx->db_id, fm->schema_id, fx->object, fm->object);
        fx->note = arena_sprintf(ck->arena, "looks renamed to %s (same values)", fm->object);
        fm->note = arena_sprintf(ck->arena, "looks like %s renamed (same values)", fx->object);
    }
}

/* ---- order and summary ------------------------------------------------------------------------ */

static uint64_t sort_position(const CheckFinding *f)
{
    bool extra = f->kind == CHECK_COLUMN_EXTRA || f->kind == CHECK_INDEX_EXTRA || f->kind == CHECK_FOREIGN_KEY_EXTRA ||
                 f->kind == CHECK_TABLE_EXTRA || f->kind == CHECK_ENUM_EXTRA;
    if (extra || f->origin.file == SQL_NONE)
        return UINT64_MAX;
    return (uint64_t)f->origin.file << 32 | f->origin.start;
}

static int finding_cmp(const void *x, const void *y)
{
    const CheckFinding *a = x, *b = y;
    int au = a->kind == CHECK_UNMANAGED, bu = b->kind == CHECK_UNMANAGED;
    if (au != bu)
        return au - bu;
    int c = strcmp(a->group ? a->group : "", b->group ? b->group : "");
    if (c)
        return c;
    /* within a table: in the order of the schema's lines, then the objects only the database has */
    uint64_t ap = sort_position(a), bp = sort_position(b);
    if (ap != bp)
        return ap < bp ? -1 : 1;
    if (a->kind != b->kind && !au)
        return (int)a->kind - (int)b->kind;
    if (au && strcmp(a->unmanaged_kind, b->unmanaged_kind))
        return strcmp(a->unmanaged_kind, b->unmanaged_kind);
    return strcmp(a->object, b->object);
}

static void summarize(Checker *ck)
{
    CheckResult *r = ck->r;
    if (r->nfindings > 1)
        qsort(r->findings, r->nfindings, sizeof *r->findings, finding_cmp);
    for (uint32_t k = 0; k < r->nfindings; k++) {
        if (r->findings[k].kind == CHECK_UNMANAGED)
            continue;
        r->ndrift++;
        r->ndestructive += r->findings[k].destructive;
    }
    for (uint32_t j = 0; j < ck->sc->ntables; j++) {
        uint32_t i = ck->db_of_sc[j];
        if (i == SQL_NONE && !ck->created[j])
            continue;
        r->tables_total++;
        bool drift = ck->findings_of_sc[j] > 0 || (i != SQL_NONE && ck->findings_of_db[i] > 0);
        if (drift)
            r->tables_drifted++;
        else if (i != SQL_NONE)
            r->tables_in_sync++;
    }
    for (uint32_t i = 0; i < ck->db->ntables; i++) {
        if (ck->sc_of_db[i] != SQL_NONE || !ck->dropped[i])
            continue;
        r->tables_total++;
        r->tables_drifted++;
    }
}

CheckResult *check_compare(const SqlSchema *db, const SqlSchema *schema, const Dialect *dialect)
{
    Arena boot;
    arena_init(&boot);
    CheckResult *r = arena_alloc(&boot, sizeof *r);
    r->arena = boot;
    r->db = db;
    r->schema = schema;
    r->dialect = dialect;
    r->migration = migrate_diff(db, schema, dialect);

    Checker ck = {0};
    ck.r = r;
    ck.arena = &r->arena;
    ck.db = db;
    ck.sc = schema;
    ck.d = dialect;
    ck.pg = dialect->flavour == SQL_POSTGRES;
    ck.gated = db->partial_indexes_gated || schema->partial_indexes_gated;
    ck.sc_of_db = arena_alloc(ck.arena, (db->ntables + 1) * sizeof(uint32_t));
    ck.db_of_sc = arena_alloc(ck.arena, (schema->ntables + 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < db->ntables; i++)
        ck.sc_of_db[i] = SQL_NONE;
    for (uint32_t j = 0; j < schema->ntables; j++)
        ck.db_of_sc[j] = SQL_NONE;
    ck.created = arena_alloc(ck.arena, schema->ntables + 1);
    ck.dropped = arena_alloc(ck.arena, db->ntables + 1);
    ck.colchanges = arena_alloc(ck.arena, (schema->ntables + 1) * sizeof *ck.colchanges);
    ck.findings_of_db = arena_alloc(ck.arena, (db->ntables + 1) * sizeof(uint32_t));
    ck.findings_of_sc = arena_alloc(ck.arena, (schema->ntables + 1) * sizeof(uint32_t));

    r->db_of_schema_table = ck.db_of_sc;
    r->schema_of_db_table = ck.sc_of_db;
    r->db_of_schema_enum = arena_alloc(ck.arena, (schema->nenums + 1) * sizeof(uint32_t));
    for (uint32_t j = 0; j < schema->nenums; j++)
        r->db_of_schema_enum[j] = SQL_NONE;
    collect_column_changes(&ck);
    pair_tables(&ck);
    table_findings(&ck);
    enum_findings(&ck);
    unmanaged_findings(&ck);
    find_renames(&ck);
    summarize(&ck);
    return r;
}

void check_free(CheckResult *result)
{
    if (!result)
        return;
    migrate_free(result->migration);
    Arena a = result->arena;
    arena_free(&a);
}
