/*
 * data.h -- the data/ YAML files (../shared/design/DATA.md) loaded into typed
 * structs, validated, and scenarios built from them.
 *
 * Contract
 *  - data_load() reads DIR/hardware.yaml, DIR/models.yaml and, when present,
 *    DIR/pricing.yaml and DIR/measurements.yaml (evidence.h: checked
 *    against the chips and models, so it is read last).  It reports every error it finds through diag
 *    ("file:line:col: error: ...") and returns -1 leaving *set empty; on
 *    success it returns 0 and the caller owns *set (data_free()).  Nothing
 *    half-loaded is ever returned.
 *  - Every entry carries the position of its mapping and of each field, so
 *    later stages (sanity warnings, lessons) can point at the line.
 *  - Values are stored in the calc core's SI units (calc_hw, calc_model);
 *    the as-written figures follow from them (hbm_gb = hbm_bytes / 1e9).
 */
#ifndef INFERBOOK_DATA_H
#define INFERBOOK_DATA_H

#include <stddef.h>
#include "calc.h"
#include "diag.h"

struct ynode;
struct evidence_set;

/* Positions of individual hardware fields (for warnings). */
enum data_hw_field {
	DATA_HW_ID, DATA_HW_NAME, DATA_HW_VENDOR, DATA_HW_MEMORY_TYPE,
	DATA_HW_HBM_GB, DATA_HW_HBM_TB_PER_S, DATA_HW_TFLOPS,
	DATA_HW_LINK_GB_PER_S, DATA_HW_USD_PER_HOUR, DATA_HW_PRICE_DATE,
	DATA_HW_TDP_W, DATA_HW_SOURCE, DATA_HW_MEMORY, DATA_HW_SCALE_UP_CHIPS,
	DATA_HW_SCALE_UP_TOPOLOGY, DATA_HW_SCALE_OUT_GB_PER_S,
	DATA_HW__NFIELDS
};

struct data_hw {
	struct srcpos pos;			/* the entry's "- " mapping */
	struct srcpos fpos[DATA_HW__NFIELDS];	/* line 0: field absent */
	struct srcpos tflops_pos[CALC_PREC__COUNT];
	char *id;			/* [a-z0-9][a-z0-9.-]* (ytree YF_ID) */
	char *name;
	char *vendor;
	char *memory_type;		/* optional: hbm2e hbm3 hbm3e gddr6 gddr6x lpddr5 lpddr5x sram; NULL */
	char *price_date;		/* optional: YYYY-MM; NULL */
	char *source;
	char *notes;			/* optional; NULL */
	struct calc_hw hw;		/* SI units */
};

enum data_model_field {
	DATA_M_ID, DATA_M_NAME, DATA_M_PARAMS_B, DATA_M_ACTIVE_PARAMS_B,
	DATA_M_LAYERS, DATA_M_D_MODEL, DATA_M_HEADS, DATA_M_KV_HEADS,
	DATA_M_HEAD_DIM, DATA_M_ATTENTION, DATA_M_MLA, DATA_M_EXPERTS,
	DATA_M_MAX_CONTEXT, DATA_M_SOURCE, DATA_M_WINDOW,
	DATA_M__NFIELDS
};

struct data_model {
	struct srcpos pos;
	struct srcpos fpos[DATA_M__NFIELDS];
	char *id;
	char *name;
	char *source;
	char *notes;			/* optional; NULL */
	double d_ff;			/* optional FFN width (sanity check only); 0: absent */
	double vocab;			/* optional vocabulary size; 0: absent */
	struct calc_model m;		/* SI units (params, not billions) */
};

struct data_tier {
	struct srcpos pos;
	double up_to_tokens;		/* NaN when the tier is "above_tokens" */
	double above_tokens;		/* NaN when the tier is "up_to_tokens"; both NaN: flat */
	double usd_per_mtok_input;
	double usd_per_mtok_output;
};

struct data_price {
	struct srcpos pos;
	struct srcpos date_pos;
	char *id;			/* [a-z0-9][a-z0-9.-]*, unique (gemini-2.5-pro) */
	char *provider;
	char *model;
	char *date;			/* YYYY-MM; NULL when missing (a sanity warning) */
	char *source;
	char *notes;
	struct data_tier *tiers;
	size_t ntiers;
};

struct data_set {
	char *dir;			/* as given; file names below point into paths here */
	char *paths[3];			/* owned: hardware, models, pricing .yaml; srcpos.file borrows them */
	struct data_hw *hw;
	size_t nhw;
	struct data_model *models;
	size_t nmodels;
	struct data_price *prices;
	size_t nprices;
	struct evidence_set *measurements; /* DIR/measurements.yaml (evidence.h); owned;
					 * NULL when the folder has none */
};

int data_load(const char *dir, struct data_set *set);
void data_free(struct data_set *set);

/* The entry with that id (borrowed from set), or NULL. */
const struct data_hw *data_find_hw(const struct data_set *set, const char *id);
const struct data_model *data_find_model(const struct data_set *set, const char *id);
const struct data_price *data_find_price(const struct data_set *set, const char *id);
/* Which entries data_known_list() names. */
enum data_kind { DATA_KIND_HW, DATA_KIND_MODELS, DATA_KIND_PRICES };
/* Prints "known hardware: a, b, c" (models, prices) to the diagnostics
 * stream. */
void data_list_known(const struct data_set *set, enum data_kind kind);
/* The ids of one kind of entry, sorted (messages must not depend on the
 * files' order), as "a, b, c"; "" when there are none.  The caller frees
 * the string. */
char *data_known_list(const struct data_set *set, enum data_kind kind);

/*
 * A named scenario: a model and a chip from the data set, precisions,
 * batch/context/prompt/chips/efficiencies, and optional overrides of the
 * chip's or model's figures ("what if the bandwidth were 3.0 TB/s").
 * hw_eff/model_eff hold the figures after overrides, and sc points at
 * them: a data_scenario must not be moved after data_scenario_parse()
 * (allocate each one separately).
 *
 * YAML form (lesson front matter), all but model and hardware optional:
 *   name:
 *     model: llama-3.1-70b
 *     hardware: h100-sxm
 *     weights: fp8          # kv defaults to bf16; compute per CALC.md
 *     kv: fp8
 *     compute: bf16
 *     batch: 64
 *     context: 4096
 *     prompt: 1024
 *     chips: 8
 *     mbu: 0.8
 *     mfu: 0.5
 *     link_latency_us: 5
 *     scale_out_latency_us: 5
 *     prefill_tokens: 8192
 *     price_ratio: 4
 *     draft: llama-3.1-8b   # speculative decoding: all three together
 *     draft_tokens: 4
 *     acceptance: 0.7
 *     override:             # any of: hbm_gb hbm_tb_per_s link_gb_per_s
 *       hbm_tb_per_s: 3.0   #   scale_up_chips scale_out_gb_per_s
 *                           #   usd_per_hour tflops_bf16 tflops_fp8 params_b
 *       params_b: 700       #   active_params_b bandwidth_scale (multiplies hbm_tb_per_s)
 */
struct data_scenario {
	struct srcpos pos;
	char *name;
	const struct data_hw *hw;
	const struct data_model *model;
	struct calc_hw hw_eff;
	struct calc_model model_eff;
	int overridden;			/* any override applied */
	struct calc_scenario sc;
};

/* Parses one scenario mapping; errors (unknown model/chip with the known
 * ones listed, bad precision, non-positive numbers, a compute precision
 * the chip has no FLOPs for) are printed at the offending node.  Returns
 * 0 or -1.  On success the caller frees with data_scenario_free(). */
int data_scenario_parse(const struct data_set *set, const char *name,
    const struct ynode *map, struct data_scenario *out);
void data_scenario_free(struct data_scenario *s);

#endif
