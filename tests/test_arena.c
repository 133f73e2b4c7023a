/* The arena allocator: zeroed, aligned bump allocation; the helpers that grow arrays and copy
 * strings; the shared pool of huge pages that large arenas take their pieces from, with arenas
 * freed in any order; big scratch buffers; and the idle-time prefaulting of the pool, while
 * several threads take and give back memory, up to what a command expects to need. */
#include "testutil.h"

#include "prismac/arena.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static bool all_zero(const void *p, size_t size)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < size; i++)
        if (b[i])
            return false;
    return true;
}

/* A byte pattern that differs by owner and offset, to catch memory handed out twice. */
static unsigned char pattern(uint32_t owner, size_t i)
{
    return (unsigned char)(owner * 131u + i * 7u + 1u);
}

static void fill(void *p, size_t size, uint32_t owner)
{
    unsigned char *b = p;
    for (size_t i = 0; i < size; i++)
        b[i] = pattern(owner, i);
}

static bool holds(const void *p, size_t size, uint32_t owner)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < size; i++)
        if (b[i] != pattern(owner, i))
            return false;
    return true;
}

static void test_alloc_zeroed_aligned(void **state)
{
    (void)state;
    Arena a;
    arena_init(&a);
    void *blocks[200];
    size_t sizes[200];
    for (uint32_t i = 0; i < 200; i++) {
        sizes[i] = (size_t)i * 37 % 5000;     /* 0 included: still a distinct block */
        blocks[i] = arena_alloc(&a, sizes[i]);
        assert_non_null(blocks[i]);
        assert_int_equal((uintptr_t)blocks[i] % 8, 0);
        assert_true(all_zero(blocks[i], sizes[i]));
        fill(blocks[i], sizes[i], i);
    }
    for (uint32_t i = 0; i < 200; i++)
        assert_true(holds(blocks[i], sizes[i], i));
    assert_true(a.allocated >= 200 * 2500 / 2);
    arena_free(&a);
    assert_null(a.head);
    assert_int_equal(a.allocated, 0);
    /* an arena can be used again after a free */
    char *p = arena_alloc(&a, 10);
    assert_true(all_zero(p, 10));
    arena_free(&a);
}

static void test_helpers(void **state)
{
    (void)state;
    Arena a;
    arena_init(&a);
    Str s = arena_str(&a, "model User", 5);
    assert_int_equal(s.len, 5);
    assert_string_equal(s.ptr, "model");
    assert_string_equal(arena_strdup(&a, "db.VarChar"), "db.VarChar");
    assert_string_equal(arena_sprintf(&a, "%s_%u_key", "User", 7u), "User_7_key");
    assert_true(str_eq(s, STR_LIT("model")));
    assert_true(str_eq_cstr(s, "model"));
    assert_false(str_eq_cstr(s, "models"));
    assert_int_equal(str_hash(STR_LIT("")), 2166136261u);

    uint32_t *items = NULL, count = 0, cap = 0;
    for (uint32_t i = 0; i < 1000; i++)
        ARENA_PUSH(&a, items, count, cap, i * 3);
    assert_int_equal(count, 1000);
    assert_true(cap >= 1000);
    for (uint32_t i = 0; i < 1000; i++)
        assert_int_equal(items[i], i * 3);
    uint32_t ecap = cap;
    items = arena_grow_exact(&a, items, count, &ecap, cap + 5, sizeof *items);
    assert_int_equal(ecap, cap + 5);
    assert_int_equal(items[999], 999 * 3);
    arena_free(&a);
}

/* Arenas past the pool's threshold take pieces of the same region one after the other: each
 * keeps its own bytes, whatever is freed meanwhile, and every allocation comes zeroed, also
 * after memory went back to the pool. */
static void test_pool_interleaved(void **state)
{
    (void)state;
    enum { N = 6, ROUNDS = 40, SIZE = 40 * 1024 };
    Arena arenas[N];
    void *blocks[N][ROUNDS];
    for (uint32_t k = 0; k < N; k++)
        arena_init(&arenas[k]);
    for (uint32_t r = 0; r < ROUNDS; r++)
        for (uint32_t k = 0; k < N; k++) {
            blocks[k][r] = arena_alloc(&arenas[k], SIZE);
            assert_true(all_zero(blocks[k][r], SIZE));
            fill(blocks[k][r], SIZE, k * ROUNDS + r);
        }
    /* one large allocation (a chunk of its own) in the middle of arena 0 */
    void *large = arena_alloc(&arenas[0], 3 * 1024 * 1024);
    assert_true(all_zero(large, 3 * 1024 * 1024));
    fill(large, 3 * 1024 * 1024, 999);
    /* free every other arena; the rest keep their bytes */
    for (uint32_t k = 1; k < N; k += 2)
        arena_free(&arenas[k]);
    for (uint32_t k = 0; k < N; k += 2)
        for (uint32_t r = 0; r < ROUNDS; r++)
            assert_true(holds(blocks[k][r], SIZE, k * ROUNDS + r));
    assert_true(holds(large, 3 * 1024 * 1024, 999));
    /* new arenas after the frees: zeroed memory again */
    for (uint32_t k = 1; k < N; k += 2)
        for (uint32_t r = 0; r < ROUNDS; r++) {
            void *p = arena_alloc(&arenas[k], SIZE);
            assert_true(all_zero(p, SIZE));
            fill(p, SIZE, 7);
        }
    for (uint32_t k = 0; k < N; k += 2)
        for (uint32_t r = 0; r < ROUNDS; r++)
            assert_true(holds(blocks[k][r], SIZE, k * ROUNDS + r));
    for (uint32_t k = 0; k < N; k++)
        arena_free(&arenas[k]);
}

static void test_reserve_and_adopt(void **state)
{
    (void)state;
    Arena a, b;
    arena_init(&a);
    arena_init(&b);
    arena_reserve(&a, 100 * 1024 * 1024);   /* at most a piece is taken at once */
    assert_true(a.allocated < 1024 * 1024);
    char *pa = arena_alloc(&a, 1000), *pb = arena_alloc(&b, 1000);
    fill(pa, 1000, 1);
    fill(pb, 1000, 2);
    size_t total = a.allocated + b.allocated;
    arena_adopt(&a, &b);
    assert_int_equal(a.allocated, total);
    assert_null(b.head);
    assert_true(holds(pa, 1000, 1));
    assert_true(holds(pb, 1000, 2));
    char *pc = arena_alloc(&a, 1000);
    assert_true(all_zero(pc, 1000));
    arena_free(&a);
}

static void test_big_buffers(void **state)
{
    (void)state;
    /* below the threshold, across it, and within the same mapped size */
    size_t sizes[] = {100, 200 * 1024, ARENA_BIG_FROM, 3 * 1024 * 1024, 3 * 1024 * 1024 + 10, 50 * 1024, 8};
    unsigned char *p = NULL;
    size_t old = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        size_t n = sizes[i];
        p = arena_big_realloc(p, old, n);
        size_t kept = old < n ? old : n;
        assert_true(holds(p, kept, 5));
        fill(p, n, 5);
        old = n;
    }
    arena_big_free(p, old);
    unsigned char *z = arena_big_calloc(5 * 1024 * 1024);
    assert_true(all_zero(z, 5 * 1024 * 1024));
    arena_big_free(z, 5 * 1024 * 1024);
    z = arena_big_calloc(1000);
    assert_true(all_zero(z, 1000));
    arena_big_free(z, 1000);
    arena_big_free(NULL, 123);
}

/* Threads that take memory from the pool and give it back, in pieces and in large chunks, while
 * the prefaulting thread backs pages ahead of them: every allocation zeroed, every byte kept. */
typedef struct Churn {
    uint32_t id;
    bool ok;
} Churn;

static void *churn(void *arg)
{
    Churn *c = arg;
    c->ok = true;
    uint32_t seed = c->id * 2654435761u + 1;
    for (uint32_t round = 0; round < 6 && c->ok; round++) {
        Arena a;
        arena_init(&a);
        enum { BLOCKS = 300 };
        void *blocks[BLOCKS];
        size_t sizes[BLOCKS];
        for (uint32_t i = 0; i < BLOCKS; i++) {
            seed = seed * 1103515245u + 12345u;
            /* mostly small; one in 16 large enough for a chunk of its own */
            sizes[i] = (seed >> 8) % 16 == 0 ? 100 * 1024 + (seed >> 4) % (600 * 1024) : (seed >> 8) % 20000;
            blocks[i] = arena_alloc(&a, sizes[i]);
            if (!all_zero(blocks[i], sizes[i]))
                c->ok = false;
            fill(blocks[i], sizes[i], c->id * 1000 + i);
        }
        for (uint32_t i = 0; i < BLOCKS; i++)
            if (!holds(blocks[i], sizes[i], c->id * 1000 + i))
                c->ok = false;
        arena_free(&a);
    }
    return NULL;
}

static void test_prefault_while_threads_churn(void **state)
{
    (void)state;
    arena_prefault_start();
    arena_prefault_start();     /* once per process: a second call changes nothing */
    enum { THREADS = 3 };
    pthread_t ids[THREADS];
    Churn work[THREADS];
    for (uint32_t t = 0; t < THREADS; t++) {
        work[t] = (Churn){.id = t + 1};
        assert_int_equal(pthread_create(&ids[t], NULL, churn, &work[t]), 0);
    }
    Churn here = {.id = 100};
    churn(&here);
    assert_true(here.ok);
    for (uint32_t t = 0; t < THREADS; t++) {
        pthread_join(ids[t], NULL);
        assert_true(work[t].ok);
    }
    /* and on this thread, after all of them */
    Churn last = {.id = 200};
    churn(&last);
    assert_true(last.ok);
}

/* Whether any 4 KiB page of [p, p + size) is resident. */
static bool any_resident(const void *p, size_t size)
{
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t from = (uintptr_t)p / (uintptr_t)page * (uintptr_t)page;
    size_t n = ((uintptr_t)p + size - from + (size_t)page - 1) / (size_t)page;
    unsigned char *vec = calloc(n, 1);
    assert_non_null(vec);
    assert_int_equal(mincore((void *)from, n * (size_t)page, vec), 0);
    bool any = false;
    for (size_t i = 0; i < n; i++)
        any = any || (vec[i] & 1);
    free(vec);
    return any;
}

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* Pieces of the pool, one after the other; returns the end of the last one. */
static char *take_pieces(Arena *a, uint32_t n)
{
    char *end = NULL;
    for (uint32_t i = 0; i < n; i++) {
        char *p = arena_alloc(a, 200 * 1024);
        end = p + 200 * 1024;
    }
    return end;
}

/* Past what a command expects to need, the prefaulting thread backs nothing: pages ahead of the
 * pool's last piece stay untouched once the estimate is used up (and before, it does back
 * them, so the check is not empty). */
static void test_prefault_expect(void **state)
{
    (void)state;
    arena_prefault_start();
    Arena a;
    arena_init(&a);
    size_t before = arena_pool_taken();
    arena_reserve(&a, 1024 * 1024);     /* on the pool from the start */
    char *end = take_pieces(&a, 8);
    assert_true(arena_pool_taken() >= before + 7 * 200 * 1024);
    /* no limit: the pages after the last piece are backed ahead, within a few seconds */
    arena_prefault_expect((size_t)64 * 1024 * 1024);
    end = take_pieces(&a, 8);
    bool backed = false;
    for (int i = 0; i < 400 && !backed; i++) {
        backed = any_resident(end + 2 * 1024 * 1024, 2 * 1024 * 1024);
        if (!backed)
            sleep_ms(10);
    }
    assert_true(backed);
    /* nothing more expected: once the pieces taken pass what was backed, nothing further is */
    arena_prefault_expect(0);
    end = take_pieces(&a, 240);     /* 48 MB: past the 32 MB the thread may have backed ahead */
    sleep_ms(200);
    assert_false(any_resident(end + 2 * 1024 * 1024, 4 * 1024 * 1024));
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_zeroed_aligned),
        cmocka_unit_test(test_helpers),
        cmocka_unit_test(test_pool_interleaved),
        cmocka_unit_test(test_reserve_and_adopt),
        cmocka_unit_test(test_big_buffers),
        cmocka_unit_test(test_prefault_while_threads_churn),
        cmocka_unit_test(test_prefault_expect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
