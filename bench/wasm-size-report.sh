#!/usr/bin/env bash
# Where the browser build's bytes go: the release build (opt-level "z") with its function names kept (into
# target/size-report, so the package's own build is untouched), read by twiggy (`cargo install twiggy`).
#   bench/wasm-size-report.sh            the table by kind of code (bench/README, "Size")
#   TOP=40 bench/wasm-size-report.sh     also twiggy's largest functions and its monomorphisation report
set -euo pipefail
cd "$(dirname "$0")/.."
command -v twiggy >/dev/null || cargo install twiggy --locked
T=target/size-report
CARGO_PROFILE_RELEASE_STRIP=false CARGO_TARGET_DIR=$T cargo build --quiet --lib --release --target wasm32-unknown-unknown
W=$T/wasm32-unknown-unknown/release/billsync.wasm
twiggy top -n 1000000 -f csv "$W" > "$T/top.csv"
node bench/wasm-size-report.mjs "$T/top.csv"
if [ -n "${TOP:-}" ]; then
  twiggy top -n "$TOP" "$W"
  twiggy monos -m "$TOP" -n 0 "$W"
fi
