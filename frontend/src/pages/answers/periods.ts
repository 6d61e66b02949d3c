import type { PeriodRead } from "../../api/client";

/** Today's date in the browser's zone, as the API writes dates ("2024-03-31"). */
export function todayIso(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export interface WorkPeriod {
  period: PeriodRead;
  /** False when no period is open and this is only the latest one, to look at. */
  open: boolean;
}

/**
 * The period an operator works in now: the earliest open period whose deadline has not
 * passed (the one to finish first), else the latest open one (overdue work still goes
 * there); with none open, the latest period by start, for reading only. Null without periods.
 */
export function workPeriod(periods: readonly PeriodRead[], today: string = todayIso()): WorkPeriod | null {
  const byStart = [...periods].sort((a, b) => a.start_date.localeCompare(b.start_date));
  const open = byStart.filter((p) => p.state === "open");
  const upcoming = open.find((p) => p.deadline >= today);
  if (upcoming) return { period: upcoming, open: true };
  const latestOpen = open[open.length - 1];
  if (latestOpen) return { period: latestOpen, open: true };
  // Planned periods have asked for nothing yet: the latest one that has.
  const started = byStart.filter((p) => p.state !== "planned");
  const latest = started[started.length - 1] ?? byStart[byStart.length - 1];
  return latest ? { period: latest, open: false } : null;
}
