import { execFileSync } from "node:child_process";

/**
 * One machine's network namespace, joined to the root namespace by a veth pair: a /30 with the
 * root side at .1 and the namespace side at .2 (of its block of four).
 */
export interface MachineNetwork {
  readonly machine: number;
  readonly namespace: string;
  /** The veth end left in the root namespace. */
  readonly rootDevice: string;
  /** The veth end inside the namespace. */
  readonly namespaceDevice: string;
  readonly rootAddress: string;
  readonly namespaceAddress: string;
}

/** The namespaces `cluster up --netns` made: recorded in the state file so `cluster down` removes them. */
export interface ClusterNetwork {
  /** 10.213.S.0/24: every address below is in it, and nothing else on this machine was when it was chosen. */
  readonly subnet: string;
  /**
   * Where the shards listen: the root side of machine 0's pair, an address of this machine that
   * every namespace routes to through its own veth (a /32 route; no namespace has a default route).
   */
  readonly serviceAddress: string;
  readonly machines: readonly MachineNetwork[];
}

/** Namespaces get /24s of this /16 (FACTS §3 used 10.213.0.0/30; nothing on this machine uses 10.213/16). */
const firstOctets = "10.213";
/** 64 pairs × 4 addresses fill one /24: the CLI's --machines limit. */
export const maxNetnsMachines = 64;
const namespacePrefix = "xxbench-";
const ipTimeoutMs = 10_000;

/** Namespace setup that cannot be done or would not be safe: nothing was started. */
export class NetnsRefusedError extends Error {
  override readonly name = "NetnsRefusedError";
}

/** Names and addresses for `machines` namespaces in slot `slot` (10.213.slot.0/24). Pure. */
export function planClusterNetwork(slot: number, machines: number): ClusterNetwork {
  if (!(Number.isInteger(slot) && slot >= 0 && slot <= 255)) throw new RangeError(`slot must be 0..255 (got ${slot})`);
  if (!(Number.isInteger(machines) && machines >= 1 && machines <= maxNetnsMachines)) throw new RangeError(`machines must be 1..${maxNetnsMachines} (got ${machines})`);
  const at = (host: number): string => `${firstOctets}.${slot}.${host}`;
  const list = Array.from({ length: machines }, (_, m): MachineNetwork => ({
    machine: m,
    namespace: `${namespacePrefix}${slot}-${m}`,
    // Interface names are at most 15 characters: xxb255r63 is 9.
    rootDevice: `xxb${slot}r${m}`,
    namespaceDevice: `xxb${slot}n${m}`,
    rootAddress: at(4 * m + 1),
    namespaceAddress: at(4 * m + 2),
  }));
  return { subnet: `${at(0)}/24`, serviceAddress: list[0]!.rootAddress, machines: list };
}

/** Why `--netns` cannot run here (not root, no `ip`, no `ip netns`), or undefined when it can. */
export function netnsUnavailableReason(): string | undefined {
  const uid = process.getuid?.();
  if (uid !== 0) return `--netns needs root to create network namespaces (running as uid ${uid ?? "unknown"})`;
  try {
    execFileSync("ip", ["netns", "list"], { stdio: ["ignore", "pipe", "pipe"], timeout: ipTimeoutMs });
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    return missing ? "--netns needs the ip command (iproute2), which is not installed" : `--netns needs ip netns, which fails here: ${ipError(error)}`;
  }
  return undefined;
}

function ipError(error: unknown): string {
  const stderr = (error as { stderr?: Buffer | string }).stderr;
  const text = stderr === undefined ? "" : String(stderr).trim();
  return text || (error instanceof Error ? error.message : String(error));
}

function ip(args: readonly string[]): string {
  try {
    return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: ipTimeoutMs });
  } catch (error) {
    throw new Error(`ip ${args.join(" ")}: ${ipError(error)}`);
  }
}

/** An IPv4 prefix as [first address as a number, length]; undefined for anything else. */
export function parsePrefix(text: string): [number, number] | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const length = match[5] === undefined ? 32 : Number(match[5]);
  if (octets.some((o) => o > 255) || length > 32) return undefined;
  const value = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  return [(value & mask) >>> 0, length];
}

function overlaps(a: [number, number], b: [number, number]): boolean {
  const length = Math.min(a[1], b[1]);
  const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  return ((a[0] & mask) >>> 0) === ((b[0] & mask) >>> 0);
}

/**
 * The prefixes this machine already uses: every address (`ip -4 -o addr`) and every route of every
 * table (`ip -4 route show table all`), except default routes, which a more specific route overrides.
 */
export function prefixesInUse(addrOutput: string, routeOutput: string): [number, number][] {
  const used: [number, number][] = [];
  for (const line of addrOutput.split("\n")) {
    const match = /\binet (\S+)/.exec(line);
    const prefix = match ? parsePrefix(match[1]!) : undefined;
    if (prefix) used.push(prefix);
  }
  const routeTypes = new Set(["unicast", "local", "broadcast", "multicast", "unreachable", "blackhole", "prohibit", "throw", "anycast", "nat"]);
  for (const line of routeOutput.split("\n")) {
    const words = line.trim().split(/\s+/);
    const destination = routeTypes.has(words[0] ?? "") ? words[1] : words[0];
    if (destination === undefined || destination === "" || destination === "default") continue;
    const prefix = parsePrefix(destination);
    if (prefix && prefix[1] > 0) used.push(prefix);
  }
  return used;
}

/** The first slot S whose 10.213.S.0/24 overlaps nothing in `used` and is not in `taken`; undefined if none. */
export function freeSlot(used: readonly [number, number][], taken: ReadonlySet<number>, from = 0): number | undefined {
  for (let slot = from; slot <= 255; slot++) {
    if (taken.has(slot)) continue;
    const subnet = parsePrefix(`${firstOctets}.${slot}.0/24`)!;
    if (!used.some((u) => overlaps(u, subnet))) return slot;
  }
  return undefined;
}

/**
 * The device `ip route get` sends to, when the route is a direct one on this machine: `local`
 * (an address of this namespace, over lo) or a connected route with no gateway (`via`).
 * undefined for anything that goes through a gateway, or output not understood.
 */
export function directRouteDevice(output: string, address: string): string | undefined {
  const words = output.trim().split(/\s+/);
  const local = words[0] === "local";
  const destination = local ? words[1] : words[0];
  if (destination !== address || words.includes("via")) return undefined;
  const dev = words.indexOf("dev");
  return dev < 0 ? undefined : words[dev + 1];
}

/**
 * Refuses unless every namespace address routes, from the root namespace, straight onto our own
 * veth for it, and the shards' address is local here and routes from each namespace onto that
 * namespace's veth. Run before any traffic: the root namespace has a default route off this
 * machine (FACTS §3), so a namespace address missing its route would leave through it.
 */
export function checkRoutes(network: ClusterNetwork): void {
  const fail = (what: string, output: string): never => {
    throw new NetnsRefusedError(`refusing to start: ${what} (ip route get said: ${output.trim().split("\n")[0] ?? ""})`);
  };
  const service = ip(["-4", "route", "get", network.serviceAddress]);
  if (!service.trim().startsWith("local ") || directRouteDevice(service, network.serviceAddress) !== "lo") fail(`${network.serviceAddress} is not an address of this machine`, service);
  for (const m of network.machines) {
    const toNamespace = ip(["-4", "route", "get", m.namespaceAddress]);
    if (directRouteDevice(toNamespace, m.namespaceAddress) !== m.rootDevice) fail(`${m.namespaceAddress} does not route onto veth ${m.rootDevice}`, toNamespace);
    const toService = ip(["-n", m.namespace, "-4", "route", "get", network.serviceAddress]);
    const words = toService.trim().split(/\s+/);
    const dev = words[words.indexOf("dev") + 1];
    if (words[0] !== network.serviceAddress || dev !== m.namespaceDevice) fail(`${network.serviceAddress} does not route from ${m.namespace} onto veth ${m.namespaceDevice}`, toService);
  }
}

function namespacesNow(): Set<string> {
  // Lines look like "xxbench-3-0 (id: 4)" or just "xxbench-3-0".
  return new Set(ip(["netns", "list"]).split("\n").map((line) => line.trim().split(/\s+/)[0] ?? "").filter(Boolean));
}

/** Slots claimed by namespaces of ours that exist now (another cluster's, or a leftover). */
function slotsOfNamespaces(names: ReadonlySet<string>): Set<number> {
  const slots = new Set<number>();
  for (const name of names) {
    const match = /^xxbench-(\d+)-\d+$/.exec(name);
    if (match) slots.add(Number(match[1]));
  }
  return slots;
}

/**
 * Creates one namespace per machine with its veth pair and addresses, in the first 10.213.S.0/24
 * that overlaps no address or route of this machine, then checks the routes (`checkRoutes`).
 * The slot is claimed by creating its first namespace (`ip netns add` fails if another cluster
 * got there first). On any failure everything made here is removed again.
 */
export async function createClusterNetwork(machines: number): Promise<ClusterNetwork> {
  const used = prefixesInUse(ip(["-4", "-o", "addr", "show"]), ip(["-4", "route", "show", "table", "all"]));
  const taken = slotsOfNamespaces(namespacesNow());
  let network: ClusterNetwork | undefined;
  for (let from = 0; network === undefined; ) {
    const slot = freeSlot(used, taken, from);
    if (slot === undefined) throw new NetnsRefusedError(`refusing to start: every 10.213.S.0/24 overlaps an address or route of this machine or a namespace of another cluster`);
    const plan = planClusterNetwork(slot, machines);
    try {
      ip(["netns", "add", plan.machines[0]!.namespace]);
      network = plan;
    } catch {
      taken.add(slot);
      from = slot + 1;
    }
  }
  try {
    for (const m of network.machines) {
      if (m.machine > 0) ip(["netns", "add", m.namespace]);
      ip(["link", "add", m.rootDevice, "type", "veth", "peer", "name", m.namespaceDevice, "netns", m.namespace]);
      ip(["addr", "add", `${m.rootAddress}/30`, "dev", m.rootDevice]);
      ip(["link", "set", m.rootDevice, "up"]);
      ip(["-n", m.namespace, "addr", "add", `${m.namespaceAddress}/30`, "dev", m.namespaceDevice]);
      ip(["-n", m.namespace, "link", "set", m.namespaceDevice, "up"]);
      ip(["-n", m.namespace, "link", "set", "lo", "up"]);
      // The shards' address, and nothing else, through this namespace's own pair.
      if (m.machine > 0) ip(["-n", m.namespace, "route", "add", `${network.serviceAddress}/32`, "via", m.rootAddress, "dev", m.namespaceDevice]);
    }
    checkRoutes(network);
    return network;
  } catch (error) {
    await deleteClusterNetwork(network);
    throw error;
  }
}

/**
 * Deletes the namespaces (each takes its veth pair with it; the kernel may finish that a moment
 * later, so this waits up to `waitMs` for the root-side devices to go) and returns the names of
 * namespaces or root-side veths still present afterwards (expected: none). Stop the processes in
 * the namespaces first: a namespace with a process in it outlives its name, and its veth with it.
 */
export async function deleteClusterNetwork(network: ClusterNetwork, waitMs = 5_000): Promise<string[]> {
  for (const m of network.machines) {
    try {
      ip(["netns", "del", m.namespace]);
    } catch {
      // Never created, or already gone.
    }
  }
  const deadline = performance.now() + waitMs;
  for (;;) {
    const present = namespacesNow();
    const left = [...network.machines.filter((m) => present.has(m.namespace)).map((m) => m.namespace), ...network.machines.filter((m) => deviceExists(m.rootDevice)).map((m) => m.rootDevice)];
    if (left.length === 0 || performance.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function deviceExists(device: string): boolean {
  try {
    ip(["link", "show", "dev", device]);
    return true;
  } catch {
    return false;
  }
}
