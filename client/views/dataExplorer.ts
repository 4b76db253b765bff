// The "Local Database" tree view: collections (with document counts) → their newest documents, the app
// users, and the Parse classes (with object counts) → their newest objects. Documents, users and objects open
// as read-only JSON documents (`cloudfn-db:` URIs). Refreshed after runs and when the database file changes.

import * as vscode from 'vscode';
import path from 'node:path';
import type { RuntimeClient } from '../runtimeClient';
import type { CollectionSummary, AppUserSummary, ParseClassSummary, ParseObjectView } from '../../runtime/store/browse';
import type { FixtureDocument } from '../../runtime/store/fixtures';
import { preview } from '../util/preview';
import { errorMessage } from '../../runtime/errorMessage';

/** Documents listed per collection; the tree says when there are more. */
export const documentsShown = 200;
const scheme = 'cloudfn-db';

type Node =
  | { kind: 'collections'; count: number }
  | { kind: 'users' }
  | { kind: 'collection'; collection: CollectionSummary }
  | { kind: 'document'; collection: string; document: FixtureDocument }
  | { kind: 'user'; user: AppUserSummary }
  | { kind: 'parseClasses'; count: number }
  | { kind: 'parseClass'; summary: ParseClassSummary }
  | { kind: 'parseObject'; className: string; object: ParseObjectView }
  | { kind: 'more'; hidden: number }
  | { kind: 'message'; text: string };

export class DataExplorer implements vscode.TreeDataProvider<Node>, vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly treeChanged = new vscode.EventEmitter<Node | undefined>();
  private readonly contentChanged = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChangeTreeData = this.treeChanged.event;
  readonly onDidChange = this.contentChanged.event;
  /** The JSON text of documents opened from the tree, by URI. */
  private readonly opened = new Map<string, string>();
  private readonly disposables: vscode.Disposable[];
  private watcher: vscode.Disposable | undefined;

  constructor(private readonly runtime: RuntimeClient) {
    this.disposables = [
      this.treeChanged,
      this.contentChanged,
      vscode.window.createTreeView('cloudfn.dataExplorer', { treeDataProvider: this, showCollapseAll: true }),
      vscode.workspace.registerTextDocumentContentProvider(scheme, this),
      vscode.commands.registerCommand('cloudfn.openRecord', (uri: vscode.Uri) => this.open(uri)),
    ];
  }

  refresh(): void {
    this.treeChanged.fire(undefined);
  }

  /**
   * Watches the database file (the CLI, a reset, another window may write it): the tree refreshes once the
   * writes settle. Called again when the setting names another file.
   */
  watch(dbPath: string): void {
    this.watcher?.dispose();
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(dbPath)), path.basename(dbPath)));
    let timer: NodeJS.Timeout | undefined;
    const changed = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => this.refresh(), 300);
    };
    const subscriptions = [watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed)];
    this.watcher = { dispose: () => { clearTimeout(timer); for (const subscription of subscriptions) subscription.dispose(); watcher.dispose(); } };
  }

  async getChildren(node?: Node): Promise<Node[]> {
    try {
      if (!node) {
        const collections = await this.runtime.db<CollectionSummary[]>({ op: 'collections' });
        const classes = await this.runtime.db<ParseClassSummary[]>({ op: 'parse-classes' });
        const parse: Node[] = classes.length ? [{ kind: 'parseClasses', count: classes.length }] : [];
        if (collections.length === 0 && (await this.runtime.db<AppUserSummary[]>({ op: 'app-users', limit: 1 })).length === 0) return parse;
        return [{ kind: 'collections', count: collections.length }, { kind: 'users' }, ...parse];
      }
      switch (node.kind) {
        case 'collections':
          return (await this.runtime.db<CollectionSummary[]>({ op: 'collections' })).map((collection) => ({ kind: 'collection', collection }));
        case 'collection': {
          const documents = await this.runtime.db<FixtureDocument[]>({ op: 'documents', collection: node.collection.name, limit: documentsShown });
          return withMore(documents.map((document): Node => ({ kind: 'document', collection: node.collection.name, document })), node.collection.documents);
        }
        case 'parseClasses':
          return (await this.runtime.db<ParseClassSummary[]>({ op: 'parse-classes' })).map((summary) => ({ kind: 'parseClass', summary }));
        case 'parseClass': {
          const objects = await this.runtime.db<ParseObjectView[]>({ op: 'parse-objects', className: node.summary.className, limit: documentsShown });
          return withMore(objects.map((object): Node => ({ kind: 'parseObject', className: node.summary.className, object })), node.summary.objects);
        }
        case 'users':
          return (await this.runtime.db<AppUserSummary[]>({ op: 'app-users', limit: documentsShown })).map((user) => ({ kind: 'user', user }));
        default:
          return [];
      }
    } catch (error) {
      return [{ kind: 'message', text: `Cannot read the local database: ${errorMessage(error)}` }];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    switch (node.kind) {
      case 'collections':
        return Object.assign(new vscode.TreeItem('Collections', vscode.TreeItemCollapsibleState.Expanded), { iconPath: new vscode.ThemeIcon('database'), description: String(node.count) });
      case 'users':
        return Object.assign(new vscode.TreeItem('App users', collapsed), { iconPath: new vscode.ThemeIcon('organization') });
      case 'collection':
        return Object.assign(new vscode.TreeItem(node.collection.name, collapsed), {
          id: `collection:${node.collection.name}`,
          iconPath: new vscode.ThemeIcon('folder-library'),
          description: `${node.collection.documents} document${node.collection.documents === 1 ? '' : 's'}`,
          contextValue: 'collection',
        });
      case 'document': {
        const uri = this.remember(`/${node.collection}/${node.document.id}.json`, node.document);
        return Object.assign(new vscode.TreeItem(node.document.id), {
          iconPath: new vscode.ThemeIcon('json'),
          description: preview(node.document.data),
          tooltip: new vscode.MarkdownString().appendCodeblock(JSON.stringify(node.document, null, 2), 'json'),
          command: { command: 'cloudfn.openRecord', title: 'Open Document', arguments: [uri] },
        });
      }
      case 'user': {
        const uri = this.remember(`/app_users/${node.user.email}.json`, node.user);
        return Object.assign(new vscode.TreeItem(node.user.email), {
          iconPath: new vscode.ThemeIcon('account'),
          description: node.user.roles.join(', '),
          command: { command: 'cloudfn.openRecord', title: 'Open App User', arguments: [uri] },
        });
      }
      case 'parseClasses':
        return Object.assign(new vscode.TreeItem('Parse classes', vscode.TreeItemCollapsibleState.Expanded), { iconPath: new vscode.ThemeIcon('symbol-class'), description: String(node.count) });
      case 'parseClass':
        return Object.assign(new vscode.TreeItem(node.summary.className, collapsed), {
          id: `parse-class:${node.summary.className}`,
          iconPath: new vscode.ThemeIcon('symbol-class'),
          description: `${node.summary.objects} object${node.summary.objects === 1 ? '' : 's'}`,
          contextValue: 'parseClass',
        });
      case 'parseObject': {
        const uri = this.remember(`/parse/${node.className}/${node.object.objectId}.json`, node.object.json);
        const { objectId: _id, createdAt: _c, updatedAt: _u, ...fields } = node.object.json;
        return Object.assign(new vscode.TreeItem(node.object.objectId), {
          iconPath: new vscode.ThemeIcon('json'),
          description: preview(fields),
          tooltip: new vscode.MarkdownString().appendCodeblock(JSON.stringify(node.object.json, null, 2), 'json'),
          command: { command: 'cloudfn.openRecord', title: 'Open Object', arguments: [uri] },
        });
      }
      case 'more':
        return Object.assign(new vscode.TreeItem(`… ${node.hidden} more (export the database to see all)`), { iconPath: new vscode.ThemeIcon('ellipsis') });
      case 'message':
        return Object.assign(new vscode.TreeItem(node.text), { iconPath: new vscode.ThemeIcon('warning') });
    }
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.opened.get(uri.toString()) ?? '// This record is no longer in the tree: refresh the Local Database view.\n';
  }

  private remember(path: string, value: unknown): vscode.Uri {
    const uri = vscode.Uri.from({ scheme, path });
    const text = JSON.stringify(value, null, 2) + '\n';
    const key = uri.toString();
    if (this.opened.has(key) && this.opened.get(key) !== text) this.contentChanged.fire(uri);
    this.opened.set(key, text);
    return uri;
  }

  private async open(uri: vscode.Uri): Promise<void> {
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, 'json');
    await vscode.window.showTextDocument(document, { preview: true });
  }

  dispose(): void {
    this.watcher?.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** The children shown of a node holding `total` items, with a "more" row counting those not shown. */
function withMore(children: Node[], total: number): Node[] {
  const hidden = total - children.length;
  return hidden > 0 ? [...children, { kind: 'more', hidden }] : children;
}
