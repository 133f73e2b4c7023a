/* Migration history at scale: a generated Prisma migrations folder for SQLite and a live
 * database where every migration is applied and recorded, then `migrations status` on it.
 *
 *   bench_migrations setup N DIR     DIR/migrations (N migrations, in Prisma's SQLite style:
 *                                    tables with foreign keys, added columns, indexes, table
 *                                    rebuilds, data migrations) and DIR/live.db
 *   bench_migrations run DIR [K]     the status in this process, K times (default 5): prints
 *                                    "migrations replays introspections best_ms median_ms
 *                                    apply_ms introspect_ms" (apply/introspect: of the best run)
 *
 * The target (issue 7): status over 200 migrations replays in under 2 s on SQLite. */
#include "prismac/migrations_check.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f || fputs(text, f) < 0) {
        perror(path);
        exit(2);
    }
    fclose(f);
}

/* Migration k of the folder: what it does depends on k, on the tables made so far. */
static void migration_sql(int k, int *ntables, SqlBuf *b)
{
    int t = *ntables;
    switch (k % 5) {
    case 0: /* a new table, referencing the previous one */
        sqlbuf_printf(b, "-- CreateTable\nCREATE TABLE \"Entity%d\" (\n"
                         "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
                         "    \"name\" TEXT NOT NULL,\n"
                         "    \"createdAt\" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
                         "    \"parentId\" INTEGER%s\n",
                      t, t ? "," : "");
        if (t)
            sqlbuf_printf(b, "    CONSTRAINT \"Entity%d_parentId_fkey\" FOREIGN KEY (\"parentId\") REFERENCES "
                             "\"Entity%d\" (\"id\") ON DELETE SET NULL ON UPDATE CASCADE\n",
                          t, t - 1);
        sqlbuf_printf(b, ");\n\n-- CreateIndex\nCREATE UNIQUE INDEX \"Entity%d_name_key\" ON \"Entity%d\"(\"name\");\n",
                      t, t);
        (*ntables)++;
        break;
    case 1: /* a column */
        sqlbuf_printf(b, "-- AlterTable\nALTER TABLE \"Entity%d\" ADD COLUMN \"note%d\" TEXT;\n", t - 1, k);
        break;
    case 2: /* an index */
        sqlbuf_printf(b, "-- CreateIndex\nCREATE INDEX \"Entity%d_createdAt_%d_idx\" ON \"Entity%d\"(\"createdAt\" DESC);\n",
                      t - 1, k, t - 1);
        break;
    case 3: /* reference rows */
        sqlbuf_printf(b, "INSERT INTO \"Entity%d\" (\"name\") VALUES ('first-%d'), ('second-%d');\n", t - 1, k, k);
        break;
    case 4: /* a table rebuild: a required column with a default, as Prisma writes it */
        sqlbuf_printf(b, "-- RedefineTables\nPRAGMA defer_foreign_keys=ON;\nPRAGMA foreign_keys=OFF;\n"
                         "CREATE TABLE \"new_Entity%d\" (\n"
                         "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
                         "    \"name\" TEXT NOT NULL,\n"
                         "    \"createdAt\" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
                         "    \"parentId\" INTEGER,\n"
                         "    \"note%d\" TEXT,\n"
                         "    \"rank\" INTEGER NOT NULL DEFAULT 0%s\n",
                      t - 1, k - 3, t > 1 ? "," : "");
        if (t > 1)
            sqlbuf_printf(b, "    CONSTRAINT \"Entity%d_parentId_fkey\" FOREIGN KEY (\"parentId\") REFERENCES "
                             "\"Entity%d\" (\"id\") ON DELETE SET NULL ON UPDATE CASCADE\n",
                          t - 1, t - 2);
        sqlbuf_printf(b, ");\n"
                         "INSERT INTO \"new_Entity%d\" (\"createdAt\", \"id\", \"name\", \"note%d\", \"parentId\") "
                         "SELECT \"createdAt\", \"id\", \"name\", \"note%d\", \"parentId\" FROM \"Entity%d\";\n"
                         "DROP TABLE \"Entity%d\";\nALTER TABLE \"new_Entity%d\" RENAME TO \"Entity%d\";\n"
                         "CREATE UNIQUE INDEX \"Entity%d_name_key\" ON \"Entity%d\"(\"name\");\n"
                         "CREATE INDEX \"Entity%d_createdAt_%d_idx\" ON \"Entity%d\"(\"createdAt\" DESC);\n"
                         "PRAGMA foreign_keys=ON;\nPRAGMA defer_foreign_keys=OFF;\n",
                      t - 1, k - 3, k - 3, t - 1, t - 1, t - 1, t - 1, t - 1, t - 1, t - 1, k - 2, t - 1);
        break;
    }
}

static int setup(int n, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/migrations", dir);
    mkdir(dir, 0755);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/migrations/migration_lock.toml", dir);
    write_file(path, "provider = \"sqlite\"\n");
    snprintf(path, sizeof path, "%s/live.db", dir);
    remove(path);
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return 2;
    sqlite3_exec(db, "CREATE TABLE \"_prisma_migrations\" (\"id\" TEXT PRIMARY KEY NOT NULL, \"checksum\" TEXT NOT "
                     "NULL, \"finished_at\" DATETIME, \"migration_name\" TEXT NOT NULL, \"logs\" TEXT, "
                     "\"rolled_back_at\" DATETIME, \"started_at\" DATETIME NOT NULL DEFAULT current_timestamp, "
                     "\"applied_steps_count\" INTEGER UNSIGNED NOT NULL DEFAULT 0); BEGIN;",
                 NULL, NULL, NULL);
    int ntables = 0;
    for (int k = 0; k < n; k++) {
        SqlBuf b = {0};
        migration_sql(k, &ntables, &b);
        char name[64];
        /* one a day from 2023-01-01 (the day of the month wraps; names stay in order) */
        snprintf(name, sizeof name, "2023%04d%06d_step_%d", 101 + k / 28 * 100 % 1200 + k % 28, k, k);
        snprintf(path, sizeof path, "%s/migrations/%s", dir, name);
        mkdir(path, 0755);
        snprintf(path, sizeof path, "%s/migrations/%s/migration.sql", dir, name);
        write_file(path, b.ptr);
        char *err = NULL;
        if (sqlite3_exec(db, b.ptr, NULL, NULL, &err) != SQLITE_OK) {
            fprintf(stderr, "%s: %s\n", name, err);
            return 2;
        }
        char sum[65], row[512];
        migration_checksum(b.ptr, b.len, sum);
        snprintf(row, sizeof row, "INSERT INTO \"_prisma_migrations\" VALUES ('id-%d', '%s', %lld, '%s', NULL, NULL, "
                                  "%lld, 1);",
                 k, sum, 1672531200000LL + k * 86400000LL + 900, name, 1672531200000LL + k * 86400000LL);
        sqlite3_exec(db, row, NULL, NULL, NULL);
        sqlbuf_free(&b);
    }
    sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL);
    sqlite3_close(db);
    printf("file:%s/live.db\n", dir);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int run(const char *dir, int times)
{
    char path[4096], url_text[4200];
    snprintf(path, sizeof path, "%s/migrations", dir);
    snprintf(url_text, sizeof url_text, "file:%s/live.db", dir);
    DbUrl url;
    DbError err = {0};
    if (!dburl_parse(url_text, NULL, &url, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 2;
    }
    double *ms = calloc((size_t)times, sizeof *ms), best = 1e18;
    HistoryReport keep = {0};
    for (int i = 0; i < times; i++) {
        HistoryStatusOptions so = {0};
        so.dir = path;
        so.db = &url;
        HistoryReport r;
        char *msg = NULL;
        if (history_status(&so, &r, &msg) != 0) {
            fprintf(stderr, "%s\n", msg ? msg : "status failed");
            return 2;
        }
        if (!r.clean) {
            fprintf(stderr, "the generated history is not clean\n");
            return 2;
        }
        ms[i] = r.total_ms;
        if (r.total_ms < best) {
            best = r.total_ms;
            history_report_free(&keep);
            keep = r;
        } else {
            history_report_free(&r);
        }
    }
    qsort(ms, (size_t)times, sizeof *ms, cmp_double);
    printf("%u %u %u %.0f %.0f %.0f %.0f\n", keep.count, keep.replays, keep.stats.introspections, ms[0],
           ms[times / 2], keep.stats.apply_ms, keep.stats.introspect_ms);
    history_report_free(&keep);
    free(ms);
    dburl_free(&url);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "setup") == 0)
        return setup(atoi(argv[2]), argv[3]);
    if (argc >= 3 && strcmp(argv[1], "run") == 0)
        return run(argv[2], argc > 3 ? atoi(argv[3]) : 5);
    fprintf(stderr, "usage: bench_migrations setup N DIR | run DIR [K]\n");
    return 2;
}
