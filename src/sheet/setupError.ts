/**
 * A problem with the spreadsheet's layout, as a code and the names it concerns: the words for
 * the person who owns it are chosen in src/sync/statusText.ts (`sheetSetupWords`). Pure: the
 * row parser raises it and the tab adapter too, so it lives apart from both.
 */
export type SheetSetupProblem =
  /** The settings name a tab the spreadsheet does not have. */
  | { kind: 'no-such-tab'; tab: string }
  /** The settings name one of the add-on's own tabs (the log, the old state). */
  | { kind: 'own-tab'; tab: string }
  /** No setting, no 'Contacts' tab, and no tab but the add-on's own. */
  | { kind: 'no-tab' }
  /** Row 1 has neither the email nor the opt-out column (headers as chosen). */
  | { kind: 'nothing-to-sync'; tab: string; email: string; optOut: string }
  /** Row 1 has neither the contact id nor the email column. */
  | { kind: 'nobody-to-match'; tab: string; contactId: string; email: string }
  /** An input column is set to a column the add-on writes (`label`: the field's label). */
  | { kind: 'written-column'; label: string; header: string };

export class SheetSetupError extends Error {
  constructor(readonly problem: SheetSetupProblem) {
    // For developers only: the words are chosen from `problem`.
    super(`sheet setup: ${problem.kind}`);
    this.name = 'SheetSetupError';
  }
}
