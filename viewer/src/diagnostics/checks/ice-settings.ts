/** The reply of `GET /api/ice-servers`, read for the ICE and TURN checks. */
import { type IceServer, optional, readArray, readBoolean, readObject, readString, required } from "../../../../protocol/index.js";

/** What `GET /api/ice-servers` hands out: ICE servers with fresh TURN credentials, and the TURN URLs. */
export interface IceSettings {
  iceServers: IceServer[];
  turn: { enabled: boolean; urls: string[] };
}

const readIceServer = (v: unknown, p: string): IceServer => {
  const o = readObject(v, p);
  const server: IceServer = {
    urls: Array.isArray(o.urls) ? readArray(o.urls, `${p}.urls`, (u, up) => readString(u, up)) : required(o, "urls", p, (u, up) => readString(u, up)),
  };
  const username = optional(o, "username", p, (u, up) => readString(u, up));
  const credential = optional(o, "credential", p, (c, cp) => readString(c, cp));
  if (username !== undefined) server.username = username;
  if (credential !== undefined) server.credential = credential;
  return server;
};

export function readIceSettings(value: unknown): IceSettings {
  const o = readObject(value, "reply");
  const turn = required(o, "turn", "reply", readObject);
  return {
    iceServers: optional(o, "iceServers", "reply", (v, p) => readArray(v, p, readIceServer)) ?? [],
    turn: {
      enabled: required(turn, "enabled", "reply.turn", readBoolean),
      urls: optional(turn, "urls", "reply.turn", (v, p) => readArray(v, p, (u, up) => readString(u, up))) ?? [],
    },
  };
}
