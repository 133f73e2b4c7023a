/* The syntax tree of a Prisma schema (one or several files).
 *
 * Every node keeps the byte span it was parsed from, so that later stages can point at it and
 * rewrite a file through spans without disturbing the rest. Comments are kept twice: the
 * documentation (`///`) a node carries, and every comment in source order per file, for the
 * formatter. All memory lives in the Ast's arena. */
#ifndef PRISMAC_AST_H
#define PRISMAC_AST_H

#include "prismac/arena.h"
#include "prismac/diag.h"
#include "prismac/source.h"

typedef enum ExprKind {
    EXPR_STRING,    /* "text" — `value` holds the unescaped bytes */
    EXPR_NUMBER,    /* -1.5 — `text` holds the literal */
    EXPR_CONSTANT,  /* a path: true, Cascade, db.VarChar — `text` */
    EXPR_CALL,      /* name(args) — `text` holds the name */
    EXPR_ARRAY,     /* [a, b] */
} ExprKind;

typedef struct Expr Expr;
typedef struct ArgList ArgList;

typedef struct Arg {
    Str name;           /* empty for a positional argument */
    Span name_span;
    Expr *value;        /* NULL for an argument without a value (`name:`) */
    Span span;
} Arg;

struct ArgList {
    Arg *items;
    uint32_t count, cap;
    Span span;              /* from `(` to `)` */
    bool has_trailing_comma;
    Span trailing_comma;
};

struct Expr {
    ExprKind kind;
    Span span;
    Str text;           /* number literal, constant path or function name, as written */
    Str value;          /* EXPR_STRING: unescaped content (may contain NUL bytes) */
    ArgList *args;      /* EXPR_CALL */
    Expr **items;       /* EXPR_ARRAY */
    uint32_t count, cap;
};

typedef struct Attribute {
    Str name;           /* without @ or @@: "id", "db.VarChar" */
    Span name_span;
    bool is_block;      /* @@ */
    ArgList *args;      /* NULL when written without parentheses */
    Span span;          /* from @ to the end of the arguments */
} Attribute;

typedef enum FieldArity {
    ARITY_REQUIRED,
    ARITY_OPTIONAL,     /* T? */
    ARITY_LIST,         /* T[] */
} FieldArity;

typedef enum FieldTypeForm {
    TYPEFORM_PLAIN,          /* T, T?, T[] */
    TYPEFORM_OPTIONAL_LIST,  /* T[]? — rejected by validation */
    TYPEFORM_LEGACY_REQUIRED,/* T! — rejected by validation */
    TYPEFORM_LEGACY_LIST,    /* [T] — rejected by validation */
} FieldTypeForm;

typedef struct FieldType {
    Str name;               /* the type name; for Unsupported("x") the string x */
    Span name_span;
    bool unsupported;       /* Unsupported("...") */
    FieldArity arity;
    FieldTypeForm form;
    Span span;              /* the whole type, including ? or [] */
} FieldType;

typedef struct Field {
    Str name;
    Span name_span;
    bool has_type;          /* false when the declaration has no type (a syntax error) */
    bool legacy_colon;      /* `name: Type` */
    FieldType type;
    Attribute **attrs;
    uint32_t nattrs, capattrs;
    Str doc;                /* `///` documentation, lines joined by \n; empty if none */
    Span span;              /* the declaration, without the trailing comment */
} Field;

typedef struct EnumValue {
    Str name;
    Span name_span;
    Attribute **attrs;
    uint32_t nattrs, capattrs;
    Str doc;
    Span span;
} EnumValue;

typedef struct Property {   /* key = value, in datasource and generator blocks */
    Str key;
    Span key_span;
    Expr *value;            /* NULL when the value is missing */
    Span span;
} Property;

typedef enum BlockKind {
    BLOCK_MODEL,
    BLOCK_VIEW,
    BLOCK_TYPE,         /* composite type */
    BLOCK_ENUM,
    BLOCK_DATASOURCE,
    BLOCK_GENERATOR,
} BlockKind;

/* What a block holds, in source order: lets a rewriter walk fields and attributes together. */
typedef enum BlockItemKind { ITEM_FIELD, ITEM_VALUE, ITEM_PROPERTY, ITEM_ATTRIBUTE } BlockItemKind;
typedef struct BlockItem {
    BlockItemKind kind;
    uint32_t index;     /* into fields / values / props / attrs */
} BlockItem;

typedef struct Block {
    BlockKind kind;
    Str name;
    Span name_span;
    Span keyword_span;
    Span open_brace;        /* the `{` */
    Span close_brace;       /* the `}` */
    Span span;              /* keyword to `}` */
    Field **fields;     uint32_t nfields, capfields;     /* model, view, type */
    EnumValue **values; uint32_t nvalues, capvalues;     /* enum */
    Property **props;   uint32_t nprops, capprops;       /* datasource, generator */
    Attribute **attrs;  uint32_t nattrs, capattrs;       /* @@ block attributes */
    BlockItem *items;   uint32_t nitems, capitems;
    Str doc;
} Block;

typedef enum CommentKind {
    COMMENT_LINE,   /* // ... */
    COMMENT_DOC,    /* /// ... */
    COMMENT_BLOCK,  /* / * ... * / */
} CommentKind;

typedef struct Comment {
    CommentKind kind;
    Span span;
    bool trailing;  /* code precedes it on the same line */
} Comment;

typedef struct AstFile {
    uint32_t file;          /* id in the SourceSet */
    Comment *comments;      /* in source order */
    uint32_t ncomments, capcomments;
    uint32_t first_block, nblocks;  /* this file's blocks in Ast.blocks */
} AstFile;

typedef struct Ast {
    Arena *arena;
    SourceSet *sources;
    Block **blocks;     /* every file's blocks, file by file, in source order */
    uint32_t nblocks, capblocks;
    AstFile *files;
    uint32_t nfiles, capfiles;
} Ast;

/* Parses every file of `sources` into one tree. Syntax errors go to `diags`; the tree holds
 * whatever could be parsed around them. */
Ast *ast_parse(SourceSet *sources, Diags *diags);
/* Parses one file (already in the set) and appends it to `ast`. */
void ast_parse_file(Ast *ast, uint32_t file, Diags *diags);
Ast *ast_new(Arena *arena, SourceSet *sources);

const char *ast_block_kind_name(BlockKind kind);
/* Finds a named argument ("map"), or with name NULL the first positional one. */
const Arg *ast_arg_find(const ArgList *args, const char *name);
/* The text of a span in its file. */
Str ast_span_text(const Ast *ast, Span span);

/* The tree as JSON (shape documented in README.md), written to `out`. */
void ast_dump_json(const Ast *ast, FILE *out);

#endif
