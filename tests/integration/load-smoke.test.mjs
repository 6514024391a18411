// A short smoke run of the load generator (bench/load, `bailanys-load`) against the real server,
// so the generator cannot rot (issue 6): four synthetic participants built from our own rtc
// engines join one room over the documented protocol, all publish audio and video for about
// four seconds, and every packet a publisher sends must reach every other participant.
// The generator prints one JSON object (--json); its fields are described in bench/load/README.md.
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BIN, Server, it } from './harness.mjs';

// Built next to the server by scripts/build.sh: build/src/bailanys and build/bench/load/bailanys-load.
const LOAD_BIN = process.env.BAILANYS_LOAD_BIN || resolve(dirname(BIN), '..', 'bench', 'load', 'bailanys-load');

// Generators still running when this file ends (a failed assertion elsewhere) are killed.
const live = new Set();
process.on('exit', () => { for (const c of live) { try { c.kill('SIGKILL'); } catch { /* gone */ } } });

// Runs the generator to its end. Resolves { code, signal, stdout, stderr }.
function runLoad(args, { timeoutMs = 60_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(LOAD_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-20_000); });
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => { clearTimeout(killer); live.delete(child); reject(err); });
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      live.delete(child);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

describe('load generator smoke run (bailanys-load)', { timeout: 180_000 }, () => {
  let server;
  before(async () => {
    assert.ok(existsSync(LOAD_BIN), `bailanys-load not found at ${LOAD_BIN} (set BAILANYS_LOAD_BIN)`);
    server = await Server.launch({ label: 'load-smoke' });
  });
  after(async () => {
    if (server) await server.dispose();
  });

  it('4 participants, 4 s: every packet delivered, no freeze, a keyframe for everyone, p99 under 50 ms',
    { timeout: 90_000 }, async () => {
      // Each receives three publishers: 3 x 200 kbit/s of video and the audio fit the server's
      // 1 Mbit/s start estimate of a new downlink (docs/BWE.md), so nothing is held back while
      // the estimate is still being measured and every packet must arrive.
      const run = await runLoad(['--url', server.origin, '--participants', '4', '--duration', '4',
        '--video-kbps', '200', '--json']);
      const where = `exit ${run.code ?? run.signal}\nstderr: ${run.stderr}\nstdout: ${run.stdout.slice(0, 6000)}`;
      assert.equal(run.code, 0, where);
      const r = JSON.parse(run.stdout);
      const brief = JSON.stringify({
        warm: r.warm, sent: r.sent, received: r.received, nack: r.nack, freezes: r.freezes,
        latencyMs: r.latencyMs, joinMs: r.joinMs, errors: r.errors,
      });
      assert.equal(r.server, 'bailanys');
      assert.equal(r.participants, 4);
      assert.equal(r.publishers, 4);
      assert.deepEqual(r.errors, [], brief);
      assert.equal(r.warm, 4, `every participant received every stream before the window; ${brief}`);
      // 4 publishers × (50 audio packets/s + 30 video frames/s): some 320 packets/s or more.
      assert.ok(r.sent.packetsPerSecond > 250, `publishers sent ${r.sent.packetsPerSecond} packets/s; ${brief}`);
      assert.ok(r.received.expected >= 3 * r.sent.packets, `each packet is expected at the 3 others; ${brief}`);
      assert.ok(r.received.deliveredRatio >= 0.99, `delivered ratio ${r.received.deliveredRatio}; ${brief}`);
      assert.equal(r.received.srtpErrors, 0, brief);
      assert.equal(r.received.unknownSsrc, 0, brief);
      assert.equal(r.freezes.count, 0, `video gaps over 500 ms; ${brief}`);
      assert.equal(r.subscribers.length, 4);
      for (const s of r.subscribers) {
        assert.equal(s.failed, false, `${s.name} failed; ${brief}`);
        assert.equal(s.streams, 6, `${s.name} receives audio and video of the 3 others; ${JSON.stringify(s)}`);
        assert.notEqual(s.firstKeyframeMs, null, `${s.name} got no keyframe; ${JSON.stringify(s)}`);
      }
      assert.equal(r.joinMs.firstKeyframe.count, 4, brief);
      assert.ok(r.latencyMs.samples > 1000, brief);
      assert.ok(r.latencyMs.p99 < 50, `one-way latency p99 ${r.latencyMs.p99} ms; ${brief}`);
    });

  it('simulcast with layer switches, 5 s: the top layer reaches everyone, every switch completes',
    { timeout: 90_000 }, async () => {
      // One publisher sends three layers; two listeners ask for the top one, then alternate
      // low/top every 2 s (bench/load/README.md, "Simulcast").
      const run = await runLoad(['--url', server.origin, '--participants', '3', '--publishers', '1',
        '--simulcast', '--switch-layers', '--video-kbps', '600', '--duration', '5', '--json']);
      const where = `exit ${run.code ?? run.signal}\nstderr: ${run.stderr}\nstdout: ${run.stdout.slice(0, 6000)}`;
      assert.equal(run.code, 0, where);
      const r = JSON.parse(run.stdout);
      const brief = JSON.stringify({
        warm: r.warm, received: r.received, nack: r.nack, freezes: r.freezes, layers: r.simulcastLayers,
        layerSwitchMs: r.layerSwitchMs, joinMs: r.joinMs, errors: r.errors,
      });
      assert.equal(r.simulcast, true);
      assert.deepEqual(r.errors, [], brief);
      assert.equal(r.warm, 3, `every listener got a keyframe of the top layer before the window; ${brief}`);
      assert.ok(r.received.deliveredRatio >= 0.99, `delivered ratio ${r.received.deliveredRatio}; ${brief}`);
      assert.equal(r.freezes.count, 0, `video gaps over 500 ms; ${brief}`);
      assert.ok(r.simulcastLayers.deliveredPackets.f > 0 && r.simulcastLayers.deliveredPackets.q > 0, brief);
      // Listener 2 of 3 switches at 0.67 s and 2.67 s, listener 3 at 1.33 s (later ones would end
      // after the window).
      assert.equal(r.layerSwitchMs.incomplete, 0, brief);
      assert.equal(r.layerSwitchMs.keyframe.count, 3, brief);
      assert.ok(r.layerSwitchMs.keyframe.max < 1000, brief);
    });

  it('2 rooms of 3: packets are expected only within their own room, and all arrive', { timeout: 60_000 }, async () => {
    const run = await runLoad(['--url', server.origin, '--rooms', '2', '--participants', '3', '--duration', '2',
      '--video-kbps', '200', '--json']);
    assert.equal(run.code, 0, `exit ${run.code ?? run.signal}\nstderr: ${run.stderr}`);
    const r = JSON.parse(run.stdout);
    const brief = JSON.stringify({ warm: r.warm, received: r.received, perRoom: r.perRoom, errors: r.errors });
    assert.equal(r.rooms, 2);
    assert.equal(r.perRoom.length, 2, brief);
    assert.notEqual(r.perRoom[0].room, r.perRoom[1].room, brief);
    assert.deepEqual(r.errors, [], brief);
    assert.equal(r.warm, 6, brief);
    // Each packet is expected at the 2 others of its room, not at the 3 of the other room.
    assert.equal(r.received.expected, 2 * r.sent.packets, brief);
    assert.equal(r.received.expected, r.perRoom[0].expected + r.perRoom[1].expected, brief);
    for (const room of r.perRoom) assert.ok(room.deliveredRatio >= 0.99, brief);
    for (const s of r.subscribers) assert.equal(s.streams, 4, `${s.name} receives the 2 others of room ${s.room}`);
    assert.ok(r.maxGapMs < 500, `longest video gap ${r.maxGapMs} ms; ${brief}`);
  });

  it("libsrtp participants against the server's default OpenSSL SRTP, both profiles: every packet delivered",
    { timeout: 90_000 }, async () => {
      // The generator's sessions on libsrtp2, the server's on its own OpenSSL implementation: the
      // two backends interoperate over real DTLS-SRTP keys, for AES-GCM and AES-CM + HMAC-SHA1.
      for (const srtp of ['gcm', 'aes-cm']) {
        const run = await runLoad(['--url', server.origin, '--participants', '3', '--duration', '2',
          '--video-kbps', '200', '--srtp', srtp, '--srtp-backend', 'libsrtp', '--json']);
        const where = `${srtp}: exit ${run.code ?? run.signal}\nstderr: ${run.stderr}\nstdout: ${run.stdout.slice(0, 3000)}`;
        assert.equal(run.code, 0, where);
        const r = JSON.parse(run.stdout);
        const brief = JSON.stringify({ srtp, warm: r.warm, received: r.received, errors: r.errors });
        assert.deepEqual(r.errors, [], brief);
        assert.equal(r.warm, 3, brief);
        assert.equal(r.received.srtpErrors, 0, brief);
        assert.ok(r.received.deliveredRatio >= 0.99, `delivered ratio ${r.received.deliveredRatio}; ${brief}`);
        assert.equal(r.srtpProfile, srtp === 'gcm' ? 'AEAD_AES_128_GCM' : 'AES_CM_128_HMAC_SHA1_80', brief);
      }
    });

  it('exits with 1 and says why when the room does not exist', async () => {
    const run = await runLoad(['--url', server.origin, '--room', 'bcd-fghj-kmn', '--duration', '1', '--json'],
      { timeoutMs: 20_000 });
    assert.equal(run.code, 1, `exit ${run.code}; ${run.stderr}`);
    assert.match(run.stderr, /room bcd-fghj-kmn is not there: not_found/);
    assert.equal(run.stdout, '');
  });

  it('refuses options that cannot work', async () => {
    const run = await runLoad(['--url', server.origin, '--participants', '3', '--publishers', '4'],
      { timeoutMs: 20_000 });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--publishers cannot exceed --participants/);
    const switching = await runLoad(['--url', server.origin, '--switch-layers'], { timeoutMs: 20_000 });
    assert.equal(switching.code, 1);
    assert.match(switching.stderr, /--switch-layers needs --simulcast/);
    const rooms = await runLoad(['--url', server.origin, '--rooms', '2', '--room', 'bcd-fghj-kmn'], { timeoutMs: 20_000 });
    assert.equal(rooms.code, 1);
    assert.match(rooms.stderr, /--room names one room/);
    const crowded = await runLoad(['--url', server.origin, '--rooms', '3', '--participants', '3000'],
      { timeoutMs: 20_000 });
    assert.equal(crowded.code, 1);
    assert.match(crowded.stderr, /at most 8192 participants/);
  });
});

describe('load generator when nothing flows', { timeout: 120_000 }, () => {
  let server;
  before(async () => {
    // One participant with media per room: the second is told media_full and receives nothing.
    server = await Server.launch({ label: 'load-nothing', extraArgs: ['--max-media-participants', '1'] });
  });
  after(async () => {
    if (server) await server.dispose();
  });

  it('exits with 2 and names the missed step and the first error', { timeout: 60_000 }, async () => {
    const run = await runLoad(['--url', server.origin, '--participants', '2', '--duration', '1',
      '--join-timeout', '2', '--json']);
    assert.equal(run.code, 2, `exit ${run.code}; ${run.stderr}`);
    assert.match(run.stderr, /no media flowed: 0 of \d+ expected packets reached the subscribers/);
    assert.match(run.stderr, /Only 1 of 2 participants reached subscribeOffer/);
    assert.match(run.stderr, /media_full/);
    const r = JSON.parse(run.stdout);  // the results are still printed
    assert.equal(r.received.delivered, 0);
    assert.ok(r.errors.some((e) => e.includes('media_full')), JSON.stringify(r.errors));
  });
});
