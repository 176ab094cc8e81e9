import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from '../../src/composition/config.ts';

const read = (file: string): string => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('configuration documentation', () => {
  it.each(CONFIG_KEYS)('%s is in the README table and in .env.example', (key) => {
    expect(read('README.md')).toContain(`| \`${key}\` |`);
    expect(read('.env.example')).toMatch(new RegExp(`^#? ?${key}=`, 'm'));
  });
});
