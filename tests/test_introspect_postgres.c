/* PostgreSQL introspection against the throwaway server of tests/run.sh:
 *   - every golden DDL of fixtures/sql applied to a fresh database, introspected, printed back
 *     as Prisma's DDL and compared statement by statement with the golden file;
 *   - targeted normalisations (types, defaults, sequences, identity, indexes, actions,
 *     multi-schema, unmanaged objects, _prisma_migrations);
 *   - read-only: a SELECT-only role with default_transaction_read_only, and no transaction id
 *     consumed by introspection;
 *   - every connection failure class, with the password masked;
 *   - dbexec: scripts in a transaction, errors with their line, scratch databases dropped. */
#include "testutil.h"

#include "ddl_render.h"
#include "roundtrip.h"
#include "prismac/dbexec.h"
#include "prismac/introspect.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

/* ---- helpers ------------------------------------------------------------------------------ */

static PGconn *admin_connect(const char *database)
{
    const char *keys[] = {"dbname", database ? "dbname" : NULL, NULL};
    const char *vals[] = {test_pg_url(), database, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(c) != CONNECTION_OK) {
        print_error("admin connection failed: %s\n", PQerrorMessage(c));
        fail();
    }
    PGresult *r = PQexec(c, "SET client_min_messages = warning");
    PQclear(r);
    return c;
}

static void admin_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        print_error("%s\n-> %s\n", sql, PQresultErrorMessage(r));
        PQclear(r);
        fail();
    }
    PQclear(r);
}

static char *admin_value(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1) {
        print_error("%s\n-> %s\n", sql, PQresultErrorMessage(r));
        PQclear(r);
        fail();
    }
    char *v = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

/* The test server's URL with another user, password and/or database. */
static char *server_url(const char *user, const char *password, const char *database)
{
    const char *url = test_pg_url();   /* postgresql://prismac@127.0.0.1:PORT/postgres */
    const char *at = strchr(url, '@');
    const char *slash = strrchr(url, '/');
    assert_non_null(at);
    assert_non_null(slash);
    char *out = malloc(1024);
    snprintf(out, 1024, "postgresql://%s%s%s@%.*s/%s", user ? user : "prismac", password ? ":" : "",
             password ? password : "", (int)(slash - at - 1), at + 1, database ? database : "postgres");
    return out;
}

static SqlSchema *introspect_text(const char *url_text, const Str *schemas, uint32_t nschemas, DbError *err)
{
    DbUrl url;
    if (!dburl_parse(url_text, NULL, &url, err)) {
        dburl_free(&url);
        return NULL;
    }
    IntrospectOptions opts = {.schemas = schemas, .nschemas = nschemas};
    IntrospectStats stats = {0};
    SqlSchema *s = introspect_url(&url, &opts, &stats, err);
    if (s)
        assert_int_equal(stats.queries, 9);
    dburl_free(&url);
    return s;
}

static char *dump_of(const SqlSchema *s)
{
    Capture c;
    sql_schema_dump(s, capture_begin(&c));
    return capture_end(&c);
}

/* A scratch database with `sql` applied; returns the scratch (name via dbexec_scratch_database). */
static DbScratch *scratch_with(DbUrl *server, const char *sql)
{
    DbError err = {0};
    assert_true(dburl_parse(test_pg_url(), NULL, server, &err));
    DbScratch *s = dbexec_scratch_open(SQL_POSTGRES, server, NULL, &err);
    if (!s) {
        print_error("scratch: %s\n", err.message);
        fail();
    }
    if (sql && !dbexec_apply(s, sql, strlen(sql), "test.sql", &err)) {
        print_error("apply: %s\n", err.message);
        fail();
    }
    return s;
}

static SqlSchema *introspect_scratch(DbScratch *s, const char *schema_list)
{
    Str schemas[8];
    uint32_t n = 0;
    char *copy = schema_list ? strdup(schema_list) : NULL;
    for (char *tok = copy ? strtok(copy, ",") : NULL; tok && n < 8; tok = strtok(NULL, ","))
        schemas[n++] = (Str){tok, (uint32_t)strlen(tok)};
    char *url = server_url(NULL, NULL, dbexec_scratch_database(s));
    DbError err = {0};
    SqlSchema *schema = introspect_text(url, schemas, n, &err);
    if (!schema) {
        print_error("introspect: %s\n", err.message);
        fail();
    }
    free(url);
    /* Both schemas point into `copy`, copied by the SqlSchema: free it now. */
    free(copy);
    return schema;
}

static const SqlTable *table_named(const SqlSchema *s, const char *name)
{
    uint32_t t = sql_find_table(s, SQL_NONE, (Str){name, (uint32_t)strlen(name)});
    if (t == SQL_NONE) {
        print_error("no table %s\n", name);
        fail();
    }
    return &s->tables[t];
}

static const SqlColumn *column_named(const SqlTable *t, const char *name)
{
    uint32_t c = sql_find_column(t, (Str){name, (uint32_t)strlen(name)});
    if (c == SQL_NONE) {
        print_error("no column %s\n", name);
        fail();
    }
    return &t->columns[c];
}

static const SqlIndex *index_named(const SqlTable *t, const char *name)
{
    for (uint32_t i = 0; i < t->nindexes; i++)
        if (str_eq_cstr(t->indexes[i].name, name))
            return &t->indexes[i];
    print_error("no index %s\n", name);
    fail();
    return NULL;
}

#define assert_str(actual, expected)                                                                               \
    do {                                                                                                           \
        Str a_ = (actual);                                                                                         \
        char buf_[512];                                                                                            \
        snprintf(buf_, sizeof buf_, "%.*s", (int)a_.len, a_.ptr ? a_.ptr : "");                                    \
        assert_string_equal(buf_, (expected));                                                                     \
    } while (0)

static void assert_column(const SqlTable *t, const char *name, SqlTypeFamily family, const char *type, bool list,
                          bool nullable, SqlDefaultKind def, const char *def_sql)
{
    const SqlColumn *c = column_named(t, name);
    if (c->type.family != family)
        print_error("column %s: family %d, expected %d\n", name, c->type.family, family);
    assert_int_equal(c->type.family, family);
    assert_str(c->type.name, type);
    assert_int_equal(c->type.list, list);
    assert_int_equal(c->nullable, nullable);
    if (c->def.kind != def)
        print_error("column %s: default kind %d (%.*s), expected %d\n", name, c->def.kind, (int)c->def.sql.len,
                    c->def.sql.ptr, def);
    assert_int_equal(c->def.kind, def);
    if (def_sql)
        assert_str(c->def.sql, def_sql);
}

static bool has_unmanaged(const SqlSchema *s, SqlUnmanagedKind kind, const char *name)
{
    for (uint32_t i = 0; i < s->nunmanaged; i++)
        if (s->unmanaged[i].kind == kind && str_eq_cstr(s->unmanaged[i].name, name))
            return true;
    return false;
}

/* ---- the golden DDL corpus ---------------------------------------------------------------- */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Some golden files cannot be applied to a PostgreSQL server as they are: Prisma's DDL does not
 * escape quotes inside identifiers and enum values (a syntax error), a schema may use a type
 * from an extension it does not create (citext, PostGIS's geometry) or one the test server
 * does not have, or a SQLite function in dbgenerated(). Those failures are listed and
 * tolerated; any other failure to apply is an error, and most files must apply. */
static bool not_applicable(const char *message)
{
    static const char *const known[] = {"syntax error", "zero-length delimited identifier", "does not exist",
                                        "is not available", NULL};
    for (const char *const *k = known; *k; k++)
        if (strstr(message, *k))
            return true;
    return false;
}

/* The schemas a golden file creates: its CREATE SCHEMA statements, as a comma list. */
static char *golden_schemas(const char *text)
{
    char *list = calloc(1, strlen(text) + 1);
    const char *p = text;
    while ((p = strstr(p, "CREATE SCHEMA IF NOT EXISTS \"")) != NULL) {
        p += strlen("CREATE SCHEMA IF NOT EXISTS \"");
        const char *e = strchr(p, '"');
        if (list[0])
            strcat(list, ",");
        strncat(list, p, (size_t)(e - p));
        p = e;
    }
    return list;
}

static void test_golden_ddl(void **state)
{
    (void)state;
    DIR *d = opendir("fixtures/sql");
    assert_non_null(d);
    char **files = NULL;
    size_t nfiles = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n > 15 && strcmp(de->d_name + n - 15, ".postgresql.sql") == 0) {
            files = realloc(files, (nfiles + 1) * sizeof *files);
            files[nfiles++] = strdup(de->d_name);
        }
    }
    closedir(d);
    qsort(files, nfiles, sizeof *files, name_cmp);
    assert_true(nfiles >= 100);

    PGconn *admin = admin_connect(NULL);
    char *defaults = admin_value(admin, "SELECT ' ' || string_agg(DISTINCT opcname, ' ') || ' ' FROM pg_opclass "
                                        "WHERE opcdefault");
    DbUrl server;
    DbError err = {0};
    assert_true(dburl_parse(test_pg_url(), NULL, &server, &err));
    DdlTolerances tol = {0};
    int checked = 0, failures = 0, not_applicable_count = 0;
    /* One scratch database, emptied between fixtures (creating one per fixture costs ~0.25 s). */
    DbScratch *s = dbexec_scratch_open(SQL_POSTGRES, &server, NULL, &err);
    if (!s) {
        print_error("scratch: %s\n", err.message);
        fail();
    }
    static const char RESET[] =
        "DO $$ DECLARE r record; BEGIN "
        "FOR r IN SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND nspname NOT LIKE 'pg\\_%' LOOP EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname); END LOOP; "
        "END $$; CREATE SCHEMA public;";
    for (size_t i = 0; i < nfiles; i++) {
        char path[512], fixture[256];
        snprintf(path, sizeof path, "fixtures/sql/%s", files[i]);
        snprintf(fixture, sizeof fixture, "%.*s", (int)(strlen(files[i]) - 15), files[i]);
        char *golden = read_whole_file(path, NULL);
        assert_non_null(golden);
        if (!dbexec_apply(s, RESET, strlen(RESET), "reset", &err)) {
            print_error("%s: reset: %s\n", fixture, err.message);
            fail();
        }
        /* Schemas an extension is installed into must exist first (as for `prisma migrate`). */
        for (const char *p = golden; (p = strstr(p, "WITH SCHEMA \"")) != NULL;) {
            p += 13;
            const char *e = strchr(p, '"');
            char sql[300];
            snprintf(sql, sizeof sql, "CREATE SCHEMA IF NOT EXISTS \"%.*s\";", (int)(e - p), p);
            assert_true(dbexec_apply(s, sql, strlen(sql), "setup", &err));
        }
        bool applied = dbexec_apply(s, golden, strlen(golden), files[i], &err);
        if (!applied) {
            if (not_applicable(err.message)) {
                print_message("not applicable: %s\n", err.message);
                not_applicable_count++;
            } else {
                print_error("%s: %s\n", fixture, err.message);
                failures++;
            }
            free(golden);
            continue;
        }
        char *schemas = golden_schemas(golden);
        SqlSchema *viaurl = introspect_scratch(s, schemas[0] ? schemas : NULL);
        /* dbexec's own connection reads the same thing */
        Str list[8];
        uint32_t nlist = 0;
        char *copy = strdup(schemas);
        for (char *tok = strtok(copy, ","); tok && nlist < 8; tok = strtok(NULL, ","))
            list[nlist++] = (Str){tok, (uint32_t)strlen(tok)};
        IntrospectOptions opts = {.schemas = list, .nschemas = nlist};
        SqlSchema *viascratch = dbexec_introspect(s, &opts, NULL, &err);
        assert_non_null(viascratch);
        char *d1 = dump_of(viaurl), *d2 = dump_of(viascratch);
        assert_string_equal(d1, d2);
        free(d1);
        free(d2);
        free(copy);

        char *rendered = ddl_render(viaurl, "public", schemas[0] != '\0');
        Capture c;
        FILE *report = capture_begin(&c);
        /* Prisma's own round trip on this DDL, when it finds drift (scripts/golden-roundtrip.sh) */
        char rtpath[600];
        snprintf(rtpath, sizeof rtpath, "fixtures/sql/%s.postgresql.roundtrip", fixture);
        char *roundtrip = read_whole_file(rtpath, NULL);
        int diffs = ddl_compare(golden, rendered, defaults, true, roundtrip, &tol, report);
        free(roundtrip);
        char *text = capture_end(&c);
        if (diffs) {
            print_error("%s: %d statement(s) differ\n%s\n", fixture, diffs, text);
            failures++;
        }
        checked++;
        free(text);
        free(rendered);
        free(schemas);
        sql_schema_free(viaurl);
        sql_schema_free(viascratch);
        free(golden);
    }
    dbexec_scratch_close(s);
    print_message("golden DDL: %d fixtures introspected back to Prisma's DDL, %d not applicable; tolerances: "
                  "%d explicit ASC, %d explicit default opclass, %d JSONB literal, %d dropped offset, %d CHAR/BIT "
                  "length, %d identifier over 63 bytes, %d type case, %d sub-microsecond digits, %d partial index "
                  "condition respelled, %d rewritten (Prisma recreates it too)\n",
                  checked, not_applicable_count, tol.asc, tol.opclass, tol.json, tol.offset, tol.char1, tol.truncated,
                  tol.type_case, tol.nanos, tol.condition, tol.rewritten);
    /* Every scratch database is gone. */
    char query[200];
    snprintf(query, sizeof query, "SELECT count(*) FROM pg_database WHERE datname LIKE 'prismac\\_scratch\\_%ld\\_%%'",
             (long)getpid());
    char *left = admin_value(admin, query);
    assert_string_equal(left, "0");
    free(left);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    free(defaults);
    PQfinish(admin);
    dburl_free(&server);
    assert_int_equal(failures, 0);
    assert_true(checked >= 120 && (size_t)checked * 100 >= nfiles * 85);
}


/* ---- targeted normalisations -------------------------------------------------------------- */

static const char TYPES_SQL[] =
    "CREATE TYPE \"Mood\" AS ENUM ('happy', 'sad', 'it''s');\n"
    "CREATE TYPE \"Nothing\" AS ENUM ();\n"
    "CREATE SCHEMA other;\n"
    "CREATE TYPE other.\"Tier\" AS ENUM ('A', 'B');\n"
    "CREATE DOMAIN posint AS integer CHECK (VALUE > 0);\n"
    "CREATE TABLE \"T\" (\n"
    "  id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
    "  ident bigint GENERATED ALWAYS AS IDENTITY,\n"
    "  ser serial, bser bigserial, sser smallserial,\n"
    "  v varchar(20) DEFAULT 'x', vn varchar, c char(5), c1 char,\n"
    "  n numeric(10,2) DEFAULT '5.5', nn numeric, nneg numeric(10,2) DEFAULT -0.25,\n"
    "  ts timestamp(3) DEFAULT now(), ts0 timestamp, tscur timestamp(3) DEFAULT CURRENT_TIMESTAMP,\n"
    "  tstz timestamptz(6) DEFAULT '2024-01-02 03:04:05.5+02', tsv timestamp DEFAULT '2024-01-02 03:04:05',\n"
    "  t time(3), ttz timetz DEFAULT '08:30:00+05:30', d date DEFAULT CURRENT_DATE, d2 date DEFAULT '2020-02-29',\n"
    "  arr text[] DEFAULT '{}', arr2 integer[] DEFAULT '{1,2,3}', arr3 varchar(10)[] DEFAULT ARRAY['a','b'],\n"
    "  arr4 text[] DEFAULT ARRAY['x y', 'it''s']::text[], arr5 numeric(8,3)[],\n"
    "  mood \"Mood\" DEFAULT 'it''s', moods \"Mood\"[] DEFAULT '{sad,happy}', tier other.\"Tier\" DEFAULT 'B',\n"
    "  tiers other.\"Tier\"[] DEFAULT ARRAY['A']::other.\"Tier\"[],\n"
    "  j jsonb DEFAULT '{\"b\":1, \"a\":[1,2]}', js json DEFAULT '[]'::json,\n"
    "  b bytea DEFAULT '\\xDEADBEEF', u uuid DEFAULT gen_random_uuid(),\n"
    "  u2 uuid DEFAULT '00000000-0000-0000-0000-000000000001'::uuid, bo boolean DEFAULT 't',\n"
    "  f double precision DEFAULT -1.5, r real DEFAULT 2, i integer DEFAULT (-5), big bigint DEFAULT '10'::bigint,\n"
    "  fe double precision DEFAULT '2.5e3', fe2 double precision DEFAULT 25e-3, fz numeric DEFAULT '-0.0',\n"
    "  iz integer DEFAULT '-0', i0 integer DEFAULT '007', tt timestamptz DEFAULT transaction_timestamp(),\n"
    "  s smallint DEFAULT 3, x xml, ip inet DEFAULT '10.0.0.1', m money DEFAULT 1.25, bits bit(3), vb varbit(8),\n"
    "  o oid, tsvec tsvector, rng int4range, pt point, dom posint, nul text DEFAULT NULL,\n"
    "  gen integer GENERATED ALWAYS AS (s * 2) STORED, expr text DEFAULT upper('x'), estr text DEFAULT E'a\\\\nb',\n"
    "  nv integer DEFAULT nextval('\"T_ser_seq\"'::regclass), required text NOT NULL\n"
    ");\n"
    "CREATE UNIQUE INDEX \"T_v_c_key\" ON \"T\" (v, c DESC);\n"
    "CREATE INDEX \"T_j_idx\" ON \"T\" USING GIN (j jsonb_path_ops);\n"
    "CREATE INDEX \"T_j2_idx\" ON \"T\" USING GIN (j);\n"
    "CREATE INDEX \"T_h\" ON \"T\" USING HASH (v);\n"
    "CREATE INDEX \"T_brin\" ON \"T\" USING BRIN (ts timestamp_minmax_ops, big int8_bloom_ops);\n"
    "CREATE INDEX \"T_gist\" ON \"T\" USING GIST (ip inet_ops);\n"
    "CREATE INDEX \"T_spgist\" ON \"T\" USING SPGIST (vn);\n"
    "CREATE INDEX \"T_pattern\" ON \"T\" (v varchar_pattern_ops, s DESC, f);\n"
    "CREATE INDEX \"T_partial\" ON \"T\" (s) WHERE s > 0;\n"
    "CREATE UNIQUE INDEX \"T_partial_key\" ON \"T\" (v DESC) WHERE v <> 'x' AND \"required\" IS NOT NULL;\n"
    "CREATE INDEX \"T_partial_expr\" ON \"T\" (lower(v)) WHERE s > 0;\n"
    "CREATE INDEX \"T_expr\" ON \"T\" (lower(v));\n"
    "CREATE INDEX \"T_incl\" ON \"T\" (s) INCLUDE (v);\n"
    "ALTER TABLE \"T\" ADD CONSTRAINT \"T_check\" CHECK (s > 0);\n"
    "ALTER TABLE \"T\" ADD CONSTRAINT \"T_excl\" EXCLUDE USING gist (rng WITH &&);\n"
    "CREATE VIEW \"V\" AS SELECT id FROM \"T\";\n"
    "CREATE MATERIALIZED VIEW \"MV\" AS SELECT id FROM \"T\";\n"
    "CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n"
    "CREATE TRIGGER \"T_trg\" BEFORE INSERT ON \"T\" FOR EACH ROW EXECUTE FUNCTION trg();\n"
    "CREATE TABLE \"_prisma_migrations\" (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL);\n"
    "CREATE INDEX \"_prisma_migrations_idx\" ON \"_prisma_migrations\" (checksum);\n"
    "CREATE TABLE other.\"Remote\" (id int PRIMARY KEY, t other.\"Tier\"[] DEFAULT '{B}');\n"
    "CREATE TABLE \"Outbound\" (id int PRIMARY KEY, r int CONSTRAINT \"Outbound_r_fkey\" REFERENCES other.\"Remote\"(id));\n";

static void test_types_and_defaults(void **state)
{
    (void)state;
    DbUrl server;
    DbScratch *scratch = scratch_with(&server, TYPES_SQL);
    SqlSchema *s = introspect_scratch(scratch, NULL);
    assert_int_equal(s->nnamespaces, 1);
    assert_str(s->namespaces[0].name, "public");
    assert_str(s->default_namespace, "public");
    /* extensions: none but plpgsql in a fresh database */
    assert_int_equal(s->nextensions, 0);
    /* enums: declaration order of values, an empty one kept */
    assert_int_equal(s->nenums, 2);
    assert_str(s->enums[0].name, "Mood");
    assert_int_equal(s->enums[0].nvalues, 3);
    assert_str(s->enums[0].values[2], "it's");
    assert_str(s->enums[1].name, "Nothing");
    assert_int_equal(s->enums[1].nvalues, 0);

    const SqlTable *t = table_named(s, "T");
    assert_int_equal(t->namespace, 0);
    /* sequences and identity: the base type, autoincrement */
    assert_column(t, "id", SQLT_INT, "INTEGER", false, false, SQLDEF_SEQUENCE, NULL);
    assert_true(column_named(t, "id")->autoincrement);
    assert_column(t, "ident", SQLT_BIGINT, "BIGINT", false, false, SQLDEF_SEQUENCE, NULL);
    assert_column(t, "ser", SQLT_INT, "INTEGER", false, false, SQLDEF_SEQUENCE, "nextval('\"T_ser_seq\"'::regclass)");
    assert_column(t, "bser", SQLT_BIGINT, "BIGINT", false, false, SQLDEF_SEQUENCE, NULL);
    assert_column(t, "sser", SQLT_INT, "SMALLINT", false, false, SQLDEF_SEQUENCE, NULL);
    assert_true(column_named(t, "sser")->autoincrement);
    assert_column(t, "nv", SQLT_INT, "INTEGER", false, true, SQLDEF_SEQUENCE, NULL);
    /* lengths and precisions, with and without */
    assert_column(t, "v", SQLT_STRING, "VARCHAR(20)", false, true, SQLDEF_VALUE, "'x'");
    assert_column(t, "vn", SQLT_STRING, "VARCHAR", false, true, SQLDEF_NONE, NULL);
    assert_column(t, "c", SQLT_STRING, "CHAR(5)", false, true, SQLDEF_NONE, NULL);
    assert_column(t, "c1", SQLT_STRING, "CHAR(1)", false, true, SQLDEF_NONE, NULL);
    assert_column(t, "n", SQLT_DECIMAL, "DECIMAL(10,2)", false, true, SQLDEF_VALUE, "5.5");
    assert_column(t, "nn", SQLT_DECIMAL, "DECIMAL", false, true, SQLDEF_NONE, NULL);
    assert_column(t, "nneg", SQLT_DECIMAL, "DECIMAL(10,2)", false, true, SQLDEF_VALUE, "-0.25");
    assert_column(t, "ts", SQLT_DATETIME, "TIMESTAMP(3)", false, true, SQLDEF_NOW, NULL);
    assert_column(t, "ts0", SQLT_DATETIME, "TIMESTAMP", false, true, SQLDEF_NONE, NULL);
    assert_column(t, "tscur", SQLT_DATETIME, "TIMESTAMP(3)", false, true, SQLDEF_NOW, NULL);
    /* date/time values in UTC, spelled as Prisma prints DateTime defaults */
    assert_column(t, "tstz", SQLT_DATETIME, "TIMESTAMPTZ(6)", false, true, SQLDEF_VALUE,
                  "'2024-01-02 01:04:05.500 +00:00'");
    assert_column(t, "tsv", SQLT_DATETIME, "TIMESTAMP", false, true, SQLDEF_VALUE, "'2024-01-02 03:04:05 +00:00'");
    assert_column(t, "t", SQLT_DATETIME, "TIME(3)", false, true, SQLDEF_NONE, NULL);
    assert_column(t, "ttz", SQLT_DATETIME, "TIMETZ", false, true, SQLDEF_VALUE, "'1970-01-01 08:30:00 +05:30'");
    assert_column(t, "d", SQLT_DATETIME, "DATE", false, true, SQLDEF_EXPRESSION, "CURRENT_DATE");
    assert_column(t, "d2", SQLT_DATETIME, "DATE", false, true, SQLDEF_VALUE, "'2020-02-29 00:00:00 +00:00'");
    /* lists: ARRAY[...]::TYPE[] whatever the database wrote */
    assert_column(t, "arr", SQLT_STRING, "TEXT", true, true, SQLDEF_VALUE, "ARRAY[]::TEXT[]");
    assert_column(t, "arr2", SQLT_INT, "INTEGER", true, true, SQLDEF_VALUE, "ARRAY[1, 2, 3]::INTEGER[]");
    assert_column(t, "arr3", SQLT_STRING, "VARCHAR(10)", true, true, SQLDEF_VALUE, "ARRAY['a', 'b']::VARCHAR(10)[]");
    assert_column(t, "arr4", SQLT_STRING, "TEXT", true, true, SQLDEF_VALUE, "ARRAY['x y', 'it''s']::TEXT[]");
    assert_column(t, "arr5", SQLT_DECIMAL, "DECIMAL(8,3)", true, true, SQLDEF_NONE, NULL);
    /* enums: the bare type name; the quote in a value doubled */
    assert_column(t, "mood", SQLT_ENUM, "Mood", false, true, SQLDEF_VALUE, "'it''s'");
    assert_int_equal(column_named(t, "mood")->type.enum_id, 0);
    assert_column(t, "moods", SQLT_ENUM, "Mood", true, true, SQLDEF_VALUE, "ARRAY['sad', 'happy']::\"Mood\"[]");
    /* an enum of a schema not read: no SqlEnum, the name still */
    assert_column(t, "tier", SQLT_ENUM, "Tier", false, true, SQLDEF_VALUE, "'B'");
    assert_int_equal(column_named(t, "tier")->type.enum_id, SQL_NONE);
    assert_column(t, "tiers", SQLT_ENUM, "Tier", true, true, SQLDEF_VALUE, "ARRAY['A']::\"other\".\"Tier\"[]");
    /* JSON as stored (jsonb normalises), bytes in hex, uuid */
    assert_column(t, "j", SQLT_JSON, "JSONB", false, true, SQLDEF_VALUE, "'{\"a\": [1, 2], \"b\": 1}'");
    assert_column(t, "js", SQLT_JSON, "JSON", false, true, SQLDEF_VALUE, "'[]'");
    assert_column(t, "b", SQLT_BINARY, "BYTEA", false, true, SQLDEF_VALUE, "'\\xdeadbeef'");
    assert_column(t, "u", SQLT_UUID, "UUID", false, true, SQLDEF_EXPRESSION, "gen_random_uuid()");
    assert_column(t, "u2", SQLT_UUID, "UUID", false, true, SQLDEF_VALUE, "'00000000-0000-0000-0000-000000000001'");
    /* casts and signs */
    assert_column(t, "bo", SQLT_BOOLEAN, "BOOLEAN", false, true, SQLDEF_VALUE, "true");
    assert_column(t, "f", SQLT_FLOAT, "DOUBLE PRECISION", false, true, SQLDEF_VALUE, "-1.5");
    assert_column(t, "r", SQLT_FLOAT, "REAL", false, true, SQLDEF_VALUE, "2");
    assert_column(t, "i", SQLT_INT, "INTEGER", false, true, SQLDEF_VALUE, "-5");
    assert_column(t, "big", SQLT_BIGINT, "BIGINT", false, true, SQLDEF_VALUE, "10");
    assert_column(t, "s", SQLT_INT, "SMALLINT", false, true, SQLDEF_VALUE, "3");
    /* numbers in positional notation, no leading zeros, no negative zero */
    assert_column(t, "fe", SQLT_FLOAT, "DOUBLE PRECISION", false, true, SQLDEF_VALUE, "2500");
    assert_column(t, "fe2", SQLT_FLOAT, "DOUBLE PRECISION", false, true, SQLDEF_VALUE, "0.025");
    assert_column(t, "fz", SQLT_DECIMAL, "DECIMAL", false, true, SQLDEF_VALUE, "0.0");
    assert_column(t, "iz", SQLT_INT, "INTEGER", false, true, SQLDEF_VALUE, "0");
    assert_column(t, "i0", SQLT_INT, "INTEGER", false, true, SQLDEF_VALUE, "7");
    assert_column(t, "tt", SQLT_DATETIME, "TIMESTAMPTZ", false, true, SQLDEF_NOW, NULL);
    /* Prisma's other native types */
    assert_column(t, "x", SQLT_STRING, "XML", false, true, SQLDEF_NONE, NULL);
    assert_column(t, "ip", SQLT_STRING, "INET", false, true, SQLDEF_VALUE, "'10.0.0.1'");
    assert_column(t, "m", SQLT_DECIMAL, "MONEY", false, true, SQLDEF_VALUE, "1.25");
    assert_column(t, "bits", SQLT_STRING, "BIT(3)", false, true, SQLDEF_NONE, NULL);
    assert_column(t, "vb", SQLT_STRING, "VARBIT(8)", false, true, SQLDEF_NONE, NULL);
    assert_column(t, "o", SQLT_INT, "OID", false, true, SQLDEF_NONE, NULL);
    /* the rest: Unsupported, as the database names it; a domain is its base type */
    assert_column(t, "tsvec", SQLT_UNSUPPORTED, "tsvector", false, true, SQLDEF_NONE, NULL);
    assert_column(t, "rng", SQLT_UNSUPPORTED, "int4range", false, true, SQLDEF_NONE, NULL);
    assert_column(t, "pt", SQLT_UNSUPPORTED, "point", false, true, SQLDEF_NONE, NULL);
    assert_column(t, "dom", SQLT_INT, "INTEGER", false, true, SQLDEF_NONE, NULL);
    /* DEFAULT NULL is no default; expressions as the database prints them */
    assert_column(t, "nul", SQLT_STRING, "TEXT", false, true, SQLDEF_NONE, NULL);
    assert_column(t, "expr", SQLT_STRING, "TEXT", false, true, SQLDEF_EXPRESSION, "upper('x'::text)");
    assert_column(t, "estr", SQLT_STRING, "TEXT", false, true, SQLDEF_VALUE, "'a\\nb'");
    assert_column(t, "required", SQLT_STRING, "TEXT", false, false, SQLDEF_NONE, NULL);
    /* a generated column: no default; the expression is unmanaged */
    assert_column(t, "gen", SQLT_INT, "INTEGER", false, true, SQLDEF_NONE, NULL);
    assert_true(has_unmanaged(s, UNMANAGED_OTHER, "gen"));

    /* indexes: primary key, sort order, algorithms, operator classes other than the default */
    assert_int_equal(index_named(t, "T_pkey")->kind, SQLIDX_PRIMARY);
    const SqlIndex *x = index_named(t, "T_v_c_key");
    assert_int_equal(x->kind, SQLIDX_UNIQUE);
    assert_int_equal(x->ncolumns, 2);
    assert_int_equal(x->columns[0].sort, SORT_DEFAULT);
    assert_int_equal(x->columns[1].sort, SORT_DESC);
    assert_str(t->columns[x->columns[1].column].name, "c");
    x = index_named(t, "T_j_idx");
    assert_int_equal(x->kind, SQLIDX_NORMAL);
    assert_str(x->algorithm, "Gin");
    assert_str(x->columns[0].opclass, "jsonb_path_ops");
    x = index_named(t, "T_j2_idx");
    assert_str(x->columns[0].opclass, "");
    assert_str(index_named(t, "T_h")->algorithm, "Hash");
    x = index_named(t, "T_brin");
    assert_str(x->algorithm, "Brin");
    assert_str(x->columns[0].opclass, "");   /* timestamp_minmax_ops is BRIN's default for timestamp */
    assert_str(x->columns[1].opclass, "int8_bloom_ops");
    x = index_named(t, "T_gist");
    assert_str(x->algorithm, "Gist");
    assert_str(x->columns[0].opclass, "inet_ops");
    assert_str(index_named(t, "T_spgist")->algorithm, "SpGist");
    x = index_named(t, "T_pattern");
    assert_str(x->algorithm, "");
    assert_str(x->columns[0].opclass, "varchar_pattern_ops");
    assert_int_equal(x->columns[1].sort, SORT_DESC);
    assert_int_equal(x->ncolumns, 3);
    /* partial indexes: their conditions as PostgreSQL prints them back */
    x = index_named(t, "T_partial");
    assert_int_equal(x->kind, SQLIDX_NORMAL);
    assert_str(x->predicate, "(s > 0)");
    x = index_named(t, "T_partial_key");
    assert_int_equal(x->kind, SQLIDX_UNIQUE);
    assert_int_equal(x->columns[0].sort, SORT_DESC);
    assert_str(x->predicate, "(((v)::text <> 'x'::text) AND (required IS NOT NULL))");
    assert_str(index_named(t, "T_pattern")->predicate, "");
    /* a partial index is an index and, with its definition, apart as well (sqlschema.h) */
    assert_true(has_unmanaged(s, UNMANAGED_PARTIAL_INDEX, "T_partial"));
    assert_true(has_unmanaged(s, UNMANAGED_PARTIAL_INDEX, "T_partial_key"));
    assert_false(has_unmanaged(s, UNMANAGED_PARTIAL_INDEX, "T_partial_expr"));
    /* what Prisma cannot express: apart, never indexes */
    assert_true(has_unmanaged(s, UNMANAGED_EXPRESSION_INDEX, "T_expr"));
    assert_true(has_unmanaged(s, UNMANAGED_EXPRESSION_INDEX, "T_partial_expr"));
    assert_true(has_unmanaged(s, UNMANAGED_OTHER, "T_incl"));
    assert_true(has_unmanaged(s, UNMANAGED_OTHER, "T_excl"));
    assert_true(has_unmanaged(s, UNMANAGED_CHECK, "T_check"));
    assert_true(has_unmanaged(s, UNMANAGED_VIEW, "V"));
    assert_true(has_unmanaged(s, UNMANAGED_MATERIALIZED_VIEW, "MV"));
    assert_true(has_unmanaged(s, UNMANAGED_TRIGGER, "T_trg"));
    for (uint32_t i = 0; i < t->nindexes; i++) {
        assert_false(str_eq_cstr(t->indexes[i].name, "T_partial_expr"));
        assert_false(str_eq_cstr(t->indexes[i].name, "T_expr"));
        assert_false(str_eq_cstr(t->indexes[i].name, "T_incl"));
    }
    for (uint32_t i = 0; i < s->nunmanaged; i++)
        assert_true(s->unmanaged[i].definition.len > 0);
    /* Prisma's migrations table is not there at all */
    assert_int_equal(sql_find_table(s, SQL_NONE, STR_LIT("_prisma_migrations")), SQL_NONE);
    assert_false(has_unmanaged(s, UNMANAGED_OTHER, "_prisma_migrations_idx"));

    /* one to a schema not read: apart */
    const SqlTable *out = table_named(s, "Outbound");
    assert_int_equal(out->nfks, 0);
    assert_true(has_unmanaged(s, UNMANAGED_OTHER, "Outbound_r_fkey"));
    sql_schema_free(s);

    /* the same database, both schemas */
    s = introspect_scratch(scratch, "public,other");
    assert_int_equal(s->nnamespaces, 2);
    assert_str(s->namespaces[1].name, "other");
    out = table_named(s, "Outbound");
    assert_int_equal(out->nfks, 1);
    const SqlTable *remote = &s->tables[out->fks[0].referenced_table];
    assert_str(remote->name, "Remote");
    assert_str(s->namespaces[remote->namespace].name, "other");
    t = table_named(s, "T");
    uint32_t tier = column_named(t, "tier")->type.enum_id;
    assert_int_not_equal(tier, SQL_NONE);
    assert_str(s->namespaces[s->enums[tier].namespace].name, "other");
    assert_column(remote, "t", SQLT_ENUM, "Tier", true, true, SQLDEF_VALUE, "ARRAY['B']::\"other\".\"Tier\"[]");
    sql_schema_free(s);

    /* listed schemas without public: names stay relative to public, so a table of a listed
     * schema is written with its schema (as Prisma writes DROP TABLE "other"."Remote") */
    s = introspect_scratch(scratch, "other");
    assert_int_equal(s->nnamespaces, 1);
    assert_str(s->default_namespace, "public");
    assert_false(sql_namespace_is_default(s, table_named(s, "Remote")->namespace));
    assert_column(table_named(s, "Remote"), "t", SQLT_ENUM, "Tier", true, true, SQLDEF_VALUE,
                  "ARRAY['B']::\"other\".\"Tier\"[]");
    sql_schema_free(s);

    /* ?schema= in the URL: that schema only, unqualified names relative to it */
    char *url = server_url(NULL, NULL, dbexec_scratch_database(scratch));
    char with_schema[1200];
    snprintf(with_schema, sizeof with_schema, "%s?schema=other", url);
    DbError err = {0};
    s = introspect_text(with_schema, NULL, 0, &err);
    assert_non_null(s);
    assert_int_equal(s->ntables, 1);
    assert_str(s->tables[0].name, "Remote");
    assert_str(s->default_namespace, "other");
    assert_column(&s->tables[0], "t", SQLT_ENUM, "Tier", true, true, SQLDEF_VALUE, "ARRAY['B']::\"Tier\"[]");
    sql_schema_free(s);
    free(url);
    dbexec_scratch_close(scratch);
    dburl_free(&server);
}

static void test_foreign_keys(void **state)
{
    (void)state;
    DbUrl server;
    DbScratch *scratch = scratch_with(&server,
        "CREATE TABLE \"Parent\" (a int, b int, u int UNIQUE, PRIMARY KEY (a, b));\n"
        "CREATE TABLE \"Child\" (id int PRIMARY KEY, pa int DEFAULT 0, pb int DEFAULT 0, pu int,\n"
        "  CONSTRAINT \"Child_ab_fkey\" FOREIGN KEY (pb, pa) REFERENCES \"Parent\" (b, a) ON DELETE SET DEFAULT,\n"
        "  CONSTRAINT \"Child_ba_fkey\" FOREIGN KEY (pa, pb) REFERENCES \"Parent\" (a, b) ON DELETE RESTRICT ON UPDATE SET NULL,\n"
        "  CONSTRAINT \"Child_u_fkey\" FOREIGN KEY (pu) REFERENCES \"Parent\" (u) ON DELETE CASCADE ON UPDATE CASCADE);\n"
        "CREATE TABLE \"Self\" (id int PRIMARY KEY, up int REFERENCES \"Self\" ON DELETE SET NULL);\n");
    SqlSchema *s = introspect_scratch(scratch, NULL);
    const SqlTable *child = table_named(s, "Child");
    assert_int_equal(child->nfks, 3);
    /* ordered by name */
    const SqlForeignKey *fk = &child->fks[0];
    assert_str(fk->name, "Child_ab_fkey");
    assert_int_equal(fk->ncolumns, 2);
    assert_str(child->columns[fk->columns[0]].name, "pb");
    assert_str(child->columns[fk->columns[1]].name, "pa");
    const SqlTable *parent = &s->tables[fk->referenced_table];
    assert_str(parent->name, "Parent");
    assert_str(parent->columns[fk->referenced_columns[0]].name, "b");
    assert_str(parent->columns[fk->referenced_columns[1]].name, "a");
    assert_int_equal(fk->on_delete, SQLACT_SET_DEFAULT);
    assert_int_equal(fk->on_update, SQLACT_NO_ACTION);
    fk = &child->fks[1];
    assert_str(fk->name, "Child_ba_fkey");
    assert_int_equal(fk->on_delete, SQLACT_RESTRICT);
    assert_int_equal(fk->on_update, SQLACT_SET_NULL);
    fk = &child->fks[2];
    assert_int_equal(fk->on_delete, SQLACT_CASCADE);
    assert_int_equal(fk->on_update, SQLACT_CASCADE);
    assert_str(parent->columns[fk->referenced_columns[0]].name, "u");
    const SqlTable *self = table_named(s, "Self");
    assert_int_equal(self->nfks, 1);
    assert_ptr_equal(&s->tables[self->fks[0].referenced_table], self);
    assert_str(self->fks[0].name, "Self_up_fkey");
    assert_int_equal(self->fks[0].on_delete, SQLACT_SET_NULL);
    /* a compound primary key keeps its column order */
    const SqlIndex *pk = sql_table_primary_key(parent);
    assert_non_null(pk);
    assert_str(pk->name, "Parent_pkey");
    assert_str(parent->columns[pk->columns[0].column].name, "a");
    assert_str(parent->columns[pk->columns[1].column].name, "b");
    sql_schema_free(s);
    dbexec_scratch_close(scratch);
    dburl_free(&server);
}

/* ---- read-only ---------------------------------------------------------------------------- */

static const char BLOG_SQL[] =
    "CREATE TABLE \"User\" (\"id\" SERIAL NOT NULL, \"email\" TEXT NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));\n"
    "CREATE TABLE \"Post\" (\"id\" SERIAL NOT NULL, \"authorId\" INTEGER NOT NULL, \"title\" TEXT NOT NULL DEFAULT 'x',\n"
    "  CONSTRAINT \"Post_pkey\" PRIMARY KEY (\"id\"));\n"
    "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
    "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") "
    "ON DELETE RESTRICT ON UPDATE CASCADE;\n"
    "CREATE VIEW \"Titles\" AS SELECT \"title\" FROM \"Post\";\n"
    "INSERT INTO \"User\" (\"email\") VALUES ('a@example.com');\n";

/* A login role of this test process's own (prefix_PID), made anew with `options`. */
static void role_create(PGconn *admin, const char *prefix, const char *options, char *role, size_t size)
{
    char sql[256];
    snprintf(role, size, "%s_%ld", prefix, (long)getpid());
    snprintf(sql, sizeof sql, "DROP ROLE IF EXISTS %s; CREATE ROLE %s LOGIN%s", role, role, options);
    admin_exec(admin, sql);
}

/* Introspection as a role that may only read, and proof that nothing is written: a write
 * takes a transaction id, so the server's next one must follow the one taken just before. */
static void test_read_only(void **state)
{
    (void)state;
    DbUrl server;
    DbScratch *scratch = scratch_with(&server, BLOG_SQL);
    const char *db = dbexec_scratch_database(scratch);
    PGconn *admin = admin_connect(db);
    char role[64], sql[512];
    role_create(admin, "prismac_ro", "", role, sizeof role);
    snprintf(sql, sizeof sql,
             "REVOKE ALL ON DATABASE \"%s\" FROM PUBLIC; GRANT CONNECT ON DATABASE \"%s\" TO %s; "
             "REVOKE ALL ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO %s; "
             "GRANT SELECT ON ALL TABLES IN SCHEMA public TO %s; "
             "ALTER ROLE %s SET default_transaction_read_only = on",
             db, db, role, role, role, role);
    admin_exec(admin, sql);

    /* the role really cannot write */
    char *ro_url = server_url(role, NULL, db);
    PGconn *ro = PQconnectdb(ro_url);
    assert_int_equal(PQstatus(ro), CONNECTION_OK);
    PGresult *r = PQexec(ro, "CREATE TABLE x (a int)");
    assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
    PQclear(r);
    r = PQexec(ro, "SET default_transaction_read_only = off; INSERT INTO \"User\" (\"email\") VALUES ('b')");
    assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);   /* permission denied */
    PQclear(r);
    PQfinish(ro);

    char *su_url = server_url(NULL, NULL, db);
    DbError err = {0};
    char *before = admin_value(admin, "SELECT txid_current()");
    SqlSchema *as_su = introspect_text(su_url, NULL, 0, &err);
    char *middle = admin_value(admin, "SELECT txid_current()");
    SqlSchema *as_ro = introspect_text(ro_url, NULL, 0, &err);
    char *after = admin_value(admin, "SELECT txid_current()");
    assert_non_null(as_su);
    if (!as_ro)
        print_error("as %s: %s\n", role, err.message);
    assert_non_null(as_ro);
    /* no transaction id taken by either introspection */
    assert_int_equal(atoll(middle), atoll(before) + 1);
    assert_int_equal(atoll(after), atoll(middle) + 1);
    /* and the read-only role sees the same schema */
    char *d1 = dump_of(as_su), *d2 = dump_of(as_ro);
    assert_string_equal(d1, d2);
    assert_non_null(strstr(d1, "table public.Post"));
    assert_true(has_unmanaged(as_ro, UNMANAGED_VIEW, "Titles"));
    /* the data is untouched */
    char *users = admin_value(admin, "SELECT count(*) FROM \"User\"");
    assert_string_equal(users, "1");
    free(users);
    free(d1);
    free(d2);
    free(before);
    free(middle);
    free(after);
    sql_schema_free(as_su);
    sql_schema_free(as_ro);
    snprintf(sql, sizeof sql, "DROP OWNED BY %s", role);
    admin_exec(admin, sql);
    PQfinish(admin);
    dbexec_scratch_close(scratch);
    admin = admin_connect(NULL);
    snprintf(sql, sizeof sql, "DROP ROLE %s", role);
    admin_exec(admin, sql);
    PQfinish(admin);
    free(ro_url);
    free(su_url);
    dburl_free(&server);
}

/* Until the server has let go of every session of the role (a closed connection's server process
 * ends a moment later). */
static void wait_for_no_session(PGconn *admin, const char *role)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE usename = '%s'", role);
    for (int i = 0; i < 500; i++) {
        char *n = admin_value(admin, sql);
        bool none = strcmp(n, "0") == 0;
        free(n);
        if (none)
            return;
        struct timespec ms = {0, 10 * 1000 * 1000};
        nanosleep(&ms, NULL);
    }
    fail_msg("sessions of %s still open after 5 s", role);
}

/* An introspection against a catalog another session holds locked: it gives up, within a bound,
 * with a timeout that says which. Mostly a catalog query meets the lock and statement_timeout
 * ends it; but a backend that has to rebuild its relation cache file as it starts (after any
 * catalog change, an autovacuum's too) opens catalogs and waits on the lock before it answers:
 * then connect_timeout (2 s here) ends it. */
static const IntrospectOptions LOCKED_OPTS = {.statement_timeout_ms = 300, .connect_timeout_s = 2};

static void expect_lock_timeout(const char *what, double t0, const SqlSchema *s, const DbError *err)
{
    double ms = introspect_now_ms() - t0;
    print_message("%s: %s after %.0f ms: %s\n", what, db_error_kind_name(err->kind), ms, err->message);
    assert_null(s);
    assert_true(ms < 6000);
    assert_int_equal(err->kind, DBERR_TIMEOUT);
    assert_true(strstr(err->message, "statement_timeout") || strstr(err->message, "connect_timeout"));
}

/* Introspection reads through two connections at once (the second reading the snapshot the
 * first exported); a role allowed one connection only gets the same schema through one, and the
 * same error when a catalog query fails on either. */
static void test_second_connection(void **state)
{
    (void)state;
    DbUrl server;
    DbScratch *scratch = scratch_with(&server, BLOG_SQL);
    const char *db = dbexec_scratch_database(scratch);
    PGconn *admin = admin_connect(db);
    char role[64], sql[512];
    role_create(admin, "prismac_one", " CONNECTION LIMIT 1", role, sizeof role);

    char *one_url = server_url(role, NULL, db), *su_url = server_url(NULL, NULL, db);
    DbUrl url;
    DbError err = {0};
    IntrospectStats two = {0};
    assert_true(dburl_parse(su_url, NULL, &url, &err));
    SqlSchema *as_su = introspect_url(&url, NULL, &two, &err);
    dburl_free(&url);
    assert_non_null(as_su);
    assert_int_equal(two.queries, 9);
    assert_int_equal(two.connections, 2);
    assert_int_equal(two.round_trips, 3);   /* the snapshot, the columns; the rest on the second */
    char *d1 = dump_of(as_su);
    assert_non_null(strstr(d1, "table public.Post"));
    /* either connection may be the one refused: several times, to see both */
    for (int k = 0; k < 6; k++) {
        wait_for_no_session(admin, role);
        IntrospectStats one = {0};
        assert_true(dburl_parse(one_url, NULL, &url, &err));
        SqlSchema *as_one = introspect_url(&url, NULL, &one, &err);
        dburl_free(&url);
        if (!as_one)
            print_error("as %s: %s\n", role, err.message);
        assert_non_null(as_one);
        assert_int_equal(one.queries, 9);
        assert_int_equal(one.connections, 1);
        char *d2 = dump_of(as_one);
        assert_string_equal(d1, d2);
        free(d2);
        sql_schema_free(as_one);
    }
    free(d1);
    sql_schema_free(as_su);

    /* a query of the second connection's half fails: its error, as one connection says it
     * (pg_trigger: read by that half only; see test_statement_timeout for the catalog's choice) */
    PGconn *locker = admin_connect(db);
    admin_exec(locker, "BEGIN; LOCK TABLE pg_catalog.pg_trigger IN ACCESS EXCLUSIVE MODE");
    for (int k = 0; k < 2; k++) {
        wait_for_no_session(admin, role);
        assert_true(dburl_parse(k ? one_url : su_url, NULL, &url, &err));
        double t0 = introspect_now_ms();
        SqlSchema *s = introspect_url(&url, &LOCKED_OPTS, NULL, &err);
        expect_lock_timeout(k ? "pg_trigger locked, one connection" : "pg_trigger locked, two connections", t0, s,
                            &err);
        dburl_free(&url);
    }
    admin_exec(locker, "ROLLBACK");
    PQfinish(locker);

    PQfinish(admin);
    dbexec_scratch_close(scratch);
    admin = admin_connect(NULL);
    snprintf(sql, sizeof sql, "DROP ROLE %s", role);
    admin_exec(admin, sql);
    PQfinish(admin);
    free(one_url);
    free(su_url);
    dburl_free(&server);
}

/* ---- connection failures ------------------------------------------------------------------ */

static const char SECRET[] = "Sup3r-Secret";

static void expect_failure(const char *url, DbErrorKind kind, const char *secret, const char *needle)
{
    DbError err = {0};
    SqlSchema *s = introspect_text(url, NULL, 0, &err);
    assert_null(s);
    if (err.kind != kind)
        print_error("%s: got %s (%s), expected %s\n", url, db_error_kind_name(err.kind), err.message,
                    db_error_kind_name(kind));
    assert_int_equal(err.kind, kind);
    if (secret) {
        assert_null(strstr(err.message, secret));
        assert_null(strstr(err.detail, secret));
        assert_non_null(strstr(err.message, "****"));
    }
    if (!strstr(err.message, needle))
        print_error("message lacks \"%s\": %s\n", needle, err.message);
    assert_non_null(strstr(err.message, needle));
    print_message("%-13s %s\n", db_error_kind_name(kind), err.message);
}

/* A catalog another session holds locked (pg_attrdef, read by the columns query): the read gives
 * up after a timeout instead of waiting, and says so. */
static void test_statement_timeout(void **state)
{
    (void)state;
    DbUrl server;
    DbScratch *scratch = scratch_with(&server, "CREATE TYPE \"Mood\" AS ENUM ('a');");
    const char *db = dbexec_scratch_database(scratch);
    PGconn *locker = admin_connect(db);
    admin_exec(locker, "BEGIN; LOCK TABLE pg_catalog.pg_attrdef IN ACCESS EXCLUSIVE MODE");
    char *url_text = server_url(NULL, NULL, db);
    DbUrl url;
    DbError err = {0};
    assert_true(dburl_parse(url_text, NULL, &url, &err));
    double t0 = introspect_now_ms();
    SqlSchema *s = introspect_url(&url, &LOCKED_OPTS, NULL, &err);
    expect_lock_timeout("pg_attrdef locked", t0, s, &err);
    admin_exec(locker, "ROLLBACK");
    /* and without the lock it reads */
    s = introspect_url(&url, &LOCKED_OPTS, NULL, &err);
    assert_non_null(s);
    assert_int_equal(s->nenums, 1);
    sql_schema_free(s);
    PQfinish(locker);
    dburl_free(&url);
    free(url_text);
    dbexec_scratch_close(scratch);
    dburl_free(&server);
}

/* A port nobody listens on. */
static int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

static void test_connection_failures(void **state)
{
    (void)state;
    char url[1024];
    snprintf(url, sizeof url, "postgresql://alice:%s@nonexistent.invalid:5432/app", SECRET);
    expect_failure(url, DBERR_HOST_UNKNOWN, SECRET, "host not found");
    snprintf(url, sizeof url, "postgresql://alice@nonexistent.invalid:5432/app?password=%s", SECRET);
    expect_failure(url, DBERR_HOST_UNKNOWN, SECRET, "password=****");

    snprintf(url, sizeof url, "postgresql://alice:%s@127.0.0.1:%d/app", SECRET, closed_port());
    expect_failure(url, DBERR_UNREACHABLE, SECRET, "server unreachable");
    snprintf(url, sizeof url, "postgresql://alice:%s@%%2Ftmp%%2Fprismac-no-such-socket-dir/app", SECRET);
    expect_failure(url, DBERR_UNREACHABLE, SECRET, "server unreachable");

    /* a server that accepts the connection and never answers */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 4), 0);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    snprintf(url, sizeof url, "postgresql://alice:%s@127.0.0.1:%d/app?connect_timeout=2", SECRET, ntohs(a.sin_port));
    double t0 = introspect_now_ms();
    expect_failure(url, DBERR_TIMEOUT, SECRET, "timed out");
    assert_true(introspect_now_ms() - t0 < 6000);
    close(fd);

    char *u = server_url("prismac", SECRET, "prismac_no_such_database");
    expect_failure(u, DBERR_NO_DATABASE, SECRET, "database missing");
    free(u);
    u = server_url("prismac_no_such_role", SECRET, "postgres");
    expect_failure(u, DBERR_AUTH, SECRET, "authentication failed");
    free(u);

    PGconn *admin = admin_connect(NULL);
    char role[64], sql[512];
    snprintf(role, sizeof role, "prismac_nologin_%ld", (long)getpid());
    snprintf(sql, sizeof sql, "DROP ROLE IF EXISTS %s; CREATE ROLE %s NOLOGIN", role, role);
    admin_exec(admin, sql);
    u = server_url(role, SECRET, "postgres");
    expect_failure(u, DBERR_AUTH, SECRET, "not permitted to log in");
    free(u);
    snprintf(sql, sizeof sql, "DROP ROLE %s", role);
    admin_exec(admin, sql);

    /* The server has no SSL: requiring it fails as such. */
    u = server_url("prismac", SECRET, "postgres");
    snprintf(url, sizeof url, "%s?sslmode=require", u);
    expect_failure(url, DBERR_TLS, SECRET, "SSL");
    /* A parameter neither libpq nor Prisma knows is a URL error, before any connection. */
    snprintf(url, sizeof url, "%s?no_such_parameter=1", u);
    expect_failure(url, DBERR_URL, NULL, "no_such_parameter");
    free(u);
    PQfinish(admin);
}

/* Password authentication: the test server trusts everyone, so one role is given a
 * scram-sha-256 line of its own in pg_hba.conf for the duration of the test. */
static void test_password_authentication(void **state)
{
    (void)state;
    PGconn *admin = admin_connect(NULL);
    char role[64], sql[2048];
    snprintf(role, sizeof role, "prismac_pw_%ld", (long)getpid());
    /* a password with characters that need percent-encoding in a URL */
    const char *password = "p@ss:w/rd%Q";
    const char *encoded = "p%40ss%3Aw%2Frd%25Q";
    snprintf(sql, sizeof sql, "DROP ROLE IF EXISTS %s; CREATE ROLE %s LOGIN PASSWORD '%s'", role, role, password);
    admin_exec(admin, sql);
    char *hba = admin_value(admin, "SHOW hba_file");
    char *original = admin_value(admin, "SELECT replace(pg_read_file(current_setting('hba_file')), E'\\t', ' ')");
    char *lit = PQescapeLiteral(admin, original, strlen(original));
    /* (COPY truncates its file before the query runs: the content goes in as a literal) */
    char *prepend = malloc(strlen(lit) + strlen(hba) + 256);
    sprintf(prepend,
            "COPY (SELECT unnest(ARRAY['host all %s 127.0.0.1/32 scram-sha-256'] || string_to_array(%s, E'\\n'))) "
            "TO '%s'",
            role, lit, hba);
    admin_exec(admin, prepend);
    free(prepend);
    admin_exec(admin, "SELECT pg_reload_conf()");

    char *wrong = server_url(role, SECRET, "postgres");
    /* the reload is asynchronous: wait until the line is in force */
    DbError err = {0};
    for (int i = 0; i < 50; i++) {
        SqlSchema *s = introspect_text(wrong, NULL, 0, &err);
        sql_schema_free(s);
        if (!s && err.kind == DBERR_AUTH)
            break;
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    expect_failure(wrong, DBERR_AUTH, SECRET, "password authentication failed");

    /* no password at all (and none from ~/.pgpass or PGPASSWORD) */
    char *saved_pw = getenv("PGPASSWORD") ? strdup(getenv("PGPASSWORD")) : NULL;
    unsetenv("PGPASSWORD");
    setenv("PGPASSFILE", "/nonexistent/prismac-pgpass", 1);
    char *none = server_url(role, NULL, "postgres");
    expect_failure(none, DBERR_AUTH, NULL, "authentication failed");

    /* the right one, percent-encoded, works; a message naming this URL masks both spellings */
    char *right = server_url(role, encoded, "postgres");
    SqlSchema *s = introspect_text(right, NULL, 0, &err);
    if (!s)
        print_error("%s\n", err.message);
    assert_non_null(s);
    sql_schema_free(s);
    DbUrl url;
    assert_true(dburl_parse(right, NULL, &url, &err));
    char masked[512], text[512];
    snprintf(text, sizeof text, "could not connect with %s (password %s)", right, password);
    dburl_mask_text(&url, text, masked, sizeof masked);
    assert_null(strstr(masked, password));
    assert_null(strstr(masked, encoded));
    dburl_free(&url);

    /* restore pg_hba.conf */
    char *restore = malloc(strlen(lit) + strlen(hba) + 128);
    sprintf(restore, "COPY (SELECT unnest(string_to_array(%s, E'\\n'))) TO '%s'", lit, hba);
    admin_exec(admin, restore);
    free(restore);
    admin_exec(admin, "SELECT pg_reload_conf()");
    snprintf(sql, sizeof sql, "DROP ROLE %s", role);
    admin_exec(admin, sql);
    if (saved_pw)
        setenv("PGPASSWORD", saved_pw, 1);
    unsetenv("PGPASSFILE");
    free(saved_pw);
    PQfreemem(lit);
    free(hba);
    free(original);
    free(wrong);
    free(none);
    free(right);
    PQfinish(admin);
}

/* ---- dbexec ------------------------------------------------------------------------------- */

static void test_dbexec(void **state)
{
    (void)state;
    DbUrl server;
    DbError err = {0};
    DbScratch *s = scratch_with(&server, "CREATE TABLE a (id int PRIMARY KEY);");
    char *name = strdup(dbexec_scratch_database(s));
    assert_non_null(strstr(name, "prismac_scratch_"));
    /* a failing script: the line of the failing statement, and nothing of it kept */
    static const char bad[] = "CREATE TABLE b (id int);\n-- comment\n\nCREATE TABLE a (\n  id int\n);\n";
    assert_false(dbexec_apply(s, bad, strlen(bad), "002/migration.sql", &err));
    assert_int_equal(err.kind, DBERR_QUERY);
    if (!strstr(err.message, "002/migration.sql:4:"))
        print_error("%s\n", err.message);
    assert_non_null(strstr(err.message, "002/migration.sql:4:"));
    assert_non_null(strstr(err.message, "already exists"));
    /* a line after a multi-byte character */
    static const char bad2[] = "-- é ü 日本\nCREATE TABLE c (id int);\nSELECT nope FROM a;\n";
    assert_false(dbexec_apply(s, bad2, strlen(bad2), "x.sql", &err));
    assert_non_null(strstr(err.message, "x.sql:3:"));
    /* a script's own BEGIN / COMMIT do not end the transaction it runs in */
    static const char commits[] = "BEGIN;\nCREATE TABLE d (id int);\nCOMMIT;\nCREATE TABLE a (id int);\n";
    assert_false(dbexec_apply(s, commits, strlen(commits), "y.sql", &err));
    assert_non_null(strstr(err.message, "y.sql:4:"));
    static const char rollback[] = "CREATE TABLE f (id int);\nROLLBACK;\n";
    assert_false(dbexec_apply(s, rollback, strlen(rollback), "r.sql", &err));
    assert_non_null(strstr(err.message, "r.sql:2: the script rolls back"));
    SqlSchema *schema = dbexec_introspect(s, NULL, NULL, &err);
    assert_non_null(schema);
    assert_int_equal(schema->ntables, 1);
    sql_schema_free(schema);
    /* introspection leaves the scratch writable */
    static const char more[] = "BEGIN;\nCREATE TABLE e (id int REFERENCES a(id), t text DEFAULT 'x;y');\n"
                               "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;\n"
                               "/* a; comment */ COMMIT;";
    assert_true(dbexec_apply(s, more, strlen(more), "z.sql", &err));
    schema = dbexec_introspect(s, NULL, NULL, &err);
    assert_int_equal(schema->ntables, 2);
    sql_schema_free(schema);
    dbexec_scratch_close(s);
    /* the scratch database is gone */
    PGconn *admin = admin_connect(NULL);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_database WHERE datname = '%s'", name);
    char *count = admin_value(admin, sql);
    assert_string_equal(count, "0");
    free(count);
    free(name);
    PQfinish(admin);
    dburl_free(&server);
}

/* A database made from a schema's DDL shows no drift against that schema. */
static void test_round_trip(void **state)
{
    (void)state;
    DbUrl server;
    DbError err = {0};
    assert_true(dburl_parse(test_pg_url(), NULL, &server, &err));
    RoundTrip rt = rt_all(SQL_POSTGRES, &server);
    print_message("round trip: %d schemas applied, introspected and diffed against themselves, %d invalid for "
                  "PostgreSQL, %d not applicable, %d with Prisma's drift, %d without drift where Prisma finds some\n",
                  rt.checked, rt.invalid, rt.failed_apply, rt.known, rt.prisma_only);
    dburl_free(&server);
    assert_int_equal(rt.drifted, 0);
    assert_true(rt.checked >= 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_ddl),
        cmocka_unit_test(test_types_and_defaults),
        cmocka_unit_test(test_foreign_keys),
        cmocka_unit_test(test_read_only),
        cmocka_unit_test(test_second_connection),
        cmocka_unit_test(test_connection_failures),
        cmocka_unit_test(test_statement_timeout),
        cmocka_unit_test(test_password_authentication),
        cmocka_unit_test(test_dbexec),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
