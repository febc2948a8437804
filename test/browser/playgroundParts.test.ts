/** The playground's small pure parts: CSV reading, Keap URL rewriting, the bridge, the clock. */
import vm from 'node:vm';
import { withBridge } from '../../dev/playground/bridge';
import { parseCsv } from '../../dev/playground/csv';
import { toSimulatorUrl } from '../../dev/playground/server';
import { WallClock } from '../../dev/playground/wallClock';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM', () => {
    const text = '\ufeffId,Note\r\n1,"a, b"\r\n2,"say ""hi"""\n3,"two\nlines"\n4,\n';
    expect(parseCsv(text)).toEqual([
      ['Id', 'Note'],
      ['1', 'a, b'],
      ['2', 'say "hi"'],
      ['3', 'two\nlines'],
      ['4', ''],
    ]);
  });

  it('keeps a last line without a newline and refuses an unclosed quote', () => {
    expect(parseCsv('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(() => parseCsv('a,"b\n1,2')).toThrow(/not closed/);
  });
});

describe('toSimulatorUrl', () => {
  const sim = 'http://127.0.0.1:4567';

  it("sends Keap's https hosts to the simulator, path and query kept", () => {
    expect(
      toSimulatorUrl('https://accounts.infusionsoft.com/app/oauth/authorize?client_id=a&x=1', sim),
    ).toBe(`${sim}/app/oauth/authorize?client_id=a&x=1`);
    expect(toSimulatorUrl('https://api.infusionsoft.com/crm/rest/v2/contacts/7', sim)).toBe(
      `${sim}/crm/rest/v2/contacts/7`,
    );
  });

  it('leaves every other URL alone', () => {
    for (const url of [
      'https://example.com/app/oauth/authorize',
      'http://accounts.infusionsoft.com/app',
      'https://accounts.infusionsoft.com.evil.example/app',
      'not a url',
    ]) {
      expect(toSimulatorUrl(url, sim)).toBe(url);
    }
  });
});

describe('withBridge', () => {
  it('puts google.script.run in the head, before the page’s own scripts', () => {
    const page =
      '<!doctype html><html><head><meta charset="utf-8"></head><body><script>go()</script></body></html>';
    const bridged = withBridge(page, ['getSidebarState']);
    expect(bridged.indexOf('window.google.script')).toBeGreaterThan(bridged.indexOf('<head>'));
    expect(bridged.indexOf('window.google.script')).toBeLessThan(bridged.indexOf('go()'));
  });

  it('offers only the public functions it is given, as Apps Script does: other names are not functions', () => {
    const bridged = withBridge('<head></head>', ['getSidebarState', '</script><b>']);
    const script = /<script>([\s\S]*)<\/script>/.exec(bridged)![1];
    const posted: string[] = [];
    const window: Record<string, unknown> = {};
    const context = vm.createContext({
      window,
      location: { origin: 'http://localhost' },
      fetch: (url: string) => {
        posted.push(url);
        return new Promise(() => {});
      },
      setTimeout,
    });
    vm.runInContext(script, context);
    const run = (window.google as { script: { run: Record<string, unknown> } }).script.run;
    expect(typeof run.getSidebarState).toBe('function');
    expect(run.clientCredentials).toBeUndefined();
    expect(run.knownSecrets).toBeUndefined();
    expect(() =>
      (run.withSuccessHandler as (f: () => void) => Record<string, () => void>)(
        () => {},
      ).clientCredentials(),
    ).toThrow(TypeError);
    (run.getSidebarState as () => void)();
    expect(posted).toEqual(['/run/getSidebarState']);
    // A name cannot close the script tag it travels in.
    expect(bridged.match(/<\/script>/g)).toHaveLength(1);
  });
});

describe('WallClock', () => {
  it('follows the wall clock and never goes back', () => {
    const clock = new WallClock();
    const before = Date.now();
    expect(Math.abs(clock.now() - before)).toBeLessThan(1000);
    clock.set(before - 60_000);
    expect(clock.now()).toBeGreaterThanOrEqual(before);
  });

  it('waits a short sleep for real and adds a long one without waiting it all', () => {
    const clock = new WallClock();
    const start = Date.now();
    const virtualStart = clock.now();
    clock.advance(50);
    expect(Date.now() - start).toBeGreaterThanOrEqual(45);
    clock.advance(3_600_000);
    expect(Date.now() - start).toBeLessThan(5_000);
    expect(clock.now() - virtualStart).toBeGreaterThanOrEqual(3_600_000);
  });
});
