/**
 * A stored session's review: which secret opens it (this browser's host key, else the admin token of this
 * tab), the review itself, and the next pages of students (`?rounds=0&studentsCursor=`).
 */
import { useCallback, useEffect, useState } from "react";
import type { SessionReview, SessionSummary, StudentParticipation } from "@tokenroom/shared";
import { getReview } from "../api/review.ts";
import type { ClientError } from "../api/socket.ts";
import { adminToken } from "../lib/admin-token.ts";
import { hostCredentials } from "../lib/storage.ts";

export interface ReviewAccess {
  secret: string;
  /** The host key (may rename); false for the admin token. */
  host: boolean;
}

export function reviewAccess(sessionId: string): ReviewAccess | null {
  const hostKey = hostCredentials.get(sessionId)?.hostKey;
  if (hostKey) return { secret: hostKey, host: true };
  const admin = adminToken.get();
  return admin ? { secret: admin, host: false } : null;
}

export interface ReviewState {
  review: SessionReview | null;
  /** Every page of students loaded so far, in join order. */
  students: StudentParticipation[];
  nextCursor: string | null;
  loadingMore: boolean;
  error: ClientError | null;
}

export function useReview(sessionId: string, access: ReviewAccess | null) {
  const [state, setState] = useState<ReviewState>({
    review: null,
    students: [],
    nextCursor: null,
    loadingMore: false,
    error: null,
  });

  useEffect(() => {
    if (!access) return;
    let live = true;
    void getReview(sessionId, access.secret).then((r) => {
      if (!live) return;
      setState((s) =>
        r.ok
          ? {
              ...s,
              review: r.data,
              students: r.data.students.items,
              nextCursor: r.data.students.nextCursor,
              error: null,
            }
          : { ...s, error: r.error },
      );
    });
    return () => {
      live = false;
    };
  }, [sessionId, access]);

  const loadMore = useCallback(async () => {
    if (!access || !state.nextCursor || state.loadingMore) return;
    setState((s) => ({ ...s, loadingMore: true }));
    const r = await getReview(sessionId, access.secret, state.nextCursor);
    setState((s) =>
      r.ok
        ? {
            ...s,
            loadingMore: false,
            students: [...s.students, ...r.data.students.items],
            nextCursor: r.data.students.nextCursor,
            error: null,
          }
        : { ...s, loadingMore: false, error: r.error },
    );
  }, [sessionId, access, state.nextCursor, state.loadingMore]);

  /** After a rename: the new summary, keeping `locked`. */
  const setSummary = useCallback((summary: SessionSummary) => {
    setState((s) =>
      s.review ? { ...s, review: { ...s.review, session: { ...s.review.session, ...summary } } } : s,
    );
  }, []);

  return { ...state, loadMore, setSummary };
}
