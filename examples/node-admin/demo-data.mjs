// The demo dataset: three Arrow customers, eight Azure licences, their consumption month by month and
// Arrow's billing export, plus the host's side (settings, customers, projects, resources, mappings).
//
// Everything is derived from (licence, month) by a seeded generator, so any month gives the same data on
// every run and every machine. Money is generated in integer ten-thousandths (BigInt) and only formatted
// as text: no float ever holds an amount.
//
// What the data exercises:
// - consumption amounts as "12.3456", and for one licence as "€1,234.50" (currency sign, thousands separator);
// - an export whose per-licence totals differ from consumption: some exact, some credits, some charges;
// - export lines split differently from consumption lines, so totals must be summed, not matched by line;
// - a SAAS line (the classification filter), a licence with no host resource, and a licence whose billing
//   never arrives (no_billing_data);
// - more than one export page at the simulator's perPage.

export const ARROW_API_KEY = 'demo-arrow-key';
export const EXPORT_TYPE_REFERENCE = 'ERP-EXPORT-IAAS';
export const DEMO_PER_PAGE = 25;

export const CUSTOMERS = [
  { reference: 'XSP661245', name: 'Contoso Ltd', email: 'billing@contoso.example', address: '1 Harbour Road', city: 'Dublin', postCode: 'D02 X285', country: 'IE' },
  { reference: 'XSP661302', name: 'Fabrikam GmbH', email: 'rechnung@fabrikam.example', address: 'Hauptstrasse 12', city: 'Berlin', postCode: '10115', country: 'DE' },
  { reference: 'XSP661377', name: 'Northwind Traders SA', email: 'ap@northwind.example', address: '8 Rue du Port', city: 'Marseille', postCode: '13002', country: 'FR' },
];

// adjust: how the billing export's final total relates to consumption for this licence.
//   exact   – the same money;  credit / charge – less / more, by a generated amount of at least 0.05;
//   missing – Arrow has not billed it (no export lines).
// euro: this licence's amounts come formatted as "€1,234.50".
// host: false – Arrow knows the licence, the host has no resource for it.
export const LICENSES = [
  { reference: 'XSP10001', customer: 'XSP661245', name: 'contoso-prod', adjust: 'exact', lines: 5, scale: 4_000_000n },
  { reference: 'XSP10002', customer: 'XSP661245', name: 'contoso-dev', adjust: 'credit', lines: 4, scale: 900_000n },
  { reference: 'XSP10003', customer: 'XSP661245', name: 'contoso-data', adjust: 'charge', lines: 6, scale: 2_500_000n, euro: true },
  { reference: 'XSP10004', customer: 'XSP661302', name: 'fabrikam-web', adjust: 'credit', lines: 7, scale: 1_200_000n },
  { reference: 'XSP10005', customer: 'XSP661302', name: 'fabrikam-ml', adjust: 'charge', lines: 8, scale: 6_000_000n },
  { reference: 'XSP10006', customer: 'XSP661377', name: 'northwind-erp', adjust: 'exact', lines: 6, scale: 1_800_000n },
  { reference: 'XSP10007', customer: 'XSP661377', name: 'northwind-lab', adjust: 'missing', lines: 3, scale: 300_000n },
  { reference: 'XSP10008', customer: 'XSP661377', name: 'northwind-legacy', adjust: 'credit', lines: 5, scale: 700_000n, host: false },
].map((l, i) => ({
  ...l,
  index: i,
  vendor: 'Microsoft',
  product: 'Azure plan',
  vendorSubscriptionId: `a2f${String(i + 1).padStart(5, '0')}-5c1e-4d7b-9a3e-0b1c2d3e4f${String(i + 10).padStart(2, '0')}`,
  arrowSku: `MS-AZR-0017P-${String(i + 1).padStart(3, '0')}`,
}));

const METERS = [
  ['Virtual Machines', 'D4s v5', '1 Hour'],
  ['Storage', 'Premium SSD Managed Disks', '1/Month'],
  ['Bandwidth', 'Data Transfer Out', '1 GB'],
  ['Azure App Service', 'Premium v3 Plan', '1 Hour'],
  ['SQL Database', 'General Purpose vCore', '1 Hour'],
  ['Azure Monitor', 'Log Analytics Data Ingestion', '1 GB'],
  ['Azure Kubernetes Service', 'Standard Uptime SLA', '1 Hour'],
  ['Key Vault', 'Operations', '10K'],
  ['Azure Cosmos DB', 'Request Units', '100 RU/s'],
];

export const CONSUMPTION_HEADERS = [
  'Report Period',
  'Vendor Billing Start Date',
  'Vendor Billing End Date',
  'Vendor Meter Category',
  'Vendor Product Name',
  'UOM',
  'Level Chargeable Quantity',
  'Total sell price',
  'Total buy price',
  'Country currency code',
];

export const EXPORT_HEADERS = [
  'Classification',
  'Vendor Subscription ID',
  'End User Company Name',
  'End User Company ID',
  'Customer Total Price',
  'Total Wholesale Price',
  'Sequence',
  'ARS Subscription ID',
  'Statement Reference',
  'Vendor Name',
  'Product Name',
  'Qty',
  'Report Period',
  'Offer Name',
  'Arrow SKU',
  'Vendor SKU',
  'Billing Cycle',
  'Customer Unit Price',
  'Bill From',
  'Bill To',
  'E-mail',
  'Address Line1',
  'City',
  'Post Code',
  'Country Code',
];

// ---------------------------------------------------------------------------------------------------------
// Deterministic randomness (FNV-1a seed, mulberry32 stream). Only integers leave it.

function seedOf(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function stream(text) {
  let a = seedOf(text);
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  // An integer in [lo, hi] (BigInt bounds), from two 32-bit draws.
  const big = (lo, hi) => lo + ((BigInt(next()) << 32n) | BigInt(next())) % (hi - lo + 1n);
  return { next, big, int: (lo, hi) => lo + (next() % (hi - lo + 1)) };
}

// ---------------------------------------------------------------------------------------------------------
// Money as integer ten-thousandths.

const SCALE = 10_000n;

/** 123456n → "12.3456"; with euro, whole cents as "€1,234.50". */
export function formatAmount(units, { euro = false } = {}) {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / SCALE;
  const frac = abs % SCALE;
  if (euro) {
    const cents = String(frac / 100n).padStart(2, '0');
    const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return `${negative ? '-' : ''}€${grouped}.${cents}`;
  }
  return `${negative ? '-' : ''}${whole}.${String(frac).padStart(4, '0')}`;
}

// A total whose last two digits are 50 sits exactly between two cents; keeping totals off that tie means
// the 2-decimal rendering is the same whichever rounding rule a reader uses.
function offTie(units, step) {
  return (units % 100n === 50n || units % 100n === -50n) ? units + step : units;
}

export const periodOf = (year, month) => `${year}-${String(month).padStart(2, '0')}`;

export function periodsBetween(from, to) {
  const out = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(periodOf(y, m));
    m += 1;
    if (m === 13) { y += 1; m = 1; }
    if (out.length > 240) break;
  }
  return out;
}

const lastDay = (period) => {
  const [y, m] = period.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
};

// ---------------------------------------------------------------------------------------------------------
// Consumption: what Arrow's consumption API reports for a licence and month (provisional).

/** The consumption lines of one licence for one month, amounts in units. */
export function consumptionLinesOf(license, period) {
  const rnd = stream(`consumption|${license.reference}|${period}`);
  const lines = [];
  const cents = license.euro ? 100n : 1n;
  for (let i = 0; i < license.lines; i += 1) {
    const [category, product, uom] = METERS[(license.index + i) % METERS.length];
    let sell = (rnd.big(license.scale / 20n, license.scale) / cents) * cents;
    // buy is 78–92 % of sell, computed in integers.
    let buy = ((sell * BigInt(rnd.int(78, 92))) / 100n / cents) * cents;
    if (i === license.lines - 1) {
      const sellSoFar = lines.reduce((s, l) => s + l.sell, 0n);
      const buySoFar = lines.reduce((s, l) => s + l.buy, 0n);
      sell = offTie(sellSoFar + sell, cents) - sellSoFar;
      buy = offTie(buySoFar + buy, cents) - buySoFar;
    }
    lines.push({
      category,
      product,
      uom,
      quantity: String(rnd.int(1, 744)),
      sell,
      buy,
    });
  }
  return lines;
}

/** Arrow's payload for GET consumption/monthly/license/{ref}: every month in [start, end]. */
export function consumptionPayload(reference, periodStart, periodEnd) {
  const license = LICENSES.find((l) => l.reference === reference);
  if (!license) return null;
  const lines = [];
  for (const period of periodsBetween(periodStart, periodEnd)) {
    for (const line of consumptionLinesOf(license, period)) {
      lines.push([
        period,
        `${period}-01`,
        `${period}-${lastDay(period)}`,
        line.category,
        line.product,
        line.uom,
        line.quantity,
        formatAmount(line.sell, { euro: license.euro }),
        formatAmount(line.buy, { euro: license.euro }),
        'EUR',
      ]);
    }
  }
  return { status: 200, data: { headers: CONSUMPTION_HEADERS, lines } };
}

// ---------------------------------------------------------------------------------------------------------
// The billing export: Arrow's final figures, per statement (customer and month).

function finalTotals(license, period) {
  const lines = consumptionLinesOf(license, period);
  const sell = lines.reduce((s, l) => s + l.sell, 0n);
  const buy = lines.reduce((s, l) => s + l.buy, 0n);
  const rnd = stream(`final|${license.reference}|${period}`);
  const cents = license.euro ? 100n : 1n;
  // Whole cents, at least 0.05 and at most ~4 % of the total. Whole cents keep the final's sub-cent digits
  // equal to consumption's, so final − consumed renders the same whether it is rounded before or after.
  const delta = () => ((500n + rnd.big(0n, sell / 25n)) / 100n) * 100n;
  switch (license.adjust) {
    case 'credit': { const d = delta(); return { sell: offTie(sell - d, cents), buy: offTie(buy - ((d * 4n) / 500n) * 100n, cents) }; }
    case 'charge': { const d = delta(); return { sell: offTie(sell + d, cents), buy: offTie(buy + ((d * 4n) / 500n) * 100n, cents) }; }
    default: return { sell, buy };
  }
}

/** Splits a total into n positive parts (integers), deterministically. */
function split(total, n, rnd, cents) {
  const parts = [];
  let left = total;
  for (let i = 0; i < n - 1; i += 1) {
    const share = ((left * BigInt(rnd.int(20, 60))) / 100n / cents) * cents;
    parts.push(share);
    left -= share;
  }
  parts.push(left);
  return parts;
}

const statementReference = (customer, period) => `ST-${period.replace('-', '')}-${customer.slice(3)}`;

/** Every export row for the months in [from, to], in a stable order. */
export function billingExportRows(from, to) {
  const rows = [];
  for (const period of periodsBetween(from, to)) {
    let sequence = 0; // line references are per month, so they do not depend on the range asked for
    const [y, m] = period.split('-').map(Number);
    const billFrom = `${period}-01`;
    const billTo = `${period}-${lastDay(period)}`;
    for (const customer of CUSTOMERS) {
      const statement = statementReference(customer.reference, period);
      const row = (license, { classification, offer, sku, qty, sell, buy, unit, euro }) => {
        sequence += 1;
        return [
          classification,
          license.vendorSubscriptionId,
          customer.name,
          customer.reference,
          formatAmount(sell, { euro }),
          formatAmount(buy, { euro }),
          `${y}${String(m).padStart(2, '0')}-${String(sequence).padStart(5, '0')}`,
          license.reference,
          statement,
          license.vendor,
          license.product,
          qty,
          period,
          offer,
          sku,
          `DZH318Z0BQ3${license.index}`,
          'Monthly',
          unit,
          billFrom,
          billTo,
          customer.email,
          customer.address,
          customer.city,
          customer.postCode,
          customer.country,
        ];
      };
      for (const license of LICENSES.filter((l) => l.customer === customer.reference)) {
        if (license.adjust === 'missing') continue;
        const totals = finalTotals(license, period);
        const rnd = stream(`export|${license.reference}|${period}`);
        const cents = license.euro ? 100n : 1n;
        const n = 2 + (license.index % 3) + Math.floor(license.lines / 2);
        const sells = split(totals.sell, n, rnd, cents);
        // Buy follows sell line by line (same shares), the last line taking the remainder.
        const buys = sells.map((part) => ((totals.buy * part) / totals.sell / cents) * cents);
        buys[n - 1] = totals.buy - buys.slice(0, n - 1).reduce((a, b) => a + b, 0n);
        for (let i = 0; i < n; i += 1) {
          rows.push(row(license, {
            classification: 'IAAS',
            offer: `Azure plan – ${METERS[(license.index + i) % METERS.length][0]}`,
            sku: license.arrowSku,
            qty: String(1 + (i % 3)),
            sell: sells[i],
            buy: buys[i],
            unit: formatAmount(sells[i], { euro: license.euro }),
            euro: license.euro,
          }));
        }
      }
      // One SaaS licence per customer: Microsoft 365 seats, billed but not consumption-tracked.
      const seats = 5 + CUSTOMERS.indexOf(customer) * 7;
      const saas = {
        reference: `XSP2000${CUSTOMERS.indexOf(customer) + 1}`,
        vendor: 'Microsoft',
        product: 'Microsoft 365 Business Standard',
        vendorSubscriptionId: `m365-${customer.reference.toLowerCase()}`,
        arrowSku: 'MS-CSP-M365-BS',
        index: 9,
      };
      rows.push(row(saas, {
        classification: 'SAAS',
        offer: 'Microsoft 365 Business Standard (monthly)',
        sku: saas.arrowSku,
        qty: String(seats),
        sell: BigInt(seats) * 117_000n,
        buy: BigInt(seats) * 99_500n,
        unit: formatAmount(117_000n),
      }));
    }
  }
  return rows;
}

/** Arrow's payload for one page (1-based) of POST billing/erp/exports/sync. */
export function billingExportPage({ from, to, page, perPage = DEMO_PER_PAGE }) {
  const rows = billingExportRows(from, to);
  const start = (page - 1) * perPage;
  return {
    status: 200,
    data: { headers: EXPORT_HEADERS, values: rows.slice(start, start + perPage) },
    pagination: { perPage, page, total: rows.length },
  };
}

export function licensePayload(reference) {
  const license = LICENSES.find((l) => l.reference === reference);
  if (!license) return null;
  const customer = CUSTOMERS.find((c) => c.reference === license.customer);
  return {
    status: 200,
    data: {
      license: {
        license_id: reference,
        friendlyName: license.name,
        vendor_name: license.vendor,
        vendor_subscription_id: license.vendorSubscriptionId,
        sku: license.arrowSku,
        offer: license.product,
        state: 'active',
        seats: 1,
        activation_datetime: '2024-01-01T00:00:00Z',
        periodicity: 'monthly',
        customer_ref: customer.reference,
        customer_name: customer.name,
        classification: 'IAAS',
      },
    },
  };
}

export function licensesPayload(page, perPage) {
  const all = LICENSES.map((l) => licensePayload(l.reference).data.license);
  const start = (page - 1) * perPage;
  return {
    status: 200,
    data: { licenses: all.slice(start, start + perPage) },
    pagination: { page, per_page: perPage, total: all.length, total_page: Math.max(1, Math.ceil(all.length / perPage)) },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The host's side: what an admin backend already has before any sync. Fixed uuids, so reruns agree.

export const hostUuid = (group, n) => `0000000${group}-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const DEMO_SETTINGS_UUID = hostUuid(1, 1);

/** The host tables to seed a fresh store with; `apiUrl` is where the Arrow API (or simulator) is. */
export function demoHostData({ apiUrl = '' } = {}) {
  const customers = CUSTOMERS.map((c, i) => ({ uuid: hostUuid(2, i + 1), name: c.name }));
  const projects = CUSTOMERS.map((c, i) => ({ uuid: hostUuid(3, i + 1), name: 'Arrow Azure Subscriptions', customer_uuid: customers[i].uuid }));
  const resources = LICENSES.filter((l) => l.host !== false).map((l) => ({
    uuid: hostUuid(5, l.index + 1),
    name: l.name,
    project_uuid: projects[CUSTOMERS.findIndex((c) => c.reference === l.customer)].uuid,
    offering_uuid: null,
    backend_id: l.vendorSubscriptionId,
    state: 'OK',
    attributes: { arrow_license_reference: l.reference },
  }));
  const customer_mappings = CUSTOMERS.map((c, i) => ({
    uuid: hostUuid(4, i + 1),
    settings_uuid: DEMO_SETTINGS_UUID,
    arrow_reference: c.reference,
    customer_uuid: customers[i].uuid,
  }));
  return {
    global_sync_enabled: true,
    settings: [{
      uuid: DEMO_SETTINGS_UUID,
      name: 'Arrow (demo)',
      api_url: apiUrl,
      export_type_reference: EXPORT_TYPE_REFERENCE,
      classification_filter: 'IAAS',
      is_active: true,
      sync_enabled: true,
      invoice_price_source: 'sell',
      invoice_item_prefix: 'Arrow consumption',
      currency: 'EUR',
      reconciliation_tolerance: '0.01',
      // The demo's Arrow fulfils a month's statements 3 days after it ends; billsync's adapter here has no
      // statements call, so the calendar rule (5 days) stands in for Arrow's state and an unforced
      // `reconcile` compensates past months.
      // Only Arrow's own state counts: the simulator's statements move from Open to Fulfilled.
      validation_rule: { rule: 'export_state_only' },
    }],
    customers,
    projects,
    resources,
    customer_mappings,
    consumption_records: [],
    billing_syncs: [],
    invoice_items: [],
  };
}
