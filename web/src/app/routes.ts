// The route table: one entry per screen (one folder per screen under src/screens/).
// `nav` puts the screen in the top navigation for the roles listed (all roles when omitted).
import type { ComponentType } from "preact";
import type { ScreenProps } from "./router";
import { SignInScreen } from "../screens/signin/SignInScreen";
import { JobsScreen } from "../screens/jobs/JobsScreen";
import { NewJobScreen } from "../screens/newjob/NewJobScreen";
import { JobScreen } from "../screens/job/JobScreen";
import { ReviewScreen } from "../screens/review/ReviewScreen";
import { TimelineScreen } from "../screens/timeline/TimelineScreen";
import { MicrosoftCallbackScreen } from "../screens/sso/MicrosoftCallbackScreen";
import { LanguageQcBoardScreen } from "../screens/langqc/LanguageQcBoardScreen";
import { AssignmentsScreen } from "../screens/assignments/AssignmentsScreen";
import { DeliveriesScreen } from "../screens/downloads/DeliveriesScreen";
import { DownloadsScreen } from "../screens/downloads/DownloadsScreen";
import { AdminScreen } from "../screens/admin/AdminScreen";
import { OrgsScreen } from "../screens/admin/OrgsScreen";
import { OrgScreen } from "../screens/admin/OrgScreen";
import { UsersScreen } from "../screens/admin/UsersScreen";
import { AuditScreen } from "../screens/admin/AuditScreen";
import { GlossariesScreen } from "../screens/admin/GlossariesScreen";
import { GlossaryScreen } from "../screens/admin/GlossaryScreen";
import { AcceptInviteScreen } from "../screens/invite/AcceptInviteScreen";
import { ChangePasswordScreen } from "../screens/account/ChangePasswordScreen";
import { AccountScreen } from "../screens/account/AccountScreen";

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
  { path: "/language-qc", screen: LanguageQcBoardScreen, title: "Language review board", nav: { label: "Language review", roles: ["PM", "ADMIN"] } },
  { path: "/assignments", screen: AssignmentsScreen, title: "My assignments", nav: { label: "My assignments", roles: ["LINGUIST"] } },
  { path: "/downloads", screen: DeliveriesScreen, title: "Downloads", nav: { label: "Downloads" } },
  { path: "/jobs/:id/downloads", screen: DownloadsScreen, title: "Downloads" },
  { path: "/admin", screen: AdminScreen, title: "Administration", nav: { label: "Admin", roles: ["PM", "ADMIN"] } },
  { path: "/admin/orgs", screen: OrgsScreen, title: "Organisations" },
  { path: "/admin/orgs/:id", screen: OrgScreen, title: "Organisation members" },
  { path: "/admin/users", screen: UsersScreen, title: "Users" },
  { path: "/admin/audit", screen: AuditScreen, title: "Audit log" },
  { path: "/admin/glossaries", screen: GlossariesScreen, title: "Glossaries" },
  { path: "/admin/glossaries/:id", screen: GlossaryScreen, title: "Glossary" },
  { path: "/accept-invite", screen: AcceptInviteScreen, title: "Accept your invite", public: true },
  { path: "/account", screen: AccountScreen, title: "Your account", nav: { label: "Account" } },
  { path: "/account/password", screen: ChangePasswordScreen, title: "Change password" },
];
