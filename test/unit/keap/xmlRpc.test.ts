import {
  decodeMethodResponse,
  encodeMethodCall,
  escapeXml,
  unescapeXml,
  XmlRpcFormatError,
} from '../../../src/keap/xmlRpc';

/** Reads a methodCall back with the same small parser, via a methodResponse wrapper. */
function paramsOf(call: string): unknown[] {
  const params = [...call.matchAll(/<param>(<value>[\s\S]*?<\/value>)<\/param>/g)].map((m) => m[1]);
  return params.map((value) => {
    const answer = decodeMethodResponse(
      `<methodResponse><params><param>${value}</param></params></methodResponse>`,
    );
    return answer.kind === 'value' ? answer.value : answer;
  });
}

describe('XML-RPC method calls', () => {
  it('round-trips string, int and boolean parameters, escaping XML', () => {
    const tricky = `O'Brien & <Sons> "Ltd" ünïcødé`;
    const call = encodeMethodCall('APIEmailService.optOut', [tricky, 42, true, false, -7]);
    expect(call).toContain('<methodName>APIEmailService.optOut</methodName>');
    expect(call).not.toContain('<Sons>');
    expect(paramsOf(call)).toEqual([tricky, 42, true, false, -7]);
  });

  it('refuses numbers XML-RPC ints cannot carry', () => {
    expect(() => encodeMethodCall('m', [1.5])).toThrow(RangeError);
    expect(() => encodeMethodCall('m', [2 ** 31])).toThrow(RangeError);
  });

  it('escapes and unescapes every XML special character and numeric entities', () => {
    const text = `a&b<c>d"e'f`;
    expect(unescapeXml(escapeXml(text))).toBe(text);
    expect(unescapeXml('&#65;&#x42;&amp;lt;')).toBe('AB&lt;');
  });
});

describe('XML-RPC answers', () => {
  it('reads boolean, int, string and untyped values', () => {
    const wrap = (value: string) =>
      `<?xml version="1.0"?>\n<methodResponse>\n <params><param>\n  <value>${value}</value>\n </param></params>\n</methodResponse>`;
    expect(decodeMethodResponse(wrap('<boolean>1</boolean>'))).toEqual({
      kind: 'value',
      value: true,
    });
    expect(decodeMethodResponse(wrap('<boolean>0</boolean>'))).toEqual({
      kind: 'value',
      value: false,
    });
    expect(decodeMethodResponse(wrap('<i4>12</i4>'))).toEqual({ kind: 'value', value: 12 });
    expect(decodeMethodResponse(wrap('<string>a &amp; b</string>'))).toEqual({
      kind: 'value',
      value: 'a & b',
    });
    expect(decodeMethodResponse(wrap('plain'))).toEqual({ kind: 'value', value: 'plain' });
    expect(decodeMethodResponse(wrap('<string><![CDATA[x<y]]></string>'))).toEqual({
      kind: 'value',
      value: 'x<y',
    });
  });

  it('reads arrays and structs', () => {
    const xml =
      '<methodResponse><params><param><value><struct>' +
      '<member><name>ids</name><value><array><data><value><int>1</int></value><value><int>2</int></value></data></array></value></member>' +
      '<member><name>ok</name><value><boolean>1</boolean></value></member>' +
      '</struct></value></param></params></methodResponse>';
    expect(decodeMethodResponse(xml)).toEqual({ kind: 'value', value: { ids: [1, 2], ok: true } });
  });

  it('reads a fault with its code and string', () => {
    const xml =
      '<methodResponse><fault><value><struct>' +
      '<member><name>faultCode</name><value><int>2</int></value></member>' +
      '<member><name>faultString</name><value><string>[InvalidParameter] bad &lt;email&gt;</string></value></member>' +
      '</struct></value></fault></methodResponse>';
    expect(decodeMethodResponse(xml)).toEqual({
      kind: 'fault',
      code: 2,
      message: '[InvalidParameter] bad <email>',
    });
  });

  it('refuses bodies that are not XML-RPC answers', () => {
    expect(() => decodeMethodResponse('<html><body>Bad gateway</body></html>')).toThrow(
      XmlRpcFormatError,
    );
    expect(() => decodeMethodResponse('<methodResponse><params>')).toThrow(XmlRpcFormatError);
    expect(() =>
      decodeMethodResponse(
        '<methodResponse><params><param><value><boolean>maybe</boolean></value></param></params></methodResponse>',
      ),
    ).toThrow(XmlRpcFormatError);
  });
});
