import { describe, expect, it } from 'vitest';
import { isInternalAddress, retryDelayMs, targetProblems } from '../../src/core/webhooks.ts';

describe('webhook targets', () => {
  it.each([
    ['127.0.0.1', true], ['127.255.0.9', true], ['10.0.0.1', true], ['172.16.5.4', true], ['172.32.0.1', false], ['192.168.1.1', true],
    ['169.254.169.254', true], ['100.64.0.1', true], ['0.0.0.0', true], ['224.0.0.1', true], ['255.255.255.255', true],
    ['8.8.8.8', false], ['93.184.216.34', false],
    ['::1', true], ['::', true], ['fe80::1', true], ['fd00::1', true], ['ff02::1', true], ['::ffff:127.0.0.1', true], ['::ffff:10.0.0.1', true],
    ['::ffff:8.8.8.8', false], ['64:ff9b::a00:1', true], ['2002:a00:1::', true], ['2001:4860:4860::8888', false], ['[::1]', true],
    ['not-an-ip', true],
  ])('%s internal: %s', (address, internal) => {
    expect(isInternalAddress(address)).toBe(internal);
  });

  it('registration: https to public hosts; the allow-list admits http and internal hosts, nothing else', () => {
    expect(targetProblems('https://hooks.example.com/plant?x=1', [])).toEqual([]);
    expect(targetProblems('https://8.8.8.8/h', [])).toEqual([]);
    expect(targetProblems('http://hooks.example.com/h', []).map((p) => p.message)).toEqual(['must be https (http only for hosts in WEBHOOK_ALLOW_HOSTS)']);
    expect(targetProblems('http://hooks.example.com/h', ['hooks.example.com'])).toEqual([]);
    expect(targetProblems('http://127.0.0.1:8080/h', ['127.0.0.1'])).toEqual([]);
    expect(targetProblems('https://127.0.0.1/h', ['localhost'])).toHaveLength(1);
    expect(targetProblems('https://HOOKS.example.com/h#frag', []).map((p) => p.message)).toEqual(['must not have a fragment']);
    expect(targetProblems('https://a.localhost/h', [])).toHaveLength(1);
  });

  it('backoff doubles per failure with equal jitter and never passes the cap', () => {
    const policy = { baseMs: 1000, maxMs: 86_400_000 };
    expect(retryDelayMs(1, policy, () => 0)).toBe(500);
    expect(retryDelayMs(1, policy, () => 1)).toBe(1000);
    expect(retryDelayMs(4, policy, () => 1)).toBe(8000);
    expect(retryDelayMs(4, policy, () => 0)).toBe(4000);
    expect(retryDelayMs(30, policy, () => 1)).toBe(86_400_000);
    expect(retryDelayMs(10_000, policy, () => 0.5)).toBe(64_800_000);
  });
});
