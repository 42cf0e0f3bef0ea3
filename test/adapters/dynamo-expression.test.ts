/**
 * Every DynamoDB expression names its attributes through `#placeholders`, so no field or property
 * name can collide with one of DynamoDB's reserved words (`timeZone`, `status`, `count`…). Checked
 * three ways: the helper that builds them, the local DynamoDB that refuses a bare name (so every test
 * that runs the platform also checks every expression it sends), and a scan of the source for
 * expressions no test happens to send.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { named, placeholder } from '../../lambdas/adapters/dynamo-expression';
import { bareAttributeNames, firstBareName } from '../../local/dynamo-expression-check';
import { startDynamo, type LocalDynamo } from '../../local/dynamodb';
import { ROOT } from '../support/root';

describe('named()', () => {
  it('maps every #placeholder to the attribute of the same name', () => {
    expect(
      named({
        UpdateExpression: 'SET #timeZone = :tz, #status = if_not_exists(#status, :s)',
        ConditionExpression: 'attribute_exists(#phone)',
      }).ExpressionAttributeNames,
    ).toEqual({ '#timeZone': 'timeZone', '#status': 'status', '#phone': 'phone' });
  });

  it('keeps the names the caller mapped itself', () => {
    expect(
      named({
        UpdateExpression: 'REMOVE #l0, #updatedAt',
        ExpressionAttributeNames: { '#l0': 'lease:sender-1' },
      }).ExpressionAttributeNames,
    ).toEqual({ '#l0': 'lease:sender-1', '#updatedAt': 'updatedAt' });
  });

  it('refuses to make a placeholder of a name that is not an identifier', () => {
    expect(placeholder('lastOrderAt')).toBe('#lastOrderAt');
    expect(() => placeholder('a b')).toThrow(/not an identifier/);
  });
});

describe('bareAttributeNames()', () => {
  it.each([
    ['SET #timeZone = :timeZone', []],
    ['SET timeZone = :timeZone', ['timeZone']],
    ['attribute_not_exists(#consentVersion) OR #consentVersion = :expected', []],
    [
      'attribute_not_exists(consentVersion) OR consentVersion = :expected',
      ['consentVersion', 'consentVersion'],
    ],
    ['ADD #count :one SET #expiresAt = if_not_exists(#expiresAt, :e)', []],
    ['SET #dispatched.#key = :at ADD #counters.#sent :s', []],
    ['#status IN (:f0, :f1) AND begins_with(#sk, :p) AND size(#list) > :n', []],
    ['SET #list = list_append(#list, :x) REMOVE #a[0]', []],
    ['#phone = :phone AND begins_with(activityKey, :prefix)', ['activityKey']],
  ])('%s', (expression, bare) => {
    expect(bareAttributeNames(expression)).toEqual(bare);
  });

  it('finds expressions inside batch and transaction requests', () => {
    expect(firstBareName({ RequestItems: { t: { Keys: [], ProjectionExpression: '#a, b' } } })).toMatchObject(
      { name: 'b' },
    );
    expect(
      firstBareName({
        TransactItems: [{ Update: { UpdateExpression: 'SET #a = :a', ConditionExpression: 'x = :x' } }],
      }),
    ).toMatchObject({ name: 'x' });
  });
});

describe('the local DynamoDB', () => {
  let dynamo: LocalDynamo;
  let client: DynamoDBDocumentClient;

  beforeAll(async () => {
    dynamo = await startDynamo({ prefix: 'expressions' });
    client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.stop();
  });

  it('refuses an expression with a bare attribute name, naming it', async () => {
    const TableName = dynamo.tableNames.profiles;
    await client.send(new PutCommand({ TableName, Item: { phone: '+12065550100', updatedAt: 'x' } }));
    await expect(
      client.send(
        new UpdateCommand({
          TableName,
          Key: { phone: '+12065550100' },
          UpdateExpression: 'SET updatedAt = :now',
          ExpressionAttributeValues: { ':now': 'y' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('"updatedAt"') });
  });

  it('accepts the same update with placeholders, reserved words included', async () => {
    const TableName = dynamo.tableNames.profiles;
    const result = await client.send(
      new UpdateCommand({
        TableName,
        Key: { phone: '+12065550100' },
        ...named({ UpdateExpression: 'SET #updatedAt = :now, #timeZone = :tz' }),
        ExpressionAttributeValues: { ':now': 'y', ':tz': 'America/Los_Angeles' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(result.Attributes).toMatchObject({ updatedAt: 'y', timeZone: 'America/Los_Angeles' });
  });
});

/** Every source file that may talk to DynamoDB. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('the source', () => {
  it('writes no expression with a bare attribute name', () => {
    const offences: string[] = [];
    for (const dir of ['lambdas', 'local', 'bench', 'scripts']) {
      for (const file of sourceFiles(join(ROOT, dir))) {
        for (const expression of expressionLiterals(file)) {
          for (const name of bareAttributeNames(expression))
            offences.push(`${relative(ROOT, file)}: ${name}`);
        }
      }
    }
    expect(offences).toEqual([]);
  });
});

const EXPRESSION_PROPERTY = /^(Update|Condition|KeyCondition|Filter|Projection)Expression$/;

/**
 * The text of every `…Expression:` property written as a literal; in a template, an interpolation
 * (`${…}`) is computed and stands as a placeholder here (the helper and the local check cover it).
 */
function expressionLiterals(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isPropertyAssignment(node) && EXPRESSION_PROPERTY.test(node.name.getText(source))) {
      for (const part of literalParts(node.initializer)) found.push(part);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function literalParts(node: ts.Expression): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) {
    return [node.head.text + node.templateSpans.map((span) => `#computed${span.literal.text}`).join('')];
  }
  if (ts.isConditionalExpression(node))
    return [...literalParts(node.whenTrue), ...literalParts(node.whenFalse)];
  if (ts.isBinaryExpression(node)) return [...literalParts(node.left), ...literalParts(node.right)];
  if (ts.isParenthesizedExpression(node)) return literalParts(node.expression);
  return [];
}
