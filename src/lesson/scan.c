/*
 * scan.c -- what in a lesson body is prose, code, or {{ }}.
 *
 * Only the Markdown that matters for "is this prose?" is recognised:
 * fenced code blocks (``` or ~~~, up to three spaces of indent), code
 * spans (a backtick run closed by a run of the same length within the
 * paragraph), HTML comments and backslash escapes.  Indented code blocks
 * are not recognised: lessons use fences.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "scan.h"

/* Offset just past the end of the line at i (after its '\n'). */
static size_t
S_eol(const char *s, size_t len, size_t i)
{
	while (i < len && s[i] != '\n')
		i++;
	return i < len ? i + 1 : len;
}

/* A fence at line start i: returns its length (>= 3) and char, else 0. */
static size_t
S_fence(const char *s, size_t len, size_t i, char *fc)
{
	size_t n = 0, sp = 0;

	while (i < len && s[i] == ' ' && sp < 3) {
		i++;
		sp++;
	}
	if (i >= len || (s[i] != '`' && s[i] != '~'))
		return 0;
	*fc = s[i];
	while (i + n < len && s[i + n] == *fc)
		n++;
	if (n < 3)
		return 0;
	/* A backtick fence's info string may not hold a backtick. */
	if (*fc == '`') {
		size_t j = i + n;

		while (j < len && s[j] != '\n')
			if (s[j++] == '`')
				return 0;
	}
	return n;
}

/* Is the line at i a closing fence of at least n fc's? */
static int
S_closing(const char *s, size_t len, size_t i, char fc, size_t n)
{
	size_t m = 0, sp = 0;

	while (i < len && s[i] == ' ' && sp < 3) {
		i++;
		sp++;
	}
	while (i < len && s[i] == fc) {
		i++;
		m++;
	}
	if (m < n)
		return 0;
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	return i >= len || s[i] == '\n';
}

/* Does a blank line start at i (i is just after a '\n')? */
static int
S_blank_at(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	return i >= len || s[i] == '\n';
}

static void
S_mark(struct lscan *sc, size_t from, size_t to, enum lscan_class c)
{
	if (to > from)
		memset(sc->cls + from, c, to - from);
}

/* After a backtick run of length n ending at i: the end of the matching
 * run, or 0 when the paragraph ends first. */
static size_t
S_code_span_end(const char *s, size_t len, size_t i, size_t n)
{
	while (i < len) {
		if (s[i] == '`') {
			size_t m = 0;

			while (i + m < len && s[i + m] == '`')
				m++;
			if (m == n)
				return i + m;
			i += m;
			continue;
		}
		if (s[i] == '\n' && S_blank_at(s, len, i + 1))
			return 0;
		i++;
	}
	return 0;
}

/* After "{{" at i: fills the span (honouring "..." strings, which may
 * hold "}}"); a blank line or the end leaves it unterminated. */
static size_t
S_expr_end(const char *s, size_t len, size_t i, struct lscan_span *sp)
{
	int instr = 0;

	sp->in_start = i;
	while (i < len) {
		if (instr) {
			if (s[i] == '\\' && i + 1 < len && s[i + 1] != '\n')
				i++;
			else if (s[i] == '"')
				instr = 0;
		} else if (s[i] == '"')
			instr = 1;
		else if (s[i] == '}' && i + 1 < len && s[i + 1] == '}') {
			sp->in_end = i;
			return sp->end = i + 2;
		}
		if (s[i] == '\n' && S_blank_at(s, len, i + 1))
			break;
		i++;
	}
	sp->unterminated = 1;
	sp->in_end = i;
	return sp->end = i;
}

void
lscan_run(const char *s, size_t len, struct srcpos base, struct lscan *sc)
{
	size_t i = 0, cap = 0, lcap = 0;
	int bol = 1;

	memset(sc, 0, sizeof *sc);
	sc->s = s;
	sc->len = len;
	sc->base = base;
	sc->cls = xcalloc(len ? len : 1, 1);
	for (i = 0; i <= len; i++)
		if (i == 0 || s[i - 1] == '\n') {
			if (sc->nlines == lcap) {
				lcap = lcap ? lcap * 2 : 64;
				sc->lines = xreallocarray(sc->lines, lcap, sizeof *sc->lines);
			}
			sc->lines[sc->nlines++] = i;
			if (i == len)
				break;
		}
	i = 0;
	while (i < len) {
		char c = s[i], fc;
		size_t n, j;

		if (bol && (n = S_fence(s, len, i, &fc)) > 0) {
			j = S_eol(s, len, i);
			while (j < len && !S_closing(s, len, j, fc, n))
				j = S_eol(s, len, j);
			j = S_eol(s, len, j);
			S_mark(sc, i, j, LS_CODE);
			i = j;
			bol = 1;
			continue;
		}
		bol = 0;
		if (c == '\n') {
			bol = 1;
			i++;
		} else if (c == '\\' && i + 1 < len && s[i + 1] != '\n') {
			i += 2;
		} else if (c == '`') {
			for (n = 0; i + n < len && s[i + n] == '`'; n++)
				;
			if ((j = S_code_span_end(s, len, i + n, n)) != 0) {
				S_mark(sc, i, j, LS_CODE);
				i = j;
			} else
				i += n;
		} else if (c == '<' && len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			const char *e = NULL;
			size_t k;

			for (k = i + 4; k + 3 <= len; k++)
				if (memcmp(s + k, "-->", 3) == 0) {
					e = s + k + 3;
					break;
				}
			j = e ? (size_t)(e - s) : len;
			S_mark(sc, i, j, LS_CODE);
			i = j;
		} else if (c == '{' && i + 1 < len && s[i + 1] == '{') {
			struct lscan_span sp;

			memset(&sp, 0, sizeof sp);
			sp.start = i;
			j = S_expr_end(s, len, i + 2, &sp);
			if (sc->nspans == cap) {
				cap = cap ? cap * 2 : 16;
				sc->spans = xreallocarray(sc->spans, cap, sizeof *sc->spans);
			}
			sc->spans[sc->nspans++] = sp;
			S_mark(sc, i, j, LS_EXPR);
			i = j;
		} else
			i++;
	}
}

void
lscan_free(struct lscan *sc)
{
	free(sc->cls);
	free(sc->spans);
	free(sc->lines);
	memset(sc, 0, sizeof *sc);
}

struct srcpos
lscan_pos(const struct lscan *sc, size_t off)
{
	struct srcpos p = sc->base;
	size_t lo = 0, hi = sc->nlines, k;

	/* The last line start <= off. */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (sc->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	p.line = sc->base.line + (unsigned)lo;
	p.col = lo == 0 ? sc->base.col : 1;
	for (k = sc->lines[lo]; k < off && k < sc->len; k++)
		if (((unsigned char)sc->s[k] & 0xC0) != 0x80)
			p.col++;
	return p;
}
