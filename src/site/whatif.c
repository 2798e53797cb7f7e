/*
 * whatif.c -- the "What if?" layer of the site (site_opts.wasm): what a
 * lesson page carries so that templates/whatif.js can recompute its
 * numbers in the browser with the core compiled to WebAssembly
 * (src/wasm/core.c), the calculator page, and the files they load.
 *
 * Progressive enhancement: the page's text is exactly the static page's;
 * the layer adds one JSON block (never shown) and a deferred script.
 * Without site_opts.wasm nothing here runs and the pages are as before.
 *
 * The JSON block (version 1):
 *   { "v": 1,
 *     "hw":     [ { "id", "name", "raw": hex of struct calc_hw }, ... ],
 *     "models": [ { "id", "name", "raw": hex of struct calc_model }, ... ],
 *     "prices": [ { "id", "provider", "model", "date", "source",
 *                   "tiers": [ [up_to, above, in, out], ... ] }, ... ],
 *     "groups": [ { "slug", "title",
 *                   "scen": [ { "name", "map": front-matter mapping } ],
 *                   "nums": [ [ "ID", "expression | filter" ], ... ] } ] }
 * Every chip and model of the data set is listed (the panel may switch to
 * any); a number's element is the link to derivations.html#n-ID.  The
 * structs travel as bytes so that the browser's core reads exactly the
 * doubles the native one did (core.c checks the size).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"
#include "chart.h"
#include "data.h"
#include "expr.h"
#include "lesson.h"
#include "site_int.h"
#include "tmpl.h"
#include "util.h"
#include "ytree.h"

/* A number that reads back as the same double; null for NaN. */
static void
S_num(struct buf *b, double v)
{
	char s[40];

	if (isnan(v)) {
		buf_puts(b, "null");
		return;
	}
	util_fmt_g(s, sizeof(s), 17, v);
	buf_puts(b, s);
}

static void
S_hex(struct buf *b, const void *p, size_t n)
{
	const unsigned char *u = p;
	size_t i;

	buf_putc(b, '"');
	for (i = 0; i < n; i++)
		buf_printf(b, "%02x", u[i]);
	buf_putc(b, '"');
}

/* A front-matter node as JSON: scalars as strings (the text as written),
 * mappings as objects. */
static void
S_node(struct buf *b, const struct ynode *n)
{
	size_t i;

	if (n->kind == YNODE_SCALAR) {
		buf_json_str(b, n->value);
		return;
	}
	buf_putc(b, n->kind == YNODE_MAP ? '{' : '[');
	for (i = 0; i < n->n; i++) {
		if (i > 0)
			buf_putc(b, ',');
		if (n->kind == YNODE_MAP) {
			buf_json_str(b, n->keys[i]->value);
			buf_putc(b, ':');
		}
		S_node(b, n->items[i]);
	}
	buf_putc(b, n->kind == YNODE_MAP ? '}' : ']');
}

static void
S_data(struct buf *b, const struct data_set *set)
{
	size_t i, j;

	buf_puts(b, "\"hw\":[");
	for (i = 0; i < set->nhw; i++) {
		buf_puts(b, i > 0 ? ",\n{\"id\":" : "\n{\"id\":");
		buf_json_str(b, set->hw[i].id);
		buf_puts(b, ",\"name\":");
		buf_json_str(b, set->hw[i].name);
		buf_puts(b, ",\"raw\":");
		S_hex(b, &set->hw[i].hw, sizeof(set->hw[i].hw));
		buf_putc(b, '}');
	}
	buf_puts(b, "],\n\"models\":[");
	for (i = 0; i < set->nmodels; i++) {
		buf_puts(b, i > 0 ? ",\n{\"id\":" : "\n{\"id\":");
		buf_json_str(b, set->models[i].id);
		buf_puts(b, ",\"name\":");
		buf_json_str(b, set->models[i].name);
		buf_puts(b, ",\"raw\":");
		S_hex(b, &set->models[i].m, sizeof(set->models[i].m));
		buf_putc(b, '}');
	}
	buf_puts(b, "],\n\"prices\":[");
	for (i = 0; i < set->nprices; i++) {
		const struct data_price *p = &set->prices[i];

		buf_puts(b, i > 0 ? ",\n{\"id\":" : "\n{\"id\":");
		buf_json_str(b, p->id);
		buf_puts(b, ",\"provider\":");
		buf_json_str(b, p->provider);
		buf_puts(b, ",\"model\":");
		buf_json_str(b, p->model);
		buf_puts(b, ",\"date\":");
		buf_json_str(b, p->date);
		buf_puts(b, ",\"source\":");
		buf_json_str(b, p->source);
		buf_puts(b, ",\"tiers\":[");
		for (j = 0; j < p->ntiers; j++) {
			buf_puts(b, j > 0 ? ",[" : "[");
			S_num(b, p->tiers[j].up_to_tokens);
			buf_putc(b, ',');
			S_num(b, p->tiers[j].above_tokens);
			buf_putc(b, ',');
			S_num(b, p->tiers[j].usd_per_mtok_input);
			buf_putc(b, ',');
			S_num(b, p->tiers[j].usd_per_mtok_output);
			buf_putc(b, ']');
		}
		buf_puts(b, "]}");
	}
	buf_puts(b, "]");
}

/* One lesson's scenarios, the numbers it printed and its figures (each
 * with the scenario it was drawn for: whatif.js marks the reader's point
 * on it with the transform in whatif-figs.js). */
static void
S_group(struct buf *b, const struct site *s, const struct lesson *l)
{
	const struct ynode *sc = ytree_get(l->front, "scenarios");
	const char *const *names;
	size_t i, j, k, nnames;
	int first = 1;

	buf_puts(b, "\n{\"slug\":");
	buf_json_str(b, l->slug);
	buf_puts(b, ",\"title\":");
	buf_json_str(b, l->title);
	buf_puts(b, ",\"scen\":[");
	for (i = 0; sc != NULL && sc->kind == YNODE_MAP && i < sc->n; i++) {
		buf_puts(b, i > 0 ? ",\n{\"name\":" : "\n{\"name\":");
		buf_json_str(b, sc->keys[i]->value);
		buf_puts(b, ",\"map\":");
		S_node(b, sc->items[i]);
		buf_putc(b, '}');
	}
	buf_puts(b, "],\n\"nums\":[");
	for (i = 0; i < l->nrecs; i++) {
		buf_puts(b, i > 0 ? ",\n[" : "\n[");
		buf_json_str(b, l->recs[i].id);
		buf_putc(b, ',');
		buf_json_str(b, l->recs[i].text);
		buf_putc(b, ']');
	}
	buf_puts(b, "],\n\"figs\":[");
	names = chart_names(&nnames);
	for (i = 0; sc != NULL && sc->kind == YNODE_MAP && i < sc->n; i++)
		for (j = 0; j < nnames; j++) {
			struct buf file;

			buf_init(&file);
			site_chart_file(&file, l->slug, names[j], sc->keys[i]->value);
			for (k = 0; k < s->ncharts; k++)
				if (strcmp(s->charts[k].file, file.data) == 0)
					break;
			if (k < s->ncharts) {
				buf_puts(b, first ? "\n[" : ",\n[");
				buf_json_str(b, file.data);
				buf_putc(b, ',');
				buf_json_str(b, sc->keys[i]->value);
				buf_putc(b, ']');
				first = 0;
			}
			buf_free(&file);
		}
	buf_puts(b, "]}");
}

/* whatif-figs.js: every figure's axis transform (chart_axes), as a
 * script so that a page opened from file:// can read it too. */
static int
S_figs(struct site *s)
{
	struct chart_axes a;
	struct buf b;
	size_t i;
	int rc, first = 1;

	buf_init(&b);
	buf_puts(&b, "/* The figures' axis transforms (generated; see whatif.js) */\n"
	    "window.inferbookFigs = {");
	for (i = 0; i < s->ncharts; i++) {
		const struct chart_fig *f = site_chart_fig(s, s->charts[i].file);

		if (f == NULL || chart_axes(f, CHART_W_PT, CHART_H_PT, &a) != 0)
			continue;
		buf_puts(&b, first ? "\n" : ",\n");
		first = 0;
		buf_json_str(&b, s->charts[i].file);
		buf_puts(&b, ":{\"plot\":[");
		S_num(&b, a.plot[0]);
		buf_putc(&b, ',');
		S_num(&b, a.plot[1]);
		buf_putc(&b, ',');
		S_num(&b, a.plot[2]);
		buf_putc(&b, ',');
		S_num(&b, a.plot[3]);
		buf_puts(&b, "],\"x\":[");
		buf_json_str(&b, chart_scale_name(a.x.scale));
		buf_putc(&b, ',');
		S_num(&b, a.x.lo);
		buf_putc(&b, ',');
		S_num(&b, a.x.hi);
		buf_putc(&b, ',');
		buf_json_str(&b, a.x.key);
		buf_puts(&b, "],\"y\":[");
		buf_json_str(&b, chart_scale_name(a.y.scale));
		buf_putc(&b, ',');
		S_num(&b, a.y.lo);
		buf_putc(&b, ',');
		S_num(&b, a.y.hi);
		buf_putc(&b, ',');
		buf_json_str(&b, a.y.key);
		buf_puts(&b, "]}");
	}
	buf_puts(&b, "\n};\n");
	rc = site_stage_write(s->stage, "whatif-figs.js", b.data, b.len);
	buf_free(&b);
	return rc;
}

void
site_whatif_ctx(struct site *s, const struct page *pg, struct tval *ctx)
{
	struct buf b;
	size_t i;
	int first = 1;

	if (s->o->wasm == NULL)
		return;
	buf_init(&b);
	buf_puts(&b, "{\"v\":1,\n");
	S_data(&b, &s->set);
	buf_puts(&b, ",\n\"groups\":[");
	if (pg->l->nscen > 0) {
		S_group(&b, s, pg->l);
		first = 0;
	}
	/* The answers page also prints every lesson's worked answers. */
	for (i = 0; pg == &s->answers && i < s->npages; i++) {
		if (s->pages[i].l->nanswers == 0 || s->pages[i].l->nscen == 0)
			continue;
		if (!first)
			buf_putc(&b, ',');
		S_group(&b, s, s->pages[i].l);
		first = 0;
	}
	buf_puts(&b, "]}\n");
	tval_set_str(ctx, "whatif", b.data);
	buf_free(&b);
}

/* The base64 alphabet of RFC 4648. */
static const char S_b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
S_base64(struct buf *b, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		buf_putc(b, S_b64[p[i] >> 2]);
		buf_putc(b, S_b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		buf_putc(b, S_b64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)]);
		buf_putc(b, S_b64[p[i + 2] & 63]);
	}
	if (n - i == 1) {
		buf_putc(b, S_b64[p[i] >> 2]);
		buf_putc(b, S_b64[(p[i] & 3) << 4]);
		buf_puts(b, "==");
	} else if (n - i == 2) {
		buf_putc(b, S_b64[p[i] >> 2]);
		buf_putc(b, S_b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		buf_putc(b, S_b64[(p[i + 1] & 15) << 2]);
		buf_putc(b, '=');
	}
}

/* Stages templates/NAME as NAME. */
static int
S_copy(struct site *s, const char *name)
{
	char *path = xasprintf("%s/%s", s->o->templates_dir, name), *data;
	size_t len;
	int rc = -1;

	if (util_read_file(path, &data, &len) == 0) {
		rc = site_stage_write(s->stage, name, data, len);
		free(data);
	}
	free(path);
	return rc;
}

int
site_whatif_publish(struct site *s)
{
	struct tval *ctx;
	struct buf js;
	char *wasm;
	size_t len;
	int rc;

	if (s->o->wasm == NULL)
		return 0;
	if (util_read_file(s->o->wasm, &wasm, &len) != 0)
		return -1;
	/* The same bytes twice: fetched where the page may fetch (any web
	 * server), and as a script for file://, where Chromium refuses to
	 * fetch and whatif.js falls back to it. */
	rc = site_stage_write(s->stage, "inferbook.wasm", wasm, len);
	buf_init(&js);
	buf_puts(&js, "/* inferbook.wasm, for pages opened from file:// (generated) */\n"
	    "window.inferbookWasm = \"");
	S_base64(&js, (const unsigned char *)wasm, len);
	buf_puts(&js, "\";\n");
	rc |= site_stage_write(s->stage, "inferbook-wasm.js", js.data, js.len);
	buf_free(&js);
	free(wasm);
	rc |= S_copy(s, "whatif.js") | S_copy(s, "whatif.css") | S_figs(s);

	ctx = tval_map();
	tval_set_str(ctx, "title", "Calculator");
	tval_set_str(ctx, "description", "inferbook calc in the browser: every quantity of one "
	    "scenario, computed by the same core as the pages.");
	{
		struct buf b;

		buf_init(&b);
		buf_puts(&b, "{\"v\":1,\n");
		S_data(&b, &s->set);
		buf_puts(&b, ",\n\"groups\":[]}\n");
		tval_set_str(ctx, "whatif", b.data);
		buf_free(&b);
	}
	rc |= site_page(s, "calc.html", "calc.html", ctx, "calc");
	return rc != 0 ? -1 : 0;
}
