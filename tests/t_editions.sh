# Editions: the issue's "done when" as a test.  In a copy of the project,
# one chip's bandwidth is edited and the site rebuilt with --record-edition
# (what `make site` runs): the What-changed page lists the edit and every
# moved number with its page, the lessons whose numbers moved carry the
# notice and the others do not, the feed gains an entry, the book's cover
# and every handout name the edition; a second build changes nothing, and
# a fresh copy of the project republishes the same history.  Then
# `inferbook diff`: the same changes, exit 1; identical inputs, exit 0;
# usage errors 2; two git revisions; goldens of the text and JSON reports.
# (Sourced by tests/run.sh: cwd is the project root; $TMP is scratch.)

ed_root=$(pwd)
E1=1764720000		# 2025-12-03
E2=1764806400		# 2025-12-04
E3=1764892800		# 2025-12-05
ed_sums() { (cd "$1" && find . -type f ! -name '*.pdf' ! -name .inferbook-site -print0 | sort -z | xargs -0 sha256sum); }
ed_site() { (cd "$P" && SOURCE_DATE_EPOCH=$1 "$INFERBOOK" site --quiet --out out --data data \
	--lessons lessons --templates templates "${@:2}"); }

P=$TMP/proj
mkdir -p "$P"
cp -R data lessons templates "$P/"
rm -f "$P/data/editions.yaml"

# ---- edition 1: the first build records itself ----
if ed_site "$E1" --record-edition > "$TMP/e1.log" 2>&1; then ok
else fail "first recorded build failed:"; head -20 "$TMP/e1.log" >&2; fi
if grep -q '^  - number: 1$' "$P/data/editions.yaml" &&
   grep -q '^    date: "2025-12-03"$' "$P/data/editions.yaml"; then ok
else fail "editions.yaml does not hold edition 1 of 2025-12-03"; fi
cp "$P/out/numbers.tsv" "$TMP/numbers.1"
if [ "$(head -1 "$P/out/numbers.tsv")" = "# Edition 1, 2025-12-03" ]; then ok
else fail "numbers.tsv does not name its edition: $(head -1 "$P/out/numbers.tsv")"; fi
if ! grep -q 'edition-notice' "$P"/out/*.html; then ok
else fail "the first edition puts a notice on a page"; fi
cp -R "$P/data" "$TMP/data.1"

# ---- edition 2: one chip's bandwidth ----
ed_bw() { sed -i "/^- id: h100-sxm\$/,/^- id/ s/^  hbm_tb_per_s: $1\$/  hbm_tb_per_s: $2/" \
	"$P/data/hardware.yaml"; }
ed_bw 3.35 3.9
if grep -q 'hbm_tb_per_s: 3.9$' "$P/data/hardware.yaml"; then ok
else fail "the edit did not apply"; fi
if ed_site "$E2" --record-edition > "$TMP/e2.log" 2>&1; then ok
else fail "second recorded build failed:"; head -20 "$TMP/e2.log" >&2; fi
C=$P/out/changes.html
if grep -q '<h2>Edition 2, 2025-12-04</h2>' "$C" && grep -q '<h2>Edition 1, 2025-12-03</h2>' "$C"
then ok; else fail "changes.html lacks the headings of editions 2 and 1"; fi
want='<tr><td>hbm_tb_per_s</td><td>3.35</td><td>3.9</td></tr>'
if grep -qF "$want" "$C" &&
   grep -qF '<h4 class="edit-entry">h100-sxm <span class="file">in hardware.yaml</span></h4>' "$C"
then ok; else fail "changes.html does not list the edit hbm_tb_per_s 3.35 -> 3.9"; fi
# Every number whose value differs between the two numbers.tsv files is
# listed in edition 2, with its old and new value and its pages.
join -t "$(printf '\t')" <(grep -v '^#' "$TMP/numbers.1" | sort) \
    <(grep -v '^#' "$P/out/numbers.tsv" | sort) |
    awk -F'\t' '$3 != $7 { print $1 "\t" $3 "\t" $7 "\t" $4 }' > "$TMP/moved"
nmoved=$(wc -l < "$TMP/moved")
if [ "$nmoved" -gt 20 ]; then ok; else fail "only $nmoved numbers moved"; fi
sed -n '/^  - number: 2$/,/^  - number: 1$/p' "$P/data/editions.yaml" > "$TMP/ed2"
missing=0
while IFS="$(printf '\t')" read -r id old new pages; do
	grep -qF "{id: \"$id\", " "$TMP/ed2" &&
	    grep -F "{id: \"$id\", " "$TMP/ed2" |
	    grep -qF "old: \"$old\", new: \"$new\", pages: \"$pages\"" ||
	    { missing=$((missing + 1)); echo "  not listed: $id $old -> $new ($pages)" >&2; }
done < "$TMP/moved"
if [ "$missing" = 0 ]; then ok; else fail "$missing moved numbers missing from edition 2"; fi
rows=$(sed -n '/id="edition-2"/,/id="edition-1"/p' "$C" |
    grep -c '^      <tr><td>.*<td class="n">')
if [ "$rows" = "$nmoved" ]; then ok
else fail "changes.html shows $rows moved numbers for edition 2, numbers.tsv says $nmoved"; fi
# Grouped by page: a heading per page with moved numbers, linking to it.
for pg in $(cut -f4 "$TMP/moved" | sed 's/, .*//' | sort -u); do
	if grep -q "<h4 id=\"edition-2-$pg\"><a href=\"$pg.html\">" "$C"; then ok
	else fail "changes.html has no group for page $pg"; fi
done
# The sentence a number is printed in is shown beside it.
if grep -qF 'The chip&#39;s datasheet says 3.9 TB/s.' "$C" ||
   grep -qF "The chip's datasheet says 3.9 TB/s." "$C"; then ok
else fail "changes.html does not show the sentence 'The chip's datasheet says 3.9 TB/s.'"; fi
# The notice: on every lesson page with a moved number, on no other.
notice='<p class="edition-notice" role="note">Numbers on this page changed in '
notice="${notice}Edition 2, 2025-12-04:"
for f in "$P"/out/*.html; do
	slug=$(basename "$f" .html)
	case $slug in changes|index|chips|models|derivations) continue;; esac
	if cut -f4 "$TMP/moved" | tr ',' '\n' | sed 's/^ //' | grep -qx "$slug"; then
		if grep -q "$notice" "$f" &&
		   grep -q '<a href="changes.html#edition-2">see what changed</a>' "$f"; then ok
		else fail "$slug.html: numbers moved but no notice"; fi
	else
		if ! grep -q 'edition-notice' "$f"; then ok
		else fail "$slug.html: a notice though none of its numbers moved"; fi
	fi
done
# Every page's footer names the edition.
for f in "$P"/out/*.html; do
	if grep -q '<p class="edition">Edition 2, 2025-12-04 · <a href="changes.html"' "$f"; then ok
	else fail "$(basename "$f"): the footer does not name edition 2"; fi
done
if [ "$(head -1 "$P/out/numbers.tsv")" = "# Edition 2, 2025-12-04" ]; then ok
else fail "numbers.tsv does not name edition 2"; fi
# The feed: valid XML, Atom's required elements, one entry per edition.
A=$P/out/editions.atom
ed_x() { xmllint --xpath "$1" "$A" 2>/dev/null; }
if xmllint --noout "$A" 2>/dev/null; then ok; else fail "editions.atom is not well-formed XML"; fi
if [ "$(ed_x "namespace-uri(/*)")" = "http://www.w3.org/2005/Atom" ] &&
   [ "$(ed_x "local-name(/*)")" = feed ]; then ok
else fail "editions.atom is not an Atom feed"; fi
if [ "$(ed_x "count(/*[local-name()='feed']/*[local-name()='entry'])")" = 2 ]; then ok
else fail "the feed does not have 2 entries"; fi
for el in id title updated author; do
	if [ "$(ed_x "count(/*/*[local-name()='$el'])")" = 1 ]; then ok
	else fail "the feed lacks exactly one <$el>"; fi
done
for el in id title updated link summary; do
	if [ "$(ed_x "count(/*/*[local-name()='entry'][not(*[local-name()='$el'])])")" = 0 ]; then ok
	else fail "an entry lacks <$el>"; fi
done
e1="/*/*[local-name()='entry'][1]"
if [ "$(ed_x "string($e1/*[local-name()='title'])")" = "Edition 2, 2025-12-04" ] &&
   [ "$(ed_x "string($e1/*[local-name()='updated'])")" = "2025-12-04T00:00:00Z" ] &&
   [ "$(ed_x "string(/*/*[local-name()='updated'])")" = "2025-12-04T00:00:00Z" ]; then ok
else fail "the feed's newest entry is not edition 2 of 2025-12-04"; fi
ids="/*/*[local-name()='entry']/*[local-name()='id']"
if [ "$(ed_x "count($ids[. = 'tag:inferbook,2026:editions/1'])")" = 1 ] &&
   [ "$(ed_x "count($ids[. = 'tag:inferbook,2026:editions/2'])")" = 1 ]
then ok; else fail "the entries' ids are not the editions' tag URIs"; fi
# The book's cover and each handout's first page name the edition.
if pdftotext -l 1 "$P/out/explainer.pdf" - 2>/dev/null | grep -q 'Edition 2, 2025-12-04'; then ok
else fail "explainer.pdf's cover does not name edition 2"; fi
nh=0
for h in "$P"/out/handouts/*.pdf; do
	nh=$((nh + 1))
	if pdftotext -l 1 "$h" - 2>/dev/null | tr '\n' ' ' | grep -q 'Edition 2, 2025-12-04'; then ok
	else fail "$(basename "$h"): the first page does not name edition 2"; fi
done
if [ "$nh" -gt 5 ]; then ok; else fail "only $nh handouts"; fi

# ---- a second build with no edit changes nothing ----
ed_sums "$P/out" > "$TMP/sums.2"
cp "$P/data/editions.yaml" "$TMP/editions.2"
if ed_site "$E2" --record-edition > "$TMP/e2b.log" 2>&1; then ok
else fail "the repeated build failed"; fi
if cmp -s "$P/data/editions.yaml" "$TMP/editions.2"; then ok
else fail "a build with no edit changed editions.yaml"; fi
if diff <(ed_sums "$P/out") "$TMP/sums.2" > /dev/null; then ok
else fail "a build with no edit changed out/"; fi
# ... even at a later commit (committing editions.yaml moves the date):
# no new edition, the same pages and feed.
ed_site "$E3" --record-edition > /dev/null 2>&1
if cmp -s "$P/data/editions.yaml" "$TMP/editions.2" &&
   diff <(ed_sums "$P/out") "$TMP/sums.2" > /dev/null; then ok
else fail "a later build with no edit made a new edition or changed a page"; fi

# ---- a fresh copy of the project republishes the same history ----
Q=$TMP/clone
mkdir -p "$Q"
cp -R "$P/data" "$P/lessons" "$P/templates" "$Q/"
(cd "$Q" && SOURCE_DATE_EPOCH=$E3 "$INFERBOOK" site --quiet --no-pdf --out out --data data \
    --lessons lessons --templates templates) > /dev/null 2>&1
for f in changes.html editions.atom numbers.tsv index.html bandwidth-bound.html; do
	if cmp -s "$Q/out/$f" "$P/out/$f"; then ok
	else fail "a fresh copy publishes another $f"; fi
done

# ---- recording needs a date; a broken history is an error at its line ----
ed_bw 3.9 3.5
ed_sums "$P/out" > "$TMP/sums.3"
out=$(cd "$P" && env -u SOURCE_DATE_EPOCH "$INFERBOOK" site --quiet --out out --data data \
    --lessons lessons --templates templates --record-edition 2>&1); rc=$?
if [ "$rc" = 1 ] && grep -q 'editions.yaml: error: a new edition needs a date' <<<"$out" &&
   cmp -s "$P/data/editions.yaml" "$TMP/editions.2" &&
   diff <(ed_sums "$P/out") "$TMP/sums.3" > /dev/null
then ok; else fail "recording without a date: rc $rc, $out"; fi
# Without --record-edition, the pending edition is shown, not recorded.
(cd "$P" && env -u SOURCE_DATE_EPOCH "$INFERBOOK" site --quiet --no-pdf --out out2 --data data \
    --lessons lessons --templates templates) > /dev/null 2>&1
if grep -q '<h2>Edition 3, not yet recorded</h2>' "$P/out2/changes.html" &&
   cmp -s "$P/data/editions.yaml" "$TMP/editions.2"; then ok
else fail "an unrecorded build does not show edition 3 as not yet recorded"; fi
cp "$TMP/editions.2" "$TMP/bad.yaml"
sed -i '0,/^  - number: 1$/s//  - number: 7/' "$TMP/bad.yaml"
cp "$TMP/bad.yaml" "$P/data/editions.yaml"
out=$(cd "$P" && SOURCE_DATE_EPOCH=$E3 "$INFERBOOK" site --quiet --no-pdf --out out3 --data data \
    --lessons lessons --templates templates 2>&1); rc=$?
if [ "$rc" = 1 ] && [ ! -e "$P/out3" ] &&
   grep -q '^data/editions.yaml:[0-9]*:[0-9]*: error: edition 7 follows edition 2' <<<"$out"
then ok
else fail "a broken editions.yaml: rc $rc, $out"; fi
cp "$TMP/editions.2" "$P/data/editions.yaml"

# ---- inferbook diff ----
F=tests/fixtures/editions
golden diff/report.txt "$INFERBOOK" diff --lessons $F/lessons $F/old $F/new
golden diff/report.json "$INFERBOOK" diff --format json --lessons $F/lessons $F/old $F/new
if "$INFERBOOK" diff --format json --lessons $F/lessons $F/old $F/new |
    jq -e '.numbers | length == 6' > /dev/null; then ok
else fail "diff --format json is not valid JSON"; fi
expect_status 0 "$INFERBOOK" diff --lessons $F/lessons $F/old $F/old
expect_status 1 "$INFERBOOK" diff --lessons $F/lessons $F/old $F/new
expect_status 2 "$INFERBOOK" diff $F/old
expect_status 2 "$INFERBOOK" diff --format yaml $F/old $F/new
expect_status 2 "$INFERBOOK" diff $F/old "$TMP/no-such-folder"
expect_status 2 "$INFERBOOK" diff $F/old --bogus
# Between the data of editions 1 and 2: the same moved numbers as recorded.
"$INFERBOOK" diff "$TMP/data.1" "$TMP/clone/data" > "$TMP/diff.txt" 2>&1; rc=$?
n=$(grep -c '^    .*: .* -> .* (.*)$' "$TMP/diff.txt")
if [ "$rc" = 1 ] && [ "$n" = "$nmoved" ] &&
   grep -q '^  hardware.yaml h100-sxm hbm_tb_per_s: 3.35 -> 3.9$' "$TMP/diff.txt"; then ok
else fail "diff of the editions' data: rc $rc, $n moved (want $nmoved)"; fi
expect_status 0 "$INFERBOOK" diff "$TMP/clone/data" "$TMP/clone/data"
# Two git revisions of a project: the same report as the two folders.
G=$TMP/git
mkdir -p "$G"
cp -R "$TMP/data.1" "$G/data"
cp -R lessons templates "$G/"
(cd "$G" && git init -q && git add data lessons templates &&
    git -c user.name=t -c user.email=t@example.org commit -qm one &&
    cp "$TMP/clone/data/hardware.yaml" data/hardware.yaml &&
    git -c user.name=t -c user.email=t@example.org commit -qam two) > /dev/null 2>&1
out=$(cd "$G" && "$INFERBOOK" diff HEAD~1 HEAD 2>&1); rc=$?
if [ "$rc" = 1 ] && [ "$out" = "$(grep -v 'editions.yaml' "$TMP/diff.txt")" ]; then ok
else fail "diff HEAD~1 HEAD: rc $rc, differs from the folders' report"; fi
expect_status 0 sh -c "cd '$G' && '$INFERBOOK' diff HEAD HEAD"
expect_status 2 sh -c "cd '$G' && '$INFERBOOK' diff HEAD no-such-revision"
if [ -z "$(ls -d /tmp/inferbook-diff-* /tmp/inferbook-diffout-* 2>/dev/null)" ]; then ok
else fail "diff left temporary folders"; fi
cd "$ed_root"
