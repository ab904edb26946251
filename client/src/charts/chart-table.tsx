import type { ReactNode } from "react";

/**
 * A chart's numbers as a table for screen readers, visually hidden. A table ignores a 1 px width: the wrapper
 * clips it, or the page would scroll sideways.
 */
export function ChartTable({ caption, children }: { caption: string; children: ReactNode }) {
  return (
    <div className="visually-hidden">
      <table>
        <caption>{caption}</caption>
        {children}
      </table>
    </div>
  );
}
