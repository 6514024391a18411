// The chat panel: history with "load earlier", live messages, the outbox states
// (pending → confirmed, or failed with a retry button) and the composer.
// All user text goes through textContent: a message "<img src=x onerror=…>" shows literally.
import { h, icon } from '/assets/js/dom.js';
import { bind, bindText, formatTime, formatDateTime } from '/assets/js/i18n.js';
import { api } from '/assets/js/api.js';
import { toast, toastError } from '/assets/js/toast.js';

export const MAX_CHARS = 2000;
const COUNTER_FROM = 1800;
const BOTTOM_SLACK_PX = 48;

export class ChatPanel {
  /**
   * roomCode; isOwn(message) → bool; onSend(text) → clientId; onRetry(clientId);
   * onIncoming(message, own) for unread badges.
   */
  constructor({ roomCode, isOwn, onSend, onRetry, onIncoming }) {
    this.roomCode = roomCode;
    this.isOwn = isOwn;
    this.onSend = onSend;
    this.onRetry = onRetry;
    this.onIncoming = onIncoming;
    this.byId = new Map(); // message id -> element
    this.byClientId = new Map(); // clientId -> element (confirmed or pending)
    this.messages = new Map(); // message id -> Message (for tests and state)
    this.hasMore = false;
    this.loadingEarlier = false;
    this.build();
  }

  build() {
    this.loadEarlierBtn = h('button', {
      type: 'button', class: 'btn btn-ghost btn-sm load-earlier', t: 'chat.loadEarlier',
      testid: 'chat-load-earlier', hidden: true, onclick: () => this.loadEarlier(),
    });
    this.empty = h('p', { class: 'chat-empty muted', t: 'chat.empty', testid: 'chat-empty' });
    this.list = h('ol', { class: 'chat-list' });
    this.log = h('div', {
      class: 'chat-log', testid: 'chat-log', role: 'log', 'aria-live': 'polite', tabIndex: 0,
      tAttrs: { 'aria-label': 'chat.title' },
    }, this.loadEarlierBtn, this.empty, this.list);
    this.log.addEventListener('scroll', () => { if (this.atBottom()) this.newBtn.hidden = true; });
    this.newBtn = h('button', {
      type: 'button', class: 'chat-new-messages', testid: 'chat-new-messages', hidden: true,
      onclick: () => this.scrollToBottom(true),
    }, icon('arrowDown'), h('span', { t: 'chat.newMessages' }));

    this.input = h('textarea', {
      class: 'chat-input', testid: 'chat-input', rows: 1, id: 'chat-input',
      tAttrs: { placeholder: 'chat.placeholder' }, 'aria-describedby': 'chat-counter',
    });
    this.counter = h('span', { class: 'chat-counter', id: 'chat-counter', testid: 'chat-counter', hidden: true, 'aria-live': 'polite' });
    this.sendBtn = h('button', {
      type: 'submit', class: 'btn btn-primary chat-send', testid: 'chat-send',
      tAttrs: { 'aria-label': 'chat.send', title: 'chat.send' },
    }, icon('send'));
    this.form = h('form', { class: 'chat-compose', novalidate: true },
      h('label', { for: 'chat-input', class: 'visually-hidden', t: 'chat.inputLabel' }),
      this.input, this.sendBtn, this.counter);
    this.form.addEventListener('submit', (e) => { e.preventDefault(); this.submit(); });
    this.input.addEventListener('keydown', (e) => {
      // Enter sends; Shift+Enter is a new line; never send in the middle of an IME composition.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => this.onInput());

    this.el = h('section', { class: 'chat', 'aria-labelledby': 'chat-title' },
      h('h2', { class: 'side-title', id: 'chat-title', t: 'chat.title' }),
      h('div', { class: 'chat-log-wrap' }, this.log, this.newBtn),
      this.form);
  }

  charCount() {
    return Array.from(this.input.value).length; // the limit counts code points
  }

  onInput() {
    const n = this.charCount();
    const over = n > MAX_CHARS;
    this.counter.hidden = n < COUNTER_FROM;
    bindText(this.counter, 'chat.counter', { count: n, max: MAX_CHARS });
    this.counter.classList.toggle('over', over);
    this.sendBtn.disabled = over;
    if (over) this.input.setAttribute('aria-invalid', 'true');
    else this.input.removeAttribute('aria-invalid');
    // grow with the text, up to the CSS max-height
    this.input.style.height = 'auto';
    this.input.style.height = `${this.input.scrollHeight}px`;
  }

  submit() {
    const text = this.input.value.trim();
    if (!text) return;
    if (Array.from(text).length > MAX_CHARS) {
      toast(['error.message_too_long', { max: MAX_CHARS }], { kind: 'error' });
      return;
    }
    const clientId = this.onSend(text);
    this.addPending({ clientId, text });
    this.input.value = '';
    this.onInput();
    this.input.focus();
  }

  focusInput() {
    this.input.focus();
  }

  atBottom() {
    return this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight <= BOTTOM_SLACK_PX;
  }

  scrollToBottom(smooth = false) {
    this.log.scrollTo({ top: this.log.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
    this.newBtn.hidden = true;
  }

  // ---- rendering ----

  renderMessage(message, { status = 'sent', own = false } = {}) {
    const time = h('time', { class: 'msg-time', testid: 'chat-time' });
    const when = message.createdAt ?? Date.now();
    time.dateTime = new Date(when).toISOString();
    bind(time, 'text', (el) => {
      el.textContent = formatTime(when);
      el.title = formatDateTime(when);
    });
    const el = h('li', {
      class: ['msg', own && 'msg-own', `msg-${status}`], testid: 'chat-message',
      dataset: { clientId: message.clientId ?? '', messageId: message.id ?? '', status, own: String(own) },
    },
    h('div', { class: 'msg-head' },
      h('span', { class: 'msg-author', testid: 'chat-author', text: message.authorName ?? '' }),
      time),
    h('p', { class: 'msg-text', testid: 'chat-text', text: message.text ?? '' }));
    if (status === 'pending') el.append(h('span', { class: 'msg-status', t: 'chat.sending' }));
    if (status === 'failed') {
      el.append(h('span', { class: 'msg-status msg-status-failed', role: 'alert' },
        h('span', { t: 'chat.notSent' }),
        h('button', {
          type: 'button', class: 'link-btn', t: 'chat.retry', testid: 'chat-retry',
          onclick: () => this.onRetry(message.clientId),
        })));
    }
    return el;
  }

  /** Insert a confirmed message in id order; returns true when it is new. */
  insertConfirmed(message) {
    if (this.byId.has(message.id)) return false;
    const own = this.isOwn(message);
    const el = this.renderMessage(message, { own });
    // Replace its pending/failed copy if we sent it.
    const pendingEl = message.clientId ? this.byClientId.get(message.clientId) : null;
    if (pendingEl && !pendingEl.dataset.messageId) pendingEl.remove();
    // Walk back from the newest confirmed message to find the slot (usually the end).
    let after = null;
    for (let node = this.list.lastElementChild; node; node = node.previousElementSibling) {
      const id = node.dataset.messageId;
      if (id && Number(id) < message.id) { after = node; break; }
    }
    if (after) after.after(el);
    else this.list.prepend(el); // the oldest so far (pending ones always sit at the end)
    this.byId.set(message.id, el);
    if (message.clientId) this.byClientId.set(message.clientId, el);
    this.messages.set(message.id, message);
    this.empty.hidden = true;
    return true;
  }

  /** welcome: the newest page of history (after a reconnect, merged with what we have). */
  setHistory(history) {
    const wasAtBottom = this.atBottom();
    const firstLoad = this.byId.size === 0;
    const newestKnown = firstLoad ? null : Math.max(...this.byId.keys());
    for (const m of history?.messages ?? []) this.insertConfirmed(m);
    if (firstLoad) this.setHasMore(Boolean(history?.hasMore));
    this.empty.hidden = this.list.childElementCount > 0;
    if (firstLoad || wasAtBottom) this.scrollToBottom();
    if (newestKnown !== null) this.fillGap(history, newestKnown, wasAtBottom);
  }

  /** After a long outage more than one page may have been written: fetch what lies between. */
  async fillGap(history, newestKnown, stickToBottom) {
    const ids = (history?.messages ?? []).map((m) => m.id);
    if (!history?.hasMore || ids.length === 0) return;
    let before = Math.min(...ids);
    for (let pageNo = 0; pageNo < 10 && before > newestKnown; pageNo += 1) {
      let page;
      try {
        page = await api.messages(this.roomCode, { before, limit: 100 });
      } catch {
        return; // the user can still scroll; nothing is lost on the server
      }
      const msgs = page.messages ?? [];
      for (const m of msgs) if (m.id > newestKnown) this.insertConfirmed(m);
      if (!page.hasMore || msgs.length === 0 || msgs.some((m) => m.id <= newestKnown)) break;
      before = Math.min(...msgs.map((m) => m.id));
    }
    if (stickToBottom) this.scrollToBottom();
  }

  setHasMore(hasMore) {
    this.hasMore = hasMore;
    this.loadEarlierBtn.hidden = !hasMore;
  }

  /** A live `chat` event. */
  addMessage(message) {
    const wasAtBottom = this.atBottom();
    const own = this.isOwn(message);
    if (!this.insertConfirmed(message)) return;
    this.onIncoming?.(message, own);
    if (own || wasAtBottom) this.scrollToBottom();
    else this.newBtn.hidden = false;
  }

  addPending({ clientId, text }) {
    const el = this.renderMessage(
      { clientId, text, authorName: this.selfName ?? '', createdAt: Date.now() },
      { status: 'pending', own: true },
    );
    this.list.append(el);
    this.byClientId.set(clientId, el);
    this.empty.hidden = true;
    this.scrollToBottom();
  }

  setStatus(clientId, status) {
    const old = this.byClientId.get(clientId);
    if (!old || old.dataset.messageId) return; // already confirmed
    const message = {
      clientId, text: old.querySelector('.msg-text').textContent,
      authorName: old.querySelector('.msg-author').textContent,
      createdAt: Date.parse(old.querySelector('time').dateTime),
    };
    const el = this.renderMessage(message, { status, own: true });
    old.replaceWith(el);
    this.byClientId.set(clientId, el);
  }

  async loadEarlier() {
    if (this.loadingEarlier) return;
    const oldest = Math.min(...this.byId.keys());
    if (!Number.isFinite(oldest)) return;
    this.loadingEarlier = true;
    this.loadEarlierBtn.disabled = true;
    bindText(this.loadEarlierBtn, 'common.loading');
    try {
      const page = await api.messages(this.roomCode, { before: oldest, limit: 50 });
      // Keep what the user is looking at in place while older messages appear above it.
      const prevHeight = this.log.scrollHeight;
      const prevTop = this.log.scrollTop;
      for (const m of page.messages ?? []) this.insertConfirmed(m);
      this.log.scrollTop = prevTop + (this.log.scrollHeight - prevHeight);
      this.setHasMore(Boolean(page.hasMore));
    } catch (err) {
      toastError(err);
    } finally {
      this.loadingEarlier = false;
      this.loadEarlierBtn.disabled = false;
      bindText(this.loadEarlierBtn, 'chat.loadEarlier');
    }
  }

  snapshot() {
    return [...this.list.children].map((el) => ({
      id: el.dataset.messageId ? Number(el.dataset.messageId) : null,
      clientId: el.dataset.clientId || null,
      status: el.dataset.status,
      own: el.dataset.own === 'true',
      authorName: el.querySelector('.msg-author')?.textContent ?? '',
      text: el.querySelector('.msg-text')?.textContent ?? '',
    }));
  }
}

