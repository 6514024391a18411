// Who is in the room: the side list (with a plural-aware count) and the video tiles.
import { h, avatar, clear, icon } from '/assets/js/dom.js';
import { bind, bindText, bindAttr, t } from '/assets/js/i18n.js';

// Remote tiles per page of the grid (the self tile is on every page).
export const TILES_PER_PAGE = 9;
const BARS_OF = { good: 3, fair: 2, poor: 1 };

/** Network-quality bars (three rising bars; `data-level` colours them). */
export function qualityIndicator(testid, extraClass) {
  const svg = h('svg', {
    class: 'quality-bars', viewBox: '0 0 16 16', width: 16, height: 16, svg: true, 'aria-hidden': 'true', focusable: 'false',
  });
  [[1, 10, 4], [6, 6, 8], [11, 2, 12]].forEach(([x, y, height]) => svg.append(h('rect', { x, y, width: 4, height, rx: 1, svg: true })));
  return h('span', { class: ['quality', extraClass], role: 'img', testid, hidden: true }, svg);
}

/**
 * Shows `q` ({level, lossPct, rttMs, downlinkKbps} or null: hidden) on an indicator made by
 * qualityIndicator(). The label (aria-label and tooltip) carries the numbers; `self` words it as
 * "Your connection".
 */
export function renderQuality(el, q, { self = false } = {}) {
  if (!q) {
    el.hidden = true;
    delete el.dataset.level;
    return;
  }
  el.hidden = false;
  el.dataset.level = q.level;
  el.dataset.lossPct = q.lossPct ?? '';
  el.dataset.rttMs = q.rttMs ?? '';
  el.dataset.downlinkKbps = q.downlinkKbps ?? '';
  const bars = BARS_OF[q.level] ?? 0;
  [...el.querySelectorAll('rect')].forEach((r, i) => r.classList.toggle('on', i < bars));
  const label = () => {
    const level = t(`quality.level.${q.level}`);
    const head = t(self ? 'quality.self' : 'quality.other', { level });
    if (q.lossPct === null && q.rttMs === null && q.downlinkKbps === null) return head;
    const parts = [];
    if (q.lossPct !== null) parts.push(t('quality.loss', { value: Math.round(q.lossPct * 10) / 10 }));
    if (q.rttMs !== null) parts.push(t('quality.rtt', { value: Math.round(q.rttMs) }));
    if (q.downlinkKbps !== null) parts.push(t('quality.downlink', { value: Math.round(q.downlinkKbps) }));
    return `${head} — ${parts.join(', ')}`;
  };
  bind(el, 'attr:quality', (node) => {
    const text = label();
    node.setAttribute('aria-label', text);
    node.setAttribute('title', text);
  });
}

/** A pin (the "show large" button of a tile). */
function pinIcon() {
  const svg = h('svg', {
    class: 'icon', viewBox: '0 0 24 24', width: 18, height: 18, fill: 'none', svg: true,
    stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round',
    'aria-hidden': 'true', focusable: 'false',
  });
  svg.append(h('path', { d: 'M9 4h6l-1 6 3 3v2H7v-2l3-3zM12 15v6', svg: true }));
  return svg;
}

/** Self first, then the owner, then by arrival. */
export function sortParticipants(list, selfId) {
  return [...list].sort((a, b) => {
    if (a.id === selfId) return -1;
    if (b.id === selfId) return 1;
    if (a.isOwner !== b.isOwner) return a.isOwner ? -1 : 1;
    return (a.joinedAt ?? 0) - (b.joinedAt ?? 0);
  });
}

export class ParticipantList {
  constructor() {
    this.quality = new Map(); // participant id -> media.quality entry
    this.count = h('span', { class: 'participant-count', testid: 'participant-count' });
    this.list = h('ul', { class: 'participant-list', testid: 'participant-list' });
    this.el = h('section', { class: 'participants', 'aria-labelledby': 'participants-title' },
      h('h2', { class: 'side-title', id: 'participants-title' }, this.count),
      this.list);
  }

  render(participants, selfId) {
    const sorted = sortParticipants(participants, selfId);
    bindText(this.count, 'room.participantCount', { count: sorted.length });
    this.count.dataset.count = String(sorted.length);
    clear(this.list);
    for (const p of sorted) {
      const badges = h('span', { class: 'badges' },
        p.id === selfId ? h('span', { class: 'badge', t: 'room.you' }) : null,
        p.isOwner ? h('span', { class: 'badge badge-owner', t: 'room.owner' }) : null,
        p.isGuest ? h('span', { class: 'badge badge-muted', t: 'room.guest' }) : null,
        p.media?.screen ? h('span', { class: 'badge badge-screen', t: 'room.sharingBadge', testid: 'participant-sharing' }) : null,
        p.state === 'reconnecting' ? h('span', { class: 'badge badge-warn', t: 'room.reconnectingBadge', testid: 'participant-reconnecting' }) : null,
        p.media && !p.media.mic
          ? h('span', { class: 'participant-mic-off', role: 'img', testid: 'participant-mic-off', tAttrs: { title: 'room.micOff', 'aria-label': 'room.micOff' } }, icon('micOff'))
          : null);
      const quality = qualityIndicator('participant-quality');
      renderQuality(quality, this.quality.get(p.id) ?? null, { self: p.id === selfId });
      badges.append(quality);
      this.list.append(h('li', {
        class: ['participant', p.state === 'reconnecting' && 'is-reconnecting'],
        testid: 'participant-item', dataset: { participantId: p.id, state: p.state, self: String(p.id === selfId) },
      }, avatar(p.name, 'sm'), h('span', { class: 'participant-name', text: p.name }), badges));
    }
  }
}

/**
 * One tile per participant. The self tile shows the local camera; remote tiles show an avatar
 * until the media plane gives a live video (setVideo). Each tile tells tests what it shows:
 * data-video (a live video is showing), data-mic, data-speaking.
 */
export class TileGrid {
  /** onPin(participantId | null): the user pinned a tile (or unpinned it); onPage(): the page changed. */
  constructor({ onPin = () => {}, onPage = () => {} } = {}) {
    this.onPin = onPin;
    this.onPage = onPage;
    this.el = h('div', { class: 'tile-grid', testid: 'tile-grid' });
    // The pinned participant, large above the others.
    this.pinArea = h('div', { class: 'pin-area', testid: 'pin-area', hidden: true });
    this.pageLabel = h('span', { class: 'tile-page-label', testid: 'tile-page-label', 'aria-live': 'polite' });
    this.prevBtn = h('button', {
      type: 'button', class: 'btn btn-ghost btn-sm', testid: 'tile-page-prev', tAttrs: { 'aria-label': 'room.pagePrev', title: 'room.pagePrev' },
      onclick: () => this.setPage(this.page - 1),
    }, h('span', { class: 'chevron-left', 'aria-hidden': 'true' }, icon('chevron')));
    this.nextBtn = h('button', {
      type: 'button', class: 'btn btn-ghost btn-sm', testid: 'tile-page-next', tAttrs: { 'aria-label': 'room.pageNext', title: 'room.pageNext' },
      onclick: () => this.setPage(this.page + 1),
    }, icon('chevron'));
    this.pager = h('nav', { class: 'tile-pager', testid: 'tile-pager', hidden: true, tAttrs: { 'aria-label': 'room.pages' } },
      this.prevBtn, this.pageLabel, this.nextBtn);
    this.tiles = new Map(); // participant id -> {el, video, avatarWrap, nameEl, badge, micOff, quality, lowBw, pin, p, stream, offPage}
    this.sorted = [];
    this.selfId = null;
    this.pinned = null; // participant id shown large
    this.pinLarge = true; // false while screen shares take the large area
    this.page = 0;
    this.pages = 1;
  }

  render(participants, selfId) {
    this.selfId = selfId;
    const sorted = sortParticipants(participants, selfId);
    const seen = new Set();
    for (const p of sorted) {
      seen.add(p.id);
      let tile = this.tiles.get(p.id);
      if (!tile) {
        tile = this.createTile(p, p.id === selfId);
        this.tiles.set(p.id, tile);
      }
      this.updateTile(tile, p);
    }
    for (const [id, tile] of this.tiles) {
      if (!seen.has(id)) {
        tile.video.srcObject = null;
        tile.el.remove();
        this.tiles.delete(id);
      }
    }
    this.sorted = sorted;
    if (this.pinned && !this.tiles.has(this.pinned)) this.pinned = null;
    this.arrange();
  }

  /** Places the tiles: the pinned one large, the others on pages of TILES_PER_PAGE remote tiles. */
  arrange() {
    const sorted = this.sorted;
    const large = this.pinned && this.pinLarge ? this.pinned : null;
    const remotes = sorted.filter((p) => p.id !== this.selfId && p.id !== large);
    this.pages = Math.max(1, Math.ceil(remotes.length / TILES_PER_PAGE));
    this.page = Math.min(Math.max(0, this.page), this.pages - 1);
    const onPage = new Set(remotes.slice(this.page * TILES_PER_PAGE, (this.page + 1) * TILES_PER_PAGE).map((p) => p.id));
    // Keep DOM order in sync without re-creating (re-attaching a playing <video> flickers).
    let i = 0;
    let shown = 0;
    for (const p of sorted) {
      const tile = this.tiles.get(p.id);
      const pinnedHere = p.id === this.pinned;
      tile.el.classList.toggle('tile-pinned', pinnedHere);
      tile.el.dataset.pinned = String(pinnedHere);
      if (tile.pin) {
        tile.pin.setAttribute('aria-pressed', String(pinnedHere));
        bindAttr(tile.pin, 'aria-label', pinnedHere ? 'room.unpin' : 'room.pin');
        bindAttr(tile.pin, 'title', pinnedHere ? 'room.unpin' : 'room.pin');
      }
      if (p.id === large) {
        if (tile.el.parentNode !== this.pinArea) this.pinArea.append(tile.el);
        tile.offPage = false;
        tile.el.hidden = false;
        tile.el.dataset.page = 'on';
        continue;
      }
      const visible = p.id === this.selfId || onPage.has(p.id);
      tile.offPage = !visible;
      tile.el.hidden = !visible;
      tile.el.dataset.page = visible ? 'on' : 'off';
      if (visible) shown += 1;
      if (this.el.children[i] !== tile.el) this.el.insertBefore(tile.el, this.el.children[i] ?? null);
      i += 1;
    }
    this.pinArea.hidden = !large;
    this.el.dataset.count = String(Math.min(shown, 17));
    this.pager.hidden = this.pages <= 1;
    this.prevBtn.disabled = this.page === 0;
    this.nextBtn.disabled = this.page >= this.pages - 1;
    this.pager.dataset.page = String(this.page + 1);
    this.pager.dataset.pages = String(this.pages);
    bindText(this.pageLabel, 'room.page', { page: this.page + 1, pages: this.pages });
  }

  setPage(page) {
    const before = this.page;
    this.page = page;
    this.arrange();
    if (this.page !== before) this.onPage();
  }

  /** Pins `participantId` (null: nobody); `large`: shown large (not while screen shares are). */
  setPinned(participantId, large = true) {
    if (this.pinned === participantId && this.pinLarge === large) return;
    this.pinned = participantId;
    this.pinLarge = large;
    this.arrange();
  }

  /** The remote tiles, with whether each is on the current page (or pinned large). */
  remoteTiles() {
    return [...this.tiles.entries()].filter(([id]) => id !== this.selfId).map(([id, tile]) => ({ id, el: tile.el, offPage: tile.offPage }));
  }

  createTile(p, isSelf) {
    // Remote sound plays through the media plane's <audio> elements: tile videos are always muted.
    const video = h('video', { class: ['tile-video', isSelf && 'mirrored'], autoplay: true, playsInline: true, muted: true, hidden: true });
    const avatarWrap = h('div', { class: 'tile-avatar' });
    const nameEl = h('span', { class: 'tile-name-text' });
    const micOff = h('span', { class: 'tile-mic-off', hidden: true, tAttrs: { title: 'room.micOff', 'aria-label': 'room.micOff' }, role: 'img' }, icon('micOff'));
    const badge = h('span', { class: 'tile-badge', testid: 'tile-reconnecting', t: 'room.reconnectingBadge', hidden: true });
    const lowBw = h('span', { class: 'tile-badge tile-badge-lowbw', testid: 'tile-low-bandwidth', t: 'room.lowBandwidth', hidden: true });
    const quality = qualityIndicator('tile-quality', 'tile-quality');
    const pin = isSelf ? null : h('button', {
      type: 'button', class: 'tile-pin', testid: 'tile-pin', 'aria-pressed': 'false',
      onclick: () => this.onPin(this.pinned === p.id ? null : p.id),
    }, pinIcon());
    const el = h('div', {
      class: ['tile', isSelf && 'tile-self'], testid: 'tile',
      dataset: { participantId: p.id, self: String(isSelf), video: 'off', mic: 'off', speaking: 'false', receiving: 'none', pinned: 'false' },
    },
    video, avatarWrap, badge, lowBw, pin,
    h('div', { class: 'tile-name' }, micOff,
      h('span', { class: 'tile-speaking', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')),
      nameEl, isSelf ? h('span', { class: 'tile-you', t: 'room.youParen' }) : null, quality));
    return { el, video, avatarWrap, nameEl, badge, lowBw, quality, pin, micOff, p: null, stream: null, offPage: false };
  }

  /** The network quality of a participant (null: not known). */
  setQuality(participantId, q, self = false) {
    const tile = this.tiles.get(participantId);
    if (tile) renderQuality(tile.quality, q, { self });
  }

  /**
   * What the server sends of a participant's camera: entry of media.receiving or null (not said).
   * A paused camera shows the avatar (the caller passes no stream); "bandwidth" adds a badge.
   */
  setReceiving(participantId, entry) {
    const tile = this.tiles.get(participantId);
    if (!tile) return;
    tile.el.dataset.receiving = entry ? entry.state : 'none';
    if (entry?.state === 'paused' && entry.reason) tile.el.dataset.pausedReason = entry.reason;
    else delete tile.el.dataset.pausedReason;
    tile.lowBw.hidden = !(entry?.state === 'paused' && entry.reason === 'bandwidth');
  }

  updateTile(tile, p) {
    if (tile.p?.name !== p.name) {
      clear(tile.avatarWrap).append(avatar(p.name, 'lg'));
      tile.nameEl.textContent = p.name;
    }
    tile.p = p;
    tile.el.dataset.state = p.state;
    tile.el.classList.toggle('is-reconnecting', p.state === 'reconnecting');
    tile.badge.hidden = p.state !== 'reconnecting';
  }

  /** Show `stream`'s video (or go back to the avatar with null) in a participant's tile. */
  setVideo(participantId, stream) {
    const tile = this.tiles.get(participantId);
    if (!tile) return false;
    if (tile.offPage) stream = null; // off-page tiles show avatars (and their video is not received)
    const hasVideo = Boolean(stream && stream.getVideoTracks().some((tr) => tr.readyState === 'live'));
    const src = hasVideo ? stream : null;
    if (tile.video.srcObject !== src) tile.video.srcObject = src;
    tile.stream = src;
    tile.video.hidden = !hasVideo;
    tile.avatarWrap.hidden = hasVideo;
    tile.el.classList.toggle('has-video', hasVideo);
    tile.el.dataset.video = hasVideo ? 'on' : 'off';
    if (hasVideo && tile.video.paused) tile.video.play?.()?.catch(() => {});
    return true;
  }

  /** on: true/false; null when unknown (a version-1 server): no icon. */
  setMic(participantId, on) {
    const tile = this.tiles.get(participantId);
    if (!tile) return;
    tile.micOff.hidden = on !== false;
    tile.el.dataset.mic = on ? 'on' : 'off';
  }

  setSpeaking(participantId, speaking) {
    const tile = this.tiles.get(participantId);
    if (!tile) return;
    const value = speaking ? 'true' : 'false';
    if (tile.el.dataset.speaking === value) return;
    tile.el.dataset.speaking = value;
    tile.el.classList.toggle('speaking', Boolean(speaking));
  }
}

/**
 * Screen shares, shown large above the tiles: one tile per sharing participant, captioned
 * "Aida's screen" (or "Your screen" for the presenter's own).
 */
export class ScreenArea {
  constructor() {
    this.el = h('div', { class: 'screen-area', testid: 'screen-area', hidden: true, dataset: { count: '0' } });
    this.tiles = new Map(); // participant id -> {el, video, caption, name, self}
  }

  /** shares: [{id, name, self, stream, receiving?, paused?}] in display order. */
  render(shares) {
    const seen = new Set();
    shares.forEach((s, i) => {
      seen.add(s.id);
      let tile = this.tiles.get(s.id);
      if (!tile || tile.self !== s.self) {
        if (tile) tile.el.remove();
        tile = this.createTile(s);
        this.tiles.set(s.id, tile);
      }
      if (tile.name !== s.name) {
        tile.name = s.name;
        if (s.self) bindText(tile.caption, 'room.yourScreen');
        else bindText(tile.caption, 'room.screenOf', { name: s.name });
      }
      const paused = s.paused ?? null; // null | 'bandwidth' | 'audioOnly' | other reason
      tile.el.dataset.receiving = s.receiving ?? 'none';
      if (paused) tile.el.dataset.pausedReason = paused; else delete tile.el.dataset.pausedReason;
      tile.paused.hidden = !paused;
      if (paused && tile.pausedKey !== paused) {
        tile.pausedKey = paused;
        bindText(tile.paused, `room.screenPaused.${paused === 'bandwidth' || paused === 'audioOnly' ? paused : 'other'}`);
      }
      if (tile.video.srcObject !== s.stream) tile.video.srcObject = s.stream;
      if (tile.video.paused) tile.video.play?.()?.catch(() => {});
      if (this.el.children[i] !== tile.el) this.el.insertBefore(tile.el, this.el.children[i] ?? null);
    });
    for (const [id, tile] of this.tiles) {
      if (!seen.has(id)) {
        tile.video.srcObject = null;
        tile.el.remove();
        this.tiles.delete(id);
      }
    }
    this.el.hidden = shares.length === 0;
    this.el.dataset.count = String(Math.min(shares.length, 4));
  }

  createTile(s) {
    const video = h('video', { class: 'screen-video', autoplay: true, playsInline: true, muted: true });
    const caption = h('span', { class: 'tile-name-text' });
    const paused = h('div', { class: 'screen-paused', testid: 'screen-paused', hidden: true });
    const el = h('div', { class: ['screen-tile', s.self && 'screen-tile-self'], testid: 'screen-tile', dataset: { participantId: s.id, self: String(s.self) } },
      video, paused,
      h('div', { class: 'tile-name screen-name' }, screenIcon(), caption));
    return { el, video, caption, paused, pausedKey: null, name: null, self: s.self };
  }
}

/** A monitor (the screen-share icon; drawn here like the icons of dom.js). */
export function screenIcon(off = false) {
  const svg = h('svg', {
    class: 'icon', viewBox: '0 0 24 24', width: 20, height: 20, fill: 'none', svg: true,
    stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round',
    'aria-hidden': 'true', focusable: 'false',
  });
  svg.append(h('rect', { x: 2, y: 3, width: 20, height: 14, rx: 2, svg: true }));
  svg.append(h('path', { d: off ? 'M8 21h8M12 17v4M3 3l18 18' : 'M8 21h8M12 17v4M12 13V7M9 10l3-3 3 3', svg: true }));
  return svg;
}
