/* The re2c lexer: every token kind, identifiers vs keywords vs numbers, strings, comments,
 * line endings, Unicode whitespace, and errors. */
#include "testutil.h"
#include "prismac/lexer.h"

static const char *short_name(LexKind k)
{
    static const char *const names[LEX_KIND_COUNT] = {
        [LEX_EOF] = "EOF", [LEX_NEWLINE] = "NL", [LEX_IDENT] = "ID", [LEX_PATH] = "PATH", [LEX_NUMBER] = "NUM", [LEX_STRING] = "STR",
        [LEX_KW_MODEL] = "MODEL", [LEX_KW_VIEW] = "VIEW", [LEX_KW_TYPE] = "TYPE", [LEX_KW_ENUM] = "ENUM",
        [LEX_KW_DATASOURCE] = "DATASOURCE", [LEX_KW_GENERATOR] = "GENERATOR", [LEX_UNSUPPORTED] = "UNSUPPORTED",
        [LEX_LBRACE] = "{", [LEX_RBRACE] = "}", [LEX_LPAREN] = "(", [LEX_RPAREN] = ")", [LEX_LBRACKET] = "[",
        [LEX_RBRACKET] = "]", [LEX_LISTMARK] = "[]", [LEX_COMMA] = ",", [LEX_COLON] = ":", [LEX_EQUALS] = "=",
        [LEX_QUESTION] = "?", [LEX_BANG] = "!", [LEX_AT] = "@", [LEX_ATAT] = "@@", [LEX_ATTR] = "ATTR", [LEX_BLOCK_ATTR] = "BLOCKATTR", [LEX_COMMENT] = "COMMENT",
        [LEX_DOC_COMMENT] = "DOC", [LEX_BLOCK_COMMENT] = "BLOCKCOMMENT", [LEX_ERR_CHAR] = "ERR_CHAR",
        [LEX_ERR_STRING_EOL] = "ERR_STRING_EOL", [LEX_ERR_STRING_CONTROL] = "ERR_STRING_CONTROL",
        [LEX_ERR_COMMENT_EOF] = "ERR_COMMENT_EOF",
    };
    return names[k];
}

/* "KIND(text) KIND(text) ..." for every token up to EOF (text only for names, numbers,
 * strings, comments and errors). */
static char *lex_all(const char *text, size_t len)
{
    Lexer lx;
    lexer_init(&lx, text, (uint32_t)len);
    Capture c;
    FILE *f = capture_begin(&c);
    for (int guard = 0; guard < 10000; guard++) {
        LexToken t = lexer_next(&lx);
        if (guard)
            fputc(' ', f);
        fputs(short_name(t.kind), f);
        switch (t.kind) {
        case LEX_IDENT: case LEX_PATH: case LEX_ATTR: case LEX_BLOCK_ATTR: case LEX_NUMBER: case LEX_STRING: case LEX_COMMENT: case LEX_DOC_COMMENT:
        case LEX_BLOCK_COMMENT: case LEX_ERR_CHAR: case LEX_ERR_STRING_EOL: case LEX_ERR_STRING_CONTROL:
        case LEX_ERR_COMMENT_EOF:
            fprintf(f, "(%.*s)", (int)(t.end - t.start), text + t.start);
            break;
        default:
            break;
        }
        if (t.kind == LEX_EOF)
            break;
    }
    return capture_end(&c);
}

#define ASSERT_LEX(input, expected)                    \
    do {                                               \
        char *got_ = lex_all((input), strlen(input));  \
        assert_string_equal(got_, (expected));         \
        free(got_);                                    \
    } while (0)

static void test_punctuation(void **state)
{
    (void)state;
    ASSERT_LEX("{ } ( ) [ ] [] , : = ? ! @ @@", "{ } ( ) [ ] [] , : = ? ! @ @@ EOF");
    ASSERT_LEX("@@@", "@@ @ EOF");
    /* an attribute's name is part of its token; `@ id` (which Prisma accepts) is two */
    ASSERT_LEX("@id @@index @ id @@ map", "ATTR(@id) BLOCKATTR(@@index) @ ID(id) @@ ID(map) EOF");
    ASSERT_LEX("[ ]", "[ ] EOF");
}

static void test_keywords_and_identifiers(void **state)
{
    (void)state;
    ASSERT_LEX("model view type enum datasource generator",
               "MODEL VIEW TYPE ENUM DATASOURCE GENERATOR EOF");
    ASSERT_LEX("models Model model_ model-x types", "ID(models) ID(Model) ID(model_) ID(model-x) ID(types) EOF");
    ASSERT_LEX("_x", "ERR_CHAR(_) ID(x) EOF");
    ASSERT_LEX("user_id createdAt a-b 9lives", "ID(user_id) ID(createdAt) ID(a-b) ID(9lives) EOF");
}

static void test_paths(void **state)
{
    (void)state;
    ASSERT_LEX("@db.VarChar(255)", "ATTR(@db.VarChar) ( ID(255) ) EOF");
    ASSERT_LEX("model.x db. a..b", "PATH(model.x) PATH(db.) PATH(a..b) EOF");
}

static void test_numbers(void **state)
{
    (void)state;
    /* plain digits are a name to the lexer; the parser reads them as a number where a value stands */
    ASSERT_LEX("0 42 -7 3.25 -0.5", "ID(0) ID(42) NUM(-7) NUM(3.25) NUM(-0.5) EOF");
    /* a number followed by letters is a name, as in Prisma's grammar */
    ASSERT_LEX("1.5x 12ab", "PATH(1.5x) ID(12ab) EOF");
    ASSERT_LEX("1e3", "ID(1e3) EOF");
    ASSERT_LEX("- 5", "ERR_CHAR(-) ID(5) EOF");
}

static void test_strings(void **state)
{
    (void)state;
    ASSERT_LEX("\"\" \"a b\" \"q\\\"x\"", "STR(\"\") STR(\"a b\") STR(\"q\\\"x\") EOF");
    ASSERT_LEX("\"\\u00e9\\n\\\\\"", "STR(\"\\u00e9\\n\\\\\") EOF");
    ASSERT_LEX("\"héllo 😀\"", "STR(\"héllo 😀\") EOF");
    ASSERT_LEX("\"// not a comment\"", "STR(\"// not a comment\") EOF");
}

static void test_string_errors(void **state)
{
    (void)state;
    ASSERT_LEX("\"abc\nx", "ERR_STRING_EOL(\"abc) NL ID(x) EOF");
    ASSERT_LEX("\"abc", "ERR_STRING_EOL(\"abc) EOF");
    ASSERT_LEX("\"a\\", "ERR_STRING_EOL(\"a\\) EOF");
    /* a raw tab inside a string is a control character: Prisma's strings are JSON strings */
    ASSERT_LEX("\"a\tb\"", "ERR_STRING_CONTROL(\"a) ID(b) ERR_STRING_EOL(\") EOF");
}

static void test_comments(void **state)
{
    (void)state;
    ASSERT_LEX("// hi\n/// doc\nx // trailing", "COMMENT(// hi) NL DOC(/// doc) NL ID(x) COMMENT(// trailing) EOF");
    ASSERT_LEX("//// four", "DOC(//// four) EOF");
    ASSERT_LEX("/* a\n b */ x", "BLOCKCOMMENT(/* a\n b */) ID(x) EOF");
    ASSERT_LEX("/* never closed\n", "ERR_COMMENT_EOF(/* never closed\n) EOF");
    ASSERT_LEX("a/b", "ID(a) ERR_CHAR(/) ID(b) EOF");
}

static void test_line_endings(void **state)
{
    (void)state;
    ASSERT_LEX("a\nb\r\nc\rd", "ID(a) NL ID(b) NL ID(c) NL ID(d) EOF");
    ASSERT_LEX("\r\n\r\n", "NL NL EOF");
    ASSERT_LEX("\n\r", "NL NL EOF");
}

static void test_whitespace(void **state)
{
    (void)state;
    ASSERT_LEX(" \t a \t", "ID(a) EOF");
    /* runs of spaces are skipped eight bytes at a time: runs of every length, tabs inside, and
     * runs that reach the end of the input (where fewer than eight bytes are left) */
    ASSERT_LEX("a                 b  \t     \t c", "ID(a) ID(b) ID(c) EOF");
    ASSERT_LEX("a        b       c         d", "ID(a) ID(b) ID(c) ID(d) EOF");
    ASSERT_LEX("x       ", "ID(x) EOF");
    ASSERT_LEX("x              ", "ID(x) EOF");
    ASSERT_LEX("x            \n        \xC2\xA0  y", "ID(x) NL ID(y) EOF");
    /* Unicode space separators are whitespace, as in pest's SPACE_SEPARATOR */
    ASSERT_LEX("a\xC2\xA0" "b\xE3\x80\x80" "c\xE2\x80\x89" "d", "ID(a) ID(b) ID(c) ID(d) EOF");
    /* a zero-width space is not a separator */
    ASSERT_LEX("a\xE2\x80\x8B" "b", "ID(a) ERR_CHAR(\xE2\x80\x8B) ID(b) EOF");
    ASSERT_LEX("a\x0C" "b", "ID(a) ERR_CHAR(\x0C) ID(b) EOF");
}

static void test_unsupported(void **state)
{
    (void)state;
    ASSERT_LEX("Unsupported(\"circle\")", "UNSUPPORTED STR(\"circle\") ) EOF");
    ASSERT_LEX("Unsupported (\"x\")", "ID(Unsupported) ( STR(\"x\") ) EOF");
}

static void test_nul_bytes(void **state)
{
    (void)state;
    char text[] = {'a', 0, 'b', 0};
    char *got = lex_all(text, 3);
    assert_string_equal(got, "ID(a) ERR_CHAR() ID(b) EOF");
    free(got);
    got = lex_all("", 0);
    assert_string_equal(got, "EOF");
    free(got);
}

static void test_spans(void **state)
{
    (void)state;
    const char *text = "model A {\n  id Int @id\n}";
    Lexer lx;
    lexer_init(&lx, text, (uint32_t)strlen(text));
    LexToken t = lexer_next(&lx);
    assert_int_equal(t.kind, LEX_KW_MODEL);
    assert_int_equal(t.start, 0);
    assert_int_equal(t.end, 5);
    t = lexer_next(&lx);
    assert_int_equal(t.kind, LEX_IDENT);
    assert_int_equal(t.start, 6);
    t = lexer_next(&lx);
    assert_int_equal(t.kind, LEX_LBRACE);
    t = lexer_next(&lx);
    assert_int_equal(t.kind, LEX_NEWLINE);
    assert_int_equal(t.start, 9);
    assert_int_equal(t.end, 10);
}

static void test_skip_line(void **state)
{
    (void)state;
    const char *text = "{ anything } here\r\nx";
    Lexer lx;
    lexer_init(&lx, text, (uint32_t)strlen(text));
    assert_int_equal(lexer_next(&lx).kind, LEX_LBRACE);
    assert_int_equal(lexer_skip_line(&lx), 17);
    assert_int_equal(lexer_next(&lx).kind, LEX_NEWLINE);
    assert_int_equal(lexer_next(&lx).kind, LEX_IDENT);
}

/* line:column for each line-ending style, through the source's line table */
static void check_line_cols(const char *text)
{
    Arena a;
    arena_init(&a);
    SourceSet set;
    source_set_init(&set, &a);
    source_add_text(&set, "t.prisma", text, strlen(text));
    Source *src = &set.files[0];
    const char *x = strchr(text, 'x');
    const char *y = strchr(text, 'y');
    const char *z = strchr(text, 'z');
    LineCol lc = source_line_col(src, (uint32_t)(x - text));
    assert_int_equal(lc.line, 1);
    assert_int_equal(lc.col, 3);
    lc = source_line_col(src, (uint32_t)(y - text));
    assert_int_equal(lc.line, 2);
    assert_int_equal(lc.col, 2);
    lc = source_line_col(src, (uint32_t)(z - text));
    assert_int_equal(lc.line, 4);
    assert_int_equal(lc.col, 1);
    Str l2 = source_line_text(src, 2);
    assert_int_equal(l2.len, 3);
    assert_memory_equal(l2.ptr, " y ", 3);
    arena_free(&a);
}

static void test_line_col_lf(void **state)
{
    (void)state;
    check_line_cols("a x\n y \n\nz");
}

static void test_line_col_crlf(void **state)
{
    (void)state;
    check_line_cols("a x\r\n y \r\n\r\nz");
}

static void test_line_col_cr(void **state)
{
    (void)state;
    check_line_cols("a x\r y \r\rz");
}

static void test_line_col_mixed_and_utf8(void **state)
{
    (void)state;
    /* columns count characters, not bytes; a tab is one column */
    check_line_cols("é x\r\n y \n\rz");
    Arena a;
    arena_init(&a);
    SourceSet set;
    source_set_init(&set, &a);
    source_add_text(&set, "t.prisma", "\t😀q", strlen("\t😀q"));
    LineCol lc = source_line_col(&set.files[0], (uint32_t)strlen("\t😀"));
    assert_int_equal(lc.col, 3);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_punctuation),
        cmocka_unit_test(test_keywords_and_identifiers),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_string_errors),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_unsupported),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_spans),
        cmocka_unit_test(test_skip_line),
        cmocka_unit_test(test_line_col_lf),
        cmocka_unit_test(test_line_col_crlf),
        cmocka_unit_test(test_line_col_cr),
        cmocka_unit_test(test_line_col_mixed_and_utf8),
    };
    return cmocka_run_group_tests_name("lexer", tests, NULL, NULL);
}
