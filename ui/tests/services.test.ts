import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Procedure } from '../src/lib/backend/types';
import * as fixtures from './fixtures';
import { fails, openApp } from './harness';
import { errorMessage } from '../src/lib/labels';

const passport: Procedure = {
  ...fixtures.procedure,
  id: 'passport',
  name: { vi: 'Cấp hộ chiếu phổ thông', en: 'Get a passport' },
};

describe('services', () => {
  it('searches as the person types and shows the core’s matches', async () => {
    const queries: string[] = [];
    openApp('/services', {
      catalog: () => ({ version: '1', items: [fixtures.procedure, passport] }),
      search_catalog: (args) => {
        queries.push(args.query as string);
        return (args.query as string).startsWith('cap doi') ? [fixtures.procedure] : [];
      },
    });
    const user = userEvent.setup();
    expect(await screen.findByText('2 services')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Search for a service'), 'cap doi');
    expect(await screen.findByText('1 service found')).toBeInTheDocument();
    expect(screen.queryByText('Get a passport')).toBeNull();
    expect(queries.at(-1)).toBe('cap doi');
    await user.clear(screen.getByLabelText('Search for a service'));
    await user.type(screen.getByLabelText('Search for a service'), 'xyz');
    expect(await screen.findByText('No service matches. Try other words.')).toBeInTheDocument();
  });

  it('keeps only the answer to the latest query when answers arrive out of order', async () => {
    const pending: Record<string, (value: Procedure[]) => void> = {};
    openApp('/services', {
      catalog: () => ({ version: '1', items: [fixtures.procedure, passport] }),
      search_catalog: (args) => new Promise((resolve) => (pending[args.query as string] = resolve)),
    });
    const user = userEvent.setup();
    await screen.findByText('2 services');
    await user.type(screen.getByLabelText('Search for a service'), 'ho');
    await waitFor(() => expect(Object.keys(pending)).toContain('ho'));
    pending['ho']?.([passport]);
    pending['h']?.([fixtures.procedure, passport]);
    expect(await screen.findByText('1 service found')).toBeInTheDocument();
    expect(screen.getByText('Get a passport')).toBeInTheDocument();
  });

  it('says when searching failed', async () => {
    openApp('/services', { catalog: () => ({ version: '1', items: [fixtures.procedure] }), search_catalog: fails('storage') });
    const user = userEvent.setup();
    await screen.findByText('1 service');
    await user.type(screen.getByLabelText('Search for a service'), 'a');
    expect(await screen.findByRole('alert')).toHaveTextContent('This device could not save the data');
  });
});

describe('procedure page', () => {
  it('shows the documents needed, the fees, the time online and in person, and the delivery options', async () => {
    openApp('/services/id-card-renewal', {
      procedure: () => ({ ...fixtures.procedure, feeCases: [{ id: 'renewal', label: { vi: 'Lệ phí', en: 'Fee' }, amount: 50000, onlineAmount: 25000, illustrative: false }] }),
    });
    expect(await screen.findByRole('heading', { name: 'Renew a citizen ID card' })).toBeInTheDocument();
    expect(screen.getByText('Time if you apply online').closest('div')).toHaveTextContent('4 working days');
    expect(screen.getByText('Time at the counter').closest('div')).toHaveTextContent('7 working days');
    expect(screen.getByText(/online$/, { selector: 'span' })).toHaveTextContent(/25[.,\s]?000/);
    expect(screen.getByText(/Your current ID card/)).toBeInTheDocument();
    expect(screen.getByText(/Inside the city .*20[.,\s]?000.*Elsewhere in Vietnam .*30[.,\s]?000/)).toBeInTheDocument();
    expect(screen.getByText(/the city pays 50%/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Apply online' })).toHaveAttribute('href', '#/apply/id-card-renewal');
  });

  it('shows a procedure name with markup in it as text', async () => {
    openApp('/services/id-card-renewal', {
      procedure: () => ({ ...fixtures.procedure, name: { vi: fixtures.XSS, en: fixtures.XSS, id: fixtures.XSS } }),
    });
    expect(await screen.findByRole('heading', { name: fixtures.XSS })).toBeInTheDocument();
    expect(document.querySelector('main img')).toBeNull();
  });

  it('says the procedure is unknown when the core does not have it', async () => {
    openApp('/services/nothing', { procedure: fails('not_found') });
    await waitFor(() => expect(screen.getByText(errorMessage({ code: 'not_found' }))).toBeInTheDocument());
  });
});

describe('browsing the catalog', () => {
  it('groups the services by field, known fields first and the rest under other services', async () => {
    openApp('/services', {
      catalog: () => ({
        version: '1',
        items: [
          { ...fixtures.procedure, id: 'birth', sector: 'civil_status', name: { vi: 'Đăng ký khai sinh', en: 'Register a birth' } },
          { ...fixtures.procedure, id: 'odd', sector: 'fisheries', name: { vi: 'Cấp phép khai thác thủy sản', en: 'Fishing licence' } },
          fixtures.procedure,
        ],
      }),
    });
    await screen.findByText('3 services');
    const headings = screen.getAllByRole('heading', { level: 2 }).map((heading) => heading.textContent);
    expect(headings).toEqual(['Identity papers', 'Births, marriages and deaths', 'Other services']);
  });
});
