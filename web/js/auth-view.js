// Sign in, sign up, sign out and the profile dialog.
import { h } from '/assets/js/dom.js';
import { api } from '/assets/js/api.js';
import { openDialog, field } from '/assets/js/dialog.js';
import { bindText, getLanguage, setLanguage, LANGUAGES, has } from '/assets/js/i18n.js';
import { currentUser, setUser } from '/assets/js/session.js';
import { toast, toastError } from '/assets/js/toast.js';

const USERNAME_RE = /^[a-z0-9._-]{3,32}$/i;
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/;

export function validateDisplayName(value) {
  const name = value.trim();
  if (name.length === 0) return 'field.displayName.required';
  if (Array.from(name).length > 64) return 'field.displayName.tooLong';
  if (CONTROL_RE.test(name)) return 'field.displayName.invalid';
  return null;
}

function validatePassword(value) {
  const bytes = new TextEncoder().encode(value).length;
  if (bytes < 8) return 'field.password.tooShort';
  if (bytes > 256) return 'field.password.tooLong';
  return null;
}

/** Show a server error next to its field when it names one, else at the top of the form. */
function showServerError(err, fields, formError) {
  if (err.code === 'invalid_field' && fields[err.field]) {
    fields[err.field].setError(`field.${err.field}.invalid`);
    fields[err.field].input.focus();
    return;
  }
  if (err.code === 'username_taken' && fields.username) {
    fields.username.setError('error.username_taken');
    fields.username.input.focus();
    return;
  }
  const key = has(`error.${err.code}`) ? `error.${err.code}` : 'error.unknown';
  const seconds = Math.max(1, Math.ceil(Number(err.retryAfter) || 60));
  bindText(formError, key, { seconds, count: seconds });
  formError.hidden = false;
}

function formErrorBox(testid) {
  return h('p', { class: 'form-error', role: 'alert', hidden: true, testid });
}

function signInForm(onDone) {
  const username = field({
    labelKey: 'auth.username',
    input: h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true, testid: 'signin-username', autocapitalize: 'none', spellcheck: 'false' }),
  });
  const password = field({
    labelKey: 'auth.password',
    input: h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true, testid: 'signin-password' }),
  });
  const formError = formErrorBox('signin-error');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', t: 'auth.signIn', testid: 'signin-submit' });
  const form = h('form', { class: 'form', testid: 'signin-form', novalidate: true }, formError, username.wrap, password.wrap, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    formError.hidden = true;
    username.setError(null);
    password.setError(null);
    const u = username.input.value.trim();
    const p = password.input.value;
    let bad = false;
    if (!u) { username.setError('field.username.required'); bad = true; }
    if (!p) { password.setError('field.password.required'); bad = true; }
    if (bad) { (u ? password : username).input.focus(); return; }
    submit.disabled = true;
    try {
      const user = await api.signIn({ username: u, password: p });
      setUser(user);
      if (user.language) setLanguage(user.language); // the profile's language wins
      onDone(user);
      toast(['auth.welcomeBack', { name: user.displayName }], { kind: 'success' });
    } catch (err) {
      if (err.code === 'bad_credentials') password.input.select();
      showServerError(err, { username, password }, formError);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function signUpForm(onDone) {
  const username = field({
    labelKey: 'auth.username',
    hintKey: 'auth.usernameHint',
    input: h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true, maxLength: 32, testid: 'signup-username', autocapitalize: 'none', spellcheck: 'false' }),
    errorTestid: 'signup-username-error',
  });
  const displayName = field({
    labelKey: 'auth.displayName',
    hintKey: 'auth.displayNameHint',
    input: h('input', { type: 'text', name: 'displayName', autocomplete: 'name', required: true, maxLength: 64, testid: 'signup-display-name' }),
    errorTestid: 'signup-display-name-error',
  });
  const password = field({
    labelKey: 'auth.password',
    hintKey: 'auth.passwordHint',
    input: h('input', { type: 'password', name: 'password', autocomplete: 'new-password', required: true, testid: 'signup-password' }),
    errorTestid: 'signup-password-error',
  });
  const formError = formErrorBox('signup-error');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', t: 'auth.createAccount', testid: 'signup-submit' });
  const form = h('form', { class: 'form', testid: 'signup-form', novalidate: true }, formError, username.wrap, displayName.wrap, password.wrap, submit);
  const fields = { username, displayName, password };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    formError.hidden = true;
    for (const f of Object.values(fields)) f.setError(null);
    const u = username.input.value.trim();
    const d = displayName.input.value.trim();
    const p = password.input.value;
    const errors = {
      username: !u ? 'field.username.required' : USERNAME_RE.test(u) ? null : 'field.username.invalid',
      displayName: validateDisplayName(d),
      password: validatePassword(p),
    };
    let first = null;
    for (const [name, key] of Object.entries(errors)) {
      if (key) { fields[name].setError(key); first ??= fields[name]; }
    }
    if (first) { first.input.focus(); return; }
    submit.disabled = true;
    try {
      const user = await api.signUp({ username: u, displayName: d, password: p, language: getLanguage() });
      setUser(user);
      onDone(user);
      toast(['auth.welcome', { name: user.displayName }], { kind: 'success' });
    } catch (err) {
      showServerError(err, fields, formError);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** The sign-in / sign-up dialog. `tab` is 'signin' or 'signup'. */
export function openAuthDialog(tab = 'signin', { onDone } = {}) {
  let dlg = null;
  const done = (user) => { dlg?.close(); onDone?.(user); };
  const forms = { signin: signInForm(done), signup: signUpForm(done) };
  const tabs = {};
  const tabList = h('div', { class: 'tabs', role: 'tablist' });
  for (const [name, key] of [['signin', 'auth.signIn'], ['signup', 'auth.signUp']]) {
    tabs[name] = h('button', {
      type: 'button', role: 'tab', class: 'tab', t: key, testid: `auth-tab-${name}`,
      id: `auth-tab-${name}`, 'aria-controls': `auth-panel-${name}`,
      onclick: () => select(name),
    });
    tabList.append(tabs[name]);
  }
  const panels = Object.fromEntries(Object.entries(forms).map(([name, form]) => [
    name, h('div', { role: 'tabpanel', id: `auth-panel-${name}`, 'aria-labelledby': `auth-tab-${name}` }, form),
  ]));
  function select(name) {
    for (const key of Object.keys(tabs)) {
      const on = key === name;
      tabs[key].setAttribute('aria-selected', String(on));
      tabs[key].tabIndex = on ? 0 : -1;
      panels[key].hidden = !on;
    }
    panels[name].querySelector('input')?.focus();
  }
  tabList.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const next = tabs.signin.getAttribute('aria-selected') === 'true' ? 'signup' : 'signin';
    select(next);
    tabs[next].focus();
  });
  dlg = openDialog({
    titleKey: 'auth.title', testid: 'auth-dialog', className: 'dialog-narrow',
    body: h('div', { class: 'dialog-body' }, tabList, panels.signin, panels.signup),
  });
  select(tab);
  return dlg;
}

export async function signOut() {
  try {
    await api.signOut();
  } catch (err) {
    if (err.code !== 'not_signed_in') { toastError(err); return; }
  }
  setUser(null);
  toast('auth.signedOut');
}

export function openProfileDialog() {
  const user = currentUser();
  if (!user) return null;
  const displayName = field({
    labelKey: 'auth.displayName',
    hintKey: 'profile.displayNameHint',
    input: h('input', { type: 'text', value: user.displayName, maxLength: 64, autocomplete: 'name', testid: 'profile-display-name' }),
    errorTestid: 'profile-display-name-error',
  });
  const langSelect = h('select', { testid: 'profile-language' },
    LANGUAGES.map((l) => h('option', { value: l.code, text: l.name, lang: l.code, selected: l.code === (user.language || getLanguage()) })));
  const language = field({ labelKey: 'profile.language', input: langSelect });
  const formError = formErrorBox('profile-error');
  const save = h('button', { type: 'submit', class: 'btn btn-primary', t: 'profile.save', testid: 'profile-save' });
  const form = h('form', { class: 'form', testid: 'profile-form', novalidate: true },
    h('p', { class: 'profile-username' }, h('span', { class: 'muted', t: 'profile.signedInAs' }), ' ', h('strong', { text: `@${user.username}` })),
    formError, displayName.wrap, language.wrap,
    h('div', { class: 'form-actions' }, save));
  let dlg = null;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    formError.hidden = true;
    displayName.setError(null);
    const d = displayName.input.value.trim();
    const bad = validateDisplayName(d);
    if (bad) { displayName.setError(bad); displayName.input.focus(); return; }
    save.disabled = true;
    try {
      const updated = await api.updateMe({ displayName: d, language: langSelect.value });
      setUser(updated);
      setLanguage(updated.language || langSelect.value);
      dlg.close();
      toast('profile.saved', { kind: 'success' });
    } catch (err) {
      if (err.code === 'not_signed_in') { setUser(null); dlg.close(); toastError(err); return; }
      showServerError(err, { displayName, language }, formError);
    } finally {
      save.disabled = false;
    }
  });
  dlg = openDialog({ titleKey: 'profile.title', testid: 'profile-dialog', className: 'dialog-narrow', body: h('div', { class: 'dialog-body' }, form) });
  displayName.input.focus();
  return dlg;
}
