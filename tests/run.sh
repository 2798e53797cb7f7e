#!/usr/bin/env bash
# Runs every tests/t_*.sh (each a group of command-line, golden and site
# tests) and prints one closing line "N passed, N failed".
# T_ONLY=t_site (a pattern) runs only the matching files.
set -u
cd "$(dirname "$0")/.."
: "${INFERBOOK:?set INFERBOOK to the binary under test}"
export INFERBOOK LC_ALL=C TZ=UTC
PASSED=0 FAILED=0
. tests/lib.sh
for T_FILE in tests/t_*.sh; do
	[ -e "$T_FILE" ] || continue
	case ${T_FILE#tests/} in ${T_ONLY:-*}*) ;; *) continue;; esac
	TMP=$(mktemp -d)
	before=$((PASSED + FAILED))
	. "$T_FILE"
	printf '  %-28s %d checks\n' "${T_FILE#tests/}" $((PASSED + FAILED - before))
	rm -rf "$TMP"
done
echo "tests: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
