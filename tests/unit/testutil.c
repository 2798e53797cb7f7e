/*
 * testutil.c -- see testutil.h.
 */
#include <stdio.h>
#include <string.h>
#include <check.h>

#include "diag.h"
#include "testutil.h"

void
tu_capture_start(struct tu_capture *c)
{
	c->text = NULL;
	c->len = 0;
	c->fp = open_memstream(&c->text, &c->len);
	ck_assert_ptr_nonnull(c->fp);
	diag_reset();
	diag_set_stream(c->fp);
}

char *
tu_capture_end(struct tu_capture *c)
{
	diag_set_stream(NULL);
	fclose(c->fp);
	return c->text;
}

/* Knuth's MMIX constants; the high bits are the usable ones. */
static unsigned long
S_lcg(unsigned long *seed)
{
	*seed = *seed * 6364136223846793005ul + 1442695040888963407ul;
	return *seed >> 33;
}

size_t
tu_soup(char *out, size_t outsz, const char *const *toks, size_t ntoks,
    unsigned maxtoks, unsigned long *seed)
{
	size_t len = 0, tl;
	unsigned long n, k;

	n = 1 + S_lcg(seed) % maxtoks;
	for (k = 0; k < n; k++) {
		const char *t = toks[S_lcg(seed) % ntoks];

		tl = strlen(t);
		if (len + tl + 1 >= outsz)
			break;
		memcpy(out + len, t, tl);
		len += tl;
	}
	out[len] = '\0';
	return len;
}
