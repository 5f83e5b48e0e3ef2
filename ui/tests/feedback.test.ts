import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import {
  checkFeedbackForm,
  emptyFeedbackForm,
  feedbackInput,
  parseCoordinate,
  splitPoint,
  type FeedbackForm,
} from '../src/lib/feedback.svelte';
import * as fixtures from './fixtures';
import { openApp, type Handlers } from './harness';

const filled = (overrides: Partial<FeedbackForm> = {}): FeedbackForm => ({
  ...emptyFeedbackForm(),
  category: 'environment',
  description: 'Rác chất đống',
  ...overrides,
});

describe('the feedback form rules', () => {
  const check = (form: FeedbackForm, expected: string[]) =>
    expect(
      checkFeedbackForm(form, fixtures.feedbackServices).map((problem) => `${problem.field}: ${problem.message}`),
      JSON.stringify(form),
    ).toEqual(expected);

  it('asks for a known category and a description, and nothing else when no place is given', () => {
    check(emptyFeedbackForm(), [
      'feedback-category: ui-feedback-category-missing',
      'feedback-description: ui-feedback-description-missing',
    ]);
    check(filled({ category: 'not_a_service' }), ['feedback-category: ui-feedback-category-missing']);
    check(filled({ description: '   ' }), ['feedback-description: ui-feedback-description-missing']);
    check(filled({ description: 'x'.repeat(4001) }), ['feedback-description: ui-feedback-description-too-long']);
    check(filled({ description: 'ệ'.repeat(4000) }), []);
    check(filled(), []);
  });

  it('takes at most three photos', () => {
    const photo = { name: 'a.jpg', size: 1, base64: 'AA==' };
    check(filled({ photos: [photo, photo, photo] }), []);
    check(filled({ photos: [photo, photo, photo, photo] }), ['feedback-photos: ui-feedback-photos-too-many']);
  });

  it('needs the unit and the street of an address', () => {
    check(filled({ place: 'address' }), [
      'address-province: ui-address-province-missing',
      'feedback-street: ui-address-street-missing',
    ]);
    check(filled({ place: 'address', provinceCode: '48' }), [
      'address-unit-search: ui-address-unit-missing',
      'feedback-street: ui-address-street-missing',
    ]);
    check(filled({ place: 'address', provinceCode: '48', unitCode: '20194', street: '12 Lê Lợi' }), []);
  });

  it('needs a latitude within ±90 and a longitude within ±180 for a point', () => {
    check(filled({ place: 'point', lat: '16.0544', long: '108.2022' }), []);
    check(filled({ place: 'point', lat: '16,0544', long: '108,2022' }), []);
    check(filled({ place: 'point', lat: '91', long: '181' }), [
      'feedback-lat: ui-feedback-lat-invalid',
      'feedback-long: ui-feedback-long-invalid',
    ]);
    check(filled({ place: 'point', lat: 'Hải Châu', long: '' }), [
      'feedback-lat: ui-feedback-lat-invalid',
      'feedback-long: ui-feedback-long-invalid',
    ]);
  });

  it('reads a point pasted from a map, and a coordinate written with a comma', () => {
    expect(splitPoint('16.0544, 108.2022')).toEqual({ lat: '16.0544', long: '108.2022' });
    expect(splitPoint(' 16.0544;108.2022 ')).toEqual({ lat: '16.0544', long: '108.2022' });
    expect(splitPoint('-33.86 151.21')).toEqual({ lat: '-33.86', long: '151.21' });
    expect(splitPoint('16.0544'), 'one number is not a point').toBeUndefined();
    expect(parseCoordinate('16,0544', 90)).toBe(16.0544);
    expect(parseCoordinate('90.5', 90)).toBeUndefined();
    expect(parseCoordinate('1e2', 180)).toBeUndefined();
  });

  it('sends only the place the resident chose, with the share choice', () => {
    expect(feedbackInput(filled({ lat: '16', long: '108', street: 'ignored' }))).toEqual({
      category: 'environment',
      description: 'Rác chất đống',
      photos: [],
    });
    expect(feedbackInput(filled({ place: 'point', lat: '16,05', long: '108.2', share: true })).place).toEqual({
      lat: 16.05,
      long: 108.2,
      share: true,
    });
    expect(
      feedbackInput(filled({ place: 'address', provinceCode: '48', unitCode: '20194', street: ' 12 Lê Lợi ' })).place,
    ).toEqual({ address: { provinceCode: '48', unitCode: '20194', street: '12 Lê Lợi' }, share: false });
    expect(feedbackInput(filled({ applicationId: fixtures.application().id })).applicationId).toBe(fixtures.application().id);
  });
});

const formCore = (extra: Handlers = {}): Handlers => ({
  feedback_services: () => ({ services: fixtures.feedbackServices }),
  admin_units: () => fixtures.adminUnits,
  applications: () => ({ items: [fixtures.applicationView()] }),
  feedback_screen: () => fixtures.feedbackScreen(),
  ...extra,
});

describe('the new feedback form', () => {
  it('names each missing field in the error summary and beside the field, and queues nothing', async () => {
    const { calls } = openApp('/feedback/new', formCore());
    await userEvent.click(await screen.findByRole('button', { name: 'Send feedback' }));
    const summary = within(await screen.findByRole('alert'));
    expect(summary.getByRole('link', { name: 'Choose what the feedback is about' })).toHaveAttribute('href', '#feedback-category');
    expect(summary.getByRole('link', { name: 'Describe what happened' })).toHaveAttribute('href', '#feedback-description');
    expect(screen.getAllByText('Describe what happened')).toHaveLength(2);
    expect(calls.some((call) => call.command === 'file_feedback'), 'nothing is queued').toBe(false);
  });

  it('queues the feedback offline with its point and application, and the list says it waits to be sent', async () => {
    const app = fixtures.application();
    const { calls } = openApp(
      '/feedback/new',
      formCore({
        file_feedback: () => ({ itemId: '0193f00d-0000-7000-8000-0000000000a1', sent: false }),
        feedback_screen: () =>
          fixtures.feedbackScreen({
            items: [],
            queued: [
              { queueItemId: '0193f00d-0000-7000-8000-0000000000a1', category: 'environment', description: 'Rác chất đống', photos: 0, state: 'queued' },
            ],
          }),
      }),
    );
    await userEvent.click(await screen.findByRole('radio', { name: /Environment/ }));
    await userEvent.type(screen.getByLabelText('What happened'), 'Rác chất đống');
    await userEvent.click(screen.getByRole('radio', { name: 'Coordinates (latitude, longitude)' }));
    const lat = screen.getByLabelText('Latitude');
    lat.focus();
    await userEvent.paste('16.0544, 108.2022');
    expect(screen.getByLabelText('Longitude'), 'a pasted pair fills both boxes').toHaveValue('108.2022');
    await userEvent.selectOptions(screen.getByLabelText('About one of your applications (optional)'), app.id);
    await userEvent.click(screen.getByRole('button', { name: 'Send feedback' }));

    const saved = await screen.findByText('Your feedback is saved on this device. It will be sent when you are online.');
    expect(saved.closest('.notification'), 'saved, not yet sent, is not shown as a success').toHaveClass('saved');
    const filed = calls.filter((call) => call.command === 'file_feedback');
    expect(filed, 'one filing').toHaveLength(1);
    expect(filed[0]?.args).toEqual({
      feedback: {
        category: 'environment',
        description: 'Rác chất đống',
        photos: [],
        place: { lat: 16.0544, long: 108.2022, share: false },
        applicationId: app.id,
      },
    });
    const waiting = within(screen.getByRole('list', { name: 'Waiting to send' }));
    expect(waiting.getByText('Environment')).toBeInTheDocument();
    expect(waiting.getByText('Waiting')).toBeInTheDocument();
  });

  it('keeps three photos and says why a fourth was left out', async () => {
    openApp('/feedback/new', formCore());
    const input = (await screen.findByLabelText('Photos (optional)')) as HTMLInputElement;
    const files = [1, 2, 3, 4].map((n) => new File([`photo ${n}`], `photo-${n}.jpg`, { type: 'image/jpeg' }));
    await fireEvent.change(input, { target: { files } });
    await screen.findByText('You can send at most 3 photos');
    await waitFor(() => expect(screen.getAllByRole('button', { name: /^Remove photo-/ })).toHaveLength(3));
    expect(screen.queryByRole('button', { name: 'Remove photo-4.jpg' })).toBeNull();
    expect(input, 'no more photos can be picked').toBeDisabled();
  });

  it('shows the core refusing a field next to that field', async () => {
    openApp(
      '/feedback/new',
      formCore({ file_feedback: () => Promise.reject({ code: 'invalid_input', message: 'no', fields: ['description'] }) }),
    );
    await userEvent.click(await screen.findByRole('radio', { name: /Traffic safety/ }));
    await userEvent.type(screen.getByLabelText('What happened'), 'Đèn hỏng');
    await userEvent.click(screen.getByRole('button', { name: 'Send feedback' }));
    const summary = within(await screen.findByRole('alert'));
    expect(summary.getByRole('link', { name: 'Describe what happened' })).toHaveAttribute('href', '#feedback-description');
  });
});

describe('the feedback list', () => {
  it('shows each item with its status, category and both clocks', async () => {
    openApp('/feedback', {
      feedback_screen: () =>
        fixtures.feedbackScreen({
          items: [fixtures.feedbackView(fixtures.answeredFeedback()), fixtures.feedbackView(fixtures.feedback({ id: '0193f00d-0000-7000-8000-000000000002', category: 'traffic_safety' }), { overdue: true })],
        }),
    });
    const list = within(await screen.findByRole('list', { name: 'Feedback you sent' }));
    const [answered, late] = list.getAllByRole('listitem');
    const first = within(answered as HTMLElement);
    expect(first.getByRole('link', { name: 'Environment' })).toHaveAttribute('href', `#/feedback/${fixtures.feedback().id}`);
    expect(first.getByText('Answered')).toBeInTheDocument();
    expect(first.getByText(/^Answer due by .*2026/)).toBeInTheDocument();
    expect(first.getByText(/^Resolved by .*2026/)).toBeInTheDocument();
    const second = within(late as HTMLElement);
    expect(second.getByText('Traffic safety')).toBeInTheDocument();
    expect(second.getByText('Received')).toBeInTheDocument();
    expect(second.getByText('Overdue')).toBeInTheDocument();
  });

  it('says which item has a rating or reopening waiting to be sent', async () => {
    openApp('/feedback', {
      feedback_screen: () =>
        fixtures.feedbackScreen({
          items: [
            fixtures.feedbackView(fixtures.answeredFeedback(), {
              waitingToSend: [fixtures.queueItem({ kind: 'feedback_rating', summary: '' })],
            }),
          ],
        }),
    });
    const card = (await screen.findByRole('link', { name: 'Environment' })).closest('li') as HTMLElement;
    expect(within(card).getByText('Waiting to send')).toBeInTheDocument();
  });

  it('says when there is none yet and offers the form', async () => {
    openApp('/feedback', { feedback_screen: () => fixtures.feedbackScreen({ items: [] }) });
    await screen.findByText('You have not sent any feedback yet.');
    expect(screen.getByRole('link', { name: 'Send new feedback' })).toHaveAttribute('href', '#/feedback/new');
  });

  it('is reached from the navigation', async () => {
    openApp('/', { dashboard: () => fixtures.dashboard(), feedback_screen: () => fixtures.feedbackScreen() });
    const link = await screen.findByRole('link', { name: 'Feedback' });
    expect(link).toHaveAttribute('href', '#/feedback');
  });
});

describe('a feedback item', () => {
  const route = `/feedback/${fixtures.feedback().id}`;

  it('shows the answer and the timeline: received, assigned, handed off with its note, answered', async () => {
    openApp(route, { feedback_item: () => fixtures.feedbackView(fixtures.answeredFeedback()) });
    const answer = await screen.findByRole('region', { name: 'The agency’s answer' });
    expect(answer).toHaveTextContent('The ward sends a cleaning crew tomorrow morning.');
    const steps = within(screen.getByRole('list', { name: 'What has happened' }));
    expect(steps.getAllByRole('listitem').map((step) => step.querySelector('.step-status')?.textContent)).toEqual([
      'Received',
      'Given to the agency in charge',
      'Handed to another agency',
      'Answered',
    ]);
    expect(steps.getByText('Street cleaning belongs to the ward.')).toBeInTheDocument();
  });

  it('rates the answer with stars and a comment, and refuses a rating without stars', async () => {
    const { calls } = openApp(route, {
      feedback_item: () => fixtures.feedbackView(fixtures.answeredFeedback()),
      feedback_follow_up: () => ({ itemId: '0193f00d-0000-7000-8000-0000000000b1', sent: true }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Rate the answer' }));
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(screen.getByText('Choose from 1 to 5 stars')).toBeInTheDocument();
    expect(calls.some((call) => call.command === 'feedback_follow_up')).toBe(false);
    await userEvent.click(screen.getByRole('radio', { name: '4 stars' }));
    await userEvent.type(screen.getByLabelText('Anything to add? (optional)'), ' Quick. ');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByText('Sent.');
    expect(calls.find((call) => call.command === 'feedback_follow_up')?.args).toEqual({
      feedbackId: fixtures.feedback().id,
      action: { action: 'rating', rating: { stars: 4, comment: 'Quick.' } },
    });
  });

  it('reopens once with a reason, and not without one', async () => {
    const { calls } = openApp(route, {
      feedback_item: () => fixtures.feedbackView(fixtures.answeredFeedback()),
      feedback_follow_up: () => ({ itemId: '0193f00d-0000-7000-8000-0000000000b2', sent: false }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Reopen the feedback' }));
    const form = within(screen.getByText(/you can reopen it once/).closest('form') as HTMLElement);
    await userEvent.click(form.getByRole('button', { name: 'Reopen the feedback' }));
    expect(form.getByText('Say why you reopen it')).toBeInTheDocument();
    expect(calls.some((call) => call.command === 'feedback_follow_up')).toBe(false);
    await userEvent.type(form.getByLabelText('Why is it not resolved?'), 'Still there');
    await userEvent.click(form.getByRole('button', { name: 'Reopen the feedback' }));
    await screen.findByText('Saved on this device. It will be sent when you are online.');
    expect(calls.find((call) => call.command === 'feedback_follow_up')?.args).toEqual({
      feedbackId: fixtures.feedback().id,
      action: { action: 'reopen', reopen: { reason: 'Still there' } },
    });
  });

  it('shows a rating and a reopening still in the queue as waiting to send, and offers neither form again', async () => {
    openApp(route, {
      feedback_item: () =>
        fixtures.feedbackView(fixtures.answeredFeedback({ canReopen: true }), {
          waitingToSend: [
            fixtures.queueItem({ id: '0193f00d-0000-7000-8000-0000000000c1', kind: 'feedback_rating', summary: '' }),
            fixtures.queueItem({ id: '0193f00d-0000-7000-8000-0000000000c2', kind: 'feedback_reopen', summary: '' }),
          ],
        }),
    });
    const waiting = await screen.findByRole('region', { name: 'Waiting to send' });
    expect(within(waiting).getAllByRole('listitem')).toHaveLength(2);
    expect(screen.queryByRole('button', { name: 'Rate the answer' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Reopen the feedback' })).toBeNull();
  });

  it('still offers the reopening while only a rating waits to be sent', async () => {
    openApp(route, {
      feedback_item: () =>
        fixtures.feedbackView(fixtures.answeredFeedback({ canReopen: true }), {
          waitingToSend: [fixtures.queueItem({ kind: 'feedback_rating', summary: '' })],
        }),
    });
    await screen.findByRole('region', { name: 'Waiting to send' });
    expect(screen.queryByRole('button', { name: 'Rate the answer' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Reopen the feedback' })).toBeInTheDocument();
  });

  it('offers neither rating nor reopening before an answer', async () => {
    openApp(route, { feedback_item: () => fixtures.feedbackView() });
    await screen.findByRole('heading', { name: 'Environment' });
    expect(screen.queryByRole('button', { name: 'Rate the answer' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Reopen the feedback' })).toBeNull();
  });

  it('says an item not synced yet is not on this device', async () => {
    openApp(route, { feedback_item: () => null });
    await screen.findByRole('heading', { name: 'This feedback is not on this device yet' });
  });
});
