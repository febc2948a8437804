import type { WireResponse } from '../support/wire';
import { jsonResponse } from './responses';
import type { Tenant } from './tenant';

/** GET .../oauth/connect/userinfo: who the credential belongs to. */

/** REST v1 shape (field names from Keap's v1 docs and SDKs; unconfirmed in detail). */
export function userinfoV1(tenant: Tenant): WireResponse {
  const u = tenant.user;
  return jsonResponse(200, {
    email: u.email,
    family_name: u.familyName,
    given_name: u.givenName,
    global_user_id: u.id,
    infusionsoft_id: u.email,
    middle_name: '',
    preferred_name: u.givenName,
    sub: String(u.id),
  });
}

/** REST v2 shape: spec components/schemas/GetUserInfoResponse. */
export function userinfoV2(tenant: Tenant): WireResponse {
  const u = tenant.user;
  return jsonResponse(200, {
    email: u.email,
    sub: String(u.id),
    id: String(u.id),
    keap_id: u.email,
    family_name: u.familyName,
    given_name: u.givenName,
    is_admin: true,
    tenant_id: tenant.name,
  });
}
