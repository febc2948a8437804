/**
 * Never send what was not read: the PATCH that changes EMAIL1 replaces the contact's whole
 * email list, so a contact answer whose list the add-on cannot read in full must never lead
 * to a write (it would delete EMAIL2/EMAIL3). Each odd shape below comes as a 200 answer.
 */
import {
  scenarioProblems,
  scenarioWorld,
  sentOptOuts,
  sentPatches,
  sheetRows,
  standardScenario,
  summaryOf,
  syncNow,
} from './support/reliability';

const SCENARIO = standardScenario();

const ODD_CONTACT_LISTS: [string, unknown][] = [
  ['no email_addresses', { contacts: [{ id: '1' }] }],
  ['the list under a key in another case', { contacts: [{ id: '1', Email_Addresses: [] }] }],
  [
    'a slot name in another case',
    { contacts: [{ id: '1', email_addresses: [{ email: 'a@example.com', field: 'email2' }] }] },
  ],
  [
    'a slot Keap does not document',
    { contacts: [{ id: '1', email_addresses: [{ email: 'a@example.com', field: 'EMAIL4' }] }] },
  ],
  [
    'email_addresses not a list',
    { contacts: [{ id: '1', email_addresses: { EMAIL1: 'a@example.com' } }] },
  ],
  [
    'an email that is not text',
    { contacts: [{ id: '1', email_addresses: [{ email: 7, field: 'EMAIL1' }] }] },
  ],
  ['a contact without an id', { contacts: [{ email_addresses: [] }] }],
];

describe('a contact list in a shape the add-on cannot read', () => {
  it.each(ODD_CONTACT_LISTS)(
    '%s: nothing is written, no row says synced; the next normal answer finishes',
    (_, body) => {
      const w = scenarioWorld(SCENARIO);
      w.sim.inject({
        kind: 'status',
        status: 200,
        body: JSON.stringify(body),
        route: 'contacts.list',
      });
      const run = summaryOf(syncNow(w));
      expect(run.outcome).toBe('failed');
      expect(run.message).toMatch(/could not read/);
      expect(sentPatches(w)).toEqual([]);
      expect(sentOptOuts(w)).toEqual([]);
      expect(sheetRows(w).some((r) => /^(Updated|Up to date|Opted out)/.test(r.status))).toBe(
        false,
      );

      w.sim.clearFaults();
      expect(summaryOf(syncNow(w)).outcome).toBe('completed');
      expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
    },
  );
});
