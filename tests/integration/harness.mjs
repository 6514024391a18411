// Test harness for the integration suites: starts the real `bailanys` binary on
// 127.0.0.1, talks HTTP to it (with a cookie jar per "user") and WebSocket
// (with an event queue). Everything stays on loopback.
//
// HTTP requests go through node:http rather than fetch for three reasons:
// fetch normalises paths (so `/assets/../x` could never be sent as is), it
// cannot send arbitrary raw bytes in every case, and it cannot choose the
// local address. Each Client binds its own loopback source address
// (127.x.y.z), so per-address rate limits (sign-in, sign-up) of one test do
// not leak into the next; the rate-limit suite pins one address on purpose.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as pathJoin } from 'node:path';
import net from 'node:net';
import http from 'node:http';
import assert from 'node:assert/strict';
import { describe, before, after, it as nodeIt } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';

export { sleep };

export const BIN = process.env.BAILANYS_BIN || '/work/main/build/src/bailanys';
export const PG_URL = process.env.BAILANYS_TEST_PG_URL || '';
export const ROOM_CODE_RE = /^[a-hj-km-np-z]{3}-[a-hj-km-np-z]{4}-[a-hj-km-np-z]{3}$/;

const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5_000;
const REQUEST_TIMEOUT_MS = 10_000;

// Per-test time bound used by every suite.
export const T = { timeout: 30_000 };

// ---------------------------------------------------------------------------
// process-wide cleanup: never leave a server or a temp dir behind
// ---------------------------------------------------------------------------

const liveChildren = new Set();
const allServers = new Set();
const liveTempDirs = new Set();
process.on('exit', () => {
  for (const child of liveChildren) {
    try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  for (const dir of liveTempDirs) {
    try { rmSync(dir, { recursive: true, force: true }); } catch { /* ignore */ }
  }
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => process.exit(130));
}

export function makeTempDir(prefix = 'bailanys-it-') {
  const dir = mkdtempSync(pathJoin(tmpdir(), prefix));
  liveTempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  liveTempDirs.delete(dir);
}

// ---------------------------------------------------------------------------
// loopback source addresses
// ---------------------------------------------------------------------------

// Start at a random point so that two test files never share an address
// within the same minute (rate limits live in the server, and each file starts
// its own server anyway; this is belt and braces).
let loopbackCounter = Math.floor(Math.random() * 50_000);
export function nextLoopbackAddress() {
  loopbackCounter += 1;
  const n = loopbackCounter % 64_000;
  // 127.1.0.1 … 127.250.255.254, skipping .0 and .255 host bytes
  const b = 1 + Math.floor(n / 254) % 250;
  const c = Math.floor(n / (254 * 250)) % 250;
  const d = 1 + (n % 254);
  return `127.${b}.${c}.${d}`;
}

// ---------------------------------------------------------------------------
// ports
// ---------------------------------------------------------------------------

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// A node:test `it` that fails loudly, with the server's logs, when a server
// started by this file died on its own during the test.
export function it(name, opts, fn) {
  if (typeof opts === 'function') { fn = opts; opts = T; }
  return nodeIt(name, { ...T, ...opts }, async (t) => {
    const crashedBefore = new Set([...allServers].filter((s) => s.crashed));
    let failure = null;
    try {
      await fn(t);
    } catch (err) {
      failure = err;
      // A connection error may arrive before the exit event: give it a moment.
      const running = [...allServers].filter((s) => s.alive && s.exited);
      if (running.length) await Promise.race([Promise.any(running.map((s) => s.exited)), sleep(500)]);
    }
    const crashed = [...allServers].filter((s) => s.crashed && !crashedBefore.has(s));
    if (crashed.length) {
      const s = crashed[0];
      const msg = `the server process died during this test (${JSON.stringify(s.crashed)})` +
        `${failure ? `\nfirst failure: ${failure.stack || failure.message}` : ''}\n${s.logs}`;
      throw new Error(msg);
    }
    if (failure) {
      const dead = [...allServers].find((s) => s.crashed);
      if (dead && failure instanceof Error) {
        failure.message = `[server had died earlier: ${JSON.stringify(dead.crashed)}] ${failure.message}`;
      }
      throw failure;
    }
  });
}

// ---------------------------------------------------------------------------
// PostgreSQL: one fresh database per suite
// ---------------------------------------------------------------------------

function psql(url, sql) {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-X', '-c', sql], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (r.error) throw new Error(`psql failed to run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`psql ${JSON.stringify(sql)} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

function withDatabase(url, dbName) {
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  return u.toString();
}

export function createPgDatabase(label) {
  if (!PG_URL) throw new Error('BAILANYS_TEST_PG_URL is not set');
  const safe = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30);
  const name = `bailanys_it_${safe}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  psql(PG_URL, `CREATE DATABASE "${name}"`);
  return { name, url: withDatabase(PG_URL, name) };
}

export function dropPgDatabase(name) {
  psql(PG_URL, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

// ---------------------------------------------------------------------------
// backends
// ---------------------------------------------------------------------------

export function backends() {
  const list = [{ name: 'sqlite' }];
  if (PG_URL) list.push({ name: 'postgresql' });
  return list;
}

// describe() once per backend, with a fresh server (own data dir, own PG
// database) for the whole block. `fn(ctx, backend)` registers the tests; use
// `ctx.server` inside them.
export function describeEachBackend(title, fn, { serverArgs = [], timeout = 300_000 } = {}) {
  for (const backend of backends()) {
    describe(`${title} [${backend.name}]`, { timeout }, () => {
      const ctx = { server: null, backend };
      before(async () => {
        ctx.server = await Server.launch({ backend, label: title, extraArgs: serverArgs });
      });
      after(async () => {
        if (ctx.server) await ctx.server.dispose();
      });
      fn(ctx, backend);
    });
  }
}

// ---------------------------------------------------------------------------
// the server process
// ---------------------------------------------------------------------------

function tail(s, n = 8000) {
  return s.length > n ? `…${s.slice(-n)}` : s;
}

export class Server {
  // Creates the data dir (and PG database) and starts the binary.
  static async launch({ backend = { name: 'sqlite' }, label = 'suite', extraArgs = [] } = {}) {
    const server = new Server({ backend, label, extraArgs });
    try {
      await server.start();
    } catch (err) {
      await server.dispose().catch(() => {});
      throw err;
    }
    return server;
  }

  constructor({ backend, label, extraArgs }) {
    if (!existsSync(BIN)) {
      throw new Error(`bailanys binary not found at ${BIN} (set BAILANYS_BIN)`);
    }
    this.backend = backend;
    this.extraArgs = extraArgs;
    this.dataDir = makeTempDir(`bailanys-it-${label.replace(/[^a-z0-9]+/gi, '-')}-`);
    this.pgDb = backend.name === 'postgresql' ? createPgDatabase(label) : null;
    this.dbUrl = this.pgDb ? this.pgDb.url : null;
    this.child = null;
    this.port = 0;
    this.stdout = '';
    this.stderr = '';
    this.exitInfo = null; // { code, signal } once the current process has exited
    this.crashed = null;  // exit info when it exited without us stopping it
    this.stopping = false;
    allServers.add(this);
    this.exited = null;   // promise resolving to exitInfo
  }

  get host() { return `127.0.0.1:${this.port}`; }
  get origin() { return `http://127.0.0.1:${this.port}`; }
  get wsUrl() { return `ws://127.0.0.1:${this.port}/ws`; }
  get alive() { return this.child !== null && this.exitInfo === null; }
  get logs() { return `--- stderr ---\n${tail(this.stderr)}\n--- stdout ---\n${tail(this.stdout)}`; }

  args() {
    // Media ports 0: the kernel picks free ones (several servers run at once).
    const a = ['serve', '--listen', this.host, '--data-dir', this.dataDir, '--rtc-udp-port', '0', '--rtc-tcp-port', '0'];
    if (this.dbUrl) a.push('--db', this.dbUrl);
    return a.concat(this.extraArgs);
  }

  async start() {
    assert.equal(this.alive, false, 'server already running');
    this.port = await freePort();
    this.stdout = '';
    this.stderr = '';
    this.exitInfo = null;
    this.crashed = null;
    this.stopping = false;
    const child = spawn(BIN, this.args(), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    liveChildren.add(child);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => { this.stdout = tail(this.stdout + d, 200_000); });
    child.stderr.on('data', (d) => { this.stderr = tail(this.stderr + d, 200_000); });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        if (!this.stopping) this.crashed = this.exitInfo;
        liveChildren.delete(child);
        resolve(this.exitInfo);
      });
      child.on('error', (err) => {
        this.exitInfo = { code: null, signal: null, error: err };
        liveChildren.delete(child);
        resolve(this.exitInfo);
      });
    });

    const deadline = Date.now() + START_TIMEOUT_MS;
    let lastProblem = 'no answer yet';
    while (Date.now() < deadline) {
      if (this.exitInfo) {
        throw new Error(
          `bailanys exited early (code ${this.exitInfo.code}, signal ${this.exitInfo.signal}` +
            `${this.exitInfo.error ? `, ${this.exitInfo.error.message}` : ''})\n` +
            `args: ${this.args().join(' ')}\n${this.logs}`);
      }
      try {
        const res = await rawRequest(this, 'GET', '/healthz', { timeoutMs: 1000 });
        if (res.status === 200) return;
        lastProblem = `GET /healthz answered ${res.status}`;
      } catch (err) {
        lastProblem = err.message;
      }
      await sleep(100);
    }
    await this.stop();
    throw new Error(`bailanys did not become healthy within ${START_TIMEOUT_MS} ms (${lastProblem})\n` +
      `args: ${this.args().join(' ')}\n${this.logs}`);
  }

  // SIGTERM, then SIGKILL after 5 s. Returns the exit info.
  async stop() {
    if (!this.child) return null;
    const child = this.child;
    this.stopping = true;
    if (!this.exitInfo) {
      try { process.kill(child.pid, 'SIGTERM'); } catch { /* gone */ }
      const timer = sleep(STOP_GRACE_MS).then(() => 'timeout');
      const r = await Promise.race([this.exited, timer]);
      if (r === 'timeout' && !this.exitInfo) {
        try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
        await this.exited;
        this.killedHard = true;
      }
    }
    this.child = null;
    return this.exitInfo;
  }

  async restart() {
    await this.stop();
    await this.start();
  }

  async dispose() {
    await this.stop().catch(() => {});
    if (this.pgDb) {
      try { dropPgDatabase(this.pgDb.name); } catch { /* best effort */ }
      this.pgDb = null;
    }
    removeTempDir(this.dataDir);
    allServers.delete(this);
  }

  // Asserts the process is alive and GET /healthz is 200 {"status":"ok"}.
  async assertHealthy(note = '') {
    assert.ok(this.alive, `server process is gone ${JSON.stringify(this.exitInfo)} ${note}\n${this.logs}`);
    let res;
    try {
      res = await rawRequest(this, 'GET', '/healthz', { timeoutMs: 5000 });
    } catch (err) {
      assert.fail(`GET /healthz failed: ${err.message} ${note}\n${this.logs}`);
    }
    assert.equal(res.status, 200, `GET /healthz ${note}`);
    assert.deepEqual(res.json, { status: 'ok' });
  }
}

// ---------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------

// Sends one request on a fresh connection. `body` may be a Buffer/string (sent
// as is) or any other value (JSON-encoded, Content-Type application/json unless
// headers say otherwise). Returns { status, headers, rawHeaders, body (Buffer),
// text, json (undefined if not JSON), setCookies }.
export function rawRequest(server, method, path, {
  body, headers = {}, localAddress, timeoutMs = REQUEST_TIMEOUT_MS,
} = {}) {
  return new Promise((resolve, reject) => {
    const h = { Host: server.host, Connection: 'close', ...headers };
    let payload = null;
    if (body !== undefined) {
      if (Buffer.isBuffer(body) || typeof body === 'string') {
        payload = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
      } else {
        payload = Buffer.from(JSON.stringify(body), 'utf8');
        if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) {
          h['Content-Type'] = 'application/json';
        }
      }
      h['Content-Length'] = String(payload.length);
    }
    const req = http.request({
      host: '127.0.0.1',
      port: server.port,
      method,
      path,
      headers: h,
      localAddress,
      agent: false,
      setHost: false,
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (err) => { clearTimeout(timer); reject(err); });
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (err) => { clearTimeout(timer); reject(err); });
      res.on('end', () => {
        clearTimeout(timer);
        const buf = Buffer.concat(chunks);
        const text = buf.toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        const sc = res.headers['set-cookie'];
        resolve({
          status: res.statusCode,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: buf,
          text,
          json,
          setCookies: Array.isArray(sc) ? sc : sc ? [sc] : [],
        });
      });
    });
    if (payload) req.end(payload); else req.end();
  });
}

export function parseSetCookie(line) {
  const parts = line.split(';').map((s) => s.trim());
  const [nv, ...attrs] = parts;
  const eq = nv.indexOf('=');
  const cookie = { name: nv.slice(0, eq), value: nv.slice(eq + 1), attrs: {}, raw: line };
  for (const a of attrs) {
    const i = a.indexOf('=');
    const k = (i < 0 ? a : a.slice(0, i)).toLowerCase();
    cookie.attrs[k] = i < 0 ? true : a.slice(i + 1);
  }
  return cookie;
}

function cookieIsDeletion(c) {
  if (c.value === '') return true;
  if (c.attrs['max-age'] !== undefined && Number(c.attrs['max-age']) <= 0) return true;
  if (c.attrs.expires && Date.parse(c.attrs.expires) <= Date.now()) return true;
  return false;
}

// One "user agent": a cookie jar and its own loopback source address.
export class Client {
  constructor(server, { localAddress } = {}) {
    this.server = server;
    this.localAddress = localAddress ?? nextLoopbackAddress();
    this.cookies = new Map(); // name -> value
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get session() { return this.cookies.get('bailanys_session'); }

  async request(method, path, { body, headers = {}, noCookies = false, timeoutMs } = {}) {
    const h = { ...headers };
    if (!noCookies && this.cookies.size && !Object.keys(h).some((k) => k.toLowerCase() === 'cookie')) {
      h.Cookie = this.cookieHeader();
    }
    const res = await rawRequest(this.server, method, path, {
      body, headers: h, localAddress: this.localAddress, timeoutMs,
    });
    for (const line of res.setCookies) {
      const c = parseSetCookie(line);
      if (cookieIsDeletion(c)) this.cookies.delete(c.name); else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  get(path, opts) { return this.request('GET', path, opts); }
  post(path, body, opts = {}) { return this.request('POST', path, { ...opts, body }); }
  patch(path, body, opts = {}) { return this.request('PATCH', path, { ...opts, body }); }
  delete(path, opts) { return this.request('DELETE', path, opts); }

  // Signs up and returns the user object; asserts 201.
  async signup({ username, displayName, password = 'correct horse battery', language } = {}) {
    const body = { username, displayName: displayName ?? username, password };
    if (language !== undefined) body.language = language;
    const res = await this.post('/api/auth/signup', body);
    assert.equal(res.status, 201, `signup ${username}: ${res.status} ${res.text}`);
    assert.ok(res.json && res.json.user, `signup answer has no "user": ${res.text}`);
    this.user = res.json.user;
    this.password = password;
    return res.json.user;
  }

  async createRoom(body = {}) {
    const res = await this.post('/api/rooms', body);
    assert.equal(res.status, 201, `create room: ${res.status} ${res.text}`);
    assert.ok(res.json && res.json.room, `create-room answer has no "room": ${res.text}`);
    return res.json.room;
  }

  // Opens /ws carrying this client's cookies and source address.
  ws(opts = {}) {
    return openWs(this.server, { client: this, ...opts });
  }
}

let uniq = 0;
// A valid, unique username (3–32 chars of a-z0-9._-).
export function uniqueName(prefix = 'u') {
  uniq += 1;
  return `${prefix}${process.pid % 10000}x${uniq}${Math.floor(Math.random() * 1000)}`.slice(0, 32).toLowerCase();
}

// Asserts an error answer: exact status, JSON content type and error code.
export function assertError(res, status, code, extra = {}) {
  const where = `${res.status} ${res.headers['content-type']} ${res.text.slice(0, 500)}`;
  assert.equal(res.status, status, `status (expected ${status} ${code}); got ${where}`);
  assert.match(String(res.headers['content-type']), /^application\/json\b/i, `content type; got ${where}`);
  assert.ok(res.json && typeof res.json.error === 'object' && res.json.error !== null,
    `error object; got ${where}`);
  assert.equal(res.json.error.code, code, `error code; got ${where}`);
  assert.equal(typeof res.json.error.message, 'string', `error message; got ${where}`);
  for (const [k, v] of Object.entries(extra)) {
    assert.deepEqual(res.json.error[k], v, `error.${k}; got ${where}`);
  }
  return res.json.error;
}

export function assertJson(res, status) {
  const where = `${res.status} ${res.headers['content-type']} ${res.text.slice(0, 500)}`;
  assert.equal(res.status, status, `status; got ${where}`);
  assert.match(String(res.headers['content-type']), /^application\/json\b/i, `content type; got ${where}`);
  assert.ok(res.json !== undefined, `JSON body; got ${where}`);
  return res.json;
}

// ---------------------------------------------------------------------------
// WebSocket
// ---------------------------------------------------------------------------

export class WsConn {
  constructor(ws) {
    this.ws = ws;
    this.queue = [];     // events not yet consumed
    this.all = [];       // every event received, for diagnostics
    this.waiters = [];
    this.closeInfo = null;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString('utf8') };
        resolve(this.closeInfo);
        this.#wake();
      });
    });
    ws.on('message', (data, isBinary) => {
      let ev;
      try {
        ev = JSON.parse(data.toString('utf8'));
      } catch {
        ev = { type: '__unparsable__', raw: data.toString('utf8'), isBinary };
      }
      this.queue.push(ev);
      this.all.push(ev);
      this.#wake();
    });
    ws.on('error', (err) => { this.lastError = err; });
  }

  #wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  get isOpen() { return this.ws.readyState === WebSocket.OPEN; }

  send(obj) { this.ws.send(JSON.stringify(obj)); }
  sendRaw(data, { binary = false } = {}) { this.ws.send(data, { binary }); }

  // Resolves with the first queued event satisfying `pred` (and removes it).
  waitFor(pred, { timeoutMs = 5000, what = 'event' } = {}) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const i = this.queue.findIndex(pred);
        if (i >= 0) {
          clearTimeout(timer);
          resolve(this.queue.splice(i, 1)[0]);
          return true;
        }
        if (this.closeInfo) {
          clearTimeout(timer);
          reject(new Error(`socket closed (${this.closeInfo.code} ${this.closeInfo.reason}) while waiting for ${what}; ` +
            `received: ${this.describeReceived()}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== loop);
        reject(new Error(`no ${what} within ${timeoutMs} ms; received: ${this.describeReceived()}`));
      }, timeoutMs);
      const loop = () => { if (!check()) this.waiters.push(loop); };
      loop();
    });
  }

  next(type, { timeoutMs = 5000 } = {}) {
    return this.waitFor((e) => e && e.type === type, { timeoutMs, what: `"${type}" event` });
  }

  // Resolves with { event } or { close } – whichever comes first.
  async nextOrClose(type, { timeoutMs = 5000 } = {}) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const i = this.queue.findIndex((e) => e && e.type === type);
        if (i >= 0) { clearTimeout(timer); resolve({ event: this.queue.splice(i, 1)[0] }); return true; }
        if (this.closeInfo) { clearTimeout(timer); resolve({ close: this.closeInfo }); return true; }
        return false;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== loop);
        reject(new Error(`neither "${type}" nor close within ${timeoutMs} ms; received: ${this.describeReceived()}`));
      }, timeoutMs);
      const loop = () => { if (!check()) this.waiters.push(loop); };
      loop();
    });
  }

  // Waits for the close; returns { code, reason }.
  async waitClose({ timeoutMs = 5000 } = {}) {
    const r = await Promise.race([this.closed, sleep(timeoutMs).then(() => null)]);
    if (!r) throw new Error(`socket not closed within ${timeoutMs} ms; received: ${this.describeReceived()}`);
    return r;
  }

  // Everything queued that matches `pred` (not consumed).
  pending(pred = () => true) { return this.queue.filter(pred); }

  describeReceived() {
    return JSON.stringify(this.all.slice(-12)).slice(0, 2000);
  }

  // A round trip that proves the connection is alive and that every event the
  // server queued before our ping has arrived.
  async roundTrip({ timeoutMs = 5000 } = {}) {
    this.send({ type: 'ping' });
    return this.next('pong', { timeoutMs });
  }

  // Sends hello and waits for welcome (throws with the error event otherwise).
  async hello(room, name, { resume, v = 1, timeoutMs = 5000 } = {}) {
    const msg = { type: 'hello', v, room };
    if (name !== undefined) msg.name = name;
    if (resume !== undefined) msg.resume = resume;
    this.send(msg);
    const ev = await this.waitFor((e) => e && (e.type === 'welcome' || e.type === 'error'),
      { timeoutMs, what: 'welcome' });
    if (ev.type === 'error') throw new Error(`hello answered with error ${JSON.stringify(ev)}`);
    this.welcome = ev;
    return ev;
  }

  // Sends a chat message and waits for the sender's confirmation (or error).
  async chat(text, clientId = randomClientId(), { timeoutMs = 5000 } = {}) {
    this.send({ type: 'chat', clientId, text });
    const ev = await this.waitFor(
      (e) => e && ((e.type === 'chat' && e.message && e.message.clientId === clientId) ||
        (e.type === 'error' && e.ref === clientId)),
      { timeoutMs, what: `confirmation of chat ${clientId}` });
    if (ev.type === 'error') throw new Error(`chat answered with error ${JSON.stringify(ev)}`);
    return ev.message;
  }

  close(code = 1000, reason) {
    try { this.ws.close(code, reason); } catch { /* ignore */ }
  }

  // Drops the TCP connection without a close frame.
  drop() {
    this.ws._socket.destroy();
  }

  terminate() {
    try { this.ws.terminate(); } catch { /* ignore */ }
  }
}

let clientIdCounter = 0;
export function randomClientId() {
  clientIdCounter += 1;
  return `c-${Date.now().toString(36)}-${clientIdCounter}-${Math.random().toString(36).slice(2, 10)}`;
}

// Opens a WebSocket to /ws. By default sends Origin: the server's own origin;
// pass origin: null to send none. Resolves with a WsConn once open; rejects
// (with err.status set) when the upgrade is refused.
export function openWs(server, {
  client, origin = server.origin, headers = {}, localAddress, path = '/ws', timeoutMs = 5000,
} = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (origin !== null) h.Origin = origin;
    if (client && client.cookies.size) h.Cookie = client.cookieHeader();
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, {
      headers: h,
      localAddress: localAddress ?? client?.localAddress ?? nextLoopbackAddress(),
      handshakeTimeout: timeoutMs,
      perMessageDeflate: false,
      followRedirects: false,
    });
    const conn = new WsConn(ws);
    let settled = false;
    ws.once('open', () => { settled = true; resolve(conn); });
    ws.once('unexpected-response', (req, res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        const err = new Error(`upgrade refused: ${res.statusCode}`);
        err.status = res.statusCode;
        err.headers = res.headers;
        err.body = Buffer.concat(chunks).toString('utf8');
        reject(err);
        req.destroy();
      });
    });
    ws.once('error', (err) => {
      if (settled) return;
      settled = true;
      reject(err);
    });
  });
}

// Joins a room as a fresh guest (or as `client` if given) and returns the conn.
export async function join(server, room, name, opts = {}) {
  const conn = opts.client ? await opts.client.ws(opts) : await openWs(server, opts);
  await conn.hello(room, name, opts);
  return conn;
}

export async function closeAll(...conns) {
  for (const c of conns.flat()) {
    if (c) c.terminate();
  }
}

// Checks a Message object against the contract.
export function assertMessage(m, { text, clientId, authorId, authorName } = {}) {
  assert.equal(typeof m, 'object');
  assert.equal(Number.isInteger(m.id), true, `message.id integer: ${JSON.stringify(m)}`);
  assert.equal(typeof m.createdAt, 'number', `message.createdAt: ${JSON.stringify(m)}`);
  assert.ok(Math.abs(m.createdAt - Date.now()) < 120_000, `createdAt is now-ish (ms): ${m.createdAt}`);
  if (text !== undefined) assert.equal(m.text, text);
  if (clientId !== undefined) assert.equal(m.clientId, clientId);
  if (authorId !== undefined) assert.equal(m.authorId, authorId);
  if (authorName !== undefined) assert.equal(m.authorName, authorName);
}
