// The route table: each hash path pattern, the screen it opens and who may open it (its
// guard); and the screens, each with its window title and tab. App.svelte shows what
// `resolve` picks for the device's mode. A screen's code is loaded the first time it is shown
// (`import()`), so the JavaScript loaded before the first screen holds none of the others. The
// citizen's home, which most starts open, comes with the first script: in the webview a
// dynamic import only begins once the page has loaded, and the first screen would wait for it.

import type { Component } from 'svelte';
import { go, pathMatcher, pathOf, type Params } from './lib/router.svelte';
import Home from './screens/Home.svelte';

/** Who may open a route. A refused route shows the device's home screen on the staff side,
 * the citizen's home for `reads`, and "page not found" otherwise. */
export type Guard =
  /** Anyone the device shows screens to. */
  | 'any'
  /** A citizen's screens: the citizen signed in on their own, or served in an assisted session. */
  | 'signed_in'
  /** As `signed_in`, but the screen shows the citizen's own data, which a session on a paper
   * consent may not read: it gets the session's home instead. */
  | 'reads'
  /** The citizen signed in on their own, not in an assisted session. */
  | 'own'
  /** An assisted session. */
  | 'assisted'
  /** The staff side of a shared device, between sessions. */
  | 'staff';

/** Whom the device shows the routed screens to (the other modes show one screen each). */
export type Audience = 'citizen' | 'assisted' | 'staff';

/** The main tabs a screen belongs to (`aria-current` on the tab bar and header links). */
export type Section = 'home' | 'applications' | 'services' | 'documents' | 'inbox' | 'feedback' | 'queue' | 'settings';

// Screens take different props; the table hands each the props its route gives it.
type AnyComponent = Component<any>;
type Loader = () => Promise<{ default: AnyComponent }>;

interface ScreenEntry {
  load: Loader;
  /** The window title's message id; none: just "OpenDVC". */
  title?: string;
  section?: Section;
}

const SCREEN_TABLE = {
  home: { load: () => Promise.resolve({ default: Home }), title: 'ui-nav-home', section: 'home' },
  session_home: { load: () => import('./screens/staff/SessionHome.svelte'), title: 'ui-nav-home', section: 'home' },
  applications: { load: () => import('./screens/Applications.svelte'), title: 'ui-applications-title', section: 'applications' },
  application: { load: () => import('./screens/ApplicationDetail.svelte'), title: 'ui-applications-title', section: 'applications' },
  services: { load: () => import('./screens/Services.svelte'), title: 'ui-services-title', section: 'services' },
  procedure: { load: () => import('./screens/ProcedurePage.svelte'), title: 'ui-services-title', section: 'services' },
  apply: { load: () => import('./screens/Apply.svelte'), title: 'ui-services-title', section: 'services' },
  documents: { load: () => import('./screens/Documents.svelte'), title: 'ui-documents-title', section: 'documents' },
  inbox: { load: () => import('./screens/Inbox.svelte'), title: 'ui-inbox-title', section: 'inbox' },
  feedback: { load: () => import('./screens/feedback/FeedbackList.svelte'), title: 'ui-feedback-title', section: 'feedback' },
  feedback_new: { load: () => import('./screens/feedback/FeedbackNew.svelte'), title: 'ui-feedback-new-title', section: 'feedback' },
  feedback_item: { load: () => import('./screens/feedback/FeedbackItem.svelte'), title: 'ui-feedback-title', section: 'feedback' },
  queue: { load: () => import('./screens/Queue.svelte'), title: 'ui-queue-title', section: 'queue' },
  settings: { load: () => import('./screens/Settings.svelte'), title: 'ui-settings-title', section: 'settings' },
  access_log: { load: () => import('./screens/AccessLog.svelte'), title: 'ui-access-log-title', section: 'settings' },
  notification_settings: { load: () => import('./screens/NotificationSettings.svelte'), title: 'ui-notify-title', section: 'settings' },
  profile: { load: () => import('./screens/Profile.svelte'), title: 'ui-profile-title', section: 'settings' },
  receipt: { load: () => import('./screens/staff/ReceiptPage.svelte'), title: 'ui-receipt-title' },
  payment_return: { load: () => import('./screens/payment/PaymentReturn.svelte'), title: 'ui-payment-title', section: 'applications' },
  not_found: { load: () => import('./screens/NotFound.svelte'), title: 'ui-not-found-title' },
  staff_home: { load: () => import('./screens/staff/StaffHome.svelte'), title: 'ui-staff-home-title' },
  serve: { load: () => import('./screens/staff/Serve.svelte'), title: 'ui-serve-title' },
  sign_in: { load: () => import('./screens/SignIn.svelte'), title: 'ui-signin-title' },
  staff_sign_in: { load: () => import('./screens/staff/StaffSignIn.svelte'), title: 'ui-staff-signin-title' },
  lock: { load: () => import('./screens/staff/LockScreen.svelte'), title: 'ui-lock-title' },
} satisfies Record<string, ScreenEntry>;

export type ScreenName = keyof typeof SCREEN_TABLE;

/** Every screen of the app, by name. */
export const SCREENS: Record<ScreenName, ScreenEntry> = SCREEN_TABLE;

/** `home` is the home screen of whoever uses the device (the citizen's, an assisted session's
 * or the staff side's). */
type RouteScreen = Exclude<ScreenName, 'session_home' | 'staff_home' | 'not_found' | 'sign_in' | 'staff_sign_in' | 'lock'>;

interface RouteEntry {
  name: string;
  path: string;
  screen: RouteScreen;
  guard: Guard;
  /** The screen's props from the path's parameters. */
  props?: (params: Params) => Record<string, unknown>;
}

const id = (params: Params) => ({ id: params.id ?? '' });

/** Every route, in the order they are tried. */
export const ROUTES = [
  { name: 'home', path: '/', screen: 'home', guard: 'any' },
  { name: 'applications', path: '/applications', screen: 'applications', guard: 'reads' },
  { name: 'application', path: '/applications/:id', screen: 'application', guard: 'reads', props: id },
  { name: 'services', path: '/services', screen: 'services', guard: 'signed_in' },
  { name: 'procedure', path: '/services/:id', screen: 'procedure', guard: 'signed_in', props: id },
  {
    name: 'apply',
    path: '/apply/:procedureId/:step?',
    screen: 'apply',
    guard: 'signed_in',
    props: (params) => ({ procedureId: params.procedureId ?? '', step: params.step ?? '' }),
  },
  // The payment provider's return (`opendvc://payments/{id}`): the citizen's own sign-in pays.
  { name: 'payment_return', path: '/payments/:id', screen: 'payment_return', guard: 'own', props: id },
  { name: 'documents', path: '/documents', screen: 'documents', guard: 'reads' },
  { name: 'inbox', path: '/inbox', screen: 'inbox', guard: 'reads' },
  // Feedback to the city (phản ánh): the list and an item are the resident's own data; the
  // form comes before `/feedback/:id` so `new` is never taken for an id.
  { name: 'feedback', path: '/feedback', screen: 'feedback', guard: 'reads' },
  { name: 'feedback_new', path: '/feedback/new', screen: 'feedback_new', guard: 'signed_in' },
  { name: 'feedback_item', path: '/feedback/:id', screen: 'feedback_item', guard: 'reads', props: id },
  { name: 'queue', path: '/queue', screen: 'queue', guard: 'signed_in' },
  { name: 'settings', path: '/settings', screen: 'settings', guard: 'own' },
  // "Who used my data", from the settings.
  { name: 'access_log', path: '/access-log', screen: 'access_log', guard: 'own' },
  // How the portal reaches the citizen (app, SMS, e-mail), from the settings.
  { name: 'notification_settings', path: '/settings/notifications', screen: 'notification_settings', guard: 'own' },
  // The citizen's profile: contacts with their confirmation codes, addresses, from the settings.
  { name: 'profile', path: '/settings/profile', screen: 'profile', guard: 'own' },
  // A shared device's staff sign-in; signed in, the staff side's home.
  { name: 'staff_sign_in', path: '/staff', screen: 'home', guard: 'staff' },
  // The citizen's sign-in on a shared device; signed in, the citizen's home.
  { name: 'citizen_sign_in', path: '/citizen', screen: 'home', guard: 'any' },
  { name: 'serve', path: '/serve', screen: 'serve', guard: 'staff' },
  // Where the UI starts afresh after an assisted session ended.
  { name: 'session_ended', path: '/ended', screen: 'home', guard: 'any' },
  { name: 'receipt', path: '/receipt/:id', screen: 'receipt', guard: 'assisted', props: id },
] as const satisfies readonly RouteEntry[];

export type RouteName = (typeof ROUTES)[number]['name'] | 'not_found';

export interface Route {
  name: RouteName;
  params: Params;
}

const MATCHERS = ROUTES.map((route) => ({ route, match: pathMatcher(route.path) }));

export function parseRoute(hash: string): Route {
  const path = pathOf(hash);
  for (const { route, match } of MATCHERS) {
    const params = match(path);
    if (params) return { name: route.name, params };
  }
  return { name: 'not_found', params: {} };
}

/** Opens `path` (`applications/{id}`, no `#/`) if it names a screen; says whether it did. A
 * deep link comes from outside the app, so anything unknown is refused. */
export function openDeepLink(path: string): boolean {
  if (parseRoute(`#/${path.replace(/^[#/]+/, '')}`).name === 'not_found') return false;
  go(path);
  return true;
}

/** A screen to show, with its props. */
export interface Shown {
  screen: ScreenName;
  props: Record<string, unknown>;
}

function homeOf(audience: Audience, route: Route): Shown {
  if (audience === 'staff') return { screen: 'staff_home', props: { justEnded: route.name === 'session_ended' } };
  return { screen: audience === 'assisted' ? 'session_home' : 'home', props: {} };
}

function allows(guard: Guard, audience: Audience, canRead: boolean): boolean {
  switch (guard) {
    case 'any':
      return true;
    case 'signed_in':
      return audience !== 'staff';
    case 'reads':
      return audience === 'citizen' || (audience === 'assisted' && canRead);
    case 'own':
      return audience === 'citizen';
    case 'assisted':
      return audience === 'assisted';
    case 'staff':
      return audience === 'staff';
  }
}

/** Whether the route named `name` opens its own screen for `audience`. */
export function opens(name: RouteName, audience: Audience, canRead: boolean): boolean {
  const entry: RouteEntry | undefined = ROUTES.find((candidate) => candidate.name === name);
  return entry !== undefined && allows(entry.guard, audience, canRead);
}

/** The screen `route` shows to `audience`; `canRead` says whether an assisted session may
 * read the citizen's data (a consent by code). */
export function resolve(route: Route, audience: Audience, canRead: boolean): Shown {
  const entry: RouteEntry | undefined = ROUTES.find((candidate) => candidate.name === route.name);
  if (!entry) return audience === 'staff' ? homeOf(audience, route) : { screen: 'not_found', props: {} };
  if (!allows(entry.guard, audience, canRead)) {
    if (audience === 'staff' || entry.guard === 'reads') return homeOf(audience, route);
    return { screen: 'not_found', props: {} };
  }
  if (entry.screen === 'home') return homeOf(audience, route);
  return { screen: entry.screen, props: entry.props?.(route.params) ?? {} };
}

const loaded = new Map<ScreenName, AnyComponent>([['home', Home]]);

/** The screen's component if its code is already loaded. */
export function loadedScreen(name: ScreenName): AnyComponent | undefined {
  return loaded.get(name);
}

/** Loads the screen's code (once). */
export async function loadScreen(name: ScreenName): Promise<AnyComponent> {
  const known = loaded.get(name);
  if (known) return known;
  const module = await SCREENS[name].load();
  loaded.set(name, module.default);
  return module.default;
}
