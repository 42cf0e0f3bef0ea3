/** Logs carry no phone numbers and no message bodies (Powertools JSON logs, at DEBUG level). */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redactPhones } from '../../lambdas/domain/phone';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

describe('logs', () => {
  let runtime: TestRuntime;
  const lines: string[] = [];

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: KEYWORDS_ONLY, logLevel: 'DEBUG' });
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(console, 'info').mockImplementation((...args: unknown[]) => lines.push(args.join(' ')));
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => lines.push(args.join(' ')));
    vi.spyOn(console, 'debug').mockImplementation((...args: unknown[]) => lines.push(args.join(' ')));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await runtime.stop();
  });

  it('masks phone numbers and leaves message bodies out', async () => {
    await runtime.text('+12065557788', 'JOIN my secret text');
    await runtime.text('+12065557788', 'Please stop texting me');
    const output = lines.join('\n');
    expect(output).toContain('+1206•••7788');
    expect(output).not.toContain('+12065557788');
    expect(output).not.toMatch(/secret text|stop texting me/);
  });

  it('redacts numbers inside free text unless the debug switch reveals them', () => {
    expect(redactPhones('consent of +12065550100 kept changing')).toBe(
      'consent of +1206•••0100 kept changing',
    );
    expect(redactPhones('consent of +12065550100', true)).toBe('consent of +12065550100');
  });
});
