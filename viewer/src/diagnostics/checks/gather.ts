/** Candidate gathering with a throw-away RTCPeerConnection, and reading candidate and TURN URL strings. */
import type { IceServer } from "../../../../protocol/index.js";
import { describeError } from "../../../../protocol/index.js";
import { type CheckEnvironment, within } from "./common.js";

export interface IceError {
  code: number;
  text: string;
  url: string;
}

export interface Gathered {
  candidates: string[];
  errors: IceError[];
  timedOut: boolean;
  /** Set when WebRTC could not even start. */
  failure?: string;
}

/**
 * Gathers local candidates with one throw-away RTCPeerConnection (a DataChannel gives the offer
 * something to negotiate) until gathering completes, `enough` says so, or the timeout passes.
 */
export function gather(env: CheckEnvironment, config: RTCConfiguration, enough: (g: Gathered) => boolean): Promise<Gathered> {
  const g: Gathered = { candidates: [], errors: [], timedOut: false };
  const Peer = env.RTCPeerConnection;
  if (!Peer) return Promise.resolve({ ...g, failure: "it has no RTCPeerConnection" });
  return within<Gathered>(
    env,
    (finish) => {
      let peer: RTCPeerConnection;
      try {
        peer = new Peer(config);
      } catch (err) {
        finish({ ...g, failure: describeError(err) });
        return () => undefined;
      }
      const done = () => finish({ ...g });
      peer.onicecandidate = (event: RTCPeerConnectionIceEvent) => {
        const candidate = event.candidate?.candidate;
        if (!candidate) return done(); // null (or an empty string in older browsers) ends gathering.
        g.candidates.push(candidate);
        if (enough(g)) done();
      };
      peer.onicegatheringstatechange = () => {
        if (peer.iceGatheringState === "complete") done();
      };
      peer.onicecandidateerror = (event: RTCPeerConnectionIceErrorEvent) => {
        g.errors.push({ code: event.errorCode, text: event.errorText ?? "", url: event.url ?? "" });
        if (enough(g)) done();
      };
      try {
        peer.createDataChannel("diagnostics");
        peer
          .createOffer()
          .then((offer) => peer.setLocalDescription(offer))
          .catch((err: unknown) => finish({ ...g, failure: describeError(err) }));
      } catch (err) {
        finish({ ...g, failure: describeError(err) });
      }
      return () => {
        peer.onicecandidate = peer.onicegatheringstatechange = peer.onicecandidateerror = null;
        peer.close();
      };
    },
    () => ({ ...g, timedOut: true }),
  );
}

/** `host`, `srflx`, `prflx` or `relay` from an ICE candidate line. */
export const candidateType = (candidate: string): string => / typ (\S+)/.exec(candidate)?.[1] ?? "";

/** `address:port` of a candidate line (`candidate:<foundation> <component> <protocol> <priority> <address> <port> typ …`). */
export const candidateAddress = (candidate: string): string => {
  const fields = candidate.split(" ");
  return `${fields[4] ?? "?"}:${fields[5] ?? "?"}`;
};

/** The transport a TURN URL asks for: `?transport=` if given, else UDP for `turn:` and TCP (TLS) for `turns:`. */
export function turnTransport(url: string): "udp" | "tcp" | null {
  const explicit = /[?&]transport=(udp|tcp)\b/i.exec(url)?.[1];
  if (explicit) return explicit.toLowerCase() as "udp" | "tcp";
  if (/^turns:/i.test(url)) return "tcp";
  return /^turn:/i.test(url) ? "udp" : null;
}

export const turnPort = (url: string): string =>
  /^turns?:(?:\[[^\]]*\]|[^:?]*):(\d+)/i.exec(url)?.[1] ?? (/^turns:/i.test(url) ? "5349" : "3478");

/** The credentials the box minted for these URLs (the entry listing them, else any TURN entry). */
export function credentialsFor(urls: readonly string[], servers: readonly IceServer[]): { username: string; credential: string } | null {
  const listed = (s: IceServer) => (Array.isArray(s.urls) ? s.urls : [s.urls]);
  const withCredentials = servers.filter((s) => s.username !== undefined && s.credential !== undefined);
  const match =
    withCredentials.find((s) => listed(s).some((u) => urls.includes(u))) ??
    withCredentials.find((s) => listed(s).some((u) => turnTransport(u) !== null));
  return match ? { username: match.username!, credential: match.credential! } : null;
}
