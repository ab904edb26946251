/** The socket.io client every load benchmark's bots use: a phone's transport and handshake, and a request with an ack. */
import { io, type Socket } from "socket.io-client";
import { PROTOCOL_VERSION, type Result } from "@tokenroom/shared";

/** Connects as a phone does (websocket only, the protocol version in the handshake); no reconnection. */
export function connectBot(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(url, {
      transports: ["websocket"],
      auth: { protocol: PROTOCOL_VERSION },
      forceNew: true,
      reconnection: false,
      timeout: 20_000,
    });
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}

/** Emits `event` and waits up to `ms` for its ack. */
export const askBot = <T>(s: Socket, event: string, payload: unknown, ms = 30_000) =>
  s.timeout(ms).emitWithAck(event, payload) as Promise<Result<T>>;
