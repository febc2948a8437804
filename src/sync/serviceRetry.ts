/**
 * Google's transient service errors and their retry live in src/connection/serviceRetry.ts
 * (the connection retries its token reads too, and must not import from the sync).
 */
export {
  isTransientServiceError,
  SERVICE_RETRY_PAUSES_MS,
  withServiceRetry,
} from '../connection/serviceRetry';
