import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { RunStore } from "../../../../harness/store/run-store.ts";
import { runCliInProcess } from "../../../support/run-cli-in-process.ts";
import { useTempDirs } from "../../../support/temp-dir.ts";

const tempDir = useTempDirs();

interface JobManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    completionMode: string;
    completions: number;
    parallelism: number;
    backoffLimitPerIndex: number;
    template: {
      spec: {
        restartPolicy: string;
        containers: {
          image: string;
          command: string[];
          env: { name: string; valueFrom: { fieldRef: { fieldPath: string } } }[];
          resources: { requests: { cpu: string } };
          volumeMounts: { name: string; mountPath: string }[];
        }[];
        volumes: { name: string; persistentVolumeClaim: { claimName: string } }[];
      };
    };
  };
}

// No Kubernetes runs here (FACTS §4: none can on these machines): the manifest's shape is checked
// as a YAML parser reads it, and the command it gives every pod is run by hand on one index.
describe("xxbench sweep --engine k8s --emit (Kubernetes on paper)", () => {
  it("writes an Indexed Job with one completion per cell, the sweep cell command and a results volume", async () => {
    const dir = join(tempDir(), "emitted");
    const r = await runCliInProcess([
      "sweep", "--engine", "k8s", "--emit", dir, "--loads", "0.6,0.9,1.1", "--backend", "sim:xx", "--backend", "sim:hermod",
      "--invocations", "1500", "--machines", "4", "--name", "Paper Sweep", "--max-parallel", "4", "--image", "registry.local/xxbench:1", "--volume-claim", "sweep-pvc",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`sweep "Paper Sweep": 6 cells; wrote ${join(dir, "grid.json")} and ${join(dir, "job.yaml")}`);

    const job = parse(readFileSync(join(dir, "job.yaml"), "utf8")) as JobManifest;
    const grid = JSON.parse(readFileSync(join(dir, "grid.json"), "utf8")) as { sweepId: string; cells: { index: number }[] };
    expect(grid.cells.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect([job.apiVersion, job.kind, job.metadata.name]).toEqual(["batch/v1", "Job", "xxbench-sweep-paper-sweep"]);
    expect(job.metadata.labels["xxbench/sweep-id"]).toBe(grid.sweepId);
    expect(job.spec.completionMode).toBe("Indexed");
    // Indices 0…completions-1: exactly the grid's cells.
    expect(job.spec.completions).toBe(grid.cells.length);
    expect(job.spec.parallelism).toBe(4);
    expect(job.spec.backoffLimitPerIndex).toBe(0);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe("Never");
    expect(pod.containers).toHaveLength(1);
    const [container] = pod.containers;
    expect(container!.image).toBe("registry.local/xxbench:1");
    expect(container!.command).toEqual(["xxbench", "sweep", "cell", "--grid", "/results/grid.json", "--index", "$(XXBENCH_CELL_INDEX)"]);
    expect(container!.env).toEqual([
      { name: "XXBENCH_CELL_INDEX", valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
    ]);
    expect(container!.resources.requests.cpu).toBe("1");
    expect(container!.volumeMounts).toEqual([{ name: "results", mountPath: "/results" }]);
    expect(pod.volumes).toEqual([{ name: "results", persistentVolumeClaim: { claimName: "sweep-pvc" } }]);

    // The pod's command, run here for index 4 (the index from the environment, as in a pod), then collected.
    const saved = process.env.JOB_COMPLETION_INDEX;
    process.env.JOB_COMPLETION_INDEX = "4";
    let cell;
    try {
      cell = await runCliInProcess(["sweep", "cell", "--grid", join(dir, "grid.json")]);
    } finally {
      if (saved === undefined) delete process.env.JOB_COMPLETION_INDEX;
      else process.env.JOB_COMPLETION_INDEX = saved;
    }
    expect(cell.stderr).toBe("");
    expect(cell.stdout).toMatch(/^sweep cell 4 \(k8s-[^)]+\): complete, run in .*\/cells\/4\/k8s-/);
    const outOfRange = await runCliInProcess(["sweep", "cell", "--grid", join(dir, "grid.json"), "--index", "6"]);
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toBe(`xxbench: --index 6 is not a cell of ${join(dir, "grid.json")} (cells 0…5)\n`);

    const db = join(dir, "k8s.duckdb");
    const collected = await runCliInProcess(["sweep", "collect", dir, "--db", db, "--no-report"]);
    expect(collected.code).toBe(2);
    expect(collected.stdout).toContain(`sweep "Paper Sweep": 1/6 cells complete; stored runs 1 in ${db}`);
    expect(collected.stderr).toContain("5 of 6 cells failed or are missing; the sweep is stored incomplete");
    expect(collected.stderr.match(/\bmissing\b/g)?.length).toBeGreaterThanOrEqual(5);
    // Collected again: the stored cell is recognised, nothing is added.
    const again = await runCliInProcess(["sweep", "collect", dir, "--db", db, "--no-report"]);
    expect(again.stdout).toContain(`sweep "Paper Sweep": 1/6 cells complete; no new runs in ${db} (1 result was stored already)`);
    const store = await RunStore.open(db, { readOnly: true });
    try {
      const runs = await store.query(`SELECT backend, label, status, invocations::INTEGER AS n, (manifest->>'$.sweepCell.index')::INTEGER AS cell FROM runs`);
      expect(runs).toEqual([{ backend: "sim:xx", label: "load=1.1", status: "complete", n: 1500, cell: 4 }]);
    } finally {
      store.close();
    }
    expect(existsSync(join(dir, "exits"))).toBe(true);
  });
});
