// Relationships between app users (table user_relationships): following/followers, friends, group members
// and any other type. A follow is stored once, as (follower, followed, "following"): "B is in A's following"
// and "A is in B's followers" read the same row, and a "followers" relationship given by a caller or a fixture
// is stored turned round. Every other type is stored as given.

import type { Store } from './store';

/** One stored relationship, as fixtures carry it. */
export interface Relationship {
  user_id: string;
  related_user_id: string;
  relationship_type: string;
  created_at: string;
}

/** The row that records `user_id` → `related_user_id` of a type ("followers" turned into "following"). */
export function storedForm(userId: string, relatedUserId: string, type: string): [string, string, string] {
  return type === 'followers' ? [relatedUserId, userId, 'following'] : [userId, relatedUserId, type];
}

/** Inserts a relationship unless it is there; true when it was inserted. */
export function insertRelationship(store: Store, projectId: string, relationship: Relationship): boolean {
  const [userId, relatedUserId, type] = storedForm(relationship.user_id, relationship.related_user_id, relationship.relationship_type);
  return store.run(
    `INSERT INTO user_relationships (project_id, user_id, related_user_id, relationship_type, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
    [projectId, userId, relatedUserId, type, relationship.created_at],
  ) > 0;
}

/** Deletes a relationship; true when it was there. */
export function deleteRelationship(store: Store, projectId: string, userId: string, relatedUserId: string, type: string): boolean {
  const [from, to, stored] = storedForm(userId, relatedUserId, type);
  return store.run(
    'DELETE FROM user_relationships WHERE project_id = ? AND user_id = ? AND related_user_id = ? AND relationship_type = ?',
    [projectId, from, to, stored],
  ) > 0;
}

/**
 * SQL of the users related to `?` (bound to the user or group id) by a type, as rows (other, created_at, seq),
 * newest last by seq; its parameters are [projectId, id, storedType].
 */
export function relatedUsersSql(type: string): { sql: string; storedType: string } {
  return type === 'followers'
    ? { sql: 'SELECT user_id AS other, created_at, rowid AS seq FROM user_relationships WHERE project_id = ? AND related_user_id = ? AND relationship_type = ?', storedType: 'following' }
    : { sql: 'SELECT related_user_id AS other, created_at, rowid AS seq FROM user_relationships WHERE project_id = ? AND user_id = ? AND relationship_type = ?', storedType: type };
}

/** Every relationship of a project, oldest first, for `db export`. */
export function exportRelationships(store: Store, projectId: string): Relationship[] {
  return store.rows('SELECT user_id, related_user_id, relationship_type, created_at FROM user_relationships WHERE project_id = ? ORDER BY rowid', [projectId])
    .map(([userId, relatedUserId, type, createdAt]) => ({
      user_id: userId as string, related_user_id: relatedUserId as string, relationship_type: type as string, created_at: createdAt as string,
    }));
}

/** Removes the relationships of a deleted app user, both ways. */
export function forgetUser(store: Store, projectId: string, userId: string): void {
  store.run('DELETE FROM user_relationships WHERE project_id = ? AND (user_id = ? OR related_user_id = ?)', [projectId, userId, userId]);
}
