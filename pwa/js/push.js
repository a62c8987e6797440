// Web Push opt-in (notifications). Off by default, and only ever switched on by the person
// tapping the switch: the browser asks for permission then, never before.
//
// On: Notification.requestPermission() → GET /api/v1/push/key → pushManager.subscribe() with
// that key → POST /api/v1/push/subscriptions {endpoint, keys: {p256dh, auth}}.
// Off: DELETE /api/v1/push/subscriptions {endpoint} → subscription.unsubscribe().
// Nothing is kept in storage: the browser's own subscription is the record on this device.
// sw.js shows what arrives (title and one short line, tag "waymark").

import { api } from './api.js';

export class PushProblem extends Error {
  /** kind: unsupported | denied | dismissed | failed | server */
  constructor(kind, cause = null) {
    super(kind);
    this.name = 'PushProblem';
    this.kind = kind;
    this.cause = cause;
  }
}

/** 'ok', 'unsupported' (no service worker / Push API / not a secure page) or 'denied'. */
export function pushSupport() {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)
      || window.isSecureContext === false) {
    return 'unsupported';
  }
  if (Notification.permission === 'denied') return 'denied';
  return 'ok';
}

/** The VAPID key (URL-safe base64, no padding) as the bytes pushManager.subscribe wants. */
export function urlBase64ToUint8Array(value) {
  const padded = String(value).replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (String(value).length % 4)) % 4);
  const raw = atob(padded);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) out[i] = raw.charCodeAt(i);
  return out;
}

async function registration() {
  if (!('serviceWorker' in navigator)) return null;
  const existing = await navigator.serviceWorker.getRegistration();
  if (existing) return existing;
  // Not registered yet (first visit): wait for it briefly.
  return Promise.race([navigator.serviceWorker.ready, new Promise((r) => { setTimeout(() => r(null), 10000); })]);
}

/** This browser's push subscription, or null. */
export async function currentSubscription() {
  if (pushSupport() === 'unsupported') return null;
  try {
    const reg = await registration();
    return reg ? await reg.pushManager.getSubscription() : null;
  } catch {
    return null;
  }
}

/** Are notifications on for this device? */
export async function isPushOn() {
  if (pushSupport() !== 'ok' || Notification.permission !== 'granted') return false;
  return Boolean(await currentSubscription());
}

function sameKey(subscription, key) {
  const current = subscription.options && subscription.options.applicationServerKey;
  if (!current) return true; // can't tell: keep it
  const a = new Uint8Array(current);
  return a.length === key.length && a.every((b, i) => b === key[i]);
}

/** Turn notifications on. Call only from a tap. Throws PushProblem. */
export async function turnOnPush() {
  if (pushSupport() === 'unsupported') throw new PushProblem('unsupported');
  let permission = Notification.permission;
  if (permission === 'default') {
    try {
      permission = await Notification.requestPermission();
    } catch (err) {
      throw new PushProblem('failed', err);
    }
  }
  if (permission === 'denied') throw new PushProblem('denied');
  if (permission !== 'granted') throw new PushProblem('dismissed');

  const reg = await registration();
  if (!reg) throw new PushProblem('unsupported');
  let key;
  try {
    const data = await api('/push/key');
    key = urlBase64ToUint8Array(data.public_key);
  } catch (err) {
    throw new PushProblem('server', err);
  }
  let subscription;
  try {
    subscription = await reg.pushManager.getSubscription();
    if (subscription && !sameKey(subscription, key)) {
      await subscription.unsubscribe();
      subscription = null;
    }
    if (!subscription) subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  } catch (err) {
    throw new PushProblem('failed', err);
  }
  const json = subscription.toJSON();
  try {
    await api('/push/subscriptions', {
      method: 'POST',
      body: { endpoint: json.endpoint, keys: { p256dh: json.keys && json.keys.p256dh, auth: json.keys && json.keys.auth } },
    });
  } catch (err) {
    try { await subscription.unsubscribe(); } catch { /* ignore */ }
    throw new PushProblem('server', err);
  }
}

/** Turn notifications off on this device (and tell the server, if it can be reached). */
export async function turnOffPush() {
  const subscription = await currentSubscription();
  if (!subscription) return;
  try {
    await api('/push/subscriptions', { method: 'DELETE', body: { endpoint: subscription.endpoint } });
  } catch {
    /* offline or signed out: the push service will tell the server it's gone next time */
  }
  try {
    await subscription.unsubscribe();
  } catch {
    /* ignore */
  }
}
