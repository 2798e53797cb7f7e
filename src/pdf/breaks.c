/*
 * breaks.c -- break opportunities in over-long words before pango lays
 * them out (pdf.h, pdf_break_words).
 *
 * Pango's line breaking is quadratic in the length of a word wider than
 * the line: it tries each character as a break and measures again.  A
 * 60,000-character word took 17 s, a 50,000-character chip name 166 s of
 * a full build.  Real words are short, so a zero-width space (U+200B, a
 * break opportunity that prints nothing) after every PDF_MAX_WORD
 * characters of an unbroken run changes no real text and bounds the
 * work per run.
 */
#include <string.h>

#include "pdf.h"
#include "util.h"

#define S_ZWSP "\xe2\x80\x8b"

/* ASCII only: the result must not depend on the locale. */
static int
S_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Length of the break opportunity at s (n bytes left), or 0: U+200B and
 * U+2028 always; a blank before a letter or digit, and '-' or '/' before
 * a letter.  Only where UAX #14 surely allows a break: "1-1-1-..." or
 * " / / /..." are runs pango cannot break (no break before a number
 * after '-', none before '/'), and they are as slow as a long word. */
static size_t
S_break_at(const unsigned char *s, size_t n)
{
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0x8b || s[2] == 0xa8))
		return 3;
	if (n < 2)
		return 0;
	if ((*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') &&
	    (S_letter(s[1]) || (s[1] >= '0' && s[1] <= '9')))
		return 1;
	if ((*s == '-' || *s == '/') && S_letter(s[1]))
		return 1;
	return 0;
}

void
pdf_break_words(struct buf *b, size_t from)
{
	const unsigned char *d = (const unsigned char *)b->data;
	struct buf tail;
	size_t run = 0, i, k;

	if (b->data == NULL || from >= b->len)
		return;
	/* The run that ends at `from`: a longer one than PDF_MAX_WORD
	 * characters holds a break already, so looking that far back (in
	 * bytes: up to 4 per character) is enough. */
	for (i = from; i > 0 && from - i < 4 * PDF_MAX_WORD; i--) {
		if (S_break_at(d + i - 1, b->len - (i - 1)) ||
		    (i >= 3 && S_break_at(d + i - 3, b->len - (i - 3)) == 3))
			break;
		if ((d[i - 1] & 0xc0) != 0x80)
			run++;
	}
	buf_init(&tail);
	buf_put(&tail, b->data + from, b->len - from);
	b->len = from;
	d = (const unsigned char *)tail.data;
	for (i = 0; i < tail.len; i += k) {
		if ((k = S_break_at(d + i, tail.len - i)) > 0) {
			run = 0;
			buf_put(b, tail.data + i, k);
			continue;
		}
		/* A character: its lead byte and continuation bytes. */
		for (k = 1; i + k < tail.len && (d[i + k] & 0xc0) == 0x80; k++)
			;
		if (run >= PDF_MAX_WORD) {
			buf_puts(b, S_ZWSP);
			run = 0;
		}
		run++;
		buf_put(b, tail.data + i, k);
	}
	buf_free(&tail);
}
