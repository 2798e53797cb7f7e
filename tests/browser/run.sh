#!/usr/bin/env bash
# The browser test: every page of the built site in headless Chromium
# (Debian's /usr/bin/chromium, driven by playwright-core without its own
# browser download) at 1280 and 360 px.  Fails on a console error, a broken
# link or image, or horizontal overflow.  Screenshots: build/browser/.
#
#   tests/browser/run.sh [SITE_DIR]      (default: out, built by `make site`)
#   tests/browser/run.sh --bench SITE_DIR   what-if timings only (make bench)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bench=0
if [ "${1:-}" = --bench ]; then bench=1; shift; fi
site=${1:-$root/out}
shots=${SHOTS:-$root/build/browser}

command -v node >/dev/null || { echo "browser test: node is missing (apt-get install nodejs npm)" >&2; exit 1; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "browser test: chromium is missing (apt-get install chromium)" >&2; exit 1; }
[ -f "$site/index.html" ] || { echo "browser test: no site in $site (run make site)" >&2; exit 1; }

# The test installs its own module (pinned by package-lock.json), once.
if [ ! -f "$here/node_modules/playwright-core/package.json" ] ||
   [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
	(cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
rm -rf "$shots"
if [ $bench = 1 ]; then
	exec node "$here/whatif.mjs" --bench "$(cd "$site" && pwd)" "$shots"
fi
node "$here/check.mjs" "$(cd "$site" && pwd)" "$shots"
# The "What if?" layer, when the site was built with the wasm core: against
# the native core, and against the same site built without it.
if [ -f "$site/whatif.js" ]; then
	static=$root/build/browser-static
	inferbook=${INFERBOOK:-$root/build/inferbook}
	(cd "$root" && "$inferbook" site --no-pdf --quiet --out "$static") || exit 1
	INFERBOOK=$inferbook node "$here/whatif.mjs" "$(cd "$site" && pwd)" "$static" "$shots"
fi
