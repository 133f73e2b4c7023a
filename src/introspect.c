/* Introspection: the entry point that picks the dialect from the URL. */
#include "prismac/introspect.h"

#include <time.h>

double introspect_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

SqlSchema *introspect_url(const DbUrl *url, const IntrospectOptions *opts, IntrospectStats *stats, DbError *err)
{
    if (url->kind == DBURL_SQLITE)
        return introspect_sqlite(url, opts, stats, err);
    return introspect_postgres(url, opts, stats, err);
}
