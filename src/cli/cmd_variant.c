/* prismac variant SCHEMA --provider P [-o FILE | --check FILE]: the schema for the other provider. */
#include "cli.h"
#include "prismac/textdiff.h"
#include "prismac/variant.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int variant_run(int argc, char **argv);

const Command CMD_VARIANT = {
    .name = "variant",
    .summary = "write the schema's copy for the other provider",
    .help = "usage: prismac variant SCHEMA --provider sqlite|postgresql [-o FILE | --check FILE]\n"
            "\n"
            "Writes a copy of the schema for another provider that changes only what must\n"
            "change: the datasource's provider, and the native types (@db.*) the target cannot\n"
            "express. Comments, blank lines, order and alignment stay as they are. Constructs\n"
            "the target cannot have at all are errors, one line each with its location,\n"
            "unless an option says how to map them. The variant is validated for the target.\n"
            "\n"
            "options:\n"
            "  --provider P               the target: sqlite or postgresql\n"
            "  -o, --output FILE          write the variant to FILE (default: stdout)\n"
            "  --check FILE               do not write: exit 1 and show the difference when FILE\n"
            "                             is not what the variant would be\n"
            "  --drop-schemas             drop @@schema and the datasource's schemas (to sqlite)\n"
            "  --drop-index-types         drop index types (Hash, Gin, ...) and operator classes\n"
            "  --drop-constraint-names    drop map: names of primary and foreign keys (to sqlite)\n"
            "  --drop-extensions          drop the datasource's extensions (to sqlite)\n"
            "  --color auto|always|never  colour in diagnostics and differences\n"
            "\n"
            "exit status: 0 written (or in sync with --check), 1 does not carry over, invalid\n"
            "schema or out of sync, 2 usage or I/O error\n",
    .run = variant_run,
};

typedef struct VariantArgs {
    VariantOptions opt;
    bool have_provider;
    const char *output;
    const char *check;
} VariantArgs;

static int variant_option(void *state, int argc, char **argv, int i)
{
    VariantArgs *va = state;
    const char *arg = argv[i];
    const char *value = NULL;
    int used = 2;
    const char *eq = strchr(arg, '=');
    size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
    if (eq) {
        value = eq + 1;
        used = 1;
    } else if (i + 1 < argc) {
        value = argv[i + 1];
    }
#define IS(name) (name_len == strlen(name) && strncmp(arg, name, name_len) == 0)
    if (IS("--provider")) {
        if (!value)
            return cli_usage_error("variant", "--provider needs a value"), 0;
        if (strcmp(value, "sqlite") == 0)
            va->opt.target = PROVIDER_SQLITE;
        else if (strcmp(value, "postgresql") == 0 || strcmp(value, "postgres") == 0)
            va->opt.target = PROVIDER_POSTGRESQL;
        else
            return cli_usage_error("variant", "unknown provider `%s` (sqlite or postgresql)", value), 0;
        va->have_provider = true;
        return used;
    }
    if (IS("-o") || IS("--output")) {
        if (!value)
            return cli_usage_error("variant", "%s needs a file", arg), 0;
        va->output = value;
        return used;
    }
    if (IS("--check")) {
        if (!value)
            return cli_usage_error("variant", "--check needs a file"), 0;
        va->check = value;
        return used;
    }
#undef IS
    if (strcmp(arg, "--drop-schemas") == 0)
        return va->opt.drop_schemas = true, 1;
    if (strcmp(arg, "--drop-index-types") == 0)
        return va->opt.drop_index_types = true, 1;
    if (strcmp(arg, "--drop-constraint-names") == 0)
        return va->opt.drop_constraint_names = true, 1;
    if (strcmp(arg, "--drop-extensions") == 0)
        return va->opt.drop_extensions = true, 1;
    return -1;
}

/* Writes a file atomically: a temporary file beside it, then a rename. */
static bool write_atomically(const char *path, const char *text, size_t len, char **err)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 32);
    if (!tmp)
        return false;
    snprintf(tmp, n + 32, "%s.prismac-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        *err = strerror(errno);
        free(tmp);
        return false;
    }
    struct stat st;
    if (stat(path, &st) == 0)
        fchmod(fd, st.st_mode & 07777);
    else
        fchmod(fd, 0644);
    bool ok = write(fd, text, len) == (ssize_t)len;
    ok = close(fd) == 0 && ok;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        *err = strerror(errno);
        unlink(tmp);
    }
    free(tmp);
    return ok;
}

static int variant_output(const VariantArgs *va, Schema *schema, const VariantResult *r, const CliOptions *opt)
{
    if (schema->sources.count != 1 && (va->output || va->check)) {
        fprintf(stderr, "prismac variant: %s has several files; -o and --check take a single-file schema\n",
                schema_describe(schema));
        return EXIT_TROUBLE;
    }
    if (va->check) {
        size_t len = 0;
        FILE *f = fopen(va->check, "rb");
        if (!f) {
            fprintf(stderr, "prismac variant: %s: %s\n", va->check, strerror(errno));
            return EXIT_TROUBLE;
        }
        char *text = NULL;
        size_t cap = 0;
        size_t got;
        char chunk[65536];
        while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
            char *nt = realloc(text, cap + got + 1);
            if (!nt)
                break;
            text = nt;
            memcpy(text + cap, chunk, got);
            cap += got;
        }
        fclose(f);
        len = cap;
        bool differs = textdiff_unified(stdout, va->check, text ? text : "", len, "variant", r->texts[0], r->lens[0], 3,
                                        opt->color_out);
        free(text);
        if (differs) {
            fprintf(stderr, "%s is not the %s variant of %s\n", va->check, db_provider_name(va->opt.target),
                    schema_describe(schema));
            return EXIT_FINDINGS;
        }
        if (!opt->quiet)
            printf("%s is the %s variant of %s\n", va->check, db_provider_name(va->opt.target), schema_describe(schema));
        return EXIT_CLEAN;
    }
    if (va->output) {
        char *err = "write failed";
        if (!write_atomically(va->output, r->texts[0], r->lens[0], &err)) {
            fprintf(stderr, "prismac variant: %s: %s\n", va->output, err);
            return EXIT_TROUBLE;
        }
        if (!opt->quiet)
            fprintf(stderr, "wrote %s: the %s variant of %s (%u native type attribute%s dropped)\n", va->output,
                    db_provider_name(va->opt.target), schema_describe(schema), r->nremoved_native,
                    r->nremoved_native == 1 ? "" : "s");
        return EXIT_CLEAN;
    }
    for (uint32_t f = 0; f < schema->sources.count; f++) {
        if (schema->sources.count > 1)
            printf("// ---- %s\n", schema->sources.files[f].path);
        fwrite(r->texts[f], 1, r->lens[f], stdout);
    }
    return EXIT_CLEAN;
}

static int variant_run(int argc, char **argv)
{
    if (cli_wants_help(&CMD_VARIANT, argc, argv))
        return EXIT_CLEAN;
    CliOptions opt;
    ArgvList paths;
    VariantArgs va = {0};
    int rc = cli_parse_args(&CMD_VARIANT, argc, argv, &opt, variant_option, &va, &paths);
    if (rc != EXIT_CLEAN) {
        argv_list_free(&paths);
        return rc;
    }
    if (!va.have_provider) {
        argv_list_free(&paths);
        return cli_usage_error("variant", "--provider sqlite|postgresql is required");
    }
    if (va.output && va.check) {
        argv_list_free(&paths);
        return cli_usage_error("variant", "-o and --check exclude each other");
    }
    Schema schema;
    rc = schema_load(&schema, paths.count, paths.items);
    argv_list_free(&paths);
    if (rc != EXIT_CLEAN) {
        schema_free(&schema);
        return rc;
    }
    Db *db = db_resolve(schema.ast, &schema.diags);
    if (!schema.diags.errors)
        db_validate(db, PROVIDER_NONE, &schema.diags);
    if (schema.diags.errors) {
        report_diags(&opt, &schema, "variant");
        fprintf(stderr, "prismac variant: %s is not valid; fix it first\n", schema_describe(&schema));
        schema_free(&schema);
        return EXIT_FINDINGS;
    }
    uint32_t warnings = schema.diags.count;
    VariantResult result;
    bool ok = variant_make(db, &va.opt, &schema.arena, &result, &schema.diags);
    if (!ok) {
        /* only the variant's problems, not the source's warnings */
        Diags only = schema.diags;
        only.items += warnings;
        only.count -= warnings;
        Schema view = schema;
        view.diags = only;
        report_diags(&opt, &view, "variant");
        if (opt.format == FORMAT_HUMAN)
            fprintf(stderr, "prismac variant: %u construct%s of %s cannot carry over to %s\n", only.errors,
                    only.errors == 1 ? "" : "s", schema_describe(&schema), db_provider_name(va.opt.target));
        schema_free(&schema);
        return EXIT_FINDINGS;
    }
    rc = variant_output(&va, &schema, &result, &opt);
    schema_free(&schema);
    return rc;
}
