import { TokenAccess } from '../../../src/connection/tokenAccess';
import { KEEP_ALIVE_TOKEN_AGE_MS } from '../../../src/keap/config';
import { connectionProblemWords } from '../../../src/sync/statusText';
import { KeapAccessError, KeapUnavailableError } from '../../../src/keap/model';
import { FakeExecution, FakeKeap } from './fakeOAuthLibrary';

function execution(keap: FakeKeap) {
  const service = new FakeExecution(keap);
  const lost: string[] = [];
  const access = new TokenAccess({
    service,
    lock: service.lock,
    onLost: (problem) => lost.push(connectionProblemWords(problem)),
    now: () => keap.nowSeconds * 1000,
  });
  return { service, access, lost };
}

describe('the fake library replays the rotation trap', () => {
  it('a direct refresh() from a stale execution is refused by Keap (why the guard exists)', () => {
    const keap = new FakeKeap();
    keap.connect();
    const a = execution(keap);
    const b = execution(keap);
    a.access.accessToken();
    b.service.refresh();
    expect(() => a.service.refresh()).toThrow(/invalid_grant/);
  });
});

describe('TokenAccess', () => {
  it('hands out the stored access token while it is valid, without calling Keap', () => {
    const keap = new FakeKeap();
    keap.connect();
    const { access } = execution(keap);
    expect(access.accessToken()).toBe('access-1');
    expect(keap.refreshCalls).toEqual([]);
  });

  it('refreshes an expired token through hasAccess: two executions end with one refresh', () => {
    const keap = new FakeKeap();
    keap.connect(86400); // expired
    const a = execution(keap);
    const b = execution(keap);
    b.service.getToken(); // b read the expired token earlier in its run
    expect(a.access.accessToken()).toBe('access-2');
    expect(b.access.accessToken()).toBe('access-2');
    expect(keap.refreshCalls).toEqual(['refresh-1']);
  });

  it('after a 401, uses a token another execution already stored instead of refreshing again', () => {
    const keap = new FakeKeap();
    keap.connect();
    const a = execution(keap);
    const b = execution(keap);
    const failed = a.access.accessToken();
    b.service.refresh(); // another run rotated the tokens meanwhile
    expect(a.access.recoverAfterRejection(failed)).toBe(true);
    expect(a.access.accessToken()).toBe('access-2');
    expect(keap.refreshCalls).toEqual(['refresh-1']);
    expect(a.lost).toEqual([]);
  });

  it('after a 401 on the stored token, refreshes once; a second 401 report on it does not refresh again', () => {
    const keap = new FakeKeap();
    keap.connect();
    const { access } = execution(keap);
    const failed = access.accessToken();
    expect(access.recoverAfterRejection(failed)).toBe(true);
    expect(access.recoverAfterRejection(failed)).toBe(true);
    expect(access.accessToken()).toBe('access-2');
    expect(keap.refreshCalls).toEqual(['refresh-1']);
    expect(keap.lockHolder).toBeNull();
  });

  it('records lost access in plain words when Keap rejects the refresh token', () => {
    const keap = new FakeKeap();
    keap.connect(86400);
    const { access, lost } = execution(keap);
    keap.stored = { ...keap.stored!, refresh_token: 'revoked' };
    expect(() => access.accessToken()).toThrow(KeapAccessError);
    expect(lost).toEqual([
      'Keap no longer accepts this connection: its Keap sign-in has ended (the add-on was removed in Keap, a password was changed, or the connection went unused for 45 days). Reconnect from the sidebar.',
    ]);
  });

  it('treats a token endpoint outage as passing: no lost-access record', () => {
    const keap = new FakeKeap();
    keap.connect(86400);
    const { access, lost } = execution(keap);
    keap.outage = true;
    expect(() => access.accessToken()).toThrow(KeapUnavailableError);
    expect(lost).toEqual([]);
  });

  it('says "not connected" when there is no token', () => {
    const { access } = execution(new FakeKeap());
    expect(() => access.accessToken()).toThrow(/not connected/);
  });

  it('reports a busy lock as a passing problem and never refreshes without it', () => {
    const keap = new FakeKeap();
    keap.connect();
    const a = execution(keap);
    const b = execution(keap);
    b.service.lock.waitLock(30000);
    expect(() => a.access.recoverAfterRejection('access-1')).toThrow(KeapUnavailableError);
    expect(keap.refreshCalls).toEqual([]);
  });

  describe('keepAlive', () => {
    it('leaves a young token alone', () => {
      const keap = new FakeKeap();
      keap.connect(3600);
      expect(execution(keap).access.keepAlive(KEEP_ALIVE_TOKEN_AGE_MS)).toBe('fresh');
      expect(keap.refreshCalls).toEqual([]);
    });

    it('refreshes a token older than 12 hours, rotation-safely, and only once across runs', () => {
      const keap = new FakeKeap();
      keap.connect(13 * 3600);
      const a = execution(keap);
      const b = execution(keap);
      b.service.getToken(); // b holds the old token in memory
      expect(a.access.keepAlive(KEEP_ALIVE_TOKEN_AGE_MS)).toBe('refreshed');
      expect(b.access.keepAlive(KEEP_ALIVE_TOKEN_AGE_MS)).toBe('fresh');
      expect(keap.refreshCalls).toEqual(['refresh-1']);
      expect(keap.lockHolder).toBeNull();
    });

    it('throws KeapAccessError when Keap refuses, and leaves a passing fault for the next run', () => {
      const keap = new FakeKeap();
      keap.connect(13 * 3600);
      const { access, lost } = execution(keap);
      keap.outage = true;
      expect(access.keepAlive(KEEP_ALIVE_TOKEN_AGE_MS)).toBe('retry-later');
      keap.outage = false;
      keap.stored = { ...keap.stored!, refresh_token: 'revoked' };
      expect(() => access.keepAlive(KEEP_ALIVE_TOKEN_AGE_MS)).toThrow(KeapAccessError);
      expect(lost).toHaveLength(1);
      expect(keap.lockHolder).toBeNull();
    });

    it('has nothing to keep alive without a token', () => {
      expect(execution(new FakeKeap()).access.keepAlive(KEEP_ALIVE_TOKEN_AGE_MS)).toBe(
        'not-connected',
      );
    });
  });
});

describe('a Google service error reading the stored token', () => {
  it('is passed on as it is (the run continues at the next firing), never "another run held the connection"', () => {
    const keap = new FakeKeap();
    keap.connect();
    const { service, access, lost } = execution(keap);
    service.hasAccess = () => {
      throw new Error('Service error: PropertiesService');
    };
    expect(() => access.accessToken()).toThrow(/^Service error: PropertiesService$/);
    expect(lost).toEqual([]);
    expect(keap.refreshCalls).toEqual([]);
  });

  it('a lock that stays busy is still "another run held the connection"', () => {
    const keap = new FakeKeap();
    keap.connect();
    const { service, access } = execution(keap);
    service.hasAccess = () => {
      throw new Error('Lock timeout: another process was holding the lock for too long.');
    };
    expect(() => access.accessToken()).toThrow(KeapUnavailableError);
  });
});
