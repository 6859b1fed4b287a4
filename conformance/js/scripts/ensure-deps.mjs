// Installs the conformance suite's npm packages exactly as package-lock.json pins them (npm ci), only when they are
// missing or the lock file changed since the last install (the UI's ui/scripts/ensure-deps.mjs does the same).
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.gauntlet-lock-sha256');
const want = createHash('sha256').update(readFileSync(lock)).digest('hex');
const have = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
if (have === want) {
  console.log('conformance/js: npm dependencies up to date');
} else {
  console.log('conformance/js: npm ci (dependencies missing or package-lock.json changed)');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, want + '\n');
}
