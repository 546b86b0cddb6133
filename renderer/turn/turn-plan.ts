/**
 * Decides at start-up how TURN is served and with which secret:
 * - TURN_SECRET (environment) beats turn.secret (config);
 * - a spawned local turnserver without a configured secret gets a random per-run one (only the
 *   renderer and that process need to know it);
 * - an external coturn (compose) needs the shared secret: missing or a placeholder is an error.
 */
import { randomBytes } from "node:crypto";
import type { TurnConfig } from "../config/schema.js";
import { TurnServer } from "./turn-server.js";

const PLACEHOLDER_SECRETS = new Set(["", "change-me", "changeme", "change_me", "secret", "password", "turn-secret", "your-secret"]);
export const MIN_SECRET_LENGTH = 16;

export interface TurnPlan {
  enabled: boolean;
  spawn: boolean;
  secret: string | null;
  /** Why TURN is off or how it runs, for the start-up log. */
  note: string;
}

export class TurnPlanError extends Error {}

export function planTurn(turn: TurnConfig, env: NodeJS.ProcessEnv, turnserverAvailable = TurnServer.available()): TurnPlan {
  if (!turn.enabled) return { enabled: false, spawn: false, secret: null, note: "TURN disabled (turn.enabled: false)" };
  const spawn = turn.spawn === "always" || (turn.spawn === "auto" && turnserverAvailable);
  if (turn.spawn === "always" && !turnserverAvailable) {
    throw new TurnPlanError("turn.spawn: always, but Debian's turnserver is not installed (apt-get install coturn)");
  }
  const configured = env.TURN_SECRET !== undefined && env.TURN_SECRET !== "" ? env.TURN_SECRET : turn.secret;
  const source = env.TURN_SECRET ? "TURN_SECRET" : "turn.secret";
  if (configured && PLACEHOLDER_SECRETS.has(configured.toLowerCase())) {
    throw new TurnPlanError(`${source}: ${JSON.stringify(configured)} is a placeholder; generate a secret with \`openssl rand -hex 32\``);
  }
  if (configured && configured.length < MIN_SECRET_LENGTH) {
    throw new TurnPlanError(`${source}: must be at least ${MIN_SECRET_LENGTH} characters; generate one with \`openssl rand -hex 32\``);
  }
  if (configured)
    return { enabled: true, spawn, secret: configured, note: spawn ? "local turnserver, configured secret" : "external TURN server" };
  if (spawn) return { enabled: true, spawn, secret: randomBytes(32).toString("hex"), note: "local turnserver, per-run secret" };
  throw new TurnPlanError(
    "turn.enabled is true but no TURN secret is set and no local turnserver can be started: set TURN_SECRET (the secret your coturn uses), " +
      "install coturn (apt-get install coturn) so the appliance runs its own, or set turn.enabled: false",
  );
}
