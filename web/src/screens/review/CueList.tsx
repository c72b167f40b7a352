// The cue list: one row per cue with its times, its text (edited in place) and its QC flags.
// Rows only re-render when their own cue, flags or highlight change, so typing in one cue of a
// 900-cue programme touches one row.
import { Component } from "preact";
import { shortTime, type Cue } from "./vtt";
import type { Flag } from "./qc";

type RowProps = {
  cue: Cue;
  index: number;
  flags: Flag[];
  flagKey: string;
  playing: boolean;
  selected: boolean;
  kind: string;
  readOnly: boolean;
  onText: (index: number, text: string) => void;
  onSelect: (index: number) => void;
  onSeek: (index: number) => void;
};

class CueRow extends Component<RowProps> {
  shouldComponentUpdate(next: RowProps) {
    const p = this.props;
    return p.cue !== next.cue || p.index !== next.index || p.flagKey !== next.flagKey || p.playing !== next.playing || p.selected !== next.selected || p.readOnly !== next.readOnly;
  }
  render({ cue, index, flags, playing, selected, kind, readOnly, onText, onSelect, onSeek }: RowProps) {
    const textId = `cue-text-${kind}-${cue.key}`;
    const flagId = `cue-flags-${kind}-${cue.key}`;
    return (
      <li class={`cue ${playing ? "cue-playing" : ""} ${selected ? "cue-selected" : ""} ${flags.length ? "cue-flagged" : ""}`} aria-current={playing ? "time" : undefined} data-cue={index + 1}>
        <div class="cue-head">
          <span class="cue-n">{index + 1}</span>
          <button type="button" class="linklike cue-time" onClick={() => onSeek(index)} aria-label={`${shortTime(cue.start)} – ${shortTime(cue.end)}, play cue ${index + 1}`}>
            {shortTime(cue.start)} – {shortTime(cue.end)}
          </button>
        </div>
        <label class="visually-hidden" for={textId}>
          Cue {index + 1} text
        </label>
        <textarea
          id={textId}
          class="cue-text"
          rows={Math.max(2, cue.text.split("\n").length)}
          value={cue.text}
          readOnly={readOnly}
          spellcheck
          aria-describedby={flags.length ? flagId : undefined}
          onFocus={() => onSelect(index)}
          onInput={(e) => onText(index, e.currentTarget.value)}
        />
        {flags.length > 0 && (
          <ul class="flags" id={flagId} aria-label={`QC flags of cue ${index + 1}`}>
            {flags.map((f, i) => (
              <li key={i} class={`flag flag-${f.rule}`}>
                {f.text}
              </li>
            ))}
          </ul>
        )}
      </li>
    );
  }
}

const flagKeys = new WeakMap<Flag[], string>();
function flagKeyOf(f: Flag[] | undefined): string {
  if (!f || !f.length) return "";
  let k = flagKeys.get(f);
  if (k === undefined) {
    k = f.map((x) => x.text).join("|");
    flagKeys.set(f, k);
  }
  return k;
}

type ListProps = {
  cues: Cue[];
  flags: Flag[][];
  playing: number;
  selected: number;
  kind: string;
  readOnly: boolean;
  onText: (index: number, text: string) => void;
  onSelect: (index: number) => void;
  onSeek: (index: number) => void;
};

export function CueList({ cues, flags, playing, selected, kind, readOnly, onText, onSelect, onSeek }: ListProps) {
  return (
    <ol class="cue-list" aria-label={`${kind === "captions" ? "Caption" : "Description"} cues`}>
      {cues.map((c, i) => (
        <CueRow
          key={c.key}
          cue={c}
          index={i}
          flags={flags[i] ?? []}
          flagKey={flagKeyOf(flags[i])}
          playing={i === playing}
          selected={i === selected}
          kind={kind}
          readOnly={readOnly}
          onText={onText}
          onSelect={onSelect}
          onSeek={onSeek}
        />
      ))}
    </ol>
  );
}
