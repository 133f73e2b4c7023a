/* parallel_run: the thread shares of resolution and validation. */
#include "prismac/parallel.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

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
        started[i] = pthread_create(&threads[i], NULL, fn, base + i * item_size) == 0;
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
