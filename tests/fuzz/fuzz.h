/*
 * fuzz.h -- what the libFuzzer targets in tests/fuzz share.
 *
 * Each fuzz_NAME.c defines LLVMFuzzerTestOneInput().  Built two ways:
 *   make fuzz      clang -fsanitize=fuzzer,address,undefined (build-fuzz/)
 *   make check     with replay.c as main(), which feeds it every file of
 *                  tests/fuzz/regress/NAME/ (crash inputs found earlier)
 * The targets run from the project root: data/ is the project's data.
 * Diagnostics go to /dev/null (the fuzzer wants crashes, not messages).
 */
#ifndef INFERBOOK_FUZZ_H
#define INFERBOOK_FUZZ_H

#include <stddef.h>
#include <stdint.h>

struct data_set;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Silences diag (once) and resets its counters (every call). */
void fuzz_quiet(void);
/* A private scratch folder, made on first use and kept for the run. */
const char *fuzz_tmpdir(void);
/* Writes n bytes to DIR/NAME (the fuzz_tmpdir); aborts on I/O failure. */
void fuzz_write(const char *name, const void *data, size_t n);
/* Unlinks DIR/NAME if present. */
void fuzz_unlink(const char *name);
/* The data set loaded from $FUZZ_DATA or "data" (loaded once; aborts when
 * that fails: a fuzz run needs good data to reach the deep code). */
const struct data_set *fuzz_dataset(void);

#endif
