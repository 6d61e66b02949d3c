import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useFrameworks, usePeriods, useRegions } from "../api/queries";
import { usePageTitle } from "../components/Layout";
import { ErrorMessage } from "../components/QueryState";
import { formatNumber } from "../format";

function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function HomePage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t("home.title"));
  const regions = useRegions({ limit: 1 });
  const frameworks = useFrameworks();
  const periods = usePeriods();
  const loading = <span className="muted">{t("common.loading")}</span>;
  const active = frameworks.data?.items.find((f) => f.is_active);
  const open = periods.data?.items.filter((p) => p.state === "open") ?? [];
  const firstError = regions.error ?? frameworks.error ?? periods.error;

  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">{t("home.title")}</h1>
      <p className="lead">{t("home.intro")}</p>
      <p className="muted">{t("home.introMore")}</p>
      {firstError ? <ErrorMessage error={firstError} /> : null}
      <dl className="stats" aria-label={t("home.statsLabel")} aria-busy={regions.isPending || frameworks.isPending || periods.isPending}>
        <Stat label={t("home.regionsCount")}>
          <span className="stat-value">
            {regions.data ? formatNumber(regions.data.total, i18n.language) : regions.isError ? t("common.none") : loading}
          </span>
          <Link to="/wilayah">{t("home.regionsLink")}</Link>
        </Stat>
        <Stat label={t("home.activeFramework")}>
          <span className="stat-value stat-text">
            {frameworks.data
              ? active
                ? active.name
                : t("home.noActiveFramework")
              : frameworks.isError
                ? t("common.none")
                : loading}
          </span>
          <Link to={active ? `/kerangka/${encodeURIComponent(active.code)}` : "/kerangka"}>
            {t("home.frameworkLink")}
          </Link>
        </Stat>
        <Stat label={t("home.openPeriods")}>
          <span className="stat-value">
            {periods.data ? formatNumber(open.length, i18n.language) : periods.isError ? t("common.none") : loading}
          </span>
          {open.length > 0 ? (
            <span className="stat-note">{open.map((p) => p.name).join(", ")}</span>
          ) : null}
          <Link to="/periode">{t("home.periodsLink")}</Link>
        </Stat>
      </dl>
    </section>
  );
}
