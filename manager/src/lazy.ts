/**
 * A class that loads on first use: construction, statics (read and written), `instanceof` and subclassing all
 * reach the real class, which is required only then.
 */
export function lazyClass<C extends abstract new (...args: any[]) => unknown>(load: () => C): C {
  let real: C | undefined;
  const target = () => (real ??= load()) as unknown as new (...args: unknown[]) => object;
  const proxy: C = new Proxy(function lazyClassTarget() {} as unknown as C, {
    construct: (_t, args, newTarget) => Reflect.construct(target(), args, newTarget === proxy ? target() : newTarget),
    get: (_t, key) => Reflect.get(target(), key),
    set: (_t, key, value) => Reflect.set(target(), key, value),
    has: (_t, key) => Reflect.has(target(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(target()),
  });
  return proxy;
}
