// Exact decimal arithmetic for test assertions: amounts as BigInt units of 10^-10, never floats.
const SCALE = 10n;

export function toUnits(text) {
  const s = String(text).trim();
  const m = /^(-)?(\d+)(?:\.(\d{0,10}))?$/.exec(s);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const frac = (m[3] ?? '').padEnd(Number(SCALE), '0');
  const units = BigInt(m[2]) * 10n ** SCALE + BigInt(frac || '0');
  return m[1] ? -units : units;
}

export function sum(values) {
  return values.reduce((acc, v) => acc + toUnits(v), 0n);
}

export function times(a, b) {
  return (toUnits(a) * toUnits(b)) / 10n ** SCALE;
}

export function fromUnits(units) {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / 10n ** SCALE;
  const frac = (abs % 10n ** SCALE).toString().padStart(Number(SCALE), '0').slice(0, 2);
  return `${negative ? '-' : ''}${whole}.${frac}`;
}
