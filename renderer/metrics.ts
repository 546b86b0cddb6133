/**
 * Prometheus metrics (`GET /metrics`), one registry per renderer (no global default registry).
 * Counters are incremented where things happen; gauges read the current state when scraped.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

export interface MetricsSource {
  sessions(): number;
  viewers(): number;
  browserUp(): boolean;
}

export class Metrics {
  readonly registry = new Registry();
  readonly framesCaptured: Counter;
  readonly framesDecoded: Counter;
  readonly framesDropped: Counter;
  readonly framesSent: Counter;
  readonly inputEvents: Counter<"type">;
  readonly inputRejected: Counter<"reason">;
  readonly signalingErrors: Counter<"code">;
  readonly httpErrors: Counter<"status">;
  readonly chromiumRestarts: Counter;
  readonly pageCrashes: Counter;
  readonly pageMemoryReopens: Counter;
  readonly captureStalls: Counter;

  constructor(source: MetricsSource) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "jiomosa_process_" });
    this.framesCaptured = new Counter({
      name: "jiomosa_frames_captured_total",
      help: "Screencast frames received from Chromium",
      registers,
    });
    this.framesDecoded = new Counter({ name: "jiomosa_frames_decoded_total", help: "Frames decoded to I420", registers });
    this.framesDropped = new Counter({
      name: "jiomosa_frames_dropped_total",
      help: "Frames replaced by a newer one before decoding",
      registers,
    });
    this.framesSent = new Counter({ name: "jiomosa_frames_sent_total", help: "Frames handed to viewers' video sources", registers });
    this.inputEvents = new Counter({
      name: "jiomosa_input_events_total",
      help: "Valid input messages from viewers",
      labelNames: ["type"],
      registers,
    });
    this.inputRejected = new Counter({
      name: "jiomosa_input_rejected_total",
      help: "Input messages refused",
      labelNames: ["reason"],
      registers,
    });
    this.signalingErrors = new Counter({
      name: "jiomosa_signaling_errors_total",
      help: "Error replies on the signaling socket",
      labelNames: ["code"],
      registers,
    });
    this.httpErrors = new Counter({ name: "jiomosa_http_errors_total", help: "HTTP error replies", labelNames: ["status"], registers });
    this.chromiumRestarts = new Counter({ name: "jiomosa_chromium_restarts_total", help: "Chromium relaunches after it died", registers });
    this.pageCrashes = new Counter({ name: "jiomosa_page_crashes_total", help: "Pages reopened after their renderer crashed", registers });
    this.captureStalls = new Counter({
      name: "jiomosa_capture_stalls_total",
      help: "Begin-frame calls that timed out (the capture re-attached, or the page was reopened)",
      registers,
    });
    this.pageMemoryReopens = new Counter({
      name: "jiomosa_page_memory_reopens_total",
      help: "Pages reopened because their JavaScript heap passed sessions.maxPageMemoryMB",
      registers,
    });
    new Gauge({
      name: "jiomosa_sessions",
      help: "Open sessions",
      registers,
      collect() {
        this.set(source.sessions());
      },
    });
    new Gauge({
      name: "jiomosa_viewers",
      help: "Connected viewers (WebRTC peers)",
      registers,
      collect() {
        this.set(source.viewers());
      },
    });
    new Gauge({
      name: "jiomosa_chromium_up",
      help: "1 while Chromium runs",
      registers,
      collect() {
        this.set(source.browserUp() ? 1 : 0);
      },
    });
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
