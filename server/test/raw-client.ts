/**
 * A socket.io client written against the wire protocol (websocket frames, engine.io v4, socket.io v5)
 * over a plain TCP socket the test owns, so it can stop reading for real (`pause()`): the kernel buffers
 * fill, TCP's window closes, and the server sees a client that does not read.
 */
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

export interface RawClient {
  /** Emits with an ack; resolves with the ack's first argument (once the client reads). */
  call(event: string, payload: unknown): Promise<unknown>;
  /** Events the server pushed: [name, payload]. */
  readonly events: [string, unknown][];
  pause(): void;
  resume(): void;
  close(): void;
}

function frame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x81, 0x80 | len])
      : len < 65536
        ? Buffer.from([0x81, 0x80 | 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([0x81, 0x80 | 127]), bigLength(len)]);
  for (let i = 0; i < len; i++) payload[i]! ^= mask[i % 4]!;
  return Buffer.concat([head, mask, payload]);
}

function bigLength(len: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(len));
  return b;
}

export function rawConnect(url: string, auth: Record<string, unknown>): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  const sock: Socket = connect(Number(port), hostname);
  const acks = new Map<number, (v: unknown) => void>();
  const events: [string, unknown][] = [];
  let nextId = 0;
  let buf = Buffer.alloc(0);
  let upgraded = false;
  let onConnected: (() => void) | undefined;
  let onError: ((e: Error) => void) | undefined;
  const send = (text: string) => sock.write(frame(text));

  const onMessage = (text: string) => {
    if (text.startsWith("0")) return send(`40${JSON.stringify(auth)}`); // engine.io open → socket.io connect
    if (text === "2") return send("3"); // ping → pong
    if (text.startsWith("40")) return onConnected?.();
    if (text.startsWith("44")) return onError?.(new Error(`connect refused: ${text.slice(2)}`));
    const m = /^4([23])(\d*)(.*)$/s.exec(text);
    if (!m) return;
    const args = JSON.parse(m[3]!) as unknown[];
    if (m[1] === "3") {
      const id = Number(m[2]);
      acks.get(id)?.(args[0]);
      acks.delete(id);
    } else events.push([args[0] as string, args[1]]);
  };

  sock.on("data", (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    if (!upgraded) {
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buf.subarray(0, end).toString();
      if (!head.startsWith("HTTP/1.1 101")) return onError?.(new Error(head.split("\r\n")[0]));
      upgraded = true;
      buf = buf.subarray(end + 4);
    }
    for (;;) {
      if (buf.length < 2) return;
      let len = buf[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        offset = 10;
      }
      if (buf.length < offset + len) return;
      const opcode = buf[0]! & 0x0f;
      const data = buf.subarray(offset, offset + len);
      buf = buf.subarray(offset + len);
      if (opcode === 0x1) onMessage(data.toString());
    }
  });

  return new Promise((resolve, reject) => {
    onError = reject;
    sock.once("error", reject);
    onConnected = () =>
      resolve({
        events,
        call(event, payload) {
          const id = nextId++;
          return new Promise((res) => {
            acks.set(id, res);
            send(`42${id}${JSON.stringify([event, payload])}`);
          });
        },
        pause: () => void sock.pause(),
        resume: () => void sock.resume(),
        close: () => void sock.destroy(),
      });
    sock.once("connect", () =>
      sock.write(
        [
          `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1`,
          `Host: ${hostname}:${port}`,
          "Upgrade: websocket",
          "Connection: Upgrade",
          `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
          "Sec-WebSocket-Version: 13",
          "",
          "",
        ].join("\r\n"),
      ),
    );
  });
}
