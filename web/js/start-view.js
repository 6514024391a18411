// The start page: join by code, create a room, my rooms; guests are invited to sign in.
import { h, append, clear, icon } from '/assets/js/dom.js';
import { api } from '/assets/js/api.js';
import { field } from '/assets/js/dialog.js';
import { formatDate, bind, t } from '/assets/js/i18n.js';
import { currentUser, onUserChange, setUser } from '/assets/js/session.js';
import { normalizeRoomCode, setRoomName } from '/assets/js/room-code.js';
import { openAuthDialog } from '/assets/js/auth-view.js';
import { toastError } from '/assets/js/toast.js';

export function mountStartView(container, { navigate, notice }) {
  const page = h('section', { class: 'page start-page', testid: 'start-page' });
  container.append(page);
  let disposed = false;

  const hero = h('div', { class: 'hero' },
    h('h1', { class: 'hero-title', t: 'start.title' }),
    h('p', { class: 'hero-subtitle', t: 'start.subtitle' }),
    h('a', {
      href: '/echo', class: 'btn btn-secondary btn-sm hero-check', testid: 'echo-link',
      onclick: (e) => { if (e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey) { e.preventDefault(); navigate('/echo'); } },
    }, icon('camera'), h('span', { t: 'echo.link' })));

  let noticeEl = null;
  if (notice?.kind === 'left') {
    noticeEl = h('div', { class: 'notice', role: 'status', testid: 'notice' },
      h('span', { t: 'start.leftMeeting' }),
      notice.code ? h('button', {
        type: 'button', class: 'btn btn-ghost btn-sm', t: 'start.rejoin', testid: 'rejoin',
        onclick: () => navigate(`/r/${notice.code}`),
      }) : null);
  } else if (notice?.kind === 'replaced') {
    noticeEl = h('div', { class: 'notice', role: 'status', testid: 'notice' }, h('span', { t: 'room.replaced' }));
  }

  // ---- join by code ----
  const codeInput = h('input', {
    type: 'text', name: 'code', testid: 'join-code-input', autocomplete: 'off', autocapitalize: 'none',
    spellcheck: 'false', tAttrs: { placeholder: 'start.codePlaceholder' }, inputmode: 'text',
  });
  const codeField = field({ labelKey: 'start.codeLabel', input: codeInput, errorTestid: 'join-code-error' });
  const joinForm = h('form', { class: 'card join-card', novalidate: true },
    h('h2', { class: 'card-title', t: 'start.joinTitle' }),
    h('div', { class: 'inline-form' }, codeField.wrap,
      h('button', { type: 'submit', class: 'btn btn-primary', t: 'start.join', testid: 'join-code-submit' })));
  joinForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const code = normalizeRoomCode(codeInput.value);
    if (!code) {
      codeField.setError(codeInput.value.trim() ? 'start.codeInvalid' : 'start.codeRequired');
      codeInput.focus();
      return;
    }
    codeField.setError(null);
    navigate(`/r/${code}`);
  });
  codeInput.addEventListener('input', () => codeField.setError(null));

  const userArea = h('div', { class: 'start-user-area' });
  append(page, [hero, noticeEl, h('div', { class: 'start-grid' }, joinForm, userArea)]);

  function render(user) {
    clear(userArea);
    if (!user) {
      userArea.append(h('div', { class: 'card guest-card', testid: 'guest-prompt' },
        h('h2', { class: 'card-title', t: 'start.guestTitle' }),
        h('p', { class: 'muted', t: 'start.guestText' }),
        h('div', { class: 'button-row' },
          h('button', { type: 'button', class: 'btn btn-primary', t: 'auth.signIn', testid: 'start-signin', onclick: () => openAuthDialog('signin') }),
          h('button', { type: 'button', class: 'btn btn-secondary', t: 'auth.signUp', testid: 'start-signup', onclick: () => openAuthDialog('signup') }))));
      return;
    }
    userArea.append(createCard(), myRoomsCard());
  }

  function createCard() {
    const nameInput = h('input', { type: 'text', maxLength: 100, testid: 'room-name-input', tAttrs: { placeholder: 'start.roomNamePlaceholder' } });
    const nameField = field({ labelKey: 'start.roomNameLabel', input: nameInput });
    const allowGuests = h('input', { type: 'checkbox', checked: true, testid: 'room-allow-guests', id: 'allow-guests' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', t: 'start.create', testid: 'create-room' });
    const form = h('form', { class: 'card create-card', novalidate: true },
      h('h2', { class: 'card-title', t: 'start.createTitle' }),
      nameField.wrap,
      h('label', { class: 'checkbox', for: 'allow-guests' }, allowGuests, h('span', { t: 'start.allowGuests' })),
      h('div', { class: 'form-actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      nameField.setError(null);
      submit.disabled = true;
      try {
        const room = await api.createRoom({ name: nameInput.value.trim(), allowGuests: allowGuests.checked });
        navigate(`/r/${room.code}`);
      } catch (err) {
        if (err.code === 'not_signed_in') { setUser(null); toastError(err); return; }
        if (err.code === 'invalid_field' && err.field === 'name') { nameField.setError('field.name.invalid'); return; }
        toastError(err);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  function myRoomsCard() {
    const body = h('div', { class: 'my-rooms-body' }, h('p', { class: 'muted', t: 'common.loading' }));
    const card = h('section', { class: 'card my-rooms', testid: 'my-rooms', 'aria-labelledby': 'my-rooms-title' },
      h('h2', { class: 'card-title', id: 'my-rooms-title', t: 'start.myRooms' }), body);
    api.myRooms().then((data) => {
      if (disposed) return;
      clear(body);
      const owned = data.owned ?? [];
      const ownedCodes = new Set(owned.map((r) => r.code));
      const recent = (data.recent ?? []).filter((r) => !ownedCodes.has(r.code));
      if (owned.length === 0 && recent.length === 0) {
        body.append(h('p', { class: 'muted', t: 'start.noRooms', testid: 'my-rooms-empty' }));
        return;
      }
      if (owned.length) body.append(h('h3', { class: 'list-title', t: 'start.ownedRooms' }), roomList(owned, 'owned'));
      if (recent.length) body.append(h('h3', { class: 'list-title', t: 'start.recentRooms' }), roomList(recent, 'recent'));
    }).catch((err) => {
      if (disposed) return;
      if (err.code === 'not_signed_in') { setUser(null); return; }
      clear(body);
      body.append(h('p', { class: 'form-error', role: 'alert', t: [`error.${err.code === 'network' ? 'network' : 'unknown'}`] }));
    });
    return card;
  }

  function roomList(rooms, kind) {
    return h('ul', { class: 'room-list' }, rooms.map((room) => {
      const link = h('a', { href: `/r/${room.code}`, class: 'room-link', testid: 'my-rooms-item', dataset: { code: room.code, kind } },
        h('span', { class: 'room-link-name' }, setRoomName(h('span'), room)),
        h('span', { class: 'room-link-meta' },
          h('code', { class: 'room-link-code', text: room.code }),
          h('span', { class: 'room-link-date' }, bindDate(room, kind))),
        icon('chevron', 'room-link-arrow'));
      link.addEventListener('click', (e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(`/r/${room.code}`);
      });
      return h('li', null, link);
    }));
  }

  function bindDate(room, kind) {
    const el = h('span');
    const when = kind === 'recent' ? room.lastJoinedAt ?? room.createdAt : room.createdAt;
    if (!when) return el;
    // The date is formatted again when the language changes.
    return bind(el, 'text', (node) => {
      node.textContent = t(kind === 'recent' ? 'start.lastJoined' : 'start.created', { date: formatDate(when) });
    });
  }

  render(currentUser());
  const offUser = onUserChange((user) => { if (!disposed) render(user); });
  return {
    name: 'start',
    destroy() { disposed = true; offUser(); },
  };
}
