// POST /api/rtc/echo against the real binary: answers to a real Chromium offer (from
// tests/data/sdp), bad input of every kind, and garbage on the media ports. The browser side of
// the echo (frames decoded over UDP and TCP) is tests/e2e/echo.test.mjs.
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, Client, it, T, assertError, assertJson, rawRequest, sleep } from './harness.mjs';

const DATA = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'sdp');
const OFFER = readFileSync(join(DATA, 'chromium-offer-audio-video.sdp'), 'utf8');

function candidates(sdp) {
  return sdp.split(/\r?\n/).filter((l) => l.startsWith('a=candidate:')).map((l) => {
    const f = l.slice('a=candidate:'.length).split(' ');
    return { transport: f[2].toLowerCase(), address: f[4], port: Number(f[5]), type: f[7], tcptype: f[9] };
  });
}

describe('echo API', () => {
  let server;
  before(async () => { server = await Server.launch({ label: 'echo' }); });
  after(async () => { await server?.dispose(); });

  it('answers a Chromium offer: ice-lite, fingerprint, passive setup, UDP and TCP candidates', T, async () => {
    const body = assertJson(await new Client(server).post('/api/rtc/echo', { sdp: OFFER }), 200);
    assert.match(body.sessionId, /^[A-Za-z0-9_-]{8,}$/);
    const sdp = body.sdp;
    assert.match(sdp, /^v=0\r\n/);
    assert.match(sdp, /\r\na=ice-lite\r\n/);
    assert.match(sdp, /\r\na=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\r\n/);
    assert.match(sdp, /\r\na=setup:passive\r\n/);
    assert.match(sdp, /\r\na=group:BUNDLE 0 1\r\n/);
    assert.match(sdp, /\r\na=rtpmap:\d+ opus\/48000\/2\r\n/);
    assert.match(sdp, /\r\na=rtpmap:\d+ VP8\/90000\r\n/);
    assert.doesNotMatch(sdp, /rtx\/90000/, 'the echo answers NACKs itself: no RTX');
    const c = candidates(sdp);
    const udp = c.filter((x) => x.transport === 'udp');
    const tcp = c.filter((x) => x.transport === 'tcp');
    assert.ok(udp.length >= 1 && tcp.length >= 1, JSON.stringify(c));
    assert.ok(udp.every((x) => x.address === '127.0.0.1' && x.port > 0 && x.type === 'host'));
    assert.ok(tcp.every((x) => x.tcptype === 'passive'));
    assert.ok(udp[0].port !== 40000, 'port 0 → a kernel-chosen port');
    assert.match(sdp, /\r\na=end-of-candidates\r\n/);
    // The server sends on each m-section under its own SSRC.
    assert.equal((sdp.match(/\r\na=ssrc:\d+ cname:/g) || []).length, 2);
  });

  it('transport "tcp" offers only the ICE-TCP candidate', T, async () => {
    const body = assertJson(await new Client(server).post('/api/rtc/echo', { sdp: OFFER, transport: 'tcp' }), 200);
    const c = candidates(body.sdp);
    assert.ok(c.length >= 1 && c.every((x) => x.transport === 'tcp'), JSON.stringify(c));
  });

  it('bad requests get typed errors', T, async () => {
    const client = new Client(server);
    assertError(await client.post('/api/rtc/echo', {}), 400, 'invalid_field');
    assertError(await client.post('/api/rtc/echo', { sdp: 42 }), 400, 'invalid_field');
    assertError(await client.post('/api/rtc/echo', { sdp: OFFER, transport: 'quic' }), 400, 'invalid_field');
    const garbage = assertError(await client.post('/api/rtc/echo', { sdp: 'hello\r\nworld' }), 400, 'invalid_sdp');
    assert.match(garbage.message, /line \d+/);
    const noFingerprint = OFFER.replace(/a=fingerprint:[^\r\n]*\r?\n/g, '');
    assertError(await client.post('/api/rtc/echo', { sdp: noFingerprint }), 400, 'invalid_sdp');
    assertError(await client.post('/api/rtc/echo', { sdp: 'x'.repeat(40_000) }), 400, 'invalid_sdp');
    assertError(await client.request('POST', '/api/rtc/echo', { body: 'sdp', headers: { 'Content-Type': 'text/plain' } }), 415, 'unsupported_media_type');
    assertError(await client.request('POST', '/api/rtc/echo', { body: '{"sdp":', headers: { 'Content-Type': 'application/json' } }), 400, 'invalid_json');
    assertError(await client.get('/api/rtc/echo'), 405, 'method_not_allowed');
    assertError(await client.post('/api/rtc/echo', { sdp: OFFER }, { headers: { Origin: 'http://evil.example' } }), 403, 'bad_origin');
    assertJson(await rawRequest(server, 'GET', '/healthz'), 200);
  });

  it('limits echo tests per address (10 at once, then 429 with Retry-After)', T, async () => {
    const client = new Client(server);
    let limited = null;
    for (let i = 0; i < 12 && !limited; i++) {
      const res = await client.post('/api/rtc/echo', { sdp: OFFER });
      if (res.status === 429) limited = res;
      else assertJson(res, 200);
    }
    assert.ok(limited, 'the 11th request at the latest is refused');
    assertError(limited, 429, 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    // Another address is not affected.
    assertJson(await new Client(server).post('/api/rtc/echo', { sdp: OFFER }), 200);
  });

  it('garbage on the media ports is dropped and the server keeps answering', T, async () => {
    const body = assertJson(await new Client(server).post('/api/rtc/echo', { sdp: OFFER }), 200);
    const c = candidates(body.sdp);
    const udpPort = c.find((x) => x.transport === 'udp').port;
    const tcpPort = c.find((x) => x.transport === 'tcp').port;
    const sock = dgram.createSocket('udp4');
    await new Promise((r) => sock.bind(0, '127.0.0.1', r));
    const sends = [];
    for (let i = 0; i < 500; i++) {
      const len = Math.floor(Math.random() * 1200);
      const b = Buffer.alloc(len);
      for (let j = 0; j < len; j++) b[j] = Math.floor(Math.random() * 256);
      // Some look like STUN, DTLS or RTP by their first byte (RFC 7983 classes).
      if (len > 0) b[0] = [0x00, 0x01, 0x16, 0x80, 0x90, 0xff][i % 6];
      if (len > 8 && b[0] <= 1) b.writeUInt32BE(0x2112a442, 4);
      sends.push(new Promise((r) => sock.send(b, udpPort, '127.0.0.1', () => r())));
    }
    await Promise.all(sends);
    sock.close();
    // TCP: a frame of garbage, and a connection that never speaks.
    const tcpGarbage = net.connect(tcpPort, '127.0.0.1');
    await new Promise((r) => tcpGarbage.once('connect', r));
    tcpGarbage.write(Buffer.from([0x00, 0x10, ...Array(16).fill(0x80)]));
    const closed = await Promise.race([new Promise((r) => tcpGarbage.once('close', () => r(true))), sleep(3000).then(() => false)]);
    assert.ok(closed, 'a TCP connection whose first frame is not an ICE check is closed');
    await sleep(100);
    assertJson(await rawRequest(server, 'GET', '/healthz'), 200);
    assertJson(await new Client(server).post('/api/rtc/echo', { sdp: OFFER }), 200);
  });

  it('an ICE-TCP connection that never speaks is closed after about 10 s', { timeout: 30_000 }, async () => {
    const body = assertJson(await new Client(server).post('/api/rtc/echo', { sdp: OFFER }), 200);
    const tcpPort = candidates(body.sdp).find((x) => x.transport === 'tcp').port;
    const silent = net.connect(tcpPort, '127.0.0.1');
    await new Promise((r) => silent.once('connect', r));
    const opened = Date.now();
    const closedAfter = await Promise.race([
      new Promise((r) => silent.once('close', () => r(Date.now() - opened))),
      sleep(20_000).then(() => null),
    ]);
    silent.destroy();
    assert.ok(closedAfter !== null, 'the server closed the silent connection');
    assert.ok(closedAfter >= 9_000 && closedAfter <= 13_000, `closed after ${closedAfter} ms`);
  });
});

describe('echo API with two media workers', () => {
  let server;
  before(async () => { server = await Server.launch({ label: 'echo-workers', extraArgs: ['--media-workers', '2'] }); });
  after(async () => { await server?.dispose(); });

  it('sessions are spread over the workers, each with its own ports', T, async () => {
    const ports = new Set();
    for (let i = 0; i < 4; i++) {
      const body = assertJson(await new Client(server).post('/api/rtc/echo', { sdp: OFFER }), 200);
      ports.add(candidates(body.sdp).find((x) => x.transport === 'udp').port);
    }
    assert.equal(ports.size, 2, `answers name both workers' UDP ports: ${[...ports]}`);
  });
});

describe('echo API with ICE-TCP turned off', () => {
  let server;
  before(async () => { server = await Server.launch({ label: 'echo-notcp', extraArgs: ['--no-rtc-tcp'] }); });
  after(async () => { await server?.dispose(); });

  it('offers only UDP, and refuses a TCP-only echo with a clear error', T, async () => {
    const body = assertJson(await new Client(server).post('/api/rtc/echo', { sdp: OFFER }), 200);
    assert.ok(candidates(body.sdp).every((x) => x.transport === 'udp'));
    const err = assertError(await new Client(server).post('/api/rtc/echo', { sdp: OFFER, transport: 'tcp' }), 400, 'invalid_request');
    assert.match(err.message, /ICE-TCP/);
  });
});
