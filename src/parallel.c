/* Threads for the shares of parsing, resolution, validation, lowering and rendering:
 * parallel_run, parallel_run_shared, and parallel_thread_create, which every thread of prismac
 * is started with. */
#define _GNU_SOURCE     /* cpu_set_t, pthread_attr_setaffinity_np */
#include "prismac/parallel.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __GLIBC__
/* The CPUs the process may run on, read once (a thread started by parallel_thread_create gets
 * them back when it starts). */
static struct {
    pthread_once_t once;
    cpu_set_t allowed;
    unsigned count;     /* 0: not known */
} thread_cpus = {.once = PTHREAD_ONCE_INIT};

static void thread_cpus_read(void)
{
    if (sched_getaffinity(0, sizeof thread_cpus.allowed, &thread_cpus.allowed) == 0)
        thread_cpus.count = (unsigned)CPU_COUNT(&thread_cpus.allowed);
}

/* The `spread`-th allowed CPU after `cpu`, counting round from it (and never `cpu` itself);
 * -1: there is no other. */
static int thread_cpu_after(int cpu, unsigned spread)
{
    if (thread_cpus.count < 2 || cpu < 0)
        return -1;
    unsigned skip = spread % (thread_cpus.count - 1);
    for (int i = 1; i < CPU_SETSIZE; i++) {
        int c = (cpu + i) % CPU_SETSIZE;
        if (c != cpu && CPU_ISSET(c, &thread_cpus.allowed) && skip-- == 0)
            return c;
    }
    return -1;
}

typedef struct {
    void *(*fn)(void *);
    void *arg;
} ThreadStart;

static void *thread_unpin(void *arg)
{
    ThreadStart start = *(ThreadStart *)arg;
    free(arg);
    pthread_setaffinity_np(pthread_self(), sizeof thread_cpus.allowed, &thread_cpus.allowed);
    return start.fn(start.arg);
}

/* A fresh attributes object with the caller's detach state and stack size (the two it may set)
 * and the new thread's one CPU; false if that cannot be. */
static bool thread_attr_pinned(pthread_attr_t *pinned, const pthread_attr_t *attr, int cpu)
{
    if (pthread_attr_init(pinned) != 0)
        return false;
    int detach;
    size_t stack;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    bool ok = (!attr || (pthread_attr_getdetachstate(attr, &detach) == 0 &&
                         pthread_attr_setdetachstate(pinned, detach) == 0 &&
                         pthread_attr_getstacksize(attr, &stack) == 0 &&
                         pthread_attr_setstacksize(pinned, stack) == 0)) &&
              pthread_attr_setaffinity_np(pinned, sizeof one, &one) == 0;
    if (!ok)
        pthread_attr_destroy(pinned);
    return ok;
}

int parallel_thread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg,
                           unsigned spread)
{
    pthread_once(&thread_cpus.once, thread_cpus_read);
    int cpu = thread_cpu_after(sched_getcpu(), spread);
    pthread_attr_t pinned;
    ThreadStart *start = cpu >= 0 ? malloc(sizeof *start) : NULL;
    if (!start || !thread_attr_pinned(&pinned, attr, cpu)) {
        free(start);
        return pthread_create(thread, attr, fn, arg);
    }
    *start = (ThreadStart){fn, arg};
    int rc = pthread_create(thread, &pinned, thread_unpin, start);
    pthread_attr_destroy(&pinned);
    if (rc != 0) {
        free(start);
        rc = pthread_create(thread, attr, fn, arg);
    }
    return rc;
}
#else
int parallel_thread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg,
                           unsigned spread)
{
    (void)spread;
    return pthread_create(thread, attr, fn, arg);
}
#endif

typedef struct {
    char *items;
    size_t item_size;
    uint32_t n;
    atomic_uint next;
    void *(*fn)(void *);
} SharedItems;

static void *take_items(void *arg)
{
    SharedItems *s = arg;
    for (uint32_t i; (i = atomic_fetch_add(&s->next, 1)) < s->n;)
        s->fn(s->items + i * s->item_size);
    return NULL;
}

void parallel_run_shared(void *items, size_t item_size, uint32_t n, uint32_t threads, void *(*fn)(void *))
{
    SharedItems s = {.items = items, .item_size = item_size, .n = n, .fn = fn};
    atomic_init(&s.next, 0);
    if (threads > n)
        threads = n;
    if (threads <= 1) {
        take_items(&s);
        return;
    }
    pthread_t *helpers = calloc(threads - 1, sizeof *helpers);
    bool *started = calloc(threads - 1, sizeof *started);
    if (!helpers || !started) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    for (uint32_t i = 0; i + 1 < threads; i++)
        started[i] = parallel_thread_create(&helpers[i], NULL, take_items, &s, i) == 0;
    take_items(&s);     /* and whatever a thread that did not start would have taken */
    for (uint32_t i = 0; i + 1 < threads; i++)
        if (started[i])
            pthread_join(helpers[i], NULL);
    free(helpers);
    free(started);
}

void parallel_run(void *items, size_t item_size, uint32_t n, void *(*fn)(void *))
{
    if (n == 0)
        return;
    char *base = items;
    pthread_t *threads = calloc(n, sizeof *threads);
    bool *started = calloc(n, sizeof *started);
    if (!threads || !started) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    for (uint32_t i = 1; i < n; i++)
        started[i] = parallel_thread_create(&threads[i], NULL, fn, base + i * item_size, i - 1) == 0;
    fn(base);
    for (uint32_t i = 1; i < n; i++) {
        if (started[i])
            pthread_join(threads[i], NULL);
        else
            fn(base + i * item_size);
    }
    free(threads);
    free(started);
}
