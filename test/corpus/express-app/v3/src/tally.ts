export class Tally {
  total = 0;
  add(): number {
    this.total += 1;
    return this.total;
  }
}
