/* Resolution: the attribute pass. Every @ and @@ attribute of models, views, enums and
 * composite types is read here, with its arguments, in Prisma's order: first the attributes
 * of every relation field (models in file order), then each block in file order — a model's
 * scalar fields one by one, then its block attributes.
 *
 * The argument handling follows Prisma's: an attribute that may appear once is reported on
 * every occurrence when repeated; an attribute with an argument missing its value is skipped;
 * the same named argument twice keeps the last; an argument nobody asked for is reported at
 * the end ("no such argument"); an attribute nobody asked for is unknown. */
#include "resolve_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the attribute visitor --------------------------------------------------------------- */

typedef struct IndexElem {
    Str name;
    const Expr *expr;
    SortOrder sort;
    int32_t length;
    Str ops;
    bool ops_raw;
} IndexElem;

typedef struct PendingIndex {
    DbIndex idx;
    uint32_t first, n;          /* the primary key: its fields in AttrCtx.ifields */
} PendingIndex;

struct AttrCtx {
    Resolver *r;
    Attribute **attrs;
    uint32_t nattrs;
    const uint8_t *codes;       /* AttrCode per attribute of the container */
    uint8_t *codebuf;           /* scratch for them when the name pass did not record them */
    uint32_t capcodes;
    uint16_t code_count[AT_NCODES];     /* attributes with each code */
    uint16_t code_first[AT_NCODES];     /* the first of them */
    bool block;                 /* the container's attributes are @@ attributes */
    uint8_t *used;              /* per attribute of the container */
    uint32_t capused;
    const Attribute *cur;       /* the attribute being read */
    uint8_t *live;              /* per argument of cur: not yet visited (1) */
    uint8_t *argcode;           /* per argument of cur: its ArgName */
    uint32_t caplive, capargcode;
    uint32_t named;             /* bit per ArgName: a live argument of that name */
    uint32_t unnamed;           /* the live unnamed argument of cur, or DB_NONE */
    bool args_known;            /* every live argument of cur is in `named` or is `unnamed` */
    /* the model being read */
    uint32_t model;
    uint32_t npidx;             /* its indexes so far (in the resolver's arrays) */
    DbIndexField *ifields;      /* the fields of its primary key */
    uint32_t nifields, capifields;
    bool has_pk;
    PendingIndex pk;
    uint32_t pk_source_field;   /* field-level @id: the field; DB_NONE for @@id */
    bool ignored;
    IndexElem *els;             /* scratch: the elements of the field list being read */
    uint32_t capels;
    uint32_t *ids, capids;      /* scratch: their fields */
    uint32_t *maptab;           /* @map column names of the model: field ids */
    uint32_t capmaptab, mapmask;
    bool maptab_live;
};

static void *grow_slow(void *p, uint32_t *cap, uint32_t need, size_t elem)
{
    uint32_t n = *cap ? *cap : 8;
    while (n < need)
        n *= 2;
    void *q = realloc(p, (size_t)n * elem);
    if (!q) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    *cap = n;
    return q;
}

static inline void *grow(void *p, uint32_t *cap, uint32_t need, size_t elem)
{
    return need <= *cap ? p : grow_slow(p, cap, need, elem);
}

/* The same for the resolver's index arrays, megabytes on a large schema: on huge pages from a
 * megabyte on (arena_big_realloc; freed with arena_big_free and their capacity). */
static void *grow_big(void *p, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    uint32_t n = *cap ? *cap : 8;
    while (n < need)
        n *= 2;
    if ((size_t)n * elem >= 64 * 1024 && (size_t)n * elem < ARENA_BIG_FROM)
        n = (uint32_t)(ARENA_BIG_FROM / elem) + 1;     /* past 64 KiB, growing on: huge pages at once */
    p = arena_big_realloc(p, (size_t)*cap * elem, (size_t)n * elem);
    *cap = n;
    return p;
}

static const char *attr_label(const Attribute *a)
{
    return a->is_block ? "@@" : "@";
}

static char *attr_display(AttrCtx *ac, const Attribute *a)
{
    return arena_sprintf(ac->r->arena, "%s%.*s", attr_label(a), (int)a->name.len, a->name.ptr);
}

/* `codes`: the attributes' AttrCodes when the name pass computed them, else NULL. */
static void ac_begin(AttrCtx *ac, Attribute **attrs, uint32_t n, bool block, const uint8_t *codes)
{
    ac->attrs = attrs;
    ac->nattrs = n;
    ac->block = block;
    ac->used = grow(ac->used, &ac->capused, n + 1, 1);
    memset(ac->code_count, 0, sizeof ac->code_count);
    if (!codes) {
        ac->codebuf = grow(ac->codebuf, &ac->capcodes, n + 1, 1);
        for (uint32_t i = 0; i < n; i++)
            ac->codebuf[i] = attr_code(attrs[i]->name);
        codes = ac->codebuf;
    }
    ac->codes = codes;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t c = codes[i];
        ac->used[i] = 0;
        if (ac->code_count[c]++ == 0)
            ac->code_first[c] = (uint16_t)i;
    }
    ac->cur = NULL;
}

/* Reports the attributes nobody asked for. */
static void ac_end(AttrCtx *ac)
{
    for (uint32_t i = 0; i < ac->nattrs; i++)
        if (!ac->used[i]) {
            const Attribute *a = ac->attrs[i];
            diag_error(ac->r->diags, a->span, "unknown attribute `%s` here", attr_display(ac, a));
        }
    ac->attrs = NULL;
    ac->nattrs = 0;
}

/* The argument names the attribute readers ask for, coded once per argument. */
typedef enum ArgName {
    ARG_OTHER, ARG_MAP, ARG_NAME, ARG_FIELDS, ARG_REFERENCES, ARG_ON_DELETE, ARG_ON_UPDATE, ARG_SORT,
    ARG_LENGTH, ARG_CLUSTERED, ARG_WHERE, ARG_TYPE, ARG_VALUE,
} ArgName;

static uint8_t arg_name_code(Str n)
{
    const char *p = n.ptr;
    switch (n.len) {
    case 3: return !memcmp(p, "map", 3) ? ARG_MAP : ARG_OTHER;
    case 4:
        return !memcmp(p, "name", 4) ? ARG_NAME : !memcmp(p, "sort", 4) ? ARG_SORT : !memcmp(p, "type", 4) ? ARG_TYPE
                                                                                                      : ARG_OTHER;
    case 5: return !memcmp(p, "where", 5) ? ARG_WHERE : !memcmp(p, "value", 5) ? ARG_VALUE : ARG_OTHER;
    case 6: return !memcmp(p, "fields", 6) ? ARG_FIELDS : !memcmp(p, "length", 6) ? ARG_LENGTH : ARG_OTHER;
    case 8: return !memcmp(p, "onDelete", 8) ? ARG_ON_DELETE : !memcmp(p, "onUpdate", 8) ? ARG_ON_UPDATE : ARG_OTHER;
    case 9: return !memcmp(p, "clustered", 9) ? ARG_CLUSTERED : ARG_OTHER;
    case 10: return !memcmp(p, "references", 10) ? ARG_REFERENCES : ARG_OTHER;
    default: return ARG_OTHER;
    }
}

/* Arguments without a value, in the attribute and in the calls it holds (reported), and a
 * trailing comma: false when the attribute cannot be read. */
static bool ac_check_values(AttrCtx *ac, const Attribute *attr)
{
    Resolver *r = ac->r;
    bool ok = true;
    const ArgList *args = attr->args;
    uint32_t n = args ? args->count : 0;
    for (uint32_t i = 0; i < n; i++) {
        const Arg *a = &args->items[i];
        if (!a->value) {
            diag_error(r->diags, a->name_span, "the argument `%.*s` of `%s` has no value", (int)a->name.len,
                       a->name.ptr, attr_display(ac, attr));
            ok = false;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        const Expr *v = args->items[i].value;
        if (!v)
            continue;
        if (v->kind == EXPR_CALL && v->args) {
            for (uint32_t j = 0; j < v->args->count; j++)
                if (!v->args->items[j].value) {
                    diag_error(r->diags, v->args->items[j].name_span, "the argument `%.*s` of `%.*s()` has no value",
                               (int)v->args->items[j].name.len, v->args->items[j].name.ptr, (int)v->text.len,
                               v->text.ptr);
                    ok = false;
                }
        } else if (v->kind == EXPR_ARRAY) {
            for (uint32_t k = 0; k < v->count; k++) {
                const Expr *it = v->items[k];
                if (it && it->kind == EXPR_CALL && it->args)
                    for (uint32_t j = 0; j < it->args->count; j++)
                        if (!it->args->items[j].value)
                            diag_error(r->diags, it->args->items[j].name_span,
                                       "the argument `%.*s` of `%.*s()` has no value", (int)it->args->items[j].name.len,
                                       it->args->items[j].name.ptr, (int)it->text.len, it->text.ptr);
            }
        }
    }
    if (args && args->trailing_comma) {
        Span sp = {attr->span.file, args->trailing_comma, args->trailing_comma + 1};
        diag_error(r->diags, sp, "trailing commas are not allowed in the arguments of `%s`: remove this comma",
                   attr_display(ac, attr));
    }
    return ok;
}

/* Does a call's argument list lack a value somewhere? */
static inline bool call_lacks_value(const Expr *e)
{
    if (!e || e->kind != EXPR_CALL || !e->args)
        return false;
    for (uint32_t j = 0; j < e->args->count; j++)
        if (!e->args->items[j].value)
            return true;
    return false;
}

/* Starts reading an attribute's arguments; false when it cannot be read at all. */
static bool ac_set(AttrCtx *ac, const Attribute *attr)
{
    Resolver *r = ac->r;
    const ArgList *args = attr->args;
    uint32_t n = args ? args->count : 0;
    ac->named = 0;
    ac->unnamed = DB_NONE;
    /* the common case in one walk: every value present, no trailing comma, at most one unnamed
     * argument, named ones known and each once; at anything else, the full check and reading
     * below, which report in Prisma's order */
    if (n && !args->trailing_comma) {
        ac->live = grow(ac->live, &ac->caplive, n + 1, 1);
        ac->argcode = grow(ac->argcode, &ac->capargcode, n + 1, 1);
        uint32_t named = 0, unnamed = DB_NONE, i;
        for (i = 0; i < n; i++) {
            const Arg *a = &args->items[i];
            const Expr *v = a->value;
            if (!v)
                break;
            if (v->kind == EXPR_CALL) {
                if (call_lacks_value(v))
                    break;
            } else if (v->kind == EXPR_ARRAY) {
                uint32_t k = 0;
                while (k < v->count && !call_lacks_value(v->items[k]))
                    k++;
                if (k < v->count)
                    break;
            }
            ac->live[i] = 1;
            if (a->name.len == 0) {
                if (unnamed != DB_NONE)
                    break;
                unnamed = i;
                ac->argcode[i] = ARG_OTHER;
                continue;
            }
            uint8_t code = arg_name_code(a->name);
            if (code == ARG_OTHER || (named & (1u << code)))
                break;
            ac->argcode[i] = code;
            named |= 1u << code;
        }
        if (i == n) {
            ac->named = named;
            ac->unnamed = unnamed;
            ac->args_known = true;
            ac->cur = attr;
            return true;
        }
    }
    ac->args_known = n == 0;
    bool clean = !(args && args->trailing_comma);
    for (uint32_t i = 0; i < n && clean; i++) {
        const Expr *v = args->items[i].value;
        if (!v)
            clean = false;
        else if (v->kind == EXPR_CALL)
            clean = !call_lacks_value(v);
        else if (v->kind == EXPR_ARRAY)
            for (uint32_t k = 0; k < v->count && clean; k++)
                clean = !call_lacks_value(v->items[k]);
    }
    if (!clean && !ac_check_values(ac, attr))
        return false;

    ac->cur = attr;
    if (n == 0)
        return true;
    ac->live = grow(ac->live, &ac->caplive, n + 1, 1);
    ac->argcode = grow(ac->argcode, &ac->capargcode, n + 1, 1);
    uint32_t unnamed_count = 0;
    for (uint32_t i = 0; i < n; i++) {
        const Arg *a = &args->items[i];
        ac->live[i] = 1;
        if (a->name.len == 0) {
            unnamed_count++;
            if (ac->unnamed != DB_NONE)
                ac->live[ac->unnamed] = 0;
            ac->unnamed = i;
            ac->argcode[i] = ARG_OTHER;
            continue;
        }
        uint8_t code = arg_name_code(a->name);
        ac->argcode[i] = code;
        /* the same name given before: the earlier one is dropped (at most one is live) */
        if (code != ARG_OTHER && !(ac->named & (1u << code))) {
            ac->named |= 1u << code;
            continue;
        }
        for (uint32_t j = 0; j < i; j++)
            if (ac->live[j] && ac->argcode[j] == code && str_eq(args->items[j].name, a->name)) {
                ac->live[j] = 0;
                Diag *d = diag_error(r->diags, a->span, "the argument `%.*s` is given twice", (int)a->name.len,
                                     a->name.ptr);
                diag_note(r->diags, d, args->items[j].span, "first given here");
                break;
            }
    }
    if (unnamed_count > 1) {
        char *list = arena_strdup(r->arena, "");
        for (uint32_t i = 0; i < n; i++)
            if (args->items[i].name.len == 0)
                list = arena_sprintf(r->arena, "%s%s%s", list, *list ? ", " : "",
                                     expr_to_text(r->arena, args->items[i].value));
        Diag *d = diag_error(r->diags, attr->span, "`%s` takes one unnamed argument, but several were given",
                             attr_display(ac, attr));
        diag_hint(r->diags, d, "did you forget the brackets? did you mean `[%s]`?", list);
    }
    return true;
}

static bool ac_single_slow(AttrCtx *ac, AttrCode code)
{
    uint32_t count = ac->code_count[code], first = ac->code_first[code];
    if (count > 1) {
        for (uint32_t i = 0; i < ac->nattrs; i++)
            if (ac->codes[i] == code) {
                ac->used[i] = 1;
                diag_error(ac->r->diags, ac->attrs[i]->span, "`%s` may be given only once here",
                           attr_display(ac, ac->attrs[i]));
            }
        return false;
    }
    ac->used[first] = 1;
    return ac_set(ac, ac->attrs[first]);
}

/* Is the attribute there (once, and readable)? The common case, absent, costs one load. */
static inline bool ac_single(AttrCtx *ac, AttrCode code)
{
    return ac->code_count[code] && ac_single_slow(ac, code);
}

static bool ac_repeated(AttrCtx *ac, AttrCode code)
{
    if (!ac->code_count[code])
        return false;
    for (uint32_t i = ac->code_first[code]; i < ac->nattrs; i++)
        if (!ac->used[i] && ac->codes[i] == code) {
            ac->used[i] = 1;
            if (ac_set(ac, ac->attrs[i]))
                return true;
        }
    return false;
}

/* The native type attribute (`@db.X`): the last one; every further one is reported. */
static const Attribute *ac_scoped(AttrCtx *ac)
{
    const Attribute *found = NULL;
    if (!ac->code_count[AT_SCOPED])
        return NULL;
    for (uint32_t i = ac->code_first[AT_SCOPED]; i < ac->nattrs; i++) {
        const Attribute *a = ac->attrs[i];
        if (ac->codes[i] != AT_SCOPED)
            continue;
        ac->used[i] = 1;
        if (found) {
            const char *dot = memchr(a->name.ptr, '.', a->name.len);
            diag_error(ac->r->diags, a->span, "a field takes only one native type attribute (`@%.*s.…`)",
                       (int)(dot - a->name.ptr), a->name.ptr);
        }
        found = a;
    }
    return found;
}

static void ac_discard(AttrCtx *ac)
{
    ac->cur = NULL;
}

/* Reports the arguments nobody asked for. */
static void ac_validate_args(AttrCtx *ac)
{
    const Attribute *a = ac->cur;
    if (!a)
        return;
    if (ac->args_known && !ac->named && (ac->unnamed == DB_NONE || !ac->live[ac->unnamed])) {
        ac->cur = NULL;     /* every argument was taken */
        return;
    }
    for (uint32_t i = 0; a->args && i < a->args->count; i++)
        if (ac->live[i]) {
            const Arg *arg = &a->args->items[i];
            if (arg->name.len)
                diag_error(ac->r->diags, arg->span, "`%s` has no argument `%.*s`", attr_display(ac, a), (int)arg->name.len,
                           arg->name.ptr);
            else
                diag_error(ac->r->diags, arg->span, "`%s` takes no unnamed argument here", attr_display(ac, a));
        }
    ac->cur = NULL;
}

/* An error about the current attribute, at the attribute. */
static Diag *ac_error(AttrCtx *ac, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static Diag *ac_error(AttrCtx *ac, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    Diag *d = diag_add(ac->r->diags, DIAG_ERROR, ac->cur->span, fmt, ap);
    va_end(ap);
    return d;
}

static const Arg *ac_take(AttrCtx *ac, ArgName name)
{
    const ArgList *args = ac->cur->args;
    for (uint32_t i = 0;; i++)
        if (ac->live[i] && ac->argcode[i] == name) {
            ac->live[i] = 0;
            ac->named &= ~(1u << name);
            return &args->items[i];
        }
}

/* The live argument of that name (taken), or NULL. Readers ask for many names an attribute
 * rarely has: the answer for an absent one is a test of a bit. */
static inline const Arg *ac_optional(AttrCtx *ac, ArgName name)
{
    return ac->named & (1u << name) ? ac_take(ac, name) : NULL;
}

typedef enum { DEFARG_OK, DEFARG_MISSING, DEFARG_TWICE } DefArgStatus;

/* The argument `name`, given by name or as the unnamed argument. */
static inline __attribute__((always_inline)) DefArgStatus ac_default_arg(AttrCtx *ac, ArgName name, const Arg **out)
{
    const Arg *named = ac_optional(ac, name), *unnamed = NULL;
    if (ac->unnamed != DB_NONE && ac->live[ac->unnamed]) {
        unnamed = &ac->cur->args->items[ac->unnamed];
        ac->live[ac->unnamed] = 0;
    }
    *out = named ? named : unnamed;
    if (named && unnamed)
        return DEFARG_TWICE;
    return *out ? DEFARG_OK : DEFARG_MISSING;
}

static void defarg_report(AttrCtx *ac, DefArgStatus st, const Arg *arg, const char *name)
{
    if (st == DEFARG_MISSING)
        ac_error(ac, "`%s` needs the argument `%s`", attr_display(ac, ac->cur), name);
    else if (st == DEFARG_TWICE)
        diag_error(ac->r->diags, arg->span, "the argument `%s` is given twice: by name and as the unnamed argument",
                   name);
}

/* ---- coercions --------------------------------------------------------------------------- */

static void mismatch(Resolver *r, const Expr *e, const char *expected)
{
    diag_error(r->diags, e->span, "expected %s here, found %s: `%s`", expected, expr_kind_name(e),
               expr_to_text(r->arena, e));
}

static bool co_string(Resolver *r, const Expr *e, Str *out)
{
    if (e->kind == EXPR_STRING) {
        *out = e->value;
        return true;
    }
    mismatch(r, e, "a string");
    return false;
}

static bool co_constant(Resolver *r, const Expr *e, Str *out)
{
    if (e->kind == EXPR_CONSTANT) {
        *out = e->text;
        return true;
    }
    mismatch(r, e, "a constant");
    return false;
}

static bool co_integer(Resolver *r, const Expr *e, int64_t *out)
{
    if (e->kind == EXPR_NUMBER && parse_i64(e->text, out))
        return true;
    mismatch(r, e, "an integer");
    return false;
}

static bool co_boolean(Resolver *r, const Expr *e, bool *out)
{
    if (e->kind == EXPR_CONSTANT && (str_eq_cstr(e->text, "true") || str_eq_cstr(e->text, "false"))) {
        *out = str_eq_cstr(e->text, "true");
        return true;
    }
    mismatch(r, e, "`true` or `false`");
    return false;
}

/* `map:` of indexes, keys and foreign keys: a non-empty string. */
static inline __attribute__((always_inline)) Str map_argument(AttrCtx *ac, bool *given)
{
    const Arg *a = ac_optional(ac, ARG_MAP);
    Str s = {0};
    *given = false;
    if (a && co_string(ac->r, a->value, &s)) {
        if (s.len == 0)
            ac_error(ac, "the `map` argument of `%s` must not be an empty string", attr_display(ac, ac->cur));
        else
            *given = true;
    }
    return *given ? s : (Str){0};
}

static Str name_argument(AttrCtx *ac, bool *given)
{
    const Arg *a = ac_optional(ac, ARG_NAME);
    Str s = {0};
    *given = false;
    if (a && co_string(ac->r, a->value, &s)) {
        if (s.len == 0)
            ac_error(ac, "the `name` argument of `%s` must not be an empty string", attr_display(ac, ac->cur));
        else
            *given = true;
    }
    return *given ? s : (Str){0};
}

static int8_t clustered_argument(AttrCtx *ac)
{
    const Arg *a = ac_optional(ac, ARG_CLUSTERED);
    bool b;
    if (a && co_boolean(ac->r, a->value, &b))
        return b ? 1 : 0;
    return -1;
}

static void client_name_check(AttrCtx *ac, Str name, const char *attr)
{
    for (uint32_t i = 0; i < name.len; i++) {
        char c = name.ptr[i];
        if (!(c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
            Diag *d = ac_error(ac, "the `name` of `%s` may only hold the characters `_a-zA-Z0-9`: `%s`", attr,
                               str_c(ac->r->arena, name));
            diag_hint(ac->r->diags, d, "the name becomes part of the generated client's API");
            return;
        }
    }
}

/* ---- field lists of indexes and keys ----------------------------------------------------- */


static bool index_elem_args(Resolver *r, const Expr *call, IndexElem *el)
{
    const ArgList *args = call->args;
    bool seen_sort = false, seen_len = false, seen_ops = false;
    for (uint32_t i = 0; args && i < args->count; i++) {
        const Arg *a = &args->items[i];
        if (!a->value)
            continue;
        if (str_eq_cstr(a->name, "sort") && !seen_sort) {
            seen_sort = true;
            Str c;
            if (co_constant(r, a->value, &c)) {
                if (str_eq_cstr(c, "Asc"))
                    el->sort = SORT_ASC;
                else if (str_eq_cstr(c, "Desc"))
                    el->sort = SORT_DESC;
                else
                    diag_error(r->diags, a->span, "`sort` is `Asc` or `Desc`, not `%s`", str_c(r->arena, c));
            }
        } else if (str_eq_cstr(a->name, "length") && !seen_len) {
            seen_len = true;
            int64_t v;
            if (co_integer(r, a->value, &v) && v >= 0 && v <= INT32_MAX)
                el->length = (int32_t)v;
        } else if (str_eq_cstr(a->name, "ops") && !seen_ops) {
            seen_ops = true;
            const Expr *v = a->value;
            if (v->kind == EXPR_CONSTANT) {
                if (opclass_known(v->text))
                    el->ops = v->text;
                else
                    diag_error(r->diags, v->span, "unknown operator class `%s`", str_c(r->arena, v->text));
            } else if (v->kind == EXPR_CALL && str_eq_cstr(v->text, "raw")) {
                if (v->args && v->args->count == 1 && v->args->items[0].value &&
                    v->args->items[0].value->kind == EXPR_STRING) {
                    el->ops = v->args->items[0].value->value;
                    el->ops_raw = true;
                } else if (v->args && v->args->count == 1) {
                    diag_error(r->diags, v->span, "`raw()` takes a string: `raw(\"...\")`");
                } else {
                    diag_error(r->diags, v->span, "`raw()` takes exactly one argument, got %u",
                               v->args ? v->args->count : 0);
                }
            } else {
                diag_error(r->diags, a->span, "expected an operator class or `raw(\"...\")` here, found %s: `%s`",
                           expr_kind_name(v), expr_to_text(r->arena, v));
            }
        }
    }
    return true;
}

/* Reads `[a, b(sort: Desc)]` (or a single element). NULL when an element is not a field. */
static IndexElem *index_elems(AttrCtx *ac, const Expr *e, uint32_t *n)
{
    Resolver *r = ac->r;
    uint32_t count = e->kind == EXPR_ARRAY ? e->count : 1;
    ac->els = grow(ac->els, &ac->capels, count + 1, sizeof *ac->els);
    IndexElem *els = ac->els;
    memset(els, 0, (size_t)(count + 1) * sizeof *els);
    bool ok = true;
    for (uint32_t i = 0; i < count; i++) {
        const Expr *it = e->kind == EXPR_ARRAY ? e->items[i] : e;
        IndexElem *el = &els[i];
        el->expr = it;
        el->length = -1;
        if (it->kind == EXPR_CONSTANT) {
            el->name = it->text;
        } else if (it->kind == EXPR_CALL) {
            el->name = it->text;
            index_elem_args(r, it, el);
        } else {
            mismatch(r, it, "a field name");
            ok = false;
        }
    }
    *n = count;
    return ok ? els : NULL;
}

/* Prisma's problem report for field lists: unknown names and relation fields. */
typedef struct FieldProblems {
    char *unknown;          /* comma-separated, NULL if none */
    char *relations;
    char *suggest;          /* scalar fields behind the relation fields */
} FieldProblems;

static void problems_add(Arena *a, char **list, Str name)
{
    *list = *list ? arena_sprintf(a, "%s, %.*s", *list, (int)name.len, name.ptr)
                  : arena_sprintf(a, "%.*s", (int)name.len, name.ptr);
}

static bool field_is_scalar(const DbField *f)
{
    return f->kind != DBF_RELATION && f->kind != DBF_ERROR;
}

/* The relation field's `fields:` as a suggestion ("authorId"). */
static void suggest_from_relation(Resolver *r, uint32_t field, char **list)
{
    uint32_t rf = r->nt->field_relfield[field];
    if (rf == DB_NONE)
        return;
    RelField *x = &r->nt->relfields[rf];
    for (uint32_t i = 0; i < x->nfields; i++)
        problems_add(r->arena, list, r->db->fields[x->fields[i]].name);
}

typedef enum { FR_OK, FR_DEALT, FR_PROBLEMS } FieldResolution;

/* Resolves an index or key field list on `model`. On FR_OK, `*out` holds the fields (Db
 * field ids) and the elements their arguments. */
static FieldResolution resolve_index_fields(AttrCtx *ac, const Expr *e, bool follow_composites, uint32_t **out,
                                            IndexElem **elems, uint32_t *n, FieldProblems *pr)
{
    Resolver *r = ac->r;
    Db *db = r->db;
    uint32_t count;
    IndexElem *els = index_elems(ac, e, &count);
    if (!els)
        return FR_DEALT;
    ac->ids = grow(ac->ids, &ac->capids, count + 1, sizeof *ac->ids);
    uint32_t *ids = ac->ids;
    memset(pr, 0, sizeof *pr);
    uint32_t nids = 0;
    for (uint32_t i = 0; i < count; i++) {
        Str name = els[i].name;
        if (name_has_byte(name, '.')) {
            const char *dot = memchr(name.ptr, '.', name.len);
            if (!follow_composites) {
                problems_add(r->arena, &pr->unknown, name);
                continue;
            }
            Str root = {name.ptr, (uint32_t)(dot - name.ptr)};
            uint32_t f = resolve_find_field(db, ac->model, root);
            if (f == DB_NONE) {
                problems_add(r->arena, &pr->unknown, root);
                continue;
            }
            if (!field_is_scalar(&db->fields[f])) {
                problems_add(r->arena, &pr->relations, db->fields[f].name);
                suggest_from_relation(r, f, &pr->suggest);
                continue;
            }
            if (db->fields[f].kind != DBF_COMPOSITE) {
                problems_add(r->arena, &pr->unknown, name);
                continue;
            }
            /* a path into a composite type: composite types are rejected later on these
             * providers; check that the path names fields */
            uint32_t ct = db->fields[f].type_id;
            const char *p = dot + 1, *end = name.ptr + name.len;
            bool bad = false;
            while (p <= end && !bad) {
                const char *q = memchr(p, '.', (size_t)(end - p));
                Str shard = {p, (uint32_t)((q ? q : end) - p)};
                uint32_t cf = namemap_get(&r->nt->names, SCOPE_CTFIELD | ct, shard);
                if (cf == DB_NONE) {
                    char *s = arena_sprintf(r->arena, "%.*s in type %.*s", (int)shard.len, shard.ptr,
                                            (int)db->composite_types[ct].name.len, db->composite_types[ct].name.ptr);
                    problems_add(r->arena, &pr->unknown, (Str){s, (uint32_t)strlen(s)});
                    bad = true;
                    break;
                }
                if (!q)
                    break;
                const Field *af = db->composite_types[ct].ast->fields[cf];
                uint32_t v = namemap_get(&r->nt->names, SCOPE_TOPS, af->type.name);
                if (v == DB_NONE || TOP_KIND(v) != TOP_COMPOSITE) {
                    problems_add(r->arena, &pr->unknown, name);
                    bad = true;
                    break;
                }
                ct = TOP_ID(v);
                p = q + 1;
            }
            if (bad)
                continue;
            ids[nids++] = f;
            continue;
        }
        uint32_t f = resolve_find_field(db, ac->model, name);
        if (f == DB_NONE) {
            problems_add(r->arena, &pr->unknown, name);
            continue;
        }
        if (!field_is_scalar(&db->fields[f])) {
            problems_add(r->arena, &pr->relations, db->fields[f].name);
            suggest_from_relation(r, f, &pr->suggest);
            continue;
        }
        for (uint32_t j = 0; j < nids; j++)
            if (ids[j] == f && !name_has_byte(els[j].name, '.')) {
                diag_error(r->diags, ac->cur->span, "the field `%s` is listed twice in `%s`", str_c(r->arena, name),
                           attr_display(ac, ac->cur));
                return FR_DEALT;
            }
        ids[nids++] = f;
    }
    if (pr->unknown || pr->relations)
        return FR_PROBLEMS;
    *out = ids;
    *elems = els;
    *n = nids;
    return FR_OK;
}

/* ---- models: indexes and keys ------------------------------------------------------------ */

/* A model's index or key, as read. Indexes go straight to the resolver's arrays (in Prisma's
 * order); the primary key waits in ac->pk (its fields in ac->ifields) for flush_indexes, which
 * puts it after them. */
static inline __attribute__((always_inline)) void pending_push(AttrCtx *ac, const DbIndex *read, const uint32_t *fields,
                                                               const IndexElem *els, uint32_t n, bool as_pk)
{
    Resolver *r = ac->r;
    DbIndexField *out;
    if (as_pk) {
        ac->ifields = grow(ac->ifields, &ac->capifields, n + 1, sizeof *ac->ifields);
        out = ac->ifields;
        ac->nifields = n;
    } else {
        r->index_fields = grow_big(r->index_fields, &r->cap_index_fields, r->nindex_fields + n + 1,
                                   sizeof *r->index_fields);
        out = r->index_fields + r->nindex_fields;
    }
    for (uint32_t i = 0; i < n; i++) {
        DbIndexField f = {.field = fields[i], .length = -1};
        if (els) {
            f.sort = els[i].sort;
            f.length = els[i].length;
            f.ops = els[i].ops;
            f.ops_raw = els[i].ops_raw;
            f.expr = els[i].expr;
        }
        out[i] = f;
    }
    DbIndex *idx;
    if (as_pk) {
        ac->pk.first = 0;
        ac->pk.n = n;
        ac->has_pk = true;
        idx = &ac->pk.idx;
    } else {
        r->indexes = grow_big(r->indexes, &r->cap_indexes, r->nindexes + 2, sizeof *r->indexes);
        idx = &r->indexes[r->nindexes++];
        ac->npidx++;
    }
    *idx = *read;
    idx->model = ac->model;
    idx->nfields = n;
    if (!as_pk) {
        idx->first_field = r->nindex_fields;
        r->nindex_fields += n;
    }
}

static void report_problems(AttrCtx *ac, const FieldProblems *pr, const char *what, const char *attr_for_suggestion)
{
    Resolver *r = ac->r;
    Str model = r->db->models[ac->model].name;
    if (pr->unknown) {
        Diag *d = ac_error(ac, "%s refers to fields that model `%.*s` does not have: %s", what, (int)model.len,
                           model.ptr, pr->unknown);
        (void)d;
    }
    if (pr->relations) {
        Diag *d = ac_error(ac, "%s refers to the relation field%s %s: only scalar fields can be indexed", what,
                           strchr(pr->relations, ',') ? "s" : "", pr->relations);
        if (pr->suggest && attr_for_suggestion)
            diag_hint(r->diags, d, "did you mean `%s([%s])`?", attr_for_suggestion, pr->suggest);
    }
}

/* @@index, @@unique, @@fulltext: the fields. */
static bool common_index(AttrCtx *ac, DbIndexKind kind, uint32_t **fields, IndexElem **els, uint32_t *n)
{
    const Arg *a;
    DefArgStatus st = ac_default_arg(ac, ARG_FIELDS, &a);
    if (st != DEFARG_OK) {
        defarg_report(ac, st, a, "fields");
        return false;
    }
    FieldProblems pr;
    FieldResolution res = resolve_index_fields(ac, a->value, true, fields, els, n, &pr);
    if (res == FR_PROBLEMS) {
        const char *what = kind == DBIDX_UNIQUE ? "the unique index" : "the index";
        report_problems(ac, &pr, what, kind == DBIDX_UNIQUE ? "@@unique" : "@@index");
    }
    return res == FR_OK;
}

/* A value in a `where: { field: value }` condition, checked as Prisma's parser-database checks
 * it: null fits any field; true/false a Boolean; a string a String, DateTime or enum; a number
 * Int, BigInt, Float or Decimal; `{ not: value }` negates one value (once). The first problem is
 * reported and ends the check of the whole clause, as in Prisma. */
static bool where_value_fits(AttrCtx *ac, const DbField *f, const Expr *v, bool negated)
{
    Diags *diags = ac->r->diags;
    int nlen = (int)f->name.len;
    const char *name = f->name.ptr;
    const char *value_type = NULL;
    if (v->kind == EXPR_CONSTANT) {
        if (str_eq_cstr(v->text, "null"))
            return true;
        if (!str_eq_cstr(v->text, "true") && !str_eq_cstr(v->text, "false")) {
            diag_error(diags, v->span, "invalid value `%.*s` in the where clause: expected true, false, null, a string, "
                       "a number, or an object like `{ not: null }`", (int)v->text.len, v->text.ptr);
            return false;
        }
        value_type = "Boolean";
    } else if (v->kind == EXPR_STRING) {
        value_type = "a String";
    } else if (v->kind == EXPR_NUMBER) {
        value_type = "a Number";
    } else if (v->kind == EXPR_OBJECT && !negated) {
        const ArgList *m = v->args;
        if (!m || m->count != 1) {
            diag_error(diags, v->span, "a nested object in the where clause must have exactly one key: "
                       "use `{ not: null }` or `{ not: \"value\" }`");
            return false;
        }
        if (!str_eq_cstr(m->items[0].name, "not")) {
            diag_error(diags, m->items[0].name_span.end > m->items[0].name_span.start ? m->items[0].name_span : v->span,
                       "unknown key `%.*s` in the nested where clause object: only `not` is supported",
                       (int)m->items[0].name.len, m->items[0].name.ptr);
            return false;
        }
        if (!m->items[0].value) {
            diag_error(diags, v->span, "invalid value in the where clause: expected true, false, null, a string, "
                       "a number, or an object like `{ not: null }`");
            return false;
        }
        return where_value_fits(ac, f, m->items[0].value, true);
    } else {
        diag_error(diags, v->span, "invalid value in the where clause: expected true, false, null, a string, "
                   "a number, or an object like `{ not: null }`");
        return false;
    }

    if (f->kind == DBF_ENUM) {
        if (v->kind == EXPR_STRING)
            return true;
        diag_error(diags, v->span, "type mismatch: field `%.*s` is an enum and only accepts String values in the "
                   "where clause", nlen, name);
        return false;
    }
    if (f->kind != DBF_SCALAR) {
        diag_error(diags, v->span, "field `%.*s` is %s and cannot be used in the object syntax of a where clause: "
                   "use raw() instead", nlen, name,
                   f->kind == DBF_COMPOSITE ? "a composite type" : f->kind == DBF_UNSUPPORTED ? "an unsupported type"
                                                                                         : "a non-scalar type");
        return false;
    }
    bool fits;
    switch (f->scalar) {
    case SCALAR_BOOLEAN: fits = v->kind == EXPR_CONSTANT; break;
    case SCALAR_STRING:
    case SCALAR_DATETIME: fits = v->kind == EXPR_STRING; break;
    case SCALAR_INT:
    case SCALAR_BIGINT:
    case SCALAR_FLOAT:
    case SCALAR_DECIMAL: fits = v->kind == EXPR_NUMBER; break;
    default: fits = false; break;
    }
    if (!fits)
        diag_error(diags, v->span, "type mismatch: field `%.*s` is of type %s, but the value is %s", nlen, name,
                   db_scalar_name(f->scalar), value_type);
    return fits;
}

/* One `field: value` member of a where object; false after reporting its first problem. */
static bool where_member_fits(AttrCtx *ac, const Arg *member)
{
    Db *db = ac->r->db;
    uint32_t f = resolve_find_field(db, ac->model, member->name);
    if (f == DB_NONE) {
        const DbModel *model = &db->models[ac->model];
        diag_error(ac->r->diags, member->name_span, "field `%.*s` does not exist in model `%.*s`",
                   (int)member->name.len, member->name.ptr, (int)model->name.len, model->name.ptr);
        return false;
    }
    if (db->fields[f].kind == DBF_RELATION) {
        diag_error(ac->r->diags, member->name_span, "field `%.*s` is a relation field: only scalar fields can be used "
                   "in the where clause", (int)member->name.len, member->name.ptr);
        return false;
    }
    if (!member->value) {
        diag_error(ac->r->diags, member->name_span, "invalid value in the where clause: expected true, false, null, "
                   "a string, a number, or an object like `{ not: null }`");
        return false;
    }
    return where_value_fits(ac, &db->fields[f], member->value, false);
}

/* where: (partial indexes): a raw("...") call with a non-empty string, or an object literal of
 * conditions on the model's scalar fields. NULL when absent or wrong (after reporting it). */
static const Expr *where_argument(AttrCtx *ac)
{
    const Arg *a = ac_optional(ac, ARG_WHERE);
    if (!a || !a->value)
        return NULL;
    const Expr *w = a->value;
    if (w->kind == EXPR_OBJECT) {
        const ArgList *m = w->args;
        if (!m || m->count == 0) {
            diag_error(ac->r->diags, w->span, "the `where` argument cannot be an empty object");
            return NULL;
        }
        for (uint32_t i = 0; i < m->count; i++)
            if (!where_member_fits(ac, &m->items[i]))
                return NULL;
        return w;
    }
    if (!expr_is_call(w, "raw")) {
        mismatch(ac->r, w, "a function call");
        ac_error(ac, "the `where` argument must be either a raw() function call or an object literal, e.g. "
                     "`where: raw(\"status = 'active'\")` or `where: { active: true }`");
        return NULL;
    }
    const Expr *text = w->args && w->args->count > 0 ? w->args->items[0].value : NULL;
    if (!text || text->kind != EXPR_STRING) {
        if (text)
            mismatch(ac->r, text, "a string");
        ac_error(ac, "the `where` argument must be a raw() function with a string argument, e.g. "
                     "`where: raw(\"status = 'active'\")`");
        return NULL;
    }
    if (text->value.len == 0) {
        ac_error(ac, "the `where` argument cannot contain an empty string");
        return NULL;
    }
    return w;
}

static void model_index(AttrCtx *ac)
{
    uint32_t *fields = NULL, n = 0;
    IndexElem *els = NULL;
    bool ok = common_index(ac, DBIDX_NORMAL, &fields, &els, &n);
    DbIndex idx = {.kind = DBIDX_NORMAL, .clustered = -1, .attr = ac->cur};
    bool has_name, has_map;
    Str name = name_argument(ac, &has_name);
    Str map = map_argument(ac, &has_map);
    if (has_name && has_map)
        ac_error(ac, "`@@index` takes `name` (the legacy spelling of `map`) or `map`, not both: use `map`");
    else if (has_name)
        idx.map = name;
    else if (has_map)
        idx.map = map;
    idx.where = where_argument(ac);
    const Arg *t = ac_optional(ac, ARG_TYPE);
    Str algo;
    if (t && co_constant(ac->r, t->value, &algo)) {
        static const char *const ALGOS[] = {"BTree", "Hash", "Gist", "Gin", "SpGist", "Brin"};
        bool known = false;
        for (unsigned i = 0; i < 6; i++)
            known |= str_eq_cstr(algo, ALGOS[i]);
        if (known)
            idx.algorithm = algo;
        else {
            Diag *d = ac_error(ac, "unknown index type `%s`", str_c(ac->r->arena, algo));
            diag_note(ac->r->diags, d, t->span, "the index types are BTree, Hash, Gist, Gin, SpGist and Brin");
        }
    }
    idx.clustered = clustered_argument(ac);
    pending_push(ac, &idx, ok ? fields : NULL, ok ? els : NULL, ok ? n : 0, false);
}

static void model_unique(AttrCtx *ac)
{
    uint32_t *fields = NULL, n = 0;
    IndexElem *els = NULL;
    bool ok = common_index(ac, DBIDX_UNIQUE, &fields, &els, &n);
    DbIndex idx = {.kind = DBIDX_UNIQUE, .clustered = -1, .attr = ac->cur};
    bool has_name, has_map;
    Str name = name_argument(ac, &has_name);
    Str map = map_argument(ac, &has_map);
    if (has_name) {
        client_name_check(ac, name, "@@unique");
        idx.name = name;
    }
    if (has_map)
        idx.map = map;
    idx.where = where_argument(ac);
    idx.clustered = clustered_argument(ac);
    pending_push(ac, &idx, ok ? fields : NULL, ok ? els : NULL, ok ? n : 0, false);
}

static void model_fulltext(AttrCtx *ac)
{
    uint32_t *fields = NULL, n = 0;
    IndexElem *els = NULL;
    bool ok = common_index(ac, DBIDX_FULLTEXT, &fields, &els, &n);
    DbIndex idx = {.kind = DBIDX_FULLTEXT, .clustered = -1, .attr = ac->cur};
    bool has_map;
    Str map = map_argument(ac, &has_map);
    if (has_map)
        idx.map = map;
    pending_push(ac, &idx, ok ? fields : NULL, ok ? els : NULL, ok ? n : 0, false);
}

/* @@id */
static void model_id(AttrCtx *ac)
{
    Resolver *r = ac->r;
    Db *db = r->db;
    DbModel *m = &db->models[ac->model];
    const Arg *a;
    DefArgStatus st = ac_default_arg(ac, ARG_FIELDS, &a);
    if (st != DEFARG_OK) {
        defarg_report(ac, st, a, "fields");
        return;
    }
    uint32_t *fields, n;
    IndexElem *els;
    FieldProblems pr;
    FieldResolution res = resolve_index_fields(ac, a->value, false, &fields, &els, &n, &pr);
    if (res == FR_DEALT)
        return;
    if (res == FR_PROBLEMS) {
        if (pr.unknown)
            diag_error(r->diags, a->value->span, "`@@id` refers to fields that model `%s` does not have: %s",
                       str_c(r->arena, m->name), pr.unknown);
        if (pr.relations)
            ac_error(ac, "`@@id` refers to the relation field%s %s: an id is made of scalar fields",
                     strchr(pr.relations, ',') ? "s" : "", pr.relations);
        return;
    }
    char *optional = NULL;
    for (uint32_t i = 0; i < n; i++)
        if (db->fields[fields[i]].arity != ARITY_REQUIRED)
            problems_add(r->arena, &optional, db->fields[fields[i]].name);
    if (optional)
        ac_error(ac, "`@@id` refers to the optional field%s %s: an id is made of required fields",
                 strchr(optional, ',') ? "s" : "", optional);
    if (ac->has_pk) {
        Diag *d = diag_error(r->diags, m->ast->span, "model `%s` has both `@id` and `@@id`: a model has one id",
                             str_c(r->arena, m->name));
        diag_note(r->diags, d, ac->cur->span, "the `@@id` is here");
    }
    DbIndex idx = {.kind = DBIDX_PRIMARY, .clustered = -1, .attr = ac->cur};
    bool has_map, has_name;
    idx.map = map_argument(ac, &has_map);
    Str name = name_argument(ac, &has_name);
    if (has_name) {
        client_name_check(ac, name, "@@id");
        idx.name = name;
    }
    idx.clustered = clustered_argument(ac);
    ac->pk_source_field = DB_NONE;
    pending_push(ac, &idx, fields, els, n, true);
}

/* ---- scalar fields ----------------------------------------------------------------------- */

static SortOrder sort_argument(AttrCtx *ac)
{
    const Arg *a = ac_optional(ac, ARG_SORT);
    Str c;
    if (a && co_constant(ac->r, a->value, &c)) {
        if (str_eq_cstr(c, "Desc"))
            return SORT_DESC;
        if (str_eq_cstr(c, "Asc"))
            return SORT_ASC;
        ac_error(ac, "`sort` is `Asc` or `Desc`, not `%s`", str_c(ac->r->arena, c));
    }
    return SORT_DEFAULT;
}

static int32_t length_argument(AttrCtx *ac)
{
    const Arg *a = ac_optional(ac, ARG_LENGTH);
    int64_t v;
    if (a && co_integer(ac->r, a->value, &v))
        return v < 0 ? 0 : v > INT32_MAX ? INT32_MAX : (int32_t)v;
    return -1;
}

/* @id on a field */
static void field_id(AttrCtx *ac, uint32_t field)
{
    Resolver *r = ac->r;
    DbModel *m = &r->db->models[ac->model];
    if (ac->has_pk) {
        Diag *d = diag_error(r->diags, m->ast->span, "model `%s` has more than one `@id` field: a model has one id",
                             str_c(r->arena, m->name));
        diag_note(r->diags, d, ac->cur->span, "this `@id` is one too many; for an id of several fields use `@@id([...])`");
        return;
    }
    DbIndex idx = {.kind = DBIDX_PRIMARY, .field_level = true, .attr = ac->cur};
    bool has_map;
    idx.map = map_argument(ac, &has_map);
    IndexElem el = {.length = length_argument(ac), .expr = NULL};
    el.sort = sort_argument(ac);
    idx.clustered = clustered_argument(ac);
    ac->pk_source_field = field;
    pending_push(ac, &idx, &field, &el, 1, true);
}

/* @unique on a field */
static void field_unique(AttrCtx *ac, uint32_t field)
{
    DbIndex idx = {.kind = DBIDX_UNIQUE, .field_level = true, .attr = ac->cur};
    bool has_map;
    idx.map = map_argument(ac, &has_map);
    IndexElem el = {.length = length_argument(ac)};
    el.sort = sort_argument(ac);
    idx.clustered = clustered_argument(ac);
    idx.where = where_argument(ac);
    pending_push(ac, &idx, &field, &el, 1, false);
}

/* The column names given by @map in the current model: a small table of field ids, reset per
 * model (Prisma keeps the last field of each name). */
static void maptab_reset(AttrCtx *ac, uint32_t nfields)
{
    uint32_t bits = 2;
    while ((1u << bits) < nfields * 2)
        bits++;
    ac->maptab = grow(ac->maptab, &ac->capmaptab, 1u << bits, sizeof *ac->maptab);
    ac->mapmask = (1u << bits) - 1;
    ac->maptab_live = false;
}

static uint32_t maptab_put(AttrCtx *ac, Str name, uint32_t field)
{
    if (!ac->maptab_live) {
        memset(ac->maptab, 0xFF, (size_t)(ac->mapmask + 1) * sizeof *ac->maptab);
        ac->maptab_live = true;
    }
    const Db *db = ac->r->db;
    uint32_t h = name_hash32(name);
    h = (h ^ (h >> 16)) * 0x45D9F3Bu;   /* the low bits see every byte (names like col_1, col_2) */
    h ^= h >> 16;
    for (uint32_t i = h & ac->mapmask;; i = (i + 1) & ac->mapmask) {
        uint32_t f = ac->maptab[i];
        if (f == DB_NONE || name_eq(db->fields[f].db_name, name)) {
            ac->maptab[i] = field;
            return f;
        }
    }
}

/* @map("name") and @@map("name") */
static bool map_attribute(AttrCtx *ac, Str *out)
{
    const Arg *a;
    DefArgStatus st = ac_default_arg(ac, ARG_NAME, &a);
    if (st != DEFARG_OK) {
        defarg_report(ac, st, a, "name");
        return false;
    }
    return co_string(ac->r, a->value, out);
}

static void field_map(AttrCtx *ac, uint32_t field)
{
    Resolver *r = ac->r;
    Db *db = r->db;
    DbField *f = &db->fields[field];
    Str mapped;
    if (!map_attribute(ac, &mapped))
        return;
    f->db_name = mapped;
    f->mapped = true;
    DbModel *m = &db->models[ac->model];
    const char *container = m->is_view ? "view" : "model";
    uint32_t prev = maptab_put(ac, mapped, field);
    if (prev != DB_NONE) {
        Diag *d = diag_error(r->diags, f->ast->span, "the field `%s` maps to the column `%s` of another field of %s `%s`",
                             str_c(r->arena, f->name), str_c(r->arena, mapped), container, str_c(r->arena, m->name));
        diag_note(r->diags, d, db->fields[prev].ast->span, "`%s` maps to it too", str_c(r->arena, db->fields[prev].name));
    }
    uint32_t dup = resolve_find_field(db, ac->model, mapped);
    if (dup != DB_NONE && dup != field && field_is_scalar(&db->fields[dup]) &&
        (!db->fields[dup].mapped || str_eq(db->fields[dup].db_name, mapped))) {
        /* a field read earlier with that column name, or one not (yet) mapped elsewhere */
        Diag *d = diag_error(r->diags, f->ast->span, "the field `%s` maps to `%s`, the column of the field `%s` of %s `%s`",
                             str_c(r->arena, f->name), str_c(r->arena, mapped), str_c(r->arena, db->fields[dup].name),
                             container, str_c(r->arena, m->name));
        diag_note(r->diags, d, db->fields[dup].ast->name_span, "`%s` is here", str_c(r->arena, db->fields[dup].name));
    }
}

/* ---- defaults ------------------------------------------------------------------------------ */

static const char *const KNOWN_FUNCTIONS[] = {"autoincrement", "cuid", "dbgenerated", "nanoid", "now",
                                              "uuid", "ulid", "auto"};

static bool known_function(Str name)
{
    for (size_t i = 0; i < sizeof KNOWN_FUNCTIONS / sizeof *KNOWN_FUNCTIONS; i++)
        if (str_eq_cstr(name, KNOWN_FUNCTIONS[i]))
            return true;
    return false;
}

static uint32_t call_nargs(const Expr *e)
{
    return e->args ? e->args->count : 0;
}

static const Expr *call_arg0(const Expr *e)
{
    return e->args && e->args->count ? e->args->items[0].value : NULL;
}

/* A literal of the right kind for the scalar type (the contents are checked later). */
static bool default_literal_ok(AttrCtx *ac, ScalarType st, const Expr *v)
{
    Resolver *r = ac->r;
    switch (st) {
    case SCALAR_STRING:
    case SCALAR_JSON:
    case SCALAR_BYTES:
    case SCALAR_DATETIME:
        if (v->kind == EXPR_STRING)
            return true;
        break;
    case SCALAR_INT:
    case SCALAR_BIGINT:
    case SCALAR_FLOAT:
        if (v->kind == EXPR_NUMBER)
            return true;
        break;
    case SCALAR_DECIMAL:
        if (v->kind == EXPR_NUMBER || v->kind == EXPR_STRING)
            return true;
        break;
    case SCALAR_BOOLEAN:
        if (v->kind == EXPR_CONSTANT) {
            if (str_eq_cstr(v->text, "true") || str_eq_cstr(v->text, "false"))
                return true;
            diag_error(r->diags, v->span, "a Boolean default is `true` or `false`, not `%s`", str_c(r->arena, v->text));
            return false;
        }
        break;
    }
    const char *tn = db_scalar_name(st);
    Diag *d = ac_error(ac, "the default of %s %s field must be a %s value, not `%s`", tn[0] == 'I' ? "an" : "a", tn,
                       st == SCALAR_INT || st == SCALAR_BIGINT || st == SCALAR_FLOAT ? "numeric"
                       : st == SCALAR_BOOLEAN                                         ? "Boolean"
                                                                                      : "string",
                       expr_to_text(r->arena, v));
    (void)d;
    return false;
}

static bool enum_has_value(const Db *db, uint32_t en, Str name)
{
    const DbEnum *e = &db->enums[en];
    for (uint32_t i = 0; i < e->nvalues; i++)
        if (str_eq(db->enum_values[e->first_value + i].name, name))
            return true;
    return false;
}

static bool enum_default_ok(AttrCtx *ac, uint32_t en, const Expr *v)
{
    Resolver *r = ac->r;
    if (v->kind != EXPR_CONSTANT) {
        ac_error(ac, "the default of an enum field must be one of its values, not `%s`", expr_to_text(r->arena, v));
        return false;
    }
    if (enum_has_value(r->db, en, v->text))
        return true;
    Diag *d = ac_error(ac, "`%s` is not a value of the enum `%s`", str_c(r->arena, v->text),
                       str_c(r->arena, r->db->enums[en].name));
    diag_note(r->diags, d, r->db->enums[en].ast->name_span, "the enum is defined here");
    return false;
}

static void no_arguments_fn(AttrCtx *ac, const Expr *v, const char *fn, DbDefault *def, DbDefaultKind kind)
{
    if (call_nargs(v) == 0) {
        def->kind = kind;
        return;
    }
    Diag *d = ac_error(ac, "`%s()` takes no argument", fn);
    diag_note(ac->r->diags, d, v->span, "write `%s()`", fn);
}

/* uuid(), cuid(), nanoid(): no argument, or one integer in range. */
static void versioned_fn(AttrCtx *ac, const Expr *v, const char *fn, DbDefault *def, DbDefaultKind kind)
{
    const char *range = kind == DBDEF_UUID ? "4 or 7" : kind == DBDEF_CUID ? "1 or 2" : "between 2 and 255";
    uint32_t n = call_nargs(v);
    if (n == 0) {
        def->kind = kind;
        def->version = kind == DBDEF_UUID ? 4 : kind == DBDEF_CUID ? 1 : 0;
        return;
    }
    const Expr *a0 = call_arg0(v);
    if (n > 1 || !a0 || a0->kind != EXPR_NUMBER) {
        ac_error(ac, "`%s()` takes no argument or a single integer (%s)", fn, range);
        return;
    }
    int64_t x;
    bool ok = parse_i64(a0->text, &x);
    if (ok) {
        if (kind == DBDEF_UUID)
            ok = x == 4 || x == 7;
        else if (kind == DBDEF_CUID)
            ok = x == 1 || x == 2;
        else
            ok = x >= 2 && x <= 255;
    }
    if (!ok) {
        ac_error(ac, "`%s()` takes no argument or a single integer %s, not `%s`", fn, range, str_c(ac->r->arena, a0->text));
        return;
    }
    def->kind = kind;
    def->version = (uint8_t)x;
}

static void dbgenerated_fn(AttrCtx *ac, const Expr *v, DbDefault *def)
{
    uint32_t n = call_nargs(v);
    const Expr *a0 = call_arg0(v);
    if (n > 1)
        ac_error(ac, "`dbgenerated()` takes a single string argument");
    if (n >= 1 && a0 && a0->kind == EXPR_STRING && a0->value.len == 0) {
        ac_error(ac, "`dbgenerated()` takes no argument or a non-empty string");
        return;
    }
    if (n == 0 || (a0 && a0->kind == EXPR_STRING)) {
        def->kind = DBDEF_DBGENERATED;
        def->text = n ? a0->value : (Str){0};
        def->expr = v;
        return;
    }
    if (n <= 1)
        ac_error(ac, "`dbgenerated()` takes a single string argument");
}

/* @default(v, map: ...) with its arguments read (`map` empty when not given). */
static inline __attribute__((always_inline)) void field_default_value(AttrCtx *ac, uint32_t field, const Expr *v, Str map,
                                                                      bool has_map)
{
    Resolver *r = ac->r;
    Db *db = r->db;
    DbField *f = &db->fields[field];
    /* written in place, in the resolver's arena (zeroed: kind DBDEF_NONE); the field points at
     * it when it is a default */
    DbDefault *def = arena_alloc(r->arena, sizeof *def);
    def->attr = ac->cur;
    def->map = map;
    def->expr = v;

    if (expr_is_call(v, "dbgenerated")) {
        dbgenerated_fn(ac, v, def);
        if (def->kind != DBDEF_NONE)
            f->def = def;
        return;
    }
    bool list = f->arity == ARITY_LIST;
    switch (f->kind) {
    case DBF_COMPOSITE:
        ac_error(ac, "a field of a composite type cannot have a default");
        return;
    case DBF_UNSUPPORTED: {
        Diag *d = ac_error(ac, "an `Unsupported` field can only default to `dbgenerated(\"...\")`");
        (void)d;
        return;
    }
    case DBF_ENUM:
        if (list) {
            if (v->kind != EXPR_ARRAY) {
                ac_error(ac, "the default of an enum list must be a list of its values, not `%s`", expr_to_text(r->arena, v));
                return;
            }
            for (uint32_t i = 0; i < v->count; i++)
                if (!enum_default_ok(ac, f->type_id, v->items[i]))
                    return;
        } else if (!enum_default_ok(ac, f->type_id, v)) {
            return;
        }
        def->kind = DBDEF_VALUE;
        f->def = def;
        return;
    case DBF_SCALAR:
        break;
    default:
        return;
    }
    ScalarType stype = f->scalar;
    if (v->kind == EXPR_CALL) {
        Str fn = v->text;
        if (str_eq_cstr(fn, "autoincrement") && has_map) {
            ac_error(ac, "an `autoincrement()` default cannot be named (`map:`)");
            return;
        }
        if (str_eq_cstr(fn, "autoincrement") && (stype == SCALAR_INT || stype == SCALAR_BIGINT)) {
            no_arguments_fn(ac, v, "autoincrement", def, DBDEF_AUTOINCREMENT);
            if (def->kind == DBDEF_AUTOINCREMENT && r->nt->model_autoinc[f->model] < 255)
                r->nt->model_autoinc[f->model]++;     /* so that validation need not count them */
        } else if (stype == SCALAR_STRING && str_eq_cstr(fn, "uuid")) {
            versioned_fn(ac, v, "uuid", def, DBDEF_UUID);
        } else if (stype == SCALAR_STRING && str_eq_cstr(fn, "cuid")) {
            versioned_fn(ac, v, "cuid", def, DBDEF_CUID);
        } else if (stype == SCALAR_STRING && str_eq_cstr(fn, "nanoid")) {
            versioned_fn(ac, v, "nanoid", def, DBDEF_NANOID);
        } else if (stype == SCALAR_STRING && str_eq_cstr(fn, "ulid")) {
            no_arguments_fn(ac, v, "ulid", def, DBDEF_ULID);
        } else if (stype == SCALAR_DATETIME && str_eq_cstr(fn, "now")) {
            no_arguments_fn(ac, v, "now", def, DBDEF_NOW);
        } else if (str_eq_cstr(fn, "auto")) {
            if (call_nargs(v))
                ac_error(ac, "`auto()` takes no argument");
            else
                def->kind = DBDEF_AUTO;
        } else if (!known_function(fn)) {
            def->kind = DBDEF_UNKNOWN_FUNCTION;
            r->unknown_fn_fields = grow(r->unknown_fn_fields, &r->capunknown_fn_fields, r->nunknown_fn_fields + 1,
                                        sizeof *r->unknown_fn_fields);
            r->unknown_fn_fields[r->nunknown_fn_fields++] = field;
        } else {
            const char *expect = str_eq_cstr(fn, "autoincrement") ? "Int or BigInt"
                                 : str_eq_cstr(fn, "now")         ? "DateTime"
                                                                  : "String";
            Diag *d = ac_error(ac, "`%s()` cannot be the default of %s %s field", str_c(r->arena, fn), db_scalar_name(stype)[0] == 'I' ? "an" : "a", db_scalar_name(stype));
            diag_note(r->diags, d, v->span, "`%s()` makes %s values", str_c(r->arena, fn), expect);
        }
        if (def->kind != DBDEF_NONE)
            f->def = def;
        return;
    }
    if (list) {
        if (v->kind != EXPR_ARRAY) {
            ac_error(ac, "the default of a list field must be a list: `[%s]`", expr_to_text(r->arena, v));
            return;
        }
        for (uint32_t i = 0; i < v->count; i++)
            if (!default_literal_ok(ac, stype, v->items[i]))
                return;
    } else {
        if (v->kind == EXPR_ARRAY) {
            ac_error(ac, "the default of a field that is not a list cannot be a list");
            return;
        }
        if (!default_literal_ok(ac, stype, v))
            return;
    }
    def->kind = DBDEF_VALUE;
    f->def = def;
}

static void field_default(AttrCtx *ac, uint32_t field)
{
    const Arg *a;
    DefArgStatus st = ac_default_arg(ac, ARG_VALUE, &a);
    if (st != DEFARG_OK) {
        defarg_report(ac, st, a, "value");
        return;
    }
    bool has_map;
    Str map = map_argument(ac, &has_map);
    field_default_value(ac, field, a->value, map, has_map);
}

/* @db.X(args): recorded (in the arena, beside the field); checked against the provider later. */
static inline __attribute__((always_inline)) void field_native_type(AttrCtx *ac, DbField *f, const Attribute *a)
{
    const char *dot = a->name.ptr;
    while (*dot != '.')     /* AT_SCOPED: the name holds one */
        dot++;
    DbNativeType *nt = arena_alloc(ac->r->arena, sizeof *nt);     /* zeroed */
    nt->attr = a;
    nt->scope = (Str){a->name.ptr, (uint32_t)(dot - a->name.ptr)};
    nt->name = (Str){dot + 1, (uint32_t)(a->name.len - (uint32_t)(dot - a->name.ptr) - 1)};
    bool plain = true;
    uint32_t n = a->args ? a->args->count : 0;
    for (uint32_t i = 0; i < n; i++) {
        const Expr *v = a->args->items[i].value;
        int64_t x;
        bool number = v && v->kind == EXPR_NUMBER && parse_i64(v->text, &x);
        if (number && i < 2)
            nt->args[i] = x;
        /* as validation reads them: digits, perhaps after a +, within 32 bits */
        plain &= number && v->text.ptr[0] != '-' && x <= (int64_t)UINT32_MAX;
    }
    nt->args_unsigned = plain;
    nt->nargs = (uint8_t)(n > 255 ? 255 : n);
    f->native = nt;
}

static void field_ignore(AttrCtx *ac, DbField *f)
{
    if (f->kind == DBF_UNSUPPORTED)
        ac_error(ac, "an `Unsupported` field is already ignored by the client: remove `@ignore`");
    else
        f->ignored = true;
}

static void field_updated_at(AttrCtx *ac, DbField *f)
{
    if (!(f->kind == DBF_SCALAR && f->scalar == SCALAR_DATETIME))
        ac_error(ac, "`@updatedAt` needs a DateTime field; `%s` is not one", str_c(ac->r->arena, f->name));
    if (f->arity == ARITY_LIST)
        ac_error(ac, "`@updatedAt` cannot be used on a list field");
    f->updated_at = true;
}

/* What ac_set leaves for a plain attribute (see scalar_field_plain). */
static void ac_set_plain(AttrCtx *ac, const Attribute *attr)
{
    ac->cur = attr;
    ac->named = 0;
    ac->unnamed = DB_NONE;
    ac->args_known = true;
    if (attr->args && attr->args->count) {
        ac->live[0] = 1;
        ac->argcode[0] = ARG_OTHER;
        ac->unnamed = 0;
    }
}

/* Reads a scalar field's attributes without the visitor's bookkeeping when they are plain:
 * each is one of @map, @ignore, @id, @updatedAt, @default, @unique and (on a scalar type) a
 * native type, none twice; @ignore, @id, @unique and @updatedAt without arguments, @default and
 * @map with one unnamed argument that has a value (and so do the calls in it). The visitor
 * would then report nothing of its own (no repeated or unknown attribute, no missing value, no
 * argument left over: the readers of @default and @map take the unnamed one), so the readers
 * alone, called in the visitor's order (the codes' order), do what it does. False (and nothing
 * read) when they are not plain. */
static bool scalar_field_plain(AttrCtx *ac, uint32_t field, Attribute *const *attrs, uint32_t n, const uint8_t *codes)
{
    DbField *f = &ac->r->db->fields[field];
    uint32_t seen = 0;
    uint8_t at[AT_NCODES];      /* the attribute with each code in `seen` */
    if (n >= 256)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t code = codes[i], bit = 1u << code;
        if (seen & bit)
            return false;
        seen |= bit;
        at[code] = (uint8_t)i;
        const ArgList *args = attrs[i]->args;
        if (args && args->trailing_comma)
            return false;
        uint32_t na = args ? args->count : 0;
        switch (code) {
        case AT_IGNORE:
        case AT_ID:
        case AT_UNIQUE:
        case AT_UPDATED_AT:
            if (na)
                return false;
            break;
        case AT_DEFAULT:
        case AT_MAP: {
            if (na != 1 || args->items[0].name.len)
                return false;
            const Expr *v = args->items[0].value;
            if (!v || call_lacks_value(v))
                return false;
            if (v->kind == EXPR_ARRAY)
                for (uint32_t k = 0; k < v->count; k++)
                    if (call_lacks_value(v->items[k]))
                        return false;
            break;
        }
        case AT_SCOPED:
            if (f->kind != DBF_SCALAR)
                return false;
            break;
        default:
            return false;
        }
    }
    /* the readers; @default's value is its one unnamed argument, and it has no `map:` */
    while (seen) {
        uint32_t code = (uint32_t)__builtin_ctz(seen);
        seen &= seen - 1;
        const Attribute *a = attrs[at[code]];
        switch (code) {
        case AT_MAP: ac_set_plain(ac, a); field_map(ac, field); break;
        case AT_IGNORE: ac->cur = a; field_ignore(ac, f); break;
        case AT_ID: ac_set_plain(ac, a); field_id(ac, field); break;
        case AT_UPDATED_AT: ac->cur = a; field_updated_at(ac, f); break;
        case AT_DEFAULT: ac->cur = a; field_default_value(ac, field, a->args->items[0].value, (Str){0}, false); break;
        case AT_SCOPED: field_native_type(ac, f, a); break;
        case AT_UNIQUE: ac_set_plain(ac, a); field_unique(ac, field); break;
        default: break;
        }
    }
    ac->cur = NULL;
    return true;
}

static void scalar_field_attributes(AttrCtx *ac, uint32_t field)
{
    Resolver *r = ac->r;
    DbField *f = &r->db->fields[field];
    uint32_t n = f->ast->nattrs;
    if (n == 0)
        return;
    const uint8_t *codes = r->acodes + r->fcodes[field - r->fbase];
    if (scalar_field_plain(ac, field, f->ast->attrs, n, codes))
        return;
    ac_begin(ac, f->ast->attrs, n, false, codes);
    if (ac_single(ac, AT_MAP)) {
        field_map(ac, field);
        ac_validate_args(ac);
    }
    if (ac_single(ac, AT_IGNORE)) {
        field_ignore(ac, f);
        ac_validate_args(ac);
    }
    if (ac_single(ac, AT_RELATION)) {
        ac_error(ac, "`@relation` belongs on a relation field; `%s` is a scalar field", str_c(r->arena, f->name));
        ac_validate_args(ac);
    }
    if (ac_single(ac, AT_ID)) {
        field_id(ac, field);
        ac_validate_args(ac);
    }
    if (ac_single(ac, AT_UPDATED_AT)) {
        field_updated_at(ac, f);
        ac_validate_args(ac);
    }
    if (ac_single(ac, AT_DEFAULT)) {
        field_default(ac, field);
        ac_validate_args(ac);
    }
    if (f->kind == DBF_SCALAR) {
        const Attribute *nt = ac_scoped(ac);
        if (nt)
            field_native_type(ac, f, nt);
    }
    if (ac_single(ac, AT_UNIQUE)) {
        field_unique(ac, field);
        ac_validate_args(ac);
    }
    ac_end(ac);
}

/* ---- relation fields ---------------------------------------------------------------------- */

/* fields: [a, b] / references: [a, b] — names of scalar fields of `model`. */
static bool relation_field_list(AttrCtx *ac, const Expr *e, uint32_t model, uint32_t **out, uint32_t *n,
                                char **unknown, char **relations)
{
    Resolver *r = ac->r;
    Db *db = r->db;
    uint32_t count = e->kind == EXPR_ARRAY ? e->count : 1;
    bool ok = true;
    for (uint32_t i = 0; i < count; i++) {
        const Expr *it = e->kind == EXPR_ARRAY ? e->items[i] : e;
        if (it->kind != EXPR_CONSTANT) {
            mismatch(r, it, "a field name");
            ok = false;
        }
    }
    *unknown = *relations = NULL;
    if (!ok)
        return false;
    uint32_t *ids = arena_alloc(r->arena, (size_t)(count ? count : 1) * sizeof *ids);
    uint32_t nids = 0;
    for (uint32_t i = 0; i < count; i++) {
        Str name = (e->kind == EXPR_ARRAY ? e->items[i] : e)->text;
        uint32_t f = name_has_byte(name, '.') ? DB_NONE : resolve_find_field(db, model, name);
        if (f == DB_NONE) {
            problems_add(r->arena, unknown, name);
            continue;
        }
        if (!field_is_scalar(&db->fields[f])) {
            problems_add(r->arena, relations, name);
            continue;
        }
        for (uint32_t j = 0; j < nids; j++)
            if (ids[j] == f) {
                diag_error(r->diags, ac->cur->span, "the field `%s` is listed twice in `@relation`", str_c(r->arena, name));
                return false;
            }
        ids[nids++] = f;
    }
    if (*unknown || *relations)
        return false;
    *out = ids;
    *n = nids;
    return true;
}

static DbRefAction referential_action(AttrCtx *ac, const Arg *a)
{
    Str c;
    if (!co_constant(ac->r, a->value, &c))
        return DBACT_UNSET;
    switch (c.len) {
    case 7:
        if (!memcmp(c.ptr, "Cascade", 7))
            return DBACT_CASCADE;
        if (!memcmp(c.ptr, "SetNull", 7))
            return DBACT_SET_NULL;
        break;
    case 8:
        if (!memcmp(c.ptr, "Restrict", 8))
            return DBACT_RESTRICT;
        if (!memcmp(c.ptr, "NoAction", 8))
            return DBACT_NO_ACTION;
        break;
    case 10:
        if (!memcmp(c.ptr, "SetDefault", 10))
            return DBACT_SET_DEFAULT;
        break;
    default:
        break;
    }
    Diag *d = diag_error(ac->r->diags, a->value->span, "unknown referential action `%s`", str_c(ac->r->arena, c));
    diag_hint(ac->r->diags, d, "the actions are Cascade, Restrict, NoAction, SetNull and SetDefault");
    return DBACT_UNSET;
}

static void relation_attribute(AttrCtx *ac, RelField *rf)
{
    Resolver *r = ac->r;
    Db *db = r->db;
    rf->attr = ac->cur;
    const Arg *a = ac_optional(ac, ARG_FIELDS);
    if (a) {
        char *unknown, *relations;
        rf->has_fields = true;
        if (!relation_field_list(ac, a->value, rf->model, &rf->fields, &rf->nfields, &unknown, &relations)) {
            rf->nfields = 0;
            if (unknown)
                diag_error(r->diags, a->value->span, "`fields:` names fields that model `%s` does not have: %s",
                           str_c(r->arena, db->models[rf->model].name), unknown);
            if (relations)
                diag_error(r->diags, a->value->span, "`fields:` names relation fields: %s; it lists the scalar fields that hold the foreign key",
                           relations);
        }
    }
    a = ac_optional(ac, ARG_REFERENCES);
    if (a) {
        char *unknown, *relations;
        rf->has_refs = true;
        if (!relation_field_list(ac, a->value, rf->target, &rf->refs, &rf->nrefs, &unknown, &relations)) {
            rf->nrefs = 0;
            if (unknown)
                ac_error(ac, "`references:` names fields that model `%s` does not have: %s",
                         str_c(r->arena, db->models[rf->target].name), unknown);
            if (relations)
                ac_error(ac, "`references:` names relation fields of model `%s`: %s; it lists scalar fields",
                         str_c(r->arena, db->models[rf->target].name), relations);
        }
    }
    /* the name: errors about it are not reported (as in Prisma: a name given twice leaves the
     * relation unnamed, and the fields then do not pair) */
    DefArgStatus st = ac_default_arg(ac, ARG_NAME, &a);
    if (st == DEFARG_OK) {
        if (a->value->kind == EXPR_STRING) {
            if (a->value->value.len == 0)
                ac_error(ac, "a relation name must not be empty");
            else {
                rf->name = a->value->value;
                rf->has_name = true;
                rf->name_hash = relfield_name_hash(rf->name);
            }
        } else {
            mismatch(r, a->value, "a string (the relation name)");
        }
    }
    a = ac_optional(ac, ARG_ON_DELETE);
    if (a) {
        rf->on_delete = referential_action(ac, a);
        rf->on_delete_span = a->value->span;
    }
    a = ac_optional(ac, ARG_ON_UPDATE);
    if (a) {
        rf->on_update = referential_action(ac, a);
        rf->on_update_span = a->value->span;
    }
    bool has_map;
    rf->map = map_argument(ac, &has_map);
    rf->has_map = has_map;
}

static void relation_field_attributes(AttrCtx *ac, RelField *rf, const uint8_t *codes)
{
    Resolver *r = ac->r;
    DbField *f = &r->db->fields[rf->field];
    ac->model = rf->model;
    if (f->ast->nattrs == 0)
        return;
    if (f->ast->nattrs == 1 && (codes ? codes[0] : attr_code(f->ast->attrs[0]->name)) == AT_RELATION) {
        /* @relation("name") alone (the back side of most relations): its name, as
         * relation_attribute reads it when nothing else is given */
        const Attribute *a = f->ast->attrs[0];
        const ArgList *args = a->args;
        if (args && args->count == 1 && !args->trailing_comma && !args->items[0].name.len && args->items[0].value &&
            args->items[0].value->kind == EXPR_STRING && args->items[0].value->value.len) {
            rf->attr = a;
            rf->name = args->items[0].value->value;
            rf->has_name = true;
            rf->name_hash = relfield_name_hash(rf->name);
            return;
        }
        /* @relation alone: what the visitor would do, without its bookkeeping (nothing else to
         * look for, nothing left unused) */
        if (ac_set(ac, f->ast->attrs[0])) {
            relation_attribute(ac, rf);
            ac_validate_args(ac);
        }
        return;
    }
    ac_begin(ac, f->ast->attrs, f->ast->nattrs, false, codes);
    if (ac_single(ac, AT_RELATION)) {
        relation_attribute(ac, rf);
        ac_validate_args(ac);
    }
    if (ac_single(ac, AT_ID)) {
        ac_error(ac, "`%s` is a relation field and cannot be an id: an id is made of scalar fields", str_c(r->arena, f->name));
        ac_discard(ac);
    }
    if (ac_single(ac, AT_IGNORE)) {
        rf->ignored = true;
        f->ignored = true;
        ac_validate_args(ac);
    }
    if (ac_single(ac, AT_DEFAULT)) {
        ac_error(ac, "a relation field cannot have a default");
        ac_discard(ac);
    }
    if (ac_single(ac, AT_MAP)) {
        Diag *d = ac_error(ac, "`@map` cannot be used on relation field `%s`", str_c(r->arena, f->name));
        diag_hint(r->diags, d, "a relation field has no column; to name the foreign key use `@relation(map: \"...\")`");
        const Arg *a;
        DefArgStatus st = ac_default_arg(ac, ARG_NAME, &a);
        if (st != DEFARG_OK)
            defarg_report(ac, st, a, "name");
        ac_discard(ac);
    }
    if (ac_single(ac, AT_UNIQUE)) {
        char *fields = NULL;
        for (uint32_t i = 0; i < rf->nfields; i++)
            problems_add(r->arena, &fields, r->db->fields[rf->fields[i]].name);
        Diag *d = ac_error(ac, "`%s` is a relation field and cannot be `@unique`: only scalar fields can be unique",
                           str_c(r->arena, f->name));
        if (fields && rf->nfields == 1)
            diag_hint(r->diags, d, "did you mean to put it on `%s`?", fields);
        else if (fields)
            diag_hint(r->diags, d, "did you mean `@@unique([%s])`?", fields);
        ac_discard(ac);
    }
    ac_end(ac);
}

/* ---- blocks ----------------------------------------------------------------------------------- */

static void model_ignore(AttrCtx *ac)
{
    Resolver *r = ac->r;
    DbModel *m = &r->db->models[ac->model];
    for (uint32_t i = 0; i < m->nfields; i++) {
        DbField *f = &r->db->fields[m->first_field + i];
        if (field_is_scalar(f) && f->ignored)
            diag_error(r->diags, f->ast->span, "`@ignore` on `%s` is redundant: the model `%s` is `@@ignore`d",
                       str_c(r->arena, f->name), str_c(r->arena, m->name));
    }
    m->ignored = true;
}

static void schema_attribute(AttrCtx *ac, Str *schema, Span *span)
{
    const Arg *a;
    DefArgStatus st = ac_default_arg(ac, ARG_MAP, &a);
    if (st != DEFARG_OK) {
        defarg_report(ac, st, a, "map");
        return;
    }
    Str s;
    if (co_string(ac->r, a->value, &s)) {
        *schema = s;
        *span = a->value->span;
    }
}

/* The model's indexes are in place (from m->first_index on): its primary key follows them. */
static void flush_indexes(AttrCtx *ac)
{
    Resolver *r = ac->r;
    DbModel *m = &r->db->models[ac->model];
    m->nindexes = ac->npidx;
    if (!ac->has_pk)
        return;
    r->indexes = grow_big(r->indexes, &r->cap_indexes, r->nindexes + 1, sizeof *r->indexes);
    r->index_fields = grow_big(r->index_fields, &r->cap_index_fields, r->nindex_fields + ac->nifields + 1,
                               sizeof *r->index_fields);
    DbIndex idx = ac->pk.idx;
    idx.first_field = r->nindex_fields;
    idx.nfields = ac->nifields;
    if (ac->nifields)
        memcpy(r->index_fields + r->nindex_fields, ac->ifields, ac->nifields * sizeof *ac->ifields);
    r->nindex_fields += ac->nifields;
    m->pk = r->nindexes;
    r->indexes[r->nindexes++] = idx;
}

static void model_attributes(AttrCtx *ac, uint32_t model)
{
    Resolver *r = ac->r;
    Db *db = r->db;
    DbModel *m = &db->models[model];
    ac->model = model;
    ac->npidx = 0;
    ac->nifields = 0;
    ac->has_pk = false;
    m->first_index = r->nindexes;
    ac->pk_source_field = DB_NONE;
    maptab_reset(ac, m->nfields);

    for (uint32_t i = 0; i < m->nfields; i++) {
        uint32_t field = m->first_field + i;
        if (field_is_scalar(&db->fields[field]))
            scalar_field_attributes(ac, field);
    }

    const Block *b = m->ast;
    ac_begin(ac, b->attrs, b->nattrs, true, r->block_codes ? r->acodes : NULL);
    if (ac_single(ac, AT_IGNORE)) {
        model_ignore(ac);
        ac_validate_args(ac);
    }
    if (ac_single(ac, AT_ID)) {
        model_id(ac);
        ac_validate_args(ac);
    }
    if (ac_single(ac, AT_MAP)) {
        Str mapped;
        if (map_attribute(ac, &mapped)) {
            m->db_name = mapped;
            m->mapped = true;
            r->nt->model_map_attr[model] = ac->cur;
        }
        ac_validate_args(ac);
    }
    if (ac_single(ac, AT_SCHEMA)) {
        schema_attribute(ac, &m->schema, &r->nt->model_schema_span[model]);
        ac_validate_args(ac);
    }
    while (ac_repeated(ac, AT_INDEX)) {
        model_index(ac);
        ac_validate_args(ac);
    }
    while (ac_repeated(ac, AT_UNIQUE)) {
        model_unique(ac);
        ac_validate_args(ac);
    }
    while (ac_repeated(ac, AT_FULLTEXT)) {
        model_fulltext(ac);
        ac_validate_args(ac);
    }
    /* a field-level id must be required */
    if (!m->ignored && ac->has_pk && ac->pk_source_field != DB_NONE &&
        db->fields[ac->pk_source_field].arity != ARITY_REQUIRED) {
        const DbField *f = &db->fields[ac->pk_source_field];
        Diag *d = diag_error(r->diags, ac->pk.idx.attr->span, "the id field `%s` must be required, not %s",
                             str_c(r->arena, f->name), f->arity == ARITY_LIST ? "a list" : "optional");
        diag_note(r->diags, d, f->ast->type.span, "write `%s` here", str_c(r->arena, f->ast->type.name));
    }
    ac_end(ac);
    flush_indexes(ac);
}

static void enum_attributes(AttrCtx *ac, uint32_t en)
{
    Resolver *r = ac->r;
    DbEnum *e = &r->db->enums[en];
    for (uint32_t i = 0; i < e->nvalues; i++) {
        DbEnumValue *v = &r->db->enum_values[e->first_value + i];
        ac_begin(ac, v->ast->attrs, v->ast->nattrs, false, NULL);
        if (ac_single(ac, AT_MAP)) {
            Str mapped;
            if (map_attribute(ac, &mapped))
                v->db_name = mapped;
            ac_validate_args(ac);
        }
        ac_end(ac);
    }
    ac_begin(ac, e->ast->attrs, e->ast->nattrs, true, NULL);
    if (ac_single(ac, AT_MAP)) {
        Str mapped;
        if (map_attribute(ac, &mapped)) {
            e->db_name = mapped;
            e->mapped = true;
        }
        ac_validate_args(ac);
    }
    if (ac_single(ac, AT_SCHEMA)) {
        schema_attribute(ac, &e->schema, &r->nt->enum_schema_span[en]);
        ac_validate_args(ac);
    }
    ac_end(ac);
}

/* Composite types are rejected on these providers; their attributes are still read so that
 * unknown attributes and malformed arguments are reported as Prisma reports them. */
/* The default of a composite type's field: literals as for models; of the functions only
 * cuid(), uuid() and now() (nothing is generated by a database inside a document). */
static void composite_default(AttrCtx *ac, const Field *af)
{
    Resolver *r = ac->r;
    const Arg *a;
    DefArgStatus st = ac_default_arg(ac, ARG_VALUE, &a);
    if (st != DEFARG_OK) {
        defarg_report(ac, st, a, "value");
        return;
    }
    if (ac_optional(ac, ARG_MAP))
        ac_error(ac, "a field of a composite type cannot name its default (`map:`)");
    const Expr *v = a->value;
    if (expr_is_call(v, "dbgenerated")) {
        ac_error(ac, "a field of a composite type cannot default to `dbgenerated()`");
        return;
    }
    if (af->type.unsupported) {
        ac_error(ac, "an `Unsupported` field of a composite type cannot have a default");
        return;
    }
    static const char *const S[] = {"String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes"};
    int st_idx = -1;
    for (int k = 0; k < 9; k++)
        if (str_eq_cstr(af->type.name, S[k]))
            st_idx = k;
    bool list = af->type.arity == ARITY_LIST;
    if (st_idx < 0) {
        uint32_t t = namemap_get(&r->nt->names, SCOPE_TOPS, af->type.name);
        if (t != DB_NONE && TOP_KIND(t) == TOP_ENUM) {
            if (list && v->kind != EXPR_ARRAY)
                ac_error(ac, "the default of an enum list must be a list of its values, not `%s`", expr_to_text(r->arena, v));
            else if (list) {
                for (uint32_t i = 0; i < v->count; i++)
                    if (!enum_default_ok(ac, TOP_ID(t), v->items[i]))
                        break;
            } else
                (void)enum_default_ok(ac, TOP_ID(t), v);
        } else if (t != DB_NONE && TOP_KIND(t) == TOP_COMPOSITE) {
            ac_error(ac, "a field of composite type cannot have a default: remove `@default`");
        }
        return;
    }
    ScalarType stype = (ScalarType)st_idx;
    if (v->kind == EXPR_CALL) {
        Str fn = v->text;
        DbDefault def = {0};
        if (stype == SCALAR_STRING && str_eq_cstr(fn, "uuid"))
            versioned_fn(ac, v, "uuid", &def, DBDEF_UUID);
        else if (stype == SCALAR_STRING && str_eq_cstr(fn, "cuid"))
            versioned_fn(ac, v, "cuid", &def, DBDEF_CUID);
        else if (stype == SCALAR_DATETIME && str_eq_cstr(fn, "now"))
            no_arguments_fn(ac, v, "now", &def, DBDEF_NOW);
        else if (str_eq_cstr(fn, "autoincrement") || str_eq_cstr(fn, "auto"))
            ac_error(ac, "`%s()` cannot be the default of a field of a composite type", str_c(r->arena, fn));
        else if (!known_function(fn))
            diag_error(r->diags, v->span, "unknown function `%s()` in `@default`", str_c(r->arena, fn));
        else
            ac_error(ac, "`%s()` cannot be the default of %s %s field", str_c(r->arena, fn), db_scalar_name(stype)[0] == 'I' ? "an" : "a", db_scalar_name(stype));
        return;
    }
    if (list) {
        if (v->kind != EXPR_ARRAY) {
            ac_error(ac, "the default of a list field must be a list: `[%s]`", expr_to_text(r->arena, v));
            return;
        }
        for (uint32_t i = 0; i < v->count; i++)
            if (!default_literal_ok(ac, stype, v->items[i]))
                return;
    } else if (v->kind == EXPR_ARRAY) {
        ac_error(ac, "the default of a field that is not a list cannot be a list");
    } else {
        (void)default_literal_ok(ac, stype, v);
    }
}

/* Composite types are rejected on these providers; their attributes are still read so that
 * unknown attributes and malformed arguments are reported as Prisma reports them. */
static void composite_type_attributes(AttrCtx *ac, uint32_t ct)
{
    Resolver *r = ac->r;
    const Block *b = r->db->composite_types[ct].ast;
    for (uint32_t i = 0; i < b->nfields; i++) {
        const Field *af = b->fields[i];
        if (!af->has_type || af->legacy_colon || af->type.form != TYPEFORM_PLAIN)
            continue;
        ac_begin(ac, af->attrs, af->nattrs, false, NULL);
        bool scalar = false;
        static const char *const S[] = {"String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes"};
        for (unsigned k = 0; !af->type.unsupported && k < 9; k++)
            scalar |= str_eq_cstr(af->type.name, S[k]);
        if (scalar)
            (void)ac_scoped(ac);
        if (ac_single(ac, AT_MAP)) {
            Str mapped;
            if (map_attribute(ac, &mapped)) {
                /* a mapped name equal to another field's name (fields without a @map of their own) */
                uint32_t other = namemap_get(&r->nt->names, SCOPE_CTFIELD | ct, mapped);
                if (other != DB_NONE && other != i) {
                    bool other_mapped = false;
                    const Field *of = b->fields[other];
                    for (uint32_t k = 0; k < of->nattrs; k++)
                        other_mapped |= str_eq_cstr(of->attrs[k]->name, "map");
                    if (!other_mapped)
                        diag_error(r->diags, af->span, "the field `%s` maps to `%s`, the name of another field of composite type `%s`",
                                   str_c(r->arena, af->name), str_c(r->arena, mapped), str_c(r->arena, b->name));
                }
            }
            ac_validate_args(ac);
        }
        if (ac_single(ac, AT_DEFAULT)) {
            composite_default(ac, af);
            ac_validate_args(ac);
        }
        ac_end(ac);
    }
}

AttrCtx *resolve_attr_ctx_new(Resolver *r)
{
    AttrCtx *ac = calloc(1, sizeof *ac);
    if (!ac) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    ac->r = r;
    /* room for one argument at least (ac_set_plain) */
    ac->live = grow(ac->live, &ac->caplive, 8, 1);
    ac->argcode = grow(ac->argcode, &ac->capargcode, 8, 1);
    return ac;
}

void resolve_attr_ctx_free(AttrCtx *ac)
{
    if (!ac)
        return;
    free(ac->used);
    free(ac->els);
    free(ac->ids);
    free(ac->maptab);
    free(ac->codebuf);
    free(ac->argcode);
    free(ac->live);
    free(ac->ifields);
    free(ac);
}

void resolve_model_attributes(AttrCtx *ac, uint32_t model)
{
    model_attributes(ac, model);
}

void resolve_enum_attributes(AttrCtx *ac, uint32_t en)
{
    enum_attributes(ac, en);
}

void resolve_composite_type_attributes(AttrCtx *ac, uint32_t ct)
{
    composite_type_attributes(ac, ct);
}

void resolve_relation_field_attributes(AttrCtx *ac, RelField *rf, const uint8_t *codes)
{
    relation_field_attributes(ac, rf, codes);
}

void resolve_attributes(Resolver *r)
{
    Db *db = r->db;
    struct DbNameTable *nt = r->nt;
    /* the relation fields, in Prisma's order */
    uint32_t nrel = 0;
    for (uint32_t i = 0; i < db->nfields; i++)
        nrel += db->fields[i].kind == DBF_RELATION;
    nt->relfields = arena_alloc(r->arena, (size_t)(nrel ? nrel : 1) * sizeof *nt->relfields);
    for (uint32_t i = 0; i < db->nfields; i++) {
        DbField *f = &db->fields[i];
        if (f->kind != DBF_RELATION)
            continue;
        RelField *rf = &nt->relfields[nt->nrelfields];
        rf->field = i;
        rf->model = f->model;
        rf->target = f->type_id;
        nt->field_relfield[i] = nt->nrelfields++;
    }

    /* room for the indexes the name pass counted: no regrowth */
    r->indexes = grow_big(r->indexes, &r->cap_indexes, r->nindex_attrs + 1, sizeof *r->indexes);
    r->index_fields = grow_big(r->index_fields, &r->cap_index_fields, r->nindex_elems + 1, sizeof *r->index_fields);

    AttrCtx *ac = resolve_attr_ctx_new(r);
    for (uint32_t i = 0; i < nt->nrelfields; i++) {
        RelField *rf = &nt->relfields[i];
        relation_field_attributes(ac, rf, r->acodes + r->fcodes[rf->field - r->fbase]);
    }

    uint32_t model = 0, en = 0, ct = 0;
    for (uint32_t bi = 0; bi < r->ast->nblocks; bi++) {
        switch (r->ast->blocks[bi]->kind) {
        case BLOCK_MODEL:
        case BLOCK_VIEW:
            model_attributes(ac, model++);
            break;
        case BLOCK_ENUM:
            enum_attributes(ac, en++);
            break;
        case BLOCK_TYPE:
            composite_type_attributes(ac, ct++);
            break;
        default:
            break;
        }
    }
    resolve_attr_ctx_free(ac);
    resolve_output_move(r, r);
}

void resolve_output_reserve(Resolver *r, uint32_t nindexes, uint32_t nindex_fields)
{
    r->indexes = grow_big(r->indexes, &r->cap_indexes, nindexes, sizeof *r->indexes);
    r->index_fields = grow_big(r->index_fields, &r->cap_index_fields, nindex_fields, sizeof *r->index_fields);
}

void resolve_output_reserve_db(Resolver *into, uint32_t nindexes, uint32_t nindex_fields)
{
    Db *db = into->db;
    struct DbNameTable *nt = into->nt;
    if (db->nindexes + nindexes > nt->cap_indexes) {
        Db *d = db;
        DbIndex *p = arena_alloc_raw(into->arena, (size_t)(d->nindexes + nindexes) * sizeof *p);
        if (d->nindexes)
            memcpy(p, d->indexes, (size_t)d->nindexes * sizeof *p);
        d->indexes = p;
        nt->cap_indexes = d->nindexes + nindexes;
    }
    if (db->nindex_fields + nindex_fields > nt->cap_index_fields) {
        DbIndexField *p = arena_alloc_raw(into->arena, (size_t)(db->nindex_fields + nindex_fields) * sizeof *p);
        if (db->nindex_fields)
            memcpy(p, db->index_fields, (size_t)db->nindex_fields * sizeof *p);
        db->index_fields = p;
        nt->cap_index_fields = db->nindex_fields + nindex_fields;
    }
}

/* `n` more elements for an arena array of `count` (copied to new storage of exactly that size). */
static void *arena_extend(Arena *a, void *items, uint32_t count, uint32_t n, size_t elem)
{
    void *p = arena_alloc_raw(a, (size_t)(count + n) * elem);
    if (count)
        memcpy(p, items, (size_t)count * elem);
    return p;
}

void resolve_output_place(Resolver *from, uint32_t index_base, uint32_t field_base)
{
    Db *db = from->db;
    for (uint32_t k = 0; k < from->nindexes; k++) {
        DbIndex idx = from->indexes[k];
        idx.first_field += field_base;
        db->indexes[index_base + k] = idx;
    }
    if (from->nindex_fields)
        memcpy(db->index_fields + field_base, from->index_fields, from->nindex_fields * sizeof *db->index_fields);
    arena_big_free(from->indexes, (size_t)from->cap_indexes * sizeof *from->indexes);
    arena_big_free(from->index_fields, (size_t)from->cap_index_fields * sizeof *from->index_fields);
    from->indexes = NULL;
    from->index_fields = NULL;
    from->nindexes = from->nindex_fields = 0;
    from->cap_indexes = from->cap_index_fields = 0;
}

/* Appends what `from`'s attribute pass made to the Db (in the arena of `into`), its ids moved by
 * what is already there, and frees `from`'s arrays. The models that pass read keep their
 * first_index and pk as `from` numbered them: the caller moves those. */
void resolve_output_move(Resolver *into, Resolver *from)
{
    Db *db = into->db;
    struct DbNameTable *nt = into->nt;
    Arena *a = into->arena;
    uint32_t nindexes = from->nindexes, nindex_fields = from->nindex_fields;
    resolve_output_reserve_db(into, nindexes, nindex_fields);
    resolve_output_place(from, db->nindexes, db->nindex_fields);
    db->nindexes += nindexes;
    db->nindex_fields += nindex_fields;
    if (from->nunknown_fn_fields) {
        uint32_t ubase = nt->nunknown_fn_fields;
        nt->unknown_fn_fields = arena_extend(a, nt->unknown_fn_fields, ubase, from->nunknown_fn_fields,
                                             sizeof *nt->unknown_fn_fields);
        memcpy(nt->unknown_fn_fields + ubase, from->unknown_fn_fields,
               from->nunknown_fn_fields * sizeof *nt->unknown_fn_fields);
        nt->nunknown_fn_fields += from->nunknown_fn_fields;
        nt->capunknown_fn_fields = nt->nunknown_fn_fields;
    }
    free(from->unknown_fn_fields);
    from->unknown_fn_fields = NULL;
    from->nunknown_fn_fields = from->capunknown_fn_fields = 0;
}
