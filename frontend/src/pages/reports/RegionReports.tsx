import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Disclosure } from "../../components/Disclosure";
import { ListResults } from "../../components/ListPage";
import { ReportCells, ReportHeadCells } from "./common";
import { useReports } from "./queries";

/** The region page's reports: this Pemda's and those below it, newest period first. */
export function RegionReports({ code }: { code: string }) {
  const { t } = useTranslation();
  const [offset, setOffset] = useState(0);
  return (
    <Disclosure title={t("reports.regionTitle")} headingId="region-reports-title">
      <ListResults
        query={useReports({ region: code, offset })}
        empty={t("reports.regionEmpty")}
        caption={t("reports.regionTitle")}
        tableTestId="region-reports"
        paging={{ onChange: setOffset, onlyWhenMany: true }}
        head={<ReportHeadCells />}
        rowKey={(row) => `${row.region}/${row.period}`}
        row={(row) => (
          <tr>
            <ReportCells row={row} />
          </tr>
        )}
      />
    </Disclosure>
  );
}
