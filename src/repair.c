/* The repair script (repair.h): the differ's steps from the database to a safe target, rendered
 * carefully, in one transaction, with what is left out listed at the end.
 *
 * The plan, in order:
 *   1. renames (--apply-renames): applied to a copy of the database's model, so that the rest
 *      is planned from the renamed state; the check is run again on it;
 *   2. rows: read-only queries decide which steps the data would make fail (NULLs under a new
 *      NOT NULL foreign key column, duplicates under a new unique index or primary key, values
 *      an enum lacks, rows a new foreign key would orphan);
 *   3. the target: the schema, with what must stay as it is put back (extra tables, columns,
 *      enums and enum values; types whose change loses values; blocked objects left out);
 *   4. the differ's steps from the database to the target, rendered through the dialect where
 *      Prisma's rendering is right and by the careful renderers below where it is not;
 *   5. the differ's steps from the target to the schema: what is left out, as comments. */
#include "prismac/repair.h"

#include "pqlib.h"     /* libpq, loaded on first use */
#include "sqlitelib.h"  /* libsqlite3, loaded on first use */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#define SF(s) (int)(s).len, (s).ptr

/* ---- cloning a model (renames are applied to a copy) ------------------------------------------- */

static SqlSchema *clone_schema(const SqlSchema *src)
{
    SqlSchema *s = sql_schema_new(src->flavour);
    s->default_namespace = sql_strs(s, src->default_namespace);
    s->partial_indexes_gated = src->partial_indexes_gated;
    for (uint32_t i = 0; i < src->nnamespaces; i++)
        sql_add_namespace(s, src->namespaces[i].name);
    for (uint32_t i = 0; i < src->nenums; i++) {
        const SqlEnum *e = &src->enums[i];
        uint32_t id = sql_add_enum(s, e->namespace, e->name, e->origin);
        for (uint32_t v = 0; v < e->nvalues; v++)
            sql_add_enum_value(s, id, e->values[v], e->value_origins ? e->value_origins[v] : SQL_NO_ORIGIN);
    }
    sql_schema_reserve(s, src->ntables, src->nenums);
    for (uint32_t i = 0; i < src->ntables; i++) {
        const SqlTable *t = &src->tables[i];
        uint32_t id = sql_add_table(s, t->namespace, t->name, t->origin);
        sql_table_reserve(s, id, t->ncolumns, t->nindexes, t->nfks);
        for (uint32_t c = 0; c < t->ncolumns; c++)
            sql_add_column(s, id, &t->columns[c]);
        for (uint32_t x = 0; x < t->nindexes; x++)
            sql_add_index(s, id, &t->indexes[x]);
        for (uint32_t f = 0; f < t->nfks; f++)
            sql_add_foreign_key(s, id, &t->fks[f]);
    }
    for (uint32_t u = 0; u < src->nunmanaged; u++)
        sql_add_unmanaged(s, &src->unmanaged[u]);
    for (uint32_t e = 0; e < src->nextensions; e++)
        sql_add_extension(s, &src->extensions[e]);
    return s;
}

/* ---- names in SQL ------------------------------------------------------------------------------ */

static void w_ident(const Dialect *d, SqlBuf *out, Str name)
{
    d->quote_ident(out, name);
}

/* A table's name, qualified outside the default schema (as the renderer writes it). */
static void w_table(const Dialect *d, SqlBuf *out, const SqlSchema *s, const SqlTable *t)
{
    if (d->has_namespaces && !sql_namespace_is_default(s, t->namespace)) {
        w_ident(d, out, s->namespaces[t->namespace].name);
        sqlbuf_putc(out, '.');
    }
    w_ident(d, out, t->name);
}

/* Always qualified on PostgreSQL (queries on the live database do not rely on search_path). */
static void w_table_full(const Dialect *d, SqlBuf *out, const SqlSchema *s, const SqlTable *t)
{
    if (d->has_namespaces) {
        w_ident(d, out, sql_namespace_name(s, t->namespace));
        sqlbuf_putc(out, '.');
    }
    w_ident(d, out, t->name);
}

static void w_enum(const Dialect *d, SqlBuf *out, const SqlSchema *s, uint32_t enum_id, Str fallback)
{
    if (enum_id == SQL_NONE || enum_id >= s->nenums) {
        w_ident(d, out, fallback);
        return;
    }
    const SqlEnum *e = &s->enums[enum_id];
    if (!sql_namespace_is_default(s, e->namespace)) {
        w_ident(d, out, s->namespaces[e->namespace].name);
        sqlbuf_putc(out, '.');
    }
    w_ident(d, out, e->name);
}

static void w_string(const Dialect *d, SqlBuf *out, Str s)
{
    d->quote_string(out, s);
}

/* The column's type: SERIAL only where `serial` (CREATE / ADD COLUMN), never in SET DATA TYPE. */
static void w_type(const Dialect *d, SqlBuf *out, const SqlSchema *s, const SqlColumn *c, bool serial, bool list)
{
    if (c->type.family == SQLT_ENUM && d->has_enums) {
        w_enum(d, out, s, c->type.enum_id, c->type.name);
    } else if (serial && c->autoincrement && d->flavour == SQL_POSTGRES && !c->type.list) {
        if (str_eq_cstr(c->type.name, "INTEGER"))
            sqlbuf_puts(out, "SERIAL");
        else if (str_eq_cstr(c->type.name, "SMALLINT"))
            sqlbuf_puts(out, "SMALLSERIAL");
        else if (str_eq_cstr(c->type.name, "BIGINT"))
            sqlbuf_puts(out, "BIGSERIAL");
        else
            sqlbuf_putstr(out, c->type.name);
    } else {
        sqlbuf_putstr(out, c->type.name);
    }
    if (list && c->type.list)
        sqlbuf_puts(out, "[]");
}

/* "name" TYPE[ NOT NULL][ DEFAULT x], as the dialects write a column. */
static void w_column_def(const Dialect *d, SqlBuf *out, const SqlSchema *s, const SqlColumn *c)
{
    w_ident(d, out, c->name);
    sqlbuf_putc(out, ' ');
    w_type(d, out, s, c, true, true);
    if (!c->nullable && !(d->flavour == SQL_POSTGRES && c->type.list))
        sqlbuf_puts(out, " NOT NULL");
    if (sql_default_renders(&c->def)) {
        sqlbuf_puts(out, " DEFAULT ");
        sqlbuf_putstr(out, sql_default_text(&c->def));
    }
}

static void stmt_end(SqlBuf *out)
{
    sqlbuf_puts(out, ";\n");
}

/* A value existing rows can take when a column becomes NOT NULL without a default: the type's
 * neutral value. False when there is none worth inventing (the step is then blocked). */
static bool w_placeholder(const Dialect *d, SqlBuf *out, const SqlSchema *s, const SqlColumn *c)
{
    if (c->type.list) {
        sqlbuf_puts(out, "'{}'");
        return true;
    }
    Str n = c->type.name;
    bool pg = d->flavour == SQL_POSTGRES;
    switch (c->type.family) {
    case SQLT_ENUM:
        if (c->type.enum_id < s->nenums && s->enums[c->type.enum_id].nvalues) {
            w_string(d, out, s->enums[c->type.enum_id].values[0]);
            return true;
        }
        return false;
    case SQLT_INT:
    case SQLT_BIGINT:
    case SQLT_FLOAT:
    case SQLT_DECIMAL:
        sqlbuf_puts(out, "0");
        return true;
    case SQLT_BOOLEAN:
        sqlbuf_puts(out, "false");
        return true;
    case SQLT_DATETIME:
        if (pg && (str_eq_cstr(n, "TIME") || str_eq_cstr(n, "TIMETZ") || (n.len > 4 && memcmp(n.ptr, "TIME(", 5) == 0) ||
                   (n.len > 6 && memcmp(n.ptr, "TIMETZ(", 7) == 0)))
            sqlbuf_puts(out, "'00:00:00'");
        else
            sqlbuf_puts(out, "CURRENT_TIMESTAMP");
        return true;
    case SQLT_JSON:
        sqlbuf_puts(out, "'{}'");
        return true;
    case SQLT_BINARY:
        sqlbuf_puts(out, pg ? "'\\x'" : "X''");
        return true;
    case SQLT_UUID:
        sqlbuf_puts(out, "'00000000-0000-0000-0000-000000000000'");
        return true;
    case SQLT_STRING:
        if (!pg)
            break;
        if (str_eq_cstr(n, "UUID")) {
            sqlbuf_puts(out, "'00000000-0000-0000-0000-000000000000'");
            return true;
        }
        if (str_eq_cstr(n, "INET")) {
            sqlbuf_puts(out, "'0.0.0.0'");
            return true;
        }
        if ((n.len >= 3 && memcmp(n.ptr, "BIT", 3) == 0) || (n.len >= 6 && memcmp(n.ptr, "VARBIT", 6) == 0))
            return false;
        break;
    case SQLT_UNSUPPORTED:
        return false;
    }
    if (c->type.family == SQLT_STRING) {
        sqlbuf_puts(out, "''");
        return true;
    }
    return false;
}

/* ---- reading rows (read-only) ------------------------------------------------------------------ */

typedef struct Probe {
    bool open;
    SqlFlavour flavour;
    PGconn *pg;
    sqlite3 *lite;
    uint32_t queries;
} Probe;

static bool probe_open(Probe *p, const RepairOptions *o, SqlFlavour flavour, DbError *err)
{
    memset(p, 0, sizeof *p);
    p->flavour = flavour;
    if (!o->url)
        return true;
    if (o->url->kind == DBURL_POSTGRES) {
        p->pg = introspect_pg_connect(o->url, NULL, o->url_options, err);
        if (!p->pg)
            return false;
    } else {
        int rc = sqlite3_open_v2(o->url->path, &p->lite, SQLITE_OPEN_READONLY, NULL);
        if (rc != SQLITE_OK) {
            db_error_set(err, DBERR_NO_DATABASE, "cannot open %s read-only: %s", o->url->masked,
                         p->lite ? sqlite3_errmsg(p->lite) : "out of memory");
            sqlite3_close(p->lite);
            p->lite = NULL;
            return false;
        }
        sqlite3_busy_timeout(p->lite, 5000);
    }
    p->open = true;
    return true;
}

static void probe_close(Probe *p)
{
    if (p->pg)
        PQfinish(p->pg);
    if (p->lite)
        sqlite3_close(p->lite);
    p->pg = NULL;
    p->lite = NULL;
    p->open = false;
}

/* Runs a query; the first column of up to `max` rows joined with ", " into `rows` (may be NULL).
 * Returns the number of rows, or -1 when the query fails (or there is no database). */
static long probe_rows(Probe *p, const char *sql, SqlBuf *rows, int max)
{
    if (!p->open)
        return -1;
    p->queries++;
    long n = 0;
    if (p->pg) {
        PGresult *res = PQexec(p->pg, sql);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            PQclear(res);
            return -1;
        }
        n = PQntuples(res);
        for (int i = 0; rows && i < n && i < max; i++) {
            if (i)
                sqlbuf_puts(rows, ", ");
            sqlbuf_puts(rows, PQgetisnull(res, i, 0) ? "NULL" : PQgetvalue(res, i, 0));
        }
        PQclear(res);
        return n;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(p->lite, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (rows && n < max) {
            if (n)
                sqlbuf_puts(rows, ", ");
            const unsigned char *v = sqlite3_column_text(st, 0);
            sqlbuf_puts(rows, v ? (const char *)v : "NULL");
        }
        n++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? n : -1;
}

/* A count(*) query: its value, or -1. */
static long probe_count(Probe *p, const char *sql)
{
    SqlBuf b = {0};
    long n = probe_rows(p, sql, &b, 1);
    long v = n == 1 && b.ptr ? strtol(b.ptr, NULL, 10) : -1;
    sqlbuf_free(&b);
    return v;
}

/* ---- the plan ---------------------------------------------------------------------------------- */

typedef enum Why { WHY_NONE, WHY_LOSSY, WHY_BLOCKED, WHY_RENAME, WHY_DEPENDS } Why;

typedef struct Placeholder {
    uint32_t sc_table, sc_column;   /* the schema's column */
    long rows;                      /* rows that receive it (-1: unknown) */
    bool backfill;                  /* NULLs of an existing column (else a new column) */
} Placeholder;

typedef struct Plan {
    Arena arena;
    const RepairOptions *o;
    const Dialect *d;
    bool pg;
    const SqlSchema *db0;           /* the database as read (the names rows are read with) */
    SqlSchema *db1;                 /* the renamed copy, or NULL */
    const SqlSchema *cur;           /* db1 or db0: what the script starts from */
    const SqlSchema *sc;            /* the schema */
    const CheckResult *r0;
    CheckResult *r1;                /* cur vs schema (owned when renames were applied) */
    Probe probe;

    /* decisions; schema objects by position in sc, database objects by position in cur */
    bool *skip_table;               /* schema table left out */
    uint8_t **skip_col;             /* [schema table][column] */
    uint8_t **keep_type;            /* [schema table][column]: keep the database's type (and default) */
    uint8_t **keep_null;            /* [schema table][column]: keep the database's nullability */
    uint8_t **recreate;             /* [schema table][column]: drop and add (--allow-data-loss) */
    uint8_t **skip_index;           /* [schema table][index]: 1 left out, 2 the database's definition kept */
    uint8_t **skip_fk;              /* [schema table][fk]: 1 left out, 2 the database's definition kept */
    bool *keep_pk;                  /* [schema table] */
    bool *keep_db_table;            /* [db table] */
    uint8_t **keep_db_col;          /* [db table][column] */
    bool *skip_enum;                /* [schema enum] */
    bool *keep_db_enum;             /* [db enum] */
    bool *keep_values;              /* [schema enum]: keep values the schema removed */
    Why *why;                       /* per r1 finding */
    const char **why_text;
    Placeholder *placeholders;
    uint32_t nplaceholders, capplaceholders;
    long *rows_of;                  /* [db table]: rows (-2: not read yet, -1: unknown) */

    /* the target */
    SqlSchema *target;
    uint32_t *t_of_sc;              /* schema table -> target table */
    uint32_t *t_of_db;              /* cur table -> target table (paired or kept) */
    uint32_t *t_enum_of_sc;
    uint32_t *t_enum_of_db;
} Plan;

static uint8_t *flags_for(Plan *p, uint8_t **arr, uint32_t i, uint32_t n)
{
    if (!arr[i])
        arr[i] = arena_alloc(&p->arena, n + 1);
    return arr[i];
}

static uint8_t flag_at(uint8_t **arr, uint32_t i, uint32_t k)
{
    return arr[i] ? arr[i][k] : 0;
}

static void set_why(Plan *p, uint32_t finding, Why why, const char *text)
{
    if (p->why[finding] == WHY_NONE || why == WHY_BLOCKED) {
        p->why[finding] = why;
        p->why_text[finding] = text;
    }
}

/* The row count of a database table (read once). */
static long table_rows(Plan *p, uint32_t db_table)
{
    if (p->rows_of[db_table] != -2)
        return p->rows_of[db_table];
    SqlBuf q = {0};
    sqlbuf_puts(&q, "SELECT count(*) FROM ");
    w_table_full(p->d, &q, p->db0, &p->db0->tables[db_table]);
    long n = probe_count(&p->probe, q.ptr);
    sqlbuf_free(&q);
    p->rows_of[db_table] = n;
    return n;
}

/* Up to five rows' keys (the primary key's columns, else the rowid / ctid) matching `where`. */
static void sample_keys(Plan *p, uint32_t db_table, const char *where, SqlBuf *out)
{
    const SqlTable *t = &p->db0->tables[db_table];
    const SqlIndex *pk = sql_table_primary_key(t);
    SqlBuf q = {0};
    sqlbuf_puts(&q, "SELECT ");
    if (pk && pk->ncolumns) {
        for (uint32_t k = 0; k < pk->ncolumns; k++) {
            if (k)
                sqlbuf_puts(&q, p->pg ? " || ', ' || " : " || ', ' || ");
            SqlBuf lit = {0};
            sqlbuf_putstr(&lit, t->columns[pk->columns[k].column].name);
            sqlbuf_puts(&lit, "=");
            w_string(p->d, &q, (Str){lit.ptr, (uint32_t)lit.len});
            sqlbuf_free(&lit);
            sqlbuf_puts(&q, " || ");
            if (p->pg)
                sqlbuf_puts(&q, "coalesce(");
            else
                sqlbuf_puts(&q, "ifnull(");
            w_ident(p->d, &q, t->columns[pk->columns[k].column].name);
            sqlbuf_puts(&q, p->pg ? "::text, 'NULL')" : ", 'NULL')");
        }
    } else {
        sqlbuf_puts(&q, p->pg ? "'ctid=' || ctid::text" : "'rowid=' || rowid");
    }
    sqlbuf_puts(&q, " FROM ");
    w_table_full(p->d, &q, p->db0, t);
    sqlbuf_puts(&q, " WHERE ");
    sqlbuf_puts(&q, where);
    sqlbuf_puts(&q, " LIMIT 5");
    probe_rows(&p->probe, q.ptr, out, 5);
    sqlbuf_free(&q);
}

/* ---- deciding ---------------------------------------------------------------------------------- */

static bool rename_target_table(const CheckResult *r, uint32_t sc_table)
{
    for (uint32_t k = 0; k < r->nrenames; k++)
        if (r->renames[k].kind == RENAME_TABLE && r->renames[k].schema_table == sc_table)
            return true;
    return false;
}

static bool rename_source_table(const CheckResult *r, uint32_t db_table)
{
    for (uint32_t k = 0; k < r->nrenames; k++)
        if (r->renames[k].kind == RENAME_TABLE && r->renames[k].db_table == db_table)
            return true;
    return false;
}

static bool rename_target_column(const CheckResult *r, uint32_t sc_table, uint32_t column)
{
    for (uint32_t k = 0; k < r->nrenames; k++)
        if (r->renames[k].kind == RENAME_COLUMN && r->renames[k].schema_table == sc_table &&
            r->renames[k].schema_id == column)
            return true;
    return false;
}

static bool rename_source_column(const CheckResult *r, uint32_t db_table, uint32_t column)
{
    for (uint32_t k = 0; k < r->nrenames; k++)
        if (r->renames[k].kind == RENAME_COLUMN && r->renames[k].db_table == db_table && r->renames[k].db_id == column)
            return true;
    return false;
}

static bool rename_enum(const CheckResult *r, uint32_t id, bool schema_side)
{
    for (uint32_t k = 0; k < r->nrenames; k++)
        if (r->renames[k].kind == RENAME_ENUM && (schema_side ? r->renames[k].schema_id : r->renames[k].db_id) == id)
            return true;
    return false;
}

static bool column_in_fk(const SqlTable *t, uint32_t column)
{
    for (uint32_t f = 0; f < t->nfks; f++)
        for (uint32_t k = 0; k < t->fks[f].ncolumns; k++)
            if (t->fks[f].columns[k] == column)
                return true;
    return false;
}

static uint32_t db_column_of(const SqlTable *dt, Str name)
{
    return dt ? sql_find_column(dt, name) : SQL_NONE;
}

/* The value a NOT NULL column gives existing rows: its default, else a placeholder. */
static bool w_fill_value(const Plan *p, SqlBuf *out, const SqlColumn *c)
{
    if (sql_default_renders(&c->def)) {
        sqlbuf_putstr(out, sql_default_text(&c->def));
        return true;
    }
    return w_placeholder(p->d, out, p->sc, c);
}

/* "c" IS NULL / ("a" IS NOT NULL AND "b" IS NOT NULL) */
static void w_is_null(const Plan *p, SqlBuf *q, Str column, bool is_null)
{
    w_ident(p->d, q, column);
    sqlbuf_puts(q, is_null ? " IS NULL" : " IS NOT NULL");
}

static void decide_column_missing(Plan *p, uint32_t k, const CheckFinding *f)
{
    const SqlTable *st = &p->sc->tables[f->schema_table];
    const SqlColumn *c = &st->columns[f->schema_id];
    if (!p->o->allow_data_loss && !p->o->apply_renames && rename_target_column(p->r1, f->schema_table, f->schema_id)) {
        flags_for(p, p->skip_col, f->schema_table, st->ncolumns)[f->schema_id] = 1;
        set_why(p, k, WHY_RENAME, "looks like a renamed column (--apply-renames renames it)");
        return;
    }
    if (c->nullable || c->type.list || sql_default_renders(&c->def) || c->autoincrement || c->def.kind == SQLDEF_SEQUENCE)
        return;
    long rows = f->db_table != SQL_NONE ? table_rows(p, f->db_table) : -1;
    if (rows == 0)
        return;
    SqlBuf tmp = {0};
    bool fillable = w_placeholder(p->d, &tmp, p->sc, c);
    sqlbuf_free(&tmp);
    if (column_in_fk(st, f->schema_id) || !fillable) {
        if (rows < 0 && !p->probe.open)
            return;     /* no rows to look at: written as if the table were empty */
        flags_for(p, p->skip_col, f->schema_table, st->ncolumns)[f->schema_id] = 1;
        set_why(p, k, WHY_BLOCKED,
                arena_sprintf(&p->arena, "NOT NULL without a default, %s, and the table has %ld row%s: they need a value",
                              column_in_fk(st, f->schema_id) ? "part of a foreign key" : "no neutral value to invent",
                              rows, rows == 1 ? "" : "s"));
        return;
    }
    Placeholder ph = {f->schema_table, f->schema_id, rows, false};
    ARENA_PUSH(&p->arena, p->placeholders, p->nplaceholders, p->capplaceholders, ph);
}

static void decide_nullability(Plan *p, uint32_t k, const CheckFinding *f)
{
    const SqlTable *st = &p->sc->tables[f->schema_table];
    const SqlColumn *c = &st->columns[f->schema_id];
    if (c->nullable)
        return;
    const SqlTable *dt = &p->db0->tables[f->db_table];
    SqlBuf where = {0};
    w_is_null(p, &where, dt->columns[f->db_id].name, true);
    SqlBuf q = {0};
    sqlbuf_puts(&q, "SELECT count(*) FROM ");
    w_table_full(p->d, &q, p->db0, dt);
    sqlbuf_puts(&q, " WHERE ");
    sqlbuf_puts(&q, where.ptr);
    long nulls = probe_count(&p->probe, q.ptr);
    sqlbuf_free(&q);
    if (nulls == 0) {
        sqlbuf_free(&where);
        return;
    }
    SqlBuf tmp = {0};
    bool fillable = !column_in_fk(st, f->schema_id) && w_fill_value(p, &tmp, c);
    sqlbuf_free(&tmp);
    if (fillable || (nulls < 0 && !p->probe.open)) {
        if (!sql_default_renders(&c->def) || nulls > 0) {
            Placeholder ph = {f->schema_table, f->schema_id, nulls, true};
            ARENA_PUSH(&p->arena, p->placeholders, p->nplaceholders, p->capplaceholders, ph);
        }
        sqlbuf_free(&where);
        return;
    }
    SqlBuf rows = {0};
    sample_keys(p, f->db_table, where.ptr, &rows);
    flags_for(p, p->keep_null, f->schema_table, st->ncolumns)[f->schema_id] = 1;
    set_why(p, k, WHY_BLOCKED,
            arena_sprintf(&p->arena, "%ld row%s hold%s NULL (%s) and the column %s: give %s a value first",
                          nulls, nulls == 1 ? "" : "s", nulls == 1 ? "s" : "", rows.ptr ? rows.ptr : "?",
                          column_in_fk(st, f->schema_id) ? "is part of a foreign key" : "has no default",
                          nulls == 1 ? "it" : "them"));
    sqlbuf_free(&rows);
    sqlbuf_free(&where);
}

/* Values of an enum (or enum array) column outside a set of labels. */
static long enum_misfits(Plan *p, uint32_t db_table, uint32_t db_column, const Str *labels, uint32_t nlabels, SqlBuf *samples)
{
    const SqlTable *dt = &p->db0->tables[db_table];
    const SqlColumn *dc = &dt->columns[db_column];
    SqlBuf in = {0};
    sqlbuf_puts(&in, "(");
    for (uint32_t v = 0; v < nlabels; v++) {
        if (v)
            sqlbuf_puts(&in, ", ");
        w_string(p->d, &in, labels[v]);
    }
    if (!nlabels)
        sqlbuf_puts(&in, "NULL");
    sqlbuf_puts(&in, ")");
    SqlBuf q = {0};
    if (dc->type.list) {
        sqlbuf_puts(&q, "SELECT DISTINCT v::text FROM ");
        w_table_full(p->d, &q, p->db0, dt);
        sqlbuf_puts(&q, ", unnest(");
        w_ident(p->d, &q, dc->name);
        sqlbuf_puts(&q, ") AS v WHERE v IS NOT NULL AND v::text NOT IN ");
    } else {
        sqlbuf_puts(&q, "SELECT DISTINCT ");
        w_ident(p->d, &q, dc->name);
        sqlbuf_puts(&q, "::text FROM ");
        w_table_full(p->d, &q, p->db0, dt);
        sqlbuf_puts(&q, " WHERE ");
        w_ident(p->d, &q, dc->name);
        sqlbuf_puts(&q, " IS NOT NULL AND ");
        w_ident(p->d, &q, dc->name);
        sqlbuf_puts(&q, "::text NOT IN ");
    }
    sqlbuf_puts(&q, in.ptr);
    long n = probe_rows(&p->probe, q.ptr, samples, 5);
    sqlbuf_free(&q);
    sqlbuf_free(&in);
    return n;
}

static void decide_column_type(Plan *p, uint32_t k, const CheckFinding *f)
{
    const SqlTable *st = &p->sc->tables[f->schema_table];
    const SqlColumn *sc = &st->columns[f->schema_id];
    const SqlColumn *dc = &p->cur->tables[f->db_table].columns[f->db_id];
    uint8_t *keep = NULL;
    if (sc->type.family == SQLT_ENUM && sc->type.enum_id != SQL_NONE && p->skip_enum[sc->type.enum_id]) {
        keep = flags_for(p, p->keep_type, f->schema_table, st->ncolumns);
        keep[f->schema_id] = 1;
        set_why(p, k, WHY_RENAME, "its enum looks renamed (--apply-renames renames it)");
        return;
    }
    if (f->destructive && !p->o->allow_data_loss) {
        keep = flags_for(p, p->keep_type, f->schema_table, st->ncolumns);
        keep[f->schema_id] = 1;
        set_why(p, k, WHY_LOSSY, f->note ? f->note : "the change can lose values");
        return;
    }
    if (!p->pg)
        return;
    if (sc->type.family == SQLT_ENUM && sc->type.enum_id < p->sc->nenums) {
        const SqlEnum *e = &p->sc->enums[sc->type.enum_id];
        SqlBuf samples = {0};
        long n = enum_misfits(p, f->db_table, f->db_id, e->values, e->nvalues, &samples);
        if (n > 0 && p->o->allow_data_loss) {
            /* what --allow-data-loss allows: the column is dropped and added again */
            flags_for(p, p->recreate, f->schema_table, st->ncolumns)[f->schema_id] = 1;
        } else if (n > 0) {
            keep = flags_for(p, p->keep_type, f->schema_table, st->ncolumns);
            keep[f->schema_id] = 1;
            set_why(p, k, WHY_BLOCKED,
                    arena_sprintf(&p->arena, "stored value%s %s %s not in the enum: map %s to its values first",
                                  n == 1 ? "" : "s", samples.ptr ? samples.ptr : "?", n == 1 ? "is" : "are",
                                  n == 1 ? "it" : "them"));
        }
        sqlbuf_free(&samples);
        return;
    }
    if (f->destructive && dc->type.family != SQLT_ENUM && !(dc->type.list && !sc->type.list)) {
        /* --allow-data-loss: values the cast cannot convert at all still stop the script */
        SqlBuf q = {0};
        sqlbuf_puts(&q, "SELECT count(*) FROM (SELECT ");
        w_ident(p->d, &q, dc->name);
        sqlbuf_puts(&q, "::");
        w_type(p->d, &q, p->sc, sc, false, true);
        sqlbuf_puts(&q, " FROM ");
        w_table_full(p->d, &q, p->db0, &p->db0->tables[f->db_table]);
        sqlbuf_puts(&q, ") AS converted");
        long n = probe_count(&p->probe, q.ptr);
        sqlbuf_free(&q);
        if (n < 0 && p->probe.open) {
            keep = flags_for(p, p->keep_type, f->schema_table, st->ncolumns);
            keep[f->schema_id] = 1;
            set_why(p, k, WHY_BLOCKED, "stored values do not convert to the new type: change them first");
        }
    }
}

/* Duplicates under a unique index / primary key on columns that exist in the database. */
static long duplicates(Plan *p, uint32_t db_table, const SqlTable *st, const SqlIndex *x, SqlBuf *samples)
{
    const SqlTable *dt = &p->db0->tables[db_table];
    SqlBuf cols = {0}, notnull = {0};
    for (uint32_t c = 0; c < x->ncolumns; c++) {
        Str name = st->columns[x->columns[c].column].name;
        uint32_t dc = sql_find_column(&p->cur->tables[db_table], name);
        if (dc == SQL_NONE) {
            sqlbuf_free(&cols);
            sqlbuf_free(&notnull);
            return -2;  /* a new column */
        }
        Str dname = dt->columns[dc].name;
        if (c) {
            sqlbuf_puts(&cols, ", ");
            sqlbuf_puts(&notnull, " AND ");
        }
        w_ident(p->d, &cols, dname);
        w_is_null(p, &notnull, dname, false);
    }
    SqlBuf q = {0};
    sqlbuf_puts(&q, "SELECT ");
    /* one line per duplicated key: a=1, b=2 (3 rows) */
    for (uint32_t c = 0; c < x->ncolumns; c++) {
        Str name = st->columns[x->columns[c].column].name;
        Str dname = dt->columns[sql_find_column(&p->cur->tables[db_table], name)].name;
        if (c)
            sqlbuf_puts(&q, " || ', ' || ");
        SqlBuf lit = {0};
        sqlbuf_putstr(&lit, dname);
        sqlbuf_puts(&lit, "=");
        w_string(p->d, &q, (Str){lit.ptr, (uint32_t)lit.len});
        sqlbuf_free(&lit);
        sqlbuf_puts(&q, p->pg ? " || coalesce(" : " || ifnull(");
        w_ident(p->d, &q, dname);
        sqlbuf_puts(&q, p->pg ? "::text, 'NULL')" : ", 'NULL')");
    }
    sqlbuf_puts(&q, " || ' (' || count(*) || ' rows)' FROM ");
    w_table_full(p->d, &q, p->db0, dt);
    if (x->kind != SQLIDX_PRIMARY) {
        sqlbuf_puts(&q, " WHERE ");
        sqlbuf_puts(&q, notnull.ptr);
        if (x->predicate.len) {     /* a partial unique index: only the rows it covers */
            sqlbuf_puts(&q, " AND (");
            sqlbuf_putstr(&q, x->predicate);
            sqlbuf_putc(&q, ')');
        }
    }
    sqlbuf_puts(&q, " GROUP BY ");
    sqlbuf_puts(&q, cols.ptr);
    sqlbuf_puts(&q, " HAVING count(*) > 1");
    long n = probe_rows(&p->probe, q.ptr, samples, 5);
    sqlbuf_free(&q);
    sqlbuf_free(&cols);
    sqlbuf_free(&notnull);
    return n;
}

static bool is_placeholder_column(const Plan *p, uint32_t sc_table, uint32_t column)
{
    for (uint32_t i = 0; i < p->nplaceholders; i++)
        if (p->placeholders[i].sc_table == sc_table && p->placeholders[i].sc_column == column &&
            !p->placeholders[i].backfill)
            return true;
    return false;
}

static void decide_unique(Plan *p, uint32_t k, const CheckFinding *f, const SqlIndex *x, bool primary)
{
    const SqlTable *st = &p->sc->tables[f->schema_table];
    if (x->kind == SQLIDX_NORMAL || f->db_table == SQL_NONE)
        return;
    SqlBuf samples = {0};
    long n = duplicates(p, f->db_table, st, x, &samples);
    const char *why = NULL;
    if (n == -2) {
        /* a new column: placeholders are all the same value */
        bool ph = false;
        for (uint32_t c = 0; c < x->ncolumns; c++)
            ph |= is_placeholder_column(p, f->schema_table, x->columns[c].column);
        long rows = table_rows(p, f->db_table);
        if (ph && rows > 1 && x->ncolumns == 1)
            why = arena_sprintf(&p->arena, "its new column gets one placeholder value in all %ld rows, which "
                                           "are then not unique: fill the column in first", rows);
    } else if (n > 0) {
        why = arena_sprintf(&p->arena, "the rows are not unique: %s", samples.ptr ? samples.ptr : "?");
    } else if (x->ncolumns == 1) {
        /* NULLs that all get the same placeholder */
        for (uint32_t i = 0; i < p->nplaceholders; i++) {
            const Placeholder *ph = &p->placeholders[i];
            if (ph->backfill && ph->sc_table == f->schema_table && ph->sc_column == x->columns[0].column &&
                ph->rows > 1 && !sql_default_renders(&st->columns[ph->sc_column].def))
                why = arena_sprintf(&p->arena, "%ld rows holding NULL would all get the same placeholder: give them "
                                               "distinct values first", ph->rows);
        }
    }
    sqlbuf_free(&samples);
    if (!why)
        return;
    if (primary)
        p->keep_pk[f->schema_table] = true;
    else
        flags_for(p, p->skip_index, f->schema_table, st->nindexes)[f->schema_id] =
            f->kind == CHECK_INDEX_CHANGED ? 2 : 1;
    set_why(p, k, WHY_BLOCKED, why);
}

/* Rows a new foreign key would leave pointing nowhere. */
static void decide_foreign_key(Plan *p, uint32_t k, const CheckFinding *f)
{
    const SqlTable *st = &p->sc->tables[f->schema_table];
    const SqlForeignKey *fk = &st->fks[f->schema_id];
    if (f->db_table == SQL_NONE)
        return;
    const SqlTable *ct = &p->cur->tables[f->db_table], *dt = &p->db0->tables[f->db_table];
    const SqlTable *srt = &p->sc->tables[fk->referenced_table];
    uint32_t rdb = p->r1->db_of_schema_table[fk->referenced_table];
    bool placeholder = false;
    SqlBuf where = {0};
    for (uint32_t c = 0; c < fk->ncolumns; c++) {
        Str name = st->columns[fk->columns[c]].name;
        uint32_t dc = sql_find_column(ct, name);
        if (dc == SQL_NONE) {
            placeholder |= is_placeholder_column(p, f->schema_table, fk->columns[c]);
            continue;
        }
        if (where.len)
            sqlbuf_puts(&where, " AND ");
        w_is_null(p, &where, dt->columns[dc].name, false);
    }
    const char *why = NULL;
    if (placeholder) {
        long rows = table_rows(p, f->db_table);
        if (rows > 0)
            why = arena_sprintf(&p->arena, "its new column gets a placeholder value in %ld row%s, which would "
                                           "reference nothing",
                                rows, rows == 1 ? "" : "s");
    } else if (where.len) {
        bool ref_exists = rdb != SQL_NONE && !p->skip_table[fk->referenced_table];
        SqlBuf cond = {0};
        sqlbuf_puts(&cond, where.ptr);
        if (ref_exists) {
            const SqlTable *rt = &p->db0->tables[rdb], *rct = &p->cur->tables[rdb];
            bool ok = true;
            SqlBuf sub = {0};
            sqlbuf_puts(&sub, " AND NOT EXISTS (SELECT 1 FROM ");
            w_table_full(p->d, &sub, p->db0, rt);
            sqlbuf_puts(&sub, " AS r WHERE ");
            for (uint32_t c = 0; c < fk->ncolumns && ok; c++) {
                uint32_t rc = sql_find_column(rct, srt->columns[fk->referenced_columns[c]].name);
                uint32_t dc = sql_find_column(ct, st->columns[fk->columns[c]].name);
                ok = rc != SQL_NONE && dc != SQL_NONE;
                if (!ok)
                    break;
                if (c)
                    sqlbuf_puts(&sub, " AND ");
                sqlbuf_puts(&sub, "r.");
                w_ident(p->d, &sub, rt->columns[rc].name);
                sqlbuf_puts(&sub, p->pg ? "::text = t." : " = t.");
                w_ident(p->d, &sub, dt->columns[dc].name);
                if (p->pg)
                    sqlbuf_puts(&sub, "::text");
            }
            sqlbuf_puts(&sub, ")");
            if (ok)
                sqlbuf_puts(&cond, sub.ptr);
            sqlbuf_free(&sub);
            if (!ok) {
                sqlbuf_free(&cond);
                sqlbuf_free(&where);
                return;
            }
        }
        SqlBuf q = {0};
        sqlbuf_puts(&q, "SELECT count(*) FROM ");
        w_table_full(p->d, &q, p->db0, dt);
        sqlbuf_puts(&q, " AS t WHERE ");
        sqlbuf_puts(&q, cond.ptr);
        long n = probe_count(&p->probe, q.ptr);
        sqlbuf_free(&q);
        if (n > 0)
            why = arena_sprintf(&p->arena, "%ld row%s would reference nothing in %.*s%s", n, n == 1 ? "" : "s",
                                SF(srt->name), ref_exists ? "" : " (a table this script creates empty)");
        sqlbuf_free(&cond);
    }
    sqlbuf_free(&where);
    if (!why)
        return;
    flags_for(p, p->skip_fk, f->schema_table, st->nfks)[f->schema_id] = f->kind == CHECK_FOREIGN_KEY_CHANGED ? 2 : 1;
    set_why(p, k, WHY_BLOCKED, why);
}

static void decide_enum_values(Plan *p, uint32_t k, const CheckFinding *f)
{
    const SqlEnum *se = &p->sc->enums[f->schema_id], *de = &p->cur->enums[f->db_id];
    bool removed = false;
    for (uint32_t v = 0; v < de->nvalues; v++) {
        bool found = false;
        for (uint32_t w = 0; w < se->nvalues && !found; w++)
            found = str_eq(de->values[v], se->values[w]);
        removed |= !found;
    }
    if (!removed)
        return;
    if (!p->o->allow_data_loss) {
        p->keep_values[f->schema_id] = true;
        set_why(p, k, WHY_LOSSY, "removing enum values loses the rows' values (--allow-data-loss removes them)");
        return;
    }
    /* rows still holding a removed value make the conversion fail */
    long total = 0;
    SqlBuf samples = {0};
    for (uint32_t t = 0; t < p->cur->ntables; t++) {
        const SqlTable *ct = &p->cur->tables[t];
        for (uint32_t c = 0; c < ct->ncolumns; c++) {
            if (ct->columns[c].type.family != SQLT_ENUM || ct->columns[c].type.enum_id != f->db_id)
                continue;
            long n = enum_misfits(p, t, c, se->values, se->nvalues, &samples);
            if (n > 0)
                total += n;
        }
    }
    if (total > 0) {
        p->keep_values[f->schema_id] = true;
        set_why(p, k, WHY_BLOCKED,
                arena_sprintf(&p->arena, "rows still hold %s: move them to other values first",
                              samples.ptr ? samples.ptr : "removed values"));
    }
    sqlbuf_free(&samples);
}

static bool index_uses(const SqlIndex *x, const uint8_t *skip)
{
    if (!skip)
        return false;
    for (uint32_t c = 0; c < x->ncolumns; c++)
        if (skip[x->columns[c].column])
            return true;
    return false;
}

static void decide(Plan *p)
{
    const CheckResult *r = p->r1;
    bool allow = p->o->allow_data_loss, renames = p->o->apply_renames;
    /* tables and enums first: everything else may depend on them */
    for (uint32_t k = 0; k < r->nfindings; k++) {
        const CheckFinding *f = &r->findings[k];
        switch (f->kind) {
        case CHECK_TABLE_MISSING:
            if (!allow && !renames && rename_target_table(r, f->schema_table)) {
                p->skip_table[f->schema_table] = true;
                set_why(p, k, WHY_RENAME, "looks like a renamed table (--apply-renames renames it)");
            }
            break;
        case CHECK_TABLE_EXTRA:
            if (!allow) {
                p->keep_db_table[f->db_table] = true;
                set_why(p, k, rename_source_table(r, f->db_table) && !renames ? WHY_RENAME : WHY_LOSSY,
                        rename_source_table(r, f->db_table) && !renames
                            ? "looks renamed (--apply-renames renames it)"
                            : "dropping it loses its rows (--allow-data-loss drops it)");
            }
            break;
        case CHECK_ENUM_MISSING:
            if (!allow && !renames && rename_enum(r, f->schema_id, true)) {
                p->skip_enum[f->schema_id] = true;
                set_why(p, k, WHY_RENAME, "looks like a renamed enum (--apply-renames renames it)");
            }
            break;
        case CHECK_ENUM_EXTRA:
            if (!allow) {
                p->keep_db_enum[f->db_id] = true;
                set_why(p, k, rename_enum(r, f->db_id, false) && !renames ? WHY_RENAME : WHY_LOSSY,
                        rename_enum(r, f->db_id, false) && !renames ? "looks renamed (--apply-renames renames it)"
                                                                    : "dropping a type can lose what uses it "
                                                                      "(--allow-data-loss drops it)");
            }
            break;
        default:
            break;
        }
    }
    /* columns */
    for (uint32_t k = 0; k < r->nfindings; k++) {
        const CheckFinding *f = &r->findings[k];
        switch (f->kind) {
        case CHECK_COLUMN_MISSING:
            decide_column_missing(p, k, f);
            break;
        case CHECK_COLUMN_EXTRA:
            if (!allow) {
                const SqlTable *ct = &p->cur->tables[f->db_table];
                flags_for(p, p->keep_db_col, f->db_table, ct->ncolumns)[f->db_id] = 1;
                bool ren = !renames && rename_source_column(r, f->db_table, f->db_id);
                set_why(p, k, ren ? WHY_RENAME : WHY_LOSSY,
                        ren ? "looks renamed (--apply-renames renames it)"
                            : "dropping it loses its values (--allow-data-loss drops it)");
            }
            break;
        case CHECK_COLUMN_TYPE:
            decide_column_type(p, k, f);
            break;
        case CHECK_COLUMN_NULLABILITY:
            decide_nullability(p, k, f);
            break;
        case CHECK_ENUM_VALUES:
            decide_enum_values(p, k, f);
            break;
        default:
            break;
        }
    }
    /* keys, indexes, foreign keys */
    for (uint32_t k = 0; k < r->nfindings; k++) {
        const CheckFinding *f = &r->findings[k];
        if (f->schema_table == SQL_NONE || p->skip_table[f->schema_table])
            continue;
        const SqlTable *st = &p->sc->tables[f->schema_table];
        switch (f->kind) {
        case CHECK_PRIMARY_KEY: {
            const SqlIndex *pk = sql_table_primary_key(st);
            if (pk && index_uses(pk, p->skip_col[f->schema_table])) {
                p->keep_pk[f->schema_table] = true;
                set_why(p, k, WHY_DEPENDS, "its columns are left out");
            } else if (pk) {
                decide_unique(p, k, f, pk, true);
            }
            break;
        }
        case CHECK_INDEX_MISSING:
        case CHECK_INDEX_CHANGED: {
            const SqlIndex *x = &st->indexes[f->schema_id];
            if (index_uses(x, p->skip_col[f->schema_table])) {
                flags_for(p, p->skip_index, f->schema_table, st->nindexes)[f->schema_id] = 1;
                set_why(p, k, WHY_DEPENDS, "its columns are left out");
            } else {
                decide_unique(p, k, f, x, false);
            }
            break;
        }
        case CHECK_FOREIGN_KEY_MISSING:
        case CHECK_FOREIGN_KEY_CHANGED: {
            const SqlForeignKey *fk = &st->fks[f->schema_id];
            bool dep = p->skip_table[fk->referenced_table];
            for (uint32_t c = 0; c < fk->ncolumns; c++)
                dep |= flag_at(p->skip_col, f->schema_table, fk->columns[c]) ||
                       flag_at(p->keep_type, f->schema_table, fk->columns[c]);
            const SqlTable *rt = &p->sc->tables[fk->referenced_table];
            for (uint32_t c = 0; c < fk->ncolumns; c++)
                dep |= flag_at(p->skip_col, fk->referenced_table, fk->referenced_columns[c]) ||
                       flag_at(p->keep_type, fk->referenced_table, fk->referenced_columns[c]);
            (void)rt;
            if (dep) {
                flags_for(p, p->skip_fk, f->schema_table, st->nfks)[f->schema_id] =
                    f->kind == CHECK_FOREIGN_KEY_CHANGED ? 2 : 1;
                set_why(p, k, p->skip_table[fk->referenced_table] ? WHY_RENAME : WHY_DEPENDS,
                        p->skip_table[fk->referenced_table] ? "it references a table that looks renamed"
                                                            : "its columns are left out or keep their old type");
            } else {
                decide_foreign_key(p, k, f);
            }
            break;
        }
        default:
            break;
        }
    }
}

/* ---- the target -------------------------------------------------------------------------------- */

static uint32_t target_namespace(Plan *p, const SqlSchema *from, uint32_t ns)
{
    if (!p->pg)
        return SQL_NONE;
    Str name = sql_namespace_name(from, ns);
    uint32_t id = sql_find_namespace(p->target, name);
    return id != SQL_NONE ? id : sql_add_namespace(p->target, name);
}

/* An enum-typed column copied into the target points at the target's enum of the same name. */
static void retarget_enum(Plan *p, SqlColumn *c, const SqlSchema *from, bool from_schema)
{
    if (c->type.family != SQLT_ENUM || c->type.enum_id == SQL_NONE || c->type.enum_id >= from->nenums)
        return;
    uint32_t id = from_schema ? p->t_enum_of_sc[c->type.enum_id] : p->t_enum_of_db[c->type.enum_id];
    if (id == SQL_NONE) {
        const SqlEnum *e = &from->enums[c->type.enum_id];
        id = sql_find_enum(p->target, target_namespace(p, from, e->namespace), e->name);
    }
    c->type.enum_id = id;
}

static uint32_t t_column(const SqlTable *t, Str name)
{
    return sql_find_column(t, name);
}

/* Copies an index into target table `tt`, columns found by name; false when one is missing. */
static bool copy_index(Plan *p, uint32_t tt, const SqlTable *from, const SqlIndex *x)
{
    SqlIndex copy = *x;
    SqlIndexColumn *cols = malloc((x->ncolumns + 1) * sizeof *cols);
    bool ok = true;
    for (uint32_t c = 0; c < x->ncolumns && ok; c++) {
        cols[c] = x->columns[c];
        cols[c].column = t_column(&p->target->tables[tt], from->columns[x->columns[c].column].name);
        ok = cols[c].column != SQL_NONE;
    }
    copy.columns = cols;
    if (ok)
        sql_add_index(p->target, tt, &copy);
    free(cols);
    return ok;
}

static bool copy_fk(Plan *p, uint32_t tt, const SqlSchema *from, const SqlTable *ft, const SqlForeignKey *fk,
                    uint32_t ref_target)
{
    if (ref_target == SQL_NONE)
        return false;
    SqlForeignKey copy = *fk;
    uint32_t *cols = malloc((fk->ncolumns + 1) * sizeof *cols), *refs = malloc((fk->ncolumns + 1) * sizeof *refs);
    bool ok = true;
    const SqlTable *frt = &from->tables[fk->referenced_table];
    for (uint32_t c = 0; c < fk->ncolumns && ok; c++) {
        cols[c] = t_column(&p->target->tables[tt], ft->columns[fk->columns[c]].name);
        refs[c] = t_column(&p->target->tables[ref_target], frt->columns[fk->referenced_columns[c]].name);
        ok = cols[c] != SQL_NONE && refs[c] != SQL_NONE;
    }
    copy.columns = cols;
    copy.referenced_columns = refs;
    copy.referenced_table = ref_target;
    if (ok)
        sql_add_foreign_key(p->target, tt, &copy);
    free(cols);
    free(refs);
    return ok;
}

static void build_target(Plan *p)
{
    const SqlSchema *sc = p->sc, *cur = p->cur;
    const CheckResult *r = p->r1;
    SqlSchema *t = sql_schema_new(sc->flavour);
    p->target = t;
    t->default_namespace = sql_strs(t, sc->default_namespace);
    t->partial_indexes_gated = sc->partial_indexes_gated;
    for (uint32_t i = 0; i < sc->nnamespaces; i++) {
        uint32_t id = sql_add_namespace(t, sc->namespaces[i].name);
        t->namespaces[id].origin = sc->namespaces[i].origin;
    }
    for (uint32_t i = 0; i < sc->nextensions; i++)
        sql_add_extension(t, &sc->extensions[i]);
    p->t_enum_of_sc = arena_alloc(&p->arena, (sc->nenums + 1) * sizeof(uint32_t));
    p->t_enum_of_db = arena_alloc(&p->arena, (cur->nenums + 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < cur->nenums; i++)
        p->t_enum_of_db[i] = SQL_NONE;
    /* enums: the schema's (removed values kept where they must stay), then kept extra ones */
    for (uint32_t j = 0; j < sc->nenums; j++) {
        p->t_enum_of_sc[j] = SQL_NONE;
        if (p->skip_enum[j])
            continue;
        const SqlEnum *se = &sc->enums[j];
        uint32_t id = sql_add_enum(t, target_namespace(p, sc, se->namespace), se->name, se->origin);
        p->t_enum_of_sc[j] = id;
        uint32_t di = r->db_of_schema_enum[j];
        if (di != SQL_NONE)
            p->t_enum_of_db[di] = id;
        if (!p->keep_values[j] || di == SQL_NONE) {
            for (uint32_t v = 0; v < se->nvalues; v++)
                sql_add_enum_value(t, id, se->values[v], se->value_origins ? se->value_origins[v] : SQL_NO_ORIGIN);
            continue;
        }
        /* the schema's values, each removed one after the value it followed in the database */
        const SqlEnum *de = &cur->enums[di];
        bool *placed = calloc(de->nvalues + 1, 1);
        for (uint32_t v = 0; v < de->nvalues; v++) {
            bool in_schema = false;
            for (uint32_t w = 0; w < se->nvalues && !in_schema; w++)
                in_schema = str_eq(se->values[w], de->values[v]);
            placed[v] = in_schema;
        }
        /* removed values that come before any schema value go first */
        for (uint32_t v = 0; v < de->nvalues && !placed[v]; v++) {
            sql_add_enum_value(t, id, de->values[v], SQL_NO_ORIGIN);
            placed[v] = true;
        }
        for (uint32_t w = 0; w < se->nvalues; w++) {
            sql_add_enum_value(t, id, se->values[w], se->value_origins ? se->value_origins[w] : SQL_NO_ORIGIN);
            uint32_t v = 0;
            while (v < de->nvalues && !str_eq(de->values[v], se->values[w]))
                v++;
            for (v = v + 1; v < de->nvalues && !placed[v]; v++) {
                sql_add_enum_value(t, id, de->values[v], SQL_NO_ORIGIN);
                placed[v] = true;
            }
        }
        for (uint32_t v = 0; v < de->nvalues; v++)
            if (!placed[v])
                sql_add_enum_value(t, id, de->values[v], SQL_NO_ORIGIN);
        free(placed);
    }
    for (uint32_t i = 0; i < cur->nenums; i++) {
        if (!p->keep_db_enum[i] || p->t_enum_of_db[i] != SQL_NONE)
            continue;
        const SqlEnum *de = &cur->enums[i];
        uint32_t id = sql_add_enum(t, target_namespace(p, cur, de->namespace), de->name, SQL_NO_ORIGIN);
        p->t_enum_of_db[i] = id;
        for (uint32_t v = 0; v < de->nvalues; v++)
            sql_add_enum_value(t, id, de->values[v], SQL_NO_ORIGIN);
    }

    /* tables: the schema's, then kept extra ones; columns first everywhere (keys refer to them) */
    p->t_of_sc = arena_alloc(&p->arena, (sc->ntables + 1) * sizeof(uint32_t));
    p->t_of_db = arena_alloc(&p->arena, (cur->ntables + 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < cur->ntables; i++)
        p->t_of_db[i] = SQL_NONE;
    for (uint32_t j = 0; j < sc->ntables; j++) {
        p->t_of_sc[j] = SQL_NONE;
        if (p->skip_table[j])
            continue;
        const SqlTable *st = &sc->tables[j];
        uint32_t di = r->db_of_schema_table[j];
        const SqlTable *dt = di != SQL_NONE ? &cur->tables[di] : NULL;
        uint32_t tt = sql_add_table(t, target_namespace(p, sc, st->namespace), st->name, st->origin);
        p->t_of_sc[j] = tt;
        if (di != SQL_NONE)
            p->t_of_db[di] = tt;
        for (uint32_t c = 0; c < st->ncolumns; c++) {
            if (flag_at(p->skip_col, j, c))
                continue;
            SqlColumn col = st->columns[c];
            retarget_enum(p, &col, sc, true);
            uint32_t dc = db_column_of(dt, col.name);
            if (dc != SQL_NONE && flag_at(p->keep_type, j, c)) {
                const SqlColumn *d = &dt->columns[dc];
                col.type = d->type;
                col.def = d->def;
                col.autoincrement = d->autoincrement;
                retarget_enum(p, &col, cur, false);
            }
            if (dc != SQL_NONE && flag_at(p->keep_null, j, c))
                col.nullable = dt->columns[dc].nullable;
            sql_add_column(t, tt, &col);
        }
        if (dt)
            for (uint32_t c = 0; c < dt->ncolumns; c++) {
                if (!flag_at(p->keep_db_col, di, c))
                    continue;
                SqlColumn col = dt->columns[c];
                col.origin = SQL_NO_ORIGIN;
                retarget_enum(p, &col, cur, false);
                /* SQLite: a kept INTEGER PRIMARY KEY loses its automatic values with the key, and
                 * NOT NULL would then stop every insert that does not know the column */
                if (!p->pg && col.autoincrement) {
                    col.autoincrement = false;
                    col.nullable = true;
                }
                sql_add_column(t, tt, &col);
            }
    }
    for (uint32_t i = 0; i < cur->ntables; i++) {
        if (!p->keep_db_table[i])
            continue;
        const SqlTable *dt = &cur->tables[i];
        uint32_t tt = sql_add_table(t, target_namespace(p, cur, dt->namespace), dt->name, SQL_NO_ORIGIN);
        p->t_of_db[i] = tt;
        for (uint32_t c = 0; c < dt->ncolumns; c++) {
            SqlColumn col = dt->columns[c];
            retarget_enum(p, &col, cur, false);
            sql_add_column(t, tt, &col);
        }
    }
    /* keys and indexes */
    for (uint32_t j = 0; j < sc->ntables; j++) {
        uint32_t tt = p->t_of_sc[j];
        if (tt == SQL_NONE)
            continue;
        const SqlTable *st = &sc->tables[j];
        uint32_t di = r->db_of_schema_table[j];
        const SqlTable *dt = di != SQL_NONE ? &cur->tables[di] : NULL;
        if (p->keep_pk[j] && dt) {
            const SqlIndex *pk = sql_table_primary_key(dt);
            if (pk)
                copy_index(p, tt, dt, pk);
        }
        for (uint32_t x = 0; x < st->nindexes; x++) {
            const SqlIndex *ix = &st->indexes[x];
            if (ix->kind == SQLIDX_PRIMARY && p->keep_pk[j] && dt)
                continue;
            uint8_t skip = flag_at(p->skip_index, j, x);
            if (skip == 2 && dt) {
                for (uint32_t y = 0; y < dt->nindexes; y++)
                    if (dt->indexes[y].kind != SQLIDX_PRIMARY && str_eq(dt->indexes[y].name, ix->name))
                        copy_index(p, tt, dt, &dt->indexes[y]);
                continue;
            }
            if (skip)
                continue;
            copy_index(p, tt, st, ix);
        }
        for (uint32_t f = 0; f < st->nfks; f++) {
            const SqlForeignKey *fk = &st->fks[f];
            uint8_t skip = flag_at(p->skip_fk, j, f);
            if (skip == 2 && dt) {
                for (uint32_t g = 0; g < dt->nfks; g++)
                    if (p->pg ? str_eq(dt->fks[g].name, fk->name) : dt->fks[g].ncolumns == fk->ncolumns) {
                        copy_fk(p, tt, cur, dt, &dt->fks[g], p->t_of_db[dt->fks[g].referenced_table]);
                        break;
                    }
                continue;
            }
            if (skip)
                continue;
            copy_fk(p, tt, sc, st, fk, p->t_of_sc[fk->referenced_table]);
        }
    }
    for (uint32_t i = 0; i < cur->ntables; i++) {
        if (!p->keep_db_table[i])
            continue;
        const SqlTable *dt = &cur->tables[i];
        uint32_t tt = p->t_of_db[i];
        for (uint32_t x = 0; x < dt->nindexes; x++)
            copy_index(p, tt, dt, &dt->indexes[x]);
        for (uint32_t f = 0; f < dt->nfks; f++)
            copy_fk(p, tt, cur, dt, &dt->fks[f], p->t_of_db[dt->fks[f].referenced_table]);
    }
}

/* ---- rendering --------------------------------------------------------------------------------- */

typedef struct Out {
    SqlBuf *buf;
    bool first;
} Out;

static void section(Out *o, const char *name)
{
    if (!o->first)
        sqlbuf_putc(o->buf, '\n');
    o->first = false;
    sqlbuf_puts(o->buf, "-- ");
    sqlbuf_puts(o->buf, name);
    sqlbuf_putc(o->buf, '\n');
}

/* One step through the dialect (Prisma's statements), without its comment line. */
static void render_one(Migration *m, const MigrateStep *s, SqlBuf *out)
{
    Migration one = *m;
    one.steps = (MigrateStep *)s;
    one.nsteps = 1;
    one.capsteps = 1;
    SqlBuf tmp = {0};
    migrate_render_script(&one, NULL, &tmp);
    m->arena = one.arena;
    const char *body = tmp.ptr ? strchr(tmp.ptr, '\n') : NULL;
    if (body && tmp.ptr[0] == '-')
        sqlbuf_puts(out, body + 1);
    sqlbuf_free(&tmp);
}

static bool is_autoindex_name(Str name)
{
    return name.len > 17 && memcmp(name.ptr, "sqlite_autoindex_", 17) == 0;
}

static const Placeholder *placeholder_for(const Plan *p, uint32_t sc_table, Str column, bool backfill)
{
    if (sc_table == SQL_NONE)
        return NULL;
    const SqlTable *st = &p->sc->tables[sc_table];
    for (uint32_t i = 0; i < p->nplaceholders; i++) {
        const Placeholder *ph = &p->placeholders[i];
        if (ph->sc_table == sc_table && ph->backfill == backfill && str_eq(st->columns[ph->sc_column].name, column))
            return ph;
    }
    return NULL;
}

static uint32_t sc_table_of_target(const Plan *p, uint32_t tt)
{
    for (uint32_t j = 0; j < p->sc->ntables; j++)
        if (p->t_of_sc[j] == tt)
            return j;
    return SQL_NONE;
}

static void comment_placeholder(const Plan *p, SqlBuf *out, const SqlTable *nt, const SqlColumn *c, const Placeholder *ph,
                                bool is_default)
{
    sqlbuf_puts(out, "-- ");
    sqlbuf_putstr(out, nt->name);
    sqlbuf_putc(out, '.');
    sqlbuf_putstr(out, c->name);
    if (ph && ph->backfill)
        sqlbuf_puts(out, " becomes NOT NULL: ");
    else
        sqlbuf_puts(out, " is NOT NULL: ");
    if (ph && ph->rows > 0)
        sqlbuf_printf(out, "the %ld existing row%s %s ", ph->rows, ph->rows == 1 ? "" : "s",
                      ph->backfill ? (ph->rows == 1 ? "holding NULL gets" : "holding NULL get")
                                   : (ph->rows == 1 ? "gets" : "get"));
    else
        sqlbuf_puts(out, ph && ph->backfill ? "rows holding NULL get " : "existing rows get ");
    SqlBuf v = {0};
    w_fill_value(p, &v, c);
    sqlbuf_puts(out, v.ptr ? v.ptr : "?");
    sqlbuf_free(&v);
    sqlbuf_puts(out, is_default ? " (its default)\n" : " (a placeholder: review it before running)\n");
}

/* Does a step drop the primary key and add it back unchanged (same name and columns)? The
 * differ does that when a key column's type changes; PostgreSQL rebuilds the key's index by
 * itself, and dropping it would fail while foreign keys reference it. */
static bool pk_kept(const SqlTable *pt, const SqlTable *nt)
{
    const SqlIndex *a = sql_table_primary_key(pt), *b = sql_table_primary_key(nt);
    if (!a || !b || a->ncolumns != b->ncolumns || !str_eq(a->name, b->name))
        return false;
    for (uint32_t k = 0; k < a->ncolumns; k++)
        if (!str_eq(pt->columns[a->columns[k].column].name, nt->columns[b->columns[k].column].name))
            return false;
    return true;
}

/* ALTER TABLE ... as separate statements, in an order that cannot fail where Prisma's can. */
static void pg_alter_table(Plan *p, Migration *m, const MigrateStep *s, SqlBuf *out)
{
    const Dialect *d = p->d;
    const SqlSchema *prev = m->prev, *next = m->next;
    const SqlTable *pt = &prev->tables[s->prev_table], *nt = &next->tables[s->next_table];
    uint32_t sct = sc_table_of_target(p, s->next_table);
    bool same_pk = pk_kept(pt, nt);
#define ALTER()                                                                                                        \
    do {                                                                                                               \
        sqlbuf_puts(out, "ALTER TABLE ");                                                                              \
        w_table(d, out, prev, pt);                                                                                     \
        sqlbuf_putc(out, ' ');                                                                                         \
    } while (0)
    for (uint32_t i = 0; i < s->detail->nchanges; i++) {
        const TableChange *ch = &s->detail->changes[i];
        const SqlColumn *pc = ch->prev_column != SQL_NONE ? &pt->columns[ch->prev_column] : NULL;
        const SqlColumn *nc = ch->next_column != SQL_NONE ? &nt->columns[ch->next_column] : NULL;
        switch (ch->kind) {
        case TABLECHANGE_DROP_PRIMARY_KEY: {
            const SqlIndex *pk = sql_table_primary_key(pt);
            if (same_pk)
                break;
            ALTER();
            sqlbuf_puts(out, "DROP CONSTRAINT ");
            w_ident(d, out, pk ? pk->name : STR_LIT(""));
            stmt_end(out);
            break;
        }
        case TABLECHANGE_RENAME_PRIMARY_KEY: {
            const SqlIndex *a = sql_table_primary_key(pt), *b = sql_table_primary_key(nt);
            ALTER();
            sqlbuf_puts(out, "RENAME CONSTRAINT ");
            w_ident(d, out, a ? a->name : STR_LIT(""));
            sqlbuf_puts(out, " TO ");
            w_ident(d, out, b ? b->name : STR_LIT(""));
            stmt_end(out);
            break;
        }
        case TABLECHANGE_ADD_PRIMARY_KEY: {
            const SqlIndex *pk = sql_table_primary_key(nt);
            if (!pk || same_pk)
                break;
            ALTER();
            sqlbuf_puts(out, "ADD ");
            if (pk->name.len) {
                sqlbuf_puts(out, "CONSTRAINT ");
                w_ident(d, out, pk->name);
                sqlbuf_putc(out, ' ');
            }
            sqlbuf_puts(out, "PRIMARY KEY (");
            for (uint32_t k = 0; k < pk->ncolumns; k++) {
                if (k)
                    sqlbuf_puts(out, ", ");
                w_ident(d, out, nt->columns[pk->columns[k].column].name);
            }
            sqlbuf_putc(out, ')');
            stmt_end(out);
            break;
        }
        case TABLECHANGE_DROP_COLUMN:
            ALTER();
            sqlbuf_puts(out, "DROP COLUMN ");
            w_ident(d, out, pc->name);
            stmt_end(out);
            break;
        case TABLECHANGE_ADD_COLUMN: {
            bool needs_fill = !nc->nullable && !nc->type.list && !sql_default_renders(&nc->def) && !nc->autoincrement;
            const Placeholder *ph = needs_fill ? placeholder_for(p, sct, nc->name, false) : NULL;
            SqlBuf v = {0};
            if (ph && w_placeholder(d, &v, next, nc)) {
                comment_placeholder(p, out, nt, nc, ph, false);
                ALTER();
                sqlbuf_puts(out, "ADD COLUMN ");
                w_column_def(d, out, next, nc);
                sqlbuf_puts(out, " DEFAULT ");
                sqlbuf_puts(out, v.ptr);
                stmt_end(out);
                ALTER();
                sqlbuf_puts(out, "ALTER COLUMN ");
                w_ident(d, out, nc->name);
                sqlbuf_puts(out, " DROP DEFAULT");
                stmt_end(out);
            } else {
                ALTER();
                sqlbuf_puts(out, "ADD COLUMN ");
                w_column_def(d, out, next, nc);
                stmt_end(out);
            }
            sqlbuf_free(&v);
            break;
        }
        case TABLECHANGE_ALTER_COLUMN:
        case TABLECHANGE_DROP_AND_RECREATE_COLUMN: {
            uint8_t c = ch->changes;
            bool dropped_default = false;
            if (c & COLCHANGE_TYPE) {
                bool to_enum = nc->type.family == SQLT_ENUM, from_enum = pc->type.family == SQLT_ENUM;
                bool scalar_to_list = !pc->type.list && nc->type.list;
                bool convertible = ch->kind == TABLECHANGE_ALTER_COLUMN || to_enum || scalar_to_list ||
                                   (from_enum && pc->type.list == nc->type.list);
                if (sct != SQL_NONE) {
                    uint32_t scol = sql_find_column(&p->sc->tables[sct], nc->name);
                    if (scol != SQL_NONE && flag_at(p->recreate, sct, scol))
                        convertible = false;
                }
                if (!convertible) {
                    /* --allow-data-loss: no cast keeps the values */
                    sqlbuf_puts(out, "-- ");
                    sqlbuf_putstr(out, pt->name);
                    sqlbuf_putc(out, '.');
                    sqlbuf_putstr(out, pc->name);
                    sqlbuf_puts(out, ": no cast converts the values; the column is dropped and added again "
                                     "(its values are lost)\n");
                    ALTER();
                    sqlbuf_puts(out, "DROP COLUMN ");
                    w_ident(d, out, pc->name);
                    stmt_end(out);
                    SqlBuf v = {0};
                    bool fill = !nc->nullable && !nc->type.list && !sql_default_renders(&nc->def) &&
                                w_placeholder(d, &v, next, nc);
                    ALTER();
                    sqlbuf_puts(out, "ADD COLUMN ");
                    w_column_def(d, out, next, nc);
                    if (fill) {
                        sqlbuf_puts(out, " DEFAULT ");
                        sqlbuf_puts(out, v.ptr);
                    }
                    stmt_end(out);
                    if (fill) {
                        ALTER();
                        sqlbuf_puts(out, "ALTER COLUMN ");
                        w_ident(d, out, nc->name);
                        sqlbuf_puts(out, " DROP DEFAULT");
                        stmt_end(out);
                    }
                    sqlbuf_free(&v);
                    break;
                }
                /* a default PostgreSQL cannot cast along (text to an enum, say) goes first */
                bool safe_cast = ch->type_change == TYPECHANGE_SAFE && !to_enum && !from_enum && !scalar_to_list;
                if (pc->def.kind != SQLDEF_NONE && pc->def.kind != SQLDEF_SEQUENCE && !safe_cast) {
                    ALTER();
                    sqlbuf_puts(out, "ALTER COLUMN ");
                    w_ident(d, out, pc->name);
                    sqlbuf_puts(out, " DROP DEFAULT");
                    stmt_end(out);
                    dropped_default = true;
                }
                ALTER();
                sqlbuf_puts(out, "ALTER COLUMN ");
                w_ident(d, out, pc->name);
                sqlbuf_puts(out, " SET DATA TYPE ");
                w_type(d, out, next, nc, false, true);
                sqlbuf_puts(out, " USING ");
                if (scalar_to_list) {
                    sqlbuf_puts(out, "CASE WHEN ");
                    w_ident(d, out, pc->name);
                    sqlbuf_puts(out, " IS NULL THEN NULL ELSE ARRAY[");
                    w_ident(d, out, pc->name);
                    sqlbuf_puts(out, to_enum || from_enum ? "::text" : "");
                    sqlbuf_puts(out, "]::");
                    w_type(d, out, next, nc, false, true);
                    sqlbuf_puts(out, " END");
                } else {
                    w_ident(d, out, pc->name);
                    if (to_enum || from_enum)
                        sqlbuf_puts(out, pc->type.list ? "::text[]" : "::text");
                    sqlbuf_puts(out, "::");
                    w_type(d, out, next, nc, false, true);
                }
                stmt_end(out);
                /* a serial column's sequence keeps counting in the new integer type */
                if (pc->autoincrement && nc->autoincrement && str_eq_cstr(nc->type.name, "BIGINT")) {
                    SqlBuf tn = {0};
                    w_table_full(d, &tn, prev, pt);
                    SqlBuf cn = {0};
                    sqlbuf_putstr(&cn, pc->name);
                    sqlbuf_puts(out, "DO $$ DECLARE s text := pg_get_serial_sequence(");
                    w_string(d, out, (Str){tn.ptr, (uint32_t)tn.len});
                    sqlbuf_puts(out, ", ");
                    w_string(d, out, (Str){cn.ptr, (uint32_t)cn.len});
                    sqlbuf_puts(out, "); BEGIN IF s IS NOT NULL THEN EXECUTE 'ALTER SEQUENCE ' || s || ' AS BIGINT'; "
                                     "END IF; END $$");
                    stmt_end(out);
                    sqlbuf_free(&tn);
                    sqlbuf_free(&cn);
                }
            }
            if ((c & COLCHANGE_DEFAULT) || dropped_default) {
                if (sql_default_renders(&nc->def)) {
                    ALTER();
                    sqlbuf_puts(out, "ALTER COLUMN ");
                    w_ident(d, out, pc->name);
                    sqlbuf_puts(out, " SET DEFAULT ");
                    sqlbuf_putstr(out, sql_default_text(&nc->def));
                    stmt_end(out);
                } else if (!dropped_default && nc->def.kind != SQLDEF_SEQUENCE && !(nc->def.kind == SQLDEF_EXPRESSION)) {
                    ALTER();
                    sqlbuf_puts(out, "ALTER COLUMN ");
                    w_ident(d, out, pc->name);
                    sqlbuf_puts(out, " DROP DEFAULT");
                    stmt_end(out);
                }
            }
            if (c & COLCHANGE_AUTOINCREMENT) {
                if (nc->autoincrement) {
                    /* a sequence of its own, started after the largest id */
                    SqlBuf seq = {0};
                    if (!sql_namespace_is_default(prev, pt->namespace)) {
                        w_ident(d, &seq, prev->namespaces[pt->namespace].name);
                        sqlbuf_putc(&seq, '.');
                    }
                    SqlBuf bare = {0};
                    sqlbuf_putstr(&bare, pt->name);
                    sqlbuf_putc(&bare, '_');
                    sqlbuf_putstr(&bare, pc->name);
                    sqlbuf_puts(&bare, "_seq");
                    w_ident(d, &seq, (Str){bare.ptr, (uint32_t)(bare.len > 63 ? 63 : bare.len)});
                    sqlbuf_puts(out, "CREATE SEQUENCE ");
                    sqlbuf_puts(out, seq.ptr);
                    sqlbuf_puts(out, " AS ");
                    sqlbuf_putstr(out, nc->type.name);
                    sqlbuf_puts(out, " OWNED BY ");
                    w_table(d, out, prev, pt);
                    sqlbuf_putc(out, '.');
                    w_ident(d, out, pc->name);
                    stmt_end(out);
                    sqlbuf_puts(out, "SELECT setval(");
                    w_string(d, out, (Str){seq.ptr, (uint32_t)seq.len});
                    sqlbuf_puts(out, ", coalesce(max(");
                    w_ident(d, out, pc->name);
                    sqlbuf_puts(out, "), 0) + 1, false) FROM ");
                    w_table(d, out, prev, pt);
                    stmt_end(out);
                    ALTER();
                    sqlbuf_puts(out, "ALTER COLUMN ");
                    w_ident(d, out, pc->name);
                    sqlbuf_puts(out, " SET DEFAULT nextval(");
                    w_string(d, out, (Str){seq.ptr, (uint32_t)seq.len});
                    sqlbuf_puts(out, ")");
                    stmt_end(out);
                    sqlbuf_free(&seq);
                    sqlbuf_free(&bare);
                } else {
                    ALTER();
                    sqlbuf_puts(out, "ALTER COLUMN ");
                    w_ident(d, out, pc->name);
                    sqlbuf_puts(out, " DROP DEFAULT");
                    stmt_end(out);
                }
            }
            bool pn = pc->nullable || pc->type.list, nn = nc->nullable || nc->type.list;
            if (pn != nn || ((c & COLCHANGE_ARITY) && pc->nullable != nc->nullable && !nc->type.list)) {
                if (!nc->nullable && !nc->type.list) {
                    const Placeholder *ph = placeholder_for(p, sct, nc->name, true);
                    SqlBuf v = {0};
                    bool have = w_fill_value(p, &v, nc);
                    if (have && (ph || sql_default_renders(&nc->def))) {
                        if (ph)
                            comment_placeholder(p, out, nt, nc, ph, sql_default_renders(&nc->def));
                        sqlbuf_puts(out, "UPDATE ");
                        w_table(d, out, prev, pt);
                        sqlbuf_puts(out, " SET ");
                        w_ident(d, out, pc->name);
                        sqlbuf_puts(out, " = ");
                        sqlbuf_puts(out, v.ptr);
                        sqlbuf_puts(out, " WHERE ");
                        w_ident(d, out, pc->name);
                        sqlbuf_puts(out, " IS NULL");
                        stmt_end(out);
                    }
                    sqlbuf_free(&v);
                    ALTER();
                    sqlbuf_puts(out, "ALTER COLUMN ");
                    w_ident(d, out, pc->name);
                    sqlbuf_puts(out, " SET NOT NULL");
                    stmt_end(out);
                } else if (!pc->nullable && !pc->type.list) {
                    ALTER();
                    sqlbuf_puts(out, "ALTER COLUMN ");
                    w_ident(d, out, pc->name);
                    sqlbuf_puts(out, " DROP NOT NULL");
                    stmt_end(out);
                }
            }
            break;
        }
        }
    }
#undef ALTER
}

static bool str_contains(Str hay, const char *needle, size_t n)
{
    for (uint32_t i = 0; n && i + n <= hay.len; i++)
        if (memcmp(hay.ptr + i, needle, n) == 0)
            return true;
    return false;
}

static bool enum_has_value(const SqlEnum *e, Str v)
{
    for (uint32_t i = 0; i < e->nvalues; i++)
        if (str_eq(e->values[i], v))
            return true;
    return false;
}

/* Enum values: added in place (ADD VALUE ... BEFORE / AFTER) when the old values keep their
 * order and no new value is needed by this very transaction; otherwise the type is re-created
 * with every column moved over through text (a value the new type lacks stops the script). */
static void pg_alter_enum(Plan *p, Migration *m, uint32_t prev_id, uint32_t next_id, SqlBuf *out)
{
    const Dialect *d = p->d;
    const SqlSchema *prev = m->prev, *next = m->next;
    const SqlEnum *pe = &prev->enums[prev_id], *ne = &next->enums[next_id];
    bool dropped = false, in_order = true;
    for (uint32_t v = 0; v < pe->nvalues; v++)
        dropped |= !enum_has_value(ne, pe->values[v]);
    uint32_t k = 0;
    for (uint32_t v = 0; v < ne->nvalues && k < pe->nvalues; v++)
        if (str_eq(ne->values[v], pe->values[k]))
            k++;
    in_order = k == pe->nvalues;
    /* a new value used as a default in the target cannot be added in the same transaction */
    bool used_now = false;
    for (uint32_t t = 0; t < next->ntables && !used_now; t++)
        for (uint32_t c = 0; c < next->tables[t].ncolumns && !used_now; c++) {
            const SqlColumn *col = &next->tables[t].columns[c];
            if (col->type.family != SQLT_ENUM || col->type.enum_id != next_id || col->def.kind != SQLDEF_VALUE)
                continue;
            for (uint32_t v = 0; v < ne->nvalues && !used_now; v++) {
                if (enum_has_value(pe, ne->values[v]))
                    continue;
                SqlBuf lit = {0};
                w_string(d, &lit, ne->values[v]);
                used_now = lit.ptr && str_contains(col->def.sql, lit.ptr, lit.len);
                sqlbuf_free(&lit);
            }
        }
    if (!dropped && in_order && !used_now) {
        for (uint32_t v = 0; v < ne->nvalues; v++) {
            if (enum_has_value(pe, ne->values[v]))
                continue;
            sqlbuf_puts(out, "ALTER TYPE ");
            w_enum(d, out, prev, prev_id, pe->name);
            sqlbuf_puts(out, " ADD VALUE ");
            d->quote_enum_value(out, ne->values[v]);
            if (v > 0) {
                sqlbuf_puts(out, " AFTER ");
                d->quote_enum_value(out, ne->values[v - 1]);
            } else if (ne->nvalues > 1) {
                /* before the first value that exists */
                for (uint32_t w = 1; w < ne->nvalues; w++)
                    if (enum_has_value(pe, ne->values[w])) {
                        sqlbuf_puts(out, " BEFORE ");
                        d->quote_enum_value(out, ne->values[w]);
                        break;
                    }
            }
            stmt_end(out);
        }
        return;
    }
    if (!dropped && !in_order)
        sqlbuf_puts(out, "-- the same values in a new order: PostgreSQL orders enum values as created, so the type "
                         "is re-created (every row keeps its value)\n");
    Str tmp_new = arena_str(&p->arena, arena_sprintf(&p->arena, "%.*s_new", SF(ne->name)), ne->name.len + 4);
    Str tmp_old = arena_str(&p->arena, arena_sprintf(&p->arena, "%.*s_old", SF(pe->name)), pe->name.len + 4);
    SqlBuf qual_new = {0};
    if (!sql_namespace_is_default(next, ne->namespace)) {
        w_ident(d, &qual_new, next->namespaces[ne->namespace].name);
        sqlbuf_putc(&qual_new, '.');
    }
    w_ident(d, &qual_new, tmp_new);
    sqlbuf_puts(out, "CREATE TYPE ");
    sqlbuf_puts(out, qual_new.ptr);
    sqlbuf_puts(out, " AS ENUM (");
    for (uint32_t v = 0; v < ne->nvalues; v++) {
        if (v)
            sqlbuf_puts(out, ", ");
        d->quote_enum_value(out, ne->values[v]);
    }
    sqlbuf_puts(out, ")");
    stmt_end(out);
    for (uint32_t t = 0; t < prev->ntables; t++) {
        const SqlTable *pt = &prev->tables[t];
        for (uint32_t c = 0; c < pt->ncolumns; c++) {
            const SqlColumn *col = &pt->columns[c];
            if (col->type.family != SQLT_ENUM || col->type.enum_id != prev_id)
                continue;
            bool has_default = col->def.kind != SQLDEF_NONE && col->def.kind != SQLDEF_SEQUENCE && col->def.sql.len;
            if (has_default) {
                sqlbuf_puts(out, "ALTER TABLE ");
                w_table(d, out, prev, pt);
                sqlbuf_puts(out, " ALTER COLUMN ");
                w_ident(d, out, col->name);
                sqlbuf_puts(out, " DROP DEFAULT");
                stmt_end(out);
            }
            const char *arr = col->type.list ? "[]" : "";
            sqlbuf_puts(out, "ALTER TABLE ");
            w_table(d, out, prev, pt);
            sqlbuf_puts(out, " ALTER COLUMN ");
            w_ident(d, out, col->name);
            sqlbuf_puts(out, " SET DATA TYPE ");
            sqlbuf_puts(out, qual_new.ptr);
            sqlbuf_puts(out, arr);
            sqlbuf_puts(out, " USING (");
            w_ident(d, out, col->name);
            sqlbuf_puts(out, "::text");
            sqlbuf_puts(out, arr);
            sqlbuf_puts(out, "::");
            sqlbuf_puts(out, qual_new.ptr);
            sqlbuf_puts(out, arr);
            sqlbuf_puts(out, ")");
            stmt_end(out);
        }
    }
    sqlbuf_puts(out, "ALTER TYPE ");
    w_enum(d, out, prev, prev_id, pe->name);
    sqlbuf_puts(out, " RENAME TO ");
    w_ident(d, out, tmp_old);
    stmt_end(out);
    sqlbuf_puts(out, "ALTER TYPE ");
    sqlbuf_puts(out, qual_new.ptr);
    sqlbuf_puts(out, " RENAME TO ");
    w_ident(d, out, ne->name);
    stmt_end(out);
    sqlbuf_puts(out, "DROP TYPE ");
    if (!sql_namespace_is_default(prev, pe->namespace)) {
        w_ident(d, out, prev->namespaces[pe->namespace].name);
        sqlbuf_putc(out, '.');
    }
    w_ident(d, out, tmp_old);
    stmt_end(out);
    /* the defaults back, where they are still values of the type */
    for (uint32_t t = 0; t < prev->ntables; t++) {
        const SqlTable *pt = &prev->tables[t];
        for (uint32_t c = 0; c < pt->ncolumns; c++) {
            const SqlColumn *col = &pt->columns[c];
            if (col->type.family != SQLT_ENUM || col->type.enum_id != prev_id || col->def.kind == SQLDEF_NONE ||
                col->def.kind == SQLDEF_SEQUENCE || !col->def.sql.len)
                continue;
            bool still = false;
            for (uint32_t v = 0; v < ne->nvalues && !still; v++) {
                SqlBuf lit = {0};
                w_string(d, &lit, ne->values[v]);
                still = lit.ptr && str_contains(col->def.sql, lit.ptr, lit.len);
                sqlbuf_free(&lit);
            }
            if (!still && !col->type.list)
                continue;
            sqlbuf_puts(out, "ALTER TABLE ");
            w_table(d, out, prev, pt);
            sqlbuf_puts(out, " ALTER COLUMN ");
            w_ident(d, out, col->name);
            sqlbuf_puts(out, " SET DEFAULT ");
            sqlbuf_putstr(out, sql_default_text(&col->def));
            stmt_end(out);
        }
    }
    sqlbuf_free(&qual_new);
}

/* ---- SQLite: adding in place, or rebuilding -------------------------------------------------- */

static bool sqlite_fks_same(const SqlSchema *a, const SqlTable *at, const SqlSchema *b, const SqlTable *bt)
{
    if (at->nfks != bt->nfks)
        return false;
    for (uint32_t i = 0; i < at->nfks; i++) {
        bool found = false;
        for (uint32_t j = 0; j < bt->nfks && !found; j++) {
            const SqlForeignKey *x = &at->fks[i], *y = &bt->fks[j];
            if (x->ncolumns != y->ncolumns || x->on_delete != y->on_delete || x->on_update != y->on_update)
                continue;
            const SqlTable *xr = &a->tables[x->referenced_table], *yr = &b->tables[y->referenced_table];
            bool same = str_eq(xr->name, yr->name);
            for (uint32_t k = 0; k < x->ncolumns && same; k++)
                same = str_eq(at->columns[x->columns[k]].name, bt->columns[y->columns[k]].name) &&
                       str_eq(xr->columns[x->referenced_columns[k]].name, yr->columns[y->referenced_columns[k]].name);
            found = same;
        }
        if (!found)
            return false;
    }
    return true;
}

static bool sqlite_pks_same(const SqlTable *a, const SqlTable *b)
{
    const SqlIndex *x = sql_table_primary_key(a), *y = sql_table_primary_key(b);
    if (!x || !y)
        return !x && !y;
    if (x->ncolumns != y->ncolumns)
        return false;
    for (uint32_t k = 0; k < x->ncolumns; k++)
        if (!str_eq(a->columns[x->columns[k].column].name, b->columns[y->columns[k].column].name))
            return false;
    return true;
}

/* Can ALTER TABLE ADD COLUMN do it? (lang_altertable: no PRIMARY KEY or UNIQUE column, a NOT
 * NULL column needs a constant non-NULL default, no CURRENT_* or expression default.) */
static bool sqlite_addable(const SqlTable *nt, uint32_t column)
{
    const SqlColumn *c = &nt->columns[column];
    const SqlIndex *pk = sql_table_primary_key(nt);
    if (pk)
        for (uint32_t k = 0; k < pk->ncolumns; k++)
            if (pk->columns[k].column == column)
                return false;
    if (column_in_fk(nt, column))
        return false;
    if (c->def.kind == SQLDEF_NOW || c->def.kind == SQLDEF_EXPRESSION || c->def.kind == SQLDEF_SEQUENCE)
        return false;
    if (!c->nullable && !(c->def.kind == SQLDEF_VALUE && c->def.sql.len && !str_eq_cstr(c->def.sql, "NULL")))
        return false;
    return true;
}

static bool sqlite_index_present(const SqlTable *t, const SqlIndex *x, const SqlTable *other, bool by_definition_too)
{
    for (uint32_t i = 0; i < other->nindexes; i++) {
        const SqlIndex *y = &other->indexes[i];
        if (y->kind == SQLIDX_PRIMARY || y->kind != x->kind || y->ncolumns != x->ncolumns)
            continue;
        if (!str_eq(x->name, y->name) && !(by_definition_too && (is_autoindex_name(x->name) || is_autoindex_name(y->name))))
            continue;
        bool same = true;
        for (uint32_t k = 0; k < x->ncolumns && same; k++)
            same = str_eq(t->columns[x->columns[k].column].name, other->columns[y->columns[k].column].name) &&
                   (x->columns[k].sort == SORT_DESC) == (y->columns[k].sort == SORT_DESC);
        if (same)
            return true;
    }
    return false;
}

static void sqlite_index_stmt(Plan *p, Migration *m, uint32_t next_table, uint32_t index, SqlBuf *out)
{
    MigrateStep s = {0};
    s.kind = STEP_CREATE_INDEX;
    s.prev_table = s.prev_id = SQL_NONE;
    s.next_table = next_table;
    s.next_id = index;
    (void)p;
    render_one(m, &s, out);
}

/* Is the index `name` of a rebuilt table put back from the database's own definition? A partial
 * index that a schema without the preview feature partialIndexes pairs with its index of the
 * same name (Prisma does not compare the condition): the database's, with its condition, is. */
static bool kept_as_it_was(const Plan *p, const SqlSchema *prev, uint32_t prev_table, const SqlTable *nt,
                           const SqlIndex *ni)
{
    if (!p->sc->partial_indexes_gated)
        return false;
    const SqlTable *pt = &prev->tables[prev_table];
    const SqlIndex *pi = NULL;
    for (uint32_t i = 0; i < pt->nindexes && !pi; i++)
        if (pt->indexes[i].predicate.len && str_eq(pt->indexes[i].name, ni->name))
            pi = &pt->indexes[i];
    if (!pi || pi->kind != ni->kind || pi->ncolumns != ni->ncolumns)
        return false;
    for (uint32_t k = 0; k < pi->ncolumns; k++)
        if (!str_eq(pt->columns[pi->columns[k].column].name, nt->columns[ni->columns[k].column].name) ||
            (pi->columns[k].sort == SORT_DESC) != (ni->columns[k].sort == SORT_DESC))
            return false;
    for (uint32_t u = 0; u < prev->nunmanaged; u++) {
        const SqlUnmanaged *x = &prev->unmanaged[u];
        if (x->kind == UNMANAGED_PARTIAL_INDEX && x->table == prev_table && x->definition.len && str_eq(x->name, ni->name))
            return true;
    }
    return false;
}

static void sqlite_redefine(Plan *p, Migration *m, const MigrateStep *s, SqlBuf *out)
{
    const Dialect *d = p->d;
    const SqlSchema *prev = m->prev, *next = m->next;
    /* which tables really need a rebuild */
    bool *rebuild = calloc(s->detail->nredefines + 1, 1);
    bool any = false;
    for (uint32_t r = 0; r < s->detail->nredefines; r++) {
        const RedefineTable *rd = &s->detail->redefines[r];
        const SqlTable *pt = &prev->tables[rd->prev_table], *nt = &next->tables[rd->next_table];
        bool in_place = rd->ndropped == 0 && !rd->dropped_primary_key && sqlite_pks_same(pt, nt) &&
                        sqlite_fks_same(prev, pt, next, nt);
        for (uint32_t i = 0; i < rd->npairs && in_place; i++)
            in_place = rd->pairs[i].changes == 0;
        for (uint32_t i = 0; i < rd->nadded && in_place; i++)
            in_place = sqlite_addable(nt, rd->added[i]);
        rebuild[r] = !in_place;
        any |= !in_place;
    }
    /* views and triggers may name a rebuilt table: SQLite checks them when the new table is
     * renamed, and drops a table's triggers with it; they go first and come back at the end */
    if (any) {
        sqlbuf_puts(out, "PRAGMA defer_foreign_keys=ON;\n");
        for (uint32_t u = 0; u < prev->nunmanaged; u++) {
            const SqlUnmanaged *x = &prev->unmanaged[u];
            if (x->kind != UNMANAGED_VIEW && x->kind != UNMANAGED_TRIGGER)
                continue;
            sqlbuf_puts(out, x->kind == UNMANAGED_VIEW ? "DROP VIEW IF EXISTS " : "DROP TRIGGER IF EXISTS ");
            w_ident(d, out, x->name);
            stmt_end(out);
        }
    }
    for (uint32_t r = 0; r < s->detail->nredefines; r++) {
        const RedefineTable *rd = &s->detail->redefines[r];
        const SqlTable *pt = &prev->tables[rd->prev_table], *nt = &next->tables[rd->next_table];
        uint32_t sct = sc_table_of_target(p, rd->next_table);
        if (!rebuild[r]) {
            for (uint32_t i = 0; i < rd->nadded; i++) {
                sqlbuf_puts(out, "ALTER TABLE ");
                w_ident(d, out, pt->name);
                sqlbuf_puts(out, " ADD COLUMN ");
                w_column_def(d, out, next, &nt->columns[rd->added[i]]);
                stmt_end(out);
            }
            for (uint32_t i = 0; i < pt->nindexes; i++) {
                const SqlIndex *x = &pt->indexes[i];
                if (x->kind == SQLIDX_PRIMARY || is_autoindex_name(x->name) || sqlite_index_present(pt, x, nt, true))
                    continue;
                sqlbuf_puts(out, "DROP INDEX ");
                w_ident(d, out, x->name);
                stmt_end(out);
            }
            for (uint32_t i = 0; i < nt->nindexes; i++) {
                const SqlIndex *x = &nt->indexes[i];
                if (x->kind == SQLIDX_PRIMARY || sqlite_index_present(nt, x, pt, true))
                    continue;
                sqlite_index_stmt(p, m, rd->next_table, i, out);
            }
            continue;
        }
        /* CREATE TABLE "new_T" (the target's definition, plus the table's CHECK constraints) */
        SqlBuf create = {0};
        MigrateStep cs = {0};
        cs.kind = STEP_CREATE_TABLE;
        cs.prev_table = cs.prev_id = cs.next_id = SQL_NONE;
        cs.next_table = rd->next_table;
        render_one(m, &cs, &create);
        SqlBuf quoted = {0};
        sqlbuf_puts(&quoted, "CREATE TABLE ");
        w_ident(d, &quoted, nt->name);
        SqlBuf tmpname = {0};
        sqlbuf_puts(&tmpname, "new_");
        sqlbuf_putstr(&tmpname, nt->name);
        Str tmp = {tmpname.ptr, (uint32_t)tmpname.len};
        if (create.ptr && strncmp(create.ptr, quoted.ptr, quoted.len) == 0) {
            sqlbuf_puts(out, "CREATE TABLE ");
            w_ident(d, out, tmp);
            const char *rest = create.ptr + quoted.len;
            const char *close = strstr(rest, "\n);\n");
            bool checks = false;
            for (uint32_t u = 0; u < prev->nunmanaged; u++)
                checks |= prev->unmanaged[u].kind == UNMANAGED_CHECK && prev->unmanaged[u].table == rd->prev_table;
            if (close && checks) {
                sqlbuf_put(out, rest, (size_t)(close - rest));
                for (uint32_t u = 0; u < prev->nunmanaged; u++) {
                    const SqlUnmanaged *x = &prev->unmanaged[u];
                    if (x->kind != UNMANAGED_CHECK || x->table != rd->prev_table)
                        continue;
                    sqlbuf_puts(out, ",\n    ");
                    sqlbuf_putstr(out, x->definition);
                }
                sqlbuf_puts(out, close);
            } else {
                sqlbuf_puts(out, rest);
            }
        }
        sqlbuf_free(&create);
        sqlbuf_free(&quoted);
        /* the rows, with a value for every column that is NOT NULL now */
        SqlBuf cols = {0}, vals = {0};
        for (uint32_t i = 0; i < rd->npairs; i++) {
            const ColumnPair *cp = &rd->pairs[i];
            const SqlColumn *pc = &pt->columns[cp->prev], *nc = &nt->columns[cp->next];
            if (cols.len) {
                sqlbuf_puts(&cols, ", ");
                sqlbuf_puts(&vals, ", ");
            }
            w_ident(d, &cols, nc->name);
            SqlBuf v = {0};
            if (pc->nullable && !nc->nullable && w_fill_value(p, &v, nc)) {
                const Placeholder *ph = placeholder_for(p, sct, nc->name, true);
                if (ph)
                    comment_placeholder(p, out, nt, nc, ph, sql_default_renders(&nc->def));
                sqlbuf_puts(&vals, "coalesce(");
                w_ident(d, &vals, pc->name);
                sqlbuf_puts(&vals, ", ");
                sqlbuf_puts(&vals, v.ptr);
                sqlbuf_puts(&vals, ")");
            } else {
                w_ident(d, &vals, pc->name);
            }
            sqlbuf_free(&v);
        }
        for (uint32_t i = 0; i < rd->nadded; i++) {
            const SqlColumn *nc = &nt->columns[rd->added[i]];
            if (nc->nullable || sql_default_renders(&nc->def) || nc->autoincrement)
                continue;
            SqlBuf v = {0};
            if (!w_placeholder(d, &v, next, nc)) {
                sqlbuf_free(&v);
                continue;
            }
            const Placeholder *ph = placeholder_for(p, sct, nc->name, false);
            comment_placeholder(p, out, nt, nc, ph, false);
            if (cols.len) {
                sqlbuf_puts(&cols, ", ");
                sqlbuf_puts(&vals, ", ");
            }
            w_ident(d, &cols, nc->name);
            sqlbuf_puts(&vals, v.ptr);
            sqlbuf_free(&v);
        }
        if (cols.len) {
            sqlbuf_puts(out, "INSERT INTO ");
            w_ident(d, out, tmp);
            sqlbuf_puts(out, " (");
            sqlbuf_puts(out, cols.ptr);
            sqlbuf_puts(out, ") SELECT ");
            sqlbuf_puts(out, vals.ptr);
            sqlbuf_puts(out, " FROM ");
            w_ident(d, out, pt->name);
            stmt_end(out);
        }
        sqlbuf_free(&cols);
        sqlbuf_free(&vals);
        sqlbuf_puts(out, "DROP TABLE ");
        w_ident(d, out, pt->name);
        stmt_end(out);
        sqlbuf_puts(out, "ALTER TABLE ");
        w_ident(d, out, tmp);
        sqlbuf_puts(out, " RENAME TO ");
        w_ident(d, out, nt->name);
        stmt_end(out);
        sqlbuf_free(&tmpname);
        for (uint32_t i = 0; i < nt->nindexes; i++)
            if (nt->indexes[i].kind != SQLIDX_PRIMARY && !kept_as_it_was(p, prev, rd->prev_table, nt, &nt->indexes[i]))
                sqlite_index_stmt(p, m, rd->next_table, i, out);
        /* the table's expression indexes, and its partial indexes when the schema leaves them
         * alone (no partialIndexes preview feature), as they were */
        for (uint32_t u = 0; u < prev->nunmanaged; u++) {
            const SqlUnmanaged *x = &prev->unmanaged[u];
            if (x->table != rd->prev_table || !x->definition.len)
                continue;
            if (x->kind == UNMANAGED_PARTIAL_INDEX) {
                if (!p->sc->partial_indexes_gated)
                    continue;   /* an index like any other: the schema's, or dropped */
                bool replaced = false;  /* by the schema's index of that name */
                for (uint32_t i = 0; i < nt->nindexes && !replaced; i++)
                    replaced = str_eq(nt->indexes[i].name, x->name) &&
                               !kept_as_it_was(p, prev, rd->prev_table, nt, &nt->indexes[i]);
                if (replaced)
                    continue;
            } else if (x->kind != UNMANAGED_EXPRESSION_INDEX) {
                continue;
            }
            sqlbuf_putstr(out, x->definition);
            stmt_end(out);
        }
    }
    if (any) {
        /* triggers and views back, in the order the database created them */
        for (uint32_t u = 0; u < prev->nunmanaged; u++) {
            const SqlUnmanaged *x = &prev->unmanaged[u];
            if ((x->kind != UNMANAGED_VIEW && x->kind != UNMANAGED_TRIGGER) || !x->definition.len)
                continue;
            if (x->kind == UNMANAGED_TRIGGER && x->table != SQL_NONE && p->t_of_db[x->table] == SQL_NONE)
                continue;   /* its table is gone */
            sqlbuf_putstr(out, x->definition);
            stmt_end(out);
        }
        sqlbuf_puts(out, "PRAGMA defer_foreign_keys=OFF;\n");
    }
    free(rebuild);
}

/* ---- renames ------------------------------------------------------------------------------------ */

/* The rename statements, in the order they can run (enums, tables, columns). */
static void write_renames(const Plan *p, const CheckResult *r, SqlBuf *out, const char *prefix)
{
    const Dialect *d = p->d;
    const SqlSchema *db = p->db0, *sc = p->sc;
    for (uint32_t k = 0; k < r->nrenames; k++) {
        const CheckRename *x = &r->renames[k];
        if (x->kind != RENAME_ENUM)
            continue;
        sqlbuf_puts(out, prefix);
        sqlbuf_puts(out, "ALTER TYPE ");
        w_enum(d, out, db, x->db_id, db->enums[x->db_id].name);
        sqlbuf_puts(out, " RENAME TO ");
        w_ident(d, out, sc->enums[x->schema_id].name);
        stmt_end(out);
    }
    for (uint32_t k = 0; k < r->nrenames; k++) {
        const CheckRename *x = &r->renames[k];
        if (x->kind != RENAME_TABLE)
            continue;
        sqlbuf_puts(out, prefix);
        sqlbuf_puts(out, "ALTER TABLE ");
        w_table(d, out, db, &db->tables[x->db_table]);
        sqlbuf_puts(out, " RENAME TO ");
        w_ident(d, out, sc->tables[x->schema_table].name);
        stmt_end(out);
    }
    for (uint32_t k = 0; k < r->nrenames; k++) {
        const CheckRename *x = &r->renames[k];
        if (x->kind != RENAME_COLUMN)
            continue;
        const SqlTable *dt = &db->tables[x->db_table];
        bool table_renamed = false;
        for (uint32_t j = 0; j < r->nrenames; j++)
            table_renamed |= r->renames[j].kind == RENAME_TABLE && r->renames[j].db_table == x->db_table;
        sqlbuf_puts(out, prefix);
        sqlbuf_puts(out, "ALTER TABLE ");
        if (table_renamed) {
            SqlTable renamed = *dt;
            renamed.name = sc->tables[x->schema_table].name;
            w_table(d, out, db, &renamed);
        } else {
            w_table(d, out, db, dt);
        }
        sqlbuf_puts(out, " RENAME COLUMN ");
        w_ident(d, out, dt->columns[x->db_id].name);
        sqlbuf_puts(out, " TO ");
        w_ident(d, out, sc->tables[x->schema_table].columns[x->schema_id].name);
        stmt_end(out);
    }
}

/* The database's model with the renames done. */
static SqlSchema *apply_renames(const CheckResult *r)
{
    SqlSchema *s = clone_schema(r->db);
    for (uint32_t k = 0; k < r->nrenames; k++) {
        const CheckRename *x = &r->renames[k];
        switch (x->kind) {
        case RENAME_TABLE:
            s->tables[x->db_table].name = sql_strs(s, r->schema->tables[x->schema_table].name);
            break;
        case RENAME_COLUMN:
            s->tables[x->db_table].columns[x->db_id].name =
                sql_strs(s, r->schema->tables[x->schema_table].columns[x->schema_id].name);
            break;
        case RENAME_ENUM: {
            Str name = sql_strs(s, r->schema->enums[x->schema_id].name);
            s->enums[x->db_id].name = name;
            for (uint32_t t = 0; t < s->ntables; t++)
                for (uint32_t c = 0; c < s->tables[t].ncolumns; c++) {
                    SqlColumn *col = &s->tables[t].columns[c];
                    if (col->type.family == SQLT_ENUM && col->type.enum_id == x->db_id)
                        col->type.name = name;
                }
            break;
        }
        }
    }
    return s;
}

/* ---- assembling the script ---------------------------------------------------------------------- */

static uint32_t count_statements(const char *s)
{
    uint32_t n = 0;
    while (s && *s) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len && !(len >= 2 && s[0] == '-' && s[1] == '-') && s[len - 1] == ';')
            n++;
        s = e ? e + 1 : s + len;
    }
    return n;
}

/* Each line of `text` as a comment. */
static void put_commented(SqlBuf *out, const char *text)
{
    const char *s = text;
    while (s && *s) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len == 0)
            sqlbuf_puts(out, "--\n");
        else {
            sqlbuf_puts(out, "-- ");
            sqlbuf_put(out, s, len);
            sqlbuf_putc(out, '\n');
        }
        s = e ? e + 1 : s + len;
    }
}

static int step_order(const void *x, const void *y)
{
    const MigrateStep *a = x, *b = y;
    return (int)a->kind - (int)b->kind;
}

/* PostgreSQL: a foreign key that relies on a unique index or primary key being dropped is
 * dropped first and added back at the end (Prisma's script fails on the DROP INDEX). */
static void add_dependent_fk_steps(Plan *p, const Migration *m, MigrateStep **steps, uint32_t *n, uint32_t *cap)
{
    if (!p->pg)
        return;
    const SqlSchema *prev = m->prev, *next = m->next;
    uint32_t count = *n;
    for (uint32_t i = 0; i < count; i++) {
        const MigrateStep *s = &(*steps)[i];
        const SqlIndex *dropped = NULL;
        uint32_t table = s->prev_table;
        if (s->kind == STEP_DROP_INDEX && prev->tables[table].indexes[s->prev_id].kind == SQLIDX_UNIQUE)
            dropped = &prev->tables[table].indexes[s->prev_id];
        if (s->kind == STEP_ALTER_TABLE && !pk_kept(&prev->tables[table], &next->tables[s->next_table]))
            for (uint32_t c = 0; c < s->detail->nchanges; c++)
                if (s->detail->changes[c].kind == TABLECHANGE_DROP_PRIMARY_KEY)
                    dropped = sql_table_primary_key(&prev->tables[table]);
        if (!dropped)
            continue;
        const SqlTable *pt = &prev->tables[table];
        for (uint32_t t = 0; t < prev->ntables; t++) {
            const SqlTable *ft = &prev->tables[t];
            for (uint32_t f = 0; f < ft->nfks; f++) {
                const SqlForeignKey *fk = &ft->fks[f];
                if (fk->referenced_table != table || fk->ncolumns != dropped->ncolumns)
                    continue;
                bool same = true;
                for (uint32_t k = 0; k < fk->ncolumns && same; k++) {
                    bool found = false;
                    for (uint32_t x = 0; x < dropped->ncolumns && !found; x++)
                        found = str_eq(pt->columns[fk->referenced_columns[k]].name,
                                       pt->columns[dropped->columns[x].column].name);
                    same = found;
                }
                if (!same)
                    continue;
                bool already = false;
                for (uint32_t j = 0; j < *n && !already; j++)
                    already = (*steps)[j].kind == STEP_DROP_FOREIGN_KEY && (*steps)[j].prev_table == t &&
                              (*steps)[j].prev_id == f;
                if (already)
                    continue;
                MigrateStep drop = {0};
                drop.kind = STEP_DROP_FOREIGN_KEY;
                drop.prev_table = t;
                drop.prev_id = f;
                drop.next_table = drop.next_id = SQL_NONE;
                ARENA_PUSH(&p->arena, *steps, *n, *cap, drop);
                uint32_t tt = p->t_of_db[t];
                if (tt == SQL_NONE)
                    continue;
                const SqlTable *nt = &next->tables[tt];
                for (uint32_t g = 0; g < nt->nfks; g++) {
                    if (!str_eq(nt->fks[g].name, fk->name))
                        continue;
                    bool added = false;
                    for (uint32_t j = 0; j < *n && !added; j++)
                        added = (*steps)[j].kind == STEP_ADD_FOREIGN_KEY && (*steps)[j].next_table == tt &&
                                (*steps)[j].next_id == g;
                    if (!added) {
                        MigrateStep add = {0};
                        add.kind = STEP_ADD_FOREIGN_KEY;
                        add.prev_table = add.prev_id = SQL_NONE;
                        add.next_table = tt;
                        add.next_id = g;
                        ARENA_PUSH(&p->arena, *steps, *n, *cap, add);
                    }
                    break;
                }
            }
        }
    }
}

/* Enums whose values are the same but in another order: the differ plans nothing for them. */
static void add_reorder_steps(Plan *p, const Migration *m, MigrateStep **steps, uint32_t *n, uint32_t *cap)
{
    if (!p->pg)
        return;
    const SqlSchema *prev = m->prev, *next = m->next;
    for (uint32_t j = 0; j < next->nenums; j++) {
        const SqlEnum *ne = &next->enums[j];
        uint32_t i = sql_find_enum(prev, SQL_NONE, ne->name);
        for (uint32_t k = 0; k < prev->nenums; k++)
            if (str_eq(prev->enums[k].name, ne->name) &&
                str_eq(sql_namespace_name(prev, prev->enums[k].namespace), sql_namespace_name(next, ne->namespace)))
                i = k;
        if (i == SQL_NONE)
            continue;
        const SqlEnum *pe = &prev->enums[i];
        if (pe->nvalues != ne->nvalues)
            continue;
        bool same_set = true, same_order = true;
        for (uint32_t v = 0; v < ne->nvalues; v++) {
            same_set &= enum_has_value(pe, ne->values[v]);
            same_order &= str_eq(pe->values[v], ne->values[v]);
        }
        if (!same_set || same_order)
            continue;
        MigrateStep s = {0};
        s.kind = STEP_ALTER_ENUM;
        s.prev_table = s.next_table = SQL_NONE;
        s.prev_id = i;
        s.next_id = j;
        ARENA_PUSH(&p->arena, *steps, *n, *cap, s);
    }
}

static void render_steps(Plan *p, Migration *m, SqlBuf *out)
{
    MigrateStep *steps = NULL;
    uint32_t n = 0, cap = 0;
    for (uint32_t i = 0; i < m->nsteps; i++)
        ARENA_PUSH(&p->arena, steps, n, cap, m->steps[i]);
    add_dependent_fk_steps(p, m, &steps, &n, &cap);
    add_reorder_steps(p, m, &steps, &n, &cap);
    /* stable by kind: merge the appended steps into their kind's place */
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0 && step_order(&steps[j - 1], &steps[j]) > 0; j--) {
            MigrateStep t = steps[j];
            steps[j] = steps[j - 1];
            steps[j - 1] = t;
        }
    Out o = {out, true};
    for (uint32_t i = 0; i < n; i++) {
        const MigrateStep *s = &steps[i];
        SqlBuf body = {0};
        switch (s->kind) {
        case STEP_ALTER_TABLE:
            if (p->pg)
                pg_alter_table(p, m, s, &body);
            else
                render_one(m, s, &body);
            break;
        case STEP_ALTER_ENUM:
            pg_alter_enum(p, m, s->prev_id, s->next_id, &body);
            break;
        case STEP_REDEFINE_TABLES:
            sqlite_redefine(p, m, s, &body);
            break;
        case STEP_DROP_INDEX:
        case STEP_REDEFINE_INDEX:
            if (!p->pg && is_autoindex_name(m->prev->tables[s->prev_table].indexes[s->prev_id].name))
                break;  /* SQLite's own index behind an inline UNIQUE: it matches, and cannot be dropped */
            render_one(m, s, &body);
            break;
        default:
            render_one(m, s, &body);
            break;
        }
        if (body.len) {
            section(&o, migrate_step_name(s->kind));
            sqlbuf_put(out, body.ptr, body.len);
        }
        sqlbuf_free(&body);
    }
}

static const char *why_label(Why w)
{
    switch (w) {
    case WHY_LOSSY: return "can lose data";
    case WHY_BLOCKED: return "blocked by rows";
    case WHY_RENAME: return "looks renamed";
    case WHY_DEPENDS: return "depends on what is left out";
    case WHY_NONE: break;
    }
    return "left out";
}

/* The reason a finding of the target-vs-schema comparison is left, from the original decision. */
static Why reason_of(const Plan *p, const CheckFinding *f, const char **text)
{
    for (uint32_t k = 0; k < p->r1->nfindings; k++) {
        const CheckFinding *g = &p->r1->findings[k];
        if (g->kind == f->kind && strcmp(g->object, f->object) == 0) {
            *text = p->why_text[k];
            return p->why[k] != WHY_NONE ? p->why[k] : WHY_DEPENDS;
        }
    }
    *text = NULL;
    return WHY_DEPENDS;
}

bool repair_write_script(const CheckResult *check, const RepairOptions *opts, SqlBuf *out, RepairSummary *summary,
                         DbError *err)
{
    memset(summary, 0, sizeof *summary);
    Plan p = {0};
    arena_init(&p.arena);
    p.o = opts;
    p.d = check->dialect;
    p.pg = check->dialect->flavour == SQL_POSTGRES;
    p.db0 = check->db;
    p.sc = check->schema;
    p.r0 = check;
    bool renamed = opts->apply_renames && check->nrenames > 0;
    if (renamed) {
        p.db1 = apply_renames(check);
        p.cur = p.db1;
        p.r1 = check_compare(p.db1, p.sc, p.d);
    } else {
        p.cur = p.db0;
        p.r1 = (CheckResult *)check;
    }
    if (!probe_open(&p.probe, opts, p.sc->flavour, err)) {
        if (renamed) {
            check_free(p.r1);
            sql_schema_free(p.db1);
        }
        arena_free(&p.arena);
        return false;
    }
    const SqlSchema *cur = p.cur, *sc = p.sc;
    p.skip_table = arena_alloc(&p.arena, sc->ntables + 1);
    p.skip_col = arena_alloc(&p.arena, (sc->ntables + 1) * sizeof *p.skip_col);
    p.keep_type = arena_alloc(&p.arena, (sc->ntables + 1) * sizeof *p.keep_type);
    p.keep_null = arena_alloc(&p.arena, (sc->ntables + 1) * sizeof *p.keep_null);
    p.recreate = arena_alloc(&p.arena, (sc->ntables + 1) * sizeof *p.recreate);
    p.skip_index = arena_alloc(&p.arena, (sc->ntables + 1) * sizeof *p.skip_index);
    p.skip_fk = arena_alloc(&p.arena, (sc->ntables + 1) * sizeof *p.skip_fk);
    p.keep_pk = arena_alloc(&p.arena, sc->ntables + 1);
    p.keep_db_table = arena_alloc(&p.arena, cur->ntables + 1);
    p.keep_db_col = arena_alloc(&p.arena, (cur->ntables + 1) * sizeof *p.keep_db_col);
    p.skip_enum = arena_alloc(&p.arena, sc->nenums + 1);
    p.keep_db_enum = arena_alloc(&p.arena, cur->nenums + 1);
    p.keep_values = arena_alloc(&p.arena, sc->nenums + 1);
    p.why = arena_alloc(&p.arena, (p.r1->nfindings + 1) * sizeof *p.why);
    p.why_text = arena_alloc(&p.arena, (p.r1->nfindings + 1) * sizeof *p.why_text);
    p.rows_of = arena_alloc(&p.arena, (cur->ntables + 1) * sizeof *p.rows_of);
    for (uint32_t i = 0; i < cur->ntables; i++)
        p.rows_of[i] = -2;

    decide(&p);
    build_target(&p);
    Migration *m = migrate_diff(cur, p.target, p.d);

    /* the statements */
    SqlBuf body = {0};
    if (renamed) {
        Out o = {&body, true};
        section(&o, "RenameObjects (the table, column and enum renames --apply-renames asked for)");
        write_renames(&p, check, &body, "");
    }
    SqlBuf steps = {0};
    render_steps(&p, m, &steps);
    if (steps.len) {
        if (body.len)
            sqlbuf_putc(&body, '\n');
        sqlbuf_put(&body, steps.ptr, steps.len);
    }
    sqlbuf_free(&steps);

    /* what is left, and why */
    CheckResult *rest = check_compare(p.target, sc, p.d);
    SqlBuf left = {0};
    for (uint32_t k = 0; k < rest->nfindings; k++) {
        const CheckFinding *f = &rest->findings[k];
        if (f->kind == CHECK_UNMANAGED)
            continue;
        const char *text = NULL;
        Why w = reason_of(&p, f, &text);
        summary->left_out++;
        summary->lossy += w == WHY_LOSSY;
        summary->blocked += w == WHY_BLOCKED || w == WHY_DEPENDS;
        summary->renames += w == WHY_RENAME;
        sqlbuf_printf(&left, "--   %s %s: %s", check_kind_name(f->kind), f->object, why_label(w));
        if (text)
            sqlbuf_printf(&left, " - %s", text);
        sqlbuf_putc(&left, '\n');
    }
    summary->placeholders = 0;
    for (uint32_t i = 0; i < p.nplaceholders; i++)
        summary->placeholders += p.placeholders[i].rows != 0;

    /* the frame */
    sqlbuf_puts(out, "-- prismac repair script");
    if (opts->header) {
        sqlbuf_puts(out, ": ");
        sqlbuf_puts(out, opts->header);
    }
    sqlbuf_putc(out, '\n');
    summary->statements = count_statements(body.ptr);
    if (!body.len) {
        sqlbuf_puts(out, "-- Nothing to run: ");
        sqlbuf_puts(out, summary->left_out ? "every difference left is listed below.\n"
                                           : "the database matches the schema.\n");
    } else {
        uint32_t done = check->ndrift > summary->left_out ? check->ndrift - summary->left_out : 0;
        sqlbuf_printf(out, "-- Repairs %u of %u finding%s in one transaction%s.\n", done, check->ndrift,
                      check->ndrift == 1 ? "" : "s",
                      summary->placeholders ? "; review the placeholder values it names" : "");
        bool rebuilds = false;
        for (uint32_t i = 0; i < m->nsteps; i++)
            rebuilds |= m->steps[i].kind == STEP_REDEFINE_TABLES || m->steps[i].kind == STEP_DROP_TABLE;
        if (!p.pg && rebuilds)
            sqlbuf_puts(out, "PRAGMA foreign_keys=OFF;\n");
        sqlbuf_puts(out, "BEGIN;\n");
        if (p.pg && !str_eq_cstr(sc->default_namespace, "public")) {
            sqlbuf_puts(out, "SET LOCAL search_path TO ");
            w_ident(p.d, out, sc->default_namespace);
            stmt_end(out);
        }
        sqlbuf_putc(out, '\n');
        sqlbuf_put(out, body.ptr, body.len);
        sqlbuf_puts(out, "\nCOMMIT;\n");
        if (!p.pg && rebuilds)
            sqlbuf_puts(out, "PRAGMA foreign_keys=ON;\n");
    }
    if (summary->left_out || (!renamed && check->nrenames)) {
        sqlbuf_puts(out, "\n-- --------------------------------------------------------------------------------\n");
        if (summary->left_out) {
            sqlbuf_printf(out, "-- Left out (%u finding%s):\n", summary->left_out, summary->left_out == 1 ? "" : "s");
            sqlbuf_put(out, left.ptr, left.len);
        }
        if (!renamed && check->nrenames) {
            sqlbuf_puts(out, "--\n-- These look renamed. After checking, run the check again with --apply-renames, "
                             "or run instead:\n");
            write_renames(&p, check, out, "--   ");
        }
        if (rest->ndrift) {
            SqlBuf rs = {0};
            RenderOptions ro = {.warnings = true};
            migrate_render_script(rest->migration, &ro, &rs);
            sqlbuf_puts(out, "--\n-- What the schema would still need (Prisma's statements; NOT run):\n--\n");
            put_commented(out, rs.ptr);
            sqlbuf_free(&rs);
        }
    }
    if (out->len && out->ptr[out->len - 1] != '\n')
        sqlbuf_putc(out, '\n');
    sqlbuf_free(&left);
    sqlbuf_free(&body);
    check_free(rest);
    migrate_free(m);
    sql_schema_free(p.target);
    probe_close(&p.probe);
    if (renamed) {
        check_free(p.r1);
        sql_schema_free(p.db1);
    }
    arena_free(&p.arena);
    return true;
}
