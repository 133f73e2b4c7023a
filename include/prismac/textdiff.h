/* Unified diffs of two texts, line by line (Myers' algorithm), for `--check` outputs. */
#ifndef PRISMAC_TEXTDIFF_H
#define PRISMAC_TEXTDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writes a unified diff (`--- a_label`, `+++ b_label`, `@@ ... @@` hunks with `context` lines of
 * context) of `a` into `b`. Returns false, writing nothing, when the texts are equal. Lines
 * are compared byte for byte, line ends included; a missing final newline is marked as diff(1)
 * does. Colours the hunks when `color`. */
bool textdiff_unified(FILE *out, const char *a_label, const char *a, size_t a_len, const char *b_label,
                      const char *b, size_t b_len, unsigned context, bool color);

#endif
