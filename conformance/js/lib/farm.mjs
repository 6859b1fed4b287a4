// The farm and the AAM the Java side started (OfficialJsClientsTest), and the farm's admin API: chaos dial, scripted
// faults, request counts, fault log and ledger, for staging faults and reading ground truth.
import { appendFileSync } from 'node:fs';

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: these tests are run by OfficialJsClientsTest, which starts the farm and the AAM`);
  return v;
}

export const FARM_URL = required('GAUNTLET_FARM_URL');
export const AAM_URL = required('GAUNTLET_AAM_URL');
/** Each service's own farm port root, e.g. {"github_mock":"http://127.0.0.1:40123"}. */
export const SERVICE_PORTS = JSON.parse(required('GAUNTLET_SERVICE_PORTS'));

/** The AAM's egress proxy for a connector. */
export const proxy = (connector) => `${AAM_URL}/proxy/${connector}`;

async function admin(method, path, body) {
  const res = await fetch(FARM_URL + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`farm admin ${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

export const chaos = (service, level) => admin('POST', '/admin/chaos', { level, services: [service] });
/** The next request that matches gets this fault (POST /admin/faults/script; docs/farm.md). */
export const script = (fault) => admin('POST', '/admin/faults/script', fault);

/**
 * After a test: the faults it scripted for its service must have been used up by its own requests. The farm's script
 * is shared by every test file and `DELETE /admin/faults/script` clears all of it, so it is cleared only when a test
 * left one behind (and that test fails), never under another file's feet.
 */
export async function assertScriptUsedUp(service) {
  const left = (await admin('GET', '/admin/faults/script')).pending.filter((e) => e.service === service);
  if (left.length === 0) return;
  await admin('DELETE', '/admin/faults/script');
  throw new Error(`scripted faults left unused for ${service}: ${JSON.stringify(left)}`);
}

export async function requests(service) {
  const status = await admin('GET', '/admin/status');
  return status.services.find((s) => s.id === service).requests;
}

/** The ledger's entries whose op id starts with a prefix. */
export async function ledger(service, opIdPrefix) {
  const all = await admin('GET', `/admin/ledger?service=${service}`);
  return all.entries.filter((e) => (e.op_id ?? '').startsWith(opIdPrefix));
}

/** Where a service's fault log ends now. */
export async function faultMark(service) {
  const log = await admin('GET', `/admin/faults?service=${service}&limit=100000`);
  return log.entries.reduce((m, e) => Math.max(m, e.seq), 0);
}

/** The fault log's entries for a service after a mark. */
export async function faultEntries(service, mark) {
  return (await admin('GET', `/admin/faults?service=${service}&after=${mark}&limit=100000`)).entries;
}

/** Faults injected into a service after a mark, counted by type (those after a commit apart). */
export async function faultsSince(service, mark) {
  const out = {};
  for (const e of await faultEntries(service, mark)) {
    const k = e.type + (e.after_commit ? ' after commit' : '');
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** A line of the conformance report (printed, and appended to the file the Java side names). */
export function report(line) {
  console.log(`conformance: ${line}`);
  if (process.env.GAUNTLET_CONFORMANCE_REPORT) appendFileSync(process.env.GAUNTLET_CONFORMANCE_REPORT, line + '\n');
}

/** fetch with a per-attempt timeout, given to a client as its documented custom fetch. */
export const timedFetch = (ms) => (url, init = {}) => fetch(url, { ...init, signal: AbortSignal.timeout(ms) });
