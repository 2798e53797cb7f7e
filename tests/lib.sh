# Helpers for the shell-level tests (sourced by tests/run.sh).
#
#   $INFERBOOK      absolute path of the binary under test
#   $TMP            a scratch folder for this test file (removed after)
#   golden NAME CMD...      runs CMD (cwd: the project root), compares
#                           "stdout + stderr + exit status" with
#                           tests/golden/NAME; REGEN=1 rewrites the file
#   expect_status N CMD...  fails unless CMD exits with N
#   ok "what" / fail "what" record one result
# The project root is the working directory.

ok()   { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: ${T_FILE}: $*" >&2; }

golden() {
	local name=$1; shift
	local want="tests/golden/$name" got rc
	got=$("$@" 2>&1); rc=$?
	got=$(printf '%s\n[exit %d]' "$got" "$rc")
	if [ "${REGEN:-0}" = 1 ]; then
		mkdir -p "$(dirname "$want")"
		printf '%s\n' "$got" > "$want"
		ok; return
	fi
	if [ ! -f "$want" ]; then
		fail "golden file $want is missing (make regen)"; return
	fi
	if diff -u "$want" <(printf '%s\n' "$got") > "$TMP/diff" 2>&1; then ok
	else fail "golden $name differs:"; head -40 "$TMP/diff" >&2; fi
}

expect_status() {
	local want=$1; shift
	"$@" > "$TMP/out" 2>&1; local rc=$?
	if [ "$rc" = "$want" ]; then ok
	else fail "expected exit $want, got $rc from: $*"; head -20 "$TMP/out" >&2; fi
}
