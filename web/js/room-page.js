// /r/<code>: look the room up, then the pre-join screen, then the meeting.
// Owns the LocalMedia so the camera survives going from pre-join to the room and back.
import { h, clear } from '/assets/js/dom.js';
import { api } from '/assets/js/api.js';
import { normalizeRoomCode } from '/assets/js/room-code.js';
import { LocalMedia } from '/assets/js/media.js';
import { mountPrejoin } from '/assets/js/prejoin-view.js';
import { mountRoomView } from '/assets/js/room-view.js';
import { bindText } from '/assets/js/i18n.js';

export function mountRoomPage(container, { navigate, code: rawCode }) {
  const code = normalizeRoomCode(rawCode);
  const root = h('div', { class: 'room-page' });
  container.append(root);
  let child = null;
  let destroyed = false;
  let media = null;

  function show(view) {
    child?.destroy?.();
    child = view;
    document.body.dataset.view = view?.name ?? '';
  }

  function showMessage({ titleKey, textKey, testid, actions = [] }) {
    show(null);
    clear(root);
    root.append(h('section', { class: 'page page-center', testid },
      h('div', { class: 'card card-message' },
        h('h1', { t: titleKey }),
        textKey ? h('p', { class: 'muted', t: textKey }) : null,
        h('div', { class: 'button-row button-row-center' }, actions))));
    document.body.dataset.view = testid;
  }

  const homeButton = (primary = true) => h('button', {
    type: 'button', class: ['btn', primary ? 'btn-primary' : 'btn-secondary'], t: 'common.backHome', testid: 'back-home',
    onclick: () => navigate('/'),
  });

  function notFound() {
    stopMedia();
    showMessage({ titleKey: 'room.notFoundTitle', textKey: 'room.notFoundText', testid: 'room-not-found', actions: [homeButton()] });
  }

  function stopMedia() {
    media?.stop();
  }

  async function load() {
    if (!code) { notFound(); return; }
    if (`/r/${code}` !== location.pathname) history.replaceState(history.state, '', `/r/${code}`);
    clear(root);
    const loading = h('div', { class: 'page page-center', testid: 'room-loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }));
    bindText(loading.appendChild(h('span', { class: 'muted' })), 'common.loading');
    root.append(loading);
    let room;
    try {
      room = await api.getRoom(code);
    } catch (err) {
      if (destroyed) return;
      if (err.code === 'not_found') { notFound(); return; }
      showMessage({
        titleKey: 'room.loadFailedTitle', textKey: err.code === 'network' ? 'error.network' : 'error.unknown', testid: 'room-load-failed',
        actions: [h('button', { type: 'button', class: 'btn btn-primary', t: 'common.tryAgain', onclick: () => load() }), homeButton(false)],
      });
      return;
    }
    if (destroyed) return;
    media = media ?? new LocalMedia();
    prejoin(room);
  }

  function prejoin(room, notice) {
    clear(root);
    show(mountPrejoin(root, {
      room, media, notice,
      onJoin: ({ name }) => join(room, name),
    }));
  }

  function join(room, name) {
    clear(root);
    show(mountRoomView(root, {
      room, media, name,
      onLeave: () => {
        show(null);
        stopMedia();
        navigate('/', { state: { notice: { kind: 'left', code: room.code } } });
      },
      onFatal: (errorCode) => {
        if (errorCode === 'room_not_found') { notFound(); return; }
        if (errorCode === 'room_full' || errorCode === 'unsupported_version') {
          stopMedia();
          showMessage({
            titleKey: `room.${errorCode === 'room_full' ? 'fullTitle' : 'updateTitle'}`,
            textKey: `error.${errorCode}`, testid: errorCode === 'room_full' ? 'room-full' : 'room-update-needed',
            actions: [
              errorCode === 'room_full'
                ? h('button', { type: 'button', class: 'btn btn-primary', t: 'common.tryAgain', onclick: () => load() })
                : h('button', { type: 'button', class: 'btn btn-primary', t: 'common.reload', onclick: () => location.reload() }),
              homeButton(false),
            ],
          });
          return;
        }
        // guests_not_allowed, invalid_name: back to the pre-join screen, which explains.
        if (errorCode === 'guests_not_allowed') room.allowGuests = false;
        prejoin(room, errorCode);
      },
      onReplaced: () => {
        stopMedia();
        showMessage({
          titleKey: 'room.replacedTitle', textKey: 'room.replaced', testid: 'room-replaced',
          actions: [h('button', { type: 'button', class: 'btn btn-primary', t: 'room.rejoinHere', onclick: () => load() }), homeButton(false)],
        });
      },
    }));
  }

  load();
  return {
    name: 'room-page',
    destroy() {
      destroyed = true;
      show(null);
      stopMedia();
    },
  };
}
