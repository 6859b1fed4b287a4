// Starts and stops `gauntlet up` for the end-to-end tests, and finds Debian's chromium.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Debian's chromium (or $GAUNTLET_CHROMIUM); a clear error when there is none. */
export function browserPath() {
  const candidates = [process.env.GAUNTLET_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(`no Chromium found (looked at ${candidates.join(', ')}): ./gauntlet test installs Debian's chromium when it can; `
      + 'else run apt-get install chromium or set GAUNTLET_CHROMIUM');
  }
  return found;
}

function javaBinary() {
  const home = process.env.JAVA_HOME;
  return home ? join(home, 'bin', 'java') : 'java';
}

async function waitFor(url, deadlineMs, proc) {
  const until = Date.now() + deadlineMs;
  let last = '';
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`gauntlet up exited with ${proc.exitCode} before ${url} answered`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((ok) => setTimeout(ok, 250));
  }
  throw new Error(`${url} did not answer within ${deadlineMs} ms (${last})`);
}

/** `java -jar gauntlet.jar up` on the given ports and data folder; resolves when the UI, the AAM and the farm answer. */
export async function startGauntlet({ ports, data, log }) {
  const jar = resolve(process.env.GAUNTLET_JAR ?? join(import.meta.dirname, '..', '..', 'cli', 'target', 'gauntlet.jar'));
  if (!existsSync(jar)) throw new Error(`no runnable jar at ${jar}: build it first (./gauntlet build)`);
  const out = createWriteStream(log);
  const proc = spawn(javaBinary(), ['-jar', jar, 'up', '--farm-port', String(ports.farm), '--aam-port', String(ports.aam),
    '--ui-port', String(ports.ui), '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.pipe(out);
  proc.stderr.pipe(out);
  const uiUrl = `http://127.0.0.1:${ports.ui}`;
  const aamUrl = `http://127.0.0.1:${ports.aam}`;
  const farmUrl = `http://127.0.0.1:${ports.farm}`;
  try {
    await waitFor(`${aamUrl}/health`, 60_000, proc);
    await waitFor(`${farmUrl}/admin/status`, 10_000, proc);
    await waitFor(`${uiUrl}/`, 10_000, proc);
  } catch (e) {
    proc.kill('SIGKILL');
    throw new Error(`${e.message}; its output is in ${log}`);
  }
  return {
    uiUrl,
    aamUrl,
    farmUrl,
    /** Ctrl-C, as a user would; a hard kill if it has not ended within 15 s. */
    stop: () => new Promise((ok) => {
      if (proc.exitCode !== null) return ok();
      const hard = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      proc.once('exit', () => {
        clearTimeout(hard);
        ok();
      });
      proc.kill('SIGINT');
    }),
  };
}
