// Hostile and malformed input over HTTP and WebSocket. After every test the
// server process must still be alive and answer GET /healthz.
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  describeEachBackend, it, Client, T, uniqueName, assertError, assertJson, openWs, join, closeAll,
  rawRequest, randomClientId,
} from './harness.mjs';

const SQL = "'; DROP TABLE users; --";
const SQL2 = "Robert'); DROP TABLE rooms;--";
const SQL3 = "1' OR '1'='1'; DELETE FROM messages; --";
const XSS = '<img src=x onerror=alert(1)>';
const KNOWN_WS_ERRORS = new Set(['invalid_json', 'invalid_message', 'unknown_type', 'too_large', 'not_joined',
  'already_joined', 'rate_limited', 'message_too_long', 'empty_message', 'room_not_found',
  'guests_not_allowed', 'invalid_name', 'room_full', 'unsupported_version', 'internal']);

// Sends raw bytes on a fresh TCP connection; resolves with whatever comes
// back before the server closes (or `ms` passes).
function rawExchange(port, bytes, ms = 3000) {
  return new Promise((resolve) => {
    const chunks = [];
    const s = net.connect({ host: '127.0.0.1', port });
    const done = (why) => { clearTimeout(timer); s.destroy(); resolve({ why, text: Buffer.concat(chunks).toString('latin1') }); };
    const timer = setTimeout(() => done('timeout'), ms);
    s.on('connect', () => s.write(bytes));
    s.on('data', (d) => chunks.push(d));
    s.on('end', () => done('end'));
    s.on('close', () => done('close'));
    s.on('error', () => done('error'));
  });
}

describeEachBackend('bad input', (ctx) => {
  let owner; let room;

  // Registers a test that also checks the server's health afterwards.
  const bad = (name, fn) => it(name, T, async () => {
    await fn();
    await ctx.server.assertHealthy(`after "${name}"`);
  });

  bad('setup: owner and room', async () => {
    owner = new Client(ctx.server);
    await owner.signup({ username: uniqueName('badowner'), displayName: 'Owner' });
    room = await owner.createRoom({ name: 'Bad input' });
  });

  // ---------------------------------------------------------------- HTTP

  bad('malformed JSON body → 400 invalid_json', async () => {
    const c = new Client(ctx.server);
    const h = { 'Content-Type': 'application/json' };
    assertError(await c.post('/api/auth/signin', '{"username":', { headers: h }), 400, 'invalid_json');
    assertError(await c.post('/api/auth/signup', '{username: "x"}', { headers: h }), 400, 'invalid_json');
    assertError(await c.post('/api/auth/signup', '', { headers: h }), 400, 'invalid_json');
    assertError(await owner.patch('/api/me', '{"displayName":"x",}', { headers: h }), 400, 'invalid_json');
    assertError(await owner.post('/api/rooms', '{"name":"x"} trailing', { headers: h }), 400, 'invalid_json');
  });

  bad('JSON that is not an object → 400 invalid_json', async () => {
    const h = { 'Content-Type': 'application/json' };
    for (const body of ['[]', '"text"', '42', 'null', '[{"username":"a"}]']) {
      assertError(await new Client(ctx.server).post('/api/auth/signin', body, { headers: h }), 400, 'invalid_json');
    }
  });

  bad('body over 64 KiB → 413 too_large', async () => {
    const big = JSON.stringify({ username: 'x'.repeat(70 * 1024), displayName: 'x', password: 'password123' });
    assert.ok(Buffer.byteLength(big) > 64 * 1024);
    const res = await new Client(ctx.server).post('/api/auth/signup', big, { headers: { 'Content-Type': 'application/json' } });
    assertError(res, 413, 'too_large');
    const bigMe = await owner.patch('/api/me', JSON.stringify({ displayName: 'y'.repeat(65 * 1024 + 1) }),
      { headers: { 'Content-Type': 'application/json' } });
    assertError(bigMe, 413, 'too_large');
  });

  bad('wrong or missing content type → 415 unsupported_media_type; charset parameter accepted', async () => {
    const body = JSON.stringify({ username: 'someone', password: 'password123' });
    assertError(await new Client(ctx.server).post('/api/auth/signin', body, { headers: { 'Content-Type': 'text/plain' } }),
      415, 'unsupported_media_type');
    assertError(await new Client(ctx.server).post('/api/auth/signin', body,
      { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type');
    assertError(await new Client(ctx.server).post('/api/auth/signin', Buffer.from(body)), 415, 'unsupported_media_type');
    // A correct JSON body with a charset parameter is fine (reaches the credential check).
    assertError(await new Client(ctx.server).post('/api/auth/signin', body,
      { headers: { 'Content-Type': 'application/json; charset=utf-8' } }), 401, 'bad_credentials');
  });

  bad('invalid UTF-8 in a JSON body → 400 invalid_json', async () => {
    const h = { 'Content-Type': 'application/json' };
    const samples = [
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), // {"a":"\xff"}
      Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('abc","password":"password123"}')]), // overlong
      Buffer.concat([Buffer.from('{"username":"abc","password":"pass'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('word1"}')]), // UTF-8 surrogate
      Buffer.concat([Buffer.from('{"username":"abc","password":"password1'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]), // truncated
    ];
    for (const buf of samples) {
      assertError(await new Client(ctx.server).post('/api/auth/signin', buf, { headers: h }), 400, 'invalid_json');
    }
    const sig = Buffer.concat([Buffer.from('{"username":"utf8bad1","displayName":"A'), Buffer.from([0xff]),
      Buffer.from('","password":"password123"}')]);
    assertError(await new Client(ctx.server).post('/api/auth/signup', sig, { headers: h }), 400, 'invalid_json');
    // Nothing was created.
    assertError(await new Client(ctx.server).post('/api/auth/signin', { username: 'utf8bad1', password: 'password123' }),
      401, 'bad_credentials');
  });

  bad('SQL-looking strings are stored and returned literally', async () => {
    const c = new Client(ctx.server);
    const username = uniqueName('sql');
    const user = await c.signup({ username, displayName: SQL, password: SQL3 });
    assert.equal(user.displayName, SQL);
    assert.equal(assertJson(await c.get('/api/me'), 200).user.displayName, SQL);

    // The password is just bytes too.
    const again = new Client(ctx.server);
    assert.equal(assertJson(await again.post('/api/auth/signin', { username, password: SQL3 }), 200).user.id, user.id);

    // An injection attempt as a sign-in username never signs anyone in.
    const inj = await new Client(ctx.server).post('/api/auth/signin', { username: "admin' OR '1'='1", password: "' OR '1'='1" });
    assert.ok([400, 401].includes(inj.status), `sign-in injection: ${inj.status} ${inj.text}`);
    if (inj.status === 401) assertError(inj, 401, 'bad_credentials');
    else assertError(inj, 400, 'invalid_field', { field: 'username' });
    // …and cannot be registered (characters outside a–z0–9._-).
    assertError(await new Client(ctx.server).post('/api/auth/signup',
      { username: "x'; DROP TABLE users; --", displayName: 'x', password: 'password123' }), 400, 'invalid_field', { field: 'username' });

    const r = await c.createRoom({ name: SQL2 });
    assert.equal(r.name, SQL2);
    assert.equal(assertJson(await c.get(`/api/rooms/${r.code}`), 200).room.name, SQL2);

    const conn = await c.ws();
    try {
      const w = await conn.hello(r.code, 'ignored');
      assert.equal(w.self.name, SQL);
      assert.equal(w.room.name, SQL2);
      for (const text of [SQL, SQL2, SQL3]) {
        const m = await conn.chat(text);
        assert.equal(m.text, text);
        assert.equal(m.authorName, SQL);
      }
      const guest = await join(ctx.server, r.code, SQL2);
      assert.equal(guest.welcome.self.name, SQL2);
      const gm = await guest.chat(SQL);
      assert.equal(gm.authorName, SQL2);
      await closeAll(guest);
    } finally {
      await closeAll(conn);
    }
    const hist = assertJson(await c.get(`/api/rooms/${r.code}/messages`), 200);
    assert.deepEqual(hist.messages.map((m) => m.text), [SQL, SQL2, SQL3, SQL]);
    // The tables are all still there.
    assertJson(await owner.get('/api/me'), 200);
    assertJson(await owner.get(`/api/rooms/${room.code}/messages`), 200);
    const fresh = new Client(ctx.server);
    await fresh.signup({ username: uniqueName('after'), displayName: 'After' });
  });

  bad('control characters in a display name → 400 invalid_field', async () => {
    assertError(await new Client(ctx.server).post('/api/auth/signup',
      { username: uniqueName('nul'), displayName: 'a\u0000b', password: 'password123' }), 400, 'invalid_field', { field: 'displayName' });
    assertError(await owner.patch('/api/me', { displayName: 'line\nbreak' }), 400, 'invalid_field', { field: 'displayName' });
    assertError(await owner.patch('/api/me', { displayName: 7 }), 400, 'invalid_field', { field: 'displayName' });
  });

  bad('HTML in a display name comes back literally', async () => {
    const c = new Client(ctx.server);
    const user = await c.signup({ username: uniqueName('xss'), displayName: XSS });
    assert.equal(user.displayName, XSS);
  });

  bad('request header block over 8 KiB → 431 (or 400), server survives', async () => {
    const res = await rawRequest(ctx.server, 'GET', '/api/me', { headers: { 'X-Filler': 'a'.repeat(16 * 1024) } })
      .catch((err) => ({ status: 0, err }));
    assert.ok([400, 431].includes(res.status) || res.err, `header flood: ${res.status} ${res.err?.message ?? ''}`);
    assert.notEqual(res.status, 200);
  });

  bad('garbage instead of an HTTP request does not crash the server', async () => {
    const r1 = await rawExchange(ctx.server.port, Buffer.from('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n', 'latin1'));
    assert.ok(r1.text === '' || /^HTTP\/1\.[01] 4\d\d/.test(r1.text), `TLS hello on plain port: ${JSON.stringify(r1.text.slice(0, 100))}`);
    const r2 = await rawExchange(ctx.server.port, Buffer.from('GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n'));
    assert.ok(r2.text === '' || /^HTTP\/1\.[01] 4\d\d/.test(r2.text), `negative length: ${JSON.stringify(r2.text.slice(0, 100))}`);
    const r3 = await rawExchange(ctx.server.port, Buffer.from('POST /api/auth/signin HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"a'), 1500);
    assert.ok(!/^HTTP\/1\.[01] 2\d\d/.test(r3.text), `truncated body: ${JSON.stringify(r3.text.slice(0, 100))}`);
  });

  // ----------------------------------------------------------- WebSocket

  bad('WS: bad Origin on upgrade → 403, no upgrade', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${ctx.server.port + 1}`, 'null',
      `https://127.0.0.1:${ctx.server.port}`]) {
      await assert.rejects(openWs(ctx.server, { origin }).then((c) => {
        c.terminate();
        throw new Error(`the upgrade with Origin ${origin} was accepted (101)`);
      }), (err) => {
        assert.equal(err.status, 403, `Origin ${origin}: ${err.message}`);
        return true;
      });
    }
  });

  bad('WS: missing Origin on upgrade → 403', async () => {
    await assert.rejects(openWs(ctx.server, { origin: null }), (err) => {
      assert.equal(err.status, 403, err.message);
      return true;
    });
  });

  bad('WS: non-JSON text → invalid_json; the connection stays open', async () => {
    const c = await openWs(ctx.server);
    try {
      c.sendRaw('this is not json');
      const e = await c.next('error');
      assert.equal(e.code, 'invalid_json');
      assert.equal(typeof e.message, 'string');
      // Still open: hello works afterwards (ping before welcome would be not_joined).
      await c.hello(room.code, 'After Garbage');
      c.sendRaw('}{');
      assert.equal((await c.next('error')).code, 'invalid_json');
      await c.roundTrip();
      c.sendRaw('{"type":"chat",');
      assert.equal((await c.next('error')).code, 'invalid_json');
      await c.roundTrip();
    } finally { await closeAll(c); }
  });

  bad('WS: unknown type → unknown_type; missing type → invalid_message/unknown_type', async () => {
    const c = await openWs(ctx.server);
    try {
      await c.hello(room.code, 'Typer');
      c.send({ type: 'launch-missiles' });
      assert.equal((await c.next('error')).code, 'unknown_type');
      c.send({ text: 'no type' });
      assert.ok(['invalid_message', 'unknown_type'].includes((await c.next('error')).code));
      c.sendRaw('[1,2,3]');
      assert.ok(['invalid_json', 'invalid_message'].includes((await c.next('error')).code));
      await c.roundTrip();
    } finally { await closeAll(c); }
  });

  bad('WS: binary frame → error event; the connection stays open', async () => {
    const c = await openWs(ctx.server);
    try {
      await c.hello(room.code, 'Binary');
      c.sendRaw(Buffer.from(JSON.stringify({ type: 'ping' })), { binary: true });
      const e = await c.next('error');
      assert.ok(KNOWN_WS_ERRORS.has(e.code), `error code ${e.code}`);
      assert.equal(c.pending((x) => x.type === 'pong').length, 0, 'a binary ping is not answered');
      await c.roundTrip();
    } finally { await closeAll(c); }
  });

  bad('WS: frame over 64 KiB → too_large error or close 1009', async () => {
    const c = await openWs(ctx.server);
    try {
      await c.hello(room.code, 'Big');
      c.send({ type: 'chat', clientId: randomClientId(), text: 'a'.repeat(100 * 1024) });
      const r = await c.nextOrClose('error', { timeoutMs: 5000 });
      if (r.event) assert.equal(r.event.code, 'too_large');
      else assert.equal(r.close.code, 1009, `close ${JSON.stringify(r.close)}`);
    } finally { await closeAll(c); }
    // Nothing was stored.
    const hist = assertJson(await owner.get(`/api/rooms/${room.code}/messages`), 200);
    assert.equal(hist.messages.filter((m) => m.text.length > 2000).length, 0);
  });

  bad('WS: chat before hello → not_joined', async () => {
    const c = await openWs(ctx.server);
    try {
      const clientId = randomClientId();
      c.send({ type: 'chat', clientId, text: 'too early' });
      const e = await c.next('error');
      assert.equal(e.code, 'not_joined');
      c.send({ type: 'leave' });
      assert.equal((await c.next('error')).code, 'not_joined');
      // Still usable: hello works afterwards.
      await c.hello(room.code, 'Patient');
    } finally { await closeAll(c); }
  });

  bad('WS: chat too long → message_too_long (2000 code points accepted, 2001 refused); empty → empty_message', async () => {
    const c = await openWs(ctx.server);
    try {
      await c.hello(room.code, 'Writer');
      const okText = '😀'.repeat(2000); // 2000 code points, 4000 UTF-16 units, 8000 bytes
      const m = await c.chat(okText);
      assert.equal(m.text, okText);

      const id1 = randomClientId();
      c.send({ type: 'chat', clientId: id1, text: 'ж'.repeat(2001) });
      const e1 = await c.next('error');
      assert.equal(e1.code, 'message_too_long');
      assert.equal(e1.ref, id1);

      const id2 = randomClientId();
      c.send({ type: 'chat', clientId: id2, text: ' \n\t ' });
      const e2 = await c.next('error');
      assert.equal(e2.code, 'empty_message');
      assert.equal(e2.ref, id2);
      await c.roundTrip();
    } finally { await closeAll(c); }
    const hist = assertJson(await owner.get(`/api/rooms/${room.code}/messages`), 200);
    assert.equal(hist.messages.some((x) => x.text.startsWith('ж')), false, 'refused message not stored');
  });

  bad('WS: chat with missing or oversized clientId → invalid_message', async () => {
    const c = await openWs(ctx.server);
    try {
      await c.hello(room.code, 'Ids');
      c.send({ type: 'chat', text: 'no id' });
      assert.equal((await c.next('error')).code, 'invalid_message');
      c.send({ type: 'chat', clientId: 'x'.repeat(65), text: 'long id' });
      assert.equal((await c.next('error')).code, 'invalid_message');
      c.send({ type: 'chat', clientId: '', text: 'empty id' });
      assert.equal((await c.next('error')).code, 'invalid_message');
      c.send({ type: 'chat', clientId: randomClientId(), text: 42 });
      assert.equal((await c.next('error')).code, 'invalid_message');
      await c.roundTrip();
    } finally { await closeAll(c); }
  });

  bad('WS: invalid UTF-8 in a text frame → close 1007 or an error event', async () => {
    const c = await openWs(ctx.server);
    try {
      await c.hello(room.code, 'Bytes');
      const frame = Buffer.concat([Buffer.from('{"type":"chat","clientId":"u8","text":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
      c.sendRaw(frame, { binary: false });
      const r = await c.nextOrClose('error', { timeoutMs: 5000 });
      if (r.event) assert.ok(KNOWN_WS_ERRORS.has(r.event.code), `error code ${r.event.code}`);
      else assert.equal(r.close.code, 1007, `close ${JSON.stringify(r.close)}`);
    } finally { await closeAll(c); }
    const hist = assertJson(await owner.get(`/api/rooms/${room.code}/messages`), 200);
    assert.equal(hist.messages.some((x) => x.clientId === 'u8'), false);
  });

  bad('WS: more than 20 bad frames in a row → close 1008', async () => {
    const c = await openWs(ctx.server);
    try {
      for (let i = 0; i < 25; i++) c.sendRaw(`garbage ${i}`);
      const close = await c.waitClose({ timeoutMs: 5000 });
      assert.equal(close.code, 1008);
      assert.ok(c.all.filter((e) => e.type === 'error').length >= 20);
    } finally { await closeAll(c); }
  });

  bad('WS: hello for an unknown room → room_not_found, close 4000', async () => {
    const c = await openWs(ctx.server);
    try {
      c.send({ type: 'hello', v: 1, room: 'zzz-zzzz-zzz', name: 'Lost' });
      const e = await c.next('error');
      assert.equal(e.code, 'room_not_found');
      const close = await c.waitClose();
      assert.equal(close.code, 4000);
    } finally { await closeAll(c); }
    const d = await openWs(ctx.server);
    try {
      d.send({ type: 'hello', v: 1, room: '../../etc/passwd', name: 'Lost' });
      assert.equal((await d.next('error')).code, 'room_not_found');
    } finally { await closeAll(d); }
  });

  bad('WS: invalid guest name → invalid_name, close 4000', async () => {
    for (const name of ['', 'n'.repeat(65)]) {
      const c = await openWs(ctx.server);
      try {
        c.send({ type: 'hello', v: 1, room: room.code, name });
        const e = await c.next('error');
        assert.equal(e.code, 'invalid_name', `name ${JSON.stringify(name)}`);
        assert.equal((await c.waitClose()).code, 4000);
      } finally { await closeAll(c); }
    }
  });

  bad('WS: guests_not_allowed once the owner PATCHes allowGuests false; users still join; REST history closed to guests', async () => {
    const r = await owner.createRoom({ name: 'Soon closed' });
    const early = await join(ctx.server, r.code, 'Early Guest');
    assertJson(await owner.patch(`/api/rooms/${r.code}`, { allowGuests: false }), 200);
    const g = await openWs(ctx.server);
    try {
      g.send({ type: 'hello', v: 1, room: r.code, name: 'Late Guest' });
      const e = await g.next('error');
      assert.equal(e.code, 'guests_not_allowed');
      assert.equal((await g.waitClose()).code, 4000);

      const member = new Client(ctx.server);
      await member.signup({ username: uniqueName('member'), displayName: 'Member' });
      const m = await join(ctx.server, r.code, 'ignored', { client: member });
      assert.equal(m.welcome.self.isGuest, false);
      await closeAll(m);

      assertError(await new Client(ctx.server).get(`/api/rooms/${r.code}/messages`), 401, 'not_signed_in');
    } finally { await closeAll(g, early); }
  });

  bad('WS: <img src=x onerror=alert(1)> comes back byte-identical (echo, broadcast, REST, welcome)', async () => {
    const r = await owner.createRoom({ name: XSS });
    assert.equal(r.name, XSS);
    const a = await join(ctx.server, r.code, XSS);
    const b = await join(ctx.server, r.code, 'Reader');
    try {
      assert.equal(a.welcome.self.name, XSS);
      assert.equal(a.welcome.room.name, XSS);
      const clientId = randomClientId();
      a.send({ type: 'chat', clientId, text: XSS });
      const echo = await a.next('chat');
      const seen = await b.next('chat');
      assert.equal(echo.message.text, XSS);
      assert.equal(Buffer.compare(Buffer.from(echo.message.text), Buffer.from(XSS)), 0);
      assert.equal(echo.message.authorName, XSS);
      assert.deepEqual(seen.message, echo.message);
      const hist = assertJson(await new Client(ctx.server).get(`/api/rooms/${r.code}/messages`), 200);
      assert.equal(hist.messages[0].text, XSS);
      assert.equal(hist.messages[0].authorName, XSS);
      const c = await join(ctx.server, r.code, 'Late');
      assert.equal(c.welcome.history.messages[0].text, XSS);
      await closeAll(c);
    } finally { await closeAll(a, b); }
  });
});
