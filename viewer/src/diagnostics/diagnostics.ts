import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import {
  CHECK_IDS,
  CHECK_TIMEOUT_MS,
  type CheckEnvironment,
  type CheckId,
  type CheckOutcome,
  type CheckResult,
  runChecks,
} from "./checks/index.js";

/** Where the back link goes. */
const LAUNCHER_PATH = "/";

/** Seams for tests; whatever is not given is the browser's own. */
export type DiagnosticsOptions = Partial<Omit<CheckEnvironment, "signal">>;

interface Row {
  result: CheckResult;
  text: string;
  hint?: string;
}

const CHECK_TITLES: Record<CheckId, string> = {
  http: "Box reachable (HTTP)",
  websocket: "Signaling connection (WebSocket)",
  rtt: "Network delay (round trip)",
  ice: "Network paths (ICE candidates)",
  "turn-udp": "TURN relay over UDP",
  "turn-tcp": "TURN relay over TCP",
  vp8: "Video support (VP8)",
};

const RESULT_LABELS: Record<CheckResult, string> = { running: "Checking…", pass: "Passed", fail: "Failed", skipped: "Skipped" };
const RESULT_MARKS: Record<CheckResult, string> = { running: "…", pass: "✓", fail: "✗", skipped: "–" };

const runningRows = (): Record<CheckId, Row> =>
  Object.fromEntries(CHECK_IDS.map((id) => [id, { result: "running", text: "Checking…" }])) as Record<CheckId, Row>;

/**
 * What video this browser can receive. Chrome 65–68 have WebRTC but not
 * RTCRtpReceiver.getCapabilities: there the codecs are read from a receive-only offer's SDP.
 */
async function browserVideoCapabilities(): Promise<RTCRtpCapabilities | null> {
  if (typeof RTCRtpReceiver !== "undefined" && typeof RTCRtpReceiver.getCapabilities === "function")
    return RTCRtpReceiver.getCapabilities("video");
  if (typeof RTCPeerConnection === "undefined") return null;
  const peer = new RTCPeerConnection();
  try {
    const offer = await peer.createOffer({ offerToReceiveVideo: true });
    const codecs: RTCRtpCodec[] = [];
    // exec in a loop: String.matchAll is Chrome 73.
    const rtpmap = /^a=rtpmap:\d+ ([\w-]+)\/(\d+)/gm;
    for (let m = rtpmap.exec(offer.sdp ?? ""); m; m = rtpmap.exec(offer.sdp ?? ""))
      codecs.push({ mimeType: `video/${m[1]}`, clockRate: Number(m[2]) });
    return { codecs, headerExtensions: [] };
  } catch {
    return null;
  } finally {
    peer.close();
  }
}

/**
 * The connection check at `/diagnostics`, for whoever sets up a tablet: it tests each step from
 * this tablet to the box (HTTP, the signaling WebSocket and its delay, ICE, the TURN relay, VP8)
 * and says what passed, what failed and what to fix. It starts when connected; "Run again"
 * starts over. Each row carries `data-check` and `data-result`; the element gets `data-done`
 * once every row has its result.
 *
 * @fires jiomosa-diagnostics-done - every check has a result; `detail` maps check ids to outcomes.
 */
export class JiomosaDiagnostics extends LitElement {
  static override properties = {
    rows: { state: true },
    running: { state: true },
  };

  // Margins instead of flex "gap": old Android WebViews (Chrome < 84) lack it.
  static override styles = css`
    :host {
      display: block;
      box-sizing: border-box;
      width: 100%;
      height: 100%;
      overflow-y: auto;
      padding: 24px;
      background: #000;
      color: #e8e8e8;
      font-family:
        system-ui,
        -apple-system,
        "Segoe UI",
        Roboto,
        sans-serif;
      font-size: 19px;
      line-height: 1.4;
      -webkit-tap-highlight-color: transparent;
    }
    .page {
      max-width: 880px;
      margin: 0 auto;
    }
    a {
      color: #8ab4ff;
    }
    .back {
      display: inline-block;
      padding: 10px 0;
      font-size: 18px;
      text-decoration: none;
    }
    h1 {
      margin: 8px 0 6px;
      font-size: 26px;
      font-weight: 600;
    }
    .intro {
      margin: 0 0 18px;
      color: #9aa4b2;
    }
    .summary {
      margin: 0 0 18px;
      padding: 14px 18px;
      border-radius: 12px;
      background: #1c2027;
      font-size: 22px;
      font-weight: 600;
    }
    .summary.good {
      color: #7ee2a8;
    }
    .summary.bad {
      color: #ff8a80;
    }
    ol {
      margin: 0;
      padding: 0;
      list-style: none;
    }
    .check {
      display: flex;
      align-items: flex-start;
      padding: 16px 18px;
      border-radius: 14px;
      background: #1c2027;
    }
    .check + .check {
      margin-top: 12px;
    }
    .check[data-result="fail"] {
      background: #2a1c1e;
    }
    .mark {
      flex: none;
      width: 36px;
      height: 36px;
      margin-right: 14px;
      border-radius: 50%;
      background: #3a414c;
      color: #fff;
      font-size: 22px;
      font-weight: 700;
      line-height: 36px;
      text-align: center;
    }
    [data-result="pass"] .mark {
      background: #2e9d6a;
    }
    [data-result="fail"] .mark {
      background: #c0392b;
    }
    .body {
      flex: 1;
      min-width: 0;
    }
    .head {
      display: flex;
      flex-wrap: wrap;
      justify-content: space-between;
      font-weight: 600;
    }
    .name {
      margin-right: 12px;
    }
    .status {
      color: #9aa4b2;
    }
    [data-result="pass"] .status {
      color: #7ee2a8;
    }
    [data-result="fail"] .status {
      color: #ff8a80;
    }
    .text {
      margin-top: 4px;
      overflow-wrap: anywhere;
    }
    .hint {
      margin-top: 8px;
      padding: 10px 12px;
      border-left: 4px solid #ffb74d;
      border-radius: 6px;
      background: rgba(255, 183, 77, 0.08);
      color: #ffe0b2;
      overflow-wrap: anywhere;
    }
    .hint .label {
      font-weight: 600;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      margin-top: 22px;
    }
    button {
      min-width: 180px;
      min-height: 56px;
      margin-right: 20px;
      padding: 0 24px;
      border: 0;
      border-radius: 12px;
      background: #2f6fde;
      color: #fff;
      font: inherit;
      font-size: 20px;
      cursor: pointer;
    }
    button:disabled {
      background: #3a414c;
      color: #9aa4b2;
      cursor: default;
    }
    .actions a {
      padding: 16px 0;
    }
  `;

  /** Seams for tests, read when a run starts; whatever is not given is the browser's own. */
  options: DiagnosticsOptions;
  declare private rows: Record<CheckId, Row>;
  declare private running: boolean;
  private abort: AbortController | null = null;

  constructor(options: DiagnosticsOptions = {}) {
    super();
    this.options = options;
    this.rows = runningRows();
    this.running = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.run();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Every check closes its socket and peer connections on abort.
    this.abort?.abort();
    this.abort = null;
  }

  /** Runs every check again (also the "Run again" button); a run still going is abandoned. */
  async run(): Promise<void> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.rows = runningRows();
    this.running = true;
    const outcomes: Partial<Record<CheckId, CheckOutcome>> = {};
    await runChecks(this.environment(abort.signal), (id, outcome) => {
      if (this.abort !== abort) return;
      outcomes[id] = outcome;
      this.rows = { ...this.rows, [id]: outcome };
    });
    if (this.abort !== abort) return;
    this.abort = null;
    this.running = false;
    await this.updateComplete;
    this.dispatchEvent(new CustomEvent("jiomosa-diagnostics-done", { detail: outcomes, bubbles: true, composed: true }));
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // Set after the render, so whoever waits for data-done finds every row's final result.
    this.toggleAttribute("data-done", !this.running);
  }

  override render() {
    const host = new URL(this.options.baseUrl ?? globalThis.location.origin).host;
    return html`<div class="page">
      <a class="back" href=${LAUNCHER_PATH}>← Back to the launcher</a>
      <h1>Connection check</h1>
      <p class="intro">Tests each step from this tablet to the kiosk box at ${host}.</p>
      ${this.renderSummary()}
      <ol>
        ${CHECK_IDS.map((id) => this.renderRow(id, this.rows[id]))}
      </ol>
      <div class="actions">
        <button ?disabled=${this.running} @click=${() => void this.run()}>Run again</button>
        <a href=${LAUNCHER_PATH}>Back to the launcher</a>
      </div>
    </div>`;
  }

  private renderSummary() {
    if (this.running) return html`<p class="summary" role="status">Checking…</p>`;
    const failed = CHECK_IDS.filter((id) => this.rows[id].result === "fail").length;
    const text = failed === 0 ? "All checks passed" : `${failed} ${failed === 1 ? "check" : "checks"} failed`;
    return html`<p class="summary ${failed === 0 ? "good" : "bad"}" role="status" data-failed=${failed}>${text}</p>`;
  }

  private renderRow(id: CheckId, row: Row) {
    return html`<li class="check" data-check=${id} data-result=${row.result}>
      <span class="mark" aria-hidden="true">${RESULT_MARKS[row.result]}</span>
      <div class="body">
        <div class="head"><span class="name">${CHECK_TITLES[id]}</span><span class="status">${RESULT_LABELS[row.result]}</span></div>
        <div class="text">${row.text}</div>
        ${row.result === "fail" && row.hint ? html`<div class="hint"><span class="label">To fix:</span> ${row.hint}</div>` : nothing}
      </div>
    </li>`;
  }

  private environment(signal: AbortSignal): CheckEnvironment {
    const o = this.options;
    return {
      baseUrl: o.baseUrl ?? globalThis.location.origin,
      fetch: o.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      WebSocket: o.WebSocket ?? globalThis.WebSocket,
      RTCPeerConnection: o.RTCPeerConnection ?? globalThis.RTCPeerConnection,
      videoCapabilities: o.videoCapabilities ?? browserVideoCapabilities,
      timeoutMs: o.timeoutMs ?? CHECK_TIMEOUT_MS,
      now: o.now ?? (() => performance.now()),
      signal,
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "jiomosa-diagnostics": JiomosaDiagnostics;
  }
}

customElements.define("jiomosa-diagnostics", JiomosaDiagnostics);
