/* The command-line frame: exit statuses, help, schema lookup, output formats. Runs the built
 * binary ($PRISMAC) in scratch folders. */
#include "testutil.h"

#include <sys/stat.h>

static char TMP[256];

static void write_file(const char *rel, const char *text, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", TMP, rel);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(text, 1, len, f);
    fclose(f);
}

#define WRITE(rel, text) write_file(rel, text, sizeof(text) - 1)

static const char VALID[] = "datasource db {\n  provider = \"sqlite\"\n}\n\nmodel A {\n  id Int @id\n}\n";
static const char INVALID[] = "model A {\n  id Int @id\n  x Int $\n}\n";

static int setup(void **state)
{
    (void)state;
    snprintf(TMP, sizeof TMP, "/tmp/prismac-cli-XXXXXX");
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

/* Runs prismac with arguments inside the scratch folder. */
#define PRISMAC(...) run_in_tmp(__VA_ARGS__)
static RunResult run_in_tmp(const char *args)
{
    return run_cmd("cd '%s' && NO_COLOR= '%s' %s", TMP, prismac_bin(), args);
}

static void test_help_and_version(void **state)
{
    (void)state;
    RunResult r = PRISMAC("--help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: prismac COMMAND"));
    assert_non_null(strstr(r.out, "validate"));
    run_free(&r);
    r = PRISMAC("--version");
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "prismac ", 8) == 0);
    run_free(&r);
    r = PRISMAC("validate --help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: prismac validate"));
    run_free(&r);
    r = PRISMAC("help ast");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: prismac ast"));
    run_free(&r);
}

static void test_usage_errors(void **state)
{
    (void)state;
    RunResult r = PRISMAC("");
    assert_int_equal(r.status, 2);
    run_free(&r);
    r = PRISMAC("frobnicate");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unknown command `frobnicate`"));
    run_free(&r);
    r = PRISMAC("validate --bogus x.prisma");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unknown option `--bogus`"));
    run_free(&r);
    r = PRISMAC("validate --format yaml");
    assert_int_equal(r.status, 2);
    run_free(&r);
    r = PRISMAC("validate --format");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "needs a value"));
    run_free(&r);
}

static void test_validate_statuses(void **state)
{
    (void)state;
    WRITE("ok.prisma", VALID);
    WRITE("bad.prisma", INVALID);
    RunResult r = PRISMAC("validate ok.prisma");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "ok.prisma is valid\n");
    run_free(&r);
    r = PRISMAC("validate -q ok.prisma");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    run_free(&r);
    r = PRISMAC("validate bad.prisma");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "bad.prisma:3:9: error: unexpected character `$`"));
    assert_non_null(strstr(r.err, "bad.prisma: 1 error"));
    run_free(&r);
}

static void test_io_errors(void **state)
{
    (void)state;
    RunResult r = PRISMAC("validate missing.prisma");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "missing.prisma: No such file or directory"));
    run_free(&r);
    write_file("latin1.prisma", "model A {\n  id Int @id @map(\"\xE9\")\n}\n", 35);
    r = PRISMAC("validate latin1.prisma");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "latin1.prisma:2:20: not valid UTF-8"));
    run_free(&r);
    r = run_cmd("mkdir -p '%s/empty'", TMP);
    run_free(&r);
    r = PRISMAC("validate empty");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "holds no .prisma files"));
    run_free(&r);
    r = run_cmd("mkdir -p '%s/locked' && touch '%s/locked/a.prisma' && chmod 000 '%s/locked/a.prisma'", TMP, TMP, TMP);
    run_free(&r);
    if (geteuid() != 0) {   /* root reads anything */
        r = PRISMAC("validate locked/a.prisma");
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "Permission denied"));
        run_free(&r);
    }
}

static bool is_kind(const char *rel, mode_t kind)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", TMP, rel);
    return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == kind;
}

/* -o onto what is not a regular file writes to it and leaves it what it is: renaming the new
 * file over it (the way a regular file is replaced) turned `-o /dev/null` into a regular file
 * in place of the device. */
static void test_output_to_devices_and_fifos(void **state)
{
    (void)state;
    WRITE("schema.prisma", VALID);
    RunResult r = run_cmd("mkfifo '%s/pipe'", TMP);
    assert_int_equal(r.status, 0);
    run_free(&r);
    const char *writers[] = {"sql schema.prisma -o pipe", "variant schema.prisma --provider postgresql -o pipe -q"};
    const char *expect[] = {"CREATE TABLE \"A\"", "provider = \"postgresql\""};
    for (int i = 0; i < 2; i++) {
        /* a reader for the FIFO, as a shell pipeline would have, waited for before its copy is read */
        r = run_cmd("cd '%s' && { timeout 10 cat pipe > got & reader=$!; } && NO_COLOR= '%s' %s && wait $reader && cat got", TMP,
                    prismac_bin(), writers[i]);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, expect[i]));
        assert_true(is_kind("pipe", S_IFIFO));
        run_free(&r);
    }
    /* a character device: a null device node of our own, where mknod is allowed (root) */
    r = run_cmd("mknod '%s/null' c 1 3", TMP);
    bool made = r.status == 0;
    run_free(&r);
    if (made) {
        r = PRISMAC("sql schema.prisma -o null");
        assert_int_equal(r.status, 0);
        run_free(&r);
        r = PRISMAC("variant schema.prisma --provider postgresql -o null -q");
        assert_int_equal(r.status, 0);
        run_free(&r);
        assert_true(is_kind("null", S_IFCHR));
    }
    r = run_cmd("mkdir '%s/folder'", TMP);
    run_free(&r);
    r = PRISMAC("sql schema.prisma -o folder");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "cannot write folder: Is a directory"));
    assert_true(is_kind("folder", S_IFDIR));
    run_free(&r);
}

static void test_folder_and_multiple_files(void **state)
{
    (void)state;
    RunResult r = run_cmd("mkdir -p '%s/multi/sub'", TMP);
    run_free(&r);
    WRITE("multi/main.prisma", "datasource db {\n  provider = \"sqlite\"\n}\n");
    WRITE("multi/sub/models.prisma", "model A {\n  id Int @id\n}\n");
    WRITE("multi/notes.txt", "not a schema {");
    r = PRISMAC("validate multi");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "multi/main.prisma and 1 more file is valid"));
    run_free(&r);
    WRITE("multi/sub/broken.prisma", "model B {\n");
    r = PRISMAC("validate multi");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "multi/sub/broken.prisma:1:1: error: unterminated block"));
    run_free(&r);
    r = PRISMAC("validate multi/main.prisma multi/sub/models.prisma");
    assert_int_equal(r.status, 0);
    run_free(&r);
}

static void test_default_lookup(void **state)
{
    (void)state;
    RunResult r = PRISMAC("validate");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "no schema found"));
    run_free(&r);
    WRITE("schema.prisma", VALID);
    r = PRISMAC("validate");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "schema.prisma is valid\n");
    run_free(&r);
    r = run_cmd("mkdir -p '%s/prisma'", TMP);
    run_free(&r);
    WRITE("prisma/schema.prisma", INVALID);
    r = PRISMAC("validate");
    assert_int_equal(r.status, 1);   /* ./prisma/schema.prisma comes first */
    assert_non_null(strstr(r.err, "prisma/schema.prisma:3:9"));
    run_free(&r);
}

static void test_json_and_github_formats(void **state)
{
    (void)state;
    WRITE("bad.prisma", INVALID);
    RunResult r = PRISMAC("validate --format json bad.prisma");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "\"valid\": false"));
    assert_non_null(strstr(r.out, "\"line\": 3"));
    assert_non_null(strstr(r.out, "\"column\": 9"));
    assert_string_equal(r.err, "");
    run_free(&r);
    r = PRISMAC("validate --format=github bad.prisma");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "::error file=bad.prisma,line=3,col=9,endLine=3,endColumn=10,title=prismac validate::"));
    run_free(&r);
}

static void test_color(void **state)
{
    (void)state;
    WRITE("bad.prisma", INVALID);
    RunResult r = PRISMAC("validate --color always bad.prisma");
    assert_non_null(strstr(r.err, "\033[1;31merror:"));
    run_free(&r);
    r = PRISMAC("validate bad.prisma");   /* not a terminal */
    assert_null(strstr(r.err, "\033["));
    run_free(&r);
    r = run_cmd("cd '%s' && NO_COLOR=1 script -qec \"'%s' validate bad.prisma\" /dev/null", TMP, prismac_bin());
    assert_null(strstr(r.out, "\033[1;31m"));
    run_free(&r);
}

static void test_ast_command(void **state)
{
    (void)state;
    WRITE("ok.prisma", VALID);
    RunResult r = PRISMAC("ast ok.prisma");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"kind\": \"model\""));
    assert_non_null(strstr(r.out, "\"name\": \"A\""));
    assert_non_null(strstr(r.out, "\"version\": 1"));
    run_free(&r);
    WRITE("bad.prisma", INVALID);
    r = PRISMAC("ast bad.prisma");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "\"blocks\""));
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_help_and_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usage_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validate_statuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_io_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_to_devices_and_fifos, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_and_multiple_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_and_github_formats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_color, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ast_command, setup, teardown),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
