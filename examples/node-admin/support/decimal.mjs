// A tiny exact decimal for the tests: BigInt digits and a scale. Enough to add, multiply, compare and
// round amounts like "€1,234.50" or "-5.1234" without ever touching a float.

export class Dec {
  constructor(digits, scale) {
    this.digits = digits; // BigInt
    this.scale = scale; // number of decimal places
  }

  static ZERO = new Dec(0n, 0);

  /** Parses "12.3456", "-5", "€1,234.50" (currency sign and thousands separators dropped). */
  static parse(text) {
    const clean = String(text).trim().replace(/[€$£,\s]/g, '');
    const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(clean);
    if (!m) throw new Error(`not a decimal: ${JSON.stringify(text)}`);
    const frac = m[3] ?? '';
    const digits = BigInt(`${m[2]}${frac}`);
    return new Dec(m[1] === '-' ? -digits : digits, frac.length);
  }

  #at(scale) {
    return this.digits * 10n ** BigInt(scale - this.scale);
  }

  add(other) {
    const scale = Math.max(this.scale, other.scale);
    return new Dec(this.#at(scale) + other.#at(scale), scale);
  }

  sub(other) {
    return this.add(new Dec(-other.digits, other.scale));
  }

  mul(other) {
    return new Dec(this.digits * other.digits, this.scale + other.scale);
  }

  eq(other) {
    const scale = Math.max(this.scale, other.scale);
    return this.#at(scale) === other.#at(scale);
  }

  /** Rounded half away from zero to `places`, as text ("12.35", "-0.10"). */
  toFixed(places) {
    let digits = this.digits;
    if (this.scale > places) {
      const div = 10n ** BigInt(this.scale - places);
      const negative = digits < 0n;
      const abs = negative ? -digits : digits;
      let q = abs / div;
      if ((abs % div) * 2n >= div) q += 1n;
      digits = negative ? -q : q;
    } else {
      digits *= 10n ** BigInt(places - this.scale);
    }
    const negative = digits < 0n;
    const text = (negative ? -digits : digits).toString().padStart(places + 1, '0');
    const body = places ? `${text.slice(0, -places)}.${text.slice(-places)}` : text;
    return negative && digits !== 0n ? `-${body}` : body;
  }

  toString() {
    return this.toFixed(this.scale);
  }
}

export const sum = (values) => values.reduce((acc, v) => acc.add(v instanceof Dec ? v : Dec.parse(v)), Dec.ZERO);
