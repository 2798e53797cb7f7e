/*
 * lint.c -- "every number is computed": a number followed by a unit in
 * the prose of a lesson is an error, because it would not change when
 * data/ changes.  Plain counts (step 1, 2 users, the year 2024) are fine.
 */
#include <ctype.h>
#include <string.h>

#include "lesson.h"
#include "scan.h"

/* How a unit may follow its number. */
enum { U_SPACED = 1, U_ATTACHED = 2, U_BOTH = 3 };

struct S_unit {
	const char *text;
	int how;
};

/* Case-sensitive.  Single letters that are also words or common
 * suffixes ("s" of "1990s", "B" of "plan B") are restricted to the
 * position where they can only be a unit. */
static const struct S_unit S_units[] = {
	/* time */
	{ "ns", U_BOTH }, { "\xc2\xb5s", U_BOTH }, { "us", U_BOTH },
	{ "ms", U_BOTH }, { "s", U_SPACED }, { "sec", U_BOTH },
	{ "second", U_SPACED }, { "seconds", U_SPACED },
	{ "minute", U_SPACED }, { "minutes", U_SPACED }, { "min", U_BOTH },
	{ "hour", U_SPACED }, { "hours", U_SPACED },
	/* bytes */
	{ "byte", U_SPACED }, { "bytes", U_SPACED },
	{ "KB", U_BOTH }, { "kB", U_BOTH }, { "MB", U_BOTH }, { "GB", U_BOTH },
	{ "TB", U_BOTH }, { "PB", U_BOTH }, { "KiB", U_BOTH }, { "MiB", U_BOTH },
	{ "GiB", U_BOTH }, { "TiB", U_BOTH },
	{ "KB/s", U_BOTH }, { "MB/s", U_BOTH }, { "GB/s", U_BOTH },
	{ "TB/s", U_BOTH }, { "GiB/s", U_BOTH }, { "TiB/s", U_BOTH },
	{ "Gb/s", U_BOTH }, { "Gbps", U_BOTH }, { "GT/s", U_BOTH },
	/* compute */
	{ "FLOP", U_BOTH }, { "FLOPs", U_BOTH }, { "FLOPS", U_BOTH },
	{ "FLOP/s", U_BOTH }, { "GFLOP", U_BOTH }, { "TFLOP", U_BOTH },
	{ "PFLOP", U_BOTH }, { "GFLOPs", U_BOTH }, { "TFLOPs", U_BOTH },
	{ "PFLOPs", U_BOTH }, { "GFLOPS", U_BOTH }, { "TFLOPS", U_BOTH },
	{ "PFLOPS", U_BOTH }, { "GFLOP/s", U_BOTH }, { "TFLOP/s", U_BOTH },
	{ "PFLOP/s", U_BOTH }, { "EFLOP/s", U_BOTH }, { "FLOP/byte", U_BOTH },
	{ "FLOPs/byte", U_BOTH }, { "ops/byte", U_BOTH },
	/* throughput */
	{ "tokens/s", U_SPACED }, { "tokens/sec", U_SPACED },
	{ "tokens/second", U_SPACED }, { "tok/s", U_BOTH },
	{ "tokens per second", U_SPACED },
	/* power, clocks */
	{ "W", U_BOTH }, { "kW", U_BOTH }, { "MW", U_BOTH },
	{ "GHz", U_BOTH }, { "MHz", U_BOTH },
	/* magnitudes and money */
	{ "thousand", U_SPACED }, { "million", U_SPACED },
	{ "billion", U_SPACED }, { "trillion", U_SPACED },
	{ "USD", U_SPACED }, { "dollars", U_SPACED }, { "cents", U_SPACED },
	{ "%", U_BOTH }, { "percent", U_SPACED }, { "per cent", U_SPACED },
	{ "\xc3\x97", U_BOTH },		/* × */
	{ "K", U_ATTACHED }, { "k", U_ATTACHED }, { "M", U_ATTACHED },
	{ "B", U_ATTACHED }, { "T", U_ATTACHED }, { "x", U_ATTACHED },
	{ NULL, 0 }
};

static int
S_word(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/* Length of a separator between number and unit at s (one space, a
 * no-break or thin space, or a hyphen as in "80-GB"), 0 if none. */
static size_t
S_sep(const char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || s[0] == '-'))
		return 1;
	if (n >= 2 && memcmp(s, "\xc2\xa0", 2) == 0)
		return 2;
	if (n >= 3 && (memcmp(s, "\xe2\x80\x89", 3) == 0 ||
	    memcmp(s, "\xe2\x80\xaf", 3) == 0))
		return 3;
	return 0;
}

/* The longest unit at s (length n, `spaced` after a separator) that ends
 * at a word boundary; its length, or 0. */
static size_t
S_unit_at(const char *s, size_t n, int spaced)
{
	size_t i, best = 0, ul;

	for (i = 0; S_units[i].text != NULL; i++) {
		ul = strlen(S_units[i].text);
		if (ul > n || ul <= best || memcmp(s, S_units[i].text, ul) != 0)
			continue;
		if (!(S_units[i].how & (spaced ? U_SPACED : U_ATTACHED)))
			continue;
		/* "%" and "×" need no boundary; words do. */
		if (ul < n && S_word((unsigned char)s[ul]) &&
		    isalnum((unsigned char)s[ul - 1]))
			continue;
		best = ul;
	}
	return best;
}

/* A number at s[i] (digits, ",ddd" groups, ".digits"); its end. */
static size_t
S_number(const char *s, size_t len, size_t i)
{
	while (i < len && isdigit((unsigned char)s[i]))
		i++;
	while (i + 3 < len + 0 && s[i] == ',' && isdigit((unsigned char)s[i + 1]) &&
	    isdigit((unsigned char)s[i + 2]) && isdigit((unsigned char)s[i + 3]) &&
	    (i + 4 >= len || !isdigit((unsigned char)s[i + 4])))
		i += 4;
	if (i + 1 < len && s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
		i++;
		while (i < len && isdigit((unsigned char)s[i]))
			i++;
	}
	return i;
}

/* Is the digit at s[i] inside a name such as "Llama-3.1-70B" or
 * "v1.5": the run of word characters, dots and hyphens it belongs to
 * starts with a letter (or it follows a dot: "3.5" read from the "5")? */
static int
S_in_name(const char *s, size_t i)
{
	size_t k = i;

	if (i > 0 && s[i - 1] == '.')
		return 1;
	/* Looked for at most 64 bytes back: every digit of "a-1a-1a-1..."
	 * asks, and an unbounded look made a 240 KB line take 4 s.  A run
	 * that long is a name or an identifier, not a typed measurement. */
	while (k > 0 && i - k < 64 && (S_word((unsigned char)s[k - 1]) ||
	    s[k - 1] == '.' || s[k - 1] == '-'))
		k--;
	if (i - k >= 64)
		return 1;
	return k < i && !isdigit((unsigned char)s[k]) && s[k] != '-' && s[k] != '.';
}

#define S_MAX_ERRORS 100

static int
S_lint_scan(const struct lscan *sc)
{
	const char *s = sc->s;
	size_t len = sc->len, i = 0;
	int errors = 0;

	while (i < len) {
		size_t start = i, num, end, sep, ul = 0;
		int money = 0;
		unsigned char prev = i > 0 ? (unsigned char)s[i - 1] : ' ';

		if (sc->cls[i] != LS_TEXT) {
			i++;
			continue;
		}
		if (s[i] == '$' && i + 1 < len && isdigit((unsigned char)s[i + 1])) {
			money = 1;
			num = i + 1;
		} else if (s[i] == ']' && i + 1 < len && s[i + 1] == '(') {
			/* A link destination is an address, not prose. */
			i += 2;
			while (i < len && s[i] != ')' && s[i] != '\n')
				i++;
			continue;
		} else if ((len - i >= 7 && memcmp(s + i, "http://", 7) == 0) ||
		    (len - i >= 8 && memcmp(s + i, "https://", 8) == 0)) {
			while (i < len && !isspace((unsigned char)s[i]) &&
			    s[i] != ')' && s[i] != '>')
				i++;
			continue;
		} else if (isdigit((unsigned char)s[i]) && !S_word(prev) &&
		    prev != '$' && !S_in_name(s, i))
			num = i;
		else {
			/* Skip the rest of a word so "H100" is not read as "100". */
			if (S_word((unsigned char)s[i]))
				while (i < len && S_word((unsigned char)s[i]))
					i++;
			else
				i++;
			continue;
		}
		end = S_number(s, len, num);
		if (end < len && sc->cls[end] == LS_TEXT) {
			ul = S_unit_at(s + end, len - end, 0);
			if (ul == 0 && (sep = S_sep(s + end, len - end)) > 0 &&
			    end + sep < len && sc->cls[end + sep] == LS_TEXT &&
			    (ul = S_unit_at(s + end + sep, len - end - sep, 1)) > 0)
				ul += sep;
		}
		if (money || ul > 0) {
			struct srcpos pos = lscan_pos(sc, start);

			/* Each position costs the length of its line: 60,000
			 * "$1" on one line took seconds.  A hundred say enough. */
			if (errors == S_MAX_ERRORS) {
				diag_error(&pos, "more than %d numbers typed into prose; "
				    "the rest are not listed", S_MAX_ERRORS);
				return errors + 1;
			}
			diag_error(&pos, "number with a unit typed into prose: '%.*s' "
			    "(compute it with {{ }} or mark it with {{ lit \"...\" }})",
			    (int)(end + ul - start), s + start);
			errors++;
		}
		i = end + ul > i ? end + ul : i + 1;
	}
	return errors;
}

int
lesson_lint_text(const char *text, size_t len, struct srcpos pos)
{
	struct lscan sc;
	int n;

	lscan_run(text, len, pos, &sc);
	n = S_lint_scan(&sc);
	lscan_free(&sc);
	return n;
}

int
lesson_lint(const struct lesson *l)
{
	struct srcpos body = { l->path, l->body_line, 1 };
	int n = 0;

	if (l->title != NULL)
		n += lesson_lint_text(l->title, strlen(l->title), l->title_pos);
	if (l->summary != NULL)
		n += lesson_lint_text(l->summary, strlen(l->summary), l->summary_pos);
	n += lesson_lint_text(l->body, l->body_len, body);
	return n;
}
