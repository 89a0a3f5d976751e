// Writes a sample FOCUS 1.4 export (CSV) to the path given, for the FinOps Foundation's focus-validator
// (`make focus-validate`): a month with provisional items of both vendors, an Arrow statement line and a
// compensation of the month before, exported by the package's engine over a memory store.
import { writeFileSync } from 'node:fs';
import billsync from '../../pkg/index.mjs';

const CUSTOMER = 'c0570be2-0000-4000-8000-000000000002';
const RESOURCE = 'aaaaaaaa-0000-4000-8000-000000000001';
const item = (n, fields) => ({
  uuid: `11111111-0000-4000-8000-${String(n).padStart(12, '0')}`, invoice_uuid: '22222222-0000-4000-8000-000000000001',
  customer_uuid: CUSTOMER, resource_uuid: RESOURCE, billing_period: '2025-02', quantity: '1',
  created: '2025-02-10T10:00:00Z', modified: '2025-02-10T10:00:00Z', ...fields,
});
const items = [
  item(1, { kind: 'provisional', source_key: `${RESOURCE}|2025-02|imsi:1`, name: 'SIM 1', unit_price: '120.5', currency: 'JPY', details: { subscriber: 'imsi:1' } }),
  item(2, { kind: 'provisional', source_key: `${RESOURCE}|2025-02|XSP1`, name: 'Licence, "E5"', unit_price: '30.00', currency: 'EUR', details: { license_reference: 'XSP1' } }),
  item(3, { kind: 'statement_line', resource_uuid: null, source_key: 'ST-1|L-1', name: 'Statement line', unit_price: '12.34', currency: 'EUR', details: { statement_reference: 'ST-1' } }),
  item(4, { kind: 'consumption_compensation', source_key: `${RESOURCE}|2025-01|XSP1`, name: 'Correction of January', unit_price: '-1.75', currency: 'EUR', details: { license_reference: 'XSP1', billing_period: '2025-01', trace: { run: 'r1' } } }),
];
const refuse = async () => {
  throw new Error('not called');
};
const engine = new billsync.ArrowEngine({
  arrow: { billingExport: refuse, consumption: refuse, license: refuse, licenses: refuse },
  store: billsync.createMemoryStore({ customers: [{ uuid: CUSTOMER, name: 'Contoso' }], resources: [], invoice_items: items }),
  clock: { now: () => '2025-02-10T10:00:00Z' },
});
let text = '';
await engine.focusExport({ period: '2025-02', issuer: 'Example Cloud', onChunk: (c) => (text += c) });
writeFileSync(process.argv[2] ?? 'focus-sample.csv', text);
