import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** XML-RPC on the wire: parse a methodCall, write a methodResponse or a fault. */

export type XmlRpcValue =
  string | number | boolean | null | Buffer | XmlRpcValue[] | { [k: string]: XmlRpcValue };

export interface MethodCall {
  methodName: string;
  params: XmlRpcValue[];
}

export class XmlRpcParseError extends Error {}

type Node = Record<string, unknown>;
interface Element {
  name: string;
  children: Node[];
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

export function parseMethodCall(xml: string): MethodCall {
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new XmlRpcParseError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const root = elements(parser.parse(xml) as Node[]);
  if (root.length !== 1 || root[0].name !== 'methodCall')
    throw new XmlRpcParseError('root element must be methodCall');
  const parts = elements(root[0].children);
  const nameEl = parts.find((e) => e.name === 'methodName');
  const methodName = nameEl ? text(nameEl.children).trim() : '';
  if (!methodName) throw new XmlRpcParseError('methodName is missing');
  const paramsEl = parts.find((e) => e.name === 'params');
  const params = paramsEl
    ? elements(paramsEl.children).map((p) => {
        if (p.name !== 'param') throw new XmlRpcParseError(`unexpected <${p.name}> in params`);
        return decodeValue(single(p, 'value'));
      })
    : [];
  return { methodName, params };
}

function decodeValue(value: Element): XmlRpcValue {
  const typed = elements(value.children);
  if (typed.length === 0) return text(value.children); // untyped value is a string
  if (typed.length > 1) throw new XmlRpcParseError('a value holds one typed element');
  const [el] = typed;
  const raw = text(el.children);
  switch (el.name) {
    case 'string':
      return raw;
    case 'int':
    case 'i4':
    case 'i8': {
      if (!/^\s*[+-]?\d+\s*$/.test(raw)) throw new XmlRpcParseError(`bad <${el.name}>: ${raw}`);
      return Number(raw.trim());
    }
    case 'boolean': {
      if (raw.trim() !== '0' && raw.trim() !== '1')
        throw new XmlRpcParseError(`bad <boolean>: ${raw}`);
      return raw.trim() === '1';
    }
    case 'double': {
      const n = Number(raw.trim());
      if (raw.trim() === '' || Number.isNaN(n)) throw new XmlRpcParseError(`bad <double>: ${raw}`);
      return n;
    }
    case 'dateTime.iso8601':
      return raw.trim();
    case 'base64':
      return Buffer.from(raw.replace(/\s+/g, ''), 'base64');
    case 'nil':
      return null;
    case 'array':
      return elements(single(el, 'data').children).map((v) => {
        if (v.name !== 'value') throw new XmlRpcParseError(`unexpected <${v.name}> in array`);
        return decodeValue(v);
      });
    case 'struct': {
      const out: { [k: string]: XmlRpcValue } = {};
      for (const m of elements(el.children)) {
        if (m.name !== 'member') throw new XmlRpcParseError(`unexpected <${m.name}> in struct`);
        out[text(single(m, 'name').children)] = decodeValue(single(m, 'value'));
      }
      return out;
    }
    default:
      throw new XmlRpcParseError(`unknown value type <${el.name}>`);
  }
}

export function methodResponse(value: XmlRpcValue): string {
  return `<?xml version="1.0" encoding="UTF-8"?><methodResponse><params><param>${encodeValue(value)}</param></params></methodResponse>`;
}

export function faultResponse(faultCode: number, faultString: string): string {
  const struct = { faultCode, faultString };
  return `<?xml version="1.0" encoding="UTF-8"?><methodResponse><fault>${encodeValue(struct)}</fault></methodResponse>`;
}

export function methodCallXml(methodName: string, params: XmlRpcValue[]): string {
  const body = params.map((p) => `<param>${encodeValue(p)}</param>`).join('');
  return `<?xml version="1.0"?><methodCall><methodName>${escapeXml(methodName)}</methodName><params>${body}</params></methodCall>`;
}

export function encodeValue(v: XmlRpcValue): string {
  if (v === null) return '<value><nil/></value>';
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === 'number') {
    return Number.isInteger(v)
      ? `<value><i4>${v}</i4></value>`
      : `<value><double>${v}</double></value>`;
  }
  if (typeof v === 'string') return `<value><string>${escapeXml(v)}</string></value>`;
  if (Buffer.isBuffer(v)) return `<value><base64>${v.toString('base64')}</base64></value>`;
  if (Array.isArray(v))
    return `<value><array><data>${v.map(encodeValue).join('')}</data></array></value>`;
  const members = Object.entries(v)
    .map(([k, val]) => `<member><name>${escapeXml(k)}</name>${encodeValue(val)}</member>`)
    .join('');
  return `<value><struct>${members}</struct></value>`;
}

function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function elements(nodes: Node[]): Element[] {
  const out: Element[] = [];
  for (const node of nodes) {
    const name = Object.keys(node).find((k) => k !== ':@' && k !== '#text' && k !== '#comment');
    if (name) out.push({ name, children: (node[name] as Node[]) ?? [] });
  }
  return out;
}

function text(nodes: Node[]): string {
  return nodes
    .map((n) =>
      typeof n['#text'] === 'string' || typeof n['#text'] === 'number' ? String(n['#text']) : '',
    )
    .join('');
}

function single(parent: Element, name: string): Element {
  const found = elements(parent.children).filter((e) => e.name === name);
  if (found.length !== 1)
    throw new XmlRpcParseError(`<${parent.name}> needs exactly one <${name}>`);
  return found[0];
}
