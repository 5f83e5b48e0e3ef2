// What every page of a signed-in console shares: the API handle, the catalog (field labels,
// procedure names), the commune-level units, the feedback services (category names), and who is
// signed in. Loaded once per sign-in.

import { OfficerApi } from './api';
import { token } from './session.svelte';
import { localized } from './i18n.svelte';
import type { AdminUnit, FeedbackService, OfficerSelf, Procedure } from './types';

export const api = new OfficerApi(token);

export const shared = $state<{
  procedures: Procedure[];
  units: AdminUnit[];
  services: FeedbackService[];
  me: OfficerSelf | null;
}>({ procedures: [], units: [], services: [], me: null });

let loaded: Promise<void> | null = null;

/** Loads the catalog, the units and the officer's own record; a part that fails stays empty
 * (the pages still work, with codes instead of names). */
export function loadShared(): Promise<void> {
  loaded ??= (async () => {
    const [catalog, units, services, me] = await Promise.allSettled([
      api.catalog(),
      api.adminUnits(),
      api.feedbackServices(),
      api.me(),
    ]);
    if (catalog.status === 'fulfilled') shared.procedures = catalog.value.items;
    if (units.status === 'fulfilled') shared.units = units.value.units;
    if (services.status === 'fulfilled') shared.services = services.value.services;
    if (me.status === 'fulfilled') shared.me = me.value;
  })();
  return loaded;
}

export function forgetShared(): void {
  loaded = null;
  shared.me = null;
}

export function procedureById(id: string): Procedure | undefined {
  return shared.procedures.find((procedure) => procedure.id === id);
}

export function unitName(code: string | undefined): string {
  if (!code) return '';
  return shared.units.find((unit) => unit.code === code)?.name ?? code;
}

/** The procedures the officer's scope covers, else every procedure of the catalog. */
export function procedureChoices(): Procedure[] {
  const scope = shared.me?.procedures;
  if (!scope || scope.length === 0) return shared.procedures;
  return shared.procedures.filter((procedure) => scope.includes(procedure.id));
}

/** A feedback service's name in the officer's language, else its code. */
export function serviceName(code: string): string {
  const service = shared.services.find((item) => item.code === code);
  return service ? localized(service.name) : code;
}
