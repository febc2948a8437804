import { LOCK_TIMEOUT_MESSAGE } from './locks';
import { SERVER_ERROR_MESSAGE, STORE_QUOTA_MESSAGE } from './properties';
import { removeBundles, runtimeWith } from './testSupport';
import type { AppsScriptRuntime } from './runtime';

afterAll(removeBundles);

const BUNDLE = `
function remember(value) {
  PropertiesService.getUserProperties().setProperty('mine', value);
  var doc = PropertiesService.getDocumentProperties();
  if (doc) doc.setProperty('sheet', value);
  return Session.getEffectiveUser().getEmail();
}
function recall() {
  var doc = PropertiesService.getDocumentProperties();
  return [PropertiesService.getUserProperties().getProperty('mine'), doc ? doc.getProperty('sheet') : 'no document'];
}
function storeSize(size) { PropertiesService.getScriptProperties().setProperty('big', new Array(size + 1).join('x')); }
function fill(count, size) {
  var props = PropertiesService.getScriptProperties();
  for (var i = 0; i < count; i++) props.setProperty('k' + i, new Array(size + 1).join('y'));
}
function bulk() {
  var p = PropertiesService.getScriptProperties();
  p.setProperties({ a: 1, b: true });
  return [p.getProperty('a'), p.getProperty('b'), p.getKeys().length];
}
function cachePut(key, value, seconds) { CacheService.getUserCache().put(key, value, seconds); }
function cacheGet(key) { return CacheService.getUserCache().get(key); }
function withScriptLock(holdMs) {
  var lock = LockService.getScriptLock();
  lock.waitLock(10000);
  PropertiesService.getScriptProperties().setProperty('owner', Session.getActiveUser().getEmail());
  Utilities.sleep(holdMs);
  PropertiesService.getScriptProperties().setProperty('done', 'yes');
  return lock.hasLock();
}
function tryScriptLock(ms) { return LockService.getScriptLock().tryLock(ms); }
function userLock(ms) { LockService.getUserLock().waitLock(ms); Utilities.sleep(1); return 'got it'; }
function documentLockIsNull() { return LockService.getDocumentLock() === null; }
`;

function setup(): { rt: AppsScriptRuntime; a: string; b: string } {
  const rt = runtimeWith(BUNDLE);
  const a = rt.createSpreadsheet({ sheets: { Sheet1: [] } });
  const b = rt.createSpreadsheet({ sheets: { Sheet1: [] } });
  return { rt, a, b };
}

describe('PropertiesService', () => {
  test('user properties belong to each user, document properties to each spreadsheet', () => {
    const { rt, a, b } = setup();
    expect(rt.run('remember', ['ann-a'], { user: 'ann@example.com', spreadsheetId: a }).value).toBe(
      'ann@example.com',
    );
    rt.run('remember', ['bob-b'], { user: 'bob@example.com', spreadsheetId: b });
    expect(rt.run('recall', [], { user: 'ann@example.com', spreadsheetId: b }).value).toEqual([
      'ann-a',
      'bob-b',
    ]);
    expect(rt.run('recall', [], { user: 'bob@example.com', spreadsheetId: a }).value).toEqual([
      'bob-b',
      'ann-a',
    ]);
    expect(rt.run('recall', [], { user: 'bob@example.com', spreadsheetId: null }).value).toEqual([
      'bob-b',
      'no document',
    ]);
    expect(rt.userProperties('ann@example.com')).toEqual({ mine: 'ann-a' });
    expect(rt.documentProperties(b)).toEqual({ sheet: 'bob-b' });
  });

  test('a value over 9 KB is refused and nothing is stored', () => {
    const { rt } = setup();
    expect(rt.run('storeSize', [9 * 1024]).error).toBeUndefined();
    const r = rt.run('storeSize', [9 * 1024 + 1]);
    expect(r.error?.message).toBe('Argument too large: value');
    expect(rt.scriptProperties().big).toHaveLength(9 * 1024);
  });

  test('a store over 500 KB is refused', () => {
    const { rt } = setup();
    const r = rt.run('fill', [60, 9000]);
    expect(r.error?.message).toBe(STORE_QUOTA_MESSAGE);
    expect(Object.keys(rt.scriptProperties()).length).toBe(56);
  });

  test('values are stored as strings; reads and writes are counted', () => {
    const { rt } = setup();
    const r = rt.run('bulk');
    expect(r.value).toEqual(['1', 'true', 2]);
    expect(r.ledger.propertyWrites).toBe(1);
    expect(r.ledger.propertyReads).toBe(3);
  });

  test('PropertiesService is refused in AuthMode.NONE', () => {
    const { rt, a } = setup();
    const r = rt.run('recall', [], { spreadsheetId: a, authMode: 'NONE' });
    expect(r.error?.message).toMatch(
      /^You do not have permission to call PropertiesService.getDocumentProperties/,
    );
  });

  test('an injected write failure throws and leaves the store unchanged', () => {
    const { rt } = setup();
    rt.faults.failPropertyWrites = (key) => key === 'mine';
    const r = rt.run('remember', ['x'], { user: 'ann@example.com' });
    expect(r.error?.message).toBe(SERVER_ERROR_MESSAGE);
    expect(rt.userProperties('ann@example.com')).toEqual({});
  });
});

describe('CacheService', () => {
  test('entries expire on the virtual clock', () => {
    const { rt } = setup();
    rt.run('cachePut', ['k', 'v', 60]);
    rt.clock.advance(59000);
    expect(rt.run('cacheGet', ['k']).value).toBe('v');
    expect(rt.run('cacheGet', ['k'], { user: 'other@example.com' }).value).toBeNull();
    rt.clock.advance(1000);
    expect(rt.run('cacheGet', ['k']).value).toBeNull();
  });
});

describe('LockService', () => {
  test('a lock held by one execution excludes an overlapping one, which waits its timeout and fails', () => {
    const { rt } = setup();
    let inner: ReturnType<AppsScriptRuntime['run']> | undefined;
    const outer = rt.run('withScriptLock', [1000], {
      user: 'ann@example.com',
      onServiceCall: ({ method }) => {
        if (method === 'sleep' && !inner)
          inner = rt.run('withScriptLock', [0], { user: 'bob@example.com' });
      },
    });
    expect(inner?.error?.message).toBe(LOCK_TIMEOUT_MESSAGE);
    expect(inner?.ledger.lockWaitMs).toBe(10000);
    expect(outer.value).toBe(true);
    expect(rt.scriptProperties()).toEqual({ owner: 'ann@example.com', done: 'yes' });
  });

  test('tryLock returns false while held, and the lock is free once the holder ends', () => {
    const { rt } = setup();
    let during: unknown;
    rt.run('withScriptLock', [10], {
      onServiceCall: ({ method }) => {
        if (method === 'sleep') during = rt.run('tryScriptLock', [500]).value;
      },
    });
    expect(during).toBe(false);
    expect(rt.run('tryScriptLock', [500]).value).toBe(true);
  });

  test('user locks are per user; there is no document lock without a document', () => {
    const { rt } = setup();
    let otherUser: unknown;
    let sameUser: unknown;
    rt.run('userLock', [1000], {
      user: 'ann@example.com',
      onServiceCall: ({ n }) => {
        if (n === 3) {
          otherUser = rt.run('userLock', [1000], { user: 'bob@example.com' }).value;
          sameUser = rt.run('userLock', [1000], { user: 'ann@example.com' }).error?.message;
        }
      },
    });
    expect(otherUser).toBe('got it');
    expect(sameUser).toBe(LOCK_TIMEOUT_MESSAGE);
    expect(rt.run('documentLockIsNull', [], { spreadsheetId: null }).value).toBe(true);
  });
});
