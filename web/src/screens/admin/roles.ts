// Role names in plain words, for the admin screens' selects and tables.
export const ROLES = ["CLIENT", "REVIEWER", "LINGUIST", "PM", "ADMIN"] as const;
export const ROLE_WORDS: Record<string, string> = {
  CLIENT: "Client",
  REVIEWER: "Reviewer",
  LINGUIST: "Linguist",
  PM: "Project manager",
  ADMIN: "Administrator",
};
