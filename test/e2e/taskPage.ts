/**
 * A page at the size the task pages are made for (1280×720), in a browser from launchChromium.
 */
import type { Page } from 'playwright-core';
import type { launchChromium } from './launchChromium.js';

export type Browser = Awaited<ReturnType<typeof launchChromium>>;

/** A new page of `browser` at 1280×720. */
export async function openPage(browser: Browser): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 720 });
  return page;
}
