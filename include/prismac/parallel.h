/* Running one function over a few items at once, one thread each. */
#ifndef PRISMAC_PARALLEL_H
#define PRISMAC_PARALLEL_H

#include <stddef.h>
#include <stdint.h>

/* Calls fn on each of the n items (item i at items + i * item_size): the first on this thread,
 * the others on threads of their own, and returns when all have returned. An item whose thread
 * cannot be started is run here, after the first. */
void parallel_run(void *items, size_t item_size, uint32_t n, void *(*fn)(void *));

#endif
