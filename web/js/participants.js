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
        p.state === 'reconnecting' ? h('span', { class: 'badge badge-warn', t: 'room.reconnectingBadge', testid: 'participant-reconnecting' }) : null);
      this.list.append(h('li', {
        class: ['participant', p.state === 'reconnecting' && 'is-reconnecting'],
        testid: 'participant-item', dataset: { participantId: p.id, state: p.state, self: String(p.id === selfId) },
      }, avatar(p.name, 'sm'), h('span', { class: 'participant-name', text: p.name }), badges));
    }
  }
}

/**
 * One tile per participant. The self tile shows the local camera; remote tiles show an avatar
 * until the media plane attaches a stream (see TileGrid.attachStream).
 */
export class TileGrid {
  constructor() {
    this.el = h('div', { class: 'tile-grid', testid: 'tile-grid' });
    this.tiles = new Map(); // participant id -> {el, video, avatarEl, nameEl, badge, p, stream}
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
      if (!seen.has(id)) { tile.el.remove(); this.tiles.delete(id); }
    }
    // Keep DOM order in sync without re-creating (re-attaching a playing <video> flickers).
    sorted.forEach((p, i) => {
      const el = this.tiles.get(p.id).el;
      if (this.el.children[i] !== el) this.el.insertBefore(el, this.el.children[i] ?? null);
    });
    this.el.dataset.count = String(Math.min(sorted.length, 17));
  }

  createTile(p, isSelf) {
    const video = h('video', { class: ['tile-video', isSelf && 'mirrored'], autoplay: true, playsInline: true, muted: isSelf, hidden: true });
    const avatarWrap = h('div', { class: 'tile-avatar' });
    const nameEl = h('span', { class: 'tile-name-text' });
    const micOff = h('span', { class: 'tile-mic-off', hidden: true, tAttrs: { title: 'room.micOff', 'aria-label': 'room.micOff' }, role: 'img' }, icon('micOff'));
    const badge = h('span', { class: 'tile-badge', testid: 'tile-reconnecting', t: 'room.reconnectingBadge', hidden: true });
    const el = h('div', { class: ['tile', isSelf && 'tile-self'], testid: 'tile', dataset: { participantId: p.id, self: String(isSelf) } },
      video, avatarWrap, badge,
      h('div', { class: 'tile-name' }, micOff, nameEl, isSelf ? h('span', { class: 'tile-you', t: 'room.youParen' }) : null));
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

  /** Show `stream` (or go back to the avatar with null) in a participant's tile. */
  attachStream(participantId, stream) {
    const tile = this.tiles.get(participantId);
    if (!tile) return false;
    const hasVideo = Boolean(stream && stream.getVideoTracks().some((t) => t.readyState === 'live'));
    if (tile.video.srcObject !== stream) tile.video.srcObject = stream;
    tile.stream = stream;
    tile.video.hidden = !hasVideo;
    tile.avatarWrap.hidden = hasVideo;
    tile.el.classList.toggle('has-video', hasVideo);
    if (hasVideo) tile.video.play?.().catch(() => {});
    return true;
  }

  setMicOff(participantId, off) {
    const tile = this.tiles.get(participantId);
    if (tile) tile.micOff.hidden = !off;
  }

  setSpeaking(participantId, speaking) {
    this.tiles.get(participantId)?.el.classList.toggle('speaking', speaking);
  }
}
