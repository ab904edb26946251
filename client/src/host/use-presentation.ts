/**
 * Presentation mode of the projector window: full screen (Fullscreen API) and type sized for the back row
 * (the `presenting` class on <html> scales the root font with the viewport). `F` toggles it; leaving full
 * screen (Esc) leaves it too. Per window: a second window of the host keeps the controls.
 */
import { useCallback, useEffect, useRef, useState } from "react";

const typing = (target: EventTarget | null) => {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
};

export function usePresentation(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(false);
  const current = useRef(false);
  const set = useCallback((want: boolean) => {
    current.current = want;
    setOn(want);
    const root = document.documentElement;
    if (want && !document.fullscreenElement && root.requestFullscreen)
      root.requestFullscreen().catch(() => undefined); // refused (no gesture, iframe): presentation without it
    if (!want && document.fullscreenElement) document.exitFullscreen().catch(() => undefined);
  }, []);

  useEffect(() => {
    document.documentElement.classList.toggle("presenting", on);
    return () => document.documentElement.classList.remove("presenting");
  }, [on]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || typing(e.target)) return;
      if (e.key === "f" || e.key === "F") {
        e.preventDefault();
        set(!current.current);
      } else if (e.key === "Escape" && current.current && !document.fullscreenElement) set(false);
    };
    let wasFull = false;
    const onFullscreen = () => {
      if (document.fullscreenElement) wasFull = true;
      else if (wasFull) {
        wasFull = false;
        if (current.current) set(false);
      }
    };
    window.addEventListener("keydown", onKey);
    document.addEventListener("fullscreenchange", onFullscreen);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("fullscreenchange", onFullscreen);
    };
  }, [set]);

  return [on, set];
}

/**
 * The root font size in px (presentation mode scales it with the viewport), for charts that take px. Read
 * again on every resize and whenever <html>'s class changes: a projector view mounts before its parent's
 * effect adds `presenting`, and entering presentation without a resize (full screen refused, or a window
 * already full screen) would otherwise keep the laptop-sized font.
 */
export function useRootFontPx(active: boolean): number {
  const read = () => parseFloat(getComputedStyle(document.documentElement).fontSize) || 18;
  const [px, setPx] = useState(read);
  useEffect(() => {
    const update = () => setPx(read());
    update();
    window.addEventListener("resize", update);
    const classes = new MutationObserver(update);
    classes.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
    return () => {
      window.removeEventListener("resize", update);
      classes.disconnect();
    };
  }, [active]);
  return px;
}

/** The size of an element (for charts that need a height in px): a callback ref and the size. */
export function useElementSize<T extends HTMLElement>(): [
  (el: T | null) => void,
  { width: number; height: number },
] {
  const [el, setEl] = useState<T | null>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setSize({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [el]);
  return [setEl, size];
}
