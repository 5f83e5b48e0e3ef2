// The feedback screens (issue 16): the queue's request and rows, the running clock said as time
// left, and the answer form's checks, from fixtures typed with the contract's generated types.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import App from '../src/App.svelte';
import {
  answerProblems,
  answerRequest,
  feedbackActions,
  feedbackQueueSearch,
  mapLink,
  minutesLeftNow,
  pointText,
  timeLeftMessage,
  urgencyNow,
} from '../src/lib/feedback';
import { setLanguage, t } from '../src/lib/i18n.svelte';
import { go, pathOf, routeOf } from '../src/lib/router.svelte';
import { signedIn, signOut } from '../src/lib/session.svelte';
import { forgetShared } from '../src/lib/data.svelte';
import type {
  FeedbackQueuePage,
  FeedbackServices,
  FeedbackWorkItem,
  OfficerFeedback,
  StaffKind,
} from '../src/lib/types';

const ID = '0190d6c2-0000-7000-8000-0000000000f1';
const PHOTO = `sha256:${'a'.repeat(64)}`;

const services: FeedbackServices = {
  services: [
    {
      code: 'environment',
      name: { vi: 'Môi trường', en: 'Environment', id: 'Lingkungan' },
      description: { vi: 'Rác thải', en: 'Waste' },
      answerHours: 4,
      resolveWorkingDays: 3,
    },
    {
      code: 'traffic_safety',
      name: { vi: 'An toàn giao thông', en: 'Traffic safety' },
      description: { vi: 'Đèn tín hiệu', en: 'Traffic lights' },
      answerHours: 4,
      resolveWorkingDays: 3,
    },
  ],
};

function row(index: number, overrides: Partial<FeedbackWorkItem>): FeedbackWorkItem {
  return {
    id: `0190d6c2-0000-7000-8000-00000000000${index}`,
    category: 'environment',
    summary: `Rác chưa thu gom ${index}`,
    status: 'received',
    channel: 'app',
    submittedAt: '2026-12-05T22:00:00+07:00',
    dueAt: '2026-12-06T02:00:00+07:00',
    resolveBy: '2026-12-10T17:00:00+07:00',
    clock: 'answer',
    deadline: '2026-12-06T02:00:00+07:00',
    minutesLeft: 135,
    urgency: 'on_track',
    agencyId: 'commune-people-committee',
    photoCount: 0,
    ...overrides,
  };
}

const item: OfficerFeedback = {
  feedback: {
    id: ID,
    category: 'environment',
    description: 'Rác chưa được thu gom ba ngày ở đầu kiệt 45 Lê Duẩn.',
    photos: [{ id: PHOTO, contentType: 'image/jpeg', size: 1234 }],
    place: { lat: 16.0677812, long: 108.2208333, share: true },
    channel: 'app',
    status: 'received',
    submittedAt: '2026-12-05T22:00:00+07:00',
    dueAt: '2026-12-06T02:00:00+07:00',
    resolveBy: '2026-12-10T17:00:00+07:00',
    agency: {
      agencyId: 'commune-people-committee',
      name: { vi: 'UBND phường Hải Châu', en: 'Hai Chau ward committee' },
      phone: '02363000000',
      address: '1 Lê Duẩn',
    },
    timeline: [{ seq: 1, kind: 'received', at: '2026-12-05T22:00:00+07:00', actor: { kind: 'citizen', name: '' } }],
    canReopen: false,
  },
  reporter: { name: 'Nguyễn Thị Bình', phone: '+84905000001' },
  agencyId: 'commune-people-committee',
  unitCode: '20194',
  clock: 'answer',
  minutesLeft: 50,
  urgency: 'at_risk',
  assignable: [{ code: 'CB-1', name: 'Cán bộ Một' }],
  agencies: [{ agencyId: 'da-nang-police', name: { vi: 'Công an thành phố', en: 'City police' } }],
  warnings: [],
};

describe('the feedback queue request', () => {
  it('sends the filters that are set, and open=false when the officer asks for closed items too', () => {
    expect(feedbackQueueSearch({ limit: 50, open: true, category: 'environment' })).toBe(
      '?limit=50&category=environment&open=true',
    );
    expect(feedbackQueueSearch({ open: false, status: 'closed', cursor: 'c2', category: '' })).toBe(
      '?cursor=c2&status=closed&open=false',
    );
    expect(feedbackQueueSearch({})).toBe('');
  });
});

describe('time left on the running clock', () => {
  it('says minutes under an hour, hours and minutes under a day, days and hours beyond', () => {
    const cases: [number | undefined, [string, Record<string, number>]][] = [
      [0, ['console-time-left-minutes', { minutes: 0 }]],
      [59, ['console-time-left-minutes', { minutes: 59 }]],
      [60, ['console-time-left-hours', { hours: 1, minutes: 0 }]],
      [135, ['console-time-left-hours', { hours: 2, minutes: 15 }]],
      [24 * 60 + 90, ['console-time-left-days', { days: 1, hours: 1 }]],
      [-1, ['console-time-late-minutes', { minutes: 1 }]],
      [-125, ['console-time-late-hours', { hours: 2, minutes: 5 }]],
      [-3 * 24 * 60, ['console-time-late-days', { days: 3, hours: 0 }]],
      [undefined, ['console-time-stopped', {}]],
    ];
    for (const [minutes, expected] of cases) {
      expect(timeLeftMessage(minutes), `time left for ${minutes} minutes`).toEqual(expected);
    }
  });

  it('reads as the officer expects in each language', () => {
    setLanguage('vi');
    expect(t(...timeLeftMessage(135))).toBe('Còn 2 giờ 15 phút');
    expect(t(...timeLeftMessage(-45))).toBe('Trễ 45 phút');
    setLanguage('en');
    expect(t(...timeLeftMessage(135))).toBe('2 h 15 min left');
    setLanguage('id');
    expect(t(...timeLeftMessage(-45))).toBe('Terlambat 45 mnt');
    setLanguage('vi');
  });

  it('runs on between loads and turns overdue once the clock has run out', () => {
    const loaded = Date.UTC(2026, 11, 5, 18, 0, 0);
    expect(minutesLeftNow(10, loaded, loaded + 59_000)).toBe(10);
    expect(minutesLeftNow(10, loaded, loaded + 11 * 60_000)).toBe(-1);
    expect(minutesLeftNow(10, loaded, loaded - 60_000)).toBe(10);
    expect(urgencyNow('at_risk', -1)).toBe('overdue');
    expect(urgencyNow('at_risk', 5)).toBe('at_risk');
    expect(urgencyNow('finished', undefined)).toBe('finished');
  });
});

describe('the answer form', () => {
  it('requires the answer’s text and takes a photo only of an image type within 20 MB', () => {
    expect(answerProblems({ text: '   ', photo: null, resolved: false })).toEqual([
      { field: 'text', message: 'console-answer-text-required' },
    ]);
    expect(answerProblems({ text: 'x'.repeat(4001), photo: null, resolved: false })).toEqual([
      { field: 'text', message: 'console-answer-text-too-long' },
    ]);
    expect(answerProblems({ text: 'Đã cử đội thu gom.', photo: { type: 'application/pdf', size: 10 }, resolved: true })).toEqual([
      { field: 'photo', message: 'console-answer-photo-type' },
    ]);
    expect(
      answerProblems({ text: 'Đã cử đội thu gom.', photo: { type: 'image/jpeg', size: 21 * 1024 * 1024 }, resolved: false }),
    ).toEqual([{ field: 'photo', message: 'console-answer-photo-too-large' }]);
    expect(answerProblems({ text: 'Đã cử đội thu gom.', photo: { type: 'image/jpeg', size: 2048 }, resolved: false })).toEqual([]);
  });

  it('sends the trimmed text, the uploaded photo’s id and whether it is resolved', () => {
    expect(answerRequest({ text: ' Đã xử lý. ', photo: null, resolved: true }, undefined)).toEqual({
      text: 'Đã xử lý.',
      resolved: true,
    });
    expect(answerRequest({ text: 'Đã xử lý.', photo: { type: 'image/png', size: 1 }, resolved: false }, PHOTO)).toEqual({
      text: 'Đã xử lý.',
      resolved: false,
      photo: PHOTO,
    });
  });
});

describe('what the item page offers', () => {
  it('lets officers answer, hand off and take an open item, supervisors assign, and nobody act on a closed one', () => {
    const check = (status: OfficerFeedback['feedback']['status'], kind: StaffKind, assigned: boolean) =>
      feedbackActions(status, kind, assigned);
    expect(check('received', 'officer', false)).toEqual({ answer: true, handOff: true, take: true, assign: false });
    expect(check('assigned', 'officer', true)).toEqual({ answer: true, handOff: true, take: false, assign: false });
    expect(check('reopened', 'supervisor', true)).toEqual({ answer: false, handOff: false, take: false, assign: true });
    expect(check('closed', 'officer', false)).toEqual({ answer: false, handOff: false, take: false, assign: false });
    expect(check('closed', 'supervisor', false)).toEqual({ answer: false, handOff: false, take: false, assign: false });
  });

  it('writes a point as latitude, longitude and links it to a map', () => {
    expect(pointText({ lat: 16.0677812, long: 108.2208333, share: false })).toBe('16.06778, 108.22083');
    expect(pointText({ share: false })).toBeNull();
    expect(mapLink({ lat: 16.5, long: 108.25, share: false })).toBe(
      'https://www.openstreetmap.org/?mlat=16.5&mlon=108.25#map=18/16.5/108.25',
    );
  });

  it('has its own paths under /console/feedback', () => {
    for (const route of [{ page: 'feedback-queue' }, { page: 'feedback', id: ID }] as const) {
      expect(routeOf(pathOf(route))).toEqual(route);
    }
    expect(pathOf({ page: 'feedback', id: ID })).toBe(`/console/feedback/${ID}`);
  });
});

type Call = { method: string; url: string; body: unknown; contentType: string | null };
let calls: Call[];
let answers: (url: string, method: string) => unknown;
let app: ReturnType<typeof mount> | null = null;

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json' } });
}

async function settle(): Promise<void> {
  for (let round = 0; round < 10; round += 1) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    flushSync();
  }
}

function signIn(kind: StaffKind): void {
  signedIn({
    accessToken: 'token',
    expiresIn: 900,
    tokenType: 'Bearer',
    staff: { code: 'CB-1', name: 'Cán bộ Một', kind, organisation: 'UBND' },
  });
}

beforeEach(() => {
  calls = [];
  setLanguage('vi');
  document.body.innerHTML = '<div id="console"></div>';
  vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const contentType = new Headers(init?.headers).get('Content-Type');
    const body = init?.body;
    calls.push({
      method,
      url: input,
      contentType,
      body: typeof body === 'string' ? JSON.parse(body) : body,
    });
    if (input === '/v1/procedures') return json({ version: '1', items: [] });
    if (input === '/v1/admin-units') {
      return json({ version: '1', provinces: [], units: [{ code: '20194', name: 'Phường Hải Châu', provinceCode: '48', kind: 'ward' }] });
    }
    if (input === '/v1/feedback/services') return json(services);
    if (input === '/v1/officer/me') return json({ code: 'CB-1', name: 'Cán bộ Một', kind: 'officer', procedures: [] });
    const answer = answers(input, method);
    if (answer instanceof Response) return answer;
    return json(answer);
  });
  URL.createObjectURL = vi.fn(() => 'blob:photo');
  URL.revokeObjectURL = vi.fn();
});

afterEach(() => {
  if (app) unmount(app);
  app = null;
  signOut();
  forgetShared();
  vi.unstubAllGlobals();
});

describe('the feedback queue', () => {
  it('shows each row’s time left in its urgency colour, the category’s name, and asks for more with the cursor', async () => {
    signIn('officer');
    const first: FeedbackQueuePage = {
      items: [
        row(1, { minutesLeft: -20, urgency: 'overdue', photoCount: 2 }),
        row(2, { minutesLeft: 50, urgency: 'at_risk', category: 'traffic_safety' }),
      ],
      nextCursor: 'page-2',
      total: 3,
    };
    const second: FeedbackQueuePage = {
      items: [row(3, { status: 'answered', clock: 'resolve', deadline: '2026-12-10T17:00:00+07:00', minutesLeft: 5000 })],
      total: 3,
    };
    answers = (url) => (url.includes('cursor=page-2') ? second : first);
    go({ page: 'feedback-queue' });
    app = mount(App, { target: document.getElementById('console')! });
    await settle();

    const rows = [...document.querySelectorAll('#feedback-queue tbody tr[data-id]')];
    expect(rows.map((element) => element.getAttribute('data-urgency'))).toEqual(['overdue', 'at_risk']);
    expect(rows[0]?.querySelector('.urgency-overdue')?.textContent).toBe('Trễ 20 phút');
    expect(rows[0]?.textContent).toContain('Quá hạn');
    expect(rows[0]?.textContent).toContain('2 ảnh');
    expect(rows[0]?.textContent).toContain('Môi trường');
    expect(rows[1]?.querySelector('.urgency-at_risk')?.textContent).toBe('Còn 50 phút');
    expect(rows[1]?.textContent).toContain('An toàn giao thông');
    expect(rows[1]?.textContent).toContain('Hạn trả lời');
    expect(rows[0]?.querySelector('a')?.getAttribute('href')).toBe('/console/feedback/0190d6c2-0000-7000-8000-000000000001');
    expect(document.querySelector('#feedback-total')?.textContent).toContain('2 trên tổng số 3');
    const firstCall = calls.find((call) => call.url.startsWith('/v1/officer/feedback'));
    expect(firstCall?.url).toBe('/v1/officer/feedback?limit=50&open=true');

    (document.querySelector('#feedback-more') as HTMLButtonElement).click();
    await settle();
    expect(calls.some((call) => call.url === '/v1/officer/feedback?limit=50&cursor=page-2&open=true')).toBe(true);
    const all = [...document.querySelectorAll('#feedback-queue tbody tr[data-id]')];
    expect(all).toHaveLength(3);
    expect(all[2]?.textContent).toContain('Còn 3 ngày 11 giờ');
    expect(all[2]?.textContent).toContain('Hạn giải quyết');
    expect(document.querySelector('#feedback-more')).toBeNull();
  });

  it('filters by category and shows closed items only when asked', async () => {
    signIn('officer');
    answers = () => ({ items: [], total: 0 });
    go({ page: 'feedback-queue' });
    app = mount(App, { target: document.getElementById('console')! });
    await settle();
    const scope = document.querySelector('#feedback-filter-scope') as HTMLSelectElement;
    scope.value = 'all';
    scope.dispatchEvent(new Event('change'));
    const category = document.querySelector('#feedback-filter-category') as HTMLSelectElement;
    category.value = 'traffic_safety';
    category.dispatchEvent(new Event('change'));
    (document.querySelector('#feedback-apply-filters') as HTMLButtonElement).click();
    await settle();
    const last = calls.filter((call) => call.url.startsWith('/v1/officer/feedback')).at(-1);
    expect(last?.url).toBe('/v1/officer/feedback?limit=50&category=traffic_safety&open=false');
    expect(document.querySelector('#feedback-queue')?.textContent).toContain('Không có phản ánh nào khớp bộ lọc.');
  });
});

describe('the feedback item', () => {
  it('shows the description, the point, the photo and the reporter, and refuses an empty answer without a request', async () => {
    signIn('officer');
    answers = (url) => (url.endsWith(`/photos/${encodeURIComponent(PHOTO)}`) ? new Response('jpeg', { headers: { 'Content-Type': 'image/jpeg' } }) : item);
    go({ page: 'feedback', id: ID });
    app = mount(App, { target: document.getElementById('console')! });
    await settle();

    expect(document.querySelector('h1')?.textContent).toBe('Phản ánh: Môi trường');
    expect(document.querySelector('#feedback-description')?.textContent).toContain('kiệt 45 Lê Duẩn');
    expect(document.querySelector('#feedback-place')?.textContent).toContain('16.06778, 108.22083');
    expect(document.querySelector('#feedback-reporter')?.textContent).toContain('+84905000001');
    expect(document.querySelector('#feedback-agency')?.textContent).toContain('UBND phường Hải Châu');
    expect(document.querySelector('#feedback-clock .urgency-at_risk')?.textContent).toBe('Còn 50 phút');
    expect(document.querySelector('#feedback-photos img')?.getAttribute('alt')).toContain('Ảnh 1 trên 1');

    (document.querySelector('#answer-send') as HTMLButtonElement).click();
    await settle();
    expect(calls.filter((call) => call.method === 'POST')).toEqual([]);
    expect(document.querySelector('#answer-text')?.getAttribute('aria-invalid')).toBe('true');
    expect(document.querySelector('#answer-text-problem')?.textContent).toBe('Hãy viết câu trả lời.');
    expect(document.activeElement?.id).toBe('answer-text');
  });

  it('uploads the answer’s photo first and sends the answer with its id, resolved', async () => {
    signIn('officer');
    answers = (url, method) => {
      if (method === 'POST' && url.endsWith('/photos')) return json({ id: PHOTO, contentType: 'image/jpeg', size: 4 }, 201);
      if (method === 'POST') return { ...item.feedback, status: 'closed' };
      if (url.includes('/photos/')) return new Response('jpeg', { headers: { 'Content-Type': 'image/jpeg' } });
      return item;
    };
    go({ page: 'feedback', id: ID });
    app = mount(App, { target: document.getElementById('console')! });
    await settle();

    const text = document.querySelector('#answer-text') as HTMLTextAreaElement;
    text.value = '  Đã cử đội vệ sinh thu gom trong chiều nay.  ';
    text.dispatchEvent(new Event('input'));
    const photo = document.querySelector('#answer-photo') as HTMLInputElement;
    const file = new File(['jpeg'], 'done.jpg', { type: 'image/jpeg' });
    Object.defineProperty(photo, 'files', { value: [file], configurable: true });
    photo.dispatchEvent(new Event('change', { bubbles: true }));
    const resolved = document.querySelector('#answer-resolved') as HTMLInputElement;
    resolved.checked = true;
    resolved.dispatchEvent(new Event('change'));
    await settle();
    (document.querySelector('#answer-send') as HTMLButtonElement).click();
    await settle();

    const posted = calls.filter((call) => call.method === 'POST');
    expect(posted.map((call) => [call.url, call.contentType])).toEqual([
      [`/v1/officer/feedback/${ID}/photos`, 'image/jpeg'],
      [`/v1/officer/feedback/${ID}/answer`, 'application/json'],
    ]);
    expect(posted[1]?.body).toEqual({ text: 'Đã cử đội vệ sinh thu gom trong chiều nay.', resolved: true, photo: PHOTO });
    expect(document.querySelector('#feedback-done')?.textContent).toBe('Đã gửi câu trả lời và đóng phản ánh.');
  });

  it('hands off only with an agency and a note, and offers a supervisor assignment instead', async () => {
    signIn('officer');
    answers = (url, method) => (method === 'POST' ? {} : url.includes('/photos/') ? new Response('x', { headers: { 'Content-Type': 'image/jpeg' } }) : item);
    go({ page: 'feedback', id: ID });
    app = mount(App, { target: document.getElementById('console')! });
    await settle();
    expect(document.querySelector('#feedback-assignee')).toBeNull();
    (document.querySelector('#hand-off-send') as HTMLButtonElement).click();
    await settle();
    expect(calls.filter((call) => call.method === 'POST')).toEqual([]);
    expect(document.querySelector('#hand-off-form')?.textContent).toContain('Hãy chọn cơ quan nhận.');
    const agency = document.querySelector('#hand-off-agency') as HTMLSelectElement;
    agency.value = 'da-nang-police';
    agency.dispatchEvent(new Event('change'));
    const note = document.querySelector('#hand-off-note') as HTMLTextAreaElement;
    note.value = 'Đỗ xe trái phép, thuộc công an.';
    note.dispatchEvent(new Event('input'));
    await settle();
    (document.querySelector('#hand-off-send') as HTMLButtonElement).click();
    await settle();
    expect(calls.filter((call) => call.method === 'POST').map((call) => [call.url, call.body])).toEqual([
      [`/v1/officer/feedback/${ID}/hand-off`, { agencyId: 'da-nang-police', note: 'Đỗ xe trái phép, thuộc công an.' }],
    ]);
    expect(document.querySelector('#feedback-done')?.textContent).toBe('Đã chuyển phản ánh cho Công an thành phố.');

    unmount(app);
    signOut();
    forgetShared();
    signIn('supervisor');
    app = mount(App, { target: document.getElementById('console')! });
    await settle();
    expect(document.querySelector('#answer-form')).toBeNull();
    expect(document.querySelector('#hand-off-form')).toBeNull();
    const assignee = document.querySelector('#feedback-assignee') as HTMLSelectElement;
    assignee.value = 'CB-1';
    assignee.dispatchEvent(new Event('change'));
    await settle();
    (document.querySelector('#feedback-assign') as HTMLButtonElement).click();
    await settle();
    expect(calls.filter((call) => call.method === 'POST').at(-1)).toMatchObject({
      url: `/v1/officer/feedback/${ID}/assign`,
      body: { officerCode: 'CB-1' },
    });
  });
});
