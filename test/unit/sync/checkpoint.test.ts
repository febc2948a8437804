import {
  changeSince,
  checkpointKey,
  PropertiesCheckpoint,
  type RunCheckpoint,
} from '../../../src/sync/checkpoint';
import { emptyTally } from '../../../src/sync/tally';
import { MemoryStore } from './support/fakes';

describe('the checkpoint of a continuing run', () => {
  const checkpoint: RunCheckpoint = {
    startedAt: 1,
    runId: 'r',
    trigger: 'daily',
    executions: 2,
    tally: { ...emptyTally(), emailsUpdated: 5 },
    savedAt: 3,
  };

  it('is kept per spreadsheet and cleared', () => {
    const store = new MemoryStore();
    new PropertiesCheckpoint(store, 'a').save(checkpoint);
    expect(new PropertiesCheckpoint(store, 'a').load()).toEqual(checkpoint);
    expect(new PropertiesCheckpoint(store, 'b').load()).toBeNull();
    new PropertiesCheckpoint(store, 'a').clear();
    expect(new PropertiesCheckpoint(store, 'a').load()).toBeNull();
  });

  it('fits in one property value even with many error rows', () => {
    const store = new MemoryStore();
    new PropertiesCheckpoint(store, 'a').save({
      ...checkpoint,
      tally: { ...checkpoint.tally, errorRows: Array.from({ length: 20 }, (_, i) => 100000 + i) },
    });
    expect((store.getProperty(checkpointKey('a')) ?? '').length).toBeLessThan(9 * 1024);
  });

  it('ignores a damaged checkpoint', () => {
    const store = new MemoryStore();
    store.setProperty(checkpointKey('a'), JSON.stringify({ startedAt: 'x' }));
    expect(new PropertiesCheckpoint(store, 'a').load()).toBeNull();
  });
});

describe('whether a pending run may be continued', () => {
  const checkpoint: RunCheckpoint = {
    startedAt: 1,
    runId: 'r',
    trigger: 'daily',
    executions: 1,
    tally: emptyTally(),
    savedAt: 3,
    account: 'xy123.infusionsoft.com',
    sheetName: 'Contacts',
  };

  it('yes, with the same account and tab, or where either side does not say', () => {
    expect(
      changeSince(checkpoint, { account: checkpoint.account ?? null, sheetName: 'Contacts' }),
    ).toBeNull();
    expect(changeSince(checkpoint, { account: null, sheetName: null })).toBeNull();
    const older = { ...checkpoint, account: undefined, sheetName: undefined };
    expect(changeSince(older, { account: 'key-1', sheetName: 'People' })).toBeNull();
  });

  it('no, on another Keap account (checked first) or another tab', () => {
    expect(changeSince(checkpoint, { account: 'key-1', sheetName: 'People' })).toEqual({
      kind: 'account',
      from: 'xy123.infusionsoft.com',
      to: 'key-1',
    });
    expect(
      changeSince(checkpoint, { account: 'xy123.infusionsoft.com', sheetName: 'People' }),
    ).toEqual({ kind: 'tab', from: 'Contacts', to: 'People' });
  });
});
