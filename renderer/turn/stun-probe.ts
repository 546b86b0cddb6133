/** A STUN Binding request over UDP: tells whether a TURN/STUN server answers on host:port. */
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";

const MAGIC_COOKIE = 0x2112a442;

export function stunProbe(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
    const request = Buffer.alloc(20);
    request.writeUInt16BE(0x0001, 0); // Binding Request
    request.writeUInt16BE(0, 2); // no attributes
    request.writeUInt32BE(MAGIC_COOKIE, 4);
    const transactionId = randomBytes(12);
    transactionId.copy(request, 8);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on("message", (msg) => {
      if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0101 && msg.subarray(8, 20).equals(transactionId)) done(true);
    });
    socket.on("error", () => done(false));
    socket.send(request, port, host);
  });
}
