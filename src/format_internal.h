/* Shared by the formatter's files (format.c, format_names.c, format_complete.c,
 * format_unicode.c). Not part of the public API. */
#ifndef PRISMAC_FORMAT_INTERNAL_H
#define PRISMAC_FORMAT_INTERNAL_H

#include "prismac/format.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer (malloc'd scratch, freed at the end of a stage). */
typedef struct Buf {
    char *ptr;
    size_t len, cap;
} Buf;

void buf_reserve(Buf *b, size_t extra);
void buf_free(Buf *b);
static inline void buf_put(Buf *b, const char *s, size_t n)
{
    if (b->cap - b->len < n)
        buf_reserve(b, n);
    if (n)
        memcpy(b->ptr + b->len, s, n);
    b->len += n;
}
static inline void buf_putc(Buf *b, char c)
{
    if (b->cap == b->len)
        buf_reserve(b, 1);
    b->ptr[b->len++] = c;
}
static inline void buf_puts(Buf *b, const char *s) { buf_put(b, s, strlen(s)); }
static inline void buf_put_str(Buf *b, Str s) { buf_put(b, s.ptr, s.len); }

/* Decodes the code point at text[pos] (pos < len); *n is its length in bytes. A byte that does
 * not start a valid sequence decodes as itself (>= 0x80) with length 1. */
uint32_t fmt_utf8_decode(const char *text, size_t len, size_t pos, size_t *n);
/* Appends the UTF-8 encoding of a code point. */
void fmt_utf8_put(Buf *b, uint32_t cp);

/* Unicode classes (format_unicode.c, generated). */
bool fmt_uni_is_letter(uint32_t cp);    /* general category L (Lu Ll Lt Lm Lo) */
bool fmt_uni_is_numeric(uint32_t cp);   /* N (Nd Nl No) */
bool fmt_uni_is_lower(uint32_t cp);     /* derived property Lowercase */
bool fmt_uni_is_upper(uint32_t cp);     /* derived property Uppercase */
Str fmt_uni_to_lower(uint32_t cp);      /* full mapping; empty Str when the character maps to itself */
Str fmt_uni_to_upper(uint32_t cp);

#endif
