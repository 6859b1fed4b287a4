// Supabase's official JavaScript client, @supabase/supabase-js, unmodified, pointed at the farm (and through the AAM's
// proxy) by its URL alone, with the project's anon key.
import { afterEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import {
  FARM_URL, SERVICE_PORTS, assertScriptUsedUp, chaos, faultEntries, faultMark, faultsSince, ledger, proxy, report, script, timedFetch,
} from './lib/farm.mjs';

const SERVICE = 'supabase_mock';
/** The farm project's anon key (docs/farm.md, Supabase): a JWT signed with the project's secret, public by design. */
const ANON_KEY = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6ImdhdW50bGV0ZmFybXN1cGFiYXNlIiwicm9sZSI6ImFub24iLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6MjA1MTI2NTYwMH0.-w48Aq2RPFe7n01nPi29ChDymSPFVHkMhDJzo_0UdR4';
const USER = { email: 'gauntlet', password: 'gauntlet-secret' };

/**
 * supabase-js as a server-side application sets it up: no session kept on disk, no background refresh timer, and on
 * Node.js 20 (no WebSocket of its own) the `ws` package as the realtime transport, as supabase-js asks for (unused here).
 */
function supabase(url, key = ANON_KEY, sent = []) {
  const timed = timedFetch(5_000);
  return createClient(url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket },
    global: {
      fetch: (input, init = {}) => {
        sent.push({ method: init.method ?? 'GET', path: new URL(String(input)).pathname, retry: new Headers(init.headers).get('X-Retry-Count') });
        return timed(input, init);
      },
    },
  });
}

/** A client signed in as the farm's user; `sent` collects every request it sends (method, path, X-Retry-Count). */
async function signedIn(url, sent = []) {
  const client = supabase(url, ANON_KEY, sent);
  const { data, error } = await client.auth.signInWithPassword(USER);
  assert.equal(error, null, JSON.stringify(error));
  assert.ok(data.session.access_token);
  return client;
}

const id = () => Math.random().toString(36).slice(2, 10);

afterEach(async () => {
  mock.timers.reset();
  await chaos(SERVICE, 'calm');
  await assertScriptUsedUp(SERVICE);
});

const targets = [
  { name: 'farm, base path', url: `${FARM_URL}/api/supabase`, direct: true },
  { name: 'farm, service port', url: SERVICE_PORTS[SERVICE], direct: true },
  // Through the proxy the client signs in as nobody and sends a dummy key: the mesh drops it and injects the
  // connector's apikey and its own session's access token.
  { name: 'AAM proxy path', url: proxy(SERVICE), direct: false },
];

describe('supabase-js: the common calls', () => {
  for (const target of targets) {
    test(`selects, inserts, upserts, updates and deletes (${target.name})`, async () => {
      const db = target.direct ? await signedIn(target.url) : supabase(target.url, 'dummy-the-proxy-drops-it');

      const page = await db.from('accounts').select('id, name, revenue', { count: 'exact' })
        .gte('revenue', 0).order('revenue', { ascending: false }).range(0, 9);
      assert.equal(page.error, null, JSON.stringify(page.error));
      assert.equal(page.data.length, 10);
      assert.ok(page.count >= 500, `count=exact: ${page.count}`);
      for (let i = 1; i < page.data.length; i++) assert.ok(page.data[i - 1].revenue >= page.data[i].revenue, 'ordered by revenue desc');

      const ext = `conf-sb-${id()}`;
      const inserted = await db.from('events').insert({ kind: 'conformance', value: 1, external_id: ext }).select();
      assert.equal(inserted.error, null, JSON.stringify(inserted.error));
      assert.equal(inserted.status, 201);
      assert.equal(inserted.data[0].external_id, ext);

      const account = `conf-sb-upsert-${id()}`;
      const first = await db.from('accounts').upsert({ external_id: account, name: 'Upserted' }, { onConflict: 'external_id' }).select();
      assert.equal(first.error, null, JSON.stringify(first.error));
      const again = await db.from('accounts').upsert({ external_id: account, name: 'Upserted again' }, { onConflict: 'external_id' }).select();
      assert.equal(again.error, null, JSON.stringify(again.error));
      assert.equal(again.data[0].id, first.data[0].id, 'the same row');

      const updated = await db.from('accounts').update({ name: 'Updated' }).eq('external_id', account).select();
      assert.equal(updated.error, null, JSON.stringify(updated.error));
      assert.equal(updated.data[0].name, 'Updated');

      const deleted = await db.from('events').delete().eq('external_id', ext).select();
      assert.equal(deleted.error, null, JSON.stringify(deleted.error));
      assert.equal(deleted.data.length, 1);
      const gone = await db.from('events').select('id').eq('external_id', ext);
      assert.deepEqual(gone.data, []);

      const entries = await ledger(SERVICE, account);
      assert.equal(entries.length, 1);
      assert.equal(entries[0].commits, 1, 'the second upsert is reapplied, not a second commit');
    });
  }
});

describe('supabase-js: sessions and its own retry against the farm, as against Supabase', () => {
  const direct = targets[0];

  test('signs in with a password and refreshes the session (the refresh token rotates)', async () => {
    const db = await signedIn(direct.url);
    const before = (await db.auth.getSession()).data.session;
    const { data, error } = await db.auth.refreshSession();
    assert.equal(error, null, JSON.stringify(error));
    assert.notEqual(data.session.access_token, before.access_token);
    assert.notEqual(data.session.refresh_token, before.refresh_token);
    const user = await db.auth.getUser();
    assert.equal(user.error, null, JSON.stringify(user.error));
    assert.ok(user.data.user.id);
  });

  test('refreshes a session it sees expiring before its next request (the client\'s clock an hour ahead)', async () => {
    const db = await signedIn(direct.url);
    const before = (await db.auth.getSession()).data.session;
    // An hour passes for the application (only its Date is moved: the farm keeps real time and real tokens).
    mock.timers.enable({ apis: ['Date'], now: Date.now() + 3_600_000 });

    const page = await db.from('accounts').select('id').limit(1);

    assert.equal(page.error, null, JSON.stringify(page.error));
    const after = (await db.auth.getSession()).data.session;
    assert.notEqual(after.access_token, before.access_token, 'getSession refreshed within EXPIRY_MARGIN_MS');
  });

  test('a revoked token is PostgREST\'s 401 PGRST301, which supabase-js hands to the application; refreshSession() recovers', async () => {
    const db = await signedIn(direct.url);
    await script({ service: SERVICE, type: 'auth_revoke', method: 'GET', path: '/rest/v1/accounts' });

    const refused = await db.from('accounts').select('id').limit(1);
    assert.equal(refused.status, 401);
    assert.equal(refused.error.code, 'PGRST301');

    const { error } = await db.auth.refreshSession();
    assert.equal(error, null, JSON.stringify(error));
    const page = await db.from('accounts').select('id').limit(1);
    assert.equal(page.error, null, JSON.stringify(page.error));
  });

  test('postgrest-js retries a read answered 503 and never a write', async () => {
    const sent = [];
    const db = await signedIn(direct.url, sent);
    const mark = await faultMark(SERVICE);
    await script({ service: SERVICE, type: 'server_error', status: 503, method: 'GET', path: '/rest/v1/accounts' });
    const page = await db.from('accounts').select('id').limit(1);
    assert.equal(page.error, null, JSON.stringify(page.error));
    const reads = sent.filter((r) => r.method === 'GET' && r.path.endsWith('/rest/v1/accounts'));
    assert.deepEqual(reads.map((r) => r.retry), [null, '1'],
      `the 503, then the retry with X-Retry-Count; faults: ${JSON.stringify(await faultEntries(SERVICE, mark))}`);

    await script({ service: SERVICE, type: 'server_error', status: 503, method: 'POST', path: '/rest/v1/events' });
    const insert = await db.from('events').insert({ kind: 'conformance', value: 1, external_id: `conf-sb-503-${id()}` });
    assert.equal(insert.status, 503);
    assert.equal(sent.filter((r) => r.method === 'POST' && r.path.endsWith('/rest/v1/events')).length, 1, 'a write is not retried');
  });

  test('at storm every upsert on external_id, resent by the application after any failure, commits once', async () => {
    const db = await signedIn(direct.url);
    const run = `conf-sb-storm-${id()}`;
    const writes = 20;
    const mark = await faultMark(SERVICE);
    let resends = 0;
    let refreshes = 0;
    await chaos(SERVICE, 'storm');
    try {
      for (let i = 0; i < writes; i++) {
        for (let attempt = 0; ; attempt++) {
          assert.ok(attempt < 10, `upsert ${run}-${i} still failing after 10 attempts`);
          const r = await db.from('accounts').upsert({ external_id: `${run}-${i}`, name: `storm ${i}` }, { onConflict: 'external_id' });
          if (!r.error) break;
          resends++;
          if (r.status === 401) {
            refreshes++;
            await db.auth.refreshSession();
          }
        }
      }
    } finally {
      await chaos(SERVICE, 'calm');
    }
    const entries = await ledger(SERVICE, run);
    assert.equal(entries.length, writes);
    for (const e of entries) assert.equal(e.commits, 1, JSON.stringify(e));
    report(`supabase-js at storm: ${writes} upserts on external_id, each committed once (asserted) after ${resends} resends `
      + `by the application (${refreshes} after a 401, with refreshSession()); faults met: ${JSON.stringify(await faultsSince(SERVICE, mark))}`);
  });

  test('at storm (reported): plain inserts into a table without a unique column, resent the same way', async () => {
    const db = await signedIn(direct.url);
    const run = `conf-sb-plain-${id()}`;
    const writes = 15;
    const mark = await faultMark(SERVICE);
    await chaos(SERVICE, 'storm');
    let failedForGood = 0;
    try {
      for (let i = 0; i < writes; i++) {
        let attempt = 0;
        for (; attempt < 10; attempt++) {
          const r = await db.from('events').insert({ kind: 'storm', value: i, external_id: `${run}-${i}` });
          if (!r.error) break;
          if (r.status === 401) await db.auth.refreshSession();
        }
        if (attempt === 10) failedForGood++;
      }
    } finally {
      await chaos(SERVICE, 'calm');
    }
    const entries = await ledger(SERVICE, run);
    const duplicates = entries.filter((e) => e.commits > 1).length;
    report(`supabase-js at storm (reported, plain inserts have no safe resend): ${writes} inserts into events, ${failedForGood} given up; `
      + `the ledger holds ${entries.length}, ${duplicates} committed more than once; faults met: ${JSON.stringify(await faultsSince(SERVICE, mark))}`);
  });
});
