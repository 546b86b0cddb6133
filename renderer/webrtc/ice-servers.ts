/**
 * The ICE servers handed to one new peer (tablet and renderer alike): the configured extra
 * servers plus the TURN relay with freshly minted credentials of coturn's REST scheme
 * (`use-auth-secret`): username `expiry:name`, password base64(HMAC-SHA1(secret, username)).
 */
import { createHmac } from "node:crypto";
import type { IceServer } from "../../protocol/index.js";
import type { TurnConfig } from "../config/schema.js";

export interface TurnCredential {
  username: string;
  credential: string;
}

export function mintTurnCredential(secret: string, ttlSeconds: number, name: string, nowMs = Date.now()): TurnCredential {
  const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiry}:${name}`;
  return { username, credential: createHmac("sha1", secret).update(username).digest("base64") };
}

/** A Host header's host part, if it is a plain name or address (never anything to inject). */
export function hostFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d+)?$/.exec(header.trim());
  return match?.[1] ?? null;
}

export interface IceServerSource {
  /** The servers for a peer of a tablet that reached the appliance at `host`. */
  forPeer(host: string | null, name: string): IceServer[];
  /** TURN URLs as a tablet at `host` would use them (for diagnostics). */
  turnUrls(host: string | null): string[];
  readonly turnEnabled: boolean;
}

export class IceServers implements IceServerSource {
  constructor(
    private readonly extra: IceServer[],
    private readonly turn: TurnConfig,
    /** The resolved secret (config, TURN_SECRET, or a per-run one for a spawned turnserver). */
    private readonly secret: string | null,
    private readonly fallbackHost: string,
  ) {}

  get turnEnabled(): boolean {
    return this.turn.enabled && this.secret !== null;
  }

  turnUrls(host: string | null): string[] {
    if (!this.turnEnabled) return [];
    const h = host ?? this.fallbackHost;
    const urls =
      this.turn.urls.length > 0
        ? this.turn.urls
        : [`turn:{host}:${this.turn.port}?transport=udp`, `turn:{host}:${this.turn.port}?transport=tcp`];
    return urls.map((u) => u.replace("{host}", h));
  }

  forPeer(host: string | null, name: string): IceServer[] {
    const servers = this.extra.map((s) => ({ ...s }));
    if (this.turnEnabled) {
      servers.push({ urls: this.turnUrls(host), ...mintTurnCredential(this.secret!, this.turn.ttlSeconds, name) });
    }
    return servers;
  }
}
