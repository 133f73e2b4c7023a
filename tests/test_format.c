/* `prismac format`: the layout rules one by one, the names Prisma invents, relation completion
 * on small schemas, and the command (in place, --check, --stdout, stdin, validation). The
 * whole corpus of Prisma's outputs is checked by test_format_fixtures. */
#include "testutil.h"

#include "prismac/db.h"
#include "prismac/format.h"

#include <sys/stat.h>

/* ---- helpers ------------------------------------------------------------------------------ */

/* Lays out `text` (no completion) and compares with `expected`; formatting that once more must
 * give `again` (Prisma's own second pass: the same text except where Prisma is not idempotent).
 * Expected texts were produced by Prisma's formatter (../shared/oracle). */
static void check_layout(const char *text, size_t len, const char *expected, const char *again)
{
    Arena a;
    arena_init(&a);
    Str out;
    FormatError err;
    assert_int_equal(format_text(&a, text, len, &out, &err), FORMAT_OK);
    if (out.len != strlen(expected) || memcmp(out.ptr, expected, out.len) != 0)
        print_error("input:\n%.*s\n--- got:\n%.*s--- expected:\n%s", (int)len, text, (int)out.len, out.ptr, expected);
    assert_int_equal(out.len, strlen(expected));
    assert_memory_equal(out.ptr, expected, out.len);
    Str second;
    assert_int_equal(format_text(&a, out.ptr, out.len, &second, &err), FORMAT_OK);
    assert_int_equal(second.len, strlen(again));
    assert_memory_equal(second.ptr, again, second.len);
    arena_free(&a);
}

/* Parses, resolves and formats a schema of one or more files (NULL-terminated name, text
 * pairs), with completion; returns the formatted files joined by "=====\n". */
static char *format_files(const char *const *files)
{
    Arena a;
    arena_init(&a);
    SourceSet set;
    source_set_init(&set, &a);
    Diags diags;
    diags_init(&diags, &a);
    for (int i = 0; files[i]; i += 2)
        source_add_text(&set, files[i], files[i + 1], strlen(files[i + 1]));
    Ast *ast = ast_parse(&set, &diags);
    Db *db = db_resolve(ast, &diags);
    Str *outs = arena_alloc(&a, set.count * sizeof *outs);
    assert_int_equal(format_schema(db, &set, &a, outs, NULL), FORMAT_OK);
    size_t total = 1;
    for (uint32_t i = 0; i < set.count; i++)
        total += outs[i].len + 6;
    char *r = calloc(1, total);
    for (uint32_t i = 0; i < set.count; i++) {
        if (i)
            strcat(r, "=====\n");
        strncat(r, outs[i].ptr, outs[i].len);
    }
    arena_free(&a);
    return r;
}

static void check_complete(const char *text, const char *expected)
{
    const char *files[] = {"schema.prisma", text, NULL};
    char *got = format_files(files);
    if (strcmp(got, expected) != 0)
        print_error("input:\n%s\n--- got:\n%s--- expected:\n%s", text, got, expected);
    assert_string_equal(got, expected);
    free(got);
}

/* ---- names -------------------------------------------------------------------------------- */

static const char *const PLURALS[][2] = {
    /* model name, the list field Prisma names after it: plural(camel(name)) */
    {"Category", "categories"}, {"Person", "people"}, {"Status", "statuses"}, {"Address", "addresses"},
    {"Child", "children"}, {"Datum", "data"}, {"Index", "indices"}, {"Sheep", "sheep"}, {"Mouse", "mice"},
    {"Series", "series"}, {"Quiz", "quizzes"}, {"Bus", "buses"}, {"Box", "boxes"}, {"Analysis", "analyses"},
    {"Medium", "mediums"}, {"Leaf", "leaves"}, {"Knife", "knives"}, {"Tooth", "teeth"}, {"Matrix", "matrices"},
    {"Vertex", "vertices"}, {"Wife", "wives"}, {"Hero", "heroes"}, {"Photo", "photos"}, {"News", "news"},
    {"Equipment", "equipment"}, {"Man", "men"}, {"Woman", "women"}, {"Octopus", "octopi"}, {"Cactus", "cacti"},
    {"Ox", "oxen"}, {"Foot", "feet"}, {"Goose", "geese"}, {"Axis", "axes"}, {"Crisis", "crises"},
    {"Criterion", "criteria"}, {"Day", "days"}, {"Key", "keys"}, {"Alias", "aliases"}, {"Virus", "viri"},
    {"Campus", "campuses"}, {"Data", "data"}, {"People", "people"}, {"Men", "mens"}, {"Echo", "echos"},
    {"Roof", "roofs"}, {"Life", "lives"}, {"Wolf", "wolves"}, {"Half", "halves"}, {"Staff", "staffs"},
    {"Process", "processes"}, {"Fish", "fishes"}, {"Deer", "deer"}, {"Information", "information"},
    {"Rice", "rice"}, {"Slice", "slice"}, {"Price", "prices"}, {"Moose", "mooses"}, {"Species", "species"},
    {"Thesis", "theses"}, {"Appendix", "appendices"}, {"Church", "churches"}, {"Stomach", "stomaches"},
    {"Dish", "dishes"}, {"Quay", "quays"}, {"Money", "money"}, {"Journey", "journeys"}, {"Lady", "ladies"},
    {"Potato", "potatoes"}, {"Zoo", "zoos"}, {"Shoe", "shoes"}, {"Agendum", "agenda"}, {"Cherub", "cherubim"},
    {"Alga", "algae"}, {"Chateau", "chateaus"}, {"Bureaux", "bureaux"}, {"Testis", "testes"}, {"Atlas", "atlases"},
    {"Gas", "gases"}, {"Iris", "irises"}, {"Menu", "menus"}, {"Vertebra", "vertebrae"}, {"Die", "dice"},
    {"Yes", "yeses"}, {"Eave", "eaves"}, {"Bias", "bias"}, {"Ias", "ias"}, {"Villa", "villas"},
    {"Plasma", "plasmas"}, {"Stratum", "strata"}, {"Organon", "organa"}, {"Millennium", "millennia"},
    {"Cheese", "cheeses"}, {"Jesus", "jesuses"}, {"Sinus", "sinuses"}, {"Radius", "radii"}, {"Loaf", "loaves"},
    {"UserProfile", "userProfiles"}, {"HTTPRequest", "httprequests"}, {"user_profile", "userProfiles"},
    {"MyXMLParser", "myXMLParsers"}, {"ABTest", "abtests"}, {"IPAddress", "ipaddresses"}, {"Model2x", "model2Xs"},
    {"A", "as"}, {"x", "xes"}, {"Y_Z", "yZs"}, {"Order_Line_Item", "orderLineItems"}, {"API", "apis"},
    {"snake_case_thing", "snakeCaseThings"}, {"SCREAMING_CASE", "screamingCases"}, {"lowerCamel", "lowerCamels"},
    {"\xC3\x9C" "ber", "\xC3\x9C" "bers"}, {"\xC3\x84" "pfelBaum", "\xC3\x84" "pfelBaums"}, {"v2Item", "v2Items"},
    {"Item2Group", "item2Groups"}, {"CompanyPerson", "companyPersons"}, {"UserCategory", "userCategories"},
    {"BlogPostMan", "blogPostMans"}, {"PostMedium", "postMediums"}, {"Valley", "valleys"},
    {"Soliloquy", "soliloquies"}, {"Chimney", "chimneys"}, {"Tomato", "tomatoes"}, {"Dwarf", "dwarves"},
    {"Hoof", "hooves"}, {"Polyhedron", "polyhedra"}, {"Seraph", "seraphim"}, {"Alumna", "alumnae"},
    {"Syllabus", "syllabi"}, {"Emu", "emus"}, {"Chinese", "chinese"}, {"Ending_", "endings"},
};

static void test_names_plural(void **state)
{
    (void)state;
    Arena a;
    arena_init(&a);
    for (size_t i = 0; i < sizeof PLURALS / sizeof *PLURALS; i++) {
        Str in = {PLURALS[i][0], (uint32_t)strlen(PLURALS[i][0])};
        Str got = format_name_plural(&a, format_name_camel(&a, in));
        if (!str_eq_cstr(got, PLURALS[i][1]))
            print_error("plural(camel(%s)) = %.*s, expected %s\n", PLURALS[i][0], (int)got.len, got.ptr, PLURALS[i][1]);
        assert_true(str_eq_cstr(got, PLURALS[i][1]));
    }
    arena_free(&a);
}

static void test_names_camel_and_case(void **state)
{
    (void)state;
    static const char *const camel[][2] = {
        {"User", "user"},     {"UserProfile", "userProfile"}, {"user_profile", "userProfile"},
        {"HTTPRequest", "httprequest"}, {"MyXMLParser", "myXMLParser"}, {"__lead", "lead"},
        {"a-b-c", "aBC"},     {"Model2x", "model2X"},         {"x9", "x9"}, {"", ""},
    };
    Arena a;
    arena_init(&a);
    for (size_t i = 0; i < sizeof camel / sizeof *camel; i++) {
        Str got = format_name_camel(&a, (Str){camel[i][0], (uint32_t)strlen(camel[i][0])});
        if (!str_eq_cstr(got, camel[i][1]))
            print_error("camel(%s) = %.*s, expected %s\n", camel[i][0], (int)got.len, got.ptr, camel[i][1]);
        assert_true(str_eq_cstr(got, camel[i][1]));
    }
    assert_true(str_eq_cstr(format_name_lower_first(&a, STR_LIT("HTTPRequest")), "hTTPRequest"));
    assert_true(str_eq_cstr(format_name_lower_first(&a, STR_LIT("\xC3\x9C" "ber")), "\xC3\xBC" "ber"));
    assert_true(str_eq_cstr(format_name_upper_first(&a, STR_LIT("id")), "Id"));
    assert_true(str_eq_cstr(format_name_upper_first(&a, STR_LIT("tenant_id")), "Tenant_id"));
    assert_true(str_eq_cstr(format_name_upper_first(&a, STR_LIT("\xC3\x9F" "x")), "SSx"));   /* full mapping */
    assert_true(str_eq_cstr(format_name_upper_first(&a, STR_LIT("")), ""));
    arena_free(&a);
}

/* ---- layout (expected outputs from Prisma's formatter) ---------------------------------- */

static void test_layout_tables(void **state)
{
    (void)state;
    static const char in[] = "model A {\n"
           "id Int @id // key\n"
           "  name   String?\n"
           " longName String @unique @default(\"x\")\n"
           "}\n";
    static const char out[] = "model A {\n"
           "  id       Int     @id // key\n"
           "  name     String?\n"
           "  longName String  @unique @default(\"x\")\n"
           "}\n";
    check_layout(in, sizeof in - 1, out, out);
}

static void test_layout_groups(void **state)
{
    (void)state;
    static const char in[] = "model A {\n"
           "  id Int @id\n"
           "\n"
           "\n"
           "  longerName String\n"
           "  x Int\n"
           "  // c\n"
           "  yy Int\n"
           "\n"
           "  // after blank\n"
           "  z Int\n"
           "}\n";
    static const char out[] = "model A {\n"
           "  id Int @id\n"
           "\n"
           "  longerName String\n"
           "  x          Int\n"
           "  // c\n"
           "  yy         Int\n"
           "\n"
           "  // after blank\n"
           "  z Int\n"
           "}\n";
    check_layout(in, sizeof in - 1, out, out);
}

static void test_layout_block_attributes(void **state)
{
    (void)state;
    static const char in[] = "model A {\n"
           "  @@index([a])\n"
           "  a Int\n"
           "  // on map\n"
           "  @@map(\"a\")\n"
           "  b String @map(\"b\")   @id\n"
           "  @@id([a, b])\n"
           "  /// doc\n"
           "}\n";
    static const char out[] = "model A {\n"
           "  a Int\n"
           "  b String @id @map(\"b\")\n"
           "  /// doc\n"
           "\n"
           "  @@id([a, b])\n"
           "  @@index([a])\n"
           "  // on map\n"
           "  @@map(\"a\")\n"
           "}\n";
    check_layout(in, sizeof in - 1, out, out);
}

static void test_layout_spacing(void **state)
{
    (void)state;
    static const char in[] = "model A {\n"
           "  id   Int   @ default ( autoincrement( ) )   @id\n"
           "  a String@db.VarChar( 10 )@map( name : \"x\" , )\n"
           "  b Json @default({a:1,b:[1 ,2]}) @default({})\n"
           "  c Int[ ]\n"
           "  d Int []\n"
           "  e: Int!\n"
           "  f [Int]\n"
           "  g Unsupported( \"x\" )?\n"
           "}\n";
    static const char out[] = "model A {\n"
           "  id Int                 @id @default(autoincrement())\n"
           "  a  String              @map(name: \"x\") @db.VarChar(10)\n"
           "  b  Json                @default({ a: 1, b: [1, 2] }) @default({  })\n"
           "  c Int[ ]\n"
           "  d  Int[]\n"
           "  e  Int\n"
           "  f  Int[]\n"
           "  g  Unsupported( \"x\" )?\n"
           "}\n";
    check_layout(in, sizeof in - 1, out, out);
}

static void test_layout_catch_all(void **state)
{
    (void)state;
    static const char in[] = "model A {\n"
           "  id Int @id\n"
           "  !! garbage here\n"
           "  x Int?[]\n"
           "  ok Int\n"
           "}\n"
           "  top level junk   \n"
           "\n"
           "\n"
           "model B {\n"
           "  id Int @id }\n"
           "}\n";
    static const char out[] = "model A {\n"
           "  id Int @id\n"
           "  !! garbage here\n"
           "  x Int?[]\n"
           "  ok Int\n"
           "}\n"
           "\n"
           "top level junk   \n"
           "\n"
           "model B {\n"
           "  id Int @id }\n"
           "}\n";
    check_layout(in, sizeof in - 1, out, out);
}

static void test_layout_comments(void **state)
{
    (void)state;
    static const char in[] = "// top\n"
           "/* block\n"
           "   comment */\n"
           "model A { // dropped\n"
           "  id Int @id /* trailing */\n"
           "  /** doc\n"
           "   * more */\n"
           "  x Int\n"
           "} // after\n"
           "enum E {\n"
           "  A @map(\"a\")@deprecated\n"
           "  B   // b\n"
           "}\n";
    static const char out[] = "// top\n"
           "/**\n"
           " * block\n"
           " * comment\n"
           " */\n"
           "model A {\n"
           "  id Int @id /* trailing */\n"
           "  /**\n"
           "   * doc\n"
           "   * more\n"
           "   */\n"
           "  x  Int\n"
           "}\n"
           "// after\n"
           "enum E {\n"
           "  A @map(\"a\")@deprecated\n"
           "  B // b\n"
           "}\n";
    static const char again[] = "// top\n"
           "/**\n"
           " * block\n"
           " * comment\n"
           " */\n"
           "model A {\n"
           "  id Int @id /* trailing */\n"
           "  /**\n"
           "   * doc\n"
           "   * more\n"
           "   */\n"
           "  x  Int\n"
           "}\n"
           "\n"
           "// after\n"
           "enum E {\n"
           "  A @map(\"a\")@deprecated\n"
           "  B // b\n"
           "}\n";
    check_layout(in, sizeof in - 1, out, again);
}

static void test_layout_config(void **state)
{
    (void)state;
    static const char in[] = "datasource db {\n"
           "  provider = \"postgresql\"\n"
           "  url = env( \"X\" )\n"
           "\n"
           "  extensions = [ a , b(x: 1) ]\n"
           "  empty =\n"
           "}\n"
           "generator client {\n"
           "provider=\"prisma-client-js\"\n"
           "previewFeatures=[\"a\",\"b\"]\n"
           "}\n";
    static const char out[] = "datasource db {\n"
           "  provider = \"postgresql\"\n"
           "  url      = env(\"X\")\n"
           "\n"
           "  extensions = [a, b(x: 1)]\n"
           "  empty\n"
           "}\n"
           "\n"
           "generator client {\n"
           "  provider        = \"prisma-client-js\"\n"
           "  previewFeatures = [\"a\", \"b\"]\n"
           "}\n";
    check_layout(in, sizeof in - 1, out, out);
}

static void test_layout_line_ends(void **state)
{
    (void)state;
    static const char in[] = "model A {\r\n"
           "  id Int @id\r\n"
           "  junk line\r\n"
           "\r\n"
           "  x Int\r\n"
           "}\r\n"
           "type T = String  \r\n"
           "foo {\r\n"
           " bar\r\n"
           "}";
    static const char out[] = "model A {\n"
           "  id   Int  @id\n"
           "  junk line\n"
           "\n"
           "  x Int\n"
           "}\n"
           "\n"
           "type T = String  \n"
           "foo {\r\n"
           " bar\r\n"
           "}\n";
    check_layout(in, sizeof in - 1, out, out);
}

static void test_layout_empty(void **state)
{
    (void)state;
    static const char in[] = " \t \n"
           "\n";
    static const char out[] = "\n";
    check_layout(in, sizeof in - 1, out, out);
}

static void test_layout_alias_and_arbitrary(void **state)
{
    (void)state;
    static const char in[] = "type Email = String @db.Text  \n"
           "\n"
           "\n"
           "foo {\n"
           "  x y\n"
           "}\n"
           "\n"
           "\n"
           "model A {\n"
           "  id Int @id\n"
           "}\n";
    static const char out[] = "type Email = String @db.Text  \n"
           "foo {\n"
           "  x y\n"
           "}\n"
           "model A {\n"
           "  id Int @id\n"
           "}\n";
    check_layout(in, sizeof in - 1, out, out);
}

static void test_layout_unicode(void **state)
{
    (void)state;
    static const char in[] = "model \xC3""\x9C"" {\n"
           "  \xE5""\x90""\x8D""\xE5""\x89""\x8D"" String\n"
           "  \xC3""\xBC""ber Int @id\n"
           "  a\xE3""\x80""\x80""Int\n"
           "}\n";
    static const char out[] = "model \xC3""\x9C"" {\n"
           "  \xE5""\x90""\x8D""\xE5""\x89""\x8D"" String\n"
           "  \xC3""\xBC""ber  Int    @id\n"
           "  a      Int\n"
           "}\n";
    check_layout(in, sizeof in - 1, out, out);
}


static void test_layout_unformattable(void **state)
{
    (void)state;
    /* a block comment continuing a comment block after U+3000: Prisma's formatter panics */
    static const char in[] = "// a\n\xE3\x80\x80/* b */\nmodel A {\n  id Int @id\n}\n";
    Arena a;
    arena_init(&a);
    Str out;
    FormatError err = {0, NULL};
    assert_int_equal(format_text(&a, in, sizeof in - 1, &out, &err), FORMAT_UNFORMATTABLE);
    assert_int_equal(err.offset, 5);
    assert_non_null(err.message);
    /* indented with plain blanks it formats (and shows Prisma's cut of the first two bytes) */
    static const char ok[] = "// a\n  /* b */\n";
    assert_int_equal(format_text(&a, ok, sizeof ok - 1, &out, &err), FORMAT_OK);
    assert_true(str_eq_cstr(out, "// a\n/**\n * /* b\n */\n"));
    arena_free(&a);
}

/* Deep nesting formats up to a bound; beyond it formatting fails (as Prisma's runs out of stack). */
static void test_layout_deep_nesting(void **state)
{
    (void)state;
    Arena a;
    arena_init(&a);
    for (int depth = 1500; depth <= 2500; depth += 1000) {
        size_t cap = (size_t)depth * 2 + 128;
        char *text = malloc(cap);
        size_t n = (size_t)snprintf(text, cap, "model A {\n  id Int @id\n  x Json @default(");
        for (int i = 0; i < depth; i++)
            text[n++] = '[';
        for (int i = 0; i < depth; i++)
            text[n++] = ']';
        n += (size_t)snprintf(text + n, cap - n, ")\n}\n");
        Str out;
        FormatError err;
        FormatStatus st = format_text(&a, text, n, &out, &err);
        if (depth < 2000) {
            assert_int_equal(st, FORMAT_OK);
            assert_non_null(strstr(out.ptr, "  x  Json @default([[[["));
        } else {
            assert_int_equal(st, FORMAT_UNFORMATTABLE);
            assert_non_null(strstr(err.message, "nested"));
        }
        free(text);
    }
    arena_free(&a);
}

static void test_decode_lossy(void **state)
{
    (void)state;
    Arena a;
    arena_init(&a);
    static const char good[] = "model \xC3\x9C {}";
    Str s = format_decode_utf8_lossy(&a, good, sizeof good - 1);
    assert_ptr_equal(s.ptr, good);
    /* WHATWG: one U+FFFD per maximal ill-formed subpart */
    static const char bad[] = "a\xFF" "b\xE2\x82" "c\xF0\x9F\x98" "\xC0\xAF" "d";
    s = format_decode_utf8_lossy(&a, bad, sizeof bad - 1);
    assert_true(str_eq_cstr(s, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "d"));
    arena_free(&a);
}

/* ---- completion (expected outputs from Prisma's formatter) ------------------------------- */

static void test_complete_back_field(void **state)
{
    (void)state;
    check_complete("model User {\n"
           "  id Int @id\n"
           "}\n"
           "\n"
           "model Post {\n"
           "  id Int @id\n"
           "  authorId Int\n"
           "  author User @relation(fields: [authorId], references: [id])\n"
           "}\n",
                   "model User {\n"
           "  id    Int    @id\n"
           "  posts Post[]\n"
           "}\n"
           "\n"
           "model Post {\n"
           "  id       Int  @id\n"
           "  authorId Int\n"
           "  author   User @relation(fields: [authorId], references: [id])\n"
           "}\n");
}

static void test_complete_one_to_one(void **state)
{
    (void)state;
    check_complete("model User {\n"
           "  id Int @id\n"
           "}\n"
           "\n"
           "model Profile {\n"
           "  id Int @id\n"
           "  userId Int @unique\n"
           "  user User @relation(fields: [userId], references: [id])\n"
           "}\n",
                   "model User {\n"
           "  id      Int      @id\n"
           "  profile Profile?\n"
           "}\n"
           "\n"
           "model Profile {\n"
           "  id     Int  @id\n"
           "  userId Int  @unique\n"
           "  user   User @relation(fields: [userId], references: [id])\n"
           "}\n");
}

static void test_complete_forward_missing(void **state)
{
    (void)state;
    check_complete("model User {\n"
           "  id String @id @db.Uuid\n"
           "  posts Post[]\n"
           "}\n"
           "\n"
           "model Post {\n"
           "  id Int @id\n"
           "}\n",
                   "model User {\n"
           "  id    String @id @db.Uuid\n"
           "  posts Post[]\n"
           "}\n"
           "\n"
           "model Post {\n"
           "  id     Int     @id\n"
           "  user   User?   @relation(fields: [userId], references: [id])\n"
           "  userId String? @db.Uuid\n"
           "}\n");
}

static void test_complete_relation_attribute_missing(void **state)
{
    (void)state;
    check_complete("model User {\n"
           "  id Int @id\n"
           "  posts Post[]\n"
           "}\n"
           "\n"
           "model Post {\n"
           "  id Int @id\n"
           "  user User // who\n"
           "}\n",
                   "model User {\n"
           "  id    Int    @id\n"
           "  posts Post[]\n"
           "}\n"
           "\n"
           "model Post {\n"
           "  id     Int  @id\n"
           "  user   User @relation(fields: [userId], references: [id]) // who\n"
           "  userId Int\n"
           "}\n");
}

static void test_complete_arguments_missing(void **state)
{
    (void)state;
    check_complete("model User {\n"
           "  id Int @id\n"
           "  email String @unique\n"
           "  posts Post[]\n"
           "  notes Note[]\n"
           "}\n"
           "\n"
           "model Post {\n"
           "  id Int @id\n"
           "  user User @relation(\"x\")\n"
           "}\n"
           "\n"
           "model Note {\n"
           "  id Int @id\n"
           "  userId Int\n"
           "  user User @relation(fields: [userId])\n"
           "}\n",
                   "model User {\n"
           "  id    Int    @id\n"
           "  email String @unique\n"
           "  posts Post[]\n"
           "  notes Note[]\n"
           "  posts Post[]\n"
           "}\n"
           "\n"
           "model Post {\n"
           "  id     Int   @id\n"
           "  user   User  @relation(\"x\", fields: [userId], references: [id])\n"
           "  user   User? @relation(fields: [userId], references: [id])\n"
           "  userId Int?\n"
           "  userId Int\n"
           "}\n"
           "\n"
           "model Note {\n"
           "  id     Int  @id\n"
           "  userId Int\n"
           "  user   User @relation(fields: [userId], references: [id])\n"
           "}\n");
}

static void test_complete_blocked(void **state)
{
    (void)state;
    check_complete("model User {\n"
           "  id Int @id @foo\n"
           "}\n"
           "\n"
           "model Post {\n"
           "  id Int @id\n"
           "  authorId Int\n"
           "  author User @relation(fields: [authorId], references: [id])\n"
           "}\n",
                   "model User {\n"
           "  id Int @id @foo\n"
           "}\n"
           "\n"
           "model Post {\n"
           "  id       Int  @id\n"
           "  authorId Int\n"
           "  author   User @relation(fields: [authorId], references: [id])\n"
           "}\n");
}

static void test_complete_ignored_and_compound(void **state)
{
    (void)state;
    check_complete("model Tenant {\n"
           "  a Int\n"
           "  b String\n"
           "  @@id([a, b])\n"
           "}\n"
           "\n"
           "model Item {\n"
           "  id Int @id\n"
           "  tenant Tenant\n"
           "  @@ignore\n"
           "}\n",
                   "model Tenant {\n"
           "  a     Int\n"
           "  b     String\n"
           "  items Item[] @ignore\n"
           "\n"
           "  @@id([a, b])\n"
           "}\n"
           "\n"
           "model Item {\n"
           "  id      Int    @id\n"
           "  tenant  Tenant @relation(fields: [tenantA, tenantB], references: [a, b])\n"
           "  tenantA Int\n"
           "  tenantB String\n"
           "\n"
           "  @@ignore\n"
           "}\n");
}

static void test_complete_multi_file(void **state)
{
    (void)state;
    /* the back relation field goes into the file that holds its model */
    const char *files[] = {
        "a.prisma", "datasource db {\n  provider = \"sqlite\"\n}\n\nmodel User {\n  id Int @id\n}\n",
        "b.prisma", "model Post {\n  id Int @id\n  authorId Int\n  author User @relation(fields: [authorId], references: [id])\n}\n",
        NULL,
    };
    char *got = format_files(files);
    assert_string_equal(got, "datasource db {\n  provider = \"sqlite\"\n}\n\nmodel User {\n  id    Int    @id\n"
                             "  posts Post[]\n}\n=====\nmodel Post {\n  id       Int  @id\n  authorId Int\n"
                             "  author   User @relation(fields: [authorId], references: [id])\n}\n");
    free(got);
}

/* ---- the command -------------------------------------------------------------------------- */

static char TMP[256];

static int setup(void **state)
{
    (void)state;
    snprintf(TMP, sizeof TMP, "/tmp/prismac-format-XXXXXX");
    assert_non_null(mkdtemp(TMP));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", TMP);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_tmp(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", TMP, rel);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *read_tmp(const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", TMP, rel);
    return read_whole_file(path, NULL);
}

static RunResult prismac_in_tmp(const char *args)
{
    return run_cmd("cd '%s' && NO_COLOR= '%s' %s", TMP, prismac_bin(), args);
}

static const char MESSY[] = "datasource db {\n  provider = \"sqlite\"\n}\n\nmodel User {\nid Int @id\n  email   String @unique\n}\n";
static const char TIDY[] = "datasource db {\n  provider = \"sqlite\"\n}\n\nmodel User {\n  id    Int    @id\n  email String @unique\n}\n";

static void test_cli_check_and_write(void **state)
{
    (void)state;
    write_tmp("schema.prisma", MESSY);
    char path[512];
    snprintf(path, sizeof path, "%s/schema.prisma", TMP);
    assert_int_equal(chmod(path, 0640), 0);

    /* --check: a unified diff, exit 1, nothing written */
    RunResult r = prismac_in_tmp("format --check schema.prisma");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "--- a/schema.prisma\n+++ b/schema.prisma\n@@ -3,6 +3,6 @@\n"));
    assert_non_null(strstr(r.out, "\n-id Int @id\n-  email   String @unique\n+  id    Int    @id\n+  email String @unique\n"));
    char *text = read_tmp("schema.prisma");
    assert_string_equal(text, MESSY);
    free(text);
    run_free(&r);

    /* in place (default lookup: ./schema.prisma), keeping the file's mode */
    r = prismac_in_tmp("format");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "formatted schema.prisma"));
    text = read_tmp("schema.prisma");
    assert_string_equal(text, TIDY);
    free(text);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    run_free(&r);

    /* formatted files: --check passes, format writes nothing */
    r = prismac_in_tmp("format --check schema.prisma");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    run_free(&r);
    r = prismac_in_tmp("format schema.prisma");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "already formatted"));
    run_free(&r);
}

static void test_cli_json_and_github(void **state)
{
    (void)state;
    write_tmp("schema.prisma", MESSY);
    RunResult r = prismac_in_tmp("format --check --format json schema.prisma");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "\"command\": \"format\""));
    assert_non_null(strstr(r.out, "\"formatted\": false"));
    assert_non_null(strstr(r.out, "\"diff\": \"--- a/schema.prisma\\n+++ b/schema.prisma\\n"));
    run_free(&r);
    r = prismac_in_tmp("format --check --format github schema.prisma");
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "::error file=schema.prisma,title=prismac format::schema.prisma is not formatted; "
                               "run `prismac format`\n");
    run_free(&r);
    r = prismac_in_tmp("format --format json schema.prisma");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"written\": true"));
    run_free(&r);
    char *text = read_tmp("schema.prisma");
    assert_string_equal(text, TIDY);
    free(text);
}

/* A schema large enough for the layout to run on a second thread: its result is used when
 * completion adds nothing, and dropped when it adds fields. */
static void test_cli_large_schema(void **state)
{
    (void)state;
    for (int with_relation = 0; with_relation < 2; with_relation++) {
        size_t cap = 1 << 20, n = 0;
        char *text = malloc(cap);
        n += (size_t)snprintf(text + n, cap - n, "datasource db {\nprovider = \"sqlite\"\n}\n");
        for (int i = 0; i < 4000; i++)
            n += (size_t)snprintf(text + n, cap - n,
                                  "model M%d {\nid Int @id\n  name   String? // n\n   createdAt DateTime @default(now())\n%s}\n",
                                  i, with_relation && i > 0 ? "parentId Int\nparent M0 @relation(fields: [parentId], references: [id])\n" : "");
        assert_true(n > 256 * 1024 && n < cap);
        write_tmp("big.prisma", text);
        const char *files[] = {"big.prisma", text, NULL};
        char *want = format_files(files);
        RunResult r = prismac_in_tmp("format --stdout big.prisma");
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, want);
        if (with_relation)
            assert_non_null(strstr(r.out, "  m3999s    M3999[]\n"));
        run_free(&r);
        free(want);
        free(text);
    }
}

static void test_cli_symlink(void **state)
{
    (void)state;
    /* formatting through a symbolic link rewrites the file it points to and keeps the link */
    write_tmp("real.prisma", MESSY);
    char link[512], target[512];
    snprintf(link, sizeof link, "%s/link.prisma", TMP);
    snprintf(target, sizeof target, "%s/real.prisma", TMP);
    assert_int_equal(symlink(target, link), 0);
    RunResult r = prismac_in_tmp("format link.prisma");
    assert_int_equal(r.status, 0);
    run_free(&r);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    char *text = read_tmp("real.prisma");
    assert_string_equal(text, TIDY);
    free(text);
}

static void test_cli_invalid_writes_nothing(void **state)
{
    (void)state;
    static const char bad[] = "model A {\n  id   Int @id\n  x Strin\n}\n";
    write_tmp("bad.prisma", bad);
    RunResult r = prismac_in_tmp("format bad.prisma");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "bad.prisma:3:"));
    assert_non_null(strstr(r.err, "nothing was written"));
    char *text = read_tmp("bad.prisma");
    assert_string_equal(text, bad);
    free(text);
    run_free(&r);

    /* resolves, but a model without a unique criterion does not validate: the error points
     * into the formatted text */
    static const char bad2[] = "datasource db {\n  provider = \"sqlite\"\n}\nmodel A {\n      x    Int\n}\n";
    write_tmp("bad2.prisma", bad2);
    r = prismac_in_tmp("format --check bad2.prisma");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "bad2.prisma:5:"));
    assert_string_equal(r.out, "");
    text = read_tmp("bad2.prisma");
    assert_string_equal(text, bad2);
    free(text);
    run_free(&r);
}

static void test_cli_stdout_and_stdin(void **state)
{
    (void)state;
    write_tmp("schema.prisma", MESSY);
    RunResult r = prismac_in_tmp("format --stdout schema.prisma");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, TIDY);
    run_free(&r);
    char *text = read_tmp("schema.prisma");
    assert_string_equal(text, MESSY);
    free(text);

    r = prismac_in_tmp("format - < schema.prisma");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, TIDY);
    run_free(&r);
}

static void test_cli_usage_and_io(void **state)
{
    (void)state;
    RunResult r = prismac_in_tmp("format --bogus");
    assert_int_equal(r.status, 2);
    run_free(&r);
    r = prismac_in_tmp("format missing.prisma");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "missing.prisma"));
    run_free(&r);
    r = prismac_in_tmp("format - other.prisma");
    assert_int_equal(r.status, 2);
    run_free(&r);
    r = prismac_in_tmp("format --help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "--check"));
    run_free(&r);
}

static void test_cli_folder(void **state)
{
    (void)state;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/prisma", TMP);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(dir, sizeof dir, "%s/prisma/schema", TMP);
    assert_int_equal(mkdir(dir, 0755), 0);
    write_tmp("prisma/schema/a.prisma", "datasource db {\n  provider = \"sqlite\"\n}\n\nmodel User {\n  id Int @id\n}\n");
    write_tmp("prisma/schema/b.prisma",
              "model Post {\n  id Int @id\n  authorId Int\n  author User @relation(fields: [authorId], references: [id])\n}\n");
    RunResult r = prismac_in_tmp("format");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "formatted prisma/schema/a.prisma"));
    assert_non_null(strstr(r.out, "formatted prisma/schema/b.prisma"));
    run_free(&r);
    char *a = read_tmp("prisma/schema/a.prisma");
    assert_non_null(strstr(a, "  posts Post[]\n"));
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_plural),
        cmocka_unit_test(test_names_camel_and_case),
        cmocka_unit_test(test_layout_tables),
        cmocka_unit_test(test_layout_groups),
        cmocka_unit_test(test_layout_block_attributes),
        cmocka_unit_test(test_layout_spacing),
        cmocka_unit_test(test_layout_catch_all),
        cmocka_unit_test(test_layout_comments),
        cmocka_unit_test(test_layout_config),
        cmocka_unit_test(test_layout_line_ends),
        cmocka_unit_test(test_layout_empty),
        cmocka_unit_test(test_layout_alias_and_arbitrary),
        cmocka_unit_test(test_layout_unicode),
        cmocka_unit_test(test_complete_back_field),
        cmocka_unit_test(test_complete_one_to_one),
        cmocka_unit_test(test_complete_forward_missing),
        cmocka_unit_test(test_complete_relation_attribute_missing),
        cmocka_unit_test(test_complete_arguments_missing),
        cmocka_unit_test(test_complete_blocked),
        cmocka_unit_test(test_complete_ignored_and_compound),
        cmocka_unit_test(test_layout_unformattable),
        cmocka_unit_test(test_layout_deep_nesting),
        cmocka_unit_test(test_decode_lossy),
        cmocka_unit_test(test_complete_multi_file),
        cmocka_unit_test_setup_teardown(test_cli_check_and_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli_json_and_github, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli_large_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli_symlink, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli_invalid_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli_stdout_and_stdin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli_usage_and_io, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli_folder, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
