# inferbook -- GNU make, pkg-config for every library.
#
#   make site        build the tool and publish out/ (the main job)
#   make check       build and run every test (SAN=1: with ASan + UBSan)
#   make install     PREFIX=/usr/local DESTDIR=
#
# Objects go to an out-of-tree folder: build/ (build-san/ for SAN=1).

.SUFFIXES:
SHELL      := /bin/bash

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
SHAREDIR   ?= $(PREFIX)/share/inferbook
OUT        ?= out

ifeq ($(SAN),1)
B          ?= build-san
SANFLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
B          ?= build
SANFLAGS   :=
endif

PKGS       := cairo pangocairo libcmark-gfm yaml-0.1 libpng zlib
TESTPKGS   := check
ifeq ($(origin CC),default)
CC         := cc
endif
OPT        ?= -O2
WARN       := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
              -Wwrite-strings -Wformat=2 -Wno-format-nonliteral
CPPFLAGS_I := -Iinclude -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
              -DINFERBOOK_VERSION='"$(VERSION)"' -DINFERBOOK_SHAREDIR='"$(SHAREDIR)"'
# pkg-config is asked only once the dependency step has run (see deps).
PKG_CFLAGS  = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions -lm -lpthread
CHK_CFLAGS  = $(shell pkg-config --cflags $(TESTPKGS) 2>/dev/null)
CHK_LIBS    = $(shell pkg-config --libs $(TESTPKGS) 2>/dev/null)
ALL_CFLAGS  = -std=c11 $(OPT) -g $(WARN) $(SANFLAGS) $(CPPFLAGS_I) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

LIB_SRC    := $(sort $(shell find src -name '*.c' ! -path src/main.c ! -path 'src/wasm/*'))
LIB_OBJ    := $(LIB_SRC:%.c=$(B)/%.o)
MAIN_OBJ   := $(B)/src/main.o
TEST_SRC   := $(sort $(wildcard tests/unit/test_*.c))
TEST_OBJ   := $(TEST_SRC:%.c=$(B)/%.o) $(B)/tests/unit/runner.o $(B)/tests/unit/testutil.o
BIN        := $(B)/inferbook
LIBA       := $(B)/libinferbook.a
DEPS_OK    := $(B)/.deps-ok
# libFuzzer targets (tests/fuzz/fuzz_NAME.c); see `fuzz` below.
FUZZ_TARGETS ?= yaml expr lesson tmpl site
FUZZ_SECONDS ?= 60
FUZZ_COMMON  := tests/fuzz/fuzz_common.c
FUZZ_REPLAY  := $(FUZZ_TARGETS:%=$(B)/fuzz/replay-%)

SITE_INPUTS = $(wildcard data/*.yaml lessons/*.md lessons/*/*.md templates/*)

.PHONY: FORCE all site check unit clean install uninstall deps regen valgrind fuzz bench browser-test \
        wasm wasm-maybe
all: $(BIN)

# ---- dependencies: check with pkg-config, install on Debian if we can ----
$(DEPS_OK): src/deps.sh
	@mkdir -p $(B)
	@bash src/deps.sh build
	@touch $@
deps: $(DEPS_OK)

$(B)/.deps-test-ok: src/deps.sh $(DEPS_OK)
	@bash src/deps.sh test
	@touch $@

# ---- compile ----
$(B)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The installed content's folder is compiled in: rebuild what uses it when
# PREFIX or SHAREDIR changes (make install PREFIX=/usr after a plain make).
$(B)/sharedir.txt: FORCE
	@mkdir -p $(@D)
	@echo '$(SHAREDIR)' > $@.tmp; cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp
$(B)/src/cli/cli.o: $(B)/sharedir.txt
FORCE:

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIBA)
	$(CC) $(ALL_LDFLAGS) -o $@ $(MAIN_OBJ) $(LIBA) $(PKG_LIBS)

# The unit-test runner includes a generated list of suites: one per
# tests/unit/test_NAME.c, each defining `Suite *NAME_suite(void)`.
$(B)/tests/unit/suites.h: $(TEST_SRC) Makefile
	@mkdir -p $(@D)
	@for f in $(TEST_SRC); do n=$${f##*/test_}; echo "SUITE($${n%.c})"; done > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(B)/tests/unit/%.o: tests/unit/%.c | $(DEPS_OK) $(B)/.deps-test-ok
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CHK_CFLAGS) -I$(B)/tests/unit -MMD -MP -c -o $@ $<
$(B)/tests/unit/runner.o: $(B)/tests/unit/suites.h

$(B)/unit-tests: $(TEST_OBJ) $(LIBA)
	$(CC) $(ALL_LDFLAGS) -o $@ $(TEST_OBJ) $(LIBA) $(PKG_LIBS) $(CHK_LIBS)

# ---- the core as WebAssembly (src/wasm/core.c; the "What if?" pages) ----
# The same sources as the native binary, compiled by Debian's clang for
# wasm32-wasi against wasi-libc (packages clang lld wasi-libc
# libclang-rt-14-dev-wasm32, installed by `deps.sh wasm`).  `make site`
# builds it when that toolchain is there and publishes the live pages;
# without it (or with WASM=0) the site is the static one, complete.
WASM_CC    ?= clang
WASM_SRC   := src/calc/calc.c src/expr/eval.c src/expr/format.c src/expr/parse.c \
              src/diag.c src/util.c src/data/data.c src/data/scenario.c src/data/ytree.c \
              src/cli/calc.c src/cli/cli.c src/wasm/core.c
WASM_OBJ   := $(WASM_SRC:%.c=$(B)/wasm/%.o)
WASM_FILE  := $(B)/wasm/inferbook.wasm
WASM_CFLAGS = --target=wasm32-wasi -std=c11 -Os $(WARN) -Iinclude -Isrc/wasm/include \
              -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -DINFERBOOK_VERSION='"$(VERSION)"' \
              -DINFERBOOK_SHAREDIR='"$(SHAREDIR)"'
# Is the toolchain there?  Asked when the site is built (the dependency
# step may just have installed it).
WASM_HAVE   = [ -e /usr/lib/wasm32-wasi/libc.a ] && command -v $(WASM_CC) >/dev/null && \
              compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a' \
              >/dev/null

$(B)/wasm/%.o: %.c
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) -MMD -MP -c -o $@ $<
# `inferbook calc` reads its data set from the page (core.c).
$(B)/wasm/src/cli/calc.o: WASM_CFLAGS += -Ddata_load=ib_data_load -Ddata_free=ib_data_free

$(WASM_FILE): $(WASM_OBJ)
	$(WASM_CC) --target=wasm32-wasi -mexec-model=reactor -Wl,--gc-sections -Wl,--strip-all \
	  -o $@ $(WASM_OBJ) -lm

wasm:
	@bash src/deps.sh wasm
	@$(MAKE) --no-print-directory $(WASM_FILE)
# For `make site`: the core when the toolchain is there, else a note.
wasm-maybe: $(DEPS_OK)
	@if $(WASM_HAVE); then $(MAKE) --no-print-directory $(WASM_FILE); \
	else echo "note: no wasm32-wasi toolchain (see README): publishing the static pages"; fi

# ---- the two commands ----
# `make site` is a no-op when nothing it reads has changed (the stamp);
# inferbook itself rewrites only files whose content changed.
site: $(OUT)/.stamp
# The PDFs' creation date: SOURCE_DATE_EPOCH when set, else the date of the
# last commit (the inputs' date, never the clock), so builds are reproducible.
# It also dates a new edition, which `make site` records in data/editions.yaml
# (commit that file with the data).
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
# WASM=0 publishes the static site even where the wasm toolchain is (and
# switching it rebuilds the site: wasm-mode.txt, compared here in make so
# that a no-op `make site` runs no recipe).
ifneq ($(WASM),0)
SITE_WASM  := $(WASM_SRC) $(wildcard src/wasm/include/*.h $(WASM_FILE))
endif
ifneq ($(strip $(file < $(B)/wasm-mode.txt)),$(strip $(WASM)))
$(B)/wasm-mode.txt: FORCE
endif
$(B)/wasm-mode.txt:
	@mkdir -p $(@D)
	@echo '$(WASM)' > $@
# The stamp holds the list of inputs, so that a lesson deleted or renamed
# (which leaves nothing newer than the stamp) rebuilds too; comparing the
# list here, in make, costs a no-op `make site` no process.
SITE_LIST  = $(sort $(SITE_INPUTS))
ifneq ($(strip $(file < $(OUT)/.stamp)),$(strip $(SITE_LIST)))
$(OUT)/.stamp: FORCE
endif
$(OUT)/.stamp: $(BIN) $(SITE_INPUTS) $(SITE_WASM) $(B)/wasm-mode.txt
	@+$(if $(SITE_WASM),$(MAKE) --no-print-directory wasm-maybe)
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(BIN) site --out $(OUT) --record-edition \
	  $(if $(SITE_WASM),$$([ -f $(WASM_FILE) ] && echo --wasm $(WASM_FILE)))
	@printf '%s\n' $(foreach f,$(SITE_LIST),'$(f)') > $@

unit: $(B)/unit-tests
	@cd tests && CK_FORK=yes ../$(B)/unit-tests

# Sanitizer settings for SAN=1 (harmless otherwise): stop at the first
# finding; fontconfig's process-lifetime caches are not our leaks.
SAN_ENV     = ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 \
              UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
              LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0

check: $(BIN) $(B)/unit-tests $(B)/.deps-test-ok $(FUZZ_REPLAY)
	@echo "== unit tests (Check)"
	@cd tests && $(SAN_ENV) ../$(B)/unit-tests
	@echo "== command-line and site tests"
	@$(SAN_ENV) INFERBOOK=$(abspath $(BIN)) SAN=$(SAN) bash tests/run.sh

# The browser test: every page of the built site in headless Chromium at
# desktop and phone widths (console errors, broken links or images,
# horizontal overflow).  Screenshots land in build/browser/.
# With the wasm core published, it also runs tests/browser/whatif.mjs (the
# "What if?" pages against the native core, through native-eval).
browser-test: site $(B)/.deps-test-ok $(B)/tools/native-eval
	@NATIVE_EVAL=$(abspath $(B)/tools/native-eval) bash tests/browser/run.sh $(OUT)

$(B)/tools/native-eval: tests/browser/native_eval.c $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBA) $(PKG_LIBS) $(ALL_LDFLAGS)

# Rewrites the golden files from the current outputs (review the diff!).
regen: $(BIN)
	@INFERBOOK=$(abspath $(BIN)) REGEN=1 bash tests/run.sh

valgrind: $(BIN)
	@rm -rf $(B)/vg-out
	valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
	  --suppressions=tests/valgrind.supp $(BIN) site --out $(B)/vg-out

# ---- fuzzing (tests/fuzz) ----
# `make fuzz FUZZ_SECONDS=N [FUZZ_TARGETS="yaml expr"]` builds each libFuzzer
# target with clang into build-fuzz/ and runs it N seconds on a working
# corpus seeded from tests/fuzz/corpus/NAME; crashes land in
# build-fuzz/crash-NAME-* (a hang: 10 s per input, 60 s for the whole-site
# target, a full build under ASan).  `make check` replays tests/fuzz/regress/NAME/
# through the same targets linked with replay.c (no clang needed).

$(B)/fuzz/replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(FUZZ_COMMON) tests/fuzz/fuzz.h $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/fuzz -o $@ $< tests/fuzz/replay.c $(FUZZ_COMMON) $(LIBA) $(PKG_LIBS) $(ALL_LDFLAGS)

build-fuzz/fuzz-%: tests/fuzz/fuzz_%.c $(FUZZ_COMMON) tests/fuzz/fuzz.h $(LIBA)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< $(FUZZ_COMMON) $(LIBA) $(PKG_LIBS) $(ALL_LDFLAGS)

fuzz:
	@bash src/deps.sh fuzz
	@$(MAKE) --no-print-directory B=build-fuzz CC=clang OPT=-O1 \
	  SANFLAGS='-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer' \
	  $(FUZZ_TARGETS:%=build-fuzz/fuzz-%)
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus-$$t; \
	  echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
	  LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	  build-fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
	    -timeout=$$(if [ $$t = site ]; then echo 60; else echo 10; fi) \
	    -print_final_stats=1 -artifact_prefix=build-fuzz/crash-$$t- \
	    build-fuzz/corpus-$$t tests/fuzz/corpus/$$t || exit 1; \
	done

# ---- benchmarks (bench/; not part of check) ----
# `make bench [RUNS=N]` times the publishing loop and the calc core and
# compares the HTML/PDF stages with pandoc/Chromium (installed by the
# script); the table goes to $(B)/bench/results.md.  See bench/RESULTS.md.
$(B)/bench/%: bench/%.c $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBA) $(PKG_LIBS) $(shell pkg-config --libs libpng zlib) $(ALL_LDFLAGS)

bench: $(BIN) $(B)/bench/sweep $(B)/bench/stages
	@B=$(B) RUNS=$(or $(RUNS),5) bash bench/run.sh
	@$(MAKE) --no-print-directory site
	@if [ -f $(OUT)/whatif.js ]; then echo "== What if? (wasm core)"; \
	  SHOTS=$(abspath $(B)/bench/whatif) bash tests/browser/run.sh --bench $(OUT); fi

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(SHAREDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/inferbook
	install -m 644 src/inferbook.1 $(DESTDIR)$(MANDIR)/man1/inferbook.1
	cp -R data lessons templates $(DESTDIR)$(SHAREDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/inferbook $(DESTDIR)$(MANDIR)/man1/inferbook.1
	rm -rf $(DESTDIR)$(SHAREDIR)

# out/ loses only what the site published (its manifest), never a user's
# CNAME or .well-known/; the folder goes when nothing else is left.
clean:
	rm -rf build build-san
	@if [ -f $(OUT)/.inferbook-site ]; then \
	  (cd $(OUT) && grep -v '^#' .inferbook-site | cut -c67- | xargs -r rm -f -- && \
	   rm -f .inferbook-site .stamp) && find $(OUT) -depth -type d -empty -delete; fi

-include $(shell find $(B) -name '*.d' 2>/dev/null)
