import { useId } from "react";
import "./exports.css";
import { useTranslation } from "react-i18next";
import { csvLocale } from "../../i18n/csvLocale";
import { seesPemdaReport, useMe } from "../../auth/session";

export type ExportView = "official" | "provisional";
export type ExportFormat = "csv" | "xlsx";

export interface ExportFilters {
  period: string;
  /** Absent: the caller's whole scope (the API's default). */
  region?: string;
  view: ExportView;
}

/** CSV only: `id` spells the file for Indonesian Excel (see i18n/csvLocale). */
type Locale = "id" | undefined;

/** GET /exports/scores.{csv|xlsx}: readiness of every Pemda in the region's subtree. */
export function scoresExportUrl(fmt: ExportFormat, { period, region, view }: ExportFilters, locale?: Locale): string {
  const params = new URLSearchParams({ period });
  if (region) params.set("region", region);
  params.set("view", view);
  if (fmt === "csv" && locale) params.set("locale", locale);
  return `/api/v1/exports/scores.${fmt}?${params.toString()}`;
}

/** GET /exports/submissions.{csv|xlsx}: every answer of the period in the subtree (no view: answers are answers). */
export function submissionsExportUrl(
  fmt: ExportFormat,
  { period, region }: Pick<ExportFilters, "period" | "region">,
  locale?: Locale,
): string {
  const params = new URLSearchParams({ period });
  if (region) params.set("region", region);
  if (fmt === "csv" && locale) params.set("locale", locale);
  return `/api/v1/exports/submissions.${fmt}?${params.toString()}`;
}

/** GET /reports/{region}/{period}.pdf; the API has no national report, so a region is required. */
export function reportUrl(region: string, period: string, view: ExportView): string {
  const path = `/api/v1/reports/${encodeURIComponent(region)}/${encodeURIComponent(period)}.pdf`;
  return view === "provisional" ? `${path}?view=provisional` : path;
}

/** GET /evidence/{period}/{region}.zip: the Pemda's evidence files with a manifest (a CSV: `locale` applies). */
export function evidenceZipUrl(region: string, period: string, locale?: Locale): string {
  const path = `/api/v1/evidence/${encodeURIComponent(period)}/${encodeURIComponent(region)}.zip`;
  return locale ? `${path}?locale=${locale}` : path;
}

const FORMATS: readonly ExportFormat[] = ["csv", "xlsx"];

/**
 * Download links for the current period, region and view. Plain links: the
 * session cookie authenticates GETs, and the browser streams the file to disk
 * instead of the page holding it in memory.
 */
export function ExportLinks({
  period,
  region,
  view,
  headingLevel = 2,
  evidenceZip = false,
}: ExportFilters & {
  headingLevel?: 2 | 3;
  /** The region is shown as one Pemda: offer its evidence files as one ZIP. */
  evidenceZip?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const me = useMe().data;
  const locale = csvLocale(i18n.language);
  const Heading = headingLevel === 3 ? "h3" : "h2";
  const titleId = useId();
  const groups = [
    { key: "scores", label: t("exports.scores"), url: (fmt: ExportFormat) => scoresExportUrl(fmt, { period, region, view }, locale) },
    { key: "submissions", label: t("exports.submissions"), url: (fmt: ExportFormat) => submissionsExportUrl(fmt, { period, region }, locale) },
  ];
  return (
    <section className="panel export-links no-print" aria-labelledby={titleId} data-testid="export-links">
      <Heading id={titleId} className="export-title">
        {t("exports.title")}
      </Heading>
      <ul className="export-list">
        {groups.map((group) => (
          <li key={group.key}>
            <span className="export-label">{group.label}</span>
            {FORMATS.map((fmt) => (
              <a key={fmt} className="button button-small" href={group.url(fmt)} download>
                {t(`exports.${fmt}`)}
                <span className="visually-hidden"> — {group.label}</span>
              </a>
            ))}
          </li>
        ))}
        {/* The PDF is the Pemda's report: offered only to those who may read it. */}
        {region && seesPemdaReport(me, region) ? (
          <li>
            <a className="button button-small" href={reportUrl(region, period, view)} download>
              {t("exports.report")}
            </a>
          </li>
        ) : region ? null : (
          <li className="muted small">{t("exports.reportNeedsRegion")}</li>
        )}
        {region && evidenceZip ? (
          <li>
            <a className="button button-small" href={evidenceZipUrl(region, period, locale)} download title={t("exports.evidenceZipHint")}>
              {t("exports.evidenceZip")}
            </a>
          </li>
        ) : null}
      </ul>
    </section>
  );
}
