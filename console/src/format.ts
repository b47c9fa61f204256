// How the console writes money, numbers and times: fen as ¥29.90, times in Asia/Shanghai.

export type Lang = 'zh-CN' | 'en';

export const ZONE = 'Asia/Shanghai';

/** Integer fen as yuan with two decimals: 2990 -> "¥29.90", -5 -> "-¥0.05". */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) {
    return '—';
  }
  const whole = Math.trunc(fen);
  const sign = whole < 0 ? '-' : '';
  const abs = Math.abs(whole);
  const yuanPart = Math.floor(abs / 100).toLocaleString('en-US');
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}¥${yuanPart}.${cents}`;
}

/** Yuan typed by an operator ("12.5", "¥12.50") as integer fen; null when it is not an amount. */
export function fenOf(text: string): number | null {
  const cleaned = text.trim().replace(/^¥/, '').replace(/,/g, '');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(cleaned)) {
    return null;
  }
  const [whole, fraction = ''] = cleaned.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

const dateTimes = new Map<Lang, Intl.DateTimeFormat>();

/** An instant as the operator's wall clock in Shanghai: "2026/12/01 20:00:05" (zh-CN). */
export function dateTime(instant: string | number | Date | null | undefined, lang: Lang): string {
  if (instant === null || instant === undefined || instant === '') {
    return '—';
  }
  const date = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(date.getTime())) {
    return '—';
  }
  let format = dateTimes.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, {
      timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    });
    dateTimes.set(lang, format);
  }
  return format.format(date);
}

/** Today's date in Shanghai as YYYY-MM-DD, the form the analytics endpoints take. */
export function shanghaiDate(at: Date = new Date(), daysBack = 0): string {
  const shifted = new Date(at.getTime() - daysBack * 86_400_000);
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(shifted);
}

/** A count with the language's digit grouping: 12,345. */
export function count(n: number | null | undefined, lang: Lang): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toLocaleString(lang);
}

/** A share as a percentage with one decimal, "—" when the base is 0. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '—';
}
