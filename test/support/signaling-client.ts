/** A raw signaling socket for tests: send messages, await the next one, see how it closed. */
import { WebSocket } from "ws";

export type Message = Record<string, unknown> & { type?: string; code?: string; message?: string };

export interface SignalingClient {
  ws: WebSocket;
  send(message: unknown): void;
  /** The next message that is not a trickled ICE candidate. */
  next(timeoutMs?: number): Promise<Message>;
  /** Resolves with the close code and reason once the socket is closed. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export async function connectSignaling(
  port: number,
  headers: Record<string, string> = {},
  localAddress?: string,
): Promise<SignalingClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/signaling`, { headers, ...(localAddress ? { localAddress } : {}) });
  const inbox: Message[] = [];
  const waiters: ((m: Message) => void)[] = [];
  ws.on("message", (data) => {
    const message = JSON.parse(data.toString()) as Message;
    if (message.type === "ice-candidate") return;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return {
    ws,
    send: (m) => ws.send(JSON.stringify(m)),
    next: (timeoutMs = 30_000) =>
      inbox.length > 0
        ? Promise.resolve(inbox.shift()!)
        : new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no signaling message in ${timeoutMs} ms`)), timeoutMs);
            waiters.push((m) => {
              clearTimeout(timer);
              resolve(m);
            });
          }),
    closed,
    close: () => ws.close(),
  };
}
