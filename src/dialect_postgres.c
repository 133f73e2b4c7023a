/* The PostgreSQL dialect: statements as Prisma's postgres renderer writes them. */
#include "prismac/migrate.h"

#include <stdio.h>

#define INDENT "    "
/* identifiers as the dialect quotes them (the Prisma-exact one does not escape them) */
#define QI(out, ...) write_ident(ctx, (out), (__VA_ARGS__))

static inline void write_ident(const RenderCtx *ctx, SqlBuf *out, Str name)
{
    sqlbuf_commit(out, sql_put_ident(sqlbuf_room(out, 2 * (size_t)name.len + 2), ctx->dialect, name));
}

static void quote_with(SqlBuf *out, Str s, char q)
{
    sqlbuf_commit(out, sql_put_quoted(sqlbuf_room(out, 2 * (size_t)s.len + 2), s, q, false));
}

static void pg_quote_ident(SqlBuf *out, Str name)
{
    quote_with(out, name, '"');
}

static void pg_quote_string(SqlBuf *out, Str value)
{
    quote_with(out, value, '\'');
}

/* Prisma-exact: the quotes around, nothing escaped inside. */
static void raw_ident(SqlBuf *out, Str name)
{
    sqlbuf_commit(out, sql_put_quoted(sqlbuf_room(out, (size_t)name.len + 2), name, '"', true));
}

static void raw_string(SqlBuf *out, Str value)
{
    sqlbuf_putc(out, '\'');
    sqlbuf_putstr(out, value);
    sqlbuf_putc(out, '\'');
}

static void pg_bytes_literal(SqlBuf *out, const unsigned char *bytes, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    sqlbuf_reserve(out, n * 2 + 4);
    SQLBUF_LIT(out, "'\\x");
    for (size_t i = 0; i < n; i++) {
        sqlbuf_putc(out, hex[bytes[i] >> 4]);
        sqlbuf_putc(out, hex[bytes[i] & 15]);
    }
    sqlbuf_putc(out, '\'');
}

/* ---- pieces -------------------------------------------------------------------------------- */

static void pg_write_qualified(const RenderCtx *ctx, const SqlSchema *schema, uint32_t namespace, Str name)
{
    if (!sql_namespace_is_default(schema, namespace)) {
        QI(ctx->out, schema->namespaces[namespace].name);
        sqlbuf_putc(ctx->out, '.');
    }
    QI(ctx->out, name);
}

/* Schema-qualified even in the default schema: how Prisma writes the previous side's table and
 * type in a rewritten enum (render_postgres_alter_enum). */
static void pg_write_always_qualified(const RenderCtx *ctx, const SqlSchema *schema, uint32_t namespace, Str name)
{
    Str ns = sql_namespace_name(schema, namespace);
    if (ns.len) {
        QI(ctx->out, ns);
        sqlbuf_putc(ctx->out, '.');
    }
    QI(ctx->out, name);
}

/* The type of a column that is not an enum's, as Prisma's renderer prints it (SERIAL for
 * autoincrement), without [] for a list. */
static inline Str pg_plain_type(const SqlColumn *c)
{
    if (__builtin_expect(c->autoincrement, 0)) {
        if (str_eq(c->type.name, STR_LIT("INTEGER")))
            return STR_LIT("SERIAL");
        if (str_eq(c->type.name, STR_LIT("SMALLINT")))
            return STR_LIT("SMALLSERIAL");
        if (str_eq(c->type.name, STR_LIT("BIGINT")))
            return STR_LIT("BIGSERIAL");
    }
    return c->type.name;
}

/* The column's type as Prisma's renderer prints it (SERIAL for autoincrement, [] for lists). */
static void pg_write_column_type(const RenderCtx *ctx, const SqlSchema *schema, const SqlColumn *c)
{
    SqlBuf *out = ctx->out;
    if (c->type.family == SQLT_ENUM)
        sql_write_enum_name(ctx->dialect, out, schema, c->type.enum_id, c->type.name);
    else
        sqlbuf_putstr(out, pg_plain_type(c));
    if (c->type.list)
        SQLBUF_LIT(out, "[]");
}

/* `    "name" TYPE[ NOT NULL][ DEFAULT x]` (render_column: the indentation is part of it, which
 * is why Prisma's ADD COLUMN has five spaces), after ",\n" when `sep`, through the cursor
 * (w, *end) of `out`: the line's room made sure of once (a large script is mostly these), an
 * enum type's name too. `raw`: sql_names_raw, asked once per table. */
static inline __attribute__((always_inline)) char *pg_put_column(SqlBuf *out, char *w, char **end, const Dialect *d,
                                                                 const SqlSchema *schema, const SqlColumn *c, bool sep,
                                                                 bool raw)
{
    bool enum_type = c->type.family == SQLT_ENUM;
    Str type;
    const Str *ns = NULL;       /* an enum's schema, outside the default one */
    size_t type_room;
    if (__builtin_expect(enum_type, 0)) {
        /* as sql_write_enum_name writes it */
        type = c->type.name;
        if (c->type.enum_id < schema->nenums) {
            const SqlEnum *e = &schema->enums[c->type.enum_id];
            type = e->name;
            if (d->has_namespaces && !sql_namespace_is_default(schema, e->namespace))
                ns = &schema->namespaces[e->namespace].name;
        }
        type_room = 2 * ((size_t)type.len + (ns ? ns->len : 0)) + 5;
    } else {
        type = pg_plain_type(c);
        type_room = type.len;
    }
    bool has_default = sql_default_renders(&c->def);
    Str def = has_default ? sql_default_text(&c->def) : (Str){"", 0};
    /* what follows the type at its longest: [] and NOT NULL never both */
    w = sqlbuf_ensure(out, w, sizeof ",\n" INDENT + 2 * (size_t)c->name.len + 3 + type_room +
                                  sizeof " NOT NULL DEFAULT " + def.len, end);
    if (sep)
        w = SQL_PUT_LIT(w, ",\n");
    w = SQL_PUT_LIT(w, INDENT);
    w = sql_put_quoted(w, c->name, '"', raw);
    *w++ = ' ';
    if (__builtin_expect(enum_type, 0)) {
        if (ns) {
            w = sql_put_ident(w, d, *ns);
            *w++ = '.';
        }
        w = sql_put_ident(w, d, type);
    } else {
        w = sql_put_str(w, type);
    }
    if (c->type.list)
        w = SQL_PUT_LIT(w, "[]");
    else if (!c->nullable)
        w = SQL_PUT_LIT(w, " NOT NULL");
    if (has_default) {
        w = SQL_PUT_LIT(w, " DEFAULT ");
        w = sql_put_str(w, def);
    }
    return w;
}

/* One column line, as pg_put_column writes it, after what `ctx->out` holds (ADD COLUMN). */
static void pg_write_column(const RenderCtx *ctx, const SqlSchema *schema, const SqlColumn *c, bool sep)
{
    char *end, *w = sqlbuf_cursor(ctx->out, 0, &end);
    w = pg_put_column(ctx->out, w, &end, ctx->dialect, schema, c, sep, sql_names_raw(ctx->dialect, schema));
    sqlbuf_commit(ctx->out, w);
}

/* CREATE TABLE with its column lines and primary key, and the statement's end (";\n"), through
 * one cursor committed once. */
static void pg_write_create_table(const RenderCtx *ctx, const SqlSchema *schema, const SqlTable *t)
{
    SqlBuf *out = ctx->out;
    const Dialect *d = ctx->dialect;
    const bool raw = sql_names_raw(d, schema);
    char *end, *w = sqlbuf_cursor(out, sizeof "CREATE TABLE  (\n" + sql_table_name_room(schema, t), &end);
    w = SQL_PUT_LIT(w, "CREATE TABLE ");
    w = sql_put_table_name(w, d, schema, t);
    w = SQL_PUT_LIT(w, " (\n");
    for (uint32_t i = 0; i < t->ncolumns; i++)
        w = pg_put_column(out, w, &end, d, schema, &t->columns[i], i > 0, raw);
    const SqlIndex *pk = sql_table_primary_key(t);
    size_t room = sizeof ",\n\n" INDENT "CONSTRAINT  PRIMARY KEY ()\n);\n";
    if (pk) {
        room += 2 * (size_t)pk->name.len + 2;
        for (uint32_t k = 0; k < pk->ncolumns; k++)
            room += 2 * (size_t)t->columns[pk->columns[k].column].name.len + 3;
    }
    w = sqlbuf_ensure(out, w, room, &end);
    if (pk) {
        w = SQL_PUT_LIT(w, ",\n\n" INDENT);
        if (pk->name.len) {
            w = SQL_PUT_LIT(w, "CONSTRAINT ");
            w = sql_put_quoted(w, pk->name, '"', raw);
            *w++ = ' ';
        }
        w = SQL_PUT_LIT(w, "PRIMARY KEY (");
        for (uint32_t k = 0; k < pk->ncolumns; k++) {
            if (k)
                *w++ = ',';
            w = sql_put_quoted(w, t->columns[pk->columns[k].column].name, '"', raw);
        }
        *w++ = ')';
    }
    sqlbuf_commit(out, SQL_PUT_LIT(w, "\n);\n"));
}

static const char *algorithm_sql(Str algorithm)
{
    if (algorithm.len == 0)
        return NULL;
    static const char *const names[][2] = {
        {"Hash", "HASH"}, {"Gin", "GIN"}, {"Gist", "GIST"}, {"SpGist", "SPGIST"}, {"Brin", "BRIN"},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (str_eq_cstr(algorithm, names[i][0]))
            return names[i][1];
    return NULL;    /* BTree or none: the default, not written */
}

/* CREATE [UNIQUE] INDEX and the statement's end (";\n"), written into room taken once. */
static void pg_write_create_index(const RenderCtx *ctx, const SqlSchema *schema, const SqlTable *t, const SqlIndex *x)
{
    const Dialect *d = ctx->dialect;
    const bool raw = sql_names_raw(d, schema);
    const char *using = algorithm_sql(x->algorithm);
    size_t using_len = using ? strlen(using) : 0;
    /* the statement at its longest, written into room taken once */
    size_t room = sizeof "CREATE UNIQUE INDEX  ON  USING  ();\n" + 2 * (size_t)x->name.len + 2 +
                  sql_table_name_room(schema, t) + using_len;
    for (uint32_t k = 0; k < x->ncolumns; k++)
        room += 2 * (size_t)t->columns[x->columns[k].column].name.len + x->columns[k].opclass.len + sizeof ",  \"\"  DESC";
    if (x->predicate.len)
        room += sizeof " WHERE ()" + (size_t)x->predicate.len;
    char *w = sqlbuf_room(ctx->out, room);
    w = x->kind == SQLIDX_UNIQUE ? SQL_PUT_LIT(w, "CREATE UNIQUE INDEX ") : SQL_PUT_LIT(w, "CREATE INDEX ");
    w = sql_put_quoted(w, x->name, '"', raw);
    w = SQL_PUT_LIT(w, " ON ");
    w = sql_put_table_name(w, d, schema, t);
    if (using) {
        w = SQL_PUT_LIT(w, " USING ");
        w = sql_put_bytes(w, using, using_len);
        *w++ = ' ';
    }
    *w++ = '(';
    for (uint32_t k = 0; k < x->ncolumns; k++) {
        const SqlIndexColumn *ic = &x->columns[k];
        if (k)
            w = SQL_PUT_LIT(w, ", ");
        w = sql_put_quoted(w, t->columns[ic->column].name, '"', raw);
        if (ic->opclass.len) {
            *w++ = ' ';
            w = sql_put_str(w, ic->opclass);
        }
        if (ic->sort == SORT_ASC)
            w = SQL_PUT_LIT(w, " ASC");
        else if (ic->sort == SORT_DESC)
            w = SQL_PUT_LIT(w, " DESC");
    }
    *w++ = ')';
    if (x->predicate.len) {
        w = SQL_PUT_LIT(w, " WHERE (");
        w = sql_put_str(w, x->predicate);
        *w++ = ')';
    }
    sqlbuf_commit(ctx->out, SQL_PUT_LIT(w, ";\n"));
}

/* ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY (...) REFERENCES ...(...) ON DELETE ... ON UPDATE
 * ... and the statement's end (";\n"), written into room taken once. */
static void pg_write_add_foreign_key(const RenderCtx *ctx, const SqlSchema *schema, const SqlTable *t,
                                     const SqlForeignKey *fk)
{
    const Dialect *d = ctx->dialect;
    const SqlTable *rt = &schema->tables[fk->referenced_table];
    size_t room = sizeof "ALTER TABLE  ADD CONSTRAINT  FOREIGN KEY () REFERENCES () ON DELETE  ON UPDATE ;\n" +
                  sql_table_name_room(schema, t) + 2 * (size_t)fk->name.len + 2 +
                  sql_column_list_room(t, fk->columns, fk->ncolumns) + sql_table_name_room(schema, rt) +
                  sql_column_list_room(rt, fk->referenced_columns, fk->ncolumns) + 2 * SQL_ACTION_ROOM;
    char *w = sqlbuf_room(ctx->out, room);
    w = SQL_PUT_LIT(w, "ALTER TABLE ");
    w = sql_put_table_name(w, d, schema, t);
    w = SQL_PUT_LIT(w, " ADD ");
    if (fk->name.len) {
        w = SQL_PUT_LIT(w, "CONSTRAINT ");
        w = sql_put_name(w, d, schema, fk->name);
        *w++ = ' ';
    }
    w = SQL_PUT_LIT(w, "FOREIGN KEY (");
    w = sql_put_column_list(w, d, schema, t, fk->columns, fk->ncolumns);
    w = SQL_PUT_LIT(w, ") REFERENCES ");
    w = sql_put_table_name(w, d, schema, rt);
    *w++ = '(';
    w = sql_put_column_list(w, d, schema, rt, fk->referenced_columns, fk->ncolumns);
    w = SQL_PUT_LIT(w, ") ON DELETE ");
    w = sql_put_str(w, sql_action_str(fk->on_delete));
    w = SQL_PUT_LIT(w, " ON UPDATE ");
    w = sql_put_str(w, sql_action_str(fk->on_update));
    sqlbuf_commit(ctx->out, SQL_PUT_LIT(w, ";\n"));
}

/* ---- steps --------------------------------------------------------------------------------- */

static void pg_create_schema(RenderCtx *ctx, const MigrateStep *step)
{
    SQLBUF_LIT(ctx->out, "CREATE SCHEMA IF NOT EXISTS ");
    QI(ctx->out, ctx->next->namespaces[step->next_id].name);
    sql_stmt_end(ctx);
}

static void pg_create_extension(RenderCtx *ctx, const MigrateStep *step)
{
    const SqlExtension *e = &ctx->next->extensions[step->next_id];
    SqlBuf *out = ctx->out;
    SQLBUF_LIT(out, "CREATE EXTENSION IF NOT EXISTS ");
    QI(out, e->name);
    if (e->version.len || e->schema.len)
        SQLBUF_LIT(out, " WITH");
    if (e->schema.len) {
        SQLBUF_LIT(out, " SCHEMA ");
        QI(out, e->schema);
    }
    if (e->version.len) {
        SQLBUF_LIT(out, " VERSION ");
        QI(out, e->version);
    }
    sql_stmt_end(ctx);
}

static void pg_drop_extension(RenderCtx *ctx, const MigrateStep *step)
{
    SQLBUF_LIT(ctx->out, "DROP EXTENSION ");
    QI(ctx->out, ctx->prev->extensions[step->prev_id].name);
    sql_stmt_end(ctx);
}

static void pg_alter_extension(RenderCtx *ctx, const MigrateStep *step)
{
    const SqlExtension *prev = &ctx->prev->extensions[step->prev_id];
    const SqlExtension *next = &ctx->next->extensions[step->next_id];
    if (step->ext_changes & EXTCHANGE_VERSION) {
        SQLBUF_LIT(ctx->out, "ALTER EXTENSION ");
        QI(ctx->out, prev->name);
        SQLBUF_LIT(ctx->out, " UPDATE TO ");
        QI(ctx->out, next->version);
        sql_stmt_end(ctx);
    }
    if (step->ext_changes & EXTCHANGE_SCHEMA) {
        SQLBUF_LIT(ctx->out, "ALTER EXTENSION ");
        QI(ctx->out, prev->name);
        SQLBUF_LIT(ctx->out, " SET SCHEMA ");
        QI(ctx->out, next->schema);
        sql_stmt_end(ctx);
    }
}

static void pg_create_enum(RenderCtx *ctx, const MigrateStep *step)
{
    const SqlEnum *e = &ctx->next->enums[step->next_id];
    SqlBuf *out = ctx->out;
    SQLBUF_LIT(out, "CREATE TYPE ");
    pg_write_qualified(ctx, ctx->next, e->namespace, e->name);
    SQLBUF_LIT(out, " AS ENUM (");
    for (uint32_t i = 0; i < e->nvalues; i++) {
        if (i)
            SQLBUF_LIT(out, ", ");
        ctx->dialect->quote_enum_value(out, e->values[i]);
    }
    sqlbuf_putc(out, ')');
    sql_stmt_end(ctx);
}

static void pg_drop_enum(RenderCtx *ctx, const MigrateStep *step)
{
    const SqlEnum *e = &ctx->prev->enums[step->prev_id];
    SQLBUF_LIT(ctx->out, "DROP TYPE ");
    pg_write_qualified(ctx, ctx->prev, e->namespace, e->name);
    sql_stmt_end(ctx);
}

/* render_postgres_alter_enum: ADD VALUE when values are only added; otherwise a new type, the
 * columns moved over with a cast, and the old type dropped, in a transaction. */
static void pg_alter_enum(RenderCtx *ctx, const MigrateStep *step)
{
    SqlBuf *out = ctx->out;
    const SqlEnum *pe = &ctx->prev->enums[step->prev_id];
    const SqlEnum *ne = &ctx->next->enums[step->next_id];
    if (step->detail->ndropped_values == 0) {
        if (step->detail->nadded_values > 1)
            SQLBUF_LIT(out, "-- This migration adds more than one value to an enum.\n"
                             "-- With PostgreSQL versions 11 and earlier, this is not possible\n"
                             "-- in a single migration. This can be worked around by creating\n"
                             "-- multiple migrations, each migration adding only one value to\n"
                             "-- the enum.\n"
                             "\n"
                             "\n");
        for (uint32_t i = 0; i < step->detail->nadded_values; i++) {
            SQLBUF_LIT(out, "ALTER TYPE ");
            pg_write_qualified(ctx, ctx->prev, pe->namespace, pe->name);
            SQLBUF_LIT(out, " ADD VALUE ");
            ctx->dialect->quote_enum_value(out, step->detail->added_values[i]);
            sql_stmt_end(ctx);
        }
        return;
    }
    /* the temporary names */
    Arena *a = (Arena *)&ctx->migration->arena;
    Str tmp_new = arena_str(a, arena_sprintf(a, "%.*s_new", (int)ne->name.len, ne->name.ptr), ne->name.len + 4);
    Str tmp_old = arena_str(a, arena_sprintf(a, "%.*s_old", (int)pe->name.len, pe->name.ptr), pe->name.len + 4);

    SQLBUF_LIT(out, "BEGIN");
    sql_stmt_end(ctx);
    SQLBUF_LIT(out, "CREATE TYPE ");
    pg_write_qualified(ctx, ctx->next, ne->namespace, tmp_new);
    SQLBUF_LIT(out, " AS ENUM (");
    for (uint32_t i = 0; i < ne->nvalues; i++) {
        if (i)
            SQLBUF_LIT(out, ", ");
        ctx->dialect->quote_enum_value(out, ne->values[i]);
    }
    sqlbuf_putc(out, ')');
    sql_stmt_end(ctx);
    for (uint32_t i = 0; i < step->detail->nusages; i++) {
        const SqlTable *t = &ctx->prev->tables[step->detail->usages[i].prev_table];
        SQLBUF_LIT(out, "ALTER TABLE ");
        pg_write_always_qualified(ctx, ctx->prev, t->namespace, t->name);
        SQLBUF_LIT(out, " ALTER COLUMN ");
        QI(out, t->columns[step->detail->usages[i].prev_column].name);
        SQLBUF_LIT(out, " DROP DEFAULT");
        sql_stmt_end(ctx);
    }
    /* every column of the next schema with this enum type */
    for (uint32_t ti = 0; ti < ctx->next->ntables; ti++) {
        const SqlTable *t = &ctx->next->tables[ti];
        for (uint32_t ci = 0; ci < t->ncolumns; ci++) {
            const SqlColumn *c = &t->columns[ci];
            if (c->type.family != SQLT_ENUM || c->type.enum_id != step->next_id)
                continue;
            const char *array = c->type.list ? "[]" : "";
            SQLBUF_LIT(out, "ALTER TABLE ");
            sql_write_table_name(ctx, ctx->next, t);
            SQLBUF_LIT(out, " ALTER COLUMN ");
            QI(out, c->name);
            SQLBUF_LIT(out, " TYPE ");
            pg_write_qualified(ctx, ctx->next, ne->namespace, tmp_new);
            sqlbuf_puts(out, array);
            SQLBUF_LIT(out, " USING (");
            QI(out, c->name);
            SQLBUF_LIT(out, "::text::");
            pg_write_qualified(ctx, ctx->next, ne->namespace, tmp_new);
            sqlbuf_puts(out, array);
            sqlbuf_putc(out, ')');
            sql_stmt_end(ctx);
        }
    }
    SQLBUF_LIT(out, "ALTER TYPE ");
    pg_write_qualified(ctx, ctx->prev, pe->namespace, pe->name);
    SQLBUF_LIT(out, " RENAME TO ");
    QI(out, tmp_old);
    sql_stmt_end(ctx);
    SQLBUF_LIT(out, "ALTER TYPE ");
    pg_write_qualified(ctx, ctx->next, ne->namespace, tmp_new);
    SQLBUF_LIT(out, " RENAME TO ");
    QI(out, ne->name);
    sql_stmt_end(ctx);
    SQLBUF_LIT(out, "DROP TYPE ");
    pg_write_always_qualified(ctx, ctx->prev, pe->namespace, tmp_old);
    sql_stmt_end(ctx);
    for (uint32_t i = 0; i < step->detail->nusages; i++) {
        const EnumDefaultUsage *u = &step->detail->usages[i];
        if (u->next_table == SQL_NONE)
            continue;
        const SqlTable *pt = &ctx->prev->tables[u->prev_table];
        const SqlColumn *nc = &ctx->next->tables[u->next_table].columns[u->next_column];
        if (!sql_default_renders(&nc->def))
            continue;
        SQLBUF_LIT(out, "ALTER TABLE ");
        sql_write_table_name(ctx, ctx->prev, pt);
        SQLBUF_LIT(out, " ALTER COLUMN ");
        QI(out, pt->columns[u->prev_column].name);
        SQLBUF_LIT(out, " SET DEFAULT ");
        sqlbuf_putstr(out, sql_default_text(&nc->def));
        sql_stmt_end(ctx);
    }
    SQLBUF_LIT(out, "COMMIT");
    sql_stmt_end(ctx);
}

static void pg_create_table(RenderCtx *ctx, const MigrateStep *step)
{
    pg_write_create_table(ctx, ctx->next, &ctx->next->tables[step->next_table]);
}

static void pg_drop_table(RenderCtx *ctx, const MigrateStep *step)
{
    SQLBUF_LIT(ctx->out, "DROP TABLE ");
    sql_write_table_name(ctx, ctx->prev, &ctx->prev->tables[step->prev_table]);
    sql_stmt_end(ctx);
}

static void pg_create_index(RenderCtx *ctx, const MigrateStep *step)
{
    const SqlTable *t = &ctx->next->tables[step->next_table];
    pg_write_create_index(ctx, ctx->next, t, &t->indexes[step->next_id]);
}

static void pg_drop_index(RenderCtx *ctx, const MigrateStep *step)
{
    const SqlTable *t = &ctx->prev->tables[step->prev_table];
    SQLBUF_LIT(ctx->out, "DROP INDEX ");
    pg_write_qualified(ctx, ctx->prev, t->namespace, t->indexes[step->prev_id].name);
    sql_stmt_end(ctx);
}

static void pg_rename_index(RenderCtx *ctx, const MigrateStep *step)
{
    const SqlTable *pt = &ctx->prev->tables[step->prev_table];
    const SqlTable *nt = &ctx->next->tables[step->next_table];
    SQLBUF_LIT(ctx->out, "ALTER INDEX ");
    pg_write_qualified(ctx, ctx->prev, pt->namespace, pt->indexes[step->prev_id].name);
    SQLBUF_LIT(ctx->out, " RENAME TO ");
    QI(ctx->out, nt->indexes[step->next_id].name);
    sql_stmt_end(ctx);
}

static void pg_add_foreign_key(RenderCtx *ctx, const MigrateStep *step)
{
    const SqlTable *t = &ctx->next->tables[step->next_table];
    pg_write_add_foreign_key(ctx, ctx->next, t, &t->fks[step->next_id]);
}

static void pg_drop_foreign_key(RenderCtx *ctx, const MigrateStep *step)
{
    const SqlTable *t = &ctx->prev->tables[step->prev_table];
    SQLBUF_LIT(ctx->out, "ALTER TABLE ");
    sql_write_table_name(ctx, ctx->prev, t);
    SQLBUF_LIT(ctx->out, " DROP CONSTRAINT ");
    QI(ctx->out, t->fks[step->prev_id].name);
    sql_stmt_end(ctx);
}

static void pg_rename_foreign_key(RenderCtx *ctx, const MigrateStep *step)
{
    const SqlTable *pt = &ctx->prev->tables[step->prev_table];
    const SqlTable *nt = &ctx->next->tables[step->next_table];
    SQLBUF_LIT(ctx->out, "ALTER TABLE ");
    sql_write_table_name(ctx, ctx->prev, pt);
    SQLBUF_LIT(ctx->out, " RENAME CONSTRAINT ");
    QI(ctx->out, pt->fks[step->prev_id].name);
    SQLBUF_LIT(ctx->out, " TO ");
    QI(ctx->out, nt->fks[step->next_id].name);
    sql_stmt_end(ctx);
}

/* The sequence behind an autoincrement column: the one its nextval('...'::regclass) default
 * names (an introspected column; a schema-qualified or quoted name reduced to the bare name),
 * else the one PostgreSQL gives a SERIAL column, "{table}_{column}_seq" (when that fits in 63
 * bytes: PostgreSQL shortens longer ones its own way). Written into `out`; false if unknown. */
static bool sequence_name_of(const SqlTable *t, const SqlColumn *c, SqlBuf *out)
{
    const SqlDefault *def = &c->def;
    static const char prefix[] = "nextval('";
    if (def->sql.len > sizeof prefix && memcmp(def->sql.ptr, prefix, sizeof prefix - 1) == 0) {
        const char *p = def->sql.ptr + sizeof prefix - 1, *end = def->sql.ptr + def->sql.len;
        const char *q = p;
        while (q < end && *q != '\'')
            q++;
        /* the last dot-separated part, outside double quotes */
        const char *part = p;
        bool quoted = false;
        for (const char *r = p; r < q; r++) {
            if (*r == '"')
                quoted = !quoted;
            else if (*r == '.' && !quoted)
                part = r + 1;
        }
        if (q > part && *part == '"') {
            for (const char *r = part + 1; r < q; r++) {
                if (*r == '"' && r + 1 < q && r[1] == '"')
                    r++;
                else if (*r == '"')
                    break;
                sqlbuf_putc(out, *r);
            }
        } else {
            sqlbuf_put(out, part, (size_t)(q - part));
        }
        return out->len > 0;
    }
    if (t->name.len + c->name.len + 5 > 63)
        return false;
    sqlbuf_putstr(out, t->name);
    sqlbuf_putc(out, '_');
    sqlbuf_putstr(out, c->name);
    SQLBUF_LIT(out, "_seq");
    return true;
}

static void lower_ascii(SqlBuf *out, size_t from)
{
    for (size_t i = from; i < out->len; i++)
        if (out->ptr[i] >= 'A' && out->ptr[i] <= 'Z')
            out->ptr[i] = (char)(out->ptr[i] - 'A' + 'a');
}

/* One ALTER COLUMN change, expanded as Prisma's expand_alter_column does. */
static void pg_alter_column(RenderCtx *ctx, const SqlTable *pt, const SqlTable *nt, const TableChange *ch,
                            SqlBuf *lines, uint32_t *nlines, SqlBuf *before, SqlBuf *after)
{
    const SqlColumn *pc = &pt->columns[ch->prev_column];
    const SqlColumn *nc = &nt->columns[ch->next_column];
    bool set_type = false;
    SqlBuf *saved = ctx->out;
#define LINE_BEGIN()                                                                                                   \
    do {                                                                                                               \
        if ((*nlines)++)                                                                                               \
            SQLBUF_LIT(lines, ",\n");                                                                                 \
        SQLBUF_LIT(lines, "ALTER COLUMN ");                                                                           \
        QI(lines, pc->name);                                                                               \
    } while (0)
    if (ch->changes & COLCHANGE_ARITY) {
        bool pl = pc->type.list, nl = nc->type.list;
        if (pl != nl) {
            set_type = true;
            if (pl && !nl) {
                LINE_BEGIN();
                sqlbuf_puts(lines, nc->nullable ? " DROP NOT NULL" : " SET NOT NULL");
            }
        } else if (!pl) {
            if (!pc->nullable && nc->nullable) {
                LINE_BEGIN();
                SQLBUF_LIT(lines, " DROP NOT NULL");
            } else if (pc->nullable && !nc->nullable) {
                LINE_BEGIN();
                SQLBUF_LIT(lines, " SET NOT NULL");
            }
        }
    }
    if (ch->changes & COLCHANGE_DEFAULT) {
        LINE_BEGIN();
        if (nc->def.kind != SQLDEF_NONE && !(nc->def.kind == SQLDEF_SEQUENCE)) {
            SQLBUF_LIT(lines, " SET DEFAULT ");
            sqlbuf_putstr(lines, sql_default_text(&nc->def));
        } else {
            SQLBUF_LIT(lines, " DROP DEFAULT");
        }
    }
    if (ch->changes & COLCHANGE_TYPE)
        set_type = true;
    if (ch->changes & COLCHANGE_AUTOINCREMENT) {
        if (pc->autoincrement) {
            LINE_BEGIN();
            SQLBUF_LIT(lines, " DROP DEFAULT");
            SqlBuf seq = {0};
            if (sequence_name_of(pt, pc, &seq)) {
                Str name = {seq.ptr, (uint32_t)seq.len};
                /* dropped unless another column of the next schema still uses it */
                bool used = false;
                for (uint32_t ti = 0; ti < ctx->next->ntables && !used; ti++)
                    for (uint32_t ci = 0; ci < ctx->next->tables[ti].ncolumns; ci++) {
                        const SqlColumn *o = &ctx->next->tables[ti].columns[ci];
                        if (o == nc || o->def.kind != SQLDEF_SEQUENCE || !o->autoincrement)
                            continue;
                        SqlBuf other = {0};
                        if (sequence_name_of(&ctx->next->tables[ti], o, &other) &&
                            str_eq((Str){other.ptr, (uint32_t)other.len}, name))
                            used = true;
                        sqlbuf_free(&other);
                        if (used)
                            break;
                    }
                if (!used) {
                    SQLBUF_LIT(after, "DROP SEQUENCE ");
                    QI(after, name);
                    sqlbuf_put(after, ";\n", 2);
                }
            }
            sqlbuf_free(&seq);
        } else {
            /* imitate the sequence a SERIAL column would get */
            SqlBuf seq = {0};
            if (!sql_namespace_is_default(ctx->next, nt->namespace)) {
                QI(&seq, ctx->next->namespaces[nt->namespace].name);
                sqlbuf_putc(&seq, '.');
            }
            sqlbuf_putstr(&seq, nt->name);
            sqlbuf_putc(&seq, '_');
            sqlbuf_putstr(&seq, nc->name);
            SQLBUF_LIT(&seq, "_seq");
            lower_ascii(&seq, 0);   /* Prisma lower-cases the whole name, schema prefix included */
            SQLBUF_LIT(before, "CREATE SEQUENCE ");
            sqlbuf_put(before, seq.ptr, seq.len);
            sqlbuf_put(before, ";\n", 2);
            LINE_BEGIN();
            SQLBUF_LIT(lines, " SET DEFAULT nextval(");
            pg_quote_string(lines, (Str){seq.ptr, (uint32_t)seq.len});
            sqlbuf_putc(lines, ')');
            SQLBUF_LIT(after, "ALTER SEQUENCE ");
            sqlbuf_put(after, seq.ptr, seq.len);
            SQLBUF_LIT(after, " OWNED BY ");
            ctx->out = after;
            sql_write_table_name(ctx, ctx->prev, pt);
            ctx->out = saved;
            sqlbuf_putc(after, '.');
            QI(after, pc->name);
            sqlbuf_put(after, ";\n", 2);
            sqlbuf_free(&seq);
        }
    }
    if (set_type) {
        LINE_BEGIN();
        SQLBUF_LIT(lines, " SET DATA TYPE ");
        ctx->out = lines;
        pg_write_column_type(ctx, ctx->next, nc);
        ctx->out = saved;
    }
#undef LINE_BEGIN
}

static void pg_alter_table(RenderCtx *ctx, const MigrateStep *step)
{
    const SqlTable *pt = &ctx->prev->tables[step->prev_table];
    const SqlTable *nt = &ctx->next->tables[step->next_table];
    SqlBuf lines = {0}, before = {0}, after = {0};
    uint32_t nlines = 0;
    SqlBuf *saved = ctx->out;
    for (uint32_t i = 0; i < step->detail->nchanges; i++) {
        const TableChange *ch = &step->detail->changes[i];
        switch (ch->kind) {
        case TABLECHANGE_DROP_PRIMARY_KEY: {
            const SqlIndex *pk = sql_table_primary_key(pt);
            if (nlines++)
                SQLBUF_LIT(&lines, ",\n");
            SQLBUF_LIT(&lines, "DROP CONSTRAINT ");
            QI(&lines, pk ? pk->name : (Str){"", 0});
            break;
        }
        case TABLECHANGE_RENAME_PRIMARY_KEY: {
            const SqlIndex *ppk = sql_table_primary_key(pt), *npk = sql_table_primary_key(nt);
            if (nlines++)
                SQLBUF_LIT(&lines, ",\n");
            SQLBUF_LIT(&lines, "RENAME CONSTRAINT ");
            QI(&lines, ppk ? ppk->name : (Str){"", 0});
            SQLBUF_LIT(&lines, " TO ");
            QI(&lines, npk ? npk->name : (Str){"", 0});
            break;
        }
        case TABLECHANGE_ADD_PRIMARY_KEY: {
            const SqlIndex *pk = sql_table_primary_key(nt);
            if (!pk)
                break;
            if (nlines++)
                SQLBUF_LIT(&lines, ",\n");
            SQLBUF_LIT(&lines, "ADD ");
            if (pk->name.len) {
                SQLBUF_LIT(&lines, "CONSTRAINT ");
                QI(&lines, pk->name);
                sqlbuf_putc(&lines, ' ');
            }
            SQLBUF_LIT(&lines, "PRIMARY KEY (");
            for (uint32_t k = 0; k < pk->ncolumns; k++) {
                if (k)
                    SQLBUF_LIT(&lines, ", ");
                QI(&lines, nt->columns[pk->columns[k].column].name);
            }
            sqlbuf_putc(&lines, ')');
            break;
        }
        case TABLECHANGE_ADD_COLUMN:
            if (nlines++)
                SQLBUF_LIT(&lines, ",\n");
            SQLBUF_LIT(&lines, "ADD COLUMN ");
            ctx->out = &lines;
            pg_write_column(ctx, ctx->next, &nt->columns[ch->next_column], false);
            ctx->out = saved;
            break;
        case TABLECHANGE_DROP_COLUMN:
            if (nlines++)
                SQLBUF_LIT(&lines, ",\n");
            SQLBUF_LIT(&lines, "DROP COLUMN ");
            QI(&lines, pt->columns[ch->prev_column].name);
            break;
        case TABLECHANGE_ALTER_COLUMN:
            pg_alter_column(ctx, pt, nt, ch, &lines, &nlines, &before, &after);
            break;
        case TABLECHANGE_DROP_AND_RECREATE_COLUMN:
            if (nlines++)
                SQLBUF_LIT(&lines, ",\n");
            SQLBUF_LIT(&lines, "DROP COLUMN ");
            QI(&lines, pt->columns[ch->prev_column].name);
            SQLBUF_LIT(&lines, ",\nADD COLUMN ");
            nlines++;
            ctx->out = &lines;
            pg_write_column(ctx, ctx->next, &nt->columns[ch->next_column], false);
            ctx->out = saved;
            break;
        }
    }
    if (nlines) {
        sqlbuf_put(ctx->out, before.ptr ? before.ptr : "", before.len);
        SQLBUF_LIT(ctx->out, "ALTER TABLE ");
        sql_write_table_name(ctx, ctx->prev, pt);
        sqlbuf_putc(ctx->out, ' ');
        sqlbuf_put(ctx->out, lines.ptr, lines.len);
        sql_stmt_end(ctx);
        sqlbuf_put(ctx->out, after.ptr ? after.ptr : "", after.len);
    }
    sqlbuf_free(&lines);
    sqlbuf_free(&before);
    sqlbuf_free(&after);
}

#define PG_DIALECT_COMMON \
    .flavour = SQL_POSTGRES, \
    .name = "postgresql", \
    .max_identifier_length = 63, \
    .has_enums = true, \
    .has_namespaces = true, \
    .has_extensions = true, \
    .has_native_lists = true, \
    .named_primary_keys = true, \
    .inline_foreign_keys = false, \
    .m2m_primary_key = true, \
    .can_alter_columns = true, \
    .can_drop_columns = true, \
    .can_rename_index = true, \
    .can_rename_foreign_key = true, \
    .unnamed_foreign_keys = false, \
    .compare_type_families = false, \
    .write_bytes_literal = pg_bytes_literal, \
    .create_schema = pg_create_schema, \
    .create_extension = pg_create_extension, \
    .drop_extension = pg_drop_extension, \
    .alter_extension = pg_alter_extension, \
    .create_enum = pg_create_enum, \
    .alter_enum = pg_alter_enum, \
    .drop_enum = pg_drop_enum, \
    .create_table = pg_create_table, \
    .drop_table = pg_drop_table, \
    .alter_table = pg_alter_table, \
    .redefine_tables = NULL, \
    .create_index = pg_create_index, \
    .drop_index = pg_drop_index, \
    .rename_index = pg_rename_index, \
    .redefine_index = NULL, \
    .add_foreign_key = pg_add_foreign_key, \
    .drop_foreign_key = pg_drop_foreign_key, \
    .rename_foreign_key = pg_rename_foreign_key

const Dialect dialect_postgres = {
    PG_DIALECT_COMMON,
    .quote_ident = pg_quote_ident,
    .quote_string = pg_quote_string,
    .quote_enum_value = pg_quote_string,
    .json_default_quoted = true,
    .create_extension_schemas = true,
    .prisma_exact = false,
};

const Dialect dialect_postgres_exact = {
    PG_DIALECT_COMMON,
    .quote_ident = raw_ident,
    .quote_string = pg_quote_string,
    .quote_enum_value = raw_string,
    .json_default_quoted = true,
    .create_extension_schemas = false,
    .prisma_exact = true,
};
