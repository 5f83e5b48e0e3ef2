import type { SessionState, Settings } from './backend/views';

/** The text sizes the settings offer, in percent of the system's (the core refuses others). */
export const TEXT_SIZES = [100, 125, 150, 175, 200] as const;

/**
 * Applies the device's text size and contrast to the page: the root font size is the system's
 * times the chosen size (every length in the stylesheet is in rem or em, so the whole UI
 * follows), and high contrast switches the colour variables (app.css, `[data-contrast='high']`).
 */
export function applyDisplay(settings: Pick<Settings | SessionState, 'textSize' | 'highContrast'>): void {
  const root = document.documentElement;
  root.style.setProperty('--text-scale', String(settings.textSize / 100));
  // From 150% on the layout makes room for the text (app.css, `[data-text='large']`).
  if (settings.textSize >= 150) root.dataset.text = 'large';
  else delete root.dataset.text;
  if (settings.highContrast) root.dataset.contrast = 'high';
  else delete root.dataset.contrast;
}
