#!/usr/bin/env node
'use strict';
const http = require('http');
const path = require('path');
const { greet } = require('./greet');
const store = require('./store.cjs');
const config = require('./config.json');
const { shout } = require('./shout');

console.log('starting', config.name, path.basename(__dirname), path.basename(__filename), require.main === module);

function answer() {
  return [greet('corpus'), shout('cjs')].join(' | ');
}

const server = http.createServer((req, res) => {
  if (req.url === '/hit') {
    store.add(`item${store.size()}`);
    res.end(String(store.size()));
  } else if (req.url === '/count') {
    res.end(String(store.size()));
  } else {
    res.end(answer());
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
