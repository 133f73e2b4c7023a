/* The SQLite dialect: statements as Prisma's sqlite renderer writes them. SQLite cannot alter
 * or drop columns, foreign keys or primary keys in place: the differ plans a table rebuild
 * (RedefineTables) instead, and foreign keys live inside CREATE TABLE. */
#include "prismac/migrate.h"

#define INDENT "    "

static void sqlite_quote(SqlBuf *out, Str s, char q)
{
    sqlbuf_commit(out, sql_put_quoted(sqlbuf_room(out, 2 * (size_t)s.len + 2), s, q, false));
}

/* An identifier as the dialect quotes it (the Prisma-exact one does not escape it), inline. */
static inline void write_ident(const Dialect *d, SqlBuf *out, Str name)
{
    sqlbuf_commit(out, sql_put_ident(sqlbuf_room(out, 2 * (size_t)name.len + 2), d, name));
}

static void sqlite_quote_ident(SqlBuf *out, Str name)
{
    sqlite_quote(out, name, '"');
}

/* Prisma-exact: the quotes around, nothing escaped inside. */
static void raw_ident(SqlBuf *out, Str name)
{
    sqlbuf_commit(out, sql_put_quoted(sqlbuf_room(out, (size_t)name.len + 2), name, '"', true));
}

static void sqlite_quote_string(SqlBuf *out, Str value)
{
    sqlite_quote(out, value, '\'');
}

/* Prisma writes the hex digits as a string ('deadbeef'), not as a blob literal. */
static void sqlite_bytes_literal(SqlBuf *out, const unsigned char *bytes, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    sqlbuf_reserve(out, n * 2 + 2);
    sqlbuf_putc(out, '\'');
    for (size_t i = 0; i < n; i++) {
        sqlbuf_putc(out, hex[bytes[i] >> 4]);
        sqlbuf_putc(out, hex[bytes[i] & 15]);
    }
    sqlbuf_putc(out, '\'');
}

/* ---- pieces -------------------------------------------------------------------------------- */

/* The column that is the table's primary key by itself, or SQL_NONE. */
static uint32_t single_primary_key_column(const SqlTable *t)
{
    const SqlIndex *pk = sql_table_primary_key(t);
    return pk && pk->ncolumns == 1 ? pk->columns[0].column : SQL_NONE;
}

/* "name" TYPE[ NOT NULL][ PRIMARY KEY][ AUTOINCREMENT][ DEFAULT x] after ",\n" INDENT when
 * `sep`, INDENT when `indent` (CREATE TABLE), through the cursor (w, *end) of `out`: the line's
 * room made sure of once (a large script is mostly these). `raw`: sql_names_raw, asked once per
 * table. */
static inline __attribute__((always_inline)) char *sqlite_put_column(SqlBuf *out, char *w, char **end,
                                                                     const SqlColumn *c, bool single_pk, bool sep,
                                                                     bool indent, bool raw)
{
    bool has_default = sql_default_renders(&c->def);
    Str def = has_default ? sql_default_text(&c->def) : (Str){"", 0};
    /* the quoted name, the type and every clause at their longest */
    w = sqlbuf_ensure(out, w, sizeof ",\n" INDENT + 2 * (size_t)c->name.len + 3 + c->type.name.len +
                                  sizeof " NOT NULL PRIMARY KEY AUTOINCREMENT DEFAULT " + def.len, end);
    if (sep)
        w = SQL_PUT_LIT(w, ",\n");
    if (indent)
        w = SQL_PUT_LIT(w, INDENT);
    w = sql_put_quoted(w, c->name, '"', raw);
    *w++ = ' ';
    w = sql_put_str(w, c->type.name);
    if (!c->nullable)
        w = SQL_PUT_LIT(w, " NOT NULL");
    if (__builtin_expect(single_pk, 0)) {
        w = SQL_PUT_LIT(w, " PRIMARY KEY");
        if (c->type.family == SQLT_INT)
            w = SQL_PUT_LIT(w, " AUTOINCREMENT");
    }
    if (has_default) {
        w = SQL_PUT_LIT(w, " DEFAULT ");
        w = sql_put_str(w, def);
    }
    return w;
}

static void sqlite_write_column(const Dialect *d, SqlBuf *out, const SqlSchema *schema, const SqlTable *t, uint32_t ci)
{
    char *end, *w = sqlbuf_cursor(out, 0, &end);
    w = sqlite_put_column(out, w, &end, &t->columns[ci], single_primary_key_column(t) == ci, false, false,
                          sql_names_raw(d, schema));
    sqlbuf_commit(out, w);
}

/* ",\n" INDENT "CONSTRAINT ... FOREIGN KEY (...) REFERENCES ... (...) ON DELETE ... ON UPDATE ...",
 * through the cursor (w, *end) of `out`, its room made sure of once. */
static char *sqlite_put_foreign_key(SqlBuf *out, char *w, char **end, const Dialect *d, const SqlSchema *schema,
                                    const SqlTable *t, const SqlForeignKey *fk)
{
    const SqlTable *rt = &schema->tables[fk->referenced_table];
    size_t room = sizeof ",\n" INDENT "CONSTRAINT  FOREIGN KEY () REFERENCES  () ON DELETE  ON UPDATE " +
                  2 * (size_t)fk->name.len + 2 + sql_column_list_room(t, fk->columns, fk->ncolumns) +
                  2 * (size_t)rt->name.len + 2 + sql_column_list_room(rt, fk->referenced_columns, fk->ncolumns) +
                  2 * SQL_ACTION_ROOM;
    w = sqlbuf_ensure(out, w, room, end);
    w = SQL_PUT_LIT(w, ",\n" INDENT);
    if (fk->name.len) {
        w = SQL_PUT_LIT(w, "CONSTRAINT ");
        w = sql_put_name(w, d, schema, fk->name);
        *w++ = ' ';
    }
    w = SQL_PUT_LIT(w, "FOREIGN KEY (");
    w = sql_put_column_list(w, d, schema, t, fk->columns, fk->ncolumns);
    w = SQL_PUT_LIT(w, ") REFERENCES ");
    w = sql_put_name(w, d, schema, rt->name);
    w = SQL_PUT_LIT(w, " (");
    w = sql_put_column_list(w, d, schema, rt, fk->referenced_columns, fk->ncolumns);
    w = SQL_PUT_LIT(w, ") ON DELETE ");
    w = sql_put_str(w, sql_action_str(fk->on_delete));
    w = SQL_PUT_LIT(w, " ON UPDATE ");
    w = sql_put_str(w, sql_action_str(fk->on_update));
    return w;
}

/* CREATE TABLE with its column lines, primary key and foreign keys, through one cursor
 * committed once. */
static void sqlite_write_create_table(const Dialect *d, SqlBuf *out, const SqlSchema *schema, const SqlTable *t,
                                      Str name)
{
    const bool raw = sql_names_raw(d, schema);
    char *end, *w = sqlbuf_cursor(out, sizeof "CREATE TABLE  (\n" + 2 * (size_t)name.len + 2, &end);
    w = SQL_PUT_LIT(w, "CREATE TABLE ");
    w = sql_put_quoted(w, name, '"', raw);
    w = SQL_PUT_LIT(w, " (\n");
    uint32_t single = single_primary_key_column(t);
    for (uint32_t i = 0; i < t->ncolumns; i++)
        w = sqlite_put_column(out, w, &end, &t->columns[i], i == single, i > 0, true, raw);
    const SqlIndex *pk = sql_table_primary_key(t);
    if (pk && (single == SQL_NONE || single >= t->ncolumns)) {
        size_t room = sizeof ",\n\n" INDENT "PRIMARY KEY ()";
        for (uint32_t k = 0; k < pk->ncolumns; k++)
            room += 2 * (size_t)t->columns[pk->columns[k].column].name.len + 4;
        w = sqlbuf_ensure(out, w, room, &end);
        w = SQL_PUT_LIT(w, ",\n\n" INDENT "PRIMARY KEY (");
        for (uint32_t k = 0; k < pk->ncolumns; k++) {
            if (k)
                w = SQL_PUT_LIT(w, ", ");
            w = sql_put_quoted(w, t->columns[pk->columns[k].column].name, '"', raw);
        }
        *w++ = ')';
    }
    for (uint32_t i = 0; i < t->nfks; i++)
        w = sqlite_put_foreign_key(out, w, &end, d, schema, t, &t->fks[i]);
    w = sqlbuf_ensure(out, w, 2, &end);
    sqlbuf_commit(out, SQL_PUT_LIT(w, "\n)"));
}

/* CREATE [UNIQUE] INDEX, written into room taken once. */
static void sqlite_write_create_index(const Dialect *d, SqlBuf *out, const SqlSchema *schema, const SqlTable *t,
                                      const SqlIndex *x)
{
    const bool raw = sql_names_raw(d, schema);
    bool internal = x->name.len >= 7 && memcmp(x->name.ptr, "sqlite_", 7) == 0;
    size_t room = sizeof "Pragma writable_schema=1;\nCREATE UNIQUE INDEX  ON () WHERE ;\nPragma writable_schema=0" +
                  2 * (size_t)x->name.len + 2 + 2 * (size_t)t->name.len + 2 + x->predicate.len;
    for (uint32_t k = 0; k < x->ncolumns; k++)
        room += 2 * (size_t)t->columns[x->columns[k].column].name.len + sizeof ", \"\" DESC";
    char *w = sqlbuf_room(out, room);
    if (internal)
        w = SQL_PUT_LIT(w, "Pragma writable_schema=1;\n");
    w = x->kind == SQLIDX_UNIQUE ? SQL_PUT_LIT(w, "CREATE UNIQUE INDEX ") : SQL_PUT_LIT(w, "CREATE INDEX ");
    w = sql_put_quoted(w, x->name, '"', raw);
    w = SQL_PUT_LIT(w, " ON ");
    w = sql_put_quoted(w, t->name, '"', raw);
    *w++ = '(';
    for (uint32_t k = 0; k < x->ncolumns; k++) {
        const SqlIndexColumn *ic = &x->columns[k];
        if (k)
            w = SQL_PUT_LIT(w, ", ");
        w = sql_put_quoted(w, t->columns[ic->column].name, '"', raw);
        if (ic->sort == SORT_ASC)
            w = SQL_PUT_LIT(w, " ASC");
        else if (ic->sort == SORT_DESC)
            w = SQL_PUT_LIT(w, " DESC");
    }
    *w++ = ')';
    if (x->predicate.len) {
        w = SQL_PUT_LIT(w, " WHERE ");     /* Prisma writes SQLite's condition bare */
        w = sql_put_str(w, x->predicate);
    }
    if (internal)
        w = SQL_PUT_LIT(w, ";\nPragma writable_schema=0");
    sqlbuf_commit(out, w);
}

/* ---- steps --------------------------------------------------------------------------------- */

static void sqlite_create_table(RenderCtx *ctx, const MigrateStep *step)
{
    const SqlTable *t = &ctx->next->tables[step->next_table];
    sqlite_write_create_table(ctx->dialect, ctx->out, ctx->next, t, t->name);
    sql_stmt_end(ctx);
}

/* Foreign keys may make the order of drops matter; Prisma turns enforcement off around it. */
static void sqlite_drop_table(RenderCtx *ctx, const MigrateStep *step)
{
    const Dialect *d = ctx->dialect;
    SQLBUF_LIT(ctx->out, "PRAGMA foreign_keys=off");
    sql_stmt_end(ctx);
    SQLBUF_LIT(ctx->out, "DROP TABLE ");
    write_ident(d, ctx->out, ctx->prev->tables[step->prev_table].name);
    sql_stmt_end(ctx);
    SQLBUF_LIT(ctx->out, "PRAGMA foreign_keys=on");
    sql_stmt_end(ctx);
}

static void sqlite_create_index(RenderCtx *ctx, const MigrateStep *step)
{
    const SqlTable *t = &ctx->next->tables[step->next_table];
    sqlite_write_create_index(ctx->dialect, ctx->out, ctx->next, t, &t->indexes[step->next_id]);
    sql_stmt_end(ctx);
}

static void sqlite_drop_index(RenderCtx *ctx, const MigrateStep *step)
{
    const Dialect *d = ctx->dialect;
    SQLBUF_LIT(ctx->out, "DROP INDEX ");
    write_ident(d, ctx->out, ctx->prev->tables[step->prev_table].indexes[step->prev_id].name);
    sql_stmt_end(ctx);
}

static void sqlite_redefine_index(RenderCtx *ctx, const MigrateStep *step)
{
    sqlite_drop_index(ctx, step);
    sqlite_create_index(ctx, step);
}

/* Only added columns are altered in place (anything else is a rebuild). */
static void sqlite_alter_table(RenderCtx *ctx, const MigrateStep *step)
{
    const Dialect *d = ctx->dialect;
    const SqlTable *pt = &ctx->prev->tables[step->prev_table];
    const SqlTable *nt = &ctx->next->tables[step->next_table];
    for (uint32_t i = 0; i < step->detail->nchanges; i++) {
        const TableChange *ch = &step->detail->changes[i];
        if (ch->kind != TABLECHANGE_ADD_COLUMN)
            continue;
        SQLBUF_LIT(ctx->out, "ALTER TABLE ");
        write_ident(d, ctx->out, pt->name);
        SQLBUF_LIT(ctx->out, " ADD COLUMN ");
        sqlite_write_column(ctx->dialect, ctx->out, ctx->next, nt, ch->next_column);
        sql_stmt_end(ctx);
    }
}

/* "Making Other Kinds Of Table Schema Changes" (sqlite.org/lang_altertable.html), as Prisma does
 * it: new_T created, the rows copied over, T dropped, new_T renamed, indexes recreated. */
static void sqlite_redefine_tables(RenderCtx *ctx, const MigrateStep *step)
{
    const Dialect *d = ctx->dialect;
    SqlBuf *out = ctx->out;
    Arena *a = (Arena *)&ctx->migration->arena;
    SQLBUF_LIT(out, "PRAGMA defer_foreign_keys=ON");
    sql_stmt_end(ctx);
    SQLBUF_LIT(out, "PRAGMA foreign_keys=OFF");
    sql_stmt_end(ctx);
    for (uint32_t r = 0; r < step->detail->nredefines; r++) {
        const RedefineTable *rd = &step->detail->redefines[r];
        const SqlTable *pt = &ctx->prev->tables[rd->prev_table];
        const SqlTable *nt = &ctx->next->tables[rd->next_table];
        char *tmp = arena_sprintf(a, "new_%.*s", (int)nt->name.len, nt->name.ptr);
        Str tmp_name = {tmp, nt->name.len + 4};
        sqlite_write_create_table(d, out, ctx->next, nt, tmp_name);
        sql_stmt_end(ctx);
        if (rd->npairs) {
            SQLBUF_LIT(out, "INSERT INTO ");
            write_ident(d, out, tmp_name);
            SQLBUF_LIT(out, " (");
            for (uint32_t i = 0; i < rd->npairs; i++) {
                if (i)
                    SQLBUF_LIT(out, ", ");
                write_ident(d, out, nt->columns[rd->pairs[i].next].name);
            }
            SQLBUF_LIT(out, ") SELECT ");
            for (uint32_t i = 0; i < rd->npairs; i++) {
                const ColumnPair *p = &rd->pairs[i];
                const SqlColumn *pc = &pt->columns[p->prev], *nc = &nt->columns[p->next];
                if (i)
                    SQLBUF_LIT(out, ", ");
                bool became_required_with_default =
                    (p->changes & COLCHANGE_ARITY) && !nc->nullable && sql_default_renders(&nc->def);
                if (became_required_with_default) {
                    SQLBUF_LIT(out, "coalesce(");
                    write_ident(d, out, pc->name);
                    SQLBUF_LIT(out, ", ");
                    sqlbuf_putstr(out, sql_default_text(&nc->def));
                    SQLBUF_LIT(out, ") AS ");
                    write_ident(d, out, pc->name);
                } else {
                    write_ident(d, out, pc->name);
                }
            }
            SQLBUF_LIT(out, " FROM ");
            write_ident(d, out, pt->name);
            sql_stmt_end(ctx);
        }
        SQLBUF_LIT(out, "DROP TABLE ");
        write_ident(d, out, pt->name);
        sql_stmt_end(ctx);
        SQLBUF_LIT(out, "ALTER TABLE ");
        write_ident(d, out, tmp_name);
        SQLBUF_LIT(out, " RENAME TO ");
        write_ident(d, out, nt->name);
        sql_stmt_end(ctx);
        for (uint32_t i = 0; i < nt->nindexes; i++) {
            if (nt->indexes[i].kind == SQLIDX_PRIMARY)
                continue;
            sqlite_write_create_index(d, out, ctx->next, nt, &nt->indexes[i]);
            sql_stmt_end(ctx);
        }
    }
    SQLBUF_LIT(out, "PRAGMA foreign_keys=ON");
    sql_stmt_end(ctx);
    SQLBUF_LIT(out, "PRAGMA defer_foreign_keys=OFF");
    sql_stmt_end(ctx);
}

#define SQLITE_DIALECT_COMMON \
    .flavour = SQL_SQLITE, \
    .name = "sqlite", \
    .max_identifier_length = 10000, \
    .has_enums = false, \
    .has_namespaces = false, \
    .has_extensions = false, \
    .has_native_lists = false, \
    .named_primary_keys = false, \
    .inline_foreign_keys = true, \
    .m2m_primary_key = false, \
    .can_alter_columns = false, \
    .can_drop_columns = false, \
    .can_rename_index = false, \
    .can_rename_foreign_key = false, \
    .unnamed_foreign_keys = true, \
    .compare_type_families = true, \
    .write_bytes_literal = sqlite_bytes_literal, \
    .create_table = sqlite_create_table, \
    .drop_table = sqlite_drop_table, \
    .alter_table = sqlite_alter_table, \
    .redefine_tables = sqlite_redefine_tables, \
    .create_index = sqlite_create_index, \
    .drop_index = sqlite_drop_index, \
    .redefine_index = sqlite_redefine_index

const Dialect dialect_sqlite = {
    SQLITE_DIALECT_COMMON,
    .quote_ident = sqlite_quote_ident,
    .quote_string = sqlite_quote_string,
    .quote_enum_value = sqlite_quote_string,
    .json_default_quoted = true,
    .create_extension_schemas = true,
    .prisma_exact = false,
};

const Dialect dialect_sqlite_exact = {
    SQLITE_DIALECT_COMMON,
    .quote_ident = raw_ident,
    .quote_string = sqlite_quote_string,
    .quote_enum_value = sqlite_quote_string,
    .json_default_quoted = false,
    .create_extension_schemas = false,
    .prisma_exact = true,
};
