import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import type { TaskRead, TaskStatus } from "../../api/client";
import { useFramework } from "../../api/queries";
import { useMe } from "../../auth/session";
import { usePageTitle } from "../../components/Layout";
import { Empty, ErrorMessage, Loading } from "../../components/QueryState";
import { answerTypeLabel } from "../../components/labels";
import { formatDate, formatNumber } from "../../format";
import { toParams } from "../admin/filters";
import { LateBadge, StatusBadge, TASK_STATUSES, actionErrorMessage, formatValue, statusLabel } from "./common";
import { useCopyPrevious, useOpenPeriods, useTasks } from "./queries";

const REGION_PATTERN = /^\d{2}(\.\d{2,4}){0,3}$/;

export function answerPath(task: { period: string; region: string; indicator: string }): string {
  const enc = encodeURIComponent;
  return `/tugas/${enc(task.period)}/${enc(task.region)}/${enc(task.indicator)}`;
}

/** The agency's workspace: the indicators it answers in a period, by dimension. */
export function TasksPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t("tasks.title"));
  const [searchParams, setSearchParams] = useSearchParams();
  const { data: me } = useMe({ fetch: false });
  const periods = useOpenPeriods();
  const ids = { period: useId(), status: useId(), region: useId() };

  const openPeriods = periods.data?.items ?? [];
  const period = searchParams.get("period") || openPeriods[openPeriods.length - 1]?.code || "";
  const statusParam = searchParams.get("status");
  const status = (TASK_STATUSES as readonly string[]).includes(statusParam ?? "")
    ? (statusParam as TaskStatus)
    : undefined;
  // Operators answer for their own region; national or provincial accounts pick one.
  const scoped = Boolean(me?.agency_code);
  const regionParam = searchParams.get("region")?.trim() ?? "";
  const region = !scoped && REGION_PATTERN.test(regionParam) ? regionParam : undefined;
  const [regionInput, setRegionInput] = useState(regionParam);
  useEffect(() => setRegionInput(regionParam), [regionParam]);

  const tasks = useTasks(period ? { period, status, region } : null);
  const periodInfo = openPeriods.find((p) => p.code === period);
  const framework = useFramework(periodInfo?.framework_code ?? "");
  const copy = useCopyPrevious();

  const apply = (patch: Record<string, string | undefined>) => {
    const next = { period: searchParams.get("period") ?? undefined, status, region: regionParam || undefined, ...patch };
    setSearchParams(toParams(next));
    copy.reset();
  };

  const groups = groupByDimension(tasks.data?.items ?? []);
  const dimensionName = (code: string) => framework.data?.dimensions.find((d) => d.code === code)?.name;

  return (
    <section aria-labelledby="tasks-title">
      <h1 id="tasks-title">{t("tasks.title")}</h1>
      <p className="lead">{t("tasks.intro")}</p>

      {periods.isPending ? (
        <Loading />
      ) : periods.isError ? (
        <ErrorMessage error={periods.error} onRetry={() => void periods.refetch()} />
      ) : openPeriods.length === 0 ? (
        <Empty>{t("tasks.noOpenPeriod")}</Empty>
      ) : (
        <>
          <form
            className="filters no-print"
            role="search"
            aria-label={t("tasks.filters")}
            onSubmit={(e) => {
              e.preventDefault();
              apply({ region: regionInput.trim() || undefined });
            }}
          >
            <div className="field">
              <label htmlFor={ids.period}>{t("tasks.period")}</label>
              <select id={ids.period} value={period} onChange={(e) => apply({ period: e.target.value })}>
                {openPeriods.map((p) => (
                  <option key={p.code} value={p.code}>
                    {p.name} ({p.code})
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.status}>{t("tasks.status")}</label>
              <select id={ids.status} value={status ?? ""} onChange={(e) => apply({ status: e.target.value || undefined })}>
                <option value="">{t("tasks.allStatuses")}</option>
                {TASK_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {statusLabel(t, s)}
                  </option>
                ))}
              </select>
            </div>
            {!scoped ? (
              <>
                <div className="field">
                  <label htmlFor={ids.region}>{t("tasks.region")}</label>
                  <input
                    id={ids.region}
                    type="text"
                    inputMode="decimal"
                    placeholder="64.72"
                    value={regionInput}
                    onChange={(e) => setRegionInput(e.target.value)}
                    aria-describedby={`${ids.region}-hint`}
                  />
                  <p id={`${ids.region}-hint`} className="field-hint">
                    {t("tasks.regionHint")}
                  </p>
                </div>
                <div className="field field-actions">
                  <button type="submit" className="button">
                    {t("regions.apply")}
                  </button>
                </div>
              </>
            ) : null}
          </form>

          <div className="toolbar no-print">
            {periodInfo ? (
              <p className="muted">
                {t("tasks.deadline")}: <strong>{formatDate(periodInfo.deadline, i18n.language)}</strong>
              </p>
            ) : null}
            <button
              type="button"
              className="button"
              disabled={!period || copy.isPending}
              aria-busy={copy.isPending}
              onClick={() => copy.mutate({ period, region })}
            >
              {copy.isPending ? t("tasks.copying") : t("tasks.copyPrevious")}
            </button>
          </div>
          {copy.isSuccess ? (
            <p className="status status-ok" role="status">
              {copy.data.previous_period
                ? t("tasks.copied", {
                    created: formatNumber(copy.data.created, i18n.language),
                    skipped: formatNumber(copy.data.skipped, i18n.language),
                    previous: copy.data.previous_period,
                  })
                : t("tasks.noPrevious")}
            </p>
          ) : null}
          {copy.isError ? (
            <div className="status status-error" role="alert">
              <p>{actionErrorMessage(t, copy.error)}</p>
            </div>
          ) : null}

          {!period ? null : tasks.isPending ? (
            <Loading />
          ) : tasks.isError ? (
            <ErrorMessage error={tasks.error} onRetry={() => void tasks.refetch()} />
          ) : tasks.data.items.length === 0 ? (
            <Empty>{status ? t("tasks.emptyFiltered") : scoped ? t("tasks.empty") : t("tasks.emptyRegion")}</Empty>
          ) : (
            <div aria-busy={tasks.isFetching}>
              <p className="muted small" aria-live="polite">
                {t("tasks.count", { count: tasks.data.total })}
              </p>
              {groups.map(([dimension, items]) => (
                <section key={dimension} aria-labelledby={`dim-${dimension}`} className="task-group">
                  <h2 id={`dim-${dimension}`}>
                    <span className="mono">{dimension}</span> {dimensionName(dimension) ?? ""}
                  </h2>
                  <div className="table-wrap">
                    <table className="tasks">
                      <caption className="visually-hidden">{t("tasks.caption", { dimension })}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t("tasks.indicator")}</th>
                          {!scoped ? <th scope="col">{t("tasks.region")}</th> : null}
                          <th scope="col">{t("tasks.answerType")}</th>
                          <th scope="col">{t("tasks.value")}</th>
                          <th scope="col">{t("tasks.status")}</th>
                          <th scope="col">{t("tasks.evidence")}</th>
                          <th scope="col">{t("tasks.deadline")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {items.map((task) => (
                          <tr key={`${task.region}/${task.indicator}`} data-indicator={task.indicator}>
                            <td>
                              <Link to={answerPath(task)}>
                                <span className="mono">{task.indicator}</span> {task.indicator_name}
                              </Link>
                              {task.status === "returned" && task.last_reason ? (
                                <p className="small task-reason">
                                  {t("tasks.returnedBecause")}: {task.last_reason}
                                </p>
                              ) : null}
                            </td>
                            {!scoped ? (
                              <td>
                                {task.region_name} <span className="mono muted">{task.region}</span>
                              </td>
                            ) : null}
                            <td>{answerTypeLabel(t, task.answer_type)}</td>
                            <td>
                              {task.status === "not_started"
                                ? t("common.none")
                                : formatValue(t, i18n.language, task.answer_type, task.value, { target: task.target })}
                            </td>
                            <td>
                              <StatusBadge status={task.status} />
                            </td>
                            <td>
                              {formatNumber(task.evidence_count, i18n.language)}
                              {task.evidence_required ? (
                                <span className="muted small"> ({t("tasks.evidenceRequired")})</span>
                              ) : null}
                            </td>
                            <td>
                              {formatDate(task.deadline, i18n.language)} {task.is_late ? <LateBadge /> : null}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </section>
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}

function groupByDimension(tasks: readonly TaskRead[]): [string, TaskRead[]][] {
  const groups = new Map<string, TaskRead[]>();
  for (const task of tasks) {
    const list = groups.get(task.dimension);
    if (list) list.push(task);
    else groups.set(task.dimension, [task]);
  }
  return [...groups.entries()];
}
