/* Lex+parse throughput and peak memory on one schema file:
 *   bench_parse FILE [REPEAT]
 * Prints: bytes, best MB/s over REPEAT runs by the wall clock and by CPU time (the fair figure on a
 * busy machine), peak RSS (KiB), peak RSS / input size, and the number of blocks parsed. */
#include "prismac/ast.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now_seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_parse FILE [REPEAT]\n");
        return 2;
    }
    int repeat = argc > 2 ? atoi(argv[2]) : 5;
    double best = 1e30, best_cpu = 1e30;
    uint32_t bytes = 0, blocks = 0;
    for (int r = 0; r < repeat; r++) {
        Arena arena;
        arena_init(&arena);
        SourceSet set;
        source_set_init(&set, &arena);
        Diags diags;
        diags_init(&diags, &arena);
        char *err = NULL;
        if (source_add_path(&set, argv[1], &err) != SOURCE_OK) {
            fprintf(stderr, "bench_parse: %s\n", err);
            return 2;
        }
        bytes = set.files[0].len;
        double t0 = now_seconds(CLOCK_MONOTONIC), c0 = now_seconds(CLOCK_PROCESS_CPUTIME_ID);
        Ast *ast = ast_parse(&set, &diags);
        double t = now_seconds(CLOCK_MONOTONIC) - t0, c = now_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (diags.errors) {
            fprintf(stderr, "bench_parse: %s has %u errors\n", argv[1], diags.errors);
            return 1;
        }
        blocks = ast->nblocks;
        if (t < best)
            best = t;
        if (c < best_cpu)
            best_cpu = c;
        arena_free(&arena);
    }
    long rss = peak_rss_kib();
    printf("%u %.1f %.1f %ld %.2f %u\n", bytes, bytes / best / 1e6, bytes / best_cpu / 1e6, rss, rss * 1024.0 / bytes, blocks);
    return 0;
}
