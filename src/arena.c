/* Arena allocator: chunks from malloc or from a shared pool of huge pages, bump allocation
 * inside them, one free for all. */
#define _GNU_SOURCE     /* SCHED_IDLE */
#include "prismac/arena.h"
#include "prismac/parallel.h"

#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define ARENA_MIN_CHUNK ((size_t)64 * 1024)
#define ARENA_HUGE_CHUNK ((size_t)2 * 1024 * 1024)    /* a transparent huge page */
#define ARENA_HUGE_FROM ((size_t)256 * 1024)           /* a chunk this large comes from the pool */
#define ARENA_PIECE ((size_t)256 * 1024)               /* the pool's chunks (pieces) */
#define ARENA_REGION ((size_t)256 * 1024 * 1024)       /* what the pool maps at a time */

typedef struct PoolRegion PoolRegion;

/* Every chunk comes zeroed (calloc, or pool memory never handed out before) and bump
 * allocation never reuses memory, so allocations need no memset. */
struct ArenaChunk {
    ArenaChunk *next;
    size_t size;
    PoolRegion *region; /* the pool region it was cut from; NULL: malloc'd */
    void *external;     /* arena_own_mapping: a mapping the header (malloc'd) stands for */
    _Alignas(8) char data[];
};

static void arena_out_of_memory(size_t size)
{
    fprintf(stderr, "prismac: out of memory (needed %zu bytes)\n", size);
    exit(2);
}

/* The huge-page pool. Large chunks are touched page by page as an arena grows: on huge pages
 * that is 512 times fewer page faults (a large share of parse time otherwise). But the kernel
 * zeroes a huge page in full at its first touch, and an arena with chunks of its own leaves
 * its last page partly empty: 11 of the 76 MB of huge pages `prismac sql` touched on 5,000
 * models held nothing. So the arenas of all threads cut their large chunks, in pieces of
 * ARENA_PIECE bytes, one after the other from the same region of huge pages: their partly used
 * pages are the same few pages.
 *
 * Memory is never handed out twice (so it is always zero). What is given back goes back to the
 * kernel: a region once nothing in it is in use, a huge page once nothing on it is in use and
 * nothing more will be cut from it. Memory given back on a page still in use stays until the
 * page is free; should more than ARENA_STUCK_MAX beyond what is in use pile up that way (a
 * long-lived arena's pieces on the pages of many short-lived ones), it goes back at once, in
 * 4 KiB pages (splitting huge pages costs time, so only then).
 *
 * This is prismac's one piece of process-wide state, an exception to the house rule as malloc's
 * heap is: a pool per arena would be the chunks we had. A mutex guards it; it is taken once a
 * piece (a quarter megabyte of allocations) and once an arena_free, never in arena_alloc. */
#define ARENA_REGION_PAGES (ARENA_REGION / ARENA_HUGE_CHUNK)
#define ARENA_STUCK_MAX ((size_t)64 * 1024 * 1024)
#define ARENA_SMALL_PAGE ((size_t)4096)

struct PoolRegion {
    size_t size;    /* mapped bytes, this header included */
    size_t used;    /* bytes handed out from the start, this header first */
    size_t live;    /* bytes handed out and not given back */
    size_t stuck;   /* bytes given back and still resident (on pages in use) */
    /* the same two for each huge page (not kept in a region of its own, for one chunk) */
    uint32_t page_live[ARENA_REGION_PAGES], page_stuck[ARENA_REGION_PAGES];
};

#define ARENA_REGION_HEADER ((sizeof(PoolRegion) + 63) / 64 * 64)

static struct {
    pthread_mutex_t lock;
    PoolRegion *open;   /* the region pieces are cut from now */
    size_t live, stuck; /* of all regions */
    /* the prefaulting thread (arena_prefault_start) */
    bool prefault_started;
    bool prefault_waiting;          /* it waits for the open region's pieces to be taken */
    pthread_cond_t prefault_wake;
    PoolRegion *prefault_region;    /* the region of prefault_done */
    size_t prefault_done;           /* its pages below this offset are backed (or handed out) */
    PoolRegion *prefault_busy;      /* the region it backs a page of now, outside the lock */
    bool prefault_doomed;           /* the busy region was given back meanwhile: it unmaps it */
    PoolRegion *prefault_limit_region;  /* arena_prefault_expect: nothing of this region ... */
    size_t prefault_limit;              /* ... from this offset on is backed ahead */
    size_t taken;                   /* bytes handed out since the process started */
} arena_pool = {.lock = PTHREAD_MUTEX_INITIALIZER, .prefault_wake = PTHREAD_COND_INITIALIZER};

static size_t arena_round(size_t size, size_t unit)
{
    return (size + unit - 1) / unit * unit;
}

/* A region of `size` bytes (whole huge pages) starting on a huge page, its header set. */
static PoolRegion *pool_map(size_t size)
{
    char *p = mmap(NULL, size + ARENA_HUGE_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    char *base = (char *)arena_round((uintptr_t)p, ARENA_HUGE_CHUNK);
    if (base > p)
        munmap(p, (size_t)(base - p));
    munmap(base + size, (size_t)(p + ARENA_HUGE_CHUNK - base));
#ifdef MADV_HUGEPAGE
    madvise(base, size, MADV_HUGEPAGE);
#endif
    PoolRegion *r = (PoolRegion *)base;
    r->size = size;
    r->used = r->live = ARENA_REGION_HEADER;
    r->page_live[0] = ARENA_REGION_HEADER;
    return r;
}

/* Huge page i of a region goes back to the kernel (nothing on it is in use or will be). */
static void pool_release(PoolRegion *r, size_t i)
{
    madvise((char *)r + i * ARENA_HUGE_CHUNK, ARENA_HUGE_CHUNK, MADV_DONTNEED);
    r->stuck -= r->page_stuck[i];
    arena_pool.stuck -= r->page_stuck[i];
    r->page_stuck[i] = 0;
}

/* Counts [off, off + size) of a region as handed out (add) or given back, huge page by page. */
static void pool_count(PoolRegion *r, size_t off, size_t size, bool add)
{
    for (size_t i = off / ARENA_HUGE_CHUNK; i * ARENA_HUGE_CHUNK < off + size; i++) {
        size_t lo = i * ARENA_HUGE_CHUNK > off ? i * ARENA_HUGE_CHUNK : off;
        size_t hi = (i + 1) * ARENA_HUGE_CHUNK < off + size ? (i + 1) * ARENA_HUGE_CHUNK : off + size;
        if (add) {
            r->page_live[i] += (uint32_t)(hi - lo);
            continue;
        }
        r->page_live[i] -= (uint32_t)(hi - lo);
        if (r->page_live[i] == 0 && (r != arena_pool.open || (i + 1) * ARENA_HUGE_CHUNK <= r->used)) {
            pool_release(r, i);
            continue;
        }
        size_t stuck = hi - lo, from = arena_round(lo, ARENA_SMALL_PAGE), to = hi / ARENA_SMALL_PAGE * ARENA_SMALL_PAGE;
        if (arena_pool.stuck > arena_pool.live + ARENA_STUCK_MAX && from < to) {
            madvise((char *)r + from, to - from, MADV_DONTNEED);
            stuck -= to - from;
        }
        r->page_stuck[i] += (uint32_t)stuck;
        r->stuck += stuck;
        arena_pool.stuck += stuck;
    }
}

/* ---- Backing the pool's next pages in idle time ---------------------------------------------
 * A large schema keeps both cores busy most of the time, but not all of it: reading the file,
 * joining the parse, the serial passes of resolution, the diff run on one. Meanwhile the other
 * can zero the memory the next stages will take (a tenth of the run when the host backs our
 * memory already, most of it when it does not: a huge page then costs milliseconds). So a
 * thread of the lowest priority (SCHED_IDLE: it runs only on a CPU nothing else wants) keeps
 * the next ARENA_PREFAULT_AHEAD bytes of the open region backed, a huge page at a time.
 *
 * It takes the next page not handed out yet and writes to each of its 4 KiB pages in a way
 * that changes no byte (prefault_touch), so takers never wait for it: pieces of the page may be
 * handed out, and written, while it works. (It did claim the page, and ran at normal priority
 * while it held the claim, so that a taker never waited on a thread only idle CPUs run; on a
 * busy host the takers then waited 1-4 ms a run, for a claim holder that had no CPU.) Should a
 * taker touch the page first, the kernel zeroes it once for each and keeps one: idle time lost,
 * nothing else. Page faults take no process-wide lock (Linux's per-VMA locks), where
 * MADV_POPULATE_WRITE holds the mmap lock throughout and so kept every mmap, munmap and
 * mprotect of the other threads (their stacks, large buffers) waiting up to a huge page's
 * zeroing each. Pages it backs are handed out next (pieces are cut in order). What it backs
 * beyond what the run takes is zeroed for nothing: the commands say how much they expect to
 * take (arena_prefault_expect), and it stops there; the window is wide, so that a stretch of
 * idle time (reading the file, a serial pass) is used in full. */
#define ARENA_PREFAULT_AHEAD ((size_t)32 * 1024 * 1024)
/* A thread with nothing to back is woken once this much more may be backed (not for every
 * piece taken). */
#define ARENA_PREFAULT_WAKE ((size_t)4 * 1024 * 1024)

/* The next pages of the open region to back: [*from, *to) (the caller holds the lock). */
static bool prefault_next(size_t *from, size_t *to)
{
    PoolRegion *r = arena_pool.open;
    if (!r)
        return false;
    if (arena_pool.prefault_region != r) {
        arena_pool.prefault_region = r;
        arena_pool.prefault_done = 0;
    }
    size_t used = arena_round(r->used, ARENA_HUGE_CHUNK), ahead = arena_round(r->used + ARENA_PREFAULT_AHEAD, ARENA_HUGE_CHUNK);
    *from = arena_pool.prefault_done > used ? arena_pool.prefault_done : used;
    *to = ahead < r->size ? ahead : r->size;
    if (r == arena_pool.prefault_limit_region && *to > arena_pool.prefault_limit)
        *to = arena_pool.prefault_limit;
    return *from < *to;
}

/* The pages backed beyond what was handed out of a region nothing more is cut from go back. */
static void prefault_drop_ahead(PoolRegion *r)
{
    size_t used = arena_round(r->used, ARENA_HUGE_CHUNK);
    if (arena_pool.prefault_done > used)
        madvise((char *)r + used, arena_pool.prefault_done - used, MADV_DONTNEED);
    arena_pool.prefault_region = NULL;
}

/* Backs the 4 KiB pages of one huge page without changing a byte of them: an atomic OR of zero
 * into the first byte of each is a write (the kernel backs the page) that leaves the byte as it
 * is, even where a taker writes the same byte at the same time (pieces of the page may be handed
 * out meanwhile). */
static void prefault_touch(char *page)
{
    for (size_t off = 0; off < ARENA_HUGE_CHUNK; off += ARENA_SMALL_PAGE)
        __atomic_fetch_or((unsigned char *)page + off, (unsigned char)0, __ATOMIC_RELAXED);
}

static void *pool_prefault(void *arg)
{
    (void)arg;
    /* Linux lets any thread go down to SCHED_IDLE; where it may not, it runs at normal
     * priority: the zeroing it does is the arenas' own, done ahead */
    struct sched_param none = {0};
    pthread_setschedparam(pthread_self(), SCHED_IDLE, &none);
    pthread_mutex_lock(&arena_pool.lock);
    for (;;) {
        size_t from, to;
        if (!prefault_next(&from, &to)) {
            arena_pool.prefault_waiting = true;
            pthread_cond_wait(&arena_pool.prefault_wake, &arena_pool.lock);
            arena_pool.prefault_waiting = false;
            continue;
        }
        PoolRegion *r = arena_pool.open;
        arena_pool.prefault_busy = r;
        /* done, as far as takers go: no one waits on a thread only idle CPUs run */
        arena_pool.prefault_done = from + ARENA_HUGE_CHUNK;
        pthread_mutex_unlock(&arena_pool.lock);
        prefault_touch((char *)r + from);
        pthread_mutex_lock(&arena_pool.lock);
        arena_pool.prefault_busy = NULL;
        if (arena_pool.prefault_doomed) {
            arena_pool.prefault_doomed = false;
            munmap(r, r->size);
        }
    }
    pthread_mutex_unlock(&arena_pool.lock);
    return NULL;
}

void arena_prefault_expect(size_t more)
{
    pthread_mutex_lock(&arena_pool.lock);
    PoolRegion *r = arena_pool.open;
    arena_pool.prefault_limit_region = r;
    /* whole huge pages: the one the estimate ends in is backed */
    if (r)
        arena_pool.prefault_limit = arena_round(r->used + more, ARENA_HUGE_CHUNK);
    size_t from, to;
    if (arena_pool.prefault_waiting && prefault_next(&from, &to))
        pthread_cond_signal(&arena_pool.prefault_wake);
    pthread_mutex_unlock(&arena_pool.lock);
}

size_t arena_pool_taken(void)
{
    pthread_mutex_lock(&arena_pool.lock);
    size_t taken = arena_pool.taken;
    pthread_mutex_unlock(&arena_pool.lock);
    return taken;
}

void arena_prefault_start(void)
{
    pthread_mutex_lock(&arena_pool.lock);
    bool start = !arena_pool.prefault_started;
    arena_pool.prefault_started = true;
    /* a region open from now: its first pages are backed before the first arena needs them */
    if (start && !arena_pool.open)
        arena_pool.open = pool_map(ARENA_REGION);
    pthread_mutex_unlock(&arena_pool.lock);
    if (!start)
        return;
    pthread_attr_t attr;
    pthread_t thread;
    if (pthread_attr_init(&attr) != 0)
        return;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    parallel_thread_create(&thread, &attr, pool_prefault, NULL, 0);
    pthread_attr_destroy(&attr);
}

/* `size` bytes (a multiple of 64) of zeroed pool memory for a chunk; sets *region. */
static void *pool_take(size_t size, PoolRegion **region)
{
    pthread_mutex_lock(&arena_pool.lock);
    arena_pool.live += size;
    arena_pool.taken += size;
    PoolRegion *r = arena_pool.open;
    if (!r || r->size - r->used < size) {
        bool alone = size > ARENA_REGION / 4;   /* in a region of its own; the open one stays */
        PoolRegion *n = pool_map(alone ? arena_round(ARENA_REGION_HEADER + size, ARENA_HUGE_CHUNK) : ARENA_REGION);
        if (!n) {
            pthread_mutex_unlock(&arena_pool.lock);
            arena_out_of_memory(size);
        }
        if (alone) {
            n->used = n->size;
            n->live += size;    /* unmapped with its one chunk */
            pthread_mutex_unlock(&arena_pool.lock);
            *region = n;
            return (char *)n + ARENA_REGION_HEADER;
        }
        arena_pool.open = n;
        /* nothing more is cut from the old region: its last page goes back if it is free, and
         * so do the pages backed ahead of it */
        if (r && r->page_live[(r->used - 1) / ARENA_HUGE_CHUNK] == 0)
            pool_release(r, (r->used - 1) / ARENA_HUGE_CHUNK);
        if (r && r == arena_pool.prefault_region)
            prefault_drop_ahead(r);
        r = n;
    }
    void *p = (char *)r + r->used;
    pool_count(r, r->used, size, true);
    r->used += size;
    r->live += size;
    size_t from, to;
    if (arena_pool.prefault_waiting && prefault_next(&from, &to) && to - from >= ARENA_PREFAULT_WAKE)
        pthread_cond_signal(&arena_pool.prefault_wake);
    pthread_mutex_unlock(&arena_pool.lock);
    *region = r;
    return p;
}

/* Gives a chunk's pool memory back (the caller holds the lock). */
static void pool_give(PoolRegion *r, void *p, size_t size)
{
    arena_pool.live -= size;
    if ((r->live -= size) == ARENA_REGION_HEADER) {
        arena_pool.stuck -= r->stuck;
        if (r == arena_pool.open)
            arena_pool.open = NULL;
        if (r == arena_pool.prefault_region)
            arena_pool.prefault_region = NULL;
        if (r == arena_pool.prefault_limit_region)
            arena_pool.prefault_limit_region = NULL;
        if (r == arena_pool.prefault_busy)
            arena_pool.prefault_doomed = true;  /* the prefaulting thread unmaps it */
        else
            munmap(r, r->size);
    } else {
        pool_count(r, (size_t)((char *)p - (char *)r), size, false);
    }
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
    bool locked = false;
    while (c) {
        ArenaChunk *next = c->next;
        if (c->external) {
            munmap(c->external, c->size);
            free(c);
        } else if (c->region) {
            if (!locked)
                pthread_mutex_lock(&arena_pool.lock);
            locked = true;
            pool_give(c->region, c, sizeof *c + c->size);
        } else {
            free(c);
        }
        c = next;
    }
    if (locked)
        pthread_mutex_unlock(&arena_pool.lock);
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

/* Whether the arena's next chunk, for `need` bytes, comes from the pool. Small chunks double
 * with the arena, so a large schema needs few of them. An arena that has grown to
 * ARENA_HUGE_FROM will grow further: it goes on in huge pages at once. Below that, every 4 KiB
 * page of a chunk costs a page fault of its own, and on a virtual machine a fault costs as much
 * as zeroing a megabyte: the 1.7 MB of chunks an arena went through before reaching 2 MB were a
 * tenth of a large schema's resolution time. */
static bool arena_pooled(const Arena *a, size_t need)
{
    size_t size = a->allocated > need ? a->allocated : need;
    return sizeof(ArenaChunk) + size >= ARENA_HUGE_FROM;
}

/* A chunk with room for `need` bytes: a malloc'd one as large as the arena so far, or a pool
 * piece; exactly `need` bytes of the pool if `exact` or if that is more than a piece. */
static ArenaChunk *arena_chunk(Arena *a, size_t need, bool exact)
{
    ArenaChunk *c;
    size_t size;
    if (arena_pooled(a, need)) {
        size = exact || sizeof *c + need > ARENA_PIECE ? arena_round(sizeof *c + need, 64) : ARENA_PIECE;
        PoolRegion *r;
        c = pool_take(size, &r);
        c->region = r;
        size -= sizeof *c;
    } else {
        size = a->allocated > need ? a->allocated : need;
        if (size < ARENA_MIN_CHUNK)
            size = ARENA_MIN_CHUNK;
        c = calloc(1, sizeof *c + size);
        if (!c)
            arena_out_of_memory(size);
        c->region = NULL;
    }
    c->size = size;
    a->allocated += size;
    return c;
}

/* Makes a new chunk with room for `need` bytes the current one. */
static void arena_new_chunk(Arena *a, size_t need)
{
    ArenaChunk *c = arena_chunk(a, need, false);
    c->next = a->head;
    a->head = c;
    a->cur = c->data;
    a->end = c->data + c->size;
}

/* A big buffer is a chunk of the pool (exactly its size, not whole huge pages of its own, and
 * backed ahead like the arenas' pieces) behind a header that says where it came from. */
typedef struct BigHeader {
    PoolRegion *region;
    size_t taken;       /* bytes taken from the pool, this header included */
} BigHeader;

#define ARENA_BIG_HEADER ((sizeof(BigHeader) + 63) / 64 * 64)

static size_t big_taken(size_t size)
{
    return arena_round(ARENA_BIG_HEADER + size, 64);
}

static void *big_take(size_t size)
{
    PoolRegion *r;
    size_t taken = big_taken(size);
    char *chunk = pool_take(taken, &r);
    *(BigHeader *)(void *)chunk = (BigHeader){.region = r, .taken = taken};
    return chunk + ARENA_BIG_HEADER;
}

static void big_give(void *p)
{
    char *chunk = (char *)p - ARENA_BIG_HEADER;
    BigHeader h = *(BigHeader *)(void *)chunk;
    pthread_mutex_lock(&arena_pool.lock);
    pool_give(h.region, chunk, h.taken);
    pthread_mutex_unlock(&arena_pool.lock);
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
    if (was_big && big && big_taken(new_size) <= big_taken(old_size))
        return p;
    void *q;
    if (big) {
        q = big_take(new_size);
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
        return big_take(size);  /* pool memory is never handed out twice: zero */
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
        big_give(p);
    else
        free(p);
}

void arena_reserve(Arena *a, size_t size)
{
    if (size > ARENA_PIECE - sizeof(ArenaChunk))
        size = ARENA_PIECE - sizeof(ArenaChunk);    /* a piece: the arena goes on in pieces */
    if ((size_t)(a->end - a->cur) < size)
        arena_new_chunk(a, size);
}

void *arena_alloc_slow(Arena *a, size_t size)
{
    if (size > ARENA_PIECE / 4 && a->head && arena_pooled(a, size)) {
        /* exactly its size, behind the current chunk, which keeps serving allocations (a new
         * piece would leave the rest of the current one unused) */
        ArenaChunk *c = arena_chunk(a, size, true);
        c->next = a->head->next;
        a->head->next = c;
        return c->data;
    }
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
