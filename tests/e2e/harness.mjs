// Browser end-to-end harness: the real `bailanys` binary on 127.0.0.1, Debian's Chromium driven
// by playwright-core, raw WebSocket guests (npm `ws`) for cheap extra participants, and helpers
// for screenshots and bounded waits.
//
// Environment:
//   BAILANYS_BIN       the binary (default /work/main/build/src/bailanys)
//   BAILANYS_WEB_ROOT  read by the binary itself: serve the web client from this folder instead
//                      of the embedded copy (passed through unchanged)
//   CHROMIUM_BIN       the browser (default /usr/bin/chromium)
//
// Everything listens on and talks to 127.0.0.1 only. Run the suite inside a loopback-only network
// namespace with e2e/run-isolated.sh (see there).

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync, readFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as pathJoin, dirname, resolve as pathResolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

export { sleep };

const HERE = dirname(fileURLToPath(import.meta.url));
export const PROJECT_ROOT = pathResolve(HERE, '..', '..');
export const BIN = process.env.BAILANYS_BIN || '/work/main/build/src/bailanys';
export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
export const ARTIFACTS = pathJoin(PROJECT_ROOT, 'tests', 'artifacts', 'e2e');
export const ROOM_CODE_RE = /^[a-hj-km-np-z]{3}-[a-hj-km-np-z]{4}-[a-hj-km-np-z]{3}$/;

const SERVER_START_MS = 15_000;
const BIN_MISSING_WAIT_MS = 90_000; // a rebuild may replace the binary underneath us
const STOP_GRACE_MS = 5_000;

// The Chromium flags every test uses (see /work/shared/TESTING.md). FAKE_UI auto-accepts the
// camera/microphone prompt; the "denied" test leaves it out.
export const FAKE_UI = '--use-fake-ui-for-media-stream';
export const BASE_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required',
];

// ---------------------------------------------------------------------------------------------
// cleanup of everything this process started, even when a test throws or the runner is killed
// ---------------------------------------------------------------------------------------------

const liveChildren = new Set(); // child processes we spawned (by PID)
const tempDirs = new Set();
process.on('exit', () => {
  for (const child of liveChildren) {
    try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  for (const dir of tempDirs) {
    try { rmSync(dir, { recursive: true, force: true }); } catch { /* ignore */ }
  }
});
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));

export function makeTempDir(prefix) {
  const dir = mkdtempSync(pathJoin(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}
function removeTempDir(dir) {
  try { rmSync(dir, { recursive: true, force: true }); } catch { /* ignore */ }
  tempDirs.delete(dir);
}

export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// the server
// ---------------------------------------------------------------------------------------------

function tail(s, n = 6000) {
  return s.length > n ? `…${s.slice(-n)}` : s;
}

async function waitForBinary() {
  const deadline = Date.now() + BIN_MISSING_WAIT_MS;
  while (!existsSync(BIN)) {
    if (Date.now() > deadline) throw new Error(`bailanys binary not found at ${BIN} (set BAILANYS_BIN)`);
    await sleep(500);
  }
}

export class Server {
  // options.host: the address to listen on (default 127.0.0.1; the media sockets follow it
  // unless extraArgs say otherwise). shaped-links.test.mjs uses an address of its own namespaces.
  static async start(extraArgs = [], options = {}) {
    const s = new Server(extraArgs, options);
    // The binary may be mid-rebuild (missing, or not yet executable): retry a few times.
    let lastErr = null;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await waitForBinary();
        await s.launch();
        return s;
      } catch (err) {
        lastErr = err;
        await s.stop().catch(() => {});
        if (!/ENOENT|ETXTBSY|EACCES/.test(String(err.message))) break;
        await sleep(2000);
      }
    }
    s.dispose();
    throw lastErr;
  }

  constructor(extraArgs, { host = '127.0.0.1' } = {}) {
    this.extraArgs = extraArgs;
    this.host = host;
    this.dataDir = makeTempDir('bailanys-e2e-data-');
    this.child = null;
    this.port = 0;
    this.stderr = '';
    this.stdout = '';
    this.exitInfo = null;
  }

  get origin() { return `http://${this.host}:${this.port}`; }
  get wsUrl() { return `ws://${this.host}:${this.port}/ws`; }
  get pid() { return this.child?.pid; }
  get logs() { return `--- stderr ---\n${tail(this.stderr)}\n--- stdout ---\n${tail(this.stdout)}`; }

  async launch() {
    this.port = await freePort(this.host);
    this.stderr = '';
    this.stdout = '';
    this.exitInfo = null;
    // Media ports 0: the kernel picks free ones (several servers run at once).
    const args = ['serve', '--listen', `${this.host}:${this.port}`, '--data-dir', this.dataDir,
      '--rtc-udp-port', '0', '--rtc-tcp-port', '0', ...this.extraArgs];
    const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    liveChildren.add(child);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => { this.stdout = tail(this.stdout + d, 100_000); });
    child.stderr.on('data', (d) => { this.stderr = tail(this.stderr + d, 100_000); });
    // BAILANYS_E2E_SERVER_LOG=FILE keeps the server's whole output (debugging a test).
    if (process.env.BAILANYS_E2E_SERVER_LOG) {
      const file = createWriteStream(process.env.BAILANYS_E2E_SERVER_LOG, { flags: 'a' });
      child.stdout.on('data', (d) => file.write(d));
      child.stderr.on('data', (d) => file.write(d));
    }
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        liveChildren.delete(child);
        resolve(this.exitInfo);
      });
      child.on('error', (err) => {
        this.exitInfo = { code: null, signal: null, error: err.message };
        liveChildren.delete(child);
        resolve(this.exitInfo);
      });
    });
    const deadline = Date.now() + SERVER_START_MS;
    let problem = 'no answer yet';
    while (Date.now() < deadline) {
      if (this.exitInfo) {
        throw new Error(`bailanys exited early ${JSON.stringify(this.exitInfo)}\nargs: ${args.join(' ')}\n${this.logs}`);
      }
      try {
        const res = await fetch(`${this.origin}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) break;
        problem = `GET /healthz answered ${res.status}`;
      } catch (err) {
        problem = err.message;
      }
      await sleep(100);
    }
    if (Date.now() >= deadline) {
      throw new Error(`bailanys did not become healthy within ${SERVER_START_MS} ms (${problem})\n${this.logs}`);
    }
    // The web client must be there (embedded, or BAILANYS_WEB_ROOT): say so clearly if not.
    const home = await fetch(`${this.origin}/`);
    const body = await home.text();
    if (home.status !== 200 || !/<html/i.test(body)) {
      throw new Error(`GET / answered ${home.status} ${home.headers.get('content-type')}: ${body.slice(0, 200)}\n` +
        '(the binary serves no web client; rebuild it, or set BAILANYS_WEB_ROOT=/work/main/web)');
    }
  }

  assertAlive() {
    assert.equal(this.exitInfo, null, `the server died: ${JSON.stringify(this.exitInfo)}\n${this.logs}`);
  }

  // SIGTERM by PID, SIGKILL after a grace period.
  async stop() {
    const child = this.child;
    if (!child) return null;
    if (!this.exitInfo) {
      try { process.kill(child.pid, 'SIGTERM'); } catch { /* gone */ }
      const r = await Promise.race([this.exited, sleep(STOP_GRACE_MS).then(() => 'timeout')]);
      if (r === 'timeout' && !this.exitInfo) {
        try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
        await this.exited;
      }
    }
    this.child = null;
    return this.exitInfo;
  }

  dispose() {
    removeTempDir(this.dataDir);
  }

  async close() {
    await this.stop();
    this.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// REST from node (a cookie jar per API user), for setup that is not what the test is about
// ---------------------------------------------------------------------------------------------

let uniq = 0;
export function uniqueUsername(prefix = 'u') {
  uniq += 1;
  return `${prefix}${process.pid % 10000}${uniq}${Math.floor(Math.random() * 1000)}`.toLowerCase().slice(0, 32);
}

export class ApiUser {
  constructor(server) {
    this.server = server;
    this.cookie = '';
    this.user = null;
  }

  async request(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (this.cookie) headers.Cookie = this.cookie;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${this.server.origin}${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const set = res.headers.getSetCookie?.() ?? [];
    for (const c of set) {
      const m = c.match(/^bailanys_session=([^;]*)/);
      if (m) this.cookie = `bailanys_session=${m[1]}`;
    }
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, json, text };
  }

  async signup({ username = uniqueUsername(), displayName, password = 'correct horse battery', language } = {}) {
    const body = { username, displayName: displayName ?? username, password };
    if (language) body.language = language;
    const res = await this.request('POST', '/api/auth/signup', body);
    assert.equal(res.status, 201, `signup: ${res.status} ${res.text}`);
    this.user = res.json.user;
    return this.user;
  }

  async createRoom(body = {}) {
    const res = await this.request('POST', '/api/rooms', body);
    assert.equal(res.status, 201, `create room: ${res.status} ${res.text}`);
    return res.json.room;
  }
}

// ---------------------------------------------------------------------------------------------
// raw WebSocket participants (cheap extra people in a room)
// ---------------------------------------------------------------------------------------------

let loopbackCounter = Math.floor(Math.random() * 30_000);
export function nextLoopbackAddress() {
  loopbackCounter += 1;
  const n = loopbackCounter % 60_000;
  return `127.${1 + (Math.floor(n / 250) % 250)}.${Math.floor(n / 62_500) % 250}.${1 + (n % 250)}`;
}

export class WsGuest {
  // Each raw guest uses its own loopback source address (127.x.y.z), so the server's per-address
  // chat limit is not shared with the browsers (which all come from 127.0.0.1).
  static async join(server, room, name, { timeoutMs = 5000, localAddress = nextLoopbackAddress() } = {}) {
    const ws = new WebSocket(server.wsUrl, { headers: { Origin: server.origin }, perMessageDeflate: false, localAddress });
    const g = new WsGuest(ws);
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('ws open timeout')), timeoutMs);
      ws.once('open', () => { clearTimeout(timer); resolve(); });
      ws.once('error', (err) => { clearTimeout(timer); reject(err); });
      ws.once('unexpected-response', (req, res) => { clearTimeout(timer); reject(new Error(`upgrade refused: ${res.statusCode}`)); });
    });
    ws.send(JSON.stringify({ type: 'hello', v: 1, room, name }));
    const w = await g.waitFor((e) => e.type === 'welcome' || e.type === 'error', timeoutMs, 'welcome');
    if (w.type !== 'welcome') throw new Error(`hello refused: ${JSON.stringify(w)}`);
    g.welcome = w;
    g.self = w.self;
    return g;
  }

  constructor(ws) {
    this.ws = ws;
    this.events = [];
    this.waiters = new Set();
    this.closed = new Promise((resolve) => ws.on('close', (code) => { this.closeCode = code; resolve(code); this.wake(); }));
    ws.on('message', (data) => {
      try { this.events.push(JSON.parse(data.toString('utf8'))); } catch { /* ignore */ }
      this.wake();
    });
    ws.on('error', () => {});
  }

  wake() { for (const w of [...this.waiters]) w(); }

  waitFor(pred, timeoutMs = 5000, what = 'event') {
    return new Promise((resolve, reject) => {
      let timer = null;
      const check = () => {
        const i = this.events.findIndex(pred);
        if (i >= 0) {
          this.waiters.delete(check);
          clearTimeout(timer);
          resolve(this.events.splice(i, 1)[0]);
        } else if (this.closeCode !== undefined) {
          this.waiters.delete(check);
          clearTimeout(timer);
          reject(new Error(`socket closed (${this.closeCode}) while waiting for ${what}`));
        }
      };
      timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.events.slice(-5)).slice(0, 500)}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Sends a chat message and waits for the server's confirmation (rate_limited: waits and retries). */
  async chat(text, clientId = `e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`) {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      this.ws.send(JSON.stringify({ type: 'chat', clientId, text }));
      const ev = await this.waitFor((e) => (e.type === 'chat' && e.message?.clientId === clientId) ||
        (e.type === 'error' && e.ref === clientId), 5000, `confirmation of ${clientId}`);
      if (ev.type === 'chat') return ev.message;
      if (ev.code !== 'rate_limited') throw new Error(`chat refused: ${JSON.stringify(ev)}`);
      await sleep(Math.max(1, Number(ev.retryAfter) || 1) * 1000);
    }
    throw new Error(`chat ${clientId} still rate limited`);
  }

  async leave() {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'leave' }));
    await Promise.race([this.closed, sleep(3000)]);
    this.ws.terminate();
  }

  terminate() { try { this.ws.terminate(); } catch { /* ignore */ } }
}

// ---------------------------------------------------------------------------------------------
// the browser
// ---------------------------------------------------------------------------------------------

/**
 * Debian's Chromium with a throw-away profile home. `fakeUi: false` leaves the media prompt alone.
 * `executablePath`: another launcher (e.g. a script that starts Chromium in a network namespace).
 */
export async function launchBrowser({ fakeUi = true, extraArgs = [], executablePath = CHROMIUM } = {}) {
  const home = makeTempDir('bailanys-e2e-home-');
  const args = [...BASE_ARGS, ...(fakeUi ? [FAKE_UI] : []), ...extraArgs];
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: pathJoin(home, '.config'), XDG_CACHE_HOME: pathJoin(home, '.cache') },
    timeout: 30_000,
  });
  browser.on('disconnected', () => removeTempDir(home));
  return browser;
}

/**
 * One person: a fresh browser context (own cookies and storage) and a page. Records uncaught page
 * errors, console errors and every dialog (alert/confirm/prompt) the page opens.
 */
/**
 * Helpers every test page gets as window.__bailanysTest (for page.evaluate code):
 * - midOfSsrc(sdp): {ssrc: mid} from the a=ssrc lines of a description (the server's receive
 *   offer names each stream's SSRC), so inbound-rtp stats can be matched to window.__media.tracks.
 */
const PAGE_TEST_HELPERS = () => {
  window.__bailanysTest = {
    midOfSsrc(sdp) {
      const out = {};
      let mid = null;
      for (const line of (sdp ?? '').split(/\r?\n/)) {
        if (line.startsWith('m=')) mid = null;
        else if (line.startsWith('a=mid:')) mid = line.slice(6).trim();
        else if (line.startsWith('a=ssrc:') && mid) out[line.slice(7).split(' ')[0]] = mid;
      }
      return out;
    },
  };
};

export async function newPerson(browser, server, { label = 'person', locale = 'en-US', viewport = { width: 1280, height: 800 }, permissions, ...contextOpts } = {}) {
  const context = await browser.newContext({
    baseURL: server.origin,
    locale,
    extraHTTPHeaders: { 'Accept-Language': `${locale},${locale.split('-')[0]};q=0.9` },
    viewport,
    ...contextOpts,
  });
  if (permissions) await context.grantPermissions(permissions, { origin: server.origin });
  await context.addInitScript(PAGE_TEST_HELPERS);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const person = { label, context, page, dialogs: [], pageErrors: [], consoleErrors: [], badResponses: [] };
  page.on('dialog', (d) => { person.dialogs.push({ type: d.type(), message: d.message() }); d.dismiss().catch(() => {}); });
  page.on('pageerror', (err) => person.pageErrors.push(String(err?.stack || err)));
  page.on('console', (msg) => { if (msg.type() === 'error') person.consoleErrors.push(msg.text()); });
  page.on('response', (res) => {
    if (res.status() >= 400) person.badResponses.push(`${res.request().method()} ${new URL(res.url()).pathname} ${res.status()}`);
  });
  return person;
}

// A guest's GET /api/me answers 401 by design (docs/API.md): the client asks who is signed in.
export const EXPECTED_RESPONSES = [/^GET \/api\/me 401$/];

/**
 * No uncaught exceptions in the page, no dialogs, no console errors and no HTTP errors other than
 * the expected ones. Chromium logs every HTTP error as a console error "Failed to load resource":
 * those are judged by their response (URL and status) instead.
 */
export function assertCleanPage(person, { allowResponses = [], allowConsole = [] } = {}) {
  assert.deepEqual(person.pageErrors, [], `${person.label}: uncaught errors in the page`);
  assert.deepEqual(person.dialogs, [], `${person.label}: the page opened dialogs`);
  const allowed = [...EXPECTED_RESPONSES, ...allowResponses];
  const responses = person.badResponses.filter((r) => !allowed.some((re) => re.test(r)));
  assert.deepEqual(responses, [], `${person.label}: unexpected HTTP errors`);
  const consoleErrors = person.consoleErrors.filter((t) => !/^Failed to load resource: the server responded with a status of \d+/.test(t) &&
    !allowConsole.some((re) => re.test(t)));
  assert.deepEqual(consoleErrors, [], `${person.label}: console errors`);
}

export function testid(page, id) {
  return page.locator(`[data-testid="${id}"]`);
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = pathJoin(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false, animations: 'disabled', caret: 'hide' });
  return file;
}

/** Polls `fn` until it returns a truthy value (returned) or throws the last assertion failure. */
export async function eventually(fn, { timeoutMs = 5000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastErr = null;
  for (;;) {
    try {
      const v = await fn();
      if (v !== false && v !== undefined && v !== null) return v;
      lastErr = null;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      if (lastErr) {
        lastErr.message = `${what} not reached within ${timeoutMs} ms: ${lastErr.message}`;
        throw lastErr;
      }
      throw new Error(`${what} not reached within ${timeoutMs} ms`);
    }
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------------------------
// what the room page shows
// ---------------------------------------------------------------------------------------------

/** The participant list as the user sees it: [{name, id, state, self}] in display order. */
export function participantList(page) {
  return page.locator('[data-testid="participant-item"]').evaluateAll((items) => items.map((li) => ({
    name: li.querySelector('.participant-name')?.textContent ?? '',
    id: li.dataset.participantId,
    state: li.dataset.state,
    self: li.dataset.self === 'true',
  })));
}

export async function participantNames(page) {
  return (await participantList(page)).map((p) => p.name);
}

/** Chat messages as shown: [{author, text, time, datetime, status, own, id}] in display order. */
export function chatMessages(page) {
  return page.locator('[data-testid="chat-log"] [data-testid="chat-message"]').evaluateAll((items) => items.map((li) => ({
    author: li.querySelector('[data-testid="chat-author"]')?.textContent ?? null,
    text: li.querySelector('[data-testid="chat-text"]')?.textContent ?? null,
    time: li.querySelector('[data-testid="chat-time"]')?.textContent ?? null,
    datetime: li.querySelector('[data-testid="chat-time"]')?.getAttribute('datetime') ?? null,
    status: li.dataset.status,
    own: li.dataset.own === 'true',
    id: li.dataset.messageId ? Number(li.dataset.messageId) : null,
  })));
}

/** Opens /r/<code>, checks the pre-join screen, types the guest name (unless signed in) and joins. */
export async function joinRoom(person, code, { name, withoutMedia = false } = {}) {
  const { page } = person;
  if (!page.url().endsWith(`/r/${code}`)) await page.goto(`/r/${code}`);
  await testid(page, 'prejoin').waitFor({ state: 'visible' });
  if (name !== undefined) await testid(page, 'prejoin-name').fill(name);
  await testid(page, withoutMedia ? 'prejoin-join-without-media' : 'prejoin-join').click();
  await waitJoined(page);
}

/** Waits for the room view with a welcome received (the self entry in the participant list). */
export async function waitJoined(page, timeoutMs = 10_000) {
  await testid(page, 'room-view').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('[data-testid="participant-item"][data-self="true"]').waitFor({ state: 'attached', timeout: timeoutMs });
}

export async function sendChat(page, text) {
  const input = testid(page, 'chat-input');
  await input.fill(text);
  await input.press('Enter');
}

/** Waits until the page shows `count` participants with exactly these names (any order). */
export async function waitForParticipants(page, names, { timeoutMs = 5000 } = {}) {
  const want = [...names].sort();
  return eventually(async () => {
    const got = (await participantNames(page)).sort();
    assert.deepEqual(got, want);
    const count = await testid(page, 'participant-count').getAttribute('data-count');
    assert.equal(count, String(want.length));
    return true;
  }, { timeoutMs, what: `participants ${JSON.stringify(want)}` });
}

// ---------------------------------------------------------------------------------------------
// translations: the dictionaries of web/i18n (ES modules without a package.json, so loaded as text)
// ---------------------------------------------------------------------------------------------

const dictCache = new Map();
export async function loadDict(lang) {
  if (!dictCache.has(lang)) {
    const src = readFileSync(pathJoin(PROJECT_ROOT, 'web', 'i18n', `${lang}.js`), 'utf8');
    const mod = await import(`data:text/javascript;charset=utf-8,${encodeURIComponent(src)}`);
    dictCache.set(lang, mod.default);
  }
  return dictCache.get(lang);
}

// ---------------------------------------------------------------------------------------------
// a TCP proxy in front of the server: lets a test cut one person's network (no close frames, no
// FIN from the server's point of view) and bring it back
// ---------------------------------------------------------------------------------------------

export class CuttableProxy {
  static async start(server) {
    const p = new CuttableProxy(server);
    await new Promise((resolve, reject) => {
      p.srv.once('error', reject);
      p.srv.listen(0, '127.0.0.1', resolve);
    });
    p.port = p.srv.address().port;
    return p;
  }

  constructor(server) {
    this.server = server;
    this.sockets = new Set();
    this.down = false;
    this.srv = net.createServer((client) => {
      if (this.down) { client.resetAndDestroy?.() ?? client.destroy(); return; }
      const upstream = net.connect({ host: '127.0.0.1', port: server.port });
      this.sockets.add(client);
      this.sockets.add(upstream);
      const forget = () => { this.sockets.delete(client); this.sockets.delete(upstream); };
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => { upstream.destroy(); forget(); });
      upstream.on('close', () => { client.destroy(); forget(); });
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  get origin() { return `http://127.0.0.1:${this.port}`; }

  /** Drops every connection abruptly (TCP reset, no WebSocket close frame) and refuses new ones. */
  cut() {
    this.down = true;
    for (const s of this.sockets) {
      if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy(); else s.destroy();
    }
    this.sockets.clear();
  }

  restore() { this.down = false; }

  async close() {
    this.cut();
    await new Promise((resolve) => this.srv.close(() => resolve()));
  }
}
