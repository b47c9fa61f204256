// Analytics: the funnel (per activity or per day), the sales ranking and the pickup points by
// their coordinates. Each part asks its own endpoint and says so when the server lacks it.
import { get } from '../api';
import { scatterChart } from '../charts';
import { h, show } from '../dom';
import { count, percent, shanghaiDate, yuan } from '../format';
import { Key, lang, t } from '../i18n';
import { failure } from '../problems';

interface Funnel {
  viewers: number;
  reservations: number;
  paid: number;
  groupsSucceeded: number;
  pickedUp: number;
  refunded: number;
  activityId?: number;
  date?: string;
  activities?: Array<Funnel & { activityId: number }>;
}

interface Ranking {
  items: Array<{ id: number | string; name: string; units: number; gmv: number }>;
}

interface PointsGeoJson {
  features: Array<{
    geometry: { coordinates: [number, number] };
    properties: { pointId: number; name: string; orders: number; gmv: number };
  }>;
}

const STAGES: Array<keyof Funnel & Key> = ['viewers', 'reservations', 'paid', 'groupsSucceeded', 'pickedUp', 'refunded'];

export function analytics(root: HTMLElement): () => void {
  const cleanups: Array<() => void> = [];
  const funnelBox = h('div', { testid: 'funnel' });
  const rankingBox = h('div', { testid: 'ranking' });
  const pointsBox = h('div', { testid: 'points' });

  const activityInput = h('input', { type: 'number', min: 1, testid: 'funnel-activity', placeholder: t('activityId') });
  const dateInput = h('input', { type: 'date', value: shanghaiDate(), testid: 'funnel-date' });
  const funnelForm = h('form', { class: 'filters' },
    h('label', {}, `${t('activityId')} `, activityInput),
    h('label', {}, `${t('date')} `, dateInput),
    h('button', { type: 'submit', testid: 'funnel-show' }, t('show')));
  funnelForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void loadFunnel();
  });

  const byInput = h('select', { testid: 'ranking-by' },
    h('option', { value: 'activity' }, t('rankActivity')),
    h('option', { value: 'merchant' }, t('rankMerchant')),
    h('option', { value: 'point' }, t('rankPoint')));
  const fromInput = h('input', { type: 'date', value: shanghaiDate(new Date(), 6), testid: 'range-from' });
  const toInput = h('input', { type: 'date', value: shanghaiDate(), testid: 'range-to' });
  const rangeForm = h('form', { class: 'filters' },
    h('label', {}, `${t('rankBy')} `, byInput),
    h('label', {}, `${t('from')} `, fromInput),
    h('label', {}, `${t('to')} `, toInput),
    h('button', { type: 'submit', testid: 'range-show' }, t('show')));
  rangeForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void loadRanking();
    void loadPoints();
  });

  show(root,
    h('h2', {}, t('navAnalytics')),
    h('section', {}, h('h3', {}, t('funnel')), funnelForm, funnelBox),
    h('section', {}, h('h3', {}, t('ranking')), rangeForm, rankingBox),
    h('section', {}, h('h3', {}, t('pointsMap')), pointsBox));

  let funnelAnswered = false;

  async function loadFunnel() {
    const activityId = activityInput.value.trim();
    show(funnelBox, h('p', { class: 'muted' }, t('loading')));
    try {
      const funnel = await get<Funnel>('/api/v1/admin/analytics/funnel',
        activityId ? { activityId } : { date: dateInput.value });
      funnelAnswered = true;
      show(funnelBox, funnelView(funnel), funnel.activities?.length ? perActivity(funnel.activities) : null);
    } catch (error) {
      // The first load asks by date: a 404 there can only mean the endpoint is missing.
      show(funnelBox, failure(error, funnelAnswered));
    }
  }

  async function loadRanking() {
    show(rankingBox, h('p', { class: 'muted' }, t('loading')));
    try {
      const ranking = await get<Ranking>('/api/v1/admin/analytics/ranking',
        { by: byInput.value, from: fromInput.value, to: toInput.value, limit: 10 });
      show(rankingBox, rankingView(ranking));
    } catch (error) {
      show(rankingBox, failure(error));
    }
  }

  async function loadPoints() {
    cleanups.splice(0).forEach((cleanup) => cleanup());
    show(pointsBox, h('p', { class: 'muted' }, t('loading')));
    try {
      const points = await get<PointsGeoJson>('/api/v1/admin/analytics/points.geojson',
        { from: fromInput.value, to: toInput.value });
      const chart = h('div', { class: 'chart', testid: 'points-chart' });
      show(pointsBox, chart, pointsTable(points));
      if (points.features.length > 0) {
        cleanups.push(scatterChart(chart, t('orders'),
          points.features.map((f) => f.geometry.coordinates[0]),
          points.features.map((f) => f.geometry.coordinates[1]),
          [t('longitude'), t('latitude')]));
      }
    } catch (error) {
      show(pointsBox, failure(error));
    }
  }

  void loadFunnel();
  void loadRanking();
  void loadPoints();
  return () => cleanups.forEach((cleanup) => cleanup());
}

function funnelView(funnel: Funnel): HTMLElement {
  const top = Math.max(funnel.viewers, funnel.reservations, 1);
  return h('div', { class: 'funnel' }, ...STAGES.map((stage, i) => {
    const value = funnel[stage] as number;
    const previous = i === 0 ? value : (funnel[STAGES[i - 1]] as number);
    return h('div', { class: 'stage' },
      h('span', { class: 'stage-name' }, t(stage)),
      h('span', { class: 'bar', style: `width:${Math.max(2, (value / top) * 100)}%` }),
      h('span', { class: 'stage-value', testid: `funnel-${stage}` }, count(value, lang())),
      h('span', { class: 'muted' }, i === 0 ? '' : percent(value, previous)));
  }));
}

function perActivity(rows: Array<Funnel & { activityId: number }>): HTMLElement {
  return h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, t('activity')), ...STAGES.map((s) => h('th', { class: 'num' }, t(s))))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, h('td', {}, `#${row.activityId}`),
      ...STAGES.map((s) => h('td', { class: 'num' }, count(row[s] as number, lang())))))));
}

function rankingView(ranking: Ranking): HTMLElement {
  if (ranking.items.length === 0) {
    return h('p', { class: 'muted' }, t('empty'));
  }
  const top = Math.max(...ranking.items.map((item) => item.gmv), 1);
  return h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, t('name')), h('th', { class: 'num' }, t('units')),
      h('th', { class: 'num' }, t('gmv')), h('th', {}, ''))),
    h('tbody', {}, ...ranking.items.map((item, i) => h('tr', { testid: `rank-${item.id}` },
      h('td', {}, i + 1), h('td', {}, item.name), h('td', { class: 'num' }, count(item.units, lang())),
      h('td', { class: 'num' }, yuan(item.gmv)),
      h('td', { class: 'barcell' }, h('span', { class: 'bar', style: `width:${(item.gmv / top) * 100}%` }))))));
}

function pointsTable(points: PointsGeoJson): HTMLElement {
  if (points.features.length === 0) {
    return h('p', { class: 'muted' }, t('empty'));
  }
  const rows = [...points.features].sort((a, b) => b.properties.orders - a.properties.orders);
  return h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, t('point')), h('th', { class: 'num' }, t('orders')),
      h('th', { class: 'num' }, t('gmv')), h('th', { class: 'num' }, t('longitude')), h('th', { class: 'num' }, t('latitude')))),
    h('tbody', {}, ...rows.map((f) => h('tr', { testid: `geo-point-${f.properties.pointId}` },
      h('td', {}, f.properties.name), h('td', { class: 'num' }, count(f.properties.orders, lang())),
      h('td', { class: 'num' }, yuan(f.properties.gmv)),
      h('td', { class: 'num' }, f.geometry.coordinates[0].toFixed(4)),
      h('td', { class: 'num' }, f.geometry.coordinates[1].toFixed(4))))));
}
