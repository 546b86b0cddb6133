/**
 * Walks the router's whole table: every route must carry an access class, and the class must be
 * the one this list expects. A route added without a class, or with one nobody reviewed here,
 * fails this test instead of shipping open.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { pino } from "pino";
import { parseConfig } from "../../renderer/config/load.js";
import { Access } from "../../renderer/http/access.js";
import { type AppOptions, createApp } from "../../renderer/http/app.js";
import type { RouteGuard } from "../../renderer/http/routes.js";
import { KeyedBuckets } from "../../renderer/rate-limit.js";

/** "METHOD path" → access class (and writers, where they differ from the default). */
const EXPECTED: Record<string, string> = {
  "GET /login": "public",
  "POST /login": "public same-origin form",
  "GET /health": "public",
  "GET /metrics": "admin",
  "GET /api/info": "tablet",
  "GET /api/ice-servers": "tablet",
  "GET /api/kiosks": "tablet",
  "POST /api/session/create": "tablet",
  "POST /api/session/:id/load": "tablet",
  "GET /api/sessions": "admin",
  "DELETE /api/sessions": "admin",
  "GET /api/admin/sessions": "admin",
  "POST /api/admin/tokens/revoke": "admin",
  "GET /api/session/:id": "tablet",
  "GET /api/session/:id/stats": "tablet",
  "DELETE /api/session/:id": "tablet",
  "GET /": "tablet",
  "GET /viewer": "tablet",
  "GET /diagnostics": "tablet",
  "GET /^\\/(app(-legacy)?\\.js(\\.map)?|sw\\.js|icons\\/[A-Za-z0-9._-]+)$/": "public",
  "GET /manifest.webmanifest": "public",
  "GET /^\\/pages\\/(.+)$/": "public",
};

function routeTable() {
  const config = parseConfig("kiosks: [{ id: a, title: A, url: http://10.0.0.5/ }]");
  const log = pino({ level: "silent" });
  const access = new Access({ pin: "", adminToken: "", allowedOrigins: [], hosts: [], tokenTtlSeconds: 60, tokenFile: "", log });
  // Handlers are not called here: only the table is read, so the parts they use stay empty.
  const options = {
    config,
    version: "0",
    access,
    mintLimit: new KeyedBuckets(1, 1),
    log,
    viewerDir: "",
    pagesDir: "",
  } as unknown as AppOptions;
  return createApp(options).router.stack;
}

describe("route table", () => {
  test("every route declares the access class this list expects, and HEAD follows GET", () => {
    const seen: Record<string, string> = {};
    for (const layer of routeTable()) {
      const guard = layer.stack[0] as Partial<RouteGuard>;
      const methods = layer.methods.filter((m) => m !== "HEAD");
      assert.ok(guard.rule, `${methods.join(",")} ${String(layer.path)} has no access guard as its first middleware`);
      if (methods.includes("GET")) assert.ok(layer.methods.includes("HEAD"), `HEAD follows GET on ${String(layer.path)}`);
      const { access, writers, body } = guard.rule;
      for (const method of methods) seen[`${method} ${String(layer.path)}`] = [access, writers, body].filter(Boolean).join(" ");
    }
    assert.deepEqual(seen, EXPECTED);
  });

  test("matching is strict and case-sensitive", () => {
    for (const layer of routeTable()) {
      if (typeof layer.path !== "string" || layer.path.includes(":")) continue;
      assert.ok(layer.match(layer.path), layer.path);
      assert.ok(!layer.match(`${layer.path}/`) || layer.path === "/", `${layer.path}/ must not match`);
      if (/[a-z]/.test(layer.path)) assert.ok(!layer.match(layer.path.toUpperCase()), `${layer.path.toUpperCase()} must not match`);
    }
  });
});
