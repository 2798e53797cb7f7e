/*
 * diag.h -- the one diagnostics module (after mandoc_msg.c).
 *
 * Every message is printed as "file:line:col: error|warning: message" with
 * 1-based line and column, or "inferbook: error: message" when there is no
 * position.  The module remembers the worst level seen, so main() can exit
 * with 1 after errors (warnings alone leave the status 0).  Printing is
 * thread-safe: each message is written whole.
 */
#ifndef INFERBOOK_DIAG_H
#define INFERBOOK_DIAG_H

#include <stdarg.h>
#include <stdio.h>

/* A place in an input file.  `file` is borrowed (the loader keeps the
 * path string alive as long as the structs that point at it). line/col 0
 * means "unknown" and prints without that part. */
struct srcpos {
	const char *file;
	unsigned line;
	unsigned col;
};

enum diag_level { DIAG_NONE = 0, DIAG_WARNING, DIAG_ERROR };

/* Prints one message to the diagnostics stream (stderr by default). */
void diag(enum diag_level lvl, const struct srcpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_error(const struct srcpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag_warning(const struct srcpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* diag_error() for callers that wrap it in their own variadic function. */
void diag_verror(const struct srcpos *pos, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Redirects messages (tests capture them in a memstream); NULL: stderr. */
void diag_set_stream(FILE *fp);
/* Worst level printed since the last diag_reset(). */
enum diag_level diag_worst(void);
unsigned diag_count(enum diag_level lvl);
void diag_reset(void);

#endif
