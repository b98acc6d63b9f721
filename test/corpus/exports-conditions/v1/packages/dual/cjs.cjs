const impl = require('#impl');
exports.kind = 'require condition';
exports.impl = impl;
