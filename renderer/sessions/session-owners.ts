/**
 * Who created each session, for the rules that keep sessions apart: a tablet's session is that
 * tablet's alone, one client address holds at most `sessions.maxPerClient` sessions, and a tablet
 * opening another kiosk frees its previous session nobody watches any more.
 */
import { AppError } from "../errors.js";

/** A new session nobody joined yet is left alone this long: its tablet is still connecting. */
export const JOIN_GRACE_MS = 15_000;

/** Who asks: the client address, the tablet id (cookie) if any, and whether it holds the admin token. */
export interface Client {
  address: string;
  /** The tablet's id cookie; null for scripts and the original design's clients. */
  tablet: string | null;
  admin: boolean;
}

/** Internal callers: no tablet, no quota. */
export const ANONYMOUS: Client = { address: "local", tablet: null, admin: true };

interface Creator {
  tablet: string | null;
  address: string;
  createdAt: number;
  joined: boolean;
}

export class SessionOwners {
  private readonly creators = new Map<string, Creator>();

  constructor(
    private readonly maxPerClient: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Known ids, pending creates included: two racing creates of one id must not both pass. */
  has(id: string): boolean {
    return this.creators.has(id);
  }

  /** A session made by a tablet is that tablet's (and an admin's); one made without a tablet id is anyone's. */
  mayUse(id: string, client: Client): boolean {
    const owner = this.creators.get(id)?.tablet ?? null;
    return owner === null || client.admin || client.tablet === owner;
  }

  /** Throws 429 when the client's address already holds its quota (admins have none). */
  checkQuota(client: Client): void {
    if (client.admin) return;
    const held = [...this.creators.values()].filter((c) => c.address === client.address).length;
    if (held >= this.maxPerClient) {
      throw new AppError(
        "client_session_quota",
        `this address already holds ${held} sessions (sessions.maxPerClient is ${this.maxPerClient}); close one first`,
      );
    }
  }

  /** The tablet's sessions that were joined (or are past the grace period) and are not watched now. */
  previousOf(client: Client, viewersOf: (id: string) => number | undefined): string[] {
    if (!client.tablet) return [];
    const t = this.now();
    return [...this.creators]
      .filter(([id, c]) => c.tablet === client.tablet && (c.joined || t - c.createdAt > JOIN_GRACE_MS) && viewersOf(id) === 0)
      .map(([id]) => id);
  }

  add(id: string, client: Client): void {
    this.creators.set(id, { tablet: client.tablet, address: client.address, createdAt: this.now(), joined: false });
  }

  joined(id: string): void {
    const creator = this.creators.get(id);
    if (creator) creator.joined = true;
  }

  delete(id: string): void {
    this.creators.delete(id);
  }
}
