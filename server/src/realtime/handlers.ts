/**
 * Socket handlers, each in the same order: validate the payload (zod) → check who is asking →
 * call the room (sessions, participants, rounds) → acknowledge with a Result. Broadcasts happen in the rooms.
 * The handler table is checked against `ClientToServerEvents`: one entry per event, each schema's input the
 * event's payload type, each result the ack's data type.
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
import type { LiveLayer } from "./live-layer.ts";
import type { SampleService } from "./sample-service.ts";
import type { SocketLimits } from "./socket-limits.ts";
import { shardOf } from "./student-fanout.ts";

export interface SocketData {
  role?: "host" | "student";
  sessionId?: string;
  participantId?: string;
}

export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

type ClientEvent = keyof ClientToServerEvents;
/** What a client sends with `E`. */
export type EventPayload<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
/** What the server acknowledges `E` with, when it succeeds. */
export type EventResult<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[1] extends (
  result: Result<infer T>,
) => void
  ? T
  : never;

/** One event's handler: a schema whose input is the payload type, and what to run with its output. */
interface Handler<In, Out> {
  readonly schema: z.ZodType<unknown, In>;
  /** Parses `raw`; on success, the run to acknowledge. */
  parse(raw: unknown): { ok: true; run: () => Promise<Out> } | { ok: false; error: z.ZodError };
}

type HandlerTable = { readonly [E in ClientEvent]: Handler<EventPayload<E>, EventResult<E>> };

function handle<Out, In, T>(schema: z.ZodType<Out, In>, run: (payload: Out) => Promise<T>): Handler<In, T> {
  return {
    schema,
    parse(raw) {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return { ok: false, error: parsed.error };
      // a synchronous throw inside run() becomes a rejection too: nothing escapes to the process
      return { ok: true, run: () => new Promise<T>((resolve) => resolve(run(parsed.data))) };
    },
  };
}

/** `true` only when `A` and `B` are the same union. */
type SameUnion<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// CLIENT_EVENTS lists exactly the keys of ClientToServerEvents: registering it registers every handler
const clientEventsAreTheMap: SameUnion<(typeof CLIENT_EVENTS)[number], ClientEvent> = true;
void clientEventsAreTheMap;

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

  const handlers = {
    "host:attach": handle(hostAttachSchema, async ({ sessionId, hostKey }) => {
      if (socket.data.role === "student")
        throw new ServiceError(E.FORBIDDEN, "this connection is a student's");
      const snapshot = await limits.attempt(socket, ip, () => sessions.attach(sessionId, hostKey));
      socket.data.role = "host";
      socket.data.sessionId = sessionId;
      await socket.join(rooms.host(sessionId));
      return snapshot;
    }),
    "round:start": handle(roundSettingsSchema, (settings) => rounds.start(hostSession(), settings)),
    "round:reveal": handle(roundRefSchema, ({ roundId }) => rounds.reveal(hostSession(), roundId)),
    "round:close": handle(roundRefSchema, ({ roundId }) => rounds.close(hostSession(), roundId)),
    "session:lock": handle(lockSchema, ({ locked }) => sessions.lock(hostSession(), locked)),
    "participant:remove": handle(removeParticipantSchema, ({ participantId }) =>
      participants.remove(hostSession(), participantId),
    ),
    "session:end": handle(emptySchema, () => sessions.end(hostSession())),
    "student:join": handle(studentJoinSchema, async ({ code, nickname }) => {
      if (socket.data.role)
        throw new ServiceError(E.FORBIDDEN, "this connection has already joined; reload to join again");
      await limits.lookup(ip);
      const result = await limits.attempt(socket, ip, () => participants.join(code, nickname));
      await becomeStudent(result.snapshot.session.id, result.participantId);
      return result;
    }),
    "student:resume": handle(studentResumeSchema, async ({ participantId, resumeToken }) => {
      const { sessionId, snapshot } = await limits.attempt(socket, ip, () =>
        participants.resume(participantId, resumeToken),
      );
      await becomeStudent(sessionId, participantId);
      return snapshot;
    }),
    "bemodel:next": handle(roundRefSchema, ({ roundId }) => rounds.nextWord(hostSession(), roundId)),
    "guess:lock": handle(roundRefSchema, ({ roundId }) => rounds.lockGuesses(hostSession(), roundId)),
    "guess:submit": handle(guessSubmitSchema, async ({ roundId, probs }) => {
      const { sessionId, participantId } = student();
      await limits.guess(participantId);
      return rounds.submitGuess(sessionId, participantId, roundId, probs);
    }),
    "sample:submit": handle(sampleSubmitSchema, async ({ roundId, samples: batch }) => {
      const { sessionId, participantId } = student();
      return samples.submit(await rounds.liveFor(sessionId, roundId), participantId, roundId, batch);
    }),
  } satisfies HandlerTable;

  /** The listener of one event: parse → run → ack; every failure becomes an error ack, never a crash. */
  function listen<Ev extends ClientEvent>(
    event: Ev,
  ): (raw: EventPayload<Ev>, ack: (result: Result<EventResult<Ev>>) => void) => void {
    const handler: HandlerTable[Ev] = handlers[event];
    return (raw, ack) => {
      // the payload and the ack are what the client sent: the payload is parsed, the ack may be missing
      const reply = typeof ack === "function" ? ack : () => undefined;
      const parsed = handler.parse(raw);
      if (!parsed.ok) return reply(fail(E.BAD_REQUEST, `${event}: ${describeIssue(parsed.error)}`));
      parsed.run().then(
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
    };
  }

  socket.onAny((event: string, ...args: unknown[]) => {
    if (known.has(event)) return;
    const ack = args[args.length - 1];
    if (typeof ack === "function")
      (ack as (r: Result<never>) => void)(fail(E.BAD_REQUEST, `unknown event "${event}"`));
  });

  for (const event of CLIENT_EVENTS) socket.on(event, listen(event));

  socket.on("disconnect", () => {
    limits.forget(socket);
    const { role, sessionId, participantId } = socket.data;
    if (role === "student" && sessionId && participantId) {
      // only a session still in memory: one that left it counts its sockets again when it is loaded
      participants.disconnected(sessionId, participantId).catch(() => undefined);
    }
  });
}
