/* Partial-index conditions: the parser's trees (precedence, casts, names, the forms PostgreSQL
 * prints back) and Prisma's comparison of two conditions, checked against what Prisma's own
 * engine decided for each pair. */
#include "testutil.h"

#include "prismac/sqlexpr.h"

static char *printed(const char *text)
{
    Arena arena;
    arena_init(&arena);
    SqlExpr *e = sqlexpr_parse(&arena, (Str){text, (uint32_t)strlen(text)});
    char *out = NULL;
    if (e) {
        SqlBuf b = {0};
        sqlexpr_print(e, &b);
        out = strndup(b.ptr ? b.ptr : "", b.len);
        sqlbuf_free(&b);
    }
    arena_free(&arena);
    return out;
}

static void test_trees(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"a = 1", "(a = 1)"},
        {"a AND b OR c", "((a AND b) OR c)"},
        {"a OR b AND c", "(a OR (b AND c))"},
        {"a AND b AND c", "((a AND b) AND c)"},
        {"a and (b or c)", "(a AND (b OR c))"},
        {"NOT a = b", "(NOT (a = b))"},
        {"NOT a AND b", "((NOT a) AND b)"},
        {"a = b IS NULL", "((a = b) IS NULL)"},
        {"a IS NOT NULL AND b is not true", "((a IS NOT NULL) AND (b IS NOT TRUE))"},
        {"-a * b", "((- a) * b)"},
        {"-a::int", "(- (a::int))"},
        {"a + b * c", "(a + (b * c))"},
        {"a - b - c", "((a - b) - c)"},
        {"a || 'x' = 'yx'", "((a || 'x') = 'yx')"},
        {"x >-5", "(x > (- 5))"},
        {"a != b", "(a <> b)"},
        {"a /* c /* nested */ */ = 1 -- x\n", "(a = 1)"},
        {"x::character varying(20)[]", "(x::character varying(20)[])"},
        {"t::TIMESTAMP(3) WITHOUT TIME ZONE", "(t::timestamp(3) without time zone)"},
        {"d::numeric(10, 2)", "(d::numeric(10,2))"},
        {"r = 'A'::\"Role\"", "(r = ('A'::\"Role\"))"},
        {"r = 'A'::public.\"Role\"", "(r = ('A'::public.\"Role\"))"},
        {"(0.5)::double precision", "(0.5::double precision)"},
        {"CAST(v AS text)", "CAST(v AS text)"},
        {"a = ANY (ARRAY['a'::text, 'b'::text])", "(a = ANY (ARRAY[('a'::text), ('b'::text)]))"},
        {"a <> ALL (ARRAY[[1, 2], [3, 4]])", "(a <> ALL (ARRAY[ARRAY[1, 2], ARRAY[3, 4]]))"},
        {"a IN (1, 2)", "(a IN (1, 2))"},
        {"a NOT IN ('x')", "(a NOT IN ('x'))"},
        {"a NOT BETWEEN 1 AND 5 AND b", "((a NOT BETWEEN 1 AND 5) AND b)"},
        {"a NOT LIKE 'x%' ESCAPE '!'", "(a NOT LIKE 'x%' ESCAPE '!')"},
        {"a ILIKE 'x' OR a SIMILAR TO 'y'", "((a ILIKE 'x') OR (a SIMILAR TO 'y'))"},
        {"a ~~ 'x%' AND b !~* 'y'", "((a ~~ 'x%') AND (b !~* 'y'))"},
        {"CASE WHEN b THEN 1 WHEN c THEN 2 ELSE 3 END", "CASE WHEN b THEN 1 WHEN c THEN 2 ELSE 3 END"},
        {"CASE k WHEN 1 THEN true END", "CASE k WHEN 1 THEN true END"},
        {"lower(a) = 'x'", "(lower(a) = 'x')"},
        {"pg_catalog.lower(\"A\")", "pg_catalog.lower(\"A\")"},
        {"count(*) > 0", "(count(*) > 0)"},
        {"t.a = 1", "(t.a = 1)"},
        {"'it''s'", "'it''s'"},
        {"E'it\\'s'", "E'it\\'s'"},
        {"$$x$$ = $t$y$t$", "($$x$$ = $$y$$)"},
        {"B'0101' = X'1F'", "(B'0101' = X'1F')"},
        {"EXTRACT(year FROM t) = 2024", "(EXTRACT(YEAR FROM t) = 2024)"},
        {"data ->> 'k' = 'v'", "((data ->> 'k') = 'v')"},
        {"tags @> ARRAY['a']", "(tags @> ARRAY['a'])"},
        {"(a, b) = (1, 2)", "((a, b) = (1, 2))"},
        {"ROW(a, b) IS NULL", "(ROW(a, b) IS NULL)"},
        {"arr[1] = 5 AND arr[2:3] IS NULL", "((arr[1] = 5) AND (arr[2:3] IS NULL))"},
        {"a COLLATE \"C\" = 'x'", "((a COLLATE \"C\") = 'x')"},
        {"t AT TIME ZONE 'UTC' > '2024-01-01'", "((t AT TIME ZONE 'UTC') > '2024-01-01')"},
        {"d > DATE '2024-01-01'", "(d > DATE '2024-01-01')"},
        {"x IS NOT DISTINCT FROM y", "(x IS NOT DISTINCT FROM y)"},
        {"NULL::text IS NULL", "((NULL::text) IS NULL)"},
        {"1e3 + .5 + 1.50", "((1e3 + .5) + 1.50)"},
        {"\"a\"\"b\" = 1", "(\"a\"\"b\" = 1)"},
        {"CASE\n    WHEN b THEN (n > 1)\n    ELSE false\nEND", "CASE WHEN b THEN (n > 1) ELSE false END"},
        {"a -- a comment to the end of the line\n= 1", "(a = 1)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = printed(cases[i][0]);
        if (!got || strcmp(got, cases[i][1]) != 0) {
            print_error("%s\n  expected %s\n  got      %s\n", cases[i][0], cases[i][1], got ? got : "(no parse)");
            fail();
        }
        free(got);
    }
}

static void test_what_does_not_parse(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "", "a =", "(a", "a)", "a b", "SELECT 1", "a IN (SELECT 1)", "EXISTS (SELECT 1)", "a = $1",
        "'open", "\"open", "/* open", "a = ANY (SELECT b FROM t)", "count(*) OVER ()", "a IN ()",
        "CASE END", "x::", "a BETWEEN 1", "a IS", "f(a,)", "1abc", "\"\" = 1", "U&'x'", "a = 1;",
        /* a -- comment runs to the end: Prisma reads the condition inside parentheses */
        "a = 1 -- trailing comment",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = printed(cases[i]);
        if (got) {
            print_error("%s parsed as %s\n", cases[i], got);
            fail();
        }
    }
    /* deep nesting fails instead of overflowing the stack */
    size_t n = 100000;
    char *deep = malloc(2 * n + 2);
    memset(deep, '(', n);
    deep[n] = '1';
    memset(deep + n + 1, ')', n);
    deep[2 * n + 1] = '\0';
    assert_null(printed(deep));
    memset(deep, '-', n);       /* a comment */
    deep[n] = '\0';
    assert_null(printed(deep));
    for (size_t i = 0; i < n; i += 2) {
        deep[i] = '-';
        deep[i + 1] = ' ';
    }
    deep[n] = '1';
    deep[n + 1] = '\0';
    assert_null(printed(deep));
    free(deep);
}

/* Each pair: a condition as PostgreSQL prints it back (pg_get_expr) and one a schema wrote, and
 * whether Prisma's engine saw them as the same index (an empty migration) or recreated it.
 * Measured with ../shared/oracle: the index created with the database's condition, then
 * `oracle diff` against a schema with where: raw("..."). */
static const struct {
    const char *database, *schema;
    bool same;
} ORACLE_PAIRS[] = {
    {"(a = 'x'::text)", "\"a\" = 'x'", true},
    {"(f = (0.5)::double precision)", "f = 0.5", true},
    {"(d > (0)::numeric)", "d > 0", true},
    {"(d <> '-1.50'::numeric)", "d <> '-1.50'", true},
    {"(n > '-5'::integer)", "n > -5", false},
    {"(n > '-5'::integer)", "n > '-5'", true},
    {"(n = 10)", "n = 10.0", false},
    {"(a = ANY (ARRAY['a'::text, 'b'::text]))", "a IN ('a','b')", false},
    {"(a = ANY (ARRAY['a'::text, 'b'::text]))", "a = ANY (ARRAY['a', 'b'])", false},
    {"(a = ANY (ARRAY['a'::text, 'b'::text]))", "a = ANY (ARRAY['a'::text, 'b'::text])", true},
    {"(a = ANY (ARRAY['a'::text, 'b'::text]))", "\"a\" = ANY (ARRAY['a'::text, 'b'::text])", false},
    {"(a = ANY (ARRAY['a'::text, 'b'::text]))", "a = ANY (ARRAY[('a'::text), 'b'::text])", true},
    {"(a = ANY (ARRAY['a'::text, 'b'::text]))", "a = ANY(ARRAY['a'::text,'b'::text])", true},
    {"(a = ANY (ARRAY['a'::text, 'b'::text]))", "a = any (array['a'::text,'b'::text])", true},
    {"(a = ANY (ARRAY['a'::text, 'b'::text]))", "a = ANY (ARRAY['a'::TEXT, 'b'::text])", true},
    {"((v)::text = 'x'::text)", "v = 'x'", false},
    {"((v)::text = 'x'::text)", "(v)::text = 'x'", true},
    {"((v)::text = 'x'::text)", "v::text = 'x'", true},
    {"((v)::text = 'x'::text)", "(\"v\")::text = 'x'", true},
    {"((v)::text = 'x'::text)", "(v)::TEXT = 'x'", true},
    {"((v)::text = 'x'::text)", "CAST(v AS text) = 'x'", false},
    {"((v)::text = ('x'::character varying)::text)", "v::text = 'x'", true},
    {"(\"Status\" = 'x'::text)", "Status = 'x'", true},
    {"(\"Status\" = 'x'::text)", "\"Status\" = 'x'", true},
    {"(\"Status\" = 'x'::text)", "\"Status\" = 'x' COLLATE \"C\"", false},
    {"(postcode IS NOT NULL)", "\"postcode\" IS NOT NULL", true},
    {"(\"deletedAt\" IS NULL)", "deletedAt IS NULL", true},
    {"(lower(a) = 'x'::text)", "LOWER(a) = 'x'", false},
    {"(lower(a) = 'x'::text)", "lower(a) = 'x'", true},
    {"(lower(a) = 'x'::text)", "lower(\"a\") = 'x'", false},
    {"(lower(a) = 'x'::text)", "lower((a)) = 'x'", true},
    {"(a ~~ 'x%'::text)", "a LIKE 'x%'", false},
    {"(a ~~ 'x%'::text)", "a ~~ 'x%'", true},
    {"(a ~~ 'x%'::text)", "\"a\" ~~ 'x%'", true},
    {"((n >= 1) AND (n <= 5))", "n BETWEEN 1 AND 5", false},
    {"((n >= 1) AND (n <= 5))", "\"n\" >= 1 AND \"n\" <= 5", true},
    {"(NOT b)", "NOT b", true},
    {"(NOT b)", "NOT \"b\"", true},
    {"b", "b", true},
    {"b", "\"b\"", true},
    {"(b IS TRUE)", "b IS TRUE", true},
    {"(b IS TRUE)", "\"b\" IS TRUE", true},
    {"(b IS NOT TRUE)", "\"b\" IS NOT TRUE", true},
    {"(b IS FALSE)", "b IS FALSE", true},
    {"(b IS NOT FALSE)", "\"b\" IS NOT FALSE", true},
    {"(b IS UNKNOWN)", "\"b\" IS UNKNOWN", false},
    {"(((n > 1) AND (n < 5)) OR b)", "n > 1 AND n < 5 OR b", true},
    {"((n > 1) AND ((n < 5) OR b))", "n > 1 AND n < 5 OR b", false},
    {"((a = 'x'::text) AND (n = 1) AND b)", "a = 'x' AND (n = 1 AND b)", false},
    {"((a = 'x'::text) OR (a = 'y'::text) OR b)", "a = 'x' OR (a = 'y' OR b)", false},
    {"(t > '2024-01-01 00:00:00'::timestamp without time zone)", "t > '2024-01-01'", false},
    {"(role = 'ADMIN'::\"Role\")", "role = 'ADMIN'", true},
    {"(role = 'ADMIN'::\"Role\")", "role IN ('ADMIN')", false},
    {"(a <> ''::text)", "a != ''", true},
    {"(a = 'it''s'::text)", "a = 'it''s'", true},
    {"(a = 'it\\s'::text)", "a = E'it\\\\s'", false},
    {"((n + 1) > 2)", "n + 1 > 2", true},
    {"((n + 1) > 2)", "(\"n\" + 1) > 2", true},
    {"((n * 2) > 2)", "n * 2 > 2", true},
    {"(COALESCE(n, 0) > 1)", "COALESCE(n, 0) > 1", true},
    {"(COALESCE(n, 0) > 1)", "COALESCE(\"n\", 0) > 1", false},
    {"(COALESCE(n, 0) > 1)", "coalesce(n, 0) > 1", false},
    {"(a IS DISTINCT FROM 'x'::text)", "a IS DISTINCT FROM 'x'", false},
    {"(a IS DISTINCT FROM 'x'::text)", "\"a\" IS DISTINCT FROM 'x'::text", false},
    {"(a IS DISTINCT FROM 'x'::text)", "a IS DISTINCT FROM ('x'::text)", true},
    {"(NOT (a IS DISTINCT FROM 'x'::text))", "a IS NOT DISTINCT FROM 'x'::text", false},
    {"(length(a) > 3)", "length(a) > 3", true},
    {"(length((a || 'x'::text)) > 3)", "length(a || 'x'::text) > 3", true},
    {"(length((a || 'x'::text)) > 3)", "length(a || 'x') > 3", false},
    {"((- n) > 2)", "-\"n\" > 2", true},
    {"CASE\n    WHEN b THEN (n > 1)\n    ELSE false\nEND", "CASE WHEN b THEN n > 1 ELSE false END", true},
    {"CASE\n    WHEN b THEN (n > 1)\n    ELSE false\nEND", "CASE WHEN \"b\" THEN n > 1 ELSE false END", false},
    {"((a || 'x'::text) IS NULL)", "(a || 'x') IS NULL", true},
    {"(NOT (a = 'x'::text))", "NOT (a = 'x')", true},
    {"(a <> 'x'::text)", "a <> 'x'::text", true},
    {"((f = (0.5)::double precision) AND (n = 1))", "(f = 0.5) AND (n = 1)", true},
    {"(d = 1.5)", "d = 1.5::numeric", true},
    {"(a = 'x'::text)", "a = CAST('x' AS text)", false},
    {"((a || 'x'::text) = 'yx'::text)", "a || 'x' = 'yx'", true},
    {"((n % 2) = 0)", "n % 2 = 0", true},
    {"(n > 1)", "n > 1 -- comment", false},
    {"(n > 1)", "n > 1 /* c */", true},
    {"(n > 1)", "\"n\" > +1", false},
    {"(deleted_at IS NULL)", "\"deleted_at\" IS NULL", true},
    {"((active = true) AND (note IS NOT NULL))", "\"active\" = true AND \"note\" IS NOT NULL", true},
    {"((score <> '-1.50'::numeric) AND (level = 10) AND (ratio = (0.5)::double precision))", "\"score\" != -1.50 AND \"level\" = 10 AND \"ratio\" = 0.5", false},
    {"((status = ANY (ARRAY['a'::text, 'b'::text])) AND (score > (0)::numeric))", "status IN ('a', 'b') AND score > 0", false},
    {"((deleted_at = '2024-01-01 00:00:00'::timestamp without time zone) AND (active = false))", "\"deleted_at\" = '2024-01-01T00:00:00.000Z' AND \"active\" = false", false},
    {"((status <> 'it''s gone'::text) AND (deleted_at IS NULL))", "\"status\" != 'it''s gone' AND \"deleted_at\" IS NULL", true},
    {"(role <> 'ADMIN'::\"Role\")", "\"role\" != 'ADMIN'", true},
    {"(role = 'ADMIN'::\"Role\")", "\"role\" = 'ADMIN'", true},
};

static void test_prisma_comparison(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof ORACLE_PAIRS / sizeof *ORACLE_PAIRS; i++) {
        Str a = {ORACLE_PAIRS[i].database, (uint32_t)strlen(ORACLE_PAIRS[i].database)};
        Str b = {ORACLE_PAIRS[i].schema, (uint32_t)strlen(ORACLE_PAIRS[i].schema)};
        bool ab = sqlexpr_predicates_match(SQL_POSTGRES, a, b), ba = sqlexpr_predicates_match(SQL_POSTGRES, b, a);
        if (ab != ORACLE_PAIRS[i].same || ba != ORACLE_PAIRS[i].same) {
            print_error("%s  vs  %s: Prisma says %s, prismac %s / %s\n", ORACLE_PAIRS[i].database,
                        ORACLE_PAIRS[i].schema, ORACLE_PAIRS[i].same ? "same" : "different", ab ? "same" : "different",
                        ba ? "same" : "different");
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

static void test_match_rules(void **state)
{
    (void)state;
    /* a condition always matches itself, even one that does not parse */
    assert_true(sqlexpr_predicates_match(SQL_POSTGRES, STR_LIT("a = $1"), STR_LIT("a = $1")));
    assert_false(sqlexpr_predicates_match(SQL_POSTGRES, STR_LIT("a = $1"), STR_LIT("a =  $1")));
    /* no condition matches only no condition */
    assert_true(sqlexpr_predicates_match(SQL_POSTGRES, STR_LIT(""), STR_LIT("")));
    assert_false(sqlexpr_predicates_match(SQL_POSTGRES, STR_LIT(""), STR_LIT("a")));
    assert_false(sqlexpr_predicates_match(SQL_POSTGRES, STR_LIT("(a IS NULL)"), STR_LIT("")));
    /* SQLite: the texts as they are */
    assert_true(sqlexpr_predicates_match(SQL_SQLITE, STR_LIT("\"a\" IS NULL"), STR_LIT("\"a\" IS NULL")));
    assert_false(sqlexpr_predicates_match(SQL_SQLITE, STR_LIT("\"a\" IS NULL"), STR_LIT("a IS NULL")));
    assert_false(sqlexpr_predicates_match(SQL_SQLITE, STR_LIT("\"a\" IS NULL"), STR_LIT("\"a\"  IS NULL")));
    /* names: quoting only where PostgreSQL reads the name the same without quotes */
    assert_true(sqlexpr_predicates_match(SQL_POSTGRES, STR_LIT("\"na$me_1\" = 1"), STR_LIT("na$me_1 = 1")));
    assert_false(sqlexpr_predicates_match(SQL_POSTGRES, STR_LIT("\"deletedAt\" IS NULL"), STR_LIT("deletedat IS NULL")));
    assert_false(sqlexpr_predicates_match(SQL_POSTGRES, STR_LIT("\"a b\" = 1"), STR_LIT("a = 1")));
    /* casts: only of constants, through their nesting */
    assert_true(sqlexpr_predicates_match(SQL_POSTGRES, STR_LIT("a = (('1'::text)::integer)"), STR_LIT("a = '1'")));
    assert_false(sqlexpr_predicates_match(SQL_POSTGRES, STR_LIT("a::integer = 1"), STR_LIT("a = 1")));
    assert_false(sqlexpr_predicates_match(SQL_POSTGRES, STR_LIT("a::integer = 1"), STR_LIT("a::bigint = 1")));
    assert_true(sqlexpr_predicates_match(SQL_POSTGRES, STR_LIT("a::INTEGER = 1"), STR_LIT("a::integer = 1")));
    assert_false(sqlexpr_predicates_match(SQL_POSTGRES, STR_LIT("a::\"T\" = 1"), STR_LIT("a::t = 1")));
}

static void test_plain_identifiers(void **state)
{
    (void)state;
    assert_true(sqlexpr_is_plain_identifier(STR_LIT("postcode")));
    assert_true(sqlexpr_is_plain_identifier(STR_LIT("deletedAt")));
    assert_true(sqlexpr_is_plain_identifier(STR_LIT("_x$1")));
    assert_true(sqlexpr_is_plain_identifier(STR_LIT("größe")));
    assert_false(sqlexpr_is_plain_identifier(STR_LIT("")));
    assert_false(sqlexpr_is_plain_identifier(STR_LIT("1a")));
    assert_false(sqlexpr_is_plain_identifier(STR_LIT("a b")));
    assert_false(sqlexpr_is_plain_identifier(STR_LIT("user")));
    assert_false(sqlexpr_is_plain_identifier(STR_LIT("Order")));
    assert_false(sqlexpr_is_plain_identifier(STR_LIT("a\"b")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trees),
        cmocka_unit_test(test_what_does_not_parse),
        cmocka_unit_test(test_prisma_comparison),
        cmocka_unit_test(test_match_rules),
        cmocka_unit_test(test_plain_identifiers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
