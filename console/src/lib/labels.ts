// Fluent ids of the wire's closed lists, written out in full so the locale check finds them.

import type { ApplicationStatus, Channel, DeliveryMethod, DeliveryState } from './types';

export const STATUSES: readonly ApplicationStatus[] = [
  'awaiting_payment',
  'received',
  'processing',
  'supplement_requested',
  'completed',
  'handed_over',
  'rejected',
  'withdrawn',
];

export function statusMessage(status: ApplicationStatus): string {
  switch (status) {
    case 'awaiting_payment':
      return 'console-status-awaiting-payment';
    case 'received':
      return 'console-status-received';
    case 'processing':
      return 'console-status-processing';
    case 'supplement_requested':
      return 'console-status-supplement-requested';
    case 'completed':
      return 'console-status-completed';
    case 'handed_over':
      return 'console-status-handed-over';
    case 'rejected':
      return 'console-status-rejected';
    case 'withdrawn':
      return 'console-status-withdrawn';
    default:
      return 'console-status-unknown';
  }
}

export function channelMessage(channel: Channel): string {
  switch (channel) {
    case 'online':
      return 'console-channel-online';
    case 'assisted':
      return 'console-channel-assisted';
    case 'counter':
      return 'console-channel-counter';
    default:
      return 'console-channel-unknown';
  }
}

export function deliveryMethodMessage(method: DeliveryMethod): string {
  return method === 'post' ? 'console-delivery-post' : 'console-delivery-counter';
}

export function deliveryStateMessage(state: DeliveryState | undefined): string {
  switch (state) {
    case undefined:
    case 'preparing':
      return 'console-delivery-state-preparing';
    case 'dispatched':
      return 'console-delivery-state-dispatched';
    case 'delivered':
      return 'console-delivery-state-delivered';
    case 'returned_to_sender':
      return 'console-delivery-state-returned';
    default:
      return 'console-delivery-state-unknown';
  }
}
