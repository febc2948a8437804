import { formulaSafe, formulaSafeCell } from '../../../src/sheet/formulaSafe';

describe('formula-safe text', () => {
  it.each(['=HYPERLINK("x")', '+1', '-5 rows', '@mention'])(
    'prefixes %s with an apostrophe',
    (text) => {
      expect(formulaSafe(text)).toBe(`'${text}`);
    },
  );

  it.each(['Up to date', 'Error: bad id', '', ' =not first'])('leaves %p alone', (text) => {
    expect(formulaSafe(text)).toBe(text);
  });

  it('passes numbers and dates through', () => {
    const when = new Date(0);
    expect(formulaSafeCell(when)).toBe(when);
    expect(formulaSafeCell(-3)).toBe(-3);
  });
});
