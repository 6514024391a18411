// The pre-join screen with Chromium's fake camera and microphone: a playing preview and a live
// microphone meter; plus the two screenshots for the README (pre-join, and a room with two people
// and a few chat messages).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server, ApiUser, launchBrowser, newPerson, assertCleanPage, testid, screenshot, eventually,
  waitJoined, waitForParticipants, sendChat, chatMessages, sleep,
} from './harness.mjs';

describe('pre-join preview and README screenshots', { timeout: 120_000 }, () => {
  let server;
  let browser;
  let room;
  let teacher; // ApiUser who owns the room
  const TEACHER = 'Aigerim Bekova';

  before(async () => {
    server = await Server.start();
    teacher = new ApiUser(server);
    await teacher.signup({ displayName: TEACHER, password: 'correct horse battery' });
    room = await teacher.createRoom({ name: 'Physics, 9B' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await server?.close();
  });

  it('the fake camera plays in the preview and the microphone meter moves', { timeout: 40_000 }, async () => {
    const person = await newPerson(browser, server, { label: 'preview' });
    const { page } = person;
    await page.goto(`/r/${room.code}`);
    await testid(page, 'prejoin').waitFor();
    const video = testid(page, 'prejoin-preview');
    await video.waitFor({ state: 'visible' });
    const state = await eventually(async () => {
      const s = await video.evaluate((v) => ({
        readyState: v.readyState, videoWidth: v.videoWidth, videoHeight: v.videoHeight, paused: v.paused,
        tracks: v.srcObject?.getTracks().map((t) => `${t.kind}:${t.readyState}`) ?? [],
      }));
      assert.ok(s.readyState >= 2, `readyState ${s.readyState}`);
      assert.ok(s.videoWidth > 0, `videoWidth ${s.videoWidth}`);
      return s;
    }, { timeoutMs: 8000, what: 'a playing preview' });
    assert.equal(state.paused, false);
    assert.ok(state.videoHeight > 0);
    assert.deepEqual([...state.tracks].sort(), ['audio:live', 'video:live']);
    // frames advance
    const t1 = await video.evaluate((v) => v.currentTime);
    await eventually(async () => (await video.evaluate((v) => v.currentTime)) > t1, { timeoutMs: 3000, what: 'video time advancing' });

    assert.equal(await page.locator('.preview').getAttribute('data-camera'), 'on');
    assert.equal(await testid(page, 'media-error').isVisible(), false);
    assert.equal(await testid(page, 'prejoin-camera-toggle').getAttribute('data-state'), 'on');
    assert.equal(await testid(page, 'prejoin-mic-toggle').getAttribute('data-state'), 'on');

    const meter = testid(page, 'prejoin-mic-meter');
    assert.equal(await meter.count(), 1);
    assert.equal(await meter.getAttribute('role'), 'meter');
    // Chromium's fake microphone beeps: the level rises above zero at some point
    await eventually(async () => Number(await meter.getAttribute('aria-valuenow')) > 0, { timeoutMs: 5000, what: 'the meter to move' });

    // device lists are filled once permission is granted
    const cams = await testid(page, 'prejoin-camera-select').locator('option').allTextContents();
    const mics = await testid(page, 'prejoin-mic-select').locator('option').allTextContents();
    assert.ok(cams.length >= 1 && cams.every((t) => t.trim().length > 0), `cameras: ${JSON.stringify(cams)}`);
    assert.ok(mics.length >= 1 && mics.every((t) => t.trim().length > 0), `mics: ${JSON.stringify(mics)}`);

    await testid(page, 'prejoin-name').fill('Daniyar');
    await page.mouse.move(0, 0);
    await screenshot(page, 'readme-prejoin');
    assertCleanPage(person);
    await person.context.close();
  });

  it('"join without camera and microphone" while the camera is still starting keeps both off', { timeout: 40_000 }, async () => {
    const ownRoom = await teacher.createRoom({ name: 'Slow camera' }); // keeps the README room clean
    const person = await newPerson(browser, server, { label: 'slow-camera' });
    const { page } = person;
    // A camera that takes 1.5 s to start (common with real USB cameras): delay getUserMedia.
    await page.addInitScript(() => {
      const md = navigator.mediaDevices;
      const original = md.getUserMedia.bind(md);
      md.getUserMedia = (constraints) => new Promise((resolve) => setTimeout(resolve, 1500)).then(() => original(constraints));
    });
    await page.goto(`/r/${ownRoom.code}`);
    await testid(page, 'prejoin').waitFor();
    assert.equal(await page.locator('.preview-off-text').textContent(), 'Starting the camera…', 'still starting');
    await testid(page, 'prejoin-name').fill('Private Person');
    await testid(page, 'prejoin-join-without-media').click();
    await waitJoined(page);
    await sleep(2500); // the delayed getUserMedia has resolved by now
    const media = await page.evaluate(() => window.__bailanys.state.media);
    const live = await page.locator('[data-testid="tile"][data-self="true"] video').evaluate((v) => ({
      hidden: v.hidden, tracks: v.srcObject?.getTracks().filter((t) => t.readyState === 'live').map((t) => t.kind) ?? [],
    }));
    await screenshot(page, 'join-without-media-while-starting');
    assert.deepEqual({ media, camera: await testid(page, 'toggle-camera').getAttribute('data-state'),
      mic: await testid(page, 'toggle-mic').getAttribute('data-state'), selfVideo: live },
    { media: { mic: false, camera: false }, camera: 'off', mic: 'off', selfVideo: { hidden: true, tracks: [] } },
    'the user asked to join without camera and microphone');
    await testid(page, 'leave').click();
    assertCleanPage(person);
    await person.context.close();
  });

  it('a room with two people and a few chat messages', { timeout: 60_000 }, async () => {
    // the teacher signs in through the UI; a student joins as a guest
    const t = await newPerson(browser, server, { label: 'teacher' });
    await t.page.goto('/');
    await testid(t.page, 'signin-open').click();
    await testid(t.page, 'signin-username').fill(teacher.user.username);
    await testid(t.page, 'signin-password').fill('correct horse battery');
    await testid(t.page, 'signin-submit').click();
    await testid(t.page, 'auth-dialog').waitFor({ state: 'detached' });
    const item = t.page.locator(`[data-testid="my-rooms-item"][data-code="${room.code}"]`);
    await item.waitFor();
    assert.match(await item.textContent(), /Physics, 9B/);
    await item.click();
    await testid(t.page, 'prejoin').waitFor();
    assert.equal(await testid(t.page, 'room-code').textContent(), room.code);
    await testid(t.page, 'prejoin-join').click();
    await waitJoined(t.page);

    const s = await newPerson(browser, server, { label: 'student' });
    await s.page.goto(`/r/${room.code}`);
    await testid(s.page, 'prejoin').waitFor();
    await testid(s.page, 'prejoin-name').fill('Daniyar');
    await testid(s.page, 'prejoin-join').click();
    await waitJoined(s.page);
    for (const p of [t.page, s.page]) await waitForParticipants(p, [TEACHER, 'Daniyar']);

    const script = [
      [t.page, TEACHER, 'Good morning! Today we start with lenses.'],
      [s.page, 'Daniyar', 'Good morning! Should we open the textbook?'],
      [t.page, TEACHER, 'Yes, page 42, exercise 3.'],
      [s.page, 'Daniyar', 'Got it, thank you!'],
    ];
    for (const [page, author, text] of script) {
      await sendChat(page, text);
      for (const p of [t.page, s.page]) {
        await eventually(async () => {
          const last = (await chatMessages(p)).at(-1);
          assert.deepEqual([last?.author, last?.text, last?.status], [author, text, 'sent']);
          return true;
        }, { what: `"${text}" shown` });
      }
    }
    // the self tile shows the local camera
    const selfVideo = t.page.locator('[data-testid="tile"][data-self="true"] video');
    await eventually(async () => (await selfVideo.evaluate((v) => v.readyState >= 2 && v.videoWidth > 0 && !v.hidden)),
      { timeoutMs: 8000, what: 'the self tile video' });
    // no toasts ("Welcome back") and no focus ring in the README picture (this machine has no
    // colour emoji font, so the script uses none)
    for (const p of [t.page, s.page]) {
      for (const close of await p.locator('[data-testid="toast"] .toast-close').all()) await close.click().catch(() => {});
      await p.locator('[data-testid="toast"]').first().waitFor({ state: 'detached', timeout: 3000 }).catch(() => {});
      await p.mouse.move(0, 0);
      await p.locator('[data-testid="chat-input"]').blur();
    }
    await screenshot(t.page, 'readme-room');
    await screenshot(s.page, 'readme-room-student');
    assertCleanPage(t);
    assertCleanPage(s);
  });
});
