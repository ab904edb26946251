/** How the browser tests start Debian's Chromium (test/global-setup.ts, or test/e2e/harness.ts without it). */
import type { LaunchOptions } from "playwright-core";

/** Headless, no GPU, nothing fetched from the network: as every browser test drives it. */
export const CHROMIUM: LaunchOptions & { executablePath: string; timeout: number } = {
  executablePath: "/usr/bin/chromium",
  headless: true,
  timeout: 20_000,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};
