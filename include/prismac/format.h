/* `prisma format`, byte for byte: the canonical layout of a schema file, and the relation fields
 * and arguments Prisma's formatter adds ("completion").
 *
 * Formatting works on the text, not on the syntax tree: it re-parses each file with the
 * formatter's own permissive, lossless grammar (the one Prisma's formatter uses, which keeps
 * every line it cannot understand verbatim) and re-prints it: alignment tables, sorted
 * attributes, normalised spacing, one blank line at most, comments kept. Completion needs the
 * resolved schema (db_resolve) of all files together; its snippets are inserted into the
 * original text before the layout pass, as Prisma does. The rules are written down in
 * fixtures/format/README.md and the project notes (format-facts). */
#ifndef PRISMAC_FORMAT_H
#define PRISMAC_FORMAT_H

#include "prismac/arena.h"
#include "prismac/db.h"
#include "prismac/source.h"

#include <stdbool.h>

typedef enum FormatStatus {
    FORMAT_OK,
    /* Prisma's formatter crashes on this input (a block comment continuing a comment block
     * after a multi-byte space): `prisma format` fails and writes nothing. */
    FORMAT_UNFORMATTABLE,
} FormatStatus;

typedef struct FormatError {
    uint32_t offset;        /* byte offset in the formatted file's text */
    const char *message;
} FormatError;

/* Lays out one file's text as Prisma's formatter does (no completion). The result always ends
 * with one newline; it is `text` itself when the text is laid out already (then nothing is
 * allocated), otherwise it is allocated in `arena` (NUL-terminated). */
FormatStatus format_text(Arena *arena, const char *text, size_t len, Str *out, FormatError *err);

/* A snippet Prisma's formatter inserts into a file before laying it out. */
typedef struct FormatInsertion {
    uint32_t file;          /* id in the SourceSet */
    uint32_t offset;        /* byte offset in that file's original text */
    Str text;
} FormatInsertion;

/* The missing relation fields, scalar fields and @relation arguments of a resolved schema, in
 * the order Prisma produces them (stable by offset when applied). Nothing when resolution
 * reported errors: Prisma completes only schemas its parser database accepts. */
void format_completions(const Db *db, Arena *arena, FormatInsertion **out, uint32_t *count);

/* The text of `file` with the insertions that belong to it applied. */
Str format_apply_insertions(Arena *arena, const Source *src, uint32_t file, const FormatInsertion *ins,
                            uint32_t count);

/* What format_schema did. */
typedef struct FormatOutcome {
    uint32_t insertions;    /* completion snippets inserted; 0: the result means what the input means */
    uint32_t err_file;      /* FORMAT_UNFORMATTABLE: the file that cannot be formatted ... */
    FormatError err;        /* ... and where */
} FormatOutcome;

/* Formats every file of a schema as `prisma format` does: the completion snippets of `db` (which
 * may be NULL: no completion) inserted into their files, then each file laid out on its own.
 * `outputs` has one entry per file of `sources`. Stops at a file that cannot be formatted. */
FormatStatus format_schema(const Db *db, const SourceSet *sources, Arena *arena, Str *outputs, FormatOutcome *outcome);

/* Prisma reads schema files as UTF-8 with invalid sequences replaced by U+FFFD (WHATWG
 * decoding, as Node does). Returns `text` itself when it is valid UTF-8. */
Str format_decode_utf8_lossy(Arena *arena, const char *text, size_t len);

/* The names Prisma invents for added fields (the `cruet` inflector and Prisma's helpers). All
 * results are allocated in `arena`. */
Str format_name_camel(Arena *arena, Str s);         /* UserProfile -> userProfile, user_profile -> userProfile */
Str format_name_plural(Arena *arena, Str s);        /* category -> categories, child -> children */
Str format_name_lower_first(Arena *arena, Str s);   /* first character lowercased (Unicode) */
Str format_name_upper_first(Arena *arena, Str s);   /* first character uppercased (Unicode) */

#endif
