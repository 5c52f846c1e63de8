// A Connect transport of its own HTTP/2 connection per device, which the runner can cut: `vanish` aborts every call
// in flight (the server sees the event stream close) and fails every later call, as if the device lost its network.
import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import { createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";

export interface CuttableTransport {
  transport: Transport;
  /** Drops the connection and fails all later calls. */
  cut(): void;
  readonly isCut: boolean;
}

export function createCuttableTransport(baseUrl: string): CuttableTransport {
  const sessionManager = new Http2SessionManager(baseUrl);
  const inner = createConnectTransport({ baseUrl, httpVersion: "2", useBinaryFormat: true, sessionManager });
  const controller = new AbortController();
  const guard = (signal: AbortSignal | undefined): AbortSignal => {
    if (controller.signal.aborted) throw new ConnectError("the device's connection was cut", Code.Unavailable);
    return signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
  };
  const transport: Transport = {
    unary: async (method, signal, timeoutMs, header, input, contextValues) =>
      inner.unary(method, guard(signal), timeoutMs, header, input, contextValues),
    stream: async (method, signal, timeoutMs, header, input, contextValues) =>
      inner.stream(method, guard(signal), timeoutMs, header, input, contextValues),
  };
  return {
    transport,
    cut() {
      if (controller.signal.aborted) return;
      controller.abort(new ConnectError("the device's connection was cut", Code.Unavailable));
      sessionManager.abort();
    },
    get isCut() {
      return controller.signal.aborted;
    },
  };
}
