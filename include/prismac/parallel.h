/* Running one function over a few items at once, one thread each; starting threads on a CPU
 * of their own. */
#ifndef PRISMAC_PARALLEL_H
#define PRISMAC_PARALLEL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* Calls fn on each of the n items (item i at items + i * item_size): the first on this thread,
 * the others on threads of their own, and returns when all have returned. An item whose thread
 * cannot be started is run here, after the first. */
void parallel_run(void *items, size_t item_size, uint32_t n, void *(*fn)(void *));

/* Calls fn on each of the n items on up to `threads` threads (this one among them), each taking
 * the next item not taken yet until none is left: the threads end together however unevenly
 * the items or the CPUs go (with an item per thread, one thread started late or preempted makes
 * the others wait). Returns when all have returned. */
void parallel_run_shared(void *items, size_t item_size, uint32_t n, uint32_t threads, void *(*fn)(void *));

/* pthread_create, the new thread started on another CPU than the caller's: the `spread`-th
 * after it among those the process may run on (threads started together give 0, 1, 2...).
 * Once it runs, the thread may run on any of them again. A hint, not a pin: some kernels (this
 * project's virtual machines among them) put a new thread on its creator's CPU, where it waits
 * milliseconds for a scheduler tick to move it, while the other CPU idles. */
int parallel_thread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg,
                           unsigned spread);

#endif
