/* Validation throughput on one schema file, stage by stage and end to end:
 *   bench_validate FILE [REPEAT]
 * Each run reads the file, parses, resolves and validates it (what `prismac validate` does,
 * without printing). Prints: bytes, then the best MB/s over REPEAT runs by CPU time (the fair
 * figure on a busy machine) for parse, resolve, validate and the whole (read + parse +
 * resolve + validate), then the whole by the wall clock, then peak RSS (KiB). The schema must
 * be valid: validating an invalid one measures the error paths instead. */
#include "prismac/db.h"

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

static double cpu(void)
{
    return now_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_validate FILE [REPEAT]\n");
        return 2;
    }
    int repeat = argc > 2 ? atoi(argv[2]) : 5;
    double best_parse = 1e30, best_resolve = 1e30, best_validate = 1e30, best_total = 1e30, best_wall = 1e30;
    uint32_t bytes = 0;
    for (int r = 0; r < repeat; r++) {
        double w0 = now_seconds(CLOCK_MONOTONIC), c0 = cpu();
        Arena arena;
        arena_init(&arena);
        SourceSet set;
        source_set_init(&set, &arena);
        Diags diags;
        diags_init(&diags, &arena);
        char *err = NULL;
        if (source_add_path(&set, argv[1], &err) != SOURCE_OK) {
            fprintf(stderr, "bench_validate: %s\n", err);
            return 2;
        }
        bytes = set.files[0].len;
        double c1 = cpu();
        Ast *ast = ast_parse(&set, &diags);
        double c2 = cpu();
        Db *db = db_resolve(ast, &diags);
        double c3 = cpu();
        db_validate(db, PROVIDER_NONE, &diags);
        double c4 = cpu(), w4 = now_seconds(CLOCK_MONOTONIC);
        if (diags.errors) {
            fprintf(stderr, "bench_validate: %s has %u errors; benchmark a valid schema\n", argv[1], diags.errors);
            return 1;
        }
        arena_free(&arena);
        if (c2 - c1 < best_parse)
            best_parse = c2 - c1;
        if (c3 - c2 < best_resolve)
            best_resolve = c3 - c2;
        if (c4 - c3 < best_validate)
            best_validate = c4 - c3;
        if (c4 - c0 < best_total)
            best_total = c4 - c0;
        if (w4 - w0 < best_wall)
            best_wall = w4 - w0;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%u %.1f %.1f %.1f %.1f %.1f %ld\n", bytes, bytes / best_parse / 1e6, bytes / best_resolve / 1e6,
           bytes / best_validate / 1e6, bytes / best_total / 1e6, bytes / best_wall / 1e6, ru.ru_maxrss);
    return 0;
}
