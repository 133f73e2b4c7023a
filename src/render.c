/* Rendering: steps -> SQL script through the dialect, framed as Prisma frames migration scripts
 * (apply_migration.rs render_script), and the writers the dialects share. */
#include "prismac/migrate.h"

#include <pthread.h>
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

void sql_stmt_end(RenderCtx *ctx)
{
    sqlbuf_put(ctx->out, ";\n", 2);
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
    const Dialect *d = ctx->dialect;
    if (d->has_namespaces && !sql_namespace_is_default(schema, table->namespace)) {
        d->quote_ident(ctx->out, schema->namespaces[table->namespace].name);
        sqlbuf_putc(ctx->out, '.');
    }
    d->quote_ident(ctx->out, table->name);
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
        d->quote_ident(out, columns[i] < table->ncolumns ? table->columns[columns[i]].name : (Str){"?", 1});
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
    /* "-- CreateTable\n", made again only when the kind changes (steps come sorted by kind) */
    char header[32];
    size_t header_len = 0;
    int last_kind = -1;
    for (uint32_t i = from; i < to; i++) {
        const MigrateStep *step = &migration->steps[i];
        StepRenderFn fn = step_renderer(migration->dialect, step->kind);
        if (!fn)
            continue;
        size_t mark = out->len;
        if (!first)
            sqlbuf_putc(out, '\n');
        if ((int)step->kind != last_kind) {
            last_kind = (int)step->kind;
            const char *name = migrate_step_name(step->kind);
            header_len = 0;
            header[header_len++] = '-';
            header[header_len++] = '-';
            header[header_len++] = ' ';
            for (; *name && header_len < sizeof header - 1; name++)
                header[header_len++] = *name;
            header[header_len++] = '\n';
        }
        sqlbuf_put(out, header, header_len);
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

/* A script of many steps (a large schema from nothing) is rendered in two parts at once, the
 * second on a thread of its own, and the parts joined: each step writes its own statements from
 * the two schemas, which nothing changes meanwhile. Not when a step renders scratch names into
 * the migration's arena (rewritten enums, SQLite table rebuilds): those are rendered in order. */
#define RENDER_SPLIT_FROM 4096

typedef struct RenderPart {
    const Migration *migration;
    uint32_t from, to;
    SqlBuf *out;
    bool any;
} RenderPart;

static void *render_part(void *arg)
{
    RenderPart *part = arg;
    /* as if something came before: its first step starts with the separating newline */
    part->any = render_steps(part->migration, part->from, part->to, false, part->out);
    return NULL;
}

static bool render_can_split(const Migration *migration)
{
    if (migration->nsteps < RENDER_SPLIT_FROM)
        return false;
    for (uint32_t i = 0; i < migration->nsteps; i++)
        if (migration->steps[i].kind == STEP_ALTER_ENUM || migration->steps[i].kind == STEP_REDEFINE_TABLES)
            return false;
    return true;
}

/* The second part goes to `rest` (empty before), written by a thread of its own. */
static void render_split(const Migration *migration, size_t total, SqlBuf *out, SqlBuf *rest)
{
    /* the second part: the steps after half the weight */
    size_t half = 0;
    uint32_t mid = 0;
    while (mid < migration->nsteps && half < total / 2)
        half += render_weight(migration, &migration->steps[mid++]);
    RenderPart part = {.migration = migration, .from = mid, .to = migration->nsteps, .out = rest};
    sqlbuf_reserve(rest, total - half);
    pthread_t thread;
    bool started = pthread_create(&thread, NULL, render_part, &part) == 0;
    bool any = render_steps(migration, 0, mid, true, out);
    if (started)
        pthread_join(thread, NULL);
    else
        render_part(&part);
    if (part.any && !any) {
        /* nothing before it after all: no separator (never so from nothing) */
        memmove(rest->ptr, rest->ptr + 1, rest->len);
        rest->len--;
    }
}

void migrate_render_script_parts(const Migration *migration, const RenderOptions *options, SqlBuf *out,
                                 SqlBuf *rest)
{
    if (migration->nsteps == 0) {
        sqlbuf_puts(out, "-- This is an empty migration.\n");
        return;
    }
    if (options && options->warnings) {
        bool any = false;
        for (uint32_t i = 0; i < migration->nsteps; i++)
            if (migration->steps[i].warning) {
                if (!any)
                    sqlbuf_puts(out, "/*\n  Warnings:\n\n");
                any = true;
                sqlbuf_puts(out, "  - ");
                sqlbuf_puts(out, migration->steps[i].warning);
                sqlbuf_putc(out, '\n');
            }
        if (any)
            sqlbuf_puts(out, "\n*/\n");
    }
    /* a generous guess of the size, so the buffer is not copied as it grows */
    size_t guess = 0;
    for (uint32_t i = 0; i < migration->nsteps; i++)
        guess += render_weight(migration, &migration->steps[i]);
    sqlbuf_reserve(out, guess);
    if (render_can_split(migration))
        render_split(migration, guess, out, rest);
    else
        render_steps(migration, 0, migration->nsteps, true, out);
}

void migrate_render_script(const Migration *migration, const RenderOptions *options, SqlBuf *out)
{
    SqlBuf rest = {0};
    migrate_render_script_parts(migration, options, out, &rest);
    if (rest.len)
        sqlbuf_put(out, rest.ptr, rest.len);
    sqlbuf_free(&rest);
}
