// Rate limits (docs/API.md "Limits", docs/PROTOCOL.md "Limits").
// These tests pin one loopback source address per scenario on purpose.
import assert from 'node:assert/strict';
import {
  describeEachBackend, it, Client, T, uniqueName, assertError, assertJson, nextLoopbackAddress, join, closeAll,
  randomClientId, sleep,
} from './harness.mjs';

function assertRateLimited(res) {
  const err = assertError(res, 429, 'rate_limited');
  assert.equal(Number.isInteger(err.retryAfter), true, `retryAfter is an integer: ${res.text}`);
  assert.ok(err.retryAfter >= 1 && err.retryAfter <= 600, `retryAfter in seconds: ${err.retryAfter}`);
  assert.equal(res.headers['retry-after'], String(err.retryAfter), `Retry-After header matches: ${JSON.stringify(res.headers)}`);
  return err;
}

describeEachBackend('rate limits', (ctx) => {
  it('12 rapid wrong sign-ins for one username: 5 × 401, then 429 rate_limited with Retry-After', T, async () => {
    const username = uniqueName('victim');
    await new Client(ctx.server).signup({ username, displayName: 'Victim', password: 'the-right-password' });

    const attacker = new Client(ctx.server, { localAddress: nextLoopbackAddress() });
    const results = [];
    for (let i = 0; i < 12; i++) {
      results.push(await attacker.post('/api/auth/signin', { username, password: `wrong-password-${i}` }));
    }
    const summary = results.map((r) => `${r.status}:${r.json?.error?.code}`).join(' ');
    assert.ok(results.some((r) => r.status === 429), `some 429: ${summary}`);
    for (const r of results.slice(0, 5)) assertError(r, 401, 'bad_credentials');
    for (const r of results.slice(5)) assertRateLimited(r);

    // While limited, even the right password is refused (from another address: per-username limit).
    const other = new Client(ctx.server);
    const right = await other.post('/api/auth/signin', { username, password: 'the-right-password' });
    assertRateLimited(right);
    assertError(await other.get('/api/me'), 401, 'not_signed_in');
  });

  // docs/API.md: 30 per address in a burst (a classroom behind one NAT), refilling at 30/min.
  // The bucket refills at one token per 2 s while the attempts run (each costs one argon2id
  // verification), so the tail is mostly, not only, 429.
  it('per address: 40 wrong sign-ins for different usernames: 30 × 401, then mostly 429', T, async () => {
    const address = nextLoopbackAddress();
    const results = [];
    const started = Date.now();
    for (let i = 0; i < 40; i++) {
      const c = new Client(ctx.server, { localAddress: address });
      results.push(await c.post('/api/auth/signin', { username: uniqueName('ghost'), password: 'wrong-password' }));
    }
    const summary = results.map((r) => `${r.status}:${r.json?.error?.code}`).join(' ');
    for (const r of results.slice(0, 30)) assertError(r, 401, 'bad_credentials', {});
    const tail = results.slice(30);
    const refilled = Math.floor((Date.now() - started) / 2000) + 1;
    const limited = tail.filter((r) => r.status === 429);
    for (const r of limited) assertRateLimited(r);
    for (const r of tail.filter((r) => r.status !== 429)) assertError(r, 401, 'bad_credentials', {});
    assert.ok(limited.length >= tail.length - refilled,
      `expected at most ${refilled} of the last ${tail.length} to pass; got ${summary}`);
    assert.ok(summary.includes('429'));

    // Another address is not affected.
    const username = uniqueName('fine');
    await new Client(ctx.server).signup({ username, displayName: 'Fine', password: 'password-fine' });
    assertJson(await new Client(ctx.server).post('/api/auth/signin', { username, password: 'password-fine' }), 200);
  });

  // docs/API.md: bursts of 30 sign-ups per address, then 3 per minute.
  it('sign-ups: the 31st from one address in a burst → 429 rate_limited', T, async () => {
    const address = nextLoopbackAddress();
    for (let i = 0; i < 30; i++) {
      await new Client(ctx.server, { localAddress: address }).signup({ username: uniqueName('bulk'), displayName: `Bulk ${i}` });
    }
    const sixth = await new Client(ctx.server, { localAddress: address }).post('/api/auth/signup',
      { username: uniqueName('bulk'), displayName: 'Bulk 31', password: 'password123' });
    assertRateLimited(sixth);
    assert.equal(sixth.setCookies.filter((l) => l.startsWith('bailanys_session=')).length, 0);
  });

  it('chat flood: 30 messages at once → some rate_limited errors, each message answered once, connection survives', T, async () => {
    const owner = new Client(ctx.server);
    await owner.signup({ username: uniqueName('flood'), displayName: 'Flood Owner' });
    const room = await owner.createRoom({ name: 'Flood' });
    const flooder = await join(ctx.server, room.code, 'Flooder');
    const watcher = await join(ctx.server, room.code, 'Watcher');
    try {
      const ids = Array.from({ length: 30 }, () => randomClientId());
      for (const [i, clientId] of ids.entries()) flooder.send({ type: 'chat', clientId, text: `flood ${i}` });

      const answers = new Map();
      while (answers.size < ids.length) {
        const ev = await flooder.waitFor((e) => (e.type === 'chat' && ids.includes(e.message.clientId)) ||
          (e.type === 'error' && ids.includes(e.ref)), { timeoutMs: 10_000, what: `answer ${answers.size + 1}/30` });
        const ref = ev.type === 'chat' ? ev.message.clientId : ev.ref;
        assert.equal(answers.has(ref), false, `one answer per message (${ref})`);
        answers.set(ref, ev);
      }
      const accepted = [...answers.values()].filter((e) => e.type === 'chat');
      const limited = [...answers.values()].filter((e) => e.type === 'error');
      for (const e of limited) {
        assert.equal(e.code, 'rate_limited', JSON.stringify(e));
        assert.equal(typeof e.retryAfter, 'number', `retryAfter: ${JSON.stringify(e)}`);
        assert.ok(e.retryAfter > 0, `retryAfter > 0: ${JSON.stringify(e)}`);
      }
      assert.ok(limited.length > 0, 'some messages were rate limited');
      assert.ok(accepted.length >= 10, `the burst of 10 is accepted: ${accepted.length}`);
      assert.ok(accepted.length <= 16, `not many more than the burst: ${accepted.length}`);

      // The connection survives and the watcher got exactly the accepted ones.
      assert.equal(flooder.isOpen, true);
      await flooder.roundTrip();
      await watcher.roundTrip();
      const seen = watcher.pending((e) => e.type === 'chat').map((e) => e.message.clientId);
      assert.deepEqual(seen.sort(), accepted.map((e) => e.message.clientId).sort());

      const hist = assertJson(await owner.get(`/api/rooms/${room.code}/messages?limit=100`), 200);
      assert.equal(hist.messages.length, accepted.length);

      // After a pause it can talk again.
      await sleep(2100);
      const m = await flooder.chat('calm again');
      assert.equal(m.text, 'calm again');
    } finally {
      await closeAll(flooder, watcher);
    }
    await ctx.server.assertHealthy();
  });
});
