/* Reading migrations folders and checksumming their scripts. */
#include "prismac/migrations.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
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
    const Migration *x = a, *y = b;
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
    Migration m = {0};
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
