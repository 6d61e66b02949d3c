import { useEffect, useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { PAGE_SIZE, useRegions } from "../../api/queries";
import { CardTable } from "../../components/CardTable";
import { usePageTitle } from "../../components/Layout";
import { Pager } from "../../components/Pager";
import { Empty, ErrorMessage, Loading } from "../../components/QueryState";
import { levelLabel } from "../../components/labels";
import { REGION_LEVELS, parseRegionFilters, regionFiltersToParams, type RegionFilters } from "./filters";

export function RegionsPage() {
  const { t } = useTranslation();
  usePageTitle(t("regions.title"));
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = parseRegionFilters(searchParams);
  const query = useRegions({
    level: filters.level,
    parent: filters.parent,
    q: filters.q,
    offset: filters.offset,
  });
  const provinces = useRegions({ level: "province", limit: 500 });
  const ids = { level: useId(), parent: useId(), q: useId() };
  const [q, setQ] = useState(filters.q ?? "");
  useEffect(() => setQ(filters.q ?? ""), [filters.q]);

  // Any change to a filter starts again at the first page.
  const update = (patch: Partial<RegionFilters>) =>
    setSearchParams(regionFiltersToParams({ ...filters, offset: 0, ...patch }));

  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    update({ q: q.trim() || undefined });
  };

  const parentOptions = provinces.data?.items ?? [];
  const provinceNames = new Map(parentOptions.map((p) => [p.code, p.name]));
  const hasFilters = Boolean(filters.level || filters.parent || filters.q);

  return (
    <section aria-labelledby="regions-title">
      <h1 id="regions-title">{t("regions.title")}</h1>
      <p className="lead">{t("regions.intro")}</p>

      <form className="filters no-print" role="search" aria-label={t("regions.filters")} onSubmit={onSearch}>
        <div className="field">
          <label htmlFor={ids.level}>{t("regions.level")}</label>
          <select
            id={ids.level}
            value={filters.level ?? ""}
            onChange={(e) =>
              update({ level: (e.target.value || undefined) as RegionFilters["level"] })
            }
          >
            <option value="">{t("regions.allLevels")}</option>
            {REGION_LEVELS.map((level) => (
              <option key={level} value={level}>
                {levelLabel(t, level)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.parent}>{t("regions.parent")}</label>
          <select
            id={ids.parent}
            value={filters.parent ?? ""}
            onChange={(e) => update({ parent: e.target.value || undefined })}
          >
            <option value="">{t("regions.allParents")}</option>
            {filters.parent && !parentOptions.some((p) => p.code === filters.parent) ? (
              <option value={filters.parent}>{filters.parent}</option>
            ) : null}
            {parentOptions.map((p) => (
              <option key={p.code} value={p.code}>
                {p.code} — {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-grow">
          <label htmlFor={ids.q}>{t("regions.search")}</label>
          <input id={ids.q} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <div className="field field-actions">
          <button type="submit" className="button button-primary">
            {t("regions.apply")}
          </button>
          {hasFilters ? (
            <button type="button" className="button" onClick={() => setSearchParams(new URLSearchParams())}>
              {t("regions.reset")}
            </button>
          ) : null}
        </div>
      </form>

      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.items.length === 0 ? (
        <>
          <Empty>{t("regions.empty")}</Empty>
          {query.data.total > 0 ? (
            <Pager
              total={query.data.total}
              limit={query.data.limit || PAGE_SIZE}
              offset={filters.offset}
              onChange={(offset) => update({ ...filters, offset })}
            />
          ) : null}
        </>
      ) : (
        <>
          <div className="table-wrap" aria-busy={query.isFetching}>
            <CardTable>
              <caption className="visually-hidden">{t("regions.caption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("regions.code")}</th>
                  <th scope="col">{t("regions.name")}</th>
                  <th scope="col">{t("regions.level")}</th>
                  <th scope="col">{t("regions.parentCol")}</th>
                </tr>
              </thead>
              <tbody>
                {query.data.items.map((region) => (
                  <tr key={region.code}>
                    <td className="mono">
                      <Link to={`/wilayah/${encodeURIComponent(region.code)}`}>{region.code}</Link>
                    </td>
                    <td>
                      <Link to={`/wilayah/${encodeURIComponent(region.code)}`}>{region.name}</Link>
                    </td>
                    <td>{levelLabel(t, region.level)}</td>
                    <td className="mono">
                      {region.parent_code ? (
                        <Link to={`/wilayah/${encodeURIComponent(region.parent_code)}`}>
                          {region.parent_code}
                          {provinceNames.has(region.parent_code) ? (
                            <span className="sans"> — {provinceNames.get(region.parent_code)}</span>
                          ) : null}
                        </Link>
                      ) : (
                        t("common.none")
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </CardTable>
          </div>
          <Pager
            total={query.data.total}
            limit={query.data.limit || PAGE_SIZE}
            offset={query.data.offset}
            onChange={(offset) => update({ ...filters, offset })}
          />
        </>
      )}
    </section>
  );
}
