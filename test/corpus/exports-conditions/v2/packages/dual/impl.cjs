module.exports = function impl() {
  return 'private impl';
};
