#!/usr/bin/env node
import express, { Router } from 'express';
import { routes } from './routes.js';
import manifest from 'express/package.json' with { type: 'json' };

const app = express();
const api = Router();
routes(api);
app.use(express.json());
app.use('/', api);
console.log('express routes', api.stack.length, 'major', manifest.version.split('.')[0]);
app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
