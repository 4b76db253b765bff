// Short previews of JSON values for the one-line descriptions of trees and quick picks.

/** A short one-line preview of a value (a document's data, params; a string as it is) for trees and pickers. */
export function preview(data: unknown, width = 60): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data) ?? '';
  return text.length > width ? text.slice(0, width - 1) + '…' : text;
}
