/**
 * The value model of the bot's JSON dialect: what Python's `json.loads`
 * returns, one variant per Python type, so int/float identity, exact integer
 * digits, NaN/Infinity and dict key order all survive.
 *
 * `source` is the exact text a value was parsed from. The serializer writes it
 * back unchanged, which is what keeps untouched values byte-identical; values
 * built in code have no `source` and are spelled as `json.dumps` spells them.
 * The parser leaves `source` out of scalars whose text is already the
 * `json.dumps` spelling, since writing them anew gives the same bytes.
 *
 * Values are immutable: build a new value to change one, because a list or
 * dict that kept its `source` would otherwise be written as it was parsed.
 */

export type VarValue =
  | NoneValue
  | BoolValue
  | IntValue
  | FloatValue
  | StrValue
  | ListValue
  | DictValue;

/** Python type names, as the bot sees a value after `json.loads`. */
export type PyTypeName = VarValue['type'];

export interface NoneValue {
  readonly type: 'NoneType';
  readonly source?: string;
}

export interface BoolValue {
  readonly type: 'bool';
  readonly value: boolean;
  readonly source?: string;
}

/** Python int: arbitrary precision, so a bigint. */
export interface IntValue {
  readonly type: 'int';
  readonly value: bigint;
  readonly source?: string;
}

/** Python float: an IEEE double, including NaN, +-Infinity and -0.0. */
export interface FloatValue {
  readonly type: 'float';
  readonly value: number;
  readonly source?: string;
}

/** Python str. May hold lone surrogates, as Python strings can. */
export interface StrValue {
  readonly type: 'str';
  readonly value: string;
  readonly source?: string;
}

export interface ListValue {
  readonly type: 'list';
  readonly items: readonly VarValue[];
  readonly source?: string;
}

/** Python dict: insertion-ordered string keys, as a JS Map keeps them. */
export interface DictValue {
  readonly type: 'dict';
  readonly entries: ReadonlyMap<string, VarValue>;
  readonly source?: string;
}
