// Pages, static assets, API routing and the command line.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  describeEachBackend, it, Client, T, uniqueName, assertError, assertJson, rawRequest, BIN,
} from './harness.mjs';

const FILE_MARKERS = [/cmake_minimum_required/i, /root:[^:]*:0:0:/, /add_subdirectory/, /#pragma once/];

function assertHtml(res, status) {
  assert.equal(res.status, status, `status: ${res.status} ${res.text.slice(0, 200)}`);
  assert.match(String(res.headers['content-type']), /^text\/html\b/i);
  assert.match(res.text, /<html[\s>]/i, 'an HTML document');
}

describeEachBackend('pages', (ctx) => {
  let code;

  it('GET /healthz → 200 {"status":"ok"}', T, async () => {
    const res = await rawRequest(ctx.server, 'GET', '/healthz');
    assert.deepEqual(assertJson(res, 200), { status: 'ok' });
  });

  it('GET / is the web client (HTML 200)', T, async () => {
    assertHtml(await rawRequest(ctx.server, 'GET', '/'), 200);
  });

  it('GET /r/<existing code> → 200 HTML (any case, with or without dashes)', T, async () => {
    const owner = new Client(ctx.server);
    await owner.signup({ username: uniqueName('pages'), displayName: 'Pages' });
    code = (await owner.createRoom({ name: 'Page room' })).code;
    assertHtml(await rawRequest(ctx.server, 'GET', `/r/${code}`), 200);
    assertHtml(await rawRequest(ctx.server, 'GET', `/r/${code.toUpperCase().replaceAll('-', '')}`), 200);
  });

  it('GET /r/<unknown code> → 404 HTML', T, async () => {
    assertHtml(await rawRequest(ctx.server, 'GET', '/r/zzz-zzzz-zzz'), 404);
    assertHtml(await rawRequest(ctx.server, 'GET', '/r/nonsense'), 404);
  });

  it('/assets/js/app.js is served with a JavaScript content type', T, async () => {
    const res = await rawRequest(ctx.server, 'GET', '/assets/js/app.js');
    assert.equal(res.status, 200, `${res.status} ${res.text.slice(0, 200)}`);
    assert.match(String(res.headers['content-type']), /^(text|application)\/javascript\b/i);
    assert.ok(res.body.length > 0);
    assert.doesNotMatch(res.text, /^\s*<!doctype html/i, 'not the HTML shell');
  });

  it('unknown asset → 404, not the HTML shell with 200', T, async () => {
    const res = await rawRequest(ctx.server, 'GET', '/assets/js/does-not-exist.js');
    assert.equal(res.status, 404);
  });

  it('GET /api/nope → 404 not_found JSON; wrong method → 405 method_not_allowed', T, async () => {
    assertError(await rawRequest(ctx.server, 'GET', '/api/nope'), 404, 'not_found');
    assertError(await rawRequest(ctx.server, 'POST', '/api/nope', { body: {} }), 404, 'not_found');
    assertError(await rawRequest(ctx.server, 'GET', '/api/auth/signin'), 405, 'method_not_allowed');
    assertError(await rawRequest(ctx.server, 'DELETE', '/api/me'), 405, 'method_not_allowed');
    assertError(await rawRequest(ctx.server, 'PUT', `/api/rooms/${code}`, { body: {} }), 405, 'method_not_allowed');
  });

  const traversal = [
    '/assets/../CMakeLists.txt',
    '/assets/../../CMakeLists.txt',
    '/assets/%2e%2e/%2e%2e/etc/passwd',
    '/assets/%2e%2e/CMakeLists.txt',
    '/assets/..%2fCMakeLists.txt',
    '/assets/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/assets/..%5c..%5cCMakeLists.txt',
    '/assets/....//....//etc/passwd',
    '/assets//etc/passwd',
    '/assets/%252e%252e/%252e%252e/etc/passwd',
    '/assets/js/../../../src/store/store.hpp',
    '/assets/%00/../CMakeLists.txt',
    '/../../../../etc/passwd',
    '/r/../../etc/passwd',
  ];
  for (const path of traversal) {
    it(`path traversal ${path} → 400/404, never file content`, T, async () => {
      const res = await rawRequest(ctx.server, 'GET', path);
      for (const marker of FILE_MARKERS) assert.doesNotMatch(res.text, marker, `${path} leaked a file`);
      assert.ok([400, 404].includes(res.status), `${path}: expected 400 or 404, got ${res.status} ${res.headers['content-type']}`);
      await ctx.server.assertHealthy();
    });
  }
});

describe('command line', () => {
  it('--help exits 0 and mentions --listen, --data-dir, --db', T, () => {
    assert.ok(existsSync(BIN), `binary at ${BIN}`);
    const r = spawnSync(BIN, ['--help'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(r.status, 0, `exit ${r.status} ${r.signal ?? ''}\n${r.stderr}`);
    const out = r.stdout + r.stderr;
    for (const opt of ['--listen', '--data-dir', '--db']) assert.ok(out.includes(opt), `--help mentions ${opt}:\n${out}`);
  });

  it('serve --help exits 0 and mentions --listen, --data-dir, --db', T, () => {
    const r = spawnSync(BIN, ['serve', '--help'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(r.status, 0, `exit ${r.status}\n${r.stderr}`);
    const out = r.stdout + r.stderr;
    for (const opt of ['--listen', '--data-dir', '--db']) assert.ok(out.includes(opt), `serve --help mentions ${opt}:\n${out}`);
  });

  it('an unknown option exits non-zero without starting', T, () => {
    const r = spawnSync(BIN, ['serve', '--no-such-option'], { encoding: 'utf8', timeout: 10_000 });
    assert.notEqual(r.status, 0, `exit ${r.status}`);
    assert.equal(r.signal, null, 'exited by itself (not killed by the timeout)');
  });
});
