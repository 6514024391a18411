// One step (fresh server, one generator run, samples, verdict) and the stepping of a workload
// up to its knee: geometric steps until a criterion fails, then one step between the last pass
// and the first failure.
import fs from 'node:fs';
import path from 'node:path';
import { runGenerator } from './generator.mjs';
import { busyBetween, Sampler, summarize } from './sampler.mjs';
import { startServer } from './servers.mjs';

// Capacity at a step holds while all of these hold (issue 6).
export const LIMITS = {
  lossRatio: 0.01,        // loss after NACK recovery
  maxGapMs: 1000,         // no freeze longer than 1 s
  addedP99Ms: 20,         // p99 latency the server adds
  cpuShareOfCores: 0.9,   // server CPU within 90 % of its cores
  generatorShare: 0.9,    // above this share of its cores the generator may be the limit
  foreignShare: 0.1,      // other processes' CPU on the server's cores over this share of one core
};

export function evaluate(step, workload) {
  const j = step.json;
  const failures = [];
  if (!j) {
    failures.push({ criterion: 'run', text: `generator exited ${step.code} without a result` });
    return failures;
  }
  // A lone publisher (nothing to receive) counts as warm only once its receive transport is up;
  // whether a server sets one up for it says nothing about capacity, so it is left out here.
  const idle = (j.subscribers ?? []).filter((s) => s.expected === 0 && !s.failed).length;
  if (j.warm < j.participants - idle) failures.push({ criterion: 'join', text: `${j.warm}/${j.participants} warm by the join timeout` });
  const loss = j.received?.lossRatio ?? 1;
  if (loss >= LIMITS.lossRatio) failures.push({ criterion: 'loss', text: `loss ${(loss * 100).toFixed(2)} %` });
  const gap = j.maxGapMs ?? j.freezes?.longestGapMs ?? 0;
  if (gap > LIMITS.maxGapMs) failures.push({ criterion: 'freeze', text: `freeze ${(gap / 1000).toFixed(1)} s` });
  const p99 = j.addedLatencyMs?.p99 ?? 0;
  if (p99 >= LIMITS.addedP99Ms) failures.push({ criterion: 'latency', text: `p99 +${p99.toFixed(1)} ms` });
  const cpu = step.derived.serverCpuPercent;
  if (cpu > 100 * LIMITS.cpuShareOfCores * step.pin.serverCores) {
    failures.push({ criterion: 'cpu', text: `CPU ${Math.round(cpu)} % of ${step.pin.serverCores} core(s)` });
  }
  if (workload.criteria) failures.push(...workload.criteria(j));
  // Like with like: the one profile offered must be the one in use.
  if (j.srtpProfile && step.srtpName && j.srtpProfile !== step.srtpName) {
    failures.push({ criterion: 'srtp', text: `SRTP ${j.srtpProfile}, not ${step.srtpName}` });
  }
  if (step.code !== 0 && failures.length === 0) failures.push({ criterion: 'run', text: `generator exited ${step.code}` });
  return failures;
}

function derive(step, samples, server) {
  const j = step.json ?? {};
  const s = summarize(samples, step.window.start, step.window.end);
  const windowS = j.windowS ?? 0;
  const delivered = j.received?.delivered ?? 0;
  // Packets the server forwarded in the window: unique deliveries plus the copies the
  // subscribers dropped on purpose (--loss), which it sent once more as retransmissions.
  const forwarded = delivered + (j.received?.droppedOnPurpose ?? 0);
  const participants = j.participants ?? 0;
  return {
    serverCpuS: s.cpuS,
    serverCpuPercent: windowS ? (100 * s.cpuS) / windowS : 0,
    serverRunQueueWaitPercent: windowS ? (100 * s.waitS) / windowS : 0,
    serverCoresBusyPercent: windowS ? (100 * busyBetween(samples, step.pin.serverCpus.split(','), step.window.start, step.window.end)) / windowS : 0,
    forwardedPackets: forwarded,
    forwardedPerSecond: windowS ? forwarded / windowS : 0,
    cpuUsPerForwarded: forwarded ? (s.cpuS * 1e6) / forwarded : null,
    egressPerCore: windowS ? forwarded / windowS / step.pin.serverCores : 0,
    rssIdleKb: server.idleRssKb,
    rssMaxKb: s.rssMaxKb,
    rssPerParticipantKb: participants ? (s.rssMaxKb - server.idleRssKb) / participants : null,
    threadsMax: s.threadsMax,
    udpInErrors: s.udpInErrors,
    udpRcvbufErrors: s.udpRcvbufErrors,
    udpSndbufErrors: s.udpSndbufErrors,
    generatorCpuPercent: j.generatorCpuPercent ?? null,
  };
}

function safe(s) {
  return String(s).replace(/[^A-Za-z0-9_.-]+/g, '_');
}

export async function runStep(ctx, workload, column, pin, value) {
  const name = safe(`${pin.id}-${workload.id}-${column.id}-${value}`);
  const logFile = path.join(ctx.outDir, 'logs', `${name}.server.log`);
  const stepCtx = { ...ctx, workload };
  // --settle: the window opens 2 s after everyone receives everything, once downlink estimates
  // and allocations have settled (bench/load/README.md).
  const settle = ctx.generator.flags.has('--settle') ? ['--settle', '2'] : [];
  const args = [...workload.args(value, stepCtx), '--duration', String(ctx.stepSeconds), '--srtp', ctx.srtp, ...settle];
  const t0 = performance.now();
  const step = {
    workload: workload.id, column: column.id, pin, value, unit: workload.unit,
    participants: workload.participants(value, stepCtx), startedAt: new Date().toISOString(), srtpName: ctx.srtpName,
  };
  let server;
  try {
    server = await startServer(column, ctx, ctx.probe, pin, logFile);
  } catch (e) {
    step.error = String(e.message ?? e);
    step.failures = [{ criterion: 'server', text: `server did not start: ${step.error}` }];
    step.derived = {};
    fs.writeFileSync(path.join(ctx.outDir, 'steps', `${name}.json`), JSON.stringify(step, null, 2));
    return step;
  }
  const sampler = new Sampler(server.pid);
  sampler.start();
  let run;
  try {
    run = await runGenerator(ctx.generator, pin, [...server.loadArgs, ...args]);
  } finally {
    sampler.stop();
    await server.stop();
  }
  Object.assign(step, {
    command: run.command, code: run.code, stderr: run.stderr, json: run.json,
    window: run.window, samples: sampler.samples.map((x) => ({ ...x, t: Math.round(x.t - run.startedAt) })),
  });
  step.derived = derive(step, sampler.samples, server);
  step.failures = evaluate(step, workload);
  const genLimit = 100 * LIMITS.generatorShare * pin.generatorCores;
  step.generatorBound = (step.derived.generatorCpuPercent ?? 0) > genLimit;
  // What else ran on the server's cores: their busy time minus the server's (and the
  // generator's, when it shares them). Interrupt work for the server's own packets is in there
  // too, so a few percent is normal.
  const d = step.derived;
  const shared = pin.generatorCpus === pin.serverCpus ? (d.generatorCpuPercent ?? 0) : 0;
  d.foreignCpuPercent = Math.max(0, d.serverCoresBusyPercent - d.serverCpuPercent - shared);
  step.starved = d.foreignCpuPercent > 100 * LIMITS.foreignShare;
  step.window = { start: Math.round(run.window.start - run.startedAt), end: Math.round(run.window.end - run.startedAt) };
  step.elapsedS = Math.round((performance.now() - t0) / 100) / 10;
  fs.writeFileSync(path.join(ctx.outDir, 'steps', `${name}.json`), JSON.stringify(step, null, 2));
  return step;
}

function describe(step) {
  const d = step.derived;
  const verdict = step.failures.length ? `FAIL ${step.failures.map((f) => f.text).join('; ')}` : 'pass';
  const cpu = d.serverCpuPercent != null ? `server CPU ${Math.round(d.serverCpuPercent)} %` : '';
  const gen = d.generatorCpuPercent != null ? `gen ${Math.round(d.generatorCpuPercent)} %` : '';
  const fwd = d.forwardedPerSecond ? `${Math.round(d.forwardedPerSecond)} pkt/s out` : '';
  const took = step.elapsedS != null ? `(${step.elapsedS} s)` : '';
  const wait = d.foreignCpuPercent != null ? `others on its cores ${Math.round(d.foreignCpuPercent)} %` : '';
  return [verdict, cpu, wait, fwd, gen, step.generatorBound ? 'GENERATOR-BOUND' : '',
    step.starved ? 'SHARED CORES (other processes ran on the server\'s cores)' : '', took].filter(Boolean).join(', ');
}

// Steps a workload up for one server column; returns { knee, kneeStep, failStep, steps, limitNote }.
// startAt (optional): a value known to pass, e.g. the knee of the same workload with fewer cores;
// stepping starts at the largest step not above it and goes down if that one fails.
export async function stepWorkload(ctx, workload, column, pin, log, startAt = null) {
  const stepCtx = { ...ctx, workload };
  const steps = [];
  let pass = null;
  let fail = null;
  let limitNote = null;
  const run = async (value) => {
    const step = await runStep(ctx, workload, column, pin, value);
    steps.push(step);
    log(`  ${workload.id} ${column.id} ${value} ${workload.unit}: ${describe(step)}`);
    return step;
  };
  const values = workload.values.filter((value) => {
    const over = column.kind === 'bailanys' && workload.roomSize(value, stepCtx) > ctx.probe.maxMedia;
    if (over) limitNote = `server limit: --max-media-participants ${ctx.probe.maxMedia}`;
    return !over;
  });
  let first = 0;
  if (startAt != null) {
    while (first + 1 < values.length && values[first + 1] <= startAt) first++;
  }
  for (let i = first; i < values.length; i++) {
    const step = await run(values[i]);
    if (step.failures.length) { fail = step; break; }
    pass = step;
  }
  // Started too high: step down until one passes.
  for (let i = first - 1; i >= 0 && !pass; i--) {
    const step = await run(values[i]);
    if (step.failures.length) fail = step; else pass = step;
  }
  // One step between the last pass and the first failure, when they are far enough apart.
  if (ctx.bisect && pass && fail && fail.value / pass.value >= 1.5) {
    const mid = Math.round(Math.sqrt(pass.value * fail.value));
    if (mid > pass.value && mid < fail.value) {
      const step = await run(mid);
      if (step.failures.length) fail = step; else pass = step;
    }
  }
  if (fail) limitNote = null;  // the limit was not what stopped it
  return { workload: workload.id, column: column.id, pin: pin.id, knee: pass?.value ?? null, kneeStep: pass, failStep: fail, steps, limitNote };
}
