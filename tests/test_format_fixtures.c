/* The format corpus (fixtures/format/, see its README): for every NNN-name.prisma,
 *   1. prismac's format (completion + layout) equals Prisma's NNN-name.formatted.prisma byte
 *      for byte, or fails where Prisma's formatter fails (NNN-name.format.err);
 *   2. formatting that output again gives it back unchanged, or exactly Prisma's own second
 *      pass (NNN-name.reformatted.txt) where Prisma is not idempotent;
 *   3. formatting keeps the meaning: where the input is a valid schema and nothing is added,
 *      the output compares equal to it (compare_schemas finds no difference).
 * Files are read as Prisma reads them (invalid UTF-8 as U+FFFD). */
#include "testutil.h"

#include "prismac/compare.h"
#include "prismac/db.h"
#include "prismac/format.h"

#include <dirent.h>

#define FIXTURE_DIR "fixtures/format"
#define MAX_FIXTURES 1024

typedef struct Fixture {
    char base[512];     /* fixtures/format/NNN-name */
    char name[256];
} Fixture;

static Fixture FIXTURES[MAX_FIXTURES];

static bool file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

/* Formats one file's text as `prisma format` does; returns FORMAT_OK and the text, or the
 * status. */
static FormatStatus format_one(Arena *a, const char *raw, size_t len, Str *out)
{
    SourceSet set;
    source_set_init(&set, a);
    Diags diags;
    diags_init(&diags, a);
    Str text = format_decode_utf8_lossy(a, raw, len);
    source_add_text(&set, "schema.prisma", text.ptr, text.len);
    Ast *ast = ast_parse(&set, &diags);
    Db *db = db_resolve(ast, &diags);
    return format_schema(db, &set, a, out, NULL);
}

/* A schema that parses, resolves and validates without errors, or NULL. */
static Db *valid_db(Arena *a, const char *text, size_t len, uint32_t *insertions)
{
    SourceSet *set = arena_alloc(a, sizeof *set);
    source_set_init(set, a);
    Diags *diags = arena_alloc(a, sizeof *diags);
    diags_init(diags, a);
    source_add_text(set, "schema.prisma", text, len);
    Ast *ast = ast_parse(set, diags);
    Db *db = db_resolve(ast, diags);
    if (insertions) {
        FormatInsertion *ins;
        format_completions(db, a, &ins, insertions);
    }
    db_validate(db, PROVIDER_NONE, diags);
    return diags->errors ? NULL : db;
}

static int MEANING_CHECKED;

static void report_mismatch(const char *what, const char *name, Str got, const char *want, size_t want_len)
{
    size_t i = 0;
    while (i < got.len && i < want_len && got.ptr[i] == want[i])
        i++;
    size_t line = 1;
    for (size_t k = 0; k < i; k++)
        line += want[k] == '\n';
    print_error("%s: %s differs from Prisma's at byte %zu (line %zu)\n--- prismac:\n%.*s\n--- prisma:\n%.*s\n",
                name, what, i, line, (int)got.len, got.ptr, (int)want_len, want);
}

static void run_fixture(void **state)
{
    const Fixture *fx = *state;
    char path[600];
    snprintf(path, sizeof path, "%s.prisma", fx->base);
    size_t len = 0;
    char *input = read_whole_file(path, &len);
    assert_non_null(input);
    Arena a;
    arena_init(&a);
    Str out;
    FormatStatus st = format_one(&a, input, len, &out);

    snprintf(path, sizeof path, "%s.format.err", fx->base);
    if (file_exists(path)) {
        /* Prisma's formatter fails on this input: so must prismac */
        if (st != FORMAT_UNFORMATTABLE)
            print_error("%s: Prisma's formatter fails here, prismac formatted it\n", fx->name);
        assert_int_equal(st, FORMAT_UNFORMATTABLE);
        arena_free(&a);
        free(input);
        return;
    }
    assert_int_equal(st, FORMAT_OK);
    snprintf(path, sizeof path, "%s.formatted.prisma", fx->base);
    size_t want_len = 0;
    char *want = read_whole_file(path, &want_len);
    assert_non_null(want);
    bool same = out.len == want_len && memcmp(out.ptr, want, want_len) == 0;
    if (!same)
        report_mismatch("format", fx->name, out, want, want_len);
    assert_true(same);

    /* the meaning is kept */
    uint32_t insertions = 0;
    Str decoded = format_decode_utf8_lossy(&a, input, len);
    Db *before = valid_db(&a, decoded.ptr, decoded.len, &insertions);
    if (before && insertions == 0) {
        Db *after = valid_db(&a, want, want_len, NULL);
        assert_non_null(after);
        CompareResult cmp = {0};
        compare_schemas(before, after, "input", "formatted", &a, &cmp);
        for (uint32_t i = 0; i < cmp.count; i++)
            if (cmp.items[i].severity == CMP_DIFFERENCE)
                print_error("%s: formatting changed the meaning: %s\n", fx->name, cmp.items[i].message);
        assert_int_equal(cmp.differences, 0);
        MEANING_CHECKED++;
    }

    /* the second pass */
    snprintf(path, sizeof path, "%s.reformatted.txt", fx->base);
    size_t again_len = want_len;
    char *again = file_exists(path) ? read_whole_file(path, &again_len) : NULL;
    Str out2;
    assert_int_equal(format_one(&a, want, want_len, &out2), FORMAT_OK);
    const char *expect2 = again ? again : want;
    same = out2.len == again_len && memcmp(out2.ptr, expect2, again_len) == 0;
    if (!same)
        report_mismatch(again ? "second pass (Prisma is not idempotent here)" : "second pass", fx->name, out2,
                        expect2, again_len);
    assert_true(same);
    free(again);
    free(want);
    free(input);
    arena_free(&a);
}

static int compare_fixtures(const void *x, const void *y)
{
    return strcmp(((const Fixture *)x)->name, ((const Fixture *)y)->name);
}

int main(void)
{
    DIR *d = opendir(FIXTURE_DIR);
    if (!d) {
        fprintf(stderr, "test_format_fixtures: cannot open %s (run from the project root)\n", FIXTURE_DIR);
        return 1;
    }
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < MAX_FIXTURES) {
        size_t len = strlen(e->d_name);
        if (len < 8 || strcmp(e->d_name + len - 7, ".prisma") != 0)
            continue;
        if (len > 17 && strcmp(e->d_name + len - 17, ".formatted.prisma") == 0)
            continue;
        snprintf(FIXTURES[n].name, sizeof FIXTURES[n].name, "%.*s", (int)(len - 7), e->d_name);
        snprintf(FIXTURES[n].base, sizeof FIXTURES[n].base, "%s/%.*s", FIXTURE_DIR, (int)(len - 7), e->d_name);
        n++;
    }
    closedir(d);
    qsort(FIXTURES, (size_t)n, sizeof *FIXTURES, compare_fixtures);
    if (n < 100) {
        fprintf(stderr, "test_format_fixtures: only %d fixtures in %s\n", n, FIXTURE_DIR);
        return 1;
    }
    struct CMUnitTest *tests = calloc((size_t)n, sizeof *tests);
    for (int i = 0; i < n; i++) {
        tests[i].name = FIXTURES[i].name;
        tests[i].test_func = run_fixture;
        tests[i].initial_state = &FIXTURES[i];
    }
    int rc = _cmocka_run_group_tests("format fixtures", tests, (size_t)n, NULL, NULL);
    free(tests);
    printf("format fixtures: meaning compared on the %d valid inputs to which nothing is added\n", MEANING_CHECKED);
    if (MEANING_CHECKED < 20) {
        fprintf(stderr, "test_format_fixtures: too few valid fixtures to compare meanings (%d)\n", MEANING_CHECKED);
        rc = 1;
    }
    return rc;
}
