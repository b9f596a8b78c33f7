// Debian's chromium driven by playwright-core (no browser download), with a fake camera and microphone
// that need no permission prompt: the one launch every real-browser test shares (the flags are in a JSON
// file so scripts/screenshot-open.mjs launches the same browser).
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import FLAGS from './chromium-flags.json' with { type: 'json' };

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can (warned once per file). */
export function chromiumMissing(what: string): string | undefined {
  const missing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not installed (apt-get install chromium)`;
  if (missing) console.warn(`skipping ${what}: ${missing}`);
  return missing;
}

/** Chromium with the fake devices; `mediaPrompt: 'deny'` leaves out the flag that accepts the camera prompt, so it is refused. */
export async function launchChromium(options: { mediaPrompt?: 'accept' | 'deny' } = {}): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const flags = options.mediaPrompt === 'deny' ? FLAGS.filter((flag) => flag !== '--use-fake-ui-for-media-stream') : FLAGS;
  return chromium.launch({ executablePath: CHROMIUM, args: flags });
}
