/* `prismac variant`: every golden schema of fixtures/sql/ turned into each provider gives the
 * committed variant (fixtures/variant/NNN-name.TARGET.prisma, which Prisma validates: .oracle),
 * or exactly the committed list of constructs that do not carry over (.err); a variant differs
 * from its source only on the provider line and by dropped native types. Plus the options that
 * map constructs, and the command's -o / --check. */
#include "testutil.h"
#include "prismac/variant.h"

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

/* The variant made again with `reparse` (its text parsed again to validate it) gives the same
 * text and the same diagnostics, at the same places, as the variant made from the source's
 * tree: the two routes agree. The diagnostics from `before` on are the first variant's. */
static void assert_same_when_reparsed(Loaded *l, VariantOptions opt, bool ok, const VariantResult *r, uint32_t before)
{
    opt.reparse = true;
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
            print_error("from the tree: %u-%u %s\nreparsed:      %u-%u %s\n", x->span.start, x->span.end, x->message,
                        y->span.start, y->span.end, y->message);
        assert_int_equal(x->severity, y->severity);
        assert_string_equal(x->message, y->message);
        assert_int_equal(x->span.file, y->span.file);
        assert_int_equal(x->span.start, y->span.start);
        assert_int_equal(x->span.end, y->span.end);
    }
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
    assert_same_when_reparsed(&l, opt, ok, &r, before);
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
    assert_same_when_reparsed(&l, opt, false, &r, before);
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
    struct CMUnitTest *tests = calloc((size_t)n + 3, sizeof *tests);
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
    tests[n + 2] = (struct CMUnitTest)cmocka_unit_test(test_command);
    int rc = _cmocka_run_group_tests("variant", tests, (size_t)n + 3, NULL, NULL);
    free(tests);
    return rc;
}
