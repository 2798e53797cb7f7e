/*
 * meastable.c -- `{{ table measurements }}`: the rows of evidence.h as a
 * GitHub-flavoured Markdown table.  It lives here, above the data layer,
 * so that its numbers are formatted by expr_format() like every other
 * number a lesson prints (the data layer kept a formatter of its own).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "expr.h"
#include "lesson.h"
#include "util.h"

/*
 * Predictions: expr_format()'s default rounding (3 significant digits
 * below 100, whole numbers with thousands separators from 100 up).
 * Measurements (exact) keep the digits their source printed: 4
 * significant digits below 1,000, trailing zeros dropped.
 */
static void
S_num(struct buf *b, double v, int exact)
{
	char tmp[64];
	int d;

	if (exact && v > 0 && v < 999.95) {
		d = 3 - (int)floor(log10(v));
		expr_format(v, EXPR_F_NUM, d < 0 ? 0 : d, tmp, sizeof(tmp));
		if (strchr(tmp, '.') != NULL) {
			size_t n = strlen(tmp);

			while (n > 0 && tmp[n - 1] == '0')
				tmp[--n] = '\0';
			if (n > 0 && tmp[n - 1] == '.')
				tmp[--n] = '\0';
		}
	} else
		expr_format(v, EXPR_F_NUM, exact ? 0 : -1, tmp, sizeof(tmp));
	buf_puts(b, tmp);
}

static void
S_value(struct buf *b, enum evidence_metric m, double v, int exact)
{
	if (m == EVIDENCE_S_PER_TOKEN) {
		S_num(b, v * 1e3, exact);
		buf_puts(b, " ms/token");
	} else {
		S_num(b, v, exact);
		buf_puts(b, m == EVIDENCE_OUTPUT_TOKENS_PER_S ?
		    " tokens/s" : " tokens/s per user");
	}
}

void
lesson_table_measurements(const struct data_set *set, struct buf *out)
{
	struct evidence_row *rows;
	size_t n, i;
	char pct[32];

	if ((n = evidence_rows(set, &rows)) == 0)
		return;
	buf_puts(out, "| Measurement | Predicted (roofline) | Measured | Reached | "
	    "Limited by | What the roofline leaves out |\n"
	    "|---|--:|--:|--:|---|---|\n");
	for (i = 0; i < n; i++) {
		const struct evidence_row *r = &rows[i];
		const struct evidence_meas *m = r->meas;

		buf_puts(out, "| ");
		buf_md_text(out, m->name);
		if (m->system != NULL) {
			buf_puts(out, " (");
			buf_md_text(out, m->system);
			buf_puts(out, ")");
		}
		buf_puts(out, " | ");
		S_value(out, m->metric, r->predicted, 0);
		buf_puts(out, " | ");
		S_value(out, m->metric, r->measured, 1);
		expr_format(r->achieved, EXPR_F_PCT, 0, pct, sizeof(pct));
		buf_printf(out, " | %s | %s%s | ", pct,
		    r->bound == CALC_BOUND_MEMORY ? "memory bandwidth" :
		    r->bound == CALC_BOUND_COMM ? "communication" : "arithmetic",
		    r->prefill_counted ? " (prefill counted)" : "");
		buf_md_text(out, m->notes);
		buf_puts(out, " |\n");
	}
	free(rows);
}
