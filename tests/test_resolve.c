/* Unit tests of resolution (db_resolve): what later stages read from the Db — relation
 * pairing and Prisma's A/B order, join-table names, default referential actions, database
 * names, indexes in Prisma's order, defaults, native types, the datasource and generators. */
#include "testutil.h"

#include "prismac/db.h"
#include "resolve_internal.h"

typedef struct Resolved {
    Parsed *p;
    Db *db;
} Resolved;

static Resolved resolve_text(const char *text)
{
    Resolved r;
    r.p = parse_text(text);
    r.db = db_resolve(r.p->ast, &r.p->diags);
    db_validate(r.db, PROVIDER_NONE, &r.p->diags);
    return r;
}

static void resolved_free(Resolved *r)
{
    parsed_free(r->p);
}

static void assert_clean(Resolved *r)
{
    if (r->p->diags.errors) {
        char *t = diags_text(r->p, false);
        print_error("unexpected errors:\n%s", t);
        free(t);
    }
    assert_int_equal(r->p->diags.errors, 0);
}

static uint32_t model(const Db *db, const char *name)
{
    uint32_t m = db_find_model(db, (Str){name, (uint32_t)strlen(name)});
    assert_int_not_equal(m, DB_NONE);
    return m;
}

static uint32_t field(const Db *db, const char *m, const char *f)
{
    uint32_t id = db_find_field(db, model(db, m), (Str){f, (uint32_t)strlen(f)});
    assert_int_not_equal(id, DB_NONE);
    return id;
}

static void assert_str(Str s, const char *want)
{
    if (!str_eq_cstr(s, want))
        print_error("expected `%s`, got `%.*s`\n", want, (int)s.len, s.ptr);
    assert_true(str_eq_cstr(s, want));
}

#define PG "datasource db {\n  provider = \"postgresql\"\n}\n"
#define SQLITE "datasource db {\n  provider = \"sqlite\"\n}\n"

static void test_one_to_many(void **state)
{
    (void)state;
    Resolved r = resolve_text(PG "model User {\n  id Int @id\n  posts Post[]\n}\n"
                                 "model Post {\n  id Int @id\n  authorId Int\n"
                                 "  author User @relation(fields: [authorId], references: [id], onDelete: Cascade)\n}\n");
    assert_clean(&r);
    const Db *db = r.db;
    assert_int_equal(db->nrelations, 1);
    const DbRelation *rel = &db->relations[0];
    assert_int_equal(rel->kind, DBREL_ONE_TO_MANY);
    assert_int_equal(rel->model_a, model(db, "Post"));
    assert_int_equal(rel->model_b, model(db, "User"));
    assert_int_equal(rel->field_a, field(db, "Post", "author"));
    assert_int_equal(rel->field_b, field(db, "User", "posts"));
    assert_int_equal(rel->nfk, 1);
    assert_int_equal(db->fk_pairs[rel->first_fk].field, field(db, "Post", "authorId"));
    assert_int_equal(db->fk_pairs[rel->first_fk].references, field(db, "User", "id"));
    assert_int_equal(rel->on_delete, DBACT_CASCADE);
    assert_int_equal(rel->on_update, DBACT_UNSET);
    assert_int_equal(db_relation_on_delete(db, rel), DBACT_CASCADE);
    assert_int_equal(db_relation_on_update(db, rel), DBACT_CASCADE);
    assert_int_equal(db->fields[field(db, "Post", "author")].relation, 0);
    assert_int_equal(db->fields[field(db, "User", "posts")].relation, 0);
    assert_str(db_relation_name(db, rel), "PostToUser");
    resolved_free(&r);
}

static void test_default_actions(void **state)
{
    (void)state;
    Resolved r = resolve_text(PG "model User {\n  id Int @id\n  a A[]\n  b B[]\n  c C[]\n}\n"
                                 "model A {\n  id Int @id\n  uid Int\n  u User @relation(fields: [uid], references: [id])\n}\n"
                                 "model B {\n  id Int @id\n  uid Int?\n  u User? @relation(fields: [uid], references: [id])\n}\n"
                                 /* optional relation field over a required fk: still required */
                                 "model C {\n  id Int @id\n  uid Int\n  u User? @relation(fields: [uid], references: [id], onUpdate: NoAction)\n}\n");
    assert_clean(&r);
    const Db *db = r.db;
    assert_int_equal(db->nrelations, 3);
    assert_int_equal(db_relation_on_delete(db, &db->relations[0]), DBACT_RESTRICT);
    assert_int_equal(db_relation_on_delete(db, &db->relations[1]), DBACT_SET_NULL);
    assert_int_equal(db_relation_on_delete(db, &db->relations[2]), DBACT_RESTRICT);
    assert_int_equal(db_relation_referential_arity(db, &db->relations[2]), ARITY_REQUIRED);
    assert_int_equal(db_relation_on_update(db, &db->relations[0]), DBACT_CASCADE);
    assert_int_equal(db_relation_on_update(db, &db->relations[2]), DBACT_NO_ACTION);
    resolved_free(&r);
}

static void test_one_to_one_sides(void **state)
{
    (void)state;
    /* required + optional: the required side holds the foreign key, whatever the order */
    Resolved r = resolve_text(PG "model User {\n  id Int @id\n  profile Profile?\n}\n"
                                 "model Profile {\n  id Int @id\n  userId Int @unique\n"
                                 "  user User @relation(fields: [userId], references: [id])\n}\n");
    assert_clean(&r);
    assert_int_equal(r.db->nrelations, 1);
    assert_int_equal(r.db->relations[0].kind, DBREL_ONE_TO_ONE);
    assert_int_equal(r.db->relations[0].model_a, model(r.db, "Profile"));
    assert_int_equal(r.db->relations[0].field_b, field(r.db, "User", "profile"));
    resolved_free(&r);

    /* both optional: the side with `fields` */
    r = resolve_text(PG "model A {\n  id Int @id\n  bId Int? @unique\n  b B? @relation(fields: [bId], references: [id])\n}\n"
                        "model B {\n  id Int @id\n  a A?\n}\n");
    assert_clean(&r);
    assert_int_equal(r.db->relations[0].kind, DBREL_ONE_TO_ONE);
    assert_int_equal(r.db->relations[0].model_a, model(r.db, "A"));
    assert_int_equal(r.db->relations[0].field_a, field(r.db, "A", "b"));
    resolved_free(&r);
}

static void test_forward_only_unique_is_one_to_one(void **state)
{
    (void)state;
    Resolved r = resolve_text(PG "model User {\n  id Int @id\n}\n"
                                 "model Profile {\n  id Int @id\n  userId Int @unique\n"
                                 "  user User @relation(fields: [userId], references: [id])\n}\n"
                                 "model Post {\n  id Int @id\n  userId Int\n"
                                 "  user User @relation(fields: [userId], references: [id])\n}\n");
    /* both lack their back-relation field: an error, but the relations are classified */
    assert_true(r.p->diags.errors > 0);
    assert_int_equal(r.db->nrelations, 2);
    assert_int_equal(r.db->relations[0].kind, DBREL_ONE_TO_ONE);
    assert_int_equal(r.db->relations[1].kind, DBREL_ONE_TO_MANY);
    assert_int_equal(r.db->relations[0].field_b, DB_NONE);
    resolved_free(&r);
}

static void test_back_only(void **state)
{
    (void)state;
    Resolved r = resolve_text(PG "model User {\n  id Int @id\n  posts Post[]\n}\nmodel Post {\n  id Int @id\n}\n");
    assert_int_equal(r.db->nrelations, 1);
    const DbRelation *rel = &r.db->relations[0];
    assert_int_equal(rel->kind, DBREL_ONE_TO_MANY);
    assert_int_equal(rel->field_a, DB_NONE);
    assert_int_equal(rel->field_b, field(r.db, "User", "posts"));
    assert_int_equal(rel->model_a, model(r.db, "Post"));
    assert_int_equal(rel->model_b, model(r.db, "User"));
    /* the error suggests what `prisma format` adds */
    char *t = diags_text(r.p, false);
    assert_non_null(strstr(t, "has no opposite relation field"));
    assert_non_null(strstr(t, "`user User? @relation(fields: [userId], references: [id])`"));
    free(t);
    resolved_free(&r);
}

static void test_implicit_many_to_many(void **state)
{
    (void)state;
    /* A and B by model name, whatever the order of definition */
    Resolved r = resolve_text(PG "model Zoo {\n  id Int @id\n  apples Apple[]\n}\n"
                                 "model Apple {\n  id Int @id\n  zoos Zoo[]\n}\n");
    assert_clean(&r);
    assert_int_equal(r.db->nrelations, 1);
    const DbRelation *rel = &r.db->relations[0];
    assert_int_equal(rel->kind, DBREL_MANY_TO_MANY);
    assert_int_equal(rel->model_a, model(r.db, "Apple"));
    assert_int_equal(rel->model_b, model(r.db, "Zoo"));
    assert_int_equal(rel->field_a, field(r.db, "Apple", "zoos"));
    assert_str(db_relation_table_name(r.db, rel), "_AppleToZoo");
    resolved_free(&r);

    /* named, self-relation: A and B by field name */
    r = resolve_text(PG "model User {\n  id Int @id\n  following User[] @relation(\"follows\")\n"
                        "  followers User[] @relation(\"follows\")\n}\n");
    assert_clean(&r);
    assert_int_equal(r.db->nrelations, 1);
    assert_int_equal(r.db->relations[0].field_a, field(r.db, "User", "followers"));
    assert_int_equal(r.db->relations[0].field_b, field(r.db, "User", "following"));
    assert_str(db_relation_table_name(r.db, &r.db->relations[0]), "_follows");
    resolved_free(&r);
}

static void test_named_relations(void **state)
{
    (void)state;
    Resolved r = resolve_text(PG "model User {\n  id Int @id\n  written Post[] @relation(\"author\")\n"
                                 "  edited Post[] @relation(\"editor\")\n}\n"
                                 "model Post {\n  id Int @id\n  authorId Int\n  editorId Int?\n"
                                 "  author User @relation(\"author\", fields: [authorId], references: [id])\n"
                                 "  editor User? @relation(name: \"editor\", fields: [editorId], references: [id])\n}\n");
    assert_clean(&r);
    assert_int_equal(r.db->nrelations, 2);
    assert_str(r.db->relations[0].name, "author");
    assert_int_equal(r.db->relations[0].field_b, field(r.db, "User", "written"));
    assert_str(r.db->relations[1].name, "editor");
    assert_int_equal(r.db->relations[1].field_b, field(r.db, "User", "edited"));
    assert_int_equal(db_relation_on_delete(r.db, &r.db->relations[1]), DBACT_SET_NULL);
    resolved_free(&r);
}

static void test_self_one_to_many(void **state)
{
    (void)state;
    Resolved r = resolve_text(PG "model Node {\n  id Int @id\n  parentId Int?\n"
                                 "  parent Node? @relation(\"tree\", fields: [parentId], references: [id])\n"
                                 "  children Node[] @relation(\"tree\")\n}\n");
    assert_clean(&r);
    assert_int_equal(r.db->nrelations, 1);
    assert_int_equal(r.db->relations[0].kind, DBREL_ONE_TO_MANY);
    assert_int_equal(r.db->relations[0].field_a, field(r.db, "Node", "parent"));
    assert_int_equal(r.db->relations[0].field_b, field(r.db, "Node", "children"));
    resolved_free(&r);
}

static void test_database_names(void **state)
{
    (void)state;
    Resolved r = resolve_text(PG "enum Role {\n  ADMIN @map(\"admin\")\n  USER\n  @@map(\"role\")\n}\n"
                                 "model User {\n  id Int @id(map: \"user_pk\")\n  email String @map(\"e_mail\") @unique(map: \"email_key\")\n"
                                 "  role Role\n  @@map(\"users\")\n}\n");
    assert_clean(&r);
    const Db *db = r.db;
    const DbModel *m = &db->models[model(db, "User")];
    assert_str(m->db_name, "users");
    assert_true(m->mapped);
    assert_str(db->fields[field(db, "User", "email")].db_name, "e_mail");
    assert_true(db->fields[field(db, "User", "email")].mapped);
    assert_str(db->fields[field(db, "User", "id")].db_name, "id");
    assert_int_not_equal(m->pk, DB_NONE);
    assert_str(db->indexes[m->pk].map, "user_pk");
    assert_int_equal(m->nindexes, 1);
    assert_str(db->indexes[m->first_index].map, "email_key");
    uint32_t e = db_find_enum(db, STR_LIT("Role"));
    assert_int_not_equal(e, DB_NONE);
    assert_str(db->enums[e].db_name, "role");
    assert_str(db->enum_values[db->enums[e].first_value].db_name, "admin");
    assert_str(db->enum_values[db->enums[e].first_value + 1].db_name, "USER");
    assert_int_equal(db->fields[field(db, "User", "role")].kind, DBF_ENUM);
    assert_int_equal(db->fields[field(db, "User", "role")].type_id, e);
    resolved_free(&r);
}

static void test_index_order_and_arguments(void **state)
{
    (void)state;
    /* Prisma's order: field-level @unique, then @@index, then @@unique (its DDL order too) */
    Resolved r = resolve_text(PG "model A {\n  id Int @id\n  a Int\n  b Int\n  c Int @unique\n  d String\n"
                                 "  @@unique([a, b(sort: Desc)], name: \"ab\")\n"
                                 "  @@index([d(ops: raw(\"text_pattern_ops\"))], type: Hash, map: \"d_idx\")\n}\n");
    assert_clean(&r);
    const Db *db = r.db;
    const DbModel *m = &db->models[model(db, "A")];
    assert_int_equal(m->nindexes, 3);
    const DbIndex *i0 = &db->indexes[m->first_index], *i1 = i0 + 1, *i2 = i0 + 2;
    assert_int_equal(i0->kind, DBIDX_UNIQUE);
    assert_true(i0->field_level);
    assert_int_equal(db->index_fields[i0->first_field].field, field(db, "A", "c"));
    assert_int_equal(i1->kind, DBIDX_NORMAL);
    assert_str(i1->algorithm, "Hash");
    assert_str(i1->map, "d_idx");
    assert_true(db->index_fields[i1->first_field].ops_raw);
    assert_str(db->index_fields[i1->first_field].ops, "text_pattern_ops");
    assert_int_equal(i2->kind, DBIDX_UNIQUE);
    assert_str(i2->name, "ab");
    assert_int_equal(i2->nfields, 2);
    assert_int_equal(db->index_fields[i2->first_field + 1].sort, SORT_DESC);
    assert_int_equal(db->index_fields[i2->first_field].length, -1);
    assert_int_equal(db->indexes[m->pk].kind, DBIDX_PRIMARY);
    assert_true(db->indexes[m->pk].field_level);
    resolved_free(&r);
}

static void test_compound_id(void **state)
{
    (void)state;
    Resolved r = resolve_text(PG "model A {\n  x Int\n  y String\n  @@id([x, y], name: \"xy\", map: \"a_pk\")\n}\n");
    assert_clean(&r);
    const DbModel *m = &r.db->models[0];
    const DbIndex *pk = &r.db->indexes[m->pk];
    assert_int_equal(pk->nfields, 2);
    assert_false(pk->field_level);
    assert_str(pk->name, "xy");
    assert_str(pk->map, "a_pk");
    assert_int_equal(r.db->index_fields[pk->first_field + 1].field, field(r.db, "A", "y"));
    resolved_free(&r);
}

static void test_defaults_and_native_types(void **state)
{
    (void)state;
    Resolved r = resolve_text(PG "enum S {\n  A\n  B\n}\n"
                                 "model T {\n  id Int @id @default(autoincrement())\n  u String @default(uuid(7)) @db.Uuid\n"
                                 "  c String @default(cuid())\n  n String @default(nanoid(12))\n  l String @default(ulid())\n"
                                 "  t DateTime @default(now()) @db.Timestamptz(3)\n  g String @default(dbgenerated(\"gen_random_uuid()\"))\n"
                                 "  v Decimal @default(1.5) @db.Decimal(10, 2)\n  s S @default(B)\n  xs Int[] @default([1, 2])\n}\n");
    assert_clean(&r);
    const Db *db = r.db;
    const DbField *f = &db->fields[field(db, "T", "id")];
    assert_int_equal(f->def->kind, DBDEF_AUTOINCREMENT);
    f = &db->fields[field(db, "T", "u")];
    assert_int_equal(f->def->kind, DBDEF_UUID);
    assert_int_equal(f->def->version, 7);
    assert_str(f->native->name, "Uuid");
    assert_str(f->native->scope, "db");
    assert_int_equal(f->native->nargs, 0);
    assert_int_equal(db->fields[field(db, "T", "c")].def->kind, DBDEF_CUID);
    assert_int_equal(db->fields[field(db, "T", "c")].def->version, 1);
    assert_int_equal(db->fields[field(db, "T", "n")].def->version, 12);
    assert_int_equal(db->fields[field(db, "T", "l")].def->kind, DBDEF_ULID);
    f = &db->fields[field(db, "T", "t")];
    assert_int_equal(f->def->kind, DBDEF_NOW);
    assert_int_equal(f->native->nargs, 1);
    assert_int_equal(f->native->args[0], 3);
    f = &db->fields[field(db, "T", "g")];
    assert_int_equal(f->def->kind, DBDEF_DBGENERATED);
    assert_str(f->def->text, "gen_random_uuid()");
    f = &db->fields[field(db, "T", "v")];
    assert_int_equal(f->def->kind, DBDEF_VALUE);
    assert_int_equal(f->def->expr->kind, EXPR_NUMBER);
    assert_int_equal(f->native->args[1], 2);
    f = &db->fields[field(db, "T", "s")];
    assert_int_equal(f->def->kind, DBDEF_VALUE);
    assert_str(f->def->expr->text, "B");
    f = &db->fields[field(db, "T", "xs")];
    assert_int_equal(f->def->expr->kind, EXPR_ARRAY);
    assert_int_equal(f->arity, ARITY_LIST);
    resolved_free(&r);
}

static void test_datasource_and_generators(void **state)
{
    (void)state;
    Resolved r = resolve_text("generator client {\n  provider = \"prisma-client-js\"\n"
                              "  previewFeatures = [\"postgresqlExtensions\", \"Views\"]\n}\n"
                              "datasource db {\n  provider = \"postgres\"\n  url = env(\"DATABASE_URL\")\n"
                              "  relationMode = \"prisma\"\n  schemas = [\"public\", \"auth\"]\n"
                              "  extensions = [uuid_ossp(map: \"uuid-ossp\", schema: \"ext\"), citext]\n}\n"
                              "model U {\n  id Int @id\n  @@schema(\"auth\")\n}\n");
    assert_clean(&r);
    const Db *db = r.db;
    assert_int_equal(db->provider, PROVIDER_POSTGRESQL);
    const DbDatasource *ds = db->datasource;
    assert_non_null(ds);
    assert_str(ds->provider_name, "postgres");
    assert_non_null(ds->url);
    assert_true(ds->relation_mode_prisma);
    assert_int_equal(ds->nschemas, 2);
    assert_str(ds->schemas[1], "auth");
    assert_int_equal(ds->nextensions, 2);
    assert_str(ds->extensions[0], "citext");    /* sorted by name */
    assert_str(ds->extension_info[1].map, "uuid-ossp");
    assert_str(ds->extension_info[1].schema, "ext");
    assert_str(db->models[0].schema, "auth");
    assert_int_equal(db->ngenerators, 1);
    assert_str(db->generators[0].provider, "prisma-client-js");
    assert_true(db_preview_feature(db, "views"));
    assert_false(db_preview_feature(db, "typedSql"));
    /* the Prisma 6 `url` is accepted with a warning */
    assert_true(r.p->diags.warnings > 0);
    resolved_free(&r);
}

static void test_error_flags(void **state)
{
    (void)state;
    Resolved r = resolve_text(PG "model A {\n  id Int @id\n  b Strng\n}\n");
    assert_true(r.db->resolve_errors);
    assert_false(r.db->config_errors);
    resolved_free(&r);
    r = resolve_text("datasource db {\n  provider = \"oracle\"\n}\nmodel A {\n  id Int @id\n}\n");
    assert_false(r.db->resolve_errors);
    assert_true(r.db->config_errors);
    resolved_free(&r);
    /* a syntax error: resolution still runs, on what parsed */
    r = resolve_text(PG "model A {\n  id Int @id\n  $\n  x Foo\n}\n");
    assert_true(r.db->resolve_errors);
    char *t = diags_text(r.p, false);
    assert_non_null(strstr(t, "unknown type `Foo`"));
    free(t);
    resolved_free(&r);
}

static void test_lookups_and_legacy_fields(void **state)
{
    (void)state;
    /* fields the parser rejected (legacy forms) are left out, so they do not cascade */
    Resolved r = resolve_text(PG "model A {\n  id Int @id\n  x Int!\n  y [Int]\n  z Int\n}\n");
    assert_int_equal(r.db->models[0].nfields, 2);
    assert_int_equal(db_find_field(r.db, 0, STR_LIT("x")), DB_NONE);
    assert_int_not_equal(db_find_field(r.db, 0, STR_LIT("z")), DB_NONE);
    assert_int_equal(db_find_model(r.db, STR_LIT("B")), DB_NONE);
    assert_int_equal(db_find_enum(r.db, STR_LIT("A")), DB_NONE);
    resolved_free(&r);
}

static void test_inflector(void **state)
{
    (void)state;
    Arena a;
    arena_init(&a);
    static const char *const CAMEL[][2] = {
        {"User", "user"}, {"UserProfile", "userProfile"}, {"user_profile", "userProfile"}, {"HTTPRequest", "httprequest"},
        {"MyXMLParser", "myXMLParser"}, {"SCREAMING_CASE", "screamingCase"}, {"Model2x", "model2X"}, {"Y_Z", "yZ"},
    };
    for (size_t i = 0; i < sizeof CAMEL / sizeof *CAMEL; i++)
        assert_string_equal(inflect_camel(&a, (Str){CAMEL[i][0], (uint32_t)strlen(CAMEL[i][0])}), CAMEL[i][1]);
    static const char *const PLURAL[][2] = {
        {"category", "categories"}, {"person", "people"}, {"status", "statuses"}, {"address", "addresses"},
        {"child", "children"}, {"datum", "data"}, {"index", "indices"}, {"sheep", "sheep"}, {"mouse", "mice"},
        {"quiz", "quizzes"}, {"bus", "buses"}, {"box", "boxes"}, {"analysis", "analyses"}, {"leaf", "leaves"},
        {"knife", "knives"}, {"hero", "heroes"}, {"photo", "photos"}, {"news", "news"}, {"man", "men"},
        {"day", "days"}, {"key", "keys"}, {"alias", "aliases"}, {"userProfile", "userProfiles"}, {"post", "posts"},
        {"journey", "journeys"}, {"lady", "ladies"}, {"potato", "potatoes"}, {"menu", "menus"}, {"crisis", "crises"},
    };
    for (size_t i = 0; i < sizeof PLURAL / sizeof *PLURAL; i++) {
        const char *got = inflect_plural(&a, PLURAL[i][0]);
        if (strcmp(got, PLURAL[i][1]))
            print_error("plural(%s): expected %s, got %s\n", PLURAL[i][0], PLURAL[i][1], got);
        assert_string_equal(got, PLURAL[i][1]);
    }
    arena_free(&a);
}

/* ---- the same result however the work is shared out ------------------------------------- */

#include <dirent.h>

static void dump_str(FILE *f, const char *what, Str s)
{
    fprintf(f, " %s=%.*s", what, (int)s.len, s.ptr ? s.ptr : "");
}

/* Everything the Db says, as text (pointers into the syntax tree as offsets). */
static char *db_dump(const Db *db)
{
    Capture c;
    FILE *f = capture_begin(&c);
    fprintf(f, "errors=%d/%d provider=%d\n", db->resolve_errors, db->config_errors, (int)db->provider);
    for (uint32_t m = 0; m < db->nmodels; m++) {
        const DbModel *dm = &db->models[m];
        fprintf(f, "model %u", m);
        dump_str(f, "name", dm->name);
        dump_str(f, "db", dm->db_name);
        dump_str(f, "schema", dm->schema);
        fprintf(f, " fields=%u+%u pk=%u idx=%u+%u ign=%d view=%d map=%d\n", dm->first_field, dm->nfields, dm->pk,
                dm->first_index, dm->nindexes, dm->ignored, dm->is_view, dm->mapped);
    }
    for (uint32_t i = 0; i < db->nfields; i++) {
        const DbField *fd = &db->fields[i];
        fprintf(f, "field %u", i);
        dump_str(f, "name", fd->name);
        dump_str(f, "db", fd->db_name);
        fprintf(f, " model=%u kind=%u scalar=%u type=%u arity=%u rel=%u upd=%d ign=%d map=%d", fd->model, fd->kind,
                fd->scalar, fd->type_id, fd->arity, fd->relation, fd->updated_at, fd->ignored, fd->mapped);
        const DbDefault *d = fd->def;
        fprintf(f, " def=%d/%u expr=%u attr=%u", (int)d->kind, d->version, d->expr ? d->expr->span.start : 0,
                d->attr ? d->attr->span.start : 0);
        dump_str(f, "text", d->text);
        dump_str(f, "dmap", d->map);
        const DbNativeType *n = fd->native;
        dump_str(f, "native", n->name);
        dump_str(f, "scope", n->scope);
        fprintf(f, " nargs=%u/%lld/%lld/%d attr=%u\n", n->nargs, (long long)n->args[0], (long long)n->args[1],
                n->args_unsigned, n->attr ? n->attr->span.start : 0);
    }
    for (uint32_t i = 0; i < db->nindexes; i++) {
        const DbIndex *x = &db->indexes[i];
        fprintf(f, "index %u kind=%d model=%u fields=%u+%u", i, (int)x->kind, x->model, x->first_field, x->nfields);
        dump_str(f, "name", x->name);
        dump_str(f, "map", x->map);
        dump_str(f, "algo", x->algorithm);
        fprintf(f, " fl=%d cl=%d where=%u attr=%u\n", x->field_level, x->clustered, x->where ? x->where->span.start : 0,
                x->attr ? x->attr->span.start : 0);
    }
    for (uint32_t i = 0; i < db->nindex_fields; i++) {
        const DbIndexField *x = &db->index_fields[i];
        fprintf(f, "ifield %u field=%u sort=%d len=%d raw=%d", i, x->field, (int)x->sort, x->length, x->ops_raw);
        dump_str(f, "ops", x->ops);
        fprintf(f, "\n");
    }
    for (uint32_t i = 0; i < db->nrelations; i++) {
        const DbRelation *x = &db->relations[i];
        fprintf(f, "relation %u kind=%d emb=%d a=%u/%u b=%u/%u fk=%u+%u del=%d upd=%d", i, (int)x->kind, x->embedded,
                x->model_a, x->field_a, x->model_b, x->field_b, x->first_fk, x->nfk, (int)x->on_delete, (int)x->on_update);
        dump_str(f, "name", x->name);
        dump_str(f, "map", x->map);
        fprintf(f, "\n");
    }
    for (uint32_t i = 0; i < db->nfk_pairs; i++)
        fprintf(f, "fk %u %u->%u\n", i, db->fk_pairs[i].field, db->fk_pairs[i].references);
    for (uint32_t i = 0; i < db->nenums; i++) {
        fprintf(f, "enum %u", i);
        dump_str(f, "name", db->enums[i].name);
        dump_str(f, "db", db->enums[i].db_name);
        fprintf(f, " values=%u+%u\n", db->enums[i].first_value, db->enums[i].nvalues);
    }
    for (uint32_t i = 0; i < db->nenum_values; i++) {
        fprintf(f, "value %u", i);
        dump_str(f, "db", db->enum_values[i].db_name);
        fprintf(f, "\n");
    }
    return capture_end(&c);
}

/* Resolves and validates a schema with these options: the diagnostics, then the Db. */
static char *resolve_with_text(const char *text, uint32_t threads, uint32_t min_fields)
{
    Parsed *p = parse_text(text);
    DbResolveOptions opt = {.threads = threads, .min_fields_per_thread = min_fields};
    Db *db = db_resolve_with(p->ast, &p->diags, &opt);
    db_validate_with(db, PROVIDER_NONE, &p->diags, &opt);
    char *d = diags_text(p, false), *dump = db_dump(db);
    size_t n = strlen(d) + strlen(dump) + 16;
    char *out = malloc(n);
    snprintf(out, n, "%s\n----\n%s", d, dump);
    free(d);
    free(dump);
    parsed_free(p);
    return out;
}

/* Every schema of a fixture folder, resolved pass by pass (no threads), model by model on this
 * thread, and shared out over four threads a few fields each: the same diagnostics and the same
 * Db. (Large schemas take the shared paths; the fixtures make them run on small ones.) */
static void same_however_shared(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 8 || strcmp(e->d_name + len - 7, ".prisma"))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *text = read_whole_file(path, NULL);
        assert_non_null(text);
        char *a = resolve_with_text(text, 0, 8192), *b = resolve_with_text(text, 1, 8192),
             *c = resolve_with_text(text, 4, 1);
        if (strcmp(a, b) || strcmp(a, c))
            print_error("%s: resolved differently when shared out\n--- in order:\n%s\n--- one share:\n%s\n--- four:\n%s\n",
                        path, a, b, c);
        assert_string_equal(a, b);
        assert_string_equal(a, c);
        free(a);
        free(b);
        free(c);
        free(text);
        n++;
    }
    closedir(d);
    assert_true(n > 10);
}

static void test_same_however_shared_validate(void **state)
{
    (void)state;
    same_however_shared("fixtures/validate");
}

static void test_same_however_shared_sql(void **state)
{
    (void)state;
    same_however_shared("fixtures/sql");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_to_many),
        cmocka_unit_test(test_default_actions),
        cmocka_unit_test(test_one_to_one_sides),
        cmocka_unit_test(test_forward_only_unique_is_one_to_one),
        cmocka_unit_test(test_back_only),
        cmocka_unit_test(test_implicit_many_to_many),
        cmocka_unit_test(test_named_relations),
        cmocka_unit_test(test_self_one_to_many),
        cmocka_unit_test(test_database_names),
        cmocka_unit_test(test_index_order_and_arguments),
        cmocka_unit_test(test_compound_id),
        cmocka_unit_test(test_defaults_and_native_types),
        cmocka_unit_test(test_datasource_and_generators),
        cmocka_unit_test(test_error_flags),
        cmocka_unit_test(test_lookups_and_legacy_fields),
        cmocka_unit_test(test_inflector),
        cmocka_unit_test(test_same_however_shared_validate),
        cmocka_unit_test(test_same_however_shared_sql),
    };
    return cmocka_run_group_tests_name("resolve", tests, NULL, NULL);
}
