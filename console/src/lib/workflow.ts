// What the application page offers, by the application's state: the same moves the portal's
// workflow allows (crates/portal/src/workflow.rs), so the console never shows a button the
// portal would refuse. The portal stays the judge; this only decides what to show.

import type { Application, StaffKind, TransitionRequest, Urgency } from './types';

export type Action = 'accept' | 'supplement' | 'complete' | 'reject' | 'dispatch' | 'deliver' | 'hand-over';

/** The moves an officer may make now, in the order the page shows them. Supervisors move none. */
export function availableActions(application: Application, kind: StaffKind): Action[] {
  if (kind !== 'officer') return [];
  const actions: Action[] = [];
  const { status, delivery } = application;
  if (status === 'received' || status === 'supplement_requested') actions.push('accept');
  if (status === 'received' || status === 'processing') actions.push('supplement');
  if (status === 'processing') actions.push('complete');
  if (status === 'received' || status === 'processing' || status === 'supplement_requested') actions.push('reject');
  if (delivery.method === 'post') {
    const state = delivery.state ?? 'preparing';
    if (status === 'completed' && (state === 'preparing' || state === 'returned_to_sender')) actions.push('dispatch');
    if (state === 'dispatched') actions.push('deliver');
  } else if (status === 'completed') {
    actions.push('hand-over');
  }
  return actions;
}

/** Whether the action needs text from the officer before it can be sent, and which. */
export function requiredText(action: Action): 'note' | 'tracking' | null {
  if (action === 'supplement' || action === 'reject') return 'note';
  if (action === 'dispatch') return 'tracking';
  return null;
}

/** The one transition request an action sends; `text` is the note or the tracking number. */
export function transitionFor(action: Action, text: string): TransitionRequest {
  const note = text.trim();
  switch (action) {
    case 'accept':
      return { to: 'processing' };
    case 'supplement':
      return { to: 'supplement_requested', note };
    case 'complete':
      return { to: 'completed' };
    case 'reject':
      return { to: 'rejected', note };
    case 'dispatch':
      return { delivery: { state: 'dispatched', trackingNumber: note } };
    case 'deliver':
      return { delivery: { state: 'delivered' } };
    case 'hand-over':
      return { to: 'handed_over' };
  }
}

/** The Fluent id of an urgency's text; colour is never the only sign. */
export function urgencyMessage(urgency: Urgency): string {
  switch (urgency) {
    case 'on_track':
      return 'console-urgency-on-track';
    case 'at_risk':
      return 'console-urgency-at-risk';
    case 'overdue':
      return 'console-urgency-overdue';
    case 'finished':
      return 'console-urgency-finished';
    default:
      return 'console-urgency-unknown';
  }
}

export function actionMessage(action: Action): string {
  switch (action) {
    case 'accept':
      return 'console-action-accept';
    case 'supplement':
      return 'console-action-supplement';
    case 'complete':
      return 'console-action-complete';
    case 'reject':
      return 'console-action-reject';
    case 'dispatch':
      return 'console-action-dispatch';
    case 'deliver':
      return 'console-action-deliver';
    case 'hand-over':
      return 'console-action-hand-over';
  }
}
