/* The conditions of partial indexes (`WHERE ...`), parsed and compared the way Prisma's differ
 * compares them.
 *
 * A schema writes a condition one way (`"deletedAt" IS NULL AND "score" != 5`, or a raw("...")
 * text as given) and PostgreSQL gives it back another (pg_get_expr: `(("deletedAt" IS NULL)
 * AND (score <> 5))`). Prisma (prisma-engines #5780, #5788) parses both sides with sqlparser's
 * PostgreSQL dialect and compares the syntax trees. What it forgives, measured with its engine:
 *   - parentheses: they only group (the tree keeps precedence, so `(a AND b) OR c` is not
 *     `a AND (b OR c)`, and `a AND b AND c` is not `a AND (b AND c)`);
 *   - whitespace, comments, the case of keywords and of unquoted type names (`::TEXT`);
 *   - `!=` against `<>`;
 *   - a cast of a constant (`'x'::text`, `(0.5)::double precision`) against the constant, and
 *     `"x"` against `x` when x is a name PostgreSQL takes unquoted ("Status" = Status too:
 *     the values are compared, not folded) — but only where its comparison walks: through AND,
 *     OR, comparisons and other binary operators, NOT and unary minus, IS [NOT] NULL / TRUE /
 *     FALSE / UNKNOWN and the operand of a cast. Anywhere else (function arguments, ARRAY[...],
 *     = ANY (...), IS DISTINCT FROM, CASE, IN lists) the trees must be equal as they are.
 * What it does not: `IN (...)` against `= ANY (ARRAY[...])`, `LIKE` against `~~`, BETWEEN
 * against two comparisons, `-5` against `'-5'::integer`, `1.50` against `1.5`, `LOWER(x)`
 * against `lower(x)`, `CAST(x AS t)` against `x::t`, a string against PostgreSQL's spelling of
 * a timestamp: those differ, so Prisma recreates such indexes on every migration, and prismac
 * reports the same. A condition that does not parse only matches the same text; so does one
 * with a `--` comment that runs to its end (Prisma parses it inside parentheses).
 *
 * SQLite: Prisma compares the texts as they are (the database's is the text after WHERE of the
 * CREATE INDEX statement, trimmed). */
#ifndef PRISMAC_SQLEXPR_H
#define PRISMAC_SQLEXPR_H

#include "prismac/dialect.h"
#include "prismac/sqlschema.h"

typedef enum SqlExprKind {
    SQLX_IDENT,         /* a name: text is its value (quotes removed, "" undoubled); quoted flag */
    SQLX_NUMBER,        /* text as written: 10, 1.50, .5, 1e3 */
    SQLX_STRING,        /* 'text': text is the value ('' undoubled) */
    SQLX_ESTRING,       /* E'text': text is the body as written (escapes kept) */
    SQLX_DOLLAR,        /* $tag$text$tag$: text is the body */
    SQLX_BITSTRING,     /* B'0101' / X'1F': op is "B" or "X", text the body */
    SQLX_BOOL,          /* text: "true" or "false" */
    SQLX_NULL,
    SQLX_STAR,          /* count(*) */
    SQLX_TYPED,         /* DATE '2024-01-01': op is the type, kids[0] the string */
    SQLX_BINARY,        /* kids[0] op kids[1]; op as written but != is <>, keywords upper case */
    SQLX_UNARY,         /* op kids[0]: NOT, -, +, ~, @, |/, ||/ */
    SQLX_IS,            /* kids[0] op: op is "IS NULL", "IS NOT TRUE", ... */
    SQLX_DISTINCT,      /* kids[0] IS [NOT] DISTINCT FROM kids[1] */
    SQLX_CAST,          /* kids[0]::op (or CAST(kids[0] AS op) when flagged); op is the type,
                         * unquoted words lower case, single spaces, no space before ( or [ */
    SQLX_FUNCTION,      /* kids[0] is the name (SQLX_NAME), the rest the arguments */
    SQLX_NAME,          /* a dotted name: kids are SQLX_IDENT parts (a.b, schema.func) */
    SQLX_IN,            /* kids[0] [NOT] IN (kids[1..]) */
    SQLX_BETWEEN,       /* kids[0] [NOT] BETWEEN kids[1] AND kids[2] */
    SQLX_LIKE,          /* kids[0] [NOT] op kids[1] [ESCAPE kids[2]]: LIKE, ILIKE, SIMILAR TO */
    SQLX_ANY,           /* kids[0] cmp op (kids[1]): text is the comparison, op ANY / ALL / SOME */
    SQLX_ARRAY,         /* ARRAY[kids...] */
    SQLX_ROW,           /* (kids...) with two or more, or ROW(kids...) when flagged */
    SQLX_CASE,          /* CASE [operand] WHEN ... THEN ... [ELSE] END: see sqlexpr.c */
    SQLX_SUBSCRIPT,     /* kids[0][kids[1]] or a slice kids[0][kids[1]:kids[2]] */
    SQLX_COLLATE,       /* kids[0] COLLATE op (op as written, quotes kept) */
    SQLX_AT_TIME_ZONE,  /* kids[0] AT TIME ZONE kids[1] */
    SQLX_EXTRACT,       /* EXTRACT(op FROM kids[0]); op upper case */
} SqlExprKind;

enum {
    SQLX_QUOTED = 1,    /* IDENT: was "quoted" */
    SQLX_NEGATED = 2,   /* IN, BETWEEN, LIKE, DISTINCT: the NOT form */
    SQLX_CAST_CALL = 4, /* CAST: written CAST(x AS t); ROW: written ROW(...) */
    SQLX_CASE_OPERAND = 8,  /* CASE: kids[0] is the operand */
    SQLX_CASE_ELSE = 16,    /* CASE: the last kid is the ELSE result */
    SQLX_DISTINCT_ARGS = 32,/* FUNCTION: f(DISTINCT ...) */
    SQLX_SLICE = 64,    /* SUBSCRIPT: a slice */
};

typedef struct SqlExpr {
    SqlExprKind kind;
    unsigned flags;
    Str text;                   /* see the kinds */
    Str op;
    struct SqlExpr **kids;
    uint32_t nkids;
} SqlExpr;

/* Parses a condition (the text after WHERE, without the keyword) as PostgreSQL's grammar and
 * sqlparser's reading of it: operators bind as in PostgreSQL. NULL when it does not parse (or
 * uses something this parser does not know: subqueries, window clauses). Nodes live in
 * `arena`. */
SqlExpr *sqlexpr_parse(Arena *arena, Str text);

/* Prisma's comparison of two parsed conditions (see the top of this file). */
bool sqlexpr_match(const SqlExpr *a, const SqlExpr *b);

/* Structural equality: the same tree, names with the same quoting, casts kept. */
bool sqlexpr_equal(const SqlExpr *a, const SqlExpr *b);

/* A canonical, fully parenthesised text of the tree (tests, reports): `((a = 'x') AND (n > 1))`. */
void sqlexpr_print(const SqlExpr *e, SqlBuf *out);

/* Do the conditions of two partial indexes match, as Prisma's differ decides? Equal texts
 * always do; on PostgreSQL, otherwise both must parse and match (sqlexpr_match); on SQLite,
 * only equal texts match. An empty text is an index without condition. */
bool sqlexpr_predicates_match(SqlFlavour flavour, Str a, Str b);

/* Is `name` one PostgreSQL (and sqlparser) reads the same with or without double quotes? A
 * letter or _ first, then letters, digits, _ or $, and not a reserved word. Case is not
 * considered: Prisma compares the values (see the top of this file). */
bool sqlexpr_is_plain_identifier(Str name);

#endif
