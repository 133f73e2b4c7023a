/* Partial-index conditions: a tokenizer and a precedence-climbing parser for the boolean and
 * comparison expressions PostgreSQL prints back (pg_get_expr) and schemas write, and Prisma's
 * way of comparing two of them (sqlexpr.h says what it forgives and what not).
 *
 * Binding powers are PostgreSQL's, as sqlparser's PostgreSQL dialect gives them (weakest
 * first): OR 10, AND 20, NOT 30, IS 40, comparisons 50, BETWEEN / IN / LIKE / ~ and ~~ 60,
 * other operators (| & -> @> ? ...) 70, + - 80, * / % || 90, ^ # << >> 100, AT TIME ZONE 110,
 * COLLATE 120, [ ] 130, :: 140. Binary operators associate to the left; a prefix minus takes
 * its operand at 90, NOT at 30. Parentheses only group: no node is made for them. */
#include "prismac/sqlexpr.h"

#include <stdlib.h>

/* ---- tokens -------------------------------------------------------------------------------- */

typedef enum TokType {
    T_END,
    T_WORD,         /* unquoted name or keyword */
    T_QIDENT,       /* "quoted name": val is the name */
    T_STRING,       /* 'x': val is the value */
    T_ESTRING,      /* E'x': val is the body */
    T_DOLLAR,       /* $$x$$: val is the body */
    T_BITSTRING,    /* B'01' / X'1F': val is the body, prefix the letter */
    T_NUMBER,
    T_OP,           /* operator characters */
    T_LPAREN,
    T_RPAREN,
    T_LBRACKET,
    T_RBRACKET,
    T_COMMA,
    T_DCOLON,
    T_COLON,
    T_DOT,
} TokType;

typedef struct Tok {
    TokType type;
    Str raw;        /* the text as written */
    Str val;        /* see TokType */
    char prefix;
} Tok;

typedef struct Lexer {
    Arena *arena;
    const char *p, *end;
    Tok *toks;
    uint32_t ntoks, cap;
} Lexer;

static bool is_ident_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_ident_part(unsigned char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_op_char(char c)
{
    return c && strchr("+-*/<>=~!@#%^&|`?", c) != NULL;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool word_is(Str w, const char *kw)
{
    size_t n = strlen(kw);
    if (w.len != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(w.ptr[i]) != kw[i])
            return false;
    return true;
}

static void push_tok(Lexer *lx, Tok t)
{
    ARENA_PUSH(lx->arena, lx->toks, lx->ntoks, lx->cap, t);
}

/* Skips white space and comments (-- to the end of the line; block comments, nested, as PostgreSQL
 * reads them). False on an unterminated block comment. */
static bool skip_space(Lexer *lx)
{
    for (;;) {
        while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r' ||
                                   *lx->p == '\f' || *lx->p == '\v'))
            lx->p++;
        if (lx->end - lx->p >= 2 && lx->p[0] == '-' && lx->p[1] == '-') {
            while (lx->p < lx->end && *lx->p != '\n')
                lx->p++;
            continue;
        }
        if (lx->end - lx->p >= 2 && lx->p[0] == '/' && lx->p[1] == '*') {
            int depth = 0;
            while (lx->p < lx->end) {
                if (lx->end - lx->p >= 2 && lx->p[0] == '/' && lx->p[1] == '*') {
                    depth++;
                    lx->p += 2;
                } else if (lx->end - lx->p >= 2 && lx->p[0] == '*' && lx->p[1] == '/') {
                    lx->p += 2;
                    if (--depth == 0)
                        break;
                } else {
                    lx->p++;
                }
            }
            if (depth)
                return false;
            continue;
        }
        return true;
    }
}

/* 'text' with '' for a quote (the opening quote at lx->p). The value, quotes undoubled. */
static bool lex_quoted(Lexer *lx, char q, Str *val, bool backslashes)
{
    const char *start = ++lx->p;
    bool doubled = false;
    for (;;) {
        if (lx->p >= lx->end)
            return false;
        if (backslashes && *lx->p == '\\' && lx->p + 1 < lx->end) {
            lx->p += 2;
            continue;
        }
        if (*lx->p == q) {
            if (lx->p + 1 < lx->end && lx->p[1] == q) {
                doubled = true;
                lx->p += 2;
                continue;
            }
            break;
        }
        lx->p++;
    }
    const char *stop = lx->p++;
    if (!doubled || backslashes) {
        *val = (Str){start, (uint32_t)(stop - start)};
        return true;
    }
    char *buf = arena_alloc(lx->arena, (size_t)(stop - start) + 1);
    uint32_t n = 0;
    for (const char *s = start; s < stop; s++) {
        buf[n++] = *s;
        if (*s == q)
            s++;
    }
    *val = (Str){buf, n};
    return true;
}

static bool lex_all(Lexer *lx)
{
    for (;;) {
        if (!skip_space(lx))
            return false;
        if (lx->p >= lx->end) {
            push_tok(lx, (Tok){T_END, {lx->p, 0}, {lx->p, 0}, 0});
            return true;
        }
        const char *s = lx->p;
        char c = *s;
        Tok t = {0};
        if ((c == 'E' || c == 'e') && s + 1 < lx->end && s[1] == '\'') {
            lx->p++;
            t.type = T_ESTRING;
            if (!lex_quoted(lx, '\'', &t.val, true))
                return false;
        } else if ((c == 'B' || c == 'b' || c == 'X' || c == 'x') && s + 1 < lx->end && s[1] == '\'') {
            lx->p++;
            t.type = T_BITSTRING;
            t.prefix = upper(c);
            if (!lex_quoted(lx, '\'', &t.val, false))
                return false;
        } else if ((c == 'N' || c == 'n' || c == 'U' || c == 'u') && s + 1 < lx->end && (s[1] == '\'' || s[1] == '&')) {
            return false;   /* national and Unicode-escaped strings: not read here */
        } else if (is_ident_start((unsigned char)c)) {
            while (lx->p < lx->end && is_ident_part((unsigned char)*lx->p))
                lx->p++;
            t.type = T_WORD;
            t.val = (Str){s, (uint32_t)(lx->p - s)};
        } else if (c == '"') {
            t.type = T_QIDENT;
            if (!lex_quoted(lx, '"', &t.val, false) || t.val.len == 0)
                return false;
        } else if (c == '\'') {
            t.type = T_STRING;
            if (!lex_quoted(lx, '\'', &t.val, false))
                return false;
        } else if (c == '$' && s + 1 < lx->end && (s[1] == '$' || is_ident_start((unsigned char)s[1]))) {
            const char *q = s + 1;
            while (q < lx->end && *q != '$' && is_ident_part((unsigned char)*q))
                q++;
            if (q >= lx->end || *q != '$')
                return false;
            size_t taglen = (size_t)(q - s) + 1;
            const char *body = q + 1, *e = body;
            while (e + taglen <= lx->end && memcmp(e, s, taglen) != 0)
                e++;
            if (e + taglen > lx->end)
                return false;
            t.type = T_DOLLAR;
            t.val = (Str){body, (uint32_t)(e - body)};
            lx->p = e + taglen;
        } else if (is_digit(c) || (c == '.' && s + 1 < lx->end && is_digit(s[1]))) {
            while (lx->p < lx->end && is_digit(*lx->p))
                lx->p++;
            if (lx->p < lx->end && *lx->p == '.' && !(lx->p + 1 < lx->end && lx->p[1] == '.')) {
                lx->p++;
                while (lx->p < lx->end && is_digit(*lx->p))
                    lx->p++;
            }
            if (lx->p < lx->end && (*lx->p == 'e' || *lx->p == 'E')) {
                const char *q = lx->p + 1;
                if (q < lx->end && (*q == '+' || *q == '-'))
                    q++;
                if (q < lx->end && is_digit(*q)) {
                    while (q < lx->end && is_digit(*q))
                        q++;
                    lx->p = q;
                }
            }
            if (lx->p < lx->end && is_ident_start((unsigned char)*lx->p))
                return false;   /* 12abc */
            t.type = T_NUMBER;
            t.val = (Str){s, (uint32_t)(lx->p - s)};
        } else if (c == ':' && s + 1 < lx->end && s[1] == ':') {
            lx->p += 2;
            t.type = T_DCOLON;
        } else if (is_op_char(c)) {
            /* PostgreSQL's rule: the longest run of operator characters, not crossing a
             * comment start; a run of more than one that ends in + or - and holds none of
             * ~ ! @ # % ^ & | ` ? loses those (so `>-5` is > then -5) */
            const char *q = s;
            while (q < lx->end && is_op_char(*q)) {
                if (q > s && lx->end - q >= 2 && ((q[0] == '-' && q[1] == '-') || (q[0] == '/' && q[1] == '*')))
                    break;
                q++;
            }
            size_t n = (size_t)(q - s);
            bool special = false;
            for (size_t i = 0; i < n; i++)
                if (strchr("~!@#%^&|`?", s[i]))
                    special = true;
            while (n > 1 && !special && (s[n - 1] == '+' || s[n - 1] == '-'))
                n--;
            lx->p = s + n;
            t.type = T_OP;
            t.val = (Str){s, (uint32_t)n};
        } else {
            lx->p++;
            switch (c) {
            case '(': t.type = T_LPAREN; break;
            case ')': t.type = T_RPAREN; break;
            case '[': t.type = T_LBRACKET; break;
            case ']': t.type = T_RBRACKET; break;
            case ',': t.type = T_COMMA; break;
            case ':': t.type = T_COLON; break;
            case '.': t.type = T_DOT; break;
            default: return false;
            }
        }
        t.raw = (Str){s, (uint32_t)(lx->p - s)};
        push_tok(lx, t);
    }
}

/* ---- parser -------------------------------------------------------------------------------- */

enum {
    PREC_OR = 10,
    PREC_AND = 20,
    PREC_NOT = 30,
    PREC_IS = 40,
    PREC_CMP = 50,
    PREC_LIKE = 60,
    PREC_OTHER = 70,
    PREC_PLUS = 80,
    PREC_MUL = 90,
    PREC_CARET = 100,
    PREC_ATTZ = 110,
    PREC_COLLATE = 120,
    PREC_BRACKET = 130,
    PREC_CAST = 140,
};

enum { MAX_DEPTH = 200 };

typedef struct Parser {
    Arena *arena;
    Tok *toks;
    uint32_t pos;
    int depth;
    bool failed;
} Parser;

static const Tok *peek(const Parser *ps)
{
    return &ps->toks[ps->pos];
}

static const Tok *peek_at(const Parser *ps, uint32_t ahead)
{
    uint32_t i = ps->pos;
    while (ahead-- && ps->toks[i].type != T_END)
        i++;
    return &ps->toks[i];
}

static const Tok *advance(Parser *ps)
{
    const Tok *t = &ps->toks[ps->pos];
    if (t->type != T_END)
        ps->pos++;
    return t;
}

static bool at_word(const Parser *ps, const char *kw)
{
    const Tok *t = peek(ps);
    return t->type == T_WORD && word_is(t->val, kw);
}

static bool accept_word(Parser *ps, const char *kw)
{
    if (!at_word(ps, kw))
        return false;
    advance(ps);
    return true;
}

static bool accept(Parser *ps, TokType type)
{
    if (peek(ps)->type != type)
        return false;
    advance(ps);
    return true;
}

static SqlExpr *fail(Parser *ps)
{
    ps->failed = true;
    return NULL;
}

static bool expect(Parser *ps, TokType type)
{
    if (accept(ps, type))
        return true;
    ps->failed = true;
    return false;
}

static SqlExpr *new_node(Parser *ps, SqlExprKind kind)
{
    SqlExpr *e = arena_alloc(ps->arena, sizeof *e);
    e->kind = kind;
    return e;
}

static void add_kid(Parser *ps, SqlExpr *e, SqlExpr *kid, uint32_t *cap)
{
    ARENA_PUSH(ps->arena, e->kids, e->nkids, *cap, kid);
}

static SqlExpr *node2(Parser *ps, SqlExprKind kind, SqlExpr *a, SqlExpr *b)
{
    SqlExpr *e = new_node(ps, kind);
    uint32_t cap = 0;
    add_kid(ps, e, a, &cap);
    if (b)
        add_kid(ps, e, b, &cap);
    return e;
}

/* An upper-cased copy of a keyword spelling. */
static Str upper_str(Parser *ps, const char *s, size_t n)
{
    char *b = arena_alloc(ps->arena, n + 1);
    for (size_t i = 0; i < n; i++)
        b[i] = upper(s[i]);
    return (Str){b, (uint32_t)n};
}

static Str cstr(const char *s)
{
    return (Str){s, (uint32_t)strlen(s)};
}

static SqlExpr *parse_expr(Parser *ps, int prec);

/* ---- types (after :: and in CAST(x AS type)) ---- */

typedef struct TypeText {
    char buf[256];
    size_t n;
    bool overflow;
} TypeText;

static void tt_put(TypeText *t, const char *s, size_t n)
{
    if (t->n + n >= sizeof t->buf) {
        t->overflow = true;
        return;
    }
    memcpy(t->buf + t->n, s, n);
    t->n += n;
}

static void tt_word(TypeText *t, Str w)
{
    if (t->n && t->buf[t->n - 1] != '.')
        tt_put(t, " ", 1);
    for (uint32_t i = 0; i < w.len; i++) {
        char c = lower(w.ptr[i]);
        tt_put(t, &c, 1);
    }
}

/* A name part of a type: a word (lower-cased) or a "quoted" name (kept quoted). */
static bool type_name_part(Parser *ps, TypeText *t)
{
    const Tok *k = peek(ps);
    if (k->type == T_WORD) {
        tt_word(t, k->val);
    } else if (k->type == T_QIDENT) {
        if (t->n && t->buf[t->n - 1] != '.')
            tt_put(t, " ", 1);
        tt_put(t, k->raw.ptr, k->raw.len);
    } else {
        return false;
    }
    advance(ps);
    return true;
}

/* type := name [. name]* [words of a multi-word type] [(args)] [with[out] time zone] ([n])* */
static bool parse_type(Parser *ps, Str *out)
{
    TypeText t = {0};
    const Tok *first = peek(ps);
    if (!type_name_part(ps, &t))
        return false;
    while (peek(ps)->type == T_DOT) {
        advance(ps);
        tt_put(&t, ".", 1);
        if (!type_name_part(ps, &t))
            return false;
    }
    if (first->type == T_WORD) {
        Str w = first->val;
        if (word_is(w, "double")) {
            if (!accept_word(ps, "precision"))
                return false;
            tt_word(&t, cstr("precision"));
        } else if (word_is(w, "character") || word_is(w, "char") || word_is(w, "bit") || word_is(w, "national")) {
            if (word_is(w, "national")) {
                if (!at_word(ps, "character") && !at_word(ps, "char"))
                    return false;
                tt_word(&t, advance(ps)->val);
            }
            if (accept_word(ps, "varying"))
                tt_word(&t, cstr("varying"));
        }
    }
    if (peek(ps)->type == T_LPAREN) {
        advance(ps);
        tt_put(&t, "(", 1);
        for (bool firstarg = true;; firstarg = false) {
            if (!firstarg)
                tt_put(&t, ",", 1);
            const Tok *a = peek(ps);
            if (a->type == T_NUMBER || a->type == T_WORD) {
                tt_put(&t, a->val.ptr, a->val.len);
            } else if (a->type == T_QIDENT || a->type == T_STRING) {
                tt_put(&t, a->raw.ptr, a->raw.len);
            } else {
                return false;
            }
            advance(ps);
            if (accept(ps, T_RPAREN))
                break;
            if (!accept(ps, T_COMMA))
                return false;
        }
        tt_put(&t, ")", 1);
    }
    if (first->type == T_WORD && (word_is(first->val, "timestamp") || word_is(first->val, "time"))) {
        if (at_word(ps, "with") || at_word(ps, "without")) {
            tt_word(&t, advance(ps)->val);
            if (!accept_word(ps, "time") || !accept_word(ps, "zone"))
                return false;
            tt_word(&t, cstr("time"));
            tt_word(&t, cstr("zone"));
        }
    }
    while (peek(ps)->type == T_LBRACKET) {
        advance(ps);
        tt_put(&t, "[", 1);
        if (peek(ps)->type == T_NUMBER) {
            tt_put(&t, peek(ps)->val.ptr, peek(ps)->val.len);
            advance(ps);
        }
        if (!accept(ps, T_RBRACKET))
            return false;
        tt_put(&t, "]", 1);
    }
    if (t.overflow)
        return false;
    *out = arena_str(ps->arena, t.buf, t.n);
    return true;
}

/* ---- prefix expressions ---- */

static SqlExpr *ident_node(Parser *ps, const Tok *t)
{
    SqlExpr *e = new_node(ps, SQLX_IDENT);
    e->text = t->val;
    if (t->type == T_QIDENT)
        e->flags |= SQLX_QUOTED;
    return e;
}

/* A comma list up to `close`, appended to e's kids. */
static bool parse_list(Parser *ps, SqlExpr *e, uint32_t *cap, TokType close)
{
    if (accept(ps, close))
        return true;
    for (;;) {
        SqlExpr *k = parse_expr(ps, 0);
        if (!k)
            return false;
        add_kid(ps, e, k, cap);
        if (accept(ps, close))
            return true;
        if (!expect(ps, T_COMMA))
            return false;
    }
}

/* ARRAY[...] elements; an element may itself be [...] (a sub-array). */
static SqlExpr *parse_array_body(Parser *ps)
{
    if (++ps->depth > MAX_DEPTH)
        return fail(ps);
    SqlExpr *e = new_node(ps, SQLX_ARRAY);
    uint32_t cap = 0;
    if (accept(ps, T_RBRACKET)) {
        ps->depth--;
        return e;
    }
    for (;;) {
        SqlExpr *k;
        if (accept(ps, T_LBRACKET))
            k = parse_array_body(ps);
        else
            k = parse_expr(ps, 0);
        if (!k)
            return fail(ps);
        add_kid(ps, e, k, &cap);
        if (accept(ps, T_RBRACKET)) {
            ps->depth--;
            return e;
        }
        if (!expect(ps, T_COMMA))
            return NULL;
    }
}

static SqlExpr *parse_case(Parser *ps)
{
    SqlExpr *e = new_node(ps, SQLX_CASE);
    uint32_t cap = 0;
    if (!at_word(ps, "when")) {
        SqlExpr *operand = parse_expr(ps, 0);
        if (!operand)
            return NULL;
        add_kid(ps, e, operand, &cap);
        e->flags |= SQLX_CASE_OPERAND;
    }
    if (!at_word(ps, "when"))
        return fail(ps);
    while (accept_word(ps, "when")) {
        SqlExpr *cond = parse_expr(ps, 0);
        if (!cond || !accept_word(ps, "then"))
            return fail(ps);
        SqlExpr *res = parse_expr(ps, 0);
        if (!res)
            return NULL;
        add_kid(ps, e, cond, &cap);
        add_kid(ps, e, res, &cap);
    }
    if (accept_word(ps, "else")) {
        SqlExpr *res = parse_expr(ps, 0);
        if (!res)
            return NULL;
        add_kid(ps, e, res, &cap);
        e->flags |= SQLX_CASE_ELSE;
    }
    if (!accept_word(ps, "end"))
        return fail(ps);
    return e;
}

/* name [. name]* [( args )] starting at a word or quoted name. */
static SqlExpr *parse_name_or_call(Parser *ps)
{
    SqlExpr *name = new_node(ps, SQLX_NAME);
    uint32_t ncap = 0;
    add_kid(ps, name, ident_node(ps, advance(ps)), &ncap);
    while (peek(ps)->type == T_DOT) {
        const Tok *n = peek_at(ps, 1);
        if (n->type != T_WORD && n->type != T_QIDENT)
            return fail(ps);
        advance(ps);
        add_kid(ps, name, ident_node(ps, advance(ps)), &ncap);
    }
    if (peek(ps)->type != T_LPAREN) {
        if (name->nkids == 1)
            return name->kids[0];
        return name;
    }
    advance(ps);
    SqlExpr *f = new_node(ps, SQLX_FUNCTION);
    uint32_t cap = 0;
    add_kid(ps, f, name, &cap);
    if (peek(ps)->type == T_OP && str_eq_cstr(peek(ps)->val, "*") && peek_at(ps, 1)->type == T_RPAREN) {
        advance(ps);
        advance(ps);
        add_kid(ps, f, new_node(ps, SQLX_STAR), &cap);
        return f;
    }
    if (accept_word(ps, "distinct"))
        f->flags |= SQLX_DISTINCT_ARGS;
    else
        accept_word(ps, "all");
    if (!parse_list(ps, f, &cap, T_RPAREN))
        return fail(ps);
    if (at_word(ps, "filter") || at_word(ps, "over") || at_word(ps, "within"))
        return fail(ps);
    return f;
}

static bool is_typed_string_type(Str w)
{
    static const char *const types[] = {"date", "time", "timestamp", "timestamptz", "interval", NULL};
    for (const char *const *t = types; *t; t++)
        if (word_is(w, *t))
            return true;
    return false;
}

/* Words that cannot begin an expression as a name. */
static bool is_reserved_start(Str w)
{
    static const char *const words[] = {"and", "or", "is", "in", "like", "ilike", "between", "then", "else", "end",
                                        "when", "from", "as", "select", "exists", "where", "with", "similar",
                                        "collate", "escape", NULL};
    for (const char *const *k = words; *k; k++)
        if (word_is(w, *k))
            return true;
    return false;
}

static SqlExpr *parse_prefix(Parser *ps)
{
    const Tok *t = peek(ps);
    SqlExpr *e;
    switch (t->type) {
    case T_NUMBER:
        advance(ps);
        e = new_node(ps, SQLX_NUMBER);
        e->text = t->val;
        return e;
    case T_STRING:
        advance(ps);
        e = new_node(ps, SQLX_STRING);
        e->text = t->val;
        return e;
    case T_ESTRING:
        advance(ps);
        e = new_node(ps, SQLX_ESTRING);
        e->text = t->val;
        return e;
    case T_DOLLAR:
        advance(ps);
        e = new_node(ps, SQLX_DOLLAR);
        e->text = t->val;
        return e;
    case T_BITSTRING:
        advance(ps);
        e = new_node(ps, SQLX_BITSTRING);
        e->text = t->val;
        e->op = t->prefix == 'B' ? STR_LIT("B") : STR_LIT("X");
        return e;
    case T_QIDENT:
        return parse_name_or_call(ps);
    case T_LPAREN: {
        advance(ps);
        if (at_word(ps, "select") || at_word(ps, "with") || at_word(ps, "values"))
            return fail(ps);
        SqlExpr *inner = parse_expr(ps, 0);
        if (!inner)
            return NULL;
        if (accept(ps, T_RPAREN))
            return inner;
        if (peek(ps)->type != T_COMMA)
            return fail(ps);
        SqlExpr *row = new_node(ps, SQLX_ROW);
        uint32_t cap = 0;
        add_kid(ps, row, inner, &cap);
        advance(ps);
        if (!parse_list(ps, row, &cap, T_RPAREN))
            return fail(ps);
        return row;
    }
    case T_OP: {
        Str op = t->val;
        bool known = str_eq_cstr(op, "-") || str_eq_cstr(op, "+") || str_eq_cstr(op, "~") || str_eq_cstr(op, "@") ||
                     str_eq_cstr(op, "|/") || str_eq_cstr(op, "||/") || str_eq_cstr(op, "!!");
        if (!known)
            return fail(ps);
        advance(ps);
        SqlExpr *operand = parse_expr(ps, PREC_MUL);
        if (!operand)
            return NULL;
        e = node2(ps, SQLX_UNARY, operand, NULL);
        e->op = op;
        return e;
    }
    case T_WORD:
        break;
    default:
        return fail(ps);
    }
    Str w = t->val;
    const Tok *next = peek_at(ps, 1);
    if (word_is(w, "true") || word_is(w, "false")) {
        advance(ps);
        e = new_node(ps, SQLX_BOOL);
        e->text = word_is(w, "true") ? STR_LIT("true") : STR_LIT("false");
        return e;
    }
    if (word_is(w, "null")) {
        advance(ps);
        return new_node(ps, SQLX_NULL);
    }
    if (word_is(w, "not")) {
        advance(ps);
        if (at_word(ps, "exists"))
            return fail(ps);
        SqlExpr *operand = parse_expr(ps, PREC_NOT);
        if (!operand)
            return NULL;
        e = node2(ps, SQLX_UNARY, operand, NULL);
        e->op = STR_LIT("NOT");
        return e;
    }
    if (word_is(w, "case")) {
        advance(ps);
        return parse_case(ps);
    }
    if (word_is(w, "cast") && next->type == T_LPAREN) {
        advance(ps);
        advance(ps);
        SqlExpr *operand = parse_expr(ps, 0);
        if (!operand || !accept_word(ps, "as"))
            return fail(ps);
        e = node2(ps, SQLX_CAST, operand, NULL);
        e->flags |= SQLX_CAST_CALL;
        if (!parse_type(ps, &e->op) || !expect(ps, T_RPAREN))
            return fail(ps);
        return e;
    }
    if (word_is(w, "extract") && next->type == T_LPAREN) {
        advance(ps);
        advance(ps);
        const Tok *field = peek(ps);
        if (field->type != T_WORD && field->type != T_STRING)
            return fail(ps);
        advance(ps);
        if (!accept_word(ps, "from"))
            return fail(ps);
        SqlExpr *operand = parse_expr(ps, 0);
        if (!operand || !expect(ps, T_RPAREN))
            return fail(ps);
        e = node2(ps, SQLX_EXTRACT, operand, NULL);
        e->op = upper_str(ps, field->val.ptr, field->val.len);
        return e;
    }
    if (word_is(w, "array") && next->type == T_LBRACKET) {
        advance(ps);
        advance(ps);
        return parse_array_body(ps);
    }
    if (word_is(w, "row") && next->type == T_LPAREN) {
        advance(ps);
        advance(ps);
        e = new_node(ps, SQLX_ROW);
        e->flags |= SQLX_CAST_CALL;
        uint32_t cap = 0;
        if (!parse_list(ps, e, &cap, T_RPAREN))
            return fail(ps);
        return e;
    }
    if (is_typed_string_type(w) && next->type == T_STRING) {
        advance(ps);
        const Tok *s = advance(ps);
        SqlExpr *str = new_node(ps, SQLX_STRING);
        str->text = s->val;
        e = node2(ps, SQLX_TYPED, str, NULL);
        e->op = upper_str(ps, w.ptr, w.len);
        if (word_is(w, "interval") && peek(ps)->type == T_WORD && !is_reserved_start(peek(ps)->val))
            return fail(ps);    /* INTERVAL '1' DAY: fields are not read here */
        return e;
    }
    if (is_reserved_start(w))
        return fail(ps);
    return parse_name_or_call(ps);
}

/* ---- infix expressions ---- */

static bool is_comparison(Str op)
{
    return str_eq_cstr(op, "=") || str_eq_cstr(op, "<") || str_eq_cstr(op, ">") || str_eq_cstr(op, "<=") ||
           str_eq_cstr(op, ">=") || str_eq_cstr(op, "<>") || str_eq_cstr(op, "!=");
}

static int op_prec(Str op)
{
    if (is_comparison(op))
        return PREC_CMP;
    if (str_eq_cstr(op, "+") || str_eq_cstr(op, "-"))
        return PREC_PLUS;
    if (str_eq_cstr(op, "*") || str_eq_cstr(op, "/") || str_eq_cstr(op, "%") || str_eq_cstr(op, "||"))
        return PREC_MUL;
    if (str_eq_cstr(op, "^") || str_eq_cstr(op, "#") || str_eq_cstr(op, "<<") || str_eq_cstr(op, ">>"))
        return PREC_CARET;
    if (op.len && op.ptr[0] == '~')
        return PREC_LIKE;       /* ~ ~* ~~ ~~* */
    if (op.len >= 2 && op.ptr[0] == '!' && op.ptr[1] == '~')
        return PREC_LIKE;       /* !~ !~* !~~ !~~* */
    return PREC_OTHER;
}

/* The binding power of what comes next as an infix or postfix, 0 when nothing does. */
static int next_prec(const Parser *ps)
{
    const Tok *t = peek(ps);
    switch (t->type) {
    case T_OP:
        return op_prec(t->val);
    case T_DCOLON:
        return PREC_CAST;
    case T_LBRACKET:
        return PREC_BRACKET;
    case T_WORD: {
        Str w = t->val;
        if (word_is(w, "or"))
            return PREC_OR;
        if (word_is(w, "and"))
            return PREC_AND;
        if (word_is(w, "xor"))
            return PREC_OTHER + 5;
        if (word_is(w, "is"))
            return PREC_IS;
        if (word_is(w, "in") || word_is(w, "between") || word_is(w, "like") || word_is(w, "ilike") ||
            word_is(w, "similar"))
            return PREC_LIKE;
        if (word_is(w, "not")) {
            const Tok *n = peek_at(ps, 1);
            if (n->type == T_WORD && (word_is(n->val, "in") || word_is(n->val, "between") || word_is(n->val, "like") ||
                                      word_is(n->val, "ilike") || word_is(n->val, "similar")))
                return PREC_LIKE;
            return 0;
        }
        if (word_is(w, "collate"))
            return PREC_COLLATE;
        if (word_is(w, "at") && peek_at(ps, 1)->type == T_WORD && word_is(peek_at(ps, 1)->val, "time"))
            return PREC_ATTZ;
        return 0;
    }
    default:
        return 0;
    }
}

static SqlExpr *parse_infix(Parser *ps, SqlExpr *left, int prec)
{
    const Tok *t = advance(ps);
    SqlExpr *e;
    if (t->type == T_DCOLON) {
        e = node2(ps, SQLX_CAST, left, NULL);
        if (!parse_type(ps, &e->op))
            return fail(ps);
        return e;
    }
    if (t->type == T_LBRACKET) {
        SqlExpr *lo = NULL, *hi = NULL;
        bool slice = false;
        if (peek(ps)->type != T_COLON && !(lo = parse_expr(ps, 0)))
            return NULL;
        if (accept(ps, T_COLON)) {
            slice = true;
            if (peek(ps)->type != T_RBRACKET && !(hi = parse_expr(ps, 0)))
                return NULL;
        }
        if (!expect(ps, T_RBRACKET))
            return NULL;
        e = new_node(ps, SQLX_SUBSCRIPT);
        uint32_t cap = 0;
        add_kid(ps, e, left, &cap);
        add_kid(ps, e, lo ? lo : new_node(ps, SQLX_NULL), &cap);
        if (slice) {
            e->flags |= SQLX_SLICE;
            add_kid(ps, e, hi ? hi : new_node(ps, SQLX_NULL), &cap);
        }
        return e;
    }
    if (t->type == T_OP) {
        Str op = str_eq_cstr(t->val, "!=") ? STR_LIT("<>") : t->val;
        if (is_comparison(t->val) && (at_word(ps, "any") || at_word(ps, "all") || at_word(ps, "some"))) {
            const Tok *q = advance(ps);
            if (!expect(ps, T_LPAREN))
                return NULL;
            if (at_word(ps, "select") || at_word(ps, "with") || at_word(ps, "values"))
                return fail(ps);
            SqlExpr *right = parse_expr(ps, 0);
            if (!right || !expect(ps, T_RPAREN))
                return fail(ps);
            e = node2(ps, SQLX_ANY, left, right);
            e->text = op;
            e->op = upper_str(ps, q->val.ptr, q->val.len);
            return e;
        }
        SqlExpr *right = parse_expr(ps, prec);
        if (!right)
            return NULL;
        e = node2(ps, SQLX_BINARY, left, right);
        e->op = op;
        return e;
    }
    /* keywords */
    Str w = t->val;
    if (word_is(w, "and") || word_is(w, "or") || word_is(w, "xor")) {
        SqlExpr *right = parse_expr(ps, prec);
        if (!right)
            return NULL;
        e = node2(ps, SQLX_BINARY, left, right);
        e->op = upper_str(ps, w.ptr, w.len);
        return e;
    }
    if (word_is(w, "is")) {
        bool neg = accept_word(ps, "not");
        if (accept_word(ps, "distinct")) {
            if (!accept_word(ps, "from"))
                return fail(ps);
            SqlExpr *right = parse_expr(ps, PREC_IS);
            if (!right)
                return NULL;
            e = node2(ps, SQLX_DISTINCT, left, right);
            if (neg)
                e->flags |= SQLX_NEGATED;
            return e;
        }
        const char *what = accept_word(ps, "null")      ? "NULL"
                           : accept_word(ps, "true")    ? "TRUE"
                           : accept_word(ps, "false")   ? "FALSE"
                           : accept_word(ps, "unknown") ? "UNKNOWN"
                                                        : NULL;
        if (!what)
            return fail(ps);
        e = node2(ps, SQLX_IS, left, NULL);
        char buf[24];
        snprintf(buf, sizeof buf, "IS %s%s", neg ? "NOT " : "", what);
        e->op = arena_str(ps->arena, buf, strlen(buf));
        return e;
    }
    if (word_is(w, "collate")) {
        const Tok *c = peek(ps);
        if (c->type != T_WORD && c->type != T_QIDENT)
            return fail(ps);
        TypeText tt = {0};
        type_name_part(ps, &tt);
        while (peek(ps)->type == T_DOT) {
            advance(ps);
            tt_put(&tt, ".", 1);
            if (!type_name_part(ps, &tt))
                return fail(ps);
        }
        e = node2(ps, SQLX_COLLATE, left, NULL);
        e->op = arena_str(ps->arena, tt.buf, tt.n);
        return e;
    }
    if (word_is(w, "at")) {
        if (!accept_word(ps, "time") || !accept_word(ps, "zone"))
            return fail(ps);
        SqlExpr *zone = parse_expr(ps, PREC_ATTZ);
        if (!zone)
            return NULL;
        return node2(ps, SQLX_AT_TIME_ZONE, left, zone);
    }
    bool neg = false;
    if (word_is(w, "not")) {
        neg = true;
        t = advance(ps);
        w = t->val;
    }
    if (word_is(w, "in")) {
        if (!expect(ps, T_LPAREN))
            return NULL;
        if (at_word(ps, "select") || at_word(ps, "with") || at_word(ps, "values"))
            return fail(ps);
        e = new_node(ps, SQLX_IN);
        uint32_t cap = 0;
        add_kid(ps, e, left, &cap);
        if (peek(ps)->type == T_RPAREN || !parse_list(ps, e, &cap, T_RPAREN))
            return fail(ps);
        if (neg)
            e->flags |= SQLX_NEGATED;
        return e;
    }
    if (word_is(w, "between")) {
        accept_word(ps, "asymmetric");
        if (at_word(ps, "symmetric"))
            return fail(ps);
        SqlExpr *lo = parse_expr(ps, PREC_LIKE);
        if (!lo || !accept_word(ps, "and"))
            return fail(ps);
        SqlExpr *hi = parse_expr(ps, PREC_LIKE);
        if (!hi)
            return NULL;
        e = new_node(ps, SQLX_BETWEEN);
        uint32_t cap = 0;
        add_kid(ps, e, left, &cap);
        add_kid(ps, e, lo, &cap);
        add_kid(ps, e, hi, &cap);
        if (neg)
            e->flags |= SQLX_NEGATED;
        return e;
    }
    if (word_is(w, "like") || word_is(w, "ilike") || word_is(w, "similar")) {
        Str op = word_is(w, "like") ? STR_LIT("LIKE") : word_is(w, "ilike") ? STR_LIT("ILIKE") : STR_LIT("SIMILAR TO");
        if (word_is(w, "similar") && !accept_word(ps, "to"))
            return fail(ps);
        if (at_word(ps, "any") || at_word(ps, "all"))
            return fail(ps);
        SqlExpr *pattern = parse_expr(ps, PREC_LIKE);
        if (!pattern)
            return NULL;
        e = new_node(ps, SQLX_LIKE);
        uint32_t cap = 0;
        add_kid(ps, e, left, &cap);
        add_kid(ps, e, pattern, &cap);
        if (accept_word(ps, "escape")) {
            SqlExpr *esc = parse_expr(ps, PREC_LIKE);
            if (!esc)
                return NULL;
            add_kid(ps, e, esc, &cap);
        }
        e->op = op;
        if (neg)
            e->flags |= SQLX_NEGATED;
        return e;
    }
    return fail(ps);
}

static SqlExpr *parse_expr(Parser *ps, int prec)
{
    if (ps->failed || ++ps->depth > MAX_DEPTH)
        return fail(ps);
    SqlExpr *left = parse_prefix(ps);
    while (left && !ps->failed) {
        int p = next_prec(ps);
        if (p <= prec)
            break;
        left = parse_infix(ps, left, p);
    }
    ps->depth--;
    return ps->failed ? NULL : left;
}

SqlExpr *sqlexpr_parse(Arena *arena, Str text)
{
    /* Prisma reads a condition inside parentheses: a -- comment running to the end of the text
     * swallows the closing one, and the condition does not parse */
    char *wrapped = arena_alloc(arena, (size_t)text.len + 3);
    wrapped[0] = '(';
    if (text.len)
        memcpy(wrapped + 1, text.ptr, text.len);
    wrapped[text.len + 1] = ')';
    Lexer lx = {arena, wrapped, wrapped + text.len + 2, NULL, 0, 0};
    if (!lex_all(&lx))
        return NULL;
    Parser ps = {arena, lx.toks, 0, 0, false};
    SqlExpr *e = parse_expr(&ps, 0);
    if (!e || ps.failed || peek(&ps)->type != T_END)
        return NULL;
    return e;
}

/* ---- comparison ---------------------------------------------------------------------------- */

bool sqlexpr_equal(const SqlExpr *a, const SqlExpr *b)
{
    if (a->kind != b->kind || a->flags != b->flags || a->nkids != b->nkids || !str_eq(a->text, b->text) ||
        !str_eq(a->op, b->op))
        return false;
    for (uint32_t i = 0; i < a->nkids; i++)
        if (!sqlexpr_equal(a->kids[i], b->kids[i]))
            return false;
    return true;
}

static bool is_constant(const SqlExpr *e)
{
    switch (e->kind) {
    case SQLX_NUMBER:
    case SQLX_STRING:
    case SQLX_ESTRING:
    case SQLX_DOLLAR:
    case SQLX_BITSTRING:
    case SQLX_BOOL:
    case SQLX_NULL:
        return true;
    default:
        return false;
    }
}

/* A :: cast of a constant is the constant (`'x'::text`, `(0)::numeric`, and a cast of such a
 * cast: `('x'::character varying)::text`). CAST('x' AS text) is not. */
static const SqlExpr *strip_constant_cast(const SqlExpr *e)
{
    if (e->kind != SQLX_CAST || (e->flags & SQLX_CAST_CALL))
        return e;
    const SqlExpr *inner = strip_constant_cast(e->kids[0]);
    return is_constant(inner) ? inner : e;
}

bool sqlexpr_is_plain_identifier(Str name)
{
    static const char *const reserved[] = {
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast",
        "check", "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role",
        "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do",
        "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in",
        "initially", "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
        "null", "offset", "on", "only", "or", "order", "placing", "primary", "references", "returning", "select",
        "session_user", "some", "symmetric", "system_user", "table", "then", "to", "trailing", "true", "union",
        "unique", "user", "using", "variadic", "when", "where", "window", "with", NULL};
    if (name.len == 0 || !is_ident_start((unsigned char)name.ptr[0]))
        return false;
    for (uint32_t i = 1; i < name.len; i++)
        if (!is_ident_part((unsigned char)name.ptr[i]))
            return false;
    for (const char *const *r = reserved; *r; r++)
        if (word_is(name, *r))
            return false;
    return true;
}

bool sqlexpr_match(const SqlExpr *a, const SqlExpr *b)
{
    a = strip_constant_cast(a);
    b = strip_constant_cast(b);
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case SQLX_BINARY:
        return str_eq(a->op, b->op) && sqlexpr_match(a->kids[0], b->kids[0]) && sqlexpr_match(a->kids[1], b->kids[1]);
    case SQLX_UNARY:
        return str_eq(a->op, b->op) && sqlexpr_match(a->kids[0], b->kids[0]);
    case SQLX_IS:   /* IS [NOT] UNKNOWN is compared as it is */
        if (a->op.len >= 7 && memcmp(a->op.ptr + a->op.len - 7, "UNKNOWN", 7) == 0)
            return sqlexpr_equal(a, b);
        return str_eq(a->op, b->op) && sqlexpr_match(a->kids[0], b->kids[0]);
    case SQLX_CAST:
        return str_eq(a->op, b->op) && a->flags == b->flags && sqlexpr_match(a->kids[0], b->kids[0]);
    case SQLX_IDENT:
        if (!str_eq(a->text, b->text))
            return false;
        return (a->flags & SQLX_QUOTED) == (b->flags & SQLX_QUOTED) || sqlexpr_is_plain_identifier(a->text);
    default:
        return sqlexpr_equal(a, b);
    }
}

bool sqlexpr_predicates_match(SqlFlavour flavour, Str a, Str b)
{
    if (str_eq(a, b))
        return true;
    if (a.len == 0 || b.len == 0 || flavour != SQL_POSTGRES)
        return false;
    Arena arena;
    arena_init(&arena);
    SqlExpr *x = sqlexpr_parse(&arena, a), *y = x ? sqlexpr_parse(&arena, b) : NULL;
    bool same = x && y && sqlexpr_match(x, y);
    arena_free(&arena);
    return same;
}

/* ---- printing ------------------------------------------------------------------------------ */

static void put_quoted(SqlBuf *out, Str s, char q)
{
    sqlbuf_putc(out, q);
    for (uint32_t i = 0; i < s.len; i++) {
        sqlbuf_putc(out, s.ptr[i]);
        if (s.ptr[i] == q)
            sqlbuf_putc(out, q);
    }
    sqlbuf_putc(out, q);
}

static void print_list(const SqlExpr *e, uint32_t from, SqlBuf *out)
{
    for (uint32_t i = from; i < e->nkids; i++) {
        if (i > from)
            SQLBUF_LIT(out, ", ");
        sqlexpr_print(e->kids[i], out);
    }
}

void sqlexpr_print(const SqlExpr *e, SqlBuf *out)
{
    switch (e->kind) {
    case SQLX_IDENT:
        if (e->flags & SQLX_QUOTED)
            put_quoted(out, e->text, '"');
        else
            sqlbuf_putstr(out, e->text);
        return;
    case SQLX_NUMBER:
    case SQLX_BOOL:
        sqlbuf_putstr(out, e->text);
        return;
    case SQLX_STRING:
        put_quoted(out, e->text, '\'');
        return;
    case SQLX_ESTRING:
        SQLBUF_LIT(out, "E'");
        sqlbuf_putstr(out, e->text);
        sqlbuf_putc(out, '\'');
        return;
    case SQLX_DOLLAR:
        SQLBUF_LIT(out, "$$");
        sqlbuf_putstr(out, e->text);
        SQLBUF_LIT(out, "$$");
        return;
    case SQLX_BITSTRING:
        sqlbuf_putstr(out, e->op);
        put_quoted(out, e->text, '\'');
        return;
    case SQLX_NULL:
        SQLBUF_LIT(out, "NULL");
        return;
    case SQLX_STAR:
        sqlbuf_putc(out, '*');
        return;
    case SQLX_TYPED:
        sqlbuf_putstr(out, e->op);
        sqlbuf_putc(out, ' ');
        sqlexpr_print(e->kids[0], out);
        return;
    case SQLX_BINARY:
        sqlbuf_putc(out, '(');
        sqlexpr_print(e->kids[0], out);
        sqlbuf_putc(out, ' ');
        sqlbuf_putstr(out, e->op);
        sqlbuf_putc(out, ' ');
        sqlexpr_print(e->kids[1], out);
        sqlbuf_putc(out, ')');
        return;
    case SQLX_UNARY:
        sqlbuf_putc(out, '(');
        sqlbuf_putstr(out, e->op);
        sqlbuf_putc(out, ' ');
        sqlexpr_print(e->kids[0], out);
        sqlbuf_putc(out, ')');
        return;
    case SQLX_IS:
        sqlbuf_putc(out, '(');
        sqlexpr_print(e->kids[0], out);
        sqlbuf_putc(out, ' ');
        sqlbuf_putstr(out, e->op);
        sqlbuf_putc(out, ')');
        return;
    case SQLX_DISTINCT:
        sqlbuf_putc(out, '(');
        sqlexpr_print(e->kids[0], out);
        sqlbuf_puts(out, e->flags & SQLX_NEGATED ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ");
        sqlexpr_print(e->kids[1], out);
        sqlbuf_putc(out, ')');
        return;
    case SQLX_CAST:
        if (e->flags & SQLX_CAST_CALL) {
            SQLBUF_LIT(out, "CAST(");
            sqlexpr_print(e->kids[0], out);
            SQLBUF_LIT(out, " AS ");
            sqlbuf_putstr(out, e->op);
            sqlbuf_putc(out, ')');
        } else {
            sqlbuf_putc(out, '(');
            sqlexpr_print(e->kids[0], out);
            SQLBUF_LIT(out, "::");
            sqlbuf_putstr(out, e->op);
            sqlbuf_putc(out, ')');
        }
        return;
    case SQLX_NAME:
        for (uint32_t i = 0; i < e->nkids; i++) {
            if (i)
                sqlbuf_putc(out, '.');
            sqlexpr_print(e->kids[i], out);
        }
        return;
    case SQLX_FUNCTION:
        sqlexpr_print(e->kids[0], out);
        sqlbuf_putc(out, '(');
        if (e->flags & SQLX_DISTINCT_ARGS)
            SQLBUF_LIT(out, "DISTINCT ");
        print_list(e, 1, out);
        sqlbuf_putc(out, ')');
        return;
    case SQLX_IN:
        sqlbuf_putc(out, '(');
        sqlexpr_print(e->kids[0], out);
        sqlbuf_puts(out, e->flags & SQLX_NEGATED ? " NOT IN (" : " IN (");
        print_list(e, 1, out);
        SQLBUF_LIT(out, "))");
        return;
    case SQLX_BETWEEN:
        sqlbuf_putc(out, '(');
        sqlexpr_print(e->kids[0], out);
        sqlbuf_puts(out, e->flags & SQLX_NEGATED ? " NOT BETWEEN " : " BETWEEN ");
        sqlexpr_print(e->kids[1], out);
        SQLBUF_LIT(out, " AND ");
        sqlexpr_print(e->kids[2], out);
        sqlbuf_putc(out, ')');
        return;
    case SQLX_LIKE:
        sqlbuf_putc(out, '(');
        sqlexpr_print(e->kids[0], out);
        sqlbuf_puts(out, e->flags & SQLX_NEGATED ? " NOT " : " ");
        sqlbuf_putstr(out, e->op);
        sqlbuf_putc(out, ' ');
        sqlexpr_print(e->kids[1], out);
        if (e->nkids > 2) {
            SQLBUF_LIT(out, " ESCAPE ");
            sqlexpr_print(e->kids[2], out);
        }
        sqlbuf_putc(out, ')');
        return;
    case SQLX_ANY:
        sqlbuf_putc(out, '(');
        sqlexpr_print(e->kids[0], out);
        sqlbuf_putc(out, ' ');
        sqlbuf_putstr(out, e->text);
        sqlbuf_putc(out, ' ');
        sqlbuf_putstr(out, e->op);
        SQLBUF_LIT(out, " (");
        sqlexpr_print(e->kids[1], out);
        SQLBUF_LIT(out, "))");
        return;
    case SQLX_ARRAY:
        SQLBUF_LIT(out, "ARRAY[");
        print_list(e, 0, out);
        sqlbuf_putc(out, ']');
        return;
    case SQLX_ROW:
        sqlbuf_puts(out, e->flags & SQLX_CAST_CALL ? "ROW(" : "(");
        print_list(e, 0, out);
        sqlbuf_putc(out, ')');
        return;
    case SQLX_CASE: {
        SQLBUF_LIT(out, "CASE");
        uint32_t i = 0, n = e->nkids;
        if (e->flags & SQLX_CASE_OPERAND) {
            sqlbuf_putc(out, ' ');
            sqlexpr_print(e->kids[i++], out);
        }
        if (e->flags & SQLX_CASE_ELSE)
            n--;
        for (; i + 1 < n; i += 2) {
            SQLBUF_LIT(out, " WHEN ");
            sqlexpr_print(e->kids[i], out);
            SQLBUF_LIT(out, " THEN ");
            sqlexpr_print(e->kids[i + 1], out);
        }
        if (e->flags & SQLX_CASE_ELSE) {
            SQLBUF_LIT(out, " ELSE ");
            sqlexpr_print(e->kids[n], out);
        }
        SQLBUF_LIT(out, " END");
        return;
    }
    case SQLX_SUBSCRIPT:
        sqlexpr_print(e->kids[0], out);
        sqlbuf_putc(out, '[');
        sqlexpr_print(e->kids[1], out);
        if (e->flags & SQLX_SLICE) {
            sqlbuf_putc(out, ':');
            sqlexpr_print(e->kids[2], out);
        }
        sqlbuf_putc(out, ']');
        return;
    case SQLX_COLLATE:
        sqlbuf_putc(out, '(');
        sqlexpr_print(e->kids[0], out);
        SQLBUF_LIT(out, " COLLATE ");
        sqlbuf_putstr(out, e->op);
        sqlbuf_putc(out, ')');
        return;
    case SQLX_AT_TIME_ZONE:
        sqlbuf_putc(out, '(');
        sqlexpr_print(e->kids[0], out);
        SQLBUF_LIT(out, " AT TIME ZONE ");
        sqlexpr_print(e->kids[1], out);
        sqlbuf_putc(out, ')');
        return;
    case SQLX_EXTRACT:
        SQLBUF_LIT(out, "EXTRACT(");
        sqlbuf_putstr(out, e->op);
        SQLBUF_LIT(out, " FROM ");
        sqlexpr_print(e->kids[0], out);
        sqlbuf_putc(out, ')');
        return;
    }
}
