# The bad-input corpus (tests/bad/README.md): every case must be refused
# with exit status 1 and exactly the diagnostic in its `expected` file
# (make regen rewrites them; review the diff).
#
#   tests/bad/data/NAME/     files that replace tests/bad/base/*.yaml (a file
#                            `remove` lists base files to delete); run as
#                            `inferbook check --data NAME` from a scratch folder
#   tests/bad/lesson/NAME/   a lessons folder; `inferbook check --data
#                            tests/bad/base --lessons tests/bad/lesson/NAME`
#                            (the small base data: no warnings from data/)
#   tests/bad/gen/NAME/      cases made at test time (too big to commit, or
#                            symlinks): only `expected` is committed
#   tests/bad/site/NAME/     lessons + templates for `inferbook site` (once
#                            the site command takes --templates)

# Copies the base data and the case's files to $TMP/bad/NAME.
S_bad_stage() {
	local name=$1 src=$2 d="$TMP/bad/$1" f
	rm -rf "$d"; mkdir -p "$d"
	cp tests/bad/base/*.yaml "$d"/
	for f in "$src"/*; do
		[ -e "$f" ] || continue
		case ${f##*/} in
		expected) ;;
		remove) while read -r f; do rm -f "$d/$f"; done < "$src/remove" ;;
		*) cp "$f" "$d"/ ;;
		esac
	done
}

# Runs CMD... in folder DIR.
S_bad_in() { local d=$1; shift; (cd "$d" && "$@"); }

# Checks data folder $TMP/bad/NAME, with the path printed relative.
S_bad_check() {
	(cd "$TMP/bad" && "$INFERBOOK" check --data "$1")
}

for t_case in tests/bad/data/*/; do
	t_case=${t_case%/}; t_name=${t_case##*/}
	S_bad_stage "$t_name" "$t_case"
	golden "../bad/data/$t_name/expected" S_bad_check "$t_name"
done

for t_case in tests/bad/lesson/*/; do
	t_case=${t_case%/}; t_name=${t_case##*/}
	golden "../bad/lesson/$t_name/expected" "$INFERBOOK" check --data tests/bad/base --lessons "$t_case"
done

# ---- generated cases ----

# A 50 MB hardware.yaml: refused by size before it is read (the reader caps
# files at UTIL_MAX_FILE_BYTES), so quickly.
S_bad_stage big-file tests/bad/gen/big-file
head -c 50000000 /dev/zero | tr '\0' '#' > "$TMP/bad/big-file/hardware.yaml"
t_t0=$(date +%s%N)
golden ../bad/gen/big-file/expected S_bad_check big-file
t_ms=$(( ($(date +%s%N) - t_t0) / 1000000 ))
if [ "$t_ms" -lt 2000 ]; then ok; else fail "50 MB file took $t_ms ms (limit 2000)"; fi
rm -f "$TMP/bad/big-file/hardware.yaml"

# More YAML nodes than YTREE_MAX_NODES (a 400 kB flow sequence).
S_bad_stage too-many-nodes tests/bad/gen/too-many-nodes
{ printf -- '- id: h100-sxm\n  notes: ['; printf '1,%.0s' $(seq 200001); printf '1]\n'; } \
	> "$TMP/bad/too-many-nodes/hardware.yaml"
golden ../bad/gen/too-many-nodes/expected S_bad_check too-many-nodes

# More {{ }} in one lesson than LESSON_MAX_EXPRS.
mkdir -p "$TMP/bad/too-many-exprs"
{ printf -- '---\ntitle: T\norder: 1\nsummary: S.\nscenarios:\n  a: { model: llama-3.1-70b, hardware: h100-sxm }\n---\n'
  printf '{{ a.batch }}\n%.0s' $(seq 4097); } > "$TMP/bad/too-many-exprs/01-bad.md"
golden ../bad/gen/too-many-exprs/expected S_bad_in "$TMP/bad" \
	"$INFERBOOK" check --data "$PWD/tests/bad/base" --lessons too-many-exprs

# Resource bounds (tests/t_bounds.sh times the worst inputs under them).
# A 50,000-character chip name: refused by the name limit before any
# layout (it once took a full build 166 s in pango's line breaking).
S_bad_stage name-50k tests/bad/gen/name-50k
sed -i "s/^  name: .*/  name: $(head -c 50000 /dev/zero | tr '\0' 'N')/" \
	"$TMP/bad/name-50k/hardware.yaml"
golden ../bad/gen/name-50k/expected S_bad_check name-50k

# The 104 KB lesson of 4,000 {{ table measurements }} (once 128 s, 3.2 GB
# and 57 MB written): refused at the ninth table, quickly.
mkdir -p "$TMP/bad/tables-4000"
{ printf -- '---\ntitle: T\norder: 1\nsummary: S.\n---\n# T\n\n'
  printf '{{ table measurements }}\n\n%.0s' $(seq 4000); } > "$TMP/bad/tables-4000/01-t.md"
t_t0=$(date +%s%N)
golden ../bad/gen/tables-4000/expected S_bad_in "$TMP/bad" \
	"$INFERBOOK" check --data "$PWD/tests/bad/base" --lessons tables-4000
t_ms=$(( ($(date +%s%N) - t_t0) / 1000000 ))
if [ "$t_ms" -lt 2000 ]; then ok; else fail "4,000 tables took $t_ms ms (limit 2000)"; fi

# A lesson that expands past LESSON_MAX_EXPANDED (a 300 KB word).
mkdir -p "$TMP/bad/lesson-too-big"
{ printf -- '---\ntitle: T\norder: 1\nsummary: S.\n---\n# T\n\n'
  head -c 300000 /dev/zero | tr '\0' 'x'; echo; } > "$TMP/bad/lesson-too-big/01-big.md"
golden ../bad/gen/lesson-too-big/expected S_bad_in "$TMP/bad" \
	"$INFERBOOK" check --data "$PWD/tests/bad/base" --lessons lesson-too-big

# calc --batch beyond its range says what the range is.
golden ../bad/gen/calc-batch-huge/expected "$INFERBOOK" calc --data tests/bad/base \
	--model llama-3.1-70b --hardware h100-sxm --batch 1e15

# A hardware.yaml that is a folder.
S_bad_stage file-is-dir tests/bad/gen/file-is-dir
rm -f "$TMP/bad/file-is-dir/hardware.yaml"; mkdir "$TMP/bad/file-is-dir/hardware.yaml"
golden ../bad/gen/file-is-dir/expected S_bad_check file-is-dir

# The billion-laughs alias bomb (committed, tests/bad/data/alias-bomb) must
# be refused quickly and in bounded memory: 9^9 nodes if it expanded.  The
# memory cap is skipped under ASan, which reserves terabytes of address space.
S_bad_stage alias-bomb tests/bad/data/alias-bomb
t_t0=$(date +%s%N)
if [ "${SAN:-}" = 1 ]; then
	S_bad_check alias-bomb > "$TMP/out" 2>&1; t_rc=$?
else
	(ulimit -v 200000; S_bad_check alias-bomb) > "$TMP/out" 2>&1; t_rc=$?
fi
t_ms=$(( ($(date +%s%N) - t_t0) / 1000000 ))
if [ "$t_rc" = 1 ] && [ "$t_ms" -lt 2000 ]; then ok
else fail "alias bomb: exit $t_rc after $t_ms ms (want 1, under 2000 ms)"; cat "$TMP/out" >&2; fi

# A lesson that is a symbolic link to a file outside the lessons folder
# (a valid lesson, so only the link itself is wrong).
mkdir -p "$TMP/bad/lessons-link/lessons"
cp tests/bad/gen/symlink-lesson/outside.md "$TMP/bad/lessons-link/outside.md"
ln -s ../outside.md "$TMP/bad/lessons-link/lessons/01-outside.md"
golden ../bad/gen/symlink-lesson/expected S_bad_in "$TMP/bad/lessons-link" \
	"$INFERBOOK" check --data "$PWD/tests/bad/base" --lessons lessons

# ---- site builds (tests/bad/site/NAME: lessons/, templates/ and data/ that
# replace the defaults: tests/bad/site/base-lessons, the project's
# templates, tests/bad/base) ----

# Stages $TMP/site/NAME/{data,lessons,templates}.
S_site_stage() {
	local src=tests/bad/site/$1 d="$TMP/site/$1"
	rm -rf "$d"; mkdir -p "$d"
	cp -R tests/bad/base "$d/data"
	[ -d "$src/data" ] && cp "$src"/data/* "$d/data/"
	if [ -d "$src/lessons" ]; then cp -R "$src/lessons" "$d/lessons"
	else cp -R tests/bad/site/base-lessons "$d/lessons"; fi
	cp -R templates "$d/templates"
	[ -d "$src/templates" ] && cp "$src"/templates/* "$d/templates/"
	return 0
}

S_site_build() {
	(cd "$TMP/site/$1" && "$INFERBOOK" site --out out --data data --lessons lessons \
	    --templates templates)
}

# The same, with the list of known figures elided (it grows with the chart
# module; the case is about the error, not the list).
S_site_build_case() {
	local rc
	S_site_build "$1" > "$TMP/site.out" 2>&1; rc=$?
	sed 's/(known: [^)]*)/(known: ...)/' "$TMP/site.out"
	return $rc
}

S_site_stage base-lessons
if S_site_build base-lessons 2>&1 | grep -q "unrecognized option"; then
	echo "  (t_bad.sh: site cases skipped: inferbook site takes no --lessons/--templates yet)"
else
	for t_case in tests/bad/site/*/; do
		t_case=${t_case%/}; t_name=${t_case##*/}
		case $t_name in base-lessons|escape) continue ;; esac
		S_site_stage "$t_name"
		golden "../bad/site/$t_name/expected" S_site_build_case "$t_name"
		# A failed build publishes nothing and leaves no staging folder.
		t_left=$(cd "$TMP/site/$t_name" && ls -d out out.* 2>/dev/null)
		if [ -z "$t_left" ]; then ok; else fail "site/$t_name left: $t_left"; fi
	done

	# `check` and `site` read lessons and data through the same loaders
	# (lesson_dir_load, data_load): each refuses every case of the other.
	# Templates are the site's alone (tmpl-* cases).
	for t_case in tests/bad/site/*/; do
		t_case=${t_case%/}; t_name=${t_case##*/}
		case $t_name in base-lessons|escape|tmpl-*) continue ;; esac
		S_site_stage "$t_name"
		expect_status 1 S_bad_in "$TMP/site/$t_name" "$INFERBOOK" check --data data \
		    --lessons lessons
	done
	for t_case in tests/bad/lesson/*/; do
		t_case=${t_case%/}; t_name=${t_case##*/}
		S_site_stage base-lessons
		rm -rf "$TMP/site/base-lessons/lessons"
		cp -R "$t_case" "$TMP/site/base-lessons/lessons"
		expect_status 1 S_site_build base-lessons
	done
	for t_case in tests/bad/data/*/; do
		t_case=${t_case%/}; t_name=${t_case##*/}
		S_bad_stage "$t_name" "$t_case"
		S_site_stage base-lessons
		rm -rf "$TMP/site/base-lessons/data"
		cp -R "$TMP/bad/$t_name" "$TMP/site/base-lessons/data"
		expect_status 1 S_site_build base-lessons
	done

	# --out naming an input folder, or the working directory: refused,
	# and the inputs untouched.
	S_site_stage base-lessons
	for t_out in lessons . ; do
		t_name=out-$( [ "$t_out" = . ] && echo dot || echo "$t_out")
		golden "../bad/gen/$t_name/expected" S_bad_in "$TMP/site/base-lessons" \
			"$INFERBOOK" site --out "$t_out" --data data --lessons lessons --templates templates
	done
	if cmp -s tests/bad/site/base-lessons/01-one.md "$TMP/site/base-lessons/lessons/01-one.md"
	then ok; else fail "--out lessons touched the lessons"; fi

	# A lesson that is a symbolic link to a file outside lessons/.
	S_site_stage base-lessons
	cp tests/bad/gen/symlink-lesson/outside.md "$TMP/site/base-lessons/outside.md"
	ln -s ../outside.md "$TMP/site/base-lessons/lessons/02-outside.md"
	golden ../bad/gen/site-symlink-lesson/expected S_site_build base-lessons

	# Symbolic links in templates/ (a stylesheet, a partial) and data/ are
	# refused, not followed: they could publish any file of the machine.
	for t_link in templates/print.css templates/footer.html data/hardware.yaml; do
		t_name=symlink-${t_link%%/*}-${t_link##*/}; t_name=${t_name%.*}
		S_site_stage base-lessons
		cp "$TMP/site/base-lessons/$t_link" "$TMP/site/outside"
		rm "$TMP/site/base-lessons/$t_link"
		ln -s "$TMP/site/outside" "$TMP/site/base-lessons/$t_link"
		golden "../bad/gen/$t_name/expected" S_site_build base-lessons
		t_left=$(cd "$TMP/site/base-lessons" && ls -d out out.* 2>/dev/null)
		if [ -z "$t_left" ]; then ok; else fail "$t_name left: $t_left"; fi
	done

	# The per-site bounds: 5 lessons of 8 tables (32 in a site), and 5
	# lessons that expand to 220 KB each (1 MiB in a site), in the text or
	# in answer blocks the lesson pages hide (the answers page shows them);
	# refused at the lesson that passes the bound, before any typesetting.
	for t_kind in tables words answers; do
		S_site_stage base-lessons
		for t_i in 2 3 4 5 6; do
			{ printf -- '---\ntitle: T\norder: %d\nsummary: S.\n---\n# T\n\n' $t_i
			  case $t_kind in
			  tables) printf '{{ table measurements }}\n\n%.0s' $(seq 8) ;;
			  words) head -c 220000 /dev/zero | tr '\0' 'x'; echo ;;
			  answers) printf '{{ answer }}\n'; head -c 220000 /dev/zero | tr '\0' 'x'
				printf '\n{{ end answer }}\n' ;;
			  esac
			} > "$TMP/site/base-lessons/lessons/0$t_i-l$t_i.md"
		done
		golden "../bad/gen/site-too-many-$t_kind/expected" S_site_build base-lessons
		t_left=$(cd "$TMP/site/base-lessons" && ls -d out out.* 2>/dev/null)
		if [ -z "$t_left" ]; then ok; else fail "site-too-many-$t_kind left: $t_left"; fi
	done

	# More lessons than a site may hold (each is a page and a handout).
	S_site_stage base-lessons
	for t_i in $(seq 10 137); do
		printf -- '---\ntitle: T\norder: %d\nsummary: S.\n---\n# T\n' "$t_i" \
			> "$TMP/site/base-lessons/lessons/$t_i-l$t_i.md"
	done
	golden ../bad/gen/site-too-many-lessons/expected S_site_build base-lessons

	# $SOURCE_DATE_EPOCH that is not a date, or one past the year 9999 (a
	# PDF date has four digits for the year): an error naming it, and
	# nothing published.
	S_sde_build() { (export SOURCE_DATE_EPOCH=$1; S_site_build base-lessons); }
	for t_sde in source-date-word:abc source-date-10000:253402300800; do
		S_site_stage base-lessons
		golden "../bad/gen/${t_sde%%:*}/expected" S_sde_build "${t_sde#*:}"
		t_left=$(cd "$TMP/site/base-lessons" && ls -d out out.* 2>/dev/null)
		if [ -z "$t_left" ]; then ok; else fail "${t_sde%%:*} left: $t_left"; fi
	done

	# Hostile text in data strings and lesson text must come out escaped:
	# no live <script>, event handler or javascript: link anywhere in out/,
	# and the text itself still there, as entities.
	S_site_stage escape
	if S_site_build escape > "$TMP/escape.log" 2>&1; then
		ok
		t_out=$TMP/site/escape/out
		# (A live tag needs a literal '<'; the CSV files are data, quoted as CSV.)
		if grep -rEn --include='*.html' --include='*.svg' \
		    "<script>alert|<img src=x|<div onclick|<a href=\"javascript:|onfocus=\"|<b onclick" \
		    "$t_out" \
		    > "$TMP/live"; then
			fail "unescaped markup in the site:"; head -10 "$TMP/live" >&2
		else ok; fi
		for t_want in "chips.html:NVIDIA &lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; &quot;H100&quot;" \
		    "models.html:Llama &lt;script&gt;alert(&#39;model&#39;)&lt;/script&gt; &quot;70B&quot;" \
		    "index.html:A “quoted” &lt;script&gt;alert(‘title’)&lt;/script&gt; lesson" \
		    "index.html:Summary “&gt;&lt;script&gt;alert(‘summary’)&lt;/script&gt;" \
		    "one.html:Body &lt;script&gt;alert(" \
		    "one.html:on NVIDIA &lt;script&gt;alert(" \
		    "one.html:with Llama &lt;script&gt;alert(" \
		    "one.html:title=\"a &quot;title&quot; onmouseover=&quot;alert(1)&quot;\"" \
		    "one.html:<figure class=\"chart\"" \
		    "raw.html:<figure class=\"chart\"" \
		    "raw.html:<div class=\"chip\" title=\"H100&#34; tabindex&#61;1 autofocus onfocus&#61;&#34;alert&#40;&#39;focus&#39;&#41;\">" \
		    "answers.html:<p class=\"note\">This page opted into raw HTML" \
		    "answers.html:Answer &lt;b onclick=&quot;alert('answer')&quot;&gt;bold&lt;/b&gt; and <a href=\"#unsafe-url\">"; do
			if grep -qF -- "${t_want#*:}" "$t_out/${t_want%%:*}"; then ok
			else fail "escape: ${t_want%%:*} lacks: ${t_want#*:}"; fi
		done
		# A '"' in a chip's name once ended the figure's Markdown title
		# early: the figure vanished from web and print.
		if ! command -v pdftotext > /dev/null ||
		    pdftotext "$t_out/handouts/raw.pdf" - | grep -q 'Attainable FLOP/s'; then ok
		else fail "escape: handouts/raw.pdf lacks its figure"; fi
	else
		fail "site build with hostile text failed:"; head -20 "$TMP/escape.log" >&2
	fi
fi
