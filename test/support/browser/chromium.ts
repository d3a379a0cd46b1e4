/**
 * A real headless Chromium for the browser tests: Debian's `chromium` package, installed here when it
 * is missing (the tests need it; nothing else in the repo does), driven through playwright-core.
 *
 * Never skips: if Chromium is missing and cannot be installed (not root, no apt, no mirror), the
 * test that asked for it fails with a message that says how to install it by hand.
 */

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.TICKFLOW_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for a closed network: without the background-networking ones Chromium keeps trying to reach
 * Google's services, and those refused connections stall start-up here.
 */
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class ChromiumUnavailableError extends Error {
  override readonly name = 'ChromiumUnavailableError';
}

/** Installs Debian's `chromium` with apt-get when {@link CHROMIUM_PATH} does not exist. */
export function ensureChromium(log: (line: string) => void = () => {}): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const hint = `install it with \`apt-get install -y chromium\` as root, or set TICKFLOW_CHROMIUM to a Chromium binary`;
  if (process.getuid?.() !== 0) {
    throw new ChromiumUnavailableError(
      `${CHROMIUM_PATH} not found and not root, so cannot install it: ${hint}`,
    );
  }
  // Wait for another apt-get (another test run) instead of failing on the dpkg lock.
  const apt = (...args: string[]) =>
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 900_000,
    });
  const install = () => apt('install', '-y', '--no-install-recommends', 'chromium');
  log(`${CHROMIUM_PATH} not found: installing Debian's chromium with apt-get`);
  try {
    install();
  } catch {
    try {
      // A fresh machine may have no package lists yet.
      apt('update');
      install();
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim().split('\n').slice(-3).join(' / ');
      throw new ChromiumUnavailableError(
        `apt-get could not install chromium (${stderr ?? String(err)}): ${hint}`,
      );
    }
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new ChromiumUnavailableError(`apt-get installed chromium but ${CHROMIUM_PATH} is missing: ${hint}`);
  }
  return CHROMIUM_PATH;
}

/** Launches headless Chromium (installing it first when needed). Close it in `afterAll`. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = ensureChromium((line) => process.stderr.write(`${line}\n`));
  return chromium.launch({ executablePath, args: LAUNCH_ARGS, timeout: 60_000 });
}
