import { KEAP_XML_RPC_URL } from '../../../src/keap/config';
import {
  isOptedOutStatus,
  OPTED_OUT_STATUSES,
  optOutRequest,
  readOptOutAnswer,
} from '../../../src/keap/optOut';
import { decodeMethodResponse } from '../../../src/keap/xmlRpc';

function paramsOf(body: string): unknown[] {
  return [...body.matchAll(/<param>(<value>[\s\S]*?<\/value>)<\/param>/g)].map((m) => {
    const answer = decodeMethodResponse(
      `<methodResponse><params><param>${m[1]}</param></params></methodResponse>`,
    );
    return answer.kind === 'value' ? answer.value : null;
  });
}

const TRUE_ANSWER =
  '<?xml version="1.0"?><methodResponse><params><param><value><boolean>1</boolean></value></param></params></methodResponse>';

describe('opting an email out', () => {
  it('posts APIEmailService.optOut as XML with a placeholder key, the email and the reason', () => {
    const request = optOutRequest('a&b@x.com', '  Asked by phone <2026>  ');
    expect(request.method).toBe('post');
    expect(request.url).toBe(KEAP_XML_RPC_URL);
    expect(request.contentType).toBe('text/xml');
    const body = request.body ?? '';
    expect(body).toContain('<methodName>APIEmailService.optOut</methodName>');
    const [key, email, reason] = paramsOf(body);
    expect(typeof key).toBe('string');
    expect(key).not.toBe('');
    expect(email).toBe('a&b@x.com');
    expect(reason).toBe('Asked by phone <2026>');
  });

  it('gives a reason when the sheet gave none', () => {
    const [, , reason] = paramsOf(optOutRequest('a@x.com', '   ').body ?? '');
    expect(reason).toMatch(/\w+/);
  });

  it('reads true as done, and false or a fault as plain-worded failures', () => {
    expect(readOptOutAnswer(TRUE_ANSWER)).toEqual({ ok: true });
    const no = readOptOutAnswer(TRUE_ANSWER.replace('<boolean>1', '<boolean>0'));
    expect(no).toEqual({ ok: false, error: expect.stringMatching(/did not opt out/) });
    const fault = readOptOutAnswer(
      '<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>8</int></value></member>' +
        '<member><name>faultString</name><value>Email not found</value></member></struct></value></fault></methodResponse>',
    );
    expect(fault).toEqual({ ok: false, error: 'Keap refused the opt-out: Email not found' });
    expect(readOptOutAnswer('<html>oops</html>')).toEqual({
      ok: false,
      error: expect.stringMatching(/could not read/),
    });
  });
});

describe('which Keap statuses count as opted out', () => {
  it.each([
    'LOCKDOWN',
    'BOUNCE',
    'HARD_BOUNCE',
    'MANUAL',
    'ADMIN',
    'SYSTEM',
    'LIST_UNSUBSCRIBE',
    'FEEDBACK',
    'SPAM',
    'INVALID',
    'DEACTIVATED',
  ])('%s is opted out', (status) => {
    expect(isOptedOutStatus(status)).toBe(true);
  });

  it.each([
    'UNENGAGED_MARKETABLE',
    'SINGLE_OPT_IN',
    'DOUBLE_OPT_IN',
    'CONFIRMED',
    'UNENGAGED_NON_MARKETABLE',
    'NON_MARKETABLE',
  ])('%s is not opted out', (status) => {
    expect(isOptedOutStatus(status)).toBe(false);
  });

  it('has exactly the eleven opted-out statuses', () => {
    expect(OPTED_OUT_STATUSES.size).toBe(11);
  });
});
