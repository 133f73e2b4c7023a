/* The drift scenarios of fixtures/drift, live, one test per scenario, on real SQLite files and
 * on the PostgreSQL server tests/run.sh starts.
 *
 * For each scenario:
 *   1. a fresh database runs setup.sql; `prismac check --format json` must give exactly the
 *      findings of expected.txt (kind and object, one line each, `in_sync` when there is no drift);
 *   2. the default repair script (`--script`: nothing that can lose data) is applied: it must run,
 *      keep every table's rows and every stored value of every column whose type it leaves alone,
 *      and a second check must report exactly the findings the script lists as left out;
 *   3. on a fresh database (after resolve.sql, when the scenario has one: what a user does about
 *      rows the script names as blocking), the full repair (`--allow-data-loss --apply-renames`)
 *      is applied: the check must then report the database in sync, and every table that is still
 *      there (or renamed) must hold the rows it held.
 * The tests never need node: Prisma's verdicts after the repair are recorded beside the fixtures
 * (oracle-after.txt, scripts/golden-drift-after.sh) and only summed up here. */
#include "testutil.h"

#include "prismac/dburl.h"
#include "prismac/introspect.h"

#include <dirent.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/stat.h>

static char fixtures_root[4096];

typedef struct Scenario {
    char dir[8192];
    char name[256];
    bool pg;
} Scenario;

static Scenario *scenarios;
static int nscenarios;

/* ---- databases -------------------------------------------------------------------------------- */

static char *file_text(const char *dir, const char *name)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return read_whole_file(path, NULL);
}

/* The scenario's database URL (PostgreSQL: a database of its own on the test server). */
static void scenario_url(const Scenario *s, char *out, size_t size)
{
    if (!s->pg) {
        snprintf(out, size, "file:/tmp/prismac-drift-%d-%s.db", (int)getpid(), s->name);
        return;
    }
    const char *server = test_pg_url();
    const char *slash = strrchr(server, '/');
    int keep = slash ? (int)(slash - server) : (int)strlen(server);
    snprintf(out, size, "%.*s/prismac_drift_%d", keep, server, (int)getpid());
}

static void pg_noop_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static PGconn *pg_connect_or_fail(const char *url)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) {
        print_error("cannot connect to %s: %s\n", url, PQerrorMessage(c));
        PQfinish(c);
        fail();
    }
    PQsetNoticeProcessor(c, pg_noop_notice, NULL);
    return c;
}

/* Runs SQL (several statements) on the scenario's database; false with the error printed. */
static bool run_sql(const Scenario *s, const char *url, const char *sql, const char *what)
{
    if (s->pg) {
        PGconn *c = PQconnectdb(url);
        if (PQstatus(c) != CONNECTION_OK) {
            print_error("%s: cannot connect: %s\n", s->name, PQerrorMessage(c));
            PQfinish(c);
            return false;
        }
        PQsetNoticeProcessor(c, pg_noop_notice, NULL);
        PGresult *r = PQexec(c, sql);
        ExecStatusType st = PQresultStatus(r);
        bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
        if (!ok)
            print_error("%s: %s failed: %s\n", s->name, what, PQresultErrorMessage(r));
        PQclear(r);
        PQfinish(c);
        return ok;
    }
    sqlite3 *db;
    if (sqlite3_open(url + 5, &db) != SQLITE_OK) {
        print_error("%s: cannot open %s\n", s->name, url);
        sqlite3_close(db);
        return false;
    }
    char *err = NULL;
    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    bool ok = sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK;
    if (!ok)
        print_error("%s: %s failed: %s\n", s->name, what, err ? err : "?");
    sqlite3_free(err);
    sqlite3_close(db);
    return ok;
}

/* Every schema of the database dropped and `public` made again: a fresh database, without the
 * cost of CREATE DATABASE. */
static const char RESET_SQL[] =
    "DO $$ DECLARE r record; BEGIN FOR r IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
    "AND nspname <> 'information_schema' LOOP EXECUTE 'DROP SCHEMA ' || quote_ident(r.nspname) || ' CASCADE'; "
    "END LOOP; END $$; CREATE SCHEMA public;";

/* A fresh database holding setup.sql (and resolve.sql when asked). */
static void fresh_database(const Scenario *s, const char *url, bool resolve)
{
    if (s->pg)
        assert_true(run_sql(s, url, RESET_SQL, "resetting the database"));
    else
        unlink(url + 5);
    char *setup = file_text(s->dir, "setup.sql");
    assert_non_null(setup);
    bool ok = run_sql(s, url, setup, "setup.sql");
    free(setup);
    assert_true(ok);
    if (resolve) {
        char *fix = file_text(s->dir, "resolve.sql");
        if (fix) {
            ok = run_sql(s, url, fix, "resolve.sql");
            free(fix);
            assert_true(ok);
        }
    }
}

/* One PostgreSQL database for every scenario (reset before each), made once. */
static int create_pg_database(void **state)
{
    (void)state;
    Scenario any = {.pg = true};
    char url[1024];
    scenario_url(&any, url, sizeof url);
    PGconn *c = pg_connect_or_fail(test_pg_url());
    char sql[512];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", strrchr(url, '/') + 1);
    PQclear(PQexec(c, sql));
    snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\" TEMPLATE template0", strrchr(url, '/') + 1);
    PGresult *r = PQexec(c, sql);
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc)
        print_error("%s\n", PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
    return rc;
}

static int drop_pg_database(void **state)
{
    (void)state;
    Scenario any = {.pg = true};
    char url[1024];
    scenario_url(&any, url, sizeof url);
    PGconn *c = PQconnectdb(test_pg_url());
    char sql[512];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", strrchr(url, '/') + 1);
    PQclear(PQexec(c, sql));
    PQfinish(c);
    return 0;
}

static void drop_database(const Scenario *s, const char *url)
{
    if (!s->pg)
        unlink(url + 5);
}

/* ---- findings --------------------------------------------------------------------------------- */

typedef struct Lines {
    char **items;
    int count;
} Lines;

static void lines_add(Lines *l, const char *s)
{
    l->items = realloc(l->items, (size_t)(l->count + 1) * sizeof *l->items);
    l->items[l->count++] = strdup(s);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lines_sort(Lines *l)
{
    if (l->count > 1)
        qsort(l->items, (size_t)l->count, sizeof *l->items, cmp_str);
}

static void lines_free(Lines *l)
{
    for (int i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* Prints the difference; true when equal. */
static bool lines_equal(const char *what, const Scenario *s, Lines *want, Lines *got)
{
    lines_sort(want);
    lines_sort(got);
    bool same = want->count == got->count;
    for (int i = 0; same && i < want->count; i++)
        same = strcmp(want->items[i], got->items[i]) == 0;
    if (same)
        return true;
    print_error("%s: %s differ\n", s->name, what);
    for (int i = 0; i < want->count; i++) {
        bool found = false;
        for (int j = 0; j < got->count && !found; j++)
            found = strcmp(want->items[i], got->items[j]) == 0;
        if (!found)
            print_error("  expected, not reported: %s\n", want->items[i]);
    }
    for (int j = 0; j < got->count; j++) {
        bool found = false;
        for (int i = 0; i < want->count && !found; i++)
            found = strcmp(want->items[i], got->items[j]) == 0;
        if (!found)
            print_error("  reported, not expected: %s\n", got->items[j]);
    }
    return false;
}

/* `prismac check --format json` as finding lines; the exit status in *status. */
static json_t *run_check(const Scenario *s, const char *url, const char *extra, int *status)
{
    RunResult r = run_cmd("'%s' check '%s/schema.prisma' --db '%s' --format json %s", prismac_bin(), s->dir, url,
                          extra ? extra : "");
    *status = r.status;
    json_error_t e;
    json_t *j = json_loads(r.out ? r.out : "", 0, &e);
    if (!j)
        print_error("%s: check printed no JSON (exit %d): %s\n%s\n", s->name, r.status, r.out ? r.out : "",
                    r.err ? r.err : "");
    run_free(&r);
    return j;
}

static void finding_lines(json_t *j, Lines *out, bool with_unmanaged)
{
    json_t *arr = json_object_get(j, "findings");
    size_t i;
    json_t *f;
    json_array_foreach(arr, i, f)
    {
        const char *kind = json_string_value(json_object_get(f, "kind"));
        const char *object = json_string_value(json_object_get(f, "object"));
        char line[4096];
        if (strcmp(kind, "unmanaged") == 0) {
            if (!with_unmanaged)
                continue;
            snprintf(line, sizeof line, "unmanaged %s %s", json_string_value(json_object_get(f, "objectKind")), object);
        } else {
            snprintf(line, sizeof line, "%s %s", kind, object);
        }
        lines_add(out, line);
    }
    if (with_unmanaged && json_is_true(json_object_get(j, "inSync")))
        lines_add(out, "in_sync");
}

static void expected_lines(const Scenario *s, Lines *out)
{
    char *text = file_text(s->dir, "expected.txt");
    assert_non_null(text);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        lines_add(out, line);
    }
    free(text);
}

/* The findings a script lists as left out: "--   KIND OBJECT: reason". */
static void left_out_lines(const char *script, Lines *out)
{
    const char *p = strstr(script, "\n-- Left out (");
    if (!p)
        return;
    p = strchr(p + 1, '\n');
    while (p && strncmp(p, "\n--   ", 6) == 0) {
        const char *start = p + 6, *end = strchr(start, '\n');
        const char *colon = start;
        /* the object ends at the ": " that precedes the reason */
        const char *reason = NULL;
        for (const char *q = start; q < end; q++)
            if (q[0] == ':' && q[1] == ' ') {
                reason = q;
                break;
            }
        (void)colon;
        if (reason) {
            char line[4096];
            snprintf(line, sizeof line, "%.*s", (int)(reason - start), start);
            lines_add(out, line);
        }
        p = end;
    }
}

/* ---- rows ------------------------------------------------------------------------------------- */

typedef struct ColumnValues {
    char *name;
    char *type;
    char **values;      /* non-NULL values as text, sorted */
    long nvalues;
} ColumnValues;

typedef struct TableRows {
    char *name;         /* schema-qualified on PostgreSQL */
    long rows;
    ColumnValues *columns;
    uint32_t ncolumns;
} TableRows;

typedef struct Snapshot {
    TableRows *tables;
    uint32_t ntables;
} Snapshot;

static void snapshot_free(Snapshot *s)
{
    for (uint32_t t = 0; t < s->ntables; t++) {
        for (uint32_t c = 0; c < s->tables[t].ncolumns; c++) {
            ColumnValues *cv = &s->tables[t].columns[c];
            for (long v = 0; v < cv->nvalues; v++)
                free(cv->values[v]);
            free(cv->values);
            free(cv->name);
            free(cv->type);
        }
        free(s->tables[t].columns);
        free(s->tables[t].name);
    }
    free(s->tables);
    memset(s, 0, sizeof *s);
}

static char *quote_ident(const char *s, size_t n)
{
    char *out = malloc(n * 2 + 3), *w = out;
    *w++ = '"';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            *w++ = '"';
        *w++ = s[i];
    }
    *w++ = '"';
    *w = '\0';
    return out;
}

static void add_value(ColumnValues *cv, const char *v)
{
    cv->values = realloc(cv->values, (size_t)(cv->nvalues + 1) * sizeof *cv->values);
    cv->values[cv->nvalues++] = strdup(v);
}

/* Every table's rows and every column's non-NULL values, read through the library's own
 * introspection (for the table list) and plain queries. */
static void snapshot(const Scenario *s, const char *url, const char *schema_list, Snapshot *out)
{
    memset(out, 0, sizeof *out);
    DbUrl u;
    DbError err;
    assert_true(dburl_parse(url, NULL, &u, &err));
    IntrospectOptions opts = {0};
    Str names[8];
    uint32_t n = 0;
    char buf[1024];
    if (schema_list) {
        snprintf(buf, sizeof buf, "%s", schema_list);
        for (char *tok = strtok(buf, ","); tok && n < 8; tok = strtok(NULL, ","))
            names[n++] = (Str){tok, (uint32_t)strlen(tok)};
        opts.schemas = names;
        opts.nschemas = n;
    }
    SqlSchema *live = introspect_url(&u, &opts, NULL, &err);
    if (!live)
        print_error("%s: introspection failed: %s\n", s->name, err.message);
    assert_non_null(live);
    PGconn *pg = NULL;
    sqlite3 *lite = NULL;
    if (s->pg)
        pg = pg_connect_or_fail(url);
    else
        assert_int_equal(sqlite3_open_v2(url + 5, &lite, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    out->tables = calloc(live->ntables + 1, sizeof *out->tables);
    for (uint32_t t = 0; t < live->ntables; t++) {
        const SqlTable *tb = &live->tables[t];
        TableRows *tr = &out->tables[out->ntables++];
        char *qt = quote_ident(tb->name.ptr, tb->name.len);
        char qualified[2048];
        if (s->pg) {
            Str ns = sql_namespace_name(live, tb->namespace);
            char *qn = quote_ident(ns.ptr, ns.len);
            snprintf(qualified, sizeof qualified, "%s.%s", qn, qt);
            char name[1024];
            snprintf(name, sizeof name, "%.*s.%.*s", (int)ns.len, ns.ptr, (int)tb->name.len, tb->name.ptr);
            tr->name = strdup(name);
            free(qn);
        } else {
            snprintf(qualified, sizeof qualified, "%s", qt);
            tr->name = strndup(tb->name.ptr, tb->name.len);
        }
        free(qt);
        tr->columns = calloc(tb->ncolumns + 1, sizeof *tr->columns);
        tr->ncolumns = tb->ncolumns;
        char sql[4096];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", qualified);
        if (pg) {
            PGresult *r = PQexec(pg, sql);
            tr->rows = PQresultStatus(r) == PGRES_TUPLES_OK ? atol(PQgetvalue(r, 0, 0)) : -1;
            PQclear(r);
        } else {
            sqlite3_stmt *st;
            tr->rows = -1;
            if (sqlite3_prepare_v2(lite, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
                tr->rows = sqlite3_column_int64(st, 0);
            sqlite3_finalize(st);
        }
        /* every column as text, in one query per table */
        size_t qlen = 64 + strlen(qualified);
        for (uint32_t c = 0; c < tb->ncolumns; c++)
            qlen += tb->columns[c].name.len * 2 + 32;
        char *q = malloc(qlen);
        size_t w = (size_t)snprintf(q, qlen, "SELECT ");
        for (uint32_t c = 0; c < tb->ncolumns; c++) {
            const SqlColumn *col = &tb->columns[c];
            ColumnValues *cv = &tr->columns[c];
            cv->name = strndup(col->name.ptr, col->name.len);
            char type[512];
            snprintf(type, sizeof type, "%.*s%s", (int)col->type.name.len, col->type.name.ptr, col->type.list ? "[]" : "");
            cv->type = strdup(type);
            char *qc = quote_ident(col->name.ptr, col->name.len);
            w += (size_t)snprintf(q + w, qlen - w, s->pg ? "%s%s::text" : "%sCAST(%s AS TEXT)", c ? ", " : "", qc);
            free(qc);
        }
        snprintf(q + w, qlen - w, " FROM %s", qualified);
        if (tb->ncolumns && pg) {
            PGresult *r = PQexec(pg, q);
            if (PQresultStatus(r) == PGRES_TUPLES_OK)
                for (int i = 0; i < PQntuples(r); i++)
                    for (uint32_t c = 0; c < tb->ncolumns; c++)
                        if (!PQgetisnull(r, i, (int)c))
                            add_value(&tr->columns[c], PQgetvalue(r, i, (int)c));
            PQclear(r);
        } else if (tb->ncolumns) {
            sqlite3_stmt *st;
            if (sqlite3_prepare_v2(lite, q, -1, &st, NULL) == SQLITE_OK)
                while (sqlite3_step(st) == SQLITE_ROW)
                    for (uint32_t c = 0; c < tb->ncolumns; c++) {
                        const unsigned char *v = sqlite3_column_text(st, (int)c);
                        if (v)
                            add_value(&tr->columns[c], (const char *)v);
                    }
            sqlite3_finalize(st);
        }
        free(q);
        for (uint32_t c = 0; c < tb->ncolumns; c++)
            if (tr->columns[c].nvalues > 1)
                qsort(tr->columns[c].values, (size_t)tr->columns[c].nvalues, sizeof(char *), cmp_str);
    }
    if (pg)
        PQfinish(pg);
    if (lite)
        sqlite3_close(lite);
    sql_schema_free(live);
    dburl_free(&u);
}

static const TableRows *find_table(const Snapshot *s, const char *name)
{
    for (uint32_t t = 0; t < s->ntables; t++)
        if (strcmp(s->tables[t].name, name) == 0)
            return &s->tables[t];
    return NULL;
}

/* Every value `before` holds is still in `after` (a sorted multiset inclusion). */
static bool values_kept(const ColumnValues *before, const ColumnValues *after)
{
    long j = 0;
    for (long i = 0; i < before->nvalues; i++) {
        while (j < after->nvalues && strcmp(after->values[j], before->values[i]) < 0)
            j++;
        if (j >= after->nvalues || strcmp(after->values[j], before->values[i]) != 0)
            return false;
        j++;
    }
    return true;
}

/* Rows intact: each table of `before` that is in `after` (renamed: `renames` maps "old=new") has
 * as many rows; with `values`, each column kept with its type keeps each stored value. Tables
 * missing afterwards are allowed only when `dropped_ok`. */
static bool rows_intact(const Scenario *s, const Snapshot *before, const Snapshot *after, bool values, bool dropped_ok,
                        const Lines *renames)
{
    bool ok = true;
    for (uint32_t t = 0; t < before->ntables; t++) {
        const TableRows *b = &before->tables[t];
        const char *name = b->name;
        for (int k = 0; k < renames->count; k++) {
            size_t n = strcspn(renames->items[k], "=");
            if (strlen(name) == n && strncmp(name, renames->items[k], n) == 0)
                name = renames->items[k] + n + 1;
        }
        const TableRows *a = find_table(after, name);
        if (!a) {
            if (!dropped_ok) {
                print_error("%s: table %s is gone after the repair\n", s->name, b->name);
                ok = false;
            }
            continue;
        }
        if (a->rows != b->rows) {
            print_error("%s: table %s held %ld rows, now %ld\n", s->name, b->name, b->rows, a->rows);
            ok = false;
        }
        if (!values)
            continue;
        for (uint32_t c = 0; c < b->ncolumns; c++) {
            const ColumnValues *bc = &b->columns[c];
            for (uint32_t d = 0; d < a->ncolumns; d++) {
                const ColumnValues *ac = &a->columns[d];
                if (strcmp(ac->name, bc->name) != 0 || strcmp(ac->type, bc->type) != 0)
                    continue;
                if (!values_kept(bc, ac)) {
                    print_error("%s: %s.%s lost or changed stored values\n", s->name, b->name, bc->name);
                    ok = false;
                }
            }
        }
    }
    return ok;
}

/* The datasource's `schemas = [...]`, as "a,b" (the test reads the same schemas as the check). */
static char *schemas_of(const Scenario *s)
{
    char *text = file_text(s->dir, "schema.prisma");
    char *p = text ? strstr(text, "schemas") : NULL;
    char *out = NULL;
    if (p && (p = strchr(p, '['))) {
        char buf[1024];
        size_t n = 0;
        for (p++; *p && *p != ']' && n + 1 < sizeof buf; p++)
            if (*p != '"' && *p != ' ')
                buf[n++] = *p;
        buf[n] = '\0';
        out = strdup(buf);
    }
    free(text);
    return out;
}

/* ---- the scenario ----------------------------------------------------------------------------- */

static char *write_script(const Scenario *s, const char *url, const char *flags, int *status)
{
    char path[512];
    snprintf(path, sizeof path, "/tmp/prismac-drift-%d-%s.sql", (int)getpid(), s->name);
    RunResult r = run_cmd("'%s' check '%s/schema.prisma' --db '%s' --script '%s' %s --format json", prismac_bin(),
                          s->dir, url, path, flags);
    *status = r.status;
    if (r.status == 2)
        print_error("%s: check --script failed: %s\n", s->name, r.err ? r.err : "");
    run_free(&r);
    char *script = read_whole_file(path, NULL);
    unlink(path);
    return script;
}

static void rename_pairs(json_t *j, const Scenario *s, Lines *out)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(j, "renames"), i, x)
    {
        if (strcmp(json_string_value(json_object_get(x, "kind")), "table") != 0)
            continue;
        char line[2048];
        const char *from = json_string_value(json_object_get(x, "from"));
        const char *to = json_string_value(json_object_get(x, "to"));
        if (s->pg)
            snprintf(line, sizeof line, "public.%s=public.%s", from, to);
        else
            snprintf(line, sizeof line, "%s=%s", from, to);
        lines_add(out, line);
    }
}

static void test_scenario(void **state)
{
    const Scenario *s = *state;
    char url[1024];
    scenario_url(s, url, sizeof url);
    char *schemas = schemas_of(s);

    /* 1. the findings */
    fresh_database(s, url, false);
    int status;
    json_t *j = run_check(s, url, NULL, &status);
    assert_non_null(j);
    Lines want = {0}, got = {0};
    expected_lines(s, &want);
    finding_lines(j, &got, true);
    bool drift = json_is_false(json_object_get(j, "inSync"));
    assert_int_equal(status, drift ? 1 : 0);
    bool findings_ok = lines_equal("findings and expected.txt", s, &want, &got);
    lines_free(&want);
    lines_free(&got);
    Lines renames = {0};
    rename_pairs(j, s, &renames);
    json_decref(j);
    assert_true(findings_ok);

    /* 2. the default repair */
    Snapshot before, after;
    snapshot(s, url, schemas, &before);
    char *script = write_script(s, url, "", &status);
    assert_non_null(script);
    assert_true(run_sql(s, url, script, "the repair script"));
    j = run_check(s, url, NULL, &status);
    assert_non_null(j);
    Lines left = {0}, listed = {0};
    finding_lines(j, &left, false);
    left_out_lines(script, &listed);
    bool left_ok = lines_equal("findings after the default repair and the ones its script leaves out", s, &listed, &left);
    json_decref(j);
    free(script);
    snapshot(s, url, schemas, &after);
    Lines none = {0};
    bool kept = rows_intact(s, &before, &after, true, false, &none);
    snapshot_free(&before);
    snapshot_free(&after);
    lines_free(&left);
    lines_free(&listed);
    assert_true(left_ok);
    assert_true(kept);

    /* 3. the full repair, from a fresh database */
    fresh_database(s, url, true);
    snapshot(s, url, schemas, &before);
    script = write_script(s, url, "--allow-data-loss --apply-renames", &status);
    assert_non_null(script);
    assert_true(run_sql(s, url, script, "the full repair script"));
    free(script);
    j = run_check(s, url, NULL, &status);
    assert_non_null(j);
    Lines rest = {0};
    finding_lines(j, &rest, false);
    bool synced = lines_equal("findings after the full repair (none)", s, &none, &rest);
    json_decref(j);
    lines_free(&rest);
    snapshot(s, url, schemas, &after);
    kept = rows_intact(s, &before, &after, false, true, &renames);
    snapshot_free(&before);
    snapshot_free(&after);
    lines_free(&renames);
    free(schemas);
    drop_database(s, url);
    assert_true(synced);
    assert_true(kept);
    assert_int_equal(status, 0);
}

/* ---- the corpus ------------------------------------------------------------------------------- */

static int cmp_scenario(const void *a, const void *b)
{
    return strcmp(((const Scenario *)a)->name, ((const Scenario *)b)->name);
}

static void load_scenarios(void)
{
    if (!realpath("fixtures/drift", fixtures_root))
        snprintf(fixtures_root, sizeof fixtures_root, "fixtures/drift");
    DIR *d = opendir(fixtures_root);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s/expected.txt", fixtures_root, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        scenarios = realloc(scenarios, (size_t)(nscenarios + 1) * sizeof *scenarios);
        Scenario *s = &scenarios[nscenarios++];
        snprintf(s->dir, sizeof s->dir, "%s/%s", fixtures_root, e->d_name);
        snprintf(s->name, sizeof s->name, "%s", e->d_name);
        size_t n = strlen(s->name);
        s->pg = n > 3 && strcmp(s->name + n - 3, "-pg") == 0;
    }
    closedir(d);
    qsort(scenarios, (size_t)nscenarios, sizeof *scenarios, cmp_scenario);
}

/* The corpus is what the issue asks for: at least 40 scenarios over both dialects, each with
 * Prisma's verdict on the database as set up (oracle.sql or oracle.err). */
static void test_corpus(void **state)
{
    (void)state;
    int pg = 0, lite = 0, verdicts = 0, after = 0, after_empty = 0;
    for (int i = 0; i < nscenarios; i++) {
        Scenario *s = &scenarios[i];
        pg += s->pg;
        lite += !s->pg;
        char *o = file_text(s->dir, "oracle.sql");
        char *oe = o ? NULL : file_text(s->dir, "oracle.err");
        verdicts += o || oe;
        free(o);
        free(oe);
        char *a = file_text(s->dir, "oracle-after.txt");
        if (a) {
            after++;
            after_empty += strstr(a, "-- This is an empty migration.") != NULL;
        }
        free(a);
    }
    print_message("drift scenarios: %d (%d PostgreSQL, %d SQLite); Prisma's verdict after the full repair recorded "
                  "for %d, empty migration for %d\n",
                  nscenarios, pg, lite, after, after_empty);
    assert_true(nscenarios >= 40);
    assert_true(pg > 0 && lite > 0);
    assert_int_equal(verdicts, nscenarios);
}

int main(void)
{
    load_scenarios();
    struct CMUnitTest *tests = calloc((size_t)nscenarios + 1, sizeof *tests);
    tests[0] = (struct CMUnitTest){"corpus", test_corpus, NULL, NULL, NULL};
    for (int i = 0; i < nscenarios; i++)
        tests[i + 1] = (struct CMUnitTest){scenarios[i].name, test_scenario, NULL, NULL, &scenarios[i]};
    int rc = _cmocka_run_group_tests("drift_fixtures", tests, (size_t)nscenarios + 1, create_pg_database,
                                     drop_pg_database);
    free(tests);
    free(scenarios);
    return rc;
}
