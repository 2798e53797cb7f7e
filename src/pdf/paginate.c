/*
 * paginate.c -- page breaking for the PDF typesetter (rules in pdf.h).
 *
 * Pure arithmetic on box heights, so the orphan/widow and keep-with-next
 * rules can be tested without pango.  One greedy pass: each box is placed
 * at the current position, or moved to the next page when the rules say
 * so.  Greedy is what books of this kind need (no balancing of facing
 * pages), and a single pass keeps it predictable.
 */
#include <stddef.h>

#include "pdf.h"
#include "util.h"

/* Heights are sums of pango units turned into points; a tolerance keeps
 * a box that fits exactly from being pushed over by rounding. */
#define S_EPS 0.01

struct S_state {
	struct pdf_slice *v;
	size_t n, cap;
	size_t page;
	double y;		/* used height on the current page */
	int used;		/* something placed on the current page */
};

static double
S_sum(const double *h, size_t a, size_t b)
{
	double s = 0;

	for (; a < b; a++)
		s += h[a];
	return s;
}

static double
S_total(const struct pdf_box *b)
{
	return S_sum(b->h_pt, 0, b->n);
}

static double
S_max(double a, double b)
{
	return a > b ? a : b;
}

static void
S_new_page(struct S_state *st)
{
	st->page++;
	st->y = 0;
	st->used = 0;
}

static void
S_emit(struct S_state *st, size_t box, size_t from, size_t to, double y,
    int repeat)
{
	struct pdf_slice *s;

	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 64;
		st->v = xreallocarray(st->v, st->cap, sizeof(*st->v));
	}
	s = &st->v[st->n++];
	s->box = box;
	s->from = from;
	s->to = to;
	s->page = st->page;
	s->y_pt = y;
	s->repeat_head = repeat;
	st->used = 1;
}

/* The smallest part of a box that may stand at a page's foot. */
static double
S_first_part(const struct pdf_box *b, const struct pdf_flow *f)
{
	size_t k;

	switch (b->kind) {
	case PDF_BOX_LINES:
		if (b->n >= 2 * f->min_lines)
			return S_sum(b->h_pt, 0, f->min_lines);
		return S_total(b);
	case PDF_BOX_ROWS:
		if (S_total(b) <= f->body_h_pt + S_EPS)
			return S_total(b);
		k = b->head_rows + f->min_lines < b->n ?
		    b->head_rows + f->min_lines : b->n;
		return S_sum(b->h_pt, 0, k);
	case PDF_BOX_WHOLE:
		return S_total(b);
	case PDF_BOX_BREAK:
		break;
	}
	return 0;
}

/* Height box i needs below the current position: a keep-with-next chain
 * (heading, subheading, ...) counts whole, plus the first part of the box
 * that ends it. */
static double
S_need(const struct pdf_box *boxes, size_t n, size_t i,
    const struct pdf_flow *f)
{
	double need = 0;

	for (; i < n; i++) {
		const struct pdf_box *b = &boxes[i];

		if (!b->keep_with_next || i + 1 >= n ||
		    boxes[i + 1].kind == PDF_BOX_BREAK)
			return need + S_first_part(b, f);
		need += S_total(b) + S_max(b->after_pt, boxes[i + 1].before_pt);
	}
	return need;
}

static void
S_place_lines(struct S_state *st, const struct pdf_box *b, size_t bi,
    double gap, const struct pdf_flow *f)
{
	double H = f->body_h_pt, y0, s;
	size_t a = 0, k, rem, m = f->min_lines;

	for (;;) {
		y0 = st->y + gap;
		rem = b->n - a;
		for (k = 0, s = 0; k < rem; k++) {
			if (y0 + s + b->h_pt[a + k] > H + S_EPS)
				break;
			s += b->h_pt[a + k];
		}
		if (k >= rem) {
			S_emit(st, bi, a, b->n, y0, 0);
			st->y = y0 + s;
			return;
		}
		/* It must break: leave >= m lines here and >= m there. */
		if (k > rem - m)
			k = rem >= m ? rem - m : 0;
		if (k < m || rem < 2 * m) {
			if (st->used) {
				S_new_page(st);
				gap = 0;
				continue;
			}
			/* Taller than an empty page and too short to split
			 * by the rules: split where it overflows. */
			for (k = 0, s = 0; k < rem; k++) {
				if (s + b->h_pt[a + k] > H + S_EPS)
					break;
				s += b->h_pt[a + k];
			}
			if (k == 0)
				k = 1;
		}
		S_emit(st, bi, a, a + k, y0, 0);
		a += k;
		S_new_page(st);
		gap = 0;
	}
}

static void
S_place_rows(struct S_state *st, const struct pdf_box *b, size_t bi,
    double gap, const struct pdf_flow *f)
{
	double H = f->body_h_pt, total = S_total(b), y0, hh, s;
	size_t r, k, m = f->min_lines, hr = b->head_rows < b->n ? b->head_rows : b->n;
	int first = 1;

	if (st->y + gap + total <= H + S_EPS) {
		S_emit(st, bi, 0, b->n, st->y + gap, 0);
		st->y += gap + total;
		return;
	}
	if (st->used && total <= H + S_EPS) {
		S_new_page(st);
		S_emit(st, bi, 0, b->n, 0, 0);
		st->y = total;
		return;
	}
	/* Taller than a page: split between rows, repeating the header; a
	 * part holds at least min_lines body rows, as paragraphs do. */
	hh = S_sum(b->h_pt, 0, hr);
	r = hr;
	while (r < b->n) {
		y0 = st->y + gap;
		for (k = 0, s = 0; r + k < b->n; k++) {
			if (y0 + hh + s + b->h_pt[r + k] > H + S_EPS)
				break;
			s += b->h_pt[r + k];
		}
		if (r + k < b->n && b->n - r - k < m)	/* widow rows */
			k = b->n - r > m ? b->n - r - m : 0;
		if (k < m && r + k < b->n && st->used) {
			S_new_page(st);
			gap = 0;
			continue;
		}
		if (k == 0)
			k = 1;
		S_emit(st, bi, first ? 0 : r, r + k, y0, !first);
		st->y = y0 + hh + S_sum(b->h_pt, r, r + k);
		r += k;
		if (r < b->n) {
			S_new_page(st);
			gap = 0;
			first = 0;
		}
	}
}

void
pdf_paginate(const struct pdf_box *boxes, size_t n,
    const struct pdf_flow *flow, struct pdf_slice **out, size_t *nout,
    size_t *npages)
{
	struct S_state st = { NULL, 0, 0, 0, 0, 0 };
	double H = flow->body_h_pt, prev_after = 0, gap, need, total;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct pdf_box *b = &boxes[i];

		if (b->kind == PDF_BOX_BREAK) {
			if (st.used)
				S_new_page(&st);
			if (b->recto && (flow->first_page + (long)st.page) % 2 == 0)
				S_new_page(&st);
			prev_after = 0;
			continue;
		}
		gap = st.used ? S_max(prev_after, b->before_pt) : 0;
		need = S_need(boxes, n, i, flow);
		if (st.used && st.y + gap + need > H + S_EPS && need <= H + S_EPS) {
			S_new_page(&st);
			gap = 0;
		}
		switch (b->kind) {
		case PDF_BOX_LINES:
			S_place_lines(&st, b, i, gap, flow);
			break;
		case PDF_BOX_ROWS:
			S_place_rows(&st, b, i, gap, flow);
			break;
		case PDF_BOX_WHOLE:
			total = S_total(b);
			if (st.used && st.y + gap + total > H + S_EPS) {
				S_new_page(&st);
				gap = 0;
			}
			S_emit(&st, i, 0, b->n, st.y + gap, 0);
			st.y += gap + total;
			break;
		case PDF_BOX_BREAK:
			break;
		}
		prev_after = b->after_pt;
	}
	*out = st.v;
	*nout = st.n;
	/* A break at the very end opens no empty pages. */
	*npages = st.n ? st.v[st.n - 1].page + 1 : 1;
}
