/** What the student's page shows of its session: the state StudentSession keeps and React reads. */
import type { GuessResult, RoundInfo, RoundStats, TheoryView } from "@tokenroom/shared";
import type { ClientError } from "../api/socket.ts";
import type { PipelineView } from "./sample-pipeline.ts";

export type StudentPhase = "connecting" | "join" | "ready" | "removed" | "ended";
export type ModelStatus = "idle" | "loading" | "ready" | "error";

export interface StudentState {
  phase: StudentPhase;
  code: string;
  connected: boolean;
  nickname: string | null;
  participantId: string | null;
  round: RoundInfo | null;
  theory: TheoryView | null;
  stats: RoundStats | null;
  model: ModelStatus;
  auto: boolean;
  joining: boolean;
  joinError: ClientError | null;
  /** The latest problem worth showing (cleared when things work again). */
  error: ClientError | null;
  samples: PipelineView | null;
  /** Guess rounds: this student's submitted guess (with its score after the reveal). */
  guess: GuessResult | null;
}

/** Before anything is known: connecting when this browser has joined the room before, else the join form. */
export function initialStudentState(code: string, joined: boolean): StudentState {
  return {
    phase: joined ? "connecting" : "join",
    code,
    connected: false,
    nickname: null,
    participantId: null,
    round: null,
    theory: null,
    stats: null,
    model: "idle",
    auto: false,
    joining: false,
    joinError: null,
    error: null,
    samples: null,
    guess: null,
  };
}
