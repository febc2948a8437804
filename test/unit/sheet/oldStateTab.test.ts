import { parseOldStateValues } from '../../../src/sheet/oldStateTab';

describe("the old 'Keap Sync State' tab", () => {
  it('reads one record per contact, the newest when a contact is listed twice', () => {
    const values = [
      ['Contact ID', 'Fingerprint', 'Synced At (ms)', 'Result', 'Run'],
      [7, 'v1:aa', 100, 'ok', 'r1'],
      ['8', 'v1:bb', '200', 'error', 'r1'],
      [7, 'v1:cc', 300, 'retry', 'r2'],
    ];
    expect(parseOldStateValues(values)).toEqual(
      new Map([
        [7, { fingerprint: 'v1:cc', syncedAt: 300, result: 'retry', run: 'r2' }],
        [8, { fingerprint: 'v1:bb', syncedAt: 200, result: 'error', run: 'r1' }],
      ]),
    );
  });

  it('skips rows it cannot trust: no id, no fingerprint, no time or an unknown result', () => {
    const values = [
      ['Contact ID', 'Fingerprint', 'Synced At (ms)', 'Result', 'Run'],
      ['', 'v1:aa', 100, 'ok', 'r'],
      [-3, 'v1:aa', 100, 'ok', 'r'],
      [4, '', 100, 'ok', 'r'],
      [5, 'v1:aa', 'yesterday', 'ok', 'r'],
      [6, 'v1:aa', 100, 'maybe', 'r'],
    ];
    expect(parseOldStateValues(values).size).toBe(0);
  });
});
