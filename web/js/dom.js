// A tiny DOM builder. Text is always set with textContent / text nodes, never parsed as HTML.
import { bindText, bindAttr } from '/assets/js/i18n.js';

// Attributes set as DOM properties rather than with setAttribute.
const PROPS = new Set([
  'value', 'checked', 'disabled', 'hidden', 'readOnly', 'required', 'muted', 'autoplay',
  'playsInline', 'selected', 'srcObject', 'open', 'maxLength', 'tabIndex', 'multiple',
]);

/**
 * h('button', { class: 'btn', t: 'start.create', onclick: fn, testid: 'create-room' }, child…)
 * - text: literal text (user data goes here; it is never parsed as HTML)
 * - t: a translation key (or [key, params]) kept in sync with the language
 * - tAttrs: { placeholder: key | [key, params], … } translated attributes
 * - testid: data-testid; dataset: { … }; style: { … } (CSSOM, CSP-friendly); on<event>: listener
 */
export function h(tag, attrs, ...children) {
  const el = tag === 'svg' || attrs?.svg
    ? document.createElementNS('http://www.w3.org/2000/svg', tag)
    : document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'svg') continue;
      if (key === 'class') el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
      else if (key === 'text') el.textContent = String(value);
      else if (key === 't') {
        const [k, params] = Array.isArray(value) ? value : [value];
        bindText(el, k, params);
      } else if (key === 'tAttrs') {
        for (const [attr, spec] of Object.entries(value)) {
          const [k, params] = Array.isArray(spec) ? spec : [spec];
          bindAttr(el, attr, k, params);
        }
      } else if (key === 'testid') el.setAttribute('data-testid', value);
      else if (key === 'dataset') {
        for (const [dk, dv] of Object.entries(value)) if (dv !== undefined && dv !== null) el.dataset[dk] = String(dv);
      } else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
      else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
      else if (PROPS.has(key)) el[key] = value;
      else el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

// Line icons drawn for this client (24×24, stroke = currentColor).
const ICONS = {
  mic: [['rect', { x: 9, y: 2, width: 6, height: 12, rx: 3 }], ['path', { d: 'M5 11a7 7 0 0 0 14 0M12 18v3M8 21h8' }]],
  micOff: [['rect', { x: 9, y: 2, width: 6, height: 12, rx: 3 }], ['path', { d: 'M5 11a7 7 0 0 0 14 0M12 18v3M8 21h8M3 3l18 18' }]],
  camera: [['rect', { x: 2, y: 6, width: 14, height: 12, rx: 2 }], ['path', { d: 'M16 10l6-3v10l-6-3z' }]],
  cameraOff: [['rect', { x: 2, y: 6, width: 14, height: 12, rx: 2 }], ['path', { d: 'M16 10l6-3v10l-6-3zM3 3l18 18' }]],
  copy: [['rect', { x: 8, y: 8, width: 13, height: 13, rx: 2 }], ['path', { d: 'M16 8V5a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v9a2 2 0 0 0 2 2h3' }]],
  leave: [['path', { d: 'M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9' }]],
  chat: [['path', { d: 'M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z' }]],
  users: [['circle', { cx: 9, cy: 8, r: 4 }], ['path', { d: 'M2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1M16 3.5a4 4 0 0 1 0 8M22 21v-1a6 6 0 0 0-4-5.7' }]],
  send: [['path', { d: 'M22 2L11 13M22 2l-7 20-4-9-9-4z' }]],
  globe: [['circle', { cx: 12, cy: 12, r: 10 }], ['path', { d: 'M2 12h20M12 2a15 15 0 0 1 0 20a15 15 0 0 1 0-20' }]],
  close: [['path', { d: 'M6 6l12 12M18 6L6 18' }]],
  user: [['circle', { cx: 12, cy: 8, r: 4 }], ['path', { d: 'M4 21v-1a7 7 0 0 1 7-7h2a7 7 0 0 1 7 7v1' }]],
  alert: [['path', { d: 'M12 3l10 18H2z' }], ['path', { d: 'M12 10v5M12 18v.5' }]],
  arrowDown: [['path', { d: 'M12 5v14M5 12l7 7 7-7' }]],
  chevron: [['path', { d: 'M9 6l6 6-6 6' }]],
  refresh: [['path', { d: 'M21 12a9 9 0 1 1-3-6.7L21 8M21 3v5h-5' }]],
};

export function icon(name, extraClass) {
  const svg = h('svg', {
    class: ['icon', extraClass], viewBox: '0 0 24 24', width: 20, height: 20, fill: 'none',
    stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round',
    'aria-hidden': 'true', focusable: 'false',
  });
  for (const [tag, attrs] of ICONS[name] ?? []) svg.append(h(tag, { ...attrs, svg: true }));
  return svg;
}

/** Initials (up to two letters) and a stable colour derived from a name. */
export function avatar(name, size = 'md') {
  const words = String(name ?? '').trim().split(/\s+/).filter(Boolean);
  const first = (w) => (w ? Array.from(w)[0] : '');
  const initials = (first(words[0]) + (words.length > 1 ? first(words[words.length - 1]) : '')).toUpperCase() || '?';
  return h('span', {
    class: ['avatar', `avatar-${size}`], 'aria-hidden': 'true', text: initials,
    style: { backgroundColor: colourFor(name) },
  });
}

export function colourFor(name) {
  // FNV-1a with a final avalanche, so "Guest 1" and "Guest 2" land on different colours.
  let hash = 0x811c9dc5;
  for (const ch of String(name ?? '')) hash = Math.imul(hash ^ ch.codePointAt(0), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return AVATAR_COLOURS[(hash >>> 0) % AVATAR_COLOURS.length];
}

// Distinct hues, each dark enough for white initials (contrast ≥ 4.5:1).
const AVATAR_COLOURS = [
  '#1d4ed8', '#7c3aed', '#be185d', '#b91c1c', '#c2410c', '#a16207', '#4d7c0f',
  '#15803d', '#0f766e', '#0369a1', '#4338ca', '#86198f', '#475569',
];

let idCounter = 0;
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
