/*
 * scan.h -- (internal to src/lesson) classifies each byte of a lesson
 * body as prose, code (code spans, fenced blocks, HTML comments: left
 * verbatim) or {{ }} expression, and maps byte offsets to file positions.
 * Shared by the expansion and the lint so that both agree on what is prose.
 */
#ifndef INFERBOOK_LESSON_SCAN_H
#define INFERBOOK_LESSON_SCAN_H

#include <stddef.h>
#include "diag.h"

enum lscan_class { LS_TEXT, LS_CODE, LS_EXPR };

struct lscan_span {
	size_t start, end;		/* "{{" .. after "}}" */
	size_t in_start, in_end;	/* between the braces */
	int unterminated;		/* no "}}" before a blank line / the end */
};

struct lscan {
	const char *s;
	size_t len;
	unsigned char *cls;		/* len bytes of enum lscan_class */
	struct lscan_span *spans;
	size_t nspans;
	size_t *lines;			/* byte offset of each line start */
	size_t nlines;
	struct srcpos base;		/* position of s[0] */
};

void lscan_run(const char *s, size_t len, struct srcpos base, struct lscan *out);
void lscan_free(struct lscan *sc);
/* The file position of byte `off` (columns count UTF-8 characters). */
struct srcpos lscan_pos(const struct lscan *sc, size_t off);

#endif
