import unhomoglyph from 'unhomoglyph';
import { DomainError } from './errors.ts';

/**
 * A name is what a person reads when choosing a skill or hiring an agent, so two names that look
 * the same are the same name. Stored names are NFKC-normalised, trimmed, with single spaces;
 * uniqueness compares their UTS #39 skeletons (Unicode's confusables, as the unhomoglyph package
 * ships them; the database holds the same table, 0009_name_skeletons.sql).
 */

// Control, format (zero-width, bidi overrides and isolates, soft hyphen), private-use,
// unassigned, and line/paragraph separators: none of them belongs in a name.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;

const codePoint = (ch: string): string => `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The name as it is stored and signed; refuses invisible characters with a 422 naming the first. */
export const normalizeName = (raw: string, field = 'name'): string => {
  const bad = INVISIBLE.exec(raw) ?? INVISIBLE.exec(raw.normalize('NFKC'));
  if (bad !== null) {
    throw new DomainError('VALIDATION_ERROR', `${field} contains an invisible or control character (${codePoint(bad[0])})`, {
      errors: [{ field: `body/${field}`, message: `must not contain control, format or invisible characters (found ${codePoint(bad[0])})` }],
    });
  }
  return raw.normalize('NFKC').replace(/\s+/gu, ' ').trim();
};

/** The UTS #39 skeleton of a name, case-folded: equal skeletons are names a reader cannot tell apart. */
export const nameSkeleton = (name: string): string =>
  unhomoglyph(name.normalize('NFKC').toLowerCase().normalize('NFD')).normalize('NFD').toLowerCase();
