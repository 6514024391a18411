// The workloads of issue 6 (W1-W6), each a sequence of steps for bailanys-load. A workload
// lists the generator options it needs; without one it is reported as skipped.

const VIDEO_KBPS = 1000;  // "1 Mbit/s video plus audio" (W2); the same for W3-W6

// How `--rooms K` and `--participants N` combine: N people in each of K rooms. The one place to
// change if the generator defines them otherwise.
function rooms(k, size) {
  return ['--rooms', String(k), '--participants', String(size)];
}

function joinTimeout(participants) {
  return ['--join-timeout', String(Math.max(15, Math.ceil(participants / 10)))];
}

function pct(x) {
  return x == null ? '?' : `${Math.round(x)}`;
}

export function defineWorkloads({ quick }) {
  const pick = (full, short) => (quick ? short : full);
  const list = [];

  list.push({
    id: 'W1', title: 'audio-only room, 10 speakers, growing listeners', unit: 'listeners',
    values: pick([20, 40, 80, 160, 320, 640, 990], [10, 30]),
    participants: (v) => 10 + v,
    roomSize: (v) => 10 + v,
    args: (v) => ['--audio-only', '--publishers', '10', '--participants', String(10 + v), ...joinTimeout(10 + v)],
  });

  for (const size of [4, 6, 8]) {
    list.push({
      id: `W2-${size}`, title: `meetings of ${size}, all publishing 1 Mbit/s video + audio, growing room count`,
      unit: 'rooms', requires: ['--rooms'],
      values: pick([1, 2, 4, 8, 16, 32], [1, 2]),
      participants: (v) => v * size,
      roomSize: () => size,
      args: (v) => [...rooms(v, size), '--video-kbps', String(VIDEO_KBPS), ...joinTimeout(v * size)],
    });
  }

  list.push({
    id: 'W3', title: 'webinar: one publisher (simulcast when the generator has it) to growing subscribers',
    unit: 'subscribers',
    values: pick([10, 20, 40, 80, 160, 320, 640], [5, 20]),
    participants: (v) => 1 + v,
    roomSize: (v) => 1 + v,
    args: (v, ctx) => ['--publishers', '1', '--participants', String(1 + v), '--video-kbps', String(VIDEO_KBPS),
      ...(ctx.generator.flags.has('--simulcast') ? ['--simulcast'] : []), ...joinTimeout(1 + v)],
    note: (ctx) => (ctx.generator.flags.has('--simulcast') ? 'simulcast' : 'no simulcast (generator lacks --simulcast)'),
  });

  list.push({
    id: 'W4-burst', title: 'join burst: participants joining within one second (one room, 5 publishing)',
    unit: 'joiners in 1 s', requires: ['--join-spread'],
    values: pick([50, 100, 200, 400], [50]),
    participants: (v) => v,
    roomSize: (v) => v,
    args: (v) => ['--participants', String(v), '--publishers', '5', '--video-kbps', String(VIDEO_KBPS),
      '--join-spread', '1', ...joinTimeout(v)],
  });

  list.push({
    id: 'W4-churn', title: 'join/leave churn under W2 load (4 meetings of 6; --quick: 2)',
    unit: 'joins/s', requires: ['--rooms', '--churn'],
    values: pick([1, 2, 4, 8, 16, 32], [1, 4]),
    // The same base load for every server, so that their churn knees compare.
    baseRooms: () => (quick ? 2 : 4),
    participants: (v, ctx) => 6 * ctx.workload.baseRooms(ctx),
    roomSize: () => 6,
    args: (v, ctx) => {
      const k = ctx.workload.baseRooms(ctx);
      return [...rooms(k, 6), '--video-kbps', String(VIDEO_KBPS), '--churn', String(v), ...joinTimeout(6 * k)];
    },
    join: (json) => json.churn?.joinMs,
    note: (ctx) => `${ctx.workload.baseRooms(ctx)} rooms of 6`,
  });

  for (const loss of [1, 5]) {
    list.push({
      id: `W5-${loss}%`, title: `webinar with ${loss} % loss at every subscriber, NACK recovery`,
      unit: 'subscribers',
      values: pick([10, 20, 40, 80, 160, 320], [5, 20]),
      participants: (v) => 1 + v,
      roomSize: (v) => 1 + v,
      args: (v) => ['--publishers', '1', '--participants', String(1 + v), '--video-kbps', String(VIDEO_KBPS),
        '--loss', String(loss), ...joinTimeout(1 + v)],
      extra: (json) => {
        const n = json.nack;
        return n ? `NACK ${n.requested ?? n.nackPackets} req, ${n.recovered} rec, ${n.abandoned} lost` : '';
      },
    });
  }

  list.push({
    id: 'W6', title: 'simulcast layer switch time (one publisher, subscribers switching layers)',
    unit: 'subscribers', requires: ['--simulcast', '--switch-layers'],
    values: pick([10, 40, 160], [10]),
    participants: (v) => 1 + v,
    roomSize: (v) => 1 + v,
    args: (v) => ['--publishers', '1', '--participants', String(1 + v), '--video-kbps', String(VIDEO_KBPS),
      '--simulcast', '--switch-layers', ...joinTimeout(1 + v)],
    criteria: (json) => {
      const inc = json.layerSwitchMs?.incomplete ?? json.incomplete ?? 0;
      return inc > 0 ? [{ criterion: 'switch', text: `${inc} layer switches incomplete` }] : [];
    },
    extra: (json) => {
      const s = json.layerSwitchMs;
      if (!s) return '';
      const f = (q) => (q ? `${pct(q.p50)}/${pct(q.p95)}` : '?');
      return `switch ms p50/p95: first packet ${f(s.firstPacket)}, keyframe ${f(s.keyframe)}`;
    },
  });
  return list;
}
