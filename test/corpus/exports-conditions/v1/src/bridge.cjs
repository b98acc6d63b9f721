const dual = require('dual');

exports.fromRequire = function fromRequire() {
  return `${dual.kind} (${dual.impl()})`;
};
