// Tonight: the spike as it happens. The metrics endpoint is polled once a second (the server
// answers it from a 1 s cache); the first few activities also get their SSE progress stream.
// Nothing here asks the server per buyer event, and the page redraws at most four times a second.
import { get } from '../api';
import { COLORS, timeChart } from '../charts';
import { h, show } from '../dom';
import { count, dateTime } from '../format';
import { lang, t } from '../i18n';
import { failure } from '../problems';
import { subscribe } from '../sse';

export interface Tonight {
  at: string;
  reservationsPerSecond: number;
  relayLagMs: number | null;
  workerBacklog: number | null;
  activities: Array<{
    id: number;
    title: string;
    remaining: number;
    groupsFormed: number;
    points: Array<{ pointId: number; remaining: number }>;
  }>;
}

interface Progress {
  activityId: number;
  remainingStock: number;
  groupsFormed: number;
}

const POLL_MS = 1000;
const REDRAW_MS = 250;
const STREAMS = 3;
const CHARTED = 5;
const HISTORY = 300;

export function tonight(root: HTMLElement): () => void {
  const stop = new AbortController();
  const streams = new Map<number, AbortController>();
  const live = new Map<number, Progress>();
  const pointNames = new Map<number, string>();
  let metrics: Tonight | null = null;
  let problem: HTMLElement | null = null;
  let dirty = true;

  const rate: number[][] = [[], []];
  const pipeline: number[][] = [[], [], []];
  let remaining: { ids: number[]; data: number[][] } = { ids: [], data: [[]] };

  const cards = h('div', { class: 'cards' });
  const notice = h('div');
  const table = h('div', { testid: 'tonight-activities' });
  const rateBox = h('div', { class: 'chart' });
  const remainingBox = h('div', { class: 'chart' });
  const pipelineBox = h('div', { class: 'chart' });
  show(root,
    h('h2', {}, t('navTonight')), notice, cards,
    h('section', { class: 'charts' },
      h('figure', {}, h('figcaption', {}, t('chartRate')), rateBox),
      h('figure', {}, h('figcaption', {}, t('chartRemaining')), remainingBox),
      h('figure', {}, h('figcaption', {}, t('chartPipeline')), pipelineBox)),
    h('h3', {}, t('liveActivities')), table);

  const rateChart = timeChart(rateBox, [{ label: t('reservationsPerSecond') }]);
  const pipelineChart = timeChart(pipelineBox, [
    { label: `${t('relayLag')} (${t('ms')})` },
    { label: t('workerBacklog'), right: true },
  ]);
  let remainingChart: ReturnType<typeof timeChart> | null = null;

  // Point names once; the page works with ids alone should this fail.
  get<Array<{ id: number; name: string }>>('/api/v1/admin/pickup-points')
    .then((points) => {
      points.forEach((p) => pointNames.set(p.id, p.name));
      dirty = true;
    })
    .catch(() => {});

  const poll = async () => {
    while (!stop.signal.aborted) {
      try {
        metrics = await get<Tonight>('/api/v1/admin/metrics/tonight');
        problem = null;
        sample(metrics);
        follow(metrics);
      } catch (error) {
        problem = failure(error);
      }
      dirty = true;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };

  function sample(m: Tonight) {
    const x = Date.parse(m.at) / 1000;
    push(rate, [x, m.reservationsPerSecond]);
    push(pipeline, [x, m.relayLagMs ?? Number.NaN, m.workerBacklog ?? Number.NaN]);
  }

  /** SSE for the first few activities; the rest are shown as polled. */
  function follow(m: Tonight) {
    const wanted = new Set(m.activities.slice(0, STREAMS).map((a) => a.id));
    for (const [id, controller] of streams) {
      if (!wanted.has(id)) {
        controller.abort();
        streams.delete(id);
        live.delete(id);
      }
    }
    for (const id of wanted) {
      if (streams.has(id)) {
        continue;
      }
      const controller = new AbortController();
      stop.signal.addEventListener('abort', () => controller.abort(), { once: true });
      streams.set(id, controller);
      subscribe(`/api/v1/activities/${id}/events`, (frame) => {
        if (frame.event === 'activity') {
          live.set(id, JSON.parse(frame.data) as Progress);
          dirty = true;
        }
      }, controller.signal);
    }
  }

  function figures(a: Tonight['activities'][number]): { remaining: number; groups: number; live: boolean } {
    const p = live.get(a.id);
    return p ? { remaining: p.remainingStock, groups: p.groupsFormed, live: true }
      : { remaining: a.remaining, groups: a.groupsFormed, live: false };
  }

  function render() {
    const m = metrics;
    show(notice, problem);
    if (!m) {
      return;
    }
    show(cards,
      card(t('reservationsPerSecond'), m.reservationsPerSecond.toFixed(1), 'rate'),
      card(t('relayLag'), m.relayLagMs === null ? '—' : `${count(m.relayLagMs, lang())} ${t('ms')}`, 'relay-lag'),
      card(t('workerBacklog'), count(m.workerBacklog, lang()), 'backlog'),
      card(t('liveActivities'), count(m.activities.length, lang()), 'activity-count'),
      h('p', { class: 'updated' }, `${t('updatedAt')} ${dateTime(m.at, lang())}`));
    show(table, m.activities.length === 0 ? h('p', { class: 'notice' }, t('noLiveActivities')) : activityTable(m));
    chartRemaining(m);
    rateChart.update(rate as never);
    pipelineChart.update(pipeline as never);
  }

  function activityTable(m: Tonight): HTMLElement {
    return h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, t('activity')), h('th', { class: 'num' }, t('remaining')),
        h('th', { class: 'num' }, t('groupsFormed')), h('th', {}, t('points')))),
      h('tbody', {}, ...m.activities.map((a) => {
        const f = figures(a);
        return h('tr', { testid: `activity-${a.id}` },
          h('td', {}, h('strong', {}, a.title), h('span', { class: 'muted' }, ` #${a.id}`),
            h('span', { class: f.live ? 'badge live' : 'badge' }, f.live ? t('live') : t('polled'))),
          h('td', { class: 'num big', testid: `remaining-${a.id}` }, count(f.remaining, lang())),
          h('td', { class: 'num', testid: `groups-${a.id}` }, count(f.groups, lang())),
          h('td', {}, h('ul', { class: 'points' }, ...a.points.map((p) => h('li', {},
            `${pointNames.get(p.pointId) ?? `${t('point')} #${p.pointId}`}: `,
            h('b', { testid: `point-remaining-${a.id}-${p.pointId}` }, count(p.remaining, lang())))))));
      })));
  }

  function chartRemaining(m: Tonight) {
    const charted = m.activities.slice(0, CHARTED);
    const ids = charted.map((a) => a.id);
    if (ids.join() !== remaining.ids.join()) {
      remainingChart?.destroy();
      remainingBox.replaceChildren();
      remaining = { ids, data: [[], ...ids.map(() => [])] };
      remainingChart = timeChart(remainingBox, charted.map((a, i) => ({ label: `#${a.id} ${a.title}`, color: COLORS[i] })));
    }
    // One sample a second (the latest within it), so the chart spans minutes, not redraws.
    const sample = [Math.floor(Date.now() / 1000), ...charted.map((a) => figures(a).remaining)];
    const xs = remaining.data[0];
    if (xs.length > 0 && xs[xs.length - 1] === sample[0]) {
      remaining.data.forEach((column, i) => { column[column.length - 1] = sample[i]; });
    } else {
      push(remaining.data, sample);
    }
    remainingChart?.update(remaining.data as never);
  }

  const redraw = setInterval(() => {
    if (dirty) {
      dirty = false;
      requestAnimationFrame(render);
    }
  }, REDRAW_MS);
  void poll();

  return () => {
    stop.abort();
    clearInterval(redraw);
    rateChart.destroy();
    pipelineChart.destroy();
    remainingChart?.destroy();
  };
}

function card(title: string, value: string, id: string): HTMLElement {
  return h('div', { class: 'card' }, h('div', { class: 'card-title' }, title), h('div', { class: 'card-value', testid: id }, value));
}

/** Appends one aligned sample, keeping the last HISTORY. */
function push(columns: number[][], values: number[]) {
  columns.forEach((column, i) => {
    column.push(values[i]);
    if (column.length > HISTORY) {
      column.shift();
    }
  });
}
