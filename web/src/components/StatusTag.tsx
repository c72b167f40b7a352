import { statusTone, statusWords } from "../app/format";

/** A job status in plain words, coloured by what it asks of people (the words carry the meaning). */
export function StatusTag({ status }: { status: string }) {
  return (
    <span class={`tag tag-${statusTone(status)}`} data-status={status}>
      {statusWords(status)}
    </span>
  );
}
