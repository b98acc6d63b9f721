import { route } from './registry.js';

const SUFFIX = 'a new constant';

export class Controller {
  static hits = 0;

  @route('/hit')
  static hit(): string {
    return String(++Controller.hits);
  }

  @route('/count')
  static count(): string {
    return String(Controller.hits);
  }

  @route('/answer')
  static answer(): string {
    return `decorated, v3 with ${SUFFIX}`;
  }
}
