/**
 * Words a Keap customer understands, through the built bundle (issue 16): Keap's own reason
 * on the run and on every row it stopped, no bare status code, a Deny on Keap's consent page
 * told to the waiting sidebar, and preview, sync and the menu counting alike.
 */
import { columnOf, connectedWorld, type Summary } from './support/sync';
import { EDITOR, OWNER, World } from './world';

interface Consent {
  outcome: string;
  message: string;
  at: string;
}

function consentOf(w: World, user = OWNER): Consent | null {
  return w.call<{ consent: Consent | null }>('getSidebarState', [], user).consent;
}

function alertsOf(w: World, fn: string): string[] {
  const result = w.run(fn);
  expect(result.error).toBeUndefined();
  return result.ui.flatMap((event) => (event.type === 'alert' ? [event.prompt] : []));
}

describe("Keap's own reason", () => {
  it('Keap refuses to list the contacts: its message is on the run and on every row it stopped', () => {
    const w = connectedWorld([
      ['Contact ID', 'Email'],
      [1, 'one@example.com'],
      [2, 'two@example.com'],
    ]);
    w.addContact(1, 'old1@example.com');
    w.addContact(2, 'old2@example.com');
    w.sim.inject({
      kind: 'status',
      status: 400,
      route: ['contacts.list', 'contacts.get'],
      body: JSON.stringify({
        code: 400,
        message: 'Invalid filter: id',
        status: 'INVALID_ARGUMENT',
        details: [],
      }),
    });
    const failed = w.call<Summary>('syncNow');
    expect(failed).toMatchObject({
      outcome: 'failed',
      message:
        'Keap refused to list contacts: Invalid filter: id. Rows not yet synced are tried again on the next run.',
    });
    expect(columnOf(w, 'Sync Status')).toEqual([
      'Will retry: Keap refused to list contacts: Invalid filter: id.',
      'Will retry: Keap refused to list contacts: Invalid filter: id.',
    ]);
    expect(w.emailsOf(1)).toEqual({ EMAIL1: 'old1@example.com' });

    // The same failure again writes nothing new; once Keap answers, the rows sync.
    w.call('syncNow');
    w.sim.clearFaults();
    expect(w.call<Summary>('syncNow')).toMatchObject({ outcome: 'completed', emailsUpdated: 2 });
    expect(columnOf(w, 'Sync Status')).toEqual([
      'Updated: email changed to one@example.com',
      'Updated: email changed to two@example.com',
    ]);
  });

  it('an answer with no reason in it says so in words, not as a bare "HTTP 400"', () => {
    const w = connectedWorld([
      ['Contact ID', 'Email'],
      [1, 'one@example.com'],
    ]);
    w.addContact(1, 'old1@example.com');
    w.sim.inject({ kind: 'status', status: 400, route: 'contacts.list', body: '<html>Bad</html>' });
    const failed = w.call<Summary>('syncNow');
    expect(failed.message).toBe(
      'Keap refused to list contacts: Keap gave no reason (its error code was 400). Rows not yet synced are tried again on the next run.',
    );
    expect(JSON.stringify([failed, w.sheet().values()])).not.toMatch(/HTTP 4/);
  });
});

describe("a Deny on Keap's consent page", () => {
  it('is kept for the waiting sidebar of that person only, and a later Allow clears it', () => {
    const w = new World({ rows: [[1, 'one@example.com']] });
    expect(consentOf(w)).toBeNull();
    const page = w.connect(OWNER, { approve: false });
    expect(page).toContain('Not connected');
    const denied = consentOf(w);
    expect(denied).toEqual({
      outcome: 'denied',
      message: expect.stringContaining('Access was not granted'),
      at: expect.any(String),
    });
    expect(w.call<{ connection: { state: string } }>('getSidebarState').connection.state).toBe(
      'not-connected',
    );
    expect(consentOf(w, EDITOR)).toBeNull();
    // A note, not a state: it is gone after 10 minutes, and at once when access is granted.
    w.connect(OWNER);
    expect(consentOf(w)).toBeNull();
    w.connect(EDITOR, { approve: false });
    w.clock.advance(11 * 60_000);
    expect(consentOf(w, EDITOR)).toBeNull();
  });
});

describe('preview, sync and the menu count alike', () => {
  function duplicatedWorld(): World {
    // Contact 1 on two rows asking for the same thing: one change, in the preview and the sync.
    const w = connectedWorld([
      ['Contact ID', 'Email', 'Opt Out'],
      [1, 'one@example.com', 'yes'],
      [1, 'one@example.com', 'yes'],
      [2, 'two@example.com', ''],
    ]);
    w.addContact(1, 'old1@example.com');
    w.addContact(2, 'two@example.com');
    return w;
  }

  it('a contact on two rows is one email change and one opt-out in both', () => {
    const w = duplicatedWorld();
    const preview = w.call<{ counts: Record<string, number>; changes: unknown[] }>('previewSync');
    expect(preview.counts).toEqual({ emailChanges: 1, optOuts: 1, errors: 0, unchanged: 1 });
    expect(preview.changes).toHaveLength(2); // both rows are listed
    const synced = w.call<Summary>('syncNow');
    expect(synced).toMatchObject({ emailsUpdated: 1, optedOut: 1, errors: 0, unchanged: 1 });
  });

  it('the menu says the same numbers, each once', () => {
    const w = duplicatedWorld();
    const [preview] = alertsOf(w, 'menuPreviewSync');
    expect(preview).toContain('1 email change and 1 opt-out; 0 rows have errors; 1 unchanged');
    const [synced] = alertsOf(w, 'menuSyncNow');
    expect(synced).toBe(
      'The sync finished.\n\nSynced 3 rows: 1 email updated, 1 opted out, 1 unchanged, 0 errors.',
    );
    expect(synced.match(/unchanged/g)).toHaveLength(1);
  });
});
