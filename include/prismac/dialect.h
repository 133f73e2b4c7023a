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
/* ---- writing into room reserved once ----
 * The statements most of a large script is made of (column lines, indexes, foreign keys) take
 * room for a piece once (sqlbuf_room) and write its parts with the sql_put_* writers, which
 * check nothing (each returns where the next part goes), then close it (sqlbuf_commit). */

/* Room for n more bytes (and the NUL after them): where they go. */
static inline char *sqlbuf_room(SqlBuf *b, size_t n)
{
    if (b->len + n + 1 > b->cap)
        sqlbuf_reserve(b, n);
    return b->ptr + b->len;
}

/* What was written up to w is the buffer's. */
static inline void sqlbuf_commit(SqlBuf *b, char *w)
{
    *w = '\0';
    b->len = (size_t)(w - b->ptr);
}

/* ---- writing through a cursor ----
 * A statement of many parts (CREATE TABLE and its column lines) keeps where it writes (w) and
 * where its room ends (end: the buffer's last byte, kept for the NUL) in locals, and commits
 * once at its end: sqlbuf_cursor starts it, sqlbuf_ensure makes sure of room for the next part
 * (sqlbuf_grow_at, out of line, commits, grows the buffer and moves the cursor when not). */
static inline char *sqlbuf_cursor(SqlBuf *b, size_t n, char **end)
{
    char *w = sqlbuf_room(b, n);
    *end = b->ptr + b->cap - 1;
    return w;
}
char *sqlbuf_grow_at(SqlBuf *b, char *w, size_t n, char **end);
static inline char *sqlbuf_ensure(SqlBuf *b, char *w, size_t n, char **end)
{
    return __builtin_expect((size_t)(*end - w) >= n, 1) ? w : sqlbuf_grow_at(b, w, n, end);
}

static inline char *sql_put_bytes(char *w, const char *s, size_t n)
{
    memcpy(w, s, n);
    return w + n;
}
#define SQL_PUT_LIT(w, lit) sql_put_bytes((w), (lit), sizeof(lit) - 1)

/* Where x holds the byte whose every copy `pat` holds, high bits (a byte of x ^ pat is zero
 * exactly where it is): the high bits of sql_word_marks(x, pat) & SQL_WORD_HIGHS are set when
 * and only when it does, so the marks of several words may be or'ed and tested once. */
#define SQL_WORD_HIGHS 0x8080808080808080ull
static inline uint64_t sql_word_marks(uint64_t x, uint64_t pat)
{
    x ^= pat;
    return (x - 0x0101010101010101ull) & ~x;
}

/* s from w on, eight bytes at a time (the last few with overlapping moves, never reading past
 * the source): sql_put_str without a call for a longer string. */
static inline char *sql_put_words(char *w, Str s)
{
    const char *p = s.ptr;
    uint32_t n = s.len;
    if (n > 16) {
        uint32_t i = 0;
        for (; i + 8 <= n; i += 8) {
            uint64_t x;
            memcpy(&x, p + i, 8);
            memcpy(w + i, &x, 8);
        }
        if (i < n) {
            uint64_t x;
            memcpy(&x, p + n - 8, 8);
            memcpy(w + n - 8, &x, 8);
        }
    } else if (n >= 8) {
        uint64_t x, y;
        memcpy(&x, p, 8);
        memcpy(&y, p + n - 8, 8);
        memcpy(w, &x, 8);
        memcpy(w + n - 8, &y, 8);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4);
        memcpy(w, &a, 4);
        memcpy(w + n - 4, &b, 4);
    } else if (n) {
        w[0] = p[0];
        w[n >> 1] = p[n >> 1];
        w[n - 1] = p[n - 1];
    }
    return w + n;
}

/* Names are short: up to 16 bytes are copied with overlapping word moves, not a call. */
static inline char *sql_put_str(char *w, Str s)
{
    if (s.len > 16) {
        memcpy(w, s.ptr, s.len);
        return w + s.len;
    }
    return sql_put_words(w, s);
}

/* s again from w on, byte by byte, with q doubled (the rare path of sql_put_quoted). */
char *sql_put_escaped(char *w, Str s, char q);

/* q + s + q, with q doubled inside unless `raw` (Prisma-exact identifiers, or names known to
 * hold no q: SqlSchema.plain_names); room for 2 * s.len + 2 bytes. One pass: the bytes are
 * copied eight at a time (the last few with overlapping loads, never reading past the source)
 * and, unless raw, checked for q as they go; a string that holds q (seldom) is written again
 * byte by byte. */
__attribute__((always_inline)) static inline char *sql_put_quoted(char *w, Str s, char q, bool raw)
{
    *w++ = q;
    if (raw) {
        w = sql_put_words(w, s);
        *w++ = q;
        return w;
    }
    const char *p = s.ptr;
    uint32_t n = s.len;
    const uint64_t pat = 0x0101010101010101ull * (unsigned char)q;
    bool found = false;
    if (n >= 8) {
        uint32_t i = 0;
        uint64_t marks = 0;
        for (; i + 8 <= n; i += 8) {
            uint64_t x;
            memcpy(&x, p + i, 8);
            memcpy(w + i, &x, 8);
            marks |= sql_word_marks(x, pat);
        }
        if (i < n) {
            uint64_t x;
            memcpy(&x, p + n - 8, 8);
            memcpy(w + n - 8, &x, 8);
            marks |= sql_word_marks(x, pat);
        }
        found = (marks & SQL_WORD_HIGHS) != 0;
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4);
        memcpy(w, &a, 4);
        memcpy(w + n - 4, &b, 4);
        found = (sql_word_marks((uint64_t)a | (uint64_t)b << 32, pat) & SQL_WORD_HIGHS) != 0;
    } else if (n) {
        w[0] = p[0];
        w[n >> 1] = p[n >> 1];
        w[n - 1] = p[n - 1];
        found = p[0] == q || p[n >> 1] == q || p[n - 1] == q;
    }
    w = __builtin_expect(found, 0) ? sql_put_escaped(w, s, q) : w + n;
    *w++ = q;
    return w;
}

static inline void sqlbuf_putstr(SqlBuf *b, Str s)
{
    sqlbuf_commit(b, sql_put_str(sqlbuf_room(b, s.len), s));
}

/* Whether a column's default is written in its DDL: not a sequence's (SERIAL says it), nor a
 * value or expression without text. */
static inline bool sql_default_renders(const SqlDefault *def)
{
    switch (def->kind) {
    case SQLDEF_NOW:
        return true;
    case SQLDEF_VALUE:
    case SQLDEF_EXPRESSION:
        return def->sql.len > 0;
    case SQLDEF_NONE:
    case SQLDEF_SEQUENCE:
        break;
    }
    return false;
}

/* A default's SQL: its text, or CURRENT_TIMESTAMP for now() written without one. */
static inline Str sql_default_text(const SqlDefault *def)
{
    return def->kind == SQLDEF_NOW && def->sql.len == 0 ? STR_LIT("CURRENT_TIMESTAMP") : def->sql;
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
static inline void sql_stmt_end(RenderCtx *ctx)
{
    sqlbuf_put(ctx->out, ";\n", 2);
}

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

/* An identifier as the dialect's quote_ident writes it (escaped, or raw when Prisma-exact), into
 * room for 2 * name.len + 2 bytes. Inline everywhere: a call cost a third of the writing (the
 * renderer writes a few hundred thousand identifiers for a large schema). */
__attribute__((always_inline)) static inline char *sql_put_ident(char *w, const Dialect *d, Str name)
{
    return sql_put_quoted(w, name, '"', d->prisma_exact);
}

/* Whether the names of `schema` are copied between quotes as they are (sql_put_quoted's `raw`):
 * Prisma-exact, or no name of the schema holds a quote. A writer of many names asks once. */
static inline bool sql_names_raw(const Dialect *d, const SqlSchema *schema)
{
    return d->prisma_exact || schema->plain_names;
}

/* A table's, column's, index's or foreign key's name in `schema`, as sql_put_ident writes it:
 * copied without looking for a quote when the schema says none holds one. */
__attribute__((always_inline)) static inline char *sql_put_name(char *w, const Dialect *d, const SqlSchema *schema,
                                                                Str name)
{
    return sql_put_quoted(w, name, '"', sql_names_raw(d, schema));
}

/* The schema a table's name is qualified with (PostgreSQL, outside the default one), or NULL. */
static inline const Str *sql_table_qualifier(const Dialect *d, const SqlSchema *schema, const SqlTable *table)
{
    if (!d->has_namespaces || sql_namespace_is_default(schema, table->namespace))
        return NULL;
    return &schema->namespaces[table->namespace].name;
}

/* Room for a table's name as sql_put_table_name writes it. */
static inline size_t sql_table_name_room(const SqlSchema *schema, const SqlTable *table)
{
    size_t ns = table->namespace < schema->nnamespaces ? schema->namespaces[table->namespace].name.len : 0;
    return 2 * (ns + table->name.len) + 5;
}

/* A table's name, qualified with its schema when not in the default one, into room for
 * sql_table_name_room bytes. */
__attribute__((always_inline)) static inline char *sql_put_table_name(char *w, const Dialect *d, const SqlSchema *schema,
                                                                       const SqlTable *table)
{
    const Str *ns = sql_table_qualifier(d, schema, table);
    if (ns) {
        w = sql_put_ident(w, d, *ns);
        *w++ = '.';
    }
    return sql_put_name(w, d, schema, table->name);
}

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

/* The action as SQL spells it ("CASCADE", "SET NULL", ...; sql_action_name's words), with its
 * length: at most SQL_ACTION_ROOM bytes. */
#define SQL_ACTION_ROOM 11
static inline Str sql_action_str(SqlAction action)
{
    switch (action) {
    case SQLACT_RESTRICT: return STR_LIT("RESTRICT");
    case SQLACT_CASCADE: return STR_LIT("CASCADE");
    case SQLACT_SET_NULL: return STR_LIT("SET NULL");
    case SQLACT_SET_DEFAULT: return STR_LIT("SET DEFAULT");
    case SQLACT_NO_ACTION: break;
    }
    return STR_LIT("NO ACTION");
}

/* The name of a table's column `column`, "?" when it has no such column. */
static inline Str sql_column_name(const SqlTable *table, uint32_t column)
{
    return column < table->ncolumns ? table->columns[column].name : (Str){"?", 1};
}

/* Room for sql_put_column_list of these columns. */
static inline size_t sql_column_list_room(const SqlTable *table, const uint32_t *columns, uint32_t n)
{
    size_t room = 0;
    for (uint32_t i = 0; i < n; i++)
        room += 2 * (size_t)sql_column_name(table, columns[i]).len + 4;
    return room;
}

/* The columns' quoted names joined by ", " (sql_write_column_list's words), into room for
 * sql_column_list_room bytes. */
static inline char *sql_put_column_list(char *w, const Dialect *d, const SqlSchema *schema, const SqlTable *table,
                                        const uint32_t *columns, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            w = SQL_PUT_LIT(w, ", ");
        w = sql_put_name(w, d, schema, sql_column_name(table, columns[i]));
    }
    return w;
}

/* Name truncation as Prisma's constraint_names.rs does: cut `name` so that it, plus `suffix_len`
 * bytes, fits `limit` bytes, at a UTF-8 character boundary. Returns the kept length. */
uint32_t sql_name_cut(Str name, uint32_t limit, uint32_t suffix_len);

#endif
