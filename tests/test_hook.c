/* `prismac hook install | run` in a scratch git repository: the checks, a commit the hook
 * blocks (and the message it prints), and install's care for hooks it did not write. */
#include "testutil.h"

static char REPO[256];

static int setup(void **state)
{
    (void)state;
    snprintf(REPO, sizeof REPO, "/tmp/prismac-hook-XXXXXX");
    if (!mkdtemp(REPO))
        return -1;
    RunResult r = run_cmd("cd '%s' && git init -q . && git config user.email t@example.com && git config user.name t "
                          "&& mkdir prisma && cp '%s/fixtures/seeds/dual-provider/schema-prod.prisma' prisma/ "
                          "&& cp '%s/fixtures/seeds/dual-provider/schema-dev.prisma' prisma/",
                          REPO, getenv("PWD"), getenv("PWD"));
    int rc = r.status;
    run_free(&r);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    RunResult r = run_cmd("rm -rf '%s'", REPO);
    run_free(&r);
    return 0;
}

static void write_config(const char *json)
{
    char path[300];
    snprintf(path, sizeof path, "%s/.prismac.json", REPO);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(json, f);
    fclose(f);
}

static RunResult in_repo(const char *args)
{
    return run_cmd("cd '%s' && '%s' %s", REPO, prismac_bin(), args);
}

static const char *CONFIG =
    "{ \"schemas\": [\"prisma/schema-prod.prisma\"],\n"
    "  \"variants\": [{\"schema\": \"prisma/schema-prod.prisma\", \"provider\": \"sqlite\",\n"
    "                \"output\": \"prisma/schema-dev.prisma\"}],\n"
    "  \"pairs\": [[\"prisma/schema-dev.prisma\", \"prisma/schema-prod.prisma\"]] }\n";

static void test_run_reports_each_check(void **state)
{
    (void)state;
    write_config(CONFIG);
    RunResult r = in_repo("hook run --color never");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "ok   prisma/schema-prod.prisma is valid"));
    assert_non_null(strstr(r.out, "FAIL prisma/schema-dev.prisma is not the sqlite variant of prisma/schema-prod.prisma"));
    assert_non_null(strstr(r.out, "FAIL prisma/schema-dev.prisma and prisma/schema-prod.prisma differ"));
    assert_non_null(strstr(r.out, "model `Tag` only in prisma/schema-dev.prisma"));
    assert_non_null(strstr(r.out, "commit blocked: 3 of 4 checks failed"));
    run_free(&r);

    /* bring both copies in line: format prod, regenerate dev from it */
    r = in_repo("format prisma/schema-prod.prisma && '%s' variant prisma/schema-prod.prisma --provider sqlite "
                "-o prisma/schema-dev.prisma");
    run_free(&r);
    r = run_cmd("cd '%s' && '%s' format prisma/schema-prod.prisma -q && '%s' variant prisma/schema-prod.prisma "
                "--provider sqlite -o prisma/schema-dev.prisma -q && '%s' hook run --color never",
                REPO, prismac_bin(), prismac_bin(), prismac_bin());
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "all 4 checks passed"));
    run_free(&r);
}

static void test_commit_blocked(void **state)
{
    (void)state;
    write_config(CONFIG);
    RunResult r = in_repo("hook install");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "installed"));
    run_free(&r);
    r = run_cmd("cd '%s' && git add -A && git commit -q -m 'drifted copies' 2>&1", REPO);
    assert_int_not_equal(r.status, 0);   /* the hook blocked it */
    assert_non_null(strstr(r.out, "commit blocked"));
    run_free(&r);
    r = run_cmd("cd '%s' && git rev-list --all --count", REPO);
    assert_string_equal(r.out, "0\n");
    run_free(&r);
    /* fixed copies commit */
    r = run_cmd("cd '%s' && '%s' format prisma/schema-prod.prisma -q && '%s' variant prisma/schema-prod.prisma "
                "--provider sqlite -o prisma/schema-dev.prisma -q && git add -A && git commit -q -m ok 2>&1",
                REPO, prismac_bin(), prismac_bin());
    assert_int_equal(r.status, 0);
    run_free(&r);
}

static void test_install_respects_foreign_hooks(void **state)
{
    (void)state;
    RunResult r = run_cmd("cd '%s' && mkdir -p .git/hooks && printf '#!/bin/sh\\necho mine\\n' > .git/hooks/pre-commit", REPO);
    run_free(&r);
    r = in_repo("hook install");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "was not written by prismac"));
    run_free(&r);
    r = in_repo("hook install --force");
    assert_int_equal(r.status, 0);
    run_free(&r);
    r = run_cmd("cd '%s' && cat .git/hooks/pre-commit.orig && grep -c 'prismac hook install' .git/hooks/pre-commit", REPO);
    assert_non_null(strstr(r.out, "echo mine"));
    assert_non_null(strstr(r.out, "1\n"));
    run_free(&r);
    r = in_repo("hook install");   /* ours: replaced without --force */
    assert_int_equal(r.status, 0);
    run_free(&r);
}

static void test_default_schema_and_config_errors(void **state)
{
    (void)state;
    RunResult r = run_cmd("cd '%s' && cp prisma/schema-dev.prisma prisma/schema.prisma && '%s' format -q "
                          "prisma/schema.prisma && '%s' hook run", REPO, prismac_bin(), prismac_bin());
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "no .prismac.json"));
    run_free(&r);
    write_config("{ \"schemas\": [\"prisma/schema.prisma\"], }");
    r = in_repo("hook run");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, ".prismac.json:1:"));
    run_free(&r);
    write_config("{ \"schemaz\": [] }");
    r = in_repo("hook run");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unknown key \"schemaz\""));
    run_free(&r);
    r = in_repo("hook frobnicate");
    assert_int_equal(r.status, 2);
    run_free(&r);
}

/* "migrations": the folder replayed into a scratch SQLite database must reproduce the schema. */
static void test_migrations_reproduce_schema(void **state)
{
    (void)state;
    RunResult r = run_cmd("cd '%s' && cp -R '%s/fixtures/history-check/004-in-sync-sqlite/migrations' prisma/ && "
                          "cp '%s/fixtures/history-check/004-in-sync-sqlite/schema.prisma' prisma/app.prisma",
                          REPO, getenv("PWD"), getenv("PWD"));
    assert_int_equal(r.status, 0);
    run_free(&r);
    write_config("{ \"format\": false, \"migrations\": [{ \"dir\": \"prisma/migrations\", "
                 "\"schema\": \"prisma/app.prisma\" }] }");
    r = in_repo("hook run --color never");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "ok   prisma/migrations reproduces prisma/app.prisma"));
    run_free(&r);
    /* a field added to the schema without a migration blocks the commit */
    r = run_cmd("cd '%s' && cp '%s/fixtures/history-check/002-field-added-sqlite/schema.prisma' prisma/app.prisma",
                REPO, getenv("PWD"));
    run_free(&r);
    r = in_repo("hook run --color never");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "FAIL prisma/migrations does not reproduce prisma/app.prisma"));
    assert_non_null(strstr(r.out, "prismac migrations check --dir prisma/migrations prisma/app.prisma"));
    run_free(&r);
    r = in_repo("migrations check --dir prisma/migrations prisma/app.prisma --write -q");
    assert_int_equal(r.status, 0);
    run_free(&r);
    r = in_repo("hook run --color never");
    assert_int_equal(r.status, 0);
    run_free(&r);
    write_config("{ \"migrations\": [{ \"dir\": \"prisma/migrations\", \"schema\": \"prisma/app.prisma\", "
                 "\"layout\": \"flat\" }] }");
    r = in_repo("hook run");
    assert_int_equal(r.status, 2);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_run_reports_each_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_blocked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_install_respects_foreign_hooks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_schema_and_config_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrations_reproduce_schema, setup, teardown),
    };
    return cmocka_run_group_tests_name("hook", tests, NULL, NULL);
}
