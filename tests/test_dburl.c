/* Database URLs: parsing and classification, password masking, and finding the URL to use
 * (--db, DATABASE_URL, the datasource's url, .env beside the schema). */
#include "testutil.h"

#include "prismac/dburl.h"

#include <sys/stat.h>

static char TMP[256];

static int setup(void **state)
{
    (void)state;
    snprintf(TMP, sizeof TMP, "/tmp/prismac-dburl-XXXXXX");
    if (!mkdtemp(TMP))
        return -1;
    unsetenv("DATABASE_URL");
    unsetenv("PRISMAC_TEST_URL_VAR");
    unsetenv("PRISMAC_TEST_HOST");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", TMP);
    unsetenv("DATABASE_URL");
    unsetenv("PRISMAC_TEST_URL_VAR");
    unsetenv("PRISMAC_TEST_HOST");
    return system(cmd) == 0 ? 0 : -1;
}

static void write_env(const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/.env", TMP);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_postgres_urls(void **state)
{
    (void)state;
    DbUrl u;
    DbError err = {0};
    assert_true(dburl_parse("postgresql://alice:s%40cret@db.example.com:6543/app?schema=billing&sslmode=require"
                            "&connection_limit=5&pool_timeout=10&pgbouncer=true",
                            NULL, &u, &err));
    assert_int_equal(u.kind, DBURL_POSTGRES);
    assert_string_equal(u.password, "s@cret");
    assert_string_equal(u.password_raw, "s%40cret");
    assert_string_equal(u.schema, "billing");
    assert_string_equal(u.database, "app");
    /* libpq gets its own parameters, not Prisma's */
    assert_string_equal(u.conninfo, "postgresql://alice:s%40cret@db.example.com:6543/app?sslmode=require");
    assert_string_equal(u.masked, "postgresql://alice:****@db.example.com:6543/app?schema=billing&sslmode=require"
                                  "&connection_limit=5&pool_timeout=10&pgbouncer=true");
    dburl_free(&u);

    /* postgres://, no password, socket host forms, several hosts */
    assert_true(dburl_parse("postgres://bob@%2Fvar%2Frun%2Fpostgresql/app", NULL, &u, &err));
    assert_null(u.password);
    assert_string_equal(u.masked, "postgres://bob@%2Fvar%2Frun%2Fpostgresql/app");
    dburl_free(&u);
    assert_true(dburl_parse("postgresql:///app?host=/tmp&port=5433", NULL, &u, &err));
    assert_string_equal(u.conninfo, "postgresql:///app?host=/tmp&port=5433");
    assert_string_equal(u.database, "app");
    dburl_free(&u);
    assert_true(dburl_parse("postgresql://u:p@h1:5432,h2:5433/app?target_session_attrs=read-write", NULL, &u, &err));
    assert_string_equal(u.masked, "postgresql://u:****@h1:5432,h2:5433/app?target_session_attrs=read-write");
    dburl_free(&u);
    /* a password given as a parameter, and an @ inside the password */
    assert_true(dburl_parse("postgresql://carol@localhost/app?password=hunter2", NULL, &u, &err));
    assert_string_equal(u.password, "hunter2");
    assert_string_equal(u.masked, "postgresql://carol@localhost/app?password=****");
    dburl_free(&u);
    assert_true(dburl_parse("postgresql://dave:p@ss@localhost/app", NULL, &u, &err));
    assert_string_equal(u.password, "p@ss");
    assert_string_equal(u.masked, "postgresql://dave:****@localhost/app");
    dburl_free(&u);

    /* a parameter nobody knows */
    assert_false(dburl_parse("postgresql://eve:topsecret@localhost/app?frobnicate=1", NULL, &u, &err));
    assert_int_equal(err.kind, DBERR_URL);
    assert_non_null(strstr(err.message, "`frobnicate`"));
    assert_null(strstr(err.message, "topsecret"));
    dburl_free(&u);
}

static void test_sqlite_urls(void **state)
{
    (void)state;
    DbUrl u;
    DbError err = {0};
    assert_true(dburl_parse("file:./dev.db", "/srv/app/prisma", &u, &err));
    assert_int_equal(u.kind, DBURL_SQLITE);
    assert_string_equal(u.path, "/srv/app/prisma/dev.db");
    assert_string_equal(u.sqlite_params, "");
    dburl_free(&u);
    assert_true(dburl_parse("file:../data/x.db?connection_limit=1&socket_timeout=3&immutable=1&mode=rwc",
                            "/srv/app/prisma", &u, &err));
    assert_string_equal(u.path, "/srv/app/data/x.db");
    assert_string_equal(u.sqlite_params, "immutable=1");   /* `mode` is ours: read-only */
    dburl_free(&u);
    assert_true(dburl_parse("sqlite:/var/db/a.sqlite", NULL, &u, &err));
    assert_string_equal(u.path, "/var/db/a.sqlite");
    dburl_free(&u);
    assert_true(dburl_parse("file:///var/db/my%20db.sqlite", NULL, &u, &err));
    assert_string_equal(u.path, "/var/db/my db.sqlite");
    dburl_free(&u);
    assert_true(dburl_parse("file://localhost/var/db/b.db", NULL, &u, &err));
    assert_string_equal(u.path, "/var/db/b.db");
    dburl_free(&u);
    assert_true(dburl_parse("sqlite://dev.db", "/w", &u, &err));
    assert_string_equal(u.path, "/w/dev.db");
    dburl_free(&u);
    /* relative to the working directory without a base */
    char cwd[1024], expected[1100];
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(expected, sizeof expected, "%s/dev.db", cwd);
    assert_true(dburl_parse("file:dev.db", NULL, &u, &err));
    assert_string_equal(u.path, expected);
    dburl_free(&u);

    assert_false(dburl_parse("file:", NULL, &u, &err));
    assert_int_equal(err.kind, DBERR_URL);
    dburl_free(&u);
    assert_false(dburl_parse("file::memory:", NULL, &u, &err));
    assert_int_equal(err.kind, DBERR_URL);
    dburl_free(&u);
}

static void test_other_urls(void **state)
{
    (void)state;
    DbUrl u;
    DbError err = {0};
    assert_false(dburl_parse("mysql://root:rootpw@localhost/app", NULL, &u, &err));
    assert_int_equal(err.kind, DBERR_URL);
    assert_non_null(strstr(err.message, "MySQL"));
    assert_null(strstr(err.message, "rootpw"));
    assert_non_null(strstr(err.message, "root:****@"));
    dburl_free(&u);
    assert_false(dburl_parse("dev.db", NULL, &u, &err));
    assert_int_equal(err.kind, DBERR_URL);
    assert_non_null(strstr(err.message, "not a database URL"));
    dburl_free(&u);
    assert_false(dburl_parse("", NULL, &u, &err));
    assert_int_equal(err.kind, DBERR_URL);
    dburl_free(&u);
}

static void test_masking(void **state)
{
    (void)state;
    char buf[512];
    /* anything that looks like a URL with a password, without knowing the URL */
    dburl_mask_text(NULL, "failed: postgresql://u:pw1@h/db and mysql://x:y@z", buf, sizeof buf);
    assert_string_equal(buf, "failed: postgresql://u:****@h/db and mysql://x:****@z");
    /* conninfo keywords */
    dburl_mask_text(NULL, "host=h password=abc dbname=x; password = 'q w' ok", buf, sizeof buf);
    assert_string_equal(buf, "host=h password=**** dbname=x; password = **** ok");
    /* the URL's own password anywhere in a driver's message, raw and decoded */
    DbUrl u;
    DbError err = {0};
    assert_true(dburl_parse("postgresql://a:p%25zz@h/db", NULL, &u, &err));
    dburl_mask_text(&u, "invalid percent-encoded token: \"p%zz\" (from p%25zz)", buf, sizeof buf);
    assert_null(strstr(buf, "p%zz"));
    assert_null(strstr(buf, "p%25zz"));
    dburl_free(&u);
    /* a small buffer still ends in NUL */
    char tiny[8];
    dburl_mask_text(NULL, "0123456789", tiny, sizeof tiny);
    assert_string_equal(tiny, "0123456");
}

/* The datasource's `url` property of a schema text. */
static const Property *url_property(Parsed *p)
{
    for (uint32_t i = 0; i < p->ast->nblocks; i++) {
        const Block *b = p->ast->blocks[i];
        if (b->kind != BLOCK_DATASOURCE)
            continue;
        for (uint32_t k = 0; k < b->nprops; k++)
            if (str_eq_cstr(b->props[k]->key, "url"))
                return b->props[k];
    }
    return NULL;
}

static void test_resolution(void **state)
{
    (void)state;
    DbUrl u;
    DbUrlOrigin origin;
    DbError err = {0};
    Parsed *env_schema = parse_text("datasource db {\n  provider = \"postgresql\"\n  url = env(\"PRISMAC_TEST_URL_VAR\")\n}\n");
    const Property *env_prop = url_property(env_schema);
    assert_non_null(env_prop);

    /* nothing anywhere */
    assert_false(dburl_resolve(NULL, NULL, TMP, &u, &origin, &err));
    assert_int_equal(err.kind, DBERR_NO_URL);
    assert_non_null(strstr(err.message, "--db"));
    dburl_free(&u);
    /* env("X") and X set nowhere */
    assert_false(dburl_resolve(NULL, env_prop, TMP, &u, &origin, &err));
    assert_int_equal(err.kind, DBERR_ENV);
    assert_non_null(strstr(err.message, "PRISMAC_TEST_URL_VAR"));
    dburl_free(&u);

    /* X in the .env beside the schema: relative SQLite paths from the schema's folder */
    write_env("# comment\nexport PRISMAC_TEST_URL_VAR=\"file:./from-env.db\" # trailing\nOTHER=1\n");
    assert_true(dburl_resolve(NULL, env_prop, TMP, &u, &origin, &err));
    assert_int_equal(origin.source, DBURL_FROM_DATASOURCE_ENV);
    assert_string_equal(origin.variable, "PRISMAC_TEST_URL_VAR");
    assert_true(origin.from_dotenv);
    char expected[1200];
    snprintf(expected, sizeof expected, "%s/from-env.db", TMP);
    assert_string_equal(u.path, expected);
    dburl_free(&u);

    /* the environment wins over .env */
    setenv("PRISMAC_TEST_URL_VAR", "postgresql://envuser@envhost/db", 1);
    assert_true(dburl_resolve(NULL, env_prop, TMP, &u, &origin, &err));
    assert_int_equal(u.kind, DBURL_POSTGRES);
    assert_false(origin.from_dotenv);
    dburl_free(&u);

    /* DATABASE_URL comes before the datasource, from the environment or .env */
    write_env("DATABASE_URL='file:dburl.db'\nPRISMAC_TEST_URL_VAR=file:x.db\n");
    assert_true(dburl_resolve(NULL, env_prop, TMP, &u, &origin, &err));
    assert_int_equal(origin.source, DBURL_FROM_DATABASE_URL);
    assert_true(origin.from_dotenv);
    snprintf(expected, sizeof expected, "%s/dburl.db", TMP);
    assert_string_equal(u.path, expected);
    dburl_free(&u);
    setenv("DATABASE_URL", "postgresql://x@y/z", 1);
    assert_true(dburl_resolve(NULL, env_prop, TMP, &u, &origin, &err));
    assert_int_equal(u.kind, DBURL_POSTGRES);
    assert_false(origin.from_dotenv);
    dburl_free(&u);

    /* --db wins over everything, relative to the working directory */
    assert_true(dburl_resolve("file:cli.db", env_prop, TMP, &u, &origin, &err));
    assert_int_equal(origin.source, DBURL_FROM_FLAG);
    char cwd[1024];
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(expected, sizeof expected, "%s/cli.db", cwd);
    assert_string_equal(u.path, expected);
    dburl_free(&u);
    unsetenv("DATABASE_URL");
    unsetenv("PRISMAC_TEST_URL_VAR");

    /* a literal url in the datasource (Prisma 6) */
    Parsed *lit = parse_text("datasource db {\n  provider = \"sqlite\"\n  url = \"file:./lit.db\"\n}\n");
    write_env("");
    assert_true(dburl_resolve(NULL, url_property(lit), TMP, &u, &origin, &err));
    assert_int_equal(origin.source, DBURL_FROM_DATASOURCE);
    snprintf(expected, sizeof expected, "%s/lit.db", TMP);
    assert_string_equal(u.path, expected);
    dburl_free(&u);
    /* the same through a Db */
    DbDatasource ds = {0};
    ds.url = url_property(lit);
    Db db = {0};
    db.datasource = &ds;
    assert_true(dburl_resolve_db(NULL, &db, TMP, &u, &origin, &err));
    assert_string_equal(u.path, expected);
    dburl_free(&u);
    parsed_free(lit);

    /* a bad URL from the environment is a URL error, masked */
    setenv("DATABASE_URL", "mysql://root:pw123@h/db", 1);
    assert_false(dburl_resolve(NULL, NULL, TMP, &u, &origin, &err));
    assert_int_equal(err.kind, DBERR_URL);
    assert_null(strstr(err.message, "pw123"));
    dburl_free(&u);
    unsetenv("DATABASE_URL");
    parsed_free(env_schema);
}

static void test_dotenv(void **state)
{
    (void)state;
    write_env("A=plain value   # comment\n"
              "B='single ${A} $A'\n"
              "C=\"double\\nline ${A}\"\n"
              "export D=${PRISMAC_TEST_HOST:-fallback}/x\n"
              "E=`back`\n"
              "F=\"multi\nline\"\n"
              "G=a#not-a-comment\n"
              "  H = spaced  \n"
              "I=\\$literal\n"
              "not a line\n"
              "A2=$A-suffix\n");
    struct {
        const char *key, *value;
    } cases[] = {
        {"A", "plain value"}, {"B", "single ${A} $A"}, {"C", "double\nline plain value"}, {"D", "fallback/x"},
        {"E", "back"},        {"F", "multi\nline"},    {"G", "a#not-a-comment"},          {"H", "spaced"},
        {"I", "$literal"},    {"A2", "plain value-suffix"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *v = dburl_dotenv_get(TMP, cases[i].key);
        if (!v || strcmp(v, cases[i].value) != 0)
            print_error("%s: got [%s], expected [%s]\n", cases[i].key, v ? v : "(null)", cases[i].value);
        assert_non_null(v);
        assert_string_equal(v, cases[i].value);
        free(v);
    }
    assert_null(dburl_dotenv_get(TMP, "MISSING"));
    setenv("PRISMAC_TEST_HOST", "db.internal", 1);
    char *v = dburl_dotenv_get(TMP, "D");
    assert_string_equal(v, "db.internal/x");
    free(v);
    /* no .env at all */
    char sub[600];
    snprintf(sub, sizeof sub, "%s/none", TMP);
    mkdir(sub, 0700);
    assert_null(dburl_dotenv_get(sub, "A"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_postgres_urls),
        cmocka_unit_test(test_sqlite_urls),
        cmocka_unit_test(test_other_urls),
        cmocka_unit_test(test_masking),
        cmocka_unit_test_setup_teardown(test_resolution, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dotenv, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
