/* Arena allocator: chunks from malloc, bump allocation inside them, one free for all. */
#include "prismac/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define ARENA_ALIGN 16u
#define ARENA_MIN_CHUNK (64u * 1024u)

struct ArenaChunk {
    ArenaChunk *next;
    size_t size;
    _Alignas(16) char data[];
};

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
        free(c);
        c = next;
    }
    arena_init(a);
}

static void arena_new_chunk(Arena *a, size_t need)
{
    /* Chunks grow with the arena so that large inputs need few mallocs. */
    size_t size = a->allocated / 2;
    if (size < ARENA_MIN_CHUNK)
        size = ARENA_MIN_CHUNK;
    if (size < need)
        size = need;
    ArenaChunk *c = malloc(sizeof *c + size);
    if (!c) {
        fprintf(stderr, "prismac: out of memory (needed %zu bytes)\n", size);
        exit(2);
    }
    c->size = size;
    c->next = a->head;
    a->head = c;
    a->cur = c->data;
    a->end = c->data + size;
    a->allocated += size;
}

void *arena_alloc_raw(Arena *a, size_t size)
{
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (size == 0)
        size = ARENA_ALIGN;
    if ((size_t)(a->end - a->cur) < size)
        arena_new_chunk(a, size);
    void *p = a->cur;
    a->cur += size;
    return p;
}

void *arena_alloc(Arena *a, size_t size)
{
    void *p = arena_alloc_raw(a, size);
    memset(p, 0, size);
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
    uint32_t ncap = *cap ? *cap * 2 : 4;
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
