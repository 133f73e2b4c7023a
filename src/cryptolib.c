/* Loading libcrypto on first use (see cryptolib.h). */
#define CRYPTOLIB_NO_REDIRECT
#include "cryptolib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* The process's one copy of the table: filled once, read-only afterwards. */
static CryptoLib cryptolib_table;
static pthread_once_t cryptolib_once = PTHREAD_ONCE_INIT;

static void cryptolib_fail(const char *what)
{
    fprintf(stderr, "prismac: cannot load the OpenSSL crypto library (libcrypto.so.3): %s\n",
            what ? what : "unknown error");
    exit(2);
}

static void cryptolib_load(void)
{
    void *lib = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        cryptolib_fail(dlerror());
    /* POSIX's way to store dlsym's object pointer into a function pointer */
#define CRYPTOLIB_RESOLVE(name)                                                                     \
    *(void **)&cryptolib_table.name = dlsym(lib, #name);                                            \
    if (!cryptolib_table.name)                                                                      \
        cryptolib_fail(dlerror());
    CRYPTOLIB_FUNCTIONS(CRYPTOLIB_RESOLVE)
#undef CRYPTOLIB_RESOLVE
}

const CryptoLib *cryptolib(void)
{
    pthread_once(&cryptolib_once, cryptolib_load);
    return &cryptolib_table;
}
