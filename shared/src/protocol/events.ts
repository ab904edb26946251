/** Event names (`domain:verb`) and the typed maps both sides share. */
import type { Result } from "./errors.ts";
import type {
  GuessSubmit,
  HostAttach,
  LockRequest,
  RemoveParticipant,
  RoundRef,
  RoundSettingsInput,
  SampleSubmit,
  StudentJoin,
  StudentResume,
} from "./schemas.ts";
import type {
  BeModelSummary,
  GuessResult,
  GuessSummary,
  HostSnapshot,
  JoinResult,
  ParticipantInfo,
  RoundInfo,
  RoundStats,
  SessionInfo,
  StudentSnapshot,
  SubmitResult,
  TheoryView,
} from "./views.ts";

/** Bumped on any incompatible change; checked in the socket handshake (`auth.protocol`). */
export const PROTOCOL_VERSION = 1;

type Ack<T> = (result: Result<T>) => void;

export interface ClientToServerEvents {
  "host:attach": (payload: HostAttach, ack: Ack<HostSnapshot>) => void;
  "round:start": (payload: RoundSettingsInput, ack: Ack<RoundInfo>) => void;
  "round:reveal": (payload: RoundRef, ack: Ack<RoundInfo>) => void;
  "round:close": (payload: RoundRef, ack: Ack<RoundInfo>) => void;
  "session:lock": (payload: LockRequest, ack: Ack<SessionInfo>) => void;
  "participant:remove": (payload: RemoveParticipant, ack: Ack<{ participantId: string }>) => void;
  "session:end": (payload: Record<string, never>, ack: Ack<SessionInfo>) => void;
  "student:join": (payload: StudentJoin, ack: Ack<JoinResult>) => void;
  "student:resume": (payload: StudentResume, ack: Ack<StudentSnapshot>) => void;
  "sample:submit": (payload: SampleSubmit, ack: Ack<SubmitResult>) => void;
  "guess:submit": (payload: GuessSubmit, ack: Ack<GuessResult>) => void;
  "guess:lock": (payload: RoundRef, ack: Ack<RoundInfo>) => void;
  /** "Be the model": after a word's reveal, the next word of the series as a new round. */
  "bemodel:next": (payload: RoundRef, ack: Ack<RoundInfo>) => void;
}

export interface ServerToClientEvents {
  "session:state": (session: SessionInfo) => void;
  "participants:update": (participants: ParticipantInfo[]) => void;
  "round:started": (round: RoundInfo) => void;
  "round:theory": (theory: TheoryView) => void;
  "round:revealed": (round: RoundInfo) => void;
  /** A change within a round that is neither a reveal nor a close (guesses locked). */
  "round:updated": (round: RoundInfo) => void;
  "round:closed": (round: RoundInfo) => void;
  "round:stats": (stats: RoundStats) => void;
  "session:ended": (session: SessionInfo) => void;
  "participant:removed": (info: { participantId: string }) => void;
  "guess:summary": (summary: GuessSummary) => void;
  "guess:result": (result: GuessResult) => void;
  "bemodel:summary": (summary: BeModelSummary) => void;
}

export const CLIENT_EVENTS = [
  "host:attach",
  "round:start",
  "round:reveal",
  "round:close",
  "session:lock",
  "participant:remove",
  "session:end",
  "student:join",
  "student:resume",
  "sample:submit",
  "guess:submit",
  "guess:lock",
  "bemodel:next",
] as const satisfies readonly (keyof ClientToServerEvents)[];
