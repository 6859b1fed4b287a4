// End-to-end tests of the control room: `gauntlet up` on free ports (the real farm, AAM and UI server in one process),
// headless Debian chromium driven by playwright-core. Run by `./gauntlet test` (Maven's integration-test phase of the
// cli module) or by hand: GAUNTLET_JAR=cli/target/gauntlet.jar node --test ui/e2e/control-room.e2e.mjs
// Every step saves a screenshot under $GAUNTLET_E2E_OUT (cli/target/e2e by default).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { browserPath, freePort, startGauntlet } from './gauntlet-process.mjs';
import { mainThreadTasks } from './main-thread.mjs';

const OUT = resolve(process.env.GAUNTLET_E2E_OUT ?? join(import.meta.dirname, '..', '..', 'cli', 'target', 'e2e'));
const CONNECTORS = ['salesforce_mock', 'mongodb_mock', 'stripe_mock', 'github_mock', 'supabase_mock', 'datadog_mock'];

let gauntlet;
let browser;
let page;
let data;
let runId;

async function shot(name) {
  const file = join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

const byId = (id) => page.getByTestId(id);

/** Polls `check` every 500 ms until it returns something truthy (returned), failing after `ms` with `what`. */
async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 500));
  }
}

describe('control room, end to end', { concurrency: 1 }, () => {
  before(async () => {
    mkdirSync(OUT, { recursive: true });
    data = mkdtempSync(join(tmpdir(), 'gauntlet-e2e-'));
    const ports = { farm: await freePort(), aam: await freePort(), ui: await freePort() };
    gauntlet = await startGauntlet({ ports, data, log: join(OUT, 'gauntlet-up.log') });
    browser = await chromium.launch({
      executablePath: browserPath(),
      headless: true,
      // As root in a container chromium needs --no-sandbox; the rest keep it off this machine's closed network.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    page = await context.newPage();
    page.on('pageerror', (e) => writeFileSync(join(OUT, 'page-errors.log'), `${e.stack ?? e}\n`, { flag: 'a' }));
  });

  after(async () => {
    await browser?.close();
    await gauntlet?.stop();
    if (data) rmSync(data, { recursive: true, force: true });
  });

  test('opens on the live view with the six connectors in the topology', async () => {
    await page.goto(gauntlet.uiUrl);
    await byId('topology').waitFor({ timeout: 20_000 });
    for (const id of CONNECTORS) await byId(`topology-node-${id}`).waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('[data-testid^="topology-node-"]').count(), CONNECTORS.length);
    await byId('sse-status').filter({ hasText: 'live' }).waitFor({ timeout: 15_000 });
    // The header names the nodes sharing the store (issue 13): one here, on SQLite, with local limits.
    await byId('nodes-summary').waitFor({ timeout: 15_000 });
    assert.equal(await byId('nodes-summary').innerText(), '1 node · sqlite · local');
    for (const id of CONNECTORS) assert.match(await byId(`chaos-level-${id}`).innerText(), /calm/);
    // A calm farm and no run: nothing to halt; the dial starts at the farm's level, so a quick Apply changes nothing.
    assert.equal(await byId('halt-button').isDisabled(), true);
    assert.equal(await byId('chaos-level').inputValue(), 'calm');
    // The main action is above the fold at 1280x720.
    const run = await byId('scenario-run').boundingBox();
    assert.ok(run && run.y + run.height <= 720, `the Run button is visible without scrolling: ${JSON.stringify(run)}`);
    await shot('01-topology');
  });

  test('runs the hell scenario from the chaos panel: charts, lanes, one tooltip, drag to zoom, a reload keeps the timeline', async () => {
    // The frame budget is measured at 1440x900 (a laptop's screen); the rest of the file checks 1280x720 too.
    await page.setViewportSize({ width: 1440, height: 900 });
    // Long tasks (over 50 ms) on the main thread while hell runs: counted from here, printed at the halt.
    await page.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__longTasks.push(Math.round(e.duration)))).observe({ type: 'longtask', buffered: false });
    });
    await byId('scenario-select').selectOption('hell');
    // Long enough to be halted by hand however slow the machine (a minute of it is the frame budget's window); the halt
    // ends it after ~2 min.
    await byId('scenario-duration').fill('240s');
    await byId('scenario-run').click();
    await byId('active-run').filter({ hasText: 'hell' }).waitFor({ timeout: 15_000 });
    const res = await fetch(`${gauntlet.aamUrl}/runs`).then((r) => r.json());
    runId = res.runs.find((r) => r.state === 'running')?.id;
    assert.ok(runId, `a running run in ${JSON.stringify(res)}`);
    // The farm turns to hell for every service, and the header shows it.
    await byId('chaos-level-stripe_mock').filter({ hasText: 'hell' }).waitFor({ timeout: 40_000 });
    const chart = byId('chart-throughput');
    await chart.waitFor({ timeout: 15_000 });
    const points = async () => Number(await chart.getAttribute('data-points'));
    const first = await points();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="chart-throughput"]')?.getAttribute('data-points')) >= n + 3,
      first, { timeout: 20_000 });
    assert.ok((await points()) > first);
    // The verdict live: a chip per threshold of hell, passing or failing on the run so far (lost and duplicates wait
    // for the checker), and the run-wide latency limits drawn on the overall latency chart.
    const strip = byId('verdict-strip');
    await strip.waitFor({ timeout: 10_000 });
    const states = await strip.locator('[data-state]').evaluateAll((cs) => cs.map((c) => c.dataset.state));
    assert.equal(states.length, 8, `hell's eight thresholds in the strip: ${states}`);
    assert.ok(states.filter((s) => s === 'pending').length >= 2, `lost and duplicates pending: ${states}`);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-latency"]')?.getAttribute('data-thresholds')) === 2, null,
      { timeout: 5_000 });
    // The lanes hold the run's start and its hell phase.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-lanes"]')?.getAttribute('data-story-markers')) >= 2, null,
      { timeout: 10_000 });

    // The topology's edges stay drawn under load (React Flow used to drop them all for a moment every second).
    const edgeCounts = [];
    for (let i = 0; i < 12; i++) {
      edgeCounts.push(await page.locator('.react-flow__edge').count());
      await new Promise((ok) => setTimeout(ok, 250));
    }
    assert.ok(edgeCounts.every((n) => n === edgeCounts[0] && n > 0), `edges stable: ${edgeCounts}`);

    // Hovering one chart opens one tooltip, on that chart only.
    const lanes = await byId('chart-lanes').locator('.u-over').boundingBox();
    await page.mouse.move(lanes.x + lanes.width * 0.6, lanes.y + 10);
    await page.waitForFunction(() => [...document.querySelectorAll('.marker-tip')].some((t) => t.style.display === 'block'), null, { timeout: 5_000 });
    const shown = await page.$$eval('.marker-tip', (ts) => ts.filter((t) => t.style.display === 'block').map((t) => t.closest('[data-testid]')?.dataset.testid));
    assert.deepEqual(shown, ['chart-lanes'], `one tooltip, on the chart under the pointer: ${shown}`);
    await shot('02-live-hell');

    // Drag across a chart: every chart zooms to that range; Reset zoom brings the window back.
    await byId('chart-latency').scrollIntoViewIfNeeded();
    const lat = await byId('chart-latency').locator('.u-over').boundingBox();
    await page.mouse.move(lat.x + lat.width * 0.3, lat.y + lat.height / 2);
    await page.mouse.down();
    await page.mouse.move(lat.x + lat.width * 0.7, lat.y + lat.height / 2, { steps: 5 });
    await page.mouse.up();
    await byId('charts-zoom-reset').waitFor({ timeout: 5_000 });
    await byId('charts-zoom-reset').click();
    await byId('charts-zoom-reset').waitFor({ state: 'detached', timeout: 5_000 });

    // Click a second: the drawer joins the farm's fault log, the mesh's attempts and the DLQ for it; its fault counts
    // are those of GET /admin/faults for that second.
    await byId('chart-lanes').scrollIntoViewIfNeeded();
    const lb = await byId('chart-lanes').locator('.u-over').boundingBox();
    await page.mouse.click(lb.x + lb.width * 0.85, lb.y + 20);
    const drawer = byId('second-drawer');
    await drawer.waitFor({ timeout: 5_000 });
    const t = Number(await drawer.getAttribute('data-t'));
    await page.waitForFunction(() => !document.querySelector('[data-testid="second-drawer"]')?.textContent.includes('loading'), null,
      { timeout: 20_000 });
    const sections = await page.$$eval('[data-testid="second-drawer"] [data-faults]',
      (ss) => ss.map((x) => ({ connector: x.dataset.testid.slice('second-'.length), faults: Number(x.dataset.faults) })));
    const log = await fetch(`${gauntlet.farmUrl}/admin/faults?limit=100000`).then((r) => r.json());
    const farmCounts = {};
    for (const e of log.entries) {
      const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(e.at);
      const at = Date.parse(`${m[1]}Z`) / 1000 + (m[2] ? Number(`0.${m[2]}`) : 0);
      if (at > t - 1 && at <= t) farmCounts[e.service] = (farmCounts[e.service] ?? 0) + 1;
    }
    for (const sct of sections) assert.equal(sct.faults, farmCounts[sct.connector] ?? 0, `${sct.connector} at ${t}: drawer vs /admin/faults`);
    for (const [svc, n] of Object.entries(farmCounts)) {
      assert.ok(sections.some((x) => x.connector === svc && x.faults === n), `${svc}'s ${n} faults in the drawer: ${JSON.stringify(sections)}`);
    }
    await shot('02-drawer');
    await byId('second-drawer-close').click();

    // A reload during the run: the charts fill at once from the run's recorded timeline, not one point a second.
    const before = await points();
    await page.reload();
    await byId('chart-throughput').waitFor({ timeout: 15_000 });
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="chart-throughput"]')?.getAttribute('data-points')) >= n - 2,
      before, { timeout: 6_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-lanes"]')?.getAttribute('data-story-markers')) >= 2, null,
      { timeout: 10_000 });
    await page.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__longTasks.push(Math.round(e.duration)))).observe({ type: 'longtask', buffered: false });
    });
    // The frame budget: 60 s of hell on the Live page at 1440x900 with only the event stream and the polls driving it
    // (no clicks: the steps above and below open tabs and drawers on purpose).
    const loadBefore = loadavg()[0] / cpus().length;
    // A trace of the same window gives each task's thread time too: what the page itself cost, whatever the load.
    await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline', 'blink.user_timing'] });
    const steady = await page.evaluate(async (ms) => {
      const tasks = [];
      const obs = new PerformanceObserver((l) => l.getEntries().forEach((e) => tasks.push(Math.round(e.duration))));
      obs.observe({ type: 'longtask', buffered: false });
      performance.mark('gauntlet-window-start');
      await new Promise((ok) => setTimeout(ok, ms));
      performance.mark('gauntlet-window-end');
      obs.disconnect();
      return tasks;
    }, 60_000);
    const tasks = mainThreadTasks(JSON.parse((await browser.stopTracing()).toString('utf8')), ['gauntlet-window-start', 'gauntlet-window-end']);
    const worstSteady = steady.length === 0 ? 0 : Math.max(...steady);
    const byCpu = [...tasks].sort((a, b) => b.cpuMs - a.cpuMs);
    const cpuS = tasks.reduce((n, x) => n + x.cpuMs, 0) / 1000;
    console.log(`main thread in those 60 s: ${tasks.length} tasks, ${cpuS.toFixed(1)} s of thread time; `
      + `${tasks.filter((x) => x.cpuMs > 50).length} over 50 ms of thread time; the costliest: `
      + byCpu.slice(0, 3).map((x) => `${x.cpuMs.toFixed(1)} ms (${x.wallMs.toFixed(0)} ms wall) ${x.what}`).join('; '));
    // The browser, the AAM, the farm and the load share this machine. A long task is wall time: when the machine is
    // oversubscribed (more runnable threads than cores, e.g. builds beside this test) it measures the scheduler, not the
    // page. So the budget is judged on the load average (1 min: about the window) before and after the window.
    const load = Math.max(loadBefore, loadavg()[0] / cpus().length);
    console.log(`long tasks over 50 ms in 60 s of hell on the Live page at 1440x900: ${steady.length}, worst ${worstSteady} ms `
      + `${JSON.stringify(steady)} (load average up to ${load.toFixed(1)} per core)`);
    // The budget (issue 12): no task over 50 ms, asserted while the machine is not oversubscribed (load average up to
    // 1 per core); up to 1.5 a guard against the quarter-second frames of before; beyond, the figures are printed only.
    // What the page itself costs is judged on all but a very busy machine (contention inflates CPU time a little too).
    assert.ok(tasks.length > 100, `the trace shows the page's main thread: ${tasks.length} tasks`);
    if (load <= 4) assert.ok(byCpu[0].cpuMs <= 50, `no task over 50 ms of thread time: ${byCpu[0].cpuMs.toFixed(1)} ms ${byCpu[0].what}`);
    if (load <= 1.0) assert.ok(worstSteady <= 50, `no long task over 50 ms in 60 s of hell: ${steady.length}, worst ${worstSteady} ms`);
    else if (load <= 1.5) assert.ok(worstSteady <= 250, `no long task over 250 ms in 60 s of hell: ${steady.length}, worst ${worstSteady} ms`);
    else console.log(`frame budget not judged: the machine is oversubscribed (load average ${load.toFixed(1)} per core > 1.5)`);
  });

  test('shows DLQ entries as they are parked and replays one', async () => {
    await byId('tab-dlq').click();
    await byId('dlq-page').waitFor();
    const rows = page.locator('[data-testid^="dlq-row-"]');
    await rows.first().waitFor({ timeout: 60_000 });
    await shot('03-dlq');
    // The background replayer keeps claiming entries (Replay is disabled while one is replaying): take an entry whose
    // Replay is enabled now, and another one if the replayer claimed it before the click landed. Bounded by time.
    const deadline = Date.now() + 60_000;
    let rowId = null;
    while (rowId === null) {
      try {
        // An entry a call was actually sent for (an open circuit, or the mesh's own bucket at the call's deadline, parks
        // a write with no attempt to list).
        const button = rows.filter({ hasNotText: /circuit_open|throttled by the mesh/ }).locator('[data-testid^="dlq-replay-dlq_"]:not([disabled])').first();
        await button.waitFor({ timeout: 10_000 });
        const id = (await button.getAttribute('data-testid')).slice('dlq-replay-'.length);
        await button.click({ timeout: 2_000 });
        const result = byId('dlq-action-result').filter({ hasText: id });
        await result.waitFor({ timeout: 30_000 });
        if (await result.evaluate((el) => el.classList.contains('ok-note'))) rowId = id;
      } catch (e) {
        if (Date.now() >= deadline) throw e;
      }
      if (rowId === null && Date.now() >= deadline) assert.fail('no DLQ entry could be replayed from the page within 60 s');
    }
    const entry = await fetch(`${gauntlet.aamUrl}/dlq/${rowId}`).then((r) => r.json());
    assert.ok(entry.history.length >= 1, `the entry lists its attempts: ${JSON.stringify(entry.history)}`);
    // The page lists them too: one row per attempt, with its class and message.
    await byId(`dlq-expand-${rowId}`).click();
    const attempts = byId(`dlq-attempts-${rowId}`);
    await attempts.waitFor({ timeout: 10_000 });
    assert.ok((await attempts.locator(':scope > tbody > tr[data-attempt]').count()) >= 1);
    // Each attempt says which call it was part of; the replay's attempts, when it sent any, are labelled as a replay's.
    const after = await fetch(`${gauntlet.aamUrl}/dlq/${rowId}`).then((r) => r.json());
    if (after.history.some((a) => a.replay >= 1)) {
      await attempts.locator('tr[data-attempt^="replay "]').first().waitFor({ timeout: 10_000 });
    }
    assert.ok(after.history.every((a) => Number.isInteger(a.replay)), `replay numbers: ${JSON.stringify(after.history)}`);
    await shot('04-dlq-replayed');
  });

  test('halts the run with a reason', async () => {
    await byId('halt-reason').fill('e2e: halted after the DLQ replay');
    await byId('halt-button').click();
    await byId('halt-result').waitFor({ timeout: 15_000 });
    const run = await until(async () => {
      const r = await fetch(`${gauntlet.aamUrl}/runs/${runId}`).then((x) => x.json());
      return r.state !== 'running' && r;
    }, 90_000, 'the halted run to end');
    assert.equal(run.state, 'stopped');
    assert.equal(run.stop_reason, 'e2e: halted after the DLQ replay');
    await byId('chaos-level-stripe_mock').filter({ hasText: 'calm' }).waitFor({ timeout: 15_000 });
    // The run's end put the farm back to calm, and said so on its timeline.
    const timeline = await fetch(`${gauntlet.aamUrl}/runs/${runId}/timeline`).then((r) => r.json());
    assert.ok(timeline.events.some((e) => e.type === 'chaos' && e.level === 'calm' && /back to calm/.test(e.reason ?? '')),
      'a calm marker at the end of the run');
    const farm = await fetch(`${gauntlet.farmUrl}/admin/chaos`).then((r) => r.json());
    assert.ok(Object.values(farm.services).every((l) => l === 'calm'), `every service calm: ${JSON.stringify(farm.services)}`);
    const longTasks = await page.evaluate(() => window.__longTasks ?? []);
    const worst = longTasks.length === 0 ? 0 : Math.max(...longTasks);
    // Printed, not asserted: this span includes the test's own steps (the DLQ tab with hundreds of rows, a replay).
    console.log(`long tasks over 50 ms from the reload to the halt, the DLQ steps included: ${longTasks.length}, worst ${worst} ms ${JSON.stringify(longTasks)}`);
    await page.setViewportSize({ width: 1280, height: 720 });
    await shot('05-halted');
  });

  test('finds the run in the history after a reload, with its verdicts and report', async () => {
    await page.goto(`${gauntlet.uiUrl}/#/runs`);
    await page.reload();
    const row = byId(`run-row-${runId}`);
    await row.waitFor({ timeout: 15_000 });
    assert.match(await row.innerText(), /stopped/);
    await row.getByRole('button', { name: runId }).click();
    await byId('run-detail').waitFor();
    await byId('run-stop-reason').filter({ hasText: 'halted after the DLQ replay' }).waitFor();
    await byId('threshold-0').waitFor();
    await shot('06-run-history');

    // The recorded timeline, replayed like Live: every marker that tells the story is on the lanes.
    const timeline = await fetch(`${gauntlet.aamUrl}/runs/${runId}/timeline`).then((r) => r.json());
    const story = timeline.events.filter((e) => ['run', 'chaos', 'circuit_transition', 'drift_detected'].includes(e.type)).length;
    assert.ok(story >= 3, `the run's start, phase and end at least: ${story}`);
    const replay = byId('run-timeline');
    await replay.waitFor({ timeout: 15_000 });
    await replay.scrollIntoViewIfNeeded();
    const lanes = replay.getByTestId('chart-lanes');
    await page.waitForFunction((el) => el.getAttribute('data-story-markers') !== null, await lanes.elementHandle(), { timeout: 10_000 });
    assert.equal(Number(await lanes.getAttribute('data-story-markers')), story);
    const replayed = Number(await replay.getByTestId('chart-throughput').getAttribute('data-points'));
    assert.equal(replayed, timeline.metrics.length);
    await replay.getByTestId('chart-latency').scrollIntoViewIfNeeded();
    await shot('07-run-replay');

    // The HTML report, opened from a file with no server: the same charts and markers, numbers a person reads.
    const href = await byId('run-report-link').getAttribute('href');
    const report = await fetch(new URL(href, gauntlet.uiUrl));
    assert.equal(report.status, 200);
    const html = await report.text();
    assert.match(html, /<html/);
    assert.doesNotMatch(html.replace(/<script[\s\S]*?<\/script>/g, ''), /\de[+-]\d/, 'no 3.034e+04 in the report');
    const file = join(OUT, 'report.html');
    writeFileSync(file, html);
    const offline = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await offline.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));
      await offline.goto(`file://${file}`);
      const root = offline.locator('#gauntlet-timeline');
      await offline.waitForFunction(() => document.querySelector('#gauntlet-timeline')?.getAttribute('data-story-markers') !== null, null,
        { timeout: 15_000 });
      assert.equal(Number(await root.getAttribute('data-story-markers')), story);
      assert.equal(Number(await root.getAttribute('data-seconds')), timeline.metrics.length);
      assert.equal(await offline.locator('#gauntlet-timeline [data-testid^="chart-"]').count(), 11);
      // hell's run-wide p50 and p99 limits drawn on the overall latency chart, as on the Runs page.
      assert.equal(await offline.getByTestId('chart-latency').getAttribute('data-thresholds'), '2');
      assert.equal(Number(await offline.getByTestId('chart-throughput').getAttribute('data-points')), timeline.metrics.length);
      await offline.locator('#gauntlet-timeline').scrollIntoViewIfNeeded();
      await offline.screenshot({ path: join(OUT, '08-report-from-file.png') });
    } finally {
      await offline.close();
    }
  });

  test('refuses a connector whose farm service is a typo: in the form as typed, and on the server naming the field', async () => {
    await page.goto(`${gauntlet.uiUrl}/#/connectors`);
    await byId('connector-form').waitFor({ timeout: 15_000 });
    await byId('connector-form-id').fill('typo_stripe');
    await byId('connector-form-flavor').selectOption('stripe');
    await byId('connector-form-base_url').fill(`${gauntlet.farmUrl}/api/stripe`);
    await byId('connector-form-service').fill('stripe_mok');
    await byId('connector-form-key').fill('sk_test_e2e');
    await byId('connector-form-submit').click();
    const invalid = byId('connector-form-invalid-service');
    await invalid.waitFor({ timeout: 10_000 });
    assert.match(await invalid.innerText(), /not a farm service.*stripe_mock/);
    const r = await fetch(`${gauntlet.aamUrl}/connectors`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'typo_stripe', base_url: `${gauntlet.farmUrl}/api/stripe`, flavor: 'stripe', service: 'stripe_mok' }),
    });
    assert.equal(r.status, 400);
    const body = await r.json();
    assert.equal(body.field, 'service');
    assert.match(body.message, /stripe_mok/);
    const list = await fetch(`${gauntlet.aamUrl}/connectors`).then((x) => x.json());
    assert.ok(!list.connectors.some((c) => c.id === 'typo_stripe'), 'nothing was created');
    await invalid.scrollIntoViewIfNeeded();
    await shot('10-connector-typo-refused');
  });

  test('HALT calms a farm turned by hand, with no run in progress', async () => {
    await page.goto(`${gauntlet.uiUrl}/#/live`);
    await byId('chaos-level').waitFor({ timeout: 15_000 });
    await byId('chaos-level').selectOption('storm');
    await byId('chaos-apply').click();
    await byId('chaos-level-stripe_mock').filter({ hasText: 'storm' }).waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => !document.querySelector('[data-testid="halt-button"]')?.disabled, null, { timeout: 10_000 });
    await byId('halt-button').click();
    await byId('halt-result').filter({ hasText: 'farm set to calm' }).waitFor({ timeout: 15_000 });
    await byId('chaos-level-stripe_mock').filter({ hasText: 'calm' }).waitFor({ timeout: 15_000 });
    // The dial follows the farm: back at calm, so a quick Apply changes nothing.
    await page.reload();
    await byId('chaos-level-stripe_mock').filter({ hasText: 'calm' }).waitFor({ timeout: 15_000 });
    assert.equal(await byId('chaos-level').inputValue(), 'calm');
  });

  test('compares honestly: mesh vs naive ordered by what was kept, a warning for runs of different lengths', async () => {
    const started = await fetch(`${gauntlet.aamUrl}/scenarios/run`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ scenario: 'mild', duration: '4s', compare: 'naive' }),
    }).then((r) => r.json());
    const id = started.id;
    assert.ok(id, JSON.stringify(started));
    const run = await until(async () => {
      const r = await fetch(`${gauntlet.aamUrl}/runs/${id}`).then((x) => x.json());
      return r.state !== 'running' && r;
    }, 90_000, 'the mild run with its naive baseline to end');
    await page.goto(`${gauntlet.uiUrl}/#/runs`);
    await byId(`run-row-${id}`).getByRole('button', { name: id }).click();
    const table = byId('run-baseline-naive');
    await table.waitFor({ timeout: 15_000 });
    // The naive client's seconds as faint lines on the replayed throughput and latency charts.
    await byId('charts-baselines').filter({ hasText: 'naive' }).waitFor({ timeout: 15_000 });
    assert.equal(await byId('run-timeline').getByTestId('chart-throughput').getAttribute('data-baselines'), '1');
    const keys = await table.locator('[data-testid^="compare-row-"]').evaluateAll((rs) => rs.map((r) => r.dataset.testid.slice('compare-row-'.length)));
    assert.deepEqual(keys.slice(0, 4), ['lost', 'duplicates', 'success_rate', 'p50_ms'], `order: ${keys}`);
    // The naive client never shows green on a row where it lost writes the mesh kept.
    const naiveHarm = (run.report.baselines?.naive?.totals?.lost ?? 0) + (run.report.baselines?.naive?.totals?.duplicates ?? 0);
    const meshHarm = run.report.totals.lost + run.report.totals.duplicates;
    if (naiveHarm > meshHarm) {
      const greenNaive = await table.locator('tr td:nth-child(3).better').count();
      assert.equal(greenNaive, 0, 'no green naive cell when the naive client lost writes');
    }
    await table.scrollIntoViewIfNeeded();
    await shot('11-mesh-vs-naive');
    // Two runs of different lengths: the comparison says so.
    await byId(`run-compare-${runId}`).check();
    await byId(`run-compare-${id}`).check();
    await byId('run-compare-button').click();
    const warning = byId('run-compare').getByTestId('compare-warning').first();
    await warning.waitFor({ timeout: 15_000 });
    assert.match(await warning.innerText(), /lasted \d+ s and \d+ s/);
  });

  test('works with the keyboard alone: arrow keys move between tabs, Enter on a connector opens its details', async () => {
    await page.goto(`${gauntlet.uiUrl}/#/live`);
    await byId('topology-node-stripe_mock').waitFor({ timeout: 20_000 });
    await byId('tab-live').focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => location.hash.startsWith('#/connectors'), null, { timeout: 5_000 });
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => location.hash.startsWith('#/live'), null, { timeout: 5_000 });
    await byId('topology-node-stripe_mock').getByRole('button').focus();
    await page.keyboard.press('Enter');
    await byId('connector-detail').waitFor({ timeout: 10_000 });
    assert.match(await page.evaluate(() => location.hash), /#\/connectors\/stripe_mock/);
    await shot('09-keyboard-connector');
  });
});
