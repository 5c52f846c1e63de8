// Prometheus metrics of one server (prom-client): sessions, streams and users online (read at scrape time, so they
// cost nothing in between), RPCs by method and official code with latency, events delivered (counted per frame, never
// per recipient label), storage operation latency and auth failures. The process metrics (CPU, memory, GC,
// event-loop lag) are collected once per process and appended to every server's scrape.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Latency buckets in seconds, from 0.25 ms to 5 s. */
const LATENCY_BUCKETS = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

let processRegistry: Registry | undefined;

/** The process-wide metrics (process_*, nodejs_* including nodejs_eventloop_lag_seconds), started on first use. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export interface LiveCounts {
  sessions: number;
  users: number;
  openStreams: number;
}

export interface ServerMetrics {
  /** One finished RPC: its full method name, its outcome ("0" or the official code, else the Connect code) and duration. */
  rpc(method: string, code: string, seconds: number): void;
  /** A request refused for its credentials (a 70xxx code, or 990003 for an unknown session). */
  authFailure(code: number): void;
  /** A frame of `events` events was written to one stream. */
  delivered(events: number): void;
  /** One storage operation (e.g. "presence.put") took `seconds`; `failed` when it threw. */
  storage(operation: string, seconds: number, failed: boolean): void;
  /** The text exposition of every metric, and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

export function createServerMetrics(options: { version: string; live: () => LiveCounts }): ServerMetrics {
  const registry = new Registry();
  new Gauge({ name: "chatwire_build_info", help: "Always 1; the version label says which Chatwire runs.", labelNames: ["version"], registers: [registry] })
    .labels(options.version)
    .set(1);
  let live: LiveCounts | undefined;
  // The three gauges read one snapshot per scrape.
  const liveGauge = (name: string, help: string, pick: (c: LiveCounts) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        live ??= options.live();
        this.set(pick(live));
      },
    });
  liveGauge("chatwire_sessions", "Live sessions (logged-in devices).", (c) => c.sessions);
  liveGauge("chatwire_users_online", "Users with at least one live session.", (c) => c.users);
  liveGauge("chatwire_event_streams", "Open event streams.", (c) => c.openStreams);
  const rpcTotal = new Counter({ name: "chatwire_rpc_requests_total", help: "Finished RPCs by method and outcome (0 or the official error code).", labelNames: ["method", "code"], registers: [registry] });
  const rpcSeconds = new Histogram({ name: "chatwire_rpc_duration_seconds", help: "RPC latency by method.", labelNames: ["method"], buckets: LATENCY_BUCKETS, registers: [registry] });
  const authFailures = new Counter({ name: "chatwire_auth_failures_total", help: "Requests refused for their credentials, by official code.", labelNames: ["code"], registers: [registry] });
  const eventsDelivered = new Counter({ name: "chatwire_events_delivered_total", help: "Events written to event streams (one per event and stream).", registers: [registry] });
  const framesDelivered = new Counter({ name: "chatwire_event_frames_total", help: "Frames carrying events written to event streams.", registers: [registry] });
  const storageSeconds = new Histogram({ name: "chatwire_storage_operation_duration_seconds", help: "Storage operation latency by operation and outcome.", labelNames: ["operation", "outcome"], buckets: LATENCY_BUCKETS, registers: [registry] });
  processMetrics();

  // Label children are looked up once per label set, not per call.
  const rpcCounters = new Map<string, Counter.Internal>();
  const rpcHistograms = new Map<string, Histogram.Internal<"method">>();
  const storageHistograms = new Map<string, Histogram.Internal<"operation" | "outcome">>();
  const cached = <T>(map: Map<string, T>, key: string, make: () => T): T => {
    let child = map.get(key);
    if (!child) map.set(key, (child = make()));
    return child;
  };

  return {
    rpc(method, code, seconds) {
      cached(rpcCounters, `${method} ${code}`, () => rpcTotal.labels(method, code)).inc();
      cached(rpcHistograms, method, () => rpcSeconds.labels(method)).observe(seconds);
    },
    authFailure(code) {
      authFailures.labels(String(code)).inc();
    },
    delivered(events) {
      eventsDelivered.inc(events);
      framesDelivered.inc();
    },
    storage(operation, seconds, failed) {
      const outcome = failed ? "error" : "ok";
      cached(storageHistograms, `${operation} ${outcome}`, () => storageSeconds.labels(operation, outcome)).observe(seconds);
    },
    async render() {
      live = undefined;
      const body = (await registry.metrics()) + (await processMetrics().metrics());
      return { contentType: registry.contentType, body };
    },
  };
}
