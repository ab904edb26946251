/**
 * Socket handlers, each in the same order: validate the payload (zod) → check who is asking →
 * call the room (sessions, participants, rounds) → acknowledge with a Result. Broadcasts happen in the rooms.
 */
import type { Socket } from "socket.io";
import type { z } from "zod";
import {
  CLIENT_EVENTS,
  type ClientToServerEvents,
  ErrorCode,
  fail,
  hostAttachSchema,
  lockSchema,
  ok,
  removeParticipantSchema,
  type Result,
  roundRefSchema,
  roundSettingsSchema,
  sampleSubmitSchema,
  type ServerToClientEvents,
  studentJoinSchema,
  studentResumeSchema,
  emptySchema,
  guessSubmitSchema,
} from "@tokenroom/shared";
import { ServiceError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { rooms } from "./broadcaster.ts";
import type { SampleService } from "./sample-service.ts";
import type { LiveLayer } from "./live-layer.ts";
import type { SocketLimits } from "./socket-limits.ts";
import { shardOf } from "./student-fanout.ts";

export interface SocketData {
  role?: "host" | "student";
  sessionId?: string;
  participantId?: string;
}

export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const E = ErrorCode;
const known = new Set<string>(CLIENT_EVENTS);

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid payload";
  return issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message;
}

export function registerHandlers(
  socket: AppSocket,
  { sessions, participants, rounds }: Pick<LiveLayer, "sessions" | "participants" | "rounds">,
  samples: SampleService,
  log: Logger,
  limits: SocketLimits,
): void {
  const ip = limits.ipOf(socket);
  /** Wraps a handler: parse → run → ack; every failure becomes an error ack, never a crash. */
  function on<S extends z.ZodType, T>(
    event: string,
    schema: S,
    run: (payload: z.output<S>) => Promise<T>,
  ): void {
    socket.on(
      event as never,
      ((raw: unknown, ack: unknown) => {
        const reply = typeof ack === "function" ? (ack as (r: Result<T>) => void) : () => undefined;
        const parsed = schema.safeParse(raw);
        if (!parsed.success) return reply(fail(E.BAD_REQUEST, `${event}: ${describeIssue(parsed.error)}`));
        // a synchronous throw inside run() becomes a rejection too: nothing escapes to the process
        new Promise<T>((resolve) => resolve(run(parsed.data))).then(
          (data) => reply(ok(data)),
          (error: unknown) => {
            if (error instanceof ServiceError) {
              reply(fail(error.code, error.message, error.options.retryAfterMs));
              if (error.options.closeAfterReply) socket.disconnect(true); // the ack is written first
              return;
            }
            log.error(`${event} failed`, error);
            reply(fail(E.INTERNAL, "something went wrong on the server; try again"));
          },
        );
      }) as never,
    );
  }

  socket.onAny((event: string, ...args: unknown[]) => {
    if (known.has(event)) return;
    const ack = args[args.length - 1];
    if (typeof ack === "function")
      (ack as (r: Result<never>) => void)(fail(E.BAD_REQUEST, `unknown event "${event}"`));
  });

  const hostSession = (): string => {
    const { role, sessionId } = socket.data;
    if (role !== "host" || !sessionId)
      throw new ServiceError(E.FORBIDDEN, "only the session's host may do this; attach with the host key");
    return sessionId;
  };

  const student = (): { sessionId: string; participantId: string } => {
    const { role, sessionId, participantId } = socket.data;
    if (role !== "student" || !sessionId || !participantId)
      throw new ServiceError(E.NOT_JOINED, "join the session first");
    return { sessionId, participantId };
  };

  on("host:attach", hostAttachSchema, async ({ sessionId, hostKey }) => {
    if (socket.data.role === "student") throw new ServiceError(E.FORBIDDEN, "this connection is a student's");
    const snapshot = await limits.attempt(socket, ip, () => sessions.attach(sessionId, hostKey));
    socket.data.role = "host";
    socket.data.sessionId = sessionId;
    await socket.join(rooms.host(sessionId));
    return snapshot;
  });
  on("round:start", roundSettingsSchema, (settings) => rounds.start(hostSession(), settings));
  on("round:reveal", roundRefSchema, ({ roundId }) => rounds.reveal(hostSession(), roundId));
  on("round:close", roundRefSchema, ({ roundId }) => rounds.close(hostSession(), roundId));
  on("session:lock", lockSchema, ({ locked }) => sessions.lock(hostSession(), locked));
  on("participant:remove", removeParticipantSchema, ({ participantId }) =>
    participants.remove(hostSession(), participantId),
  );
  on("session:end", emptySchema, () => sessions.end(hostSession()));

  const becomeStudent = async (sessionId: string, participantId: string) => {
    if (socket.data.role === "host")
      throw new ServiceError(
        E.FORBIDDEN,
        "this connection is the host's; open the join page in another browser",
      );
    if (socket.data.participantId && socket.data.participantId !== participantId) {
      throw new ServiceError(E.FORBIDDEN, "this connection already belongs to another participant");
    }
    if (!socket.data.participantId) {
      socket.data.role = "student";
      socket.data.sessionId = sessionId;
      socket.data.participantId = participantId;
      await socket.join([
        rooms.students(sessionId),
        rooms.studentShard(sessionId, shardOf(participantId)),
        rooms.participant(participantId),
      ]);
      await participants.connected(sessionId, participantId);
    }
  };

  on("student:join", studentJoinSchema, async ({ code, nickname }) => {
    if (socket.data.role)
      throw new ServiceError(E.FORBIDDEN, "this connection has already joined; reload to join again");
    await limits.lookup(ip);
    const result = await limits.attempt(socket, ip, () => participants.join(code, nickname));
    await becomeStudent(result.snapshot.session.id, result.participantId);
    return result;
  });
  on("student:resume", studentResumeSchema, async ({ participantId, resumeToken }) => {
    const { sessionId, snapshot } = await limits.attempt(socket, ip, () =>
      participants.resume(participantId, resumeToken),
    );
    await becomeStudent(sessionId, participantId);
    return snapshot;
  });
  on("bemodel:next", roundRefSchema, ({ roundId }) => rounds.nextWord(hostSession(), roundId));
  on("guess:lock", roundRefSchema, ({ roundId }) => rounds.lockGuesses(hostSession(), roundId));
  on("guess:submit", guessSubmitSchema, async ({ roundId, probs }) => {
    const { sessionId, participantId } = student();
    await limits.guess(participantId);
    return rounds.submitGuess(sessionId, participantId, roundId, probs);
  });
  on("sample:submit", sampleSubmitSchema, async ({ roundId, samples: batch }) => {
    const { sessionId, participantId } = student();
    return samples.submit(await rounds.liveFor(sessionId, roundId), participantId, roundId, batch);
  });

  socket.on("disconnect", () => {
    limits.forget(socket);
    const { role, sessionId, participantId } = socket.data;
    if (role === "student" && sessionId && participantId) {
      // only a session still in memory: one that left it counts its sockets again when it is loaded
      participants.disconnected(sessionId, participantId).catch(() => undefined);
    }
  });
}
