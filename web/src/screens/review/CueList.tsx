// The cue list: one row per cue with its times, its text (edited in place) and its QC flags.
// Rows sit in blocks of BLOCK cues; a block, and a row within it, only re-renders when its own
// cues, flags or highlight change, so typing in one cue of a 900-cue programme builds one
// block's rows and re-renders one row. Off-screen rows skip layout and paint (styles.css:
// content-visibility), which keeps the first render and each keystroke's layout short. Only
// a long list does so: a skipped row's buttons have no size, which axe's target-size rule
// reports, and a short list is fast without it.
import { Component } from "preact";
import { shortTime, type Cue } from "./vtt";
import type { Flag } from "./qc";

const LONG_LIST = 200; // cues: from here, off-screen rows skip layout (styles.css .cue-list-long)

type RowProps = {
  cue: Cue;
  index: number;
  flags: Flag[];
  flagKey: string;
  reference: string; // the source language's text at the same time ("" for none)
  refLabel: string;
  playing: boolean;
  selected: boolean;
  kind: string;
  readOnly: boolean;
  onText: (index: number, text: string) => void;
  onSelect: (index: number) => void;
  onSeek: (index: number) => void;
  onPlay: (index: number) => void;
};

class CueRow extends Component<RowProps> {
  shouldComponentUpdate(next: RowProps) {
    const p = this.props;
    return p.cue !== next.cue || p.index !== next.index || p.flagKey !== next.flagKey || p.reference !== next.reference || p.playing !== next.playing || p.selected !== next.selected || p.readOnly !== next.readOnly;
  }
  render({ cue, index, flags, reference, refLabel, playing, selected, kind, readOnly, onText, onSelect, onSeek, onPlay }: RowProps) {
    const textId = `cue-text-${kind}-${cue.key}`;
    const flagId = `cue-flags-${kind}-${cue.key}`;
    const refId = `cue-ref-${kind}-${cue.key}`;
    const described = [reference ? refId : "", flags.length ? flagId : ""].filter(Boolean).join(" ");
    return (
      <li class={`cue ${playing ? "cue-playing" : ""} ${selected ? "cue-selected" : ""} ${flags.length ? "cue-flagged" : ""}`} aria-current={playing ? "time" : undefined} data-cue={index + 1}>
        <div class="cue-head">
          <span class="cue-n">{index + 1}</span>
          <button type="button" class="linklike cue-time" onClick={() => onSeek(index)} aria-label={`${shortTime(cue.start)} – ${shortTime(cue.end)}, go to cue ${index + 1}`}>
            {shortTime(cue.start)} – {shortTime(cue.end)}
          </button>
          <button type="button" class="button secondary small cue-play" onClick={() => onPlay(index)} aria-label={`Play cue ${index + 1}${kind === "descriptions" ? (/-extended$/.test(cue.id) ? " with its extended narration (the picture holds)" : " with its narration") : ""}`}>
            ▶ Play
          </button>
        </div>
        {kind === "descriptions" && <p class={`cue-placement${/-extended$/.test(cue.id) ? " cue-extended" : ""}`}>{placement(cue.id)}</p>}
        {reference && (
          <p class="cue-ref" id={refId}>
            <span class="cue-ref-label">{refLabel}:</span> <span class="user-text">{reference}</span>
          </p>
        )}
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
          aria-describedby={described || undefined}
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

/** What the pipeline did with a description, from its identifier (shared/media/vtt.py: `ad-N`, or
 * `ad-N-extended` when the programme pauses for it; the narration step relabels them). */
function placement(id: string): string {
  if (/-extended$/.test(id)) return "Extended: the programme pauses while this is spoken.";
  if (/^ad-\d+$/.test(id)) return "Standard: spoken in a gap in the dialogue.";
  return "New: the narration step decides whether it fits a gap or pauses the programme.";
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
  refs: string[]; // per cue: the source language's text at the same time
  refLabel: string;
  playing: number;
  selected: number;
  kind: string;
  readOnly: boolean;
  onText: (index: number, text: string) => void;
  onSelect: (index: number) => void;
  onSeek: (index: number) => void;
  onPlay: (index: number) => void;
};

/** Rows per block. A keystroke re-renders the list: each block checks its own rows (reference
 * compares, no VNodes) and only the block holding the edited cue builds its rows again, so the
 * work per keystroke is about BLOCK rows plus one cheap loop, whatever the programme's length. */
export const BLOCK = 50;

type BlockProps = ListProps & { start: number; flagKeys: string[] };

/** `i` when it falls in [start, start + BLOCK), otherwise -1. */
function within(i: number, start: number): number {
  return i >= start && i < start + BLOCK ? i : -1;
}

class CueBlock extends Component<BlockProps> {
  shouldComponentUpdate(n: BlockProps) {
    const p = this.props;
    if (p.start !== n.start || p.kind !== n.kind || p.readOnly !== n.readOnly || p.onText !== n.onText || p.onSelect !== n.onSelect || p.onSeek !== n.onSeek || p.onPlay !== n.onPlay || p.refLabel !== n.refLabel) return true;
    if (within(p.playing, n.start) !== within(n.playing, n.start) || within(p.selected, n.start) !== within(n.selected, n.start)) return true;
    const end = Math.min(n.start + BLOCK, Math.max(p.cues.length, n.cues.length));
    for (let i = n.start; i < end; i++) {
      if (p.cues[i] !== n.cues[i] || p.flagKeys[i] !== n.flagKeys[i] || p.refs[i] !== n.refs[i]) return true;
    }
    return false;
  }
  render({ cues, flags, flagKeys, refs, refLabel, playing, selected, kind, readOnly, onText, onSelect, onSeek, onPlay, start }: BlockProps) {
    // A fragment: the rows stay direct children of the <ol> (list semantics for screen readers).
    return (
      <>
        {cues.slice(start, start + BLOCK).map((c, j) => {
          const i = start + j;
          return (
            <CueRow
              key={c.key}
              cue={c}
              index={i}
              flags={flags[i] ?? []}
              flagKey={flagKeys[i]}
              reference={refs[i] ?? ""}
              refLabel={refLabel}
              playing={i === playing}
              selected={i === selected}
              kind={kind}
              readOnly={readOnly}
              onText={onText}
              onSelect={onSelect}
              onSeek={onSeek}
              onPlay={onPlay}
            />
          );
        })}
      </>
    );
  }
}

export function CueList(props: ListProps) {
  const { cues, flags, kind } = props;
  const flagKeys = flags.map(flagKeyOf);
  const blocks: number[] = [];
  for (let s = 0; s < cues.length; s += BLOCK) blocks.push(s);
  return (
    <ol class={`cue-list${cues.length > LONG_LIST ? " cue-list-long" : ""}`} aria-label={`${kind === "captions" ? "Caption" : "Description"} cues`}>
      {blocks.map((s) => (
        <CueBlock key={s} {...props} start={s} flagKeys={flagKeys} />
      ))}
    </ol>
  );
}
