// What the "Pay" step and the wallet's receipts say: labels for the closed sets of payments
// (methods, states, providers) written out in full so scripts/check-locales.mjs finds each id,
// and the one sentence for an error while paying.

import { t } from './i18n.svelte';
import { errorMessage } from './labels';
import type { PaymentMethod, PaymentStatus } from './backend/types';
import type { IpcError } from './backend/views';

const METHOD: Record<PaymentMethod, string> = {
  vnpay: 'ui-payment-method-vnpay',
  counter: 'ui-payment-method-counter',
  cod: 'ui-payment-method-cod',
};

export function paymentMethodLabel(method: PaymentMethod): string {
  return t(METHOD[method] ?? METHOD.counter);
}

const METHOD_HINT: Record<PaymentMethod, string> = {
  vnpay: 'ui-payment-method-vnpay-hint',
  counter: 'ui-payment-method-counter-hint',
  cod: 'ui-payment-method-cod-hint',
};

export function paymentMethodHint(method: PaymentMethod): string {
  return t(METHOD_HINT[method] ?? METHOD_HINT.counter);
}

const STATUS: Record<PaymentStatus, string> = {
  pending: 'ui-payment-status-pending',
  paid: 'ui-payment-status-paid',
  failed: 'ui-payment-status-failed',
  expired: 'ui-payment-status-expired',
  refunded: 'ui-payment-status-refunded',
};

export function paymentStatusLabel(status: PaymentStatus): string {
  return t(STATUS[status] ?? STATUS.pending);
}

/** The provider a receipt names (`vnpay`, `counter`, `cod`); another provider by its name. */
export function paymentProviderLabel(provider: string): string {
  return provider in METHOD ? paymentMethodLabel(provider as PaymentMethod) : provider;
}

/** An error while paying: offline, that paying needs a connection (a payment is never kept to
 * send later, unlike everything else); otherwise the error's own sentence. */
export function paymentErrorMessage(error: IpcError): string {
  if (error.coreCode === 'payment_needs_connection' || error.code === 'offline') return t('ui-payment-needs-connection');
  if (error.code === 'invalid_state') return t('ui-payment-conflict');
  return errorMessage(error);
}
