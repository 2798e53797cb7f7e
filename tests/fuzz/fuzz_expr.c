/*
 * fuzz_expr.c -- the {{ }} expression language: expr_parse() on the raw
 * input and, when it parses, expr_eval() against two scenarios built from
 * the project's data (so overrides re-run calc with arbitrary numbers).
 */
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "diag.h"
#include "expr.h"
#include "ytree.h"
#include "fuzz.h"

static const char S_scen_yaml[] =
    "real:\n"
    "  model: llama-3.1-70b\n"
    "  hardware: h100-sxm\n"
    "  weights: fp8\n"
    "  kv: fp8\n"
    "  chips: 8\n"
    "  batch: 64\n"
    "  context: 4096\n"
    "floor:\n"
    "  model: llama-3.1-405b\n"
    "  hardware: h100-sxm\n"
    "  weights: fp8\n"
    "  override: { params_b: 700, hbm_tb_per_s: 3.0 }\n";

static struct expr_env S_env;

static void
S_init(void)
{
	static struct data_scenario *scen[2];
	static struct ynode *root;
	const struct data_set *set = fuzz_dataset();
	size_t i;

	if (ytree_parse("fuzz-scenarios.yaml", S_scen_yaml, sizeof(S_scen_yaml) - 1,
	    0, &root) != 0 || root == NULL || root->kind != YNODE_MAP || root->n != 2)
		abort();
	for (i = 0; i < 2; i++) {
		scen[i] = calloc(1, sizeof(*scen[i]));
		if (scen[i] == NULL || data_scenario_parse(set, root->keys[i]->value,
		    root->items[i], scen[i]) != 0)
			abort();
	}
	expr_env_init(&S_env, scen, 2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct srcpos pos = { "fuzz.md", 3, 7 };
	struct expr_stmt st;
	struct expr_value v;

	if (!ready) {
		S_init();
		ready = 1;
	}
	fuzz_quiet();
	if (expr_parse((const char *)data, size, pos, &st) != 0)
		return 0;
	if (st.kind == EXPR_STMT_VALUE && expr_eval(&S_env, &st, &v) == 0)
		expr_value_free(&v);
	expr_stmt_free(&st);
	return 0;
}
