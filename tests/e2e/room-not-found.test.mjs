// A room code of the right shape that does not exist: HTTP 404 for the page, and the client explains
// it in the user's language (also when the code is typed on the start page).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, newPerson, assertCleanPage, testid, screenshot, loadDict } from './harness.mjs';

const MISSING = 'aaa-aaaa-aaa'; // valid shape (no i, l, o), never created in this fresh server

describe('unknown room', { timeout: 90_000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await Server.start();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await server?.close();
  });

  for (const [locale, lang] of [['en-US', 'en'], ['ru-RU', 'ru'], ['kk-KZ', 'kk']]) {
    it(`/r/${MISSING} (${lang}): 404 and a translated explanation`, { timeout: 30_000 }, async () => {
      const dict = await loadDict(lang);
      const person = await newPerson(browser, server, { label: `notfound-${lang}`, locale });
      const { page } = person;
      const response = await page.goto(`/r/${MISSING}`);
      assert.equal(response.status(), 404);
      assert.match(response.headers()['content-type'] ?? '', /^text\/html/);
      const box = testid(page, 'room-not-found');
      await box.waitFor({ state: 'visible' });
      assert.equal(await box.locator('h1').textContent(), dict['room.notFoundTitle']);
      assert.equal(await box.locator('p').textContent(), dict['room.notFoundText']);
      assert.equal(await testid(page, 'back-home').textContent(), dict['common.backHome']);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      assert.equal(await testid(page, 'prejoin').count(), 0, 'no pre-join screen');
      await screenshot(page, `room-not-found-${lang}`);

      // back home, then the same code typed in upper case without dashes
      await testid(page, 'back-home').click();
      await testid(page, 'start-page').waitFor();
      await testid(page, 'join-code-input').fill(MISSING.replaceAll('-', '').toUpperCase());
      await testid(page, 'join-code-submit').click();
      await box.waitFor({ state: 'visible' });
      assert.equal(new URL(page.url()).pathname, `/r/${MISSING}`);
      assert.equal(await box.locator('h1').textContent(), dict['room.notFoundTitle']);

      assertCleanPage(person, {
        allowResponses: [new RegExp(`^GET /r/${MISSING} 404$`), new RegExp(`^GET /api/rooms/${MISSING} 404$`)],
      });
      await person.context.close();
    });
  }
});
