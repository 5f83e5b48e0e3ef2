// The console's pages are paths under /console/ (the portal answers every one of them with
// index.html), so a page can be reloaded, bookmarked and opened in a new tab.

export const BASE = '/console/';

export type Route =
  | { page: 'queue' }
  | { page: 'application'; id: string }
  | { page: 'counter' }
  | { page: 'overview' }
  | { page: 'feedback-queue' }
  | { page: 'feedback'; id: string }
  | { page: 'not-found' };

/** The route of a location's path. */
export function routeOf(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname.replace(/^\/console$/, '');
  const parts = rest.split('/').filter((part) => part !== '');
  if (parts.length === 0) return { page: 'queue' };
  if (parts.length === 2 && parts[0] === 'applications' && parts[1]) {
    return { page: 'application', id: decodeURIComponent(parts[1]) };
  }
  if (parts.length === 1 && parts[0] === 'feedback') return { page: 'feedback-queue' };
  if (parts.length === 2 && parts[0] === 'feedback' && parts[1]) {
    return { page: 'feedback', id: decodeURIComponent(parts[1]) };
  }
  if (parts.length === 1 && parts[0] === 'counter') return { page: 'counter' };
  if (parts.length === 1 && parts[0] === 'overview') return { page: 'overview' };
  return { page: 'not-found' };
}

/** The path of a route. */
export function pathOf(route: Route): string {
  switch (route.page) {
    case 'queue':
    case 'not-found':
      return BASE;
    case 'application':
      return `${BASE}applications/${encodeURIComponent(route.id)}`;
    case 'counter':
      return `${BASE}counter`;
    case 'overview':
      return `${BASE}overview`;
    case 'feedback-queue':
      return `${BASE}feedback`;
    case 'feedback':
      return `${BASE}feedback/${encodeURIComponent(route.id)}`;
  }
}

export const router = $state<{ route: Route }>({
  route: typeof location === 'undefined' ? { page: 'queue' } : routeOf(location.pathname),
});

export function go(route: Route): void {
  router.route = route;
  history.pushState(null, '', pathOf(route));
  // The page's heading gets focus, so a screen reader hears where the officer now is.
  queueMicrotask(() => document.querySelector<HTMLElement>('main h1')?.focus());
}

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => {
    router.route = routeOf(location.pathname);
  });
}

/** Follows a same-origin link without a reload (plain clicks only; new-tab clicks go through). */
export function follow(event: MouseEvent, route: Route): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  go(route);
}
