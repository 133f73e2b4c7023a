/* Files the commands read and write: whole files and streams in, files replaced atomically out. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 0, or the errno of the write that failed. */
static int write_all(int fd, const char *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t k = write(fd, data + done, len - done);
        if (k < 0 && errno != EINTR)
            return errno;
        if (k > 0)
            done += (size_t)k;
    }
    return 0;
}

/* What is not a regular file is written to as it is (no temporary file, no rename). */
static int write_in_place(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int err = write_all(fd, data, len);
    if (close(fd) != 0 && !err)
        err = errno;
    return err;
}

int cli_replace_begin(CliReplace *w, const char *given, const char *data, size_t len)
{
    *w = (CliReplace){0};
    /* through a symbolic link, the file it points to is replaced, not the link */
    w->real = realpath(given, NULL);
    const char *path = w->real ? w->real : given;
    /* mkstemp makes the file private: give it the mode the file had, or the usual one */
    struct stat st;
    mode_t mode;
    bool exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        free(w->real);
        w->real = NULL;
        return EISDIR;
    }
    if (exists && !S_ISREG(st.st_mode)) {
        /* a device (/dev/null, a terminal) or a FIFO: renaming a file over it would replace
         * the device node itself */
        w->path = path;
        w->in_place = true;
        w->data = data;
        w->len = len;
        return 0;
    }
    if (exists) {
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    size_t n = strlen(path);
    w->path = path;
    w->tmp = malloc(n + 32);
    if (!w->tmp) {
        free(w->real);
        w->real = NULL;
        return ENOMEM;
    }
    snprintf(w->tmp, n + 32, "%s.prismac-XXXXXX", path);
    int fd = mkstemp(w->tmp);
    if (fd < 0) {
        int e = errno;
        w->temp_failed = true;
        free(w->tmp);
        free(w->real);
        w->tmp = w->real = NULL;
        return e;
    }
    int err = write_all(fd, data, len);
    if (!err && fchmod(fd, mode) != 0)
        err = errno;
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (err)
        cli_replace_abort(w);
    return err;
}

int cli_replace_commit(CliReplace *w)
{
    int err;
    if (w->in_place) {
        err = write_in_place(w->path, w->data, w->len);
    } else if ((err = rename(w->tmp, w->path) != 0 ? errno : 0) != 0) {
        unlink(w->tmp);
    }
    free(w->tmp);
    free(w->real);
    *w = (CliReplace){0};
    return err;
}

void cli_replace_abort(CliReplace *w)
{
    if (w->tmp)
        unlink(w->tmp);
    free(w->tmp);
    free(w->real);
    bool temp_failed = w->temp_failed;
    *w = (CliReplace){0};
    w->temp_failed = temp_failed;
}

int cli_replace_file(const char *given, const char *data, size_t len, bool *temp_failed)
{
    CliReplace w;
    int err = cli_replace_begin(&w, given, data, len);
    if (temp_failed)
        *temp_failed = w.temp_failed;
    return err ? err : cli_replace_commit(&w);
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
