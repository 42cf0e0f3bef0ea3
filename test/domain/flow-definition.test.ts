import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import validateAsl from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { compileFlow } from '../../lambdas/domain/flow-compiler';
import {
  FlowDefinitionShape,
  type FlowDefinition,
  type FlowDefinitionInput,
} from '../../lambdas/domain/flow-definition';
import {
  conditionHolds,
  flowLimitReached,
  notOrderedSince,
  sendDeadline,
  splitBranch,
  waitTimes,
} from '../../lambdas/domain/flow-steps';
import { definedFlowExecutionNames, definedFlowStarts } from '../../lambdas/domain/flow-starts';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';
import {
  BROWSE_ABANDONMENT,
  BUILT_IN_FLOW_DEFINITIONS,
  ORDER_DELIVERED,
  ORDER_SHIPPED,
  REPLENISHMENT,
} from '../../lambdas/domain/flow-definitions-config';
import { flowDefinitionProblems, triggerVariables } from '../../lambdas/domain/flow-validation';
import { newProfile } from '../../lambdas/domain/profile';
import { ROOT } from '../support/root';

const browse: FlowDefinitionInput = {
  id: 'browseAbandonment',
  trigger: { event: 'ProductViewed' },
  exitOn: [{ event: 'OrderPlaced' }],
  limits: { oncePer: { hours: 72 }, deadlineHours: 24 },
  steps: [
    { kind: 'wait', delayMinutes: 120 },
    { kind: 'condition', id: 'noCartOrOrder', if: { noEventSince: ['CartAbandoned', 'OrderPlaced'] } },
    { kind: 'send', id: 'browseText', body: 'Still thinking it over? {{ event.product_id }}' },
  ],
};

const parse = (input: FlowDefinitionInput): FlowDefinition => FlowDefinitionShape.parse(input);
const problemsOf = (input: FlowDefinitionInput) =>
  flowDefinitionProblems(parse(input)).map((p) => `${p.path.join('.')}: ${p.message}`);

describe('flow definitions', () => {
  it('accepts the browse-abandonment definition as written', () => {
    expect(problemsOf(browse)).toEqual([]);
  });

  it('accepts the example in docs/flows.md, the built-in browse abandonment', () => {
    const doc = readFileSync(resolve(ROOT, 'docs/flows.md'), 'utf8');
    const example = /## Flow definitions[\s\S]*?```json\n([\s\S]*?)```/.exec(doc)?.[1];
    const definition = FlowDefinitionShape.parse(JSON.parse(example ?? ''));
    expect(flowDefinitionProblems(definition)).toEqual([]);
    expect(definition).toEqual(FlowDefinitionShape.parse(BROWSE_ABANDONMENT));
    expect(Object.keys(compileFlow(definition).States)).toContain('BrowseTextWaitForQuietHoursEndWait');
  });

  it('refuses a step of an unknown kind, naming the field', () => {
    const result = FlowDefinitionShape.safeParse({ ...browse, steps: [{ kind: 'email', body: 'x' }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['steps', 0, 'kind']);
  });

  it.each<[string, FlowDefinitionInput['steps'], string[]]>([
    [
      'a jump to a step that does not exist',
      [{ kind: 'send', body: 'Hi', next: 'later' }],
      ['steps.0.next: names no step: "later" is not a step id (send1) or "exit"'],
    ],
    [
      'a jump backwards',
      [
        { kind: 'wait', id: 'pause', delayMinutes: 5 },
        { kind: 'send', body: 'Hi', next: 'pause' },
      ],
      ['steps.1.next: must name a later step: "pause" comes before it, and flows only go forward'],
    ],
    [
      'a step nothing leads to',
      [
        { kind: 'send', body: 'Hi', next: 'exit' },
        { kind: 'send', id: 'orphan', body: 'Bye' },
      ],
      ['steps.1: is never reached: no step before "orphan" leads to it'],
    ],
    [
      'a template printing a field the trigger does not always carry',
      [{ kind: 'send', body: 'See {{ event.product_url }}' }],
      [
        'steps.0.body: {{ event.product_url }} may be missing: not every ProductViewed event carries it; add a default, e.g. {{ event.product_url | default: "…" }}',
      ],
    ],
    [
      'a marketing text without quiet hours',
      [{ kind: 'send', body: 'Hi', quietHours: false }],
      [
        'steps.0.quietHours: must be true for a marketing text; only the first text of a SubscriptionConfirmed flow, before any wait, may skip quiet hours',
      ],
    ],
    [
      'a wait until a field that is not a time the trigger carries',
      [
        { kind: 'wait', until: 'productId' },
        { kind: 'send', body: 'Hi' },
      ],
      ['steps.0.until: must be a time field every ProductViewed event carries (viewedAt)'],
    ],
    [
      'a condition that asks nothing',
      [
        { kind: 'condition', if: {} },
        { kind: 'send', body: 'Hi' },
      ],
      ['steps.0.if: must ask something: a segment, noEventSince, notReordered, notOrdered'],
    ],
    [
      'a split both random and by property',
      [
        {
          kind: 'split',
          property: '$source',
          cases: [{ equals: 'x', next: 'exit' }],
          random: [
            { name: 'a', weight: 1, next: 'exit' },
            { name: 'b', weight: 1, next: 'exit' },
          ],
        },
      ],
      ['steps.0: must split either at random (random) or by a property (property and cases)'],
    ],
    [
      'a text the waits always bring past its own deadline',
      [
        { kind: 'wait', delayMinutes: 120 },
        { kind: 'send', body: 'Hi', deadlineHours: 1 },
      ],
      [
        'steps.1.deadlineHours: is 1 hours, but "send2" comes at least 120 minutes after the trigger: its text would always be skipped',
      ],
    ],
    [
      'media beside the contact card',
      [{ kind: 'send', body: 'Hi', mediaUrls: ['s3://acme-media/a.jpg'], contactCard: true }],
      ['steps.0.mediaUrls: cannot go with contactCard: a text carries one media file'],
    ],
    [
      'a text the waits always bring past the deadline',
      [
        { kind: 'wait', delayMinutes: 20 * 60 },
        { kind: 'wait', until: 'viewedAt', delayMinutes: 60 },
        { kind: 'wait', delayMinutes: 5 * 60 },
        { kind: 'send', body: 'Hi' },
      ],
      [
        'limits.deadlineHours: is 24 hours, but "send4" comes at least 1500 minutes after the trigger: its text would always be skipped',
      ],
    ],
    [
      'a repeated step id',
      [
        { kind: 'send', id: 'text', body: 'Hi' },
        { kind: 'send', id: 'text', body: 'Bye' },
      ],
      ['steps.1.id: repeats the step id "text"'],
    ],
  ])('refuses %s', (_case, steps, expected) => {
    expect(problemsOf({ ...browse, steps })).toEqual(expected);
  });

  it('lets the first text of a welcome flow skip quiet hours, but not one after a wait', () => {
    const welcome = (steps: FlowDefinitionInput['steps']) =>
      problemsOf({ id: 'welcome', trigger: { event: 'SubscriptionConfirmed' }, steps });
    expect(
      welcome([
        {
          kind: 'split',
          property: '$source',
          cases: [{ equals: 'existing-email', next: 'emailCode' }],
        },
        { kind: 'send', id: 'code', body: 'Use WELCOME10', quietHours: false, next: 'card' },
        { kind: 'send', id: 'emailCode', body: 'Use TEXTSHIP', quietHours: false },
        { kind: 'wait', id: 'card', delayMinutes: 1440 },
        { kind: 'send', body: 'Save our number', contactCard: true },
      ]),
    ).toEqual([]);
    expect(
      welcome([
        { kind: 'wait', delayMinutes: 60 },
        { kind: 'send', body: 'Hi', quietHours: false },
      ]),
    ).toEqual([
      'steps.1.quietHours: must be true for a marketing text; only the first text of a SubscriptionConfirmed flow, before any wait, may skip quiet hours',
    ]);
  });

  it.each([
    'ProductViewed',
    'CartAbandoned',
    'BackInStock',
    'PriceDropped',
    'SubscriptionConfirmed',
  ] as const)(
    'refuses a transactional text in a flow started by %s, which is not about an order',
    (event) => {
      expect(
        problemsOf({
          id: 'notAnOrder',
          trigger: { event },
          steps: [{ kind: 'send', class: 'transactional', quietHours: false, body: 'Hi' }],
        }),
      ).toEqual([
        `steps.0.class: must be marketing in a flow started by ${event}: a transactional text answers the customer's own order (OrderPlaced, OrderShipped, OrderDelivered)`,
      ]);
    },
  );

  it.each(['OrderPlaced', 'OrderShipped', 'OrderDelivered'] as const)(
    'lets a flow started by %s send a transactional text, at once or in quiet hours',
    (event) => {
      for (const quietHours of [false, true])
        expect(
          problemsOf({
            id: 'orderText',
            trigger: { event },
            steps: [{ kind: 'send', class: 'transactional', quietHours, body: 'Order {{ event.order_id }}' }],
          }),
        ).toEqual([]);
    },
  );

  it('refuses a transactional text that asks for a confirmed marketing opt-in', () => {
    expect(
      problemsOf({
        id: 'orderText',
        trigger: { event: 'OrderShipped' },
        steps: [{ kind: 'send', class: 'transactional', confirmedOptIn: true, body: 'Shipped' }],
      }),
    ).toEqual([
      'steps.0.confirmedOptIn: asks for a confirmed marketing opt-in, which a transactional text does not need',
    ]);
  });

  it('refuses a skip reason that is not a snake_case word', () => {
    const result = FlowDefinitionShape.safeParse({
      id: 'cartNudge',
      trigger: { event: 'CartAbandoned' },
      steps: [
        { kind: 'condition', if: { noEventSince: ['OrderPlaced'] }, skipReason: 'Order placed!' },
        { kind: 'send', body: 'Hi' },
      ],
    });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['steps.0.skipReason']);
  });

  it('hands a condition’s recorded skip to the state machine, and says what a send requires', () => {
    const asl = compileFlow(
      parse({
        id: 'cartNudge',
        trigger: { event: 'CartAbandoned' },
        steps: [
          {
            kind: 'condition',
            id: 'noOrder',
            if: { noEventSince: ['OrderPlaced'] },
            skipReason: 'order_placed',
          },
          { kind: 'send', id: 'nudge', body: 'Hi', confirmedOptIn: true, trackLinks: false },
        ],
      }),
    );
    expect(asl.States.NoOrderTask).toMatchObject({
      Comment: 'Check: no OrderPlaced since the trigger (else the text is skipped as order_placed)',
      ResultSelector: {
        'matched.$': '$.Payload.matched',
        'status.$': '$.Payload.status',
        'reason.$': '$.Payload.reason',
        'until.$': '$.Payload.until',
      },
    });
    expect(asl.States.NudgeTask?.Comment).toBe(
      'Send a text (marketing, quiet hours, smart sending, confirmed opt-in, links as written) through send()',
    );
  });

  it('compiles the order updates to one transactional text sent at once', () => {
    const shipped = compileFlow(parse(ORDER_SHIPPED));
    expect(shipped.StartAt).toBe('ShippedTextTask');
    expect(shipped.States.ShippedTextTask?.Comment).toBe(
      'Send a text (transactional, at once) through send()',
    );
    expect(compileFlow(parse(ORDER_DELIVERED)).StartAt).toBe('DeliveredTextTask');
  });

  it('refuses once-per and exit fields the trigger does not carry', () => {
    expect(
      problemsOf({
        ...browse,
        limits: { oncePer: { fields: ['cartId'] } },
        exitOn: [{ event: 'OrderPlaced', fields: ['productName'] }],
      }),
    ).toEqual([
      'limits.oncePer.fields.0: must be a field every ProductViewed event carries (type, phone, productId, viewedAt)',
      'exitOn.0.fields.0: must be a field every ProductViewed event carries (type, phone, productId, viewedAt)',
    ]);
  });

  it('lists the variables a trigger always carries, items included', () => {
    expect(triggerVariables('CartAbandoned')).toContain('event.items.*.name');
    expect(triggerVariables('CartAbandoned')).toContain('event.cart_url');
    expect(triggerVariables('ProductViewed')).not.toContain('event.product_url');
  });
});

describe('compiled flows', () => {
  it('names each state for its step and what it does, and calls the flow-step function', () => {
    const asl = compileFlow(parse(browse));
    expect(asl.StartAt).toBe('Wait1Wait');
    expect(Object.keys(asl.States)).toEqual([
      'Wait1Wait',
      'NoCartOrOrderTask',
      'NoCartOrOrderChoice',
      'BrowseTextTask',
      'BrowseTextOutcomeChoice',
      'BrowseTextWaitForQuietHoursEndWait',
      'FlowDoneSucceed',
      'FlowExitedSucceed',
      'ConsentEndedSucceed',
      'FlowFailedFail',
    ]);
    expect(asl.States.Wait1Wait).toMatchObject({ Type: 'Wait', Seconds: 7200, Next: 'NoCartOrOrderTask' });
    expect(asl.States.NoCartOrOrderChoice).toMatchObject({
      Choices: [{ Variable: '$.last.matched', BooleanEquals: true, Next: 'BrowseTextTask' }],
      Default: 'FlowExitedSucceed',
    });
    expect(asl.States.BrowseTextTask).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: '${FlowStepFunctionArn}',
        Payload: { action: 'runStep', flow: 'browseAbandonment', step: 'browseText' },
      },
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'FlowFailedFail' }],
    });
  });

  it('compiles to ASL that asl-validator accepts, each state named by its type', () => {
    const asl = compileFlow(
      parse({
        ...browse,
        steps: [
          ...(browse.steps ?? []),
          { kind: 'split', property: '$source', cases: [{ equals: 'quiz', next: 'quizText' }], next: 'exit' },
          { kind: 'send', id: 'quizText', body: 'Quiz' },
          { kind: 'exit' },
        ],
      }),
    );
    const result = validateAsl(
      JSON.parse(
        JSON.stringify(asl).replaceAll(
          '${FlowStepFunctionArn}',
          'arn:aws:lambda:us-east-1:123456789012:function:f',
        ),
      ),
      { checkArn: true, checkPaths: true },
    );
    expect(result.errorsText()).toBe('');
    for (const [name, state] of Object.entries(asl.States))
      expect(name.endsWith(String(state.Type))).toBe(true);
  });

  it('waits until a time from the event through the input the starter computes', () => {
    const cart = parse({
      id: 'cart',
      trigger: { event: 'CartAbandoned' },
      steps: [
        { kind: 'wait', id: 'hourAfter', until: 'abandonedAt', delayMinutes: 60 },
        { kind: 'send', body: '{{ event.cart_url }}' },
      ],
    });
    expect(compileFlow(cart).States.HourAfterWait).toMatchObject({ TimestampPath: '$.waits.hourAfter' });
    expect(waitTimes(cart, { abandonedAt: '2026-05-01T10:00:00Z' })).toEqual({
      hourAfter: '2026-05-01T11:00:00.000Z',
    });
  });

  it('routes a random split by branch number, the last branch by default', () => {
    const ab = parse({
      ...browse,
      steps: [
        {
          kind: 'split',
          id: 'copy',
          random: [
            { name: 'short', weight: 1, next: 'shortText' },
            { name: 'long', weight: 1, next: 'longText' },
          ],
        },
        { kind: 'send', id: 'shortText', body: 'Short', next: 'exit' },
        { kind: 'send', id: 'longText', body: 'Long' },
      ],
    });
    const asl = compileFlow(ab);
    expect(asl.States.CopyChoice).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.branches.copy.branch', NumericEquals: 0, Next: 'ShortTextTask' }],
      Default: 'LongTextTask',
    });
    // The branch taken is kept for the steps after it, which count under it.
    expect(asl.StartAt).toBe('NoBranchTakenYetPass');
    expect(asl.States.NoBranchTakenYetPass).toMatchObject({
      Type: 'Pass',
      Result: {},
      ResultPath: '$.branches',
      Next: 'CopyTask',
    });
    expect(asl.States.CopyTask).toMatchObject({
      ResultSelector: { 'branch.$': '$.Payload.branch', 'name.$': '$.Payload.name' },
      ResultPath: '$.branches.copy',
    });
    expect(asl.States.ShortTextTask).toMatchObject({
      Parameters: { Payload: { 'branches.$': '$.branches' } },
    });
  });

  it('keeps no branches in a flow without splits', () => {
    const asl = compileFlow(parse(browse));
    expect(asl.StartAt).not.toBe('NoBranchTakenYetPass');
    expect(JSON.stringify(asl)).not.toContain('$.branches');
  });
});

describe('flow step decisions', () => {
  const profile = (over: object = {}) => ({ ...newProfile('+12125550100', '2026-04-01T00:00:00Z'), ...over });
  const at = '2026-05-01T10:00:00.000Z';
  const now = new Date('2026-05-01T12:00:00Z');

  it('holds "no order since" until an order at or after the trigger', () => {
    const condition = { noEventSince: ['OrderPlaced' as const] };
    const holds = (lastOrderAt?: string) =>
      conditionHolds(condition, {
        profile: profile({ lastOrderAt }),
        trigger: 'ProductViewed',
        eventAt: at,
        now,
      });
    expect(holds(undefined)).toBe(true);
    expect(holds('2026-05-01T09:59:59.000Z')).toBe(true);
    expect(holds(at)).toBe(false);
    expect(holds('2026-05-01T11:00:00.000Z')).toBe(false);
  });

  it('does not count the trigger itself as a later event of its type', () => {
    const condition = { noEventSince: ['ProductViewed' as const] };
    const holds = (lastViewedAt: string) =>
      conditionHolds(condition, {
        profile: profile({ lastViewedAt }),
        trigger: 'ProductViewed',
        eventAt: at,
        now,
      });
    expect(holds(at)).toBe(true);
    expect(holds('2026-05-01T10:30:00.000Z')).toBe(false);
  });

  it('asks the segment language about the profile', () => {
    const condition = { segment: { property: 'vip', equals: true } };
    const holds = (properties: object) =>
      conditionHolds(condition, {
        profile: profile({ properties }),
        trigger: 'ProductViewed',
        eventAt: at,
        now,
      });
    expect(holds({ vip: true })).toBe(true);
    expect(holds({})).toBe(false);
  });

  it('splits by property, and picks the same random branch for the same execution', () => {
    const bySource = parse({
      ...browse,
      steps: [
        { kind: 'split', property: '$source', cases: [{ equals: 'existing-email', next: 'exit' }] },
        { kind: 'send', body: 'Hi' },
      ],
    }).steps[0] as Extract<FlowDefinition['steps'][number], { kind: 'split' }>;
    const branch = (source?: string) =>
      splitBranch(bySource, {
        profile: profile({ properties: source ? { $source: source } : {} }),
        executionName: 'x',
        stepId: 'split1',
      });
    expect(branch('existing-email')).toBe(0);
    expect(branch('form:spring')).toBe(1);
    expect(branch()).toBe(1);

    const random = parse({
      ...browse,
      steps: [
        {
          kind: 'split',
          random: [
            { name: 'a', weight: 1, next: 'exit' },
            { name: 'b', weight: 3, next: 'exit' },
          ],
        },
      ],
    }).steps[0] as Extract<FlowDefinition['steps'][number], { kind: 'split' }>;
    const picks = Array.from({ length: 400 }, (_, i) =>
      splitBranch(random, { profile: undefined, executionName: `e-${i}`, stepId: 'split1' }),
    );
    expect(splitBranch(random, { profile: undefined, executionName: 'e-7', stepId: 'split1' })).toBe(
      picks[7],
    );
    const share = picks.filter((p) => p === 1).length / picks.length;
    expect(share).toBeGreaterThan(0.65);
    expect(share).toBeLessThan(0.85);
  });
});

describe('flows.definitions in the config', () => {
  const program = { brand: 'Acme Coffee', supportContact: 'help@acme.example' };
  const definitionsOf = (definitions: unknown[]) =>
    RuntimeConfigSchema.parse({ ...program, flows: { definitions } }).flows.definitions;
  const issuesOf = (definitions: unknown[]) =>
    RuntimeConfigSchema.safeParse({ ...program, flows: { definitions } }).error?.issues.map(
      (i) => `${i.path.join('.')}: ${i.message}`,
    );

  it('holds browse abandonment, the post-purchase text, the order updates, replenishment, win-back, the welcome series, the abandoned cart, back in stock and price drop by default, each switched off by its id', () => {
    expect(definitionsOf([]).map((d) => [d.id, d.enabled])).toEqual([
      ['browseAbandonment', true],
      ['postPurchase', true],
      ['orderShipped', true],
      ['orderDelivered', true],
      ['replenishment', true],
      ['winBack', true],
      ['welcome', true],
      ['abandonedCart', true],
      ['backInStock', true],
      ['priceDrop', true],
    ]);
    expect(
      definitionsOf([
        { id: 'browseAbandonment', enabled: false },
        { id: 'orderDelivered', enabled: false },
        { id: 'priceDrop', enabled: false },
      ]).map((d) => [d.id, d.enabled]),
    ).toEqual([
      ['browseAbandonment', false],
      ['postPurchase', true],
      ['orderShipped', true],
      ['orderDelivered', false],
      ['replenishment', true],
      ['winBack', true],
      ['welcome', true],
      ['abandonedCart', true],
      ['backInStock', true],
      ['priceDrop', false],
    ]);
  });

  it('holds built-in definitions the validator finds nothing wrong with', () => {
    for (const builtIn of BUILT_IN_FLOW_DEFINITIONS) expect(problemsOf(builtIn), builtIn.id).toEqual([]);
  });

  it('adds a deployer’s own definition after the built-in ones', () => {
    const own = {
      id: 'thanks',
      trigger: { event: 'OrderPlaced' },
      steps: [{ kind: 'send', body: 'Thanks!' }],
    };
    expect(definitionsOf([own]).map((d) => d.id)).toEqual([
      'browseAbandonment',
      'postPurchase',
      'orderShipped',
      'orderDelivered',
      'replenishment',
      'winBack',
      'welcome',
      'abandonedCart',
      'backInStock',
      'priceDrop',
      'thanks',
    ]);
  });

  it('names the field of a definition’s problem under flows.definitions', () => {
    expect(
      issuesOf([
        {
          id: 'views',
          trigger: { event: 'ProductViewed' },
          steps: [{ kind: 'send', body: 'Hi', next: 'x' }],
        },
      ]),
    ).toEqual(['flows.definitions.0.steps.0.next: names no step: "x" is not a step id (send1) or "exit"']);
    // The welcome series is a built-in like the others: a whole definition with its id replaces it.
    expect(
      definitionsOf([
        { id: 'welcome', trigger: { event: 'SubscriptionConfirmed' }, steps: [{ kind: 'send', body: 'Hi' }] },
      ]).find((d) => d.id === 'welcome')?.steps,
    ).toEqual([expect.objectContaining({ kind: 'send', body: 'Hi' })]);
    expect(issuesOf([{ id: 'views', enabled: false }])?.[0]).toMatch(/^flows\.definitions\.0\.trigger: /);
  });
});

describe('replenishment', () => {
  const order = {
    type: 'OrderPlaced',
    phone: '+12065550100',
    orderId: 'A-1',
    total: 40,
    placedAt: '2026-10-01T15:00:00.000Z',
    items: [
      { productId: 'beans-1', name: 'House Blend', quantity: 1, price: 14, url: 'https://acme.example/p/b1' },
      { productId: 'mug', name: 'Mug', quantity: 1, price: 12 },
      { productId: 'filters', name: 'Filters', quantity: 2, price: 7 },
      { productId: 'beans-1', name: 'House Blend', quantity: 1, price: 14 },
    ],
  };
  const configured = (replenishDays: Record<string, number>) =>
    RuntimeConfigSchema.parse({
      brand: 'Acme Coffee',
      supportContact: 'help@acme.example',
      flows: { definitions: [{ id: 'replenishment', replenishDays }] },
    }).flows.definitions.find((d) => d.id === 'replenishment')!;

  it('starts nothing until the deployer lists products, then one execution per listed product of an order', () => {
    expect(definedFlowStarts([parse(REPLENISHMENT)], 'OrderPlaced', order, order.placedAt)).toEqual([]);
    const replenishment = configured({ 'beans-1': 30, filters: 60 });
    const starts = definedFlowStarts([replenishment], 'OrderPlaced', order, order.placedAt);
    expect(starts.map((s) => s.input.event)).toEqual([
      expect.objectContaining({
        orderId: 'A-1',
        productId: 'beans-1',
        productName: 'House Blend',
        productUrl: 'https://acme.example/p/b1',
        replenishAt: '2026-10-31T15:00:00.000Z',
      }),
      expect.objectContaining({ productId: 'filters', replenishAt: '2026-11-30T15:00:00.000Z' }),
    ]);
    expect(starts[1]?.input.event).not.toHaveProperty('productUrl');
    // Named per order and product: the same order posted again starts nothing new.
    expect(new Set(starts.map((s) => s.name)).size).toBe(2);
    expect(
      definedFlowStarts([replenishment], 'OrderPlaced', order, order.placedAt).map((s) => s.name),
    ).toEqual(starts.map((s) => s.name));
    // The deadline counts from the day the product runs out; the wait ends then.
    expect(starts[0]?.input.deadline).toBe('2026-11-03T15:00:00.000Z');
    expect(waitTimes(replenishment, starts[0]!.input.event)).toEqual({
      untilRunningLow: '2026-10-31T15:00:00.000Z',
    });
  });

  it('is not reordered by the trigger’s own order, or by an order of other products', () => {
    const trigger = { orderId: 'A-1', productId: 'beans-1' };
    const mugOrder = { orderId: 'A-2', items: [{ productId: 'mug' }] };
    const beansOrder = { orderId: 'A-3', items: [{ productId: 'mug' }, { productId: 'beans-1' }] };
    const holds = (laterOrders: Record<string, unknown>[]) =>
      conditionHolds(
        { notReordered: true },
        {
          profile: undefined,
          trigger: 'OrderPlaced',
          eventAt: '',
          now: new Date(),
          event: trigger,
          laterOrders,
        },
      );
    expect(holds([{ orderId: 'A-1', items: [{ productId: 'beans-1' }] }, mugOrder])).toBe(true);
    expect(holds([mugOrder, beansOrder])).toBe(false);
    // Without the orders to read, it errs on sending less.
    expect(
      conditionHolds(
        { notReordered: true },
        { profile: undefined, trigger: 'OrderPlaced', eventAt: '', now: new Date(), event: trigger },
      ),
    ).toBe(false);
  });

  it('has not ordered a product: none of the orders read has an item of one of the products', () => {
    const condition = { notOrdered: { productIds: ['grinder-1', 'grinder-2'] } };
    const holds = (recentOrders?: Record<string, unknown>[]) =>
      conditionHolds(condition, {
        profile: undefined,
        trigger: 'OrderPlaced',
        eventAt: '',
        now: new Date(),
        ...(recentOrders ? { recentOrders } : {}),
      });
    expect(holds([{ orderId: 'A-1', items: [{ productId: 'beans-1' }] }, { orderId: 'A-2' }])).toBe(true);
    expect(holds([{ orderId: 'A-3', items: [{ productId: 'mug' }, { productId: 'grinder-2' }] }])).toBe(
      false,
    );
    expect(holds([])).toBe(true);
    // Without the orders to read, it errs on sending less.
    expect(holds()).toBe(false);
  });

  it('gives a text its own deadline, counted from where the flow’s is', () => {
    const flow = { limits: { deadlineHours: 24 } };
    const flowDeadline = '2026-11-11T12:00:00.000Z';
    expect(sendDeadline(flow, {}, flowDeadline).toISOString()).toBe(flowDeadline);
    expect(sendDeadline(flow, { deadlineHours: 3 }, flowDeadline).toISOString()).toBe(
      '2026-11-10T15:00:00.000Z',
    );
    expect(sendDeadline(flow, { deadlineHours: 72 }, flowDeadline).toISOString()).toBe(
      '2026-11-13T12:00:00.000Z',
    );
  });

  it('refuses media that is not one object in a bucket, naming the field', () => {
    const paths = (mediaUrls: unknown) =>
      FlowDefinitionShape.safeParse({
        ...browse,
        steps: [{ kind: 'send', body: 'Hi', mediaUrls }],
      }).error?.issues.map((i) => i.path.join('.'));
    expect(paths(['https://cdn.example/a.jpg'])).toEqual(['steps.0.mediaUrls.0']);
    expect(paths(['s3://acme-media/a.jpg', 's3://acme-media/b.jpg'])).toEqual(['steps.0.mediaUrls']);
    expect(paths(['s3://acme-media/a.jpg'])).toBeUndefined();
  });

  it('reads orders for notOrdered from withinDays before now, or every order kept', () => {
    const now = new Date('2026-11-10T12:00:00.000Z');
    expect(notOrderedSince({ withinDays: 30 }, now)).toBe('2026-10-11T12:00:00.000Z');
    expect(notOrderedSince({}, now)).toBe('');
  });

  it('refuses a notOrdered without products or with a window out of range, naming the field', () => {
    const paths = (notOrdered: unknown) =>
      FlowDefinitionShape.safeParse({
        ...browse,
        steps: [
          { kind: 'condition', if: { notOrdered } },
          { kind: 'send', body: 'Hi' },
        ],
      }).error?.issues.map((i) => i.path.join('.'));
    expect(paths({ productIds: [] })).toEqual(['steps.0.if.notOrdered.productIds']);
    expect(paths({ productIds: ['has space'] })).toEqual(['steps.0.if.notOrdered.productIds.0']);
    expect(paths({ productIds: ['g-1'], withinDays: 0 })).toEqual(['steps.0.if.notOrdered.withinDays']);
    expect(paths({ productIds: ['g-1'], withinDays: 365 })).toBeUndefined();
  });

  it('takes its products’ days from the config, naming a wrong one', () => {
    expect(configured({ 'beans-1': 30 }).replenishDays).toEqual({ 'beans-1': 30 });
    expect(
      RuntimeConfigSchema.safeParse({
        brand: 'Acme Coffee',
        supportContact: 'help@acme.example',
        flows: { definitions: [{ id: 'replenishment', replenishDays: { 'beans-1': 0 } }] },
      }).error?.issues.map((i) => i.path.join('.')),
    ).toEqual(['flows.definitions.0.replenishDays.beans-1']);
  });

  it('is written over an order only, its events carrying the product and the time it runs out', () => {
    expect(problemsOf(REPLENISHMENT)).toEqual([]);
    expect(problemsOf({ ...REPLENISHMENT, trigger: { event: 'CartAbandoned' } })).toContain(
      'replenishDays: counts from an order: the trigger must be OrderPlaced, not CartAbandoned',
    );
    const { replenishDays: _days, ...plainOrderFlow } = REPLENISHMENT;
    expect(problemsOf({ ...plainOrderFlow, limits: { deadlineHours: 72 } })).toEqual([
      'steps.0.until: must be a time field every OrderPlaced event carries (placedAt)',
      "steps.1.if.notReordered: needs a productId, which not every OrderPlaced event carries (a replenishment's do: replenishDays)",
      'steps.2.body: {{ event.product_name }} may be missing: not every OrderPlaced event carries it; add a default, e.g. {{ event.product_name | default: "…" }}',
    ]);
  });

  it('compiles to a wait until the product runs out, the reorder check and one marketing text', () => {
    const asl = compileFlow(parse(REPLENISHMENT));
    expect(Object.keys(asl.States)).toEqual([
      'UntilRunningLowWait',
      'NotReorderedTask',
      'NotReorderedChoice',
      'ReplenishTextTask',
      'ReplenishTextOutcomeChoice',
      'ReplenishTextWaitForQuietHoursEndWait',
      'FlowDoneSucceed',
      'FlowExitedSucceed',
      'ConsentEndedSucceed',
      'FlowFailedFail',
    ]);
    expect(asl.States.UntilRunningLowWait).toMatchObject({ TimestampPath: '$.waits.untilRunningLow' });
    expect(asl.States.ReplenishTextTask?.Comment).toBe(
      'Send a text (marketing, quiet hours, smart sending) through send()',
    );
  });
});

describe('starting defined flows', () => {
  const [browseDefinition] = RuntimeConfigSchema.parse({ brand: 'A', supportContact: 'x@y.z' }).flows
    .definitions;
  const definitions = [browseDefinition!];
  const viewed = (viewedAt: string, productId = 'p-1') => ({
    phone: '+12125550100',
    productId,
    productName: 'House Blend',
    productUrl: 'https://acme.example/p',
    viewedAt,
  });

  it('names executions by subscriber and 72-hour window, so a second view in the window starts nothing', () => {
    const first = definedFlowStarts(definitions, 'ProductViewed', viewed('2026-05-01T10:00:00Z'), '');
    const sameWindow = definedFlowStarts(
      definitions,
      'ProductViewed',
      viewed('2026-05-01T12:00:00Z', 'p-2'),
      '',
    );
    expect(first).toHaveLength(1);
    expect(sameWindow[0]?.name).toBe(first[0]?.name);
    expect(first[0]?.input).toMatchObject({
      eventAt: '2026-05-01T10:00:00Z',
      deadline: '2026-05-02T10:00:00.000Z',
    });
  });

  it('starts nothing for a view that fails the filters', () => {
    const { productUrl: _url, ...withoutUrl } = viewed('2026-05-01T10:00:00Z');
    expect(definedFlowStarts(definitions, 'ProductViewed', withoutUrl, '')).toEqual([]);
  });

  it('stops, on an exit event, the executions of every window a running one can have started in', () => {
    const started = definedFlowStarts(definitions, 'ProductViewed', viewed('2026-05-01T10:00:00Z'), '');
    const stops = definedFlowExecutionNames(
      definitions,
      'OrderPlaced',
      { phone: '+12125550100', orderId: 'o-1', placedAt: '2026-05-01T11:00:00Z' },
      '',
    );
    expect(stops.map((s) => s.name)).toContain(started[0]?.name);
  });

  it('counts the flow’s own texts in a sliding window, whatever the window of the name', () => {
    const now = new Date('2026-05-04T09:00:00Z');
    const message = (at: string, status = 'sent' as const) => ({
      messageId: `m-${at}`,
      flowId: 'browseAbandonment',
      status,
      at,
    });
    expect(flowLimitReached([message('2026-05-01T10:00:00Z')], 'browseAbandonment', 72, now, 'own')).toBe(
      true,
    );
    expect(flowLimitReached([message('2026-05-01T08:59:00Z')], 'browseAbandonment', 72, now, 'own')).toBe(
      false,
    );
    expect(
      flowLimitReached(
        [{ ...message('2026-05-03T10:00:00Z'), status: 'skipped' }],
        'browseAbandonment',
        72,
        now,
        'own',
      ),
    ).toBe(false);
    expect(flowLimitReached([message('2026-05-03T10:00:00Z')], 'other', 72, now, 'own')).toBe(false);
  });
});
