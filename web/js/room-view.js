// The meeting screen: tiles, participant list, chat, controls and the connection banner.
import { h, icon } from '/assets/js/dom.js';
import { bindText, bindAttr, storageGet, storageSet } from '/assets/js/i18n.js';
import { SignalingClient } from '/assets/js/signaling.js';
import { MicMeter, mediaErrorKey } from '/assets/js/media.js';
import { ChatPanel } from '/assets/js/chat.js';
import { ParticipantList, TileGrid, ScreenArea, screenIcon, sortParticipants } from '/assets/js/participants.js';
import { RoomMedia, screenShareSupported } from '/assets/js/room-media.js';
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

  // ---- media connection banner (audio and video, separate from the socket's) ----
  const mediaStatusText = h('span', { class: 'status-text' });
  const mediaRetry = h('button', {
    type: 'button', class: 'link-btn', t: 'media.status.retry', testid: 'media-retry', hidden: true,
    onclick: () => roomMedia.retryNow(),
  });
  const mediaStatus = h('div', {
    class: 'conn-status media-status', testid: 'media-status', role: 'status', 'aria-live': 'polite', hidden: true,
  }, h('span', { class: 'status-dot', 'aria-hidden': 'true' }), mediaStatusText, mediaRetry);

  // ---- stage: screen shares (large) above the participant tiles ----
  const grid = new TileGrid();
  const screens = new ScreenArea();
  const joining = h('div', { class: 'stage-message', testid: 'room-joining' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { t: 'room.joining' }));
  const stageEl = h('div', { class: 'stage', testid: 'stage', dataset: { layout: 'grid' } }, joining, screens.el, grid.el);
  const stage = h('div', { class: 'stage-wrap' }, h('div', { class: 'stage-banners' }, status, mediaStatus), stageEl);

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
  const screenBtn = h('button', { type: 'button', class: 'ctrl-btn', testid: 'toggle-screen', hidden: true, 'aria-pressed': 'false' });
  const unreadBadge = h('span', { class: 'unread', hidden: true, testid: 'chat-unread' });
  const chatBtn = h('button', {
    type: 'button', class: 'ctrl-btn ctrl-chat', testid: 'toggle-chat', 'aria-controls': 'room-side', 'aria-expanded': 'false',
    tAttrs: { 'aria-label': 'room.openChat', title: 'room.openChat' }, onclick: () => setDrawer(!drawerOpen),
  }, icon('chat'), unreadBadge);
  const leaveBtn = h('button', { type: 'button', class: 'ctrl-btn ctrl-leave', testid: 'leave', onclick: () => leave() },
    icon('leave'), h('span', { class: 'ctrl-label', t: 'room.leave' }));
  const controls = h('div', { class: 'room-controls', role: 'toolbar', tAttrs: { 'aria-label': 'room.controls' } },
    micBtn, camBtn, screenBtn, chatBtn, leaveBtn);

  const view = h('section', { class: 'room', testid: 'room-view', dataset: { code: room.code } },
    topBar,
    h('div', { class: 'room-body' }, stage, backdrop, side),
    controls);
  container.append(view);

  // ---- the media plane ----
  const roomMedia = new RoomMedia({ client, local: media });
  view.append(roomMedia.audioHost);

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
    grid.setVideo(selfId, media.cameraOn ? media.stream : null);
    grid.setMic(selfId, media.micOn);
  }
  const onMediaChange = () => {
    renderSelfMedia();
    if (participants.has(selfId)) renderPeopleList();
  };
  media.addEventListener('change', onMediaChange);

  // Remote video, microphone state, the active speaker and the screen shares, from the
  // participants' `media` (what they say they send) and the tracks the SFU gives us.
  const remoteStreams = new Map(); // `${id}/${source}` -> {track, stream}
  function streamOf(id, source, track) {
    const key = `${id}/${source}`;
    const cur = remoteStreams.get(key);
    if (cur?.track === track) return cur.stream;
    const stream = new MediaStream([track]);
    remoteStreams.set(key, { track, stream });
    return stream;
  }
  const live = (track) => Boolean(track && track.readyState === 'live');
  function renderMedia() {
    if (!selfId) return;
    const keep = new Set();
    const shares = [];
    if (roomMedia.screenStream) shares.push({ id: selfId, name: self?.name ?? '', self: true, stream: roomMedia.screenStream });
    for (const p of sortParticipants([...participants.values()], selfId)) {
      if (p.id === selfId) continue;
      const tracks = roomMedia.remoteTracks(p.id);
      // The avatar unless they say the camera is on and its frames arrive (an unmuted track).
      const camera = p.media?.camera && live(tracks.camera) && !tracks.camera.muted ? tracks.camera : null;
      if (camera) keep.add(`${p.id}/camera`);
      grid.setVideo(p.id, camera ? streamOf(p.id, 'camera', camera) : null);
      grid.setMic(p.id, p.media ? Boolean(p.media.mic) : null);
      grid.setSpeaking(p.id, roomMedia.speaker === p.id);
      if (p.media?.screen && live(tracks.screen)) {
        keep.add(`${p.id}/screen`);
        shares.push({ id: p.id, name: p.name, self: false, stream: streamOf(p.id, 'screen', tracks.screen) });
      }
    }
    for (const key of remoteStreams.keys()) if (!keep.has(key)) remoteStreams.delete(key);
    screens.render(shares);
    stageEl.dataset.layout = shares.length > 0 ? 'screen' : 'grid';
    renderScreenButton();
  }

  function renderScreenButton() {
    const on = Boolean(roomMedia.screenTrack);
    screenBtn.hidden = !(roomMedia.enabled && screenShareSupported()) || roomMedia.status === 'full' || roomMedia.status === 'unsupported';
    screenBtn.replaceChildren(screenIcon());
    screenBtn.setAttribute('aria-pressed', String(on));
    screenBtn.dataset.state = on ? 'on' : 'off';
    screenBtn.classList.toggle('active', on);
    bindAttr(screenBtn, 'aria-label', on ? 'room.stopShare' : 'room.shareScreen');
    bindAttr(screenBtn, 'title', on ? 'room.stopShare' : 'room.shareScreen');
  }
  screenBtn.addEventListener('click', async () => {
    if (roomMedia.screenTrack) {
      roomMedia.stopScreen();
      return;
    }
    screenBtn.disabled = true;
    const err = await roomMedia.startScreen();
    screenBtn.disabled = false;
    if (err && err !== 'cancelled' && !destroyed) toast(`room.screenError.${err === 'unsupported' ? 'unsupported' : 'other'}`, { kind: 'error', timeout: 8000 });
  });

  const MEDIA_STATUS = {
    reconnecting: { key: 'media.status.reconnecting', tone: 'reconnecting' },
    unavailable: { key: 'media.status.unavailable', tone: 'offline', retry: true },
    failed: { key: 'media.status.failed', tone: 'offline', retry: true },
    full: { key: 'media.status.full', tone: 'reconnecting', retry: true },
    unsupported: { key: 'media.status.unsupported', tone: 'offline' },
  };
  function renderMediaStatus() {
    const s = MEDIA_STATUS[roomMedia.status];
    mediaStatus.hidden = !s;
    if (!s) { delete mediaStatus.dataset.media; return; }
    mediaStatus.dataset.state = s.tone;
    mediaStatus.dataset.media = roomMedia.status;
    bindText(mediaStatusText, s.key);
    mediaRetry.hidden = !s.retry;
  }
  let soundToastShown = false;
  roomMedia.addEventListener('remote', () => { renderMedia(); if (selfId) renderPeopleList(); });
  roomMedia.addEventListener('speaker', () => renderMedia());
  roomMedia.addEventListener('screen', () => renderMedia());
  roomMedia.addEventListener('status', () => { renderMediaStatus(); renderScreenButton(); if (selfId) renderPeopleList(); });
  roomMedia.addEventListener('notice', (e) => toast(e.detail.key, { kind: 'error', timeout: 8000 }));
  roomMedia.addEventListener('autoplay-blocked', () => {
    if (soundToastShown) return;
    soundToastShown = true;
    toast('room.soundBlocked', {
      timeout: 0,
      action: { label: 'room.enableSound', run: () => { soundToastShown = false; roomMedia.resumeAudio(); } },
    });
  });

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
  // The self entry shows what this browser sends (the server's copy may lag behind); without a
  // media connection (none yet, or the room has no media place) it sends nothing.
  function listWithSelf() {
    return [...participants.values()].map((p) => (p.id === selfId && roomMedia.enabled && roomMedia.receive
      ? { ...p, media: { mic: media.micOn, camera: media.cameraOn, screen: Boolean(roomMedia.screenTrack) } }
      : p));
  }
  function renderPeopleList() {
    people.render(listWithSelf(), selfId);
  }
  function renderPeople() {
    const list = [...participants.values()];
    people.render(listWithSelf(), selfId);
    grid.render(list, selfId);
    renderSelfMedia();
    renderMedia();
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
    const { code, retryAfter, ref } = e.detail;
    if (code === 'not_joined' || code === 'already_joined') return; // transient, handled by reconnecting
    // Media errors are explained by the media plane (RoomMedia 'notice' and 'status').
    if ((typeof ref === 'string' && ref.startsWith('media.')) || String(code).startsWith('media_')) return;
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
    mediaVersion: roomMedia.version,
    mediaStatus: roomMedia.status,
    screen: Boolean(roomMedia.screenTrack),
    speaker: roomMedia.speaker,
  }));

  client.connect();

  return {
    name: 'room',
    client,
    media: roomMedia,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      roomMedia.destroy();
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

