# Resource bounds (README "Limits and errors"): the worst inputs that are
# still under the stated limits must build within 10x the CPU time of a
# cold build of the project's own site, and in 500 MB.  The worst cases
# found so far: unbreakable words (pango's line breaking is quadratic in a
# word's length; lib breaks them every PDF_MAX_WORD characters), the most
# tables and figures a lesson may hold, and names at their length limit.
# Inputs past the limits are refused quickly (tests/bad/gen: name-50k,
# tables-4000, lesson-too-big, site-too-many-*).  CPU time, not wall time:
# the machine may be shared.  Under SAN=1 the memory bound is skipped (ASan
# reserves and shadows memory); the time ratio holds, both runs pay ASan.

# Runs CMD..., leaves "CPU_SECONDS PEAK_KB" in $b_res and its status in $b_rc.
S_bounds_run() {
	/usr/bin/time -f '%U %S %M' -o "$TMP/bounds.time" "$@" > "$TMP/bounds.out" 2>&1
	b_rc=$?
	b_res=$(tail -1 "$TMP/bounds.time" | awk '{ printf "%.2f %d", $1 + $2, $3 }')
}

if [ ! -x /usr/bin/time ]; then
	fail "t_bounds.sh needs GNU time (/usr/bin/time; src/deps.sh test installs it)"
else
	# The baseline: a cold build of the project's site, PDFs included.
	S_bounds_run "$INFERBOOK" site --out "$TMP/bounds-cold" --quiet
	b_cold=${b_res% *}
	if [ "$b_rc" = 0 ]; then ok; else fail "cold build failed"; cat "$TMP/bounds.out" >&2; fi

	# The worst site: the project's data with the H100's name at the 200-byte
	# limit and unbreakable; lesson 1 prints that name in a heading, a
	# paragraph and a table cell and holds the most tables and figures a
	# lesson may (8 and 16, all different); lesson 2 is one unbreakable
	# word of 250 KB (under the 256 KiB expansion bound), lesson 3 a line
	# of "a-1a-1...".
	b_w=$TMP/bounds-worst
	rm -rf "$b_w"; mkdir -p "$b_w/lessons"; cp -R data "$b_w/data"
	b_name=$(head -c 200 /dev/zero | tr '\0' 'N')
	sed -i "s/^  name: NVIDIA H100 SXM\$/  name: $b_name/" "$b_w/data/hardware.yaml"
	{ printf -- '---\ntitle: Worst\norder: 1\nsummary: S.\nscenarios:\n'
	  printf '  a: { model: llama-3.1-70b, hardware: h100-sxm, weights: fp8, kv: fp8, '
	  printf 'chips: 8, batch: 64, context: 4096 }\n'
	  printf '  b: { model: deepseek-v3, hardware: h100-sxm, weights: fp8, kv: fp8, '
	  printf 'chips: 8, batch: 16, context: 32768 }\n---\n'
	  printf '# On {{ a.hardware_name }}\n\n'
	  printf '{{ a.hardware_name }} takes {{ a.t_step_s | ms }}.\n\n'
	  printf '| chip | step |\n|---|---|\n'
	  printf '| {{ a.hardware_name }} | {{ a.t_step_s | ms }} |\n\n'
	  printf '{{ table measurements }}\n\n%.0s' $(seq 8)
	  for b_f in roofline step-time frontier bytes-vs-context cost-vs-context output-input \
	      chips capacity; do
		printf '{{ figure %s a }}\n\n' "$b_f"
	  done
	  for b_f in roofline step-time moe bytes-vs-context cost-vs-context output-input \
	      scale-out theory-vs-practice; do
		printf '{{ figure %s b }}\n\n' "$b_f"
	  done
	} > "$b_w/lessons/01-worst.md"
	{ printf -- '---\ntitle: Word\norder: 2\nsummary: S.\n---\n# Word\n\n'
	  head -c 250000 /dev/zero | tr '\0' 'x'; echo; } > "$b_w/lessons/02-word.md"
	# A 150 KB line of "a-1": every digit once made the lint look back to
	# the start of the run (4 s for 240 KB, quadratic).
	{ printf -- '---\ntitle: Dashes\norder: 3\nsummary: S.\n---\n# Dashes\n\n'
	  printf 'a-1%.0s' $(seq 50000); echo; } > "$b_w/lessons/03-dashes.md"
	S_bounds_run "$INFERBOOK" site --out "$b_w/out" --data "$b_w/data" \
		--lessons "$b_w/lessons" --quiet
	if [ "$b_rc" = 0 ] && [ -s "$b_w/out/handouts/word.pdf" ]; then ok
	else fail "worst site did not build:"; head -20 "$TMP/bounds.out" >&2; fi
	b_cpu=${b_res% *} b_kb=${b_res#* }
	if awk -v w="$b_cpu" -v c="$b_cold" 'BEGIN { exit !(w <= 10 * c) }'; then ok
	else fail "worst site took $b_cpu s of CPU, more than 10x the cold build's $b_cold s"; fi
	if [ "${SAN:-}" = 1 ] || [ "$b_kb" -le 512000 ]; then ok
	else fail "worst site peaked at $b_kb KB (bound: 500 MB)"; fi
	[ -n "${BOUNDS_VERBOSE:-}" ] &&
		echo "  bounds: cold $b_cold s; worst $b_cpu s, $b_kb KB" >&2
fi
