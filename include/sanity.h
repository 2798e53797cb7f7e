/*
 * sanity.h -- warnings on data figures that look like a classic mistake
 * (`inferbook check`).  The figures are valid (the loader accepted them);
 * these are the slips a reviewer would ask about:
 *
 *  - FLOPs that look like 2:4-sparsity figures: a precision 4x bf16 where
 *    the vendor doubles it (or 2x where it keeps it equal), or a chip
 *    whose figure is 2x its peers' of the same vendor generation;
 *  - FP8 not about twice BF16 on chips whose vendor doubles it (NVIDIA
 *    Hopper, Blackwell and Ada, AMD CDNA 3);
 *  - memory bandwidth or capacity outside the plausible range for the
 *    chip's memory_type (a unit slip: TB/s written as GB/s, a total for
 *    a whole node);
 *  - a capacity that is an exact GiB figure written in GB (85.9 for
 *    80 GiB, 68.7 for 64 GiB): GB written where GiB was meant;
 *  - a scale-up link figure that is a vendor's two-way total (the field is
 *    one direction): equal to the generation's total (A100 600, H100/H200
 *    900, B200/GB200 1800, MI300X/MI325X 896, TPU v5e 400, v5p 1200, v6e
 *    800) or, for other chips, to one of 600, 900, 1800, 3600, 896;
 *  - a price without a date (hardware usd_per_hour without price_date, an
 *    API price without date);
 *  - a model whose window makes every layer windowed (full_layers 0): the
 *    cache would stop growing, which no real model does;
 *  - a model whose params_b disagrees by more than 10% with the count its
 *    shape gives (attention from layers, d_model, heads, kv_heads and
 *    head_dim; a gated FFN of 3 x d_model x d_ff per layer and expert;
 *    input and output embeddings when vocab is given).  Skipped when the
 *    shape is insufficient: no d_ff, or MLA attention (its projection
 *    ranks are not in the schema).
 *
 * Contract: each warning is printed with diag_warning() at the offending
 * field's position ("file:line:col: warning: ID: ..."), in file order
 * (hardware, models, pricing).  Warnings never change the exit status.
 * Returns the number of warnings printed.  Pure otherwise: no allocation
 * that outlives the call, no I/O besides diag.
 */
#ifndef INFERBOOK_SANITY_H
#define INFERBOOK_SANITY_H

struct data_set;

unsigned sanity_check(const struct data_set *set);

/* The parameter count a model's shape implies, in parameters (not
 * billions); 0 when the shape is insufficient (see above). */
struct data_model;
double sanity_params_from_shape(const struct data_model *m);

#endif
