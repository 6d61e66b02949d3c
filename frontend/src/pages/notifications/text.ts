import type { TFunction } from "i18next";
import { NOTIFICATIONS_PATH, type NotificationRead } from "../../api/notifications";
import { codeLabel } from "../../components/labels";

/** What happened, in the reader's language ("Jawaban dikembalikan"). */
export function notificationTitle(t: TFunction, item: NotificationRead): string {
  // A failing webhook: failed to send, or the endpoint disabled (410, or failing too long).
  if (item.type === "webhook.failed") {
    return t(item.data.kind === "delivery_failed" ? "notifications.webhookFailed" : "notifications.webhookDisabled");
  }
  const reminder = item.type.startsWith("reminder.") || item.type === "recommendation.overdue";
  return codeLabel(t, reminder ? "enum:ReminderType" : "enum:EventType", item.type, item.type);
}

/**
 * What it is about, by name where the API gave one: the indicator and the Pemda for an
 * answer, the Pemda and the period for a report, the number, title and Pemda for an
 * incident, the period for a period.
 */
export function notificationSubject(item: NotificationRead): string {
  const d = item.data;
  const region = d.region_name ?? d.region;
  const family = item.type.split(".")[0];
  if (family === "submission") {
    const indicator = [d.indicator, d.indicator_name].filter(Boolean).join(" ");
    return [indicator, region, d.period].filter(Boolean).join(" · ");
  }
  if (family === "report") return [region, d.period].filter(Boolean).join(" · ");
  if (family === "incident") return [d.number, d.title, region].filter(Boolean).join(" · ");
  // Reminders: the agency and the deadline; the Pemda of a digest; the recommendation.
  if (item.type === "reminder.deadline") {
    return [d.agency_name ?? d.agency, d.period_name ?? d.period, d.deadline].filter(Boolean).join(" · ");
  }
  if (item.type === "reminder.digest") return region ?? "";
  if (item.type === "webhook.failed") return [d.url, d.event_type, d.status_code ?? d.error].filter(Boolean).join(" · ");
  if (family === "recommendation") return [region, d.period, d.text].filter(Boolean).join(" · ");
  return d.period_name ? `${d.period_name} (${d.period})` : (d.period ?? "");
}

/**
 * The page to open: a path inside the SPA as the API gave it; anything else (another
 * site, a protocol-relative URL) falls back to the inbox itself.
 */
export function notificationLink(item: NotificationRead): string {
  const link = item.link;
  return link.startsWith("/") && !link.startsWith("//") && !link.includes("\\") ? link : NOTIFICATIONS_PATH;
}
