import { MAX_URL_LENGTH } from '../../../src/keap/config';
import { contactReadRequests } from '../../../src/keap/contactsApi';
import { emailStatusRequests } from '../../../src/keap/emailStatusApi';
import { withPageToken } from '../../../src/keap/restPaging';
import { chunkForUrl, encodeQueryValue, UrlTooLongError } from '../../../src/keap/urlChunks';

/** Apps Script's limit is 2 KB; our URLs must stay within it with room to spare. */
const APPS_SCRIPT_URL_LIMIT = 2048;

function longEmail(index: number): string {
  // 64-character local part with characters that triple in length when encoded.
  const local = `${'o+ne.t&wo='.repeat(6)}${String(index).padStart(4, '0')}`;
  return `${local}@${'sub-domain.'.repeat(10)}example.com`;
}

describe('chunkForUrl', () => {
  it('keeps every group within the room and every item in order', () => {
    const items = Array.from({ length: 500 }, (_, i) => `item${i}`.repeat((i % 5) + 1));
    const chunks = chunkForUrl(items, 300, ',');
    for (const chunk of chunks) expect(chunk.join(',').length).toBeLessThanOrEqual(300);
    expect(chunks.flat()).toEqual(items);
    // Groups are packed: adding the next item to a group would not have fitted.
    for (let i = 0; i < chunks.length - 1; i += 1) {
      expect([...chunks[i], chunks[i + 1][0]].join(',').length).toBeGreaterThan(300);
    }
  });

  it('refuses an item that could never fit', () => {
    expect(() => chunkForUrl(['x'.repeat(301)], 300, ',')).toThrow(UrlTooLongError);
  });

  it('returns no groups for no items', () => {
    expect(chunkForUrl([], 300, ',')).toEqual([]);
  });
});

describe('read URLs stay under the 2 KB limit', () => {
  it('splits thousands of contact ids into URLs under the limit, each id once', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => 1_000_000_000 + i * 7);
    const requests = contactReadRequests(ids);
    expect(requests.length).toBeGreaterThan(1);
    const sentIds: number[] = [];
    for (const request of requests) {
      expect(request.url.length).toBeLessThanOrEqual(MAX_URL_LENGTH);
      const filter = new URL(request.url).searchParams.get('filter') ?? '';
      expect(filter.startsWith('ids==')).toBe(true);
      sentIds.push(...filter.slice('ids=='.length).split(',').map(Number));
    }
    expect(sentIds).toEqual(ids);
  });

  it('splits long, encoding-heavy emails into URLs under the limit, each email once', () => {
    const emails = Array.from({ length: 200 }, (_, i) => longEmail(i));
    const requests = emailStatusRequests(emails);
    const sent: string[] = [];
    for (const request of requests) {
      expect(request.url.length).toBeLessThanOrEqual(MAX_URL_LENGTH);
      const filter = new URL(request.url).searchParams.get('filter') ?? '';
      expect(filter.startsWith('emails==')).toBe(true);
      sent.push(...filter.slice('emails=='.length).split(','));
    }
    expect(sent).toEqual(emails);
  });

  it('leaves room for a page token on later pages', () => {
    const [request] = emailStatusRequests(Array.from({ length: 200 }, (_, i) => longEmail(i)));
    const next = withPageToken(request, 'T'.repeat(200));
    expect(next.url.length).toBeLessThanOrEqual(APPS_SCRIPT_URL_LIMIT);
    expect(new URL(next.url).searchParams.get('page_token')).toBe('T'.repeat(200));
  });

  it('encodes the characters a query value must not carry raw', () => {
    expect(encodeQueryValue("a+b&c=d*e'f@x.com")).toBe('a%2Bb%26c%3Dd%2Ae%27f%40x.com');
  });
});
