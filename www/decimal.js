// Exact sums of the decimal strings billsync returns ("-12.34"), as BigInt units: never a float, so a
// total the page shows is the sum of the figures it shows, to the last digit. Used only to add up the
// package's own per-record figures (to bill now, already adjusted); the package decides every figure.

const PATTERN = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** A decimal string as { units, scale } (value = units / 10^scale); null when it is not one. */
export function parseDecimal(text) {
  const m = PATTERN.exec(String(text ?? '').trim());
  if (!m) return null;
  const fraction = m[3] ?? '';
  const units = BigInt(m[2] + fraction);
  return { units: m[1] === '-' ? -units : units, scale: fraction.length };
}

function rescale({ units, scale }, to) {
  return units * 10n ** BigInt(to - scale);
}

/** An exact running sum; `add` ignores null and undefined (a figure the package did not give). */
export class DecimalSum {
  constructor() {
    this.units = 0n;
    this.scale = 2;
  }

  add(text) {
    if (text === null || text === undefined) return this;
    const d = parseDecimal(text);
    if (!d) throw new Error(`not a decimal amount: ${text}`);
    if (d.scale > this.scale) {
      this.units = rescale(this, d.scale);
      this.scale = d.scale;
    }
    this.units += rescale(d, this.scale);
    return this;
  }

  subtract(text) {
    const d = parseDecimal(text);
    if (!d) throw new Error(`not a decimal amount: ${text}`);
    return this.add(formatUnits(-d.units, d.scale));
  }

  toString() {
    return formatUnits(this.units, this.scale);
  }

  /** The sum to `places` decimals, half away from zero: as the package renders amounts ("-0.005" → "-0.01"). */
  rounded(places = 2) {
    if (this.scale <= places) return formatUnits(rescale(this, places), places);
    const divisor = 10n ** BigInt(this.scale - places);
    let q = this.units / divisor; // BigInt division truncates toward zero
    const r = this.units % divisor;
    if ((r < 0n ? -r : r) * 2n >= divisor) q += this.units < 0n ? -1n : 1n;
    return formatUnits(q, places);
  }
}

/** a × b, exactly, as a decimal string. */
export function multiply(a, b) {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (!x || !y) throw new Error(`not a decimal amount: ${x ? b : a}`);
  return formatUnits(x.units * y.units, x.scale + y.scale);
}

/** "−0.00" never shows: zero is "0.00", as the package renders it. */
export function formatUnits(units, scale) {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = scale ? digits.slice(0, -scale) : digits;
  const fraction = scale ? `.${digits.slice(-scale)}` : '';
  return `${negative && units !== 0n ? '-' : ''}${whole}${fraction}`;
}

/** Sorts decimal strings exactly: compare(a, b) < 0 when a < b. Non-numbers sort first. */
export function compareDecimal(a, b) {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (!x || !y) return (x ? 1 : 0) - (y ? 1 : 0);
  const scale = Math.max(x.scale, y.scale);
  const d = rescale(x, scale) - rescale(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}
