// Modal dialogs on top of <dialog> (focus trap, Escape and backdrop handled by the browser).
import { h, icon } from '/assets/js/dom.js';
import { bindText } from '/assets/js/i18n.js';

export function openDialog({ titleKey, testid, body, onClose, className }) {
  const titleId = `dlg-title-${Math.random().toString(36).slice(2, 8)}`;
  const dialog = h('dialog', { class: ['dialog', className], testid, 'aria-labelledby': titleId },
    h('div', { class: 'dialog-head' },
      h('h2', { id: titleId, class: 'dialog-title', t: titleKey }),
      h('button', {
        type: 'button', class: 'icon-btn', tAttrs: { 'aria-label': 'common.close', title: 'common.close' },
        onclick: () => close(), testid: 'dialog-close',
      }, icon('close'))),
    body);
  dialog.addEventListener('close', () => {
    dialog.remove();
    onClose?.();
  });
  dialog.addEventListener('click', (e) => { if (e.target === dialog) close(); }); // backdrop
  document.body.append(dialog);
  dialog.showModal();
  function close() {
    if (dialog.open) dialog.close();
  }
  return { dialog, close };
}

/**
 * A labelled form field with a hint and an error slot wired to aria-describedby.
 * Returns { wrap, input, setError(key | null, params) }.
 */
export function field({ labelKey, input, hintKey, errorTestid }) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  const hint = hintKey ? h('p', { class: 'field-hint', id: `${id}-hint`, t: hintKey }) : null;
  const error = h('p', { class: 'field-error', id: `${id}-error`, testid: errorTestid, hidden: true, role: 'alert' });
  input.setAttribute('aria-describedby', [hint && `${id}-hint`, `${id}-error`].filter(Boolean).join(' '));
  const wrap = h('div', { class: 'field' }, h('label', { for: id, class: 'field-label', t: labelKey }), input, hint, error);
  function setError(key, params) {
    if (!key) {
      error.hidden = true;
      error.textContent = '';
      input.removeAttribute('aria-invalid');
      return;
    }
    // Re-binding keeps the message in the current language.
    bindText(error, key, params);
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
  }
  return { wrap, input, setError };
}
