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
