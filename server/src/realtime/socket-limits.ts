/**
 * [L2] [L4] [L6] Limits on sockets: open sockets per IP (checked at the handshake), failed joins per IP and per
 * socket (a socket that fails too many is answered RATE_LIMITED and closed), guesses per participant.
 */
import type { Server, Socket } from "socket.io";
import { ErrorCode } from "@tokenroom/shared";
import { ServiceError } from "../errors.ts";
import { refusalMessage } from "../http/rate-limit.ts";
import { clientAddress, ipKey, type TrustFunction } from "../limits/client-ip.ts";
import { Concurrency, type Limits, type Refusal } from "../limits/limiter.ts";
import type { Logger } from "../logger.ts";

/** How long a client refused for too many open sockets is told to wait: one socket.io ping interval. */
export const SOCKET_CAP_RETRY_MS = 25_000;

/** Failures of join, resume and host attach that count as a failed join: a wrong code, token or key. */
const FAILED_JOIN = new Set<string>([ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN]);

const limited = (refusal: Refusal, message: string, closeAfterReply = false) =>
  new ServiceError(ErrorCode.RATE_LIMITED, message, { retryAfterMs: refusal.retryAfterMs, closeAfterReply });

export class SocketLimits {
  private readonly sockets: Concurrency;

  constructor(
    readonly limits: Limits,
    private readonly trust: TrustFunction,
    private readonly log: Logger,
  ) {
    this.sockets = new Concurrency(limits.config.maxSocketsPerIp);
  }

  /** The per-IP key of a socket (its handshake request, under TRUST_PROXY). */
  ipOf(socket: Socket): string {
    return ipKey(clientAddress(socket.request, this.trust));
  }

  /** [L6] Middleware: at most maxSocketsPerIp open sockets per IP on this process. */
  install(io: Server): void {
    io.use((socket, next) => {
      const release = this.sockets.acquire(this.ipOf(socket));
      if (!release) {
        const error = new Error(
          `too many open connections from this network address (at most ${this.limits.config.maxSocketsPerIp}); close other tabs or try again in ${SOCKET_CAP_RETRY_MS / 1000} s`,
        ) as Error & { data: unknown };
        error.data = { code: ErrorCode.RATE_LIMITED, retryAfterMs: SOCKET_CAP_RETRY_MS };
        return next(error);
      }
      socket.conn.once("close", release); // the transport's end, whether or not the socket ever connected
      next();
    });
  }

  /** Open sockets of an IP key on this process. */
  openSockets(ip: string): number {
    return this.sockets.count(ip);
  }

  /**
   * [L2] Runs a join, resume or host attach: each attempt takes one failed join from the IP's and the socket's
   * allowance first and gives it back when it succeeds or fails for another reason than a wrong code/token/key.
   * A socket out of allowance is answered RATE_LIMITED and closed; an IP out of allowance is answered
   * RATE_LIMITED.
   */
  async attempt<T>(socket: Socket, ip: string, run: () => Promise<T>): Promise<T> {
    const bySocket = await this.limits.take("failedJoinsPerSocket", socket.id);
    if (bySocket)
      throw limited(
        bySocket,
        `too many codes, tokens or keys that do not match on this connection (at most ${bySocket.rate}): ` +
          "it is closed; check the code on the projector and reload the page",
        true,
      );
    const byIp = await this.limits.take("failedJoinsPerIp", ip).catch((error: unknown) => {
      this.log.error("rate limit failedJoinsPerIp failed", error);
      return null;
    });
    if (byIp) {
      await this.limits.giveBack("failedJoinsPerSocket", socket.id);
      throw limited(byIp, refusalMessage(byIp, "trying codes, tokens or keys that do not match"));
    }
    const giveBack = () =>
      Promise.all([
        this.limits.giveBack("failedJoinsPerSocket", socket.id),
        this.limits.giveBack("failedJoinsPerIp", ip),
      ]).catch((error: unknown) => this.log.error("giving back a join attempt failed", error));
    try {
      const result = await run();
      await giveBack();
      return result;
    } catch (error) {
      if (!(error instanceof ServiceError && FAILED_JOIN.has(error.code))) await giveBack();
      throw error;
    }
  }

  /** [L2] Room lookups by code over the socket (student:join) count with GET /api/rooms/:code. */
  async lookup(ip: string): Promise<void> {
    const refusal = await this.limits.take("roomLookupsPerIp", ip);
    if (refusal) throw limited(refusal, refusalMessage(refusal, "looking up rooms"));
  }

  /** [L4] One guess submission of a participant. */
  async guess(participantId: string): Promise<void> {
    const refusal = await this.limits.take("guessesPerParticipant", participantId);
    if (refusal) throw limited(refusal, refusalMessage(refusal, "sending guesses", "student"));
  }

  /** A socket's own counts end with it. */
  forget(socket: Socket): void {
    void this.limits.forget("failedJoinsPerSocket", socket.id).catch(() => undefined);
  }
}
