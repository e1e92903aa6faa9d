/**
 * Version 3's reader-facing views, frozen: the v2 → v3 step recreates these, and a later step
 * (v3 → v4) drops and replaces them. Reading the current `viewStatements` here would make the
 * v2 → v3 step name columns that only a later version adds.
 */
export const schemaV3Views: readonly string[] = [
  `CREATE OR REPLACE VIEW invocations AS
     SELECT r.run_id, r.invocation_id, f.tenant, f.app, f.fn, r.price_class, r.ran_class, r.work_ms,
            r.mem_start_mb, r.mem_peak_mb, r.parent_id, r.status, r.arrival_ms, r.placed_ms, r.start_ms,
            r.end_ms, r.machine, r.preemptions, r.swapped_out_mb, r.swap_outs, r.cost_micro_cents, r.error,
            r.cpu_ms, r.sent_ms, r.http_status, r.server_queue_ms, r.server_exec_ms
     FROM invocation_rows r JOIN functions f USING (function_id)`,
  `CREATE OR REPLACE VIEW outcomes AS
     SELECT *,
            end_ms - arrival_ms AS latency_ms,
            start_ms - arrival_ms AS wait_ms,
            CASE WHEN work_ms > 0 THEN (end_ms - arrival_ms) / work_ms END AS slowdown,
            placed_ms - arrival_ms AS shard_wait_ms,
            -- Network runs: how late the driver sent, and the response time from the actual send
            -- (latency_ms, from the intended send, is corrected for coordinated omission).
            sent_ms - arrival_ms AS lateness_ms,
            end_ms - sent_ms AS response_ms
     FROM invocations`,
];
