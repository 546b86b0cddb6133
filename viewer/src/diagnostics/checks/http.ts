/** `http`: does the box answer `/health`, and is its browser running. */
import { BOX_DOWN_HINT, type CheckEnvironment, type CheckOutcome, duration, fail, getJson, HEALTH_PATH, pass } from "./common.js";

export async function checkHttp(env: CheckEnvironment): Promise<CheckOutcome> {
  const reply = await getJson(env, HEALTH_PATH);
  const host = new URL(env.baseUrl).host;
  if ("failure" in reply)
    return fail(`No answer from ${host}${reply.failure === "timeout" ? ` within ${duration(env.timeoutMs)}` : ""}.`, BOX_DOWN_HINT);
  let status = "";
  let version = "";
  if (typeof reply.body === "object" && reply.body !== null) {
    const o = reply.body as Record<string, unknown>;
    if (typeof o.status === "string") status = o.status;
    if (typeof o.version === "string") version = o.version;
  }
  if (reply.ok && status === "healthy") return pass(`The box answers${version ? ` (version ${version})` : ""}.`);
  if (reply.status === 503) {
    return fail(
      "The box answers, but its browser is not running.",
      "The renderer's Chromium is down or still starting: wait a minute, then look at the renderer's log (docker compose logs renderer).",
    );
  }
  return fail(`The box answered ${reply.status}${status ? ` "${status}"` : ""} instead of "healthy".`, BOX_DOWN_HINT);
}
