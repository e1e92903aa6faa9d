/**
 * One transform as the run manifest records it, with the numbers that say how far the replayed
 * workload is from the source. Transforms apply in the order they are listed.
 */
export type TraceTransform =
  | {
      readonly transform: "window";
      readonly fromMinute: number;
      readonly minutes: number;
      /** The minutes the source holds, for context. */
      readonly fileMinutes: { readonly fromMinute: number; readonly minutes: number };
      /** Rows outside the window (2021: by start time). */
      readonly invocationsOutside?: number;
    }
  | {
      readonly transform: "function-sample";
      readonly size: number;
      /** The roll-down chain that led to this size (nested samples). */
      readonly chain: readonly number[];
      readonly trials: number;
      readonly fromFunctions: number;
      readonly invocationsDistance: number;
      readonly resourcesDistance: number;
      readonly score: number;
      readonly chainScores: readonly { readonly size: number; readonly score: number; readonly bestOf: readonly [number, number] }[];
      readonly distanceDefinition: string;
    }
  | {
      readonly transform: "time-compression";
      readonly mode: "thumbnails" | "scale";
      readonly factor: number;
      readonly minutesBefore: number;
      readonly minutesAfter: number;
      readonly invocationsBefore: number;
      readonly invocationsAfter: number;
    }
  | {
      readonly transform: "rate-scaling";
      readonly targetLoad: number;
      readonly cores: number;
      readonly sourceLoad: number;
      readonly factor: number;
      /** Expected load after scaling; differs from the target by the rounding of counts. */
      readonly resultingLoad: number;
      readonly invocationsBefore: number;
      /** Exact for 2019 (systematic rounding is known up front); the expectation for 2021 (random thinning). */
      readonly invocationsAfter: number;
    };
