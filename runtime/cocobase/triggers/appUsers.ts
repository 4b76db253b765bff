// App users' sign-up, password login, profile update and delete, as `serve`'s /auth-collections/ routes and
// `cloudfn users` do them, with the auth hooks of spec §7: `pre_register` and `pre_login` run first and may
// refuse (`{"block": True, "reason"}`, or a hook that failed), the others run after the operation, fire and
// forget. Writes go through the data service a function's `db` uses (same checks, hashing and shapes), on
// this thread when no run holds the database (TriggerRunner.whenIdle). Tokens are local: random, only their
// SHA-256 kept in `app_user_tokens`.

import { randomBytes } from 'node:crypto';
import { DataError, DataService } from '../dataService';
import { verifyPassword } from '../../store/passwords';
import { appUserJsonSql, nowIso } from '../../store/schema';
import type { Store } from '../../store/store';
import { isObject } from '../../jsonValues';
import { tokenHash, userForToken, type TriggerRunner } from './runner';

/** An app user as the API shows it (never its password). */
export interface AppUser {
  id: string;
  email: string;
  data: Record<string, unknown>;
  roles: string[];
  created_at: string;
  updated_at: string;
}

/** The answer of a sign-up or login: the platform's `{access_token, token_type, user}`. */
export interface SignedIn {
  access_token: string;
  token_type: 'bearer';
  user: AppUser;
}

/** An operation's outcome: its value, or the HTTP status and message it was refused with. */
export type AuthAnswer<T> = { ok: true; value: T } | { ok: false; status: number; detail: string };

/** What a profile update asks for (the platform's PATCH /auth-collections/user body). */
export interface UserChanges {
  data?: Record<string, unknown>;
  email?: string;
  password?: string;
  /** Replace `data` instead of merging its keys. */
  override?: boolean;
}

const refuse = (status: number, detail: string): { ok: false; status: number; detail: string } => ({ ok: false, status, detail });

/** Issues a new local token for `userId` (inside the caller's transaction) and returns it. */
export function issueToken(store: Store, userId: string, expiresAt: string | null = null): string {
  const token = randomBytes(32).toString('base64url');
  store.run('INSERT INTO app_user_tokens (token_hash, project_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    [tokenHash(token), store.projectId, userId, nowIso(), expiresAt]);
  return token;
}

/** The status of a data service refusal: a taken email is a conflict, anything else a bad request. */
const refusalStatus = (error: DataError): number => (/already taken/.test(error.message) ? 409 : 400);

export class AppUserAuth {
  private readonly data: DataService;

  constructor(private readonly store: Store, private readonly runner: TriggerRunner) {
    this.data = new DataService(store);
  }

  /** Signs a new user up: `pre_register` may refuse; the user is created with a token; then `post_register`. */
  async register(email: unknown, password: unknown, data: Record<string, unknown>): Promise<AuthAnswer<SignedIn>> {
    if (typeof email !== 'string' || !email.includes('@')) return refuse(400, 'email is required: a string with an email address');
    if (typeof password !== 'string' || password === '') return refuse(400, 'password is required: a non-empty string');
    if (this.find('email', email)) return refuse(409, `a user with the email '${email}' already exists`);
    const verdict = await this.runner.authHook('pre_register', { event: 'pre_register', email, data });
    if (verdict.blocked) return refuse(403, verdict.reason!);
    let signedIn: SignedIn;
    try {
      signedIn = await this.write(() => {
        const user = this.data.invoke('create_app_user', { email, password, data }) as AppUser;
        return { access_token: issueToken(this.store, user.id), token_type: 'bearer', user };
      });
    } catch (error) {
      if (error instanceof DataError) return refuse(refusalStatus(error), error.message);
      throw error;
    }
    this.runner.authHookLater('post_register', { event: 'post_register', user: signedIn.user });
    return { ok: true, value: signedIn };
  }

  /** A password login: the password is checked, then `pre_login` may refuse; a new token; then `post_login`. */
  async login(email: unknown, password: unknown): Promise<AuthAnswer<SignedIn>> {
    if (typeof email !== 'string' || typeof password !== 'string') return refuse(400, 'email and password are required (strings)');
    const found = this.find('email', email);
    if (!found || !verifyPassword(found.passwordHash, password)) return refuse(401, 'Invalid email or password');
    const { user } = found;
    const verdict = await this.runner.authHook('pre_login', { event: 'pre_login', email, user });
    if (verdict.blocked) return refuse(403, verdict.reason!);
    const token = await this.write(() => issueToken(this.store, user.id));
    this.runner.authHookLater('post_login', { event: 'post_login', user });
    return { ok: true, value: { access_token: token, token_type: 'bearer', user } };
  }

  /** The user a bearer token signs in, or undefined. */
  userForToken(token: string): AppUser | undefined {
    this.reload();
    const id = userForToken(this.store, token);
    return id === null ? undefined : this.find('id', id)?.user;
  }

  /** The user with this id, or undefined. */
  user(id: string): AppUser | undefined {
    return this.find('id', id)?.user;
  }

  /** The user with this email, or undefined. */
  userByEmail(email: string): AppUser | undefined {
    return this.find('email', email)?.user;
  }

  /**
   * Updates a user's profile; then `pre_user_update` (`{"event", "user", "changes"}`, the user as it was) and
   * `post_user_update` (`{"event", "user", "old_data"}`). A new password is shown to hooks as `[redacted]`.
   */
  async update(id: string, changes: UserChanges): Promise<AuthAnswer<AppUser>> {
    const before = this.user(id);
    if (!before) return refuse(404, 'User not found');
    let after: AppUser;
    try {
      after = await this.write(() => {
        if (changes.override && changes.data) {
          this.store.run('UPDATE app_users SET data = ?, updated_at = ? WHERE id = ? AND project_id = ?',
            [JSON.stringify(changes.data), nowIso(), id, this.store.projectId]);
        }
        const args: Record<string, unknown> = { user_id: id };
        if (changes.data && !changes.override) args.data = changes.data;
        if (changes.email !== undefined) args.email = changes.email;
        if (changes.password !== undefined) args.password = changes.password;
        return this.data.invoke('update_app_user', args) as AppUser;
      });
    } catch (error) {
      if (error instanceof DataError) return refuse(refusalStatus(error), error.message);
      throw error;
    }
    const shown: Record<string, unknown> = { ...changes };
    if (changes.password !== undefined) shown.password = '[redacted]';
    this.runner.authHookLater('pre_user_update', { event: 'pre_user_update', user: before, changes: shown });
    this.runner.authHookLater('post_user_update', { event: 'post_user_update', user: after, old_data: before.data });
    return { ok: true, value: after };
  }

  /** Deletes a user (its relationships and tokens too); then `pre_user_delete` and `post_user_delete`. */
  async delete(id: string): Promise<AuthAnswer<AppUser>> {
    const before = this.user(id);
    if (!before) return refuse(404, 'User not found');
    await this.write(() => {
      this.data.invoke('delete_app_user', { user_id: id });
      this.store.run('DELETE FROM app_user_tokens WHERE project_id = ? AND user_id = ?', [this.store.projectId, id]);
    });
    this.runner.authHookLater('pre_user_delete', { event: 'pre_user_delete', user: before });
    this.runner.authHookLater('post_user_delete', { event: 'post_user_delete', user: before });
    return { ok: true, value: before };
  }

  /** Runs `body` in a transaction of its own, saved, when no run holds the database. */
  private write<T>(body: () => T): Promise<T> {
    return this.runner.whenIdle(() => {
      this.store.begin();
      try {
        const value = body();
        this.store.commit();
        this.store.save();
        return value;
      } catch (error) {
        this.store.rollback();
        throw error;
      } finally {
        // What the data service tracked for a run's report is not needed here.
        this.data.takeChanges();
      }
    });
  }

  private reload(): void {
    try {
      this.store.reloadIfChangedOnDisk();
    } catch {
      // The database as last read answers meanwhile; the next write reads it again under the lock.
    }
  }

  private find(by: 'id' | 'email', value: string): { user: AppUser; passwordHash: string } | undefined {
    this.reload();
    const row = this.store.row(`SELECT ${appUserJsonSql}, password_hash FROM app_users WHERE project_id = ? AND ${by} = ?`,
      [this.store.projectId, value]);
    if (!row) return undefined;
    const user = JSON.parse(row[0] as string) as unknown;
    return isObject(user) ? { user: user as unknown as AppUser, passwordHash: row[1] as string } : undefined;
  }
}
