// The feedback form's rules, checked on the device before anything is queued: what the
// resident must fill in, and how a place typed or pasted becomes a point. The core checks the
// category and the description again (and the portal everything), so these rules only spare
// the resident a round trip; each problem names the field's element and a Fluent message id.

import type { FeedbackService } from './backend/types';
import type { FeedbackInput } from './backend/views';

/** Most photos one feedback item carries (`MAX_FEEDBACK_PHOTOS` of the contract). */
export const MAX_FEEDBACK_PHOTOS = 3;

/** Longest description, in characters (`MAX_FEEDBACK_TEXT_CHARS` of the contract). */
export const MAX_FEEDBACK_TEXT = 4000;

/** Where the matter is: not said, an address with its commune-level unit, or a point. */
export type PlaceChoice = 'none' | 'address' | 'point';

export interface PickedPhoto {
  name: string;
  size: number;
  base64: string;
}

export interface FeedbackForm {
  category: string;
  description: string;
  photos: PickedPhoto[];
  place: PlaceChoice;
  provinceCode: string;
  unitCode: string;
  street: string;
  lat: string;
  long: string;
  share: boolean;
  /** One of the resident's applications, or empty. */
  applicationId: string;
}

export function emptyFeedbackForm(): FeedbackForm {
  return {
    category: '',
    description: '',
    photos: [],
    place: 'none',
    provinceCode: '',
    unitCode: '',
    street: '',
    lat: '',
    long: '',
    share: false,
    applicationId: '',
  };
}

/** One problem: the id of the element to focus and the message's Fluent id. */
export interface FormProblem {
  field: string;
  message: string;
}

/** The form's element ids, so the error summary's links land on the field. */
export const FIELD_IDS = {
  category: 'feedback-category',
  description: 'feedback-description',
  photos: 'feedback-photos',
  province: 'address-province',
  unit: 'address-unit-search',
  street: 'feedback-street',
  lat: 'feedback-lat',
  long: 'feedback-long',
} as const;

/** A coordinate typed by hand: a decimal number with a point or, as Vietnamese writes it, a
 * comma; `undefined` unless it is a number within ±`limit`. */
export function parseCoordinate(text: string, limit: number): number | undefined {
  const trimmed = text.trim().replace(',', '.');
  if (!/^[-+]?\d{1,3}(\.\d+)?$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Math.abs(value) <= limit ? value : undefined;
}

/** A point pasted from a map into one box, "16.0544, 108.2022" (or with a space or a
 * semicolon between): the two halves, or `undefined` when the text is not such a pair. */
export function splitPoint(text: string): { lat: string; long: string } | undefined {
  const match = /^\s*([-+]?\d{1,3}\.\d+)\s*[,; ]\s*([-+]?\d{1,3}\.\d+)\s*$/.exec(text);
  if (!match || match[1] === undefined || match[2] === undefined) return undefined;
  return { lat: match[1], long: match[2] };
}

/** Every problem of the form, in the order the fields appear; empty when it can be sent. */
export function checkFeedbackForm(form: FeedbackForm, services: FeedbackService[]): FormProblem[] {
  const problems: FormProblem[] = [];
  if (!services.some((service) => service.code === form.category)) {
    problems.push({ field: FIELD_IDS.category, message: 'ui-feedback-category-missing' });
  }
  const description = form.description.trim();
  if (description === '') {
    problems.push({ field: FIELD_IDS.description, message: 'ui-feedback-description-missing' });
  } else if ([...description].length > MAX_FEEDBACK_TEXT) {
    problems.push({ field: FIELD_IDS.description, message: 'ui-feedback-description-too-long' });
  }
  if (form.photos.length > MAX_FEEDBACK_PHOTOS) {
    problems.push({ field: FIELD_IDS.photos, message: 'ui-feedback-photos-too-many' });
  }
  if (form.place === 'address') {
    if (!form.provinceCode) problems.push({ field: FIELD_IDS.province, message: 'ui-address-province-missing' });
    else if (!form.unitCode) problems.push({ field: FIELD_IDS.unit, message: 'ui-address-unit-missing' });
    if (!form.street.trim()) problems.push({ field: FIELD_IDS.street, message: 'ui-address-street-missing' });
  } else if (form.place === 'point') {
    if (parseCoordinate(form.lat, 90) === undefined) {
      problems.push({ field: FIELD_IDS.lat, message: 'ui-feedback-lat-invalid' });
    }
    if (parseCoordinate(form.long, 180) === undefined) {
      problems.push({ field: FIELD_IDS.long, message: 'ui-feedback-long-invalid' });
    }
  }
  return problems;
}

/** The form as the `file_feedback` command takes it (call after `checkFeedbackForm` found
 * nothing). */
export function feedbackInput(form: FeedbackForm): FeedbackInput {
  const input: FeedbackInput = {
    category: form.category,
    description: form.description.trim(),
    photos: form.photos.map((photo) => photo.base64),
  };
  if (form.place === 'address') {
    input.place = {
      address: { provinceCode: form.provinceCode, unitCode: form.unitCode, street: form.street.trim() },
      share: form.share,
    };
  } else if (form.place === 'point') {
    const lat = parseCoordinate(form.lat, 90);
    const long = parseCoordinate(form.long, 180);
    input.place = {
      ...(lat !== undefined ? { lat } : {}),
      ...(long !== undefined ? { long } : {}),
      share: form.share,
    };
  }
  if (form.applicationId) input.applicationId = form.applicationId;
  return input;
}

/** What the list says once, after the form was sent or saved for sending. */
export const feedbackNotice = $state<{ text: string | undefined; sent: boolean }>({ text: undefined, sent: false });
