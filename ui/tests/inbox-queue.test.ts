import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { QueueItem } from '../src/lib/backend/views';
import * as fixtures from './fixtures';
import { coreChanged, openApp } from './harness';
import { errorMessage } from '../src/lib/labels';

describe('inbox', () => {
  it('opens a message, marks it read and links to its application', async () => {
    const read: unknown[] = [];
    openApp('/inbox', {
      inbox: () => [fixtures.inboxEntry],
      mark_read: (args) => {
        read.push(args.id);
        return null;
      },
    });
    const user = userEvent.setup();
    expect(await screen.findByText('New')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /Your result is ready/ }));
    expect(screen.getByText('The result will be sent by post.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open the application' })).toHaveAttribute(
      'href',
      `#/applications/${fixtures.inboxEntry.item.applicationId}`,
    );
    await waitFor(() => expect(read).toEqual([fixtures.inboxEntry.item.id]));
    await waitFor(() => expect(screen.queryByText('New')).toBeNull());
  });

  it('shows a message with markup in it as text', async () => {
    openApp('/inbox', {
      inbox: () => [{ ...fixtures.inboxEntry, item: { ...fixtures.inboxEntry.item, title: { vi: fixtures.XSS, en: fixtures.XSS } } }],
    });
    expect(await screen.findByText(fixtures.XSS)).toBeInTheDocument();
    expect(document.querySelector('main img')).toBeNull();
  });
});

describe('sending queue', () => {
  const attention = fixtures.queueItem({
    id: 'q-attention',
    state: 'needs_attention',
    attempts: 1,
    problem: { code: 'validation_failed', message: 'form.idNumber must be 12 digits', fields: ['form.idNumber'] },
  });
  const sending = fixtures.queueItem({ id: 'q-sending', kind: 'attachment', state: 'sending', summary: 'photo.jpg', progress: { sent: 512 * 1024, total: 2 * 1024 * 1024 } });

  it('shows each item’s state, upload progress and what to fix', async () => {
    openApp('/queue', { queue: () => [attention, sending] });
    const fix = await screen.findByText('What to fix');
    const card = fix.closest('li') as HTMLElement;
    expect(within(card).getByText('Needs your attention')).toBeInTheDocument();
    expect(within(card).getByText(errorMessage({ code: 'validation_failed' }))).toBeInTheDocument();
    expect(within(card).getByText('form.idNumber')).toBeInTheDocument();
    const progress = screen.getByRole('progressbar');
    expect(progress).toHaveAttribute('value', '25');
    expect(screen.getByText(/512 KB of 2 MB sent/)).toBeInTheDocument();
  });

  it('retries an item', async () => {
    const retried: unknown[] = [];
    openApp('/queue', {
      queue: () => [attention],
      queue_retry: (args) => {
        retried.push(args.id);
        return { ...attention, state: 'queued' } satisfies QueueItem;
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Try again now' }));
    await waitFor(() => expect(retried).toEqual(['q-attention']));
  });

  it('discards an item only after the person confirms', async () => {
    let items = [attention];
    const discarded: unknown[] = [];
    openApp('/queue', {
      queue: () => items,
      queue_discard: (args) => {
        discarded.push(args.id);
        items = [];
        return { discarded: true };
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Discard' }));
    expect(discarded).toEqual([]);
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveTextContent('It will not be sent');
    await user.click(within(dialog).getByRole('button', { name: 'Discard' }));
    expect(await screen.findByText('Everything has been sent.')).toBeInTheDocument();
    expect(discarded).toEqual(['q-attention']);
  });

  it('says which application exists when a discarded item had reached the portal', async () => {
    let items = [attention];
    openApp('/queue', {
      queue: () => items,
      queue_discard: () => {
        items = [];
        return { discarded: false, applicationCode: 'H17.26-000123' };
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Discard' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Discard' }));
    expect(await screen.findByText(/application H17.26-000123 exists/)).toBeInTheDocument();
  });

  it('says an item whose answer was lost must be sent once before it can be discarded', async () => {
    openApp('/queue', {
      queue: () => [attention],
      queue_discard: () => {
        return Promise.reject({ code: 'discard_needs_send', message: 'core message' });
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Discard' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Discard' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/must be sent once more before it can be discarded/);
  });

  it('asks to sign in again when sending is paused', async () => {
    openApp('/queue', { queue: () => [fixtures.queueItem({ state: 'paused_auth' })] });
    expect(await screen.findByText(/Sending is paused because your sign-in has ended/)).toBeInTheDocument();
  });

  it('follows the queue as the core reports changes', async () => {
    let items: QueueItem[] = [fixtures.queueItem()];
    openApp('/queue', { queue: () => items });
    expect(await screen.findByText('Waiting')).toBeInTheDocument();
    items = [fixtures.queueItem({ state: 'sent' })];
    await coreChanged('queue');
    expect(await screen.findByText('Everything has been sent.')).toBeInTheDocument();
  });
});
