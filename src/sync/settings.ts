/**
 * The sync's settings belong to the spreadsheet: which tab, and what its headers are called.
 * They are kept IN it (one developer metadata record, see SharedSettingsRecord), so every run
 * that opens the spreadsheet, unattended or not, reads the same current values. Earlier
 * versions kept them in document properties, copied into each user's properties: those are
 * carried into the record once and not read again. Reading is forgiving (defaults fill
 * gaps); saving validates, against the sheet's own headers.
 */
import { cellText } from '../sheet/cells';
import {
  DEFAULT_HEADER_NAMES,
  KEAP_EMAIL_STATUS_HEADER,
  LAST_SYNCED_HEADER,
  matchHeaders,
  normalizeHeader,
  SYNC_STATUS_HEADER,
  type InputHeaderNames,
} from '../sheet/headers';
import { perField, SYNCED_FIELD_KEYS } from '../sheet/fields';
import { SYNC_RECORD_HEADER } from '../sheet/syncRecord';
import { readJson, type KeyValueStore } from './ports';
import { settingsProblemWords, sheetSetupWords } from './statusText';

export interface SyncSettings {
  /** Tab to read; '' means "Contacts", else the first tab. */
  sheetName: string;
  headers: InputHeaderNames;
  /**
   * The Keap Email Status column (src/sync/keapStatusColumn.ts). Absent: never chosen, which
   * means on for a sheet the add-on has not synced yet and off for one synced by a version
   * before the column existed (keapStatusColumn.ts decides from the sheet's columns).
   */
  keapEmailStatus?: boolean;
}

export const SETTINGS_KEY = 'keapSync.settings';
const MAX_NAME_LENGTH = 100;

export function defaultSettings(): SyncSettings {
  return { sheetName: '', headers: { ...DEFAULT_HEADER_NAMES } };
}

/** How the messages name each synced field (src/sheet/fields.ts). */
const HEADER_LABELS: Record<keyof InputHeaderNames, string> = perField((field) => field.label);

function text(value: unknown): string | null {
  return typeof value === 'string' ? value.trim() : null;
}

/** Stored settings merged over the defaults; anything unreadable falls back to its default. */
export function readSettings(store: KeyValueStore): SyncSettings {
  return settingsOf(readJson<Partial<SyncSettings>>(store, SETTINGS_KEY));
}

function settingsOf(stored: Partial<SyncSettings> | null): SyncSettings {
  const settings = defaultSettings();
  if (!stored || typeof stored !== 'object') return settings;
  settings.sheetName = text(stored.sheetName) ?? '';
  const headers = (stored.headers ?? {}) as Partial<Record<keyof InputHeaderNames, unknown>>;
  for (const field of SYNCED_FIELD_KEYS) {
    const name = text(headers[field]);
    if (name) settings.headers[field] = name;
  }
  if (typeof stored.keapEmailStatus === 'boolean')
    settings.keapEmailStatus = stored.keapEmailStatus;
  return settings;
}

/** The columns the add-on writes: never a column to read from. */
const OWN_COLUMNS = [
  SYNC_STATUS_HEADER,
  LAST_SYNCED_HEADER,
  SYNC_RECORD_HEADER,
  KEAP_EMAIL_STATUS_HEADER,
];

export interface CheckedSettings {
  settings: SyncSettings;
  errors: string[];
  /** The header fields given a name; the others were left empty and use their default. */
  chosen: (keyof InputHeaderNames)[];
}

/**
 * Checks the shape of settings sent by the sidebar: names short, distinct, none of the
 * add-on's own columns. An empty (or absent) name means "the default".
 */
export function validateSettingsInput(input: unknown): CheckedSettings {
  const errors: string[] = [];
  const chosen: (keyof InputHeaderNames)[] = [];
  const settings = defaultSettings();
  const raw = (input && typeof input === 'object' ? input : {}) as {
    sheetName?: unknown;
    headers?: Record<string, unknown>;
    keapEmailStatus?: unknown;
  };
  if (typeof raw.keapEmailStatus === 'boolean') settings.keapEmailStatus = raw.keapEmailStatus;
  else if (raw.keapEmailStatus !== undefined && raw.keapEmailStatus !== null)
    errors.push(settingsProblemWords({ kind: 'keap-email-status-not-on-or-off' }));
  const sheetName =
    raw.sheetName === undefined || raw.sheetName === null ? '' : text(raw.sheetName);
  if (sheetName === null) errors.push(settingsProblemWords({ kind: 'tab-name-not-text' }));
  else if (sheetName.length > MAX_NAME_LENGTH)
    errors.push(settingsProblemWords({ kind: 'tab-name-too-long' }));
  else settings.sheetName = sheetName;

  const headers = raw.headers && typeof raw.headers === 'object' ? raw.headers : {};
  const own = new Set(OWN_COLUMNS.map(normalizeHeader));
  for (const field of SYNCED_FIELD_KEYS) {
    const value = headers[field];
    if (value === undefined || value === null) continue;
    const name = text(value);
    const label = HEADER_LABELS[field];
    if (name === '') continue;
    if (name === null || normalizeHeader(name) === '') {
      errors.push(settingsProblemWords({ kind: 'header-without-letters', label }));
    } else if (name.length > MAX_NAME_LENGTH) {
      errors.push(settingsProblemWords({ kind: 'header-too-long', label }));
    } else if (own.has(normalizeHeader(name))) {
      errors.push(settingsProblemWords({ kind: 'header-is-written-column', header: name, label }));
    } else {
      settings.headers[field] = name;
      chosen.push(field);
    }
  }
  const seen = new Map<string, string>();
  for (const field of SYNCED_FIELD_KEYS) {
    const normalized = normalizeHeader(settings.headers[field]);
    const other = seen.get(normalized);
    if (other) {
      const label = HEADER_LABELS[field];
      errors.push(settingsProblemWords({ kind: 'same-header', label, other }));
    }
    seen.set(normalized, HEADER_LABELS[field]);
  }
  return { settings, errors, chosen };
}

/**
 * Checked settings against the tab's row 1, before they are kept: every column a person
 * chose must be there (an empty choice, or the default name, is the default, which the sync
 * may do without, as it always has), and the sync must find what it needs (something to
 * sync, and an id or an email to say who: headers.ts matchHeaders).
 */
export function checkAgainstHeaderRow(
  checked: CheckedSettings,
  headerRow: readonly unknown[],
  tabName: string,
): string[] {
  const present = new Set(headerRow.map(normalizeHeader));
  const errors: string[] = [];
  for (const field of checked.chosen) {
    const name = checked.settings.headers[field];
    // 'Contact ID' chosen by name is the default, which a tab matched by email does without.
    const isDefault = normalizeHeader(name) === normalizeHeader(DEFAULT_HEADER_NAMES[field]);
    if (field === 'contactId' && isDefault) continue;
    if (!present.has(normalizeHeader(name))) {
      const label = HEADER_LABELS[field];
      errors.push(
        settingsProblemWords({ kind: 'column-missing', tab: tabName, header: name, label }),
      );
    }
  }
  if (errors.length > 0) return errors;
  const match = matchHeaders(headerRow, checked.settings.headers, tabName);
  return match.ok ? [] : [sheetSetupWords(match.problem)];
}

/** What the sidebar's settings form offers: the tabs, and the headers of one tab's row 1. */
export interface SettingsChoices {
  /** False when the tab asked for cannot be read (errors say why); tabs are listed anyway. */
  ok: boolean;
  errors: string[];
  /** The spreadsheet's tabs, but the add-on's own. */
  tabs: string[];
  /** The tab whose headers are listed ('' when none). */
  tab: string;
  /** Row 1's headers, as written, but empty cells, duplicates and the add-on's own columns. */
  headers: string[];
  /** What an empty choice means. */
  defaults: { sheetName: string; headers: InputHeaderNames };
}

/** Enough for any real sheet, and a bound on what one answer carries to the browser. */
export const MAX_CHOICES = 200;

export function settingsChoicesOf(
  tabs: readonly string[],
  tab: { name: string; headerRow: readonly unknown[] } | { error: string },
  defaultTab: string,
): SettingsChoices {
  const own = new Set(OWN_COLUMNS.map(normalizeHeader));
  const headers: string[] = [];
  const seen = new Set<string>();
  for (const cell of 'headerRow' in tab ? tab.headerRow : []) {
    const name = cellText(cell).trim();
    const key = normalizeHeader(name);
    if (key === '' || name.length > MAX_NAME_LENGTH || own.has(key) || seen.has(key)) continue;
    seen.add(key);
    headers.push(name);
    if (headers.length >= MAX_CHOICES) break;
  }
  const ok = !('error' in tab);
  return {
    ok,
    errors: 'error' in tab ? [tab.error] : [],
    tabs: tabs.filter((name) => name.length <= MAX_NAME_LENGTH).slice(0, MAX_CHOICES),
    tab: 'name' in tab ? tab.name : '',
    headers,
    defaults: { sheetName: defaultTab, headers: { ...DEFAULT_HEADER_NAMES } },
  };
}

export function storeSettings(store: KeyValueStore, settings: SyncSettings): void {
  store.setProperty(SETTINGS_KEY, JSON.stringify(settings));
}

/** The spreadsheet's own record of its settings (a developer metadata value). */
export interface SharedSettingsRecord {
  /** The stored text; null when the spreadsheet has no record yet. */
  read(): string | null;
  write(text: string): void;
}

/** Where earlier versions kept the settings; each null when this run cannot reach it. */
export interface EarlierSettings {
  /** The spreadsheet's document properties (out of reach in an add-on's unattended run). */
  documents: KeyValueStore | null;
  /** This user's copy, under `key`. */
  mirror: { store: KeyValueStore; key: string } | null;
}

interface StoredSettings extends Partial<SyncSettings> {
  /**
   * Carried from one user's copy by a run that could not reach the document properties: the
   * next run that can reach them lets what they hold win.
   */
  fromCopy?: boolean;
}

function parseStored(text: string | null): StoredSettings | null {
  if (text === null || text === '') return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as StoredSettings) : null;
  } catch {
    return null;
  }
}

function recordText(settings: SyncSettings, fromCopy: boolean): string {
  return JSON.stringify(fromCopy ? { ...settings, fromCopy: true } : settings);
}

/**
 * The settings every run of this spreadsheet sees: the record in the spreadsheet. Without one
 * (a spreadsheet set up by an earlier version), the document properties, else this user's
 * copy, are carried into it once and then removed, so they are never read as the truth
 * again. A record that cannot be written leaves them where they were: nothing is lost.
 */
export function loadSharedSettings(
  record: SharedSettingsRecord,
  earlier: EarlierSettings,
): SyncSettings {
  const stored = parseStored(record.read());
  // Copies left by earlier versions are not looked at again (no cost on every run).
  if (stored && !stored.fromCopy) return settingsOf(stored);
  const fromDocument = earlier.documents
    ? readJson<StoredSettings>(earlier.documents, SETTINGS_KEY)
    : null;
  if (fromDocument) return carry(record, settingsOf(fromDocument), false, earlier);
  // The document properties are reachable and hold nothing: a carried copy is the truth now.
  if (stored) {
    return earlier.documents
      ? carry(record, settingsOf(stored), false, earlier)
      : settingsOf(stored);
  }
  const fromMirror = earlier.mirror
    ? readJson<StoredSettings>(earlier.mirror.store, earlier.mirror.key)
    : null;
  if (fromMirror) return carry(record, settingsOf(fromMirror), earlier.documents === null, earlier);
  return defaultSettings();
}

function carry(
  record: SharedSettingsRecord,
  settings: SyncSettings,
  fromCopy: boolean,
  earlier: EarlierSettings,
): SyncSettings {
  try {
    record.write(recordText(settings, fromCopy));
  } catch {
    // Not carried this time: the earlier copies stay, and the next run tries again.
    return settings;
  }
  if (!fromCopy) forgetEarlier(earlier);
  else deleteQuietly(earlier.mirror?.store, earlier.mirror?.key);
  return settings;
}

/** Saved from the sidebar: the record holds them; copies of earlier versions are gone. */
export function saveSharedSettings(
  record: SharedSettingsRecord,
  settings: SyncSettings,
  earlier: EarlierSettings,
): void {
  record.write(recordText(settings, false));
  forgetEarlier(earlier);
}

function forgetEarlier(earlier: EarlierSettings): void {
  if (earlier.documents && earlier.documents.getProperty(SETTINGS_KEY) !== null) {
    deleteQuietly(earlier.documents, SETTINGS_KEY);
  }
  if (earlier.mirror && earlier.mirror.store.getProperty(earlier.mirror.key) !== null) {
    deleteQuietly(earlier.mirror.store, earlier.mirror.key);
  }
}

function deleteQuietly(store: KeyValueStore | undefined, key: string | undefined): void {
  if (!store || key === undefined) return;
  try {
    store.deleteProperty(key);
  } catch {
    // Left behind, it is not read while the record exists.
  }
}
