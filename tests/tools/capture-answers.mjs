// Captures Chromium's answers to the server's own subscriber offers (src/sdp/offer.cpp) as
// fixtures for tests/unit/sdp/offer_test.cpp: reads tests/data/sdp/server-offer-<case>.sdp,
// applies each with setRemoteDescription, then createAnswer + setLocalDescription, and writes
// tests/data/sdp/chromium-answer-to-server-offer-<case>.sdp. A rejected offer fails the run:
// Chromium accepting our offers is the point.
//
// Regenerate the offers first, then the answers (as root, in a loopback-only namespace so
// WebRTC never leaves loopback):
//
//   cd /work/main
//   BAILANYS_WRITE_SDP_OFFERS=tests/data/sdp ./build/tests/unit/bailanys_sdp_tests \
//       --gtest_filter='SubscriberOffer.*'
//   unshare --net sh -c 'ip link set lo up; node tests/tools/capture-answers.mjs'
//
// Environment: CHROMIUM_BIN (default /usr/bin/chromium), SDP_OFFER_DIR (where the offers are,
// default tests/data/sdp), SDP_OUT_DIR (default tests/data/sdp).
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { launchChromium } from './chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'package.json'));
const { chromium } = require('playwright-core');

const dataDir = join(here, '..', 'data', 'sdp');
const offerDir = resolve(process.env.SDP_OFFER_DIR ?? dataDir);
const outDir = resolve(process.env.SDP_OUT_DIR ?? dataDir);
const home = mkdtempSync(join(tmpdir(), 'bailanys-capture-answers-'));

// Each case is a list of offers applied in turn on one RTCPeerConnection (a renegotiation
// is the previous offer/answer followed by the new offer); the last answer is kept.
const cases = {
  'audio-video': ['audio-video'],
  'three-participants': ['three-participants'],
  'renegotiation-inactive-video': ['three-participants', 'renegotiation-inactive-video'],
  'renegotiation-reused-slot': [
    'three-participants',
    'renegotiation-inactive-video',
    'renegotiation-reused-slot',
  ],
  'no-tracks': ['no-tracks'],
};

// Runs in the page: the answering side of a subscriber PeerConnection.
async function answerOffers(offers) {
  const pc = new RTCPeerConnection();
  const tracks = [];
  pc.addEventListener('track', (event) => tracks.push(event.track.kind));
  try {
    let answer = '';
    for (const [i, sdp] of offers.entries()) {
      try {
        await pc.setRemoteDescription({ type: 'offer', sdp });
      } catch (error) {
        return { error: `offer ${i + 1}: setRemoteDescription: ${error.message}` };
      }
      await pc.setLocalDescription(await pc.createAnswer());
      answer = pc.localDescription.sdp;
    }
    const directions = pc.getTransceivers().map((t) => `${t.mid}:${t.currentDirection}`);
    return { answer, tracks, directions };
  } finally {
    pc.close();
  }
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const browser = await launchChromium(chromium, home);
  let failed = false;
  try {
    const page = await browser.newPage();
    // A secure origin (http://localhost) served by Playwright itself, as in capture-sdp.mjs.
    await page.route('http://localhost/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html>' }),
    );
    await page.goto('http://localhost/capture-answers');
    await page.setContent('<!doctype html><title>capture-answers</title>');
    for (const [name, offerNames] of Object.entries(cases)) {
      const offers = offerNames.map((offer) =>
        readFileSync(join(offerDir, `server-offer-${offer}.sdp`), 'utf8'),
      );
      const result = await page.evaluate(answerOffers, offers);
      if (result.error) {
        console.error(`${name}: Chromium refused the offer: ${result.error}`);
        failed = true;
        continue;
      }
      const file = `chromium-answer-to-server-offer-${name}.sdp`;
      writeFileSync(join(outDir, file), result.answer);
      console.log(
        `${file}: ${result.answer.split('\r\n').length - 1} lines; ` +
          `track events [${result.tracks.join(' ')}]; transceivers ${result.directions.join(' ')}`,
      );
    }
  } finally {
    await browser.close();
    rmSync(home, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

await main();
