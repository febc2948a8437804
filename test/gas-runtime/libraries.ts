/**
 * The Apps Script libraries the manifest declares, run as Apps Script runs them: the OAuth2
 * library (googleworkspace/apps-script-oauth2, release v1.43.0 = library version 43,
 * Apache-2.0) is not project code and is not copied into the repository. Its published file
 * is read from `../shared/apps-script/oauth2-library/OAuth2.gs` beside the repository,
 * compiled once per process, and run in every execution's context before the bundle. It ends
 * with `}).call(this, this, "OAuth2")`, so it defines that context's global `OAuth2` and uses
 * that context's service fakes (ScriptApp, UrlFetchApp, Utilities) and the stores and lock the
 * script gives it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import vm from 'node:vm';

/** The repository's root (this file is test/gas-runtime/libraries.ts). */
const REPO_ROOT = resolve(__dirname, '../..');

/** Where the OAuth2 library's file is expected: ../shared beside the repository. */
export const OAUTH2_LIBRARY_PATH = resolve(
  REPO_ROOT,
  '../shared/apps-script/oauth2-library/OAuth2.gs',
);

/** The manifest's library (appsscript.json) that this file is. */
export const OAUTH2_LIBRARY = {
  userSymbol: 'OAuth2',
  libraryId: '1B7FSrk5Zi6L1rSxxTDgDEUsPzlukDsi4KGuTMorsTQHhGBzBkMun4iDF',
  version: '43',
};

/** Compiles a library file; a missing file is an error that names the path. */
export function compileLibrary(path: string): vm.Script {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new Error(
      `The OAuth2 library for Apps Script (apps-script-oauth2 v43) was not found at ${path}. ` +
        'The local Apps Script runtime runs it in every execution, as Apps Script does; it is ' +
        'not part of this repository. Put the shared folder beside the repository ' +
        '(../shared/apps-script/oauth2-library/OAuth2.gs).',
      { cause },
    );
  }
  return new vm.Script(source, { filename: path });
}

let oauth2: vm.Script | undefined;

/** The OAuth2 library, compiled on first use and kept for the process. */
export function oauth2LibraryScript(): vm.Script {
  oauth2 ??= compileLibrary(OAUTH2_LIBRARY_PATH);
  return oauth2;
}

/** Runs the OAuth2 library in an execution's context: defines its global `OAuth2`. */
export function loadOAuth2Library(context: vm.Context): void {
  oauth2LibraryScript().runInContext(context);
}

/** The redirect URI of a script, as OAuth2.getRedirectUri() builds it from ScriptApp.getScriptId(). */
export function standardRedirectUri(scriptId: string): string {
  return `https://script.google.com/macros/d/${encodeURIComponent(scriptId)}/usercallback`;
}
