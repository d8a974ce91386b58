// Finds a Java 17 runtime (every JVM of the stack runs on 17: Druid 33 supports it, not 25) and
// builds the command line of a JVM component.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { paths } from './settings';
import type { StartCommand } from './processes';

let cached: string | undefined;

function majorVersion(javaBinary: string): number | undefined {
  // `java -version` prints on stderr.
  const result = spawnSync(javaBinary, ['-version'], { encoding: 'utf8' });
  return parseVersion(`${result.stdout ?? ''}${result.stderr ?? ''}`);
}

function parseVersion(text: string): number | undefined {
  const match = /version "(\d+)/.exec(text);
  return match ? Number(match[1]) : undefined;
}

export function java17(): string {
  if (cached) return cached;
  const candidates = [
    process.env.JAVA_HOME && path.join(process.env.JAVA_HOME, 'bin', 'java'),
    '/usr/lib/jvm/java-17-openjdk-amd64/bin/java',
    '/usr/lib/jvm/java-17-openjdk-arm64/bin/java',
    '/usr/lib/jvm/temurin-17-jdk-amd64/bin/java',
    'java',
  ].filter((candidate): candidate is string => Boolean(candidate));
  for (const candidate of candidates) {
    if (candidate !== 'java' && !fs.existsSync(candidate)) continue;
    if (majorVersion(candidate) === 17) return (cached = candidate);
  }
  throw new Error(
    'Java 17 is required for Kafka, Connect and Druid and was not found (looked at JAVA_HOME, /usr/lib/jvm and PATH). ' +
      'Install it (Debian: apt-get install openjdk-17-jdk-headless) or set JAVA_HOME to a JDK 17.',
  );
}

export interface JvmOptions {
  heapMb: number;
  directMb?: number;
  classpath: string[];
  mainClass: string;
  args: string[];
  systemProperties?: Record<string, string>;
  extraFlags?: string[];
}

/** Small heaps and the serial collector: the whole stack shares two cores. */
export function jvmCommand(options: JvmOptions): StartCommand {
  const flags = [
    `-Xms${options.heapMb}m`,
    `-Xmx${options.heapMb}m`,
    ...(options.directMb ? [`-XX:MaxDirectMemorySize=${options.directMb}m`] : []),
    '-XX:+UseSerialGC',
    '-XX:+ExitOnOutOfMemoryError',
    `-Djava.io.tmpdir=${paths.tmp}`,
    '-Duser.timezone=UTC',
    '-Dfile.encoding=UTF-8',
    ...Object.entries(options.systemProperties ?? {}).map(([key, value]) => `-D${key}=${value}`),
    ...(options.extraFlags ?? []),
  ];
  fs.mkdirSync(paths.tmp, { recursive: true });
  return {
    command: java17(),
    args: [...flags, '-cp', options.classpath.join(':'), options.mainClass, ...options.args],
  };
}
