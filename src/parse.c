/* The parse driver: pumps tokens from the re2c lexer into the Lemon parser, keeps comments out
 * of the grammar (recording them for the tree and for `///` documentation), reports lexical
 * and syntax errors with what was expected and what was found, and decodes string literals. */
#include "parse_internal.h"
#include "parser.h"
#include "prismac/parallel.h"

#define LEXER_SCAN_ONLY
#include "lexer.c"     /* lexer_scan(): the generated scanner, inlined into the loops below */

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

/* Lexer kinds the grammar sees, by LexKind; 0 for comments and errors (handled here). */
static const int TOKEN_OF_KIND[LEX_KIND_COUNT] = {
    [LEX_EOF] = 0,
    [LEX_NEWLINE] = TK_NEWLINE,
    [LEX_IDENT] = TK_IDENT,
    [LEX_PATH] = TK_PATH,
    [LEX_NUMBER] = TK_NUMBER,
    [LEX_STRING] = TK_STRING,
    [LEX_KW_MODEL] = TK_MODEL,
    [LEX_KW_VIEW] = TK_VIEW,
    [LEX_KW_TYPE] = TK_TYPE,
    [LEX_KW_ENUM] = TK_ENUM,
    [LEX_KW_DATASOURCE] = TK_DATASOURCE,
    [LEX_KW_GENERATOR] = TK_GENERATOR,
    [LEX_UNSUPPORTED] = TK_UNSUPPORTED,
    [LEX_LBRACE] = TK_LBRACE,
    [LEX_RBRACE] = TK_RBRACE,
    [LEX_LPAREN] = TK_LPAREN,
    [LEX_RPAREN] = TK_RPAREN,
    [LEX_LBRACKET] = TK_LBRACKET,
    [LEX_RBRACKET] = TK_RBRACKET,
    [LEX_LISTMARK] = TK_LISTMARK,
    [LEX_COMMA] = TK_COMMA,
    [LEX_COLON] = TK_COLON,
    [LEX_EQUALS] = TK_EQUALS,
    [LEX_QUESTION] = TK_QUESTION,
    [LEX_BANG] = TK_BANG,
    [LEX_AT] = TK_AT,
    [LEX_ATAT] = TK_ATAT,
    [LEX_ATTR] = TK_ATTR,
    [LEX_BLOCK_ATTR] = TK_BLOCK_ATTR,
};

/* What the current line holds up to a token: worked out again from the line's start when a
 * syntax error needs it, so the hot path keeps no per-token bookkeeping. */
typedef struct LineState {
    LexKind first;          /* first code token of the line ... */
    LexToken first_tok;     /* ... and where it is */
    int depth;              /* open ( and [ before the token */
    int ntokens;            /* code tokens before the token */
    LexKind prev;           /* the code token before it */
    LexToken prev_tok;
} LineState;

/* ---- comments and documentation ------------------------------------------------------------ */

static uint32_t count_newlines(const char *text, uint32_t start, uint32_t end)
{
    uint32_t n = 0;
    for (uint32_t i = start; i < end; i++)
        if (text[i] == '\n' || (text[i] == '\r' && text[i + 1] != '\n'))
            n++;
    return n;
}

static void parse_record_comment(ParseCtx *ctx, CommentKind kind, uint32_t start, uint32_t end)
{
    AstFile *af = &ctx->ast->files[ctx->afile_index];
    Comment c = {kind, ctx_span(ctx, start, end), ctx->line_has_code};
    ARENA_PUSH(ctx->ast->arena, af->comments, af->ncomments, af->capcomments, c);
    uint32_t index = af->ncomments - 1;
    /* only a block comment may span lines */
    uint32_t last_line = ctx->line + (kind == COMMENT_BLOCK ? count_newlines(ctx->text, start, end) : 0);

    if (c.trailing) {
        if (kind == COMMENT_DOC)
            ctx->trailing_doc = (int32_t)index;
        return;
    }
    /* Full-line comments on consecutive lines form one group, as Prisma's comment_block. */
    if (ctx->group.active && ctx->group.last_line + 1 >= ctx->line) {
        ctx->group.count = index - ctx->group.first + 1;
    } else {
        ctx->group.active = true;
        ctx->group.first = index;
        ctx->group.count = 1;
    }
    ctx->group.last_line = last_line;
}

/* The text a comment contributes to documentation: `///` lines without the slashes and leading
 * blanks, block comments without their delimiters; plain `//` comments contribute nothing. */
static Str comment_doc_text(const ParseCtx *ctx, const Comment *c)
{
    const char *s = ctx->text + c->span.start;
    uint32_t len = c->span.end - c->span.start;
    if (c->kind == COMMENT_DOC) {
        s += 3;
        len -= 3;
    } else if (c->kind == COMMENT_BLOCK) {
        s += 2;
        len = len >= 4 ? len - 4 : 0;
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
            len--;
    } else {
        return (Str){NULL, 0};
    }
    while (len && (*s == ' ' || *s == '\t' || (c->kind == COMMENT_BLOCK && (*s == '\n' || *s == '\r')))) {
        s++;
        len--;
    }
    return (Str){s, len};
}

Str parse_take_doc_slow(ParseCtx *ctx, bool top_level)
{
    AstFile *af = &ctx->ast->files[ctx->afile_index];
    uint32_t first = 0, count = 0;
    /* A block's documentation must sit right above it; a field's is the latest comment group
     * since the previous field, as Prisma attaches them. */
    if (ctx->group.active && (!top_level || ctx->group.last_line + 1 == ctx->line)) {
        first = ctx->group.first;
        count = ctx->group.count;
    }
    ctx->group.active = false;
    int32_t trailing = top_level ? -1 : ctx->trailing_doc;
    ctx->trailing_doc = -1;

    size_t total = 0;
    uint32_t parts = 0;
    for (uint32_t i = first; i < first + count; i++) {
        Str t = comment_doc_text(ctx, &af->comments[i]);
        if (t.ptr) {
            total += t.len + 1;
            parts++;
        }
    }
    Str tail = trailing >= 0 ? comment_doc_text(ctx, &af->comments[trailing]) : (Str){NULL, 0};
    if (tail.ptr) {
        total += tail.len + 1;
        parts++;
    }
    if (!parts)
        return (Str){NULL, 0};
    if (parts == 1) {   /* one line: point into the source */
        for (uint32_t i = first; i < first + count; i++) {
            Str t = comment_doc_text(ctx, &af->comments[i]);
            if (t.ptr)
                return t;
        }
        return tail;
    }
    char *buf = arena_alloc_raw(ctx->ast->arena, total);
    size_t n = 0;
    for (uint32_t i = first; i <= first + count; i++) {
        Str t = i < first + count ? comment_doc_text(ctx, &af->comments[i]) : tail;
        if (!t.ptr)
            continue;
        if (n)
            buf[n++] = '\n';
        memcpy(buf + n, t.ptr, t.len);
        n += t.len;
    }
    return (Str){buf, (uint32_t)n};
}

/* ---- string literals ------------------------------------------------------------------------- */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Four hex digits after `\u` at text[i]; -1 when they are not there. */
static int32_t read_u16_escape(const char *text, uint32_t i, uint32_t end)
{
    if (i + 6 > end || text[i] != '\\' || text[i + 1] != 'u')
        return -1;
    int32_t v = 0;
    for (uint32_t k = 2; k < 6; k++) {
        int h = hex_value(text[i + k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static uint32_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* JSON escapes, as Prisma reads them (RFC 8259 §7), including UTF-16 surrogate pairs. */
Str parse_string_value(ParseCtx *ctx, LexToken tok)
{
    const char *text = ctx->text;
    uint32_t start = tok.start + 1, end = tok.end - 1;
    if (!memchr(text + start, '\\', end - start))
        return (Str){text + start, end - start};

    char *out = arena_alloc_raw(ctx->ast->arena, end - start + 1);
    uint32_t n = 0;
    for (uint32_t i = start; i < end;) {
        if (text[i] != '\\') {
            out[n++] = text[i++];
            continue;
        }
        char e = text[i + 1];
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char decoded[] = "\"\\/\b\f\n\r\t";
            out[n++] = decoded[simple - "\"\\/bfnrt"];
            i += 2;
            continue;
        }
        if (e == 'u') {
            int32_t hi = read_u16_escape(text, i, end);
            if (hi < 0) {
                uint32_t bad_end = i + 2;
                while (bad_end < end && bad_end < i + 6 && hex_value(text[bad_end]) >= 0)
                    bad_end++;
                diag_error(ctx->diags, ctx_span(ctx, i, bad_end < end ? bad_end + 1 : end),
                           "invalid unicode escape: `\\u` takes four hexadecimal digits");
                i = bad_end;
                continue;
            }
            uint32_t cp = (uint32_t)hi;
            uint32_t used = 6;
            if (hi >= 0xD800 && hi <= 0xDBFF) {
                int32_t lo = read_u16_escape(text, i + 6, end);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + (((uint32_t)hi - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
                    used = 12;
                } else {
                    diag_error(ctx->diags, ctx_span(ctx, i, i + 6),
                               "invalid unicode escape: a high surrogate must be followed by a low one");
                    i += 6;
                    continue;
                }
            } else if (hi >= 0xDC00 && hi <= 0xDFFF) {
                diag_error(ctx->diags, ctx_span(ctx, i, i + 6), "invalid unicode escape: lone low surrogate");
                i += 6;
                continue;
            }
            n += utf8_encode(cp, out + n);
            i += used;
            continue;
        }
        /* An unknown escape: report it and keep the character. */
        uint32_t len = 1;
        while (i + 1 + len < end && ((unsigned char)text[i + 1 + len] & 0xC0) == 0x80)
            len++;
        diag_error(ctx->diags, ctx_span(ctx, i, i + 1 + len),
                   "unknown escape sequence `\\%.*s`; write `\\\\` for a backslash (as in Windows paths)", (int)len,
                   text + i + 1);
        memcpy(out + n, text + i + 1, len);
        n += len;
        i += 1 + len;
    }
    out[n] = '\0';
    return (Str){out, n};
}

/* ---- syntax errors --------------------------------------------------------------------------- */

static const char *expected_name(int token)
{
    switch (token) {
    case TK_NEWLINE: return "end of line";
    case TK_IDENT: return "a name";
    case TK_NUMBER: return "a number";
    case TK_STRING: return "a string";
    case TK_UNSUPPORTED: return "`Unsupported(\"...\")`";
    case TK_LBRACE: return "`{`";
    case TK_RBRACE: return "`}`";
    case TK_LPAREN: return "`(`";
    case TK_RPAREN: return "`)`";
    case TK_LBRACKET: return "`[`";
    case TK_RBRACKET: return "`]`";
    case TK_LISTMARK: return "`[]`";
    case TK_COMMA: return "`,`";
    case TK_COLON: return "`:`";
    case TK_EQUALS: return "`=`";
    case TK_QUESTION: return "`?`";
    case TK_BANG: return NULL;     /* legal only to report the legacy `Type!` */
    case TK_AT:
    case TK_ATTR: return "an attribute (`@...`)";
    case TK_ATAT:
    case TK_BLOCK_ATTR: return "a block attribute (`@@...`)";
    default: return NULL;
    }
}

static const char *const BLOCK_KEYWORDS[] = {"model", "enum", "view", "type", "datasource", "generator"};

static unsigned edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
    unsigned row[32];
    if (la >= 31 || lb >= 31)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned prev = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned cur = row[j];
            unsigned best = prev + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

static const char *closest_keyword(const char *word, size_t len)
{
    const char *best = NULL;
    unsigned best_d = 3;
    for (size_t i = 0; i < sizeof BLOCK_KEYWORDS / sizeof *BLOCK_KEYWORDS; i++) {
        unsigned d = edit_distance(word, len, BLOCK_KEYWORDS[i], strlen(BLOCK_KEYWORDS[i]));
        if (d < best_d) {
            best_d = d;
            best = BLOCK_KEYWORDS[i];
        }
    }
    return best;
}

/* "`x`", "end of line", ... for the token that was found. */
static char *found_text(ParseCtx *ctx, LexToken tok)
{
    if (tok.kind == LEX_NEWLINE)
        return "end of line";
    if (tok.kind == LEX_EOF)
        return "end of file";
    uint32_t len = tok.end - tok.start;
    if (len > 32)
        return arena_sprintf(ctx->ast->arena, "`%.*s...`", 29, ctx->text + tok.start);
    return arena_sprintf(ctx->ast->arena, "`%.*s`", (int)len, ctx->text + tok.start);
}

/* A sentence listing the expected tokens: "`{`", "an attribute (`@...`) or end of line".
 * Closing brackets count only inside brackets: LALR states are shared between contexts. */
static char *expected_list(ParseCtx *ctx, const bool *expected, int ntokens, int depth)
{
    const char *names[32];
    int n = 0;
    bool value = expected[TK_STRING] && expected[TK_NUMBER] && expected[TK_IDENT];
    if (value)
        names[n++] = "a value";
    for (int i = 1; i < ntokens && n < 31; i++) {
        if (value && (i == TK_STRING || i == TK_NUMBER || i == TK_IDENT || i == TK_LBRACKET || i == TK_LBRACE || i == TK_LISTMARK))
            continue;
        if (i == TK_UNSUPPORTED)
            continue;
        if (!expected[i] || i == TK_NEWLINE || (depth == 0 && (i == TK_RBRACKET || i == TK_RPAREN || i == TK_COLON)))
            continue;
        if (i == TK_NUMBER && !expected[TK_STRING])
            continue;   /* a name may be all digits; "a name" says it */
        const char *name = expected_name(i);
        bool seen = false;
        for (int k = 0; k < n && !seen; k++)
            seen = names[k] == name;
        if (name && !seen)
            names[n++] = name;
    }
    if (expected[TK_NEWLINE])
        names[n++] = expected_name(TK_NEWLINE);
    if (n == 0 || n > 6)
        return NULL;
    char *out = "";
    for (int i = 0; i < n; i++)
        out = arena_sprintf(ctx->ast->arena, "%s%s%s", out, i == 0 ? "" : i == n - 1 ? " or " : ", ", names[i]);
    return out;
}

static LineState line_state(ParseCtx *ctx, LexToken upto);

void parse_syntax_error(ParseCtx *ctx, LexToken tok, const bool *expected, int ntokens)
{
    if (ctx->lexer_error || tok.kind == LEX_EOF)
        return;   /* already reported by the lexer; an unclosed block is reported at the end */
    Span span = ctx_span(ctx, tok.start, tok.end);
    LineState line = line_state(ctx, tok);
    LineState *ls = &line;
    const char *found = found_text(ctx, tok);
    Diag *d;

    if (!ctx->block && !ctx->skipping && tok.start == ls->first_tok.start) {
        /* The first token of a top-level line must open a block. */
        if (tok.kind == LEX_IDENT) {
            const char *guess = closest_keyword(ctx->text + tok.start, tok.end - tok.start);
            d = diag_error(ctx->diags, span,
                           "%s does not start a block: expected `model`, `enum`, `view`, `type`, `datasource` or `generator`",
                           found);
            if (guess)
                d->note = arena_sprintf(ctx->ast->arena, "did you mean `%s`?", guess);
        } else {
            d = diag_error(ctx->diags, span,
                           "unexpected %s outside of a block: expected `model`, `enum`, `view`, `type`, `datasource` or `generator`",
                           found);
            if (tok.kind == LEX_LBRACE)
                d->note = "a block's `{` goes on the same line as its keyword and name (`model User {`)";
        }
        return;
    }
    if (tok.kind == LEX_NEWLINE && ls->depth > 0) {
        diag_error(ctx->diags, span, "unexpected end of line inside brackets: arguments and lists must be on one line");
        return;
    }
    char *want = expected_list(ctx, expected, ntokens, ls->depth);
    if (ctx->block && ls->ntokens == 0 && tok.kind != LEX_NEWLINE) {
        switch (ctx->block->kind) {
        case BLOCK_DATASOURCE:
        case BLOCK_GENERATOR: want = "a property (`key = value`) or `}`"; break;
        case BLOCK_ENUM: want = "an enum value, a block attribute (`@@...`) or `}`"; break;
        default: want = "a field, a block attribute (`@@...`) or `}`"; break;
        }
    }
    if (ctx->block && ls->ntokens == 1 && tok.kind != LEX_NEWLINE) {
        /* After the first name of a line the parser's state is shared by fields, enum values
         * and properties (and the legacy forms): say what this block takes. */
        switch (ctx->block->kind) {
        case BLOCK_DATASOURCE:
        case BLOCK_GENERATOR: want = "`=`"; break;
        case BLOCK_ENUM: want = "an attribute (`@...`) or end of line"; break;
        default: want = "a field type"; break;
        }
    }
    if (want)
        d = diag_error(ctx->diags, span, "unexpected %s, expected %s", found, want);
    else
        d = diag_error(ctx->diags, span, "unexpected %s", found);

    if (tok.kind == LEX_RBRACE && ctx->block) {
        d->note = "a `}` closes a block only at the start of a line";
        ctx->block_lost_close = true;
        ctx->lost_close = span;
    } else if ((tok.kind == LEX_AT || tok.kind == LEX_ATTR) && ctx->block && ls->ntokens == 0) {
        d->note = "a field attribute (`@...`) follows its field on the same line";
    } else if (tok.kind == LEX_EQUALS && ctx->block && ls->ntokens == 1) {
        d->note = ctx->block->kind == BLOCK_ENUM ? "an enum value is a bare name" : "a field is declared as `name Type`";
    } else if ((tok.kind == LEX_ATAT || tok.kind == LEX_BLOCK_ATTR) && ctx->block) {
        d->note = "a block attribute (`@@...`) stands on a line of its own";
    } else if (tok.kind == LEX_EQUALS && ls->first == LEX_KW_TYPE) {
        d->note = "type aliases are not supported; a composite type is declared as `type Name { ... }`";
    } else if (tok.kind == LEX_RBRACKET && ls->prev == LEX_COMMA) {
        d->note = "a list takes no trailing comma";
    } else if (tok.kind == LEX_LPAREN && ls->prev == LEX_IDENT &&
               ls->prev_tok.end - ls->prev_tok.start == 11 && memcmp(ctx->text + ls->prev_tok.start, "Unsupported", 11) == 0) {
        d->note = "write `Unsupported(\"...\")` with no space before `(`";
    } else if (ctx->block && (ls->first == LEX_KW_MODEL || ls->first == LEX_KW_ENUM || ls->first == LEX_KW_VIEW ||
                              ls->first == LEX_KW_TYPE || ls->first == LEX_KW_DATASOURCE ||
                              ls->first == LEX_KW_GENERATOR)) {
        diag_note(ctx->diags, d, ctx->block->open_brace, "`%s %.*s` opened here is still open: is its `}` missing?",
                  ast_block_kind_name(ctx->block->kind), (int)ctx->block->name.len, ctx->block->name.ptr);
    }
}

void parse_failure(ParseCtx *ctx)
{
    ctx->failed = true;
}

void parse_stack_overflow(ParseCtx *ctx)
{
    ctx->failed = true;
    diag_error(ctx->diags, ctx_span(ctx, ctx->lookahead.start, ctx->lookahead.end),
               "expression nested too deeply");
}

void parse_skip_begin(ParseCtx *ctx)
{
    ctx->skipping = true;
}

void parse_skip_end(ParseCtx *ctx)
{
    ctx->skipping = false;
}

/* ---- the driver ------------------------------------------------------------------------------ */

typedef struct Driver {
    ParseCtx ctx;
    Lexer lexer;
    uint32_t end;               /* where this parse stops: the file's end, or its chunk's */
    void *parser;
    LexToken last_lbrace;
    bool comment_ends_code;     /* a block comment followed code: only the line end may follow */
    bool parser_only;           /* no fast path (ParseOptions.parser_only) */
    bool brace_line;            /* this line opened a block ... */
    bool at_block_start;        /* ... and only its end went to the parser since */
    LexToken midline_comment;
    /* A model's, view's, type's or enum's header `model Name {` and the lines up to its `}`
     * that the driver builds itself (the fast path's lines, the block's `}` line) need nothing
     * of the parser but that it be at the top level again after the block: the header is not
     * fed to it unless something else of the block is (driver_catch_up). How far it lags: */
    enum { LAG_NONE, LAG_HEADER, LAG_HEADER_LINE, LAG_ITEMS } lag;
    LexToken lag_keyword, lag_name, lag_lbrace;     /* the header's tokens ... */
    int lag_keyword_token;
    LexToken lag_header_end, lag_items_start;       /* ... its line end, the first line's end */
} Driver;

static LineState line_state(ParseCtx *ctx, LexToken upto)
{
    LineState ls = {0};
    Lexer lx;
    lexer_init(&lx, ctx->text, ctx->len);
    lx.pos = ctx->line_start;
    for (;;) {
        LexToken t = lexer_scan(&lx);
        if (t.start >= upto.start || t.kind == LEX_EOF || t.kind == LEX_NEWLINE)
            break;
        if (t.kind == LEX_COMMENT || t.kind == LEX_DOC_COMMENT || t.kind == LEX_BLOCK_COMMENT)
            continue;
        if (ls.ntokens == 0) {
            ls.first = t.kind;
            ls.first_tok = t;
        }
        if (t.kind == LEX_LPAREN || t.kind == LEX_LBRACKET || t.kind == LEX_UNSUPPORTED)
            ls.depth++;
        else if ((t.kind == LEX_RPAREN || t.kind == LEX_RBRACKET) && ls.depth > 0)
            ls.depth--;
        ls.ntokens++;
        ls.prev = t.kind;
        ls.prev_tok = t;
        if (t.kind == LEX_LBRACE)
            lexer_skip_line(&lx);
    }
    if (ls.ntokens == 0) {
        ls.first = upto.kind;
        ls.first_tok = upto;
    }
    return ls;
}

/* What the parser missed of the open block, fed to it as the driver would have: its header,
 * the header's line end, then the line end that started its list of items (the fast path's
 * first line). From the top level, where the header was read, they are no syntax error. While
 * the header's tokens go in, the lookahead is not the `{`, so that the block is not begun
 * twice (ast_block_begin). */
static void driver_catch_up(Driver *dr)
{
    ParseCtx *ctx = &dr->ctx;
    int lag = dr->lag;
    dr->lag = LAG_NONE;
    ctx->lookahead = dr->lag_keyword;
    PrismaParse(dr->parser, dr->lag_keyword_token, dr->lag_keyword);
    PrismaParse(dr->parser, TK_IDENT, dr->lag_name);
    PrismaParse(dr->parser, TK_LBRACE, dr->lag_lbrace);
    if (lag >= LAG_HEADER_LINE) {
        ctx->lookahead = dr->lag_header_end;
        PrismaParse(dr->parser, TK_NEWLINE, dr->lag_header_end);
        PrismaParseReportAgain(dr->parser);
    }
    if (lag >= LAG_ITEMS) {
        ctx->lookahead = dr->lag_items_start;
        PrismaParse(dr->parser, TK_NEWLINE, dr->lag_items_start);
        PrismaParseReportAgain(dr->parser);
    }
}

static void driver_feed(Driver *dr, int token, LexToken tok)
{
    if (dr->lag)
        driver_catch_up(dr);
    dr->ctx.lookahead = tok;
    dr->at_block_start = false;
    PrismaParse(dr->parser, token, tok);
}

static void driver_lexer_error(Driver *dr, LexToken tok)
{
    ParseCtx *ctx = &dr->ctx;
    Span span = ctx_span(ctx, tok.start, tok.end);
    switch (tok.kind) {
    case LEX_ERR_STRING_EOL:
        span.end = span.start + 1;
        diag_error(ctx->diags, span, "unterminated string: the closing `\"` is missing on this line");
        break;
    case LEX_ERR_STRING_CONTROL: {
        unsigned char c = (unsigned char)ctx->text[tok.end];
        diag_error(ctx->diags, ctx_span(ctx, tok.end, tok.end + 1),
                   "control character 0x%02X inside a string; write it as an escape such as `\\t` or `\\u%04X`", c, c);
        break;
    }
    case LEX_ERR_COMMENT_EOF:
        span.end = span.start + 2;
        diag_error(ctx->diags, span, "unterminated comment: `/*` is never closed with `*/`");
        break;
    default: {
        unsigned char c = (unsigned char)ctx->text[tok.start];
        if (c == 0)
            diag_error(ctx->diags, span, "NUL byte in the schema");
        else if (c < 0x20 || c == 0x7F)
            diag_error(ctx->diags, span, "unexpected control character 0x%02X", c);
        else if (tok.start == 0 && tok.end - tok.start == 3 && memcmp(ctx->text, "\xEF\xBB\xBF", 3) == 0)
            diag_error(ctx->diags, span, "the file starts with a byte order mark (U+FEFF), which Prisma rejects; save it as UTF-8 without BOM");
        else
            diag_error(ctx->diags, span, "unexpected character `%.*s`", (int)(tok.end - tok.start), ctx->text + tok.start);
        break;
    }
    }
}

/* Prisma ignores what follows a block's `{` on its line; a comment there is kept, anything else
 * is reported as ignored. */
static void driver_after_lbrace(Driver *dr)
{
    ParseCtx *ctx = &dr->ctx;
    uint32_t start = dr->lexer.pos;
    uint32_t end = lexer_skip_line(&dr->lexer);
    while (start < end && (ctx->text[start] == ' ' || ctx->text[start] == '\t'))
        start++;
    uint32_t trimmed = end;
    while (trimmed > start && (ctx->text[trimmed - 1] == ' ' || ctx->text[trimmed - 1] == '\t'))
        trimmed--;
    if (start == trimmed)
        return;
    const char *s = ctx->text + start;
    uint32_t len = trimmed - start;
    if (len >= 3 && memcmp(s, "///", 3) == 0)
        parse_record_comment(ctx, COMMENT_DOC, start, trimmed);
    else if (len >= 2 && memcmp(s, "//", 2) == 0)
        parse_record_comment(ctx, COMMENT_LINE, start, trimmed);
    else if (len >= 4 && memcmp(s, "/*", 2) == 0 && memcmp(s + len - 2, "*/", 2) == 0)
        parse_record_comment(ctx, COMMENT_BLOCK, start, trimmed);
    else if (ctx->block && ctx->block->open_brace.start == dr->last_lbrace.start)
        diag_warning(ctx->diags, ctx_span(ctx, start, trimmed),
                     "ignored: text after `{` on the same line is not part of the block");
}

/* Prisma's grammar reads a block keyword and the block's name without a space between them:
 * `modelUser {` is `model User {`, `enumerate {` an enum named `erate`. At the start of a
 * top-level line, a name that begins with a keyword is split the same way. */
static bool driver_split_keyword(Driver *dr, LexToken *tok)
{
    static const struct { const char *word; uint32_t len; int token; } KEYWORDS[] = {
        {"model", 5, TK_MODEL}, {"view", 4, TK_VIEW}, {"type", 4, TK_TYPE}, {"enum", 4, TK_ENUM},
        {"datasource", 10, TK_DATASOURCE}, {"generator", 9, TK_GENERATOR},
    };
    const char *text = dr->ctx.text + tok->start;
    uint32_t len = tok->end - tok->start;
    for (size_t i = 0; i < sizeof KEYWORDS / sizeof *KEYWORDS; i++) {
        if (len > KEYWORDS[i].len && memcmp(text, KEYWORDS[i].word, KEYWORDS[i].len) == 0) {
            LexToken kw = {LEX_KW_MODEL, tok->start, tok->start + KEYWORDS[i].len};
            dr->ctx.line_has_code = true;
            driver_feed(dr, KEYWORDS[i].token, kw);
            tok->start = kw.end;
            return true;
        }
    }
    return false;
}

/* Comments are recorded, not parsed; a block comment after code must end its line. */
static void driver_comment(Driver *dr, LexToken tok)
{
    ParseCtx *ctx = &dr->ctx;
    CommentKind kind = tok.kind == LEX_COMMENT ? COMMENT_LINE : tok.kind == LEX_DOC_COMMENT ? COMMENT_DOC : COMMENT_BLOCK;
    parse_record_comment(ctx, kind, tok.start, tok.end);
    if (kind == COMMENT_BLOCK) {
        if (ctx->line_has_code) {
            dr->comment_ends_code = true;
            dr->midline_comment = tok;
        }
        ctx->line += count_newlines(ctx->text, tok.start, tok.end);
    }
}

/* Reports the bad text, skips the rest of the line and lets the parser recover from an ILLEGAL
 * token (whose syntax error is not reported twice). */
static void driver_illegal(Driver *dr, LexToken tok)
{
    ParseCtx *ctx = &dr->ctx;
    lexer_skip_line(&dr->lexer);
    ctx->lexer_error = true;
    driver_feed(dr, TK_ILLEGAL, tok);
    ctx->lexer_error = false;
    ctx->line_has_code = true;
}

/* One token through the driver: comments recorded, errors reported, code fed to the parser.
 * True at the end of the input. */
static inline bool driver_token(Driver *dr, LexToken tok)
{
    ParseCtx *ctx = &dr->ctx;
    if (tok.kind >= LEX_COMMENT) {
        if (tok.kind <= LEX_BLOCK_COMMENT) {
            driver_comment(dr, tok);
        } else {
            driver_lexer_error(dr, tok);
            driver_illegal(dr, tok);
        }
        return false;
    }
    if (dr->comment_ends_code) {
        dr->comment_ends_code = false;
        if (tok.kind != LEX_NEWLINE && tok.kind != LEX_EOF) {
            diag_error(ctx->diags, ctx_span(ctx, tok.start, tok.end),
                       "unexpected %s after the comment at column %u: a comment after code must end the line",
                       found_text(ctx, tok),
                       /* counted here: the line table is shared by parallel chunks */
                       source_count_chars(ctx->text, ctx->line_start, dr->midline_comment.start) + 1);
            driver_illegal(dr, tok);
            return false;
        }
    }
    switch (tok.kind) {
    case LEX_EOF:
        driver_feed(dr, 0, tok);
        return true;
    case LEX_NEWLINE:
        /* Blank and comment-only lines mean nothing to the grammar: only a line with code
         * needs its end. */
        if (ctx->line_has_code) {
            if (dr->lag == LAG_HEADER) {
                dr->lag = LAG_HEADER_LINE;   /* the header's line end, not fed yet either */
                dr->lag_header_end = tok;
                ctx->lookahead = tok;
            } else {
                driver_feed(dr, TK_NEWLINE, tok);
                PrismaParseReportAgain(dr->parser);
            }
            dr->at_block_start = dr->brace_line;
            dr->brace_line = false;
        }
        ctx->line++;
        ctx->line_start = tok.end;
        ctx->line_has_code = false;
        ctx->trailing_doc = -1;
        break;
    case LEX_LBRACE: {
        /* At the top level a `{` opens a block, and Prisma ignores the rest of its line;
         * inside a block it starts an object. */
        bool opens_block = !ctx->block && !ctx->skipping;
        ctx->line_has_code = true;
        driver_feed(dr, TK_LBRACE, tok);
        if (opens_block) {
            dr->last_lbrace = tok;
            dr->brace_line = ctx->block != NULL;
            driver_after_lbrace(dr);
        }
        break;
    }
    case LEX_IDENT:
        if (!ctx->block && !ctx->line_has_code && !ctx->skipping)
            driver_split_keyword(dr, &tok);
        ctx->line_has_code = true;
        driver_feed(dr, TK_IDENT, tok);
        break;
    default:
        ctx->line_has_code = true;
        driver_feed(dr, TOKEN_OF_KIND[tok.kind], tok);
        break;
    }
    return false;
}

/* ---- the fast path: common lines of models without the parser ------------------------------ *
 *
 * Most lines of a schema are fields and block attributes of models, written without error. At
 * the start of such a line inside a model, view, type or enum, once the parser holds the block's list
 * of items (ParseCtx.items_open: from its first line on), the parser is always in the same state
 * (that list, which the line's reduction restores), and the grammar's actions for a line are
 * context-free: a line that is known to be valid can be built directly,
 * with the same builders called in the order in which the parser reduces (a post-order walk,
 * left to right), leaving the tree, the comments, the diagnostics and the parser exactly as
 * the parser would. The line is read into a buffer and built (ast.c) by one walk that checks it
 * against a subset of the grammar (below) as it goes and is undone where it falls outside;
 * anything else, or anything unusual (keywords as names, legacy forms, errors, strings with
 * escapes, block comments, deep nesting), goes through the parser token by token.
 *
 *   line    := IDENT IDENT (`?` | `[]`)? attr* | BLOCK_ATTR args?     then a // comment, NEWLINE
 *              (in an enum: IDENT attr* | BLOCK_ATTR args?)
 *   attr    := ATTR args?
 *   args    := `(` `)` | `(` arg (`,` arg)* `,`? `)`
 *   arg     := IDENT `:` expr | expr
 *   expr    := NUMBER | STRING | (IDENT | PATH) args? | `[]` | `[` (expr (`,` expr)*)? `]`
 *            | `{` (IDENT `:` expr (`,` IDENT `:` expr)*)? `}`                                  */

/* The tokens of a line of a model, view, type or enum, from its start: built directly when it is a
 * common valid line (true; *next: the next line's first token), else left to the parser. The
 * walk stops at the line's end, or at the token after the batch (EOF) when the batch ends
 * inside the line. */
static bool driver_fast_line(Driver *dr, const LexToken *toks, const LexToken **next)
{
    ParseCtx *ctx = &dr->ctx;
    FastMark mark = ast_fast_mark(ctx);
    FastLine line;
    if (!ast_fast_build(ctx, toks, &line)) {
        ast_fast_undo(ctx, &mark);
        return false;
    }
    const LexToken *nl = line.end->kind == LEX_NEWLINE ? line.end : line.end + 1;
    if (!ctx->items_open) {
        /* The block's first line: the parser has yet to start its list of items (and a syntax
         * error there abandons the block). A line end starts it, as a blank line with code
         * would: nothing else. */
        if (dr->lag == LAG_HEADER_LINE) {
            dr->lag = LAG_ITEMS;    /* not fed yet: as the reduction would, the list is open */
            dr->lag_items_start = *nl;
            ctx->items_open = true;
            dr->at_block_start = false;
        } else {
            driver_feed(dr, TK_NEWLINE, *nl);
            PrismaParseReportAgain(dr->parser);
            if (!ctx->items_open)
                return false;   /* cannot be: the parser was right after the block's `{` line */
        }
    }
    ctx->line_has_code = true;
    if (line.end != nl)
        driver_comment(dr, *line.end);
    ctx->lookahead = *nl;   /* as when the parser reduces the line */
    ast_fast_commit(ctx, &line);
    ctx->line++;
    ctx->line_start = nl->end;
    ctx->line_has_code = false;
    ctx->trailing_doc = -1;
    *next = nl + 1;
    return true;
}

/* A top-level line `model Name {` (or view, type, enum) at t, whose parser has nothing pending: the
 * block begun as the parser would begin it (what follows the `{` skipped), without the parser
 * (Driver.lag). */
static void driver_lazy_header(Driver *dr, const LexToken *t)
{
    ParseCtx *ctx = &dr->ctx;
    static const BlockKind KINDS[] = {[LEX_KW_MODEL] = BLOCK_MODEL, [LEX_KW_VIEW] = BLOCK_VIEW, [LEX_KW_TYPE] = BLOCK_TYPE,
                                      [LEX_KW_ENUM] = BLOCK_ENUM};
    static const int TOKENS[] = {[LEX_KW_MODEL] = TK_MODEL, [LEX_KW_VIEW] = TK_VIEW, [LEX_KW_TYPE] = TK_TYPE,
                                 [LEX_KW_ENUM] = TK_ENUM};
    ctx->line_has_code = true;
    dr->at_block_start = false;
    ctx->lookahead = t[2];  /* the reduction of the header sees the `{` */
    ast_block_begin(ctx, KINDS[t[0].kind], t[0], t[1]);
    dr->lag = LAG_HEADER;
    dr->lag_keyword = t[0];
    dr->lag_keyword_token = TOKENS[t[0].kind];
    dr->lag_name = t[1];
    dr->lag_lbrace = t[2];
    dr->last_lbrace = t[2];
    dr->brace_line = true;
    driver_after_lbrace(dr);
}

/* A line `}` (t) of a block whose header the parser has not seen, and its end: the block closed
 * as the parser would close it at that line's end. The parser is then at the top level, as it
 * was before the header, where a line end would change nothing: it is not fed either. */
static void driver_lazy_close(Driver *dr, const LexToken *t)
{
    ParseCtx *ctx = &dr->ctx;
    if (dr->lag == LAG_HEADER_LINE)
        ctx->items_open = true;     /* an empty block: the reduction of its empty list of items */
    dr->lag = LAG_NONE;
    dr->at_block_start = false;
    dr->brace_line = false;
    ctx->lookahead = t[1];
    ast_block_end(ctx, t[0]);
    ctx->line++;
    ctx->line_start = t[1].end;
    ctx->line_has_code = false;
    ctx->trailing_doc = -1;
}

/* Tokens are read a batch of lines at a time (or up to a token after which the driver may move
 * the lexer, which ends a batch; after a block comment that follows code, one token, whose error
 * skips the rest of the line), then taken a line at a time. */
#define DRIVER_BATCH (4 * LEXER_LINE_TOKENS)

static void driver_run(Driver *dr)
{
    ParseCtx *ctx = &dr->ctx;
    LexToken toks[DRIVER_BATCH + 1];
    for (;;) {
        uint32_t n = lexer_scan_line(&dr->lexer, toks, dr->comment_ends_code ? 1 : DRIVER_BATCH);
        if (toks[n - 1].start >= dr->end) {
            /* a chunk ends at a line start */
            uint32_t i = 0;
            while (toks[i].start < dr->end)
                i++;
            toks[i] = (LexToken){LEX_EOF, dr->end, dr->end};
            n = i + 1;
        }
        toks[n] = (LexToken){LEX_EOF, 0, 0};     /* where the fast path's walk stops at the latest */
        const LexToken *t = toks, *end = toks + n;
        while (t < end) {
            if (t->kind <= LEX_KW_ENUM && t->kind >= LEX_KW_MODEL && t + 2 < end && t[1].kind == LEX_IDENT &&
                t[2].kind == LEX_LBRACE && !ctx->block && !ctx->line_has_code && !ctx->skipping && !dr->comment_ends_code &&
                !dr->parser_only) {
                driver_lazy_header(dr, t);
                t += 3;
                continue;
            }
            if (t->kind == LEX_RBRACE && dr->lag >= LAG_HEADER_LINE && !ctx->line_has_code && t + 1 < end &&
                t[1].kind == LEX_NEWLINE && !dr->comment_ends_code) {
                driver_lazy_close(dr, t);
                t += 2;
                continue;
            }
            if ((t->kind == LEX_IDENT || t->kind == LEX_BLOCK_ATTR) && !ctx->line_has_code &&
                (ctx->items_open || dr->at_block_start) && ctx->block && ctx->block->kind <= BLOCK_ENUM &&
                !ctx->skipping && !dr->comment_ends_code && !dr->parser_only && driver_fast_line(dr, t, &t))
                continue;
            /* the line, or what the batch holds of it, token by token */
            for (;;) {
                LexKind kind = t->kind;
                if (driver_token(dr, *t++))
                    return;
                if (kind == LEX_NEWLINE || t == end)
                    break;
            }
        }
    }
}

/* At the end of the file, every block must be closed. */
static void driver_check_closed(Driver *dr)
{
    ParseCtx *ctx = &dr->ctx;
    Block *open = ctx->block;
    if (!open && !ctx->skipping)
        return;
    Span head = open ? ctx_span(ctx, open->keyword_span.start, open->open_brace.end)
                     : ctx_span(ctx, dr->last_lbrace.start, dr->last_lbrace.end);
    Diag *d;
    if (open)
        d = diag_error(ctx->diags, head, "unterminated block: `%s %.*s` has no closing `}`",
                       ast_block_kind_name(open->kind), (int)open->name.len, open->name.ptr);
    else
        d = diag_error(ctx->diags, head, "unterminated block: this `{` has no closing `}`");
    if (open && ctx->block_lost_close)
        diag_note(ctx->diags, d, ctx->lost_close, "this `}` does not close it: a `}` closes a block only at the start of a line");
    else
        diag_note(ctx->diags, d, ctx_span(ctx, ctx->len, ctx->len), "the file ends here");
}

/* Syntax errors are found out of order (an unclosed block is known only at the end): print
 * them in source order, as a compiler does. Stable, and the ranges are short. */
static void diags_sort_range(Diags *diags, uint32_t first)
{
    for (uint32_t i = first + 1; i < diags->count; i++) {
        Diag d = diags->items[i];
        uint32_t j = i;
        while (j > first && diags->items[j - 1].span.start > d.span.start) {
            diags->items[j] = diags->items[j - 1];
            j--;
        }
        diags->items[j] = d;
    }
}

/* Parses [start, end) of a file into `ast` (whose file entry `afile_index` receives the
 * comments); `end` is a line start, or the file's end. */
static void parse_range(Ast *ast, uint32_t file, uint32_t afile_index, uint32_t start, uint32_t end, Diags *diags,
                        bool parser_only)
{
    Source *src = &ast->sources->files[file];
    Driver *dr = calloc(1, sizeof *dr);
    if (!dr) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    ParseCtx *ctx = &dr->ctx;
    ctx->ast = ast;
    ctx->diags = diags;
    ctx->file = file;
    ctx->afile_index = afile_index;
    ctx->text = src->text;
    ctx->len = end;
    ctx->trailing_doc = -1;
    ctx->line_start = start;
    dr->end = end;
    dr->parser_only = parser_only;
    lexer_init(&dr->lexer, src->text, src->len);
    dr->lexer.pos = start;
    if (start == 0 && src->len >= 3 && memcmp(src->text, "\xEF\xBB\xBF", 3) == 0) {
        driver_lexer_error(dr, (LexToken){LEX_ERR_CHAR, 0, 3});
        dr->lexer.pos = 3;
    }

    dr->parser = PrismaParseAlloc(malloc, ctx);
    if (!dr->parser) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    /* A line end first: the parser then has a top-level list on its stack, so that an error in
     * the very first line recovers like any other instead of resetting the parser. */
    driver_feed(dr, TK_NEWLINE, (LexToken){LEX_NEWLINE, start, start});
    driver_run(dr);

    driver_check_closed(dr);
    ast_block_flush(ctx);   /* an unclosed block keeps what was parsed of it */
    ast_ctx_free(ctx);
    PrismaParseFree(dr->parser, free);
    free(dr);
}

/* ---- large files: chunks parsed in parallel ----------------------------------------------- *
 *
 * The language is line-based and blocks do not nest, so after a line that is only `}` the
 * parser is always at the top level with nothing pending: such lines split a file into
 * chunks that parse independently, and their trees, comments and diagnostics concatenate into
 * exactly what one pass gives (tests/test_parser.c checks this on every fixture). A block
 * comment could hide a `}` line, so files with one are parsed in one pass. */

/* The start of the line after the first line at or after `from` that holds only `}` (blanks
 * and a // comment may follow it); `len` if there is none. */
static uint32_t next_split(const char *text, uint32_t len, uint32_t from)
{
    for (uint32_t i = from; i < len; i++) {
        if (text[i] != '}' || (i > 0 && text[i - 1] != '\n' && text[i - 1] != '\r'))
            continue;
        uint32_t k = i + 1;
        while (k < len && (text[k] == ' ' || text[k] == '\t'))
            k++;
        if (k + 1 < len && text[k] == '/' && text[k + 1] == '/')
            while (k < len && text[k] != '\n' && text[k] != '\r')
                k++;
        if (k == len)
            return len;
        if (text[k] != '\n' && text[k] != '\r')
            continue;
        if (text[k] == '\r' && k + 1 < len && text[k + 1] == '\n')
            k++;
        return k + 1;
    }
    return len;
}

/* A file is cut into a few chunks per thread, handed out in order, one at a time, until none
 * is left: the threads end together however the cores are shared (or however late one
 * starts). */
#define PARSE_CHUNKS_PER_THREAD 4

typedef struct Chunk {
    Ast *ast;                   /* the chunk's own tree and file entry */
    Diags diags;
    uint32_t start, end;
} Chunk;

/* A thread: the chunks it takes are parsed into its arena. */
typedef struct ParseWorker {
    Arena arena;
    size_t reserve;             /* bytes for its first arena chunk */
    SourceSet *sources;
    uint32_t file;
    bool parser_only;
    Chunk *chunks;
    uint32_t nchunks;
    atomic_uint *next;          /* the next chunk to take */
} ParseWorker;

static void *parse_worker(void *arg)
{
    ParseWorker *w = arg;
    /* on the pool's huge pages from the start, not through small chunks first */
    arena_reserve(&w->arena, w->reserve);
    for (;;) {
        uint32_t i = atomic_fetch_add(w->next, 1);
        if (i >= w->nchunks)
            return NULL;
        Chunk *c = &w->chunks[i];
        diags_init(&c->diags, &w->arena);
        c->ast = ast_new(&w->arena, w->sources);
        AstFile af = {.file = w->file};
        ARENA_PUSH(&w->arena, c->ast->files, c->ast->nfiles, c->ast->capfiles, af);
        parse_range(c->ast, w->file, 0, c->start, c->end, &c->diags, w->parser_only);
    }
}

static bool has_block_comment(const char *text, uint32_t len)
{
    /* by its `*`, rarer than `/` (every comment has two or three) */
    for (const char *p = text, *end = text + len; (p = memchr(p, '*', (size_t)(end - p))) != NULL; p++)
        if (p > text && p[-1] == '/')
            return true;
    return false;
}

/* Where the file's chunks start; one chunk means: parse it in one pass. */
static uint32_t plan_chunks(const Source *src, const ParseOptions *opt, uint32_t *starts, uint32_t max)
{
    if (opt->threads < 2 || src->len < opt->min_chunk_bytes * 2 || has_block_comment(src->text, src->len))
        return 1;
    uint32_t n = opt->threads * PARSE_CHUNKS_PER_THREAD < max ? opt->threads * PARSE_CHUNKS_PER_THREAD : max;
    if (src->len / opt->min_chunk_bytes < n)
        n = src->len / opt->min_chunk_bytes;
    uint32_t count = 0;
    starts[count++] = 0;
    for (uint32_t k = 1; k < n; k++) {
        uint32_t at = next_split(src->text, src->len, (uint32_t)((uint64_t)src->len * k / n));
        if (at >= src->len || at <= starts[count - 1])
            continue;
        starts[count++] = at;
    }
    return count;
}

static void parse_file_chunked(Ast *ast, uint32_t file, Diags *diags, const uint32_t *starts, uint32_t n,
                               uint32_t threads, bool parser_only)
{
    Source *src = &ast->sources->files[file];
    uint32_t nworkers = threads < n ? threads : n;
    Chunk *chunks = calloc(n, sizeof *chunks);
    ParseWorker *workers = calloc(nworkers, sizeof *workers);
    pthread_t *ids = calloc(nworkers, sizeof *ids);
    bool *started = calloc(nworkers, sizeof *started);
    if (!chunks || !workers || !ids || !started) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    for (uint32_t i = 0; i < n; i++) {
        chunks[i].start = starts[i];
        chunks[i].end = i + 1 < n ? starts[i + 1] : src->len;
    }
    atomic_uint next = 0;
    for (uint32_t i = 0; i < nworkers; i++) {
        ParseWorker *w = &workers[i];
        arena_init(&w->arena);
        /* a syntax tree takes up to about 8 bytes per byte of text */
        w->reserve = (size_t)src->len / nworkers * 8;
        w->sources = ast->sources;
        w->file = file;
        w->parser_only = parser_only;
        w->chunks = chunks;
        w->nchunks = n;
        w->next = &next;
    }
    /* the first worker runs on this thread; a thread that cannot start runs here too */
    for (uint32_t i = 1; i < nworkers; i++)
        started[i] = parallel_thread_create(&ids[i], NULL, parse_worker, &workers[i], i - 1) == 0;
    parse_worker(&workers[0]);
    for (uint32_t i = 1; i < nworkers; i++)
        if (started[i])
            pthread_join(ids[i], NULL);

    /* Concatenate: blocks, comments (into arrays grown once, to their size), diagnostics; the
     * chunks' memory joins the tree's arena. */
    AstFile *af = &ast->files[ast->nfiles - 1];
    uint32_t nblocks = 0, ncomments = 0;
    for (uint32_t i = 0; i < n; i++) {
        nblocks += chunks[i].ast->nblocks;
        ncomments += chunks[i].ast->files[0].ncomments;
    }
    ast->blocks = arena_grow_exact(ast->arena, ast->blocks, ast->nblocks, &ast->capblocks, ast->nblocks + nblocks,
                                   sizeof *ast->blocks);
    af->comments = arena_grow_exact(ast->arena, af->comments, af->ncomments, &af->capcomments,
                                    af->ncomments + ncomments, sizeof *af->comments);
    for (uint32_t i = 0; i < n; i++) {
        Chunk *c = &chunks[i];
        if (c->ast->nblocks)
            memcpy(ast->blocks + ast->nblocks, c->ast->blocks, c->ast->nblocks * sizeof *ast->blocks);
        ast->nblocks += c->ast->nblocks;
        af->nblocks += c->ast->nblocks;
        AstFile *cf = &c->ast->files[0];
        if (cf->ncomments)
            memcpy(af->comments + af->ncomments, cf->comments, cf->ncomments * sizeof *af->comments);
        af->ncomments += cf->ncomments;
        for (uint32_t k = 0; k < c->diags.count; k++) {
            ARENA_PUSH(diags->arena, diags->items, diags->count, diags->cap, c->diags.items[k]);
            if (c->diags.items[k].severity == DIAG_ERROR)
                diags->errors++;
            else if (c->diags.items[k].severity == DIAG_WARNING)
                diags->warnings++;
        }
    }
    for (uint32_t i = 0; i < nworkers; i++)
        arena_adopt(ast->arena, &workers[i].arena);
    free(chunks);
    free(workers);
    free(ids);
    free(started);
}

void ast_parse_file_with(Ast *ast, uint32_t file, Diags *diags, const ParseOptions *opt)
{
    uint32_t first_diag = diags->count;
    AstFile af = {.file = file, .first_block = ast->nblocks};
    ARENA_PUSH(ast->arena, ast->files, ast->nfiles, ast->capfiles, af);
    Source *src = &ast->sources->files[file];
    uint32_t starts[64];
    uint32_t n = opt ? plan_chunks(src, opt, starts, 64) : 1;
    bool parser_only = opt && opt->parser_only;
    if (n > 1)
        parse_file_chunked(ast, file, diags, starts, n, opt->threads, parser_only);
    else
        parse_range(ast, file, ast->nfiles - 1, 0, src->len, diags, parser_only);
    diags_sort_range(diags, first_diag);
}

void ast_parse_file(Ast *ast, uint32_t file, Diags *diags)
{
    ast_parse_file_with(ast, file, diags, NULL);
}

ParseOptions parse_options_default(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    ParseOptions opt = {.threads = cpus > 1 ? (uint32_t)(cpus < 8 ? cpus : 8) : 1,
                        .min_chunk_bytes = 512 * 1024};
    return opt;
}

Ast *ast_parse_with(SourceSet *sources, Diags *diags, const ParseOptions *opt)
{
    Ast *ast = ast_new(sources->arena, sources);
    for (uint32_t i = 0; i < sources->count; i++)
        ast_parse_file_with(ast, i, diags, opt);
    return ast;
}

Ast *ast_parse(SourceSet *sources, Diags *diags)
{
    ParseOptions opt = parse_options_default();
    return ast_parse_with(sources, diags, &opt);
}
