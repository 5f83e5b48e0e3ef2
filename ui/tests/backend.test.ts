import { describe, expect, it, vi } from 'vitest';
import { tauriBackend, toIpcError } from '../src/lib/backend/backend';
import { COMMAND_NAMES, type CommandName, type Commands } from '../src/lib/backend/commands';
import { fakeCore } from './harness';

describe('the backend interface', () => {
  it('passes the arguments to the named command and returns its answer', async () => {
    const calls = fakeCore({ procedure: (args) => ({ id: args.id }) });
    await expect(tauriBackend.call('procedure', { id: 'passport' })).resolves.toEqual({ id: 'passport' });
    expect(calls.at(-1)).toEqual({ command: 'procedure', args: { id: 'passport' } });
  });

  it('rejects with the one error shape, whatever the shell sent', async () => {
    fakeCore({ dashboard: () => Promise.reject('panicked') });
    await expect(tauriBackend.call('dashboard')).rejects.toEqual({ code: 'unknown', message: 'panicked', fields: [] });
    expect(toIpcError({ code: 'offline', coreCode: 'network', message: 'no route' })).toEqual({
      code: 'offline',
      coreCode: 'network',
      message: 'no route',
      fields: [],
    });
    expect(toIpcError({ code: 'payment_required', message: 'x' })).toEqual({ code: 'unknown', message: 'x', fields: [] });
    expect(toIpcError({ code: 'validation_failed', message: 'x', fields: ['form.a', 3] })).toEqual({
      code: 'validation_failed',
      message: 'x',
      fields: ['form.a'],
    });
  });

  it('says every error code in words of the locales', async () => {
    const { IPC_ERROR_CODES } = await import('../src/lib/backend/views');
    const { errorMessage } = await import('../src/lib/labels');
    for (const code of IPC_ERROR_CODES) {
      expect(errorMessage({ code }), code).not.toMatch(/^error-/);
    }
  });

  it('lists every command of the contract exactly once', () => {
    // A compile-time check that COMMAND_NAMES covers the `Commands` map, and a run-time one
    // that it holds no duplicates.
    const all: Record<CommandName, true> = Object.fromEntries(COMMAND_NAMES.map((name) => [name, true])) as Record<
      keyof Commands,
      true
    >;
    expect(Object.keys(all)).toHaveLength(COMMAND_NAMES.length);
    expect(new Set(COMMAND_NAMES).size).toBe(COMMAND_NAMES.length);
  });
});

describe('a screen resource', () => {
  it('keeps the newest answer when an older load finishes last', async () => {
    const { Resource } = await import('../src/lib/app.svelte');
    const answers: ((value: unknown) => void)[] = [];
    fakeCore({ queue: () => new Promise((resolve) => answers.push(resolve)) });
    const queue = new Resource('queue', () => undefined);
    const first = queue.load();
    const second = queue.load();
    await vi.waitFor(() => expect(answers).toHaveLength(2));
    answers[1]?.(['newest']);
    await second;
    answers[0]?.(['stale']);
    await first;
    expect(queue.data).toEqual(['newest']);
    expect(queue.loading).toBe(false);
  });
});
