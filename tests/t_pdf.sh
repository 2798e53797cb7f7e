# PDF handouts and the book, checked with poppler-utils.  Until the site
# writes PDFs, the documents come from the pdf unit suite, which writes the
# fixtures (tests/fixtures/pdf/) as PDFs into $INFERBOOK_PDF_OUT.

pdf_units="${PDF_UNITS:-$(dirname "$INFERBOOK")/unit-tests}"
if ! command -v pdfinfo >/dev/null 2>&1; then
	fail "poppler-utils (pdfinfo, pdffonts, pdftotext) are not installed"
elif [ ! -x "$pdf_units" ]; then
	fail "$pdf_units is missing (make builds it with the binary)"
else
	mkdir -p "$TMP/a" "$TMP/b"
	for d in a b; do
		(cd tests && CK_RUN_SUITE=pdf CK_VERBOSITY=silent \
		    INFERBOOK_PDF_OUT="$TMP/$d" "$pdf_units") > "$TMP/units.out" 2>&1 ||
		    { fail "pdf unit suite failed"; cat "$TMP/units.out" >&2; }
	done
	P=$TMP/a

	# Determinism: two runs (two processes) give the same bytes.
	for f in book-a4-none book-a4-inline book-a4-appendix book-letter-none \
	    handout-moving handout-cost; do
		if cmp -s "$P/$f.pdf" "$TMP/b/$f.pdf"; then ok
		else fail "$f.pdf differs between two builds"; fi
	done

	# pdfinfo: page counts, paper sizes, metadata.
	pdf_info() { # file field
		pdfinfo "$1" 2>/dev/null | sed -n "s/^$2: *//p"
	}
	pdf_expect() { # what got want
		if [ "$2" = "$3" ]; then ok; else fail "$1: got '$2', want '$3'"; fi
	}
	pdf_expect "A4 book pages" "$(pdf_info "$P/book-a4-none.pdf" Pages)" 14
	pdf_expect "A4 book with appendix pages" \
	    "$(pdf_info "$P/book-a4-appendix.pdf" Pages)" 15
	pdf_expect "handout pages" "$(pdf_info "$P/handout-moving.pdf" Pages)" 2
	pdf_expect "A4 size" "$(pdf_info "$P/book-a4-none.pdf" 'Page size')" \
	    "595.276 x 841.89 pts (A4)"
	pdf_expect "Letter size" "$(pdf_info "$P/book-letter-none.pdf" 'Page size')" \
	    "612 x 792 pts (letter)"
	pdf_expect "title" "$(pdf_info "$P/book-a4-none.pdf" Title)" \
	    "How Inference Works"
	pdf_expect "author" "$(pdf_info "$P/book-a4-none.pdf" Author)" \
	    "The inferbook authors"
	pdf_expect "subject" "$(pdf_info "$P/book-a4-none.pdf" Subject)" \
	    "LLM inference speed and cost"
	pdf_expect "creation date" \
	    "$(TZ=UTC pdf_info "$P/book-a4-none.pdf" CreationDate)" \
	    "Tue Nov 14 22:13:20 2023 UTC"
	pdf_expect "handout title" "$(pdf_info "$P/handout-cost.pdf" Title)" \
	    "What a token costs — How Inference Works"

	# pdffonts: every font embedded (column "emb" is yes).
	for f in "$P"/*.pdf; do
		bad=$(pdffonts "$f" | awk 'NR > 2 && $(NF-4) != "yes"')
		n=$(pdffonts "$f" | awk 'NR > 2' | wc -l)
		if [ -z "$bad" ] && [ "$n" -gt 0 ]; then ok
		else fail "$(basename "$f"): fonts not embedded: $bad"; fi
	done

	# pdftotext: every number of a lesson, in reading order.  The numbers
	# of the Markdown (link targets removed) must be a subsequence of the
	# numbers of the extracted text.
	pdf_numbers_in_order() { # markdown pdf
		sed 's/](\([^)]*\))/]/g' "$1" | grep -o '[0-9][0-9.]*[0-9]\|[0-9]' \
		    > "$TMP/want"
		pdftotext "$2" - | grep -o '[0-9][0-9.]*[0-9]\|[0-9]' > "$TMP/got"
		awk 'BEGIN { n = 0; i = 0 }
		     NR == FNR { w[n++] = $0; next }
		     i < n && $0 == w[i] { i++ }
		     END { if (i < n) { print "missing or out of order: " w[i]; exit 1 } }' \
		    "$TMP/want" "$TMP/got"
	}
	for l in moving cost; do
		if msg=$(pdf_numbers_in_order tests/fixtures/pdf/$l.md \
		    "$P/handout-$l.pdf"); then ok
		else fail "handout-$l.pdf: $msg"; fi
	done
	if msg=$(pdf_numbers_in_order tests/fixtures/pdf/moving.md \
	    "$P/book-a4-none.pdf"); then ok
	else fail "book-a4-none.pdf: $msg"; fi
	# The worked answers: in the teacher editions only.
	if pdftotext "$P/book-a4-inline.pdf" - | grep -q 'or 133 tokens per second'; then ok
	else fail "inline edition lacks the worked answers"; fi
	if pdftotext "$P/book-a4-none.pdf" - | grep -q '133 tokens per second'; then
		fail "student edition shows the worked answers"
	else ok; fi

	# Bookmarks and destinations: one per heading, TOC links to them.
	if grep -aq '/Type /Outlines' "$P/book-a4-none.pdf"; then ok
	else fail "book has no outline"; fi
	n=$(grep -ac '/Title (' "$P/book-a4-none.pdf")
	# /Title: the document's, Contents, 3 chapters, 8 headings.
	pdf_expect "outline entries" "$n" 13
	if pdfinfo -dests "$P/book-a4-none.pdf" | grep -q '"moving/what-the-numbers-say"'
	then ok; else fail "no destination for a section heading"; fi
	if grep -aq '/Dest (cost/price-per-token)' "$P/book-a4-none.pdf"; then ok
	else fail "cross-lesson link did not become an internal link"; fi
	if grep -aq '/URI (https://www.nvidia.com/en-us/data-center/h100/)' \
	    "$P/book-a4-none.pdf"; then ok
	else fail "external link missing"; fi
	# The TOC lists the chapter with its page number.
	if pdftotext -f 3 -l 3 -layout "$P/book-a4-none.pdf" - |
	    grep -q 'What a token costs *7$'; then ok
	else fail "TOC entry 'What a token costs ... 7' missing"; fi
fi

# The site's PDFs (once `inferbook site` writes them): the book and one
# handout per lesson hold every number the lesson pages show.
# pdf pages-regex numbers.tsv [student]: prints the values missing from the
# pdf; with "student", numbers printed only in worked answers are not expected.
pdf_site_numbers() {
	pdftotext "$1" - | tr -d ' \t\n\f' > "$TMP/site.txt"
	awk -F'\t' -v want="$2" -v student="${4:-}" '
		NR == FNR { text = text $0; next }
		/^#/ { next }
		{ n = split($4, pg, ", "); hit = 0; for (i = 1; i <= n; i++) if (pg[i] ~ want) hit = 1 }
		!hit { next }
		student != "" && $5 == "answer" { next }
		{ v = $3; gsub(/[ \t]/, "", v); if (index(text, v) == 0) print $3 }' \
	    "$TMP/site.txt" "$3"
}
SITE=$TMP/site
if "$INFERBOOK" site --out "$SITE" --quiet > "$TMP/site.log" 2>&1 &&
    [ -f "$SITE/explainer.pdf" ]; then
	pdf_expect "site book size" "$(pdf_info "$SITE/explainer.pdf" 'Page size')" \
	    "595.276 x 841.89 pts (A4)"
	pdf_expect "site book author" "$(pdf_info "$SITE/explainer.pdf" Author)" \
	    "The inferbook contributors"
	pdf_expect "site book title" "$(pdf_info "$SITE/explainer.pdf" Title)" \
	    "How LLM inference works, and what it costs"
	lessons=$(awk -F'\t' '!/^#/ { n = split($4, pg, ", ");
	    for (i = 1; i <= n; i++) if (pg[i] !~ /^(chips|models|answers)$/) print pg[i] }' \
	    "$SITE/numbers.tsv" | sort -u)
	for l in $lessons; do
		if [ ! -f "$SITE/handouts/$l.pdf" ]; then
			fail "site wrote no handouts/$l.pdf"; continue
		fi
		miss=$(pdf_site_numbers "$SITE/handouts/$l.pdf" "^$l\$" "$SITE/numbers.tsv" student)
		if [ -z "$miss" ]; then ok
		else fail "handouts/$l.pdf lacks: $(echo $miss | head -c 300)"; fi
	done
	miss=$(pdf_site_numbers "$SITE/explainer.pdf" '^[a-z0-9-]+$' "$SITE/numbers.tsv" student |
	    grep -vxF -f <(awk -F'\t' '$4 ~ /^(chips|models|answers)$/ { print $3 }' \
	    "$SITE/numbers.tsv") || true)
	if [ -z "$miss" ]; then ok
	else fail "explainer.pdf lacks: $(echo $miss | head -c 300)"; fi
	if pdftotext "$SITE/explainer.pdf" - | grep -q 'Student edition'; then ok
	else fail "default book is not the student edition"; fi
	# Practice problems: the student handout has the problems, not the answers.
	if [ -f "$SITE/handouts/practice.pdf" ]; then
		pdftotext "$SITE/handouts/practice.pdf" "$TMP/practice.txt"
		if grep -q 'Problem' "$TMP/practice.txt" && ! grep -q 'Answer\.' "$TMP/practice.txt"
		then ok; else fail "student practice handout: problems missing or answers shown"; fi
		if grep -q "	answer$" "$SITE/numbers.tsv"; then ok
		else fail "numbers.tsv marks no number as printed only in answers"; fi
	fi
	for f in "$SITE/explainer.pdf" "$SITE"/handouts/*.pdf; do
		bad=$(pdffonts "$f" | awk 'NR > 2 && $(NF-4) != "yes"')
		if [ -z "$bad" ]; then ok; else fail "$f: fonts not embedded"; fi
	done
	# One Markdown front end (md.h) for web and print: a straight quote in
	# print only where the web page has one too (code), and every heading
	# of a lesson has the same anchor on its page, in the book and in its
	# handout (so "#id" and "slug.html#id" mean the same heading).
	quotes() { grep -o "[\"']" | wc -l; }
	webq_all=0
	for f in "$SITE"/handouts/*.pdf; do
		l=$(basename "$f" .pdf)
		webq=$(sed 's/<[^>]*>//g; s/&quot;/"/g; s/&#39;/'"'"'/g' "$SITE/$l.html" | quotes)
		pdfq=$(pdftotext "$f" - | quotes)
		webq_all=$((webq_all + webq))
		if [ "$pdfq" -le "$webq" ]; then ok
		else fail "handouts/$l.pdf: $pdfq straight quotes, its web page $webq"; fi
		sed -n 's/.*<h[2-6] id="\([^"]*\)".*/\1/p' "$SITE/$l.html" | sort > "$TMP/web.ids"
		for pdf in "$f" "$SITE/explainer.pdf"; do
			pdfinfo -dests "$pdf" | sed -n "s|.*\"$l/\([^\"]*\)\"\$|\1|p" | sort \
			    > "$TMP/pdf.ids"
			if [ -s "$TMP/web.ids" ] && cmp -s "$TMP/web.ids" "$TMP/pdf.ids"; then ok
			else fail "$l: anchors differ between $l.html and $(basename "$pdf")"
				diff "$TMP/web.ids" "$TMP/pdf.ids" | head -5 >&2; fi
		done
	done
	pdfq=$(pdftotext "$SITE/explainer.pdf" - | quotes)
	if [ "$pdfq" -le "$webq_all" ]; then ok
	else fail "explainer.pdf: $pdfq straight quotes, the web pages $webq_all"; fi
	# Every internal link of the web pages leads to an id of its page.
	bad=$(cd "$SITE" && for h in *.html; do
		grep -o 'href="[a-z0-9-]*\.html#[^"]*"\|href="#[^"]*"' "$h" |
		    sed 's/^href="//; s/"$//' | sort -u | while read -r u; do
			page=${u%%#*}; id=${u#*#}; [ -n "$page" ] || page=$h
			grep -q " id=\"$id\"" "$page" 2>/dev/null || echo "$h -> $u"
		done
	done)
	if [ -z "$bad" ]; then ok; else fail "links to no heading: $(echo $bad | head -c 300)"; fi
	# The teacher edition on Letter paper carries the worked answers.
	if "$INFERBOOK" site --out "$SITE" --quiet --paper letter --answers appendix \
	    > "$TMP/site.log" 2>&1; then
		pdf_expect "site letter size" \
		    "$(pdf_info "$SITE/explainer.pdf" 'Page size')" "612 x 792 pts (letter)"
		miss=$(pdf_site_numbers "$SITE/explainer.pdf" '^answers$' "$SITE/numbers.tsv")
		if [ -z "$miss" ]; then ok
		else fail "teacher edition lacks answers: $(echo $miss | head -c 300)"; fi
		# ... and the practice problems' worked answers, every number.
		miss=$(pdf_site_numbers "$SITE/explainer.pdf" '^[a-z0-9-]+$' "$SITE/numbers.tsv" |
		    grep -vxF -f <(awk -F'\t' '$4 ~ /^(chips|models)$/ { print $3 }' \
		    "$SITE/numbers.tsv") || true)
		if [ -z "$miss" ]; then ok
		else fail "teacher edition lacks numbers: $(echo $miss | head -c 300)"; fi
	else
		fail "site --paper letter --answers appendix failed"; head -20 "$TMP/site.log" >&2
	fi
fi
