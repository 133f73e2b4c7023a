/* The migration-history scenarios of fixtures/history, live: each scenario's setup.sql makes
 * its database (a SQLite file, or a database on the test PostgreSQL server), `migrations
 * status` runs against it and its lines must equal expected.txt; replay errors must name the
 * file, the line and the database's words of replay.err; then the repair script is applied and
 * the outcome must be the one repair.txt names:
 *
 *   none     the history is clean: the script is an empty transaction
 *   clean    the script runs, and a second report is clean (every migration applied, the
 *            history consistent, the schema in sync)
 *   partial  the script runs, and a second report gives exactly the lines that follow
 *   fails    the script fails as a whole (a data problem the user must fix): nothing changed
 *
 * After a script that ran, every row that was there is still there (projected on the columns
 * its table still has; a table a migration renames must have at least as many rows as it had),
 * and every history row is kept (Prisma: id, name, started_at, finished_at, logs; Supabase: the
 * version). Where the schema is ahead of the folder, the missing migration must be
 * schema-diff.sql (the oracle's) byte for byte. */
#include "histutil.h"

#include <dirent.h>

#define FIXTURES "fixtures/history"

static char **g_names;
static size_t g_count;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_scenarios(void)
{
    DIR *d = opendir(FIXTURES);
    if (!d)
        return;
    struct dirent *e;
    size_t cap = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        if (g_count == cap) {
            cap = cap ? cap * 2 : 32;
            g_names = realloc(g_names, cap * sizeof *g_names);
        }
        g_names[g_count++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(g_names, g_count, sizeof *g_names, cmp_str);
}

static SqlFlavour flavour_of(const char *name)
{
    size_t n = strlen(name);
    return n > 7 && strcmp(name + n - 7, "-sqlite") == 0 ? SQL_SQLITE : SQL_POSTGRES;
}

static void status_of(const char *dir, const LiveDb *live, const Db *schema, HistoryReport *r)
{
    DbUrl url;
    DbError err = {0};
    assert_true(dburl_parse(live->url, NULL, &url, &err));
    HistoryStatusOptions so = {0};
    so.dir = dir;
    so.db = &url;
    so.schema = schema;
    char *msg = NULL;
    int rc = history_status(&so, r, &msg);
    if (rc != 0)
        print_error("%s: %s\n", dir, msg ? msg : "?");
    assert_int_equal(rc, 0);
    dburl_free(&url);
}

/* replay.err names the file and the line (sqlite3: "near line N"; psql: the statement's last
 * line, and "LINE k" inside it) and the database's words; prismac's message must agree. */
static void check_replay_error(const char *fx, const HistoryReport *r)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/replay.err", fx);
    char *want = read_whole_file(path, NULL);
    if (!want) {
        assert_int_equal(r->replay_failed_at, -1);
        return;
    }
    assert_true(r->replay_failed_at >= 0);
    const char *got = r->replay_error;
    const MigrationEntry *e = &r->entries[r->replay_failed_at];
    /* the failing file */
    char file[256];
    snprintf(file, sizeof file, "%.*s/migration.sql", (int)e->name.len, e->name.ptr);
    assert_non_null(strstr(want, file));
    assert_non_null(strstr(got, file));
    /* the database's words */
    const char *words = strstr(want, "ERROR:  ");
    char msg[256] = "";
    if (words) {
        words += 8;
        snprintf(msg, sizeof msg, "%.*s", (int)strcspn(words, "\n"), words);
    } else if ((words = strstr(want, ": near ")) != NULL || (words = strstr(want, "near \"")) != NULL) {
        words += words[0] == ':' ? 2 : 0;
        snprintf(msg, sizeof msg, "%.*s", (int)strcspn(words, "\n"), words);
    }
    assert_true(msg[0]);
    if (!strstr(got, msg))
        print_error("replay error `%s` lacks `%s`\n", got, msg);
    assert_non_null(strstr(got, msg));
    /* the line: sqlite3 gives the statement's line, psql the statement's last line and the line
     * within it; prismac gives the line of the failing token, inside the statement */
    const char *colon = strstr(got, "migration.sql:");
    assert_non_null(colon);
    long line = atol(colon + 14);
    const char *near = strstr(want, "near line ");
    if (near) {
        assert_int_equal(line, atol(near + 10));
    } else {
        const char *psql = strstr(want, "migration.sql:");
        const char *inner = strstr(want, "LINE ");
        assert_non_null(psql);
        assert_non_null(inner);
        long last = atol(psql + 14), within = atol(inner + 5);
        assert_true(line >= within && line <= last);
    }
    free(want);
}

static json_t *project(json_t *row, json_t *like)
{
    json_t *out = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(row, k, v) {
        if (json_object_get(like, k))
            json_object_set(out, k, v);
    }
    return out;
}

static bool is_history_table(const char *t)
{
    return strcmp(t, "_prisma_migrations") == 0 || strcmp(t, "supabase_migrations.schema_migrations") == 0;
}

/* Every row before is still there after (see the header comment). */
static void check_rows_kept(const char *fx, json_t *before, json_t *after)
{
    const char *table;
    json_t *rows;
    size_t vanished = 0, appeared = 0;
    json_object_foreach(before, table, rows) {
        json_t *now = json_object_get(after, table);
        if (!now) {
            vanished += json_array_size(rows);
            continue;
        }
        bool used[4096] = {0};
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row) {
            json_t *keys = json_object();
            if (strcmp(table, "_prisma_migrations") == 0) {
                static const char *const KEEP[] = {"id", "migration_name", "started_at", "finished_at", "logs"};
                for (size_t k = 0; k < 5; k++)
                    json_object_set_new(keys, KEEP[k], json_true());
            } else if (is_history_table(table)) {
                json_object_set_new(keys, "version", json_true());
            } else if (json_array_size(now)) {
                json_object_update(keys, json_array_get(now, 0));
            }
            json_t *want = project(row, keys);
            bool found = false;
            for (size_t j = 0; j < json_array_size(now) && j < 4096 && !found; j++) {
                if (used[j])
                    continue;
                json_t *cand = project(json_array_get(now, j), want);
                if (json_equal(cand, want))
                    found = used[j] = true;
                json_decref(cand);
            }
            if (!found) {
                char *t = json_dumps(want, JSON_COMPACT);
                print_error("%s: a row of %s is gone after the repair: %s\n", fx, table, t);
                free(t);
            }
            assert_true(found);
            json_decref(want);
            json_decref(keys);
        }
    }
    json_object_foreach(after, table, rows) {
        if (!json_object_get(before, table))
            appeared += json_array_size(rows);
    }
    /* a renamed table's rows live on under its new name */
    assert_true(appeared >= vanished);
}

static void check_clean(const char *fx, const HistoryReport *r)
{
    if (!r->clean) {
        char *lines = report_lines(r);
        print_error("%s: not clean after the repair:\n%s", fx, lines);
        free(lines);
    }
    assert_true(r->clean);
}

/* Only BEGIN / COMMIT (and comments): the script does nothing. */
static bool script_is_empty(const char *sql)
{
    Arena a;
    arena_init(&a);
    SqlStatement *st;
    uint32_t n = migration_split_statements(&a, sql, strlen(sql), &st);
    bool empty = true;
    for (uint32_t i = 0; i < n; i++)
        empty = empty && migration_statement_txn(sql + st[i].start, st[i].end - st[i].start) != TXN_STMT_NONE;
    arena_free(&a);
    return empty;
}

static void run_scenario(void **state)
{
    const char *name = *state;
    char fx[512], path[1024], dir[1024];
    snprintf(fx, sizeof fx, FIXTURES "/%s", name);
    snprintf(dir, sizeof dir, "%s/migrations", fx);
    LiveDb live;
    live_create(&live, flavour_of(name), name);
    snprintf(path, sizeof path, "%s/setup.sql", fx);
    char *setup = read_whole_file(path, NULL);
    assert_non_null(setup);
    char err[2048];
    if (!live_exec(&live, setup, err, sizeof err))
        print_error("%s: setup.sql: %s\n", name, err);
    assert_true(err[0] == '\0');
    free(setup);

    LoadedSchema schema = {0};
    snprintf(path, sizeof path, "%s/schema.prisma", fx);
    bool has_schema = access(path, R_OK) == 0;
    if (has_schema) {
        schema_from_file(&schema, path);
        assert_non_null(schema.db);
    }

    /* the report */
    HistoryReport r;
    status_of(dir, &live, schema.db, &r);
    char *got = report_lines(&r);
    snprintf(path, sizeof path, "%s/expected.txt", fx);
    char *want = read_without_comments(path);
    assert_non_null(want);
    if (strcmp(got, want) != 0)
        print_error("%s: expected\n%sgot\n%s", name, want, got);
    assert_string_equal(got, want);
    free(got);
    free(want);
    check_replay_error(fx, &r);
    /* the schema line's migration is the oracle's diff from the replayed folder to the schema */
    snprintf(path, sizeof path, "%s/schema-diff.sql", fx);
    char *diff = has_schema ? read_whole_file(path, NULL) : NULL;
    if (diff) {
        assert_true(r.has_schema);
        if (r.schema_in_sync)
            assert_non_null(strstr(diff, "-- This is an empty migration."));
        else
            assert_string_equal(r.schema_migration, diff);
    }
    free(diff);

    /* the repair */
    snprintf(path, sizeof path, "%s/repair.txt", fx);
    char *repair = read_without_comments(path);
    assert_non_null(repair);
    char outcome[32] = "";
    sscanf(repair, "outcome %31s", outcome);
    SqlBuf script = {0};
    bool complete = history_repair_script(&r, &script);
    assert_true(complete == r.repair_complete);
    assert_non_null(strstr(script.ptr, "\nBEGIN;\n"));
    assert_true(script.len > 8 && strcmp(script.ptr + script.len - 8, "COMMIT;\n") == 0);
    json_t *before = live_rows(&live);
    bool applied = live_exec(&live, script.ptr, err, sizeof err);
    json_t *after = live_rows(&live);
    if (strcmp(outcome, "none") == 0) {
        assert_true(r.clean);
        assert_true(script_is_empty(script.ptr));
        assert_true(applied);
        assert_true(json_equal(before, after));
    } else if (strcmp(outcome, "fails") == 0) {
        assert_false(r.clean);
        assert_false(applied);
        assert_true(json_equal(before, after));     /* one transaction: nothing changed */
    } else {
        assert_false(r.clean);
        if (!applied)
            print_error("%s: the repair script fails: %s\n%s", name, err, script.ptr);
        assert_true(applied);
        check_rows_kept(name, before, after);
        HistoryReport again;
        status_of(dir, &live, schema.db, &again);
        if (strcmp(outcome, "clean") == 0) {
            assert_true(r.repair_complete);
            check_clean(name, &again);
        } else {
            assert_string_equal(outcome, "partial");
            assert_false(r.repair_complete && !has_schema);
            char *lines = report_lines(&again);
            const char *expect = strchr(repair, '\n') ? strchr(repair, '\n') + 1 : "";
            if (strcmp(lines, expect) != 0)
                print_error("%s after the repair: expected\n%sgot\n%s", name, expect, lines);
            assert_string_equal(lines, expect);
            free(lines);
        }
        history_report_free(&again);
    }
    json_decref(before);
    json_decref(after);
    sqlbuf_free(&script);
    free(repair);
    history_report_free(&r);
    if (has_schema)
        schema_loaded_free(&schema);
    live_drop(&live);
}

int main(void)
{
    list_scenarios();
    if (g_count == 0) {
        fprintf(stderr, "no scenarios under " FIXTURES "\n");
        return 1;
    }
    struct CMUnitTest *tests = calloc(g_count, sizeof *tests);
    for (size_t i = 0; i < g_count; i++) {
        tests[i].name = g_names[i];
        tests[i].test_func = run_scenario;
        tests[i].initial_state = g_names[i];
    }
    int rc = _cmocka_run_group_tests("history fixtures", tests, g_count, NULL, NULL);
    free(tests);
    for (size_t i = 0; i < g_count; i++)
        free(g_names[i]);
    free(g_names);
    return rc;
}
