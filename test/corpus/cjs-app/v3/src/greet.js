const punctuation = '.';

exports.greet = function greet(name) {
  return `hi there, ${titleCase(name)}${punctuation}`;
};

function titleCase(word) {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
