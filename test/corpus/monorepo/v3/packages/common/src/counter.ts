export class Counter {
  private hits = 0;
  hit(): number {
    return ++this.hits;
  }
  get value(): number {
    return this.hits;
  }
}
