/* `prismac sql` stage by stage on one schema file:
 *   bench_sql FILE [REPEAT]
 * Prints the best time over REPEAT runs (milliseconds, wall clock) of: parse, resolve+validate,
 * lower, diff, render, and their total; then the output size in bytes and the peak RSS (KiB). */
#include "prismac/ast.h"
#include "prismac/db.h"
#include "prismac/lower.h"
#include "prismac/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The script's pieces counted and dropped, as if written to /dev/null. */
static bool count_bytes(void *ctx, const char *bytes, size_t len)
{
    (void)bytes;
    *(size_t *)ctx += len;
    return true;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_sql FILE [REPEAT]\n");
        return 2;
    }
    int repeat = argc > 2 ? atoi(argv[2]) : 5;
    enum { PARSE, RESOLVE, LOWER, DIFF, RENDER, TOTAL, NSTAGES };
    double best[NSTAGES];
    for (int i = 0; i < NSTAGES; i++)
        best[i] = 1e30;
    size_t bytes = 0;
    for (int r = 0; r < repeat; r++) {
        double t[NSTAGES + 1];
        t[0] = now_ms();
        Arena arena;
        arena_init(&arena);
        SourceSet set;
        source_set_init(&set, &arena);
        Diags diags;
        diags_init(&diags, &arena);
        char *err = NULL;
        if (source_add_path(&set, argv[1], &err) != SOURCE_OK) {
            fprintf(stderr, "bench_sql: %s\n", err);
            return 2;
        }
        Ast *ast = ast_parse(&set, &diags);
        t[1] = now_ms();
        Db *db = db_resolve(ast, &diags);
        db_validate(db, PROVIDER_NONE, &diags);
        if (diags.errors) {
            fprintf(stderr, "bench_sql: %s has %u errors\n", argv[1], diags.errors);
            return 1;
        }
        t[2] = now_ms();
        SqlFlavour flavour = lower_flavour_for(db->provider);
        const Dialect *dialect = dialect_for_flavour(flavour);
        SqlSchema *next = lower_schema_borrowing(db, dialect);
        t[3] = now_ms();
        SqlSchema *prev = sql_schema_new(flavour);
        Migration *m = migrate_diff(prev, next, dialect);
        t[4] = now_ms();
        bytes = 0;
        migrate_render_script_to(m, NULL, count_bytes, &bytes);     /* as prismac sql renders */
        t[5] = now_ms();
        migrate_free(m);
        sql_schema_free(prev);
        sql_schema_free(next);
        arena_free(&arena);
        for (int i = 0; i < TOTAL; i++)
            if (t[i + 1] - t[i] < best[i])
                best[i] = t[i + 1] - t[i];
        if (t[5] - t[0] < best[TOTAL])
            best[TOTAL] = t[5] - t[0];
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%.1f %.1f %.1f %.1f %.1f %.1f %zu %ld\n", best[PARSE], best[RESOLVE], best[LOWER], best[DIFF], best[RENDER],
           best[TOTAL], bytes, ru.ru_maxrss);
    return 0;
}
