/* Diagnostics: the exact text printed for syntax errors, with the source line and the
 * underline under the whole span. */
#include "testutil.h"

typedef struct DiagCase {
    const char *name;
    const char *input;
    size_t input_len;       /* inputs may hold NUL bytes */
    const char *expected;
} DiagCase;

#define CASE(n, in, out) {n, in, sizeof(in) - 1, out}

static const DiagCase CASES[] = {
    CASE("keyword",
        "modle User {\n"
        "  id Int @id\n"
        "}\n"
        "",
        "schema.prisma:1:1: error: `modle` does not start a block: expected `model`, `enum`, `view`, `type`, `datasource` or `generator`\n"
        " 1 | modle User {\n"
        "   | ^~~~~\n"
        "note: did you mean `model`?\n"
        ""),
    CASE("unterminated_block",
        "model User {\n"
        "  id Int @id\n"
        "",
        "schema.prisma:1:1: error: unterminated block: `model User` has no closing `}`\n"
        " 1 | model User {\n"
        "   | ^~~~~~~~~~~~\n"
        "schema.prisma:3:1: note: the file ends here\n"
        " 3 | \n"
        "   | ^\n"
        ""),
    CASE("unterminated_string",
        "model A {\n"
        "  s String @default(\"abc)\n"
        "}\n"
        "",
        "schema.prisma:2:21: error: unterminated string: the closing `\"` is missing on this line\n"
        " 2 |   s String @default(\"abc)\n"
        "   |                     ^\n"
        ""),
    CASE("control_in_string",
        "model A {\n"
        "  s String @default(\"a\tb\")\n"
        "}\n"
        "",
        "schema.prisma:2:23: error: control character 0x09 inside a string; write it as an escape such as `\\t` or `\\u0009`\n"
        " 2 |   s String @default(\"a\tb\")\n"
        "   |                       ^\n"
        ""),
    CASE("unknown_escape",
        "model A {\n"
        "  p String @default(\"C:\\Users\\x\")\n"
        "}\n"
        "",
        "schema.prisma:2:24: error: unknown escape sequence `\\U`; write `\\\\` for a backslash (as in Windows paths)\n"
        " 2 |   p String @default(\"C:\\Users\\x\")\n"
        "   |                        ^~\n"
        "schema.prisma:2:30: error: unknown escape sequence `\\x`; write `\\\\` for a backslash (as in Windows paths)\n"
        " 2 |   p String @default(\"C:\\Users\\x\")\n"
        "   |                              ^~\n"
        ""),
    CASE("bad_unicode",
        "model A {\n"
        "  s String @default(\"\\u12g4\")\n"
        "}\n"
        "",
        "schema.prisma:2:22: error: invalid unicode escape: `\\u` takes four hexadecimal digits\n"
        " 2 |   s String @default(\"\\u12g4\")\n"
        "   |                      ^~~~~\n"
        ""),
    CASE("stray_close",
        "model A {\n"
        "  id Int @id\n"
        "}\n"
        "}\n"
        "",
        "schema.prisma:4:1: error: unexpected `}` outside of a block: expected `model`, `enum`, `view`, `type`, `datasource` or `generator`\n"
        " 4 | }\n"
        "   | ^\n"
        ""),
    CASE("close_after_field",
        "model A {\n"
        "  id Int @id }\n"
        "",
        "schema.prisma:1:1: error: unterminated block: `model A` has no closing `}`\n"
        " 1 | model A {\n"
        "   | ^~~~~~~~~\n"
        "schema.prisma:2:14: note: this `}` does not close it: a `}` closes a block only at the start of a line\n"
        " 2 |   id Int @id }\n"
        "   |              ^\n"
        "schema.prisma:2:14: error: unexpected `}`, expected `(`, an attribute (`@...`) or end of line\n"
        " 2 |   id Int @id }\n"
        "   |              ^\n"
        "note: a `}` closes a block only at the start of a line\n"
        ""),
    CASE("block_attr_midline",
        "model A {\n"
        "  id Int @@id\n"
        "}\n"
        "",
        "schema.prisma:2:10: error: unexpected `@@id`, expected `[]`, `?`, an attribute (`@...`) or end of line\n"
        " 2 |   id Int @@id\n"
        "   |          ^~~~\n"
        "note: a block attribute (`@@...`) stands on a line of its own\n"
        ""),
    CASE("newline_in_args",
        "model A {\n"
        "  id Int @id\n"
        "  @@index([id,\n"
        "    name])\n"
        "}\n"
        "",
        "schema.prisma:3:15: error: unexpected end of line inside brackets: arguments and lists must be on one line\n"
        " 3 |   @@index([id,\n"
        "   |               ^\n"
        "schema.prisma:4:9: error: unexpected `]`, expected a field type\n"
        " 4 |     name])\n"
        "   |         ^\n"
        ""),
    CASE("missing_type",
        "model A {\n"
        "  id Int @id\n"
        "  name\n"
        "}\n"
        "",
        "schema.prisma:3:3: error: the field `name` has no type; write it after the name, as in `name String`\n"
        " 3 |   name\n"
        "   |   ^~~~\n"
        ""),
    CASE("legacy_colon",
        "model A {\n"
        "  id: Int @id\n"
        "}\n"
        "",
        "schema.prisma:2:3: error: a field declaration takes no `:`; write `id Int`\n"
        " 2 |   id: Int @id\n"
        "   |   ^~~~~~~~~~~\n"
        ""),
    CASE("legacy_bang",
        "model A {\n"
        "  id Int! @id\n"
        "}\n"
        "",
        "schema.prisma:2:6: error: fields are required by default: remove the `!`\n"
        " 2 |   id Int! @id\n"
        "   |      ^~~~\n"
        ""),
    CASE("legacy_list",
        "model A {\n"
        "  id Int @id\n"
        "  tags [String]\n"
        "}\n"
        "",
        "schema.prisma:3:8: error: a list is written `String[]`, not `[String]`\n"
        " 3 |   tags [String]\n"
        "   |        ^~~~~~~~\n"
        ""),
    CASE("optional_list",
        "model A {\n"
        "  id Int @id\n"
        "  tags String[]?\n"
        "}\n"
        "",
        "schema.prisma:3:8: error: optional lists are not supported; use `String[]` or `String?`\n"
        " 3 |   tags String[]?\n"
        "   |        ^~~~~~~~~\n"
        ""),
    CASE("comment_then_code",
        "model A {\n"
        "  id Int /* key */ @id\n"
        "}\n"
        "",
        "schema.prisma:2:20: error: unexpected `@id` after the comment at column 10: a comment after code must end the line\n"
        " 2 |   id Int /* key */ @id\n"
        "   |                    ^~~\n"
        ""),
    CASE("unterminated_comment",
        "model A {\n"
        "  id Int @id\n"
        "}\n"
        "/* the end\n"
        "",
        "schema.prisma:4:1: error: unterminated comment: `/*` is never closed with `*/`\n"
        " 4 | /* the end\n"
        "   | ^~\n"
        ""),
    CASE("bom",
        "\xEF\xBB\xBF""model A {\n"
        "  id Int @id\n"
        "}\n"
        "",
        "schema.prisma:1:1: error: the file starts with a byte order mark (U+FEFF), which Prisma rejects; save it as UTF-8 without BOM\n"
        " 1 | \xEF\xBB\xBF""model A {\n"
        "   | ^\n"
        ""),
    CASE("bad_char",
        "model A {\n"
        "  id Int @id $\n"
        "}\n"
        "",
        "schema.prisma:2:14: error: unexpected character `$`\n"
        " 2 |   id Int @id $\n"
        "   |              ^\n"
        ""),
    CASE("nul",
        "model A {\n"
        "  id Int @id\0\n"
        "}\n"
        "",
        "schema.prisma:2:13: error: NUL byte in the schema\n"
        " 2 |   id Int @id\0\n"
        "   |             ^\n"
        ""),
    CASE("missing_name",
        "model {\n"
        "  id Int @id\n"
        "}\n"
        "",
        "schema.prisma:1:7: error: unexpected `{`, expected a name\n"
        " 1 | model {\n"
        "   |       ^\n"
        ""),
    CASE("type_alias",
        "type Email = String\n"
        "",
        "schema.prisma:1:12: error: unexpected `=`, expected `{`\n"
        " 1 | type Email = String\n"
        "   |            ^\n"
        "note: type aliases are not supported; a composite type is declared as `type Name { ... }`\n"
        ""),
    CASE("enum_two_names",
        "enum Role {\n"
        "  USER ADMIN\n"
        "}\n"
        "",
        "schema.prisma:2:8: error: unexpected `ADMIN`, expected an attribute (`@...`) or end of line\n"
        " 2 |   USER ADMIN\n"
        "   |        ^~~~~\n"
        ""),
    CASE("property_without_equals",
        "datasource db {\n"
        "  provider \"sqlite\"\n"
        "}\n"
        "",
        "schema.prisma:2:12: error: unexpected `\"sqlite\"`, expected `=`\n"
        " 2 |   provider \"sqlite\"\n"
        "   |            ^~~~~~~~\n"
        ""),
    CASE("unclosed_then_block",
        "model A {\n"
        "  id Int @id\n"
        "\n"
        "model B {\n"
        "  id Int @id\n"
        "}\n"
        "",
        "schema.prisma:4:9: error: unexpected `{`, expected `[]`, `?`, an attribute (`@...`) or end of line\n"
        " 4 | model B {\n"
        "   |         ^\n"
        "schema.prisma:1:9: note: `model A` opened here is still open: is its `}` missing?\n"
        " 1 | model A {\n"
        "   |         ^\n"
        ""),
    CASE("array_trailing_comma",
        "model A {\n"
        "  id Int @id\n"
        "  t Int[] @default([1, 2,])\n"
        "}\n"
        "",
        "schema.prisma:3:26: error: unexpected `]`, expected a value\n"
        " 3 |   t Int[] @default([1, 2,])\n"
        "   |                          ^\n"
        "note: a list takes no trailing comma\n"
        ""),
    CASE("tabs",
        "model A {\n"
        "\tid\tInt\t@id\t}\n"
        "}\n"
        "",
        "schema.prisma:2:13: error: unexpected `}`, expected `(`, an attribute (`@...`) or end of line\n"
        " 2 | \tid\tInt\t@id\t}\n"
        "   | \t  \t   \t   \t^\n"
        "note: a `}` closes a block only at the start of a line\n"
        ""),
    CASE("utf8_before",
        "model A {\n"
        "  id Int @id @map(\"é\") ¤\n"
        "}\n"
        "",
        "schema.prisma:2:24: error: unexpected character `¤`\n"
        " 2 |   id Int @id @map(\"é\") ¤\n"
        "   |                        ^\n"
        ""),
    CASE("missing_close_paren",
        "model A {\n"
        "  id Int @default(autoincrement()\n"
        "}\n"
        "",
        "schema.prisma:2:34: error: unexpected end of line inside brackets: arguments and lists must be on one line\n"
        " 2 |   id Int @default(autoincrement()\n"
        "   |                                  ^\n"
        ""),
    CASE("unsupported_space",
        "model A {\n"
        "  id Int @id\n"
        "  p Unsupported (\"point\")\n"
        "}\n"
        "",
        "schema.prisma:3:17: error: unexpected `(`, expected `[]`, `?`, an attribute (`@...`) or end of line\n"
        " 3 |   p Unsupported (\"point\")\n"
        "   |                 ^\n"
        "note: write `Unsupported(\"...\")` with no space before `(`\n"
        ""),
};

static void run_case(const DiagCase *c)
{
    Parsed *p = calloc(1, sizeof *p);
    arena_init(&p->arena);
    source_set_init(&p->sources, &p->arena);
    diags_init(&p->diags, &p->arena);
    source_add_text(&p->sources, "schema.prisma", c->input, c->input_len);
    p->ast = ast_parse(&p->sources, &p->diags);
    char *text = diags_text(p, true);
    if (strcmp(text, c->expected) != 0)
        print_error("case %s:\n--- expected\n%s--- got\n%s", c->name, c->expected, text);
    assert_string_equal(text, c->expected);
    free(text);
    parsed_free(p);
}

static void test_keyword(void **state)
{
    (void)state;
    run_case(&CASES[0]);
}

static void test_unterminated_block(void **state)
{
    (void)state;
    run_case(&CASES[1]);
}

static void test_unterminated_string(void **state)
{
    (void)state;
    run_case(&CASES[2]);
}

static void test_control_in_string(void **state)
{
    (void)state;
    run_case(&CASES[3]);
}

static void test_unknown_escape(void **state)
{
    (void)state;
    run_case(&CASES[4]);
}

static void test_bad_unicode(void **state)
{
    (void)state;
    run_case(&CASES[5]);
}

static void test_stray_close(void **state)
{
    (void)state;
    run_case(&CASES[6]);
}

static void test_close_after_field(void **state)
{
    (void)state;
    run_case(&CASES[7]);
}

static void test_block_attr_midline(void **state)
{
    (void)state;
    run_case(&CASES[8]);
}

static void test_newline_in_args(void **state)
{
    (void)state;
    run_case(&CASES[9]);
}

static void test_missing_type(void **state)
{
    (void)state;
    run_case(&CASES[10]);
}

static void test_legacy_colon(void **state)
{
    (void)state;
    run_case(&CASES[11]);
}

static void test_legacy_bang(void **state)
{
    (void)state;
    run_case(&CASES[12]);
}

static void test_legacy_list(void **state)
{
    (void)state;
    run_case(&CASES[13]);
}

static void test_optional_list(void **state)
{
    (void)state;
    run_case(&CASES[14]);
}

static void test_comment_then_code(void **state)
{
    (void)state;
    run_case(&CASES[15]);
}

static void test_unterminated_comment(void **state)
{
    (void)state;
    run_case(&CASES[16]);
}

static void test_bom(void **state)
{
    (void)state;
    run_case(&CASES[17]);
}

static void test_bad_char(void **state)
{
    (void)state;
    run_case(&CASES[18]);
}

static void test_nul(void **state)
{
    (void)state;
    run_case(&CASES[19]);
}

static void test_missing_name(void **state)
{
    (void)state;
    run_case(&CASES[20]);
}

static void test_type_alias(void **state)
{
    (void)state;
    run_case(&CASES[21]);
}

static void test_enum_two_names(void **state)
{
    (void)state;
    run_case(&CASES[22]);
}

static void test_property_without_equals(void **state)
{
    (void)state;
    run_case(&CASES[23]);
}

static void test_unclosed_then_block(void **state)
{
    (void)state;
    run_case(&CASES[24]);
}

static void test_array_trailing_comma(void **state)
{
    (void)state;
    run_case(&CASES[25]);
}

static void test_tabs(void **state)
{
    (void)state;
    run_case(&CASES[26]);
}

static void test_utf8_before(void **state)
{
    (void)state;
    run_case(&CASES[27]);
}

static void test_missing_close_paren(void **state)
{
    (void)state;
    run_case(&CASES[28]);
}

static void test_unsupported_space(void **state)
{
    (void)state;
    run_case(&CASES[29]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keyword),
        cmocka_unit_test(test_unterminated_block),
        cmocka_unit_test(test_unterminated_string),
        cmocka_unit_test(test_control_in_string),
        cmocka_unit_test(test_unknown_escape),
        cmocka_unit_test(test_bad_unicode),
        cmocka_unit_test(test_stray_close),
        cmocka_unit_test(test_close_after_field),
        cmocka_unit_test(test_block_attr_midline),
        cmocka_unit_test(test_newline_in_args),
        cmocka_unit_test(test_missing_type),
        cmocka_unit_test(test_legacy_colon),
        cmocka_unit_test(test_legacy_bang),
        cmocka_unit_test(test_legacy_list),
        cmocka_unit_test(test_optional_list),
        cmocka_unit_test(test_comment_then_code),
        cmocka_unit_test(test_unterminated_comment),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_bad_char),
        cmocka_unit_test(test_nul),
        cmocka_unit_test(test_missing_name),
        cmocka_unit_test(test_type_alias),
        cmocka_unit_test(test_enum_two_names),
        cmocka_unit_test(test_property_without_equals),
        cmocka_unit_test(test_unclosed_then_block),
        cmocka_unit_test(test_array_trailing_comma),
        cmocka_unit_test(test_tabs),
        cmocka_unit_test(test_utf8_before),
        cmocka_unit_test(test_missing_close_paren),
        cmocka_unit_test(test_unsupported_space),
    };
    return cmocka_run_group_tests_name("diagnostics", tests, NULL, NULL);
}
