// A path this client does not know.
import { h } from '/assets/js/dom.js';

export function mountNotFound(container, { navigate }) {
  container.append(h('section', { class: 'page page-center', testid: 'page-not-found' },
    h('div', { class: 'card card-message' },
      h('h1', { t: 'notFound.title' }),
      h('p', { class: 'muted', t: 'notFound.text' }),
      h('button', { type: 'button', class: 'btn btn-primary', t: 'common.backHome', testid: 'back-home', onclick: () => navigate('/') }))));
  return { name: 'not-found' };
}
