/**
 * Debian's chromium through playwright-core, as every browser test launches it: headless, no
 * sandbox (root in CI), no GPU, nothing fetched in the background, a fresh profile removed on close.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export interface LaunchedChromium {
  context: BrowserContext;
  /** Close the browser and remove its profile. */
  close(): Promise<void>;
}

/** Launch chromium with the house flags plus `extraArgs`, at `viewport`. */
export async function launchChromium(viewport: { width: number; height: number }, extraArgs: string[] = []): Promise<LaunchedChromium> {
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(join(tmpdir(), 'brain-rnn-chromium-'));
  // Playwright refuses --user-data-dir in args: a persistent context takes the directory instead.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
    viewport,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
