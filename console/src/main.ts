// The operator console: sign in with a pasted token, then four pages behind hash routes.
import './style.css';
import { forgetToken, keepToken, token } from './api';
import { h, show } from './dom';
import { Key, lang, onLangChange, setLang, t } from './i18n';
import { analytics } from './pages/analytics';
import { alerts } from './pages/alerts';
import { claims } from './pages/claims';
import { tonight } from './pages/tonight';
import { whenSignInNeeded } from './problems';

type Page = (root: HTMLElement) => () => void;

const PAGES: Record<string, { title: Key; page: Page }> = {
  tonight: { title: 'navTonight', page: tonight },
  analytics: { title: 'navAnalytics', page: analytics },
  claims: { title: 'navClaims', page: claims },
  alerts: { title: 'navAlerts', page: alerts },
};

const app = document.getElementById('app')!;
let leave: () => void = () => {};
let signInMessage: Key | null = null;

function route(): string {
  const name = location.hash.replace(/^#\/?/, '');
  return name in PAGES ? name : 'tonight';
}

function render() {
  leave();
  leave = () => {};
  document.documentElement.lang = lang();
  document.title = t('appTitle');
  const main = h('main', { id: 'page' });
  const signedIn = token() !== null;
  const current = route();
  show(app,
    h('header', {},
      h('h1', {}, t('appTitle')),
      signedIn ? h('nav', {}, ...Object.entries(PAGES).map(([name, p]) =>
        h('a', { href: `#/${name}`, class: name === current ? 'active' : '', testid: `nav-${name}` }, t(p.title)))) : null,
      h('div', { class: 'tools' },
        h('button', { type: 'button', testid: 'lang-toggle', onclick: () => setLang(lang() === 'en' ? 'zh-CN' : 'en') },
          t('switchLang')),
        signedIn ? h('button', { type: 'button', testid: 'sign-out', onclick: signOut }, t('signOut')) : null)),
    main);
  if (signedIn) {
    leave = PAGES[current].page(main);
  } else {
    signIn(main);
  }
}

function signIn(main: HTMLElement) {
  const input = h('textarea', { rows: 4, cols: 60, testid: 'token', spellcheck: 'false' });
  const form = h('form', { class: 'sign-in' },
    h('label', {}, t('tokenLabel'), h('br'), input),
    signInMessage ? h('p', { class: 'notice error', testid: 'sign-in-message' }, t(signInMessage)) : null,
    h('button', { type: 'submit', class: 'primary', testid: 'sign-in' }, t('signIn')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim() === '') {
      signInMessage = 'tokenMissing';
      render();
      return;
    }
    signInMessage = null;
    keepToken(input.value);
    render();
  });
  show(main, form);
}

function signOut() {
  forgetToken();
  render();
}

whenSignInNeeded(() => {
  if (token() !== null) {
    forgetToken();
    signInMessage = 'tokenRejected';
    // After the failing call returns: the page that made it is torn down by the new render.
    setTimeout(render, 0);
  }
});
onLangChange(render);
window.addEventListener('hashchange', render);
render();
