import { sheetSetupWords } from '../../../src/sync/statusText';
import {
  DEFAULT_HEADER_NAMES,
  findColumns,
  matchHeaders,
  normalizeHeader,
  type HeaderMatch,
} from '../../../src/sheet/headers';

/** A refused match with its problem in words (chosen in statusText.ts). */
function inWords(match: HeaderMatch): HeaderMatch | { ok: false; error: string } {
  return match.ok ? match : { ok: false, error: sheetSetupWords(match.problem) };
}

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

  it('does without a Contact ID column when there is an Email column (rows matched by email)', () => {
    expect(matchHeaders(['Email', 'Opt Out'], DEFAULT_HEADER_NAMES, 'People')).toEqual({
      ok: true,
      columns: {
        contactId: null,
        email: 1,
        optOut: 2,
        optOutReason: null,
        syncStatus: null,
        lastSynced: null,
        syncRecord: null,
        keapEmailStatus: null,
      },
    });
    expect(
      matchHeaders(['Name', 'E-mail'], { ...DEFAULT_HEADER_NAMES, email: 'e mail' }, 'People'),
    ).toMatchObject({ ok: true, columns: { contactId: null, email: 2, optOut: null } });
  });

  it('refuses an Opt Out column with neither a Contact ID nor an Email column, naming both and the tab', () => {
    expect(
      inWords(matchHeaders(['Name', 'Opt Out', 'Opt Out Reason'], DEFAULT_HEADER_NAMES, 'People')),
    ).toEqual({
      ok: false,
      error:
        "Row 1 of the 'People' tab has neither a 'Contact ID' nor an 'Email' column, so no row " +
        "says whom to opt out. Add one of them (without a 'Contact ID' column, rows are matched by email).",
    });
    const names = { ...DEFAULT_HEADER_NAMES, contactId: 'Keap #', email: 'Mail' };
    const match = matchHeaders(['Opt Out'], names, () => 'Leads');
    expect(!match.ok && sheetSetupWords(match.problem)).toContain(
      "neither a 'Keap #' nor an 'Mail' column",
    );
  });

  it('with neither an Email nor an Opt Out column, says there is nothing to sync (with or without an id)', () => {
    const nothing =
      "Row 1 of the 'Contacts' tab has neither an 'Email' nor an 'Opt Out' column, so there is nothing to sync.";
    expect(inWords(matchHeaders(['Contact ID', 'Name'], DEFAULT_HEADER_NAMES, 'Contacts'))).toEqual(
      {
        ok: false,
        error: nothing,
      },
    );
    expect(inWords(matchHeaders(['Name'], DEFAULT_HEADER_NAMES, 'Contacts'))).toEqual({
      ok: false,
      error: nothing,
    });
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
