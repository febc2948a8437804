/**
 * Which Keap Email Status cells the add-on may refresh or empty: told by the marks it stored
 * of its own words (keapStatusMarks.ts), never by reading them; the released version's words
 * are read once, by the legacy reader, on a sheet that has no marks yet.
 */
import {
  decodeMarks,
  encodeMarks,
  KeapStatusMarks,
  markOf,
  MAX_MARKS,
  type KeapStatusMarksPort,
} from '../../../src/sync/keapStatusMarks';
import { runSyncWith } from '../../../src/sync/runSync';
import { SyncHarness } from './support/fakes';

const HEADER = [
  'Contact ID',
  'Email',
  'Opt Out',
  'Opt Out Reason',
  'Sync Status',
  'Keap Email Status',
];

class MemoryMarks implements KeapStatusMarksPort {
  marks: string[] | null = null;
  writes = 0;
  read(): string[] | null {
    return this.marks === null ? null : [...this.marks];
  }
  write(marks: string[]): void {
    this.marks = [...marks];
    this.writes += 1;
  }
}

describe('KeapStatusMarks', () => {
  it('without marks, reads the released version’s words and nothing else', () => {
    const marks = new KeapStatusMarks(null);
    expect(marks.isOurs('Bounced')).toBe(true);
    expect(marks.isOurs('Keap status SOMETHING_NEW')).toBe(true);
    expect(marks.isOurs('VIP')).toBe(false);
    expect(marks.isOurs('')).toBe(false);
  });

  it('with marks, only a marked text is the add-on’s, whatever it looks like', () => {
    const marks = new KeapStatusMarks([markOf('Subscribed'), markOf('Keap status ODD-ONE')]);
    expect(marks.isOurs('Subscribed')).toBe(true);
    expect(marks.isOurs('Keap status ODD-ONE')).toBe(true);
    // Words the add-on could write, typed by a person where it never wrote them: kept.
    expect(marks.isOurs('Bounced')).toBe(false);
    expect(marks.isOurs('VIP')).toBe(false);
  });

  it('keeps the marks of its words still shown and of those it writes; null when unchanged', () => {
    const marks = new KeapStatusMarks([markOf('Subscribed'), markOf('Bounced')]);
    expect(marks.next(['Subscribed', 'VIP', 'Bounced'], [''])).toBeNull();
    // Oldest first (the cap drops from the front): the words kept, then the words written now.
    expect(marks.next(['Subscribed', 'VIP'], ['Marked as spam'])).toEqual([
      markOf('Subscribed'),
      markOf('Marked as spam'),
    ]);
    // A sheet of the released version: its words found by the legacy reader get marks.
    expect(new KeapStatusMarks(null).next(['Bounced', 'VIP', ''], [])).toEqual([markOf('Bounced')]);
  });
});

describe('the stored record of the marks', () => {
  it('is small: short marks, capped, the oldest dropped first', () => {
    expect(markOf('Subscribed')).toMatch(/^[0-9a-f]{10}$/);
    const texts = Array.from(
      { length: MAX_MARKS + 5 },
      (_, i) => `Opted out by this add-on on ${i}`,
    );
    const next = new KeapStatusMarks([]).next(texts.slice(0, 5), texts.slice(5)) as string[];
    expect(next).toHaveLength(MAX_MARKS);
    expect(next).not.toContain(markOf(texts[0]));
    expect(next[next.length - 1]).toBe(markOf(texts[texts.length - 1]));
    expect(encodeMarks(next).length).toBeLessThan(4_000);
  });

  it('reads back what it wrote; anything else counts as no marks (the legacy reader decides)', () => {
    const marks = [markOf('Subscribed'), markOf('Bounced')];
    expect(decodeMarks(encodeMarks(marks))).toEqual(marks);
    expect(decodeMarks(encodeMarks([]))).toEqual([]);
    for (const corrupt of [
      null,
      '',
      'Subscribed',
      '["a"]',
      'm1:xyz',
      `m1:${marks[0]},`,
      encodeMarks(Array.from({ length: MAX_MARKS + 1 }, (_, i) => markOf(String(i)))),
    ]) {
      expect([corrupt, decodeMarks(corrupt)]).toEqual([corrupt, null]);
    }
  });
});

describe('the Keap Email Status column with stored marks', () => {
  function harness(rows: unknown[][]) {
    const h = new SyncHarness([HEADER, ...rows]);
    h.keap.addContact(1, { EMAIL1: 'a@x.com' });
    h.keap.addContact(2, { EMAIL1: 'b@x.com' });
    h.keap.optStates.set('a@x.com', { email: 'a@x.com', status: 'SINGLE_OPT_IN', optedOut: false });
    const marks = new MemoryMarks();
    const run = () =>
      runSyncWith(
        'sidebar',
        {
          ...h.ports(),
          settings: { ...h.ports().settings, keapEmailStatus: true },
          keapStatusMarks: marks,
        },
        h.limits,
      );
    return { h, marks, run };
  }

  it('a sheet of the released version: its words are emptied once, and the marks stored', () => {
    // Row 2 lost its email: the released version's words beside it are the add-on's.
    const { h, marks, run } = harness([
      [1, 'a@x.com', '', '', '', ''],
      [2, '', '', '', '', 'Bounced'],
    ]);
    run();
    expect(h.sheet.column('Keap Email Status')).toEqual(['Subscribed', '']);
    expect(marks.marks).toContain(markOf('Subscribed'));
  });

  it('a person’s note that reads like the add-on’s words is kept once there are marks', () => {
    const { h, marks, run } = harness([
      [1, 'a@x.com', '', '', '', ''],
      [2, '', '', '', '', 'Bounced'],
    ]);
    marks.marks = [];
    run();
    expect(h.sheet.column('Keap Email Status')).toEqual(['Subscribed', 'Bounced']);
    expect(marks.marks).toEqual([markOf('Subscribed')]);
  });

  it('the add-on’s own words are emptied once the row loses its email', () => {
    const { h, marks, run } = harness([
      [1, 'a@x.com', '', '', '', ''],
      [2, 'b@x.com', '', '', '', ''],
    ]);
    h.keap.optStates.set('b@x.com', { email: 'b@x.com', status: 'Opted Out?!', optedOut: false });
    run();
    const written = h.sheet.column('Keap Email Status')[1] as string;
    expect(written).toBe('Keap status OPTED_OUT');
    // A later run finds row 3's email cleared: the words it wrote there go.
    h.sheet.values[2][1] = '';
    run();
    expect(h.sheet.column('Keap Email Status')).toEqual(['Subscribed', '']);
    expect(marks.writes).toBeGreaterThan(0);
  });
});
