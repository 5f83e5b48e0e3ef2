import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import { afterEach, beforeAll } from 'vitest';
import { LANGUAGES, loadLanguage } from '../src/lib/i18n.svelte';
import { SCREENS, loadScreen, type ScreenName } from '../src/routes';

// The app loads each screen's code, and each language but Vietnamese, the first time it is
// needed; the tests load them all first, so a screen appears as soon as its route is opened
// and a language switch shows at once (tests/routes.test.ts and tests/i18n.test.ts cover the
// loading itself).
beforeAll(async () => {
  await Promise.all([
    ...Object.keys(SCREENS).map((name) => loadScreen(name as ScreenName)),
    ...LANGUAGES.map((lang) => loadLanguage(lang)),
  ]);
});

afterEach(() => {
  cleanup();
  clearMocks();
});
