// What the request pipelines (functions, jobs, reads, writes, triggers, batch) work with: the parts of one
// Parse app. ParseApp (app.ts) provides them; the pipelines never import the app itself.

import type { BackgroundWork } from './background';
import type { ParseClasses } from './classes';
import type { AppLog } from './logs';
import type { CloudRegistry } from './registry';
import type { ParseRequest, ParseResponse } from './rest';
import type { ParseSdk } from './sdk';
import type { Store } from '../store/store';

export interface AppContext {
  readonly classes: ParseClasses;
  /** The store the classes are kept in (its file locates the app's files). */
  readonly store: Store;
  /** The application id (files are served under it). */
  readonly appId: string;
  readonly registry: CloudRegistry;
  readonly Parse: ParseSdk;
  readonly logs: AppLog;
  readonly work: BackgroundWork;
  /** Answers one REST request (a batch sends its requests through it). */
  handle(request: ParseRequest): Promise<ParseResponse>;
}
