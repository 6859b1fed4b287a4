// Finds what the Live page's long tasks are: starts `gauntlet up`, runs hell, records a Chrome trace and a CPU profile of
// the Live page at 1440x900 for a while, then prints every task over 50 ms with what ran in it (trace events by kind,
// the JS functions the profiler sampled in it). A tool for a person, not a test:
//   GAUNTLET_JAR=cli/target/gauntlet.jar node ui/scripts/profile-live.mjs [seconds] [dist folder to serve instead]
// With a dist folder (e.g. one built with `npx vite build --minify false --outDir dist-debug`) the page's files come
// from there, so the profile names functions; the API and farm calls still go to the running gauntlet.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { browserPath, freePort, startGauntlet } from '../e2e/gauntlet-process.mjs';
import { mainThread } from '../e2e/main-thread.mjs';

const seconds = Number(process.argv[2] ?? 20);
const dist = process.argv[3] ? resolve(process.argv[3]) : null;
const out = resolve(process.env.GAUNTLET_PROFILE_OUT ?? join(tmpdir(), 'gauntlet-live-trace.json'));
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.svg': 'image/svg+xml' };

// The browser is found before anything is started, so a missing one leaves no server behind.
const executablePath = browserPath();
const data = mkdtempSync(join(tmpdir(), 'gauntlet-profile-'));
const ports = { farm: await freePort(), aam: await freePort(), ui: await freePort() };
const g = await startGauntlet({ ports, data, log: join(data, 'up.log') });
let browser = null;
try {
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  if (dist) {
    await page.route(`${g.uiUrl}/**`, (r) => {
      const path = new URL(r.request().url()).pathname;
      if (path.startsWith('/api/') || path.startsWith('/farm/')) return r.continue();
      const file = join(dist, path === '/' || !existsSync(join(dist, path)) ? 'index.html' : path);
      return r.fulfill({ body: readFileSync(file), contentType: TYPES[extname(file)] ?? 'application/octet-stream' });
    });
  }
  await page.goto(g.uiUrl);
  await page.getByTestId('topology').waitFor({ timeout: 30_000 });
  const started = await fetch(`${g.aamUrl}/scenarios/run`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ scenario: 'hell', duration: `${seconds + 40}s` }),
  }).then((r) => r.json());
  console.log(`run ${started.id}; letting hell warm up for 15 s`);
  await new Promise((ok) => setTimeout(ok, 15_000));

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'toplevel', 'v8', 'blink.user_timing'],
  });
  await cdp.send('Profiler.start');
  await new Promise((ok) => setTimeout(ok, seconds * 1000));
  const { profile } = await cdp.send('Profiler.stop');
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
  writeFileSync(out, JSON.stringify(trace));
  report(trace.traceEvents ?? trace, profile);
  console.log(`trace written to ${out} (open it in chrome://tracing or the Performance panel)`);
  await fetch(`${g.aamUrl}/runs/${started.id}/halt`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"reason":"profile done"}' });
} finally {
  await browser?.close();
  await g.stop();
  rmSync(data, { recursive: true, force: true });
}

/** Prints each main-thread task over 50 ms: its top trace events by self time and the sampled JS functions in it. */
function report(events, profile) {
  const main = mainThread(events);
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  // A task's wall time (dur) includes the time the OS gave the CPU to others (the AAM, the farm, other builds); its
  // thread time (tdur) is what the page itself cost: both are printed, tasks are picked by either.
  // The task that starts the profiler is the tool's, not the page's.
  const tool = onMain.filter((e) => e.name === 'CpuProfiler::StartProfiling');
  const runTasks = onMain.filter((e) => e.name === 'RunTask' && !tool.some((p) => p.ts >= e.ts && p.ts <= e.ts + e.dur));
  // Broken down below: the tasks over 50 ms (wall or thread time), else the 6 that cost the most thread time.
  const over = runTasks.filter((e) => e.dur > 50_000 || (e.tdur ?? 0) > 50_000);
  const costly = [...runTasks].sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0)).slice(0, 6);
  const tasks = [...new Set([...(process.env.ALL_LONG ? over : []), ...costly])].sort((a, b) => a.ts - b.ts);
  const cpu = runTasks.reduce((n, e) => n + (e.tdur ?? 0), 0) / 1000;
  const worstCpu = Math.max(0, ...runTasks.map((e) => e.tdur ?? 0)) / 1000;
  console.log(`main thread tasks: ${runTasks.filter((e) => e.dur > 16_000).length} over 16 ms, ${over.length} over 50 ms `
    + `(${runTasks.filter((e) => (e.tdur ?? 0) > 50_000).length} over 50 ms of thread time) in ${seconds} s; `
    + `thread time ${cpu.toFixed(0)} ms (${(cpu / seconds).toFixed(0)} ms a second), worst task ${worstCpu.toFixed(1)} ms of thread time`);
  const hist = [16, 25, 33, 50, 100].map((ms) => `${runTasks.filter((e) => (e.tdur ?? 0) > ms * 1000).length} over ${ms} ms`);
  console.log(`thread time of tasks: ${hist.join(', ')}`);
  // Samples: time of each, and the node it hit; node → its stack.
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const times = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) times.push((t += d));
  for (const task of tasks) {
    const end = task.ts + task.dur;
    const inside = onMain.filter((e) => e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end);
    const kinds = new Map();
    for (const e of inside) {
      const d = e.args?.data ?? {};
      const what = e.name === 'FunctionCall' ? `FunctionCall ${d.functionName || '?'} ${short(d.url)}:${d.lineNumber ?? ''}`
        : e.name === 'EventDispatch' ? `EventDispatch ${d.type}` : e.name === 'TimerFire' ? 'TimerFire' : e.name;
      kinds.set(what, (kinds.get(what) ?? 0) + e.dur);
    }
    const self = new Map();
    const total = new Map();
    for (let i = 0; i < times.length; i++) {
      if (times[i] < task.ts || times[i] > end) continue;
      const dt = (times[i + 1] ?? times[i]) - times[i];
      let id = profile.samples[i];
      const top = nodes.get(id).callFrame;
      const k = frame(top);
      self.set(k, (self.get(k) ?? 0) + dt);
      const seen = new Set();
      while (id != null) {
        const f = frame(nodes.get(id).callFrame);
        if (!seen.has(f)) total.set(f, (total.get(f) ?? 0) + dt);
        seen.add(f);
        id = parent.get(id);
      }
    }
    console.log(`\n== task ${(task.dur / 1000).toFixed(0)} ms (thread ${((task.tdur ?? 0) / 1000).toFixed(0)} ms) at +${((task.ts - profile.startTime) / 1e6).toFixed(1)} s`);
    for (const [k, v] of [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  event ${(v / 1000).toFixed(1)} ms  ${k}`);
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  self  ${(v / 1000).toFixed(1)} ms  ${k}`);
    for (const [k, v] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  total ${(v / 1000).toFixed(1)} ms  ${k}`);
  }
}

function frame(f) {
  return `${f.functionName || '(anon)'} ${short(f.url)}:${f.lineNumber + 1}`;
}

function short(url) {
  return url ? url.replace(/^.*\/(assets|node_modules)\//, '').slice(0, 60) : '';
}
