// Accounts: sign-up, sign-in, /api/me, sign-out (docs/API.md).
import assert from 'node:assert/strict';
import {
  describeEachBackend, it, Client, T, uniqueName, assertError, assertJson, parseSetCookie,
} from './harness.mjs';

function sessionCookieOf(res) {
  const lines = res.setCookies.filter((l) => l.startsWith('bailanys_session='));
  assert.equal(lines.length, 1, `one bailanys_session Set-Cookie; got ${JSON.stringify(res.setCookies)}`);
  return parseSetCookie(lines[0]);
}

function assertUser(u, { username, displayName, language } = {}) {
  assert.equal(typeof u, 'object');
  assert.equal(Number.isInteger(u.id), true, `user.id: ${JSON.stringify(u)}`);
  assert.ok(u.id > 0);
  assert.equal(typeof u.createdAt, 'number');
  assert.ok(Math.abs(u.createdAt - Date.now()) < 10 * 60_000, `createdAt in ms near now: ${u.createdAt}`);
  if (username !== undefined) assert.equal(u.username, username);
  if (displayName !== undefined) assert.equal(u.displayName, displayName);
  if (language !== undefined) assert.equal(u.language, language);
  for (const k of Object.keys(u)) {
    assert.doesNotMatch(k, /password|hash|salt/i, `user JSON must not carry ${k}`);
  }
}

describeEachBackend('accounts', (ctx) => {
  it('signup: 201, HttpOnly SameSite=Lax session cookie, user JSON', T, async () => {
    const c = new Client(ctx.server);
    const username = uniqueName('alice');
    const res = await c.post('/api/auth/signup',
      { username, displayName: 'Alice Aidarova', password: 'correct horse battery', language: 'kk' });
    const body = assertJson(res, 201);
    assertUser(body.user, { username, displayName: 'Alice Aidarova', language: 'kk' });
    const cookie = sessionCookieOf(res);
    assert.ok(cookie.value.length >= 16, `session token looks random: ${cookie.raw}`);
    assert.equal(cookie.attrs.httponly, true, `HttpOnly: ${cookie.raw}`);
    assert.equal(String(cookie.attrs.samesite).toLowerCase(), 'lax', `SameSite=Lax: ${cookie.raw}`);
    assert.equal(cookie.attrs.path, '/', `Path=/: ${cookie.raw}`);
    assert.equal(cookie.attrs.secure, undefined, `no Secure without TLS: ${cookie.raw}`);
    assert.doesNotMatch(res.text, /correct horse battery/);

    const me = assertJson(await c.get('/api/me'), 200);
    assert.deepEqual(me.user, body.user);
  });

  it('signup: language defaults to en, username is stored lower-case', T, async () => {
    const c = new Client(ctx.server);
    const base = uniqueName('mixed');
    const res = await c.post('/api/auth/signup',
      { username: base.toUpperCase(), displayName: 'Mixed Case', password: 'password-123' });
    const body = assertJson(res, 201);
    assertUser(body.user, { username: base, displayName: 'Mixed Case', language: 'en' });
  });

  it('signup: duplicate username is 409 username_taken, case-insensitively', T, async () => {
    const username = uniqueName('dup');
    await new Client(ctx.server).signup({ username, displayName: 'First' });
    const again = await new Client(ctx.server).post('/api/auth/signup',
      { username, displayName: 'Second', password: 'another password' });
    assertError(again, 409, 'username_taken');
    assert.equal(again.setCookies.filter((l) => l.startsWith('bailanys_session=')).length, 0);
    const upper = await new Client(ctx.server).post('/api/auth/signup',
      { username: username.toUpperCase(), displayName: 'Third', password: 'another password' });
    assertError(upper, 409, 'username_taken');
  });

  const invalid = [
    ['missing username', { displayName: 'X', password: 'password123' }, 'username'],
    ['username too short', { username: 'ab', displayName: 'X', password: 'password123' }, 'username'],
    ['username too long (33)', { username: 'a'.repeat(33), displayName: 'X', password: 'password123' }, 'username'],
    ['username with a space', { username: 'bad name', displayName: 'X', password: 'password123' }, 'username'],
    ['username with non-ASCII', { username: 'айда', displayName: 'X', password: 'password123' }, 'username'],
    ['username with a quote', { username: "o'neil", displayName: 'X', password: 'password123' }, 'username'],
    ['username not a string', { username: 12345, displayName: 'X', password: 'password123' }, 'username'],
    ['missing displayName', { username: 'validname1', password: 'password123' }, 'displayName'],
    ['blank displayName', { username: 'validname2', displayName: '   ', password: 'password123' }, 'displayName'],
    ['displayName too long (65)', { username: 'validname3', displayName: 'x'.repeat(65), password: 'password123' }, 'displayName'],
    ['displayName with a control character', { username: 'validname4', displayName: 'a\u0007b', password: 'password123' }, 'displayName'],
    ['password too short (7 bytes)', { username: 'validname5', displayName: 'X', password: '1234567' }, 'password'],
    ['password too long (257 bytes)', { username: 'validname6', displayName: 'X', password: 'p'.repeat(257) }, 'password'],
    ['missing password', { username: 'validname7', displayName: 'X' }, 'password'],
    ['unknown language', { username: 'validname8', displayName: 'X', password: 'password123', language: 'de' }, 'language'],
  ];
  for (const [what, body, field] of invalid) {
    it(`signup: ${what} → 400 invalid_field (${field})`, T, async () => {
      const res = await new Client(ctx.server).post('/api/auth/signup', body);
      assertError(res, 400, 'invalid_field', { field });
      assert.equal(res.setCookies.length, 0, 'no cookie on a failed sign-up');
    });
  }

  it('signup: boundaries accepted (username 3 and 32 chars, password 8 and 256 bytes, displayName 64)', T, async () => {
    const u3 = `z${Math.random().toString(36).slice(2, 4)}`.padEnd(3, 'z').slice(0, 3);
    const r1 = await new Client(ctx.server).post('/api/auth/signup',
      { username: u3, displayName: 'd'.repeat(64), password: '12345678' });
    // A 3-letter random name can collide with nothing in this fresh database.
    assertJson(r1, 201);
    const u32 = uniqueName('long').padEnd(32, '_').slice(0, 32);
    const r2 = await new Client(ctx.server).post('/api/auth/signup',
      { username: u32, displayName: 'Long Name', password: 'p'.repeat(256) });
    const b2 = assertJson(r2, 201);
    assert.equal(b2.user.username, u32);
  });

  it('signin: correct password → 200 + cookie; wrong password / unknown user → 401 bad_credentials', T, async () => {
    const username = uniqueName('bob');
    await new Client(ctx.server).signup({ username, displayName: 'Bob', password: 'bob-password-1' });

    const ok = new Client(ctx.server);
    const res = await ok.post('/api/auth/signin', { username, password: 'bob-password-1' });
    const body = assertJson(res, 200);
    assertUser(body.user, { username, displayName: 'Bob' });
    const cookie = sessionCookieOf(res);
    assert.equal(cookie.attrs.httponly, true);
    assert.equal(String(cookie.attrs.samesite).toLowerCase(), 'lax');
    assert.equal(assertJson(await ok.get('/api/me'), 200).user.username, username);

    const upper = new Client(ctx.server);
    assertJson(await upper.post('/api/auth/signin', { username: username.toUpperCase(), password: 'bob-password-1' }), 200);

    const wrong = new Client(ctx.server);
    const bad = await wrong.post('/api/auth/signin', { username, password: 'bob-password-2' });
    assertError(bad, 401, 'bad_credentials');
    assert.equal(bad.setCookies.filter((l) => l.startsWith('bailanys_session=') && !l.startsWith('bailanys_session=;')).length, 0);
    assertError(await wrong.get('/api/me'), 401, 'not_signed_in');

    const unknown = await new Client(ctx.server).post('/api/auth/signin',
      { username: uniqueName('nobody'), password: 'whatever-123' });
    assertError(unknown, 401, 'bad_credentials');
  });

  it('/api/me: 401 not_signed_in without a cookie and with a forged one', T, async () => {
    assertError(await new Client(ctx.server).get('/api/me'), 401, 'not_signed_in');
    const forged = await new Client(ctx.server).get('/api/me',
      { headers: { Cookie: 'bailanys_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    assertError(forged, 401, 'not_signed_in');
    assertError(await new Client(ctx.server).patch('/api/me', { displayName: 'X' }), 401, 'not_signed_in');
  });

  it('PATCH /api/me updates displayName (trimmed) and language', T, async () => {
    const c = new Client(ctx.server);
    const username = uniqueName('carol');
    const user = await c.signup({ username, displayName: 'Carol' });
    const res = await c.patch('/api/me', { displayName: '  Кэрол Ж.  ', language: 'ru' });
    const body = assertJson(res, 200);
    assert.deepEqual(body.user, { ...user, displayName: 'Кэрол Ж.', language: 'ru' });
    const me = assertJson(await c.get('/api/me'), 200);
    assert.deepEqual(me.user, body.user);

    // Partial update keeps the other field.
    const onlyLang = assertJson(await c.patch('/api/me', { language: 'uk' }), 200);
    assert.equal(onlyLang.user.displayName, 'Кэрол Ж.');
    assert.equal(onlyLang.user.language, 'uk');

    assertError(await c.patch('/api/me', { language: 'xx' }), 400, 'invalid_field', { field: 'language' });
    assertError(await c.patch('/api/me', { displayName: '' }), 400, 'invalid_field', { field: 'displayName' });
    assertError(await c.patch('/api/me', { displayName: 'y'.repeat(65) }), 400, 'invalid_field', { field: 'displayName' });
    const after = assertJson(await c.get('/api/me'), 200);
    assert.deepEqual(after.user, onlyLang.user, 'failed PATCHes change nothing');
  });

  it('signout: 204, cookie cleared, the old session no longer works', T, async () => {
    const c = new Client(ctx.server);
    await c.signup({ username: uniqueName('dave'), displayName: 'Dave' });
    const token = c.session;
    assert.ok(token);
    const res = await c.post('/api/auth/signout', undefined);
    assert.equal(res.status, 204, `signout: ${res.status} ${res.text}`);
    assert.equal(res.body.length, 0, '204 has no body');
    const cleared = sessionCookieOf(res);
    assert.ok(cleared.value === '' || Number(cleared.attrs['max-age']) <= 0 ||
      (cleared.attrs.expires && Date.parse(cleared.attrs.expires) < Date.now()),
    `Set-Cookie clears the session: ${cleared.raw}`);
    // Replay the old cookie explicitly: the session must be gone server-side.
    const replay = await new Client(ctx.server).get('/api/me', { headers: { Cookie: `bailanys_session=${token}` } });
    assertError(replay, 401, 'not_signed_in');
  });

  it('a state-changing request from a foreign Origin is 403 bad_origin; own origin is fine', T, async () => {
    const username = uniqueName('orig');
    for (const origin of ['http://evil.example', `http://127.0.0.1:${ctx.server.port + 1}`, 'null',
      `https://127.0.0.1:${ctx.server.port}`]) {
      const res = await new Client(ctx.server).post('/api/auth/signup',
        { username, displayName: 'O', password: 'password123' },
        { headers: { Origin: origin } });
      assert.equal(res.status, 403, `Origin ${origin}: ${res.status} ${res.text}`);
      assertError(res, 403, 'bad_origin');
    }
    const ok = await new Client(ctx.server).post('/api/auth/signup',
      { username, displayName: 'O', password: 'password123' },
      { headers: { Origin: ctx.server.origin } });
    assertJson(ok, 201);
  });
});
