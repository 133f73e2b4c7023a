/* prismac format [SCHEMA...] [--check] [--stdout]: the layout `prisma format` writes. */
#include "cli.h"
#include "prismac/db.h"
#include "prismac/format.h"
#include "prismac/parallel.h"
#include "prismac/textdiff.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
#endif

static int format_run(int argc, char **argv);

const Command CMD_FORMAT = {
    .name = "format",
    .summary = "lay out a schema exactly as `prisma format` does",
    .help = "usage: prismac format [OPTIONS] [SCHEMA...]\n"
            "\n"
            "Rewrites the schema's files in the layout `prisma format` produces, byte for\n"
            "byte: aligned columns, sorted attributes, normalised spacing, at most one blank\n"
            "line, and the relation fields and @relation arguments Prisma adds when one side\n"
            "of a relation is missing. As `prisma format` does, the formatted schema is\n"
            "validated first: when it has errors they are printed and nothing is written.\n"
            "Files are replaced atomically (a temporary file beside each, then a rename) and\n"
            "keep their permissions. A multi-file schema is formatted file by file; missing\n"
            "relation fields go into the file that holds their model.\n"
            "\n"
            "SCHEMA is a .prisma file, several, or a folder; `-` reads one schema from\n"
            "standard input and writes the result to standard output.\n"
            "\n"
            "options:\n"
            "  --check                      write nothing; print a unified diff for every file\n"
            "                               that is not formatted and exit 1 if there is one\n"
            "  --stdout                     print the formatted files instead of writing them\n"
            "                               (no validation, as an editor's format request)\n"
            "  --format human|json|github   output: human (default); json: one object, with\n"
            "                               every file's state (and diff, with --check);\n"
            "                               github: annotations for errors and unformatted files\n"
            "  --color auto|always|never    colour in human output (NO_COLOR is honoured)\n"
            "  -q, --quiet                  print nothing when all is well\n"
            "\n"
            "exit status: 0 formatted (or already formatted), 1 not formatted (--check) or\n"
            "the formatted schema is invalid, 2 usage or I/O error\n",
    .run = format_run,
};

typedef struct FormatOptions {
    bool check;
    bool to_stdout;
} FormatOptions;

static const CliOption FORMAT_OPTIONS[] = {
    CLI_FLAG(FormatOptions, check, "--check"), CLI_FLAG(FormatOptions, to_stdout, "--stdout"),
    CLI_END,
};

/* ---- reading the files -------------------------------------------------------------------- */

/* The files the arguments name: a file as it is, a folder's `.prisma` files (sorted), as
 * schema_load finds them; the list lives in `arena`. */
static bool collect_paths(Arena *arena, int npaths, char **given, char ***out, uint32_t *count)
{
    uint32_t cap = 0;
    for (int i = 0; i < npaths; i++) {
        struct stat st;
        if (stat(given[i], &st) != 0) {
            fprintf(stderr, "prismac: %s: %s\n", given[i], strerror(errno));
            return false;
        }
        if (!S_ISDIR(st.st_mode)) {
            ARENA_PUSH(arena, *out, *count, cap, given[i]);
            continue;
        }
        char **files, *err = NULL;
        uint32_t n;
        if (source_list_folder(arena, given[i], &files, &n, &err) != SOURCE_OK) {
            fprintf(stderr, "prismac: %s\n", err);
            return false;
        }
        for (uint32_t k = 0; k < n; k++)
            ARENA_PUSH(arena, *out, *count, cap, files[k]);
    }
    return true;
}

/* Adds a file's text as Prisma reads it (UTF-8, invalid sequences as U+FFFD). `original` gets
 * the bytes as they are, to tell whether formatting changes the file. */
static void add_source(Schema *schema, const char *path, const char *raw, size_t len, Str *original)
{
    Str text = format_decode_utf8_lossy(&schema->arena, raw, len);
    uint32_t id = source_add_text(&schema->sources, path, text.ptr, text.len);
    if (text.ptr == raw) {
        *original = (Str){schema->sources.files[id].text, (uint32_t)len};
    } else {
        fprintf(stderr, "prismac: warning: %s is not valid UTF-8; as Prisma does, the invalid bytes are read as "
                        "U+FFFD\n", path);
        *original = (Str){arena_strndup(&schema->arena, raw, len), (uint32_t)len};
    }
}

/* Reads a file into the schema: straight into its arena when it is valid UTF-8 (the usual
 * case: no second copy), as Prisma reads it otherwise. */
static bool read_source(Schema *schema, const char *path, Str *original)
{
    char *err = NULL;
    SourceStatus st = source_add_path(&schema->sources, path, &err);
    if (st == SOURCE_OK) {
        const Source *src = &schema->sources.files[schema->sources.count - 1];
        *original = (Str){src->text, src->len};
        return true;
    }
    if (st != SOURCE_NOT_UTF8) {
        fprintf(stderr, "prismac: %s\n", err);
        return false;
    }
    size_t len = 0;
    char *raw = cli_read_file(path, &len);
    if (!raw) {
        fprintf(stderr, "prismac: %s: %s\n", path, strerror(errno));
        return false;
    }
    add_source(schema, path, raw, len, original);
    free(raw);
    return true;
}

/* ---- writing ------------------------------------------------------------------------------ */

/* Replaces `path` with `text` atomically (cli_replace_file), saying what went wrong. */
static bool write_atomically(const char *path, Str text)
{
    bool temp_failed;
    int err = cli_replace_file(path, text.ptr, text.len, &temp_failed);
    if (err && temp_failed)
        fprintf(stderr, "prismac: %s: cannot create a temporary file beside it: %s\n", path, strerror(err));
    else if (err)
        fprintf(stderr, "prismac: %s: cannot write: %s\n", path, strerror(err));
    return err == 0;
}

/* ---- the layout on a second thread -------------------------------------------------------- */

/* The files laid out as they are, on a second thread while the main one parses and resolves
 * the schema: when completion then adds nothing (the usual case) this is the result, and the
 * layout costs no wall time. Only worth a thread for large schemas. */
#define LAYOUT_THREAD_MIN_BYTES (256u * 1024)

typedef struct LayoutJob {
    const SourceSet *sources;   /* read only: the files' text and length */
    Arena arena;
    Str *outputs;
    FormatOutcome outcome;
    FormatStatus status;
    pthread_t thread;
    bool started;
} LayoutJob;

/* The job runs a little below the main thread's priority: the main thread's parse, resolve
 * and validate are the critical path and use both cores in their parallel stretches; the
 * layout then fills what they leave idle instead of slowing them (on 5,000 models, 2 cores,
 * median of 25 runs: the pipeline with the layout beside it 103 -> 93 ms, 87 ms without it).
 * Only a little below: on a busy machine it must not starve, as the main thread waits for it
 * at the end. Linux gives each thread its own nice value. */
#define LAYOUT_THREAD_NICE 5

static void lower_thread_priority(void)
{
#ifdef __linux__
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), LAYOUT_THREAD_NICE);
#endif
}

static void *layout_job_run(void *arg)
{
    LayoutJob *job = arg;
    lower_thread_priority();
    job->status = format_schema(NULL, job->sources, &job->arena, job->outputs, &job->outcome);
    return NULL;
}

static void layout_job_start(LayoutJob *job, const SourceSet *sources)
{
    memset(job, 0, sizeof *job);
    arena_init(&job->arena);
    size_t bytes = 0;
    for (uint32_t i = 0; i < sources->count; i++)
        bytes += sources->files[i].len;
    if (bytes < LAYOUT_THREAD_MIN_BYTES)
        return;
    job->sources = sources;
    job->outputs = arena_alloc(&job->arena, (size_t)sources->count * sizeof *job->outputs);
    job->started = parallel_thread_create(&job->thread, NULL, layout_job_run, job, 0) == 0;
}

/* Waits for the job; true when its result stands (it ran and nothing was inserted). */
static bool layout_job_finish(LayoutJob *job, uint32_t insertions)
{
    if (!job->started)
        return false;
    pthread_join(job->thread, NULL);
    job->started = false;
    return insertions == 0;
}

/* ---- the command -------------------------------------------------------------------------- */

/* Is the formatted schema valid? `prisma format` validates the formatted text before it writes
 * anything. When nothing was inserted, the formatted schema means what the input means, so the
 * input's resolved schema is validated; the formatted text is parsed again only to point
 * errors and warnings at it, or when completion added fields. Prints the errors (and, in human
 * output, the warnings). */
static bool formatted_schema_valid(const CliOptions *opt, Schema *orig, Db *orig_db, const FormatOutcome *outcome,
                                   const Str *originals, const Str *outputs)
{
    if (outcome->insertions == 0 && orig->diags.errors == 0) {
        db_validate(orig_db, PROVIDER_NONE, &orig->diags);
        if (orig->diags.errors == 0 && orig->diags.warnings == 0)
            return true;
    }
    Schema check;
    arena_init(&check.arena);
    source_set_init(&check.sources, &check.arena);
    diags_init(&check.diags, &check.arena);
    for (uint32_t i = 0; i < orig->sources.count; i++)
        source_add_text(&check.sources, orig->sources.files[i].path, outputs[i].ptr, outputs[i].len);
    check.ast = ast_parse(&check.sources, &check.diags);
    Db *db = db_resolve(check.ast, &check.diags);
    db_validate(db, PROVIDER_NONE, &check.diags);
    bool ok = check.diags.errors == 0;
    if (!ok) {
        report_diags(opt, &check, "format");
        bool moved = false;
        for (uint32_t i = 0; i < orig->sources.count; i++)
            moved |= !str_eq(originals[i], outputs[i]);
        if (opt->format == FORMAT_HUMAN)
            fprintf(stderr, "%s: the formatted schema has %u error%s; nothing was written%s\n", schema_describe(orig),
                    check.diags.errors, check.diags.errors == 1 ? "" : "s",
                    moved ? " (lines are those of the formatted text)" : "");
    } else if (check.diags.warnings && opt->format == FORMAT_HUMAN && !opt->quiet) {
        /* warnings, as Prisma's linter prints them, do not stop the formatting */
        report_diags(opt, &check, "format");
    }
    schema_free(&check);
    return ok;
}

static int format_run(int argc, char **argv)
{
    CliOptions opt;
    FormatOptions fo = {0};
    ArgvList args;
    int rc = cli_begin(&CMD_FORMAT, argc, argv, &(CommandArgs){FORMAT_OPTIONS, &fo, NULL}, &opt, &args);
    if (rc != CLI_PROCEED)
        return rc;
    bool from_stdin = false;
    for (int i = 0; i < args.count; i++)
        if (strcmp(args.items[i], "-") == 0)
            from_stdin = true;
    if (from_stdin && args.count > 1) {
        argv_list_free(&args);
        return cli_usage_error("format", "`-` (standard input) cannot be combined with other schema paths");
    }
    if (from_stdin)
        fo.to_stdout = true;

    Schema schema;
    arena_init(&schema.arena);
    source_set_init(&schema.sources, &schema.arena);
    diags_init(&schema.diags, &schema.arena);
    schema.ast = NULL;
    Str *originals = NULL;
    char **paths = NULL;
    uint32_t npaths = 0;
    Arena out_arena;
    arena_init(&out_arena);
    LayoutJob job;
    memset(&job, 0, sizeof job);
    arena_init(&job.arena);
    rc = EXIT_CLEAN;

    if (from_stdin) {
        size_t len;
        char *raw = cli_read_stream(stdin, &len);
        if (!raw) {
            fprintf(stderr, "prismac: cannot read standard input\n");
            rc = EXIT_TROUBLE;
            goto done;
        }
        originals = calloc(1, sizeof *originals);
        add_source(&schema, "<stdin>", raw, len, &originals[0]);
        free(raw);
    } else {
        char *fallback[1];
        char **given = args.items;
        int ngiven = args.count;
        if (ngiven == 0) {
            const char *found = cli_default_schema_path();
            if (!found) {
                rc = EXIT_TROUBLE;
                goto done;
            }
            fallback[0] = (char *)found;
            given = fallback;
            ngiven = 1;
        }
        if (!collect_paths(&schema.arena, ngiven, given, &paths, &npaths)) {
            rc = EXIT_TROUBLE;
            goto done;
        }
        originals = calloc(npaths ? npaths : 1, sizeof *originals);
        for (uint32_t i = 0; i < npaths; i++)
            if (!read_source(&schema, paths[i], &originals[i])) {
                rc = EXIT_TROUBLE;
                goto done;
            }
    }

    layout_job_start(&job, &schema.sources);
    schema.ast = ast_parse(&schema.sources, &schema.diags);
    Db *db = db_resolve(schema.ast, &schema.diags);
    uint32_t nfiles = schema.sources.count;
    /* the formatted texts in an arena of their own: the schema's is sized for the tree */
    Str *outputs;
    FormatOutcome outcome;
    FormatStatus status;
    FormatInsertion *ins;
    uint32_t nins;
    format_completions(db, &out_arena, &ins, &nins);
    if (layout_job_finish(&job, nins)) {
        outputs = job.outputs;
        outcome = job.outcome;
        status = job.status;
    } else {
        outputs = arena_alloc(&out_arena, (size_t)(nfiles ? nfiles : 1) * sizeof *outputs);
        status = format_schema(db, &schema.sources, &out_arena, outputs, &outcome);
    }
    if (status != FORMAT_OK) {
        Diags d;
        diags_init(&d, &schema.arena);
        Source *src = &schema.sources.files[outcome.err_file];
        uint32_t end = outcome.err.offset;
        while (end < src->len && src->text[end] != '\n' && src->text[end] != '\r')
            end++;
        diag_error(&d, (Span){outcome.err_file, outcome.err.offset, end}, "%s", outcome.err.message);
        schema.diags = d;
        report_diags(&opt, &schema, "format");
        rc = EXIT_FINDINGS;
        goto done;
    }

    if (fo.to_stdout) {
        for (uint32_t i = 0; i < nfiles; i++)
            fwrite(outputs[i].ptr, 1, outputs[i].len, stdout);
        goto done;
    }
    if (!formatted_schema_valid(&opt, &schema, db, &outcome, originals, outputs)) {
        rc = EXIT_FINDINGS;
        goto done;
    }
    uint32_t changed = 0;
    json_t *jfiles = opt.format == FORMAT_JSON ? json_array() : NULL;
    for (uint32_t i = 0; i < nfiles; i++) {
        const char *path = schema.sources.files[i].path;
        /* a formatted file's layout is the file's own text (format_text returns it) */
        bool same_text = outputs[i].ptr == originals[i].ptr && outputs[i].len == originals[i].len;
        bool differs = !same_text && !str_eq(originals[i], outputs[i]);
        json_t *jf = NULL;
        if (jfiles) {
            jf = json_object();
            json_object_set_new(jf, "path", json_string(path));
            json_object_set_new(jf, "formatted", json_boolean(!differs));
            json_array_append_new(jfiles, jf);
        }
        if (!differs)
            continue;
        changed++;
        if (fo.check) {
            char *la = arena_sprintf(&schema.arena, "a/%s", path), *lb = arena_sprintf(&schema.arena, "b/%s", path);
            if (opt.format == FORMAT_HUMAN) {
                textdiff_unified(stdout, la, originals[i].ptr, originals[i].len, lb, outputs[i].ptr, outputs[i].len,
                                 3, opt.color_out);
            } else if (jf) {
                char *diff = NULL;
                size_t dlen = 0;
                FILE *mem = open_memstream(&diff, &dlen);
                if (mem) {
                    textdiff_unified(mem, la, originals[i].ptr, originals[i].len, lb, outputs[i].ptr, outputs[i].len,
                                     3, false);
                    fclose(mem);
                }
                json_object_set_new(jf, "diff", json_stringn(diff ? diff : "", diff ? dlen : 0));
                free(diff);
            } else {
                printf("::error file=%s,title=prismac format::%s is not formatted; run `prismac format`\n", path,
                       path);
            }
        } else if (!write_atomically(path, outputs[i])) {
            json_decref(jfiles);
            rc = EXIT_TROUBLE;
            goto done;
        } else if (jf) {
            json_object_set_new(jf, "written", json_true());
        } else if (!opt.quiet && opt.format == FORMAT_HUMAN) {
            printf("formatted %s\n", path);
        }
    }
    if (jfiles) {
        json_t *root = json_object();
        json_object_set_new(root, "version", json_integer(1));
        json_object_set_new(root, "command", json_string("format"));
        json_object_set_new(root, "valid", json_true());
        json_object_set_new(root, "check", json_boolean(fo.check));
        json_object_set_new(root, "formatted", json_boolean(changed == 0));
        json_object_set_new(root, "files", jfiles);
        json_dumpf(root, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(root);
    }
    if (fo.check && changed) {
        if (!opt.quiet && opt.format == FORMAT_HUMAN)
            fprintf(stderr, "%u of %u file%s not formatted; `prismac format` rewrites %s\n", changed, nfiles,
                    nfiles == 1 ? " is" : "s are", changed == 1 ? "it" : "them");
        rc = EXIT_FINDINGS;
    } else if (!changed && !opt.quiet && opt.format == FORMAT_HUMAN) {
        /* with --check, stdout carries only diffs */
        fprintf(fo.check ? stderr : stdout, "%s: already formatted\n", schema_describe(&schema));
    }

done:
    layout_job_finish(&job, 0);
    arena_free(&job.arena);
    arena_free(&out_arena);
    free(originals);
    argv_list_free(&args);
    schema_free(&schema);
    return rc;
}
