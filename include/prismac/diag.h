/* Diagnostics: errors and warnings with spans, printed like a compiler does. */
#ifndef PRISMAC_DIAG_H
#define PRISMAC_DIAG_H

#include "prismac/source.h"
#include <stdarg.h>

typedef enum DiagSeverity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } DiagSeverity;

typedef struct Diag {
    DiagSeverity severity;
    Span span;
    const char *message;
    const char *note;       /* optional secondary message ... */
    Span note_span;         /* ... at this place (valid when note_has_span) */
    bool note_has_span;
} Diag;

typedef struct Diags {
    Arena *arena;
    Diag *items;
    uint32_t count, cap;
    uint32_t errors, warnings;
} Diags;

typedef struct DiagStyle {
    bool color;
    bool show_source;   /* the source line and the underline */
} DiagStyle;

void diags_init(Diags *d, Arena *arena);
Diag *diag_error(Diags *d, Span span, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
Diag *diag_warning(Diags *d, Span span, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
Diag *diag_add(Diags *d, DiagSeverity sev, Span span, const char *fmt, va_list ap);
/* Attaches "note: ..." pointing at another place to a diagnostic. */
void diag_note(Diags *d, Diag *diag, Span span, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* path:line:col: error: message, then the line and a ^~~~ underline under the whole span. */
void diag_print(FILE *out, SourceSet *set, const Diag *diag, DiagStyle style);
void diags_print(FILE *out, SourceSet *set, const Diags *d, DiagStyle style);
/* Should output to `out` be coloured? (a terminal, and NO_COLOR unset) */
bool diag_want_color(FILE *out);

#endif
