// Small helpers shared by wrtc-room-client.mjs (the headless room client) and
// room-wrtc.test.mjs: reading the m-sections of an SDP, and the colours and tones that tell the
// synthetic participants apart. No wrtc import here: the test process must never load it.

// The m-sections of an SDP: [{ index, kind, port, mid, direction, msid, codecs }].
// `direction` is the a=sendrecv/sendonly/recvonly/inactive attribute of the section (sendrecv
// when absent, as RFC 8866 says), `port` the port of its m= line (0 = rejected).
export function sdpSections(sdp) {
  const out = [];
  let cur = null;
  for (const line of String(sdp).split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      const [kind, port] = line.slice(2).split(' ');
      cur = { index: out.length, kind, port: Number(port), mid: null, direction: null, msid: null, codecs: [] };
      out.push(cur);
    } else if (cur) {
      if (line.startsWith('a=mid:')) cur.mid = line.slice(6).trim();
      else if (/^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line)) cur.direction = line.slice(2);
      else if (line.startsWith('a=msid:')) cur.msid = line.slice(7).trim();
      else if (line.startsWith('a=rtpmap:')) cur.codecs.push(line.slice(9).split(' ')[1]);
    }
  }
  for (const s of out) if (!s.direction) s.direction = 'sendrecv';
  return out;
}

// BT.601 limited-range YUV of a few solid colours, far apart in every plane.
export const COLOURS = {
  red: [81, 90, 240],
  green: [145, 54, 34],
  blue: [41, 240, 110],
  yellow: [210, 16, 146],
  magenta: [106, 202, 222],
  cyan: [170, 166, 16],
};

// Distinct tones (Hz), one per participant, so received audio can be told apart too.
export const TONES = [330, 550, 770, 990, 1210, 1430];
