import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', main, ...args], { env: { ...process.env, KAFKA_BROKERS: '127.0.0.1:1' } }, (error, _stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr }),
    );
  });
}

describe('consumer-worker CLI', () => {
  it('takes a renamed flag under its old name, says so, and checks its value under the new one', { timeout: 30_000 }, async () => {
    const { code, stderr } = await run(['--topic', 'in', '--max-in-flight-records', 'lots']);
    expect(code).toBe(2);
    expect(stderr).toContain('warning: CONSUMER_MAX_IN_FLIGHT_RECORDS / --max-in-flight-records is deprecated: use CONSUMER_MAX_UNCOMMITTED_RECORDS / --max-uncommitted-records');
    expect(stderr).toContain('--max-uncommitted-records / CONSUMER_MAX_UNCOMMITTED_RECORDS must be a positive integer (got "lots")');
  });
});

describe('consumer-worker --help', () => {
  it("lists each built-in handler's options with their defaults (sensor-alerts' were documented nowhere)", { timeout: 30_000 }, async () => {
    const help = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', main, '--help'], (error, stdout) => (error === null ? resolve(stdout) : reject(error)));
    });
    expect(help).toContain('  sensor-alerts: ');
    for (const option of ['alertsTopic=(empty)', 'statsTopic=(empty)', 'windowMs=60000', 'slideMs=0', 'maxSensors=100000', 'costUs=200', 'emitEvery=1000', 'waitMs=2']) {
      expect(help).toContain(`    ${option}: `);
    }
  });
});
