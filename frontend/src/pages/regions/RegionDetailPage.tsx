import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { useState } from "react";
import { useAgencies, useRegion, useRegions } from "../../api/queries";
import { Disclosure } from "../../components/Disclosure";
import { usePageTitle } from "../../components/Layout";
import { ListResults } from "../../components/ListPage";
import { ErrorMessage, Loading } from "../../components/QueryState";
import { levelLabel } from "../../components/labels";
import { formatNumber } from "../../format";
import { hasCapability, useMe } from "../../auth/session";
import { RegionReadiness } from "../dashboard/RegionReadiness";
import { RegionReports } from "../reports/RegionReports";
import { RegionIncidents } from "../incidents/RegionIncidents";
import { RegionRecommendations } from "../reports/RegionRecommendations";
import { AgencyActions, CreateAgencyForm } from "./AgencyAdmin";
import { EditRegionForm } from "./RegionAdmin";

export function RegionDetailPage() {
  const { code = "" } = useParams();
  const { t, i18n } = useTranslation();
  const region = useRegion(code);
  usePageTitle(region.data?.name ?? code);
  const { data: me } = useMe({ fetch: false });
  const isAdmin = hasCapability(me, "admin");
  const [editing, setEditing] = useState(false);

  return (
    <section aria-labelledby="region-title">
      <p className="breadcrumb no-print">
        <Link to="/wilayah">‹ {t("region.backToList")}</Link>
      </p>
      {region.isPending ? (
        <>
          <h1 id="region-title" className="mono">{code}</h1>
          <Loading />
        </>
      ) : region.isError ? (
        <>
          <h1 id="region-title" className="mono">{code}</h1>
          <ErrorMessage error={region.error} onRetry={() => void region.refetch()} />
        </>
      ) : (
        <>
          <h1 id="region-title">
            {region.data.name} <span className="muted mono">{region.data.code}</span>
          </h1>
          <dl className="details" aria-label={t("region.details")}>
            <div>
              <dt>{t("region.code")}</dt>
              <dd className="mono">{region.data.code}</dd>
            </div>
            <div>
              <dt>{t("region.level")}</dt>
              <dd>{levelLabel(t, region.data.level)}</dd>
            </div>
            <div>
              <dt>{t("region.parent")}</dt>
              <dd>
                {region.data.parent_code ? (
                  <Link to={`/wilayah/${encodeURIComponent(region.data.parent_code)}`}>
                    {region.data.parent_name ?? region.data.parent_code}
                  </Link>
                ) : (
                  t("common.none")
                )}
              </dd>
            </div>
            <div>
              <dt>{t("region.bpsCode")}</dt>
              <dd className="mono">{region.data.bps_code ?? t("common.none")}</dd>
            </div>
            <div>
              <dt>{t("region.timeZone")}</dt>
              <dd data-testid="region-time-zone">
                {t(region.data.own_time_zone ? "region.timeZoneOwn" : "region.timeZoneInherited", {
                  abbreviation: region.data.time_zone_abbreviation,
                  zone: region.data.time_zone,
                })}
              </dd>
            </div>
            <div>
              <dt>{t("region.childrenCount")}</dt>
              <dd>{formatNumber(region.data.children_count, i18n.language)}</dd>
            </div>
            <div>
              <dt>{t("region.agenciesCount")}</dt>
              <dd>{formatNumber(region.data.agencies_count, i18n.language)}</dd>
            </div>
          </dl>
          {isAdmin ? (
            editing ? (
              <EditRegionForm key={region.data.code} region={region.data} onDone={() => setEditing(false)} />
            ) : (
              <div className="toolbar no-print">
                <button type="button" className="button" onClick={() => setEditing(true)}>
                  {t("regionAdmin.edit")}
                </button>
              </div>
            )
          ) : null}
          <RegionReadiness key={`readiness-${region.data.code}`} code={region.data.code} />
          <RegionReports key={`reports-${region.data.code}`} code={region.data.code} />
          <RegionRecommendations key={`recommendations-${region.data.code}`} code={region.data.code} />
          <RegionIncidents key={`incidents-${region.data.code}`} code={region.data.code} />
          {region.data.children_count > 0 ? <ChildRegions key={`children-${region.data.code}`} code={region.data.code} /> : null}
          <Agencies key={`agencies-${region.data.code}`} code={region.data.code} isAdmin={isAdmin} />
        </>
      )}
    </section>
  );
}

function ChildRegions({ code }: { code: string }) {
  const { t } = useTranslation();
  const [offset, setOffset] = useState(0);
  return (
    <Disclosure title={t("region.children")} headingId="children-title">
      <ListResults
        query={useRegions({ parent: code, offset })}
        empty={t("region.childrenEmpty")}
        caption={t("region.children")}
        paging={{ onChange: setOffset, onlyWhenMany: true }}
        head={
          <>
            <th scope="col">{t("regions.code")}</th>
            <th scope="col">{t("regions.name")}</th>
            <th scope="col">{t("regions.level")}</th>
          </>
        }
        rowKey={(child) => child.code}
        row={(child) => (
          <tr>
            <td className="mono">
              <Link to={`/wilayah/${encodeURIComponent(child.code)}`}>{child.code}</Link>
            </td>
            <td>
              <Link to={`/wilayah/${encodeURIComponent(child.code)}`}>{child.name}</Link>
            </td>
            <td>{levelLabel(t, child.level)}</td>
          </tr>
        )}
      />
    </Disclosure>
  );
}

function Agencies({ code, isAdmin }: { code: string; isAdmin: boolean }) {
  const { t } = useTranslation();
  const [offset, setOffset] = useState(0);
  const [adding, setAdding] = useState(false);
  return (
    <Disclosure title={t("region.agencies")} headingId="agencies-title">
      {isAdmin ? (
        adding ? (
          <CreateAgencyForm region={code} onDone={() => setAdding(false)} />
        ) : (
          <div className="toolbar no-print">
            <button type="button" className="button" onClick={() => setAdding(true)}>
              {t("regionAdmin.agencyCreate")}
            </button>
          </div>
        )
      ) : null}
      <ListResults
        query={useAgencies(code, offset)}
        empty={t("region.agenciesEmpty")}
        caption={t("region.agencies")}
        paging={{ onChange: setOffset, onlyWhenMany: true }}
        head={
          <>
            <th scope="col">{t("region.agencyCode")}</th>
            <th scope="col">{t("region.agencyName")}</th>
            <th scope="col">{t("region.agencyType")}</th>
            <th scope="col">{t("regionAdmin.status")}</th>
            {isAdmin ? <th scope="col">{t("regionAdmin.actions")}</th> : null}
          </>
        }
        rowKey={(agency) => agency.code}
        row={(agency) => (
          <tr>
            <td className="mono">{agency.code}</td>
            <td>{agency.name}</td>
            <td>{agency.type_name}</td>
            <td>{t(agency.is_active ? "regionAdmin.active" : "regionAdmin.inactive")}</td>
            {isAdmin ? (
              <td>
                <AgencyActions agency={agency} />
              </td>
            ) : null}
          </tr>
        )}
      />
    </Disclosure>
  );
}
