/**
 * What the screencast cannot show, bridged to the tablet: focus of editable fields (soft
 * keyboard), <select> pickers, JS dialogs, popups kept in the one page, refused file pickers and
 * downloads, and the page's navigation state for the viewer's navigation bar.
 */
import type { BrowserContext, CDPSession, Dialog, Download, Frame, Page, Request } from "playwright-core";
import type { ChannelEvent, DialogEvent, FocusEvent, PageEvent, SelectOption } from "../../protocol/index.js";
import type { Logger } from "../log.js";
import { AGENT_SCRIPT, ANSWER_SELECT_FUNCTION, FOCUS_BINDING, SELECT_BINDING } from "./agent-script.js";

/** How long a popup may take to reveal its URL before it is dropped. */
const POPUP_URL_TIMEOUT_MS = 5_000;
const NAVIGATION_TIMEOUT_MS = 20_000;
const MAX_PENDING_SELECTS = 20;

export interface PageBridgeOptions {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  log: Logger;
  /** Sends an event to every viewer of the session. */
  emit: (event: ChannelEvent) => void;
  /** null when the URL may be opened, else the reason it may not. */
  checkUrl: (url: string) => Promise<string | null>;
  homeUrl: string;
}

let nextDialogId = 1;

export class PageBridge {
  private focus: FocusEvent = { type: "focus", editable: false };
  private readonly dialogs = new Map<string, { dialog: Dialog; event: DialogEvent }>();
  private readonly selectFrames = new Map<string, Frame>();
  private state: PageEvent;
  /** Set when each page event arrives, so the order of events decides it, not the order reads finish. */
  private loading = true;
  /** Bumped by every page event; a state read that finishes after a newer event is dropped. */
  private stateSeq = 0;
  private closed = false;
  private readonly onContextPage = (popup: Page) => void this.onPopup(popup);
  private readonly onPageDialog = (dialog: Dialog) => this.onDialog(dialog);
  private readonly onFileChooser = () =>
    this.options.emit({ type: "notice", code: "file_chooser_refused", message: "Choosing files is not available on this kiosk." });
  private readonly onDownload = (download: Download) => {
    void download.cancel().catch(() => {});
    this.options.emit({
      type: "notice",
      code: "download_refused",
      message: `Downloads are not available on this kiosk (${download.suggestedFilename()}).`,
    });
  };
  private readonly onRequest = (request: Request) => {
    if (request.isNavigationRequest() && request.frame() === this.page.mainFrame()) this.setLoading(true);
  };
  // Loading starts with a main-frame navigation request and ends with load. framenavigated only
  // refreshes URL and history: it also fires for same-document navigations (a router setting the
  // hash after load), which are followed by no load and would leave the bar running.
  private readonly onFrameNavigated = (frame: Frame) => {
    if (frame === this.page.mainFrame()) void this.refreshState();
  };
  private readonly onLoad = () => {
    this.loading = false;
    void this.refreshState();
  };
  private readonly page: Page;

  constructor(private readonly options: PageBridgeOptions) {
    this.page = options.page;
    this.state = { type: "page", url: "", title: "", loading: true, canGoBack: false, canGoForward: false };
  }

  async start(): Promise<void> {
    const { context, page } = this.options;
    // Per page, not per context: a crashed page is replaced by a new one in the same context.
    await page.exposeBinding(FOCUS_BINDING, (_source, payload: unknown) => this.onFocus(payload));
    await page.exposeBinding(SELECT_BINDING, (source, payload: unknown) => this.onSelect(source.frame, payload));
    await page.addInitScript({ content: AGENT_SCRIPT });
    page.on("dialog", this.onPageDialog);
    context.on("page", this.onContextPage);
    page.on("filechooser", this.onFileChooser);
    page.on("download", this.onDownload);
    page.on("request", this.onRequest);
    page.on("framenavigated", this.onFrameNavigated);
    page.on("load", this.onLoad);
    // A crash is the session's to handle: it reopens the page and tells the viewers once.
  }

  /** Events a newly joined viewer needs to see the page as it is. */
  snapshot(): ChannelEvent[] {
    const events: ChannelEvent[] = [this.state];
    if (this.focus.editable) events.push(this.focus);
    for (const { event } of this.dialogs.values()) events.push(event);
    return events;
  }

  private onFocus(payload: unknown): void {
    if (this.closed || typeof payload !== "object" || payload === null) return;
    const p = payload as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === "string" && v.length <= 32 ? v : undefined);
    const focus: FocusEvent = { type: "focus", editable: p.editable === true };
    if (focus.editable) {
      const inputType = text(p.inputType);
      const inputMode = text(p.inputMode);
      const enterKeyHint = text(p.enterKeyHint);
      if (inputType) focus.inputType = inputType;
      if (inputMode) focus.inputMode = inputMode;
      if (enterKeyHint) focus.enterKeyHint = enterKeyHint;
    }
    this.focus = focus;
    this.options.emit(focus);
  }

  private onSelect(frame: Frame, payload: unknown): void {
    if (this.closed || typeof payload !== "object" || payload === null) return;
    const p = payload as Record<string, unknown>;
    if (typeof p.id !== "string" || !/^s\d{1,9}$/.test(p.id) || !Array.isArray(p.options)) return;
    const id = `${this.frameKey(frame)}-${p.id}`;
    const options: SelectOption[] = p.options.slice(0, 1000).map((o: Record<string, unknown>) => {
      const option: SelectOption = {
        // The agent sends string labels; anything else came from the page itself and is dropped.
        label: typeof o?.label === "string" ? o.label.slice(0, 200) : "",
        selected: o?.selected === true,
        disabled: o?.disabled === true,
      };
      if (typeof o?.group === "string") option.group = o.group.slice(0, 200);
      return option;
    });
    this.selectFrames.set(id, frame);
    if (this.selectFrames.size > MAX_PENDING_SELECTS) this.selectFrames.delete(this.selectFrames.keys().next().value!);
    this.options.emit({ type: "select-open", id, multiple: p.multiple === true, options });
  }

  private frameIds = new WeakMap<Frame, number>();
  private nextFrameId = 1;
  private frameKey(frame: Frame): string {
    let id = this.frameIds.get(frame);
    if (id === undefined) this.frameIds.set(frame, (id = this.nextFrameId++));
    return `f${id}`;
  }

  async answerSelect(id: string, indexes: number[] | null): Promise<void> {
    const frame = this.selectFrames.get(id);
    this.selectFrames.delete(id);
    if (!frame || frame.isDetached()) return;
    const localId = id.slice(id.indexOf("-") + 1);
    // Runs in the page; the renderer has no DOM types, so the page's global is reached untyped.
    await frame
      .evaluate(([fn, sid, idx]) => (globalThis as unknown as Record<string, (a: string, b: number[] | null) => boolean>)[fn]!(sid, idx), [
        ANSWER_SELECT_FUNCTION,
        localId,
        indexes,
      ] as [string, string, number[] | null])
      .catch((err: unknown) => this.options.log.debug({ err: String(err) }, "select answer not applied"));
  }

  private onDialog(dialog: Dialog): void {
    if (this.closed) {
      void dialog.dismiss().catch(() => {});
      return;
    }
    const id = `d${nextDialogId++}`;
    const kind = dialog.type() as DialogEvent["kind"];
    const event: DialogEvent = { type: "dialog", id, kind, message: dialog.message().slice(0, 2000) };
    if (kind === "prompt") event.defaultValue = dialog.defaultValue().slice(0, 2000);
    this.dialogs.set(id, { dialog, event });
    this.options.emit(event);
  }

  async answerDialog(id: string, accept: boolean, text?: string): Promise<void> {
    const pending = this.dialogs.get(id);
    if (!pending) return;
    this.dialogs.delete(id);
    try {
      if (accept) await pending.dialog.accept(text);
      else await pending.dialog.dismiss();
    } catch (err) {
      this.options.log.debug({ err: String(err) }, "dialog already gone");
    }
  }

  /** window.open and target=_blank stay in the one page the tablet sees, subject to the URL policy. */
  private async onPopup(popup: Page): Promise<void> {
    if (this.closed || popup === this.page) return;
    let url = popup.url();
    if (!url || url === "about:blank") {
      url = await popup
        .waitForURL((u) => u.href !== "about:blank", { timeout: POPUP_URL_TIMEOUT_MS, waitUntil: "commit" })
        .then(() => popup.url())
        .catch(() => "");
    }
    await popup.close().catch(() => {});
    if (this.closed || !url || url === "about:blank") return;
    const reason = await this.options.checkUrl(url);
    if (reason) {
      this.options.emit({ type: "notice", code: "url_not_allowed", message: `Not allowed: ${url} (${reason})` });
      return;
    }
    this.options.emit({ type: "notice", code: "popup_opened_here", message: `Opened ${url} in this window.` });
    await this.page
      .goto(url, { waitUntil: "commit", timeout: NAVIGATION_TIMEOUT_MS })
      .catch((err: unknown) => this.options.log.warn({ err: String(err) }, "popup navigation failed"));
  }

  async navigate(action: "back" | "forward" | "reload" | "home"): Promise<void> {
    const opts = { waitUntil: "commit" as const, timeout: NAVIGATION_TIMEOUT_MS };
    try {
      if (action === "back") await this.page.goBack(opts);
      else if (action === "forward") await this.page.goForward(opts);
      else if (action === "reload") await this.page.reload(opts);
      else await this.page.goto(this.options.homeUrl, opts);
    } catch (err) {
      this.options.log.info({ err: String(err), action }, "navigation did not complete");
    }
  }

  private setLoading(loading: boolean): void {
    this.loading = loading;
    this.stateSeq++;
    if (this.state.loading === loading) return;
    this.state = { ...this.state, loading };
    this.options.emit(this.state);
  }

  private async refreshState(): Promise<void> {
    if (this.closed) return;
    const seq = ++this.stateSeq;
    try {
      const history = (await this.options.cdp.send("Page.getNavigationHistory")) as { currentIndex: number; entries: unknown[] };
      const title = await this.page.title().catch(() => "");
      // A newer event started its own read, which will emit the state as of that event.
      if (this.closed || seq !== this.stateSeq) return;
      this.state = {
        type: "page",
        url: this.page.url(),
        title: title.slice(0, 300),
        loading: this.loading,
        canGoBack: history.currentIndex > 0,
        canGoForward: history.currentIndex < history.entries.length - 1,
      };
      this.options.emit(this.state);
    } catch {
      // the page is closing or navigating again; the next event refreshes the state
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const { context, page } = this.options;
    context.off("page", this.onContextPage);
    page.off("dialog", this.onPageDialog);
    page.off("filechooser", this.onFileChooser);
    page.off("download", this.onDownload);
    page.off("request", this.onRequest);
    page.off("framenavigated", this.onFrameNavigated);
    page.off("load", this.onLoad);
    for (const { dialog } of this.dialogs.values()) void dialog.dismiss().catch(() => {});
    this.dialogs.clear();
    this.selectFrames.clear();
  }
}
