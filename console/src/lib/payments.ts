// What the console says and decides about an application's payments: Fluent ids of the
// payment lists written out in full (so the locale check finds them), the amount due, and
// which of the officer's payment actions an application allows.

import type { Application, Payment, PaymentMethod, PaymentStatus } from './types';

export function paymentMethodMessage(method: PaymentMethod): string {
  switch (method) {
    case 'vnpay':
      return 'console-payment-method-vnpay';
    case 'counter':
      return 'console-payment-method-counter';
    default:
      return 'console-payment-method-cod';
  }
}

export function paymentStatusMessage(status: PaymentStatus): string {
  switch (status) {
    case 'pending':
      return 'console-payment-status-pending';
    case 'paid':
      return 'console-payment-status-paid';
    case 'failed':
      return 'console-payment-status-failed';
    case 'expired':
      return 'console-payment-status-expired';
    default:
      return 'console-payment-status-refunded';
  }
}

/** VND due for an application: its fee and the postage the citizen pays. */
export function amountDue(application: Application): number {
  return application.fee + application.delivery.payable;
}

const OPEN: readonly Application['status'][] = ['awaiting_payment', 'received', 'processing', 'supplement_requested', 'completed'];

/** Whether cash taken can be recorded: something is due, the application is open, and no
 * payment is paid already. A pending online payment does not block it (the citizen may pay
 * at the counter instead); the portal refuses what does not fit. */
export function canRecordCash(application: Application, payments: readonly Payment[]): boolean {
  return (
    OPEN.includes(application.status) &&
    amountDue(application) > 0 &&
    !payments.some((payment) => payment.status === 'paid')
  );
}

/** The cash methods the officer may record: by the postman only where the result goes by post. */
export function cashMethods(application: Application): ('counter' | 'cod')[] {
  return application.delivery.method === 'post' ? ['counter', 'cod'] : ['counter'];
}

/** Whether a payment can be refunded: paid, for an application that was rejected or withdrawn. */
export function canRefund(application: Application, payment: Payment): boolean {
  return payment.status === 'paid' && (application.status === 'rejected' || application.status === 'withdrawn');
}
