// The meeting screen: tiles, participant list, chat, controls and the connection banner.
import { h, icon } from '/assets/js/dom.js';
import { bindText, bindAttr, storageGet, storageSet } from '/assets/js/i18n.js';
import { SignalingClient } from '/assets/js/signaling.js';
import { MicMeter, mediaErrorKey } from '/assets/js/media.js';
import { ChatPanel } from '/assets/js/chat.js';
import { ParticipantList, TileGrid } from '/assets/js/participants.js';
import { copyLink } from '/assets/js/clipboard.js';
import { roomLink, setRoomName } from '/assets/js/room-code.js';
import { toast, toastError } from '/assets/js/toast.js';
import { setStateProvider } from '/assets/js/debug.js';

const SENT_KEY = 'bailanys.sentClientIds';
const SENT_MAX = 500;
const NARROW = '(max-width: 900px)';

// clientIds this browser sent: guests have no authorId, so this is how their own messages
// are recognised after a reload.
function loadSentIds() {
  try {
    return new Set(JSON.parse(storageGet(SENT_KEY) ?? '[]'));
  } catch {
    return new Set();
  }
}
function rememberSentId(set, clientId) {
  set.add(clientId);
  const list = [...set].slice(-SENT_MAX);
  storageSet(SENT_KEY, JSON.stringify(list));
}

/**
 * room: the Room object; media: LocalMedia (owned by the caller); name: the guest name;
 * onLeave(), onFatal(code), onReplaced(): what the page does next.
 */
export function mountRoomView(container, { room, media, name, onLeave, onFatal, onReplaced }) {
  const participants = new Map();
  let selfId = null;
  let self = null;
  let destroyed = false;
  const sentIds = loadSentIds();

  const client = new SignalingClient({ room: room.code, name });

  // ---- connection banner ----
  const statusText = h('span', { class: 'status-text' });
  const retryNow = h('button', {
    type: 'button', class: 'link-btn', t: 'status.retryNow', testid: 'connection-retry', hidden: true,
    onclick: () => client.reconnectNow(),
  });
  const status = h('div', {
    class: 'conn-status', testid: 'connection-status', role: 'status', 'aria-live': 'polite',
    dataset: { state: 'reconnecting' },
  }, h('span', { class: 'status-dot', 'aria-hidden': 'true' }), statusText, retryNow);
  let countdownTimer = null;
  let hideTimer = null;
  let lastState = null;

  function showStatus({ state, retryAt }) {
    clearInterval(countdownTimer);
    clearTimeout(hideTimer);
    retryNow.hidden = true;
    status.hidden = false;
    status.classList.remove('fade');
    if (state === 'online') {
      status.dataset.state = 'online';
      if (lastState && lastState !== 'connecting' && lastState !== 'online') {
        bindText(statusText, 'status.online');
        hideTimer = setTimeout(() => { status.hidden = true; }, 3000);
      } else {
        status.hidden = true;
      }
    } else if (state === 'connecting' && !retryAt) {
      status.dataset.state = 'reconnecting';
      bindText(statusText, 'status.connecting');
    } else if (state === 'reconnecting' || (state === 'connecting' && retryAt)) {
      status.dataset.state = 'reconnecting';
      bindText(statusText, 'status.reconnecting');
    } else if (state === 'offline') {
      status.dataset.state = 'offline';
      retryNow.hidden = false;
      const tick = () => {
        const seconds = Math.max(0, Math.ceil(((retryAt ?? Date.now()) - Date.now()) / 1000));
        bindText(statusText, navigator.onLine === false ? 'status.noNetwork' : 'status.offline', { count: seconds, seconds });
      };
      tick();
      countdownTimer = setInterval(tick, 500);
    } else if (state === 'closed') {
      status.hidden = true;
    }
    lastState = state;
  }
  client.addEventListener('status', (e) => showStatus(e.detail));

  // ---- top bar ----
  const nameEl = setRoomName(h('h1', { class: 'room-name', testid: 'room-name' }), room);
  const codeEl = h('code', { class: 'room-code', testid: 'room-code', text: room.code });
  const copyBtn = h('button', {
    type: 'button', class: 'btn btn-ghost btn-sm', testid: 'copy-link', onclick: () => copyLink(roomLink(room.code)),
  }, icon('copy'), h('span', { t: 'room.copyLink' }));
  const topBar = h('div', { class: 'room-bar' },
    h('div', { class: 'room-title' }, nameEl, h('div', { class: 'room-code-row' }, codeEl, copyBtn)));

  // ---- stage ----
  const grid = new TileGrid();
  const joining = h('div', { class: 'stage-message', testid: 'room-joining' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { t: 'room.joining' }));
  const stage = h('div', { class: 'stage-wrap' }, status, h('div', { class: 'stage' }, joining, grid.el));

  // ---- side panel: participants + chat ----
  const people = new ParticipantList();
  const chat = new ChatPanel({
    roomCode: room.code,
    isOwn: (m) => (m.authorId != null && self?.userId != null && m.authorId === self.userId) || sentIds.has(m.clientId),
    onSend: (text) => {
      const clientId = client.sendChat(text);
      rememberSentId(sentIds, clientId);
      return clientId;
    },
    onRetry: (clientId) => client.retryChat(clientId),
    onIncoming: (message, own) => {
      if (!own && !drawerOpen && window.matchMedia(NARROW).matches) {
        unread += 1;
        renderUnread();
      }
    },
  });
  const closeDrawerBtn = h('button', {
    type: 'button', class: 'icon-btn drawer-close', tAttrs: { 'aria-label': 'common.close', title: 'common.close' },
    onclick: () => setDrawer(false),
  }, icon('close'));
  const side = h('aside', { class: 'side', id: 'room-side', testid: 'side-panel', tAttrs: { 'aria-label': 'room.sidePanel' } },
    closeDrawerBtn, people.el, chat.el);
  const backdrop = h('div', { class: 'drawer-backdrop', hidden: true, onclick: () => setDrawer(false) });

  // ---- controls ----
  const micBtn = h('button', { type: 'button', class: 'ctrl-btn', testid: 'toggle-mic' });
  const camBtn = h('button', { type: 'button', class: 'ctrl-btn', testid: 'toggle-camera' });
  const unreadBadge = h('span', { class: 'unread', hidden: true, testid: 'chat-unread' });
  const chatBtn = h('button', {
    type: 'button', class: 'ctrl-btn ctrl-chat', testid: 'toggle-chat', 'aria-controls': 'room-side', 'aria-expanded': 'false',
    tAttrs: { 'aria-label': 'room.openChat', title: 'room.openChat' }, onclick: () => setDrawer(!drawerOpen),
  }, icon('chat'), unreadBadge);
  const leaveBtn = h('button', { type: 'button', class: 'ctrl-btn ctrl-leave', testid: 'leave', onclick: () => leave() },
    icon('leave'), h('span', { class: 'ctrl-label', t: 'room.leave' }));
  const controls = h('div', { class: 'room-controls', role: 'toolbar', tAttrs: { 'aria-label': 'room.controls' } },
    micBtn, camBtn, chatBtn, leaveBtn);

  const view = h('section', { class: 'room', testid: 'room-view', dataset: { code: room.code } },
    topBar,
    h('div', { class: 'room-body' }, stage, backdrop, side),
    controls);
  container.append(view);

  // ---- drawer (narrow screens) ----
  let drawerOpen = false;
  let unread = 0;
  function renderUnread() {
    unreadBadge.hidden = unread === 0;
    unreadBadge.textContent = unread > 99 ? '99+' : String(unread);
  }
  function setDrawer(open) {
    drawerOpen = open;
    side.classList.toggle('open', open);
    backdrop.hidden = !open;
    chatBtn.setAttribute('aria-expanded', String(open));
    if (open) {
      unread = 0;
      renderUnread();
      chat.scrollToBottom();
      chat.focusInput();
    } else if (window.matchMedia(NARROW).matches) {
      chatBtn.focus();
    }
  }
  const onKey = (e) => { if (e.key === 'Escape' && drawerOpen) setDrawer(false); };
  document.addEventListener('keydown', onKey);

  // ---- local media ----
  const meter = new MicMeter((level) => {
    if (!selfId) return;
    grid.setSpeaking(selfId, level > 0.55 && media.micOn);
  });

  function renderMediaButtons() {
    const micOn = media.micOn;
    const camOn = media.cameraOn;
    micBtn.replaceChildren(icon(micOn ? 'mic' : 'micOff'));
    camBtn.replaceChildren(icon(camOn ? 'camera' : 'cameraOff'));
    micBtn.setAttribute('aria-pressed', String(micOn));
    camBtn.setAttribute('aria-pressed', String(camOn));
    micBtn.dataset.state = micOn ? 'on' : 'off';
    camBtn.dataset.state = camOn ? 'on' : 'off';
    micBtn.classList.toggle('off', !micOn);
    camBtn.classList.toggle('off', !camOn);
    bindAttr(micBtn, 'aria-label', micOn ? 'media.micTurnOff' : 'media.micTurnOn');
    bindAttr(micBtn, 'title', micOn ? 'media.micTurnOff' : 'media.micTurnOn');
    bindAttr(camBtn, 'aria-label', camOn ? 'media.cameraTurnOff' : 'media.cameraTurnOn');
    bindAttr(camBtn, 'title', camOn ? 'media.cameraTurnOff' : 'media.cameraTurnOn');
  }

  function renderSelfMedia() {
    renderMediaButtons();
    meter.attach(media.audioTrack);
    if (!selfId) return;
    grid.attachStream(selfId, media.cameraOn ? media.stream : null);
    grid.setMicOff(selfId, !media.micOn);
  }
  const onMediaChange = () => renderSelfMedia();
  media.addEventListener('change', onMediaChange);

  async function toggle(kind) {
    const button = kind === 'audio' ? micBtn : camBtn;
    button.disabled = true;
    const err = kind === 'audio' ? await media.setMic(!media.micOn) : await media.setCamera(!media.cameraOn);
    button.disabled = false;
    if (err) toast([mediaErrorKey(err, kind === 'audio' ? 'mic' : 'camera')], { kind: 'error', timeout: 8000 });
  }
  micBtn.addEventListener('click', () => toggle('audio'));
  camBtn.addEventListener('click', () => toggle('video'));
  renderSelfMedia();

  // ---- signaling events ----
  function renderPeople() {
    const list = [...participants.values()];
    people.render(list, selfId);
    grid.render(list, selfId);
    renderSelfMedia();
  }

  client.addEventListener('welcome', (e) => {
    const w = e.detail;
    self = w.self;
    selfId = w.self.id;
    chat.selfName = w.self.name;
    if (w.room) {
      Object.assign(room, w.room);
      setRoomName(nameEl, room);
    }
    participants.clear();
    for (const p of w.participants ?? []) participants.set(p.id, p);
    participants.set(self.id, self);
    joining.hidden = true;
    view.dataset.selfId = selfId;
    renderPeople();
    chat.setHistory(w.history);
  });
  client.addEventListener('participant-joined', (e) => {
    const p = e.detail.participant;
    if (!p) return;
    participants.set(p.id, p);
    renderPeople();
  });
  client.addEventListener('participant-left', (e) => {
    if (participants.delete(e.detail.participantId)) renderPeople();
  });
  client.addEventListener('participant-updated', (e) => {
    const p = e.detail.participant;
    if (!p) return;
    participants.set(p.id, p);
    if (p.id === selfId) { self = p; chat.selfName = p.name; }
    renderPeople();
  });
  client.addEventListener('chat', (e) => { if (e.detail.message) chat.addMessage(e.detail.message); });
  client.addEventListener('outbox', (e) => {
    const { clientId, status: s } = e.detail;
    if (s === 'failed' || s === 'pending') chat.setStatus(clientId, s);
  });
  client.addEventListener('server-error', (e) => {
    const { code, retryAfter } = e.detail;
    if (code === 'not_joined' || code === 'already_joined') return; // transient, handled by reconnecting
    toastError({ code, retryAfter });
  });
  client.addEventListener('fatal', (e) => onFatal(e.detail.code));
  client.addEventListener('replaced', () => onReplaced());

  function leave() {
    client.leave();
    onLeave();
  }

  setStateProvider(() => ({
    view: 'room',
    room: { ...room },
    connection: client.state,
    self: self ? { ...self } : null,
    participants: [...participants.values()].map((p) => ({ ...p })),
    messages: chat.snapshot(),
    media: { mic: media.micOn, camera: media.cameraOn },
  }));

  client.connect();

  return {
    name: 'room',
    client,
    // ---- Media plane hook (a later version) ----
    // The SFU signaling arrives as 'message' events on `client` (types this version ignores);
    // when a participant's remote MediaStream is ready, call attachRemoteStream(id, stream);
    // call it with null when their tracks end. Tiles are keyed by participant id.
    attachRemoteStream: (participantId, stream) => grid.attachStream(participantId, stream),
    detachRemoteStream: (participantId) => grid.attachStream(participantId, null),
    destroy() {
      if (destroyed) return;
      destroyed = true;
      client.close();
      meter.close();
      media.removeEventListener('change', onMediaChange);
      document.removeEventListener('keydown', onKey);
      clearInterval(countdownTimer);
      clearTimeout(hideTimer);
      setStateProvider(null);
    },
  };
}

