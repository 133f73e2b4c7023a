/* Loading a shared library's functions on first use (see dynlib.h). */
#include "dynlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static void dynlib_fail(const Dynlib *lib, const char *why)
{
    fprintf(stderr, "prismac: cannot load %s (%s): %s\n", lib->what, lib->soname, why ? why : "unknown error");
    exit(2);
}

void dynlib_load(const Dynlib *lib)
{
    void *handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle)
        dynlib_fail(lib, dlerror());
    for (size_t i = 0; i < lib->nsymbols; i++) {
        *lib->symbols[i].slot = dlsym(handle, lib->symbols[i].name);
        if (!*lib->symbols[i].slot)
            dynlib_fail(lib, dlerror());
    }
}
