/* Building the syntax tree (the grammar's actions) and small queries on it. */
#include "parse_internal.h"

#include <stdio.h>
#include <stdlib.h>

static Span tok_span(const ParseCtx *ctx, LexToken t)
{
    return ctx_span(ctx, t.start, t.end);
}

static Str tok_str(const ParseCtx *ctx, LexToken t)
{
    return (Str){ctx->text + t.start, t.end - t.start};
}

static AstFile *ctx_file(ParseCtx *ctx)
{
    return &ctx->ast->files[ctx->afile_index];
}

/* Lemon reduces a line's item before it checks what follows; an item whose line does not end
 * here is part of a syntax error, which is reported instead. */
static bool ast_line_complete(const ParseCtx *ctx)
{
    return ctx->block && ctx->lookahead.kind == LEX_NEWLINE;
}

/* The scratch vectors of the parse (malloc'd, freed with it): room for at least `need` elements,
 * doubling from `first`. */
static void *scratch_grow(void *items, uint32_t *cap, uint32_t need, size_t elem, uint32_t first)
{
    uint32_t ncap = *cap ? *cap * 2 : first;
    while (ncap < need)
        ncap *= 2;
    void *n = realloc(items, (size_t)ncap * elem);
    if (!n) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    *cap = ncap;
    return n;
}

void ptrvec_grow(PtrVec *v)
{
    v->items = scratch_grow(v->items, &v->cap, v->cap + 1, sizeof *v->items, 16);
}

void ptrvec_free(PtrVec *v)
{
    free(v->items);
    v->items = NULL;
    v->count = v->cap = 0;
}

void ast_ctx_free(ParseCtx *ctx)
{
    ptrvec_free(&ctx->pending);
    ptrvec_free(&ctx->fields);
    ptrvec_free(&ctx->values);
    ptrvec_free(&ctx->props);
    ptrvec_free(&ctx->attrs);
    free(ctx->items);
    ctx->items = NULL;
    ctx->nitems = ctx->capitems = 0;
    free(ctx->docs);
    ctx->docs = NULL;
    ctx->ndocs = ctx->capdocs = 0;
}

void ast_items_grow(ParseCtx *ctx)
{
    ctx->items = scratch_grow(ctx->items, &ctx->capitems, ctx->nitems + 1, sizeof *ctx->items, 32);
}

void ast_item_doc_set(ParseCtx *ctx, uint32_t index, Str doc)
{
    if (index >= ctx->capdocs)
        ctx->docs = scratch_grow(ctx->docs, &ctx->capdocs, index + 1, sizeof *ctx->docs, 16);
    for (; ctx->ndocs < index; ctx->ndocs++)
        ctx->docs[ctx->ndocs] = (Str){NULL, 0};
    ctx->docs[index] = doc;
    ctx->ndocs = index + 1;
}

static void *ast_copy_array(Arena *a, const void *items, uint32_t count, size_t elem)
{
    if (!count)
        return NULL;
    void *p = arena_alloc_raw(a, count * elem);
    memcpy(p, items, count * elem);
    return p;
}

void ast_block_flush(ParseCtx *ctx)
{
    Block *b = ctx->block;
    if (!b)
        return;
    Arena *a = ctx->ast->arena;
    b->fields = ast_copy_array(a, ctx->fields.items, b->nfields = ctx->fields.count, sizeof(Field *));
    b->values = ast_copy_array(a, ctx->values.items, b->nvalues = ctx->values.count, sizeof(EnumValue *));
    b->props = ast_copy_array(a, ctx->props.items, b->nprops = ctx->props.count, sizeof(Property *));
    b->attrs = ast_copy_array(a, ctx->attrs.items, b->nattrs = ctx->attrs.count, sizeof(Attribute *));
    b->items = ast_copy_array(a, ctx->items, b->nitems = ctx->nitems, sizeof(BlockItem));
    if (ctx->ndocs) {
        /* one per field or value; those after the last documented one are empty */
        b->docs = arena_alloc(a, (size_t)(b->nfields + b->nvalues) * sizeof *b->docs);
        memcpy(b->docs, ctx->docs, ctx->ndocs * sizeof *b->docs);
    }
}

void ast_block_begin(ParseCtx *ctx, BlockKind kind, LexToken keyword, LexToken name)
{
    /* Lemon may reduce a block header before it knows that `{` follows; without the brace
     * there is no block, and the syntax error that follows says so. */
    if (ctx->lookahead.kind != LEX_LBRACE)
        return;
    Arena *a = ctx->ast->arena;
    Block *b = arena_alloc(a, sizeof *b);
    b->kind = kind;
    b->name = tok_str(ctx, name);
    b->name_span = tok_span(ctx, name);
    b->keyword_span = tok_span(ctx, keyword);
    b->open_brace = tok_span(ctx, ctx->lookahead);
    b->span = ctx_span(ctx, keyword.start, ctx->len);
    b->close_brace = ctx_span(ctx, ctx->len, ctx->len);
    b->doc = parse_take_doc(ctx, true);
    ARENA_PUSH(a, ctx->ast->blocks, ctx->ast->nblocks, ctx->ast->capblocks, b);
    ctx_file(ctx)->nblocks++;
    ctx->block = b;
    ctx->items_open = false;
    ctx->block_lost_close = false;
    ctx->fields.count = ctx->values.count = ctx->props.count = ctx->attrs.count = 0;
    ctx->nitems = 0;
    ctx->ndocs = 0;
}

void ast_block_end(ParseCtx *ctx, LexToken close)
{
    Block *b = ctx->block;
    if (!b)
        return;
    b->close_brace = tok_span(ctx, close);
    b->span.end = close.end;
    ast_block_flush(ctx);
    ctx->block = NULL;
    ctx->group.active = false;   /* comments left at the end of a block document nothing */
}

void ast_block_add_attr(ParseCtx *ctx, Attribute *attr)
{
    if (!ast_line_complete(ctx) || !attr)
        return;
    ptrvec_push(&ctx->attrs, attr);
    ast_add_item(ctx, ITEM_ATTRIBUTE, ctx->attrs.count - 1);
}

static Attribute **ast_take_pending(ParseCtx *ctx, uint32_t *count)
{
    uint32_t n = ctx->pending.count;
    *count = n;
    if (!n)
        return NULL;
    /* a field has a few attributes: copied inline, not by a call to memcpy */
    Attribute **attrs = arena_alloc_raw(ctx->ast->arena, n * sizeof *attrs);
    for (uint32_t i = 0; i < n; i++)
        attrs[i] = ctx->pending.items[i];
    ctx->pending.count = 0;
    return attrs;
}

static uint32_t ast_attrs_end(Attribute **attrs, uint32_t n, uint32_t end)
{
    for (uint32_t i = 0; i < n; i++)
        if (attrs[i]->span.end > end)
            end = attrs[i]->span.end;
    return end;
}

void ast_field(ParseCtx *ctx, LexToken name, const FieldType *type, bool legacy_colon)
{
    if (!ast_line_complete(ctx)) {
        ctx->pending.count = 0;
        return;
    }
    Field *f = arena_alloc(ctx->ast->arena, sizeof *f);
    f->name = tok_str(ctx, name);
    f->name_span = tok_span(ctx, name);
    f->legacy_colon = legacy_colon;
    ast_item_doc(ctx, ctx->fields.count, parse_take_doc(ctx, false));
    f->attrs = ast_take_pending(ctx, &f->nattrs);
    uint32_t end = name.end;
    if (type) {
        f->has_type = true;
        f->type = *type;
        end = type->span.end;
    }
    f->span = ctx_span(ctx, name.start, ast_attrs_end(f->attrs, f->nattrs, end));
    if (!type)
        diag_error(ctx->diags, f->span, "the field `%.*s` has no type; write it after the name, as in `%.*s String`",
                   (int)f->name.len, f->name.ptr, (int)f->name.len, f->name.ptr);
    else if (legacy_colon)
        diag_error(ctx->diags, f->span, "a field declaration takes no `:`; write `%.*s %.*s`", (int)f->name.len,
                   f->name.ptr, (int)(type->span.end - type->span.start), ctx->text + type->span.start);
    ptrvec_push(&ctx->fields, f);
    ast_add_item(ctx, ITEM_FIELD, ctx->fields.count - 1);
}

void ast_enum_value(ParseCtx *ctx, LexToken name)
{
    if (!ast_line_complete(ctx)) {
        ctx->pending.count = 0;
        return;
    }
    EnumValue *v = arena_alloc(ctx->ast->arena, sizeof *v);
    v->name = tok_str(ctx, name);
    v->name_span = tok_span(ctx, name);
    ast_item_doc(ctx, ctx->values.count, parse_take_doc(ctx, false));
    v->attrs = ast_take_pending(ctx, &v->nattrs);
    v->span = ctx_span(ctx, name.start, ast_attrs_end(v->attrs, v->nattrs, name.end));
    ptrvec_push(&ctx->values, v);
    ast_add_item(ctx, ITEM_VALUE, ctx->values.count - 1);
}

void ast_property(ParseCtx *ctx, LexToken key, Expr *value)
{
    if (!ast_line_complete(ctx))
        return;
    Property *p = arena_alloc(ctx->ast->arena, sizeof *p);
    p->key = tok_str(ctx, key);
    p->key_span = tok_span(ctx, key);
    p->value = value;
    p->span = ctx_span(ctx, key.start, value ? value->span.end : key.end);
    (void)parse_take_doc(ctx, false);
    ptrvec_push(&ctx->props, p);
    ast_add_item(ctx, ITEM_PROPERTY, ctx->props.count - 1);
}

void ast_type_named(ParseCtx *ctx, LexToken name, FieldArity arity, FieldTypeForm form, LexToken end)
{
    FieldType *t = &ctx->type;
    t->name = tok_str(ctx, name);
    t->name_span = tok_span(ctx, name);
    t->span = t->name_span;
    t->arity = ARITY_REQUIRED;
    t->form = TYPEFORM_PLAIN;
    t->unsupported = false;
    if (form != TYPEFORM_PLAIN || arity != ARITY_REQUIRED)
        ast_type_arity(ctx, arity, form, end);
}

void ast_type_unsupported(ParseCtx *ctx, LexToken open, LexToken text, LexToken close)
{
    FieldType *t = &ctx->type;
    t->name = parse_string_value(ctx, text);
    t->name_span = tok_span(ctx, text);
    t->unsupported = true;
    t->arity = ARITY_REQUIRED;
    t->form = TYPEFORM_PLAIN;
    t->span = ctx_span(ctx, open.start, close.end);
}

void ast_type_arity(ParseCtx *ctx, FieldArity arity, FieldTypeForm form, LexToken end)
{
    FieldType *t = &ctx->type;
    t->arity = arity;
    t->form = form;
    t->span.end = end.end;
    if (form == TYPEFORM_OPTIONAL_LIST)
        diag_error(ctx->diags, t->span, "optional lists are not supported; use `%.*s[]` or `%.*s?`",
                   (int)(t->name_span.end - t->name_span.start), ctx->text + t->name_span.start,
                   (int)(t->name_span.end - t->name_span.start), ctx->text + t->name_span.start);
    else if (form == TYPEFORM_LEGACY_REQUIRED)
        diag_error(ctx->diags, t->span, "fields are required by default: remove the `!`");
}

void ast_type_legacy_list(ParseCtx *ctx, LexToken open, LexToken close)
{
    FieldType *t = &ctx->type;
    t->arity = ARITY_LIST;
    t->form = TYPEFORM_LEGACY_LIST;
    t->span = ctx_span(ctx, open.start, close.end);
    diag_error(ctx->diags, t->span, "a list is written `%.*s[]`, not `[%.*s]`",
               (int)(t->name_span.end - t->name_span.start), ctx->text + t->name_span.start,
               (int)(t->name_span.end - t->name_span.start), ctx->text + t->name_span.start);
}

void ast_pending_clear(ParseCtx *ctx)
{
    ctx->pending.count = 0;
}

Attribute *ast_attribute(ParseCtx *ctx, LexToken at, LexToken name, ArgList *args, bool is_block)
{
    Attribute *a = arena_alloc(ctx->ast->arena, sizeof *a);
    a->name = tok_str(ctx, name);
    a->name_span = tok_span(ctx, name);
    a->is_block = is_block;
    a->args = args;
    a->span = ctx_span(ctx, at.start, args ? args->span.end : name.end);
    return a;
}

/* `@name` / `@@name` read as one token. */
Attribute *ast_attribute_token(ParseCtx *ctx, LexToken tok, ArgList *args, bool is_block)
{
    uint32_t skip = is_block ? 2 : 1;
    LexToken at = {LEX_AT, tok.start, tok.start + skip};
    LexToken name = {LEX_IDENT, tok.start + skip, tok.end};
    return ast_attribute(ctx, at, name, args, is_block);
}

ArgList *ast_args_new(ParseCtx *ctx, LexToken open)
{
    ArgList *l = arena_alloc(ctx->ast->arena, sizeof *l);
    l->span = tok_span(ctx, open);
    return l;
}

static Arg ast_arg(ParseCtx *ctx, const LexToken *name, Expr *value)
{
    Arg arg = {0};
    arg.value = value;
    arg.span = value->span;
    if (name) {
        arg.name = tok_str(ctx, *name);
        arg.name_span = tok_span(ctx, *name);
        arg.span.start = name->start;
    }
    return arg;
}

static Arg ast_arg_empty(ParseCtx *ctx, LexToken name, LexToken colon)
{
    Arg arg = {0};
    arg.name = tok_str(ctx, name);
    arg.name_span = tok_span(ctx, name);
    arg.span = ctx_span(ctx, name.start, colon.end);
    return arg;
}

static ArgList *ast_args_first(ParseCtx *ctx, Arg first)
{
    /* one allocation for the list and its first argument, the common case */
    ArgList *l = arena_alloc(ctx->ast->arena, sizeof *l + sizeof(Arg));
    l->items = (Arg *)(l + 1);
    l->cap = 1;
    l->count = 1;
    l->items[0] = first;
    l->span = first.span;
    return l;
}

ArgList *ast_args_of(ParseCtx *ctx, const LexToken *name, Expr *value)
{
    return ast_args_first(ctx, ast_arg(ctx, name, value));
}

ArgList *ast_args_of_empty(ParseCtx *ctx, LexToken name, LexToken colon)
{
    return ast_args_first(ctx, ast_arg_empty(ctx, name, colon));
}

void ast_args_push(ParseCtx *ctx, ArgList *list, const LexToken *name, Expr *value)
{
    ARENA_PUSH(ctx->ast->arena, list->items, list->count, list->cap, ast_arg(ctx, name, value));
}

void ast_args_push_empty(ParseCtx *ctx, ArgList *list, LexToken name, LexToken colon)
{
    ARENA_PUSH(ctx->ast->arena, list->items, list->count, list->cap, ast_arg_empty(ctx, name, colon));
}

void ast_args_start(ParseCtx *ctx, ArgList *list, LexToken open)
{
    (void)ctx;
    /* `Unsupported(` is one token: its list starts at the parenthesis */
    list->span.start = open.end - 1;
}

void ast_args_trailing_comma(ParseCtx *ctx, ArgList *list, LexToken comma)
{
    (void)ctx;
    list->trailing_comma = comma.start;
}

void ast_args_end(ParseCtx *ctx, ArgList *list, LexToken close)
{
    (void)ctx;
    list->span.end = close.end;
}

static Expr *ast_expr_new(ParseCtx *ctx, ExprKind kind, uint32_t start, uint32_t end)
{
    Expr *e = arena_alloc(ctx->ast->arena, sizeof *e);
    e->kind = kind;
    e->span = ctx_span(ctx, start, end);
    return e;
}

Expr *ast_expr_token(ParseCtx *ctx, ExprKind kind, LexToken tok)
{
    Expr *e = ast_expr_new(ctx, kind, tok.start, tok.end);
    e->text = tok_str(ctx, tok);
    return e;
}

/* A bare name where a value stands: a number when it is all digits, else a constant. */
Expr *ast_expr_name(ParseCtx *ctx, LexToken tok)
{
    bool digits = true;
    for (uint32_t i = tok.start; i < tok.end && digits; i++)
        digits = ctx->text[i] >= '0' && ctx->text[i] <= '9';
    return ast_expr_token(ctx, digits ? EXPR_NUMBER : EXPR_CONSTANT, tok);
}

Expr *ast_expr_string(ParseCtx *ctx, LexToken tok)
{
    Expr *e = ast_expr_new(ctx, EXPR_STRING, tok.start, tok.end);
    e->text = tok_str(ctx, tok);
    e->value = parse_string_value(ctx, tok);
    return e;
}

Expr *ast_expr_call(ParseCtx *ctx, LexToken name, ArgList *args)
{
    Expr *e = ast_expr_new(ctx, EXPR_CALL, name.start, args->span.end);
    Str text = tok_str(ctx, name);
    if (text.len && text.ptr[text.len - 1] == '(')
        text.len--;   /* `Unsupported(` is one token */
    e->text = text;
    e->args = args;
    return e;
}

Expr *ast_expr_object(ParseCtx *ctx, LexToken open, ArgList *members, LexToken close)
{
    Expr *e = ast_expr_new(ctx, EXPR_OBJECT, open.start, close.end);
    e->args = members;
    if (members) {
        members->span.start = open.start;
        members->span.end = close.end;
    }
    return e;
}

Expr *ast_expr_array(ParseCtx *ctx, LexToken open)
{
    return ast_expr_new(ctx, EXPR_ARRAY, open.start, open.end);
}

Expr *ast_expr_array_of(ParseCtx *ctx, Expr *first)
{
    Expr *e = ast_expr_new(ctx, EXPR_ARRAY, first->span.start, first->span.end);
    ARENA_PUSH(ctx->ast->arena, e->items, e->count, e->cap, first);
    return e;
}

void ast_expr_array_push(ParseCtx *ctx, Expr *array, Expr *item)
{
    ARENA_PUSH(ctx->ast->arena, array->items, array->count, array->cap, item);
}

void ast_expr_array_start(ParseCtx *ctx, Expr *array, LexToken open)
{
    (void)ctx;
    array->span.start = open.start;
}

void ast_expr_array_end(ParseCtx *ctx, Expr *array, LexToken close)
{
    (void)ctx;
    array->span.end = close.end;
}

/* ---- queries ------------------------------------------------------------------------------ */

Ast *ast_new(Arena *arena, SourceSet *sources)
{
    Ast *ast = arena_alloc(arena, sizeof *ast);
    ast->arena = arena;
    ast->sources = sources;
    return ast;
}

const char *ast_block_kind_name(BlockKind kind)
{
    switch (kind) {
    case BLOCK_MODEL: return "model";
    case BLOCK_VIEW: return "view";
    case BLOCK_TYPE: return "type";
    case BLOCK_ENUM: return "enum";
    case BLOCK_DATASOURCE: return "datasource";
    case BLOCK_GENERATOR: return "generator";
    }
    return "block";
}

const Arg *ast_arg_find(const ArgList *args, const char *name)
{
    if (!args)
        return NULL;
    for (uint32_t i = 0; i < args->count; i++) {
        const Arg *a = &args->items[i];
        if (name ? str_eq_cstr(a->name, name) : a->name.len == 0)
            return a;
    }
    return NULL;
}

Str ast_span_text(const Ast *ast, Span span)
{
    const Source *src = &ast->sources->files[span.file];
    return (Str){src->text + span.start, span.end - span.start};
}

/* ---- the fast path: common lines built directly ------------------------------------------- *
 *
 * What the grammar's actions above build for the same tokens, in the same order (post-order,
 * left to right), for the few forms of the fast path's grammar (parse.c): a cursor walks the
 * tokens once, checking them as it builds, and every node is made in one place from the tokens
 * it covers. A line found outside that grammar part-way is undone (ast_fast_undo) and left to
 * the parser: until the line is committed, the walk only allocates. */

#define FAST_MAX_DEPTH 8    /* far below the parser's stack depth */

static inline Span fast_span(const ParseCtx *ctx, uint32_t start, uint32_t end)
{
    return (Span){ctx->file, start, end};
}

static inline Str fast_str(const ParseCtx *ctx, const LexToken *t)
{
    return (Str){ctx->text + t->start, t->end - t->start};
}

static const LexToken *fast_expr(ParseCtx *ctx, const LexToken *t, int depth, Expr **out);

static inline Expr *fast_expr_new(ParseCtx *ctx, ExprKind kind, uint32_t start, uint32_t end)
{
    Expr *e = arena_alloc(ctx->ast->arena, sizeof *e);
    e->kind = kind;
    e->span = fast_span(ctx, start, end);
    return e;
}

/* A value of one token (most arguments): a number, a string without escapes, a name or a path
 * not followed by `(`, or `[]`; NULL for anything else. */
static inline __attribute__((always_inline)) Expr *fast_leaf(ParseCtx *ctx, const LexToken *tok)
{
    Expr *e;
    switch (tok->kind) {
    case LEX_NUMBER:
        e = fast_expr_new(ctx, EXPR_NUMBER, tok->start, tok->end);
        e->text = fast_str(ctx, tok);
        return e;
    case LEX_STRING:
        /* a string with escapes goes through the parser, whose decoding may report them (the
         * walk must not report anything before the line is known to be of the fast path) */
        if (memchr(ctx->text + tok->start + 1, '\\', tok->end - tok->start - 2))
            return NULL;
        e = fast_expr_new(ctx, EXPR_STRING, tok->start, tok->end);
        e->text = fast_str(ctx, tok);
        e->value = (Str){ctx->text + tok->start + 1, tok->end - tok->start - 2};
        return e;
    case LEX_LISTMARK:
        return fast_expr_new(ctx, EXPR_ARRAY, tok->start, tok->end);
    case LEX_IDENT:
    case LEX_PATH: {
        if (tok[1].kind == LEX_LPAREN)
            return NULL;
        ExprKind kind = EXPR_CONSTANT;
        /* a bare name where a value stands: a number when it is all digits (most start with a
         * letter) */
        const char *p = ctx->text + tok->start, *end = ctx->text + tok->end;
        if ((unsigned)(*p - '0') < 10 && tok->kind == LEX_IDENT) {
            while (++p < end && *p >= '0' && *p <= '9')
                ;
            if (p == end)
                kind = EXPR_NUMBER;
        }
        e = fast_expr_new(ctx, kind, tok->start, tok->end);
        e->text = fast_str(ctx, tok);
        return e;
    }
    default:
        return NULL;
    }
}

/* t at `(`: the commonest lists, `()` and `(value)` with a one-token value (fast_leaf), built as
 * fast_args builds them without its general walk; NULL for any other list (nothing allocated). */
static inline __attribute__((always_inline)) const LexToken *fast_args_short(ParseCtx *ctx, const LexToken *t,
                                                                            ArgList **out)
{
    ArgList *l;
    if (t[1].kind == LEX_RPAREN) {
        l = arena_alloc(ctx->ast->arena, sizeof *l);
        l->span = fast_span(ctx, t->start, t[1].end);
        *out = l;
        return t + 2;
    }
    /* a value's token is not the batch's end (EOF): the token after it can be read */
    if (!((1ull << t[1].kind) & ((1ull << LEX_NUMBER) | (1ull << LEX_STRING) | (1ull << LEX_IDENT) | (1ull << LEX_PATH) |
                               (1ull << LEX_LISTMARK))) ||
        t[2].kind != LEX_RPAREN)
        return NULL;
    Expr *e = fast_leaf(ctx, t + 1);
    if (!e)
        return NULL;
    l = arena_alloc(ctx->ast->arena, sizeof *l + sizeof(Arg));
    l->items = (Arg *)(l + 1);
    l->items[0].value = e;      /* positional: no name (zero, as the arena hands memory out) */
    l->items[0].span = e->span;
    l->count = l->cap = 1;
    l->span = fast_span(ctx, t->start, t[2].end);
    *out = l;
    return t + 3;
}

/* t at `(`: the list up to its `)` (ast_args_new / ast_args_of, push, start, trailing comma,
 * end), its arguments gathered here and stored once, at their number. */
static const LexToken *fast_args(ParseCtx *ctx, const LexToken *t, int depth, ArgList **out)
{
    if (++depth > FAST_MAX_DEPTH)
        return NULL;
    const LexToken *open = t++;
    Arg items[FAST_MAX_TOKENS / 2];     /* an argument and its `,` take two tokens or more */
    uint32_t n = 0, trailing_comma = 0;
    if (t->kind != LEX_RPAREN) {
        for (;;) {
            Arg *arg = &items[n++];
            const LexToken *name = NULL;
            if (t->kind == LEX_IDENT && t[1].kind == LEX_COLON) {
                name = t;
                t += 2;
            }
            if ((arg->value = fast_leaf(ctx, t)) != NULL)
                t++;
            else if (!(t = fast_expr(ctx, t, depth, &arg->value)))
                return NULL;
            arg->span = arg->value->span;
            if (name) {
                arg->name = fast_str(ctx, name);
                arg->name_span = fast_span(ctx, name->start, name->end);
                arg->span.start = name->start;
            } else {
                arg->name = (Str){NULL, 0};
                arg->name_span = (Span){0, 0, 0};
            }
            if (t->kind == LEX_RPAREN)
                break;
            if (t->kind != LEX_COMMA)
                return NULL;
            const LexToken *comma = t++;
            if (t->kind == LEX_RPAREN) {
                trailing_comma = comma->start;
                break;
            }
        }
    }
    ArgList *l = arena_alloc(ctx->ast->arena, sizeof *l + n * sizeof(Arg));
    if (n) {
        l->items = (Arg *)(l + 1);
        if (n == 1)
            l->items[0] = items[0];     /* most lists: a copy of known size */
        else
            memcpy(l->items, items, n * sizeof(Arg));
    }
    l->count = l->cap = n;
    l->trailing_comma = trailing_comma;
    /* `(` is its own token here: the list starts at it */
    l->span = fast_span(ctx, open->start, t->end);
    *out = l;
    return t + 1;
}

static const LexToken *fast_expr(ParseCtx *ctx, const LexToken *t, int depth, Expr **out)
{
    const LexToken *tok = t++;
    Expr *e;
    switch (tok->kind) {
    case LEX_IDENT:
    case LEX_PATH:
        if (t->kind == LEX_LPAREN) {
            ArgList *l;
            const LexToken *after = depth < FAST_MAX_DEPTH ? fast_args_short(ctx, t, &l) : NULL;
            if (!(t = after ? after : fast_args(ctx, t, depth, &l)))
                return NULL;
            /* a name or a path never ends with `(` (only `Unsupported(` does) */
            e = fast_expr_new(ctx, EXPR_CALL, tok->start, l->span.end);
            e->text = fast_str(ctx, tok);
            e->args = l;
            break;
        }
        /* fall through */
    case LEX_NUMBER:
    case LEX_STRING:
    case LEX_LISTMARK:
        if (!(e = fast_leaf(ctx, tok)))
            return NULL;
        break;
    case LEX_LBRACKET: {
        if (++depth > FAST_MAX_DEPTH)
            return NULL;
        Expr *items[FAST_MAX_TOKENS / 2];
        uint32_t n = 0;
        if (t->kind != LEX_RBRACKET) {
            for (;;) {
                if ((items[n] = fast_leaf(ctx, t)) != NULL)
                    t++;
                else if (!(t = fast_expr(ctx, t, depth, &items[n])))
                    return NULL;
                n++;
                if (t->kind != LEX_COMMA)
                    break;
                t++;
            }
            if (t->kind != LEX_RBRACKET)
                return NULL;
        }
        e = fast_expr_new(ctx, EXPR_ARRAY, tok->start, t->end);
        if (n) {
            e->items = arena_alloc_raw(ctx->ast->arena, n * sizeof *e->items);
            memcpy(e->items, items, n * sizeof *e->items);
            e->count = e->cap = n;
        }
        t++;
        break;
    }
    case LEX_LBRACE: {  /* an object */
        if (++depth > FAST_MAX_DEPTH)
            return NULL;
        ArgList *members = NULL;
        while (t->kind != LEX_RBRACE) {
            if (members && (t++)->kind != LEX_COMMA)
                return NULL;
            if (t->kind != LEX_IDENT || t[1].kind != LEX_COLON)
                return NULL;
            const LexToken *name = t;
            Expr *value;
            if (!(t = fast_expr(ctx, t + 2, depth, &value)))
                return NULL;
            Arg arg = {0};
            arg.value = value;
            arg.span = value->span;
            arg.name = fast_str(ctx, name);
            arg.name_span = fast_span(ctx, name->start, name->end);
            arg.span.start = name->start;
            if (!members) {
                members = arena_alloc(ctx->ast->arena, sizeof *members + sizeof(Arg));
                members->items = (Arg *)(members + 1);
                members->cap = 1;
                members->count = 1;
                members->items[0] = arg;
                members->span = arg.span;
            } else {
                ARENA_PUSH(ctx->ast->arena, members->items, members->count, members->cap, arg);
            }
        }
        e = fast_expr_new(ctx, EXPR_OBJECT, tok->start, t->end);
        e->args = members;
        if (members) {
            members->span.start = tok->start;
            members->span.end = t->end;
        }
        t++;
        break;
    }
    default:
        return NULL;
    }
    *out = e;
    return t;
}

/* `@name(args)` or `@@name(args)` from its token on. */
static inline __attribute__((always_inline)) const LexToken *fast_attribute(ParseCtx *ctx, const LexToken *t,
                                                                            bool is_block, Attribute **out)
{
    const LexToken *tok = t++;
    ArgList *args = NULL;
    if (t->kind == LEX_LPAREN) {
        const LexToken *after = fast_args_short(ctx, t, &args);
        if (!(t = after ? after : fast_args(ctx, t, 0, &args)))
            return NULL;
    }
    uint32_t name_start = tok->start + (is_block ? 2 : 1);
    Attribute *a = arena_alloc(ctx->ast->arena, sizeof *a);
    a->name = (Str){ctx->text + name_start, tok->end - name_start};
    a->name_span = fast_span(ctx, name_start, tok->end);
    a->is_block = is_block;
    a->args = args;
    a->span = fast_span(ctx, tok->start, args ? args->span.end : tok->end);
    *out = a;
    return t;
}

/* The line ends at t: its end, or a // comment and its end. */
static inline bool fast_line_end(const LexToken *t)
{
    return t->kind == LEX_NEWLINE ||
           ((t->kind == LEX_COMMENT || t->kind == LEX_DOC_COMMENT) && t[1].kind == LEX_NEWLINE);
}

/* A line's `@` attributes from t on, in order, into attrs; *end moves to the last one's end.
 * The line's end (t after them), or NULL when the line is not one the fast path builds. */
static inline __attribute__((always_inline)) const LexToken *fast_attributes(ParseCtx *ctx, const LexToken *t,
                                                                             Attribute **attrs, uint32_t *nattrs,
                                                                             uint32_t *end)
{
    while (t->kind == LEX_ATTR) {
        if (!(t = fast_attribute(ctx, t, false, &attrs[*nattrs])))
            return NULL;
        if (attrs[*nattrs]->span.end > *end)
            *end = attrs[*nattrs]->span.end;
        (*nattrs)++;
    }
    return fast_line_end(t) ? t : NULL;
}

/* An enum's value from its name (t) on (ast_enum_value). */
static bool fast_enum_value(ParseCtx *ctx, const LexToken *t, FastLine *line)
{
    const LexToken *name = t++;
    Attribute *attrs[FAST_MAX_TOKENS / 2];
    uint32_t nattrs = 0;
    uint32_t end = name->end;
    if (!(t = fast_attributes(ctx, t, attrs, &nattrs, &end)))
        return false;
    line->end = t;
    EnumValue *v = arena_alloc(ctx->ast->arena, sizeof *v);
    v->name = fast_str(ctx, name);
    v->name_span = fast_span(ctx, name->start, name->end);
    v->nattrs = nattrs;
    if (nattrs) {
        v->attrs = arena_alloc_raw(ctx->ast->arena, nattrs * sizeof *v->attrs);
        for (uint32_t i = 0; i < nattrs; i++)
            v->attrs[i] = attrs[i];
    }
    v->span = fast_span(ctx, name->start, end);
    line->field = NULL;
    line->value = v;
    return true;
}

bool ast_fast_build(ParseCtx *ctx, const LexToken *t, FastLine *line)
{
    if (t->kind == LEX_BLOCK_ATTR) {
        line->field = NULL;
        line->value = NULL;
        line->end = t = fast_attribute(ctx, t, true, &line->attr);
        return t && fast_line_end(t);
    }
    if (t[0].kind != LEX_IDENT)
        return false;
    if (ctx->block->kind == BLOCK_ENUM)
        return fast_enum_value(ctx, t, line);
    if (t[1].kind != LEX_IDENT)
        return false;
    const LexToken *name = t, *type = t + 1;
    Field *f = arena_alloc(ctx->ast->arena, sizeof *f);
    FieldType *ft = &f->type;   /* arity and form: ARITY_REQUIRED and TYPEFORM_PLAIN, zero */
    ft->name = fast_str(ctx, type);
    ft->name_span = fast_span(ctx, type->start, type->end);
    ft->span = ft->name_span;
    t += 2;
    if (t->kind == LEX_QUESTION || t->kind == LEX_LISTMARK) {
        ft->arity = t->kind == LEX_QUESTION ? ARITY_OPTIONAL : ARITY_LIST;
        ft->span.end = t->end;
        t++;
    }
    /* the line's attributes, in order (at most one per two tokens of the line) */
    Attribute *attrs[FAST_MAX_TOKENS / 2];
    uint32_t nattrs = 0;
    uint32_t end = ft->span.end;
    if (!(t = fast_attributes(ctx, t, attrs, &nattrs, &end)))
        return false;
    line->end = t;
    f->name = fast_str(ctx, name);
    f->name_span = fast_span(ctx, name->start, name->end);
    f->nattrs = nattrs;
    if (nattrs) {
        f->attrs = arena_alloc_raw(ctx->ast->arena, nattrs * sizeof *f->attrs);
        f->attrs[0] = attrs[0];
        for (uint32_t i = 1; i < nattrs; i++)
            f->attrs[i] = attrs[i];
    }
    f->has_type = true;
    f->span = fast_span(ctx, name->start, end);
    line->field = f;
    return true;
}

void ast_fast_undo(ParseCtx *ctx, const FastMark *mark)
{
    /* what the walk allocated in the arena's current chunk is given back, zeroed as the arena
     * hands memory out; if it took a new chunk, the rest of the old one stays unused */
    Arena *a = ctx->ast->arena;
    if (a->head != mark->head)
        return;
    memset(mark->cur, 0, (size_t)(a->cur - mark->cur));
    a->cur = mark->cur;
}
