type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

/**
 * Adds one of the add-on's own tabs at the end without leaving the person on it
 * (insertSheet makes the new tab the active one). Runs once per spreadsheet.
 */
export function insertTabQuietly(spreadsheet: Spreadsheet, name: string): Sheet {
  const active = spreadsheet.getActiveSheet();
  const sheet = spreadsheet.insertSheet(name, spreadsheet.getNumSheets());
  if (active) active.activate();
  return sheet;
}
