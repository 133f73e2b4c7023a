/* Arena allocation: every stage allocates from one arena and frees it with one call. */
#ifndef PRISMAC_ARENA_H
#define PRISMAC_ARENA_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct ArenaChunk ArenaChunk;

typedef struct Arena {
    ArenaChunk *head;   /* newest chunk; older ones are linked behind it */
    char *cur;          /* next free byte in head */
    char *end;          /* one past the last byte of head */
    size_t allocated;   /* bytes of its chunks and owned mappings (the next chunk grows with it) */
} Arena;

/* A counted byte string. Not NUL-terminated unless it says so; may point into source text. */
typedef struct Str {
    const char *ptr;
    uint32_t len;
} Str;

#define STR_LIT(s) ((Str){(s), (uint32_t)(sizeof(s) - 1)})

void arena_init(Arena *a);
void arena_free(Arena *a);
/* Unmaps [p, p + size) (an mmap'd file) when the arena is freed. */
void arena_own_mapping(Arena *a, void *p, size_t size);
/* Moves all of `src`'s memory into `dst` (it is freed with `dst`); `src` is left empty. */
void arena_adopt(Arena *dst, Arena *src);
/* For an arena known to grow to about `size` bytes: from a quarter megabyte on (a thread's share
 * of a large schema), it then goes on huge pages at once, in pieces of the process's pool (see
 * arena.c), instead of going through small chunks, whose 4 KiB pages each cost a page fault.
 * Makes room for `size` bytes in one chunk, or for a piece's worth if that is less. */
void arena_reserve(Arena *a, size_t size);
/* For a process about to allocate much (a large schema): from now on, a thread of the lowest
 * priority has the kernel back the pool's next pages while a CPU is otherwise idle (arena.c).
 * Once per process; nothing changes where the kernel cannot do it. */
void arena_prefault_start(void);
/* The pool will hand out about `more` bytes more from now on (a command's estimate from what it
 * has allocated so far): the prefaulting thread backs nothing beyond that, so that no pages are
 * zeroed for nothing at the end of a run (up to the 32 MB it may run ahead). An estimate short
 * of the truth only leaves the last pages to be backed as they are first used, as without
 * prefaulting. */
void arena_prefault_expect(size_t more);
/* Bytes the pool has handed out so far (arena_prefault_expect's estimates start from it). */
size_t arena_pool_taken(void);
/* Takes a new chunk and allocates from it (the slow path of arena_alloc). */
void *arena_alloc_slow(Arena *a, size_t size);

/* Zeroed (every chunk is), aligned to 8 bytes (nothing in prismac needs more). Exits with a
 * message when memory runs out. */
static inline void *arena_alloc(Arena *a, size_t size)
{
    size = size ? (size + 7u) & ~(size_t)7u : 8u;
    if ((size_t)(a->end - a->cur) < size)
        return arena_alloc_slow(a, size);
    void *p = a->cur;
    a->cur += size;
    return p;
}

/* For buffers that are written in full (the same memory; the name says what the caller needs). */
static inline void *arena_alloc_raw(Arena *a, size_t size)
{
    return arena_alloc(a, size);
}
char *arena_strndup(Arena *a, const char *s, size_t len);
char *arena_strdup(Arena *a, const char *s);
Str arena_str(Arena *a, const char *s, size_t len);
char *arena_sprintf(Arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Grows an array living in the arena to hold at least `need` elements (old storage is abandoned). */
void *arena_grow(Arena *a, void *items, uint32_t count, uint32_t *cap, uint32_t need, size_t elem);
/* The same with room for exactly `need` elements (no rounding up: the caller knows the final size). */
void *arena_grow_exact(Arena *a, void *items, uint32_t count, uint32_t *cap, uint32_t need, size_t elem);

/* Large scratch buffers outside arenas (growable arrays and output freed at the end of a stage).
 * malloc'd memory is touched a 4 KiB page at a time, a page fault each, and on a virtual
 * machine a fault costs about as much as zeroing a megabyte of a huge page: from a quarter
 * megabyte on, these buffers are chunks of the arenas' pool of huge pages instead (exactly
 * their size, and backed ahead like the arenas' pieces). The size given back to realloc and
 * free must be the one the buffer was last made with (it says where the memory came from);
 * below the threshold they are plain malloc, realloc and free. */
#define ARENA_BIG_FROM ((size_t)256 * 1024)
void *arena_big_realloc(void *p, size_t old_size, size_t new_size);
void arena_big_free(void *p, size_t size);
void *arena_big_calloc(size_t size);   /* zeroed */

/* Appends one element to an arena array described by (items, count, cap). */
#define ARENA_PUSH(arena, items, count, cap, value)                                          \
    do {                                                                                     \
        if ((count) == (cap))                                                                \
            (items) = arena_grow((arena), (items), (count), &(cap), (count) + 1, sizeof *(items)); \
        (items)[(count)++] = (value);                                                        \
    } while (0)

static inline int str_eq(Str a, Str b) { return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0); }
static inline int str_eq_cstr(Str a, const char *b) { size_t n = strlen(b); return a.len == n && memcmp(a.ptr, b, n) == 0; }
uint32_t str_hash(Str s);

#endif
