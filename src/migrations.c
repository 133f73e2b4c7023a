/* Reading migrations folders and checksumming their scripts. */
#include "prismac/migrations.h"

#include <dirent.h>
#include <errno.h>
#include "cryptolib.h"  /* libcrypto, loaded on first use */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *migrations_layout_name(MigrationLayout layout)
{
    switch (layout) {
    case LAYOUT_AUTO: return "auto";
    case LAYOUT_PRISMA: return "prisma";
    case LAYOUT_SUPABASE: return "supabase";
    }
    return "auto";
}

/* ---- checksums ---------------------------------------------------------------------------- */

static void sha256_raw(const char *bytes, size_t len, unsigned char digest[32])
{
    unsigned int n = 32;
    if (!EVP_Digest(bytes, len, digest, &n, EVP_sha256(), NULL))
        memset(digest, 0, 32);
}

static void hex_padded(const unsigned char digest[32], char out[65])
{
    static const char HEX[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = HEX[digest[i] >> 4];
        out[2 * i + 1] = HEX[digest[i] & 15];
    }
    out[64] = '\0';
}

/* Prisma once wrote each byte with {:x}: no leading zero for bytes under 0x10. */
static void hex_unpadded(const unsigned char digest[32], char out[65])
{
    size_t n = 0;
    for (int i = 0; i < 32; i++)
        n += (size_t)snprintf(out + n, 65 - n, "%x", digest[i]);
    out[n] = '\0';
}

void migration_checksum(const char *bytes, size_t len, char out[65])
{
    unsigned char digest[32];
    sha256_raw(bytes, len, digest);
    hex_padded(digest, out);
}

static bool digest_matches(const unsigned char digest[32], const char *recorded)
{
    char hex[65];
    if (strlen(recorded) == 64)
        hex_padded(digest, hex);
    else
        hex_unpadded(digest, hex);
    return strcmp(hex, recorded) == 0;
}

/* The script with every "\r\n" replaced by "\n" (to_lf) or every "\n" by "\r\n" (as Prisma's
 * str::replace does: an existing "\r\n" becomes "\r\r\n"). Caller frees. */
static char *line_endings_variant(const char *bytes, size_t len, bool to_lf, size_t *out_len)
{
    char *out = malloc(len * 2 + 1);
    if (!out)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (to_lf && bytes[i] == '\r' && i + 1 < len && bytes[i + 1] == '\n')
            continue;
        if (!to_lf && bytes[i] == '\n')
            out[n++] = '\r';
        out[n++] = bytes[i];
    }
    *out_len = n;
    return out;
}

bool migration_checksum_matches(const char *bytes, size_t len, const char *recorded)
{
    unsigned char digest[32];
    sha256_raw(bytes, len, digest);
    if (digest_matches(digest, recorded))
        return true;
    for (int variant = 0; variant < 2; variant++) {
        size_t vlen;
        char *v = line_endings_variant(bytes, len, variant == 0, &vlen);
        if (!v)
            return false;
        sha256_raw(v, vlen, digest);
        free(v);
        if (digest_matches(digest, recorded))
            return true;
    }
    return false;
}

/* ---- folders ------------------------------------------------------------------------------ */

static char *path_join(Arena *a, const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    return arena_sprintf(a, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name);
}

static bool read_file(Arena *a, const char *path, char **text, uint32_t *len, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = arena_sprintf(a, "%s: %s", path, strerror(errno));
        return false;
    }
    size_t cap = 16384, n = 0, got;
    char *buf = malloc(cap);
    bool failed = !buf;
    while (!failed && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, cap * 2);
            failed = !nb;
            if (nb) {
                buf = nb;
                cap *= 2;
            }
        }
    }
    failed = failed || ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        *err = arena_sprintf(a, "%s: cannot read the file", path);
        return false;
    }
    *text = arena_strndup(a, buf, n);
    *len = (uint32_t)n;
    free(buf);
    return true;
}

/* "20250901120000_init" -> version "20250901120000", label "init" */
static void split_name(Str name, Str *version, Str *label)
{
    uint32_t i = 0;
    while (i < name.len && name.ptr[i] >= '0' && name.ptr[i] <= '9')
        i++;
    *version = (Str){name.ptr, i};
    if (i < name.len && name.ptr[i] == '_')
        i++;
    *label = (Str){name.ptr + i, name.len - i};
}

/* migration_lock.toml: `provider = "postgresql"` (comments and blank lines allowed). */
static Str parse_lock_provider(const char *text)
{
    for (const char *p = text; *p;) {
        const char *eol = p + strcspn(p, "\r\n");
        const char *q = p;
        while (q < eol && (*q == ' ' || *q == '\t'))
            q++;
        if ((size_t)(eol - q) > 8 && strncmp(q, "provider", 8) == 0) {
            q += 8;
            while (q < eol && (*q == ' ' || *q == '\t' || *q == '='))
                q++;
            if (q < eol && *q == '"') {
                const char *end = memchr(q + 1, '"', (size_t)(eol - q - 1));
                if (end)
                    return (Str){q + 1, (uint32_t)(end - q - 1)};
            }
        }
        p = eol;
        while (*p == '\r' || *p == '\n')
            p++;
    }
    return (Str){"", 0};
}

static int compare_migrations(const void *a, const void *b)
{
    const MigrationFile *x = a, *y = b;
    uint32_t n = x->name.len < y->name.len ? x->name.len : y->name.len;
    int c = memcmp(x->name.ptr, y->name.ptr, n);
    return c ? c : (int)x->name.len - (int)y->name.len;
}

static bool is_supabase_name(const char *name)
{
    size_t n = strlen(name);
    if (n < 5 || strcmp(name + n - 4, ".sql") != 0 || name[0] < '0' || name[0] > '9')
        return false;
    size_t i = 0;
    while (i < n && name[i] >= '0' && name[i] <= '9')
        i++;
    return name[i] == '_' || i == n - 4;
}

static MigrationsStatus add_migration(Arena *a, MigrationsDir *out, const char *name, size_t name_len,
                                      const char *file, char **err)
{
    MigrationFile m = {0};
    m.name = arena_str(a, name, name_len);
    split_name(m.name, &m.version, &m.label);
    m.path = file;
    if (!read_file(a, file, &m.sql, &m.len, err))
        return MIGRATIONS_UNREADABLE;
    migration_checksum(m.sql, m.len, m.checksum);
    ARENA_PUSH(a, out->items, out->count, out->cap, m);
    return MIGRATIONS_OK;
}

MigrationsStatus migrations_load(Arena *a, const char *path, MigrationLayout layout, MigrationsDir *out, char **err)
{
    memset(out, 0, sizeof *out);
    out->path = arena_strdup(a, path);
    struct stat st;
    if (stat(path, &st) != 0) {
        *err = arena_sprintf(a, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? MIGRATIONS_NOT_FOUND : MIGRATIONS_UNREADABLE;
    }
    if (!S_ISDIR(st.st_mode)) {
        *err = arena_sprintf(a, "%s: not a folder", path);
        return MIGRATIONS_NOT_FOUND;
    }
    DIR *d = opendir(path);
    if (!d) {
        *err = arena_sprintf(a, "%s: %s", path, strerror(errno));
        return MIGRATIONS_UNREADABLE;
    }

    /* First pass: what is there. */
    char **dirs = NULL, **files = NULL;
    uint32_t ndirs = 0, capdirs = 0, nfiles = 0, capfiles = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *full = path_join(a, path, e->d_name);
        if (stat(full, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            ARENA_PUSH(a, dirs, ndirs, capdirs, arena_strdup(a, e->d_name));
        else if (strcmp(e->d_name, "migration_lock.toml") == 0)
            out->has_lock = true;
        else if (is_supabase_name(e->d_name))
            ARENA_PUSH(a, files, nfiles, capfiles, arena_strdup(a, e->d_name));
    }
    closedir(d);

    if (layout == LAYOUT_AUTO) {
        bool prisma = out->has_lock || ndirs > 0;
        if (prisma && nfiles > 0) {
            *err = arena_sprintf(a, "%s: holds both Prisma migration folders and Supabase-style .sql files; "
                                    "say which with --layout prisma or --layout supabase", path);
            return MIGRATIONS_AMBIGUOUS;
        }
        layout = nfiles > 0 ? LAYOUT_SUPABASE : LAYOUT_PRISMA;
    }
    out->layout = layout;

    if (out->has_lock) {
        char *lock;
        uint32_t len;
        if (!read_file(a, path_join(a, path, "migration_lock.toml"), &lock, &len, err))
            return MIGRATIONS_UNREADABLE;
        out->lock_provider = parse_lock_provider(lock);
    }

    if (layout == LAYOUT_PRISMA) {
        for (uint32_t i = 0; i < ndirs; i++) {
            char *file = path_join(a, path_join(a, path, dirs[i]), "migration.sql");
            if (stat(file, &st) != 0) {
                *err = arena_sprintf(a, "%s: migration folder without migration.sql", path_join(a, path, dirs[i]));
                return MIGRATIONS_BAD_ENTRY;
            }
            MigrationsStatus s = add_migration(a, out, dirs[i], strlen(dirs[i]), file, err);
            if (s != MIGRATIONS_OK)
                return s;
        }
    } else {
        for (uint32_t i = 0; i < nfiles; i++) {
            MigrationsStatus s = add_migration(a, out, files[i], strlen(files[i]) - 4, path_join(a, path, files[i]), err);
            if (s != MIGRATIONS_OK)
                return s;
        }
    }
    if (out->count > 1)
        qsort(out->items, out->count, sizeof *out->items, compare_migrations);
    return MIGRATIONS_OK;
}

/* ---- statements ----------------------------------------------------------------------------- */

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (unsigned char)c >= 0x80;
}

/* Is `word` (upper case) at p, as a whole word? */
bool migration_word_is(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(end - p) < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        if (c != word[i])
            return false;
    }
    return p + n == end || !ident_char(p[n]);
}

/* Skips blank space and comments. */
static const char *skip_blank(const char *p, const char *end)
{
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v'))
            p++;
        if (p + 1 < end && p[0] == '-' && p[1] == '-') {
            while (p < end && *p != '\n')
                p++;
        } else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
            int depth = 1;
            p += 2;
            while (p < end && depth > 0) {
                if (p + 1 < end && p[0] == '/' && p[1] == '*')
                    depth++, p += 2;
                else if (p + 1 < end && p[0] == '*' && p[1] == '/')
                    depth--, p += 2;
                else
                    p++;
            }
        } else {
            return p;
        }
    }
}

/* The next word at p (after blank space), its bounds in *w, *wend. */
static const char *next_word(const char *p, const char *end, const char **wend)
{
    p = skip_blank(p, end);
    const char *q = p;
    while (q < end && ident_char(*q))
        q++;
    *wend = q;
    return p;
}

/* Does the statement starting at p create a trigger (CREATE [TEMP|TEMPORARY] TRIGGER)? */
static bool starts_trigger(const char *p, const char *end)
{
    const char *we;
    const char *w = next_word(p, end, &we);
    if (!migration_word_is(w, we, "CREATE"))
        return false;
    w = next_word(we, end, &we);
    if (migration_word_is(w, we, "TEMP") || migration_word_is(w, we, "TEMPORARY"))
        w = next_word(we, end, &we);
    return migration_word_is(w, we, "TRIGGER");
}

uint32_t migration_split_statements(Arena *arena, const char *sql, size_t len, SqlStatement **out)
{
    const char *base = sql, *end = sql + len, *p = sql;
    SqlStatement *items = NULL;
    uint32_t count = 0, cap = 0, line = 1;
    const char *counted = sql;     /* lines are counted up to here */
    while (p < end) {
        const char *start = skip_blank(p, end);
        if (start >= end)
            break;
        bool trigger = starts_trigger(start, end), in_body = false;
        const char *q = start, *last_word = NULL, *last_word_end = NULL;
        while (q < end) {
            char c = *q;
            if (c == ';') {
                if (!in_body || (last_word && migration_word_is(last_word, last_word_end, "END")))
                    break;
                q++;
                last_word = NULL;
            } else if ((c == '-' && q + 1 < end && q[1] == '-') || (c == '/' && q + 1 < end && q[1] == '*')) {
                q = skip_blank(q, end);
            } else if (c == '\'' || c == '"' || c == '`') {
                bool escapes = c == '\'' && q > start && (q[-1] == 'E' || q[-1] == 'e') &&
                               (q - 1 == start || !ident_char(q[-2]));
                q++;
                while (q < end) {
                    if (escapes && *q == '\\' && q + 1 < end)
                        q += 2;
                    else if (*q == c && q + 1 < end && q[1] == c)
                        q += 2;
                    else if (*q == c)
                        break;
                    else
                        q++;
                }
                if (q < end)
                    q++;
                last_word = NULL;
            } else if (c == '[' && q + 1 < end) {
                /* SQLite's [quoted identifier]; PostgreSQL arrays never hold a ';' outside quotes */
                const char *close = memchr(q, ']', (size_t)(end - q));
                const char *semi = memchr(q, ';', (size_t)(end - q));
                q = close && (!semi || close < semi) ? close + 1 : q + 1;
            } else if (c == '$') {
                const char *t = q + 1;
                while (t < end && ident_char(*t) && (unsigned char)*t < 0x80)
                    t++;
                if (t < end && *t == '$' && !(t > q + 1 && q[1] >= '0' && q[1] <= '9') &&
                    !(q > start && ident_char(q[-1]))) {
                    size_t taglen = (size_t)(t + 1 - q);
                    const char *r = t + 1;
                    while (r + taglen <= end && memcmp(r, q, taglen) != 0)
                        r++;
                    q = r + taglen <= end ? r + taglen : end;
                } else {
                    q++;
                }
            } else if (ident_char(c)) {
                const char *w = q;
                while (q < end && ident_char(*q))
                    q++;
                last_word = w;
                last_word_end = q;
                if (trigger && !in_body && migration_word_is(w, q, "BEGIN"))
                    in_body = true;
            } else {
                q++;
            }
        }
        /* the statement's first line */
        for (; counted < start; counted++)
            if (*counted == '\n')
                line++;
        SqlStatement st = {(uint32_t)(start - base), (uint32_t)(q - base), line};
        /* trailing blank space is not part of it */
        while (st.end > st.start && (base[st.end - 1] == ' ' || base[st.end - 1] == '\n' ||
                                     base[st.end - 1] == '\r' || base[st.end - 1] == '\t'))
            st.end--;
        if (st.end > st.start)
            ARENA_PUSH(arena, items, count, cap, st);
        p = q < end ? q + 1 : end;
    }
    *out = items;
    return count;
}

TxnStatement migration_statement_txn(const char *stmt, size_t len)
{
    const char *end = stmt + len, *we;
    const char *w = next_word(stmt, end, &we);
    TxnStatement kind = TXN_STMT_NONE;
    if (migration_word_is(w, we, "BEGIN"))
        kind = TXN_STMT_BEGIN;
    else if (migration_word_is(w, we, "COMMIT") || migration_word_is(w, we, "END"))
        kind = TXN_STMT_COMMIT;
    else if (migration_word_is(w, we, "ROLLBACK") || migration_word_is(w, we, "ABORT"))
        kind = TXN_STMT_ROLLBACK;
    else if (migration_word_is(w, we, "START")) {
        w = next_word(we, end, &we);
        return migration_word_is(w, we, "TRANSACTION") ? TXN_STMT_BEGIN : TXN_STMT_NONE;
    }
    if (kind == TXN_STMT_NONE)
        return kind;
    /* BEGIN; BEGIN WORK; BEGIN TRANSACTION [ISOLATION ...]; BEGIN DEFERRED|IMMEDIATE|EXCLUSIVE
     * (SQLite); ROLLBACK TO SAVEPOINT is not the end of a transaction. */
    w = next_word(we, end, &we);
    if (w == we)
        return kind;
    if (kind == TXN_STMT_ROLLBACK && migration_word_is(w, we, "TO"))
        return TXN_STMT_NONE;
    if (migration_word_is(w, we, "WORK") || migration_word_is(w, we, "TRANSACTION") || migration_word_is(w, we, "ISOLATION") ||
        migration_word_is(w, we, "READ") || migration_word_is(w, we, "DEFERRED") || migration_word_is(w, we, "IMMEDIATE") ||
        migration_word_is(w, we, "EXCLUSIVE") || migration_word_is(w, we, "AND"))
        return kind;
    return TXN_STMT_NONE;
}
