/**
 * A minimal TURN client (RFC 5766/8656 over UDP) for asking a real coturn what it would relay
 * to: Allocate with the long-term credentials the renderer mints, then CreatePermission for a
 * peer address. A permission request sends nothing to the peer itself, so a test can ask about
 * any address while every packet goes to coturn on 127.0.0.1 only.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { isIPv4 } from "node:net";

const MAGIC = 0x2112a442;
const ALLOCATE = 0x0003;
const CREATE_PERMISSION = 0x0008;
const ATTR = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  XOR_PEER_ADDRESS: 0x0012,
  REALM: 0x0014,
  NONCE: 0x0015,
  REQUESTED_TRANSPORT: 0x0019,
};
const UDP = 17;
const TIMEOUT_MS = 3_000;

interface Reply {
  /** 0 for a success response, else the error code (401, 403, …). */
  error: number;
  attrs: Map<number, Buffer>;
}

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

function xorAddress(ip: string, port: number): Buffer {
  if (!isIPv4(ip)) throw new Error("this client speaks IPv4 peers only");
  const value = Buffer.alloc(8);
  value.writeUInt8(0x01, 1);
  value.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const octets = ip.split(".").map(Number);
  value.writeUInt32BE((((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) ^ MAGIC) >>> 0, 4);
  return value;
}

export class TurnClient {
  private readonly socket: Socket = createSocket("udp4");
  private realm: Buffer | null = null;
  private nonce: Buffer | null = null;
  private key: Buffer | null = null;

  constructor(
    private readonly port: number,
    private readonly username: string,
    private readonly password: string,
  ) {}

  /** Credentials as the renderer mints them for coturn's use-auth-secret. */
  static credentials(secret: string, ttlSeconds = 600): { username: string; password: string } {
    const username = `${Math.floor(Date.now() / 1000) + ttlSeconds}:test`;
    return { username, password: createHmac("sha1", secret).update(username).digest("base64") };
  }

  private send(method: number, attrs: Buffer[]): Promise<Reply> {
    const id = randomBytes(12);
    const build = (withIntegrity: boolean) => {
      const auth =
        this.realm && this.nonce
          ? [attribute(ATTR.USERNAME, Buffer.from(this.username)), attribute(ATTR.REALM, this.realm), attribute(ATTR.NONCE, this.nonce)]
          : [];
      const body = Buffer.concat([...attrs, ...auth]);
      const length = body.length + (withIntegrity ? 24 : 0);
      const header = Buffer.alloc(20);
      header.writeUInt16BE(method, 0);
      header.writeUInt16BE(length, 2);
      header.writeUInt32BE(MAGIC, 4);
      id.copy(header, 8);
      const message = Buffer.concat([header, body]);
      if (!withIntegrity) return message;
      const hmac = createHmac("sha1", this.key!).update(message).digest();
      return Buffer.concat([message, attribute(ATTR.MESSAGE_INTEGRITY, hmac)]);
    };
    const packet = build(this.key !== null && this.realm !== null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.socket.off("message", onMessage);
        reject(new Error(`no TURN answer from 127.0.0.1:${this.port} within ${TIMEOUT_MS} ms`));
      }, TIMEOUT_MS);
      const onMessage = (msg: Buffer) => {
        if (msg.length < 20 || !msg.subarray(8, 20).equals(id)) return;
        clearTimeout(timer);
        this.socket.off("message", onMessage);
        const attrsOut = new Map<number, Buffer>();
        for (let at = 20; at + 4 <= msg.length;) {
          const type = msg.readUInt16BE(at);
          const len = msg.readUInt16BE(at + 2);
          attrsOut.set(type, msg.subarray(at + 4, at + 4 + len));
          at += 4 + Math.ceil(len / 4) * 4;
        }
        const isError = (msg.readUInt16BE(0) & 0x0110) === 0x0110;
        const code = attrsOut.get(ATTR.ERROR_CODE);
        resolve({ error: isError ? (code ? (code.readUInt8(2) & 7) * 100 + code.readUInt8(3) : 500) : 0, attrs: attrsOut });
      };
      this.socket.on("message", onMessage);
      this.socket.send(packet, this.port, "127.0.0.1");
    });
  }

  /** Allocate a relay; answers 0 on success, else the error code. */
  async allocate(): Promise<number> {
    const transport = attribute(ATTR.REQUESTED_TRANSPORT, Buffer.from([UDP, 0, 0, 0]));
    let reply = await this.send(ALLOCATE, [transport]);
    if (reply.error === 401) {
      this.realm = reply.attrs.get(ATTR.REALM) ?? null;
      this.nonce = reply.attrs.get(ATTR.NONCE) ?? null;
      if (!this.realm || !this.nonce) throw new Error("401 without realm and nonce");
      this.key = createHash("md5").update(`${this.username}:${this.realm.toString()}:${this.password}`).digest();
      reply = await this.send(ALLOCATE, [transport]);
    }
    return reply.error;
  }

  /** Asks for a permission to relay to `ip`: 0 when granted, 403 when coturn refuses the peer. */
  async createPermission(ip: string): Promise<number> {
    return (await this.send(CREATE_PERMISSION, [attribute(ATTR.XOR_PEER_ADDRESS, xorAddress(ip, 0))])).error;
  }

  close(): void {
    this.socket.close();
  }
}
