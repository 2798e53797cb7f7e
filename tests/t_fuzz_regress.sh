# Replays the fuzz regression corpus (tests/fuzz/regress/NAME/: inputs that
# once crashed, hung or tripped a sanitizer) and the seed corpus through each
# fuzz target linked with tests/fuzz/replay.c.  `make check` builds the
# replay binaries beside $INFERBOOK ($B/fuzz/replay-NAME); under SAN=1 they
# carry ASan+UBSan, so a finding is a failure here.
for t_name in yaml expr lesson tmpl site; do
	t_bin=${INFERBOOK%/*}/fuzz/replay-$t_name
	if [ ! -x "$t_bin" ]; then
		fail "$t_bin missing (make ${t_bin#"$PWD"/})"
		continue
	fi
	# timeout: a hang is a failure too (libFuzzer ran with -timeout=10).
	if timeout 120 "$t_bin" "tests/fuzz/regress/$t_name" "tests/fuzz/corpus/$t_name" \
	    > "$TMP/replay" 2>&1; then ok
	else fail "replay $t_name:"; tail -30 "$TMP/replay" >&2
	fi
done
