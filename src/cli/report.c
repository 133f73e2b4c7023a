/* Diagnostics in the three output formats: human (stderr), json and GitHub annotations (stdout). */
#include "cli.h"

#include <jansson.h>
#include <string.h>

static const char *const SEVERITY[] = {"error", "warning", "note"};

static json_t *diag_to_json(SourceSet *set, const Diag *d)
{
    Source *src = &set->files[d->span.file];
    LineCol start = source_line_col(src, d->span.start);
    LineCol end = source_line_col(src, d->span.end);
    json_t *o = json_object();
    json_object_set_new(o, "severity", json_string(SEVERITY[d->severity]));
    json_object_set_new(o, "message", json_string(d->message));
    json_object_set_new(o, "file", json_string(src->path));
    json_object_set_new(o, "line", json_integer(start.line));
    json_object_set_new(o, "column", json_integer(start.col));
    json_object_set_new(o, "endLine", json_integer(end.line));
    json_object_set_new(o, "endColumn", json_integer(end.col));
    json_object_set_new(o, "note", d->note ? json_string(d->note) : json_null());
    return o;
}

/* Workflow-command escaping: data and property values differ in what must be escaped. */
void cli_github_escape(FILE *out, const char *s, bool property)
{
    for (; *s; s++) {
        switch (*s) {
        case '%': fputs("%25", out); break;
        case '\r': fputs("%0D", out); break;
        case '\n': fputs("%0A", out); break;
        case ':': if (property) fputs("%3A", out); else fputc(':', out); break;
        case ',': if (property) fputs("%2C", out); else fputc(',', out); break;
        default: fputc(*s, out);
        }
    }
}

static void diag_to_github(FILE *out, SourceSet *set, const Diag *d, const char *command)
{
    Source *src = &set->files[d->span.file];
    LineCol start = source_line_col(src, d->span.start);
    LineCol end = source_line_col(src, d->span.end);
    fprintf(out, "::%s file=", d->severity == DIAG_ERROR ? "error" : d->severity == DIAG_WARNING ? "warning" : "notice");
    cli_github_escape(out, src->path, true);
    fprintf(out, ",line=%u,col=%u,endLine=%u,endColumn=%u,title=prismac %s::", start.line, start.col, end.line,
            end.col, command);
    cli_github_escape(out, d->message, false);
    if (d->note) {
        fputs("%0A", out);
        cli_github_escape(out, d->note, false);
    }
    fputc('\n', out);
}

void report_diags(const CliOptions *opt, Schema *schema, const char *command)
{
    Diags *d = &schema->diags;
    switch (opt->format) {
    case FORMAT_HUMAN:
        diags_print(stderr, &schema->sources, d, (DiagStyle){.color = opt->color_err, .show_source = true});
        break;
    case FORMAT_GITHUB:
        for (uint32_t i = 0; i < d->count; i++)
            diag_to_github(stdout, &schema->sources, &d->items[i], command);
        break;
    case FORMAT_JSON: {
        json_t *root = json_object();
        json_t *arr = json_array();
        for (uint32_t i = 0; i < d->count; i++)
            json_array_append_new(arr, diag_to_json(&schema->sources, &d->items[i]));
        json_object_set_new(root, "version", json_integer(1));
        json_object_set_new(root, "command", json_string(command));
        json_object_set_new(root, "valid", json_boolean(d->errors == 0));
        json_object_set_new(root, "errors", json_integer(d->errors));
        json_object_set_new(root, "warnings", json_integer(d->warnings));
        json_object_set_new(root, "diagnostics", arr);
        json_dumpf(root, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(root);
        break;
    }
    }
}

void report_schema_errors(const CliOptions *opt, Schema *schema, const char *command, const char *advice)
{
    report_diags(opt, schema, command);
    if (opt->format == FORMAT_HUMAN)
        fprintf(stderr, "%s: %u error%s%s\n", schema_describe(schema), schema->diags.errors,
                schema->diags.errors == 1 ? "" : "s", advice);
}
