// Default timeout for bank-app's tests and hooks: e2e specs boot the app and talk to the real
// database. Specs that stop the database set longer timeouts of their own.
// It must exceed the longest bounded wait inside a test (120 s), or jest cuts the wait short under load.
jest.setTimeout(180_000);
