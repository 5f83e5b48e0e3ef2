// The console's pages rendered in jsdom against a fake portal (the same JSON shapes the
// contract's generated types give), to check what each page shows and which requests it sends.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import App from '../src/App.svelte';
import { go } from '../src/lib/router.svelte';
import { signedIn, signOut } from '../src/lib/session.svelte';
import { forgetShared } from '../src/lib/data.svelte';
import type { Catalog, OfficerApplication, Overview, QueuePage, WorkItem } from '../src/lib/types';

const ID = '0190d6c2-0000-7000-8000-000000000001';

const catalog = {
  version: '1',
  items: [
    {
      id: 'birth-registration',
      code: '1.001',
      name: { vi: 'Đăng ký khai sinh', en: 'Birth registration' },
      agency: { vi: 'UBND xã', en: 'Commune committee' },
      agencyId: 'commune-people-committee',
      sector: 'justice',
      onlineLevel: 'full',
      feeCases: [],
      processingDays: { inPerson: 3, online: 2 },
      requiredDocuments: [],
      formFields: [{ id: 'childName', label: { vi: 'Họ tên của trẻ', en: 'Child’s name' }, kind: 'text', required: true }],
      delivery: { counter: true, post: true, postage: [] },
    },
  ],
} as unknown as Catalog;

function workItem(index: number, urgency: WorkItem['urgency'], days: number): WorkItem {
  return {
    id: `0190d6c2-0000-7000-8000-00000000000${index}`,
    code: `H-${index}`,
    procedureId: 'birth-registration',
    procedureName: { vi: 'Đăng ký khai sinh', en: 'Birth registration' },
    status: 'processing',
    channel: 'online',
    applicantName: `Người ${index}`,
    submittedAt: '2026-12-01T09:00:00+07:00',
    dueAt: '2026-12-08T17:00:00+07:00',
    workingDaysLeft: days,
    urgency,
    deliveryMethod: 'counter',
  };
}

const officerApplication: OfficerApplication = {
  application: {
    id: ID,
    code: 'H-1',
    procedureId: 'birth-registration',
    procedureName: { vi: 'Đăng ký khai sinh', en: 'Birth registration' },
    status: 'processing',
    channel: 'online',
    submittedAt: '2026-12-01T09:00:00+07:00',
    dueAt: '2026-12-08T17:00:00+07:00',
    processingDays: 2,
    form: { childName: 'Nguyễn Văn An' },
    attachments: [],
    delivery: { method: 'counter', fee: 0, subsidy: 0, payable: 0 },
    fee: 0,
    feeLines: [],
    timeline: [{ seq: 1, status: 'received', at: '2026-12-01T09:00:00+07:00', actor: { kind: 'citizen', name: '' } }],
    supplements: [],
    updatedAt: '2026-12-01T09:00:00+07:00',
  },
  applicant: { name: 'Nguyễn Thị Bình', idNumber: '048090001234', phone: '+84905000001' },
  agencyId: 'commune-people-committee',
  workingDaysLeft: 1,
  urgency: 'at_risk',
  assignable: [{ code: 'CB-1', name: 'Cán bộ Một' }],
  walletDocuments: [],
  warnings: [],
};

const overview: Overview = {
  generatedAt: '2026-12-05T09:00:00+07:00',
  agencies: [
    {
      agencyId: 'a',
      agencyName: { vi: 'Cơ quan A', en: 'Agency A' },
      dueToday: 2,
      dueWithinOneWorkingDay: 5,
      overdue: 1,
      onTimeRate30d: 0.9,
      medianWorkingDays: { online: 2, counter: 4 },
      sameDayShare: 0.1,
      postDeliveryShare: 0.3,
      rating: { average: 4.5, count: 12 },
      dueHistogram: [
        { date: '2026-12-07', count: 3 },
        { date: '2026-12-08', count: 6 },
      ],
      forecast: {
        method: 'augurs MSTL',
        days: [{ date: '2026-12-07', expected: 12.4, low: 9, high: 15 }],
        heldOutMae: 2.1,
        naiveMae: 3.4,
        heldOutDays: 20,
      },
      feedback: { answeredOnTime: 0, answeredLate: 0, open: 0, openOverdue: 0 },
    },
    {
      agencyId: 'b',
      agencyName: { vi: 'Cơ quan B', en: 'Agency B' },
      dueToday: 0,
      dueWithinOneWorkingDay: 0,
      overdue: 0,
      medianWorkingDays: {},
      rating: { count: 0 },
      dueHistogram: [],
      forecast: { method: 'augurs MSTL', days: [], heldOutDays: 20 },
      feedback: { answeredOnTime: 0, answeredLate: 0, open: 0, openOverdue: 0 },
    },
  ],
};

type Call = { method: string; url: string; body: unknown };
let calls: Call[];
let answers: (url: string, method: string) => unknown;

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json' } });
}

async function settle(): Promise<void> {
  for (let round = 0; round < 10; round += 1) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    flushSync();
  }
}

let app: ReturnType<typeof mount> | null = null;

beforeEach(() => {
  calls = [];
  document.body.innerHTML = '<div id="console"></div>';
  vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    calls.push({ method, url: input, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    if (input === '/v1/procedures') return json(catalog);
    if (input === '/v1/admin-units') return json({ version: '1', provinces: [], units: [] });
    if (input === '/v1/officer/me') {
      return json({ code: 'CB-1', name: 'Cán bộ Một', kind: 'officer', procedures: ['birth-registration'] });
    }
    const answer = answers(input, method);
    if (answer instanceof Response) return answer;
    return json(answer);
  });
  signedIn({
    accessToken: 'token',
    expiresIn: 900,
    tokenType: 'Bearer',
    staff: { code: 'CB-1', name: 'Cán bộ Một', kind: 'officer', organisation: 'UBND' },
  });
});

afterEach(() => {
  if (app) unmount(app);
  app = null;
  signOut();
  forgetShared();
  vi.unstubAllGlobals();
});

describe('the work queue', () => {
  it('says each row’s urgency in words, shows the total, and asks for the next page with the cursor', async () => {
    const first: QueuePage = {
      items: [workItem(1, 'overdue', -2), workItem(2, 'at_risk', 0)],
      nextCursor: 'page-2',
      total: 3,
    };
    const second: QueuePage = { items: [workItem(3, 'on_track', 4)], total: 3 };
    answers = (url) => (url.includes('cursor=page-2') ? second : first);
    go({ page: 'queue' });
    app = mount(App, { target: document.getElementById('console')! });
    await settle();

    const rows = [...document.querySelectorAll('#queue tbody tr[data-code]')];
    expect(rows.map((row) => row.getAttribute('data-code'))).toEqual(['H-1', 'H-2']);
    expect(rows[0]?.querySelector('.urgency-overdue')?.textContent).toBe('Quá hạn');
    expect(rows[0]?.textContent).toContain('Trễ 2 ngày làm việc');
    expect(rows[1]?.querySelector('.urgency-at_risk')?.textContent).toBe('Sắp trễ hạn');
    expect(rows[1]?.textContent).toContain('Hạn hôm nay');
    expect(document.querySelector('#queue-total')?.textContent).toContain('2 trên tổng số 3');

    (document.querySelector('#queue-more') as HTMLButtonElement).click();
    await settle();
    expect(calls.some((call) => call.url.startsWith('/v1/officer/applications?') && call.url.includes('cursor=page-2'))).toBe(true);
    expect(document.querySelectorAll('#queue tbody tr[data-code]')).toHaveLength(3);
    expect(document.querySelector('#queue-more')).toBeNull();
  });

  it('sends the chosen filters to the portal', async () => {
    answers = () => ({ items: [], total: 0 });
    go({ page: 'queue' });
    app = mount(App, { target: document.getElementById('console')! });
    await settle();
    const status = document.querySelector('#filter-status') as HTMLSelectElement;
    status.value = 'processing';
    status.dispatchEvent(new Event('change'));
    const text = document.querySelector('#filter-text') as HTMLInputElement;
    text.value = 'H-1';
    text.dispatchEvent(new Event('input'));
    (document.querySelector('#apply-filters') as HTMLButtonElement).click();
    await settle();
    const last = calls.filter((call) => call.url.startsWith('/v1/officer/applications')).at(-1);
    expect(last?.url).toBe('/v1/officer/applications?limit=50&status=processing&q=H-1');
    expect(document.querySelector('#queue')?.textContent).toContain('Không có hồ sơ nào khớp bộ lọc.');
  });
});

describe('the application page', () => {
  it('labels the form from the catalog and sends a supplement request only with its note', async () => {
    answers = (url, method) => {
      if (method === 'POST') return officerApplication.application;
      return url.endsWith(ID) ? officerApplication : { items: [], total: 0 };
    };
    go({ page: 'application', id: ID });
    app = mount(App, { target: document.getElementById('console')! });
    await settle();

    expect(document.querySelector('#form-data')?.textContent).toContain('Họ tên của trẻ');
    expect(document.querySelector('#form-data')?.textContent).toContain('Nguyễn Văn An');
    (document.querySelector('#action-supplement') as HTMLButtonElement).click();
    await settle();
    expect((document.querySelector('#action-send') as HTMLButtonElement).disabled).toBe(true);
    const note = document.querySelector('#action-text') as HTMLTextAreaElement;
    note.value = 'Bản sao giấy chứng sinh';
    note.dispatchEvent(new Event('input'));
    await settle();
    (document.querySelector('#action-send') as HTMLButtonElement).click();
    await settle();
    const posted = calls.filter((call) => call.method === 'POST');
    expect(posted).toEqual([
      {
        method: 'POST',
        url: `/v1/officer/applications/${ID}/transition`,
        body: { to: 'supplement_requested', note: 'Bản sao giấy chứng sinh' },
      },
    ]);
  });

  it('shows the portal’s problem when an action is refused', async () => {
    answers = (url, method) => {
      if (method === 'POST') {
        return json({ type: 't', title: 'Invalid state', status: 409, code: 'invalid_state', detail: 'Cannot move.' }, 409);
      }
      return url.endsWith(ID) ? officerApplication : { items: [], total: 0 };
    };
    go({ page: 'application', id: ID });
    app = mount(App, { target: document.getElementById('console')! });
    await settle();
    (document.querySelector('#action-complete') as HTMLButtonElement).click();
    await settle();
    expect(document.querySelector('.actions [role="alert"]')?.textContent).toContain('Cannot move.');
  });
});

describe('the overview', () => {
  it('draws a bar per due day and one per agency, and puts the forecast’s error beside the naive one', async () => {
    answers = () => overview;
    go({ page: 'overview' });
    app = mount(App, { target: document.getElementById('console')! });
    await settle();
    expect(document.querySelectorAll('#due-a rect.bar')).toHaveLength(2);
    expect(document.querySelectorAll('#on-time-chart rect.bar')).toHaveLength(2);
    const text = document.querySelector('main')?.textContent ?? '';
    expect(text).toContain('Cơ quan A');
    expect(text).toMatch(/2[,.]1 hồ sơ\/ngày/);
    expect(text).toMatch(/3[,.]4/);
    expect(document.querySelector('main [style]')).toBeNull();
  });
});

describe('the counter form', () => {
  it('sends the applicant, the procedure’s own fields and the delivery in one counter application', async () => {
    answers = (_url, method) =>
      method === 'POST' ? { ...officerApplication.application, code: 'Q-9', channel: 'counter' } : { items: [], total: 0 };
    go({ page: 'counter' });
    app = mount(App, { target: document.getElementById('console')! });
    await settle();
    const fill = (selector: string, value: string) => {
      const field = document.querySelector(selector) as HTMLInputElement | HTMLSelectElement;
      field.value = value;
      field.dispatchEvent(new Event(field instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
    };
    fill('#applicant-id', '048090001234');
    fill('#applicant-name', 'Nguyễn Thị Bình');
    fill('#applicant-phone', '0905000001');
    fill('#counter-procedure', 'birth-registration');
    await settle();
    expect(document.querySelector('label[for="field-childName"]')?.textContent).toContain('Họ tên của trẻ');
    fill('#field-childName', 'Nguyễn Văn An');
    await settle();
    (document.querySelector('#counter-submit') as HTMLButtonElement).click();
    await settle();
    const posted = calls.filter((call) => call.method === 'POST');
    expect(posted).toEqual([
      {
        method: 'POST',
        url: '/v1/officer/applications',
        body: {
          applicant: { idNumber: '048090001234', name: 'Nguyễn Thị Bình', phone: '0905000001' },
          procedureId: 'birth-registration',
          form: { childName: 'Nguyễn Văn An' },
          attachments: [],
          delivery: { method: 'counter' },
        },
      },
    ]);
    expect(document.querySelector('#counter-created')?.textContent).toContain('Q-9');
    expect(document.querySelector('#applicant-id')?.getAttribute('pattern')).toBe('[0-9]{12}');
  });
});

describe('the application’s payments', () => {
  const PAYMENT = '0190d6c2-0000-7000-8000-0000000000p1';
  const due = (status: OfficerApplication['application']['status']): OfficerApplication => ({
    ...officerApplication,
    application: {
      ...officerApplication.application,
      status,
      fee: 200000,
      delivery: { method: 'post', fee: 30000, subsidy: 10000, payable: 20000 },
    },
  });

  it('records cash the postman took, for the amount due with the postage', async () => {
    answers = (url, method) => {
      if (method === 'POST') return { paymentId: PAYMENT, applicationId: ID, method: 'cod', amount: 220000, status: 'paid', createdAt: '2026-12-06T02:00:00Z' };
      if (url.endsWith('/payments')) return { payments: [] };
      return url.endsWith(ID) ? due('awaiting_payment') : { items: [], total: 0 };
    };
    go({ page: 'application', id: ID });
    app = mount(App, { target: document.getElementById('console')! });
    await settle();
    expect(document.querySelector('#application-status')?.textContent, 'the status said with its label').toBe('Chờ thanh toán');
    expect(document.querySelector('#payments')?.textContent).toMatch(/220[.,\s]?000/);
    const cod = document.querySelector('input[name="cash-method"][value="cod"]') as HTMLInputElement;
    cod.click();
    await settle();
    (document.querySelector('#payment-record') as HTMLButtonElement).click();
    await settle();
    expect(calls.filter((call) => call.method === 'POST')).toEqual([
      { method: 'POST', url: `/v1/officer/applications/${ID}/payments/record`, body: { method: 'cod', amount: 220000 } },
    ]);
    expect(document.querySelector('#payments [role="status"]')?.textContent).toContain('biên lai điện tử');
  });

  it('refunds a paid payment of a rejected application only after a confirmation', async () => {
    const paid = { paymentId: PAYMENT, applicationId: ID, method: 'vnpay', amount: 220000, status: 'paid', createdAt: '2026-12-06T02:00:00Z', paidAt: '2026-12-06T02:05:00Z' };
    answers = (url, method) => {
      if (method === 'POST') return { ...paid, status: 'refunded' };
      if (url.endsWith('/payments')) return { payments: [paid] };
      return url.endsWith(ID) ? due('rejected') : { items: [], total: 0 };
    };
    go({ page: 'application', id: ID });
    app = mount(App, { target: document.getElementById('console')! });
    await settle();
    expect(document.querySelector('#payment-record'), 'a paid application takes no more cash').toBeNull();
    (document.querySelector(`#refund-${PAYMENT}`) as HTMLButtonElement).click();
    await settle();
    expect(calls.filter((call) => call.method === 'POST'), 'nothing is refunded before the confirmation').toEqual([]);
    (document.querySelector(`#refund-confirm-${PAYMENT}`) as HTMLButtonElement).click();
    await settle();
    expect(calls.filter((call) => call.method === 'POST').map((call) => call.url)).toEqual([`/v1/officer/payments/${PAYMENT}/refund`]);
  });

  it('offers no refund while the application goes on', async () => {
    const paid = { paymentId: PAYMENT, applicationId: ID, method: 'vnpay', amount: 220000, status: 'paid', createdAt: '2026-12-06T02:00:00Z' };
    answers = (url) => {
      if (url.endsWith('/payments')) return { payments: [paid] };
      return url.endsWith(ID) ? due('processing') : { items: [], total: 0 };
    };
    go({ page: 'application', id: ID });
    app = mount(App, { target: document.getElementById('console')! });
    await settle();
    expect(document.querySelector('#payments')?.textContent).toContain('Đã thanh toán');
    expect(document.querySelector(`#refund-${PAYMENT}`)).toBeNull();
  });
});
