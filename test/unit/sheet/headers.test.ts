import {
  DEFAULT_HEADER_NAMES,
  findColumns,
  matchHeaders,
  normalizeHeader,
} from '../../../src/sheet/headers';

describe('header matching', () => {
  it('ignores case, spaces and punctuation', () => {
    expect(normalizeHeader(' Contact-ID: ')).toBe(normalizeHeader('contact id'));
    expect(normalizeHeader('OPT_OUT')).toBe(normalizeHeader('Opt Out'));
    expect(normalizeHeader('E-mail')).not.toBe(normalizeHeader('Email Address'));
  });

  it('finds the columns in any order among other columns', () => {
    const row = [
      'Name',
      'opt out reason',
      'EMAIL',
      'Notes',
      'contact_id',
      'Opt-Out',
      'Sync status',
    ];
    const match = matchHeaders(row, DEFAULT_HEADER_NAMES, 'Contacts');
    expect(match).toEqual({
      ok: true,
      columns: {
        contactId: 5,
        email: 3,
        optOut: 6,
        optOutReason: 2,
        syncStatus: 7,
        lastSynced: null,
        syncRecord: null,
        keapEmailStatus: null,
      },
    });
  });

  it('uses configured header names', () => {
    const names = {
      contactId: 'Keap #',
      email: 'Primary mail',
      optOut: 'Unsubscribed',
      optOutReason: 'Why',
    };
    const columns = findColumns(['Why', 'keap', 'Primary Mail', 'unsubscribed'], names);
    expect(columns).toMatchObject({ contactId: 2, email: 3, optOut: 4, optOutReason: 1 });
  });

  it('names the missing contact id column and the tab', () => {
    const match = matchHeaders(['Email', 'Opt Out'], DEFAULT_HEADER_NAMES, 'People');
    expect(match.ok).toBe(false);
    expect(!match.ok && match.error).toContain("'Contact ID'");
    expect(!match.ok && match.error).toContain("'People'");
  });

  it('needs an email or an opt-out column besides the id', () => {
    expect(matchHeaders(['Contact ID', 'Name'], DEFAULT_HEADER_NAMES, 'Contacts').ok).toBe(false);
    expect(matchHeaders(['Contact ID', 'Opt Out'], DEFAULT_HEADER_NAMES, 'Contacts').ok).toBe(true);
    expect(matchHeaders(['Contact ID', 'Email'], DEFAULT_HEADER_NAMES, 'Contacts').ok).toBe(true);
  });

  it('does not take a blank header for a column', () => {
    expect(matchHeaders(['', '', ''], DEFAULT_HEADER_NAMES, 'Contacts').ok).toBe(false);
  });
});
