// The preview page (www/) in Debian's Chromium, against the real browser build of the package, in its worker:
// both vendors' demo files previewed with the same figures as previewReconciliation in Node, one bad file per
// input with its error where it belongs, the CSV download escaped, the page by keyboard, at 1280 and 390 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { previewReconciliation } from 'billsync';
import { serveStatic, launchChromium, REPO_ROOT } from '../support/static-server.mjs';
import { openPage, loadDemo, preview, rowsOf, countersOf, countedOf, errorsOf, expectedFigures, sortRows, screenshotPath } from './www-page.mjs';

let server;
let browser;

before(async () => {
  server = await serveStatic();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const demo = (path) => readFile(join(REPO_ROOT, 'www/demo', path), 'utf8');

/** The page's per-currency and per-customer figures. */
async function shownFigures(page) {
  const totals = (await rowsOf(page, '#totals-table tbody tr')).map(({ items, ...r }) => r);
  const customers = await rowsOf(page, '#customers-table tbody tr');
  return { totals, customers };
}

/** Every record row the page shows (one page of up to 250). */
async function shownRecords(page) {
  await page.selectOption('#page-size', '250');
  await page.waitForFunction(() => /page 1 of 1/.test(document.getElementById('pager-status').textContent));
  return rowsOf(page, '#summary-table tbody tr');
}

test('Arrow: the demo previews in the worker with the figures previewReconciliation gives in Node', async () => {
  const [recordsText, exportText] = await Promise.all([demo('records.json'), demo('export.json')]);
  const records = JSON.parse(recordsText);
  const node = previewReconciliation({
    period: '2025-01', asOf: '2025-02-03T10:00:00Z', records: recordsText, exportPayload: exportText, force: false,
    settings: { invoice_price_source: 'sell', currency: 'EUR', reconciliation_tolerance: '0.01' },
  });
  const nameOf = (r) => records.find((x) => x.license_reference === r.license_reference)?.customer_name;
  const expected = expectedFigures(node, nameOf);

  const { page, errors, requests } = await openPage(browser, server);
  await loadDemo(page, 'arrow');
  await preview(page);
  assert.equal(await page.isVisible('#form-error'), false, await page.textContent('#form-error'));
  assert.deepEqual(errors, []);

  const shown = await shownFigures(page);
  assert.deepEqual(shown.totals, expected.totals);
  assert.deepEqual(sortRows(shown.customers), sortRows(expected.customers));
  // By hand, from www/demo: XSP10001 consumed 100.00, export 60.00 + 35.00 → a credit of 5.00;
  // XSP10003 45.75 − 42.50 → a charge of 3.25; XSP20001 1212.34 − 1234.56 → a credit of 22.22.
  const rows = await shownRecords(page);
  assert.equal(rows.length, records.length);
  const row = (source) => rows.find((r) => r.source === source);
  assert.deepEqual([row('XSP10001').now, row('XSP10001').action], ['-5.00', '−Credit']);
  assert.deepEqual([row('XSP10003').now, row('XSP10003').action], ['3.25', '+Additional charge']);
  assert.equal(row('XSP20001').now, '-22.22');
  assert.equal(row('XSP10001').customer, 'Contoso Ltd');
  // XSP30002 was reconciled before (final 118.00 against 120.00 consumed): its −2.00 is already adjusted,
  // not billed again.
  assert.deepEqual([row('XSP30002').already, row('XSP30002').now], ['-2.00', '0.00']);
  for (const r of node.summary.records) {
    const s = row(r.license_reference);
    assert.deepEqual([s.consumed, s.final, s.now], [r.consumed_sell, r.final_sell ?? '—', r.compensation], r.license_reference);
  }
  assert.deepEqual(await countersOf(page), countedOf(node.summary.counters));
  {
    const details = node.summary.counters.error_details ?? [];
    const shownErrors = await errorsOf(page);
    assert.equal(shownErrors.length, details.length, shownErrors.join('\n'));
    for (const [i, d] of details.entries()) assert.ok(shownErrors[i].includes(d.code) && shownErrors[i].includes(d.error), shownErrors[i]);
  }

  // The chart: one row per customer, consumed and final written out.
  const chart = await page.$$eval('#chart .chart-row', (items) => items.map((li) => li.textContent));
  assert.equal(chart.length, new Set(records.map((r) => r.customer_name)).size);
  assert.ok(chart.some((t) => t.includes('Contoso Ltd') && t.includes('consumed 392.50 · final 390.75 EUR')), chart.join('\n'));

  // The changeset, downloaded, is the package's.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-changeset')]);
  assert.equal(download.suggestedFilename(), 'changeset.json');
  const changeset = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.deepEqual(changeset, node.changeset);

  // Nothing left the page's origin, and nothing was posted.
  for (const r of requests) {
    assert.ok(r.url.startsWith(server.url) || r.url.startsWith('blob:') || r.url.startsWith('data:'), r.url);
    assert.equal(r.method, 'GET', r.url);
  }
  await page.screenshot({ path: screenshotPath('www-arrow-1280.png'), fullPage: true });
  await page.close();
});

test('Soracom: closed bill, CSV, latest bill and daily bills, the same figures as in Node, and the daily check', async () => {
  const [recordsText, bill, csv] = await Promise.all([demo('soracom/records.json'), demo('soracom/bill-202501.json'), demo('soracom/billing-202501.csv')]);
  const records = JSON.parse(recordsText);
  const node = previewReconciliation({
    vendor: 'soracom', period: '2025-01', asOf: '2025-02-05T10:00:00Z', records, bill, csv, force: false,
    settings: { granularity: 'subscriber', currency: 'JPY', reconciliation_tolerance: '1' },
  });
  const expected = expectedFigures(node, (r) => records.find((x) => x.subscriber === r.subscriber)?.customer_name);

  const { page, errors } = await openPage(browser, server);
  await loadDemo(page, 'soracom');
  await preview(page);
  assert.equal(await page.isVisible('#form-error'), false, await page.textContent('#form-error'));
  assert.deepEqual(errors, []);
  const shown = await shownFigures(page);
  assert.deepEqual(shown.totals, expected.totals);
  assert.deepEqual(sortRows(shown.customers), sortRows(expected.customers));
  const rows = await shownRecords(page);
  const row = (source) => rows.find((r) => r.source === source);
  // By hand, from the CSV: truck-01 300 + 450 + 520 = 1270 against 1200 → +70; truck-02 300 + 460 − 50 = 710
  // against 800 → −90; sensor-field-a 300 + 246.8 = 546.80 against 560 → −13.20; truck-04 has no row.
  assert.equal(row('imsi:440100000000001').now, '70.00');
  assert.equal(row('imsi:440100000000002').now, '-90.00');
  assert.equal(row('imsi:440100000000004').now, '-13.20');
  assert.match(row('imsi:440100000000006').action, /No billing data/);
  assert.match(row('imsi:440100000000005').action, /Already reconciled/);
  assert.deepEqual(await countersOf(page), countedOf(node.summary.counters));
  {
    const details = node.summary.counters.error_details ?? [];
    const shownErrors = await errorsOf(page);
    assert.equal(shownErrors.length, details.length, shownErrors.join('\n'));
    for (const [i, d] of details.entries()) assert.ok(shownErrors[i].includes(d.code) && shownErrors[i].includes(d.error), shownErrors[i]);
  }
  // To bill now in JPY: 70 − 90 − 13.20 = −33.20; already adjusted: the spare SIM's earlier +20.
  assert.deepEqual([shown.totals[0].now, shown.totals[0].already], ['-33.20', '20.00']);

  // The latest bill is shown as preliminary; the daily bills are explained by the package's daily check:
  // the month 3497 against the days' 1947, the 1550 in monthly fees.
  assert.match(await page.textContent('#latest-bill'), /812 JPY, evaluated 2025-02-05 09:30:00 UTC.*preliminary/);
  const daily = await page.textContent('#daily-check');
  assert.match(daily, /1947/);
  assert.match(daily, /monthly basis fees/);
  assert.equal(await page.$eval('input[name="vendor"]:checked', (r) => r.value), 'soracom');

  await page.screenshot({ path: screenshotPath('www-soracom-1280.png'), fullPage: true });
  await page.close();
});

test("Soracom's records as billsync's API lists them (consumed_amount, in pages) give the same figures as in Node", async () => {
  const [recordsText, bill, csv] = await Promise.all([demo('soracom/records.json'), demo('soracom/bill-202501.json'), demo('soracom/billing-202501.csv')]);
  // GET …/soracom/consumption-records/ names the amounts consumed_amount and final_amount.
  const listed = JSON.parse(recordsText).map(({ consumed_sell: consumed, final_sell: final, final_buy: _, ...r }) => ({
    ...r, consumed_amount: consumed, final_amount: final ?? null, is_reconciled: Boolean(r.reconciled_at),
  }));
  const node = previewReconciliation({
    vendor: 'soracom', period: '2025-01', asOf: '2025-02-05T10:00:00Z', records: JSON.stringify(listed), bill, csv, force: false,
    settings: { granularity: 'subscriber', currency: 'JPY', reconciliation_tolerance: '1' },
  });
  const expected = expectedFigures(node, (r) => listed.find((x) => x.subscriber === r.subscriber)?.customer_name);
  const { page } = await openPage(browser, server);
  await loadDemo(page, 'soracom');
  await page.check('input[name="vendor"][value="auto"]');
  await page.fill('#records', `${JSON.stringify(listed.slice(0, 4), null, 2)}\n${JSON.stringify(listed.slice(4), null, 2)}`);
  await preview(page);
  assert.equal(await page.isVisible('#form-error'), false, await page.textContent('#form-error'));
  assert.match(await page.textContent('#vendor-hint'), /Detected from the records: Soracom/);
  const shown = await shownFigures(page);
  assert.deepEqual(shown.totals, expected.totals);
  assert.deepEqual(sortRows(shown.customers), sortRows(expected.customers));
  assert.equal(shown.totals[0].now, '-33.20');
  await page.close();
});

test('the vendor is detected from the records, and billsync\'s own fetch_billing_export response is taken', async () => {
  const exportPayload = JSON.parse(await demo('export.json'));
  // What POST …/fetch_billing_export/ returns: the rows as objects keyed by the export's headers.
  const fetched = {
    period_from: '2025-01', period_to: '2025-01', classification: null, row_count: exportPayload.data.values.length,
    data: exportPayload.data.values.map((v) => Object.fromEntries(exportPayload.data.headers.map((h, i) => [h, v[i]]))),
  };
  const { page } = await openPage(browser, server);
  await loadDemo(page, 'arrow');
  await page.check('input[name="vendor"][value="auto"]');
  // The records as two pages one after another, as two GETs of …/consumption-records/?page=N print them.
  const records = JSON.parse(await demo('records.json'));
  await page.fill('#records', `${JSON.stringify(records.slice(0, 5))}\n${JSON.stringify(records.slice(5))}`);
  await page.fill('#export', JSON.stringify(fetched));
  await preview(page);
  assert.equal(await page.isVisible('#form-error'), false, await page.textContent('#form-error'));
  assert.match(await page.textContent('#vendor-hint'), /Detected from the records: Arrow/);
  assert.equal(await page.locator('#summary-table tbody tr').count(), records.length);
  assert.equal((await rowsOf(page, '#totals-table tbody tr'))[0].now, '-43.47');
  await page.close();
});

/** One bad input: its error is next to it (aria-invalid, its own error paragraph), and no results show. */
async function expectErrorAt(page, target, pattern) {
  await preview(page);
  const error = await page.textContent(`#${target}-error`);
  assert.match(error, pattern, `#${target}-error: ${error}\nsummary: ${await page.textContent('#form-error')}`);
  assert.equal(await page.getAttribute(`#${target}`, 'aria-invalid'), 'true');
  assert.equal(await page.isVisible('#results'), false);
  const others = await page.$$eval('[aria-invalid="true"]', (nodes) => nodes.map((n) => n.id));
  assert.deepEqual(others, [target]);
}

test('a bad file in each input is reported next to it, in words', async () => {
  const { page, errors } = await openPage(browser, server);
  const bill = await demo('soracom/bill-202501.json');

  await loadDemo(page, 'arrow');
  // Truncated records: the file ends inside the list.
  const records = await demo('records.json');
  await page.setInputFiles('#records-file', { name: 'records-cut.json', mimeType: 'application/json', buffer: Buffer.from(records.slice(0, 700)) });
  await expectErrorAt(page, 'records', /records-cut\.json: the JSON is truncated: the text ends at line \d+, column \d+, inside the (object|text string)/);

  // Malformed JSON in the export: where, in lines and columns.
  await loadDemo(page, 'arrow');
  await page.fill('#export', '{"data": {"headers": ["Classification"] "values": []}}');
  await expectErrorAt(page, 'export', /Billing export \(pasted text\): malformed JSON at line 1, column 41: Expected ',' or '}'/);

  // An amount cell "abc" in the export: row, column and value.
  await loadDemo(page, 'arrow');
  await page.$eval('#export', (area) => {
    const payload = JSON.parse(area.value);
    payload.data.values[0][payload.data.headers.indexOf('Customer Total Price')] = 'abc';
    area.value = JSON.stringify(payload);
  });
  await expectErrorAt(page, 'export', /invalid_cell.*Customer Total Price.*abc/s);

  // A Soracom bill where Arrow's export belongs: which vendor it looks like.
  await loadDemo(page, 'arrow');
  await page.fill('#export', bill);
  await expectErrorAt(page, 'export', /Soracom's monthly bill.*choose Soracom/);

  // Arrow's records with Soracom chosen.
  await loadDemo(page, 'soracom');
  await page.fill('#records', records);
  await expectErrorAt(page, 'records', /Arrow's consumption records.*not Soracom's: choose Arrow/);

  // A record with an amount that is not one: the record and the field.
  await loadDemo(page, 'soracom');
  await page.$eval('#records', (area) => {
    const list = JSON.parse(area.value);
    list[2].consumed_sell = 'lots';
    area.value = JSON.stringify(list, null, 2);
  });
  await expectErrorAt(page, 'records', /record 3.*consumed_sell/i);

  // The latest bill in place of the closed one.
  await loadDemo(page, 'soracom');
  await page.fill('#bill', await demo('soracom/latest.json'));
  await expectErrorAt(page, 'bill', /latest bill.*preliminary/);

  // A temporary (not closed) bill: the package's own word for it.
  await loadDemo(page, 'soracom');
  await page.fill('#bill', bill.replace('"closed"', '"temporary"'));
  await expectErrorAt(page, 'bill', /temporary/);

  // A CSV with a bad amount: its line and column.
  await loadDemo(page, 'soracom');
  const csv = await demo('soracom/billing-202501.csv');
  await page.setInputFiles('#csv-file', { name: 'billing.csv', mimeType: 'text/csv', buffer: Buffer.from(csv.replace(',450,', ',4x0,')) });
  await expectErrorAt(page, 'csv', /billing\.csv.*row 3, column "amount", value "4x0"/);

  // JSON where the CSV belongs.
  await loadDemo(page, 'soracom');
  await page.fill('#csv', bill);
  await expectErrorAt(page, 'csv', /expected Soracom's billing CSV export, but this is Soracom's monthly bill/);

  // Daily bills where the latest bill belongs, and malformed daily bills.
  await loadDemo(page, 'soracom');
  await page.fill('#latest', await demo('soracom/daily-202501.json'));
  await expectErrorAt(page, 'latest', /expected Soracom's latest bill.*daily bills.*Daily bills/);
  await loadDemo(page, 'soracom');
  await page.fill('#daily', '{"billList": [{"amount": 285, "currency": "JPY", "date": "20250102"}');
  await expectErrorAt(page, 'daily', /truncated/);

  // Daily bills in another currency than the bill: the preview is shown, and the daily check's failure is
  // next to the daily bills.
  await loadDemo(page, 'soracom');
  await page.fill('#daily', (await demo('soracom/daily-202501.json')).replaceAll('"JPY"', '"USD"'));
  await preview(page);
  assert.equal(await page.isVisible('#results'), true);
  assert.match(await page.textContent('#daily-error'), /Daily bills \(pasted text\): the daily check failed: .*USD/);
  assert.equal(await page.getAttribute('#daily', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#daily-check'), /daily check failed/);

  // A bad period: next to the period.
  await loadDemo(page, 'arrow');
  await page.fill('#period', '2025-13');
  await expectErrorAt(page, 'period', /period/i);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the preview CSV escapes cells a spreadsheet would run as formulas, and keeps amounts as numbers', async () => {
  const records = JSON.parse(await demo('records.json'));
  records[0].customer_name = '=HYPERLINK("http://evil.example","x")';
  records[0].resource_name = '+1+2';
  records[1].resource_name = '@SUM(A1:A2)';
  records[2].resource_name = '-2+3';
  records[3].customer_name = '\tindented'; // the package trims names it reads; the page's customer names are as given
  const { page } = await openPage(browser, server);
  await loadDemo(page, 'arrow');
  await page.fill('#records', JSON.stringify(records));
  await preview(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
  assert.equal(download.suggestedFilename(), 'preview.csv');
  const csv = (await readFile(await download.path(), 'utf8')).replace(/^\ufeff/, '');
  const lines = csv.split('\r\n');
  assert.equal(lines[0], 'license_reference,resource_name,customer_name,customer_uuid,billing_period,currency,consumed,final,adjustment,already_adjusted,to_bill_now,action,error');
  assert.equal(lines.length, records.length + 2); // header, rows, and the empty string after the last CRLF
  assert.ok(csv.includes(`"'=HYPERLINK(""http://evil.example"",""x"")"`), csv);
  assert.ok(csv.includes(",'+1+2,"), csv);
  assert.ok(csv.includes(",'@SUM(A1:A2),"), csv);
  assert.ok(csv.includes(",'-2+3,"), csv);
  assert.ok(csv.includes(",'\tindented,"), csv);
  // No cell starts with a formula character unless it is a plain number.
  for (const line of lines.slice(1, -1)) {
    for (const cell of line.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((c) => c.replace(/,$/, '').replace(/^"|"$/g, ''))) {
      assert.ok(!/^[=+\-@\t\r]/.test(cell) || /^-\d+(\.\d+)?$/.test(cell), `unescaped cell ${JSON.stringify(cell)} in ${line}`);
    }
  }
  const xsp10001 = lines.find((l) => l.startsWith('XSP10001,'));
  assert.match(xsp10001, /,100\.00,95\.00,-5\.00,0\.00,-5\.00,credit,$/);
  await page.close();
});

test('keyboard only: load the demo, preview, sort and page the records; every control has a label', async () => {
  const { page } = await openPage(browser, server);
  await page.focus('#load-soracom-demo');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('records').value.length > 0);
  await page.focus('#preview');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#results:not([hidden]) #results-body[data-complete]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'results');
  await page.focus('#sort-now');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('th[data-sort="now"]').getAttribute('aria-sort') === 'ascending');
  assert.equal((await rowsOf(page, '#summary-table tbody tr'))[0].now, '-90.00');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('th[data-sort="now"]').getAttribute('aria-sort') === 'descending');
  assert.equal((await rowsOf(page, '#summary-table tbody tr'))[0].now, '70.00');
  await page.focus('#filter-action');
  await page.selectOption('#filter-action', 'credit');
  await page.waitForFunction(() => /Rows 1–2 of 2 \(filtered from 7\)/.test(document.getElementById('pager-status').textContent));
  await page.fill('#filter-action', '').catch(() => {});
  const unlabelled = await page.$$eval('input, select, textarea, button', (nodes) =>
    nodes.filter((n) => !n.closest('[hidden]') && n.type !== 'hidden')
      .filter((n) => !(n.labels?.length || n.getAttribute('aria-label') || (n.tagName === 'BUTTON' && n.textContent.trim())))
      .map((n) => n.id || n.outerHTML.slice(0, 80)));
  assert.deepEqual(unlabelled, []);
  await page.close();
});

test('at 390 px wide the page fits the screen; screenshots at both widths are kept under target/screenshots/', async () => {
  const { page } = await openPage(browser, server, { width: 390, height: 844 });
  await loadDemo(page, 'arrow');
  await preview(page);
  assert.equal(await page.isVisible('#form-error'), false, await page.textContent('#form-error'));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
  await page.screenshot({ path: screenshotPath('www-arrow-390.png'), fullPage: true });
  await page.close();
  // The README's screenshot: the top of the results at 1280 px.
  const wide = await openPage(browser, server, { width: 1280, height: 1000 });
  await loadDemo(wide.page, 'soracom');
  await preview(wide.page);
  assert.equal(await wide.page.isVisible('#form-error'), false, await wide.page.textContent('#form-error'));
  await wide.page.locator('#results').screenshot({ path: screenshotPath('www-results-1280.png') });
  // The README's picture (www/screenshot.jpg is a copy of one run's): the figures, the chart, the customers.
  const clip = await wide.page.evaluate(() => {
    const results = document.getElementById('results').getBoundingClientRect();
    const customers = document.getElementById('customers-table').getBoundingClientRect();
    return { x: results.x, y: results.y + window.scrollY, width: results.width, height: customers.bottom - results.y + 16 };
  });
  await wide.page.screenshot({ path: screenshotPath('www-readme.png'), fullPage: true, clip });
  await wide.page.close();
});

test('opened as file://, the page says how to serve it', async () => {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(join(REPO_ROOT, 'www/index.html')).href);
  await page.waitForSelector('#engine-status.is-error');
  assert.match(await page.textContent('#engine-status'), /opened as a file.*make run.*http:\/\/127\.0\.0\.1:8080/s);
  await page.close();
});

test("the browser build previews a Soracom month: a closed bill and its CSV bytes, per SIM", async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/tests/browser/blank.html`);
  const result = await page.evaluate(async () => {
    const billsync = await import('/pkg/web.js');
    const csv = new TextEncoder().encode('\ufeffimsi,date,billItemName,unitPrice,quantity,amount,tag.name\r\n'
      + '440100000000001,20250101,"Air data, s1",0.2,500,100,fleet\r\n440100000000001,202501,Discount,-5,1,-5,fleet\r\n'
      + '440100000000002,20250102,Air data,0.2,50,10,fleet\r\n');
    const preview = billsync.previewReconciliation({
      vendor: 'soracom', period: '2025-01', asOf: '2025-02-05T00:00:00Z',
      bill: '{"amount": 105, "currency": "JPY", "state": "closed", "yearMonth": "202501"}', csv,
      records: [{ subscriber: 'imsi:440100000000001', consumed_sell: '90' }, { subscriber: 'imsi:440100000000002', consumed_sell: '10' }],
    });
    return preview.summary.records.map((r) => [r.subscriber, r.final_sell, r.compensation]);
  });
  assert.deepEqual(result, [['imsi:440100000000001', '95.00', '5.00'], ['imsi:440100000000002', '10.00', '0.00']]);
  await page.close();
});
