import {
  contactSearchRequest,
  isSearchableEmail,
  matchingContactIds,
  unsearchableCharacters,
} from '../../../src/keap/contactSearch';
import { findByEmail } from '../../../src/keap/contactSearchRead';

describe('searching contacts by email', () => {
  it('sends only addresses a filter reads literally', () => {
    expect(isSearchableEmail('ann.lee+news@example.co.uk')).toBe(true);
    expect(isSearchableEmail("o'neil@example.com")).toBe(false);
    expect(unsearchableCharacters('jo*hn@example.com')).toEqual(['*']);
    expect(unsearchableCharacters('a==b;c,d@example.com')).toEqual(['=', ';', ',']);
    expect(unsearchableCharacters('50%@example.com')).toEqual(['%']);
    expect(isSearchableEmail('')).toBe(false);
    expect(() => contactSearchRequest('jo*@example.com')).toThrow();
  });

  it('builds one GET with the address encoded after email==', () => {
    expect(contactSearchRequest('ann+x@example.com')).toEqual({
      method: 'get',
      url: 'https://api.infusionsoft.com/crm/rest/v2/contacts?filter=email%3D%3Dann%2Bx%40example.com&fields=email_addresses&page_size=1000',
      headers: { Accept: 'application/json' },
    });
  });

  it("counts a contact only when one of its addresses is the row's, never on Keap's word alone", () => {
    const contacts = [
      { id: 40, emails: [{ field: 'EMAIL2' as const, email: 'Ann@Example.com' }] },
      { id: 12, emails: [{ field: 'EMAIL1' as const, email: 'ann@example.com' }] },
      { id: 12, emails: [{ field: 'EMAIL1' as const, email: 'ann@example.com' }] },
      { id: 9, emails: [{ field: 'EMAIL1' as const, email: 'anna@example.com' }] },
    ];
    expect(matchingContactIds('ann@example.com', contacts)).toEqual([12, 40]);
  });

  it('asks once per address, lower-cased, and never for an address that is not literal', () => {
    const asked: string[] = [];
    const found = findByEmail(['A@x.com', 'a@x.com', 'b*@x.com', 'c@x.com'], (requests) => {
      asked.push(...requests.map((r) => r.url));
      return [{ id: 5, emails: [{ field: 'EMAIL1', email: 'a@x.com' }] }];
    });
    expect(asked).toHaveLength(2);
    expect([...found]).toEqual([
      ['a@x.com', [5]],
      ['c@x.com', []],
    ]);
  });
});
