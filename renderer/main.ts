/**
 * Composition root: config → browser → sessions → HTTP + signaling, torn down in reverse on
 * SIGINT/SIGTERM. No module-level singletons: every part is built here and handed its deps.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { PulseServer } from "./audio/pulse-server.js";
import { SharedBrowser, type ChromiumLaunch } from "./browser/shared-browser.js";
import { EgressProxy } from "./browser/egress-proxy.js";
import { SandboxError } from "./browser/launch.js";
import { CaptureChoiceError, startCaptureBrowser } from "./browser/capture-choice.js";
import { PageMemoryWatch } from "./browser/page-memory.js";
import { ConfigError, loadConfig } from "./config/load.js";
import { Access } from "./http/access.js";
import { createApp } from "./http/app.js";
import { createLogger } from "./log.js";
import { Metrics } from "./metrics.js";
import { KeyedBuckets } from "./rate-limit.js";
import { SessionManager } from "./sessions/session-manager.js";
import { SignalingServer } from "./signaling/signaling-server.js";
import { JpegStreamServer } from "./fallback/jpeg-stream-server.js";
import { JPEG_STREAM_PATH } from "../protocol/index.js";
import { startupBanner, tabletUrls } from "./startup-banner.js";
import { SecretFileError, withSecretFile } from "./turn/secret-file.js";
import { TurnServer } from "./turn/turn-server.js";
import { planTurn, TurnPlanError } from "./turn/turn-plan.js";
import { IceServers } from "./webrtc/ice-servers.js";
import { LINK_TUNING_ENV, parseLinkTuning } from "./webrtc/link-tuning.js";

/** Shutdown must finish in this time or the process exits anyway (a box must be restartable). */
const SHUTDOWN_TIMEOUT_MS = 10_000;
/**
 * TURN credentials one client address may have minted (joins and /api/ice-servers): a burst
 * for a tablet opening several kiosks or reconnecting, then one every few seconds.
 */
const TURN_MINT_BURST = 20;
const TURN_MINTS_PER_SECOND = 1 / 3;

const ROOT = new URL("../../", import.meta.url);

function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL("package.json", ROOT), "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}

async function main(): Promise<void> {
  const log = createLogger();
  let loaded;
  try {
    loaded = await loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`jiomosa: invalid config ${err.file}\n${err.problems.map((p) => `  ${p}`).join("\n")}\n`);
      process.exit(2);
    }
    throw err;
  }
  const { config, file } = loaded;
  const version = readVersion();
  log.info({ config: file, version }, "starting");

  // Before Chromium starts: coturn (compose) waits for this file to appear.
  let turnEnv;
  try {
    turnEnv = await withSecretFile(process.env);
  } catch (err) {
    if (err instanceof SecretFileError) {
      process.stderr.write(`jiomosa: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (turnEnv.note) log.info(turnEnv.note);

  // Every request of every Chromium goes out through this proxy, which holds it to the URL policy.
  const egress = new EgressProxy({ log });
  await egress.start();
  let chromium: ChromiumLaunch = { ...config.chromium, proxyPort: egress.port };
  // The browser's events reach the sessions once they exist; before that there is nothing to
  // restore or tell.
  let sessionsReady: SessionManager | null = null;
  let browser: SharedBrowser;
  try {
    const choice = await startCaptureBrowser({
      capture: config.video.capture,
      chromium,
      headlessShellPath: config.chromium.headlessShellPath,
      makeBrowser: (launch) =>
        new SharedBrowser({
          ...launch,
          log,
          onCrash: () => void sessionsReady?.recoverBrowser(),
          onBlocked: (blocked) => sessionsReady?.notifyBlocked(blocked),
        }),
      log,
    });
    browser = choice.browser;
    // `auto` is decided here once; the sessions and /api/info see the capture in use, and sound
    // sessions launch their own browsers as the shared one was.
    config.video.capture = choice.capture;
    chromium = choice.launch;
  } catch (err) {
    await egress.close();
    if (err instanceof SandboxError || err instanceof CaptureChoiceError) {
      process.stderr.write(`jiomosa: ${err.message}\n`);
      process.exit(1);
    }
    process.stderr.write(
      `jiomosa: could not start Chromium at ${config.chromium.executablePath}: ${String((err as Error).message).split("\n")[0]}\n` +
        "  Install it with: apt-get install chromium (or run `npm start`, which installs it when run as root)\n",
    );
    process.exit(1);
  }

  let turnPlan;
  try {
    turnPlan = planTurn(config.turn, turnEnv.env);
  } catch (err) {
    if (err instanceof TurnPlanError) {
      process.stderr.write(`jiomosa: invalid TURN setup (${file})\n  ${err.message}\n`);
      await browser.close();
      await egress.close();
      process.exit(2);
    }
    throw err;
  }
  let turnServer: TurnServer | null = null;
  if (turnPlan.spawn) {
    turnServer = new TurnServer({
      turn: config.turn,
      secret: turnPlan.secret!,
      baseConfigPath: fileURLToPath(new URL("turn/turnserver.conf", ROOT)),
      log,
    });
    try {
      await turnServer.start();
    } catch (err) {
      // Tablets on a plain LAN still connect directly: run without the relay, loudly.
      log.error({ err: String((err as Error).message) }, "local TURN server failed to start; continuing without a relay");
      await turnServer.close();
      turnServer = null;
      turnPlan = { ...turnPlan, enabled: false, secret: null, note: "local turnserver failed to start" };
    }
  }
  log.info({ turn: turnPlan.note }, "TURN");

  // Sound only when a kiosk (or the default for typed URLs) wants it: no daemon otherwise.
  let pulse: PulseServer | null = null;
  let audioUnavailable: string | null = null;
  if (config.audio.default || config.kiosks.some((k) => k.audio)) {
    // Its restarts reach the sessions once they exist; before that no sink exists to remake.
    pulse = new PulseServer({ log, onRestart: () => sessionsReady?.recoverAllAudio() });
    try {
      await pulse.start();
    } catch (err) {
      // Pages still work without sound: run silently, loudly in the log and on the tablets.
      audioUnavailable = String((err as Error).message ?? err).split("\n")[0]!;
      log.error({ err: audioUnavailable }, "PulseAudio failed to start; sessions open without sound");
      await pulse.close();
      pulse = null;
    }
  }

  const server = createServer();
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.listen.port, config.listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  // Metrics read the session manager only when scraped; it is created just below.
  const metrics: Metrics = new Metrics({
    sessions: () => sessions.list().length,
    viewers: () => sessions.viewerCount(),
    browserUp: () => browser.connected,
  });
  const iceServers = new IceServers(config.iceServers, config.turn, turnPlan.enabled ? turnPlan.secret : null, "127.0.0.1");
  const sessions: SessionManager = new SessionManager({
    config,
    browser,
    chromium,
    selfOrigin: `http://127.0.0.1:${port}`,
    iceServers,
    pulse,
    audioUnavailable,
    log,
    metrics,
    linkTuning: parseLinkTuning(process.env[LINK_TUNING_ENV]),
    // Signaling and the JPEG stream are made below from the sessions; no session can close
    // before they exist, since none is created before the HTTP handler is installed with them.
    onClosed: (id) => {
      signaling.notifySessionClosed(id);
      jpegStream.notifySessionClosed(id);
    },
  });
  egress.setPolicy((host, port, request) => sessions.urlPolicy.destination(host, port, request));
  const pageMemory = new PageMemoryWatch({ limitBytes: config.sessions.maxPageMemoryMB * 2 ** 20, log });
  pageMemory.start();
  sessionsReady = sessions;
  await browser.setPolicy(sessions.requestPolicy);
  const access = new Access({
    pin: config.auth.pin,
    adminToken: config.auth.adminToken,
    allowedOrigins: config.allowedOrigins,
    hosts: config.listen.hosts,
    tokenTtlSeconds: config.auth.tokenTtlSeconds,
    tokenFile: config.auth.tokenFile,
    log,
  });
  const mintLimit = new KeyedBuckets(TURN_MINTS_PER_SECOND, TURN_MINT_BURST);
  const { app } = createApp({
    config,
    version,
    sessions,
    browser,
    iceServers,
    metrics,
    access,
    mintLimit,
    viewerDir: fileURLToPath(new URL("../viewer/", import.meta.url)),
    pagesDir: fileURLToPath(new URL("./pages/", import.meta.url)),
    log,
  });
  const handleRequest = app.callback();
  server.on("request", (req, res) => void handleRequest(req, res));
  const signaling = new SignalingServer(server, sessions, log, metrics, {
    checkUpgrade: (req) => access.checkUpgrade(req),
    identify: (req) => access.identify(req),
    mintLimit: iceServers.turnEnabled ? mintLimit : null,
    maxSocketsPerClient: config.listen.maxSocketsPerClient,
  });
  const jpegStream = new JpegStreamServer(sessions, log, metrics, config.listen.maxSocketsPerClient);
  signaling.addRoute(JPEG_STREAM_PATH, (req, socket, head, client) => jpegStream.upgrade(req, socket, head, client));

  log.info({ host: config.listen.host, port, kiosks: config.kiosks.length }, "listening");
  const urls = tabletUrls(config.listen.host, port);
  log.info({ urls }, "tablets open");
  process.stdout.write(await startupBanner(version, urls));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      log.error("shutdown timed out; exiting");
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    force.unref();
    jpegStream.close();
    signaling.close();
    server.close();
    server.closeAllConnections();
    pageMemory.close();
    await sessions.closeAll();
    await browser.close();
    await egress.close();
    await pulse?.close();
    await turnServer?.close();
    access.close();
    log.info("stopped");
    // Exit explicitly: the WebRTC binding may crash at exit if the event loop winds down on its own.
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  process.stderr.write(`jiomosa: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
