// Prints the main bundle's gzipped size (the entry script index.html loads) and fails the build past the budget:
// 200 KB gzipped. Run by `npm run build` after Vite; elkjs and the report viewer are other files, not counted here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 200;
const dist = join(import.meta.dirname, '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const entry = /<script[^>]*type="module"[^>]*src="\/?([^"]+)"/.exec(html)?.[1];
if (!entry) {
  console.error('bundle size: no module script in dist/index.html');
  process.exit(1);
}
const bytes = readFileSync(join(dist, entry));
const kb = gzipSync(bytes, { level: 9 }).length / 1024;
console.log(`main bundle ${entry}: ${(bytes.length / 1024).toFixed(1)} KB, ${kb.toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB)`);
if (kb > BUDGET_KB) {
  console.error(`main bundle over budget: ${kb.toFixed(1)} KB gzipped > ${BUDGET_KB} KB`);
  process.exit(1);
}
