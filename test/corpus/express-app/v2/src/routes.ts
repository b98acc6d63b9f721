import type { Router } from 'express';
import { Tally } from './tally.js';

const tally = new Tally();

export function routes(router: Router): void {
  router.get('/hit', (_req, res) => {
    res.send(String(tally.add()));
  });
  router.get('/count', (_req, res) => {
    res.send(String(tally.total));
  });
  router.get('/answer', (req, res) => {
    res.json({ path: req.path, message: 'welcome back', method: req.method });
  });
}
