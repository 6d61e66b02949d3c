import { lazy, Suspense } from "react";
import { Route, Routes } from "react-router";
import { Layout } from "./components/Layout";
import { Loading } from "./components/QueryState";
import { HomePage } from "./pages/HomePage";
import { NotFoundPage } from "./pages/NotFoundPage";

// Pages other than the home page load on first visit, keeping the initial
// bundle small for slow regional connections.
const RegionsPage = lazy(() => import("./pages/regions/RegionsPage").then((m) => ({ default: m.RegionsPage })));
const RegionDetailPage = lazy(() =>
  import("./pages/regions/RegionDetailPage").then((m) => ({ default: m.RegionDetailPage })),
);
const FrameworksPage = lazy(() =>
  import("./pages/frameworks/FrameworksPage").then((m) => ({ default: m.FrameworksPage })),
);
const FrameworkDetailPage = lazy(() =>
  import("./pages/frameworks/FrameworkDetailPage").then((m) => ({ default: m.FrameworkDetailPage })),
);
const PeriodsPage = lazy(() => import("./pages/PeriodsPage").then((m) => ({ default: m.PeriodsPage })));

export function AppRoutes() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<HomePage />} />
          <Route path="wilayah" element={<RegionsPage />} />
          <Route path="wilayah/:code" element={<RegionDetailPage />} />
          <Route path="kerangka" element={<FrameworksPage />} />
          <Route path="kerangka/:code" element={<FrameworkDetailPage />} />
          <Route path="periode" element={<PeriodsPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
