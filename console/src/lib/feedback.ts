// Residents' feedback in the console (issue 16): the queue's request, the running clock said as
// time left, what the item page offers whom, and the answer form's checks before it is sent.
// The portal stays the judge of every request; this only decides what to show and what to send.

import type {
  FeedbackAnswer,
  FeedbackClock,
  FeedbackEventKind,
  FeedbackPlace,
  FeedbackQueueQuery,
  FeedbackStatus,
  FeedbackChannel,
  StaffKind,
  Urgency,
} from './types';

/** Longest answer or hand-off note, in characters (the contract's `MAX_FEEDBACK_TEXT_CHARS`). */
export const MAX_FEEDBACK_TEXT_CHARS = 4000;

/** Photo types the portal takes for an answer's photo. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'] as const;

/** Largest photo the portal takes, in bytes (20 MiB, as for attachments). */
export const MAX_PHOTO_BYTES = 20 * 1024 * 1024;

export const FEEDBACK_STATUSES: readonly FeedbackStatus[] = ['received', 'assigned', 'answered', 'closed', 'reopened'];

/** The query string of a feedback queue request: only the filters that are set. `open` is sent
 * as said (the portal's default is open items only, so "all" must say `open=false`). */
export function feedbackQueueSearch(query: FeedbackQueueQuery): string {
  const params = new URLSearchParams();
  const entries: [string, string | number | boolean | undefined][] = [
    ['limit', query.limit],
    ['cursor', query.cursor],
    ['status', query.status],
    ['category', query.category],
    ['open', query.open],
  ];
  for (const [name, value] of entries) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Minutes left now, from the portal's `minutesLeft` at load time and the minutes since. */
export function minutesLeftNow(minutesLeft: number, loadedAtMs: number, nowMs: number): number {
  return minutesLeft - Math.floor(Math.max(0, nowMs - loadedAtMs) / 60_000);
}

/** The urgency to show now: the portal's, and overdue once the clock has run out since. */
export function urgencyNow(urgency: Urgency, minutesLeft: number | undefined): Urgency {
  if (minutesLeft !== undefined && minutesLeft < 0 && (urgency === 'on_track' || urgency === 'at_risk')) {
    return 'overdue';
  }
  return urgency;
}

/** Time left on the running clock as a Fluent id and its arguments: minutes under an hour,
 * hours and minutes under a day, days and hours beyond; late when negative; nothing running
 * when the clock is stopped (`minutesLeft` absent). */
export function timeLeftMessage(minutesLeft: number | undefined): [string, Record<string, number>] {
  if (minutesLeft === undefined) return ['console-time-stopped', {}];
  const late = minutesLeft < 0;
  const total = Math.abs(minutesLeft);
  if (total < 60) return [late ? 'console-time-late-minutes' : 'console-time-left-minutes', { minutes: total }];
  if (total < 24 * 60) {
    return [
      late ? 'console-time-late-hours' : 'console-time-left-hours',
      { hours: Math.floor(total / 60), minutes: total % 60 },
    ];
  }
  const hours = Math.floor(total / 60);
  return [
    late ? 'console-time-late-days' : 'console-time-left-days',
    { days: Math.floor(hours / 24), hours: hours % 24 },
  ];
}

/** Which deadline the running clock is against. */
export function clockMessage(clock: FeedbackClock): string {
  switch (clock) {
    case 'answer':
      return 'console-clock-answer';
    case 'resolve':
      return 'console-clock-resolve';
    case 'stopped':
      return 'console-clock-stopped';
    default:
      return 'console-clock-unknown';
  }
}

export function feedbackStatusMessage(status: FeedbackStatus): string {
  switch (status) {
    case 'received':
      return 'console-feedback-status-received';
    case 'assigned':
      return 'console-feedback-status-assigned';
    case 'answered':
      return 'console-feedback-status-answered';
    case 'closed':
      return 'console-feedback-status-closed';
    case 'reopened':
      return 'console-feedback-status-reopened';
    default:
      return 'console-feedback-status-unknown';
  }
}

export function feedbackChannelMessage(channel: FeedbackChannel): string {
  switch (channel) {
    case 'app':
      return 'console-feedback-channel-app';
    case 'open311':
      return 'console-feedback-channel-open311';
    default:
      return 'console-feedback-channel-unknown';
  }
}

export function feedbackEventMessage(kind: FeedbackEventKind): string {
  switch (kind) {
    case 'received':
      return 'console-feedback-event-received';
    case 'assigned':
      return 'console-feedback-event-assigned';
    case 'handed_off':
      return 'console-feedback-event-handed-off';
    case 'answered':
      return 'console-feedback-event-answered';
    case 'closed':
      return 'console-feedback-event-closed';
    case 'reopened':
      return 'console-feedback-event-reopened';
    case 'rated':
      return 'console-feedback-event-rated';
    default:
      return 'console-feedback-event-unknown';
  }
}

/** What the item page offers: officers answer and hand off an open item, and take an
 * unassigned one; supervisors (re)assign. */
export interface FeedbackActions {
  answer: boolean;
  handOff: boolean;
  take: boolean;
  assign: boolean;
}

export function feedbackActions(status: FeedbackStatus, kind: StaffKind, assigned: boolean): FeedbackActions {
  const open = status !== 'closed' && status !== 'unknown';
  const officer = kind === 'officer';
  return {
    answer: open && officer,
    handOff: open && officer,
    take: open && officer && !assigned,
    assign: open && kind === 'supervisor',
  };
}

/** The answer form as the officer filled it in. */
export interface AnswerDraft {
  text: string;
  photo: { type: string; size: number } | null;
  resolved: boolean;
}

/** A problem with the answer form: the field and the Fluent id saying it. */
export interface DraftProblem {
  field: 'text' | 'photo';
  message: string;
}

/** The answer form's problems, none when it may be sent: the answer is required text of at most
 * 4000 characters; a photo, if any, is an image the portal takes, at most 20 MiB. */
export function answerProblems(draft: AnswerDraft): DraftProblem[] {
  const problems: DraftProblem[] = [];
  const text = draft.text.trim();
  if (text === '') problems.push({ field: 'text', message: 'console-answer-text-required' });
  else if ([...text].length > MAX_FEEDBACK_TEXT_CHARS) problems.push({ field: 'text', message: 'console-answer-text-too-long' });
  if (draft.photo) {
    if (!(PHOTO_TYPES as readonly string[]).includes(draft.photo.type)) {
      problems.push({ field: 'photo', message: 'console-answer-photo-type' });
    } else if (draft.photo.size > MAX_PHOTO_BYTES) {
      problems.push({ field: 'photo', message: 'console-answer-photo-too-large' });
    }
  }
  return problems;
}

/** The answer request, once the photo (if any) is uploaded and has its id. */
export function answerRequest(draft: AnswerDraft, photoId: string | undefined): FeedbackAnswer {
  const request: FeedbackAnswer = { text: draft.text.trim(), resolved: draft.resolved };
  if (photoId) request.photo = photoId;
  return request;
}

/** A point as the officer reads and pastes it: `16.06778, 108.22083`. */
export function pointText(place: FeedbackPlace | undefined): string | null {
  if (place?.lat === undefined || place.long === undefined) return null;
  return `${place.lat.toFixed(5)}, ${place.long.toFixed(5)}`;
}

/** A map link for the point (OpenStreetMap, opened in a new tab by the officer's choice). */
export function mapLink(place: FeedbackPlace | undefined): string | null {
  if (place?.lat === undefined || place.long === undefined) return null;
  return `https://www.openstreetmap.org/?mlat=${place.lat}&mlon=${place.long}#map=18/${place.lat}/${place.long}`;
}
