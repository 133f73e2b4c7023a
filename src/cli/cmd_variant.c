/* prismac variant SCHEMA --provider P [-o FILE | --check FILE]: the schema for the other provider. */
#include "cli.h"
#include "prismac/textdiff.h"
#include "prismac/parallel.h"
#include "prismac/variant.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
#endif
#include <stddef.h>
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
    const char *provider;
    const char *output;
    const char *check;
    bool drop_schemas, drop_index_types, drop_constraint_names, drop_extensions;
} VariantArgs;

static const CliOption VARIANT_OPTIONS[] = {
    CLI_VALUE(VariantArgs, provider, "--provider", NULL), CLI_VALUE(VariantArgs, output, "--output", "-o"),
    CLI_VALUE(VariantArgs, check, "--check", NULL),
    CLI_FLAG(VariantArgs, drop_schemas, "--drop-schemas"), CLI_FLAG(VariantArgs, drop_index_types, "--drop-index-types"),
    CLI_FLAG(VariantArgs, drop_constraint_names, "--drop-constraint-names"),
    CLI_FLAG(VariantArgs, drop_extensions, "--drop-extensions"),
    CLI_END,
};

static int variant_check_args(void *state)
{
    VariantArgs *va = state;
    if (!va->provider)
        return cli_usage_error("variant", "--provider sqlite|postgresql is required");
    if (!cli_provider_arg("variant", va->provider, &va->opt.target))
        return EXIT_TROUBLE;
    if (va->output && va->check)
        return cli_usage_error("variant", "-o and --check exclude each other");
    va->opt.drop_schemas = va->drop_schemas;
    va->opt.drop_index_types = va->drop_index_types;
    va->opt.drop_constraint_names = va->drop_constraint_names;
    va->opt.drop_extensions = va->drop_extensions;
    return EXIT_CLEAN;
}

/* ---- -o: the file written while the variant is checked ------------------------------------ */

/* The temporary file beside FILE is written and synced on a thread of its own as soon as the
 * variant's text is made, while the variant and the source are checked (the sync waits for the
 * disk, not for a core); it replaces FILE only when both are valid, else it is removed. A FILE
 * that already holds the variant is left as it is, as `prismac format` leaves a formatted file
 * (replacing a file frees the old one's blocks: 5-12 ms for 4.5 MB on this VM). */
typedef struct OutputJob {
    const char *path;
    const char *data;
    size_t len;
    CliReplace w;
    int err;
    pthread_t thread;
    bool started, begun;
    bool unchanged;         /* FILE already holds the variant: nothing written */
} OutputJob;

/* Is the file at `path` a regular file of exactly these bytes? */
static bool file_holds(const char *path, const char *data, size_t len)
{
    /* O_NONBLOCK: a FIFO's open would wait for a writer */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat st;
    bool same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == len;
    size_t cap = 1 << 20, done = 0;
    char *buf = same ? malloc(cap) : NULL;
    same = same && buf;
    while (same && done < len) {
        size_t want = len - done < cap ? len - done : cap;
        ssize_t k = read(fd, buf, want);
        if (k < 0 && errno == EINTR)
            continue;
        same = k > 0 && memcmp(buf, data + done, (size_t)k) == 0;
        done += k > 0 ? (size_t)k : 0;
    }
    char extra;
    same = same && read(fd, &extra, 1) == 0;   /* and no more (the file did not grow meanwhile) */
    free(buf);
    close(fd);
    return same;
}

static void *output_thread(void *arg)
{
    OutputJob *job = arg;
    job->unchanged = file_holds(job->path, job->data, job->len);
    job->err = job->unchanged ? 0 : cli_replace_begin(&job->w, job->path, job->data, job->len);
    return NULL;
}

static void output_on_text(const VariantResult *r, void *ctx)
{
    OutputJob *job = ctx;
    job->data = r->texts[0];
    job->len = r->lens[0];
    job->started = parallel_thread_create(&job->thread, NULL, output_thread, job, 0) == 0;
    job->begun = true;
}

/* Waits for the temporary file (or writes it now, when no thread could start); 0 or an errno. */
static int output_wait(OutputJob *job)
{
    if (job->started)
        pthread_join(job->thread, NULL);
    else
        output_thread(job);
    job->started = false;
    return job->err;
}

/* The variant is not to be written after all: its temporary file goes. */
static void output_cancel(OutputJob *job)
{
    if (!job->begun)
        return;
    if (output_wait(job) == 0 && !job->unchanged)
        cli_replace_abort(&job->w);
    job->begun = false;
}

static int variant_output(const VariantArgs *va, Schema *schema, const VariantResult *r, const CliOptions *opt,
                          OutputJob *job)
{
    if (schema->sources.count != 1 && (va->output || va->check)) {
        fprintf(stderr, "prismac variant: %s has several files; -o and --check take a single-file schema\n",
                schema_describe(schema));
        return EXIT_TROUBLE;
    }
    if (va->check) {
        size_t len = 0;
        char *text = cli_read_file(va->check, &len);
        if (!text) {
            fprintf(stderr, "prismac variant: %s: %s\n", va->check, strerror(errno));
            return EXIT_TROUBLE;
        }
        bool differs = textdiff_unified(stdout, va->check, text, len, "variant", r->texts[0], r->lens[0], 3,
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
        int err;
        if (job->begun) {
            err = output_wait(job);
            job->begun = false;
            if (!err && !job->unchanged)
                err = cli_replace_commit(&job->w);
        } else {
            err = cli_replace_file(va->output, r->texts[0], r->lens[0], NULL);
        }
        if (err) {
            fprintf(stderr, "prismac variant: %s: %s\n", va->output, strerror(err));
            return EXIT_TROUBLE;
        }
        if (!opt->quiet)
            fprintf(stderr, "%s %s%s the %s variant of %s (%u native type attribute%s dropped)\n",
                    job->unchanged ? "kept" : "wrote", va->output, job->unchanged ? ": already" : ":",
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

/* ---- the source's validation on a second thread ------------------------------------------- */

/* The source is validated for its own provider while the variant is made and checked: the two
 * only read the source's tree and Db, validation allocates in the schema's arena and the
 * variant in an arena of its own, so they share no written memory. The variant is thrown away
 * when the source turns out invalid. */
typedef struct SourceCheck {
    Db *db;
    Arena arena;
    Diags diags;
    pthread_t thread;
    bool started;
} SourceCheck;

static void source_check(SourceCheck *job)
{
    db_validate(job->db, PROVIDER_NONE, &job->diags);
}

/* The thread runs a little below the main thread's priority, so that it fills what the
 * variant's resolution leaves idle rather than slowing it (as format's layout thread does;
 * Linux gives each thread its own nice value). */
static void *source_check_thread(void *arg)
{
#ifdef __linux__
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 5);
#endif
    source_check(arg);
    return NULL;
}

static void source_check_start(SourceCheck *job, Db *db)
{
    job->db = db;
    arena_init(&job->arena);
    diags_init(&job->diags, &job->arena);
    job->started = parallel_thread_create(&job->thread, NULL, source_check_thread, job, 0) == 0;
}

/* Waits for the check (or runs it, when no thread could start) and appends what it found to
 * the schema's diagnostics, after resolution's. */
static void source_check_finish(SourceCheck *job, Schema *schema)
{
    if (job->started)
        pthread_join(job->thread, NULL);
    else
        source_check(job);
    Diags *d = &schema->diags;
    for (uint32_t i = 0; i < job->diags.count; i++)
        ARENA_PUSH(d->arena, d->items, d->count, d->cap, job->diags.items[i]);
    d->errors += job->diags.errors;
    d->warnings += job->diags.warnings;
    arena_adopt(&schema->arena, &job->arena);   /* the messages */
}

static int variant_run(int argc, char **argv)
{
    CliOptions opt;
    VariantArgs va = {0};
    Schema schema;
    int rc = cli_begin_schema(&CMD_VARIANT, argc, argv, &(CommandArgs){VARIANT_OPTIONS, &va, variant_check_args}, &opt,
                              &schema);
    if (rc != CLI_PROCEED)
        return rc;
    Db *db = db_resolve(schema.ast, &schema.diags);
    Arena varena;
    arena_init(&varena);
    Diags vdiags;
    diags_init(&vdiags, &varena);
    VariantResult result;
    bool ok = false;
    OutputJob out = {.path = va.output};
    if (va.output && schema.sources.count == 1) {
        va.opt.on_text = output_on_text;
        va.opt.on_text_ctx = &out;
    }
    if (!schema.diags.errors) {
        SourceCheck job;
        source_check_start(&job, db);
        ok = variant_make(db, &va.opt, &varena, &result, &vdiags);
        source_check_finish(&job, &schema);
    }
    if (schema.diags.errors || !ok)
        output_cancel(&out);
    if (schema.diags.errors) {
        report_diags(&opt, &schema, "variant");
        fprintf(stderr, "prismac variant: %s is not valid; fix it first\n", schema_describe(&schema));
        rc = EXIT_FINDINGS;
    } else if (!ok) {
        /* only the variant's problems, not the source's warnings */
        Schema view = schema;
        view.diags = vdiags;
        report_diags(&opt, &view, "variant");
        if (opt.format == FORMAT_HUMAN)
            fprintf(stderr, "prismac variant: %u construct%s of %s cannot carry over to %s\n", vdiags.errors,
                    vdiags.errors == 1 ? "" : "s", schema_describe(&schema), db_provider_name(va.opt.target));
        rc = EXIT_FINDINGS;
    } else {
        rc = variant_output(&va, &schema, &result, &opt, &out);
    }
    arena_free(&varena);
    schema_free(&schema);
    return rc;
}
