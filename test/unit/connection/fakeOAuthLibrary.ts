/**
 * Just enough of the OAuth2 library (v43) and Keap's token endpoint to replay the rotation
 * trap in a unit test: a token store shared by "executions", each with its own memory copy
 * (as the library keeps one per execution), a user lock, and a Keap that rotates the
 * refresh token on every refresh and refuses an old one with invalid_grant.
 */
import type { TokenLock, TokenService } from '../../../src/connection/tokenAccess';

export interface StoredToken {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  expiresAt: number;
  scope: string;
}

export class FakeKeap {
  nowSeconds = 1_800_000_000;
  stored: StoredToken | null = null;
  lockHolder: FakeExecution | null = null;
  refreshCalls: string[] = [];
  /** Set to make the token endpoint fail without an answer Keap meant (HTML error page). */
  outage = false;
  private generation = 0;
  private validRefreshToken = '';

  connect(ageSeconds = 0): void {
    this.issue(ageSeconds);
  }

  tokenEndpoint(refreshToken: string): StoredToken {
    this.refreshCalls.push(refreshToken);
    if (this.outage)
      throw new Error('Token response not valid JSON: SyntaxError: Unexpected token <');
    if (refreshToken !== this.validRefreshToken) {
      throw new Error('Error retrieving token: invalid_grant, Invalid refresh token');
    }
    return this.issue(0);
  }

  private issue(ageSeconds: number): StoredToken {
    this.generation += 1;
    this.validRefreshToken = `refresh-${this.generation}`;
    const token = {
      access_token: `access-${this.generation}`,
      refresh_token: this.validRefreshToken,
      expires_in: 86400,
      expiresAt: this.nowSeconds - ageSeconds + 86400,
      scope: 'full|xy123.infusionsoft.com',
    };
    this.stored = { ...token };
    return token;
  }
}

/** One Apps Script execution: its own library memory and its own Lock object. */
export class FakeExecution implements TokenService {
  private memory: StoredToken | null = null;
  private lastError: unknown;
  readonly lock: TokenLock & { hasLock(): boolean };

  constructor(private readonly keap: FakeKeap) {
    let held = false;
    this.lock = {
      waitLock: () => {
        if (keap.lockHolder && keap.lockHolder !== this) throw new Error('Lock timeout');
        keap.lockHolder = this;
        held = true;
      },
      releaseLock: () => {
        if (held) keap.lockHolder = null;
        held = false;
      },
      hasLock: () => held,
    };
  }

  getToken(skipMemory?: boolean): object | null {
    if (!skipMemory && this.memory) return { ...this.memory };
    this.memory = this.keap.stored ? { ...this.keap.stored } : null;
    return this.memory ? { ...this.memory } : null;
  }

  hasAccess(): boolean {
    let token = this.getToken() as StoredToken | null;
    if (token && !this.isExpired(token)) return true;
    if (!token) return false;
    return this.lockable(() => {
      token = this.getToken(true) as StoredToken | null;
      if (token && !this.isExpired(token)) return true;
      try {
        this.refresh();
        return true;
      } catch (error) {
        this.lastError = error;
        return false;
      }
    });
  }

  /** Like the library: refreshes with this execution's memory copy, no re-read. */
  refresh(): void {
    this.lockable(() => {
      const token = this.getToken() as StoredToken;
      const fresh = this.keap.tokenEndpoint(token.refresh_token);
      this.keap.stored = { ...fresh };
      this.memory = { ...fresh };
    });
  }

  getLastError(): unknown {
    return this.lastError;
  }

  private isExpired(token: StoredToken): boolean {
    return token.expiresAt - this.keap.nowSeconds < 60;
  }

  private lockable<T>(work: () => T): T {
    const mine = !this.lock.hasLock();
    if (mine) this.lock.waitLock(30000);
    try {
      return work();
    } finally {
      if (mine) this.lock.releaseLock();
    }
  }
}
