// Start-up time: @stoplight/prism-http requires two heavy modules when it loads that mocking an OpenAPI document
// seldom uses: @faker-js/faker (every locale, about 1.5 s; used only by `x-faker` schema keywords) and
// http-spec's Postman transformer (about 0.25 s; used only for Postman collections). Before Prism loads, each
// gets a stand-in in the CommonJS module cache that loads the real module on first use, so nothing changes
// except when the cost is paid. Best effort: if a module cannot be found (another Prism layout), it loads as usual.
import { createRequire, Module } from 'node:module';

/** Loaded lazily: the exports named here are objects Prism keeps a reference to while it loads. */
const DEFERRED: ReadonlyArray<{ from: string; id: string; keptObjects: readonly string[] }> = [
  { from: '@stoplight/prism-http', id: '@faker-js/faker', keptObjects: ['default', 'faker'] },
  { from: '@stoplight/prism-http', id: '@stoplight/http-spec/postman/operation', keptObjects: [] },
];

const require = createRequire(import.meta.url);
let installed = false;

export function deferHeavyModules(): void {
  if (installed) return;
  installed = true;
  for (const { from, id, keptObjects } of DEFERRED) {
    let filename: string;
    let load: () => Record<PropertyKey, unknown>;
    try {
      const fromRequire = createRequire(require.resolve(from));
      filename = fromRequire.resolve(id);
      let real: Record<PropertyKey, unknown> | undefined;
      load = () => {
        if (!real) {
          if (require.cache[filename] === stub) delete require.cache[filename];
          real = fromRequire(id) as Record<PropertyKey, unknown>;
        }
        return real;
      };
    } catch {
      continue;
    }
    if (require.cache[filename]) continue; // already loaded: nothing to save
    const stub = new Module(filename);
    stub.filename = filename;
    stub.loaded = true;
    stub.exports = lazyObject(load, (name) => (keptObjects.includes(String(name)) ? lazyObject(() => load()[name] as Record<PropertyKey, unknown>) : undefined));
    require.cache[filename] = stub;
  }
}

/** An object that is `target()` as soon as anything reads it; `early(name)` may answer a read without loading. */
function lazyObject(target: () => Record<PropertyKey, unknown>, early: (name: PropertyKey) => unknown = () => undefined): object {
  return new Proxy(
    {},
    {
      get: (_t, name) => early(name) ?? Reflect.get(target(), name),
      has: (_t, name) => Reflect.has(target(), name),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_t, name) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), name);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
}
