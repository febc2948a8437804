import type { WireMethod } from '../support/wire';

/** Names used in the request log, stats and fault matching. */
export type RouteName =
  | 'token'
  | 'authorize'
  | 'userinfo'
  | 'userinfo.v2'
  | 'contacts.list'
  | 'contacts.get'
  | 'contacts.patch'
  | 'emailAddresses.list'
  | 'emailAddresses.status'
  | 'emailAddresses.updateStatus'
  | 'xmlrpc.optOut'
  | 'xmlrpc.getOptStatus'
  | 'xmlrpc.unknown'
  | 'rest.v2.other'
  | 'rest.v1.other'
  | 'unknown';

export type RouteFamily = 'token' | 'authorize' | 'restV1' | 'restV2' | 'xmlrpc' | 'unknown';

export interface Route {
  name: RouteName;
  family: RouteFamily;
  /** Path parameters, already decoded. */
  params: Record<string, string>;
  /** REST v2 path as the spec writes it (server base /crm stripped), for validation. */
  specPath?: string;
  /** REST v2: the spec's operationId for this route, when the simulator implements it. */
  operationId?: string;
}

export const API_HOSTS = ['api.infusionsoft.com', 'api.keap.com'];
export const AUTHORIZE_HOSTS = ['accounts.infusionsoft.com', 'signin.infusionsoft.com'];
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** False for a host Keap does not serve: the request fails as a DNS error would. */
export function isKnownHost(hostname: string): boolean {
  return [...API_HOSTS, ...AUTHORIZE_HOSTS, ...LOOPBACK_HOSTS].includes(hostname);
}

interface RouteRule {
  method: WireMethod;
  pattern: RegExp;
  name: RouteName;
  family: RouteFamily;
  paramNames?: string[];
  operationId?: string;
}

const V2 = '/crm/rest/v2';
const RULES: RouteRule[] = [
  { method: 'POST', pattern: /^\/token$/, name: 'token', family: 'token' },
  { method: 'GET', pattern: /^\/app\/oauth\/authorize$/, name: 'authorize', family: 'authorize' },
  { method: 'POST', pattern: /^\/app\/oauth\/authorize$/, name: 'authorize', family: 'authorize' },
  {
    method: 'GET',
    pattern: /^\/crm\/rest\/v1\/oauth\/connect\/userinfo$/,
    name: 'userinfo',
    family: 'restV1',
  },
  { method: 'POST', pattern: /^\/crm\/xmlrpc\/v1$/, name: 'xmlrpc.unknown', family: 'xmlrpc' },
  {
    method: 'GET',
    pattern: re(`${V2}/oauth/connect/userinfo`),
    name: 'userinfo.v2',
    family: 'restV2',
    operationId: 'getUserInfo',
  },
  {
    method: 'GET',
    pattern: re(`${V2}/contacts`),
    name: 'contacts.list',
    family: 'restV2',
    operationId: 'listContacts',
  },
  {
    method: 'GET',
    pattern: re(`${V2}/contacts/(\\d+)`),
    name: 'contacts.get',
    family: 'restV2',
    operationId: 'getContact',
    paramNames: ['contact_id'],
  },
  {
    method: 'PATCH',
    pattern: re(`${V2}/contacts/(\\d+)`),
    name: 'contacts.patch',
    family: 'restV2',
    operationId: 'updateContact',
    paramNames: ['contact_id'],
  },
  {
    method: 'GET',
    pattern: re(`${V2}/emailAddresses`),
    name: 'emailAddresses.list',
    family: 'restV2',
    operationId: 'listEmailAddressStatuses',
  },
  {
    method: 'GET',
    pattern: re(`${V2}/emailAddresses/([^/]+)/status`),
    name: 'emailAddresses.status',
    family: 'restV2',
    operationId: 'getEmailAddressStatus',
    paramNames: ['email'],
  },
  {
    method: 'PATCH',
    pattern: re(`${V2}/emailAddresses/([^/]+)/status`),
    name: 'emailAddresses.updateStatus',
    family: 'restV2',
    operationId: 'updateEmailAddressOptStatus',
    paramNames: ['email'],
  },
];

function re(path: string): RegExp {
  return new RegExp(`^${path.replace(/\//g, '\\/')}$`);
}

export function resolveRoute(hostname: string, method: WireMethod, path: string): Route {
  const route = matchRule(method, path);
  if (!servesFamily(hostname, route.family))
    return { name: 'unknown', family: 'unknown', params: {} };
  if (route.family === 'restV2') route.specPath = path.slice('/crm'.length);
  return route;
}

function matchRule(method: WireMethod, path: string): Route {
  for (const rule of RULES) {
    if (rule.method !== method) continue;
    const m = rule.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    (rule.paramNames ?? []).forEach((n, i) => (params[n] = safeDecode(m[i + 1])));
    return { name: rule.name, family: rule.family, params, operationId: rule.operationId };
  }
  if (path.startsWith(`${V2}/`)) return { name: 'rest.v2.other', family: 'restV2', params: {} };
  if (path.startsWith('/crm/rest/v1/'))
    return { name: 'rest.v1.other', family: 'restV1', params: {} };
  return { name: 'unknown', family: 'unknown', params: {} };
}

/** The authorize page lives on the accounts hosts, everything else on the API hosts; loopback serves both. */
function servesFamily(hostname: string, family: RouteFamily): boolean {
  if (LOOPBACK_HOSTS.includes(hostname)) return true;
  if (family === 'authorize') return AUTHORIZE_HOSTS.includes(hostname);
  return API_HOSTS.includes(hostname);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
