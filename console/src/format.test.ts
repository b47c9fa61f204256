import { describe, expect, it } from 'vitest';
import { count, dateTime, fenOf, percent, shanghaiDate, yuan } from './format';

describe('yuan', () => {
  it('writes fen as yuan with two decimals', () => {
    expect(yuan(2990)).toBe('¥29.90');
    expect(yuan(5)).toBe('¥0.05');
    expect(yuan(0)).toBe('¥0.00');
    expect(yuan(123456789)).toBe('¥1,234,567.89');
    expect(yuan(-1050)).toBe('-¥10.50');
  });

  it('writes a dash for a missing amount', () => {
    expect(yuan(null)).toBe('—');
    expect(yuan(undefined)).toBe('—');
    expect(yuan(Number.NaN)).toBe('—');
  });
});

describe('fenOf', () => {
  it('reads what an operator types as fen', () => {
    expect(fenOf('29.9')).toBe(2990);
    expect(fenOf('¥12.05')).toBe(1205);
    expect(fenOf(' 7 ')).toBe(700);
    expect(fenOf('1,000.00')).toBe(100000);
  });

  it('refuses what is not an amount', () => {
    expect(fenOf('')).toBeNull();
    expect(fenOf('-1')).toBeNull();
    expect(fenOf('1.234')).toBeNull();
    expect(fenOf('abc')).toBeNull();
  });
});

describe('dateTime', () => {
  it('shows instants on the Shanghai clock whatever the browser zone', () => {
    // 12:00 UTC is 20:00 in Shanghai (UTC+8, no daylight saving).
    expect(dateTime('2026-12-01T12:00:05Z', 'zh-CN')).toBe('2026/12/01 20:00:05');
    expect(dateTime('2026-12-01T16:30:00Z', 'en')).toBe('12/02/2026, 00:30:00');
  });

  it('writes a dash for a missing or broken instant', () => {
    expect(dateTime(null, 'zh-CN')).toBe('—');
    expect(dateTime('not a time', 'en')).toBe('—');
  });
});

describe('shanghaiDate', () => {
  it('takes the day in Shanghai, not in UTC', () => {
    expect(shanghaiDate(new Date('2026-12-01T17:00:00Z'))).toBe('2026-12-02');
    expect(shanghaiDate(new Date('2026-12-01T15:59:59Z'))).toBe('2026-12-01');
    expect(shanghaiDate(new Date('2026-12-08T15:00:00Z'), 7)).toBe('2026-12-01');
  });
});

describe('count and percent', () => {
  it('group digits and divide safely', () => {
    expect(count(12345, 'en')).toBe('12,345');
    expect(count(null, 'zh-CN')).toBe('—');
    expect(percent(1, 4)).toBe('25.0%');
    expect(percent(3, 0)).toBe('—');
  });
});
