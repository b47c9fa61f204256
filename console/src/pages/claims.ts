// After-sales: the claims waiting for a decision (or any status), approved for the amount asked
// or less, or rejected with a reason. Each claim is decided once; the server says so otherwise.
import { get, post } from '../api';
import { h, show } from '../dom';
import { dateTime, fenOf, yuan } from '../format';
import { label, lang, t } from '../i18n';
import { failure } from '../problems';

interface Claim {
  id: number;
  orderId: string;
  activityId: number;
  buyer: string;
  reason: string;
  amount: number;
  approvedAmount: number | null;
  note: string | null;
  status: string;
  filedAt: string;
}

interface ClaimPage {
  claims: Claim[];
  next: number | null;
}

const STATUSES = ['PENDING', 'APPROVED', 'REFUNDED', 'REJECTED'];

export function claims(root: HTMLElement): () => void {
  const statusInput = h('select', { testid: 'claims-status' },
    ...STATUSES.map((s) => h('option', { value: s }, label(s))),
    h('option', { value: '' }, t('statusAll')));
  const message = h('div', { testid: 'claims-message' });
  const list = h('div', { testid: 'claims' });
  const moreBox = h('div');
  statusInput.addEventListener('change', () => void load(null));
  show(root, h('h2', {}, t('claims')),
    h('div', { class: 'filters' }, h('label', {}, `${t('status')} `, statusInput),
      h('button', { type: 'button', testid: 'claims-refresh', onclick: () => void load(null) }, t('refresh'))),
    message, list, moreBox);

  let rows: Claim[] = [];

  async function load(cursor: number | null) {
    try {
      const page = await get<ClaimPage>('/api/v1/merchant/claims', { status: statusInput.value, cursor, limit: 50 });
      rows = cursor === null ? page.claims : rows.concat(page.claims);
      show(list, rows.length ? table(rows) : h('p', { class: 'muted', testid: 'claims-empty' }, t('empty')));
      show(moreBox, page.next === null ? null
        : h('button', { type: 'button', onclick: () => void load(page.next) }, t('more')));
    } catch (error) {
      show(list, failure(error));
      show(moreBox);
    }
  }

  function table(claimRows: Claim[]): HTMLElement {
    return h('table', {},
      h('thead', {}, h('tr', {}, ...['#', t('order'), t('buyer'), t('reason'), t('amount'), t('approvedAmount'),
        t('filedAt'), t('status'), t('actions')].map((title) => h('th', {}, title)))),
      h('tbody', {}, ...claimRows.map((c) => h('tr', { testid: `claim-${c.id}` },
        h('td', {}, c.id), h('td', {}, c.orderId), h('td', {}, c.buyer),
        h('td', { title: c.note ?? '' }, label(c.reason)),
        h('td', { class: 'num', testid: `claim-amount-${c.id}` }, yuan(c.amount)),
        h('td', { class: 'num' }, c.approvedAmount === null ? '—' : yuan(c.approvedAmount)),
        h('td', {}, dateTime(c.filedAt, lang())),
        h('td', { testid: `claim-status-${c.id}` }, label(c.status)),
        h('td', {}, c.status === 'PENDING' ? decision(c) : t('decided'))))));
  }

  function decision(c: Claim): HTMLElement {
    const amount = h('input', { size: 8, placeholder: (c.amount / 100).toFixed(2), title: t('approveAmount'),
      testid: `approve-amount-${c.id}` });
    const reason = h('input', { size: 14, placeholder: t('rejectReason'), testid: `reject-reason-${c.id}` });
    const approve = async () => {
      const typed = amount.value.trim();
      const fen = typed === '' ? null : fenOf(typed);
      if (typed !== '' && fen === null) {
        show(message, h('p', { class: 'notice error' }, t('badAmount')));
        return;
      }
      await decide(c.id, 'approval', fen === null ? {} : { amount: fen });
    };
    const reject = async () => {
      if (reason.value.trim() === '') {
        show(message, h('p', { class: 'notice error' }, t('reasonRequired')));
        return;
      }
      await decide(c.id, 'rejection', { reason: reason.value.trim() });
    };
    return h('div', { class: 'decision' },
      amount, h('button', { type: 'button', class: 'primary', testid: `approve-${c.id}`, onclick: () => void approve() }, t('approve')),
      reason, h('button', { type: 'button', class: 'danger', testid: `reject-${c.id}`, onclick: () => void reject() }, t('reject')));
  }

  async function decide(id: number, what: 'approval' | 'rejection', body: object) {
    try {
      const decided = await post<Claim>(`/api/v1/merchant/claims/${id}/${what}`, body);
      show(message, h('p', { class: 'notice ok' }, `#${id}: ${label(decided.status)}`));
    } catch (error) {
      show(message, failure(error));
    }
    await load(null);
  }

  void load(null);
  return () => {};
}
