/**
 * Utilities and Blob: encoding, digests, HMAC and RSA-SHA256 signatures with Apps Script's
 * signed bytes, sleep, formatDate.
 */
import { createHash, createHmac, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { instrument, SELF, type Execution } from './execution';
import type { Host } from './host';
import { formatDate } from './formatDate';
import { isDate } from './realm';
import { isValidTimeZone } from './timeZone';

export const MAX_SLEEP_MS = 300000;

const DigestAlgorithm = {
  MD2: 'MD2',
  MD5: 'MD5',
  SHA_1: 'SHA_1',
  SHA_256: 'SHA_256',
  SHA_384: 'SHA_384',
  SHA_512: 'SHA_512',
};
const NODE_DIGEST: Record<string, string> = {
  MD5: 'md5',
  SHA_1: 'sha1',
  SHA_256: 'sha256',
  SHA_384: 'sha384',
  SHA_512: 'sha512',
};
const MacAlgorithm = {
  HMAC_MD5: 'HMAC_MD5',
  HMAC_SHA_1: 'HMAC_SHA_1',
  HMAC_SHA_256: 'HMAC_SHA_256',
  HMAC_SHA_384: 'HMAC_SHA_384',
  HMAC_SHA_512: 'HMAC_SHA_512',
};
const Charset = { US_ASCII: 'US_ASCII', UTF_8: 'UTF_8' };

/** Java bytes are signed: Apps Script hands out -128..127. */
function signedBytes(exec: Execution, buffer: Buffer): number[] {
  return exec.realm.array([...buffer].map((b) => (b > 127 ? b - 256 : b)));
}

/** A string (in the charset) or a byte array, as Apps Script accepts either. */
function toBuffer(data: unknown, charset?: string): Buffer {
  if (Array.isArray(data)) return Buffer.from(data.map((b: number) => b & 0xff));
  return Buffer.from(String(data), charset === 'US_ASCII' ? 'latin1' : 'utf8');
}

export function createBlob(
  exec: Execution,
  data: unknown,
  contentType: string | null = null,
  name: string | null = null,
) {
  let buffer = toBuffer(data);
  let type = contentType;
  let blobName = name;
  const impl = {
    getDataAsString: (charset?: string) =>
      buffer.toString(charset === 'US_ASCII' ? 'latin1' : 'utf8'),
    getBytes: () => signedBytes(exec, buffer),
    setBytes(bytes: number[]) {
      buffer = toBuffer(bytes);
      return SELF;
    },
    setDataFromString(text: string) {
      buffer = toBuffer(text);
      return SELF;
    },
    getContentType: () => type,
    setContentType(t: string) {
      type = t;
      return SELF;
    },
    getName: () => blobName,
    setName(n: string) {
      blobName = n;
      return SELF;
    },
    copyBlob: () => createBlob(exec, [...buffer], type, blobName),
    isGoogleType: () => false,
  };
  return instrument(exec, 'Blob', impl, { uncounted: Object.keys(impl) });
}

export function createUtilities(exec: Execution, host: Host): GoogleAppsScript.Utilities.Utilities {
  const impl = {
    DigestAlgorithm,
    MacAlgorithm,
    Charset,
    base64Encode: (data: unknown, charset?: string) => toBuffer(data, charset).toString('base64'),
    base64EncodeWebSafe: (data: unknown, charset?: string) =>
      toBuffer(data, charset).toString('base64').replace(/\+/g, '-').replace(/\//g, '_'),
    base64Decode: (encoded: string) => signedBytes(exec, Buffer.from(String(encoded), 'base64')),
    base64DecodeWebSafe: (encoded: string) =>
      signedBytes(
        exec,
        Buffer.from(String(encoded).replace(/-/g, '+').replace(/_/g, '/'), 'base64'),
      ),
    computeDigest(algorithm: string, value: unknown, charset?: string) {
      const name = NODE_DIGEST[algorithm];
      if (!name) exec.fail(`Unsupported digest algorithm: ${algorithm}`);
      return signedBytes(exec, createHash(name).update(toBuffer(value, charset)).digest());
    },
    computeHmacSha256Signature: (value: unknown, key: unknown, charset?: string) =>
      signedBytes(
        exec,
        createHmac('sha256', toBuffer(key, charset)).update(toBuffer(value, charset)).digest(),
      ),
    computeHmacSignature(algorithm: string, value: unknown, key: unknown, charset?: string) {
      const name = NODE_DIGEST[algorithm.replace(/^HMAC_/, '')];
      if (!name) exec.fail(`Unsupported MAC algorithm: ${algorithm}`);
      return signedBytes(
        exec,
        createHmac(name, toBuffer(key, charset)).update(toBuffer(value, charset)).digest(),
      );
    },
    computeRsaSha256Signature(value: unknown, key: string, charset?: string) {
      let privateKey: KeyObject;
      try {
        privateKey = createPrivateKey(String(key));
      } catch {
        return exec.fail('Invalid argument: key');
      }
      return signedBytes(exec, sign('sha256', toBuffer(value, charset), privateKey));
    },
    newBlob: (data: unknown, contentType?: string, name?: string) =>
      createBlob(exec, data, contentType ?? null, name ?? null),
    getUuid() {
      const hex = Array.from({ length: 32 }, () =>
        Math.floor(host.random() * 16).toString(16),
      ).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(host.random() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    },
    sleep(ms: number) {
      const wait = Math.max(0, Math.floor(Number(ms) || 0));
      if (wait > MAX_SLEEP_MS)
        exec.fail(`Invalid argument: milliseconds. The maximum is ${MAX_SLEEP_MS}.`);
      exec.ledger.sleepMs += wait;
      exec.spend(wait);
    },
    formatDate(date: Date, timeZone: string, pattern: string) {
      if (!isDate(date))
        exec.fail("The parameters don't match the method signature for Utilities.formatDate.");
      if (!isValidTimeZone(String(timeZone))) exec.fail(`Invalid argument: timeZone`);
      try {
        return formatDate(date.getTime(), String(timeZone), String(pattern));
      } catch (e) {
        return exec.fail(`Invalid argument: ${(e as Error).message}`);
      }
    },
    formatString(template: string, ...args: unknown[]) {
      let i = 0;
      return String(template).replace(/%[sdf%]/g, (token) =>
        token === '%%' ? '%' : String(args[i++]),
      );
    },
    jsonStringify: (value: unknown) => JSON.stringify(value),
    jsonParse: (text: string) => exec.realm.JSON.parse(String(text)) as unknown,
  };
  return instrument(exec, 'Utilities', impl) as never;
}
