// Who is in the room: the side list (with a plural-aware count) and the video tiles.
import { h, avatar, clear, icon } from '/assets/js/dom.js';
import { bindText } from '/assets/js/i18n.js';

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
  constructor() {
    this.el = h('div', { class: 'tile-grid', testid: 'tile-grid' });
    this.tiles = new Map(); // participant id -> {el, video, avatarWrap, nameEl, badge, micOff, p, stream}
  }

  render(participants, selfId) {
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
    // Keep DOM order in sync without re-creating (re-attaching a playing <video> flickers).
    sorted.forEach((p, i) => {
      const el = this.tiles.get(p.id).el;
      if (this.el.children[i] !== el) this.el.insertBefore(el, this.el.children[i] ?? null);
    });
    this.el.dataset.count = String(Math.min(sorted.length, 17));
  }

  createTile(p, isSelf) {
    // Remote sound plays through the media plane's <audio> elements: tile videos are always muted.
    const video = h('video', { class: ['tile-video', isSelf && 'mirrored'], autoplay: true, playsInline: true, muted: true, hidden: true });
    const avatarWrap = h('div', { class: 'tile-avatar' });
    const nameEl = h('span', { class: 'tile-name-text' });
    const micOff = h('span', { class: 'tile-mic-off', hidden: true, tAttrs: { title: 'room.micOff', 'aria-label': 'room.micOff' }, role: 'img' }, icon('micOff'));
    const badge = h('span', { class: 'tile-badge', testid: 'tile-reconnecting', t: 'room.reconnectingBadge', hidden: true });
    const el = h('div', {
      class: ['tile', isSelf && 'tile-self'], testid: 'tile',
      dataset: { participantId: p.id, self: String(isSelf), video: 'off', mic: 'off', speaking: 'false' },
    },
    video, avatarWrap, badge,
    h('div', { class: 'tile-name' }, micOff,
      h('span', { class: 'tile-speaking', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')),
      nameEl, isSelf ? h('span', { class: 'tile-you', t: 'room.youParen' }) : null));
    return { el, video, avatarWrap, nameEl, badge, micOff, p: null, stream: null };
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
    const hasVideo = Boolean(stream && stream.getVideoTracks().some((t) => t.readyState === 'live'));
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

  /** shares: [{id, name, self, stream}] in display order. */
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
    const el = h('div', { class: ['screen-tile', s.self && 'screen-tile-self'], testid: 'screen-tile', dataset: { participantId: s.id, self: String(s.self) } },
      video,
      h('div', { class: 'tile-name screen-name' }, screenIcon(), caption));
    return { el, video, caption, name: null, self: s.self };
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
