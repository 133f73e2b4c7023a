/* Arena allocator: chunks from malloc, bump allocation inside them, one free for all. */
#include "prismac/arena.h"

#include <stdbool.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define ARENA_MIN_CHUNK ((size_t)64 * 1024)
#define ARENA_HUGE_CHUNK ((size_t)2 * 1024 * 1024)   /* from here on: mmap, transparent huge pages */
#define ARENA_HUGE_FROM ((size_t)256 * 1024)          /* a chunk this large is made a huge one */

/* Every chunk comes zeroed (calloc, or fresh anonymous pages) and bump allocation never reuses
 * memory, so allocations need no memset. */
struct ArenaChunk {
    ArenaChunk *next;
    size_t size;
    bool mapped;
    void *external;     /* arena_own_mapping: a mapping the header (malloc'd) stands for */
    _Alignas(8) char data[];
};

static void arena_out_of_memory(size_t size)
{
    fprintf(stderr, "prismac: out of memory (needed %zu bytes)\n", size);
    exit(2);
}

void arena_init(Arena *a)
{
    a->head = NULL;
    a->cur = a->end = NULL;
    a->allocated = 0;
}

void arena_free(Arena *a)
{
    ArenaChunk *c = a->head;
    while (c) {
        ArenaChunk *next = c->next;
        if (c->external) {
            munmap(c->external, c->size);
            free(c);
        } else if (c->mapped) {
            munmap(c, sizeof *c + c->size);
        } else {
            free(c);
        }
        c = next;
    }
    arena_init(a);
}

void arena_own_mapping(Arena *a, void *p, size_t size)
{
    ArenaChunk *c = calloc(1, sizeof *c);
    if (!c)
        arena_out_of_memory(sizeof *c);
    c->external = p;
    c->size = size;
    /* behind the current chunk, which keeps serving allocations */
    if (a->head) {
        c->next = a->head->next;
        a->head->next = c;
    } else {
        a->head = c;    /* no room: the next allocation takes a chunk of its own */
    }
    a->allocated += size;   /* the arena grows as if it had read the bytes in */
}

void arena_adopt(Arena *dst, Arena *src)
{
    if (!src->head)
        return;
    ArenaChunk *tail = src->head;
    while (tail->next)
        tail = tail->next;
    if (dst->head) {
        /* behind dst's current chunk, which keeps serving allocations */
        tail->next = dst->head->next;
        dst->head->next = src->head;
    } else {
        dst->head = src->head;
        dst->cur = src->cur;
        dst->end = src->end;
    }
    dst->allocated += src->allocated;
    arena_init(src);
}

static void arena_new_chunk(Arena *a, size_t need)
{
    /* Chunks double with the arena, so a large schema needs few of them. */
    size_t size = a->allocated;
    if (size < ARENA_MIN_CHUNK)
        size = ARENA_MIN_CHUNK;
    if (size < need)
        size = need;
    ArenaChunk *c;
    /* An arena that has grown this far will grow further: the next chunk is a huge page at
     * once. Below that, every 4 KiB page of a chunk costs a page fault of its own, and on a
     * virtual machine a fault costs as much as zeroing a megabyte: the 1.7 MB of chunks an arena
     * went through before reaching 2 MB were a tenth of a large schema's resolution time. */
    if (size >= ARENA_HUGE_FROM && size + sizeof *c < ARENA_HUGE_CHUNK)
        size = ARENA_HUGE_CHUNK - sizeof *c;
    if (size + sizeof *c >= ARENA_HUGE_CHUNK) {
        /* Large chunks are touched page by page as the tree grows: huge pages cut the page
         * faults (a large share of parse time otherwise) by 512. */
        size = (size + sizeof *c + ARENA_HUGE_CHUNK - 1) / ARENA_HUGE_CHUNK * ARENA_HUGE_CHUNK - sizeof *c;
        void *p = mmap(NULL, sizeof *c + size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            arena_out_of_memory(size);
#ifdef MADV_HUGEPAGE
        madvise(p, sizeof *c + size, MADV_HUGEPAGE);
#endif
        c = p;
        c->mapped = true;
    } else {
        c = calloc(1, sizeof *c + size);
        if (!c)
            arena_out_of_memory(size);
        c->mapped = false;
    }
    c->size = size;
    c->next = a->head;
    a->head = c;
    a->cur = c->data;
    a->end = c->data + size;
    a->allocated += size;
}

static size_t arena_big_mapped_size(size_t size)
{
    return (size + ARENA_HUGE_CHUNK - 1) / ARENA_HUGE_CHUNK * ARENA_HUGE_CHUNK;
}

void *arena_big_realloc(void *p, size_t old_size, size_t new_size)
{
    bool was_big = p && old_size >= ARENA_BIG_FROM, big = new_size >= ARENA_BIG_FROM;
    if (!was_big && !big) {
        void *q = realloc(p, new_size ? new_size : 1);
        if (!q)
            arena_out_of_memory(new_size);
        return q;
    }
    if (was_big && big && arena_big_mapped_size(old_size) == arena_big_mapped_size(new_size))
        return p;
    void *q;
    if (big) {
        /* whole huge pages (the kernel aligns such a mapping on one) */
        size_t mapped = arena_big_mapped_size(new_size);
        q = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (q == MAP_FAILED)
            arena_out_of_memory(new_size);
#ifdef MADV_HUGEPAGE
        madvise(q, mapped, MADV_HUGEPAGE);
#endif
    } else {
        q = malloc(new_size ? new_size : 1);
        if (!q)
            arena_out_of_memory(new_size);
    }
    if (p) {
        memcpy(q, p, old_size < new_size ? old_size : new_size);
        arena_big_free(p, old_size);
    }
    return q;
}

void *arena_big_calloc(size_t size)
{
    if (size >= ARENA_BIG_FROM)
        return arena_big_realloc(NULL, 0, size);    /* fresh pages are zero */
    void *p = calloc(1, size ? size : 1);
    if (!p)
        arena_out_of_memory(size);
    return p;
}

void arena_big_free(void *p, size_t size)
{
    if (!p)
        return;
    if (size >= ARENA_BIG_FROM)
        munmap(p, arena_big_mapped_size(size));
    else
        free(p);
}

void arena_reserve(Arena *a, size_t size)
{
    if ((size_t)(a->end - a->cur) < size)
        arena_new_chunk(a, size);
}

void *arena_alloc_slow(Arena *a, size_t size)
{
    arena_new_chunk(a, size);
    void *p = a->cur;
    a->cur += size;
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t len)
{
    char *p = arena_alloc_raw(a, len + 1);
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *arena_strdup(Arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

Str arena_str(Arena *a, const char *s, size_t len)
{
    return (Str){arena_strndup(a, s, len), (uint32_t)len};
}

char *arena_sprintf(Arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = arena_alloc_raw(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void *arena_grow(Arena *a, void *items, uint32_t count, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return items;
    uint32_t ncap = *cap ? *cap * 2 : 2;
    while (ncap < need)
        ncap *= 2;
    void *p = arena_alloc_raw(a, (size_t)ncap * elem);
    if (count)
        memcpy(p, items, (size_t)count * elem);
    *cap = ncap;
    return p;
}

/* FNV-1a: short names, no adversary; good enough for symbol tables. */
uint32_t str_hash(Str s)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < s.len; i++) {
        h ^= (unsigned char)s.ptr[i];
        h *= 16777619u;
    }
    return h;
}

void *arena_grow_exact(Arena *a, void *items, uint32_t count, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return items;
    void *p = arena_alloc(a, (size_t)need * elem);
    if (count)
        memcpy(p, items, (size_t)count * elem);
    *cap = need;
    return p;
}
