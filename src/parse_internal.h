/* Shared by the grammar actions (grammar/parser.y), the parse driver (parse.c) and the tree
 * builders (ast.c). Not part of the public API. */
#ifndef PRISMAC_PARSE_INTERNAL_H
#define PRISMAC_PARSE_INTERNAL_H

#include "prismac/ast.h"
#include "prismac/lexer.h"
#include <stdbool.h>

/* Where the current run of comment lines stands, for `///` documentation. */
typedef struct CommentGroup {
    uint32_t first;         /* index of its first comment in the file's comment array */
    uint32_t count;
    uint32_t last_line;     /* line of its last comment */
    bool active;
} CommentGroup;

/* A growable array of pointers outside the arena, reused from block to block. */
typedef struct PtrVec {
    void **items;
    uint32_t count, cap;
} PtrVec;

typedef struct ParseCtx {
    Ast *ast;
    Diags *diags;
    AstFile *afile;             /* the file being parsed (re-fetched after pushes) */
    uint32_t file;
    uint32_t afile_index;
    const char *text;
    uint32_t len;

    LexToken lookahead;         /* the token being fed to the parser */
    uint32_t line;              /* 0-based line of the lookahead */
    uint32_t line_start;        /* byte offset where that line starts */
    bool line_has_code;         /* a token other than a comment was seen on this line */
    bool lexer_error;           /* the lookahead is ILLEGAL and already reported */
    bool skipping;              /* inside the body of a block with a bad header */
    bool failed;                /* the parser gave up (end of input inside an error) */

    Block *block;               /* the open block, or NULL at the top level */
    bool items_open;            /* the parser holds its list of items (model, view, type, enum) */
    bool block_lost_close;      /* its `}` went with a bad line ... */
    Span lost_close;            /* ... here */
    CommentGroup group;         /* the latest run of full-line comments */
    int32_t trailing_doc;       /* comment index of a `///` ending the current line, or -1 */

    PtrVec pending;             /* attributes of the current line */
    FieldType type;             /* the type of the current line's field */
    /* The open block's contents gather here and are copied into exact-size arrays of the
     * arena when it closes: no abandoned half-grown arrays in the tree. */
    PtrVec fields, values, props, attrs;
    BlockItem *items;
    uint32_t nitems, capitems;
    Str *docs;                  /* of the fields or values [0, ndocs); none after */
    uint32_t ndocs, capdocs;
} ParseCtx;

/* Doubles the vector's capacity (the slow path of ptrvec_push). */
void ptrvec_grow(PtrVec *v);
void ptrvec_free(PtrVec *v);

/* Inline: called for every field and attribute, from the grammar's actions too. */
static inline void ptrvec_push(PtrVec *v, void *item)
{
    if (v->count == v->cap)
        ptrvec_grow(v);
    v->items[v->count++] = item;
}
/* The slow paths of ast_add_item and ast_item_doc. */
void ast_items_grow(ParseCtx *ctx);
void ast_item_doc_set(ParseCtx *ctx, uint32_t index, Str doc);
/* Where the next item of a kind goes in the block, counted in the scratch vectors. */
static inline void ast_add_item(ParseCtx *ctx, BlockItemKind kind, uint32_t index)
{
    if (ctx->nitems == ctx->capitems)
        ast_items_grow(ctx);
    ctx->items[ctx->nitems++] = (BlockItem){kind, index};
}
/* The documentation of the block's field or value `index` (the next one), when it has some. */
static inline void ast_item_doc(ParseCtx *ctx, uint32_t index, Str doc)
{
    if (doc.ptr)
        ast_item_doc_set(ctx, index, doc);
}
/* Copies the open block's gathered contents into it (at its `}`, or at the end of the file). */
void ast_block_flush(ParseCtx *ctx);
/* Frees the context's scratch vectors. */
void ast_ctx_free(ParseCtx *ctx);

/* Grammar actions (ast.c). */
void ast_block_begin(ParseCtx *ctx, BlockKind kind, LexToken keyword, LexToken name);
void ast_block_end(ParseCtx *ctx, LexToken close);
void ast_block_add_attr(ParseCtx *ctx, Attribute *attr);
void ast_field(ParseCtx *ctx, LexToken name, const FieldType *type, bool legacy_colon);
void ast_enum_value(ParseCtx *ctx, LexToken name);
void ast_property(ParseCtx *ctx, LexToken key, Expr *value);
/* The current line's field type (ParseCtx.type): a name, or Unsupported("..."), then its arity. */
void ast_type_named(ParseCtx *ctx, LexToken name, FieldArity arity, FieldTypeForm form, LexToken end);
void ast_type_unsupported(ParseCtx *ctx, LexToken open, LexToken text, LexToken close);
void ast_type_arity(ParseCtx *ctx, FieldArity arity, FieldTypeForm form, LexToken end);
void ast_type_legacy_list(ParseCtx *ctx, LexToken open, LexToken close);
void ast_pending_clear(ParseCtx *ctx);
static inline void ast_pending_attr(ParseCtx *ctx, Attribute *attr)
{
    ptrvec_push(&ctx->pending, attr);
}
Attribute *ast_attribute(ParseCtx *ctx, LexToken at, LexToken name, ArgList *args, bool is_block);
Attribute *ast_attribute_token(ParseCtx *ctx, LexToken tok, ArgList *args, bool is_block);
ArgList *ast_args_new(ParseCtx *ctx, LexToken open);
ArgList *ast_args_of(ParseCtx *ctx, const LexToken *name, Expr *value);
ArgList *ast_args_of_empty(ParseCtx *ctx, LexToken name, LexToken colon);
void ast_args_push(ParseCtx *ctx, ArgList *list, const LexToken *name, Expr *value);
void ast_args_push_empty(ParseCtx *ctx, ArgList *list, LexToken name, LexToken colon);
void ast_args_start(ParseCtx *ctx, ArgList *list, LexToken open);
void ast_args_trailing_comma(ParseCtx *ctx, ArgList *list, LexToken comma);
void ast_args_end(ParseCtx *ctx, ArgList *list, LexToken close);
Expr *ast_expr_token(ParseCtx *ctx, ExprKind kind, LexToken tok);
Expr *ast_expr_name(ParseCtx *ctx, LexToken tok);
Expr *ast_expr_string(ParseCtx *ctx, LexToken tok);
Expr *ast_expr_call(ParseCtx *ctx, LexToken name, ArgList *args);
Expr *ast_expr_array(ParseCtx *ctx, LexToken open);
Expr *ast_expr_object(ParseCtx *ctx, LexToken open, ArgList *members, LexToken close);
Expr *ast_expr_array_of(ParseCtx *ctx, Expr *first);
void ast_expr_array_push(ParseCtx *ctx, Expr *array, Expr *item);
void ast_expr_array_start(ParseCtx *ctx, Expr *array, LexToken open);
void ast_expr_array_end(ParseCtx *ctx, Expr *array, LexToken close);

/* The fast path's builder (ast.c): a line of a model, view or type (a field `name Type` with `?`
 * or `[]` and attributes, or a block attribute) or of an enum (a value `NAME` and attributes, or
 * a block attribute), then maybe a // comment, then NEWLINE, as parse.c describes, built as the
 * parser's actions would build it. ast_fast_build checks the tokens (ending with NEWLINE) as it
 * builds and only allocates: false when the line is not of that grammar, whose allocations
 * ast_fast_undo then gives back to where the mark was taken; ast_fast_commit (below) adds a
 * built line to the open block. */
#define FAST_MAX_TOKENS LEXER_LINE_TOKENS  /* a longer line goes to the parser */
typedef struct FastLine {
    Field *field;           /* the line's field (model, view, type), or NULL for ... */
    EnumValue *value;       /* ... an enum's value, or NULL for ... */
    Attribute *attr;        /* ... a block attribute */
    const LexToken *end;    /* the line's end: NEWLINE, or a // comment before it */
} FastLine;
typedef struct FastMark {
    ArenaChunk *head;
    char *cur;
} FastMark;
static inline FastMark ast_fast_mark(const ParseCtx *ctx)
{
    return (FastMark){ctx->ast->arena->head, ctx->ast->arena->cur};
}
bool ast_fast_build(ParseCtx *ctx, const LexToken *t, FastLine *line);
void ast_fast_undo(ParseCtx *ctx, const FastMark *mark);

/* Parse driver callbacks (parse.c). */
void parse_syntax_error(ParseCtx *ctx, LexToken tok, const bool *expected, int ntokens);
void parse_failure(ParseCtx *ctx);
void parse_stack_overflow(ParseCtx *ctx);
void parse_skip_begin(ParseCtx *ctx);
void parse_skip_end(ParseCtx *ctx);
/* Documentation for a node declared on the current line (consumes the pending group). */
Str parse_take_doc_slow(ParseCtx *ctx, bool top_level);
static inline Str parse_take_doc(ParseCtx *ctx, bool top_level)
{
    if (!ctx->group.active && ctx->trailing_doc < 0)
        return (Str){NULL, 0};  /* nearly every node: no comment since the previous one */
    return parse_take_doc_slow(ctx, top_level);
}
/* Adds a line built by ast_fast_build to the open block (inline: once per line). */
static inline void ast_fast_commit(ParseCtx *ctx, const FastLine *line)
{
    if (line->field) {
        ctx->pending.count = 0;
        ast_item_doc(ctx, ctx->fields.count, parse_take_doc(ctx, false));
        ptrvec_push(&ctx->fields, line->field);
        ast_add_item(ctx, ITEM_FIELD, ctx->fields.count - 1);
    } else if (line->value) {
        ctx->pending.count = 0;
        ast_item_doc(ctx, ctx->values.count, parse_take_doc(ctx, false));
        ptrvec_push(&ctx->values, line->value);
        ast_add_item(ctx, ITEM_VALUE, ctx->values.count - 1);
    } else {
        ptrvec_push(&ctx->attrs, line->attr);
        ast_add_item(ctx, ITEM_ATTRIBUTE, ctx->attrs.count - 1);
    }
}
/* Decodes a string literal's JSON escapes; reports bad escapes. */
Str parse_string_value(ParseCtx *ctx, LexToken tok);

static inline Span ctx_span(const ParseCtx *ctx, uint32_t start, uint32_t end)
{
    return (Span){ctx->file, start, end};
}

/* Lemon's entry points (build/parser.c). */
void *PrismaParseAlloc(void *(*alloc)(size_t), ParseCtx *ctx);
void PrismaParse(void *parser, int major, LexToken minor);
void PrismaParseFree(void *parser, void (*free_fn)(void *));
void PrismaParseInit(void *parser, ParseCtx *ctx);
void PrismaParseFinalize(void *parser);
void PrismaParseReportAgain(void *parser);

#endif
