/* parallel_run and parallel_run_shared call their function once for each item;
 * parallel_thread_create starts a thread that keeps the caller's attributes and may run on
 * every CPU the process may (its start on another CPU is a hint the thread lifts at once). */
#define _GNU_SOURCE     /* cpu_set_t, pthread_getattr_np */
#include "testutil.h"

#include "prismac/parallel.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

typedef struct {
    atomic_int calls;
    pthread_t thread;
} Item;

static void *count_call(void *arg)
{
    Item *item = arg;
    atomic_fetch_add(&item->calls, 1);
    item->thread = pthread_self();
    return NULL;
}

static void test_parallel_run_each_item_once(void **state)
{
    (void)state;
    for (uint32_t n = 0; n <= 6; n++) {
        Item items[6];
        memset(items, 0, sizeof items);
        parallel_run(items, sizeof *items, n, count_call);
        for (uint32_t i = 0; i < 6; i++)
            assert_int_equal(atomic_load(&items[i].calls), i < n ? 1 : 0);
        /* the first item on the caller's thread, the others on threads of their own */
        if (n > 0)
            assert_true(pthread_equal(items[0].thread, pthread_self()));
        for (uint32_t i = 1; i < n; i++)
            assert_false(pthread_equal(items[i].thread, pthread_self()));
    }
}

static void test_parallel_run_shared_each_item_once(void **state)
{
    (void)state;
    for (uint32_t threads = 0; threads <= 4; threads++)
        for (uint32_t n = 0; n <= 9; n++) {
            Item items[9];
            memset(items, 0, sizeof items);
            parallel_run_shared(items, sizeof *items, n, threads, count_call);
            for (uint32_t i = 0; i < 9; i++)
                assert_int_equal(atomic_load(&items[i].calls), i < n ? 1 : 0);
        }
}

typedef struct {
    cpu_set_t seen;         /* the thread's CPUs, as it runs */
    bool read;
    size_t stack;           /* its stack size */
    int detach;
    atomic_bool done;
} Observed;

static void *observe(void *arg)
{
    Observed *o = arg;
    o->read = sched_getaffinity(0, sizeof o->seen, &o->seen) == 0;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        pthread_attr_getstacksize(&attr, &o->stack);
        pthread_attr_getdetachstate(&attr, &o->detach);
        pthread_attr_destroy(&attr);
    }
    atomic_store(&o->done, true);
    return NULL;
}

static void test_thread_may_run_on_every_cpu(void **state)
{
    (void)state;
    cpu_set_t allowed;
    assert_int_equal(sched_getaffinity(0, sizeof allowed, &allowed), 0);
    for (unsigned spread = 0; spread < 4; spread++) {
        Observed o = {0};
        pthread_t t;
        assert_int_equal(parallel_thread_create(&t, NULL, observe, &o, spread), 0);
        assert_int_equal(pthread_join(t, NULL), 0);
        assert_true(o.read);
        /* not left pinned to the CPU it started on */
        assert_true(CPU_EQUAL(&o.seen, &allowed));
        assert_int_equal(o.detach, PTHREAD_CREATE_JOINABLE);
    }
}

static void test_thread_keeps_the_callers_attributes(void **state)
{
    (void)state;
    pthread_attr_t attr;
    assert_int_equal(pthread_attr_init(&attr), 0);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    size_t want = 256 * 1024;
    pthread_attr_setstacksize(&attr, want);
    Observed o = {0};
    pthread_t t;
    assert_int_equal(parallel_thread_create(&t, &attr, observe, &o, 1), 0);
    pthread_attr_destroy(&attr);
    for (int i = 0; i < 10000 && !atomic_load(&o.done); i++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    assert_true(atomic_load(&o.done));
    assert_int_equal(o.detach, PTHREAD_CREATE_DETACHED);
    assert_true(o.stack >= want && o.stack < want * 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parallel_run_each_item_once),
        cmocka_unit_test(test_parallel_run_shared_each_item_once),
        cmocka_unit_test(test_thread_may_run_on_every_cpu),
        cmocka_unit_test(test_thread_keeps_the_callers_attributes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
