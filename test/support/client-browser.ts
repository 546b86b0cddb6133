/** The tablet side in tests: a second, real Chromium (Debian's) driven by playwright-core. */
import { type Browser, chromium } from "playwright-core";

const CLIENT_CHROMIUM_ARGS = [
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-gpu",
  "--autoplay-policy=no-user-gesture-required",
  // Gather loopback candidates too, so a call between two processes on this box stays local.
  "--allow-loopback-in-peer-connection",
  // Plain host candidates instead of mDNS names, which the renderer's WebRTC stack cannot resolve.
  "--disable-features=WebRtcHideLocalIpsWithMdns",
];

export async function launchClient(): Promise<Browser> {
  const args = [...CLIENT_CHROMIUM_ARGS];
  if (process.getuid?.() === 0) args.push("--no-sandbox");
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", headless: true, args });
}
