// A headless room participant made of libwebrtc (npm @roamhq/wrtc), speaking the documented
// live protocol version 2 (docs/PROTOCOL.md, "Media (version 2)") and nothing else:
//
//   node wrtc-room-client.mjs ORIGIN ROOMCODE NAME DURATION_MS [options]
//
//   --color Y,U,V | --color NAME   the solid colour of the synthetic 320x240 camera (default red)
//   --tone HZ                      the frequency of the synthetic microphone (default 440)
//   --no-publish                   receive only (no media.publish, no media.state)
//   --exit-after-leave             (default) send `leave` at the end, then print and exit
//   --drop                         at the end close the socket without a close frame instead
//
// WebSocket /ws with the server's Origin, `hello` v:2 as a guest, `media.join`; answers every
// `media.subscribeOffer` on a receive PeerConnection, publishes camera + microphone on a send
// PeerConnection with `media.publish`, reports `media.state`. Counts, per remote participant id
// and source (from the offer's `tracks`, by transceiver mid), decoded video frames with their
// size and average colour, and received audio with its level and frequency.
//
// Prints JSON lines on stdout: progress events ({"event":...}) as they happen, and last one
// {"result":{...}}; then exits at once (wrtc may crash while tearing down its native threads at
// a normal exit, which must not be mistaken for a failure). DURATION_MS counts from `media.join`.
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';
import { setTimeout as sleep } from 'node:timers/promises';
import { sdpSections, COLOURS } from './room-media-util.mjs';

const { RTCPeerConnection, nonstandard } = wrtc;

const [origin, roomCode, name, durationArg, ...rest] = process.argv.slice(2);
if (!origin || !roomCode || !name || !durationArg) {
  process.stderr.write('usage: wrtc-room-client.mjs ORIGIN ROOMCODE NAME DURATION_MS [options]\n');
  process.exit(2);
}
const DURATION_MS = Number(durationArg);
const opts = { color: COLOURS.red, tone: 440, publish: true, drop: false };
for (let i = 0; i < rest.length; i++) {
  const a = rest[i];
  if (a === '--color') {
    const v = rest[++i];
    opts.color = COLOURS[v] ?? v.split(',').map(Number);
  } else if (a === '--tone') opts.tone = Number(rest[++i]);
  else if (a === '--no-publish') opts.publish = false;
  else if (a === '--drop') opts.drop = true;
  else if (a === '--exit-after-leave') opts.drop = false;
  else { process.stderr.write(`unknown option ${a}\n`); process.exit(2); }
}

const W = 320;
const H = 240;
const PC_CONFIG = { iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
const t0 = Date.now();
let joinAt = 0; // Date.now() when media.join was sent
const sinceJoin = () => (joinAt ? Date.now() - joinAt : null);

function emit(obj) { process.stdout.write(`${JSON.stringify(obj)}\n`); }

// ---------------------------------------------------------------------------
// what we record
// ---------------------------------------------------------------------------

const result = {
  name,
  self: null,
  welcomeV: null,
  color: opts.color,
  tone: opts.tone,
  joinAt: 0,
  offers: [],          // every media.subscribeOffer: { version, at, tracks, sections }
  answered: [],        // versions we answered
  publishAnswers: 0,
  errors: [],          // error events (and local failures, with `local: true`)
  speakers: [],        // media.speaker participantIds
  updates: [],         // participant-updated: { id, media, state }
  joined: [],          // participant-joined ids
  left: [],            // participant-left { participantId, reason }
  otherTypes: {},      // counts of any other event type
  peers: {},           // participantId -> { camera: {...}, mic: {...}, ... }
  unmapped: {},        // mid -> frames that arrived while the mid had no owner in `tracks`
  pcs: {},
};

// mid -> { participantId, source, kind } from the latest offer we applied
let midOwner = new Map();

function peerStats(pid, source, kind) {
  const p = (result.peers[pid] ??= {});
  if (!p[source]) {
    p[source] = kind === 'video'
      ? { kind, mid: null, frames: 0, width: 0, height: 0, firstFrameMs: null, yuvSum: [0, 0, 0], yuvN: 0, yuvMin: [255, 255, 255], yuvMax: [0, 0, 0] }
      : { kind, mid: null, frames: 0, audibleFrames: 0, firstAudibleMs: null, firstFrameMs: null, sampleRate: 0, channels: 0, sumSq: 0, nSamples: 0, crossings: 0, analysedSamples: 0, lastSample: 0 };
  }
  return p[source];
}

// Mean Y, U, V over the centre of an I420 frame (the quarter-to-three-quarters box), every
// other pixel: the moving marker in the corner stays outside.
function centreYuv(frame) {
  const { width: w, height: h, data } = frame;
  let sy = 0; let ny = 0;
  for (let y = h >> 2; y < (3 * h) >> 2; y += 2) {
    const row = y * w;
    for (let x = w >> 2; x < (3 * w) >> 2; x += 2) { sy += data[row + x]; ny += 1; }
  }
  const cw = w >> 1; const ch = h >> 1;
  const uOff = w * h; const vOff = uOff + cw * ch;
  let su = 0; let sv = 0; let nc = 0;
  for (let y = ch >> 2; y < (3 * ch) >> 2; y += 2) {
    for (let x = cw >> 2; x < (3 * cw) >> 2; x += 2) {
      su += data[uOff + y * cw + x]; sv += data[vOff + y * cw + x]; nc += 1;
    }
  }
  return [sy / ny, su / nc, sv / nc];
}

// ---------------------------------------------------------------------------
// the socket
// ---------------------------------------------------------------------------

const wsUrl = `${origin.replace(/^http/, 'ws')}/ws`;
const ws = new WebSocket(wsUrl, { headers: { Origin: origin }, perMessageDeflate: false });
const wsQueue = [];
let wsWaiters = [];
let wsClosed = null;
ws.on('message', (data) => {
  let ev;
  try { ev = JSON.parse(data.toString('utf8')); } catch { ev = { type: '__unparsable__' }; }
  wsQueue.push(ev);
  const w = wsWaiters; wsWaiters = [];
  for (const f of w) f();
});
ws.on('close', (code, reason) => {
  wsClosed = { code, reason: reason.toString('utf8') };
  const w = wsWaiters; wsWaiters = [];
  for (const f of w) f();
});
ws.on('error', (err) => { result.errors.push({ local: true, where: 'ws', message: err.message }); });
const send = (obj) => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(obj)); };

function nextEvent(pred, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
    const check = () => {
      const i = wsQueue.findIndex(pred);
      if (i >= 0) { clearTimeout(timer); resolve(wsQueue.splice(i, 1)[0]); return; }
      if (wsClosed) { clearTimeout(timer); reject(new Error(`socket closed ${JSON.stringify(wsClosed)} while waiting for ${what}`)); return; }
      wsWaiters.push(check);
    };
    check();
  });
}

// ---------------------------------------------------------------------------
// the synthetic camera and microphone
// ---------------------------------------------------------------------------

const videoSource = new nonstandard.RTCVideoSource();
const audioSource = new nonstandard.RTCAudioSource();
const videoTrack = videoSource.createTrack();
const audioTrack = audioSource.createTrack();
const frameData = new Uint8ClampedArray(W * H * 1.5);
{
  const [y, u, v] = opts.color;
  frameData.fill(y, 0, W * H);
  frameData.fill(u, W * H, W * H * 1.25);
  frameData.fill(v, W * H * 1.25);
}
let framesSent = 0;
let audioChunksSent = 0;
const audioChunk = new Int16Array(480);
let phase = 0;
function produce() {
  // As many frames / 10 ms chunks as are due since t0 (timers drift; the encoder wants a
  // steady clock).
  const elapsed = Date.now() - t0;
  while (framesSent < Math.floor(elapsed / 33.333)) {
    // a 16x16 marker moving along the top-left corner, so every frame differs a little
    const [y] = opts.color;
    for (let r = 0; r < 16; r++) frameData.fill(y, r * W, r * W + 48);
    const off = (framesSent % 32);
    const lum = y > 128 ? 16 : 235;
    for (let r = 0; r < 16; r++) frameData.fill(lum, r * W + off, r * W + off + 16);
    videoSource.onFrame({ width: W, height: H, data: frameData });
    framesSent += 1;
  }
  const step = (2 * Math.PI * opts.tone) / 48000;
  while (audioChunksSent < Math.floor(elapsed / 10)) {
    for (let i = 0; i < 480; i++) { audioChunk[i] = Math.round(8000 * Math.sin(phase)); phase += step; }
    phase %= 2 * Math.PI;
    audioSource.onData({ samples: audioChunk, sampleRate: 48000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 });
    audioChunksSent += 1;
  }
}
const produceTimer = setInterval(produce, 10);

// ---------------------------------------------------------------------------
// the receive PeerConnection
// ---------------------------------------------------------------------------

const recvPc = new RTCPeerConnection(PC_CONFIG);
const sinks = new Map(); // mid -> sink
recvPc.onconnectionstatechange = () => {
  if (recvPc.connectionState === 'connected' && result.recvConnectedMs === undefined) result.recvConnectedMs = sinceJoin();
};
const VIDEO_WARMUP = 3;  // frames of each track left out of the colour average

function onVideoFrame(mid, frame) {
  const owner = midOwner.get(mid);
  if (!owner) { result.unmapped[mid] = (result.unmapped[mid] ?? 0) + 1; return; }
  const s = peerStats(owner.participantId, owner.source, 'video');
  s.mid = mid;
  s.frames += 1;
  s.width = frame.width;
  s.height = frame.height;
  if (s.firstFrameMs === null) {
    s.firstFrameMs = sinceJoin();
    emit({ event: 'firstFrame', participantId: owner.participantId, source: owner.source, ms: s.firstFrameMs });
  }
  if (s.frames > VIDEO_WARMUP) {
    const yuv = centreYuv(frame);
    for (let k = 0; k < 3; k++) {
      s.yuvSum[k] += yuv[k];
      s.yuvMin[k] = Math.min(s.yuvMin[k], yuv[k]);
      s.yuvMax[k] = Math.max(s.yuvMax[k], yuv[k]);
    }
    s.yuvN += 1;
  }
}

function onAudioData(mid, data) {
  const owner = midOwner.get(mid);
  if (!owner) { result.unmapped[mid] = (result.unmapped[mid] ?? 0) + 1; return; }
  const s = peerStats(owner.participantId, owner.source, 'audio');
  s.mid = mid;
  s.frames += 1;
  s.sampleRate = data.sampleRate;
  s.channels = data.channelCount;
  if (s.firstFrameMs === null) s.firstFrameMs = sinceJoin();
  const ch = data.channelCount || 1;
  const n = data.numberOfFrames || Math.floor(data.samples.length / ch);
  let sq = 0;
  for (let i = 0; i < n; i++) { const x = data.samples[i * ch]; sq += x * x; }
  const rms = Math.sqrt(sq / Math.max(1, n));
  if (rms > 500) {
    s.audibleFrames += 1;
    if (s.firstAudibleMs === null) s.firstAudibleMs = sinceJoin();
    // level and zero crossings of channel 0, over audible chunks only
    s.sumSq += sq;
    s.nSamples += n;
    let last = s.lastSample;
    for (let i = 0; i < n; i++) {
      const x = data.samples[i * ch];
      if ((last < 0 && x >= 0) || (last >= 0 && x < 0)) s.crossings += 1;
      last = x;
    }
    s.lastSample = last;
    s.analysedSamples += n;
  }
}

function attachSinks() {
  for (const t of recvPc.getTransceivers()) {
    if (!t.mid || sinks.has(t.mid)) continue;
    const track = t.receiver.track;
    const mid = t.mid;
    if (track.kind === 'video') {
      const sink = new nonstandard.RTCVideoSink(track);
      sink.onframe = ({ frame }) => onVideoFrame(mid, frame);
      sinks.set(mid, sink);
    } else {
      const sink = new nonstandard.RTCAudioSink(track);
      sink.ondata = (data) => onAudioData(mid, data);
      sinks.set(mid, sink);
    }
  }
}

// Offers are handled one at a time, in order.
let offerChain = Promise.resolve();
function onSubscribeOffer(ev) {
  const rec = {
    version: ev.version,
    at: Date.now(),
    ms: sinceJoin(),
    tracks: ev.tracks,
    sections: sdpSections(ev.sdp ?? '').map(({ kind, port, mid, direction, msid }) => ({ kind, port, mid, direction, msid })),
  };
  result.offers.push(rec);
  emit({ event: 'offer', version: ev.version, ms: rec.ms, tracks: ev.tracks, sections: rec.sections });
  offerChain = offerChain.then(async () => {
    try {
      midOwner = new Map((ev.tracks ?? []).map((t) => [t.mid, t]));
      for (const t of ev.tracks ?? []) peerStats(t.participantId, t.source, t.kind).mid = t.mid;
      await recvPc.setRemoteDescription({ type: 'offer', sdp: ev.sdp });
      const answer = await recvPc.createAnswer();
      await recvPc.setLocalDescription(answer);
      attachSinks();
      send({ type: 'media.subscribeAnswer', version: ev.version, sdp: recvPc.localDescription.sdp });
      result.answered.push(ev.version);
    } catch (err) {
      result.errors.push({ local: true, where: `subscribeOffer v${ev.version}`, message: String(err?.message ?? err) });
      emit({ event: 'localError', where: `subscribeOffer v${ev.version}`, message: String(err?.message ?? err), sdp: ev.sdp });
    }
  });
}

// ---------------------------------------------------------------------------
// the send PeerConnection
// ---------------------------------------------------------------------------

const sendPc = new RTCPeerConnection(PC_CONFIG);
let publishAnswered = null;
async function publish() {
  const mic = sendPc.addTransceiver(audioTrack, { direction: 'sendonly' });
  const cam = sendPc.addTransceiver(videoTrack, { direction: 'sendonly' });
  await sendPc.setLocalDescription(await sendPc.createOffer());
  const tracks = { [mic.mid]: 'mic', [cam.mid]: 'camera' };
  const answered = new Promise((resolve) => { publishAnswered = resolve; });
  send({ type: 'media.publish', sdp: sendPc.localDescription.sdp, tracks });
  const ev = await answered;
  await sendPc.setRemoteDescription({ type: 'answer', sdp: ev.sdp });
  result.publishedTracks = tracks;
  result.publishAnswerSections = sdpSections(ev.sdp).map(({ kind, port, mid, direction, codecs }) => ({ kind, port, mid, direction, codecs }));
  send({ type: 'media.state', mic: true, camera: true, screen: false });
}

// ---------------------------------------------------------------------------
// the event loop of the socket
// ---------------------------------------------------------------------------

function dispatch(ev) {
  switch (ev.type) {
    case 'media.subscribeOffer': onSubscribeOffer(ev); break;
    case 'media.publishAnswer':
      result.publishAnswers += 1;
      if (publishAnswered) { const f = publishAnswered; publishAnswered = null; f(ev); }
      break;
    case 'media.speaker': result.speakers.push({ participantId: ev.participantId, ms: sinceJoin() }); break;
    case 'participant-updated':
      result.updates.push({ id: ev.participant?.id, media: ev.participant?.media, state: ev.participant?.state });
      break;
    case 'participant-joined': result.joined.push(ev.participant?.id); break;
    case 'participant-left': result.left.push({ participantId: ev.participantId, reason: ev.reason }); break;
    case 'error':
      result.errors.push(ev);
      emit({ event: 'error', error: ev });
      break;
    default: result.otherTypes[ev.type] = (result.otherTypes[ev.type] ?? 0) + 1;
  }
}

async function pumpEvents() {
  for (;;) {
    while (wsQueue.length) dispatch(wsQueue.shift());
    if (wsClosed) return;
    await new Promise((resolve) => wsWaiters.push(resolve));
  }
}

async function selectedPair(pc) {
  const stats = await pc.getStats();
  const cands = new Map();
  const pairs = new Map();
  let selectedId = null;
  const inbound = {};
  const outbound = {};
  stats.forEach((s) => {
    if (s.type === 'local-candidate' || s.type === 'remote-candidate') cands.set(s.id, s);
    if (s.type === 'candidate-pair') pairs.set(s.id, s);
    if (s.type === 'transport' && s.selectedCandidatePairId) selectedId = s.selectedCandidatePairId;
    if (s.type === 'inbound-rtp') inbound[s.kind ?? s.mediaType] = (inbound[s.kind ?? s.mediaType] ?? 0) + (s.bytesReceived ?? 0);
    if (s.type === 'outbound-rtp') outbound[s.kind ?? s.mediaType] = (outbound[s.kind ?? s.mediaType] ?? 0) + (s.bytesSent ?? 0);
  });
  // the transport's selected pair; else the pair that carried the most
  const rank = (q) => (q.nominated ? 2 : 0) + (q.state === 'succeeded' ? 1 : 0);
  const pair = pairs.get(selectedId) ?? [...pairs.values()]
    .sort((x, y) => rank(y) - rank(x) || (y.bytesReceived ?? 0) - (x.bytesReceived ?? 0))[0] ?? null;
  const l = pair && cands.get(pair.localCandidateId);
  const r = pair && cands.get(pair.remoteCandidateId);
  return {
    state: pc.connectionState,
    local: l ? `${l.protocol} ${l.address ?? l.ip}:${l.port}` : null,
    remote: r ? `${r.protocol} ${r.address ?? r.ip}:${r.port}` : null,
    inbound,
    outbound,
  };
}

async function main() {
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', (req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  send({ type: 'hello', v: 2, room: roomCode, name });
  const welcome = await nextEvent((e) => e.type === 'welcome' || e.type === 'error', 5000, 'welcome');
  if (welcome.type === 'error') throw new Error(`hello answered ${JSON.stringify(welcome)}`);
  result.self = welcome.self.id;
  result.welcomeV = welcome.v;
  result.welcomeParticipants = welcome.participants.map((p) => ({ id: p.id, media: p.media }));
  emit({ event: 'welcome', self: welcome.self.id, v: welcome.v });

  const pump = pumpEvents();
  joinAt = Date.now();
  result.joinAt = joinAt;
  send({ type: 'media.join' });
  // Publish once the first receive offer is answered (the order of the protocol's example).
  if (opts.publish) {
    const firstOffer = (async () => {
      while (result.answered.length === 0 && !wsClosed && Date.now() - joinAt < 5000) await sleep(20);
    })();
    await firstOffer;
    await Promise.race([
      publish().catch((err) => {
        result.errors.push({ local: true, where: 'publish', message: String(err?.message ?? err) });
      }),
      sleep(5000),
    ]);
  }
  const end = joinAt + DURATION_MS;
  while (Date.now() < end && !wsClosed) await sleep(Math.min(100, Math.max(1, end - Date.now())));
  result.endMs = sinceJoin();

  result.pcs.recv = await selectedPair(recvPc);
  result.pcs.send = opts.publish ? await selectedPair(sendPc) : null;
  result.framesSent = framesSent;
  result.wsClosed = wsClosed;
  if (opts.drop) {
    ws.terminate();
  } else {
    send({ type: 'leave' });
    await Promise.race([new Promise((r) => ws.once('close', r)), sleep(1000)]);
  }
  result.leftAt = Date.now();
  void pump;
}

function finish(code) {
  clearInterval(produceTimer);
  // summarize the accumulators
  for (const p of Object.values(result.peers)) {
    for (const s of Object.values(p)) {
      if (s.kind === 'video') {
        s.yuv = s.yuvN ? s.yuvSum.map((x) => Math.round((10 * x) / s.yuvN) / 10) : null;
        s.yuvMin = s.yuvN ? s.yuvMin.map((x) => Math.round(x)) : null;
        s.yuvMax = s.yuvN ? s.yuvMax.map((x) => Math.round(x)) : null;
        delete s.yuvSum;
      } else {
        s.rms = s.nSamples ? Math.round(Math.sqrt(s.sumSq / s.nSamples)) : 0;
        s.freq = s.analysedSamples && s.sampleRate ? Math.round((s.crossings / 2) * (s.sampleRate / s.analysedSamples)) : 0;
        delete s.sumSq; delete s.lastSample; delete s.crossings;
      }
    }
  }
  emit({ result });
  process.exit(code);
}

try {
  await main();
  finish(0);
} catch (err) {
  result.errors.push({ local: true, where: 'main', message: String(err?.stack ?? err) });
  finish(1);
}
