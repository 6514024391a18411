// Room codes: ten letters shown as xxx-xxxx-xxx; typed in any case, with or without dashes,
// or pasted as a whole link.
import { bindText } from '/assets/js/i18n.js';

/** The canonical code, or null when the input cannot be a room code. */
export function normalizeRoomCode(input) {
  let text = String(input ?? '').trim();
  const fromLink = text.match(/\/r\/([^/?#\s]+)/);
  if (fromLink) text = decodeURIComponent(fromLink[1]);
  const letters = text.toLowerCase().replace(/[\s\-_.]/g, '');
  if (!/^[a-z]{10}$/.test(letters)) return null;
  return `${letters.slice(0, 3)}-${letters.slice(3, 7)}-${letters.slice(7)}`;
}

export function roomLink(code) {
  return `${location.origin}/r/${code}`;
}

/** A room's name as text, or the translated "Untitled meeting" bound to the element. */
export function setRoomName(el, room) {
  if (room?.name?.trim()) {
    el.removeAttribute('data-i18n');
    el.textContent = room.name;
  } else {
    bindText(el, 'room.untitled');
  }
  return el;
}
