// What the runner needs from a way of driving a server: devices (client instances of one user) that call official
// methods in the official shape and record the events they receive under their official EVENT keys.
import type { EventLog } from "../event-log.js";
import type { DriverName } from "../schema.js";
import type { Trace } from "../trace.js";

/** A call's outcome in the official shape: code 0 with `data`, or an error's code and message. */
export interface Outcome {
  code: number;
  message?: string;
  data?: unknown;
}

export interface DeviceOptions {
  baseUrl: string;
  sdkAppID: number;
  /** The user's real ID. */
  userId: string;
  /** The device's name in the case (main, phone). */
  device: string;
  /** user/device as the case writes it, for the trace. */
  label: string;
  trace: Trace;
}

/** One client instance of one user. */
export interface Device {
  readonly label: string;
  readonly log: EventLog;
  /**
   * Calls an official method with its positional arguments (`[]`: no argument; `[options]`: the options object).
   * `login` resolves once the device is ready (its event stream is open). create*Message methods resolve with the
   * message they build as `data`.
   */
  call(method: string, args: readonly unknown[]): Promise<Outcome>;
  /** Drops the connection without logging out. */
  vanish(): Promise<void>;
  /** Closes the event stream only; calls still work (rpc driver only). */
  closeStream?(): Promise<void>;
  /** Releases everything the device holds (no logout is sent). */
  close(): Promise<void>;
}

export interface Driver {
  readonly name: DriverName;
  openDevice(options: DeviceOptions): Promise<Device>;
}
