/* `prismac variant`: every golden schema of fixtures/sql/ turned into each provider gives the
 * committed variant (fixtures/variant/NNN-name.TARGET.prisma, which Prisma validates: .oracle),
 * or exactly the committed list of constructs that do not carry over (.err); a variant differs
 * from its source only on the provider line and by dropped native types. Plus the options that
 * map constructs, and the command's -o / --check. Every variant is also made by each route
 * (its Db derived from the source's, its tree made from the source's, its text parsed again):
 * the same text, the same resolved Db, the same diagnostics. */
#include "testutil.h"
#include "prismac/variant.h"
#include "resolve_internal.h"

#include <dirent.h>

#define SQL_DIR "fixtures/sql"
#define VAR_DIR "fixtures/variant"

typedef struct Case {
    char name[200];
    DbProvider target;
} Case;

static Case CASES[1024];

typedef struct Loaded {
    Arena arena;
    SourceSet sources;
    Diags diags;
    Db *db;
} Loaded;

static void load(Loaded *l, const char *path, const char *text)
{
    arena_init(&l->arena);
    source_set_init(&l->sources, &l->arena);
    diags_init(&l->diags, &l->arena);
    if (text) {
        source_add_text(&l->sources, path, text, strlen(text));
    } else {
        char *err = NULL;
        assert_int_equal(source_add_path(&l->sources, path, &err), SOURCE_OK);
    }
    Ast *ast = ast_parse(&l->sources, &l->diags);
    l->db = db_resolve(ast, &l->diags);
    if (!l->diags.errors)
        db_validate(l->db, PROVIDER_NONE, &l->diags);
}

/* A source line without its @db.* attributes and trailing blanks. */
static void strip_native(const char *line, size_t len, char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        if (len - i > 4 && memcmp(line + i, "@db.", 4) == 0) {
            while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
                n--;
            i += 4;
            while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '(')
                i++;
            if (i < len && line[i] == '(') {
                int depth = 0;
                for (; i < len; i++) {
                    if (line[i] == '(')
                        depth++;
                    else if (line[i] == ')' && --depth == 0) {
                        i++;
                        break;
                    }
                }
            }
            continue;
        }
        out[n++] = line[i++];
    }
    out[n] = '\0';
}

static const char *next_line(const char *p, size_t *len)
{
    const char *e = strchr(p, '\n');
    *len = e ? (size_t)(e - p) : strlen(p);
    return e ? e + 1 : p + *len;
}

/* Only the provider line and native types may differ. */
static void assert_only_allowed_changes(const char *name, const char *src, const char *var)
{
    const char *a = src, *b = var;
    int line = 0;
    while (*a || *b) {
        size_t la, lb;
        const char *na = next_line(a, &la), *nb = next_line(b, &lb);
        line++;
        if (la != lb || memcmp(a, b, la) != 0) {
            char sa[4096], sb[4096];
            snprintf(sa, sizeof sa, "%.*s", (int)la, a);
            snprintf(sb, sizeof sb, "%.*s", (int)lb, b);
            char stripped[4096];
            strip_native(sa, strlen(sa), stripped);
            bool provider = strstr(sa, "provider") && strstr(sb, "provider");
            if (!provider && strcmp(stripped, sb) != 0)
                print_error("%s:%d: variant changes more than it may:\n  source:  %s\n  variant: %s\n", name, line, sa, sb);
            assert_true(provider || strcmp(stripped, sb) == 0);
        }
        a = na;
        b = nb;
    }
}

/* ---- the variant's Db, written out to compare the routes ---------------------------------- */

/* The text of a node as written (the same in every route: its span moves, its text does not). */
static void dump_text(FILE *o, const Db *db, Span span)
{
    Str t = ast_span_text(db->ast, span);
    fprintf(o, "`%.*s`", (int)t.len, t.ptr);
}

static void dump_str(FILE *o, const char *key, Str s)
{
    fprintf(o, " %s=%.*s", key, (int)s.len, s.ptr);
}

static void dump_attr(FILE *o, const Db *db, const char *key, const Attribute *a)
{
    fprintf(o, " %s=", key);
    if (a)
        dump_text(o, db, a->span);
    else
        fputs("-", o);
}

static void dump_expr(FILE *o, const Db *db, const char *key, const Expr *e)
{
    fprintf(o, " %s=", key);
    if (e)
        dump_text(o, db, e->span);
    else
        fputs("-", o);
}

static void dump_id(FILE *o, const char *key, uint32_t id)
{
    if (id == DB_NONE)
        fprintf(o, " %s=-", key);
    else
        fprintf(o, " %s=%u", key, id);
}

/* Everything of the Db but where its nodes are: names, ids, kinds, values, and the private
 * parts validation reads. A field's or block's own text is left out: with the tree routes it
 * still holds the dropped native types (which is where errors are reported). */
static void dump_db(FILE *o, const Db *db)
{
    fprintf(o, "provider=%d resolve_errors=%d config_errors=%d\n", db->provider, db->resolve_errors, db->config_errors);
    const DbDatasource *ds = db->datasource;
    if (ds) {
        fprintf(o, "datasource provider=%d", ds->provider);
        dump_str(o, "name", ds->name);
        dump_str(o, "provider_name", ds->provider_name);
        fprintf(o, " url=%d direct=%d shadow=%d rm_prisma=%d rm_set=%d has_ext=%d\n", ds->url != NULL,
                ds->direct_url != NULL, ds->shadow_url != NULL, ds->relation_mode_prisma, ds->relation_mode_set,
                ds->has_extensions);
        for (uint32_t i = 0; i < ds->nschemas; i++)
            dump_str(o, "schema", ds->schemas[i]);
        for (uint32_t i = 0; i < ds->nextensions; i++) {
            dump_str(o, "ext", ds->extension_info[i].name);
            dump_str(o, "schema", ds->extension_info[i].schema);
            dump_str(o, "version", ds->extension_info[i].version);
            dump_str(o, "map", ds->extension_info[i].map);
            fputs("\n", o);
        }
    }
    for (uint32_t i = 0; i < db->ngenerators; i++) {
        const DbGenerator *g = &db->generators[i];
        fputs("generator", o);
        dump_str(o, "name", g->name);
        dump_str(o, "provider", g->provider);
        for (uint32_t k = 0; k < g->npreview_features; k++)
            dump_str(o, "feature", g->preview_features[k]);
        fputs("\n", o);
    }
    for (uint32_t i = 0; i < db->nmodels; i++) {
        const DbModel *m = &db->models[i];
        fputs("model", o);
        dump_str(o, "name", m->name);
        dump_str(o, "db_name", m->db_name);
        dump_str(o, "schema", m->schema);
        fprintf(o, " fields=%u+%u", m->first_field, m->nfields);
        dump_id(o, "pk", m->pk);
        fprintf(o, " indexes=%u+%u ignored=%d view=%d mapped=%d", m->first_index, m->nindexes, m->ignored, m->is_view,
                m->mapped);
        dump_str(o, "block", m->ast->name);
        fputs("\n", o);
    }
    for (uint32_t i = 0; i < db->nfields; i++) {
        const DbField *f = &db->fields[i];
        fputs("field", o);
        dump_str(o, "name", f->name);
        dump_str(o, "db_name", f->db_name);
        fprintf(o, " model=%u kind=%d scalar=%d", f->model, f->kind, f->scalar);
        dump_id(o, "type", f->type_id);
        dump_str(o, "unsupported", f->kind == DBF_UNSUPPORTED ? f->ast->type.name : (Str){0});
        fprintf(o, " arity=%d def=%d/%u", f->arity, f->def->kind, f->def->version);
        dump_expr(o, db, "def_expr", f->def->expr);
        dump_str(o, "def_text", f->def->text);
        dump_str(o, "def_map", f->def->map);
        dump_attr(o, db, "def_attr", f->def->attr);
        dump_str(o, "native", f->native->name);
        dump_str(o, "scope", f->native->scope);
        fprintf(o, " nargs=%u(%lld,%lld) unsigned=%d", f->native->nargs, (long long)f->native->args[0],
                (long long)f->native->args[1], f->native->args_unsigned);
        dump_attr(o, db, "native_attr", f->native->attr);
        dump_id(o, "relation", f->relation);
        fprintf(o, " updated_at=%d ignored=%d mapped=%d", f->updated_at, f->ignored, f->mapped);
        dump_str(o, "ast", f->ast ? f->ast->name : (Str){"", 0});
        fputs("\n", o);
    }
    for (uint32_t i = 0; i < db->nenums; i++) {
        const DbEnum *e = &db->enums[i];
        fputs("enum", o);
        dump_str(o, "name", e->name);
        dump_str(o, "db_name", e->db_name);
        dump_str(o, "schema", e->schema);
        fprintf(o, " values=%u+%u mapped=%d\n", e->first_value, e->nvalues, e->mapped);
    }
    for (uint32_t i = 0; i < db->nenum_values; i++) {
        fputs("value", o);
        dump_str(o, "name", db->enum_values[i].name);
        dump_str(o, "db_name", db->enum_values[i].db_name);
        fputs("\n", o);
    }
    for (uint32_t i = 0; i < db->ncomposite_types; i++) {
        fputs("composite", o);
        dump_str(o, "name", db->composite_types[i].name);
        fputs("\n", o);
    }
    for (uint32_t i = 0; i < db->nindexes; i++) {
        const DbIndex *x = &db->indexes[i];
        fprintf(o, "index kind=%d model=%u fields=%u+%u", x->kind, x->model, x->first_field, x->nfields);
        dump_str(o, "name", x->name);
        dump_str(o, "map", x->map);
        dump_str(o, "algorithm", x->algorithm);
        fprintf(o, " field_level=%d clustered=%d", x->field_level, x->clustered);
        dump_expr(o, db, "where", x->where);
        dump_attr(o, db, "attr", x->attr);
        fputs("\n", o);
    }
    for (uint32_t i = 0; i < db->nindex_fields; i++) {
        const DbIndexField *x = &db->index_fields[i];
        fprintf(o, "index_field field=%u sort=%d length=%d", x->field, x->sort, x->length);
        dump_str(o, "ops", x->ops);
        fprintf(o, " raw=%d", x->ops_raw);
        dump_expr(o, db, "expr", x->expr);
        fputs("\n", o);
    }
    for (uint32_t i = 0; i < db->nrelations; i++) {
        const DbRelation *r = &db->relations[i];
        fprintf(o, "relation kind=%d embedded=%d", r->kind, r->embedded);
        dump_str(o, "name", r->name);
        fprintf(o, " models=%u,%u", r->model_a, r->model_b);
        dump_id(o, "field_a", r->field_a);
        dump_id(o, "field_b", r->field_b);
        fprintf(o, " fk=%u+%u actions=%d,%d", r->first_fk, r->nfk, r->on_delete, r->on_update);
        dump_str(o, "map", r->map);
        dump_attr(o, db, "attr", r->attr);
        fputs("\n", o);
    }
    for (uint32_t i = 0; i < db->nfk_pairs; i++)
        fprintf(o, "fk %u -> %u\n", db->fk_pairs[i].field, db->fk_pairs[i].references);
    /* what resolution keeps for validation */
    const struct DbNameTable *nt = db->names;
    fprintf(o, "config_provider=%d datasource_ok=%d has_schemas=%d", nt->config_provider, nt->datasource_ok,
            nt->has_schemas);
    fputs(" schemas_span=", o);
    if (nt->has_schemas)
        dump_text(o, db, nt->schemas_span);
    fputs(" extensions_span=", o);
    if (ds && ds->has_extensions)
        dump_text(o, db, nt->extensions_span);
    fprintf(o, " unknown_fn=%u ctfields=%u\n", nt->nunknown_fn_fields, nt->nctfields);
    for (uint32_t i = 0; i < nt->nunknown_fn_fields; i++)
        fprintf(o, "unknown_fn %u\n", nt->unknown_fn_fields[i]);
    for (uint32_t i = 0; i < db->nmodels; i++) {
        fputs("model_names", o);
        if (db->models[i].schema.len)
            dump_text(o, db, nt->model_schema_span[i]);
        dump_attr(o, db, "map", nt->model_map_attr[i]);
        fputs("\n", o);
    }
    for (uint32_t i = 0; i < db->nenums; i++)
        if (db->enums[i].schema.len) {
            fputs("enum_schema ", o);
            dump_text(o, db, nt->enum_schema_span[i]);
            fputs("\n", o);
        }
    for (uint32_t i = 0; i < db->nfields; i++)
        dump_id(o, "relfield", nt->field_relfield[i]);
    fputs("\n", o);
    for (uint32_t i = 0; i < nt->nrelfields; i++) {
        const RelField *rf = &nt->relfields[i];
        fprintf(o, "relfield field=%u model=%u target=%u", rf->field, rf->model, rf->target);
        dump_attr(o, db, "attr", rf->attr);
        fputs(" fields=", o);
        for (uint32_t k = 0; k < rf->nfields; k++)
            fprintf(o, "%u,", rf->fields[k]);
        fputs(" refs=", o);
        for (uint32_t k = 0; k < rf->nrefs; k++)
            fprintf(o, "%u,", rf->refs[k]);
        fprintf(o, " has=%d%d%d%d", rf->has_fields, rf->has_refs, rf->has_name, rf->has_map);
        dump_str(o, "name", rf->name);
        dump_str(o, "map", rf->map);
        fprintf(o, " actions=%d,%d ignored=%d\n", rf->on_delete, rf->on_update, rf->ignored);
    }
    for (uint32_t i = 0; i < db->nmodels; i++) {
        /* each model's field table: every field found by its name */
        const DbModel *m = &db->models[i];
        for (uint32_t k = 0; k < m->nfields; k++)
            dump_id(o, "find", resolve_find_field(db, i, db->fields[m->first_field + k].name));
    }
    fputs("\n", o);
}

typedef struct DbDump {
    char *text;
    size_t len;
    bool called;
} DbDump;

static void on_db(const Db *db, void *ctx)
{
    DbDump *d = ctx;
    FILE *o = open_memstream(&d->text, &d->len);
    assert_non_null(o);
    dump_db(o, db);
    fclose(o);
    d->called = true;
}

/* The variant made again by another route (its Db derived from the source's, its tree made
 * from the source's, its text parsed again) gives the same text, the same resolved Db and the
 * same diagnostics, at the same places, as the variant made by the default route. The
 * diagnostics from `before` on are the first variant's. */
static bool assert_same_by_every_route(Loaded *l, VariantOptions opt, bool ok, const VariantResult *r, uint32_t before)
{
    DbDump dumps[3] = {{0}};
    for (int route = VARIANT_ROUTE_DERIVED; route <= VARIANT_ROUTE_TEXT; route++) {
        opt.route = (VariantRoute)route;
        opt.on_db = on_db;
        opt.on_db_ctx = &dumps[route];
        Diags d;
        diags_init(&d, &l->arena);
        VariantResult again;
        bool ok2 = variant_make(l->db, &opt, &l->arena, &again, &d);
        assert_int_equal(ok, ok2);
        for (uint32_t f = 0; ok && f < l->sources.count; f++) {
            assert_int_equal(r->lens[f], again.lens[f]);
            assert_memory_equal(r->texts[f], again.texts[f], r->lens[f]);
        }
        assert_int_equal(l->diags.count - before, d.count);
        for (uint32_t i = 0; i < d.count; i++) {
            const Diag *x = &l->diags.items[before + i], *y = &d.items[i];
            if (strcmp(x->message, y->message) != 0 || x->span.start != y->span.start || x->span.end != y->span.end)
                print_error("default route: %u-%u %s\nroute %d:       %u-%u %s\n", x->span.start, x->span.end,
                            x->message, route, y->span.start, y->span.end, y->message);
            assert_int_equal(x->severity, y->severity);
            assert_string_equal(x->message, y->message);
            assert_int_equal(x->span.file, y->span.file);
            assert_int_equal(x->span.start, y->span.start);
            assert_int_equal(x->span.end, y->span.end);
        }
        if (route > 0) {
            /* checked variants (not those stopped before, by constructs that do not carry over) */
            assert_int_equal(dumps[0].called, dumps[route].called);
            if (dumps[0].called && (dumps[0].len != dumps[route].len ||
                                    memcmp(dumps[0].text, dumps[route].text, dumps[0].len) != 0)) {
                size_t k = 0;
                while (k < dumps[0].len && k < dumps[route].len && dumps[0].text[k] == dumps[route].text[k])
                    k++;
                size_t from = k > 200 ? k - 200 : 0;
                print_error("the Dbs differ (route 0, route %d) at:\n%.400s\n----\n%.400s\n", route, dumps[0].text + from,
                            dumps[route].text + from);
            }
            assert_int_equal(dumps[0].len, dumps[route].len);
            if (dumps[0].called)
                assert_memory_equal(dumps[0].text, dumps[route].text, dumps[0].len);
        }
    }
    bool checked = dumps[0].called;
    for (int i = 0; i < 3; i++)
        free(dumps[i].text);
    return checked;     /* the variant got as far as its check */
}

static void run_case(void **state)
{
    const Case *c = *state;
    const char *tname = c->target == PROVIDER_SQLITE ? "sqlite" : "postgresql";
    char src_path[512], var_path[512], err_path[512], oracle_path[512];
    snprintf(src_path, sizeof src_path, SQL_DIR "/%s.prisma", c->name);
    snprintf(var_path, sizeof var_path, VAR_DIR "/%s.%s.prisma", c->name, tname);
    snprintf(err_path, sizeof err_path, VAR_DIR "/%s.%s.err", c->name, tname);
    snprintf(oracle_path, sizeof oracle_path, VAR_DIR "/%s.%s.oracle", c->name, tname);
    char *want = read_whole_file(var_path, NULL);
    char *want_err = read_whole_file(err_path, NULL);
    assert_true(want || want_err);

    Loaded l;
    load(&l, src_path, NULL);
    if (l.diags.errors) {   /* an invalid source has no variant */
        assert_non_null(want_err);
        assert_non_null(strstr(want_err, "error:"));
        goto done;
    }
    VariantOptions opt = {.target = c->target};
    VariantResult r;
    uint32_t before = l.diags.count;
    bool ok = variant_make(l.db, &opt, &l.arena, &r, &l.diags);
    (void)assert_same_by_every_route(&l, opt, ok, &r, before);
    if (want) {
        if (!ok)
            print_error("%s: %s\n", c->name, l.diags.items[before].message);
        assert_true(ok);
        assert_int_equal(r.lens[0], strlen(want));
        assert_memory_equal(r.texts[0], want, r.lens[0]);
        char *oracle = read_whole_file(oracle_path, NULL);
        assert_non_null(oracle);
        assert_string_equal(oracle, "valid\n");   /* Prisma accepts the variant */
        free(oracle);
        char *src = read_whole_file(src_path, NULL);
        assert_only_allowed_changes(c->name, src, r.texts[0]);
        free(src);
    } else {
        assert_false(ok);
        /* every reported construct, in order, as the committed list says */
        for (uint32_t i = before; i < l.diags.count; i++) {
            const Diag *d = &l.diags.items[i];
            if (d->severity != DIAG_ERROR)
                continue;
            LineCol lc = source_line_col(&l.sources.files[d->span.file], d->span.start);
            char line[1024];
            snprintf(line, sizeof line, "%s.prisma:%u:%u: error: %s\n", c->name, lc.line, lc.col, d->message);
            if (!strstr(want_err, line))
                print_error("%s: not in %s: %s", c->name, err_path, line);
            assert_non_null(strstr(want_err, line));
        }
    }
done:
    free(want);
    free(want_err);
    arena_free(&l.arena);
}

static const char *PG_SCHEMA =
    "datasource db {\n  provider = \"postgresql\"\n  schemas  = [\"public\", \"auth\"]\n}\n\n"
    "model User {\n  id    Int    @id(map: \"user_pk\")\n  email String @db.VarChar(200)\n  tags  Json\n"
    "  posts Post[]\n\n  @@index([email(ops: raw(\"text_pattern_ops\"))], type: Hash)\n  @@schema(\"auth\")\n}\n\n"
    "model Post {\n  id     Int  @id\n  userId Int\n  user   User @relation(fields: [userId], references: [id], map: \"post_user\")\n\n"
    "  @@schema(\"public\")\n}\n";

static void test_options_map_constructs(void **state)
{
    (void)state;
    Loaded l;
    load(&l, "schema.prisma", PG_SCHEMA);
    assert_int_equal(l.diags.errors, 0);
    VariantOptions opt = {.target = PROVIDER_SQLITE};
    VariantResult r;
    uint32_t before = l.diags.count;
    assert_false(variant_make(l.db, &opt, &l.arena, &r, &l.diags));
    /* schemas, two @@schema, type: Hash, ops:, @id map:, @relation map: */
    assert_int_equal(l.diags.errors, 7);
    assert_true(l.diags.count > before);
    arena_free(&l.arena);

    load(&l, "schema.prisma", PG_SCHEMA);
    opt.drop_schemas = opt.drop_index_types = opt.drop_constraint_names = true;
    assert_true(variant_make(l.db, &opt, &l.arena, &r, &l.diags));
    char text[4096];
    snprintf(text, sizeof text, "%.*s", (int)r.lens[0], r.texts[0]);
    assert_string_equal(text,
                        "datasource db {\n  provider = \"sqlite\"\n}\n\n"
                        "model User {\n  id    Int    @id\n  email String\n  tags  Json\n"
                        "  posts Post[]\n\n  @@index([email])\n}\n\n"
                        "model Post {\n  id     Int  @id\n  userId Int\n  user   User @relation(fields: [userId], references: [id])\n\n"
                        "}\n");
    arena_free(&l.arena);
}

/* What the variant breaks of SQLite's rules, next to dropped native types (before, after and
 * between other attributes, with comments after them): the same errors, at the same places,
 * whether the variant's tree is made from the source's or its text is parsed again. */
static const char *SQLITE_RULES_SCHEMA =
    "datasource db {\n  provider = \"postgresql\" // production\n}\n\n"
    "model A {\n  id   Int    @id @default(autoincrement()) @db.Integer\n"
    "  n    Int    @db.SmallInt @default(autoincrement()) // not the id\n"
    "  m    Int    @default(autoincrement())   @db.SmallInt\n"
    "  name String @db.VarChar(20) @unique\n  bId  Int    @db.Integer\n"
    "  b    B      @relation(fields: [bId], references: [id], onDelete: SetNull)\n}\n\n"
    "model B {\n  id Int @id @default(autoincrement()) @db.Integer\n  as A[]\n}\n";

static void test_tree_and_text_agree(void **state)
{
    (void)state;
    Loaded l;
    load(&l, "schema.prisma", SQLITE_RULES_SCHEMA);
    assert_int_equal(l.diags.errors, 0);
    VariantOptions opt = {.target = PROVIDER_SQLITE};
    VariantResult r;
    uint32_t before = l.diags.count;
    assert_false(variant_make(l.db, &opt, &l.arena, &r, &l.diags));
    assert_true(l.diags.errors >= 4);
    assert_true(assert_same_by_every_route(&l, opt, false, &r, before));
    /* `m`'s error covers the field up to its dropped attribute, as in the source */
    bool found = false;
    for (uint32_t i = before; i < l.diags.count; i++) {
        const Diag *d = &l.diags.items[i];
        Str text = {SQLITE_RULES_SCHEMA + d->span.start, d->span.end - d->span.start};
        if (strstr(d->message, "`m`") && str_eq_cstr(text, "m    Int    @default(autoincrement())   @db.SmallInt"))
            found = true;
    }
    assert_true(found);
    arena_free(&l.arena);
}

/* Edge cases for the routes: each schema resolves without error (it may still be invalid for
 * its own provider: the command makes the variant while the source is validated), and each
 * route gives the same variant, Db and diagnostics, for each target and set of options. */
typedef struct EdgeCase {
    const char *name;
    const char *files[2];       /* one or two files */
    bool drop_all;              /* with every --drop-* option as well */
} EdgeCase;

static const EdgeCase EDGE_CASES[] = {
    {"relationMode prisma, native types",
     {"generator c {\n  provider        = \"prisma-client-js\"\n  previewFeatures = [\"fullTextSearchPostgres\"]\n}\n\n"
      "datasource db {\n  provider     = \"postgresql\"\n  relationMode = \"prisma\"\n}\n\n"
      "model A {\n  id  String @id @db.Uuid\n  n   Decimal @db.Decimal(10, 2)\n  t   DateTime @db.Timestamptz(3)\n"
      "  bs  B[]\n}\n\nmodel B {\n  id  Int @id\n  aId String @db.Uuid\n"
      "  a   A @relation(fields: [aId], references: [id], onDelete: Cascade)\n\n  @@index([aId])\n}\n"}, false},
    {"relationMode prisma, SetDefault",
     {"datasource db {\n  provider     = \"postgresql\"\n  relationMode = \"prisma\"\n}\n\n"
      "model A {\n  id  String @id @db.Uuid\n  bs  B[]\n}\n\nmodel B {\n  id  Int @id\n  aId String @db.Uuid\n"
      "  a   A @relation(fields: [aId], references: [id], onDelete: SetDefault)\n}\n"}, false},
    {"referentialIntegrity on sqlite, without an index",
     {"datasource db {\n  provider             = \"sqlite\"\n  referentialIntegrity = \"prisma\"\n}\n\n"
      "model A {\n  id Int @id\n  bs B[]\n}\n\nmodel B {\n  id Int @id\n  aId Int\n"
      "  a A @relation(fields: [aId], references: [id], onDelete: SetNull)\n}\n"}, false},
    {"multiSchema",
     {"generator c {\n  provider        = \"prisma-client-js\"\n  previewFeatures = [\"multiSchema\"]\n}\n\n"
      "datasource db {\n  provider = \"postgresql\"\n  schemas  = [\"a\", \"b\"]\n}\n\n"
      "model A {\n  id Int @id @db.Integer\n  e  E\n\n  @@schema(\"a\")\n}\n\n"
      "model B {\n  id Int @id\n\n  @@map(\"A\")\n  @@schema(\"b\")\n}\n\nenum E {\n  X\n\n  @@schema(\"b\")\n}\n"},
     true},
    {"extensions and index types",
     {"generator c {\n  provider        = \"prisma-client-js\"\n  previewFeatures = [\"postgresqlExtensions\"]\n}\n\n"
      "datasource db {\n  provider   = \"postgres\"\n  extensions = [citext, pg_trgm(schema: \"x\", version: \"1.5\")]\n}\n\n"
      "model A {\n  id   Int @id(map: \"a_pk\")\n  name String @db.Citext\n  tags Json\n\n"
      "  @@index([name(ops: raw(\"gin_trgm_ops\"))], type: Gin)\n  @@index([tags], type: Hash)\n}\n"},
     true},
    {"Unsupported, lists, Json",
     {"datasource db {\n  provider = \"postgresql\"\n}\n\n"
      "model A {\n  id   Int @id\n  geo  Unsupported(\"geometry(Point, 4326)\")?\n  pts  Unsupported(\"circle\")\n"
      "  j    Json @db.JsonB\n  ls   Int[]\n  x    String? @db.VarChar(3) @unique\n\n  @@ignore\n}\n"}, false},
    {"Unsupported on sqlite",
     {"datasource db {\n  provider = \"sqlite\"\n}\n\nmodel A {\n  id  Int @id\n  v   Unsupported(\"TEXT\")?\n"
      "  ip  Unsupported(\"inet\")\n}\n"}, false},
    {"views",
     {"generator c {\n  provider        = \"prisma-client-js\"\n  previewFeatures = [\"views\"]\n}\n\n"
      "datasource db {\n  provider = \"postgresql\"\n}\n\n"
      "model U {\n  id Int @id\n  email String @db.VarChar(90)\n}\n\n"
      "view V {\n  id    Int    @unique\n  email String @db.VarChar(90)\n  n     BigInt @db.BigInt\n}\n"}, false},
    {"views without the preview feature",
     {"datasource db {\n  provider = \"sqlite\"\n}\n\nview V {\n  id Int @unique\n}\n"}, false},
    {"composite types",
     {"datasource db {\n  provider = \"postgresql\"\n}\n\ntype Address {\n  street String\n  zip    String\n}\n\n"
      "model A {\n  id   Int @id\n  addr Address\n  s    String @db.Text\n}\n"}, false},
    {"partial indexes",
     {"generator c {\n  provider        = \"prisma-client-js\"\n  previewFeatures = [\"partialIndexes\"]\n}\n\n"
      "datasource db {\n  provider = \"postgresql\"\n}\n\n"
      "model A {\n  id Int @id\n  email String @db.VarChar(200)\n  deleted Boolean\n\n"
      "  @@unique([email], where: raw(\"deleted = false\"))\n  @@index([deleted], where: { deleted: true })\n}\n"}, false},
    {"native types on sqlite, Prisma 6 urls, preview features",
     {"generator c {\n  provider        = \"prisma-client-js\"\n  previewFeatures = [\"fullTextSearch\", \"metrics\", \"views\"]\n}\n\n"
      "datasource db {\n  provider  = \"sqlite\"\n  url       = env(\"DATABASE_URL\")\n  directUrl = \"file:./x.db\"\n}\n\n"
      "model A {\n  id Int @id @db.Integer\n  s  String @db.Text\n  d  Decimal\n}\n"}, false},
    {"enums, defaults, mapped names",
     {"datasource db {\n  provider = \"postgresql\"\n}\n\nenum Role {\n  USER  @map(\"user\")\n  ADMIN\n\n  @@map(\"role\")\n}\n\n"
      "model A {\n  id    String   @id @default(uuid(7)) @db.Uuid\n  role  Role     @default(USER)\n"
      "  roles Role[]\n  at    DateTime @default(now()) @db.Timestamp(6) @map(\"created_at\")\n"
      "  g     String   @default(dbgenerated(\"gen()\")) @db.Char(8)\n  c     String   @default(cuid(2))\n\n"
      "  @@unique([role, at], name: \"ra\", map: \"ra_key\")\n  @@map(\"as\")\n}\n"}, false},
    {"two files",
     {"datasource db {\n  provider = \"postgresql\"\n}\n\nmodel A {\n  id Int @id @db.Integer\n  bs B[]\n}\n",
      "model B {\n  id  Int @id\n  aId Int @db.Integer\n  a   A @relation(fields: [aId], references: [id], map: \"b_a\")\n}\n"},
     true},
};

static void test_routes_agree_on_edge_cases(void **state)
{
    (void)state;
    uint32_t checked = 0, runs = 0;
    for (size_t c = 0; c < sizeof EDGE_CASES / sizeof *EDGE_CASES; c++) {
        const EdgeCase *ec = &EDGE_CASES[c];
        for (int target = PROVIDER_POSTGRESQL; target <= PROVIDER_SQLITE; target++)
            for (int drop = 0; drop <= (int)ec->drop_all; drop++) {
                Loaded l;
                arena_init(&l.arena);
                source_set_init(&l.sources, &l.arena);
                diags_init(&l.diags, &l.arena);
                for (int f = 0; f < 2 && ec->files[f]; f++)
                    source_add_text(&l.sources, f ? "b.prisma" : "a.prisma", ec->files[f], strlen(ec->files[f]));
                Ast *ast = ast_parse(&l.sources, &l.diags);
                l.db = db_resolve(ast, &l.diags);
                if (l.diags.errors)
                    print_error("%s: %s\n", ec->name, l.diags.items[0].message);
                assert_int_equal(l.diags.errors, 0);
                VariantOptions opt = {.target = (DbProvider)target};
                opt.drop_schemas = opt.drop_index_types = opt.drop_constraint_names = opt.drop_extensions = drop;
                VariantResult r;
                uint32_t before = l.diags.count;
                bool ok = variant_make(l.db, &opt, &l.arena, &r, &l.diags);
                checked += assert_same_by_every_route(&l, opt, ok, &r, before);
                runs++;
                arena_free(&l.arena);
            }
    }
    /* most variants reach their check (the others stop at constructs that do not carry over) */
    assert_true(checked >= runs * 3 / 4);
}

/* The seed schemas, to each provider, with and without the options: every route agrees. */
static void test_routes_agree_on_seeds(void **state)
{
    (void)state;
    static const char *const SEEDS[] = {
        "fixtures/seeds/profiles.prisma", "fixtures/seeds/marketplace.prisma", "fixtures/seeds/health.prisma",
        "fixtures/seeds/dual-provider/schema-prod.prisma", "fixtures/seeds/dual-provider/schema-dev.prisma",
    };
    uint32_t checked = 0;
    for (size_t i = 0; i < sizeof SEEDS / sizeof *SEEDS; i++)
        for (int target = PROVIDER_POSTGRESQL; target <= PROVIDER_SQLITE; target++)
            for (int drop = 0; drop <= 1; drop++) {
                Loaded l;
                arena_init(&l.arena);
                source_set_init(&l.sources, &l.arena);
                diags_init(&l.diags, &l.arena);
                char *err = NULL;
                assert_int_equal(source_add_path(&l.sources, SEEDS[i], &err), SOURCE_OK);
                Ast *ast = ast_parse(&l.sources, &l.diags);
                l.db = db_resolve(ast, &l.diags);
                assert_int_equal(l.diags.errors, 0);
                VariantOptions opt = {.target = (DbProvider)target};
                opt.drop_schemas = opt.drop_index_types = opt.drop_constraint_names = opt.drop_extensions = drop;
                VariantResult r;
                uint32_t before = l.diags.count;
                bool ok = variant_make(l.db, &opt, &l.arena, &r, &l.diags);
                checked += assert_same_by_every_route(&l, opt, ok, &r, before);
                arena_free(&l.arena);
            }
    assert_true(checked >= 10);
}

static void test_command(void **state)
{
    (void)state;
    const char *bin = prismac_bin();
    char tmp[] = "/tmp/prismac-variant-XXXXXX";
    assert_non_null(mkdtemp(tmp));
    RunResult r = run_cmd("'%s' variant fixtures/seeds/dual-provider/schema-prod.prisma --provider sqlite -o %s/dev.prisma",
                          bin, tmp);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "3 native type attributes dropped"));
    run_free(&r);
    r = run_cmd("'%s' variant fixtures/seeds/dual-provider/schema-prod.prisma --provider sqlite --check %s/dev.prisma",
                bin, tmp);
    assert_int_equal(r.status, 0);
    run_free(&r);
    /* the hand-kept dev copy has drifted from what the variant would be */
    r = run_cmd("'%s' variant fixtures/seeds/dual-provider/schema-prod.prisma --provider sqlite "
                "--check fixtures/seeds/dual-provider/schema-dev.prisma --color never", bin);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "+++ variant"));
    assert_non_null(strstr(r.out, "-  archivedAt  DateTime?"));
    run_free(&r);
    r = run_cmd("'%s' variant fixtures/seeds/marketplace.prisma --provider sqlite --color never", bin);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "marketplace.prisma:41:21: error: the list `BuilderProfile.domains` (String[]) cannot carry over to sqlite"));
    run_free(&r);
    r = run_cmd("'%s' variant fixtures/seeds/marketplace.prisma", bin);
    assert_int_equal(r.status, 2);
    run_free(&r);
    /* a source that resolves but is invalid for its own provider (checked while the variant is
     * made): its errors, and no variant */
    char bad[300];
    snprintf(bad, sizeof bad, "%s/bad.prisma", tmp);
    FILE *f = fopen(bad, "w");
    assert_non_null(f);
    fputs("datasource db {\n  provider = \"postgresql\"\n}\n\nmodel A {\n  id Int @id\n  s  String @db.Tinytext\n}\n", f);
    fclose(f);
    r = run_cmd("'%s' variant %s --provider sqlite --color never", bin, bad);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "bad.prisma:7:13: error: `Tinytext` is not a native type of postgresql"));
    assert_non_null(strstr(r.err, "is not valid; fix it first"));
    assert_null(strstr(r.err, "carry over"));
    run_free(&r);
    /* with -o: an invalid source, or a variant that fails its check (its file is written while
     * it is checked), leaves nothing behind, and a file already there as it was */
    char other[300], cwd[4096];
    snprintf(other, sizeof other, "%s/other.prisma", tmp);
    f = fopen(other, "w");
    assert_non_null(f);
    fputs("datasource db {\n  provider = \"postgresql\"\n}\n\nmodel A {\n  id Int @id @default(autoincrement())\n"
          "  n  Int @default(autoincrement()) @db.Integer\n}\n", f);
    fclose(f);
    r = run_cmd("printf 'kept' > %s/out.prisma && '%s' variant %s --provider sqlite -o %s/out.prisma --color never && "
                "echo written", tmp, bin, bad, tmp);
    assert_int_equal(r.status, 1);
    run_free(&r);
    r = run_cmd("'%s' variant %s --provider sqlite -o %s/out.prisma --color never", bin, other, tmp);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "does not carry over to sqlite"));
    run_free(&r);
    r = run_cmd("cd %s && ls -A && cat out.prisma", tmp);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "bad.prisma\ndev.prisma\nother.prisma\nout.prisma\nkept");
    run_free(&r);
    /* and a valid variant replaces it */
    r = run_cmd("'%s' variant fixtures/seeds/dual-provider/schema-prod.prisma --provider sqlite -o %s/out.prisma -q && "
                "cmp %s/out.prisma %s/dev.prisma && ls -A %s", bin, tmp, tmp, tmp, tmp);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "bad.prisma\ndev.prisma\nother.prisma\nout.prisma\n");
    run_free(&r);
    /* a file that already holds the variant is left as it is (the same inode); another is
     * replaced (a new one) */
    r = run_cmd("cd %s && ls -i out.prisma > before && '%s' variant %s/fixtures/seeds/dual-provider/schema-prod.prisma "
                "--provider sqlite -o out.prisma && ls -i out.prisma | cmp - before && echo x >> out.prisma && "
                "'%s' variant %s/fixtures/seeds/dual-provider/schema-prod.prisma --provider sqlite -o out.prisma -q && "
                "cmp out.prisma dev.prisma && ! ls -i out.prisma | cmp -s - before && rm before && ls -A",
                tmp, bin, getcwd(cwd, sizeof cwd), bin, cwd);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "kept out.prisma: already the sqlite variant of"));
    assert_string_equal(r.out, "bad.prisma\ndev.prisma\nother.prisma\nout.prisma\n");
    run_free(&r);
    r = run_cmd("rm -rf %s", tmp);
    run_free(&r);
}

static int compare_cases(const void *a, const void *b)
{
    const Case *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (int)x->target - (int)y->target;
}

int main(void)
{
    /* the cases are the committed results: NNN-name.TARGET.prisma or NNN-name.TARGET.err */
    DIR *d = opendir(VAR_DIR);
    if (!d)
        return 1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 1020) {
        size_t len = strlen(e->d_name);
        const char *ext = strrchr(e->d_name, '.');
        if (!ext || (strcmp(ext, ".prisma") != 0 && strcmp(ext, ".err") != 0))
            continue;
        size_t stem = (size_t)(ext - e->d_name);
        DbProvider target;
        size_t base;
        if (stem > 7 && strncmp(e->d_name + stem - 7, ".sqlite", 7) == 0) {
            target = PROVIDER_SQLITE;
            base = stem - 7;
        } else if (stem > 11 && strncmp(e->d_name + stem - 11, ".postgresql", 11) == 0) {
            target = PROVIDER_POSTGRESQL;
            base = stem - 11;
        } else {
            continue;
        }
        (void)len;
        snprintf(CASES[n].name, sizeof CASES[n].name, "%.*s", (int)base, e->d_name);
        CASES[n].target = target;
        n++;
    }
    closedir(d);
    if (n < 300) {
        fprintf(stderr, "test_variant: only %d cases in %s (regenerate with scripts/golden-variant.sh)\n", n, VAR_DIR);
        return 1;
    }
    qsort(CASES, (size_t)n, sizeof *CASES, compare_cases);
    struct CMUnitTest *tests = calloc((size_t)n + 5, sizeof *tests);
    static char names[1024][240];
    for (int i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "%.199s -> %s", CASES[i].name,
                 CASES[i].target == PROVIDER_SQLITE ? "sqlite" : "postgresql");
        tests[i].name = names[i];
        tests[i].test_func = run_case;
        tests[i].initial_state = &CASES[i];
    }
    tests[n] = (struct CMUnitTest)cmocka_unit_test(test_options_map_constructs);
    tests[n + 1] = (struct CMUnitTest)cmocka_unit_test(test_tree_and_text_agree);
    tests[n + 2] = (struct CMUnitTest)cmocka_unit_test(test_routes_agree_on_edge_cases);
    tests[n + 3] = (struct CMUnitTest)cmocka_unit_test(test_routes_agree_on_seeds);
    tests[n + 4] = (struct CMUnitTest)cmocka_unit_test(test_command);
    int rc = _cmocka_run_group_tests("variant", tests, (size_t)n + 5, NULL, NULL);
    free(tests);
    return rc;
}
