import { RandomCodeGenerator } from './code-generator';

describe(RandomCodeGenerator.name, () => {
  const generator = new RandomCodeGenerator();

  it.each([4, 6, 10])('makes %i ASCII digits', (length) => {
    for (let i = 0; i < 200; i++)
      expect(generator.generate(length)).toMatch(new RegExp(`^[0-9]{${length}}$`));
  });

  it('uses every digit in every position, leading zeros included', () => {
    const seen = Array.from({ length: 6 }, () => new Set<string>());
    for (let i = 0; i < 2000; i++) [...generator.generate(6)].forEach((d, p) => seen[p].add(d));
    expect(seen.map((s) => s.size)).toEqual([10, 10, 10, 10, 10, 10]);
  });
});
