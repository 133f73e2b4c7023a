/* Loading schema files and folders, UTF-8 checking, and offsets to line:column. */
#include "prismac/source.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void source_set_init(SourceSet *set, Arena *arena)
{
    set->arena = arena;
    set->files = NULL;
    set->count = set->cap = 0;
}

/* Adds a file whose NUL-terminated text already lives in the set's arena. */
static uint32_t source_push(SourceSet *set, const char *path, char *text, uint32_t len)
{
    Source src = {0};
    src.path = arena_strdup(set->arena, path);
    src.text = text;
    src.len = len;
    src.arena = set->arena;
    ARENA_PUSH(set->arena, set->files, set->count, set->cap, src);
    return set->count - 1;
}

uint32_t source_add_text(SourceSet *set, const char *path, const char *text, size_t len)
{
    char *copy = arena_alloc_raw(set->arena, len + 1);
    if (len)
        memcpy(copy, text, len);
    copy[len] = '\0';
    return source_push(set, path, copy, (uint32_t)len);
}

/* A table-free UTF-8 validator (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). */
bool source_is_utf8(const char *text, size_t len, size_t *bad_offset)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        /* Schemas are mostly ASCII: check 32 bytes at a time, then eight. */
        while (i + 32 <= len) {
            uint64_t w[4];
            memcpy(w, s + i, 32);
            if ((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ull)
                break;
            i += 32;
        }
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            n = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            goto bad;
        }
        if (i + n >= len)
            goto bad;
        if (s[i + 1] < lo || s[i + 1] > hi)
            goto bad;
        for (size_t k = 2; k <= n; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                goto bad;
        i += n + 1;
    }
    return true;
bad:
    if (bad_offset)
        *bad_offset = i;
    return false;
}

/* A large regular file is mapped rather than read: its pages come from the page cache as they
 * are, where reading copies them into fresh memory that must first be zeroed (4 of the 5 ms it
 * took to load a 5 MB schema). The mapping is private and writable (nothing reaches the file)
 * and unmapped with the arena. The text must end in a NUL byte: the kernel zeroes the rest of
 * a mapping's last page, so a file whose size is a multiple of the page size is read instead.
 * (A file truncated by another program while prismac runs could then end the process with
 * SIGBUS; prismac itself replaces files by renaming a new one over them.) */
#define SOURCE_MAP_FROM ((size_t)256 * 1024)

static char *source_map(SourceSet *set, FILE *f, size_t size)
{
    long page = sysconf(_SC_PAGESIZE);
    if (size < SOURCE_MAP_FROM || size > (size_t)INT32_MAX || page <= 0 || size % (size_t)page == 0)
        return NULL;
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fileno(f), 0);
    if (p == MAP_FAILED)
        return NULL;
    arena_own_mapping(set->arena, p, size);
    return p;
}

/* Reads a whole file into the arena: regular files straight into their final buffer (or mapped,
 * when large), other files (pipes, devices) through a growing one. */
static SourceStatus source_read_bytes(SourceSet *set, const char *path, char **text, size_t *len_out, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        *err = arena_sprintf(set->arena, "%s: %s", path, strerror(e));
        return e == ENOENT ? SOURCE_NOT_FOUND : SOURCE_UNREADABLE;
    }
    struct stat st;
    size_t cap = 64 * 1024, len = 0;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
        char *mapped = source_map(set, f, (size_t)st.st_size);
        if (mapped) {
            fclose(f);
            *text = mapped;
            *len_out = (size_t)st.st_size;
            return SOURCE_OK;
        }
        cap = (size_t)st.st_size + 1;
    }
    char *buf = NULL;
    SourceStatus status = SOURCE_OK;
    for (;;) {
        if (!buf || len == cap) {
            size_t ncap = buf ? cap * 2 : cap;
            if (ncap > (size_t)INT32_MAX) {
                *err = arena_sprintf(set->arena, "%s: file too large (limit 2 GiB)", path);
                status = SOURCE_TOO_LARGE;
                break;
            }
            char *nbuf = arena_alloc_raw(set->arena, ncap + 1);
            if (len)
                memcpy(nbuf, buf, len);
            buf = nbuf;
            cap = ncap;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f)) {
                int e = errno;
                *err = arena_sprintf(set->arena, "%s: %s", path, e ? strerror(e) : "read error");
                status = SOURCE_UNREADABLE;
            }
            break;
        }
    }
    fclose(f);
    if (status == SOURCE_OK) {
        buf[len] = '\0';
        *text = buf;
        *len_out = len;
    }
    return status;
}

static SourceStatus source_read_file(SourceSet *set, const char *path, char **err)
{
    char *buf;
    size_t len;
    SourceStatus status = source_read_bytes(set, path, &buf, &len, err);
    if (status != SOURCE_OK)
        return status;
    size_t bad;
    if (!source_is_utf8(buf, len, &bad)) {
        uint32_t line = 1, col = 1;
        for (size_t i = 0; i < bad; i++) {
            if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))) {
                line++;
                col = 1;
            } else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
                col++;
            }
        }
        *err = arena_sprintf(set->arena, "%s:%u:%u: not valid UTF-8 (byte 0x%02X); schema files must be UTF-8",
                             path, line, col, (unsigned char)buf[bad]);
        return SOURCE_NOT_UTF8;
    }
    source_push(set, path, buf, (uint32_t)len);
    return SOURCE_OK;
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects every `.prisma` file below `dir`, recursively, as Prisma's multi-file schemas do. */
static SourceStatus source_collect(Arena *arena, const char *dir, char ***paths, uint32_t *n, uint32_t *cap,
                                   char **err)
{
    DIR *d = opendir(dir);
    if (!d) {
        int e = errno;
        *err = arena_sprintf(arena, "%s: %s", dir, strerror(e));
        return SOURCE_UNREADABLE;
    }
    struct dirent *ent;
    SourceStatus status = SOURCE_OK;
    while ((ent = readdir(d)) != NULL) {
        const char *name = ent->d_name;
        if (name[0] == '.')
            continue;
        size_t dl = strlen(dir);
        char *full = arena_sprintf(arena, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name);
        struct stat st;
        if (stat(full, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            status = source_collect(arena, full, paths, n, cap, err);
            if (status != SOURCE_OK)
                break;
        } else {
            size_t nl = strlen(name);
            if (nl > 7 && strcmp(name + nl - 7, ".prisma") == 0)
                ARENA_PUSH(arena, *paths, *n, *cap, full);
        }
    }
    closedir(d);
    return status;
}

SourceStatus source_list_folder(Arena *arena, const char *dir, char ***paths, uint32_t *count, char **err)
{
    *paths = NULL;
    *count = 0;
    uint32_t cap = 0;
    SourceStatus status = source_collect(arena, dir, paths, count, &cap, err);
    if (status != SOURCE_OK)
        return status;
    if (*count == 0) {
        *err = arena_sprintf(arena, "%s: folder holds no .prisma files", dir);
        return SOURCE_EMPTY_FOLDER;
    }
    qsort(*paths, *count, sizeof **paths, compare_paths);
    return SOURCE_OK;
}

SourceStatus source_add_path(SourceSet *set, const char *path, char **err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        int e = errno;
        *err = arena_sprintf(set->arena, "%s: %s", path, strerror(e));
        return e == ENOENT ? SOURCE_NOT_FOUND : SOURCE_UNREADABLE;
    }
    if (!S_ISDIR(st.st_mode))
        return source_read_file(set, path, err);

    char **paths;
    uint32_t n;
    SourceStatus status = source_list_folder(set->arena, path, &paths, &n, err);
    if (status != SOURCE_OK)
        return status;
    for (uint32_t i = 0; i < n; i++) {
        status = source_read_file(set, paths[i], err);
        if (status != SOURCE_OK)
            return status;
    }
    return SOURCE_OK;
}

/* Line starts are needed only to print a position, so they are built on first use. */
static void source_build_lines(Source *src)
{
    uint32_t n = 1;
    for (uint32_t i = 0; i < src->len; i++)
        if (src->text[i] == '\n' || (src->text[i] == '\r' && src->text[i + 1] != '\n'))
            n++;
    uint32_t *starts = arena_alloc_raw(src->arena, (size_t)n * sizeof *starts);
    n = 0;
    starts[n++] = 0;
    for (uint32_t i = 0; i < src->len; i++)
        if (src->text[i] == '\n' || (src->text[i] == '\r' && src->text[i + 1] != '\n'))
            starts[n++] = i + 1;
    src->line_starts = starts;
    src->nlines = n;
}

static uint32_t source_find_line(Source *src, uint32_t offset)
{
    if (!src->line_starts)
        source_build_lines(src);
    uint32_t lo = 0, hi = src->nlines;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (src->line_starts[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

uint32_t source_count_chars(const char *text, uint32_t from, uint32_t to)
{
    uint32_t n = 0;
    for (uint32_t i = from; i < to; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            n++;
    return n;
}

LineCol source_line_col(Source *src, uint32_t offset)
{
    if (offset > src->len)
        offset = src->len;
    uint32_t line = source_find_line(src, offset);
    uint32_t start = src->line_starts[line];
    return (LineCol){line + 1, source_count_chars(src->text, start, offset) + 1};
}

uint32_t source_line_start(Source *src, uint32_t line)
{
    if (!src->line_starts)
        source_build_lines(src);
    if (line == 0 || line > src->nlines)
        return src->len;
    return src->line_starts[line - 1];
}

Str source_line_text(Source *src, uint32_t line)
{
    uint32_t start = source_line_start(src, line);
    uint32_t end = start;
    while (end < src->len && src->text[end] != '\n' && src->text[end] != '\r')
        end++;
    return (Str){src->text + start, end - start};
}
