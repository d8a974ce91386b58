// `npm run register` fails clearly: an unreachable Connect is named with its address, and a config that
// Connect rejects is reported with Connect's own message. Registering twice changes nothing.
import axios from 'axios';
import { connectorSpec } from '../src/connector';
import { configuredEndpoints, register, registerConnector } from '../src/register';
import { host, ports } from '../src/settings';

const connectUrl = `http://${host}:${ports.connect.port}`;

describe('register', () => {
  it('names the address when Kafka Connect is unreachable', async () => {
    const endpoints = { ...configuredEndpoints(), connectUrl: 'http://127.0.0.1:1' };
    await expect(register(endpoints, 2000)).rejects.toThrow(
      'Kafka Connect is unreachable at http://127.0.0.1:1 (set CONNECT_URL, or start it: npm run stack:up)',
    );
  });

  it("reports Connect's own message when it rejects the configuration", async () => {
    const spec = connectorSpec();
    const broken = {
      name: 'register-test-broken',
      config: { ...spec.config, 'database.port': 'not-a-port' },
    };
    await expect(registerConnector(connectUrl, broken)).rejects.toThrow(
      /registering connector register-test-broken at .* failed: Kafka Connect answered 400: [\s\S]*database\.port/,
    );
  });

  it('is idempotent: a second registration leaves the connector config and state as they were', async () => {
    const spec = connectorSpec();
    const before = await axios.get<Record<string, string>>(`${connectUrl}/connectors/${spec.name}/config`);
    await register();
    const after = await axios.get<Record<string, string>>(`${connectUrl}/connectors/${spec.name}/config`);
    expect(after.data).toEqual(before.data);
    const status = await axios.get<{ connector: { state: string } }>(
      `${connectUrl}/connectors/${spec.name}/status`,
    );
    expect(status.data.connector.state).toBe('RUNNING');
  });
});
