# billsync: build, test and run. `make run` and `make test` are the README's two commands; each sets up
# what a fresh machine lacks first (wasm32 target, wasm-bindgen CLI at the crate's exact version, npm
# packages, Chromium).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

WASM_BINDGEN_VERSION := $(shell sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
# Two builds of one crate: the browser's is built for size (the `release` profile, opt-level "z": it is
# downloaded), Node's for speed (`release-node`, opt-level 3: a bulk preview runs 2x faster, the file is
# 1.5x larger and nobody downloads it). README, "Measurements".
WASM := target/wasm32-unknown-unknown/release/billsync.wasm
WASM_NODE := target/wasm32-unknown-unknown/release-node/billsync.wasm
DIST := pkg/dist
CHROMIUM ?= /usr/bin/chromium
# Debian's Node ships its headers in /usr/include/node: native npm modules build against them offline.
export npm_config_nodedir ?= $(if $(wildcard /usr/include/node/node.h),/usr,)
NPM_DIRS := . examples/node-admin bench

# Fuzzing on the stable toolchain: cargo-fuzz without a sanitizer, and RUSTC_BOOTSTRAP for the -Z flags it
# passes. Every [[bin]] of fuzz/Cargo.toml is a target, so a new target is fuzzed without editing this file.
FUZZ_TARGETS = $(shell awk '/^\[\[bin\]\]/ { bin = 1; next } bin && /^name *=/ { gsub(/^name *= *"|"$$/, ""); print; bin = 0 }' fuzz/Cargo.toml)
FUZZ := cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz
# make test: each target this many seconds (11 targets × 8 s stays well under 3 minutes with the replay).
FUZZ_SMOKE_SECONDS ?= 8
# make fuzz: each target this many seconds.
FUZZ_SECONDS ?= 600

.PHONY: setup setup-rust setup-fuzz setup-node setup-chromium build wasm lint test test-native test-wasm \
        test-js test-types types test-browser test-examples test-official-client test-package run bench size \
        fuzz fuzz-smoke fuzz-run fuzz-serial clean setup-postgres test-pg focus-validate

## setup: everything a fresh machine lacks
setup: setup-rust setup-fuzz setup-node

setup-rust:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if [ "$$(wasm-bindgen --version 2>/dev/null | awk '{print $$2}')" != "$(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --locked; \
	fi

setup-fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

setup-node:
	@for d in $(NPM_DIRS); do \
	  if [ -f $$d/package-lock.json ] && [ ! -f $$d/node_modules/.package-lock.json -o $$d/package-lock.json -nt $$d/node_modules/.package-lock.json ]; then \
	    (cd $$d && npm ci --no-audit --no-fund); \
	  fi; \
	done

setup-chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "installing Debian's chromium"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	fi

# The example backend's PostgreSQL tests start a throwaway cluster (initdb into a temporary folder, a unix
# socket only): they need PostgreSQL's server binaries, on PATH or in /usr/lib/postgresql/<major>/bin.
setup-postgres:
	@if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "installing Debian's postgresql"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null; \
	fi

## build: the npm package in pkg/ (Node and browser builds, wasm-opt'd)
build: setup $(DIST)/.stamp

$(DIST)/.stamp: Cargo.toml Cargo.lock $(shell find src -type f) node_modules/.package-lock.json
	cargo build --lib --release --target wasm32-unknown-unknown
	cargo build --lib --profile release-node --target wasm32-unknown-unknown
	rm -rf $(DIST) && mkdir -p $(DIST)/node $(DIST)/web
	wasm-bindgen $(WASM_NODE) --out-dir $(DIST)/node --target nodejs
	wasm-bindgen $(WASM) --out-dir $(DIST)/web --target web
	# The Node glue is CommonJS; the error-class snippet it requires is an ES module (require(esm), Node >= 20.19).
	echo '{"type": "commonjs"}' > $(DIST)/node/package.json
	echo '{"type": "module"}' > $(DIST)/node/snippets/package.json
	# -O1, not -Oz: -Oz's extra passes (inlining, mostly) save 75 KB raw but cost 40 KB gzipped, and the
	# download is what the budget counts (README, Measurements). Parsing speed is the same.
	for f in $(DIST)/node/billsync_bg.wasm $(DIST)/web/billsync_bg.wasm; do \
	  node_modules/.bin/wasm-opt -O1 --converge --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
	    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
	    -o $$f.opt $$f && mv $$f.opt $$f; \
	done
	touch $@

## lint: formatting and clippy, warnings are errors
lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings

test-native:
	cargo test

# The boundary, in Node, through wasm-bindgen-test.
test-wasm: setup-rust
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	  cargo test --target wasm32-unknown-unknown --test wasm_boundary

test-js: build
	node --test --test-reporter=spec tests/js/

# The declarations generated from the Rust types (src/typegen) must be the committed ones; then tsc checks
# tests/types/usage.ts against the package, including its @ts-expect-error lines (misspelled fields).
test-types: build
	cargo test --lib typegen
	node_modules/.bin/tsc -p tests/types/tsconfig.json

## types: regenerate src/wasm/generated.d.ts from the Rust types
types:
	BILLSYNC_WRITE_TYPES=1 cargo test --lib typegen

test-browser: build setup-chromium
	CHROMIUM=$(CHROMIUM) node --test --test-reporter=spec tests/browser/

# What is published is what is tested: the packed tarball, installed into a fresh project.
test-package: build
	node --test --test-reporter=spec tests/package/

# (The official client's run is its own target, below; it is not run twice.)
test-examples: build setup-postgres
	@if [ -d examples/node-admin/test ]; then OFFICIAL_CLIENT_SKIP=1 node --test --test-reporter=spec examples/node-admin/test/; fi

## test-official-client: the official Python client, waldur-api-client 8.1.3 from PyPI, drives all 51 admin Arrow
## operations and the 11 HEAD counts against examples/node-admin on 127.0.0.1 and parses every response. The
## virtual environment is made once (target/official-client-venv) and reused while it holds that version.
OFFICIAL_CLIENT_VENV := target/official-client-venv
OFFICIAL_CLIENT_VERSION := 8.1.3
test-official-client: build setup-postgres
	@if ! command -v python3 >/dev/null || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then \
	  echo "installing Debian's python3 and python3-venv"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv) >/dev/null; \
	fi
	@if ! $(OFFICIAL_CLIENT_VENV)/bin/python -c 'import importlib.metadata as m, sys; sys.exit(m.version("waldur-api-client") != "$(OFFICIAL_CLIENT_VERSION)")' 2>/dev/null; then \
	  echo "making $(OFFICIAL_CLIENT_VENV) with waldur-api-client==$(OFFICIAL_CLIENT_VERSION)"; \
	  rm -rf $(OFFICIAL_CLIENT_VENV) && python3 -m venv $(OFFICIAL_CLIENT_VENV); \
	  $(OFFICIAL_CLIENT_VENV)/bin/pip install -q --disable-pip-version-check waldur-api-client==$(OFFICIAL_CLIENT_VERSION); \
	fi
	OFFICIAL_CLIENT_PYTHON=$(OFFICIAL_CLIENT_VENV)/bin/python node --test --test-reporter=spec examples/node-admin/test/official-client.test.mjs

## test-pg: the example backend on PostgreSQL only (the store's conformance, N workers, kill -9, auth)
test-pg: build setup-postgres
	node --test --test-reporter=spec examples/node-admin/test/pg-*.test.mjs

## test: every test there is, as CI runs it
test: setup lint test-native test-wasm build test-js test-types test-browser test-examples test-official-client test-package \
      fuzz-smoke size focus-validate

## fuzz-smoke: replay fuzz/regressions/<target>/, then a short bounded run of every target. A crash fails,
## and its input is copied into fuzz/regressions/<target>/ (commit it with the fix).
fuzz-smoke: setup-fuzz
	@$(MAKE) --no-print-directory fuzz-run FUZZ_RUN_SECONDS=$(FUZZ_SMOKE_SECONDS)

## fuzz: long runs of every target (FUZZ_SECONDS each), on the same terms
fuzz: setup-fuzz fuzz-serial
	@$(MAKE) --no-print-directory fuzz-run FUZZ_RUN_SECONDS=$(FUZZ_SECONDS)

## fuzz-serial: the serialisability property over many more schedules (BILLSYNC_SCHEDULES, 100,000)
BILLSYNC_SCHEDULES ?= 100000
fuzz-serial:
	BILLSYNC_SCHEDULES=$(BILLSYNC_SCHEDULES) cargo test --profile bench-native --test serializable

fuzz-run:
	$(FUZZ) build --sanitizer none
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t fuzz/regressions/$$t; \
	  echo "fuzz $$t: replay fuzz/regressions/$$t ($$(ls fuzz/regressions/$$t | wc -l) inputs), then $(FUZZ_RUN_SECONDS) s"; \
	  if ! ( $(FUZZ) run $$t --sanitizer none corpus/$$t regressions/$$t -- \
	         -max_total_time=$(FUZZ_RUN_SECONDS) -print_final_stats=1 ) > fuzz/target/$$t.log 2>&1; then \
	    tail -n 40 fuzz/target/$$t.log; \
	    for a in fuzz/artifacts/$$t/*; do [ -f "$$a" ] && cp "$$a" fuzz/regressions/$$t/ && echo "kept $$a in fuzz/regressions/$$t/"; done; \
	    echo "fuzz $$t FAILED"; exit 1; \
	  fi; \
	  grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' fuzz/target/$$t.log | sed "s/^/  $$t: /"; \
	done

## run: the Node admin backend on embedded SQLite, with demo vendor data and the browser preview
run: build
	node examples/node-admin/server.mjs

## bench: wasm vs native vs plain JS (see bench/README.md)
bench: build
	bash bench/run.sh

# The gzipped wasm may not grow past these, each the last measured size rounded up to the next 10 KB (README:
# "Measurements"). The browser's build (what is downloaded) was 338,479 bytes before the ledger, Soracom and
# issue 10's rules, 444,156 with them, and is 467,868 with the typed responses and the preview's text paths;
# the goal is 250 KB, not met. Node's build (opt-level 3, for speed) is 721,451. Issue 18 (unowned money,
# error details, request limits for every handler) brought them to 490,225 and 768,309; with issue 15's 32
# admin operations and issue 19's read sets they are 583,729 and 946,839 (budgets raised to fit; issue 17).
# Issue 20's traces (sha2, each item's trace, the trace endpoint) measured +11,015 and +24,613 bytes gzipped
# over main's 585,803 and 949,518: the budgets are raised by that growth, rounded up to 100 bytes.
# Issue 20 part 2 (reversible compensations, holds) measured +18,480 and +35,399 on its own.
# Issue 20's FOCUS export measured +11,539 and +17,673 on its own; issue 17's result option and paged rows
# about +6,400 and +12,400. Merged, the builds are 634,037 and 1,041,782 gzipped (477,161 and 716,167 brotli):
# the budgets were that plus about 1 %. Issue 17's one copy of the sort (src/sort.rs) and B-tree maps built by
# insertion brought them to 618,628 and 984,331 (469,347 and 686,417 brotli): the budgets are tightened to that,
# rounded up to the next 10 KB. Issue 17 keeps the goal of 300 KB for the browser's build.
WASM_GZIP_BUDGET := 620000
WASM_NODE_GZIP_BUDGET := 990000

## size: raw, gzip and brotli sizes of the wasm the package ships; fails over the gzip budget
size: $(DIST)/.stamp
	@node tests/support/wasm-size.mjs $(DIST)/web/billsync_bg.wasm $(WASM_GZIP_BUDGET)
	@node tests/support/wasm-size.mjs $(DIST)/node/billsync_bg.wasm $(WASM_NODE_GZIP_BUDGET)

## focus-validate: the FinOps Foundation's focus-validator (PyPI) on a sample FOCUS export, in a venv cached
## under target/ (part of `make test`; its newest release on PyPI checks FOCUS 1.0 at most, the export is 1.4:
## README, "FOCUS export"). Debian's python3 and python3-venv are installed if the machine lacks them.
FOCUS_VENV := target/focus-venv
$(FOCUS_VENV)/.stamp:
	@if ! python3 -m venv --help >/dev/null 2>&1; then \
	  echo "installing Debian's python3-venv"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv) >/dev/null; \
	fi
	python3 -m venv $(FOCUS_VENV)
	$(FOCUS_VENV)/bin/pip install -q focus-validator==1.0.0 "multimethod<2"
	touch $@

# The validator reads its currency list from a path relative to the working directory, and exits 0 when
# validation fails: it runs from its site-packages, and its verdict is read from what it prints.
focus-validate: $(DIST)/.stamp $(FOCUS_VENV)/.stamp
	node tests/support/focus-sample.mjs target/focus-sample.csv
	cd $(FOCUS_VENV)/lib/python3*/site-packages && $(CURDIR)/$(FOCUS_VENV)/bin/focus-validator \
	  --data-file $(CURDIR)/target/focus-sample.csv --validate-version 1.0 --column-namespace x \
	  --override-file $(CURDIR)/tests/support/focus-validator-1.0-overrides.yaml | tee $(CURDIR)/target/focus-validator.log
	grep -q '^Validation succeeded' target/focus-validator.log

clean:
	cargo clean
	rm -rf $(DIST)
