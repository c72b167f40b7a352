// The route table: one entry per screen (one folder per screen under src/screens/).
// `nav` puts the screen in the top navigation for the roles listed (all roles when omitted).
import type { ComponentType } from "preact";
import type { Params } from "./router";
import { SignInScreen } from "../screens/signin/SignInScreen";
import { JobsScreen } from "../screens/jobs/JobsScreen";
import { NewJobScreen } from "../screens/newjob/NewJobScreen";
import { JobScreen } from "../screens/job/JobScreen";
import { ReviewScreen } from "../screens/review/ReviewScreen";
import { TimelineScreen } from "../screens/timeline/TimelineScreen";
import { MicrosoftCallbackScreen } from "../screens/sso/MicrosoftCallbackScreen";

export type ScreenProps = { params: Params };
export type RouteDef = {
  path: string;
  screen: ComponentType<ScreenProps>;
  title: string;
  public?: boolean; // reachable without a session
  nav?: { label: string; roles?: string[] };
};

export const routes: RouteDef[] = [
  { path: "/signin", screen: SignInScreen, title: "Sign in", public: true },
  { path: "/auth/microsoft/callback", screen: MicrosoftCallbackScreen, title: "Signing in with Microsoft", public: true },
  { path: "/jobs", screen: JobsScreen, title: "Jobs", nav: { label: "Jobs" } },
  { path: "/jobs/new", screen: NewJobScreen, title: "New job", nav: { label: "New job", roles: ["CLIENT", "ADMIN"] } },
  { path: "/jobs/:id", screen: JobScreen, title: "Job" },
  { path: "/jobs/:id/review/:lang", screen: ReviewScreen, title: "Review" },
  { path: "/jobs/:id/timeline", screen: TimelineScreen, title: "Timeline" },
];
