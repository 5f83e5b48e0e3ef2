// The only place the console talks HTTP: the portal that serves it, same origin, with the staff
// token in `Authorization`. A failed call throws `ApiFailure` carrying the portal's problem
// document (RFC 9457), so a screen can show its title and detail; a network failure or an answer
// that is no problem document is one too, with a code of its own.

import type {
  AssignRequest,
  Catalog,
  CounterApplication,
  OfficerApplication,
  OfficerQueueQuery,
  OfficerSelf,
  Overview,
  Problem,
  QueuePage,
  StaffTokenRequest,
  StaffTokenResponse,
  TransitionRequest,
  AdminUnits,
  Application,
  Feedback,
  FeedbackAnswer,
  FeedbackAssign,
  FeedbackHandOff,
  FeedbackPhoto,
  FeedbackQueuePage,
  FeedbackQueueQuery,
  FeedbackServices,
  OfficerFeedback,
  Payment,
  PaymentList,
  RecordPayment,
} from './types';
import { feedbackQueueSearch } from './feedback';

/** Why a call failed: the portal's problem, or `network` / `unexpected` when there is none. */
export class ApiFailure extends Error {
  readonly status: number;
  readonly problem: Problem | null;
  readonly kind: 'problem' | 'network' | 'unexpected';

  constructor(kind: 'problem' | 'network' | 'unexpected', status: number, problem: Problem | null) {
    super(problem?.detail ?? problem?.title ?? kind);
    this.kind = kind;
    this.status = status;
    this.problem = problem;
  }
}

/** How the console reaches the portal; tests pass their own `fetch`. */
export interface Transport {
  fetch: typeof fetch;
  base: string;
}

const defaultTransport = (): Transport => ({ fetch: (...args) => globalThis.fetch(...args), base: '' });

/** The query string of a queue request: only the filters that are set, camelCase as on the wire. */
export function queueSearch(query: OfficerQueueQuery): string {
  const params = new URLSearchParams();
  const entries: [string, string | number | boolean | undefined][] = [
    ['limit', query.limit],
    ['cursor', query.cursor],
    ['status', query.status],
    ['procedure', query.procedure],
    ['unit', query.unit],
    ['dueBefore', query.dueBefore],
    ['open', query.open],
    ['q', query.q?.trim() || undefined],
  ];
  for (const [name, value] of entries) {
    if (value !== undefined && value !== '' && value !== false) params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A fresh `Idempotency-Key` for a state-changing request. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}

export class OfficerApi {
  private readonly transport: Transport;
  private readonly token: () => string | null;

  constructor(token: () => string | null, transport: Transport = defaultTransport()) {
    this.token = token;
    this.transport = transport;
  }

  private async request(
    method: string,
    path: string,
    body?: unknown,
    idempotent = false,
    file?: Blob,
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (file) headers['Content-Type'] = file.type || 'application/octet-stream';
    if (idempotent) headers['Idempotency-Key'] = idempotencyKey();
    let response: Response;
    try {
      response = await this.transport.fetch(`${this.transport.base}${path}`, {
        method,
        headers,
        body: file ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
    } catch {
      throw new ApiFailure('network', 0, null);
    }
    if (!response.ok) throw await failureOf(response);
    return response;
  }

  private async json<T>(method: string, path: string, body?: unknown, idempotent = false, file?: Blob): Promise<T> {
    const response = await this.request(method, path, body, idempotent, file);
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiFailure('unexpected', response.status, null);
    }
  }

  signIn(request: StaffTokenRequest): Promise<StaffTokenResponse> {
    return this.json('POST', '/v1/auth/staff-token', request);
  }

  me(): Promise<OfficerSelf> {
    return this.json('GET', '/v1/officer/me');
  }

  queue(query: OfficerQueueQuery): Promise<QueuePage> {
    return this.json('GET', `/v1/officer/applications${queueSearch(query)}`);
  }

  application(id: string): Promise<OfficerApplication> {
    return this.json('GET', `/v1/officer/applications/${encodeURIComponent(id)}`);
  }

  transition(id: string, request: TransitionRequest): Promise<Application> {
    return this.json('POST', `/v1/officer/applications/${encodeURIComponent(id)}/transition`, request, true);
  }

  assign(id: string, request: AssignRequest): Promise<unknown> {
    return this.json('POST', `/v1/officer/applications/${encodeURIComponent(id)}/assign`, request, true);
  }

  counter(application: CounterApplication): Promise<Application> {
    return this.json('POST', '/v1/officer/applications', application, true);
  }

  /** An application's payments, with their receipts: the same endpoint the resident reads, open to
   *  the officers whose scope covers the application. */
  payments(applicationId: string): Promise<PaymentList> {
    return this.json('GET', `/v1/applications/${encodeURIComponent(applicationId)}/payments`);
  }

  /** Records cash taken at the counter or by the postman; answers the paid payment. */
  recordPayment(applicationId: string, request: RecordPayment): Promise<Payment> {
    return this.json('POST', `/v1/officer/applications/${encodeURIComponent(applicationId)}/payments/record`, request, true);
  }

  /** Refunds a paid payment of a rejected or withdrawn application. */
  refundPayment(paymentId: string): Promise<Payment> {
    return this.json('POST', `/v1/officer/payments/${encodeURIComponent(paymentId)}/refund`, undefined, true);
  }

  overview(): Promise<Overview> {
    return this.json('GET', '/v1/officer/overview');
  }

  catalog(): Promise<Catalog> {
    return this.json('GET', '/v1/procedures');
  }

  adminUnits(): Promise<AdminUnits> {
    return this.json('GET', '/v1/admin-units');
  }

  /** An attachment's bytes, through the officer's own attachment endpoint. */
  async attachment(applicationId: string, attachmentId: string): Promise<Blob> {
    const response = await this.request(
      'GET',
      `/v1/officer/applications/${encodeURIComponent(applicationId)}/attachments/${encodeURIComponent(attachmentId)}`,
    );
    return response.blob();
  }

  /** The services (categories) feedback is filed in, with their names. Public. */
  feedbackServices(): Promise<FeedbackServices> {
    return this.json('GET', '/v1/feedback/services');
  }

  feedbackQueue(query: FeedbackQueueQuery): Promise<FeedbackQueuePage> {
    return this.json('GET', `/v1/officer/feedback${feedbackQueueSearch(query)}`);
  }

  feedback(id: string): Promise<OfficerFeedback> {
    return this.json('GET', `/v1/officer/feedback/${encodeURIComponent(id)}`);
  }

  answerFeedback(id: string, answer: FeedbackAnswer): Promise<Feedback> {
    return this.json('POST', `/v1/officer/feedback/${encodeURIComponent(id)}/answer`, answer, true);
  }

  assignFeedback(id: string, request: FeedbackAssign): Promise<unknown> {
    return this.json('POST', `/v1/officer/feedback/${encodeURIComponent(id)}/assign`, request, true);
  }

  handOffFeedback(id: string, request: FeedbackHandOff): Promise<unknown> {
    return this.json('POST', `/v1/officer/feedback/${encodeURIComponent(id)}/hand-off`, request, true);
  }

  /** Uploads an answer's photo (its own bytes and type); the answer then names its `id`. */
  uploadFeedbackPhoto(id: string, photo: Blob): Promise<FeedbackPhoto> {
    return this.json('POST', `/v1/officer/feedback/${encodeURIComponent(id)}/photos`, undefined, true, photo);
  }

  /** A feedback photo's bytes, through the officer's photo endpoint. */
  async feedbackPhoto(feedbackId: string, photoId: string): Promise<Blob> {
    const response = await this.request(
      'GET',
      `/v1/officer/feedback/${encodeURIComponent(feedbackId)}/photos/${encodeURIComponent(photoId)}`,
    );
    return response.blob();
  }
}

async function failureOf(response: Response): Promise<ApiFailure> {
  try {
    const problem = (await response.json()) as Problem;
    if (problem && typeof problem.title === 'string') return new ApiFailure('problem', response.status, problem);
  } catch {
    // Not JSON: said below as an unexpected answer.
  }
  return new ApiFailure('unexpected', response.status, null);
}
