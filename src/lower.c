/* Lowering: Db -> SqlSchema, with Prisma's conventions (sql_schema_calculator.rs and psl's
 * constraint_names.rs). See lower.h and the spellings in sqlschema.h. */
#include "prismac/lower.h"
#include "prismac/parallel.h"
#include "prismac/dialect.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/* Strings lowering builds (type names, default values), each kept once in the schema's arena:
 * a large schema repeats a few of them thousands of times. A string of up to 16 bytes is known
 * by its length and two (overlapping) words; a longer one by its hash and its bytes. */
typedef struct InternSlot {
    Str s;
    uint64_t head, tail;
} InternSlot;

/* What lowering made of an input it sees again and again (a native type with its arguments, a
 * default value for a column of some type): found by (a, b, c, key), the key's bytes the Db's. */
typedef struct MemoSlot {
    uint64_t a, b, c;
    uint64_t head, tail;    /* the key's words (intern_key): compared instead of its bytes */
    Str key;
    Str value;          /* ptr NULL: a free slot */
} MemoSlot;

typedef struct Lower {
    const Db *db;
    SqlSchema *s;
    Arena *arena;               /* the schema's arena */
    /* While two threads fill tables, each allocates from blocks of the schema's arena it takes
     * under this lock (NULL: straight from the arena): one arena, whose last huge page is the
     * only one partly used, where an arena per thread left one partly used page each. */
    pthread_mutex_t *lock;
    char *cur, *end;            /* this thread's block */
    const Dialect *d;
    bool borrow;                /* names point into the Db and its sources instead of copies */
    InternSlot *intern;         /* open addressing, a power of two slots (malloc'd) */
    uint32_t intern_cap, intern_count;
    MemoSlot *memo;             /* likewise */
    uint32_t memo_cap, memo_count;
    uint32_t *table_of_model;   /* model -> table, SQL_NONE for views */
    /* The model being filled: its fields [model_first, model_first + model_nfields) and the
     * column each made in its table (SQL_NONE if none), by field - model_first; scratch of this
     * thread's, reused model after model (grown as needed). Read it with column_of(). */
    uint32_t *colmap;
    uint32_t colmap_cap, model_first, model_nfields;
    uint32_t *enum_map;         /* db enum -> sql enum (PostgreSQL) */
    uint32_t *fks_of_model;     /* foreign keys each model's table will hold */
    /* The relations whose foreign keys are lowered, in Prisma's order (fk_order_make); those of
     * model m are [fk_first[m], fk_first[m + 1]). */
    struct RelOrder *fk_order;
    uint32_t *fk_first;
    SqlBuf buf, tbuf, obuf;     /* scratch */
    /* scratch for one index's column names (grown as needed) */
    Str *xnames;
    uint32_t xcap;
    /* a table, column, index or foreign key name of this thread's holds a double quote (the
     * schema's names are then not plain_names) */
    bool quoted;
} Lower;

static uint32_t field_column(const Lower *lw, uint32_t field);

/* The column a field made in its table, or SQL_NONE: a field of the model being filled from
 * the map made as its columns were, any other from the Db (field_column). */
static inline uint32_t column_of(const Lower *lw, uint32_t field)
{
    uint32_t k = field - lw->model_first;
    return k < lw->model_nfields ? lw->colmap[k] : field_column(lw, field);
}

SqlFlavour lower_flavour_for(DbProvider provider)
{
    return provider == PROVIDER_POSTGRESQL ? SQL_POSTGRES : SQL_SQLITE;
}

static SqlOrigin span_origin(Span s)
{
    return s;
}

static Str buf_str(Lower *lw)
{
    return (Str){lw->buf.ptr ? lw->buf.ptr : "", (uint32_t)lw->buf.len};
}

static void buf_reset(Lower *lw)
{
    lw->buf.len = 0;
    if (lw->buf.ptr)
        lw->buf.ptr[0] = '\0';
}

/* A filling thread's block of the schema's arena: four to the arena's quarter-megabyte piece
 * (whose header takes a few bytes of it). At 64 KiB, three fitted and the rest of each piece
 * (a quarter of it, in huge pages faulted in whole) was left unused. */
#define LOWER_BLOCK ((size_t)64 * 1024 - 64)

static void lw_refill(Lower *lw, size_t size)
{
    size_t block = size > LOWER_BLOCK ? size : LOWER_BLOCK;
    pthread_mutex_lock(lw->lock);
    lw->cur = arena_alloc(lw->arena, block);
    pthread_mutex_unlock(lw->lock);
    lw->end = lw->cur + block;
}

/* Zeroed memory in the schema's arena, aligned to 8 bytes, as arena_alloc gives it. */
static inline void *lw_alloc(Lower *lw, size_t size)
{
    size = size ? (size + 7u) & ~(size_t)7u : 8u;
    if (!lw->lock)
        return arena_alloc(lw->arena, size);
    if ((size_t)(lw->end - lw->cur) < size)
        lw_refill(lw, size);
    void *p = lw->cur;
    lw->cur += size;
    return p;
}

/* A copy of a name in the schema's arena, NUL-terminated (as sql_strs copies it). */
static Str lw_copy(Lower *lw, Str s)
{
    if (s.len == 0)
        return (Str){"", 0};
    char *p = lw_alloc(lw, (size_t)s.len + 1);
    sql_put_str(p, s)[0] = '\0';
    return (Str){p, s.len};
}

/* Notes a name written in the schema (a @map / @@map / map: argument, else a name that is an
 * identifier or made of such names, which holds no quote): whether it holds a double quote. */
static inline void lw_note_name(Lower *lw, bool written, Str name)
{
    if (written && sql_name_has_quote(name))
        lw->quoted = true;
}

/* A name taken from the Db (a table's, a column's, a map: argument): the Db's own bytes when
 * lowering borrows, else a copy. */
static inline __attribute__((always_inline)) Str lw_name(Lower *lw, Str s)
{
    if (s.len == 0)
        return (Str){"", 0};
    return lw->borrow ? s : lw_copy(lw, s);
}

/* A slot's place in the intern table, from its key words and length. */
static inline uint32_t intern_hash(uint64_t head, uint64_t tail, uint32_t len)
{
    return (uint32_t)(((head ^ (tail * 0x9E3779B97F4A7C15ull) ^ len) * 0xff51afd7ed558ccdull) >> 40);
}

/* The first and last eight bytes of s (of fewer bytes: all of them, in head). */
static inline void intern_key(Str s, uint64_t *head, uint64_t *tail)
{
    const char *p = s.ptr;
    uint32_t n = s.len;
    if (n >= 8) {
        memcpy(head, p, 8);
        memcpy(tail, p + n - 8, 8);
        if (n > 16) {
            /* the rest folded into tail */
            uint64_t h = *tail;
            for (uint32_t i = 8; i + 8 <= n; i += 8) {
                uint64_t w;
                memcpy(&w, p + i, 8);
                h = (h ^ w) * 0xff51afd7ed558ccdull;
            }
            *tail = h;
        }
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4);
        *head = (uint64_t)a | (uint64_t)b << 32;
        *tail = 0;
    } else {
        *head = (uint64_t)(unsigned char)p[0] | (uint64_t)(unsigned char)p[n >> 1] << 8 |
                (uint64_t)(unsigned char)p[n - 1] << 16;
        *tail = 0;
    }
}

/* A string lowering built in scratch (`s` is overwritten later), kept once in the schema. */
static Str lw_intern(Lower *lw, Str s)
{
    if (s.len == 0)
        return (Str){"", 0};
    if (lw->intern_count * 2 >= lw->intern_cap) {
        uint32_t cap = lw->intern_cap ? lw->intern_cap * 2 : 256;
        InternSlot *slots = calloc(cap, sizeof *slots);
        if (!slots) {
            fprintf(stderr, "prismac: out of memory\n");
            exit(2);
        }
        for (uint32_t i = 0; i < lw->intern_cap; i++) {
            const InternSlot *o = &lw->intern[i];
            if (!o->s.ptr)
                continue;
            uint32_t k = intern_hash(o->head, o->tail, o->s.len) & (cap - 1);
            while (slots[k].s.ptr)
                k = (k + 1) & (cap - 1);
            slots[k] = *o;
        }
        free(lw->intern);
        lw->intern = slots;
        lw->intern_cap = cap;
    }
    uint64_t head, tail;
    intern_key(s, &head, &tail);
    uint32_t k = intern_hash(head, tail, s.len) & (lw->intern_cap - 1);
    for (;;) {
        InternSlot *slot = &lw->intern[k];
        if (!slot->s.ptr) {
            slot->s = lw_copy(lw, s);
            slot->head = head;
            slot->tail = tail;
            lw->intern_count++;
            return slot->s;
        }
        if (slot->s.len == s.len && slot->head == head && slot->tail == tail &&
            (s.len <= 16 || memcmp(slot->s.ptr, s.ptr, s.len) == 0))
            return slot->s;
        k = (k + 1) & (lw->intern_cap - 1);
    }
}

static inline uint32_t memo_hash(uint64_t a, uint64_t b, uint64_t c, uint64_t head, uint64_t tail, uint32_t len)
{
    /* a few dozen distinct keys: one multiply mixes enough */
    uint64_t h = (a ^ len ^ head ^ (b << 21) ^ (c << 42) ^ (tail * 0x9E3779B97F4A7C15ull)) * 0xff51afd7ed558ccdull;
    return (uint32_t)(h >> 32);
}

/* Twice the slots, the old ones placed again (the table is never more than half full). */
static void memo_grow(Lower *lw)
{
    uint32_t cap = lw->memo_cap ? lw->memo_cap * 2 : 256;
    MemoSlot *slots = calloc(cap, sizeof *slots);
    if (!slots) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    for (uint32_t i = 0; i < lw->memo_cap; i++) {
        const MemoSlot *o = &lw->memo[i];
        if (!o->value.ptr)
            continue;
        uint32_t k = memo_hash(o->a, o->b, o->c, o->head, o->tail, o->key.len) & (cap - 1);
        while (slots[k].value.ptr)
            k = (k + 1) & (cap - 1);
        slots[k] = *o;
    }
    free(lw->memo);
    lw->memo = slots;
    lw->memo_cap = cap;
}

/* The slot of (a, b, c, key): its value, or a free slot to fill (value.ptr NULL), valid until
 * the next call. Inline: called for most columns, where the call cost as much as the lookup. */
static inline __attribute__((always_inline)) MemoSlot *memo_slot(Lower *lw, uint64_t a, uint64_t b, uint64_t c, Str key)
{
    if (!lw->memo_cap)
        memo_grow(lw);
    uint64_t head = 0, tail = 0;
    if (key.len)
        intern_key(key, &head, &tail);
    uint32_t h = memo_hash(a, b, c, head, tail, key.len);
    for (;;) {
        uint32_t mask = lw->memo_cap - 1, k = h & mask;
        MemoSlot *slot;
        for (;; k = (k + 1) & mask) {
            slot = &lw->memo[k];
            if (!slot->value.ptr)
                break;
            /* a key of up to 16 bytes is all in its words */
            if (slot->a == a && slot->b == b && slot->c == c && slot->key.len == key.len && slot->head == head &&
                slot->tail == tail && (key.len <= 16 || memcmp(slot->key.ptr, key.ptr, key.len) == 0))
                return slot;
        }
        /* not found: a free slot, once there is room for one more (grown only on a miss) */
        if ((lw->memo_count + 1) * 2 <= lw->memo_cap) {
            *slot = (MemoSlot){.a = a, .b = b, .c = c, .head = head, .tail = tail, .key = key};
            return slot;
        }
        memo_grow(lw);
    }
}

/* Fills a free slot memo_slot gave. */
static void memo_fill(Lower *lw, MemoSlot *slot, Str value)
{
    slot->value = value;
    lw->memo_count++;
}

/* ---- names --------------------------------------------------------------------------------- */

/* constraint_name's rare path: a name that is cut, made in scratch first. */
static __attribute__((noinline)) Str constraint_name_cut(Lower *lw, Str table, const Str *columns, uint32_t ncolumns,
                                                         const char *suffix, uint32_t slen)
{
    lw->buf.len = 0;
    sqlbuf_put(&lw->buf, table.ptr, table.len);
    for (uint32_t i = 0; i < ncolumns; i++) {
        sqlbuf_putc(&lw->buf, '_');
        sqlbuf_put(&lw->buf, columns[i].ptr, columns[i].len);
    }
    uint32_t keep = sql_name_cut(buf_str(lw), lw->d->max_identifier_length, slen);
    lw->buf.len = keep;
    sqlbuf_put(&lw->buf, suffix, slen);
    return lw_copy(lw, buf_str(lw));
}

/* constraint_names.rs: "{table}_{columns joined by _}" cut to fit `suffix` within the limit;
 * in the schema's arena. Inline: the suffix is a constant at every call, copied as one. */
static inline __attribute__((always_inline)) Str constraint_name_n(Lower *lw, Str table, const Str *columns,
                                                                   uint32_t ncolumns, const char *suffix,
                                                                   uint32_t slen)
{
    size_t len = table.len;
    for (uint32_t i = 0; i < ncolumns; i++)
        len += 1 + columns[i].len;
    if (__builtin_expect(len + slen >= lw->d->max_identifier_length, 0))
        return constraint_name_cut(lw, table, columns, ncolumns, suffix, slen);
    /* nothing to cut (nearly always): written where it is kept */
    char *p = lw_alloc(lw, len + slen + 1), *w = p;
    w = sql_put_str(w, table);
    for (uint32_t i = 0; i < ncolumns; i++) {
        *w++ = '_';
        w = sql_put_str(w, columns[i]);
    }
    sql_put_str(w, (Str){suffix, slen})[0] = '\0';
    return (Str){p, (uint32_t)(len + slen)};
}

#define constraint_name(lw, table, columns, ncolumns, suffix) \
    constraint_name_n((lw), (table), (columns), (ncolumns), (suffix), (uint32_t)(sizeof(suffix) - 1))

/* The first `max` characters (code points) of a name. */
static Str take_chars(Str s, uint32_t max)
{
    uint32_t i = 0, n = 0;
    while (i < s.len && n < max) {
        i++;
        while (i < s.len && ((unsigned char)s.ptr[i] & 0xC0) == 0x80)
            i++;
        n++;
    }
    return (Str){s.ptr, i};
}

/* OperatorClass names as SQL spells them: InetOps -> inet_ops, TimestampTzMinMaxMultiOps ->
 * timestamptz_minmax_multi_ops, VarBitMinMaxOps -> varbit_minmax_ops. */
static void write_opclass(SqlBuf *out, Str name)
{
    /* split into words at upper-case letters (digits stay with their word) */
    Str words[16];
    uint32_t n = 0;
    for (uint32_t i = 0; i < name.len && n < 16;) {
        uint32_t j = i + 1;
        while (j < name.len && !(name.ptr[j] >= 'A' && name.ptr[j] <= 'Z'))
            j++;
        words[n++] = (Str){name.ptr + i, j - i};
        i = j;
    }
    bool first = true;
    for (uint32_t w = 0; w < n; w++) {
        bool glue = w + 1 < n && ((str_eq_cstr(words[w], "Min") && str_eq_cstr(words[w + 1], "Max")) ||
                                  (str_eq_cstr(words[w], "Timestamp") && str_eq_cstr(words[w + 1], "Tz")) ||
                                  (str_eq_cstr(words[w], "Time") && str_eq_cstr(words[w + 1], "Tz")) ||
                                  (str_eq_cstr(words[w], "Var") && str_eq_cstr(words[w + 1], "Bit")));
        if (!first)
            sqlbuf_putc(out, '_');
        first = false;
        uint32_t count = glue ? 2 : 1;
        for (uint32_t k = 0; k < count; k++)
            for (uint32_t c = 0; c < words[w + k].len; c++) {
                char ch = words[w + k].ptr[c];
                sqlbuf_putc(out, ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch);
            }
        w += count - 1;
    }
}

/* ---- types --------------------------------------------------------------------------------- */

static SqlTypeFamily family_of(ScalarType t)
{
    switch (t) {
    case SCALAR_STRING: return SQLT_STRING;
    case SCALAR_BOOLEAN: return SQLT_BOOLEAN;
    case SCALAR_INT: return SQLT_INT;
    case SCALAR_BIGINT: return SQLT_BIGINT;
    case SCALAR_FLOAT: return SQLT_FLOAT;
    case SCALAR_DECIMAL: return SQLT_DECIMAL;
    case SCALAR_DATETIME: return SQLT_DATETIME;
    case SCALAR_JSON: return SQLT_JSON;
    case SCALAR_BYTES: return SQLT_BINARY;
    }
    return SQLT_STRING;
}

static Str sqlite_type_of(SqlTypeFamily f)
{
    switch (f) {
    case SQLT_BOOLEAN: return STR_LIT("BOOLEAN");
    case SQLT_DATETIME: return STR_LIT("DATETIME");
    case SQLT_FLOAT: return STR_LIT("REAL");
    case SQLT_DECIMAL: return STR_LIT("DECIMAL");
    case SQLT_INT: return STR_LIT("INTEGER");
    case SQLT_BIGINT: return STR_LIT("BIGINT");
    case SQLT_BINARY: return STR_LIT("BLOB");
    case SQLT_JSON: return STR_LIT("JSONB");
    default: return STR_LIT("TEXT");
    }
}

/* The type name of a column without a native type, the same for every such column: shared,
 * not copied. */
static Str pg_default_type_str(ScalarType t)
{
    static const Str names[] = {
        [SCALAR_STRING] = STR_LIT("TEXT"),        [SCALAR_BOOLEAN] = STR_LIT("BOOLEAN"),
        [SCALAR_INT] = STR_LIT("INTEGER"),        [SCALAR_BIGINT] = STR_LIT("BIGINT"),
        [SCALAR_FLOAT] = STR_LIT("DOUBLE PRECISION"), [SCALAR_DECIMAL] = STR_LIT("DECIMAL(65,30)"),
        [SCALAR_DATETIME] = STR_LIT("TIMESTAMP(3)"), [SCALAR_JSON] = STR_LIT("JSONB"),
        [SCALAR_BYTES] = STR_LIT("BYTEA"),
    };
    return (unsigned)t < sizeof names / sizeof *names ? names[t] : STR_LIT("TEXT");
}

static void write_int64(SqlBuf *out, int64_t v)
{
    char buf[24], *p = buf + sizeof buf;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    sqlbuf_put(out, p, (size_t)(buf + sizeof buf - p));
}

/* @db.X(args) as PostgreSQL DDL spells it. */
static void write_pg_native(SqlBuf *out, const DbNativeType *nt, ScalarType scalar)
{
#define NT(p, q) {p, sizeof p - 1, q, sizeof q - 1}
    static const struct { const char *prisma; uint8_t plen; const char *sql; uint8_t slen; } names[] = {
        NT("Text", "TEXT"), NT("VarChar", "VARCHAR"), NT("Char", "CHAR"), NT("Citext", "CITEXT"), NT("Uuid", "UUID"),
        NT("Xml", "XML"), NT("Inet", "INET"), NT("Bit", "BIT"), NT("VarBit", "VARBIT"), NT("SmallInt", "SMALLINT"),
        NT("Integer", "INTEGER"), NT("BigInt", "BIGINT"), NT("Oid", "OID"), NT("Real", "REAL"),
        NT("DoublePrecision", "DOUBLE PRECISION"), NT("Decimal", "DECIMAL"), NT("Money", "MONEY"),
        NT("Boolean", "BOOLEAN"), NT("Date", "DATE"), NT("Time", "TIME"), NT("Timetz", "TIMETZ"),
        NT("Timestamp", "TIMESTAMP"), NT("Timestamptz", "TIMESTAMPTZ"), NT("Json", "JSON"), NT("JsonB", "JSONB"),
        NT("ByteA", "BYTEA"),
    };
#undef NT
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (nt->name.len == names[i].plen && !memcmp(nt->name.ptr, names[i].prisma, names[i].plen)) {
            sqlbuf_put(out, names[i].sql, names[i].slen);
            for (uint8_t k = 0; k < nt->nargs && k < 2; k++) {
                sqlbuf_putc(out, k ? ',' : '(');
                write_int64(out, nt->args[k]);
            }
            if (nt->nargs)
                sqlbuf_putc(out, ')');
            return;
        }
    Str plain = pg_default_type_str(scalar);    /* not a PostgreSQL type: validation said so */
    sqlbuf_put(out, plain.ptr, plain.len);
}

/* ---- constant defaults --------------------------------------------------------------------- */

/* An integer literal as i64 display prints it (strtoll's reading: a sign, decimal digits,
 * clamped to the i64 range); anything else is kept as written. */
static void write_integer(SqlBuf *out, Str text)
{
    const char *p = text.ptr, *end = text.ptr + text.len;
    bool neg = false;
    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    if (p == end || text.len >= 64) {
        sqlbuf_putstr(out, text);
        return;
    }
    uint64_t v = 0;
    bool over = false;
    for (; p < end; p++) {
        if (*p < '0' || *p > '9') {
            sqlbuf_putstr(out, text);
            return;
        }
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            over = true;
        else
            v = v * 10 + d;
    }
    int64_t x;
    if (neg)
        x = over || v > (uint64_t)INT64_MAX + 1 ? INT64_MIN : (int64_t)(0 - v);
    else
        x = over || v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
    write_int64(out, x);
}

/* A decimal as BigDecimal's Display prints it: positional notation, leading zeros dropped,
 * trailing zeros kept, an exponent applied ("1e5" -> 100000, "1E-3" -> 0.001, "-0.0" -> 0.0). */
static void write_decimal(SqlBuf *out, Str text)
{
    const char *p = text.ptr, *end = text.ptr + text.len;
    bool neg = false;
    if (p < end && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    char small[64];
    char *digits = text.len + 2 <= sizeof small ? small : malloc(text.len + 2);
    size_t nd = 0;
    long scale = 0;
    bool in_frac = false, any = false;
    for (; p < end; p++) {
        if (*p >= '0' && *p <= '9') {
            digits[nd++] = *p;
            any = true;
            if (in_frac)
                scale++;
        } else if (*p == '.' && !in_frac) {
            in_frac = true;
        } else {
            break;
        }
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        char *stop;
        long e = strtol(p + 1, &stop, 10);
        if (stop == end)
            scale -= e;
        else
            any = false;
        p = stop;
    }
    if (!any || p != end) {
        if (digits != small)
            free(digits);
        sqlbuf_putstr(out, text);     /* not a number (validation said so) */
        return;
    }
    size_t lead = 0;
    while (lead < nd && digits[lead] == '0')
        lead++;
    const char *d = digits + lead;
    size_t n = nd - lead;
    bool zero = n == 0;
    if (zero) {
        d = "0";
        n = 1;
    }
    if (neg && !zero)
        sqlbuf_putc(out, '-');
    if (scale <= 0) {
        sqlbuf_put(out, d, n);
        if (!zero)
            for (long i = 0; i < -scale; i++)
                sqlbuf_putc(out, '0');
    } else if ((long)n <= scale) {
        sqlbuf_puts(out, "0.");
        for (long i = 0; i < scale - (long)n; i++)
            sqlbuf_putc(out, '0');
        sqlbuf_put(out, d, n);
    } else {
        sqlbuf_put(out, d, n - (size_t)scale);
        sqlbuf_putc(out, '.');
        sqlbuf_put(out, d + n - (size_t)scale, (size_t)scale);
    }
    if (digits != small)
        free(digits);
}

static int digits_at(const char *p, const char *end, int n, int *value)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p + i >= end || p[i] < '0' || p[i] > '9')
            return 0;
        v = v * 10 + (p[i] - '0');
    }
    *value = v;
    return 1;
}

/* An RFC 3339 date-time (as chrono parses it) re-spelled as chrono displays a
 * DateTime<FixedOffset>: "2024-06-30 12:34:56.789 +05:30". False if it does not parse. */
static bool write_datetime(SqlBuf *out, Str text)
{
    const char *p = text.ptr, *end = text.ptr + text.len;
    int Y, M, D, h, m, s;
    if (!digits_at(p, end, 4, &Y) || p + 4 >= end || p[4] != '-' || !digits_at(p + 5, end, 2, &M) || p + 7 >= end ||
        p[7] != '-' || !digits_at(p + 8, end, 2, &D))
        return false;
    p += 10;
    if (p >= end || (*p != 'T' && *p != 't' && *p != ' '))
        return false;
    p++;
    if (!digits_at(p, end, 2, &h) || p + 2 >= end || p[2] != ':' || !digits_at(p + 3, end, 2, &m) ||
        p + 5 >= end || p[5] != ':' || !digits_at(p + 6, end, 2, &s))
        return false;
    p += 8;
    long nanos = 0;
    if (p < end && *p == '.') {
        p++;
        int count = 0;
        while (p < end && *p >= '0' && *p <= '9') {
            if (count < 9) {
                nanos = nanos * 10 + (*p - '0');
                count++;
            }
            p++;
        }
        if (count == 0)
            return false;
        for (; count < 9; count++)
            nanos *= 10;
    }
    int off_sign = 1, oh = 0, om = 0;
    if (p < end && (*p == 'Z' || *p == 'z')) {
        p++;
    } else if (p < end && (*p == '+' || *p == '-')) {
        off_sign = *p == '-' ? -1 : 1;
        p++;
        if (!digits_at(p, end, 2, &oh))
            return false;
        p += 2;
        if (p < end && *p == ':')
            p++;
        if (p < end) {
            if (!digits_at(p, end, 2, &om))
                return false;
            p += 2;
        }
    } else {
        return false;
    }
    if (p != end)
        return false;
    sqlbuf_printf(out, "%04d-%02d-%02d %02d:%02d:%02d", Y, M, D, h, m, s);
    if (nanos) {
        if (nanos % 1000000 == 0)
            sqlbuf_printf(out, ".%03ld", nanos / 1000000);
        else if (nanos % 1000 == 0)
            sqlbuf_printf(out, ".%06ld", nanos / 1000);
        else
            sqlbuf_printf(out, ".%09ld", nanos);
    }
    bool negative = off_sign < 0 && (oh || om);
    sqlbuf_printf(out, " %c%02d:%02d", negative ? '-' : '+', oh, om);
    return true;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

static size_t base64_decode(Str in, unsigned char *out)
{
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (uint32_t i = 0; i < in.len; i++) {
        int v = b64_value(in.ptr[i]);
        if (v < 0)
            continue;   /* padding */
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    return n;
}

/* The enum value's database name for `@default(NAME)`. */
static Str enum_value_db_name(const Db *db, uint32_t enum_id, Str name)
{
    if (enum_id < db->nenums) {
        const DbEnum *e = &db->enums[enum_id];
        for (uint32_t i = 0; i < e->nvalues; i++)
            if (str_eq(db->enum_values[e->first_value + i].name, name))
                return db->enum_values[e->first_value + i].db_name;
    }
    return name;
}

/* One constant (not a list) as Prisma renders it for a column of `field`'s type. */
static void write_constant(Lower *lw, SqlBuf *out, const DbField *f, const Expr *e)
{
    const Dialect *d = lw->d;
    if (f->kind == DBF_ENUM) {
        Str name = e->kind == EXPR_STRING ? e->value : e->text;
        d->quote_string(out, enum_value_db_name(lw->db, f->type_id, name));
        return;
    }
    switch (f->scalar) {
    case SCALAR_STRING:
        d->quote_string(out, e->kind == EXPR_STRING ? e->value : e->text);
        return;
    case SCALAR_INT:
    case SCALAR_BIGINT:
        write_integer(out, e->text);
        return;
    case SCALAR_FLOAT:
    case SCALAR_DECIMAL:
        write_decimal(out, e->kind == EXPR_STRING ? e->value : e->text);
        return;
    case SCALAR_BOOLEAN:
        sqlbuf_putstr(out, e->text);
        return;
    case SCALAR_DATETIME: {
        Str v = e->kind == EXPR_STRING ? e->value : e->text;
        SqlBuf tmp = {0};
        if (write_datetime(&tmp, v))
            d->quote_string(out, (Str){tmp.ptr, (uint32_t)tmp.len});
        else
            d->quote_string(out, v);
        sqlbuf_free(&tmp);
        return;
    }
    case SCALAR_JSON: {
        Str v = e->kind == EXPR_STRING ? e->value : e->text;
        if (d->json_default_quoted)
            d->quote_string(out, v);
        else
            sqlbuf_putstr(out, v);
        return;
    }
    case SCALAR_BYTES: {
        Str v = e->kind == EXPR_STRING ? e->value : e->text;
        unsigned char *bytes = malloc(v.len + 1);
        size_t n = base64_decode(v, bytes);
        d->write_bytes_literal(out, bytes, n);
        free(bytes);
        return;
    }
    }
}

/* ---- columns ------------------------------------------------------------------------------- */

/* The column's full type as the renderer prints it ("TEXT", "\"Color\"", "\"ns\".\"Color\""),
 * without [] — for the ::TYPE[] cast of list defaults. */
static void write_full_type(Lower *lw, SqlBuf *out, const SqlColumn *c)
{
    if (c->type.family == SQLT_ENUM && c->type.enum_id != SQL_NONE) {
        const SqlEnum *e = &lw->s->enums[c->type.enum_id];
        if (!sql_namespace_is_default(lw->s, e->namespace)) {
            lw->d->quote_ident(out, lw->s->namespaces[e->namespace].name);
            sqlbuf_putc(out, '.');
        }
        lw->d->quote_ident(out, e->name);
        return;
    }
    sqlbuf_putstr(out, c->type.name);
}

/* SQLite: the field whose column is the table's rowid alias (an Int @id of its own), which
 * Prisma's schema calculator marks autoincrement; DB_NONE when none (and on PostgreSQL). */
static uint32_t implicit_autoincrement_field(const Lower *lw, const DbModel *m)
{
    const Db *db = lw->db;
    if (lw->d->flavour != SQL_SQLITE || m->pk == DB_NONE)
        return DB_NONE;
    const DbIndex *pk = &db->indexes[m->pk];
    if (pk->nfields != 1)
        return DB_NONE;
    uint32_t field = db->index_fields[pk->first_field].field;
    if (field >= db->nfields || db->fields[field].kind != DBF_SCALAR || db->fields[field].scalar != SCALAR_INT)
        return DB_NONE;
    return field;
}

/* Column c's default, from field f's (c's type is made already: a list's default names it).
 * def.sql is set for every kind: empty where there is no text (arena memory is zeroed, and
 * a schema's empty strings are "" everywhere). */
static inline __attribute__((always_inline)) void lower_default(Lower *lw, const DbField *f, SqlColumn *c, bool pg)
{
    const DbDefault *def = f->def;
    SqlBuf *out = &lw->buf;
    c->def.sql = (Str){"", 0};
    switch (def->kind) {
    case DBDEF_NONE:
    case DBDEF_UUID:
    case DBDEF_CUID:
    case DBDEF_NANOID:
    case DBDEF_ULID:
    case DBDEF_AUTO:
    case DBDEF_UNKNOWN_FUNCTION:
        break;
    case DBDEF_AUTOINCREMENT:
        c->autoincrement = true;
        if (pg)
            c->def.kind = SQLDEF_SEQUENCE;
        break;
    case DBDEF_NOW:
        c->def.kind = SQLDEF_NOW;
        c->def.sql = STR_LIT("CURRENT_TIMESTAMP");
        break;
    case DBDEF_DBGENERATED:
        c->def.kind = SQLDEF_EXPRESSION;
        c->def.sql = lw_name(lw, def->text);  /* dbgenerated("..."): the Db's text */
        break;
    case DBDEF_VALUE:
        if (!def->expr || f->kind == DBF_UNSUPPORTED)
            break;
        buf_reset(lw);
        if (def->expr->kind == EXPR_ARRAY) {
            sqlbuf_puts(out, "ARRAY[");
            for (uint32_t i = 0; i < def->expr->count; i++) {
                if (i)
                    sqlbuf_puts(out, ", ");
                write_constant(lw, out, f, def->expr->items[i]);
            }
            sqlbuf_puts(out, "]::");
            write_full_type(lw, out, c);
            sqlbuf_puts(out, "[]");
            c->def.kind = SQLDEF_VALUE;
            c->def.sql = lw_intern(lw, buf_str(lw));
            break;
        }
        /* the same constant for the same type: made once (what write_constant reads is the
         * key: a string's value, anything else's text as written) */
        const Expr *e = def->expr;
        MemoSlot *slot = NULL;
        if (!(e->kind == EXPR_STRING && e->text.len)) {
            uint64_t a = 2 | (uint64_t)f->kind << 8 | (uint64_t)f->scalar << 16 | (uint64_t)e->kind << 24;
            slot = memo_slot(lw, a, f->kind == DBF_ENUM ? f->type_id : 0, 0, e->kind == EXPR_STRING ? e->value : e->text);
            if (slot->value.ptr) {
                c->def.kind = SQLDEF_VALUE;
                c->def.sql = slot->value;
                break;
            }
        }
        write_constant(lw, out, f, e);
        c->def.kind = SQLDEF_VALUE;
        c->def.sql = lw_intern(lw, buf_str(lw));
        if (slot)
            memo_fill(lw, slot, c->def.sql);
        break;
    }
}

/* The text of the file a model is in (text NULL when unknown), read into locals once per model. */
typedef struct ModelFile {
    const char *text;
    size_t len;
    uint32_t id;
} ModelFile;

/* The span of a field's name, found from where its name lies in the model's file (the field's
 * syntax node is not touched: on a large schema those reads are cache misses that cost more
 * than the rest of lowering). */
static inline SqlOrigin field_origin(ModelFile file, const DbField *f)
{
    /* one unsigned comparison each: a name before the text wraps around to a large offset */
    size_t start = (size_t)((uintptr_t)f->name.ptr - (uintptr_t)file.text);
    if (file.text && start <= file.len && f->name.len <= file.len - start)
        return (SqlOrigin){file.id, (uint32_t)start, (uint32_t)start + f->name.len};
    return f->ast ? span_origin(f->ast->name_span) : SQL_NO_ORIGIN;
}

/* Room for exactly this many columns, indexes and foreign keys in a table that has none yet:
 * one block of this thread's arena for the three arrays. */
static void table_alloc(Lower *lw, SqlTable *t, uint32_t ncolumns, uint32_t nindexes, uint32_t nfks)
{
    /* each element a multiple of 8 bytes, as lw_alloc aligns */
    _Static_assert(sizeof(SqlColumn) % 8 == 0 && sizeof(SqlIndex) % 8 == 0 && sizeof(SqlForeignKey) % 8 == 0,
                   "table arrays share one block");
    size_t columns = (size_t)ncolumns * sizeof(SqlColumn), indexes = (size_t)nindexes * sizeof(SqlIndex);
    char *p = lw_alloc(lw, columns + indexes + (size_t)nfks * sizeof(SqlForeignKey));
    t->columns = (SqlColumn *)p;
    t->capcolumns = ncolumns;
    t->indexes = (SqlIndex *)(p + columns);
    t->capindexes = nindexes;
    t->fks = (SqlForeignKey *)(p + columns + indexes);
    t->capfks = nfks;
}

/* Room for exactly this many columns, indexes and foreign keys, in this thread's arena (as
 * sql_table_reserve does in the schema's). */
static void *lw_grow_exact(Lower *lw, void *items, uint32_t count, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return items;
    void *p = lw_alloc(lw, (size_t)need * elem);
    if (count)
        memcpy(p, items, (size_t)count * elem);
    *cap = need;
    return p;
}

static void table_reserve(Lower *lw, SqlTable *t, uint32_t ncolumns, uint32_t nindexes, uint32_t nfks)
{
    t->columns = lw_grow_exact(lw, t->columns, t->ncolumns, &t->capcolumns, ncolumns, sizeof *t->columns);
    t->indexes = lw_grow_exact(lw, t->indexes, t->nindexes, &t->capindexes, nindexes, sizeof *t->indexes);
    t->fks = lw_grow_exact(lw, t->fks, t->nfks, &t->capfks, nfks, sizeof *t->fks);
}

/* Does a field of this kind make a column? */
static inline bool makes_column(uint8_t kind)
{
    return kind == DBF_SCALAR || kind == DBF_ENUM || kind == DBF_UNSUPPORTED;
}

/* The columns of model m's fields that make one, written in place into its table t, which has
 * room for exactly these (table_alloc; arena memory comes zeroed); strings copied as
 * sql_add_column copies them unless lowering borrows. Each field's column goes into lw->colmap.
 * What is the same for every column (the dialect's flags, the model's file, the rowid alias)
 * is read once; inline, once per flavour. */
static inline __attribute__((always_inline)) void lower_columns(Lower *lw, SqlTable *t, const DbModel *m,
                                                                ModelFile file, bool pg)
{
    const Db *db = lw->db;
    const DbField *fields = &db->fields[m->first_field];
    uint32_t *colmap = lw->colmap;
    const bool lists = lw->d->has_native_lists, enums = lw->d->has_enums;
    const uint32_t alias = pg ? DB_NONE : implicit_autoincrement_field(lw, m);
    SqlColumn *const first = t->columns;
    SqlColumn *c = first;
    for (uint32_t k = 0; k < m->nfields; k++) {
        const DbField *f = &fields[k];
        if (!makes_column(f->kind)) {
            colmap[k] = SQL_NONE;
            continue;
        }
        colmap[k] = (uint32_t)(c - first);
        c->name = lw_name(lw, f->db_name);
        lw_note_name(lw, f->mapped, f->db_name);
        c->type.enum_id = SQL_NONE;
        c->origin = field_origin(file, f);
        c->nullable = f->arity != ARITY_REQUIRED;
        c->type.list = lists && f->arity == ARITY_LIST;
        switch (f->kind) {
        case DBF_SCALAR:
            c->type.family = family_of(f->scalar);
            if (!pg) {
                c->type.name = sqlite_type_of(c->type.family);
            } else if (f->native->name.len) {
                /* made once per native type and arguments */
                const DbNativeType *nt = f->native;
                uint8_t nargs = nt->nargs < 2 ? nt->nargs : 2;
                MemoSlot *slot = memo_slot(lw, 1 | (uint64_t)nargs << 8 | (uint64_t)f->scalar << 16,
                                           nargs > 0 ? (uint64_t)nt->args[0] : 0, nargs > 1 ? (uint64_t)nt->args[1] : 0,
                                           nt->name);
                if (!slot->value.ptr) {
                    SqlBuf *tn = &lw->tbuf;
                    tn->len = 0;
                    write_pg_native(tn, nt, f->scalar);
                    memo_fill(lw, slot, lw_intern(lw, (Str){tn->ptr ? tn->ptr : "", (uint32_t)tn->len}));
                }
                c->type.name = slot->value;
            } else {
                c->type.name = pg_default_type_str(f->scalar);
            }
            break;
        case DBF_ENUM:
            if (enums && f->type_id < db->nenums) {
                c->type.family = SQLT_ENUM;
                c->type.enum_id = lw->enum_map[f->type_id];
                c->type.name = lw->s->enums[c->type.enum_id].name;    /* the enum's db_name, kept once */
            } else {
                c->type.family = SQLT_STRING;
                c->type.name = STR_LIT("TEXT");
            }
            break;
        default: {  /* DBF_UNSUPPORTED */
            SqlBuf *tn = &lw->tbuf;
            tn->len = 0;
            c->type.family = SQLT_UNSUPPORTED;
            sqlbuf_putstr(tn, f->ast->type.name);
            c->type.name = lw_intern(lw, (Str){tn->ptr ? tn->ptr : "", (uint32_t)tn->len});
            break;
        }
        }
        lower_default(lw, f, c, pg);
        if (m->first_field + k == alias)
            c->autoincrement = true;
        c++;
    }
    t->ncolumns = (uint32_t)(c - first);
}

/* ---- indexes ------------------------------------------------------------------------------- */

/* One condition of a where object, as Prisma writes it: `"col" = 'text'`, `"col" != 5`,
 * `"col" IS NULL`, `"col" IS NOT NULL`, `"col" = true`. */
static void write_where_condition(Lower *lw, SqlBuf *out, const SqlTable *t, uint32_t model, const Arg *member)
{
    uint32_t f = db_find_field(lw->db, model, member->name);
    uint32_t col = f != DB_NONE ? column_of(lw, f) : SQL_NONE;
    lw->d->quote_ident(out, col != SQL_NONE ? t->columns[col].name : member->name);
    const Expr *v = member->value;
    bool negated = false;
    if (v->kind == EXPR_OBJECT && v->args && v->args->count == 1) {
        negated = true;
        v = v->args->items[0].value;
    }
    if (v->kind == EXPR_CONSTANT && str_eq_cstr(v->text, "null")) {
        sqlbuf_puts(out, negated ? " IS NOT NULL" : " IS NULL");
        return;
    }
    sqlbuf_puts(out, negated ? " != " : " = ");
    if (v->kind == EXPR_STRING)
        lw->d->quote_string(out, v->value);
    else
        sqlbuf_putstr(out, v->text);    /* a number as written, true or false */
}

/* The condition of a partial index (without WHERE): a where object's conditions joined by AND,
 * or a raw("...") text as given. Validation has checked the shape. */
static Str index_predicate(Lower *lw, const SqlTable *t, uint32_t model, const Expr *where)
{
    SqlBuf *out = &lw->tbuf;
    out->len = 0;
    if (where->kind == EXPR_OBJECT) {
        for (uint32_t i = 0; where->args && i < where->args->count; i++) {
            if (i)
                SQLBUF_LIT(out, " AND ");
            write_where_condition(lw, out, t, model, &where->args->items[i]);
        }
    } else if (where->args && where->args->count > 0) {
        sqlbuf_putstr(out, where->args->items[0].value->value);     /* raw("...") */
    }
    return (Str){out->ptr ? out->ptr : "", (uint32_t)out->len};
}

#define EMPTY_STR ((Str){"", 0})

/* An index written straight into its table (its columns and names in the schema's arena, as
 * sql_add_index would copy them). */
static inline __attribute__((always_inline)) void lower_index(Lower *lw, SqlTable *t, const DbIndex *x, bool pg)
{
    const Db *db = lw->db;
    if (x->kind == DBIDX_FULLTEXT)
        return;     /* MySQL and MongoDB only */
    if (x->nfields + 1 > lw->xcap) {
        lw->xcap = (x->nfields + 1) * 2;
        lw->xnames = realloc(lw->xnames, lw->xcap * sizeof *lw->xnames);
        if (!lw->xnames) {
            fprintf(stderr, "prismac: out of memory\n");
            exit(2);
        }
    }
    SqlIndexColumn *cols = lw_alloc(lw, (x->nfields ? x->nfields : 1) * sizeof *cols);
    Str *names = lw->xnames;
    uint32_t n = 0;
    for (uint32_t i = 0; i < x->nfields; i++) {
        const DbIndexField *xf = &db->index_fields[x->first_field + i];
        uint32_t col = xf->field < db->nfields ? column_of(lw, xf->field) : SQL_NONE;
        if (col == SQL_NONE)
            continue;
        cols[n].column = col;
        cols[n].sort = xf->sort;
        cols[n].length = xf->length;
        cols[n].opclass = EMPTY_STR;
        if (pg && xf->ops.len) {
            SqlBuf *ops = &lw->obuf;
            ops->len = 0;
            if (xf->ops_raw)
                sqlbuf_putstr(ops, xf->ops);
            else
                write_opclass(ops, xf->ops);
            cols[n].opclass = lw_intern(lw, (Str){ops->ptr ? ops->ptr : "", (uint32_t)ops->len});
        }
        names[n] = t->columns[col].name;
        n++;
    }
    /* written in place (fill_tables made room for every index; arena memory comes zeroed) */
    if (t->nindexes == t->capindexes)
        table_reserve(lw, t, t->capcolumns, t->capindexes * 2 + 1, t->capfks);
    SqlIndex *idx = &t->indexes[t->nindexes];
    idx->columns = cols;
    idx->ncolumns = n;
    idx->origin = x->attr ? span_origin(x->attr->span) : SQL_NO_ORIGIN;
    idx->name = idx->algorithm = idx->predicate = EMPTY_STR;
    if (pg && x->algorithm.len && !str_eq_cstr(x->algorithm, "BTree"))
        idx->algorithm = lw_name(lw, x->algorithm);
    if (x->where)
        idx->predicate = lw_copy(lw, index_predicate(lw, t, x->model, x->where));
    switch (x->kind) {
    case DBIDX_PRIMARY:
        idx->kind = SQLIDX_PRIMARY;
        if (lw->d->named_primary_keys)
            idx->name = x->map.len ? lw_name(lw, x->map) : constraint_name(lw, t->name, NULL, 0, "_pkey");
        break;
    case DBIDX_UNIQUE:
        idx->kind = SQLIDX_UNIQUE;
        idx->name = x->map.len ? lw_name(lw, x->map) : constraint_name(lw, t->name, names, n, "_key");
        break;
    case DBIDX_NORMAL:
    case DBIDX_FULLTEXT:
        idx->kind = SQLIDX_NORMAL;
        /* `name:` on @@index was the database name before `map:` existed; Prisma still takes it */
        idx->name = x->map.len    ? lw_name(lw, x->map)
                    : x->name.len ? lw_name(lw, x->name)
                                  : constraint_name(lw, t->name, names, n, "_idx");
        break;
    }
    lw_note_name(lw, x->map.len || x->name.len, idx->name);
    t->nindexes++;
}

/* The primary key and the indexes of model m, into its table t; inline, once per flavour. */
static inline __attribute__((always_inline)) void lower_indexes(Lower *lw, SqlTable *t, const DbModel *m, bool pg)
{
    const Db *db = lw->db;
    if (m->pk != DB_NONE)
        lower_index(lw, t, &db->indexes[m->pk], pg);
    for (uint32_t k = 0; k < m->nindexes; k++)
        lower_index(lw, t, &db->indexes[m->first_index + k], pg);
}

/* ---- relations ----------------------------------------------------------------------------- */

static SqlAction sql_action(DbRefAction a)
{
    switch (a) {
    case DBACT_CASCADE: return SQLACT_CASCADE;
    case DBACT_RESTRICT: return SQLACT_RESTRICT;
    case DBACT_NO_ACTION: return SQLACT_NO_ACTION;
    case DBACT_SET_NULL: return SQLACT_SET_NULL;
    case DBACT_SET_DEFAULT: return SQLACT_SET_DEFAULT;
    case DBACT_UNSET: break;
    }
    return SQLACT_NO_ACTION;
}

typedef struct RelOrder {
    uint32_t relation;
    uint32_t model, field;
} RelOrder;

static int cmp_rel_order(const void *x, const void *y)
{
    const RelOrder *a = x, *b = y;
    if (a->model != b->model)
        return a->model < b->model ? -1 : 1;
    if (a->field != b->field)
        return a->field < b->field ? -1 : 1;
    return (a->relation > b->relation) - (a->relation < b->relation);
}

/* Sorts as cmp_rel_order does: by model with a counting sort (models are numbered from 0 to
 * nmodels - 1), then the few relations of a model among themselves when they are not in order
 * already (qsort of them all took 1.6 M instructions for 6,000 foreign keys, on lowering's
 * serial path). */
static void sort_rel_order(RelOrder *order, uint32_t n, uint32_t nmodels)
{
    uint32_t *end = calloc((size_t)nmodels + 1, sizeof *end);
    RelOrder *by_model = malloc(((size_t)n + 1) * sizeof *by_model);
    if (!end || !by_model) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    for (uint32_t i = 0; i < n; i++)
        end[order[i].model + 1]++;
    for (uint32_t m = 1; m <= nmodels; m++)
        end[m] += end[m - 1];
    for (uint32_t i = 0; i < n; i++)     /* end[m]: where model m's relations end, once placed */
        by_model[end[order[i].model]++] = order[i];
    for (uint32_t m = 0, from = 0; m < nmodels; from = end[m++]) {
        bool sorted = true;
        for (uint32_t i = from + 1; i < end[m] && sorted; i++)
            sorted = cmp_rel_order(&by_model[i - 1], &by_model[i]) < 0;
        if (!sorted)
            qsort(by_model + from, end[m] - from, sizeof *by_model, cmp_rel_order);
    }
    memcpy(order, by_model, (size_t)n * sizeof *order);
    free(by_model);
    free(end);
}

static bool model_is_table(const Lower *lw, uint32_t model)
{
    return model < lw->db->nmodels && lw->table_of_model[model] != SQL_NONE;
}

/* The position of a field's column in its model's table, from the Db alone (the fields before it
 * that make a column), so that a thread lowering one model knows the columns of a model the
 * other thread may not have filled yet; SQL_NONE for a field that makes no column. */
static uint32_t field_column(const Lower *lw, uint32_t field)
{
    const Db *db = lw->db;
    if (field >= db->nfields || !makes_column(db->fields[field].kind) || db->fields[field].model >= db->nmodels)
        return SQL_NONE;
    const DbModel *m = &db->models[db->fields[field].model];
    uint32_t n = 0;
    for (uint32_t f = m->first_field; f < field; f++)
        n += makes_column(db->fields[f].kind);
    return n;
}

/* Foreign keys of 1:1 and 1:n relations, in the order Prisma creates them: by referencing
 * model, then by the position of the relation field that holds `fields:`. Made before the
 * tables are filled, each model's then lowered with its table (lower_model_foreign_keys). */
static void fk_order_make(Lower *lw)
{
    const Db *db = lw->db;
    RelOrder *order = calloc(db->nrelations + 1, sizeof *order);
    uint32_t *first = calloc((size_t)db->nmodels + 2, sizeof *first);
    if (!order || !first) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    uint32_t n = 0;
    if (!(db->datasource && db->datasource->relation_mode_prisma))
        for (uint32_t r = 0; r < db->nrelations; r++) {
            const DbRelation *rel = &db->relations[r];
            if (rel->kind == DBREL_MANY_TO_MANY || rel->field_a == DB_NONE || rel->nfk == 0)
                continue;
            if (!model_is_table(lw, rel->model_a) || !model_is_table(lw, rel->model_b))
                continue;
            order[n++] = (RelOrder){r, rel->model_a, rel->field_a};
        }
    sort_rel_order(order, n, db->nmodels);
    for (uint32_t i = 0; i < n; i++)
        first[order[i].model + 1]++;
    for (uint32_t m = 0; m < db->nmodels; m++)
        first[m + 1] += first[m];
    lw->fk_order = order;
    lw->fk_first = first;
}

/* The foreign keys of model `model`, whose table `t` holds its columns already. */
static void lower_model_foreign_keys(Lower *lw, uint32_t model, SqlTable *t)
{
    const Db *db = lw->db;
    for (uint32_t i = lw->fk_first[model]; i < lw->fk_first[model + 1]; i++) {
        const DbRelation *rel = &db->relations[lw->fk_order[i].relation];
        if (rel->nfk + 1 > lw->xcap) {
            lw->xcap = (rel->nfk + 1) * 2;
            lw->xnames = realloc(lw->xnames, lw->xcap * sizeof *lw->xnames);
            if (!lw->xnames) {
                fprintf(stderr, "prismac: out of memory\n");
                exit(2);
            }
        }
        Str *names = lw->xnames;
        /* the column lists where they are kept (as sql_add_foreign_key would copy them) */
        uint32_t *cols = lw_alloc(lw, (rel->nfk ? rel->nfk : 1) * sizeof *cols);
        uint32_t *refs = lw_alloc(lw, (rel->nfk ? rel->nfk : 1) * sizeof *refs);
        bool ok = true;
        for (uint32_t k = 0; k < rel->nfk; k++) {
            const DbFkPair *p = &db->fk_pairs[rel->first_fk + k];
            /* a field of this model: its column is made already */
            cols[k] = p->field < db->nfields && db->fields[p->field].model == model ? column_of(lw, p->field)
                                                                                    : field_column(lw, p->field);
            refs[k] = field_column(lw, p->references);
            if (cols[k] >= t->ncolumns || refs[k] == SQL_NONE)
                ok = false;
            else
                names[k] = t->columns[cols[k]].name;
        }
        if (!ok)
            continue;
        if (t->nfks == t->capfks)
            table_reserve(lw, t, t->capcolumns, t->capindexes, t->capfks * 2 + 1);
        SqlForeignKey *fk = &t->fks[t->nfks++];     /* written in place, as columns are */
        fk->columns = cols;
        fk->referenced_columns = refs;
        fk->ncolumns = rel->nfk;
        fk->referenced_table = lw->table_of_model[rel->model_b];
        fk->name = rel->map.len ? lw_name(lw, rel->map) : constraint_name(lw, t->name, names, rel->nfk, "_fkey");
        lw_note_name(lw, rel->map.len, fk->name);
        fk->on_delete = sql_action(db_relation_on_delete(db, rel));
        fk->on_update = sql_action(db_relation_on_update(db, rel));
        const DbField *rf = &db->fields[rel->field_a];
        fk->origin = rel->attr ? span_origin(rel->attr->span) : rf->ast ? span_origin(rf->ast->span) : SQL_NO_ORIGIN;
    }
}

static uint32_t pk_first_column(const Lower *lw, uint32_t model)
{
    const DbModel *m = &lw->db->models[model];
    if (m->pk == DB_NONE || lw->db->indexes[m->pk].nfields == 0)
        return SQL_NONE;
    return column_of(lw, lw->db->index_fields[lw->db->indexes[m->pk].first_field].field);
}

static SqlColumn join_column(Lower *lw, uint32_t model, const char *name)
{
    SqlColumn c = {0};
    uint32_t table = lw->table_of_model[model];
    uint32_t pc = pk_first_column(lw, model);
    c.name = (Str){name, 1};
    c.type.enum_id = SQL_NONE;
    if (pc != SQL_NONE) {
        c.type = lw->s->tables[table].columns[pc].type;
        c.type.list = false;
    }
    return c;
}

/* db_relation_table_name, written into lw->buf (lowering allocates nothing in the Db's arena,
 * so that it can run while the Db is being validated): "_" + the relation name, or "_AToB". */
static Str join_table_name(Lower *lw, const DbRelation *rel)
{
    const Db *db = lw->db;
    buf_reset(lw);
    sqlbuf_putc(&lw->buf, '_');
    if (rel->name.len) {
        sqlbuf_put(&lw->buf, rel->name.ptr, rel->name.len);
    } else {
        Str a = db->models[rel->model_a].name, b = db->models[rel->model_b].name;
        uint32_t n = a.len < b.len ? a.len : b.len;
        int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
        if (c > 0 || (c == 0 && a.len > b.len)) {
            Str t = a;
            a = b;
            b = t;
        }
        sqlbuf_put(&lw->buf, a.ptr, a.len);
        SQLBUF_LIT(&lw->buf, "To");
        sqlbuf_put(&lw->buf, b.ptr, b.len);
    }
    return buf_str(lw);
}

/* Implicit m:n join tables, in the order Prisma creates the relations: by model A, then by the
 * position of its relation field (the first of the two for a self relation). */
static void lower_join_tables(Lower *lw)
{
    const Db *db = lw->db;
    RelOrder *order = calloc(db->nrelations + 1, sizeof *order);
    uint32_t n = 0;
    for (uint32_t r = 0; r < db->nrelations; r++) {
        const DbRelation *rel = &db->relations[r];
        if (rel->kind != DBREL_MANY_TO_MANY || rel->embedded)
            continue;
        if (!model_is_table(lw, rel->model_a) || !model_is_table(lw, rel->model_b))
            continue;
        uint32_t field = rel->field_a;
        if (rel->model_a == rel->model_b && rel->field_b < field)
            field = rel->field_b;
        if (field == DB_NONE)
            field = rel->field_b;
        order[n++] = (RelOrder){r, rel->model_a, field};
    }
    sort_rel_order(order, n, db->nmodels);
    uint32_t max = lw->d->max_identifier_length;
    bool fks = !(db->datasource && db->datasource->relation_mode_prisma);
    for (uint32_t i = 0; i < n; i++) {
        const DbRelation *rel = &db->relations[order[i].relation];
        Str full = join_table_name(lw, rel);
        Str tname = take_chars(full, max);
        uint32_t ta = lw->table_of_model[rel->model_a], tb = lw->table_of_model[rel->model_b];
        const DbField *rf = rel->field_a != DB_NONE ? &db->fields[rel->field_a] : NULL;
        SqlOrigin origin = rf && rf->ast ? span_origin(rf->ast->span) : SQL_NO_ORIGIN;
        uint32_t t = sql_add_table(lw->s, lw->s->tables[ta].namespace, tname, origin);
        tname = lw->s->tables[t].name;      /* the copy: the scratch buffer is reused below */
        sql_table_reserve(lw->s, t, 2, 2, fks ? 2 : 0);
        SqlColumn a = join_column(lw, rel->model_a, "A"), b = join_column(lw, rel->model_b, "B");
        a.origin = b.origin = origin;
        uint32_t ca = sql_add_column(lw->s, t, &a), cb = sql_add_column(lw->s, t, &b);

        /* (A, B): the primary key on PostgreSQL, a unique index on SQLite */
        SqlIndexColumn ab[2] = {{ca, SORT_DEFAULT, -1, {"", 0}}, {cb, SORT_DEFAULT, -1, {"", 0}}};
        SqlIndex key = {0};
        const char *suffix = lw->d->m2m_primary_key ? "_AB_pkey" : "_AB_unique";
        buf_reset(lw);
        sqlbuf_putstr(&lw->buf, take_chars(tname, max - (uint32_t)strlen(suffix)));
        sqlbuf_puts(&lw->buf, suffix);
        key.kind = lw->d->m2m_primary_key ? SQLIDX_PRIMARY : SQLIDX_UNIQUE;
        key.name = buf_str(lw);
        key.columns = ab;
        key.ncolumns = 2;
        key.origin = origin;
        sql_add_index(lw->s, t, &key);

        SqlIndexColumn bcol[1] = {{cb, SORT_DEFAULT, -1, {"", 0}}};
        SqlIndex bidx = {0};
        buf_reset(lw);
        sqlbuf_putstr(&lw->buf, take_chars(tname, max - 8));
        sqlbuf_puts(&lw->buf, "_B_index");
        bidx.kind = SQLIDX_NORMAL;
        bidx.name = buf_str(lw);
        bidx.columns = bcol;
        bidx.ncolumns = 1;
        bidx.origin = origin;
        sql_add_index(lw->s, t, &bidx);

        if (!fks)
            continue;
        /* "We slightly diverge from the default naming conventions here": the table name is cut
         * to leave room for _A_fkey / _B_fkey, whatever the rest. */
        uint32_t max_table = max > 7 + 5 ? max - 5 - 2 : 0;
        for (int side = 0; side < 2; side++) {
            uint32_t model = side == 0 ? rel->model_a : rel->model_b;
            uint32_t col = side == 0 ? ca : cb;
            uint32_t ref = side == 0 ? ta : tb;
            uint32_t refcol = pk_first_column(lw, model);
            if (refcol == SQL_NONE)
                continue;
            buf_reset(lw);
            bool cut = side == 0 ? tname.len > max_table : tname.len >= max_table;
            Str base = tname;
            if (cut)
                base.len = sql_name_cut(tname, max_table, 0);
            sqlbuf_putstr(&lw->buf, base);
            sqlbuf_puts(&lw->buf, side == 0 ? "_A_fkey" : "_B_fkey");
            SqlForeignKey fk = {0};
            fk.name = buf_str(lw);
            fk.columns = &col;
            fk.referenced_columns = &refcol;
            fk.ncolumns = 1;
            fk.referenced_table = ref;
            fk.on_delete = fk.on_update = SQLACT_CASCADE;
            fk.origin = origin;
            sql_add_foreign_key(lw->s, t, &fk);
        }
    }
    free(order);
}

/* ---- the schema ---------------------------------------------------------------------------- */

static int cmp_str(const void *x, const void *y)
{
    const Str *a = x, *b = y;
    int c = memcmp(a->ptr, b->ptr, a->len < b->len ? a->len : b->len);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

typedef struct ExtOrder {
    Str written;
    SqlExtension ext;
} ExtOrder;

/* Prisma orders extensions by the name as written (not by map:). */
static int cmp_ext(const void *x, const void *y)
{
    return cmp_str(&((const ExtOrder *)x)->written, &((const ExtOrder *)y)->written);
}

static uint32_t namespace_of(Lower *lw, Str schema)
{
    if (!lw->d->has_namespaces)
        return SQL_NONE;
    Str name = schema.len ? schema : lw->s->default_namespace;
    for (uint32_t i = 0; i < lw->s->nnamespaces; i++)
        if (str_eq(lw->s->namespaces[i].name, name))
            return i;
    return sql_add_namespace(lw->s, name);
}

/* Where a string of the datasource block lies in its file (a `schemas` entry), else the block. */
static SqlOrigin datasource_origin(const Lower *lw, Str text)
{
    const DbDatasource *ds = lw->db->datasource;
    if (!ds || !ds->ast)
        return SQL_NO_ORIGIN;
    Span block = ds->ast->span;
    const Ast *ast = lw->db->ast;
    if (ast && ast->sources && block.file < ast->sources->count) {
        const Source *f = &ast->sources->files[block.file];
        if (text.ptr && text.ptr >= f->text && text.ptr + text.len <= f->text + f->len) {
            uint32_t start = (uint32_t)(text.ptr - f->text);
            return (SqlOrigin){block.file, start, start + text.len};
        }
    }
    return block;
}

static void lower_namespaces_and_extensions(Lower *lw)
{
    const DbDatasource *ds = lw->db->datasource;
    if (!lw->d->has_namespaces)
        return;
    /* Prisma creates the datasource's schemas in name order; the default one when none is listed */
    if (ds && ds->nschemas) {
        Str *names = calloc(ds->nschemas, sizeof *names);
        memcpy(names, ds->schemas, ds->nschemas * sizeof *names);
        qsort(names, ds->nschemas, sizeof *names, cmp_str);
        for (uint32_t i = 0; i < ds->nschemas; i++)
            if (i == 0 || !str_eq(names[i], names[i - 1])) {
                uint32_t ns = sql_add_namespace(lw->s, names[i]);
                lw->s->namespaces[ns].origin = datasource_origin(lw, names[i]);
            }
        free(names);
    } else {
        uint32_t ns = sql_add_namespace(lw->s, lw->s->default_namespace);
        lw->s->namespaces[ns].origin = datasource_origin(lw, (Str){NULL, 0});
    }
    if (!lw->d->has_extensions || !ds || !ds->extension_info)
        return;
    ExtOrder *exts = calloc(ds->nextensions + 1, sizeof *exts);
    for (uint32_t i = 0; i < ds->nextensions; i++) {
        const DbExtension *e = &ds->extension_info[i];
        exts[i].written = e->name;
        exts[i].ext.name = e->map.len ? e->map : e->name;
        exts[i].ext.schema = e->schema;
        exts[i].ext.version = e->version;
        exts[i].ext.origin = e->span;
    }
    qsort(exts, ds->nextensions, sizeof *exts, cmp_ext);
    for (uint32_t i = 0; i < ds->nextensions; i++)
        sql_add_extension(lw->s, &exts[i].ext);
    free(exts);
}

static void lower_enums(Lower *lw)
{
    const Db *db = lw->db;
    for (uint32_t i = 0; i < db->nenums; i++)
        lw->enum_map[i] = SQL_NONE;
    if (!lw->d->has_enums)
        return;
    for (uint32_t i = 0; i < db->nenums; i++) {
        const DbEnum *e = &db->enums[i];
        SqlOrigin origin = e->ast ? span_origin(e->ast->span) : SQL_NO_ORIGIN;
        uint32_t id = sql_add_enum(lw->s, namespace_of(lw, e->schema), e->db_name, origin);
        lw->enum_map[i] = id;
        for (uint32_t v = 0; v < e->nvalues; v++) {
            const DbEnumValue *ev = &db->enum_values[e->first_value + v];
            sql_add_enum_value(lw->s, id, ev->db_name, ev->ast ? span_origin(ev->ast->span) : SQL_NO_ORIGIN);
        }
    }
}

/* Every model's table, empty, in model order (views have none). */
static void create_tables(Lower *lw)
{
    const Db *db = lw->db;
    /* the namespace of the last model's schema, looked up again only when the next one's differs
     * (a large schema's models are mostly in one) */
    Str last_schema = {NULL, 0};
    uint32_t last_namespace = SQL_NONE;
    bool looked_up = false;
    for (uint32_t mi = 0; mi < db->nmodels; mi++) {
        const DbModel *m = &db->models[mi];
        lw->table_of_model[mi] = SQL_NONE;
        if (m->is_view)
            continue;
        /* The names of tables, columns and mapped constraints are kept as the schema gives them,
         * also past PostgreSQL's 63 bytes (which the database cuts): such a schema drifts against
         * its own database, as it does for Prisma (measured with its engine, the same script:
         * fixtures/sql/030-*, 034-*, 125-*.roundtrip). Only the names lowering makes up
         * (Model_field_key...) are cut, as Prisma cuts them. */
        SqlTable table = {0};
        table.name = lw_name(lw, m->db_name);
        lw_note_name(lw, m->mapped, m->db_name);
        if (!looked_up || !str_eq(m->schema, last_schema)) {
            last_schema = m->schema;
            last_namespace = namespace_of(lw, m->schema);
            looked_up = true;
        }
        table.namespace = last_namespace;
        table.origin = m->ast ? span_origin(m->ast->span) : SQL_NO_ORIGIN;
        ARENA_PUSH(&lw->s->arena, lw->s->tables, lw->s->ntables, lw->s->captables, table);
        lw->table_of_model[mi] = lw->s->ntables - 1;
    }
}

/* The columns, primary key, indexes and foreign keys of the tables of models [from, to). Each table is
 * written by one thread only. */
static void fill_tables(Lower *lw, uint32_t from, uint32_t to)
{
    const Db *db = lw->db;
    for (uint32_t mi = from; mi < to; mi++) {
        const DbModel *m = &db->models[mi];
        /* The syntax nodes this reads (the next model's block, this model's default values) are
         * scattered over the tree: ask for them all first, so that the cache misses overlap. */
        if (mi + 1 < to && db->models[mi + 1].ast)
            __builtin_prefetch(&db->models[mi + 1].ast->span);
        uint32_t t = lw->table_of_model[mi];
        if (t == SQL_NONE)
            continue;
        uint32_t ncolumns = 0;     /* the fields that make a column: room for exactly these */
        for (uint32_t k = 0; k < m->nfields; k++) {
            const DbField *f = &db->fields[m->first_field + k];
            if (f->def->kind == DBDEF_VALUE && f->def->expr)
                __builtin_prefetch(f->def->expr);
            ncolumns += makes_column(f->kind);
        }
        for (uint32_t k = 0; k < m->nindexes; k++)
            if (db->indexes[m->first_index + k].attr)
                __builtin_prefetch(&db->indexes[m->first_index + k].attr->span);
        if (m->pk != DB_NONE && db->indexes[m->pk].attr)
            __builtin_prefetch(&db->indexes[m->pk].attr->span);
        table_alloc(lw, &lw->s->tables[t], ncolumns, m->nindexes + (m->pk != DB_NONE), lw->fks_of_model[mi]);
        ModelFile file = {NULL, 0, lw->s->tables[t].origin.file};
        if (db->ast && db->ast->sources && file.id < db->ast->sources->count) {
            file.text = db->ast->sources->files[file.id].text;
            file.len = db->ast->sources->files[file.id].len;
        }
        SqlTable *table = &lw->s->tables[t];
        if (m->nfields > lw->colmap_cap) {
            lw->colmap_cap = m->nfields * 2;
            free(lw->colmap);
            lw->colmap = malloc(lw->colmap_cap * sizeof *lw->colmap);
            if (!lw->colmap) {
                fprintf(stderr, "prismac: out of memory\n");
                exit(2);
            }
        }
        lw->model_first = m->first_field;
        lw->model_nfields = m->nfields;
        if (lw->d->flavour == SQL_POSTGRES) {
            lower_columns(lw, table, m, file, true);
            lower_indexes(lw, table, m, true);
        } else {
            lower_columns(lw, table, m, file, false);
            lower_indexes(lw, table, m, false);
        }
        lower_model_foreign_keys(lw, mi, table);
    }
    lw->model_nfields = 0;  /* no model being filled: column_of asks the Db */
}

/* A schema of this many fields has its tables filled by two threads at once, which take the
 * next models a batch at a time, so that both end together however the cores are shared
 * (prismac sql validates meanwhile). The second has its own scratch; both allocate from blocks
 * of the schema's arena (lw_alloc). */
#define LOWER_SPLIT_FROM 8192
#define LOWER_BATCH 32      /* models taken at a time */

/* Fills the tables of batches of models from *next on until none is left. */
static void fill_batches(Lower *lw, atomic_uint *next)
{
    uint32_t n = lw->db->nmodels;
    for (;;) {
        uint32_t from = atomic_fetch_add(next, LOWER_BATCH);
        if (from >= n)
            return;
        fill_tables(lw, from, n - from > LOWER_BATCH ? from + LOWER_BATCH : n);
    }
}

/* Room for the tables of all models, their columns, indexes and foreign keys with the names
 * lowering makes, and a margin: a large schema's arena then starts on one chunk of huge pages
 * instead of doubling through chunks each left with a partly used huge page. Too much costs
 * address space only (pages are touched as they are used). */
static size_t fill_estimate(const Db *db)
{
    size_t models = db->nmodels + db->nrelations;  /* a join table per relation at most */
    return models * (sizeof(SqlTable) + 64) + (size_t)db->nfields * (sizeof(SqlColumn) + 2 * sizeof(uint32_t) + 32) +
           (size_t)(db->nindexes + models) * (sizeof(SqlIndex) + 64) +
           (size_t)(db->nindex_fields + 2 * models) * sizeof(SqlIndexColumn) +
           (size_t)db->nrelations * (sizeof(SqlForeignKey) + 64);
}

typedef struct FillPart {
    Lower lw;
    atomic_uint *next;
} FillPart;

static void *fill_part(void *arg)
{
    FillPart *part = arg;
    fill_batches(&part->lw, part->next);
    return NULL;
}

/* A thread's scratch (buffers, maps, memos) emptied, without freeing it: a copy of a Lower
 * that starts its own (fill_part's), or one whose scratch was freed. */
static void scratch_clear(Lower *lw)
{
    lw->buf = lw->tbuf = lw->obuf = (SqlBuf){0};
    lw->xnames = NULL;
    lw->colmap = NULL;
    lw->intern = NULL;
    lw->memo = NULL;
    lw->xcap = lw->colmap_cap = lw->model_nfields = 0;
    lw->intern_cap = lw->intern_count = lw->memo_cap = lw->memo_count = 0;
}

static void free_scratch(Lower *lw)
{
    sqlbuf_free(&lw->buf);
    sqlbuf_free(&lw->tbuf);
    sqlbuf_free(&lw->obuf);
    free(lw->xnames);
    free(lw->colmap);
    free(lw->intern);
    free(lw->memo);
    scratch_clear(lw);
}

static void lower_tables(Lower *lw)
{
    const Db *db = lw->db;
    create_tables(lw);
    fk_order_make(lw);
    if (db->nfields < LOWER_SPLIT_FROM) {
        fill_tables(lw, 0, db->nmodels);
        return;
    }
    atomic_uint next = 0;
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    lw->lock = &lock;
    FillPart part = {.lw = *lw, .next = &next};
    scratch_clear(&part.lw);
    pthread_t thread;
    bool started = parallel_thread_create(&thread, NULL, fill_part, &part, 0) == 0;
    fill_batches(lw, &next);
    if (started)
        pthread_join(thread, NULL);
    else
        fill_part(&part);
    /* the rest of each block stays unused: allocation goes back to the arena itself */
    lw->lock = NULL;
    lw->cur = lw->end = NULL;
    pthread_mutex_destroy(&lock);
    lw->quoted |= part.lw.quoted;
    free_scratch(&part.lw);
}

static SqlSchema *lower_with(const Db *db, const Dialect *dialect, bool borrow)
{
    Lower lw = {0};
    lw.db = db;
    lw.d = dialect;
    lw.borrow = borrow;
    lw.s = sql_schema_new(dialect->flavour);
    lw.arena = &lw.s->arena;
    lw.s->partial_indexes_gated = !db_preview_feature(db, "partialIndexes");
    arena_reserve(&lw.s->arena, fill_estimate(db));
    lw.table_of_model = calloc(db->nmodels + 1, sizeof *lw.table_of_model);
    lw.enum_map = calloc(db->nenums + 1, sizeof *lw.enum_map);
    lw.fks_of_model = calloc(db->nmodels + 1, sizeof *lw.fks_of_model);
    uint32_t njoin = 0;
    for (uint32_t r = 0; r < db->nrelations; r++) {
        const DbRelation *rel = &db->relations[r];
        if (rel->kind == DBREL_MANY_TO_MANY)
            njoin++;
        else if (rel->model_a < db->nmodels)
            lw.fks_of_model[rel->model_a]++;
    }
    sql_schema_reserve(lw.s, db->nmodels + njoin, lw.d->has_enums ? db->nenums : 0);

    lower_namespaces_and_extensions(&lw);
    lower_enums(&lw);
    /* plain until a name says otherwise (the join tables' are checked as they are added) */
    lw.s->plain_names = true;
    lower_tables(&lw);
    if (lw.quoted)
        lw.s->plain_names = false;
    lower_join_tables(&lw);

    free_scratch(&lw);
    free(lw.fks_of_model);
    free(lw.fk_order);
    free(lw.fk_first);
    free(lw.table_of_model);
    free(lw.enum_map);
    return lw.s;
}

SqlSchema *lower_schema(const Db *db, const Dialect *dialect)
{
    return lower_with(db, dialect, false);
}

SqlSchema *lower_schema_borrowing(const Db *db, const Dialect *dialect)
{
    return lower_with(db, dialect, true);
}
