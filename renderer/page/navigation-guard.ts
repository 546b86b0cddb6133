/**
 * The URL policy enforced inside the browser, not only at the API: every document request of
 * the page (top-level navigations, redirects, frames, meta refresh, script-driven navigation) is
 * paused through CDP Fetch and continued only if the policy allows it. Requests of any kind to the
 * appliance's own origins are paused too, so a page can load the built-in pages but never reach
 * the API. Only those requests pass through here: subresources of other sites are not slowed.
 */
import type { CDPSession } from "playwright-core";
import type { ChannelEvent } from "../../protocol/index.js";
import type { Logger } from "../log.js";

interface RequestPaused {
  requestId: string;
  request: { url: string };
  resourceType: string;
}

export interface NavigationGuardOptions {
  cdp: CDPSession;
  /** null when the URL may be opened, else the reason it may not. */
  checkUrl: (url: string) => Promise<string | null>;
  /** Origins of the appliance itself (every address it listens on). */
  selfOrigins: string[];
  emit: (event: ChannelEvent) => void;
  log: Logger;
}

export class NavigationGuard {
  private readonly onPaused = (event: RequestPaused) => void this.decide(event);

  constructor(private readonly options: NavigationGuardOptions) {}

  async start(): Promise<void> {
    const { cdp, selfOrigins } = this.options;
    cdp.on("Fetch.requestPaused", this.onPaused);
    await cdp.send("Fetch.enable", {
      patterns: [
        { urlPattern: "*", resourceType: "Document", requestStage: "Request" },
        ...selfOrigins.map((origin) => ({ urlPattern: `${origin}/*`, requestStage: "Request" as const })),
      ],
    });
  }

  private async decide(event: RequestPaused): Promise<void> {
    const { cdp, checkUrl, log } = this.options;
    const url = event.request.url;
    const reason = await checkUrl(url);
    try {
      if (reason === null) {
        await cdp.send("Fetch.continueRequest", { requestId: event.requestId });
        return;
      }
      await cdp.send("Fetch.failRequest", { requestId: event.requestId, errorReason: "BlockedByClient" });
      log.info({ url: url.slice(0, 300), resourceType: event.resourceType, reason }, "request blocked by the URL policy");
      if (event.resourceType === "Document") {
        this.options.emit({ type: "notice", code: "url_not_allowed", message: `Not allowed on this kiosk: ${url.slice(0, 200)}` });
      }
    } catch (err) {
      // The page navigated away or closed while we decided: nothing left to answer.
      log.debug({ err: String(err) }, "paused request already gone");
    }
  }

  close(): void {
    this.options.cdp.off("Fetch.requestPaused", this.onPaused);
  }
}
