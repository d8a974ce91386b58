import {
  decimalToCents,
  formatCents,
  InvalidAmountError,
  MAX_INITIAL_LIMIT_CENTS,
  MAX_WITHDRAWAL_CENTS,
  parseAmount,
} from './money';

describe('parseAmount', () => {
  it.each([
    [10, 1000n],
    [10.0, 1000n],
    [10.5, 1050n],
    [0.01, 1n],
    [0.1, 10n],
    [1234.56, 123456n],
    ['10', 1000n],
    ['10.5', 1050n],
    ['10.50', 1050n],
    ['0.01', 1n],
    ['007.10', 710n],
    [1000000000, MAX_WITHDRAWAL_CENTS],
    ['1000000000.00', MAX_WITHDRAWAL_CENTS],
  ])('accepts %p as %p cents', (input, cents) => {
    expect(parseAmount(input, MAX_WITHDRAWAL_CENTS)).toBe(cents);
  });

  it.each([
    ['zero', 0],
    ['zero string', '0.00'],
    ['negative zero', -0],
    ['negative', -5],
    ['negative string', '-5.00'],
    ['three fraction digits', 0.001],
    ['rounding bait', 1.005],
    ['three fraction digits string', '1.005'],
    ['Infinity (1e309 parsed)', Infinity],
    ['NaN', NaN],
    ['exponent number', 1e21],
    ['tiny exponent number', 1e-7],
    ['exponent string', '1e3'],
    ['NaN string', 'NaN'],
    ['Infinity string', 'Infinity'],
    ['hex string', '0x10'],
    ['blank string', ''],
    ['padded string', ' 10 '],
    ['plus sign', '+10'],
    ['comma decimal', '10,5'],
    ['trailing dot', '10.'],
    ['leading dot', '.5'],
    ['above the maximum', 1000000000.01],
    ['far above the maximum', '99999999999999999999'],
    ['very long digit string', '1'.repeat(5000)],
    ['array', [10]],
    ['object', { value: 10 }],
    ['boolean', true],
    ['null', null],
    ['missing', undefined],
    ['bigint', 10n],
  ])('rejects %s', (_label, input) => {
    expect(() => parseAmount(input, MAX_WITHDRAWAL_CENTS)).toThrow(InvalidAmountError);
  });

  it('applies the maximum it is given', () => {
    expect(parseAmount('1000000000000.00', MAX_INITIAL_LIMIT_CENTS)).toBe(MAX_INITIAL_LIMIT_CENTS);
    expect(() => parseAmount('1000000000000.01', MAX_INITIAL_LIMIT_CENTS)).toThrow(
      'must be at most 1000000000000.00',
    );
  });
});

describe('decimalToCents and formatCents', () => {
  it.each([
    ['10000.00', 1000000n],
    ['0.00', 0n],
    ['0.5', 50n],
    ['7', 700n],
    ['-3.25', -325n],
    ['9999999999999999.99', 999999999999999999n],
  ])('reads %s as %p cents', (text, cents) => {
    expect(decimalToCents(text)).toBe(cents);
  });

  it.each(['1.005', 'abc', '', '1e3', '1.'])('refuses to round or guess %p', (text) => {
    expect(() => decimalToCents(text)).toThrow(RangeError);
  });

  it.each([
    [1000n, '10.00'],
    [1n, '0.01'],
    [0n, '0.00'],
    [-325n, '-3.25'],
    [999999999999999999n, '9999999999999999.99'],
  ])('formats %p cents as %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });
});
