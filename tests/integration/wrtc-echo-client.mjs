// A headless WebRTC client for the echo test, run as its own process by echo-wrtc.test.mjs:
//   node wrtc-echo-client.mjs ORIGIN udp|tcp
// Prints one JSON line with what came back, then exits at once: @roamhq/wrtc may crash while
// tearing down its native threads at a normal exit, which must not be mistaken for a failure.
import wrtc from '@roamhq/wrtc';
import { setTimeout as sleep } from 'node:timers/promises';

const { RTCPeerConnection, nonstandard } = wrtc;
const [origin, transport = 'udp'] = process.argv.slice(2);

async function echoOnce() {
  const pc = new RTCPeerConnection();
  const video = new nonstandard.RTCVideoSource();
  const audio = new nonstandard.RTCAudioSource();
  const videoTrack = video.createTrack();
  const audioTrack = audio.createTrack();
  pc.addTransceiver(videoTrack, { direction: 'sendrecv' });
  pc.addTransceiver(audioTrack, { direction: 'sendrecv' });
  let frames = 0;
  let width = 0;
  const sinks = [];
  pc.ontrack = (e) => {
    if (e.track.kind !== 'video') return;
    const sink = new nonstandard.RTCVideoSink(e.track);
    sink.onframe = ({ frame }) => { frames += 1; width = frame.width; };
    sinks.push(sink);
  };
  const w = 320; const h = 240;
  const data = new Uint8ClampedArray(w * h * 1.5);
  let tick = 0;
  const videoTimer = setInterval(() => {
    data.fill((tick += 7) % 256, 0, w * h); // changing luma so the encoder keeps sending
    data.fill(128, w * h);
    video.onFrame({ width: w, height: h, data });
  }, 33);
  const samples = new Int16Array(480);
  const audioTimer = setInterval(() => {
    for (let i = 0; i < samples.length; i++) samples[i] = Math.round(6000 * Math.sin(i / 8));
    audio.onData({ samples, sampleRate: 48000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 });
  }, 10);
  try {
    await pc.setLocalDescription(await pc.createOffer());
    const res = await fetch(`${origin}/api/rtc/echo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sdp: pc.localDescription.sdp, transport }),
    });
    const body = await res.json();
    if (res.status !== 200) return { error: body, status: res.status };
    await pc.setRemoteDescription({ type: 'answer', sdp: body.sdp });
    const deadline = Date.now() + 15_000;
    while (frames < 30 && Date.now() < deadline) await sleep(100);
    const stats = await pc.getStats();
    const inbound = {};
    let protocol = null;
    const local = new Map();
    let pair = null;
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp') inbound[s.kind ?? s.mediaType] = s.bytesReceived;
      if (s.type === 'local-candidate') local.set(s.id, s);
      if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) pair = s;
    });
    if (pair) protocol = local.get(pair.localCandidateId)?.protocol ?? null;
    return { frames, width, inbound, protocol, state: pc.connectionState };
  } finally {
    clearInterval(videoTimer);
    clearInterval(audioTimer);
    for (const s of sinks) s.stop();
    videoTrack.stop();
    audioTrack.stop();
    pc.close();
  }
}

try {
  process.stdout.write(`${JSON.stringify(await echoOnce())}\n`);
  process.exit(0);
} catch (err) {
  process.stdout.write(`${JSON.stringify({ error: String(err?.stack ?? err) })}\n`);
  process.exit(1);
}
