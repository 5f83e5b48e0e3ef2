// Picked files go to the core, which copies them into its content-addressed store; the draft
// or supplement then refers to them by their `sha256:` id.

import { attempt } from './app.svelte';

/** A picked file's content in base64, as the shell's commands take it. */
export function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/** Hands `file` to the core (`stage_attachment`). */
export async function stageFile(file: File) {
  let base64: string;
  try {
    base64 = await toBase64(file);
  } catch {
    return { ok: false as const, error: { code: 'storage' as const, message: 'the file could not be read' } };
  }
  return attempt('stage_attachment', {
    fileName: file.name,
    contentType: file.type || 'application/octet-stream',
    base64,
  });
}
