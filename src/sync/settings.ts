/**
 * The sync's settings belong to the spreadsheet (document properties): which tab, and what
 * its headers are called. Reading is forgiving (defaults fill gaps); saving validates.
 */
import { DEFAULT_HEADER_NAMES, normalizeHeader, type InputHeaderNames } from '../sheet/headers';
import { readJson, type KeyValueStore } from './ports';

export interface SyncSettings {
  /** Tab to read; '' means "Contacts", else the first tab. */
  sheetName: string;
  headers: InputHeaderNames;
}

export const SETTINGS_KEY = 'keapSync.settings';
const MAX_NAME_LENGTH = 100;

export function defaultSettings(): SyncSettings {
  return { sheetName: '', headers: { ...DEFAULT_HEADER_NAMES } };
}

const HEADER_LABELS: Record<keyof InputHeaderNames, string> = {
  contactId: 'Contact ID',
  email: 'Email',
  optOut: 'Opt Out',
  optOutReason: 'Opt Out Reason',
};

function text(value: unknown): string | null {
  return typeof value === 'string' ? value.trim() : null;
}

/** Stored settings merged over the defaults; anything unreadable falls back to its default. */
export function readSettings(store: KeyValueStore): SyncSettings {
  const stored = readJson<Partial<SyncSettings>>(store, SETTINGS_KEY);
  const settings = defaultSettings();
  if (!stored || typeof stored !== 'object') return settings;
  settings.sheetName = text(stored.sheetName) ?? '';
  const headers = (stored.headers ?? {}) as Partial<Record<keyof InputHeaderNames, unknown>>;
  for (const field of Object.keys(HEADER_LABELS) as (keyof InputHeaderNames)[]) {
    const name = text(headers[field]);
    if (name) settings.headers[field] = name;
  }
  return settings;
}

/** Checks the shape of settings sent by the sidebar: names present, short, distinct. */
export function validateSettingsInput(input: unknown): {
  settings: SyncSettings;
  errors: string[];
} {
  const errors: string[] = [];
  const settings = defaultSettings();
  const raw = (input && typeof input === 'object' ? input : {}) as {
    sheetName?: unknown;
    headers?: Record<string, unknown>;
  };
  const sheetName =
    raw.sheetName === undefined || raw.sheetName === null ? '' : text(raw.sheetName);
  if (sheetName === null) errors.push('The tab name must be text.');
  else if (sheetName.length > MAX_NAME_LENGTH) errors.push('The tab name is too long.');
  else settings.sheetName = sheetName;

  const headers = raw.headers && typeof raw.headers === 'object' ? raw.headers : {};
  for (const field of Object.keys(HEADER_LABELS) as (keyof InputHeaderNames)[]) {
    const value = headers[field];
    if (value === undefined || value === null) continue;
    const name = text(value);
    const label = HEADER_LABELS[field];
    if (name === null || normalizeHeader(name) === '') {
      errors.push(`The header name for '${label}' must contain letters or digits.`);
    } else if (name.length > MAX_NAME_LENGTH) {
      errors.push(`The header name for '${label}' is too long.`);
    } else {
      settings.headers[field] = name;
    }
  }
  const seen = new Map<string, string>();
  for (const field of Object.keys(HEADER_LABELS) as (keyof InputHeaderNames)[]) {
    const normalized = normalizeHeader(settings.headers[field]);
    const other = seen.get(normalized);
    if (other) {
      errors.push(`'${HEADER_LABELS[field]}' and '${other}' cannot use the same header name.`);
    }
    seen.set(normalized, HEADER_LABELS[field]);
  }
  return { settings, errors };
}

export function storeSettings(store: KeyValueStore, settings: SyncSettings): void {
  store.setProperty(SETTINGS_KEY, JSON.stringify(settings));
}
