/*
 * calc.c -- `inferbook calc`: one scenario from the command line, every
 * quantity of CALC.md out as a readable table, JSON or CSV.
 *
 * The option names and the JSON keys are a fixed interface (CALC.md):
 * scripts and the course material call them.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"
#include "cli.h"
#include "data.h"
#include "diag.h"
#include "util.h"

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV };

struct calc_opts {
	const char *model, *hardware, *data, *weights, *kv, *compute;
	const char *draft;
	double chips, batch, context, prompt, mbu, mfu, link_latency_s, price_ratio;
	double scale_out_latency_s, prefill_tokens, draft_tokens, acceptance;
	enum fmt fmt;
};

/* Parses a number option in [lo, hi] (or (lo, hi] when lo_open); `want`
 * says in words what is expected, for the message. */
static int
S_num(const char *opt, const char *arg, double lo, int lo_open, double hi,
    const char *want, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || *end != '\0' || errno == ERANGE || !isfinite(v) ||
	    (lo_open ? v <= lo : v < lo) || v > hi) {
		diag_error(NULL, "--%s: bad value '%s' (expected %s)",
		    opt, arg, want);
		return -1;
	}
	*out = v;
	return 0;
}

static int
S_whole(const char *opt, const char *arg, double *out)
{
	if (S_num(opt, arg, 1, 0, 1e9, "a whole number from 1 to 1e9", out) != 0)
		return -1;
	if (*out != floor(*out)) {
		diag_error(NULL, "--%s: bad value '%s' (expected a whole number)",
		    opt, arg);
		return -1;
	}
	return 0;
}

static int
S_prec(const char *opt, const char *arg, enum calc_prec *p)
{
	if (calc_prec_parse(arg, p) == 0)
		return 0;
	diag_error(NULL, "--%s: unknown precision '%s' "
	    "(fp32, bf16, fp16, fp8, int8, fp4, int4)", opt, arg);
	return -1;
}

/* Shortest text that reads back as the same double, C locale. */
static void
S_json_num(struct buf *b, double v)
{
	char s[40];
	int prec;

	if (calc_is_null(v)) {
		buf_puts(b, "null");
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		util_fmt_g(s, sizeof(s), prec, v);
		if (strtod(s, NULL) == v)
			break;
	}
	buf_puts(b, s);
}

/* One JSON or CSV value: a string (str != NULL) or a number.  JSON quotes
 * strings and writes null; CSV writes strings as they are (ids and
 * precision names need no quoting) and leaves a null field empty. */
static void
S_value(struct buf *b, int csv, const char *str, double num)
{
	if (str != NULL) {
		if (csv)
			buf_puts(b, str);
		else
			buf_json_str(b, str);
	} else if (!csv || !calc_is_null(num))
		S_json_num(b, num);
}

/* The scenario as run, echoed before the quantities: names and order are
 * the fixed interface of CALC.md. */
#define S_NSETTINGS 18
struct S_setting {
	const char *name;
	const char *str;		/* a string setting; NULL: num */
	double num;
};

static void
S_settings(const struct calc_opts *o, const struct calc_scenario *s,
    struct S_setting out[S_NSETTINGS])
{
	int spec = s->draft != NULL;
	const struct S_setting v[S_NSETTINGS] = {
		{ "model", o->model, 0 },
		{ "hardware", o->hardware, 0 },
		{ "chips", NULL, s->chips },
		{ "batch", NULL, s->batch },
		{ "context", NULL, s->context },
		{ "prompt", NULL, s->prompt },
		{ "weights", calc_prec_name(s->w), 0 },
		{ "kv", calc_prec_name(s->kv), 0 },
		{ "compute", calc_prec_name(s->c), 0 },
		{ "mbu", NULL, s->mbu },
		{ "mfu", NULL, s->mfu },
		{ "link_latency_s", NULL, s->link_latency_s },
		{ "scale_out_latency_s", NULL, s->scale_out_latency_s },
		{ "prefill_tokens_per_pass", NULL, s->prefill_tokens_per_pass },
		{ "price_ratio", NULL, s->price_ratio },
		/* No draft: null (a NULL string with a NaN number). */
		{ "draft", spec ? o->draft : NULL, NAN },
		{ "draft_tokens", NULL, spec ? s->draft_tokens : NAN },
		{ "acceptance", NULL, spec ? s->acceptance : NAN },
	};

	memcpy(out, v, sizeof(v));
}

/* One calc quantity's value (the bound is a string, fits a boolean). */
static void
S_quantity(struct buf *b, int csv, const struct calc_quantity *q,
    const struct calc_result *r)
{
	double v = calc_result_get(r, q);

	if (q->unit == CALC_U_ENUM)
		S_value(b, csv, calc_bound_name(r->bound), 0);
	else if (q->unit == CALC_U_BOOL)
		buf_puts(b, v != 0 ? "true" : "false");
	else
		S_value(b, csv, NULL, v);
}

static void
S_write_json(struct buf *b, const struct calc_opts *o, const struct calc_scenario *s,
    const struct calc_result *r)
{
	struct S_setting set[S_NSETTINGS];
	const struct calc_quantity *q;
	size_t i, n;

	S_settings(o, s, set);
	buf_putc(b, '{');
	for (i = 0; i < S_NSETTINGS; i++) {
		buf_printf(b, "%s\n  \"%s\": ", i > 0 ? "," : "", set[i].name);
		S_value(b, 0, set[i].str, set[i].num);
	}
	q = calc_quantities(&n);
	for (i = 0; i < n; i++) {
		buf_printf(b, ",\n  \"%s\": ", q[i].name);
		S_quantity(b, 0, &q[i], r);
	}
	buf_puts(b, "\n}\n");
}

static void
S_write_csv(struct buf *b, const struct calc_opts *o, const struct calc_scenario *s,
    const struct calc_result *r)
{
	struct S_setting set[S_NSETTINGS];
	const struct calc_quantity *q;
	size_t i, n;

	S_settings(o, s, set);
	q = calc_quantities(&n);
	for (i = 0; i < S_NSETTINGS; i++)
		buf_printf(b, "%s%s", i > 0 ? "," : "", set[i].name);
	for (i = 0; i < n; i++)
		buf_printf(b, ",%s", q[i].name);
	buf_putc(b, '\n');
	for (i = 0; i < S_NSETTINGS; i++) {
		if (i > 0)
			buf_putc(b, ',');
		S_value(b, 1, set[i].str, set[i].num);
	}
	for (i = 0; i < n; i++) {
		buf_putc(b, ',');
		S_quantity(b, 1, &q[i], r);
	}
	buf_putc(b, '\n');
}

/* A value with an SI prefix chosen so the mantissa reads in [1, 1000). */
static void
S_si(char *out, size_t sz, double v, const char *unit)
{
	static const struct { double f; const char *p; } pre[] = {
		{ 1e15, "P" }, { 1e12, "T" }, { 1e9, "G" }, { 1e6, "M" }, { 1e3, "K" },
		{ 1, "" }, { 1e-3, "m" }, { 1e-6, "u" }, { 1e-9, "n" }
	};
	size_t i;

	if (calc_is_null(v)) {
		snprintf(out, sz, "n/a");
		return;
	}
	if (v == 0) {
		snprintf(out, sz, "0 %s", unit);
		return;
	}
	for (i = 0; i + 1 < sizeof(pre) / sizeof(pre[0]); i++)
		if (fabs(v) >= pre[i].f)
			break;
	snprintf(out, sz, "%.4g %s%s", v / pre[i].f, pre[i].p, unit);
}

static void
S_row(struct buf *b, const char *label, const char *value, const char *note)
{
	buf_printf(b, "  %-34s %14s%s%s\n", label, value, note ? "   " : "", note ? note : "");
}

/* A row whose value is a quantity with an SI prefix (S_si). */
static void
S_row_si(struct buf *b, const char *label, double v, const char *unit, const char *note)
{
	char text[64];

	S_si(text, sizeof(text), v, unit);
	S_row(b, label, text, note);
}

/* A part's time with the regime it is in, e.g. "memory-bound". */
static const char *
S_regime(double t_mem, double t_cmp)
{
	return t_mem >= t_cmp ? "memory-bound" : "compute-bound";
}

static void
S_write_text(struct buf *b, const struct data_hw *hw, const struct data_model *m,
    const struct data_model *dm, const struct calc_scenario *s, const struct calc_result *r)
{
	const struct calc_model *cm = s->model;
	double n = s->chips, bw = s->hw->hbm_bytes_per_s * s->mbu;
	double fl = s->hw->flops_per_s[s->c] * s->mfu, shared = calc_params_shared(cm);
	double bytes_w = calc_prec_bytes(s->w);
	char v[64], note[160];

	buf_printf(b, "%s on %g x %s\n", m->name, s->chips, hw->name);
	buf_printf(b, "  weights %s, KV %s, compute %s; batch %g, context %g, prompt %g;"
	    " mbu %g, mfu %g\n", calc_prec_name(s->w), calc_prec_name(s->kv),
	    calc_prec_name(s->c), s->batch, s->context, s->prompt, s->mbu, s->mfu);

	buf_puts(b, "\nMoved per decode step\n");
	S_row_si(b, "weights (all)", r->weight_bytes, "B",
	    r->fits ? NULL : "does not fit in memory");
	if (!calc_is_null(r->experts_touched))
		snprintf(note, sizeof(note), "%.1f of %g experts touched",
		    r->experts_touched, cm->experts_total);
	S_row_si(b, "weights moved", r->weight_bytes_moved, "B",
	    calc_is_null(r->experts_touched) ? NULL : note);
	S_row_si(b, "KV cache per token", r->kv_bytes_per_token, "B", NULL);
	S_row_si(b, "KV cache per sequence", r->kv_bytes_per_sequence, "B", NULL);
	S_row_si(b, "KV cache moved", r->kv_bytes_moved, "B", NULL);
	snprintf(v, sizeof(v), "%g %s", r->kv_split, r->kv_split == 1 ? "way" : "ways");
	S_row(b, "KV cache split", v, r->kv_split < n ? "copied on the other chips" : NULL);
	S_row_si(b, "KV cache read per chip", r->kv_bytes_per_chip, "B", NULL);
	S_row_si(b, "work (FLOPs)", r->flops_step, "FLOP", NULL);

	buf_puts(b, "\nTime per decode step (each part on its own roofline)\n");
	S_row_si(b, "dense weights", r->t_dense_s, "s",
	    S_regime(shared * bytes_w / (n * bw), 2 * shared * s->batch / (n * fl)));
	if (cm->experts_total > 0) {
		double pe = calc_params_per_expert(cm);
		S_row_si(b, "routed experts", r->t_experts_s, "s",
		    S_regime(r->experts_touched * pe * bytes_w / (n * bw),
		    2 * cm->experts_active * pe * s->batch / (n * fl)));
	}
	S_row_si(b, "attention", r->t_attention_s, "s",
	    S_regime(r->kv_bytes_per_chip / bw,
	    s->batch * r->attention_flops_per_token / (n * fl)));
	S_row_si(b, "communication", r->t_comm_s, "s", NULL);
	snprintf(note, sizeof(note), "bound by %s", calc_bound_name(r->bound));
	S_row_si(b, "step", r->t_step_s, "s", note);
	S_row_si(b, "step, communication overlapped", r->t_step_overlap_s, "s", NULL);
	S_row_si(b, "one picture: moving (memory)", r->t_memory_s, "s", NULL);
	S_row_si(b, "one picture: computing", r->t_compute_s, "s", NULL);
	snprintf(v, sizeof(v), "%.4g tokens/s", r->tokens_per_s_per_user);
	S_row(b, "speed per user", v, NULL);
	snprintf(v, sizeof(v), "%.4g tokens/s", r->tokens_per_s_total);
	S_row(b, "throughput (all users)", v, NULL);

	buf_puts(b, "\nBalance\n");
	snprintf(v, sizeof(v), "%.4g FLOP/B", r->ridge_flops_per_byte);
	S_row(b, "ridge point", v, NULL);
	snprintf(v, sizeof(v), "%.4g FLOP/B", r->attention_flops_per_byte);
	S_row(b, "attention intensity", v, NULL);
	snprintf(v, sizeof(v), "%.4g", r->critical_batch);
	S_row(b, "critical batch (weights)", v, NULL);
	if (calc_is_null(r->kv_crossover_context))
		snprintf(v, sizeof(v), "never");
	else
		snprintf(v, sizeof(v), "%.4g tokens", r->kv_crossover_context);
	S_row(b, "KV passes weights at context", v, NULL);
	if (calc_is_null(r->max_batch_in_memory))
		snprintf(v, sizeof(v), "n/a");
	else
		snprintf(v, sizeof(v), "%.0f", r->max_batch_in_memory);
	S_row(b, "largest batch that fits", v, s->context == 0 ? "needs --context" : NULL);

	buf_puts(b, "\nPrompt (prefill)\n");
	snprintf(note, sizeof(note), "one prompt of %g tokens alone", s->prompt);
	S_row_si(b, "time to first token", r->t_prefill_s, "s", note);
	snprintf(note, sizeof(note), "in passes of %g tokens",
	    fmax(s->prompt, s->prefill_tokens_per_pass));
	S_row_si(b, "prefill per token", r->prefill_s_per_token, "s", note);

	if (dm != NULL) {
		buf_printf(b, "\nSpeculative decoding (%s drafts %g tokens, acceptance %g)\n",
		    dm->name, s->draft_tokens, s->acceptance);
		S_row_si(b, "draft steps", r->t_draft_s, "s", NULL);
		S_row_si(b, "verify step", r->t_verify_s, "s", NULL);
		snprintf(v, sizeof(v), "%.4g", r->spec_tokens_per_step);
		S_row(b, "tokens per step", v, NULL);
		snprintf(v, sizeof(v), "%.4g tokens/s", r->spec_tokens_per_s_per_user);
		S_row(b, "speed per user", v, NULL);
		snprintf(v, sizeof(v), "%.3gx", r->spec_speedup);
		S_row(b, "speed-up", v, NULL);
	}

	buf_puts(b, "\nCost\n");
	if (calc_is_null(r->usd_per_s)) {
		S_row(b, "chip price", "n/a", "no usd_per_hour in data");
	} else {
		snprintf(v, sizeof(v), "$%.4g/h", s->hw->usd_per_hour * s->chips);
		S_row(b, "chips rented", v, NULL);
		snprintf(v, sizeof(v), "$%.4g/Mtok", r->usd_per_mtok_output);
		S_row(b, "output tokens", v, NULL);
		if (dm != NULL) {
			snprintf(v, sizeof(v), "$%.4g/Mtok", r->usd_per_mtok_output_spec);
			S_row(b, "output tokens, speculative", v, NULL);
		}
		snprintf(v, sizeof(v), "$%.4g/Mtok", r->usd_per_mtok_input);
		S_row(b, "input tokens", v, NULL);
	}
	snprintf(v, sizeof(v), "%.3gx", r->output_input_cost_ratio);
	S_row(b, "output / input cost", v, NULL);
	if (!calc_is_null(s->price_ratio)) {
		if (calc_is_null(r->implied_batch))
			snprintf(v, sizeof(v), "none");
		else
			snprintf(v, sizeof(v), "%.4g", r->implied_batch);
		snprintf(note, sizeof(note), "batch at which output/input = %gx", s->price_ratio);
		S_row(b, "implied batch", v, note);
	}
}

int
cli_calc(int argc, char *argv[])
{
	enum { O_MODEL = 256, O_HW, O_CHIPS, O_BATCH, O_CONTEXT, O_PROMPT, O_WEIGHTS,
	    O_KV, O_COMPUTE, O_MBU, O_MFU, O_LAT, O_SOLAT, O_PTOK, O_RATIO, O_DRAFT,
	    O_DTOK, O_ACC, O_DATA, O_FORMAT };
	static const struct option opts[] = {
		{ "model", required_argument, NULL, O_MODEL },
		{ "hardware", required_argument, NULL, O_HW },
		{ "chips", required_argument, NULL, O_CHIPS },
		{ "batch", required_argument, NULL, O_BATCH },
		{ "context", required_argument, NULL, O_CONTEXT },
		{ "prompt", required_argument, NULL, O_PROMPT },
		{ "weights", required_argument, NULL, O_WEIGHTS },
		{ "kv", required_argument, NULL, O_KV },
		{ "compute", required_argument, NULL, O_COMPUTE },
		{ "mbu", required_argument, NULL, O_MBU },
		{ "mfu", required_argument, NULL, O_MFU },
		{ "link-latency", required_argument, NULL, O_LAT },
		{ "scale-out-latency", required_argument, NULL, O_SOLAT },
		{ "prefill-tokens", required_argument, NULL, O_PTOK },
		{ "price-ratio", required_argument, NULL, O_RATIO },
		{ "draft", required_argument, NULL, O_DRAFT },
		{ "draft-tokens", required_argument, NULL, O_DTOK },
		{ "acceptance", required_argument, NULL, O_ACC },
		{ "data", required_argument, NULL, O_DATA },
		{ "format", required_argument, NULL, O_FORMAT },
		{ NULL, 0, NULL, 0 }
	};
	static const char usage[] =
	    "usage: inferbook calc --model ID --hardware ID [options]; see inferbook --help";
	struct calc_opts o;
	struct calc_scenario s;
	struct calc_result r;
	struct data_set set;
	const struct data_hw *hw;
	const struct data_model *m, *dm = NULL;
	enum calc_prec w, kv, c;
	const char *why;
	char msg[256];
	struct buf out;
	int ch, bad = 0, rc = 1;
	char *dir;

	memset(&o, 0, sizeof(o));
	o.chips = o.batch = 1;
	o.context = 0;
	o.prompt = 1024;
	o.mbu = o.mfu = 1;
	o.link_latency_s = 5e-6;
	o.scale_out_latency_s = 5e-6;
	o.prefill_tokens = 8192;
	o.price_ratio = NAN;
	o.draft_tokens = o.acceptance = NAN;
	o.fmt = FMT_TEXT;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case O_MODEL: o.model = optarg; break;
		case O_HW: o.hardware = optarg; break;
		case O_CHIPS: bad |= S_whole("chips", optarg, &o.chips); break;
		case O_BATCH: bad |= S_whole("batch", optarg, &o.batch); break;
		case O_CONTEXT: bad |= S_num("context", optarg, 0, 0, 1e12, "a number of tokens >= 0", &o.context); break;
		case O_PROMPT: bad |= S_whole("prompt", optarg, &o.prompt); break;
		case O_WEIGHTS: o.weights = optarg; break;
		case O_KV: o.kv = optarg; break;
		case O_COMPUTE: o.compute = optarg; break;
		case O_MBU: bad |= S_num("mbu", optarg, 0, 1, 1, "a fraction in (0, 1]", &o.mbu); break;
		case O_MFU: bad |= S_num("mfu", optarg, 0, 1, 1, "a fraction in (0, 1]", &o.mfu); break;
		case O_LAT: bad |= S_num("link-latency", optarg, 0, 0, 1, "seconds in [0, 1]", &o.link_latency_s); break;
		case O_SOLAT:
			bad |= S_num("scale-out-latency", optarg, 0, 0, 1, "seconds in [0, 1]",
			    &o.scale_out_latency_s);
			break;
		case O_PTOK: bad |= S_whole("prefill-tokens", optarg, &o.prefill_tokens); break;
		case O_RATIO: bad |= S_num("price-ratio", optarg, 0, 1, 1e9, "a ratio > 0", &o.price_ratio); break;
		case O_DRAFT: o.draft = optarg; break;
		case O_DTOK: bad |= S_whole("draft-tokens", optarg, &o.draft_tokens); break;
		case O_ACC:
			bad |= S_num("acceptance", optarg, 0, 0, 1, "a fraction in [0, 1]",
			    &o.acceptance);
			break;
		case O_DATA: o.data = optarg; break;
		case O_FORMAT:
			if (strcmp(optarg, "text") == 0) o.fmt = FMT_TEXT;
			else if (strcmp(optarg, "json") == 0) o.fmt = FMT_JSON;
			else if (strcmp(optarg, "csv") == 0) o.fmt = FMT_CSV;
			else {
				diag_error(NULL, "--format: unknown format '%s' (text, json, csv)",
				    optarg);
				return 2;
			}
			break;
		default:
			diag_error(NULL, "calc: unknown or incomplete option '%s'\n%s",
			    argv[optind - 1], usage);
			return 2;
		}
	}
	if (optind != argc) {
		diag_error(NULL, "calc: unexpected argument '%s'", argv[optind]);
		return 2;
	}
	if (o.model == NULL || o.hardware == NULL) {
		diag_error(NULL, "calc: --model and --hardware are required\n%s", usage);
		return 2;
	}
	/* A draft needs both of its settings, and they mean nothing without
	 * one: a half-given speculation is a usage error, not a default. */
	if ((o.draft != NULL) != !isnan(o.draft_tokens) ||
	    (o.draft != NULL) != !isnan(o.acceptance)) {
		diag_error(NULL, "calc: --draft, --draft-tokens and --acceptance go together\n%s",
		    usage);
		return 2;
	}
	if (bad)
		return 1;
	w = kv = CALC_BF16;
	if ((o.weights && S_prec("weights", o.weights, &w)) ||
	    (o.kv && S_prec("kv", o.kv, &kv)))
		return 1;

	dir = cli_default_dir(o.data, "data");
	if (data_load(dir, &set) != 0) {
		free(dir);
		return 1;
	}
	free(dir);
	if ((hw = data_find_hw(&set, o.hardware)) == NULL) {
		diag_error(NULL, "--hardware: unknown hardware '%s'", o.hardware);
		data_list_known(&set, DATA_KIND_HW);
		goto out;
	}
	if ((m = data_find_model(&set, o.model)) == NULL) {
		diag_error(NULL, "--model: unknown model '%s'", o.model);
		data_list_known(&set, DATA_KIND_MODELS);
		goto out;
	}
	if (o.draft != NULL && (dm = data_find_model(&set, o.draft)) == NULL) {
		diag_error(NULL, "--draft: unknown model '%s'", o.draft);
		data_list_known(&set, DATA_KIND_MODELS);
		goto out;
	}
	c = calc_default_compute(&hw->hw, w);
	if (o.compute && S_prec("compute", o.compute, &c))
		goto out;

	calc_scenario_defaults(&s);
	s.hw = &hw->hw;
	s.model = &m->m;
	s.w = w;
	s.kv = kv;
	s.c = c;
	s.chips = o.chips;
	s.batch = o.batch;
	s.context = o.context;
	s.prompt = o.prompt;
	s.mbu = o.mbu;
	s.mfu = o.mfu;
	s.link_latency_s = o.link_latency_s;
	s.scale_out_latency_s = o.scale_out_latency_s;
	s.prefill_tokens_per_pass = o.prefill_tokens;
	s.price_ratio = o.price_ratio;
	if (dm != NULL) {
		s.draft = &dm->m;
		s.draft_tokens = o.draft_tokens;
		s.acceptance = o.acceptance;
	}
	if ((why = calc_check_msg(&s, msg, sizeof(msg))) != NULL) {
		diag_error(NULL, "%s on %s: %s", m->id, hw->id, why);
		goto out;
	}
	calc_run(&s, &r);

	buf_init(&out);
	switch (o.fmt) {
	case FMT_JSON: S_write_json(&out, &o, &s, &r); break;
	case FMT_CSV: S_write_csv(&out, &o, &s, &r); break;
	case FMT_TEXT: S_write_text(&out, hw, m, dm, &s, &r); break;
	}
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	data_free(&set);
	/* The exit status is the worst level diag saw (a loader's warning
	 * leaves 0, any error 1). */
	if (rc == 0 && diag_worst() == DIAG_ERROR)
		rc = 1;
	return rc;
}
