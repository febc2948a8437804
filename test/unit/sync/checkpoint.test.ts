import {
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
