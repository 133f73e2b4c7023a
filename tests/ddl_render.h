/* Test helper for the introspection suites: prints a SqlSchema as Prisma's DDL prints it (the
 * statements of `migrate diff --from-empty --script`, without their `-- Comment` lines), and
 * compares it statement by statement with a golden DDL file of fixtures/sql.
 *
 * This is deliberately a small, independent printer (not the SQL renderer of src/): it pins
 * the spellings introspection must produce to the bytes Prisma writes. Where the database
 * cannot keep what Prisma wrote (an explicit ASC, an explicit default operator class, a JSONB
 * literal's key order, a time zone offset on a timestamp without time zone, CHAR for
 * CHAR(1)), `ddl_canon` maps both sides to one spelling and counts it as a named tolerance. */
#ifndef PRISMAC_TEST_DDL_RENDER_H
#define PRISMAC_TEST_DDL_RENDER_H

#include "prismac/sqlexpr.h"
#include "prismac/sqlschema.h"

#include <ctype.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct DdlText {
    char *p;
    size_t len, cap;
} DdlText;

static inline void ddl_put(DdlText *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        while (t->len + n + 1 > cap)
            cap *= 2;
        t->p = realloc(t->p, cap);
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static inline void ddl_puts(DdlText *t, const char *s)
{
    ddl_put(t, s, strlen(s));
}

static inline void ddl_str(DdlText *t, Str s)
{
    ddl_put(t, s.ptr ? s.ptr : "", s.len);
}

static inline void ddl_quoted(DdlText *t, Str s)
{
    ddl_puts(t, "\"");
    ddl_str(t, s);
    ddl_puts(t, "\"");
}

/* "ns"."name" for objects outside the default schema, "name" otherwise. */
static inline void ddl_qname(DdlText *t, const SqlSchema *s, uint32_t ns, Str name, const char *default_ns)
{
    if (ns != SQL_NONE && default_ns && !str_eq_cstr(s->namespaces[ns].name, default_ns)) {
        ddl_quoted(t, s->namespaces[ns].name);
        ddl_puts(t, ".");
    }
    ddl_quoted(t, name);
}

static inline void ddl_column_type(DdlText *t, const SqlSchema *s, const SqlColumn *c, const char *default_ns)
{
    if (c->type.family == SQLT_ENUM && s->flavour == SQL_POSTGRES) {
        uint32_t ns = c->type.enum_id != SQL_NONE ? s->enums[c->type.enum_id].namespace : SQL_NONE;
        ddl_qname(t, s, ns, c->type.name, default_ns);
    } else if (c->autoincrement && s->flavour == SQL_POSTGRES && str_eq_cstr(c->type.name, "INTEGER")) {
        ddl_puts(t, "SERIAL");
    } else if (c->autoincrement && s->flavour == SQL_POSTGRES && str_eq_cstr(c->type.name, "BIGINT")) {
        ddl_puts(t, "BIGSERIAL");
    } else if (c->autoincrement && s->flavour == SQL_POSTGRES && str_eq_cstr(c->type.name, "SMALLINT")) {
        ddl_puts(t, "SMALLSERIAL");
    } else {
        ddl_str(t, c->type.name);
    }
    if (c->type.list)
        ddl_puts(t, "[]");
}

static inline void ddl_index_columns(DdlText *t, const SqlTable *tb, const SqlIndex *x, bool opclasses,
                                     const char *sep)
{
    ddl_puts(t, "(");
    for (uint32_t k = 0; k < x->ncolumns; k++) {
        if (k)
            ddl_puts(t, sep);
        ddl_quoted(t, tb->columns[x->columns[k].column].name);
        if (opclasses && x->columns[k].opclass.len) {
            ddl_puts(t, " ");
            ddl_str(t, x->columns[k].opclass);
        }
        if (x->columns[k].sort == SORT_DESC)
            ddl_puts(t, " DESC");
        else if (x->columns[k].sort == SORT_ASC)
            ddl_puts(t, " ASC");
    }
    ddl_puts(t, ")");
}

static inline const char *ddl_algorithm(Str a)
{
    if (str_eq_cstr(a, "Hash"))
        return "HASH";
    if (str_eq_cstr(a, "Gin"))
        return "GIN";
    if (str_eq_cstr(a, "Gist"))
        return "GIST";
    if (str_eq_cstr(a, "SpGist"))
        return "SPGIST";
    if (str_eq_cstr(a, "Brin"))
        return "BRIN";
    return NULL;
}

/* Statements separated by a line holding only "--". CREATE SCHEMA only with `schemas`. */
static inline char *ddl_render(const SqlSchema *s, const char *default_ns, bool schemas)
{
    DdlText t = {0};
    ddl_puts(&t, "");
    bool pg = s->flavour == SQL_POSTGRES;
    if (pg && schemas)
        for (uint32_t i = 0; i < s->nnamespaces; i++) {
            ddl_puts(&t, "CREATE SCHEMA IF NOT EXISTS ");
            ddl_quoted(&t, s->namespaces[i].name);
            ddl_puts(&t, ";\n--\n");
        }
    for (uint32_t i = 0; pg && i < s->nenums; i++) {
        const SqlEnum *e = &s->enums[i];
        ddl_puts(&t, "CREATE TYPE ");
        ddl_qname(&t, s, e->namespace, e->name, default_ns);
        ddl_puts(&t, " AS ENUM (");
        for (uint32_t k = 0; k < e->nvalues; k++) {
            ddl_puts(&t, k ? ", '" : "'");
            ddl_str(&t, e->values[k]);
            ddl_puts(&t, "'");
        }
        ddl_puts(&t, ");\n--\n");
    }
    for (uint32_t i = 0; i < s->ntables; i++) {
        const SqlTable *tb = &s->tables[i];
        const SqlIndex *pk = sql_table_primary_key(tb);
        ddl_puts(&t, "CREATE TABLE ");
        ddl_qname(&t, s, tb->namespace, tb->name, default_ns);
        ddl_puts(&t, " (\n");
        for (uint32_t c = 0; c < tb->ncolumns; c++) {
            const SqlColumn *col = &tb->columns[c];
            ddl_puts(&t, "    ");
            ddl_quoted(&t, col->name);
            ddl_puts(&t, " ");
            ddl_column_type(&t, s, col, default_ns);
            if (!col->nullable)
                ddl_puts(&t, " NOT NULL");
            if (!pg && pk && pk->ncolumns == 1 && pk->columns[0].column == c)
                ddl_puts(&t, col->autoincrement ? " PRIMARY KEY AUTOINCREMENT" : " PRIMARY KEY");
            if (col->def.kind == SQLDEF_VALUE || col->def.kind == SQLDEF_EXPRESSION || col->def.kind == SQLDEF_NOW) {
                ddl_puts(&t, " DEFAULT ");
                if (col->def.kind == SQLDEF_NOW) {
                    ddl_puts(&t, "CURRENT_TIMESTAMP");
                } else {
                    ddl_str(&t, col->def.sql);
                }
            }
            if (c + 1 < tb->ncolumns || (pg && pk) || (!pg && ((pk && pk->ncolumns > 1) || tb->nfks)))
                ddl_puts(&t, ",");
            ddl_puts(&t, "\n");
        }
        if (pg && pk) {
            ddl_puts(&t, "\n    CONSTRAINT ");
            ddl_quoted(&t, pk->name);
            ddl_puts(&t, " PRIMARY KEY ");
            ddl_index_columns(&t, tb, pk, false, ",");   /* Prisma writes no space here */
            ddl_puts(&t, "\n");
        }
        if (!pg && pk && pk->ncolumns > 1) {
            ddl_puts(&t, "\n    PRIMARY KEY ");
            ddl_index_columns(&t, tb, pk, false, ", ");
            ddl_puts(&t, tb->nfks ? ",\n" : "\n");
        }
        for (uint32_t f = 0; !pg && f < tb->nfks; f++) {
            const SqlForeignKey *fk = &tb->fks[f];
            const SqlTable *rt = &s->tables[fk->referenced_table];
            ddl_puts(&t, "    CONSTRAINT ");
            ddl_quoted(&t, fk->name);
            ddl_puts(&t, " FOREIGN KEY (");
            for (uint32_t k = 0; k < fk->ncolumns; k++) {
                if (k)
                    ddl_puts(&t, ", ");
                ddl_quoted(&t, tb->columns[fk->columns[k]].name);
            }
            ddl_puts(&t, ") REFERENCES ");
            ddl_quoted(&t, rt->name);
            ddl_puts(&t, " (");
            for (uint32_t k = 0; k < fk->ncolumns; k++) {
                if (k)
                    ddl_puts(&t, ", ");
                ddl_quoted(&t, rt->columns[fk->referenced_columns[k]].name);
            }
            ddl_puts(&t, ") ON DELETE ");
            ddl_puts(&t, sql_action_name(fk->on_delete));
            ddl_puts(&t, " ON UPDATE ");
            ddl_puts(&t, sql_action_name(fk->on_update));
            ddl_puts(&t, f + 1 < tb->nfks ? ",\n" : "\n");
        }
        ddl_puts(&t, ");\n--\n");
    }
    for (uint32_t i = 0; i < s->ntables; i++) {
        const SqlTable *tb = &s->tables[i];
        for (uint32_t x = 0; x < tb->nindexes; x++) {
            const SqlIndex *idx = &tb->indexes[x];
            if (idx->kind == SQLIDX_PRIMARY)
                continue;
            ddl_puts(&t, idx->kind == SQLIDX_UNIQUE ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
            ddl_quoted(&t, idx->name);
            ddl_puts(&t, " ON ");
            ddl_qname(&t, s, tb->namespace, tb->name, default_ns);
            const char *alg = ddl_algorithm(idx->algorithm);
            if (alg) {
                ddl_puts(&t, " USING ");
                ddl_puts(&t, alg);
                ddl_puts(&t, " ");
            }
            ddl_index_columns(&t, tb, idx, true, ", ");
            if (idx->predicate.len) {
                ddl_puts(&t, " WHERE ");
                ddl_str(&t, idx->predicate);
            }
            ddl_puts(&t, ";\n--\n");
        }
    }
    for (uint32_t i = 0; pg && i < s->ntables; i++) {
        const SqlTable *tb = &s->tables[i];
        for (uint32_t f = 0; f < tb->nfks; f++) {
            const SqlForeignKey *fk = &tb->fks[f];
            const SqlTable *rt = &s->tables[fk->referenced_table];
            ddl_puts(&t, "ALTER TABLE ");
            ddl_qname(&t, s, tb->namespace, tb->name, default_ns);
            ddl_puts(&t, " ADD CONSTRAINT ");
            ddl_quoted(&t, fk->name);
            ddl_puts(&t, " FOREIGN KEY (");
            for (uint32_t k = 0; k < fk->ncolumns; k++) {
                if (k)
                    ddl_puts(&t, ", ");
                ddl_quoted(&t, tb->columns[fk->columns[k]].name);
            }
            ddl_puts(&t, ") REFERENCES ");
            ddl_qname(&t, s, rt->namespace, rt->name, default_ns);
            ddl_puts(&t, "(");
            for (uint32_t k = 0; k < fk->ncolumns; k++) {
                if (k)
                    ddl_puts(&t, ", ");
                ddl_quoted(&t, rt->columns[fk->referenced_columns[k]].name);
            }
            ddl_puts(&t, ") ON DELETE ");
            ddl_puts(&t, sql_action_name(fk->on_delete));
            ddl_puts(&t, " ON UPDATE ");
            ddl_puts(&t, sql_action_name(fk->on_update));
            ddl_puts(&t, ";\n--\n");
        }
    }
    return t.p;
}

/* ---- statements ------------------------------------------------------------------------- */

typedef struct DdlList {
    char **items;
    size_t n, cap;
} DdlList;

static inline void ddl_list_push(DdlList *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->items = realloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->n++] = s;
}

static inline void ddl_list_free(DdlList *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static inline char *ddl_trimmed(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
        n--;
    while (n > 0 && (*s == '\n' || *s == ' ')) {
        s++;
        n--;
    }
    char *out = malloc(n + 1);
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

/* A golden file: statements follow "-- Name" comment lines. Extensions are left out (they are
 * not part of the SqlSchema model). */
static inline void ddl_split_golden(const char *text, DdlList *out)
{
    const char *p = text;
    const char *start = NULL;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        bool comment = n >= 3 && p[0] == '-' && p[1] == '-' && p[2] == ' ' && (p == text || p[-1] == '\n') &&
                       (p == text || (p >= text + 2 && p[-2] == '\n'));
        if (comment) {
            if (start) {
                char *st = ddl_trimmed(start, (size_t)(p - start));
                if (strncmp(st, "CREATE EXTENSION", 16) == 0 || !st[0])
                    free(st);
                else
                    ddl_list_push(out, st);
            }
            start = eol ? eol + 1 : p + n;
        }
        p = eol ? eol + 1 : p + n;
    }
    if (start) {
        char *st = ddl_trimmed(start, strlen(start));
        if (strncmp(st, "CREATE EXTENSION", 16) == 0 || !st[0])
            free(st);
        else
            ddl_list_push(out, st);
    }
}

static inline void ddl_split_rendered(const char *text, DdlList *out)
{
    const char *p = text;
    for (;;) {
        const char *sep = strstr(p, "\n--\n");
        if (!sep)
            break;
        ddl_list_push(out, ddl_trimmed(p, (size_t)(sep - p) + 1));
        p = sep + 4;
    }
}

/* ---- tolerances -------------------------------------------------------------------------- */

typedef struct DdlTolerances {
    int asc;            /* an explicit ASC (the database keeps no difference) */
    int opclass;        /* an explicit default operator class */
    int json;           /* a JSONB default: keys reordered, spaces normalised */
    int offset;         /* a time zone offset on a value of a type without time zone */
    int char1;          /* CHAR / BIT without length: CHAR(1) / BIT(1) */
    int truncated;      /* an identifier longer than PostgreSQL's 63 bytes */
    int type_case;      /* Unsupported("bytea") is BYTEA to the database */
    int nanos;          /* fractional seconds beyond microseconds */
    int condition;      /* a partial index's condition as PostgreSQL prints it back (the same to Prisma) */
    int rewritten;      /* a condition PostgreSQL rewrites (IN as = ANY, ...) that Prisma's own round
                         * trip recreates as well (fixtures/sql/NAME.P.roundtrip) */
} DdlTolerances;

/* Replaces [at, at+n) in *s by rep. */
static inline void ddl_splice(char **s, size_t at, size_t n, const char *rep)
{
    size_t len = strlen(*s), rl = strlen(rep);
    char *out = malloc(len - n + rl + 1);
    memcpy(out, *s, at);
    memcpy(out + at, rep, rl);
    memcpy(out + at + rl, *s + at + n, len - at - n + 1);
    free(*s);
    *s = out;
}

/* Identifiers over 63 bytes, cut at a character boundary as PostgreSQL does. */
static inline void ddl_truncate_identifiers(char **s, DdlTolerances *count)
{
    for (size_t i = 0; (*s)[i]; i++) {
        if ((*s)[i] != '"')
            continue;
        size_t start = i + 1, end = start;
        while ((*s)[end] && (*s)[end] != '"')
            end++;
        if (!(*s)[end])
            return;
        if (end - start > 63) {
            size_t keep = 63;
            while (keep > 0 && ((unsigned char)(*s)[start + keep] & 0xC0) == 0x80)
                keep--;
            ddl_splice(s, start + keep, end - start - keep, "");
            end = start + keep;
            if (count)
                count->truncated++;
        }
        i = end;
    }
}

/* Canonical form of one statement, with the named tolerances applied (and counted when
 * `count` is set). `default_opclasses` lists operator class names the database reports as
 * default (space-separated, with spaces around). */
static inline char *ddl_canon(const char *stmt, const char *default_opclasses, DdlTolerances *count)
{
    char *s = strdup(stmt);
    if (strncmp(s, "CREATE TYPE", 11) != 0)
        ddl_truncate_identifiers(&s, count);
    bool index = strncmp(s, "CREATE INDEX", 12) == 0 || strncmp(s, "CREATE UNIQUE INDEX", 19) == 0;
    if (index) {
        char *p;
        while ((p = strstr(s, " ASC")) && (p[4] == ',' || p[4] == ')')) {
            ddl_splice(&s, (size_t)(p - s), 4, "");
            if (count)
                count->asc++;
        }
        /* "col" opclass → drop a default operator class */
        for (char *q = s; (q = strstr(q, "\" ")) != NULL; q++) {
            char *w = q + 2, *e = w;
            while (isalnum((unsigned char)*e) || *e == '_')
                e++;
            if (e == w || (*e != ',' && *e != ')' && *e != ' '))
                continue;
            char word[128];
            snprintf(word, sizeof word, " %.*s ", (int)(e - w), w);
            if (strcmp(word, " DESC ") == 0 || !default_opclasses || !strstr(default_opclasses, word))
                continue;
            size_t at = (size_t)(q - s);
            ddl_splice(&s, at + 1, (size_t)(e - q - 1), "");
            q = s + at;
            if (count)
                count->opclass++;
        }
    }
    if (strncmp(s, "CREATE TABLE", 12) == 0) {
        /* line by line */
        DdlText out = {0};
        ddl_puts(&out, "");
        char *line = s;
        while (*line) {
            char *eol = strchr(line, '\n');
            size_t n = eol ? (size_t)(eol - line) : strlen(line);
            char *l = malloc(n + 1);
            memcpy(l, line, n);
            l[n] = '\0';
            char *d;
            /* a column's type: upper case (Unsupported("bytea") is BYTEA to the database) */
            char *q1 = l[0] == ' ' ? strstr(l, "\" ") : NULL;
            if (q1 && strncmp(l, "    \"", 5) == 0 && q1[2] != '"') {
                bool changed = false;
                for (char *c = q1 + 2; *c && *c != ' ' && *c != ',' && *c != '('; c++)
                    if (islower((unsigned char)*c)) {
                        *c = (char)toupper((unsigned char)*c);
                        changed = true;
                    }
                if (changed && count && (strncmp(q1 + 2, "BYTEA", 5) == 0))
                    count->type_case++;
            }
            /* CHAR / BIT without a length */
            char *sp = strstr(l, "\" ");
            if (sp && (strncmp(sp + 2, "CHAR", 4) == 0 || strncmp(sp + 2, "BIT", 3) == 0)) {
                char *tp = sp + 2, *te = tp;
                while (isalpha((unsigned char)*te))
                    te++;
                if ((te - tp == 4 || te - tp == 3) && (*te == ' ' || *te == ',' || *te == '[' || *te == '\0') &&
                    (strncmp(tp, "CHAR", 4) == 0 || (te - tp == 3 && strncmp(tp, "BIT", 3) == 0))) {
                    ddl_splice(&l, (size_t)(te - l), 0, "(1)");
                    if (count)
                        count->char1++;
                }
            }
            if ((d = strstr(l, " DEFAULT '")) != NULL) {
                char *v = d + 10;
                size_t vl = strlen(v);
                bool comma = vl && v[vl - 1] == ',';
                if (comma)
                    vl--;
                if (vl >= 1 && v[vl - 1] == '\'') {
                    char *body = strndup(v, vl - 1);
                    /* JSONB: compare as JSON values */
                    if (strstr(l, "\" JSONB")) {
                        char *unq = malloc(strlen(body) + 1);
                        size_t k = 0;
                        for (size_t i = 0; body[i]; i++) {
                            unq[k++] = body[i];
                            if (body[i] == '\'' && body[i + 1] == '\'')
                                i++;
                        }
                        unq[k] = '\0';
                        json_t *j = json_loads(unq, JSON_DECODE_ANY, NULL);
                        if (j) {
                            char *dump = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
                            if (strcmp(dump, unq) != 0) {
                                char *rep = malloc(strlen(dump) * 2 + 16);
                                size_t r = 0;
                                rep[r++] = '\'';
                                for (size_t i = 0; dump[i]; i++) {
                                    rep[r++] = dump[i];
                                    if (dump[i] == '\'')
                                        rep[r++] = '\'';
                                }
                                rep[r++] = '\'';
                                rep[r] = '\0';
                                ddl_splice(&l, (size_t)(d + 9 - l), vl + 1, rep);
                                free(rep);
                                if (count)
                                    count->json++;
                            }
                            free(dump);
                            json_decref(j);
                        }
                        free(unq);
                    } else if (strstr(l, "\" TIMESTAMP(") || strstr(l, "\" TIMESTAMP ") || strstr(l, "\" DATE") ||
                               strstr(l, "\" TIME(") || strstr(l, "\" TIME ") || strstr(l, "\" DATETIME")) {
                        /* 'YYYY-MM-DD HH:MM:SS[.f] +HH:MM' on a type without time zone: the database
                         * keeps the wall clock and drops the offset */
                        size_t bl = strlen(body);
                        if (bl > 7 && (body[bl - 6] == '+' || body[bl - 6] == '-') && body[bl - 7] == ' ' &&
                            strcmp(body + bl - 6, "+00:00") != 0 && !strstr(l, "\" DATETIME")) {
                            ddl_splice(&l, (size_t)(v - l) + bl - 6, 6, "+00:00");
                            v = strstr(l, " DEFAULT '") + 10;
                            if (count)
                                count->offset++;
                        }
                        /* PostgreSQL keeps microseconds: '.123456789' is '.123457' */
                        char *dot = strchr(v, '.');
                        if (!strstr(l, "\" DATETIME") && dot && dot < v + bl) {
                            size_t nd = 0;
                            while (isdigit((unsigned char)dot[1 + nd]))
                                nd++;
                            if (nd > 6) {
                                long us = 0;
                                for (size_t k = 0; k < 6; k++)
                                    us = us * 10 + (dot[1 + k] - '0');
                                if (dot[7] >= '5')
                                    us++;   /* (a carry into the seconds does not occur in the fixtures) */
                                char digits[16];
                                snprintf(digits, sizeof digits, "%06ld", us);
                                size_t keep = 6;
                                while (keep > 0 && digits[keep - 1] == '0')
                                    keep--;
                                size_t width = keep == 0 ? 0 : keep <= 3 ? 3 : 6;
                                char rep[16] = "";
                                if (width)
                                    snprintf(rep, sizeof rep, ".%.*s", (int)width, digits);
                                ddl_splice(&l, (size_t)(dot - l), nd + 1, rep);
                                if (count)
                                    count->nanos++;
                            }
                        }
                    }
                    free(body);
                }
            }
            ddl_puts(&out, l);
            free(l);
            if (eol)
                ddl_puts(&out, "\n");
            line = eol ? eol + 1 : line + n;
        }
        free(s);
        s = out.p;
    }
    return s;
}

static inline int ddl_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The text of a CREATE [UNIQUE] INDEX statement before " WHERE " (malloc'd), or NULL when it
 * has no condition. */
static inline char *ddl_index_head(const char *stmt, const char **cond)
{
    if (strncmp(stmt, "CREATE INDEX", 12) != 0 && strncmp(stmt, "CREATE UNIQUE INDEX", 19) != 0)
        return NULL;
    const char *close = strstr(stmt, ") WHERE ");
    if (!close)
        return NULL;
    *cond = close + 8;
    return strndup(stmt, (size_t)(close + 1 - stmt));
}

/* Does Prisma's round trip script recreate the index of `stmt`? */
static inline bool ddl_prisma_recreates(const char *stmt, const char *roundtrip)
{
    const char *name = strchr(stmt, '"');
    const char *end = name ? strchr(name + 1, '"') : NULL;
    if (!roundtrip || !end)
        return false;
    for (const char *kw = "CREATE INDEX "; kw; kw = strcmp(kw, "CREATE INDEX ") == 0 ? "CREATE UNIQUE INDEX " : NULL) {
        size_t kl = strlen(kw), nl = (size_t)(end + 1 - name);
        for (const char *p = roundtrip; (p = strstr(p, kw)) != NULL; p += kl)
            if (strncmp(p + kl, name, nl) == 0)
                return true;
    }
    return false;
}

/* Compares golden and rendered statements. Returns the number of statements that differ and
 * writes them to `report` ("- golden" / "+ introspected"). Tolerances used are counted. On
 * PostgreSQL (`pg`), a partial index's condition matches when Prisma's differ takes the two as
 * the same (sqlexpr.h), or when `prisma_roundtrip` (Prisma's own script on a database made
 * from the golden DDL, NULL when it found nothing) recreates that index too. */
static inline int ddl_compare(const char *golden_text, const char *rendered_text, const char *default_opclasses,
                              bool pg, const char *prisma_roundtrip, DdlTolerances *tol, FILE *report)
{
    DdlList g = {0}, r = {0};
    ddl_split_golden(golden_text, &g);
    ddl_split_rendered(rendered_text, &r);
    for (size_t i = 0; i < g.n; i++) {
        char *c = ddl_canon(g.items[i], default_opclasses, tol);
        free(g.items[i]);
        g.items[i] = c;
    }
    for (size_t i = 0; i < r.n; i++) {
        char *c = ddl_canon(r.items[i], default_opclasses, NULL);
        free(r.items[i]);
        r.items[i] = c;
    }
    if (g.n)
        qsort(g.items, g.n, sizeof *g.items, ddl_cmp);
    if (r.n)
        qsort(r.items, r.n, sizeof *r.items, ddl_cmp);
    size_t i = 0, j = 0;
    DdlList gonly = {0}, ronly = {0};
    while (i < g.n || j < r.n) {
        int c = i >= g.n ? 1 : j >= r.n ? -1 : strcmp(g.items[i], r.items[j]);
        if (c == 0) {
            i++;
            j++;
        } else if (c < 0) {
            ddl_list_push(&gonly, strdup(g.items[i++]));
        } else {
            ddl_list_push(&ronly, strdup(r.items[j++]));
        }
    }
    /* partial indexes whose conditions are spelt differently */
    int diffs = 0;
    for (size_t a = 0; a < gonly.n; a++) {
        const char *gc = NULL, *rc = NULL;
        char *gh = pg ? ddl_index_head(gonly.items[a], &gc) : NULL;
        bool matched = false;
        for (size_t b = 0; gh && b < ronly.n && !matched; b++) {
            char *rh = ronly.items[b] ? ddl_index_head(ronly.items[b], &rc) : NULL;
            if (rh && strcmp(gh, rh) == 0) {
                size_t gl = strlen(gc), rl = strlen(rc);
                Str gs = {gc, (uint32_t)(gl && gc[gl - 1] == ';' ? gl - 1 : gl)};
                Str rs = {rc, (uint32_t)(rl && rc[rl - 1] == ';' ? rl - 1 : rl)};
                if (sqlexpr_predicates_match(SQL_POSTGRES, gs, rs)) {
                    matched = true;
                    if (tol)
                        tol->condition++;
                } else if (ddl_prisma_recreates(gonly.items[a], prisma_roundtrip)) {
                    matched = true;
                    if (tol)
                        tol->rewritten++;
                }
                if (matched) {
                    free(ronly.items[b]);
                    ronly.items[b] = NULL;
                }
            }
            free(rh);
        }
        free(gh);
        if (!matched) {
            fprintf(report, "- %s\n", gonly.items[a]);
            diffs++;
        }
    }
    for (size_t b = 0; b < ronly.n; b++)
        if (ronly.items[b]) {
            fprintf(report, "+ %s\n", ronly.items[b]);
            diffs++;
        }
    ddl_list_free(&gonly);
    ddl_list_free(&ronly);
    ddl_list_free(&g);
    ddl_list_free(&r);
    return diffs;
}

#endif
