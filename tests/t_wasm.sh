# The "What if?" layer at the command line (the browser side is
# tests/browser/whatif.mjs): `inferbook site --wasm FILE`.  Uses the core
# `make site` built (build/wasm/inferbook.wasm) when there is one; the
# layer's contract does not depend on the file's content, so a stand-in
# file checks it everywhere else.

t_wasm=$PWD/build/wasm/inferbook.wasm
[ -f "$t_wasm" ] || { printf '\0asm\1\0\0\0' > "$TMP/stand-in.wasm"; t_wasm=$TMP/stand-in.wasm; }

if "$INFERBOOK" site --no-pdf --quiet --out "$TMP/live" --wasm "$t_wasm" > "$TMP/live.log" 2>&1 &&
   "$INFERBOOK" site --no-pdf --quiet --out "$TMP/static" > "$TMP/static.log" 2>&1; then
	ok
	# A missing core is an error, and the last site stays as it was.
	cp "$TMP/static/index.html" "$TMP/index.before"
	expect_status 1 "$INFERBOOK" site --no-pdf --quiet --out "$TMP/static" --wasm "$TMP/none.wasm"
	if grep -q "none.wasm: error: cannot open" "$TMP/out" &&
	   cmp -s "$TMP/index.before" "$TMP/static/index.html" && [ ! -e "$TMP/static/calc.html" ]
	then ok; else fail "a missing --wasm file: $(head -3 "$TMP/out")"; fi
	# The layer's files, and the core as the same bytes twice.
	for t_f in calc.html inferbook.wasm inferbook-wasm.js whatif.js whatif.css whatif-figs.js; do
		if [ -f "$TMP/live/$t_f" ] && [ ! -e "$TMP/static/$t_f" ]; then ok
		else fail "$t_f: published with --wasm only"; fi
	done
	if cmp -s "$t_wasm" "$TMP/live/inferbook.wasm" &&
	   sed -n 's/^window.inferbookWasm = "\(.*\)";$/\1/p' "$TMP/live/inferbook-wasm.js" |
	   base64 -d | cmp -s - "$t_wasm"; then ok
	else fail "inferbook.wasm / inferbook-wasm.js are not the core's bytes"; fi
	# Every page but the calculator is the static page plus one JSON block
	# and one script tag (lesson pages) or exactly the static page.
	t_n=0
	for t_p in "$TMP"/static/*.html; do
		t_b=${t_p##*/}
		perl -0pe 's{<script type="application/json" id="whatif-data">.*?</script>\n<script defer src="whatif.js"></script>\n}{}s' \
		    "$TMP/live/$t_b" > "$TMP/stripped.html"
		if cmp -s "$TMP/stripped.html" "$t_p"; then ok
		else fail "$t_b: with --wasm, not the static page plus the what-if block"; fi
		grep -q 'id="whatif-data"' "$TMP/live/$t_b" && t_n=$((t_n + 1))
	done
	if [ "$t_n" -ge 10 ]; then ok; else fail "only $t_n pages carry a what-if block"; fi
	# The block is JSON and names every number of the page by its link.
	if command -v python3 >/dev/null; then
		if python3 - "$TMP/live/batching.html" <<'PY'
import json, re, sys
html = open(sys.argv[1], encoding='utf-8').read()
d = json.loads(re.search(r'id="whatif-data">(.*?)</script>', html, re.S).group(1))
links = set(re.findall(r'href="derivations\.html#n-([^"]+)"', html))
ids = {n[0] for g in d['groups'] for n in g['nums']}
assert d['v'] == 1 and d['hw'] and d['models'], 'data'
assert links <= ids, 'numbers without an expression: %s' % (links - ids)
assert {'real', 'one', 'moe'} <= {s['name'] for s in d['groups'][0]['scen']}, 'scenarios'
PY
		then ok; else fail "batching.html: the what-if JSON"; fi
	fi
	# Each SVG's root carries the axis transform.
	if grep -q '<svg data-plot="[0-9.]* [0-9.]* [0-9.]* [0-9.]*" data-x="log 1 1024 batch"' \
	    "$TMP/live/charts/batching-step-time-real.svg"; then ok
	else fail "batching-step-time-real.svg: no axis transform on the root"; fi
else
	fail "site --wasm: $(head -5 "$TMP/live.log" "$TMP/static.log")"
fi
