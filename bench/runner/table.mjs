// The Markdown report: one table per pinning (both servers side by side per workload), then how
// it was measured, the server command lines and Janus's exact configuration.
import { LIMITS } from './stepping.mjs';

const fmt = (x, digits = 0) => (x == null || Number.isNaN(x) ? '–' : Number(x).toFixed(digits));
const thousands = (x) => (x == null ? '–' : Math.round(x).toLocaleString('en-US'));

// Two milestones: media flowing (first RTP on the receive transport) and every stream received.
function joinOf(workload, json) {
  const m = workload.join?.(json) ?? json?.joinMs;
  const q = (j) => (j ? `${fmt(j.p50)} / ${fmt(j.p95)}` : '–');
  return m ? `${q(m.firstRtp)}; ${q(m.allStreams)}` : '–';
}

function notes(result, workload, ctx) {
  const out = [];
  if (workload.note) out.push(workload.note({ ...ctx, workload }));
  // The knee step's figures; without a knee, the failed first step's.
  const k = result.kneeStep ?? result.failStep;
  if (k?.json) {
    const d = k.derived;
    const at = result.kneeStep ? '' : `at ${k.value}: `;
    if (workload.extra) out.push(at + workload.extra(k.json));
    out.push(`${at}CPU ${fmt(d.serverCpuPercent)} %, others on its cores ${fmt(d.foreignCpuPercent)} %, `
      + `gen ${fmt(d.generatorCpuPercent)} %, ${d.threadsMax} threads`);
    if (d.udpInErrors || d.udpRcvbufErrors) out.push(`UDP drops ${d.udpInErrors} (rcvbuf ${d.udpRcvbufErrors})`);
    if (result.kneeStep?.generatorBound) out.push('generator-bound at the knee');
  }
  if (result.failStep?.generatorBound) out.push('next step generator-bound: the knee may be the generator\'s');
  if (result.failStep?.starved || result.kneeStep?.starved) {
    out.push('**other processes ran on the server\'s cores: the knee may be the machine\'s**');
  }
  if (result.limitNote) out.push(result.limitNote);
  return out.filter(Boolean).join('; ');
}

function row(result, workload, ctx, label) {
  if (result.skipped) return `| ${workload.id} | ${label} | ${result.skipped} | | | | | | |`;
  const k = result.kneeStep;
  const first = workload.values[0];
  let knee;
  if (k) knee = `${k.value} ${workload.unit}`;
  else if (result.failStep) knee = `< ${first} ${workload.unit}`;
  else knee = 'not run';
  if (k && !result.failStep) knee = `≥ ${knee} (no failure)`;
  const d = k?.derived ?? {};
  const next = result.failStep
    ? `${result.failStep.value}: ${result.failStep.failures.map((f) => f.text).join('; ')}`
    : '–';
  return `| ${workload.id} | ${label} | ${knee} | ${fmt(d.cpuUsPerForwarded, 1)} | ${thousands(d.egressPerCore)} | `
    + `${d.rssPerParticipantKb == null ? '–' : `${fmt(d.rssPerParticipantKb)} KiB`} | ${k ? joinOf(workload, k.json) : '–'} | `
    + `${next} | ${notes(result, workload, ctx)} |`;
}

export function renderTable(ctx, results) {
  const lines = [];
  for (const pin of ctx.pins) {
    lines.push(`### Server on ${pin.serverCores === 1 ? 'one core' : `${pin.serverCores} cores`} `
      + `(server \`taskset -c ${pin.serverCpus}\`, generator \`taskset -c ${pin.generatorCpus}\`, ${pin.generatorThreads} generator thread(s))`);
    lines.push('');
    lines.push('| workload | server | knee | CPU µs / fwd pkt | egress pkt/s per core | RSS / participant | join p50 / p95 ms (first media; all streams) | next step failed on | notes |');
    lines.push('|---|---|---|---|---|---|---|---|---|');
    for (const workload of ctx.workloads) {
      for (const column of ctx.columns) {
        const r = results.find((x) => x.pin === pin.id && x.workload === workload.id && x.column === column.id);
        if (r) lines.push(row(r, workload, ctx, ctx.labels[column.id]));
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}

export function renderReport(ctx, results) {
  const L = LIMITS;
  const out = [];
  out.push(`# bench/run ${ctx.startedAt}${ctx.quick ? ' (--quick)' : ''}`);
  out.push('');
  out.push(`${ctx.host}. Commit ${ctx.commit}. SRTP: only ${ctx.srtpName} offered. ${ctx.stepSeconds} s measured per step; `
    + `a fresh server for every step.`
    + (L.addedP99Ms !== 20 ? ` **Latency criterion raised to p99 < ${L.addedP99Ms} ms (--p99-limit-ms): not the issue's 20 ms.**` : ''));
  out.push('');
  out.push(renderTable(ctx, results));
  out.push('## How to read it');
  out.push('');
  out.push(`- **knee**: the largest step at which capacity held: loss after NACK recovery < ${L.lossRatio * 100} %, `
    + `no video gap > ${L.maxGapMs / 1000} s, p99 added latency < ${L.addedP99Ms} ms, server CPU ≤ ${L.cpuShareOfCores * 100} % `
    + `of its cores, everyone receiving everything by the join timeout. Steps grow geometrically`
    + `${ctx.bisect ? ', with one step between the last pass and the first failure' : ''}.`);
  out.push('- **CPU µs / fwd pkt**: server CPU (utime+stime, all threads) in the measured window over the packets it forwarded '
    + 'in it (unique deliveries plus packets the subscribers dropped on purpose under --loss).');
  out.push('- **egress pkt/s per core**: those forwarded packets per second, divided by the cores the server was given.');
  out.push('- **RSS / participant**: peak RSS in the window minus the idle server\'s RSS, over the participants.');
  out.push('- **join p50 / p95**: ms from a participant\'s start (its WebSocket connect) until its first media packet '
    + '(`joinMs.firstRtp`), then until it received every stream (`joinMs.allStreams`; video: a keyframe). W4-churn: the '
    + 'replacements\' joins. Bailanys\'s downlink estimate starts at 1 Mbit/s, so a subscriber of several 1 Mbit/s cameras '
    + 'gets some of them only after its first probes (about 0.3–1.5 s); Janus sends everything at once.');
  out.push('- **next step failed on**: the step after the knee and the criteria it broke. A generator above '
    + `${L.generatorShare * 100} % of its cores is flagged: that knee is the generator's, not the server's.`);
  out.push(`- **others on its cores**: busy time of the server's cores (/proc/stat) minus the server's CPU (and the `
    + `generator's when it shares them), in % of one core: other processes, and interrupt work not charged to the server. `
    + `Over ${L.foreignShare * 100} % the step is flagged: the knee may be the machine's, not the server's.`);
  out.push('- Sampled once a second: server CPU, RSS, threads, kernel UDP InErrors/RcvbufErrors of the namespace '
    + '(server and generator together); raw samples and the generator\'s JSON of every step are in `steps/`.');
  out.push('');
  out.push('## Server command lines');
  out.push('');
  for (const pin of ctx.pins) {
    for (const column of ctx.columns) out.push(`- ${ctx.labels[column.id]}, ${pin.id}: \`${ctx.commandLines[pin.id][column.id]}\``);
  }
  out.push(`- generator: \`${ctx.generator.bin} --url … --srtp ${ctx.srtp} --duration ${ctx.stepSeconds} --threads N --json\` `
    + 'plus the workload\'s options (each step\'s `command` in `steps/`)');
  if (ctx.skippedColumns.length) out.push(`- not run: ${ctx.skippedColumns.join('; ')}`);
  out.push('');
  if (ctx.janusConfig) {
    const j = ctx.janusConfig;
    out.push('## Janus configuration');
    out.push('');
    out.push(`Janus ${ctx.probe.janusVersion} from Debian 12 (\`apt-get install janus\`, libsrtp2 ${ctx.libsrtpVersion}), `
      + 'written by `bench/load/janus/janus-config.sh` from /etc/janus: VideoRoom plugin and WebSocket transport only, '
      + 'WebSocket API on 127.0.0.1:8188 (plain JSON), `ice_lite = true` (the generator is a controlling ICE agent, as '
      + 'against our ICE-lite server), `debug_level = 3` (warnings), no demo rooms, everything else Debian\'s default '
      + '(no `event_loops`: a thread per handle). Janus runs in the namespace on a veth end holding 127.0.0.5 '
      + '(`-E jveth0 -i 127.0.0.5`; it gathers no candidates on loopback; `-F` makes it read the plugin and transport files below, whatever `configs_folder` says). The generator creates each room with '
      + '`publishers` = its publisher count, no bitrate cap, no periodic FIR (bench/load/janus_signaling.cpp). '
      + `Files: \`janus-config/\` (and \`changes-from-etc-janus.diff\`). Effective lines:`);
    out.push('');
    for (const f of j.files) {
      out.push(`\`${f}\`:`);
      out.push('```');
      out.push(j.effective[f]);
      out.push('```');
    }
  }
  return out.join('\n');
}
