import { Session } from 'node:inspector';

export type PatchStatus = 'Ok' | 'CompileError' | 'BlockedByActiveGenerator' | 'BlockedByActiveFunction' | 'BlockedByTopLevelEsModuleChange' | string;

export interface PatchResult {
  readonly status: PatchStatus;
  readonly message?: string;
}

/**
 * V8 LiveEdit through an in-process inspector session. The debugger is on
 * only while a session is open: left enabled, it makes every `await` several
 * times slower. In-process messages are answered synchronously, so an open,
 * patch, close sequence runs with no other JavaScript in between.
 */
export class LiveEdit {
  private readonly session = new Session();
  /**
   * Every script V8 holds for each URL, newest first. One URL can have several:
   * instances not yet collected, and the throwaway scripts dry runs compile.
   */
  private readonly scripts = new Map<string, string[]>();

  open(): void {
    this.session.connect();
    this.session.on('Debugger.scriptParsed', (message) => {
      const { url, scriptId } = message.params as { url: string; scriptId: string };
      if (!url.startsWith('file:')) return;
      const known = this.scripts.get(url);
      if (known === undefined) this.scripts.set(url, [scriptId]);
      else known.unshift(scriptId);
    });
    this.post('Debugger.enable', {});
  }

  /** Replaces the source of the script at `url` that now holds `current`. */
  setSource(url: string, current: string, source: string, dryRun: boolean): PatchResult {
    const scriptId = this.find(url, current);
    if (scriptId === undefined) return { status: 'CompileError', message: `V8 holds no script for ${url} with the expected source` };
    const result = this.post('Debugger.setScriptSource', { scriptId, scriptSource: source, dryRun }) as {
      status?: string;
      exceptionDetails?: { text?: string; lineNumber?: number };
    };
    const status = result.status ?? (result.exceptionDetails ? 'CompileError' : 'Ok');
    return result.exceptionDetails?.text === undefined ? { status } : { status, message: `${result.exceptionDetails.text} (line ${(result.exceptionDetails.lineNumber ?? 0) + 1})` };
  }

  private find(url: string, current: string): string | undefined {
    for (const id of this.scripts.get(url) ?? []) {
      const { scriptSource } = this.post('Debugger.getScriptSource', { scriptId: id }) as { scriptSource: string };
      if (scriptSource === current) return id;
    }
    return undefined;
  }

  close(): void {
    try {
      this.post('Debugger.disable', {});
    } finally {
      this.session.disconnect();
    }
  }

  private post(method: string, params: object): unknown {
    let answered = false;
    let result: unknown;
    let failure: Error | null = null;
    this.session.post(method, params, (error, value) => {
      answered = true;
      failure = error;
      result = value;
    });
    if (!answered) throw new Error(`inspector did not answer ${method} synchronously`);
    if (failure) throw failure;
    return result;
  }
}
