// Short notices in an aria-live region. Text is translated and follows language changes.
import { h } from '/assets/js/dom.js';
import { has } from '/assets/js/i18n.js';

let region = null;

function ensureRegion() {
  if (!region || !region.isConnected) {
    region = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'false' });
    document.body.append(region);
  }
  return region;
}

/**
 * toast('common.linkCopied') or toast(['error.rate_limited', { seconds: 3 }], { kind: 'error' }).
 * Pass { text } instead of a key for text that is already translated.
 */
export function toast(key, { kind = 'info', timeout = 5000, text, action } = {}) {
  const [k, params] = Array.isArray(key) ? key : [key];
  const body = text !== undefined ? h('span', { text }) : h('span', { t: [k, params] });
  const el = h('div', { class: ['toast', `toast-${kind}`], testid: 'toast', dataset: { kind, key: k } }, body);
  if (action) {
    el.append(h('button', {
      class: 'toast-action', type: 'button', t: action.label,
      onclick: () => { action.run(); dismiss(); },
    }));
  }
  const close = h('button', { class: 'toast-close', type: 'button', tAttrs: { 'aria-label': 'common.close' }, onclick: () => dismiss() }, '×');
  el.append(close);
  const host = ensureRegion();
  // Keep the stack short: the oldest notices give way.
  const live = [...host.children].filter((n) => !n.classList.contains('toast-leaving'));
  for (const old of live.slice(0, Math.max(0, live.length - 2))) old.remove();
  host.append(el);
  let timer = timeout ? setTimeout(dismiss, timeout) : null;
  el.addEventListener('mouseenter', () => { clearTimeout(timer); timer = null; });
  el.addEventListener('mouseleave', () => { if (timeout && !timer) timer = setTimeout(dismiss, timeout); });
  function dismiss() {
    clearTimeout(timer);
    el.classList.add('toast-leaving');
    setTimeout(() => el.remove(), 200);
  }
  return dismiss;
}

export function toastError(err) {
  const code = has(`error.${err?.code}`) ? err.code : 'unknown';
  const seconds = Math.max(1, Math.ceil(Number(err?.retryAfter) || 1));
  toast([`error.${code}`, { seconds, count: seconds, max: 2000 }], { kind: 'error', timeout: 7000 });
}
