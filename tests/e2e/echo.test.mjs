// The camera and network check (/echo): the browser sends its fake camera and microphone to the
// server's own media stack (ICE-lite, DTLS-SRTP, RTP/RTCP) and gets them back. Over UDP and over
// ICE-TCP (`?transport=tcp`), in Kazakh, the Stop button, and the explanations of server errors.
// Records the time to the first echoed frame in tests/artifacts/e2e/echo-timings.json.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join as pathJoin } from 'node:path';
import {
  Server, launchBrowser, newPerson, assertCleanPage, testid, screenshot, eventually, sleep, loadDict, ARTIFACTS,
} from './harness.mjs';

const FIRST_FRAME_MS = 20_000; // page open → first echoed frame, generous for a loaded CI machine
const TIMINGS_FILE = pathJoin(ARTIFACTS, 'echo-timings.json');
const VIEWPORT = { width: 1280, height: 1000 }; // the whole page, stats panel included, in the screenshots

/** Inbound audio/video, the selected candidate pair and its local candidate, from the page's pc. */
function echoStats(page) {
  return page.evaluate(async () => {
    const pc = window.__echo?.pc;
    if (!pc) return null;
    const report = await pc.getStats();
    const out = { connectionState: pc.connectionState, iceConnectionState: pc.iceConnectionState, audio: null, video: null, protocol: null, local: null, remote: null, rtt: null };
    let pairId = null;
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && (s.kind === 'audio' || s.kind === 'video')) {
        out[s.kind] = {
          ssrc: s.ssrc, bytesReceived: s.bytesReceived, packetsReceived: s.packetsReceived, packetsLost: s.packetsLost,
          framesDecoded: s.framesDecoded, frameWidth: s.frameWidth, frameHeight: s.frameHeight, nackCount: s.nackCount,
          pliCount: s.pliCount, firCount: s.firCount, keyFramesDecoded: s.keyFramesDecoded,
        };
      }
      if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    });
    const pair = pairId ? report.get(pairId) : null;
    if (pair) {
      const pick = (c) => (c ? { address: c.address, port: c.port, protocol: c.protocol, candidateType: c.candidateType, tcpType: c.tcpType } : null);
      out.local = pick(report.get(pair.localCandidateId));
      out.remote = pick(report.get(pair.remoteCandidateId));
      out.protocol = out.local?.protocol ?? null;
      out.rtt = pair.currentRoundTripTime ?? null;
    }
    return out;
  });
}

/** Everything useful when the echo does not work: the page's state, a full getStats dump, SDPs, the server log. */
async function diagnostics(page, server) {
  let pageSide;
  try {
    pageSide = await page.evaluate(async () => {
      const e = window.__echo;
      const status = document.querySelector('[data-testid="echo-status"]');
      const res = {
        url: location.href,
        echo: e ? { state: e.state, transport: e.transport, firstFrameMs: e.firstFrameMs, sessionId: e.sessionId } : null,
        status: status ? { text: status.textContent, ...status.dataset } : null,
        remoteVideo: (() => {
          const v = document.querySelector('[data-testid="echo-remote"]');
          return v ? { readyState: v.readyState, videoWidth: v.videoWidth, videoHeight: v.videoHeight, paused: v.paused } : null;
        })(),
      };
      const pc = e?.pc;
      if (pc) {
        res.pc = { connectionState: pc.connectionState, iceConnectionState: pc.iceConnectionState, signalingState: pc.signalingState };
        res.localSdp = pc.localDescription?.sdp;
        res.remoteSdp = pc.remoteDescription?.sdp;
        try {
          const stats = [];
          (await pc.getStats()).forEach((s) => stats.push(s));
          res.stats = stats.filter((s) => ['inbound-rtp', 'outbound-rtp', 'remote-inbound-rtp', 'remote-outbound-rtp', 'transport',
            'candidate-pair', 'local-candidate', 'remote-candidate', 'certificate', 'codec'].includes(s.type));
        } catch (err) {
          res.stats = `getStats failed: ${err}`;
        }
      }
      return res;
    });
  } catch (err) {
    pageSide = `page not readable: ${err}`;
  }
  return `\n--- page ---\n${JSON.stringify(pageSide, null, 1)}\n--- server (pid ${server.pid}) ---\n${server.logs}`;
}

/** Runs `fn`; on failure, the error message gets the page's and the server's side of the story. */
async function withDiagnostics(page, server, fn) {
  try {
    return await fn();
  } catch (err) {
    err.message += await diagnostics(page, server);
    throw err;
  }
}

/** Waits until the status line is in `state`; a 'failed' status ends the wait at once. */
async function waitForStatus(page, state, timeoutMs) {
  const status = testid(page, 'echo-status');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await status.evaluate((el) => ({ state: el.dataset.state, reason: el.dataset.reason, text: el.textContent }));
    if (s.state === state) return s;
    if (s.state === 'failed' && state !== 'failed') throw new Error(`the check failed (${s.reason}): "${s.text}"`);
    if (Date.now() > deadline) throw new Error(`status "${state}" not reached within ${timeoutMs} ms; it is ${JSON.stringify(s)}`);
    await sleep(100);
  }
}

function recordTiming(entry) {
  mkdirSync(ARTIFACTS, { recursive: true });
  let all = [];
  if (existsSync(TIMINGS_FILE)) {
    try {
      const parsed = JSON.parse(readFileSync(TIMINGS_FILE, 'utf8'));
      if (Array.isArray(parsed)) all = parsed;
    } catch { /* a broken file is replaced */ }
  }
  all.push(entry);
  writeFileSync(TIMINGS_FILE, `${JSON.stringify(all, null, 2)}\n`);
}

/** Average colour of a video's current picture (16×9 samples; the spread only for messages). */
function pictureSummary(page, id) {
  return testid(page, id).evaluate((v) => {
    const c = document.createElement('canvas');
    c.width = 16;
    c.height = 9;
    const g = c.getContext('2d', { willReadFrequently: true });
    g.drawImage(v, 0, 0, c.width, c.height);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const n = d.length / 4;
    const mean = [0, 0, 0];
    for (let i = 0; i < d.length; i += 4) for (let k = 0; k < 3; k += 1) mean[k] += d[i + k] / n;
    let spread = 0;
    for (let i = 0; i < d.length; i += 4) spread += Math.abs((d[i] + d[i + 1] + d[i + 2]) / 3 - (mean[0] + mean[1] + mean[2]) / 3) / n;
    return { mean: mean.map(Math.round), spread: Math.round(spread) };
  });
}

/**
 * Opens the check over `transport` and verifies that media really comes back: frames decoded
 * keep rising, audio and video bytes grow, the remote <video> has a picture that looks like the
 * local camera's, the selected pair is `transport`, and the status says so.
 */
async function checkEcho(t, browser, server, transport) {
  const person = await newPerson(browser, server, { label: `echo-${transport}`, viewport: VIEWPORT });
  const { page } = person;
  const response = await page.goto(transport === 'tcp' ? '/echo?transport=tcp' : '/echo');
  assert.equal(response.status(), 200, 'GET /echo serves the web client');
  await testid(page, 'echo').waitFor();
  const en = await loadDict('en');

  const result = await withDiagnostics(page, server, async () => {
    await waitForStatus(page, 'connected', FIRST_FRAME_MS);
    const firstFrameMs = await eventually(() => page.evaluate(() => window.__echo.firstFrameMs),
      { timeoutMs: FIRST_FRAME_MS, intervalMs: 100, what: 'the first echoed frame' });
    assert.ok(Number.isFinite(firstFrameMs) && firstFrameMs > 0, `firstFrameMs ${firstFrameMs}`);

    // The remote <video> shows decoded frames.
    const remote = await eventually(async () => {
      const v = await testid(page, 'echo-remote').evaluate((el) => ({ readyState: el.readyState, videoWidth: el.videoWidth, videoHeight: el.videoHeight, paused: el.paused }));
      assert.ok(v.readyState >= 2 && v.videoWidth > 0 && v.videoHeight > 0, JSON.stringify(v));
      return v;
    }, { timeoutMs: 5000, what: 'a remote picture' });
    assert.equal(remote.paused, false, 'the remote video plays');

    // Inbound audio and video bytes both grow over about a second.
    const s1 = await echoStats(page);
    assert.ok(s1?.audio && s1?.video, `inbound audio and video streams: ${JSON.stringify(s1)}`);
    await sleep(1100);
    const s2 = await echoStats(page);
    assert.ok(s2.audio.bytesReceived > s1.audio.bytesReceived, `audio bytes grow: ${s1.audio.bytesReceived} → ${s2.audio.bytesReceived}`);
    assert.ok(s2.video.bytesReceived > s1.video.bytesReceived, `video bytes grow: ${s1.video.bytesReceived} → ${s2.video.bytesReceived}`);

    // At least 30 more frames decoded (about 1.5 s at the fake camera's 20 fps).
    const f0 = s1.video.framesDecoded ?? 0;
    const s3 = await eventually(async () => {
      const s = await echoStats(page);
      assert.ok((s.video.framesDecoded ?? 0) >= f0 + 30, `framesDecoded ${f0} → ${s.video.framesDecoded}`);
      return s;
    }, { timeoutMs: 10_000, intervalMs: 250, what: '30 more decoded frames' });

    // The transport actually used, as the status line and the hook report it.
    assert.equal(s3.protocol, transport, `selected pair: ${JSON.stringify({ local: s3.local, remote: s3.remote })}`);
    assert.equal(s3.remote?.protocol, transport, 'the server candidate of the selected pair');
    assert.equal(await page.evaluate(() => window.__echo.transport), transport);
    const status = testid(page, 'echo-status');
    assert.equal(await status.getAttribute('data-state'), 'connected');
    assert.equal(await status.getAttribute('data-transport'), transport);
    assert.equal((await page.locator('[data-testid="echo-status"] .echo-status-text').textContent()),
      en['echo.status.connected'].replace('{transport}', transport.toUpperCase()));

    // The stats panel follows.
    await eventually(async () => {
      const v = (id) => testid(page, id).getAttribute('data-value');
      assert.equal(await v('echo-stat-transport'), transport);
      assert.equal(Number(await v('echo-stat-first-frame')), firstFrameMs);
      assert.ok(Number(await v('echo-stat-frames')) > 0, 'frames decoded shown');
      assert.ok(Number(await v('echo-stat-audio-bytes')) > 0, 'audio bytes shown');
      assert.ok(Number(await v('echo-stat-video-bytes')) > 0, 'video bytes shown');
      assert.match(await v('echo-stat-resolution') ?? '', /^\d+x\d+$/);
      assert.ok(await v('echo-stat-rtt') !== null, 'round-trip time shown');
      return true;
    }, { timeoutMs: 3000, what: 'the stats panel' });

    // The returned sound moves the meter (Chromium's fake microphone beeps).
    await eventually(async () => Number(await testid(page, 'echo-audio-meter').getAttribute('aria-valuenow')) > 0,
      { timeoutMs: 5000, what: 'the returned-sound meter to move' });

    // The picture that came back is the camera's: not black, and about the same average colour
    // (the fake camera's frames are mostly green; the two videos are a few frames apart, so no
    // finer comparison).
    const local = await pictureSummary(page, 'echo-local');
    const back = await pictureSummary(page, 'echo-remote');
    assert.ok(Math.max(...back.mean) > 50, `the remote picture is not black: ${JSON.stringify(back)}`);
    for (let k = 0; k < 3; k += 1) {
      assert.ok(Math.abs(local.mean[k] - back.mean[k]) < 40, `remote ${JSON.stringify(back)} looks like local ${JSON.stringify(local)}`);
    }
    return { firstFrameMs, stats: s3, marks: await page.evaluate(() => window.__echo.marks) };
  });

  const line = `echo over ${transport}: first echoed frame after ${result.firstFrameMs} ms ` +
    `(rtt ${result.stats.rtt === null ? '?' : Math.round(result.stats.rtt * 1000)} ms, ` +
    `${result.stats.video.frameWidth}x${result.stats.video.frameHeight}; steps ${JSON.stringify(result.marks)})`;
  console.log(line);
  t.diagnostic(line);
  recordTiming({
    at: new Date().toISOString(), transport, firstFrameMs: result.firstFrameMs,
    rttMs: result.stats.rtt === null ? null : Math.round(result.stats.rtt * 1000),
    resolution: `${result.stats.video.frameWidth}x${result.stats.video.frameHeight}`,
    steps: result.marks,
    browser: browser.version(),
  });
  await page.mouse.move(0, 0);
  await screenshot(page, `echo-${transport}`);
  assertCleanPage(person);
  return person;
}

describe('camera and network check (/echo)', { timeout: 300_000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await Server.start(['--log-level', 'debug']);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await server?.close();
  });

  it('over UDP: the camera and microphone come back, frames decode, status says UDP', { timeout: 60_000 }, async (t) => {
    const person = await checkEcho(t, browser, server, 'udp');
    await person.context.close();
    server.assertAlive();
  });

  it('over TCP (?transport=tcp): the same through ICE-TCP', { timeout: 60_000 }, async (t) => {
    const person = await checkEcho(t, browser, server, 'tcp');
    await person.context.close();
    server.assertAlive();
  });

  it('in Kazakh: reached from the start page, every echo string translated', { timeout: 60_000 }, async () => {
    const person = await newPerson(browser, server, { label: 'echo-kk', locale: 'kk-KZ', viewport: VIEWPORT });
    const { page } = person;
    const kk = await loadDict('kk');
    const en = await loadDict('en');
    await page.goto('/');
    await testid(page, 'start-page').waitFor();
    const link = testid(page, 'echo-link');
    assert.equal((await link.textContent()).trim(), kk['echo.link']);
    await link.click();
    await testid(page, 'echo').waitFor();
    assert.equal(new URL(page.url()).pathname, '/echo');
    assert.equal(await page.getAttribute('html', 'lang'), 'kk');

    await withDiagnostics(page, server, async () => {
      await waitForStatus(page, 'connected', FIRST_FRAME_MS);
    });
    // Read while the check runs (the toggle says Stop).
    const got = await page.evaluate(() => {
      const q = (sel) => document.querySelector(sel)?.textContent?.trim() ?? null;
      return {
        'echo.title': q('.echo-title'),
        'echo.intro': q('.echo-intro'),
        'echo.you': document.querySelectorAll('.echo-caption')[0]?.textContent ?? null,
        'echo.fromServer': document.querySelectorAll('.echo-caption')[1]?.textContent ?? null,
        'echo.stats.title': q('[data-testid="echo-stats"] .card-title'),
        'echo.stats.rtt': document.querySelector('[data-testid="echo-stat-rtt"]')?.previousElementSibling?.textContent ?? null,
        'echo.stats.firstFrame': document.querySelector('[data-testid="echo-stat-first-frame"]')?.previousElementSibling?.textContent ?? null,
        'echo.stop': q('[data-testid="echo-toggle"]'),
        'echo.listenOn': q('[data-testid="echo-listen"]'),
        'common.backHome': q('[data-testid="echo-back"]'),
      };
    });
    const want = Object.fromEntries(Object.keys(got).map((k) => [k, kk[k]]));
    assert.deepEqual(got, want);
    for (const k of Object.keys(want)) assert.notEqual(kk[k], en[k], `kk ${k} is translated`);
    assert.equal(await testid(page, 'echo-audio-meter').getAttribute('aria-label'), kk['echo.audioLevel']);

    await withDiagnostics(page, server, async () => {
      assert.equal(await page.locator('[data-testid="echo-status"] .echo-status-text').textContent(),
        kk['echo.status.connected'].replace('{transport}', 'UDP'));
      await eventually(async () => (await testid(page, 'echo-stat-rtt').getAttribute('data-value')) !== null,
        { timeoutMs: 5000, what: 'a round-trip time' });
      const rtt = await testid(page, 'echo-stat-rtt').textContent();
      assert.match(rtt, /^\d[\d\s ]* мс$/, `the unit is translated: "${rtt}"`);
    });
    await page.mouse.move(0, 0);
    await screenshot(page, 'echo-kk');
    await testid(page, 'echo-toggle').click();
    await waitForStatus(page, 'ended', 5000);
    assert.equal(await page.locator('[data-testid="echo-status"] .echo-status-text').textContent(), kk['echo.status.ended']);
    assert.equal(await testid(page, 'echo-toggle').textContent(), kk['echo.startAgain']);
    assertCleanPage(person);
    await person.context.close();
  });

  it('Stop ends the session: status "ended", no more bytes, camera released; Start again works', { timeout: 90_000 }, async (t) => {
    const person = await newPerson(browser, server, { label: 'echo-stop', viewport: VIEWPORT });
    const { page } = person;
    const en = await loadDict('en');
    await page.goto('/echo');
    await testid(page, 'echo').waitFor();
    await withDiagnostics(page, server, async () => {
      await waitForStatus(page, 'connected', FIRST_FRAME_MS);
      await eventually(async () => ((await echoStats(page))?.video?.framesDecoded ?? 0) > 0,
        { timeoutMs: FIRST_FRAME_MS, what: 'decoded frames' });
      await eventually(async () => Number(await testid(page, 'echo-stat-video-bytes').getAttribute('data-value')) > 0,
        { timeoutMs: 5000, what: 'the panel to show video bytes' });
    });
    // Bytes are flowing before Stop.
    const before1 = await echoStats(page);
    await sleep(600);
    const before2 = await echoStats(page);
    assert.ok(before2.video.bytesReceived > before1.video.bytesReceived && before2.audio.bytesReceived > before1.audio.bytesReceived,
      `bytes flow before Stop: ${JSON.stringify([before1.audio, before1.video, before2.audio, before2.video])}`);
    const sessionId = await page.evaluate(() => window.__echo.sessionId);
    const toggle = testid(page, 'echo-toggle');
    assert.equal(await toggle.getAttribute('data-action'), 'stop');
    assert.equal(await toggle.textContent(), en['echo.stop']);
    await toggle.click();

    await waitForStatus(page, 'ended', 5000);
    assert.equal(await page.locator('[data-testid="echo-status"] .echo-status-text').textContent(), en['echo.status.ended']);
    assert.equal(await toggle.getAttribute('data-action'), 'start');
    assert.equal(await toggle.textContent(), en['echo.startAgain']);
    assert.equal(await page.evaluate(() => window.__echo.pc.connectionState), 'closed');
    assert.deepEqual(await page.evaluate(() => window.__echo.pc.getReceivers().map((r) => `${r.track.kind}:${r.track.readyState}`).sort()),
      ['audio:ended', 'video:ended'], 'the returned tracks ended');
    // Nothing arrives any more: the closed connection's counters (if it still reports them) and
    // the panel's numbers stay put.
    const panel = () => page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-testid="echo-stats"] dd')]
      .map((dd) => [dd.dataset.testid, dd.dataset.value ?? null])));
    const readClosed = () => page.evaluate(async () => {
      try {
        const out = {};
        (await window.__echo.pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp') out[s.kind] = s.bytesReceived; });
        return out;
      } catch (err) {
        return { error: String(err.name) };
      }
    });
    const p1 = await panel();
    const b1 = await readClosed();
    await sleep(1500);
    assert.deepEqual(await readClosed(), b1, 'inbound bytes stop growing');
    assert.deepEqual(await panel(), p1, 'the panel stops changing');
    assert.ok(Number(p1['echo-stat-video-bytes']) > 0, 'the last numbers stay on screen');
    // The camera and microphone are released.
    const live = await page.evaluate(() => {
      const v = document.querySelector('[data-testid="echo-local"]');
      return { srcObject: v.srcObject === null, hidden: v.hidden };
    });
    assert.deepEqual(live, { srcObject: true, hidden: true });
    await screenshot(page, 'echo-stopped');
    // What the server said about the session (its log wording is not part of any contract: shown, not checked).
    const ended = server.logs.split('\n').find((l) => sessionId && l.includes(sessionId) && /ended|closed/i.test(l));
    t.diagnostic(`server log for session ${sessionId} after Stop: ${ended ?? '(no line mentioning its end)'}`);

    // Start again: a second session comes up and echoes.
    await toggle.click();
    await withDiagnostics(page, server, async () => {
      await waitForStatus(page, 'connected', FIRST_FRAME_MS);
      const ms = await eventually(() => page.evaluate(() => window.__echo.firstFrameMs),
        { timeoutMs: FIRST_FRAME_MS, intervalMs: 100, what: 'the first echoed frame after Start again' });
      assert.ok(ms > 0);
    });
    assertCleanPage(person);
    await person.context.close();
    server.assertAlive();
  });

  it('server errors are explained (the POST answered by the test)', { timeout: 60_000 }, async () => {
    const person = await newPerson(browser, server, { label: 'echo-errors', viewport: VIEWPORT });
    const { page } = person;
    const en = await loadDict('en');
    const cases = [
      { status: 503, code: 'media_unavailable', want: en['echo.error.media_unavailable'] },
      { status: 503, code: 'too_many_sessions', want: en['echo.error.too_many_sessions'] },
      { status: 400, code: 'invalid_sdp', want: en['echo.error.invalid_sdp'] },
      { status: 429, code: 'rate_limited', headers: { 'Retry-After': '7' }, want: en['error.rate_limited'].other.replace('{count}', '7') },
    ];
    for (const c of cases) {
      await page.unrouteAll();
      await page.route('**/api/rtc/echo', (route) => route.fulfill({
        status: c.status, contentType: 'application/json', headers: c.headers ?? {},
        body: JSON.stringify({ error: { code: c.code, message: 'from the test' } }),
      }));
      await page.goto('/echo');
      const s = await waitForStatus(page, 'failed', 10_000);
      assert.equal(s.reason, c.code);
      assert.equal(await page.locator('[data-testid="echo-status"] .echo-status-text').textContent(), en['echo.status.failed']);
      assert.equal(await page.locator('[data-testid="echo-status"] .echo-status-reason').textContent(), c.want);
      assert.equal(await testid(page, 'echo-toggle').getAttribute('data-action'), 'start');
      if (c.code === 'media_unavailable') await screenshot(page, 'echo-error');
    }
    await page.unrouteAll();
    assertCleanPage(person, { allowResponses: [/^POST \/api\/rtc\/echo (400|429|503)$/] });
    await person.context.close();
  });
});
