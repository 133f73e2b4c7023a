/* Test helper for the introspection suites: the round trip the drift check depends on. For
 * every schema of fixtures/sql that is valid for a provider: lower it, print its DDL (prismac's
 * own renderer, the valid-SQL dialect), apply that to a scratch database, introspect the
 * database, and diff the introspected schema against the lowered one: a database made from a
 * schema must show no drift against it. */
#ifndef PRISMAC_TEST_ROUNDTRIP_H
#define PRISMAC_TEST_ROUNDTRIP_H

#include "prismac/dbexec.h"
#include "prismac/dialect.h"
#include "prismac/introspect.h"
#include "prismac/lower.h"
#include "prismac/migrate.h"

#include <dirent.h>

/* The schema text with the datasource's provider set to `provider` (malloc'd). */
static inline char *rt_swap_provider(const char *text, const char *provider)
{
    size_t n = strlen(text);
    char *out = malloc(n + 64);
    size_t o = 0;
    bool in_ds = false, done = false;
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p + 1) : strlen(p);
        const char *q = p;
        while (q < p + len && (*q == ' ' || *q == '\t'))
            q++;
        if (!in_ds && strncmp(q, "datasource", 10) == 0)
            in_ds = true;
        if (in_ds && !done && strncmp(q, "provider", 8) == 0) {
            const char *a = memchr(q, '"', (size_t)(p + len - q));
            const char *b = a ? memchr(a + 1, '"', (size_t)(p + len - a - 1)) : NULL;
            if (a && b) {
                memcpy(out + o, p, (size_t)(a + 1 - p));
                o += (size_t)(a + 1 - p);
                memcpy(out + o, provider, strlen(provider));
                o += strlen(provider);
                memcpy(out + o, b, (size_t)(p + len - b));
                o += (size_t)(p + len - b);
                done = true;
                p += len;
                continue;
            }
        }
        if (in_ds && memchr(p, '}', len))
            in_ds = false;
        memcpy(out + o, p, len);
        o += len;
        p += len;
    }
    out[o] = '\0';
    return out;
}

typedef struct RoundTrip {
    int checked, invalid, failed_apply, drifted, known, prisma_only;
} RoundTrip;

/* A round trip may drift only where Prisma's own engine drifts on a database made from the same
 * DDL: its script is recorded as fixtures/sql/NAME.P.roundtrip (scripts/golden-roundtrip.sh).
 * prismac's drift must be that script, or, for the fixtures below, lines of it: there Prisma
 * writes more than prismac, and what prismac leaves out is a mistake of Prisma's (given with the
 * reason). What both report is deliberate: we match Prisma there.
 *   - 030, 034, 125: PostgreSQL cuts identifiers to 63 bytes, lowering does not (neither does
 *     Prisma's): names over 63 bytes drift, as for Prisma (its scripts are prismac's).
 *   - 072: `@db.Char` / `@db.Bit` without a length are CHAR / BIT, which PostgreSQL keeps as
 *     CHAR(1) / BIT(1): both drift (column type). */
static const char *const RT_KNOWN[][3] = {
    {"postgresql", "072-native-types-string.prisma",
     "Prisma also resets a uuid default PostgreSQL prints as '...'::uuid (the same value)"},
    {"postgresql", "128-index-on-unsupported-and-mapped.prisma",
     "Prisma also recreates an index with an operator class and DESC on one column (unchanged; 306 as well)"},
};

static inline const char *rt_known(const char *provider, const char *name)
{
    for (size_t i = 0; i < sizeof RT_KNOWN / sizeof RT_KNOWN[0]; i++)
        if (strcmp(RT_KNOWN[i][0], provider) == 0 && strcmp(RT_KNOWN[i][1], name) == 0)
            return RT_KNOWN[i][2];
    return NULL;
}

/* The lines of a script without white space at their ends and a final , or ; (a clause of an
 * ALTER TABLE is the same clause wherever it stands in the statement); blank lines left out. */
static inline size_t rt_lines(const char *text, size_t len, char ***out)
{
    size_t n = 0, cap = 0;
    char **lines = NULL;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        size_t a = i, b = e;
        while (a < b && (text[a] == ' ' || text[a] == '\t'))
            a++;
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
            b--;
        if (b > a && (text[b - 1] == ',' || text[b - 1] == ';'))
            b--;
        if (b > a) {
            if (n == cap) {
                cap = cap ? cap * 2 : 32;
                lines = realloc(lines, cap * sizeof *lines);
            }
            lines[n++] = strndup(text + a, b - a);
        }
        i = e + 1;
    }
    *out = lines;
    return n;
}

/* Is every line of `ours` a line of `theirs` (each used once)? */
static inline bool rt_lines_within(const char *ours, size_t olen, const char *theirs)
{
    char **a, **b;
    size_t na = rt_lines(ours, olen, &a), nb = rt_lines(theirs, strlen(theirs), &b);
    bool *used = calloc(nb + 1, 1);
    bool all = true;
    for (size_t i = 0; i < na && all; i++) {
        bool found = false;
        for (size_t j = 0; j < nb && !found; j++)
            if (!used[j] && strcmp(a[i], b[j]) == 0)
                found = used[j] = true;
        all = found;
    }
    for (size_t i = 0; i < na; i++)
        free(a[i]);
    for (size_t j = 0; j < nb; j++)
        free(b[j]);
    free(a);
    free(b);
    free(used);
    return all;
}

/* One fixture; `server` is NULL for SQLite. Drift is printed with the script that would
 * repair it. */
static inline void rt_fixture(const char *name, const char *text, SqlFlavour flavour, const DbUrl *server,
                              RoundTrip *rt)
{
    char *swapped = rt_swap_provider(text, flavour == SQL_SQLITE ? "sqlite" : "postgresql");
    Arena arena;
    arena_init(&arena);
    SourceSet set;
    source_set_init(&set, &arena);
    Diags diags;
    diags_init(&diags, &arena);
    source_add_text(&set, name, swapped, strlen(swapped));
    Ast *ast = ast_parse(&set, &diags);
    Db *db = db_resolve(ast, &diags);
    db_validate(db, PROVIDER_NONE, &diags);
    if (diags.errors) {
        rt->invalid++;
        arena_free(&arena);
        free(swapped);
        return;
    }
    const Dialect *d = dialect_get(flavour, false);
    SqlSchema *lowered = lower_schema(db, d);
    SqlSchema *empty = sql_schema_new(flavour);
    Migration *create = migrate_diff(empty, lowered, d);
    SqlBuf ddl = {0};
    migrate_render_script(create, NULL, &ddl);
    migrate_free(create);
    sql_schema_free(empty);

    DbError err = {0};
    DbScratch *scratch = dbexec_scratch_open(flavour, server, NULL, &err);
    if (!scratch) {
        print_error("%s: %s\n", name, err.message);
        fail();
    }
    if (!dbexec_apply(scratch, ddl.ptr, ddl.len, name, &err)) {
        /* an extension the test server lacks, or a type only an extension provides */
        print_message("round trip: %s does not apply: %s\n", name, err.message);
        rt->failed_apply++;
    } else {
        IntrospectOptions opts = {0};
        if (db->datasource && db->datasource->nschemas) {
            opts.schemas = db->datasource->schemas;
            opts.nschemas = db->datasource->nschemas;
        }
        SqlSchema *live = dbexec_introspect(scratch, &opts, NULL, &err);
        if (!live) {
            print_error("%s: %s\n", name, err.message);
            fail();
        }
        Migration *drift = migrate_diff(live, lowered, d);
        const char *provider = flavour == SQL_SQLITE ? "sqlite" : "postgresql";
        const char *known = NULL;
        /* Prisma's verdict on the same round trip, when it finds drift */
        char rtpath[600];
        snprintf(rtpath, sizeof rtpath, "fixtures/sql/%.*s.%s.roundtrip", (int)(strlen(name) - 7), name, provider);
        char *prisma = read_whole_file(rtpath, NULL);
        if (drift->nsteps && prisma) {
            SqlBuf script = {0};
            migrate_render_script(drift, NULL, &script);
            size_t a = script.len, b = strlen(prisma);
            while (a && (script.ptr[a - 1] == '\n' || script.ptr[a - 1] == ' '))
                a--;
            while (b && (prisma[b - 1] == '\n' || prisma[b - 1] == ' '))
                b--;
            if (a == b && memcmp(script.ptr, prisma, a) == 0)
                known = "the script Prisma writes on the same database";
            else if (rt_known(provider, name) && rt_lines_within(script.ptr, script.len, prisma))
                known = rt_known(provider, name);
            sqlbuf_free(&script);
        } else if (!drift->nsteps && prisma) {
            print_message("round trip: %s: no drift, where Prisma finds some (%s)\n", name, rtpath);
            rt->prisma_only++;
        }
        free(prisma);
        if (drift->nsteps && known) {
            print_message("round trip: %s: %u step(s) of known drift: %s\n", name, drift->nsteps, known);
            rt->known++;
        } else if (drift->nsteps) {
            SqlBuf script = {0};
            migrate_render_script(drift, NULL, &script);
            print_error("round trip: %s: %u step(s) of drift against its own database:\n%s\n", name, drift->nsteps,
                        script.ptr);
            sqlbuf_free(&script);
            rt->drifted++;
        }
        rt->checked++;
        migrate_free(drift);
        sql_schema_free(live);
    }
    dbexec_scratch_close(scratch);
    sqlbuf_free(&ddl);
    sql_schema_free(lowered);
    arena_free(&arena);
    free(swapped);
}

static inline int rt_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline RoundTrip rt_all(SqlFlavour flavour, const DbUrl *server)
{
    RoundTrip rt = {0};
    DIR *dir = opendir("fixtures/sql");
    assert_non_null(dir);
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len > 7 && strcmp(de->d_name + len - 7, ".prisma") == 0) {
            names = realloc(names, (n + 1) * sizeof *names);
            names[n++] = strdup(de->d_name);
        }
    }
    closedir(dir);
    qsort(names, n, sizeof *names, rt_name_cmp);
    for (size_t i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "fixtures/sql/%s", names[i]);
        char *text = read_whole_file(path, NULL);
        assert_non_null(text);
        rt_fixture(names[i], text, flavour, server, &rt);
        free(text);
        free(names[i]);
    }
    free(names);
    return rt;
}

#endif
