type Handler = () => string;
export const table = new Map<string, Handler>();

/** A legacy method decorator: registers the method under a path. */
export function route(path: string) {
  return function (target: object, key: string, descriptor: PropertyDescriptor): void {
    console.log('route', path, '->', key, typeof target);
    table.set(path, () => descriptor.value.call(target));
  };
}
