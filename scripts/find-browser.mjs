// Prints the browser the browser tests will drive and exits 0, or exits 1 when there is none.
// test/browser/support.ts looks in the same places (scripts/browsers.json).
import { existsSync, readFileSync } from 'node:fs';

const { candidates } = JSON.parse(
  readFileSync(new URL('./browsers.json', import.meta.url), 'utf8'),
);
const fromEnv = process.env.CHROMIUM_PATH;
if (fromEnv) {
  if (existsSync(fromEnv)) {
    console.log(fromEnv);
    process.exit(0);
  }
  console.error(`CHROMIUM_PATH=${fromEnv} does not exist.`);
  process.exit(1);
}
const found = candidates.find((path) => existsSync(path));
if (!found) process.exit(1);
console.log(found);
