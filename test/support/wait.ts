/** Polling helpers for the end-to-end tests. */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls `check` every `intervalMs` until it is true (then true) or `timeoutMs` has passed (then false). */
export async function pollUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(intervalMs);
  }
  return false;
}

/** As `pollUntil`, but fails with "timed out waiting: `what`" instead of returning false. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  if (!(await pollUntil(check, timeoutMs, 200))) throw new Error(`timed out waiting: ${what}`);
}
