import { intlLocale } from "./i18n";

/** Formats a number for the UI language (1.234,5 in Indonesian). */
export function formatNumber(value: number, lng: string): string {
  return new Intl.NumberFormat(intlLocale(lng), { maximumFractionDigits: 2 }).format(value);
}

/**
 * Formats an ISO date (YYYY-MM-DD) without shifting it by the browser's
 * time zone: the API's dates are calendar dates, not instants.
 */
export function formatDate(iso: string, lng: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return iso;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(intlLocale(lng), {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  }).format(date);
}

/** Formats an instant (ISO date-time) in the browser's time zone. */
export function formatDateTime(iso: string, lng: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(intlLocale(lng), { dateStyle: "medium", timeStyle: "short" }).format(date);
}
