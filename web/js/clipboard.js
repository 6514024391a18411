// Copy text: the async Clipboard API, then the old execCommand path, then a dialog with the
// text selected so the user can copy it by hand.
import { h } from '/assets/js/dom.js';
import { openDialog } from '/assets/js/dialog.js';
import { toast } from '/assets/js/toast.js';

async function tryCopy(text) {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch { /* permission refused or not focused: try the fallback */ }
  }
  const area = h('textarea', { readOnly: true, value: text, class: 'offscreen', 'aria-hidden': 'true' });
  document.body.append(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  area.remove();
  return ok;
}

export async function copyLink(link) {
  if (await tryCopy(link)) {
    toast('common.linkCopied', { kind: 'success' });
    return true;
  }
  const input = h('input', { type: 'text', readOnly: true, value: link, testid: 'copy-fallback-input', class: 'copy-fallback' });
  openDialog({
    titleKey: 'common.copyLinkTitle', testid: 'copy-fallback', className: 'dialog-narrow',
    body: h('div', { class: 'dialog-body' }, h('p', { class: 'muted', t: 'common.copyLinkManual' }), input),
  });
  input.focus();
  input.select();
  return false;
}
