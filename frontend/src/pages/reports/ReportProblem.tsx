import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import { errorText } from "../../components/labels";
import { statusLabel } from "../answers/common";
import { reportStateLabel } from "./common";

type Detail = Record<string, unknown>;

const str = (value: unknown): string => (typeof value === "string" ? value : "");

function details(error: ApiError): Detail[] {
  return error.details.filter((d): d is Detail => Boolean(d) && typeof d === "object");
}

/** 412 (stale ETag) and 428 (none sent): someone changed the report since this page read it. */
export function isStaleReport(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 412 || error.status === 428);
}

/** A field the server found empty (`situation`, `signatory.nip`), in the reader's words. */
export function fieldLabel(t: TFunction, field: string): string {
  return t(`reports.fields.${field.replace("signatory.", "signatory_")}`, { defaultValue: field });
}

/**
 * Why the server refused a change or a transition, with what is missing spelled out:
 * the answers not sent (indicator and agency), the regency and city reports not accepted
 * yet (a province's), or the empty sections and signatory fields.
 */
export function ReportProblem({ error, onReload }: { error: unknown; onReload: () => void }) {
  const { t } = useTranslation();
  if (isStaleReport(error)) {
    return (
      <div className="status status-error" role="alert">
        <p>{t("reports.stale")}</p>
        <button type="button" className="button" onClick={onReload}>
          {t("reports.reload")}
        </button>
      </div>
    );
  }
  if (!(error instanceof ApiError)) {
    return (
      <div className="status status-error" role="alert">
        <p>{errorText(t, error)}</p>
      </div>
    );
  }
  const items = details(error);
  let title = errorText(t, error);
  let list: { key: string; text: string }[] = [];
  if (error.code === "answers_incomplete") {
    title = t("reports.answersIncomplete", { count: items.length });
    list = items.map((d, i) => ({
      key: `${str(d.indicator)}/${str(d.agency)}/${i}`,
      text: t("reports.missingAnswer", {
        indicator: str(d.indicator),
        name: str(d.indicator_name),
        agency: str(d.agency) || t("common.none"),
        status: statusLabel(t, str(d.status) || "not_started"),
      }),
    }));
  } else if (error.code === "reports_pending") {
    title = t("reports.reportsPending", { count: items.length });
    list = items.map((d) => ({
      key: str(d.region),
      text: t("reports.pendingReport", {
        name: str(d.region_name),
        region: str(d.region),
        state: d.state ? reportStateLabel(t, str(d.state)) : t("reports.notWritten"),
      }),
    }));
  } else if (error.code === "report_incomplete") {
    list = items.map((d) => ({ key: str(d.field), text: fieldLabel(t, str(d.field)) }));
  }
  return (
    <div className="status status-error" role="alert">
      <p className="status-title">{title}</p>
      {list.length > 0 ? (
        <ul className="report-missing" data-testid="report-missing">
          {list.map((item) => (
            <li key={item.key}>{item.text}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
