// Money without floating point. Amounts live as bigint cents inside the app and as DECIMAL(18,2) in
// SQL; they cross both boundaries as decimal strings ("10.00"). A JSON number is accepted on input only
// after checking that its shortest decimal form is exact to the cent, so 1.005 or 1e-7 never sneak in
// as a rounded value.

/** A count of cents (1/100 of the currency unit). */
export type Cents = bigint;

/** Largest single withdrawal: 1,000,000,000.00. */
export const MAX_WITHDRAWAL_CENTS: Cents = 100_000_000_000n;
/** Largest initial limit of a card: 1,000,000,000,000.00. */
export const MAX_INITIAL_LIMIT_CENTS: Cents = 100_000_000_000_000n;

const DECIMAL_AMOUNT = /^\d+(\.\d{1,2})?$/;

/** Why an input is not an acceptable amount; the message is safe to show to the client. */
export class InvalidAmountError extends Error {}

/**
 * Parses a request amount: a JSON number or a decimal string, strictly positive, at most two
 * fraction digits and at most `max` cents. Throws InvalidAmountError otherwise.
 *
 * A number is judged by `String(n)`, its shortest round-trip form: 10.5 → "10.5" is fine, while
 * 1.005 → "1.005", 1e21 → "1e+21", 1e309 → "Infinity" and NaN → "NaN" all fail the pattern. Numbers
 * below 2^53 cents are exact doubles, so the maxima here are far inside the exact range.
 */
export function parseAmount(input: unknown, max: Cents): Cents {
  let text: string;
  if (typeof input === 'number') {
    text = String(input);
  } else if (typeof input === 'string') {
    text = input;
  } else {
    throw new InvalidAmountError('must be a number or a decimal string');
  }
  // Bounded before the regex so a 16 KiB string of digits is not turned into a huge bigint.
  if (text.length > 24 || !DECIMAL_AMOUNT.test(text)) {
    throw new InvalidAmountError('must be a positive decimal with at most 2 fraction digits');
  }
  const cents = decimalToCents(text);
  if (cents <= 0n) throw new InvalidAmountError('must be at least 0.01');
  if (cents > max) throw new InvalidAmountError(`must be at most ${formatCents(max)}`);
  return cents;
}

/**
 * Converts a decimal string as the database returns it ("10000.00", "-3.5", "7") into cents.
 * Throws on anything else, including more than two fraction digits (that would need rounding).
 */
export function decimalToCents(text: string): Cents {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (match === null) throw new RangeError(`not a decimal amount with at most 2 fraction digits: "${text}"`);
  const [, sign, units, fraction = ''] = match;
  const cents = BigInt(units) * 100n + BigInt(fraction.padEnd(2, '0'));
  return sign === '-' ? -cents : cents;
}

/** Formats cents as a decimal string with exactly two fraction digits: 1000n → "10.00". */
export function formatCents(cents: Cents): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  const units = abs / 100n;
  const fraction = (abs % 100n).toString().padStart(2, '0');
  return `${sign}${units}.${fraction}`;
}
