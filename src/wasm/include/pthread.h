/*
 * pthread.h for the WebAssembly build of the core (src/wasm/): wasi-libc
 * has no threads, and the browser runs the core on one thread, so the one
 * lock the shared sources take (diag.c's) has nothing to exclude.
 */
#ifndef INFERBOOK_WASM_PTHREAD_H
#define INFERBOOK_WASM_PTHREAD_H

typedef int pthread_mutex_t;
#define PTHREAD_MUTEX_INITIALIZER 0
#define pthread_mutex_lock(m) ((void)(m), 0)
#define pthread_mutex_unlock(m) ((void)(m), 0)

#endif
