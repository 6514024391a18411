// Video on weak links (issue 5): the server and three Chromiums in separate network namespaces
// joined by veth pairs (netns.mjs); one subscriber's downlink is shaped with tc.
//
//   publisher P (namespace bl-pub-<pid>)   fake camera 1280x720 (simulcast q/h/f when the client
//                                          sends it), fake microphone; its link is never shaped
//   subscriber A (bl-subA-<pid>)           receives only; its downlink is shaped
//   subscriber B (bl-subB-<pid>)           receives only; never shaped
//   the server, on 10.77.0.1 in the test's own namespace (run-isolated.sh's, normally)
//
// Scenarios, one after the other in one room (the acceptance criteria of issue 5):
//   1. A at 300 kbit/s: A's video converges to the low layer (<= 200 px tall, or the server says
//      layer 0 of several) within 5 s, then 10 s without a freeze > 1 s; B keeps the top layer
//      and does not freeze
//   2. A at 60 kbit/s: the server pauses A's video (media.receiving: paused, bandwidth; the tile
//      shows the avatar), A's audio keeps arriving with < 2 % loss over 10 s
//   3. shaping lifted: A back on the top layer within 10 s
//   4. A with 5 % random loss (no rate limit): 15 s of video decoding without a freeze > 1 s, NACKs
//      sent (retransmissions recover the losses)
// A sampler in each subscriber page reads getStats of the receive connection every 100 ms
// (frame height, frames decoded, bytes, NACKs; audio packets received/lost) together with
// window.__media.receiving (what the server says it sends) and the tiles. A freeze is a gap of
// more than 1 s between two increases of framesDecoded while the track is not paused. Each
// scenario prints one JSON line (prefix SHAPED-LINKS) with its convergence time and freeze counts,
// and all of them go to tests/artifacts/e2e/shaped-links.json.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join as pathJoin } from 'node:path';
import {
  Server, ApiUser, launchBrowser, newPerson, assertCleanPage, eventually, sleep, joinRoom, waitForParticipants,
  screenshot, ARTIFACTS,
} from './harness.mjs';
import { Nets, probe, SERVER_IP } from './netns.mjs';

const LOW_MAX_HEIGHT = 200; // the low layer (a quarter of 720 = 180)
const TOP_MIN_HEIGHT = 720; // the top layer of the 1280x720 camera
const CONVERGE_MS = 5000; // 300 kbit/s: on the low layer within this
const STEADY_MS = 10_000; // then this long without a freeze
const FREEZE_MS = 1000; // no decoded frame for longer than this = a freeze
const PAUSE_WAIT_MS = 8000; // 60 kbit/s: the server pauses the video within this (not in the issue; a bound for the test)
const AUDIO_WINDOW_MS = 10_000;
const AUDIO_MAX_LOSS = 0.02;
const RECOVER_MS = 10_000; // lifted: back on the top layer within this
const LOSS_WINDOW_MS = 15_000;
const WARMUP_MS = 25_000; // the publisher's encoder ramps up to the top layer

const PROBE = probe();
const SKIP = PROBE.ok ? false : `shaped links need network namespaces and tc: ${PROBE.reason}`;

const results = { startedAt: new Date().toISOString(), lossMethod: PROBE.ok ? (PROBE.netem ? 'netem' : 'bpf') : null, scenarios: {} };
function record(name, data) {
  results.scenarios[name] = data;
  console.log(`SHAPED-LINKS ${JSON.stringify({ scenario: name, ...data })}`);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(pathJoin(ARTIFACTS, 'shaped-links.json'), `${JSON.stringify(results, null, 2)}\n`);
}

// ---------------------------------------------------------------------------------------------
// the sampler in a subscriber's page
// ---------------------------------------------------------------------------------------------

/** Starts sampling every `intervalMs` in the page; read with `pull`. */
function installSampler(page, intervalMs = 100) {
  return page.evaluate((interval) => {
    if (window.__shaped) return;
    const samples = [];
    let busy = false;
    const tick = async () => {
      if (busy) return;
      busy = true;
      try {
        const m = window.__media;
        const pc = m?.receive;
        const t = Date.now();
        const tiles = [...document.querySelectorAll('[data-testid="tile"]')].filter((el) => el.dataset.self !== 'true').map((el) => {
          const v = el.querySelector('video.tile-video');
          const av = el.querySelector('.tile-avatar');
          const badge = el.querySelector('[data-testid="tile-low-bandwidth"]');
          return {
            id: el.dataset.participantId, video: el.dataset.video, receiving: el.dataset.receiving ?? null,
            pausedReason: el.dataset.pausedReason ?? null, avatar: av ? !av.hidden : null,
            badge: badge && !badge.hidden && badge.getBoundingClientRect().height > 0 ? badge.textContent : null,
            vh: v && !v.hidden ? v.videoHeight : 0, cssHeight: Math.round(el.getBoundingClientRect().height),
          };
        });
        if (!pc) {
          samples.push({ t, pc: null, tiles });
          return;
        }
        const midOfSsrc = window.__bailanysTest.midOfSsrc(pc.remoteDescription?.sdp);
        const bySsrc = Object.keys(midOfSsrc).length > 0;
        const tracks = m.tracks;
        const streams = {};
        let pair = null;
        const all = await pc.getStats();
        all.forEach((s) => {
          if (s.type === 'inbound-rtp') {
            const sMid = bySsrc ? midOfSsrc[String(s.ssrc)] : s.mid;
            const info = sMid ? tracks[sMid] : null;
            if (!info) return;
            streams[`${info.participantId}/${info.source}`] = s.kind === 'video'
              ? {
                kind: 'video', h: s.frameHeight ?? 0, fd: s.framesDecoded ?? 0, bytes: s.bytesReceived ?? 0, pr: s.packetsReceived ?? 0,
                pl: s.packetsLost ?? 0, nack: s.nackCount ?? 0, pli: s.pliCount ?? 0, fz: s.freezeCount ?? 0, fzDur: s.totalFreezesDuration ?? 0,
                kf: s.keyFramesDecoded ?? 0,
              }
              : { kind: 'audio', bytes: s.bytesReceived ?? 0, hdr: s.headerBytesReceived ?? 0, pr: s.packetsReceived ?? 0, pl: s.packetsLost ?? 0, conceal: s.concealedSamples ?? 0 };
          } else if (s.type === 'transport' && s.selectedCandidatePairId) {
            const p = all.get(s.selectedCandidatePairId);
            const local = p && all.get(p.localCandidateId);
            const remote = p && all.get(p.remoteCandidateId);
            pair = p ? { proto: local?.protocol, local: local?.address, remote: `${remote?.address}:${remote?.port}`, rtt: p.currentRoundTripTime ?? null } : null;
          }
        });
        const rec = m.receiving;
        const receiving = Array.isArray(rec)
          ? rec.map((x) => ({ participantId: x.participantId, source: x.source, state: x.state, reason: x.reason, layer: x.layer, layers: x.layers, height: x.height }))
          : null;
        samples.push({ t, pc: pc.connectionState, streams, receiving, pair, tiles });
      } catch (err) {
        samples.push({ t: Date.now(), error: String(err) });
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(tick, interval);
    window.__shaped = { take: () => samples.splice(0), stop: () => clearInterval(timer) };
  }, intervalMs);
}

/** The samples of one subscriber, pulled from its page whenever asked. */
class Timeline {
  constructor(person) {
    this.person = person;
    this.samples = [];
  }

  async pull() {
    if (this.person.page.isClosed()) return this.samples;
    this.samples.push(...await this.person.page.evaluate(() => window.__shaped?.take() ?? []));
    return this.samples;
  }

  /** Per sample: {t, h, fd, nack, ..., state, reason, layer, layers} of `${pid}/${source}`. */
  series(pid, source = 'camera', from = 0, to = Infinity) {
    return this.samples.filter((s) => s.t >= from && s.t <= to && !s.error).map((s) => {
      const st = s.streams?.[`${pid}/${source}`] ?? null;
      const r = s.receiving?.find((x) => x.participantId === pid && x.source === source) ?? null;
      const tile = s.tiles?.find((x) => x.id === pid) ?? null;
      return { t: s.t, ...(st ?? {}), has: Boolean(st), state: r?.state ?? null, reason: r?.reason ?? null, layer: r?.layer ?? null, layers: r?.layers ?? null, tile };
    });
  }

  last() { return this.samples.at(-1) ?? null; }
}

const isLow = (x) => (x.layers > 1 && x.layer === 0 && x.state !== 'paused') || (x.h > 0 && x.h <= LOW_MAX_HEIGHT);
const isTop = (x) => (x.layers > 1 && x.layer === x.layers - 1 && x.state !== 'paused') || x.h >= TOP_MIN_HEIGHT;
const isPaused = (x) => x.state === 'paused';

/**
 * Freezes in [from, to]: gaps of more than FREEZE_MS between increases of framesDecoded, not
 * counting time the server says the track is paused. The start of the window counts as a frame.
 */
function freezes(series, from, to) {
  let lastFrameAt = from;
  let prevFd = null;
  let count = 0;
  let maxGapMs = 0;
  let firstFd = null;
  let lastFd = null;
  const gaps = [];
  const ends = []; // wall-clock time each freeze ended (UTC), to match the server's log
  for (const x of series) {
    if (x.t < from || x.t > to) continue;
    if (!x.has) continue;
    if (firstFd === null) firstFd = x.fd;
    lastFd = x.fd;
    if (isPaused(x)) { lastFrameAt = x.t; prevFd = x.fd; continue; }
    if (prevFd !== null && x.fd > prevFd) {
      const gap = x.t - lastFrameAt;
      maxGapMs = Math.max(maxGapMs, gap);
      if (gap > FREEZE_MS) { count += 1; gaps.push(Math.round(gap)); ends.push(new Date(x.t).toISOString().slice(11, 23)); }
      lastFrameAt = x.t;
    }
    prevFd = x.fd;
  }
  const tail = to - lastFrameAt;
  const lastPaused = series.filter((x) => x.t <= to).at(-1);
  if (!(lastPaused && isPaused(lastPaused))) {
    maxGapMs = Math.max(maxGapMs, tail);
    if (tail > FREEZE_MS) { count += 1; gaps.push(Math.round(tail)); }
  }
  const frames = (lastFd ?? 0) - (firstFd ?? 0);
  return { count, maxGapMs: Math.round(maxGapMs), gaps, ends, frames, fps: Math.round((frames / Math.max(1, to - from)) * 10_000) / 10 };
}

/** Deltas of a cumulative counter over a series. */
function delta(series, field) {
  const xs = series.filter((x) => x.has);
  if (xs.length < 2) return 0;
  return xs.at(-1)[field] - xs[0][field];
}

const kbps = (series) => {
  const xs = series.filter((x) => x.has);
  if (xs.length < 2) return 0;
  return Math.round(((xs.at(-1).bytes - xs[0].bytes) * 8) / Math.max(1, xs.at(-1).t - xs[0].t));
};

function heights(series) {
  const hs = series.filter((x) => x.has && x.h > 0).map((x) => x.h);
  return hs.length ? { min: Math.min(...hs), max: Math.max(...hs), last: hs.at(-1) } : { min: null, max: null, last: null };
}

/** Cumulative `dropped` of the qdiscs on a shaped link (tc -s). */
function qdiscDrops(nets, tag) {
  let n = 0;
  for (const m of nets.stats(tag).matchAll(/dropped (\d+)/g)) n += Number(m[1]);
  return n;
}

// ---------------------------------------------------------------------------------------------

describe('shaped links: a subscriber on a weak downlink (tc in its own network namespace)', { skip: SKIP, timeout: 240_000 }, () => {
  let nets;
  let server;
  const browsers = [];
  let P; let A; let B;
  let pid; // the publisher's participant id
  let tlA; let tlB;

  const diag = async () => {
    const out = [];
    for (const [label, tl] of [['A', tlA], ['B', tlB]]) {
      if (!tl) continue;
      await tl.pull().catch(() => {});
      out.push(`${label} last sample: ${JSON.stringify(tl.last())}`);
    }
    out.push(`A's link: ${nets?.stats('subA')}`);
    out.push(`publisher: ${JSON.stringify(await P?.page.evaluate(() => window.__media?.publish?.getStats().then((r) => {
      const o = [];
      r.forEach((s) => { if (s.type === 'outbound-rtp' && s.kind === 'video') o.push({ rid: s.rid ?? null, h: s.frameHeight, active: s.active, limit: s.qualityLimitationReason, kbps: null }); });
      return o;
    })).catch((e) => String(e)))}`);
    // The server runs at debug level: its estimate changes, probes and layer choices for A are
    // what explains a failure here (the rest of the log is long; warnings and errors are kept).
    const aId = await A?.page.evaluate(() => window.__bailanys?.state?.self?.id).catch(() => null);
    const lines = `${server?.stderr ?? ''}\n${server?.stdout ?? ''}`.split('\n');
    const aLines = aId ? lines.filter((l) => l.includes(aId) && /downlink now|gets .* at layer|probing/.test(l)).slice(-80) : [];
    const bad = lines.filter((l) => /\[(warning|error|critical)\]/.test(l)).slice(-40);
    return `\n${out.join('\n')}\n--- server (pid ${server?.pid}): A (${aId}) estimate and layers ---\n${aLines.join('\n')}\n--- server warnings and errors ---\n${bad.join('\n')}`;
  };
  const withDiag = async (fn) => {
    try {
      return await fn();
    } catch (err) {
      err.message += await diag();
      throw err;
    }
  };

  before(async () => {
    nets = Nets.create(['subA', 'subB', 'pub']); // 10.77.1.0/24, 10.77.2.0/24, 10.77.3.0/24
    server = await Server.start(['--log-level', process.env.BAILANYS_E2E_LOG_LEVEL || 'debug'], { host: SERVER_IP });
    // http://10.77.0.1 is no secure context: the camera needs this flag (the subscribers too, so
    // the page behaves as on HTTPS).
    const extraArgs = [`--unsafely-treat-insecure-origin-as-secure=${server.origin}`];
    const [bp, ba, bb] = await Promise.all(['pub', 'subA', 'subB'].map((tag) => launchBrowser({ executablePath: nets.ns(tag).chromium, extraArgs })));
    browsers.push(bp, ba, bb);
    const owner = new ApiUser(server);
    await owner.signup({ displayName: 'Teacher' });
    const { code } = await owner.createRoom({ name: 'Weak links' });
    // Large tiles (1920x1080 CSS pixels at 2x): the top layer is what a subscriber asks for.
    const view = { viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 2 };
    P = await newPerson(bp, server, { label: 'P', ...view });
    A = await newPerson(ba, server, { label: 'A', ...view });
    B = await newPerson(bb, server, { label: 'B', ...view });
    // Three Chromiums starting at once in fresh namespaces on 2 cores: the first page load and
    // fake camera can take longer than the harness's 10 s default.
    for (const p of [P, A, B]) p.page.setDefaultTimeout(30_000);
    await joinRoom(P, code, { name: 'Publisher' });
    await joinRoom(A, code, { name: 'Shaped', withoutMedia: true });
    await joinRoom(B, code, { name: 'Unshaped', withoutMedia: true });
    for (const p of [P, A, B]) await waitForParticipants(p.page, ['Publisher', 'Shaped', 'Unshaped'], { timeoutMs: 10_000 });
    pid = await P.page.evaluate(() => window.__bailanys.state.self.id);
    await installSampler(A.page);
    await installSampler(B.page);
    tlA = new Timeline(A);
    tlB = new Timeline(B);
  });

  after(async () => {
    for (const b of browsers) await b.close().catch(() => {});
    nets?.destroy();
    await server?.close();
  });

  it('0. unshaped: both subscribers decode the publisher\'s camera on the top layer', { timeout: 60_000 }, async (t) => {
    const t0 = Date.now();
    const reached = {};
    for (const [label, tl] of [['A', tlA], ['B', tlB]]) {
      reached[label] = await eventually(async () => {
        await tl.pull();
        const x = tl.series(pid).filter((y) => y.has).at(-1);
        return x && x.fd > 30 && isTop(x) ? x.t - t0 : false;
      }, { timeoutMs: Math.max(1000, WARMUP_MS - (Date.now() - t0)), intervalMs: 250, what: `${label} on the top layer` }).catch(() => null);
    }
    await sleep(2000);
    const t1 = Date.now();
    await tlA.pull();
    await tlB.pull();
    const pub = await P.page.evaluate(async () => {
      const o = [];
      (await window.__media.publish.getStats()).forEach((s) => {
        if (s.type === 'outbound-rtp') o.push({ kind: s.kind, rid: s.rid ?? null, h: s.frameHeight ?? null, active: s.active, limit: s.qualityLimitationReason ?? null, targetKbps: Math.round((s.targetBitrate ?? 0) / 1000) });
      });
      const fb = (window.__media.publish.remoteDescription?.sdp ?? '').split(/\r?\n/).filter((l) => /^a=(rtcp-fb:\d+ (transport-cc|goog-remb)|extmap:\d+ .*transport-wide)/.test(l));
      return { outbound: o, feedback: fb };
    });
    const last = tlA.last();
    const win = (tl, src) => tl.series(pid, src, t1 - 2000, t1);
    const audio = win(tlA, 'mic');
    const secs = Math.max(0.001, (audio.at(-1)?.t - audio[0]?.t) / 1000);
    const pps = delta(audio, 'pr') / secs;
    const data = {
      topMs: reached,
      publisher: pub.outbound,
      publisherFeedback: pub.feedback,
      simulcast: pub.outbound.filter((x) => x.kind === 'video' && x.rid).map((x) => x.rid),
      pair: last?.pair,
      tiles: last?.tiles?.map((x) => ({ cssHeight: x.cssHeight, receiving: x.receiving })),
      A: { ...heights(win(tlA, 'camera')), kbps: kbps(win(tlA, 'camera')), freezes: freezes(win(tlA, 'camera'), t1 - 2000, t1) },
      B: { ...heights(win(tlB, 'camera')), kbps: kbps(win(tlB, 'camera')), freezes: freezes(win(tlB, 'camera'), t1 - 2000, t1) },
      // Audio on the wire: payload + RTP header + UDP/IPv4 (28) + SRTP tag (16).
      audio: { pps: Math.round(pps), payloadKbps: kbps(audio), wireKbps: Math.round(((delta(audio, 'bytes') + delta(audio, 'hdr')) * 8 / secs + pps * 44 * 8) / 1000) },
    };
    record('baseline', data);
    t.diagnostic(JSON.stringify(data));
    await withDiag(async () => {
      assert.notEqual(reached.A, null, `A not on the top layer (>= ${TOP_MIN_HEIGHT} px or the top simulcast layer) within ${WARMUP_MS} ms`);
      assert.notEqual(reached.B, null, `B not on the top layer within ${WARMUP_MS} ms`);
    });
  });

  it('1. A at 300 kbit/s: low layer within 5 s, then no freeze > 1 s for 10 s; B stays on the top layer', { timeout: 60_000 }, async (t) => {
    const tx0 = nets.txBytes('subA');
    await tlA.pull();
    const before = tlA.series(pid).filter((x) => x.has).at(-1) ?? null;
    const cmds = nets.shape('subA', { rateKbit: 300 });
    const t0 = Date.now();
    // Wait until converged (or the bound passed), then the steady window.
    let convergedAt = null;
    while (Date.now() - t0 < CONVERGE_MS + 1000) {
      await sleep(250);
      await tlA.pull();
      const hit = tlA.series(pid, 'camera', t0).find(isLow);
      if (hit) { convergedAt = hit.t; break; }
    }
    const steadyFrom = convergedAt ?? t0 + CONVERGE_MS;
    await sleep(Math.max(0, steadyFrom + STEADY_MS - Date.now()));
    const t1 = Date.now();
    await tlA.pull();
    await tlB.pull();
    const a = tlA.series(pid, 'camera', t0, t1);
    const b = tlB.series(pid, 'camera', t0, t1);
    const steady = tlA.series(pid, 'camera', steadyFrom, steadyFrom + STEADY_MS);
    const data = {
      link: cmds.join('; '),
      convergeMs: convergedAt === null ? null : convergedAt - t0,
      startedTop: Boolean(before && isTop(before)),
      A: {
        heights: heights(a), steadyHeights: heights(steady), leftLowAfter: steady.filter((x) => x.has && !isLow(x)).length,
        kbps: kbps(a), freezes: freezes(steady, steadyFrom, steadyFrom + STEADY_MS), freezesWholePhase: freezes(a, t0, t1),
        chromiumFreezeCount: delta(a, 'fz'), nacks: delta(a, 'nack'), plis: delta(a, 'pli'), keyframes: delta(a, 'kf'),
        paused: a.filter(isPaused).length, layers: [...new Set(a.map((x) => x.layer))],
        linkDrops: qdiscDrops(nets, 'subA'), linkKbps: Math.round(((nets.txBytes('subA') - tx0) * 8) / (t1 - t0)),
      },
      B: { heights: heights(b), kbps: kbps(b), freezes: freezes(b, t0, t1), notTop: b.filter((x) => x.has && !isTop(x)).length },
      // The publisher's encoder after the phase (a frozen B would point here).
      publisher: await P.page.evaluate(async () => {
        const o = [];
        (await window.__media.publish.getStats()).forEach((s) => {
          if (s.type === 'outbound-rtp' && s.kind === 'video') {
            o.push({ rid: s.rid ?? null, h: s.frameHeight ?? null, frames: s.framesEncoded, keyframes: s.keyFramesEncoded, plis: s.pliCount, limit: s.qualityLimitationReason ?? null, targetKbps: Math.round((s.targetBitrate ?? 0) / 1000) });
          }
        });
        return o;
      }),
    };
    record('300kbit', data);
    t.diagnostic(JSON.stringify(data));
    await screenshot(A.page, 'shaped-300kbit-A');
    await withDiag(async () => {
      // Otherwise "converged" means nothing (e.g. a publisher that only sends the low layer).
      assert.ok(data.startedTop, `A was on the top layer before the shaping: ${JSON.stringify(before)}`);
      assert.notEqual(data.convergeMs, null, `A did not reach the low layer (height <= ${LOW_MAX_HEIGHT} or layer 0) within ${CONVERGE_MS} ms: heights ${JSON.stringify(data.A.heights)}`);
      assert.ok(data.convergeMs <= CONVERGE_MS, `A converged after ${data.convergeMs} ms`);
      assert.equal(data.A.freezes.count, 0, `A froze after converging: ${JSON.stringify(data.A.freezes)}`);
      assert.equal(data.A.paused, 0, 'the low layer fits 300 kbit/s: A\'s video is not paused');
      assert.equal(data.B.notTop, 0, `B left the top layer: ${JSON.stringify(data.B.heights)}`);
      assert.equal(data.B.freezes.count, 0, `B froze: ${JSON.stringify(data.B.freezes)}`);
    });
  });

  it('2. A at 60 kbit/s: video paused (bandwidth, the avatar shown), audio keeps arriving with < 2 % loss', { timeout: 60_000 }, async (t) => {
    const cmds = nets.shape('subA', { rateKbit: 60 });
    const t0 = Date.now();
    let pausedAt = null;
    while (Date.now() - t0 < PAUSE_WAIT_MS) {
      await sleep(250);
      await tlA.pull();
      const hit = tlA.series(pid, 'camera', t0).find((x) => isPaused(x) && x.reason === 'bandwidth');
      if (hit) { pausedAt = hit.t; break; }
    }
    // The audio window starts when the video is paused (or at the bound).
    const from = pausedAt ?? Date.now();
    await sleep(AUDIO_WINDOW_MS);
    const to = Date.now();
    await tlA.pull();
    const audio = tlA.series(pid, 'mic', from, to);
    const video = tlA.series(pid, 'camera', from, to);
    const recv = delta(audio, 'pr');
    const lost = delta(audio, 'pl');
    const lastTile = tlA.last()?.tiles?.find((x) => x.id === pid) ?? null;
    const data = {
      link: cmds.join('; '),
      pauseMs: pausedAt === null ? null : pausedAt - t0,
      audio: { packets: recv, lost, lossPct: Math.round((lost / Math.max(1, recv + lost)) * 10_000) / 100, kbps: kbps(audio), concealed: delta(audio, 'conceal') },
      video: { framesDecoded: delta(video, 'fd'), kbps: kbps(video), heights: heights(video), states: [...new Set(video.map((x) => `${x.state}/${x.reason}`))] },
      tile: lastTile,
      linkDrops: qdiscDrops(nets, 'subA'),
    };
    record('60kbit', data);
    t.diagnostic(JSON.stringify(data));
    await screenshot(A.page, 'shaped-60kbit-A');
    await withDiag(async () => {
      assert.notEqual(data.pauseMs, null, `the server did not pause A's video for bandwidth within ${PAUSE_WAIT_MS} ms (states ${JSON.stringify(data.video.states)})`);
      assert.ok(video.every((x) => !x.has || isPaused(x)), 'the video stays paused at 60 kbit/s');
      assert.ok(lastTile && lastTile.avatar === true && lastTile.vh === 0, `the tile shows the avatar: ${JSON.stringify(lastTile)}`);
      assert.ok(lastTile.badge, `the tile shows the low-bandwidth badge: ${JSON.stringify(lastTile)}`);
      assert.equal(lastTile.receiving, 'paused');
      assert.ok(recv >= (AUDIO_WINDOW_MS / 20) * 0.9, `audio keeps arriving: ${recv} packets in ${AUDIO_WINDOW_MS} ms`);
      assert.ok(lost / Math.max(1, recv + lost) < AUDIO_MAX_LOSS, `audio loss ${data.audio.lossPct} %`);
    });
  });

  it('3. shaping lifted: A back on the top layer within 10 s', { timeout: 40_000 }, async (t) => {
    nets.unshape('subA');
    const t0 = Date.now();
    let topAt = null;
    while (Date.now() - t0 < RECOVER_MS + 2000) {
      await sleep(250);
      await tlA.pull();
      const hit = tlA.series(pid, 'camera', t0).find((x) => x.has && isTop(x) && !isPaused(x));
      if (hit) { topAt = hit.t; break; }
    }
    const t1 = Date.now();
    const a = tlA.series(pid, 'camera', t0, t1);
    const firstFrame = a.find((x, i) => i > 0 && x.fd > a[i - 1].fd);
    const data = {
      recoverMs: topAt === null ? null : topAt - t0,
      firstFrameMs: firstFrame ? firstFrame.t - t0 : null,
      heights: heights(a),
      layers: [...new Set(a.map((x) => x.layer))],
    };
    record('lifted', data);
    t.diagnostic(JSON.stringify(data));
    await withDiag(async () => {
      assert.notEqual(data.recoverMs, null, `A not back on the top layer within ${RECOVER_MS + 2000} ms: ${JSON.stringify(data.heights)}`);
      assert.ok(data.recoverMs <= RECOVER_MS, `A back on the top layer after ${data.recoverMs} ms`);
    });
  });

  it('4. A with 5 % random loss: video keeps decoding, no freeze > 1 s for 15 s, NACKs recover', { timeout: 40_000 }, async (t) => {
    // Starts from the top layer (scenario 3); wait briefly for it if 3 failed.
    await eventually(async () => { await tlA.pull(); const x = tlA.series(pid).at(-1); return x && x.has && !isPaused(x); }, { timeoutMs: 10_000, what: 'A receives video' }).catch(() => {});
    const cmds = nets.shape('subA', { lossPct: 5 });
    const t0 = Date.now();
    await sleep(LOSS_WINDOW_MS);
    const t1 = Date.now();
    await tlA.pull();
    const a = tlA.series(pid, 'camera', t0, t1);
    const audio = tlA.series(pid, 'mic', t0, t1);
    const stats = nets.stats('subA');
    const recvA = delta(audio, 'pr');
    const lostA = delta(audio, 'pl');
    const data = {
      link: cmds.join('; '),
      lossMethod: results.lossMethod,
      freezes: freezes(a, t0, t1),
      chromiumFreezeCount: delta(a, 'fz'),
      nacks: delta(a, 'nack'), plis: delta(a, 'pli'), keyframes: delta(a, 'kf'),
      packetsLostAfterRtx: delta(a, 'pl'), packets: delta(a, 'pr'),
      heights: heights(a), kbps: kbps(a), paused: a.filter(isPaused).length,
      audioLossPct: Math.round((lostA / Math.max(1, recvA + lostA)) * 10_000) / 100,
      linkDrops: qdiscDrops(nets, 'subA'),
    };
    nets.unshape('subA');
    record('loss5', data);
    t.diagnostic(JSON.stringify(data));
    t.diagnostic(stats);
    await withDiag(async () => {
      assert.equal(data.paused, 0, 'the video is not paused for 5 % loss');
      assert.ok(data.freezes.frames >= (LOSS_WINDOW_MS / 1000) * 10, `video keeps decoding: ${data.freezes.frames} frames in ${LOSS_WINDOW_MS} ms`);
      assert.equal(data.freezes.count, 0, `freezes > ${FREEZE_MS} ms with 5 % loss: ${JSON.stringify(data.freezes)}`);
      assert.ok(data.nacks > 0, 'A sent NACKs for the lost packets');
    });
  });

  it('5. no errors in the pages, the server alive', async () => {
    for (const p of [P, A, B]) assertCleanPage(p);
    server.assertAlive();
    const warnings = `${server.stderr}\n${server.stdout}`.split('\n').filter((l) => /\[(warning|error|critical)\]/.test(l));
    if (warnings.length) console.log(`server warnings: ${warnings.length}\n${warnings.slice(0, 10).join('\n')}`);
  });
});
