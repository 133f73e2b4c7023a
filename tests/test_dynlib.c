/* dynlib: a library loaded on first use, and the message and exit status when it cannot be. */
#include "testutil.h"

#include "dynlib.h"

typedef struct MathLib {
    double (*cos)(double);
    double (*sqrt)(double);
} MathLib;

static MathLib math_table;

/* Runs dynlib_load(lib) in a child; returns its exit status and what it printed on stderr. */
static int load_in_child(const Dynlib *lib, char *err, size_t errsize)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        dynlib_load(lib);
        _exit(0);
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < errsize && (r = read(fds[0], err + n, errsize - 1 - n)) > 0)
        n += (size_t)r;
    err[n] = '\0';
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void test_loads_every_symbol(void **state)
{
    (void)state;
    static const DynlibSymbol symbols[] = {DYNLIB_SYMBOL(math_table, cos) DYNLIB_SYMBOL(math_table, sqrt)};
    static const Dynlib lib = {"libm.so.6", "the C math library", symbols, 2};
    dynlib_load(&lib);
    assert_non_null(math_table.sqrt);
    assert_true(math_table.sqrt(16.0) == 4.0);
    assert_true(math_table.cos(0.0) == 1.0);
}

static void test_missing_library_exits_2_naming_it(void **state)
{
    (void)state;
    static const DynlibSymbol symbols[] = {DYNLIB_SYMBOL(math_table, cos)};
    static const Dynlib lib = {"libprismac-no-such-library.so.9", "the test library", symbols, 1};
    char err[1024];
    assert_int_equal(load_in_child(&lib, err, sizeof err), 2);
    assert_non_null(strstr(err, "prismac: cannot load the test library (libprismac-no-such-library.so.9): "));
    assert_non_null(strchr(err, '\n'));
}

static void test_missing_symbol_exits_2_naming_it(void **state)
{
    (void)state;
    static struct {
        void (*prismac_no_such_function)(void);
    } table;
    static const DynlibSymbol symbols[] = {DYNLIB_SYMBOL(table, prismac_no_such_function)};
    static const Dynlib lib = {"libm.so.6", "the C math library", symbols, 1};
    char err[1024];
    assert_int_equal(load_in_child(&lib, err, sizeof err), 2);
    assert_non_null(strstr(err, "prismac: cannot load the C math library (libm.so.6): "));
    assert_non_null(strstr(err, "prismac_no_such_function"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loads_every_symbol),
        cmocka_unit_test(test_missing_library_exits_2_naming_it),
        cmocka_unit_test(test_missing_symbol_exits_2_naming_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
