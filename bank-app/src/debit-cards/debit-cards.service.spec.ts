import { getRepositoryToken } from '@nestjs/typeorm';
import { Test } from '@nestjs/testing';
import { QueryFailedError } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { DebitCardEntity } from './debit-card.entity';
import { DebitCardsService } from './debit-cards.service';

describe('DebitCardsService', () => {
  let sut: DebitCardsService;
  const insert = {
    insert: jest.fn().mockReturnThis(),
    values: jest.fn().mockReturnThis(),
    updateEntity: jest.fn().mockReturnThis(),
    execute: jest.fn<Promise<unknown>, []>(),
  };
  const cards = {
    findOne: jest.fn<Promise<Partial<DebitCardEntity> | null>, [unknown]>(),
    createQueryBuilder: jest.fn(() => insert),
  };

  beforeEach(async () => {
    jest.clearAllMocks();
    const moduleRef = await Test.createTestingModule({
      providers: [DebitCardsService, { provide: getRepositoryToken(DebitCardEntity), useValue: cards }],
    }).compile();
    sut = moduleRef.get(DebitCardsService);
  });

  it('shows a card with its available balance, amounts as decimal strings and version as a number', async () => {
    cards.findOne.mockResolvedValue({ id: 'c-1', initialLimit: '250.50', usedLimit: '10.00', version: '3' });

    await expect(sut.get('c-1')).resolves.toEqual({
      id: 'c-1',
      initialLimit: '250.50',
      usedLimit: '10.00',
      availableBalance: '240.50',
      version: 3,
    });
    expect(cards.findOne).toHaveBeenCalledWith(expect.objectContaining({ where: { id: 'c-1' } }));
  });

  it('answers CARD_NOT_FOUND for a card that does not exist', async () => {
    cards.findOne.mockResolvedValue(null);

    await expect(sut.get('nobody')).rejects.toMatchObject({ code: 'CARD_NOT_FOUND' });
  });

  it('inserts a new card with nothing used, and reads nothing back', async () => {
    insert.execute.mockResolvedValue({});

    const card = await sut.create({ id: 'c-2', initialLimitCents: 25050n });

    expect(card).toEqual({
      id: 'c-2',
      initialLimit: '250.50',
      usedLimit: '0.00',
      availableBalance: '250.50',
      version: 0,
    });
    expect(insert.values).toHaveBeenCalledWith({
      id: 'c-2',
      initialLimit: '250.50',
      usedLimit: '0.00',
      version: '0',
    });
    expect(insert.updateEntity).toHaveBeenCalledWith(false);
  });

  it('answers CARD_ALREADY_EXISTS when the id is taken', async () => {
    const duplicate = Object.assign(new Error("Duplicate entry 'c-3' for key 'PRIMARY'"), {
      code: 'ER_DUP_ENTRY',
    });
    insert.execute.mockRejectedValue(new QueryFailedError('INSERT …', [], duplicate));

    const created = sut.create({ id: 'c-3', initialLimitCents: 100n });

    await expect(created).rejects.toBeInstanceOf(DomainError);
    await expect(created).rejects.toMatchObject({ code: 'CARD_ALREADY_EXISTS' });
  });
});
