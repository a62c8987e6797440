// The one fetch wrapper for /api/v1.
//
// - Sends the session cookie (credentials: 'same-origin') and JSON.
// - Adds the x-csrftoken header (the readable `csrftoken` cookie) to every unsafe request,
//   doing a harmless GET first if the cookie is not there yet.
// - Turns RFC 9457 problem details into ApiError, and a lost connection into an ApiError
//   with `offline: true`, so screens can show a kind message and carry on.

export const API_BASE = '/api/v1';
/** 403 codes that mean "do this first" (see the staff log-in in API.md). */
export const FIRST_STEPS = new Set(['password_change_required', 'mfa_setup_required']);

/**
 * A new client_id (a random UUID) for a write the phone may retry: the server stores the
 * same client_id once and answers with the first record.
 */
export function newClientId() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const OFFLINE_MESSAGE = "We couldn't reach Waymark. Check your connection and try again.";
export const SERVER_MESSAGE = 'Something went wrong on our side. Please try again in a moment.';

export class ApiError extends Error {
  constructor({ status = 0, detail = '', code = null, extra = null, retryAfter = null, offline = false } = {}) {
    super(detail || `Request failed (${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.code = code;
    this.extra = extra;
    this.retryAfter = retryAfter;
    this.offline = offline;
  }
}

export function readCookie(name) {
  for (const part of document.cookie ? document.cookie.split(';') : []) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return part.slice(eq + 1).trim();
      }
    }
  }
  return null;
}

async function csrfToken() {
  let token = readCookie('csrftoken');
  if (!token) {
    try {
      // Any GET sets the cookie; /councils is public and small.
      await fetch(`${API_BASE}/councils`, { credentials: 'same-origin', cache: 'no-store' });
    } catch {
      /* offline: the real request will fail and say so */
    }
    token = readCookie('csrftoken');
  }
  return token;
}

function buildUrl(path, query) {
  let url = path.startsWith('/api/') ? path : `${API_BASE}${path}`;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '' || v === false) continue;
      qs.set(k, v === true ? 'true' : String(v));
    }
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  return url;
}

export const READ_TIMEOUT_MS = 15000;

/**
 * Call the API. Returns the parsed JSON (or null for 204), or the Response when `raw`.
 * `headers` adds request headers (e.g. If-None-Match). Throws ApiError (a 304 too).
 */
export async function api(path, { method = 'GET', body, query, raw = false, keepalive = false, signal, headers: extraHeaders } = {}) {
  const verb = method.toUpperCase();
  const headers = { Accept: 'application/json, application/problem+json', ...(extraHeaders || {}) };
  // A read that hangs (a connection dropped without a word) gives up after READ_TIMEOUT_MS and
  // is told like being offline, so screens show it and try again instead of "Loading…" forever.
  const readSignal = !signal && SAFE_METHODS.has(verb) && typeof AbortSignal.timeout === 'function'
    ? AbortSignal.timeout(READ_TIMEOUT_MS) : undefined;
  const init = { method: verb, credentials: 'same-origin', headers, keepalive, signal: signal || readSignal };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  if (!SAFE_METHODS.has(verb)) {
    const token = await csrfToken();
    if (token) headers['x-csrftoken'] = token;
  }

  let res;
  try {
    res = await fetch(buildUrl(path, query), init);
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError({ status: 0, detail: OFFLINE_MESSAGE, offline: true });
  }

  if (res.ok && raw) return res;
  if (res.status === 204 || res.status === 205) return null;

  const type = res.headers.get('content-type') || '';
  let data = null;
  if (type.includes('json')) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  if (res.ok) return data;

  const retry = Number.parseInt(res.headers.get('retry-after') || '', 10);
  const err = new ApiError({
    status: res.status,
    detail: (data && (data.detail || data.title)) || '',
    code: data && data.code ? data.code : null,
    extra: data ? (data.extra ?? data.errors ?? null) : null,
    retryAfter: Number.isFinite(retry) ? retry : null,
    offline: Boolean(data && data.code === 'offline'),
  });
  err.data = data;
  if (res.status === 401) {
    window.dispatchEvent(new CustomEvent('waymark:unauthorised', { detail: { path } }));
  }
  if (res.status === 403 && FIRST_STEPS.has(err.code)) {
    // A temporary password to change, or staff two-step log-in to set up, before anything else.
    window.dispatchEvent(new CustomEvent('waymark:first-step', { detail: { code: err.code } }));
  }
  throw err;
}

/** A kind, plain sentence for any error, for screens that have nothing more specific. */
export function errorMessage(err) {
  if (!(err instanceof ApiError)) return SERVER_MESSAGE;
  if (err.offline || err.status === 0) return OFFLINE_MESSAGE;
  if (err.status === 429) return tooManyTries(err.retryAfter);
  if (err.status >= 500) return SERVER_MESSAGE;
  if (err.status === 401) return 'Please log in again.';
  // a suspension explains itself kindly (the reason, the end, what they can still use)
  if (err.status === 403) return err.code === 'suspended' && err.detail ? err.detail : "Sorry, you can't do that with this account.";
  return err.detail || SERVER_MESSAGE;
}

export function tooManyTries(retryAfterSeconds) {
  const minutes = Math.max(1, Math.ceil((Number(retryAfterSeconds) || 60) / 60));
  return `Too many tries. Please wait ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}

/**
 * Field errors from a problem's `extra`, as { fieldName: message }. Handles both
 * {field: message} objects and Litestar's [{key, message}] lists.
 */
export function fieldErrors(err) {
  const out = {};
  const extra = err && err.extra;
  if (Array.isArray(extra)) {
    for (const item of extra) {
      if (item && typeof item === 'object') {
        const key = String(item.key || item.field || item.loc || '').split('.').pop();
        if (key && item.message) out[key] = String(item.message);
      }
    }
  } else if (extra && typeof extra === 'object') {
    for (const [k, v] of Object.entries(extra)) {
      if (typeof v === 'string') out[k] = v;
      else if (Array.isArray(v) && v.length) out[k] = String(v[0]);
    }
  }
  return out;
}
