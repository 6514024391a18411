// The media plane of a room (docs/PROTOCOL.md, "Media (version 2)"): two RTCPeerConnections
// with the server's SFU.
//
// - receive: the server offers (media.subscribeOffer), the browser answers. Offers are applied
//   strictly in order; each m-section's mid maps to {participantId, source, kind} of the latest
//   offer. An m-section the offer leaves out of `tracks` (inactive) carries nothing.
// - publish: the browser offers its microphone, camera and screen share (sendonly), the server
//   answers (media.publishAnswer). A muted microphone or a camera turned off is sent as no track
//   (replaceTrack(null)); a source without a transceiver yet is added and renegotiated.
//
// Adaptive quality (view, prefs, cap, quality and receiving reports) is in room-adaptive.js,
// mixed into RoomMedia.
//
// Signaling goes over the room's SignalingClient. The view listens to these events:
//   'remote'  the remote tracks or their mute state changed (read remoteTracks(id))
//   'speaker' the active speaker changed (read `speaker`)
//   'screen'  the local screen share started or stopped (read `screenTrack`)
//   'status'  {state: null|'reconnecting'|'failed'|'full'|'unavailable'|'unsupported'}
//   'notice'  {key}: a one-off problem worth a toast (translation key)
//   'autoplay-blocked'  the browser refused to play the others' sound until the user acts
//   'cap'        the room's video quality cap changed {quality, by, initial} (read `cap`)
//   'quality'    a media.quality report arrived, or the last one went stale (read `quality`)
//   'receiving'  a media.receiving report arrived (read receivingOf(id, source))
//
// Adaptive quality (docs/PROTOCOL.md, "Media"): the camera is published with three simulcast
// encodings (rids q/h/f) when the browser can; the view tells the server how tall each tile is
// on screen (media.view, debounced, only when it changed, at most ~3 per second), media.prefs
// carries "audio only" and the pinned participants, media.cap the owner's quality cap.
//
// Test hook: window.__media = { publish, receive, tracks, marks, receiving, quality, cap, prefs,
// view, sent } (live getters).
import { h } from '/assets/js/dom.js';
import { adaptiveMethods, CAP_LEVELS } from '/assets/js/room-adaptive.js';

const PC_CONFIG = { iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
const SOURCES = ['mic', 'camera', 'screen'];
const KIND_OF = { mic: 'audio', camera: 'video', screen: 'video' };
const PUBLISH_ANSWER_TIMEOUT_MS = 15_000;
// Consecutive failures of the media connection: wait this long before each new attempt, then give up.
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000];
// The camera's simulcast encodings: a quarter, half and full resolution (of up to 1280×720).
const CAMERA_ENCODINGS = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

export function mediaPlaneSupported() {
  return typeof window.RTCPeerConnection === 'function';
}

export function screenShareSupported() {
  return Boolean(navigator.mediaDevices && typeof navigator.mediaDevices.getDisplayMedia === 'function');
}

class MediaError extends Error {
  constructor(code, message = code) {
    super(message);
    this.code = code;
  }
}

export class RoomMedia extends EventTarget {
  /** client: SignalingClient; local: LocalMedia (owned by the caller). */
  constructor({ client, local, audioOnly = false }) {
    super();
    this.client = client;
    this.local = local;
    this.version = 1; // protocol version of the current connection (welcome.v)
    this.selfId = null;
    this.pub = null;
    this.sub = null;
    this.gen = 0; // bumped whenever the connections are torn down: late callbacks give up
    this.offerQueue = Promise.resolve();
    this.answeredVersion = 0;
    this.tracks = {}; // mid -> {participantId, source, kind} of the latest offer
    this.remote = new Map(); // participant id -> {mic, camera, screen} (MediaStreamTrack or null)
    this.transceivers = {}; // source -> RTCRtpTransceiver of the publish connection
    this.screenTrack = null;
    this.screenStream = null;
    this.speaker = null;
    this.negotiating = false;
    this.renegotiate = false;
    this.pendingAnswer = null; // {resolve, reject, timer} while a media.publish waits for its answer
    this.lastPublish = null; // the media.publish frame not answered yet (re-sent after a resume)
    this.sentState = null; // JSON of the last media.state sent
    this.failures = 0;
    this.retryTimer = 0;
    this.status = null;
    this.destroyed = false;
    this.watched = new WeakSet();
    this.audioEls = new Map(); // participant id -> <audio>
    this.audioHost = h('div', { class: 'remote-audio', hidden: true, 'aria-hidden': 'true' });
    // Milliseconds (performance.now()) of the steps of the current attempt, for tests and diagnosis.
    this.marks = {};
    // Adaptive quality.
    this.simulcast = false; // the camera transceiver has the three encodings
    this.adaptive = null; // does the server know media.view/prefs/cap? null: not known yet
    this.lastAdaptiveSendAt = -Infinity;
    this.cap = null; // 'low' | 'medium' | 'high' | null (no cap announced)
    this.capBy = null;
    this.quality = new Map(); // participant id -> {level, lossPct, rttMs, downlinkKbps}
    this.qualityTimer = 0;
    this.receiving = []; // the tracks of the latest media.receiving
    this.receivingBy = new Map(); // `${participantId}/${source}` -> entry of `receiving`
    this.prefs = { audioOnly: Boolean(audioOnly), pinned: [] };
    this.view = []; // [{participantId, source, height}] as the page shows it now
    this.sentView = null; // JSON of the tiles of the last media.view sent
    this.lastViewAt = -Infinity;
    this.viewTimer = 0;
    this.pendingCap = null;
    this.sent = []; // the last adaptive frames sent, with their time (tests, diagnosis)
    this.claimedErrors = new WeakSet();

    this.listeners = [
      [client, 'welcome', (e) => this.onWelcome(e.detail)],
      [client, 'media.subscribeOffer', (e) => this.onSubscribeOffer(e.detail)],
      [client, 'media.publishAnswer', (e) => this.onPublishAnswer(e.detail)],
      [client, 'media.speaker', (e) => this.onSpeaker(e.detail)],
      [client, 'media.cap', (e) => this.onCap(e.detail)],
      [client, 'media.quality', (e) => this.onQuality(e.detail)],
      [client, 'media.receiving', (e) => this.onReceiving(e.detail)],
      [client, 'server-error', (e) => this.onServerError(e.detail)],
      [client, 'participant-left', (e) => this.onParticipantLeft(e.detail.participantId)],
      [local, 'change', () => this.syncSenders()],
    ];
    for (const [target, type, fn] of this.listeners) target.addEventListener(type, fn);
    this.installHook();
  }

  /** Media flows only with a version-2 server and a browser that has WebRTC. */
  get enabled() {
    return this.version >= 2 && mediaPlaneSupported() && !this.destroyed;
  }

  /** The receive connection (null before media.join, after a failure, or without media). */
  get receive() {
    return this.sub;
  }

  /** {mic, camera, screen} tracks of a remote participant (null where there is none). */
  remoteTracks(participantId) {
    return this.remote.get(participantId) ?? { mic: null, camera: null, screen: null };
  }

  // ---- signaling ----

  onWelcome(w) {
    if (this.destroyed) return;
    this.version = Number(w.v) || 1;
    const sameSelf = Boolean(w.resumed && this.selfId && this.selfId === w.self?.id);
    this.selfId = w.self?.id ?? null;
    // A server that knows adaptive quality says so with the room's cap in every welcome.
    if (Object.hasOwn(w, 'mediaCap')) {
      this.adaptive = true;
      this.setCap(w.mediaCap, null, true);
    }
    if (this.version < 2) {
      this.teardown();
      this.setStatus(null);
      return;
    }
    if (!mediaPlaneSupported()) {
      this.setStatus('unsupported');
      return;
    }
    // The room had no media place for us: chat goes on; a new participant (or "try again") asks again.
    if (this.status === 'full' && sameSelf) return;
    if (sameSelf && this.live()) {
      this.resync();
      return;
    }
    clearTimeout(this.retryTimer);
    this.start();
  }

  /** Both connections exist, the server has offered, and neither has failed. */
  live() {
    const ok = (pc) => pc && pc.connectionState !== 'failed' && pc.connectionState !== 'closed';
    return ok(this.sub) && this.answeredVersion > 0 && (!this.pub || ok(this.pub));
  }

  /** After a resume: re-send what the server may not have seen. */
  resync() {
    if (this.lastPublish && this.pub?.signalingState === 'have-local-offer') this.client.send(this.lastPublish);
    this.sendState(true);
    this.sendAdaptiveState();
  }

  /** (Re)starts this participant's media from scratch: new connections, media.join, publish. */
  start() {
    this.teardown();
    if (!this.enabled) return;
    const gen = this.gen;
    this.marks = { start: performance.now() };
    this.sub = this.makePc('receive');
    this.sub.addEventListener('track', (e) => this.watch(e.track));
    if (!this.client.send({ type: 'media.join' })) return; // the next welcome starts again
    this.marks.join = performance.now();
    this.sendAdaptiveState();
    if (gen === this.gen) this.syncSenders();
    this.emit('remote');
  }

  makePc(role) {
    const pc = new RTCPeerConnection(PC_CONFIG);
    pc.addEventListener('connectionstatechange', () => this.onPcState(pc, role));
    return pc;
  }

  onPcState(pc, role) {
    if (pc !== this.sub && pc !== this.pub) return;
    const state = pc.connectionState;
    if (state === 'connected') {
      this.marks[`${role}Connected`] ??= performance.now();
      if (pc === this.sub) {
        this.failures = 0;
        if (this.status === 'reconnecting' || this.status === 'unavailable' || this.status === 'failed') this.setStatus(null);
      }
    } else if (state === 'failed') {
      this.scheduleRestart('failed');
    }
  }

  onSubscribeOffer(frame) {
    if (!this.enabled || !this.sub) return;
    const gen = this.gen;
    this.offerQueue = this.offerQueue
      .then(() => this.applyOffer(frame, gen))
      .catch((err) => {
        if (gen !== this.gen || this.destroyed) return;
        this.emit('notice', { key: 'media.notice.answer' });
        this.scheduleRestart('failed', err);
      });
  }

  async applyOffer(frame, gen) {
    const pc = this.sub;
    if (gen !== this.gen || !pc || typeof frame.sdp !== 'string') return;
    const version = Number(frame.version);
    // The same offer again (our answer was lost with a dropped socket): answer it again.
    if (version === this.answeredVersion && pc.localDescription && pc.signalingState === 'stable') {
      this.client.send({ type: 'media.subscribeAnswer', sdp: pc.localDescription.sdp, version });
      return;
    }
    this.marks.offer ??= performance.now();
    await pc.setRemoteDescription({ type: 'offer', sdp: frame.sdp });
    if (gen !== this.gen) return;
    const answer = await pc.createAnswer();
    if (gen !== this.gen) return;
    await pc.setLocalDescription(answer);
    if (gen !== this.gen) return;
    this.answeredVersion = version;
    this.client.send({ type: 'media.subscribeAnswer', sdp: pc.localDescription.sdp, version });
    const tracks = {};
    for (const t of Array.isArray(frame.tracks) ? frame.tracks : []) {
      if (t && typeof t.mid === 'string' && typeof t.participantId === 'string' && SOURCES.includes(t.source)) {
        tracks[t.mid] = { participantId: t.participantId, source: t.source, kind: t.kind === 'audio' ? 'audio' : 'video' };
      }
    }
    this.tracks = tracks;
    this.mapTracks();
  }

  /** Rebuilds participant → tracks from the transceivers and the latest offer's `tracks`. */
  mapTracks() {
    const next = new Map();
    for (const tr of this.sub?.getTransceivers() ?? []) {
      const info = tr.mid != null ? this.tracks[tr.mid] : null;
      if (!info || tr.stopped || tr.currentDirection === 'inactive') continue;
      const track = tr.receiver.track;
      if (!track || track.kind !== KIND_OF[info.source]) continue;
      this.watch(track);
      const entry = next.get(info.participantId) ?? { mic: null, camera: null, screen: null };
      entry[info.source] = track;
      next.set(info.participantId, entry);
    }
    this.remote = next;
    this.renderAudio();
    this.emit('remote');
  }

  watch(track) {
    if (!track || this.watched.has(track)) return;
    this.watched.add(track);
    const changed = () => { if (!this.destroyed) this.emit('remote'); };
    track.addEventListener('mute', changed);
    track.addEventListener('unmute', changed);
    track.addEventListener('ended', changed);
  }

  /** Someone left: their sound stops now, before the server's next offer retires their tracks. */
  onParticipantLeft(id) {
    if (!this.remote.has(id)) return;
    this.remote.delete(id);
    this.renderAudio();
    this.emit('remote');
  }

  onSpeaker(frame) {
    const id = typeof frame.participantId === 'string' ? frame.participantId : null;
    if (id === this.speaker) return;
    this.speaker = id;
    this.emit('speaker');
  }

  onPublishAnswer(frame) {
    const p = this.pendingAnswer;
    if (!p) return;
    this.pendingAnswer = null;
    clearTimeout(p.timer);
    if (typeof frame.sdp === 'string') p.resolve(frame.sdp);
    else p.reject(new MediaError('invalid_message'));
  }

  onServerError(frame) {
    const ref = typeof frame.ref === 'string' ? frame.ref : '';
    const code = frame.code;
    // A server without adaptive quality answers media.view/prefs/cap with a bare unknown_type:
    // note it (the owner's cap control is hidden), and do not bother the user with it.
    if (code === 'unknown_type' && !ref && this.adaptive !== true && performance.now() - this.lastAdaptiveSendAt < 3000) {
      this.adaptive = false;
      this.claimedErrors.add(frame);
      return;
    }
    if (!ref.startsWith('media.') && !String(code).startsWith('media_')) return;
    if (ref === 'media.view' || ref === 'media.prefs' || ref === 'media.cap') {
      if (code === 'rate_limited') this.resendLater(ref, frame.retryAfter);
      else if (ref === 'media.cap') {
        this.pendingCap = null;
        this.emit('notice', { key: code === 'forbidden' ? 'media.cap.forbidden' : 'media.notice.other' });
        this.emit('cap', { quality: this.cap, by: this.capBy, initial: true, refused: true });
      } else if (globalThis.console) console.warn(`${ref} refused:`, code, frame.message ?? '');
      return;
    }
    if (code === 'rate_limited') {
      this.resendLater(ref, frame.retryAfter);
      return;
    }
    if (code === 'media_full') {
      this.rejectPending(code);
      this.teardown();
      clearTimeout(this.retryTimer);
      this.setStatus('full');
      return;
    }
    if (code === 'media_unavailable') {
      this.rejectPending(code);
      this.scheduleRestart('unavailable');
      return;
    }
    if (ref === 'media.publish') {
      this.rejectPending(code);
      return;
    }
    // The server lost our media connection (e.g. media_failed): start again from media.join.
    if (ref === 'media.join' && code !== 'invalid_message') {
      this.scheduleRestart('failed');
      return;
    }
    if (ref === 'media.subscribeAnswer') {
      // An answer to an offer that is no longer the latest: the newer offer is on its way.
      if (code === 'invalid_message') return;
      this.emit('notice', { key: `media.notice.${code === 'invalid_sdp' ? 'invalid_sdp' : 'other'}` });
      this.scheduleRestart('failed');
      return;
    }
    this.emit('notice', { key: `media.notice.${code === 'invalid_sdp' ? 'invalid_sdp' : 'other'}` });
  }

  /** A media message refused for its rate: send the current version of it again a little later. */
  resendLater(ref, retryAfter) {
    const gen = this.gen;
    const wait = Math.max(1, Number(retryAfter) || 1) * 1000;
    setTimeout(() => {
      if (gen !== this.gen || this.destroyed || !this.client.joined) return;
      if (ref === 'media.state') {
        this.sendState(true);
      } else if (ref === 'media.publish') {
        if (this.lastPublish && this.pub?.signalingState === 'have-local-offer') this.client.send(this.lastPublish);
      } else if (ref === 'media.subscribeAnswer') {
        if (this.sub?.localDescription && this.answeredVersion > 0) {
          this.client.send({ type: 'media.subscribeAnswer', sdp: this.sub.localDescription.sdp, version: this.answeredVersion });
        }
      } else if (ref === 'media.join') {
        this.start();
      } else if (ref === 'media.view') {
        this.sentView = null;
        this.scheduleView();
      } else if (ref === 'media.prefs') {
        this.sendPrefs({ ...this.prefs });
      } else if (ref === 'media.cap') {
        if (this.pendingCap) this.sendAdaptive({ type: 'media.cap', quality: this.pendingCap });
      }
    }, wait);
  }

  rejectPending(code) {
    const p = this.pendingAnswer;
    if (!p) return;
    this.pendingAnswer = null;
    clearTimeout(p.timer);
    p.reject(new MediaError(code));
  }

  // ---- publishing ----

  /** What each source should send now (null: nothing) and whether the device is there at all. */
  wanted(source) {
    if (source === 'mic') {
      const track = this.local.audioTrack;
      return { present: Boolean(track), track: this.local.micOn ? track : null };
    }
    if (source === 'camera') {
      const track = this.local.videoTrack?.readyState === 'live' ? this.local.videoTrack : null;
      return { present: Boolean(track), track };
    }
    const track = this.screenTrack?.readyState === 'live' ? this.screenTrack : null;
    return { present: Boolean(track), track };
  }

  /** Puts the local tracks on the publish connection; adds transceivers (and renegotiates) as needed. */
  syncSenders() {
    if (!this.enabled || !this.sub || this.destroyed) return;
    let added = false;
    for (const source of SOURCES) {
      const { present, track } = this.wanted(source);
      const tr = this.transceivers[source];
      if (tr) {
        if (tr.sender.track !== track) tr.sender.replaceTrack(track).catch(() => {});
      } else if (present) {
        if (!this.pub) this.pub = this.makePc('publish');
        this.transceivers[source] = this.addPublishTransceiver(source, track);
        added = true;
      }
    }
    if (added) this.negotiate();
    else if (!this.negotiating) this.sendState();
  }

  /**
   * The camera goes out as three simulcast encodings (q, h, f) where the browser takes them; a
   * browser that refuses sendEncodings sends one. The microphone and a screen share send one.
   */
  addPublishTransceiver(source, track) {
    const init = { direction: 'sendonly' };
    if (source === 'camera') {
      try {
        const tr = this.pub.addTransceiver(track ?? 'video', { ...init, sendEncodings: CAMERA_ENCODINGS.map((e) => ({ ...e })) });
        this.simulcast = true;
        return tr;
      } catch (err) {
        if (globalThis.console) console.warn('simulcast not available, sending one encoding:', err?.message ?? err);
        this.simulcast = false;
      }
    }
    return this.pub.addTransceiver(track ?? KIND_OF[source], init);
  }

  /** One publish offer/answer at a time; changes made meanwhile are sent in one more round. */
  async negotiate() {
    if (this.negotiating) {
      this.renegotiate = true;
      return;
    }
    const gen = this.gen;
    const pc = this.pub;
    if (!pc) return;
    this.negotiating = true;
    try {
      do {
        this.renegotiate = false;
        const offer = await pc.createOffer();
        if (gen !== this.gen) return;
        await pc.setLocalDescription(offer);
        if (gen !== this.gen) return;
        const tracks = {};
        for (const [source, tr] of Object.entries(this.transceivers)) if (tr.mid != null) tracks[tr.mid] = source;
        const frame = { type: 'media.publish', sdp: pc.localDescription.sdp, tracks };
        this.lastPublish = frame;
        const answered = this.waitPublishAnswer();
        this.marks.publish ??= performance.now();
        this.client.send(frame); // if the socket is down, resync() sends it after the resume
        const sdp = await answered;
        if (gen !== this.gen) return;
        await pc.setRemoteDescription({ type: 'answer', sdp });
        if (gen !== this.gen) return;
        this.lastPublish = null;
        this.marks.published ??= performance.now();
        this.sendState(true);
      } while (this.renegotiate);
    } catch (err) {
      if (gen !== this.gen || this.destroyed) return;
      this.lastPublish = null;
      if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' }).catch(() => {});
      const code = err?.code;
      if (code === 'media_full' || code === 'media_unavailable') return; // handled by onServerError
      if (code === 'timeout') {
        this.scheduleRestart('failed', err);
        return;
      }
      this.emit('notice', { key: `media.notice.${code === 'invalid_sdp' ? 'invalid_sdp' : code === 'invalid_message' ? 'other' : 'offer'}` });
    } finally {
      if (gen === this.gen) this.negotiating = false;
    }
  }

  waitPublishAnswer() {
    this.rejectPending('superseded');
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject, timer: 0 };
      const arm = () => {
        entry.timer = setTimeout(() => {
          // While the socket is down the answer cannot come: keep waiting for the resume.
          if (!this.client.joined) { arm(); return; }
          if (this.pendingAnswer === entry) this.pendingAnswer = null;
          reject(new MediaError('timeout'));
        }, PUBLISH_ANSWER_TIMEOUT_MS);
      };
      arm();
      this.pendingAnswer = entry;
    });
  }

  /** media.state: what this browser sends now. Only when it changed, unless `force`. */
  sendState(force = false) {
    if (!this.enabled || !this.sub) return;
    const state = {};
    for (const source of SOURCES) state[source] = Boolean(this.transceivers[source] && this.wanted(source).track);
    const json = JSON.stringify(state);
    if (!force && json === this.sentState) return;
    if (this.client.send({ type: 'media.state', ...state })) this.sentState = json;
  }

  /** True for a server error this object took care of (the view shows nothing for it). */
  claimed(frame) {
    return this.claimedErrors.has(frame);
  }

  // ---- screen sharing ----

  /** Asks the browser for a screen, window or tab and shares it. Returns null or an error kind. */
  async startScreen() {
    if (!screenShareSupported()) return 'unsupported';
    if (this.screenTrack) return null;
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch (err) {
      // The user closed the picker (NotAllowedError): nothing to explain.
      return err?.name === 'NotAllowedError' || err?.name === 'AbortError' ? 'cancelled' : 'other';
    }
    const track = stream.getVideoTracks()[0];
    if (!track || this.destroyed) {
      for (const t of stream.getTracks()) t.stop();
      return this.destroyed ? null : 'other';
    }
    for (const t of stream.getAudioTracks()) t.stop();
    try { track.contentHint = 'detail'; } catch { /* older browsers */ }
    // The browser's own "Stop sharing" button ends the track.
    track.addEventListener('ended', () => { if (this.screenTrack === track) this.stopScreen(); });
    this.screenTrack = track;
    this.screenStream = new MediaStream([track]);
    this.syncSenders();
    this.emit('screen');
    return null;
  }

  stopScreen() {
    const track = this.screenTrack;
    if (!track) return;
    this.screenTrack = null;
    this.screenStream = null;
    track.stop();
    this.syncSenders();
    this.emit('screen');
  }

  // ---- remote sound ----

  renderAudio() {
    const seen = new Set();
    for (const [id, tracks] of this.remote) {
      if (!tracks.mic) continue;
      seen.add(id);
      let el = this.audioEls.get(id);
      if (!el) {
        el = h('audio', { autoplay: true, dataset: { participantId: id } });
        this.audioEls.set(id, el);
        this.audioHost.append(el);
      }
      if (el.srcObject?.getAudioTracks()[0] !== tracks.mic) {
        el.srcObject = new MediaStream([tracks.mic]);
        this.play(el);
      }
    }
    for (const [id, el] of this.audioEls) {
      if (seen.has(id)) continue;
      el.srcObject = null;
      el.remove();
      this.audioEls.delete(id);
    }
  }

  play(el) {
    el.play?.()?.catch((err) => {
      if (err?.name === 'NotAllowedError' && !this.destroyed) this.emit('autoplay-blocked');
    });
  }

  /** After a click (autoplay was refused): start every remote sound. */
  resumeAudio() {
    for (const el of this.audioEls.values()) this.play(el);
  }

  // ---- failures ----

  scheduleRestart(reason, err) {
    if (this.destroyed) return;
    if (err && globalThis.console) console.warn('media connection problem:', err?.message ?? err);
    this.teardown();
    clearTimeout(this.retryTimer);
    if (this.failures >= RETRY_DELAYS_MS.length) {
      this.setStatus(reason === 'unavailable' ? 'unavailable' : 'failed');
      return;
    }
    const delay = RETRY_DELAYS_MS[this.failures];
    this.failures += 1;
    this.setStatus(reason === 'unavailable' ? 'unavailable' : 'reconnecting');
    this.retryTimer = setTimeout(() => {
      if (this.destroyed) return;
      if (this.client.joined) this.start(); // otherwise the next welcome starts it
    }, delay);
  }

  /** The "try again" button: a fresh attempt with a fresh retry budget. */
  retryNow() {
    clearTimeout(this.retryTimer);
    this.failures = 0;
    this.setStatus(null);
    if (this.client.joined && this.enabled) this.start();
  }

  setStatus(state) {
    if (this.status === state) return;
    this.status = state;
    this.emit('status', { state });
  }

  /** Closes both connections and forgets everything negotiated (the screen track is kept). */
  teardown() {
    this.gen += 1;
    this.rejectPending('superseded');
    this.negotiating = false;
    this.renegotiate = false;
    this.lastPublish = null;
    this.sentState = null;
    this.answeredVersion = 0;
    this.offerQueue = Promise.resolve();
    for (const pc of [this.pub, this.sub]) {
      try { pc?.close(); } catch { /* ignore */ }
    }
    const had = this.pub || this.sub || this.remote.size > 0;
    this.pub = null;
    this.sub = null;
    this.transceivers = {};
    this.tracks = {};
    this.remote = new Map();
    this.speaker = null;
    clearTimeout(this.viewTimer);
    this.sentView = null;
    const hadReceiving = this.receiving.length > 0;
    this.receiving = [];
    this.receivingBy = new Map();
    this.renderAudio();
    if (had) this.emit('remote');
    if (hadReceiving) this.emit('receiving');
  }

  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.qualityTimer);
    for (const [target, type, fn] of this.listeners) target.removeEventListener(type, fn);
    this.screenTrack?.stop();
    this.screenTrack = null;
    this.screenStream = null;
    this.teardown();
    this.audioHost.remove();
  }

  installHook() {
    const self = this;
    window.__media = {
      owner: this,
      get publish() { return self.pub; },
      get receive() { return self.sub; },
      get tracks() { return structuredClone(self.tracks); },
      get marks() { return { ...self.marks }; },
      get speaker() { return self.speaker; },
      get status() { return self.status; },
      get simulcast() { return self.simulcast; },
      get adaptive() { return self.adaptive; },
      get receiving() { return structuredClone(self.receiving); },
      get quality() { return Object.fromEntries([...self.quality].map(([k, v]) => [k, { ...v }])); },
      get cap() { return self.cap; },
      get prefs() { return structuredClone(self.prefs); },
      get view() { return structuredClone(self.view); },
      get sentView() { return self.sentView ? JSON.parse(self.sentView) : null; },
      get sent() { return structuredClone(self.sent); },
    };
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

Object.assign(RoomMedia.prototype, adaptiveMethods);
export { CAP_LEVELS };
