// Data shaped exactly like the core's answers, for the screens under test.

import type { AdminUnits, Application, Feedback, FeedbackService, Procedure, Profile } from '../src/lib/backend/types';
import type {
  ApplicationView,
  Dashboard,
  FeedbackScreenView,
  FeedbackView,
  InboxEntry,
  Prefill,
  QueueItem,
  SessionState,
  Settings,
  WalletEntry,
} from '../src/lib/backend/views';

export const XSS = '<img src=x onerror=alert(1)>';

export const profile: Profile = {
  idNumber: '048090001234',
  fullName: 'Nguyễn Thị Lan',
  birthDate: '1990-05-12',
  gender: 'female',
  phone: '+84905123456',
  address: { provinceCode: '48', unitCode: '20194', street: '12 Lê Lợi' },
  language: 'en',
  updatedAt: '2026-11-01T08:00:00+07:00',
};

/** What the core pre-fills `procedure`'s form with for `profile` (its `prefill` sources). */
export const prefill: Prefill = {
  filled: { fullName: profile.fullName, idNumber: profile.idNumber, phone: profile.phone },
  offered: {},
};

export function session(overrides: Partial<SessionState> = {}): SessionState {
  return { signedIn: true, profile, language: 'en', online: true, autoLockSeconds: 300, textSize: 100, highContrast: false, ...overrides };
}

export const procedure: Procedure = {
  id: 'id-card-renewal',
  code: '1.001612',
  name: { vi: 'Cấp đổi thẻ căn cước', en: 'Renew a citizen ID card', id: 'Perpanjangan kartu identitas' },
  agency: { vi: 'Công an thành phố Đà Nẵng', en: 'Da Nang City Police' },
  agencyId: 'da-nang-police',
  sector: 'identity',
  onlineLevel: 'full',
  feeCases: [{ id: 'renewal', label: { vi: 'Lệ phí cấp đổi', en: 'Renewal fee' }, amount: 50000, illustrative: false }],
  payBeforeProcessing: false,
  processingDays: { inPerson: 7, online: 4 },
  requiredDocuments: [
    { id: 'current-card', name: { vi: 'Thẻ căn cước đang dùng', en: 'Your current ID card' }, required: true, walletKind: 'id_card' },
    { id: 'photo', name: { vi: 'Ảnh chân dung', en: 'A portrait photo' }, required: false },
  ],
  formFields: [
    { id: 'fullName', label: { vi: 'Họ và tên', en: 'Full name' }, kind: 'text', required: true, prefill: 'profile.fullName', maxLength: 100 },
    { id: 'idNumber', label: { vi: 'Số định danh', en: 'ID number' }, kind: 'id_number', required: true, prefill: 'profile.idNumber' },
    { id: 'phone', label: { vi: 'Số điện thoại', en: 'Phone' }, kind: 'phone', required: true, prefill: 'profile.phone' },
    {
      id: 'reason',
      label: { vi: 'Lý do', en: 'Reason' },
      kind: 'select',
      required: true,
      options: [
        { value: 'age', label: { vi: 'Đến tuổi đổi thẻ', en: 'Reached a renewal age' } },
        { value: 'damaged', label: { vi: 'Thẻ hỏng', en: 'Card damaged' } },
      ],
    },
  ],
  delivery: {
    counter: true,
    post: true,
    postage: [
      { id: 'in-city', label: { vi: 'Trong thành phố', en: 'Inside the city' }, provinceCodes: ['48'], firstItem: 20000, additionalItem: 5000, illustrative: true },
      { id: 'elsewhere-vn', label: { vi: 'Nơi khác', en: 'Elsewhere in Vietnam' }, provinceCodes: [], firstItem: 30000, additionalItem: 5000, illustrative: true },
    ],
    postageSubsidy: { percent: 50, label: { vi: 'Thành phố hỗ trợ', en: 'The city pays part of the postage' }, illustrative: true },
  },
  keywords: ['cccd'],
};

export const adminUnits: AdminUnits = {
  version: '2025-07-01',
  provinces: [{ code: '48', name: 'Thành phố Đà Nẵng' }],
  units: [
    { code: '20194', name: 'Phường Hải Châu', kind: 'ward', provinceCode: '48', formerNames: ['Thạch Thang', 'Thuận Phước', 'Quận Hải Châu'] },
    { code: '20200', name: 'Phường Hòa Cường', kind: 'ward', provinceCode: '48', formerNames: ['Hòa Cường Bắc'] },
    { code: '20300', name: 'Xã Hòa Vang', kind: 'commune', provinceCode: '48', formerNames: ['Huyện Hòa Vang'] },
  ],
};

export function application(overrides: Partial<Application> = {}): Application {
  return {
    id: '0193a1b2-0000-7000-8000-000000000001',
    code: '000.17.48.H17-261129-0001',
    procedureId: 'id-card-renewal',
    procedureName: procedure.name,
    status: 'processing',
    channel: 'online',
    submittedAt: '2026-11-20T09:00:00+07:00',
    dueAt: '2026-11-26T17:00:00+07:00',
    processingDays: 4,
    form: { fullName: 'Nguyễn Thị Lan' },
    attachments: [],
    delivery: {
      method: 'post',
      address: { recipientName: 'Nguyễn Thị Lan', phone: '0905123456', provinceCode: '48', unitCode: '20194', street: '12 Lê Lợi' },
      fee: 30000,
      subsidy: 15000,
      payable: 15000,
      state: 'dispatched',
      trackingNumber: 'EMS123456VN',
    },
    fee: 50000,
    feeLines: [{ kind: 'case', id: 'renewal', label: { vi: 'Cấp đổi thẻ căn cước', en: 'Renewal of the ID card' }, quantity: 1, amount: 50000, illustrative: false }],
    timeline: [
      { seq: 1, status: 'received', at: '2026-11-20T09:00:00+07:00', actor: { kind: 'system', name: '' } },
      { seq: 2, status: 'processing', at: '2026-11-21T10:00:00+07:00', actor: { kind: 'officer', name: 'Công an' }, note: 'Checking the photo' },
    ],
    supplements: [],
    updatedAt: '2026-11-21T10:00:00+07:00',
    ...overrides,
  };
}

export function applicationView(overrides: Partial<Application> = {}, view: Partial<ApplicationView> = {}): ApplicationView {
  return { application: application(overrides), overdue: false, workingDaysLeft: 3, waitingToSend: [], ...view };
}

export function queueItem(overrides: Partial<QueueItem> = {}): QueueItem {
  return {
    id: '0193a1b2-0000-7000-8000-0000000000q1',
    kind: 'application',
    state: 'queued',
    createdAt: '2026-11-29T08:00:00+07:00',
    attempts: 0,
    summary: 'Cấp đổi thẻ căn cước',
    ...overrides,
  };
}

export const walletEntry: WalletEntry = {
  document: {
    id: '0193a1b2-0000-7000-8000-0000000000d1',
    kind: 'id_card',
    number: '048090001234',
    issuedOn: '2015-06-01',
    issuer: 'Cục Cảnh sát QLHC về TTXH',
    source: 'warehouse',
    updatedAt: '2026-11-01T08:00:00+07:00',
  },
  validity: {
    documentId: '0193a1b2-0000-7000-8000-0000000000d1',
    kind: 'id_card',
    expiresOn: '2027-01-12',
    daysLeft: 44,
    standing: 'renew_soon',
    nextStage: { stage: '30_days', on: '2026-12-13' },
    renewalProcedure: 'id-card-renewal',
  },
  reminder: { documentId: '0193a1b2-0000-7000-8000-0000000000d1', mode: 'on' },
};

export function dashboard(overrides: Partial<Dashboard> = {}): Dashboard {
  return {
    online: true,
    profile,
    needsAction: [],
    waitingToSend: [],
    nextRenewals: [],
    counts: { applications: 0, inProgress: 0, unreadInbox: 0, waitingToSend: 0, needsAttention: 0 },
    ...overrides,
  };
}

export const inboxEntry: InboxEntry = {
  item: {
    id: '0193a1b2-0000-7000-8000-0000000000i1',
    at: '2026-11-28T15:00:00+07:00',
    category: 'status',
    title: { vi: 'Hồ sơ đã có kết quả', en: 'Your result is ready' },
    body: { vi: 'Kết quả sẽ được gửi qua bưu điện.', en: 'The result will be sent by post.' },
    applicationId: '0193a1b2-0000-7000-8000-000000000001',
  },
  read: false,
};

export const settings: Settings = {
  language: 'en',
  categories: { status: true, delivery: true, renewal: true, notice: false },
  tokenStorage: 'private_file',
  keepInTray: true,
  openAtLogin: false,
  textSize: 100,
  highContrast: false,
};

export const feedbackServices: FeedbackService[] = [
  {
    code: 'environment',
    name: { vi: 'Môi trường', en: 'Environment', id: 'Lingkungan' },
    description: { vi: 'Rác thải, ô nhiễm, cây xanh', en: 'Rubbish, pollution, trees', id: 'Sampah, polusi, pohon' },
    answerHours: 4,
    resolveWorkingDays: 3,
  },
  {
    code: 'traffic_safety',
    name: { vi: 'An toàn giao thông', en: 'Traffic safety', id: 'Keselamatan lalu lintas' },
    description: { vi: 'Đèn tín hiệu, biển báo', en: 'Traffic lights, signs', id: 'Lampu lalu lintas, rambu' },
    answerHours: 4,
    resolveWorkingDays: 3,
  },
];

const agency = {
  agencyId: 'hai-chau-ward',
  name: { vi: 'UBND phường Hải Châu', en: 'Hai Chau Ward People\'s Committee' },
  phone: '0236 300 0000 (invented)',
  address: '1 Lê Lợi, Hải Châu',
};

export function feedback(overrides: Partial<Feedback> = {}): Feedback {
  return {
    id: '0193f00d-0000-7000-8000-000000000001',
    category: 'environment',
    description: 'Rác chất đống ở góc đường Lê Lợi',
    photos: [{ id: 'sha256:aa', contentType: 'image/jpeg', size: 120000 }],
    channel: 'app',
    status: 'received',
    submittedAt: '2026-12-06T22:00:00+07:00',
    dueAt: '2026-12-07T02:00:00+07:00',
    resolveBy: '2026-12-10T17:00:00+07:00',
    agency,
    timeline: [{ seq: 1, kind: 'received', at: '2026-12-06T22:00:00+07:00', actor: { kind: 'citizen', name: '' } }],
    canReopen: false,
    ...overrides,
  };
}

/** An item the agency answered: the answer in the row and in the timeline. */
export function answeredFeedback(overrides: Partial<Feedback> = {}): Feedback {
  return feedback({
    status: 'answered',
    answeredAt: '2026-12-07T01:15:00+07:00',
    answer: 'The ward sends a cleaning crew tomorrow morning.',
    canReopen: true,
    timeline: [
      { seq: 1, kind: 'received', at: '2026-12-06T22:00:00+07:00', actor: { kind: 'citizen', name: '' } },
      { seq: 2, kind: 'assigned', at: '2026-12-06T22:00:05+07:00', actor: { kind: 'system', name: '' }, agency },
      {
        seq: 3,
        kind: 'handed_off',
        at: '2026-12-06T23:00:00+07:00',
        actor: { kind: 'officer', name: 'Sở Xây dựng' },
        note: 'Street cleaning belongs to the ward.',
        agency,
      },
      {
        seq: 4,
        kind: 'answered',
        at: '2026-12-07T01:15:00+07:00',
        actor: { kind: 'officer', name: 'UBND phường Hải Châu' },
        note: 'The ward sends a cleaning crew tomorrow morning.',
      },
    ],
    ...overrides,
  });
}

export function feedbackView(item: Feedback = feedback(), view: Partial<FeedbackView> = {}): FeedbackView {
  return {
    item,
    service: feedbackServices.find((service) => service.code === item.category),
    clock: item.status === 'answered' ? 'resolve' : item.status === 'closed' ? 'stopped' : 'answer',
    overdue: false,
    waitingToSend: [],
    ...view,
  };
}

export function feedbackScreen(overrides: Partial<FeedbackScreenView> = {}): FeedbackScreenView {
  return { queued: [], items: [feedbackView()], services: feedbackServices, ...overrides };
}
