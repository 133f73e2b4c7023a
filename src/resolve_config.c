/* Resolution: the datasource and generator blocks, read after the schema passes (Prisma
 * reports their errors after every schema error, whatever their place in the file).
 *
 * Prisma 6 and 7 both: the properties Prisma 7 moved to prisma.config.ts (`url`, `directUrl`,
 * `shadowDatabaseUrl`) are accepted with a warning, and so are the preview features that
 * Prisma 6 knew and Prisma 7 dropped. A provider Prisma knows but prismac does not handle
 * gets one error and nothing else. */
#include "resolve_internal.h"

#include <string.h>

/* ---- preview features --------------------------------------------------------------------- */

/* Prisma 7's active features; fullTextSearchPostgres only on PostgreSQL. */
static const char *const PREVIEW_ACTIVE[] = {
    "fullTextSearchPostgres", "nativeDistinct", "partialIndexes", "postgresqlExtensions", "relationJoins",
    "schemaEngineDriverAdapters", "shardKeys", "strictUndefinedChecks", "typedSql", "views",
};

/* Stabilised or retired features Prisma still accepts (its linter warns). */
static const char *const PREVIEW_DEPRECATED[] = {
    "aggregateApi", "atomicNumberOperations", "clientExtensions", "cockroachdb", "connectOrCreate", "createMany",
    "dataProxy", "deno", "distinct", "driverAdapters", "extendedIndexes", "extendedWhereUnique", "fieldReference",
    "filteredRelationCount", "filterJson", "fullTextIndex", "fullTextSearch", "groupBy", "improvedQueryRaw",
    "interactiveTransactions", "jsonProtocol", "microsoftSqlServer", "middlewares", "mongoDb", "multiSchema",
    "namedConstraints", "nApi", "nativeTypes", "omitApi", "orderByAggregateGroup", "orderByNulls",
    "orderByRelation", "prismaSchemaFolder", "queryCompiler", "referentialActions", "referentialIntegrity",
    "selectRelationCount", "tracing", "transactionApi", "uncheckedScalarInputs",
};

/* Known to Prisma 7 but hidden from the list it prints. */
static const char *const PREVIEW_HIDDEN[] = {"reactNative"};

/* Prisma 6 knew these; Prisma 7 does not. */
static const char *const PREVIEW_PRISMA6_ONLY[] = {"metrics", "esm"};

static bool ieq(Str a, const char *b)
{
    size_t n = strlen(b);
    if (a.len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char x = a.ptr[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (char)(y + 32);
        if (x != y)
            return false;
    }
    return true;
}

static int find_ci(Str s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ieq(s, list[i]))
            return (int)i;
    return -1;
}

#define COUNT(a) (sizeof(a) / sizeof *(a))

static void check_preview_feature(Resolver *r, Str feature, Span span, DbProvider provider)
{
    int i = find_ci(feature, PREVIEW_ACTIVE, COUNT(PREVIEW_ACTIVE));
    bool pg = provider == PROVIDER_POSTGRESQL || provider == PROVIDER_UNSUPPORTED;
    if (i > 0 || (i == 0 && pg))
        return;
    if (find_ci(feature, PREVIEW_DEPRECATED, COUNT(PREVIEW_DEPRECATED)) >= 0) {
        if (pg && ieq(feature, "fullTextSearch"))
            diag_warning(r->diags, span,
                         "the preview feature \"fullTextSearch\" is called \"fullTextSearchPostgres\" on PostgreSQL");
        else
            diag_warning(r->diags, span,
                         "the preview feature \"%s\" is no longer needed: its functionality is generally available",
                         str_c(r->arena, feature));
        return;
    }
    if (find_ci(feature, PREVIEW_HIDDEN, COUNT(PREVIEW_HIDDEN)) >= 0)
        return;
    if (find_ci(feature, PREVIEW_PRISMA6_ONLY, COUNT(PREVIEW_PRISMA6_ONLY)) >= 0) {
        diag_warning(r->diags, span, "the preview feature \"%s\" is known to Prisma 6 only: Prisma 7 rejects it",
                     str_c(r->arena, feature));
        return;
    }
    char *list = arena_strdup(r->arena, "");
    for (size_t k = pg ? 0 : 1; k < COUNT(PREVIEW_ACTIVE); k++)
        list = arena_sprintf(r->arena, "%s%s%s", list, *list ? ", " : "", PREVIEW_ACTIVE[k]);
    Diag *d = diag_error(r->diags, span, "unknown preview feature \"%s\"", str_c(r->arena, feature));
    if (i == 0)
        diag_hint(r->diags, d, "\"fullTextSearchPostgres\" is for PostgreSQL only; known features here: %s", list);
    else
        diag_hint(r->diags, d, "the known preview features are: %s", list);
}

/* ---- helpers ------------------------------------------------------------------------------------ */

static const Property *prop_find(const Block *b, const char *key)
{
    const Property *found = NULL;
    for (uint32_t i = 0; i < b->nprops; i++)
        if (str_eq_cstr(b->props[i]->key, key))
            found = b->props[i];    /* the last one, as Prisma's table keeps it */
    return found;
}

static bool is_env_call(const Expr *e)
{
    return expr_is_call(e, "env");
}

/* A string, or env("VAR") (the variable's name). */
static bool string_or_env(Resolver *r, const Expr *e, Str *out)
{
    if (e->kind == EXPR_STRING) {
        *out = e->value;
        return true;
    }
    if (is_env_call(e) && e->args && e->args->count == 1 && e->args->items[0].value &&
        e->args->items[0].value->kind == EXPR_STRING) {
        *out = e->args->items[0].value->value;
        return true;
    }
    diag_error(r->diags, e->span, "expected a string or `env(\"VARIABLE\")` here, found %s: `%s`", expr_kind_name(e),
               expr_to_text(r->arena, e));
    return false;
}

static bool strings_array(Resolver *r, const Expr *e, Str **out, uint32_t *n, Span **spans)
{
    uint32_t count = e->kind == EXPR_ARRAY ? e->count : 1;
    Str *items = arena_alloc(r->arena, (size_t)(count ? count : 1) * sizeof *items);
    Span *sp = arena_alloc(r->arena, (size_t)(count ? count : 1) * sizeof *sp);
    bool ok = true;
    for (uint32_t i = 0; i < count; i++) {
        const Expr *it = e->kind == EXPR_ARRAY ? e->items[i] : e;
        if (it->kind == EXPR_STRING) {
            items[i] = it->value;
            sp[i] = it->span;
        } else {
            diag_error(r->diags, it->span, "expected a string here, found %s: `%s`", expr_kind_name(it),
                       expr_to_text(r->arena, it));
            ok = false;
        }
    }
    *out = items;
    *n = count;
    if (spans)
        *spans = sp;
    return ok;
}

/* ---- datasource ------------------------------------------------------------------------------ */

static void parse_extensions(Resolver *r, DbDatasource *ds, const Property *p, uint8_t *used)
{
    (void)used;
    const Expr *e = p->value;
    uint32_t count = e->kind == EXPR_ARRAY ? e->count : 1;
    DbExtension *ext = arena_alloc(r->arena, (size_t)(count ? count : 1) * sizeof *ext);
    uint32_t n = 0;
    /* every entry must be a name or a call before any is read */
    bool ok = true;
    for (uint32_t i = 0; i < count; i++) {
        const Expr *it = e->kind == EXPR_ARRAY ? e->items[i] : e;
        if (it->kind != EXPR_CONSTANT && it->kind != EXPR_CALL) {
            diag_error(r->diags, it->span, "expected an extension name here, found %s: `%s`", expr_kind_name(it),
                       expr_to_text(r->arena, it));
            ok = false;
        }
    }
    if (!ok)
        return;
    for (uint32_t i = 0; i < count; i++) {
        const Expr *it = e->kind == EXPR_ARRAY ? e->items[i] : e;
        DbExtension x = {.name = it->text, .span = it->span};
        for (uint32_t k = 0; it->kind == EXPR_CALL && it->args && k < it->args->count; k++) {
            const Arg *a = &it->args->items[k];
            if (!a->name.len) {
                diag_error(r->diags, a->span, "an argument of an extension needs a name (`schema:`, `version:` or `map:`)");
                continue;
            }
            bool dup = false;
            for (uint32_t j = 0; j < k; j++)
                dup |= str_eq(it->args->items[j].name, a->name);
            if (dup) {
                diag_error(r->diags, a->span, "the argument `%s` may be given only once", str_c(r->arena, a->name));
                continue;
            }
            Str *slot = str_eq_cstr(a->name, "schema")    ? &x.schema
                        : str_eq_cstr(a->name, "version") ? &x.version
                        : str_eq_cstr(a->name, "map")     ? &x.map
                                                          : NULL;
            if (!a->value || a->value->kind != EXPR_STRING) {
                if (a->value)
                    diag_error(r->diags, a->value->span, "expected a string here, found %s: `%s`",
                               expr_kind_name(a->value), expr_to_text(r->arena, a->value));
                if (slot)
                    diag_error(r->diags, a->span, "the `%s` argument of an extension must be a string",
                               str_c(r->arena, a->name));
            } else if (slot) {
                *slot = a->value->value;
            }
            if (!slot)
                diag_error(r->diags, a->span, "unknown extension argument `%s`: the arguments are `schema`, `version` and `map`",
                           str_c(r->arena, a->name));
        }
        ext[n++] = x;
    }
    if (!ok)
        return;
    /* sorted by name, as Prisma keeps them (insertion sort: lists are short) */
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0 && str_cmp(ext[j - 1].name, ext[j].name) > 0; j--) {
            DbExtension t = ext[j];
            ext[j] = ext[j - 1];
            ext[j - 1] = t;
        }
    ds->extension_info = ext;
    ds->extensions = arena_alloc(r->arena, (size_t)(n ? n : 1) * sizeof(Str));
    for (uint32_t i = 0; i < n; i++)
        ds->extensions[i] = ext[i].name;
    ds->nextensions = n;
    ds->has_extensions = true;
    r->nt->extensions_span = p->value->span;
}

static const char *const OTHER_PROVIDERS[] = {"mysql", "sqlserver", "mongodb", "cockroachdb"};

/* Reads one datasource block; false when it could not be read (Prisma drops it). */
static bool lift_datasource(Resolver *r, const Block *b, DbDatasource *ds)
{
    Arena *a = r->arena;
    ds->ast = b;
    ds->name = b->name;
    for (uint32_t i = 0; i < b->nprops; i++)
        if (!b->props[i]->value) {
            Diag *d = diag_error(r->diags, b->span, "the property `%s` of datasource `%s` has no value",
                                 str_c(a, b->props[i]->key), str_c(a, b->name));
            diag_note(r->diags, d, b->props[i]->span, "give it a value: `%s = ...`", str_c(a, b->props[i]->key));
            return false;
        }
    uint8_t *used = arena_alloc(a, b->nprops + 1);
    /* a property given twice: the last one counts (the first was reported as a duplicate) */
    for (uint32_t i = 0; i < b->nprops; i++)
        for (uint32_t j = i + 1; j < b->nprops; j++)
            if (str_eq(b->props[i]->key, b->props[j]->key)) {
                used[i] = 1;
                break;
            }
    const Property *prov = NULL;
    for (uint32_t i = 0; i < b->nprops; i++)
        if (!used[i] && str_eq_cstr(b->props[i]->key, "provider")) {
            prov = b->props[i];
            used[i] = 1;
        }
    if (!prov) {
        Diag *d = diag_error(r->diags, b->span, "the datasource `%s` has no `provider`", str_c(a, b->name));
        diag_note(r->diags, d, b->name_span, "add `provider = \"postgresql\"` or `provider = \"sqlite\"`");
        return false;
    }
    const Expr *pv = prov->value;
    if (is_env_call(pv)) {
        diag_error(r->diags, b->span, "the `provider` of a datasource cannot come from `env()`: write it as a string");
        return false;
    }
    if (pv->kind != EXPR_STRING) {
        diag_error(r->diags, pv->span, "the `provider` of datasource `%s` must be a string literal, such as \"postgresql\"",
                   str_c(a, b->name));
        return false;
    }
    if (pv->value.len == 0) {
        diag_error(r->diags, pv->span, "the `provider` of datasource `%s` must not be empty", str_c(a, b->name));
        return false;
    }
    ds->provider_name = pv->value;
    if (str_eq_cstr(pv->value, "postgresql") || str_eq_cstr(pv->value, "postgres"))
        ds->provider = PROVIDER_POSTGRESQL;
    else if (str_eq_cstr(pv->value, "sqlite"))
        ds->provider = PROVIDER_SQLITE;
    else {
        for (size_t i = 0; i < COUNT(OTHER_PROVIDERS); i++)
            if (str_eq_cstr(pv->value, OTHER_PROVIDERS[i])) {
                ds->provider = PROVIDER_UNSUPPORTED;
                diag_error(r->diags, pv->span, "provider `%s` is not supported by prismac yet: it handles postgresql and sqlite",
                           str_c(a, pv->value));
                return true;
            }
        Diag *d = diag_error(r->diags, pv->span, "unknown datasource provider \"%s\"", str_c(a, pv->value));
        diag_hint(r->diags, d, "prismac handles \"postgresql\" (or \"postgres\") and \"sqlite\"");
        return false;
    }

    /* relationMode, or the deprecated referentialIntegrity */
    const Property *rm = NULL, *ri = NULL;
    for (uint32_t i = 0; i < b->nprops; i++) {
        if (used[i])
            continue;
        if (str_eq_cstr(b->props[i]->key, "relationMode")) {
            rm = b->props[i];
            used[i] = 1;
        } else if (str_eq_cstr(b->props[i]->key, "referentialIntegrity")) {
            ri = b->props[i];
            used[i] = 1;
        }
    }
    if (ri)
        diag_warning(r->diags, ri->span, "`referentialIntegrity` is deprecated: write `relationMode` instead");
    if (rm && ri) {
        diag_error(r->diags, ri->span, "`referentialIntegrity` and `relationMode` cannot be used together: keep `relationMode`");
    } else if (rm || ri) {
        const Property *p = rm ? rm : ri;
        if (p->value->kind != EXPR_STRING) {
            diag_error(r->diags, p->value->span, "expected a string here, found %s: `%s`", expr_kind_name(p->value),
                       expr_to_text(a, p->value));
        } else if (str_eq_cstr(p->value->value, "prisma")) {
            ds->relation_mode_prisma = true;
            ds->relation_mode_set = true;
        } else if (str_eq_cstr(p->value->value, "foreignKeys")) {
            ds->relation_mode_set = true;
        } else {
            Diag *d = diag_error(r->diags, b->span, "unknown relation mode \"%s\"", str_c(a, p->value->value));
            diag_note(r->diags, d, p->value->span, "the relation modes are \"prisma\" and \"foreignKeys\"");
        }
    }

    if (ds->provider == PROVIDER_POSTGRESQL)
        for (uint32_t i = 0; i < b->nprops; i++)
            if (!used[i] && str_eq_cstr(b->props[i]->key, "extensions")) {
                used[i] = 1;
                parse_extensions(r, ds, b->props[i], used);
            }

    /* Prisma 6: connection URLs in the schema */
    static const char *const URLS[] = {"url", "shadowDatabaseUrl", "directUrl"};
    for (int k = 0; k < 3; k++)
        for (uint32_t i = 0; i < b->nprops; i++) {
            if (used[i] || !str_eq_cstr(b->props[i]->key, URLS[k]))
                continue;
            used[i] = 1;
            const Property *p = b->props[i];
            Str s;
            if (string_or_env(r, p->value, &s)) {
                if (k == 0)
                    ds->url = p;
                else if (k == 1)
                    ds->shadow_url = p;
                else
                    ds->direct_url = p;
                diag_warning(r->diags, p->span,
                             "`%s` in the schema is Prisma 6 style: Prisma 7 reads connection URLs from prisma.config.ts",
                             URLS[k]);
            }
        }

    for (uint32_t i = 0; i < b->nprops; i++)
        if (!used[i] && str_eq_cstr(b->props[i]->key, "previewFeatures")) {
            used[i] = 1;
            Diag *d = diag_error(r->diags, b->props[i]->span, "`previewFeatures` belongs in the generator block, not the datasource");
            (void)d;
        }

    for (uint32_t i = 0; i < b->nprops; i++)
        if (!used[i] && str_eq_cstr(b->props[i]->key, "schemas")) {
            used[i] = 1;
            const Property *p = b->props[i];
            if (ds->provider == PROVIDER_SQLITE) {
                Diag *d = diag_error(r->diags, p->value->span, "`schemas` is not supported on SQLite: it has one schema");
                diag_hint(r->diags, d, "remove the `schemas` property");
                continue;
            }
            Str *names;
            Span *spans;
            uint32_t n;
            if (!strings_array(r, p->value, &names, &n, &spans))
                continue;
            if (n == 0) {
                diag_error(r->diags, p->value->span, "`schemas` must not be empty when it is given");
                continue;
            }
            /* duplicates: reported at the first occurrence of each repeated name */
            for (uint32_t x = 0; x < n; x++) {
                bool first = true;
                for (uint32_t y = 0; y < x && first; y++)
                    first = !str_eq(names[x], names[y]);
                if (!first)
                    continue;
                for (uint32_t y = x + 1; y < n; y++)
                    if (str_eq(names[x], names[y]))
                        diag_error(r->diags, spans[x], "the schema \"%s\" is listed twice in `schemas`",
                                   str_c(a, names[x]));
            }
            ds->schemas = names;
            ds->nschemas = n;
            r->nt->schemas_span = p->value->span;
            r->nt->has_schemas = true;
        }

    for (uint32_t i = 0; i < b->nprops; i++)
        if (!used[i])
            diag_error(r->diags, b->props[i]->span, "unknown datasource property `%s`", str_c(a, b->props[i]->key));
    return true;
}

/* ---- generators ------------------------------------------------------------------------------- */

static bool lift_generator(Resolver *r, const Block *b, DbGenerator *g, DbProvider provider)
{
    Arena *a = r->arena;
    g->ast = b;
    g->name = b->name;
    for (uint32_t i = 0; i < b->nprops; i++)
        if (!b->props[i]->value) {
            Diag *d = diag_error(r->diags, b->span, "the property `%s` of generator `%s` has no value",
                                 str_c(a, b->props[i]->key), str_c(a, b->name));
            diag_note(r->diags, d, b->props[i]->span, "give it a value: `%s = ...`", str_c(a, b->props[i]->key));
            return false;
        }
    const Property *et = prop_find(b, "engineType");
    if (et && et->value->kind != EXPR_STRING)
        diag_error(r->diags, et->value->span, "expected a string here, found %s: `%s`", expr_kind_name(et->value),
                   expr_to_text(a, et->value));
    const Property *prov = prop_find(b, "provider");
    if (!prov) {
        Diag *d = diag_error(r->diags, b->span, "the generator `%s` has no `provider`", str_c(a, b->name));
        diag_note(r->diags, d, b->name_span, "add `provider = \"prisma-client-js\"` (or your generator's)");
        return false;
    }
    if (!string_or_env(r, prov->value, &g->provider))
        return false;
    const Property *out = prop_find(b, "output");
    Str s;
    if (out)
        (void)string_or_env(r, out->value, &s);
    const Property *bt = prop_find(b, "binaryTargets");
    if (bt) {
        const Expr *e = bt->value;
        uint32_t count = e->kind == EXPR_ARRAY ? e->count : 1;
        for (uint32_t i = 0; i < count; i++)
            (void)string_or_env(r, e->kind == EXPR_ARRAY ? e->items[i] : e, &s);
    }
    const Property *pf = prop_find(b, "previewFeatures");
    if (pf) {
        Str *names;
        uint32_t n;
        if (strings_array(r, pf->value, &names, &n, NULL)) {
            g->preview_features = names;
            g->npreview_features = n;
            for (uint32_t i = 0; i < n; i++)
                check_preview_feature(r, names[i], pf->value->span, provider);
        }
    }
    return true;
}

void resolve_config(Resolver *r)
{
    Db *db = r->db;
    Ast *ast = r->ast;
    uint32_t nsources = 0, ngens = 0;
    for (uint32_t i = 0; i < ast->nblocks; i++) {
        nsources += ast->blocks[i]->kind == BLOCK_DATASOURCE;
        ngens += ast->blocks[i]->kind == BLOCK_GENERATOR;
    }
    DbDatasource *sources = arena_alloc(r->arena, (size_t)(nsources ? nsources : 1) * sizeof *sources);
    uint32_t lifted = 0;
    for (uint32_t i = 0; i < ast->nblocks; i++)
        if (ast->blocks[i]->kind == BLOCK_DATASOURCE && lift_datasource(r, ast->blocks[i], &sources[lifted]))
            lifted++;
    if (lifted > 1)
        for (uint32_t i = 0; i < ast->nblocks; i++)
            if (ast->blocks[i]->kind == BLOCK_DATASOURCE)
                diag_error(r->diags, ast->blocks[i]->span,
                           "datasource `%s`: a schema has one datasource; prismac, like Prisma, does not handle several",
                           str_c(r->arena, ast->blocks[i]->name));
    if (lifted >= 1) {
        db->datasource = &sources[0];
        db->provider = sources[0].provider;
        r->nt->datasource_ok = lifted == 1;
    }
    r->nt->config_provider = db->provider;

    db->generators = arena_alloc(r->arena, (size_t)(ngens ? ngens : 1) * sizeof *db->generators);
    for (uint32_t i = 0; i < ast->nblocks; i++)
        if (ast->blocks[i]->kind == BLOCK_GENERATOR &&
            lift_generator(r, ast->blocks[i], &db->generators[db->ngenerators], db->provider))
            db->ngenerators++;
}

/* ---- a Db derived for other configuration blocks ------------------------------------------ */

Db *db_resolve_derived(const Db *src, Ast *ast, bool drop_native_types, Arena *arena, Diags *diags)
{
    Db *db = arena_alloc(arena, sizeof *db);
    *db = *src;
    db->ast = ast;
    db->arena = arena;
    db->provider = PROVIDER_NONE;
    db->datasource = NULL;
    db->generators = NULL;
    db->ngenerators = 0;
    /* the name tables are src's; what the config pass sets is set again */
    struct DbNameTable *nt = arena_alloc(arena, sizeof *nt);
    *nt = *src->names;
    nt->config_provider = PROVIDER_NONE;
    nt->datasource_ok = false;
    nt->has_schemas = false;
    nt->schemas_span = (Span){0, 0, 0};
    nt->extensions_span = (Span){0, 0, 0};
    db->names = nt;
    if (drop_native_types) {
        /* copy on write: the fields, without their native types */
        size_t size = (size_t)(src->nfields ? src->nfields : 1) * sizeof *db->fields;
        DbField *fields = arena_alloc_raw(arena, size);
        memcpy(fields, src->fields, size);
        for (uint32_t i = 0; i < src->nfields; i++)
            if (fields[i].native->attr)
                fields[i].native = &db_no_native;
        db->fields = fields;
    }
    Resolver r = {.db = db, .ast = ast, .arena = arena, .diags = diags, .nt = nt};
    uint32_t before_config = diags->errors;
    resolve_config(&r);
    db->config_errors = diags->errors > before_config;
    return db;
}
