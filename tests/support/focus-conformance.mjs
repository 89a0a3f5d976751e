// A FOCUS 1.4 conformance check of billsync's export, written from the specification (the Cost and Usage
// dataset's columns, their data types, nullability and allowed values; the Correction Handling attribute),
// not from billsync's code: the test fails when the export drifts from the spec.

/** The columns billsync exports, with their FOCUS data types, in order. */
export const FOCUS_14_COLUMNS = [
  ['BilledCost', 'Decimal'], ['BillingAccountId', 'String'], ['BillingAccountName', 'String'],
  ['BillingCurrency', 'String'], ['BillingPeriodEnd', 'DateTime'], ['BillingPeriodStart', 'DateTime'],
  ['ChargeCategory', 'String'], ['ChargeClass', 'String'], ['ChargeDescription', 'String'],
  ['ChargeFrequency', 'String'], ['ChargePeriodEnd', 'DateTime'], ['ChargePeriodStart', 'DateTime'],
  ['ContractedCost', 'Decimal'], ['ContractedUnitPrice', 'Decimal'], ['EffectiveCost', 'Decimal'],
  ['HostProviderName', 'String'], ['InvoiceId', 'String'], ['InvoiceIssuerName', 'String'],
  ['ListCost', 'Decimal'], ['ListUnitPrice', 'Decimal'], ['PricingQuantity', 'Decimal'], ['PricingUnit', 'String'],
  ['ResourceId', 'String'], ['ResourceName', 'String'], ['ServiceCategory', 'String'], ['ServiceName', 'String'],
  ['ServiceProviderName', 'String'], ['SkuId', 'String'], ['SubAccountId', 'String'], ['SubAccountName', 'String'],
  ['x_BillsyncItemId', 'String'], ['x_BillsyncItemKind', 'String'], ['x_BillsyncSourceKey', 'String'],
  ['x_BillsyncTrace', 'JSON'],
];

/** FOCUS 1.4's columns that every Cost and Usage dataset MUST include (the dataset's unconditional MUSTs). */
export const FOCUS_14_MANDATORY = [
  'BilledCost', 'BillingAccountId', 'BillingAccountName', 'BillingCurrency', 'BillingPeriodEnd', 'BillingPeriodStart',
  'ChargeCategory', 'ChargeClass', 'ChargeDescription', 'ChargePeriodEnd', 'ChargePeriodStart', 'ContractedCost',
  'EffectiveCost', 'HostProviderName', 'InvoiceIssuerName', 'ListCost', 'PricingQuantity', 'PricingUnit',
  'ServiceCategory', 'ServiceName', 'ServiceProviderName',
];
/** Columns whose values MUST NOT be null. */
const NOT_NULL = ['BilledCost', 'BillingAccountId', 'BillingCurrency', 'BillingPeriodEnd', 'BillingPeriodStart',
  'ChargeCategory', 'ChargePeriodEnd', 'ChargePeriodStart', 'ContractedCost', 'EffectiveCost', 'HostProviderName',
  'InvoiceIssuerName', 'ListCost', 'ServiceCategory', 'ServiceName', 'ServiceProviderName'];
const ALLOWED = {
  ChargeCategory: ['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment'],
  ChargeClass: ['Correction'],
  ChargeFrequency: ['One-Time', 'Recurring', 'Usage-Based'],
  ServiceCategory: ['AI and Machine Learning', 'Analytics', 'Business Applications', 'Compute', 'Databases',
    'Developer Tools', 'Multicloud', 'Identity', 'Integration', 'Internet of Things', 'Management and Governance',
    'Media', 'Migration', 'Mobile', 'Networking', 'Security', 'Storage', 'Web', 'Other'],
};
const DECIMAL = /^-?\d+(\.\d+)?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const CURRENCY = /^[A-Z]{3}$/;

/** RFC 4180 CSV into rows of fields; an empty unquoted field is null. */
export function parseCsv(text) {
  const rows = [];
  let at = 0;
  while (at < text.length) {
    const row = [];
    for (;;) {
      let value;
      if (text[at] === '"') {
        let end = at + 1;
        value = '';
        for (;;) {
          const q = text.indexOf('"', end);
          if (q < 0) throw new Error(`unclosed quote at ${at}`);
          value += text.slice(end, q);
          if (text[q + 1] === '"') {
            value += '"';
            end = q + 2;
          } else {
            at = q + 1;
            break;
          }
        }
      } else {
        let end = at;
        while (end < text.length && text[end] !== ',' && text[end] !== '\r' && text[end] !== '\n') end += 1;
        value = end === at ? null : text.slice(at, end);
        if (value !== null && value.includes('"')) throw new Error(`a quote inside an unquoted field at ${at}`);
        at = end;
      }
      row.push(value);
      if (text[at] !== ',') break;
      at += 1;
    }
    if (!text.startsWith('\r\n', at)) throw new Error(`a record must end with CRLF at ${at}`);
    at += 2;
    rows.push(row);
  }
  return rows;
}

/** Exact decimals as scaled BigInts. */
const scaled = (s, scale = 12) => {
  const [int, frac = ''] = s.replace('-', '').split('.');
  const v = BigInt(int + frac.padEnd(scale, '0').slice(0, scale));
  return s.startsWith('-') ? -v : v;
};

/**
 * Checks one export (CSV text, or JSON lines text with `jsonl`) and returns its rows as objects, plus Σ BilledCost per
 * currency (scaled by 10^12, BigInt). Throws an Error naming the row and column on the first breach.
 */
export function checkFocusExport(text, { jsonl = false } = {}) {
  const names = FOCUS_14_COLUMNS.map(([n]) => n);
  let objects;
  if (jsonl) {
    objects = text.split('\n').filter((l) => l !== '').map((line, i) => {
      const o = JSON.parse(line);
      if (JSON.stringify(Object.keys(o)) !== JSON.stringify(names)) throw new Error(`line ${i + 1}: the columns are not FOCUS 1.4's list`);
      // Decimals are JSON numbers in the line's text, written exactly: read them as text.
      return Object.fromEntries(names.map((n) => [n, o[n] === null ? null : typeof o[n] === 'object' ? JSON.stringify(o[n]) : String(o[n])]));
    });
    for (const [i, line] of text.split('\n').filter((l) => l !== '').entries()) {
      const m = /^\{"BilledCost":(-?\d+(?:\.\d+)?),/.exec(line);
      if (!m) throw new Error(`line ${i + 1}: BilledCost is not an exact JSON number`);
      objects[i].BilledCost = m[1];
    }
  } else {
    const [header, ...rows] = parseCsv(text);
    if (JSON.stringify(header) !== JSON.stringify(names)) throw new Error(`the header is not FOCUS 1.4's column list: ${header}`);
    objects = rows.map((r, i) => {
      if (r.length !== names.length) throw new Error(`row ${i + 1} has ${r.length} fields, not ${names.length}`);
      return Object.fromEntries(names.map((n, j) => [n, r[j]]));
    });
  }
  for (const column of FOCUS_14_MANDATORY) if (!names.includes(column)) throw new Error(`mandatory ${column} is missing`);
  for (const [name] of FOCUS_14_COLUMNS) {
    if (!/^[A-Z][A-Za-z]*$/.test(name) && !/^x_[A-Za-z]+$/.test(name)) throw new Error(`${name}: not a FOCUS or x_ column id`);
  }
  const sums = new Map();
  objects.forEach((row, i) => {
    const where = (c) => `row ${i + 1} ${c} (${JSON.stringify(row[c])})`;
    for (const [name, type] of FOCUS_14_COLUMNS) {
      const v = row[name];
      if (v === null) {
        if (NOT_NULL.includes(name)) throw new Error(`${where(name)} must not be null`);
        continue;
      }
      if (type === 'Decimal' && !DECIMAL.test(v)) throw new Error(`${where(name)} is not a Decimal`);
      if (type === 'DateTime' && (!DATETIME.test(v) || Number.isNaN(Date.parse(v)))) throw new Error(`${where(name)} is not ISO 8601 UTC with Z`);
      if (type === 'JSON') JSON.parse(v);
      if (ALLOWED[name] && !ALLOWED[name].includes(v)) throw new Error(`${where(name)} is not an allowed value`);
    }
    if (!CURRENCY.test(row.BillingCurrency)) throw new Error(`${where('BillingCurrency')} is not ISO 4217`);
    if ((row.PricingUnit === null) !== (row.PricingQuantity === null)) throw new Error(`${where('PricingUnit')}: null exactly when PricingQuantity is`);
    if (row.ResourceId === null && row.ResourceName !== null) throw new Error(`${where('ResourceName')} must be null without a ResourceId`);
    // Costs: the list and contracted costs are their unit price times the pricing quantity.
    const q = scaled(row.PricingQuantity);
    for (const [cost, price] of [['ListCost', 'ListUnitPrice'], ['ContractedCost', 'ContractedUnitPrice']]) {
      if (row[price] !== null && scaled(row[price]) * q !== scaled(row[cost]) * 10n ** 12n) throw new Error(`${where(cost)} is not ${price} × PricingQuantity`);
    }
    if (!(Date.parse(row.ChargePeriodStart) < Date.parse(row.ChargePeriodEnd))) throw new Error(`${where('ChargePeriodEnd')} is not after its start`);
    if (!(Date.parse(row.BillingPeriodStart) < Date.parse(row.BillingPeriodEnd))) throw new Error(`${where('BillingPeriodEnd')} is not after its start`);
    // Correction Handling: a correction of a closed billing period is billed in a later one, its charge period
    // the one it corrects; a charge of its own billing period is no Correction.
    const earlier = Date.parse(row.ChargePeriodStart) < Date.parse(row.BillingPeriodStart);
    if ((row.ChargeClass === 'Correction') !== earlier) throw new Error(`${where('ChargeClass')}: Correction exactly when the charge period is before the billing period`);
    sums.set(row.BillingCurrency, (sums.get(row.BillingCurrency) ?? 0n) + scaled(row.BilledCost));
  });
  return { rows: objects, billedCost: sums };
}

export { scaled as scaledDecimal };
