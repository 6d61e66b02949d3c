import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { useRegions } from "../../api/queries";
import { hasCapability, useMe } from "../../auth/session";
import { FilterForm, ListPage } from "../../components/ListPage";
import { levelLabel } from "../../components/labels";
import { useDraft, useUrlFilters } from "../../components/urlFilters";
import { CreateRegionForm } from "./RegionAdmin";
import { REGION_LEVELS, parseRegionFilters, regionFiltersToParams, type RegionFilters } from "./filters";

export function RegionsPage() {
  const { t } = useTranslation();
  const { filters, apply, setOffset, reset } = useUrlFilters(parseRegionFilters, regionFiltersToParams);
  const query = useRegions({
    level: filters.level,
    parent: filters.parent,
    q: filters.q,
    offset: filters.offset,
  });
  const provinces = useRegions({ level: "province", limit: 500 });
  const ids = { level: useId(), parent: useId(), q: useId() };
  const [q, setQ] = useDraft(filters.q);
  const { data: me } = useMe({ fetch: false });
  const isAdmin = hasCapability(me, "admin");
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();

  const parentOptions = provinces.data?.items ?? [];
  const provinceNames = new Map(parentOptions.map((p) => [p.code, p.name]));
  const hasFilters = Boolean(filters.level || filters.parent || filters.q);

  const filterForm = (
    <FilterForm
      label={t("regions.filters")}
      onApply={() => apply({ q: q.trim() || undefined })}
      onReset={reset}
      hasFilters={hasFilters}
    >
      <div className="field">
        <label htmlFor={ids.level}>{t("regions.level")}</label>
        <select
          id={ids.level}
          value={filters.level ?? ""}
          onChange={(e) => apply({ level: (e.target.value || undefined) as RegionFilters["level"] })}
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
        <select id={ids.parent} value={filters.parent ?? ""} onChange={(e) => apply({ parent: e.target.value || undefined })}>
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
    </FilterForm>
  );

  const actions = isAdmin ? (
    <>
      <div className="toolbar no-print">
        <button type="button" className="button button-primary" aria-expanded={creating} onClick={() => setCreating((v) => !v)}>
          {t("regionAdmin.create")}
        </button>
        {/* Linked here, beside the regions it draws, rather than in the menu: the admin
            group must stay one row at 1366 px (e2e/phone.spec.ts). */}
        <Link className="button" to="/admin/batas-wilayah">
          {t("nav.boundaries")}
        </Link>
      </div>
      {creating ? <CreateRegionForm onDone={(code) => void navigate(`/wilayah/${encodeURIComponent(code)}`)} /> : null}
    </>
  ) : undefined;

  return (
    <ListPage
      name="regions"
      title={t("regions.title")}
      lead={t("regions.intro")}
      actions={actions}
      filters={filterForm}
      query={query}
      empty={t("regions.empty")}
      caption={t("regions.caption")}
      paging={{ onChange: setOffset }}
      head={
        <>
          <th scope="col">{t("regions.code")}</th>
          <th scope="col">{t("regions.name")}</th>
          <th scope="col">{t("regions.level")}</th>
          <th scope="col">{t("regions.parentCol")}</th>
        </>
      }
      rowKey={(region) => region.code}
      row={(region) => (
        <tr>
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
      )}
    />
  );
}
