// The interface language: picked from the browser (navigator.languages / Accept-Language), changed
// with the selector in the header and remembered across reloads; plural forms of the participant
// count in Russian.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server, ApiUser, launchBrowser, newPerson, assertCleanPage, testid, screenshot, eventually,
  waitJoined, waitForParticipants, WsGuest, loadDict,
} from './harness.mjs';

// What a guest sees on the start page, keyed by translation key.
async function startPageTexts(page) {
  return page.evaluate(() => {
    const q = (sel) => document.querySelector(sel)?.textContent?.trim() ?? null;
    return {
      'start.title': q('.hero-title'),
      'start.subtitle': q('.hero-subtitle'),
      'start.joinTitle': q('.join-card .card-title'),
      'start.join': q('[data-testid="join-code-submit"]'),
      'start.guestTitle': q('[data-testid="guest-prompt"] .card-title'),
      'auth.signIn': q('[data-testid="start-signin"]'),
      'auth.signUp': q('[data-testid="signup-open"]'),
      'start.codePlaceholder': document.querySelector('[data-testid="join-code-input"]')?.placeholder ?? null,
      lang: document.documentElement.lang,
      title: document.title,
      selector: document.querySelector('[data-testid="lang-select"]')?.value ?? null,
    };
  });
}

async function expectStartPageIn(page, lang) {
  const dict = await loadDict(lang);
  const en = await loadDict('en');
  const got = await startPageTexts(page);
  const keys = ['start.title', 'start.subtitle', 'start.joinTitle', 'start.join', 'start.guestTitle', 'auth.signIn', 'auth.signUp', 'start.codePlaceholder'];
  const want = Object.fromEntries(keys.map((k) => [k, dict[k]]));
  want.lang = lang;
  want.title = dict['app.title'];
  want.selector = lang;
  assert.deepEqual(got, want);
  if (lang !== 'en') {
    for (const k of ['start.title', 'start.joinTitle', 'start.join']) assert.notEqual(dict[k], en[k], `${lang} ${k} is translated`);
  }
}

describe('languages', { timeout: 150_000 }, () => {
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

  it('kk-KZ browser: the start page is in Kazakh', { timeout: 30_000 }, async () => {
    const person = await newPerson(browser, server, { label: 'kk', locale: 'kk-KZ' });
    const { page } = person;
    assert.deepEqual(await page.evaluate(() => navigator.languages), ['kk-KZ']);
    await page.goto('/');
    await testid(page, 'start-page').waitFor();
    await expectStartPageIn(page, 'kk');
    // a few exact strings, as a translator wrote them in web/i18n/kk.js
    assert.equal(await page.locator('.hero-title').textContent(), 'Кездесулер мен сабақтар тікелей браузерде');
    assert.equal(await testid(page, 'join-code-submit').textContent(), 'Қосылу');
    assert.equal(await page.locator('.join-card .card-title').textContent(), 'Кездесуге қосылу');
    assert.equal(await page.getAttribute('html', 'lang'), 'kk');
    // an invalid code is explained in Kazakh too
    await testid(page, 'join-code-input').fill('abc');
    await testid(page, 'join-code-submit').click();
    assert.equal(await testid(page, 'join-code-error').textContent(), (await loadDict('kk'))['start.codeInvalid']);
    await screenshot(page, 'lang-kk-start');
    assertCleanPage(person);
    await person.context.close();
  });

  it('ru-RU browser: the start page is in Russian', { timeout: 30_000 }, async () => {
    const person = await newPerson(browser, server, { label: 'ru', locale: 'ru-RU' });
    const { page } = person;
    await page.goto('/');
    await testid(page, 'start-page').waitFor();
    await expectStartPageIn(page, 'ru');
    assert.equal(await page.locator('.hero-title').textContent(), 'Встречи и занятия прямо в браузере');
    assert.equal(await testid(page, 'join-code-submit').textContent(), 'Присоединиться');
    await screenshot(page, 'lang-ru-start');
    assertCleanPage(person);
    await person.context.close();
  });

  it('switching to Ukrainian changes the text and survives a reload', { timeout: 30_000 }, async () => {
    const person = await newPerson(browser, server, { label: 'uk', locale: 'ru-RU' });
    const { page } = person;
    await page.goto('/');
    await testid(page, 'start-page').waitFor();
    await expectStartPageIn(page, 'ru');
    await testid(page, 'lang-select').selectOption('uk');
    await expectStartPageIn(page, 'uk');
    assert.equal(await page.locator('.hero-title').textContent(), 'Зустрічі та заняття просто в браузері');
    assert.equal(await page.evaluate(() => localStorage.getItem('bailanys.lang')), 'uk');
    await page.reload();
    await testid(page, 'start-page').waitFor();
    await expectStartPageIn(page, 'uk');
    // and on another page of the app (a room's pre-join screen)
    const owner = new ApiUser(server);
    await owner.signup({ displayName: 'Вчителька' });
    const room = await owner.createRoom({ name: 'Фізика' });
    await page.goto(`/r/${room.code}`);
    await testid(page, 'prejoin').waitFor();
    const uk = await loadDict('uk');
    assert.equal(await testid(page, 'prejoin-join').textContent(), uk['prejoin.join']);
    assert.equal(await page.locator('.prejoin .eyebrow').textContent(), uk['prejoin.ready']);
    assert.equal(await page.getAttribute('html', 'lang'), 'uk');
    await page.goto('/');
    await testid(page, 'start-page').waitFor();
    await screenshot(page, 'lang-uk-after-reload');
    assertCleanPage(person);
    await person.context.close();
  });

  it('Russian plural forms of the participant count: 1, 2, 5, 21', { timeout: 60_000 }, async () => {
    const owner = new ApiUser(server);
    await owner.signup({ displayName: 'Учитель' });
    const room = await owner.createRoom({ name: 'Химия' });
    const person = await newPerson(browser, server, { label: 'ru-room', locale: 'ru-RU' });
    const { page } = person;
    await page.goto(`/r/${room.code}`);
    await testid(page, 'prejoin').waitFor();
    await testid(page, 'prejoin-name').fill('Ирина');
    await testid(page, 'prejoin-join-without-media').click();
    await waitJoined(page);
    const count = testid(page, 'participant-count');
    const expectCount = (n, text) => eventually(async () => {
      assert.equal(await count.getAttribute('data-count'), String(n));
      assert.equal(await count.textContent(), text);
      return true;
    }, { timeoutMs: 5000, what: `"${text}"` });

    await expectCount(1, '1 участник');
    const guests = [];
    const add = async (n) => {
      for (let i = 0; i < n; i += 1) guests.push(await WsGuest.join(server, room.code, `Гость ${guests.length + 1}`));
    };
    await add(1);
    await expectCount(2, '2 участника');
    await waitForParticipants(page, ['Ирина', 'Гость 1']);
    await add(3);
    await expectCount(5, '5 участников');
    await screenshot(page, 'lang-ru-5-participants');
    await add(16);
    await expectCount(21, '21 участник');
    for (const g of guests.splice(0)) await g.leave();
    await expectCount(1, '1 участник');
    assertCleanPage(person);
    await person.context.close();
  });
});
