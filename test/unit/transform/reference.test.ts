import { describe, expect, it } from 'vitest';
import type { CompanyOverview, ListingEntry } from '../../../src/alpha-vantage/types';
import { transformListing, transformOverview } from '../../../src/transform/reference';

const overview: CompanyOverview = {
  symbol: 'IBM',
  assetType: 'Common Stock',
  name: 'International Business Machines',
  description:
    'International Business Machines Corporation (IBM) is an American multinational technology company…',
  exchange: 'NYSE',
  currency: 'USD',
  country: 'USA',
  sector: 'TECHNOLOGY',
  industry: 'INFORMATION TECHNOLOGY SERVICES',
  raw: {
    Symbol: 'IBM',
    Name: 'International Business Machines',
    CIK: '51143',
    PEGRatio: 'None',
    ForwardPE: '-',
    DividendDate: null,
  },
};

describe('transformOverview', () => {
  it('maps the typed fields and keeps the body with placeholders as null', () => {
    const { rows, rejects } = transformOverview(overview, { symbol: 'IBM', dataset: 'overview' });
    expect(rejects).toEqual([]);
    expect(rows).toEqual([
      {
        symbol: 'IBM',
        name: 'International Business Machines',
        exchange: 'NYSE',
        assetType: 'Common Stock',
        currency: 'USD',
        sector: 'TECHNOLOGY',
        industry: 'INFORMATION TECHNOLOGY SERVICES',
        country: 'USA',
        ipoDate: null,
        delistingDate: null,
        isActive: true,
        overview: {
          Symbol: 'IBM',
          Name: 'International Business Machines',
          CIK: '51143',
          PEGRatio: null,
          ForwardPE: null,
          DividendDate: null,
        },
      },
    ]);
  });

  it("turns placeholder typed fields ('None', '-', 'null', '') into null", () => {
    const row = transformOverview({
      ...overview,
      sector: 'None',
      industry: '-',
      country: 'null',
      currency: '',
      exchange: ' NYSE ',
    }).rows[0]!;
    expect([row.sector, row.industry, row.country, row.currency, row.exchange]).toEqual([
      null,
      null,
      null,
      null,
      'NYSE',
    ]);
  });

  it('uses the requested symbol, warning about a different echo, and rejects a body without one', () => {
    const echoed = transformOverview({ ...overview, symbol: 'IBM.LON' }, { symbol: 'IBM' });
    expect(echoed.rows[0]!.symbol).toBe('IBM');
    expect(echoed.warnings?.[0]).toContain('"IBM.LON"');
    const none = transformOverview({ ...overview, symbol: 'None' });
    expect(none.rows).toEqual([]);
    expect(none.rejects).toEqual([
      {
        dataset: 'overview',
        symbol: '',
        sourceKey: null,
        reason: 'symbol is missing',
        raw: { ...overview, symbol: 'None' },
      },
    ]);
    expect(() => transformOverview({ ...overview, symbol: '' }, { policy: 'throw' })).toThrow(
      /rejected/,
    );
  });
});

const entry = (overrides: Partial<ListingEntry>): ListingEntry => ({
  symbol: 'A',
  name: 'Agilent Technologies Inc',
  exchange: 'NYSE',
  assetType: 'Stock',
  ipoDate: '1999-11-18',
  delistingDate: null,
  status: 'Active',
  ...overrides,
});

describe('transformListing', () => {
  it('maps active and delisted entries (Delisted → isActive false)', () => {
    const { rows, rejects } = transformListing([
      entry({}),
      entry({
        symbol: 'AAAU',
        name: 'Goldman Sachs Physical Gold ETF',
        exchange: 'NYSE ARCA',
        assetType: 'ETF',
        ipoDate: '2018-08-15',
      }),
      entry({
        symbol: 'ZZZ',
        name: '',
        ipoDate: 'null',
        delistingDate: '2021-06-30',
        status: 'Delisted',
      }),
    ]);
    expect(rejects).toEqual([]);
    expect(rows).toEqual([
      {
        symbol: 'A',
        name: 'Agilent Technologies Inc',
        exchange: 'NYSE',
        assetType: 'Stock',
        currency: null,
        sector: null,
        industry: null,
        country: null,
        ipoDate: '1999-11-18',
        delistingDate: null,
        isActive: true,
        overview: null,
      },
      expect.objectContaining({
        symbol: 'AAAU',
        exchange: 'NYSE ARCA',
        assetType: 'ETF',
        isActive: true,
      }),
      expect.objectContaining({
        symbol: 'ZZZ',
        name: null,
        ipoDate: null,
        delistingDate: '2021-06-30',
        isActive: false,
      }),
    ]);
  });

  it('prefers the active entry of a reused ticker and the latest delisting among delisted ones', () => {
    const { rows, rejects } = transformListing([
      entry({ symbol: 'OLD', status: 'Delisted', delistingDate: '2010-01-04' }),
      entry({ symbol: 'OLD', status: 'Delisted', delistingDate: '2015-05-01' }),
      entry({ symbol: 'OLD', status: 'Delisted', delistingDate: '2012-03-02' }),
      entry({ symbol: 'REUSED', status: 'Delisted', delistingDate: '2001-02-03' }),
      entry({ symbol: 'REUSED', name: 'New Co' }),
    ]);
    expect(rejects).toEqual([]);
    expect(rows.map((r) => [r.symbol, r.isActive, r.delistingDate, r.name])).toEqual([
      ['OLD', false, '2015-05-01', 'Agilent Technologies Inc'],
      ['REUSED', true, null, 'New Co'],
    ]);
  });

  it('rejects a symbol listed active twice, and malformed entries', () => {
    const { rows, rejects } = transformListing([
      entry({}),
      entry({ name: 'Again' }),
      entry({ symbol: '' }),
      entry({ symbol: 'BRK B' }),
      entry({ symbol: 'X', status: 'Suspended' as 'Active' }),
      entry({ symbol: 'Y', ipoDate: '1999-02-30' }),
      entry({ symbol: 'Z', status: 'Delisted', delistingDate: 'soon' }),
    ]);
    expect(rows.map((r) => r.symbol)).toEqual(['A']);
    expect(rejects.map((r) => [r.symbol, r.reason])).toEqual([
      ['A', 'duplicate active symbol A'],
      ['', 'symbol is missing'],
      ['BRK B', 'symbol contains whitespace: "BRK B"'],
      ['X', 'status is neither Active nor Delisted: "Suspended"'],
      ['Y', 'ipoDate is not a real date (YYYY-MM-DD): "1999-02-30"'],
      ['Z', 'delistingDate is not a real date (YYYY-MM-DD): "soon"'],
    ]);
    expect(rejects[0]).toMatchObject({ dataset: 'listing', sourceKey: 'A' });
  });
});
