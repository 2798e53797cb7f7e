#!/usr/bin/env bash
# The dependency step of `make site` and `make check`.
#
#   deps.sh build   libraries (pkg-config) and the fonts the project renders with
#   deps.sh test    also what the tests drive: Check, tidy, poppler-utils, chromium,
#                   GNU time (tests/t_bounds.sh reads peak memory with it)
#   deps.sh fuzz    also clang and its libFuzzer runtime (make fuzz)
#   deps.sh wasm    also clang, lld, wasi-libc and the wasm32 builtins (the
#                   core as WebAssembly for the "What if?" pages); `build`
#                   installs these too when it can, but never fails for them:
#                   without them the site is published static
#
# Missing pieces are installed with apt-get when it is usable (root, or
# sudo without a password); elsewhere the exact package list is printed and
# the step fails.
set -u
mode=${1:-build}

build_pkgs=(pkg-config libcairo2-dev libpango1.0-dev libcmark-gfm-dev
            libcmark-gfm-extensions-dev libyaml-dev libpng-dev zlib1g-dev fontconfig
            fonts-dejavu-core)
test_pkgs=(check tidy poppler-utils chromium time)

missing=()
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
have_cmd() { command -v "$1" >/dev/null 2>&1; }

if ! have_cmd pkg-config; then
	missing+=("${build_pkgs[@]}")
else
	have_pc cairo || missing+=(libcairo2-dev)
	have_pc pangocairo || missing+=(libpango1.0-dev)
	have_pc libcmark-gfm || missing+=(libcmark-gfm-dev)
	[ -e /usr/include/cmark-gfm-core-extensions.h ] || missing+=(libcmark-gfm-extensions-dev)
	have_pc yaml-0.1 || missing+=(libyaml-dev)
	have_pc libpng || missing+=(libpng-dev)
	have_pc zlib || missing+=(zlib1g-dev)
	have_cmd fc-list || missing+=(fontconfig)
	[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
fi
if [ "$mode" = test ]; then
	have_pc check || missing+=(check)
	have_cmd tidy || missing+=(tidy)
	have_cmd pdftoppm || missing+=(poppler-utils)
	have_cmd chromium || missing+=(chromium)
	[ -x /usr/bin/time ] || missing+=(time)
fi
if [ "$mode" = fuzz ]; then
	have_cmd clang || missing+=(clang)
	compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a' >/dev/null ||
		missing+=(libclang-rt-14-dev)
fi

wasm_pkgs=()
have_cmd clang || wasm_pkgs+=(clang)
have_cmd wasm-ld || compgen -G '/usr/bin/wasm-ld*' >/dev/null || wasm_pkgs+=(lld)
[ -e /usr/lib/wasm32-wasi/libc.a ] || wasm_pkgs+=(wasi-libc)
compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a' >/dev/null ||
	wasm_pkgs+=(libclang-rt-14-dev-wasm32)
if [ "$mode" = wasm ]; then
	missing+=("${wasm_pkgs[@]}")
elif [ "$mode" = build ] && [ ${#missing[@]} -eq 0 ] && [ ${#wasm_pkgs[@]} -gt 0 ]; then
	# Optional: try once, quietly; a failure only means static pages.
	if have_cmd apt-get && [ "$(id -u)" = 0 ] &&
	   DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	       "${wasm_pkgs[@]}" >/tmp/inferbook-apt.log 2>&1; then
		echo "inferbook: installed ${wasm_pkgs[*]} (the What if? pages)"
	else
		echo "inferbook: note: for the What if? pages install ${wasm_pkgs[*]}" \
		    "(the site is complete without them)"
	fi
fi

[ ${#missing[@]} -eq 0 ] && exit 0

# Deduplicate, keeping order.
declare -A seen; list=()
for p in "${missing[@]}"; do [ -n "${seen[$p]:-}" ] || { seen[$p]=1; list+=("$p"); }; done

apt=()
if have_cmd apt-get; then
	if [ "$(id -u)" = 0 ]; then apt=(apt-get)
	elif have_cmd sudo && sudo -n true 2>/dev/null; then apt=(sudo -n apt-get)
	fi
fi
if [ ${#apt[@]} -eq 0 ]; then
	echo "inferbook: missing dependencies; install these Debian packages:" >&2
	echo "  apt-get install ${list[*]}" >&2
	exit 1
fi
echo "inferbook: installing missing packages: ${list[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! "${apt[@]}" install -y -q --no-install-recommends "${list[@]}" >/tmp/inferbook-apt.log 2>&1; then
	"${apt[@]}" update -q >/tmp/inferbook-apt.log 2>&1 || true
	if ! "${apt[@]}" install -y -q --no-install-recommends "${list[@]}" >>/tmp/inferbook-apt.log 2>&1; then
		tail -20 /tmp/inferbook-apt.log >&2
		echo "inferbook: apt-get failed; install these packages: ${list[*]}" >&2
		exit 1
	fi
fi
echo "inferbook: installed ${list[*]}"
