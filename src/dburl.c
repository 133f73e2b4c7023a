/* Database URLs: parsing, password masking, and resolution (--db, DATABASE_URL, the
 * datasource's url, .env). See dburl.h for the accepted forms. */
#include "prismac/dburl.h"

#include <ctype.h>
#include <errno.h>
#include "pqlib.h"     /* libpq, loaded on first use */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ---- errors ------------------------------------------------------------------------------- */

const char *db_error_kind_name(DbErrorKind kind)
{
    switch (kind) {
    case DBERR_NONE: return "none";
    case DBERR_NO_URL: return "no-url";
    case DBERR_ENV: return "env";
    case DBERR_URL: return "url";
    case DBERR_HOST_UNKNOWN: return "host-unknown";
    case DBERR_UNREACHABLE: return "unreachable";
    case DBERR_TIMEOUT: return "timeout";
    case DBERR_AUTH: return "auth";
    case DBERR_NO_DATABASE: return "no-database";
    case DBERR_PERMISSION: return "permission";
    case DBERR_TLS: return "tls";
    case DBERR_NOT_A_DATABASE: return "not-a-database";
    case DBERR_QUERY: return "query";
    case DBERR_OTHER: return "other";
    }
    return "other";
}

void db_error_set(DbError *err, DbErrorKind kind, const char *fmt, ...)
{
    if (!err)
        return;
    err->kind = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->detail[0] = '\0';
}

/* ---- small string helpers ----------------------------------------------------------------- */

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes [s, s+len) into the arena. */
static char *percent_decode(Arena *a, const char *s, size_t len)
{
    char *out = arena_alloc(a, len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && hex_value((unsigned char)s[i + 1]) >= 0 &&
            hex_value((unsigned char)s[i + 2]) >= 0) {
            out[n++] = (char)(hex_value((unsigned char)s[i + 1]) * 16 + hex_value((unsigned char)s[i + 2]));
            i += 2;
        } else {
            out[n++] = s[i];
        }
    }
    out[n] = '\0';
    return out;
}

static bool starts_with_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* strcasestr, which C11 and POSIX lack. */
static const char *find_ci(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = haystack; *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            return p;
    return NULL;
}

/* A growable malloc'd buffer for building text. */
typedef struct Buf {
    char *p;
    size_t len, cap;
} Buf;

static void buf_put(Buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 128;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            fprintf(stderr, "prismac: out of memory\n");
            exit(2);
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_puts(Buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

/* ---- masking ------------------------------------------------------------------------------ */

#define MASK "****"

/* Replaces every occurrence of `secret` in b (in place, rebuilding). */
static void mask_occurrences(Buf *b, const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;
    if (!n || !b->p)
        return;
    Buf out = {0};
    const char *p = b->p, *hit;
    while ((hit = strstr(p, secret)) != NULL) {
        buf_put(&out, p, (size_t)(hit - p));
        buf_puts(&out, MASK);
        p = hit + n;
    }
    buf_puts(&out, p);
    free(b->p);
    *b = out;
}

/* scheme://user:SECRET@host → scheme://user:****@host, anywhere in the text. */
static void mask_url_userinfo(Buf *b)
{
    if (!b->p)
        return;
    Buf out = {0};
    const char *p = b->p;
    for (;;) {
        const char *sep = strstr(p, "://");
        if (!sep) {
            buf_puts(&out, p);
            break;
        }
        const char *auth = sep + 3;
        const char *end = auth;
        while (*end && *end != '/' && *end != '?' && *end != '#' && !isspace((unsigned char)*end) && *end != '"' &&
               *end != '\'' && *end != '`')
            end++;
        const char *at = NULL;
        for (const char *q = auth; q < end; q++)
            if (*q == '@')
                at = q;
        const char *colon = NULL;
        if (at)
            for (const char *q = auth; q < at; q++)
                if (*q == ':') {
                    colon = q;
                    break;
                }
        if (colon && at > colon + 1) {
            buf_put(&out, p, (size_t)(colon + 1 - p));
            buf_puts(&out, MASK);
            p = at;
        } else {
            buf_put(&out, p, (size_t)(end - p));
            p = end;
        }
        if (!*p) {
            break;
        }
    }
    free(b->p);
    *b = out;
}

/* password=SECRET (conninfo keyword or URL query parameter), case-insensitive. */
static void mask_password_keyword(Buf *b)
{
    if (!b->p)
        return;
    Buf out = {0};
    const char *p = b->p;
    for (;;) {
        const char *hit = find_ci(p, "password");
        if (!hit) {
            buf_puts(&out, p);
            break;
        }
        const char *q = hit + 8;
        while (*q == ' ')
            q++;
        if (*q != '=') {
            buf_put(&out, p, (size_t)(hit + 8 - p));
            p = hit + 8;
            continue;
        }
        q++;
        while (*q == ' ')
            q++;
        buf_put(&out, p, (size_t)(q - p));
        const char *end = q;
        if (*q == '\'') {
            end = q + 1;
            while (*end && *end != '\'') {
                if (*end == '\\' && end[1])
                    end++;
                end++;
            }
            if (*end == '\'')
                end++;
        } else {
            while (*end && !isspace((unsigned char)*end) && *end != '&' && *end != '"' && *end != '#')
                end++;
        }
        if (end > q)
            buf_puts(&out, MASK);
        p = end;
    }
    free(b->p);
    *b = out;
}

char *dburl_mask_text(const DbUrl *url, const char *text, char *buf, size_t size)
{
    Buf b = {0};
    buf_puts(&b, text ? text : "");
    if (url) {
        /* Longest first, so that the decoded password inside the raw one is not half-masked. */
        const char *a = url->password_raw, *c = url->password;
        if (a && c && strlen(c) > strlen(a)) {
            const char *t = a;
            a = c;
            c = t;
        }
        mask_occurrences(&b, a);
        mask_occurrences(&b, c);
    }
    mask_url_userinfo(&b);
    mask_password_keyword(&b);
    snprintf(buf, size, "%s", b.p ? b.p : "");
    free(b.p);
    return buf;
}

/* ---- parsing ------------------------------------------------------------------------------ */

/* Prisma's own connection-string parameters: understood by Prisma's drivers, unknown to libpq. */
static const char *const PRISMA_PG_PARAMS[] = {
    "connection_limit", "pool_timeout", "socket_timeout", "pgbouncer", "statement_cache_size",
    "sslidentity",      "sslaccept",    "max_connection_lifetime", "max_idle_connection_lifetime",
    "single_use_connections", NULL,
};

static const char *const PRISMA_SQLITE_PARAMS[] = {"connection_limit", "socket_timeout", "pool_timeout", "mode", NULL};

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

static bool libpq_knows(const char *keyword)
{
    PQconninfoOption *opts = PQconndefaults();
    bool found = false;
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, keyword) == 0) {
            found = true;
            break;
        }
    PQconninfoFree(opts);
    return found;
}

/* "/a/./b/../c" → "/a/c" (lexically). `path` is absolute. */
static char *normalize_path(Arena *a, const char *path)
{
    size_t n = strlen(path);
    char *out = arena_alloc(a, n + 2);
    size_t len = 0;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        const char *seg = p;
        while (*p && *p != '/')
            p++;
        size_t sl = (size_t)(p - seg);
        if (sl == 0 || (sl == 1 && seg[0] == '.'))
            continue;
        if (sl == 2 && seg[0] == '.' && seg[1] == '.') {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--;
            continue;
        }
        out[len++] = '/';
        memcpy(out + len, seg, sl);
        len += sl;
    }
    if (len == 0)
        out[len++] = '/';
    out[len] = '\0';
    return out;
}

static bool parse_sqlite(const char *text, const char *rest, const char *base_dir, DbUrl *out, DbError *err)
{
    Arena *a = &out->arena;
    out->kind = DBURL_SQLITE;
    out->masked = out->text;
    const char *q = strchr(rest, '?');
    size_t plen = q ? (size_t)(q - rest) : strlen(rest);
    char *path;
    if (plen >= 2 && rest[0] == '/' && rest[1] == '/') {
        /* URI forms: file:///abs, file://localhost/abs, sqlite://relative */
        const char *p = rest + 2;
        size_t n = plen - 2;
        if (n >= 9 && strncmp(p, "localhost", 9) == 0 && (n == 9 || p[9] == '/')) {
            p += 9;
            n -= 9;
        }
        path = percent_decode(a, p, n);
    } else {
        path = arena_strndup(a, rest, plen);
    }
    if (!path[0]) {
        db_error_set(err, DBERR_URL, "`%s` names no SQLite file (expected file:PATH, e.g. file:./dev.db)", text);
        return false;
    }
    if (strcmp(path, ":memory:") == 0) {
        db_error_set(err, DBERR_URL, "`%s` is an in-memory SQLite database: there is nothing to read in it", text);
        return false;
    }
    if (path[0] != '/') {
        char cwd[4096];
        const char *dir = base_dir;
        if (!dir || !dir[0]) {
            if (!getcwd(cwd, sizeof cwd)) {
                db_error_set(err, DBERR_OTHER, "cannot determine the working directory: %s", strerror(errno));
                return false;
            }
            dir = cwd;
        }
        if (dir[0] != '/') {
            if (!getcwd(cwd, sizeof cwd)) {
                db_error_set(err, DBERR_OTHER, "cannot determine the working directory: %s", strerror(errno));
                return false;
            }
            path = arena_sprintf(a, "%s/%s/%s", cwd, dir, path);
        } else {
            path = arena_sprintf(a, "%s/%s", dir, path);
        }
    }
    out->path = normalize_path(a, path);
    /* Parameters: Prisma's are ignored, `mode` is ours to choose, the rest go to SQLite. */
    Buf params = {0};
    if (q) {
        const char *p = q + 1;
        while (*p) {
            const char *amp = strchr(p, '&');
            size_t n = amp ? (size_t)(amp - p) : strlen(p);
            const char *eq = memchr(p, '=', n);
            char *key = percent_decode(a, p, eq ? (size_t)(eq - p) : n);
            if (n && !in_list(PRISMA_SQLITE_PARAMS, key)) {
                if (params.len)
                    buf_puts(&params, "&");
                buf_put(&params, p, n);
            }
            p += n;
            if (*p == '&')
                p++;
        }
    }
    out->sqlite_params = arena_strdup(a, params.p ? params.p : "");
    free(params.p);
    return true;
}

static bool parse_postgres(const char *text, size_t scheme_len, DbUrl *out, DbError *err)
{
    Arena *a = &out->arena;
    out->kind = DBURL_POSTGRES;
    const char *auth = text + scheme_len;   /* after "://" */
    const char *auth_end = auth;
    while (*auth_end && *auth_end != '/' && *auth_end != '?' && *auth_end != '#')
        auth_end++;
    /* userinfo: up to the last '@' of the authority */
    const char *at = NULL;
    for (const char *p = auth; p < auth_end; p++)
        if (*p == '@')
            at = p;
    const char *pw_start = NULL, *pw_end = NULL;
    if (at) {
        const char *colon = memchr(auth, ':', (size_t)(at - auth));
        if (colon) {
            pw_start = colon + 1;
            pw_end = at;
            out->password_raw = arena_strndup(a, pw_start, (size_t)(pw_end - pw_start));
            out->password = percent_decode(a, pw_start, (size_t)(pw_end - pw_start));
            if (!out->password[0])
                out->password = out->password_raw = NULL;
        }
    }
    const char *path = auth_end, *path_end = auth_end;
    if (*path == '/') {
        path_end = path + 1;
        while (*path_end && *path_end != '?' && *path_end != '#')
            path_end++;
        if (path_end > path + 1)
            out->database = percent_decode(a, path + 1, (size_t)(path_end - path - 1));
    }
    const char *query = *path_end == '?' ? path_end + 1 : NULL;
    const char *query_end = query ? query + strcspn(query, "#") : NULL;

    Buf conn = {0}, masked = {0};
    buf_put(&conn, text, (size_t)(path_end - text));
    if (pw_start) {
        buf_put(&masked, text, (size_t)(pw_start - text));
        buf_puts(&masked, MASK);
        buf_put(&masked, pw_end, (size_t)(path_end - pw_end));
    } else {
        buf_put(&masked, text, (size_t)(path_end - text));
    }
    bool ok = true, first = true, mfirst = true;
    if (query) {
        const char *p = query;
        while (p < query_end) {
            const char *amp = memchr(p, '&', (size_t)(query_end - p));
            size_t n = amp ? (size_t)(amp - p) : (size_t)(query_end - p);
            if (n == 0) {
                p += 1;
                continue;
            }
            const char *eq = memchr(p, '=', n);
            char *key = percent_decode(a, p, eq ? (size_t)(eq - p) : n);
            char *value = eq ? percent_decode(a, eq + 1, n - (size_t)(eq + 1 - p)) : arena_strdup(a, "");
            bool secret = strcmp(key, "password") == 0 || strcmp(key, "sslpassword") == 0;
            buf_puts(&masked, mfirst ? "?" : "&");
            mfirst = false;
            if (secret) {
                buf_put(&masked, p, eq ? (size_t)(eq + 1 - p) : n);
                buf_puts(&masked, MASK);
                if (strcmp(key, "password") == 0 && value[0] && !out->password) {
                    out->password = value;
                    out->password_raw = arena_strndup(a, eq + 1, n - (size_t)(eq + 1 - p));
                }
            } else {
                buf_put(&masked, p, n);
            }
            if (strcmp(key, "schema") == 0) {
                out->schema = value;
            } else if (in_list(PRISMA_PG_PARAMS, key)) {
                /* Prisma's pool and driver settings: nothing to do for one read-only session. */
            } else if (libpq_knows(key)) {
                buf_puts(&conn, first ? "?" : "&");
                first = false;
                buf_put(&conn, p, n);
            } else if (ok) {
                ok = false;
                db_error_set(err, DBERR_URL,
                             "unknown parameter `%s` in the database URL (neither libpq nor Prisma knows it)", key);
            }
            p += n;
            if (p < query_end && *p == '&')
                p++;
        }
    }
    out->conninfo = arena_strdup(a, conn.p);
    out->masked = arena_strdup(a, masked.p);
    free(conn.p);
    free(masked.p);
    return ok;
}

bool dburl_parse(const char *text, const char *base_dir, DbUrl *out, DbError *err)
{
    memset(out, 0, sizeof *out);
    arena_init(&out->arena);
    if (err)
        err->kind = DBERR_NONE;
    out->text = arena_strdup(&out->arena, text ? text : "");
    out->masked = out->text;
    text = out->text;
    if (!text[0]) {
        db_error_set(err, DBERR_URL, "the database URL is empty");
        return false;
    }
    if (starts_with_ci(text, "postgresql://"))
        return parse_postgres(text, strlen("postgresql://"), out, err);
    if (starts_with_ci(text, "postgres://"))
        return parse_postgres(text, strlen("postgres://"), out, err);
    if (starts_with_ci(text, "file:"))
        return parse_sqlite(text, text + 5, base_dir, out, err);
    if (starts_with_ci(text, "sqlite:"))
        return parse_sqlite(text, text + 7, base_dir, out, err);

    /* Anything else: say what it looks like, without echoing a password. */
    char masked[512];
    dburl_mask_text(NULL, text, masked, sizeof masked);
    out->masked = arena_strdup(&out->arena, masked);
    static const struct {
        const char *prefix, *what;
    } others[] = {
        {"mysql://", "MySQL"},   {"mariadb://", "MariaDB"},         {"sqlserver://", "SQL Server"},
        {"mongodb", "MongoDB"},  {"cockroachdb://", "CockroachDB"}, {"prisma://", "Prisma Accelerate"},
        {"prisma+postgres://", "Prisma Postgres"},
    };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (starts_with_ci(text, others[i].prefix)) {
            db_error_set(err, DBERR_URL,
                         "`%s` is a %s URL: prismac reads PostgreSQL (postgresql://…) and SQLite (file:PATH) databases",
                         masked, others[i].what);
            return false;
        }
    db_error_set(err, DBERR_URL,
                 "`%s` is not a database URL: expected postgresql://USER@HOST:PORT/DATABASE or file:PATH", masked);
    return false;
}

void dburl_free(DbUrl *url)
{
    if (url)
        arena_free(&url->arena);
}

/* ---- .env --------------------------------------------------------------------------------- */

typedef struct EnvEntry {
    char *key, *value;
    bool expand;
} EnvEntry;

typedef struct EnvFile {
    EnvEntry *items;
    size_t count, cap;
} EnvFile;

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    Buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_put(&b, chunk, n);
    fclose(f);
    if (!b.p)
        buf_puts(&b, "");
    return b.p;
}

static void env_add(EnvFile *env, char *key, char *value, bool expand)
{
    for (size_t i = 0; i < env->count; i++)
        if (strcmp(env->items[i].key, key) == 0) {   /* the last definition wins, as in dotenv */
            free(env->items[i].key);
            free(env->items[i].value);
            env->items[i] = (EnvEntry){key, value, expand};
            return;
        }
    if (env->count == env->cap) {
        env->cap = env->cap ? env->cap * 2 : 16;
        env->items = realloc(env->items, env->cap * sizeof *env->items);
        if (!env->items) {
            fprintf(stderr, "prismac: out of memory\n");
            exit(2);
        }
    }
    env->items[env->count++] = (EnvEntry){key, value, expand};
}

/* Parses dotenv syntax: [export] KEY=VALUE, VALUE unquoted (up to a # comment, trimmed),
 * '...' (literal), "..." (\n, \r, \t, \", \\ escapes) or `...`; quoted values may span lines. */
static void env_parse(EnvFile *env, const char *text)
{
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (!*p)
            break;
        if (*p == '#') {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        if (strncmp(p, "export", 6) == 0 && (p[6] == ' ' || p[6] == '\t')) {
            p += 6;
            while (*p == ' ' || *p == '\t')
                p++;
        }
        const char *k = p;
        while (isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '-')
            p++;
        size_t klen = (size_t)(p - k);
        while (*p == ' ' || *p == '\t')
            p++;
        if (klen == 0 || (*p != '=' && *p != ':')) {
            while (*p && *p != '\n')   /* not an assignment: skip the line */
                p++;
            continue;
        }
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        Buf v = {0};
        bool expand = true;
        if (*p == '"' || *p == '\'' || *p == '`') {
            char quote = *p;
            const char *s = p + 1, *e = s;
            while (*e && *e != quote) {
                if (*e == '\\' && e[1] == quote)
                    e++;
                e++;
            }
            if (*e == quote) {
                for (const char *c = s; c < e; c++) {
                    if (quote == '"' && *c == '\\' && c + 1 < e) {
                        char n = c[1];
                        char r = n == 'n' ? '\n' : n == 'r' ? '\r' : n == 't' ? '\t' : n;
                        if (n == 'n' || n == 'r' || n == 't' || n == '"' || n == '\\') {
                            buf_put(&v, &r, 1);
                            c++;
                            continue;
                        }
                    } else if (*c == '\\' && c + 1 < e && c[1] == quote) {
                        buf_put(&v, &quote, 1);
                        c++;
                        continue;
                    }
                    buf_put(&v, c, 1);
                }
                expand = quote != '\'';
                p = e + 1;
                while (*p && *p != '\n')
                    p++;
                env_add(env, strndup(k, klen), v.p ? v.p : strdup(""), expand);
                continue;
            }
            /* an unterminated quote: read the line as an unquoted value */
        }
        const char *s = p;
        while (*p && *p != '\n' && !(*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t')))
            p++;
        const char *e = p;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
            e--;
        buf_put(&v, s, (size_t)(e - s));
        while (*p && *p != '\n')
            p++;
        env_add(env, strndup(k, klen), v.p ? v.p : strdup(""), expand);
    }
}

static void env_free(EnvFile *env)
{
    for (size_t i = 0; i < env->count; i++) {
        free(env->items[i].key);
        free(env->items[i].value);
    }
    free(env->items);
}

static const EnvEntry *env_find(const EnvFile *env, const char *key)
{
    for (size_t i = 0; i < env->count; i++)
        if (strcmp(env->items[i].key, key) == 0)
            return &env->items[i];
    return NULL;
}

/* ${VAR}, ${VAR:-default} and $VAR, from the environment first, then the file; \$ is a dollar. */
static char *env_expand(const EnvFile *env, const char *value, int depth)
{
    Buf out = {0};
    buf_puts(&out, "");
    for (const char *p = value; *p;) {
        if (p[0] == '\\' && p[1] == '$') {
            buf_puts(&out, "$");
            p += 2;
            continue;
        }
        if (*p != '$' || depth > 8) {
            buf_put(&out, p, 1);
            p++;
            continue;
        }
        const char *name = p + 1, *name_end, *next, *dflt = NULL, *dflt_end = NULL;
        if (*name == '{') {
            name++;
            const char *close = strchr(name, '}');
            if (!close) {
                buf_put(&out, p, 1);
                p++;
                continue;
            }
            name_end = name;
            while (name_end < close && (isalnum((unsigned char)*name_end) || *name_end == '_'))
                name_end++;
            if (name_end + 1 < close && name_end[0] == ':' && name_end[1] == '-') {
                dflt = name_end + 2;
                dflt_end = close;
            }
            next = close + 1;
        } else {
            name_end = name;
            while (isalnum((unsigned char)*name_end) || *name_end == '_')
                name_end++;
            next = name_end;
        }
        if (name_end == name) {
            buf_put(&out, p, 1);
            p++;
            continue;
        }
        char *key = strndup(name, (size_t)(name_end - name));
        const char *val = getenv(key);
        char *expanded = NULL;
        if (!val) {
            const EnvEntry *e = env_find(env, key);
            if (e) {
                expanded = e->expand ? env_expand(env, e->value, depth + 1) : strdup(e->value);
                val = expanded;
            }
        }
        if ((!val || !val[0]) && dflt)
            buf_put(&out, dflt, (size_t)(dflt_end - dflt));
        else if (val)
            buf_puts(&out, val);
        free(expanded);
        free(key);
        p = next;
    }
    return out.p;
}

char *dburl_dotenv_get(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/.env", dir && dir[0] ? dir : ".");
    char *text = read_file(path);
    if (!text)
        return NULL;
    EnvFile env = {0};
    env_parse(&env, text);
    free(text);
    const EnvEntry *e = env_find(&env, name);
    char *value = e ? (e->expand ? env_expand(&env, e->value, 0) : strdup(e->value)) : NULL;
    env_free(&env);
    return value;
}

/* ---- resolution --------------------------------------------------------------------------- */

/* The variable from the environment, else from the .env beside the schema (malloc'd). */
static char *lookup_variable(const char *name, const char *schema_dir, DbUrlOrigin *origin)
{
    const char *v = getenv(name);
    if (v && v[0])
        return strdup(v);
    char *d = dburl_dotenv_get(schema_dir, name);
    if (d && d[0]) {
        if (origin) {
            origin->from_dotenv = true;
            snprintf(origin->dotenv_path, sizeof origin->dotenv_path, "%s/.env",
                     schema_dir && schema_dir[0] ? schema_dir : ".");
        }
        return d;
    }
    free(d);
    return NULL;
}

bool dburl_resolve(const char *flag_url, const Property *url_prop, const char *schema_dir, DbUrl *out,
                   DbUrlOrigin *origin, DbError *err)
{
    DbUrlOrigin local;
    if (!origin)
        origin = &local;
    memset(origin, 0, sizeof *origin);
    memset(out, 0, sizeof *out);
    arena_init(&out->arena);

    if (flag_url) {
        origin->source = DBURL_FROM_FLAG;
        return dburl_parse(flag_url, NULL, out, err);
    }
    char *v = lookup_variable("DATABASE_URL", schema_dir, origin);
    if (v) {
        origin->source = DBURL_FROM_DATABASE_URL;
        snprintf(origin->variable, sizeof origin->variable, "DATABASE_URL");
        bool ok = dburl_parse(v, schema_dir, out, err);
        free(v);
        return ok;
    }
    const Expr *e = url_prop ? url_prop->value : NULL;
    if (e && e->kind == EXPR_STRING) {
        origin->source = DBURL_FROM_DATASOURCE;
        char *text = strndup(e->value.ptr ? e->value.ptr : "", e->value.len);
        bool ok = dburl_parse(text, schema_dir, out, err);
        free(text);
        return ok;
    }
    if (e && e->kind == EXPR_CALL && e->text.len == 3 && memcmp(e->text.ptr, "env", 3) == 0 && e->args &&
        e->args->count >= 1 && e->args->items[0].value && e->args->items[0].value->kind == EXPR_STRING) {
        const Str name = e->args->items[0].value->value;
        origin->source = DBURL_FROM_DATASOURCE_ENV;
        snprintf(origin->variable, sizeof origin->variable, "%.*s", (int)name.len, name.ptr ? name.ptr : "");
        v = lookup_variable(origin->variable, schema_dir, origin);
        if (!v) {
            db_error_set(err, DBERR_ENV,
                         "the datasource's url reads the environment variable `%s`, which is set neither in the "
                         "environment nor in %s/.env; set it, or pass --db URL",
                         origin->variable, schema_dir && schema_dir[0] ? schema_dir : ".");
            return false;
        }
        bool ok = dburl_parse(v, schema_dir, out, err);
        free(v);
        return ok;
    }
    if (e) {
        db_error_set(err, DBERR_URL, "the datasource's url must be a string or env(\"VARIABLE\")");
        return false;
    }
    db_error_set(err, DBERR_NO_URL,
                 "no database to read: pass --db URL, or set DATABASE_URL (in the environment or in %s/.env)",
                 schema_dir && schema_dir[0] ? schema_dir : ".");
    return false;
}

bool dburl_resolve_db(const char *flag_url, const Db *db, const char *schema_dir, DbUrl *out, DbUrlOrigin *origin,
                      DbError *err)
{
    const Property *prop = db && db->datasource ? db->datasource->url : NULL;
    return dburl_resolve(flag_url, prop, schema_dir, out, origin, err);
}
