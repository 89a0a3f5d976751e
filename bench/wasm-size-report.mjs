// Where the browser build's bytes go, by what kind of code they are: `bench/wasm-size-report.sh` runs it on
// twiggy's CSV of a build that keeps its function names. Monomorphised generic code is named after the
// generic (`core::slice::sort::…`, `alloc::collections::btree::…`), so the copies of one generic add up.
import { readFileSync } from 'node:fs';

const [csvFile] = process.argv.slice(2);
const lines = readFileSync(csvFile, 'utf8').split('\n').slice(1).filter(Boolean);
// twiggy's CSV: Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent; names may be quoted.
const rows = lines.map((line) => {
  // Names hold commas (`BTreeMap<K,V>`), so the four numbers are read from the right.
  const m = line.match(/^(.*),(\d+),[^,]*,\d*,[^,]*$/);
  if (!m) return null;
  const name = m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1];
  return { name: name.replace(/\[[0-9a-f]+\]/g, ''), size: Number(m[2]) };
}).filter(Boolean);
// Custom sections (names, debug info) and wasm-bindgen's describe functions, which its CLI removes, are not
// counted; data is (one row).
const isCode = (n) =>
  !n.startsWith('custom section') && !n.includes('subsection') && !n.startsWith('export ') &&
  !n.startsWith('import ') && !n.includes('__wbindgen_describe');
const code = rows.filter((r) => isCode(r.name));
const kinds = [
  ['the standard sort (each element type and comparator its own copy)', /^<?core::slice::sort::/],
  ['B-tree maps and sets (each key and value type its own copy)', /^<?alloc::collections::btree::/],
  ['serde_json: data read from a Value', /^<?serde_json::value::de/],
  ['serde_json: data written to a Value', /^<?serde_json::value::ser/],
  ['serde_json: text', /^<?serde_json::(de|ser|read)/],
  ['serde-wasm-bindgen', /^<?serde_wasm_bindgen/],
  ['serde (derived impls, visitors)', /^<?serde(_core)?::/],
  ['iterator adapters', /^<?core::iter::/],
  ['Vec', /^<?alloc::vec::/],
  ['drop glue', /^core::ptr::drop_in_place/],
  ['hash maps', /^<?hashbrown::/],
  ['rust_decimal', /^<?rust_decimal::/],
  ['chrono', /^<?chrono::/],
  ['js-sys and wasm-bindgen glue', /^<?(js_sys|wasm_bindgen)::/],
  ['billsync: Arrow', /^<?billsync::vendors::arrow::/],
  ['billsync: Soracom', /^<?billsync::vendors::soracom::/],
  ['billsync: ledger', /^<?billsync::ledger::/],
  ['billsync: engine', /^<?billsync::engine::/],
  ['billsync: the JS boundary', /^<?billsync::wasm::/],
  ['billsync: other', /^<?billsync::/],
];
const sums = new Map(kinds.map(([k]) => [k, { size: 0, count: 0 }]));
sums.set('other', { size: 0, count: 0 });
for (const r of code) {
  const kind = kinds.find(([, re]) => re.test(r.name));
  const s = sums.get(kind ? kind[0] : 'other');
  s.size += r.size;
  s.count += 1;
}
const total = code.reduce((a, r) => a + r.size, 0);
const copies = (re) => code.filter((r) => re.test(r.name)).length;
console.log(`functions and data of the wasm, its names and wasm-bindgen's describe functions aside: ${total.toLocaleString('en-US')} bytes (before wasm-opt)`);
console.log('| what | bytes | share | functions |\n|---|--:|--:|--:|');
for (const [k, s] of [...sums].sort((a, b) => b[1].size - a[1].size)) {
  console.log(`| ${k} | ${s.size.toLocaleString('en-US')} | ${(100 * s.size / total).toFixed(1)} % | ${s.count} |`);
}
console.log(`copies of the stable sort (drift::sort): ${copies(/drift::sort::h/)}; of B-tree FromIterator: ${copies(/btree::(map|set)::BTree(Map|Set)<[^>]*> as core::iter::traits::collect::FromIterator/)}`);
if (process.env.OTHER) {
  const other = code.filter((r) => !kinds.some(([, re]) => re.test(r.name)));
  const by = new Map();
  for (const r of other) {
    const k = r.name.replace(/^</, '').split('::').slice(0, 2).join('::').slice(0, 60);
    by.set(k, (by.get(k) ?? 0) + r.size);
  }
  for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.OTHER))) console.log(v, k);
}
