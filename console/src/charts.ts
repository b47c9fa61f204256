// Line charts with uPlot (about 50 kB, canvas): redrawn by the pages at most a few times a second.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export const COLORS = ['#d9480f', '#1c7ed6', '#2b8a3e', '#862e9c', '#e67700', '#0b7285'];

export interface Series {
  label: string;
  color?: string;
  /** Right-hand axis (a second unit). */
  right?: boolean;
}

const timeAxis: uPlot.Axis = {
  // Whole seconds and up: sub-second ticks would repeat the same label.
  incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600],
  // Wall clock in Shanghai whatever the browser's zone.
  values: (_u, ticks) => ticks.map((s) => new Date(s * 1000).toLocaleTimeString('zh-CN',
    { timeZone: 'Asia/Shanghai', hour12: false })),
};

/** A time-series chart over {@code element}; {@code update} replaces its data (x in epoch seconds). */
export function timeChart(element: HTMLElement, series: Series[]): { update(data: uPlot.AlignedData): void; destroy(): void } {
  const hasRight = series.some((s) => s.right);
  const options: uPlot.Options = {
    width: Math.max(element.clientWidth, 320),
    height: 220,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Asia/Shanghai'),
    scales: { x: { time: true }, ...(hasRight ? { right: { auto: true } } : {}) },
    axes: [timeAxis, {}, ...(hasRight ? [{ side: 1, scale: 'right', grid: { show: false } } as uPlot.Axis] : [])],
    series: [{}, ...series.map((s, i) => ({
      label: s.label,
      stroke: s.color ?? COLORS[i % COLORS.length],
      width: 2,
      scale: s.right ? 'right' : 'y',
      points: { show: false },
    }))],
    legend: { live: false },
  };
  const empty: uPlot.AlignedData = [[], ...series.map(() => [])];
  const chart = new uPlot(options, empty, element);
  const resize = () => chart.setSize({ width: Math.max(element.clientWidth, 320), height: 220 });
  window.addEventListener('resize', resize);
  return {
    update: (data) => chart.setData(data),
    destroy: () => {
      window.removeEventListener('resize', resize);
      chart.destroy();
    },
  };
}

/** Points at their coordinates (x longitude, y latitude), no lines; no map tiles. */
export function scatterChart(element: HTMLElement, label: string, xs: number[], ys: number[],
    axes: [string, string]): () => void {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const data: uPlot.AlignedData = [order.map((i) => xs[i]), order.map((i) => ys[i])];
  const chart = new uPlot({
    width: Math.max(element.clientWidth, 320),
    height: 320,
    // Around the points, not from 0: they sit within a city, a few hundredths of a degree apart.
    scales: { x: { time: false, auto: false, range: around(xs) }, y: { auto: false, range: around(ys) } },
    axes: [{ label: axes[0], space: 90, values: degrees }, { label: axes[1], size: 80, values: degrees }],
    series: [{ label: axes[0] }, {
      label,
      stroke: COLORS[0],
      fill: COLORS[0],
      paths: () => null,
      points: { show: true, size: 10, fill: COLORS[0] },
    }],
    cursor: { drag: { x: false, y: false } },
  }, data, element);
  return () => chart.destroy();
}

function around(values: number[]): [number, number] {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const pad = Math.max(0.005, (max - min) * 0.1);
  return [min - pad, max + pad];
}

function degrees(_u: uPlot, ticks: number[]): string[] {
  return ticks.map((v) => v.toFixed(3));
}
