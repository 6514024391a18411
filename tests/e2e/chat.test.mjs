// Three people in one meeting, through the UI: sign-up and room creation, a guest joining by code,
// chat both ways (with an HTML-looking message shown literally), history with "load earlier" for a
// latecomer, and leaving (the Leave button, then a closed tab).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server, launchBrowser, newPerson, assertCleanPage, testid, screenshot, eventually, sleep,
  participantList, participantNames, chatMessages, waitJoined, sendChat, waitForParticipants,
  WsGuest, ROOM_CODE_RE, uniqueUsername,
} from './harness.mjs';

const XSS = '<img src=x onerror=alert(1)>';
const TIME_RE = /^\d{1,2}:\d{2}(\s?[AP]M)?$/; // today's messages show only the time (en: "02:35 AM")

describe('meeting with chat, history and leaving', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let A; let B; let C; // people (context + page)
  let code = null;
  const aName = 'Aida Serikova';
  const bName = 'Бауыржан';
  const cName = 'Светлана К.';
  const posted = []; // every chat message in the room, in order: {author, text}

  before(async () => {
    server = await Server.start();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await server?.close();
  });

  // Both pages show `text` once as the newest message, from `author`, with a time, confirmed.
  async function expectMessageEverywhere(pages, author, text, ownPage) {
    for (const page of pages) {
      const last = await eventually(async () => {
        const list = await chatMessages(page);
        const m = list[list.length - 1];
        assert.ok(m, 'no messages');
        assert.equal(m.text, text);
        assert.equal(m.status, 'sent');
        return m;
      }, { timeoutMs: 5000, what: `message ${JSON.stringify(text)}` });
      assert.equal(last.author, author);
      assert.match(last.time, TIME_RE, `time shown for ${JSON.stringify(text)}`);
      assert.ok(Math.abs(Date.parse(last.datetime) - Date.now()) < 60_000, `datetime ${last.datetime} is now`);
      assert.equal(last.own, page === ownPage, 'own/other styling');
      const copies = (await chatMessages(page)).filter((m) => m.text === text);
      assert.equal(copies.length, 1, `${JSON.stringify(text)} shown once`);
    }
  }

  it('1. A signs up and creates a room; guest B joins by code; both see each other and chat', { timeout: 90_000 }, async () => {
    A = await newPerson(browser, server, { label: 'A' });
    const pa = A.page;
    await pa.goto('/');
    await testid(pa, 'start-page').waitFor();
    await testid(pa, 'guest-prompt').waitFor();

    // sign up through the dialog
    await testid(pa, 'signup-open').click();
    const dialog = testid(pa, 'auth-dialog');
    await dialog.waitFor();
    await testid(pa, 'signup-username').fill(uniqueUsername('aida'));
    await testid(pa, 'signup-display-name').fill(aName);
    await testid(pa, 'signup-password').fill('correct horse battery staple');
    await testid(pa, 'signup-submit').click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await testid(pa, 'profile-open').textContent()).includes(aName), true, 'header shows the signed-in user');

    // create a room
    await testid(pa, 'room-name-input').fill('Physics 9B');
    await testid(pa, 'create-room').click();
    await pa.waitForURL(/\/r\/[a-z-]+$/);
    await testid(pa, 'prejoin').waitFor();
    code = (await testid(pa, 'room-code').textContent()).trim();
    assert.match(code, ROOM_CODE_RE);
    assert.equal(new URL(pa.url()).pathname, `/r/${code}`);
    assert.equal(await testid(pa, 'room-name').textContent(), 'Physics 9B');
    assert.equal(await testid(pa, 'prejoin-name').inputValue(), aName, 'name comes from the account');
    assert.equal(await testid(pa, 'prejoin-name').evaluate((el) => el.readOnly), true);
    await testid(pa, 'prejoin-join').click();
    await waitJoined(pa);
    await waitForParticipants(pa, [aName]);
    assert.equal(await testid(pa, 'participant-count').textContent(), '1 participant');
    assert.equal(await testid(pa, 'room-code').textContent(), code);

    // B: a guest in another context types the code in upper case without dashes
    B = await newPerson(browser, server, { label: 'B' });
    const pb = B.page;
    await pb.goto('/');
    await testid(pb, 'start-page').waitFor();
    await testid(pb, 'join-code-input').fill(code.replaceAll('-', '').toUpperCase());
    await testid(pb, 'join-code-submit').click();
    await pb.waitForURL((url) => url.pathname === `/r/${code}`);
    await testid(pb, 'prejoin').waitFor();
    assert.equal(await testid(pb, 'room-code').textContent(), code);
    assert.equal(await testid(pb, 'room-name').textContent(), 'Physics 9B');
    assert.equal(await testid(pb, 'prejoin-name').inputValue(), '', 'a new guest starts with an empty name');
    await testid(pb, 'prejoin-name').fill(bName);
    await testid(pb, 'prejoin-join').click();
    await waitJoined(pb);

    for (const page of [pa, pb]) {
      await waitForParticipants(page, [aName, bName]);
      assert.equal(await testid(page, 'participant-count').textContent(), '2 participants');
    }
    // self first; the host and guest badges
    const aList = await participantList(pa);
    assert.deepEqual(aList.map((p) => [p.name, p.self, p.state]), [[aName, true, 'online'], [bName, false, 'online']]);
    const bItemOnA = pa.locator('[data-testid="participant-item"][data-self="false"]');
    assert.match(await bItemOnA.textContent(), /guest/);
    const aItemOnB = pb.locator('[data-testid="participant-item"][data-self="false"]');
    assert.match(await aItemOnB.textContent(), /host/);

    // chat both ways
    await sendChat(pa, 'Good morning! Today: optics.');
    posted.push({ author: aName, text: 'Good morning! Today: optics.' });
    await expectMessageEverywhere([pa, pb], aName, 'Good morning! Today: optics.', pa);

    await sendChat(pb, 'Сәлеметсіз бе! Дайынмын 👋');
    posted.push({ author: bName, text: 'Сәлеметсіз бе! Дайынмын 👋' });
    await expectMessageEverywhere([pa, pb], bName, 'Сәлеметсіз бе! Дайынмын 👋', pb);

    // text that looks like HTML is shown literally and never runs
    await sendChat(pb, XSS);
    posted.push({ author: bName, text: XSS });
    await expectMessageEverywhere([pa, pb], bName, XSS, pb);
    await sleep(500); // give an (incorrectly) parsed <img> time to fail and fire onerror
    for (const page of [pa, pb]) {
      const lastText = page.locator('[data-testid="chat-message"]').last().locator('[data-testid="chat-text"]');
      assert.equal(await lastText.textContent(), XSS);
      assert.equal(await lastText.evaluate((el) => el.children.length), 0, 'chat-text has no child elements');
      assert.equal(await page.locator('[data-testid="chat-log"] img').count(), 0, 'no <img> inside chat-log');
    }
    await sendChat(pa, 'Please open page 42.');
    posted.push({ author: aName, text: 'Please open page 42.' });
    await expectMessageEverywhere([pa, pb], aName, 'Please open page 42.', pa);

    const shownOnA = (await chatMessages(pa)).map((m) => ({ author: m.author, text: m.text }));
    assert.deepEqual(shownOnA, posted);
    assert.deepEqual((await chatMessages(pb)).map((m) => ({ author: m.author, text: m.text })), posted);
    await screenshot(pa, 'chat-1-room-A');
    await screenshot(pb, 'chat-1-room-B');
    assert.deepEqual(A.dialogs, [], 'no dialog fired on A');
    assert.deepEqual(B.dialogs, [], 'no dialog fired on B');
    assertCleanPage(A);
    assertCleanPage(B);
  });

  it('2. a latecomer C sees the history in order and loads earlier messages', { timeout: 90_000 }, async () => {
    assert.ok(code && A && B, 'needs test 1');
    // 55 more messages from short-lived raw WebSocket guests (round-robin, each well inside the
    // 10-message burst), so that the oldest ones are beyond the first page of 50.
    const senders = [];
    for (let i = 0; i < 6; i += 1) senders.push(await WsGuest.join(server, code, `Bot ${i + 1}`));
    for (let n = 1; n <= 55; n += 1) {
      const bot = senders[(n - 1) % senders.length];
      const text = `History message ${String(n).padStart(2, '0')}`;
      const m = await bot.chat(text);
      assert.equal(m.text, text);
      posted.push({ author: bot.self.name, text });
    }
    for (const bot of senders) await bot.leave();
    for (const page of [A.page, B.page]) await waitForParticipants(page, [aName, bName]);
    // A got all of them live, in order
    await eventually(async () => {
      assert.deepEqual((await chatMessages(A.page)).map((m) => ({ author: m.author, text: m.text })), posted);
      return true;
    }, { timeoutMs: 5000, what: 'A shows all live messages in order' });

    C = await newPerson(browser, server, { label: 'C' });
    const pc = C.page;
    await pc.goto(`/r/${code}`);
    await testid(pc, 'prejoin').waitFor();
    await testid(pc, 'prejoin-name').fill(cName);
    await testid(pc, 'prejoin-join').click();
    await waitJoined(pc);
    for (const page of [A.page, B.page, pc]) {
      await waitForParticipants(page, [aName, bName, cName]);
      assert.equal(await testid(page, 'participant-count').textContent(), '3 participants');
    }

    // the newest 50, oldest first
    const firstPage = await eventually(async () => {
      const list = await chatMessages(pc);
      assert.equal(list.length, 50);
      return list;
    }, { timeoutMs: 5000, what: 'C shows the first page of history' });
    assert.deepEqual(firstPage.map((m) => ({ author: m.author, text: m.text })), posted.slice(-50));
    for (const m of firstPage) {
      assert.match(m.time, TIME_RE);
      assert.equal(m.own, false);
    }
    const ids = firstPage.map((m) => m.id);
    assert.deepEqual([...ids].sort((x, y) => x - y), ids, 'ordered by id');

    const loadEarlier = testid(pc, 'chat-load-earlier');
    await loadEarlier.waitFor({ state: 'visible' });
    assert.equal(await loadEarlier.textContent(), 'Load earlier messages');
    await loadEarlier.click();
    await eventually(async () => {
      const list = await chatMessages(pc);
      assert.deepEqual(list.map((m) => ({ author: m.author, text: m.text })), posted);
      return true;
    }, { timeoutMs: 5000, what: 'C shows the whole history after "load earlier"' });
    // the oldest message is now first, and there is nothing more to load
    const oldest = pc.locator('[data-testid="chat-message"]').first();
    assert.equal(await oldest.locator('[data-testid="chat-text"]').textContent(), 'Good morning! Today: optics.');
    assert.equal(await oldest.locator('[data-testid="chat-author"]').textContent(), aName);
    await loadEarlier.waitFor({ state: 'hidden' });
    // the literal HTML message from history is text too
    assert.equal(await pc.locator('[data-testid="chat-log"] img').count(), 0);
    await oldest.scrollIntoViewIfNeeded();
    await screenshot(pc, 'chat-2-history-C');
    assertCleanPage(C);
  });

  it('3a. B leaves with the Leave button: A and C see it within 3 s', { timeout: 30_000 }, async () => {
    assert.ok(A && B && C, 'needs tests 1 and 2');
    await testid(B.page, 'leave').click();
    const t0 = Date.now();
    await Promise.all([A.page, C.page].map((page) => waitForParticipants(page, [aName, cName], { timeoutMs: 3000 })));
    const elapsed = Date.now() - t0;
    assert.ok(elapsed <= 3000, `B vanished after ${elapsed} ms`);
    for (const page of [A.page, C.page]) {
      assert.equal(await testid(page, 'participant-count').textContent(), '2 participants');
    }
    // B is back on the start page with a notice
    await testid(B.page, 'start-page').waitFor();
    assert.equal(new URL(B.page.url()).pathname, '/');
    const notice = testid(B.page, 'notice');
    await notice.waitFor();
    assert.match(await notice.textContent(), /^You left the meeting\./);
    await screenshot(B.page, 'chat-3a-after-leave-B');
    assertCleanPage(B);
  });

  it('3b. C closes the tab: A sees C gone within 3 s', { timeout: 30_000 }, async () => {
    assert.ok(A && C, 'needs test 2');
    await C.page.close();
    const t0 = Date.now();
    try {
      await waitForParticipants(A.page, [aName], { timeoutMs: 3000 });
    } catch (err) {
      const list = await participantList(A.page);
      await screenshot(A.page, 'chat-3b-after-close-A');
      err.message += `\nA's list ${Date.now() - t0} ms after C closed the tab: ${JSON.stringify(list)}`;
      throw err;
    }
    assert.equal(await testid(A.page, 'participant-count').textContent(), '1 participant');
    assert.deepEqual(await participantNames(A.page), [aName]);
    await screenshot(A.page, 'chat-3b-after-close-A');
    assertCleanPage(A);
  });
});
