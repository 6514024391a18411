// Network namespaces joined to the test's own namespace by veth pairs, with a shaped link per
// namespace (tc), for browser tests on weak networks (shaped-links.test.mjs).
//
//   test namespace (node, the server)            namespace bl-<tag>-<pid>
//     bls<pid>h  10.77.0.1/32  the server's address (a veth of its own, like run-isolated.sh's e2e0)
//     bl<tag><pid>h  10.77.N.1/24  ── veth ──  bl<tag><pid>n  10.77.N.2/24, default via 10.77.N.1
//
// A packet from a namespace to 10.77.0.1 arrives on its veth and is delivered locally (no
// forwarding): nothing is routed anywhere but between these namespaces, and the server listens on
// 10.77.0.1 only, so even outside run-isolated.sh no test traffic reaches a real interface.
// Shaping sits on the test-namespace end of a pair, so it acts on what the server sends to that
// namespace (the subscriber's downlink):
//   rate   tc qdisc replace dev H root tbf rate R burst B latency L
//   loss   netem loss P% as root qdisc (with a rate: netem loss + tbf child), or, on kernels built
//          without sch_netem, a classic-BPF filter on the clsact egress hook that drops a packet
//          when the kernel's per-packet random number (SKF_AD_RANDOM) falls in the top P %
// Everything is removed when the test ends (`close`), when the process exits, and on SIGINT/SIGTERM
// (harness.mjs turns those into an exit). A Chromium runs in a namespace through a wrapper script
// (`ip netns exec NS chromium "$@"`) given to playwright as the executable: playwright talks to the
// browser over a pipe, which crosses namespaces.
import { execFileSync } from 'node:child_process';
import { writeFileSync, chmodSync, existsSync } from 'node:fs';
import { join as pathJoin } from 'node:path';
import { CHROMIUM, makeTempDir } from './harness.mjs';

export const SERVER_IP = '10.77.0.1';

const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => existsSync(p)) ?? 'ip';
const TC = ['/usr/sbin/tc', '/sbin/tc', '/usr/bin/tc', '/bin/tc'].find((p) => existsSync(p)) ?? 'tc';

function run(cmd, args, { ignore = false } = {}) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  } catch (err) {
    if (ignore) return null;
    throw new Error(`${cmd} ${args.join(' ')} failed: ${(err.stderr || err.message || '').toString().trim()}`);
  }
}
const ip = (...args) => run(IP, args);
const tc = (...args) => run(TC, args);

/**
 * Can this process build namespaces and shape links? Tries it on a throw-away pair. Returns
 * {ok, reason, netem} (netem: sch_netem exists; otherwise loss uses the BPF filter).
 */
export function probe() {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { ok: false, reason: 'needs root (ip netns, tc)' };
  for (const [bin, name] of [[IP, 'ip'], [TC, 'tc']]) {
    if (run(bin, ['-V'], { ignore: true }) === null) return { ok: false, reason: `\`${name}\` (iproute2) is not installed` };
  }
  const ns = `bl-probe-${process.pid}`;
  const h = `blq${process.pid}h`;
  try {
    ip('netns', 'add', ns);
    ip('link', 'add', h, 'type', 'veth', 'peer', 'name', `blq${process.pid}n`, 'netns', ns);
    ip('link', 'set', h, 'up');
    tc('qdisc', 'replace', 'dev', h, 'root', 'tbf', 'rate', '300kbit', 'burst', '4000', 'latency', '200ms');
    const netem = run(TC, ['qdisc', 'replace', 'dev', h, 'root', 'netem', 'loss', '5%'], { ignore: true }) !== null;
    if (!netem) {
      tc('qdisc', 'replace', 'dev', h, 'clsact');
      tc('filter', 'replace', 'dev', h, 'egress', 'pref', '1', 'bpf', 'da', 'bytecode', lossBytecode(5));
    }
    return { ok: true, reason: null, netem };
  } catch (err) {
    return { ok: false, reason: err.message };
  } finally {
    run(IP, ['link', 'del', h], { ignore: true });
    run(IP, ['netns', 'del', ns], { ignore: true });
  }
}

/** Classic BPF, direct action: drop (TC_ACT_SHOT) when a random u32 >= (1 - pct/100) * 2^32. */
function lossBytecode(pct) {
  const threshold = Math.min(0xffffffff, Math.round((1 - pct / 100) * 0x100000000));
  // ld [SKF_AD_OFF + SKF_AD_RANDOM]; jge #threshold, drop, pass; drop: ret #2; pass: ret #-1 (unspec)
  return `4,32 0 0 ${0x100000000 - 0x1000 + 56},53 0 1 ${threshold},6 0 0 2,6 0 0 ${0xffffffff}`;
}

const allNets = new Set();
process.on('exit', () => { for (const n of allNets) n.destroy(); });

/**
 * The server's address plus namespaces, each on its own subnet. `Nets.create(['pub', 'subA'])`
 * gives nets.ns('subA') = {name, tag, hostDev, nsDev, hostIp, ip, chromium (wrapper path)}.
 */
export class Nets {
  static create(tags) {
    const nets = new Nets();
    allNets.add(nets);
    try {
      nets.build(tags);
    } catch (err) {
      nets.destroy();
      throw err;
    }
    return nets;
  }

  constructor() {
    this.pid = process.pid;
    this.spaces = new Map();
    this.serverDev = null;
    this.netem = null;
    this.dir = makeTempDir('bailanys-e2e-netns-');
  }

  build(tags) {
    // The server's own address, on a veth pair that stays inside the test namespace.
    const s = `bls${this.pid}h`;
    ip('link', 'add', s, 'type', 'veth', 'peer', 'name', `bls${this.pid}n`);
    this.serverDev = s;
    ip('addr', 'add', `${SERVER_IP}/32`, 'dev', s);
    ip('link', 'set', s, 'up');
    ip('link', 'set', `bls${this.pid}n`, 'up');
    tags.forEach((tag, i) => {
      const subnet = i + 1;
      const name = `bl-${tag}-${this.pid}`;
      const short = tag.replace(/[^a-zA-Z0-9]/g, '').slice(-4);
      const hostDev = `bl${short}${this.pid}h`.slice(-15);
      const nsDev = `bl${short}${this.pid}n`.slice(-15);
      const space = {
        name, tag, hostDev, nsDev, hostIp: `10.77.${subnet}.1`, ip: `10.77.${subnet}.2`, chromium: null, shaped: null,
      };
      ip('netns', 'add', name);
      this.spaces.set(tag, space);
      ip('link', 'add', hostDev, 'type', 'veth', 'peer', 'name', nsDev, 'netns', name);
      ip('addr', 'add', `${space.hostIp}/24`, 'dev', hostDev);
      ip('link', 'set', hostDev, 'up');
      ip('-n', name, 'link', 'set', 'lo', 'up');
      ip('-n', name, 'addr', 'add', `${space.ip}/24`, 'dev', nsDev);
      ip('-n', name, 'link', 'set', nsDev, 'up');
      ip('-n', name, 'route', 'add', 'default', 'via', space.hostIp);
      // The browser of this namespace: playwright starts this script, which enters the namespace.
      const wrapper = pathJoin(this.dir, `chromium-${tag}.sh`);
      writeFileSync(wrapper, `#!/bin/sh\nexec ${IP} netns exec ${name} ${CHROMIUM} "$@"\n`);
      chmodSync(wrapper, 0o755);
      space.chromium = wrapper;
    });
  }

  ns(tag) {
    const s = this.spaces.get(tag);
    if (!s) throw new Error(`no namespace ${tag}`);
    return s;
  }

  /**
   * Shapes what the test namespace sends into `tag`'s namespace (its downlink): a rate (tbf)
   * and/or random loss. Replaces any earlier shaping of that link. Returns the commands used.
   */
  shape(tag, { rateKbit = null, lossPct = null, burstBytes = null, latencyMs = 200 } = {}) {
    const s = this.ns(tag);
    this.unshape(tag);
    const dev = s.hostDev;
    const cmds = [];
    const t = (...args) => { cmds.push(`tc ${args.join(' ')}`); tc(...args); };
    // Bucket: at least two full-size packets, about 40 ms of the rate above that.
    const burst = burstBytes ?? Math.max(3200, Math.round((rateKbit ?? 0) * 1000 / 8 * 0.04));
    const tbf = rateKbit ? ['tbf', 'rate', `${rateKbit}kbit`, 'burst', String(burst), 'latency', `${latencyMs}ms`] : null;
    if (lossPct) {
      if (this.netem === null) this.netem = run(TC, ['qdisc', 'replace', 'dev', dev, 'root', 'netem', 'loss', '0%'], { ignore: true }) !== null;
      run(TC, ['qdisc', 'del', 'dev', dev, 'root'], { ignore: true });
      if (this.netem) {
        t('qdisc', 'replace', 'dev', dev, 'root', 'handle', '1:', 'netem', 'loss', `${lossPct}%`);
        if (tbf) t('qdisc', 'replace', 'dev', dev, 'parent', '1:1', 'handle', '10:', ...tbf);
      } else {
        if (tbf) t('qdisc', 'replace', 'dev', dev, 'root', ...tbf);
        t('qdisc', 'replace', 'dev', dev, 'clsact');
        t('filter', 'replace', 'dev', dev, 'egress', 'pref', '1', 'bpf', 'da', 'bytecode', lossBytecode(lossPct));
      }
    } else if (tbf) {
      t('qdisc', 'replace', 'dev', dev, 'root', ...tbf);
    }
    s.shaped = { rateKbit, lossPct, cmds };
    return cmds;
  }

  /** Removes all shaping of `tag`'s link (root qdisc back to the default, no loss filter). */
  unshape(tag) {
    const s = this.ns(tag);
    run(TC, ['qdisc', 'del', 'dev', s.hostDev, 'root'], { ignore: true });
    run(TC, ['qdisc', 'del', 'dev', s.hostDev, 'clsact'], { ignore: true });
    s.shaped = null;
  }

  /** `tc -s qdisc` of the link and the loss filter's counters (for the test output). */
  stats(tag) {
    const s = this.ns(tag);
    return [run(TC, ['-s', 'qdisc', 'show', 'dev', s.hostDev], { ignore: true }), run(TC, ['-s', 'filter', 'show', 'dev', s.hostDev, 'egress'], { ignore: true })]
      .filter(Boolean).join('').trim();
  }

  /** Bytes the test namespace has sent into `tag`'s namespace (its downlink counter). */
  txBytes(tag) {
    const out = run(IP, ['-s', '-j', 'link', 'show', 'dev', this.ns(tag).hostDev], { ignore: true });
    try { return JSON.parse(out)[0].stats64.tx.bytes; } catch { return null; }
  }

  /**
   * Deletes the namespaces and veth pairs (and with them every qdisc). Browsers running in a
   * namespace must be closed first, otherwise the namespace lives on until they exit.
   * Idempotent; synchronous, so it also runs from process.on('exit').
   */
  destroy() {
    for (const s of this.spaces.values()) {
      run(IP, ['link', 'del', s.hostDev], { ignore: true });
      run(IP, ['netns', 'del', s.name], { ignore: true });
    }
    this.spaces.clear();
    if (this.serverDev) run(IP, ['link', 'del', this.serverDev], { ignore: true });
    this.serverDev = null;
    allNets.delete(this);
  }
}
