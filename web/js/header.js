// The top bar on every screen: brand, language selector, account buttons.
import { h, icon, clear, avatar } from '/assets/js/dom.js';
import { LANGUAGES, getLanguage, setLanguage, onLanguageChange } from '/assets/js/i18n.js';
import { currentUser, onUserChange, setUser } from '/assets/js/session.js';
import { api } from '/assets/js/api.js';
import { openAuthDialog, openProfileDialog, signOut } from '/assets/js/auth-view.js';
import { toastError } from '/assets/js/toast.js';

export function mountHeader(container, { navigate }) {
  const langSelect = h('select', {
    class: 'lang-select', testid: 'lang-select', id: 'lang-select',
    tAttrs: { 'aria-label': 'header.language', title: 'header.language' },
  }, LANGUAGES.map((l) => h('option', { value: l.code, lang: l.code, text: l.name })));
  langSelect.value = getLanguage();
  langSelect.addEventListener('change', async () => {
    const code = langSelect.value;
    setLanguage(code);
    const user = currentUser();
    if (user && user.language !== code) {
      try {
        setUser(await api.updateMe({ language: code }));
      } catch (err) {
        if (err.code === 'not_signed_in') setUser(null);
        else toastError(err);
      }
    }
  });
  onLanguageChange((code) => { langSelect.value = code; });

  const account = h('div', { class: 'header-account' });
  const brand = h('a', { href: '/', class: 'brand', 'data-link': '' },
    h('img', { class: 'brand-mark', src: '/assets/favicon.svg', alt: '', width: 28, height: 28 }),
    h('span', { class: 'brand-name', text: 'Bailanys' }));
  brand.addEventListener('click', (e) => { e.preventDefault(); navigate('/'); });

  const header = h('header', { class: 'app-header' },
    brand,
    h('div', { class: 'header-right' },
      h('label', { class: 'lang-picker' }, icon('globe'), langSelect),
      account));
  container.append(header);

  function renderAccount(user) {
    clear(account);
    if (user) {
      account.append(
        h('button', {
          type: 'button', class: 'btn btn-ghost header-user', testid: 'profile-open',
          tAttrs: { title: 'header.profile' }, onclick: () => openProfileDialog(),
        }, avatar(user.displayName, 'sm'), h('span', { class: 'header-user-name', text: user.displayName, testid: 'profile-name' })),
        h('button', { type: 'button', class: 'btn btn-ghost', t: 'auth.signOut', testid: 'signout', onclick: () => signOut() }));
    } else {
      account.append(
        h('button', { type: 'button', class: 'btn btn-ghost', t: 'auth.signIn', testid: 'signin-open', onclick: () => openAuthDialog('signin') }),
        h('button', { type: 'button', class: 'btn btn-primary btn-sm', t: 'auth.signUp', testid: 'signup-open', onclick: () => openAuthDialog('signup') }));
    }
  }
  renderAccount(currentUser());
  onUserChange(renderAccount);
  return header;
}
