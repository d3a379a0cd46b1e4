import os from 'node:os';

/** Where the numbers were measured; the load matters on a shared machine. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly totalMemoryGiB: number;
  readonly duckdb: string;
  /** 1, 5 and 15-minute load averages when the run started and ended. */
  readonly loadAverageStart: readonly number[];
  readonly loadAverageEnd: readonly number[];
}

/** Machine facts at the start of a run; `loadAverageEnd` is filled in by {@link finishMachineInfo}. */
export function startMachineInfo(duckdbVersion: string): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    duckdb: duckdbVersion,
    loadAverageStart: os.loadavg(),
    loadAverageEnd: [],
  };
}

/** The same facts with the load average at the end of the run. */
export function finishMachineInfo(info: MachineInfo): MachineInfo {
  return { ...info, loadAverageEnd: os.loadavg() };
}

/** One line for the terminal. */
export function describeMachine(info: MachineInfo): string {
  return (
    `${info.cpuModel} · ${info.cores} cores · Node ${info.node} · DuckDB ${info.duckdb} · ` +
    `${info.platform} · load ${info.loadAverageStart.map((l) => l.toFixed(2)).join(' ')}`
  );
}
