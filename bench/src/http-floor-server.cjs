// The least an HTTP service on Node can do per withdrawal, as a second ceiling for the command
// benchmark: node:http (no framework), parse the JSON body, run bank-app's conditional UPDATE in one
// round trip through mysql2, answer 202. The UPDATE sets the withdrawal's id, request id and time, as
// bank-app's and sysbench's do (with the card's previous id, the projector would skip the withdrawal).
// No validation, no read-back: not a usable service, only the measure of what HTTP + Node + mysql2 +
// the load generator cost on this machine when they share its cores with the database. Started and
// stopped by bench/src/command.ts.
//
// Without an Idempotency-Key the UPDATE runs alone (autocommit). With one, it runs with the least that
// honouring a key durably takes: the key's record inserted in the same transaction (so a retry could
// find it), still in one round trip. No in-flight lock, no look-up, an empty stored body: less work
// than any real keyed withdrawal, so its rate bounds what a keyed withdrawal can reach here.
'use strict';
const http = require('node:http');
const { createHash, randomUUID } = require('node:crypto');
const mysql = require('mysql2');

const env = process.env;
const pool = mysql.createPool({
  host: env.DB_HOST,
  port: Number(env.DB_PORT),
  database: env.DB_NAME,
  user: env.DB_USER,
  password: env.DB_PASSWORD,
  connectionLimit: Number(env.DB_POOL_SIZE),
  multipleStatements: true,
});

const UPDATE_SQL = `
  UPDATE debit_card
     SET used_limit = used_limit + CAST(? AS DECIMAL(18,2)),
         version = version + 1,
         last_withdrawal_id = ?,
         last_request_id = ?,
         last_withdrawn_at = CURRENT_TIMESTAMP(6)
   WHERE id = ? AND used_limit + CAST(? AS DECIMAL(18,2)) <= initial_limit`;

const KEYED_SQL = `
  START TRANSACTION;
  INSERT INTO idempotency_key (client_key, request_fingerprint, response_status, response_body, expires_at)
  VALUES (?, ?, 202, '{}', CURRENT_TIMESTAMP(6) + INTERVAL 24 HOUR);
  ${UPDATE_SQL};
  COMMIT`;

function answer(response, status, body) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/health') return answer(response, 200, { status: 'ok' });
  if (request.method !== 'POST' || request.url !== '/moneywithdrawals') return answer(response, 404, {});
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return answer(response, 400, {});
    }
    const requestId = request.headers['x-request-id'] ?? randomUUID();
    const values = [body.amount, randomUUID(), requestId, body.debitCard, body.amount];
    const key = request.headers['idempotency-key'];
    if (key === undefined) {
      return pool.query(UPDATE_SQL, values, (error, result) => {
        if (error) return answer(response, 503, {});
        answer(response, result.affectedRows === 1 ? 202 : 422, {});
      });
    }
    const fingerprint = createHash('sha256').update(`${body.debitCard} ${body.amount}`).digest('hex');
    // Results: START TRANSACTION, INSERT, UPDATE, COMMIT. (A refused UPDATE would still commit its
    // key here; the bench cards never run out.) Any error destroys the connection, rolling back.
    pool.getConnection((error, connection) => {
      if (error) return answer(response, 503, {});
      connection.query(KEYED_SQL, [key, fingerprint, ...values], (queryError, results) => {
        if (queryError) {
          connection.destroy();
          return answer(response, 503, {});
        }
        connection.release();
        answer(response, results[2].affectedRows === 1 ? 202 : 422, {});
      });
    });
  });
});

server.listen(Number(env.APP_PORT), env.APP_HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => pool.end(() => process.exit(0))));
