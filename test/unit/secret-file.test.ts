import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync, writeFileSync, readdirSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadOrCreateSecret, SecretFileError, withSecretFile } from "../../renderer/turn/secret-file.js";

const dir = () => mkdtempSync(join(tmpdir(), "jiomosa-secret-"));

test("first start: a 64-hex-digit secret is generated, mode 600, and kept for the next start", async () => {
  const path = join(dir(), "turn-secret");
  const first = await loadOrCreateSecret(path);
  assert.equal(first.created, true);
  assert.match(first.secret, /^[0-9a-f]{64}$/);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(readFileSync(path, "utf8").trim(), first.secret);
  const second = await loadOrCreateSecret(path);
  assert.deepEqual(second, { secret: first.secret, created: false });
});

test("two renderers starting at once end up with one secret and no temporary files", async () => {
  const folder = dir();
  const path = join(folder, "turn-secret");
  const results = await Promise.all([loadOrCreateSecret(path), loadOrCreateSecret(path), loadOrCreateSecret(path)]);
  assert.equal(new Set(results.map((r) => r.secret)).size, 1);
  assert.deepEqual(readdirSync(folder), ["turn-secret"]);
});

test("a too short secret in the file is a clear error, not a weak secret", async () => {
  const path = join(dir(), "turn-secret");
  writeFileSync(path, "short\n");
  await assert.rejects(
    loadOrCreateSecret(path),
    (err: Error) => err instanceof SecretFileError && /at least 16 characters/.test(err.message) && !err.message.includes("short"),
  );
});

test("an unwritable folder is a clear error", { skip: process.getuid?.() === 0 ? "root writes anywhere" : false }, async () => {
  const folder = dir();
  chmodSync(folder, 0o500);
  await assert.rejects(loadOrCreateSecret(join(folder, "turn-secret")), SecretFileError);
});

test("TURN_SECRET beats the file; without TURN_SECRET_FILE nothing changes", async () => {
  const path = join(dir(), "turn-secret");
  const pinned = await withSecretFile({ TURN_SECRET: "pinned-secret-0123456789", TURN_SECRET_FILE: path });
  assert.equal(pinned.env.TURN_SECRET, "pinned-secret-0123456789");
  assert.throws(() => statSync(path), "no file written when the secret is pinned");
  const none = await withSecretFile({});
  assert.equal(none.env.TURN_SECRET, undefined);
  const fromFile = await withSecretFile({ TURN_SECRET: "", TURN_SECRET_FILE: path });
  assert.match(fromFile.env.TURN_SECRET ?? "", /^[0-9a-f]{64}$/);
  assert.match(fromFile.note ?? "", /generated a TURN secret in/);
  assert.doesNotMatch(fromFile.note ?? "", new RegExp(fromFile.env.TURN_SECRET!), "the note never shows the secret");
});
