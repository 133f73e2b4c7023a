/* Semantic comparison of two resolved schemas. Everything is matched by name (models, fields,
 * enums, values) or by content (indexes by kind and columns), so order and formatting never
 * matter; each side's values are rendered canonically before they are compared. */
#include "prismac/compare.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct Cmp {
    const Db *a, *b;
    const char *la, *lb;    /* how messages name A and B */
    Arena *arena;
    CompareResult *out;
} Cmp;

#define NO_SPAN ((Span){UINT32_MAX, 0, 0})

static const char *cstr(Arena *arena, Str s)
{
    return arena_strndup(arena, s.ptr ? s.ptr : "", s.len);
}

static CompareFinding *add_finding(Cmp *c, CompareSeverity sev, CompareSide side, const char *kind, Str model,
                                   Str member, Span a_span, Span b_span, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));

static CompareFinding *add_finding(Cmp *c, CompareSeverity sev, CompareSide side, const char *kind, Str model,
                                   Str member, Span a_span, Span b_span, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *message = "";
    for (const char *p = buf; *p;) {
        const char *m = strstr(p, "@A@"), *n = strstr(p, "@B@");
        const char *next = m && (!n || m < n) ? m : n;
        if (!next) {
            message = arena_sprintf(c->arena, "%s%s", message, p);
            break;
        }
        message = arena_sprintf(c->arena, "%s%.*s%s", message, (int)(next - p), p, next == m ? c->la : c->lb);
        p = next + 3;
    }
    CompareFinding f = {0};
    f.severity = sev;
    f.side = side;
    f.kind = kind;
    f.model = model;
    f.member = member;
    f.message = message;
    f.a_span = a_span;
    f.b_span = b_span;
    ARENA_PUSH(c->arena, c->out->items, c->out->count, c->out->cap, f);
    if (sev == CMP_DIFFERENCE)
        c->out->differences++;
    else
        c->out->infos++;
    return &c->out->items[c->out->count - 1];
}

static void set_values(CompareFinding *f, const char *a, const char *b)
{
    f->a_value = a;
    f->b_value = b;
}

/* ---- canonical renderings ----------------------------------------------------------------- */

static bool provider_has_native_types(DbProvider p)
{
    return p == PROVIDER_POSTGRESQL;
}

static const char *type_text(const Db *db, const DbField *f, Arena *arena)
{
    const char *base;
    switch (f->kind) {
    case DBF_SCALAR: base = db_scalar_name(f->scalar); break;
    case DBF_ENUM: base = cstr(arena, db->enums[f->type_id].name); break;
    case DBF_RELATION:
    case DBF_COMPOSITE: base = cstr(arena, db->models[f->type_id].name); break;
    case DBF_UNSUPPORTED:
        base = arena_sprintf(arena, "Unsupported(\"%.*s\")", (int)f->ast->type.name.len, f->ast->type.name.ptr);
        break;
    default: base = "?"; break;
    }
    const char *suffix = f->arity == ARITY_OPTIONAL ? "?" : f->arity == ARITY_LIST ? "[]" : "";
    return arena_sprintf(arena, "%s%s", base, suffix);
}

/* A number without insignificant zeros: 2.0 -> 2, 01.50 -> 1.5, -0 -> 0. */
static void number_canonical(Str in, char *out, size_t cap)
{
    size_t n = 0;
    uint32_t i = 0;
    bool neg = in.len && in.ptr[0] == '-';
    if (neg)
        i++;
    while (i + 1 < in.len && in.ptr[i] == '0' && in.ptr[i + 1] != '.')
        i++;
    uint32_t dot = i;
    while (dot < in.len && in.ptr[dot] != '.')
        dot++;
    uint32_t end = in.len;
    if (dot < in.len) {
        while (end > dot + 1 && in.ptr[end - 1] == '0')
            end--;
        if (end == dot + 1)
            end = dot;
    }
    bool zero = true;
    for (uint32_t k = i; k < end; k++)
        if (in.ptr[k] != '0' && in.ptr[k] != '.')
            zero = false;
    if (neg && !zero && n < cap - 1)
        out[n++] = '-';
    for (uint32_t k = i; k < end && n < cap - 1; k++)
        out[n++] = in.ptr[k];
    out[n] = '\0';
}

static void expr_canonical(const Expr *e, Arena *arena, char **out)
{
    switch (e->kind) {
    case EXPR_STRING: {
        /* re-escaped, so that "\u00e9" and "é" compare equal */
        size_t cap = (size_t)e->value.len * 2 + 3, n = 0;
        char *s = arena_alloc(arena, cap);
        s[n++] = '"';
        for (uint32_t i = 0; i < e->value.len; i++) {
            char ch = e->value.ptr[i];
            if (ch == '"' || ch == '\\')
                s[n++] = '\\';
            s[n++] = ch;
        }
        s[n++] = '"';
        *out = s;
        return;
    }
    case EXPR_NUMBER: {
        char buf[128];
        number_canonical(e->text, buf, sizeof buf);
        *out = arena_strdup(arena, buf);
        return;
    }
    case EXPR_CONSTANT:
        *out = (char *)cstr(arena, e->text);
        return;
    case EXPR_CALL: {
        char *s = arena_sprintf(arena, "%.*s(", (int)e->text.len, e->text.ptr);
        for (uint32_t i = 0; e->args && i < e->args->count; i++) {
            char *v = "";
            if (e->args->items[i].value)
                expr_canonical(e->args->items[i].value, arena, &v);
            s = arena_sprintf(arena, "%s%s%s%.*s%s%s", s, i ? ", " : "", "", (int)e->args->items[i].name.len,
                              e->args->items[i].name.ptr, e->args->items[i].name.len ? ": " : "", v);
        }
        *out = arena_sprintf(arena, "%s)", s);
        return;
    }
    case EXPR_OBJECT: {
        char *s = "{";
        for (uint32_t i = 0; e->args && i < e->args->count; i++) {
            char *v = "";
            if (e->args->items[i].value)
                expr_canonical(e->args->items[i].value, arena, &v);
            s = arena_sprintf(arena, "%s%s%.*s: %s", s, i ? ", " : " ", (int)e->args->items[i].name.len,
                              e->args->items[i].name.ptr, v);
        }
        *out = arena_sprintf(arena, "%s }", s);
        return;
    }
    case EXPR_ARRAY: {
        char *s = "[";
        for (uint32_t i = 0; i < e->count; i++) {
            char *v;
            expr_canonical(e->items[i], arena, &v);
            s = arena_sprintf(arena, "%s%s%s", s, i ? ", " : "", v);
        }
        *out = arena_sprintf(arena, "%s]", s);
        return;
    }
    }
    *out = "?";
}

/* The default as a canonical string; NULL when there is none. */
static const char *default_text(const DbDefault *d, Arena *arena)
{
    switch (d->kind) {
    case DBDEF_NONE: return NULL;
    case DBDEF_VALUE: {
        char *s = "?";
        if (d->expr)
            expr_canonical(d->expr, arena, &s);
        return s;
    }
    case DBDEF_AUTOINCREMENT: return "autoincrement()";
    case DBDEF_NOW: return "now()";
    case DBDEF_UUID: return d->version && d->version != 4 ? arena_sprintf(arena, "uuid(%u)", d->version) : "uuid()";
    case DBDEF_CUID: return d->version == 2 ? "cuid(2)" : "cuid()";
    case DBDEF_NANOID: return d->version ? arena_sprintf(arena, "nanoid(%u)", d->version) : "nanoid()";
    case DBDEF_ULID: return "ulid()";
    case DBDEF_DBGENERATED:
        return d->text.len ? arena_sprintf(arena, "dbgenerated(\"%.*s\")", (int)d->text.len, d->text.ptr)
                           : "dbgenerated()";
    case DBDEF_AUTO:
    case DBDEF_UNKNOWN_FUNCTION:
        break;   /* invalid schemas are not compared */
    }
    /* auto() and unknown functions make a schema invalid; compare what was written */
    char *s = "?";
    if (d->expr)
        expr_canonical(d->expr, arena, &s);
    return s;
}

/* The default as the user wrote it, for messages. */
static const char *default_written(const DbDefault *d, const Db *db, Arena *arena)
{
    if (d->attr && d->attr->args && d->attr->args->count && d->attr->args->items[0].value) {
        Str s = ast_span_text(db->ast, d->attr->args->items[0].value->span);
        return cstr(arena, s);
    }
    return default_text(d, arena);
}

static const char *native_text(const DbNativeType *n, const Db *db, Arena *arena)
{
    if (!n->name.len)
        return NULL;
    if (n->attr)
        return cstr(arena, ast_span_text(db->ast, n->attr->span));
    return arena_sprintf(arena, "@db.%.*s", (int)n->name.len, n->name.ptr);
}

static Span field_span(const DbField *f)
{
    return f->ast ? f->ast->span : NO_SPAN;
}

static Span block_span(const Block *b)
{
    return b ? (Span){b->span.file, b->span.start, b->open_brace.end} : NO_SPAN;
}

static bool strs_equal(const char *x, const char *y)
{
    if (!x || !y)
        return x == y;
    return strcmp(x, y) == 0;
}

static const char *action_name(DbRefAction a)
{
    switch (a) {
    case DBACT_CASCADE: return "Cascade";
    case DBACT_RESTRICT: return "Restrict";
    case DBACT_NO_ACTION: return "NoAction";
    case DBACT_SET_NULL: return "SetNull";
    case DBACT_SET_DEFAULT: return "SetDefault";
    case DBACT_UNSET: break;
    }
    return "(default)";
}

/* Messages name the sides with the markers @A@ and @B@, replaced by the labels. */
static const char *side_name(CompareSide s)
{
    return s == SIDE_A_ONLY ? "@A@" : "@B@";
}

/* ---- fields --------------------------------------------------------------------------------- */

static const char *relation_text(const Db *db, const DbField *f, Arena *arena)
{
    if (f->relation == DB_NONE)
        return "";
    const DbRelation *r = &db->relations[f->relation];
    char *s = arena_sprintf(arena, "%.*s", (int)r->name.len, r->name.ptr);
    bool referencing = r->kind != DBREL_MANY_TO_MANY && r->field_a == (uint32_t)(f - db->fields);
    if (referencing && r->nfk) {
        char *fields = "", *refs = "";
        for (uint32_t i = 0; i < r->nfk; i++) {
            const DbFkPair *p = &db->fk_pairs[r->first_fk + i];
            fields = arena_sprintf(arena, "%s%s%.*s", fields, i ? ", " : "", (int)db->fields[p->field].name.len,
                                   db->fields[p->field].name.ptr);
            refs = arena_sprintf(arena, "%s%s%.*s", refs, i ? ", " : "", (int)db->fields[p->references].name.len,
                                 db->fields[p->references].name.ptr);
        }
        s = arena_sprintf(arena, "%s fields: [%s], references: [%s]", s, fields, refs);
    }
    return s;
}

static void compare_relation_fields(Cmp *c, const DbModel *ma, const DbField *fa, const DbField *fb, Str model)
{
    const Db *a = c->a, *b = c->b;
    Arena *ar = c->arena;
    const char *ra = relation_text(a, fa, ar), *rb = relation_text(b, fb, ar);
    if (!strs_equal(ra, rb))
        set_values(add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, "relation", model, fa->name, field_span(fa),
                               field_span(fb), "relation of `%.*s.%.*s` differs: %s in @A@, %s in @B@",
                               (int)ma->name.len, ma->name.ptr, (int)fa->name.len, fa->name.ptr,
                               *ra ? ra : "(unnamed)", *rb ? rb : "(unnamed)"),
                   ra, rb);
    if (fa->relation == DB_NONE || fb->relation == DB_NONE)
        return;
    const DbRelation *rela = &a->relations[fa->relation], *relb = &b->relations[fb->relation];
    bool a_ref = rela->kind != DBREL_MANY_TO_MANY && rela->field_a == (uint32_t)(fa - a->fields);
    bool b_ref = relb->kind != DBREL_MANY_TO_MANY && relb->field_a == (uint32_t)(fb - b->fields);
    if (!a_ref || !b_ref)
        return;
    DbRefAction da = db_relation_on_delete(a, rela), db_ = db_relation_on_delete(b, relb);
    DbRefAction ua = db_relation_on_update(a, rela), ub = db_relation_on_update(b, relb);
    if (da != db_)
        set_values(add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, "onDelete", model, fa->name, field_span(fa),
                               field_span(fb), "onDelete of `%.*s.%.*s` differs: %s in @A@, %s in @B@",
                               (int)ma->name.len, ma->name.ptr, (int)fa->name.len, fa->name.ptr, action_name(da),
                               action_name(db_)),
                   action_name(da), action_name(db_));
    if (ua != ub)
        set_values(add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, "onUpdate", model, fa->name, field_span(fa),
                               field_span(fb), "onUpdate of `%.*s.%.*s` differs: %s in @A@, %s in @B@",
                               (int)ma->name.len, ma->name.ptr, (int)fa->name.len, fa->name.ptr, action_name(ua),
                               action_name(ub)),
                   action_name(ua), action_name(ub));
    if (!str_eq(rela->map, relb->map))
        add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, "relation map", model, fa->name, field_span(fa), field_span(fb),
                    "foreign key name of `%.*s.%.*s` differs: \"%.*s\" in @A@, \"%.*s\" in @B@", (int)ma->name.len,
                    ma->name.ptr, (int)fa->name.len, fa->name.ptr, (int)rela->map.len, rela->map.ptr,
                    (int)relb->map.len, relb->map.ptr);
}

static void compare_native(Cmp *c, const DbModel *ma, const DbField *fa, const DbField *fb, Str model)
{
    Arena *ar = c->arena;
    const char *na = native_text(fa->native, c->a, ar), *nb = native_text(fb->native, c->b, ar);
    bool same = fa->native->name.len == fb->native->name.len && str_eq(fa->native->name, fb->native->name) &&
                fa->native->nargs == fb->native->nargs &&
                memcmp(fa->native->args, fb->native->args, sizeof fa->native->args[0] * fa->native->nargs) == 0;
    if (same)
        return;
    bool both_can = provider_has_native_types(c->a->provider) && provider_has_native_types(c->b->provider);
    const char *where = na && !nb ? "@A@" : !na && nb ? "@B@" : NULL;
    CompareFinding *f;
    if (both_can) {
        f = add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, "native type", model, fa->name, field_span(fa), field_span(fb),
                        "native type of `%.*s.%.*s` differs: %s in @A@, %s in @B@", (int)ma->name.len, ma->name.ptr,
                        (int)fa->name.len, fa->name.ptr, na ? na : "(none)", nb ? nb : "(none)");
    } else if (where) {
        DbProvider lacking = na ? c->b->provider : c->a->provider;
        f = add_finding(c, CMP_INFO, na ? SIDE_A_ONLY : SIDE_B_ONLY, "native type", model, fa->name, field_span(fa), field_span(fb),
                        "native type %s of `%.*s.%.*s` only in %s (%s cannot express it)", na ? na : nb,
                        (int)ma->name.len, ma->name.ptr, (int)fa->name.len, fa->name.ptr, where,
                        db_provider_name(lacking));
    } else {
        f = add_finding(c, CMP_INFO, SIDE_BOTH, "native type", model, fa->name, field_span(fa), field_span(fb),
                        "native type of `%.*s.%.*s`: %s in @A@, %s in @B@", (int)ma->name.len, ma->name.ptr,
                        (int)fa->name.len, fa->name.ptr, na ? na : "(none)", nb ? nb : "(none)");
    }
    set_values(f, na, nb);
}

static void compare_field(Cmp *c, const DbModel *ma, const DbField *fa, const DbField *fb)
{
    Arena *ar = c->arena;
    Str model = ma->name;
    const char *ta = type_text(c->a, fa, ar), *tb = type_text(c->b, fb, ar);
    if (!strs_equal(ta, tb))
        set_values(add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, fa->arity != fb->arity ? "arity" : "type", model,
                               fa->name, field_span(fa), field_span(fb), "type of `%.*s.%.*s` differs: %s in @A@, %s in @B@",
                               (int)ma->name.len, ma->name.ptr, (int)fa->name.len, fa->name.ptr, ta, tb),
                   ta, tb);
    if (!str_eq(fa->db_name, fb->db_name))
        add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, "map", model, fa->name, field_span(fa), field_span(fb),
                    "column name of `%.*s.%.*s` differs: \"%.*s\" in @A@, \"%.*s\" in @B@", (int)ma->name.len, ma->name.ptr,
                    (int)fa->name.len, fa->name.ptr, (int)fa->db_name.len, fa->db_name.ptr, (int)fb->db_name.len,
                    fb->db_name.ptr);
    const char *da = default_text(fa->def, ar), *db_ = default_text(fb->def, ar);
    if (!strs_equal(da, db_)) {
        const char *wa = da ? default_written(fa->def, c->a, ar) : NULL;
        const char *wb = db_ ? default_written(fb->def, c->b, ar) : NULL;
        set_values(add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, "default", model, fa->name, field_span(fa), field_span(fb),
                               "default of `%.*s.%.*s` differs: %s in @A@, %s in @B@", (int)ma->name.len, ma->name.ptr,
                               (int)fa->name.len, fa->name.ptr, wa ? wa : "(none)", wb ? wb : "(none)"),
                   wa, wb);
    }
    if (fa->updated_at != fb->updated_at)
        add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, "updatedAt", model, fa->name, field_span(fa), field_span(fb),
                    "`%.*s.%.*s` has @updatedAt only in %s", (int)ma->name.len, ma->name.ptr, (int)fa->name.len,
                    fa->name.ptr, fa->updated_at ? "@A@" : "@B@");
    if (fa->ignored != fb->ignored)
        add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, "ignore", model, fa->name, field_span(fa), field_span(fb),
                    "`%.*s.%.*s` has @ignore only in %s", (int)ma->name.len, ma->name.ptr, (int)fa->name.len,
                    fa->name.ptr, fa->ignored ? "@A@" : "@B@");
    if (fa->kind == DBF_RELATION && fb->kind == DBF_RELATION)
        compare_relation_fields(c, ma, fa, fb, model);
    if (fa->kind == DBF_SCALAR || fa->kind == DBF_ENUM)
        compare_native(c, ma, fa, fb, model);
}

/* A field present on one side only; an implicit m:n relation field brings its join table. */
static void field_only_on(Cmp *c, const Db *db, const DbModel *m, const DbField *f, CompareSide side)
{
    Arena *ar = c->arena;
    const char *t = type_text(db, f, ar);
    const char *extra = "";
    if (f->kind == DBF_RELATION && f->relation != DB_NONE && db->relations[f->relation].kind == DBREL_MANY_TO_MANY) {
        Str table = db_relation_table_name(db, &db->relations[f->relation]);
        extra = arena_sprintf(ar, ", and with it the implicit many-to-many table `%.*s`", (int)table.len, table.ptr);
    }
    add_finding(c, CMP_DIFFERENCE, side, f->kind == DBF_RELATION ? "relation field" : "field", m->name, f->name,
                side == SIDE_A_ONLY ? field_span(f) : NO_SPAN, side == SIDE_B_ONLY ? field_span(f) : NO_SPAN,
                "field `%.*s.%.*s` (%s) only in %s%s", (int)m->name.len, m->name.ptr, (int)f->name.len, f->name.ptr, t,
                side_name(side), extra);
}

/* ---- indexes ------------------------------------------------------------------------------- */

static const char *index_kind_name(DbIndexKind k)
{
    switch (k) {
    case DBIDX_PRIMARY: return "id";
    case DBIDX_UNIQUE: return "unique";
    case DBIDX_NORMAL: return "index";
    case DBIDX_FULLTEXT: return "fulltext";
    }
    return "index";
}

/* "unique(a, b DESC)" — the identity of an index: kind and columns */
static const char *index_key(const Db *db, const DbIndex *x, Arena *ar)
{
    char *s = arena_sprintf(ar, "%s(", index_kind_name(x->kind));
    for (uint32_t i = 0; i < x->nfields; i++) {
        const DbIndexField *f = &db->index_fields[x->first_field + i];
        s = arena_sprintf(ar, "%s%s%.*s", s, i ? ", " : "", (int)db->fields[f->field].name.len,
                          db->fields[f->field].name.ptr);
    }
    return arena_sprintf(ar, "%s)", s);
}

/* What else distinguishes two indexes on the same columns. */
static const char *index_details(const Db *db, const DbIndex *x, Arena *ar)
{
    char *s = "";
    for (uint32_t i = 0; i < x->nfields; i++) {
        const DbIndexField *f = &db->index_fields[x->first_field + i];
        if (f->sort == SORT_DESC)
            s = arena_sprintf(ar, "%s %.*s DESC", s, (int)db->fields[f->field].name.len, db->fields[f->field].name.ptr);
        if (f->ops.len)
            s = arena_sprintf(ar, "%s %.*s ops %.*s", s, (int)db->fields[f->field].name.len,
                              db->fields[f->field].name.ptr, (int)f->ops.len, f->ops.ptr);
        if (f->length >= 0)
            s = arena_sprintf(ar, "%s %.*s length %d", s, (int)db->fields[f->field].name.len,
                              db->fields[f->field].name.ptr, f->length);
    }
    if (x->algorithm.len && !str_eq_cstr(x->algorithm, "BTree"))
        s = arena_sprintf(ar, "%s type %.*s", s, (int)x->algorithm.len, x->algorithm.ptr);
    if (x->map.len)
        s = arena_sprintf(ar, "%s map \"%.*s\"", s, (int)x->map.len, x->map.ptr);
    if (x->name.len)
        s = arena_sprintf(ar, "%s name \"%.*s\"", s, (int)x->name.len, x->name.ptr);
    return *s ? s + 1 : s;
}

static Span index_span(const DbIndex *x)
{
    return x->attr ? x->attr->span : NO_SPAN;
}

static void model_indexes(const Db *db, const DbModel *m, const DbIndex **out, uint32_t *n)
{
    *n = 0;
    if (m->pk != DB_NONE)
        out[(*n)++] = &db->indexes[m->pk];
    for (uint32_t i = 0; i < m->nindexes; i++)
        out[(*n)++] = &db->indexes[m->first_index + i];
}

static void compare_indexes(Cmp *c, const DbModel *ma, const DbModel *mb)
{
    Arena *ar = c->arena;
    uint32_t na, nb;
    const DbIndex **xa = arena_alloc(ar, (ma->nindexes + 1) * sizeof *xa);
    const DbIndex **xb = arena_alloc(ar, (mb->nindexes + 1) * sizeof *xb);
    model_indexes(c->a, ma, xa, &na);
    model_indexes(c->b, mb, xb, &nb);
    bool *used = arena_alloc(ar, (nb + 1) * sizeof *used);
    for (uint32_t i = 0; i < na; i++) {
        const char *ka = index_key(c->a, xa[i], ar);
        uint32_t match = UINT32_MAX;
        for (uint32_t k = 0; k < nb && match == UINT32_MAX; k++)
            if (!used[k] && strcmp(ka, index_key(c->b, xb[k], ar)) == 0)
                match = k;
        if (match == UINT32_MAX) {
            add_finding(c, CMP_DIFFERENCE, SIDE_A_ONLY, index_kind_name(xa[i]->kind), ma->name, (Str){ka, (uint32_t)strlen(ka)},
                        index_span(xa[i]), NO_SPAN, "%s on `%.*s` only in @A@: @%s%s", index_kind_name(xa[i]->kind),
                        (int)ma->name.len, ma->name.ptr, xa[i]->field_level ? "" : "@", ka);
            continue;
        }
        used[match] = true;
        const char *da = index_details(c->a, xa[i], ar), *db_ = index_details(c->b, xb[match], ar);
        if (strcmp(da, db_) != 0)
            set_values(add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, index_kind_name(xa[i]->kind), ma->name,
                                   (Str){ka, (uint32_t)strlen(ka)}, index_span(xa[i]), index_span(xb[match]),
                                   "%s on `%.*s` differs: %s in @A@, %s in @B@", ka, (int)ma->name.len, ma->name.ptr,
                                   *da ? da : "(defaults)", *db_ ? db_ : "(defaults)"),
                       da, db_);
    }
    for (uint32_t k = 0; k < nb; k++)
        if (!used[k]) {
            const char *kb = index_key(c->b, xb[k], ar);
            add_finding(c, CMP_DIFFERENCE, SIDE_B_ONLY, index_kind_name(xb[k]->kind), mb->name,
                        (Str){kb, (uint32_t)strlen(kb)}, NO_SPAN, index_span(xb[k]), "%s on `%.*s` only in @B@: @%s%s",
                        index_kind_name(xb[k]->kind), (int)mb->name.len, mb->name.ptr, xb[k]->field_level ? "" : "@", kb);
        }
}

/* ---- models and enums ------------------------------------------------------------------------ */

static void compare_model(Cmp *c, const DbModel *ma, const DbModel *mb)
{
    const Db *a = c->a, *b = c->b;
    if (!str_eq(ma->db_name, mb->db_name))
        add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, "map", ma->name, (Str){0}, block_span(ma->ast), block_span(mb->ast),
                    "table name of `%.*s` differs: \"%.*s\" in @A@, \"%.*s\" in @B@", (int)ma->name.len, ma->name.ptr,
                    (int)ma->db_name.len, ma->db_name.ptr, (int)mb->db_name.len, mb->db_name.ptr);
    if (!str_eq(ma->schema, mb->schema)) {
        bool both = a->provider == PROVIDER_POSTGRESQL && b->provider == PROVIDER_POSTGRESQL;
        add_finding(c, both ? CMP_DIFFERENCE : CMP_INFO, SIDE_BOTH, "schema", ma->name, (Str){0}, block_span(ma->ast),
                    block_span(mb->ast), "@@schema of `%.*s`: \"%.*s\" in @A@, \"%.*s\" in @B@", (int)ma->name.len,
                    ma->name.ptr, (int)ma->schema.len, ma->schema.ptr, (int)mb->schema.len, mb->schema.ptr);
    }
    if (ma->ignored != mb->ignored)
        add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, "ignore", ma->name, (Str){0}, block_span(ma->ast), block_span(mb->ast),
                    "`%.*s` has @@ignore only in %s", (int)ma->name.len, ma->name.ptr, ma->ignored ? "@A@" : "@B@");
    if (ma->is_view != mb->is_view)
        add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, "view", ma->name, (Str){0}, block_span(ma->ast), block_span(mb->ast),
                    "`%.*s` is a view only in %s", (int)ma->name.len, ma->name.ptr, ma->is_view ? "@A@" : "@B@");

    for (uint32_t i = 0; i < ma->nfields; i++) {
        const DbField *fa = &a->fields[ma->first_field + i];
        uint32_t fb = db_find_field(b, (uint32_t)(mb - b->models), fa->name);
        if (fb == DB_NONE)
            field_only_on(c, a, ma, fa, SIDE_A_ONLY);
        else
            compare_field(c, ma, fa, &b->fields[fb]);
    }
    for (uint32_t i = 0; i < mb->nfields; i++) {
        const DbField *fb = &b->fields[mb->first_field + i];
        if (db_find_field(a, (uint32_t)(ma - a->models), fb->name) == DB_NONE)
            field_only_on(c, b, mb, fb, SIDE_B_ONLY);
    }
    compare_indexes(c, ma, mb);
}

static void model_only_on(Cmp *c, const Db *db, const DbModel *m, CompareSide side)
{
    add_finding(c, CMP_DIFFERENCE, side, m->is_view ? "view" : "model", m->name, (Str){0},
                side == SIDE_A_ONLY ? block_span(m->ast) : NO_SPAN, side == SIDE_B_ONLY ? block_span(m->ast) : NO_SPAN,
                "%s `%.*s` only in %s (%u field%s)", m->is_view ? "view" : "model", (int)m->name.len, m->name.ptr,
                side_name(side), m->nfields, m->nfields == 1 ? "" : "s");
    (void)db;
}

static void compare_enum(Cmp *c, const DbEnum *ea, const DbEnum *eb)
{
    const Db *a = c->a, *b = c->b;
    if (!str_eq(ea->db_name, eb->db_name))
        add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, "map", ea->name, (Str){0}, block_span(ea->ast), block_span(eb->ast),
                    "database name of enum `%.*s` differs: \"%.*s\" in @A@, \"%.*s\" in @B@", (int)ea->name.len,
                    ea->name.ptr, (int)ea->db_name.len, ea->db_name.ptr, (int)eb->db_name.len, eb->db_name.ptr);
    bool same_order = ea->nvalues == eb->nvalues;
    for (uint32_t i = 0; i < ea->nvalues; i++) {
        const DbEnumValue *va = &a->enum_values[ea->first_value + i];
        uint32_t found = UINT32_MAX;
        for (uint32_t k = 0; k < eb->nvalues && found == UINT32_MAX; k++)
            if (str_eq(b->enum_values[eb->first_value + k].name, va->name))
                found = k;
        Span sa = va->ast ? va->ast->span : NO_SPAN;
        if (found == UINT32_MAX) {
            add_finding(c, CMP_DIFFERENCE, SIDE_A_ONLY, "enum value", ea->name, va->name, sa, NO_SPAN,
                        "value `%.*s` of enum `%.*s` only in @A@", (int)va->name.len, va->name.ptr, (int)ea->name.len,
                        ea->name.ptr);
            same_order = false;
            continue;
        }
        if (found != i)
            same_order = false;
        const DbEnumValue *vb = &b->enum_values[eb->first_value + found];
        if (!str_eq(va->db_name, vb->db_name))
            add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, "map", ea->name, va->name, sa, vb->ast ? vb->ast->span : NO_SPAN,
                        "database name of `%.*s.%.*s` differs: \"%.*s\" in @A@, \"%.*s\" in @B@", (int)ea->name.len,
                        ea->name.ptr, (int)va->name.len, va->name.ptr, (int)va->db_name.len, va->db_name.ptr,
                        (int)vb->db_name.len, vb->db_name.ptr);
    }
    for (uint32_t k = 0; k < eb->nvalues; k++) {
        const DbEnumValue *vb = &b->enum_values[eb->first_value + k];
        bool found = false;
        for (uint32_t i = 0; i < ea->nvalues && !found; i++)
            found = str_eq(a->enum_values[ea->first_value + i].name, vb->name);
        if (!found) {
            add_finding(c, CMP_DIFFERENCE, SIDE_B_ONLY, "enum value", ea->name, vb->name, NO_SPAN,
                        vb->ast ? vb->ast->span : NO_SPAN, "value `%.*s` of enum `%.*s` only in @B@", (int)vb->name.len,
                        vb->name.ptr, (int)ea->name.len, ea->name.ptr);
            same_order = false;
        }
    }
    if (!same_order && ea->nvalues == eb->nvalues) {
        bool all_present = true;
        for (uint32_t i = 0; i < ea->nvalues && all_present; i++) {
            bool found = false;
            for (uint32_t k = 0; k < eb->nvalues && !found; k++)
                found = str_eq(a->enum_values[ea->first_value + i].name, b->enum_values[eb->first_value + k].name);
            all_present = found;
        }
        if (all_present)
            add_finding(c, CMP_DIFFERENCE, SIDE_BOTH, "enum order", ea->name, (Str){0}, block_span(ea->ast),
                        block_span(eb->ast), "values of enum `%.*s` are in a different order", (int)ea->name.len,
                        ea->name.ptr);
    }
}

void compare_schemas(const Db *a, const Db *b, const char *label_a, const char *label_b, Arena *arena,
                     CompareResult *out)
{
    memset(out, 0, sizeof *out);
    Cmp c = {a, b, label_a, label_b, arena, out};
    for (uint32_t i = 0; i < a->nmodels; i++) {
        const DbModel *ma = &a->models[i];
        uint32_t mb = db_find_model(b, ma->name);
        if (mb == DB_NONE)
            model_only_on(&c, a, ma, SIDE_A_ONLY);
        else
            compare_model(&c, ma, &b->models[mb]);
    }
    for (uint32_t i = 0; i < b->nmodels; i++)
        if (db_find_model(a, b->models[i].name) == DB_NONE)
            model_only_on(&c, b, &b->models[i], SIDE_B_ONLY);
    for (uint32_t i = 0; i < a->nenums; i++) {
        const DbEnum *ea = &a->enums[i];
        uint32_t eb = db_find_enum(b, ea->name);
        if (eb == DB_NONE)
            add_finding(&c, CMP_DIFFERENCE, SIDE_A_ONLY, "enum", ea->name, (Str){0}, block_span(ea->ast), NO_SPAN,
                        "enum `%.*s` only in @A@", (int)ea->name.len, ea->name.ptr);
        else
            compare_enum(&c, ea, &b->enums[eb]);
    }
    for (uint32_t i = 0; i < b->nenums; i++)
        if (db_find_enum(a, b->enums[i].name) == DB_NONE)
            add_finding(&c, CMP_DIFFERENCE, SIDE_B_ONLY, "enum", b->enums[i].name, (Str){0}, NO_SPAN,
                        block_span(b->enums[i].ast), "enum `%.*s` only in @B@", (int)b->enums[i].name.len,
                        b->enums[i].name.ptr);
}
