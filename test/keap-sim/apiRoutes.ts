import type { WireRequest, WireResponse } from '../support/wire';
import { textResponse, v1Error, v2Error } from './responses';
import { getContact, listContacts, patchContact, type RestContext } from './restContacts';
import {
  getEmailAddressStatus,
  listEmailAddresses,
  updateEmailAddressStatus,
} from './restEmailAddresses';
import type { Route } from './routes';
import { MEDIA_TYPE_ERROR, type SpecCheck } from './specValidator';
import { userinfoV1, userinfoV2 } from './userinfo';
import { answerXmlRpc, isXmlContentType, type ParsedXmlRpc } from './xmlrpc';

/** An authenticated, admitted API call: REST v1, REST v2 or XML-RPC, by route. */
export function answerApiCall(
  req: WireRequest,
  route: Route,
  ctx: RestContext,
  spec: SpecCheck | undefined,
  xmlrpc: ParsedXmlRpc | undefined,
): WireResponse {
  if (spec && spec.errors.length > 0) {
    if (!spec.operationId) return v2Error(404, `No such endpoint: ${req.method} ${route.specPath}`);
    if (spec.errors[0].startsWith(MEDIA_TYPE_ERROR)) return v2Error(415, spec.errors[0]);
    return v2Error(400, `Invalid request: ${spec.errors.join('; ')}`);
  }
  switch (route.name) {
    case 'userinfo':
      return userinfoV1(ctx.tenant);
    case 'userinfo.v2':
      return userinfoV2(ctx.tenant);
    case 'contacts.list':
      return listContacts(ctx);
    case 'contacts.get':
      return getContact(ctx);
    case 'contacts.patch':
      return patchContact(ctx);
    case 'emailAddresses.list':
      return listEmailAddresses(ctx);
    case 'emailAddresses.status':
      return getEmailAddressStatus(ctx);
    case 'emailAddresses.updateStatus':
      return updateEmailAddressStatus(ctx);
    case 'rest.v1.other':
      return v1Error(
        501,
        `The Keap simulator does not implement ${req.method} ${new URL(req.url).pathname}`,
      );
    case 'rest.v2.other':
      return spec?.operationId
        ? v2Error(501, `The Keap simulator does not implement ${spec.operationId}`)
        : v2Error(404, `No such endpoint: ${req.method} ${route.specPath}`);
    default:
      if (!xmlrpc) return v2Error(404, 'Not found');
      if (!isXmlContentType(req.headers['content-type'])) {
        return textResponse(415, 'XML-RPC requests must be sent as text/xml', 'text/plain');
      }
      return answerXmlRpc(xmlrpc, ctx.tenant.emails, ctx.now);
  }
}
