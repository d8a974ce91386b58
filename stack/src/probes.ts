// Readiness probes: each answers "is this component usable now?" with a real request, not a sleep.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import axios from 'axios';
import { Kafka, logLevel } from 'kafkajs';
import { host } from './settings';

const run = promisify(execFile);

/** True when nothing listens on the port (we can bind it ourselves). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function httpOk(url: string): Promise<boolean> {
  const response = await axios.get(url, { timeout: 2000, validateStatus: () => true });
  return response.status === 200;
}

/** Druid's /status/health answers `true` once the service has joined the cluster. */
export async function druidHealthy(port: number): Promise<boolean> {
  const response = await axios.get(`http://${host}:${port}/status/health`, {
    timeout: 2000,
    validateStatus: () => true,
  });
  return response.status === 200 && response.data === true;
}

/** ZooKeeper's four-letter word: `ruok` answers `imok` when the server is serving. */
export function zookeeperOk(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    let answer = '';
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('connect', () => socket.write('ruok'));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer === 'imok'));
    socket.on('error', () => resolve(false));
  });
}

export async function mariadbAlive(socketPath: string): Promise<boolean> {
  try {
    await run('mariadb-admin', ['--no-defaults', `--socket=${socketPath}`, 'ping'], { timeout: 3000 });
    return true;
  } catch {
    return false;
  }
}

/** The broker answers metadata requests (a listening port alone is not enough in KRaft mode). */
export async function kafkaReady(port: number): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'stack-probe',
    brokers: [`${host}:${port}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 2000,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
