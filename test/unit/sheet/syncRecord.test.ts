import { parseStateValues, stateValues, type SyncState } from '../../../src/sheet/stateTab';

describe('the sync state tab', () => {
  const state: SyncState = new Map([
    [12, { fingerprint: 'v1:abc', syncedAt: 1_700_000_000_000, result: 'ok', run: 'r1' }],
    [3, { fingerprint: 'v1:def', syncedAt: 1_700_000_100_000, result: 'retry', run: 'r2' }],
  ]);

  it('round-trips through cells', () => {
    expect(parseStateValues(stateValues(state))).toEqual(state);
  });

  it('pads with blank rows so a shorter state clears the old rows', () => {
    const values = stateValues(state, 6);
    expect(values).toHaveLength(6);
    expect(values[5]).toEqual(['', '', '', '', '']);
    expect(parseStateValues(values).size).toBe(2);
  });

  it('ignores damaged rows instead of failing', () => {
    const values = [
      ['Contact ID', 'Fingerprint', 'Synced At (ms)', 'Result'],
      ['x', 'v1:1', 1, 'ok'],
      [5, '', 1, 'ok'],
      [6, 'v1:2', 'soon', 'weird', 'r3'],
    ];
    expect(parseStateValues(values)).toEqual(
      new Map([[6, { fingerprint: 'v1:2', syncedAt: 0, result: 'error', run: 'r3' }]]),
    );
  });
});
