import { SyncLease } from '../../../src/sync/lease';
import { FakeLock, ManualClock, MemoryStore } from './support/fakes';

const TTL = 7 * 60_000;

describe('one sync at a time per spreadsheet', () => {
  const setup = () => {
    const store = new MemoryStore();
    const lock = new FakeLock();
    const clock = new ManualClock();
    const lease = (id = 'sheet-1') => new SyncLease(store, lock, id, clock, TTL);
    return { store, lock, clock, lease };
  };

  it('refuses a second execution while the first holds the lease', () => {
    const { lease } = setup();
    const first = lease();
    const second = lease();
    expect(first.acquire()).toBe(true);
    expect(second.acquire()).toBe(false);
    expect(second.isTaken()).toBe(true);
    first.release();
    expect(second.acquire()).toBe(true);
  });

  it('lets another spreadsheet sync meanwhile', () => {
    const { lease } = setup();
    expect(lease('sheet-1').acquire()).toBe(true);
    expect(lease('sheet-2').acquire()).toBe(true);
  });

  it('expires, so an execution killed without releasing blocks for at most the lease time', () => {
    const { lease, clock } = setup();
    expect(lease().acquire()).toBe(true);
    clock.advance(TTL - 1);
    expect(lease().acquire()).toBe(false);
    clock.advance(2);
    expect(lease().acquire()).toBe(true);
  });

  it('does not release a lease another execution took over after expiry', () => {
    const { lease, clock } = setup();
    const killed = lease();
    killed.acquire();
    clock.advance(TTL + 1);
    const next = lease();
    expect(next.acquire()).toBe(true);
    killed.release();
    expect(lease().acquire()).toBe(false);
  });

  it('reports busy when the script lock cannot be had, and always releases the lock', () => {
    const { lease, lock } = setup();
    lock.busy = true;
    expect(lease().acquire()).toBe(false);
    lock.busy = false;
    expect(lease().acquire()).toBe(true);
    expect(lock.held).toBe(false);
  });
});

describe("the lease lasts the execution's own time limit", () => {
  const LIMIT = 6 * 60_000 + 30_000;

  it('expires at the execution start + the limit, however late it was taken', () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const startedAt = clock.now();
    clock.advance(20_000); // opening the spreadsheet, the triggers, ...
    const lease = new SyncLease(store, new FakeLock(), 's', clock, LIMIT, undefined, startedAt);
    expect(lease.acquire()).toBe(true);
    clock.advance(LIMIT - 20_000 - 1);
    expect(lease.isTaken()).toBe(true);
    clock.advance(1);
    expect(lease.isTaken()).toBe(false);
    expect(lease.interrupted()).not.toBeNull();
  });

  it('notes about when the work continues should the execution die', () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const asked: number[] = [];
    const lease = new SyncLease(store, new FakeLock(), 's', clock, LIMIT, {
      startedBy: () => 'ann@x.com',
      continuesAt: (expiresAt) => {
        asked.push(expiresAt);
        return expiresAt + 1000;
      },
    });
    expect(lease.acquire()).toBe(true);
    expect(asked).toEqual([clock.now() + LIMIT]);
    clock.advance(LIMIT);
    expect(lease.interrupted()).toMatchObject({
      startedBy: 'ann@x.com',
      continuesAt: clock.now() + 1000,
    });
  });

  it('a failing guess of when it continues does not stop the lease', () => {
    const clock = new ManualClock();
    const lease = new SyncLease(new MemoryStore(), new FakeLock(), 's', clock, LIMIT, {
      startedBy: () => null,
      continuesAt: () => {
        throw new Error('Service error');
      },
    });
    expect(lease.acquire()).toBe(true);
  });
});
