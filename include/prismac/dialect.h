/* SQL dialects as values (DESIGN.md: "Dialects are values, not #ifdefs").
 *
 * A Dialect holds what differs between PostgreSQL and SQLite: identifier and literal quoting,
 * type names and default values, naming limits, what ALTER TABLE can do (the differ asks), and
 * one function per migration step kind that writes the step's statements (the renderer calls
 * them). Both values are constant: `dialect_postgres`, `dialect_sqlite`.
 *
 * Statements are written into an SqlBuf, each one terminated with sql_stmt_end(), which is how
 * the renderer frames them (`-- CreateTable` comment, `;` and a newline after each statement,
 * as Prisma's script renderer does). */
#ifndef PRISMAC_DIALECT_H
#define PRISMAC_DIALECT_H

#include "prismac/sqlschema.h"

#include <stdarg.h>
#include <stdbool.h>

/* A growable byte buffer (free with sqlbuf_free; sqlbuf_take for a string to free()). */
typedef struct SqlBuf {
    char *ptr;
    size_t len, cap;
} SqlBuf;

void sqlbuf_reserve(SqlBuf *b, size_t extra);
static inline void sqlbuf_put(SqlBuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap)
        sqlbuf_reserve(b, n);
    memcpy(b->ptr + b->len, s, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}
void sqlbuf_puts(SqlBuf *b, const char *s);
/* Names are short: up to 16 bytes are copied with overlapping word moves, not a call. */
static inline void sqlbuf_putstr(SqlBuf *b, Str s)
{
    uint32_t n = s.len;
    if (b->len + n + 1 > b->cap)
        sqlbuf_reserve(b, n);
    char *w = b->ptr + b->len;
    const char *p = s.ptr;
    if (n > 16) {
        memcpy(w, p, n);
    } else if (n >= 8) {
        uint64_t x, y;
        memcpy(&x, p, 8);
        memcpy(&y, p + n - 8, 8);
        memcpy(w, &x, 8);
        memcpy(w + n - 8, &y, 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, p, 4);
        memcpy(&y, p + n - 4, 4);
        memcpy(w, &x, 4);
        memcpy(w + n - 4, &y, 4);
    } else if (n) {
        w[0] = p[0];
        w[n >> 1] = p[n >> 1];
        w[n - 1] = p[n - 1];
    }
    b->len += n;
    b->ptr[b->len] = '\0';
}
void sqlbuf_printf(SqlBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void sqlbuf_putc(SqlBuf *b, char c)
{
    if (b->len + 1 >= b->cap)
        sqlbuf_reserve(b, 1);
    b->ptr[b->len++] = c;
    b->ptr[b->len] = '\0';
}
void sqlbuf_free(SqlBuf *b);
/* The text as a malloc'd string the caller frees; the buffer is left empty. */
char *sqlbuf_take(SqlBuf *b);
/* Appends a string literal (its length known at compile time). */
#define SQLBUF_LIT(b, lit) sqlbuf_put((b), (lit), sizeof(lit) - 1)

typedef struct Migration Migration;
typedef struct MigrateStep MigrateStep;
typedef struct Dialect Dialect;

/* What a step renderer sees: the migration (both schemas) and where to write. */
typedef struct RenderCtx {
    const Migration *migration;
    const SqlSchema *prev, *next;
    const Dialect *dialect;
    SqlBuf *out;
} RenderCtx;

/* Ends the statement being written: ";\n". */
void sql_stmt_end(RenderCtx *ctx);

typedef void (*StepRenderFn)(RenderCtx *ctx, const MigrateStep *step);

struct Dialect {
    SqlFlavour flavour;
    const char *name;                   /* "postgresql", "sqlite" */
    uint32_t max_identifier_length;     /* bytes: 63 on PostgreSQL, 10000 on SQLite (Prisma's limits) */

    /* What the database has. */
    bool has_enums;                 /* CREATE TYPE ... AS ENUM */
    bool has_namespaces;            /* schemas */
    bool has_extensions;
    bool has_native_lists;          /* array columns */
    bool named_primary_keys;        /* CONSTRAINT "T_pkey" PRIMARY KEY */
    bool inline_foreign_keys;       /* foreign keys only inside CREATE TABLE (SQLite) */
    bool m2m_primary_key;           /* a join table's (A, B) is its primary key, else a unique index */

    /* What ALTER can do; the differ plans around what it cannot. */
    bool can_alter_columns;         /* ALTER COLUMN type / nullability / default in place */
    bool can_drop_columns;          /* in place, without rebuilding the table */
    bool can_rename_index;
    bool can_rename_foreign_key;
    bool unnamed_foreign_keys;      /* the differ ignores foreign key names */
    bool compare_type_families;     /* the differ compares type families (SQLite), not type names */

    /* Quoting. An identifier is always quoted, with `"` doubled inside it; a string literal is
     * quoted with `'` doubled (Prisma escapes nothing else: see README). An enum value in
     * CREATE TYPE / ALTER TYPE is a string literal too. */
    void (*quote_ident)(SqlBuf *out, Str name);
    void (*quote_string)(SqlBuf *out, Str value);
    void (*quote_enum_value)(SqlBuf *out, Str value);

    /* Defaults (lower.c): the text of a constant default for a column of this scalar type.
     * `value` is what the schema says after Prisma's parsing: the string (unescaped), the number
     * as written, "true"/"false", a DateTime already in display form, raw bytes for Bytes. */
    void (*write_bytes_literal)(SqlBuf *out, const unsigned char *bytes, size_t n);
    bool json_default_quoted;       /* Json defaults as string literals */
    /* A schema that only receives an extension is created too (else WITH SCHEMA fails). */
    bool create_extension_schemas;
    /* The Prisma-exact variant: Prisma's bytes even where they are not valid SQL (identifiers
     * and enum values not escaped, bare JSON defaults on SQLite, no schema for extensions). */
    bool prisma_exact;

    /* Steps. NULL where the dialect cannot have the step (the differ never plans it). */
    StepRenderFn create_schema, create_extension, drop_extension, alter_extension;
    StepRenderFn create_enum, alter_enum, drop_enum;
    StepRenderFn create_table, drop_table, alter_table, redefine_tables;
    StepRenderFn create_index, drop_index, rename_index, redefine_index;
    StepRenderFn add_foreign_key, drop_foreign_key, rename_foreign_key;
};

extern const Dialect dialect_postgres;
extern const Dialect dialect_sqlite;
extern const Dialect dialect_postgres_exact;
extern const Dialect dialect_sqlite_exact;

const Dialect *dialect_for_flavour(SqlFlavour flavour);
/* `exact`: the Prisma-exact variant (README: deliberate differences). */
const Dialect *dialect_get(SqlFlavour flavour, bool exact);

/* Shared writers (dialect_common in render.c). */
/* A table's name, qualified with its schema when not in the default one (PostgreSQL). */
void sql_write_table_name(const RenderCtx *ctx, const SqlSchema *schema, const SqlTable *table);
/* An enum's name, qualified likewise. */
void sql_write_enum_name(const Dialect *d, SqlBuf *out, const SqlSchema *schema, uint32_t enum_id, Str fallback);
void sql_write_column_list(const Dialect *d, SqlBuf *out, const SqlTable *table, const uint32_t *columns, uint32_t n,
                           const char *sep);
const char *sql_action_sql(SqlAction action);

/* Name truncation as Prisma's constraint_names.rs does: cut `name` so that it, plus `suffix_len`
 * bytes, fits `limit` bytes, at a UTF-8 character boundary. Returns the kept length. */
uint32_t sql_name_cut(Str name, uint32_t limit, uint32_t suffix_len);

#endif
