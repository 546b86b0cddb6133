/**
 * The route table. Every route declares its access class where it is declared, with what it
 * takes as a body and who may write to it; the router matches strictly and case-sensitively, so
 * `/API/SESSIONS` or `/api/sessions/` is no way round an admin route, and HEAD follows GET.
 * A unit test walks the whole table (router.stack) and checks each route's declared class.
 */
import Router, { type RouterMiddleware } from "@koa/router";
import type { Context, Middleware, Next } from "koa";
import { AppError } from "../errors.js";
import { type Access, type AccessClass, LoginRedirect } from "./access.js";

export interface RouteRule {
  access: AccessClass;
  /** What a request body must be (default json). */
  body?: "json" | "form";
  /** Who may write: same-origin pages only, or also `allowedOrigins` (default). */
  writers?: "same-origin" | "allowed-origins";
}

/** The guard in front of every handler; it carries its rule so the table can be inspected. */
export type RouteGuard = Middleware & { rule: RouteRule };

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const BODY_TYPES: Record<NonNullable<RouteRule["body"]>, RegExp> = {
  json: /^application\/json\s*(;|$)/i,
  form: /^(application\/x-www-form-urlencoded|application\/json)\s*(;|$)/i,
};

function hasBody(ctx: Context): boolean {
  return Number(ctx.get("content-length") || 0) > 0 || ctx.get("transfer-encoding") !== "";
}

function guard(access: Access, rule: RouteRule): RouteGuard {
  const fn = async (ctx: Context, next: Next) => {
    if (UNSAFE_METHODS.has(ctx.method)) access.requireSameSite(ctx, rule.writers === "same-origin");
    try {
      access.require(ctx, rule.access);
    } catch (err) {
      if (!(err instanceof LoginRedirect)) throw err;
      ctx.redirect(err.location);
      return;
    }
    if (UNSAFE_METHODS.has(ctx.method) && hasBody(ctx) && !BODY_TYPES[rule.body ?? "json"].test(ctx.get("content-type"))) {
      const type = ctx.get("content-type") || "none";
      const expected = rule.body === "form" ? "application/x-www-form-urlencoded or application/json" : "application/json";
      throw new AppError("unsupported_media_type", `expected a body of Content-Type ${expected}, got ${type}`);
    }
    await next();
  };
  return Object.assign(fn, { rule });
}

type Path = string | RegExp;
type Rule = AccessClass | RouteRule;
/** The router's context types `ctx.params`, so a handler reads a path parameter as a string. */
type Handler = RouterMiddleware;

/** A strict, case-sensitive router whose every route states its access class. */
export class Routes {
  readonly router = new Router({ strict: true, sensitive: true });

  constructor(private readonly access: Access) {}

  get(path: Path, rule: Rule, handler: Handler): void {
    this.router.get(path, this.guardFor(rule), handler);
  }

  post(path: Path, rule: Rule, handler: Handler): void {
    this.router.post(path, this.guardFor(rule), handler);
  }

  delete(path: Path, rule: Rule, handler: Handler): void {
    this.router.delete(path, this.guardFor(rule), handler);
  }

  private guardFor(rule: Rule): RouteGuard {
    return guard(this.access, typeof rule === "string" ? { access: rule } : rule);
  }
}
