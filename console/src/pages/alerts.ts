// Alerts: low-stock crossings (remaining at or under the safety stock), newest first, so an
// operator can phone the supplier to top up.
import { get } from '../api';
import { h, show } from '../dom';
import { count, dateTime } from '../format';
import { lang, t } from '../i18n';
import { failure } from '../problems';

interface Alert {
  id: string | number;
  activityId: number;
  pointId: number | null;
  remaining: number;
  safetyStock: number;
  at: string;
}

interface AlertPage {
  items: Alert[];
  nextCursor: string | number | null;
}

export function alerts(root: HTMLElement): () => void {
  const activityInput = h('input', { type: 'number', min: 1, placeholder: t('activityId'), testid: 'alerts-activity' });
  const list = h('div', { testid: 'alerts' });
  const moreBox = h('div');
  const form = h('form', { class: 'filters' }, h('label', {}, `${t('activityId')} `, activityInput),
    h('button', { type: 'submit', testid: 'alerts-show' }, t('show')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load(null);
  });
  show(root, h('h2', {}, t('alerts')), form, list, moreBox);

  let rows: Alert[] = [];
  let answered = false;

  async function load(cursor: string | number | null) {
    try {
      const page = await get<AlertPage>('/api/v1/merchant/alerts',
        { activityId: activityInput.value.trim(), cursor });
      answered = true;
      rows = cursor === null ? page.items : rows.concat(page.items);
      show(list, rows.length ? table(rows) : h('p', { class: 'muted', testid: 'alerts-empty' }, t('empty')));
      show(moreBox, page.nextCursor === null || page.nextCursor === undefined ? null
        : h('button', { type: 'button', onclick: () => void load(page.nextCursor) }, t('more')));
    } catch (error) {
      // The first load names no activity: a 404 there can only mean the endpoint is missing.
      show(list, failure(error, answered));
      show(moreBox);
    }
  }

  function table(alertRows: Alert[]): HTMLElement {
    return h('table', {},
      h('thead', {}, h('tr', {}, ...[t('at'), t('activity'), t('point'), t('remaining'), t('safetyStock')]
        .map((title) => h('th', {}, title)))),
      h('tbody', {}, ...alertRows.map((a) => h('tr', { testid: `alert-${a.id}`, class: a.remaining === 0 ? 'sold-out' : '' },
        h('td', {}, dateTime(a.at, lang())), h('td', {}, `#${a.activityId}`),
        h('td', {}, a.pointId === null ? t('wholeActivity') : `#${a.pointId}`),
        h('td', { class: 'num', testid: `alert-remaining-${a.id}` }, count(a.remaining, lang())),
        h('td', { class: 'num' }, count(a.safetyStock, lang()))))));
  }

  void load(null);
  return () => {};
}
