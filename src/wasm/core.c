/*
 * core.c -- the calculation core in the reader's browser: the glue that
 * exports src/calc, src/expr, the scenario parser and `inferbook calc` to
 * JavaScript (templates/whatif.js) when built with
 * `clang --target=wasm32-wasi` (Makefile: wasm).
 *
 * Nothing here computes or formats a number: every formula, check and
 * message is the native binary's own code, compiled from the same files.
 * The glue only
 *  - builds the data set from the page's JSON: each chip's struct calc_hw
 *    and each model's struct calc_model travel as their bytes (both
 *    targets are little-endian, with 8-byte doubles aligned alike; the
 *    size is checked), so a field added to the core needs no change here;
 *  - builds a scenario the way a lesson's front matter does: key/value
 *    scalars in a ynode mapping, then data_scenario_parse() (so overrides,
 *    defaults and refusals are the ones a lesson author gets);
 *  - evaluates {{ }} expression text with expr_parse() + expr_eval();
 *  - runs cli_calc() on an argument vector, with data_load() answered
 *    from the data set above (see ib_data_load).
 * Messages go through diag to stderr, which the JavaScript side captures
 * (WASI fd_write on fd 2); calc's output goes to stdout (fd 1).
 *
 * Strings passed in are NUL-terminated UTF-8 in memory the caller got
 * from ib_alloc() and frees with ib_free(); strings returned are owned
 * here and valid until the next call of the same function.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"
#include "cli.h"
#include "data.h"
#include "diag.h"
#include "expr.h"
#include "util.h"
#include "ytree.h"

#define IB_EXPORT(name) __attribute__((export_name(#name)))

/* The file name scenario and expression messages carry (there is no
 * file: the reader's choices are the input). */
static const char S_file[] = "what-if";

static struct data_set S_set;
static struct data_scenario **S_scen;
static size_t S_nscen;
static struct expr_env S_env;
static int S_env_ok;
static struct ynode *S_map;		/* the scenario being built */
static char *S_map_name;
static char *S_result;
static struct buf S_reads;		/* scenarios the last ib_eval() read */
static double S_num = NAN;		/* and its value, before the filter */

IB_EXPORT(ib_alloc) void *ib_alloc(size_t n);
IB_EXPORT(ib_free) void ib_free(void *p);
IB_EXPORT(ib_hw_add) int ib_hw_add(const char *id, const char *name, const void *raw,
    size_t n);
IB_EXPORT(ib_model_add) int ib_model_add(const char *id, const char *name,
    const void *raw, size_t n);
IB_EXPORT(ib_price_add) void ib_price_add(const char *id, const char *provider,
    const char *model, const char *date, const char *source);
IB_EXPORT(ib_tier_add) void ib_tier_add(double up_to, double above, double in, double out);
IB_EXPORT(ib_scen_clear) void ib_scen_clear(void);
IB_EXPORT(ib_scen_begin) void ib_scen_begin(const char *name);
IB_EXPORT(ib_scen_key) void ib_scen_key(const char *key, const char *value);
IB_EXPORT(ib_scen_end) int ib_scen_end(void);
IB_EXPORT(ib_eval) const char *ib_eval(const char *text);
IB_EXPORT(ib_eval_reads) const char *ib_eval_reads(void);
IB_EXPORT(ib_eval_num) double ib_eval_num(void);
IB_EXPORT(ib_calc) int ib_calc(int argc, char **argv);
IB_EXPORT(ib_quantities) const char *ib_quantities(void);
IB_EXPORT(ib_precisions) const char *ib_precisions(void);
int ib_data_load(const char *dir, struct data_set *set);
void ib_data_free(struct data_set *set);

void *
ib_alloc(size_t n)
{
	return xmalloc(n);
}

void
ib_free(void *p)
{
	free(p);
}

/* ---- the data set ---- */

int
ib_hw_add(const char *id, const char *name, const void *raw, size_t n)
{
	struct data_hw *h;

	if (n != sizeof(h->hw)) {
		diag_error(NULL, "chip '%s': %zu bytes of calc_hw, this core has %zu", id, n,
		    sizeof(h->hw));
		return -1;
	}
	S_set.hw = xreallocarray(S_set.hw, S_set.nhw + 1, sizeof(*S_set.hw));
	h = &S_set.hw[S_set.nhw++];
	memset(h, 0, sizeof(*h));
	h->id = xstrdup(id);
	h->name = xstrdup(name);
	memcpy(&h->hw, raw, n);
	return 0;
}

int
ib_model_add(const char *id, const char *name, const void *raw, size_t n)
{
	struct data_model *m;

	if (n != sizeof(m->m)) {
		diag_error(NULL, "model '%s': %zu bytes of calc_model, this core has %zu", id, n,
		    sizeof(m->m));
		return -1;
	}
	S_set.models = xreallocarray(S_set.models, S_set.nmodels + 1, sizeof(*S_set.models));
	m = &S_set.models[S_set.nmodels++];
	memset(m, 0, sizeof(*m));
	m->id = xstrdup(id);
	m->name = xstrdup(name);
	memcpy(&m->m, raw, n);
	return 0;
}

/* An empty string stands for NULL (a field the entry does not have). */
static char *
S_opt(const char *s)
{
	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

void
ib_price_add(const char *id, const char *provider, const char *model, const char *date,
    const char *source)
{
	struct data_price *p;

	S_set.prices = xreallocarray(S_set.prices, S_set.nprices + 1, sizeof(*S_set.prices));
	p = &S_set.prices[S_set.nprices++];
	memset(p, 0, sizeof(*p));
	p->id = xstrdup(id);
	p->provider = S_opt(provider);
	p->model = S_opt(model);
	p->date = S_opt(date);
	p->source = S_opt(source);
}

/* A tier of the last price added; NaN bounds as in struct data_tier. */
void
ib_tier_add(double up_to, double above, double in, double out)
{
	struct data_price *p;
	struct data_tier *t;

	if (S_set.nprices == 0)
		return;
	p = &S_set.prices[S_set.nprices - 1];
	p->tiers = xreallocarray(p->tiers, p->ntiers + 1, sizeof(*p->tiers));
	t = &p->tiers[p->ntiers++];
	memset(t, 0, sizeof(*t));
	t->up_to_tokens = up_to;
	t->above_tokens = above;
	t->usd_per_mtok_input = in;
	t->usd_per_mtok_output = out;
}

/* `inferbook calc` reads its data through these (core.c is linked with
 * -Ddata_load=ib_data_load -Ddata_free=ib_data_free for src/cli/calc.c):
 * the set is the page's, shared, so "freeing" it only forgets the copy. */
int
ib_data_load(const char *dir, struct data_set *set)
{
	(void)dir;
	*set = S_set;
	return 0;
}

void
ib_data_free(struct data_set *set)
{
	memset(set, 0, sizeof(*set));
}

/* ---- scenarios ---- */

static void
S_env_drop(void)
{
	if (S_env_ok)
		expr_env_free(&S_env);
	S_env_ok = 0;
}

/* Forgets every scenario (a page switching to another lesson's group). */
void
ib_scen_clear(void)
{
	size_t i;

	S_env_drop();
	for (i = 0; i < S_nscen; i++) {
		data_scenario_free(S_scen[i]);
		free(S_scen[i]);
	}
	free(S_scen);
	S_scen = NULL;
	S_nscen = 0;
}

static struct ynode *
S_node(enum ynode_kind kind, unsigned line, const char *value)
{
	struct ynode *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->pos.file = S_file;
	n->pos.line = line;
	n->pos.col = 1;
	n->value = value != NULL ? xstrdup(value) : NULL;
	n->plain = 1;
	return n;
}

static void
S_map_put(struct ynode *map, struct ynode *key, struct ynode *val)
{
	map->keys = xreallocarray(map->keys, map->n + 1, sizeof(*map->keys));
	map->items = xreallocarray(map->items, map->n + 1, sizeof(*map->items));
	map->keys[map->n] = key;
	map->items[map->n++] = val;
}

/* Starts the mapping of scenario `name`, as in a lesson's front matter. */
void
ib_scen_begin(const char *name)
{
	ytree_free(S_map);
	free(S_map_name);
	S_map = S_node(YNODE_MAP, 1, NULL);
	S_map_name = xstrdup(name);
}

/* One `key: value` of the mapping; "a.b" is key b of the nested mapping a
 * (override.hbm_tb_per_s).  Every node gets a line > 0: the parser takes
 * a field as given by its position (data_scenario_parse), and a message
 * names the key anyway. */
void
ib_scen_key(const char *key, const char *value)
{
	const char *dot = strchr(key, '.');
	struct ynode *map = S_map;
	unsigned line;
	size_t i;

	if (map == NULL)
		return;
	line = (unsigned)map->n + 2;
	if (dot != NULL) {
		char *outer = xstrndup(key, (size_t)(dot - key));

		for (i = 0; i < map->n; i++)
			if (strcmp(map->keys[i]->value, outer) == 0 &&
			    map->items[i]->kind == YNODE_MAP)
				break;
		if (i == map->n)
			S_map_put(map, S_node(YNODE_SCALAR, line, outer),
			    S_node(YNODE_MAP, line, NULL));
		map = map->items[i];
		free(outer);
		key = dot + 1;
		line += (unsigned)map->n + 1;
	}
	S_map_put(map, S_node(YNODE_SCALAR, line, key), S_node(YNODE_SCALAR, line, value));
}

/* Parses the mapping with data_scenario_parse() and adds the scenario:
 * 0, or -1 after the core's message on stderr. */
int
ib_scen_end(void)
{
	struct data_scenario *ds;
	int rc;

	if (S_map == NULL)
		return -1;
	S_env_drop();
	ds = xcalloc(1, sizeof(*ds));
	rc = data_scenario_parse(&S_set, S_map_name, S_map, ds);
	ytree_free(S_map);
	S_map = NULL;
	if (rc != 0) {
		free(ds);
		return -1;
	}
	S_scen = xreallocarray(S_scen, S_nscen + 1, sizeof(*S_scen));
	S_scen[S_nscen++] = ds;
	return 0;
}

/* ---- expressions ---- */

/* Evaluates the text of one {{ }} (its canonical text, filter included)
 * against the scenarios added since ib_scen_clear(): the formatted value,
 * or NULL after the core's message on stderr. */
const char *
ib_eval(const char *text)
{
	struct srcpos pos = { S_file, 1, 1 };
	struct expr_stmt st;
	struct expr_value v;
	size_t i;

	free(S_result);
	S_result = NULL;
	buf_reset(&S_reads);
	buf_putc(&S_reads, ' ');
	S_num = NAN;
	if (!S_env_ok) {
		expr_env_init(&S_env, S_scen, S_nscen);
		S_env.set = &S_set;
		S_env.values_only = 1;	/* the page shows values, not derivations */
		S_env_ok = 1;
	}
	if (expr_parse(text, strlen(text), pos, &st) != 0)
		return NULL;
	if (st.kind != EXPR_STMT_VALUE) {
		diag_error(&pos, "not a value: %s", text);
		expr_stmt_free(&st);
		return NULL;
	}
	if (expr_eval(&S_env, &st, &v) == 0) {
		for (i = 0; i < v.nterms; i++)
			if (v.terms[i].scen != NULL)
				buf_printf(&S_reads, "%s ", v.terms[i].scen->name);
		S_result = v.str;
		S_num = v.type == EXPR_V_NUM ? v.num : NAN;
		v.str = NULL;
		expr_value_free(&v);
	}
	expr_stmt_free(&st);
	return S_result;
}

/* The scenarios the last successful ib_eval() read, as " a b " (a page
 * re-evaluates only the numbers that read the scenario the reader
 * changed). */
const char *
ib_eval_reads(void)
{
	return S_reads.data != NULL ? S_reads.data : " ";
}

/* The last successful ib_eval()'s value in SI units before its filter
 * (NaN: null, a string, or an error): where a figure marks the point. */
double
ib_eval_num(void)
{
	return S_num;
}

/* ---- inferbook calc ---- */

/* Runs `inferbook calc` (argv[0] is "calc"): the exit status; the table,
 * JSON or CSV on stdout, messages on stderr. */
int
ib_calc(int argc, char **argv)
{
	return cli_calc(argc, argv);
}

/* The quantity table, one "name<TAB>unit<TAB>what" line each (for the
 * calculator page's help; never listed by hand in JavaScript). */
const char *
ib_quantities(void)
{
	const struct calc_quantity *q;
	struct buf b;
	size_t n, i;

	q = calc_quantities(&n);
	buf_init(&b);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s\t%s\t%s\n", q[i].name, calc_unit_name(q[i].unit), q[i].what);
	free(S_result);
	S_result = buf_take(&b, NULL);
	return S_result;
}

/* The precision names calc_prec_parse() accepts, space-separated. */
const char *
ib_precisions(void)
{
	struct buf b;
	int i;

	buf_init(&b);
	for (i = 0; i < CALC_PREC__COUNT; i++)
		buf_printf(&b, "%s%s", i > 0 ? " " : "", calc_prec_name((enum calc_prec)i));
	free(S_result);
	S_result = buf_take(&b, NULL);
	return S_result;
}
