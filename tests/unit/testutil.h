/*
 * testutil.h -- helpers shared by the unit suites (tests/unit/test_*.c).
 *
 * Diagnostics capture: tests assert the exact text a module prints through
 * diag, so they redirect the diag stream into memory around the call.
 */
#ifndef INFERBOOK_TESTUTIL_H
#define INFERBOOK_TESTUTIL_H

#include <stddef.h>
#include <stdio.h>

struct tu_capture {
	char *text;
	size_t len;
	FILE *fp;
};

/* Resets diag's counters and sends its messages into c (fails the test
 * if the memory stream cannot be opened). */
void tu_capture_start(struct tu_capture *c);
/* Puts diag back on stderr and returns everything printed since
 * tu_capture_start(), NUL-terminated; the caller frees it.  The counters
 * (diag_worst, diag_count) are left as they are, for the test to check. */
char *tu_capture_end(struct tu_capture *c);

/* Reproducible random input for robustness tests: 1..maxtoks tokens drawn
 * from toks[0..ntoks) by a 64-bit LCG on *seed, concatenated into out and
 * NUL-terminated.  Stops before a token that would not fit in outsz - 1
 * bytes.  Returns the length. */
size_t tu_soup(char *out, size_t outsz, const char *const *toks, size_t ntoks,
    unsigned maxtoks, unsigned long *seed);

#endif
