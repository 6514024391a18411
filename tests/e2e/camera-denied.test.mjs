// Camera and microphone refused: the pre-join screen explains it in the user's language and the
// person can still join without media and chat.
//
// What produces a real NotAllowedError in this Chromium (verified): a browser launched WITHOUT
// --use-fake-ui-for-media-stream (that flag accepts every prompt, whatever the context's
// permissions say) and a context whose granted permissions are empty: headless Chromium under
// playwright then refuses the prompt, and getUserMedia rejects with NotAllowedError "Permission
// denied". The fake devices stay enabled, so the refusal is about permission, not missing devices.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server, ApiUser, launchBrowser, newPerson, assertCleanPage, testid, screenshot, eventually,
  waitJoined, sendChat, waitForParticipants, chatMessages, loadDict,
} from './harness.mjs';

describe('camera and microphone refused', { timeout: 120_000 }, () => {
  let server;
  let allowingBrowser; // the usual fake-UI browser: a second person who can use media
  let refusingBrowser; // no fake UI: the permission prompt is refused
  let room;

  before(async () => {
    server = await Server.start();
    const owner = new ApiUser(server);
    await owner.signup({ displayName: 'Owner' });
    room = await owner.createRoom({ name: 'Biology' });
    allowingBrowser = await launchBrowser();
    refusingBrowser = await launchBrowser({ fakeUi: false });
  });
  after(async () => {
    await refusingBrowser?.close().catch(() => {});
    await allowingBrowser?.close().catch(() => {});
    await server?.close();
  });

  for (const [locale, lang] of [['en-US', 'en'], ['kk-KZ', 'kk']]) {
    it(`denied (${lang}): explanation, join without media, chat`, { timeout: 60_000 }, async () => {
      const dict = await loadDict(lang);
      const person = await newPerson(refusingBrowser, server, { label: `denied-${lang}`, locale, permissions: [] });
      const { page } = person;
      await page.goto(`/r/${room.code}`);
      await testid(page, 'prejoin').waitFor();

      // the browser really refuses (this is what the page got too)
      const gum = await page.evaluate(() => navigator.mediaDevices.getUserMedia({ video: true, audio: true })
        .then(() => 'granted', (e) => e.name));
      assert.equal(gum, 'NotAllowedError');

      const box = testid(page, 'media-error');
      await box.waitFor({ state: 'visible' });
      assert.equal(await box.getAttribute('data-error-kind'), 'denied');
      assert.equal(await box.locator('strong').textContent(), dict['media.errorTitle.denied']);
      const paragraphs = await box.locator('p').allTextContents();
      assert.deepEqual(paragraphs, [dict['media.error.denied.both'], dict['media.canJoinWithout']]);
      if (lang !== 'en') {
        const en = await loadDict('en');
        assert.notEqual(dict['media.error.denied.both'], en['media.error.denied.both'], 'translated');
      }
      assert.equal(await testid(page, 'prejoin-retry-media').isVisible(), true);
      // no preview, the placeholder says the camera is off
      assert.equal(await testid(page, 'prejoin-preview').isVisible(), false);
      assert.equal(await page.locator('.preview').getAttribute('data-camera'), 'off');
      await screenshot(page, `camera-denied-prejoin-${lang}`);

      // join without media
      const name = lang === 'kk' ? 'Әлия' : 'Alex NoCam';
      await testid(page, 'prejoin-name').fill(name);
      await testid(page, 'prejoin-join-without-media').click();
      await waitJoined(page);
      await waitForParticipants(page, [name]);
      assert.equal(await testid(page, 'toggle-camera').getAttribute('data-state'), 'off');
      assert.equal(await testid(page, 'toggle-mic').getAttribute('data-state'), 'off');

      // a second person (with a working camera) and a chat both ways
      const other = await newPerson(allowingBrowser, server, { label: `other-${lang}` });
      await other.page.goto(`/r/${room.code}`);
      await testid(other.page, 'prejoin').waitFor();
      await testid(other.page, 'prejoin-name').fill('Dana');
      await testid(other.page, 'prejoin-join').click();
      await waitJoined(other.page);
      await waitForParticipants(page, [name, 'Dana']);
      await waitForParticipants(other.page, [name, 'Dana']);

      const mine = `no camera, still here (${lang})`;
      await sendChat(page, mine);
      const reply = `I can read you (${lang})`;
      await eventually(async () => {
        const got = await chatMessages(other.page);
        assert.deepEqual(got.slice(-1).map((m) => [m.author, m.text, m.status]), [[name, mine, 'sent']]);
        return true;
      }, { what: 'the other person sees the message' });
      await sendChat(other.page, reply);
      await eventually(async () => {
        const got = (await chatMessages(page)).slice(-2).map((m) => [m.author, m.text, m.status, m.own]);
        assert.deepEqual(got, [[name, mine, 'sent', true], ['Dana', reply, 'sent', false]]);
        return true;
      }, { what: 'the refused person sees both messages' });
      await screenshot(page, `camera-denied-room-${lang}`);

      // both leave with the button, so the next round starts in an empty room
      await testid(other.page, 'leave').click();
      await testid(page, 'leave').click();
      await testid(page, 'start-page').waitFor();
      assertCleanPage(person);
      assertCleanPage(other);
      await other.context.close();
      await person.context.close();
    });
  }
});
