import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { expect, it } from 'vitest';
import Case from '../../../src/components/Case.astro';

it('renders a case as a labelled aside with its title as heading', async () => {
  const container = await AstroContainer.create();
  // Type-aware lint cannot follow an .astro import from TypeScript; astro check types it instead.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-argument
  const html = await container.renderToString(Case, {
    props: { title: 'A boy at the checkpoint' },
    slots: { default: '<p>He carries a rifle.</p>' },
    request: new Request('http://localhost/en/modules/x/'),
  });
  expect(html).toMatch(/<aside class="case[^"]*" aria-labelledby="case-a-boy-at-the-checkpoint"/);
  expect(html).toMatch(
    /<h3 id="case-a-boy-at-the-checkpoint"[^>]*>.*Case:.*A boy at the checkpoint/s,
  );
  expect(html).toContain('He carries a rifle.');
});
