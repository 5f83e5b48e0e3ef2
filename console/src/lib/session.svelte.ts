// Who is signed in to the console. The staff token lives in memory and in this tab's
// sessionStorage only (gone when the tab closes; never in localStorage or a cookie), so a reload
// keeps the officer signed in and another tab or a later visitor on the machine does not.

import type { StaffProfile, StaffTokenResponse } from './types';

const STORAGE_KEY = 'opendvc-console-session';

export interface ConsoleSession {
  token: string;
  staff: StaffProfile;
}

/** Only officers and supervisors use the console; agents and volunteers have the app. */
export function mayUseConsole(answer: StaffTokenResponse): boolean {
  return answer.staff.kind === 'officer' || answer.staff.kind === 'supervisor';
}

function restored(): ConsoleSession | null {
  try {
    const text = globalThis.sessionStorage?.getItem(STORAGE_KEY);
    if (!text) return null;
    const value = JSON.parse(text) as ConsoleSession;
    return typeof value.token === 'string' && value.staff ? value : null;
  } catch {
    return null;
  }
}

export const session = $state<{ current: ConsoleSession | null }>({ current: restored() });

export function signedIn(answer: StaffTokenResponse): void {
  const value = { token: answer.accessToken, staff: answer.staff };
  session.current = value;
  try {
    globalThis.sessionStorage?.setItem(STORAGE_KEY, JSON.stringify(value));
  } catch {
    // Kept in memory only: a reload asks for the sign-in again.
  }
}

export function signOut(): void {
  session.current = null;
  try {
    globalThis.sessionStorage?.removeItem(STORAGE_KEY);
  } catch {
    // Nothing was stored.
  }
}

export function token(): string | null {
  return session.current?.token ?? null;
}
