import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { codeLabel } from "../../components/labels";
import { intlLocale } from "../../i18n";
import type { IncidentCategory, IncidentLevel, IncidentSeverity, IncidentState } from "./queries";
import "./incidents.css";

export const CATEGORIES: readonly IncidentCategory[] = [
  "konflik_pendukung",
  "netralitas_asn",
  "kampanye_apk",
  "politik_uang",
  "logistik",
  "keamanan",
  "bencana",
  "hoaks_sara",
  "lainnya",
];
export const SEVERITIES: readonly IncidentSeverity[] = ["rendah", "sedang", "tinggi", "kritis"];
export const STATES: readonly IncidentState[] = ["reported", "acknowledged", "handling", "resolved", "closed"];

/** Hours within which an incident must be acknowledged (incidents/rules.py ACKNOWLEDGE_WITHIN). */
export const ACKNOWLEDGE_HOURS: Record<IncidentSeverity, number> = { kritis: 1, tinggi: 4, sedang: 24, rendah: 72 };

/** One colour per severity, the same on the map, the badges and the legend. */
export const SEVERITY_COLORS: Record<IncidentSeverity, string> = {
  rendah: "#2e7d32",
  sedang: "#b7791f",
  tinggi: "#d9480f",
  kritis: "#b00020",
};

/** A latitude or longitude to five decimals (about a metre), in the reader's spelling. */
export function formatCoordinate(value: number, lng: string): string {
  return new Intl.NumberFormat(intlLocale(lng), { maximumFractionDigits: 5 }).format(value);
}

export function categoryLabel(t: TFunction, value: string): string {
  return codeLabel(t, "enum:IncidentCategory", value);
}

export function severityLabel(t: TFunction, value: string): string {
  return codeLabel(t, "enum:IncidentSeverity", value);
}

export function stateLabel(t: TFunction, value: string): string {
  return codeLabel(t, "enum:IncidentState", value);
}

export function levelLabel(t: TFunction, value: IncidentLevel | string): string {
  return codeLabel(t, "enum:IncidentLevel", value);
}

/**
 * `LC/64.72/2026/0001` as the SPA's path `/laporan-cepat/64.72/2026/0001`, and back:
 * the number's own slashes become the path's segments.
 */
export function incidentPath(number: string): string {
  return `/laporan-cepat/${number.replace(/^LC\//, "")}`;
}

export function numberFromPath(region: string, year: string, seq: string): string {
  return `LC/${region}/${year}/${seq}`;
}

// Who may file is an account rule (auth/session), which the menu uses too.
export { mayFileIncident } from "../../auth/session";

export function SeverityBadge({ severity }: { severity: IncidentSeverity | string }) {
  const { t } = useTranslation();
  return <span className={`badge badge-severity badge-severity-${severity}`}>{severityLabel(t, severity)}</span>;
}

export function StateBadge({ state }: { state: IncidentState | string }) {
  const { t } = useTranslation();
  return <span className={`badge badge-incident-${state}`}>{stateLabel(t, state)}</span>;
}

export function OverdueBadge({ overdue }: { overdue: boolean }) {
  const { t } = useTranslation();
  return overdue ? <span className="badge badge-late">{t("incidents.overdue")}</span> : null;
}

export function LevelBadge({ level }: { level: IncidentLevel | string }) {
  const { t } = useTranslation();
  if (level === "pemda") return null;
  return <span className="badge badge-incident-level">{t("incidents.escalatedTo", { level: levelLabel(t, level) })}</span>;
}
