// The Soracom demo dataset: one operator (a Soracom account) with six SIMs (IMSIs) and two Soracom Inventory
// devices (deviceId), their billing month by month, the billing CSV export, and the host's side (a
// soracom_settings row, customers, projects, resources).
//
// Everything is derived from (subscriber, month) by a seeded generator: any month gives the same data on every
// run and every machine. Money is integer yen (BigInt), formatted only as text; no float holds an amount.
//
// Each month exists twice:
// - **final**: what the closed bill and its export say; the figures the engine reconciles to;
// - **preliminary**: what Soracom shows while the month is still "temporary" (the current month, and the
//   previous one for its first days). It drifts from the final per SIM, by the SIM's `drift`:
//     up    – usage rated late: one day's data row is missing from the preliminary (final > preliminary);
//     down  – a re-rating credit appears only in the final (final < preliminary, about 3 %);
//     exact – the same rows.
//   Account-level rows are the same in both.
//
// What the CSV exercises (spec/soracom.md): UTF-8 with a BOM, every field quoted, CRLF; per day per SIM data
// and SMS rows (date yyyyMMdd); monthly basic fees (date yyyyMM) that the daily bills leave out; per-SIM and
// account-level discounts (negative); account-level rows with every id column empty; a bill item with a comma
// and quotes in its name; tag and group columns after `amount` (one group in Japanese); and NO vpgId column.
import { hostUuid, stream } from './demo-data.mjs';

export const SORACOM_API_KEY = 'api-demo-soracom-key';
export const SORACOM_TOKEN = 'demo-soracom-token';
export const SORACOM_OPERATOR_ID = 'OP0012345678';
export const SORACOM_CURRENCY = 'JPY';

/** The billing CSV's columns, in order: id columns (no vpgId), the amount columns, then tag and group. */
export const SORACOM_CSV_HEADERS = [
  'imsi', 'loraGatewayId', 'loraDeviceId', 'sigfoxDeviceId', 'deviceId', 'gadgetId', 'soraCamDeviceId',
  'date', 'billItemName', 'unitPrice', 'quantity', 'amount',
  'tag.name', 'group',
];

export const SORACOM_CUSTOMERS = [
  { key: 'kansai', name: 'Kansai Logistics KK' },
  { key: 'hokkaido', name: 'Hokkaido Dairy Farms' },
];

// scale: the most data a day, in yen (one yen is 5 MB at 0.0000002 yen per byte).
// host: false – Soracom bills the SIM, the host has no resource for it.
export const SORACOM_SIMS = [
  { imsi: '440103100000001', name: 'tokyo-gw-01', group: '東京工場', customer: 'kansai', drift: 'up', scale: 40 },
  { imsi: '440103100000002', name: 'tokyo-gw-02', group: '東京工場', customer: 'kansai', drift: 'down', scale: 30, discount: 110n },
  { imsi: '440103100000003', name: 'osaka-meter-01', group: 'meters-osaka', customer: 'kansai', drift: 'exact', scale: 6 },
  { imsi: '440103100000004', name: 'osaka-meter-02', group: 'meters-osaka', customer: 'hokkaido', drift: 'down', scale: 8 },
  { imsi: '440103100000005', name: 'farm-sensor-01', group: 'farm-hokkaido', customer: 'hokkaido', drift: 'up', scale: 12 },
  { imsi: '440103100000006', name: 'spare-sim', group: '', customer: null, drift: 'exact', scale: 2, host: false },
].map((s, i) => ({ ...s, index: i, kind: 'imsi', id: s.imsi }));

export const SORACOM_DEVICES = [
  { deviceId: 'd-7f3a9c2e01', name: 'tokyo-edge-01', customer: 'kansai', drift: 'exact' },
  { deviceId: 'd-7f3a9c2e02', name: 'farm-edge-01', customer: 'hokkaido', drift: 'up' },
].map((d, i) => ({ ...d, index: i, kind: 'deviceId', id: d.deviceId }));

/** Every subscriber or device, as {kind, id, name, customer, drift, host}. */
export const SORACOM_SUBSCRIBERS = [...SORACOM_SIMS, ...SORACOM_DEVICES];

/** The engine's key of a subscriber ("imsi:…", "deviceId:…"), "account" for account-level rows. */
export const subscriberKey = (kind, id) => (kind ? `${kind}:${id}` : 'account');

// ---------------------------------------------------------------------------------------------------------
// Months as "yyyyMM".

const YYYYMM = /^(\d{4})(0[1-9]|1[0-2])$/;

export function isYearMonth(text) {
  return typeof text === 'string' && YYYYMM.test(text);
}

/** "202501" + (-2) → "202411". */
export function addMonths(yyyyMM, n) {
  const [, y, m] = YYYYMM.exec(yyyyMM);
  const index = Number(y) * 12 + (Number(m) - 1) + n;
  return `${Math.floor(index / 12)}${String((index % 12) + 1).padStart(2, '0')}`;
}

export const daysInMonth = (yyyyMM) => new Date(Date.UTC(Number(yyyyMM.slice(0, 4)), Number(yyyyMM.slice(4, 6)), 0)).getUTCDate();

// ---------------------------------------------------------------------------------------------------------
// The rows of a month. Each row: {imsi, deviceId, date, billItemName, unitPrice, quantity, amount (BigInt
// yen), tags, only}, where `only` is 'final' or 'preliminary' for the rows that drift, undefined otherwise.

function generateRows(yyyyMM) {
  const rows = [];
  const days = daysInMonth(yyyyMM);
  const day = (d) => `${yyyyMM}${String(d).padStart(2, '0')}`;

  for (const sim of SORACOM_SIMS) {
    const rnd = stream(`soracom|${sim.imsi}|${yyyyMM}`);
    const base = { imsi: sim.imsi, deviceId: '', tags: { 'tag.name': sim.name, group: sim.group } };
    const own = [];
    own.push({ ...base, date: yyyyMM, billItemName: 'Air basic fee (plan-D, monthly)', unitPrice: '330', quantity: '1', amount: 330n });
    if (sim.discount) {
      own.push({ ...base, date: yyyyMM, billItemName: 'Long-term usage discount', unitPrice: String(-sim.discount), quantity: '1', amount: -sim.discount });
    }
    const dataDays = [];
    for (let d = 1; d <= days; d += 1) {
      const yen = rnd.int(0, sim.scale);
      if (yen > 0) {
        dataDays.push(own.length);
        own.push({ ...base, date: day(d), billItemName: 'Air data (s1.standard)', unitPrice: '0.0000002', quantity: String(yen * 5_000_000), amount: BigInt(yen) });
      }
      if (rnd.int(0, 5) === 0) {
        const n = rnd.int(1, 4);
        own.push({ ...base, date: day(d), billItemName: 'Air SMS (outbound, "domestic")', unitPrice: '3', quantity: String(n), amount: BigInt(3 * n) });
      }
    }
    if (sim.drift === 'up' && dataDays.length > 0) {
      // Late-rated usage: the biggest data day is missing from the preliminary.
      const late = dataDays.reduce((best, i) => (own[i].amount > own[best].amount ? i : best), dataDays[0]);
      own[late] = { ...own[late], only: 'final' };
    } else if (sim.drift === 'down') {
      const total = own.reduce((s, r) => s + r.amount, 0n);
      const credit = total / 33n > 0n ? total / 33n : 1n;
      own.push({ ...base, date: yyyyMM, billItemName: 'Usage re-rating credit', unitPrice: String(-credit), quantity: '1', amount: -credit, only: 'final' });
    }
    rows.push(...own);
  }

  for (const device of SORACOM_DEVICES) {
    const rnd = stream(`soracom|${device.deviceId}|${yyyyMM}`);
    const base = { imsi: '', deviceId: device.deviceId, tags: { 'tag.name': device.name, group: '' } };
    const own = [{ ...base, date: yyyyMM, billItemName: 'Inventory device fee (LwM2M, monthly)', unitPrice: '55', quantity: '1', amount: 55n }];
    const apiDays = [];
    for (let d = 1; d <= days; d += 1) {
      const yen = rnd.int(0, 5);
      if (yen > 0) {
        apiDays.push(own.length);
        own.push({ ...base, date: day(d), billItemName: 'Inventory API requests', unitPrice: '0.01', quantity: String(yen * 100), amount: BigInt(yen) });
      }
    }
    if (device.drift === 'up' && apiDays.length > 0) {
      const late = apiDays[apiDays.length - 1];
      own[late] = { ...own[late], only: 'final' };
    }
    rows.push(...own);
  }

  // Account-level rows: every id column empty.
  const rnd = stream(`soracom|account|${yyyyMM}`);
  const account = { imsi: '', deviceId: '', tags: { 'tag.name': '', group: '' } };
  for (let d = 1; d <= days; d += 1) {
    if (rnd.int(0, 2) === 0) {
      const yen = rnd.int(1, 4);
      rows.push({ ...account, date: day(d), billItemName: 'Harvest Data write requests', unitPrice: '0.004', quantity: String(yen * 250), amount: BigInt(yen) });
    }
  }
  rows.push({ ...account, date: yyyyMM, billItemName: 'Harvest Data storage (monthly)', unitPrice: '110', quantity: '1', amount: 110n });
  rows.push({ ...account, date: yyyyMM, billItemName: 'Free tier (Air data)', unitPrice: '', quantity: '', amount: -60n });
  rows.push({ ...account, date: yyyyMM, billItemName: 'Coupon (welcome credit)', unitPrice: '', quantity: '', amount: -100n, coupon: true });
  return rows;
}

/** The month's rows as the final (closed) or the preliminary (temporary) export has them. */
export function soracomBillRows(yyyyMM, kind = 'final') {
  if (!isYearMonth(yyyyMM)) throw new TypeError(`soracomBillRows: not yyyyMM: ${JSON.stringify(yyyyMM)}`);
  if (kind !== 'final' && kind !== 'preliminary') throw new TypeError(`soracomBillRows: kind is "final" or "preliminary", got ${JSON.stringify(kind)}`);
  return generateRows(yyyyMM).filter((r) => r.only === undefined || r.only === kind);
}

const yen = (n) => n.toString();

/**
 * The figures of a month, final or preliminary, all amounts as integer-yen strings:
 * - total: the MonthlyBill's amount (every row, discounts included);
 * - appliedCouponAmount: the coupon rows' absolute value (already in total);
 * - perSubscriber: {"imsi:…"|"deviceId:…"|"account": amount}, the CSV summed by subscriber as the engine keys it;
 * - perResource: {backend id (IMSI or deviceId): amount}, subscribers only (no account);
 * - accountLevel: the account-level rows' sum (perSubscriber.account);
 * - daily: [{date "yyyyMMdd", amount}], newest first, the day-dated rows only (DailyBillResponse);
 * - dailyTotal and monthlyBasis: the day-dated and the month-dated rows' sums (dailyTotal + monthlyBasis = total).
 */
export function soracomFigures(yyyyMM, kind = 'final') {
  const rows = soracomBillRows(yyyyMM, kind);
  const perSubscriber = new Map();
  const perDay = new Map();
  let total = 0n;
  let monthlyBasis = 0n;
  let coupon = 0n;
  for (const r of rows) {
    total += r.amount;
    const key = r.imsi ? subscriberKey('imsi', r.imsi) : r.deviceId ? subscriberKey('deviceId', r.deviceId) : 'account';
    perSubscriber.set(key, (perSubscriber.get(key) ?? 0n) + r.amount);
    if (r.date.length === 8) perDay.set(r.date, (perDay.get(r.date) ?? 0n) + r.amount);
    else monthlyBasis += r.amount;
    if (r.coupon) coupon -= r.amount;
  }
  const keys = [...perSubscriber.keys()].sort();
  return {
    yyyyMM,
    kind,
    currency: SORACOM_CURRENCY,
    total: yen(total),
    appliedCouponAmount: yen(coupon),
    perSubscriber: Object.fromEntries(keys.map((k) => [k, yen(perSubscriber.get(k))])),
    perResource: Object.fromEntries(keys.filter((k) => k !== 'account').map((k) => [k.slice(k.indexOf(':') + 1), yen(perSubscriber.get(k))])),
    accountLevel: yen(perSubscriber.get('account') ?? 0n),
    daily: [...perDay.keys()].sort().reverse().map((date) => ({ date, amount: yen(perDay.get(date)) })),
    dailyTotal: yen(total - monthlyBasis),
    monthlyBasis: yen(monthlyBasis),
    rows: rows.length,
  };
}

const quote = (value) => `"${String(value).replaceAll('"', '""')}"`;

/** The billing CSV of a month: UTF-8 bytes with a BOM, every field quoted, CRLF line ends. */
export function soracomBillingCsv(yyyyMM, kind = 'final') {
  const lines = [SORACOM_CSV_HEADERS.map(quote).join(',')];
  for (const r of soracomBillRows(yyyyMM, kind)) {
    const cells = {
      imsi: r.imsi,
      deviceId: r.deviceId,
      date: r.date,
      billItemName: r.billItemName,
      unitPrice: r.unitPrice,
      quantity: r.quantity,
      amount: r.amount.toString(),
      ...r.tags,
    };
    lines.push(SORACOM_CSV_HEADERS.map((h) => quote(cells[h] ?? '')).join(','));
  }
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

// ---------------------------------------------------------------------------------------------------------
// The host's side. Fixed uuids (groups 6–9; the Arrow demo uses 1–5), so reruns agree.

export const SORACOM_SETTINGS_UUID = hostUuid(6, 1);

/** The host tables for the Soracom demo: merge into a store with seed() (rows are replaced by uuid). */
export function soracomDemoHostData({ operatorId = SORACOM_OPERATOR_ID } = {}) {
  const customers = SORACOM_CUSTOMERS.map((c, i) => ({ uuid: hostUuid(7, i + 1), name: c.name }));
  const projects = SORACOM_CUSTOMERS.map((c, i) => ({ uuid: hostUuid(8, i + 1), name: 'Soracom IoT connectivity', customer_uuid: customers[i].uuid }));
  const projectOf = (customer) => projects[SORACOM_CUSTOMERS.findIndex((c) => c.key === customer)].uuid;
  const resources = SORACOM_SUBSCRIBERS.filter((s) => s.host !== false).map((s, n) => ({
    uuid: hostUuid(9, n + 1),
    name: s.name,
    project_uuid: projectOf(s.customer),
    offering_uuid: null,
    backend_id: s.id,
    state: 'OK',
    attributes: { soracom_kind: s.kind },
  }));
  return {
    soracom_settings: [{
      uuid: SORACOM_SETTINGS_UUID,
      name: 'Soracom (demo)',
      is_active: true,
      sync_enabled: true,
      operator_id: operatorId,
      coverage: 'jp',
      currency: SORACOM_CURRENCY,
      reconciliation_tolerance: '1',
      invoice_item_prefix: 'Soracom',
      granularity: 'subscriber',
      export_mode: 'async',
      max_export_polls: 10,
    }],
    customers,
    projects,
    resources,
  };
}
