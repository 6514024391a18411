// /echo: the camera and network check. The browser sends its camera and microphone to the server
// (POST /api/rtc/echo with an SDP offer), the server's media stack (ICE-lite, DTLS-SRTP, RTP/RTCP)
// sends every stream straight back, and the page shows both pictures side by side with a few
// numbers from getStats. `?transport=tcp` asks the server for its ICE-TCP candidate only.
//
// Test hook: window.__echo = { pc, firstFrameMs, marks, transport, sessionId, state, requested }
// (live getters).
import { h, append, clear, icon } from '/assets/js/dom.js';
import { bind, bindText, t, errorText, formatNumber, onLanguageChange } from '/assets/js/i18n.js';
import { ApiError, api } from '/assets/js/api.js';
import { LocalMedia, MicMeter, combinedErrorKind, mediaErrorKey } from '/assets/js/media.js';

const STATS_INTERVAL_MS = 1000;
const CONNECT_TIMEOUT_MS = 20_000; // answer received → connected
const NO_MEDIA_TIMEOUT_MS = 10_000; // connected → still not a single byte back
const REQUEST_TIMEOUT_MS = 20_000; // POST /api/rtc/echo without an answer: treated as no connection

/** The numbers the panel shows, read from one getStats report. */
function readStats(report) {
  const out = { audio: null, video: null, pair: null, localCandidate: null, remoteInboundRtt: null };
  let selectedPairId = null;
  report.forEach((s) => {
    if (s.type === 'inbound-rtp') {
      const kind = s.kind ?? s.mediaType;
      if (kind === 'audio' || kind === 'video') {
        if (!out[kind] || (s.bytesReceived ?? 0) > (out[kind].bytesReceived ?? 0)) out[kind] = s;
      }
    } else if (s.type === 'transport' && s.selectedCandidatePairId) {
      selectedPairId = s.selectedCandidatePairId;
    } else if (s.type === 'remote-inbound-rtp' && typeof s.roundTripTime === 'number') {
      out.remoteInboundRtt = s.roundTripTime;
    }
  });
  let pair = selectedPairId ? report.get(selectedPairId) : null;
  if (!pair) {
    report.forEach((s) => {
      if (!pair && s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s;
    });
  }
  out.pair = pair ?? null;
  out.localCandidate = pair ? report.get(pair.localCandidateId) ?? null : null;
  return out;
}

export function mountEchoView(container, { navigate }) {
  const requested = new URLSearchParams(location.search).get('transport') === 'tcp' ? 'tcp' : 'udp';
  let destroyed = false;
  // Bumped by every start and stop: callbacks of an older attempt see a newer number and give up.
  let generation = 0;
  let t0 = performance.now();
  let media = null;
  let pc = null;
  let sessionId = null;
  let transport = null;
  let firstFrameMs = null;
  // Milliseconds from t0 to each step of the last start: media, answer, connected, firstFrame.
  let marks = {};
  let everConnected = false;
  let connectedAt = 0;
  let statsTimer = 0;
  let connectTimer = 0;
  let listening = false;
  // status: { state: 'starting'|'connecting'|'connected'|'interrupted'|'failed'|'ended', reason, params }
  let status = { state: 'starting' };
  const stats = {
    transport: null, rttMs: null, audioBytes: null, videoBytes: null, framesDecoded: null, fps: null,
    width: null, height: null, firstFrameMs: null,
  };

  // ---- layout ----
  const localVideo = h('video', { class: 'echo-video mirrored', testid: 'echo-local', autoplay: true, playsInline: true, muted: true });
  const localPlaceholder = h('div', { class: 'echo-placeholder' }, h('p', { class: 'echo-placeholder-text' }));
  const remoteVideo = h('video', { class: 'echo-video mirrored', testid: 'echo-remote', autoplay: true, playsInline: true, muted: true });
  const remotePlaceholder = h('div', { class: 'echo-placeholder' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('p', { class: 'echo-placeholder-text' }));
  const tile = (video, placeholder, captionKey) => h('figure', { class: 'echo-tile' },
    h('div', { class: 'echo-frame' }, video, placeholder),
    h('figcaption', { class: 'echo-caption', t: captionKey }));

  const statusText = h('span', { class: 'echo-status-text' });
  const statusReason = h('span', { class: 'echo-status-reason' });
  const statusEl = h('div', { class: 'echo-status', testid: 'echo-status', role: 'status', 'aria-live': 'polite', dataset: { state: 'starting' } },
    h('span', { class: 'status-dot', 'aria-hidden': 'true' }), h('span', { class: 'echo-status-body' }, statusText, statusReason));
  const noteEl = h('p', { class: 'echo-note muted small', testid: 'echo-note', hidden: true });

  const meterBar = h('div', { class: 'mic-meter-bar' });
  const meterEl = h('div', {
    class: 'mic-meter', testid: 'echo-audio-meter', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0,
    tAttrs: { 'aria-label': 'echo.audioLevel', title: 'echo.audioLevel' }, dataset: { level: '0' },
  }, meterBar);
  let lastLevel = -1;
  const meter = new MicMeter((level) => {
    meterBar.style.transform = `scaleX(${level.toFixed(3)})`;
    const pct = Math.round(level * 100);
    if (pct !== lastLevel) {
      lastLevel = pct;
      meterEl.setAttribute('aria-valuenow', String(pct));
      meterEl.dataset.level = (pct / 100).toFixed(2);
    }
  });
  const meterRow = h('div', { class: 'meter-row echo-meter-row' }, icon('mic'),
    h('span', { class: 'small echo-meter-label', t: 'echo.audioLevel', 'aria-hidden': 'true' }), meterEl);

  const errorBox = h('div', { class: 'media-error', testid: 'media-error', role: 'alert', hidden: true });

  const toggleBtn = h('button', { type: 'button', class: 'btn btn-primary', testid: 'echo-toggle' });
  const listenBtn = h('button', {
    type: 'button', class: 'btn btn-secondary', testid: 'echo-listen', 'aria-pressed': 'false', tAttrs: { title: 'echo.listenHint' },
  });
  const tcpBtn = h('button', {
    type: 'button', class: 'btn btn-secondary', t: 'echo.tryTcp', testid: 'echo-try-tcp', hidden: true,
    onclick: () => navigate('/echo?transport=tcp'),
  });
  const backLink = h('a', { href: '/', class: 'btn btn-ghost', t: 'common.backHome', testid: 'echo-back' });
  backLink.addEventListener('click', (e) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate('/');
  });

  const statRow = (key, testid) => {
    const dd = h('dd', { class: 'echo-stat-value', testid, text: '—' });
    return { dd, row: h('div', { class: 'echo-stat' }, h('dt', { t: key }), dd) };
  };
  const rows = {
    transport: statRow('echo.stats.transport', 'echo-stat-transport'),
    rttMs: statRow('echo.stats.rtt', 'echo-stat-rtt'),
    audioBytes: statRow('echo.stats.audioBytes', 'echo-stat-audio-bytes'),
    videoBytes: statRow('echo.stats.videoBytes', 'echo-stat-video-bytes'),
    framesDecoded: statRow('echo.stats.frames', 'echo-stat-frames'),
    fps: statRow('echo.stats.fps', 'echo-stat-fps'),
    resolution: statRow('echo.stats.resolution', 'echo-stat-resolution'),
    firstFrameMs: statRow('echo.stats.firstFrame', 'echo-stat-first-frame'),
  };
  const statsEl = h('section', { class: 'card echo-stats', testid: 'echo-stats', 'aria-labelledby': 'echo-stats-title' },
    h('h2', { class: 'card-title', id: 'echo-stats-title', t: 'echo.stats.title' }),
    h('dl', { class: 'echo-stat-list' }, Object.values(rows).map((r) => r.row)));

  const page = h('section', { class: 'page echo', testid: 'echo', dataset: { transport: requested } },
    h('div', { class: 'echo-head' },
      h('h1', { class: 'echo-title', t: 'echo.title' }),
      h('p', { class: 'muted echo-intro', t: 'echo.intro' })),
    statusEl,
    noteEl,
    h('div', { class: 'echo-videos' },
      tile(localVideo, localPlaceholder, 'echo.you'),
      tile(remoteVideo, remotePlaceholder, 'echo.fromServer')),
    meterRow,
    errorBox,
    h('div', { class: 'button-row echo-actions' }, toggleBtn, listenBtn, tcpBtn, backLink),
    statsEl);
  container.append(page);

  // ---- rendering ----
  function setStatus(state, reason = null, params = {}) {
    status = { state, reason, params };
    statusEl.dataset.state = state;
    if (reason) statusEl.dataset.reason = reason; else delete statusEl.dataset.reason;
    if (state === 'connected' && transport) statusEl.dataset.transport = transport; else delete statusEl.dataset.transport;
    bind(statusText, 'text', (el) => { el.textContent = statusLine(); });
    bind(statusReason, 'text', (el) => { el.textContent = reason ? reasonLine(reason, params) : ''; });
    statusReason.hidden = !reason;
    const running = state === 'starting' || state === 'connecting' || state === 'connected' || state === 'interrupted';
    bindText(toggleBtn, running ? 'echo.stop' : 'echo.startAgain');
    toggleBtn.className = running ? 'btn btn-secondary' : 'btn btn-primary';
    toggleBtn.dataset.action = running ? 'stop' : 'start';
    tcpBtn.hidden = !(state === 'failed' && requested === 'udp' && (reason === 'ice' || reason === 'noMedia'));
    renderNote();
    renderPlaceholders();
  }

  function statusLine() {
    switch (status.state) {
      case 'starting': return t('echo.status.starting');
      case 'connecting': return t('echo.status.connecting');
      case 'connected': return transport ? t('echo.status.connected', { transport: transport.toUpperCase() }) : t('echo.status.connectedPlain');
      case 'interrupted': return t('echo.status.interrupted');
      case 'failed': return t('echo.status.failed');
      default: return t('echo.status.ended');
    }
  }

  function reasonLine(reason, params) {
    switch (reason) {
      case 'devices': case 'unsupported': case 'ice': case 'dtls': case 'noMedia': case 'offer': case 'answer':
      case 'invalid_sdp': case 'media_unavailable': case 'too_many_sessions': case 'not_found':
        return t(`echo.error.${reason}`);
      case 'rate_limited': return t('error.rate_limited', { count: params.retryAfter ?? 60 });
      default: return errorText(reason, params);
    }
  }

  function renderNote() {
    let key = null;
    const running = status.state !== 'failed' && status.state !== 'ended';
    if (status.state === 'connected' && transport === 'tcp' && requested === 'udp') key = 'echo.tcpNote';
    else if (running && media && media.stream.getTracks().length > 0) {
      if (!media.videoTrack) key = 'echo.audioOnly';
      else if (!media.audioTrack) key = 'echo.videoOnly';
    }
    noteEl.hidden = !key;
    if (key) bindText(noteEl, key); else noteEl.textContent = '';
  }

  function renderPlaceholders() {
    const camOn = Boolean(media?.videoTrack);
    localVideo.hidden = !camOn;
    localPlaceholder.hidden = camOn;
    const localText = localPlaceholder.querySelector('.echo-placeholder-text');
    if (!camOn) {
      bindText(localText, status.state === 'starting' ? 'prejoin.starting' : media?.errors?.video ? 'prejoin.noCamera' : 'prejoin.cameraOff');
    }
    const remoteShown = firstFrameMs !== null && status.state !== 'ended' && status.state !== 'failed' && Boolean(media?.videoTrack);
    remotePlaceholder.hidden = remoteShown;
    const remoteText = remotePlaceholder.querySelector('.echo-placeholder-text');
    const waiting = status.state === 'starting' || status.state === 'connecting' || status.state === 'connected' || status.state === 'interrupted';
    remotePlaceholder.querySelector('.spinner').hidden = !(waiting && media?.videoTrack);
    if (waiting && media && !media.videoTrack && status.state !== 'starting') bindText(remoteText, 'echo.noVideo');
    else if (waiting) bindText(remoteText, 'echo.waiting');
    else if (status.state === 'failed') bindText(remoteText, 'echo.status.failed');
    else bind(remoteText, 'text', (el) => { el.textContent = ''; });
  }

  function renderListen() {
    remoteVideo.muted = !listening;
    listenBtn.setAttribute('aria-pressed', String(listening));
    listenBtn.dataset.state = listening ? 'on' : 'off';
    listenBtn.replaceChildren(icon(listening ? 'mic' : 'micOff'), bindText(h('span'), listening ? 'echo.listenOff' : 'echo.listenOn'));
  }
  listenBtn.addEventListener('click', () => {
    listening = !listening;
    renderListen();
    if (listening) remoteVideo.play?.().catch(() => {});
  });

  function renderErrors() {
    const errors = {};
    if (media?.errors.video) errors.video = media.errors.video;
    if (media?.errors.audio) errors.audio = media.errors.audio;
    const kind = combinedErrorKind(errors);
    clear(errorBox);
    if (!kind) { errorBox.hidden = true; delete errorBox.dataset.errorKind; return; }
    errorBox.hidden = false;
    errorBox.dataset.errorKind = kind;
    // The pre-join screen's explanations, except "not found": there it suggests joining
    // without the device, here the check simply goes on with what there is.
    const explain = (k, device) => (k === 'notfound' ? `echo.error.notfound.${device}` : mediaErrorKey(k, device));
    const lines = [];
    if (kind === 'insecure') lines.push('media.error.insecure');
    else if (errors.video && errors.video === errors.audio) lines.push(explain(errors.video, 'both'));
    else {
      if (errors.video) lines.push(explain(errors.video, 'camera'));
      if (errors.audio) lines.push(explain(errors.audio, 'mic'));
    }
    append(errorBox, [
      h('div', { class: 'media-error-head' }, icon('alert'), h('strong', { t: `media.errorTitle.${kind}` })),
      lines.map((key) => h('p', { t: key })),
      kind !== 'insecure' ? h('div', { class: 'button-row' },
        h('button', { type: 'button', class: 'btn btn-secondary btn-sm', t: 'media.tryAgain', testid: 'echo-retry-media', onclick: () => start() })) : null,
    ]);
  }

  function formatBytes(n) {
    if (n < 1024 * 1024) return t('echo.unit.kb', { value: Math.round(n / 1024) });
    return t('echo.unit.mb', { value: Math.round(n / (1024 * 1024) * 10) / 10 });
  }

  function renderStats() {
    const show = (key, value, text) => {
      const { dd } = rows[key];
      if (value === null || value === undefined) { dd.textContent = '—'; delete dd.dataset.value; return; }
      dd.textContent = text;
      dd.dataset.value = String(value);
    };
    show('transport', stats.transport, stats.transport?.toUpperCase());
    show('rttMs', stats.rttMs, stats.rttMs === null ? '' : t('echo.unit.ms', { value: stats.rttMs }));
    show('audioBytes', stats.audioBytes, stats.audioBytes === null ? '' : formatBytes(stats.audioBytes));
    show('videoBytes', stats.videoBytes, stats.videoBytes === null ? '' : formatBytes(stats.videoBytes));
    show('framesDecoded', stats.framesDecoded, stats.framesDecoded === null ? '' : formatNumber(stats.framesDecoded));
    show('fps', stats.fps, stats.fps === null ? '' : formatNumber(stats.fps));
    const res = stats.width && stats.height ? `${stats.width}x${stats.height}` : null;
    show('resolution', res, res ? `${stats.width} × ${stats.height}` : '');
    show('firstFrameMs', stats.firstFrameMs, stats.firstFrameMs === null ? '' : t('echo.unit.ms', { value: stats.firstFrameMs }));
  }
  const offLanguage = onLanguageChange(() => { if (!destroyed) renderStats(); });

  function resetStats() {
    for (const key of Object.keys(stats)) stats[key] = null;
    renderStats();
  }

  // ---- the check ----
  const mark = () => Math.round(performance.now() - t0);

  function noteFirstFrame(gen) {
    if (gen !== generation || firstFrameMs !== null) return;
    firstFrameMs = Math.round(performance.now() - t0);
    marks.firstFrame = firstFrameMs;
    stats.firstFrameMs = firstFrameMs;
    renderStats();
    renderPlaceholders();
  }

  function watchFirstFrame(gen) {
    if (typeof remoteVideo.requestVideoFrameCallback === 'function') {
      remoteVideo.requestVideoFrameCallback(() => noteFirstFrame(gen));
    }
    // Otherwise the stats loop notices framesDecoded > 0.
  }

  async function sampleStats(gen) {
    if (!pc || gen !== generation) return;
    let s;
    try {
      s = readStats(await pc.getStats());
    } catch {
      return;
    }
    if (gen !== generation || destroyed) return;
    applyStats(s, gen);
    // Connected, yet nothing at all came back: the server's echo is not working.
    if (status.state === 'connected' && connectedAt && performance.now() - connectedAt > NO_MEDIA_TIMEOUT_MS &&
        (stats.audioBytes ?? 0) + (stats.videoBytes ?? 0) === 0) {
      fail('noMedia');
    }
  }

  function applyStats(s, gen) {
    const protocol = s.localCandidate?.protocol ?? null;
    if (protocol && protocol !== transport) {
      transport = protocol;
      if (status.state === 'connected') setStatus('connected');
    }
    stats.transport = transport;
    const rtt = s.pair?.currentRoundTripTime ?? s.remoteInboundRtt;
    stats.rttMs = typeof rtt === 'number' ? Math.round(rtt * 1000) : null;
    stats.audioBytes = s.audio ? s.audio.bytesReceived ?? 0 : null;
    stats.videoBytes = s.video ? s.video.bytesReceived ?? 0 : null;
    stats.framesDecoded = s.video ? s.video.framesDecoded ?? 0 : null;
    stats.fps = s.video && typeof s.video.framesPerSecond === 'number' ? Math.round(s.video.framesPerSecond) : null;
    stats.width = s.video?.frameWidth ?? null;
    stats.height = s.video?.frameHeight ?? null;
    if (firstFrameMs === null && (s.video?.framesDecoded ?? 0) > 0) noteFirstFrame(gen);
    renderStats();
  }

  async function findTransport(gen) {
    try {
      const s = readStats(await pc.getStats());
      if (gen === generation && s.localCandidate?.protocol) transport = s.localCandidate.protocol;
    } catch { /* the stats loop tries again */ }
  }

  function onConnectionState(gen) {
    if (gen !== generation || !pc) return;
    switch (pc.connectionState) {
      case 'connected':
        clearTimeout(connectTimer);
        everConnected = true;
        if (!connectedAt) { connectedAt = performance.now(); marks.connected = mark(); }
        findTransport(gen).then(() => {
          if (gen !== generation || pc?.connectionState !== 'connected') return;
          stats.transport = transport;
          renderStats();
          setStatus('connected');
        });
        break;
      case 'disconnected':
        if (everConnected) setStatus('interrupted');
        break;
      case 'failed':
        fail(everConnected || pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed' ? 'dtls' : 'ice');
        break;
      default:
        break;
    }
  }

  async function start() {
    teardown();
    const gen = ++generation;
    t0 = performance.now();
    firstFrameMs = null;
    marks = {};
    transport = null;
    sessionId = null;
    everConnected = false;
    connectedAt = 0;
    resetStats();
    setStatus('starting');

    const thisMedia = new LocalMedia();
    media = thisMedia;
    thisMedia.addEventListener('change', () => { if (!destroyed && media === thisMedia) renderLocal(); });
    await media.start({ audio: true, video: true });
    if (gen !== generation || destroyed) return;
    marks.media = mark();
    renderLocal();
    const audioTrack = media.audioTrack;
    const videoTrack = media.videoTrack;
    if (!audioTrack && !videoTrack) { fail('devices'); return; }
    if (typeof RTCPeerConnection !== 'function') { fail('unsupported'); return; }

    setStatus('connecting');
    pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    const thisPc = pc;
    const remoteStream = new MediaStream();
    const showRemote = () => {
      remoteVideo.srcObject = new MediaStream(remoteStream.getTracks());
      remoteVideo.play?.().catch(() => {});
      meter.attach(remoteStream.getAudioTracks()[0] ?? null);
      watchFirstFrame(gen);
    };
    let remoteShown = false;
    thisPc.addEventListener('track', (e) => {
      if (gen !== generation) return;
      remoteStream.addTrack(e.track);
      // The tracks arrive during setRemoteDescription; a late one (not expected) is added here.
      if (remoteShown) showRemote();
    });
    thisPc.addEventListener('connectionstatechange', () => onConnectionState(gen));
    // Audio first, then video: one sendrecv transceiver per kind the machine has.
    for (const track of [audioTrack, videoTrack]) {
      if (track) thisPc.addTransceiver(track, { direction: 'sendrecv', streams: [media.stream] });
    }
    let answer;
    try {
      const offer = await thisPc.createOffer();
      await thisPc.setLocalDescription(offer);
      // ICE-lite server: its answer holds its candidates, ours are learnt from our checks, so
      // the offer goes out at once, without waiting for candidate gathering.
      answer = await api.echo(thisPc.localDescription.sdp, requested, { timeoutMs: REQUEST_TIMEOUT_MS });
      if (gen !== generation || destroyed) return;
      sessionId = answer.sessionId ?? null;
      marks.answer = mark();
    } catch (err) {
      if (gen !== generation || destroyed) return;
      if (err instanceof ApiError) fail(err.code, { retryAfter: err.retryAfter, count: err.retryAfter ?? 60 });
      else fail('offer');
      return;
    }
    try {
      await thisPc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    } catch {
      if (gen === generation && !destroyed) fail('answer');
      return;
    }
    if (gen !== generation || destroyed) return;
    remoteShown = true;
    showRemote();
    connectTimer = setTimeout(() => {
      if (gen === generation && pc && pc.connectionState !== 'connected' && !everConnected) fail('ice');
    }, CONNECT_TIMEOUT_MS);
    statsTimer = setInterval(() => sampleStats(gen), STATS_INTERVAL_MS);
    onConnectionState(gen);
  }

  function renderLocal() {
    const stream = media?.stream;
    if (stream && media.videoTrack) {
      if (localVideo.srcObject !== stream) localVideo.srcObject = stream;
      localVideo.play?.().catch(() => {});
    }
    renderPlaceholders();
    renderNote();
    renderErrors();
  }

  /** Closes the connection (DTLS close_notify tells the server the session is over). */
  function closePc() {
    clearInterval(statsTimer);
    clearTimeout(connectTimer);
    statsTimer = 0;
    connectTimer = 0;
    if (pc && pc.signalingState !== 'closed') {
      try { pc.close(); } catch { /* ignore */ }
    }
  }

  /** Ends the session: the connection, the meter and the returned picture. */
  function closeSession() {
    closePc();
    meter.detach();
    meterBar.style.transform = 'scaleX(0)';
    meterEl.setAttribute('aria-valuenow', '0');
    meterEl.dataset.level = '0';
    lastLevel = -1;
    remoteVideo.srcObject = null;
  }

  /** The session, and the camera and microphone too (their light goes out). */
  function teardown() {
    closeSession();
    media?.stop();
    media = null;
    localVideo.srcObject = null;
  }

  function fail(reason, params = {}) {
    generation += 1;
    // The last numbers stay on screen. So does the camera preview: it shows what still works
    // (the camera) next to what did not (the network); Stop or leaving the page releases it.
    closeSession();
    setStatus('failed', reason, params);
    renderErrors();
  }

  async function stop() {
    const gen = ++generation;
    // One last sample, so the panel keeps the final numbers; then the connection closes and the
    // camera and microphone go off.
    let last = null;
    if (pc && pc.signalingState !== 'closed') {
      try { last = readStats(await pc.getStats()); } catch { last = null; }
    }
    if (gen !== generation || destroyed) return;
    if (last) applyStats(last, gen);
    teardown();
    setStatus('ended');
    renderErrors();
  }

  toggleBtn.addEventListener('click', () => {
    if (toggleBtn.dataset.action === 'stop') stop(); else start();
  });

  // Leaving the page ends the session at once (close_notify) instead of after the consent timeout.
  const onPageHide = () => closePc();
  // Back from the back/forward cache with a closed connection: run the check again.
  const onPageShow = (e) => {
    if (e.persisted && !destroyed && status.state !== 'ended' && status.state !== 'failed') start();
  };
  window.addEventListener('pagehide', onPageHide);
  window.addEventListener('pageshow', onPageShow);

  Object.defineProperty(window, '__echo', {
    configurable: true,
    enumerable: false,
    value: Object.freeze({
      get pc() { return pc; },
      get firstFrameMs() { return firstFrameMs; },
      get marks() { return { ...marks }; },
      get transport() { return transport; },
      get sessionId() { return sessionId; },
      get state() { return status.state; },
      get requested() { return requested; },
    }),
  });

  renderListen();
  renderStats();
  start();

  return {
    name: 'echo',
    destroy() {
      destroyed = true;
      generation += 1;
      teardown();
      meter.close();
      offLanguage();
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
      delete window.__echo;
    },
  };
}
