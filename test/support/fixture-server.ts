/**
 * A local web server for the test pages (test/fixtures) on its own origin, standing in for a
 * kiosk's website. Pages report what happened to them (clicks, text, scroll) by POSTing to
 * /report, so a test sees the remote page react, not just that input was sent.
 */
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, normalize } from "node:path";
import { FIXTURES_DIR } from "./paths.js";

export type Report = Record<string, unknown> & { event: string };

export class FixtureServer {
  readonly reports: Report[] = [];
  private server: Server | null = null;
  private waiters = new Set<() => void>();
  origin = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method === "POST" && path === "/report") {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => {
          try {
            this.reports.push(JSON.parse(body) as Report);
          } catch {
            // ignore malformed reports
          }
          for (const wake of this.waiters) wake();
          res.writeHead(204).end();
        });
        return;
      }
      if (path === "/redirect") {
        const to = new URL(req.url ?? "/", "http://x").searchParams.get("to") ?? "/";
        res.writeHead(302, { location: to }).end();
        return;
      }
      const file = join(FIXTURES_DIR, normalize(path === "/" ? "/index.html" : path));
      if (!file.startsWith(FIXTURES_DIR)) return void res.writeHead(403).end();
      readFile(file)
        .then((data) =>
          res
            .writeHead(200, {
              "content-type": file.endsWith(".html")
                ? "text/html; charset=utf-8"
                : file.endsWith(".js")
                  ? "text/javascript"
                  : "application/octet-stream",
            })
            .end(data),
        )
        .catch(() => res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves with the first report (existing or future) that matches, or rejects after timeoutMs. */
  waitFor(predicate: (r: Report) => boolean, timeoutMs = 20_000, what = "a report"): Promise<Report> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.reports.find(predicate);
        if (found) {
          cleanup();
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}; reports so far: ${JSON.stringify(this.reports.slice(-10))}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
