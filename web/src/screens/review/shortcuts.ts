// The review screen's keyboard shortcuts. Alt (Option) combinations are matched on the physical
// key (KeyboardEvent.code), so they work while typing in a cue and on any keyboard layout.
export type Action =
  | "play" | "back" | "forward" | "next" | "previous" | "save" | "split" | "merge" | "insert" | "delete"
  | "startEarlier" | "startLater" | "endEarlier" | "endLater" | "help";

export const SHORTCUTS: { action: Action; keys: string; label: string }[] = [
  { action: "play", keys: "Alt+K", label: "Play or pause" },
  { action: "back", keys: "Alt+J", label: "Back 2 seconds" },
  { action: "forward", keys: "Alt+L", label: "Forward 2 seconds" },
  { action: "next", keys: "Alt+↓", label: "Next cue" },
  { action: "previous", keys: "Alt+↑", label: "Previous cue" },
  { action: "save", keys: "Ctrl+S", label: "Save" },
  { action: "split", keys: "Alt+S", label: "Split the cue at the cursor" },
  { action: "merge", keys: "Alt+M", label: "Merge the cue with the next one" },
  { action: "insert", keys: "Alt+I", label: "Insert a cue after this one" },
  { action: "delete", keys: "Alt+D", label: "Delete the cue" },
  { action: "startEarlier", keys: "Alt+[", label: "Start one frame earlier" },
  { action: "startLater", keys: "Alt+]", label: "Start one frame later" },
  { action: "endEarlier", keys: "Alt+Shift+[", label: "End one frame earlier" },
  { action: "endLater", keys: "Alt+Shift+]", label: "End one frame later" },
  { action: "help", keys: "Alt+H", label: "Show these shortcuts" },
];

export function matchShortcut(e: KeyboardEvent): Action | null {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.code === "KeyS") return "save";
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  switch (e.code) {
    case "KeyK":
      return "play";
    case "KeyJ":
      return "back";
    case "KeyL":
      return "forward";
    case "ArrowDown":
      return "next";
    case "ArrowUp":
      return "previous";
    case "KeyS":
      return "split";
    case "KeyM":
      return "merge";
    case "KeyI":
      return "insert";
    case "KeyD":
      return "delete";
    case "BracketLeft":
      return e.shiftKey ? "endEarlier" : "startEarlier";
    case "BracketRight":
      return e.shiftKey ? "endLater" : "startLater";
    case "KeyH":
      return "help";
  }
  return null;
}
