// The servers under test: one column of the table each. A column is a kind (how to start it and
// point the generator at it) plus its own command-line arguments, so that a new column (say our
// server with another SRTP backend) is one more entry in COLUMNS.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sleep, startProcess, stopProcess, waitPort, waitPortFree } from './proc.mjs';
import { readProcess } from './sampler.mjs';

// requires: flags the server's help must list for the column to run at all.
// ifSupported: arguments added only when the server's help lists their flag (e.g. to name the
// default SRTP backend explicitly once the option exists).
export const COLUMNS = [
  { id: 'janus', kind: 'janus', label: 'Janus (Debian libsrtp2)' },
  {
    id: 'bailanys', kind: 'bailanys', label: 'Bailanys (Debian libsrtp2)',
    args: [], ifSupported: [['--srtp-backend', 'libsrtp']],
  },
  {
    id: 'bailanys-openssl', kind: 'bailanys', label: 'Bailanys (OpenSSL SRTP)',
    args: ['--srtp-backend', 'openssl'], requires: ['--srtp-backend'],
  },
];

const BAILANYS_PORT = 8080;
const JANUS_PORT = 8188;

function helpText(bin, args) {
  try {
    return execFileSync(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;  // also when it is not installed: ''
  }
}

// What the binaries at hand can do: flags of `bailanys serve`, its media-participant limit,
// Janus's version and configuration.
export function probeServers(ctx) {
  const bailanysBin = path.join(ctx.buildDir, 'src/bailanys');
  const serveHelp = helpText(bailanysBin, ['serve', '--help']);
  const maxMedia = Number(/--max-media-participants\s+INT:INT in \[\d+ - (\d+)\]/.exec(serveHelp)?.[1] ?? 24);
  const maxRoom = Number(/--max-room-size\s+INT:INT in \[\d+ - (\d+)\]/.exec(serveHelp)?.[1] ?? 100);
  // `janus --version` prints "Janus version: 1102 (1.1.2)" and then exits 1.
  const v = helpText('janus', ['--version']);
  const janusVersion = /Janus version:.*\(([^)]+)\)/.exec(v)?.[1] ?? null;
  return {
    bailanysBin,
    serveFlags: new Set(serveHelp.match(/--[a-z0-9-]+/g) ?? []),
    maxMedia,
    maxRoom,
    janusVersion,
  };
}

export function columnAvailable(column, probe) {
  if (column.kind === 'janus') return probe.janusVersion ? null : 'janus is not installed';
  const missing = (column.requires ?? []).filter((f) => !probe.serveFlags.has(f));
  return missing.length ? `bailanys serve lacks ${missing.join(', ')}` : null;
}

export function columnLabel(column, probe) {
  if (column.kind === 'janus') return `Janus ${probe.janusVersion} (Debian libsrtp2)`;
  return column.label;
}

// Writes the Janus configuration once per run into DIR (bench/load/janus/janus-config.sh) and
// returns its description for the report.
export function writeJanusConfig(ctx, dir) {
  execFileSync(path.join(ctx.repo, 'bench/load/janus/janus-config.sh'), [dir, String(JANUS_PORT)]);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.jcfg')).sort();
  const effective = {};
  let diff = '';
  for (const f of files) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    effective[f] = text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')).join('\n');
    const orig = path.join('/etc/janus', f);
    if (fs.existsSync(orig)) {
      try {
        execFileSync('diff', ['-u', orig, path.join(dir, f)]);
      } catch (e) {
        diff += e.stdout.toString();
      }
    }
  }
  fs.writeFileSync(path.join(dir, 'changes-from-etc-janus.diff'), diff);
  return { dir, files, effective, diff };
}

function bailanysCommand(column, ctx, probe, pin, dataDir) {
  const args = ['serve', '--listen', `127.0.0.1:${BAILANYS_PORT}`, '--data-dir', dataDir,
    '--rtc-udp-port', '0', '--no-rtc-tcp', '--log-level', 'warn',
    '--max-media-participants', String(probe.maxMedia), '--max-room-size', String(probe.maxRoom),
    // One media thread per core it may use (rooms are spread over the workers).
    '--media-workers', String(pin.serverCores)];
  for (const [flag, ...rest] of column.ifSupported ?? []) {
    if (probe.serveFlags.has(flag)) args.push(flag, ...rest);
  }
  args.push(...(column.args ?? []));
  return [probe.bailanysBin, args];
}

function janusCommand(ctx) {
  const dir = ctx.janusConfig.dir;
  return ['janus', ['-F', dir, '-C', path.join(dir, 'janus.jcfg'), '-E', 'jveth0', '-i', '127.0.0.5']];
}

export function serverCommandLine(column, ctx, probe, pin) {
  const [bin, args] = column.kind === 'janus'
    ? janusCommand(ctx)
    : bailanysCommand(column, ctx, probe, pin, '<fresh dir>');
  return ['taskset', '-c', pin.serverCpus, bin, ...args].join(' ');
}

// Starts a fresh server for one step; returns its process, the generator's arguments for it,
// and its idle RSS.
export async function startServer(column, ctx, probe, pin, logFile) {
  const port = column.kind === 'janus' ? JANUS_PORT : BAILANYS_PORT;
  await waitPortFree(port);
  let bin;
  let args;
  if (column.kind === 'janus') {
    [bin, args] = janusCommand(ctx);
  } else {
    const dataDir = fs.mkdtempSync('/tmp/bailanys-bench-');
    [bin, args] = bailanysCommand(column, ctx, probe, pin, dataDir);
  }
  const child = startProcess('taskset', ['-c', pin.serverCpus, bin, ...args], { logFile });
  const removeData = () => {
    if (args.includes('--data-dir')) fs.rmSync(args[args.indexOf('--data-dir') + 1], { recursive: true, force: true });
  };
  try {
    await waitPort(port, child);
  } catch (e) {
    await stopProcess(child);
    removeData();
    throw e;
  }
  await sleep(300);
  const idle = readProcess(child.pid);
  const loadArgs = column.kind === 'janus'
    ? ['--server', 'janus', '--url', `ws://127.0.0.1:${JANUS_PORT}`]
    : ['--url', `http://127.0.0.1:${BAILANYS_PORT}`];
  return {
    child,
    pid: child.pid,
    loadArgs,
    idleRssKb: idle?.rssKb ?? 0,
    async stop() {
      await stopProcess(child);
      removeData();
    },
  };
}
