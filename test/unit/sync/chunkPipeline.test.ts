import { KeapUnavailableError } from '../../../src/keap/model';
import { runSyncWith } from '../../../src/sync/runSync';
import { SyncHarness } from './support/fakes';

const HEADER = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];

/** `n` contacts that each get a new email and opt it out (two writes, in two waves). */
function changeAndOptOut(n: number): SyncHarness {
  const rows = Array.from({ length: n }, (_, i) => [i + 1, `new${i + 1}@x.com`, 'yes', '']);
  const h = new SyncHarness([HEADER, ...rows]);
  for (let id = 1; id <= n; id++) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
  h.limits = { ...h.limits, chunkSize: 2 };
  return h;
}

describe('chunks as a pipeline', () => {
  it("sends a chunk's second wave in the same write call as the next chunk's first wave", () => {
    const h = changeAndOptOut(6);
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary).toMatchObject({ outcome: 'completed', emailsUpdated: 6, optedOut: 6 });
    const calls = h.keap.writeCalls.map((call) =>
      call.map((w) => (w.kind === 'optOut' ? `optOut ${w.email}` : `setEmails ${w.contactId}`)),
    );
    expect(calls).toEqual([
      ['setEmails 1', 'setEmails 2'],
      ['optOut new1@x.com', 'optOut new2@x.com', 'setEmails 3', 'setEmails 4'],
      ['optOut new3@x.com', 'optOut new4@x.com', 'setEmails 5', 'setEmails 6'],
      ['optOut new5@x.com', 'optOut new6@x.com'],
    ]);
    expect(h.sheet.column('Sync Status')).toEqual(
      [1, 2, 3, 4, 5, 6].map((id) => `Updated: email changed to new${id}@x.com; opted out`),
    );
  });

  it('opts out an address two contacts share once', () => {
    const h = new SyncHarness([
      HEADER,
      [1, 'shared@x.com', 'yes', ''],
      [2, 'shared@x.com', 'yes', ''],
    ]);
    h.keap.addContact(1, { EMAIL1: 'shared@x.com' });
    h.keap.addContact(2, { EMAIL1: 'Shared@x.com' });
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.keap.sent.filter((w) => w.kind === 'optOut')).toHaveLength(1);
    expect(h.sheet.column('Sync Status')).toEqual(['Updated: opted out', 'Updated: opted out']);
  });

  it("when the next chunk's read fails, the rows the chunk before finished keep their statuses", () => {
    const rows = Array.from({ length: 4 }, (_, i) => [i + 1, `new${i + 1}@x.com`, '', '']);
    const h = new SyncHarness([HEADER, ...rows]);
    for (let id = 1; id <= 4; id++) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
    h.limits = { ...h.limits, chunkSize: 2 };
    h.keap.failReadsAfter = 1;
    h.keap.failNextRead = new KeapUnavailableError({
      kind: 'connection',
      fault: { kind: 'described', text: 'Keap answered 503 five times' },
    });
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary).toMatchObject({ outcome: 'failed', emailsUpdated: 2 });
    expect(h.sheet.column('Sync Status')).toEqual([
      'Updated: email changed to new1@x.com',
      'Updated: email changed to new2@x.com',
      'Will retry: Keap answered 503 five times.',
      'Will retry: Keap answered 503 five times.',
    ]);
    expect([...h.state.state.keys()]).toEqual([1, 2]);
  });

  it('a row whose email changed but whose opt-out missed the time limit says so, and the follow-up completes it', () => {
    const h = changeAndOptOut(2);
    h.limits = { ...h.limits, chunkSize: 10, keapDeadlineAfterMs: 50_000 };
    h.keap.msPerWrite = 30_000;
    const first = runSyncWith('daily', h.ports(), h.limits);
    expect(first.outcome).toBe('continuing');
    expect(h.sheet.column('Sync Status')).toEqual([
      'Updated: email changed to new1@x.com; opt-out not sent yet',
      'Updated: email changed to new2@x.com; opt-out not sent yet',
    ]);
    const last = runSyncWith('continuation', h.ports(), h.limits);
    expect(last).toMatchObject({ outcome: 'completed', emailsUpdated: 2, optedOut: 2 });
    expect(h.sheet.column('Sync Status')).toEqual([
      'Updated: email changed to new1@x.com; opted out',
      'Updated: email changed to new2@x.com; opted out',
    ]);
  });
});

/**
 * The sync of `n` contacts in chunks of 2, each getting a new email only (one write, no
 * second wave), with what the progress port and the sheet show each time Keap is read.
 */
function watchedEmailChanges(n: number) {
  const rows = Array.from({ length: n }, (_, i) => [i + 1, `new${i + 1}@x.com`, '', '']);
  const h = new SyncHarness([HEADER, ...rows]);
  for (let id = 1; id <= n; id++) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
  h.limits = { ...h.limits, chunkSize: 2 };
  let done = 0;
  const atReads: { ids: number[]; done: number; statuses: number }[] = [];
  const ports = h.ports();
  ports.progress = {
    begin: (_runId, _toDo, rowsDone = 0) => (done = rowsDone),
    advance: (rows) => (done += rows),
    end: () => undefined,
  };
  ports.openGateway = (deadline) => {
    const gateway = h.keap.gateway(deadline);
    return {
      ...gateway,
      readContacts: (ids) => {
        const statuses = h.sheet.values[0].includes('Sync Status')
          ? h.sheet.column('Sync Status').filter((s) => s !== '').length
          : 0;
        atReads.push({ ids: [...ids], done, statuses });
        return gateway.readContacts(ids);
      },
    };
  };
  return { h, ports, atReads, done: () => done };
}

describe('a chunk whose writes are all answered', () => {
  it('is answered before the next chunk is read: its statuses are written and the progress counts it', () => {
    const { h, ports, atReads, done } = watchedEmailChanges(6);
    const summary = runSyncWith('sidebar', ports, h.limits);
    expect(summary).toMatchObject({ outcome: 'completed', emailsUpdated: 6 });
    expect(atReads).toEqual([
      { ids: [1, 2], done: 0, statuses: 0 },
      { ids: [3, 4], done: 2, statuses: 2 },
      { ids: [5, 6], done: 4, statuses: 4 },
    ]);
    expect(done()).toBe(6);
  });

  it('counts in the progress even when its statuses could not be written yet (they are written later)', () => {
    const { h, ports, atReads, done } = watchedEmailChanges(6);
    h.sheet.failWrites = new Error('Service Spreadsheets failed while accessing document');
    // The sheet takes writes again from the last chunk on.
    h.sheet.beforeRead = () => {
      if (atReads.length === 3) h.sheet.failWrites = null;
    };
    const summary = runSyncWith('sidebar', ports, h.limits);
    expect(summary).toMatchObject({ outcome: 'completed', emailsUpdated: 6 });
    expect(atReads.map((read) => [read.done, read.statuses])).toEqual([
      [0, 0],
      [2, 0],
      [4, 0],
    ]);
    expect(done()).toBe(6);
    expect(h.sheet.column('Sync Status')).toEqual(
      [1, 2, 3, 4, 5, 6].map((id) => `Updated: email changed to new${id}@x.com`),
    );
  });
});

describe('a tab many chunks long', () => {
  it('gets its statuses between chunks every 1/20 of its rows; the progress moves on every chunk', () => {
    // 60 rows in chunks of 2: a status write (two reads of the whole tab) every 3 rows
    // answered, so after the 2nd chunk (4 rows), the 4th (8), ...: not after every chunk.
    const { h, ports, atReads, done } = watchedEmailChanges(60);
    const summary = runSyncWith('sidebar', ports, h.limits);
    expect(summary).toMatchObject({ outcome: 'completed', emailsUpdated: 60 });
    expect(atReads.slice(0, 6).map((read) => [read.done, read.statuses])).toEqual([
      [0, 0],
      [2, 0],
      [4, 4],
      [6, 4],
      [8, 8],
      [10, 8],
    ]);
    expect(atReads.every((read, i) => read.done === 2 * i)).toBe(true);
    expect(done()).toBe(60);
    expect(h.sheet.column('Sync Status').every((s) => String(s).startsWith('Updated:'))).toBe(true);
    // First read, then two per status write (29 chunks after the first: every other one,
    // and the execution's last write).
    expect(h.sheet.reads).toBe(1 + 2 * (14 + 1));
  });

  it('gets them after every chunk up to 20 chunks long', () => {
    const { h, ports, atReads } = watchedEmailChanges(40);
    runSyncWith('sidebar', ports, h.limits);
    expect(atReads.every((read, i) => read.statuses === 2 * i)).toBe(true);
  });
});
