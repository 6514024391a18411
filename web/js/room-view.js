// The meeting screen: tiles, participant list, chat, controls and the connection banner.
import { h, icon } from '/assets/js/dom.js';
import { bindText, bindAttr, storageGet, storageSet } from '/assets/js/i18n.js';
import { SignalingClient } from '/assets/js/signaling.js';
import { MicMeter, mediaErrorKey } from '/assets/js/media.js';
import { ChatPanel } from '/assets/js/chat.js';
import { ParticipantList, TileGrid, ScreenArea, screenIcon, sortParticipants, qualityIndicator, renderQuality } from '/assets/js/participants.js';
import { RoomMedia, screenShareSupported, CAP_LEVELS } from '/assets/js/room-media.js';
import { copyLink } from '/assets/js/clipboard.js';
import { roomLink, setRoomName } from '/assets/js/room-code.js';
import { toast, toastError } from '/assets/js/toast.js';
import { setStateProvider } from '/assets/js/debug.js';

const SENT_KEY = 'bailanys.sentClientIds';
const SENT_MAX = 500;
const NARROW = '(max-width: 900px)';
const AUDIO_ONLY_KEY = 'bailanys.audioOnly';

/** Headphones: the "audio only" control. */
function audioOnlyIcon() {
  const svg = h('svg', {
    class: 'icon', viewBox: '0 0 24 24', width: 20, height: 20, fill: 'none', svg: true,
    stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round',
    'aria-hidden': 'true', focusable: 'false',
  });
  svg.append(h('path', { d: 'M3 18v-6a9 9 0 0 1 18 0v6', svg: true }));
  svg.append(h('path', { d: 'M21 19a2 2 0 0 1-2 2h-1v-7h3zM3 19a2 2 0 0 0 2 2h1v-7H3z', svg: true }));
  return svg;
}

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
  // The room's video quality cap (everyone sees it; the owner sets it) and this browser's connection.
  const capChip = h('span', { class: 'cap-chip', testid: 'media-cap-notice', hidden: true });
  const capSelect = h('select', { class: 'cap-select', testid: 'media-cap-select', id: 'media-cap-select' },
    ...CAP_LEVELS.map((q) => h('option', { value: q, t: `media.cap.${q}` })));
  capSelect.value = 'high';
  const capControl = h('label', { class: 'cap-control', testid: 'media-cap-control', hidden: true, for: 'media-cap-select' },
    h('span', { class: 'cap-label', t: 'media.cap.label' }), capSelect);
  const myConnText = h('span', { class: 'my-connection-text', 'aria-hidden': 'true' });
  const myConn = qualityIndicator('my-connection', 'my-connection');
  myConn.append(myConnText);
  const topBar = h('div', { class: 'room-bar' },
    h('div', { class: 'room-title' }, nameEl, h('div', { class: 'room-code-row' }, codeEl, copyBtn)),
    h('div', { class: 'room-bar-side' }, capChip, capControl, myConn));

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
  const grid = new TileGrid({
    onPin: (id) => {
      roomMedia.setPrefs({ pinned: id ? [id] : [] });
      renderMedia();
    },
    onPage: () => renderMedia(),
  });
  const screens = new ScreenArea();
  const joining = h('div', { class: 'stage-message', testid: 'room-joining' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { t: 'room.joining' }));
  const stageEl = h('div', { class: 'stage', testid: 'stage', dataset: { layout: 'grid' } }, joining, screens.el, grid.pinArea, grid.el, grid.pager);
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
  const audioOnlyBtn = h('button', { type: 'button', class: 'ctrl-btn', testid: 'toggle-audio-only', hidden: true, 'aria-pressed': 'false' }, audioOnlyIcon());
  const unreadBadge = h('span', { class: 'unread', hidden: true, testid: 'chat-unread' });
  const chatBtn = h('button', {
    type: 'button', class: 'ctrl-btn ctrl-chat', testid: 'toggle-chat', 'aria-controls': 'room-side', 'aria-expanded': 'false',
    tAttrs: { 'aria-label': 'room.openChat', title: 'room.openChat' }, onclick: () => setDrawer(!drawerOpen),
  }, icon('chat'), unreadBadge);
  const leaveBtn = h('button', { type: 'button', class: 'ctrl-btn ctrl-leave', testid: 'leave', onclick: () => leave() },
    icon('leave'), h('span', { class: 'ctrl-label', t: 'room.leave' }));
  const controls = h('div', { class: 'room-controls', role: 'toolbar', tAttrs: { 'aria-label': 'room.controls' } },
    micBtn, camBtn, screenBtn, audioOnlyBtn, chatBtn, leaveBtn);

  const view = h('section', { class: 'room', testid: 'room-view', dataset: { code: room.code } },
    topBar,
    h('div', { class: 'room-body' }, stage, backdrop, side),
    controls);
  container.append(view);

  // ---- the media plane ----
  const roomMedia = new RoomMedia({ client, local: media, audioOnly: storageGet(AUDIO_ONLY_KEY) === '1' });
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
    const audioOnly = roomMedia.prefs.audioOnly;
    const remotes = sortParticipants([...participants.values()], selfId).filter((p) => p.id !== selfId);
    if (roomMedia.screenStream) shares.push({ id: selfId, name: self?.name ?? '', self: true, stream: roomMedia.screenStream });
    for (const p of remotes) {
      const tracks = roomMedia.remoteTracks(p.id);
      if (p.media?.screen && live(tracks.screen)) {
        keep.add(`${p.id}/screen`);
        const rec = roomMedia.receivingOf(p.id, 'screen');
        const paused = rec?.state === 'paused' ? (rec.reason ?? 'other') : (audioOnly ? 'audioOnly' : null);
        shares.push({ id: p.id, name: p.name, self: false, stream: streamOf(p.id, 'screen', tracks.screen), receiving: rec?.state ?? 'none', paused });
      }
    }
    // The pinned participant is large unless screen shares take the large area.
    const pinned = roomMedia.prefs.pinned.find((id) => participants.has(id) && id !== selfId) ?? null;
    grid.setPinned(pinned, shares.length === 0);
    for (const p of remotes) {
      const tracks = roomMedia.remoteTracks(p.id);
      const rec = roomMedia.receivingOf(p.id, 'camera');
      grid.setReceiving(p.id, rec);
      // The avatar unless they say the camera is on and its frames arrive (an unmuted track), the
      // server sends it (not paused) and we did not ask for audio only.
      const paused = rec?.state === 'paused' || audioOnly;
      const camera = !paused && p.media?.camera && live(tracks.camera) && !tracks.camera.muted ? tracks.camera : null;
      if (camera) keep.add(`${p.id}/camera`);
      grid.setVideo(p.id, camera ? streamOf(p.id, 'camera', camera) : null);
      grid.setMic(p.id, p.media ? Boolean(p.media.mic) : null);
      grid.setSpeaking(p.id, roomMedia.speaker === p.id);
    }
    for (const key of remoteStreams.keys()) if (!keep.has(key)) remoteStreams.delete(key);
    screens.render(shares);
    stageEl.dataset.layout = shares.length > 0 ? 'screen' : (pinned ? 'pinned' : 'grid');
    renderScreenButton();
    renderAudioOnlyButton();
    observeTiles();
    queueView();
  }

  // ---- what this page shows, for the server (media.view) ----
  // Each remote camera tile and screen share with its height on screen in device pixels; 0 when
  // it is off the page, scrolled out of sight, or the tab is hidden.
  const observed = new Set();
  const intersecting = new WeakMap();
  let viewFrame = 0;
  const io = typeof IntersectionObserver === 'function'
    ? new IntersectionObserver((entries) => {
      for (const e of entries) intersecting.set(e.target, e.isIntersecting);
      queueView();
    })
    : null;
  const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(() => queueView()) : null;
  function observeTiles() {
    const els = new Set([...grid.remoteTiles().map((x) => x.el), ...screens.el.querySelectorAll('[data-testid="screen-tile"]')]);
    for (const el of els) {
      if (observed.has(el)) continue;
      observed.add(el);
      io?.observe(el);
      ro?.observe(el);
    }
    for (const el of observed) {
      if (els.has(el)) continue;
      observed.delete(el);
      io?.unobserve(el);
      ro?.unobserve(el);
    }
  }
  function heightOf(el) {
    if (!el.isConnected || el.hidden || document.visibilityState === 'hidden') return 0;
    if (intersecting.get(el) === false) return 0;
    const rect = el.getBoundingClientRect();
    return Math.round(rect.height * (window.devicePixelRatio || 1));
  }
  function queueView() {
    if (viewFrame || destroyed) return;
    viewFrame = requestAnimationFrame(() => {
      viewFrame = 0;
      if (destroyed || !selfId) return;
      const tiles = [];
      for (const x of grid.remoteTiles()) tiles.push({ participantId: x.id, source: 'camera', height: x.offPage ? 0 : heightOf(x.el) });
      for (const el of screens.el.querySelectorAll('[data-testid="screen-tile"][data-self="false"]')) {
        tiles.push({ participantId: el.dataset.participantId, source: 'screen', height: heightOf(el) });
      }
      roomMedia.setView(tiles);
    });
  }
  const onVisibility = () => queueView();
  document.addEventListener('visibilitychange', onVisibility);

  function renderAudioOnlyButton() {
    const on = roomMedia.prefs.audioOnly;
    audioOnlyBtn.hidden = !roomMedia.enabled || roomMedia.status === 'full' || roomMedia.status === 'unsupported';
    audioOnlyBtn.setAttribute('aria-pressed', String(on));
    audioOnlyBtn.dataset.state = on ? 'on' : 'off';
    audioOnlyBtn.classList.toggle('active', on);
    bindAttr(audioOnlyBtn, 'aria-label', on ? 'room.audioOnlyOff' : 'room.audioOnlyOn');
    bindAttr(audioOnlyBtn, 'title', on ? 'room.audioOnlyOff' : 'room.audioOnlyOn');
  }
  audioOnlyBtn.addEventListener('click', () => {
    const on = !roomMedia.prefs.audioOnly;
    storageSet(AUDIO_ONLY_KEY, on ? '1' : null);
    roomMedia.setPrefs({ audioOnly: on });
    renderMedia();
  });

  // ---- the quality cap, and network quality ----
  function renderCap() {
    const q = roomMedia.cap;
    const limited = q === 'low' || q === 'medium';
    capChip.hidden = !limited;
    if (limited) bindText(capChip, `media.cap.chip.${q}`);
    capChip.dataset.quality = q ?? 'none';
    capSelect.value = q ?? 'high';
    capControl.hidden = !(self?.isOwner && roomMedia.enabled && roomMedia.adaptive !== false);
  }
  capSelect.addEventListener('change', () => {
    if (!roomMedia.requestCap(capSelect.value)) capSelect.value = roomMedia.cap ?? 'high';
  });
  roomMedia.addEventListener('cap', (e) => {
    renderCap();
    const { quality, by, initial } = e.detail;
    if (!initial && by !== selfId) toast(`media.cap.changed.${quality ?? 'high'}`, { timeout: 8000 });
  });
  function renderQualities() {
    for (const p of participants.values()) grid.setQuality(p.id, roomMedia.quality.get(p.id) ?? null, p.id === selfId);
    const mine = selfId ? roomMedia.quality.get(selfId) ?? null : null;
    renderQuality(myConn, mine, { self: true });
    if (mine) bindText(myConnText, `quality.short.${mine.level}`);
    people.quality = roomMedia.quality;
  }
  roomMedia.addEventListener('quality', () => { renderQualities(); if (selfId) renderPeopleList(); });
  roomMedia.addEventListener('receiving', () => renderMedia());
  roomMedia.addEventListener('prefs', () => renderAudioOnlyButton());

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
  roomMedia.addEventListener('status', () => { renderMediaStatus(); renderScreenButton(); renderAudioOnlyButton(); renderCap(); if (selfId) renderPeopleList(); });
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
    renderQualities();
    renderCap();
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
    const id = e.detail.participantId;
    if (roomMedia.prefs.pinned.includes(id)) roomMedia.setPrefs({ pinned: roomMedia.prefs.pinned.filter((x) => x !== id) });
    if (participants.delete(id)) renderPeople();
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
    if (roomMedia.claimed(e.detail)) return; // an older server refusing adaptive-quality messages
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
    audioOnly: roomMedia.prefs.audioOnly,
    pinned: [...roomMedia.prefs.pinned],
    mediaCap: roomMedia.cap,
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
      document.removeEventListener('visibilitychange', onVisibility);
      io?.disconnect();
      ro?.disconnect();
      cancelAnimationFrame(viewFrame);
      clearInterval(countdownTimer);
      clearTimeout(hideTimer);
      setStateProvider(null);
    },
  };
}

