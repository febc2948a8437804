// Lets `npm test` and `npm start` work from a clean clone: installs the locked
// dependencies when they are missing, and Debian's Chromium for the browser tests.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('node_modules/.package-lock.json')) {
  console.log('Installing the locked dependencies (npm ci)...');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}
if (process.argv.includes('--browser')) {
  execSync('bash scripts/install-chromium.sh', { stdio: 'inherit' });
}
