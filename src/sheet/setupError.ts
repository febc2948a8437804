/**
 * A problem with the spreadsheet's layout, in words for the person who owns it. Pure: the
 * row parser raises it and the tab adapter too, so it lives apart from both.
 */
export class SheetSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SheetSetupError';
  }
}
