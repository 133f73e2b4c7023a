/* libcrypto (OpenSSL), loaded the first time a command needs it: SHA-256 checksums of
 * migrations and random migration ids. Linked in, it is loaded and relocated by every process
 * (four thousand symbol relocations and its pages: about a millisecond), for the few commands
 * that read migrations. Works as pqlib.h does: the sources that use it include this header
 * instead of OpenSSL's, and each function they call goes through a table filled on first use. */
#ifndef PRISMAC_CRYPTOLIB_H
#define PRISMAC_CRYPTOLIB_H

#include <openssl/evp.h>
#include <openssl/rand.h>

#define CRYPTOLIB_FUNCTIONS(X) X(EVP_Digest) X(EVP_sha256) X(RAND_bytes)

typedef struct CryptoLib {
#define CRYPTOLIB_POINTER(name) __typeof__(name) *name;
    CRYPTOLIB_FUNCTIONS(CRYPTOLIB_POINTER)
#undef CRYPTOLIB_POINTER
} CryptoLib;

/* The table, loaded once per process (thread-safe). When libcrypto cannot be loaded, prints
 * why and exits with status 2. */
const CryptoLib *cryptolib(void);

#ifndef CRYPTOLIB_NO_REDIRECT
#define EVP_Digest (cryptolib()->EVP_Digest)
#define EVP_sha256 (cryptolib()->EVP_sha256)
#define RAND_bytes (cryptolib()->RAND_bytes)
#endif

#endif
