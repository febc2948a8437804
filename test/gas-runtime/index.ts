/** The local Apps Script runtime: see README.md in this folder. */
export { VirtualClock, DEFAULT_START_MS } from './clock';
export {
  AppsScriptRuntime,
  DEFAULT_SCRIPT_ID,
  INVALID_STATE_MESSAGE,
  notCallableFromBrowser,
  type RuntimeOptions,
  type ExecutionResult,
} from './runtime';
export {
  DEFAULT_USER,
  TIME_LIMIT_MESSAGE,
  SERVICE_ERROR_MESSAGE,
  type ExecutionContext,
  type AuthMode,
} from './execution';
export { addLedgers, requestKey, emptyLedger, type Ledger } from './ledger';
export { SheetHandle } from './sheetHandle';
export { MAX_METADATA_CHARACTERS } from './sheetModel';
export type { CellValue, DeveloperMetadataRecord, MetadataVisibility } from './sheetModel';
export type { UiEvent, MenuEntry } from './ui';
export type { TriggerInfo, Schedule } from './triggers';
export type { LogRecord } from './logging';
export type { SentMail } from './mail';
export type { RecordedRequest } from './urlFetch';
export type { Faults } from './host';
export { LOCK_TIMEOUT_MESSAGE } from './locks';
export {
  MAX_VALUE_BYTES,
  MAX_STORE_BYTES,
  STORE_QUOTA_MESSAGE,
  SERVER_ERROR_MESSAGE,
} from './properties';
export { MAX_URL_LENGTH, formEncode } from './urlFetch';
export { standardRedirectUri, OAUTH2_LIBRARY_PATH } from './libraries';
export { createHttpWire, type HttpWire, type HttpWireOptions } from './httpWire';
