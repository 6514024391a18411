// The echo through a second, independent WebRTC implementation: libwebrtc as packaged by npm
// @roamhq/wrtc (no browser). It sends synthetic video (I420 frames, encoded by libwebrtc as VP8)
// and a tone, over UDP and over ICE-TCP, and must decode the video that comes back. Proves the
// media stack and POST /api/rtc/echo outside our own web client. The client runs as its own
// process (wrtc-echo-client.mjs).
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, it } from './harness.mjs';

const CLIENT = join(dirname(fileURLToPath(import.meta.url)), 'wrtc-echo-client.mjs');

function runClient(origin, transport) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLIENT, origin, transport], { timeout: 45_000 }, (err, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() || '';
      try {
        resolve({ ...JSON.parse(line), exit: err ? (err.code ?? err.signal) : 0 });
      } catch {
        reject(new Error(`the client printed no result (${err?.message ?? 'exit 0'}): ${stdout}\n${stderr}`));
      }
    });
  });
}

describe('echo with a headless libwebrtc client (@roamhq/wrtc)', () => {
  let server;
  before(async () => { server = await Server.launch({ label: 'echo-wrtc' }); });
  after(async () => { await server?.dispose(); });

  for (const transport of ['udp', 'tcp']) {
    it(`over ${transport.toUpperCase()}: the returned video decodes and audio comes back`, { timeout: 60_000 }, async () => {
      const r = await runClient(server.origin, transport);
      assert.equal(r.exit, 0, JSON.stringify(r));
      assert.ok(r.frames >= 30, `decoded returned frames: ${JSON.stringify(r)}`);
      assert.equal(r.width, 320, JSON.stringify(r));
      assert.ok(r.inbound.audio > 1000, `audio came back: ${JSON.stringify(r)}`);
      if (r.protocol !== null) assert.equal(r.protocol, transport, JSON.stringify(r));
    });
  }
});
