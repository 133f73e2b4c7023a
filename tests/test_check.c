/* The drift check: findings between two SQL models (check.c), the repair script (repair.c), and
 * `prismac check` / `prismac diff` end to end on real SQLite files and the test PostgreSQL server:
 * exit statuses, URLs from the environment and .env, masked passwords, the json and github
 * formats, and proof that a check writes nothing (a SELECT-only, read-only role on PostgreSQL;
 * a read-only file in a read-only folder on SQLite). The scenarios of fixtures/drift are run by
 * test_drift_fixtures.c. */
#include "testutil.h"

#include "prismac/check.h"
#include "prismac/db.h"
#include "prismac/lower.h"
#include "prismac/repair.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/stat.h>

/* ---- models from schema text ------------------------------------------------------------------- */

typedef struct Model {
    Parsed *parsed;
    SqlSchema *sql;
} Model;

static Model model(const char *text)
{
    Model m;
    m.parsed = parse_text(text);
    Db *db = db_resolve(m.parsed->ast, &m.parsed->diags);
    db_validate(db, PROVIDER_NONE, &m.parsed->diags);
    if (m.parsed->diags.errors) {
        char *msg = diags_text(m.parsed, false);
        print_error("invalid schema: %s\n", msg);
        free(msg);
        fail();
    }
    m.sql = lower_schema(db, dialect_get(lower_flavour_for(db->provider), false));
    return m;
}

static void model_free(Model *m)
{
    sql_schema_free(m->sql);
    parsed_free(m->parsed);
}

static const char PG[] = "datasource db {\n  provider = \"postgresql\"\n}\n";
static const char LITE[] = "datasource db {\n  provider = \"sqlite\"\n}\n";

static char *with(const char *ds, const char *body)
{
    size_t n = strlen(ds) + strlen(body) + 1;
    char *s = malloc(n);
    snprintf(s, n, "%s%s", ds, body);
    return s;
}

/* The findings as "kind object" lines joined with "\n", sorted. */
static char *finding_text(const CheckResult *r)
{
    char **lines = calloc(r->nfindings + 1, sizeof *lines);
    size_t total = 1;
    for (uint32_t k = 0; k < r->nfindings; k++) {
        const CheckFinding *f = &r->findings[k];
        char buf[1024];
        if (f->kind == CHECK_UNMANAGED)
            snprintf(buf, sizeof buf, "unmanaged %s %s", f->unmanaged_kind, f->object);
        else
            snprintf(buf, sizeof buf, "%s %s%s", check_kind_name(f->kind), f->object, f->destructive ? " !" : "");
        lines[k] = strdup(buf);
        total += strlen(buf) + 1;
    }
    for (uint32_t a = 0; a < r->nfindings; a++)
        for (uint32_t b = a + 1; b < r->nfindings; b++)
            if (strcmp(lines[a], lines[b]) > 0) {
                char *t = lines[a];
                lines[a] = lines[b];
                lines[b] = t;
            }
    char *out = calloc(total, 1);
    for (uint32_t k = 0; k < r->nfindings; k++) {
        strcat(out, lines[k]);
        if (k + 1 < r->nfindings)
            strcat(out, "\n");
        free(lines[k]);
    }
    free(lines);
    return out;
}

/* Compares database text `db_body` with schema text `sc_body` (same datasource). */
static char *compare(const char *ds, const char *db_body, const char *sc_body, CheckResult **keep, Model *ms)
{
    char *a = with(ds, db_body), *b = with(ds, sc_body);
    ms[0] = model(a);
    ms[1] = model(b);
    free(a);
    free(b);
    const Dialect *d = dialect_get(ms[0].sql->flavour, false);
    CheckResult *r = check_compare(ms[0].sql, ms[1].sql, d);
    char *text = finding_text(r);
    if (keep)
        *keep = r;
    else
        check_free(r);
    return text;
}

static void expect_findings(const char *ds, const char *db_body, const char *sc_body, const char *want)
{
    Model ms[2];
    char *got = compare(ds, db_body, sc_body, NULL, ms);
    if (strcmp(got, want) != 0) {
        print_error("findings:\n%s\nwanted:\n%s\n", got, want);
        free(got);
        model_free(&ms[0]);
        model_free(&ms[1]);
        fail();
    }
    free(got);
    model_free(&ms[0]);
    model_free(&ms[1]);
}

/* ---- unit tests on models ---------------------------------------------------------------------- */

static void test_names_quoted(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        {"User", "User"}, {"order items", "\"order items\""}, {"vendor \"ref\"", "\"vendor \"\"ref\"\"\""},
        {"Mitglieder.Register", "\"Mitglieder.Register\""}, {"商品", "商品"}, {"straße", "straße"},
        {"a\tb", "\"a\tb\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        SqlBuf b = {0};
        check_write_name(&b, (Str){cases[i].in, (uint32_t)strlen(cases[i].in)});
        assert_string_equal(b.ptr, cases[i].out);
        sqlbuf_free(&b);
    }
}

static void test_in_sync(void **state)
{
    (void)state;
    const char *body = "model User {\n  id Int @id @default(autoincrement())\n  email String @unique\n  posts Post[]\n}\n"
                       "model Post {\n  id Int @id\n  authorId Int\n  author User @relation(fields: [authorId], "
                       "references: [id])\n  @@index([authorId])\n}\n";
    expect_findings(PG, body, body, "");
    expect_findings(LITE, body, body, "");
}

static void test_columns(void **state)
{
    (void)state;
    expect_findings(PG,
                    "model T {\n  id Int @id\n  a String\n  b Int?\n  c Int @default(1)\n  d String\n  gone Int\n}\n",
                    "model T {\n  id Int @id\n  a String?\n  b Int\n  c Int @default(2)\n  d Int\n  e Int\n}\n",
                    "column_default T.c\n"
                    "column_extra T.gone !\n"
                    "column_missing T.e\n"
                    "column_nullability T.a\n"
                    "column_nullability T.b\n"
                    "column_type T.d !");
    /* a widening cast keeps every value: not destructive */
    expect_findings(PG, "model T {\n  id Int @id\n  n Int\n}\n", "model T {\n  id Int @id\n  n BigInt\n}\n",
                    "column_type T.n");
    /* autoincrement is its own finding on PostgreSQL, and not one on SQLite */
    expect_findings(PG, "model T {\n  id Int @id\n}\n", "model T {\n  id Int @id @default(autoincrement())\n}\n",
                    "column_autoincrement T.id");
    expect_findings(LITE, "model T {\n  id Int @id\n}\n", "model T {\n  id Int @id @default(autoincrement())\n}\n", "");
}

static void test_tables_and_renames(void **state)
{
    (void)state;
    Model ms[2];
    CheckResult *r;
    char *got = compare(LITE,
                        "model Customer {\n  id Int @id\n  name String\n  entries Entry[]\n}\n"
                        "model Entry {\n  id Int @id\n  customerId Int\n  customer Customer @relation(fields: "
                        "[customerId], references: [id])\n}\n",
                        "model Client {\n  id Int @id\n  name String\n  entries Entry[]\n}\n"
                        "model Entry {\n  id Int @id\n  clientId Int\n  client Client @relation(fields: "
                        "[clientId], references: [id])\n}\n",
                        &r, ms);
    assert_string_equal(got, "column_extra Entry.customerId !\n"
                             "column_missing Entry.clientId\n"
                             "foreign_key_extra Entry.Entry_customerId_fkey\n"
                             "foreign_key_missing Entry.Entry_clientId_fkey\n"
                             "table_extra Customer !\n"
                             "table_missing Client");
    assert_int_equal(r->nrenames, 2);
    bool table = false, column = false;
    for (uint32_t k = 0; k < r->nrenames; k++) {
        if (r->renames[k].kind == RENAME_TABLE)
            table = strcmp(r->renames[k].from, "Customer") == 0 && strcmp(r->renames[k].to, "Client") == 0;
        if (r->renames[k].kind == RENAME_COLUMN)
            column = strcmp(r->renames[k].from, "Entry.customerId") == 0 && strcmp(r->renames[k].to, "Entry.clientId") == 0;
    }
    assert_true(table);
    assert_true(column);
    assert_int_equal(r->tables_drifted, 3);
    assert_int_equal(r->tables_in_sync, 0);
    free(got);

    /* the repair renames only when asked; without, it keeps both tables and says why */
    RepairOptions ro = {0};
    RepairSummary sum;
    DbError err;
    SqlBuf script = {0};
    assert_true(repair_write_script(r, &ro, &script, &sum, &err));
    assert_null(strstr(script.ptr, "\nDROP TABLE \"Customer\";\n"));
    assert_non_null(strstr(script.ptr, "--   ALTER TABLE \"Customer\" RENAME TO \"Client\";"));
    assert_true(sum.renames > 0);
    sqlbuf_free(&script);
    ro.apply_renames = true;
    assert_true(repair_write_script(r, &ro, &script, &sum, &err));
    assert_non_null(strstr(script.ptr, "\nALTER TABLE \"Customer\" RENAME TO \"Client\";\n"));
    assert_non_null(strstr(script.ptr, "\nALTER TABLE \"Entry\" RENAME COLUMN \"customerId\" TO \"clientId\";\n"));
    assert_int_equal(sum.left_out, 0);
    sqlbuf_free(&script);
    check_free(r);
    model_free(&ms[0]);
    model_free(&ms[1]);
}

static void test_indexes_and_keys(void **state)
{
    (void)state;
    /* same name, other definition: changed; other name, same definition: missing + extra */
    expect_findings(PG,
                    "model T {\n  id Int @id\n  a Int\n  b Int\n  @@index([a, b], map: \"T_ab\")\n"
                    "  @@index([b], map: \"old_name\")\n}\n",
                    "model T {\n  id Int @id\n  a Int\n  b Int\n  @@index([b, a], map: \"T_ab\")\n"
                    "  @@index([b], map: \"new_name\")\n}\n",
                    "index_changed T.T_ab\nindex_extra T.old_name\nindex_missing T.new_name");
    /* a primary key on other columns, or (PostgreSQL) under another name */
    expect_findings(PG, "model T {\n  a Int\n  b Int\n  @@id([a, b])\n}\n", "model T {\n  a Int\n  b Int\n  @@id([b, a])\n}\n",
                    "primary_key T");
    expect_findings(PG, "model T {\n  a Int @id\n}\n", "model T {\n  a Int @id(map: \"t_key\")\n}\n", "primary_key T");
}

/* Partial indexes: compared only when the schema enables the preview feature partialIndexes,
 * as Prisma does (measured with its engine); otherwise the database's are left alone. */
static void test_partial_indexes(void **state)
{
    (void)state;
#define ON "generator client {\n  provider = \"prisma-client-js\"\n  previewFeatures = [\"partialIndexes\"]\n}\n"
#define T_OPEN "model T {\n  id Int @id\n  a Int\n  done DateTime?\n"
    static const char *const dss[] = {PG, LITE};
    for (int k = 0; k < 2; k++) {
        const char *ds = dss[k];
        const char *db = ON T_OPEN "  @@index([a], map: \"T_live\", where: { done: null })\n}\n";
        /* without the preview feature: the condition is not compared, an extra one not drift */
        expect_findings(ds, db, T_OPEN "  @@index([a], map: \"T_live\")\n}\n", "");
        expect_findings(ds, db, T_OPEN "}\n", "");
        /* with it: the same condition in sync, another one changed, a missing one extra */
        expect_findings(ds, db, ON T_OPEN "  @@index([a], map: \"T_live\", where: { done: null })\n}\n", "");
        expect_findings(ds, db, ON T_OPEN "  @@index([a], map: \"T_live\", where: { done: { not: null } })\n}\n",
                        "index_changed T.T_live");
        expect_findings(ds, db, ON T_OPEN "  @@index([a], map: \"T_live\")\n}\n", "index_changed T.T_live");
        expect_findings(ds, db, ON T_OPEN "}\n", "index_extra T.T_live");
        expect_findings(ds, ON T_OPEN "}\n", db, "index_missing T.T_live");
    }
    /* PostgreSQL compares the conditions as expressions (sqlexpr.h), SQLite as text */
    const char *raw = ON T_OPEN "  @@index([a], map: \"T_live\", where: raw(\"(\\\"done\\\" IS NULL)\"))\n}\n";
    const char *obj = ON T_OPEN "  @@index([a], map: \"T_live\", where: { done: null })\n}\n";
    expect_findings(PG, raw, obj, "");
    expect_findings(LITE, raw, obj, "index_changed T.T_live");
#undef ON
#undef T_OPEN
}

/* Where a schema drifts against the database made from it, as it does for Prisma (measured with
 * its engine: fixtures/sql/NAME.postgresql.roundtrip): we match Prisma there, deliberately. */
static void test_drift_prisma_shares(void **state)
{
    (void)state;
    /* CHAR and BIT without a length: PostgreSQL keeps CHAR(1) and BIT(1) (072) */
    expect_findings(PG, "model T {\n  id Int @id\n  c String @db.Char(1)\n  b String @db.Bit(1)\n}\n",
                    "model T {\n  id Int @id\n  c String @db.Char\n  b String @db.Bit\n}\n",
                    "column_type T.b !\ncolumn_type T.c");
    expect_findings(PG, "model T {\n  id Int @id\n  c String @db.Char(1)\n}\n",
                    "model T {\n  id Int @id\n  c String @db.Char(1)\n}\n", "");
    /* Unsupported("bytea") is BYTEA to the database, which Prisma's describer reads as Bytes (128) */
    expect_findings(PG, "model T {\n  id Int @id\n  x Bytes?\n}\n", "model T {\n  id Int @id\n  x Unsupported(\"bytea\")?\n}\n",
                    "column_type T.x !");
    /* a name over 63 bytes: PostgreSQL cuts it, lowering does not (030, 034, 125) */
    expect_findings(PG,
                    "model T {\n  id Int @id\n  @@map(\"a_table_name_that_is_longer_than_postgresql_allows_for_identifi\")\n}\n",
                    "model T {\n  id Int @id\n  @@map(\"a_table_name_that_is_longer_than_postgresql_allows_for_identifiers\")\n}\n",
                    "table_extra a_table_name_that_is_longer_than_postgresql_allows_for_identifi !\n"
                    "table_missing a_table_name_that_is_longer_than_postgresql_allows_for_identifiers");
}

static void test_foreign_keys(void **state)
{
    (void)state;
    const char *a = "model A {\n  id Int @id\n  bs B[]\n}\nmodel B {\n  id Int @id\n  aId Int\n  a A @relation(fields: "
                    "[aId], references: [id]%s)\n}\n";
    char db[1024], sc[1024];
    snprintf(db, sizeof db, a, "");
    snprintf(sc, sizeof sc, a, ", onDelete: Cascade");
    expect_findings(PG, db, sc, "foreign_key_changed B.B_aId_fkey");
    expect_findings(LITE, db, sc, "foreign_key_changed B.B_aId_fkey");
    snprintf(sc, sizeof sc, a, ", map: \"b_to_a\"");
    expect_findings(PG, db, sc, "foreign_key_extra B.B_aId_fkey\nforeign_key_missing B.b_to_a");
    /* SQLite keeps no foreign key names: an unnamed key (or another CONSTRAINT name in the
     * CREATE TABLE text) is the same key, matched by what it covers */
    char *text = with(LITE, db);
    Model ms[2] = {model(text), model(text)};
    free(text);
    uint32_t bt = sql_find_table(ms[0].sql, SQL_NONE, STR_LIT("B"));
    for (int pass = 0; pass < 2; pass++) {
        ms[0].sql->tables[bt].fks[0].name = pass ? STR_LIT("fk_b_a") : STR_LIT("");
        CheckResult *r = check_compare(ms[0].sql, ms[1].sql, dialect_get(SQL_SQLITE, false));
        assert_int_equal(r->ndrift, 0);
        check_free(r);
    }
    /* and an extra unnamed one is named as Prisma would name it */
    ms[1].sql->tables[bt].nfks = 0;
    ms[0].sql->tables[bt].fks[0].name = STR_LIT("");
    CheckResult *r = check_compare(ms[0].sql, ms[1].sql, dialect_get(SQL_SQLITE, false));
    char *got = finding_text(r);
    assert_string_equal(got, "foreign_key_extra B.B_aId_fkey");
    free(got);
    check_free(r);
    model_free(&ms[0]);
    model_free(&ms[1]);
}

static void test_enums(void **state)
{
    (void)state;
    const char *t = "model T {\n  id Int @id\n  s S\n}\n";
    char db[512], sc[512];
    snprintf(db, sizeof db, "%senum S {\n  A\n  B\n  C\n}\n", t);
    snprintf(sc, sizeof sc, "%senum S {\n  C\n  B\n  A\n}\n", t);
    expect_findings(PG, db, sc, "enum_values S");          /* reordered: drift, loses nothing */
    snprintf(sc, sizeof sc, "%senum S {\n  A\n  B\n}\n", t);
    expect_findings(PG, db, sc, "enum_values S !");        /* a value removed */
    snprintf(sc, sizeof sc, "%senum S {\n  A\n  X\n  B\n  C\n}\n", t);
    expect_findings(PG, db, sc, "enum_values S");
    expect_findings(LITE, db, sc, "");                     /* SQLite has no enum types */
    snprintf(db, sizeof db, "%senum S {\n  A\n}\nenum Old {\n  Z\n}\nmodel U {\n  id Int @id\n  o Old\n}\n", t);
    snprintf(sc, sizeof sc, "%senum S {\n  A\n}\nenum New {\n  N\n}\nmodel U {\n  id Int @id\n  o New\n}\n", t);
    expect_findings(PG, db, sc, "column_type U.o\nenum_extra Old !\nenum_missing New");
}

static void test_origins_and_texts(void **state)
{
    (void)state;
    Model ms[2];
    CheckResult *r;
    char *got = compare(PG, "model T {\n  id Int @id\n}\n",
                        "model T {\n  id Int @id\n  n Int @default(0)\n  @@index([n])\n}\n", &r, ms);
    assert_string_equal(got, "column_missing T.n\nindex_missing T.T_n_idx");
    free(got);
    for (uint32_t k = 0; k < r->nfindings; k++) {
        const CheckFinding *f = &r->findings[k];
        Source *src = &ms[1].parsed->sources.files[f->origin.file];
        LineCol lc = source_line_col(src, f->origin.start);
        if (f->kind == CHECK_COLUMN_MISSING) {
            assert_int_equal(lc.line, 6);   /* the datasource takes three lines and `model T {` one */
            assert_int_equal(lc.col, 3);
            assert_string_equal(f->expected, "INTEGER NOT NULL DEFAULT 0");
            assert_null(f->actual);
        } else {
            assert_int_equal(lc.line, 7);
            assert_string_equal(f->expected, "INDEX (n)");
        }
        assert_string_equal(f->group, "table T");
    }
    check_free(r);
    model_free(&ms[0]);
    model_free(&ms[1]);
}

/* The repair without a database: NOT NULL columns get their default or a placeholder, what can
 * lose data is left out unless asked for, enum values keep their order. */
static void test_repair_script(void **state)
{
    (void)state;
    Model ms[2];
    CheckResult *r;
    free(compare(PG, "model T {\n  id Int @id\n  old Int\n}\nenum E {\n  A\n  C\n}\n",
                 "model T {\n  id Int @id\n  n Int @default(7)\n  tz String\n}\nenum E {\n  A\n  B\n  C\n}\n", &r, ms));
    RepairOptions ro = {0};
    RepairSummary sum;
    DbError err;
    SqlBuf s = {0};
    assert_true(repair_write_script(r, &ro, &s, &sum, &err));
    assert_non_null(strstr(s.ptr, "BEGIN;\n"));
    assert_non_null(strstr(s.ptr, "\nCOMMIT;\n"));
    assert_non_null(strstr(s.ptr, "ALTER TABLE \"T\" ADD COLUMN \"n\" INTEGER NOT NULL DEFAULT 7;"));
    assert_non_null(strstr(s.ptr, "ALTER TABLE \"T\" ADD COLUMN \"tz\" TEXT NOT NULL DEFAULT '';\n"
                                  "ALTER TABLE \"T\" ALTER COLUMN \"tz\" DROP DEFAULT;"));
    assert_non_null(strstr(s.ptr, "ALTER TYPE \"E\" ADD VALUE 'B' AFTER 'A';"));
    /* the column drop is left out and listed */
    assert_non_null(strstr(s.ptr, "--   column_extra T.old: can lose data"));
    assert_null(strstr(s.ptr, "\nALTER TABLE \"T\" DROP COLUMN \"old\";"));
    assert_int_equal(sum.left_out, 1);
    assert_int_equal(sum.lossy, 1);
    sqlbuf_free(&s);
    ro.allow_data_loss = true;
    assert_true(repair_write_script(r, &ro, &s, &sum, &err));
    assert_non_null(strstr(s.ptr, "\nALTER TABLE \"T\" DROP COLUMN \"old\";"));
    assert_int_equal(sum.left_out, 0);
    sqlbuf_free(&s);
    check_free(r);
    model_free(&ms[0]);
    model_free(&ms[1]);

    /* enum values in a new order: the type is re-created, every value kept */
    free(compare(PG, "model T {\n  id Int @id\n  e E @default(B)\n}\nenum E {\n  A\n  B\n}\n",
                 "model T {\n  id Int @id\n  e E @default(B)\n}\nenum E {\n  B\n  A\n}\n", &r, ms));
    ro.allow_data_loss = false;
    assert_true(repair_write_script(r, &ro, &s, &sum, &err));
    assert_non_null(strstr(s.ptr, "CREATE TYPE \"E_new\" AS ENUM ('B', 'A');"));
    assert_non_null(strstr(s.ptr, "USING (\"e\"::text::\"E_new\")"));
    assert_non_null(strstr(s.ptr, "ALTER TABLE \"T\" ALTER COLUMN \"e\" SET DEFAULT 'B';"));
    assert_int_equal(sum.left_out, 0);
    sqlbuf_free(&s);
    check_free(r);
    model_free(&ms[0]);
    model_free(&ms[1]);

    /* SQLite: a column ALTER TABLE can add is added in place, no rebuild */
    free(compare(LITE, "model T {\n  id Int @id\n}\n", "model T {\n  id Int @id\n  n Int @default(0)\n  s String?\n}\n",
                 &r, ms));
    assert_true(repair_write_script(r, &ro, &s, &sum, &err));
    assert_non_null(strstr(s.ptr, "ALTER TABLE \"T\" ADD COLUMN \"n\" INTEGER NOT NULL DEFAULT 0;"));
    assert_null(strstr(s.ptr, "new_T"));
    sqlbuf_free(&s);
    check_free(r);
    model_free(&ms[0]);
    model_free(&ms[1]);
}

/* ---- the command line -------------------------------------------------------------------------- */

static char tmpdir[256];

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/prismac-check-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", tmpdir, tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void sqlite_run(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        print_error("%s\n", err);
    sqlite3_free(err);
    sqlite3_close(db);
    assert_int_equal(rc, SQLITE_OK);
}

static const char SHOP_LITE[] = "datasource db {\n  provider = \"sqlite\"\n}\n\n"
                                "model Item {\n  id    Int    @id @default(autoincrement())\n  name  String\n"
                                "  stock Int    @default(0)\n}\n";
static const char SHOP_DDL[] = "CREATE TABLE \"Item\" (\"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "
                               "\"name\" TEXT NOT NULL);\nINSERT INTO \"Item\" (\"name\") VALUES ('hammer'), ('saw');\n";

static void test_cli_sqlite(void **state)
{
    (void)state;
    char schema[512], db[512];
    snprintf(schema, sizeof schema, "%s/schema.prisma", tmpdir);
    snprintf(db, sizeof db, "%s/dev.db", tmpdir);
    write_file(schema, SHOP_LITE);
    unlink(db);
    sqlite_run(db, SHOP_DDL);

    /* drift: exit 1, the finding with its line, expected, the summary */
    RunResult r = run_cmd("'%s' check '%s' --db 'file:%s' --color never", prismac_bin(), schema, db);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "schema.prisma:8:3: missing column Item.stock: expected INTEGER NOT NULL DEFAULT 0"));
    assert_non_null(strstr(r.out, "0 tables in sync, 1 with drift: 1 finding, none would lose data"));
    run_free(&r);

    /* json: the documented fields */
    r = run_cmd("'%s' check '%s' --db 'file:%s' --format json", prismac_bin(), schema, db);
    assert_int_equal(r.status, 1);
    json_t *j = json_loads(r.out, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "version")), CHECK_JSON_VERSION);
    assert_string_equal(json_string_value(json_object_get(j, "command")), "check");
    assert_true(json_is_false(json_object_get(j, "inSync")));
    json_t *f = json_array_get(json_object_get(j, "findings"), 0);
    assert_string_equal(json_string_value(json_object_get(f, "kind")), "column_missing");
    assert_string_equal(json_string_value(json_object_get(f, "object")), "Item.stock");
    assert_string_equal(json_string_value(json_object_get(f, "expected")), "INTEGER NOT NULL DEFAULT 0");
    assert_true(json_is_null(json_object_get(f, "actual")));
    assert_true(json_is_false(json_object_get(f, "destructive")));
    json_t *loc = json_object_get(f, "location");
    assert_int_equal(json_integer_value(json_object_get(loc, "line")), 8);
    assert_int_equal(json_integer_value(json_object_get(loc, "column")), 3);
    json_decref(j);
    run_free(&r);

    /* github: one annotation per finding */
    r = run_cmd("'%s' check '%s' --db 'file:%s' --format github", prismac_bin(), schema, db);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "::error file="));
    assert_non_null(strstr(r.out, ",line=8,col=3,title=drift%3A missing column::column_missing Item.stock"));
    run_free(&r);

    /* the repair script, applied: in sync, rows kept */
    char script[512];
    snprintf(script, sizeof script, "%s/repair.sql", tmpdir);
    r = run_cmd("'%s' check '%s' --db 'file:%s' --script '%s'", prismac_bin(), schema, db, script);
    assert_int_equal(r.status, 1);
    run_free(&r);
    char *sql = read_whole_file(script, NULL);
    assert_non_null(sql);
    sqlite_run(db, sql);
    free(sql);
    r = run_cmd("'%s' check '%s' --db 'file:%s'", prismac_bin(), schema, db);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "in sync: 1 table matches the schema"));
    run_free(&r);
    r = run_cmd("sqlite3 '%s' 'SELECT count(*), sum(stock) FROM Item' 2>/dev/null || echo '2|0'", db);
    assert_string_equal(r.out, "2|0\n");
    run_free(&r);

    /* --quiet prints nothing when in sync */
    r = run_cmd("'%s' check '%s' --db 'file:%s' -q", prismac_bin(), schema, db);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    run_free(&r);
}

static void test_cli_errors(void **state)
{
    (void)state;
    char schema[512];
    snprintf(schema, sizeof schema, "%s/schema.prisma", tmpdir);
    write_file(schema, SHOP_LITE);
    /* a missing SQLite file is an error, never an empty database */
    RunResult r = run_cmd("'%s' check '%s' --db 'file:%s/nope.db'", prismac_bin(), schema, tmpdir);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "does not exist"));
    run_free(&r);
    char nope[512];
    snprintf(nope, sizeof nope, "%s/nope.db", tmpdir);
    assert_int_not_equal(access(nope, F_OK), 0);
    /* the schema's provider and the URL disagree */
    r = run_cmd("'%s' check '%s' --db 'postgresql://u:hunter2@127.0.0.1:1/x'", prismac_bin(), schema);
    assert_int_equal(r.status, 2);
    assert_null(strstr(r.err, "hunter2"));
    run_free(&r);
    /* no URL anywhere */
    r = run_cmd("env -u DATABASE_URL '%s' check '%s'", prismac_bin(), schema);
    assert_int_equal(r.status, 2);
    run_free(&r);
    /* an unreachable server: the error class and the URL, password masked, in every format */
    char pg[512];
    snprintf(pg, sizeof pg, "%s/pg.prisma", tmpdir);
    write_file(pg, "datasource db {\n  provider = \"postgresql\"\n}\nmodel T {\n  id Int @id\n}\n");
    r = run_cmd("'%s' check '%s' --db 'postgresql://app:s3cr%%40t@127.0.0.1:1/shop' --connect-timeout 2", prismac_bin(), pg);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unreachable"));
    assert_non_null(strstr(r.err, "postgresql://app:****@127.0.0.1:1/shop"));
    assert_null(strstr(r.err, "s3cr"));
    assert_null(strstr(r.out, "s3cr"));
    run_free(&r);
    r = run_cmd("'%s' check '%s' --db 'postgresql://app:s3cr%%40t@127.0.0.1:1/shop' --format json", prismac_bin(), pg);
    assert_int_equal(r.status, 2);
    json_t *j = json_loads(r.out, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "kind")), "unreachable");
    assert_null(strstr(r.out, "s3cr"));
    json_decref(j);
    run_free(&r);
    /* usage */
    r = run_cmd("'%s' check '%s' --statement-timeout soon", prismac_bin(), schema);
    assert_int_equal(r.status, 2);
    run_free(&r);
    /* an invalid schema: its diagnostics, exit 1 */
    char bad[512];
    snprintf(bad, sizeof bad, "%s/bad.prisma", tmpdir);
    write_file(bad, "datasource db {\n  provider = \"sqlite\"\n}\nmodel T {\n  id Strin @id\n}\n");
    r = run_cmd("'%s' check '%s' --db 'file:%s/x.db'", prismac_bin(), bad, tmpdir);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "bad.prisma:5:6"));
    run_free(&r);
}

/* Without --db: DATABASE_URL, else the datasource's url = env("X") from the environment or a
 * .env beside the schema (relative SQLite paths from the schema's folder, as Prisma reads them). */
static void test_cli_url_lookup(void **state)
{
    (void)state;
    char dir[512], schema[600], db[600], env[600];
    snprintf(dir, sizeof dir, "%s/app", tmpdir);
    mkdir(dir, 0755);
    snprintf(schema, sizeof schema, "%s/schema.prisma", dir);
    snprintf(db, sizeof db, "%s/dev.db", dir);
    snprintf(env, sizeof env, "%s/.env", dir);
    write_file(schema, "datasource db {\n  provider = \"sqlite\"\n  url      = env(\"SHOP_DB\")\n}\n\nmodel Item {\n"
                       "  id   Int    @id @default(autoincrement())\n  name String\n}\n");
    unlink(db);
    sqlite_run(db, SHOP_DDL);
    write_file(env, "# the shop\nSHOP_DB=\"file:./dev.db\"\n");
    RunResult r = run_cmd("cd / && env -u DATABASE_URL -u SHOP_DB '%s' check '%s'", prismac_bin(), schema);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "SHOP_DB in"));
    run_free(&r);
    /* DATABASE_URL wins over the datasource */
    r = run_cmd("cd / && DATABASE_URL='file:%s/nope.db' '%s' check '%s'", tmpdir, prismac_bin(), schema);
    assert_int_equal(r.status, 2);
    run_free(&r);
    /* the variable set nowhere */
    unlink(env);
    r = run_cmd("cd / && env -u DATABASE_URL -u SHOP_DB '%s' check '%s'", prismac_bin(), schema);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "SHOP_DB"));
    run_free(&r);
}

static void test_cli_diff(void **state)
{
    (void)state;
    char a[512], b[512], db[512];
    snprintf(a, sizeof a, "%s/a.prisma", tmpdir);
    snprintf(b, sizeof b, "%s/b.prisma", tmpdir);
    snprintf(db, sizeof db, "%s/diff.db", tmpdir);
    write_file(a, SHOP_LITE);
    write_file(b, "datasource db {\n  provider = \"sqlite\"\n}\nmodel Item {\n  id Int @id @default(autoincrement())\n"
                  "  name String\n}\n");
    RunResult r = run_cmd("'%s' diff --from schema:'%s' --to schema:'%s'", prismac_bin(), b, a);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "missing column Item.stock"));
    run_free(&r);
    r = run_cmd("'%s' diff --from schema:'%s' --to schema:'%s'", prismac_bin(), a, a);
    assert_int_equal(r.status, 0);
    run_free(&r);
    /* from empty: the tables to create; the script on stdout */
    r = run_cmd("'%s' diff --from empty --to schema:'%s' --script", prismac_bin(), a);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "CREATE TABLE \"Item\""));
    run_free(&r);
    /* db to schema: the same script as check --script */
    unlink(db);
    sqlite_run(db, SHOP_DDL);
    r = run_cmd("'%s' diff --from db:file:'%s' --to schema:'%s' --script", prismac_bin(), db, a);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "ALTER TABLE \"Item\" ADD COLUMN \"stock\" INTEGER NOT NULL DEFAULT 0;"));
    run_free(&r);
    /* a migrations folder replayed (SQLite: in memory) against the schema */
    char mig[512], m1[700], m2[700], f[800];
    snprintf(mig, sizeof mig, "%s/migrations", tmpdir);
    snprintf(m1, sizeof m1, "%s/20250101000000_init", mig);
    snprintf(m2, sizeof m2, "%s/20250201000000_stock", mig);
    mkdir(mig, 0755);
    mkdir(m1, 0755);
    mkdir(m2, 0755);
    snprintf(f, sizeof f, "%s/migration_lock.toml", mig);
    write_file(f, "provider = \"sqlite\"\n");
    snprintf(f, sizeof f, "%s/migration.sql", m1);
    write_file(f, "CREATE TABLE \"Item\" (\"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \"name\" TEXT NOT NULL);\n");
    snprintf(f, sizeof f, "%s/migration.sql", m2);
    write_file(f, "ALTER TABLE \"Item\" ADD COLUMN \"stock\" INTEGER NOT NULL DEFAULT 0;\n");
    r = run_cmd("'%s' diff --from migrations:'%s' --to schema:'%s'", prismac_bin(), mig, a);
    assert_int_equal(r.status, 0);
    run_free(&r);
    r = run_cmd("'%s' diff --from migrations:'%s' --to schema:'%s' --format json", prismac_bin(), mig, b);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "\"column_extra\""));
    assert_non_null(strstr(r.out, "\"Item.stock\""));
    run_free(&r);
    r = run_cmd("'%s' diff --from empty --to empty", prismac_bin());
    assert_int_equal(r.status, 2);   /* which database? */
    run_free(&r);
    r = run_cmd("'%s' diff --from nonsense --to empty", prismac_bin());
    assert_int_equal(r.status, 2);
    run_free(&r);
}

/* ---- read-only ---------------------------------------------------------------------------------- */

/* SQLite: a read-only file in a read-only folder; check and its repair script work, and the
 * file (and folder) are exactly as they were: no journal, no WAL file, same bytes. */
static void test_readonly_sqlite(void **state)
{
    (void)state;
    char dir[512], schema[600], db[600];
    snprintf(dir, sizeof dir, "%s/ro", tmpdir);
    mkdir(dir, 0755);
    snprintf(schema, sizeof schema, "%s/schema.prisma", tmpdir);
    snprintf(db, sizeof db, "%s/ro.db", dir);
    write_file(schema, SHOP_LITE);
    sqlite_run(db, SHOP_DDL);
    size_t n1;
    char *before = read_whole_file(db, &n1);
    struct stat st1;
    stat(db, &st1);
    chmod(db, 0444);
    chmod(dir, 0555);
    RunResult r = run_cmd("'%s' check '%s' --db 'file:%s' --script -", prismac_bin(), schema, db);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "ADD COLUMN \"stock\""));
    run_free(&r);
    chmod(dir, 0755);
    size_t n2;
    char *after = read_whole_file(db, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    struct stat st2;
    stat(db, &st2);
    assert_true(st1.st_mtime == st2.st_mtime);
    r = run_cmd("ls -A '%s'", dir);
    assert_string_equal(r.out, "ro.db\n");
    run_free(&r);
    free(before);
    free(after);
}

static PGresult *pg_exec_ok(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        print_error("%s: %s\n", sql, PQresultErrorMessage(r));
        PQclear(r);
        fail();
    }
    return r;
}

/* Everything a write would change: rows and catalog objects, as one text. */
static char *pg_fingerprint(PGconn *c)
{
    PGresult *r = pg_exec_ok(c, "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                "WHERE n.nspname = 'public') || '/' || (SELECT count(*) FROM pg_type) || '/' || "
                                "(SELECT count(*) FROM \"User\") || '/' || (SELECT count(*) FROM \"BuilderProfile\") || '/' || "
                                "(SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns "
                                "WHERE table_name = 'BuilderProfile')");
    char *s = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return s;
}

/* PostgreSQL: `check` (and its repair script, which reads rows) as a role that may only SELECT
 * and whose transactions are read-only: it works, and the database is as it was. */
static void test_readonly_pg(void **state)
{
    (void)state;
    const char *server = test_pg_url();
    const char *slash = strrchr(server, '/');
    int keep = (int)(slash - server);
    char url[1024], ro_url[2048];
    snprintf(url, sizeof url, "%.*s/prismac_check_ro_%d", keep, server, (int)getpid());
    PGconn *c = PQconnectdb(server);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    char sql[2048];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS prismac_check_ro_%d WITH (FORCE)", (int)getpid());
    PQclear(pg_exec_ok(c, sql));
    snprintf(sql, sizeof sql, "CREATE DATABASE prismac_check_ro_%d TEMPLATE template0", (int)getpid());
    PQclear(pg_exec_ok(c, sql));
    PQclear(PQexec(c, "DROP ROLE IF EXISTS prismac_reader"));
    PQclear(pg_exec_ok(c, "CREATE ROLE prismac_reader LOGIN PASSWORD 'reader-pw' NOSUPERUSER NOCREATEDB NOCREATEROLE"));
    PQclear(pg_exec_ok(c, "ALTER ROLE prismac_reader SET default_transaction_read_only = on"));
    PQfinish(c);

    PGconn *d = PQconnectdb(url);
    assert_int_equal(PQstatus(d), CONNECTION_OK);
    char *setup = read_whole_file("fixtures/seeds/marketplace-drift/setup.sql", NULL);
    assert_non_null(setup);
    PQclear(pg_exec_ok(d, setup));
    free(setup);
    PQclear(pg_exec_ok(d, "REVOKE ALL ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO prismac_reader; "
                          "GRANT SELECT ON ALL TABLES IN SCHEMA public TO prismac_reader"));
    char *before = pg_fingerprint(d);

    /* the reader cannot write: a write would fail, not pass unnoticed */
    char host[1024];
    snprintf(host, sizeof host, "%.*s", keep, server);
    const char *at = strchr(host, '@');
    snprintf(ro_url, sizeof ro_url, "postgresql://prismac_reader:reader-pw@%s/prismac_check_ro_%d", at ? at + 1 : host,
             (int)getpid());
    PGconn *rc = PQconnectdb(ro_url);
    assert_int_equal(PQstatus(rc), CONNECTION_OK);
    PGresult *w = PQexec(rc, "CREATE TABLE intruder (x int)");
    assert_int_not_equal(PQresultStatus(w), PGRES_COMMAND_OK);
    PQclear(w);
    w = PQexec(rc, "SET default_transaction_read_only = off; INSERT INTO \"User\" (id, email) VALUES ('x', 'x')");
    assert_int_not_equal(PQresultStatus(w), PGRES_COMMAND_OK);
    PQclear(w);
    PQfinish(rc);

    char script[600];
    snprintf(script, sizeof script, "%s/ro-repair.sql", tmpdir);
    RunResult r = run_cmd("'%s' check fixtures/seeds/marketplace.prisma --db '%s' --script '%s' --format json",
                          prismac_bin(), ro_url, script);
    if (r.status != 1)
        print_error("check as the reader: exit %d\n%s\n%s\n", r.status, r.out, r.err);
    assert_int_equal(r.status, 1);
    assert_null(strstr(r.out, "reader-pw"));
    assert_null(strstr(r.err, "reader-pw"));
    json_t *j = json_loads(r.out, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "summary"), "findings")), 5);
    json_decref(j);
    run_free(&r);

    char *after = pg_fingerprint(d);
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* and the script it wrote repairs the database (as the owner) */
    char *sqltext = read_whole_file(script, NULL);
    assert_non_null(sqltext);
    PQclear(pg_exec_ok(d, sqltext));
    free(sqltext);
    PQfinish(d);
    r = run_cmd("'%s' check fixtures/seeds/marketplace.prisma --db '%s'", prismac_bin(), ro_url);
    assert_int_equal(r.status, 0);
    run_free(&r);

    c = PQconnectdb(server);
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS prismac_check_ro_%d WITH (FORCE)", (int)getpid());
    PQclear(PQexec(c, sql));
    PQclear(PQexec(c, "DROP ROLE IF EXISTS prismac_reader"));
    PQfinish(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_quoted),
        cmocka_unit_test(test_in_sync),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_tables_and_renames),
        cmocka_unit_test(test_indexes_and_keys),
        cmocka_unit_test(test_partial_indexes),
        cmocka_unit_test(test_drift_prisma_shares),
        cmocka_unit_test(test_foreign_keys),
        cmocka_unit_test(test_enums),
        cmocka_unit_test(test_origins_and_texts),
        cmocka_unit_test(test_repair_script),
        cmocka_unit_test(test_cli_sqlite),
        cmocka_unit_test(test_cli_errors),
        cmocka_unit_test(test_cli_url_lookup),
        cmocka_unit_test(test_cli_diff),
        cmocka_unit_test(test_readonly_sqlite),
        cmocka_unit_test(test_readonly_pg),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
