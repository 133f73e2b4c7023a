/* The renderers on hand-built SqlSchemas (quoting, statement shapes, the script's framing), and
 * `prismac sql` end to end (options, exit statuses, files). */
#include "testutil.h"

#include "prismac/migrate.h"

#include <sys/stat.h>

static SqlColumn col(const char *name, SqlTypeFamily family, const char *type, bool nullable)
{
    SqlColumn c = {0};
    c.name = (Str){name, (uint32_t)strlen(name)};
    c.type.family = family;
    c.type.name = (Str){type, (uint32_t)strlen(type)};
    c.type.enum_id = SQL_NONE;
    c.nullable = nullable;
    return c;
}

static char *script(const SqlSchema *prev, const SqlSchema *next, const Dialect *d)
{
    Migration *m = migrate_diff(prev, next, d);
    SqlBuf out = {0};
    migrate_render_script(m, NULL, &out);
    migrate_free(m);
    return sqlbuf_take(&out);
}

static char *from_empty(const SqlSchema *next, const Dialect *d)
{
    SqlSchema *empty = sql_schema_new(next->flavour);
    char *s = script(empty, next, d);
    sql_schema_free(empty);
    return s;
}

/* A table with a quote in every name it can have one in. */
static SqlSchema *quoted_names(SqlFlavour flavour)
{
    SqlSchema *s = sql_schema_new(flavour);
    uint32_t ns = flavour == SQL_POSTGRES ? sql_add_namespace(s, STR_LIT("public")) : SQL_NONE;
    uint32_t t = sql_add_table(s, ns, STR_LIT("a\"b"), SQL_NO_ORIGIN);
    SqlColumn id = col("i\"d", SQLT_INT, "INTEGER", false);
    SqlColumn note = col("it's", SQLT_STRING, "TEXT", true);
    note.def.kind = SQLDEF_VALUE;
    note.def.sql = STR_LIT("'it''s'");
    sql_add_column(s, t, &id);
    sql_add_column(s, t, &note);
    SqlIndexColumn pkc = {0, SORT_DEFAULT, -1, {"", 0}};
    SqlIndex pk = {.kind = SQLIDX_PRIMARY, .name = STR_LIT("p\"k"), .columns = &pkc, .ncolumns = 1, .origin = SQL_NO_ORIGIN};
    if (flavour == SQL_SQLITE)
        pk.name = (Str){"", 0};
    sql_add_index(s, t, &pk);
    SqlIndexColumn ic = {1, SORT_DESC, -1, {"", 0}};
    /* a partial index: the condition is SQL text, written as it is */
    SqlIndex idx = {.kind = SQLIDX_NORMAL, .name = STR_LIT("x\"y"), .columns = &ic, .ncolumns = 1,
                    .predicate = STR_LIT("\"it's\" <> 'x'"), .origin = SQL_NO_ORIGIN};
    sql_add_index(s, t, &idx);
    return s;
}

static void test_quoting_postgres(void **state)
{
    (void)state;
    SqlSchema *s = quoted_names(SQL_POSTGRES);
    char *sql = from_empty(s, &dialect_postgres);
    assert_string_equal(sql, "-- CreateSchema\n"
                             "CREATE SCHEMA IF NOT EXISTS \"public\";\n"
                             "\n"
                             "-- CreateTable\n"
                             "CREATE TABLE \"a\"\"b\" (\n"
                             "    \"i\"\"d\" INTEGER NOT NULL,\n"
                             "    \"it's\" TEXT DEFAULT 'it''s',\n"
                             "\n"
                             "    CONSTRAINT \"p\"\"k\" PRIMARY KEY (\"i\"\"d\")\n"
                             ");\n"
                             "\n"
                             "-- CreateIndex\n"
                             "CREATE INDEX \"x\"\"y\" ON \"a\"\"b\"(\"it's\" DESC) WHERE (\"it's\" <> 'x');\n");
    free(sql);
    /* Prisma-exact: Prisma's bytes, quotes inside names left alone */
    sql = from_empty(s, &dialect_postgres_exact);
    assert_non_null(strstr(sql, "CREATE TABLE \"a\"b\" (\n    \"i\"d\" INTEGER NOT NULL,\n"));
    free(sql);
    sql_schema_free(s);
}

static void test_quoting_sqlite(void **state)
{
    (void)state;
    SqlSchema *s = quoted_names(SQL_SQLITE);
    char *sql = from_empty(s, &dialect_sqlite);
    assert_string_equal(sql, "-- CreateTable\n"
                             "CREATE TABLE \"a\"\"b\" (\n"
                             "    \"i\"\"d\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
                             "    \"it's\" TEXT DEFAULT 'it''s'\n"
                             ");\n"
                             "\n"
                             "-- CreateIndex\n"
                             "CREATE INDEX \"x\"\"y\" ON \"a\"\"b\"(\"it's\" DESC) WHERE \"it's\" <> 'x';\n");
    free(sql);
    sql_schema_free(s);
}

/* Nothing to do: Prisma's sentence. The public schema, when it exists, is not created again. */
static void test_empty_and_public(void **state)
{
    (void)state;
    SqlSchema *a = sql_schema_new(SQL_POSTGRES), *b = sql_schema_new(SQL_POSTGRES);
    char *sql = script(a, b, &dialect_postgres);
    assert_string_equal(sql, "-- This is an empty migration.\n");
    free(sql);
    uint32_t ns = sql_add_namespace(b, STR_LIT("public"));
    SqlColumn id = col("id", SQLT_INT, "INTEGER", false);
    sql_add_column(b, sql_add_table(b, ns, STR_LIT("T"), SQL_NO_ORIGIN), &id);
    sql_add_namespace(a, STR_LIT("public"));
    sql = script(a, b, &dialect_postgres);
    assert_string_equal(sql, "-- CreateTable\nCREATE TABLE \"T\" (\n    \"id\" INTEGER NOT NULL\n);\n");
    free(sql);
    sql_schema_free(a);
    sql_schema_free(b);
}

/* Enums, index methods, operator classes, foreign keys with their actions, lists, SERIAL. */
static void test_postgres_shapes(void **state)
{
    (void)state;
    SqlSchema *s = sql_schema_new(SQL_POSTGRES);
    uint32_t pub = sql_add_namespace(s, STR_LIT("public")), hr = sql_add_namespace(s, STR_LIT("hr"));
    uint32_t e = sql_add_enum(s, hr, STR_LIT("Mood"), SQL_NO_ORIGIN);
    sql_add_enum_value(s, e, STR_LIT("ok"), SQL_NO_ORIGIN);
    sql_add_enum_value(s, e, STR_LIT("it's"), SQL_NO_ORIGIN);
    uint32_t p = sql_add_table(s, pub, STR_LIT("P"), SQL_NO_ORIGIN);
    SqlColumn pid = col("id", SQLT_BIGINT, "BIGINT", false);
    pid.autoincrement = true;
    pid.def.kind = SQLDEF_SEQUENCE;
    sql_add_column(s, p, &pid);
    uint32_t c = sql_add_table(s, hr, STR_LIT("C"), SQL_NO_ORIGIN);
    SqlColumn pref = col("pId", SQLT_BIGINT, "BIGINT", true);
    SqlColumn mood = col("mood", SQLT_ENUM, "Mood", true);
    mood.type.enum_id = e;
    mood.type.list = true;
    mood.def.kind = SQLDEF_VALUE;
    mood.def.sql = STR_LIT("ARRAY['ok']::\"hr\".\"Mood\"[]");
    SqlColumn ip = col("ip", SQLT_STRING, "INET", false);
    sql_add_column(s, c, &pref);
    sql_add_column(s, c, &mood);
    sql_add_column(s, c, &ip);
    SqlIndexColumn ipc = {2, SORT_DESC, -1, STR_LIT("inet_ops")};
    SqlIndex gist = {.kind = SQLIDX_NORMAL, .name = STR_LIT("C_ip_idx"), .columns = &ipc, .ncolumns = 1,
                     .algorithm = STR_LIT("Gist"), .origin = SQL_NO_ORIGIN};
    sql_add_index(s, c, &gist);
    uint32_t from[1] = {0}, to[1] = {0};
    SqlForeignKey fk = {STR_LIT("C_pId_fkey"), from, p, to, 1, SQLACT_SET_NULL, SQLACT_CASCADE, SQL_NO_ORIGIN};
    sql_add_foreign_key(s, c, &fk);
    char *sql = from_empty(s, &dialect_postgres);
    /* schemas in the order of the schema's namespaces (lowering sorts them by name) */
    assert_string_equal(sql, "-- CreateSchema\n"
                             "CREATE SCHEMA IF NOT EXISTS \"public\";\n"
                             "\n"
                             "-- CreateSchema\n"
                             "CREATE SCHEMA IF NOT EXISTS \"hr\";\n"
                             "\n"
                             "-- CreateEnum\n"
                             "CREATE TYPE \"hr\".\"Mood\" AS ENUM ('ok', 'it''s');\n"
                             "\n"
                             "-- CreateTable\n"
                             "CREATE TABLE \"P\" (\n"
                             "    \"id\" BIGSERIAL NOT NULL\n"
                             ");\n"
                             "\n"
                             "-- CreateTable\n"
                             "CREATE TABLE \"hr\".\"C\" (\n"
                             "    \"pId\" BIGINT,\n"
                             "    \"mood\" \"hr\".\"Mood\"[] DEFAULT ARRAY['ok']::\"hr\".\"Mood\"[],\n"
                             "    \"ip\" INET NOT NULL\n"
                             ");\n"
                             "\n"
                             "-- CreateIndex\n"
                             "CREATE INDEX \"C_ip_idx\" ON \"hr\".\"C\" USING GIST (\"ip\" inet_ops DESC);\n"
                             "\n"
                             "-- AddForeignKey\n"
                             "ALTER TABLE \"hr\".\"C\" ADD CONSTRAINT \"C_pId_fkey\" FOREIGN KEY (\"pId\") REFERENCES "
                             "\"P\"(\"id\") ON DELETE SET NULL ON UPDATE CASCADE;\n");
    free(sql);
    sql_schema_free(s);
}

/* SQLite: foreign keys inside CREATE TABLE, a compound primary key after a blank line. */
static void test_sqlite_shapes(void **state)
{
    (void)state;
    SqlSchema *s = sql_schema_new(SQL_SQLITE);
    uint32_t a = sql_add_table(s, SQL_NONE, STR_LIT("A"), SQL_NO_ORIGIN);
    SqlColumn x = col("x", SQLT_INT, "INTEGER", false), y = col("y", SQLT_STRING, "TEXT", false);
    sql_add_column(s, a, &x);
    sql_add_column(s, a, &y);
    SqlIndexColumn pkc[2] = {{0, SORT_DEFAULT, -1, {"", 0}}, {1, SORT_DEFAULT, -1, {"", 0}}};
    SqlIndex pk = {.kind = SQLIDX_PRIMARY, .columns = pkc, .ncolumns = 2, .origin = SQL_NO_ORIGIN};
    sql_add_index(s, a, &pk);
    uint32_t b = sql_add_table(s, SQL_NONE, STR_LIT("B"), SQL_NO_ORIGIN);
    SqlColumn bx = col("ax", SQLT_INT, "INTEGER", false), by = col("ay", SQLT_STRING, "TEXT", false);
    sql_add_column(s, b, &bx);
    sql_add_column(s, b, &by);
    uint32_t from[2] = {0, 1}, to[2] = {0, 1};
    SqlForeignKey fk = {STR_LIT("B_ax_ay_fkey"), from, a, to, 2, SQLACT_CASCADE, SQLACT_NO_ACTION, SQL_NO_ORIGIN};
    sql_add_foreign_key(s, b, &fk);
    char *sql = from_empty(s, &dialect_sqlite);
    assert_string_equal(sql, "-- CreateTable\n"
                             "CREATE TABLE \"A\" (\n"
                             "    \"x\" INTEGER NOT NULL,\n"
                             "    \"y\" TEXT NOT NULL,\n"
                             "\n"
                             "    PRIMARY KEY (\"x\", \"y\")\n"
                             ");\n"
                             "\n"
                             "-- CreateTable\n"
                             "CREATE TABLE \"B\" (\n"
                             "    \"ax\" INTEGER NOT NULL,\n"
                             "    \"ay\" TEXT NOT NULL,\n"
                             "    CONSTRAINT \"B_ax_ay_fkey\" FOREIGN KEY (\"ax\", \"ay\") REFERENCES \"A\" (\"x\", \"y\") "
                             "ON DELETE CASCADE ON UPDATE NO ACTION\n"
                             ");\n");
    free(sql);
    sql_schema_free(s);
}

/* ---- prismac sql ----------------------------------------------------------------------------- */

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/prismac-render-XXXXXX.prisma");
    int fd = mkstemps(path, 7);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static const char *SCHEMA_PG = "datasource db {\n  provider = \"postgresql\"\n}\n\n"
                               "model Survey {\n  id      Int      @id @default(autoincrement())\n"
                               "  answers String[]\n  at      DateTime @db.Timestamptz(3)\n}\n";

/* Table i of the large schema below: an id, a name and an index on it (the strings live in
 * `names`, which outlives the schema). */
static void add_numbered_table(SqlSchema *s, uint32_t i, char (*names)[3][24])
{
    snprintf(names[i][0], sizeof names[i][0], "t%u", i);
    snprintf(names[i][1], sizeof names[i][1], "t%u_pk", i);
    snprintf(names[i][2], sizeof names[i][2], "t%u_name_idx", i);
    uint32_t t = sql_add_table(s, SQL_NONE, (Str){names[i][0], (uint32_t)strlen(names[i][0])}, SQL_NO_ORIGIN);
    SqlColumn id = col("id", SQLT_INT, "INTEGER", false), name = col("name", SQLT_STRING, "TEXT", true);
    sql_add_column(s, t, &id);
    sql_add_column(s, t, &name);
    SqlIndexColumn pkc = {0, SORT_DEFAULT, -1, {"", 0}}, ic = {1, SORT_DEFAULT, -1, {"", 0}};
    SqlIndex pk = {.kind = SQLIDX_PRIMARY, .columns = &pkc, .ncolumns = 1, .origin = SQL_NO_ORIGIN};
    SqlIndex idx = {.kind = SQLIDX_NORMAL, .name = {names[i][2], (uint32_t)strlen(names[i][2])}, .columns = &ic,
                    .ncolumns = 1, .origin = SQL_NO_ORIGIN};
    sql_add_index(s, t, &pk);
    sql_add_index(s, t, &idx);
}

/* What a sink was given: the text and the number of pieces; the piece numbered fail_at (from
 * 1) is refused. */
typedef struct Collected {
    SqlBuf text;
    uint32_t pieces, fail_at;
} Collected;

static bool collect_piece(void *ctx, const char *bytes, size_t len)
{
    Collected *c = ctx;
    assert_true(len > 0);
    if (++c->pieces == c->fail_at)
        return false;
    sqlbuf_put(&c->text, bytes, len);
    return true;
}

/* A script of thousands of steps is rendered on two threads at once (render.c): the same text as
 * the steps rendered one table at a time and put in the script's order (every CREATE TABLE,
 * then every CREATE INDEX). */
static void test_large_script_in_parts(void **state)
{
    (void)state;
    enum { N = 3000 };
    char (*names)[3][24] = calloc(N, sizeof *names);
    SqlSchema *all = sql_schema_new(SQL_SQLITE);
    for (uint32_t i = 0; i < N; i++)
        add_numbered_table(all, i, names);
    char *whole = from_empty(all, &dialect_sqlite);

    SqlBuf tables = {0}, indexes = {0};
    for (uint32_t i = 0; i < N; i++) {
        SqlSchema *one = sql_schema_new(SQL_SQLITE);
        add_numbered_table(one, i, names);
        one->tables[0].name = all->tables[i].name;
        char *sql = from_empty(one, &dialect_sqlite);
        char *split = strstr(sql, "\n\n-- CreateIndex\n");
        assert_non_null(split);
        if (i)
            sqlbuf_puts(&tables, "\n");
        sqlbuf_put(&tables, sql, (size_t)(split - sql) + 1);
        sqlbuf_puts(&indexes, split + 1);    /* "\n-- CreateIndex...": with its separator */
        free(sql);
        sql_schema_free(one);
    }
    sqlbuf_put(&tables, indexes.ptr, indexes.len);
    assert_string_equal(whole, tables.ptr);

    /* piece by piece (as prismac sql writes it): many pieces, together the script; a sink
     * that fails stops it at once */
    SqlSchema *none = sql_schema_new(SQL_SQLITE);
    Migration *m = migrate_diff(none, all, &dialect_sqlite);
    Collected got = {0};
    assert_true(migrate_render_script_to(m, NULL, collect_piece, &got));
    assert_true(got.pieces > 2);
    assert_int_equal(got.text.len, strlen(whole));
    assert_memory_equal(got.text.ptr, whole, got.text.len);
    sqlbuf_free(&got.text);
    Collected stopped = {.fail_at = 2};
    assert_false(migrate_render_script_to(m, NULL, collect_piece, &stopped));
    assert_int_equal(stopped.pieces, 2);
    assert_memory_equal(stopped.text.ptr, whole, stopped.text.len);
    sqlbuf_free(&stopped.text);
    migrate_free(m);
    sql_schema_free(none);
    sqlbuf_free(&tables);
    sqlbuf_free(&indexes);
    free(whole);
    sql_schema_free(all);
    free(names);
}

static void test_cli_sql(void **state)
{
    (void)state;
    char *path = write_temp(SCHEMA_PG);
    RunResult r = run_cmd("%s sql %s", prismac_bin(), path);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "CREATE SCHEMA IF NOT EXISTS \"public\";\n\n-- CreateTable\nCREATE TABLE \"Survey\""));
    run_free(&r);
    /* without the public schema, as migrate dev's first migration */
    r = run_cmd("%s sql --no-public-schema %s", prismac_bin(), path);
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "-- CreateTable\n", 15) == 0);
    run_free(&r);
    /* the other provider: every construct that does not carry over, one line each, exit 1 */
    r = run_cmd("%s sql --provider sqlite %s", prismac_bin(), path);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    int lines = 0;
    for (const char *p = r.err; (p = strstr(p, ": error: ")); p++)
        lines++;
    assert_int_equal(lines, 2);     /* the list, the native type */
    assert_non_null(strstr(r.err, ":7:3: error: "));
    assert_non_null(strstr(r.err, ":8:"));
    assert_null(strstr(r.err, "^~"));   /* one line each: no source excerpts */
    run_free(&r);
    /* usage and I/O errors */
    r = run_cmd("%s sql --provider mysql %s", prismac_bin(), path);
    assert_int_equal(r.status, 2);
    run_free(&r);
    r = run_cmd("%s sql /nonexistent/schema.prisma", prismac_bin());
    assert_int_equal(r.status, 2);
    run_free(&r);
    r = run_cmd("%s sql --provider", prismac_bin());
    assert_int_equal(r.status, 2);
    run_free(&r);
    unlink(path);
    free(path);
}

static void test_cli_sql_output_file(void **state)
{
    (void)state;
    char *path = write_temp("datasource db {\n  provider = \"sqlite\"\n}\n\nmodel A {\n  id Int @id\n}\n");
    char out[] = "/tmp/prismac-render-out-XXXXXX";
    int fd = mkstemp(out);
    close(fd);
    chmod(out, 0640);
    RunResult r = run_cmd("%s sql %s -o %s", prismac_bin(), path, out);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    struct stat st;
    assert_int_equal(stat(out, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);    /* the file replaced keeps its mode */
    char *written = read_whole_file(out, NULL);
    assert_string_equal(written, "-- CreateTable\nCREATE TABLE \"A\" (\n    \"id\" INTEGER NOT NULL PRIMARY KEY "
                                 "AUTOINCREMENT\n);\n");
    free(written);
    run_free(&r);
    /* to PostgreSQL */
    r = run_cmd("%s sql --provider postgresql %s", prismac_bin(), path);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "CONSTRAINT \"A_pkey\" PRIMARY KEY (\"id\")"));
    run_free(&r);
    /* a folder that does not exist: nothing written, exit 2 */
    r = run_cmd("%s sql %s -o /nonexistent-dir/x.sql", prismac_bin(), path);
    assert_int_equal(r.status, 2);
    run_free(&r);
    unlink(out);
    unlink(path);
    free(path);
}

static void test_cli_invalid_schema(void **state)
{
    (void)state;
    char *path = write_temp("datasource db {\n  provider = \"postgresql\"\n}\n\nmodel A {\n  id Strin @id\n}\n");
    RunResult r = run_cmd("%s sql %s", prismac_bin(), path);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "error"));
    run_free(&r);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoting_postgres),
        cmocka_unit_test(test_quoting_sqlite),
        cmocka_unit_test(test_empty_and_public),
        cmocka_unit_test(test_postgres_shapes),
        cmocka_unit_test(test_sqlite_shapes),
        cmocka_unit_test(test_large_script_in_parts),
        cmocka_unit_test(test_cli_sql),
        cmocka_unit_test(test_cli_sql_output_file),
        cmocka_unit_test(test_cli_invalid_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
