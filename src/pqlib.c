/* Loading libpq on first use (see pqlib.h). */
#define PQLIB_NO_REDIRECT
#include "pqlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* The process's one copy of the table: filled once, read-only afterwards, like the library it
 * points into. */
static PqLib pqlib_table;
static pthread_once_t pqlib_once = PTHREAD_ONCE_INIT;

static void pqlib_fail(const char *what)
{
    fprintf(stderr, "prismac: cannot load the PostgreSQL client library (libpq.so.5): %s\n",
            what ? what : "unknown error");
    exit(2);
}

static void pqlib_load(void)
{
    void *lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        pqlib_fail(dlerror());
    /* POSIX's way to store dlsym's object pointer into a function pointer */
#define PQLIB_RESOLVE(name)                                                                         \
    *(void **)&pqlib_table.name = dlsym(lib, #name);                                                \
    if (!pqlib_table.name)                                                                          \
        pqlib_fail(dlerror());
    PQLIB_FUNCTIONS(PQLIB_RESOLVE)
#undef PQLIB_RESOLVE
}

const PqLib *pqlib(void)
{
    pthread_once(&pqlib_once, pqlib_load);
    return &pqlib_table;
}
