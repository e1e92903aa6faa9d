import { TraceOptionError } from "../trace-option-error.ts";

/**
 * A window of whole minutes, counted from the start of the trace (0-based: minute 0 is
 * 00:00–00:01 of an Azure 2019 day, i.e. column label 1; an In-Vitro sample whose columns are
 * 480..959 covers minutes 479..958). Replayed arrivals are relative to the window's start.
 */
export interface MinuteWindow {
  readonly fromMinute: number;
  readonly minutes: number;
}

/** The user's `--from`/`--minutes`, resolved against the minutes a trace holds; unset means "from the first" / "to the end". */
export function resolveWindow(available: MinuteWindow, from: number | undefined, minutes: number | undefined): MinuteWindow {
  const start = from ?? available.fromMinute;
  const availableEnd = available.fromMinute + available.minutes;
  if (!Number.isInteger(start) || start < available.fromMinute || start >= availableEnd) {
    throw new TraceOptionError(`--from ${start} is outside the trace's minutes ${available.fromMinute}..${availableEnd - 1}`);
  }
  const length = minutes ?? availableEnd - start;
  if (!Number.isInteger(length) || length < 1 || start + length > availableEnd) {
    throw new TraceOptionError(
      `--minutes ${length} from minute ${start} runs past the trace's last minute ${availableEnd - 1} (at most ${availableEnd - start})`,
    );
  }
  return { fromMinute: start, minutes: length };
}
