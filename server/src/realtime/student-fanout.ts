/**
 * [FAN1] The students' statistics, spread over ticks. Every phone of a session is in one of STUDENT_SHARDS
 * sub-rooms (by a hash of its participant id). A small class gets every tick's statistics on every phone, as
 * before; a large one gets them in turns: each tick writes to about SHARD_SOCKETS phones, so one tick never holds
 * the event loop for a write to every phone, and the classroom's Wi-Fi carries a bounded number of messages per
 * second. Writing a message to a socket is the server's largest cost per phone (a system call per socket), and
 * the projector (the host's room) still gets every tick.
 *
 * The newest statistics always reach every sub-room: a new view restarts the turn from where the last one
 * stopped, so no sub-room waits longer than `groups` ticks. A quiet tick (no new view since the last one: the
 * class paused or stopped sampling) has QUIET_TICK_SHARE times the usual share of phones to write to: up to 1,000
 * students the final numbers reach every phone one tick after the class stops, not `groups` ticks, and a larger
 * class still never gets a write to every phone in one tick. (A class that samples only every other tick gets at
 * most QUIET_TICK_SHARE / 2 times the usual writes per second.)
 */
import { hashString32 } from "@tokenroom/shared";

/** Sub-rooms per session (a power of two). */
export const STUDENT_SHARDS = 8;
/** About how many phones one tick writes to before the turns start (STATS_FANOUT_SOCKETS). */
export const SHARD_SOCKETS = 250;
/** A quiet tick writes to up to this many times the usual number of phones. */
export const QUIET_TICK_SHARE = 4;

export function shardOf(participantId: string): number {
  return hashString32(participantId) & (STUDENT_SHARDS - 1);
}

/** In how many ticks every phone of a class of `students` hears the newest statistics: 1, 2, 4 or 8. */
export function fanoutGroups(students: number, perTick = SHARD_SOCKETS): number {
  let groups = 1;
  while (groups < STUDENT_SHARDS && students > groups * perTick) groups *= 2;
  return groups;
}

/** Per round: which sub-rooms have yet to hear the newest statistics, and whose turn is next. */
export class StudentFanout<T> {
  private view: { current: T } | null = null;
  private left: number[] = [];
  private next = 0;
  /** A view was offered since the last take. */
  private fresh = false;

  /** The newest statistics for the students: every sub-room is to hear them. */
  offer(view: T): void {
    this.view = { current: view };
    this.left = Array.from({ length: STUDENT_SHARDS }, (_, i) => (this.next + i) % STUDENT_SHARDS);
    this.fresh = true;
  }

  /**
   * The sub-rooms to write this tick (for a class of `students`) and what to send them; null when none is due.
   * Called once per tick, after `offer` when the tick has a new view: without one, the tick is quiet and writes
   * to up to QUIET_TICK_SHARE times as many phones.
   */
  take(students: number, perTick = SHARD_SOCKETS): { shards: number[]; view: T } | null {
    const quiet = !this.fresh;
    this.fresh = false;
    if (!this.view || this.left.length === 0) return null;
    const share = quiet ? QUIET_TICK_SHARE * perTick : perTick;
    const shards = this.left.splice(0, STUDENT_SHARDS / fanoutGroups(students, share));
    this.next = (shards[shards.length - 1]! + 1) % STUDENT_SHARDS;
    return { shards, view: this.view.current };
  }
}
