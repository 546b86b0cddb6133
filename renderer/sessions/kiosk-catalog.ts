/**
 * The configured kiosks as the appliance serves them: their URLs resolved against the renderer's
 * own origin, their sound choice settled, and which page a create request starts on.
 */
import type { CreateSessionBody, KioskInfo } from "../../protocol/index.js";
import type { Config } from "../config/schema.js";
import { AppError } from "../errors.js";
import { UrlPolicy } from "./url-policy.js";

/** Where a new session starts. `custom` URLs still have to pass the URL policy. */
export interface SessionStart {
  url: string;
  kioskId?: string;
  wantsAudio: boolean;
  custom: boolean;
}

export class KioskCatalog {
  private readonly kiosks: KioskInfo[];

  constructor(
    private readonly config: Pick<Config, "kiosks" | "audio">,
    selfOrigin: string,
  ) {
    const audioDefault = config.audio.default;
    this.kiosks = config.kiosks.map(({ audio, ...k }) => ({
      ...k,
      url: UrlPolicy.resolveKioskUrl(k.url, selfOrigin),
      ...((audio ?? audioDefault) ? { audio: true } : {}),
    }));
  }

  /** Copies, so a caller cannot change the catalog. */
  list(): KioskInfo[] {
    return this.kiosks.map((k) => ({ ...k }));
  }

  urls(): string[] {
    return this.kiosks.map((k) => k.url);
  }

  /** The kiosk, the custom URL, or (the original create-then-load flow) the first kiosk. */
  startOf(body: CreateSessionBody): SessionStart {
    if (body.kiosk !== undefined) {
      const kiosk = this.kiosks.find((k) => k.id === body.kiosk);
      if (!kiosk)
        throw new AppError(
          "unknown_kiosk",
          `no kiosk ${JSON.stringify(body.kiosk)}; configured: ${this.kiosks.map((k) => k.id).join(", ")}`,
        );
      return { url: kiosk.url, kioskId: kiosk.id, wantsAudio: kiosk.audio === true, custom: false };
    }
    if (body.url !== undefined) return { url: body.url, wantsAudio: this.config.audio.default, custom: true };
    // The config refuses an empty kiosk list.
    const first = this.kiosks[0]!;
    return { url: first.url, kioskId: first.id, wantsAudio: first.audio === true, custom: false };
  }
}
