/**
 * The socket: websocket first (polling as a fallback), automatic reconnection, the protocol version in
 * the handshake, and `request()`, which turns every ack (or its absence) into a Result.
 */
import { io, type Socket } from "socket.io-client";
import {
  type ClientToServerEvents,
  type HttpErrorCode,
  PROTOCOL_VERSION,
  type ServerToClientEvents,
} from "@tokenroom/shared";

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Server error codes (socket and HTTP) plus the client's own: no answer in time, or not connected. */
export type ClientErrorCode = HttpErrorCode | "TIMEOUT" | "OFFLINE";
export interface ClientError {
  code: ClientErrorCode;
  message: string;
}
export type ClientResult<T> = { ok: true; data: T } | { ok: false; error: ClientError };

type AckOf<E extends keyof ClientToServerEvents> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];
type DataOf<E extends keyof ClientToServerEvents> = Extract<AckOf<E>, { ok: true }>["data"];
type PayloadOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];

export const REQUEST_TIMEOUT_MS = 10_000;

export function connectSocket(): AppSocket {
  return io({
    transports: ["websocket", "polling"],
    tryAllTransports: true,
    auth: { protocol: PROTOCOL_VERSION },
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    randomizationFactor: 0.5,
  });
}

/** A refused handshake: `data` is what the server's middleware attached. */
export type ConnectError = Error & { data?: { code?: string; retryAfterMs?: number } };

/**
 * [L6] A handshake refused RATE_LIMITED (too many open sockets from this network address): socket.io does not
 * retry a refusal by itself, so connect again once the server's `retryAfterMs` has passed. Returns the error to
 * show, or null for any other refusal.
 */
export function retryWhenAllowed(socket: AppSocket, error: ConnectError): ClientError | null {
  if (error.data?.code !== "RATE_LIMITED") return null;
  setTimeout(() => {
    if (!socket.connected) socket.connect();
  }, error.data.retryAfterMs ?? 25_000);
  return { code: "RATE_LIMITED", message: error.message };
}

/** What a session's state shows of its connection. */
export interface ConnectionState {
  connected: boolean;
  error: ClientError | null;
}

/**
 * Connects a session's socket (the host's or a student's): `connected` follows the connection; a protocol
 * mismatch or a rate-limited handshake (retried once allowed, [L6]) becomes the `error`, and a rate limit's
 * error is cleared when the socket connects. `onConnect` runs after every (re)connection, `onDisconnect`
 * before the state says disconnected.
 */
export function connectSessionSocket(session: {
  error: () => ClientError | null;
  set: (patch: Partial<ConnectionState>) => void;
  onConnect: () => void;
  onDisconnect?: () => void;
}): AppSocket {
  const socket = connectSocket();
  socket.on("connect", () => {
    session.set({ connected: true, ...(session.error()?.code === "RATE_LIMITED" ? { error: null } : {}) });
    session.onConnect();
  });
  socket.on("disconnect", () => {
    session.onDisconnect?.();
    session.set({ connected: false });
  });
  socket.on("connect_error", (error: ConnectError) => {
    if (error.data?.code === "PROTOCOL_MISMATCH")
      session.set({ error: { code: "PROTOCOL_MISMATCH", message: error.message } });
    const limited = retryWhenAllowed(socket, error);
    if (limited) session.set({ error: limited });
  });
  return socket;
}

/** Emits `event` and resolves with its Result; a missing ack becomes TIMEOUT, a lost connection OFFLINE. */
export async function request<E extends keyof ClientToServerEvents>(
  socket: AppSocket,
  event: E,
  payload: PayloadOf<E>,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<ClientResult<DataOf<E>>> {
  // the typed overloads of emitWithAck cannot be expressed for a generic event name
  const emitter = socket.timeout(timeoutMs) as unknown as {
    emitWithAck(event: string, payload: unknown): Promise<AckOf<E>>;
  };
  try {
    return await emitter.emitWithAck(event, payload);
  } catch (error) {
    const disconnected = error instanceof Error && /disconnected/.test(error.message);
    return {
      ok: false,
      error: disconnected
        ? { code: "OFFLINE", message: "the connection was lost" }
        : { code: "TIMEOUT", message: "the server did not answer in time" },
    };
  }
}
