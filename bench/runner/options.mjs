// bench/run's options.
export const USAGE = `Usage: bench/run [options]   (root; see bench/README.md)
  --quick               few small steps, one pinning (about 3 minutes): checks the pipeline
  --workloads LIST      e.g. W1,W3,W5 (W2 = W2-4,W2-6,W2-8; W4 = W4-burst,W4-churn; W5 = W5-1%,W5-5%); default all
  --servers LIST        table columns, e.g. janus,bailanys (default: every column that can run)
  --pin one|both|all    one: server on core 0, generator on core 1; both: both on cores 0,1; all: both runs
                        (default all, --quick: one)
  --step-seconds N      measured seconds per step (default 8, --quick 4)
  --srtp gcm|aes-cm     the one SRTP profile offered (default gcm)
  --p99-limit-ms N      the added-latency criterion (default 20; raise it only on a machine busy with other work,
                        the report says so)
  --no-bisect           no extra step between the knee and the first failure
  --out DIR             results folder (default bench/results/<timestamp>)
  --no-install, --no-build   (bench/run itself) skip installing packages / building
Environment: BAILANYS_BUILD_DIR (binaries), set by bench/run.`;

export function parseOptions(argv) {
  const o = { quick: false, workloads: null, servers: null, pin: null, stepSeconds: null, srtp: 'gcm', bisect: true, out: null, p99LimitMs: 20 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--quick': o.quick = true; break;
      case '--workloads': o.workloads = value().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--servers': o.servers = value().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--pin': o.pin = value(); break;
      case '--step-seconds': o.stepSeconds = Number(value()); break;
      case '--srtp': o.srtp = value(); break;
      case '--p99-limit-ms': o.p99LimitMs = Number(value()); break;
      case '--no-bisect': o.bisect = false; break;
      case '--out': o.out = value(); break;
      case '--help': case '-h': o.help = true; break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  if (o.pin === null) o.pin = o.quick ? 'one' : 'all';
  if (!['one', 'both', 'all'].includes(o.pin)) throw new Error('--pin: one, both or all');
  if (!['gcm', 'aes-cm'].includes(o.srtp)) throw new Error('--srtp: gcm or aes-cm');
  if (o.stepSeconds === null) o.stepSeconds = o.quick ? 4 : 8;
  if (!(o.stepSeconds > 0)) throw new Error('--step-seconds: a positive number');
  if (!(o.p99LimitMs > 0)) throw new Error('--p99-limit-ms: a positive number');
  if (o.quick) o.bisect = false;
  return o;
}

export const PINS = {
  one: { id: 'one', serverCpus: '0', serverCores: 1, generatorCpus: '1', generatorCores: 1, generatorThreads: 1 },
  both: { id: 'both', serverCpus: '0,1', serverCores: 2, generatorCpus: '0,1', generatorCores: 2, generatorThreads: 2 },
};

// "W2" selects W2-4, W2-6 and W2-8; "W5-1%" exactly that one.
export function selectWorkloads(all, wanted) {
  if (!wanted) return all;
  const chosen = all.filter((w) => wanted.some((x) => w.id === x || w.id.startsWith(`${x}-`)));
  const unknown = wanted.filter((x) => !all.some((w) => w.id === x || w.id.startsWith(`${x}-`)));
  if (unknown.length) throw new Error(`unknown workload(s) ${unknown.join(', ')}; known: ${all.map((w) => w.id).join(', ')}`);
  return chosen;
}
