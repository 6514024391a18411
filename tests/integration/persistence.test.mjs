// Persistence: stop the server, start it again on the same data dir (and the
// same PostgreSQL database); accounts, sessions, rooms and history survive.
import assert from 'node:assert/strict';
import {
  describeEachBackend, it, Client, T, uniqueName, assertJson, join, closeAll, sleep,
} from './harness.mjs';

describeEachBackend('persistence', (ctx) => {
  const state = {};

  it('before the restart: account, room, messages, visit', T, async () => {
    const owner = new Client(ctx.server);
    const username = uniqueName('keeper');
    await owner.signup({ username, displayName: 'Keeper', password: 'persist-me-please', language: 'uk' });
    const room = await owner.createRoom({ name: 'Kept room', allowGuests: true });
    assertJson(await owner.patch('/api/me', { displayName: 'Keeper Renamed' }), 200);

    const a = await owner.ws();
    await a.hello(room.code, 'ignored');
    const g = await join(ctx.server, room.code, 'Guest Ghost');
    const sent = [];
    try {
      for (let i = 0; i < 4; i++) {
        sent.push(await (i % 2 ? g : a).chat(`kept message ${i} — ${'ä'.repeat(i)} 🗒`));
        await sleep(250);
      }
    } finally {
      await closeAll(a, g);
    }
    const hist = assertJson(await owner.get(`/api/rooms/${room.code}/messages`), 200);
    assert.deepEqual(hist.messages, sent);
    Object.assign(state, {
      owner, username, room, sent,
      me: assertJson(await owner.get('/api/me'), 200).user,
      myRooms: assertJson(await owner.get('/api/my/rooms'), 200),
      cookie: owner.session,
    });
  });

  it('restart on the same data dir: process exits cleanly on SIGTERM and comes back', T, async () => {
    const info = await ctx.server.stop();
    assert.equal(ctx.server.killedHard, undefined, 'exited within 5 s of SIGTERM');
    assert.ok(info.code === 0 || info.signal === 'SIGTERM', `clean exit on SIGTERM: ${JSON.stringify(info)}\n${ctx.server.logs}`);
    await ctx.server.start();
  });

  it('after the restart: the session cookie still works and the profile is intact', T, async () => {
    const again = new Client(ctx.server);
    const me = await again.get('/api/me', { headers: { Cookie: `bailanys_session=${state.cookie}` } });
    assert.deepEqual(assertJson(me, 200).user, state.me);
    assert.equal(state.me.displayName, 'Keeper Renamed');
    assert.equal(state.me.language, 'uk');
    // Password sign-in works too.
    const fresh = new Client(ctx.server);
    assert.deepEqual(assertJson(await fresh.post('/api/auth/signin',
      { username: state.username, password: 'persist-me-please' }), 200).user, state.me);
  });

  it('after the restart: room, history and my-rooms are intact', T, async () => {
    const owner = state.owner; // same cookie jar
    const room = assertJson(await owner.get(`/api/rooms/${state.room.code}`), 200).room;
    assert.deepEqual(room, { ...state.room, ownerName: 'Keeper Renamed' });
    const hist = assertJson(await new Client(ctx.server).get(`/api/rooms/${state.room.code}/messages`), 200);
    assert.deepEqual(hist, { messages: state.sent, hasMore: false });
    const mine = assertJson(await owner.get('/api/my/rooms'), 200);
    assert.deepEqual(mine, state.myRooms);

    const c = await join(ctx.server, state.room.code, 'After Restart');
    try {
      assert.deepEqual(c.welcome.history, { messages: state.sent, hasMore: false });
      const m = await c.chat('first after restart');
      assert.ok(m.id > state.sent[state.sent.length - 1].id, 'ids keep growing');
    } finally {
      await closeAll(c);
    }
    // clientId idempotency survives too: the owner re-sends its first message.
    const a = await owner.ws();
    try {
      await a.hello(state.room.code, 'ignored');
      a.send({ type: 'chat', clientId: state.sent[0].clientId, text: state.sent[0].text });
      const dup = await a.next('chat');
      assert.deepEqual(dup.message, state.sent[0]);
    } finally {
      await closeAll(a);
    }
    const after = assertJson(await owner.get(`/api/rooms/${state.room.code}/messages`), 200);
    assert.equal(after.messages.length, state.sent.length + 1);
  });
});
