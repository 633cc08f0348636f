import type { FastifyInstance } from 'fastify';
import { badRequest, forbidden, notFound } from '../../http/errors.ts';
import { isRecord, langParam, queryParams } from '../../http/params.ts';
import type { CertificationService } from '../certification/service.ts';
import type { RequireStaff } from '../staff/guard.ts';
import { toCsv } from './csv.ts';
import { itemStatistics, type ItemStat, type OptionStat } from './item-stats.ts';

// An option's figures without whether it is right.
const withoutKey = (option: OptionStat): OptionStat => {
  const shown = { ...option };
  delete shown.correct;
  return shown;
};

/** Options of the item statistics routes. */
export interface ItemRouteOptions {
  svc: CertificationService;
  requireStaff: RequireStaff;
}

/** How many of the latest retirements GET /api/reports/items/retirements lists. */
const RETIREMENT_LOG = 100;

const CSV_COLUMNS = [
  'item',
  'module',
  'outcome',
  'type',
  'retired',
  'seen',
  'facility',
  'facility_en',
  'facility_fr',
  'seen_en',
  'seen_fr',
  'guess_score',
  'discrimination',
  'options_chosen',
  'flags',
  'prompt',
];

/**
 * Item statistics of a track's banks for trainers and the DPO, overall or for one cohort (a
 * trainer: their own), as JSON (/api/reports/items) and CSV (/api/reports/items.csv); and the DPO's
 * retirement of an item from new forms, without a deploy (PUT /api/reports/items/:item/retired),
 * each change logged in the database and the service's log (GET /api/reports/items/retirements).
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function itemRoutes(app: FastifyInstance, options: ItemRouteOptions): Promise<void> {
  const { svc, requireStaff } = options;
  const { platform } = svc;

  const statsOf = async (
    request: Parameters<RequireStaff>[0],
  ): Promise<{ items: ItemStat[]; key: boolean }> => {
    const params = queryParams(request, ['track', 'cohort', 'lang']);
    const lang = langParam(params.lang);
    const session = await requireStaff(request, ['dpo', 'trainer']);
    if (params.track === undefined) throw badRequest('track: required');
    const track = svc.track(params.track);
    if (track === undefined) throw notFound('no such certification track');
    const trainer = session.user.role === 'trainer';
    // A trainer sees their own cohorts' figures only, never the service's.
    if (trainer && params.cohort === undefined) {
      throw forbidden(
        'cohort: a trainer sees the figures of their own cohorts: give one',
        'cohort_required',
      );
    }
    let cohort: string | null = null;
    if (params.cohort !== undefined) {
      cohort = params.cohort.toUpperCase();
      const found = /^[A-Z0-9][A-Z0-9-]{0,39}$/.test(cohort)
        ? await platform.cohorts.byCode(cohort)
        : null;
      if (found === null) throw notFound('no such cohort');
      if (trainer && found.createdBy !== session.user.id) {
        throw forbidden('this cohort is not yours', 'not_your_cohort');
      }
    }
    const [attempts, retired] = await Promise.all([
      platform.itemStats.graded(track.rule.track, cohort),
      platform.itemStats.retired(),
    ]);
    // The key (which option is right) is for the DPO, who keeps the banks; trainers teach the
    // learners who take the assessment and see how often each option was chosen, not which is right.
    const items = itemStatistics(track, attempts, retired, lang);
    return trainer
      ? { key: false, items: items.map((i) => ({ ...i, options: i.options.map(withoutKey) })) }
      : { key: true, items };
  };

  app.get('/api/reports/items', async (request) => ({ items: (await statsOf(request)).items }));

  app.get('/api/reports/items.csv', async (request, reply) => {
    const { items } = await statsOf(request);
    const csv = toCsv(
      CSV_COLUMNS,
      items.map((i) => [
        i.item,
        i.module,
        i.outcome,
        i.type,
        i.retired,
        i.seen,
        i.facility,
        i.facilityEn,
        i.facilityFr,
        i.seenEn,
        i.seenFr,
        i.guessScore,
        i.discrimination,
        i.options
          .map((o) => `${o.id}${o.correct === true ? '*' : ''}:${String(o.chosen)}`)
          .join(' '),
        i.flags.join(' '),
        i.prompt,
      ]),
    );
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', 'attachment; filename="items.csv"')
      .send(csv);
  });

  const bankItems = new Set(
    [...svc.catalog.values()].flatMap((t) =>
      t.modules.flatMap((m) => m.banks.en?.items.map((i) => i.id) ?? []),
    ),
  );

  app.put<{ Params: { item: string } }>('/api/reports/items/:item/retired', async (request) => {
    queryParams(request, []);
    const session = await requireStaff(request, ['dpo']);
    const body = request.body;
    if (!isRecord(body) || typeof body.retired !== 'boolean' || Object.keys(body).length !== 1) {
      throw badRequest('body: { "retired": true | false }');
    }
    if (!bankItems.has(request.params.item)) throw notFound('no such item in the banks');
    const item = request.params.item;
    const changed = await platform.itemStats.setRetired(item, body.retired, session.user);
    if (changed) {
      request.log.info(
        { itemRetirement: { item, retired: body.retired, by: session.user.name } },
        `bank item ${body.retired ? 'retired' : 'restored'}: ${item} by ${session.user.name}`,
      );
    }
    return { item, retired: body.retired };
  });

  // The log of retirements and restorations, newest first (the latest RETIREMENT_LOG).
  app.get('/api/reports/items/retirements', async (request) => {
    queryParams(request, []);
    await requireStaff(request, ['dpo', 'trainer']);
    return { entries: await platform.itemStats.retirements(RETIREMENT_LOG) };
  });
}
