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

/** What Indonesians read on a clock for each of the country's zones. */
const ZONE_ABBREVIATIONS: Record<string, string> = {
  "Asia/Jakarta": "WIB",
  "Asia/Makassar": "WITA",
  "Asia/Jayapura": "WIT",
};

/** WIB, WITA or WIT; any other zone (a deployment default such as UTC) by its name. */
export function zoneAbbreviation(timeZone: string): string {
  return ZONE_ABBREVIATIONS[timeZone] ?? timeZone;
}

function dateTimeParts(date: Date, lng: string, timeZone: string): string {
  // Indonesian writes the time with a dot (23.59), English with a colon; neither with
  // the browser's zone, which may be anywhere.
  const locale = intlLocale(lng);
  const day = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone }).format(
    date,
  );
  const time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(
    date,
  );
  return `${day} ${time}`;
}

/**
 * Formats an instant on a region's clock with the zone named: "10 Jan 2025 23.59 WITA".
 * Every time shown next to a region goes through here, whatever the browser's zone.
 */
export function formatDateTimeInZone(iso: string, lng: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return `${dateTimeParts(date, lng, timeZone)} ${zoneAbbreviation(timeZone)}`;
  } catch {
    // An unknown zone name: Intl refuses it; the instant is still worth showing.
    return formatDateTime(iso, lng);
  }
}

/**
 * A deadline (a calendar date) as the last minute it allows where the region is:
 * "10 Jan 2025 23.59 WITA". Answers sent before the next midnight there are on time.
 */
export function formatDeadline(isoDate: string, lng: string, timeZone: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!match) return isoDate;
  const lastMinute = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59));
  return `${dateTimeParts(lastMinute, lng, "UTC")} ${zoneAbbreviation(timeZone)}`;
}
