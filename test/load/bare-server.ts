/** The floor for the load benchmark: socket.io that only counts sample messages and acks them. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { loopDelay } from "../../server/src/http/event-loop-debug.ts";

const port = Number(process.env.PORT ?? 0);
// its event-loop delay as the server's GET /debug/event-loop reports it ([LAG1]): the floor for serverLagP99Ms
const delay = loopDelay();
const http = createServer((req, res) => {
  if (req.url?.startsWith("/debug/event-loop")) {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(delay.figures()));
    if (req.url.endsWith("?reset=1")) delay.reset();
    return;
  }
  res.writeHead(req.url === "/healthz" ? 200 : 404).end();
});
const io = new Server(http, { maxHttpBufferSize: 64 * 1024, serveClient: false });
let samples = 0;
io.on("connection", (socket) => {
  socket.on("sample:submit", (payload: { samples?: unknown[] }, ack: (r: unknown) => void) => {
    const n = Array.isArray(payload?.samples) ? payload.samples.length : 0;
    samples += n;
    if (typeof ack === "function")
      ack({
        ok: true,
        data: { results: Array.from({ length: n }, (_, index) => ({ index, status: "accepted" })) },
      });
  });
});
http.listen(port, "127.0.0.1", () => console.log(`bare server on ${(http.address() as AddressInfo).port}`));
process.on("SIGTERM", () => {
  console.log(`bare server counted ${samples} samples`);
  process.exit(0);
});
