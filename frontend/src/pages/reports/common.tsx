import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { MeRead } from "../../api/client";
import { useRegionTimeZone } from "../../api/timeZones";
import { hasCapability } from "../../auth/session";
import { codeLabel } from "../../components/labels";
import { formatDateTime, formatDateTimeInZone } from "../../format";
import type { ReportState, ReportSummary } from "./queries";
import "./reports.css";

export const REPORT_STATES: readonly ReportState[] = ["draft", "submitted", "returned", "accepted"];

export function reportPath(row: { region: string; period: string }): string {
  return `/laporan/${encodeURIComponent(row.region)}/${encodeURIComponent(row.period)}`;
}

export function reportStateLabel(t: TFunction, state: ReportState | string): string {
  return codeLabel(t, "enum:ReportState", state);
}

export function ReportStateBadge({ state }: { state: ReportState | string }) {
  const { t } = useTranslation();
  return <span className={`badge badge-report-${state}`}>{reportStateLabel(t, state)}</span>;
}

// Report timeliness (scoring.md): on time or late by the report's first submission,
// decided once by the server; "not reported" until it is first submitted.
const TIMELINESS = {
  ontime: { className: "badge-report-ontime", label: "reports.onTime", icon: "✓" },
  late: { className: "badge-late", label: "reports.late", icon: "!" },
  none: { className: "badge-report-none", label: "reports.notReported", icon: "–" },
} as const;

/**
 * On time, late, or (null) not reported yet. `compact`: the icon only, its words for
 * screen readers and as a tooltip, for a table column that must stay narrow.
 */
export function ReportTimelinessBadge({ onTime, compact = false }: { onTime: boolean | null; compact?: boolean }) {
  const { t } = useTranslation();
  const kind = onTime === null ? "none" : onTime ? "ontime" : "late";
  const { className, label, icon } = TIMELINESS[kind];
  if (!compact) return <span className={`badge ${className}`}>{t(label)}</span>;
  return (
    <span className={`badge badge-compact ${className}`} title={t(label)} data-report-timeliness={kind}>
      <span aria-hidden="true">{icon}</span>
      <span className="visually-hidden">{t(label)}</span>
    </span>
  );
}

/** The first submission came at or after the deadline (decided once, by the server). */
export function ReportLateBadge({ late }: { late: boolean }) {
  return <ReportTimelinessBadge onTime={!late} />;
}

/** The region one level up: `64` for `64.72`; null (the nation) for a province. */
export function parentOf(region: string): string | null {
  const dot = region.lastIndexOf(".");
  return dot < 0 ? null : region.slice(0, dot);
}

/**
 * Mirrors reporting/rules.py may_write: the coordinator of exactly this Pemda, or an
 * administrator whose scope holds it. Only to offer the editor; the server decides.
 */
export function mayWriteReport(me: MeRead | null | undefined, region: string): boolean {
  if (!me) return false;
  if (me.role === "coordinator") return me.region_code === region;
  const scope = me.region_code;
  return hasCapability(me, "admin") && (!scope || region === scope || region.startsWith(`${scope}.`));
}

/**
 * Mirrors reporting/rules.py check_reviewer: REVIEW and a scope exactly one level up
 * (the province for its regencies and cities, the nation for a province).
 */
export function mayReviewReport(me: MeRead | null | undefined, region: string): boolean {
  if (!me || !hasCapability(me, "review")) return false;
  return (me.region_code ?? null) === parentOf(region);
}

/**
 * An instant on the Pemda's own clock (WITA in Kaltim), named, wherever the reader is.
 * Reports carry their zone (`time_zone`); without one it is looked up by region.
 */
export function RegionTime({ region, iso, zone: given }: { region: string; iso: string; zone?: string }) {
  const { i18n } = useTranslation();
  const looked = useRegionTimeZone(given ? null : region);
  const zone = given ?? looked;
  return (
    <time dateTime={iso}>
      {zone ? formatDateTimeInZone(iso, i18n.language, zone) : formatDateTime(iso, i18n.language)}
    </time>
  );
}

/** A report's row cells shared by the list page and the region page. */
export function ReportCells({ row, showPeriod = true }: { row: ReportSummary; showPeriod?: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <th scope="row">
        <Link to={reportPath(row)}>{row.region_name}</Link> <span className="mono muted small">{row.region}</span>
        {showPeriod ? <div className="muted small mono">{row.period}</div> : null}
      </th>
      <td>
        <ReportStateBadge state={row.state} />
      </td>
      <td className="mono small">{row.receipt_number ?? t("common.none")}</td>
      <td>
        {row.first_submitted_at ? (
          <>
            <RegionTime region={row.region} zone={row.time_zone} iso={row.first_submitted_at} />{" "}
            <ReportLateBadge late={row.late} />
          </>
        ) : (
          t("reports.notSubmitted")
        )}
      </td>
    </>
  );
}

export function ReportHeadCells({ showPeriod = true }: { showPeriod?: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <th scope="col">{showPeriod ? t("reports.pemdaPeriod") : t("reports.pemda")}</th>
      <th scope="col">{t("reports.state")}</th>
      <th scope="col">{t("reports.receipt")}</th>
      <th scope="col">{t("reports.submittedAt")}</th>
    </>
  );
}
