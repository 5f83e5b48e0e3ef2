// Paying a fee: the "Pay" step of an application's page, the provider's return through the
// deep link, and the electronic receipt on the page and in the wallet.

import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Payment, PaymentReceipt } from '../src/lib/backend/types';
import type { PaymentReceiptEntry, PaymentStepView } from '../src/lib/backend/views';
import * as fixtures from './fixtures';
import { fails, openApp } from './harness';

const APPLICATION_ID = fixtures.application().id;
const PAYMENT_ID = '0193a1b2-0000-7000-8000-00000000p001';
const detailRoute = `/applications/${APPLICATION_ID}`;

const receipt: PaymentReceipt = {
  receiptNo: 'BL-2026-000042',
  payer: 'Nguyễn Thị Lan',
  amount: 65000,
  procedureId: 'id-card-renewal',
  procedureName: fixtures.procedure.name,
  applicationCode: fixtures.application().code,
  provider: 'vnpay',
  providerRef: '14226112',
  paidAt: '2026-12-06T02:15:00Z',
};

function payment(overrides: Partial<Payment> = {}): Payment {
  return {
    paymentId: PAYMENT_ID,
    applicationId: APPLICATION_ID,
    method: 'vnpay',
    amount: 65000,
    status: 'pending',
    redirectUrl: 'http://127.0.0.1:9/dev/pay/x',
    createdAt: '2026-12-06T02:10:00Z',
    ...overrides,
  };
}

function step(overrides: Partial<PaymentStepView> = {}): PaymentStepView {
  return {
    applicationId: APPLICATION_ID,
    stage: 'due',
    amount: 65000,
    awaitingPayment: true,
    methods: ['vnpay', 'counter', 'cod'],
    payments: [],
    online: true,
    ...overrides,
  };
}

function detail(extra: Record<string, (args: Record<string, unknown>) => unknown>) {
  return openApp(detailRoute, {
    application: () => fixtures.applicationView({ status: 'awaiting_payment' }),
    ...extra,
  });
}

describe('the pay step', () => {
  it('offers the ways to pay with the amount due, and opens VNPay for the chosen method', async () => {
    let answered = step();
    const { calls } = detail({
      payment_step: () => answered,
      refresh_payments: () => answered,
      pay: (args) => {
        answered = step({ stage: 'pending', current: payment(), payments: [payment()] });
        return payment({ method: args.method as Payment['method'] });
      },
    });
    const section = within(await screen.findByRole('region', { name: 'Pay the fee' }));
    expect(section.getByText('This application is processed once the fee is paid.')).toBeInTheDocument();
    expect(section.getByRole('radio', { name: /Pay online with VNPay/ })).toBeChecked();
    expect(section.getByRole('radio', { name: /Pay the postman in cash on delivery/ })).toBeInTheDocument();
    await userEvent.click(section.getByRole('button', { name: /^Pay \D*65[.,\s]?000/ }));
    await waitFor(() => expect(calls.some((call) => call.command === 'pay')).toBe(true));
    expect(calls.find((call) => call.command === 'pay')?.args).toEqual({ applicationId: APPLICATION_ID, method: 'vnpay' });
    expect(await section.findByText(/VNPay’s payment page opened in your browser/)).toBeInTheDocument();
    expect(await section.findByText('Waiting for VNPay to confirm the payment.')).toBeInTheDocument();
    expect(section.getByRole('button', { name: 'Continue to payment' })).toBeEnabled();
  });

  it('offline, says payment needs a connection and keeps the button off', async () => {
    const { calls } = detail({
      session_state: () => fixtures.session({ online: false }),
      payment_step: () => step({ online: false }),
      refresh_payments: () => step({ online: false }),
    });
    const section = within(await screen.findByRole('region', { name: 'Pay the fee' }));
    expect(await section.findByText(/Payment needs a connection/)).toBeInTheDocument();
    expect(section.getByRole('button', { name: /^Pay \D*65[.,\s]?000/ })).toBeDisabled();
    expect(calls.some((call) => call.command === 'pay'), 'nothing is started or queued offline').toBe(false);
  });

  it('when the core finds the portal gone while paying, says payment needs a connection, not "saved"', async () => {
    detail({
      payment_step: () => step(),
      refresh_payments: () => step(),
      pay: () => Promise.reject({ code: 'offline', coreCode: 'payment_needs_connection', message: 'x', fields: [] }),
    });
    const section = within(await screen.findByRole('region', { name: 'Pay the fee' }));
    await userEvent.click(section.getByRole('radio', { name: /Pay at the one-stop counter/ }));
    await userEvent.click(section.getByRole('button', { name: /^Pay \D*65[.,\s]?000/ }));
    const alert = await section.findByRole('alert');
    expect(alert).toHaveTextContent('Payment needs a connection');
    expect(alert.textContent).not.toMatch(/saved|will be sent/i);
  });

  it('after a failed payment says nothing was charged and offers to try again', async () => {
    const failed = payment({ status: 'failed', redirectUrl: undefined });
    detail({
      payment_step: () => step({ current: failed, payments: [failed] }),
      refresh_payments: () => step({ current: failed, payments: [failed] }),
    });
    const section = within(await screen.findByRole('region', { name: 'Pay the fee' }));
    expect(await section.findByText(/did not go through and nothing was charged/)).toBeInTheDocument();
    expect(section.getByRole('button', { name: 'Try paying again' })).toBeEnabled();
  });

  it('once paid, shows the electronic receipt with everything it names', async () => {
    const paid = payment({ status: 'paid', redirectUrl: undefined, providerRef: '14226112', paidAt: receipt.paidAt, receipt });
    detail({
      application: () => fixtures.applicationView({ status: 'received' }),
      payment_step: () => step({ stage: 'paid', awaitingPayment: false, current: paid, payments: [paid] }),
      refresh_payments: () => step({ stage: 'paid', awaitingPayment: false, current: paid, payments: [paid] }),
    });
    const card = within(await screen.findByRole('region', { name: 'Electronic receipt' }));
    expect(card.getByText('BL-2026-000042')).toBeInTheDocument();
    expect(card.getByText('Nguyễn Thị Lan')).toBeInTheDocument();
    expect(card.getByText(fixtures.application().code)).toBeInTheDocument();
    expect(card.getByText('14226112')).toBeInTheDocument();
    expect(card.getByText('Pay online with VNPay')).toBeInTheDocument();
    expect(card.getByText(/65[.,\s]?000/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Pay \D*65/ }), 'a paid fee is not offered again').toBeNull();
  });

  it('asks the portal for the payments when the page opens online', async () => {
    const { calls } = detail({ payment_step: () => step(), refresh_payments: () => step() });
    await screen.findByRole('region', { name: 'Pay the fee' });
    await waitFor(() => expect(calls.filter((call) => call.command === 'refresh_payments')).toHaveLength(1));
  });

  it('shows nothing to pay for a free application', async () => {
    detail({
      payment_step: () => step({ stage: 'not_due', amount: 0, awaitingPayment: false }),
      refresh_payments: () => step({ stage: 'not_due', amount: 0, awaitingPayment: false }),
    });
    await screen.findByRole('heading', { name: fixtures.application().procedureName.en });
    expect(screen.queryByRole('region', { name: 'Pay the fee' })).toBeNull();
  });
});

describe("the provider's return", () => {
  it('refreshes the payment the deep link names and shows its application', async () => {
    const paid = payment({ status: 'paid', receipt });
    const { calls } = openApp(`/payments/${PAYMENT_ID}`, {
      refresh_payment: () => paid,
      application: () => fixtures.applicationView({ status: 'received' }),
      payment_step: () => step({ stage: 'paid', current: paid, payments: [paid] }),
      refresh_payments: () => step({ stage: 'paid', current: paid, payments: [paid] }),
    });
    await waitFor(() => expect(window.location.hash).toBe(`#/applications/${APPLICATION_ID}`));
    expect(calls.find((call) => call.command === 'refresh_payment')?.args).toEqual({ paymentId: PAYMENT_ID });
    expect(await screen.findByRole('region', { name: 'Electronic receipt' })).toBeInTheDocument();
  });

  it('says what went wrong when the payment is not on this device', async () => {
    openApp(`/payments/${PAYMENT_ID}`, { refresh_payment: fails('not_found') });
    expect(await screen.findByRole('alert')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to my applications' })).toBeInTheDocument();
  });
});

describe('the wallet', () => {
  it('lists the electronic receipts kept on this device', async () => {
    const entry: PaymentReceiptEntry = { paymentId: PAYMENT_ID, applicationId: APPLICATION_ID, method: 'vnpay', status: 'paid', receipt };
    openApp('/documents', { documents: () => [fixtures.walletEntry], payment_receipts: () => [entry] });
    const list = within(await screen.findByRole('list', { name: 'Electronic receipts' }));
    expect(list.getByText('BL-2026-000042')).toBeInTheDocument();
    expect(list.getByRole('link', { name: 'See the application' }).getAttribute('href')).toBe(`#/applications/${APPLICATION_ID}`);
  });
});
