/** How the service reaches sockets, by room; implemented over socket.io (and so over its Redis adapter). */
import type { ServerToClientEvents } from "@tokenroom/shared";

/** `shards`: only the students in these sub-rooms ([FAN1] student-fanout.ts); without it, every student. */
export type Audience =
  { host: string } | { students: string; shards?: readonly number[] } | { participant: string };

export interface Broadcaster {
  emit<E extends keyof ServerToClientEvents>(
    to: Audience,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void;
  /**
   * For periodic messages (students' statistics): dropped for a socket whose previous messages are still
   * unsent, so a client that stops reading cannot make the server buffer without bound; the next tick repairs it.
   */
  emitVolatile<E extends keyof ServerToClientEvents>(
    to: Audience,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void;
  /** Disconnects every socket of a participant (after removal). */
  disconnectParticipant(participantId: string): void;
  /** How many sockets of this process are in a room (its host's, its students' or one participant's). */
  localSockets(to: Audience): number;
}

export const rooms = {
  host: (sessionId: string) => `s:${sessionId}:host`,
  students: (sessionId: string) => `s:${sessionId}:students`,
  studentShard: (sessionId: string, shard: number) => `s:${sessionId}:students:${shard}`,
  participant: (participantId: string) => `p:${participantId}`,
};

export function roomOf(to: Audience): string {
  if ("host" in to) return rooms.host(to.host);
  if ("students" in to) return rooms.students(to.students);
  return rooms.participant(to.participant);
}

/** The rooms an audience reaches (a socket in several of them still gets one message). */
export function roomsOf(to: Audience): string[] {
  if ("students" in to && to.shards) return to.shards.map((k) => rooms.studentShard(to.students, k));
  return [roomOf(to)];
}
