// A tiny hash router: `#/applications/123` → { name: 'application', params: { id: '123' } }.
// Hash routes need no server and keep deep links (`opendvc://applications/{id}`) easy to map.

export type RouteName =
  | 'home'
  | 'applications'
  | 'application'
  | 'services'
  | 'procedure'
  | 'apply'
  | 'documents'
  | 'inbox'
  | 'queue'
  | 'settings'
  | 'access_log'
  | 'staff_sign_in'
  | 'citizen_sign_in'
  | 'serve'
  | 'session_ended'
  | 'receipt'
  | 'not_found';

export interface Route {
  name: RouteName;
  params: Record<string, string>;
}

const PATTERNS: [RegExp, RouteName, string[]][] = [
  [/^\/?$/, 'home', []],
  [/^\/applications\/?$/, 'applications', []],
  [/^\/applications\/([^/]+)$/, 'application', ['id']],
  [/^\/services\/?$/, 'services', []],
  [/^\/services\/([^/]+)$/, 'procedure', ['id']],
  [/^\/apply\/([^/]+)(?:\/([a-z-]+))?$/, 'apply', ['procedureId', 'step']],
  [/^\/documents\/?$/, 'documents', []],
  [/^\/inbox\/?$/, 'inbox', []],
  [/^\/queue\/?$/, 'queue', []],
  [/^\/settings\/?$/, 'settings', []],
  [/^\/access-log\/?$/, 'access_log', []],
  [/^\/staff\/?$/, 'staff_sign_in', []],
  [/^\/citizen\/?$/, 'citizen_sign_in', []],
  [/^\/serve\/?$/, 'serve', []],
  [/^\/ended\/?$/, 'session_ended', []],
  [/^\/receipt\/([^/]+)$/, 'receipt', ['id']],
];

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').split('?')[0] ?? '';
  for (const [pattern, name, keys] of PATTERNS) {
    const match = pattern.exec(path);
    if (match) {
      const params: Record<string, string> = {};
      keys.forEach((key, index) => {
        const value = match[index + 1];
        if (value !== undefined) params[key] = decodeURIComponent(value);
      });
      return { name, params };
    }
  }
  return { name: 'not_found', params: {} };
}

const initialHash = typeof location === 'undefined' ? '' : location.hash;

export const router = $state<{ route: Route; hash: string }>({ route: parseRoute(initialHash), hash: initialHash });

/** Follows `location.hash`. The route object is replaced only when the hash really changed, so
 * a late `hashchange` for a navigation already done does not re-create the screen. */
function follow(): void {
  if (location.hash === router.hash) return;
  router.hash = location.hash;
  router.route = parseRoute(location.hash);
}

export function startRouter(): () => void {
  const update = follow;
  update();
  window.addEventListener('hashchange', update);
  return () => window.removeEventListener('hashchange', update);
}

/** Builds a link target; every segment is encoded so server ids cannot break the path. */
export function href(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}

/** Opens `path` (`applications/{id}`, no `#/`) if it names a screen; says whether it did. A
 * deep link comes from outside the app, so anything unknown is refused. */
export function openPath(path: string): boolean {
  const hash = `#/${path.replace(/^[#/]+/, '')}`;
  if (parseRoute(hash).name === 'not_found') return false;
  location.hash = hash.slice(1);
  follow();
  return true;
}

export function navigate(...segments: string[]): void {
  location.hash = href(...segments).slice(1);
  follow();
}
