/**
 * The IAM policies of iam/ against the code: every AWS operation that src/ calls is
 * granted, no granted action goes unused, read-only modes write nothing, and the
 * CloudFormation template parses, refers only to what it defines, grants what the JSON
 * documents grant, and passes cfn-lint without a warning.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cfnLint, cfnLintInstalled, templatesUnder } from '../scripts/cfn-lint.js';
import { readTemplate } from './harness/cloudformation.js';
import { ROOT } from './harness/dist-action.js';

const MODES = ['publish', 'verify', 'sync'] as const;
type Mode = (typeof MODES)[number];

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

const readJson = <T>(file: string): T =>
  JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as T;
const policies = Object.fromEntries(
  MODES.map((mode) => [mode, readJson<PolicyDocument>(`iam/policies/${mode}.json`)]),
) as Record<Mode, PolicyDocument>;

const actionsOf = (statement: Statement) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];
const granted = (doc: PolicyDocument) => new Set(doc.Statement.flatMap(actionsOf));

// ---------------------------------------------------------------- what the code calls

/** IAM's prefix for each AWS SDK v3 client package. */
const SERVICE_PREFIX: Record<string, string> = {
  sagemaker: 'sagemaker',
  s3: 's3',
  ecr: 'ecr',
  'cloudwatch-logs': 'logs',
  sts: 'sts',
  iam: 'iam',
  'marketplace-catalog': 'aws-marketplace',
};

/**
 * Operations whose permissions are not service:Operation. HeadObject is authorized as
 * GetObject and HeadBucket and ListObjectsV2 as ListBucket; AssumeRoleWithWebIdentity
 * is allowed by the role's trust policy, not by a permission of the caller; a package
 * created with tags (the action's fingerprint tag) needs AddTags, and one with a
 * ValidationSpecification passes its ValidationRole; a listing's change set names the
 * AccessRoleArn, which the Service Authorization Reference lists as iam:PassRole to
 * assets.marketplace.amazonaws.com among StartChangeSet's actions.
 */
const IRREGULAR: Record<string, string[]> = {
  's3:HeadObject': ['s3:GetObject'],
  's3:HeadBucket': ['s3:ListBucket'],
  's3:ListObjectsV2': ['s3:ListBucket'],
  's3:ListObjects': ['s3:ListBucket'],
  'sts:AssumeRoleWithWebIdentity': [],
  'sagemaker:CreateModelPackage': [
    'sagemaker:CreateModelPackage',
    'sagemaker:AddTags',
    'iam:PassRole',
  ],
  'aws-marketplace:StartChangeSet': ['aws-marketplace:StartChangeSet', 'iam:PassRole'],
};

/** Folders of features whose permissions are in statements named after them. */
const FEATURES: Record<string, { dir: string; modes: readonly Mode[] }> = {
  // Preflight runs before creating: mode publish (and its dry runs).
  Preflight: { dir: 'src/preflight', modes: ['publish'] },
  // The diagnosis of a failed validation is part of every report of one.
  Diagnosis: { dir: 'src/diagnosis', modes: MODES },
  // A listing is checked before creating (publish) and submitted after validation by
  // publish or verify (marketplace: validate or apply). Sync only follows a change set
  // that a listing left running: its own test below.
  Listing: { dir: 'src/listing', modes: ['publish', 'verify'] },
};

interface Call {
  /** service:Operation as the API names it. */
  operation: string;
  file: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The client packages a file loads at run time (type-only imports load nothing). */
function clientPackages(text: string): string[] {
  const found = new Set<string>();
  const imports =
    /\bimport\s+(type\s+)?[^;]*?\bfrom\s*['"]@aws-sdk\/client-([a-z0-9-]+)['"]|\bimport\(\s*['"]@aws-sdk\/client-([a-z0-9-]+)['"]\s*\)/g;
  for (const match of text.matchAll(imports)) {
    if (match[1]) continue;
    found.add((match[2] ?? match[3])!);
  }
  return [...found];
}

const sdkFile = (pkg: string, ...parts: string[]) =>
  path.join(ROOT, 'node_modules', '@aws-sdk', `client-${pkg}`, 'dist-types', ...parts);

/** Every AWS operation that src/ sends, by its command classes, paginators and waiters. */
function awsCalls(): Call[] {
  const calls: Call[] = [];
  for (const file of sourceFiles(path.join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const packages = clientPackages(text);
    if (packages.length === 0) continue;
    const names = new Set<string>();
    for (const m of text.matchAll(/\b([A-Z][A-Za-z0-9]*)Command\b/g)) names.add(`c:${m[1]}`);
    for (const m of text.matchAll(/\bpaginate([A-Z][A-Za-z0-9]*)\b/g)) names.add(`p:${m[1]}`);
    for (const m of text.matchAll(/\bwaitUntil([A-Z][A-Za-z0-9]*)\b/g)) names.add(`w:${m[1]}`);
    for (const name of names) {
      const [kind, operation] = name.split(':') as [string, string];
      for (const pkg of packages) {
        const declared =
          kind === 'c'
            ? existsSync(sdkFile(pkg, 'commands', `${operation}Command.d.ts`))
            : kind === 'p'
              ? existsSync(sdkFile(pkg, 'pagination', `${operation}Paginator.d.ts`))
              : existsSync(sdkFile(pkg, 'waiters', `waitFor${operation}.d.ts`));
        if (!declared) continue;
        const prefix = SERVICE_PREFIX[pkg];
        if (!prefix) throw new Error(`${file}: no IAM prefix for @aws-sdk/client-${pkg}`);
        // A waiter polls its Describe/Get operation, which a command of the file names too.
        if (kind !== 'w') calls.push({ operation: `${prefix}:${operation}`, file });
      }
    }
  }
  return calls;
}

const permissionsOf = (operation: string) => IRREGULAR[operation] ?? [operation];
const relative = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');
const featureOf = (file: string) =>
  Object.entries(FEATURES).find(([, f]) => relative(file).startsWith(`${f.dir}/`))?.[0];

const calls = awsCalls();

describe('the AWS operations of src/', () => {
  it('are found, through commands and paginators', () => {
    const operations = new Set(calls.map((c) => c.operation));
    // What the action is known to call: the scan must see at least these.
    for (const operation of [
      'sagemaker:CreateModelPackage',
      'sagemaker:DescribeModelPackage',
      'sagemaker:ListTags',
      'sagemaker:ListModelPackages',
      'sts:AssumeRoleWithWebIdentity',
    ]) {
      expect(operations).toContain(operation);
    }
  });

  it('are each granted by the policy of a mode', () => {
    const all = new Set(MODES.flatMap((mode) => [...granted(policies[mode])]));
    const missing = calls.flatMap(({ operation, file }) =>
      permissionsOf(operation)
        .filter((p) => !all.has(p))
        .map((p) => `${p} (${operation} in ${relative(file)})`),
    );
    expect(missing).toEqual([]);
  });

  it("of a feature are granted in each of its modes' policies", () => {
    const missing = calls.flatMap(({ operation, file }) => {
      const feature = featureOf(file);
      if (!feature) return [];
      return FEATURES[feature]!.modes.flatMap((mode) =>
        permissionsOf(operation)
          .filter((p) => !granted(policies[mode]).has(p))
          .map((p) => `${mode}: ${p} (${relative(file)})`),
      );
    });
    expect(missing).toEqual([]);
  });
});

describe('the policies of the modes', () => {
  it.each(MODES)('%s is a valid identity policy whose statements have names', (mode) => {
    const doc = policies[mode];
    expect(doc.Version).toBe('2012-10-17');
    const sids = doc.Statement.map((s) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    for (const statement of doc.Statement) {
      expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/);
      expect(statement.Effect).toBe('Allow');
      expect(statement.Principal).toBeUndefined();
      expect(statement.Resource).toBeDefined();
      for (const action of actionsOf(statement))
        expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
    }
  });

  it('grant nothing that the code does not call (a feature once its code is here)', () => {
    const needed = new Set(calls.flatMap((c) => permissionsOf(c.operation)));
    const stale = MODES.flatMap((mode) =>
      policies[mode].Statement.flatMap((statement) => {
        const feature = Object.keys(FEATURES).find((f) => statement.Sid?.startsWith(f));
        // A feature being written elsewhere: its statements are checked once its folder exists.
        if (feature && !existsSync(path.join(ROOT, FEATURES[feature]!.dir))) return [];
        return actionsOf(statement)
          .filter((a) => !needed.has(a))
          .map((a) => `${mode}/${statement.Sid}: ${a}`);
      }),
    );
    expect(stale).toEqual([]);
  });

  const WRITE = /:(Create|Update|Delete|Put|Add|Pass|Start|Stop|Cancel|Tag|Untag)/;

  it('sync writes nothing and passes no role', () => {
    expect([...granted(policies.sync)].filter((a) => WRITE.test(a))).toEqual([]);
  });

  it("verify writes nothing but a listing's change set, and passes only its access role", () => {
    const writes = policies.verify.Statement.flatMap((s) =>
      actionsOf(s)
        .filter((a) => WRITE.test(a))
        .map((a) => `${s.Sid}: ${a}`),
    );
    expect(writes).toEqual([
      'ListingAddVersion: aws-marketplace:StartChangeSet',
      'ListingPassAccessRole: iam:PassRole',
    ]);
  });

  it.each(['publish', 'verify'] as const)(
    '%s passes each role only to the service that assumes it',
    (mode) => {
      const pass = policies[mode].Statement.filter((s) => actionsOf(s).includes('iam:PassRole'));
      const passedTo = Object.fromEntries(
        pass.map((s) => {
          expect(actionsOf(s)).toEqual(['iam:PassRole']);
          expect(s.Resource).toHaveLength(1);
          expect(s.Resource).not.toContain('*');
          return [s.Sid, s.Condition];
        }),
      );
      const toMarketplace = {
        ListingPassAccessRole: {
          StringEquals: { 'iam:PassedToService': 'assets.marketplace.amazonaws.com' },
        },
      };
      expect(passedTo).toEqual(
        mode === 'publish'
          ? {
              PassValidationRole: {
                StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
              },
              ...toMarketplace,
            }
          : toMarketplace,
      );
    },
  );

  it.each(['publish', 'verify'] as const)(
    '%s may only add versions to machine-learning products on AWS Marketplace',
    (mode) => {
      const starts = policies[mode].Statement.filter((s) =>
        actionsOf(s).includes('aws-marketplace:StartChangeSet'),
      );
      expect(starts).toHaveLength(1);
      expect(actionsOf(starts[0]!)).toEqual(['aws-marketplace:StartChangeSet']);
      expect(starts[0]!.Resource).toEqual([
        'arn:aws:aws-marketplace:us-east-1:*:AWSMarketplace/MachineLearningProduct/*',
        'arn:aws:aws-marketplace:us-east-1:*:AWSMarketplace/ChangeSet/*',
      ]);
      expect(starts[0]!.Condition).toEqual({
        StringEquals: { 'catalog:ChangeType': 'AddDeliveryOptions' },
      });
    },
  );

  it('sync only describes the change sets of listings, to conclude their check runs', () => {
    const marketplace = [...granted(policies.sync)].filter((a) => a.startsWith('aws-marketplace:'));
    expect(marketplace).toEqual(['aws-marketplace:DescribeChangeSet']);
  });

  it('name AWS Marketplace resources in us-east-1, where the Catalog API is served', () => {
    const regions = MODES.flatMap((mode) =>
      policies[mode].Statement.flatMap((s) => [s.Resource].flat() as string[]),
    )
      .filter((arn) => arn.startsWith('arn:aws:aws-marketplace:'))
      .map((arn) => arn.split(':')[3]);
    expect(regions.length).toBeGreaterThan(0);
    expect(new Set(regions)).toEqual(new Set(['us-east-1']));
  });
});

describe('the ValidationRole', () => {
  it('is assumed by SageMaker and may read, write, pull images and log', () => {
    const trust = readJson<PolicyDocument>('iam/validation-role-trust.json');
    expect(trust.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'sagemaker.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ]);
    const actions = granted(readJson<PolicyDocument>('iam/validation-role-policy.json'));
    for (const action of [
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      'ecr:GetAuthorizationToken',
      'ecr:BatchGetImage',
      'ecr:GetDownloadUrlForLayer',
      'ecr:BatchCheckLayerAvailability',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]) {
      expect(actions).toContain(action);
    }
  });
});

// ---------------------------------------------------------------- the CloudFormation template

const template = readTemplate('iam/github-oidc-role.yml');

/**
 * A policy document's statements as deployed when its conditions hold: a statement that
 * is `!If [condition, statement, !Ref AWS::NoValue]` is the statement (mode publish has
 * the bucket its S3 statements are conditioned on).
 */
function deployed(doc: PolicyDocument): PolicyDocument {
  const statements = doc.Statement.map((s) => {
    const branches = (s as { 'Fn::If'?: [string, Statement, unknown] })['Fn::If'];
    if (!branches) return s;
    expect(branches[2]).toEqual({ Ref: 'AWS::NoValue' });
    return branches[1];
  });
  return { ...doc, Statement: statements };
}

/** Every value of `key` in `value`, at any depth. */
function collect(value: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) value.forEach((v) => collect(v, key, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === key) out.push(v);
      collect(v, key, out);
    }
  }
  return out;
}

describe('the CloudFormation template', () => {
  const names = new Set([
    ...Object.keys(template.Parameters),
    ...Object.keys(template.Resources),
    'AWS::Partition',
    'AWS::AccountId',
    'AWS::Region',
    'AWS::NoValue',
  ]);

  it('refers only to the parameters, resources and conditions it defines', () => {
    for (const ref of collect(template, 'Ref')) expect(names).toContain(ref);
    for (const [resource] of collect(template, 'Fn::GetAtt') as string[][]) {
      expect(Object.keys(template.Resources)).toContain(resource);
    }
    for (const sub of collect(template, 'Fn::Sub') as string[]) {
      for (const [, variable] of sub.matchAll(/\$\{([^}]+)\}/g)) expect(names).toContain(variable);
    }
    const conditions = [
      ...collect(template.Resources, 'Condition').filter((c) => typeof c === 'string'),
      ...(collect(template, 'Fn::If') as unknown[][]).map((args) => args[0]),
      ...collect(template.Outputs, 'Condition'),
    ];
    for (const condition of conditions)
      expect(Object.keys(template.Conditions)).toContain(condition);
  });

  it('trusts the OIDC tokens of one repository, for STS', () => {
    const trust = (
      template.Resources.GitHubRole!.Properties.AssumeRolePolicyDocument as PolicyDocument
    ).Statement[0]!;
    expect(trust.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(trust.Condition).toEqual({
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      StringLike: {
        'token.actions.githubusercontent.com:sub': {
          'Fn::Sub': 'repo:${GitHubOwner}/${GitHubRepository}:${SubjectFilter}',
        },
      },
    });
    expect(template.Resources.GitHubOIDCProvider!.Condition).toBe('CreateOIDCProvider');
    expect(template.Parameters.Mode!.AllowedValues).toEqual([...MODES]);
  });

  it.each(MODES)('grants mode %s what its JSON policy grants, statement by statement', (mode) => {
    const resource = template.Resources[`${mode[0]!.toUpperCase()}${mode.slice(1)}Policy`]!;
    expect(resource.Type).toBe('AWS::IAM::ManagedPolicy');
    const doc = deployed(resource.Properties.PolicyDocument as PolicyDocument);
    const bySid = (d: PolicyDocument) =>
      d.Statement.map((s) => ({ sid: s.Sid, actions: actionsOf(s), condition: s.Condition }));
    expect(bySid(doc)).toEqual(bySid(policies[mode]));
  });

  it.each(MODES)('grants mode %s nothing of AWS Marketplace unless MarketplaceListing', (mode) => {
    const resource = template.Resources[`${mode[0]!.toUpperCase()}${mode.slice(1)}Policy`]!;
    const statements = (resource.Properties.PolicyDocument as PolicyDocument).Statement;
    const listing = policies[mode].Statement.filter((s) => s.Sid?.startsWith('Listing'));
    expect(listing.length).toBeGreaterThan(0);
    const conditions = listing.map((json) => {
      const wrapped = statements.find(
        (s) => (s as { 'Fn::If'?: [string, Statement] })['Fn::If']?.[1].Sid === json.Sid,
      ) as { 'Fn::If': [string, Statement, unknown] } | undefined;
      return [json.Sid, wrapped?.['Fn::If'][0]];
    });
    expect(conditions).toEqual(listing.map((s) => [s.Sid, 'ListsOnMarketplace']));
    expect(template.Conditions.ListsOnMarketplace).toEqual({
      'Fn::Equals': [{ Ref: 'MarketplaceListing' }, 'true'],
    });
    expect(template.Parameters.MarketplaceListing).toMatchObject({
      AllowedValues: ['false', 'true'],
      Default: 'false',
    });
  });

  it('gives the ValidationRole what iam/validation-role-*.json give', () => {
    const role = template.Resources.ValidationRole!.Properties;
    expect(role.AssumeRolePolicyDocument).toEqual(readJson('iam/validation-role-trust.json'));
    const [inline] = role.Policies as { PolicyDocument: PolicyDocument }[];
    const json = readJson<PolicyDocument>('iam/validation-role-policy.json');
    const shape = (d: PolicyDocument) =>
      d.Statement.map((s) => ({ sid: s.Sid, actions: actionsOf(s), condition: s.Condition }));
    expect(shape(deployed(inline!.PolicyDocument))).toEqual(shape(json));
  });
});

describe('the Marketplace access role template', () => {
  const access = readTemplate('iam/marketplace-access-role.yml');
  const role = access.Resources.AccessRole!;

  it('makes one role, which only AWS Marketplace may assume', () => {
    expect(Object.keys(access.Resources)).toEqual(['AccessRole']);
    expect(role.Type).toBe('AWS::IAM::Role');
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'assets.marketplace.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    });
  });

  it("may only describe this account's model packages in its region", () => {
    const policies = role.Properties.Policies as { PolicyDocument: PolicyDocument }[];
    const statements = policies.flatMap((p) => p.PolicyDocument.Statement);
    expect(statements.map((s) => [actionsOf(s), s.Resource])).toEqual([
      [
        ['sagemaker:DescribeModelPackage'],
        [
          {
            'Fn::Sub':
              'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package/${ModelPackageNames}',
          },
        ],
      ],
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('is named as the OIDC template passes it, and gives its ARN for the listing file', () => {
    expect(access.Parameters.RoleName).toMatchObject({
      Default: (template.Parameters.MarketplaceAccessRoleName as { Default?: string }).Default,
    });
    expect(role.Properties.RoleName).toEqual({ Ref: 'RoleName' });
    expect(access.Outputs.AccessRoleArn).toMatchObject({
      Value: { 'Fn::GetAtt': ['AccessRole', 'Arn'] },
    });
  });
});

describe('cfn-lint', () => {
  const templates = templatesUnder(ROOT);

  it('lints every CloudFormation template of iam/, and nothing else', () => {
    expect(templates).toEqual([
      'iam/github-oidc-role.yml',
      'iam/marketplace-access-role.yml',
      'iam/sagemaker-events-to-github.yml',
    ]);
    const all = readdirSync(path.join(ROOT, 'iam'), { recursive: true }) as string[];
    expect(all.filter((f) => f.endsWith('.json')).length).toBeGreaterThan(3);
  });

  (cfnLintInstalled() ? it : it.skip)(
    'finds no error, warning or informational finding in them, and would see a warning',
    () => {
      // A template with a warning (W1031: the ARN its default parameter makes), linted in
      // the same run, shows that warnings are reported.
      const dir = mkdtempSync(path.join(tmpdir(), 'smp-cfn-'));
      const fixture = path.join(dir, 'warning.yml');
      writeFileSync(
        fixture,
        [
          "AWSTemplateFormatVersion: '2010-09-09'",
          'Parameters:',
          '  Bucket:',
          '    Type: String',
          "    Default: ''",
          'Resources:',
          '  Policy:',
          '    Type: AWS::IAM::ManagedPolicy',
          '    Properties:',
          '      PolicyDocument:',
          "        Version: '2012-10-17'",
          '        Statement:',
          '          - Effect: Allow',
          '            Action: [s3:ListBucket]',
          "            Resource: [!Sub 'arn:${AWS::Partition}:s3:::${Bucket}']",
          '',
        ].join('\n'),
      );
      try {
        const problems = cfnLint(ROOT, [...templates, fixture])!;
        expect(problems.filter((p) => p.file !== fixture)).toEqual([]);
        expect(problems.filter((p) => p.file === fixture)).toEqual([
          expect.objectContaining({ line: 15, rule: 'W1031' }),
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
