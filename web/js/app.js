// Bootstrap and router. Pages: "/" (start), "/r/<code>" (a room) and "/echo" (the camera and
// network check). Everything else in web/ is served under /assets/, so every URL here is absolute.
import { h, clear } from '/assets/js/dom.js';
import { detectLanguage, setLanguage } from '/assets/js/i18n.js';
import { api } from '/assets/js/api.js';
import { setUser } from '/assets/js/session.js';
import { mountHeader } from '/assets/js/header.js';
import { mountStartView } from '/assets/js/start-view.js';
import { mountRoomPage } from '/assets/js/room-page.js';
import { mountNotFound } from '/assets/js/not-found-view.js';
import { mountEchoView } from '/assets/js/echo-view.js';

const main = h('main', { class: 'app-main', id: 'main' });
let currentView = null;

/** Go to a path inside the app. `state` travels with the history entry (e.g. a notice). */
export function navigate(path, { replace = false, state = null } = {}) {
  if (replace) history.replaceState(state, '', path);
  else history.pushState(state, '', path);
  route();
}

function route() {
  currentView?.destroy?.();
  currentView = null;
  clear(main);
  window.scrollTo(0, 0);
  const path = location.pathname;
  const state = history.state ?? {};
  const ctx = { navigate };
  const roomMatch = path.match(/^\/r\/([^/]+)\/?$/);
  if (path === '/' || path === '/index.html') {
    currentView = mountStartView(main, { ...ctx, notice: state.notice });
    // A notice shows once; reloading or going back does not repeat it.
    if (state.notice) history.replaceState({ ...state, notice: null }, '');
  } else if (path === '/echo' || path === '/echo/') {
    currentView = mountEchoView(main, ctx);
  } else if (roomMatch) {
    currentView = mountRoomPage(main, { ...ctx, code: decodeURIComponent(roomMatch[1]) });
  } else {
    currentView = mountNotFound(main, ctx);
  }
  document.body.dataset.view = currentView?.name ?? '';
}

async function start() {
  setLanguage(detectLanguage(), { remember: false });
  const root = document.getElementById('app');
  clear(root);
  // The session decides the language before anything is drawn, so a signed-in user
  // never sees a flash of the browser's language.
  try {
    const user = await api.me();
    setUser(user);
    if (user?.language) setLanguage(user.language);
  } catch {
    setUser(null); // the server is unreachable: pages show their own errors
  }
  mountHeader(root, { navigate });
  root.append(main);
  window.addEventListener('popstate', route);
  // Back from the back/forward cache: the meeting's socket was closed on the way out.
  window.addEventListener('pageshow', (e) => { if (e.persisted && document.body.dataset.view === 'room') location.reload(); });
  route();
}

start();
