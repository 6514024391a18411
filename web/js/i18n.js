// Translations: t(key, params), plural forms via Intl.PluralRules, dates via Intl.DateTimeFormat,
// and live re-translation of bound DOM nodes when the language changes.
import en from '/assets/i18n/en.js';
import kk from '/assets/i18n/kk.js';
import ru from '/assets/i18n/ru.js';
import uk from '/assets/i18n/uk.js';

export const LANGUAGES = [
  { code: 'kk', name: 'Қазақша' },
  { code: 'ru', name: 'Русский' },
  { code: 'uk', name: 'Українська' },
  { code: 'en', name: 'English' },
];
const DICTS = { en, kk, ru, uk };
const STORAGE_KEY = 'bailanys.lang';

let current = 'en';
const events = new EventTarget();
const pluralCache = new Map();
const numberCache = new Map();

export function isSupported(code) {
  return Object.hasOwn(DICTS, code);
}

export function getLanguage() {
  return current;
}

/** First visit: the browser's preferred languages; later visits: what the user picked. */
export function detectLanguage() {
  const saved = storageGet(STORAGE_KEY);
  if (saved && isSupported(saved)) return saved;
  const prefs = navigator.languages?.length ? navigator.languages : [navigator.language || 'en'];
  for (const tag of prefs) {
    let primary = String(tag).toLowerCase().split(/[-_]/)[0];
    if (primary === 'kz') primary = 'kk'; // a common mistake in browser settings
    if (isSupported(primary)) return primary;
  }
  return 'en';
}

export function setLanguage(code, { remember = true } = {}) {
  if (!isSupported(code)) return;
  const changed = code !== current;
  current = code;
  document.documentElement.lang = code;
  if (remember) storageSet(STORAGE_KEY, code);
  document.title = t('app.title');
  if (changed) {
    retranslate(document);
    events.dispatchEvent(new CustomEvent('change', { detail: code }));
  }
}

export function onLanguageChange(fn) {
  const listener = (e) => fn(e.detail);
  events.addEventListener('change', listener);
  return () => events.removeEventListener('change', listener);
}

function pluralRules(lang) {
  let rules = pluralCache.get(lang);
  if (!rules) {
    rules = new Intl.PluralRules(lang);
    pluralCache.set(lang, rules);
  }
  return rules;
}

/** The browser's regional variant of the current language (en-GB → 24-hour clock), if any. */
function regionalLocale() {
  for (const tag of navigator.languages ?? []) {
    if (String(tag).toLowerCase().split(/[-_]/)[0] === current) {
      try {
        return Intl.getCanonicalLocales(tag)[0];
      } catch {
        break;
      }
    }
  }
  return current;
}

export function formatNumber(n) {
  let fmt = numberCache.get(current);
  if (!fmt) {
    fmt = new Intl.NumberFormat(regionalLocale());
    numberCache.set(current, fmt);
  }
  return fmt.format(n);
}

/**
 * Translate `key`. Params replace `{name}` placeholders; a `count` param selects the plural
 * form when the entry is an object ({one, few, many, other}).
 */
export function t(key, params = {}) {
  let entry = DICTS[current][key];
  if (entry === undefined) entry = en[key];
  if (entry === undefined) return key;
  if (typeof entry === 'object') {
    const category = pluralRules(current).select(Number(params.count ?? 0));
    entry = entry[category] ?? entry.other;
  }
  return entry.replace(/\{(\w+)\}/g, (match, name) => {
    if (!(name in params)) return match;
    const value = params[name];
    return typeof value === 'number' ? formatNumber(value) : String(value);
  });
}

export function has(key) {
  return en[key] !== undefined;
}

/** A translated explanation for a server error code (REST or WebSocket). */
export function errorText(code, params = {}) {
  const key = `error.${code}`;
  return has(key) ? t(key, params) : t('error.unknown', params);
}

/** Message time: "14:05" today, "3 Mar, 14:05" on another day, with the year if not this year. */
export function formatTime(ms) {
  const date = new Date(ms);
  const now = new Date();
  const opts = { hour: '2-digit', minute: '2-digit' };
  if (date.toDateString() !== now.toDateString()) {
    opts.day = 'numeric';
    opts.month = 'short';
    if (date.getFullYear() !== now.getFullYear()) opts.year = 'numeric';
  }
  return new Intl.DateTimeFormat(regionalLocale(), opts).format(date);
}

export function formatDateTime(ms) {
  return new Intl.DateTimeFormat(regionalLocale(), { dateStyle: 'long', timeStyle: 'short' }).format(new Date(ms));
}

export function formatDate(ms) {
  return new Intl.DateTimeFormat(regionalLocale(), { dateStyle: 'medium' }).format(new Date(ms));
}

// ---- Bindings: nodes that re-render themselves when the language changes ----

const bindings = new WeakMap(); // element -> Map(slot -> fn)

/** Run `fn(el)` now and again after every language change (while `el` is in the document). */
export function bind(el, slot, fn) {
  let slots = bindings.get(el);
  if (!slots) {
    slots = new Map();
    bindings.set(el, slots);
  }
  slots.set(slot, fn);
  el.setAttribute('data-i18n', '');
  fn(el);
  return el;
}

export function bindText(el, key, params) {
  return bind(el, 'text', (node) => { node.textContent = t(key, params); });
}

export function bindAttr(el, attr, key, params) {
  return bind(el, `attr:${attr}`, (node) => { node.setAttribute(attr, t(key, params)); });
}

function retranslate(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    const slots = bindings.get(el);
    if (slots) for (const fn of slots.values()) fn(el);
  }
}

// localStorage can throw (disabled storage, private modes): never let that break the page.
export function storageGet(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}
export function storageSet(key, value) {
  try {
    if (value === null || value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch { /* ignore */ }
}
