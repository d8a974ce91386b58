// The Kafka topics of the pipeline, named once for the app. The connector (mysqlsource.json) writes
// `debit_card`; the projector reads it and writes `ministatement` and the dead letters; the Druid
// supervisor (bank-app-mini-statement-supervisor.json) reads `ministatement`. `npm run register`
// creates them.

/** Debezium's change events of the `debit_card` table. */
export const CHANGE_TOPIC = 'debit_card';
/** The statement lines the projector publishes, one Kafka transaction per batch. */
export const MINISTATEMENT_TOPIC = 'ministatement';
/** Change events that can never be projected, with the reason in a header. */
export const DLQ_TOPIC = 'debit_card.dlq';
