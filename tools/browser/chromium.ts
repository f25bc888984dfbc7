import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { runInstallScript } from '../scripts/install-script.js';

/**
 * Flags for a quiet, hermetic headless Chromium: no sandbox (root in CI), no GPU, no calls home
 * (QUIC, first-run, background networking, component updates, sync).
 */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** Debian's chromium (installed by tools/browser/install.sh when missing), or CHROMIUM_PATH. */
export function chromiumPath(): string {
  return runInstallScript(join(dirname(fileURLToPath(import.meta.url)), 'install.sh'));
}

export interface HeadlessBrowser {
  context: BrowserContext;
  page: Page;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

/** A real headless Chromium driven by playwright-core, with a fresh profile (user data dir). */
export async function launchChromium(viewport = { width: 1400, height: 1000 }): Promise<HeadlessBrowser> {
  const executablePath = chromiumPath();
  const userDataDir = await mkdtemp(join(tmpdir(), 'lagscale-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args: [...CHROMIUM_FLAGS], viewport, timeout: 60_000 });
    const page = context.pages()[0] ?? (await context.newPage());
    let closing: Promise<void> | undefined;
    return {
      context,
      page,
      close: () => {
        closing ??= context.close().finally(() => rm(userDataDir, { recursive: true, force: true }));
        return closing;
      },
    };
  } catch (err) {
    await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }
}
