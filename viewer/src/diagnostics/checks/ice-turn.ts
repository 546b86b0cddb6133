/** `ice`, `turn-udp` and `turn-tcp`: can this tablet gather candidates, and relay through the box's TURN server. */
import type { IceServer } from "../../../../protocol/index.js";
import { describeError } from "../../../../protocol/index.js";
import {
  type CheckEnvironment,
  type CheckOutcome,
  duration,
  fail,
  getJson,
  ICE_SERVERS_PATH,
  NO_WEBRTC_HINT,
  pass,
  type Report,
  skip,
  TURN_DISABLED_TEXT,
  TURN_RELAY_PORTS,
  TURN_SECRETS_TEXT,
  ICE_SERVER_UNREACHABLE,
  STUN_UNAUTHORIZED,
} from "./common.js";
import { candidateAddress, candidateType, credentialsFor, gather, turnPort, turnTransport } from "./gather.js";
import { type IceSettings, readIceSettings } from "./ice-settings.js";

/** `ice`, `turn-udp` and `turn-tcp`, side by side once the ICE settings are in. */
export async function checkIceAndTurn(env: CheckEnvironment, report: Report): Promise<void> {
  const reply = await getJson(env, ICE_SERVERS_PATH);
  let settings: IceSettings;
  try {
    if ("failure" in reply) throw new Error(reply.failure === "timeout" ? `no answer within ${duration(env.timeoutMs)}` : "no answer");
    if (!reply.ok) throw new Error(`the box answered ${reply.status}`);
    settings = readIceSettings(reply.body);
  } catch (err) {
    report(
      "ice",
      fail(
        `Cannot load the STUN/TURN settings from ${ICE_SERVERS_PATH}: ${describeError(err)}.`,
        "The renderer is down or older than this page: restart or update it.",
      ),
    );
    const untested = skip("Not tested: the TURN settings could not be loaded.");
    report("turn-udp", untested);
    report("turn-tcp", untested);
    return;
  }
  await Promise.all([
    checkIce(env, settings.iceServers).then((outcome) => report("ice", outcome)),
    checkTurn(env, settings, "udp").then((outcome) => report("turn-udp", outcome)),
    checkTurn(env, settings, "tcp").then((outcome) => report("turn-tcp", outcome)),
  ]);
}

async function checkIce(env: CheckEnvironment, iceServers: IceServer[]): Promise<CheckOutcome> {
  const gathered = await gather(env, { iceServers }, () => false);
  if (gathered.failure) return fail(`This browser could not start WebRTC: ${gathered.failure}.`, NO_WEBRTC_HINT);
  const count = (type: string) => gathered.candidates.filter((c) => candidateType(c) === type).length;
  const total = gathered.candidates.length;
  const late = gathered.timedOut ? ` (gathering did not finish within ${duration(env.timeoutMs)})` : "";
  if (total === 0) {
    return fail(
      `No candidates: the browser found no network path${late}.`,
      "Check that the tablet is on the kiosk's Wi-Fi (not only mobile data) and that no VPN or privacy setting blocks WebRTC.",
    );
  }
  return pass(
    `${total} candidate${total === 1 ? "" : "s"}: ${count("host")} host (direct), ${count("srflx")} srflx (via STUN), ${count("relay")} relay (via TURN)${late}.`,
  );
}

async function checkTurn(env: CheckEnvironment, settings: IceSettings, transport: "udp" | "tcp"): Promise<CheckOutcome> {
  if (!settings.turn.enabled) return skip(TURN_DISABLED_TEXT);
  const name = transport.toUpperCase();
  const urls = settings.turn.urls.filter((url) => turnTransport(url) === transport);
  const first = urls[0];
  if (first === undefined) {
    return fail(
      `No TURN URL over ${name} is configured.`,
      `Add "turn:<box address>:3478?transport=${transport}" to turn.urls in config/kiosk.yaml.`,
    );
  }
  const credentials = credentialsFor(urls, settings.iceServers);
  if (!credentials)
    return fail(
      `The box sent no TURN credentials for ${first}.`,
      "Give the renderer the TURN secret (TURN_SECRET in .env) and restart it.",
    );
  const gathered = await gather(
    env,
    { iceServers: [{ urls, ...credentials }], iceTransportPolicy: "relay" },
    // A relay candidate settles it; so does a refusal, since every attempt uses the same credentials.
    (g) => g.candidates.some((c) => candidateType(c) === "relay") || g.errors.some((e) => e.code === STUN_UNAUTHORIZED),
  );
  if (gathered.failure) return fail(`This browser could not start WebRTC: ${gathered.failure}.`, NO_WEBRTC_HINT);
  const relay = gathered.candidates.find((c) => candidateType(c) === "relay");
  if (relay) return pass(`Relay over ${name} works: relay address ${candidateAddress(relay)}.`);
  if (gathered.errors.some((e) => e.code === STUN_UNAUTHORIZED)) {
    return fail(
      TURN_SECRETS_TEXT,
      "Use one TURN_SECRET for both (in .env), then restart both: docker compose up -d. Without Docker, pass the renderer's secret to coturn as --static-auth-secret.",
    );
  }
  const other = gathered.errors.find((e) => e.code !== ICE_SERVER_UNREACHABLE);
  if (other) {
    return fail(
      `TURN at ${other.url || first} answered error ${other.code}${other.text ? ` (${other.text})` : ""}.`,
      "coturn's log says why it refused: docker compose logs turn.",
    );
  }
  const url = gathered.errors.find((e) => e.url)?.url || first;
  return fail(
    `TURN server not reachable at ${url}`,
    `Check that coturn runs and that ${turnPort(url)}/${transport} and the relay ports ${TURN_RELAY_PORTS}/udp are open.`,
  );
}
