/* prismac hook install | run: the offline checks a commit needs, as a git pre-commit hook.
 *
 * What to check is declared in `.prismac.json` at the repository's root (JSON: jansson reads it,
 * no hand-written parser):
 *
 *   { "schemas":    ["prisma/schema.prisma"],
 *     "variants":   [ { "schema": "prisma/schema.prisma", "provider": "sqlite",
 *                       "output": "prisma/schema-dev.prisma", "drop": ["index-types"] } ],
 *     "pairs":      [ ["prisma/schema-dev.prisma", "prisma/schema-prod.prisma"] ],
 *     "migrations": [ { "dir": "prisma/migrations", "schema": "prisma/schema.prisma" } ],
 *     "format":     true }
 *
 * Without the file, the default schema (./prisma/schema.prisma, ./schema.prisma,
 * ./prisma/schema/) is validated and format-checked. Everything runs in one process: each
 * schema is read and resolved once. */
#include "cli.h"
#include "prismac/compare.h"
#include "prismac/dburl.h"
#include "prismac/format.h"
#include "prismac/migrations_check.h"
#include "prismac/textdiff.h"
#include "prismac/variant.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int hook_run_cmd(int argc, char **argv);

const Command CMD_HOOK = {
    .name = "hook",
    .summary = "run the offline checks as a git pre-commit hook",
    .help = "usage: prismac hook install [--force]\n"
            "       prismac hook run\n"
            "\n"
            "`hook run` runs the checks a commit needs, offline and in one process: every\n"
            "schema validates and is formatted as `prisma format` writes it, every declared\n"
            "provider variant is in sync with its source, and every declared pair of copies\n"
            "compares equal, and every declared migrations folder, replayed into a scratch\n"
            "database, reproduces its schema (`prismac migrations check`).\n"
            "They are declared in .prismac.json at the repository's root:\n"
            "\n"
            "  { \"schemas\":    [\"prisma/schema.prisma\"],\n"
            "    \"variants\":   [{ \"schema\": \"prisma/schema.prisma\", \"provider\": \"sqlite\",\n"
            "                     \"output\": \"prisma/schema-dev.prisma\" }],\n"
            "    \"pairs\":      [[\"prisma/schema-dev.prisma\", \"prisma/schema-prod.prisma\"]],\n"
            "    \"migrations\": [{ \"dir\": \"prisma/migrations\", \"schema\": \"prisma/schema.prisma\" }],\n"
            "    \"format\":     true }\n"
            "\n"
            "A variant may say \"drop\": [\"schemas\", \"index-types\", \"constraint-names\",\n"
            "\"extensions\"] (see `prismac variant --help`). A migrations entry may say\n"
            "\"layout\": \"prisma\" or \"supabase\"; PostgreSQL migrations replay into a temporary\n"
            "database on the server of \"shadow\" (a URL), else DATABASE_URL or the\n"
            "datasource's url. Without the file, the default\n"
            "schema is checked. Paths are relative to the file.\n"
            "\n"
            "`hook install` writes .git/hooks/pre-commit to run `prismac hook run`; it never\n"
            "replaces a hook it did not write, unless --force (the old one is kept as\n"
            "pre-commit.orig). For the pre-commit framework, the repository of prismac\n"
            "ships .pre-commit-hooks.yaml (hook id: prismac).\n"
            "\n"
            "exit status: 0 all checks pass, 1 a check failed (the commit is blocked),\n"
            "2 usage, configuration or I/O error\n",
    .run = hook_run_cmd,
};

#define HOOK_MARKER "# installed by prismac hook install"

/* ---- the configuration ------------------------------------------------------------------- */

typedef struct HookVariant {
    const char *schema, *output;
    VariantOptions opt;
} HookVariant;

typedef struct HookMigrations {
    const char *dir, *schema, *shadow;
    MigrationLayout layout;
} HookMigrations;

typedef struct HookConfig {
    Arena *arena;
    const char *root;           /* the directory paths are relative to */
    const char *file;           /* the config file, or NULL (defaults) */
    const char **schemas;       uint32_t nschemas, capschemas;
    HookVariant *variants;      uint32_t nvariants, capvariants;
    const char *(*pairs)[2];    uint32_t npairs, cappairs;
    HookMigrations *migrations; uint32_t nmigrations, capmigrations;
    bool format;
} HookConfig;

static char *config_error(HookConfig *c, const char *fmt, const char *what)
{
    return arena_sprintf(c->arena, fmt, c->file, what);
}

static const char *rooted(HookConfig *c, const char *rel)
{
    if (rel[0] == '/' || strcmp(c->root, ".") == 0)
        return arena_strdup(c->arena, rel);
    return arena_sprintf(c->arena, "%s/%s", c->root, rel);
}

static const char *json_path(HookConfig *c, json_t *v, const char *what, char **err)
{
    if (!json_is_string(v) || !*json_string_value(v)) {
        *err = config_error(c, "%s: %s must be a path (a non-empty string)", what);
        return NULL;
    }
    return rooted(c, json_string_value(v));
}

/* An entry of "variants" or "migrations": an object with two paths under `keys`, named in
 * messages as `whose` "key" ("a variant's \"schema\""). */
static bool config_entry(HookConfig *c, json_t *v, const char *list, const char *whose, const char *const keys[2],
                         const char *paths[2], char **err)
{
    if (!json_is_object(v)) {
        *err = arena_sprintf(c->arena, "%s: each of \"%s\" must be an object", c->file, list);
        return false;
    }
    for (int k = 0; k < 2; k++) {
        const char *what = arena_sprintf(c->arena, "%s \"%s\"", whose, keys[k]);
        if (!(paths[k] = json_path(c, json_object_get(v, keys[k]), what, err)))
            return false;
    }
    return true;
}

static bool config_variants(HookConfig *c, json_t *arr, char **err)
{
    static const char *const KEYS[2] = {"schema", "output"};
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        HookVariant hv = {0};
        const char *paths[2];
        if (!config_entry(c, v, "variants", "a variant's", KEYS, paths, err))
            return false;
        hv.schema = paths[0];
        hv.output = paths[1];
        const char *p = json_string_value(json_object_get(v, "provider"));
        if (!p || !cli_parse_provider(p, &hv.opt.target)) {
            *err = config_error(c, "%s: %s", "a variant's \"provider\" must be \"sqlite\" or \"postgresql\"");
            return false;
        }
        size_t k;
        json_t *d;
        json_array_foreach(json_object_get(v, "drop"), k, d) {
            const char *what = json_string_value(d);
            if (what && strcmp(what, "schemas") == 0)
                hv.opt.drop_schemas = true;
            else if (what && strcmp(what, "index-types") == 0)
                hv.opt.drop_index_types = true;
            else if (what && strcmp(what, "constraint-names") == 0)
                hv.opt.drop_constraint_names = true;
            else if (what && strcmp(what, "extensions") == 0)
                hv.opt.drop_extensions = true;
            else {
                *err = config_error(c, "%s: unknown \"drop\" entry %s (schemas, index-types, constraint-names, extensions)",
                                    what ? what : "(not a string)");
                return false;
            }
        }
        ARENA_PUSH(c->arena, c->variants, c->nvariants, c->capvariants, hv);
    }
    return true;
}

static bool config_migrations(HookConfig *c, json_t *arr, char **err)
{
    static const char *const KEYS[2] = {"dir", "schema"};
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        HookMigrations hm = {0};
        const char *paths[2];
        if (!config_entry(c, v, "migrations", "a migrations entry's", KEYS, paths, err))
            return false;
        hm.dir = paths[0];
        hm.schema = paths[1];
        if (!cli_parse_layout(json_string_value(json_object_get(v, "layout")), &hm.layout)) {
            *err = config_error(c, "%s: %s", "a migrations entry's \"layout\" must be \"prisma\" or \"supabase\"");
            return false;
        }
        const char *shadow = json_string_value(json_object_get(v, "shadow"));
        hm.shadow = shadow ? arena_strdup(c->arena, shadow) : NULL;
        ARENA_PUSH(c->arena, c->migrations, c->nmigrations, c->capmigrations, hm);
    }
    return true;
}

static bool config_load(HookConfig *c, char **err)
{
    json_error_t jerr;
    json_t *root = json_load_file(c->file, 0, &jerr);
    if (!root) {
        *err = arena_sprintf(c->arena, "%s:%d:%d: not valid JSON: %s", c->file, jerr.line, jerr.column, jerr.text);
        return false;
    }
    bool ok = false;
    if (!json_is_object(root)) {
        *err = config_error(c, "%s: %s", "the configuration must be a JSON object");
        goto done;
    }
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value) {
        if (strcmp(key, "schemas") && strcmp(key, "variants") && strcmp(key, "pairs") && strcmp(key, "format") &&
            strcmp(key, "migrations")) {
            *err = config_error(c, "%s: unknown key \"%s\" (schemas, variants, pairs, migrations, format)", key);
            goto done;
        }
    }
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(root, "schemas"), i, v) {
        const char *p = json_path(c, v, "each of \"schemas\"", err);
        if (!p)
            goto done;
        ARENA_PUSH(c->arena, c->schemas, c->nschemas, c->capschemas, p);
    }
    if (!config_variants(c, json_object_get(root, "variants"), err) ||
        !config_migrations(c, json_object_get(root, "migrations"), err))
        goto done;
    json_array_foreach(json_object_get(root, "pairs"), i, v) {
        if (!json_is_array(v) || json_array_size(v) != 2) {
            *err = config_error(c, "%s: %s", "each of \"pairs\" must be an array of two paths");
            goto done;
        }
        const char *pair[2];
        for (int k = 0; k < 2; k++)
            if (!(pair[k] = json_path(c, json_array_get(v, (size_t)k), "a pair's path", err)))
                goto done;
        uint32_t cap = c->cappairs;
        c->pairs = arena_grow(c->arena, (void *)c->pairs, c->npairs, &cap, c->npairs + 1, sizeof *c->pairs);
        c->cappairs = cap;
        c->pairs[c->npairs][0] = pair[0];
        c->pairs[c->npairs][1] = pair[1];
        c->npairs++;
    }
    json_t *fmt = json_object_get(root, "format");
    c->format = !fmt || json_is_true(fmt);
    ok = true;
done:
    json_decref(root);
    return ok;
}

/* The repository's root: the nearest directory upwards with a .git, else the current one. */
static const char *find_root(Arena *a)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return ".";
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", cwd);
    for (;;) {
        char probe[PATH_MAX + 8];
        struct stat st;
        snprintf(probe, sizeof probe, "%s/.git", path);
        if (stat(probe, &st) == 0)
            return strcmp(path, cwd) == 0 ? "." : arena_strdup(a, path);
        char *slash = strrchr(path, '/');
        if (!slash || slash == path)
            return ".";
        *slash = '\0';
    }
}

/* ---- loaded schemas (each read and resolved once) -------------------------------------------- */

typedef struct Loaded {
    const char *path;
    Schema schema;
    Db *db;
    int status;             /* EXIT_CLEAN, or the schema_load status */
} Loaded;

typedef struct Hook {
    Arena arena;
    HookConfig config;
    CliOptions opt;
    Loaded **loaded;        /* each allocated once: the Db points into its Schema */
    uint32_t nloaded, caploaded;
    uint32_t checks, failures;
} Hook;

static Loaded *hook_load(Hook *h, const char *path)
{
    for (uint32_t i = 0; i < h->nloaded; i++) {
        const char *p = h->loaded[i]->path;
        if (p == path || (p && path && strcmp(p, path) == 0))
            return h->loaded[i];
    }
    Loaded *l = arena_alloc(&h->arena, sizeof *l);
    l->path = path;
    char *p = (char *)path;
    l->status = schema_load(&l->schema, path ? 1 : 0, path ? &p : NULL);
    if (l->status == EXIT_CLEAN)
        l->db = schema_resolve(&l->schema);
    ARENA_PUSH(&h->arena, h->loaded, h->nloaded, h->caploaded, l);
    return l;
}

static void report(Hook *h, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(Hook *h, bool ok, const char *fmt, ...)
{
    h->checks++;
    if (!ok)
        h->failures++;
    bool color = h->opt.color_out;
    printf("  %s%-4s%s ", color ? (ok ? "\033[32m" : "\033[1;31m") : "", ok ? "ok" : "FAIL", color ? "\033[0m" : "");
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}

/* A schema that cannot be read or is invalid fails the check it is needed for, once. */
static bool hook_usable(Hook *h, Loaded *l)
{
    const char *name = l->status == EXIT_CLEAN ? schema_describe(&l->schema) : (l->path ? l->path : "the schema");
    if (l->status != EXIT_CLEAN) {
        report(h, false, "%s cannot be read", name);
        return false;
    }
    return l->schema.diags.errors == 0;
}

static void check_valid(Hook *h, Loaded *l)
{
    if (l->status != EXIT_CLEAN) {
        report(h, false, "%s cannot be read (see above)", l->path ? l->path : "the schema");
        return;
    }
    bool ok = l->schema.diags.errors == 0;
    report(h, ok, "%s is valid", schema_describe(&l->schema));
    if (!ok) {
        fflush(stdout);
        diags_print(stderr, &l->schema.sources, &l->schema.diags, (DiagStyle){.color = h->opt.color_err, .show_source = true});
    }
}

static void check_formatted(Hook *h, Loaded *l)
{
    if (!hook_usable(h, l))
        return;
    Str *outputs = arena_alloc(&l->schema.arena, l->schema.sources.count * sizeof *outputs);
    FormatOutcome outcome;
    if (format_schema(l->db, &l->schema.sources, &l->schema.arena, outputs, &outcome) != FORMAT_OK) {
        report(h, false, "%s cannot be formatted (Prisma's formatter fails on it too)", schema_describe(&l->schema));
        return;
    }
    bool all = true;
    for (uint32_t f = 0; f < l->schema.sources.count; f++) {
        Source *src = &l->schema.sources.files[f];
        if (outputs[f].len == src->len && memcmp(outputs[f].ptr, src->text, src->len) == 0)
            continue;
        if (all)
            report(h, false, "%s is not formatted (run `prismac format %s`)", schema_describe(&l->schema),
                   l->path ? l->path : "");
        all = false;
        textdiff_unified(stdout, src->path, src->text, src->len, "formatted", outputs[f].ptr, outputs[f].len, 3,
                         h->opt.color_out);
    }
    if (all)
        report(h, true, "%s is formatted", schema_describe(&l->schema));
}

static void check_variant(Hook *h, const HookVariant *hv)
{
    Loaded *src = hook_load(h, hv->schema);
    if (!hook_usable(h, src))
        return;
    VariantResult r;
    uint32_t before = src->schema.diags.count;
    if (!variant_make(src->db, &hv->opt, &src->schema.arena, &r, &src->schema.diags)) {
        report(h, false, "%s cannot have a %s variant", hv->schema, db_provider_name(hv->opt.target));
        Diags only = src->schema.diags;
        only.items += before;
        only.count -= before;
        fflush(stdout);
        diags_print(stderr, &src->schema.sources, &only, (DiagStyle){.color = h->opt.color_err, .show_source = true});
        return;
    }
    size_t len = 0;
    char *text = cli_read_file(hv->output, &len);
    bool same = text && len == r.lens[0] && memcmp(text, r.texts[0], len) == 0;
    if (!text)
        len = 0;
    if (same) {
        report(h, true, "%s is the %s variant of %s", hv->output, db_provider_name(hv->opt.target), hv->schema);
    } else {
        report(h, false, "%s is not the %s variant of %s (run `prismac variant %s --provider %s -o %s`)", hv->output,
               db_provider_name(hv->opt.target), hv->schema, hv->schema, db_provider_name(hv->opt.target), hv->output);
        textdiff_unified(stdout, hv->output, text ? text : "", len, "variant", r.texts[0], r.lens[0], 3,
                         h->opt.color_out);
    }
    free(text);
}

static void check_pair(Hook *h, const char *a, const char *b)
{
    Loaded *la = hook_load(h, a), *lb = hook_load(h, b);
    if (!hook_usable(h, la) || !hook_usable(h, lb))
        return;
    Arena arena;
    arena_init(&arena);
    CompareResult r;
    compare_schemas(la->db, lb->db, a, b, &arena, &r);
    report(h, r.differences == 0, "%s and %s %s", a, b, r.differences ? "differ" : "agree");
    for (uint32_t i = 0; i < r.count; i++)
        if (r.items[i].severity == CMP_DIFFERENCE)
            printf("         %s\n", r.items[i].message);
    arena_free(&arena);
}

/* The folder, replayed into a scratch database, reproduces the schema (prismac migrations check). */
static void check_migrations(Hook *h, const HookMigrations *hm)
{
    Loaded *l = hook_load(h, hm->schema);
    if (!hook_usable(h, l))
        return;
    MigrationsCheckOptions co = {.layout = hm->layout};
    DbUrl shadow = {0};
    bool have_shadow = false;
    if (l->db->provider == PROVIDER_POSTGRESQL) {
        DbError err = {0};
        const char *dir = strrchr(hm->schema, '/') ? arena_strndup(&h->arena, hm->schema,
                                                                   (size_t)(strrchr(hm->schema, '/') - hm->schema))
                                                   : ".";
        have_shadow = true;
        if (!dburl_resolve_db(hm->shadow, l->db, dir, &shadow, NULL, &err) || shadow.kind != DBURL_POSTGRES) {
            report(h, false, "%s cannot be replayed: PostgreSQL migrations need a server for a scratch database "
                             "(\"shadow\" in %s, or DATABASE_URL)", hm->dir, h->config.file);
            dburl_free(&shadow);
            return;
        }
        co.shadow = &shadow;
        co.shadow_attach = hm->shadow != NULL;
    }
    MigrationsCheck c;
    char *err = NULL;
    if (!migrations_check_offline(l->db, hm->dir, &co, &c, &err))
        report(h, false, "%s cannot be checked: %s", hm->dir, err ? err : "");
    else if (c.replay_failed)
        report(h, false, "%s cannot be replayed: %s", hm->dir, c.replay_error);
    else if (c.lock_mismatch)
        report(h, false, "%s/migration_lock.toml names %.*s, not the provider of %s", hm->dir,
               (int)c.dir.lock_provider.len, c.dir.lock_provider.ptr, hm->schema);
    else if (c.in_sync)
        report(h, true, "%s reproduces %s", hm->dir, hm->schema);
    else
        report(h, false, "%s does not reproduce %s: a migration is missing (`prismac migrations check --dir %s %s` "
                         "prints it, --write adds it)",
               hm->dir, hm->schema, hm->dir, hm->schema);
    migrations_check_free(&c);
    if (have_shadow)
        dburl_free(&shadow);
}

static int hook_run(Hook *h)
{
    HookConfig *c = &h->config;
    printf("prismac hook: %s\n", c->file ? c->file : "no .prismac.json: checking the default schema");
    if (!c->file) {
        Loaded *l = hook_load(h, NULL);
        check_valid(h, l);
        check_formatted(h, l);
    }
    for (uint32_t i = 0; i < c->nschemas; i++) {
        Loaded *l = hook_load(h, c->schemas[i]);
        check_valid(h, l);
        if (c->format)
            check_formatted(h, l);
    }
    for (uint32_t i = 0; i < c->nvariants; i++)
        check_variant(h, &c->variants[i]);
    for (uint32_t i = 0; i < c->npairs; i++)
        check_pair(h, c->pairs[i][0], c->pairs[i][1]);
    for (uint32_t i = 0; i < c->nmigrations; i++)
        check_migrations(h, &c->migrations[i]);
    if (h->failures) {
        printf("commit blocked: %u of %u check%s failed (`git commit --no-verify` skips the hook)\n", h->failures,
               h->checks, h->checks == 1 ? "" : "s");
        return EXIT_FINDINGS;
    }
    printf("all %u check%s passed\n", h->checks, h->checks == 1 ? "" : "s");
    return EXIT_CLEAN;
}

/* ---- install ----------------------------------------------------------------------------------- */

/* .git/hooks/pre-commit as git sees it (worktrees and core.hooksPath included). */
static char *hook_path(Arena *a)
{
    FILE *p = popen("git rev-parse --git-path hooks/pre-commit 2>/dev/null", "r");
    if (!p)
        return NULL;
    char buf[PATH_MAX];
    char *line = fgets(buf, sizeof buf, p);
    int rc = pclose(p);
    if (!line || rc != 0)
        return NULL;
    buf[strcspn(buf, "\n")] = '\0';
    return arena_strdup(a, buf);
}

/* How the hook finds prismac: by name when it is on PATH, else by this binary's path. */
static const char *prismac_command(Arena *a)
{
    if (system("command -v prismac >/dev/null 2>&1") == 0)
        return "prismac";
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return "prismac";
    self[n] = '\0';
    return arena_sprintf(a, "'%s'", self);
}

static int hook_install(Arena *a, bool force)
{
    char *path = hook_path(a);
    if (!path) {
        fprintf(stderr, "prismac hook install: not inside a git repository\n");
        return EXIT_TROUBLE;
    }
    FILE *old = fopen(path, "r");
    if (old) {
        char buf[4096];
        size_t n = fread(buf, 1, sizeof buf - 1, old);
        buf[n] = '\0';
        fclose(old);
        bool ours = strstr(buf, HOOK_MARKER) != NULL;
        if (!ours && !force) {
            fprintf(stderr, "prismac hook install: %s exists and was not written by prismac; keep it, add\n"
                            "`prismac hook run` to it yourself, or replace it with --force (it is kept as "
                            "pre-commit.orig)\n", path);
            return EXIT_TROUBLE;
        }
        if (!ours) {
            char *backup = arena_sprintf(a, "%s.orig", path);
            if (rename(path, backup) != 0) {
                fprintf(stderr, "prismac hook install: %s: %s\n", backup, strerror(errno));
                return EXIT_TROUBLE;
            }
            fprintf(stderr, "kept the previous hook as %s\n", backup);
        }
    }
    char *dir = arena_strdup(a, path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        mkdir(dir, 0755);
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "prismac hook install: %s: %s\n", path, strerror(errno));
        return EXIT_TROUBLE;
    }
    fprintf(f, "#!/bin/sh\n%s — runs prismac's offline schema checks before each commit\n"
               "# (declared in .prismac.json; `git commit --no-verify` skips them)\n"
               "exec %s hook run\n", HOOK_MARKER, prismac_command(a));
    fclose(f);
    chmod(path, 0755);
    printf("installed %s\n", path);
    return EXIT_CLEAN;
}

static int hook_run_cmd(int argc, char **argv)
{
    static const char *const SUBCOMMANDS[] = {"install", "run", NULL};
    int which = 0;
    int rc = cli_begin_subcommand(&CMD_HOOK, argc, argv, SUBCOMMANDS, &which);
    if (rc != CLI_PROCEED)
        return rc;
    Hook h = {0};
    arena_init(&h.arena);
    ArgvList rest;
    bool force = false;
    rc = EXIT_TROUBLE;
    if (which == 0) {
        for (int i = 2; i < argc; i++) {
            if (strcmp(argv[i], "--force") == 0) {
                force = true;
            } else {
                cli_usage_error("hook", "unknown argument `%s`", argv[i]);
                goto done;
            }
        }
        rc = hook_install(&h.arena, force);
        goto done;
    }
    rc = cli_begin(&CMD_HOOK, argc - 1, argv + 1, NULL, &h.opt, &rest);
    if (rc != CLI_PROCEED)
        goto done;
    rc = rest.count ? cli_usage_error("hook", "`hook run` takes no arguments (the checks are in .prismac.json)")
                    : EXIT_CLEAN;
    argv_list_free(&rest);
    if (rc != EXIT_CLEAN)
        goto done;
    h.config.arena = &h.arena;
    h.config.format = true;
    h.config.root = find_root(&h.arena);
    char *file = arena_sprintf(&h.arena, "%s/.prismac.json", h.config.root);
    struct stat st;
    if (stat(file, &st) == 0) {
        h.config.file = strcmp(h.config.root, ".") == 0 ? ".prismac.json" : file;
        char *err = NULL;
        if (!config_load(&h.config, &err)) {
            fprintf(stderr, "prismac hook: %s\n", err);
            rc = EXIT_TROUBLE;
            goto done;
        }
    }
    rc = hook_run(&h);
done:
    for (uint32_t i = 0; i < h.nloaded; i++)
        schema_free(&h.loaded[i]->schema);
    arena_free(&h.arena);
    return rc;
}
