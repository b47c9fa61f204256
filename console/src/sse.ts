// Server-Sent Events over fetch: EventSource cannot send the Authorization header.
import { headers } from './api';

export interface Frame {
  event: string;
  data: string;
}

/**
 * Reads the stream at {@code path} and calls {@code onFrame} for every frame (comments, the
 * heartbeats, are skipped); reconnects after a pause when the stream ends or fails, until
 * {@code signal} aborts.
 */
export function subscribe(path: string, onFrame: (frame: Frame) => void, signal: AbortSignal): void {
  const run = async () => {
    while (!signal.aborted) {
      try {
        const response = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal });
        if (!response.ok || !response.body) {
          throw new Error(`${response.status}`);
        }
        await read(response.body, onFrame);
      } catch {
        // aborted, or the server went away: try again below unless aborted
      }
      await pause(2000, signal);
    }
  };
  void run();
}

async function read(body: ReadableStream<Uint8Array>, onFrame: (frame: Frame) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      const frame = parse(block);
      if (frame) {
        onFrame(frame);
      }
    }
  }
}

/** One SSE block ("event: x\ndata: {...}") as a frame; null for a comment-only block. */
export function parse(block: string): Frame | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith(':') || line === '') {
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') {
      event = value;
    } else if (field === 'data') {
      data.push(value);
    }
  }
  return data.length ? { event, data: data.join('\n') } : null;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
