import { duplicateMember } from './duplicate-members';

describe('duplicateMember', () => {
  it.each([
    ['{"debitCard":"123456789","amount":"0.10","amount":"5"}', '#/amount'],
    ['{"a":{"b":1,"b":2}}', '#/a/b'],
    ['[{"x":1},{"x":1,"y":[1,{"z":0,"z":0}]}]', '#/1/y/1/z'],
    ['{"a/b~c":1, "a/b~c" :2}', '#/a~1b~0c'],
    ['{"\\u0061":1,"a":2}', '#/a'],
  ])('finds the repeated name in %s', (json, pointer) => {
    expect(duplicateMember(json)).toBe(pointer);
  });

  it.each([
    '{"debitCard":"123456789","amount":"0.10"}',
    '{"a":{"b":1},"b":{"a":1}}',
    '[{"x":1},{"x":1}]',
    '{"a":"\\"a\\":","b":"{\\"a\\":1,\\"a\\":2}"}',
    '"just a string"',
    '[1, 2.5e3, true, null]',
  ])('accepts %s', (json) => {
    expect(duplicateMember(json)).toBeUndefined();
  });
});
