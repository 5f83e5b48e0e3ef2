// A tiny hash router: it follows `location.hash` and builds link targets. Which screen a path
// opens, and for whom, is the route table's business (src/routes.ts). Hash routes need no
// server and keep deep links (`opendvc://applications/{id}`) easy to map.

/** A path pattern's match: each `:name` segment's value, decoded. */
export type Params = Record<string, string>;

/** A path pattern (`/applications/:id`, `/apply/:procedureId/:step?`) as a matcher: the
 * parameters of a path it matches, or undefined. A trailing slash is allowed; an optional
 * parameter (`:step?`) may be left off; a parameter never spans a `/`. */
export function pathMatcher(pattern: string): (path: string) => Params | undefined {
  const keys: string[] = [];
  const source = pattern
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      const parameter = /^:([A-Za-z]+)(\?)?$/.exec(segment);
      if (!parameter) return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
      keys.push(parameter[1] ?? '');
      return parameter[2] ? '(?:/([^/]+))?' : '/([^/]+)';
    })
    .join('');
  const regex = new RegExp(`^${source}/?$`);
  return (path) => {
    const match = regex.exec(path.startsWith('/') ? path : `/${path}`);
    if (!match) return undefined;
    const params: Params = {};
    keys.forEach((key, index) => {
      const value = match[index + 1];
      if (value !== undefined) params[key] = decodeURIComponent(value);
    });
    return params;
  };
}

/** The path of a hash: `#/applications/1?x` → `/applications/1`. */
export function pathOf(hash: string): string {
  return hash.replace(/^#/, '').split('?')[0] ?? '';
}

const initialHash = typeof location === 'undefined' ? '' : location.hash;

/** The current hash. It changes only when the hash really changed, so a late `hashchange` for
 * a navigation already done does not re-create the screen. */
export const router = $state<{ hash: string }>({ hash: initialHash });

function follow(): void {
  if (location.hash !== router.hash) router.hash = location.hash;
}

export function startRouter(): () => void {
  follow();
  window.addEventListener('hashchange', follow);
  return () => window.removeEventListener('hashchange', follow);
}

/** Builds a link target; every segment is encoded so server ids cannot break the path. */
export function href(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}

/** Opens the hash path `path` (`applications/{id}`, no `#/`). */
export function go(path: string): void {
  location.hash = `/${path.replace(/^[#/]+/, '')}`;
  follow();
}

export function navigate(...segments: string[]): void {
  go(href(...segments));
}
