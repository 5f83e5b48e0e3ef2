import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import { afterEach, beforeAll } from 'vitest';
import { SCREENS, loadScreen, type ScreenName } from '../src/routes';

// The app loads each screen's code the first time it is shown; the tests load them all first,
// so a screen appears as soon as its route is opened (tests/routes.test.ts covers the loading).
beforeAll(async () => {
  await Promise.all(Object.keys(SCREENS).map((name) => loadScreen(name as ScreenName)));
});

afterEach(() => {
  cleanup();
  clearMocks();
});
