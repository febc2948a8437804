import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KeapSimulator } from './simulator';
import type { SimSeed } from './seed';
import { authorizeQuery, CLIENT, basic, TENANT } from './testKit';

const realClock = { now: () => Date.now() };

describe('HTTP server on loopback', () => {
  let sim: KeapSimulator;
  let server: { url: string; close(): Promise<void> };

  beforeEach(async () => {
    sim = new KeapSimulator({ clock: realClock, validateRequests: false });
    sim.registerClient(CLIENT);
    sim.addTenant(TENANT);
    sim.addContact(TENANT, { id: 7, email1: 'ann@x.com' });
    server = await sim.listen(0);
  });
  afterEach(() => server.close());

  it('listens on 127.0.0.1 and runs consent, token exchange and an API call', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const query = new URLSearchParams(authorizeQuery('st')).toString();
    const page = await fetch(`${server.url}/app/oauth/authorize?${query}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Allow');

    const form = new URLSearchParams({
      ...authorizeQuery('st'),
      keap_sim_tenant: TENANT,
      keap_sim_decision: 'allow',
    });
    const decided = await fetch(`${server.url}/app/oauth/authorize`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    expect(decided.status).toBe(302);
    const code = new URL(decided.headers.get('location') as string).searchParams.get(
      'code',
    ) as string;

    const tokenBody = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      redirect_uri: CLIENT.redirectUris[0],
    });
    const token = (await (
      await fetch(`${server.url}/token`, { method: 'POST', body: tokenBody })
    ).json()) as {
      access_token: string;
      refresh_token: string;
    };
    const refreshed = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { authorization: basic() },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: token.refresh_token,
      }),
    });
    expect(refreshed.status).toBe(200);

    const contact = await fetch(`${server.url}/crm/rest/v2/contacts/7?fields=email_addresses`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    expect(contact.status).toBe(200);
    expect(contact.headers.get('x-keap-product-throttle-limit')).toBe('1500');
    expect(((await contact.json()) as { id: string }).id).toBe('7');
    expect(sim.log.map((l) => l.route)).toEqual([
      'authorize',
      'authorize',
      'token',
      'token',
      'contacts.get',
    ]);
  });

  it('drops the connection for a network fault', async () => {
    sim.inject({ kind: 'network', route: 'token', times: 1 });
    await expect(
      fetch(`${server.url}/token`, { method: 'POST', body: 'grant_type=x' }),
    ).rejects.toThrow();
    const after = await fetch(`${server.url}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'x' }),
    });
    expect(after.status).toBe(400);
  });

  it('stops answering once closed', async () => {
    await server.close();
    await expect(fetch(`${server.url}/token`, { method: 'POST' })).rejects.toThrow();
  });
});

describe('serve.ts', () => {
  it('prints its URL as a JSON line, serves the seed, and exits cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keap-sim-'));
    const seed: SimSeed = {
      clients: [CLIENT],
      tenants: [
        {
          tenant: TENANT,
          contacts: [{ id: 3, email1: 'c@x.com' }],
          apiKeys: [{ kind: 'PAT', value: 'pat-known' }],
        },
      ],
    };
    const seedFile = path.join(dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    const child = spawn(
      process.execPath,
      [
        require.resolve('tsx/cli'),
        path.join(__dirname, 'serve.ts'),
        '--port',
        '0',
        '--seed',
        seedFile,
        '--no-validate',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
        child.on('exit', () => reject(new Error(`serve.ts exited before listening: ${out}`)));
      });
      const started = JSON.parse(line) as { url: string; apiKeys: { key: string }[] };
      expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(started.apiKeys[0].key).toBe('pat-known');
      const r = await fetch(`${started.url}/crm/rest/v2/contacts/3`, {
        headers: { 'x-keap-api-key': 'pat-known' },
      });
      expect(r.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
