// Synthesizes the stack offline and asserts its resources (aws-cdk-lib/assertions), run by `npm test`.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RemoteMediaProps, RemoteMediaStack } from '../lib/remotemedia-stack';

const env = { account: '123456789012', region: 'eu-west-1' };

function synth(props: RemoteMediaProps = {}): Template {
  return Template.fromStack(new RemoteMediaStack(new cdk.App(), 'Test', { env, ...props }));
}

/** Every policy statement of the task role, flattened. */
function taskRoleStatements(t: Template): any[] {
  const roles = t.findResources('AWS::IAM::Role', {
    Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'ecs-tasks.amazonaws.com' } }] } },
  });
  const taskRoleIds = Object.keys(roles).filter((id) => id.startsWith('TaskRole'));
  assert.equal(taskRoleIds.length, 1, `one task role, got ${Object.keys(roles)}`);
  const policies = t.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p: any) => JSON.stringify(p.Properties.Roles).includes(taskRoleIds[0]))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

test('network: VPC over the AZs with public and private subnets and one NAT per AZ', () => {
  const t = synth({ azCount: 3 });
  t.resourceCountIs('AWS::EC2::VPC', 1);
  t.resourceCountIs('AWS::EC2::Subnet', 6);
  t.resourceCountIs('AWS::EC2::NatGateway', 3);
  assert.throws(() => synth({ azCount: 4 }), /azCount must be 2 or 3/);
});

test('load balancer: NLB with TCP 50051, HTTP health checks on 8080, TLS with ALPN h2 when a certificate is given', () => {
  const t = synth();
  t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network', Scheme: 'internet-facing' });
  t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 50051, Protocol: 'TCP' });
  t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
    Port: 50051, Protocol: 'TCP', TargetType: 'ip',
    HealthCheckProtocol: 'HTTP', HealthCheckPort: '8080', HealthCheckPath: '/q/health/ready',
  });
  const tls = synth({ certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' });
  tls.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
    Port: 50051, Protocol: 'TLS', AlpnPolicy: ['HTTP2Only'],
    Certificates: [{ CertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }],
  });
});

test('security groups: gRPC only from the allowed CIDRs; workers only from the NLB', () => {
  const t = synth({ allowedCidrs: ['203.0.113.0/24'] });
  t.hasResourceProperties('AWS::EC2::SecurityGroup', {
    GroupDescription: Match.stringLikeRegexp('NLB'),
    SecurityGroupIngress: [Match.objectLike({ CidrIp: '203.0.113.0/24', FromPort: 50051, ToPort: 50051 })],
  });
  const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')) as any[];
  assert.ok(ingress.length >= 2 && ingress.every((i) => i.Properties.SourceSecurityGroupId && !i.Properties.CidrIp),
    'worker ingress comes from the NLB security group only');
  const groups = Object.values(t.findResources('AWS::EC2::SecurityGroup')) as any[];
  const worldIngress = groups.flatMap((g) => g.Properties.SecurityGroupIngress ?? []).filter((r: any) => r.CidrIp === '0.0.0.0/0');
  assert.deepEqual(worldIngress, [], 'no ingress is open to the world');
});

test('workers: Fargate service on 70/30 FARGATE_SPOT/FARGATE, token secret injected, autoscaling 2-10 on CPU 70 and memory 80', () => {
  const t = synth();
  t.hasResourceProperties('AWS::ECS::Service', {
    CapacityProviderStrategy: [
      { CapacityProvider: 'FARGATE_SPOT', Weight: 70 },
      { CapacityProvider: 'FARGATE', Weight: 30, Base: 1 },
    ],
    DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
    LoadBalancers: [Match.objectLike({ ContainerName: 'worker', ContainerPort: 50051 })],
  });
  t.hasResourceProperties('AWS::ECS::TaskDefinition', {
    RequiresCompatibilities: ['FARGATE'],
    ContainerDefinitions: Match.arrayWith([Match.objectLike({
      Name: 'worker',
      PortMappings: [Match.objectLike({ ContainerPort: 50051 }), Match.objectLike({ ContainerPort: 8080 })],
      Secrets: [Match.objectLike({ Name: 'REMOTEMEDIA_GRPC_AUTH_TOKENS' })],
      StopTimeout: 30,
    })]),
  });
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    TargetTrackingScalingPolicyConfiguration: Match.objectLike({
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, TargetValue: 70,
    }),
  });
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    TargetTrackingScalingPolicyConfiguration: Match.objectLike({
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' }, TargetValue: 80,
    }),
  });
  const target = Object.values(t.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))[0] as any;
  assert.equal(target.Properties.ScheduledActions, undefined, 'no scheduled scaling unless asked');
  const scheduled = synth({ scaleDownCron: 'cron(0 20 * * ? *)', scaleUpCron: 'cron(0 6 * * ? *)' });
  scheduled.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
    ScheduledActions: Match.arrayWith([Match.objectLike({ Schedule: 'cron(0 20 * * ? *)' }), Match.objectLike({ Schedule: 'cron(0 6 * * ? *)' })]),
  });
});

test('storage: versioned, encrypted, private manifests bucket; ECR repository; log retention', () => {
  const t = synth();
  t.hasResourceProperties('AWS::S3::Bucket', {
    VersioningConfiguration: { Status: 'Enabled' },
    BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
  });
  t.hasResourceProperties('AWS::ECR::Repository', { RepositoryName: 'remotemedia' });
  t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/ecs/remotemedia/worker', RetentionInDays: 30 });
  t.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'remotemedia/api-token' });
});

test('IAM: the task role may read manifests under pipelines/ and put metrics in its namespace, nothing else', () => {
  const statements = taskRoleStatements(synth());
  assert.deepEqual(statements.map((s) => s.Sid).sort(), ['PutMetrics', 'ReadManifests']);
  const read = statements.find((s) => s.Sid === 'ReadManifests');
  assert.equal(read.Action, 's3:GetObject');
  assert.match(JSON.stringify(read.Resource), /\/pipelines\/\*/);
  const metrics = statements.find((s) => s.Sid === 'PutMetrics');
  assert.equal(metrics.Action, 'cloudwatch:PutMetricData');
  assert.deepEqual(metrics.Condition, { StringEquals: { 'cloudwatch:namespace': 'RemoteMedia' } });
  for (const s of statements) assert.ok(!String(s.Action).includes('*'), `no wildcard actions: ${JSON.stringify(s)}`);
  const withXray = taskRoleStatements(synth({ enableXray: true }));
  assert.ok(withXray.some((s) => s.Sid === 'Traces'));
});

test('GPU: Auto Scaling group on the ECS GPU AMI, its capacity provider, and a GPU service that uses them', () => {
  const t = synth({ enableGpu: true, gpuInstanceType: 'g5.xlarge' });
  t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
    LaunchTemplateData: Match.objectLike({ InstanceType: 'g5.xlarge', ImageId: Match.anyValue() }),
  });
  t.hasResourceProperties('AWS::ECS::CapacityProvider', { Name: 'remotemedia-gpu' });
  t.hasResourceProperties('AWS::ECS::TaskDefinition', {
    RequiresCompatibilities: ['EC2'],
    ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: 'worker', ResourceRequirements: [{ Type: 'GPU', Value: '1' }] })]),
  });
  t.hasResourceProperties('AWS::ECS::Service', {
    ServiceName: 'remotemedia-gpu',
    CapacityProviderStrategy: [Match.objectLike({ CapacityProvider: Match.anyValue(), Weight: 1 })],
  });
  // the AMI comes from the ECS GPU-optimised SSM parameter
  assert.match(JSON.stringify(t.toJSON()), /amazon-linux-2\/gpu\/recommended/);
  assert.throws(() => synth({ enableGpu: true, gpuInstanceType: 'm5.xlarge' }), /NVIDIA GPU instance/);
  synth().resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
});

test('outputs: endpoint, bucket, repository and an example node config', () => {
  const outputs = synth().toJSON().Outputs;
  for (const name of ['LoadBalancerEndpoint', 'ManifestBucket', 'EcrRepositoryUrl', 'ApiTokenSecretArn', 'ExampleNodeConfig']) {
    assert.ok(outputs[name], `output ${name}`);
  }
  assert.match(JSON.stringify(outputs.ExampleNodeConfig), /RemotePipelineNode/);
});
