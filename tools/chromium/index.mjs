// @ts-check
/**
 * Debian's Chromium, never a downloaded browser. CHROMIUM_PATH (or CHROME_PATH) overrides the path.
 * Without the background-networking flags Chromium keeps calling hosts this machine cannot reach.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? process.env.CHROME_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  '--disable-dev-shm-usage',
]);

/** Options for playwright-core's `chromium.launch()` and @web/test-runner-chrome's `launchOptions`. */
export const chromiumLaunchOptions = () => ({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
