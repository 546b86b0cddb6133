/**
 * Login tokens of paired tablets: random, kept only as SHA-256 hashes, valid for a sliding
 * lifetime after their last use. They are saved to a small JSON file so a restart does not log
 * every tablet out; the file is keyed by a fingerprint of the PIN (scrypt with a salt of its own),
 * so a new PIN revokes every token. Without a file they live in memory only.
 */
import { createHash, randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Logger } from "../log.js";

const TOKEN_BYTES = 32;
/** Tokens kept at most; the least recently used go first (each tablet holds one). */
const MAX_TOKENS = 5000;
/** Using a token moves its expiry; saving that to disk at most this often is enough. */
const SAVE_INTERVAL_MS = 60_000;

interface StoredFile {
  version: 1;
  salt: string;
  pinFingerprint: string;
  /** Token hash → expiry (ms since the epoch). */
  tokens: Record<string, number>;
}

export interface TokenStoreOptions {
  pin: string;
  ttlMs: number;
  /** Absolute path of the file, or "" for memory only. */
  file: string;
  log: Logger;
  now?: () => number;
}

const hash = (token: string) => createHash("sha256").update(token).digest("base64url");

export class TokenStore {
  private readonly tokens = new Map<string, number>();
  private salt = randomBytes(16).toString("base64url");
  private fingerprint = "";
  private dirty = false;
  /** A read-only location is said once, not on every login. */
  private saveFailed = false;
  private saveTimer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly options: TokenStoreOptions) {
    this.now = options.now ?? Date.now;
    this.load();
  }

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  /** A new token for a tablet that just proved it knows the PIN. */
  issue(): string {
    const token = randomBytes(TOKEN_BYTES).toString("base64url");
    if (this.tokens.size >= MAX_TOKENS) this.tokens.delete(this.tokens.keys().next().value!);
    this.tokens.set(hash(token), this.now() + this.options.ttlMs);
    this.save();
    return token;
  }

  /**
   * Whether `token` is valid; a valid token's lifetime starts again (it moves to the back of the
   * eviction order). Returns the expiry it had before, so the caller can renew the cookie.
   */
  use(token: string): { valid: boolean; previousExpiry: number } {
    const key = hash(token);
    const expiry = this.tokens.get(key);
    const t = this.now();
    if (expiry === undefined) return { valid: false, previousExpiry: 0 };
    this.tokens.delete(key);
    if (expiry <= t) {
      this.markDirty();
      return { valid: false, previousExpiry: expiry };
    }
    this.tokens.set(key, t + this.options.ttlMs);
    this.markDirty();
    return { valid: true, previousExpiry: expiry };
  }

  /** Forgets every token; returns how many there were. */
  revokeAll(): number {
    const count = this.tokens.size;
    this.tokens.clear();
    this.save();
    return count;
  }

  /** Writes pending changes now (on shutdown). */
  close(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    if (this.dirty) this.save();
  }

  private fingerprintOf(pin: string, salt: string): string {
    return scryptSync(pin, salt, 32).toString("base64url");
  }

  private load(): void {
    const { file, pin, log } = this.options;
    if (!file) {
      this.fingerprint = this.fingerprintOf(pin, this.salt);
      return;
    }
    try {
      const stored = JSON.parse(readFileSync(file, "utf8")) as StoredFile;
      const expected = this.fingerprintOf(pin, stored.salt);
      const same =
        stored.pinFingerprint.length === expected.length && timingSafeEqual(Buffer.from(stored.pinFingerprint), Buffer.from(expected));
      if (same) {
        const t = this.now();
        for (const [key, expiry] of Object.entries(stored.tokens))
          if (typeof expiry === "number" && expiry > t) this.tokens.set(key, expiry);
        this.salt = stored.salt;
        this.fingerprint = expected;
        log.info({ tokens: this.tokens.size }, "tablet login tokens restored");
        return;
      }
      log.info("the PIN changed: every tablet login token is revoked");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT")
        log.warn({ err: String(err), file }, "could not read the tablet token file; starting with none");
    }
    this.fingerprint = this.fingerprintOf(pin, this.salt);
    this.save();
  }

  private markDirty(): void {
    this.dirty = true;
    if (this.saveTimer || !this.options.file) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.save();
    }, SAVE_INTERVAL_MS);
    this.saveTimer.unref();
  }

  private save(): void {
    this.dirty = false;
    const { file, log } = this.options;
    if (!file) return;
    const stored: StoredFile = { version: 1, salt: this.salt, pinFingerprint: this.fingerprint, tokens: Object.fromEntries(this.tokens) };
    try {
      mkdirSync(dirname(file), { recursive: true });
      // Written aside and renamed, so a crash mid-write never leaves half a file.
      writeFileSync(`${file}.tmp`, JSON.stringify(stored), { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
      this.saveFailed = false;
    } catch (err) {
      if (!this.saveFailed)
        log.warn(
          { err: String(err), file },
          "could not save the tablet token file (auth.tokenFile); tablets will pair again after a restart",
        );
      this.saveFailed = true;
    }
  }
}
