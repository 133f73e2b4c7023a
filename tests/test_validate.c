/* Unit tests of validation: the seed schemas are valid; the Prisma 6 allowances; providers
 * prismac does not handle; warnings apart from errors; spans of diagnostics; the provider
 * override; and the `validate` command's output formats and exit statuses. */
#include "testutil.h"

#include "prismac/db.h"

#include <dirent.h>

typedef struct Checked {
    Arena arena;
    SourceSet sources;
    Diags diags;
    Db *db;
} Checked;

static Checked *check_text_as(const char *text, DbProvider provider)
{
    Checked *c = calloc(1, sizeof *c);
    arena_init(&c->arena);
    source_set_init(&c->sources, &c->arena);
    diags_init(&c->diags, &c->arena);
    source_add_text(&c->sources, "schema.prisma", text, strlen(text));
    Ast *ast = ast_parse(&c->sources, &c->diags);
    c->db = db_resolve(ast, &c->diags);
    db_validate(c->db, provider, &c->diags);
    return c;
}

static Checked *check_text(const char *text)
{
    return check_text_as(text, PROVIDER_NONE);
}

static Checked *check_path(const char *path)
{
    Checked *c = calloc(1, sizeof *c);
    arena_init(&c->arena);
    source_set_init(&c->sources, &c->arena);
    diags_init(&c->diags, &c->arena);
    char *err = NULL;
    assert_int_equal(source_add_path(&c->sources, path, &err), SOURCE_OK);
    Ast *ast = ast_parse(&c->sources, &c->diags);
    c->db = db_resolve(ast, &c->diags);
    db_validate(c->db, PROVIDER_NONE, &c->diags);
    return c;
}

static void checked_free(Checked *c)
{
    arena_free(&c->arena);
    free(c);
}

/* "L:C: severity: message" of each diagnostic, one per line. */
static char *summary(Checked *c)
{
    Capture cap;
    FILE *f = capture_begin(&cap);
    for (uint32_t i = 0; i < c->diags.count; i++) {
        const Diag *d = &c->diags.items[i];
        LineCol lc = source_line_col(&c->sources.files[d->span.file], d->span.start);
        fprintf(f, "%u:%u: %s: %s\n", lc.line, lc.col, d->severity == DIAG_ERROR ? "error" : "warning", d->message);
    }
    return capture_end(&cap);
}

static void expect_contains(Checked *c, const char *needle)
{
    char *s = summary(c);
    if (!strstr(s, needle))
        print_error("expected `%s` in:\n%s", needle, s);
    assert_non_null(strstr(s, needle));
    free(s);
}

#define PG "datasource db {\n  provider = \"postgresql\"\n}\n"
#define SQLITE "datasource db {\n  provider = \"sqlite\"\n}\n"

static void test_seed_schemas_are_valid(void **state)
{
    (void)state;
    static const char *const DIRS[] = {"fixtures/seeds", "fixtures/seeds/dual-provider"};
    int seen = 0;
    for (int k = 0; k < 2; k++) {
        DIR *d = opendir(DIRS[k]);
        assert_non_null(d);
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            size_t len = strlen(e->d_name);
            if (len < 8 || strcmp(e->d_name + len - 7, ".prisma"))
                continue;
            char path[512];
            snprintf(path, sizeof path, "%s/%s", DIRS[k], e->d_name);
            Checked *c = check_path(path);
            if (c->diags.errors) {
                char *s = summary(c);
                print_error("%s:\n%s", path, s);
                free(s);
            }
            assert_int_equal(c->diags.errors, 0);
            checked_free(c);
            seen++;
        }
        closedir(d);
    }
    assert_true(seen >= 5);
}

static void test_prisma6_allowances(void **state)
{
    (void)state;
    Checked *c = check_text("generator client {\n  provider = \"prisma-client-js\"\n  previewFeatures = [\"metrics\"]\n}\n"
                            "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n"
                            "  directUrl = env(\"DIRECT_URL\")\n  shadowDatabaseUrl = \"postgresql://localhost/shadow\"\n}\n"
                            "model A {\n  id Int @id\n}\n");
    assert_int_equal(c->diags.errors, 0);
    assert_int_equal(c->diags.warnings, 4);
    expect_contains(c, "7:3: warning: `url` in the schema is Prisma 6 style");
    expect_contains(c, "3:21: warning: the preview feature \"metrics\" is known to Prisma 6 only");
    assert_non_null(c->db->datasource->direct_url);
    checked_free(c);
    /* a url that is neither a string nor env() is still an error */
    c = check_text("datasource db {\n  provider = \"sqlite\"\n  url = 42\n}\n");
    assert_int_equal(c->diags.errors, 1);
    checked_free(c);
}

static void test_unsupported_provider(void **state)
{
    (void)state;
    /* one clear error, and nothing of the provider's own rules */
    Checked *c = check_text("datasource db {\n  provider = \"mysql\"\n  url = env(\"X\")\n  foo = 1\n}\n"
                            "model A {\n  id Int @id @db.VarChar(10)\n  tags String[]\n}\n");
    assert_int_equal(c->diags.errors, 1);
    expect_contains(c, "2:14: error: provider `mysql` is not supported by prismac yet: it handles postgresql and sqlite");
    assert_int_equal(c->db->provider, PROVIDER_UNSUPPORTED);
    checked_free(c);
    c = check_text("datasource db {\n  provider = \"oracle\"\n}\n");
    expect_contains(c, "unknown datasource provider \"oracle\"");
    checked_free(c);
}

static void test_stages_gate_validation(void **state)
{
    (void)state;
    /* a name error hides the validation pass (no unique-criterion error), as in Prisma */
    Checked *c = check_text(PG "model A {\n  x Int\n  y Strng\n}\n");
    assert_int_equal(c->diags.errors, 1);
    expect_contains(c, "6:5: error: unknown type `Strng`");
    checked_free(c);
    /* a datasource error comes after schema errors, whatever its place */
    c = check_text("datasource db {\n  provider = \"sqlite\"\n  nope = 1\n}\nmodel A {\n  id Int @id @foo\n}\n");
    char *s = summary(c);
    assert_non_null(strstr(s, "6:14: error: unknown attribute `@foo` here\n3:3: error: unknown datasource property `nope`"));
    free(s);
    checked_free(c);
}

static void test_spans_and_messages(void **state)
{
    (void)state;
    Checked *c = check_text(SQLITE "model User {\n  id Int @id\n  tags String[]\n  at DateTime @default(\"yesterday\")\n"
                                   "  n String @db.VarChar(10)\n}\n");
    expect_contains(c, "6:3: error: the field `tags` of model `User` cannot be a list: SQLite has no lists of scalar values");
    expect_contains(c, "7:24: error: the default of `at` is not an RFC 3339 date-time");
    expect_contains(c, "8:12: error: `VarChar` is not a native type of sqlite");
    checked_free(c);

    c = check_text(PG "model User {\n  id Int @id\n  posts Post[]\n}\nmodel Post {\n  id Int @id\n  authorId Int\n}\n");
    expect_contains(c, "6:3: error: the relation field `posts` of model `User` has no opposite relation field in model `Post`");
    assert_non_null(c->diags.items[0].note);
    assert_non_null(strstr(c->diags.items[0].note, "`user User? @relation(fields: [userId], references: [id])`"));
    checked_free(c);

    c = check_text(PG "model User {\n  id Int @id\n}\nmodel Post {\n  id Int @id\n  authorId Int\n"
                      "  author User @relation(fields: [authorId], references: [id])\n}\n");
    assert_non_null(strstr(c->diags.items[0].note, "add `posts Post[]` to model `User`"));
    checked_free(c);
}

static void test_warnings_are_not_errors(void **state)
{
    (void)state;
    Checked *c = check_text("datasource db {\n  provider = \"postgresql\"\n  relationMode = \"prisma\"\n}\n"
                            "model User {\n  id Int @id\n  posts Post[]\n}\n"
                            "model Post {\n  id Int @id\n  authorId Int\n"
                            "  author User @relation(fields: [authorId], references: [id], onDelete: Cascade)\n}\n");
    assert_int_equal(c->diags.errors, 0);
    assert_int_equal(c->diags.warnings, 1);
    expect_contains(c, "12:15: warning: with `relationMode = \"prisma\"` there is no foreign key");
    checked_free(c);
}

static void test_provider_override(void **state)
{
    (void)state;
    const char *text = PG "model A {\n  id String @id @db.Uuid\n  tags String[]\n}\n";
    Checked *c = check_text(text);
    assert_int_equal(c->diags.errors, 0);
    checked_free(c);
    c = check_text_as(text, PROVIDER_SQLITE);
    assert_int_equal(c->diags.errors, 2);
    checked_free(c);
}

static void test_constraint_names(void **state)
{
    (void)state;
    /* Prisma's default names clash: User_email_key twice in one schema */
    Checked *c = check_text(PG "model User {\n  id Int @id\n  email String @unique\n  name String\n"
                               "  @@index([name], map: \"User_email_key\")\n}\n");
    assert_int_equal(c->diags.errors, 2);
    expect_contains(c, "the constraint name `User_email_key` of `@unique` is used more than once");
    checked_free(c);
    /* a 63-byte limit on PostgreSQL only */
    const char *long_name = "model A {\n  id Int @id\n  x Int\n  @@index([x], map: "
                            "\"a_very_long_index_name_that_goes_well_beyond_sixty_three_bytes_of_text\")\n}\n";
    char buf[512];
    snprintf(buf, sizeof buf, PG "%s", long_name);
    c = check_text(buf);
    assert_int_equal(c->diags.errors, 1);
    checked_free(c);
    snprintf(buf, sizeof buf, SQLITE "%s", long_name);
    c = check_text(buf);
    assert_int_equal(c->diags.errors, 0);
    checked_free(c);
}

static void test_cli_outputs(void **state)
{
    (void)state;
    char dir[] = "/tmp/prismac-validate-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char good[600], bad[600], warn[600];
    snprintf(good, sizeof good, "%s/good.prisma", dir);
    snprintf(bad, sizeof bad, "%s/bad.prisma", dir);
    snprintf(warn, sizeof warn, "%s/warn.prisma", dir);
    FILE *f = fopen(good, "w");
    fputs(PG "model A {\n  id Int @id\n}\n", f);
    fclose(f);
    f = fopen(bad, "w");
    fputs(SQLITE "model A {\n  id Int @id\n  tags Int[]\n}\n", f);
    fclose(f);
    f = fopen(warn, "w");
    fputs("datasource db {\n  provider = \"sqlite\"\n  url = \"file:./dev.db\"\n}\nmodel A {\n  id Int @id\n}\n", f);
    fclose(f);

    RunResult r = run_cmd("%s validate %s", prismac_bin(), good);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "is valid"));
    run_free(&r);

    r = run_cmd("%s validate %s", prismac_bin(), bad);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "bad.prisma:6:3: error: the field `tags` of model `A` cannot be a list"));
    run_free(&r);

    r = run_cmd("%s validate --format json %s", prismac_bin(), bad);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "\"valid\": false"));
    assert_non_null(strstr(r.out, "\"line\": 6"));
    run_free(&r);

    r = run_cmd("%s validate --format github %s", prismac_bin(), bad);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "::error file="));
    run_free(&r);

    /* warnings do not change the exit status */
    r = run_cmd("%s validate --format json %s", prismac_bin(), warn);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"warnings\": 1"));
    assert_non_null(strstr(r.out, "\"severity\": \"warning\""));
    run_free(&r);

    r = run_cmd("%s validate %s", prismac_bin(), warn);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "warning: `url` in the schema is Prisma 6 style"));
    run_free(&r);

    r = run_cmd("rm -rf %s", dir);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_schemas_are_valid),
        cmocka_unit_test(test_prisma6_allowances),
        cmocka_unit_test(test_unsupported_provider),
        cmocka_unit_test(test_stages_gate_validation),
        cmocka_unit_test(test_spans_and_messages),
        cmocka_unit_test(test_warnings_are_not_errors),
        cmocka_unit_test(test_provider_override),
        cmocka_unit_test(test_constraint_names),
        cmocka_unit_test(test_cli_outputs),
    };
    return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
