// Markdown shared by the features that document API members (hover, completion items): a member's signature or
// type, its doc and its example, from the API model.

import type { ApiMember } from '../../runtime/cocobase/apiModel';
import { formatSignature } from '../analysis/apiIndex';

/** Markdown for one API member: signature or type, doc, example. */
export function memberDocumentation(owner: string, member: ApiMember): string {
  const signature = member.kind === 'function' ? formatSignature(owner, member) : `${owner}.${member.name}: ${member.type}`;
  return ['```python', signature, '```', '', member.doc, '', 'Example:', '```python', member.example, '```'].join('\n');
}
