/**
 * The little XML-RPC the add-on needs (one call: APIEmailService.optOut, the opt-out fallback
 * until Keap's XML-RPC sunset): a method call with
 * string/int/boolean parameters, and a reader for the answer or a fault.
 */

export type XmlRpcParam = string | number | boolean;
export type XmlRpcValue =
  string | number | boolean | null | XmlRpcValue[] | { [member: string]: XmlRpcValue };

export type XmlRpcAnswer =
  { kind: 'value'; value: XmlRpcValue } | { kind: 'fault'; code: number | null; message: string };

/** The body was not an XML-RPC answer at all (an HTML error page, a truncated body, ...). */
export class XmlRpcFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlRpcFormatError';
  }
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity[0] === '#') {
      const code =
        entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      // XML allows no character reference outside Unicode (or to NUL); String.fromCodePoint
      // would throw a RangeError that is no format error, and end the whole execution.
      if (!(code >= 1 && code <= 0x10ffff)) {
        throw new XmlRpcFormatError(`Character reference out of range: &${entity};`);
      }
      return String.fromCodePoint(code);
    }
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity] as string;
  });
}

function encodeParam(param: XmlRpcParam): string {
  if (typeof param === 'boolean') return `<boolean>${param ? 1 : 0}</boolean>`;
  if (typeof param === 'number') {
    if (!Number.isInteger(param) || Math.abs(param) > 2147483647) {
      throw new RangeError(`XML-RPC int parameter out of range: ${param}`);
    }
    return `<int>${param}</int>`;
  }
  return `<string>${escapeXml(param)}</string>`;
}

export function encodeMethodCall(method: string, params: XmlRpcParam[]): string {
  const encoded = params.map((param) => `<param><value>${encodeParam(param)}</value></param>`);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<methodCall><methodName>${escapeXml(method)}</methodName>` +
    `<params>${encoded.join('')}</params></methodCall>`
  );
}

interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

function parseXml(xml: string): XmlElement {
  const source = xml
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, data: string) => escapeXml(data));
  const root: XmlElement = { name: '#root', children: [], text: '' };
  const stack: XmlElement[] = [root];
  const token = /<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>|([^<]+)/g;
  let match: RegExpExecArray | null;
  while ((match = token.exec(source)) !== null) {
    const [, closing, name, selfClosing, text] = match;
    const current = stack[stack.length - 1];
    if (text !== undefined) {
      current.text += unescapeXml(text);
    } else if (closing) {
      if (current.name !== name) throw new XmlRpcFormatError(`Unexpected </${name}>.`);
      stack.pop();
    } else {
      const element: XmlElement = { name, children: [], text: '' };
      current.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length !== 1) throw new XmlRpcFormatError('Unclosed XML element.');
  return root;
}

function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((candidate) => candidate.name === name);
}

function decodeValue(value: XmlElement): XmlRpcValue {
  const typed = value.children[0];
  if (!typed) return value.text;
  const text = typed.text.trim();
  switch (typed.name) {
    case 'int':
    case 'i4':
    case 'i8': {
      const parsed = Number(text);
      if (!Number.isInteger(parsed)) throw new XmlRpcFormatError(`Bad int: ${text}`);
      return parsed;
    }
    case 'double':
      return Number(text);
    case 'boolean':
      if (text === '1' || text === 'true') return true;
      if (text === '0' || text === 'false') return false;
      throw new XmlRpcFormatError(`Bad boolean: ${text}`);
    case 'string':
      return typed.text;
    case 'nil':
      return null;
    case 'array':
      return (child(typed, 'data')?.children ?? [])
        .filter((item) => item.name === 'value')
        .map(decodeValue);
    case 'struct': {
      const struct: { [member: string]: XmlRpcValue } = {};
      for (const member of typed.children.filter((item) => item.name === 'member')) {
        const name = child(member, 'name');
        const memberValue = child(member, 'value');
        if (name && memberValue) struct[name.text.trim()] = decodeValue(memberValue);
      }
      return struct;
    }
    default:
      // dateTime.iso8601, base64 and the like: kept as their text.
      return typed.text;
  }
}

export function decodeMethodResponse(xml: string): XmlRpcAnswer {
  const response = child(parseXml(xml), 'methodResponse');
  if (!response) throw new XmlRpcFormatError('Not an XML-RPC methodResponse.');
  const fault = child(response, 'fault');
  if (fault) {
    const faultValue = child(fault, 'value');
    const decoded = faultValue ? decodeValue(faultValue) : null;
    const struct = decoded && typeof decoded === 'object' && !Array.isArray(decoded) ? decoded : {};
    const code = typeof struct.faultCode === 'number' ? struct.faultCode : null;
    const message = typeof struct.faultString === 'string' ? struct.faultString : 'Unknown fault';
    return { kind: 'fault', code, message };
  }
  const value = child(child(child(response, 'params') ?? response, 'param') ?? response, 'value');
  if (!value) throw new XmlRpcFormatError('XML-RPC answer without a value.');
  return { kind: 'value', value: decodeValue(value) };
}
