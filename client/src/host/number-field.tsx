/** A whole-number field of the round setup: its label, the number input, its hint (`<id>-hint`), and what follows. */
import type { ReactNode } from "react";

export function NumberField({
  id,
  label,
  hint,
  value,
  min,
  max,
  onValue,
  onBlur,
  children,
}: {
  id: string;
  label: ReactNode;
  hint: ReactNode;
  value: number;
  min: number;
  max?: number;
  /** The typed value as a whole number (anything unreadable is 0); clamping waits for `onBlur`. */
  onValue: (value: number) => void;
  onBlur?: () => void;
  children?: ReactNode;
}) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="text-input num-input"
        type="number"
        min={min}
        max={max}
        step={1}
        value={value}
        onChange={(e) => onValue(Math.floor(Number(e.target.value) || 0))}
        onBlur={onBlur}
        aria-describedby={`${id}-hint`}
      />
      <p id={`${id}-hint`} className="hint">
        {hint}
      </p>
      {children}
    </div>
  );
}
