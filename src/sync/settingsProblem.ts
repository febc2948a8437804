/**
 * Why settings sent by the sidebar are refused, as a code and the names it concerns (`label`:
 * the field's label in the form). settings.ts decides them; statusText.ts
 * `settingsProblemWords` words them (a module of its own, so the two do not import each other).
 */
export type SettingsProblem =
  | { kind: 'keap-email-status-not-on-or-off' }
  | { kind: 'tab-name-not-text' }
  | { kind: 'tab-name-too-long' }
  | { kind: 'header-without-letters'; label: string }
  | { kind: 'header-too-long'; label: string }
  /** The name of a column the add-on writes, chosen for an input field. */
  | { kind: 'header-is-written-column'; header: string; label: string }
  | { kind: 'same-header'; label: string; other: string }
  /** A chosen column row 1 of the tab does not have. */
  | { kind: 'column-missing'; tab: string; header: string; label: string };
