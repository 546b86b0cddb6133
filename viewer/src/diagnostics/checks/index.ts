/**
 * The checks behind `/diagnostics`, one file each: what someone setting up a tablet needs to know
 * about the path from the tablet to the box, in plain words. Each check ends in a CheckOutcome (a
 * result, a short text and, on failure, what to fix) and never throws. A check opens what it needs
 * (a request, the signaling WebSocket, RTCPeerConnections) and closes it before it resolves, also
 * when the run is aborted; the element only shows the outcomes.
 */
import { describeError } from "../../../../protocol/index.js";
import { CHECK_IDS, type CheckEnvironment, type CheckId, fail, type Report } from "./common.js";
import { checkHttp } from "./http.js";
import { checkIceAndTurn } from "./ice-turn.js";
import { checkSignaling } from "./signaling.js";
import { checkVp8 } from "./vp8.js";

export * from "./common.js";

/** Runs every check, independent ones side by side, and reports each outcome as soon as it is known. */
export async function runChecks(env: CheckEnvironment, report: Report): Promise<void> {
  const reported = new Set<CheckId>();
  const note: Report = (id, outcome) => {
    reported.add(id);
    report(id, outcome);
  };
  const problems: string[] = [];
  const guard = (work: () => Promise<void>) => work().catch((err: unknown) => void problems.push(describeError(err)));
  await Promise.all([
    guard(async () => note("http", await checkHttp(env))),
    guard(() => checkSignaling(env, note)),
    guard(() => checkIceAndTurn(env, note)),
    guard(async () => note("vp8", checkVp8(await env.videoCapabilities()))),
  ]);
  // A bug in a check must still end in a row with a result, or the page would spin forever.
  for (const id of CHECK_IDS) {
    if (!reported.has(id))
      report(
        id,
        fail(`The check stopped unexpectedly: ${problems[0] ?? "no result"}.`, "Reload the page; if this stays, report the text above."),
      );
  }
}
