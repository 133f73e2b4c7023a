/* Loading libcrypto on first use (see cryptolib.h). */
#define CRYPTOLIB_NO_REDIRECT
#include "cryptolib.h"

#include "dynlib.h"

#include <pthread.h>

/* The process's one copy of the table: filled once, read-only afterwards. */
static CryptoLib cryptolib_table;
static pthread_once_t cryptolib_once = PTHREAD_ONCE_INIT;

#define CRYPTOLIB_SYMBOL(name) DYNLIB_SYMBOL(cryptolib_table, name)

static void cryptolib_load(void)
{
    static const DynlibSymbol symbols[] = {CRYPTOLIB_FUNCTIONS(CRYPTOLIB_SYMBOL)};
    static const Dynlib lib = {"libcrypto.so.3", "the OpenSSL crypto library", symbols,
                               sizeof symbols / sizeof *symbols};
    dynlib_load(&lib);
}

const CryptoLib *cryptolib(void)
{
    pthread_once(&cryptolib_once, cryptolib_load);
    return &cryptolib_table;
}
