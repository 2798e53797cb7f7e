# The site: a full build, valid HTML, write-if-changed, a spec change that
# touches exactly the pages depending on it, atomic publishing, escaping,
# determinism.  (Sourced by tests/run.sh: cwd is the project root; $TMP is
# scratch.)

site_root=$(pwd)
site_build() { "$INFERBOOK" site --no-pdf --quiet "$@"; }
# One line per file: path, size, mtime, inode, sha256 (to compare whole trees).
site_state() { (cd "$1" && find . -type f -printf '%p %s %T@ %i\n' | sort | while read -r p rest; do
	echo "$p $rest $(sha256sum < "$p" | cut -c1-64)"; done); }
site_sums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }

# ---- a full build (with the PDFs) publishes every page ----
if "$INFERBOOK" site --out "$TMP/full" --quiet > "$TMP/build.log" 2>&1; then ok
else fail "site build failed:"; head -20 "$TMP/build.log" >&2; fi
for f in index.html chips.html models.html derivations.html style.css print.css numbers.tsv explainer.pdf; do
	if [ -s "$TMP/full/$f" ]; then ok; else fail "out/$f missing"; fi
done
for l in lessons/*.md; do
	case $l in */README.md) continue;; esac
	slug=$(sed -n 's/^slug: *//p' "$l" | head -1)
	[ -n "$slug" ] || { slug=${l##*/}; slug=${slug%.md}; slug=${slug#[0-9][0-9]-}; }
	if [ -s "$TMP/full/$slug.html" ]; then ok; else fail "no page $slug.html for $l"; fi
done
# A bad measurements.yaml fails the build like any other data file.
rm -rf "$TMP/mdata"; cp -r data "$TMP/mdata"
sed -i '0,/metric: tokens_per_s_per_user/s//metric: tokens_per_minute/' "$TMP/mdata/measurements.yaml"
out=$(site_build --out "$TMP/mout" --data "$TMP/mdata" 2>&1); rc=$?
if [ "$rc" = 1 ] && [ ! -e "$TMP/mout" ] &&
   grep -q "measurements.yaml:[0-9]*:[0-9]*: error: metric must be" <<<"$out"; then ok
else fail "bad measurements.yaml: rc=$rc: $out"; fi

# Theory against practice: one table row per measurement in the data, and
# the practice page keeps its worked answers for the answers page.
want=$(grep -c '^- ' data/measurements.yaml)
got=$(sed -n '/<table/,/<\/table>/p' "$TMP/full/theory-vs-practice.html" | grep -c '<tr>')
if [ "$got" = $((want + 1)) ]; then ok
else fail "theory-vs-practice table has $got rows, want $((want + 1)) (header + $want)"; fi
if ! grep -q 'Answer\.' "$TMP/full/practice.html" &&
   [ "$(grep -c '<strong>Answer\.</strong>' "$TMP/full/answers.html")" = "$(grep -c '^{{ answer }}$' lessons/practice.md)" ]
then ok; else fail "practice answers: shown on practice.html or missing from answers.html"; fi
if ls "$TMP/full/charts/"*.svg > /dev/null 2>&1 && ls "$TMP/full/charts/"*.png > /dev/null 2>&1 &&
   ls "$TMP/full/charts/"*.csv > /dev/null 2>&1; then ok; else fail "charts missing"; fi
if ls "$TMP" | grep -q '\.tmp-'; then fail "staging folder left behind"; else ok; fi

# ---- tidy: valid HTML5, zero errors (warnings about aria-current are tidy 5.6's) ----
for f in "$TMP"/full/*.html; do
	tidy -q -e "$f" > "$TMP/tidy" 2>&1; rc=$?
	if [ "$rc" -lt 2 ] && ! grep -q 'Error:' "$TMP/tidy"; then ok
	else fail "tidy: ${f##*/}:"; head -10 "$TMP/tidy" >&2; fi
	if grep -qv 'proprietary attribute "aria-current"' "$TMP/tidy"; then
		fail "tidy warnings in ${f##*/}:"; grep -v aria-current "$TMP/tidy" | head -5 >&2
	else ok; fi
done

# ---- every number links to an anchor that exists on the derivations page ----
grep -ho 'href="derivations.html#[^"]*"' "$TMP"/full/*.html | sed 's/.*#//; s/"$//' | sort -u > "$TMP/wanted"
grep -o ' id="[^"]*"' "$TMP/full/derivations.html" | sed 's/ id="//; s/"$//' | sort -u > "$TMP/have"
if [ -s "$TMP/wanted" ] && [ -z "$(comm -23 "$TMP/wanted" "$TMP/have")" ]; then ok
else fail "derivation links without an anchor: $(comm -23 "$TMP/wanted" "$TMP/have" | head -5)"; fi

# Every page's footer names the edition, and a data edit is a new edition
# on every page (t_editions tests that); what this part tests is where the
# numbers reach, so its builds read a copy of the data without the history:
# each is then the same, unrecorded, first edition.
cp -R data "$TMP/data0" && rm -f "$TMP/data0/editions.yaml"

# ---- rebuilding unchanged inputs rewrites nothing (inode and mtime kept) ----
site_build --out "$TMP/o" --data "$TMP/data0" > /dev/null 2>&1
site_state "$TMP/o" > "$TMP/s1"
sleep 1
out=$("$INFERBOOK" site --no-pdf --out "$TMP/o" --data "$TMP/data0" 2>&1)
site_state "$TMP/o" > "$TMP/s2"
if cmp -s "$TMP/s1" "$TMP/s2"; then ok; else fail "an unchanged rebuild touched files:"; diff "$TMP/s1" "$TMP/s2" | head >&2; fi
n=$(grep -vc '^\./\.inferbook-site ' "$TMP/s1")	# the manifest is not a page
if [ "$out" = "site: 0 numbers changed; 0 files written, $((n)) unchanged" ]; then ok
else fail "unchanged rebuild reported: $out"; fi

# ---- h100-sxm's bandwidth 3.35 -> 4.0 TB/s changes exactly the dependent pages ----
cp -R "$TMP/data0" "$TMP/data"
awk '/^- id:/ { me = ($3 == "h100-sxm") } me && /hbm_tb_per_s:/ { sub(/3\.35/, "4.0") } { print }' \
	data/hardware.yaml > "$TMP/data/hardware.yaml"
if [ "$(diff data/hardware.yaml "$TMP/data/hardware.yaml" | grep -c '^>')" = 1 ]; then ok
else fail "could not plant the bandwidth change"; fi
cp "$TMP/o/numbers.tsv" "$TMP/numbers.old"
out=$("$INFERBOOK" site --no-pdf --out "$TMP/o" --data "$TMP/data" 2>&1); rc=$?
[ "$rc" = 0 ] && ok || fail "build with the changed bandwidth failed: $out"
site_state "$TMP/o" > "$TMP/s3"
# Files whose content changed; files whose bytes stayed must keep inode+mtime.
join "$TMP/s2" "$TMP/s3" | awk '$5 != $9 { print $1 }' | sed 's|^\./||' | sort > "$TMP/changed"
join "$TMP/s2" "$TMP/s3" | awk '$5 == $9 && ($3 != $7 || $4 != $8) { print $1 }' > "$TMP/touched"
if [ -s "$TMP/touched" ]; then fail "unchanged files were rewritten: $(head -3 "$TMP/touched")"; else ok; fi
# The pages that must change: every page printing a number whose value
# moved (numbers.tsv, before and after), the derivations page and
# numbers.tsv.  (What changed does not: without a history both builds are
# the same first edition, with nothing to compare.)
join -t "$(printf '\t')" <(grep -v '^#' "$TMP/numbers.old" | sort) <(grep -v '^#' "$TMP/o/numbers.tsv" | sort) |
	awk -F '\t' '$3 != $7 { n = split($8, p, ", "); for (i = 1; i <= n; i++) print p[i] ".html" }' |
	sort -u > "$TMP/expect"
{ cat "$TMP/expect"; echo derivations.html; } | sort -u > "$TMP/expect_html"
grep '\.html$' "$TMP/changed" > "$TMP/changed_html"
# A page may also change through a redrawn figure's alt text: allowed only
# for pages that show a figure whose files changed.
grep '^charts/.*\.svg$' "$TMP/changed" | while read -r c; do
	grep -l "src=\"$c\"" "$TMP/o"/*.html; done | sed 's|.*/||' | sort -u > "$TMP/figpages"
if [ -z "$(comm -23 "$TMP/expect_html" "$TMP/changed_html")" ]; then ok
else fail "pages whose numbers moved did not change: $(comm -23 "$TMP/expect_html" "$TMP/changed_html")"; fi
extra=$(comm -13 "$TMP/expect_html" "$TMP/changed_html" | comm -23 - "$TMP/figpages")
if [ -z "$extra" ]; then ok
else fail "pages changed that depend neither by a number nor by a figure: $extra"; fi
for f in chips.html numbers.tsv bandwidth-bound.html; do
	grep -qx "$f" "$TMP/changed" && ok || fail "$f should change with h100-sxm's bandwidth"
done
for f in index.html models.html long-context.html one-token-at-a-time.html style.css print.css; do
	grep -qx "$f" "$TMP/changed" && fail "$f changed though it does not depend on h100-sxm's bandwidth" || ok
done
case $out in
*"h100-sxm 700B floor: 209 ms -> 175 ms ("*"bandwidth-bound, "*"chips)"*) ok;;
*) fail "change report lacks the 700B floor line: $(echo "$out" | tail -3)";;
esac
case $out in
*"h100-sxm memory bandwidth: 3.35 TB/s -> 4 TB/s ("*"chips)"*) ok;;
*) fail "change report lacks the bandwidth line";;
esac

# ---- a failing build leaves the previous output byte for byte ----
site_state "$TMP/o" > "$TMP/s4"
cp -R data "$TMP/bad"
sed -i '0,/hbm_tb_per_s:.*/s//hbm_tb_per_s: -1/' "$TMP/bad/hardware.yaml"
expect_status 1 "$INFERBOOK" site --no-pdf --out "$TMP/o" --data "$TMP/bad"
mkdir -p "$TMP/badtpl" && cp templates/* "$TMP/badtpl/"
printf '{{#nav}}\n<p>{{title}}</p>\n' > "$TMP/badtpl/footer.html"
(cd "$TMP" && "$INFERBOOK" site --no-pdf --out o --data "$site_root/data" --lessons "$site_root/lessons" \
	--templates badtpl > tpl.out 2>&1); rc=$?
if [ "$rc" = 1 ] && [ "$(cat "$TMP/tpl.out")" = "badtpl/footer.html:1:1: error: unclosed section '{{#nav}}'" ]; then ok
else fail "bad template: exit $rc, $(cat "$TMP/tpl.out")"; fi
cp -R lessons "$TMP/lessons"
printf '\nThe floor is 230 ms.\n' >> "$TMP/lessons/03-bandwidth-bound.md"
expect_status 1 "$INFERBOOK" site --no-pdf --out "$TMP/o" --lessons "$TMP/lessons"
site_state "$TMP/o" > "$TMP/s5"
if cmp -s "$TMP/s4" "$TMP/s5"; then ok; else fail "a failed build changed the output:"; diff "$TMP/s4" "$TMP/s5" | head >&2; fi
if ls "$TMP" | grep -q '\.tmp-'; then fail "a failed build left its staging folder"; else ok; fi

# ---- a folder no build made is never replaced (a mistyped --out) ----
mkdir -p "$TMP/mine" && echo keep > "$TMP/mine/precious"
(cd "$TMP" && "$INFERBOOK" site --no-pdf --out mine --data "$site_root/data" --lessons "$site_root/lessons" \
	--templates "$site_root/templates" > mine.out 2>&1); rc=$?
if [ "$rc" = 1 ] && [ "$(cat "$TMP/mine.out")" = "inferbook: error: refusing to replace 'mine': it is not empty and has no .inferbook-site, so inferbook did not publish it (pick another --out, or move your files out of it)" ] &&
   [ "$(cat "$TMP/mine/precious")" = keep ]; then ok
else fail "a foreign --out folder: exit $rc, $(cat "$TMP/mine.out")"; fi

# ---- a lesson that is a symbolic link is refused ----
mkdir -p "$TMP/lsym" && cp lessons/*.md "$TMP/lsym/" && echo '# x' > "$TMP/outside.md"
ln -s ../outside.md "$TMP/lsym/99-outside.md"
(cd "$TMP" && "$INFERBOOK" site --no-pdf --out lo --data "$site_root/data" --lessons lsym \
	--templates "$site_root/templates" > lsym.out 2>&1); rc=$?
if [ "$rc" = 1 ] && [ "$(cat "$TMP/lsym.out")" = "lsym/99-outside.md: error: a symbolic link (lessons must be plain files inside the folder)" ]; then ok
else fail "a symlinked lesson: exit $rc, $(cat "$TMP/lsym.out")"; fi

# ---- a build killed midway: out/ intact, the next build clears the debris ----
"$INFERBOOK" site --out "$TMP/o" > /dev/null 2>&1 &
sleep 0.3; kill -9 $! 2> /dev/null; wait $! 2> /dev/null
# (a stage of a process that is gone: named with its pid, which the build
# that left it had; tests/t_publish.sh tries the names that are not stages)
t_dead=$(sh -c 'echo $$')
mkdir -p "$TMP/o.tmp-$t_dead-ZZZZZZ" &&
	echo '<p>half a page' > "$TMP/o.tmp-$t_dead-ZZZZZZ/index.html"
site_state "$TMP/o" > "$TMP/s6"
if cmp -s "$TMP/s4" "$TMP/s6"; then ok; else fail "a killed build changed the output"; fi
site_build --out "$TMP/o" --data "$TMP/data" > /dev/null 2>&1
if ls "$TMP" | grep -q '\.tmp-'; then fail "stale staging folders survive the next build"; else ok; fi

# ---- data text is escaped for its context ----
cp -R data "$TMP/evil"
sed -i '0,/^  name: .*/s//  name: "H<script>alert(1)<\/script> \\"Q\\" \&amp;"/' "$TMP/evil/hardware.yaml"
if site_build --out "$TMP/e" --data "$TMP/evil" > "$TMP/evil.log" 2>&1; then ok
else fail "build with a hostile chip name failed: $(head -3 "$TMP/evil.log")"; fi
if grep -q 'H&lt;script&gt;alert(1)&lt;/script&gt; &quot;Q&quot; &amp;amp;' "$TMP/e/chips.html" &&
   ! grep -rq '<script' "$TMP/e"/*.html; then ok
else fail "a chip name with markup was not escaped"; fi

# ---- deterministic: another locale, time zone, working directory, thread count ----
mkdir -p "$TMP/elsewhere"
(cd "$TMP/elsewhere" && TZ=Asia/Kathmandu LC_ALL=C.UTF-8 "$INFERBOOK" site --quiet --jobs 1 \
	--out "$TMP/d2" --data "$site_root/data" --lessons "$site_root/lessons" \
	--templates "$site_root/templates") > /dev/null 2>&1
if [ "$(site_sums "$TMP/full")" = "$(site_sums "$TMP/d2")" ]; then ok
else fail "two builds differ:"; diff <(site_sums "$TMP/full") <(site_sums "$TMP/d2") | head -5 >&2; fi
