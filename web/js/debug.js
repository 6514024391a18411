// window.__bailanys.state: a read-only snapshot of what the client knows, for browser tests.
let provider = () => ({ view: document.body.dataset.view ?? '' });

export function setStateProvider(fn) {
  provider = fn ?? (() => ({ view: document.body.dataset.view ?? '' }));
}

const deepFreeze = (value) => {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
};

Object.defineProperty(window, '__bailanys', {
  value: Object.freeze({
    get state() {
      return deepFreeze(structuredClone(provider()));
    },
  }),
  configurable: false,
  writable: false,
});
