/**
 * README's Troubleshooting quotes what people see: each quoted text (the parts between "...")
 * must be a real string of the add-on, so the table cannot drift from the sidebar, the
 * statuses and the alerts. Quotes marked "Keap:" are Keap's own words, not ours.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every source text, with the sidebar's \u escapes read as the characters they are. */
const SOURCES = filesUnder(join(ROOT, 'src'))
  .map((path) => readFileSync(path, 'utf8'))
  .join('\n')
  .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  .replace(/\\'/g, "'");

function troubleshootingQuotes(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = /^## Troubleshooting\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
  const firstCells = section
    .split('\n')
    .filter((line) => /^\| /.test(line) && !/^\| -/.test(line))
    .map((line) => line.split('|')[1].trim())
    .filter((cell) => cell !== 'you see' && !cell.startsWith('Keap:'));
  return firstCells.flatMap((cell) => [...cell.matchAll(/"([^"]+)"/g)].map((m) => m[1]));
}

/** A row's status starts with one of these (src/sync/statusText.ts) before the message. */
const STATUS_PREFIXES = ['Will retry: ', 'Error: '];

function inSources(text: string): boolean {
  return SOURCES.includes(text) || SOURCES.includes(text.replace(/'/g, '\u2019'));
}

/** Written by the add-on as it is, or as a status: the prefix, then a message of ours. */
function written(part: string): boolean {
  if (inSources(part)) return true;
  const prefix = STATUS_PREFIXES.find((p) => part.startsWith(p) && inSources(`\`${p}`));
  return prefix !== undefined && inSources(part.slice(prefix.length));
}

describe("README's Troubleshooting", () => {
  const quotes = troubleshootingQuotes();

  it('quotes something', () => {
    expect(quotes.length).toBeGreaterThan(8);
  });

  it.each(quotes)('quotes "%s" as the add-on writes it', (quote) => {
    // "..." stands for the part that varies (a name, Keap's reason).
    const parts = quote
      .split(/\.\.\.|…/)
      .map((part) => part.trim())
      .filter((part) => part.length >= 4);
    const missing = parts.filter((part) => !written(part));
    expect({ quote, missing }).toEqual({ quote, missing: [] });
  });
});
