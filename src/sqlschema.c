/* Building and querying the SQL schema model. */
#include "prismac/sqlschema.h"

#include <stdio.h>
#include <stdlib.h>

SqlSchema *sql_schema_new(SqlFlavour flavour)
{
    /* The schema owns its arena: allocate the struct itself from a bootstrap arena. */
    Arena boot;
    arena_init(&boot);
    SqlSchema *schema = arena_alloc(&boot, sizeof *schema);
    schema->arena = boot;
    schema->flavour = flavour;
    schema->default_namespace = flavour == SQL_POSTGRES ? STR_LIT("public") : (Str){"", 0};
    return schema;
}

void sql_schema_free(SqlSchema *schema)
{
    if (!schema)
        return;
    Arena a = schema->arena;   /* the struct lives in it */
    arena_free(&a);
}

Str sql_str(SqlSchema *schema, const char *text, size_t len)
{
    return arena_str(&schema->arena, text, len);
}

Str sql_strs(SqlSchema *schema, Str s)
{
    if (s.len == 0)
        return (Str){"", 0};    /* nothing to copy: a static empty string */
    return arena_str(&schema->arena, s.ptr, s.len);
}

void sql_schema_reserve(SqlSchema *schema, uint32_t ntables, uint32_t nenums)
{
    schema->tables = arena_grow_exact(&schema->arena, schema->tables, schema->ntables, &schema->captables, ntables,
                                   sizeof *schema->tables);
    schema->enums = arena_grow_exact(&schema->arena, schema->enums, schema->nenums, &schema->capenums, nenums,
                                  sizeof *schema->enums);
}

void sql_table_reserve(SqlSchema *schema, uint32_t table, uint32_t ncolumns, uint32_t nindexes, uint32_t nfks)
{
    SqlTable *t = &schema->tables[table];
    t->columns = arena_grow_exact(&schema->arena, t->columns, t->ncolumns, &t->capcolumns, ncolumns, sizeof *t->columns);
    t->indexes = arena_grow_exact(&schema->arena, t->indexes, t->nindexes, &t->capindexes, nindexes, sizeof *t->indexes);
    t->fks = arena_grow_exact(&schema->arena, t->fks, t->nfks, &t->capfks, nfks, sizeof *t->fks);
}

uint32_t sql_add_namespace(SqlSchema *schema, Str name)
{
    /* the default namespace shares default_namespace's bytes (which live as long as the
     * schema): sql_namespace_is_default then compares addresses */
    Str kept = str_eq(name, schema->default_namespace) ? schema->default_namespace : sql_strs(schema, name);
    SqlNamespace ns = {kept, SQL_NO_ORIGIN};
    ARENA_PUSH(&schema->arena, schema->namespaces, schema->nnamespaces, schema->capnamespaces, ns);
    return schema->nnamespaces - 1;
}

uint32_t sql_add_table(SqlSchema *schema, uint32_t namespace, Str name, SqlOrigin origin)
{
    SqlTable t = {0};
    if (schema->plain_names && sql_name_has_quote(name))
        schema->plain_names = false;
    t.name = sql_strs(schema, name);
    t.namespace = namespace;
    t.origin = origin;
    ARENA_PUSH(&schema->arena, schema->tables, schema->ntables, schema->captables, t);
    return schema->ntables - 1;
}

uint32_t sql_add_column(SqlSchema *schema, uint32_t table, const SqlColumn *column)
{
    SqlTable *t = &schema->tables[table];
    SqlColumn c = *column;
    if (schema->plain_names && sql_name_has_quote(c.name))
        schema->plain_names = false;
    c.name = sql_strs(schema, c.name);
    c.type.name = sql_strs(schema, c.type.name);
    c.def.sql = sql_strs(schema, c.def.sql);
    ARENA_PUSH(&schema->arena, t->columns, t->ncolumns, t->capcolumns, c);
    return t->ncolumns - 1;
}

uint32_t sql_add_index(SqlSchema *schema, uint32_t table, const SqlIndex *index)
{
    SqlTable *t = &schema->tables[table];
    SqlIndex idx = *index;
    if (schema->plain_names && sql_name_has_quote(idx.name))
        schema->plain_names = false;
    idx.name = sql_strs(schema, idx.name);
    idx.algorithm = sql_strs(schema, idx.algorithm);
    idx.predicate = sql_strs(schema, idx.predicate);
    idx.columns = arena_alloc(&schema->arena, (index->ncolumns ? index->ncolumns : 1) * sizeof *idx.columns);
    for (uint32_t i = 0; i < index->ncolumns; i++) {
        idx.columns[i] = index->columns[i];
        idx.columns[i].opclass = sql_strs(schema, index->columns[i].opclass);
    }
    ARENA_PUSH(&schema->arena, t->indexes, t->nindexes, t->capindexes, idx);
    return t->nindexes - 1;
}

uint32_t sql_add_foreign_key(SqlSchema *schema, uint32_t table, const SqlForeignKey *fk)
{
    SqlTable *t = &schema->tables[table];
    SqlForeignKey f = *fk;
    size_t n = fk->ncolumns ? fk->ncolumns : 1;
    if (schema->plain_names && sql_name_has_quote(f.name))
        schema->plain_names = false;
    f.name = sql_strs(schema, f.name);
    f.columns = arena_alloc(&schema->arena, n * sizeof *f.columns);
    f.referenced_columns = arena_alloc(&schema->arena, n * sizeof *f.referenced_columns);
    for (uint32_t i = 0; i < fk->ncolumns; i++) {
        f.columns[i] = fk->columns[i];
        f.referenced_columns[i] = fk->referenced_columns[i];
    }
    ARENA_PUSH(&schema->arena, t->fks, t->nfks, t->capfks, f);
    return t->nfks - 1;
}

uint32_t sql_add_enum(SqlSchema *schema, uint32_t namespace, Str name, SqlOrigin origin)
{
    SqlEnum e = {0};
    e.name = sql_strs(schema, name);
    e.namespace = namespace;
    e.origin = origin;
    ARENA_PUSH(&schema->arena, schema->enums, schema->nenums, schema->capenums, e);
    return schema->nenums - 1;
}

void sql_add_enum_value(SqlSchema *schema, uint32_t enum_id, Str value, SqlOrigin origin)
{
    SqlEnum *e = &schema->enums[enum_id];
    uint32_t cap = e->capvalues;
    e->values = arena_grow(&schema->arena, e->values, e->nvalues, &cap, e->nvalues + 1, sizeof *e->values);
    e->value_origins = arena_grow(&schema->arena, e->value_origins, e->nvalues, &e->capvalues, e->nvalues + 1,
                                  sizeof *e->value_origins);
    e->values[e->nvalues] = sql_strs(schema, value);
    e->value_origins[e->nvalues] = origin;
    e->nvalues++;
}

void sql_add_unmanaged(SqlSchema *schema, const SqlUnmanaged *object)
{
    SqlUnmanaged u = *object;
    u.name = sql_strs(schema, u.name);
    u.definition = sql_strs(schema, u.definition);
    ARENA_PUSH(&schema->arena, schema->unmanaged, schema->nunmanaged, schema->capunmanaged, u);
}

uint32_t sql_add_extension(SqlSchema *schema, const SqlExtension *extension)
{
    SqlExtension e = *extension;
    e.name = sql_strs(schema, e.name);
    e.schema = sql_strs(schema, e.schema);
    e.version = sql_strs(schema, e.version);
    ARENA_PUSH(&schema->arena, schema->extensions, schema->nextensions, schema->capextensions, e);
    return schema->nextensions - 1;
}

Str sql_namespace_name(const SqlSchema *schema, uint32_t namespace)
{
    if (namespace == SQL_NONE || namespace >= schema->nnamespaces)
        return schema->default_namespace;
    return schema->namespaces[namespace].name;
}

uint32_t sql_find_namespace(const SqlSchema *schema, Str name)
{
    for (uint32_t i = 0; i < schema->nnamespaces; i++)
        if (str_eq(schema->namespaces[i].name, name))
            return i;
    return SQL_NONE;
}

uint32_t sql_find_table(const SqlSchema *schema, uint32_t namespace, Str name)
{
    for (uint32_t i = 0; i < schema->ntables; i++) {
        const SqlTable *t = &schema->tables[i];
        if ((namespace == SQL_NONE || t->namespace == namespace) && str_eq(t->name, name))
            return i;
    }
    return SQL_NONE;
}

uint32_t sql_find_column(const SqlTable *table, Str name)
{
    for (uint32_t i = 0; i < table->ncolumns; i++)
        if (str_eq(table->columns[i].name, name))
            return i;
    return SQL_NONE;
}

uint32_t sql_find_enum(const SqlSchema *schema, uint32_t namespace, Str name)
{
    for (uint32_t i = 0; i < schema->nenums; i++) {
        const SqlEnum *e = &schema->enums[i];
        if ((namespace == SQL_NONE || e->namespace == namespace) && str_eq(e->name, name))
            return i;
    }
    return SQL_NONE;
}

const SqlIndex *sql_table_primary_key(const SqlTable *table)
{
    for (uint32_t i = 0; i < table->nindexes; i++)
        if (table->indexes[i].kind == SQLIDX_PRIMARY)
            return &table->indexes[i];
    return NULL;
}

const char *sql_action_name(SqlAction action)
{
    switch (action) {
    case SQLACT_NO_ACTION: return "NO ACTION";
    case SQLACT_RESTRICT: return "RESTRICT";
    case SQLACT_CASCADE: return "CASCADE";
    case SQLACT_SET_NULL: return "SET NULL";
    case SQLACT_SET_DEFAULT: return "SET DEFAULT";
    }
    return "NO ACTION";
}

const char *sql_unmanaged_kind_name(SqlUnmanagedKind kind)
{
    switch (kind) {
    case UNMANAGED_VIEW: return "view";
    case UNMANAGED_MATERIALIZED_VIEW: return "materialized view";
    case UNMANAGED_TRIGGER: return "trigger";
    case UNMANAGED_CHECK: return "check constraint";
    case UNMANAGED_PARTIAL_INDEX: return "partial index";
    case UNMANAGED_EXPRESSION_INDEX: return "expression index";
    case UNMANAGED_OTHER: return "object";
    }
    return "object";
}

/* ---- dump --------------------------------------------------------------------------------- */

static void dump_str(FILE *out, Str s)
{
    fprintf(out, "%.*s", (int)s.len, s.ptr ? s.ptr : "");
}

static const char *family_name(SqlTypeFamily f)
{
    static const char *const names[] = {"int", "bigint", "float", "decimal", "boolean", "string",
                                        "datetime", "json", "binary", "uuid", "enum", "unsupported"};
    return names[f];
}

static void dump_table(const SqlSchema *schema, const SqlTable *t, FILE *out)
{
    fputs("table ", out);
    if (t->namespace != SQL_NONE) {
        dump_str(out, schema->namespaces[t->namespace].name);
        fputc('.', out);
    }
    dump_str(out, t->name);
    fputc('\n', out);
    for (uint32_t i = 0; i < t->ncolumns; i++) {
        const SqlColumn *c = &t->columns[i];
        fputs("  column ", out);
        dump_str(out, c->name);
        fprintf(out, " %s ", family_name(c->type.family));
        dump_str(out, c->type.name);
        fprintf(out, "%s%s%s", c->type.list ? "[]" : "", c->nullable ? " NULL" : " NOT NULL",
                c->autoincrement ? " AUTOINCREMENT" : "");
        static const char *const def_kinds[] = {"", " DEFAULT ", " DEFAULT now", " DEFAULT sequence",
                                                " DEFAULT expression "};
        fputs(def_kinds[c->def.kind], out);
        if (c->def.kind == SQLDEF_VALUE || c->def.kind == SQLDEF_EXPRESSION)
            dump_str(out, c->def.sql);
        fputc('\n', out);
    }
    for (uint32_t i = 0; i < t->nindexes; i++) {
        const SqlIndex *x = &t->indexes[i];
        static const char *const kinds[] = {"primary key", "unique", "index"};
        fprintf(out, "  %s ", kinds[x->kind]);
        dump_str(out, x->name);
        fputs(" (", out);
        for (uint32_t k = 0; k < x->ncolumns; k++) {
            const SqlIndexColumn *ic = &x->columns[k];
            if (k)
                fputs(", ", out);
            dump_str(out, ic->column < t->ncolumns ? t->columns[ic->column].name : (Str){"?", 1});
            if (ic->sort == SORT_ASC)
                fputs(" ASC", out);
            else if (ic->sort == SORT_DESC)
                fputs(" DESC", out);
            if (ic->opclass.len) {
                fputc(' ', out);
                dump_str(out, ic->opclass);
            }
        }
        fputc(')', out);
        if (x->algorithm.len) {
            fputs(" using ", out);
            dump_str(out, x->algorithm);
        }
        fputc('\n', out);
    }
    for (uint32_t i = 0; i < t->nfks; i++) {
        const SqlForeignKey *fk = &t->fks[i];
        const SqlTable *rt = fk->referenced_table < schema->ntables ? &schema->tables[fk->referenced_table] : NULL;
        fputs("  foreign key ", out);
        dump_str(out, fk->name);
        fputs(" (", out);
        for (uint32_t k = 0; k < fk->ncolumns; k++) {
            if (k)
                fputs(", ", out);
            dump_str(out, fk->columns[k] < t->ncolumns ? t->columns[fk->columns[k]].name : (Str){"?", 1});
        }
        fputs(") -> ", out);
        dump_str(out, rt ? rt->name : (Str){"?", 1});
        fputs(" (", out);
        for (uint32_t k = 0; k < fk->ncolumns && rt; k++) {
            if (k)
                fputs(", ", out);
            uint32_t rc = fk->referenced_columns[k];
            dump_str(out, rc < rt->ncolumns ? rt->columns[rc].name : (Str){"?", 1});
        }
        fprintf(out, ") on delete %s on update %s\n", sql_action_name(fk->on_delete), sql_action_name(fk->on_update));
    }
}

void sql_schema_dump(const SqlSchema *schema, FILE *out)
{
    fprintf(out, "flavour %s\n", schema->flavour == SQL_POSTGRES ? "postgresql" : "sqlite");
    for (uint32_t i = 0; i < schema->nnamespaces; i++) {
        fputs("namespace ", out);
        dump_str(out, schema->namespaces[i].name);
        fputc('\n', out);
    }
    for (uint32_t i = 0; i < schema->nenums; i++) {
        const SqlEnum *e = &schema->enums[i];
        fputs("enum ", out);
        dump_str(out, e->name);
        fputs(" (", out);
        for (uint32_t k = 0; k < e->nvalues; k++) {
            if (k)
                fputs(", ", out);
            dump_str(out, e->values[k]);
        }
        fputs(")\n", out);
    }
    for (uint32_t i = 0; i < schema->ntables; i++)
        dump_table(schema, &schema->tables[i], out);
    for (uint32_t i = 0; i < schema->nextensions; i++) {
        const SqlExtension *e = &schema->extensions[i];
        fputs("extension ", out);
        dump_str(out, e->name);
        if (e->schema.len) {
            fputs(" schema ", out);
            dump_str(out, e->schema);
        }
        if (e->version.len) {
            fputs(" version ", out);
            dump_str(out, e->version);
        }
        fputc('\n', out);
    }
    for (uint32_t i = 0; i < schema->nunmanaged; i++) {
        const SqlUnmanaged *u = &schema->unmanaged[i];
        fprintf(out, "unmanaged %s ", sql_unmanaged_kind_name(u->kind));
        dump_str(out, u->name);
        fputc('\n', out);
    }
}
