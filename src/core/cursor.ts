import { DomainError } from './errors.ts';

/** Opaque keyset cursors: the sort key of a page's last row, as base64url JSON. */
export const encodeCursor = (key: readonly string[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/**
 * The sort key a cursor carries, if it is one this list handed out: `valid` checks each part
 * (a bad cursor is the caller's 422, never a database error).
 */
export const decodeCursor = (text: string, valid: (key: readonly string[]) => boolean): string[] => {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  if (Array.isArray(key) && key.every((part) => typeof part === 'string') && valid(key)) return key;
  throw new DomainError('VALIDATION_ERROR', 'The cursor is not one this list handed out', { errors: [{ field: 'cursor', message: 'is not a cursor from this list' }] });
};
