/**
 * The URL policy for documents, enforced inside the browser for every target at once: CDP Fetch
 * enabled on the BROWSER's own CDP session intercepts in the network service, so a popup's first
 * request (`<form target=_blank method=POST>`), a frame, a worker or a service worker is paused
 * before it leaves, not after the renderer got round to attaching to the new target.
 *
 * Paused and checked: every document request (navigations, redirects, frames, meta refresh,
 * popups) and any request to the appliance's own origins (a page may load its built-in pages,
 * never its API). Subresources of other sites are not paused here: the egress proxy holds every
 * connection to the policy by resolved address, WebSockets included, without a round trip
 * through CDP for each image.
 */
import type { CDPSession } from "playwright-core";
import type { Logger } from "../log.js";

interface RequestPaused {
  requestId: string;
  request: { url: string; method: string };
  resourceType: string;
  frameId?: string;
}

export interface RequestPolicy {
  /** null when the document may be opened, else the reason it may not. */
  checkUrl: (url: string) => Promise<string | null>;
  /** Origins of the appliance itself (every address it listens on). */
  selfOrigins: string[];
}

/** A document the policy refused, for the session whose page (main frame) it was. */
export interface BlockedDocument {
  frameId: string;
  url: string;
  reason: string;
}

const MAX_LOGGED_URL = 300;
const DETACH_TIMEOUT_MS = 1_000;

export class NavigationGuard {
  private readonly onPaused = (event: RequestPaused) => void this.decide(event);
  private closed = false;

  constructor(
    private readonly cdp: CDPSession,
    private readonly policy: RequestPolicy,
    private readonly log: Logger,
    private readonly onBlocked: (blocked: BlockedDocument) => void,
  ) {}

  async start(): Promise<void> {
    this.cdp.on("Fetch.requestPaused", this.onPaused);
    await this.cdp.send("Fetch.enable", {
      patterns: [
        { urlPattern: "*", resourceType: "Document", requestStage: "Request" },
        ...this.policy.selfOrigins.map((origin) => ({ urlPattern: `${origin}/*`, requestStage: "Request" as const })),
      ],
    });
  }

  private async decide(event: RequestPaused): Promise<void> {
    const url = event.request.url;
    const refused = await this.policy.checkUrl(url).catch((err: unknown) => `the policy check failed: ${String(err)}`);
    try {
      if (refused === null) {
        await this.cdp.send("Fetch.continueRequest", { requestId: event.requestId });
        return;
      }
      await this.cdp.send("Fetch.failRequest", { requestId: event.requestId, errorReason: "BlockedByClient" });
      this.log.info(
        { url: url.slice(0, MAX_LOGGED_URL), resourceType: event.resourceType, reason: refused },
        "request blocked by the URL policy",
      );
      if (event.resourceType === "Document" && event.frameId) this.onBlocked({ frameId: event.frameId, url, reason: refused });
    } catch (err) {
      // The target navigated away or closed while we decided: nothing left to answer.
      if (!this.closed) this.log.debug({ err: String(err) }, "paused request already gone");
    }
  }

  /** Detaches its CDP session: a Fetch domain left enabled without a listener would stall every document. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cdp.off("Fetch.requestPaused", this.onPaused);
    // A browser that died answers nothing: give the detach a moment, not forever.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.cdp.detach().catch(() => {}),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, DETACH_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
  }
}
