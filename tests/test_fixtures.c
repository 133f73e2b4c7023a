/* Fixture runner: every schema under fixtures/syntax/ with its expectations, written as
 * trailing comments (or, where the file's last bytes matter, in NAME.expect):
 *   // oracle: valid | invalid, first error at line N      (Prisma's verdict, by the oracle)
 *   // expect: valid | L:C: error: message                  (what prismac reports, in order)
 * prismac must print exactly the expected diagnostics and agree with Prisma's verdict and the
 * line of its first error. */
#include "testutil.h"

#include <dirent.h>

#define FIXTURE_DIR "fixtures/syntax"
#define MAX_FIXTURES 512

typedef struct Fixture {
    char path[512];
    char name[256];
} Fixture;

static Fixture FIXTURES[MAX_FIXTURES];

/* The "// key: value" lines of the expectations, in order, for one key. */
static int expectation_lines(const char *text, const char *key, char lines[][512], int max)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s: ", key);
    int n = 0;
    for (const char *p = text; *p && n < max;) {
        const char *eol = p + strcspn(p, "\r\n");
        const char *q = p;
        if (strncmp(q, "// ", 3) == 0)
            q += 3;
        size_t plen = strlen(prefix);
        if ((size_t)(eol - q) > plen && strncmp(q, prefix, plen) == 0) {
            snprintf(lines[n], 512, "%.*s", (int)(eol - q - plen), q + plen);
            n++;
        }
        p = eol;
        while (*p == '\r' || *p == '\n')
            p++;
    }
    return n;
}

static void run_fixture(void **state)
{
    const Fixture *fx = *state;
    char sidecar[600];
    snprintf(sidecar, sizeof sidecar, "%.*s.expect", (int)(strlen(fx->path) - 7), fx->path);
    size_t len = 0;
    char *expect_text = read_whole_file(sidecar, &len);
    if (!expect_text)
        expect_text = read_whole_file(fx->path, &len);
    assert_non_null(expect_text);
    for (size_t i = 0; i < len; i++)
        if (expect_text[i] == '\0')
            expect_text[i] = ' ';   /* a fixture may hold NUL bytes */

    static char expected[64][512], oracle[2][512];
    int nexpected = expectation_lines(expect_text, "expect", expected, 64);
    int noracle = expectation_lines(expect_text, "oracle", oracle, 2);
    free(expect_text);
    assert_true(nexpected > 0);
    assert_int_equal(noracle, 1);

    Arena arena;
    arena_init(&arena);
    SourceSet set;
    source_set_init(&set, &arena);
    Diags diags;
    diags_init(&diags, &arena);
    char *err = NULL;
    assert_int_equal(source_add_path(&set, fx->path, &err), SOURCE_OK);
    ast_parse(&set, &diags);

    /* exactly the expected diagnostics, in order */
    int got = 0;
    for (uint32_t i = 0; i < diags.count; i++) {
        const Diag *d = &diags.items[i];
        if (d->severity == DIAG_NOTE)
            continue;
        LineCol lc = source_line_col(&set.files[d->span.file], d->span.start);
        char line[512];
        snprintf(line, sizeof line, "%u:%u: %s: %s", lc.line, lc.col, d->severity == DIAG_ERROR ? "error" : "warning",
                 d->message);
        if (got >= nexpected || strcmp(line, expected[got]) != 0)
            print_error("%s: diagnostic %d\n  expected: %s\n  got:      %s\n", fx->name, got + 1,
                        got < nexpected ? expected[got] : "(nothing more)", line);
        assert_true(got < nexpected);
        assert_string_equal(line, expected[got]);
        got++;
    }
    if (got == 0)
        assert_string_equal(expected[0], "valid");
    else
        assert_int_equal(got, nexpected);

    /* Prisma's verdict and the line of its first error */
    if (strcmp(oracle[0], "valid") == 0) {
        assert_int_equal(diags.errors, 0);
    } else {
        unsigned line = 0;
        assert_int_equal(sscanf(oracle[0], "invalid, first error at line %u", &line), 1);
        assert_true(diags.errors > 0);
        const Diag *first = NULL;
        for (uint32_t i = 0; i < diags.count && !first; i++)
            if (diags.items[i].severity == DIAG_ERROR)
                first = &diags.items[i];
        LineCol lc = source_line_col(&set.files[first->span.file], first->span.start);
        if (lc.line != line)
            print_error("%s: first error at line %u, Prisma's at line %u\n", fx->name, lc.line, line);
        assert_int_equal(lc.line, line);
    }
    arena_free(&arena);
}

static int compare_fixtures(const void *a, const void *b)
{
    return strcmp(((const Fixture *)a)->name, ((const Fixture *)b)->name);
}

int main(void)
{
    DIR *d = opendir(FIXTURE_DIR);
    if (!d) {
        fprintf(stderr, "test_fixtures: cannot open %s (run from the project root)\n", FIXTURE_DIR);
        return 1;
    }
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < MAX_FIXTURES) {
        size_t len = strlen(e->d_name);
        if (len < 8 || strcmp(e->d_name + len - 7, ".prisma") != 0)
            continue;
        snprintf(FIXTURES[n].name, sizeof FIXTURES[n].name, "%s", e->d_name);
        snprintf(FIXTURES[n].path, sizeof FIXTURES[n].path, "%s/%s", FIXTURE_DIR, e->d_name);
        n++;
    }
    closedir(d);
    qsort(FIXTURES, (size_t)n, sizeof *FIXTURES, compare_fixtures);
    if (n < 60) {
        fprintf(stderr, "test_fixtures: only %d fixtures in %s\n", n, FIXTURE_DIR);
        return 1;
    }
    struct CMUnitTest *tests = calloc((size_t)n, sizeof *tests);
    for (int i = 0; i < n; i++) {
        tests[i].name = FIXTURES[i].name;
        tests[i].test_func = run_fixture;
        tests[i].initial_state = &FIXTURES[i];
    }
    int rc = _cmocka_run_group_tests("syntax fixtures", tests, (size_t)n, NULL, NULL);
    free(tests);
    return rc;
}
