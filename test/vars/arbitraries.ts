/**
 * fast-check generators of Python-like values and of JSON-like texts.
 */

import fc from 'fast-check';

import type { VarValue } from '../../src/vars/index.js';

/** Characters that stress escaping: quotes, controls, DEL, surrogates, non-BMP. */
const TRICKY_CHARS = ['"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '\u007f', '\u0080', '\u2028', '\ud800', '\udc00', '\ud83d', '\ude80', 'é', '中', '🚀', '\uffff', 'T', '-', ' '];

const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

export const pythonString = fc.string({
  unit: fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 1 }) },
    { weight: 2, arbitrary: fc.constantFrom(...TRICKY_CHARS) },
    { weight: 1, arbitrary: codeUnit },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 12,
});

/** Doubles, weighted towards the edges of Python's repr notation. */
export const pythonFloat = fc.oneof(
  { weight: 4, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e16, 1e-4, 9999999999999998, 5e-324, 1e22, 0.1) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: -999_999, max: 999_999 }), fc.integer({ min: -30, max: 30 }))
      .map(([mantissa, exponent]) => mantissa * 10 ** exponent),
  },
);

export const pythonInt = fc.oneof(
  fc.bigInt({ min: -1000n, max: 1000n }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.bigInt({ min: -(10n ** 300n), max: 10n ** 300n }),
);

const scalar: fc.Arbitrary<VarValue> = fc.oneof(
  pythonString.map((value): VarValue => ({ type: 'str', value })),
  pythonInt.map((value): VarValue => ({ type: 'int', value })),
  pythonFloat.map((value): VarValue => ({ type: 'float', value })),
  fc.boolean().map((value): VarValue => ({ type: 'bool', value })),
  fc.constant<VarValue>({ type: 'NoneType' }),
);

/** Values as Python's json.loads returns them: no source anywhere. */
export const pythonValue: fc.Arbitrary<VarValue> = fc.letrec<{ value: VarValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 5 }).map((items): VarValue => ({ type: 'list', items })),
    fc
      .array(fc.tuple(pythonString, tie('value')), { maxLength: 5 })
      .map((pairs): VarValue => ({ type: 'dict', entries: new Map(pairs) })),
  ),
})).value;

export const pythonDict: fc.Arbitrary<VarValue> = fc
  .array(fc.tuple(pythonString, pythonValue), { maxLength: 6 })
  .map((pairs): VarValue => ({ type: 'dict', entries: new Map(pairs) }));

const JSON_FRAGMENTS = [
  '{', '}', '[', ']', '"', ',', ':', ' ', '\t', '\n', '\r', '\f', '\\', '\\u', '\\ud800', '\\"', '/', '0', '1', '9', '-', '+',
  '.', 'e', 'E', 'NaN', 'Infinity', '-Infinity', 'null', 'true', 'false', 'nul', 'Inf', 'x', '\u0000', '\u001f', '\u007f',
  'é', '🚀', '\ufeff', '00', '1.', '.5', '1e', '1e+', '"a"', '"\\x"', '{"a": 1}', '[1, 2]', '\u00a0',
];

/** Strings made of JSON-ish fragments: mostly invalid, sometimes valid. */
export const jsonishText = fc.array(fc.constantFrom(...JSON_FRAGMENTS), { maxLength: 12 }).map((parts) => parts.join(''));

/** Apply one random edit to a valid text, to probe errors near real structure. */
export function mutatedText(validText: string): fc.Arbitrary<string> {
  return fc
    .tuple(fc.nat(validText.length), fc.constantFrom(...JSON_FRAGMENTS, ''), fc.nat(3))
    .map(([position, insert, removeCount]) => validText.slice(0, position) + insert + validText.slice(position + removeCount));
}
