'use strict';
let count = 0;

function tally() {
  count += 1;
  return count;
}

function current() {
  return count;
}

function describe() {
  return 'legacy module';
}

module.exports = { tally, current, describe, name: 'legacy' };
