/*
 * data.c -- data/hardware.yaml, models.yaml and pricing.yaml into typed,
 * validated structs (DATA.md).
 *
 * Each file is parsed into a ytree, each entry mapped through a field table
 * (types, required fields, unknown keys), then the rules that relate fields
 * (active <= total, kv_heads | heads, mla/experts blocks) are checked.  Every
 * error is reported before giving up, so one run shows a user all the typos
 * in a file; nothing half-loaded escapes data_load().
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>

#include "calc.h"
#include "data.h"
#include "diag.h"
#include "evidence.h"
#include "util.h"
#include "ytree.h"

enum { S_PATH_HW, S_PATH_MODELS, S_PATH_PRICING };

static const char *const S_mem_types[] = {
	"hbm2e", "hbm3", "hbm3e", "gddr6", "gddr6x", "lpddr5", "lpddr5x", "sram", NULL
};
/* In the order of enum calc_memory and enum calc_topology. */
static const char *const S_mem_kinds[] = { "hbm", "gddr", "sram", NULL };
static const char *const S_topologies[] = { "switch", "mesh", "torus", NULL };

/* ---- small helpers ---- */

/* The text of a field as the user wrote it, for messages. */
static const char *
S_text(const struct ynode *map, const char *key)
{
	const struct ynode *n = ytree_get(map, key);

	return n != NULL && n->kind == YNODE_SCALAR ? n->value : "?";
}

/* A string field whose value must be one of `names`; reports the allowed
 * values.  Returns the index, or -1 after an error. */
static int
S_enum(const struct ynode *n, const char *what, const char *const *names)
{
	struct buf b;
	size_t i;

	if (n->kind == YNODE_SCALAR)
		for (i = 0; names[i] != NULL; i++)
			if (strcmp(n->value, names[i]) == 0)
				return (int)i;
	buf_init(&b);
	for (i = 0; names[i] != NULL; i++)
		buf_printf(&b, "%s%s", i > 0 ? ", " : "", names[i]);
	if (n->kind == YNODE_SCALAR)
		diag_error(&n->pos, "%s must be one of %s; got '%s'", what, b.data, n->value);
	else
		diag_error(&n->pos, "%s must be one of %s; got %s", what, b.data,
		    ytree_kind_name(n->kind));
	buf_free(&b);
	return -1;
}

/* Converts a figure to SI; a huge value (1e300 GB) would overflow. */
static int
S_si(const struct ynode *map, const char *key, double v, double scale, double *out)
{
	const struct ynode *n = ytree_get(map, key);

	*out = v * scale;
	if (isfinite(*out))
		return 0;
	diag_error(n != NULL ? &n->pos : &map->pos, "%s is too large, got %s", key,
	    n != NULL && n->kind == YNODE_SCALAR ? n->value : "?");
	return -1;
}

/* ---- duplicate ids, reported at every repeat in document order ---- */

struct S_idref {
	const char *id;
	size_t idx;
};

static int
S_idcmp(const void *a, const void *b)
{
	const struct S_idref *x = a, *y = b;
	int r = strcmp(x->id, y->id);

	if (r != 0)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The id of entries[i] in an array of `size`-byte structs whose char *id
 * sits at `id_off`; NULL when the entry failed to load (it was cleared). */
static const char *
S_entry_id(const void *entries, size_t size, size_t id_off, size_t i)
{
	return *(char *const *)(const void *)((const char *)entries + i * size + id_off);
}

/* Reports every repeated id among the file's loaded entries, at the id's
 * own node (root->items[i] is entries[i]'s mapping). */
static int
S_check_dup_ids(const struct ynode *root, const void *entries, size_t size, size_t id_off)
{
	struct S_idref *refs;
	size_t *first, i, m = 0, head, n = root->n;
	const struct srcpos *p, *fp;
	const char *id;
	int bad = 0;

	if (n < 2)
		return 0;
	refs = xreallocarray(NULL, n, sizeof(*refs));
	first = xreallocarray(NULL, n, sizeof(*first));
	for (i = 0; i < n; i++) {
		first[i] = i;
		if ((id = S_entry_id(entries, size, id_off, i)) != NULL) {
			refs[m].id = id;
			refs[m++].idx = i;
		}
	}
	qsort(refs, m, sizeof(*refs), S_idcmp);
	for (i = 1, head = 0; i < m; i++) {
		if (strcmp(refs[i].id, refs[head].id) == 0)
			first[refs[i].idx] = refs[head].idx;
		else
			head = i;
	}
	/* An entry with an id loaded cleanly, so its "id" node exists. */
	for (i = 0; i < n; i++)
		if (first[i] != i) {
			p = &ytree_get(root->items[i], "id")->pos;
			fp = &ytree_get(root->items[first[i]], "id")->pos;
			diag_error(p, "duplicate id '%s' (first used at line %u)",
			    S_entry_id(entries, size, id_off, i), fp->line);
			bad = 1;
		}
	free(refs);
	free(first);
	return bad ? -1 : 0;
}

/* ---- hardware ---- */

struct S_hw_in {
	struct data_hw h;
	double hbm_gb, hbm_tb_per_s, link_gb_per_s, usd_per_hour, tdp_w, scale_out_gb_per_s;
	long scale_up_chips;
};

#define HWF(key, type, member, req, field) \
	{ key, type, offsetof(struct S_hw_in, member), req, \
	  offsetof(struct S_hw_in, h.fpos[field]) }
static const struct yfield S_hw_fields[] = {
	HWF("id", YF_ID, h.id, 1, DATA_HW_ID),
	HWF("name", YF_STRING, h.name, 1, DATA_HW_NAME),
	HWF("vendor", YF_STRING, h.vendor, 1, DATA_HW_VENDOR),
	HWF("memory_type", YF_CUSTOM, h.memory_type, 0, DATA_HW_MEMORY_TYPE),
	HWF("hbm_gb", YF_POSITIVE, hbm_gb, 1, DATA_HW_HBM_GB),
	HWF("hbm_tb_per_s", YF_POSITIVE, hbm_tb_per_s, 1, DATA_HW_HBM_TB_PER_S),
	HWF("tflops", YF_CUSTOM, h.hw, 1, DATA_HW_TFLOPS),
	HWF("memory", YF_CUSTOM, h.hw, 0, DATA_HW_MEMORY),
	HWF("link_gb_per_s", YF_NONNEG, link_gb_per_s, 0, DATA_HW_LINK_GB_PER_S),
	HWF("scale_up_chips", YF_INT, scale_up_chips, 0, DATA_HW_SCALE_UP_CHIPS),
	HWF("scale_up_topology", YF_CUSTOM, h.hw, 0, DATA_HW_SCALE_UP_TOPOLOGY),
	HWF("scale_out_gb_per_s", YF_NONNEG, scale_out_gb_per_s, 0, DATA_HW_SCALE_OUT_GB_PER_S),
	HWF("usd_per_hour", YF_POSITIVE, usd_per_hour, 0, DATA_HW_USD_PER_HOUR),
	HWF("price_date", YF_DATE, h.price_date, 0, DATA_HW_PRICE_DATE),
	HWF("tdp_w", YF_POSITIVE, tdp_w, 0, DATA_HW_TDP_W),
	HWF("source", YF_STRING, h.source, 1, DATA_HW_SOURCE),
	{ "notes", YF_STRING, offsetof(struct S_hw_in, h.notes), 0, YF_NOPOS },
	{ NULL, YF_CUSTOM, 0, 0, YF_NOPOS }
};
#undef HWF

struct S_tflops_in {
	double v[CALC_PREC__COUNT];
	struct srcpos pos[CALC_PREC__COUNT];
};

/* bf16 is required: it is the compute precision every scenario falls back
 * to (calc_default_compute). */
#define TFF(key, p, req) \
	{ key, YF_POSITIVE, offsetof(struct S_tflops_in, v[p]), req, \
	  offsetof(struct S_tflops_in, pos[p]) }
static const struct yfield S_tflops_fields[] = {
	TFF("fp32", CALC_FP32, 0),
	TFF("bf16", CALC_BF16, 1),
	TFF("fp16", CALC_FP16, 0),
	TFF("fp8", CALC_FP8, 0),
	TFF("int8", CALC_INT8, 0),
	TFF("fp4", CALC_FP4, 0),
	TFF("int4", CALC_INT4, 0),
	{ NULL, YF_CUSTOM, 0, 0, YF_NOPOS }
};
#undef TFF

static void
S_hw_free(struct data_hw *h)
{
	free(h->id);
	free(h->name);
	free(h->vendor);
	free(h->memory_type);
	free(h->price_date);
	free(h->source);
	free(h->notes);
	memset(h, 0, sizeof(*h));
}

/* One hardware entry into *out; -1 after reporting its errors. */
static int
S_load_hw(const struct ynode *e, struct data_hw *out)
{
	struct S_hw_in in;
	struct S_tflops_in tf;
	const struct ynode *v, *tfn;
	int bad = 0, i;

	memset(&in, 0, sizeof(in));
	memset(&tf, 0, sizeof(tf));
	in.usd_per_hour = -1;
	in.h.pos = e->pos;
	if (ytree_map_fields(e, S_hw_fields, &in, "hardware entry") == -1)
		bad = 1;
	if (e->kind != YNODE_MAP)
		return -1;
	if ((v = ytree_get(e, "memory_type")) != NULL) {
		if (S_enum(v, "memory_type", S_mem_types) == -1)
			bad = 1;
		else
			in.h.memory_type = xstrdup(v->value);
	}
	if ((v = ytree_get(e, "memory")) != NULL) {
		if ((i = S_enum(v, "memory", S_mem_kinds)) == -1)
			bad = 1;
		else
			in.h.hw.memory = (enum calc_memory)i;
	}
	if ((v = ytree_get(e, "scale_up_topology")) != NULL) {
		if ((i = S_enum(v, "scale_up_topology", S_topologies)) == -1)
			bad = 1;
		else
			in.h.hw.topology = (enum calc_topology)i;
	}
	if ((tfn = ytree_get(e, "tflops")) != NULL) {
		if (ytree_map_fields(tfn, S_tflops_fields, &tf, "tflops") == -1)
			bad = 1;
		for (i = 0; i < CALC_PREC__COUNT; i++)
			in.h.tflops_pos[i] = tf.pos[i];
	}
	if (!bad) {
		struct calc_hw *hw = &in.h.hw;

		bad |= S_si(e, "hbm_gb", in.hbm_gb, 1e9, &hw->hbm_bytes) == -1;
		bad |= S_si(e, "hbm_tb_per_s", in.hbm_tb_per_s, 1e12, &hw->hbm_bytes_per_s) == -1;
		bad |= S_si(e, "link_gb_per_s", in.link_gb_per_s, 1e9, &hw->link_bytes_per_s) == -1;
		bad |= S_si(e, "scale_out_gb_per_s", in.scale_out_gb_per_s, 1e9,
		    &hw->scale_out_bytes_per_s) == -1;
		/* A domain's size means something only with a link to join
		 * it; without one every chip is its own domain. */
		if (hw->link_bytes_per_s > 0 && in.h.fpos[DATA_HW_SCALE_UP_CHIPS].line == 0) {
			diag_error(&in.h.fpos[DATA_HW_LINK_GB_PER_S], "link_gb_per_s needs "
			    "scale_up_chips (the chips one scale-up domain joins, e.g. 8 for "
			    "an HGX box)");
			bad = 1;
		}
		hw->scale_up_chips = hw->link_bytes_per_s > 0 ? (double)in.scale_up_chips : 1;
		for (i = 0; i < CALC_PREC__COUNT; i++)
			if (tf.v[i] > 0 && S_si(tfn, S_tflops_fields[i].key, tf.v[i], 1e12,
			    &hw->flops_per_s[i]) == -1)
				bad = 1;
		hw->usd_per_hour = in.usd_per_hour;
		hw->tdp_w = in.tdp_w;
	}
	if (bad) {
		S_hw_free(&in.h);
		return -1;
	}
	*out = in.h;
	return 0;
}

/* ---- models ---- */

struct S_model_in {
	struct data_model d;
	double params_b, active_params_b;
	long layers, d_model, heads, kv_heads, head_dim, max_context, d_ff, vocab;
};

#define MF(key, type, member, req, field) \
	{ key, type, offsetof(struct S_model_in, member), req, \
	  offsetof(struct S_model_in, d.fpos[field]) }
#define MF_NOPOS(key, type, member) \
	{ key, type, offsetof(struct S_model_in, member), 0, YF_NOPOS }
static const struct yfield S_model_fields[] = {
	MF("id", YF_ID, d.id, 1, DATA_M_ID),
	MF("name", YF_STRING, d.name, 1, DATA_M_NAME),
	MF("params_b", YF_POSITIVE, params_b, 1, DATA_M_PARAMS_B),
	MF("active_params_b", YF_POSITIVE, active_params_b, 0, DATA_M_ACTIVE_PARAMS_B),
	MF("layers", YF_INT, layers, 1, DATA_M_LAYERS),
	MF("d_model", YF_INT, d_model, 1, DATA_M_D_MODEL),
	MF("heads", YF_INT, heads, 1, DATA_M_HEADS),
	MF("kv_heads", YF_INT, kv_heads, 1, DATA_M_KV_HEADS),
	MF("head_dim", YF_INT, head_dim, 1, DATA_M_HEAD_DIM),
	MF("attention", YF_CUSTOM, d.m, 1, DATA_M_ATTENTION),
	MF("mla", YF_CUSTOM, d.m, 0, DATA_M_MLA),
	MF("experts", YF_CUSTOM, d.m, 0, DATA_M_EXPERTS),
	MF("window", YF_CUSTOM, d.m, 0, DATA_M_WINDOW),
	MF("max_context", YF_INT, max_context, 1, DATA_M_MAX_CONTEXT),
	MF_NOPOS("d_ff", YF_INT, d_ff),
	MF_NOPOS("vocab", YF_INT, vocab),
	MF("source", YF_STRING, d.source, 1, DATA_M_SOURCE),
	MF_NOPOS("notes", YF_STRING, d.notes),
	{ NULL, YF_CUSTOM, 0, 0, YF_NOPOS }
};
#undef MF
#undef MF_NOPOS

struct S_pair_in {
	long a, b;
};
static const struct yfield S_mla_fields[] = {
	{ "kv_lora_rank", YF_INT, offsetof(struct S_pair_in, a), 1, YF_NOPOS },
	{ "rope_dim", YF_INT, offsetof(struct S_pair_in, b), 1, YF_NOPOS },
	{ NULL, YF_CUSTOM, 0, 0, YF_NOPOS }
};
static const struct yfield S_experts_fields[] = {
	{ "total", YF_INT, offsetof(struct S_pair_in, a), 1, YF_NOPOS },
	{ "active", YF_INT, offsetof(struct S_pair_in, b), 1, YF_NOPOS },
	{ NULL, YF_CUSTOM, 0, 0, YF_NOPOS }
};

/* window: { tokens, full_layers }; full_layers may be 0 (every layer
 * windowed), which YF_INT refuses, so it is read as a number. */
struct S_window_in {
	long tokens;
	double full_layers;
};
static const struct yfield S_window_fields[] = {
	{ "tokens", YF_INT, offsetof(struct S_window_in, tokens), 1, YF_NOPOS },
	{ "full_layers", YF_NONNEG, offsetof(struct S_window_in, full_layers), 1, YF_NOPOS },
	{ NULL, YF_CUSTOM, 0, 0, YF_NOPOS }
};

static const char *const S_attn_names[] = { "mha", "gqa", "mqa", "mla", NULL };

static void
S_model_free(struct data_model *d)
{
	free(d->id);
	free(d->name);
	free(d->source);
	free(d->notes);
	memset(d, 0, sizeof(*d));
}

/* The rules between fields; run only when every field read cleanly. */
static int
S_model_rules(const struct ynode *e, struct S_model_in *in, int attn,
    const struct S_pair_in *ex)
{
	const struct ynode *exn = ytree_get(e, "experts");
	const struct ynode *mlan = ytree_get(e, "mla");
	const struct srcpos *fp = in->d.fpos;
	int bad = 0, has_active = fp[DATA_M_ACTIVE_PARAMS_B].line > 0;

	if (has_active && in->active_params_b > in->params_b) {
		diag_error(&fp[DATA_M_ACTIVE_PARAMS_B],
		    "active_params_b (%s) must not exceed params_b (%s)",
		    S_text(e, "active_params_b"), S_text(e, "params_b"));
		bad = 1;
	} else if (exn != NULL) {
		if (!has_active) {
			diag_error(&exn->pos, "a mixture-of-experts model needs active_params_b "
			    "(the parameters used per token)");
			bad = 1;
		} else if (in->active_params_b == in->params_b) {
			diag_error(&fp[DATA_M_ACTIVE_PARAMS_B], "active_params_b (%s) must be less "
			    "than params_b (%s) for a mixture-of-experts model",
			    S_text(e, "active_params_b"), S_text(e, "params_b"));
			bad = 1;
		}
	} else if (has_active && in->active_params_b != in->params_b) {
		diag_error(&fp[DATA_M_ACTIVE_PARAMS_B], "active_params_b (%s) differs from "
		    "params_b (%s) but there is no experts block; a dense model uses all "
		    "its parameters", S_text(e, "active_params_b"), S_text(e, "params_b"));
		bad = 1;
	}
	if (exn != NULL && ex->b >= ex->a) {
		diag_error(&ytree_get(exn, "active")->pos,
		    "experts: active (%ld) must be less than total (%ld)", ex->b, ex->a);
		bad = 1;
	}
	if (in->heads % in->kv_heads != 0) {
		diag_error(&fp[DATA_M_KV_HEADS], "kv_heads (%ld) must divide heads (%ld)",
		    in->kv_heads, in->heads);
		bad = 1;
	} else if (attn == CALC_MHA && in->kv_heads != in->heads) {
		diag_error(&fp[DATA_M_KV_HEADS], "attention: mha needs kv_heads equal to "
		    "heads (%ld), got %ld (fewer kv_heads is gqa)", in->heads, in->kv_heads);
		bad = 1;
	} else if (attn == CALC_MQA && in->kv_heads != 1) {
		diag_error(&fp[DATA_M_KV_HEADS], "attention: mqa needs kv_heads 1, got %ld "
		    "(more is gqa)", in->kv_heads);
		bad = 1;
	}
	if (attn == CALC_MLA && mlan == NULL) {
		diag_error(&fp[DATA_M_ATTENTION], "attention: mla needs an mla block "
		    "{ kv_lora_rank, rope_dim }");
		bad = 1;
	} else if (attn != CALC_MLA && mlan != NULL) {
		diag_error(&mlan->pos, "an mla block is given but attention is %s "
		    "(the block is only for attention: mla)", S_attn_names[attn]);
		bad = 1;
	}
	return bad ? -1 : 0;
}

static int
S_load_model(const struct ynode *e, struct data_model *out)
{
	struct S_model_in in;
	struct S_pair_in mla = { 0, 0 }, ex = { 0, 0 };
	struct S_window_in win = { 0, 0 };
	const struct ynode *v;
	struct calc_model *m;
	int bad = 0, attn = -1;

	memset(&in, 0, sizeof(in));
	in.d.pos = e->pos;
	if (ytree_map_fields(e, S_model_fields, &in, "model entry") == -1)
		bad = 1;
	if (e->kind != YNODE_MAP)
		return -1;
	if ((v = ytree_get(e, "attention")) != NULL &&
	    (attn = S_enum(v, "attention", S_attn_names)) == -1)
		bad = 1;
	if ((v = ytree_get(e, "mla")) != NULL &&
	    ytree_map_fields(v, S_mla_fields, &mla, "mla") == -1)
		bad = 1;
	if ((v = ytree_get(e, "experts")) != NULL &&
	    ytree_map_fields(v, S_experts_fields, &ex, "experts") == -1)
		bad = 1;
	if ((v = ytree_get(e, "window")) != NULL) {
		if (ytree_map_fields(v, S_window_fields, &win, "window") == -1)
			bad = 1;
		else if (win.full_layers != floor(win.full_layers) ||
		    win.full_layers > (double)in.layers) {
			diag_error(&ytree_get(v, "full_layers")->pos, "window: full_layers "
			    "must be a whole number from 0 to layers (%ld), got %s", in.layers,
			    S_text(v, "full_layers"));
			bad = 1;
		}
	}
	if (!bad && S_model_rules(e, &in, attn, &ex) == -1)
		bad = 1;
	if (!bad) {
		m = &in.d.m;
		bad |= S_si(e, "params_b", in.params_b, 1e9, &m->params_total) == -1;
		bad |= S_si(e, "active_params_b", in.d.fpos[DATA_M_ACTIVE_PARAMS_B].line > 0 ?
		    in.active_params_b : in.params_b, 1e9, &m->params_active) == -1;
		m->layers = (double)in.layers;
		m->d_model = (double)in.d_model;
		m->heads = (double)in.heads;
		m->kv_heads = (double)in.kv_heads;
		m->head_dim = (double)in.head_dim;
		m->attn = (enum calc_attn)attn;
		m->kv_lora_rank = (double)mla.a;
		m->rope_dim = (double)mla.b;
		m->experts_total = (double)ex.a;
		m->experts_active = (double)ex.b;
		m->window_tokens = (double)win.tokens;
		m->full_layers = win.tokens > 0 ? win.full_layers : m->layers;
		m->max_context = (double)in.max_context;
		in.d.d_ff = (double)in.d_ff;
		in.d.vocab = (double)in.vocab;
	}
	if (bad) {
		S_model_free(&in.d);
		return -1;
	}
	*out = in.d;
	return 0;
}

/* ---- pricing ---- */

static const struct yfield S_price_fields[] = {
	{ "id", YF_ID, offsetof(struct data_price, id), 1, YF_NOPOS },
	{ "provider", YF_STRING, offsetof(struct data_price, provider), 1, YF_NOPOS },
	{ "model", YF_STRING, offsetof(struct data_price, model), 1, YF_NOPOS },
	{ "date", YF_DATE, offsetof(struct data_price, date), 0,
	  offsetof(struct data_price, date_pos) },
	{ "tiers", YF_CUSTOM, 0, 1, YF_NOPOS },
	{ "source", YF_STRING, offsetof(struct data_price, source), 1, YF_NOPOS },
	{ "notes", YF_STRING, offsetof(struct data_price, notes), 0, YF_NOPOS },
	{ NULL, YF_CUSTOM, 0, 0, YF_NOPOS }
};

static const struct yfield S_tier_fields[] = {
	{ "up_to_tokens", YF_POSITIVE, offsetof(struct data_tier, up_to_tokens), 0, YF_NOPOS },
	{ "above_tokens", YF_POSITIVE, offsetof(struct data_tier, above_tokens), 0, YF_NOPOS },
	{ "usd_per_mtok_input", YF_POSITIVE, offsetof(struct data_tier, usd_per_mtok_input),
	  1, YF_NOPOS },
	{ "usd_per_mtok_output", YF_POSITIVE, offsetof(struct data_tier, usd_per_mtok_output),
	  1, YF_NOPOS },
	{ NULL, YF_CUSTOM, 0, 0, YF_NOPOS }
};

static void
S_price_free(struct data_price *p)
{
	free(p->id);
	free(p->provider);
	free(p->model);
	free(p->date);
	free(p->source);
	free(p->notes);
	free(p->tiers);
	memset(p, 0, sizeof(*p));
}

static int
S_load_tiers(const struct ynode *seq, struct data_price *p)
{
	size_t i;
	int bad = 0;

	if (seq->kind != YNODE_SEQ) {
		diag_error(&seq->pos, "tiers must be a sequence of tiers, got %s",
		    ytree_kind_name(seq->kind));
		return -1;
	}
	if (seq->n == 0) {
		diag_error(&seq->pos, "tiers must list at least one tier");
		return -1;
	}
	p->tiers = xcalloc(seq->n, sizeof(*p->tiers));
	p->ntiers = seq->n;
	for (i = 0; i < seq->n; i++) {
		struct data_tier *t = &p->tiers[i];
		const struct ynode *tn = seq->items[i];

		t->pos = tn->pos;
		t->up_to_tokens = t->above_tokens = NAN;
		if (ytree_map_fields(tn, S_tier_fields, t, "tier") == -1) {
			bad = 1;
			continue;
		}
		if (!isnan(t->up_to_tokens) && !isnan(t->above_tokens)) {
			diag_error(&tn->pos, "a tier takes up_to_tokens or above_tokens, not both");
			bad = 1;
		} else if (seq->n > 1 && isnan(t->up_to_tokens) && isnan(t->above_tokens)) {
			diag_error(&tn->pos, "with more than one tier, each needs up_to_tokens "
			    "or above_tokens");
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

static int
S_load_price(const struct ynode *e, struct data_price *out)
{
	struct data_price p;
	const struct ynode *v;
	int bad = 0;

	memset(&p, 0, sizeof(p));
	p.pos = e->pos;
	if (ytree_map_fields(e, S_price_fields, &p, "price entry") == -1)
		bad = 1;
	if (e->kind != YNODE_MAP)
		return -1;
	if ((v = ytree_get(e, "tiers")) != NULL && S_load_tiers(v, &p) == -1)
		bad = 1;
	if (bad) {
		S_price_free(&p);
		return -1;
	}
	*out = p;
	return 0;
}

/* ---- files ---- */

/* Parses one file into its tree; -1 after errors.  `what` names an entry
 * ("hardware").  *root is a non-empty sequence on success. */
static int
S_read_seq(const char *path, const char *what, int may_be_empty, struct ynode **root)
{
	struct srcpos pos = { path, 0, 0 };
	char *text;
	size_t len;
	int r;

	*root = NULL;
	if (util_read_file(path, &text, &len) == -1)
		return -1;
	r = ytree_parse(path, text, len, 0, root);
	free(text);
	if (r == -1)
		return -1;
	if (*root == NULL) {
		if (may_be_empty)
			return 0;
		diag_error(&pos, "the file is empty; expected a sequence of %s entries", what);
		return -1;
	}
	if ((*root)->kind != YNODE_SEQ) {
		diag_error(&(*root)->pos, "expected a sequence of %s entries ('- id: ...'), got %s",
		    what, ytree_kind_name((*root)->kind));
		goto fail;
	}
	if ((*root)->n == 0 && !may_be_empty) {
		diag_error(&(*root)->pos, "no %s entries", what);
		goto fail;
	}
	return 0;
fail:
	ytree_free(*root);
	*root = NULL;
	return -1;
}

static int
S_load_hw_file(struct data_set *set)
{
	struct ynode *root;
	size_t i;
	int bad = 0;

	if (S_read_seq(set->paths[S_PATH_HW], "hardware", 0, &root) == -1)
		return -1;
	set->hw = xcalloc(root->n, sizeof(*set->hw));
	set->nhw = root->n;
	for (i = 0; i < root->n; i++)
		if (S_load_hw(root->items[i], &set->hw[i]) == -1)
			bad = 1;
	if (S_check_dup_ids(root, set->hw, sizeof(*set->hw),
	    offsetof(struct data_hw, id)) == -1)
		bad = 1;
	ytree_free(root);
	return bad ? -1 : 0;
}

static int
S_load_model_file(struct data_set *set)
{
	struct ynode *root;
	size_t i;
	int bad = 0;

	if (S_read_seq(set->paths[S_PATH_MODELS], "model", 0, &root) == -1)
		return -1;
	set->models = xcalloc(root->n, sizeof(*set->models));
	set->nmodels = root->n;
	for (i = 0; i < root->n; i++)
		if (S_load_model(root->items[i], &set->models[i]) == -1)
			bad = 1;
	if (S_check_dup_ids(root, set->models, sizeof(*set->models),
	    offsetof(struct data_model, id)) == -1)
		bad = 1;
	ytree_free(root);
	return bad ? -1 : 0;
}

static int
S_load_price_file(struct data_set *set)
{
	struct ynode *root;
	struct stat st;
	size_t i;
	int bad = 0;

	/* pricing.yaml is optional: without it the lessons have no API prices
	 * to compare against, which is not an error. */
	if (stat(set->paths[S_PATH_PRICING], &st) == -1 && errno == ENOENT)
		return 0;
	if (S_read_seq(set->paths[S_PATH_PRICING], "price", 1, &root) == -1)
		return -1;
	if (root == NULL)
		return 0;
	set->prices = xcalloc(root->n, sizeof(*set->prices));
	set->nprices = root->n;
	for (i = 0; i < root->n; i++)
		if (S_load_price(root->items[i], &set->prices[i]) == -1)
			bad = 1;
	if (S_check_dup_ids(root, set->prices, sizeof(*set->prices),
	    offsetof(struct data_price, id)) == -1)
		bad = 1;
	ytree_free(root);
	return bad ? -1 : 0;
}

int
data_load(const char *dir, struct data_set *set)
{
	int bad = 0;

	memset(set, 0, sizeof(*set));
	set->dir = xstrdup(dir);
	set->paths[S_PATH_HW] = xasprintf("%s/hardware.yaml", dir);
	set->paths[S_PATH_MODELS] = xasprintf("%s/models.yaml", dir);
	set->paths[S_PATH_PRICING] = xasprintf("%s/pricing.yaml", dir);
	/* Every file is read even after one fails, so one run reports all. */
	bad |= S_load_hw_file(set) == -1;
	bad |= S_load_model_file(set) == -1;
	bad |= S_load_price_file(set) == -1;
	if (!bad)
		bad |= evidence_load(set) == -1;
	if (bad) {
		data_free(set);
		return -1;
	}
	return 0;
}

void
data_free(struct data_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->nhw; i++)
		S_hw_free(&set->hw[i]);
	for (i = 0; i < set->nmodels; i++)
		S_model_free(&set->models[i]);
	for (i = 0; i < set->nprices; i++)
		S_price_free(&set->prices[i]);
	free(set->hw);
	free(set->models);
	free(set->prices);
	evidence_free(set->measurements);
	for (i = 0; i < sizeof(set->paths) / sizeof(set->paths[0]); i++)
		free(set->paths[i]);
	free(set->dir);
	memset(set, 0, sizeof(*set));
}

const struct data_hw *
data_find_hw(const struct data_set *set, const char *id)
{
	size_t i;

	for (i = 0; i < set->nhw; i++)
		if (strcmp(set->hw[i].id, id) == 0)
			return &set->hw[i];
	return NULL;
}

const struct data_model *
data_find_model(const struct data_set *set, const char *id)
{
	size_t i;

	for (i = 0; i < set->nmodels; i++)
		if (strcmp(set->models[i].id, id) == 0)
			return &set->models[i];
	return NULL;
}

const struct data_price *
data_find_price(const struct data_set *set, const char *id)
{
	size_t i;

	for (i = 0; i < set->nprices; i++)
		if (strcmp(set->prices[i].id, id) == 0)
			return &set->prices[i];
	return NULL;
}

static int
S_strpcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *
data_known_list(const struct data_set *set, enum data_kind kind)
{
	size_t n, i;
	const char **ids;
	struct buf b;

	n = kind == DATA_KIND_MODELS ? set->nmodels :
	    kind == DATA_KIND_PRICES ? set->nprices : set->nhw;
	buf_init(&b);
	if (n == 0)
		return buf_take(&b, NULL);
	ids = xcalloc(n, sizeof(*ids));
	for (i = 0; i < n; i++)
		ids[i] = kind == DATA_KIND_MODELS ? set->models[i].id :
		    kind == DATA_KIND_PRICES ? set->prices[i].id : set->hw[i].id;
	/* Sorted, so the message does not depend on the file's order. */
	qsort(ids, n, sizeof(*ids), S_strpcmp);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i > 0 ? ", " : "", ids[i]);
	free(ids);
	return buf_take(&b, NULL);
}

void
data_list_known(const struct data_set *set, enum data_kind kind)
{
	static const char *const what[] = {
		[DATA_KIND_HW] = "hardware", [DATA_KIND_MODELS] = "models",
		[DATA_KIND_PRICES] = "prices"
	};
	char *list = data_known_list(set, kind);

	diag(DIAG_NONE, NULL, "known %s: %s", what[kind], list);
	free(list);
}
