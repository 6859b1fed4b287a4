// GitHub's official JavaScript client, @octokit/rest, with GitHub's official retry and throttling plugins, unmodified,
// pointed at the farm (and through the AAM's proxy) by its baseUrl option alone.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck/light.js';
import {
  FARM_URL, SERVICE_PORTS, assertScriptUsedUp, chaos, faultMark, faultsSince, ledger, proxy, report, requests, script, timedFetch,
} from './lib/farm.mjs';

const SERVICE = 'github_mock';
const REPO = { owner: 'gauntlet', repo: 'demo' };
const ISSUES = '/repos/gauntlet/demo/issues';
const RetryingOctokit = Octokit.plugin(retry, throttling);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** An access token from the farm's GitHub (an OAuth app's token endpoint), for the clients that talk to it directly. */
async function token(base) {
  const res = await fetch(`${base}/login/oauth/access_token`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=gauntlet&client_secret=gauntlet-secret',
  });
  const body = await res.json();
  assert.ok(body.access_token, JSON.stringify(body));
  return body.access_token;
}

/**
 * Octokit as an application sets it up with GitHub's recommended plugins. One setting differs from the defaults: the
 * throttling plugin spaces writes 1 s apart and notification-triggering writes (issue creates) 3 s apart, GitHub's
 * guidance per real minute; the farm scales GitHub's secondary-limit minute to 1 s, so the spacing is scaled the same
 * way (17 ms, 50 ms). The retry plugin keeps its defaults (3 retries, 1 s, 4 s, 9 s; no retry of 400, 401, 403, 404,
 * 410, 422, 451).
 */
function octokit(baseUrl, auth, seen = { secondary: [], primary: [] }) {
  return new RetryingOctokit({
    baseUrl,
    auth,
    log: quiet,
    request: { fetch: timedFetch(5_000) },
    throttle: {
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 17 }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 50 }),
      onRateLimit: (retryAfter, options, client, retryCount) => {
        seen.primary.push(retryAfter);
        return retryCount < 2;
      },
      onSecondaryRateLimit: (retryAfter, options, client, retryCount) => {
        seen.secondary.push(retryAfter);
        return retryCount < 2;
      },
    },
  });
}

const marker = (opId) => `Opened by the conformance suite.\n\n<!-- op_id: ${opId} -->`;
const id = () => Math.random().toString(36).slice(2, 10);

afterEach(async () => {
  await chaos(SERVICE, 'calm');
  await assertScriptUsedUp(SERVICE);
});

const targets = [
  { name: 'farm, base path', baseUrl: `${FARM_URL}/api/github`, direct: true },
  { name: 'farm, service port', baseUrl: SERVICE_PORTS[SERVICE], direct: true },
  // No auth at all through the proxy: the mesh injects the connector's token.
  { name: 'AAM proxy path', baseUrl: proxy(SERVICE), direct: false },
];

describe('octokit: the common calls', () => {
  for (const target of targets) {
    test(`lists every page, creates, reads and closes an issue (${target.name})`, async () => {
      const client = octokit(target.baseUrl, target.direct ? await token(target.baseUrl) : undefined);
      const urls = [];
      client.hook.before('request', (options) => { urls.push(options.url); });

      const issues = await client.paginate(client.rest.issues.listForRepo, { ...REPO, state: 'all', per_page: 100 });
      assert.ok(issues.length >= 500, `all pages: ${issues.length}`);
      assert.equal(new Set(issues.map((i) => i.number)).size, issues.length);
      const nextPages = urls.filter((u) => u.startsWith('http'));
      assert.ok(nextPages.length >= 4, `paginate followed Link rel="next": ${urls}`);
      for (const u of nextPages) assert.ok(u.startsWith(target.baseUrl + ISSUES), `${u} leads back through ${target.baseUrl}`);

      const opId = `conf-gh-${id()}`;
      const created = await client.rest.issues.create({ ...REPO, title: `Conformance ${opId}`, body: marker(opId) });
      assert.equal(created.status, 201);
      for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-used']) {
        assert.match(String(created.headers[h]), /^\d+$/, `${h} on the create`);
      }
      const number = created.data.number;
      const got = await client.rest.issues.get({ ...REPO, issue_number: number });
      assert.equal(got.data.title, `Conformance ${opId}`);
      const closed = await client.rest.issues.update({ ...REPO, issue_number: number, state: 'closed' });
      assert.equal(closed.data.state, 'closed');
      assert.ok(closed.data.closed_at);

      const entries = await ledger(SERVICE, opId);
      assert.equal(entries.length, 1);
      assert.equal(entries[0].commits, 1);
    });
  }
});

describe('octokit: its own retry and throttling against the farm, as against GitHub', () => {
  const direct = targets[0];

  test('the throttling plugin waits out a secondary limit (403, retry-after) and the create goes through once', async () => {
    const seen = { secondary: [], primary: [] };
    const client = octokit(direct.baseUrl, await token(direct.baseUrl), seen);
    await script({ service: SERVICE, type: 'rate_limit', method: 'POST', path: ISSUES });
    const before = await requests(SERVICE);
    const opId = `conf-gh-secondary-${id()}`;

    const created = await client.rest.issues.create({ ...REPO, title: 'after a secondary limit', body: marker(opId) });

    assert.equal(created.status, 201);
    assert.equal(seen.secondary.length, 1, 'onSecondaryRateLimit was called once');
    assert.ok(seen.secondary[0] >= 1, `with the retry-after the farm sent: ${seen.secondary[0]}`);
    assert.equal(await requests(SERVICE) - before, 2);
    assert.equal((await ledger(SERVICE, opId))[0].commits, 1);
  });

  test('the retry plugin sends a create again after a 502 (nothing was committed) and it commits once', async () => {
    const client = octokit(direct.baseUrl, await token(direct.baseUrl));
    await script({ service: SERVICE, type: 'server_error', status: 502, method: 'POST', path: ISSUES });
    const opId = `conf-gh-502-${id()}`;

    const created = await client.rest.issues.create({ ...REPO, title: 'after a 502', body: marker(opId) });

    assert.equal(created.status, 201);
    assert.equal((await ledger(SERVICE, opId))[0].commits, 1);
  });

  test('the retry plugin sends a create again after its answer was lost: GitHub has no idempotency key, so that is a second issue', async () => {
    const client = octokit(direct.baseUrl, await token(direct.baseUrl));
    await script({ service: SERVICE, type: 'close', after_commit: true, method: 'POST', path: ISSUES });
    const opId = `conf-gh-lost-${id()}`;

    const created = await client.rest.issues.create({ ...REPO, title: 'answer lost', body: marker(opId) });

    assert.equal(created.status, 201);
    const entries = await ledger(SERVICE, opId);
    assert.equal(entries[0].commits, 2, 'two issues carry the one op id: what the mesh reads back to avoid');
  });

  test('at storm (reported): plain creates through the retry and throttling plugins', async () => {
    const client = octokit(direct.baseUrl, await token(direct.baseUrl));
    const run = `conf-gh-storm-${id()}`;
    const writes = 12;
    const mark = await faultMark(SERVICE);
    const acknowledged = [];
    let failed = 0;
    await chaos(SERVICE, 'storm');
    try {
      for (let i = 0; i < writes; i++) {
        try {
          await client.rest.issues.create({ ...REPO, title: `storm ${i}`, body: marker(`${run}-${i}`) });
          acknowledged.push(`${run}-${i}`);
        } catch {
          failed++;
        }
      }
    } finally {
      await chaos(SERVICE, 'calm');
    }
    const entries = await ledger(SERVICE, run);
    const committed = new Set(entries.map((e) => e.op_id));
    for (const opId of acknowledged) assert.ok(committed.has(opId), `${opId} was acknowledged, so it is in the ledger`);
    const duplicates = entries.filter((e) => e.commits > 1).length;
    report(`octokit (plugin-retry, plugin-throttling) at storm (reported, GitHub has no idempotency key): ${writes} issue creates, `
      + `${acknowledged.length} acknowledged, ${failed} failed at the client; the ledger holds ${entries.length}, `
      + `${duplicates} committed more than once; faults met: ${JSON.stringify(await faultsSince(SERVICE, mark))}`);
  });
});
