import { lazy, Suspense } from "react";
import { Navigate, Route, Routes } from "react-router";
import { RequireAccess, RequireAuth, RequireCapability } from "./auth/RequireAuth";
import { followsTasks, hasCapability, useMe } from "./auth/session";
import { Layout } from "./components/Layout";
import { Loading } from "./components/QueryState";
import { HomePage } from "./pages/HomePage";
// The dashboard is the home page of signed-in readers: in the entry chunk, so
// it renders without a lazy-chunk round trip (and React's Suspense reveal
// delay). ECharts stays out of it (pages/dashboard/echartsMap.ts, lazy).
import { DashboardPage } from "./pages/dashboard/DashboardPage";
import { LoginPage } from "./pages/LoginPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { ProfilePage } from "./pages/ProfilePage";

// Pages other than the home, dashboard and login pages load on first visit, keeping the
// initial bundle small for slow regional connections.
const RegionsPage = lazy(() => import("./pages/regions/RegionsPage").then((m) => ({ default: m.RegionsPage })));
const RegionDetailPage = lazy(() =>
  import("./pages/regions/RegionDetailPage").then((m) => ({ default: m.RegionDetailPage })),
);
const FrameworksPage = lazy(() =>
  import("./pages/frameworks/FrameworksPage").then((m) => ({ default: m.FrameworksPage })),
);
const FrameworkEditorPage = lazy(() =>
  import("./pages/frameworks/FrameworkEditorPage").then((m) => ({ default: m.FrameworkEditorPage })),
);
const FrameworkDiffPage = lazy(() =>
  import("./pages/frameworks/FrameworkDiffPage").then((m) => ({ default: m.FrameworkDiffPage })),
);
const FrameworkDetailPage = lazy(() =>
  import("./pages/frameworks/FrameworkDetailPage").then((m) => ({ default: m.FrameworkDetailPage })),
);
const PeriodsPage = lazy(() => import("./pages/PeriodsPage").then((m) => ({ default: m.PeriodsPage })));
const UsersPage = lazy(() => import("./pages/admin/UsersPage").then((m) => ({ default: m.UsersPage })));
const ApiKeysPage = lazy(() => import("./pages/admin/ApiKeysPage").then((m) => ({ default: m.ApiKeysPage })));
const WebhooksPage = lazy(() => import("./pages/admin/WebhooksPage").then((m) => ({ default: m.WebhooksPage })));
const TasksPage = lazy(() => import("./pages/answers/TasksPage").then((m) => ({ default: m.TasksPage })));
const AnswerPage = lazy(() => import("./pages/answers/AnswerPage").then((m) => ({ default: m.AnswerPage })));
const ReviewQueuePage = lazy(() =>
  import("./pages/review/ReviewQueuePage").then((m) => ({ default: m.ReviewQueuePage })),
);
const ReviewDetailPage = lazy(() =>
  import("./pages/review/ReviewDetailPage").then((m) => ({ default: m.ReviewDetailPage })),
);
const AnswerViewPage = lazy(() =>
  import("./pages/dashboard/AnswerViewPage").then((m) => ({ default: m.AnswerViewPage })),
);
const ReportsPage = lazy(() => import("./pages/reports/ReportsPage").then((m) => ({ default: m.ReportsPage })));
const ReportPage = lazy(() => import("./pages/reports/ReportPage").then((m) => ({ default: m.ReportPage })));
const NotificationsPage = lazy(() =>
  import("./pages/notifications/NotificationsPage").then((m) => ({ default: m.NotificationsPage })),
);
const IncidentsPage = lazy(() =>
  import("./pages/incidents/IncidentsPage").then((m) => ({ default: m.IncidentsPage })),
);
const IncidentFormPage = lazy(() =>
  import("./pages/incidents/IncidentFormPage").then((m) => ({ default: m.IncidentFormPage })),
);
const IncidentPage = lazy(() => import("./pages/incidents/IncidentPage").then((m) => ({ default: m.IncidentPage })));
const AuditPage = lazy(() => import("./pages/admin/AuditPage").then((m) => ({ default: m.AuditPage })));
const BoundariesPage = lazy(() => import("./pages/admin/BoundariesPage").then((m) => ({ default: m.BoundariesPage })));
const ImportsPage = lazy(() => import("./pages/imports/ImportsPage").then((m) => ({ default: m.ImportsPage })));
const ImportBatchPage = lazy(() =>
  import("./pages/imports/ImportBatchPage").then((m) => ({ default: m.ImportBatchPage })),
);

/**
 * An operator's home is its tasks in the current period (the page picks the period), a
 * coordinator's its Pemda's progress on the same page; the dashboard is the home of
 * everyone else who may read scores; the intro stays at /tentang.
 */
function Home() {
  const { data: me } = useMe();
  if (me?.role === "operator" && hasCapability(me, "answer")) return <Navigate to="/tugas" replace />;
  if (me?.role === "coordinator") return <Navigate to="/tugas" replace />;
  return hasCapability(me, "read") ? <Navigate to="/dasbor" replace /> : <HomePage />;
}

export function AppRoutes() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route element={<Layout />}>
          <Route path="masuk" element={<LoginPage />} />
          <Route element={<RequireAuth />}>
            <Route index element={<Home />} />
            <Route path="tentang" element={<HomePage />} />
            <Route path="dasbor" element={<DashboardPage />} />
            <Route path="wilayah" element={<RegionsPage />} />
            <Route path="wilayah/:code" element={<RegionDetailPage />} />
            <Route path="wilayah/:code/jawaban/:period/:indicator" element={<AnswerViewPage />} />
            <Route path="kerangka" element={<FrameworksPage />} />
            <Route path="kerangka/:code" element={<FrameworkDetailPage />} />
            <Route path="kerangka/:code/ubah" element={<FrameworkEditorPage />} />
            <Route path="kerangka/:code/banding/:other" element={<FrameworkDiffPage />} />
            <Route path="periode" element={<PeriodsPage />} />
            <Route path="laporan" element={<ReportsPage />} />
            <Route path="laporan/:region/:period" element={<ReportPage />} />
            <Route path="laporan-cepat" element={<IncidentsPage />} />
            <Route path="laporan-cepat/baru" element={<IncidentFormPage />} />
            <Route path="laporan-cepat/:region/:year/:seq" element={<IncidentPage />} />
            <Route path="profil" element={<ProfilePage />} />
            <Route path="notifikasi" element={<NotificationsPage />} />
            <Route element={<RequireAccess allow={followsTasks} />}>
              <Route path="tugas" element={<TasksPage />} />
            </Route>
            <Route element={<RequireCapability capability="answer" />}>
              <Route path="tugas/:period/:region/:indicator" element={<AnswerPage />} />
            </Route>
            <Route element={<RequireCapability capability="review" />}>
              <Route path="verifikasi" element={<ReviewQueuePage />} />
              <Route path="verifikasi/:period/:region/:indicator" element={<ReviewDetailPage />} />
            </Route>
            <Route path="admin" element={<RequireCapability capability="admin" />}>
              <Route path="pengguna" element={<UsersPage />} />
              <Route path="kunci-api" element={<ApiKeysPage />} />
              <Route path="webhook" element={<WebhooksPage />} />
              <Route path="audit" element={<AuditPage />} />
              <Route path="batas-wilayah" element={<BoundariesPage />} />
            </Route>
            <Route path="admin/impor" element={<RequireCapability capability="import" />}>
              <Route index element={<ImportsPage />} />
              <Route path=":id" element={<ImportBatchPage />} />
            </Route>
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Route>
      </Routes>
    </Suspense>
  );
}
