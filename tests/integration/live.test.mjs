// The live room protocol over /ws (docs/PROTOCOL.md).
import assert from 'node:assert/strict';
import {
  describeEachBackend, it, Client, T, uniqueName, assertJson, openWs, join, closeAll, assertMessage,
  randomClientId, sleep,
} from './harness.mjs';

// Chat rate limit is 5/s with bursts of 10: keep well under it.
const PACE_MS = 250;

function assertParticipant(p, { name, userId, isGuest, isOwner, state = 'online' } = {}) {
  assert.equal(typeof p.id, 'string', `participant.id: ${JSON.stringify(p)}`);
  assert.ok(p.id.length > 0);
  assert.equal(typeof p.joinedAt, 'number');
  assert.ok(Math.abs(p.joinedAt - Date.now()) < 120_000, `joinedAt in ms near now: ${p.joinedAt}`);
  if (name !== undefined) assert.equal(p.name, name);
  if (userId !== undefined) assert.equal(p.userId, userId);
  if (isGuest !== undefined) assert.equal(p.isGuest, isGuest);
  if (isOwner !== undefined) assert.equal(p.isOwner, isOwner);
  if (state !== undefined) assert.equal(p.state, state);
}

describeEachBackend('live', (ctx) => {
  let owner; let room;
  let a; let b; // a: signed-in owner, b: guest
  const sent = []; // every message stored in `room`, in order

  it('setup: owner signs up and creates a room', T, async () => {
    owner = new Client(ctx.server);
    await owner.signup({ username: uniqueName('teacher'), displayName: 'Teacher Aida' });
    room = await owner.createRoom({ name: 'Live 1' });
  });

  it('signed-in user joins: welcome contents', T, async () => {
    a = await owner.ws();
    a.send({ type: 'hello', v: 1, room: room.code, name: 'Ignored Name' });
    const w = await a.next('welcome');
    assert.equal(w.v, 1);
    assertParticipant(w.self, { name: 'Teacher Aida', userId: owner.user.id, isGuest: false, isOwner: true });
    assert.equal(w.room.code, room.code);
    assert.equal(w.room.name, 'Live 1');
    assert.equal(w.room.ownerId, owner.user.id);
    assert.equal(w.room.allowGuests, true);
    assert.deepEqual(w.participants, [w.self]);
    assert.equal(typeof w.resumeToken, 'string');
    assert.ok(w.resumeToken.length >= 16, 'resume token looks random');
    assert.deepEqual(w.history, { messages: [], hasMore: false });
    a.welcome = w;
  });

  it('a guest joins (code in upper case, no dashes): welcome lists both; the first gets participant-joined', T, async () => {
    b = await openWs(ctx.server);
    const w = await b.hello(room.code.replaceAll('-', '').toUpperCase(), 'Guest Bob');
    assertParticipant(w.self, { name: 'Guest Bob', userId: null, isGuest: true, isOwner: false });
    assert.notEqual(w.self.id, a.welcome.self.id);
    assert.equal(w.room.code, room.code);
    assert.equal(w.participants.length, 2);
    const ids = w.participants.map((p) => p.id).sort();
    assert.deepEqual(ids, [a.welcome.self.id, w.self.id].sort());
    assert.notEqual(w.resumeToken, a.welcome.resumeToken);

    const joined = await a.next('participant-joined');
    assert.deepEqual(joined.participant, w.self);
    // b does not hear about its own arrival
    await b.roundTrip();
    assert.equal(b.pending((e) => e.type === 'participant-joined').length, 0);
  });

  it('chat is broadcast to both with author and time; the sender copy confirms clientId', T, async () => {
    const clientId = randomClientId();
    const t0 = Date.now();
    b.send({ type: 'chat', clientId, text: 'Сәлем, бәріне! 👋' });
    const echo = await b.next('chat');
    const seen = await a.next('chat');
    assertMessage(echo.message, { text: 'Сәлем, бәріне! 👋', clientId, authorId: null, authorName: 'Guest Bob' });
    assert.ok(echo.message.createdAt >= t0 - 2000 && echo.message.createdAt <= Date.now() + 2000);
    assert.deepEqual(seen.message, echo.message);
    sent.push(echo.message);
    await sleep(PACE_MS);

    const m2 = await a.chat('  Hello from the teacher  ');
    assertMessage(m2, { text: 'Hello from the teacher', authorId: owner.user.id, authorName: 'Teacher Aida' });
    const seen2 = await b.next('chat');
    assert.deepEqual(seen2.message, m2);
    assert.ok(m2.id > echo.message.id, 'ids grow');
    sent.push(m2);
  });

  it('history paging over REST: limit, before, hasMore, oldest first', T, async () => {
    for (let i = 0; i < 7; i++) {
      await sleep(PACE_MS);
      const conn = i % 2 ? a : b;
      const m = await conn.chat(`page message ${i}`);
      sent.push(m);
    }
    await a.roundTrip(); await b.roundTrip();
    a.queue.length = 0; b.queue.length = 0; // drop the broadcast copies
    assert.equal(sent.length, 9);

    const anon = new Client(ctx.server);
    const all = assertJson(await anon.get(`/api/rooms/${room.code}/messages`), 200);
    assert.equal(all.hasMore, false);
    assert.deepEqual(all.messages, sent, 'default page: everything, oldest first, same objects as broadcast');

    const p1 = assertJson(await anon.get(`/api/rooms/${room.code}/messages?limit=4`), 200);
    assert.equal(p1.hasMore, true);
    assert.deepEqual(p1.messages, sent.slice(5, 9));
    const p2 = assertJson(await anon.get(`/api/rooms/${room.code}/messages?limit=4&before=${p1.messages[0].id}`), 200);
    assert.equal(p2.hasMore, true);
    assert.deepEqual(p2.messages, sent.slice(1, 5));
    const p3 = assertJson(await anon.get(`/api/rooms/${room.code}/messages?before=${p2.messages[0].id}&limit=4`), 200);
    assert.equal(p3.hasMore, false);
    assert.deepEqual(p3.messages, sent.slice(0, 1));
    const p4 = assertJson(await anon.get(`/api/rooms/${room.code}/messages?before=${sent[0].id}`), 200);
    assert.deepEqual(p4, { messages: [], hasMore: false });
    // exact fit: 9 messages, limit 9 → nothing more
    const exact = assertJson(await anon.get(`/api/rooms/${room.code.toUpperCase()}/messages?limit=9`), 200);
    assert.equal(exact.hasMore, false);
    assert.deepEqual(exact.messages, sent);
  });

  let c;
  it('a third client joining later gets the history in welcome', T, async () => {
    c = await openWs(ctx.server);
    const w = await c.hello(room.code, 'Late Carol');
    assert.deepEqual(w.history, { messages: sent, hasMore: false });
    assert.equal(w.participants.length, 3);
    await a.next('participant-joined');
    await b.next('participant-joined');
  });

  it('leave removes at once: participant-left (left) for the others; server closes with 1000', T, async () => {
    const id = c.welcome.self.id;
    const t0 = Date.now();
    c.send({ type: 'leave' });
    const left = await a.next('participant-left', { timeoutMs: 2000 });
    assert.equal(left.participantId, id);
    assert.equal(left.reason, 'left');
    const leftB = await b.next('participant-left', { timeoutMs: 2000 });
    assert.equal(leftB.participantId, id);
    assert.ok(Date.now() - t0 < 2000);
    const close = await c.waitClose({ timeoutMs: 3000 });
    assert.equal(close.code, 1000);
  });

  it('a close frame with 1001 (tab closed) removes at once', T, async () => {
    const d = await join(ctx.server, room.code, 'Tab Closer');
    await a.next('participant-joined');
    await b.next('participant-joined');
    d.close(1001, 'going away');
    const left = await a.next('participant-left', { timeoutMs: 2000 });
    assert.equal(left.participantId, d.welcome.self.id);
    assert.equal(left.reason, 'left');
    await b.next('participant-left', { timeoutMs: 2000 });
    // A fresh joiner no longer sees it.
    const e = await join(ctx.server, room.code, 'Checker');
    assert.deepEqual(e.welcome.participants.map((p) => p.id).sort(),
      [a.welcome.self.id, b.welcome.self.id, e.welcome.self.id].sort());
    await a.next('participant-joined'); await b.next('participant-joined');
    e.send({ type: 'leave' });
    await a.next('participant-left'); await b.next('participant-left');
    await closeAll(d, e);
  });

  // Chromium closing a tab sends its close frame and resets the TCP connection at once; the
  // server must still count that as a goodbye, not as a drop with a 20 s grace period.
  it('a close frame (1001) followed at once by a TCP reset removes at once', T, async () => {
    const d = await join(ctx.server, room.code, 'Tab Resetter');
    await a.next('participant-joined');
    await b.next('participant-joined');
    const socket = d.ws._socket;
    const mask = Buffer.from([1, 2, 3, 4]);
    const payload = Buffer.from([0x03, 0xe9]);  // 1001
    const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
    socket.write(Buffer.concat([Buffer.from([0x88, 0x82]), mask, masked]), () => socket.resetAndDestroy());
    const left = await a.next('participant-left', { timeoutMs: 2000 });
    assert.equal(left.participantId, d.welcome.self.id);
    assert.equal(left.reason, 'left');
    await b.next('participant-left', { timeoutMs: 2000 });
  });

  it('a dropped TCP connection leaves the participant reconnecting; resume takes it back with the same id', T, async () => {
    a.queue.length = 0;
    b.queue.length = 0;
    const oldId = b.welcome.self.id;
    const token = b.welcome.resumeToken;
    const before = await b.chat('sent before the drop', 'resend-me-1');
    sent.push(before);
    await a.next('chat');

    b.drop();
    const upd = await a.next('participant-updated', { timeoutMs: 5000 });
    assertParticipant(upd.participant, { name: 'Guest Bob', isGuest: true, state: 'reconnecting' });
    assert.equal(upd.participant.id, oldId);
    // Still listed while reconnecting.
    const probe = await join(ctx.server, room.code, 'Probe');
    const listed = probe.welcome.participants.find((p) => p.id === oldId);
    assert.ok(listed, 'the dropped participant is still listed');
    assert.equal(listed.state, 'reconnecting');
    probe.send({ type: 'leave' });
    await probe.waitClose();
    await a.next('participant-joined');
    await a.next('participant-left');

    const b2 = await openWs(ctx.server);
    const w = await b2.hello(room.code, 'Guest Bob', { resume: token });
    assert.equal(w.self.id, oldId, 'same participant id after resume');
    assert.equal(w.self.state, 'online');
    const mine = w.participants.filter((p) => p.id === oldId);
    assert.equal(mine.length, 1, `no duplicate in the list: ${JSON.stringify(w.participants)}`);
    assert.equal(w.participants.length, 2);
    assert.equal(typeof w.resumeToken, 'string');

    const back = await a.next('participant-updated', { timeoutMs: 3000 });
    assert.equal(back.participant.id, oldId);
    assert.equal(back.participant.state, 'online');
    await a.roundTrip();
    assert.deepEqual(a.pending((e) => e.type === 'participant-joined' || e.type === 'participant-left'), [],
      'no joined/left for a resumed participant');
    b = b2;
    b.welcome = w;
  });

  it('chat re-sent with the same clientId after the reconnect is stored once', T, async () => {
    a.queue.length = 0;
    await sleep(PACE_MS);
    b.send({ type: 'chat', clientId: 'resend-me-1', text: 'sent before the drop' });
    const again = await b.next('chat');
    assert.deepEqual(again.message, sent[sent.length - 1], 'the stored copy is returned to the sender');
    await sleep(PACE_MS);
    // A fresh message after it, to order the events.
    const fresh = await b.chat('after the resend');
    sent.push(fresh);
    const seen = await a.next('chat');
    assert.deepEqual(seen.message, fresh, 'the others did not get the duplicate broadcast');
    await a.roundTrip();
    assert.equal(a.pending((e) => e.type === 'chat').length, 0);

    const hist = assertJson(await owner.get(`/api/rooms/${room.code}/messages?limit=100`), 200);
    assert.equal(hist.messages.filter((m) => m.clientId === 'resend-me-1').length, 1);
    assert.deepEqual(hist.messages, sent);
  });

  it('a second hello with the same resume token replaces the open socket (4001)', T, async () => {
    a.queue.length = 0;
    const id = b.welcome.self.id;
    const b3 = await openWs(ctx.server);
    const w = await b3.hello(room.code, 'Guest Bob', { resume: b.welcome.resumeToken });
    assert.equal(w.self.id, id);
    const close = await b.waitClose({ timeoutMs: 3000 });
    assert.equal(close.code, 4001);
    assert.equal(close.reason, 'replaced');
    await a.roundTrip();
    assert.deepEqual(a.pending((e) => e.type === 'participant-joined' ||
      (e.type === 'participant-left' && e.participantId === id)), []);
    b = b3;
    b.welcome = w;
  });

  it('an unknown resume token simply joins anew', T, async () => {
    const f = await openWs(ctx.server);
    const w = await f.hello(room.code, 'Fresh', { resume: 'not-a-real-token-0123456789' });
    assert.notEqual(w.self.id, b.welcome.self.id);
    assert.notEqual(w.self.id, a.welcome.self.id);
    await a.next('participant-joined');
    f.send({ type: 'leave' });
    await a.next('participant-left');
    await closeAll(f);
  });

  it('ping → pong; hello twice → already_joined', T, async () => {
    const pong = await a.roundTrip();
    assert.equal(pong.type, 'pong');
    a.send({ type: 'hello', v: 1, room: room.code });
    const err = await a.next('error');
    assert.equal(err.code, 'already_joined');
    assert.equal(typeof err.message, 'string');
    await a.roundTrip();
  });

  it('teardown', T, async () => {
    await closeAll(a, b, c);
  });
});
