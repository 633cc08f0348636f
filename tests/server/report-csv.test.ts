import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../src/server/platform/reports/csv.ts';

describe('CSV export', () => {
  it('neutralises cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    for (const lead of ['+', '-', '@', '\t', '\r'])
      expect(csvCell(`${lead}1`).includes(`'${lead}`)).toBe(true);
    expect(csvCell('Senegal')).toBe('Senegal');
    expect(csvCell(-3)).toBe('-3');
    expect(toCsv(['a', 'b'], [['x,y', null]])).toBe('\uFEFFa,b\r\n"x,y",\r\n');
  });
});
