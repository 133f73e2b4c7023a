/* Relation completion: the fields and @relation arguments `prisma format` adds to a schema whose
 * parser database (names, types, attributes, relations) has no errors.
 *
 * For each 1:1 and 1:n relation, in the order Prisma creates them (A holds the foreign key, B is
 * referenced):
 *   - the back relation field on B when missing: `camel(A)` (1:1, `A?`) or `plural(camel(A))`
 *     (1:n, `A[]`), `@ignore` when A is ignored;
 *   - the forward relation field on A when missing: `camel(B) B? @relation(fields: [...],
 *     references: [...])`;
 *   - the scalar fields `fields:` would name, when the forward field has no `fields:`: one per
 *     field of B's first unique criterion, named lowerFirst(B) + upperFirst(field), typed like
 *     that field (with its native type attribute), unless a scalar field of that name exists;
 *   - a missing `@relation(fields: ..., references: ...)` after the forward field's type;
 *   - missing `fields:` / `references:` arguments of an existing `@relation`.
 * Snippets are produced in that order (all fields first, then attributes, then arguments) and
 * applied stably by offset, as Prisma does. */
#include "format_internal.h"

#include <stdlib.h>

typedef struct Completer {
    const Db *db;
    Arena *arena;
    FormatInsertion *items;
    uint32_t count, cap;
    uint32_t *crit;         /* scratch: the fields of a unique criterion */
    uint32_t ncrit, capcrit;
} Completer;

static void add(Completer *c, uint32_t file, uint32_t offset, Buf *text)
{
    char *p = arena_alloc_raw(c->arena, text->len + 1);
    memcpy(p, text->ptr, text->len);
    p[text->len] = '\0';
    FormatInsertion ins = {file, offset, {p, (uint32_t)text->len}};
    ARENA_PUSH(c->arena, c->items, c->count, c->cap, ins);
    text->len = 0;
}

static const DbField *field_at(const Completer *c, uint32_t id)
{
    return id == DB_NONE ? NULL : &c->db->fields[id];
}

static bool field_is_optional(const DbField *f)
{
    return f->arity == ARITY_OPTIONAL;
}

/* A model's unique criteria in Prisma's order: the primary key, then the unique indexes
 * (field-level @unique in field order, then @@unique in attribute order). Calls `visit` with
 * each criterion's fields until it returns true; returns whether one was accepted. */
typedef bool (*CriterionFn)(Completer *c, const uint32_t *fields, uint32_t n, void *state);

static bool index_fields(Completer *c, const DbIndex *ix)
{
    c->ncrit = 0;
    for (uint32_t k = 0; k < ix->nfields; k++) {
        uint32_t fid = c->db->index_fields[ix->first_field + k].field;
        if (c->ncrit == c->capcrit) {
            c->capcrit = c->capcrit ? c->capcrit * 2 : 8;
            c->crit = realloc(c->crit, c->capcrit * sizeof *c->crit);
            if (!c->crit) {
                fprintf(stderr, "prismac: out of memory\n");
                exit(2);
            }
        }
        c->crit[c->ncrit++] = fid;
    }
    return true;
}

static bool each_criterion(Completer *c, uint32_t model, CriterionFn visit, void *state)
{
    const DbModel *m = &c->db->models[model];
    if (m->pk != DB_NONE) {
        index_fields(c, &c->db->indexes[m->pk]);
        if (visit(c, c->crit, c->ncrit, state))
            return true;
    }
    /* field-level @unique come first, then @@unique, whatever the order of the indexes */
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < m->nindexes; i++) {
            const DbIndex *ix = &c->db->indexes[m->first_index + i];
            if (ix->kind != DBIDX_UNIQUE || ix->field_level != (pass == 0))
                continue;
            index_fields(c, ix);
            if (visit(c, c->crit, c->ncrit, state))
                return true;
        }
    }
    return false;
}

static bool accept_first(Completer *c, const uint32_t *fields, uint32_t n, void *state)
{
    (void)c, (void)fields, (void)n, (void)state;
    return true;
}

/* Prisma's "strict" criterion: no optional and no Unsupported field. */
static bool accept_strict(Completer *c, const uint32_t *fields, uint32_t n, void *state)
{
    (void)state;
    for (uint32_t i = 0; i < n; i++) {
        const DbField *f = &c->db->fields[fields[i]];
        if (field_is_optional(f) || f->kind == DBF_UNSUPPORTED)
            return false;
    }
    return true;
}

/* An inferred scalar field: B's first unique criterion's field `blueprint`, named
 * lowerFirst(B) + upperFirst(blueprint). */
typedef struct Inferred {
    Str name;
    FieldArity arity;
    const DbField *blueprint;
    bool exists;            /* a scalar field of that name exists in A */
} Inferred;

typedef struct Relation {
    const DbRelation *rel;
    const DbModel *a, *b;
    uint32_t model_a, model_b;
    const DbField *forward, *back;
    const Arg *fields_arg, *references_arg;     /* on the forward field's @relation */
    Inferred *inferred;
    uint32_t ninferred;
} Relation;

static const Arg *relation_arg(const Attribute *attr, const char *name)
{
    if (!attr || !attr->args)
        return NULL;
    const Arg *a = ast_arg_find(attr->args, name);
    return a && a->value ? a : NULL;
}

static uint32_t scalar_field_named(const Completer *c, uint32_t model, Str name)
{
    uint32_t id = db_find_field(c->db, model, name);
    if (id == DB_NONE || c->db->fields[id].kind == DBF_RELATION)
        return DB_NONE;
    return id;
}

static void infer_scalars(Completer *c, Relation *r)
{
    r->ninferred = 0;
    r->inferred = NULL;
    if (!each_criterion(c, r->model_b, accept_first, NULL))
        return;
    r->inferred = arena_alloc(c->arena, (size_t)c->ncrit * sizeof *r->inferred);
    Str lower_b = format_name_lower_first(c->arena, r->b->name);
    for (uint32_t i = 0; i < c->ncrit; i++) {
        const DbField *bp = &c->db->fields[c->crit[i]];
        Str upper = format_name_upper_first(c->arena, bp->name);
        char *name = arena_alloc_raw(c->arena, (size_t)lower_b.len + upper.len + 1);
        memcpy(name, lower_b.ptr, lower_b.len);
        memcpy(name + lower_b.len, upper.ptr, upper.len);
        name[lower_b.len + upper.len] = '\0';
        Inferred *inf = &r->inferred[r->ninferred++];
        inf->name = (Str){name, lower_b.len + upper.len};
        inf->blueprint = bp;
        uint32_t existing = scalar_field_named(c, r->model_a, inf->name);
        inf->exists = existing != DB_NONE;
        if (existing != DB_NONE)
            inf->arity = c->db->fields[existing].arity;
        else
            inf->arity = r->forward ? r->forward->arity : ARITY_OPTIONAL;
    }
}

static const char *arity_text(FieldArity a)
{
    return a == ARITY_OPTIONAL ? "?" : a == ARITY_LIST ? "[]" : "";
}

/* `fields: [a, b]` from the inferred names. */
static void put_fields_arg(Buf *b, const Relation *r)
{
    buf_puts(b, "fields: [");
    for (uint32_t i = 0; i < r->ninferred; i++) {
        if (i)
            buf_puts(b, ", ");
        buf_put_str(b, r->inferred[i].name);
    }
    buf_puts(b, "]");
}

static void put_expr_names(Buf *b, const Expr *e, bool *first)
{
    if (e->kind == EXPR_ARRAY) {
        for (uint32_t i = 0; i < e->count; i++)
            put_expr_names(b, e->items[i], first);
        return;
    }
    if (!*first)
        buf_puts(b, ", ");
    *first = false;
    buf_put_str(b, e->kind == EXPR_STRING ? e->value : e->text);
}

/* `references: [...]`: the forward field's own `references:`, else the fields of B's first
 * strict unique criterion (possibly none). */
static void put_references_arg(Completer *c, Buf *b, const Relation *r)
{
    buf_puts(b, "references: [");
    if (r->references_arg) {
        bool first = true;
        put_expr_names(b, r->references_arg->value, &first);
    } else if (each_criterion(c, r->model_b, accept_strict, NULL)) {
        for (uint32_t i = 0; i < c->ncrit; i++) {
            if (i)
                buf_puts(b, ", ");
            buf_put_str(b, c->db->fields[c->crit[i]].name);
        }
    }
    buf_puts(b, "]");
}

static uint32_t model_file(const DbModel *m)
{
    return m->ast->close_brace.file;
}

static uint32_t model_end(const DbModel *m)
{
    return m->ast->close_brace.start;
}

static void missing_fields(Completer *c, Relation *r, Buf *b)
{
    if (!r->back) {
        Str camel = format_name_camel(c->arena, r->a->name);
        bool one = r->rel->kind == DBREL_ONE_TO_ONE;
        buf_put_str(b, one ? camel : format_name_plural(c->arena, camel));
        buf_putc(b, ' ');
        buf_put_str(b, r->a->name);
        buf_puts(b, one ? "? " : "[] ");
        if (r->a->ignored)
            buf_puts(b, "@ignore");
        buf_putc(b, '\n');
        add(c, model_file(r->b), model_end(r->b), b);
    }
    if (!r->forward) {
        bool optional = false;
        for (uint32_t i = 0; i < r->ninferred; i++)
            if (r->inferred[i].arity == ARITY_OPTIONAL)
                optional = true;
        buf_put_str(b, format_name_camel(c->arena, r->b->name));
        buf_putc(b, ' ');
        buf_put_str(b, r->b->name);
        buf_puts(b, optional ? "? @relation(" : " @relation(");
        put_fields_arg(b, r);
        buf_puts(b, ", ");
        put_references_arg(c, b, r);
        buf_puts(b, ")\n");
        add(c, model_file(r->a), model_end(r->a), b);
    }
    if (r->fields_arg)
        return;
    for (uint32_t i = 0; i < r->ninferred; i++) {
        const Inferred *inf = &r->inferred[i];
        if (inf->exists)
            continue;
        if (inf->blueprint->kind != DBF_SCALAR)
            return;     /* not a builtin scalar type: Prisma stops adding this relation's fields */
        buf_put_str(b, inf->name);
        buf_putc(b, ' ');
        buf_puts(b, db_scalar_name(inf->blueprint->scalar));
        buf_puts(b, arity_text(inf->arity));
        buf_putc(b, ' ');
        const Attribute *native = inf->blueprint->native->attr;
        if (native && inf->blueprint->native->name.len)
            buf_put_str(b, ast_span_text(c->db->ast, native->span));
        buf_putc(b, '\n');
        add(c, model_file(r->a), model_end(r->a), b);
    }
}

/* Where a missing @relation goes: right after the type name and any `[`, `]`, `?`, `!`. */
static uint32_t after_type(const Completer *c, const Field *f)
{
    const Source *src = &c->db->ast->sources->files[f->type.name_span.file];
    uint32_t p = f->type.name_span.end;
    while (p < src->len && (src->text[p] == '[' || src->text[p] == ']' || src->text[p] == '?' || src->text[p] == '!'))
        p++;
    return p;
}

static void missing_attribute(Completer *c, Relation *r, Buf *b)
{
    if (!r->forward || r->rel->attr)
        return;
    buf_puts(b, " @relation(");
    put_fields_arg(b, r);
    buf_puts(b, ", ");
    put_references_arg(c, b, r);
    buf_puts(b, ")");
    add(c, r->forward->ast->type.name_span.file, after_type(c, r->forward->ast), b);
}

static void missing_arguments(Completer *c, Relation *r, Buf *b)
{
    const Attribute *attr = r->rel->attr;
    if (!r->forward || !attr || (r->fields_arg && r->references_arg))
        return;
    uint32_t nargs = 0;
    if (attr->args)
        for (uint32_t i = 0; i < attr->args->count; i++)
            if (attr->args->items[i].value)
                nargs++;
    buf_puts(b, nargs ? ", " : "(");
    if (!r->fields_arg)
        put_fields_arg(b, r);
    if (!r->references_arg) {
        if (!r->fields_arg)
            buf_puts(b, ", ");
        put_references_arg(c, b, r);
    }
    if (!nargs)
        buf_puts(b, ")");
    add(c, attr->span.file, nargs ? attr->span.end - 1 : attr->span.end, b);
}

void format_completions(const Db *db, Arena *arena, FormatInsertion **out, uint32_t *count)
{
    *out = NULL;
    *count = 0;
    if (!db || db->resolve_errors)
        return;
    Completer c = {.db = db, .arena = arena};
    Relation *rels = calloc(db->nrelations ? db->nrelations : 1, sizeof *rels);
    uint32_t nrels = 0;
    if (!rels) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    for (uint32_t i = 0; i < db->nrelations; i++) {
        const DbRelation *rel = &db->relations[i];
        if (rel->kind == DBREL_MANY_TO_MANY || rel->embedded)
            continue;
        Relation *r = &rels[nrels++];
        r->rel = rel;
        r->model_a = rel->model_a;
        r->model_b = rel->model_b;
        r->a = &db->models[rel->model_a];
        r->b = &db->models[rel->model_b];
        r->forward = field_at(&c, rel->field_a);
        r->back = field_at(&c, rel->field_b);
        r->fields_arg = r->forward ? relation_arg(rel->attr, "fields") : NULL;
        r->references_arg = r->forward ? relation_arg(rel->attr, "references") : NULL;
        /* the inferred scalar fields matter only where `fields:` is missing */
        if (!r->forward || !r->fields_arg)
            infer_scalars(&c, r);
    }
    Buf b = {0};
    for (uint32_t i = 0; i < nrels; i++)
        missing_fields(&c, &rels[i], &b);
    for (uint32_t i = 0; i < nrels; i++)
        missing_attribute(&c, &rels[i], &b);
    for (uint32_t i = 0; i < nrels; i++)
        missing_arguments(&c, &rels[i], &b);
    buf_free(&b);
    free(rels);
    free(c.crit);
    *out = c.items;
    *count = c.count;
}

typedef struct Placed {
    uint32_t offset, seq;
    Str text;
} Placed;

static int compare_placed(const void *x, const void *y)
{
    const Placed *a = x, *b = y;
    if (a->offset != b->offset)
        return a->offset < b->offset ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

Str format_apply_insertions(Arena *arena, const Source *src, uint32_t file, const FormatInsertion *ins,
                            uint32_t count)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < count; i++)
        n += ins[i].file == file;
    if (n == 0)
        return (Str){src->text, src->len};
    Placed *placed = malloc(n * sizeof *placed);
    if (!placed) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    n = 0;
    size_t extra = 0;
    for (uint32_t i = 0; i < count; i++)
        if (ins[i].file == file) {
            placed[n] = (Placed){ins[i].offset, i, ins[i].text};
            extra += ins[i].text.len;
            n++;
        }
    qsort(placed, n, sizeof *placed, compare_placed);
    char *out = arena_alloc_raw(arena, src->len + extra + 1);
    size_t len = 0, from = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t at = placed[i].offset > src->len ? src->len : placed[i].offset;
        memcpy(out + len, src->text + from, at - from);
        len += at - from;
        memcpy(out + len, placed[i].text.ptr, placed[i].text.len);
        len += placed[i].text.len;
        from = at;
    }
    memcpy(out + len, src->text + from, src->len - from);
    len += src->len - from;
    out[len] = '\0';
    free(placed);
    return (Str){out, (uint32_t)len};
}
