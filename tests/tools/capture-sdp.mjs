// Captures real Chromium SDP offers/answers as fixtures for the SDP unit tests
// (tests/data/sdp/chromium-*.sdp). Drives Debian's Chromium through playwright-core.
//
// Regenerate (as root, inside a loopback-only network namespace so that WebRTC never
// leaves loopback and only 127.0.0.1 / ::1 candidates appear):
//
//   cd /work/main
//   unshare --net sh -c 'ip link set lo up; node tests/tools/capture-sdp.mjs'
//
// Environment: CHROMIUM_BIN (default /usr/bin/chromium), SDP_OUT_DIR (default tests/data/sdp).
// Review the diff afterwards: ice-ufrag/pwd, fingerprints, ssrcs and session ids change on every run,
// and the unit tests read some of those values from the files themselves, not from constants.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { launchChromium } from './chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'package.json'));
const { chromium } = require('playwright-core');

const outDir = resolve(process.env.SDP_OUT_DIR ?? join(here, '..', 'data', 'sdp'));
const home = mkdtempSync(join(tmpdir(), 'bailanys-capture-sdp-'));

// Each scenario runs in the page and returns SDP text.
const scenarios = {
  'chromium-offer-audio-video.sdp': async () => {
    const pc = new RTCPeerConnection();
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    return pc.localDescription.sdp;
  },
  'chromium-offer-simulcast.sdp': async () => {
    const pc = new RTCPeerConnection();
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: { width: 1280, height: 720 },
    });
    pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly', streams: [stream] });
    pc.addTransceiver(stream.getVideoTracks()[0], {
      direction: 'sendonly',
      streams: [stream],
      sendEncodings: [
        { rid: 'q', scaleResolutionDownBy: 4 },
        { rid: 'h', scaleResolutionDownBy: 2 },
        { rid: 'f' },
      ],
    });
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    return pc.localDescription.sdp;
  },
  'chromium-offer-recvonly.sdp': async () => {
    const pc = new RTCPeerConnection();
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    return pc.localDescription.sdp;
  },
  'chromium-offer-datachannel.sdp': async () => {
    const pc = new RTCPeerConnection();
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    pc.createDataChannel('chat');
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    return pc.localDescription.sdp;
  },
  'chromium-answer.sdp': async () => {
    const offerer = new RTCPeerConnection();
    const answerer = new RTCPeerConnection();
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const track of stream.getTracks()) offerer.addTrack(track, stream);
    const mine = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const track of mine.getTracks()) answerer.addTrack(track, mine);
    await offerer.setLocalDescription(await offerer.createOffer());
    await answerer.setRemoteDescription(offerer.localDescription);
    await answerer.setLocalDescription(await answerer.createAnswer());
    return answerer.localDescription.sdp;
  },
  'chromium-offer-with-candidates.sdp': async () => {
    const pc = new RTCPeerConnection();
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    const gathered = new Promise((done) => {
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') done();
      });
    });
    await pc.setLocalDescription(await pc.createOffer());
    await Promise.race([gathered, new Promise((done) => setTimeout(done, 10000))]);
    return pc.localDescription.sdp;
  },
};

async function main() {
  mkdirSync(outDir, { recursive: true });
  const browser = await launchChromium(chromium, home);
  try {
    const page = await browser.newPage();
    // getUserMedia needs a secure context and about:blank is not one: serve an empty page
    // for http://localhost (a secure origin) from Playwright itself, then set the content.
    await page.route('http://localhost/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html>' }),
    );
    await page.goto('http://localhost/capture-sdp');
    await page.setContent('<!doctype html><title>capture-sdp</title>');
    for (const [file, scenario] of Object.entries(scenarios)) {
      const sdp = await page.evaluate(scenario);
      writeFileSync(join(outDir, file), sdp);
      console.log(`${file}: ${sdp.split('\r\n').length - 1} lines`);
    }
  } finally {
    await browser.close();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
