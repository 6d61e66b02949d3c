import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import type { PeriodRead, TaskRead, TaskStatus } from "../../api/client";
import { useFramework, usePeriods } from "../../api/queries";
import { useRegionTimeZone } from "../../api/timeZones";
import { hasCapability, useMe } from "../../auth/session";
import { CardTable } from "../../components/CardTable";
import { Disclosure } from "../../components/Disclosure";
import { usePageTitle } from "../../components/Layout";
import { Empty, ErrorMessage, Loading } from "../../components/QueryState";
import { answerTypeLabel, periodStateLabel } from "../../components/labels";
import { formatDate, formatDeadline, formatNumber } from "../../format";
import { toParams } from "../admin/filters";
import {
  LateBadge,
  OverdueBadge,
  StatusBadge,
  TASK_STATUSES,
  actionErrorMessage,
  formatValue,
  statusLabel,
} from "./common";
import { workPeriod } from "./periods";
import { useCopyPrevious, useTasks } from "./queries";
import "./comments.css";

type TaskSort = "framework" | "overdue";

const REGION_PATTERN = /^\d{2}(\.\d{2,4}){0,3}$/;

export function answerPath(task: { period: string; region: string; indicator: string }): string {
  const enc = encodeURIComponent;
  return `/tugas/${enc(task.period)}/${enc(task.region)}/${enc(task.indicator)}`;
}

/** The read-only page of one answer, for whoever follows without answering. */
export function answerViewPath(task: { period: string; region: string; indicator: string }): string {
  const enc = encodeURIComponent;
  return `/wilayah/${enc(task.region)}/jawaban/${enc(task.period)}/${enc(task.indicator)}`;
}

/**
 * The agency's workspace: the indicators it answers in a period, by dimension. A
 * coordinator sees the same page for every agency of its Pemda, read only: its progress.
 */
export function TasksPage() {
  const { t, i18n } = useTranslation();
  const [searchParams, setSearchParams] = useSearchParams();
  const { data: me } = useMe({ fetch: false });
  const coordinator = me?.role === "coordinator";
  const answers = hasCapability(me, "answer");
  usePageTitle(coordinator ? t("tasks.progressTitle") : t("tasks.title"));
  const periods = usePeriods();
  const ids = { period: useId(), status: useId(), region: useId(), sort: useId() };

  const allPeriods = periods.data?.items ?? [];
  const fallback = workPeriod(allPeriods);
  const period = searchParams.get("period") || fallback?.period.code || "";
  const periodInfo = allPeriods.find((p) => p.code === period);
  // The open periods, and the one shown when it is not open (the latest period when
  // none is open, or one reached from a link).
  const choices = allPeriods.filter((p) => p.state === "open" || p.code === period);
  const statusParam = searchParams.get("status");
  const status = (TASK_STATUSES as readonly string[]).includes(statusParam ?? "")
    ? (statusParam as TaskStatus)
    : undefined;
  const overdueOnly = searchParams.get("overdue") === "true";
  const sort: TaskSort = searchParams.get("sort") === "overdue" ? "overdue" : "framework";
  // Operators answer for their own region, a coordinator follows its own Pemda; national
  // or provincial accounts pick one.
  const scoped = Boolean(me?.agency_code) || coordinator;
  const regionParam = searchParams.get("region")?.trim() ?? "";
  const region = !scoped && REGION_PATTERN.test(regionParam) ? regionParam : undefined;
  const [regionInput, setRegionInput] = useState(regionParam);
  useEffect(() => setRegionInput(regionParam), [regionParam]);

  const tasks = useTasks(period ? { period, status, region, overdue: overdueOnly || undefined } : null);
  const framework = useFramework(periodInfo?.framework_code ?? "");
  const copy = useCopyPrevious();

  const apply = (patch: Record<string, string | undefined>) => {
    const next = {
      period: searchParams.get("period") ?? undefined,
      status,
      overdue: overdueOnly ? "true" : undefined,
      sort: sort === "framework" ? undefined : sort,
      region: regionParam || undefined,
      ...patch,
    };
    setSearchParams(toParams(next));
    copy.reset();
  };

  const items = tasks.data?.items ?? [];
  const overdueCount = items.filter((task) => task.overdue).length;
  const groups = groupByDimension(items, sort);
  const dimensionName = (code: string) => framework.data?.dimensions.find((d) => d.code === code)?.name;
  const isOpen = periodInfo?.state === "open";
  // The deadline on the Pemda's clock (WITA in Kaltim): the region asked for, the
  // account's own, else the installation's default; each row carries its own zone.
  const timeZone = useRegionTimeZone(region ?? me?.region_code);
  const deadlineText = (deadline: string) =>
    timeZone ? formatDeadline(deadline, i18n.language, timeZone) : formatDate(deadline, i18n.language);

  return (
    <section aria-labelledby="tasks-title">
      <h1 id="tasks-title">{coordinator ? t("tasks.progressTitle") : t("tasks.title")}</h1>
      {scoped ? (
        <TasksOwner
          agency={coordinator ? undefined : (me?.agency_name ?? items[0]?.agency_name)}
          region={me?.region_name}
        />
      ) : null}
      <p className="lead">{coordinator ? t("tasks.progressIntro") : t("tasks.intro")}</p>

      {periods.isPending ? (
        <Loading />
      ) : periods.isError ? (
        <ErrorMessage error={periods.error} onRetry={() => void periods.refetch()} />
      ) : !periodInfo ? (
        <Empty>
          {period ? (
            <>
              {t("tasks.unknownPeriod", { period })} <Link to="/tugas">{t("tasks.toCurrentPeriod")}</Link>
            </>
          ) : (
            t("tasks.noOpenPeriod")
          )}
        </Empty>
      ) : (
        <>
          {!isOpen ? <PeriodNotice period={periodInfo} noneOpen={fallback?.open === false} /> : null}
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
                {choices.map((p) => (
                  <option key={p.code} value={p.code}>
                    {p.name} ({p.code}){p.state === "open" ? "" : ` — ${periodStateLabel(t, p.state)}`}
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
            <div className="field">
              <label htmlFor={ids.sort}>{t("tasks.sort")}</label>
              <select id={ids.sort} value={sort} onChange={(e) => apply({ sort: e.target.value === "overdue" ? "overdue" : undefined })}>
                <option value="framework">{t("tasks.sortFramework")}</option>
                <option value="overdue">{t("tasks.sortOverdue")}</option>
              </select>
            </div>
            <div className="field field-check">
              <label>
                <input
                  type="checkbox"
                  checked={overdueOnly}
                  onChange={(e) => apply({ overdue: e.target.checked ? "true" : undefined })}
                />{" "}
                {t("tasks.overdueOnly")}
              </label>
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
                {t("tasks.deadline")}: <strong>{deadlineText(periodInfo.deadline)}</strong>
              </p>
            ) : null}
            {answers ? (
              <button
                type="button"
                className="button"
                disabled={!period || !isOpen || copy.isPending}
                aria-busy={copy.isPending}
                onClick={() => copy.mutate({ period, region })}
              >
                {copy.isPending ? t("tasks.copying") : t("tasks.copyPrevious")}
              </button>
            ) : null}
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
            <Empty>
              {overdueOnly
                ? t("tasks.emptyOverdue")
                : status
                  ? t("tasks.emptyFiltered")
                  : scoped
                    ? t("tasks.empty")
                    : t("tasks.emptyRegion")}
            </Empty>
          ) : (
            <div aria-busy={tasks.isFetching}>
              <p className="muted small" aria-live="polite">
                {t("tasks.count", { count: tasks.data.total })}
              </p>
              {overdueCount > 0 && !overdueOnly ? (
                <div className="status status-warn tasks-overdue-summary" role="status">
                  <p>
                    {t("tasks.overdueSummary", {
                      count: overdueCount,
                      deadline: deadlineText(periodInfo.deadline),
                    })}
                  </p>
                  <button type="button" className="button button-small" onClick={() => apply({ overdue: "true" })}>
                    {t("tasks.showOverdue")}
                  </button>
                </div>
              ) : null}
              {groups.map(([dimension, items]) => (
                // A long list (an administrator's, every Pemda) folds on phones; an agency's few stay open.
                <Disclosure
                  key={dimension}
                  headingId={`dim-${dimension}`}
                  className="task-group"
                  defaultOpen={items.length <= 8 ? true : undefined}
                  title={
                    <>
                      <span className="mono">{dimension}</span> {dimensionName(dimension) ?? ""}
                    </>
                  }
                >
                  <div className="table-wrap">
                    <CardTable className="tasks">
                      <caption className="visually-hidden">{t("tasks.caption", { dimension })}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t("tasks.indicator")}</th>
                          {!scoped ? <th scope="col">{t("tasks.region")}</th> : null}
                          {coordinator ? <th scope="col">{t("tasks.agency")}</th> : null}
                          <th scope="col">{t("tasks.answerType")}</th>
                          <th scope="col">{t("tasks.value")}</th>
                          <th scope="col">{t("tasks.status")}</th>
                          <th scope="col">{t("tasks.evidence")}</th>
                          <th scope="col">{t("tasks.deadline")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {items.map((task) => (
                          <tr
                            key={`${task.region}/${task.indicator}`}
                            data-indicator={task.indicator}
                            className={task.overdue ? "task-overdue" : undefined}
                          >
                            <td>
                              <Link to={answers ? answerPath(task) : answerViewPath(task)}>
                                <span className="mono">{task.indicator}</span> {task.indicator_name}
                              </Link>
                              {task.unread_comments > 0 ? (
                                <>
                                  {" "}
                                  <span className="badge badge-unread" data-testid="unread-comments">
                                    {t("comments.unreadBadge", { count: task.unread_comments })}
                                  </span>
                                </>
                              ) : null}
                              {task.status === "returned" && task.last_reason ? (
                                <p className="small task-reason">
                                  {t("tasks.returnedBecause")}: {task.last_reason}
                                </p>
                              ) : null}
                            </td>
                            {!scoped ? (
                              <td>
                                {task.region_name} <span className="mono muted">{task.region}</span>
                                {task.agency_name ? <div className="muted small">{task.agency_name}</div> : null}
                              </td>
                            ) : null}
                            {coordinator ? <td>{task.agency_name ?? t("common.none")}</td> : null}
                            <td>{answerTypeLabel(t, task.answer_type)}</td>
                            <td>
                              {task.status === "not_started"
                                ? t("common.none")
                                : formatValue(t, i18n.language, task.answer_type, task.value, { target: task.target })}
                            </td>
                            <td>
                              <StatusBadge status={task.status} /> {task.overdue ? <OverdueBadge /> : null}
                            </td>
                            <td>
                              {formatNumber(task.evidence_count, i18n.language)}
                              {task.evidence_required ? (
                                <span className="muted small"> ({t("tasks.evidenceRequired")})</span>
                              ) : null}
                            </td>
                            <td>
                              {formatDeadline(task.deadline, i18n.language, task.time_zone)} {task.is_late ? <LateBadge /> : null}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </CardTable>
                  </div>
                </Disclosure>
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** The tasks by dimension, in the framework's order; overdue ones first within each if asked. */
export function groupByDimension(tasks: readonly TaskRead[], sort: TaskSort = "framework"): [string, TaskRead[]][] {
  const groups = new Map<string, TaskRead[]>();
  for (const task of tasks) {
    const list = groups.get(task.dimension);
    if (list) list.push(task);
    else groups.set(task.dimension, [task]);
  }
  const entries = [...groups.entries()];
  if (sort === "overdue") {
    // Array.prototype.sort is stable: the framework's order holds within each part.
    for (const [, list] of entries) list.sort((a, b) => Number(b.overdue) - Number(a.overdue));
  }
  return entries;
}

/** Whose tasks these are: the agency by name, and its Pemda. */
function TasksOwner({ agency, region }: { agency?: string | null; region?: string | null }) {
  const { t } = useTranslation();
  if (!agency && !region) return null;
  return (
    <p className="tasks-owner" aria-label={t("tasks.owner")}>
      {agency ? <strong className="tasks-agency">{agency}</strong> : null}
      {agency && region ? " · " : null}
      {region ? <span className="tasks-region">{region}</span> : null}
    </p>
  );
}

/** Why the tasks shown cannot be changed: the period is not open. */
function PeriodNotice({ period, noneOpen }: { period: PeriodRead; noneOpen: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="status status-warn" role="status">
      <p>
        {noneOpen
          ? t("tasks.noOpenPeriodShowing", { name: period.name, state: periodStateLabel(t, period.state) })
          : t("tasks.periodNotOpen", { name: period.name, state: periodStateLabel(t, period.state) })}
      </p>
    </div>
  );
}
