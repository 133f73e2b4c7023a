/* `prisma format`'s layout pass: a lossless parse of one file with the formatter's own grammar,
 * then a re-print through alignment tables.
 *
 * The grammar is Prisma's formatting grammar (a PEG, pest): ordered choice, greedy repetition,
 * and whitespace (tabs and Unicode space separators, never line ends) skipped implicitly
 * between the elements of a rule. Every parse function below takes a position and returns the
 * position after its match, or FAIL; those that can render take a buffer (NULL: only
 * recognise) and truncate what they wrote when they fail. Where the exact extent of a match
 * matters (text copied verbatim: type aliases, comments), the skips are placed exactly where
 * pest places them: between the elements of a sequence and between the repetitions of a
 * `*`, never before the first repetition or after the last element.
 *
 * Output: a block is printed as `KEYWORD NAME {`, its contents through tables (rows of cells
 * padded to the widest cell of their column, in UTF-8 bytes), its block attributes sorted at
 * the end after one blank line, and `}`. Lines the grammar cannot match are copied verbatim. */
#include "format_internal.h"

#include <stdlib.h>

#define FAIL SIZE_MAX

/* ---- buffers and UTF-8 ------------------------------------------------------------------ */

void buf_reserve(Buf *b, size_t extra)
{
    size_t need = b->len + extra;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap * 2 : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->ptr, cap);
    if (!p) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    b->ptr = p;
    b->cap = cap;
}

void buf_free(Buf *b)
{
    free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}

static void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    return q;
}

/* Length of the valid UTF-8 sequence at s[pos], or 0 when none starts there. */
static size_t utf8_valid_len(const unsigned char *s, size_t len, size_t pos)
{
    unsigned char c = s[pos];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (pos + n > len)
        return 0;
    if (s[pos + 1] < lo || s[pos + 1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++)
        if (s[pos + k] < 0x80 || s[pos + k] > 0xBF)
            return 0;
    return n;
}

uint32_t fmt_utf8_decode(const char *text, size_t len, size_t pos, size_t *n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t k = utf8_valid_len(s, len, pos);
    if (k <= 1) {
        *n = 1;
        return s[pos];
    }
    *n = k;
    if (k == 2)
        return ((uint32_t)(s[pos] & 0x1F) << 6) | (s[pos + 1] & 0x3F);
    if (k == 3)
        return ((uint32_t)(s[pos] & 0x0F) << 12) | ((uint32_t)(s[pos + 1] & 0x3F) << 6) | (s[pos + 2] & 0x3F);
    return ((uint32_t)(s[pos] & 0x07) << 18) | ((uint32_t)(s[pos + 1] & 0x3F) << 12) |
           ((uint32_t)(s[pos + 2] & 0x3F) << 6) | (s[pos + 3] & 0x3F);
}

void fmt_utf8_put(Buf *b, uint32_t cp)
{
    char t[4];
    size_t n;
    if (cp < 0x80) {
        t[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        t[0] = (char)(0xC0 | (cp >> 6));
        t[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        t[0] = (char)(0xE0 | (cp >> 12));
        t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        t[0] = (char)(0xF0 | (cp >> 18));
        t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    buf_put(b, t, n);
}

/* WHATWG decoding: each maximal subpart of an ill-formed sequence becomes one U+FFFD. */
Str format_decode_utf8_lossy(Arena *arena, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t bad = 0;
    if (source_is_utf8(text, len, &bad))
        return (Str){text, (uint32_t)len};
    Buf b = {0};
    buf_put(&b, text, bad);
    size_t i = bad;
    while (i < len) {
        size_t k = utf8_valid_len(s, len, i);
        if (k) {
            buf_put(&b, text + i, k);
            i += k;
            continue;
        }
        /* The maximal subpart: a lead byte followed by the continuation bytes it allows. */
        unsigned char c = s[i];
        size_t n = 0;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            n = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        }
        size_t j = i + 1;
        if (n) {
            if (j < len && s[j] >= lo && s[j] <= hi) {
                j++;
                while (j < i + n && j < len && s[j] >= 0x80 && s[j] <= 0xBF)
                    j++;
            }
        }
        buf_put(&b, "\xEF\xBF\xBD", 3);
        i = j;
    }
    char *copy = arena_alloc_raw(arena, b.len + 1);
    memcpy(copy, b.ptr, b.len);
    copy[b.len] = '\0';
    Str r = {copy, (uint32_t)b.len};
    buf_free(&b);
    return r;
}

/* ---- the formatter's state ---------------------------------------------------------------- */

typedef enum RowKind { ROW_REGULAR, ROW_INTERLEAVED } RowKind;

/* A table row. Cells and suffix are ranges of Fmt.cells. */
typedef struct Row {
    uint8_t kind;
    uint8_t ncells;
    uint32_t cell_off[3], cell_len[3];
    uint32_t suf_off, suf_len;
} Row;

typedef enum ItemKind {
    ITEM_NONE,
    IT_FIELD,       /* model, view, composite type */
    IT_VALUE,       /* enum value */
    IT_KEYVALUE,    /* datasource, generator */
    IT_ATTRIBUTE,   /* @@attribute (model, enum) */
    IT_COMMENTS,    /* a comment block */
    IT_EMPTY,       /* empty lines */
    IT_CATCHALL,    /* a line the grammar cannot match */
} ItemKind;

/* An element of a block, recognised and already rendered where it is rendered into cells:
 * attributes and values live in Fmt.scratch / Fmt.pieces until the block is printed. */
typedef struct Item {
    uint8_t kind;
    uint8_t rank;               /* IT_ATTRIBUTE: sort rank of its path */
    bool has_type, has_value;   /* IT_FIELD: a type; IT_KEYVALUE: a value */
    size_t start, end;
    Str type_suffix;            /* IT_FIELD: "", "?", "[]" or "[]?" */
    uint32_t name_to;           /* end of the name (field, value) or key */
    uint32_t type_from, type_to;    /* IT_FIELD: the base type */
    uint32_t cfrom, cto;        /* trailing comment (empty range: none) */
    uint32_t first_piece, npieces;  /* IT_FIELD, IT_VALUE: rendered attributes */
    uint32_t r_off, r_len;      /* IT_KEYVALUE: the value; IT_ATTRIBUTE: the attribute */
} Item;

/* One attribute rendered into Fmt.scratch. */
typedef struct AttrPiece {
    uint32_t off, len;
    uint8_t rank;
} AttrPiece;

typedef struct PendingAttr {
    int32_t comment;    /* item index of the comment block attached to it, or -1 */
    uint32_t item;
} PendingAttr;

typedef enum BlockFlavor { FLAVOR_MODEL, FLAVOR_ENUM, FLAVOR_CONFIG } BlockFlavor;

typedef struct Fmt {
    const char *s;
    size_t len;
    Buf out;            /* the rendered file, in `arena` (grown by out_reserve), once it differs */
    size_t same;        /* until then: how many bytes of the input the output matches */
    bool diverged;
    Arena *arena;
    Buf cells;          /* the text of the current table's cells */
    Buf scratch;        /* attributes and expressions being rendered */
    Row *rows;
    size_t nrows, caprows;
    Item *items;
    size_t nitems, capitems;
    AttrPiece *pieces;
    size_t npieces, cappieces;
    PendingAttr *attrs;
    size_t nattrs, capattrs;
    unsigned indent;
    unsigned depth;     /* expression nesting */
    bool crashed;       /* Prisma's formatter fails on this input */
    size_t crash_offset;
    const char *crash_message;
} Fmt;

/* ---- terminals ---------------------------------------------------------------------------- */

/* WHITESPACE: a tab or a Unicode space separator (Zs). Returns its length in bytes, or 0. */
static size_t ws_len(const Fmt *f, size_t p)
{
    if (p >= f->len)
        return 0;
    const unsigned char *s = (const unsigned char *)f->s + p;
    size_t rest = f->len - p;
    if (s[0] == ' ' || s[0] == '\t')
        return 1;
    if (s[0] == 0xC2 && rest >= 2 && s[1] == 0xA0)
        return 2;
    if (rest < 3)
        return 0;
    if (s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80)
        return 3;
    if (s[0] == 0xE2 && s[1] == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xAF))
        return 3;
    if (s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F)
        return 3;
    if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
        return 3;
    return 0;
}

/* Spaces eight at a time: aligned text has long runs of them. The first byte that is not a
 * space is found from the lowest set byte of the word XOR eight spaces (little-endian). */
static size_t skip_spaces(const Fmt *f, size_t p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (p + 8 <= f->len) {
        uint64_t w;
        memcpy(&w, f->s + p, 8);
        uint64_t x = w ^ 0x2020202020202020ull;
        if (x)
            return p + (size_t)__builtin_ctzll(x) / 8;
        p += 8;
    }
#endif
    while (p < f->len && f->s[p] == ' ')
        p++;
    return p;
}

static size_t skip_slow(const Fmt *f, size_t p)
{
    for (;;) {
        p = skip_spaces(f, p);
        while (p < f->len && (f->s[p] == ' ' || f->s[p] == '\t'))
            p++;
        if (p >= f->len || (unsigned char)f->s[p] < 0xC2)
            return p;
        size_t n = ws_len(f, p);
        if (!n)
            return p;
        p += n;
    }
}

/* WHITESPACE* (most calls find none) */
static inline size_t skip(const Fmt *f, size_t p)
{
    if (p < f->len) {
        unsigned char c = (unsigned char)f->s[p];
        if (c != ' ' && c != '\t' && c < 0xC2)
            return p;
    }
    return skip_slow(f, p);
}

/* NEWLINE: \n, \r\n or \r. Returns its length, or 0. */
static size_t nl_len(const Fmt *f, size_t p)
{
    if (p >= f->len)
        return 0;
    if (f->s[p] == '\n')
        return 1;
    if (f->s[p] == '\r')
        return p + 1 < f->len && f->s[p + 1] == '\n' ? 2 : 1;
    return 0;
}

static inline bool at(const Fmt *f, size_t p, char c)
{
    return p < f->len && f->s[p] == c;
}

/* Inline, so that the literal's length is known at compile time and the compare is a few
 * loads: the grammar asks this at almost every position. */
static inline bool at_str(const Fmt *f, size_t p, const char *lit)
{
    size_t n = strlen(lit);
    return p <= f->len && f->len - p >= n && memcmp(f->s + p, lit, n) == 0;
}

/* One character (ANY): its length in bytes. */
static size_t char_len(const Fmt *f, size_t p)
{
    size_t n;
    fmt_utf8_decode(f->s, f->len, p, &n);
    return n;
}

static bool ident_char(const Fmt *f, size_t p, bool first, size_t *n)
{
    unsigned char c = (unsigned char)f->s[p];
    if (c < 0x80) {
        *n = 1;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            return true;
        return !first && (c == '_' || c == '-');
    }
    uint32_t cp = fmt_utf8_decode(f->s, f->len, p, n);
    return *n > 1 && fmt_uni_is_letter(cp);
}

/* ASCII identifier characters: 1 may start one, 2 only continue one; 0 for every other byte
 * (non-ASCII letters are decoded apart). */
static const uint8_t IDENT_ASCII[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
    ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
    ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
    ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1, ['_'] = 2, ['-'] = 2,
};

/* identifier = (ASCII letter | ASCII digit | Unicode letter) (those | "_" | "-")* */
static size_t identifier(const Fmt *f, size_t p)
{
    size_t n;
    if (p >= f->len)
        return FAIL;
    const unsigned char *s = (const unsigned char *)f->s;
    if (s[p] < 0x80) {
        if (IDENT_ASCII[s[p]] != 1)
            return FAIL;
        p++;
    } else {
        if (!ident_char(f, p, true, &n))
            return FAIL;
        p += n;
    }
    for (;;) {
        const unsigned char *q = s + p, *end = s + f->len;
        while (q < end && IDENT_ASCII[*q])
            q++;
        p = (size_t)(q - s);
        if (q >= end || *q < 0x80 || !ident_char(f, p, false, &n))
            return p;
        p += n;
    }
}

/* path = identifier ("." identifier?)* */
static size_t path(const Fmt *f, size_t p)
{
    p = identifier(f, p);
    if (p == FAIL)
        return FAIL;
    while (at(f, p, '.')) {
        p++;
        size_t q = identifier(f, p);
        if (q != FAIL)
            p = q;
    }
    return p;
}

static bool is_digit(const Fmt *f, size_t p)
{
    return p < f->len && f->s[p] >= '0' && f->s[p] <= '9';
}

/* numeric_literal = "-"? DIGIT+ ("." DIGIT+)? */
static size_t numeric(const Fmt *f, size_t p)
{
    if (at(f, p, '-'))
        p++;
    if (!is_digit(f, p))
        return FAIL;
    while (is_digit(f, p))
        p++;
    if (at(f, p, '.') && is_digit(f, p + 1)) {
        p++;
        while (is_digit(f, p))
            p++;
    }
    return p;
}

/* string_literal = "\"" ("\\" ANY | !("\"" | U+0000..U+001F) ANY)* "\"" */
static size_t string_lit(const Fmt *f, size_t p)
{
    if (!at(f, p, '"'))
        return FAIL;
    p++;
    for (;;) {
        if (p >= f->len)
            return FAIL;
        unsigned char c = (unsigned char)f->s[p];
        if (c == '\\') {
            if (p + 1 >= f->len)
                return FAIL;
            p += 1 + char_len(f, p + 1);
        } else if (c == '"') {
            return p + 1;
        } else if (c < 0x20) {
            return FAIL;
        } else if (c < 0x80) {
            p++;    /* ASCII, the common case: no decoding */
        } else {
            p += char_len(f, p);
        }
    }
}

static inline void emit(Buf *e, const Fmt *f, size_t from, size_t to)
{
    if (e)
        buf_put(e, f->s + from, to - from);
}

static inline void emit_lit(Buf *e, const char *s)
{
    if (e)
        buf_puts(e, s);
}

static void rollback(Buf *e, size_t mark)
{
    if (e)
        e->len = mark;
}

/* Nesting is bounded (arrays in calls in objects ...). Prisma's formatter runs out of stack
 * somewhere past 2,000 levels (3,300 nested arrays; fewer calls) and `prisma format` fails; so
 * does prismac, at this depth, rather than exhausting its own stack. */
#define MAX_NESTING 2000

/* ---- argument lists already in canonical form ----------------------------------------------- */

/* Argument lists are almost always written as the formatter prints them: `(a, b: [c, "d"])`,
 * one space after each comma and colon and none elsewhere, no trailing comma, ASCII names. The
 * grammar renders such a list unchanged (each rule below notes why), so it is recognised with
 * one scan and copied as it is. Whatever else (other spacing, objects, non-ASCII names, a
 * number run into a name, deep nesting) returns FAIL here and goes through the grammar. */

#define CANON_DEPTH 32

static size_t canon_args(const Fmt *f, size_t p, unsigned depth);

/* An ASCII identifier, where `identifier` would end too: not followed by a non-ASCII byte
 * (which could be a letter that continues it). */
static size_t canon_ident(const Fmt *f, size_t p)
{
    const unsigned char *s = (const unsigned char *)f->s;
    if (p >= f->len || IDENT_ASCII[s[p]] != 1)
        return FAIL;
    p++;
    while (p < f->len && IDENT_ASCII[s[p]])
        p++;
    return p < f->len && s[p] >= 0x80 ? FAIL : p;
}

/* What may follow a value in a list: the grammar's value ends there and nothing else matches. */
static bool canon_after_value(const Fmt *f, size_t p)
{
    return p < f->len && (f->s[p] == ',' || f->s[p] == ')' || f->s[p] == ']');
}

/* A string literal: the grammar's string_lit, byte by byte (the bytes of a multi-byte
 * character are never `"`, `\` or controls, so they end nothing). */
static size_t canon_string(const Fmt *f, size_t p)
{
    for (p++; p < f->len; p++) {
        unsigned char c = (unsigned char)f->s[p];
        if (c == '"')
            return p + 1;
        if (c < 0x20)
            return FAIL;
        if (c == '\\' && ++p >= f->len)
            return FAIL;
    }
    return FAIL;
}

/* A value of a list: a string, a number, an array, or a path that may be a call. A value that
 * starts like a number must be a whole numeric literal (the grammar's numeric wins over a path
 * such as `12ab` and matches only `12`); a path must start with a letter. */
static size_t canon_value(const Fmt *f, size_t p, unsigned depth)
{
    if (p >= f->len || depth > CANON_DEPTH)
        return FAIL;
    unsigned char c = (unsigned char)f->s[p];
    size_t q;
    if (c == '"') {
        q = canon_string(f, p);
    } else if (c == '[') {
        /* "[" (value (", " value)*)? "]": rendered with ", " between the elements */
        q = p + 1;
        if (!at(f, q, ']')) {
            for (;;) {
                q = canon_value(f, q, depth + 1);
                if (q == FAIL || !at_str(f, q, ", "))
                    break;
                q += 2;
            }
            if (q == FAIL || !at(f, q, ']'))
                return FAIL;
        }
        q++;
    } else if (c == '-' || is_digit(f, p)) {
        q = numeric(f, p);
    } else if (c < 0x80 && IDENT_ASCII[c] == 1) {
        /* path ("." identifier)*, a call when "(" follows at once */
        q = canon_ident(f, p);
        while (q != FAIL && at(f, q, '.'))
            q = canon_ident(f, q + 1);
        if (q != FAIL && at(f, q, '('))
            q = canon_args(f, q, depth + 1);
    } else {
        return FAIL;
    }
    return q != FAIL && canon_after_value(f, q) ? q : FAIL;
}

/* "(" (argument (", " argument)*)? ")" with argument = identifier ": " value | value. A name
 * is one when ":" follows it at once (the grammar skips blanks there; canonical text has
 * none), and exactly one space separates the colon from the value. */
static size_t canon_args(const Fmt *f, size_t p, unsigned depth)
{
    if (depth > CANON_DEPTH)
        return FAIL;
    p++;
    if (at(f, p, ')'))
        return p + 1;
    for (;;) {
        size_t q = canon_ident(f, p);
        if (q != FAIL && at(f, q, ':')) {
            if (!at(f, q + 1, ' '))
                return FAIL;
            p = q + 2;
        }
        p = canon_value(f, p, depth);
        if (p == FAIL)
            return FAIL;
        if (at(f, p, ')'))
            return p + 1;
        if (!at_str(f, p, ", "))
            return FAIL;
        p += 2;
    }
}

/* ---- expressions and arguments ------------------------------------------------------------ */

static size_t expression(Fmt *f, size_t p, Buf *e);

/* arguments_list = "(" (argument ("," argument)*)? ","? ")"; rendered "(a, b: c)". */
static size_t arguments_list(Fmt *f, size_t p, Buf *e);

/* argument = identifier ":" expression | identifier ":" | expression */
static size_t argument(Fmt *f, size_t p, Buf *e)
{
    size_t mark = e ? e->len : 0;
    size_t q = identifier(f, p);
    if (q != FAIL) {
        size_t r = skip(f, q);
        if (at(f, r, ':')) {
            emit(e, f, p, q);
            emit_lit(e, ": ");
            size_t t = expression(f, skip(f, r + 1), e);
            if (t != FAIL)
                return t;
            /* empty_argument: `name:` without a value, rendered "name: " */
            rollback(e, mark);
            emit(e, f, p, q);
            emit_lit(e, ": ");
            return r + 1;
        }
    }
    return expression(f, p, e);
}

static size_t arguments_list(Fmt *f, size_t p, Buf *e)
{
    if (!at(f, p, '('))
        return FAIL;
    if (f->depth + CANON_DEPTH + 2 < MAX_NESTING) {
        size_t end = canon_args(f, p, 0);
        if (end != FAIL) {
            emit(e, f, p, end);
            return end;
        }
    }
    size_t mark = e ? e->len : 0;
    emit_lit(e, "(");
    p = skip(f, p + 1);
    size_t q = argument(f, p, e);
    if (q != FAIL) {
        p = q;
        for (;;) {
            size_t r = skip(f, p);
            if (!at(f, r, ','))
                break;
            size_t m2 = e ? e->len : 0;
            emit_lit(e, ", ");
            size_t t = argument(f, skip(f, r + 1), e);
            if (t == FAIL) {
                rollback(e, m2);
                break;
            }
            p = t;
        }
    }
    p = skip(f, p);
    if (at(f, p, ','))
        p = skip(f, p + 1);
    if (!at(f, p, ')')) {
        rollback(e, mark);
        return FAIL;
    }
    emit_lit(e, ")");
    return p + 1;
}

/* open item ("," item)* close, p at the opening bracket: the items rendered between `open` and
 * `close_text`, separated by ", ". An item that does not parse ends the list there (and the
 * closing bracket must follow). */
static size_t bracketed_list(Fmt *f, size_t p, Buf *e, const char *open, char close, const char *close_text,
                             size_t (*item)(Fmt *f, size_t p, Buf *e))
{
    size_t mark = e ? e->len : 0;
    emit_lit(e, open);
    p = skip(f, p + 1);
    size_t q = item(f, p, e);
    if (q != FAIL) {
        p = q;
        for (;;) {
            size_t r = skip(f, p);
            if (!at(f, r, ','))
                break;
            size_t m2 = e ? e->len : 0;
            emit_lit(e, ", ");
            size_t t = item(f, skip(f, r + 1), e);
            if (t == FAIL) {
                rollback(e, m2);
                break;
            }
            p = t;
        }
    }
    p = skip(f, p);
    if (!at(f, p, close)) {
        rollback(e, mark);
        return FAIL;
    }
    emit_lit(e, close_text);
    return p + 1;
}

/* array_expression = "[" (expression ("," expression)*)? "]"; rendered "[a, b]". */
static size_t array_expr(Fmt *f, size_t p, Buf *e)
{
    return bracketed_list(f, p, e, "[", ']', "]", expression);
}

/* object_member = identifier ":" expression */
static size_t object_member(Fmt *f, size_t p, Buf *e)
{
    size_t mark = e ? e->len : 0;
    size_t q = identifier(f, p);
    if (q == FAIL)
        return FAIL;
    size_t r = skip(f, q);
    if (!at(f, r, ':'))
        return FAIL;
    emit(e, f, p, q);
    emit_lit(e, ": ");
    size_t t = expression(f, skip(f, r + 1), e);
    if (t == FAIL)
        rollback(e, mark);
    return t;
}

/* object_expression = "{" (member ("," member)*)? "}"; rendered "{ a: 1, b: 2 }" ("{  }"). */
static size_t object_expr(Fmt *f, size_t p, Buf *e)
{
    return bracketed_list(f, p, e, "{ ", '}', " }", object_member);
}

/* expression = function_call | array | object | numeric_literal | string_literal | path,
 * with function_call = path arguments_list. */
static size_t expression_at(Fmt *f, size_t p, Buf *e)
{
    size_t mark = e ? e->len : 0;
    size_t q = path(f, p);
    if (q != FAIL) {
        emit(e, f, p, q);
        size_t t = arguments_list(f, skip(f, q), e);
        if (t != FAIL)
            return t;
        rollback(e, mark);
    }
    if (at(f, p, '[')) {
        size_t t = array_expr(f, p, e);
        if (t != FAIL)
            return t;
    }
    if (at(f, p, '{')) {
        size_t t = object_expr(f, p, e);
        if (t != FAIL)
            return t;
    }
    size_t t = numeric(f, p);
    if (t == FAIL)
        t = string_lit(f, p);
    if (t == FAIL)
        t = q;
    if (t != FAIL)
        emit(e, f, p, t);
    return t;
}


static size_t expression(Fmt *f, size_t p, Buf *e)
{
    if (f->depth >= MAX_NESTING) {
        if (!f->crashed) {
            f->crashed = true;
            f->crash_offset = p;
            f->crash_message = "values nested more than 2,000 levels deep: Prisma's formatter runs out of stack "
                               "on such a line";
        }
        return FAIL;
    }
    f->depth++;
    size_t r = expression_at(f, p, e);
    f->depth--;
    return r;
}

/* ---- attributes, types, comments ---------------------------------------------------------- */

/* Names of nine bytes at most: a loop, not a call to memcmp. */
static bool same_name(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* Attributes are sorted (stably) by the rank of their path: these first, in this order, then
 * all others in source order. */
#define ATTRIBUTE_RANKS 9
static uint8_t attribute_rank(const Fmt *f, size_t from, size_t to)
{
    static const struct {
        const char *name;
        uint8_t len;
    } order[ATTRIBUTE_RANKS] = {{"id", 2},    {"unique", 6}, {"default", 7},  {"updatedAt", 9}, {"index", 5},
                                {"fulltext", 8}, {"map", 3},  {"relation", 8}, {"ignore", 6}};
    size_t n = to - from;
    if (n < 2 || n > 9)
        return UINT8_MAX;   /* most custom and native type attributes: no compare */
    for (uint8_t i = 0; i < ATTRIBUTE_RANKS; i++)
        if (order[i].len == n && same_name(order[i].name, f->s + from, n))
            return i;
    return UINT8_MAX;
}

/* field_attribute = "@" path arguments_list?; rendered "@path(args)". The match ends after
 * the skip that precedes a missing argument list (it shows in type aliases). */
static size_t field_attribute(Fmt *f, size_t p, Buf *e, uint8_t *rank)
{
    if (!at(f, p, '@'))
        return FAIL;
    size_t q = skip(f, p + 1);
    size_t r = path(f, q);
    if (r == FAIL)
        return FAIL;
    if (rank)
        *rank = attribute_rank(f, q, r);
    emit_lit(e, "@");
    emit(e, f, q, r);
    size_t t = skip(f, r);
    size_t u = arguments_list(f, t, e);
    return u != FAIL ? u : t;
}

/* base_type = "Unsupported(" string_literal ")" | identifier */
static size_t base_type(const Fmt *f, size_t p)
{
    if (p < f->len && f->s[p] == 'U' && at_str(f, p, "Unsupported(")) {
        size_t q = string_lit(f, skip(f, p + 12));
        if (q != FAIL) {
            q = skip(f, q);
            if (at(f, q, ')'))
                return q + 1;
        }
    }
    return identifier(f, p);
}

/* field_type = base "[]" "?" | base "[]" | base "?" | base "!" | "[" base "]" | base.
 * Sets the base type's range and what follows it in the canonical form. */
static size_t field_type(const Fmt *f, size_t p, size_t *base_from, size_t *base_to, Str *suffix)
{
    size_t b = base_type(f, p);
    if (b != FAIL) {
        *base_from = p;
        *base_to = b;
        size_t q = skip(f, b);
        if (at_str(f, q, "[]")) {
            size_t r = skip(f, q + 2);
            if (at(f, r, '?')) {
                *suffix = STR_LIT("[]?");
                return r + 1;
            }
            *suffix = STR_LIT("[]");
            return q + 2;
        }
        if (at(f, q, '?')) {
            *suffix = STR_LIT("?");
            return q + 1;
        }
        if (at(f, q, '!')) {
            *suffix = STR_LIT("");
            return q + 1;
        }
        *suffix = STR_LIT("");
        return b;
    }
    if (at(f, p, '[')) {
        size_t q = skip(f, p + 1);
        size_t r = base_type(f, q);
        if (r != FAIL) {
            size_t t = skip(f, r);
            if (at(f, t, ']')) {
                *base_from = q;
                *base_to = r;
                *suffix = STR_LIT("[]");
                return t + 1;
            }
        }
    }
    return FAIL;
}

/* A line or doc comment's end (the end of its line, without the line end). */
static size_t line_end(const Fmt *f, size_t p)
{
    while (p < f->len && f->s[p] != '\n' && f->s[p] != '\r')
        p++;
    return p;
}

/* block_comment = "/ *" (!"* /" ANY)* "* /" */
static size_t block_comment_end(const Fmt *f, size_t p)
{
    for (size_t q = p + 2; q + 1 < f->len; q++)
        if (f->s[q] == '*' && f->s[q + 1] == '/')
            return q + 2;
    return FAIL;
}

/* trailing_comment = doc_comment | comment | block_comment (starting right at the marker). */
static size_t trailing_comment(const Fmt *f, size_t p)
{
    if (at_str(f, p, "//"))
        return line_end(f, p);
    if (at_str(f, p, "/*"))
        return block_comment_end(f, p);
    return FAIL;
}

typedef enum CommentKind2 { CK_NONE, CK_LINE, CK_DOC, CK_BLOCK } CommentKind2;

/* One comment of a comment block: WHITESPACE* then the comment. Sets where its marker is. */
static size_t one_comment(const Fmt *f, size_t p, size_t *marker, CommentKind2 *kind)
{
    size_t q = skip(f, p);
    if (at_str(f, q, "///")) {
        *kind = CK_DOC;
        *marker = q;
        return line_end(f, q);
    }
    if (at_str(f, q, "//")) {
        *kind = CK_LINE;
        *marker = q;
        return line_end(f, q);
    }
    if (at_str(f, q, "/*")) {
        size_t r = block_comment_end(f, q);
        if (r == FAIL)
            return FAIL;
        *kind = CK_BLOCK;
        *marker = q;
        return r;
    }
    return FAIL;
}

/* comment_block = ((doc_comment | comment | block_comment) NEWLINE?)+ (atomic: the blanks
 * before the second and later comments belong to their match). */
static size_t comment_block(const Fmt *f, size_t p)
{
    size_t marker;
    CommentKind2 kind;
    size_t q = one_comment(f, p, &marker, &kind);
    if (q == FAIL)
        return FAIL;
    for (;;) {
        q += nl_len(f, q);
        size_t r = one_comment(f, q, &marker, &kind);
        if (r == FAIL)
            return q;
        q = r;
    }
}

/* empty_lines = (WHITESPACE* NEWLINE)+ */
static size_t empty_lines(const Fmt *f, size_t p)
{
    size_t end = FAIL;
    for (;;) {
        size_t q = skip(f, p);
        size_t n = nl_len(f, q);
        if (!n)
            return end;
        p = end = q + n;
    }
}

/* CATCH_ALL = (!NEWLINE ANY)+ NEWLINE? */
static size_t catch_all(const Fmt *f, size_t p)
{
    if (p >= f->len || nl_len(f, p))
        return FAIL;
    size_t q = line_end(f, p);
    return q + nl_len(f, q);
}

/* ---- line elements ------------------------------------------------------------------------ */

typedef struct FieldParts {
    size_t name_from, name_to;
    bool has_type;
    size_t type_from, type_to;
    Str type_suffix;
    size_t comment_from, comment_to;    /* trailing comment; equal when none */
    size_t first_piece, npieces;        /* rendered attributes in Fmt.pieces */
} FieldParts;

static void push_piece(Fmt *f, AttrPiece piece)
{
    if (f->npieces == f->cappieces) {
        f->cappieces = f->cappieces ? f->cappieces * 2 : 32;
        f->pieces = xrealloc(f->pieces, f->cappieces * sizeof *f->pieces);
    }
    f->pieces[f->npieces++] = piece;
}

/* field_attribute* (repetitions separated by skips). With `fp`, each attribute is rendered
 * into the scratch buffer and recorded. */
static size_t attribute_list(Fmt *f, size_t p, FieldParts *fp)
{
    Buf *e = fp ? &f->scratch : NULL;
    bool first = true;
    for (;;) {
        size_t q = first ? p : skip(f, p);
        size_t mark = e ? e->len : 0;
        uint8_t rank = UINT8_MAX;
        size_t r = field_attribute(f, q, e, &rank);
        if (r == FAIL) {
            rollback(e, mark);
            return p;
        }
        if (fp)
            push_piece(f, (AttrPiece){(uint32_t)mark, (uint32_t)(e->len - mark), rank});
        p = r;
        first = false;
    }
}

/* field_declaration = identifier ":"? field_type? field_attribute* trailing_comment? NEWLINE
 * enum_value_declaration = identifier field_attribute* trailing_comment? NEWLINE */
static size_t field_like(Fmt *f, size_t p, bool is_field, FieldParts *fp)
{
    size_t q = identifier(f, p);
    if (q == FAIL)
        return FAIL;
    FieldParts local;
    FieldParts *parts = fp ? fp : &local;
    parts->name_from = p;
    parts->name_to = q;
    parts->has_type = false;
    parts->first_piece = f->npieces;
    size_t scratch_mark = f->scratch.len;
    q = skip(f, q);
    if (is_field) {
        if (at(f, q, ':'))
            q++;
        q = skip(f, q);
        size_t t = field_type(f, q, &parts->type_from, &parts->type_to, &parts->type_suffix);
        if (t != FAIL) {
            parts->has_type = true;
            q = t;
        }
        q = skip(f, q);
    }
    q = attribute_list(f, q, fp);
    q = skip(f, q);
    parts->comment_from = parts->comment_to = q;
    size_t c = trailing_comment(f, q);
    if (c != FAIL) {
        parts->comment_to = c;
        q = c;
    }
    q = skip(f, q);
    size_t n = nl_len(f, q);
    if (!n) {
        f->npieces = parts->first_piece;
        f->scratch.len = scratch_mark;
        return FAIL;
    }
    parts->npieces = f->npieces - parts->first_piece;
    return q + n;
}

/* key_value = identifier "=" expression? trailing_comment?, then NEWLINE. */
static size_t key_value(Fmt *f, size_t p, Buf *e, size_t *key_to, bool *has_value, size_t *cfrom,
                        size_t *cto)
{
    size_t q = identifier(f, p);
    if (q == FAIL)
        return FAIL;
    *key_to = q;
    q = skip(f, q);
    if (!at(f, q, '='))
        return FAIL;
    q = skip(f, q + 1);
    size_t mark = e ? e->len : 0;
    size_t t = expression(f, q, e);
    *has_value = t != FAIL;
    if (t != FAIL)
        q = t;
    q = skip(f, q);
    *cfrom = *cto = q;
    size_t c = trailing_comment(f, q);
    if (c != FAIL) {
        *cto = c;
        q = c;
    }
    q = skip(f, q);
    size_t n = nl_len(f, q);
    if (!n) {
        rollback(e, mark);
        return FAIL;
    }
    return q + n;
}

/* block_attribute = "@@" path arguments_list? trailing_comment?, then NEWLINE. */
static size_t block_attribute(Fmt *f, size_t p, Buf *e, uint8_t *rank, size_t *cfrom, size_t *cto)
{
    if (!at_str(f, p, "@@"))
        return FAIL;
    size_t q = skip(f, p + 2);
    size_t r = path(f, q);
    if (r == FAIL)
        return FAIL;
    size_t mark = e ? e->len : 0;
    *rank = attribute_rank(f, q, r);
    emit_lit(e, "@@");
    emit(e, f, q, r);
    size_t t = skip(f, r);
    size_t u = arguments_list(f, t, e);
    if (u != FAIL)
        t = skip(f, u);
    *cfrom = *cto = t;
    size_t c = trailing_comment(f, t);
    if (c != FAIL) {
        *cto = c;
        t = c;
    }
    t = skip(f, t);
    size_t n = nl_len(f, t);
    if (!n) {
        rollback(e, mark);
        return FAIL;
    }
    return t + n;
}

/* ---- output ------------------------------------------------------------------------------- */

/* The output lives in the caller's arena: it is reserved at a little more than the input's
 * size, which is almost always enough, and moved to twice the size when it is not (the old
 * block is abandoned to the arena). One byte stays free for the final NUL.
 *
 * Nothing is stored while the output equals the input so far (all of an already formatted
 * file, the steady state of `format --check`): `same` counts the bytes that matched, and the
 * result is then the input itself, with no buffer touched or filled. At the first byte that
 * differs, the matched bytes are copied to the buffer and writing goes on there. */
static void out_reserve(Fmt *f, size_t extra)
{
    size_t need = f->out.len + extra + 1;
    if (need <= f->out.cap)
        return;
    size_t cap = f->out.cap ? f->out.cap * 2 : f->len + f->len / 8 + 64;
    if (cap < need)
        cap = need;
    char *p = arena_alloc_raw(f->arena, cap);
    if (f->out.len)
        memcpy(p, f->out.ptr, f->out.len);
    f->out.ptr = p;
    f->out.cap = cap - 1;
}

/* The output so far differs from the input (or is about to): from now on it is stored. */
static void out_diverge(Fmt *f)
{
    f->diverged = true;
    out_reserve(f, f->same);
    memcpy(f->out.ptr, f->s, f->same);
    f->out.len = f->same;
}

static size_t out_len(const Fmt *f)
{
    return f->diverged ? f->out.len : f->same;
}

/* The last byte written; only when out_len() > 0. */
static char out_last(const Fmt *f)
{
    return f->diverged ? f->out.ptr[f->out.len - 1] : f->s[f->same - 1];
}

/* The writes are short (a cell, a name): eight bytes at a time, then byte by byte, beats a
 * call to memcmp. */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
    for (; n >= 8; a += 8, b += 8, n -= 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y)
            return false;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* Are the n bytes at p spaces? Also eight at a time. */
static inline bool all_spaces(const char *p, size_t n)
{
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        if (x != 0x2020202020202020ull)
            return false;
    }
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ')
            return false;
    return true;
}

static inline void out_raw(Fmt *f, const char *s, size_t n)
{
    if (!f->diverged) {
        if (f->len - f->same >= n && same_bytes(f->s + f->same, s, n)) {
            f->same += n;
            return;
        }
        out_diverge(f);
    }
    if (f->out.cap - f->out.len < n)
        out_reserve(f, n);
    memcpy(f->out.ptr + f->out.len, s, n);
    f->out.len += n;
}

/* Appends n spaces (no indentation check). */
static inline void out_spaces(Fmt *f, size_t n)
{
    if (!f->diverged) {
        if (f->len - f->same >= n && all_spaces(f->s + f->same, n)) {
            f->same += n;
            return;
        }
        out_diverge(f);
    }
    if (f->out.cap - f->out.len < n)
        out_reserve(f, n);
    memset(f->out.ptr + f->out.len, ' ', n);
    f->out.len += n;
}

static void out_putc(Fmt *f, char c)
{
    out_raw(f, &c, 1);
}

/* The renderer's write: indentation first when at the start of a line (also for empty text). */
static void out_write(Fmt *f, const char *s, size_t n)
{
    if (out_len(f) == 0 || out_last(f) == '\n')
        out_spaces(f, (size_t)f->indent * 2);
    out_raw(f, s, n);
}

static void out_end_line(Fmt *f)
{
    out_putc(f, '\n');
}

static Row *table_new_row(Fmt *f, RowKind kind)
{
    if (f->nrows == f->caprows) {
        f->caprows = f->caprows ? f->caprows * 2 : 64;
        f->rows = xrealloc(f->rows, f->caprows * sizeof *f->rows);
    }
    Row *row = &f->rows[f->nrows++];
    memset(row, 0, sizeof *row);
    row->kind = (uint8_t)kind;
    return row;
}

static uint32_t cells_put(Fmt *f, const char *s, size_t n)
{
    uint32_t off = (uint32_t)f->cells.len;
    buf_put(&f->cells, s, n);
    return off;
}

static void row_cell(Fmt *f, Row *row, unsigned i, const char *s, size_t n)
{
    row->cell_off[i] = cells_put(f, s, n);
    row->cell_len[i] = (uint32_t)n;
    if (row->ncells < i + 1)
        row->ncells = (uint8_t)(i + 1);
}

static void row_suffix(Fmt *f, Row *row, const char *s, size_t n)
{
    if (row->suf_len == 0)
        row->suf_off = (uint32_t)f->cells.len;
    /* Suffix pieces are appended in order, so they stay contiguous. */
    buf_put(&f->cells, s, n);
    row->suf_len += (uint32_t)n;
}

/* Prints the table: every regular row's cells padded to their column's width (in bytes) plus
 * one space, the last cell unpadded, then the suffix after one space; interleaved rows as they
 * are. The renderer indents a write that starts a line; no cell or suffix ends with a line
 * end, so only a row's first write can start one. */
static void table_render(Fmt *f)
{
    uint32_t width[3] = {0, 0, 0};
    for (size_t i = 0; i < f->nrows; i++) {
        Row *row = &f->rows[i];
        if (row->kind != ROW_REGULAR)
            continue;
        while (row->ncells && row->cell_len[row->ncells - 1] == 0)
            row->ncells--;
        for (unsigned c = 0; c < row->ncells; c++)
            if (row->cell_len[c] > width[c])
                width[c] = row->cell_len[c];
    }
    for (size_t i = 0; i < f->nrows; i++) {
        const Row *row = &f->rows[i];
        if (row->kind == ROW_REGULAR) {
            if (row->ncells) {
                out_write(f, f->cells.ptr + row->cell_off[0], row->cell_len[0]);
                for (unsigned c = 1; c < row->ncells; c++) {
                    out_spaces(f, width[c - 1] - row->cell_len[c - 1] + 1);
                    out_raw(f, f->cells.ptr + row->cell_off[c], row->cell_len[c]);
                }
                if (row->suf_len) {
                    out_raw(f, " ", 1);
                    out_raw(f, f->cells.ptr + row->suf_off, row->suf_len);
                }
            } else if (row->suf_len) {
                out_write(f, f->cells.ptr + row->suf_off, row->suf_len);
            }
        } else {
            out_write(f, f->cells.ptr + row->suf_off, row->suf_len);
        }
        out_end_line(f);
    }
    f->nrows = 0;
    f->cells.len = 0;
}

/* Rust's char::is_whitespace (White_Space). */
static bool uni_white_space(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

/* Trims Unicode white space on both sides of [*from, *to). */
static void trim_range(const Fmt *f, size_t *from, size_t *to)
{
    while (*from < *to) {
        size_t n;
        uint32_t cp = fmt_utf8_decode(f->s, *to, *from, &n);
        if (!uni_white_space(cp))
            break;
        *from += n;
    }
    while (*to > *from) {
        size_t k = *to - 1;
        while (k > *from && ((unsigned char)f->s[k] & 0xC0) == 0x80)
            k--;
        size_t n;
        uint32_t cp = fmt_utf8_decode(f->s, *to, k, &n);
        if (k + n != *to || !uni_white_space(cp))
            break;
        *to = k;
    }
}

/* A block comment as comment-block rows: "/ **", " * line" per non-empty line, " * /". The
 * match (which for a continuation comment starts with its indentation) loses its first and
 * last two bytes, as Prisma's formatter cuts it. */
static void block_comment_rows(Fmt *f, size_t from, size_t to)
{
    if (((unsigned char)f->s[from + 2] & 0xC0) == 0x80) {
        /* The cut falls inside a character: Prisma's formatter panics here. */
        if (!f->crashed) {
            f->crashed = true;
            f->crash_offset = from;
            f->crash_message = "a block comment that continues a comment block is indented with a multi-byte "
                               "space: Prisma's formatter crashes on it; indent it with plain spaces or tabs";
        }
    }
    Row *row = table_new_row(f, ROW_REGULAR);
    row_suffix(f, row, "/**", 3);
    size_t p = from + 2, end = to - 2;
    while (p <= end) {
        size_t q = p;
        while (q < end && f->s[q] != '\n')
            q++;
        size_t a = p, b = q;
        if (b > a && f->s[b - 1] == '\r')
            b--;
        trim_range(f, &a, &b);
        if (a < b && f->s[a] == '*') {
            a++;
            size_t z = b;
            trim_range(f, &a, &z);  /* trim_start only: the end is already trimmed */
        }
        if (a < b) {
            row = table_new_row(f, ROW_REGULAR);
            row_suffix(f, row, " * ", 3);
            row_suffix(f, row, f->s + a, b - a);
        }
        if (q >= end)
            break;
        p = q + 1;
    }
    row = table_new_row(f, ROW_REGULAR);
    row_suffix(f, row, " */", 3);
}

/* The rows of a comment block: one per line comment, several per block comment. */
static void comment_rows(Fmt *f, size_t from, size_t to)
{
    size_t p = from;
    while (p < to) {
        size_t marker;
        CommentKind2 kind;
        size_t q = one_comment(f, p, &marker, &kind);
        if (q == FAIL)
            break;
        if (kind == CK_BLOCK) {
            block_comment_rows(f, p, q);
        } else {
            Row *row = table_new_row(f, ROW_REGULAR);
            size_t content = marker + (kind == CK_DOC ? 3 : 2);
            row_suffix(f, row, kind == CK_DOC ? "///" : "//", kind == CK_DOC ? 3 : 2);
            row_suffix(f, row, f->s + content, q - content);
        }
        p = q + nl_len(f, q);
    }
}

static void field_row(Fmt *f, const Item *it, bool is_field)
{
    Row *row = table_new_row(f, ROW_REGULAR);
    row_cell(f, row, 0, f->s + it->start, it->name_to - it->start);
    /* no pieces at all when the file has no attributes: NULL + 0 is undefined */
    const AttrPiece *pc = f->pieces ? f->pieces + it->first_piece : NULL;
    if (is_field) {
        /* col 1: the type; col 2: the attributes, sorted (stable) and joined by one space */
        uint32_t off = (uint32_t)f->cells.len;
        if (it->has_type) {
            buf_put(&f->cells, f->s + it->type_from, it->type_to - it->type_from);
            buf_put_str(&f->cells, it->type_suffix);
        }
        row->cell_off[1] = off;
        row->cell_len[1] = (uint32_t)(f->cells.len - off);
        off = (uint32_t)f->cells.len;
        bool any = false, sorted = true;
        for (size_t i = 1; i < it->npieces && sorted; i++)
            sorted = pc[i - 1].rank <= pc[i].rank;
        if (sorted) {
            for (size_t i = 0; i < it->npieces; i++) {
                if (i)
                    buf_putc(&f->cells, ' ');
                buf_put(&f->cells, f->scratch.ptr + pc[i].off, pc[i].len);
            }
        }
        /* ranks are 0..8 (known attributes) or UINT8_MAX (the rest, in source order) */
        for (unsigned r = 0; r <= ATTRIBUTE_RANKS && it->npieces && !sorted; r++) {
            uint8_t rank = r == ATTRIBUTE_RANKS ? UINT8_MAX : (uint8_t)r;
            for (size_t i = 0; i < it->npieces; i++) {
                if (pc[i].rank != rank)
                    continue;
                if (any)
                    buf_putc(&f->cells, ' ');
                buf_put(&f->cells, f->scratch.ptr + pc[i].off, pc[i].len);
                any = true;
            }
        }
        row->cell_off[2] = off;
        row->cell_len[2] = (uint32_t)(f->cells.len - off);
        row->ncells = 3;
    } else {
        /* enum value: the attributes concatenated, in source order */
        uint32_t off = (uint32_t)f->cells.len;
        for (size_t i = 0; i < it->npieces; i++)
            buf_put(&f->cells, f->scratch.ptr + pc[i].off, pc[i].len);
        row->cell_off[1] = off;
        row->cell_len[1] = (uint32_t)(f->cells.len - off);
        row->ncells = 2;
    }
    if (it->cto > it->cfrom)
        row_suffix(f, row, f->s + it->cfrom, it->cto - it->cfrom);
}

static void key_value_row(Fmt *f, const Item *it)
{
    Row *row = table_new_row(f, ROW_REGULAR);
    row_cell(f, row, 0, f->s + it->start, it->name_to - it->start);
    if (it->has_value) {
        uint32_t off = (uint32_t)f->cells.len;
        buf_puts(&f->cells, "= ");
        buf_put(&f->cells, f->scratch.ptr + it->r_off, it->r_len);
        row->cell_off[1] = off;
        row->cell_len[1] = (uint32_t)(f->cells.len - off);
        row->ncells = 2;
    }
    if (it->cto > it->cfrom)
        row_suffix(f, row, f->s + it->cfrom, it->cto - it->cfrom);
}

static void attribute_row(Fmt *f, const Item *it)
{
    Row *row = table_new_row(f, ROW_REGULAR);
    row_cell(f, row, 0, f->scratch.ptr + it->r_off, it->r_len);
    if (it->cto > it->cfrom)
        row_suffix(f, row, f->s + it->cfrom, it->cto - it->cfrom);
}

static void interleave(Fmt *f, size_t from, size_t to)
{
    while (to > from && f->s[to - 1] == '\n')
        to--;
    Row *row = table_new_row(f, ROW_INTERLEAVED);
    row->suf_off = cells_put(f, f->s + from, to - from);
    row->suf_len = (uint32_t)(to - from);
}

/* ---- blocks ------------------------------------------------------------------------------- */

static void push_item(Fmt *f, Item it)
{
    if (f->nitems == f->capitems) {
        f->capitems = f->capitems ? f->capitems * 2 : 64;
        f->items = xrealloc(f->items, f->capitems * sizeof *f->items);
    }
    f->items[f->nitems++] = it;
}

/* One element of a block's contents at p (whitespace already skipped), rendered where it can
 * be. */
static Item block_item(Fmt *f, size_t p, BlockFlavor flavor)
{
    Item it;
    memset(&it, 0, sizeof it);
    it.kind = ITEM_NONE;
    it.start = it.end = p;
    if (p >= f->len)
        return it;
    size_t q = FAIL;
    if (flavor == FLAVOR_MODEL || flavor == FLAVOR_ENUM) {
        FieldParts fp;
        q = field_like(f, p, flavor == FLAVOR_MODEL, &fp);
        if (q != FAIL) {
            it.kind = flavor == FLAVOR_MODEL ? IT_FIELD : IT_VALUE;
            it.end = q;
            it.name_to = (uint32_t)fp.name_to;
            it.has_type = fp.has_type;
            if (fp.has_type) {
                it.type_from = (uint32_t)fp.type_from;
                it.type_to = (uint32_t)fp.type_to;
                it.type_suffix = fp.type_suffix;
            }
            it.cfrom = (uint32_t)fp.comment_from;
            it.cto = (uint32_t)fp.comment_to;
            it.first_piece = (uint32_t)fp.first_piece;
            it.npieces = (uint32_t)fp.npieces;
            return it;
        }
        size_t cf, ct, mark = f->scratch.len;
        uint8_t rank;
        q = block_attribute(f, p, &f->scratch, &rank, &cf, &ct);
        if (q != FAIL) {
            it.kind = IT_ATTRIBUTE;
            it.rank = rank;
            it.end = q;
            it.cfrom = (uint32_t)cf;
            it.cto = (uint32_t)ct;
            it.r_off = (uint32_t)mark;
            it.r_len = (uint32_t)(f->scratch.len - mark);
            return it;
        }
    } else {
        size_t key_to, cf, ct, mark = f->scratch.len;
        bool has_value;
        q = key_value(f, p, &f->scratch, &key_to, &has_value, &cf, &ct);
        if (q != FAIL) {
            it.kind = IT_KEYVALUE;
            it.end = q;
            it.name_to = (uint32_t)key_to;
            it.has_value = has_value;
            it.cfrom = (uint32_t)cf;
            it.cto = (uint32_t)ct;
            it.r_off = (uint32_t)mark;
            it.r_len = (uint32_t)(f->scratch.len - mark);
            return it;
        }
    }
    if ((q = comment_block(f, p)) != FAIL) {
        it.kind = IT_COMMENTS;
        it.end = q;
        return it;
    }
    if ((q = empty_lines(f, p)) != FAIL) {
        it.kind = IT_EMPTY;
        it.end = q;
        return it;
    }
    if (f->s[p] != '}' && (q = catch_all(f, p)) != FAIL) {
        it.kind = IT_CATCHALL;
        it.end = q;
        return it;
    }
    return it;
}

/* BLOCK_OPEN = "{" (anything but a line end)* NEWLINE: the rest of the opener line is dropped. */
static size_t block_open(const Fmt *f, size_t p)
{
    if (!at(f, p, '{'))
        return FAIL;
    size_t q = line_end(f, p + 1);
    size_t n = nl_len(f, q);
    return n ? q + n : FAIL;
}

/* Recognises a block's contents and its `}`; fills f->items. Returns the end or FAIL. */
static size_t block_body(Fmt *f, size_t p, BlockFlavor flavor)
{
    f->nitems = 0;
    f->npieces = 0;
    f->scratch.len = 0;
    for (;;) {
        size_t q = skip(f, p);
        Item it = block_item(f, q, flavor);
        if (it.kind == ITEM_NONE)
            break;
        push_item(f, it);
        p = it.end;
    }
    p = skip(f, p);
    return at(f, p, '}') ? p + 1 : FAIL;
}

static void table_flush_new_group(Fmt *f)
{
    table_render(f);
    table_new_row(f, ROW_REGULAR);
}

static int compare_pending(const void *a, const void *b, const Fmt *f)
{
    const PendingAttr *x = a, *y = b;
    uint8_t rx = f->items[x->item].rank, ry = f->items[y->item].rank;
    return rx < ry ? -1 : rx > ry;
}

static void render_item_row(Fmt *f, const Item *it)
{
    switch (it->kind) {
    case IT_FIELD:
        field_row(f, it, true);
        break;
    case IT_VALUE:
        field_row(f, it, false);
        break;
    case IT_KEYVALUE:
        key_value_row(f, it);
        break;
    case IT_CATCHALL:
        interleave(f, it->start, it->end);
        break;
    default:
        break;
    }
}

/* Prints a recognised block: header, contents in tables, sorted block attributes, `}`. */
static void render_block(Fmt *f, size_t kw_from, size_t kw_to, size_t name_from, size_t name_to)
{
    out_write(f, f->s + kw_from, kw_to - kw_from);
    out_write(f, " ", 1);
    out_write(f, f->s + name_from, name_to - name_from);
    out_write(f, " {", 2);
    out_end_line(f);
    f->indent++;

    f->nrows = 0;
    f->cells.len = 0;
    f->nattrs = 0;
    int32_t pending = -1;
    size_t n = f->nitems, i = 0;
    if (n && f->items[0].kind == IT_EMPTY)
        i++;
    for (;;) {
        bool ate = false;
        if (i < n && f->items[i].kind == IT_EMPTY) {
            ate = true;
            i++;
        }
        uint8_t next = i < n ? f->items[i].kind : ITEM_NONE;
        if (ate && next != ITEM_NONE && next != IT_ATTRIBUTE && next != IT_COMMENTS)
            table_flush_new_group(f);
        if (next == ITEM_NONE)
            break;
        const Item *cur = &f->items[i++];
        switch (cur->kind) {
        case IT_COMMENTS:
            if (i < n && f->items[i].kind == IT_ATTRIBUTE) {
                pending = (int32_t)(i - 1);
            } else {
                if (ate)
                    table_flush_new_group(f);
                comment_rows(f, cur->start, cur->end);
            }
            break;
        case IT_ATTRIBUTE:
            if (f->nattrs == f->capattrs) {
                f->capattrs = f->capattrs ? f->capattrs * 2 : 16;
                f->attrs = xrealloc(f->attrs, f->capattrs * sizeof *f->attrs);
            }
            f->attrs[f->nattrs++] = (PendingAttr){pending, (uint32_t)(i - 1)};
            pending = -1;
            break;
        default:
            render_item_row(f, cur);
            break;
        }
    }
    table_render(f);
    if (f->nattrs) {
        table_new_row(f, ROW_REGULAR);
        /* a stable insertion sort by rank (attribute lists are short) */
        for (size_t a = 1; a < f->nattrs; a++) {
            PendingAttr x = f->attrs[a];
            size_t b = a;
            while (b > 0 && compare_pending(&f->attrs[b - 1], &x, f) > 0) {
                f->attrs[b] = f->attrs[b - 1];
                b--;
            }
            f->attrs[b] = x;
        }
        for (size_t a = 0; a < f->nattrs; a++) {
            if (f->attrs[a].comment >= 0) {
                const Item *c = &f->items[f->attrs[a].comment];
                comment_rows(f, c->start, c->end);
            }
            attribute_row(f, &f->items[f->attrs[a].item]);
        }
        table_render(f);
    }
    f->indent--;
    out_write(f, "}", 1);
    out_end_line(f);
}

/* ---- the top level ------------------------------------------------------------------------ */

/* model_declaration | enum_declaration | config_block: KEYWORD identifier BLOCK_OPEN contents "}".
 * On success the block is rendered and its end returned. */
static size_t top_block(Fmt *f, size_t p)
{
    static const struct {
        Str kw;
        BlockFlavor flavor;
    } kinds[] = {
        {STR_LIT("model"), FLAVOR_MODEL}, {STR_LIT("type"), FLAVOR_MODEL},
        {STR_LIT("view"), FLAVOR_MODEL},  {STR_LIT("enum"), FLAVOR_ENUM},
        {STR_LIT("datasource"), FLAVOR_CONFIG}, {STR_LIT("generator"), FLAVOR_CONFIG},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        Str kw = kinds[k].kw;
        if (f->len - p < kw.len || !same_name(kw.ptr, f->s + p, kw.len))
            continue;
        size_t kw_to = p + kw.len;
        size_t name = skip(f, kw_to);
        size_t name_to = identifier(f, name);
        if (name_to == FAIL)
            continue;
        size_t body = block_open(f, skip(f, name_to));
        if (body == FAIL)
            continue;
        size_t end = block_body(f, body, kinds[k].flavor);
        if (end == FAIL)
            continue;
        render_block(f, p, kw_to, name, name_to);
        return end;
    }
    return FAIL;
}

/* type_alias = "type" identifier "=" base_type field_attribute* */
static size_t type_alias(Fmt *f, size_t p)
{
    if (!at_str(f, p, "type"))
        return FAIL;
    size_t q = identifier(f, skip(f, p + 4));
    if (q == FAIL)
        return FAIL;
    q = skip(f, q);
    if (!at(f, q, '='))
        return FAIL;
    q = base_type(f, skip(f, q + 1));
    if (q == FAIL)
        return FAIL;
    return attribute_list(f, skip(f, q), NULL);
}

/* arbitrary_block = identifier BLOCK_OPEN (anything but "}")* "}" */
static size_t arbitrary_block(const Fmt *f, size_t p)
{
    size_t q = identifier(f, p);
    if (q == FAIL)
        return FAIL;
    q = block_open(f, skip(f, q));
    if (q == FAIL)
        return FAIL;
    const char *close = memchr(f->s + q, '}', f->len - q);
    return close ? (size_t)(close - f->s) + 1 : FAIL;
}

static void format_top(Fmt *f)
{
    size_t p = 0;
    bool first = true;
    for (;;) {
        p = skip(f, p);
        if (p >= f->len)
            break;
        size_t q;
        if ((q = top_block(f, p)) != FAIL) {
            /* rendered */
        } else if ((q = type_alias(f, p)) != FAIL || (q = arbitrary_block(f, p)) != FAIL) {
            out_write(f, f->s + p, q - p);
        } else if ((q = comment_block(f, p)) != FAIL) {
            f->nrows = 0;
            f->cells.len = 0;
            comment_rows(f, p, q);
            table_render(f);
        } else if ((q = empty_lines(f, p)) != FAIL) {
            /* leading empty lines vanish, and so do the last ones */
            if (!first && skip(f, q) < f->len)
                out_end_line(f);
        } else {
            q = catch_all(f, p);
            out_write(f, f->s + p, q - p);
        }
        first = false;
        p = q;
    }
    if (out_len(f) == 0 || out_last(f) != '\n')
        out_putc(f, '\n');
}

FormatStatus format_text(Arena *arena, const char *text, size_t len, Str *out, FormatError *err)
{
    Fmt f = {0};
    f.s = text;
    f.len = len;
    f.arena = arena;
    format_top(&f);
    if (!f.diverged && f.same == f.len) {
        *out = (Str){text, (uint32_t)len};   /* formatted already */
    } else {
        if (!f.diverged)
            out_diverge(&f);    /* a prefix of the input */
        f.out.ptr[f.out.len] = '\0';
        *out = (Str){f.out.ptr, (uint32_t)f.out.len};
    }
    FormatStatus status = FORMAT_OK;
    if (f.crashed) {
        status = FORMAT_UNFORMATTABLE;
        if (err) {
            err->offset = (uint32_t)f.crash_offset;
            err->message = f.crash_message;
        }
    }
    buf_free(&f.cells);
    buf_free(&f.scratch);
    free(f.rows);
    free(f.items);
    free(f.pieces);
    free(f.attrs);
    return status;
}

FormatStatus format_schema(const Db *db, const SourceSet *sources, Arena *arena, Str *outputs, FormatOutcome *outcome)
{
    FormatInsertion *ins = NULL;
    uint32_t nins = 0;
    if (db)
        format_completions(db, arena, &ins, &nins);
    FormatOutcome local;
    if (!outcome)
        outcome = &local;
    memset(outcome, 0, sizeof *outcome);
    outcome->insertions = nins;
    for (uint32_t i = 0; i < sources->count; i++) {
        const Source *src = &sources->files[i];
        Str text = format_apply_insertions(arena, src, i, ins, nins);
        if (format_text(arena, text.ptr, text.len, &outputs[i], &outcome->err) != FORMAT_OK) {
            outcome->err_file = i;
            return FORMAT_UNFORMATTABLE;
        }
    }
    return FORMAT_OK;
}
