/* Lowering (Db -> SqlSchema): Prisma's names, types, defaults and orders, checked on the model
 * itself (the golden tests check the rendered DDL). Expected values come from Prisma's output
 * for the same schemas (../shared/oracle ddl). */
#include "testutil.h"

#include "prismac/db.h"
#include "prismac/lower.h"
#include "prismac/migrate.h"

typedef struct Lowered {
    Parsed *parsed;
    SqlSchema *schema;
} Lowered;

static Lowered lower_source(const char *text, bool exact)
{
    Lowered l;
    l.parsed = parse_text(text);
    Db *db = db_resolve(l.parsed->ast, &l.parsed->diags);
    db_validate(db, PROVIDER_NONE, &l.parsed->diags);
    if (l.parsed->diags.errors) {
        char *msg = diags_text(l.parsed, false);
        print_error("invalid schema: %s\n", msg);
        free(msg);
        fail();
    }
    l.schema = lower_schema(db, dialect_get(lower_flavour_for(db->provider), exact));
    return l;
}

static void lowered_free(Lowered *l)
{
    sql_schema_free(l->schema);
    parsed_free(l->parsed);
}

static const SqlTable *table(const SqlSchema *s, const char *name)
{
    uint32_t t = sql_find_table(s, SQL_NONE, (Str){name, (uint32_t)strlen(name)});
    if (t == SQL_NONE) {
        print_error("no table %s\n", name);
        fail();
    }
    return &s->tables[t];
}

static const SqlColumn *column(const SqlTable *t, const char *name)
{
    uint32_t c = sql_find_column(t, (Str){name, (uint32_t)strlen(name)});
    if (c == SQL_NONE) {
        print_error("no column %s\n", name);
        fail();
    }
    return &t->columns[c];
}

static void assert_str(Str got, const char *want)
{
    if (!str_eq_cstr(got, want)) {
        print_error("got `%.*s`, want `%s`\n", (int)got.len, got.ptr, want);
        fail();
    }
}

static char *dump(const SqlSchema *s)
{
    Capture c;
    sql_schema_dump(s, capture_begin(&c));
    return capture_end(&c);
}

#define PG "datasource db {\n  provider = \"postgresql\"\n}\n\n"
#define SQLITE "datasource db {\n  provider = \"sqlite\"\n}\n\n"

/* The whole model of a small schema, through the dump. */
static void test_blog_model(void **state)
{
    (void)state;
    Lowered l = lower_source(PG "model User {\n"
                                "  id    Int    @id @default(autoincrement())\n"
                                "  email String @unique\n"
                                "  role  Role   @default(ADMIN)\n"
                                "  posts Post[]\n"
                                "  @@map(\"users\")\n"
                                "}\n"
                                "model Post {\n"
                                "  id       Int    @id @default(autoincrement())\n"
                                "  authorId Int    @map(\"author_id\")\n"
                                "  author   User   @relation(fields: [authorId], references: [id])\n"
                                "  tags     Tag[]\n"
                                "  @@index([authorId])\n"
                                "}\n"
                                "model Tag {\n"
                                "  id    String @id\n"
                                "  posts Post[]\n"
                                "}\n"
                                "enum Role {\n"
                                "  USER\n"
                                "  ADMIN @map(\"admin\")\n"
                                "}\n",
                             false);
    char *text = dump(l.schema);
    assert_string_equal(text, "flavour postgresql\n"
                              "namespace public\n"
                              "enum Role (USER, admin)\n"
                              "table public.users\n"
                              "  column id int INTEGER NOT NULL AUTOINCREMENT DEFAULT sequence\n"
                              "  column email string TEXT NOT NULL\n"
                              "  column role enum Role NOT NULL DEFAULT 'admin'\n"
                              "  primary key users_pkey (id)\n"
                              "  unique users_email_key (email)\n"
                              "table public.Post\n"
                              "  column id int INTEGER NOT NULL AUTOINCREMENT DEFAULT sequence\n"
                              "  column author_id int INTEGER NOT NULL\n"
                              "  primary key Post_pkey (id)\n"
                              "  index Post_author_id_idx (author_id)\n"
                              "  foreign key Post_author_id_fkey (author_id) -> users (id) on delete RESTRICT on update "
                              "CASCADE\n"
                              "table public.Tag\n"
                              "  column id string TEXT NOT NULL\n"
                              "  primary key Tag_pkey (id)\n"
                              "table public._PostToTag\n"
                              "  column A int INTEGER NOT NULL\n"
                              "  column B string TEXT NOT NULL\n"
                              "  primary key _PostToTag_AB_pkey (A, B)\n"
                              "  index _PostToTag_B_index (B)\n"
                              "  foreign key _PostToTag_A_fkey (A) -> Post (id) on delete CASCADE on update CASCADE\n"
                              "  foreign key _PostToTag_B_fkey (B) -> Tag (id) on delete CASCADE on update CASCADE\n");
    free(text);
    lowered_free(&l);
}

/* SQLite: no enums (TEXT), no named primary key, the (A, B) of a join table is a unique index,
 * an Int id of its own is autoincrementing (the rowid). */
static void test_sqlite_model(void **state)
{
    (void)state;
    Lowered l = lower_source(SQLITE "model A {\n"
                                    "  id   Int    @id\n"
                                    "  kind Kind   @default(X)\n"
                                    "  bs   B[]\n"
                                    "}\n"
                                    "model B {\n"
                                    "  id Int @id @default(autoincrement())\n"
                                    "  as A[]\n"
                                    "}\n"
                                    "enum Kind {\n  X\n  Y\n}\n",
                             false);
    const SqlSchema *s = l.schema;
    assert_int_equal(s->nenums, 0);
    assert_int_equal(s->nnamespaces, 0);
    const SqlTable *a = table(s, "A");
    assert_true(column(a, "id")->autoincrement);
    assert_int_equal(column(a, "kind")->type.family, SQLT_STRING);
    assert_str(column(a, "kind")->type.name, "TEXT");
    assert_str(column(a, "kind")->def.sql, "'X'");
    assert_str(sql_table_primary_key(a)->name, "");
    const SqlTable *j = table(s, "_AToB");
    assert_null(sql_table_primary_key(j));
    assert_int_equal(j->nindexes, 2);
    assert_int_equal(j->indexes[0].kind, SQLIDX_UNIQUE);
    assert_str(j->indexes[0].name, "_AToB_AB_unique");
    assert_str(j->indexes[1].name, "_AToB_B_index");
    lowered_free(&l);
}

/* Constants, spelled as Prisma prints them (values from the oracle). */
static void test_default_spellings(void **state)
{
    (void)state;
    Lowered l = lower_source(PG "model A {\n"
                                "  id  Int      @id\n"
                                "  f1  Float    @default(0.0000001)\n"
                                "  f2  Float    @default(1.0)\n"
                                "  f5  Decimal  @default(-0.0)\n"
                                "  f6  Float    @default(007.50)\n"
                                "  f7  Int      @default(-0)\n"
                                "  f8  Decimal  @default(\"1e5\")\n"
                                "  f9  Decimal  @default(\"1E-10\")\n"
                                "  f11 Decimal  @default(\"+5\")\n"
                                "  f12 Decimal  @default(\".5\")\n"
                                "  d1  DateTime @default(\"2024-06-30T12:34:56.123456789Z\")\n"
                                "  d3  DateTime @default(\"2024-06-30t12:34:56z\")\n"
                                "  d4  DateTime @default(\"2024-06-30T12:34:56.1+05:30\")\n"
                                "  d5  DateTime @default(\"2024-06-30T12:34:56.1234Z\")\n"
                                "  d7  DateTime @default(\"2024-06-30T12:34:56-00:00\")\n"
                                "  d8  DateTime @default(\"2024-06-30T12:34:56.000Z\")\n"
                                "  d10 DateTime @default(\"2024-06-30T12:34:56.1234567890Z\")\n"
                                "  b1  Bytes    @default(\"SGVsbG8=\")\n"
                                "  j   Json     @default(\"{\\\"it's\\\": 1}\")\n"
                                "  s   String   @default(\"it's\")\n"
                                "  l   Int[]    @default([1, -2])\n"
                                "  n   DateTime @default(now())\n"
                                "  g   String   @default(dbgenerated(\"gen_random_uuid()\"))\n"
                                "  u   String   @default(uuid())\n"
                                "}\n",
                             false);
    const SqlTable *t = table(l.schema, "A");
    static const char *const want[][2] = {
        {"f1", "0.0000001"},
        {"f2", "1.0"},
        {"f5", "0.0"},
        {"f6", "7.50"},
        {"f7", "0"},
        {"f8", "100000"},
        {"f9", "0.0000000001"},
        {"f11", "5"},
        {"f12", "0.5"},
        {"d1", "'2024-06-30 12:34:56.123456789 +00:00'"},
        {"d3", "'2024-06-30 12:34:56 +00:00'"},
        {"d4", "'2024-06-30 12:34:56.100 +05:30'"},
        {"d5", "'2024-06-30 12:34:56.123400 +00:00'"},
        {"d7", "'2024-06-30 12:34:56 +00:00'"},
        {"d8", "'2024-06-30 12:34:56 +00:00'"},
        {"d10", "'2024-06-30 12:34:56.123456789 +00:00'"},
        {"b1", "'\\x48656c6c6f'"},
        {"j", "'{\"it''s\": 1}'"},
        {"s", "'it''s'"},
        {"l", "ARRAY[1, -2]::INTEGER[]"},
        {"n", "CURRENT_TIMESTAMP"},
        {"g", "gen_random_uuid()"},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_str(column(t, want[i][0])->def.sql, want[i][1]);
    assert_int_equal(column(t, "n")->def.kind, SQLDEF_NOW);
    assert_int_equal(column(t, "g")->def.kind, SQLDEF_EXPRESSION);
    assert_int_equal(column(t, "u")->def.kind, SQLDEF_NONE);   /* uuid(): Prisma Client's */
    assert_true(column(t, "l")->type.list);
    assert_true(column(t, "l")->nullable);
    lowered_free(&l);
}

/* JSON defaults on SQLite: quoted (valid SQL) by default, bare in the Prisma-exact dialect. */
static void test_sqlite_json_default(void **state)
{
    (void)state;
    const char *src = SQLITE "model A {\n  id Int @id\n  j Json @default(\"{\\\"a\\\": [1, 2]}\")\n"
                             "  b Bytes @default(\"3q2+7w==\")\n}\n";
    Lowered l = lower_source(src, false), x = lower_source(src, true);
    assert_str(column(table(l.schema, "A"), "j")->def.sql, "'{\"a\": [1, 2]}'");
    assert_str(column(table(x.schema, "A"), "j")->def.sql, "{\"a\": [1, 2]}");
    assert_str(column(table(l.schema, "A"), "b")->def.sql, "'deadbeef'");
    lowered_free(&l);
    lowered_free(&x);
}

/* Constraint names: cut at 63 bytes on PostgreSQL, at a character boundary. */
static void test_name_truncation(void **state)
{
    (void)state;
    Lowered l = lower_source(PG "model Überweisungsauftragsbestätigungsprotokolleintragsverwaltungsäöü {\n"
                                "  id   Int    @id\n"
                                "  name String @unique\n"
                                "}\n",
                             false);
    const SqlTable *t = &l.schema->tables[0];
    assert_str(sql_table_primary_key(t)->name, "Überweisungsauftragsbestätigungsprotokolleintragsverwalt_pkey");
    assert_str(t->indexes[1].name, "Überweisungsauftragsbestätigungsprotokolleintragsverwaltu_key");
    assert_true(t->indexes[1].name.len <= 63);
    lowered_free(&l);
    /* SQLite: no limit in practice */
    Lowered s = lower_source(SQLITE "model ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789x {\n"
                                    "  id  Int    @id\n"
                                    "  tag String @unique\n"
                                    "}\n",
                             false);
    assert_str(s.schema->tables[0].indexes[1].name,
               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789x_tag_key");
    lowered_free(&s);
}

/* Operator classes as SQL spells them; index types; sort orders. */
static void test_index_details(void **state)
{
    (void)state;
    Lowered l = lower_source(PG "model M {\n"
                                "  id Int      @id\n"
                                "  at DateTime @db.Timestamptz(6)\n"
                                "  ip String   @db.Inet\n"
                                "  t  String\n"
                                "  @@index([at(ops: TimestampTzMinMaxMultiOps)], type: Brin)\n"
                                "  @@index([ip(ops: InetOps, sort: Desc)], type: Gist)\n"
                                "  @@index([t(ops: raw(\"text_pattern_ops\"))], type: BTree)\n"
                                "  @@index([t(sort: Asc)], map: \"t_asc\")\n"
                                "}\n",
                             false);
    const SqlTable *t = &l.schema->tables[0];
    assert_int_equal(t->nindexes, 5);
    assert_str(t->indexes[1].columns[0].opclass, "timestamptz_minmax_multi_ops");
    assert_str(t->indexes[1].algorithm, "Brin");
    assert_str(t->indexes[2].columns[0].opclass, "inet_ops");
    assert_int_equal(t->indexes[2].columns[0].sort, SORT_DESC);
    assert_str(t->indexes[3].columns[0].opclass, "text_pattern_ops");
    assert_str(t->indexes[3].algorithm, "");     /* BTree is the default: not recorded */
    assert_str(t->indexes[4].name, "t_asc");
    assert_int_equal(t->indexes[4].columns[0].sort, SORT_ASC);
    lowered_free(&l);
}

/* Partial indexes: a where object becomes Prisma's AND of conditions on the columns' database
 * names, a raw("...") condition is kept as written; the dialects add WHERE (and parentheses on
 * PostgreSQL) when rendering. */
static void test_partial_index_predicates(void **state)
{
    (void)state;
    static const char *const MODEL =
        "generator client {\n"
        "  provider        = \"prisma-client-js\"\n"
        "  previewFeatures = [\"partialIndexes\"]\n"
        "}\n"
        "model M {\n"
        "  id   Int       @id\n"
        "  name String    @unique(where: { gone: null })\n"
        "  kind String    @map(\"k\")\n"
        "  n    Int?\n"
        "  ok   Boolean\n"
        "  gone DateTime? @map(\"deleted_at\")\n"
        "  @@index([kind], where: { kind: { not: \"it's\" }, n: { not: null }, ok: false, id: -2.50 })\n"
        "  @@index([n], where: raw(\"n > 0 OR \\\"n\\\" < -1\"))\n"
        "  @@index([ok])\n"
        "}\n";
    for (int pg = 0; pg < 2; pg++) {
        char *text = malloc(strlen(MODEL) + 64);
        sprintf(text, "datasource db {\n  provider = \"%s\"\n}\n%s", pg ? "postgresql" : "sqlite", MODEL);
        Lowered l = lower_source(text, false);
        const SqlTable *t = table(l.schema, "M");
        assert_int_equal(t->nindexes, 5);
        assert_str(t->indexes[1].predicate, "\"deleted_at\" IS NULL");
        assert_str(t->indexes[2].predicate, "\"k\" != 'it''s' AND \"n\" IS NOT NULL AND \"ok\" = false AND \"id\" = -2.50");
        assert_str(t->indexes[3].predicate, "n > 0 OR \"n\" < -1");
        assert_str(t->indexes[4].predicate, "");
        lowered_free(&l);
        free(text);
    }
}

/* Every object points back at the schema text that produced it. */
static void test_origins(void **state)
{
    (void)state;
    const char *src = PG "model User {\n"
                         "  id    Int    @id\n"
                         "  email String @unique\n"
                         "}\n";
    Lowered l = lower_source(src, false);
    const SqlTable *t = &l.schema->tables[0];
    Source *file = &l.parsed->sources.files[0];
    LineCol lc = source_line_col(file, t->origin.start);
    assert_int_equal(lc.line, 5);
    lc = source_line_col(file, t->columns[1].origin.start);
    assert_int_equal(lc.line, 7);
    assert_int_equal(lc.col, 3);
    assert_int_equal(t->columns[1].origin.end - t->columns[1].origin.start, 5);   /* "email" */
    lc = source_line_col(file, t->indexes[1].origin.start);
    assert_int_equal(lc.line, 7);
    lowered_free(&l);
}

/* Foreign keys: in the order Prisma creates them (the referencing model's relation fields), with
 * the default actions of required and optional relations. */
static void test_foreign_keys(void **state)
{
    (void)state;
    Lowered l = lower_source(PG "model Zone {\n"
                                "  id   Int @id\n"
                                "  to   D[] @relation(\"to\")\n"
                                "  from D[] @relation(\"from\")\n"
                                "}\n"
                                "model D {\n"
                                "  id     Int   @id\n"
                                "  fromId Int\n"
                                "  toId   Int?\n"
                                "  toZone   Zone? @relation(\"to\", fields: [toId], references: [id])\n"
                                "  fromZone Zone  @relation(\"from\", fields: [fromId], references: [id])\n"
                                "}\n",
                             false);
    const SqlTable *d = table(l.schema, "D");
    assert_int_equal(d->nfks, 2);
    assert_str(d->fks[0].name, "D_toId_fkey");
    assert_int_equal(d->fks[0].on_delete, SQLACT_SET_NULL);
    assert_int_equal(d->fks[0].on_update, SQLACT_CASCADE);
    assert_str(d->fks[1].name, "D_fromId_fkey");
    assert_int_equal(d->fks[1].on_delete, SQLACT_RESTRICT);
    lowered_free(&l);
}

/* relationMode = "prisma": no foreign keys, join tables kept. Views: no tables. */
static void test_relation_mode_and_views(void **state)
{
    (void)state;
    Lowered l = lower_source("generator c {\n  provider = \"prisma-client-js\"\n  previewFeatures = [\"views\"]\n}\n"
                             "datasource db {\n  provider = \"postgresql\"\n  relationMode = \"prisma\"\n}\n"
                             "model A {\n  id Int @id\n  bs B[]\n  cs C[]\n}\n"
                             "model B {\n  id Int @id\n  aId Int\n  a A @relation(fields: [aId], references: [id])\n"
                             "  @@index([aId])\n}\n"
                             "model C {\n  id Int @id\n  as A[]\n}\n"
                             "view V {\n  id Int @unique\n}\n",
                             false);
    assert_int_equal(l.schema->ntables, 4);     /* A, B, C, _AToC */
    for (uint32_t i = 0; i < l.schema->ntables; i++)
        assert_int_equal(l.schema->tables[i].nfks, 0);
    lowered_free(&l);
}

/* Multi-schema: namespaces sorted by name; extensions by the name as written. */
static void test_namespaces_and_extensions(void **state)
{
    (void)state;
    Lowered l = lower_source("generator c {\n  provider = \"prisma-client-js\"\n"
                             "  previewFeatures = [\"postgresqlExtensions\"]\n}\n"
                             "datasource db {\n  provider = \"postgresql\"\n  schemas = [\"sales\", \"hr\"]\n"
                             "  extensions = [zzz(map: \"aaa\"), citext(schema: \"hr\")]\n}\n"
                             "model A {\n  id Int @id\n  @@schema(\"sales\")\n}\n",
                             false);
    const SqlSchema *s = l.schema;
    assert_int_equal(s->nnamespaces, 2);
    assert_str(s->namespaces[0].name, "hr");
    assert_str(s->namespaces[1].name, "sales");
    LineCol lc = source_line_col(&l.parsed->sources.files[0], s->namespaces[0].origin.start);
    assert_int_equal(lc.line, 7);   /* the `schemas` entry "hr" */
    assert_int_equal(s->nextensions, 2);
    assert_str(s->extensions[0].name, "citext");
    assert_str(s->extensions[0].schema, "hr");
    assert_str(s->extensions[1].name, "aaa");
    assert_str(sql_namespace_name(s, s->tables[0].namespace), "sales");
    lowered_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blog_model),
        cmocka_unit_test(test_sqlite_model),
        cmocka_unit_test(test_default_spellings),
        cmocka_unit_test(test_sqlite_json_default),
        cmocka_unit_test(test_name_truncation),
        cmocka_unit_test(test_index_details),
        cmocka_unit_test(test_partial_index_predicates),
        cmocka_unit_test(test_origins),
        cmocka_unit_test(test_foreign_keys),
        cmocka_unit_test(test_relation_mode_and_views),
        cmocka_unit_test(test_namespaces_and_extensions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
