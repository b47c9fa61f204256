// Calls to the flashgroup API with the pasted token (kept in sessionStorage, gone with the tab)
// and the console's language, so problem details come back in it.
import { lang } from './i18n';

const TOKEN = 'flashgroup.console.token';

/**
 * A GET answered 404: the endpoint is not there (a server without that feature yet), or, for a
 * query naming something, that thing is unknown; the page that knows the endpoint answered before
 * tells the two apart and shows {@code detail} for the second.
 */
export class NotAvailable extends Error {
  constructor(readonly path: string, readonly detail: string) {
    super(detail);
  }
}

export class SignInNeeded extends Error {}

export class Refused extends Error {
  constructor(readonly status: number, readonly code: string | undefined, detail: string) {
    super(detail);
  }
}

export function token(): string | null {
  return sessionStorage.getItem(TOKEN);
}

export function keepToken(value: string): void {
  sessionStorage.setItem(TOKEN, value.trim().replace(/^Bearer\s+/i, ''));
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN);
}

export function headers(extra: Record<string, string> = {}): Record<string, string> {
  const value = token();
  return {
    Accept: 'application/json',
    'Accept-Language': lang() === 'en' ? 'en' : 'zh-CN,zh;q=0.9',
    ...(value ? { Authorization: `Bearer ${value}` } : {}),
    ...extra,
  };
}

type Query = Record<string, string | number | null | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== '') {
      params.set(name, String(value));
    }
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    throw new SignInNeeded();
  }
  if (!response.ok) {
    let code: string | undefined;
    let detail = `${response.status}`;
    try {
      const problem = await response.json();
      code = problem.code;
      detail = problem.detail ?? problem.title ?? detail;
    } catch {
      // not a problem document; the status says enough
    }
    throw response.status === 404 && method === 'GET' ? new NotAvailable(path, detail)
      : new Refused(response.status, code, detail);
  }
  return (await response.json()) as T;
}

export const get = <T>(path: string, query?: Query) => call<T>('GET', withQuery(path, query));
export const post = <T>(path: string, body: unknown) => call<T>('POST', path, body);
