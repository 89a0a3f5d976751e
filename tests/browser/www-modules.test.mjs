// The page's DOM-free modules, in Node: reading JSON with errors in words, recognising documents, the CSV's
// escaping, exact sums, and the model the worker keeps (joins, totals, sorting, filtering, paging).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { previewReconciliationJson } from 'billsync';
import { REPO_ROOT } from '../support/static-server.mjs';
import { readJsonValues, identify, recordsFrom, exportFromFetchResponse, looksLikeSoracomCsv, misplaced, lineColumn } from '../../www/inputs.js';
import { csvCell, previewCsvParts } from '../../www/csv.js';
import { DecimalSum, compareDecimal, formatUnits, multiply } from '../../www/decimal.js';
import { PreviewModel } from '../../www/model.js';

const demo = (path) => readFileSync(join(REPO_ROOT, 'www/demo', path), 'utf8');

test('JSON: one value, pages one after another, and errors with line and column', () => {
  assert.deepEqual(readJsonValues('[1]', 'a.json', 'records'), [[1]]);
  assert.deepEqual(readJsonValues('[1]\n[2], [3]', 'a.json', 'records'), [[1], [2], [3]]);
  assert.deepEqual(readJsonValues('[{"a": "]["}] [2]', 'a.json', 'records'), [[{ a: '][' }], [2]]);
  const error = (text) => {
    try {
      readJsonValues(text, 'a.json', 'records');
    } catch (e) {
      return [e.code, e.target, e.message];
    }
    return null;
  };
  assert.deepEqual(error('[\n  {"a": 1,\n'), ['invalid_payload', 'records',
    'a.json: the JSON is truncated: the text ends at line 3, column 1, inside the object opened at line 2, column 3. Was the file cut short or only partly copied?']);
  assert.match(error('{"a": "b')[2], /truncated.*inside the text string that starts at line 1, column 7/);
  assert.match(error('[1, 2}')[2], /malformed JSON at line 1, column 6: "}" does not close the "\[" opened at line 1, column 1/);
  assert.match(error('{"a": 1}\n}')[2], /malformed JSON at line 2, column 1: "}" closes nothing/);
  assert.match(error('{"a": tru}')[2], /^a\.json: malformed JSON at line 1, column \d+/);
  assert.deepEqual(error('   '), ['invalid_payload', 'records', 'a.json: there is no JSON in it.']);
  assert.deepEqual(lineColumn('ab\ncd', 4), { line: 2, column: 2 });
});

test('documents are recognised, and one in the wrong place says what it is and where it belongs', () => {
  const kinds = (v) => { const f = identify(v); return `${f.vendor}:${f.kind}`; };
  assert.equal(kinds(JSON.parse(demo('records.json'))), 'arrow:records');
  assert.equal(kinds(JSON.parse(demo('export.json'))), 'arrow:export');
  assert.equal(kinds({ period_from: '2025-01', data: [] }), 'arrow:export');
  assert.equal(kinds(JSON.parse(demo('soracom/records.json'))), 'soracom:records');
  assert.equal(kinds([{ source_ref: 'imsi:4401', consumed_sell: '1' }]), 'soracom:records');
  assert.equal(kinds([{ source_ref: 'XSP1', consumed_sell: '1' }]), 'arrow:records');
  assert.equal(kinds(JSON.parse(demo('soracom/bill-202501.json'))), 'soracom:bill');
  assert.equal(kinds(JSON.parse(demo('soracom/latest.json'))), 'soracom:latest');
  assert.equal(kinds(JSON.parse(demo('soracom/daily-202501.json'))), 'soracom:daily');
  assert.equal(kinds({ billList: [{ yearMonth: '202501', amount: 1 }] }), 'soracom:history');
  assert.equal(kinds({ code: 'SEM0016', message: 'Bad token' }), 'soracom:api_error');
  assert.equal(kinds({ detail: 'Authentication credentials were not provided.' }), 'null:api_error');
  assert.ok(looksLikeSoracomCsv(demo('soracom/billing-202501.csv')));
  assert.ok(!looksLikeSoracomCsv('a,b\n1,2'));

  const e = misplaced('export', 'x.json', identify(JSON.parse(demo('soracom/bill-202501.json'))), 'arrow');
  assert.equal(e.code, 'wrong_vendor');
  assert.equal(e.message, 'x.json: expected Arrow\'s billing export (JSON), but this is Soracom\'s monthly bill (MonthlyBill). It looks like Soracom\'s, not Arrow\'s: choose Soracom as the vendor and put it under "Closed bill".');
  assert.equal(misplaced('bill', 'y.json', identify(JSON.parse(demo('soracom/daily-202501.json'))), 'soracom').message,
    'y.json: expected Soracom\'s closed MonthlyBill (JSON), but this is Soracom\'s daily bills (DailyBillResponse). It belongs under "Daily bills".');
});

test('records from pages, and fetch_billing_export turned back into Arrow\'s headers and values', () => {
  const text = '[{"a": 1}]';
  assert.deepEqual(recordsFrom(readJsonValues(text), text, 'r'), { list: [{ a: 1 }], text });
  const pages = '[{"a": 1}]\n[{"a": 2}]';
  assert.deepEqual(recordsFrom(readJsonValues(pages), pages, 'r'), { list: [{ a: 1 }, { a: 2 }], text: '[{"a":1},{"a":2}]' });
  const nested = '[[{"a": 1}], [{"a": 2}]]';
  assert.deepEqual(recordsFrom(readJsonValues(nested), nested, 'r').list, [{ a: 1 }, { a: 2 }]);
  assert.throws(() => recordsFrom([{ data: { headers: [] } }], '', 'r.json'), /r\.json: expected a JSON list of consumption records, but this is Arrow's/);
  assert.deepEqual(exportFromFetchResponse({ data: [{ A: 1, B: 'x' }, { B: 'y', C: null }] }),
    { data: { headers: ['A', 'B', 'C'], values: [[1, 'x', null], [null, 'y', null]] } });
});

test('CSV cells: formulas get an apostrophe, plain amounts stay numbers, quotes are doubled', () => {
  assert.equal(csvCell('=1+1'), "'=1+1");
  assert.equal(csvCell('+33 6 12'), "'+33 6 12");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('-2+3'), "'-2+3");
  assert.equal(csvCell('\tx'), "'\tx");
  assert.equal(csvCell('\rx'), `"'\rx"`);
  assert.equal(csvCell('-5.00'), '-5.00');
  assert.equal(csvCell('12'), '12');
  assert.equal(csvCell('a "b", c'), '"a ""b"", c"');
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell(null), '');
  const [header, body] = previewCsvParts([{ source: 'XSP1', action: 'credit', compensation: '-1.00', customer_name: '=x' }], 'license_reference');
  assert.ok(header.startsWith('\ufefflicense_reference,'));
  assert.equal(body, "XSP1,,'=x,,,,,,,,-1.00,credit,\r\n");
});

test('exact sums and order of decimal strings', () => {
  assert.equal(new DecimalSum().add('0.10').add('0.20').toString(), '0.30');
  assert.equal(new DecimalSum().add('-5.00').add('3.25').add(null).toString(), '-1.75');
  assert.equal(new DecimalSum().add('1.005').add('2').toString(), '3.005');
  assert.equal(new DecimalSum().add('5.00').subtract('5.00').toString(), '0.00');
  assert.equal(new DecimalSum().add('99999999999999999999.99').add('0.01').toString(), '100000000000000000000.00');
  assert.throws(() => new DecimalSum().add('1e3'), /not a decimal amount/);
  assert.equal(formatUnits(-5n, 2), '-0.05');
  // Rounded once, to the cent, half away from zero (the package's rendering).
  assert.equal(new DecimalSum().add('-98.2788131').add('-0.0011869').rounded(2), '-98.28');
  assert.equal(new DecimalSum().add('0.005').rounded(2), '0.01');
  assert.equal(new DecimalSum().add('-0.005').rounded(2), '-0.01');
  assert.equal(new DecimalSum().add('-0.004').rounded(2), '0.00');
  assert.equal(new DecimalSum().add('7').rounded(2), '7.00');
  assert.equal(multiply('-12.5', '1.00'), '-12.500');
  assert.equal(multiply('0.0000002', '1000'), '0.0002000');
  assert.deepEqual(['10.00', '-2.00', '9.5', 'x', '-10'].sort(compareDecimal), ['x', '-10', '-2.00', '9.5', '10.00']);
});

test('the model: customers joined to rows, to bill now and already adjusted, sorting, filters and pages', () => {
  const records = JSON.parse(demo('records.json'));
  const text = previewReconciliationJson({
    period: '2025-01', asOf: '2025-02-03T10:00:00Z', records: demo('records.json'), exportPayload: demo('export.json'),
    settings: { currency: 'EUR' },
  });
  const model = PreviewModel.of(text, { vendor: 'arrow', records });
  const view = model.view();
  assert.equal(view.recordCount, 8);
  // Per currency: Σ compensations (−5.00 + 3.25 − 22.22 − 19.50) = −43.47; adjustment −45.47, so −2.00 before.
  assert.deepEqual(
    view.totals.map(({ currency, consumed, final, adjustment, already_adjusted: a, to_bill_now: now }) => [currency, consumed, final, adjustment, a, now]),
    [['EUR', '2247.06', '2201.59', '-45.47', '-2.00', '-43.47']],
  );
  const northwind = view.customers.find((c) => c.customer_name === 'Northwind Traders');
  assert.deepEqual([northwind.already_adjusted, northwind.to_bill_now, northwind.records], ['-2.00', '-19.50', 2]);
  assert.deepEqual(view.changeset.writes.find((w) => w.what === 'create invoice_items'), { what: 'create invoice_items', count: 4 });
  assert.equal(JSON.stringify(JSON.parse(view.changeset.text)), JSON.stringify(JSON.parse(text).changeset));

  const sources = (page) => page.rows.map((r) => r.source);
  assert.deepEqual(sources(model.pageOf({ sort: 'now' })).slice(0, 3), ['XSP20001', 'XSP30001', 'XSP10001']);
  assert.deepEqual(sources(model.pageOf({ sort: 'now', direction: 'desc' }))[0], 'XSP10003');
  assert.deepEqual(sources(model.pageOf({ action: 'credit', customer: 'contoso' })), ['XSP10001']);
  assert.deepEqual(sources(model.pageOf({ min: '-20', max: '-1' })).sort(), ['XSP10001', 'XSP30001']);
  const page = model.pageOf({ limit: 3, offset: 4 });
  assert.deepEqual([page.offset, page.rows.length, page.total], [3, 3, 8]);
  assert.deepEqual([model.pageOf({ limit: 3, offset: 999 }).offset], [6]);
});
