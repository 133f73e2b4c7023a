/* Golden DDL: every schema of fixtures/sql, for each provider (the datasource's provider value
 * swapped, as scripts/golden-sql.sh does), validated, lowered, diffed from an empty database and
 * rendered — compared byte for byte with Prisma's output (`NNN-name.P.sql`), or expected to be
 * rejected where Prisma rejects it (`NNN-name.P.err`).
 *
 * Two renderings per schema: the Prisma-exact dialect must give Prisma's bytes for every
 * fixture; the default dialect must give the same bytes except where the schema has one of the
 * constructs README.md lists as a deliberate difference (and that is decided from the schema,
 * not from a list of fixtures). Then the default rendering of every fixture is applied to a
 * real SQLite database and to a real PostgreSQL (the server tests/run.sh starts), each in a
 * transaction on a database created for this run. */
#include "testutil.h"

#include "prismac/db.h"
#include "prismac/lower.h"
#include "prismac/migrate.h"

#include <dirent.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#define FIXTURES "fixtures/sql"

typedef struct Fixture {
    char *name;     /* NNN-name */
    char *text;     /* the .prisma file */
} Fixture;

static Fixture *fixtures;
static int nfixtures;

static int cmp_fixture(const void *a, const void *b)
{
    return strcmp(((const Fixture *)a)->name, ((const Fixture *)b)->name);
}

static void load_fixtures(void)
{
    if (fixtures)
        return;
    DIR *dir = opendir(FIXTURES);
    assert_non_null(dir);
    int cap = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t n = strlen(e->d_name);
        if (n < 8 || strcmp(e->d_name + n - 7, ".prisma") != 0 || e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        if (nfixtures == cap)
            fixtures = realloc(fixtures, (size_t)(cap = cap ? cap * 2 : 64) * sizeof *fixtures);
        char path[1024];
        snprintf(path, sizeof path, FIXTURES "/%s", e->d_name);
        fixtures[nfixtures].name = strndup(e->d_name, n - 7);
        fixtures[nfixtures].text = read_whole_file(path, NULL);
        assert_non_null(fixtures[nfixtures].text);
        nfixtures++;
    }
    closedir(dir);
    qsort(fixtures, (size_t)nfixtures, sizeof *fixtures, cmp_fixture);
    assert_true(nfixtures >= 150);
}

/* The schema with the value of `provider` inside its datasource block replaced (the awk of
 * scripts/golden-sql.sh: lines after a line starting `datasource `, up to one holding `}`). */
static char *swap_provider(const char *text, const char *provider)
{
    size_t len = strlen(text);
    char *out = malloc(len + 64);
    size_t o = 0;
    bool in_ds = false;
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p + 1) : strlen(p);
        const char *q = p;
        while (q < p + n && (*q == ' ' || *q == '\t'))
            q++;
        if (strncmp(q, "datasource", 10) == 0 && (q[10] == ' ' || q[10] == '\t'))
            in_ds = true;
        bool replaced = false;
        if (in_ds && strncmp(q, "provider", 8) == 0) {
            const char *r = q + 8;
            while (*r == ' ' || *r == '\t')
                r++;
            const char *open = *r == '=' ? memchr(r, '"', (size_t)(p + n - r)) : NULL;
            const char *close = open ? memchr(open + 1, '"', (size_t)(p + n - open - 1)) : NULL;
            if (open && close) {
                memcpy(out + o, p, (size_t)(open - p + 1));
                o += (size_t)(open - p + 1);
                o += (size_t)sprintf(out + o, "%s", provider);
                memcpy(out + o, close, (size_t)(p + n - close));
                o += (size_t)(p + n - close);
                replaced = true;
            }
        }
        if (!replaced) {
            memcpy(out + o, p, n);
            o += n;
        }
        if (in_ds && memchr(p, '}', n))
            in_ds = false;
        p += n;
    }
    out[o] = '\0';
    return out;
}

/* One fixture for one provider: validated, and (when valid) both renderings. */
typedef struct Result {
    bool valid;
    unsigned errors;
    char *exact;        /* Prisma-exact rendering */
    char *sql;          /* default rendering */
    bool deviation;     /* the schema has a construct README lists as a deliberate difference */
} Result;

static bool has_quote(Str s, char q)
{
    return s.len && memchr(s.ptr, q, s.len) != NULL;
}

/* Does the lowered schema hold a construct on which prismac deliberately differs from Prisma? */
static bool has_deviation(const SqlSchema *s)
{
    for (uint32_t i = 0; i < s->nnamespaces; i++)
        if (has_quote(s->namespaces[i].name, '"'))
            return true;
    for (uint32_t i = 0; i < s->nenums; i++) {
        if (has_quote(s->enums[i].name, '"'))
            return true;
        for (uint32_t v = 0; v < s->enums[i].nvalues; v++)
            if (has_quote(s->enums[i].values[v], '\''))
                return true;
    }
    for (uint32_t i = 0; i < s->nextensions; i++)
        if (s->extensions[i].schema.len && !str_eq(s->extensions[i].schema, s->default_namespace))
            return true;
    for (uint32_t t = 0; t < s->ntables; t++) {
        const SqlTable *tb = &s->tables[t];
        if (has_quote(tb->name, '"'))
            return true;
        for (uint32_t c = 0; c < tb->ncolumns; c++) {
            const SqlColumn *col = &tb->columns[c];
            if (has_quote(col->name, '"'))
                return true;
            if (s->flavour == SQL_SQLITE && col->type.family == SQLT_JSON && col->def.kind == SQLDEF_VALUE)
                return true;
        }
        for (uint32_t x = 0; x < tb->nindexes; x++)
            if (has_quote(tb->indexes[x].name, '"'))
                return true;
        for (uint32_t f = 0; f < tb->nfks; f++)
            if (has_quote(tb->fks[f].name, '"'))
                return true;
    }
    return false;
}

/* sql_schema_dump of a schema, as a string to free(). */
static char *dump_text(const SqlSchema *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    sql_schema_dump(s, f);
    fclose(f);
    return text;
}

/* Lowered as `prismac sql` lowers (names borrowed from the Db), which must be the same schema
 * as the copying lowering gives. */
static char *render(const Db *db, SqlFlavour flavour, bool exact, bool *deviation)
{
    const Dialect *d = dialect_get(flavour, exact);
    SqlSchema *next = lower_schema_borrowing(db, d);
    SqlSchema *copied = lower_schema(db, d);
    char *a = dump_text(next), *b = dump_text(copied);
    assert_string_equal(a, b);
    free(a);
    free(b);
    sql_schema_free(copied);
    SqlSchema *prev = sql_schema_new(flavour);
    Migration *m = migrate_diff(prev, next, d);
    SqlBuf out = {0};
    migrate_render_script(m, NULL, &out);
    if (deviation)
        *deviation = has_deviation(next);
    migrate_free(m);
    sql_schema_free(prev);
    sql_schema_free(next);
    char *s = out.ptr ? out.ptr : strdup("");
    return s;
}

static Result run_fixture(const Fixture *fx, const char *provider)
{
    Result r = {0};
    char *text = swap_provider(fx->text, provider);
    char path[512];
    snprintf(path, sizeof path, "%s.prisma", fx->name);
    Arena arena;
    arena_init(&arena);
    SourceSet set;
    source_set_init(&set, &arena);
    Diags diags;
    diags_init(&diags, &arena);
    source_add_text(&set, path, text, strlen(text));
    Ast *ast = ast_parse(&set, &diags);
    Db *db = db_resolve(ast, &diags);
    db_validate(db, PROVIDER_NONE, &diags);
    r.errors = diags.errors;
    r.valid = diags.errors == 0;
    if (r.valid) {
        SqlFlavour flavour = strcmp(provider, "sqlite") == 0 ? SQL_SQLITE : SQL_POSTGRES;
        r.exact = render(db, flavour, true, NULL);
        r.sql = render(db, flavour, false, &r.deviation);
    }
    arena_free(&arena);
    free(text);
    return r;
}

static void result_free(Result *r)
{
    free(r->exact);
    free(r->sql);
}

static char *golden(const Fixture *fx, const char *provider, const char *ext)
{
    char path[1024];
    snprintf(path, sizeof path, FIXTURES "/%s.%s.%s", fx->name, provider, ext);
    return read_whole_file(path, NULL);
}

/* The first line where two texts differ, for the failure message. */
static void report_difference(const char *what, const char *want, const char *got)
{
    int line = 1;
    const char *a = want, *b = got;
    while (*a && *a == *b) {
        if (*a == '\n')
            line++;
        a++;
        b++;
    }
    const char *ae = strchr(a, '\n'), *be = strchr(b, '\n');
    print_message("%s: line %d differs\n  prisma:  %.*s\n  prismac: %.*s\n", what, line,
                  (int)(ae ? ae - a : (long)strlen(a)), a, (int)(be ? be - b : (long)strlen(b)), b);
}

static void golden_for(const char *provider)
{
    load_fixtures();
    int identical = 0, compared = 0, rejected = 0, deviations = 0, failures = 0, exact_same = 0;
    for (int i = 0; i < nfixtures; i++) {
        const Fixture *fx = &fixtures[i];
        char *sql = golden(fx, provider, "sql");
        char *err = sql ? NULL : golden(fx, provider, "err");
        if (!sql && !err)
            continue;
        Result r = run_fixture(fx, provider);
        char what[600];
        snprintf(what, sizeof what, "%s (%s)", fx->name, provider);
        if (err) {
            rejected++;
            if (r.valid) {
                print_message("%s: Prisma rejects this schema, prismac accepts it\n", what);
                failures++;
            }
        } else if (!r.valid) {
            print_message("%s: prismac reports %u error(s) on a schema Prisma accepts\n", what, r.errors);
            failures++;
        } else {
            compared++;
            if (strcmp(r.exact, sql) != 0) {
                report_difference(what, sql, r.exact);
                failures++;
            } else if ((exact_same++, 0)) {
            } else if (strcmp(r.sql, r.exact) == 0) {
                identical++;
            } else if (r.deviation) {
                deviations++;
            } else {
                print_message("%s: the default rendering differs from Prisma's without a documented reason\n", what);
                report_difference(what, r.exact, r.sql);
                failures++;
            }
        }
        result_free(&r);
        free(sql);
        free(err);
    }
    print_message("%s: %d of %d scripts identical to Prisma's (Prisma-exact: %d of %d), %d differing by a "
                  "documented deviation, %d schemas rejected as Prisma rejects them\n",
                  provider, identical, compared, exact_same, compared, deviations, rejected);
    assert_int_equal(failures, 0);
    assert_true(compared > 80);
}

static void test_golden_postgresql(void **state)
{
    (void)state;
    golden_for("postgresql");
}

static void test_golden_sqlite(void **state)
{
    (void)state;
    golden_for("sqlite");
}

/* ---- applying the scripts ------------------------------------------------------------------ */

static void test_apply_sqlite(void **state)
{
    (void)state;
    load_fixtures();
    int applied = 0, failures = 0;
    for (int i = 0; i < nfixtures; i++) {
        char *sql = golden(&fixtures[i], "sqlite", "sql");
        if (!sql)
            continue;
        free(sql);
        Result r = run_fixture(&fixtures[i], "sqlite");
        if (!r.valid) {
            result_free(&r);
            continue;
        }
        sqlite3 *conn = NULL;
        assert_int_equal(sqlite3_open(":memory:", &conn), SQLITE_OK);
        char *msg = NULL;
        if (sqlite3_exec(conn, r.sql, NULL, NULL, &msg) != SQLITE_OK) {
            print_message("%s (sqlite): the script does not apply: %s\n", fixtures[i].name, msg ? msg : "?");
            failures++;
        } else {
            applied++;
        }
        sqlite3_free(msg);
        sqlite3_close(conn);
        result_free(&r);
    }
    print_message("sqlite: %d scripts applied to a real SQLite database\n", applied);
    assert_int_equal(failures, 0);
    assert_true(applied > 50);
}

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static PGconn *pg_connect(const char *url, const char *dbname)
{
    const char *keys[] = {"dbname", dbname ? "dbname" : NULL, NULL};
    const char *vals[] = {url, dbname, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(c) != CONNECTION_OK) {
        print_error("cannot connect to %s: %s\n", url, PQerrorMessage(c));
        PQfinish(c);
        fail();
    }
    PQsetNoticeProcessor(c, ignore_notice, NULL);
    return c;
}

static bool pg_exec_ok(PGconn *c, const char *sql, char **error)
{
    PGresult *res = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(res);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
    if (!ok && error)
        *error = strdup(PQresultErrorMessage(res));
    PQclear(res);
    return ok;
}

static bool extension_available(PGconn *c, const char *name)
{
    const char *params[1] = {name};
    PGresult *res =
        PQexecParams(c, "SELECT 1 FROM pg_available_extensions WHERE name = $1", 1, NULL, params, NULL, NULL, 0);
    bool available = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
    PQclear(res);
    return available;
}

/* An extension the script creates that this server does not have, or NULL. */
static char *missing_extension(PGconn *c, const char *sql)
{
    const char *p = sql;
    static const char key[] = "CREATE EXTENSION IF NOT EXISTS \"";
    while ((p = strstr(p, key))) {
        p += sizeof key - 1;
        const char *q = strchr(p, '"');
        if (!q)
            break;
        char *name = strndup(p, (size_t)(q - p));
        if (!extension_available(c, name))
            return name;
        free(name);
    }
    return NULL;
}

/* The X of `<what> "X" does not exist` in an error message, or NULL. */
static char *missing_object(const char *error, const char *what)
{
    char key[64];
    snprintf(key, sizeof key, "%s \"", what);
    const char *p = strstr(error, key);
    if (!p)
        return NULL;
    p += strlen(key);
    const char *q = strchr(p, '"');
    if (!q || strncmp(q, "\" does not exist", 16) != 0)
        return NULL;
    return strndup(p, (size_t)(q - p));
}

/* Some schemas use database objects they do not create (a type from an extension they do not
 * list, a sequence named in dbgenerated()): Prisma's script fails on an empty database just the
 * same. What such a failure names is created first, and the script tried again: a type that is
 * an extension of this server, a sequence used by a nextval() default. Returns a description of
 * what was created (to report), or NULL when the failure is not of that kind. */
static char *prerequisite_for(PGconn *c, const char *sql, const char *error)
{
    char *name = missing_object(error, "type");
    if (name) {
        for (char *p = name; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        if (extension_available(c, name)) {
            char stmt[256], *msg = malloc(300);
            snprintf(stmt, sizeof stmt, "CREATE EXTENSION IF NOT EXISTS \"%s\"", name);
            snprintf(msg, 300, "extension %s", name);
            bool ok = pg_exec_ok(c, stmt, NULL);
            free(name);
            if (ok)
                return msg;
            free(msg);
            return NULL;
        }
        free(name);
        return NULL;
    }
    name = missing_object(error, "relation");
    if (name) {
        char pattern[300];
        snprintf(pattern, sizeof pattern, "nextval('%s'", name);
        char *msg = NULL;
        if (strstr(sql, pattern)) {
            char stmt[300];
            snprintf(stmt, sizeof stmt, "CREATE SEQUENCE \"%s\"", name);
            if (pg_exec_ok(c, stmt, NULL)) {
                msg = malloc(300);
                snprintf(msg, 300, "sequence %s", name);
            }
        }
        free(name);
        return msg;
    }
    return NULL;
}

static bool contains_nocase(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; k && i + k <= n; i++)
        if (strncasecmp(hay + i, needle, k) == 0)
            return true;
    return false;
}

/* Does the schema itself name this object inside raw SQL (Unsupported("...") or
 * dbgenerated("...")) — SQL written for another database, passed through as Prisma does? */
static bool raw_sql_names(const char *schema, const char *name)
{
    static const char *const openers[] = {"Unsupported(\"", "dbgenerated(\""};
    for (size_t i = 0; i < 2; i++)
        for (const char *p = schema; (p = strstr(p, openers[i]));) {
            p += strlen(openers[i]);
            const char *q = p;
            while (*q && *q != '"' && *q != '\n')
                q += *q == '\\' && q[1] ? 2 : 1;
            if (contains_nocase(p, (size_t)(q - p), name))
                return true;
        }
    return false;
}

/* The object a "does not exist" error names (a type, or a function without its arguments). */
static char *named_object(const char *error)
{
    char *name = missing_object(error, "type");
    if (name)
        return name;
    const char *p = strstr(error, "function ");
    if (!p || !strstr(error, "does not exist"))
        return NULL;
    p += 9;
    const char *q = p;
    while (*q && *q != '(' && *q != ' ')
        q++;
    return strndup(p, (size_t)(q - p));
}

/* PostGIS types, for a script that uses them as Unsupported(...) without creating PostGIS. */
static bool postgis_type_missing(PGconn *c, const char *error)
{
    static const char *const types[] = {"geometry", "geography", "box2d", "box3d", "raster"};
    char *name = missing_object(error, "type");
    bool hit = false;
    for (size_t i = 0; name && i < sizeof types / sizeof *types; i++)
        hit |= strcmp(name, types[i]) == 0;
    free(name);
    return hit && !extension_available(c, "postgis");
}

static void test_apply_postgresql(void **state)
{
    (void)state;
    load_fixtures();
    const char *url = test_pg_url();
    char dbname[64];
    snprintf(dbname, sizeof dbname, "prismac_sql_golden_%d", (int)getpid());
    PGconn *admin = pg_connect(url, NULL);
    char sql[256];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", dbname);
    pg_exec_ok(admin, sql, NULL);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", dbname);
    char *error = NULL;
    if (!pg_exec_ok(admin, sql, &error)) {
        print_error("%s", error);
        fail();
    }
    PGconn *c = pg_connect(url, dbname);
    int applied = 0, failures = 0, unavailable = 0, prerequisites = 0;
    for (int i = 0; i < nfixtures; i++) {
        char *golden_sql = golden(&fixtures[i], "postgresql", "sql");
        if (!golden_sql)
            continue;
        free(golden_sql);
        Result r = run_fixture(&fixtures[i], "postgresql");
        if (!r.valid) {
            result_free(&r);
            continue;
        }
        pg_exec_ok(c, "BEGIN", NULL);
        error = NULL;
        SqlBuf created = {0};
        bool ok = false;
        for (int attempt = 0; attempt < 6; attempt++) {
            free(error);
            error = NULL;
            pg_exec_ok(c, "SAVEPOINT script", NULL);
            if (pg_exec_ok(c, r.sql, &error)) {
                ok = true;
                break;
            }
            pg_exec_ok(c, "ROLLBACK TO SAVEPOINT script", NULL);
            char *made = prerequisite_for(c, r.sql, error);
            if (!made)
                break;
            sqlbuf_printf(&created, "%s%s", created.len ? ", " : "", made);
            free(made);
        }
        if (ok) {
            applied++;
            if (created.len) {
                print_message("%s (postgresql): applied once the database had what the schema uses but does not "
                              "create: %s\n",
                              fixtures[i].name, created.ptr);
                prerequisites++;
            }
        } else {
            /* A script may need an extension the test server does not have (PostGIS): that is
             * the only failure accepted, and only when the error names that extension or one
             * of its types. */
            char *ext = missing_extension(c, r.sql);
            char *object = named_object(error);
            if ((ext && strstr(error, ext)) || postgis_type_missing(c, error)) {
                print_message("%s (postgresql): not applied: the test server has no %s\n", fixtures[i].name,
                              ext ? ext : "postgis");
                unavailable++;
            } else if (object && raw_sql_names(fixtures[i].text, object)) {
                print_message("%s (postgresql): not applied: the schema's own raw SQL uses %s, which PostgreSQL "
                              "does not have\n",
                              fixtures[i].name, object);
                unavailable++;
            } else {
                print_message("%s (postgresql): the script does not apply: %s", fixtures[i].name, error);
                failures++;
            }
            free(ext);
            free(object);
        }
        sqlbuf_free(&created);
        free(error);
        pg_exec_ok(c, "ROLLBACK", NULL);
        result_free(&r);
    }
    PQfinish(c);
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", dbname);
    pg_exec_ok(admin, sql, NULL);
    PQfinish(admin);
    print_message("postgresql: %d scripts applied to a real PostgreSQL (%d after creating what they use but do not "
                  "create), %d need an extension the server lacks\n",
                  applied, prerequisites, unavailable);
    assert_int_equal(failures, 0);
    assert_true(applied > 100);
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < nfixtures; i++) {
        free(fixtures[i].name);
        free(fixtures[i].text);
    }
    free(fixtures);
    fixtures = NULL;
    nfixtures = 0;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_postgresql),
        cmocka_unit_test(test_golden_sqlite),
        cmocka_unit_test(test_apply_sqlite),
        cmocka_unit_test(test_apply_postgresql),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
