# Publishing that never destroys a user's files (issue #19, items 1, 2, 4
# and 7): every data-loss case of the issue, tried.  After each one, every
# user file must be intact and out/ a complete site.  Races and kills are
# made on purpose with tests/slowfs.c, an LD_PRELOAD shim built here that
# slows (or breaks, or kills) file operations on the staging folders.
# (Sourced by tests/run.sh: cwd is the project root; $TMP is scratch.)

# A project copy: the default data/, lessons/, templates/ of `site`.
pub_p=$TMP/pub
mkdir -p "$pub_p"
cp -R data lessons templates "$pub_p/"
pub_build() { (cd "$pub_p" && "$INFERBOOK" site --no-pdf --quiet "$@"); }
pub_sums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
# Golden messages hold the scratch path and pids as TMP and PID.
pub_norm() {
	local rc
	"$@" > "$TMP/pub.out" 2>&1; rc=$?
	sed -e "s|$TMP|TMP|g" -e 's/pid [0-9][0-9]*/pid PID/g' "$TMP/pub.out"
	return $rc
}

# Every page a build of these lessons must publish.
pub_pages="index.html style.css print.css chips.html models.html derivations.html numbers.tsv"
for l in lessons/*.md; do
	case $l in */README.md) continue;; esac
	s=$(sed -n 's/^slug: *//p' "$l" | head -1)
	[ -n "$s" ] || { s=${l##*/}; s=${s%.md}; s=${s#[0-9][0-9]-}; }
	pub_pages="$pub_pages $s.html"
done
# Prints what a complete site at $1 lacks (nothing when complete): every
# page above, and every file its manifest lists, with the listed bytes.
pub_lacks() {
	local f
	for f in $pub_pages .inferbook-site; do [ -s "$1/$f" ] || echo "$f"; done
	[ -f "$1/.inferbook-site" ] &&
		(cd "$1" && grep -v '^#' .inferbook-site | sha256sum -c --quiet 2>&1) | head -3
}
pub_complete() {
	local lacks
	lacks=$(pub_lacks "$1")
	if [ -z "$lacks" ]; then ok; else fail "$2: out/ is not a complete site, lacks: $lacks"; fi
}

# The user's files, in and beside out/; pub_mine checks them.
pub_plant() {
	local o=$pub_p/out
	printf 'example.org\n' > "$o/CNAME"
	mkdir -p "$o/.well-known" "$o/charts/mine"
	printf 'x\n' > "$o/.well-known/x"
	chmod 555 "$o/.well-known"	# a read-only folder is carried too
	printf 'my chart\n' > "$o/charts/mine/notes.txt"
	printf 'beside\n' > "$pub_p/out.tmp-notes"
	mkdir -p "$pub_p/out.tmp-123456" "$pub_p/out.old-keep"
	printf 'mine\n' > "$pub_p/out.tmp-123456/f"
	printf 'mine\n' > "$pub_p/out.old-keep/f"
}
pub_mine() {
	local bad="" f
	for f in "out/CNAME:example.org" "out/.well-known/x:x" "out/charts/mine/notes.txt:my chart" \
	    "out.tmp-notes:beside" "out.tmp-123456/f:mine" "out.old-keep/f:mine"; do
		[ "$(cat "$pub_p/${f%%:*}" 2> /dev/null)" = "${f#*:}" ] || bad="$bad ${f%%:*}"
	done
	[ "$(stat -c %a "$pub_p/out/.well-known" 2> /dev/null)" = 555 ] || bad="$bad .well-known(mode)"
	if [ -z "$bad" ]; then ok; else fail "$1: user files lost or changed:$bad"; fi
}
# Nothing of the tool's beside out/: stages, old trees, the lock.
pub_tidy() {
	local left
	left=$(cd "$pub_p" && ls -d out.tmp-*-* out.old-*-* out.kept-* out.lock 2> /dev/null)
	if [ -z "$left" ]; then ok; else fail "$1: left beside out/: $left"; fi
}

# The shim (the sanitizers' runtime must not insist on coming first).
pub_shim=$TMP/slowfs.so
if cc -std=c11 -O2 -shared -fPIC -o "$pub_shim" tests/slowfs.c -ldl 2> "$TMP/cc.log"; then ok
else fail "cannot build tests/slowfs.c: $(head -3 "$TMP/cc.log")"; fi
pub_slow() {
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" LD_PRELOAD=$pub_shim "$@"
}

# ---- refusals: a folder without a manifest, inputs, cwd, link, file ----

# The issue's first case: a folder of the user's that holds a numbers.tsv.
mkdir -p "$pub_p/d" && printf 'thesis\n' > "$pub_p/d/t.txt" && : > "$pub_p/d/numbers.tsv"
golden ../bad/gen/out-foreign/expected pub_norm pub_build --out d
if [ "$(cat "$pub_p/d/t.txt")" = thesis ] && [ -f "$pub_p/d/numbers.tsv" ] &&
   [ "$(ls -A "$pub_p/d" | wc -l)" = 2 ]; then ok; else fail "--out d touched d/"; fi
# A manifest that is not one (an empty file, a forged line) is no proof.
: > "$pub_p/d/.inferbook-site"
golden ../bad/gen/out-manifest-empty/expected pub_norm pub_build --out d
printf '# inferbook site manifest 1\n../t.txt\n' > "$pub_p/d/.inferbook-site"
golden ../bad/gen/out-manifest-bad/expected pub_norm pub_build --out d
[ "$(cat "$pub_p/d/t.txt")" = thesis ] && ok || fail "a bad manifest lost d/t.txt"
# A site from before manifests (numbers.tsv as builds wrote it) is told so.
rm "$pub_p/d/.inferbook-site"
printf '# id\tlabel\tvalue\tpages\twhere\n' > "$pub_p/d/numbers.tsv"
golden ../bad/gen/out-legacy/expected pub_norm pub_build --out d
[ "$(cat "$pub_p/d/t.txt")" = thesis ] && ok || fail "a legacy site lost d/t.txt"

# --out "$PWD" from a project copy that holds a numbers.tsv; its parent;
# an input folder; the working directory below the inputs' folder.
: > "$pub_p/numbers.tsv"
pub_before=$(pub_sums "$pub_p")
golden ../bad/gen/out-pwd/expected pub_norm pub_build --out "$pub_p"
golden ../bad/gen/out-parent/expected pub_norm pub_build --out "$TMP"
golden ../bad/gen/out-templates/expected pub_norm pub_build --out ./templates/
mkdir -p "$pub_p/sub"
golden ../bad/gen/out-cwd/expected pub_norm \
	sh -c "cd '$pub_p/sub' && '$INFERBOOK' site --no-pdf --out ../sub --data ../data \
	--lessons ../lessons --templates ../templates"
rmdir "$pub_p/sub"
if [ "$(pub_sums "$pub_p")" = "$pub_before" ]; then ok
else fail "a refused --out changed the project"; fi
rm -f "$pub_p/numbers.tsv"

# A symbolic link and a plain file say what they are.
ln -s d "$pub_p/link"
: > "$pub_p/plain"
golden ../bad/gen/out-symlink/expected pub_norm pub_build --out link
golden ../bad/gen/out-file/expected pub_norm pub_build --out plain
rm -rf "$pub_p/link" "$pub_p/plain" "$pub_p/d"

# ---- user files in and beside out/ survive publishes ----
pub_build --out out > "$TMP/pub.log" 2>&1 && ok || fail "first build: $(head -3 "$TMP/pub.log")"
pub_complete "$pub_p/out" "first build"
pub_plant
# A dead build's stage goes; the names that are not exactly a stage stay.
pub_dead=$(sh -c 'echo $$')
mkdir -p "$pub_p/out.tmp-$pub_dead-AbC123" "$pub_p/out.old-$pub_dead-AbC123"
pub_ino=$(stat -c %i "$pub_p/out/CNAME")
pub_build --out out > "$TMP/pub.log" 2>&1 && ok || fail "rebuild: $(head -3 "$TMP/pub.log")"
pub_complete "$pub_p/out" "rebuild with user files"
pub_mine "rebuild"
pub_tidy "rebuild"
[ "$(stat -c %i "$pub_p/out/CNAME")" = "$pub_ino" ] && ok || fail "CNAME was copied, not kept"
grep -q 'CNAME\|well-known\|mine' "$pub_p/out/.inferbook-site" &&
	fail "the manifest lists the user's files" || ok
# A changed spec: a different site, the same user files.
cp -R data "$TMP/pubdata"
sed -i '0,/hbm_tb_per_s: 3.35/s//hbm_tb_per_s: 4.0/' "$TMP/pubdata/hardware.yaml"
pub_build --out out --data "$TMP/pubdata" > "$TMP/pub.log" 2>&1 && ok ||
	fail "changed build: $(head -3 "$TMP/pub.log")"
pub_complete "$pub_p/out" "changed build"
pub_mine "changed build"
# A page of the site edited by hand: the tool's name, so the new site
# replaces it, but the edit is not deleted: it is kept beside out/, said.
printf 'edited by hand\n' >> "$pub_p/out/index.html"
pub_build --out out > "$TMP/pub.log" 2>&1 && ok || fail "build over an edit: $(cat "$TMP/pub.log")"
pub_complete "$pub_p/out" "build over an edited page"
pub_mine "build over an edited page"
if grep -qx "inferbook: warning: 'out.kept-[A-Za-z0-9]*' holds files of the previous site that \
were changed after they were published; they were kept there, not deleted" "$TMP/pub.log" &&
   [ "$(tail -1 "$pub_p"/out.kept-*/index.html)" = "edited by hand" ] &&
   [ "$(ls -A "$pub_p"/out.kept-*)" = index.html ]; then ok
else fail "the edited page was not kept, alone: $(cat "$TMP/pub.log"; ls -A "$pub_p"/out.kept-*)"
fi
rm -rf "$pub_p"/out.kept-*
# --user-files refuse names the first file that is not the tool's.
golden ../bad/gen/out-user-files-refuse/expected pub_norm pub_build --out out --user-files refuse
pub_mine "--user-files refuse"
# The site now publishing a file where the user has one: refused, kept.
printf 'my page\n' > "$pub_p/out/extra.html"
printf -- '---\ntitle: Extra\norder: 99\nsummary: S.\n---\nText.\n' > "$pub_p/lessons/99-extra.md"
golden ../bad/gen/out-user-file-taken/expected pub_norm pub_build --out out
[ "$(cat "$pub_p/out/extra.html")" = "my page" ] && ok || fail "a user's extra.html was replaced"
rm -f "$pub_p/lessons/99-extra.md" "$pub_p/out/extra.html"
pub_tidy "refusals"

# ---- a kill between the two renames of the fallback swap ----
# (no RENAME_EXCHANGE: out/ -> out.old-PID-*, then the stage -> out/; the
# kill leaves no out/ at all, and the next build must finish the swap)
SLOWFS_NO_EXCHANGE=1 SLOWFS_KILL_AFTER_OLD=1 pub_slow pub_build --out out > /dev/null 2>&1
pub_rc=$?
if [ "$pub_rc" = 137 ] && [ ! -e "$pub_p/out" ] && ls -d "$pub_p"/out.old-*-* > /dev/null 2>&1
then ok; else fail "the kill between the renames did not happen (exit $pub_rc)"; fi
pub_build --out out > "$TMP/pub.log" 2>&1 && ok || fail "recovery: $(head -3 "$TMP/pub.log")"
pub_complete "$pub_p/out" "after finishing a half-done swap"
pub_mine "after finishing a half-done swap"
pub_tidy "after finishing a half-done swap"
# The same kill, the stage then lost: the next build puts the old site back.
SLOWFS_NO_EXCHANGE=1 SLOWFS_KILL_AFTER_OLD=1 pub_slow pub_build --out out > /dev/null 2>&1
rm -rf "$pub_p"/out.tmp-*-*/.inferbook-site
pub_build --out out > "$TMP/pub.log" 2>&1 && ok || fail "undo: $(head -3 "$TMP/pub.log")"
pub_complete "$pub_p/out" "after undoing a half-done swap"
pub_mine "after undoing a half-done swap"
pub_tidy "after undoing a half-done swap"
# The fallback swap itself, not killed.
SLOWFS_NO_EXCHANGE=1 pub_slow pub_build --out out > "$TMP/pub.log" 2>&1 && ok ||
	fail "fallback swap: $(head -3 "$TMP/pub.log")"
pub_complete "$pub_p/out" "fallback swap"
pub_mine "fallback swap"
pub_tidy "fallback swap"

# Killed while removing the old tree (after the swap): out/ is the new
# site, and the next build removes the rest of the old one, file by file.
SLOWFS_KILL_UNLINK=.old- pub_slow pub_build --out out --data "$TMP/pubdata" > /dev/null 2>&1
pub_rc=$?
if [ "$pub_rc" = 137 ] && ls -d "$pub_p"/out.old-*-* > /dev/null 2>&1; then ok
else fail "the kill while removing the old tree did not happen (exit $pub_rc)"; fi
pub_complete "$pub_p/out" "killed while removing the old tree"
pub_mine "killed while removing the old tree"
pub_build --out out > "$TMP/pub.log" 2>&1 && ok || fail "cleanup: $(head -3 "$TMP/pub.log")"
pub_complete "$pub_p/out" "after a kill while removing the old tree"
pub_mine "after a kill while removing the old tree"
pub_tidy "after a kill while removing the old tree"

# ---- two builds at once on a slowed file system, a reader polling ----
# A reader that finds out/ must find all of it, whenever it looks.
pub_poll() {
	local n=0 bad=0 lacks f
	while [ ! -e "$TMP/pub.stop" ]; do
		[ -d "$pub_p/out" ] || continue
		n=$((n + 1))
		for f in $pub_pages; do
			[ -e "$pub_p/out/$f" ] || { bad=$((bad + 1)); echo "lacks $f" >> "$TMP/pub.seen"; }
		done
	done
	echo "$n $bad" > "$TMP/pub.poll"
}
rm -f "$TMP/pub.stop" "$TMP/pub.seen"
pub_poll &
pub_reader=$!
# (the second starts once the first holds the lock, with a slowed stage
# still to write: before the lock, it deleted that stage as "stale")
SLOWFS_US=3000 pub_slow pub_build --out out > "$TMP/pub.a" 2>&1 & pub_a=$!
for _ in $(seq 100); do [ -s "$pub_p/out.lock" ] && break; sleep 0.05; done
SLOWFS_US=3000 pub_slow pub_build --out out --data "$TMP/pubdata" > "$TMP/pub.b" 2>&1 & pub_b=$!
wait $pub_a; pub_ra=$?
wait $pub_b; pub_rb=$?
touch "$TMP/pub.stop"; wait $pub_reader
if [ "$pub_ra" = 0 ] && [ "$pub_rb" = 0 ]; then ok
else fail "concurrent builds: exit $pub_ra, $pub_rb: $(cat "$TMP/pub.a" "$TMP/pub.b" | head -4)"
fi
read -r pub_n pub_bad < "$TMP/pub.poll"
if [ "$pub_bad" = 0 ] && [ "$pub_n" -gt 0 ]; then ok
else fail "a reader saw a partial out/ ($pub_bad of $pub_n looks): $(sort -u "$TMP/pub.seen")"
fi
pub_complete "$pub_p/out" "after two concurrent builds"
pub_mine "after two concurrent builds"
pub_tidy "after two concurrent builds"
# The second waited, and said so.
if grep -q "^inferbook: warning: waiting for the build of pid [0-9]*, which is publishing 'out'" \
    "$TMP/pub.b"; then ok; else fail "the second build did not say it waited: $(cat "$TMP/pub.b")"
fi

# --lock fail: the second build gives up at once, the first publishes.
SLOWFS_US=10000 pub_slow pub_build --out out > "$TMP/pub.a" 2>&1 & pub_a=$!
for _ in $(seq 100); do [ -s "$pub_p/out.lock" ] && break; sleep 0.05; done
golden ../bad/gen/out-locked/expected pub_norm pub_build --out out --lock fail
wait $pub_a && ok || fail "the build holding the lock failed: $(head -3 "$TMP/pub.a")"
pub_complete "$pub_p/out" "--lock fail"
pub_mine "--lock fail"
pub_tidy "--lock fail"

# ---- make site notices lessons added, removed and renamed ----
# (the project's Makefile on the copy, with the binary under test)
cp Makefile "$pub_p/" && cp -R src include "$pub_p/"
pub_make() {
	(cd "$pub_p" && SOURCE_DATE_EPOCH=0 make --no-print-directory site \
	    BIN="$INFERBOOK" -o "$INFERBOOK" 2>&1)
}
pub_make > /dev/null
pub_out=$(pub_make)
case $pub_out in *"Nothing to be done"*) ok;; *) fail "a no-op make site built: $pub_out";; esac
rm "$pub_p/lessons/09-one-picture.md"
pub_out=$(pub_make)
case $pub_out in *"site --out"*) ok;; *) fail "make site ignored a deleted lesson: $pub_out";; esac
# (changes.html may still name it in the history of editions, unlinked)
if [ ! -e "$pub_p/out/one-picture.html" ] && ! grep -q 'one-picture\.html' "$pub_p"/out/*.html
then ok; else fail "the deleted lesson's page or links are still published"; fi
mv "$pub_p/lessons/08-no-instant-answers.md" "$pub_p/lessons/08-instant.md"
pub_out=$(pub_make)
case $pub_out in *"site --out"*) ok;; *) fail "make site ignored a renamed lesson: $pub_out";; esac
if [ -s "$pub_p/out/instant.html" ] && [ ! -e "$pub_p/out/no-instant-answers.html" ] &&
   grep -q 'href="instant.html"' "$pub_p/out/index.html"; then ok
else fail "the renamed lesson is not published under its new name only"; fi
pub_mine "make site"
chmod -R u+w "$pub_p" 2> /dev/null	# the read-only folder, for the cleanup
