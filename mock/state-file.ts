// --state FILE: load at start, save atomically (write + rename) shortly after changes and at exit.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { MockPlatform } from './platform.js';

export class StateFile {
  #timer: NodeJS.Timeout | undefined;
  #dirty = false;

  constructor(
    readonly path: string,
    readonly platform: MockPlatform,
    readonly debounceMs = 200,
  ) {}

  /** Loads the file when it exists; returns whether it did. */
  load(): boolean {
    if (!existsSync(this.path)) return false;
    this.platform.restore(JSON.parse(readFileSync(this.path, 'utf8')));
    return true;
  }

  watch(): () => void {
    return this.platform.onChange(() => {
      this.#dirty = true;
      this.#timer ??= setTimeout(() => this.save(), this.debounceMs);
    });
  }

  save(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.platform.dump()));
    renameSync(temp, this.path);
    this.#dirty = false;
  }

  flush(): void {
    if (this.#dirty || this.#timer) this.save();
  }
}
