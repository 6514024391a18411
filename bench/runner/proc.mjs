// Child processes of the benchmark: start, wait for a port, stop by PID. Every process started
// here is tracked so that an interrupted run stops exactly those (never by name).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const children = new Set();

export function startProcess(cmd, args, { logFile, env } = {}) {
  const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const child = spawn(cmd, args, { stdio: ['ignore', out, out], env: env ?? process.env });
  if (logFile) fs.closeSync(out);
  children.add(child);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    children.delete(child);
    resolve({ code, signal });
  }));
  return child;
}

// Runs a command to its end; stdout and stderr as strings.
// timeoutMs: killed (SIGKILL) after that long, in case it hangs.
export function runProcess(cmd, args, { onSpawn, timeoutMs } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : null;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (e) => { stderr += String(e); });
    if (onSpawn) child.once('spawn', () => onSpawn(child));
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      children.delete(child);
      resolve({ code: code ?? (signal ? 128 : 1), signal, stdout, stderr, exitedAt: performance.now() });
    });
  });
}

export async function stopProcess(child, timeoutMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const done = await Promise.race([child.exited, sleep(timeoutMs).then(() => null)]);
  if (done === null) {
    child.kill('SIGKILL');
    await child.exited;
  }
}

export function stopAll() {
  for (const child of children) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
}

function tryConnect(port, host) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => { s.destroy(); resolve(false); });
  });
}

export async function waitPort(port, child, { host = '127.0.0.1', timeoutMs = 20000 } = {}) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`the server exited before listening on ${host}:${port}`);
    }
    if (await tryConnect(port, host)) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
}

export async function waitPortFree(port, { host = '127.0.0.1', timeoutMs = 10000 } = {}) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && await tryConnect(port, host)) await sleep(100);
}
