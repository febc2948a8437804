import { methodCallXml, parseMethodCall, type XmlRpcValue } from './xmlrpcCodec';
import { API, bearer, call, connect, newSim, TENANT } from './testKit';
import type { KeapSimulator } from './simulator';

const XMLRPC = `${API}/crm/xmlrpc/v1`;
const XML = { 'content-type': 'text/xml' };

function rpc(
  sim: KeapSimulator,
  headers: Record<string, string>,
  method: string,
  params: XmlRpcValue[],
) {
  return call(sim, 'POST', XMLRPC, { ...XML, ...headers }, methodCallXml(method, params));
}

/** Reads a methodResponse the way a client does: the single param, or the fault struct. */
function result(body: string): {
  value?: unknown;
  fault?: { faultCode: number; faultString: string };
} {
  const asCall = body
    .replace('<methodResponse>', '<methodCall><methodName>r</methodName>')
    .replace('</methodResponse>', '</methodCall>');
  if (body.includes('<fault>')) {
    const fault = asCall
      .replace('<fault>', '<params><param>')
      .replace('</fault>', '</param></params>');
    return {
      fault: parseMethodCall(fault).params[0] as { faultCode: number; faultString: string },
    };
  }
  return { value: parseMethodCall(asCall).params[0] };
}

function seeded() {
  const { sim } = newSim();
  sim.addContact(TENANT, { email1: 'ann@x.com' });
  sim.setEmailStatus(TENANT, 'dbl@x.com', 'DOUBLE_OPT_IN');
  return { sim, auth: bearer(connect(sim).access_token) };
}

describe('XML-RPC APIEmailService', () => {
  it('opts an address out with the reason, and getOptStatus then reports 0', () => {
    const { sim, auth } = seeded();
    expect(
      result(rpc(sim, auth, 'APIEmailService.getOptStatus', ['k', 'ann@x.com']).body).value,
    ).toBe(1);
    const r = rpc(sim, auth, 'APIEmailService.optOut', ['k', 'ann@x.com', 'Row 12 said opted out']);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/xml/);
    expect(result(r.body).value).toBe(true);
    expect(sim.emailStatus(TENANT, 'ann@x.com')).toEqual({
      status: 'MANUAL',
      optedIn: false,
      optOutReason: 'Row 12 said opted out',
    });
    expect(
      result(rpc(sim, auth, 'APIEmailService.getOptStatus', ['k', 'ann@x.com']).body).value,
    ).toBe(0);
    expect(sim.stats().byRoute['xmlrpc.optOut']).toBe(1);
  });

  it('reports 2 for a double opt-in and 0 for an address Keap does not know', () => {
    const { sim, auth } = seeded();
    expect(
      result(rpc(sim, auth, 'APIEmailService.getOptStatus', ['k', 'dbl@x.com']).body).value,
    ).toBe(2);
    expect(
      result(rpc(sim, auth, 'APIEmailService.getOptStatus', ['k', 'who@x.com']).body).value,
    ).toBe(0);
  });

  it('works with a Service Account Key instead of a bearer token', () => {
    const { sim } = seeded();
    const key = sim.createApiKey(TENANT, 'SAK');
    const r = rpc(sim, { 'x-keap-api-key': key }, 'APIEmailService.optOut', [
      key,
      'ann@x.com',
      'asked',
    ]);
    expect(result(r.body).value).toBe(true);
    expect(sim.log[sim.log.length - 1].tokenKind).toBe('SAK');
  });

  it('answers a fault for an unknown method and for missing parameters', () => {
    const { sim, auth } = seeded();
    const unknown = result(rpc(sim, auth, 'ContactService.load', ['k', 1]).body);
    expect(unknown.fault?.faultString).toMatch(/ContactService\.load/);
    const short = result(rpc(sim, auth, 'APIEmailService.optOut', ['k', 'ann@x.com']).body);
    expect(typeof short.fault?.faultCode).toBe('number');
    expect(sim.emailStatus(TENANT, 'ann@x.com')?.optedIn).toBe(true);
  });

  it('answers a parse fault for malformed XML', () => {
    const { sim, auth } = seeded();
    const r = call(
      sim,
      'POST',
      XMLRPC,
      { ...XML, ...auth },
      '<methodCall><methodName>x</methodName>',
    );
    expect(r.status).toBe(200);
    expect(result(r.body).fault?.faultString).toMatch(/Parse error/);
  });

  it('parses hand-written XML with untyped strings and whitespace', () => {
    const { sim, auth } = seeded();
    const body = `<?xml version="1.0"?>
<methodCall>
  <methodName>APIEmailService.optOut</methodName>
  <params>
    <param><value>placeholder</value></param>
    <param><value><string>ann@x.com</string></value></param>
    <param><value>Unsubscribed &amp; confirmed</value></param>
  </params>
</methodCall>`;
    expect(result(call(sim, 'POST', XMLRPC, { ...XML, ...auth }, body).body).value).toBe(true);
    expect(sim.emailStatus(TENANT, 'ann@x.com')?.optOutReason).toBe('Unsubscribed & confirmed');
  });

  it('needs credentials and an XML content type', () => {
    const { sim, auth } = seeded();
    expect(rpc(sim, {}, 'APIEmailService.getOptStatus', ['k', 'ann@x.com']).status).toBe(401);
    const asForm = call(
      sim,
      'POST',
      XMLRPC,
      { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      methodCallXml('APIEmailService.getOptStatus', ['k', 'ann@x.com']),
    );
    expect(asForm.status).toBe(415);
  });
});

describe('XML-RPC brownouts and the shutdown (optOutModes.ts)', () => {
  it('brownout: a 503 HTML page, nothing changes; gone: a 404 HTML page; up again: answers', () => {
    const { sim, auth } = seeded();
    sim.setOptOutModes({ xmlRpc: 'brownout' });
    const brownout = rpc(sim, auth, 'APIEmailService.optOut', ['k', 'ann@x.com', 'r']);
    expect(brownout.status).toBe(503);
    expect(brownout.headers['content-type']).toMatch(/text\/html/);
    expect(sim.emailStatus(TENANT, 'ann@x.com')?.status).toBe('SINGLE_OPT_IN');
    sim.setOptOutModes({ xmlRpc: 'gone' });
    const gone = rpc(sim, auth, 'APIEmailService.optOut', ['k', 'ann@x.com', 'r']);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatch(/<html/);
    sim.setOptOutModes({ xmlRpc: 'up' });
    expect(rpc(sim, auth, 'APIEmailService.optOut', ['k', 'ann@x.com', 'r']).status).toBe(200);
    expect(sim.emailStatus(TENANT, 'ann@x.com')?.status).toBe('MANUAL');
  });

  it('is gone from 2027-01-01T00:00Z on the clock, whatever mode was chosen', () => {
    const { sim, clock } = newSim();
    clock.set(Date.UTC(2026, 11, 31, 23, 59, 59));
    sim.addContact(TENANT, { email1: 'ann@x.com' });
    const auth = bearer(connect(sim).access_token);
    expect(rpc(sim, auth, 'APIEmailService.getOptStatus', ['k', 'ann@x.com']).status).toBe(200);
    clock.set(Date.UTC(2027, 0, 1));
    expect(sim.currentOptOutModes()).toEqual({ restOptOut: 'works', xmlRpc: 'gone' });
    expect(rpc(sim, auth, 'APIEmailService.getOptStatus', ['k', 'ann@x.com']).status).toBe(404);
  });
});
