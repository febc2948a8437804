import { KeapAccessError } from '../../../src/keap/model';
import { rowFingerprint } from '../../../src/sync/fingerprint';
import { previewWith } from '../../../src/sync/preview';
import { runSyncWith } from '../../../src/sync/runSync';
import { defaultSettings } from '../../../src/sync/settings';
import { SyncHarness } from './support/fakes';

function harness(): SyncHarness {
  const h = new SyncHarness([
    ['Contact ID', 'Email', 'Opt Out'],
    [1, 'New@x.com', ''],
    [2, '', 'yes'],
    [3, 'same@x.com', ''],
    ['bad', 'b@x.com', ''],
    [4, 'four@x.com', 'yes'],
  ]);
  h.keap.addContact(1, { EMAIL1: 'old@x.com' });
  h.keap.addContact(2, { EMAIL1: 'two@x.com' });
  h.keap.addContact(3, { EMAIL1: 'same@x.com' });
  return h;
}

const previewOf = (h: SyncHarness) =>
  previewWith({
    clock: h.clock,
    settings: defaultSettings(),
    sheet: h.sheet,
    openGateway: (d) => h.keap.gateway(d),
  });

describe('previewing a sync', () => {
  it('lists what would change per row, sending no write and changing no cell', () => {
    const h = harness();
    const before = JSON.stringify(h.sheet.values);
    const preview = previewOf(h);
    expect(preview.changes).toEqual([
      {
        row: 2,
        contactId: '1',
        emailFrom: 'old@x.com',
        emailTo: 'new@x.com',
        optOut: false,
        error: null,
      },
      { row: 3, contactId: '2', emailFrom: null, emailTo: null, optOut: true, error: null },
    ]);
    expect(preview.errors).toEqual([
      {
        row: 5,
        contactId: 'bad',
        emailFrom: null,
        emailTo: null,
        optOut: false,
        error: "Contact ID must be a whole number (got 'bad')",
      },
      {
        row: 6,
        contactId: '4',
        emailFrom: null,
        emailTo: null,
        optOut: false,
        error: 'Contact 4 was not found in Keap',
      },
    ]);
    expect(preview).toMatchObject({ rowsSeen: 5, unchanged: 1 });
    expect(preview.message).toBe(
      'A sync would make these changes: 1 email to update, 1 to opt out, 2 rows with errors, 1 unchanged.',
    );
    expect(h.keap.writeCalls).toHaveLength(0);
    expect(h.sheet.writes).toBe(0);
    expect(JSON.stringify(h.sheet.values)).toBe(before);
  });

  it('agrees with what the sync then does', () => {
    const h = harness();
    const preview = previewOf(h);
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary.emailsUpdated).toBe(preview.changes.filter((c) => c.emailTo).length);
    expect(summary.optedOut).toBe(preview.changes.filter((c) => c.optOut).length);
    expect(previewOf(h).changes).toEqual([]);
  });

  it("names a refused row's next try in the spreadsheet's locale, as the sync writes it", () => {
    const h = harness();
    runSyncWith('sidebar', { ...h.ports(), locale: () => 'en_GB' }, h.limits);
    const preview = previewWith({
      clock: h.clock,
      settings: defaultSettings(),
      sheet: h.sheet,
      openGateway: (d) => h.keap.gateway(d),
      locale: () => 'en_GB',
    });
    const tried = 'The last sync of this row failed (see its Sync Status); it is tried again on';
    expect(preview.errors.map((e) => e.error)).toContain(
      `${tried} Sun 2 Mar, or when the row is edited`,
    );
    expect(h.sheet.column('Sync Status')).toContain(
      'Error: Contact 4 was not found in Keap. Trying again on Sun 2 Mar, or when the row is edited',
    );
  });

  it('explains a lost connection instead of failing', () => {
    const h = harness();
    h.keap.accessError = new KeapAccessError({
      kind: 'recorded',
      text: 'the refresh token was rejected',
      instructs: false,
    });
    const preview = previewOf(h);
    expect(preview.message).toMatch(
      /^Preview incomplete: The refresh token was rejected\. Open Keap Sheets Sync from the Extensions menu and connect again;/,
    );
    expect(preview.errors.map((e) => e.row)).toEqual([5]);
  });

  it('names a missing header', () => {
    const h = new SyncHarness([['Opt Out'], ['yes']]);
    expect(previewOf(h).message).toMatch(/neither a 'Contact ID' nor an 'Email' column/);
  });
});

describe('previewing a spreadsheet an earlier version synced', () => {
  it("counts rows its old 'Keap Sync State' tab records as unchanged, without asking Keap", () => {
    const h = new SyncHarness([
      ['Contact ID', 'Email', 'Opt Out', 'Sync Status', 'Last Synced'],
      [1, 'a@x.com', '', 'Up to date', ''],
    ]);
    h.keap.addContact(1, { EMAIL1: 'changed-in-keap@x.com' });
    const request = { contactId: 1, email: 'a@x.com', optOut: false, reason: null };
    h.sheet.oldRecords = new Map([
      [1, { fingerprint: rowFingerprint(request), syncedAt: 1, result: 'ok', run: 'old' }],
    ]);
    const preview = previewOf(h);
    expect(preview).toMatchObject({ changes: [], unchanged: 1 });
    expect(h.keap.reads).toBe(0);
  });
});

describe("previewing while Keap's daily limit is spent", () => {
  it('says the limit was reached and when Keap resets it, changing nothing', () => {
    const h = harness();
    h.keap.requestsLeftToday = 0;
    const before = JSON.stringify(h.sheet.values);
    const preview = previewOf(h);
    expect(preview.message).toMatch(
      /^Preview incomplete: Keap's daily request limit for this add-on was reached; Keap resets it at 00:00 UTC\. So far: /,
    );
    expect(JSON.stringify(h.sheet.values)).toBe(before);
    expect(h.keap.sent).toEqual([]);
  });
});
