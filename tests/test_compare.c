/* `prismac compare`: every pair under fixtures/compare/NNN-name/{a,b}.prisma gives exactly the
 * findings its expected.txt lists ("difference KIND MODEL[.MEMBER]", "note KIND ...", or "same"),
 * in any order. Plus the dual-provider seed and the command's exit statuses. */
#include "testutil.h"
#include "prismac/compare.h"

#include <dirent.h>

#define DIR_ "fixtures/compare"
#define MAX_CASES 256

typedef struct Side {
    Arena arena;
    SourceSet sources;
    Diags diags;
    Db *db;
} Side;

static void side_load(Side *s, const char *path)
{
    arena_init(&s->arena);
    source_set_init(&s->sources, &s->arena);
    diags_init(&s->diags, &s->arena);
    char *err = NULL;
    assert_int_equal(source_add_path(&s->sources, path, &err), SOURCE_OK);
    Ast *ast = ast_parse(&s->sources, &s->diags);
    s->db = db_resolve(ast, &s->diags);
    if (!s->diags.errors)
        db_validate(s->db, PROVIDER_NONE, &s->diags);
    if (s->diags.errors)
        print_error("%s is invalid: %s\n", path, s->diags.items[0].message);
    assert_int_equal(s->diags.errors, 0);
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The findings as sorted lines. */
static char *findings_text(const CompareResult *r)
{
    char **lines = calloc(r->count + 1, sizeof *lines);
    for (uint32_t i = 0; i < r->count; i++) {
        const CompareFinding *f = &r->items[i];
        char buf[512];
        snprintf(buf, sizeof buf, "%s %s %.*s%s%.*s", f->severity == CMP_DIFFERENCE ? "difference" : "note", f->kind,
                 (int)f->model.len, f->model.ptr, f->member.len ? "." : "", (int)f->member.len,
                 f->member.ptr ? f->member.ptr : "");
        lines[i] = strdup(buf);
    }
    qsort(lines, r->count, sizeof *lines, cmp_strp);
    Capture c;
    FILE *f = capture_begin(&c);
    if (r->count == 0)
        fputs("same\n", f);
    for (uint32_t i = 0; i < r->count; i++) {
        fprintf(f, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
    return capture_end(&c);
}

/* expected.txt with its lines sorted */
static char *expected_text(const char *path)
{
    char *text = read_whole_file(path, NULL);
    assert_non_null(text);
    char *lines[128];
    int n = 0;
    for (char *line = strtok(text, "\n"); line && n < 128; line = strtok(NULL, "\n"))
        if (*line && *line != '#')
            lines[n++] = line;
    qsort(lines, (size_t)n, sizeof *lines, cmp_strp);
    Capture c;
    FILE *f = capture_begin(&c);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s\n", lines[i]);
    char *out = capture_end(&c);
    free(text);
    return out;
}

static void run_case(void **state)
{
    const char *dir = *state;
    char a[512], b[512], exp[512];
    snprintf(a, sizeof a, "%s/a.prisma", dir);
    snprintf(b, sizeof b, "%s/b.prisma", dir);
    snprintf(exp, sizeof exp, "%s/expected.txt", dir);
    Side sa, sb;
    side_load(&sa, a);
    side_load(&sb, b);
    Arena arena;
    arena_init(&arena);
    CompareResult r;
    compare_schemas(sa.db, sb.db, "A", "B", &arena, &r);
    char *got = findings_text(&r), *want = expected_text(exp);
    if (strcmp(got, want) != 0)
        print_error("%s\n--- expected\n%s--- got\n%s", dir, want, got);
    assert_string_equal(got, want);
    /* symmetric: B against A finds as many differences */
    CompareResult back;
    compare_schemas(sb.db, sa.db, "A", "B", &arena, &back);
    assert_int_equal(back.differences, r.differences);
    free(got);
    free(want);
    arena_free(&arena);
    arena_free(&sa.arena);
    arena_free(&sb.arena);
}

static void test_dual_provider_seed(void **state)
{
    (void)state;
    Side sa, sb;
    side_load(&sa, "fixtures/seeds/dual-provider/schema-dev.prisma");
    side_load(&sb, "fixtures/seeds/dual-provider/schema-prod.prisma");
    Arena arena;
    arena_init(&arena);
    CompareResult r;
    compare_schemas(sa.db, sb.db, "A", "B", &arena, &r);
    char *got = findings_text(&r);
    /* exactly what the seed's expected.md lists, and the native types as notes */
    assert_string_equal(got, "difference default ManifestItem.weight\n"
                             "difference field Manifest.archivedAt\n"
                             "difference model Tag\n"
                             "difference relation field Manifest.tags\n"
                             "note native type Manifest.body\n"
                             "note native type Manifest.title\n"
                             "note native type User.name\n");
    bool join_table = false;
    for (uint32_t i = 0; i < r.count; i++)
        if (strstr(r.items[i].message, "_ManifestToTag"))
            join_table = true;
    assert_true(join_table);
    free(got);
    arena_free(&arena);
    arena_free(&sa.arena);
    arena_free(&sb.arena);
}

static void test_command_statuses(void **state)
{
    (void)state;
    const char *bin = prismac_bin();
    RunResult r = run_cmd("'%s' compare fixtures/seeds/dual-provider/schema-dev.prisma "
                          "fixtures/seeds/dual-provider/schema-prod.prisma", bin);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "schema-dev.prisma:23:3: field `Manifest.archivedAt` (DateTime?) only in A"));
    assert_non_null(strstr(r.out, "4 differences, 3 notes."));
    run_free(&r);
    r = run_cmd("'%s' compare fixtures/compare/002-same-provider-only/a.prisma "
                "fixtures/compare/002-same-provider-only/b.prisma", bin);
    assert_int_equal(r.status, 0);
    run_free(&r);
    r = run_cmd("'%s' compare --format json fixtures/compare/007-type-differs/a.prisma "
                "fixtures/compare/007-type-differs/b.prisma", bin);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "\"kind\": \"type\""));
    run_free(&r);
    r = run_cmd("'%s' compare only-one.prisma", bin);
    assert_int_equal(r.status, 2);
    run_free(&r);
    r = run_cmd("'%s' compare fixtures/syntax/e01-keyword.prisma fixtures/compare/001-same-formatting-comments/a.prisma", bin);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "is not a valid schema"));
    run_free(&r);
}

static char CASES[MAX_CASES][300];

int main(void)
{
    DIR *d = opendir(DIR_);
    if (!d)
        return 1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < MAX_CASES)
        if (e->d_name[0] != '.' && strcmp(e->d_name, "README.md") != 0)
            snprintf(CASES[n++], sizeof CASES[0], "%s/%s", DIR_, e->d_name);
    closedir(d);
    qsort(CASES, (size_t)n, sizeof CASES[0], (int (*)(const void *, const void *))strcmp);
    if (n < 30) {
        fprintf(stderr, "test_compare: only %d pairs in %s\n", n, DIR_);
        return 1;
    }
    struct CMUnitTest *tests = calloc((size_t)n + 2, sizeof *tests);
    for (int i = 0; i < n; i++) {
        tests[i].name = CASES[i] + strlen(DIR_) + 1;
        tests[i].test_func = run_case;
        tests[i].initial_state = CASES[i];
    }
    tests[n] = (struct CMUnitTest)cmocka_unit_test(test_dual_provider_seed);
    tests[n + 1] = (struct CMUnitTest)cmocka_unit_test(test_command_statuses);
    int rc = _cmocka_run_group_tests("compare", tests, (size_t)n + 2, NULL, NULL);
    free(tests);
    return rc;
}
