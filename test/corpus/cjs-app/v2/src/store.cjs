const items = [];
module.exports = {
  add(item) {
    items.push(item);
  },
  size() {
    return items.length;
  },
};
