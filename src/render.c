/* Rendering: steps -> SQL script through the dialect, framed as Prisma frames migration scripts
 * (apply_migration.rs render_script), and the writers the dialects share. */
#include "prismac/migrate.h"
#include "prismac/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- SqlBuf -------------------------------------------------------------------------------- */

void sqlbuf_reserve(SqlBuf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    /* a script of megabytes (a large schema's) goes on huge pages */
    b->ptr = arena_big_realloc(b->ptr, b->cap, cap);
    b->cap = cap;
}

char *sqlbuf_grow_at(SqlBuf *b, char *w, size_t n, char **end)
{
    sqlbuf_commit(b, w);
    return sqlbuf_cursor(b, n, end);
}

char *sqlbuf_take(SqlBuf *b)
{
    char *s = b->ptr;
    if (b->cap >= ARENA_BIG_FROM) {     /* not malloc'd: copied into memory that is */
        s = malloc(b->len + 1);
        if (!s) {
            fprintf(stderr, "prismac: out of memory\n");
            exit(2);
        }
        memcpy(s, b->ptr, b->len + 1);
        arena_big_free(b->ptr, b->cap);
    }
    b->ptr = NULL;
    b->len = b->cap = 0;
    return s;
}

void sqlbuf_puts(SqlBuf *b, const char *s)
{
    sqlbuf_put(b, s, strlen(s));
}

void sqlbuf_printf(SqlBuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        sqlbuf_put(b, small, (size_t)n);
        return;
    }
    sqlbuf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sqlbuf_free(SqlBuf *b)
{
    arena_big_free(b->ptr, b->cap);
    b->ptr = NULL;
    b->len = b->cap = 0;
}

char *sql_put_escaped(char *w, Str s, char q)
{
    for (uint32_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        *w++ = c;
        if (c == q)
            *w++ = q;
    }
    return w;
}

/* ---- shared writers ------------------------------------------------------------------------ */

const Dialect *dialect_for_flavour(SqlFlavour flavour)
{
    return flavour == SQL_POSTGRES ? &dialect_postgres : &dialect_sqlite;
}

const Dialect *dialect_get(SqlFlavour flavour, bool exact)
{
    if (flavour == SQL_POSTGRES)
        return exact ? &dialect_postgres_exact : &dialect_postgres;
    return exact ? &dialect_sqlite_exact : &dialect_sqlite;
}

void sql_write_table_name(const RenderCtx *ctx, const SqlSchema *schema, const SqlTable *table)
{
    char *w = sqlbuf_room(ctx->out, sql_table_name_room(schema, table));
    sqlbuf_commit(ctx->out, sql_put_table_name(w, ctx->dialect, schema, table));
}

void sql_write_enum_name(const Dialect *d, SqlBuf *out, const SqlSchema *schema, uint32_t enum_id, Str fallback)
{
    if (enum_id == SQL_NONE || enum_id >= schema->nenums) {
        d->quote_ident(out, fallback);
        return;
    }
    const SqlEnum *e = &schema->enums[enum_id];
    if (d->has_namespaces && !sql_namespace_is_default(schema, e->namespace)) {
        d->quote_ident(out, schema->namespaces[e->namespace].name);
        sqlbuf_putc(out, '.');
    }
    d->quote_ident(out, e->name);
}

void sql_write_column_list(const Dialect *d, SqlBuf *out, const SqlTable *table, const uint32_t *columns, uint32_t n,
                           const char *sep)
{
    size_t seplen = n > 1 ? strlen(sep) : 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            sqlbuf_put(out, sep, seplen);
        Str name = columns[i] < table->ncolumns ? table->columns[columns[i]].name : (Str){"?", 1};
        sqlbuf_commit(out, sql_put_ident(sqlbuf_room(out, 2 * (size_t)name.len + 2), d, name));
    }
}

const char *sql_action_sql(SqlAction action)
{
    return sql_action_name(action);
}

uint32_t sql_name_cut(Str name, uint32_t limit, uint32_t suffix_len)
{
    if (limit <= suffix_len)
        return 0;
    uint32_t max = limit - suffix_len;
    if (name.len < max)
        return name.len;
    uint32_t cut = max;
    /* back to the start of a UTF-8 character */
    while (cut > 0 && ((unsigned char)name.ptr[cut] & 0xC0) == 0x80)
        cut--;
    return cut;
}

/* ---- the script ---------------------------------------------------------------------------- */

const char *migrate_step_name(MigrateStepKind kind)
{
    switch (kind) {
    case STEP_CREATE_SCHEMA: return "CreateSchema";
    case STEP_DROP_EXTENSION: return "DropExtension";
    case STEP_CREATE_EXTENSION: return "CreateExtension";
    case STEP_ALTER_EXTENSION: return "AlterExtension";
    case STEP_CREATE_ENUM: return "CreateEnum";
    case STEP_ALTER_ENUM: return "AlterEnum";
    case STEP_DROP_FOREIGN_KEY: return "DropForeignKey";
    case STEP_DROP_INDEX: return "DropIndex";
    case STEP_ALTER_TABLE: return "AlterTable";
    case STEP_DROP_TABLE: return "DropTable";
    case STEP_DROP_ENUM: return "DropEnum";
    case STEP_CREATE_TABLE: return "CreateTable";
    case STEP_REDEFINE_TABLES: return "RedefineTables";
    case STEP_CREATE_INDEX: return "CreateIndex";
    case STEP_RENAME_FOREIGN_KEY: return "RenameForeignKey";
    case STEP_ADD_FOREIGN_KEY: return "AddForeignKey";
    case STEP_RENAME_INDEX: return "RenameIndex";
    case STEP_REDEFINE_INDEX: return "RedefineIndex";
    }
    return "Step";
}

static StepRenderFn step_renderer(const Dialect *d, MigrateStepKind kind)
{
    switch (kind) {
    case STEP_CREATE_SCHEMA: return d->create_schema;
    case STEP_DROP_EXTENSION: return d->drop_extension;
    case STEP_CREATE_EXTENSION: return d->create_extension;
    case STEP_ALTER_EXTENSION: return d->alter_extension;
    case STEP_CREATE_ENUM: return d->create_enum;
    case STEP_ALTER_ENUM: return d->alter_enum;
    case STEP_DROP_FOREIGN_KEY: return d->drop_foreign_key;
    case STEP_DROP_INDEX: return d->drop_index;
    case STEP_ALTER_TABLE: return d->alter_table;
    case STEP_DROP_TABLE: return d->drop_table;
    case STEP_DROP_ENUM: return d->drop_enum;
    case STEP_CREATE_TABLE: return d->create_table;
    case STEP_REDEFINE_TABLES: return d->redefine_tables;
    case STEP_CREATE_INDEX: return d->create_index;
    case STEP_RENAME_FOREIGN_KEY: return d->rename_foreign_key;
    case STEP_ADD_FOREIGN_KEY: return d->add_foreign_key;
    case STEP_RENAME_INDEX: return d->rename_index;
    case STEP_REDEFINE_INDEX: return d->redefine_index;
    }
    return NULL;
}

bool migrate_is_destructive(const Migration *migration)
{
    for (uint32_t i = 0; i < migration->nsteps; i++)
        if (migration->steps[i].destructive)
            return true;
    return false;
}

/* Renders steps [from, to) after what `out` holds; true when any of them wrote something (a
 * step that renders nothing leaves no comment either). `first`: nothing was written before. */
static bool render_steps(const Migration *migration, uint32_t from, uint32_t to, bool first, SqlBuf *out)
{
    RenderCtx ctx = {migration, migration->prev, migration->next, migration->dialect, out};
    bool any = false;
    /* "\n-- CreateTable\n" (the newline separates it from the step before), made again only
     * when the kind changes (steps come sorted by kind), written with one copy */
    char header[40];
    size_t header_len = 0;
    int last_kind = -1;
    for (uint32_t i = from; i < to; i++) {
        const MigrateStep *step = &migration->steps[i];
        StepRenderFn fn = step_renderer(migration->dialect, step->kind);
        if (!fn)
            continue;
        size_t mark = out->len;
        if ((int)step->kind != last_kind) {
            last_kind = (int)step->kind;
            const char *name = migrate_step_name(step->kind);
            header_len = 0;
            header[header_len++] = '\n';
            header[header_len++] = '-';
            header[header_len++] = '-';
            header[header_len++] = ' ';
            for (; *name && header_len < sizeof header - 1; name++)
                header[header_len++] = *name;
            header[header_len++] = '\n';
        }
        Str head = first ? (Str){header + 1, (uint32_t)header_len - 1} : (Str){header, (uint32_t)header_len};
        sqlbuf_commit(out, sql_put_str(sqlbuf_room(out, head.len), head));
        size_t body = out->len;
        fn(&ctx, step);
        if (out->len == body) {
            out->len = mark;
            out->ptr[mark] = '\0';
            continue;
        }
        first = false;
        any = true;
    }
    return any;
}

/* About how many bytes a step renders (and so how long it takes): a table's columns make most
 * of a script; an index or a foreign key statement names its table and columns, twice for a
 * foreign key. */
static size_t render_weight(const Migration *migration, const MigrateStep *step)
{
    switch (step->kind) {
    case STEP_CREATE_TABLE:
        if (step->next_table < migration->next->ntables)
            return 64 + 48 * (size_t)migration->next->tables[step->next_table].ncolumns;
        return 64;
    case STEP_CREATE_INDEX:
        return 128;
    case STEP_ADD_FOREIGN_KEY:
        return 224;
    default:
        return 64;
    }
}

/* The script is handed over in pieces of steps weighing about this much (bytes of SQL): small
 * enough that the buffer a piece is rendered in stays in the cache and serves the next one, so
 * that a large script (megabytes from a large schema) never needs fresh memory of its size. */
#define RENDER_PIECE_WEIGHT ((size_t)64 * 1024)

/* A script of this many steps is rendered on two threads, each taking the next piece as it is
 * done with one (however the cores are shared, they end together): each step writes its own statements from the two schemas, which nothing changes meanwhile.
 * Not when a step renders scratch names into the migration's arena (rewritten enums, SQLite
 * table rebuilds): those are rendered in order on one. */
#define RENDER_SPLIT_FROM 4096

typedef struct Pieces {
    const Migration *migration;
    ScriptSink sink;
    void *sink_ctx;
    uint32_t *bounds;           /* piece p: the steps [bounds[p], bounds[p + 1]) */
    uint32_t npieces;
    atomic_uint next;           /* the next piece to take */
    atomic_uint turn;           /* the next piece to hand over */
    atomic_bool failed;         /* the sink stopped the script */
    bool any;                   /* a step rendered something before it (the turn's holder's) */
    /* where a thread whose turn is slow to come sleeps */
    atomic_uint sleepers;
    pthread_mutex_t lock;
    pthread_cond_t turn_changed;
} Pieces;

/* How many times a thread looks for its turn (about 60-100 microseconds of pause instructions)
 * before it sleeps. The other thread is then writing the piece before, which takes a few
 * microseconds: a sleep and a wake-up cost tens of microseconds each on a virtual machine (the
 * wake-up is an interrupt to the other CPU, an exit to the host). On 5,000 models this took
 * `prismac sql` from about 100 context switches to about 25. */
#define RENDER_SPIN 2048

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static void wait_turn(Pieces *ps, uint32_t p)
{
    for (uint32_t i = 0; i < RENDER_SPIN; i++) {
        if (atomic_load_explicit(&ps->turn, memory_order_acquire) == p || atomic_load(&ps->failed))
            return;
        cpu_relax();
    }
    pthread_mutex_lock(&ps->lock);
    atomic_fetch_add(&ps->sleepers, 1);
    /* sequentially consistent with pass_turn: either it sees the sleeper, or this sees its turn */
    while (atomic_load(&ps->turn) != p && !atomic_load(&ps->failed))
        pthread_cond_wait(&ps->turn_changed, &ps->lock);
    atomic_fetch_sub(&ps->sleepers, 1);
    pthread_mutex_unlock(&ps->lock);
}

static void pass_turn(Pieces *ps, uint32_t next)
{
    atomic_store(&ps->turn, next);
    if (atomic_load(&ps->sleepers)) {
        pthread_mutex_lock(&ps->lock);
        pthread_cond_broadcast(&ps->turn_changed);
        pthread_mutex_unlock(&ps->lock);
    }
}

/* Takes the next piece until none is left, renders it into one reused buffer and hands it over
 * in its turn: the sink sees the pieces in order, from one thread at a time. */
static void *render_pieces(void *arg)
{
    Pieces *ps = arg;
    SqlBuf buf = {0};
    for (;;) {
        uint32_t p = atomic_fetch_add(&ps->next, 1);
        if (p >= ps->npieces || atomic_load(&ps->failed))
            break;
        buf.len = 0;
        /* as if something came before: its first step starts with the separating newline */
        bool wrote = render_steps(ps->migration, ps->bounds[p], ps->bounds[p + 1], false, &buf);
        wait_turn(ps, p);
        if (!atomic_load(&ps->failed) && wrote) {
            /* nothing before it after all: no separator */
            size_t skip = ps->any ? 0 : 1;
            ps->any = true;
            if (!ps->sink(ps->sink_ctx, buf.ptr + skip, buf.len - skip))
                atomic_store(&ps->failed, true);
        }
        pass_turn(ps, p + 1);
    }
    sqlbuf_free(&buf);
    return NULL;
}

/* The steps in pieces of about RENDER_PIECE_WEIGHT, in order, to the sink. */
static bool render_steps_to(const Migration *migration, ScriptSink sink, void *ctx)
{
    Pieces ps = {.migration = migration, .sink = sink, .sink_ctx = ctx};
    ps.bounds = malloc(((size_t)migration->nsteps + 1) * sizeof *ps.bounds);
    if (!ps.bounds) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    size_t weight = 0;
    /* on two threads unless a step renders scratch names into the migration's arena */
    bool split = migration->nsteps >= RENDER_SPLIT_FROM;
    for (uint32_t i = 0; i < migration->nsteps; i++) {
        const MigrateStep *step = &migration->steps[i];
        if (i == 0 || weight >= RENDER_PIECE_WEIGHT) {
            ps.bounds[ps.npieces++] = i;
            weight = 0;
        }
        weight += render_weight(migration, step);
        if (step->kind == STEP_ALTER_ENUM || step->kind == STEP_REDEFINE_TABLES)
            split = false;
    }
    ps.bounds[ps.npieces] = migration->nsteps;
    pthread_mutex_init(&ps.lock, NULL);
    pthread_cond_init(&ps.turn_changed, NULL);
    pthread_t thread;
    bool started = ps.npieces > 1 && split &&
                   parallel_thread_create(&thread, NULL, render_pieces, &ps, 0) == 0;
    render_pieces(&ps);
    if (started)
        pthread_join(thread, NULL);
    pthread_cond_destroy(&ps.turn_changed);
    pthread_mutex_destroy(&ps.lock);
    free(ps.bounds);
    return !atomic_load(&ps.failed);
}

bool migrate_render_script_to(const Migration *migration, const RenderOptions *options, ScriptSink sink, void *ctx)
{
    if (migration->nsteps == 0) {
        static const char empty[] = "-- This is an empty migration.\n";
        return sink(ctx, empty, sizeof empty - 1);
    }
    if (options && options->warnings) {
        SqlBuf head = {0};
        for (uint32_t i = 0; i < migration->nsteps; i++)
            if (migration->steps[i].warning) {
                if (!head.len)
                    sqlbuf_puts(&head, "/*\n  Warnings:\n\n");
                sqlbuf_puts(&head, "  - ");
                sqlbuf_puts(&head, migration->steps[i].warning);
                sqlbuf_putc(&head, '\n');
            }
        if (head.len)
            sqlbuf_puts(&head, "\n*/\n");
        bool ok = !head.len || sink(ctx, head.ptr, head.len);
        sqlbuf_free(&head);
        if (!ok)
            return false;
    }
    return render_steps_to(migration, sink, ctx);
}

static bool append_to_buf(void *ctx, const char *bytes, size_t len)
{
    sqlbuf_put(ctx, bytes, len);
    return true;
}

void migrate_render_script(const Migration *migration, const RenderOptions *options, SqlBuf *out)
{
    /* a generous guess of the size, so the buffer is not copied as it grows */
    size_t guess = 0;
    for (uint32_t i = 0; i < migration->nsteps; i++)
        guess += render_weight(migration, &migration->steps[i]);
    sqlbuf_reserve(out, guess);
    migrate_render_script_to(migration, options, append_to_buf, out);
}
