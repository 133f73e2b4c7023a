/* Loading libsqlite3 on first use (see sqlitelib.h). */
#define SQLITELIB_NO_REDIRECT
#include "sqlitelib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* The process's one copy of the table: filled once, read-only afterwards. */
static SqliteLib sqlitelib_table;
static pthread_once_t sqlitelib_once = PTHREAD_ONCE_INIT;

static void sqlitelib_fail(const char *what)
{
    fprintf(stderr, "prismac: cannot load the SQLite library (libsqlite3.so.0): %s\n",
            what ? what : "unknown error");
    exit(2);
}

static void sqlitelib_load(void)
{
    void *lib = dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        sqlitelib_fail(dlerror());
    /* POSIX's way to store dlsym's object pointer into a function pointer */
#define SQLITELIB_RESOLVE(name)                                                                     \
    *(void **)&sqlitelib_table.name = dlsym(lib, #name);                                            \
    if (!sqlitelib_table.name)                                                                      \
        sqlitelib_fail(dlerror());
    SQLITELIB_FUNCTIONS(SQLITELIB_RESOLVE)
#undef SQLITELIB_RESOLVE
}

const SqliteLib *sqlitelib(void)
{
    pthread_once(&sqlitelib_once, sqlitelib_load);
    return &sqlitelib_table;
}
