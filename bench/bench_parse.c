/* Lex+parse throughput and peak memory on one schema file:
 *   bench_parse FILE [REPEAT]
 * Prints: bytes; best MB/s over REPEAT runs in one pass (wall clock, then CPU time: the fair
 * figure on a busy machine); best MB/s in parallel chunks (wall clock) and the number of
 * threads; peak RSS (KiB); peak RSS / input size; the number of blocks parsed. */
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

typedef struct Run {
    double wall, cpu;
    uint32_t bytes, blocks;
} Run;

static Run best_of(const char *path, int repeat, const ParseOptions *opt)
{
    Run best = {1e30, 1e30, 0, 0};
    for (int r = 0; r < repeat; r++) {
        Arena arena;
        arena_init(&arena);
        SourceSet set;
        source_set_init(&set, &arena);
        Diags diags;
        diags_init(&diags, &arena);
        char *err = NULL;
        if (source_add_path(&set, path, &err) != SOURCE_OK) {
            fprintf(stderr, "bench_parse: %s\n", err);
            exit(2);
        }
        double t0 = now_seconds(CLOCK_MONOTONIC), c0 = now_seconds(CLOCK_PROCESS_CPUTIME_ID);
        Ast *ast = ast_parse_with(&set, &diags, opt);
        double t = now_seconds(CLOCK_MONOTONIC) - t0, c = now_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (diags.errors) {
            fprintf(stderr, "bench_parse: %s has %u errors\n", path, diags.errors);
            exit(1);
        }
        best.bytes = set.files[0].len;
        best.blocks = ast->nblocks;
        if (t < best.wall)
            best.wall = t;
        if (c < best.cpu)
            best.cpu = c;
        arena_free(&arena);
    }
    return best;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_parse FILE [REPEAT]\n");
        return 2;
    }
    int repeat = argc > 2 ? atoi(argv[2]) : 5;
    ParseOptions one = {.threads = 1, .min_chunk_bytes = 1};
    ParseOptions many = parse_options_default();
    Run a = best_of(argv[1], repeat, &one);
    Run b = best_of(argv[1], repeat, &many);
    long rss = peak_rss_kib();
    printf("%u %.1f %.1f %.1f %u %ld %.2f %u\n", a.bytes, a.bytes / a.wall / 1e6, a.bytes / a.cpu / 1e6,
           b.bytes / b.wall / 1e6, many.threads, rss, rss * 1024.0 / a.bytes, a.blocks);
    return 0;
}
