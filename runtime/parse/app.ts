// One local Parse app, a façade over its parts: the user's Cloud Code (cloudLoader.ts) registered through
// Parse.Cloud (cloud.ts), the real Parse SDK routed in-process to this app (sdk.ts), the log (logs.ts), and the
// REST emulation over the store — route tables (routes.ts) leading to functions and jobs, reads, the write
// pipeline with its triggers, and batch. `serve`, the CLI and the editor (through session.ts) and the SDK
// inside Cloud Code all go through `handle()`.

import type { Store } from '../store/store';
import { BackgroundWork } from './background';
import { ParseClasses } from './classes';
import { installCloudApi } from './cloud';
import { CloudCode } from './cloudLoader';
import type { AppContext } from './context';
import { HttpFailure, ParseCode, ParseFailure } from './errors';
import { AppLog, routeConsole, type LogEntry } from './logs';
import { CloudRegistry } from './registry';
import type { ParseRequest, ParseResponse } from './rest';
import { Router } from './router';
import { batchRoutes, classesRoutes, filesRoutes, functionsRoutes, healthRoutes, jobsRoutes, schemaRoutes, usersRoutes } from './routes';
import { loadParseSdk, sdkRequest, type ParseSdk } from './sdk';

export interface ParseAppOptions {
  store: Store;
  /** The Cloud Code entry file (cloud/main.js); undefined for an app without Cloud Code. */
  cloudFile?: string;
  appId: string;
  masterKey: string;
  /** Called for every log entry as it happens (serve prints them). */
  onLog?: (entry: LogEntry) => void;
}

/**
 * The app the process-wide parts (the SDK's transport, Parse.Cloud, console) go to: the last one created or
 * activated, when a process holds several (the editor's host: one per cloud file).
 */
let current: ParseApp | undefined;
const currentApp = (): ParseApp => current!;

export class ParseApp implements AppContext {
  readonly registry = new CloudRegistry();
  readonly classes: ParseClasses;
  readonly logs: AppLog;
  readonly work = new BackgroundWork();
  readonly cloudCode: CloudCode;
  readonly Parse: ParseSdk;
  /**
   * The limit on the synchronous part of each handler call, in ms (the CLI, the editor and `serve` set it to
   * the request's time limit); undefined: none, as on Parse Server.
   */
  syncTimeoutMs: number | undefined;
  private readonly router: Router;

  constructor(private readonly options: ParseAppOptions) {
    this.classes = new ParseClasses(options.store);
    this.logs = new AppLog(options.onLog);
    this.cloudCode = new CloudCode(options.cloudFile, this.registry);
    this.activate();
    this.Parse = loadParseSdk(
      (method, route, data, opts) => currentApp().handle(sdkRequest(method, route, data, opts)),
      { appId: options.appId, masterKey: options.masterKey },
      (what) => currentApp().logs.warnLegacy(what));
    installCloudApi(this.Parse, currentApp);
    routeConsole((level, message) => currentApp().logs.add(level, message));
    this.router = new Router([
      ...functionsRoutes(this), ...jobsRoutes(this), ...batchRoutes(this),
      ...classesRoutes(this), ...usersRoutes(this), ...filesRoutes(this), ...schemaRoutes(this), ...healthRoutes(),
    ]);
  }

  get store(): Store {
    return this.options.store;
  }

  get appId(): string {
    return this.options.appId;
  }

  /**
   * Writes what the app changed to the database file: pending objects, then a save when anything is unsaved
   * and no transaction is open. True when it wrote.
   */
  persist(): boolean {
    this.classes.flush();
    const wrote = this.store.dirty && !this.store.inTransaction;
    if (wrote) this.store.save();
    return wrote;
  }

  /** Makes this app the one the (process-wide) Parse SDK and Parse.Cloud route to, when a process holds several. */
  activate(): void {
    // The process-wide parts reach the app through this one reference, by design.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    current = this;
  }

  /** Answers one REST request as Parse Server would. Never throws. */
  async handle(request: ParseRequest): Promise<ParseResponse> {
    const done = this.work.begin();
    try {
      return await this.router.route(request);
    } catch (error) {
      if (error instanceof ParseFailure || error instanceof HttpFailure) return { status: error.status, body: error.body };
      this.logs.add('error', `Uncaught internal server error. ${error instanceof Error ? error.stack : String(error)}`);
      return { status: 500, body: { code: ParseCode.internalServerError, message: 'Internal server error.' } };
    } finally {
      done();
    }
  }
}
