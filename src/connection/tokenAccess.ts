/**
 * Access tokens for Keap requests, refreshed without ever losing a rotated refresh token.
 *
 * Keap rotates the refresh token on every refresh: refreshing twice with the same one
 * disconnects the account. Normal refreshes go through the library's hasAccess(), which
 * takes the user lock and re-reads the stored token first. A 401 on a token that looks
 * valid is handled here the same way: under the lock, re-read the stored token, and
 * refresh only if it is still the one Keap refused. service.refresh() is never called
 * without that check (it would refresh with this execution's possibly stale copy).
 */
import { TOKEN_LOCK_WAIT_MS } from '../keap/config';
import { KeapAccessError, KeapUnavailableError } from '../keap/model';
import { asKeapToken, isTokenOlderThan } from './keapToken';
import { classifyRefreshFailure, type LostAccessProblem } from './lostAccess';
import { isTransientServiceError } from './serviceRetry';
import { withWaitedLock, type WaitingLock } from './storePorts';

/** The part of the OAuth2 library's service used here. */
export interface TokenService {
  hasAccess(): boolean;
  getToken(optSkipMemoryCheck?: boolean): object | null;
  refresh(): void;
  getLastError(): unknown;
}

/** The same Lock object the service was given with setLock, so refresh() sees it held. */
export type TokenLock = WaitingLock;

export interface TokenAccessDeps {
  service: TokenService;
  lock: TokenLock;
  /** Records that Keap refused the refresh token, and why. */
  onLost(problem: LostAccessProblem): void;
  now(): number;
}

export type KeepAliveResult = 'fresh' | 'refreshed' | 'not-connected' | 'retry-later';

export class TokenAccess {
  constructor(private readonly deps: TokenAccessDeps) {}

  /**
   * A valid access token, refreshed first when it is about to expire. Throws KeapAccessError
   * when Keap refused the refresh token, KeapUnavailableError for a passing fault.
   */
  accessToken(): string {
    const { service } = this.deps;
    let granted: boolean;
    try {
      granted = service.hasAccess();
    } catch (error) {
      // Refresh errors are kept in getLastError, so what throws here is the library's waitLock
      // or the read of the stored token. A Google service error on that read (the property
      // store already tried it again) is passed on as it is: the run keeps its checkpoint and
      // the next firing carries on. Nothing was written, so the refresh token is untouched.
      if (isTransientServiceError(error)) throw error;
      throw new KeapUnavailableError({ kind: 'connection', fault: { kind: 'lock-busy' } });
    }
    const token = asKeapToken(service.getToken());
    if (granted && token) return token.access_token;
    if (!token) throw new KeapAccessError({ kind: 'not-connected' });
    throw this.refreshFailure(service.getLastError());
  }

  /**
   * Keap answered 401 to `failedAccessToken`. Returns true when a retry is worth it: either
   * another execution had already stored a newer token, or this one refreshed it now.
   */
  recoverAfterRejection(failedAccessToken: string): boolean {
    return this.underLock(() => {
      const stored = asKeapToken(this.deps.service.getToken(true));
      if (!stored) throw new KeapAccessError({ kind: 'not-connected' });
      if (stored.access_token !== failedAccessToken) return true;
      this.refreshHoldingLock();
      return true;
    });
  }

  /**
   * Refreshes a token older than `maxAgeMs` so the rotating refresh token is used (and so
   * renewed) every day. Throws KeapAccessError when Keap refused the refresh token.
   */
  keepAlive(maxAgeMs: number): KeepAliveResult {
    try {
      return this.underLock(() => {
        const stored = asKeapToken(this.deps.service.getToken(true));
        if (!stored) return 'not-connected';
        if (!isTokenOlderThan(stored, maxAgeMs, this.deps.now())) return 'fresh';
        this.refreshHoldingLock();
        return 'refreshed';
      });
    } catch (error) {
      if (error instanceof KeapUnavailableError) return 'retry-later';
      throw error;
    }
  }

  private refreshHoldingLock(): void {
    try {
      this.deps.service.refresh();
    } catch (error) {
      throw this.refreshFailure(error);
    }
  }

  private refreshFailure(error: unknown): Error {
    const failure = classifyRefreshFailure(error);
    if (!failure.lost)
      return new KeapUnavailableError({ kind: 'connection', fault: failure.fault });
    this.deps.onLost(failure.problem);
    return new KeapAccessError(failure.problem);
  }

  private underLock<T>(work: () => T): T {
    return withWaitedLock(this.deps.lock, TOKEN_LOCK_WAIT_MS, work, () => {
      throw new KeapUnavailableError({ kind: 'connection', fault: { kind: 'lock-busy' } });
    });
  }
}
