/* Files the commands read and write: whole files and streams in, files replaced atomically out. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_replace_file(const char *given, const char *data, size_t len, bool *temp_failed)
{
    if (temp_failed)
        *temp_failed = false;
    /* through a symbolic link, the file it points to is replaced, not the link */
    char *real = realpath(given, NULL);
    const char *path = real ? real : given;
    /* mkstemp makes the file private: give it the mode the file had, or the usual one */
    struct stat st;
    mode_t mode;
    if (stat(path, &st) == 0) {
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + 32);
    if (!tmp) {
        free(real);
        return ENOMEM;
    }
    snprintf(tmp, n + 32, "%s.prismac-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        if (temp_failed)
            *temp_failed = true;
        free(tmp);
        free(real);
        return e;
    }
    int err = 0;
    size_t done = 0;
    while (!err && done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno != EINTR)
            err = errno;
        else if (w > 0)
            done += (size_t)w;
    }
    if (!err && fchmod(fd, mode) != 0)
        err = errno;
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (!err && rename(tmp, path) != 0)
        err = errno;
    if (err)
        unlink(tmp);
    free(tmp);
    free(real);
    return err;
}

int cli_write_file(const char *path, const char *data, size_t len)
{
    if (strcmp(path, "-") == 0) {
        if ((len && fwrite(data, 1, len, stdout) != len) || fflush(stdout) != 0) {
            fprintf(stderr, "prismac: cannot write to standard output: %s\n", strerror(errno));
            return EXIT_TROUBLE;
        }
        return EXIT_CLEAN;
    }
    int err = cli_replace_file(path, data, len, NULL);
    if (err) {
        fprintf(stderr, "prismac: cannot write %s: %s\n", path, strerror(err));
        return EXIT_TROUBLE;
    }
    return EXIT_CLEAN;
}

char *cli_read_stream(FILE *f, size_t *len)
{
    size_t cap = 64 * 1024, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

char *cli_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = cli_read_stream(f, len);
    int e = errno;
    fclose(f);
    if (!text)
        errno = e ? e : EIO;
    return text;
}
