/**
 * A page driven over raw CDP (the DevTools protocol as Chromium 65 spoke it), for browsers too
 * old for Playwright: navigate, evaluate, and real input events (touch, mouse, text) dispatched
 * into the browser as a tablet's own would be.
 */
import WebSocket from "ws";
import { pollUntil } from "./wait.js";

const CALL_TIMEOUT_MS = 30_000;

interface CdpReply {
  id?: number;
  result?: Record<string, unknown>;
  error?: { message: string };
  method?: string;
  params?: Record<string, unknown>;
}

export class CdpPage {
  /** Uncaught exceptions in the page, as Chromium describes them. */
  readonly exceptions: string[] = [];
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data: Buffer) => {
      const message = JSON.parse(data.toString()) as CdpReply;
      if (message.id !== undefined) {
        const call = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) call?.reject(new Error(message.error.message));
        else call?.resolve(message.result ?? {});
      } else if (message.method === "Runtime.exceptionThrown") {
        const details = message.params?.exceptionDetails as { text?: string; exception?: { description?: string } } | undefined;
        this.exceptions.push(details?.exception?.description ?? details?.text ?? "exception");
      }
    });
    socket.on("close", () => {
      for (const call of this.pending.values()) call.reject(new Error("CDP connection closed"));
      this.pending.clear();
    });
  }

  /** Attaches to the first page target of the browser at `endpoint` (http://host:port). */
  static async connect(endpoint: string): Promise<CdpPage> {
    // The DevTools port answers a moment before the first tab exists.
    let target: { type: string; webSocketDebuggerUrl: string } | undefined;
    await pollUntil(async () => {
      const targets = (await (await fetch(`${endpoint}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
      target = targets.find((t) => t.type === "page");
      return !!target;
    }, CALL_TIMEOUT_MS);
    if (!target) throw new Error(`no page target at ${endpoint}`);
    const socket = new WebSocket(target.webSocketDebuggerUrl, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    const page = new CdpPage(socket);
    await page.send("Runtime.enable");
    await page.send("Page.enable");
    return page;
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`CDP ${method} timed out`));
      }, CALL_TIMEOUT_MS);
      this.pending.set(id, {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async navigate(url: string): Promise<void> {
    this.exceptions.length = 0;
    await this.send("Page.navigate", { url });
  }

  /** Evaluates an expression (ES5 or what the browser parses) and returns its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const reply = (await this.send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true })) as {
      result?: { value?: T };
      exceptionDetails?: { text?: string; exception?: { description?: string } };
    };
    if (reply.exceptionDetails)
      throw new Error(`evaluate: ${reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text}`);
    return reply.result?.value as T;
  }

  /** A finger tap at client point (x, y), as a touch screen sends it. */
  async tap(x: number, y: number): Promise<void> {
    const point = { x: Math.round(x), y: Math.round(y), id: 1, radiusX: 4, radiusY: 4, force: 1 };
    await this.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
    await this.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  }

  /**
   * Text as a soft keyboard commits it into the focused element. Chromium 65 has no
   * Input.insertText: there each character is a key press carrying its text, as a hardware
   * keyboard would type it.
   */
  async insertText(text: string): Promise<void> {
    try {
      await this.send("Input.insertText", { text });
      return;
    } catch (err) {
      if (!String(err).includes("wasn't found")) throw err;
    }
    for (const char of text) {
      await this.send("Input.dispatchKeyEvent", { type: "keyDown", key: char, text: char, unmodifiedText: char });
      await this.send("Input.dispatchKeyEvent", { type: "keyUp", key: char });
    }
  }

  close(): void {
    this.socket.close();
  }
}
