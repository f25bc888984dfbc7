import { readFileSync } from 'node:fs';
import { describeEnv, kafkaEnv, loadKafkaConfig } from '@lagscale/kafka-core';
import { describe, expect, it } from 'vitest';
import { activeSettings, settingsDir, settingsEnvText, settingsFiles } from './settings-env.js';

const committed = (file: string) => readFileSync(new URL(file, settingsDir), 'utf8');

describe('deploy/k8s/base/settings', () => {
  it.each(settingsFiles)('$file is current (regenerate: tools/k8s/settings-env.ts --write)', (settings) => {
    expect(committed(settings.file)).toBe(settingsEnvText(settings));
  });

  it.each(settingsFiles)('$file names every setting of its app once, set or commented out with its default', (settings) => {
    const text = committed(settings.file);
    for (const row of describeEnv(settings.specs)) {
      const lines = text.split('\n').filter((line) => line.startsWith(`${row.name}=`) || line.startsWith(`# ${row.name}=`) || line.startsWith(`# ${row.name}: `));
      expect(lines.length, row.name).toBeGreaterThanOrEqual(1);
    }
    const unknown = Object.keys(activeSettings(text)).filter((name) => !describeEnv(settings.specs).some((row) => row.name === name));
    expect(unknown).toEqual([]);
  });

  it('keeps secrets out: SASL credentials and the ingest token come from Secrets', () => {
    const active = settingsFiles.flatMap((s) => Object.keys(activeSettings(committed(s.file))));
    expect(active).not.toContain(kafkaEnv.saslPassword.name);
    expect(active).not.toContain(kafkaEnv.saslUsername.name);
    expect(active).not.toContain('INGEST_AUTH_TOKEN');
  });

  it('sets Kafka settings the client accepts', () => {
    const kafka = settingsFiles.find((s) => s.file === 'kafka.env');
    expect(() => loadKafkaConfig(activeSettings(committed(kafka?.file ?? '')))).not.toThrow();
  });
});
