// Camera and microphone: acquisition with fallbacks, error classification, device lists,
// switching devices, and a microphone level meter.

/** 'insecure' | 'denied' | 'notfound' | 'busy' | 'other' for a getUserMedia failure. */
export function classifyMediaError(err) {
  switch (err?.name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
    case 'ConstraintNotSatisfiedError':
      return 'notfound';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    case 'InsecureContextError':
      return 'insecure';
    default:
      return 'other';
  }
}

/** navigator.mediaDevices is missing outside secure contexts (plain http:// on a LAN address). */
export function mediaSupported() {
  return Boolean(navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === 'function');
}

export async function listDevices() {
  if (!mediaSupported() || typeof navigator.mediaDevices.enumerateDevices !== 'function') {
    return { cameras: [], mics: [] };
  }
  try {
    const devices = await navigator.mediaDevices.enumerateDevices();
    return {
      cameras: devices.filter((d) => d.kind === 'videoinput'),
      mics: devices.filter((d) => d.kind === 'audioinput'),
    };
  } catch {
    return { cameras: [], mics: [] };
  }
}

const AUDIO_CONSTRAINTS = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
const VIDEO_CONSTRAINTS = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

function audioConstraint(deviceId) {
  return deviceId ? { ...AUDIO_CONSTRAINTS, deviceId: { exact: deviceId } } : { ...AUDIO_CONSTRAINTS };
}
function videoConstraint(deviceId) {
  return deviceId ? { ...VIDEO_CONSTRAINTS, deviceId: { exact: deviceId } } : { ...VIDEO_CONSTRAINTS };
}

function stopAll(stream) {
  for (const track of stream.getTracks()) track.stop();
}

async function gum(constraints) {
  if (!mediaSupported()) {
    const err = new Error('navigator.mediaDevices is not available');
    err.name = 'InsecureContextError';
    throw err;
  }
  return navigator.mediaDevices.getUserMedia(constraints);
}

/**
 * The local camera and microphone. `stream` is one MediaStream whose tracks come and go as the
 * user toggles or switches devices. Emits 'change' after every change.
 * `errors` holds the last failure kind per device: { audio?: kind, video?: kind }.
 */
export class LocalMedia extends EventTarget {
  constructor({ audioDeviceId = null, videoDeviceId = null } = {}) {
    super();
    this.stream = new MediaStream();
    this.audioDeviceId = audioDeviceId;
    this.videoDeviceId = videoDeviceId;
    this.errors = {};
    this.micMuted = false;
    // Bumped by stop(): a getUserMedia that resolves after the user chose "no media" is discarded.
    this.generation = 0;
  }

  get audioTrack() { return this.stream.getAudioTracks()[0] ?? null; }
  get videoTrack() { return this.stream.getVideoTracks()[0] ?? null; }
  get micOn() { return Boolean(this.audioTrack) && !this.micMuted; }
  get cameraOn() { return Boolean(this.videoTrack); }

  /**
   * Ask for what the user wants. Both together first (one permission prompt); when that fails,
   * each alone, so a machine with only a microphone still gets its microphone.
   */
  async start({ audio = true, video = true } = {}) {
    const gen = this.generation;
    this.errors = {};
    if (!mediaSupported()) {
      if (audio) this.errors.audio = 'insecure';
      if (video) this.errors.video = 'insecure';
      this.changed();
      return this.errors;
    }
    // Do not ask for a kind of device the machine does not have.
    const { cameras, mics } = await listDevices();
    if (gen !== this.generation) return this.errors;
    const known = cameras.length + mics.length > 0;
    if (known && audio && mics.length === 0) { this.errors.audio = 'notfound'; audio = false; }
    if (known && video && cameras.length === 0) { this.errors.video = 'notfound'; video = false; }
    if (!audio && !video) { this.changed(); return this.errors; }

    if (audio && video) {
      try {
        const s = await gum({ audio: audioConstraint(this.audioDeviceId), video: videoConstraint(this.videoDeviceId) });
        if (gen === this.generation) this.adopt(s); else stopAll(s);
        return this.errors;
      } catch {
        // fall through: try each alone to find out which one failed
      }
    }
    if (gen !== this.generation) return this.errors;
    if (video) await this.acquire('video', gen);
    if (audio && gen === this.generation) await this.acquire('audio', gen);
    this.changed();
    return this.errors;
  }

  /** Get one kind of track (again), replacing the current one. Returns the error kind or null. */
  async acquire(kind, gen = this.generation) {
    const deviceId = kind === 'audio' ? this.audioDeviceId : this.videoDeviceId;
    const constraints = kind === 'audio' ? { audio: audioConstraint(deviceId) } : { video: videoConstraint(deviceId) };
    try {
      let s;
      try {
        s = await gum(constraints);
      } catch (err) {
        // A remembered device that is gone: fall back to the default one.
        if (deviceId && (err?.name === 'OverconstrainedError' || err?.name === 'NotFoundError')) {
          if (kind === 'audio') this.audioDeviceId = null; else this.videoDeviceId = null;
          s = await gum(kind === 'audio' ? { audio: audioConstraint(null) } : { video: videoConstraint(null) });
        } else {
          throw err;
        }
      }
      if (gen !== this.generation) { stopAll(s); return null; }
      delete this.errors[kind];
      this.adopt(s);
      return null;
    } catch (err) {
      if (gen !== this.generation) return null;
      const k = classifyMediaError(err);
      this.errors[kind] = k;
      this.changed();
      return k;
    }
  }

  adopt(stream) {
    for (const track of stream.getTracks()) {
      const old = track.kind === 'audio' ? this.audioTrack : this.videoTrack;
      if (old) { this.stream.removeTrack(old); old.stop(); }
      if (track.kind === 'audio') {
        this.audioDeviceId = track.getSettings?.().deviceId || this.audioDeviceId;
        track.enabled = !this.micMuted;
        delete this.errors.audio;
      } else {
        this.videoDeviceId = track.getSettings?.().deviceId || this.videoDeviceId;
        delete this.errors.video;
      }
      track.addEventListener('ended', () => this.onTrackEnded(track));
      this.stream.addTrack(track);
    }
    this.changed();
  }

  onTrackEnded(track) {
    // The device was unplugged or taken by the system.
    if (this.stream.getTracks().includes(track)) {
      this.stream.removeTrack(track);
      this.changed();
    }
  }

  stopKind(kind) {
    for (const track of kind === 'audio' ? this.stream.getAudioTracks() : this.stream.getVideoTracks()) {
      this.stream.removeTrack(track);
      track.stop();
    }
  }

  /** Camera off releases the camera (its light goes out); on asks for it again. */
  async setCamera(on) {
    if (on) return this.acquire('video');
    this.stopKind('video');
    delete this.errors.video;
    this.changed();
    return null;
  }

  /** Microphone off mutes the track (instant, keeps the device); on acquires it if needed. */
  async setMic(on) {
    this.micMuted = !on;
    if (on && !this.audioTrack) {
      const err = await this.acquire('audio');
      if (err) this.micMuted = true;
      return err;
    }
    if (this.audioTrack) this.audioTrack.enabled = on;
    this.changed();
    return null;
  }

  async useCamera(deviceId) {
    this.videoDeviceId = deviceId || null;
    return this.cameraOn ? this.acquire('video') : null;
  }

  async useMic(deviceId) {
    this.audioDeviceId = deviceId || null;
    return this.audioTrack ? this.acquire('audio') : null;
  }

  /** Release everything, including what a pending request would bring later. */
  stop() {
    this.generation += 1;
    this.errors = {};
    for (const track of this.stream.getTracks()) {
      track.stop();
      this.stream.removeTrack(track);
    }
    this.changed();
  }

  changed() {
    this.dispatchEvent(new Event('change'));
  }
}

/** The translation key explaining a device failure. device: 'camera' | 'mic' | 'both'. */
export function mediaErrorKey(kind, device) {
  return kind === 'insecure' ? 'media.error.insecure' : `media.error.${kind}.${device}`;
}

/** The combined kind shown in the explanation box when devices fail. */
export function combinedErrorKind(errors) {
  const kinds = [errors.video, errors.audio].filter(Boolean);
  if (kinds.length === 0) return null;
  for (const k of ['insecure', 'denied', 'busy', 'notfound', 'other']) if (kinds.includes(k)) return k;
  return 'other';
}

/**
 * Microphone level: a WebAudio AnalyserNode read once per animation frame.
 * onLevel(level 0..1) is called with a smoothed value.
 */
export class MicMeter {
  constructor(onLevel) {
    this.onLevel = onLevel;
    this.ctx = null;
    this.source = null;
    this.analyser = null;
    this.raf = 0;
    this.level = 0;
    this.track = null;
  }

  attach(track) {
    if (track === this.track) return;
    this.detach();
    this.track = track;
    if (!track) { this.onLevel(0); return; }
    const AudioCtx = window.AudioContext || window.webkitAudioContext;
    if (!AudioCtx) return;
    if (!this.ctx) {
      this.ctx = new AudioCtx();
      // Some browsers start it suspended until the user interacts with the page.
      const resume = () => this.ctx?.resume().catch(() => {});
      document.addEventListener('pointerdown', resume, { once: true });
      document.addEventListener('keydown', resume, { once: true });
    }
    this.ctx.resume().catch(() => {});
    this.source = this.ctx.createMediaStreamSource(new MediaStream([track]));
    this.analyser = this.ctx.createAnalyser();
    this.analyser.fftSize = 1024;
    this.source.connect(this.analyser);
    const buf = new Float32Array(this.analyser.fftSize);
    const tick = () => {
      this.raf = requestAnimationFrame(tick);
      if (!this.analyser) return;
      this.analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (let i = 0; i < buf.length; i += 1) sum += buf[i] * buf[i];
      const rms = Math.sqrt(sum / buf.length);
      // Perceptual scale: about -60 dBFS → 0, 0 dBFS → 1.
      const db = 20 * Math.log10(rms || 1e-8);
      const target = track.enabled ? Math.min(1, Math.max(0, (db + 60) / 60)) : 0;
      this.level = target > this.level ? target : this.level * 0.85 + target * 0.15;
      this.onLevel(this.level);
    };
    tick();
  }

  detach() {
    cancelAnimationFrame(this.raf);
    this.raf = 0;
    try { this.source?.disconnect(); } catch { /* ignore */ }
    this.source = null;
    this.analyser = null;
    this.track = null;
    this.level = 0;
  }

  close() {
    this.detach();
    this.ctx?.close().catch(() => {});
    this.ctx = null;
  }
}
