/* Migration history: statement splitting, the history tables, statuses object by object, the
 * repair script, the offline check (fixtures/history-check, Prisma's answers from the oracle)
 * and the `prismac migrations` command. The scenarios of fixtures/history run in
 * test_history_fixtures.c; these are the cases built here, on both dialects. */
#include "histutil.h"

#include "prismac/replay.h"

#include <dirent.h>
#include <sys/stat.h>

/* ---- a scenario in a temporary folder ---------------------------------------------------------- */

typedef struct Scene {
    char dir[256];          /* the temporary folder */
    char migrations[300];   /* its migrations/ */
    LiveDb live;
} Scene;

static void put_file(const char *dir, const char *rel, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    RunResult r = run_cmd("mkdir -p '%s'", path);
    run_free(&r);
    *slash = '/';
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void scene_begin(Scene *s, SqlFlavour flavour, const char *tag)
{
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "/tmp/prismac-histtest-XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->migrations, sizeof s->migrations, "%s/migrations", s->dir);
    mkdir(s->migrations, 0755);
    live_create(&s->live, flavour, tag);
}

static void scene_end(Scene *s)
{
    live_drop(&s->live);
    RunResult r = run_cmd("rm -rf '%s'", s->dir);
    run_free(&r);
}

/* A Prisma migration folder NAME/migration.sql. */
static void put_migration(Scene *s, const char *name, const char *sql)
{
    char rel[512];
    snprintf(rel, sizeof rel, "%s/migration.sql", name);
    put_file(s->migrations, rel, sql);
}

static void live_sql(Scene *s, const char *sql)
{
    char err[1024];
    if (!live_exec(&s->live, sql, err, sizeof err))
        print_error("%s\n%s\n", err, sql);
    assert_true(err[0] == '\0');
}

static const char *HISTORY_PG = "CREATE TABLE \"_prisma_migrations\" (\"id\" VARCHAR(36) PRIMARY KEY NOT NULL, "
                                "\"checksum\" VARCHAR(64) NOT NULL, \"finished_at\" TIMESTAMPTZ, \"migration_name\" "
                                "VARCHAR(255) NOT NULL, \"logs\" TEXT, \"rolled_back_at\" TIMESTAMPTZ, \"started_at\" "
                                "TIMESTAMPTZ NOT NULL DEFAULT now(), \"applied_steps_count\" INTEGER NOT NULL DEFAULT 0);";
static const char *HISTORY_SQLITE = "CREATE TABLE \"_prisma_migrations\" (\"id\" TEXT PRIMARY KEY NOT NULL, \"checksum\" "
                                    "TEXT NOT NULL, \"finished_at\" DATETIME, \"migration_name\" TEXT NOT NULL, \"logs\" "
                                    "TEXT, \"rolled_back_at\" DATETIME, \"started_at\" DATETIME NOT NULL DEFAULT "
                                    "current_timestamp, \"applied_steps_count\" INTEGER UNSIGNED NOT NULL DEFAULT 0);";

typedef enum RowKind { R_APPLIED, R_FAILED, R_ROLLED_BACK } RowKind;

/* A history row for `name` whose checksum is the SHA-256 of `sql` (or `checksum` if given);
 * `at` orders rows (seconds). */
static void record(Scene *s, const char *id, const char *name, const char *sql, const char *checksum, RowKind kind,
                   int at)
{
    char sum[65];
    if (checksum)
        snprintf(sum, sizeof sum, "%s", checksum);
    else
        migration_checksum(sql, strlen(sql), sum);
    char q[2048];
    if (s->live.flavour == SQL_SQLITE) {
        long long ms = 1735689600000LL + at * 1000LL;
        snprintf(q, sizeof q,
                 "INSERT INTO \"_prisma_migrations\" VALUES ('%s', '%s', %s, '%s', %s, %s, %lld, %d);", id, sum,
                 kind == R_APPLIED ? "1735689700000" : "NULL", name, kind == R_FAILED ? "'it failed'" : "NULL",
                 kind == R_ROLLED_BACK ? "1735689800000" : "NULL", ms, kind == R_APPLIED ? 1 : 0);
    } else {
        snprintf(q, sizeof q,
                 "INSERT INTO \"_prisma_migrations\" VALUES ('%s', '%s', %s, '%s', %s, %s, "
                 "timestamptz '2025-01-01 00:00:00+00' + interval '%d seconds', %d);",
                 id, sum, kind == R_APPLIED ? "now()" : "NULL", name, kind == R_FAILED ? "'it failed'" : "NULL",
                 kind == R_ROLLED_BACK ? "now()" : "NULL", at, kind == R_APPLIED ? 1 : 0);
    }
    live_sql(s, q);
}

static void scene_status_url(Scene *s, const char *text, HistoryReport *r, MigrationLayout layout)
{
    DbUrl url;
    DbError err = {0};
    assert_true(dburl_parse(text, NULL, &url, &err));
    HistoryStatusOptions so = {0};
    so.dir = s->migrations;
    so.layout = layout;
    so.db = &url;
    char *msg = NULL;
    int rc = history_status(&so, r, &msg);
    if (rc)
        print_error("%s\n", msg ? msg : "?");
    assert_int_equal(rc, 0);
    dburl_free(&url);
}

static void scene_status(Scene *s, HistoryReport *r, MigrationLayout layout)
{
    scene_status_url(s, s->live.url, r, layout);
}

static void assert_lines(const HistoryReport *r, const char *want)
{
    char *got = report_lines(r);
    if (strcmp(got, want) != 0)
        print_error("expected\n%sgot\n%s", want, got);
    assert_string_equal(got, want);
    free(got);
}

/* Applies the repair and checks that a second report is clean. */
static void repair_to_clean(Scene *s, const HistoryReport *r, MigrationLayout layout)
{
    SqlBuf script = {0};
    assert_true(history_repair_script(r, &script));
    char err[2048];
    if (!live_exec(&s->live, script.ptr, err, sizeof err))
        print_error("%s\n%s", err, script.ptr);
    assert_true(err[0] == '\0');
    sqlbuf_free(&script);
    HistoryReport again;
    scene_status(s, &again, layout);
    if (!again.clean) {
        char *lines = report_lines(&again);
        print_error("not clean after the repair:\n%s", lines);
        free(lines);
    }
    assert_true(again.clean);
    history_report_free(&again);
}

/* ---- statements -------------------------------------------------------------------------------- */

static void test_split_statements(void **state)
{
    (void)state;
    const char *sql = "-- a comment; with a semicolon\n"
                      "CREATE TABLE \"a;b\" (x TEXT DEFAULT 'it''s; fine');\n"
                      "\n"
                      "/* block /* nested; */ still; */ INSERT INTO t VALUES (E'\\'; x');\n"
                      "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n"
                      "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
                      "  UPDATE t SET x = 1;\n"
                      "  DELETE FROM u;\n"
                      "END;\n"
                      "DO $$ BEGIN PERFORM 1; END $$;\n"
                      "SELECT 1";
    Arena a;
    arena_init(&a);
    SqlStatement *st;
    uint32_t n = migration_split_statements(&a, sql, strlen(sql), &st);
    assert_int_equal(n, 6);
    assert_int_equal(st[0].line, 2);
    assert_true(strncmp(sql + st[0].start, "CREATE TABLE \"a;b\"", 18) == 0);
    assert_int_equal(sql[st[0].end - 1], ')');
    assert_int_equal(st[1].line, 4);
    assert_true(strncmp(sql + st[1].start, "INSERT INTO t", 13) == 0);
    assert_int_equal(st[2].line, 5);
    assert_int_equal(st[3].line, 6);
    assert_true(strncmp(sql + st[3].end - 3, "END", 3) == 0);
    assert_int_equal(st[4].line, 10);
    assert_int_equal(st[5].line, 11);
    assert_true(strncmp(sql + st[5].start, "SELECT 1", 8) == 0);
    arena_free(&a);

    assert_int_equal(migration_statement_txn("BEGIN", 5), TXN_STMT_BEGIN);
    assert_int_equal(migration_statement_txn("begin transaction", 17), TXN_STMT_BEGIN);
    assert_int_equal(migration_statement_txn("START TRANSACTION ISOLATION LEVEL SERIALIZABLE", 46), TXN_STMT_BEGIN);
    assert_int_equal(migration_statement_txn("COMMIT", 6), TXN_STMT_COMMIT);
    assert_int_equal(migration_statement_txn("END", 3), TXN_STMT_COMMIT);
    assert_int_equal(migration_statement_txn("ROLLBACK", 8), TXN_STMT_ROLLBACK);
    assert_int_equal(migration_statement_txn("ROLLBACK TO SAVEPOINT a", 23), TXN_STMT_NONE);
    assert_int_equal(migration_statement_txn("BEGINNING", 9), TXN_STMT_NONE);
    assert_int_equal(migration_statement_txn("CREATE TABLE begin (x INT)", 26), TXN_STMT_NONE);

    assert_true(replay_script_is_data_only("INSERT INTO a VALUES (1);\nupdate a set x = 2;", 44));
    assert_false(replay_script_is_data_only("INSERT INTO a VALUES (1); ALTER TABLE a ADD b INT;", 50));
    assert_true(replay_script_is_data_only("-- nothing\n", 11));
}

/* ---- statuses, SQLite -------------------------------------------------------------------------- */

static const char *M1 = "CREATE TABLE \"Author\" (\n    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
                        "    \"name\" TEXT NOT NULL\n);\n";
static const char *M2 = "CREATE TABLE \"Book\" (\n    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
                        "    \"authorId\" INTEGER NOT NULL,\n    \"title\" TEXT NOT NULL,\n"
                        "    CONSTRAINT \"Book_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"Author\" "
                        "(\"id\") ON DELETE CASCADE ON UPDATE CASCADE\n);\n"
                        "CREATE INDEX \"Book_authorId_idx\" ON \"Book\"(\"authorId\");\n";
static const char *M3 = "ALTER TABLE \"Author\" ADD COLUMN \"country\" TEXT;\n";

/* Several rows for one name (failed, rolled back, applied again), the latest applied row decides;
 * rolled-back rows without a folder are not listed; a failed row without a folder is
 * missing_from_folder; the live database is only read. */
static void test_rows_per_name_sqlite(void **state)
{
    (void)state;
    Scene s;
    scene_begin(&s, SQL_SQLITE, "rows");
    put_migration(&s, "20250101000000_authors", M1);
    put_migration(&s, "20250102000000_books", M2);
    live_sql(&s, HISTORY_SQLITE);
    live_sql(&s, M1);
    live_sql(&s, M2);
    record(&s, "a1", "20250101000000_authors", M1, NULL, R_APPLIED, 1);
    record(&s, "b1", "20250102000000_books", M2, NULL, R_FAILED, 2);
    record(&s, "b2", "20250102000000_books", M2, NULL, R_ROLLED_BACK, 3);
    record(&s, "b3", "20250102000000_books", M2, NULL, R_APPLIED, 4);
    record(&s, "c1", "20250103000000_gone", "x", NULL, R_ROLLED_BACK, 5);
    record(&s, "d1", "20250104000000_lost", "y", NULL, R_FAILED, 6);
    size_t len0;
    char *before = read_whole_file(s.live.path, &len0);
    HistoryReport r;
    scene_status(&s, &r, LAYOUT_AUTO);
    assert_lines(&r, "20250101000000_authors applied\n"
                     "20250102000000_books applied\n"
                     "20250104000000_lost missing_from_folder\n"
                     "verdict diverges-at 20250104000000_lost\n");
    assert_int_equal(r.entries[1].nrows, 3);
    assert_string_equal(r.entries[1].row->id.ptr, "b3");
    assert_true(r.entries[0].npresent > 0);
    assert_int_equal(r.history.count, 6);
    history_report_free(&r);
    /* read-only: the file is byte for byte as it was */
    size_t len1;
    char *after = read_whole_file(s.live.path, &len1);
    assert_int_equal(len0, len1);
    assert_memory_equal(before, after, len0);
    free(before);
    free(after);
    scene_end(&s);
}

/* Phantom on SQLite (tables dropped by hand), a pending migration that alters a phantom's
 * table, the repair, then a clean report; CRLF-only differences are not modifications. */
static void test_phantom_sqlite(void **state)
{
    (void)state;
    Scene s;
    scene_begin(&s, SQL_SQLITE, "phantom");
    /* the authors file now has CRLF line ends; the recorded checksum is of the LF bytes */
    char crlf[512], *o = crlf;
    for (const char *p = M1; *p; p++) {
        if (*p == '\n')
            *o++ = '\r';
        *o++ = *p;
    }
    *o = '\0';
    put_migration(&s, "20250101000000_authors", crlf);
    put_migration(&s, "20250102000000_books", M2);
    put_migration(&s, "20250103000000_book_year", "ALTER TABLE \"Book\" ADD COLUMN \"year\" INTEGER;\n");
    live_sql(&s, HISTORY_SQLITE);
    live_sql(&s, M1);
    live_sql(&s, "INSERT INTO \"Author\" (\"name\") VALUES ('Le Guin');");
    record(&s, "a1", "20250101000000_authors", M1, NULL, R_APPLIED, 1);
    record(&s, "b1", "20250102000000_books", M2, NULL, R_APPLIED, 2);
    HistoryReport r;
    scene_status(&s, &r, LAYOUT_AUTO);
    assert_lines(&r, "20250101000000_authors applied\n"
                     "20250102000000_books phantom\n"
                     "20250103000000_book_year pending\n"
                     "verdict diverges-at 20250102000000_books\n");
    assert_true(r.entries[0].checksum_matches);
    /* what follows: the pending migration alters the phantom's table */
    bool said = false;
    for (uint32_t i = 0; i < r.nconsequences; i++)
        said = said || (strstr(r.consequences[i], "20250103000000_book_year cannot apply") &&
                        strstr(r.consequences[i], "table Book"));
    assert_true(said);
    repair_to_clean(&s, &r, LAYOUT_AUTO);
    history_report_free(&r);
    /* the author row survived */
    json_t *rows = live_rows(&s.live);
    assert_int_equal(json_array_size(json_object_get(rows, "Author")), 1);
    json_decref(rows);
    scene_end(&s);
}

/* No history table: "no history", not an error; a database made by hand (db push) diverges at
 * the first migration whose objects it already has; the repair records it without running it
 * and creates the history table as Prisma does. */
static void test_no_history_table_sqlite(void **state)
{
    (void)state;
    Scene s;
    scene_begin(&s, SQL_SQLITE, "nohistory");
    put_migration(&s, "20250101000000_authors", M1);
    put_migration(&s, "20250102000000_books", M2);
    live_sql(&s, M1);
    HistoryReport r;
    scene_status(&s, &r, LAYOUT_AUTO);
    assert_false(r.history.exists);
    assert_lines(&r, "20250101000000_authors pending\n"
                     "20250102000000_books pending\n"
                     "verdict diverges-at 20250101000000_authors\n");
    repair_to_clean(&s, &r, LAYOUT_AUTO);
    history_report_free(&r);
    scene_end(&s);
}

/* A modified migration: an edit that changes nothing kept by the database is harmless (the
 * repair records the new checksum); Prisma's legacy unpadded checksums still match. */
static void test_modified_sqlite(void **state)
{
    (void)state;
    Scene s;
    scene_begin(&s, SQL_SQLITE, "modified");
    char edited[512];
    snprintf(edited, sizeof edited, "-- authors, reviewed in March\n%s", M1);
    put_migration(&s, "20250101000000_authors", edited);
    put_migration(&s, "20250102000000_country", M3);
    live_sql(&s, HISTORY_SQLITE);
    live_sql(&s, M1);
    live_sql(&s, M3);
    record(&s, "a1", "20250101000000_authors", M1, NULL, R_APPLIED, 1);
    /* the old engine wrote each byte with {:x}: no leading zeros */
    unsigned char digest[32];
    char hex[65], legacy[65] = "";
    migration_checksum(M3, strlen(M3), hex);
    for (int i = 0; i < 32; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        digest[i] = (unsigned char)v;
    }
    for (int i = 0; i < 32; i++)
        snprintf(legacy + strlen(legacy), sizeof legacy - strlen(legacy), "%x", digest[i]);
    record(&s, "c1", "20250102000000_country", M3, legacy, R_APPLIED, 2);
    HistoryReport r;
    scene_status(&s, &r, LAYOUT_AUTO);
    assert_lines(&r, "20250101000000_authors modified\n"
                     "20250102000000_country applied\n"
                     "verdict consistent\n");
    assert_false(r.entries[0].diverges);
    repair_to_clean(&s, &r, LAYOUT_AUTO);
    history_report_free(&r);
    scene_end(&s);
}

/* A failed migration half-applied on SQLite is not repaired automatically; a rolled-back one
 * with nothing in the database is applied again. */
static void test_failed_and_rolled_back_sqlite(void **state)
{
    (void)state;
    Scene s;
    scene_begin(&s, SQL_SQLITE, "failed");
    const char *two = "ALTER TABLE \"Author\" ADD COLUMN \"born\" INTEGER;\n"
                      "CREATE UNIQUE INDEX \"Author_name_key\" ON \"Author\"(\"name\");\n";
    put_migration(&s, "20250101000000_authors", M1);
    put_migration(&s, "20250102000000_two_steps", two);
    live_sql(&s, HISTORY_SQLITE);
    live_sql(&s, M1);
    live_sql(&s, "ALTER TABLE \"Author\" ADD COLUMN \"born\" INTEGER;");
    record(&s, "a1", "20250101000000_authors", M1, NULL, R_APPLIED, 1);
    record(&s, "b1", "20250102000000_two_steps", two, NULL, R_FAILED, 2);
    HistoryReport r;
    scene_status(&s, &r, LAYOUT_AUTO);
    assert_lines(&r, "20250101000000_authors applied\n"
                     "20250102000000_two_steps failed\n"
                     "verdict diverges-at 20250102000000_two_steps\n");
    assert_int_equal(r.entries[1].npresent, 1);
    assert_int_equal(r.entries[1].nmissing, 1);
    SqlBuf script = {0};
    assert_false(history_repair_script(&r, &script));
    assert_non_null(strstr(script.ptr, "NOT REPAIRED"));
    assert_null(strstr(script.ptr, "ADD COLUMN \"born\""));
    sqlbuf_free(&script);
    history_report_free(&r);

    /* undone by hand and marked rolled back: applied again by the repair */
    live_sql(&s, "ALTER TABLE \"Author\" DROP COLUMN \"born\";"
                 "UPDATE \"_prisma_migrations\" SET \"rolled_back_at\" = 1735689900000 WHERE \"id\" = 'b1';");
    scene_status(&s, &r, LAYOUT_AUTO);
    assert_lines(&r, "20250101000000_authors applied\n"
                     "20250102000000_two_steps rolled_back\n"
                     "verdict consistent\n");
    repair_to_clean(&s, &r, LAYOUT_AUTO);
    history_report_free(&r);
    scene_end(&s);
}

/* ---- statuses, PostgreSQL ------------------------------------------------------------------------ */

/* Objects changed again by later migrations: only their existence is checked for the earlier
 * one; an ALTER recorded but not run is a phantom; a data migration has no objects. */
static void test_superseded_pg(void **state)
{
    (void)state;
    Scene s;
    scene_begin(&s, SQL_POSTGRES, "superseded");
    const char *a = "CREATE TABLE \"Item\" (\"id\" SERIAL NOT NULL, \"code\" TEXT NOT NULL, "
                    "CONSTRAINT \"Item_pkey\" PRIMARY KEY (\"id\"));\n";
    const char *b = "INSERT INTO \"Item\" (\"code\") VALUES ('A-1'), ('B-2');\n";
    const char *c = "ALTER TABLE \"Item\" ALTER COLUMN \"code\" TYPE VARCHAR(16);\n";
    const char *d = "ALTER TABLE \"Item\" ADD COLUMN \"qty\" INTEGER NOT NULL DEFAULT 0;\n"
                    "CREATE INDEX \"Item_qty_idx\" ON \"Item\"(\"qty\");\n";
    put_migration(&s, "20250101000000_items", a);
    put_migration(&s, "20250102000000_seed", b);
    put_migration(&s, "20250103000000_code_length", c);
    put_migration(&s, "20250104000000_qty", d);
    live_sql(&s, HISTORY_PG);
    live_sql(&s, a);
    live_sql(&s, b);
    live_sql(&s, d);
    record(&s, "a", "20250101000000_items", a, NULL, R_APPLIED, 1);
    record(&s, "b", "20250102000000_seed", b, NULL, R_APPLIED, 2);
    record(&s, "c", "20250103000000_code_length", c, NULL, R_APPLIED, 3);
    record(&s, "d", "20250104000000_qty", d, NULL, R_APPLIED, 4);
    HistoryReport r;
    scene_status(&s, &r, LAYOUT_AUTO);
    assert_lines(&r, "20250101000000_items applied\n"
                     "20250102000000_seed applied\n"
                     "20250103000000_code_length phantom\n"
                     "20250104000000_qty applied\n"
                     "verdict diverges-at 20250103000000_code_length\n");
    assert_true(r.entries[1].data_only);
    assert_int_equal(r.entries[1].nobjects, 0);
    const MigrationEntry *e = &r.entries[2];
    assert_int_equal(e->nobjects, 1);
    assert_int_equal(e->objects[0].check, HCHECK_DIFFERENT);
    assert_non_null(strstr(e->objects[0].detail, "VARCHAR(16)"));
    /* the first migration's column was changed again later: it exists, as it should */
    bool exists = false;
    for (uint32_t i = 0; i < r.entries[0].nobjects; i++)
        exists = exists || (r.entries[0].objects[i].check == HCHECK_EXISTS &&
                            str_eq_cstr(r.entries[0].objects[i].name, "code"));
    assert_true(exists);
    repair_to_clean(&s, &r, LAYOUT_AUTO);
    history_report_free(&r);
    /* the seeded rows are still there (the phantom ran again on them) */
    json_t *rows = live_rows(&s.live);
    assert_int_equal(json_array_size(json_object_get(rows, "Item")), 2);
    json_decref(rows);
    scene_end(&s);
}

/* Supabase: a history table from an older CLI without the `name` column; a recorded version
 * without a file is named by its version; a file applied by hand is recorded by the repair. */
static void test_supabase_old_table(void **state)
{
    (void)state;
    Scene s;
    scene_begin(&s, SQL_POSTGRES, "supabase_old");
    put_file(s.migrations, "20250101000000_tags.sql", "create table tags (id bigint primary key, label text);\n");
    put_file(s.migrations, "20250103000000_tag_color.sql", "alter table tags add column color text;\n");
    live_sql(&s, "create schema supabase_migrations; create table supabase_migrations.schema_migrations "
                 "(version text primary key, statements text[]);"
                 "insert into supabase_migrations.schema_migrations values ('20250101000000', null), "
                 "('20250102000000', array['create table notes (id bigint primary key)']);"
                 "create table tags (id bigint primary key, label text, color text);"
                 "create table notes (id bigint primary key);");
    HistoryReport r;
    scene_status(&s, &r, LAYOUT_AUTO);
    assert_int_equal(r.dir.layout, LAYOUT_SUPABASE);
    assert_false(r.history.supabase_has_name);
    assert_lines(&r, "20250101000000_tags applied\n"
                     "20250102000000 missing_from_folder\n"
                     "20250103000000_tag_color pending\n"
                     "verdict diverges-at 20250102000000\n");
    assert_int_equal(r.entries[1].row->nstatements, 1);
    SqlBuf script = {0};
    assert_false(history_repair_script(&r, &script));   /* the missing file stays missing */
    assert_non_null(strstr(script.ptr, "supabase migration fetch"));
    assert_non_null(strstr(script.ptr, "INSERT INTO supabase_migrations.schema_migrations (version, statements)"));
    char err[1024];
    assert_true(live_exec(&s.live, script.ptr, err, sizeof err));
    sqlbuf_free(&script);
    history_report_free(&r);
    scene_status(&s, &r, LAYOUT_AUTO);
    assert_lines(&r, "20250101000000_tags applied\n"
                     "20250102000000 missing_from_folder\n"
                     "20250103000000_tag_color applied\n"
                     "verdict diverges-at 20250102000000\n");
    history_report_free(&r);
    scene_end(&s);
}

/* A migration that wraps itself in BEGIN/COMMIT (Prisma does for enum changes) goes into the
 * repair's single transaction without them; the report works in a non-public schema. */
static void test_transaction_and_schema_pg(void **state)
{
    (void)state;
    Scene s;
    scene_begin(&s, SQL_POSTGRES, "txn");
    const char *a = "CREATE TYPE \"Mood\" AS ENUM ('HAPPY', 'SAD');\n"
                    "CREATE TABLE \"Day\" (\"id\" SERIAL NOT NULL, \"mood\" \"Mood\" NOT NULL, "
                    "CONSTRAINT \"Day_pkey\" PRIMARY KEY (\"id\"));\n";
    const char *b = "BEGIN;\nCREATE TYPE \"Mood_new\" AS ENUM ('HAPPY', 'CALM');\n"
                    "ALTER TABLE \"Day\" ALTER COLUMN \"mood\" TYPE \"Mood_new\" USING (\"mood\"::text::\"Mood_new\");\n"
                    "ALTER TYPE \"Mood\" RENAME TO \"Mood_old\";\nALTER TYPE \"Mood_new\" RENAME TO \"Mood\";\n"
                    "DROP TYPE \"Mood_old\";\nCOMMIT;\n";
    put_migration(&s, "20250101000000_days", a);
    put_migration(&s, "20250102000000_calm", b);
    char setup[2048];
    snprintf(setup, sizeof setup, "CREATE SCHEMA app; SET search_path TO app; %s %s", HISTORY_PG, a);
    live_sql(&s, setup);
    char sum[65];
    migration_checksum(a, strlen(a), sum);
    snprintf(setup, sizeof setup, "INSERT INTO app.\"_prisma_migrations\" VALUES ('a', '%s', now(), "
                                  "'20250101000000_days', NULL, NULL, now(), 1);", sum);
    live_sql(&s, setup);
    char url[1100];
    snprintf(url, sizeof url, "%s?schema=app", s.live.url);
    HistoryReport r;
    scene_status_url(&s, url, &r, LAYOUT_AUTO);
    assert_lines(&r, "20250101000000_days applied\n"
                     "20250102000000_calm pending\n"
                     "verdict consistent\n");
    assert_true(str_eq_cstr(r.history.namespace, "app"));
    SqlBuf script = {0};
    assert_true(history_repair_script(&r, &script));
    assert_null(strstr(script.ptr, "\nBEGIN;\nCREATE TYPE"));
    assert_non_null(strstr(script.ptr, "SET LOCAL search_path TO \"app\";"));
    live_sql(&s, script.ptr);
    sqlbuf_free(&script);
    history_report_free(&r);
    scene_status_url(&s, url, &r, LAYOUT_AUTO);
    assert_true(r.clean);
    history_report_free(&r);
    scene_end(&s);
}

/* A role that may not create databases: the replay goes into the empty shadow database it owns
 * (--shadow-db), which is empty again afterwards; a shadow database that holds something is
 * refused, not emptied. */
static void test_shadow_database_pg(void **state)
{
    (void)state;
    Scene s;
    scene_begin(&s, SQL_POSTGRES, "shadowlive");
    put_migration(&s, "20250101000000_items", "CREATE TABLE \"Item\" (\"id\" SERIAL NOT NULL, \"code\" TEXT NOT NULL, "
                                              "CONSTRAINT \"Item_pkey\" PRIMARY KEY (\"id\"));\n"
                                              "CREATE SCHEMA \"audit\";\nCREATE TABLE \"audit\".\"Log\" (\"id\" INTEGER);\n"
                                              "CREATE FUNCTION \"touch\"() RETURNS integer AS $$ SELECT 1 $$ LANGUAGE sql;\n");
    put_migration(&s, "20250102000000_qty", "ALTER TABLE \"Item\" ADD COLUMN \"qty\" INTEGER;\n");
    live_sql(&s, HISTORY_PG);
    char role[64], shadow_db[96], sql[1024];
    snprintf(role, sizeof role, "prismac_nocreate_%ld", (long)getpid());
    snprintf(shadow_db, sizeof shadow_db, "prismac_shadow_%ld", (long)getpid());
    PGconn *admin = hist_pg_connect(test_pg_url());
    assert_non_null(admin);
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\"", shadow_db);
    PQclear(PQexec(admin, sql));
    snprintf(sql, sizeof sql, "DROP ROLE IF EXISTS \"%s\"", role);
    PQclear(PQexec(admin, sql));
    snprintf(sql, sizeof sql, "CREATE ROLE \"%s\" LOGIN NOCREATEDB", role);
    PQclear(PQexec(admin, sql));
    snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\" OWNER \"%s\"", shadow_db, role);
    PGresult *res = PQexec(admin, sql);
    assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    snprintf(sql, sizeof sql, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"%s\";", role);
    live_sql(&s, sql);
    /* the role's URLs: the live database and the shadow */
    char live_url[1024], shadow_url[1024], base[1024];
    hist_pg_url(s.live.name, base, sizeof base);
    const char *at = strchr(strstr(base, "://") + 3, '@');
    snprintf(live_url, sizeof live_url, "postgresql://%s%s", role, at);
    hist_pg_url(shadow_db, base, sizeof base);
    at = strchr(strstr(base, "://") + 3, '@');
    snprintf(shadow_url, sizeof shadow_url, "postgresql://%s%s", role, at);

    DbUrl live, shadow;
    DbError err = {0};
    assert_true(dburl_parse(live_url, NULL, &live, &err));
    assert_true(dburl_parse(shadow_url, NULL, &shadow, &err));
    HistoryStatusOptions so = {0};
    so.dir = s.migrations;
    so.db = &live;
    HistoryReport r;
    char *msg = NULL;
    /* without a shadow database: the role cannot make a scratch database, and says so */
    assert_int_equal(history_status(&so, &r, &msg), 2);
    assert_non_null(strstr(msg, "--shadow-db"));
    history_report_free(&r);
    so.shadow = &shadow;
    msg = NULL;
    int rc = history_status(&so, &r, &msg);
    if (rc)
        print_error("%s\n", msg);
    assert_int_equal(rc, 0);
    assert_lines(&r, "20250101000000_items pending\n20250102000000_qty pending\nverdict consistent\n");
    history_report_free(&r);
    /* the shadow database is empty again: no table, schema or function of the replay is left */
    char shadow_admin[1024];
    hist_pg_url(shadow_db, shadow_admin, sizeof shadow_admin);
    PGconn *c = hist_pg_connect(shadow_admin);
    assert_non_null(c);
    res = PQexec(c, "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema') + "
                    "(SELECT count(*) FROM pg_namespace WHERE nspname = 'audit') + "
                    "(SELECT count(*) FROM pg_proc WHERE proname = 'touch')");
    assert_string_equal(PQgetvalue(res, 0, 0), "0");
    PQclear(res);
    /* a shadow database that holds something is refused and left as it is */
    PQclear(PQexec(c, "CREATE TABLE keep_me (id int); INSERT INTO keep_me VALUES (1);"));
    msg = NULL;
    assert_int_equal(history_status(&so, &r, &msg), 2);
    assert_non_null(strstr(msg, "not empty"));
    history_report_free(&r);
    res = PQexec(c, "SELECT count(*) FROM keep_me");
    assert_string_equal(PQgetvalue(res, 0, 0), "1");
    PQclear(res);
    PQfinish(c);
    dburl_free(&live);
    dburl_free(&shadow);
    scene_end(&s);
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", shadow_db);
    PQclear(PQexec(admin, sql));
    snprintf(sql, sizeof sql, "DROP OWNED BY \"%s\"; DROP ROLE IF EXISTS \"%s\"", role, role);
    PQclear(PQexec(admin, sql));
    PQfinish(admin);
}

/* ---- the offline check ------------------------------------------------------------------------- */

#define CHECK_FIXTURES "fixtures/history-check"

static void copy_dir(const char *from, const char *to)
{
    RunResult r = run_cmd("cp -R '%s' '%s'", from, to);
    assert_int_equal(r.status, 0);
    run_free(&r);
}

/* Each scenario: the check's verdict and its migration are the oracle's (missing.sql); the
 * migration written into the folder makes the check pass (the oracle agreed: after.sql). */
static void test_check_fixtures(void **state)
{
    (void)state;
    DIR *d = opendir(CHECK_FIXTURES);
    assert_non_null(d);
    struct dirent *e;
    DbUrl server;
    DbError dberr = {0};
    assert_true(dburl_parse(test_pg_url(), NULL, &server, &dberr));
    uint32_t n = 0, missing = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char fx[512], path[1024];
        snprintf(fx, sizeof fx, CHECK_FIXTURES "/%s", e->d_name);
        snprintf(path, sizeof path, "%s/schema.prisma", fx);
        LoadedSchema schema;
        schema_from_file(&schema, path);
        assert_non_null(schema.db);
        snprintf(path, sizeof path, "%s/missing.sql", fx);
        char *want = read_whole_file(path, NULL);
        assert_non_null(want);
        bool in_sync = strcmp(want, "-- This is an empty migration.") == 0 ||
                       strcmp(want, "-- This is an empty migration.\n") == 0;
        /* a copy of the folder, where the migration can be written */
        char tmp[256];
        snprintf(tmp, sizeof tmp, "/tmp/prismac-check-XXXXXX");
        assert_non_null(mkdtemp(tmp));
        char dir[512];
        snprintf(dir, sizeof dir, "%s/migrations", tmp);
        snprintf(path, sizeof path, "%s/migrations", fx);
        copy_dir(path, dir);
        MigrationsCheckOptions co = {0};
        co.shadow = &server;
        co.name = "added_without_a_migration";
        co.now = 1767225600;    /* 2026-01-01 00:00:00 UTC */
        MigrationsCheck c;
        char *err = NULL;
        bool ok = migrations_check_offline(schema.db, dir, &co, &c, &err);
        if (!ok)
            print_error("%s: %s\n", fx, err);
        assert_true(ok);
        assert_false(c.replay_failed);
        assert_int_equal(c.in_sync, in_sync);
        if (!in_sync) {
            missing++;
            if (strcmp(c.migration_sql, want) != 0)
                print_error("%s: expected\n%s\ngot\n%s\n", fx, want, c.migration_sql);
            assert_string_equal(c.migration_sql, want);
            assert_string_equal(c.folder_name, "20260101000000_added_without_a_migration");
            /* the oracle applied it and found nothing left */
            snprintf(path, sizeof path, "%s/after.sql", fx);
            char *after = read_whole_file(path, NULL);
            assert_non_null(after);
            assert_non_null(strstr(after, "-- This is an empty migration."));
            free(after);
            /* written into the folder, as --write does (Supabase: a <version>_<name>.sql file) */
            char rel[512];
            if (c.dir.layout == LAYOUT_SUPABASE)
                snprintf(rel, sizeof rel, "%s.sql", c.folder_name);
            else
                snprintf(rel, sizeof rel, "%s/migration.sql", c.folder_name);
            put_file(dir, rel, c.migration_sql);
            MigrationsCheck again;
            assert_true(migrations_check_offline(schema.db, dir, &co, &again, &err));
            assert_true(again.in_sync);
            migrations_check_free(&again);
        }
        migrations_check_free(&c);
        free(want);
        schema_loaded_free(&schema);
        RunResult r = run_cmd("rm -rf '%s'", tmp);
        run_free(&r);
        n++;
    }
    closedir(d);
    dburl_free(&server);
    assert_true(n >= 6);
    assert_true(missing >= 5);
}

/* A migration that fails to replay is named with its file and line; a lock for another
 * provider is reported. */
static void test_check_replay_error(void **state)
{
    (void)state;
    Scene s;
    scene_begin(&s, SQL_SQLITE, "replayerr");
    put_migration(&s, "20250101000000_authors", M1);
    put_migration(&s, "20250102000000_broken", "ALTER TABLE \"Author\" ADD COLUMN \"a\" TEXT;\n\n"
                                              "CREATE INDEX \"x\" ON \"Author\"(\"a\";\n");
    put_file(s.migrations, "migration_lock.toml", "# Please do not edit this file manually\nprovider = \"postgresql\"\n");
    LoadedSchema schema;
    put_file(s.dir, "schema.prisma", "datasource db {\n  provider = \"sqlite\"\n}\n\nmodel Author {\n"
                                     "  id   Int    @id @default(autoincrement())\n  name String\n}\n");
    char path[512];
    snprintf(path, sizeof path, "%s/schema.prisma", s.dir);
    schema_from_file(&schema, path);
    assert_non_null(schema.db);
    MigrationsCheckOptions co = {0};
    MigrationsCheck c;
    char *err = NULL;
    assert_true(migrations_check_offline(schema.db, s.migrations, &co, &c, &err));
    assert_true(c.lock_mismatch);
    assert_true(c.replay_failed);
    assert_true(str_eq_cstr(c.failed_migration, "20250102000000_broken"));
    assert_non_null(strstr(c.replay_error, "20250102000000_broken/migration.sql:3: "));
    migrations_check_free(&c);
    schema_loaded_free(&schema);
    scene_end(&s);
}

/* ---- the command ------------------------------------------------------------------------------- */

static void test_cli(void **state)
{
    (void)state;
    Scene s;
    scene_begin(&s, SQL_SQLITE, "cli");
    put_migration(&s, "20250101000000_authors", M1);
    put_migration(&s, "20250102000000_books", M2);
    put_file(s.migrations, "migration_lock.toml", "provider = \"sqlite\"\n");
    live_sql(&s, HISTORY_SQLITE);
    live_sql(&s, M1);
    record(&s, "a1", "20250101000000_authors", M1, NULL, R_APPLIED, 1);
    const char *bin = prismac_bin();

    /* status: pending → 1, human report names it; json carries the statuses */
    RunResult r = run_cmd("%s migrations status --dir %s --db %s", bin, s.migrations, s.live.url);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "pending"));
    assert_non_null(strstr(r.out, "prisma migrate deploy"));
    run_free(&r);
    r = run_cmd("%s migrations status --dir %s --db %s --format json --script %s/repair.sql", bin, s.migrations,
                s.live.url, s.dir);
    assert_int_equal(r.status, 1);
    json_t *j = json_loads(r.out, 0, NULL);
    assert_non_null(j);
    json_t *m = json_array_get(json_object_get(j, "migrations"), 1);
    assert_string_equal(json_string_value(json_object_get(m, "status")), "pending");
    assert_true(json_is_true(json_object_get(json_object_get(j, "verdict"), "consistent")));
    assert_true(json_is_true(json_object_get(json_object_get(j, "repair"), "complete")));
    json_decref(j);
    run_free(&r);
    /* the script, applied, leaves a clean report: exit 0 */
    char path[512];
    snprintf(path, sizeof path, "%s/repair.sql", s.dir);
    char *script = read_whole_file(path, NULL);
    assert_non_null(script);
    live_sql(&s, script);
    free(script);
    r = run_cmd("%s migrations status --dir %s --db %s", bin, s.migrations, s.live.url);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "consistent"));
    run_free(&r);

    /* check: in sync → 0; a field added → 1 with the migration; --write → 0, then in sync */
    put_file(s.dir, "schema.prisma",
             "datasource db {\n  provider = \"sqlite\"\n}\n\nmodel Author {\n"
             "  id    Int    @id @default(autoincrement())\n  name  String\n  books Book[]\n}\n\n"
             "model Book {\n  id       Int    @id @default(autoincrement())\n"
             "  author   Author @relation(fields: [authorId], references: [id], onDelete: Cascade)\n"
             "  authorId Int\n  title    String\n\n  @@index([authorId])\n}\n");
    r = run_cmd("cd %s && %s migrations check", s.dir, bin);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "reproduces"));
    run_free(&r);
    RunResult ed = run_cmd("cd %s && sed -i 's/  title    String/  title    String\\n  isbn     String?/' "
                           "schema.prisma", s.dir);
    run_free(&ed);
    r = run_cmd("cd %s && %s migrations check --name isbn", s.dir, bin);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "_isbn/migration.sql"));
    assert_non_null(strstr(r.out, "ALTER TABLE \"Book\" ADD COLUMN \"isbn\" TEXT;"));
    run_free(&r);
    r = run_cmd("cd %s && %s migrations check --name isbn --write && %s migrations check", s.dir, bin, bin);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "wrote"));
    assert_non_null(strstr(r.out, "reproduces"));
    run_free(&r);

    /* trouble: exit 2 */
    r = run_cmd("%s migrations status --dir %s/nope --db %s", bin, s.dir, s.live.url);
    assert_int_equal(r.status, 2);
    run_free(&r);
    r = run_cmd("%s migrations status --dir %s --db file:%s/nope.db", bin, s.migrations, s.dir);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "does not exist"));
    run_free(&r);
    r = run_cmd("%s migrations status --dir %s --db %s --layout flat", bin, s.migrations, s.live.url);
    assert_int_equal(r.status, 2);
    run_free(&r);
    r = run_cmd("%s migrations check --dir %s --db %s", bin, s.migrations, s.live.url);
    assert_int_equal(r.status, 2);
    run_free(&r);
    r = run_cmd("%s migrations frobnicate", bin);
    assert_int_equal(r.status, 2);
    run_free(&r);
    /* forcing the other layout: no <version>_<name>.sql files, so no migrations, and Supabase needs PostgreSQL */
    r = run_cmd("%s migrations status --dir %s --db %s --layout supabase", bin, s.migrations, s.live.url);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "SQLite database"));
    run_free(&r);
    scene_end(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_statements),
        cmocka_unit_test(test_rows_per_name_sqlite),
        cmocka_unit_test(test_phantom_sqlite),
        cmocka_unit_test(test_no_history_table_sqlite),
        cmocka_unit_test(test_modified_sqlite),
        cmocka_unit_test(test_failed_and_rolled_back_sqlite),
        cmocka_unit_test(test_superseded_pg),
        cmocka_unit_test(test_supabase_old_table),
        cmocka_unit_test(test_transaction_and_schema_pg),
        cmocka_unit_test(test_shadow_database_pg),
        cmocka_unit_test(test_check_fixtures),
        cmocka_unit_test(test_check_replay_error),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
