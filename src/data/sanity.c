/*
 * sanity.c -- warnings on figures that look like a classic data mistake
 * (sanity.h).  The thresholds are deliberately loose: a warning must mean
 * "look at this", and the real data/ must stay quiet.
 */
#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "calc.h"
#include "data.h"
#include "diag.h"
#include "sanity.h"

/* ---- chip generations: whose FLOPs double at FP8, who are peers ---- */

struct S_gen {
	const char *key;		/* substring of the lower-cased id or name */
	const char *gen;		/* generation, for peers and messages */
	int fp8_doubles;		/* dense FP8 = 2 x dense BF16 */
};

/* Longer keys first: "gb200" must not be read as "b200"'s peer only by
 * luck, and "h100" must not match inside "gh100".  Both land in the same
 * generation anyway; the order keeps the table honest. */
static const struct S_gen S_gens[] = {
	{ "gh200", "NVIDIA Hopper", 1 },
	{ "h100", "NVIDIA Hopper", 1 },
	{ "h200", "NVIDIA Hopper", 1 },
	{ "h800", "NVIDIA Hopper", 1 },
	{ "h20", "NVIDIA Hopper", 1 },
	{ "gb200", "NVIDIA Blackwell", 1 },
	{ "gb300", "NVIDIA Blackwell", 1 },
	{ "b100", "NVIDIA Blackwell", 1 },
	{ "b200", "NVIDIA Blackwell", 1 },
	{ "b300", "NVIDIA Blackwell", 1 },
	{ "l40", "NVIDIA Ada", 1 },
	/* GeForce cards halve the tensor rate with FP32 accumulate (the 4090's
	 * 165 against the L40S's 362, both dense): not peers of the data-
	 * centre parts, or every GeForce entry would flag its sibling. */
	{ "4090", "NVIDIA Ada GeForce", 1 },
	{ "6000 ada", "NVIDIA Ada", 1 },
	{ "a100", "NVIDIA Ampere", 0 },
	{ "a800", "NVIDIA Ampere", 0 },
	{ "mi300", "AMD CDNA 3", 1 },
	{ "mi325", "AMD CDNA 3", 1 },
	{ "mi355", "AMD CDNA 4", 1 },
	{ "mi350", "AMD CDNA 4", 1 },
};

static void
S_lower(const char *s, char *out, size_t n)
{
	size_t i;

	for (i = 0; s != NULL && s[i] != '\0' && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

static const struct S_gen *
S_gen_of(const struct data_hw *h)
{
	char id[128], name[128];
	size_t i;

	S_lower(h->id, id, sizeof(id));
	S_lower(h->name, name, sizeof(name));
	for (i = 0; i < sizeof(S_gens) / sizeof(S_gens[0]); i++)
		if (strstr(id, S_gens[i].key) != NULL ||
		    strstr(name, S_gens[i].key) != NULL)
			return &S_gens[i];
	return NULL;
}

static int
S_near(double ratio, double want, double tol)
{
	return fabs(ratio - want) <= tol * want;
}

static double
S_tflops(const struct data_hw *h, enum calc_prec p)
{
	return h->hw.flops_per_s[p] / 1e12;
}

/* FLOPs: the ratios between a chip's own precisions, and FP8 vs BF16 where
 * the vendor doubles it.  Adds 1 << precision to *warned for each figure
 * it flagged, so the peer check does not flag it twice. */
static unsigned
S_check_flops_ratios(const struct data_hw *h, const struct S_gen *g,
    unsigned *warned)
{
	static const enum calc_prec lower[] = { CALC_FP8, CALC_INT8 };
	double bf16 = S_tflops(h, CALC_BF16), v, r;
	unsigned n = 0;
	size_t i;

	if (!(bf16 > 0))
		return 0;
	/* FP16 runs at the BF16 rate on every tensor-core chip. */
	v = S_tflops(h, CALC_FP16);
	r = v / bf16;
	if (v > 0 && S_near(r, 2, 0.1)) {
		diag_warning(&h->tflops_pos[CALC_FP16], "%s: fp16 (%g TFLOP/s) is "
		    "%.2gx bf16 (%g); they run at the same rate, so one of them "
		    "looks like a 2:4-sparsity figure", h->id, v, r, bf16);
		n++;
	} else if (v > 0 && S_near(r, 0.5, 0.1)) {
		diag_warning(&h->tflops_pos[CALC_BF16], "%s: bf16 (%g TFLOP/s) is "
		    "%.2gx fp16 (%g); they run at the same rate, so bf16 looks "
		    "like a 2:4-sparsity figure", h->id, bf16, 1 / r, v);
		*warned |= 1u << CALC_BF16;
		n++;
	}
	for (i = 0; i < sizeof(lower) / sizeof(lower[0]); i++) {
		enum calc_prec p = lower[i];
		const char *pn = calc_prec_name(p);

		if (!((v = S_tflops(h, p)) > 0))
			continue;
		r = v / bf16;
		if (S_near(r, 4, 0.12)) {
			diag_warning(&h->tflops_pos[p], "%s: %s (%g TFLOP/s) is %.2gx "
			    "bf16 (%g); dense %s is 2x dense bf16, so one of them "
			    "looks like a 2:4-sparsity figure", h->id, pn, v, r, bf16, pn);
			*warned |= 1u << p;
			n++;
		} else if (p == CALC_FP8 && g != NULL && g->fp8_doubles &&
		    !S_near(r, 2, 0.1)) {
			diag_warning(&h->tflops_pos[p], "%s: fp8 (%g TFLOP/s) is %.2gx "
			    "bf16 (%g); on %s dense FP8 is 2x dense BF16%s", h->id,
			    v, r, bf16, g->gen, r < 1.5 ?
			    " (is bf16 a sparse figure?)" : "");
			*warned |= 1u << p;
			n++;
		}
	}
	return n;
}

/* A chip whose figure is twice every peer's of its generation, at the
 * same precision, looks like the peers' sparse figure. */
static unsigned
S_check_flops_peers(const struct data_set *set, size_t k, const struct S_gen *g,
    unsigned warned)
{
	static const enum calc_prec precs[] = { CALC_BF16, CALC_FP8 };
	const struct data_hw *h = &set->hw[k], *best;
	unsigned n = 0;
	size_t i, j;

	if (g == NULL)
		return 0;
	for (j = 0; j < sizeof(precs) / sizeof(precs[0]); j++) {
		enum calc_prec p = precs[j];
		double v = S_tflops(h, p), most = 0;

		if (!(v > 0) || (warned & (1u << p)))
			continue;
		best = NULL;
		for (i = 0; i < set->nhw; i++) {
			if (i == k || S_gen_of(&set->hw[i]) == NULL ||
			    strcmp(S_gen_of(&set->hw[i])->gen, g->gen) != 0)
				continue;
			if (S_tflops(&set->hw[i], p) > most) {
				most = S_tflops(&set->hw[i], p);
				best = &set->hw[i];
			}
		}
		if (best != NULL && S_near(v / most, 2, 0.15)) {
			diag_warning(&h->tflops_pos[p], "%s: %s (%g TFLOP/s) is %.2gx "
			    "the fastest %s peer (%s, %g); a 2:4-sparsity figure?",
			    h->id, calc_prec_name(p), v, v / most, g->gen, best->id, most);
			n++;
		}
	}
	return n;
}

/* ---- memory ---- */

struct S_mem {
	const char *type;
	double tb_lo, tb_hi;		/* TB/s per chip */
	double gb_lo, gb_hi;		/* GB per chip */
};

/* Per chip, spanning the parts shipped with each memory (one stack of an
 * old HBM2e part to eight stacks of HBM3e; a GDDR card with 4 to 12
 * chips; Apple-style wide LPDDR).  A figure outside is almost always a
 * unit slip or a node total. */
static const struct S_mem S_mems[] = {
	{ "hbm2e", 0.4, 3.7, 8, 128 },
	{ "hbm3", 0.8, 6.5, 16, 256 },
	{ "hbm3e", 1.0, 12, 24, 384 },
	{ "gddr6", 0.1, 1.2, 2, 96 },
	{ "gddr6x", 0.3, 1.2, 8, 48 },
	{ "gddr7", 0.3, 2.0, 8, 128 },
	{ "lpddr5", 0.05, 1.1, 8, 512 },
	{ "lpddr5x", 0.05, 1.2, 8, 512 },
	/* From one small die (Groq: 80 TB/s) to a whole wafer (Cerebras
	 * WSE-3: 21 PB/s, 44 GB). */
	{ "sram", 10, 30000, 0.01, 64 },
};

static unsigned
S_check_memory(const struct data_hw *h)
{
	const struct S_mem *m = NULL;
	double gb = h->hw.hbm_bytes / 1e9, tb = h->hw.hbm_bytes_per_s / 1e12;
	double gib, k;
	unsigned n = 0;
	size_t i;

	if (h->memory_type != NULL)
		for (i = 0; i < sizeof(S_mems) / sizeof(S_mems[0]); i++)
			if (strcmp(h->memory_type, S_mems[i].type) == 0)
				m = &S_mems[i];
	if (m != NULL && (tb < m->tb_lo || tb > m->tb_hi)) {
		diag_warning(&h->fpos[DATA_HW_HBM_TB_PER_S], "%s: hbm_tb_per_s %g is "
		    "outside the plausible range for %s (%g-%g TB/s per chip): "
		    "a unit slip, or a total for several chips?", h->id, tb,
		    m->type, m->tb_lo, m->tb_hi);
		n++;
	}
	if (m != NULL && (gb < m->gb_lo || gb > m->gb_hi)) {
		diag_warning(&h->fpos[DATA_HW_HBM_GB], "%s: hbm_gb %g is outside "
		    "the plausible range for %s (%g-%g GB per chip): a unit slip, "
		    "or a total for several chips?", h->id, gb, m->type,
		    m->gb_lo, m->gb_hi);
		n++;
	}
	/* 85.9 for 80, 68.7 for 64: a capacity marketed as k "GB" that was
	 * converted as k GiB.  Whole numbers are left alone (192 = 178.8 GiB
	 * is not a slip), and so is anything not within 0.06 GB of k GiB. */
	gib = gb / 1.073741824;
	k = round(gib);
	if (k >= 4 && fabs(gb - k * 1.073741824) <= 0.06 && fabs(gb - round(gb)) > 0.05) {
		diag_warning(&h->fpos[DATA_HW_HBM_GB], "%s: hbm_gb %g is exactly "
		    "%g GiB written in GB: GB written where GiB was meant?  The "
		    "vendor's capacity figure is %g", h->id, gb, k, k);
		n++;
	}
	return n;
}

/* ---- scale-up links ---- */

/* Vendors print link speeds as the two-way total; the schema wants one
 * direction.  A figure equal to its generation's two-way total (or, for a
 * chip not listed, to one of the NVLink / Infinity Fabric totals) was
 * almost certainly copied from a datasheet without halving. */
static const struct { const char *key; double two_way; } S_links[] = {
	{ "a100", 600 }, { "gh200", 900 }, { "h100-pcie", 600 }, { "h100", 900 },
	{ "h200", 900 }, { "gb200", 1800 }, { "b200", 1800 }, { "mi300", 896 },
	{ "mi325", 896 }, { "v5e", 400 }, { "v5p", 1200 }, { "v6e", 800 },
	{ "b300", 1800 }, { "mi355", 1075 }, { "tpu-v7", 1200 }, { "trainium2", 1280 },
	{ "gaudi3", 1050 },
};
static const double S_two_way_totals[] = { 600, 900, 1800, 3600, 896 };

static unsigned
S_check_link(const struct data_hw *h)
{
	double gb = h->hw.link_bytes_per_s / 1e9, total = 0;
	char id[128];
	size_t i;

	if (!(gb > 0))
		return 0;
	S_lower(h->id, id, sizeof(id));
	for (i = 0; i < sizeof(S_links) / sizeof(S_links[0]) && total == 0; i++)
		if (strstr(id, S_links[i].key) != NULL)
			total = S_links[i].two_way;
	if (total == 0)
		for (i = 0; i < sizeof(S_two_way_totals) / sizeof(S_two_way_totals[0]); i++)
			if (gb == S_two_way_totals[i])
				total = gb;
	if (total == 0 || gb != total)
		return 0;
	diag_warning(&h->fpos[DATA_HW_LINK_GB_PER_S], "%s: link_gb_per_s %g is a vendor's "
	    "two-way total; the field is one direction (%g)", h->id, gb, gb / 2);
	return 1;
}

/* ---- prices ---- */

static unsigned
S_check_hw_price(const struct data_hw *h)
{
	if (h->hw.usd_per_hour >= 0 && h->price_date == NULL) {
		diag_warning(&h->fpos[DATA_HW_USD_PER_HOUR], "%s: usd_per_hour %g "
		    "has no price_date; prices change, so record the month it "
		    "was read", h->id, h->hw.usd_per_hour);
		return 1;
	}
	return 0;
}

/* ---- models ---- */

double
sanity_params_from_shape(const struct data_model *dm)
{
	const struct calc_model *m = &dm->m;
	double attn, ffn, embed, experts;

	if (m->attn == CALC_MLA || !(dm->d_ff > 0) || !(m->layers > 0) ||
	    !(m->d_model > 0) || !(m->heads > 0) || !(m->head_dim > 0))
		return 0;
	/* q and o: heads x head_dim each way; k and v: kv_heads x head_dim. */
	attn = m->d_model * m->head_dim * (2 * m->heads + 2 * m->kv_heads);
	experts = m->experts_total > 0 ? m->experts_total : 1;
	/* Gated FFN (SwiGLU/GeGLU): gate, up and down projections. */
	ffn = 3 * m->d_model * dm->d_ff * experts;
	embed = dm->vocab > 0 ? 2 * dm->vocab * m->d_model : 0;
	return m->layers * (attn + ffn) + embed;
}

static unsigned
S_check_model(const struct data_model *dm)
{
	double est = sanity_params_from_shape(dm), p = dm->m.params_total, off;

	/* A model whose every layer forgets past the window never pays for
	 * long context: real ones keep a few full-attention layers. */
	if (dm->m.window_tokens > 0 && dm->m.full_layers == 0) {
		diag_warning(&dm->fpos[DATA_M_WINDOW], "%s: window has full_layers 0, so "
		    "every layer is windowed and the KV cache stops growing at %g tokens; "
		    "sliding-window models keep some full-attention layers (Gemma 3: "
		    "10 of 62)", dm->id, dm->m.window_tokens);
		return 1;
	}
	if (!(est > 0))
		return 0;
	off = (p - est) / est;
	if (fabs(off) <= 0.10)
		return 0;
	diag_warning(&dm->fpos[DATA_M_PARAMS_B], "%s: params_b %g disagrees with "
	    "the shape by %+.0f%%: layers, d_model, heads, kv_heads, head_dim, "
	    "d_ff%s give %.3gB", dm->id, p / 1e9, 100 * off,
	    dm->vocab > 0 ? " and vocab" : "", est / 1e9);
	return 1;
}

unsigned
sanity_check(const struct data_set *set)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < set->nhw; i++) {
		const struct data_hw *h = &set->hw[i];
		const struct S_gen *g = S_gen_of(h);
		unsigned warned = 0;

		n += S_check_flops_ratios(h, g, &warned);
		n += S_check_flops_peers(set, i, g, warned);
		n += S_check_memory(h);
		n += S_check_link(h);
		n += S_check_hw_price(h);
	}
	for (i = 0; i < set->nmodels; i++)
		n += S_check_model(&set->models[i]);
	for (i = 0; i < set->nprices; i++) {
		const struct data_price *pr = &set->prices[i];

		if (pr->date == NULL) {
			diag_warning(&pr->pos, "%s: price has no date; API prices "
			    "change, so record the month it applied", pr->id);
			n++;
		}
	}
	return n;
}
