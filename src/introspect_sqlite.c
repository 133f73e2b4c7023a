/* SQLite introspection: four queries for the whole database (sqlite_master, and the
 * table_info, index_list + index_xinfo and foreign_key_list pragmas joined to it as
 * table-valued functions), on a connection opened read-only, read into a SqlSchema the way
 * Prisma's describer reads it. Foreign key and CHECK constraint names, which the pragmas do
 * not report, come from the CREATE TABLE text. */
#include "prismac/introspect.h"

#include <ctype.h>
#include <errno.h>
#include "sqlitelib.h"  /* libsqlite3, loaded on first use */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_STATEMENT_TIMEOUT_MS 30000

enum { Q_MASTER, Q_COLUMNS, Q_INDEXES, Q_FOREIGN_KEYS, NQUERIES };

/* The shadow tables a virtual table keeps its data in (FTS5's NAME_data, NAME_idx, ...; SQLite
 * marks them, 3.37+) belong to it: not tables of their own. */
#define NOT_SHADOW "m.name NOT IN (SELECT t.name FROM pragma_table_list t WHERE t.type = 'shadow') "

#define USER_TABLES                                                                                                 \
    "m.type = 'table' AND substr(m.name, 1, 7) <> 'sqlite_' AND m.name <> '_prisma_migrations' "                   \
    "AND coalesce(m.sql, '') NOT LIKE 'CREATE VIRTUAL%' AND " NOT_SHADOW

static const char *const QUERIES[NQUERIES] = {
    [Q_MASTER] = "SELECT m.type, m.name, m.tbl_name, m.sql FROM sqlite_master m "
                 "WHERE substr(m.name, 1, 7) <> 'sqlite_' AND " NOT_SHADOW "ORDER BY m.name",
    [Q_COLUMNS] = "SELECT m.name, p.cid, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk "
                  "FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE " USER_TABLES,
    [Q_INDEXES] = "SELECT m.name, il.name, il.\"unique\", il.origin, il.partial, ix.seqno, ix.cid, ix.\"desc\" "
                  "FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_xinfo(il.name) ix "
                  "WHERE " USER_TABLES "AND ix.key = 1",
    [Q_FOREIGN_KEYS] = "SELECT m.name, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete "
                       "FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE " USER_TABLES,
};

/* ---- partial indexes ------------------------------------------------------------------------ */

/* The condition of a partial index: the text after the WHERE of its CREATE INDEX statement (as
 * sqlite_master keeps it), white space trimmed, as Prisma's describer reads it and compares it
 * (as text). WHERE is found as a keyword outside parentheses, string literals, quoted names
 * ("x", `x`, [x]) and comments; comments after it are part of the condition. (Prisma's own
 * describer finds the keyword by its column on its line: on a CREATE INDEX written over several
 * lines it takes the wrong text. prismac does not copy that.) False when there is none. */
static bool index_condition(const char *sql, Str *out)
{
    int depth = 0;
    for (const char *p = sql; *p;) {
        char c = *p;
        if (c == '\'' || c == '"' || c == '`') {     /* the quote doubled inside */
            for (p++; *p; p++)
                if (*p == c) {
                    if (p[1] != c) {
                        p++;
                        break;
                    }
                    p++;
                }
            continue;
        }
        if (c == '[') {
            const char *e = strchr(p, ']');
            p = e ? e + 1 : p + strlen(p);
            continue;
        }
        if (c == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        if (c == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            p = e ? e + 2 : p + strlen(p);
            continue;
        }
        if (c == '(' || c == ')') {
            depth += c == '(' ? 1 : -1;
            p++;
            continue;
        }
        bool word_start = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (unsigned char)c >= 0x80;
        if (!word_start) {
            p++;
            continue;
        }
        const char *w = p;
        while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
               *p == '$' || (unsigned char)*p >= 0x80)
            p++;
        if (depth == 0 && p - w == 5 && strncasecmp(w, "where", 5) == 0) {
            while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
                p++;
            const char *e = p + strlen(p);
            while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r' || e[-1] == '\f' ||
                             e[-1] == '\v'))
                e--;
            *out = (Str){p, (uint32_t)(e - p)};
            return e > p;
        }
    }
    return false;
}

/* ---- rows --------------------------------------------------------------------------------- */

/* All rows of one query, as NUL-terminated strings (NULL for SQL NULL), in one malloc'd block
 * per row. */
typedef struct Rows {
    char ***rows;
    int nrows, cap, ncols;
} Rows;

static void rows_free(Rows *r)
{
    for (int i = 0; i < r->nrows; i++)
        free(r->rows[i]);
    free(r->rows);
    memset(r, 0, sizeof *r);
}

static const char *cell(const Rows *r, int row, int col)
{
    return r->rows[row][col];
}

static const char *cell_s(const Rows *r, int row, int col)
{
    const char *s = r->rows[row][col];
    return s ? s : "";
}

static int cell_i(const Rows *r, int row, int col)
{
    const char *s = r->rows[row][col];
    return s ? atoi(s) : 0;
}

typedef struct Deadline {
    double at;
    bool expired;
} Deadline;

static int progress(void *arg)
{
    Deadline *d = arg;
    if (introspect_now_ms() > d->at) {
        d->expired = true;
        return 1;
    }
    return 0;
}

static bool run_query(sqlite3 *db, const char *sql, Rows *out, const Deadline *deadline, DbError *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        out->ncols = sqlite3_column_count(st);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            size_t size = (size_t)out->ncols * sizeof(char *);
            for (int c = 0; c < out->ncols; c++)
                if (sqlite3_column_type(st, c) != SQLITE_NULL)
                    size += (size_t)sqlite3_column_bytes(st, c) + 1;
            char **row = malloc(size);
            char *p = (char *)(row + out->ncols);
            for (int c = 0; c < out->ncols; c++) {
                if (sqlite3_column_type(st, c) == SQLITE_NULL) {
                    row[c] = NULL;
                    continue;
                }
                const unsigned char *t = sqlite3_column_text(st, c);
                int n = sqlite3_column_bytes(st, c);
                memcpy(p, t ? (const char *)t : "", (size_t)n);
                p[n] = '\0';
                row[c] = p;
                p += n + 1;
            }
            if (out->nrows == out->cap) {
                out->cap = out->cap ? out->cap * 2 : 64;
                out->rows = realloc(out->rows, (size_t)out->cap * sizeof *out->rows);
            }
            out->rows[out->nrows++] = row;
        }
    }
    if (rc != SQLITE_DONE) {
        int code = sqlite3_errcode(db) & 0xff;
        DbErrorKind kind = deadline->expired                      ? DBERR_TIMEOUT
                           : code == SQLITE_NOTADB                ? DBERR_NOT_A_DATABASE
                           : code == SQLITE_BUSY || code == SQLITE_LOCKED ? DBERR_TIMEOUT
                           : code == SQLITE_PERM || code == SQLITE_AUTH   ? DBERR_PERMISSION
                           : code == SQLITE_CANTOPEN              ? DBERR_PERMISSION
                                                                  : DBERR_QUERY;
        err->kind = kind;
        snprintf(err->detail, sizeof err->detail, "%s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return false;
    }
    sqlite3_finalize(st);
    return true;
}

/* The pragma queries come without ORDER BY (sorting their text in SQL costs more than the
 * rest of the query): rows are sorted here, by the table's name (column 0), then by the
 * columns listed (a text column when its number is negative: -1 for column 1). */
static int row_cmp(char *const *x, char *const *y, const int *keys, int nkeys)
{
    int c = strcmp(x[0] ? x[0] : "", y[0] ? y[0] : "");
    for (int k = 0; !c && k < nkeys; k++) {
        int col = keys[k] < 0 ? -keys[k] : keys[k];
        const char *p = x[col] ? x[col] : "", *q = y[col] ? y[col] : "";
        if (keys[k] < 0) {
            c = strcmp(p, q);
        } else {
            long u = atol(p), v = atol(q);
            c = u < v ? -1 : u > v;
        }
    }
    return c;
}

static int column_row_cmp(const void *a, const void *b)
{
    static const int keys[] = {1};   /* cid */
    return row_cmp(*(char **const *)a, *(char **const *)b, keys, 1);
}

static int index_row_cmp(const void *a, const void *b)
{
    static const int keys[] = {-1, 5};   /* index name, seqno */
    return row_cmp(*(char **const *)a, *(char **const *)b, keys, 2);
}

static int fk_row_cmp(const void *a, const void *b)
{
    static const int keys[] = {1, 2};   /* id, seq */
    return row_cmp(*(char **const *)a, *(char **const *)b, keys, 2);
}

static void rows_sort(Rows *r, int (*cmp)(const void *, const void *))
{
    if (r->nrows > 1)
        qsort(r->rows, (size_t)r->nrows, sizeof *r->rows, cmp);
}

/* ---- the CREATE TABLE text: foreign key and CHECK names ------------------------------------ */

typedef struct SqlTok {
    char kind;          /* 'i' identifier (any quoting), 's' string, 'p' punctuation, 0 end */
    const char *start;
    size_t len;
} SqlTok;

static const char *skip_space(const char *p)
{
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            p = e ? e + 2 : p + strlen(p);
        } else {
            return p;
        }
    }
}

static const char *sql_token(const char *p, SqlTok *t)
{
    p = skip_space(p);
    t->start = p;
    if (!*p) {
        t->kind = 0;
        t->len = 0;
        return p;
    }
    char close = *p == '"' ? '"' : *p == '`' ? '`' : *p == '[' ? ']' : *p == '\'' ? '\'' : 0;
    if (close) {
        p++;
        while (*p) {
            if (*p == close && p[1] == close && close != ']')
                p += 2;
            else if (*p == close)
                break;
            else
                p++;
        }
        if (*p)
            p++;
        t->kind = close == '\'' ? 's' : 'i';
    } else if (isalnum((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80) {
        while (isalnum((unsigned char)*p) || *p == '_' || *p == '$' || (unsigned char)*p >= 0x80)
            p++;
        t->kind = 'i';
    } else {
        p++;
        t->kind = 'p';
    }
    t->len = (size_t)(p - t->start);
    return p;
}

static bool tok_word(const SqlTok *t, const char *word)
{
    size_t n = strlen(word);
    return t->kind == 'i' && t->len == n && strncasecmp(t->start, word, n) == 0;
}

static bool tok_punct(const SqlTok *t, char c)
{
    return t->kind == 'p' && t->start[0] == c;
}

/* An identifier's name without its quotes (malloc'd). */
static char *ident_name(const SqlTok *t)
{
    const char *s = t->start;
    size_t n = t->len;
    char q = s[0];
    if (q == '"' || q == '`' || q == '[' || q == '\'') {
        char close = q == '[' ? ']' : q;
        char *out = malloc(n + 1);
        size_t k = 0;
        for (size_t i = 1; i + 1 < n; i++) {
            out[k++] = s[i];
            if (s[i] == close && close != ']' && i + 2 < n && s[i + 1] == close)
                i++;
        }
        out[k] = '\0';
        return out;
    }
    return strndup(s, n);
}

typedef struct NamedFk {
    char *name;
    char **cols;
    uint32_t ncols;
    char *table;
    bool used;
} NamedFk;

typedef struct TableText {
    NamedFk *fks;
    uint32_t nfks, capfks;
} TableText;

static void table_text_free(TableText *tt)
{
    for (uint32_t i = 0; i < tt->nfks; i++) {
        free(tt->fks[i].name);
        for (uint32_t k = 0; k < tt->fks[i].ncols; k++)
            free(tt->fks[i].cols[k]);
        free(tt->fks[i].cols);
        free(tt->fks[i].table);
    }
    free(tt->fks);
    memset(tt, 0, sizeof *tt);
}

static void push_fk(TableText *tt, NamedFk fk)
{
    if (tt->nfks == tt->capfks) {
        tt->capfks = tt->capfks ? tt->capfks * 2 : 4;
        tt->fks = realloc(tt->fks, tt->capfks * sizeof *tt->fks);
    }
    tt->fks[tt->nfks++] = fk;
}

/* Reads `( a, b )` into names; p is after the `(`. */
static const char *read_name_list(const char *p, char ***names, uint32_t *n)
{
    SqlTok t;
    *names = NULL;
    *n = 0;
    for (;;) {
        p = sql_token(p, &t);
        if (t.kind == 'i') {
            *names = realloc(*names, (*n + 1) * sizeof **names);
            (*names)[(*n)++] = ident_name(&t);
            /* skip COLLATE x / ASC / DESC up to , or ) */
            SqlTok u;
            const char *q = p;
            for (;;) {
                q = sql_token(q, &u);
                if (!u.kind || tok_punct(&u, ',') || tok_punct(&u, ')'))
                    break;
                p = q;
            }
            continue;
        }
        if (tok_punct(&t, ','))
            continue;
        return p;   /* ')' or the end */
    }
}

/* Scans a CREATE TABLE statement: named foreign keys (table and column level) and CHECK
 * constraints (reported as unmanaged objects of `table`). */
static void scan_create_table(const char *sql, SqlSchema *schema, uint32_t table, TableText *tt)
{
    const char *p = sql;
    SqlTok t;
    /* up to the opening parenthesis of the definition list */
    do
        p = sql_token(p, &t);
    while (t.kind && !tok_punct(&t, '('));
    int depth = 1;
    char *constraint = NULL;    /* CONSTRAINT name just read */
    char *column = NULL;        /* the column being defined, at the start of an element */
    bool element_start = true;
    while (depth > 0) {
        const char *before = p;
        p = sql_token(p, &t);
        if (!t.kind)
            break;
        if (tok_punct(&t, '(')) {
            depth++;
            element_start = false;
            continue;
        }
        if (tok_punct(&t, ')')) {
            depth--;
            continue;
        }
        if (depth != 1)
            continue;
        if (tok_punct(&t, ',')) {
            free(constraint);
            free(column);
            constraint = column = NULL;
            element_start = true;
            continue;
        }
        if (tok_word(&t, "CONSTRAINT")) {
            SqlTok n;
            p = sql_token(p, &n);
            free(constraint);
            constraint = ident_name(&n);
            element_start = false;
            continue;
        }
        if (element_start) {
            element_start = false;
            if (!tok_word(&t, "PRIMARY") && !tok_word(&t, "UNIQUE") && !tok_word(&t, "CHECK") &&
                !tok_word(&t, "FOREIGN") && t.kind == 'i') {
                column = ident_name(&t);
                continue;
            }
        }
        if (tok_word(&t, "CHECK")) {
            /* CHECK ( ... ): the text up to the matching parenthesis */
            const char *q = p;
            SqlTok u;
            q = sql_token(q, &u);
            if (tok_punct(&u, '(')) {
                int d = 1;
                while (d > 0) {
                    q = sql_token(q, &u);
                    if (!u.kind)
                        break;
                    if (tok_punct(&u, '('))
                        d++;
                    else if (tok_punct(&u, ')'))
                        d--;
                }
                const char *start = skip_space(before);
                SqlUnmanaged um = {UNMANAGED_CHECK, {constraint ? constraint : "", constraint ? (uint32_t)strlen(constraint) : 0},
                                   table, {start, (uint32_t)(q - start)}};
                sql_add_unmanaged(schema, &um);
                p = q;
            }
            free(constraint);
            constraint = NULL;
            continue;
        }
        if (tok_word(&t, "FOREIGN") || tok_word(&t, "REFERENCES")) {
            NamedFk fk = {0};
            if (tok_word(&t, "FOREIGN")) {
                SqlTok u;
                p = sql_token(p, &u);   /* KEY */
                p = sql_token(p, &u);   /* ( */
                if (!tok_punct(&u, '('))
                    continue;
                p = read_name_list(p, &fk.cols, &fk.ncols);
                p = sql_token(p, &u);   /* REFERENCES */
                if (!tok_word(&u, "REFERENCES")) {
                    for (uint32_t k = 0; k < fk.ncols; k++)
                        free(fk.cols[k]);
                    free(fk.cols);
                    continue;
                }
            } else if (column) {
                fk.cols = malloc(sizeof *fk.cols);
                fk.cols[0] = strdup(column);
                fk.ncols = 1;
            } else {
                continue;
            }
            SqlTok tn;
            p = sql_token(p, &tn);
            fk.table = ident_name(&tn);
            fk.name = constraint ? constraint : strdup("");
            constraint = NULL;
            push_fk(tt, fk);
        }
    }
    free(constraint);
    free(column);
}

/* ---- types and defaults ------------------------------------------------------------------- */

static SqlTypeFamily sqlite_family(const char *declared)
{
    char t[64];
    size_t n = strlen(declared);
    if (n >= sizeof t)
        return SQLT_UNSUPPORTED;
    for (size_t i = 0; i <= n; i++)
        t[i] = (char)tolower((unsigned char)declared[i]);
    static const struct {
        const char *name;
        SqlTypeFamily family;
    } exact[] = {
        {"int", SQLT_INT},         {"integer", SQLT_INT},      {"serial", SQLT_INT},   {"bigint", SQLT_BIGINT},
        {"real", SQLT_FLOAT},      {"float", SQLT_FLOAT},      {"double", SQLT_FLOAT}, {"boolean", SQLT_BOOLEAN},
        /* the same storage and values as BOOLEAN and BIGINT (fixtures/drift 012; Prisma's
         * describer says Unsupported, prismac deliberately does not) */
        {"bool", SQLT_BOOLEAN},    {"int8", SQLT_BIGINT},
        {"text", SQLT_STRING},     {"date", SQLT_DATETIME},    {"datetime", SQLT_DATETIME},
        {"timestamp", SQLT_DATETIME}, {"binary", SQLT_BINARY}, {"blob", SQLT_BINARY},  {"jsonb", SQLT_JSON},
    };
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (strcmp(t, exact[i].name) == 0)
            return exact[i].family;
    if (strstr(t, "char"))
        return SQLT_STRING;
    if (strstr(t, "numeric") || strstr(t, "decimal"))
        return SQLT_DECIMAL;
    return SQLT_UNSUPPORTED;
}

static bool integer_literal(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!isdigit((unsigned char)*s))
        return false;
    while (isdigit((unsigned char)*s))
        s++;
    return !*s;
}

static bool number_literal(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    bool digits = false;
    while (isdigit((unsigned char)*s))
        s++, digits = true;
    if (*s == '.')
        for (s++; isdigit((unsigned char)*s); s++)
            digits = true;
    if (digits && (*s == 'e' || *s == 'E')) {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        if (!isdigit((unsigned char)*s))
            return false;
        while (isdigit((unsigned char)*s))
            s++;
    }
    return digits && !*s;
}

/* A single-quoted string literal, nothing after it. */
static bool string_literal(const char *s)
{
    if (*s != '\'')
        return false;
    s++;
    while (*s) {
        if (*s == '\'') {
            if (s[1] == '\'') {
                s += 2;
                continue;
            }
            return s[1] == '\0';
        }
        s++;
    }
    return false;
}

/* What SQLite takes after DEFAULT without parentheses: a literal or a CURRENT_* keyword. */
static bool bare_keyword(const char *s)
{
    return strcasecmp(s, "CURRENT_TIME") == 0 || strcasecmp(s, "CURRENT_DATE") == 0 ||
           strcasecmp(s, "CURRENT_TIMESTAMP") == 0 || strcasecmp(s, "TRUE") == 0 || strcasecmp(s, "FALSE") == 0 ||
           string_literal(s) || number_literal(s) ||
           ((s[0] == 'X' || s[0] == 'x') && string_literal(s + 1));
}

/* dflt_value is the default's text exactly as written in CREATE TABLE, which for a database
 * made by Prisma's DDL is already Prisma's spelling; only the kind needs deciding. */
static void sqlite_default(const char *text, SqlTypeFamily family, SqlSchema *schema, SqlDefault *def)
{
    memset(def, 0, sizeof *def);
    if (!text)
        return;
    while (isspace((unsigned char)*text))
        text++;
    size_t n = strlen(text);
    while (n > 0 && isspace((unsigned char)text[n - 1]))
        n--;
    char *s = strndup(text, n);
    const char *value = NULL;
    def->kind = SQLDEF_EXPRESSION;
    if (strcasecmp(s, "NULL") == 0) {
        def->kind = SQLDEF_NONE;
    } else {
        switch (family) {
        case SQLT_INT:
        case SQLT_BIGINT:
            if (integer_literal(s))
                def->kind = SQLDEF_VALUE, value = s[0] == '+' ? s + 1 : s;
            break;
        case SQLT_FLOAT:
        case SQLT_DECIMAL:
            if (number_literal(s))
                def->kind = SQLDEF_VALUE, value = s[0] == '+' ? s + 1 : s;
            break;
        case SQLT_BOOLEAN:
            if (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0)
                def->kind = SQLDEF_VALUE, value = "true";
            else if (strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0)
                def->kind = SQLDEF_VALUE, value = "false";
            break;
        case SQLT_DATETIME:
            if (strcasecmp(s, "CURRENT_TIMESTAMP") == 0 || strcasecmp(s, "datetime('now')") == 0 ||
                strcasecmp(s, "datetime('now', 'localtime')") == 0)
                def->kind = SQLDEF_NOW, value = "CURRENT_TIMESTAMP";
            else if (string_literal(s))
                def->kind = SQLDEF_VALUE;
            break;
        case SQLT_STRING:
        case SQLT_JSON:
        case SQLT_BINARY:
        case SQLT_UUID:
        case SQLT_ENUM:
            if (string_literal(s) || (family == SQLT_JSON && (number_literal(s) || strcasecmp(s, "true") == 0 ||
                                                               strcasecmp(s, "false") == 0)))
                def->kind = SQLDEF_VALUE;
            break;
        case SQLT_UNSUPPORTED:
            break;
        }
    }
    if (def->kind == SQLDEF_EXPRESSION && !bare_keyword(s)) {
        /* SQLite keeps DEFAULT (expr) as expr; Prisma's DDL (and dbgenerated("(expr)")) has the
         * parentheses an expression needs there */
        char *wrapped = malloc(strlen(s) + 3);
        sprintf(wrapped, "(%s)", s);
        def->sql = sql_str(schema, wrapped, strlen(wrapped));
        free(wrapped);
    } else if (def->kind != SQLDEF_NONE) {
        if (!value)
            value = s;
        def->sql = sql_str(schema, value, strlen(value));
    }
    free(s);
}

/* ---- building ----------------------------------------------------------------------------- */

typedef struct NameIndex {
    const char *name;
    uint32_t id;
} NameIndex;

static int name_index_cmp(const void *a, const void *b)
{
    return strcmp(((const NameIndex *)a)->name, ((const NameIndex *)b)->name);
}

static uint32_t name_lookup(const NameIndex *items, uint32_t n, const char *name)
{
    NameIndex key = {name, 0};
    const NameIndex *hit = bsearch(&key, items, n, sizeof *items, name_index_cmp);
    return hit ? hit->id : SQL_NONE;
}

/* Table names in SQLite compare without regard to ASCII case. */
static uint32_t name_lookup_ci(const SqlSchema *schema, const NameIndex *items, uint32_t n, const char *name)
{
    uint32_t id = name_lookup(items, n, name);
    if (id != SQL_NONE)
        return id;
    for (uint32_t i = 0; i < schema->ntables; i++)
        if (strlen(name) == schema->tables[i].name.len &&
            strncasecmp(schema->tables[i].name.ptr, name, schema->tables[i].name.len) == 0)
            return i;
    return SQL_NONE;
}

static uint32_t column_ci(const SqlTable *t, const char *name)
{
    size_t n = strlen(name);
    for (uint32_t i = 0; i < t->ncolumns; i++)
        if (t->columns[i].name.len == n && strncasecmp(t->columns[i].name.ptr, name, n) == 0)
            return i;
    return SQL_NONE;
}

static Str str_of(const char *s)
{
    return (Str){s ? s : "", s ? (uint32_t)strlen(s) : 0};
}

static SqlAction sqlite_action(const char *s)
{
    if (!s)
        return SQLACT_NO_ACTION;
    if (strcasecmp(s, "CASCADE") == 0)
        return SQLACT_CASCADE;
    if (strcasecmp(s, "RESTRICT") == 0)
        return SQLACT_RESTRICT;
    if (strcasecmp(s, "SET NULL") == 0)
        return SQLACT_SET_NULL;
    if (strcasecmp(s, "SET DEFAULT") == 0)
        return SQLACT_SET_DEFAULT;
    return SQLACT_NO_ACTION;
}

static void build(SqlSchema *schema, Rows *q)
{
    Rows *m = &q[Q_MASTER];
    /* tables first (sorted by name, as queried), then the other objects */
    NameIndex *tables = calloc((size_t)m->nrows + 1, sizeof *tables);
    uint32_t ntables = 0;
    TableText *texts = calloc((size_t)m->nrows + 1, sizeof *texts);
    for (int i = 0; i < m->nrows; i++) {
        const char *type = cell_s(m, i, 0), *name = cell_s(m, i, 1), *sql = cell_s(m, i, 3);
        if (strcmp(type, "table") != 0 || strcmp(name, "_prisma_migrations") == 0)
            continue;
        if (strncasecmp(sql, "CREATE VIRTUAL", 14) == 0) {
            SqlUnmanaged u = {UNMANAGED_OTHER, str_of(name), SQL_NONE, str_of(sql)};
            sql_add_unmanaged(schema, &u);
            continue;
        }
        uint32_t id = sql_add_table(schema, SQL_NONE, str_of(name), SQL_NO_ORIGIN);
        tables[ntables++] = (NameIndex){cell_s(m, i, 1), id};
    }
    qsort(tables, ntables, sizeof *tables, name_index_cmp);
    for (int i = 0; i < m->nrows; i++) {
        const char *type = cell_s(m, i, 0), *name = cell_s(m, i, 1), *sql = cell_s(m, i, 3);
        if (strcmp(type, "view") == 0) {
            SqlUnmanaged u = {UNMANAGED_VIEW, str_of(name), SQL_NONE, str_of(sql)};
            sql_add_unmanaged(schema, &u);
        } else if (strcmp(type, "trigger") == 0) {
            uint32_t t = name_lookup_ci(schema, tables, ntables, cell_s(m, i, 2));
            SqlUnmanaged u = {UNMANAGED_TRIGGER, str_of(name), t, str_of(sql)};
            sql_add_unmanaged(schema, &u);
        }
    }

    /* columns and primary keys */
    Rows *c = &q[Q_COLUMNS];
    uint32_t *pk = malloc(((size_t)c->nrows + 1) * sizeof *pk);
    for (int i = 0; i < c->nrows;) {
        int j = i;
        while (j < c->nrows && strcmp(cell_s(c, j, 0), cell_s(c, i, 0)) == 0)
            j++;
        uint32_t table = name_lookup(tables, ntables, cell_s(c, i, 0));
        if (table == SQL_NONE) {
            i = j;
            continue;
        }
        uint32_t npk = 0;
        for (int r = i; r < j; r++) {
            SqlColumn col = {0};
            col.name = str_of(cell_s(c, r, 2));
            const char *declared = cell_s(c, r, 3);
            col.type.family = sqlite_family(declared);
            col.type.enum_id = SQL_NONE;
            char *spelled = strdup(declared);
            if (col.type.family != SQLT_UNSUPPORTED)
                for (char *p = spelled; *p; p++)
                    *p = (char)toupper((unsigned char)*p);
            col.type.name = str_of(spelled);
            col.nullable = cell_i(c, r, 4) == 0;
            col.origin = SQL_NO_ORIGIN;
            sqlite_default(cell(c, r, 5), col.type.family, schema, &col.def);
            uint32_t pos = sql_add_column(schema, table, &col);
            free(spelled);
            int pkpos = cell_i(c, r, 6);
            if (pkpos > 0)
                pk[npk++] = ((uint32_t)pkpos << 16) | pos;
        }
        if (npk) {
            /* in key order */
            for (uint32_t a = 1; a < npk; a++)
                for (uint32_t b = a; b > 0 && pk[b - 1] > pk[b]; b--) {
                    uint32_t tmp = pk[b];
                    pk[b] = pk[b - 1];
                    pk[b - 1] = tmp;
                }
            SqlIndexColumn *cols = calloc(npk, sizeof *cols);
            for (uint32_t k = 0; k < npk; k++)
                cols[k] = (SqlIndexColumn){pk[k] & 0xffff, SORT_DEFAULT, -1, {0}};
            SqlIndex idx = {.kind = SQLIDX_PRIMARY, .columns = cols, .ncolumns = npk, .origin = SQL_NO_ORIGIN};
            sql_add_index(schema, table, &idx);
            free(cols);
            /* As Prisma reads SQLite: a one-column INTEGER primary key is the rowid, which
             * autoincrements (with or without the AUTOINCREMENT keyword). */
            SqlColumn *col = &schema->tables[table].columns[pk[0] & 0xffff];
            if (npk == 1 && col->type.name.len == 7 && strncasecmp(col->type.name.ptr, "INTEGER", 7) == 0)
                col->autoincrement = true;   /* (no default: SQLite has no sequence, see sqlschema.h) */
        }
        i = j;
    }
    free(pk);

    /* The index definitions (for unmanaged ones) by name. */
    NameIndex *index_sql = calloc((size_t)m->nrows + 1, sizeof *index_sql);
    uint32_t nindex_sql = 0;
    for (int i = 0; i < m->nrows; i++)
        if (strcmp(cell_s(m, i, 0), "index") == 0)
            index_sql[nindex_sql++] = (NameIndex){cell_s(m, i, 1), (uint32_t)i};
    qsort(index_sql, nindex_sql, sizeof *index_sql, name_index_cmp);

    /* indexes: rows grouped by (table, index) */
    Rows *x = &q[Q_INDEXES];
    SqlIndexColumn *cols = malloc(((size_t)x->nrows + 1) * sizeof *cols);
    for (int i = 0; i < x->nrows;) {
        int j = i;
        while (j < x->nrows && strcmp(cell_s(x, j, 0), cell_s(x, i, 0)) == 0 &&
               strcmp(cell_s(x, j, 1), cell_s(x, i, 1)) == 0)
            j++;
        uint32_t table = name_lookup(tables, ntables, cell_s(x, i, 0));
        const char *name = cell_s(x, i, 1), *origin = cell_s(x, i, 3);
        if (table == SQL_NONE || strcmp(origin, "pk") == 0) {
            i = j;
            continue;
        }
        uint32_t def_row = name_lookup(index_sql, nindex_sql, name);
        const char *def = def_row != SQL_NONE ? cell_s(m, (int)def_row, 3) : "";
        bool expression = false, rowid = false;
        uint32_t n = 0;
        for (int r = i; r < j; r++) {
            int cid = cell_i(x, r, 6);
            if (cid == -2)
                expression = true;
            else if (cid < 0)
                rowid = true;
            else
                cols[n++] = (SqlIndexColumn){(uint32_t)cid, cell_i(x, r, 7) ? SORT_DESC : SORT_DEFAULT, -1, {0}};
        }
        Str where = {"", 0};
        bool partial = cell_i(x, i, 4) != 0, condition = partial && index_condition(def, &where);
        if ((partial && !condition) || expression || rowid) {
            SqlUnmanaged u = {expression ? UNMANAGED_EXPRESSION_INDEX
                              : partial  ? UNMANAGED_PARTIAL_INDEX
                                         : UNMANAGED_OTHER,
                              str_of(name), table, str_of(def)};
            sql_add_unmanaged(schema, &u);
        } else {
            SqlIndex idx = {.kind = cell_i(x, i, 2) ? SQLIDX_UNIQUE : SQLIDX_NORMAL, .name = str_of(name),
                            .columns = cols, .ncolumns = n, .predicate = where, .origin = SQL_NO_ORIGIN};
            sql_add_index(schema, table, &idx);
            if (partial) {  /* also apart, for a schema without partialIndexes (sqlschema.h) */
                SqlUnmanaged u = {UNMANAGED_PARTIAL_INDEX, str_of(name), table, str_of(def)};
                sql_add_unmanaged(schema, &u);
            }
        }
        i = j;
    }
    free(cols);
    free(index_sql);

    /* foreign keys, named from the CREATE TABLE text; CHECK constraints from it too */
    for (int i = 0; i < m->nrows; i++) {
        if (strcmp(cell_s(m, i, 0), "table") != 0)
            continue;
        uint32_t table = name_lookup(tables, ntables, cell_s(m, i, 1));
        if (table != SQL_NONE)
            scan_create_table(cell_s(m, i, 3), schema, table, &texts[table]);
    }
    Rows *f = &q[Q_FOREIGN_KEYS];
    uint32_t *fcols = malloc(((size_t)f->nrows + 1) * sizeof *fcols);
    uint32_t *rcols = malloc(((size_t)f->nrows + 1) * sizeof *rcols);
    /* A table's foreign keys in the order CREATE TABLE declares them (the pragma numbers them
     * from the last one): its position among the text's clauses, per key added. */
    uint32_t *order = malloc(((size_t)f->nrows + 1) * sizeof *order);
    uint32_t cur_table = SQL_NONE;
    for (int i = 0; i <= f->nrows;) {
        uint32_t next_table = i < f->nrows ? name_lookup(tables, ntables, cell_s(f, i, 0)) : SQL_NONE;
        if (cur_table != SQL_NONE && (i == f->nrows || next_table != cur_table)) {
            SqlTable *t = &schema->tables[cur_table];
            for (uint32_t a = 1; a < t->nfks; a++)
                for (uint32_t b2 = a; b2 > 0 && order[b2 - 1] > order[b2]; b2--) {
                    uint32_t ko = order[b2];
                    order[b2] = order[b2 - 1];
                    order[b2 - 1] = ko;
                    SqlForeignKey kf = t->fks[b2];
                    t->fks[b2] = t->fks[b2 - 1];
                    t->fks[b2 - 1] = kf;
                }
        }
        if (i == f->nrows)
            break;
        cur_table = next_table;
        int j = i;
        while (j < f->nrows && strcmp(cell_s(f, j, 0), cell_s(f, i, 0)) == 0 && cell_i(f, j, 1) == cell_i(f, i, 1))
            j++;
        uint32_t table = name_lookup(tables, ntables, cell_s(f, i, 0));
        uint32_t ref = name_lookup_ci(schema, tables, ntables, cell_s(f, i, 3));
        if (table == SQL_NONE) {
            i = j;
            continue;
        }
        if (ref == SQL_NONE) {
            char def[512];
            snprintf(def, sizeof def, "FOREIGN KEY referencing the missing table \"%s\"", cell_s(f, i, 3));
            SqlUnmanaged u = {UNMANAGED_OTHER, str_of(""), table, str_of(def)};
            sql_add_unmanaged(schema, &u);
            i = j;
            continue;
        }
        const SqlTable *t = &schema->tables[table], *rt = &schema->tables[ref];
        const SqlIndex *rpk = sql_table_primary_key(rt);
        uint32_t n = 0;
        bool ok = true;
        for (int r = i; r < j; r++, n++) {
            fcols[n] = column_ci(t, cell_s(f, r, 4));
            if (cell(f, r, 5))
                rcols[n] = column_ci(rt, cell_s(f, r, 5));
            else   /* REFERENCES t without columns: its primary key */
                rcols[n] = rpk && n < rpk->ncolumns ? rpk->columns[n].column : SQL_NONE;
            if (fcols[n] == SQL_NONE || rcols[n] == SQL_NONE)
                ok = false;
        }
        if (ok) {
            /* its name: the first unused named clause with the same columns and table */
            const char *name = "";
            TableText *tt = &texts[table];
            uint32_t position = UINT32_MAX - (uint32_t)cell_i(f, i, 1);
            for (uint32_t k = 0; k < tt->nfks; k++) {
                NamedFk *nf = &tt->fks[k];
                if (nf->used || nf->ncols != n || strcasecmp(nf->table, cell_s(f, i, 3)) != 0)
                    continue;
                bool same = true;
                for (uint32_t c2 = 0; c2 < n; c2++)
                    if (strcasecmp(nf->cols[c2], cell_s(f, i + (int)c2, 4)) != 0)
                        same = false;
                if (same) {
                    nf->used = true;
                    name = nf->name;
                    position = k;
                    break;
                }
            }
            SqlForeignKey fk = {str_of(name), fcols, ref, rcols, n, sqlite_action(cell(f, i, 7)),
                                sqlite_action(cell(f, i, 6)), SQL_NO_ORIGIN};
            order[sql_add_foreign_key(schema, table, &fk)] = position;
        }
        i = j;
    }
    free(fcols);
    free(rcols);
    free(order);
    for (int i = 0; i <= m->nrows; i++)
        table_text_free(&texts[i]);
    free(texts);
    free(tables);
}

/* ---- entry points ------------------------------------------------------------------------- */

SqlSchema *introspect_sqlite_db(sqlite3 *db, const IntrospectOptions *opts, IntrospectStats *stats, DbError *err)
{
    IntrospectStats local = {0};
    if (!stats)
        stats = &local;
    double t0 = introspect_now_ms();
    int timeout = opts && opts->statement_timeout_ms > 0 ? opts->statement_timeout_ms : DEFAULT_STATEMENT_TIMEOUT_MS;
    Deadline deadline = {t0 + timeout, false};
    sqlite3_busy_timeout(db, timeout);
    sqlite3_progress_handler(db, 1000, progress, &deadline);
    /* Whatever the caller opened, this connection writes nothing while we read. */
    int was_query_only = 0;
    {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, "PRAGMA query_only", -1, &st, NULL) == SQLITE_OK) {
            if (sqlite3_step(st) == SQLITE_ROW)
                was_query_only = sqlite3_column_int(st, 0);
            sqlite3_finalize(st);
        }
    }
    sqlite3_exec(db, "PRAGMA query_only = ON", NULL, NULL, NULL);
    Rows q[NQUERIES] = {0};
    bool ok = true;
    int done = 0;
    for (int i = 0; i < NQUERIES && ok; i++, done++)
        ok = run_query(db, QUERIES[i], &q[i], &deadline, err);
    stats->queries += (uint32_t)done;
    if (!was_query_only)
        sqlite3_exec(db, "PRAGMA query_only = OFF", NULL, NULL, NULL);
    sqlite3_progress_handler(db, 0, NULL, NULL);
    double t1 = introspect_now_ms();
    stats->query_ms += t1 - t0;
    SqlSchema *schema = NULL;
    if (ok) {
        rows_sort(&q[Q_COLUMNS], column_row_cmp);
        rows_sort(&q[Q_INDEXES], index_row_cmp);
        rows_sort(&q[Q_FOREIGN_KEYS], fk_row_cmp);
        schema = sql_schema_new(SQL_SQLITE);
        build(schema, q);
        stats->build_ms += introspect_now_ms() - t1;
    } else if (err && !err->message[0]) {
        snprintf(err->message, sizeof err->message, "cannot read the SQLite database: %.900s", err->detail);
    }
    for (int i = 0; i < NQUERIES; i++)
        rows_free(&q[i]);
    return schema;
}

/* file:<percent-encoded path>?mode=ro[&params] */
static char *readonly_uri(const DbUrl *url)
{
    const char *path = url->path;
    size_t n = strlen(path);
    char *out = malloc(n * 3 + strlen(url->sqlite_params ? url->sqlite_params : "") + 32);
    char *o = out;
    o += sprintf(o, "file:");
    for (const char *p = path; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (isalnum(ch) || ch == '/' || ch == '.' || ch == '_' || ch == '-' || ch == '~')
            *o++ = (char)ch;
        else
            o += sprintf(o, "%%%02X", ch);
    }
    o += sprintf(o, "?mode=ro");
    if (url->sqlite_params && url->sqlite_params[0])
        sprintf(o, "&%s", url->sqlite_params);
    else
        *o = '\0';
    return out;
}

sqlite3 *introspect_sqlite_open(const DbUrl *url, DbError *err)
{
    struct stat sb;
    if (stat(url->path, &sb) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            db_error_set(err, DBERR_NO_DATABASE, "cannot open %s: the SQLite database file %s does not exist",
                         url->masked, url->path);
        else
            db_error_set(err, DBERR_PERMISSION, "cannot open %s: %s: %s", url->masked, url->path, strerror(errno));
        return NULL;
    }
    if (S_ISDIR(sb.st_mode)) {
        db_error_set(err, DBERR_NOT_A_DATABASE, "cannot open %s: %s is a folder, not a SQLite database file",
                     url->masked, url->path);
        return NULL;
    }
    if (access(url->path, R_OK) != 0) {
        db_error_set(err, DBERR_PERMISSION, "cannot open %s: %s: %s", url->masked, url->path, strerror(errno));
        return NULL;
    }
    char *uri = readonly_uri(url);
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    free(uri);
    if (rc != SQLITE_OK) {
        db_error_set(err, rc == SQLITE_CANTOPEN ? DBERR_PERMISSION : DBERR_OTHER, "cannot open %s: %s", url->masked,
                     db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

SqlSchema *introspect_sqlite(const DbUrl *url, const IntrospectOptions *opts, IntrospectStats *stats, DbError *err)
{
    IntrospectStats local = {0};
    if (!stats)
        stats = &local;
    double t0 = introspect_now_ms();
    sqlite3 *db = introspect_sqlite_open(url, err);
    stats->connect_ms += introspect_now_ms() - t0;
    if (!db)
        return NULL;
    if (err)
        err->message[0] = '\0';
    DbError local_err = {0};
    if (!err)
        err = &local_err;
    SqlSchema *schema = introspect_sqlite_db(db, opts, stats, err);
    if (!schema) {
        char detail[sizeof err->detail];
        snprintf(detail, sizeof detail, "%s", err->detail);
        if (err->kind == DBERR_NOT_A_DATABASE)
            snprintf(err->message, sizeof err->message, "cannot open %.300s: %.300s is not a SQLite database (%.300s)",
                     url->masked, url->path, detail);
        else if (err->kind == DBERR_TIMEOUT)
            snprintf(err->message, sizeof err->message, "cannot read %.300s: timed out (%.300s)", url->masked,
                     detail);
        else
            snprintf(err->message, sizeof err->message, "cannot read %.300s: %.600s", url->masked, detail);
    }
    sqlite3_close(db);
    return schema;
}
