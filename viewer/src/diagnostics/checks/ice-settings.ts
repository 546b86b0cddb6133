/** The reply of `GET /api/ice-servers`, read for the ICE and TURN checks with protocol's reader. */
import { type IceServersReply, readIceServersReply } from "../../../../protocol/index.js";

/** What `GET /api/ice-servers` hands out: ICE servers with fresh TURN credentials, and the TURN URLs. */
export type IceSettings = Pick<IceServersReply, "iceServers" | "turn">;

export function readIceSettings(value: unknown): IceSettings {
  const { iceServers, turn } = readIceServersReply(value);
  return { iceServers, turn };
}
