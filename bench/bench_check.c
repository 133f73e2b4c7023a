/* The drift check's speed on generated databases of N tables (make bench).
 *
 *   bench_check setup postgresql N SERVER_URL DIR   writes DIR/check-N.postgresql.prisma, creates
 *                                                    database prismac_check_N on the server from
 *                                                    the schema's own DDL (rendered by prismac),
 *                                                    then lets it drift: one column dropped, one
 *                                                    unique index dropped, one column added;
 *                                                    prints the database's URL
 *   bench_check setup sqlite N - DIR                 the same into DIR/check-N.db
 *   bench_check run SCHEMA URL REPEAT                the whole check in this process, REPEAT times
 *                                                    (schema read + validated + lowered,
 *                                                    database introspected, compared), and prints:
 *                                                    tables, catalog queries, findings, best and
 *                                                    median wall ms
 *
 * The tables look like a Prisma application's (serial id, text, unique email, an enum with a
 * default on PostgreSQL, a float, timestamps, a self-chained optional relation with its index,
 * a two-column index with DESC). */
#include "prismac/ast.h"
#include "prismac/check.h"
#include "prismac/db.h"
#include "prismac/introspect.h"
#include "prismac/lower.h"
#include "prismac/migrate.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void write_schema(const char *path, bool pg, int n)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fprintf(f, "datasource db {\n  provider = \"%s\"\n}\n\n", pg ? "postgresql" : "sqlite");
    if (pg)
        fprintf(f, "enum Status {\n  ACTIVE\n  INACTIVE\n}\n\n");
    for (int i = 1; i <= n; i++) {
        fprintf(f, "model T%d {\n", i);
        fprintf(f, "  id        Int      @id @default(autoincrement())\n");
        fprintf(f, "  name      String\n");
        fprintf(f, "  email     String   @unique\n");
        if (pg)
            fprintf(f, "  status    Status   @default(ACTIVE)\n");
        else
            fprintf(f, "  status    String   @default(\"ACTIVE\")\n");
        fprintf(f, "  score     Float?\n");
        fprintf(f, "  createdAt DateTime @default(now())\n");
        fprintf(f, "  updatedAt DateTime @updatedAt\n");
        if (i > 1) {
            fprintf(f, "  parentId  Int?\n");
            fprintf(f, "  parent    T%d?     @relation(fields: [parentId], references: [id])\n", i - 1);
        }
        if (i < n)
            fprintf(f, "  children  T%d[]\n", i + 1);
        if (i > 1)
            fprintf(f, "\n  @@index([parentId])\n");
        fprintf(f, "  @@index([name, createdAt(sort: Desc)])\n}\n\n");
    }
    fclose(f);
}

typedef struct Loaded {
    Arena arena;
    SourceSet sources;
    Diags diags;
    Db *db;
    SqlSchema *sql;
} Loaded;

static bool load_schema(const char *path, Loaded *l)
{
    arena_init(&l->arena);
    source_set_init(&l->sources, &l->arena);
    diags_init(&l->diags, &l->arena);
    char *err = NULL;
    if (source_add_path(&l->sources, path, &err) != SOURCE_OK) {
        fprintf(stderr, "%s\n", err);
        return false;
    }
    Ast *ast = ast_parse(&l->sources, &l->diags);
    l->db = db_resolve(ast, &l->diags);
    db_validate(l->db, PROVIDER_NONE, &l->diags);
    if (l->diags.errors) {
        diags_print(stderr, &l->sources, &l->diags, (DiagStyle){.color = false, .show_source = false});
        return false;
    }
    l->sql = lower_schema(l->db, dialect_get(lower_flavour_for(l->db->provider), false));
    return true;
}

static void loaded_free(Loaded *l)
{
    sql_schema_free(l->sql);
    arena_free(&l->arena);
}

static const char DRIFT_PG[] = "ALTER TABLE \"T1\" DROP COLUMN \"score\";\nDROP INDEX \"T2_email_key\";\n"
                               "ALTER TABLE \"T3\" ADD COLUMN \"legacy\" TEXT;\n";
static const char DRIFT_SQLITE[] = "ALTER TABLE \"T1\" DROP COLUMN \"score\";\nDROP INDEX \"T2_email_key\";\n"
                                   "ALTER TABLE \"T3\" ADD COLUMN \"legacy\" TEXT;\n";

static int setup(const char *dialect, int n, const char *server, const char *dir)
{
    bool pg = strcmp(dialect, "postgresql") == 0;
    char schema[4096];
    snprintf(schema, sizeof schema, "%s/check-%d.%s.prisma", dir, n, dialect);
    write_schema(schema, pg, n);
    Loaded l;
    if (!load_schema(schema, &l))
        return 2;
    SqlSchema *empty = sql_schema_new(l.sql->flavour);
    if (pg)
        sql_add_namespace(empty, STR_LIT("public"));
    Migration *m = migrate_diff(empty, l.sql, dialect_get(l.sql->flavour, false));
    SqlBuf ddl = {0};
    migrate_render_script(m, NULL, &ddl);
    sqlbuf_puts(&ddl, pg ? DRIFT_PG : DRIFT_SQLITE);
    int rc = 0;
    char url[8192];
    if (pg) {
        PGconn *c = PQconnectdb(server);
        if (PQstatus(c) != CONNECTION_OK) {
            fprintf(stderr, "%s", PQerrorMessage(c));
            return 2;
        }
        char sql[256];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS prismac_check_%d WITH (FORCE)", n);
        PQclear(PQexec(c, sql));
        snprintf(sql, sizeof sql, "CREATE DATABASE prismac_check_%d TEMPLATE template0", n);
        PQclear(PQexec(c, sql));
        PQfinish(c);
        const char *slash = strrchr(server, '/');
        snprintf(url, sizeof url, "%.*s/prismac_check_%d", slash ? (int)(slash - server) : (int)strlen(server),
                 server, n);
        c = PQconnectdb(url);
        PGresult *r = PQexec(c, ddl.ptr);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            fprintf(stderr, "%s", PQresultErrorMessage(r));
            rc = 2;
        }
        PQclear(r);
        PQfinish(c);
    } else {
        char path[4096];
        snprintf(path, sizeof path, "%s/check-%d.db", dir, n);
        unlink(path);
        sqlite3 *db;
        sqlite3_open(path, &db);
        char *err = NULL;
        sqlite3_exec(db, "PRAGMA synchronous=OFF; BEGIN", NULL, NULL, NULL);
        if (sqlite3_exec(db, ddl.ptr, NULL, NULL, &err) != SQLITE_OK) {
            fprintf(stderr, "%s\n", err);
            rc = 2;
        }
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        sqlite3_free(err);
        sqlite3_close(db);
        snprintf(url, sizeof url, "file:%s", path);
    }
    if (rc == 0)
        printf("%s\n", url);
    sqlbuf_free(&ddl);
    migrate_free(m);
    sql_schema_free(empty);
    loaded_free(&l);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

static int run(const char *schema, const char *url_text, int repeat)
{
    double *ms = calloc((size_t)repeat + 1, sizeof *ms);
    /* the stages of each run, for the breakdown on stderr (medians) */
    enum { ST_LOAD, ST_CONNECT, ST_QUERY, ST_BUILD, ST_DIFF, NSTAGES };
    double *stage[NSTAGES];
    for (int s = 0; s < NSTAGES; s++)
        stage[s] = calloc((size_t)repeat + 1, sizeof *stage[s]);
    uint32_t tables = 0, queries = 0, findings = 0;
    for (int i = 0; i < repeat; i++) {
        double t0 = introspect_now_ms();
        Loaded l;
        if (!load_schema(schema, &l))
            return 2;
        double t1 = introspect_now_ms();
        DbUrl url;
        DbError err;
        if (!dburl_parse(url_text, NULL, &url, &err)) {
            fprintf(stderr, "%s\n", err.message);
            return 2;
        }
        IntrospectOptions io = {0};
        IntrospectStats st = {0};
        SqlSchema *live = introspect_url(&url, &io, &st, &err);
        if (!live) {
            fprintf(stderr, "%s\n", err.message);
            return 2;
        }
        double t2 = introspect_now_ms();
        CheckResult *r = check_compare(live, l.sql, dialect_get(l.sql->flavour, false));
        ms[i] = introspect_now_ms() - t0;
        stage[ST_LOAD][i] = t1 - t0;
        stage[ST_CONNECT][i] = st.connect_ms;
        stage[ST_QUERY][i] = st.query_ms;
        stage[ST_BUILD][i] = st.build_ms;
        stage[ST_DIFF][i] = introspect_now_ms() - t2;
        tables = live->ntables;
        queries = st.queries;
        findings = r->ndrift;
        check_free(r);
        sql_schema_free(live);
        dburl_free(&url);
        loaded_free(&l);
    }
    qsort(ms, (size_t)repeat, sizeof *ms, cmp_double);
    printf("%u %u %u %.1f %.1f\n", tables, queries, findings, ms[0], ms[repeat / 2]);
    fprintf(stderr, "median ms: schema (parse, resolve, validate, lower) %.1f, connect %.1f, queries %.1f, "
                    "build %.1f, compare %.1f\n",
            median_of(stage[ST_LOAD], repeat), median_of(stage[ST_CONNECT], repeat),
            median_of(stage[ST_QUERY], repeat), median_of(stage[ST_BUILD], repeat),
            median_of(stage[ST_DIFF], repeat));
    for (int s = 0; s < NSTAGES; s++)
        free(stage[s]);
    free(ms);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "setup") == 0)
        return setup(argv[2], atoi(argv[3]), argv[4], argv[5]);
    if (argc == 5 && strcmp(argv[1], "run") == 0)
        return run(argv[2], argv[3], atoi(argv[4]));
    fprintf(stderr, "usage: bench_check setup postgresql|sqlite N SERVER_URL|- DIR\n"
                    "       bench_check run SCHEMA URL REPEAT\n");
    return 2;
}
