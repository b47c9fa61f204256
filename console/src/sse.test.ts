import { describe, expect, it } from 'vitest';
import { parse } from './sse';

describe('parse', () => {
  it('reads an event frame the progress stream sends', () => {
    expect(parse('event:activity\ndata:{"activityId":7,"remainingStock":19}')).toEqual({
      event: 'activity',
      data: '{"activityId":7,"remainingStock":19}',
    });
  });

  it('skips heartbeat comments and joins multi-line data', () => {
    expect(parse(':heartbeat')).toBeNull();
    expect(parse('data: a\ndata: b')).toEqual({ event: 'message', data: 'a\nb' });
  });
});
