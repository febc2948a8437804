/**
 * ScriptApp.newStateToken(): the opaque `state` of an OAuth redirect. The registry maps a
 * token to the function to run, its arguments and its expiry; `userCallback` on the runtime
 * looks tokens up here and refuses unknown or expired ones before running anything.
 */
export const DEFAULT_TOKEN_SECONDS = 60;
export const MAX_TOKEN_SECONDS = 3600;

export interface StateTokenRecord {
  method: string;
  args: Record<string, string>;
  expiresAt: number;
  createdBy: string;
}

export class StateTokenRegistry {
  private readonly tokens = new Map<string, StateTokenRecord>();

  issue(record: StateTokenRecord, random: () => number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let token = 'ADEpC6';
    for (let i = 0; i < 120; i++) token += alphabet[Math.floor(random() * alphabet.length)];
    this.tokens.set(token, record);
    return token;
  }

  /** The live record for a token, or null when unknown or expired. */
  lookup(token: string, now: number): StateTokenRecord | null {
    const record = this.tokens.get(token);
    if (!record || record.expiresAt <= now) return null;
    return record;
  }
}
