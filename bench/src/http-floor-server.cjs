// The least an HTTP service on Node can do per withdrawal, as a second ceiling for the command
// benchmark: node:http (no framework), parse the JSON body, run the same conditional UPDATE as sysbench
// in one autocommit round trip through mysql2, answer 202. No validation, no idempotency, no read-back:
// not a usable service, only the measure of what HTTP + Node + mysql2 + the load generator cost on
// this machine when they share its cores with the database. Started and stopped by bench/src/command.ts.
'use strict';
const http = require('node:http');
const mysql = require('mysql2');

const env = process.env;
const pool = mysql.createPool({
  host: env.DB_HOST,
  port: Number(env.DB_PORT),
  database: env.DB_NAME,
  user: env.DB_USER,
  password: env.DB_PASSWORD,
  connectionLimit: Number(env.DB_POOL_SIZE),
});

const UPDATE_SQL = `
  UPDATE debit_card
     SET used_limit = used_limit + CAST(? AS DECIMAL(18,2)), version = version + 1
   WHERE id = ? AND used_limit + CAST(? AS DECIMAL(18,2)) <= initial_limit`;

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
    pool.query(UPDATE_SQL, [body.amount, body.debitCard, body.amount], (error, result) => {
      if (error) return answer(response, 503, {});
      answer(response, result.affectedRows === 1 ? 202 : 422, {});
    });
  });
});

server.listen(Number(env.APP_PORT), env.APP_HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => pool.end(() => process.exit(0))));
