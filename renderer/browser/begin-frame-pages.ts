/**
 * Pages under begin-frame control. In a browser launched with `--enable-begin-frame-control`, a
 * page draws only when asked (`HeadlessExperimental.beginFrame`) and only if its target was
 * created with `enableBeginFrameControl`, which Playwright's `newPage` never passes: the target is
 * created over the browser's CDP session and Playwright, which auto-attaches to every target of
 * its contexts, hands it over as an ordinary Page (navigation, input, the navigation guard's
 * browser-wide Fetch interception all work as for any page).
 *
 * Which contexts need such pages is remembered here, keyed by Playwright's own objects, because
 * the page is reopened (after a crash) by code that holds only the context: a page made there
 * with Playwright's `newPage` would never draw.
 */
import type { BrowserContext, CDPSession, Page } from "playwright-core";

/** How long Playwright may take to hand over the page it attached to. */
const PAGE_HANDOVER_TIMEOUT_MS = 15_000;

const contextIds = new WeakMap<BrowserContext, { browserCdp: CDPSession; browserContextId: string }>();
const controlledPages = new WeakSet<Page>();

/** Marks a context as one whose pages must be created under begin-frame control. */
export function registerBeginFrameContext(context: BrowserContext, browserCdp: CDPSession, browserContextId: string): void {
  contextIds.set(context, { browserCdp, browserContextId });
}

/** Whether the page draws only when a begin-frame asks (so screencast would show nothing). */
export function drawsOnBeginFrame(page: Page): boolean {
  return controlledPages.has(page);
}

/** A new page in `context`, made the way that context's browser makes pages. */
export async function openPage(context: BrowserContext): Promise<Page> {
  const ids = contextIds.get(context);
  if (!ids) return context.newPage();
  const handover = context.waitForEvent("page", { timeout: PAGE_HANDOVER_TIMEOUT_MS });
  handover.catch(() => {});
  const { targetId } = await ids.browserCdp.send("Target.createTarget", {
    url: "about:blank",
    browserContextId: ids.browserContextId,
    enableBeginFrameControl: true,
  });
  const page = await handover;
  // A window.open() from a kiosk page could race the handover; the created target is the one.
  if (!(await isTarget(context, page, targetId))) {
    await page.close().catch(() => {});
    throw new Error("begin-frame page handover picked another page");
  }
  controlledPages.add(page);
  return page;
}

async function isTarget(context: BrowserContext, page: Page, targetId: string): Promise<boolean> {
  const cdp = await context.newCDPSession(page);
  try {
    const info = (await cdp.send("Target.getTargetInfo")) as { targetInfo: { targetId: string } };
    return info.targetInfo.targetId === targetId;
  } finally {
    await cdp.detach().catch(() => {});
  }
}
