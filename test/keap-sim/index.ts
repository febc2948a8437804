/** The Keap simulator: OAuth, REST v2 (spec-validated), REST v1 userinfo, XML-RPC, throttles, faults. */
export { KeapSimulator } from './simulator';
export type { ContactView, KeapSimulatorOptions, SimRequestLog, SimStats } from './simulator';
export { DEFAULT_KEAP_LIMITS, type KeapLimits } from './limits';
export type { Fault, FaultEffect, FaultTarget } from './faults';
export type { RouteName } from './routes';
export type { TokenKind } from './auth';
export type { OAuthClient } from './oauth';
export { EMAIL_STATUSES, API_OPT_OUT_STATUS, type EmailStatus } from './emailStatus';
export { applySeed, type SimSeed, type TenantSeed, type SeededKey } from './seed';
export type { RunningServer } from './httpServer';
export { AUTHORIZE_PATH, DECISION_FIELD, TENANT_FIELD } from './consentPage';
export { methodCallXml, type XmlRpcValue } from './xmlrpcCodec';
export {
  DEFAULT_OPT_OUT_MODES,
  REST_OPT_OUT_MODES,
  XML_RPC_MODES,
  XML_RPC_SUNSET_MS,
  isRestOptOutMode,
  isXmlRpcMode,
  type OptOutModes,
  type RestOptOutMode,
  type XmlRpcMode,
} from './optOutModes';
