// Lets `npm test` and `npm start` work from a clean clone: installs the locked
// dependencies when they are missing, and Debian's Chromium for the browser tests. Stops
// at once when the OAuth2 library the local Apps Script runtime runs is not beside the clone.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Not part of the repository: test/gas-runtime/libraries.ts reads it from ../shared.
const oauth2Library = fileURLToPath(
  new URL('../../shared/apps-script/oauth2-library/OAuth2.gs', import.meta.url),
);
if (!existsSync(oauth2Library)) {
  console.error(
    `The OAuth2 library for Apps Script (apps-script-oauth2 v43) is missing: ${oauth2Library}\n` +
      'The local Apps Script runtime runs it in every execution. Put the shared folder beside ' +
      'the clone (../shared/apps-script/oauth2-library/OAuth2.gs).',
  );
  process.exit(1);
}

if (!existsSync('node_modules/.package-lock.json')) {
  console.log('Installing the locked dependencies (npm ci)...');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}
if (process.argv.includes('--browser')) {
  execSync('bash scripts/install-chromium.sh', { stdio: 'inherit' });
}
