// Rooms over REST (docs/API.md), plus "recent rooms" after a /ws join.
import assert from 'node:assert/strict';
import {
  describeEachBackend, it, Client, T, uniqueName, assertError, assertJson, ROOM_CODE_RE, closeAll,
} from './harness.mjs';

function assertRoom(r, { name, ownerId, ownerName, allowGuests, isOwner } = {}) {
  assert.match(r.code, ROOM_CODE_RE, `room code: ${JSON.stringify(r)}`);
  assert.equal(typeof r.createdAt, 'number');
  assert.ok(Math.abs(r.createdAt - Date.now()) < 10 * 60_000, `createdAt in ms near now: ${r.createdAt}`);
  if (name !== undefined) assert.equal(r.name, name);
  if (ownerId !== undefined) assert.equal(r.ownerId, ownerId);
  if (ownerName !== undefined) assert.equal(r.ownerName, ownerName);
  if (allowGuests !== undefined) assert.equal(r.allowGuests, allowGuests);
  if (isOwner !== undefined) assert.equal(r.isOwner, isOwner);
}

describeEachBackend('rooms', (ctx) => {
  let owner; let other; let room;

  it('POST /api/rooms without a session → 401 not_signed_in', T, async () => {
    assertError(await new Client(ctx.server).post('/api/rooms', { name: 'x' }), 401, 'not_signed_in');
  });

  it('create: 201, code format, owner fields, allowGuests defaults to true', T, async () => {
    owner = new Client(ctx.server);
    await owner.signup({ username: uniqueName('owner'), displayName: 'Aida Owner' });
    other = new Client(ctx.server);
    await other.signup({ username: uniqueName('other'), displayName: 'Other User' });

    const res = await owner.post('/api/rooms', { name: '  Physics 9B  ' });
    const body = assertJson(res, 201);
    room = body.room;
    assertRoom(room, {
      name: 'Physics 9B', ownerId: owner.user.id, ownerName: 'Aida Owner', allowGuests: true, isOwner: true,
    });

    const codes = new Set([room.code]);
    for (let i = 0; i < 5; i++) {
      const r = await owner.createRoom({});
      assert.match(r.code, ROOM_CODE_RE);
      assert.equal(r.name, '', 'empty name means untitled');
      codes.add(r.code);
    }
    assert.equal(codes.size, 6, 'codes are distinct');

    const closed = await owner.createRoom({ name: 'Closed', allowGuests: false });
    assert.equal(closed.allowGuests, false);
  });

  it('create: invalid name / allowGuests → 400 invalid_field', T, async () => {
    assertError(await owner.post('/api/rooms', { name: 'n'.repeat(101) }), 400, 'invalid_field', { field: 'name' });
    assertError(await owner.post('/api/rooms', { name: 42 }), 400, 'invalid_field', { field: 'name' });
    assertError(await owner.post('/api/rooms', { allowGuests: 'yes' }), 400, 'invalid_field', { field: 'allowGuests' });
    const ok = await owner.createRoom({ name: 'n'.repeat(100) });
    assert.equal(ok.name, 'n'.repeat(100));
  });

  it('GET /api/rooms/{code}: canonical, upper case, without dashes; isOwner per session', T, async () => {
    const anon = new Client(ctx.server);
    const canonical = assertJson(await anon.get(`/api/rooms/${room.code}`), 200);
    assert.deepEqual(canonical.room, { ...room, isOwner: false });

    const upper = assertJson(await anon.get(`/api/rooms/${room.code.toUpperCase()}`), 200);
    assert.equal(upper.room.code, room.code, 'the answer carries the canonical code');

    const nodash = assertJson(await anon.get(`/api/rooms/${room.code.replaceAll('-', '').toUpperCase()}`), 200);
    assert.equal(nodash.room.code, room.code);

    const mine = assertJson(await owner.get(`/api/rooms/${room.code.replaceAll('-', '')}`), 200);
    assert.equal(mine.room.isOwner, true);
    const theirs = assertJson(await other.get(`/api/rooms/${room.code}`), 200);
    assert.equal(theirs.room.isOwner, false);
  });

  it('GET unknown room → 404 not_found JSON', T, async () => {
    // 'zzz-zzzz-zzz' is well-formed; the chance it was generated is 1 in 2^45.
    assertError(await new Client(ctx.server).get('/api/rooms/zzz-zzzz-zzz'), 404, 'not_found');
    assertError(await new Client(ctx.server).get('/api/rooms/not-a-code'), 404, 'not_found');
    assertError(await new Client(ctx.server).get('/api/rooms/zzz-zzzz-zzz/messages'), 404, 'not_found');
    assertError(await owner.patch('/api/rooms/zzz-zzzz-zzz', { name: 'x' }), 404, 'not_found');
  });

  it('PATCH by the owner → 200; by another user → 403 forbidden; signed out → 401', T, async () => {
    const res = await owner.patch(`/api/rooms/${room.code.toUpperCase()}`, { name: 'Physics 9B — renamed' });
    const body = assertJson(res, 200);
    assert.deepEqual(body.room, { ...room, name: 'Physics 9B — renamed' });
    room = body.room;

    const flip = assertJson(await owner.patch(`/api/rooms/${room.code}`, { allowGuests: false }), 200);
    assert.equal(flip.room.allowGuests, false);
    assert.equal(flip.room.name, 'Physics 9B — renamed', 'partial PATCH keeps the name');
    const back = assertJson(await owner.patch(`/api/rooms/${room.code}`, { allowGuests: true }), 200);
    assert.equal(back.room.allowGuests, true);
    room = back.room;

    assertError(await other.patch(`/api/rooms/${room.code}`, { name: 'Hijacked' }), 403, 'forbidden');
    assertError(await new Client(ctx.server).patch(`/api/rooms/${room.code}`, { name: 'Anon' }), 401, 'not_signed_in');
    assertError(await owner.patch(`/api/rooms/${room.code}`, { name: 'n'.repeat(101) }), 400, 'invalid_field', { field: 'name' });

    const now = assertJson(await new Client(ctx.server).get(`/api/rooms/${room.code}`), 200);
    assert.equal(now.room.name, 'Physics 9B — renamed', 'rejected PATCHes changed nothing');
  });

  it('history access: guests-allowed room readable anonymously; closed room needs a session', T, async () => {
    const open = assertJson(await new Client(ctx.server).get(`/api/rooms/${room.code}/messages`), 200);
    assert.deepEqual(open, { messages: [], hasMore: false });

    const closed = await owner.createRoom({ name: 'Members only', allowGuests: false });
    assertError(await new Client(ctx.server).get(`/api/rooms/${closed.code}/messages`), 401, 'not_signed_in');
    assert.deepEqual(assertJson(await other.get(`/api/rooms/${closed.code}/messages`), 200), { messages: [], hasMore: false });
  });

  it('messages: invalid limit / before → 400 invalid_field', T, async () => {
    const base = `/api/rooms/${room.code}/messages`;
    assertError(await owner.get(`${base}?limit=0`), 400, 'invalid_field', { field: 'limit' });
    assertError(await owner.get(`${base}?limit=101`), 400, 'invalid_field', { field: 'limit' });
    assertError(await owner.get(`${base}?limit=abc`), 400, 'invalid_field', { field: 'limit' });
    assertError(await owner.get(`${base}?before=xyz`), 400, 'invalid_field', { field: 'before' });
    assertJson(await owner.get(`${base}?limit=100`), 200);
    assertJson(await owner.get(`${base}?limit=1`), 200);
  });

  it('/api/my/rooms: owned (newest first) and recent after a signed-in /ws join', T, async () => {
    assertError(await new Client(ctx.server).get('/api/my/rooms'), 401, 'not_signed_in');

    const mineBefore = assertJson(await owner.get('/api/my/rooms'), 200);
    assert.ok(Array.isArray(mineBefore.owned) && Array.isArray(mineBefore.recent));
    assert.ok(mineBefore.owned.length >= 8, `owned has all created rooms: ${mineBefore.owned.length}`);
    assert.ok(mineBefore.owned.some((r) => r.code === room.code));
    for (const r of mineBefore.owned) {
      assert.equal(r.ownerId, owner.user.id);
      assert.equal(r.isOwner, true);
    }
    const times = mineBefore.owned.map((r) => r.createdAt);
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'owned is newest first');

    const otherBefore = assertJson(await other.get('/api/my/rooms'), 200);
    assert.deepEqual(otherBefore, { owned: [], recent: [] });

    const t0 = Date.now();
    const conn = await other.ws();
    try {
      const welcome = await conn.hello(room.code.toUpperCase(), 'ignored for users');
      assert.equal(welcome.self.userId, other.user.id);
      assert.equal(welcome.self.name, 'Other User');
    } finally {
      conn.close(1000);
      await conn.waitClose().catch(() => {});
      await closeAll(conn);
    }

    // The visit may be recorded asynchronously: poll briefly.
    let recent;
    for (let i = 0; i < 20; i++) {
      recent = assertJson(await other.get('/api/my/rooms'), 200);
      if (recent.recent.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(recent.owned.length, 0);
    assert.equal(recent.recent.length, 1, `recent: ${JSON.stringify(recent)}`);
    const visit = recent.recent[0];
    assert.equal(visit.code, room.code);
    assert.equal(visit.name, room.name);
    assert.equal(visit.isOwner, false);
    assert.equal(typeof visit.lastJoinedAt, 'number');
    assert.ok(visit.lastJoinedAt >= t0 - 2000 && visit.lastJoinedAt <= Date.now() + 2000,
      `lastJoinedAt ${visit.lastJoinedAt} around the join (${t0})`);
  });
});
