#!/usr/bin/env bash
# Parse + aggregate Arrow consumption payloads three ways on the same data, and print lines/s and ratios:
#   native Rust (bench-native profile), billsync's wasm in Node (the package's own Node build, pkg/dist/node:
#   release-node profile, wasm-opt'd), plain JS with decimal.js.
# Then the peak RSS of the streaming wasm path for 10% of the lines and for all of them, a reconciliation
# preview at scale, and the Soracom billing CSV benchmark (bench/run-soracom.sh).
#
#   bench/run.sh                          1,000 licences x 1,000 lines (1M lines), 3 runs each
#   LICENCES=100 LINES=1000 bench/run.sh  a quick 100k-line run
#   WASM_SMALL=1 bench/run.sh             also the browser's build (release profile, opt-level "z") in Node
#   RECORDS=10000 bench/run.sh            the reconciliation preview of 10,000 records (default 100,000)
#   RECONCILE_ONLY=1 bench/run.sh         only the reconciliation preview
set -euo pipefail
cd "$(dirname "$0")/.."
LICENCES=${LICENCES:-1000}
LINES=${LINES:-1000}
RUNS=${RUNS:-3}
BUILD=bench/build
RESULTS=$BUILD/results.jsonl

[ -d bench/node_modules/decimal.js ] || (cd bench && npm ci --no-audit --no-fund --silent)
mkdir -p "$BUILD"

echo "building the package (make build) and the native bench (bench-native profile)..." >&2
make --no-print-directory build >&2
# What is measured is what is shipped: the package's Node build, as npm installs it.
cp -r pkg/dist/node/. "$BUILD/"
# The browser's build (opt-level "z", before wasm-opt), with Node glue, for WASM_SMALL=1.
small_build() {
  wasm-bindgen target/wasm32-unknown-unknown/release/billsync.wasm --out-dir "$BUILD/small" --target nodejs
  # As in pkg/dist/node: the error-class snippet is an ES module under CommonJS glue.
  echo '{"type": "module"}' > "$BUILD/small/snippets/package.json"
}
cargo bench --quiet --profile bench-native --bench consumption --no-run 2>/dev/null

if [ -z "${RECONCILE_ONLY:-}" ]; then
DATA=$(node bench/generate.mjs "$LICENCES" "$LINES")
: > "$RESULTS"
echo "native..." >&2
cargo bench --quiet --profile bench-native --bench consumption -- "$DATA" "$RUNS" >> "$RESULTS"
echo "wasm..." >&2
node bench/measure.mjs wasm "$DATA" "$RUNS" >> "$RESULTS"
echo "decimal.js..." >&2
node bench/measure.mjs js "$DATA" "$RUNS" >> "$RESULTS"
echo "peak RSS of the streaming path..." >&2
node bench/measure.mjs rss "$(( (LICENCES + 9) / 10 ))" "$LINES" >> "$RESULTS"
node bench/measure.mjs rss "$LICENCES" "$LINES" >> "$RESULTS"

if [ -n "${WASM_SMALL:-}" ]; then
  echo "the browser's build (opt-level z) in Node..." >&2
  small_build
  BILLSYNC_BUILD=small node bench/measure.mjs wasm "$DATA" "$RUNS" | sed 's/"impl":"wasm"/"impl":"wasm (browser build, z)"/' >> "$RESULTS"
fi

node bench/report.mjs "$RESULTS"
fi

# A whole reconciliation preview at scale: parse the export, match, plan, summarise, return the changeset.
RECORDS=${RECORDS:-100000}
RDATA=$(node bench/reconcile-data.mjs "$RECORDS")
echo >&2
echo "reconciliation preview of $RECORDS records..." >&2
{
  cargo bench --quiet --profile bench-native --bench reconcile -- "$RDATA" "$RUNS"
  RESULT=summary cargo bench --quiet --profile bench-native --bench reconcile -- "$RDATA" "$RUNS"
  # Issue 17's cases: from the records as JS objects to JS objects, the summary alone and the whole result.
  for result in summary all; do
    RECORDS_AS=objects RESULT_AS=objects RESULT=$result node bench/measure-reconcile.mjs wasm "$RDATA" "$RUNS"
    RECORDS_AS=objects RESULT_AS=objects RESULT=$result node bench/measure-reconcile.mjs js "$RDATA" "$RUNS"
  done
  node bench/measure-reconcile.mjs wasm "$RDATA" "$RUNS"
  if [ -n "${WASM_SMALL:-}" ]; then
    small_build
    BILLSYNC_JS=./build/small/billsync.js node bench/measure-reconcile.mjs wasm "$RDATA" "$RUNS" \
      | sed 's/"impl":"wasm"/"impl":"wasm (browser build, z)"/'
  fi
  node bench/measure-reconcile.mjs js "$RDATA" "$RUNS"
} > "$BUILD/reconcile.jsonl"
node bench/report-reconcile.mjs "$BUILD/reconcile.jsonl"
# PAGED_LARGE=1: 500,000 records as JS objects (made in the process), the totals with the rows in pages of
# 10,000 through onRows: one timed run and the process's peak RSS. 500,000 is about the most one call takes:
# their export has 950,000 lines, and one payload may have 1,000,000 (MAX_PAYLOAD_ROWS); 1M records would be
# 1.9M lines, refused with payload_too_large.
if [ -n "${PAGED_LARGE:-}" ]; then
  RUNS=0 RECORDS_AS=objects RESULT_AS=objects RESULT=totals PAGED=10000 node bench/measure-reconcile.mjs wasm 500000 0
fi

# Soracom's billing CSV streamed from a file, native vs wasm vs plain JS (bench/run-soracom.sh; ROWS rows,
# 1,000,000 by default: RECORDS above is the reconciliation's and is not passed on).
echo >&2
ROWS=${ROWS:-1000000} RUNS=$RUNS bash bench/run-soracom.sh
