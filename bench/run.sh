#!/bin/bash
# bench/run.sh -- `make bench`: how fast the publishing loop is, and the same
# work side by side with pandoc and headless Chromium.  Not part of `make
# check` (it takes a minute or two and installs the comparison tools).
#
#   B=build RUNS=5 bash bench/run.sh        (make bench does this)
#
# Every row is the median of RUNS timed runs (at least 5) after one
# untimed warm-up, with the min and max.  Wall times come from the clock
# around the command (date +%s%N); peak memory from /usr/bin/time's
# maximum resident set size.  The table is printed and also written to
# $B/bench/results.md (Markdown, for bench/RESULTS.md).
#
# pandoc and chromium are not dependencies of inferbook: they are
# installed here with apt-get when missing (as root or with password-less
# sudo); a row whose tool cannot be had says so instead of a number.
set -euo pipefail

B=${B:-build}
RUNS=${RUNS:-5}
[ "$RUNS" -ge 5 ] || RUNS=5
BIN=$B/inferbook
SWEEP=$B/bench/sweep
STAGES=$B/bench/stages
CHIP=${BENCH_CHIP:-h100-sxm}		# the chip whose bandwidth changes
CHIP_TBPS=${BENCH_CHIP_TBPS:-3.9}	# its new bandwidth, TB/s

for f in "$BIN" "$SWEEP" "$STAGES"; do
	[ -x "$f" ] || { echo "bench: $f is missing (run make bench)" >&2; exit 1; }
done

W=$(mktemp -d "${TMPDIR:-/tmp}/inferbook-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
ROWS=$W/rows
: > "$ROWS"

say() { echo "bench: $*" >&2; }

# ---- comparison tools ----
S_apt() {
	local sudo=
	if [ "$(id -u)" -ne 0 ]; then
		sudo -n true 2>/dev/null || return 1
		sudo="sudo -n"
	fi
	command -v apt-get >/dev/null || return 1
	say "installing $* (for the side-by-side rows only)"
	$sudo apt-get install -y --no-install-recommends "$@" >"$W/apt.log" 2>&1 ||
	    { $sudo apt-get update >>"$W/apt.log" 2>&1 &&
	      $sudo apt-get install -y --no-install-recommends "$@" >>"$W/apt.log" 2>&1; }
}
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
command -v pandoc >/dev/null || S_apt pandoc || say "pandoc unavailable: its row is skipped"
if [ -z "$CHROMIUM" ]; then
	S_apt chromium || true
	CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
	[ -n "$CHROMIUM" ] || say "chromium unavailable: its row is skipped"
fi
[ -x /usr/bin/time ] || S_apt time || { say "/usr/bin/time is needed (Debian package time)"; exit 1; }

# ---- helpers ----
# Nanoseconds on the monotonic-enough wall clock.
now_ns() { date +%s%N; }

# stats VALUES... -> "median min max" (numeric, any count >= 1)
stats() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
		printf "%.6g %.6g %.6g\n", m, v[1], v[NR] }'
}

# row LABEL UNIT NOTE VALUES...: one table row (median, min, max).
row() {
	local label=$1 unit=$2 note=$3
	shift 3
	read -r med min max < <(stats "$@")
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$med" "$min" "$max" "$unit" "$note" >> "$ROWS"
	echo "$med"
}
# line LABEL VALUE UNIT NOTE: a row with one value (sizes, ratios).
line() {
	printf '%s\t%s\t\t\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$ROWS"
}
ms() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e6 }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.3g" : "n/a"), (b > 0 ? a / b : 0) }'; }
# A listing of a tree that changes when a file is rewritten: path inode mtime.
snap() { (cd "$1" && find . -type f -printf '%P %i %T@\n' | sort); }

say "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- 1. cold full build ----
say "1/6 cold inferbook site (x$((RUNS + 1)))"
walls=() rss=() cpu=()
for i in $(seq 0 "$RUNS"); do
	rm -rf "$W/cold"
	t0=$(now_ns)
	/usr/bin/time -f '%M %U %S' -o "$W/rss" "$BIN" site --quiet --out "$W/cold"
	t1=$(now_ns)
	[ "$i" -eq 0 ] && continue
	walls+=("$(ms $((t1 - t0)))")
	rss+=("$(awk '{ printf "%.1f", $1 / 1024 }' "$W/rss")")
	cpu+=("$(awk '{ printf "%.0f", ($2 + $3) * 1000 }' "$W/rss")")
done
row "cold \`inferbook site\` (all pages, charts SVG+PNG+CSV, book + handout PDFs)" ms \
    "target < 1000 ms" "${walls[@]}" >/dev/null
row "  its CPU time (user + sys, all threads)" ms "wall >= CPU / $(nproc) on an idle machine" \
    "${cpu[@]}" >/dev/null
row "  its peak memory (max RSS)" MB "target < 100 MB" "${rss[@]}" >/dev/null
walls=()
for i in $(seq 0 "$RUNS"); do
	rm -rf "$W/cold1"
	t0=$(now_ns)
	"$BIN" site --quiet --jobs 1 --out "$W/cold1"
	t1=$(now_ns)
	[ "$i" -eq 0 ] || walls+=("$(ms $((t1 - t0)))")
done
row "  the same with --jobs 1 (charts on one thread)" ms "" "${walls[@]}" >/dev/null
diff -r -q "$W/cold" "$W/cold1" >/dev/null || { say "--jobs 1 and --jobs $(nproc) differ"; exit 1; }
NFILES=$(find "$W/cold" -type f | wc -l)
NCHARTS=$(find "$W/cold/charts" -name '*.png' 2>/dev/null | wc -l)

# ---- 2. no-op make site ----
say "2/6 no-op make site (x$((RUNS + 1)))"
make --no-print-directory B="$B" OUT="$W/mk" site >/dev/null
before=$(snap "$W/mk")
walls=()
for i in $(seq 0 "$RUNS"); do
	t0=$(now_ns)
	make --no-print-directory B="$B" OUT="$W/mk" site > "$W/mk.log" 2>&1
	t1=$(now_ns)
	if grep -q 'inferbook site\|site --out' "$W/mk.log"; then
		say "no-op make site rebuilt something:"; cat "$W/mk.log" >&2; exit 1
	fi
	[ "$i" -eq 0 ] || walls+=("$(ms $((t1 - t0)))")
done
[ "$(snap "$W/mk")" = "$before" ] || { say "no-op make site touched out/"; exit 1; }
row "no-op \`make site\` (nothing changed; out/ untouched)" ms "target < 50 ms" "${walls[@]}" >/dev/null

# ---- 3. one chip's bandwidth changes ----
say "3/6 rebuild after $CHIP's bandwidth changes (x$((RUNS + 1)))"
cp -R data "$W/data"
cp data/hardware.yaml "$W/hardware.orig"
awk -v id="$CHIP" -v v="$CHIP_TBPS" '
	/^- id: / { in_chip = ($3 == id) }
	in_chip && /^  hbm_tb_per_s:/ { sub(/hbm_tb_per_s: *[0-9.]+/, "hbm_tb_per_s: " v); done = 1 }
	{ print }
	END { if (!done) exit 1 }' data/hardware.yaml > "$W/hardware.new" ||
    { say "no hbm_tb_per_s line for $CHIP in data/hardware.yaml"; exit 1; }
walls=() changed=() kept=()
needless=0
for i in $(seq 0 "$RUNS"); do
	cp "$W/hardware.orig" "$W/data/hardware.yaml"
	"$BIN" site --quiet --data "$W/data" --out "$W/chip"
	before=$(snap "$W/chip")
	rm -rf "$W/chip.before"
	cp -R "$W/chip" "$W/chip.before"
	cp "$W/hardware.new" "$W/data/hardware.yaml"
	t0=$(now_ns)
	"$BIN" site --data "$W/data" --out "$W/chip" > "$W/chip.log"
	t1=$(now_ns)
	[ "$i" -eq 0 ] && continue
	walls+=("$(ms $((t1 - t0)))")
	after=$(snap "$W/chip")
	# Kept: same path, inode and mtime; everything else was (re)written.
	k=$(comm -12 <(echo "$before") <(echo "$after") | wc -l)
	kept+=("$k")
	changed+=("$(( $(echo "$after" | wc -l) - k ))")
	# A rewritten file must differ from what it replaced.
	while read -r f; do
		[ -f "$W/chip.before/$f" ] && cmp -s "$W/chip.before/$f" "$W/chip/$f" &&
		    needless=$((needless + 1))
	done < <(comm -13 <(echo "$before") <(echo "$after") | cut -d' ' -f1)
done
NUMREPORT=$(grep '^site:' "$W/chip.log" | tail -n 1 || true)
row "rebuild after $CHIP hbm_tb_per_s -> $CHIP_TBPS (data/ copy)" ms "target < 1000 ms" "${walls[@]}" >/dev/null
C_MED=$(stats "${changed[@]}" | cut -d' ' -f1)
K_MED=$(stats "${kept[@]}" | cut -d' ' -f1)
line "  files rewritten / kept (inode+mtime compared)" "$C_MED / $K_MED" files \
    "rewritten with identical bytes: $needless; the tool says: $NUMREPORT"

# ---- 4. calc sweep ----
say "4/6 calc sweep (x$((RUNS + 1)))"
walls=() rates=()
for i in $(seq 0 "$RUNS"); do
	out=$("$SWEEP" data 1e6)
	[ "$i" -eq 0 ] && continue
	walls+=("$(awk '{ printf "%.3f", $6 * 1000 }' <<< "$out")")
	rates+=("$(awk '{ printf "%.0f", $8 }' <<< "$out")")
done
NSCEN=$(awk '{ print $2 }' <<< "$out")
row "calc core: sweep of $NSCEN scenarios (every quantity)" ms "target < 200 ms" "${walls[@]}" >/dev/null
row "  scenarios per second" "1/s" "" "${rates[@]}" >/dev/null

# ---- 5a. HTML stage vs pandoc ----
say "5/6 HTML stage vs pandoc, PDF stage vs Chromium"
"$STAGES" expand data lessons "$W/md"
MDS=("$W"/md/*.md)
ND=${#MDS[@]}
mapfile -t runs < <("$STAGES" html "$RUNS" "${MDS[@]}" | awk '$1 == "run" { printf "%.4f\n", $2 * 1000 }')
HTML_MS=$(row "HTML stage (cmark-gfm + site rules), $ND expanded lessons, in process" ms "" "${runs[@]}")
walls=()
for i in $(seq 0 "$RUNS"); do
	t0=$(now_ns)
	for f in "${MDS[@]}"; do "$STAGES" html 0 "$f" > /dev/null; done
	t1=$(now_ns)
	[ "$i" -eq 0 ] || walls+=("$(ms $((t1 - t0)))")
done
HTMLP_MS=$(row "HTML stage, one process per lesson (exec + libraries included)" ms "" "${walls[@]}")
if command -v pandoc >/dev/null; then
	walls=()
	for i in $(seq 0 "$RUNS"); do
		t0=$(now_ns)
		for f in "${MDS[@]}"; do pandoc -f gfm -t html "$f" -o "$W/pandoc.html"; done
		t1=$(now_ns)
		[ "$i" -eq 0 ] || walls+=("$(ms $((t1 - t0)))")
	done
	PANDOC_MS=$(row "pandoc $(pandoc --version | head -n 1 | cut -d' ' -f2) -f gfm -t html, same $ND files" \
	    ms "one process per file" "${walls[@]}")
	line "  ratio pandoc / HTML stage (in process)" "$(div "$PANDOC_MS" "$HTML_MS")" x "target >= 20"
	line "  ratio pandoc / HTML stage (process per file)" "$(div "$PANDOC_MS" "$HTMLP_MS")" x ""
else
	line "pandoc -> HTML" "skipped" "" "pandoc not installed"
fi

# ---- 5b. PDF stage vs Chromium ----
NH=0
[ -d "$W/cold/handouts" ] && NH=$(find "$W/cold/handouts" -name '*.pdf' | wc -l)
if [ "$NH" -eq 0 ]; then
	line "PDF stage" "pending" "" "the site publishes no handouts yet"
else
	out=$("$STAGES" pdf "$RUNS" data lessons "$W/pdf")
	cold=$(awk '$1 == "cold" { printf "%.3f", $2 * 1000 / '"$ND"' }' <<< "$out")
	mapfile -t runs < <(awk '$1 == "run" { printf "%.3f\n", $2 * 1000 / '"$ND"' }' <<< "$out")
	PDF_MS=$(row "PDF stage (pango/cairo), per handout, in process" "ms/handout" \
	    "first pass incl. font setup: $cold ms" "${runs[@]}")
	walls=()
	for i in $(seq 0 "$RUNS"); do
		t0=$(now_ns)
		"$STAGES" pdf 0 data lessons "$W/pdfp" > /dev/null
		t1=$(now_ns)
		[ "$i" -eq 0 ] || walls+=("$(ms $(( (t1 - t0) / ND )))")
	done
	PDFP_MS=$(row "PDF stage, one process for all handouts (exec, data, expansion, fonts included)" \
	    "ms/handout" "" "${walls[@]}")
	if [ -n "$CHROMIUM" ]; then
		walls=()
		mkdir -p "$W/chr"
		for i in $(seq 0 "$RUNS"); do
			t0=$(now_ns)
			for f in "${MDS[@]}"; do
				s=$(basename "$f" .md)
				prof=$(mktemp -d "$W/chr/profile.XXXXXX")
				"$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
				    --disable-background-networking --disable-component-update --disable-sync \
				    --user-data-dir="$prof" --print-to-pdf="$W/chr/$s.pdf" \
				    "file://$W/cold/$s.html" > /dev/null 2>&1
				rm -rf "$prof"
			done
			t1=$(now_ns)
			[ "$i" -eq 0 ] || walls+=("$(ms $(( (t1 - t0) / ND )))")
		done
		CHR_MS=$(row "Chromium $("$CHROMIUM" --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -n 1) --headless --print-to-pdf, the site's lesson pages" \
		    "ms/handout" "fresh profile each" "${walls[@]}")
		line "  ratio Chromium / PDF stage (in process)" "$(div "$CHR_MS" "$PDF_MS")" x "target >= 25"
		line "  ratio Chromium / PDF stage (one process)" "$(div "$CHR_MS" "$PDFP_MS")" x ""
	else
		line "Chromium --print-to-pdf" "skipped" "" "chromium not installed"
	fi
fi

# ---- 6. sizes ----
say "6/6 sizes"
sum() { find "$@" -type f -printf '%s\n' 2>/dev/null | awk '{ s += $1 } END { printf "%d", s }'; }
line "out/ total ($NFILES files, $NCHARTS charts)" "$(sum "$W/cold")" bytes ""
read -r lsz lname < <(find "$W/cold" -maxdepth 1 -name '*.html' -printf '%s %f\n' | sort -n | tail -n 1)
line "  largest page ($lname)" "$lsz" bytes ""
line "  charts (SVG + PNG + CSV)" "$(sum "$W/cold/charts")" bytes ""
if [ -f "$W/cold/explainer.pdf" ]; then
	line "  book PDF (explainer.pdf)" "$(stat -c %s "$W/cold/explainer.pdf")" bytes ""
	read -r hsz hname < <(find "$W/cold/handouts" -name '*.pdf' -printf '%s %f\n' | sort -n | tail -n 1)
	line "  handout PDFs ($NH), total / largest ($hname)" "$(sum "$W/cold/handouts") / $hsz" bytes ""
fi
[ -d "$W/chr" ] && line "  Chromium's PDFs of the same pages, total" "$(sum "$W/chr" -name '*.pdf')" bytes ""

# ---- the table ----
mkdir -p "$B/bench"
{
	echo "| | median | min | max | unit | note |"
	echo "|---|---:|---:|---:|---|---|"
	awk -F'\t' '{ for (i = 1; i <= 6; i++) gsub(/\|/, "\\|", $i);
	    printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$ROWS"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs; load average $LOAD0 before," \
	    "$(cut -d' ' -f1-3 /proc/loadavg) after; $RUNS runs per row after one warm-up."
} > "$B/bench/results.md"
cat "$B/bench/results.md"
