/**
 * A row Keap refused says when it is tried again ("... Trying again on Mon, Dec 7, or when
 * the row is edited": en-US, the year only when not this year, e.g. "Fri, Jan 1, 2027"). Tests about other things compare statuses with the day written
 * as <day>; test/e2e/sync-row-retry.test.ts checks the days themselves.
 */
const NEXT_TRY =
  /\. Trying again on [A-Z][a-z]{2}, [A-Z][a-z]{2} \d{1,2}(, \d{4})?, or when the row is edited$/;

/** The status as a test writes it: any day of the next try as <day>. */
export function withAnyDay(status: unknown): unknown {
  return typeof status === 'string'
    ? status.replace(NEXT_TRY, '. Trying again on <day>, or when the row is edited')
    : status;
}

/** The status of a row Keap refused (`error` as Keap's words put it), tried again on some day. */
export function triedAgain(error: string): string {
  return `${error}. Trying again on <day>, or when the row is edited`;
}
