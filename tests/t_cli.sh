# The command line: `inferbook calc` (the fixed interface of CALC.md),
# list, check, usage and error paths.  Golden files in tests/golden/cli/.

IB=$INFERBOOK
golden cli/calc-70b-fp8-h100-b64.json \
	$IB calc --model llama-3.1-70b --hardware h100-sxm --weights fp8 --batch 64 --format json
golden cli/calc-deepseek-8xh200-ctx32k.json \
	$IB calc --model deepseek-v3 --hardware h200-sxm --chips 8 --weights fp8 --kv bf16 \
	--batch 32 --context 32768 --format json
golden cli/calc-mixtral-a100-fp8-default-compute.json \
	$IB calc --model mixtral-8x7b --hardware a100-80gb-sxm --weights fp8 --batch 16 \
	--context 8192 --format json
golden cli/calc-405b-fp8-b8-ratio.json \
	$IB calc --model llama-3.1-405b --hardware h100-sxm --chips 8 --weights fp8 --kv fp8 \
	--batch 8 --price-ratio 4 --format json
golden cli/calc-70b-csv.csv \
	$IB calc --model llama-3.1-70b --hardware h100-sxm --batch 8 --context 4096 --format csv
golden cli/calc-70b-text.txt \
	$IB calc --model llama-3.1-70b --hardware h100-sxm --weights fp8 --batch 64 --context 4096
golden cli/calc-tpu-nofp8.txt \
	$IB calc --model llama-3.1-8b --hardware tpu-v5e --compute fp8

# Version 2 (CALC.md): the issue's "done when" commands, the parts, the
# all-reduce across domains, speculation with the draft's steps, refusals.
golden cli/calc-70b-fp8-8xh100-b1.json \
	$IB calc --model llama-3.1-70b --hardware h100-sxm --chips 8 --weights fp8 --batch 1 \
	--format json
golden cli/calc-70b-fp8-64xh100-b1.txt \
	$IB calc --model llama-3.1-70b --hardware h100-sxm --chips 64 --weights fp8 --batch 1
golden cli/calc-deepseek-h100-bf16.json \
	$IB calc --model deepseek-v3 --hardware h100-sxm --weights bf16 --format json
golden cli/calc-gemma-windowed-ctx32k.json \
	$IB calc --model gemma-3-27b --hardware h100-sxm --batch 8 --context 32768 --format json
golden cli/calc-70b-spec-8b.txt \
	$IB calc --model llama-3.1-70b --hardware h100-sxm --chips 8 --weights fp8 \
	--draft llama-3.1-8b --draft-tokens 4 --acceptance 0.8 --scale-out-latency 1e-5 \
	--link-latency 8e-6 --prefill-tokens 4096
golden cli/calc-70b-spec-8b-a1.json \
	$IB calc --model llama-3.1-70b --hardware h100-sxm --chips 8 --weights fp8 \
	--draft llama-3.1-8b --draft-tokens 4 --acceptance 1 --format json
golden cli/calc-refuse-domain.txt \
	$IB calc --model llama-3.1-8b --hardware h100-sxm --chips 12
golden cli/calc-refuse-scale-out.txt \
	$IB calc --model llama-3.1-70b --hardware h100-pcie --chips 4
golden cli/calc-refuse-heads.txt \
	$IB calc --model gemma-3-27b --hardware h100-sxm --chips 3
golden cli/calc-draft-alone.txt \
	$IB calc --model llama-3.1-70b --hardware h100-sxm --draft llama-3.1-8b

# Errors: unknown ids list the known ones (exit 1); usage errors exit 2.
golden cli/calc-unknown-hardware.txt $IB calc --model llama-3.1-70b --hardware h100
golden cli/calc-unknown-model.txt $IB calc --model llama-70b --hardware h100-sxm
golden cli/calc-missing-model.txt $IB calc --hardware h100-sxm
golden cli/calc-bad-batch.txt $IB calc --model llama-3.1-70b --hardware h100-sxm --batch -1
golden cli/calc-bad-mbu.txt $IB calc --model llama-3.1-70b --hardware h100-sxm --mbu 1.5
golden cli/calc-bad-precision.txt $IB calc --model llama-3.1-70b --hardware h100-sxm --weights fp6
golden cli/calc-bad-format.txt $IB calc --model llama-3.1-70b --hardware h100-sxm --format xml
golden cli/calc-bad-option.txt $IB calc --model llama-3.1-70b --hardware h100-sxm --bacth 8
golden cli/calc-bad-data.txt $IB calc --model llama-3.1-70b --hardware h100-sxm \
	--data tests/fixtures/cli/baddata
golden cli/unknown-command.txt $IB frobnicate
golden cli/list-hardware.txt $IB list hardware
golden cli/list-models.txt $IB list models
expect_status 0 $IB --help
expect_status 0 $IB --version
expect_status 2 $IB
expect_status 0 $IB check --data data
# --jobs is range-checked before narrowing: 2^32 + 1 must not wrap to 1.
expect_status 2 $IB site --jobs 4294967297 --out /nonexistent
expect_status 1 $IB check --data tests/fixtures/cli/baddata

# The JSON carries every key of CALC.md, and the values are the
# hand-worked ones (70B fp8 on one H100 at B=64: 70.6e9 B / 3.35e12 B/s).
json=$($IB calc --model llama-3.1-70b --hardware h100-sxm --weights fp8 --batch 64 --format json)
missing=
# CALC.md v2's list, inputs first; critical_batch_with_kv is gone.
for k in model hardware chips batch context prompt weights kv compute mbu mfu \
	link_latency_s scale_out_latency_s prefill_tokens_per_pass draft draft_tokens acceptance \
	weight_bytes experts_touched weight_bytes_moved kv_bytes_per_token kv_bytes_per_sequence \
	kv_bytes_moved kv_split kv_bytes_per_chip attention_flops_per_token \
	attention_flops_per_byte flops_step t_dense_s t_experts_s t_weights_s t_attention_s \
	t_memory_s t_compute_s t_comm_s t_step_s t_step_overlap_s bound \
	tokens_per_s_per_user tokens_per_s_total ridge_flops_per_byte critical_batch \
	kv_crossover_context fits max_batch_in_memory t_prefill_s \
	prefill_s_per_token usd_per_s usd_per_mtok_output usd_per_mtok_input \
	output_input_cost_ratio implied_batch t_draft_s t_verify_s spec_tokens_per_step \
	t_spec_step_s spec_tokens_per_s_per_user spec_speedup usd_per_mtok_output_spec; do
	grep -q "^  \"$k\": " <<<"$json" || missing="$missing $k"
done
if [ -z "$missing" ]; then ok; else fail "calc json lacks keys:$missing"; fi
if grep -q '"critical_batch_with_kv"' <<<"$json"; then fail "critical_batch_with_kv is still printed"
else ok; fi

# The issue's "done when": 64 H100s are slower per user than 8 and wait on
# communication; DeepSeek-V3's critical batch is 9,447 within 0.5%.
j8=$($IB calc --model llama-3.1-70b --hardware h100-sxm --chips 8 --weights fp8 --batch 1 --format json)
j64=$($IB calc --model llama-3.1-70b --hardware h100-sxm --chips 64 --weights fp8 --batch 1 \
	--format json)
u8=$(sed -n 's/^  "tokens_per_s_per_user": \(.*\),$/\1/p' <<<"$j8")
u64=$(sed -n 's/^  "tokens_per_s_per_user": \(.*\),$/\1/p' <<<"$j64")
if awk -v a="$u64" -v b="$u8" 'BEGIN { exit !(a < b) }'; then ok
else fail "64 chips ($u64 tokens/s) not slower per user than 8 ($u8)"; fi
if grep -q '^  "bound": "communication",$' <<<"$j64"; then ok
else fail "64 chips: the step is not bound by communication"; fi
cb=$($IB calc --model deepseek-v3 --hardware h100-sxm --weights bf16 --format json |
	sed -n 's/^  "critical_batch": \(.*\),$/\1/p')
if awk -v c="$cb" 'BEGIN { d = c / 9447 - 1; exit !(d < 0.005 && d > -0.005) }'; then ok
else fail "deepseek-v3 critical_batch $cb is not within 0.5% of 9,447"; fi
if grep -q '"t_step_s": 0.02107462686567164,' <<<"$json" &&
   grep -q '"bound": "memory",' <<<"$json"; then ok
else fail "calc json: t_step_s/bound not the hand-worked 21.0746 ms, memory"; fi

# A bad data file: file:line:col, exit 1, and `site` publishes nothing.
rm -rf "$TMP/site"
out=$($IB site --out "$TMP/site" --data tests/fixtures/cli/baddata 2>&1); rc=$?
if [ "$rc" = 1 ] && grep -q '^tests/fixtures/cli/baddata/hardware.yaml:[0-9]*:[0-9]*: error: hbm_tb_per_s' <<<"$out" \
   && [ ! -e "$TMP/site" ] && [ -z "$(ls -d "$TMP"/site* 2>/dev/null)" ]; then ok
else fail "site with bad data: rc=$rc, wrote: $(ls -d "$TMP"/site* 2>/dev/null) out: $out"; fi

# After `make install` (staged with DESTDIR, then moved into place as a
# package would be), `check` run from another folder validates the
# installed data and lessons and says how many lessons.  (The binary once
# answered ".../data, .../data: data and 0 lessons valid".)  The build
# folder is copied so that only cli.o, which holds the prefix, is rebuilt.
t_b=$(dirname "$IB")
if [ -f "$t_b/.deps-ok" ] && command -v make > /dev/null; then
	cp -a "$t_b" "$TMP/b"
	t_pfx=$TMP/prefix
	if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory B="$TMP/b" \
	    SAN="${SAN:-}" PREFIX="$t_pfx" DESTDIR="$TMP/stage" install > "$TMP/install.log" 2>&1
	then
		mkdir -p "$t_pfx" && cp -R "$TMP/stage$t_pfx/." "$t_pfx/"
		t_n=$(ls lessons/*.md | grep -vc '/README\.md$')
		mkdir -p "$TMP/elsewhere"
		out=$(cd "$TMP/elsewhere" && "$t_pfx/bin/inferbook" check 2>&1); rc=$?
		t_sh=$t_pfx/share/inferbook
		if [ "$rc" = 0 ] && grep -qF "inferbook: $t_sh/data, $t_sh/lessons: data and $t_n lessons valid" \
		    <<<"$out"; then ok
		else fail "installed check: rc=$rc: $out"; fi
	else
		fail "make install failed:"; head -20 "$TMP/install.log" >&2
	fi
fi
