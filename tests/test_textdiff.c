/* Unified diffs for --check outputs. */
#include "testutil.h"
#include "prismac/textdiff.h"

static char *diff_of(const char *a, const char *b)
{
    Capture c;
    FILE *f = capture_begin(&c);
    bool differ = textdiff_unified(f, "a", a, strlen(a), "b", b, strlen(b), 3, false);
    char *out = capture_end(&c);
    if (!differ)
        assert_string_equal(out, "");
    return out;
}

static void test_equal_texts(void **state)
{
    (void)state;
    char *d = diff_of("x\ny\n", "x\ny\n");
    assert_string_equal(d, "");
    free(d);
}

static void test_change_in_the_middle(void **state)
{
    (void)state;
    char *d = diff_of("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n");
    assert_string_equal(d, "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
    free(d);
}

static void test_two_hunks(void **state)
{
    (void)state;
    char *d = diff_of("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n", "A\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nL\n");
    assert_string_equal(d, "--- a\n+++ b\n@@ -1,4 +1,4 @@\n-a\n+A\n b\n c\n d\n@@ -9,4 +9,4 @@\n i\n j\n k\n-l\n+L\n");
    free(d);
}

static void test_insert_into_empty_and_no_newline(void **state)
{
    (void)state;
    char *d = diff_of("", "x\ny");
    assert_string_equal(d, "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n\\ No newline at end of file\n");
    free(d);
    d = diff_of("model A {\n}\n", "model A {\n}");
    assert_string_equal(d, "--- a\n+++ b\n@@ -1,2 +1,2 @@\n model A {\n-}\n+}\n\\ No newline at end of file\n");
    free(d);
}

static void test_line_endings_count(void **state)
{
    (void)state;
    char *d = diff_of("a\r\nb\r\n", "a\nb\r\n");
    assert_string_equal(d, "--- a\n+++ b\n@@ -1,2 +1,2 @@\n-a\r\n+a\n b\r\n");
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal_texts),
        cmocka_unit_test(test_change_in_the_middle),
        cmocka_unit_test(test_two_hunks),
        cmocka_unit_test(test_insert_into_empty_and_no_newline),
        cmocka_unit_test(test_line_endings_count),
    };
    return cmocka_run_group_tests_name("textdiff", tests, NULL, NULL);
}
