/**
 * The cost model every number of the benchmark is measured under, in one place, and the
 * lines that state it at the top of the output. Sources: bench/README.md.
 */
import { DEFAULT_KEAP_LIMITS } from '../test/keap-sim';

export interface CostModel {
  /** Virtual latency of one Keap request (a fetchAll batch costs its slowest request). */
  fetchMs: number;
  /** Virtual latency of one SpreadsheetApp / Spreadsheet / Sheet / Range call. */
  spreadsheetCallMs: number;
  /** Keap's throttle for an OAuth app (client id), requests per rolling minute. */
  keapPerMinute: number;
  /** Keap's spike arrest, requests per rolling second. */
  keapPerSecond: number;
  /** Apps Script stops an execution after this long. */
  executionLimitMs: number;
  /** Summed trigger run time a consumer (gmail.com) account gets per day. */
  dailyTriggerBudgetMs: number;
  /** UrlFetch calls a consumer account may make per day (reported, not enforced). */
  urlFetchPerDay: number;
  /** Whether the simulator checks every REST v2 request against Keap's OpenAPI spec. */
  validateRequests: boolean;
  /** Folder holding the add-on's built Code.js. */
  bundleDir: string;
}

export const MINUTE_MS = 60_000;

export function defaultCostModel(bundleDir: string): CostModel {
  return {
    fetchMs: 300,
    spreadsheetCallMs: 50,
    keapPerMinute: DEFAULT_KEAP_LIMITS.clientPerMinute,
    keapPerSecond: DEFAULT_KEAP_LIMITS.spikePerSecond,
    executionLimitMs: 6 * MINUTE_MS,
    dailyTriggerBudgetMs: 90 * MINUTE_MS,
    urlFetchPerDay: 20_000,
    validateRequests: false,
    bundleDir,
  };
}

export function describeModel(model: CostModel): string[] {
  return [
    'Cost model (virtual time; see bench/README.md for sources)',
    `  Keap request latency     ${model.fetchMs} ms each; UrlFetchApp.fetchAll sends its batch in parallel and costs its slowest request`,
    `  Spreadsheet call         ${model.spreadsheetCallMs} ms each (every SpreadsheetApp, Spreadsheet, Sheet and Range call)`,
    `  Property operations      counted, no latency charged`,
    `  Keap throttle            ${model.keapPerMinute.toLocaleString('en-US')} requests/min per OAuth app, spike arrest ${model.keapPerSecond}/s (simulator defaults); refused requests answer 429`,
    `  Execution limit          ${model.executionLimitMs / MINUTE_MS} min per execution; continuation triggers fire when due (runtime addOnMode off, as in test/e2e)`,
    `  Daily trigger budget     ${model.dailyTriggerBudgetMs / MINUTE_MS} min of summed execution time per day (consumer account)`,
    `  Not modelled             the script's own CPU time (measured in Node and reported apart, not added to the modelled time); daily quotas (UrlFetch ${model.urlFetchPerDay.toLocaleString('en-US')}/day on a consumer account is flagged in the details)`,
    `  Spec validation          ${model.validateRequests ? 'ON: every REST v2 request is checked against Keap’s OpenAPI spec' : 'OFF for speed (the e2e tests validate every REST v2 request against Keap’s OpenAPI spec; run with --validate to check here too)'}`,
    `  Add-on bundle            ${model.bundleDir}/Code.js`,
  ];
}
