// WebSocket client for /ws (docs/PROTOCOL.md, versions 1 and 2).
// - hello/welcome handshake, resume token so a dropped connection keeps its participant;
// - automatic reconnection with exponential back-off and jitter;
// - ping every 20 s, and a silent connection is treated as dead;
// - an outbox for chat: messages typed while offline are sent after reconnecting, re-sent
//   (idempotently, by clientId) until the server's echo confirms them, and marked failed
//   after ~30 s so the user can retry.
// - version 2: the server answers with the version it uses (welcome.v, kept in `version`); the
//   media.* events are passed on as events of their own for the media plane (room-media.js).

export const PROTOCOL_VERSION = 2;
const PING_INTERVAL_MS = 20_000;
const PONG_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 10_000; // socket open + welcome
const SEND_TIMEOUT_MS = 30_000;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
// Errors answering `hello` that retrying will not fix.
const FATAL_HELLO_ERRORS = new Set(['room_not_found', 'guests_not_allowed', 'invalid_name', 'room_full', 'unsupported_version']);

function defaultUrl() {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

export function newClientId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; getRandomValues does not.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Events (CustomEvent, payload in `detail`):
 *   status {state: 'connecting'|'online'|'reconnecting'|'offline'|'closed', retryAt?}
 *   welcome (the welcome frame, plus `resumed`: same participant as before the drop)
 *   participant-joined / participant-left / participant-updated / chat / pong (the frames)
 *   outbox {clientId, status: 'pending'|'failed'|'confirmed'}
 *   server-error (an `error` frame that is not fatal)
 *   fatal {code}          the room refused us (room_not_found, guests_not_allowed, …)
 *   replaced              another tab took this participant over (close code 4001)
 *   media.subscribeOffer / media.publishAnswer / media.speaker   (the frames; version 2)
 *   media.cap / media.quality / media.receiving   (adaptive quality; the frames)
 *   message               every frame, including types this version does not know
 */
export class SignalingClient extends EventTarget {
  constructor({ room, name, url = defaultUrl() }) {
    super();
    this.room = room;
    this.name = name;
    this.url = url;
    this.state = 'idle';
    this.retryAt = null;
    this.self = null;
    this.resumeToken = null;
    this.joined = false; // welcome received on the current socket
    this.version = 1; // the protocol version the server uses (welcome.v)
    this.everJoined = false;
    this.ws = null;
    this.attempt = 0;
    this.timers = { reconnect: null, ping: null, pong: null, connect: null };
    this.outbox = new Map(); // clientId -> {clientId, text, status, createdAt, failTimer, resendTimer}
    this.closedByUs = false;
    this.abandoned = new Set(); // sockets given up on without a close frame (see dropSocket)
    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => { if (this.ws) this.dropSocket(); };
    // Closing the tab: say goodbye explicitly so the others see us go at once, even when the
    // browser tears the page down without a WebSocket close handshake.
    this.onPageHide = () => { if (!this.closedByUs) this.leave(); };
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('pagehide', this.onPageHide);
  }

  connect() {
    this.closedByUs = false;
    this.setState(this.everJoined ? 'reconnecting' : 'connecting');
    this.openSocket();
  }

  /** Send a frame now if joined; returns false otherwise (the caller decides what to do). */
  send(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || !this.joined) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Queue a chat message; it is sent now or as soon as the connection is back. */
  sendChat(text) {
    const clientId = newClientId();
    const item = { clientId, text, status: 'pending', createdAt: Date.now() };
    this.outbox.set(clientId, item);
    this.armFailTimer(item);
    this.emit('outbox', { clientId, text, status: 'pending' });
    this.send({ type: 'chat', clientId, text });
    return clientId;
  }

  retryChat(clientId) {
    const item = this.outbox.get(clientId);
    if (!item) return;
    item.status = 'pending';
    item.createdAt = Date.now();
    this.armFailTimer(item);
    this.emit('outbox', { clientId, text: item.text, status: 'pending' });
    this.send({ type: 'chat', clientId, text: item.text });
  }

  discardChat(clientId) {
    const item = this.outbox.get(clientId);
    if (!item) return;
    clearTimeout(item.failTimer);
    clearTimeout(item.resendTimer);
    this.outbox.delete(clientId);
  }

  /** Leave the room for good: others see us go at once. */
  leave() {
    if (this.ws && this.ws.readyState === WebSocket.OPEN && this.joined) {
      try { this.ws.send(JSON.stringify({ type: 'leave' })); } catch { /* closing anyway */ }
    }
    this.close();
  }

  /** Stop everything (no reconnect). A clean close also removes the participant on the server. */
  close() {
    this.closedByUs = true;
    this.clearTimers();
    for (const item of this.outbox.values()) {
      clearTimeout(item.failTimer);
      clearTimeout(item.resendTimer);
    }
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('pagehide', this.onPageHide);
    this.closeAbandoned();
    if (this.ws) {
      const ws = this.ws;
      this.detach(ws);
      try { ws.close(1000, 'leave'); } catch { /* ignore */ }
    }
    this.ws = null;
    this.joined = false;
    this.setState('closed');
  }

  /** Try again now instead of waiting for the back-off timer (e.g. a "retry now" button). */
  reconnectNow() {
    if (this.closedByUs || this.state === 'closed') return;
    if (this.ws && this.ws.readyState <= WebSocket.OPEN && (this.joined || this.ws.readyState === WebSocket.CONNECTING)) return;
    clearTimeout(this.timers.reconnect);
    this.timers.reconnect = null;
    this.attempt = 0;
    this.setState(this.everJoined ? 'reconnecting' : 'connecting');
    this.openSocket();
  }

  // ---- internals ----

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  setState(state, retryAt = null) {
    if (this.state === 'closed' && state !== 'closed') return;
    if (state === this.state && retryAt === this.retryAt) return;
    this.state = state;
    this.retryAt = retryAt;
    this.emit('status', { state, retryAt });
  }

  clearTimers() {
    for (const key of Object.keys(this.timers)) {
      clearTimeout(this.timers[key]);
      clearInterval(this.timers[key]);
      this.timers[key] = null;
    }
  }

  openSocket() {
    if (this.ws) {
      this.detach(this.ws);
      this.abandoned.add(this.ws);
    }
    this.joined = false;
    this.fatalCode = null;
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      const hello = { type: 'hello', v: PROTOCOL_VERSION, room: this.room, name: this.name };
      if (this.resumeToken) hello.resume = this.resumeToken;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (ev) => this.onFrame(ev.data);
    ws.onclose = (ev) => this.onSocketClosed(ev.code, ev.reason);
    ws.onerror = () => { /* a close event follows */ };
    clearTimeout(this.timers.connect);
    this.timers.connect = setTimeout(() => { if (!this.joined) this.dropSocket(); }, CONNECT_TIMEOUT_MS);
  }

  detach(ws) {
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
  }

  /**
   * Give up on the current socket without waiting for its close event (dead links are slow to
   * close). No close frame: the server takes any close frame as "left" and would drop our
   * participant; instead the next hello resumes it and the server retires the old socket (4001).
   */
  dropSocket() {
    const ws = this.ws;
    if (!ws) return;
    this.detach(ws);
    this.abandoned.add(ws);
    this.ws = null;
    this.onSocketClosed(1006, 'dropped');
  }

  /** Once resumed (or leaving), the sockets we walked away from can be closed harmlessly. */
  closeAbandoned() {
    for (const ws of this.abandoned) {
      try { ws.close(1000); } catch { /* ignore */ }
    }
    this.abandoned.clear();
  }

  onFrame(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!frame || typeof frame.type !== 'string') return;
    // Any traffic proves the link is alive.
    clearTimeout(this.timers.pong);
    this.timers.pong = null;
    switch (frame.type) {
      case 'welcome': this.onWelcome(frame); break;
      case 'chat': this.onChat(frame); break;
      case 'error': this.onError(frame); break;
      case 'participant-joined':
      case 'participant-left':
      case 'participant-updated':
      case 'pong':
      case 'media.subscribeOffer':
      case 'media.publishAnswer':
      case 'media.speaker':
      case 'media.cap':
      case 'media.quality':
      case 'media.receiving':
        this.emit(frame.type, frame);
        break;
      default: break;
    }
    this.emit('message', frame);
  }

  onWelcome(frame) {
    clearTimeout(this.timers.connect);
    const resumed = Boolean(this.self && frame.self && this.self.id === frame.self.id);
    this.self = frame.self;
    this.resumeToken = frame.resumeToken ?? null;
    this.version = Number.isInteger(frame.v) && frame.v >= 1 ? frame.v : 1;
    this.joined = true;
    this.everJoined = true;
    this.attempt = 0;
    this.startPing();
    // History may already hold messages we sent before the drop: those are confirmed.
    for (const m of frame.history?.messages ?? []) this.confirm(m);
    this.closeAbandoned();
    this.setState('online');
    this.emit('welcome', { ...frame, resumed });
    // Re-send everything not yet confirmed; the server stores each clientId once.
    for (const item of this.outbox.values()) {
      if (item.status === 'pending') this.send({ type: 'chat', clientId: item.clientId, text: item.text });
    }
  }

  onChat(frame) {
    if (frame.message) this.confirm(frame.message);
    this.emit('chat', frame);
  }

  confirm(message) {
    const item = message?.clientId ? this.outbox.get(message.clientId) : null;
    if (!item) return;
    clearTimeout(item.failTimer);
    clearTimeout(item.resendTimer);
    this.outbox.delete(message.clientId);
    this.emit('outbox', { clientId: message.clientId, status: 'confirmed', message });
  }

  onError(frame) {
    if (!this.joined && FATAL_HELLO_ERRORS.has(frame.code)) {
      this.fatalCode = frame.code;
      return; // the server closes the socket next; onSocketClosed reports it
    }
    const item = frame.ref ? this.outbox.get(frame.ref) : null;
    if (item) {
      if (frame.code === 'rate_limited' && item.status === 'pending') {
        clearTimeout(item.resendTimer);
        const wait = Math.max(1, Number(frame.retryAfter) || 1) * 1000;
        item.resendTimer = setTimeout(() => {
          if (item.status === 'pending') this.send({ type: 'chat', clientId: item.clientId, text: item.text });
        }, wait);
      } else if (frame.code !== 'rate_limited') {
        this.fail(item);
      }
    }
    this.emit('server-error', frame);
  }

  armFailTimer(item) {
    clearTimeout(item.failTimer);
    item.failTimer = setTimeout(() => this.fail(item), SEND_TIMEOUT_MS);
  }

  fail(item) {
    clearTimeout(item.failTimer);
    clearTimeout(item.resendTimer);
    if (item.status === 'failed') return;
    item.status = 'failed';
    this.emit('outbox', { clientId: item.clientId, text: item.text, status: 'failed' });
  }

  startPing() {
    clearInterval(this.timers.ping);
    this.timers.ping = setInterval(() => {
      if (!this.send({ type: 'ping' })) return;
      clearTimeout(this.timers.pong);
      this.timers.pong = setTimeout(() => this.dropSocket(), PONG_TIMEOUT_MS);
    }, PING_INTERVAL_MS);
  }

  onSocketClosed(code, reason) {
    this.ws = null;
    const wasJoined = this.joined;
    this.joined = false;
    clearInterval(this.timers.ping);
    clearTimeout(this.timers.pong);
    clearTimeout(this.timers.connect);
    this.timers.ping = this.timers.pong = this.timers.connect = null;
    if (this.closedByUs) return;
    const fatal = this.fatalCode ?? (code === 4000 && FATAL_HELLO_ERRORS.has(reason) ? reason : null);
    if (fatal) {
      this.close();
      this.emit('fatal', { code: fatal });
      return;
    }
    if (code === 4001) { // another connection resumed this participant
      this.close();
      this.emit('replaced', {});
      return;
    }
    if (wasJoined) this.attempt = 0;
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    this.attempt += 1;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (this.attempt - 1));
    const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2)); // "equal jitter"
    const retryAt = Date.now() + delay;
    // A first quick retry reads as "reconnecting"; longer waits show a countdown.
    if (navigator.onLine === false || delay > 2000) this.setState('offline', retryAt);
    else this.setState(this.everJoined ? 'reconnecting' : 'connecting', retryAt);
    clearTimeout(this.timers.reconnect);
    this.timers.reconnect = setTimeout(() => {
      this.timers.reconnect = null;
      if (this.closedByUs) return;
      this.setState(this.everJoined ? 'reconnecting' : 'connecting');
      this.openSocket();
    }, delay);
  }
}
