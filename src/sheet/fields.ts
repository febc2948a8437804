/**
 * THE table of synced fields: the columns of the contacts tab the sync reads, one row each.
 * Everything that names these columns derives from it: the header defaults and matching
 * (headers.ts), a row's key, blankness, parsed request and the written-column check
 * (rowParsing.ts), which parser reads each cell (cellParsers.ts: one per field), the
 * fingerprint (src/sync/fingerprint.ts), the settings' names and checks (src/sync/settings.ts),
 * the saveSettings argument check (src/entry/callArguments.ts), the sidebar state and the
 * sidebar's settings form (src/ui/sidebarState.ts hands the form its rows), the words of a
 * row's change ("phone changed to …", src/sync/statusText.ts). A field synced into a Keap
 * contact value is named once more, by the mapping (src/sync/contactMapping.ts). Pure data, no
 * imports: adding a field starts here (docs/ARCHITECTURE.md, "Adding a synced field").
 */
export const SYNCED_FIELDS = [
  {
    key: 'contactId',
    /** The column's usual name in row 1 (what an empty setting means). */
    header: 'Contact ID',
    /** How the settings' messages name the field. */
    label: 'Contact ID',
    /** The label of its list in the sidebar's settings form. */
    formLabel: 'Contact ID column',
    /** Its value in a parsed row (RowRequest, rowParsing.ts). */
    requestKey: 'contactId',
    /** How it counts in a row's fingerprint (src/sync/fingerprint.ts). */
    fingerprint: 'number',
    /** 'optedOut': read, and counted, only when the row opts out. */
    readWhen: 'always',
  },
  {
    key: 'email',
    header: 'Email',
    label: 'Email',
    formLabel: 'Email column',
    requestKey: 'email',
    fingerprint: 'text',
    readWhen: 'always',
  },
  {
    key: 'optOut',
    header: 'Opt Out',
    label: 'Opt Out',
    formLabel: 'Opt-out column',
    requestKey: 'optOut',
    fingerprint: 'flag',
    readWhen: 'always',
  },
  {
    key: 'optOutReason',
    header: 'Opt Out Reason',
    label: 'Opt Out Reason',
    formLabel: 'Opt-out reason column',
    requestKey: 'reason',
    fingerprint: 'text',
    /** A reason without an opt-out asks for nothing. */
    readWhen: 'optedOut',
  },
] as const satisfies readonly SyncedField[];

/** How a field's value counts in a row's fingerprint: as is, text ('' for none), 1 or 0. */
export type FingerprintPart = 'number' | 'text' | 'flag';

export interface SyncedField {
  key: string;
  header: string;
  label: string;
  formLabel: string;
  requestKey: string;
  fingerprint: FingerprintPart;
  readWhen: 'always' | 'optedOut';
}

export type SyncedFieldKey = (typeof SYNCED_FIELDS)[number]['key'];

/** The fields' keys in the table's order. */
export const SYNCED_FIELD_KEYS: readonly SyncedFieldKey[] = SYNCED_FIELDS.map((field) => field.key);

/** One value per synced field, built in the table's order. */
export function perField<T>(valueOf: (field: (typeof SYNCED_FIELDS)[number]) => T): {
  [K in SyncedFieldKey]: T;
} {
  const values = {} as { [K in SyncedFieldKey]: T };
  for (const field of SYNCED_FIELDS) values[field.key] = valueOf(field);
  return values;
}
