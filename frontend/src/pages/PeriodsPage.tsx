import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { PeriodRead } from "../api/client";
import { useFrameworks, usePeriods } from "../api/queries";
import { hasCapability, useMe } from "../auth/session";
import { ErrorMessage } from "../components/QueryState";
import { ListPage } from "../components/ListPage";
import { periodStateLabel } from "../components/labels";
import { formatDate } from "../format";
import { AddYearForm, DeadlineForm, ReopenForm, StateForm } from "./periods/PeriodForms";
import { useCreatePeriods, type CreateResult } from "./periods/queries";
import { defaultFramework, nextQuarter, parseQuarter } from "./periods/quarters";

type Editing = { kind: "deadline" | "reopen" | "open" | "close"; period: PeriodRead } | { kind: "year" } | null;

export function PeriodsPage() {
  const { t, i18n } = useTranslation();
  const date = (iso: string) => <time dateTime={iso}>{formatDate(iso, i18n.language)}</time>;
  const periods = usePeriods();
  const { data: me } = useMe({ fetch: false });
  // Periods are national: only a national administrator changes them (the server decides).
  const isAdmin = hasCapability(me, "admin") && me?.region_code === null;
  const frameworks = useFrameworks();
  const framework = defaultFramework(frameworks.data?.items ?? []);
  const published = (frameworks.data?.items ?? [])
    .filter((f) => (f.status ?? "published") === "published")
    .map((f) => f.code);
  const codes = (periods.data?.items ?? []).map((p) => p.code);
  const next = nextQuarter(codes);
  const createNext = useCreatePeriods();
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const created = (result: CreateResult | null) => {
    setEditing(null);
    if (!result) return;
    const parts = [];
    if (result.created.length) parts.push(t("periods.created", { codes: result.created.join(", ") }));
    if (result.skipped.length) parts.push(t("periods.skipped", { codes: result.skipped.join(", ") }));
    setNotice(parts.join(" "));
  };
  const saved = (period: PeriodRead | null, key: string) => {
    setEditing(null);
    if (period) setNotice(t(key, { code: period.code }));
  };

  const actions = isAdmin ? (
    <>
      <div className="toolbar no-print">
        <button
          type="button"
          className="button button-primary"
          disabled={!framework || createNext.isPending}
          aria-busy={createNext.isPending}
          onClick={() => {
            setNotice(null);
            createNext.mutate({ codes: [next], framework: framework! }, { onSuccess: created });
          }}
        >
          {t("periods.addNext", { code: next })}
        </button>
        <button
          type="button"
          className="button"
          disabled={!framework}
          aria-expanded={editing?.kind === "year"}
          onClick={() => setEditing(editing?.kind === "year" ? null : { kind: "year" })}
        >
          {t("periods.addYear")}
        </button>
      </div>
      {createNext.isError ? <ErrorMessage error={createNext.error} /> : null}
      {editing?.kind === "year" && framework ? (
        <AddYearForm
          framework={framework}
          frameworks={published}
          defaultYear={(parseQuarter(next)?.year ?? new Date().getFullYear()) + (next.endsWith("Q1") ? 0 : 1)}
          onDone={created}
        />
      ) : null}
      {editing?.kind === "deadline" ? (
        <DeadlineForm period={editing.period} onDone={(p) => saved(p, "periods.deadlineChanged")} />
      ) : null}
      {editing?.kind === "open" || editing?.kind === "close" ? (
        <StateForm
          key={`${editing.kind}-${editing.period.code}`}
          period={editing.period}
          action={editing.kind}
          onDone={(p) => saved(p, editing.kind === "open" ? "periods.opened" : "periods.closed")}
        />
      ) : null}
      {editing?.kind === "reopen" ? (
        <ReopenForm period={editing.period} onDone={(p) => saved(p, "periods.reopened")} />
      ) : null}
    </>
  ) : null;

  return (
    <ListPage
      name="periods"
      title={t("periods.title")}
      lead={t("periods.intro")}
      actions={actions}
      query={periods}
      empty={t("periods.empty")}
      caption={t("periods.caption")}
      head={
        <>
          <th scope="col">{t("periods.code")}</th>
          <th scope="col">{t("periods.name")}</th>
          <th scope="col">{t("periods.framework")}</th>
          <th scope="col">{t("periods.start")}</th>
          <th scope="col">{t("periods.end")}</th>
          <th scope="col">{t("periods.deadline")}</th>
          <th scope="col">{t("periods.state")}</th>
          {isAdmin ? <th scope="col">{t("periods.actions")}</th> : null}
        </>
      }
      rowKey={(period) => period.code}
      row={(period) => (
        <tr>
          <td className="mono">{period.code}</td>
          <td>{period.name}</td>
          <td className="mono">
            <Link to={`/kerangka/${encodeURIComponent(period.framework_code)}`}>{period.framework_code}</Link>
          </td>
          <td>{date(period.start_date)}</td>
          <td>{date(period.end_date)}</td>
          <td>{date(period.deadline)}</td>
          <td>
            <span className={`badge badge-${period.state}`}>{periodStateLabel(t, period.state)}</span>
          </td>
          {isAdmin ? (
            <td>
              <div className="row-actions">
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => setEditing({ kind: "deadline", period })}
                  aria-label={t("periods.changeDeadlineFor", { code: period.code })}
                >
                  {t("periods.changeDeadline")}
                </button>
                {period.state === "planned" || period.state === "open" ? (
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => setEditing({ kind: period.state === "planned" ? "open" : "close", period })}
                    aria-label={t(period.state === "planned" ? "periods.openFor" : "periods.closeFor", { code: period.code })}
                  >
                    {t(period.state === "planned" ? "periods.open" : "periods.close")}
                  </button>
                ) : null}
                {period.state === "closed" ? (
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => setEditing({ kind: "reopen", period })}
                    aria-label={t("periods.reopenFor", { code: period.code })}
                  >
                    {t("periods.reopen")}
                  </button>
                ) : null}
              </div>
            </td>
          ) : null}
        </tr>
      )}
    >
      {notice ? (
        <p className="status status-ok" role="status">
          {notice}
        </p>
      ) : null}
    </ListPage>
  );
}
