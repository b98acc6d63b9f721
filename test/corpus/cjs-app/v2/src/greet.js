exports.greet = function greet(name) {
  return `hi there, ${name}`;
};
