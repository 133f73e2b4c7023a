/* Schema source files: the bytes of each file, its line table, and positions. */
#ifndef PRISMAC_SOURCE_H
#define PRISMAC_SOURCE_H

#include "prismac/arena.h"
#include <stdbool.h>
#include <stdio.h>

/* A byte range [start, end) inside one file of a SourceSet. */
typedef struct Span {
    uint32_t file;
    uint32_t start;
    uint32_t end;
} Span;

typedef struct Source {
    const char *path;       /* as given by the user, for messages */
    char *text;             /* file bytes followed by one NUL byte */
    uint32_t len;           /* without the terminating NUL */
    uint32_t *line_starts;  /* byte offset of each line; built on first use */
    uint32_t nlines;
    Arena *arena;           /* the set's arena, for the line table */
} Source;

typedef struct SourceSet {
    Arena *arena;
    Source *files;
    uint32_t count, cap;
} SourceSet;

typedef struct LineCol {
    uint32_t line;  /* 1-based */
    uint32_t col;   /* 1-based, counted in characters (UTF-8 code points) */
} LineCol;

typedef enum SourceStatus {
    SOURCE_OK = 0,
    SOURCE_NOT_FOUND,
    SOURCE_UNREADABLE,
    SOURCE_NOT_UTF8,
    SOURCE_EMPTY_FOLDER,
    SOURCE_TOO_LARGE,
} SourceStatus;

void source_set_init(SourceSet *set, Arena *arena);
/* Adds in-memory text (copied) as a file named `path`. Returns its file id. */
uint32_t source_add_text(SourceSet *set, const char *path, const char *text, size_t len);
/* Adds a file, or every `.prisma` file below a folder (sorted by path). On failure `*err`
 * (allocated in the set's arena) says what went wrong, with the path. */
SourceStatus source_add_path(SourceSet *set, const char *path, char **err);
/* Every `.prisma` file below the folder `dir` (recursively, as Prisma finds the files of a
 * multi-file schema), sorted by path; the paths and the array live in `arena`.
 * SOURCE_EMPTY_FOLDER when there is none; on failure `*err` (in the arena) says what went wrong,
 * with the path. */
SourceStatus source_list_folder(Arena *arena, const char *dir, char ***paths, uint32_t *count, char **err);
/* Validates UTF-8; on failure stores the byte offset of the first bad byte. */
bool source_is_utf8(const char *text, size_t len, size_t *bad_offset);

LineCol source_line_col(Source *src, uint32_t offset);
/* The line containing `offset` without its line terminator. */
Str source_line_text(Source *src, uint32_t line);
uint32_t source_line_start(Source *src, uint32_t line);
/* Characters (code points) between two byte offsets of the same line. */
uint32_t source_count_chars(const char *text, uint32_t from, uint32_t to);

#endif
