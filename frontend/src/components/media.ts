import { useSyncExternalStore } from "react";

/** The width below which the layout is the phone layout; styles.css uses the same 40rem. */
export const PHONE_QUERY = "(max-width: 40rem)";

function query(): MediaQueryList | null {
  // jsdom and old browsers have no matchMedia: they get the wide layout.
  return typeof window !== "undefined" && typeof window.matchMedia === "function" ? window.matchMedia(PHONE_QUERY) : null;
}

function subscribe(onChange: () => void): () => void {
  const list = query();
  list?.addEventListener("change", onChange);
  return () => list?.removeEventListener("change", onChange);
}

/** Whether the screen is phone-sized now (re-renders when that changes). */
export function useIsPhone(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => query()?.matches ?? false,
    () => false,
  );
}

/** Whether the screen is phone-sized, read once (e.g. for a section's initial state). */
export function isPhone(): boolean {
  return query()?.matches ?? false;
}
