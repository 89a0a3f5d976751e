# billsync: build, test and run. `make run` and `make test` are the README's two commands; each sets up
# what a fresh machine lacks first (wasm32 target, wasm-bindgen CLI at the crate's exact version, npm
# packages, Chromium).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

WASM_BINDGEN_VERSION := $(shell sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
WASM := target/wasm32-unknown-unknown/release/billsync.wasm
DIST := pkg/dist
CHROMIUM ?= /usr/bin/chromium
# Debian's Node ships its headers in /usr/include/node: native npm modules build against them offline.
export npm_config_nodedir ?= $(if $(wildcard /usr/include/node/node.h),/usr,)
NPM_DIRS := . examples/node-admin bench

.PHONY: setup setup-rust setup-node setup-chromium build wasm lint test test-native test-wasm test-js \
        test-types test-browser test-examples run bench size clean

## setup: everything a fresh machine lacks
setup: setup-rust setup-node

setup-rust:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if [ "$$(wasm-bindgen --version 2>/dev/null | awk '{print $$2}')" != "$(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --locked; \
	fi

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

## build: the npm package in pkg/ (Node and browser builds, wasm-opt'd)
build: setup $(DIST)/.stamp

$(DIST)/.stamp: Cargo.toml Cargo.lock $(shell find src -type f) node_modules/.package-lock.json
	cargo build --lib --release --target wasm32-unknown-unknown
	rm -rf $(DIST) && mkdir -p $(DIST)/node $(DIST)/web
	wasm-bindgen $(WASM) --out-dir $(DIST)/node --target nodejs
	wasm-bindgen $(WASM) --out-dir $(DIST)/web --target web
	# The Node glue is CommonJS; the error-class snippet it requires is an ES module (require(esm), Node >= 20.19).
	echo '{"type": "commonjs"}' > $(DIST)/node/package.json
	echo '{"type": "module"}' > $(DIST)/node/snippets/package.json
	for f in $(DIST)/node/billsync_bg.wasm $(DIST)/web/billsync_bg.wasm; do \
	  node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
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

test-types: build
	node_modules/.bin/tsc -p tests/types/tsconfig.json

test-browser: build setup-chromium
	CHROMIUM=$(CHROMIUM) node --test --test-reporter=spec tests/browser/

test-examples: build
	@if [ -d examples/node-admin/test ]; then node --test --test-reporter=spec examples/node-admin/test/; fi

## test: every test there is, as CI runs it
test: setup lint test-native test-wasm build test-js test-types test-browser test-examples size

## run: the Node admin backend on embedded SQLite, with demo vendor data and the browser preview
run: build
	node examples/node-admin/server.mjs

## bench: wasm vs native vs plain JS (see bench/README.md)
bench: build
	bash bench/run.sh

## size: the gzipped size of the wasm the package ships
size: $(DIST)/.stamp
	@raw=$$(stat -c %s $(DIST)/web/billsync_bg.wasm); gz=$$(gzip -9c $(DIST)/web/billsync_bg.wasm | wc -c); \
	  echo "wasm size: $$raw bytes raw, $$gz bytes gzipped"

clean:
	cargo clean
	rm -rf $(DIST)
