// Shared devices: a DVC agent at a post office or a volunteer at an outreach event serves one
// citizen after another. The core knows who is signed in and whose session is open
// (`SessionState.staff`); this module answers the questions the screens ask about it, and
// locks the device after a period without use.

import { app } from './app.svelte';
import type { StaffStatus } from './backend/views';

/** The staff member on this device, when it is a shared one. */
export function staff(): StaffStatus | undefined {
  return app.session?.staff;
}

/** A staff member is signed in (their token is valid). */
export function staffSignedIn(): boolean {
  return staff()?.signedIn === true;
}

/** The device is locked: only the staff member's password opens it again. */
export function deviceLocked(): boolean {
  return staffSignedIn() && staff()?.locked === true;
}

/** A citizen is being served: the citizen's screens work on their data. */
export function inAssistedSession(): boolean {
  return staffSignedIn() && !deviceLocked() && staff()?.session !== undefined;
}

/** The open session may read the citizen's profile, documents and applications (consent by
 * code). A session on a paper consent only submits: its screens show none of that. */
export function sessionCanRead(): boolean {
  return inAssistedSession() ? staff()?.session?.canRead === true : true;
}

/** The agent serves at a post office (not at an outreach event). */
export function atPostOffice(): boolean {
  return staff()?.venue?.kind === 'post_office';
}

/** What counts as use of the device. */
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'touchstart', 'wheel', 'input'] as const;

/** Calls `lock` once `seconds` pass without the person touching the device; returns a
 * function that stops watching. */
export function lockWhenIdle(seconds: number, lock: () => void, target: EventTarget = window): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const restart = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(lock, seconds * 1000);
  };
  for (const name of ACTIVITY_EVENTS) target.addEventListener(name, restart, { passive: true, capture: true });
  restart();
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    for (const name of ACTIVITY_EVENTS) target.removeEventListener(name, restart, { capture: true });
  };
}

/** `mm:ss` of a number of seconds, for the session's countdown. */
export function countdown(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const minutes = Math.floor(whole / 60);
  return `${minutes}:${String(whole % 60).padStart(2, '0')}`;
}
