/* prismac compare A B: do two schemas describe the same thing? */
#include "cli.h"
#include "prismac/compare.h"

#include <jansson.h>
#include <string.h>

static int compare_run(int argc, char **argv);

const Command CMD_COMPARE = {
    .name = "compare",
    .summary = "compare two schemas semantically (dev/prod copies)",
    .help = "usage: prismac compare [OPTIONS] A B\n"
            "\n"
            "Compares what two schemas mean: models, fields, types, optionality, lists, ids,\n"
            "uniques, indexes, defaults, @map/@@map names, relations and their referential\n"
            "actions, enums and their values. The provider, formatting, comments and the\n"
            "order of blocks and attributes are ignored. Native types (@db.*) that only one\n"
            "side's provider can express are listed as notes, not as differences.\n"
            "A and B are .prisma files or folders of them (multi-file schemas).\n"
            "\n"
            "options:\n"
            "  --format human|json|github   output format (default: human)\n"
            "  --color auto|always|never    colour in human output\n"
            "  -q, --quiet                  print nothing when the schemas are the same\n"
            "\n"
            "exit status: 0 the same, 1 different, 2 usage, I/O or invalid schema\n",
    .run = compare_run,
};

/* Loads, resolves and validates one side; prints its problems and returns NULL if any. */
static Db *compare_load(Schema *schema, char *path, const CliOptions *opt, int *rc)
{
    *rc = schema_load(schema, 1, &path);
    if (*rc != EXIT_CLEAN)
        return NULL;
    Db *db = schema_resolve(schema);
    if (schema->diags.errors) {
        CliOptions human = *opt;
        human.format = FORMAT_HUMAN;
        report_diags(&human, schema, "compare");
        fprintf(stderr, "prismac compare: %s is not a valid schema; fix it first\n", schema_describe(schema));
        *rc = EXIT_TROUBLE;
        return NULL;
    }
    return db;
}

static void print_location(FILE *out, Schema *schema, Span span, bool color, const char *after)
{
    Source *src = &schema->sources.files[span.file];
    LineCol lc = source_line_col(src, span.start);
    fprintf(out, "%s%s:%u:%u%s%s", color ? "\033[1m" : "", src->path, lc.line, lc.col, after, color ? "\033[0m" : "");
}

/* Compiler-style lines: the location first (A's when the finding has one), the message, and B's
 * location at the end when both sides have one. */
static void print_finding(const CompareFinding *f, Schema *sa, Schema *sb, bool color, bool highlight)
{
    fputs("  ", stdout);
    bool has_a = f->a_span.file != UINT32_MAX, has_b = f->b_span.file != UINT32_MAX;
    bool b_first = f->side == SIDE_B_ONLY || !has_a;
    if (has_a || has_b) {
        print_location(stdout, b_first ? sb : sa, b_first ? f->b_span : f->a_span, color, ":");
        fputc(' ', stdout);
    }
    printf("%s%s%s", color && highlight ? "\033[33m" : "", f->message, color && highlight ? "\033[0m" : "");
    if (has_a && has_b) {
        fputs(b_first ? " (A: " : " (B: ", stdout);
        print_location(stdout, b_first ? sa : sb, b_first ? f->a_span : f->b_span, false, "");
        fputc(')', stdout);
    }
    fputc('\n', stdout);
}

static void print_human(const CompareResult *r, Schema *sa, Schema *sb, const Db *a, const Db *b, const CliOptions *opt)
{
    bool color = opt->color_out;
    printf("A: %s (%s)\nB: %s (%s)\n", schema_describe(sa), db_provider_name(a->provider), schema_describe(sb),
           db_provider_name(b->provider));
    Str group = {NULL, 0};
    for (uint32_t i = 0; i < r->count; i++) {
        const CompareFinding *f = &r->items[i];
        if (f->severity != CMP_DIFFERENCE)
            continue;
        if (!group.ptr || !str_eq(group, f->model)) {
            group = f->model;
            printf("\n%s%.*s%s\n", color ? "\033[1m" : "", (int)f->model.len, f->model.ptr, color ? "\033[0m" : "");
        }
        print_finding(f, sa, sb, color, true);
    }
    if (r->infos) {
        printf("\n%snotes%s (only one provider can express these; they are not differences):\n",
               color ? "\033[1;36m" : "", color ? "\033[0m" : "");
        for (uint32_t i = 0; i < r->count; i++)
            if (r->items[i].severity == CMP_INFO)
                print_finding(&r->items[i], sa, sb, color, false);
    }
    if (r->differences)
        printf("\n%u difference%s", r->differences, r->differences == 1 ? "" : "s");
    else
        printf("\nThe schemas are the same");
    if (r->infos)
        printf(", %u note%s", r->infos, r->infos == 1 ? "" : "s");
    printf(".\n");
}

static json_t *json_side(Schema *schema, Span span, const char *value)
{
    if (span.file == UINT32_MAX && !value)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "value", value ? json_string(value) : json_null());
    if (span.file != UINT32_MAX) {
        Source *src = &schema->sources.files[span.file];
        LineCol lc = source_line_col(src, span.start);
        json_object_set_new(o, "file", json_string(src->path));
        json_object_set_new(o, "line", json_integer(lc.line));
        json_object_set_new(o, "column", json_integer(lc.col));
    }
    return o;
}

static void print_json(const CompareResult *r, Schema *sa, Schema *sb, const Db *a, const Db *b)
{
    json_t *root = json_object();
    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(root, "command", json_string("compare"));
    json_object_set_new(root, "a", json_pack("{s:s,s:s}", "path", schema_describe(sa), "provider",
                                             db_provider_name(a->provider)));
    json_object_set_new(root, "b", json_pack("{s:s,s:s}", "path", schema_describe(sb), "provider",
                                             db_provider_name(b->provider)));
    json_object_set_new(root, "same", json_boolean(r->differences == 0));
    json_object_set_new(root, "differences", json_integer(r->differences));
    json_object_set_new(root, "notes", json_integer(r->infos));
    json_t *arr = json_array();
    for (uint32_t i = 0; i < r->count; i++) {
        const CompareFinding *f = &r->items[i];
        json_t *o = json_object();
        json_object_set_new(o, "severity", json_string(f->severity == CMP_DIFFERENCE ? "difference" : "note"));
        json_object_set_new(o, "kind", json_string(f->kind));
        json_object_set_new(o, "model", json_stringn(f->model.ptr ? f->model.ptr : "", f->model.len));
        json_object_set_new(o, "member", f->member.len ? json_stringn(f->member.ptr, f->member.len) : json_null());
        json_object_set_new(o, "message", json_string(f->message));
        json_object_set_new(o, "a", json_side(sa, f->a_span, f->a_value));
        json_object_set_new(o, "b", json_side(sb, f->b_span, f->b_value));
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "findings", arr);
    json_dumpf(root, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(root);
}

static void print_github(const CompareResult *r, Schema *sa, Schema *sb)
{
    for (uint32_t i = 0; i < r->count; i++) {
        const CompareFinding *f = &r->items[i];
        Schema *s = f->a_span.file != UINT32_MAX ? sa : sb;
        Span span = f->a_span.file != UINT32_MAX ? f->a_span : f->b_span;
        printf("::%s", f->severity == CMP_DIFFERENCE ? "error" : "notice");
        if (span.file != UINT32_MAX) {
            Source *src = &s->sources.files[span.file];
            LineCol lc = source_line_col(src, span.start);
            printf(" file=%s,line=%u,col=%u,title=prismac compare", src->path, lc.line, lc.col);
        } else {
            printf(" title=prismac compare");
        }
        printf("::%s\n", f->message);
    }
}

static int compare_run(int argc, char **argv)
{
    CliOptions opt;
    ArgvList paths;
    int rc = cli_begin(&CMD_COMPARE, argc, argv, NULL, &opt, &paths);
    if (rc != CLI_PROCEED)
        return rc;
    if (paths.count != 2) {
        argv_list_free(&paths);
        return cli_usage_error("compare", "needs two schemas, A and B");
    }
    Schema sa, sb;
    int rca, rcb;
    Db *a = compare_load(&sa, paths.items[0], &opt, &rca);
    Db *b = compare_load(&sb, paths.items[1], &opt, &rcb);
    argv_list_free(&paths);
    if (!a || !b) {
        schema_free(&sa);
        schema_free(&sb);
        return rca != EXIT_CLEAN ? rca : rcb;
    }

    Arena arena;
    arena_init(&arena);
    CompareResult result;
    compare_schemas(a, b, "A", "B", &arena, &result);
    if (opt.format == FORMAT_JSON)
        print_json(&result, &sa, &sb, a, b);
    else if (opt.format == FORMAT_GITHUB)
        print_github(&result, &sa, &sb);
    else if (!opt.quiet || result.differences)
        print_human(&result, &sa, &sb, a, b, &opt);
    rc = result.differences ? EXIT_FINDINGS : EXIT_CLEAN;
    arena_free(&arena);
    schema_free(&sa);
    schema_free(&sb);
    return rc;
}
