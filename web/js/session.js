// Who is signed in. Views subscribe to changes (sign-in, sign-out, profile edits).
const events = new EventTarget();
let user = null;

export function currentUser() {
  return user;
}

export function setUser(next) {
  user = next ?? null;
  events.dispatchEvent(new CustomEvent('change', { detail: user }));
}

export function onUserChange(fn) {
  const listener = (e) => fn(e.detail);
  events.addEventListener('change', listener);
  return () => events.removeEventListener('change', listener);
}
