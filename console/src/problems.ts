// What a page shows when a call fails: not offered yet (404), not allowed (403), or the detail.
import { NotAvailable, Refused, SignInNeeded } from './api';
import { h } from './dom';
import { t } from './i18n';

let signInNeeded: () => void = () => {};

export function whenSignInNeeded(handler: () => void): void {
  signInNeeded = handler;
}

/** {@code known}: the endpoint answered before, so a 404 means the thing asked for is unknown. */
export function failure(error: unknown, known = false): HTMLElement {
  if (error instanceof SignInNeeded) {
    signInNeeded();
    return h('p', { class: 'notice error' }, t('tokenRejected'));
  }
  if (error instanceof NotAvailable && known) {
    return h('p', { class: 'notice error' }, error.detail);
  }
  if (error instanceof NotAvailable) {
    return h('p', { class: 'notice unavailable', testid: 'not-available' }, t('notAvailable'));
  }
  if (error instanceof Refused && error.status === 403) {
    return h('p', { class: 'notice error' }, t('forbidden'));
  }
  const detail = error instanceof Error ? error.message : String(error);
  return h('p', { class: 'notice error' }, `${t('loadFailed')}: ${detail}`);
}
