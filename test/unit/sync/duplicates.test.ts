import { findConflicts as findProblems, type RowIdentity } from '../../../src/sync/duplicates';
import { rowInputWords } from '../../../src/sync/statusText';

/** Each conflicting row's problem as its status words it (statusText.ts rowInputWords). */
function findConflicts(rows: readonly RowIdentity[]): Map<number, string> {
  const words = new Map<number, string>();
  for (const [row, problem] of findProblems(rows)) words.set(row, rowInputWords(problem));
  return words;
}

describe('duplicate contact ids', () => {
  it('accepts the same id on two rows with the same values', () => {
    const conflicts = findConflicts([
      { row: 2, contactId: 5, sameAs: 'a' },
      { row: 9, contactId: 5, sameAs: 'a' },
    ]);
    expect(conflicts.size).toBe(0);
  });

  it('gives both rows an error naming the other row', () => {
    const conflicts = findConflicts([
      { row: 2, contactId: 5, sameAs: 'a' },
      { row: 3, contactId: 6, sameAs: 'c' },
      { row: 9, contactId: 5, sameAs: 'b' },
    ]);
    expect(conflicts.get(2)).toBe('Contact ID 5 is also on row 9 with different values');
    expect(conflicts.get(9)).toBe('Contact ID 5 is also on row 2 with different values');
    expect(conflicts.has(3)).toBe(false);
  });

  it('names only the rows that disagree, the same way on identical rows', () => {
    const conflicts = findConflicts([
      { row: 4, contactId: 5, sameAs: 'a' },
      { row: 2, contactId: 5, sameAs: 'a' },
      { row: 7, contactId: 5, sameAs: 'b' },
      { row: 8, contactId: 5, sameAs: 'c' },
    ]);
    expect(conflicts.get(2)).toBe('Contact ID 5 is also on rows 7 and 8 with different values');
    expect(conflicts.get(4)).toBe(conflicts.get(2));
    expect(conflicts.get(7)).toBe('Contact ID 5 is also on rows 2, 4 and 8 with different values');
  });
});
