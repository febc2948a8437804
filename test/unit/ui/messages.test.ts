import { KeapAccessError } from '../../../src/keap/model';
import {
  ALERT_ROW_LIMIT,
  dailyDisabledAlert,
  dailyLimitText,
  dailyEnabledAlert,
  describeRowChange,
  disconnectedAlert,
  errorRowsLine,
  failureAlert,
  hourPrompt,
  parseHour,
  previewAlert,
  syncSummaryAlert,
} from '../../../src/ui/messages';
import { CONNECTIONS, daily, dailyOn, preview, rowChange, summary } from './fixtures';

describe('parseHour', () => {
  it.each([
    ['6', 6],
    ['06', 6],
    [' 18 ', 18],
    ['0', 0],
    ['23', 23],
    ['6:00', 6],
    ['6pm', 18],
    ['6 PM', 18],
    ['12am', 0],
    ['12 p.m.', 12],
    ['11:00 am', 11],
  ])('reads %p as %p', (text, hour) => {
    expect(parseHour(text)).toEqual({ ok: true, hour });
  });

  it('takes the suggested hour when the answer is empty', () => {
    expect(parseHour('')).toEqual({ ok: true, hour: 6 });
    expect(parseHour('   ', 9)).toEqual({ ok: true, hour: 9 });
  });

  it.each(['24', '-1', '6.5', 'six', '7:30', '13pm', '0am', '1e1', '6,'])(
    'refuses %p and says what to type',
    (text) => {
      const result = parseHour(text);
      expect(result.ok).toBe(false);
      const error = result.ok ? '' : result.error;
      expect(error).toContain(`"${text.trim()}"`);
      expect(error).toContain('0 to 23');
      expect(error).toContain('not changed');
    },
  );

  it('asks with the time zone and the suggestion', () => {
    const { body } = hourPrompt('Europe/Berlin');
    expect(body).toContain('Europe/Berlin');
    expect(body).toContain('0 to 23');
    expect(body).toContain('empty for 6');
  });
});

describe('syncSummaryAlert', () => {
  const COUNTED = 'Synced 120 rows: 3 emails updated, 2 opted out, 110 unchanged, 5 errors.';

  it('reports a finished run with its counts once and the rows that got errors', () => {
    const { body } = syncSummaryAlert(summary({ message: COUNTED }));
    expect(body).toBe(
      [
        'The sync finished, with errors on some rows.',
        COUNTED,
        'Rows with errors: 7, 12, 30, 41, 58 (see the status column).',
      ].join('\n\n'),
    );
  });

  it('counts the run itself when its message says nothing', () => {
    expect(syncSummaryAlert(summary({ message: '' })).body).toContain(
      '120 rows checked, 3 emails updated, 2 opted out, 110 unchanged, 5 errors',
    );
  });

  it("says a run paused at Keap's daily limit continues by itself, with what it did so far", () => {
    const { body } = syncSummaryAlert(
      summary({
        outcome: 'daily-limit',
        errors: 0,
        errorRows: [],
        message: 'Keap resets the limit at 00:00 UTC.',
      }),
    );
    expect(body.split('\n\n')).toEqual([
      "The sync paused: Keap's daily request limit was reached. It continues by itself after Keap resets the limit.",
      'Keap resets the limit at 00:00 UTC.',
      'So far: 120 rows checked, 3 emails updated, 2 opted out, 110 unchanged, 0 errors',
    ]);
  });

  it('says plainly when everything went through', () => {
    const { body } = syncSummaryAlert(summary({ errors: 0, errorRows: [], emailsUpdated: 1 }));
    expect(body).toBe('The sync finished.\n\nSynced 120 rows.');
    expect(body).not.toContain('Rows with errors');
  });

  it('sends the person to the sidebar when Keap must be reconnected', () => {
    const { body } = syncSummaryAlert(
      summary({ outcome: 'needs-reconnect', message: 'Keap refused the saved sign-in.' }),
    );
    expect(body).toMatch(/^Reconnect to Keap from the sidebar: Keap refused the saved sign-in\./);
  });

  it('says a sync is already running when the lease was taken', () => {
    expect(syncSummaryAlert(summary({ outcome: 'busy' })).body).toContain(
      'A sync is already running',
    );
  });

  it('words a failure without Apps Script prefixes or token-shaped text', () => {
    const { body } = syncSummaryAlert(
      summary({ outcome: 'failed', message: 'Exception: Keap answered 500 for access_token=zz9' }),
    );
    expect(body).toMatch(/^The sync stopped: Keap answered 500/);
    expect(body).not.toContain('zz9');
    expect(body).not.toContain('Exception:');
  });

  it('tells that a long sheet was done in part, and when the rest continues in its own words', () => {
    const { body } = syncSummaryAlert(
      summary({ outcome: 'continuing', message: 'Did 400 of 1,200 rows.' }),
    );
    expect(body).toMatch(/^The sync did part of the sheet\./);
    expect(body).not.toMatch(/shortly/);
    expect(body).toContain('Did 400 of 1,200 rows.');
    // The message counts what was done so far: no second list of counts.
    expect(body).not.toContain('rows checked');
  });
});

describe('errorRowsLine', () => {
  it('is absent when no row has an error', () => {
    expect(errorRowsLine([], 0)).toBeNull();
  });

  it('lists the first rows and counts the rest', () => {
    const rows = Array.from({ length: ALERT_ROW_LIMIT + 4 }, (_, i) => i + 2);
    const line = errorRowsLine(rows, rows.length + 6);
    expect(line).toContain(
      `Rows with errors: ${rows.slice(0, ALERT_ROW_LIMIT).join(', ')} and 10 more`,
    );
  });

  it('counts errors beyond the rows the summary kept', () => {
    expect(errorRowsLine([4], 3)).toBe('Rows with errors: 4 and 2 more (see the status column).');
    expect(errorRowsLine([4], 1)).toBe('Row with an error: 4 (see the status column).');
  });
});

describe('previewAlert', () => {
  it('counts changes and lists every row in sheet order', () => {
    const { body } = previewAlert(preview());
    expect(body).toContain(
      '3 email changes and 2 opt-outs; 2 rows have errors; 2 unchanged (of 8 rows)',
    );
    expect(body).toContain('Nothing was changed yet');
    const rowNumbers = [...body.matchAll(/^Row (\d+)/gm)].map((m) => Number(m[1]));
    expect(rowNumbers).toEqual([2, 3, 4, 5, 6, 8]);
    expect(body).toContain('Row 2 (contact 101): old@example.com → new@example.com');
    expect(body).toContain('Row 5 (contact 104): opt out');
    expect(body).toContain('Row 6 (contact 105): (no email) → first@example.com, opt out');
    expect(body).toContain('Row 8 (contact 999): Keap has no contact 999.');
  });

  it("uses the preview's own counts: a contact on two rows is one change, as in the sync", () => {
    const twice = [rowChange({ row: 2 }), rowChange({ row: 3 })];
    const { body } = previewAlert({
      rowsSeen: 2,
      changes: twice,
      errors: [],
      unchanged: 0,
      message: '',
      counts: { emailChanges: 1, optOuts: 0, errors: 0, unchanged: 0 },
    });
    expect(body).toContain('1 email change and 0 opt-outs');
    expect(body.match(/^Row /gm)).toHaveLength(2);
  });

  it("says when the preview could not check every row, with Keap's reason", () => {
    const { body } = previewAlert({
      rowsSeen: 5,
      changes: [],
      errors: [],
      unchanged: 2,
      message: 'Preview incomplete: ...',
      stopped: 'Keap refused to list contacts: Invalid filter.',
      counts: { emailChanges: 0, optOuts: 0, errors: 0, unchanged: 2 },
    });
    expect(body).toMatch(
      /^The preview could not check every row: Keap refused to list contacts: Invalid filter\.\n\nSo far, a sync now would make 0 email changes/,
    );
    expect(body).not.toContain('would change nothing');
  });

  it('keeps a long preview short and points to the sidebar', () => {
    const changes = Array.from({ length: 25 }, (_, i) => rowChange({ row: i + 2 }));
    const { body } = previewAlert({ rowsSeen: 25, changes, errors: [], unchanged: 0, message: '' });
    expect(body.match(/^Row /gm)).toHaveLength(ALERT_ROW_LIMIT);
    expect(body).toContain('…and 15 more: open the sidebar');
  });

  it('says when a sync would change nothing', () => {
    const { body } = previewAlert({
      rowsSeen: 40,
      changes: [],
      errors: [],
      unchanged: 40,
      message: '',
    });
    expect(body).toContain('would change nothing');
    expect(body).toContain('40 rows');
  });

  it('says when the sheet has no rows at all', () => {
    const { body } = previewAlert({
      rowsSeen: 0,
      changes: [],
      errors: [],
      unchanged: 0,
      message: '',
    });
    expect(body).toBe('The sheet has no rows to sync yet.');
  });

  it('describes a row with no email change and no opt-out as no change', () => {
    expect(
      describeRowChange(rowChange({ row: 9, contactId: '', emailTo: 'old@example.com' })),
    ).toBe('Row 9: no change');
  });
});

describe('daily sync alerts', () => {
  const formatTime = (iso: string) => `<${iso}>`;

  it('confirms the hour window, the time zone, the next run and who it runs as', () => {
    const status = dailyOn(6);
    const { body } = dailyEnabledAlert(status, formatTime);
    expect(body).toContain('between 06:00 and 07:00 (Europe/Berlin time)');
    expect(body).toContain(`Next run: <${status.nextRunAfter}>`);
    expect(body).toContain('runs as ops@example.com');
  });

  it('wraps the window past midnight', () => {
    const status = { ...dailyOn(6), hour: 23 };
    expect(dailyEnabledAlert(status, formatTime).body).toContain('between 23:00 and 00:00');
  });

  it('does not claim success when the trigger is not on', () => {
    expect(dailyEnabledAlert(daily(), formatTime).body).toContain('could not be turned on');
  });

  it('confirms the daily sync is off, or says it is still on', () => {
    expect(dailyDisabledAlert(daily()).body).toContain('The daily sync is off');
    expect(dailyDisabledAlert(dailyOn(6)).body).toContain('still on (set up by ops@example.com)');
  });
});

describe('connection and failure alerts', () => {
  it('confirms a disconnect only when the connection is gone', () => {
    expect(disconnectedAlert(CONNECTIONS.notConnected).body).toContain('Disconnected from Keap');
    expect(disconnectedAlert(CONNECTIONS.connected).body).toContain('still connected');
  });

  it('words a lost Keap connection as a reconnect request', () => {
    const { body } = failureAlert(
      'sync',
      new KeapAccessError({ kind: 'recorded', text: 'Keap revoked the app.', instructs: true }),
    );
    expect(body).toBe('Could not sync: Reconnect to Keap from the sidebar: Keap revoked the app.');
  });

  it('words any other error without the Exception prefix', () => {
    expect(
      failureAlert('preview the sync', new Error('Exception: No tab named "Contacts".')).body,
    ).toBe('Could not preview the sync: No tab named "Contacts".');
    expect(failureAlert('sync', undefined).body).toContain('something went wrong');
  });
});

describe('the notice while a run waits for Keap', () => {
  it('says the reset it waits for, in the time zone and in UTC (not a fixed 00:00)', () => {
    const text = dailyLimitText('2026-05-06T03:00:00.000Z', {
      timeZone: 'America/New_York',
      locale: 'en_GB',
    });
    expect(text).toContain('after 23:00 (03:00 UTC)');
  });
});
