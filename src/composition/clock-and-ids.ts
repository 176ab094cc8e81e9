import { v7 as uuidv7 } from 'uuid';
import type { Clock, IdGenerator } from '../core/ports/clock.ts';

export const systemClock: Clock = { now: () => new Date().toISOString() };

export const uuidV7Ids: IdGenerator = { next: () => uuidv7() };
