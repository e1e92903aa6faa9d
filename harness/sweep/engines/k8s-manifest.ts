import type { SweepEngineSettings, SweepSpec } from "../sweep-spec.ts";

export type K8sSettings = Extract<SweepEngineSettings, { kind: "k8s" }>;

/** Where the results volume is mounted in every pod; the grid file lives at its top. */
export const k8sResultsMount = "/results";

/** The command every pod runs: the same `sweep cell` as a SLURM array task, index from the Job. */
export function k8sCellCommand(): string[] {
  return ["xxbench", "sweep", "cell", "--grid", `${k8sResultsMount}/grid.json`, "--index", "$(XXBENCH_CELL_INDEX)"];
}

/** A YAML scalar that no YAML reader takes for anything but this string. */
function yamlString(s: string): string {
  return JSON.stringify(s);
}

/**
 * A Kubernetes Indexed Job for a sweep: completions = cells, each pod runs cell
 * $JOB_COMPLETION_INDEX, results on a shared volume (a PersistentVolumeClaim the user creates).
 * Written by hand as YAML (a fixed shape with quoted strings needs no YAML library). The index is
 * passed through an env var from the pod's completion-index annotation, which Kubernetes expands
 * in `command` as $(NAME), so the command line reads like the SLURM one.
 */
export function k8sIndexedJob(spec: SweepSpec, settings: K8sSettings): string {
  const name = `xxbench-sweep-${spec.name.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`.slice(0, 52).replace(/-+$/, "");
  const lines = [
    "# xxbench sweep as a Kubernetes Indexed Job: one pod per grid cell (see README, Sweeps).",
    `# sweep "${spec.name}" (${spec.sweepId}), ${spec.cells.length} cells. Copy grid.json to the top of the results volume, then:`,
    `#   kubectl apply -f job.yaml; then wait until job/${name} is Complete or Failed (a failed index fails the Job)`,
    "#   copy the volume's contents back and run: xxbench sweep collect DIR",
    "apiVersion: batch/v1",
    "kind: Job",
    "metadata:",
    `  name: ${yamlString(name)}`,
    "  labels:",
    `    app.kubernetes.io/name: "xxbench"`,
    `    xxbench/sweep-id: ${yamlString(spec.sweepId)}`,
    "spec:",
    "  completionMode: Indexed",
    `  completions: ${spec.cells.length}`,
    `  parallelism: ${Math.min(settings.parallelism, spec.cells.length)}`,
    "  # A failing cell does not stop the others (Kubernetes >= 1.29); `xxbench sweep collect` lists what is missing.",
    "  backoffLimitPerIndex: 0",
    `  maxFailedIndexes: ${spec.cells.length}`,
    "  template:",
    "    spec:",
    "      restartPolicy: Never",
    "      containers:",
    `        - name: "cell"`,
    `          image: ${yamlString(settings.image)}`,
    `          command: [${k8sCellCommand().map(yamlString).join(", ")}]`,
    "          env:",
    `            - name: "XXBENCH_CELL_INDEX"`,
    "              valueFrom:",
    "                fieldRef:",
    `                  fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']"`,
    "          resources:",
    "            requests:",
    `              cpu: ${yamlString(String(settings.cpusPerTask))}`,
    "            limits:",
    `              cpu: ${yamlString(String(settings.cpusPerTask))}`,
    "          volumeMounts:",
    `            - name: "results"`,
    `              mountPath: ${yamlString(k8sResultsMount)}`,
    "      volumes:",
    `        - name: "results"`,
    "          persistentVolumeClaim:",
    `            claimName: ${yamlString(settings.volumeClaim)}`,
    "",
  ];
  return lines.join("\n");
}
