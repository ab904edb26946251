/** The app shell: one lazy page per route, so a phone loads only the student's code. */
import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { CornerLanguageSwitcher } from "./components/language-switcher.tsx";
import { matchRoute, navigate, usePathname } from "./lib/router.ts";

const LandingPage = lazy(() => import("./pages/landing-page.tsx"));
const HostPage = lazy(() => import("./pages/host-page.tsx"));
const StudentPage = lazy(() => import("./pages/student-page.tsx"));
const SessionsPage = lazy(() => import("./pages/sessions-page.tsx"));
const AdminPage = lazy(() => import("./pages/admin-page.tsx"));
const ReviewPage = lazy(() => import("./pages/review-page.tsx"));

export function App() {
  const { t } = useTranslation();
  const route = matchRoute(usePathname());
  return (
    <Suspense fallback={<p className="page-loading">{t("app.loading")}</p>}>
      {route.page === "landing" ? <LandingPage /> : null}
      {route.page === "host" ? <HostPage key={route.sessionId} sessionId={route.sessionId} /> : null}
      {route.page === "student" ? <StudentPage key={route.code} code={route.code} /> : null}
      {route.page === "sessions" ? <SessionsPage /> : null}
      {route.page === "admin" ? <AdminPage /> : null}
      {route.page === "review" ? <ReviewPage key={route.sessionId} sessionId={route.sessionId} /> : null}
      {route.page === "not-found" ? (
        <main className="landing">
          <CornerLanguageSwitcher />
          <h1>{t("app.notFound")}</h1>
          <button type="button" className="button primary big" onClick={() => navigate("/")}>
            {t("app.home")}
          </button>
        </main>
      ) : null}
    </Suspense>
  );
}
