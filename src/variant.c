/* Provider variants: edits through the syntax tree's spans, then a check that the result is
 * valid for the target, with any problem reported where it comes from in the source.
 *
 * The check resolves and validates the variant. When the edits are only the provider's value
 * and dropped native type attributes (the usual case), the variant's syntax tree is the
 * source's with the same edits made to the tree: parsing the variant's text again would give
 * that tree, node for node, with spans moved by the edits. Resolving that tree gives the
 * source's Db but for what depends on the provider (the datasource and generator blocks, read
 * after the models) and the native types: so the variant's Db is derived from the source's
 * (db_resolve_derived), its spans already the source's, where errors are reported. Other
 * edits (lines and arguments the options drop) are checked by parsing the variant's text.
 * tests/test_variant.c checks that every route gives the same Db and the same result. */
#include "prismac/variant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Variant {
    const Db *db;
    const VariantOptions *opt;
    Arena *arena;
    VariantResult *out;
    Diags *diags;
    SourceSet *sources;
    const char *target_name;
    const Property *provider;       /* the `provider` whose value the variant replaces */
    const Attribute **dropped;      /* the native type attributes it drops */
    uint32_t ndropped, capdropped;
    bool text_edits;                /* edits the tree route does not make (see above) */
    bool dropped_all;               /* every native type attribute is dropped */
} Variant;

static void variant_edit(Variant *v, uint32_t file, uint32_t start, uint32_t end, const char *text)
{
    VariantEdit e = {file, start, end, text};
    ARENA_PUSH(v->arena, v->out->edits, v->out->nedits, v->out->capedits, e);
}

static const char *src_text(Variant *v, uint32_t file)
{
    return v->sources->files[file].text;
}

/* Removes a span and the blanks before it on its line: `String?  @db.Text` -> `String?`. */
static void remove_with_blanks(Variant *v, Span span)
{
    const char *t = src_text(v, span.file);
    uint32_t start = span.start;
    while (start > 0 && (t[start - 1] == ' ' || t[start - 1] == '\t'))
        start--;
    variant_edit(v, span.file, start, span.end, "");
}

/* Removes a span that stands alone on its line (an attribute line, a property) with the whole
 * line; otherwise only the span and the blanks before it. */
static void remove_line_or_span(Variant *v, Span span)
{
    v->text_edits = true;
    const char *t = src_text(v, span.file);
    uint32_t len = v->sources->files[span.file].len;
    uint32_t ls = span.start, le = span.end;
    while (ls > 0 && (t[ls - 1] == ' ' || t[ls - 1] == '\t'))
        ls--;
    while (le < len && (t[le] == ' ' || t[le] == '\t'))
        le++;
    bool line_start = ls == 0 || t[ls - 1] == '\n' || t[ls - 1] == '\r';
    bool line_end = le == len || t[le] == '\n' || t[le] == '\r';
    if (line_start && line_end) {
        if (le < len && t[le] == '\r')
            le++;
        if (le < len && t[le] == '\n')
            le++;
        variant_edit(v, span.file, ls, le, "");
    } else {
        remove_with_blanks(v, span);
    }
}

/* Removes argument `i` of a list with the comma that separates it from its neighbour; the only
 * argument goes with its parentheses (`@id(map: "x")` becomes `@id`). */
static void remove_arg(Variant *v, const ArgList *args, uint32_t i)
{
    v->text_edits = true;
    const Arg *a = &args->items[i];
    uint32_t start = a->span.start, end = a->span.end;
    if (args->count == 1) {
        start = args->span.start;
        end = args->span.end;
    } else if (i + 1 < args->count) {
        end = args->items[i + 1].span.start;             /* "x, " of "x, y" */
    } else if (i > 0) {
        start = args->items[i - 1].span.end;             /* ", y" of "x, y" */
    } else if (args->trailing_comma) {
        end = args->trailing_comma + 1;
    }
    variant_edit(v, a->span.file, start, end, "");
}

static const char *provider_literal(DbProvider p)
{
    return p == PROVIDER_SQLITE ? "\"sqlite\"" : "\"postgresql\"";
}

/* ---- what cannot carry over to SQLite ---------------------------------------------------- */

static Diag *not_carried(Variant *v, Span span, const char *what, const char *option)
{
    Diag *d = diag_error(v->diags, span, "%s cannot carry over to %s", what, v->target_name);
    if (option)
        d->note = arena_sprintf(v->arena, "%s drops it from the variant", option);
    return d;
}

static void to_sqlite_datasource(Variant *v, const DbDatasource *ds)
{
    for (uint32_t i = 0; i < ds->ast->nprops; i++) {
        const Property *p = ds->ast->props[i];
        if (str_eq_cstr(p->key, "schemas")) {
            if (v->opt->drop_schemas)
                remove_line_or_span(v, p->span);
            else
                not_carried(v, p->span, "`schemas` (several database schemas)", "--drop-schemas");
        } else if (str_eq_cstr(p->key, "extensions")) {
            if (v->opt->drop_extensions)
                remove_line_or_span(v, p->span);
            else
                not_carried(v, p->span, "`extensions` (PostgreSQL extensions)", "--drop-extensions");
        }
    }
}

static void to_sqlite_block_schema(Variant *v, const Block *b)
{
    for (uint32_t i = 0; b && i < b->nattrs; i++) {
        const Attribute *a = b->attrs[i];
        if (!str_eq_cstr(a->name, "schema"))
            continue;
        if (v->opt->drop_schemas)
            remove_line_or_span(v, a->span);
        else
            not_carried(v, a->span, "`@@schema`", "--drop-schemas");
    }
}

/* `map:` naming a primary key or a foreign key: SQLite has no names for them. */
static void to_sqlite_constraint_name(Variant *v, const Attribute *attr, const char *what)
{
    if (!attr || !attr->args)
        return;
    for (uint32_t i = 0; i < attr->args->count; i++) {
        if (!str_eq_cstr(attr->args->items[i].name, "map"))
            continue;
        if (v->opt->drop_constraint_names)
            remove_arg(v, attr->args, i);
        else
            not_carried(v, attr->args->items[i].span, what, "--drop-constraint-names");
    }
}

/* `type: Hash` on an index, `ops:` on its fields. */
static void to_sqlite_index_type(Variant *v, const Db *db, const DbIndex *x)
{
    const Attribute *attr = x->attr;
    if (!attr || !attr->args)
        return;
    for (uint32_t i = 0; i < attr->args->count; i++) {
        const Arg *arg = &attr->args->items[i];
        if (!str_eq_cstr(arg->name, "type") || !arg->value || str_eq_cstr(arg->value->text, "BTree"))
            continue;
        if (v->opt->drop_index_types)
            remove_arg(v, attr->args, i);
        else
            not_carried(v, arg->span, arena_sprintf(v->arena, "index type `%.*s`", (int)arg->value->text.len,
                                                    arg->value->text.ptr), "--drop-index-types");
    }
    for (uint32_t k = 0; k < x->nfields; k++) {
        const DbIndexField *f = &db->index_fields[x->first_field + k];
        if (!f->ops.len || !f->expr || f->expr->kind != EXPR_CALL || !f->expr->args)
            continue;
        const ArgList *args = f->expr->args;
        for (uint32_t i = 0; i < args->count; i++) {
            if (!str_eq_cstr(args->items[i].name, "ops"))
                continue;
            if (!v->opt->drop_index_types) {
                not_carried(v, args->items[i].span, "an operator class (`ops:`)", "--drop-index-types");
            } else if (args->count == 1) {
                /* `name(ops: X)` becomes `name` */
                v->text_edits = true;
                variant_edit(v, f->expr->span.file, args->span.start, args->span.end, "");
            } else {
                remove_arg(v, args, i);
            }
        }
    }
}

static void to_sqlite(Variant *v)
{
    const Db *db = v->db;
    v->dropped_all = true;
    if (db->datasource)
        to_sqlite_datasource(v, db->datasource);
    for (uint32_t m = 0; m < db->nmodels; m++) {
        const DbModel *model = &db->models[m];
        to_sqlite_block_schema(v, model->ast);
        for (uint32_t i = 0; i < model->nfields; i++) {
            const DbField *f = &db->fields[model->first_field + i];
            if (f->native->attr) {
                remove_with_blanks(v, f->native->attr->span);
                ARENA_PUSH(v->arena, v->dropped, v->ndropped, v->capdropped, f->native->attr);
                v->out->nremoved_native++;
            }
            if (f->arity == ARITY_LIST && (f->kind == DBF_SCALAR || f->kind == DBF_ENUM) && f->ast)
                not_carried(v, f->ast->type.span,
                            arena_sprintf(v->arena, "the list `%.*s.%.*s` (%.*s)", (int)model->name.len,
                                          model->name.ptr, (int)f->name.len, f->name.ptr,
                                          (int)(f->ast->type.span.end - f->ast->type.span.start),
                                          src_text(v, f->ast->type.span.file) + f->ast->type.span.start),
                            NULL)->note = "SQLite has no list columns; store the values in a related model or a Json field";
        }
        if (model->pk != DB_NONE)
            to_sqlite_constraint_name(v, db->indexes[model->pk].attr, "a primary key name (`map:`)");
        for (uint32_t i = 0; i < model->nindexes; i++)
            to_sqlite_index_type(v, db, &db->indexes[model->first_index + i]);
    }
    for (uint32_t e = 0; e < db->nenums; e++)
        to_sqlite_block_schema(v, db->enums[e].ast);
    for (uint32_t r = 0; r < db->nrelations; r++)
        to_sqlite_constraint_name(v, db->relations[r].attr, "a foreign key name (`map:`)");
}

/* ---- applying the edits --------------------------------------------------------------------- */

static int compare_edits(const void *a, const void *b)
{
    const VariantEdit *x = a, *y = b;
    if (x->file != y->file)
        return x->file < y->file ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

static void apply_edits(Variant *v)
{
    VariantResult *out = v->out;
    /* The edits come mostly in source order (models, then their fields): sort only if not. */
    bool sorted = true;
    for (uint32_t i = 1; i < out->nedits && sorted; i++)
        sorted = compare_edits(&out->edits[i - 1], &out->edits[i]) <= 0;
    if (!sorted)
        qsort(out->edits, out->nedits, sizeof *out->edits, compare_edits);
    out->texts = arena_alloc(v->arena, v->sources->count * sizeof *out->texts);
    out->lens = arena_alloc(v->arena, v->sources->count * sizeof *out->lens);
    uint32_t e = 0;
    for (uint32_t f = 0; f < v->sources->count; f++) {
        const Source *src = &v->sources->files[f];
        size_t cap = src->len + 64, n = 0;
        for (uint32_t k = e; k < out->nedits && out->edits[k].file == f; k++)
            cap += strlen(out->edits[k].text);
        char *buf = arena_alloc(v->arena, cap + 1);
        uint32_t pos = 0;
        for (; e < out->nedits && out->edits[e].file == f; e++) {
            const VariantEdit *ed = &out->edits[e];
            if (ed->start < pos)
                continue;   /* overlaps an earlier edit (e.g. an argument inside a removed attribute) */
            memcpy(buf + n, src->text + pos, ed->start - pos);
            n += ed->start - pos;
            size_t tl = strlen(ed->text);
            memcpy(buf + n, ed->text, tl);
            n += tl;
            pos = ed->end;
        }
        memcpy(buf + n, src->text + pos, src->len - pos);
        n += src->len - pos;
        buf[n] = '\0';
        out->texts[f] = buf;
        out->lens[f] = (uint32_t)n;
    }
}

/* A position in the variant of a file, back in its source. */
static uint32_t source_offset(const VariantResult *out, uint32_t file, uint32_t p)
{
    int64_t delta = 0;
    uint32_t last = 0;
    for (uint32_t e = 0; e < out->nedits; e++) {
        const VariantEdit *ed = &out->edits[e];
        if (ed->file != file || ed->start < last)
            continue;
        int64_t out_start = (int64_t)ed->start + delta;
        if ((int64_t)p < out_start)
            break;
        int64_t tl = (int64_t)strlen(ed->text);
        if ((int64_t)p < out_start + tl)
            return ed->start;
        delta += tl - (int64_t)(ed->end - ed->start);
        last = ed->end;
    }
    return (uint32_t)((int64_t)p - delta);
}

/* ---- the variant's syntax tree, made from the source's ------------------------------------ */

/* A set of nodes (the dropped attributes), open addressing on the pointer. */
typedef struct NodeSet {
    const void **slots;
    uint32_t mask;
} NodeSet;

static uint32_t node_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    return (uint32_t)((x * 0x9E3779B97F4A7C15ull) >> 32);
}

static void node_set_init(NodeSet *set, Arena *arena, const Attribute **items, uint32_t n)
{
    uint32_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    set->slots = arena_alloc(arena, cap * sizeof *set->slots);
    set->mask = cap - 1;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = node_hash(items[i]) & set->mask;
        while (set->slots[k] && set->slots[k] != items[i])
            k = (k + 1) & set->mask;
        set->slots[k] = items[i];
    }
}

static bool node_set_has(const NodeSet *set, const void *p)
{
    for (uint32_t k = node_hash(p) & set->mask; set->slots[k]; k = (k + 1) & set->mask)
        if (set->slots[k] == p)
            return true;
    return false;
}

static void *copy_of(Arena *arena, const void *p, size_t size)
{
    void *c = arena_alloc_raw(arena, size ? size : 1);
    if (size)
        memcpy(c, p, size);
    return c;
}

/* A field without the dropped attributes, or the field itself when it has none. */
static Field *field_in_variant(Arena *arena, Field *f, const NodeSet *dropped)
{
    uint32_t keep = 0;
    for (uint32_t i = 0; i < f->nattrs; i++)
        keep += !node_set_has(dropped, f->attrs[i]);
    if (keep == f->nattrs)
        return f;
    Field *c = copy_of(arena, f, sizeof *f);
    c->attrs = arena_alloc(arena, (keep ? keep : 1) * sizeof *c->attrs);
    c->nattrs = 0;
    for (uint32_t i = 0; i < f->nattrs; i++)
        if (!node_set_has(dropped, f->attrs[i]))
            c->attrs[c->nattrs++] = f->attrs[i];
    return c;
}

/* A model's (view's) block with its fields as they are in the variant; the block itself when
 * none changes. Fields keep their places, so the block's item list stays valid. */
static Block *model_in_variant(Arena *arena, Block *b, const NodeSet *dropped)
{
    Block *c = NULL;
    for (uint32_t i = 0; i < b->nfields; i++) {
        Field *f = field_in_variant(arena, b->fields[i], dropped);
        if (f == b->fields[i])
            continue;
        if (!c) {
            c = copy_of(arena, b, sizeof *b);
            c->fields = copy_of(arena, b->fields, b->nfields * sizeof *b->fields);
        }
        c->fields[i] = f;
    }
    return c ? c : b;
}

/* The datasource with the target's provider: a string literal at the source's value. */
static Block *datasource_in_variant(Arena *arena, Block *b, const Property *provider, DbProvider target)
{
    for (uint32_t i = 0; i < b->nprops; i++) {
        if (b->props[i] != provider)
            continue;
        Block *c = copy_of(arena, b, sizeof *b);
        c->props = copy_of(arena, b->props, b->nprops * sizeof *b->props);
        Property *p = copy_of(arena, provider, sizeof *provider);
        Expr *e = arena_alloc(arena, sizeof *e);
        e->kind = EXPR_STRING;
        e->span = provider->value->span;
        e->text = arena_str(arena, provider_literal(target), strlen(provider_literal(target)));
        e->value = (Str){e->text.ptr + 1, e->text.len - 2};
        p->value = e;
        c->props[i] = p;
        return c;
    }
    return b;
}

/* The variant's syntax tree in `arena`: the source's, with the provider replaced and, when
 * `drop_native`, the native type attributes dropped; every node the edits leave alone is shared.
 * Without the drops it is what the variant's resolution must read again (see check_variant). */
static Ast *variant_tree(const Variant *v, Arena *arena, bool drop_native)
{
    const Ast *src = v->db->ast;
    Ast *t = copy_of(arena, src, sizeof *src);
    t->arena = arena;
    t->blocks = copy_of(arena, src->blocks, src->nblocks * sizeof *src->blocks);
    t->capblocks = src->nblocks;
    drop_native = drop_native && v->ndropped;
    NodeSet dropped = {0};
    if (drop_native)
        node_set_init(&dropped, arena, v->dropped, v->ndropped);
    for (uint32_t i = 0; i < t->nblocks; i++) {
        Block *b = t->blocks[i];
        if (b->kind == BLOCK_DATASOURCE)
            t->blocks[i] = datasource_in_variant(arena, b, v->provider, v->opt->target);
        else if (drop_native && (b->kind == BLOCK_MODEL || b->kind == BLOCK_VIEW || b->kind == BLOCK_TYPE))
            t->blocks[i] = model_in_variant(arena, b, &dropped);
    }
    return t;
}

/* ---- validating the variant ----------------------------------------------------------------- */

/* Reports the variant's errors at their places in the source; `to_source`: their spans are in
 * the variant's text and are mapped back. */
static bool report_variant_errors(Variant *v, const Diags *d, bool to_source)
{
    for (uint32_t i = 0; i < d->count; i++) {
        const Diag *x = &d->items[i];
        if (x->severity != DIAG_ERROR)
            continue;
        Span s = x->span;
        if (to_source) {
            s.start = source_offset(v->out, s.file, x->span.start);
            s.end = source_offset(v->out, s.file, x->span.end);
        }
        if (s.end < s.start)
            s.end = s.start;
        diag_error(v->diags, s, "does not carry over to %s: %s", v->target_name, x->message);
    }
    return d->errors == 0;
}

/* Validates the variant for the target; every problem is reported at its source position. */
static bool check_variant(Variant *v)
{
    Arena scratch;
    arena_init(&scratch);
    Diags d;
    diags_init(&d, &scratch);
    VariantRoute route = v->opt->route;
    bool tree_ok = !v->text_edits && v->provider;
    if (!tree_ok)
        route = VARIANT_ROUTE_TEXT;
    /* derived: every native type dropped or none (a partial drop has no route of its own) */
    if (route == VARIANT_ROUTE_DERIVED && v->ndropped && !v->dropped_all)
        route = VARIANT_ROUTE_TREE;
    Db *db;
    if (route == VARIANT_ROUTE_DERIVED) {
        db = db_resolve_derived(v->db, variant_tree(v, &scratch, false), v->ndropped > 0, &scratch, &d);
    } else {
        Ast *ast;
        if (route == VARIANT_ROUTE_TREE) {
            ast = variant_tree(v, &scratch, true);
        } else {
            SourceSet *set = arena_alloc(&scratch, sizeof *set);
            source_set_init(set, &scratch);
            for (uint32_t f = 0; f < v->sources->count; f++)
                source_add_text(set, v->sources->files[f].path, v->out->texts[f], v->out->lens[f]);
            ast = ast_parse(set, &d);
        }
        db = db_resolve(ast, &d);
    }
    if (v->opt->on_db)
        v->opt->on_db(db, v->opt->on_db_ctx);
    if (!d.errors)
        db_validate(db, v->opt->target, &d);
    bool ok = report_variant_errors(v, &d, route == VARIANT_ROUTE_TEXT);
    arena_free(&scratch);
    return ok;
}

bool variant_make(const Db *db, const VariantOptions *opt, Arena *arena, VariantResult *out, Diags *diags)
{
    memset(out, 0, sizeof *out);
    Variant v = {.db = db, .opt = opt, .arena = arena, .out = out, .diags = diags, .sources = db->ast->sources,
                 .target_name = db_provider_name(opt->target)};
    uint32_t errors_before = diags->errors;
    const DbDatasource *ds = db->datasource;
    if (!ds) {
        diag_error(diags, (Span){0, 0, 0}, "the schema has no datasource: a variant switches its provider");
        return false;
    }
    for (uint32_t i = 0; i < ds->ast->nprops; i++) {
        const Property *p = ds->ast->props[i];
        if (str_eq_cstr(p->key, "provider") && p->value) {
            if (v.provider)
                v.text_edits = true;    /* a second `provider` (the source is invalid then) */
            v.provider = p;
            variant_edit(&v, p->value->span.file, p->value->span.start, p->value->span.end,
                         provider_literal(opt->target));
        }
    }
    if (opt->target == PROVIDER_SQLITE && db->provider != PROVIDER_SQLITE)
        to_sqlite(&v);
    apply_edits(&v);
    if (diags->errors > errors_before)
        return false;
    if (opt->on_text)
        opt->on_text(out, opt->on_text_ctx);
    return check_variant(&v);
}
