/* `prismac migrations status`: the history table, the folder and the live schema, object by
 * object (see migrations_check.h for the rules). */
#include "prismac/migrations_check.h"

#include "prismac/lower.h"

#include "cryptolib.h"  /* libcrypto, loaded on first use */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *migration_status_name(MigrationStatusKind status)
{
    switch (status) {
    case MSTATUS_APPLIED: return "applied";
    case MSTATUS_MODIFIED: return "modified";
    case MSTATUS_FAILED: return "failed";
    case MSTATUS_ROLLED_BACK: return "rolled_back";
    case MSTATUS_PENDING: return "pending";
    case MSTATUS_MISSING_FROM_FOLDER: return "missing_from_folder";
    case MSTATUS_PHANTOM: return "phantom";
    }
    return "applied";
}

static bool recorded_applied(MigrationStatusKind s)
{
    return s == MSTATUS_APPLIED || s == MSTATUS_MODIFIED || s == MSTATUS_PHANTOM;
}

/* ---- a string-keyed hash map (Str -> uint32_t), malloc'd ------------------------------------- */

typedef struct StrMap {
    Str *keys;
    uint32_t *vals;
    uint32_t nslots, count;     /* nslots: a power of two, or 0 */
} StrMap;

static void strmap_free(StrMap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static void strmap_init(StrMap *m, uint32_t expected)
{
    uint32_t n = 16;
    while (n < expected * 2 + 2)
        n *= 2;
    m->keys = calloc(n, sizeof *m->keys);
    m->vals = calloc(n, sizeof *m->vals);
    m->nslots = n;
    m->count = 0;
}

static uint32_t strmap_slot(const StrMap *m, Str key)
{
    uint32_t mask = m->nslots - 1, i = str_hash(key) & mask;
    while (m->keys[i].ptr && !str_eq(m->keys[i], key))
        i = (i + 1) & mask;
    return i;
}

static uint32_t strmap_get(const StrMap *m, Str key)
{
    if (!m->nslots)
        return UINT32_MAX;
    uint32_t i = strmap_slot(m, key);
    return m->keys[i].ptr ? m->vals[i] : UINT32_MAX;
}

/* The key's bytes must outlive the map. */
static void strmap_put(StrMap *m, Str key, uint32_t val)
{
    if (!m->nslots)
        strmap_init(m, 16);
    if ((m->count + 1) * 2 > m->nslots) {
        StrMap bigger;
        strmap_init(&bigger, m->nslots);
        for (uint32_t i = 0; i < m->nslots; i++)
            if (m->keys[i].ptr) {
                uint32_t s = strmap_slot(&bigger, m->keys[i]);
                bigger.keys[s] = m->keys[i];
                bigger.vals[s] = m->vals[i];
                bigger.count++;
            }
        strmap_free(m);
        *m = bigger;
    }
    uint32_t i = strmap_slot(m, key);
    if (!m->keys[i].ptr) {
        m->keys[i] = key;
        m->count++;
    }
    m->vals[i] = val;
}

/* ---- the objects of a schema, by key ----------------------------------------------------------- */

typedef struct ObjRef {
    HistObjectKind kind;
    uint32_t table;         /* table index (SQL_NONE for an enum) */
    uint32_t sub;           /* column / index / foreign key / enum index */
} ObjRef;

typedef struct ObjIndex {
    const SqlSchema *schema;
    Arena arena;
    Str *keys;
    ObjRef *refs;
    uint32_t count, cap;
    StrMap map;
} ObjIndex;

#define KEY_SEP '\x1f'

typedef struct KeyBuf {
    char buf[2048];
    size_t len;
} KeyBuf;

static void key_put(KeyBuf *k, const char *s, size_t n)
{
    if (k->len + n + 1 >= sizeof k->buf)
        n = sizeof k->buf - k->len - 1;
    memcpy(k->buf + k->len, s, n);
    k->len += n;
}

static void key_str(KeyBuf *k, Str s)
{
    key_put(k, s.ptr ? s.ptr : "", s.len);
}

static void key_sep(KeyBuf *k)
{
    char c = KEY_SEP;
    key_put(k, &c, 1);
}

/* "K<sep>ns<sep>table" */
static void key_begin(KeyBuf *k, char kind, const SqlSchema *s, uint32_t ns, Str table)
{
    k->len = 0;
    key_put(k, &kind, 1);
    key_sep(k);
    key_str(k, sql_namespace_name(s, ns));
    key_sep(k);
    key_str(k, table);
}

static bool unnamed_index(const SqlSchema *s, const SqlIndex *ix)
{
    return ix->name.len == 0 ||
           (s->flavour == SQL_SQLITE && ix->name.len >= 17 && memcmp(ix->name.ptr, "sqlite_autoindex_", 17) == 0);
}

static void index_build(ObjIndex *x, const SqlSchema *s)
{
    memset(x, 0, sizeof *x);
    x->schema = s;
    arena_init(&x->arena);
    if (!s)
        return;
    uint32_t total = s->nenums;
    for (uint32_t t = 0; t < s->ntables; t++)
        total += 1 + s->tables[t].ncolumns + s->tables[t].nindexes + s->tables[t].nfks;
    x->keys = arena_alloc(&x->arena, (total + 1) * sizeof *x->keys);
    x->refs = arena_alloc(&x->arena, (total + 1) * sizeof *x->refs);
    x->cap = total + 1;
    KeyBuf k;
#define ADD(KIND, T, SUB)                                                                                   \
    do {                                                                                                    \
        x->keys[x->count] = arena_str(&x->arena, k.buf, k.len);                                             \
        x->refs[x->count] = (ObjRef){(KIND), (T), (SUB)};                                                   \
        x->count++;                                                                                         \
    } while (0)
    for (uint32_t t = 0; t < s->ntables; t++) {
        const SqlTable *tb = &s->tables[t];
        key_begin(&k, 'T', s, tb->namespace, tb->name);
        ADD(HOBJ_TABLE, t, SQL_NONE);
        for (uint32_t c = 0; c < tb->ncolumns; c++) {
            key_begin(&k, 'C', s, tb->namespace, tb->name);
            key_sep(&k);
            key_str(&k, tb->columns[c].name);
            ADD(HOBJ_COLUMN, t, c);
        }
        for (uint32_t i = 0; i < tb->nindexes; i++) {
            const SqlIndex *ix = &tb->indexes[i];
            if (ix->kind == SQLIDX_PRIMARY) {
                key_begin(&k, 'P', s, tb->namespace, tb->name);
                ADD(HOBJ_PRIMARY_KEY, t, i);
                continue;
            }
            key_begin(&k, 'I', s, tb->namespace, tb->name);
            key_sep(&k);
            if (unnamed_index(s, ix)) {
                /* by definition: SQLite numbers its own indexes by position */
                key_put(&k, ix->kind == SQLIDX_UNIQUE ? "#unique(" : "#index(", ix->kind == SQLIDX_UNIQUE ? 8 : 7);
                for (uint32_t c = 0; c < ix->ncolumns; c++) {
                    if (c)
                        key_put(&k, ",", 1);
                    key_str(&k, tb->columns[ix->columns[c].column].name);
                }
                key_put(&k, ")", 1);
            } else {
                key_str(&k, ix->name);
            }
            ADD(HOBJ_INDEX, t, i);
        }
        for (uint32_t f = 0; f < tb->nfks; f++) {
            const SqlForeignKey *fk = &tb->fks[f];
            key_begin(&k, 'F', s, tb->namespace, tb->name);
            key_sep(&k);
            if (fk->name.len && s->flavour == SQL_POSTGRES) {
                key_str(&k, fk->name);
            } else {
                /* SQLite keeps no catalog name for a foreign key: by definition */
                const SqlTable *rt = &s->tables[fk->referenced_table];
                key_put(&k, "#(", 2);
                for (uint32_t c = 0; c < fk->ncolumns; c++) {
                    if (c)
                        key_put(&k, ",", 1);
                    key_str(&k, tb->columns[fk->columns[c]].name);
                }
                key_put(&k, ")->", 3);
                key_str(&k, rt->name);
                key_put(&k, "(", 1);
                for (uint32_t c = 0; c < fk->ncolumns; c++) {
                    if (c)
                        key_put(&k, ",", 1);
                    key_str(&k, rt->columns[fk->referenced_columns[c]].name);
                }
                key_put(&k, ")", 1);
            }
            ADD(HOBJ_FOREIGN_KEY, t, f);
        }
    }
    for (uint32_t e = 0; e < s->nenums; e++) {
        key_begin(&k, 'E', s, s->enums[e].namespace, s->enums[e].name);
        ADD(HOBJ_ENUM, SQL_NONE, e);
    }
#undef ADD
    strmap_init(&x->map, x->count);
    for (uint32_t i = 0; i < x->count; i++)
        strmap_put(&x->map, x->keys[i], i);
}

static void index_free(ObjIndex *x)
{
    strmap_free(&x->map);
    arena_free(&x->arena);
    memset(x, 0, sizeof *x);
}

static uint32_t index_find(const ObjIndex *x, Str key)
{
    return strmap_get(&x->map, key);
}

/* ---- comparing one object on two sides ------------------------------------------------------------ */

static bool str_eq_nocase(Str a, Str b)
{
    return a.len == b.len && (a.len == 0 || strncasecmp(a.ptr, b.ptr, a.len) == 0);
}

static bool type_equal(SqlFlavour f, const SqlColumnType *a, const SqlColumnType *b)
{
    if (f == SQL_SQLITE)
        return a->family == b->family && (a->family != SQLT_UNSUPPORTED || str_eq_nocase(a->name, b->name));
    return str_eq(a->name, b->name) && a->list == b->list;
}

static bool default_equal(const SqlDefault *a, const SqlDefault *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case SQLDEF_VALUE: return str_eq(a->sql, b->sql);
    case SQLDEF_EXPRESSION: return str_eq_nocase(a->sql, b->sql);
    default: return true;
    }
}

static void describe_column(SqlBuf *b, const SqlColumn *c)
{
    sqlbuf_putstr(b, c->type.name);
    if (c->type.list)
        sqlbuf_puts(b, "[]");
    sqlbuf_puts(b, c->nullable ? " NULL" : " NOT NULL");
    if (c->def.kind == SQLDEF_SEQUENCE)
        sqlbuf_puts(b, " (autoincrement)");
    else if (c->def.kind != SQLDEF_NONE && c->def.sql.len) {
        sqlbuf_puts(b, " DEFAULT ");
        sqlbuf_putstr(b, c->def.sql);
    }
}

static void describe_columns(SqlBuf *b, const SqlTable *t, const uint32_t *cols, uint32_t n)
{
    sqlbuf_putc(b, '(');
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            sqlbuf_puts(b, ", ");
        sqlbuf_putstr(b, t->columns[cols[i]].name);
    }
    sqlbuf_putc(b, ')');
}

static void describe_index(SqlBuf *b, const SqlTable *t, const SqlIndex *ix)
{
    sqlbuf_puts(b, ix->kind == SQLIDX_PRIMARY ? "PRIMARY KEY (" : ix->kind == SQLIDX_UNIQUE ? "UNIQUE (" : "INDEX (");
    for (uint32_t i = 0; i < ix->ncolumns; i++) {
        if (i)
            sqlbuf_puts(b, ", ");
        sqlbuf_putstr(b, t->columns[ix->columns[i].column].name);
        if (ix->columns[i].sort == SORT_DESC)
            sqlbuf_puts(b, " DESC");
        if (ix->columns[i].opclass.len) {
            sqlbuf_putc(b, ' ');
            sqlbuf_putstr(b, ix->columns[i].opclass);
        }
    }
    sqlbuf_putc(b, ')');
    if (ix->algorithm.len) {
        sqlbuf_puts(b, " USING ");
        sqlbuf_putstr(b, ix->algorithm);
    }
    if (ix->predicate.len) {
        sqlbuf_puts(b, " WHERE ");
        sqlbuf_putstr(b, ix->predicate);
    }
}

static void describe_fk(SqlBuf *b, const SqlSchema *s, const SqlTable *t, const SqlForeignKey *fk)
{
    const SqlTable *rt = &s->tables[fk->referenced_table];
    describe_columns(b, t, fk->columns, fk->ncolumns);
    sqlbuf_puts(b, " REFERENCES ");
    sqlbuf_putstr(b, rt->name);
    describe_columns(b, rt, fk->referenced_columns, fk->ncolumns);
    sqlbuf_printf(b, " ON DELETE %s ON UPDATE %s", sql_action_name(fk->on_delete), sql_action_name(fk->on_update));
}

static void describe_enum(SqlBuf *b, const SqlEnum *e)
{
    sqlbuf_putc(b, '(');
    for (uint32_t i = 0; i < e->nvalues; i++) {
        if (i)
            sqlbuf_puts(b, ", ");
        sqlbuf_putc(b, '\'');
        sqlbuf_putstr(b, e->values[i]);
        sqlbuf_putc(b, '\'');
    }
    sqlbuf_putc(b, ')');
}

/* The object's definition, as text (for messages). */
static void describe(SqlBuf *b, const ObjIndex *x, uint32_t i)
{
    const SqlSchema *s = x->schema;
    ObjRef r = x->refs[i];
    const SqlTable *t = r.table != SQL_NONE ? &s->tables[r.table] : NULL;
    switch (r.kind) {
    case HOBJ_TABLE: sqlbuf_puts(b, "a table"); break;
    case HOBJ_COLUMN: describe_column(b, &t->columns[r.sub]); break;
    case HOBJ_PRIMARY_KEY:
    case HOBJ_INDEX: describe_index(b, t, &t->indexes[r.sub]); break;
    case HOBJ_FOREIGN_KEY: describe_fk(b, s, t, &t->fks[r.sub]); break;
    case HOBJ_ENUM: describe_enum(b, &s->enums[r.sub]); break;
    }
}

static bool columns_equal(const SqlTable *ta, const uint32_t *a, const SqlTable *tb, const uint32_t *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!str_eq(ta->columns[a[i]].name, tb->columns[b[i]].name))
            return false;
    return true;
}

static bool obj_equal(const ObjIndex *x, uint32_t i, const ObjIndex *y, uint32_t j)
{
    const SqlSchema *sa = x->schema, *sb = y->schema;
    ObjRef ra = x->refs[i], rb = y->refs[j];
    if (ra.kind != rb.kind)
        return false;
    const SqlTable *ta = ra.table != SQL_NONE ? &sa->tables[ra.table] : NULL;
    const SqlTable *tb = rb.table != SQL_NONE ? &sb->tables[rb.table] : NULL;
    switch (ra.kind) {
    case HOBJ_TABLE: return true;
    case HOBJ_COLUMN: {
        const SqlColumn *a = &ta->columns[ra.sub], *b = &tb->columns[rb.sub];
        return type_equal(sa->flavour, &a->type, &b->type) && a->nullable == b->nullable &&
               default_equal(&a->def, &b->def) && (sa->flavour == SQL_SQLITE || a->autoincrement == b->autoincrement);
    }
    case HOBJ_PRIMARY_KEY:
    case HOBJ_INDEX: {
        const SqlIndex *a = &ta->indexes[ra.sub], *b = &tb->indexes[rb.sub];
        if (a->kind != b->kind || a->ncolumns != b->ncolumns || !str_eq(a->algorithm, b->algorithm) ||
            !str_eq(a->predicate, b->predicate))
            return false;
        if (a->kind == SQLIDX_PRIMARY && sa->flavour == SQL_POSTGRES && !str_eq(a->name, b->name))
            return false;
        for (uint32_t c = 0; c < a->ncolumns; c++) {
            if (!str_eq(ta->columns[a->columns[c].column].name, tb->columns[b->columns[c].column].name) ||
                a->columns[c].sort != b->columns[c].sort || !str_eq(a->columns[c].opclass, b->columns[c].opclass))
                return false;
        }
        return true;
    }
    case HOBJ_FOREIGN_KEY: {
        const SqlForeignKey *a = &ta->fks[ra.sub], *b = &tb->fks[rb.sub];
        if (a->ncolumns != b->ncolumns || a->on_delete != b->on_delete || a->on_update != b->on_update)
            return false;
        const SqlTable *rta = &sa->tables[a->referenced_table], *rtb = &sb->tables[b->referenced_table];
        return str_eq(rta->name, rtb->name) &&
               str_eq(sql_namespace_name(sa, rta->namespace), sql_namespace_name(sb, rtb->namespace)) &&
               columns_equal(ta, a->columns, tb, b->columns, a->ncolumns) &&
               columns_equal(rta, a->referenced_columns, rtb, b->referenced_columns, a->ncolumns);
    }
    case HOBJ_ENUM: {
        const SqlEnum *a = &sa->enums[ra.sub], *b = &sb->enums[rb.sub];
        if (a->nvalues != b->nvalues)
            return false;
        for (uint32_t v = 0; v < a->nvalues; v++)
            if (!str_eq(a->values[v], b->values[v]))
                return false;
        return true;
    }
    }
    return false;
}

/* ---- a replayed sequence: each step's objects, who touched what last, the final schema ----------- */

typedef struct Effect {
    Str key;
    HistObject obj;
} Effect;

typedef struct StepEffects {
    Effect *items;
    uint32_t count, cap;
} StepEffects;

typedef struct Seq {
    const Replay *replay;
    uint32_t n;             /* steps considered (<= replay->applied) */
    StepEffects *steps;     /* shared between sequences that share a replay */
    StrMap last;            /* key -> the last step (< n) that touched it */
    ObjIndex final;         /* the schema after step n - 1 (or before the first) */
} Seq;

static HistObject make_object(Arena *a, const ObjIndex *x, uint32_t i, HistChange change)
{
    const SqlSchema *s = x->schema;
    ObjRef r = x->refs[i];
    HistObject o = {0};
    o.kind = r.kind;
    o.change = change;
    if (r.kind == HOBJ_ENUM) {
        uint32_t ens = s->enums[r.sub].namespace;
        Str ns = sql_namespace_is_default(s, ens) ? (Str){"", 0} : sql_namespace_name(s, ens);
        o.namespace = arena_str(a, ns.ptr ? ns.ptr : "", ns.len);
        o.name = arena_str(a, s->enums[r.sub].name.ptr, s->enums[r.sub].name.len);
        return o;
    }
    const SqlTable *t = &s->tables[r.table];
    Str ns = sql_namespace_is_default(s, t->namespace) ? (Str){"", 0} : sql_namespace_name(s, t->namespace);
    o.namespace = arena_str(a, ns.ptr ? ns.ptr : "", ns.len);
    o.table = arena_str(a, t->name.ptr, t->name.len);
    switch (r.kind) {
    case HOBJ_COLUMN: o.name = arena_str(a, t->columns[r.sub].name.ptr, t->columns[r.sub].name.len); break;
    case HOBJ_INDEX: {
        const SqlIndex *ix = &t->indexes[r.sub];
        if (unnamed_index(s, ix)) {
            SqlBuf b = {0};
            describe_index(&b, t, ix);
            o.name = arena_str(a, b.ptr, b.len);
            sqlbuf_free(&b);
        } else {
            o.name = arena_str(a, ix->name.ptr, ix->name.len);
        }
        break;
    }
    case HOBJ_FOREIGN_KEY: {
        const SqlForeignKey *fk = &t->fks[r.sub];
        const SqlTable *rt = &s->tables[fk->referenced_table];
        o.referenced_table = arena_str(a, rt->name.ptr, rt->name.len);
        if (fk->name.len) {
            o.name = arena_str(a, fk->name.ptr, fk->name.len);
        } else {
            SqlBuf b = {0};
            describe_fk(&b, s, t, fk);
            o.name = arena_str(a, b.ptr, b.len);
            sqlbuf_free(&b);
        }
        break;
    }
    default: break;
    }
    o.name = o.name.ptr ? o.name : (Str){"", 0};
    return o;
}

static void push_effect(Arena *a, StepEffects *st, const ObjIndex *x, uint32_t i, HistChange change)
{
    Effect e;
    e.key = arena_str(a, x->keys[i].ptr, x->keys[i].len);
    e.obj = make_object(a, x, i, change);
    ARENA_PUSH(a, st->items, st->count, st->cap, e);
}

/* A column, index or key created with its table, or dropped with it: the table of object i of
 * x (the effect just pushed) is not in `other`. */
static void mark_implied(StepEffects *st, const ObjIndex *x, uint32_t i, const ObjIndex *other)
{
    ObjRef r0 = x->refs[i];
    if (r0.kind == HOBJ_TABLE || r0.kind == HOBJ_ENUM)
        return;
    const SqlTable *t = &x->schema->tables[r0.table];
    KeyBuf k0;
    key_begin(&k0, 'T', x->schema, t->namespace, t->name);
    st->items[st->count - 1].obj.implied = index_find(other, (Str){k0.buf, (uint32_t)k0.len}) == UINT32_MAX;
}

/* Each step's objects: what differs between consecutive schemas of the replay. */
static StepEffects *replay_effects(Arena *a, const Replay *r)
{
    StepEffects *steps = arena_alloc(a, (r->applied + 1) * sizeof *steps);
    ObjIndex prev;
    index_build(&prev, r->before);
    for (uint32_t k = 0; k < r->applied; k++) {
        const SqlSchema *s = r->after[k];
        if (!s || s == prev.schema)
            continue;
        ObjIndex cur;
        index_build(&cur, s);
        for (uint32_t i = 0; i < cur.count; i++) {
            uint32_t p = index_find(&prev, cur.keys[i]);
            if (p == UINT32_MAX) {
                push_effect(a, &steps[k], &cur, i, HCHANGE_CREATED);
                mark_implied(&steps[k], &cur, i, &prev);
            } else if (!obj_equal(&prev, p, &cur, i)) {
                push_effect(a, &steps[k], &cur, i, HCHANGE_ALTERED);
            }
        }
        for (uint32_t i = 0; i < prev.count; i++) {
            if (index_find(&cur, prev.keys[i]) != UINT32_MAX)
                continue;
            push_effect(a, &steps[k], &prev, i, HCHANGE_DROPPED);
            mark_implied(&steps[k], &prev, i, &cur);
        }
        index_free(&prev);
        prev = cur;
    }
    index_free(&prev);
    return steps;
}

static void seq_init(Seq *q, const Replay *r, StepEffects *steps, uint32_t n)
{
    memset(q, 0, sizeof *q);
    q->replay = r;
    q->steps = steps;
    q->n = n < r->applied ? n : r->applied;
    strmap_init(&q->last, 64);
    for (uint32_t k = 0; k < q->n; k++)
        for (uint32_t e = 0; e < steps[k].count; e++)
            strmap_put(&q->last, steps[k].items[e].key, k);
    index_build(&q->final, q->n ? r->after[q->n - 1] : r->before);
}

static void seq_free(Seq *q)
{
    strmap_free(&q->last);
    index_free(&q->final);
}

/* ---- the report ------------------------------------------------------------------------------------ */

static void add_line(HistoryReport *r, const char ***items, uint32_t *count, uint32_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void add_line(HistoryReport *r, const char ***items, uint32_t *count, uint32_t *cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[4096];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ARENA_PUSH(&r->arena, *items, *count, *cap, arena_strdup(&r->arena, buf));
}

#define CONSEQUENCE(r, ...) add_line((r), &(r)->consequences, &(r)->nconsequences, &(r)->capconsequences, __VA_ARGS__)
#define NEXT_STEP(r, ...) add_line((r), &(r)->next_steps, &(r)->nnext_steps, &(r)->capnext_steps, __VA_ARGS__)

static void set_detail(HistObject *o, Arena *a, const ObjIndex *want, uint32_t wi, const ObjIndex *live, uint32_t li)
{
    SqlBuf x = {0}, y = {0};
    describe(&x, want, wi);
    describe(&y, live, li);
    o->detail = arena_sprintf(a, "%s after the migrations, %s in the database", x.ptr ? x.ptr : "",
                              y.ptr ? y.ptr : "");
    sqlbuf_free(&x);
    sqlbuf_free(&y);
}

/* The parent table of a sub-object exists in the index? */
static bool parent_exists(const ObjIndex *x, const HistObject *o, KeyBuf *k)
{
    k->len = 0;
    char kind = 'T';
    key_put(k, &kind, 1);
    key_sep(k);
    key_str(k, o->namespace.len ? o->namespace : x->schema->default_namespace);
    key_sep(k);
    key_str(k, o->table);
    return index_find(x, (Str){k->buf, (uint32_t)k->len}) != UINT32_MAX;
}

/* Objects of a recorded migration (step k of the applied sequence), against the live database. */
static void check_applied(HistoryReport *r, MigrationEntry *e, const Seq *a, uint32_t k, const ObjIndex *live)
{
    const StepEffects *st = &a->steps[k];
    e->objects = arena_alloc(&r->arena, (st->count + 1) * sizeof *e->objects);
    for (uint32_t i = 0; i < st->count; i++) {
        HistObject o = st->items[i].obj;
        Str key = st->items[i].key;
        bool last = strmap_get(&a->last, key) == k;
        uint32_t fi = index_find(&a->final, key), li = index_find(live, key);
        if (o.change == HCHANGE_DROPPED) {
            o.check = !last ? HCHECK_UNVERIFIABLE : li == UINT32_MAX ? HCHECK_PRESENT : HCHECK_ABSENT;
        } else if (last) {
            if (li == UINT32_MAX)
                o.check = HCHECK_ABSENT;
            else if (fi != UINT32_MAX && !obj_equal(&a->final, fi, live, li)) {
                o.check = HCHECK_DIFFERENT;
                set_detail(&o, &r->arena, &a->final, fi, live, li);
            } else
                o.check = HCHECK_PRESENT;
        } else if (fi != UINT32_MAX) {
            o.check = li != UINT32_MAX ? HCHECK_EXISTS : HCHECK_ABSENT;
        } else {
            o.check = HCHECK_UNVERIFIABLE;
        }
        if (o.check == HCHECK_PRESENT || o.check == HCHECK_EXISTS)
            e->npresent++;
        else if (o.check == HCHECK_ABSENT || o.check == HCHECK_DIFFERENT)
            e->nmissing++;
        e->objects[e->nobjects++] = o;
    }
    e->checked = true;
}

/* Objects of a migration not recorded as applied (step k of the whole folder): present when the
 * live database has them as the migration makes them and not as the applied history has them. */
static void check_unapplied(HistoryReport *r, MigrationEntry *e, const Seq *w, uint32_t k, const ObjIndex *expected,
                            const ObjIndex *live)
{
    const StepEffects *st = &w->steps[k];
    e->objects = arena_alloc(&r->arena, (st->count + 1) * sizeof *e->objects);
    KeyBuf kb;
    for (uint32_t i = 0; i < st->count; i++) {
        HistObject o = st->items[i].obj;
        Str key = st->items[i].key;
        bool last = strmap_get(&w->last, key) == k;
        uint32_t fi = index_find(&w->final, key), li = index_find(live, key), ei = index_find(expected, key);
        if (o.change == HCHANGE_DROPPED) {
            bool parent = o.kind == HOBJ_TABLE || o.kind == HOBJ_ENUM || o.implied || parent_exists(live, &o, &kb);
            o.check = ei != UINT32_MAX && li == UINT32_MAX && parent ? HCHECK_PRESENT : HCHECK_ABSENT;
        } else if (last && fi != UINT32_MAX) {
            bool as_made = li != UINT32_MAX && obj_equal(&w->final, fi, live, li);
            bool as_history = li != UINT32_MAX && ei != UINT32_MAX && obj_equal(expected, ei, live, li);
            o.check = as_made && !as_history ? HCHECK_PRESENT : HCHECK_ABSENT;
        } else if (fi != UINT32_MAX) {
            o.check = li != UINT32_MAX && ei == UINT32_MAX ? HCHECK_EXISTS : HCHECK_ABSENT;
        } else {
            o.check = HCHECK_UNVERIFIABLE;
        }
        if (o.check == HCHECK_PRESENT || o.check == HCHECK_EXISTS)
            e->npresent++;
        else if (o.check == HCHECK_ABSENT)
            e->nmissing++;
        e->objects[e->nobjects++] = o;
    }
    e->checked = true;
}

/* The useful part of Prisma's logs: the lines before the engine's backtrace ("   0: ..."),
 * joined with " / ". */
static const char *log_summary(Arena *a, const HistoryRow *row)
{
    if (!row || !row->has_logs)
        return NULL;
    SqlBuf b = {0};
    const char *p = row->logs.ptr, *end = p + row->logs.len;
    uint32_t lines = 0;
    while (p < end && lines < 4) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        const char *q = p;
        while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        const char *d = q;
        while (d < e && *d >= '0' && *d <= '9')
            d++;
        if (d > q && d < e && *d == ':')
            break;
        const char *t = e;
        while (t > q && (t[-1] == ' ' || t[-1] == '\r'))
            t--;
        if (t > q) {
            sqlbuf_puts(&b, lines++ ? " / " : "");
            sqlbuf_put(&b, q, (size_t)(t - q));
        }
        p = nl ? nl + 1 : end;
    }
    const char *out = arena_strdup(a, b.ptr ? b.ptr : "");
    sqlbuf_free(&b);
    return out;
}

static int compare_entries(const void *x, const void *y)
{
    const MigrationEntry *a = x, *b = y;
    uint32_t n = a->name.len < b->name.len ? a->name.len : b->name.len;
    int c = n ? memcmp(a->name.ptr, b->name.ptr, n) : 0;
    return c ? c : (a->name.len > b->name.len) - (a->name.len < b->name.len);
}

/* The history rows decide each migration's status (migrations_check.h). */
static void build_entries(HistoryReport *r)
{
    const MigrationsDir *d = &r->dir;
    bool supabase = r->history.kind == HISTORY_SUPABASE;
    uint32_t cap = d->count + r->history.count + 1;
    r->entries = arena_alloc(&r->arena, cap * sizeof *r->entries);
    StrMap by_key;
    strmap_init(&by_key, cap);
    for (uint32_t i = 0; i < d->count; i++) {
        MigrationEntry *e = &r->entries[r->count];
        e->name = d->items[i].name;
        e->file = (int32_t)i;
        e->status = MSTATUS_PENDING;
        strmap_put(&by_key, supabase ? d->items[i].version : d->items[i].name, r->count);
        r->count++;
    }
    /* the deciding rows: the latest applied, else the latest failed, else the latest rolled back */
    const HistoryRow **applied = arena_alloc(&r->arena, cap * sizeof *applied);
    const HistoryRow **failed = arena_alloc(&r->arena, cap * sizeof *failed);
    const HistoryRow **rolled = arena_alloc(&r->arena, cap * sizeof *rolled);
    for (uint32_t i = 0; i < r->history.count; i++) {
        const HistoryRow *row = &r->history.rows[i];
        Str key = supabase ? row->version : row->name;
        uint32_t ei = strmap_get(&by_key, key);
        if (ei == UINT32_MAX) {
            ei = r->count++;
            r->entries[ei].name = row->name;
            r->entries[ei].file = -1;
            strmap_put(&by_key, key, ei);
        }
        r->entries[ei].nrows++;
        if (row->state == ROW_APPLIED)
            applied[ei] = row;
        else if (row->state == ROW_FAILED)
            failed[ei] = row;
        else
            rolled[ei] = row;
    }
    strmap_free(&by_key);
    uint32_t kept = 0;
    for (uint32_t i = 0; i < r->count; i++) {
        MigrationEntry *e = &r->entries[i];
        if (applied[i]) {
            e->status = MSTATUS_APPLIED;
            e->row = applied[i];
        } else if (failed[i]) {
            e->status = MSTATUS_FAILED;
            e->row = failed[i];
        } else if (rolled[i]) {
            e->status = MSTATUS_ROLLED_BACK;
            e->row = rolled[i];
        } else {
            e->status = MSTATUS_PENDING;
        }
        e->log = log_summary(&r->arena, e->row);
        if (e->file < 0) {
            if (e->status == MSTATUS_ROLLED_BACK)
                continue;   /* Prisma ignores rolled-back rows; without a file there is nothing to say */
            e->status = MSTATUS_MISSING_FROM_FOLDER;
        } else {
            const MigrationFile *f = &d->items[e->file];
            e->data_only = replay_script_is_data_only(f->sql, f->len);
            if (e->status == MSTATUS_APPLIED && !supabase) {
                char *sum = arena_strndup(&r->arena, e->row->checksum.ptr, e->row->checksum.len);
                e->checksum_matches = migration_checksum_matches(f->sql, f->len, sum);
                if (!e->checksum_matches)
                    e->status = MSTATUS_MODIFIED;
            } else {
                e->checksum_matches = e->status == MSTATUS_APPLIED;
            }
        }
        r->entries[kept++] = *e;
    }
    r->count = kept;
    qsort(r->entries, r->count, sizeof *r->entries, compare_entries);
}

static bool lock_matches(Str provider, SqlFlavour flavour)
{
    if (provider.len == 0)
        return true;
    if (flavour == SQL_POSTGRES)
        return str_eq_cstr(provider, "postgresql") || str_eq_cstr(provider, "postgres");
    return str_eq_cstr(provider, "sqlite");
}

/* PostgreSQL: the schemas to read, the live database's first. */
static void schema_list(HistoryReport *r, const HistoryStatusOptions *opt, IntrospectOptions *io)
{
    Str *created;
    uint32_t ncreated = migrations_created_schemas(&r->dir, &r->arena, &created);
    uint32_t cap = 1 + ncreated + opt->nschemas;
    Str *list = arena_alloc(&r->arena, cap * sizeof *list);
    uint32_t n = 0;
    const char *def = opt->db->schema && *opt->db->schema ? opt->db->schema : "public";
    list[n++] = arena_str(&r->arena, def, strlen(def));
    for (uint32_t pass = 0; pass < 2; pass++) {
        const Str *src = pass ? opt->schemas : created;
        uint32_t count = pass ? opt->nschemas : ncreated;
        for (uint32_t i = 0; i < count; i++) {
            bool seen = false;
            for (uint32_t j = 0; j < n && !seen; j++)
                seen = str_eq(list[j], src[i]);
            if (!seen)
                list[n++] = src[i];
        }
    }
    io->schemas = list;
    io->nschemas = n;
}

static const char *entry_file_path(const HistoryReport *r, const MigrationEntry *e)
{
    return e->file >= 0 ? r->dir.items[e->file].path : "";
}

/* ---- verdict, consequences, next steps ------------------------------------------------------------ */

/* Is the object a column or key of a table that is itself listed with the same check? (Indexes
 * are listed on their own: they carry names people look for.) */
static bool under_listed_table(const MigrationEntry *e, const HistObject *o)
{
    if (o->kind == HOBJ_TABLE || o->kind == HOBJ_ENUM || o->kind == HOBJ_INDEX)
        return false;
    for (uint32_t i = 0; i < e->nobjects; i++) {
        const HistObject *t = &e->objects[i];
        if (t->kind == HOBJ_TABLE && t->change == o->change && t->check == o->check && str_eq(t->table, o->table) &&
            str_eq(t->namespace, o->namespace))
            return true;
    }
    return false;
}

static const char *const KIND_ONE[] = {"table", "column", "primary key", "index", "foreign key", "enum"};
static const char *const KIND_MANY[] = {"tables", "columns", "primary keys", "indexes", "foreign keys", "enums"};
static const HistObjectKind KIND_ORDER[] = {HOBJ_TABLE, HOBJ_ENUM, HOBJ_COLUMN, HOBJ_INDEX, HOBJ_PRIMARY_KEY,
                                            HOBJ_FOREIGN_KEY};

/* A short label: "Shipment", "Visit.weightKg", "Visit_petId_at_idx", "of Ticket". */
static void put_label(SqlBuf *b, const HistObject *o)
{
    if (o->namespace.len) {
        sqlbuf_putstr(b, o->namespace);
        sqlbuf_putc(b, '.');
    }
    switch (o->kind) {
    case HOBJ_TABLE: sqlbuf_putstr(b, o->table); break;
    case HOBJ_COLUMN:
        sqlbuf_putstr(b, o->table);
        sqlbuf_putc(b, '.');
        sqlbuf_putstr(b, o->name);
        break;
    case HOBJ_PRIMARY_KEY:
        sqlbuf_puts(b, "of ");
        sqlbuf_putstr(b, o->table);
        break;
    default: sqlbuf_putstr(b, o->name); break;
    }
}

typedef enum ListWhich { LIST_ABSENT, LIST_STILL_THERE, LIST_DIFFERENT, LIST_PRESENT } ListWhich;

static bool in_list(const HistObject *o, ListWhich which)
{
    switch (which) {
    case LIST_ABSENT: return o->check == HCHECK_ABSENT && o->change != HCHANGE_DROPPED;
    case LIST_STILL_THERE: return o->check == HCHECK_ABSENT && o->change == HCHANGE_DROPPED;
    case LIST_DIFFERENT: return o->check == HCHECK_DIFFERENT;
    case LIST_PRESENT: return o->check == HCHECK_PRESENT || o->check == HCHECK_EXISTS;
    }
    return false;
}

/* What is absent, still there or different (missing), or what is present: grouped by kind,
 * tables first, parts of listed tables left out, at most a dozen names. */
static const char *first_problem(Arena *a, const MigrationEntry *e, bool missing)
{
    static const char *const HEAD[] = {"absent: ", "dropped, yet still there: ", "different: ", ""};
    const uint32_t max = 12;
    SqlBuf b = {0};
    uint32_t shown = 0, more = 0;
    for (int w = missing ? LIST_ABSENT : LIST_PRESENT; w <= (missing ? LIST_DIFFERENT : LIST_PRESENT); w++) {
        bool section = false;
        for (size_t k = 0; k < sizeof KIND_ORDER / sizeof *KIND_ORDER; k++) {
            HistObjectKind kind = KIND_ORDER[k];
            uint32_t n = 0;
            for (uint32_t i = 0; i < e->nobjects; i++)
                n += e->objects[i].kind == kind && in_list(&e->objects[i], (ListWhich)w) &&
                     !under_listed_table(e, &e->objects[i]);
            if (!n)
                continue;
            uint32_t put = 0;
            for (uint32_t i = 0; i < e->nobjects; i++) {
                const HistObject *o = &e->objects[i];
                if (o->kind != kind || !in_list(o, (ListWhich)w) || under_listed_table(e, o))
                    continue;
                if (shown == max) {
                    more++;
                    continue;
                }
                if (!section)
                    sqlbuf_puts(&b, b.len ? ". " : ""), sqlbuf_puts(&b, HEAD[w]), section = true;
                else if (!put)
                    sqlbuf_puts(&b, "; ");
                if (!put)
                    sqlbuf_printf(&b, "%s ", n == 1 ? KIND_ONE[kind] : KIND_MANY[kind]);
                else
                    sqlbuf_puts(&b, ", ");
                put_label(&b, o);
                if (o->detail)
                    sqlbuf_printf(&b, " (%s)", o->detail);
                put++;
                shown++;
            }
        }
    }
    if (more)
        sqlbuf_printf(&b, " and %u more", more);
    const char *out = arena_strdup(a, b.ptr ? b.ptr : "");
    sqlbuf_free(&b);
    return out;
}

static void decide_verdict(HistoryReport *r)
{
    r->consistent = true;
    r->diverges_at = -1;
    for (uint32_t i = 0; i < r->count; i++) {
        MigrationEntry *e = &r->entries[i];
        const char *why = NULL;
        if (e->status == MSTATUS_MISSING_FROM_FOLDER) {
            why = arena_sprintf(&r->arena, "recorded as %s, but %s has no such migration: the folder cannot "
                                           "reproduce what it did",
                                e->row && e->row->state == ROW_FAILED ? "started" : "applied", r->dir.path);
        } else if (recorded_applied(e->status) && e->replay_error) {
            why = arena_sprintf(&r->arena, "it cannot be replayed: %s", e->replay_error);
        } else if (recorded_applied(e->status) && e->nmissing > 0) {
            why = first_problem(&r->arena, e, true);
        } else if (!recorded_applied(e->status) && e->npresent > 0) {
            why = arena_sprintf(&r->arena, "it is %s, yet the database has what it makes: %s",
                                e->status == MSTATUS_PENDING ? "not recorded" : "not recorded as applied",
                                first_problem(&r->arena, e, false));
        }
        if (why) {
            e->diverges = true;
            e->why = why;
            if (r->consistent) {
                r->consistent = false;
                r->diverges_at = (int32_t)i;
            }
        }
    }
}

/* The tables a migration's objects belong to or reference. */
static bool touches_table(const MigrationEntry *e, Str ns, Str table, const char **how)
{
    for (uint32_t i = 0; i < e->nobjects; i++) {
        const HistObject *o = &e->objects[i];
        if (o->kind == HOBJ_ENUM || !str_eq(o->namespace, ns))
            continue;
        if (str_eq(o->table, table)) {
            *how = o->change == HCHANGE_CREATED && o->kind == HOBJ_TABLE ? "creates"
                   : o->change == HCHANGE_DROPPED && o->kind == HOBJ_TABLE ? "drops"
                                                                           : "alters";
            return true;
        }
        if (o->kind == HOBJ_FOREIGN_KEY && str_eq(o->referenced_table, table)) {
            *how = "references";
            return true;
        }
    }
    return false;
}

static const char *name_list(HistoryReport *r, const uint32_t *idx, uint32_t n)
{
    SqlBuf b = {0};
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            sqlbuf_puts(&b, " ");
        sqlbuf_putstr(&b, r->entries[idx[i]].name);
    }
    const char *s = arena_strdup(&r->arena, b.ptr ? b.ptr : "");
    sqlbuf_free(&b);
    return s;
}

static const char *version_list(HistoryReport *r, const uint32_t *idx, uint32_t n)
{
    SqlBuf b = {0};
    for (uint32_t i = 0; i < n; i++) {
        const MigrationEntry *e = &r->entries[idx[i]];
        Str v = e->file >= 0 ? r->dir.items[e->file].version : e->row ? e->row->version : e->name;
        if (i)
            sqlbuf_puts(&b, " ");
        sqlbuf_putstr(&b, v);
    }
    const char *s = arena_strdup(&r->arena, b.ptr ? b.ptr : "");
    sqlbuf_free(&b);
    return s;
}

/* Before anything is deployed: what makes a migration fail. */
static void step_fixes(HistoryReport *r)
{
    if (r->lock_mismatch) {
        NEXT_STEP(r, "the folder was written for %.*s: generate the migrations for %s (`prisma migrate diff "
                     "--from-empty --to-schema-datamodel SCHEMA --script`) or point it at a %.*s database",
                  (int)r->dir.lock_provider.len, r->dir.lock_provider.ptr,
                  r->flavour == SQL_POSTGRES ? "PostgreSQL" : "SQLite", (int)r->dir.lock_provider.len,
                  r->dir.lock_provider.ptr);
        return;
    }
    for (uint32_t i = 0; i < r->count; i++) {
        const MigrationEntry *e = &r->entries[i];
        if (e->replay_error && !recorded_applied(e->status)) {
            NEXT_STEP(r, "fix %.*s, which fails: %s", (int)e->name.len, e->name.ptr, e->replay_error);
            break;
        }
        if (e->status == MSTATUS_ROLLED_BACK && e->npresent == 0 && e->log)
            NEXT_STEP(r, "remove what made %.*s fail (%s), or it fails again", (int)e->name.len, e->name.ptr, e->log);
    }
}

static void explain(HistoryReport *r)
{
    bool supabase = r->history.kind == HISTORY_SUPABASE;
    uint32_t *pend = arena_alloc(&r->arena, (r->count + 1) * sizeof *pend), npend = 0;
    uint32_t *phantoms = arena_alloc(&r->arena, (r->count + 1) * sizeof *phantoms), nphantoms = 0;
    uint32_t *by_hand = arena_alloc(&r->arena, (r->count + 1) * sizeof *by_hand), nby_hand = 0;
    uint32_t *to_apply = arena_alloc(&r->arena, (r->count + 1) * sizeof *to_apply), nto_apply = 0;
    int32_t first_failed = -1, last_applied = -1;
    for (uint32_t i = 0; i < r->count; i++) {
        const MigrationEntry *e = &r->entries[i];
        if (e->status == MSTATUS_APPLIED || e->status == MSTATUS_MODIFIED || e->status == MSTATUS_MISSING_FROM_FOLDER)
            last_applied = (int32_t)i;
        if (e->status == MSTATUS_FAILED && first_failed < 0)
            first_failed = (int32_t)i;
    }

    if (r->lock_mismatch)
        CONSEQUENCE(r, "%s/migration_lock.toml says the migrations were written for %.*s, but the database is %s: "
                       "`prisma migrate deploy` refuses to run them (P3019)",
                    r->dir.path, (int)r->dir.lock_provider.len, r->dir.lock_provider.ptr,
                    r->flavour == SQL_POSTGRES ? "PostgreSQL" : "SQLite");

    for (uint32_t i = 0; i < r->count; i++) {
        MigrationEntry *e = &r->entries[i];
        const char *name = arena_strndup(&r->arena, e->name.ptr, e->name.len);
        switch (e->status) {
        case MSTATUS_FAILED: {
            SqlBuf later = {0};
            uint32_t nlater = 0;
            for (uint32_t j = i + 1; j < r->count; j++)
                if (r->entries[j].status == MSTATUS_PENDING || r->entries[j].status == MSTATUS_ROLLED_BACK) {
                    sqlbuf_printf(&later, "%s%.*s", nlater++ ? ", " : "", (int)r->entries[j].name.len,
                                  r->entries[j].name.ptr);
                }
            CONSEQUENCE(r, "%s failed%s%.*s%s: Prisma refuses every later deploy (P3009) until it is resolved%s%s",
                        name, e->log ? " (" : "", e->log ? (int)strlen(e->log) : 0, e->log ? e->log : "",
                        e->log ? ")" : "", nlater ? "; waiting behind it: " : "", nlater ? later.ptr : "");
            sqlbuf_free(&later);
            if (e->npresent > 0)
                CONSEQUENCE(r, "%s is half-applied (in the database: %s%s%s): running it again fails or "
                               "duplicates work; finish or undo it by hand first",
                            name, first_problem(&r->arena, e, false), e->nmissing ? "; " : "",
                            e->nmissing ? first_problem(&r->arena, e, true) : "");
            break;
        }
        case MSTATUS_PHANTOM:
            phantoms[nphantoms++] = i;
            CONSEQUENCE(r, "%s is recorded as applied, but none of its objects is in the database (%s): "
                           "%s will not run it again while it is recorded",
                        name, first_problem(&r->arena, e, true),
                        supabase ? "`supabase db push`" : "`prisma migrate deploy`");
            break;
        case MSTATUS_MODIFIED:
            if (e->diverges)
                CONSEQUENCE(r, "%s was edited after it was applied and the edit changes objects (%s): the live "
                               "database does not have what the file now says",
                            name, e->why);
            else
                CONSEQUENCE(r, "%s was edited after it was applied, but its objects are as the database has them: "
                               "the edit is harmless (comments or formatting); `prisma migrate dev` would still "
                               "ask to reset a development database",
                            name);
            break;
        case MSTATUS_MISSING_FROM_FOLDER:
            CONSEQUENCE(r, "%s is recorded in the database but has no file in %s: %s", name, r->dir.path,
                        supabase ? "`supabase db push` refuses to run until the local folder and the remote "
                                   "history agree"
                                 : "the folder can no longer rebuild this database (a new environment, "
                                   "`migrate reset` or a shadow database would miss what it did)");
            break;
        case MSTATUS_PENDING:
        case MSTATUS_ROLLED_BACK:
            if (e->npresent > 0 && e->nmissing == 0 && e->checked)
                by_hand[nby_hand++] = i;
            else if (e->npresent > 0)
                CONSEQUENCE(r, "%s is %s, yet part of it is in the database (%s): deploying it would fail", name,
                            e->status == MSTATUS_PENDING ? "pending" : "rolled back", first_problem(&r->arena, e, false));
            else
                pend[npend++] = i;
            if (e->status == MSTATUS_ROLLED_BACK)
                CONSEQUENCE(r, "%s was rolled back%s%.*s%s; the next deploy runs it again and fails again unless "
                               "the cause is fixed",
                            name, e->log ? " after it failed (" : "", e->log ? (int)strlen(e->log) : 0,
                            e->log ? e->log : "", e->log ? ")" : "");
            if (e->status == MSTATUS_PENDING && (int32_t)i < last_applied && supabase)
                CONSEQUENCE(r, "%s is older than the last applied migration: `supabase db push` skips it unless "
                               "given --include-all",
                            name);
            break;
        default: break;
        }
        if (e->replay_error && !recorded_applied(e->status))
            CONSEQUENCE(r, "%s cannot be applied: %s", name, e->replay_error);
    }

    /* pending migrations that need what a phantom should have made */
    for (uint32_t p = 0; p < r->count; p++) {
        const MigrationEntry *e = &r->entries[p];
        if (recorded_applied(e->status) || e->status == MSTATUS_MISSING_FROM_FOLDER || e->npresent > 0)
            continue;
        for (uint32_t k = 0; k < nphantoms; k++) {
            const MigrationEntry *ph = &r->entries[phantoms[k]];
            const char *how = NULL;
            const HistObject *hit = NULL;
            for (uint32_t i = 0; i < ph->nobjects && !hit; i++) {
                const HistObject *o = &ph->objects[i];
                if (o->kind == HOBJ_TABLE && o->change == HCHANGE_CREATED && o->check == HCHECK_ABSENT &&
                    touches_table(e, o->namespace, o->table, &how))
                    hit = o;
            }
            if (hit) {
                CONSEQUENCE(r, "%.*s cannot apply while %.*s is recorded but absent: it %s table %.*s, which does "
                               "not exist",
                            (int)e->name.len, e->name.ptr, (int)ph->name.len, ph->name.ptr, how, (int)hit->table.len,
                            hit->table.ptr);
                break;
            }
        }
    }

    /* what to run */
    bool blocked = false;
    for (uint32_t i = 0; i < r->count; i++) {
        const MigrationEntry *e = &r->entries[i];
        if (e->file < 0 || e->npresent > 0 || blocked)
            continue;
        if (e->replay_error && !recorded_applied(e->status)) {
            blocked = true;
            continue;
        }
        if (e->status == MSTATUS_PHANTOM || e->status == MSTATUS_FAILED || e->status == MSTATUS_ROLLED_BACK ||
            e->status == MSTATUS_PENDING)
            to_apply[nto_apply++] = i;
    }

    if (supabase) {
        if (nphantoms)
            NEXT_STEP(r, "supabase migration repair --status reverted %s", version_list(r, phantoms, nphantoms));
        if (nby_hand)
            NEXT_STEP(r, "supabase migration repair --status applied %s   (their objects are already there)",
                      version_list(r, by_hand, nby_hand));
        for (uint32_t i = 0; i < r->count; i++)
            if (r->entries[i].status == MSTATUS_MISSING_FROM_FOLDER) {
                uint32_t one = i;
                NEXT_STEP(r, "supabase migration fetch   (writes the remote history's statements into the folder; "
                             "or `supabase migration repair --status reverted %s` to forget %.*s)",
                          version_list(r, &one, 1), (int)r->entries[i].name.len, r->entries[i].name.ptr);
                break;
            }
        step_fixes(r);
        if (nto_apply) {
            bool gap = false;
            for (uint32_t k = 0; k < nto_apply; k++)
                gap = gap || (int32_t)to_apply[k] < last_applied;
            NEXT_STEP(r, "supabase db push%s   (applies %s)", gap ? " --include-all" : "",
                      name_list(r, to_apply, nto_apply));
        }
    } else {
        if (first_failed >= 0) {
            const MigrationEntry *e = &r->entries[first_failed];
            if (e->npresent > 0)
                NEXT_STEP(r, "finish %.*s by hand and run `prisma migrate resolve --applied %.*s`, or undo what it "
                             "did and run `prisma migrate resolve --rolled-back %.*s`",
                          (int)e->name.len, e->name.ptr, (int)e->name.len, e->name.ptr, (int)e->name.len,
                          e->name.ptr);
            for (uint32_t i = 0; i < r->count; i++)
                if (r->entries[i].status == MSTATUS_FAILED && r->entries[i].npresent == 0)
                    NEXT_STEP(r, "prisma migrate resolve --rolled-back %.*s", (int)r->entries[i].name.len,
                              r->entries[i].name.ptr);
        }
        if (nphantoms)
            NEXT_STEP(r, "Prisma has no command that un-records an applied migration: the repair script "
                         "(--script) marks the row%s of %s rolled back, so that `prisma migrate deploy` runs %s again",
                      nphantoms > 1 ? "s" : "", name_list(r, phantoms, nphantoms), nphantoms > 1 ? "them" : "it");
        for (uint32_t k = 0; k < nby_hand; k++)
            NEXT_STEP(r, "prisma migrate resolve --applied %.*s   (its objects are already there; check that they "
                         "match the file)",
                      (int)r->entries[by_hand[k]].name.len, r->entries[by_hand[k]].name.ptr);
        for (uint32_t i = 0; i < r->count; i++) {
            const MigrationEntry *e = &r->entries[i];
            if (e->status == MSTATUS_MODIFIED && !e->diverges)
                NEXT_STEP(r, "restore %s as it was deployed (git log -p -- %s), or accept the edit: the repair "
                             "script records the file's checksum",
                          entry_file_path(r, e), entry_file_path(r, e));
            else if (e->status == MSTATUS_MODIFIED)
                NEXT_STEP(r, "restore %s as it was deployed and put the change in a new migration "
                             "(`prismac migrations check --dir %s` prints it)",
                          entry_file_path(r, e), r->dir.path);
            else if (e->status == MSTATUS_MISSING_FROM_FOLDER)
                NEXT_STEP(r, "restore %s/%.*s from version control (git log --diff-filter=D -- %s)", r->dir.path,
                          (int)e->name.len, e->name.ptr, r->dir.path);
        }
        step_fixes(r);
        if (nto_apply && !r->lock_mismatch)
            NEXT_STEP(r, "prisma migrate deploy   (applies %s)", name_list(r, to_apply, nto_apply));
    }
    if (r->repair_actions)
        NEXT_STEP(r, "or have prismac write %s as one transaction: prismac migrations status --dir %s --db URL "
                     "--script repair.sql",
                  r->repair_complete ? "all of it" : "what it can repair", r->dir.path);
}

/* ---- the whole status ------------------------------------------------------------------------------ */

static uint32_t repair_statements(const SqlBuf *b);

static bool is_prefix(const uint32_t *order, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (order[i] != i)
            return false;
    return true;
}

static void add_stats(HistoryReport *r, const Replay *rp)
{
    r->stats.open_ms += rp->stats.open_ms;
    r->stats.apply_ms += rp->stats.apply_ms;
    r->stats.introspect_ms += rp->stats.introspect_ms;
    r->stats.introspections += rp->stats.introspections;
    r->replays++;
}

int history_status(const HistoryStatusOptions *opt, HistoryReport *r, char **err)
{
    memset(r, 0, sizeof *r);
    arena_init(&r->arena);
    double t0 = introspect_now_ms();
    r->diverges_at = r->replay_failed_at = r->applied_replay_failed_at = -1;
    r->flavour = opt->db->kind == DBURL_POSTGRES ? SQL_POSTGRES : SQL_SQLITE;
    r->database = arena_strdup(&r->arena, opt->db->masked ? opt->db->masked : "");
    if (r->flavour == SQL_POSTGRES && opt->db->schema && *opt->db->schema && strcmp(opt->db->schema, "public") != 0) {
        SqlBuf q = {0};
        sqlbuf_putc(&q, '"');
        for (const char *p = opt->db->schema; *p; p++) {
            if (*p == '"')
                sqlbuf_putc(&q, '"');
            sqlbuf_putc(&q, *p);
        }
        sqlbuf_putc(&q, '"');
        r->search_path = arena_strdup(&r->arena, q.ptr);
        sqlbuf_free(&q);
    }
    if (migrations_load(&r->arena, opt->dir, opt->layout, &r->dir, err) != MIGRATIONS_OK)
        return 2;
    if (r->dir.layout == LAYOUT_SUPABASE && r->flavour != SQL_POSTGRES) {
        *err = arena_sprintf(&r->arena, "%s holds Supabase migrations, but %s is a SQLite database", opt->dir,
                             r->database);
        return 2;
    }
    r->lock_mismatch = r->dir.layout == LAYOUT_PRISMA && r->dir.has_lock && !lock_matches(r->dir.lock_provider, r->flavour);

    IntrospectOptions io = {0};
    io.connect_timeout_s = opt->connect_timeout_s;
    if (r->flavour == SQL_POSTGRES)
        schema_list(r, opt, &io);
    DbError dberr = {0};
    SqlSchema *live = NULL;
    if (!history_read(opt->db, r->dir.layout, &io, &r->arena, &r->history, &live, &dberr)) {
        *err = arena_strdup(&r->arena, dberr.message);
        return 2;
    }
    build_entries(r);

    /* the recorded history in folder order, and the whole folder */
    uint32_t *order_a = arena_alloc(&r->arena, (r->dir.count + 1) * sizeof *order_a), na = 0;
    int32_t *entry_of_file = arena_alloc(&r->arena, (r->dir.count + 1) * sizeof *entry_of_file);
    bool any_unapplied = false;
    for (uint32_t i = 0; i < r->count; i++) {
        const MigrationEntry *e = &r->entries[i];
        if (e->file < 0)
            continue;
        entry_of_file[e->file] = (int32_t)i;
        if (recorded_applied(e->status))
            order_a[na++] = (uint32_t)e->file;
        else
            any_unapplied = true;
    }
    /* entries are in name order, files too: order_a is in folder order */
    ReplayOptions ro = {0};
    ro.flavour = r->flavour;
    ro.server = opt->shadow ? opt->shadow : opt->db;
    ro.attach = opt->shadow;
    ro.introspect = &io;
    ro.search_path = opt->db->schema;
    bool shared = is_prefix(order_a, na);
    Replay whole = {0}, applied = {0};
    int rc = 2;
    ro.snapshots = true;
    if (!replay_run(&r->dir, NULL, r->dir.count, &ro, &whole, &dberr)) {
        *err = arena_sprintf(&r->arena, "cannot replay the migrations: %s%s", dberr.message,
                             r->flavour == SQL_POSTGRES && !opt->shadow
                                 ? " (the live database's role may not create databases: give a server where it "
                                   "can with --shadow-db URL)"
                                 : "");
        goto done;
    }
    add_stats(r, &whole);
    (void)any_unapplied;
    if (!shared) {
        if (!replay_run(&r->dir, order_a, na, &ro, &applied, &dberr)) {
            *err = arena_sprintf(&r->arena, "cannot replay the applied migrations: %s", dberr.message);
            goto done;
        }
        add_stats(r, &applied);
    }
    const Replay *ra = shared ? &whole : &applied;
    StepEffects *steps_w = replay_effects(&r->arena, &whole);
    StepEffects *steps_a = shared ? steps_w : replay_effects(&r->arena, ra);
    Seq seq_w, seq_a;
    seq_init(&seq_w, &whole, steps_w, whole.applied);
    seq_init(&seq_a, ra, steps_a, na);
    ObjIndex live_ix;
    index_build(&live_ix, live);

    if (whole.failed) {
        uint32_t f = whole.applied;
        r->replay_failed_at = entry_of_file[f];
        r->replay_error = arena_strdup(&r->arena, whole.error.message);
        r->entries[entry_of_file[f]].replay_error = r->replay_error;
    }
    if (ra->failed && ra->applied < na) {
        uint32_t f = order_a[ra->applied];
        r->applied_replay_failed_at = entry_of_file[f];
        r->entries[entry_of_file[f]].replay_error = arena_strdup(&r->arena, ra->error.message);
    }
    for (uint32_t k = 0; k < na; k++) {
        MigrationEntry *e = &r->entries[entry_of_file[order_a[k]]];
        if (k < seq_a.n)
            check_applied(r, e, &seq_a, k, &live_ix);
        if (e->checked && e->nmissing > 0 && e->npresent == 0)
            e->status = MSTATUS_PHANTOM;
    }
    for (uint32_t f = 0; f < r->dir.count; f++) {
        MigrationEntry *e = &r->entries[entry_of_file[f]];
        if (!recorded_applied(e->status) && f < seq_w.n)
            check_unapplied(r, e, &seq_w, f, &seq_a.final, &live_ix);
    }
    decide_verdict(r);

    if (opt->schema && !whole.failed && lower_flavour_for(opt->schema->provider) == r->flavour) {
        const Dialect *dialect = dialect_get(r->flavour, false);
        SqlSchema *lowered = lower_schema(opt->schema, dialect);
        const SqlSchema *replayed = whole.applied ? whole.after[whole.applied - 1] : whole.before;
        char *sql = migrations_missing_sql(replayed, lowered, dialect, NULL, NULL);
        r->has_schema = true;
        r->schema_in_sync = sql == NULL;
        if (sql) {
            r->schema_migration = arena_strdup(&r->arena, sql);
            free(sql);
        }
        sql_schema_free(lowered);
    }

    r->clean = r->consistent && !r->lock_mismatch && r->replay_failed_at < 0 && (!r->has_schema || r->schema_in_sync);
    for (uint32_t i = 0; i < r->count; i++)
        r->clean = r->clean && r->entries[i].status == MSTATUS_APPLIED;
    if (r->has_schema && !r->schema_in_sync)
        CONSEQUENCE(r, "the schema has changes no migration makes: `prismac migrations check --dir %s` prints the "
                       "missing migration",
                    r->dir.path);
    SqlBuf ignore = {0};
    r->repair_complete = history_repair_script(r, &ignore);
    r->repair_actions = repair_statements(&ignore);
    sqlbuf_free(&ignore);
    explain(r);
    index_free(&live_ix);
    seq_free(&seq_w);
    seq_free(&seq_a);
    rc = 0;
done:
    replay_free(&whole);
    replay_free(&applied);
    sql_schema_free(live);
    r->total_ms = introspect_now_ms() - t0;
    return rc;
}

void history_report_free(HistoryReport *r)
{
    arena_free(&r->arena);
    memset(r, 0, sizeof *r);
}

/* ---- the repair script ------------------------------------------------------------------------------ */

static void put_literal(SqlBuf *b, const char *s, size_t n)
{
    sqlbuf_putc(b, '\'');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'')
            sqlbuf_putc(b, '\'');
        sqlbuf_putc(b, s[i]);
    }
    sqlbuf_putc(b, '\'');
}

static void put_literal_str(SqlBuf *b, Str s)
{
    put_literal(b, s.ptr ? s.ptr : "", s.len);
}

/* A comment: every line prefixed with "-- ". */
static void put_comment(SqlBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_comment(SqlBuf *b, const char *fmt, ...)
{
    char text[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        sqlbuf_puts(b, "-- ");
        sqlbuf_put(b, p, n);
        sqlbuf_putc(b, '\n');
        p += n;
        if (*p)
            p++;
    }
}

static void uuid_v4(char out[37])
{
    unsigned char u[16];
    if (RAND_bytes(u, sizeof u) != 1) {
        FILE *f = fopen("/dev/urandom", "rb");
        if (!f || fread(u, 1, sizeof u, f) != sizeof u)
            memset(u, 0x5a, sizeof u);
        if (f)
            fclose(f);
    }
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3],
             u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

static const char *now_sql(SqlFlavour f)
{
    return f == SQL_POSTGRES ? "clock_timestamp()" : "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
}

/* The statements of a migration, without its own transaction control. Returns false (and
 * writes nothing) when the script cannot run inside the repair's transaction. */
static bool put_migration(SqlBuf *b, const MigrationFile *f, SqlFlavour flavour, Str **stmts, uint32_t *nstmts,
                          Arena *a)
{
    SqlStatement *st;
    uint32_t n = migration_split_statements(a, f->sql, f->len, &st);
    *stmts = arena_alloc(a, (n + 1) * sizeof **stmts);
    *nstmts = 0;
    for (uint32_t i = 0; i < n; i++) {
        const char *p = f->sql + st[i].start;
        size_t len = st[i].end - st[i].start;
        TxnStatement t = migration_statement_txn(p, len);
        if (t == TXN_STMT_ROLLBACK)
            return false;
        if (t != TXN_STMT_NONE)
            continue;
        if (flavour == SQL_POSTGRES) {
            /* CREATE INDEX CONCURRENTLY and friends cannot run in a transaction */
            const char *c = p;
            bool concurrently = false;
            while (c + 12 <= p + len && !concurrently) {
                concurrently = strncasecmp(c, "CONCURRENTLY", 12) == 0;
                c++;
            }
            if (concurrently)
                return false;
        }
        (*stmts)[(*nstmts)++] = (Str){p, (uint32_t)len};
    }
    for (uint32_t i = 0; i < *nstmts; i++) {
        sqlbuf_putstr(b, (*stmts)[i]);
        sqlbuf_puts(b, ";\n");
    }
    return true;
}

static void put_prisma_insert(SqlBuf *b, const HistoryReport *r, const MigrationFile *f, bool run)
{
    char id[37];
    uuid_v4(id);
    sqlbuf_printf(b, "INSERT INTO %.*s (\"id\", \"checksum\", \"finished_at\", \"migration_name\", \"logs\", "
                     "\"started_at\", \"applied_steps_count\")\n    VALUES ('%s', '%s', %s, ",
                  (int)r->history.table.len, r->history.table.ptr, id, f->checksum, now_sql(r->flavour));
    put_literal_str(b, f->name);
    sqlbuf_printf(b, ", NULL, %s, %d);\n", now_sql(r->flavour), run ? 1 : 0);
}

static void put_supabase_insert(SqlBuf *b, const HistoryReport *r, const MigrationFile *f, const Str *stmts,
                                uint32_t n)
{
    bool name = !r->history.exists || r->history.supabase_has_name;
    bool statements = !r->history.exists || r->history.supabase_has_statements;
    sqlbuf_printf(b, "INSERT INTO supabase_migrations.schema_migrations (version%s%s)\n    VALUES (",
                  name ? ", name" : "", statements ? ", statements" : "");
    put_literal_str(b, f->version);
    if (name) {
        sqlbuf_puts(b, ", ");
        put_literal_str(b, f->label);
    }
    if (statements) {
        sqlbuf_puts(b, ", ARRAY[");
        for (uint32_t i = 0; i < n; i++) {
            if (i)
                sqlbuf_puts(b, ", ");
            put_literal_str(b, stmts[i]);
        }
        sqlbuf_puts(b, "]::text[]");
    }
    sqlbuf_puts(b, ");\n");
}

static void put_row_ids(SqlBuf *b, const HistoryReport *r, Str name, HistoryRowState state)
{
    bool first = true;
    for (uint32_t i = 0; i < r->history.count; i++) {
        const HistoryRow *row = &r->history.rows[i];
        if (!str_eq(row->name, name) || row->state != state)
            continue;
        sqlbuf_puts(b, first ? "" : ", ");
        put_literal_str(b, row->id);
        first = false;
    }
}

/* The history table, before the first row goes in, when the database has none yet. */
static void ensure_history(SqlBuf *b, const HistoryReport *r, bool *done)
{
    bool supabase = r->history.kind == HISTORY_SUPABASE;
    bool pg = r->flavour == SQL_POSTGRES;
    if (r->history.exists || *done)
        return;
    *done = true;
    sqlbuf_putc(b, '\n');
    put_comment(b, "The database has no history table yet: create it as %s does.",
                supabase ? "the Supabase CLI" : "Prisma");
    if (supabase)
        sqlbuf_puts(b, "CREATE SCHEMA IF NOT EXISTS supabase_migrations;\n"
                       "CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL "
                       "PRIMARY KEY, statements text[], name text);\n");
    else if (pg)
        sqlbuf_printf(b, "CREATE TABLE %.*s (\n    \"id\"                    VARCHAR(36) PRIMARY KEY NOT NULL,\n"
                         "    \"checksum\"              VARCHAR(64) NOT NULL,\n"
                         "    \"finished_at\"           TIMESTAMPTZ,\n"
                         "    \"migration_name\"        VARCHAR(255) NOT NULL,\n"
                         "    \"logs\"                  TEXT,\n"
                         "    \"rolled_back_at\"        TIMESTAMPTZ,\n"
                         "    \"started_at\"            TIMESTAMPTZ NOT NULL DEFAULT now(),\n"
                         "    \"applied_steps_count\"   INTEGER NOT NULL DEFAULT 0\n);\n",
                      (int)r->history.table.len, r->history.table.ptr);
    else
        sqlbuf_puts(b, "CREATE TABLE \"_prisma_migrations\" (\n"
                       "    \"id\"                    TEXT PRIMARY KEY NOT NULL,\n"
                       "    \"checksum\"              TEXT NOT NULL,\n"
                       "    \"finished_at\"           DATETIME,\n"
                       "    \"migration_name\"        TEXT NOT NULL,\n"
                       "    \"logs\"                  TEXT,\n"
                       "    \"rolled_back_at\"        DATETIME,\n"
                       "    \"started_at\"            DATETIME NOT NULL DEFAULT current_timestamp,\n"
                       "    \"applied_steps_count\"   INTEGER UNSIGNED NOT NULL DEFAULT 0\n);\n");
}

static bool repair_write(const HistoryReport *r, Arena *scratch, SqlBuf *b)
{
    bool complete = true, history_made = false;
    bool supabase = r->history.kind == HISTORY_SUPABASE;
    bool pg = r->flavour == SQL_POSTGRES;
        put_comment(b, "Repair of the migration history of %s,\n"
                   "written by `prismac migrations status` for the folder %s (%s layout).\n"
                   "One transaction: review it, then run it as it is (psql -v ON_ERROR_STOP=1 -f FILE / sqlite3 DB < "
                   "FILE);\n"
                   "if any statement fails, nothing changes. Every existing row is kept.",
                r->database, r->dir.path, migrations_layout_name(r->dir.layout));
    if (r->clean) {
        put_comment(b, "Nothing to repair: every migration is applied and the database is what they make.");
        sqlbuf_puts(b, "BEGIN;\nCOMMIT;\n");
        return true;
    }
    if (!pg) {
        put_comment(b, "Foreign keys off outside the transaction (inside one SQLite ignores the pragma): table\n"
                       "rebuilds in the migrations must not cascade their implicit deletes. Prisma does the same.");
        sqlbuf_puts(b, "PRAGMA foreign_keys=OFF;\n");
    }
    sqlbuf_puts(b, "BEGIN;\n");
    if (pg && r->search_path) {
        put_comment(b, "Unqualified names go to the schema of the URL's ?schema=, as Prisma's connection has them.");
        sqlbuf_printf(b, "SET LOCAL search_path TO %s;\n", r->search_path);
    }
    if (r->lock_mismatch) {
        put_comment(b, "\nNOT REPAIRED: migration_lock.toml says %.*s; the migrations cannot run on this database.\n"
                       "Generate migrations for it (prisma migrate diff --from-empty ...) instead.",
                    (int)r->dir.lock_provider.len, r->dir.lock_provider.ptr);
        complete = false;
    }
    /* 1. the rows */
    uint32_t part = 0;
    for (uint32_t i = 0; i < r->count; i++) {
        const MigrationEntry *e = &r->entries[i];
        int n = (int)e->name.len;
        const char *name = e->name.ptr;
        if (e->status == MSTATUS_FAILED && e->npresent == 0 && e->file >= 0) {
            sqlbuf_putc(b, '\n');
            put_comment(b, "%u. %.*s failed%s%.*s%s. Nothing of it is in the database: mark its row rolled back,\n"
                           "   as `prisma migrate resolve --rolled-back %.*s` does; it is applied again below.",
                        ++part, n, name, e->log ? " (" : "", e->log ? (int)strlen(e->log) : 0, e->log ? e->log : "",
                        e->log ? ")" : "", n, name);
            sqlbuf_printf(b, "UPDATE %.*s SET \"rolled_back_at\" = %s WHERE \"id\" IN (", (int)r->history.table.len,
                          r->history.table.ptr, now_sql(r->flavour));
            put_row_ids(b, r, e->name, ROW_FAILED);
            sqlbuf_puts(b, ");\n");
        } else if (e->status == MSTATUS_FAILED) {
            sqlbuf_putc(b, '\n');
            put_comment(b, "%u. NOT REPAIRED: %.*s failed half-way (%s is in the database).\n"
                           "   Finish it by hand and run `prisma migrate resolve --applied %.*s`, or undo it and run\n"
                           "   `prisma migrate resolve --rolled-back %.*s`; later migrations wait behind it.",
                        ++part, n, name, first_problem(scratch, e, false), n, name, n, name);
            complete = false;
        } else if (e->status == MSTATUS_PHANTOM) {
            sqlbuf_putc(b, '\n');
            if (supabase) {
                put_comment(b, "%u. %.*s is recorded but none of its objects exists (%s):\n"
                               "   remove its row, as `supabase migration repair --status reverted %.*s` does; it is "
                               "applied again below.",
                            ++part, n, name, first_problem(scratch, e, true), (int)r->dir.items[e->file].version.len,
                            r->dir.items[e->file].version.ptr);
                sqlbuf_puts(b, "DELETE FROM supabase_migrations.schema_migrations WHERE version = ");
                put_literal_str(b, r->dir.items[e->file].version);
                sqlbuf_puts(b, ";\n");
            } else {
                put_comment(b, "%u. %.*s is recorded as applied but none of its objects exists (%s):\n"
                               "   mark its row rolled back (kept, as `prisma migrate resolve --rolled-back` keeps "
                               "rows); it is applied again below.",
                            ++part, n, name, first_problem(scratch, e, true));
                sqlbuf_printf(b, "UPDATE %.*s SET \"rolled_back_at\" = %s WHERE \"id\" IN (",
                              (int)r->history.table.len, r->history.table.ptr, now_sql(r->flavour));
                put_row_ids(b, r, e->name, ROW_APPLIED);
                sqlbuf_puts(b, ");\n");
            }
        } else if (e->status == MSTATUS_MODIFIED && !e->diverges) {
            sqlbuf_putc(b, '\n');
            put_comment(b, "%u. %.*s was edited after it was applied, but its objects are as the database has them:\n"
                           "   record the file's checksum (or restore the file as deployed and drop this statement).",
                        ++part, n, name);
            sqlbuf_printf(b, "UPDATE %.*s SET \"checksum\" = '%s' WHERE \"id\" = ", (int)r->history.table.len,
                          r->history.table.ptr, r->dir.items[e->file].checksum);
            put_literal_str(b, e->row->id);
            sqlbuf_puts(b, ";\n");
        } else if (e->status == MSTATUS_MODIFIED || (e->status == MSTATUS_APPLIED && e->diverges)) {
            sqlbuf_putc(b, '\n');
            put_comment(b, "%u. NOT REPAIRED: %.*s %s, and the database departs from it: %s.\n"
                           "   Restore the file as deployed and put the change in a new migration\n"
                           "   (`prismac migrations check --dir %s` prints it).",
                        ++part, n, name, e->status == MSTATUS_MODIFIED ? "was edited after it was applied" : "is applied",
                        e->why ? e->why : "", r->dir.path);
            complete = false;
        } else if (e->status == MSTATUS_MISSING_FROM_FOLDER) {
            sqlbuf_putc(b, '\n');
            if (supabase && e->row && e->row->has_statements)
                put_comment(b, "%u. NOT REPAIRED: %.*s is recorded but has no file; its %u recorded statement%s can "
                               "restore it\n   (`supabase migration fetch`).",
                            ++part, n, name, e->row->nstatements, e->row->nstatements == 1 ? "" : "s");
            else
                put_comment(b, "%u. NOT REPAIRED: %.*s is recorded but has no file in %s: restore it from version "
                               "control.",
                            ++part, n, name, r->dir.path);
            complete = false;
        } else if ((e->status == MSTATUS_PENDING || e->status == MSTATUS_ROLLED_BACK) && e->npresent > 0 &&
                   e->nmissing == 0 && e->checked) {
            sqlbuf_putc(b, '\n');
            if (supabase) {
                put_comment(b, "%u. %.*s is not recorded, but all its objects are in the database (applied by hand):\n"
                               "   record it without running it, as `supabase migration repair --status applied %.*s` "
                               "does.",
                            ++part, n, name, (int)r->dir.items[e->file].version.len,
                            r->dir.items[e->file].version.ptr);
                Str *stmts;
                uint32_t ns;
                SqlBuf ignore = {0};
                put_migration(&ignore, &r->dir.items[e->file], r->flavour, &stmts, &ns, scratch);
                sqlbuf_free(&ignore);
                ensure_history(b, r, &history_made);
                put_supabase_insert(b, r, &r->dir.items[e->file], stmts, ns);
            } else {
                put_comment(b, "%u. %.*s is not recorded, but all its objects are in the database (applied by hand):\n"
                               "   record it without running it, as `prisma migrate resolve --applied %.*s` does.",
                            ++part, n, name, n, name);
                ensure_history(b, r, &history_made);
                put_prisma_insert(b, r, &r->dir.items[e->file], false);
            }
        } else if ((e->status == MSTATUS_PENDING || e->status == MSTATUS_ROLLED_BACK) && e->npresent > 0) {
            sqlbuf_putc(b, '\n');
            put_comment(b, "%u. NOT REPAIRED: %.*s is %s, yet part of it is in the database (%s):\n"
                           "   finish it by hand and record it, or undo that part, before deploying.",
                        ++part, n, name, e->status == MSTATUS_PENDING ? "pending" : "rolled back",
                        first_problem(scratch, e, false));
            complete = false;
        }
    }

    /* 2. what to apply, in folder order */
    bool stop = r->lock_mismatch;
    for (uint32_t i = 0; i < r->count && !stop; i++) {
        const MigrationEntry *e = &r->entries[i];
        bool apply = e->file >= 0 && e->npresent == 0 &&
                     (e->status == MSTATUS_PHANTOM || e->status == MSTATUS_FAILED ||
                      e->status == MSTATUS_ROLLED_BACK || e->status == MSTATUS_PENDING);
        if (e->status == MSTATUS_FAILED && e->npresent > 0) {
            stop = true;    /* Prisma would not deploy past it */
            continue;
        }
        if (!apply)
            continue;
        const MigrationFile *f = &r->dir.items[e->file];
        if (e->replay_error) {
            sqlbuf_putc(b, '\n');
            put_comment(b, "%u. NOT APPLIED: %s fails: %s\n   Fix it; nothing after it is applied either.", ++part,
                        f->path, e->replay_error);
            complete = false;
            break;
        }
        sqlbuf_putc(b, '\n');
        put_comment(b, "%u. Apply %.*s (%s)%s, then record it as %s does.", ++part, (int)e->name.len, e->name.ptr,
                    f->path,
                    e->status == MSTATUS_ROLLED_BACK && e->log
                        ? arena_sprintf(scratch, ";\n   it failed before (%s): fix that cause first or this "
                                                 "script fails as a whole",
                                        e->log)
                        : "",
                    supabase ? "the Supabase CLI" : "`prisma migrate deploy`");
        Str *stmts;
        uint32_t ns;
        SqlBuf body = {0};
        if (!put_migration(&body, f, r->flavour, &stmts, &ns, scratch)) {
            put_comment(b, "   NOT APPLIED: it controls its own transaction (ROLLBACK) or uses CONCURRENTLY, which\n"
                           "   cannot run inside this script's transaction; run it on its own, then record it.");
            sqlbuf_free(&body);
            complete = false;
            break;
        }
        if (body.len)
            sqlbuf_put(b, body.ptr, body.len);
        sqlbuf_free(&body);
        ensure_history(b, r, &history_made);
        if (supabase)
            put_supabase_insert(b, r, f, stmts, ns);
        else
            put_prisma_insert(b, r, f, true);
    }
    if (stop && !r->lock_mismatch)
        complete = false;
    sqlbuf_puts(b, "\nCOMMIT;\n");
    return complete;
}

bool history_repair_script(const HistoryReport *r, SqlBuf *out)
{
    Arena scratch;
    arena_init(&scratch);
    bool complete = repair_write(r, &scratch, out);
    arena_free(&scratch);
    return complete;
}

/* Statements of a repair script besides its transaction and pragmas. */
static uint32_t repair_statements(const SqlBuf *b)
{
    Arena a;
    arena_init(&a);
    SqlStatement *st;
    uint32_t n = migration_split_statements(&a, b->ptr ? b->ptr : "", b->len, &st), count = 0;
    for (uint32_t i = 0; i < n; i++) {
        const char *p = b->ptr + st[i].start;
        size_t len = st[i].end - st[i].start;
        count += migration_statement_txn(p, len) == TXN_STMT_NONE && !(len >= 6 && strncasecmp(p, "PRAGMA", 6) == 0) &&
                 !(len >= 3 && strncasecmp(p, "SET", 3) == 0);
    }
    arena_free(&a);
    return count;
}
