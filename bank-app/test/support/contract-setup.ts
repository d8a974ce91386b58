// Jest setup file (jest.config.js): after each e2e spec file, the responses its in-process apps sent
// are checked against their OpenAPI document (contract.ts).
import { checkRecordedResponses } from './contract';

afterAll(checkRecordedResponses);
