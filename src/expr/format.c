/*
 * format.c -- unit filters: the one place a number becomes text.
 *
 * The tool never calls setlocale(LC_ALL, ""), so printf uses the C
 * locale; a library that does would change the decimal point, so it is
 * put back to '.' here (util_c_locale), and grouping is done by hand.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "expr.h"

struct S_filter {
	const char *name;
	double scale;		/* printed = value * scale */
	const char *prefix;	/* before the number ("$") */
	const char *suffix;	/* after it (" ms", "x") */
};

/* In enum expr_filter order. */
static const struct S_filter S_filters[EXPR_F__COUNT] = {
	[EXPR_F_NONE]	   = { "",	   1,	 "",  "" },
	[EXPR_F_NS]	   = { "ns",	   1e9,	 "",  " ns" },
	[EXPR_F_US]	   = { "us",	   1e6,	 "",  " \xc2\xb5s" },	/* µs */
	[EXPR_F_MS]	   = { "ms",	   1e3,	 "",  " ms" },
	[EXPR_F_S]	   = { "s",	   1,	 "",  " s" },
	[EXPR_F_BYTES]	   = { "bytes",	   1,	 "",  " bytes" },
	[EXPR_F_KB]	   = { "KB",	   1e-3, "",  " KB" },
	[EXPR_F_MB]	   = { "MB",	   1e-6, "",  " MB" },
	[EXPR_F_GB]	   = { "GB",	   1e-9, "",  " GB" },
	[EXPR_F_TB]	   = { "TB",	   1e-12, "", " TB" },
	[EXPR_F_GB_S]	   = { "GB/s",	   1e-9, "",  " GB/s" },
	[EXPR_F_TB_S]	   = { "TB/s",	   1e-12, "", " TB/s" },
	[EXPR_F_GFLOP]	   = { "GFLOP",	   1e-9, "",  " GFLOP" },
	[EXPR_F_TFLOP]	   = { "TFLOP",	   1e-12, "", " TFLOP" },
	[EXPR_F_PFLOP]	   = { "PFLOP",	   1e-15, "", " PFLOP" },
	[EXPR_F_TFLOP_S]   = { "TFLOP/s",  1e-12, "", " TFLOP/s" },
	[EXPR_F_PFLOP_S]   = { "PFLOP/s",  1e-15, "", " PFLOP/s" },
	[EXPR_F_FLOP_BYTE] = { "FLOP/byte", 1,	 "",  " FLOP/byte" },
	[EXPR_F_TOKENS_S]  = { "tokens/s", 1,	 "",  " tokens/s" },
	[EXPR_F_USD]	   = { "$",	   1,	 "$", "" },
	[EXPR_F_USD_MTOK]  = { "$/Mtok",   1,	 "$", "/Mtok" },
	[EXPR_F_USD_H]	   = { "$/h",	   1,	 "$", "/h" },
	[EXPR_F_X]	   = { "x",	   1,	 "",  "x" },
	[EXPR_F_K]	   = { "K",	   1e-3, "",  "K" },
	[EXPR_F_M]	   = { "M",	   1e-6, "",  "M" },
	[EXPR_F_B]	   = { "B",	   1e-9, "",  "B" },
	[EXPR_F_INT]	   = { "int",	   1,	 "",  "" },
	[EXPR_F_NUM]	   = { "num",	   1,	 "",  "" },
	[EXPR_F_PCT]	   = { "pct",	   100,	 "",  "%" },
};

const char *
expr_filter_name(enum expr_filter f)
{
	return (unsigned)f < EXPR_F__COUNT ? S_filters[f].name : "";
}

int
expr_filter_find(const char *name, enum expr_filter *f)
{
	int i;

	for (i = EXPR_F_NONE + 1; i < EXPR_F__COUNT; i++)
		if (strcmp(S_filters[i].name, name) == 0) {
			*f = (enum expr_filter)i;
			return 0;
		}
	return -1;
}

void
expr_filter_list(struct buf *out)
{
	int i;

	for (i = EXPR_F_NONE + 1; i < EXPR_F__COUNT; i++)
		buf_printf(out, "%s%s", i > 1 ? ", " : "", S_filters[i].name);
}

/* Inserts "," every three digits of the integer part of a plain
 * "[digits][.digits]" string (1,979; 1,234,567.5). */
static void
S_group(const char *in, char *out, size_t outsz)
{
	size_t intlen = strcspn(in, "."), i, o = 0;

	for (i = 0; in[i] != '\0' && o + 1 < outsz; i++) {
		if (i > 0 && i < intlen && (intlen - i) % 3 == 0 && o + 2 < outsz)
			out[o++] = ',';
		out[o++] = in[i];
	}
	out[o] = '\0';
}

/* Rounds a >= 0 half away from zero to d decimals and prints it with
 * exactly d decimals.  Pre-rounding makes 0.125 -> "0.13" as a reader
 * expects rather than printf's round-half-even on the binary value. */
static void
S_fixed(double a, int d, char *out, size_t outsz)
{
	double p = pow(10, d);

	if (a * p < 1e15)
		a = round(a * p) / p;
	snprintf(out, outsz, "%.*f", d, a);
	util_c_locale(out);
}

/* Drops trailing zeros after a decimal point, and the point itself. */
static void
S_trim(char *s)
{
	size_t n;

	if (strchr(s, '.') == NULL)
		return;
	n = strlen(s);
	while (n > 0 && s[n - 1] == '0')
		s[--n] = '\0';
	if (n > 0 && s[n - 1] == '.')
		s[--n] = '\0';
}

/* The default rounding of a >= 0: integers from 100 up, 3 significant
 * digits below. */
static void
S_default(double a, char *out, size_t outsz)
{
	int d;

	if (a == 0) {
		snprintf(out, outsz, "0");
		return;
	}
	if (a >= 99.95) {
		S_fixed(a, 0, out, outsz);
		return;
	}
	d = 2 - (int)floor(log10(a));
	if (d < 0)
		d = 0;
	if (d > 15)
		d = 15;
	S_fixed(a, d, out, outsz);
	S_trim(out);
}

void
expr_format(double v, enum expr_filter f, int decimals, char *out, size_t outsz)
{
	const struct S_filter *F;
	char digits[400], grouped[540];
	const char *suffix;
	double a;

	if (outsz == 0)
		return;
	if ((unsigned)f >= EXPR_F__COUNT)
		f = EXPR_F_NUM;
	F = &S_filters[f];
	if (isnan(v)) {
		snprintf(out, outsz, "n/a");
		return;
	}
	a = fabs(v * F->scale);
	if (isinf(a)) {
		snprintf(out, outsz, "%sinf", v < 0 ? "-" : "");
		return;
	}
	if (f == EXPR_F_INT)
		S_fixed(a, 0, digits, sizeof digits);
	else if (decimals >= 0)
		S_fixed(a, decimals > EXPR_MAX_DECIMALS ? EXPR_MAX_DECIMALS : decimals,
		    digits, sizeof digits);
	else if (f == EXPR_F_PCT && a >= 0.995)
		S_fixed(a, 0, digits, sizeof digits);
	else
		S_default(a, digits, sizeof digits);
	S_group(digits, grouped, sizeof grouped);
	suffix = F->suffix;
	if (f == EXPR_F_BYTES && strcmp(grouped, "1") == 0)
		suffix = " byte";
	/* A value that rounds to zero prints without a minus sign. */
	snprintf(out, outsz, "%s%s%s%s",
	    v < 0 && strspn(digits, "0.") != strlen(digits) ? "-" : "",
	    F->prefix, grouped, suffix);
}
