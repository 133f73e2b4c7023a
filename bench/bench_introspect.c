/* Introspection speed on generated databases of N tables.
 *
 *   bench_introspect setup postgresql N SERVER_URL DIR   creates database prismac_bench_N on the
 *                                                         server (dropped first if present)
 *   bench_introspect setup sqlite N - DIR                creates DIR/bench-N.db
 *       Both write DIR/bench-N.<provider>.prisma, the schema the database was made from, and
 *       print the database's URL.
 *   bench_introspect run URL REPEAT                     introspects REPEAT times (each run opens its
 *                                                         own connection) and prints: tables,
 *                                                         catalog queries, round trips, best and
 *                                                         median wall ms (connect + queries + build),
 *                                                         then the CPU ms per run of the server
 *                                                         backend (PostgreSQL on this machine, from
 *                                                         /proc; "-" otherwise) and of prismac
 *
 * The tables look like a Prisma application's: a serial id, text, a unique email, an enum with
 * a default, a float, timestamps with now(), a self-chained optional relation (foreign key +
 * index) and a two-column index with DESC; the DDL is what Prisma's migrate would write for the
 * schema, so `oracle diff` of the two is empty. */
#include "prismac/dbexec.h"
#include "prismac/introspect.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

typedef struct Out {
    char *p;
    size_t len, cap;
} Out;

static void out_printf(Out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(Out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (o->len + (size_t)n + 1 > o->cap) {
        o->cap = (o->len + (size_t)n + 1) * 2;
        o->p = realloc(o->p, o->cap);
    }
    vsnprintf(o->p + o->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    o->len += (size_t)n;
}

static void write_schema(const char *path, const char *provider, int n)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fprintf(f, "datasource db {\n  provider = \"%s\"\n}\n\n", provider);
    if (strcmp(provider, "postgresql") == 0)
        fprintf(f, "enum Status {\n  ACTIVE\n  INACTIVE\n}\n\n");
    for (int i = 1; i <= n; i++) {
        fprintf(f, "model T%d {\n", i);
        fprintf(f, "  id        Int      @id @default(autoincrement())\n");
        fprintf(f, "  name      String\n");
        fprintf(f, "  email     String   @unique\n");
        if (strcmp(provider, "postgresql") == 0)
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
        fprintf(f, "\n  @@index([name, createdAt(sort: Desc)])\n");
        if (i > 1)
            fprintf(f, "  @@index([parentId])\n");
        fprintf(f, "}\n\n");
    }
    fclose(f);
}

static char *postgres_ddl(int n)
{
    Out o = {0};
    out_printf(&o, "CREATE TYPE \"Status\" AS ENUM ('ACTIVE', 'INACTIVE');\n");
    for (int i = 1; i <= n; i++) {
        out_printf(&o,
                   "CREATE TABLE \"T%d\" (\n    \"id\" SERIAL NOT NULL,\n    \"name\" TEXT NOT NULL,\n"
                   "    \"email\" TEXT NOT NULL,\n    \"status\" \"Status\" NOT NULL DEFAULT 'ACTIVE',\n"
                   "    \"score\" DOUBLE PRECISION,\n"
                   "    \"createdAt\" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
                   "    \"updatedAt\" TIMESTAMP(3) NOT NULL,\n",
                   i);
        if (i > 1)
            out_printf(&o, "    \"parentId\" INTEGER,\n");
        out_printf(&o, "\n    CONSTRAINT \"T%d_pkey\" PRIMARY KEY (\"id\")\n);\n", i);
    }
    for (int i = 1; i <= n; i++) {
        out_printf(&o, "CREATE UNIQUE INDEX \"T%d_email_key\" ON \"T%d\"(\"email\");\n", i, i);
        out_printf(&o, "CREATE INDEX \"T%d_name_createdAt_idx\" ON \"T%d\"(\"name\", \"createdAt\" DESC);\n", i, i);
        if (i > 1)
            out_printf(&o, "CREATE INDEX \"T%d_parentId_idx\" ON \"T%d\"(\"parentId\");\n", i, i);
    }
    for (int i = 2; i <= n; i++)
        out_printf(&o,
                   "ALTER TABLE \"T%d\" ADD CONSTRAINT \"T%d_parentId_fkey\" FOREIGN KEY (\"parentId\") REFERENCES "
                   "\"T%d\"(\"id\") ON DELETE SET NULL ON UPDATE CASCADE;\n",
                   i, i, i - 1);
    return o.p;
}

static char *sqlite_ddl(int n)
{
    Out o = {0};
    for (int i = 1; i <= n; i++) {
        out_printf(&o,
                   "CREATE TABLE \"T%d\" (\n    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
                   "    \"name\" TEXT NOT NULL,\n    \"email\" TEXT NOT NULL,\n"
                   "    \"status\" TEXT NOT NULL DEFAULT 'ACTIVE',\n    \"score\" REAL,\n"
                   "    \"createdAt\" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
                   "    \"updatedAt\" DATETIME NOT NULL%s\n",
                   i, i > 1 ? "," : "");
        if (i > 1)
            out_printf(&o,
                       "    \"parentId\" INTEGER,\n    CONSTRAINT \"T%d_parentId_fkey\" FOREIGN KEY (\"parentId\") "
                       "REFERENCES \"T%d\" (\"id\") ON DELETE SET NULL ON UPDATE CASCADE\n",
                       i, i - 1);
        out_printf(&o, ");\n");
    }
    for (int i = 1; i <= n; i++) {
        out_printf(&o, "CREATE UNIQUE INDEX \"T%d_email_key\" ON \"T%d\"(\"email\");\n", i, i);
        out_printf(&o, "CREATE INDEX \"T%d_name_createdAt_idx\" ON \"T%d\"(\"name\", \"createdAt\" DESC);\n", i, i);
        if (i > 1)
            out_printf(&o, "CREATE INDEX \"T%d_parentId_idx\" ON \"T%d\"(\"parentId\");\n", i, i);
    }
    return o.p;
}

static int pg_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "bench_introspect: %s\n", PQresultErrorMessage(r));
    PQclear(r);
    return ok;
}

static int setup(const char *provider, int n, const char *server, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/bench-%d.%s.prisma", dir, n, provider);
    write_schema(path, provider, n);
    if (strcmp(provider, "sqlite") == 0) {
        snprintf(path, sizeof path, "%s/bench-%d.db", dir, n);
        remove(path);
        sqlite3 *db;
        if (sqlite3_open(path, &db) != SQLITE_OK) {
            fprintf(stderr, "bench_introspect: cannot create %s\n", path);
            return 2;
        }
        char *ddl = sqlite_ddl(n), *err = NULL;
        int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, &err) || sqlite3_exec(db, ddl, NULL, NULL, &err) ||
                 sqlite3_exec(db, "COMMIT", NULL, NULL, &err);
        if (rc) {
            fprintf(stderr, "bench_introspect: %s\n", err);
            return 2;
        }
        free(ddl);
        sqlite3_close(db);
        printf("file:%s\n", path);
        return 0;
    }
    const char *keys[] = {"dbname", NULL}, *vals[] = {server, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "bench_introspect: %s", PQerrorMessage(c));
        return 2;
    }
    char sql[256], name[64];
    snprintf(name, sizeof name, "prismac_bench_%d", n);
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", name);
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    if (!pg_exec(c, sql))
        return 2;
    snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\"", name);
    if (!pg_exec(c, sql))
        return 2;
    const char *keys2[] = {"dbname", "dbname", NULL}, *vals2[] = {server, name, NULL};
    PGconn *d = PQconnectdbParams(keys2, vals2, 1);
    if (PQstatus(d) != CONNECTION_OK) {
        fprintf(stderr, "bench_introspect: %s", PQerrorMessage(d));
        return 2;
    }
    char *ddl = postgres_ddl(n);
    Out script = {0};
    out_printf(&script, "BEGIN;\n%s\nCOMMIT;\nANALYZE;", ddl);
    int ok = pg_exec(d, script.p);
    free(script.p);
    free(ddl);
    PQfinish(d);
    PQfinish(c);
    if (!ok)
        return 2;
    /* the same server, database prismac_bench_N */
    DbUrl url;
    DbError err = {0};
    if (!dburl_parse(server, NULL, &url, &err)) {
        fprintf(stderr, "bench_introspect: %s\n", err.message);
        return 2;
    }
    const char *slash = strrchr(server, '/');
    const char *q = strchr(server, '?');
    printf("%.*s/%s%s\n", (int)(slash - server), server, name, q ? q : "");
    dburl_free(&url);
    return 0;
}

/* CPU milliseconds (user + system) of a process on this machine, or -1 (/proc/PID/stat). */
static double process_cpu_ms(int pid)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    long utime = 0, stime = 0;
    int field = 2;
    for (char *tok = strtok(p + 1, " "); tok; tok = strtok(NULL, " ")) {
        field++;
        if (field == 14)
            utime = atol(tok);
        else if (field == 15) {
            stime = atol(tok);
            break;
        }
    }
    return (double)(utime + stime) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
}

/* CPU per introspection, averaged over `repeat` runs: the server backend's (PostgreSQL on this
 * machine; -1 otherwise) and ours. Independent of how busy the machine is. */
static void cpu_per_run(const DbUrl *url, int repeat, double *server, double *client)
{
    DbError err = {0};
    double srv = 0, c0 = self_cpu_ms();
    bool known = true;
    for (int r = 0; r < repeat; r++) {
        if (url->kind == DBURL_SQLITE) {
            SqlSchema *s = introspect_url(url, NULL, NULL, &err);
            sql_schema_free(s);
            continue;
        }
        PGconn *conn = introspect_pg_connect(url, NULL, NULL, &err);
        if (!conn)
            return;
        double before = process_cpu_ms(PQbackendPID(conn));
        SqlSchema *s = introspect_postgres_conn(conn, url, NULL, NULL, &err);
        double after = process_cpu_ms(PQbackendPID(conn));
        if (before < 0 || after < 0)
            known = false;
        srv += after - before;
        sql_schema_free(s);
        PQfinish(conn);
    }
    *client = (self_cpu_ms() - c0) / repeat;
    *server = url->kind == DBURL_SQLITE || !known ? -1 : srv / repeat;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int run(const char *url_text, int repeat)
{
    DbUrl url;
    DbError err = {0};
    if (!dburl_parse(url_text, NULL, &url, &err)) {
        fprintf(stderr, "bench_introspect: %s\n", err.message);
        return 2;
    }
    double *ms = calloc((size_t)repeat, sizeof *ms);
    IntrospectStats stats = {0};
    uint32_t tables = 0;
    for (int r = 0; r < repeat; r++) {
        stats = (IntrospectStats){0};
        double t0 = introspect_now_ms();
        SqlSchema *s = introspect_url(&url, NULL, &stats, &err);
        ms[r] = introspect_now_ms() - t0;
        if (!s) {
            fprintf(stderr, "bench_introspect: %s\n", err.message);
            return 2;
        }
        tables = s->ntables;
        sql_schema_free(s);
    }
    qsort(ms, (size_t)repeat, sizeof *ms, cmp_double);
    double server = -1, client = -1;
    if (repeat > 1)   /* one run: nothing but that run (the bench times whole processes) */
        cpu_per_run(&url, repeat, &server, &client);
    char srv[32];
    if (server < 0)
        snprintf(srv, sizeof srv, "-");
    else
        snprintf(srv, sizeof srv, "%.1f", server);
    printf("%u %u %u %.1f %.1f %s %.1f\n", tables, stats.queries, stats.round_trips, ms[0], ms[repeat / 2], srv,
           client);
    free(ms);
    dburl_free(&url);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 6 && strcmp(argv[1], "setup") == 0)
        return setup(argv[2], atoi(argv[3]), argv[4], argv[5]);
    if (argc >= 4 && strcmp(argv[1], "run") == 0)
        return run(argv[2], atoi(argv[3]) > 0 ? atoi(argv[3]) : 1);
    fprintf(stderr, "usage: bench_introspect setup postgresql|sqlite N SERVER_URL|- DIR\n"
                    "       bench_introspect run URL REPEAT\n");
    return 2;
}
