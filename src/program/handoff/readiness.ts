import { connect } from 'node:net';
import { get } from 'node:http';

/**
 * A hand-off's readiness check, tried until it passes or `deadline`
 * (performance.now() ms) is past: `tcp:PORT` passes when a connection to
 * 127.0.0.1:PORT is accepted and stays open for a moment; an http:// URL
 * when it answers 2xx or 3xx. Loopback only (the CLI checks).
 */
export async function probeUntil(ready: string, deadline: number): Promise<boolean> {
  for (;;) {
    if (await probeOnce(ready, Math.max(50, deadline - performance.now()))) return true;
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function probeOnce(ready: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    if (ready.startsWith('tcp:')) {
      const socket = connect(Number(ready.slice(4)), '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
      return;
    }
    const req = get(ready, { agent: false }, (res) => {
      res.resume();
      done((res.statusCode ?? 500) < 400);
    });
    req.once('error', () => done(false));
  });
}
