// bailanys-load: which options it has (workloads that need a missing one are skipped), and one
// run of it pinned to the generator's cores with --json.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { runProcess } from './proc.mjs';

export function generatorFlags(buildDir) {
  const bin = path.join(buildDir, 'bench/load/bailanys-load');
  let help = '';
  try {
    help = execFileSync(bin, ['--help'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    help = `${e.stdout ?? ''}`;
  }
  return { bin, flags: new Set(help.match(/--[a-z0-9-]+/g) ?? []) };
}

// After the window the generator waits 0.5 s for late packets, 0.2 s for the leave, then adds
// up and prints. Without a marker on stdout the window is placed that far before its exit.
export const WINDOW_END_BEFORE_EXIT_MS = 750;

export async function runGenerator(gen, pin, args) {
  const full = ['-c', pin.generatorCpus, gen.bin, ...args, '--threads', String(pin.generatorThreads), '--json'];
  const startedAt = performance.now();
  // Its own limits: warm-up (--join-timeout), window, drain; a minute more means it hangs.
  const flag = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
  const limitMs = (flag('--join-timeout', 15) + flag('--duration', 10) + 60) * 1000;
  const r = await runProcess('taskset', full, { timeoutMs: limitMs });
  let json = null;
  try {
    json = JSON.parse(r.stdout);
  } catch { /* no result: the exit code and stderr say why */ }
  const windowS = json?.windowS ?? 0;
  const windowEnd = r.exitedAt - WINDOW_END_BEFORE_EXIT_MS;
  return {
    command: ['taskset', ...full].join(' '),
    code: r.code,
    stderr: r.stderr.slice(-4000),
    json,
    startedAt,
    exitedAt: r.exitedAt,
    window: { start: windowEnd - windowS * 1000, end: windowEnd },
  };
}
