#!/usr/bin/env bash
# Soracom's billing CSV, streamed from a file in 64 KiB chunks and aggregated three ways on the same file:
#   native Rust (bench-native profile), billsync's SoracomCsvAggregator (wasm: the package's Node build, pkg/dist/node) in Node,
#   plain JS doing the same work with decimal.js.
# Prints rows/s, MB/s, peak RSS and the ratios, and fails unless all three agree on every sum.
#
#   bench/run-soracom.sh                 1,000,000 rows over 10,000 SIMs, 3 timed runs each (median)
#   ROWS=100000 bench/run-soracom.sh     a quick run (RECORDS is read too, as bench/run.sh names it)
#   RUNS=5 SUBSCRIBERS=1000 bench/run-soracom.sh
#   FLAT=10 bench/run-soracom.sh         also the wasm path's memory over a file 10 times larger (950 MB)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-${RECORDS:-1000000}}
SUBSCRIBERS=${SUBSCRIBERS:-10000}
RUNS=${RUNS:-3}
BUILD=bench/build
RESULTS=$BUILD/soracom.jsonl

[ -d bench/node_modules/decimal.js ] || (cd bench && npm ci --no-audit --no-fund --silent)
mkdir -p "$BUILD"
echo "generating $ROWS rows (once; bench/data/ keeps it)..." >&2
DATA=$(node bench/soracom-data.mjs "$ROWS" "$SUBSCRIBERS")

echo "building the package (make build) and the native bench (bench-native profile)..." >&2
make --no-print-directory build >&2
cp -r pkg/dist/node/. "$BUILD/"
cargo bench --quiet --profile bench-native --bench soracom_csv --no-run 2>/dev/null

: > "$RESULTS"
echo "native..." >&2
cargo bench --quiet --profile bench-native --bench soracom_csv -- "$DATA" "$RUNS" >> "$RESULTS"
echo "wasm..." >&2
node bench/measure-soracom.mjs wasm "$DATA" "$RUNS" >> "$RESULTS"
echo "decimal.js..." >&2
node bench/measure-soracom.mjs js "$DATA" "$RUNS" >> "$RESULTS"

echo "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "node $(node --version), $(rustc --version | cut -d' ' -f1-2)" >&2
echo "command: ROWS=$ROWS SUBSCRIBERS=$SUBSCRIBERS RUNS=$RUNS${FLAT:+ FLAT=$FLAT} bench/run-soracom.sh" >&2
FLAT_RESULTS=$BUILD/soracom-flat.jsonl
rm -f "$FLAT_RESULTS"
if [ -n "${FLAT:-}" ]; then
  # Memory by file size: the same 10,000 SIMs and 31 days, FLAT times as many rows (10: a 950 MB export).
  BIG=$(node bench/soracom-data.mjs "$(( ROWS * FLAT ))" "$SUBSCRIBERS")
  echo "memory: one wasm run over $ROWS rows and one over $(( ROWS * FLAT ))..." >&2
  node bench/measure-soracom.mjs stream "$DATA" >> "$FLAT_RESULTS"
  node bench/measure-soracom.mjs stream "$BIG" >> "$FLAT_RESULTS"
fi

node bench/report-soracom.mjs "$RESULTS" "$FLAT_RESULTS"
