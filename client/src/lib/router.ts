/** A tiny router on location.pathname: the current path as React state, and navigate(). */
import { useSyncExternalStore } from "react";
import { normaliseRoomCode } from "./room-code.ts";

const CHANGE = "tokenroom:navigate";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function navigate(path: string, replace = false): void {
  if (replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  window.dispatchEvent(new Event(CHANGE));
}

export type Route =
  | { page: "landing" }
  | { page: "host"; sessionId: string }
  | { page: "student"; code: string }
  | { page: "sessions" }
  | { page: "admin" }
  | { page: "review"; sessionId: string }
  | { page: "not-found" };

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * `/`, `/host/:sessionId`, `/join/:code` (code normalised: upper case, no spaces), `/sessions`, `/sessions/:id/review`, `/admin`;
 * anything else is not found.
 */
export function matchRoute(pathname: string): Route {
  const parts = pathname
    .split("/")
    .filter((p) => p.length > 0)
    .map(safeDecode);
  if (parts.length === 0) return { page: "landing" };
  const [first, second] = parts;
  if (parts.length === 2 && first === "host" && second) return { page: "host", sessionId: second };
  if (parts.length === 2 && first === "join" && second)
    return { page: "student", code: normaliseRoomCode(second) };
  if (parts.length === 1 && first === "sessions") return { page: "sessions" };
  if (parts.length === 1 && first === "admin") return { page: "admin" };
  if (parts.length === 3 && first === "sessions" && second && parts[2] === "review")
    return { page: "review", sessionId: second };
  return { page: "not-found" };
}
