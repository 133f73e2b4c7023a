/* Fixture runner for semantic validation: every schema under fixtures/validate/ with Prisma's
 * verdict in NAME.expected (format in fixtures/validate/README.md). For each fixture prismac
 * must agree with Prisma on the verdict and on the line of the first error:
 *   - `valid`: no error (with a `note: prisma6-allowance`: no error and at least one warning,
 *     for the Prisma 6 forms prismac accepts);
 *   - `invalid`: errors, the first one on the line of Prisma's first;
 *   - a provider prismac does not handle (mysql, sqlserver, mongodb, cockroachdb): exactly one
 *     error, "not supported by prismac yet".
 * The list of error lines is compared too and the agreement printed; only the first line is
 * required (Prisma's order within a stage sometimes follows a hash table). Warnings must fall on
 * the lines of the warnings Prisma's linter gives (warnings.txt), apart from prismac's own
 * warnings about the Prisma 6 forms it accepts. */
#include "testutil.h"

#include "prismac/db.h"

#include <dirent.h>

#define FIXTURE_DIR "fixtures/validate"
#define MAX_FIXTURES 2048
#define MAX_LINES 256

typedef struct Fixture {
    char path[512];
    char name[256];
} Fixture;

static Fixture FIXTURES[MAX_FIXTURES];
static int all_lines_agree, fixtures_run;

/* Prisma's linter warnings for the fixtures (warnings.txt: `FILE:LINE: warning: MESSAGE`). */
static char *WARNINGS_TXT;

/* The lines of Prisma's warnings for a fixture, sorted. */
static int expected_warnings(const char *name, unsigned *lines, int max)
{
    int n = 0;
    size_t nlen = strlen(name);
    for (const char *p = WARNINGS_TXT; p && *p;) {
        const char *eol = strchr(p, '\n');
        if (!eol)
            eol = p + strlen(p);
        if ((size_t)(eol - p) > nlen + 1 && strncmp(p, name, nlen) == 0 && p[nlen] == ':' && n < max)
            lines[n++] = (unsigned)strtoul(p + nlen + 1, NULL, 10);
        p = *eol ? eol + 1 : eol;
    }
    return n;
}

static int cmp_unsigned(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* prismac's own warnings: the Prisma 6 forms it accepts (Prisma 7 rejects them outright). */
static bool prismac_only_warning(const Diag *d)
{
    return strstr(d->message, "Prisma 6") != NULL;
}

typedef struct Expected {
    bool valid, allowance;
    unsigned lines[MAX_LINES];
    int nlines;
} Expected;

static void read_expected(const char *path, Expected *e)
{
    char *text = read_whole_file(path, NULL);
    assert_non_null(text);
    memset(e, 0, sizeof *e);
    char *line = text;
    bool first = true;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (strcmp(line, "---") == 0)
            break;
        if (first) {
            e->valid = strcmp(line, "valid") == 0;
            assert_true(e->valid || strcmp(line, "invalid") == 0);
            first = false;
        } else if (strncmp(line, "line ", 5) == 0 && e->nlines < MAX_LINES) {
            e->lines[e->nlines++] = (unsigned)strtoul(line + 5, NULL, 10);
        } else if (strncmp(line, "note: prisma6-allowance", 23) == 0) {
            e->allowance = true;
        }
        line = nl ? nl + 1 : NULL;
    }
    free(text);
}

static bool unsupported_provider(const char *path)
{
    char *text = read_whole_file(path, NULL);
    bool found = false;
    static const char *const P[] = {"\"mysql\"", "\"sqlserver\"", "\"mongodb\"", "\"cockroachdb\""};
    for (const char *p = text; p && (p = strstr(p, "provider")) != NULL; p++) {
        const char *q = p + 8;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q != '=')
            continue;
        q++;
        while (*q == ' ' || *q == '\t')
            q++;
        for (size_t i = 0; i < 4; i++)
            found |= strncmp(q, P[i], strlen(P[i])) == 0;
    }
    free(text);
    return found;
}

static void run_fixture(void **state)
{
    const Fixture *fx = *state;
    char exp_path[600];
    snprintf(exp_path, sizeof exp_path, "%.*s.expected", (int)(strlen(fx->path) - 7), fx->path);
    Expected exp;
    read_expected(exp_path, &exp);

    Arena arena;
    arena_init(&arena);
    SourceSet set;
    source_set_init(&set, &arena);
    Diags diags;
    diags_init(&diags, &arena);
    char *err = NULL;
    assert_int_equal(source_add_path(&set, fx->path, &err), SOURCE_OK);
    Ast *ast = ast_parse(&set, &diags);
    uint32_t parse_diags = diags.count;
    Db *db = db_resolve(ast, &diags);
    db_validate(db, PROVIDER_NONE, &diags);

    unsigned lines[MAX_LINES];
    int nlines = 0;
    const Diag *first = NULL;
    for (uint32_t i = 0; i < diags.count; i++) {
        const Diag *d = &diags.items[i];
        if (d->severity != DIAG_ERROR)
            continue;
        if (!first)
            first = d;
        if (nlines < MAX_LINES)
            lines[nlines++] = source_line_col(&set.files[d->span.file], d->span.start).line;
    }
    fixtures_run++;

    if (unsupported_provider(fx->path)) {
        if (diags.errors != 1 || !strstr(first->message, "not supported by prismac"))
            print_error("%s: expected one \"not supported by prismac\" error, got %u errors\n", fx->name, diags.errors);
        assert_int_equal(diags.errors, 1);
        assert_non_null(strstr(first->message, "not supported by prismac yet"));
        all_lines_agree++;
        arena_free(&arena);
        return;
    }
    /* the warnings: on the lines of Prisma's linter's */
    unsigned want[MAX_LINES], got[MAX_LINES];
    int nwant = expected_warnings(fx->name, want, MAX_LINES), ngot = 0;
    for (uint32_t i = parse_diags; i < diags.count; i++)
        if (diags.items[i].severity == DIAG_WARNING && !prismac_only_warning(&diags.items[i]) && ngot < MAX_LINES)
            got[ngot++] = source_line_col(&set.files[diags.items[i].span.file], diags.items[i].span.start).line;
    qsort(want, (size_t)nwant, sizeof *want, cmp_unsigned);
    qsort(got, (size_t)ngot, sizeof *got, cmp_unsigned);
    bool same_warnings = nwant == ngot;
    for (int i = 0; same_warnings && i < ngot; i++)
        same_warnings = want[i] == got[i];
    if (!same_warnings)
        print_error("%s: %d warnings (first at line %u), Prisma's linter %d (first at line %u)\n", fx->name, ngot,
                    ngot ? got[0] : 0, nwant, nwant ? want[0] : 0);
    assert_true(same_warnings);

    if (exp.valid) {
        if (diags.errors)
            print_error("%s: Prisma says valid; prismac: line %u: %s\n", fx->name, lines[0], first->message);
        assert_int_equal(diags.errors, 0);
        if (exp.allowance) {
            if (!diags.warnings)
                print_error("%s: a Prisma 6 allowance must come with a warning\n", fx->name);
            assert_true(diags.warnings > 0);
        }
        all_lines_agree++;
    } else {
        if (!diags.errors)
            print_error("%s: Prisma says invalid (first error at line %u); prismac finds nothing\n", fx->name, exp.lines[0]);
        assert_true(diags.errors > 0);
        assert_true(exp.nlines > 0);
        if (lines[0] != exp.lines[0])
            print_error("%s: first error at line %u (%s), Prisma's at line %u\n", fx->name, lines[0], first->message,
                        exp.lines[0]);
        assert_int_equal(lines[0], exp.lines[0]);
        bool same = nlines == exp.nlines;
        for (int i = 0; same && i < nlines; i++)
            same = lines[i] == exp.lines[i];
        all_lines_agree += same;
    }
    arena_free(&arena);
}

static int compare_fixtures(const void *a, const void *b)
{
    return strcmp(((const Fixture *)a)->name, ((const Fixture *)b)->name);
}

static int report(void **state)
{
    (void)state;
    printf("validate fixtures: %d run, %d with every error line as Prisma's\n", fixtures_run, all_lines_agree);
    return 0;
}

int main(void)
{
    DIR *d = opendir(FIXTURE_DIR);
    if (!d) {
        fprintf(stderr, "test_validate_fixtures: cannot open %s (run from the project root)\n", FIXTURE_DIR);
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
    WARNINGS_TXT = read_whole_file(FIXTURE_DIR "/warnings.txt", NULL);
    if (!WARNINGS_TXT) {
        fprintf(stderr, "test_validate_fixtures: cannot read %s/warnings.txt\n", FIXTURE_DIR);
        return 1;
    }
    if (n < 200) {
        fprintf(stderr, "test_validate_fixtures: only %d fixtures in %s\n", n, FIXTURE_DIR);
        return 1;
    }
    struct CMUnitTest *tests = calloc((size_t)n, sizeof *tests);
    for (int i = 0; i < n; i++) {
        tests[i].name = FIXTURES[i].name;
        tests[i].test_func = run_fixture;
        tests[i].initial_state = &FIXTURES[i];
    }
    int rc = _cmocka_run_group_tests("validate fixtures", tests, (size_t)n, NULL, report);
    free(tests);
    free(WARNINGS_TXT);
    return rc;
}
