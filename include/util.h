/*
 * util.h -- allocation that exits on out-of-memory (this is a build tool),
 * a growable byte buffer, and bounded file reading.
 */
#ifndef INFERBOOK_UTIL_H
#define INFERBOOK_UTIL_H

#include <stddef.h>
#include <stdarg.h>

/* malloc, calloc, realloc, strdup, strndup that print "out of memory" and
 * exit(1) instead of returning NULL; a size of 0 still gives a pointer
 * the caller may free. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Overflow-checked n * size reallocation. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string (never NULL; "" if the
 * format fails); the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* A growable byte buffer, always NUL-terminated after any append. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
/* An empty buffer (data NULL until the first append); buf_free releases
 * the memory and leaves b empty; buf_reset empties b but keeps it. */
void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_putc(struct buf *b, char c);
void buf_put(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Appends s as Markdown text that can never become markup inside a
 * paragraph or a table cell: the punctuation that opens emphasis, code,
 * links, HTML, entities, headings, lists, tables and strikethrough (and
 * pandoc's math '$') is backslash-escaped, which renders as the character
 * itself; line breaks and tabs become spaces.
 * For names, notes and other text that comes from data. */
void buf_md_text(struct buf *b, const char *s);
/* s as a JSON string literal, quotes included (NULL: ""): '"' and '\\'
 * backslashed, newline and tab as \n and \t, other control characters,
 * DEL and '<' as \u00XX ('<' so that the literal can never close or
 * comment out an HTML <script> element it is written into).  Bytes >= 0x80
 * (UTF-8) are copied. */
void buf_json_str(struct buf *b, const char *s);
/* Hands the data to the caller (who frees it) and resets b. */
char *buf_take(struct buf *b, size_t *len);

/* Largest input file the tool reads (README: "Limits and errors"). */
#define UTIL_MAX_FILE_BYTES (4u * 1024u * 1024u)

/* Reads a whole regular file into a NUL-terminated buffer.  Returns 0, or
 * -1 after printing "path: error: ..." (missing, a symbolic link, not a
 * regular file, larger than UTIL_MAX_FILE_BYTES, read error).  The caller
 * frees *data.  Inputs only: a link is refused, not followed. */
int util_read_file(const char *path, char **data, size_t *len);

/* Levenshtein distance between a and b (insertions, deletions and
 * substitutions of bytes), for "did you mean" suggestions.  Time is
 * O(strlen(a) * strlen(b)): callers bound the lengths. */
size_t util_edit_distance(const char *a, const char *b);

/* Formats a double in the C locale with "%.*g" semantics regardless of
 * LC_NUMERIC (outputs must not depend on the user's locale). */
void util_fmt_g(char *out, size_t outsz, int prec, double v);
/* Replaces the current locale's decimal point in s by '.' (in place), for
 * text made with printf's %f/%e/%g.  A no-op in the C locale, which is the
 * tool's: it never calls setlocale(). */
void util_c_locale(char *s);

#endif
