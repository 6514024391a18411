// Losing the connection and coming back: the banner, the participant list of the others, and a
// message typed while offline that must arrive exactly once.
//
// Two ways to take B's socket away, because they exercise different paths (both verified):
//  - context.setOffline(true): Chromium's network emulation does NOT break an already open
//    WebSocket on loopback, but it fires the window 'offline' event and makes new connections
//    fail. The client reacts to 'offline' by giving up its socket itself (SignalingClient.dropSocket
//    → ws.close(), a close frame without a status code), then retries until 'online'.
//  - a TCP proxy in front of the server for B only (CuttableProxy): the test resets both TCP
//    connections and refuses new ones for ~3 s: a real network drop, no close frame on either side.
//    PROTOCOL.md: the server keeps the participant as "reconnecting" for 20 s and the client resumes
//    it with its resume token.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server, ApiUser, CuttableProxy, launchBrowser, newPerson, assertCleanPage, testid, screenshot,
  eventually, sleep, participantList, chatMessages, waitJoined, sendChat, waitForParticipants,
} from './harness.mjs';

// Chromium logs each refused reconnection attempt during the outage; that is expected.
const FAILED_WS = /^WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/ws' failed: (Error in connection establishment|Error during WebSocket handshake): net::ERR_[A-Z_]+$/;

// Records every state and visible text of B's connection banner.
async function recordBanner(page) {
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="connection-status"]');
    window.__banner = [];
    const note = () => {
      const text = el.querySelector('.status-text')?.textContent ?? '';
      const entry = { state: el.dataset.state, hidden: el.hidden, text };
      const last = window.__banner.at(-1);
      if (!last || last.state !== entry.state || last.hidden !== entry.hidden || last.text !== entry.text) window.__banner.push(entry);
    };
    note();
    new MutationObserver(note).observe(el, { attributes: true, childList: true, subtree: true, characterData: true });
  });
}
const banner = (page) => page.evaluate(() => window.__banner);

// Records A's participant list over time: did B ever vanish, or appear twice?
async function recordList(page) {
  await page.evaluate(() => {
    const list = document.querySelector('[data-testid="participant-list"]');
    window.__lists = [];
    const note = () => {
      window.__lists.push([...list.querySelectorAll('[data-testid="participant-item"]')]
        .map((li) => `${li.querySelector('.participant-name').textContent}|${li.dataset.participantId}|${li.dataset.state}`));
    };
    note();
    new MutationObserver(note).observe(list, { childList: true, subtree: true, attributes: true });
  });
}
const lists = (page) => page.evaluate(() => window.__lists);

describe('reconnecting', { timeout: 200_000 }, () => {
  let server;
  let browser;
  let room;
  const aName = 'Asel';
  const bName = 'Berik';

  before(async () => {
    server = await Server.start();
    const owner = new ApiUser(server);
    await owner.signup({ displayName: 'Owner' });
    room = await owner.createRoom({ name: 'Reconnect' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await server?.close();
  });

  async function setup(bOrigin, tag) {
    const A = await newPerson(browser, server, { label: `A-${tag}` });
    await A.page.goto(`/r/${room.code}`);
    await testid(A.page, 'prejoin').waitFor();
    await testid(A.page, 'prejoin-name').fill(aName);
    await testid(A.page, 'prejoin-join-without-media').click();
    await waitJoined(A.page);
    const B = await newPerson(browser, bOrigin, { label: `B-${tag}` });
    await B.page.goto(`/r/${room.code}`);
    await testid(B.page, 'prejoin').waitFor();
    await testid(B.page, 'prejoin-name').fill(bName);
    await testid(B.page, 'prejoin-join-without-media').click();
    await waitJoined(B.page);
    for (const p of [A.page, B.page]) await waitForParticipants(p, [aName, bName]);
    const bId = (await participantList(B.page)).find((p) => p.self).id;
    assert.equal((await participantList(A.page)).find((p) => p.name === bName).id, bId);
    await recordBanner(B.page);
    await recordList(A.page);
    return { A, B, bId };
  }

  async function teardown({ A, B }) {
    for (const P of [B, A]) {
      if (await testid(P.page, 'leave').isVisible().catch(() => false)) {
        await testid(P.page, 'leave').click();
        await testid(P.page, 'start-page').waitFor();
      }
    }
    await A.context.close();
    await B.context.close();
  }

  // What both sides must show once B is back.
  async function expectBack({ A, B }, text) {
    // B's banner: reconnecting, then "back online"
    const seenBanner = await eventually(async () => {
      const seen = await banner(B.page);
      const iReconnecting = seen.findIndex((e) => e.state === 'reconnecting' && !e.hidden && e.text === 'Reconnecting…');
      const iOnline = seen.findLastIndex((e) => e.state === 'online' && !e.hidden && e.text === 'Back online');
      assert.ok(iReconnecting >= 0, `"Reconnecting…" shown: ${JSON.stringify(seen)}`);
      assert.ok(iOnline > iReconnecting, `"Back online" after "Reconnecting…": ${JSON.stringify(seen)}`);
      return seen;
    }, { timeoutMs: 15_000, what: 'B back online' });
    assert.equal(await testid(B.page, 'connection-status').textContent().then((t) => t.startsWith('Back online')), true);
    // A lists B once, online; the count is 2
    await waitForParticipants(A.page, [aName, bName], { timeoutMs: 5000 });
    await eventually(async () => {
      const b = (await participantList(A.page)).filter((p) => p.name === bName);
      assert.equal(b.length, 1);
      assert.equal(b[0].state, 'online');
      return true;
    }, { what: 'B online in A\'s list' });
    assert.equal(await testid(A.page, 'participant-count').textContent(), '2 participants');
    // the message typed offline arrives exactly once, on both sides, and stays once
    for (const p of [A.page, B.page]) {
      await eventually(async () => {
        const copies = (await chatMessages(p)).filter((m) => m.text === text);
        assert.equal(copies.length, 1);
        assert.equal(copies[0].author, bName);
        assert.equal(copies[0].status, 'sent');
        return true;
      }, { timeoutMs: 5000, what: `"${text}" once` });
    }
    await sleep(1500);
    for (const p of [A.page, B.page]) {
      assert.equal((await chatMessages(p)).filter((m) => m.text === text).length, 1, 'still exactly once');
    }
    // the banner goes away by itself
    await testid(B.page, 'connection-status').waitFor({ state: 'hidden', timeout: 5000 });
    return seenBanner;
  }

  // -- 6a: network emulation ------------------------------------------------------------------
  let offlineRun = null;

  it('6a. offline (context.setOffline) for 3 s with a message typed meanwhile', { timeout: 60_000 }, async (t) => {
    const run = await setup(server, 'offline');
    offlineRun = run;
    const { A, B } = run;
    assert.equal(await B.page.evaluate(() => navigator.onLine), true,
      'Chromium believes there is no network at all (a namespace with only lo? use e2e/run-isolated.sh), ' +
      'so network emulation cannot fire the offline/online events this test is about');
    await B.context.setOffline(true);
    // the banner says the network is gone
    await eventually(async () => {
      const s = testid(B.page, 'connection-status');
      assert.equal(await s.isVisible(), true);
      assert.match(await s.getAttribute('data-state'), /^(offline|reconnecting)$/);
      return true;
    }, { timeoutMs: 3000, what: 'the banner to appear' });
    const text = 'typed while offline (6a)';
    await sendChat(B.page, text);
    const pending = (await chatMessages(B.page)).filter((m) => m.text === text);
    assert.deepEqual(pending.map((m) => [m.status, m.own, m.author]), [['pending', true, bName]]);
    await sleep(1000);
    assert.equal((await chatMessages(A.page)).filter((m) => m.text === text).length, 0, 'not delivered while offline');
    await screenshot(B.page, 'reconnect-6a-offline-B');
    await sleep(2000);
    await B.context.setOffline(false);
    const seen = await expectBack(run, text);
    t.diagnostic(`B's banner: ${seen.map((e) => (e.hidden ? `(hidden ${e.state})` : `${e.state}: ${e.text}`)).join(' → ')}`);
    await screenshot(A.page, 'reconnect-6a-back-A');
    assertCleanPage(A);
    assertCleanPage(B, { allowConsole: [FAILED_WS] });
  });

  it('6a. offline: B keeps its participant (resumed, never left and re-joined in A\'s list)', { timeout: 20_000 }, async () => {
    assert.ok(offlineRun, 'needs the previous test');
    const { A, B, bId } = offlineRun;
    try {
      const seen = await lists(A.page);
      const withoutB = seen.filter((l) => !l.some((e) => e.startsWith(`${bName}|`)));
      assert.deepEqual(withoutB, [], 'A\'s list never lost B');
      const now = (await participantList(A.page)).find((p) => p.name === bName);
      assert.equal(now.id, bId, 'same participant id after the reconnect');
    } finally {
      await teardown(offlineRun);
      offlineRun = null;
    }
  });

  // -- 6b: the TCP connection really drops ----------------------------------------------------
  it('6b. network drop (TCP reset, no close frame) for 3 s with a message typed meanwhile', { timeout: 60_000 }, async (t) => {
    const proxy = await CuttableProxy.start(server);
    let run = null;
    try {
      run = await setup(proxy, 'drop');
      const { A, B, bId } = run;
      proxy.cut();
      // A sees B as reconnecting (kept, not removed)
      await eventually(async () => {
        const b = (await participantList(A.page)).filter((p) => p.name === bName);
        assert.deepEqual(b.map((p) => [p.id, p.state]), [[bId, 'reconnecting']]);
        return true;
      }, { timeoutMs: 3000, what: 'B reconnecting in A\'s list' });
      assert.equal(await A.page.locator('[data-testid="participant-reconnecting"]').textContent(), 'reconnecting…');
      assert.equal(await testid(A.page, 'participant-count').textContent(), '2 participants');
      // B's banner
      await eventually(async () => {
        const s = testid(B.page, 'connection-status');
        assert.equal(await s.isVisible(), true);
        assert.match(await s.getAttribute('data-state'), /^(offline|reconnecting)$/);
        return true;
      }, { timeoutMs: 3000, what: 'the banner to appear' });
      const text = 'typed during the drop (6b)';
      await sendChat(B.page, text);
      await screenshot(A.page, 'reconnect-6b-drop-A');
      await screenshot(B.page, 'reconnect-6b-drop-B');
      await sleep(3000);
      assert.equal((await chatMessages(A.page)).filter((m) => m.text === text).length, 0, 'not delivered during the drop');
      proxy.restore();
      const seen = await expectBack(run, text);
      t.diagnostic(`B's banner: ${seen.map((e) => (e.hidden ? `(hidden ${e.state})` : `${e.state}: ${e.text}`)).join(' → ')}`);
      // resumed: same participant, A never lost B
      assert.equal((await participantList(A.page)).find((p) => p.name === bName).id, bId);
      const withoutB = (await lists(A.page)).filter((l) => !l.some((e) => e.startsWith(`${bName}|`)));
      assert.deepEqual(withoutB, [], 'A\'s list never lost B');
      assertCleanPage(A);
      assertCleanPage(B, { allowConsole: [FAILED_WS] });
    } finally {
      if (run) await teardown(run).catch(() => {});
      await proxy.close();
    }
  });
});
