// bench/run's orchestrator (runs inside the benchmark's network namespace, see bench/run):
// every workload, stepped up to its knee against every server column, in each pinning; raw
// results and table.md into the results folder.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generatorFlags } from './generator.mjs';
import { parseOptions, PINS, selectWorkloads, USAGE } from './options.mjs';
import { stopAll } from './proc.mjs';
import { columnAvailable, columnLabel, COLUMNS, probeServers, serverCommandLine, writeJanusConfig } from './servers.mjs';
import { LIMITS, stepWorkload } from './stepping.mjs';
import { renderReport } from './table.mjs';
import { defineWorkloads } from './workloads.mjs';

function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return '?';
  }
}

async function main() {
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (e) {
    console.error(`bench/run: ${e.message}\n${USAGE}`);
    process.exit(1);
  }
  if (opts.help) { console.log(USAGE); return; }
  const buildDir = process.env.BAILANYS_BUILD_DIR;
  const repo = process.env.BENCH_REPO ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  if (!buildDir) throw new Error('BAILANYS_BUILD_DIR is not set (start through bench/run)');
  if (os.cpus().length < 2) throw new Error('needs at least 2 cores');

  const startedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const outDir = path.resolve(opts.out ?? path.join(repo, 'bench/results', startedAt.replace(/:/g, '-')));
  fs.mkdirSync(path.join(outDir, 'steps'), { recursive: true });
  fs.mkdirSync(path.join(outDir, 'logs'), { recursive: true });

  const ctx = {
    repo, buildDir, outDir, startedAt, quick: opts.quick, stepSeconds: opts.stepSeconds, srtp: opts.srtp,
    srtpName: opts.srtp === 'gcm' ? 'AEAD_AES_128_GCM' : 'AES_CM_128_HMAC_SHA1_80', bisect: opts.bisect,
  };
  LIMITS.addedP99Ms = opts.p99LimitMs;
  ctx.probe = probeServers(ctx);
  ctx.generator = generatorFlags(buildDir);
  ctx.pins = opts.pin === 'all' ? [PINS.one, PINS.both] : [PINS[opts.pin]];
  ctx.workloads = selectWorkloads(defineWorkloads({ quick: opts.quick }), opts.workloads);
  const wantedColumns = opts.servers ?? COLUMNS.map((c) => c.id);
  const unknown = wantedColumns.filter((id) => !COLUMNS.some((c) => c.id === id));
  if (unknown.length) throw new Error(`unknown server column(s) ${unknown.join(', ')}; known: ${COLUMNS.map((c) => c.id).join(', ')}`);
  ctx.columns = [];
  ctx.skippedColumns = [];
  for (const column of COLUMNS.filter((c) => wantedColumns.includes(c.id))) {
    const why = columnAvailable(column, ctx.probe);
    if (why) ctx.skippedColumns.push(`${column.id} (${why})`); else ctx.columns.push(column);
  }
  ctx.labels = Object.fromEntries(ctx.columns.map((c) => [c.id, columnLabel(c, ctx.probe)]));
  if (ctx.columns.some((c) => c.kind === 'janus')) ctx.janusConfig = writeJanusConfig(ctx, path.join(outDir, 'janus-config'));
  ctx.commandLines = Object.fromEntries(ctx.pins.map((pin) => [pin.id,
    Object.fromEntries(ctx.columns.map((c) => [c.id, serverCommandLine(c, ctx, ctx.probe, pin)]))]));
  const cpuModel = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '?';
  ctx.host = `${os.cpus().length} cores (${cpuModel}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average at start ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`;
  ctx.commit = sh('git', ['-C', repo, 'describe', '--always', '--dirty']);
  ctx.libsrtpVersion = sh('dpkg-query', ['-W', '-f=${Version}', 'libsrtp2-1']);

  const log = (line) => {
    console.log(line);
    fs.appendFileSync(path.join(outDir, 'run.log'), `${line}\n`);
  };
  log(`bench/run: results in ${outDir}`);
  log(`servers: ${ctx.columns.map((c) => ctx.labels[c.id]).join(', ')}${ctx.skippedColumns.length ? `; not run: ${ctx.skippedColumns.join('; ')}` : ''}`);
  log(`generator: ${ctx.generator.bin}; bailanys --max-media-participants up to ${ctx.probe.maxMedia}`);

  const results = [];
  const save = () => {
    const report = renderReport(ctx, results);
    fs.writeFileSync(path.join(outDir, 'table.md'), `${report}\n`);
    fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(results.map((r) => ({
      ...r, kneeStep: r.kneeStep?.value ?? null, failStep: r.failStep?.value ?? null, steps: r.steps.map((s) => ({ value: s.value, failures: s.failures, derived: s.derived })),
    })), null, 2));
    return report;
  };
  for (const pin of ctx.pins) {
    log(`== pinning "${pin.id}": server on CPU ${pin.serverCpus}, generator on CPU ${pin.generatorCpus}`);
    for (const workload of ctx.workloads) {
      const missing = (workload.requires ?? []).filter((f) => !ctx.generator.flags.has(f));
      for (const column of ctx.columns) {
        const base = { workload: workload.id, column: column.id, pin: pin.id, steps: [] };
        if (missing.length) {
          results.push({ ...base, skipped: `skipped: generator lacks ${missing.join(', ')}` });
          continue;
        }
        const colCtx = {
          ...ctx,
          knee: (id) => results.find((r) => r.pin === pin.id && r.column === column.id && r.workload === id)?.knee ?? null,
        };
        log(`${workload.id} (${workload.title}) against ${ctx.labels[column.id]}`);
        // With more cores, start from the knee found with fewer (the steps below it pass).
        const fewer = results.find((r) => r.pin !== pin.id && r.column === column.id && r.workload === workload.id
          && r.knee != null && ctx.pins.find((p) => p.id === r.pin).serverCores < pin.serverCores);
        results.push(await stepWorkload(colCtx, workload, column, pin, log, fewer?.knee ?? null));
        save();
      }
      if (missing.length) log(`${workload.id}: skipped, generator lacks ${missing.join(', ')}`);
    }
  }
  const report = save();
  console.log(`\n${report.split('## How to read it')[0]}`);
  console.log(`Full report: ${path.join(outDir, 'table.md')}`);
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { stopAll(); process.exit(130); });
}
main().catch((e) => {
  console.error(`bench/run: ${e.stack ?? e}`);
  stopAll();
  process.exit(1);
});
