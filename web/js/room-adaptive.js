// Adaptive quality for RoomMedia (docs/PROTOCOL.md, "Adaptive quality"): what the subscriber
// shows (media.view), its preferences (media.prefs), the owner's cap (media.cap), and the
// server's media.quality and media.receiving reports. Mixed into RoomMedia.prototype; `this` is
// the RoomMedia (its client, gen, prefs, view, quality and receiving state, emit()).

// media.view: wait this long after the last change, and keep at least this much between frames
// (the server allows 10 media messages per second, shared with everything else).
const VIEW_DEBOUNCE_MS = 300;
const VIEW_MIN_INTERVAL_MS = 350;
// A media.quality report older than this is not shown any more (the server sends one every ~2 s,
// and repeats unchanged levels every 4 s).
const QUALITY_STALE_MS = 7000;
export const CAP_LEVELS = ['low', 'medium', 'high'];
const QUALITY_LEVELS = ['good', 'fair', 'poor'];
const PAUSE_REASONS = ['bandwidth', 'hidden', 'lastN', 'audioOnly'];
const SOURCES = ['mic', 'camera', 'screen'];

export const adaptiveMethods = {
  /**
   * Sends an adaptive-quality frame. A server that does not know them answers unknown_type, which
   * is harmless (and not shown): they are still sent, so a server updated under a live room
   * gets them after the next resume.
   */
  sendAdaptive(frame) {
    if (!this.enabled || !this.sub) return false;
    if (!this.client.send(frame)) return false;
    this.lastAdaptiveSendAt = performance.now();
    this.sent.push({ at: Date.now(), frame: structuredClone(frame) });
    if (this.sent.length > 100) this.sent.splice(0, this.sent.length - 100);
    return true;
  },

  /** After media.join or a resume: the server hears our view and (non-default) preferences again. */
  sendAdaptiveState() {
    if (this.prefs.audioOnly || this.prefs.pinned.length > 0) this.sendPrefs({ ...this.prefs });
    this.sentView = null;
    this.scheduleView();
  },

  /** tiles: [{participantId, source, height}] (device pixels, 0 = not visible) as shown now. */
  setView(tiles) {
    this.view = tiles.map((x) => ({ participantId: x.participantId, source: x.source, height: Math.max(0, Math.round(x.height) || 0) }));
    this.scheduleView();
  },

  scheduleView() {
    if (!this.enabled || !this.sub) return;
    clearTimeout(this.viewTimer);
    const wait = Math.max(VIEW_DEBOUNCE_MS, this.lastViewAt + VIEW_MIN_INTERVAL_MS - performance.now());
    const gen = this.gen;
    this.viewTimer = setTimeout(() => { if (gen === this.gen) this.flushView(); }, wait);
  },

  flushView() {
    const json = JSON.stringify(this.view);
    if (json === this.sentView) return;
    if (this.sendAdaptive({ type: 'media.view', tiles: this.view })) {
      this.sentView = json;
      this.lastViewAt = performance.now();
    }
  },

  /** Partial preferences: {audioOnly} and/or {pinned: [participant ids]}. */
  setPrefs(partial) {
    const fields = {};
    if (typeof partial.audioOnly === 'boolean') fields.audioOnly = partial.audioOnly;
    if (Array.isArray(partial.pinned)) fields.pinned = partial.pinned.filter((id) => typeof id === 'string');
    Object.assign(this.prefs, fields);
    this.sendPrefs(fields);
    this.emit('prefs');
  },

  sendPrefs(fields) {
    if (Object.keys(fields).length > 0) this.sendAdaptive({ type: 'media.prefs', ...fields });
  },

  /** The room owner caps everyone's camera quality ('low' | 'medium' | 'high'). */
  requestCap(quality) {
    if (!CAP_LEVELS.includes(quality)) return false;
    this.pendingCap = quality;
    return this.sendAdaptive({ type: 'media.cap', quality });
  },

  setCap(value, by, initial) {
    const raw = value && typeof value === 'object' ? value.quality : value;
    const quality = CAP_LEVELS.includes(raw) ? raw : null;
    const who = typeof by === 'string' ? by : (value && typeof value === 'object' && typeof value.by === 'string' ? value.by : null);
    const changed = quality !== this.cap;
    this.cap = quality;
    this.capBy = who;
    if (quality === this.pendingCap) this.pendingCap = null;
    if (changed || initial) this.emit('cap', { quality, by: who, initial: Boolean(initial) });
  },

  onCap(frame) {
    this.adaptive = true;
    this.setCap(frame.quality, typeof frame.by === 'string' ? frame.by : null, false);
  },

  onQuality(frame) {
    this.adaptive = true;
    const next = new Map();
    for (const q of Array.isArray(frame.participants) ? frame.participants : []) {
      if (!q || typeof q.participantId !== 'string' || !QUALITY_LEVELS.includes(q.level)) continue;
      const num = (v) => (Number.isFinite(Number(v)) && v !== null ? Number(v) : null);
      next.set(q.participantId, { level: q.level, lossPct: num(q.lossPct), rttMs: num(q.rttMs), downlinkKbps: num(q.downlinkKbps) });
    }
    this.quality = next;
    clearTimeout(this.qualityTimer);
    this.qualityTimer = setTimeout(() => {
      if (this.destroyed) return;
      this.quality = new Map();
      this.emit('quality');
    }, QUALITY_STALE_MS);
    this.emit('quality');
  },

  onReceiving(frame) {
    this.adaptive = true;
    const list = [];
    const by = new Map();
    for (const t of Array.isArray(frame.tracks) ? frame.tracks : []) {
      if (!t || typeof t.participantId !== 'string' || !SOURCES.includes(t.source)) continue;
      const entry = {
        mid: typeof t.mid === 'string' ? t.mid : null,
        participantId: t.participantId,
        source: t.source,
        state: t.state === 'paused' ? 'paused' : 'on',
        reason: t.state === 'paused' && PAUSE_REASONS.includes(t.reason) ? t.reason : null,
        layer: t.layer ?? null,
        layers: t.layers ?? null,
        height: Number.isFinite(t.height) ? t.height : null,
      };
      list.push(entry);
      by.set(`${entry.participantId}/${entry.source}`, entry);
    }
    this.receiving = list;
    this.receivingBy = by;
    this.emit('receiving');
  },

  /** What the server says it sends us of a participant's source (null when it has not said). */
  receivingOf(participantId, source) {
    return this.receivingBy.get(`${participantId}/${source}`) ?? null;
  },
};
