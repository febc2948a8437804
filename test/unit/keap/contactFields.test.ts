/**
 * The Keap side of the synced contact fields (src/keap/contactFields.ts) drives the contact
 * reads, the search by email, the PATCH and the check of a lost write: a fake extra value,
 * added there alone, shows up in each of them.
 */
import type { ContactField } from '../../../src/keap/contactFields';

interface Phone {
  field: string;
  number: string;
}

const phones: ContactField<Phone[]> = {
  property: 'phone_numbers',
  read: (raw) => (Array.isArray(raw) ? (raw as Phone[]) : null),
  sent: (list) => list.map(({ field, number }) => ({ field, number })),
  sameAnswer: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  applied: (inKeap, sent) => JSON.stringify(inKeap) === JSON.stringify(sent),
};

type Modules = {
  contactsApi: typeof import('../../../src/keap/contactsApi');
  contactSearch: typeof import('../../../src/keap/contactSearch');
  writeRecovery: typeof import('../../../src/keap/writeRecovery');
};

/** The modules as they load with `phones` beside `emails`. */
function withPhones(): Modules {
  let modules: Modules | undefined;
  jest.isolateModules(() => {
    jest.doMock('../../../src/keap/contactFields', () => {
      const real = jest.requireActual('../../../src/keap/contactFields');
      const CONTACT_FIELDS = { ...real.CONTACT_FIELDS, phones };
      const CONTACT_FIELD_LIST = Object.entries(CONTACT_FIELDS) as [
        string,
        ContactField<unknown>,
      ][];
      return {
        ...real,
        CONTACT_FIELDS,
        CONTACT_FIELD_LIST,
        CONTACT_PROPERTIES: CONTACT_FIELD_LIST.map(([, field]) => field.property).join(','),
      };
    });
    /* eslint-disable @typescript-eslint/no-require-imports -- only require loads anew here */
    modules = {
      contactsApi: require('../../../src/keap/contactsApi'),
      contactSearch: require('../../../src/keap/contactSearch'),
      writeRecovery: require('../../../src/keap/writeRecovery'),
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  jest.dontMock('../../../src/keap/contactFields');
  return modules as Modules;
}

describe('the Keap side of the synced contact fields', () => {
  const m = withPhones();
  const emails = [{ field: 'EMAIL1' as const, email: 'a@b.co' }];
  const mobile = [{ field: 'PHONE1', number: '555' }];
  const contact = { id: 7, emails, phones: mobile };

  it('asks for the new property in every contact read and in the search by email', () => {
    const [read] = m.contactsApi.contactReadRequests([7]);
    expect(new URL(read.url).searchParams.get('fields')).toBe('email_addresses,phone_numbers');
    const search = m.contactSearch.contactSearchRequest('a@b.co');
    expect(new URL(search.url).searchParams.get('fields')).toBe('email_addresses,phone_numbers');
  });

  it("reads the new value from Keap's answer, and compares it between overlapping pages", () => {
    const body = JSON.stringify({
      contacts: [{ id: '7', email_addresses: emails, phone_numbers: mobile }],
    });
    const [read] = m.contactsApi.parseContactPage(body).items;
    expect(read).toEqual(contact);
    expect(m.contactsApi.sameContact(read, { ...read, phones: [] } as never)).toBe(false);
    const without = JSON.stringify({ contacts: [{ id: '7', email_addresses: emails }] });
    expect(() => m.contactsApi.parseContactPage(without)).toThrow();
  });

  it('names the new property in the PATCH and sends its value', () => {
    const patch = m.contactsApi.contactPatchRequest(7, { emails, phones: mobile } as never);
    expect(new URL(patch.url).searchParams.get('update_mask')).toBe(
      'email_addresses,phone_numbers',
    );
    expect(JSON.parse(patch.body ?? '')).toEqual({
      email_addresses: [{ email: 'a@b.co', field: 'EMAIL1' }],
      phone_numbers: [{ field: 'PHONE1', number: '555' }],
    });
  });

  it('finds a lost PATCH applied only when Keap has the new value too', () => {
    const write = { kind: 'setEmails', contactId: 7, emails, phones: mobile } as never;
    const contacts = (phonesInKeap: Phone[]) =>
      new Map([[7, { ...contact, phones: phonesInKeap }]]) as never;
    expect(m.writeRecovery.isWriteApplied(write, contacts(mobile), new Map())).toBe(true);
    expect(m.writeRecovery.isWriteApplied(write, contacts([]), new Map())).toBe(false);
  });
});
