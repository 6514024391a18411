// REST client: JSON in, JSON out; every failure becomes an ApiError with the server's stable code.

export class ApiError extends Error {
  constructor(status, code, message, extra = {}) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status; // 0 when the request never reached the server
    this.code = code; // e.g. 'invalid_field', 'rate_limited', 'network'
    this.field = extra.field; // for invalid_field
    this.retryAfter = extra.retryAfter; // seconds, for rate_limited
  }
}

async function request(method, path, body, { timeoutMs } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (timeoutMs) init.signal = AbortSignal.timeout?.(timeoutMs);
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, 'network', err?.message);
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const e = data?.error ?? {};
    let retryAfter = e.retryAfter;
    if (retryAfter === undefined && response.headers.get('Retry-After')) {
      retryAfter = Number(response.headers.get('Retry-After')) || undefined;
    }
    const code = e.code ?? (response.status >= 500 ? 'internal' : response.status === 404 ? 'not_found' : 'unknown');
    throw new ApiError(response.status, code, e.message, { field: e.field, retryAfter });
  }
  if (data === null) throw new ApiError(response.status, 'invalid_response', 'response is not JSON');
  return data;
}

const enc = encodeURIComponent;

export const api = {
  /** POST /api/rtc/echo: the server's SDP answer for the camera and network check. */
  async echo(sdp, transport, { timeoutMs } = {}) {
    const data = await request('POST', '/api/rtc/echo', { sdp, transport }, { timeoutMs });
    if (typeof data.sdp !== 'string') throw new ApiError(200, 'invalid_response', 'no sdp in the answer');
    return data;
  },
  /** The signed-in user, or null for a guest. */
  async me() {
    // /api/session answers {user: null} for guests, so no 401 lands in the console.
    return (await request('GET', '/api/session')).user;
  },
  signUp: (fields) => request('POST', '/api/auth/signup', fields).then((d) => d.user),
  signIn: (fields) => request('POST', '/api/auth/signin', fields).then((d) => d.user),
  signOut: () => request('POST', '/api/auth/signout'),
  updateMe: (fields) => request('PATCH', '/api/me', fields).then((d) => d.user),
  createRoom: (fields) => request('POST', '/api/rooms', fields).then((d) => d.room),
  getRoom: (code) => request('GET', `/api/rooms/${enc(code)}`).then((d) => d.room),
  messages(code, { before, limit } = {}) {
    const q = new URLSearchParams();
    if (before !== undefined) q.set('before', String(before));
    if (limit !== undefined) q.set('limit', String(limit));
    const qs = q.toString();
    return request('GET', `/api/rooms/${enc(code)}/messages${qs ? `?${qs}` : ''}`);
  },
  myRooms: () => request('GET', '/api/my/rooms'),
};
