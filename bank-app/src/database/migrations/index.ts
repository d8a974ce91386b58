// The migrations, listed explicitly (not globbed) so the same list works from src/ under ts-jest or
// tsx and from dist/ under node.
import { CreateDebitCard1732300000001 } from './1732300000001-create-debit-card';
import { CreateMoneyWithdrawal1732300000002 } from './1732300000002-create-money-withdrawal';
import { CreateIdempotencyKey1732300000003 } from './1732300000003-create-idempotency-key';
import { CreateCardBaseline1732300000004 } from './1732300000004-create-card-baseline';
import { AddChangeEventTime1732300000005 } from './1732300000005-add-change-event-time';

export const MIGRATIONS = [
  CreateDebitCard1732300000001,
  CreateMoneyWithdrawal1732300000002,
  CreateIdempotencyKey1732300000003,
  CreateCardBaseline1732300000004,
  AddChangeEventTime1732300000005,
];
