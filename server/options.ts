// The options of `startServer`, with the defaults a fresh machine needs (no external services).
import { randomBytes } from "node:crypto";
import type { Clock } from "./clock.js";
import type { CorsOrigins } from "./http/cors.js";
import { resolveLimits, type LimitOptions, type ServerLimits } from "./limits.js";
import { defaultConversationOptions, type ConversationOptions } from "./conversations/conversations.js";
import { defaultMessageOptions, type MessageOptions } from "./messages/messages.js";
import { defaultFileOptions, type FileOptions } from "./files/files.js";
import type { FileStore } from "./files/file-storage.js";
import { defaultPresenceOptions, type PresenceOptions } from "./presence/presence-options.js";
import { defaultRelationshipOptions, type RelationshipOptions } from "./relationships/relationship-options.js";
import type { HttpProviderOptions, SpeechToTextOptions } from "./translation/providers.js";

export interface ServerOptions {
  /** TCP port; 0 picks a free one. Default 0 (npm start passes PORT, default 8080). */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** The application's SDKAppID, which UserSigs must carry. Default 1400000000. */
  sdkAppID?: number;
  /** The application's secret key (the console's 64-hex-character key, used as text). Default: random per start. */
  secretKey?: string;
  /** "memory", a SQLite file path, or a postgres:// URL. Default ./data/chatwire.db. */
  storage?: string;
  /** Presence settings; see PresenceOptions. */
  presence?: Partial<PresenceOptions>;
  /** The Easemob-style organisation of the REST routes. Default "chatwire"; the app name is the SDKAppID. */
  orgName?: string;
  /** Interval of keep-alive frames on idle event streams. Default 15 s. */
  keepaliveMs?: number;
  /** pino log level; "silent" turns logs off. Default "info". */
  logLevel?: string;
  /** The clock every timeout reads; tests pass a manual one. */
  clock?: Clock;
  /** Origins browser apps may call from: "*" (default; auth is a bearer token, not a cookie) or a list. */
  corsOrigins?: CorsOrigins;
  /** Body sizes, timeouts, HTTP/2 settings, stream buffers, sessions and login attempts; see server/limits.ts. */
  limits?: LimitOptions;
  /** How long `close()` lets calls in flight finish before it ends streams and connections. Default 5 s. */
  shutdownGraceMs?: number;
  /** Whether /metrics serves Prometheus metrics. Default true. */
  metrics?: boolean;
  /** Message settings: the revoke window (default 2 min), when merger bodies are stored apart. */
  messages?: Partial<MessageOptions>;
  /** Conversation settings: list size (default 100), multi-device deletion sync (off), conversation group cap (20). */
  conversations?: Partial<ConversationOptions>;
  /** Relationship settings: declared custom profile and friend fields (none), the friend check on C2C messages (off). */
  relationships?: Partial<RelationshipOptions>;
  /**
   * Uploads: size limits (images 20 MB, other files 100 MB), the directory of the local store (default: `files/`
   * beside the SQLite file, `./data/files` with PostgreSQL, a temporary directory with `memory`), or another
   * FileStore (e.g. over an S3-compatible object store, for several servers).
   */
  files?: Partial<FileOptions> & { dir?: string; store?: FileStore };
  /** A LibreTranslate-compatible service for translateText; without it translateText fails with 2117. */
  translation?: HttpProviderOptions;
  /** An OpenAI-compatible transcription service for convertVoiceToText; without it the call fails with 2118. */
  speechToText?: SpeechToTextOptions;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  sdkAppID: number;
  secretKey: string;
  storage: string | undefined;
  presence: PresenceOptions;
  orgName: string;
  keepaliveMs: number;
  logLevel: string;
  corsOrigins: CorsOrigins;
  limits: ServerLimits;
  shutdownGraceMs: number;
  metrics: boolean;
  messages: MessageOptions;
  conversations: ConversationOptions;
  relationships: RelationshipOptions;
  files: FileOptions & { dir?: string; store?: FileStore };
  translation: HttpProviderOptions | undefined;
  speechToText: SpeechToTextOptions | undefined;
}

export function resolveOptions(options: ServerOptions): ResolvedOptions {
  return {
    port: options.port ?? 0,
    host: options.host ?? "127.0.0.1",
    sdkAppID: options.sdkAppID ?? 1400000000,
    secretKey: options.secretKey ?? randomBytes(32).toString("hex"),
    storage: options.storage,
    presence: { ...defaultPresenceOptions, ...options.presence },
    orgName: options.orgName ?? "chatwire",
    keepaliveMs: options.keepaliveMs ?? 15_000,
    logLevel: options.logLevel ?? "info",
    corsOrigins: options.corsOrigins ?? "*",
    limits: resolveLimits(options.limits),
    shutdownGraceMs: options.shutdownGraceMs ?? 5_000,
    metrics: options.metrics ?? true,
    messages: { ...defaultMessageOptions, ...options.messages },
    conversations: { ...defaultConversationOptions, ...options.conversations },
    relationships: { ...defaultRelationshipOptions, ...options.relationships },
    files: { ...defaultFileOptions, ...options.files },
    translation: options.translation,
    speechToText: options.speechToText,
  };
}
