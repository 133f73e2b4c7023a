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
    EXPR_OBJECT,    /* { key: value, ... } (partial index conditions) — `args` holds the members */
} ExprKind;

typedef struct Expr Expr;
typedef struct ArgList ArgList;

typedef struct Arg {
    Str name;           /* empty for a positional argument */
    Expr *value;        /* NULL for an argument without a value (`name:`) */
    Span name_span;
    Span span;
} Arg;

struct ArgList {
    Arg *items;
    uint32_t count, cap;
    Span span;              /* from `(` to `)` */
    uint32_t trailing_comma;    /* offset of a trailing `,` (0: none; a comma is never at 0) */
};

struct Expr {
    ExprKind kind;
    Span span;
    Str text;           /* number literal, constant path or function name, as written */
    union {
        Str value;      /* EXPR_STRING: unescaped content (may contain NUL bytes) */
        ArgList *args;  /* EXPR_CALL; EXPR_OBJECT: its members, all named (NULL when empty) */
        struct {        /* EXPR_ARRAY */
            Expr **items;
            uint32_t count, cap;
        };
    };
};

typedef struct Attribute {
    Str name;           /* without @ or @@: "id", "db.VarChar" */
    ArgList *args;      /* NULL when written without parentheses */
    Span name_span;
    Span span;          /* from @ to the end of the arguments */
    bool is_block;      /* @@ */
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
    Span span;              /* the whole type, including ? or [] */
    uint8_t arity;          /* FieldArity */
    uint8_t form;           /* FieldTypeForm */
    bool unsupported;       /* Unsupported("...") */
} FieldType;

typedef struct Field {
    Str name;               /* (its documentation: Block.docs) */
    FieldType type;
    Attribute **attrs;
    Span name_span;
    Span span;              /* the declaration, without the trailing comment */
    uint32_t nattrs;
    bool has_type;          /* false when the declaration has no type (a syntax error) */
    bool legacy_colon;      /* `name: Type` */
} Field;

typedef struct EnumValue {
    Str name;               /* (its documentation: Block.docs) */
    Attribute **attrs;
    Span name_span;
    Span span;
    uint32_t nattrs;
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
    Field **fields;     uint32_t nfields;     /* model, view, type */
    EnumValue **values; uint32_t nvalues;     /* enum */
    Property **props;   uint32_t nprops;      /* datasource, generator */
    Attribute **attrs;  uint32_t nattrs;      /* @@ block attributes */
    BlockItem *items;   uint32_t nitems;
    Str doc;
    /* The `///` documentation of each field (model, view, type) or value (enum), lines joined
     * by \n (empty: none); NULL when none has any. Kept apart: few fields have any. */
    Str *docs;
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
 * whatever could be parsed around them. Large files are parsed in chunks on several threads
 * (the result is the same as one pass). */
Ast *ast_parse(SourceSet *sources, Diags *diags);
/* Parses one file (already in the set), in one pass, and appends it to `ast`. */
void ast_parse_file(Ast *ast, uint32_t file, Diags *diags);

typedef struct ParseOptions {
    uint32_t threads;           /* at most this many threads per file (1: one pass) */
    uint32_t min_chunk_bytes;   /* no chunk smaller than this */
    bool parser_only;           /* every line through the parser, none by the fast path for
                                 * common lines (tests: both must give the same result) */
} ParseOptions;

ParseOptions parse_options_default(void);   /* the machine's CPUs (up to 8), 512 KiB chunks */
Ast *ast_parse_with(SourceSet *sources, Diags *diags, const ParseOptions *opt);
void ast_parse_file_with(Ast *ast, uint32_t file, Diags *diags, const ParseOptions *opt);
Ast *ast_new(Arena *arena, SourceSet *sources);

const char *ast_block_kind_name(BlockKind kind);
/* Finds a named argument ("map"), or with name NULL the first positional one. */
const Arg *ast_arg_find(const ArgList *args, const char *name);
/* The text of a span in its file. */
Str ast_span_text(const Ast *ast, Span span);

/* The tree as JSON (shape documented in README.md), written to `out`. */
void ast_dump_json(const Ast *ast, FILE *out);

#endif
