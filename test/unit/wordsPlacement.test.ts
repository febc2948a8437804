/**
 * Words people read are chosen in src/ui and src/sync/statusText.ts only (docs/ARCHITECTURE.md,
 * "Failures"): src/connection, src/keap, src/sheet and the rest of src/sync pass typed values.
 * Checked on the string and template literals of those modules (comments may say anything):
 * none holds a phrase of the sentences moved out of them. A new sentence that repeats one of
 * these phrases fails here; a wholly new sentence is for review to catch.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const SRC = join(__dirname, '..', '..', 'src');
const CHECKED = ['connection', 'keap', 'sheet', 'sync'];
/** The words modules of the sync (the legacy reader keeps the released version's patterns). */
const WORDS_MODULES = new Set(['sync/statusText.ts', 'sync/legacyStatusWords.ts']);

/** Phrases of the sentences that were chosen in these modules before they moved. */
const MOVED_PHRASES = [
  'no longer accepts',
  'from the sidebar',
  'Another run held the Keap connection',
  'could not renew the sign-in',
  'refused the access token',
  'is not set up for this add-on',
  'will retry next run',
  'Try again in a moment',
  'The next run syncs the remaining rows',
  'The next run continues it',
  'The next run tries again',
  'was not found in Keap',
  'Cannot opt out',
  'Preview incomplete',
  'A sync would make these changes',
  'Part of the sheet is synced',
  'The hour must be a whole number',
  'Keap was not disconnected',
  'Nothing continues it by itself',
  'There is no spreadsheet to sync',
  'is already running',
  'daily request limit',
  'Will retry:',
  'was not refreshed',
  'could not be saved',
  'could not be cleared',
  'could not all be written',
  'could not be removed',
  'was interrupted',
  'follow-up runs',
  'is tried again on',
  'Paste a Keap Personal Access Token',
  'contains spaces or line breaks',
  'does not look like a Keap key',
  'to check the key',
  'did not accept this key',
  'could not check the key',
  'while checking the key',
  'refused the key check',
  // The sheet's setup problems (src/sheet/setupError.ts).
  'There is no tab named',
  "is the add-on's own tab",
  'has no tab to sync',
  'so there is nothing to sync',
  'so no row says whom to opt out',
  'a column this add-on writes itself',
  // The settings form's checks (src/sync/settings.ts).
  'must be on or off',
  'The tab name must be text',
  'The tab name is too long',
  'must contain letters or digits',
  'is a column the add-on writes itself',
  'cannot use the same header name',
  'column (chosen for',
  // The consent page (src/connection/callbackPage.ts).
  'You can close this tab',
  'can now read and update contacts',
  'Access was not granted',
  'Could not connect to Keap',
  'Start again with',
  'Keap reported a problem',
  'had no sign-in code',
  'did not accept the sign-in code',
  "did not accept the add-on's Keap app",
  'did not accept the redirect URI',
  'sign-in failed',
  // A row's input problems (src/sheet/cellParsers.ts, rowParsing.ts; src/sync/duplicates.ts).
  'Contact ID is missing',
  'Email is missing',
  'must be a whole number',
  'must be a positive whole number',
  'is too large',
  'cell shows a formula error',
  'is not an email address',
  'is not a valid email address',
  'characters long; Keap allows at most',
  'must be yes or no',
  'is also on',
  'with different values',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The text of every string and template literal of a file (a template's literal parts). */
function literalTexts(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2020);
  const texts: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) texts.push(node.text);
    else if (ts.isTemplateExpression(node)) {
      texts.push(node.head.text, ...node.templateSpans.map((span) => span.literal.text));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return texts;
}

const files = CHECKED.flatMap((dir) => sourceFiles(join(SRC, dir))).filter(
  (path) => !WORDS_MODULES.has(relative(SRC, path).split('\\').join('/')),
);

describe('words are chosen at the edge', () => {
  it('the check sees the modules, and each phrase where words are chosen', () => {
    expect(files.length).toBeGreaterThan(50);
    // Each phrase is said where words are chosen: statusText.ts or src/ui (server side).
    const edge = [join(SRC, 'sync', 'statusText.ts'), ...sourceFiles(join(SRC, 'ui'))]
      .flatMap(literalTexts)
      .join('\n');
    for (const phrase of MOVED_PHRASES) expect(edge).toContain(phrase);
  });

  it('no module of src/connection, src/keap, src/sheet or src/sync but statusText.ts holds them', () => {
    const found = files.flatMap((path) => {
      const texts = literalTexts(path);
      return MOVED_PHRASES.filter((phrase) => texts.some((text) => text.includes(phrase))).map(
        (phrase) => `${relative(SRC, path)}: ${phrase}`,
      );
    });
    expect(found).toEqual([]);
  });
});
