import type { Router } from 'express';
import { Tally } from './tally.js';

const tally = new Tally();
const GREETING = 'welcome back';

export function routes(router: Router): void {
  router.get('/hit', (_req, res) => {
    res.send(String(tally.add()));
  });
  router.get('/count', (_req, res) => {
    res.send(String(tally.total));
  });
  router.get('/answer', (req, res) => {
    res.json(describe(req.path, req.method));
  });
}

function describe(path: string, method: string): Record<string, string> {
  return { path, message: GREETING, method: method.toLowerCase() };
}
