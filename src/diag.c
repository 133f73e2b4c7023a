/* Diagnostics: collected during a run, printed as path:line:col: severity: message, followed by
 * the source line and a ^~~~ underline under the whole span (as jq's locfile and gcc do). */
#include "prismac/diag.h"

#include <stdlib.h>
#include <unistd.h>

void diags_init(Diags *d, Arena *arena)
{
    d->arena = arena;
    d->items = NULL;
    d->count = d->cap = 0;
    d->errors = d->warnings = 0;
}

Diag *diag_add(Diags *d, DiagSeverity sev, Span span, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *msg = arena_alloc_raw(d->arena, n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap2);
    va_end(ap2);
    Diag diag = {.severity = sev, .span = span, .message = msg};
    ARENA_PUSH(d->arena, d->items, d->count, d->cap, diag);
    if (sev == DIAG_ERROR)
        d->errors++;
    else if (sev == DIAG_WARNING)
        d->warnings++;
    return &d->items[d->count - 1];
}

Diag *diag_error(Diags *d, Span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    Diag *diag = diag_add(d, DIAG_ERROR, span, fmt, ap);
    va_end(ap);
    return diag;
}

Diag *diag_warning(Diags *d, Span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    Diag *diag = diag_add(d, DIAG_WARNING, span, fmt, ap);
    va_end(ap);
    return diag;
}

void diag_note(Diags *d, Diag *diag, Span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = arena_alloc_raw(d->arena, n > 0 ? (size_t)n + 1 : 1);
    va_start(ap, fmt);
    vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    va_end(ap);
    diag->note = msg;
    diag->note_span = span;
    diag->note_has_span = true;
}

bool diag_want_color(FILE *out)
{
    const char *no = getenv("NO_COLOR");
    if (no && *no)
        return false;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0)
        return false;
    return isatty(fileno(out));
}

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[1;33m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[1;32m"
#define C_BLUE "\033[1;34m"

/* The source line with the span underlined; tabs are repeated in the underline so it lines up. */
static void diag_print_excerpt(FILE *out, Source *src, Span span, DiagStyle style, const char *mark_color)
{
    LineCol lc = source_line_col(src, span.start);
    Str line = source_line_text(src, lc.line);
    uint32_t line_start = (uint32_t)(line.ptr - src->text);
    uint32_t end = span.end;
    if (end > line_start + line.len)
        end = line_start + line.len;   /* multi-line spans are underlined to the end of the first line */

    int width = snprintf(NULL, 0, "%u", lc.line);
    fprintf(out, "%s%*u |%s ", style.color ? C_BLUE : "", width + 1, lc.line, style.color ? C_RESET : "");
    fwrite(line.ptr, 1, line.len, out);
    fputc('\n', out);
    fprintf(out, "%s%*s |%s ", style.color ? C_BLUE : "", width + 1, "", style.color ? C_RESET : "");
    for (uint32_t i = line_start; i < span.start && i < line_start + line.len; i++) {
        unsigned char c = (unsigned char)src->text[i];
        if (c == '\t')
            fputc('\t', out);
        else if ((c & 0xC0) != 0x80)
            fputc(' ', out);
    }
    if (style.color)
        fputs(mark_color, out);
    fputc('^', out);
    uint32_t chars = end > span.start ? source_count_chars(src->text, span.start, end) : 1;
    for (uint32_t i = 1; i < chars; i++)
        fputc('~', out);
    if (style.color)
        fputs(C_RESET, out);
    fputc('\n', out);
}

static void diag_print_one(FILE *out, SourceSet *set, Span span, const char *label, const char *label_color,
                           const char *message, DiagStyle style)
{
    Source *src = span.file < set->count ? &set->files[span.file] : NULL;
    if (src) {
        LineCol lc = source_line_col(src, span.start);
        fprintf(out, "%s%s:%u:%u:%s ", style.color ? C_BOLD : "", src->path, lc.line, lc.col,
                style.color ? C_RESET : "");
    }
    fprintf(out, "%s%s:%s %s%s%s\n", style.color ? label_color : "", label, style.color ? C_RESET : "",
            style.color ? C_BOLD : "", message, style.color ? C_RESET : "");
    if (src && style.show_source)
        diag_print_excerpt(out, src, span, style, label_color);
}

void diag_print(FILE *out, SourceSet *set, const Diag *diag, DiagStyle style)
{
    static const char *const labels[] = {"error", "warning", "note"};
    static const char *const colors[] = {C_RED, C_YELLOW, C_CYAN};
    diag_print_one(out, set, diag->span, labels[diag->severity], colors[diag->severity], diag->message, style);
    if (diag->note) {
        if (diag->note_has_span)
            diag_print_one(out, set, diag->note_span, "note", C_CYAN, diag->note, style);
        else
            fprintf(out, "%snote:%s %s\n", style.color ? C_CYAN : "", style.color ? C_RESET : "", diag->note);
    }
}

void diags_print(FILE *out, SourceSet *set, const Diags *d, DiagStyle style)
{
    for (uint32_t i = 0; i < d->count; i++)
        diag_print(out, set, &d->items[i], style);
}
