// Audio and video between people in one room, through the server's SFU (docs/PROTOCOL.md,
// "Media (version 2)"), as the people see and hear it: four Chromium participants with fake
// cameras and microphones (the fake microphone beeps), then a mute, two screen shares, a closed
// tab and a latecomer. What each page receives is read with getStats from window.__media.receive;
// what it shows from the tiles' data attributes. Screenshots: room-four.png, room-screen.png,
// room-two-screens.png, room-late.png; the latecomer's first-frame times go to the test output.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join as pathJoin } from 'node:path';
import {
  Server, ApiUser, CuttableProxy, launchBrowser, newPerson, makeTempDir, assertCleanPage, testid, screenshot, eventually, sleep,
  joinRoom, waitForParticipants, loadDict, sendChat, chatMessages,
} from './harness.mjs';

const MEDIA_TIMEOUT_MS = 25_000; // join → video from everyone, generous for four browsers on 2 cores
const LEAVE_MS = 2000; // a closed tab is gone from the others' grids within this
const LATE_FIRST_FRAME_MS = 2000; // latecomer: receive connection up → first frame of everyone
// Chromium logs each refused reconnection attempt while a proxy is cut; that is expected.
const FAILED_WS = /^WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/ws' failed: (Error in connection establishment|Error during WebSocket handshake): net::ERR_[A-Z_]+$/;

/**
 * A voice-like sound for the fake microphones: a buzz at about 140 Hz with harmonics, its pitch
 * wobbling and its loudness swelling three times a second, never silent. Chromium's own fake
 * microphone only beeps briefly twice a second, which the server's active-speaker detection
 * rightly takes for noise, not speech (it wants speech in most 100 ms bins of a second).
 */
function writeVoiceWav(file, seconds = 6, rate = 48000) {
  const n = seconds * rate;
  const buf = Buffer.alloc(44 + n * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + n * 2, 4);
  buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(n * 2, 40);
  let phase = 0;
  for (let i = 0; i < n; i += 1) {
    const t = i / rate;
    phase += (2 * Math.PI * (140 + 25 * Math.sin(2 * Math.PI * 2 * t))) / rate;
    const envelope = 0.55 + 0.45 * Math.sin(2 * Math.PI * 3 * t);
    let v = 0;
    for (let k = 1; k <= 8; k += 1) v += Math.sin(k * phase) / k;
    buf.writeInt16LE(Math.round(Math.max(-1, Math.min(1, 0.35 * envelope * v)) * 32767), 44 + i * 2);
  }
  writeFileSync(file, buf);
  return file;
}

/**
 * What the page receives, per `${participantId}/${source}`: bytes, packets, frames decoded,
 * audio level and energy. Only the SSRCs of the current offer count (a reused m-section may
 * leave the stats of an earlier stream behind).
 */
function receiveStats(page) {
  return page.evaluate(async () => {
    const m = window.__media;
    const pc = m?.receive;
    if (!pc) return null;
    const midOfSsrc = window.__bailanysTest.midOfSsrc(pc.remoteDescription?.sdp);
    const bySsrc = Object.keys(midOfSsrc).length > 0;
    const tracks = m.tracks;
    const streams = {};
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      const sMid = bySsrc ? midOfSsrc[String(s.ssrc)] : s.mid;
      const info = sMid ? tracks[sMid] : null;
      if (!info) return;
      streams[`${info.participantId}/${info.source}`] = {
        mid: sMid, kind: s.kind, bytes: s.bytesReceived ?? 0, packets: s.packetsReceived ?? 0,
        frames: s.framesDecoded ?? 0, level: s.audioLevel ?? 0, energy: s.totalAudioEnergy ?? 0,
        width: s.frameWidth ?? 0, height: s.frameHeight ?? 0, pli: s.pliCount ?? 0, nack: s.nackCount ?? 0,
      };
    });
    return { connectionState: pc.connectionState, publishState: m.publish?.connectionState ?? null, streams };
  });
}

/** The tiles as shown: [{id, name, self, video, mic, speaking, width}] in display order. */
function tiles(page) {
  return page.locator('[data-testid="tile"]').evaluateAll((els) => els.map((el) => {
    const v = el.querySelector('video.tile-video');
    return {
      id: el.dataset.participantId, name: el.querySelector('.tile-name-text')?.textContent ?? '', self: el.dataset.self === 'true',
      video: el.dataset.video, mic: el.dataset.mic, speaking: el.dataset.speaking,
      width: v && !v.hidden ? v.videoWidth : 0,
    };
  }));
}

/** Screen tiles as shown: [{id, caption, width, self}]. */
function screenTiles(page) {
  return page.locator('[data-testid="screen-tile"]').evaluateAll((els) => els.map((el) => ({
    id: el.dataset.participantId, self: el.dataset.self === 'true',
    caption: el.querySelector('.tile-name-text')?.textContent ?? '',
    width: el.querySelector('video')?.videoWidth ?? 0,
  })));
}

/** The page's state, the connections, the offers and the server log, for a failing assertion. */
async function diagnostics(people, server) {
  const out = [];
  for (const p of people) {
    if (p.page.isClosed()) continue;
    try {
      out.push(`--- ${p.label} ---\n${JSON.stringify(await p.page.evaluate(() => {
        const m = window.__media;
        const s = window.__bailanys.state;
        return {
          self: s.self?.id, mediaVersion: s.mediaVersion, mediaStatus: s.mediaStatus, speaker: s.speaker,
          participants: s.participants.map((x) => ({ id: x.id, name: x.name, state: x.state, media: x.media })),
          receive: m?.receive ? { state: m.receive.connectionState, ice: m.receive.iceConnectionState, signaling: m.receive.signalingState } : null,
          publish: m?.publish ? { state: m.publish.connectionState, ice: m.publish.iceConnectionState, signaling: m.publish.signalingState } : null,
          tracks: m?.tracks, marks: m?.marks,
          offer: m?.receive?.remoteDescription?.sdp?.split(/\r?\n/).filter((l) => /^(m=|a=mid|a=(send|recv|inactive)|a=ssrc:\d+ msid)/.test(l)),
          publishOffer: m?.publish?.localDescription?.sdp?.split(/\r?\n/).filter((l) => /^(m=|a=mid|a=(send|recv|inactive)|a=msid)/.test(l)),
        };
      }))}\nstats ${JSON.stringify(await receiveStats(p.page))}\ntiles ${JSON.stringify(await tiles(p.page))}`);
    } catch (err) {
      out.push(`--- ${p.label}: not readable: ${err.message}`);
    }
  }
  return `\n${out.join('\n')}\n--- server (pid ${server.pid}) ---\n${server.logs}`;
}

async function withDiagnostics(people, server, fn) {
  try {
    return await fn();
  } catch (err) {
    err.message += await diagnostics(people, server);
    throw err;
  }
}

const selfId = (page) => page.evaluate(() => window.__bailanys.state.self?.id);

/** Waits until `page` decodes at least `more` new frames of `source` from every one of `ids`. */
async function expectFramesFrom(page, ids, { source = 'camera', more = 10, timeoutMs = MEDIA_TIMEOUT_MS, label = '' } = {}) {
  // First: every stream is there and has decoded something.
  const first = await eventually(async () => {
    const s = await receiveStats(page);
    for (const id of ids) assert.ok((s?.streams[`${id}/${source}`]?.frames ?? 0) > 0, `${label}: no ${source} frames from ${id}: ${JSON.stringify(s)}`);
    return s;
  }, { timeoutMs, intervalMs: 200, what: `${label}: ${source} from ${ids.length} others` });
  return eventually(async () => {
    const s = await receiveStats(page);
    for (const id of ids) {
      const a = first.streams[`${id}/${source}`].frames;
      const b = s.streams[`${id}/${source}`]?.frames ?? 0;
      assert.ok(b >= a + more, `${label}: ${source} frames from ${id} ${a} → ${b}`);
    }
    return s;
  }, { timeoutMs: 10_000, intervalMs: 250, what: `${label}: ${more} more ${source} frames from each` });
}

/** Audio from each of `ids`: bytes grow, and the level is above zero in one of a few samples. */
async function expectAudioFrom(page, ids, label) {
  const s0 = await eventually(async () => {
    const s = await receiveStats(page);
    for (const id of ids) assert.ok((s?.streams[`${id}/mic`]?.bytes ?? 0) > 0, `${label}: no audio from ${id}`);
    return s;
  }, { timeoutMs: MEDIA_TIMEOUT_MS, intervalMs: 200, what: `${label}: audio from ${ids.length} others` });
  const heard = new Set();
  let last = s0;
  for (let i = 0; i < 20 && heard.size < ids.length; i += 1) {
    await sleep(150);
    last = await receiveStats(page);
    for (const id of ids) if ((last.streams[`${id}/mic`]?.level ?? 0) > 0) heard.add(id);
  }
  for (const id of ids) {
    const a = s0.streams[`${id}/mic`];
    const b = last.streams[`${id}/mic`];
    assert.ok(b.bytes > a.bytes, `${label}: audio bytes from ${id} grow: ${a.bytes} → ${b.bytes}`);
    assert.ok(heard.has(id), `${label}: audio level from ${id} stayed 0 (energy ${b.energy})`);
    assert.ok(b.energy > 0, `${label}: total audio energy from ${id} is 0`);
  }
  return last;
}

async function hideToasts(page) {
  for (const close of await page.locator('[data-testid="toast"] .toast-close').all()) await close.click().catch(() => {});
  await page.locator('[data-testid="toast"]').first().waitFor({ state: 'detached', timeout: 3000 }).catch(() => {});
  await page.mouse.move(0, 0);
  await page.locator('[data-testid="chat-input"]').blur().catch(() => {});
}

describe('a room with four people: audio, video, mute, screen share, leaving, a latecomer', { timeout: 300_000 }, () => {
  let server;
  let browser;
  let code;
  let en;
  const people = []; // A, B, C, D (and E later)
  const ids = {};
  let A; let B; let C; let D; let E;
  const names = { A: 'Aida Serikova', B: 'Бауыржан', C: 'Светлана К.', D: 'Dmytro', E: 'Erlan', F: 'Farida' };

  before(async () => {
    server = await Server.start(['--log-level', 'info']);
    const voice = writeVoiceWav(pathJoin(makeTempDir('bailanys-e2e-voice-'), 'voice.wav'));
    browser = await launchBrowser({ extraArgs: [`--use-file-for-fake-audio-capture=${voice}`] });
    en = await loadDict('en');
    // Aida has an account and owns the room; the others are guests.
    const owner = new ApiUser(server);
    await owner.signup({ displayName: names.A });
    const room = await owner.createRoom({ name: 'Physics 9B' });
    code = room.code;
    A = await newPerson(browser, server, { label: 'A' });
    const [cookieName, cookieValue] = owner.cookie.split('=');
    await A.context.addCookies([{ name: cookieName, value: cookieValue, url: server.origin }]);
    B = await newPerson(browser, server, { label: 'B' });
    C = await newPerson(browser, server, { label: 'C' });
    D = await newPerson(browser, server, { label: 'D' });
    people.push(A, B, C, D);
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await server?.close();
  });

  it('1. four people join: each decodes the video and hears the sound of the three others', { timeout: 120_000 }, async (t) => {
    const t0 = Date.now();
    await joinRoom(A, code);
    await joinRoom(B, code, { name: names.B });
    await joinRoom(C, code, { name: names.C });
    await joinRoom(D, code, { name: names.D });
    for (const p of people) await waitForParticipants(p.page, [names.A, names.B, names.C, names.D]);
    for (const [k, p] of Object.entries({ A, B, C, D })) ids[k] = await selfId(p.page);
    assert.equal(await A.page.evaluate(() => window.__bailanys.state.mediaVersion), 2, 'the server speaks protocol version 2');

    await withDiagnostics(people, server, async () => {
      for (const p of people) {
        const others = Object.values(ids).filter((id) => id !== ids[p.label]);
        const s = await expectFramesFrom(p.page, others, { label: p.label });
        const sizes = others.map((id) => `${s.streams[`${id}/camera`].width}x${s.streams[`${id}/camera`].height}`);
        t.diagnostic(`${p.label} decodes ${others.length} cameras (${sizes.join(', ')}) ${Date.now() - t0} ms after the first join`);
      }
      for (const p of people) {
        const others = Object.values(ids).filter((id) => id !== ids[p.label]);
        await expectAudioFrom(p.page, others, p.label);
      }
      // What the people see: every tile shows a live video and its name; the microphones are on.
      for (const p of people) {
        await eventually(async () => {
          const list = await tiles(p.page);
          assert.equal(list.length, 4);
          for (const tile of list) {
            assert.equal(tile.video, 'on', `${p.label}: ${tile.name}'s tile shows video: ${JSON.stringify(tile)}`);
            assert.ok(tile.width > 0, `${p.label}: ${tile.name}'s video has a picture`);
            assert.equal(tile.mic, 'on', `${p.label}: ${tile.name}'s microphone is on`);
          }
          assert.deepEqual(list.map((x) => x.name).sort(), Object.values(names).slice(0, 4).sort());
          return true;
        }, { timeoutMs: 10_000, what: `${p.label}: four tiles with video` });
        assert.equal(await testid(p.page, 'stage').getAttribute('data-layout'), 'grid');
        // Each remote participant's sound plays through an <audio> element.
        const audio = await p.page.locator('.remote-audio audio').evaluateAll((els) => els.map((a) => ({ id: a.dataset.participantId, paused: a.paused, tracks: a.srcObject?.getAudioTracks().length ?? 0 })));
        assert.equal(audio.length, 3, `${p.label}: three remote audio elements: ${JSON.stringify(audio)}`);
        for (const a of audio) assert.deepEqual([a.paused, a.tracks], [false, 1], `${p.label}: audio of ${a.id} plays`);
      }
    });
    await sendChat(A.page, 'Good morning! Can everyone see and hear me?');
    await eventually(async () => (await chatMessages(B.page)).length === 1, { what: 'the chat message' });
    for (const p of people) await hideToasts(p.page);
    await screenshot(A.page, 'room-four');
    await screenshot(C.page, 'room-four-C');
  });

  it('1b. the active speaker is highlighted for the others, and moves when someone else talks', { timeout: 60_000 }, async (t) => {
    assert.ok(ids.D, 'needs test 1');
    t.diagnostic(`speaker as each page knows it with everyone talking: ${JSON.stringify(await Promise.all(people.map((p) => p.page.evaluate(() => window.__bailanys.state.speaker))))}`);
    const mic = (p) => testid(p.page, 'toggle-mic');
    const setMic = async (p, on) => {
      if ((await mic(p).getAttribute('aria-pressed')) !== String(on)) await mic(p).click();
      await eventually(async () => (await mic(p).getAttribute('aria-pressed')) === String(on), { what: `${p.label}: microphone ${on ? 'on' : 'off'}` });
    };
    // Exactly `id`'s tile is lit on every page but the speaker's own, and the state says so.
    const expectSpeaker = async (id, pages) => {
      for (const p of pages) {
        await eventually(async () => {
          assert.equal(await p.page.evaluate(() => window.__bailanys.state.speaker), id);
          const list = await tiles(p.page);
          assert.deepEqual(list.filter((x) => x.speaking === 'true').map((x) => x.id), [id], JSON.stringify(list));
          return true;
        }, { timeoutMs: 8000, what: `${p.label}: ${id} highlighted as the speaker` });
      }
    };
    // The server announces the speaker only when it changes (a page that joined after the last
    // change does not know it yet), so the first talker must be someone other than the current
    // speaker, as A, here from the start, knows it.
    const current = await A.page.evaluate(() => window.__bailanys.state.speaker);
    const four = [A, B, C, D];
    const X = [B, C, D, A].find((p) => ids[p.label] !== current);
    const Y = four.find((p) => p !== X);
    try {
      await withDiagnostics(people, server, async () => {
        // Only X talks.
        const t0 = Date.now();
        for (const p of four) await setMic(p, p === X);
        await expectSpeaker(ids[X.label], four.filter((p) => p !== X));
        const xMs = Date.now() - t0;
        const viewer = four.find((p) => p !== X);
        await hideToasts(viewer.page);
        await screenshot(viewer.page, 'room-speaker');
        // X stops, Y talks: the highlight moves to Y.
        await setMic(X, false);
        await setMic(Y, true);
        const t1 = Date.now();
        await expectSpeaker(ids[Y.label], four.filter((p) => p !== Y));
        t.diagnostic(`speaker ${X.label} highlighted ${xMs} ms after the others started muting; moved to ${Y.label} ${Date.now() - t1} ms after ${X.label} muted and ${Y.label} unmuted`);
      });
    } finally {
      for (const p of four) await setMic(p, true);
    }
  });

  it('2. D mutes the microphone: the others stop receiving D\'s sound and see the muted icon', { timeout: 60_000 }, async () => {
    assert.ok(ids.D, 'needs test 1');
    const others = [A, B, C];
    await testid(D.page, 'toggle-mic').click();
    assert.equal(await testid(D.page, 'toggle-mic').getAttribute('aria-pressed'), 'false');
    await withDiagnostics(people, server, async () => {
      for (const p of others) {
        await eventually(async () => (await p.page.locator(`[data-testid="tile"][data-participant-id="${ids.D}"]`).getAttribute('data-mic')) === 'off',
          { timeoutMs: 3000, what: `${p.label}: D's tile shows the muted microphone` });
        assert.equal(await p.page.locator(`[data-testid="tile"][data-participant-id="${ids.D}"] .tile-mic-off`).isVisible(), true);
      }
      assert.equal(await D.page.locator(`[data-testid="tile"][data-participant-id="${ids.D}"]`).getAttribute('data-mic'), 'off');
      await sleep(1000); // packets already on their way
      const s1 = await Promise.all(others.map((p) => receiveStats(p.page)));
      await sleep(2000);
      const s2 = await Promise.all(others.map((p) => receiveStats(p.page)));
      others.forEach((p, i) => {
        const before = s1[i].streams[`${ids.D}/mic`]?.bytes ?? 0;
        const afterMute = s2[i].streams[`${ids.D}/mic`]?.bytes ?? 0;
        assert.equal(afterMute, before, `${p.label}: no audio bytes from muted D over 2 s (${before} → ${afterMute})`);
        // while the others' sound still flows
        const other = p === A ? ids.B : ids.A;
        assert.ok(s2[i].streams[`${other}/mic`].bytes > s1[i].streams[`${other}/mic`].bytes, `${p.label}: audio from the others still flows`);
      });
      // Unmuted: the sound comes back.
      await testid(D.page, 'toggle-mic').click();
      const s3 = await Promise.all(others.map((p) => receiveStats(p.page)));
      for (const [i, p] of others.entries()) {
        await eventually(async () => {
          const s = await receiveStats(p.page);
          assert.ok((s.streams[`${ids.D}/mic`]?.bytes ?? 0) > (s3[i].streams[`${ids.D}/mic`]?.bytes ?? 0), 'D\'s audio bytes grow again');
          assert.equal(await p.page.locator(`[data-testid="tile"][data-participant-id="${ids.D}"]`).getAttribute('data-mic'), 'on');
          return true;
        }, { timeoutMs: 5000, what: `${p.label}: D heard again after unmuting` });
      }
    });
  });

  it('2b. D turns the camera off: the others see D\'s avatar and get no frames; on again: video', { timeout: 60_000 }, async () => {
    assert.ok(ids.D, 'needs test 1');
    const others = [A, B, C];
    const dTile = (p) => p.page.locator(`[data-testid="tile"][data-participant-id="${ids.D}"]`);
    await testid(D.page, 'toggle-camera').click();
    await eventually(async () => (await testid(D.page, 'toggle-camera').getAttribute('aria-pressed')) === 'false', { what: 'the camera button off' });
    await withDiagnostics(people, server, async () => {
      for (const p of others) {
        await eventually(async () => (await dTile(p).getAttribute('data-video')) === 'off', { timeoutMs: 3000, what: `${p.label}: D's tile without video` });
        assert.equal(await dTile(p).locator('.tile-avatar').isVisible(), true, `${p.label}: D's avatar shown`);
        assert.equal(await dTile(p).locator('video').isVisible(), false);
      }
      await sleep(1000);
      const s1 = await Promise.all(others.map((p) => receiveStats(p.page)));
      await sleep(1500);
      const s2 = await Promise.all(others.map((p) => receiveStats(p.page)));
      others.forEach((p, i) => {
        const a = s1[i].streams[`${ids.D}/camera`]?.frames ?? 0;
        const b = s2[i].streams[`${ids.D}/camera`]?.frames ?? 0;
        assert.equal(b, a, `${p.label}: no frames from D's camera while it is off (${a} → ${b})`);
      });
      // On again (a new camera track on the same sender): video for everyone.
      await testid(D.page, 'toggle-camera').click();
      for (const p of others) {
        await expectFramesFrom(p.page, [ids.D], { label: p.label });
        await eventually(async () => (await dTile(p).getAttribute('data-video')) === 'on', { timeoutMs: 5000, what: `${p.label}: D's video back` });
      }
    });
  });

  it('3. B shares the screen, then C too: shown large for everyone; stopping restores the grid', { timeout: 90_000 }, async (t) => {
    assert.ok(ids.B, 'needs test 1');
    const screenBtn = testid(B.page, 'toggle-screen');
    assert.equal(await screenBtn.isVisible(), true, 'the share button is there');
    assert.equal(await screenBtn.getAttribute('aria-pressed'), 'false');
    assert.equal(await screenBtn.getAttribute('aria-label'), en['room.shareScreen']);
    await screenBtn.click();
    await eventually(async () => (await screenBtn.getAttribute('aria-pressed')) === 'true', { what: 'the share button pressed' });
    assert.equal(await screenBtn.getAttribute('aria-label'), en['room.stopShare']);
    const bCaption = en['room.screenOf'].replace('{name}', names.B);
    await withDiagnostics(people, server, async () => {
      for (const p of [A, C, D]) {
        const s = await expectFramesFrom(p.page, [ids.B], { source: 'screen', label: p.label });
        t.diagnostic(`${p.label} decodes B's screen at ${s.streams[`${ids.B}/screen`].width}x${s.streams[`${ids.B}/screen`].height}`);
        await eventually(async () => {
          const list = await screenTiles(p.page);
          assert.equal(list.length, 1, JSON.stringify(list));
          assert.deepEqual([list[0].id, list[0].caption], [ids.B, bCaption]);
          assert.ok(list[0].width > 0, 'the screen video has a picture');
          assert.equal(await testid(p.page, 'stage').getAttribute('data-layout'), 'screen');
          return true;
        }, { timeoutMs: 8000, what: `${p.label}: B's screen shown large` });
        // B's camera goes on (the tiles become a strip)
        assert.equal(await p.page.locator(`[data-testid="tile"][data-participant-id="${ids.B}"]`).getAttribute('data-video'), 'on');
      }
      // The presenter sees the share too.
      const own = await screenTiles(B.page);
      assert.deepEqual(own.map((x) => [x.id, x.self, x.caption]), [[ids.B, true, en['room.yourScreen']]]);
      assert.equal(await testid(B.page, 'stage').getAttribute('data-layout'), 'screen');
      // The participant list says who is sharing.
      await eventually(async () => (await A.page.locator(`[data-testid="participant-item"][data-participant-id="${ids.B}"] [data-testid="participant-sharing"]`).count()) === 1,
        { what: 'the "sharing screen" badge' });
    });
    await hideToasts(A.page);
    await screenshot(A.page, 'room-screen');

    // C shares as well: both screens, side by side, for A and D.
    await testid(C.page, 'toggle-screen').click();
    await withDiagnostics(people, server, async () => {
      for (const p of [A, D]) {
        await expectFramesFrom(p.page, [ids.C], { source: 'screen', label: p.label });
        await eventually(async () => {
          const list = await screenTiles(p.page);
          assert.deepEqual(list.map((x) => x.id).sort(), [ids.B, ids.C].sort());
          for (const x of list) assert.ok(x.width > 0, `${x.caption} has a picture`);
          return true;
        }, { timeoutMs: 8000, what: `${p.label}: two screens` });
      }
      await eventually(async () => (await screenTiles(B.page)).length === 2, { what: 'B sees both screens' });
    });
    await hideToasts(A.page);
    await screenshot(A.page, 'room-two-screens');

    // Both stop: B with the button, C with the browser's own "Stop sharing" bar, which ends the
    // track (headless Chromium has no such bar: the test fires the track's 'ended' event).
    await testid(B.page, 'toggle-screen').click();
    await C.page.evaluate(() => {
      const v = document.querySelector('[data-testid="screen-tile"][data-self="true"] video');
      v.srcObject.getVideoTracks()[0].dispatchEvent(new Event('ended'));
    });
    await eventually(async () => (await testid(C.page, 'toggle-screen').getAttribute('aria-pressed')) === 'false', { what: 'C\'s share button released' });
    await withDiagnostics(people, server, async () => {
      for (const p of people) {
        await eventually(async () => {
          assert.deepEqual(await screenTiles(p.page), []);
          assert.equal(await testid(p.page, 'stage').getAttribute('data-layout'), 'grid');
          return true;
        }, { timeoutMs: 5000, what: `${p.label}: the grid back` });
      }
      assert.equal(await screenBtn.getAttribute('aria-pressed'), 'false');
      assert.equal(await B.page.evaluate(() => window.__bailanys.state.screen), false);
      // The cameras still play.
      for (const p of people) {
        const list = await tiles(p.page);
        assert.ok(list.every((x) => x.video === 'on'), `${p.label}: all tiles show video again: ${JSON.stringify(list)}`);
      }
    });
  });

  it('4. D closes the tab: gone from the others\' grids within 2 s', { timeout: 30_000 }, async (t) => {
    assert.ok(ids.D, 'needs test 1');
    assertCleanPage(D, { allowConsole: [] });
    const others = [A, B, C];
    const t0 = Date.now();
    await D.page.close();
    const times = await Promise.all(others.map(async (p) => {
      await p.page.locator(`[data-testid="tile"][data-participant-id="${ids.D}"]`).waitFor({ state: 'detached', timeout: LEAVE_MS + 1000 });
      return Date.now() - t0;
    }));
    t.diagnostic(`D's tile gone after ${times.join(', ')} ms (A, B, C)`);
    for (const ms of times) assert.ok(ms <= LEAVE_MS, `gone within ${LEAVE_MS} ms: ${ms} ms`);
    for (const p of others) {
      assert.equal((await tiles(p.page)).length, 3);
      assert.equal(await p.page.locator(`.remote-audio audio[data-participant-id="${ids.D}"]`).count(), 0, `${p.label}: D's sound element is gone`);
    }
    people.splice(people.indexOf(D), 1);
  });

  it('5. a latecomer gets everyone\'s video within 2 s of its receive connection coming up', { timeout: 60_000 }, async (t) => {
    assert.ok(ids.A, 'needs test 1');
    E = await newPerson(browser, server, { label: 'E' });
    people.push(E);
    const { page } = E;
    await page.goto(`/r/${code}`);
    await testid(page, 'prejoin').waitFor();
    await testid(page, 'prejoin-name').fill(names.E);
    // E joins with the microphone on and the camera off (turned on later in the room).
    await eventually(() => page.evaluate(() => (document.querySelector('[data-testid="prejoin-preview"]')?.videoWidth ?? 0) > 0),
      { timeoutMs: 10_000, what: 'the preview' });
    await testid(page, 'prejoin-camera-toggle').click();
    await eventually(async () => (await testid(page, 'prejoin-camera-toggle').getAttribute('aria-pressed')) === 'false', { what: 'the camera off in the pre-join screen' });
    const others = [ids.A, ids.B, ids.C];
    // In the page: the click, the receive connection's states and the first decoded frame of
    // each stream, polled every 20 ms.
    await page.evaluate((want) => {
      const timing = { click: performance.now(), connected: null, iceConnected: null, first: {}, want };
      window.__timing = timing;
      let watched = null;
      const tick = async () => {
        const m = window.__media;
        const pc = m?.receive;
        if (pc && pc !== watched) {
          watched = pc;
          // The moments the receive connection comes up, from its own events.
          pc.addEventListener('connectionstatechange', () => { if (pc.connectionState === 'connected') timing.connected ??= performance.now(); });
          pc.addEventListener('iceconnectionstatechange', () => {
            if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') timing.iceConnected ??= performance.now();
          });
        }
        if (pc) {
          const stats = await pc.getStats();
          const now = performance.now();
          stats.forEach((s) => {
            if (s.type !== 'inbound-rtp' || !(s.framesDecoded > 0)) return;
            const info = m.tracks[s.mid];
            if (info && info.source === 'camera' && !(info.participantId in timing.first)) timing.first[info.participantId] = now;
          });
        }
        if (want.every((id) => id in timing.first) || performance.now() - timing.click > 30_000) return;
        setTimeout(tick, 10);
      };
      document.querySelector('[data-testid="prejoin-join"]').click();
      tick();
    }, others);
    const timing = await withDiagnostics(people, server, () => eventually(async () => {
      const tm = await page.evaluate(() => window.__timing);
      assert.ok(others.every((id) => id in tm.first), `first frames so far: ${JSON.stringify(tm)}`);
      return tm;
    }, { timeoutMs: MEDIA_TIMEOUT_MS, intervalMs: 100, what: 'the latecomer\'s first frames' }));
    const marks = await page.evaluate(() => window.__media.marks);
    const rel = (x) => Math.round(x - timing.click);
    // "Connected": the first sign of it (ICE connected, or the connection state; a decoded frame
    // proves it too, and the state events can reach the page a little after the first frames).
    timing.up = Math.min(...[timing.connected, timing.iceConnected, ...others.map((id) => timing.first[id])].filter((x) => x !== null));
    const perPerson = others.map((id) => {
      const name = Object.keys(ids).find((k) => ids[k] === id);
      return `${name} ${rel(timing.first[id])} ms (+${Math.round(timing.first[id] - timing.up)})`;
    });
    const line = `latecomer: join click → media.join ${rel(marks.join)} ms, first offer ${rel(marks.offer)} ms, ` +
      `receive ICE connected ${timing.iceConnected === null ? '?' : rel(timing.iceConnected)} ms, connectionState connected ` +
      `${timing.connected === null ? '?' : rel(timing.connected)} ms; first camera frame (+ ms after the connection was up) from ${perPerson.join(', ')}`;
    console.log(line);
    t.diagnostic(line);
    for (const id of others) {
      assert.ok(timing.first[id] - timing.up <= LATE_FIRST_FRAME_MS,
        `first frame from ${id} ${Math.round(timing.first[id] - timing.up)} ms after the receive connection came up`);
    }
    await withDiagnostics(people, server, async () => {
      await expectFramesFrom(page, others, { label: 'E' });
      await expectAudioFrom(page, others, 'E');
      ids.E = await selfId(page);
      // Shown, not checked: the server sends media.speaker only when the speaker changes, so a
      // latecomer does not learn who is speaking until then.
      t.diagnostic(`speaker as the latecomer knows it: ${await page.evaluate(() => window.__bailanys.state.speaker)}; ` +
        `as A knows it: ${await A.page.evaluate(() => window.__bailanys.state.speaker)}`);
      // The others hear E and see E's avatar (camera off).
      for (const p of [A, B, C]) {
        await expectAudioFrom(p.page, [ids.E], p.label);
        const tile = p.page.locator(`[data-testid="tile"][data-participant-id="${ids.E}"]`);
        assert.deepEqual([await tile.getAttribute('data-video'), await tile.getAttribute('data-mic')], ['off', 'on']);
      }
      // E turns the camera on: a new track on the publish connection (renegotiated), video for everyone.
      await testid(page, 'toggle-camera').click();
      for (const p of [A, B, C]) {
        await expectFramesFrom(p.page, [ids.E], { label: p.label });
        await eventually(async () => (await p.page.locator(`[data-testid="tile"][data-participant-id="${ids.E}"]`).getAttribute('data-video')) === 'on',
          { timeoutMs: 5000, what: `${p.label}: E's video` });
      }
      await eventually(async () => {
        const list = await tiles(page);
        assert.equal(list.length, 4);
        assert.ok(list.every((x) => x.video === 'on'), JSON.stringify(list));
        return true;
      }, { timeoutMs: 8000, what: 'the latecomer sees four videos' });
    });
    await hideToasts(page);
    await screenshot(page, 'room-late');
  });

  it('5b. F (microphone muted from the start) loses the socket for 3 s: media goes on, not restarted; unmuting works after', { timeout: 60_000 }, async (t) => {
    assert.ok(ids.E, 'needs test 5');
    const proxy = await CuttableProxy.start(server);
    let F = null;
    try {
      F = await newPerson(browser, proxy, { label: 'F' });
      people.push(F);
      // F mutes in the pre-join screen: the microphone's m-section is negotiated without a track.
      await F.page.goto(`/r/${code}`);
      await testid(F.page, 'prejoin').waitFor();
      await eventually(async () => (await testid(F.page, 'prejoin-mic-toggle').getAttribute('aria-pressed')) === 'true', { what: 'F\'s microphone ready' });
      await testid(F.page, 'prejoin-mic-toggle').click();
      await joinRoom(F, code, { name: names.F });
      ids.F = await selfId(F.page);
      const others = [ids.A, ids.B, ids.C, ids.E];
      await withDiagnostics(people, server, async () => {
        await expectFramesFrom(F.page, others, { label: 'F' });
        await expectFramesFrom(A.page, [ids.F], { label: 'A' });
        assert.equal(await A.page.locator(`[data-testid="tile"][data-participant-id="${ids.F}"]`).getAttribute('data-mic'), 'off', 'F shows muted');
        const pub = await F.page.evaluate(() => window.__media.publish.getTransceivers().map((tr) => [tr.mid, tr.sender.track?.kind ?? null, tr.currentDirection]));
        assert.deepEqual(pub, [['0', null, 'sendonly'], ['1', 'video', 'sendonly']], 'F publishes a microphone m-section without a track, and the camera');
      });
      const startedAt = await F.page.evaluate(() => {
        window.__media.receive.tag = 'before the drop';
        window.__media.publish.tag = 'before the drop';
        return window.__media.marks.start;
      });
      proxy.cut();
      await eventually(async () => (await A.page.locator(`[data-testid="participant-item"][data-participant-id="${ids.F}"]`).getAttribute('data-state')) === 'reconnecting',
        { timeoutMs: 3000, what: 'A sees F reconnecting' });
      // Media does not go through the socket: it keeps flowing both ways during the drop.
      const a1 = await receiveStats(A.page);
      const f1 = await receiveStats(F.page);
      await sleep(2500);
      const a2 = await receiveStats(A.page);
      const f2 = await receiveStats(F.page);
      assert.ok(a2.streams[`${ids.F}/camera`].frames >= a1.streams[`${ids.F}/camera`].frames + 10, 'A keeps decoding F during the drop');
      assert.ok(f2.streams[`${ids.A}/camera`].frames >= f1.streams[`${ids.A}/camera`].frames + 10, 'F keeps decoding A during the drop');
      assert.ok(f2.streams[`${ids.A}/mic`].bytes > f1.streams[`${ids.A}/mic`].bytes, 'F keeps hearing A during the drop');
      proxy.restore();
      await eventually(async () => (await A.page.locator(`[data-testid="participant-item"][data-participant-id="${ids.F}"]`).getAttribute('data-state')) === 'online',
        { timeoutMs: 15_000, what: 'F back online for A' });
      assert.equal(await selfId(F.page), ids.F, 'resumed: the same participant');
      // Resumed with live connections: no media.join, the same PeerConnections.
      assert.deepEqual(await F.page.evaluate(() => [window.__media.receive.tag, window.__media.publish.tag, window.__media.marks.start]),
        ['before the drop', 'before the drop', startedAt]);
      // F unmutes after the resume: the track goes onto the existing m-section, A hears F.
      const heardBefore = (await receiveStats(A.page)).streams[`${ids.F}/mic`]?.bytes ?? 0;
      await testid(F.page, 'toggle-mic').click();
      await eventually(async () => {
        assert.equal(await A.page.locator(`[data-testid="tile"][data-participant-id="${ids.F}"]`).getAttribute('data-mic'), 'on');
        assert.ok(((await receiveStats(A.page)).streams[`${ids.F}/mic`]?.bytes ?? 0) > heardBefore + 1000, 'F\'s audio arrives');
        return true;
      }, { timeoutMs: 5000, what: 'A hears F after F unmuted' });
      t.diagnostic('F\'s socket dropped for 2.5 s: media flowed on, resumed without restarting it');
      assertCleanPage(F, { allowConsole: [FAILED_WS] });
      await testid(F.page, 'leave').click();
      await A.page.locator(`[data-testid="tile"][data-participant-id="${ids.F}"]`).waitFor({ state: 'detached', timeout: 3000 });
    } finally {
      if (F) people.splice(people.indexOf(F), 1);
      await F?.context.close().catch(() => {});
      await proxy.close();
    }
  });

  it('5c. A\'s media connection fails: a banner, new connections with media.join, everyone sees and hears A again', { timeout: 60_000 }, async (t) => {
    assert.ok(ids.E, 'needs test 5');
    const others = [B, C, E];
    const oldStart = await A.page.evaluate(() => window.__media.marks.start);
    // A real failure takes Chromium about 30 s to declare; the test declares it on the receive
    // connection (its state reads 'failed' and the event fires). Everything after that is real:
    // the client closes both connections, sends media.join, the server starts A's media again.
    const t0 = Date.now();
    // The banner is recorded by the page itself each time the DOM changes: on loopback the new
    // connections can be up again within a couple of hundred milliseconds, and on a loaded machine
    // a poll from the test may miss a banner that was shown for that long.
    await A.page.evaluate(() => {
      window.__bannerSeen = [];
      const record = () => {
        const el = document.querySelector('[data-testid="media-status"]');
        if (el && el.checkVisibility()) {
          window.__bannerSeen.push({ media: el.getAttribute('data-media'), text: el.querySelector('.status-text')?.textContent ?? null });
        }
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      const pc = window.__media.receive;
      Object.defineProperty(pc, 'connectionState', { value: 'failed', configurable: true });
      pc.dispatchEvent(new Event('connectionstatechange'));
      record();
    });
    const shown = await eventually(async () => {
      const seen = await A.page.evaluate(() => window.__bannerSeen);
      return seen.find((x) => x.media === 'reconnecting') ?? false;
    }, { timeoutMs: 2000, intervalMs: 50, what: 'the reconnecting banner' });
    assert.equal(shown.text, en['media.status.reconnecting']);
    await withDiagnostics(people, server, async () => {
      await eventually(async () => (await A.page.evaluate(() => window.__media.marks.start)) !== oldStart, { timeoutMs: 5000, what: 'a new attempt' });
      await expectFramesFrom(A.page, others.map((p) => ids[p.label]), { label: 'A after the restart' });
      await expectAudioFrom(A.page, others.map((p) => ids[p.label]), 'A after the restart');
      for (const p of others) await expectFramesFrom(p.page, [ids.A], { label: `${p.label} (A restarted)` });
      await testid(A.page, 'media-status').waitFor({ state: 'hidden', timeout: 5000 });
    });
    t.diagnostic(`A's media back ${Date.now() - t0} ms after its receive connection failed`);
    const aLines = `${server.stderr}\n${server.stdout}`.split('\n').filter((l) => l.includes(ids.A));
    t.diagnostic(`server log about A: ${aLines.slice(-4).join(' | ') || '(nothing)'}`);
  });

  it('6. leaving cleans up: connections closed, no errors in any page', { timeout: 30_000 }, async (t) => {
    assert.ok(E, 'needs test 5');
    await testid(E.page, 'leave').click();
    await E.page.waitForURL((url) => url.pathname === '/');
    assert.deepEqual(await E.page.evaluate(() => [window.__media.receive, window.__media.publish]), [null, null]);
    for (const p of [A, B, C]) {
      await p.page.locator(`[data-testid="tile"][data-participant-id="${ids.E}"]`).waitFor({ state: 'detached', timeout: 3000 });
    }
    for (const p of [A, B, C, E]) assertCleanPage(p);
    server.assertAlive();
    // Shown, not checked: what the server complained about during the whole meeting.
    const warnings = `${server.stderr}\n${server.stdout}`.split('\n').filter((l) => /\[(warning|error|critical)\]/.test(l));
    t.diagnostic(`server warnings and errors: ${warnings.length}${warnings.length ? `\n${warnings.slice(0, 10).join('\n')}` : ''}`);
  });
});

describe('media limits: a listen-only participant, and a room with no media place left', { timeout: 120_000 }, () => {
  let server;
  let browser;
  let code;

  before(async () => {
    server = await Server.start(['--log-level', 'info', '--max-media-participants', '2']);
    browser = await launchBrowser();
    const owner = new ApiUser(server);
    await owner.signup({ displayName: 'Teacher' });
    code = (await owner.createRoom({ name: 'Limits' })).code;
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await server?.close();
  });

  it('listen-only receives everything and sends nothing; the third with media is told (in Kazakh) that chat still works', { timeout: 90_000 }, async () => {
    const kk = await loadDict('kk');
    const P = await newPerson(browser, server, { label: 'P' });
    const L = await newPerson(browser, server, { label: 'L' });
    const K = await newPerson(browser, server, { label: 'K', locale: 'kk-KZ' });
    await joinRoom(P, code, { name: 'Presenter' });
    await joinRoom(L, code, { name: 'Listener', withoutMedia: true });
    const pId = await selfId(P.page);
    const lId = await selfId(L.page);
    await withDiagnostics([P, L], server, async () => {
      // The listener sees and hears the presenter, and publishes nothing.
      await expectFramesFrom(L.page, [pId], { label: 'L' });
      await expectAudioFrom(L.page, [pId], 'L');
      assert.equal(await L.page.evaluate(() => window.__media.publish), null, 'no publish connection without devices');
      await eventually(async () => {
        const tile = P.page.locator(`[data-testid="tile"][data-participant-id="${lId}"]`);
        assert.deepEqual([await tile.getAttribute('data-video'), await tile.getAttribute('data-mic')], ['off', 'off']);
        assert.equal(await tile.locator('.tile-mic-off').isVisible(), true);
        return true;
      }, { timeoutMs: 5000, what: 'P sees the listener as an avatar with the microphone off' });
      assert.equal(await P.page.locator(`[data-testid="participant-item"][data-participant-id="${lId}"] [data-testid="participant-mic-off"]`).count(), 1);
      assert.equal(await P.page.evaluate(() => Object.keys(window.__media.tracks).length), 0, 'nothing to receive from the listener');
      // The listener turns the camera on after all: a publish connection now, video for P.
      await testid(L.page, 'toggle-camera').click();
      await expectFramesFrom(P.page, [lId], { label: 'P' });
      await eventually(async () => (await P.page.locator(`[data-testid="tile"][data-participant-id="${lId}"]`).getAttribute('data-video')) === 'on',
        { timeoutMs: 5000, what: 'P sees the listener\'s camera' });
      assert.equal(await L.page.evaluate(() => window.__media.publish?.connectionState), 'connected');
    });

    // The room's media places are taken: K gets the explanation, in Kazakh, and the chat.
    await joinRoom(K, code, { name: 'Қайрат' });
    const banner = testid(K.page, 'media-status');
    await banner.waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await banner.getAttribute('data-media'), 'full');
    assert.equal(await banner.locator('.status-text').textContent(), kk['media.status.full']);
    assert.equal(await testid(K.page, 'toggle-screen').isVisible(), false, 'no screen sharing without media');
    assert.deepEqual(await K.page.evaluate(() => [window.__media.receive, window.__media.publish]), [null, null]);
    await screenshot(K.page, 'room-media-full-kk');
    await sendChat(K.page, 'Сәлеметсіздер ме! Мен чаттамын.');
    await eventually(async () => (await chatMessages(P.page)).some((m) => m.text === 'Сәлеметсіздер ме! Мен чаттамын.'), { what: 'K\'s chat message at P' });
    for (const p of [P, L, K]) assertCleanPage(p);
    for (const p of [P, L, K]) await p.context.close();
    server.assertAlive();
  });
});
