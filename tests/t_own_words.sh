# Own words (issue #13 item 6): no lesson shares a run of 8 words with the
# source explainer in ../shared/seed/ (lower-cased, punctuation stripped,
# {{ }} removed).  Facts carry over from the seed; sentences do not.
# (Sourced by tests/run.sh: cwd is the project root; $TMP is scratch.)

ow_seed=$(ls ../shared/seed/*.txt 2>/dev/null | head -1)
# Prints every 8-word run of the files named, one a line, sorted and unique.
ow_grams() {
	sed -e 's/{{[^}]*}}/ /g' "$@" | tr 'A-Z' 'a-z' | tr -c "a-z0-9'\n" ' ' | tr -d "'" |
	    tr -s ' \n' '\n\n' |
	    awk '{ w[NR] = $0 } END { for (i = 1; i + 7 <= NR; i++) {
		s = w[i]; for (j = 1; j < 8; j++) s = s " " w[i + j]; print s } }' | sort -u
}
if [ -z "$ow_seed" ]; then
	echo "  (t_own_words: ../shared/seed not here, skipped)"
else
	ow_grams "$ow_seed" > "$TMP/seed.grams"
	# The check can fail: a sentence copied from the seed is found.
	head -c 2000 "$ow_seed" | tail -c 400 > "$TMP/copied.md"
	if [ -n "$(ow_grams "$TMP/copied.md" | comm -12 - "$TMP/seed.grams")" ]; then ok
	else fail "own words: a run copied from the seed was not found"; fi
	for ow_f in lessons/*.md; do
		ow_shared=$(ow_grams "$ow_f" | comm -12 - "$TMP/seed.grams")
		if [ -z "$ow_shared" ]; then ok
		else fail "own words: $ow_f shares 8-word runs with the seed: $(echo "$ow_shared" | head -3 | tr '\n' '|')"; fi
	done
fi
