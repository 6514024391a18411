// Samples the server under test once a second: CPU (utime+stime of the whole process, all
// threads), RSS, thread count, and the namespace's kernel UDP counters (/proc/net/snmp; the
// namespace holds only this benchmark, so drops there are the server's or the generator's).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

export function readProcess(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is the state (field 3), so utime (14) and stime (15) are at 11 and 12.
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const threads = Number(/Threads:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { cpuS: ticks / CLK_TCK, rssKb, threads, waitS: runQueueWaitS(pid) };
  } catch {
    return null;  // the process is gone
  }
}

// Time the process's threads spent runnable but waiting for a CPU (the second field of
// /proc/PID/task/TID/schedstat, ns): high while the server is below its CPU limit means other
// processes on its cores took the time, and the knee is the machine's, not the server's.
function runQueueWaitS(pid) {
  let ns = 0;
  let tasks = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const tid of tasks) {
    try {
      ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]);
    } catch { /* the thread ended */ }
  }
  return ns / 1e9;
}

// Per CPU, seconds busy and idle since boot (/proc/stat; iowait counts as idle).
export function readCpus() {
  const out = {};
  for (const line of fs.readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^cpu(\d+)\s+(.*)/.exec(line);
    if (!m) continue;
    const v = m[2].split(/\s+/).map(Number);
    const idle = v[3] + v[4];
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    out[m[1]] = { busyS: (total - idle) / CLK_TCK, idleS: idle / CLK_TCK };
  }
  return out;
}

export function readUdp() {
  const lines = fs.readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  if (lines.length < 2) return {};
  const names = lines[0].split(/\s+/).slice(1);
  const values = lines[1].split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}

export class Sampler {
  constructor(pid, intervalMs = 1000) {
    this.pid = pid;
    this.intervalMs = intervalMs;
    this.samples = [];
  }

  sample() {
    const p = readProcess(this.pid);
    if (p) this.samples.push({ t: performance.now(), ...p, udp: readUdp(), cpus: readCpus() });
  }

  start() {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop() {
    clearInterval(this.timer);
    this.sample();
    return this.samples;
  }
}

// CPU seconds between two instants, interpolating linearly between the samples around each.
export function cpuBetween(samples, t0, t1, key = 'cpuS') {
  const at = (t) => {
    if (samples.length === 0) return 0;
    if (t <= samples[0].t) return samples[0][key];
    for (let i = 1; i < samples.length; i++) {
      const a = samples[i - 1];
      const b = samples[i];
      if (t <= b.t) return a[key] + (b[key] - a[key]) * ((t - a.t) / Math.max(1e-9, b.t - a.t));
    }
    return samples[samples.length - 1][key];
  };
  return at(t1) - at(t0);
}

// Busy seconds of the given CPUs between two instants.
export function busyBetween(samples, cpuList, t0, t1) {
  const flat = samples.map((x) => ({
    t: x.t, busyS: cpuList.reduce((a, c) => a + (x.cpus?.[c]?.busyS ?? 0), 0),
  }));
  return cpuBetween(flat, t0, t1, 'busyS');
}

export function summarize(samples, t0, t1) {
  const inside = samples.filter((s) => s.t >= t0 && s.t <= t1);
  const use = inside.length ? inside : samples;
  const first = samples[0]?.udp ?? {};
  const last = samples[samples.length - 1]?.udp ?? {};
  const delta = (k) => (last[k] ?? 0) - (first[k] ?? 0);
  return {
    cpuS: cpuBetween(samples, t0, t1),
    // Thread exits lose their counts, so this is a lower bound.
    waitS: Math.max(0, cpuBetween(samples, t0, t1, 'waitS')),
    rssMaxKb: Math.max(0, ...use.map((s) => s.rssKb)),
    threadsMax: Math.max(0, ...samples.map((s) => s.threads)),
    udpInErrors: delta('InErrors'),
    udpRcvbufErrors: delta('RcvbufErrors'),
    udpSndbufErrors: delta('SndbufErrors'),
  };
}
