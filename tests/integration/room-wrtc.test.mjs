// Multi-party rooms through the SFU, proven with a second WebRTC implementation: headless
// libwebrtc (npm @roamhq/wrtc) clients that speak only the documented protocol
// (docs/PROTOCOL.md, "Media (version 2)"). Each client (wrtc-room-client.mjs, its own process)
// sends a solid colour and a tone of its own; a receiver proves that what it decodes on the
// m-section the offer's `tracks` gives to participant P is P's picture and P's voice.
// The protocol's error paths are checked with plain sockets.
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join as pathJoin } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, Client, it, uniqueName, openWs, sleep } from './harness.mjs';
import { sdpSections, COLOURS, TONES } from './room-media-util.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const CLIENT = pathJoin(HERE, 'wrtc-room-client.mjs');
const SDP_DIR = pathJoin(HERE, '..', 'data', 'sdp');
const CHROMIUM_OFFER = readFileSync(pathJoin(SDP_DIR, 'chromium-offer-audio-video.sdp'), 'utf8');
const CHROMIUM_ANSWER_NO_TRACKS = readFileSync(pathJoin(SDP_DIR, 'chromium-answer-to-server-offer-no-tracks.sdp'), 'utf8');

const COLOUR_TOLERANCE = 8;   // mean of a plane over the centre box, decoded VP8 vs the source
const FRAME_TOLERANCE = 25;   // any single decoded frame's mean
const TONE_TOLERANCE = 0.04;  // relative, zero-crossing estimate
const LATE_JOIN_LIMIT_MS = 3000;

const live = new Set();
process.on('exit', () => { for (const c of live) { try { c.kill('SIGKILL'); } catch { /* gone */ } } });

// Starts one client process. Returns { name, colour, tone, events, welcome (promise of the
// participant id), done (promise of the result object), stderr }.
function startClient(origin, room, name, durationMs, { colour = 'red', tone = 440, extra = [] } = {}) {
  const args = [CLIENT, origin, room, name, String(durationMs), '--color', colour, '--tone', String(tone), ...extra];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const h = { name, colour, tone, events: [], stderr: '', child, result: null };
  let buf = '';
  let onWelcome;
  let failWelcome;
  h.welcome = new Promise((resolve, reject) => { onWelcome = resolve; failWelcome = reject; });
  h.welcome.catch(() => {});
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      let ev;
      try { ev = JSON.parse(line); } catch { h.stderr += `[stdout] ${line}\n`; continue; }
      if (ev.result) h.result = ev.result;
      else h.events.push(ev);
      if (ev.event === 'welcome') { h.self = ev.self; onWelcome(ev.self); }
    }
  });
  child.stderr.on('data', (d) => { h.stderr = (h.stderr + d).slice(-20_000); });
  const killer = setTimeout(() => child.kill('SIGKILL'), durationMs + 25_000);
  h.done = new Promise((resolve, reject) => {
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      live.delete(child);
      failWelcome(new Error(`${name} exited before welcome (${code ?? signal}): ${h.stderr.slice(-2000)}`));
      if (!h.result) {
        reject(new Error(`client ${name} printed no result (exit ${code ?? signal}): ${h.stderr.slice(-3000)}`));
        return;
      }
      h.result.exit = code ?? signal;
      resolve(h.result);
    });
  });
  h.done.catch(() => {});
  return h;
}

// A short, readable account of what a client decoded, for assertion messages and the log.
function summary(r) {
  const peers = {};
  for (const [pid, p] of Object.entries(r.peers ?? {})) {
    peers[pid] = {
      camera: p.camera && { frames: p.camera.frames, size: `${p.camera.width}x${p.camera.height}`, yuv: p.camera.yuv, min: p.camera.yuvMin, max: p.camera.yuvMax, first: p.camera.firstFrameMs },
      mic: p.mic && { frames: p.mic.frames, audible: p.mic.audibleFrames, rms: p.mic.rms, freq: p.mic.freq, first: p.mic.firstAudibleMs },
    };
  }
  return JSON.stringify({
    name: r.name, self: r.self, exit: r.exit, peers, unmapped: r.unmapped, errors: r.errors,
    offers: (r.offers ?? []).map((o) => ({ v: o.version, ms: o.ms, tracks: o.tracks.map((t) => `${t.mid}:${t.participantId}/${t.source}`) })),
    answered: r.answered, recv: r.pcs?.recv, send: r.pcs?.send, speakers: (r.speakers ?? []).length,
  });
}

// What `receiver` got from `sender`: both handles, after done.
function assertReceived(receiver, sender, { minFrames = 30, minAudible = 100 } = {}) {
  const r = receiver.result;
  const from = r.peers?.[sender.self];
  const where = `${receiver.name} from ${sender.name} (${sender.self}): ${summary(r)}`;
  assert.ok(from, `no tracks at all from ${where}`);
  const cam = from.camera;
  assert.ok(cam && cam.frames >= minFrames, `decoded video frames ${cam?.frames} < ${minFrames}; ${where}`);
  assert.equal(cam.kind, 'video');
  assert.equal(`${cam.width}x${cam.height}`, '320x240', `frame size; ${where}`);
  const want = COLOURS[sender.colour];
  for (let k = 0; k < 3; k++) {
    assert.ok(Math.abs(cam.yuv[k] - want[k]) <= COLOUR_TOLERANCE,
      `${'YUV'[k]} mean ${cam.yuv[k]} is not ${sender.colour}'s ${want[k]}; ${where}`);
    assert.ok(cam.yuvMin[k] >= want[k] - FRAME_TOLERANCE && cam.yuvMax[k] <= want[k] + FRAME_TOLERANCE,
      `some frame's ${'YUV'[k]} (${cam.yuvMin[k]}..${cam.yuvMax[k]}) is not ${sender.colour}'s ${want[k]}; ${where}`);
  }
  const mic = from.mic;
  assert.ok(mic && mic.audibleFrames >= minAudible, `audible 10 ms audio frames ${mic?.audibleFrames} < ${minAudible}; ${where}`);
  assert.equal(mic.kind, 'audio');
  assert.ok(Math.abs(mic.freq - sender.tone) <= sender.tone * TONE_TOLERANCE,
    `tone ${mic.freq} Hz is not ${sender.name}'s ${sender.tone} Hz; ${where}`);
  assert.ok(mic.rms > 1000, `audio level ${mic.rms}; ${where}`);
}

// Checks every client-side invariant of one client's run.
function assertCleanRun(h, others) {
  const r = h.result;
  const where = summary(r);
  assert.equal(r.exit, 0, `exit code; ${where}`);
  assert.equal(r.welcomeV, 2, `welcome.v; ${where}`);
  assert.deepEqual(r.errors, [], `errors; ${where}`);
  assert.equal(r.publishAnswers, 1, `one media.publishAnswer; ${where}`);
  // the media went over loopback, UDP by preference
  for (const side of ['recv', 'send']) {
    const pc = r.pcs[side];
    assert.equal(pc.state, 'connected', `${side} PeerConnection state; ${where}`);
    assert.match(pc.remote ?? '', /^udp 127\.\d+\.\d+\.\d+:\d+$/, `${side} selected remote candidate; ${where}`);
  }
  // a solid colour costs VP8 only some 60 bytes a frame: the decoded frames are the real proof
  assert.ok(r.pcs.send.outbound.video > 2_000 && r.pcs.send.outbound.audio > 5_000, `bytes sent; ${where}`);
  // offers: versions 1, 2, … all answered (but those that came while the client was ending); first m-section is the inactive probe; every track
  // m-section is the server's sendonly with a=msid "<pid> <pid>-<source>"; never our own tracks
  const versions = r.offers.map((o) => o.version);
  assert.deepEqual(versions, versions.map((_, i) => i + 1), `offer versions; ${where}`);
  assert.deepEqual(r.answered, versions.slice(0, r.answered.length), `answered in order; ${where}`);
  for (const o of r.offers.filter((q) => q.ms < r.endMs - 1000)) {
    assert.ok(r.answered.includes(o.version), `offer v${o.version} not answered; ${where}`);
  }
  for (const o of r.offers) {
    const s0 = o.sections[0];
    assert.ok(s0 && s0.mid === 'probe' && s0.direction === 'inactive', `offer v${o.version} starts with the inactive probe: ${JSON.stringify(o.sections)}`);
    const byMid = new Map(o.sections.map((s) => [s.mid, s]));
    const mids = new Set();
    for (const t of o.tracks) {
      assert.notEqual(t.participantId, r.self, `offer v${o.version} sends us our own track: ${JSON.stringify(o.tracks)}`);
      assert.ok(others.includes(t.participantId) || others.length === 0,
        `offer v${o.version} has a track of ${t.participantId}, not in the room: ${JSON.stringify(o.tracks)}`);
      assert.ok(!mids.has(t.mid), `mid ${t.mid} twice in tracks of v${o.version}`);
      mids.add(t.mid);
      const sec = byMid.get(t.mid);
      assert.ok(sec, `offer v${o.version}: track mid ${t.mid} has no m-section: ${JSON.stringify(o.sections)}`);
      assert.equal(sec.kind, t.kind, `offer v${o.version} mid ${t.mid} kind`);
      assert.equal(t.kind, t.source === 'mic' ? 'audio' : 'video', `source ${t.source} is ${t.kind}`);
      assert.equal(sec.direction, 'sendonly', `offer v${o.version} mid ${t.mid} direction`);
      assert.equal(sec.msid, `${t.participantId} ${t.participantId}-${t.source}`, `offer v${o.version} mid ${t.mid} a=msid`);
    }
    for (const s of o.sections) {
      if (!mids.has(s.mid)) assert.equal(s.direction, 'inactive', `offer v${o.version}: m-section ${s.mid} not in tracks must be inactive: ${JSON.stringify(o)}`);
    }
  }
}

describe('rooms through the SFU with headless libwebrtc clients (@roamhq/wrtc)', { timeout: 240_000 }, () => {
  let server;
  let owner;
  const measured = {};
  before(async () => {
    server = await Server.launch({ label: 'room-wrtc' });
    owner = new Client(server);
    await owner.signup({ username: uniqueName('sfu'), displayName: 'SFU Owner' });
  });
  after(async () => {
    if (Object.keys(measured).length) process.stdout.write(`# room-wrtc measurements ${JSON.stringify(measured)}\n`);
    await server?.dispose();
  });

  async function newRoom(name) {
    return (await owner.createRoom({ name })).code;
  }

  // Awaits the clients; on failure adds the server's log.
  async function finish(handles, check) {
    try {
      await Promise.all(handles.map((h) => h.done));
      await check();
    } catch (err) {
      err.message += `\n--- server log ---\n${server.logs.slice(-6000)}`;
      throw err;
    } finally {
      for (const h of handles) if (h.child.exitCode === null) h.child.kill('SIGKILL');
    }
  }

  it('two clients: each decodes the other\'s video in the other\'s colour and hears the other\'s tone', { timeout: 40_000 }, async () => {
    const room = await newRoom('wrtc two');
    const a = startClient(server.origin, room, 'Alma', 6000, { colour: 'red', tone: TONES[0] });
    const b = startClient(server.origin, room, 'Bolat', 6000, { colour: 'green', tone: TONES[1] });
    await finish([a, b], async () => {
      assertCleanRun(a, [b.self]);
      assertCleanRun(b, [a.self]);
      assertReceived(a, b);
      assertReceived(b, a);
      assert.deepEqual(Object.keys(a.result.peers), [b.self], summary(a.result));
      assert.deepEqual(Object.keys(b.result.peers), [a.self], summary(b.result));
      // both send a loud tone: somebody is the active speaker, and it is one of them
      for (const h of [a, b]) {
        assert.ok(h.result.speakers.length >= 1, `${h.name} got no media.speaker`);
        for (const s of h.result.speakers) assert.ok([a.self, b.self, null].includes(s.participantId), JSON.stringify(h.result.speakers));
      }
      // each learnt the other's media.state: in participant-updated, or in its welcome when the
      // other had sent it before
      for (const [rx, tx] of [[a, b], [b, a]]) {
        const full = (m) => m?.mic === true && m?.camera === true && m?.screen === false;
        assert.ok(rx.result.updates.some((u) => u.id === tx.self && full(u.media)) ||
          rx.result.welcomeParticipants.some((p) => p.id === tx.self && full(p.media)),
        `${rx.name} never saw ${tx.name}'s media: ${JSON.stringify([rx.result.updates, rx.result.welcomeParticipants])}`);
      }
      measured.two = [a, b].map((h) => ({ name: h.name, ...JSON.parse(summary(h.result)).peers }));
    });
  });

  it('four clients: each gets video in the right colour and audio in the right tone from all three others', { timeout: 45_000 }, async () => {
    const room = await newRoom('wrtc four');
    const names = ['Aisha', 'Berik', 'Dana', 'Erlan'];
    const colours = ['red', 'green', 'blue', 'yellow'];
    const hs = names.map((n, i) => startClient(server.origin, room, n, 8000, { colour: colours[i], tone: TONES[i] }));
    await finish(hs, async () => {
      for (const h of hs) assertCleanRun(h, hs.filter((o) => o !== h).map((o) => o.self));
      for (const rx of hs) {
        for (const tx of hs) if (rx !== tx) assertReceived(rx, tx);
        assert.equal(Object.keys(rx.result.peers).length, 3, summary(rx.result));
      }
      measured.four = hs.map((h) => ({ name: h.name, self: h.self, ...JSON.parse(summary(h.result)).peers }));
    });
  });

  it('a client leaves: the next offer drops its tracks (m-sections inactive); a late joiner gets everyone quickly', { timeout: 50_000 }, async () => {
    const room = await newRoom('wrtc leave');
    const a = startClient(server.origin, room, 'Asel', 14_000, { colour: 'red', tone: TONES[0] });
    const b = startClient(server.origin, room, 'Baurzhan', 14_000, { colour: 'green', tone: TONES[1] });
    const c = startClient(server.origin, room, 'Ciara', 4000, { colour: 'blue', tone: TONES[2] });
    await c.done.catch(() => {}); // sends `leave` at the end; a failure is reported below
    await sleep(1500);
    const d = startClient(server.origin, room, 'Dariga', 5000, { colour: 'yellow', tone: TONES[3] });
    await finish([a, b, c, d], async () => {
      const cResult = c.result;
      assertCleanRun(c, [a.self, b.self]);
      assertReceived(c, a);
      assertReceived(c, b);
      for (const h of [a, b]) {
        const r = h.result;
        const where = summary(r);
        assertCleanRun(h, [a.self, b.self, c.self, d.self].filter((x) => x !== h.self));
        // C was there, then the next offer after its last appearance marks it gone
        const lastWithC = r.offers.findLastIndex((o) => o.tracks.some((t) => t.participantId === c.self));
        assert.ok(lastWithC >= 0, `${h.name} never got ${c.name}'s tracks; ${where}`);
        const cMids = r.offers[lastWithC].tracks.filter((t) => t.participantId === c.self).map((t) => t.mid);
        assert.equal(cMids.length, 2, `${c.name} had mic and camera; ${where}`);
        const next = r.offers[lastWithC + 1];
        assert.ok(next, `${h.name} got no offer after ${c.name} left; ${where}`);
        assert.ok(next.at - cResult.leftAt < 2000, `the offer without ${c.name} came ${next.at - cResult.leftAt} ms after it left; ${where}`);
        assert.ok(!next.tracks.some((t) => t.participantId === c.self), `next offer still lists ${c.name}: ${JSON.stringify(next.tracks)}`);
        for (const mid of cMids) {
          const sec = next.sections.find((s) => s.mid === mid);
          assert.ok(sec, `offer v${next.version} lost the m-section ${mid} (m-sections are never removed): ${JSON.stringify(next.sections)}`);
          const reused = next.tracks.find((t) => t.mid === mid);
          if (!reused) assert.equal(sec.direction, 'inactive', `m-section ${mid} of ${c.name} in v${next.version}: ${JSON.stringify(sec)}`);
        }
        assert.ok(r.left.some((l) => l.participantId === c.self && l.reason === 'left'), `participant-left for ${c.name}: ${JSON.stringify(r.left)}`);
        // what they got from everyone, D included
        assertReceived(h, c);
        assertReceived(h, d);
        assertReceived(h, h === a ? b : a);
      }
      // the late joiner: everyone present, nobody who left, quickly
      assertCleanRun(d, [a.self, b.self]);
      assert.deepEqual(Object.keys(d.result.peers).sort(), [a.self, b.self].sort(), summary(d.result));
      const times = {};
      for (const tx of [a, b]) {
        assertReceived(d, tx);
        const p = d.result.peers[tx.self];
        times[tx.name] = { video: p.camera.firstFrameMs, audio: p.mic.firstAudibleMs, receiveConnected: d.result.recvConnectedMs };
        assert.ok(p.camera.firstFrameMs <= LATE_JOIN_LIMIT_MS, `first frame of ${tx.name} ${p.camera.firstFrameMs} ms after media.join; ${summary(d.result)}`);
        assert.ok(p.mic.firstAudibleMs <= LATE_JOIN_LIMIT_MS, `first audio of ${tx.name} ${p.mic.firstAudibleMs} ms after media.join; ${summary(d.result)}`);
      }
      measured.lateJoin = { joinToFirst: times, offersOfA: a.result.offers.map((o) => ({ v: o.version, tracks: o.tracks.map((t) => `${t.mid}:${t.participantId}/${t.source}`), sections: o.sections.map((s) => `${s.mid}:${s.direction}`) })) };
    });
  });

  it('media.publish whose tracks contradict the offer (a mic on the video m-section, a mid the offer lacks) → invalid_message', async () => {
    const room = await newRoom('wrtc publish contradictions');
    // a media participant who shows what the others are offered when such a publish is accepted
    const watcher = await openWs(server);
    await watcher.hello(room, 'Watcher', { v: 2 });
    watcher.send({ type: 'media.join' });
    assert.equal((await watcher.next('media.subscribeOffer')).version, 1);
    watcher.send({ type: 'media.subscribeAnswer', version: 1, sdp: CHROMIUM_ANSWER_NO_TRACKS });
    const answers = [];
    const socks = [watcher];
    try {
      for (const tracks of [{ 0: 'camera', 1: 'mic' }, { 0: 'mic', 1: 'camera', 7: 'screen' }]) {
        const w = await openWs(server);
        socks.push(w);
        await w.hello(room, 'Contradiction', { v: 2 });
        w.send({ type: 'media.join' });
        await w.next('media.subscribeOffer');
        w.send({ type: 'media.publish', sdp: CHROMIUM_OFFER, tracks });
        const e = await w.waitFor((ev) => ev.type === 'error' || ev.type === 'media.publishAnswer', { what: 'publish answer or error' });
        const answer = { tracks, got: e.type === 'error' ? `${e.code} (${e.ref})` : e.type };
        if (e.type !== 'error' && answers.length === 0) {
          answer.watcherOffered = (await watcher.next('media.subscribeOffer', { timeoutMs: 2000 }).catch(() => null))?.tracks;
        }
        answers.push(answer);
        w.send({ type: 'leave' });
        await w.waitClose();
      }
    } finally {
      for (const c of socks) c.terminate();
    }
    assert.deepEqual(answers.map((a) => a.got), ['invalid_message (media.publish)', 'invalid_message (media.publish)'], JSON.stringify(answers));
  });

  describe('protocol errors and version 1 (plain sockets)', () => {
    let room;
    let v1;
    let x;
    let y;
    before(async () => {
      room = await newRoom('wrtc protocol');
      v1 = await openWs(server);
      const w1 = await v1.hello(room, 'Old Client', { v: 1 });
      assert.equal(w1.v, 1);
    });
    after(() => { for (const c of [v1, x, y]) c?.terminate(); });

    it('media.* before welcome → not_joined', async () => {
      const s = await openWs(server);
      for (const msg of [{ type: 'media.join' }, { type: 'media.publish', sdp: CHROMIUM_OFFER, tracks: { 0: 'mic', 1: 'camera' } },
        { type: 'media.subscribeAnswer', version: 1, sdp: CHROMIUM_ANSWER_NO_TRACKS }, { type: 'media.state', mic: true, camera: false, screen: false }]) {
        s.send(msg);
        const e = await s.next('error');
        assert.equal(e.code, 'not_joined', `${msg.type}: ${JSON.stringify(e)}`);
      }
      assert.equal(s.pending((e) => String(e.type).startsWith('media.')).length, 0);
      s.terminate();
    });

    it('v2: welcome.v is 2 and media.join brings subscribe offer 1 (no tracks, the probe m-section)', async () => {
      x = await openWs(server);
      const w = await x.hello(room, 'Socket X', { v: 2 });
      assert.equal(w.v, 2);
      assert.deepEqual(w.self.media, { mic: false, camera: false, screen: false });
      x.send({ type: 'media.join' });
      const offer = await x.next('media.subscribeOffer');
      assert.equal(offer.version, 1);
      assert.deepEqual(offer.tracks, []);
      const secs = sdpSections(offer.sdp);
      assert.equal(secs.length, 1, offer.sdp);
      assert.equal(secs[0].mid, 'probe');
      assert.equal(secs[0].direction, 'inactive');
      assert.match(offer.sdp, /\r\na=ice-lite\r\n/);
      assert.match(offer.sdp, /\r\na=setup:actpass\r\n/);
      assert.match(offer.sdp, /\r\na=end-of-candidates\r\n/);
      for (const c of offer.sdp.match(/a=candidate:[^\r\n]+/g) ?? []) assert.match(c, / 127\.0\.0\.1 \d+ typ host/, c);
    });

    it('media.publish: garbage SDP → invalid_sdp; unknown source, no tracks, two mics → invalid_message (ref media.publish)', async () => {
      const cases = [
        [{ sdp: 'this is not an SDP', tracks: { 0: 'mic' } }, 'invalid_sdp'],
        [{ sdp: CHROMIUM_OFFER, tracks: { 0: 'mic', 1: 'banana' } }, 'invalid_message'],
        [{ sdp: CHROMIUM_OFFER }, 'invalid_message'],
        [{ sdp: CHROMIUM_OFFER, tracks: { 0: 'mic', 1: 'mic' } }, 'invalid_message'],
        [{ tracks: { 0: 'mic' } }, 'invalid_message'],
      ];
      for (const [fields, code] of cases) {
        x.send({ type: 'media.publish', ...fields });
        const e = await x.waitFor((ev) => ev.type === 'error' || ev.type === 'media.publishAnswer', { what: 'publish error' });
        assert.equal(e.type, 'error', `${JSON.stringify(fields).slice(0, 120)} was answered: ${JSON.stringify(e).slice(0, 300)}`);
        assert.equal(e.code, code, `${JSON.stringify(fields).slice(0, 120)}: ${JSON.stringify(e)}`);
        assert.equal(e.ref, 'media.publish', JSON.stringify(e));
        assert.equal(typeof e.message, 'string');
      }
      assert.ok(x.isOpen);
    });

    it('media.subscribeAnswer to a version that is not the latest → invalid_message; the right version is accepted', async () => {
      for (const version of [2, 0, '1']) {
        x.send({ type: 'media.subscribeAnswer', version, sdp: CHROMIUM_ANSWER_NO_TRACKS });
        const e = await x.next('error');
        assert.equal(e.code, 'invalid_message', `version ${JSON.stringify(version)}: ${JSON.stringify(e)}`);
        assert.equal(e.ref, 'media.subscribeAnswer', JSON.stringify(e));
      }
      x.send({ type: 'media.subscribeAnswer', version: 1 });
      const missing = await x.next('error');
      assert.equal(missing.code, 'invalid_message', JSON.stringify(missing));
      // a real Chromium answer to a no-track server offer, for version 1: no error
      x.send({ type: 'media.subscribeAnswer', version: 1, sdp: CHROMIUM_ANSWER_NO_TRACKS });
      await x.roundTrip();
      assert.deepEqual(x.pending((e) => e.type === 'error'), []);
    });

    it('media.state reaches the others as participant-updated with the new media', async () => {
      y = await openWs(server);
      await y.hello(room, 'Socket Y', { v: 2 });
      await x.next('participant-joined');
      await v1.next('participant-joined');
      x.send({ type: 'media.state', mic: true, camera: false, screen: true });
      const u = await y.next('participant-updated');
      assert.equal(u.participant.id, x.welcome.self.id);
      assert.deepEqual(u.participant.media, { mic: true, camera: false, screen: true });
      assert.equal(u.participant.state, 'online');
      // a newcomer's welcome carries the current media
      const z = await openWs(server);
      const wz = await z.hello(room, 'Socket Z', { v: 2 });
      assert.deepEqual(wz.participants.find((p) => p.id === x.welcome.self.id).media, { mic: true, camera: false, screen: true });
      z.close(1000);
    });

    it('media.state with a field that is not a boolean → invalid_message (wrong fields), and changes nothing', async () => {
      await x.roundTrip();
      x.queue.length = 0; // its own participant-updated from the test before
      await y.roundTrip();
      y.queue.length = 0;
      x.send({ type: 'media.state', mic: 'yes', camera: 1, screen: null });
      const e = await x.waitFor((ev) => ev.type === 'error' || ev.type === 'participant-updated', { timeoutMs: 2000, what: 'error for media.state' });
      assert.equal(e.type, 'error', `answered ${JSON.stringify(e)}`);
      assert.equal(e.code, 'invalid_message', JSON.stringify(e));
      await y.roundTrip();
      assert.deepEqual(y.pending((ev) => ev.type === 'participant-updated'), []);
    });

    it('a v1 client is sent no media.* while a wrtc client publishes; a joined v2 socket gets its tracks', { timeout: 30_000 }, async () => {
      const p = startClient(server.origin, room, 'Publisher', 5000, { colour: 'magenta', tone: TONES[4] });
      let offer2;
      await finish([p], async () => {
        const pid = p.self;
        // x answered offer 1: the next one lists the publisher's mic and camera
        offer2 = await x.waitFor((e) => e.type === 'media.subscribeOffer', { timeoutMs: 2000, what: 'subscribe offer 2' });
        assert.equal(offer2.version, 2);
        assert.deepEqual(offer2.tracks.map((t) => `${t.participantId}/${t.source}/${t.kind}`).sort(), [`${pid}/camera/video`, `${pid}/mic/audio`]);
        const secs = sdpSections(offer2.sdp);
        assert.equal(secs[0].mid, 'probe');
        for (const t of offer2.tracks) {
          const s = secs.find((q) => q.mid === t.mid);
          assert.equal(s.direction, 'sendonly');
          assert.equal(s.msid, `${pid} ${pid}-${t.source}`);
          assert.ok(s.codecs.includes(t.kind === 'audio' ? 'opus/48000/2' : 'VP8/90000'), JSON.stringify(s));
        }
        // the publisher: answered with only the room's codecs
        const ans = p.result.publishAnswerSections;
        assert.deepEqual(ans.map((s) => s.direction), ['recvonly', 'recvonly'], JSON.stringify(ans));
        assert.equal(ans[0].codecs[0], 'opus/48000/2', JSON.stringify(ans));
        assert.deepEqual(ans[0].codecs.filter((c) => !['opus/48000/2', 'PCMU/8000', 'PCMA/8000'].includes(c)), [], JSON.stringify(ans));
        assert.deepEqual(ans[1].codecs, ['VP8/90000'], JSON.stringify(ans));
        // the v1 socket saw the publisher come and go (and its state), but no media.*
        await v1.roundTrip();
        const mediaEvents = v1.all.filter((e) => String(e.type).startsWith('media.'));
        assert.deepEqual(mediaEvents, [], 'v1 got media events');
        assert.ok(v1.all.some((e) => e.type === 'participant-joined' && e.participant.id === pid));
        assert.ok(v1.all.some((e) => e.type === 'participant-left' && e.participantId === pid));
        // y is v2 but never sent media.join: no offers for it
        await y.roundTrip();
        assert.deepEqual(y.all.filter((e) => e.type === 'media.subscribeOffer'), [], 'y never joined media');
      });
    });
  });
});
