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

test('outside callers: an ALB with one gRPC target group per role (health = PipelineService/Ready), only with a certificate', () => {
  synth().resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0); // gRPC through an ALB needs TLS
  const cert = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';
  const t = synth({ certificateArn: cert, enableGpu: true });
  t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'application', Scheme: 'internet-facing' });
  t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2);
  t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
    Port: 50051, Protocol: 'HTTP', ProtocolVersion: 'GRPC', TargetType: 'ip',
    HealthCheckPath: '/remotemedia.v1.PipelineService/Ready', Matcher: { GrpcCode: '0' },
  });
  for (const port of [50051, 50052]) {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: port, Protocol: 'HTTPS', Certificates: [{ CertificateArn: cert }] });
  }
  // each listener forwards to its own target group: none is shared between CPU and GPU tasks
  const listeners = Object.values(t.findResources('AWS::ElasticLoadBalancingV2::Listener')) as any[];
  const targets = listeners.map((l) => JSON.stringify(l.Properties.DefaultActions[0].TargetGroupArn));
  assert.equal(new Set(targets).size, 2, `one target group per listener: ${targets}`);
  const services = Object.values(t.findResources('AWS::ECS::Service')) as any[];
  const serviceTargets = services.map((s) => JSON.stringify(s.Properties.LoadBalancers?.[0]?.TargetGroupArn));
  assert.equal(new Set(serviceTargets).size, 2, `each service registers in its own target group: ${serviceTargets}`);
});

test('in-VPC callers: each worker service has its own Cloud Map name with A records and a short TTL', () => {
  const t = synth({ enableGpu: true });
  t.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', { Name: 'remotemedia.internal' });
  for (const name of ['cpu-workers', 'gpu-workers']) {
    t.hasResourceProperties('AWS::ServiceDiscovery::Service', {
      Name: name, DnsConfig: Match.objectLike({ DnsRecords: [{ Type: 'A', TTL: 5 }] }),
    });
  }
  const outputs = t.toJSON().Outputs;
  assert.equal(outputs.GpuWorkersEndpoint.Value, 'dns:///gpu-workers.remotemedia.internal:50051');
  assert.equal(outputs.CpuWorkersEndpoint.Value, 'dns:///cpu-workers.remotemedia.internal:50051');
  const env = JSON.stringify(t.findResources('AWS::ECS::TaskDefinition'));
  assert.match(env, /REMOTEMEDIA_GRPC_PIPELINES/);
});

test('security groups: gRPC only from the allowed CIDRs to the ALB; workers from the ALB and the VPC only', () => {
  const t = synth({ allowedCidrs: ['203.0.113.0/24'], certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' });
  t.hasResourceProperties('AWS::EC2::SecurityGroup', {
    GroupDescription: Match.stringLikeRegexp('ALB'),
    SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '203.0.113.0/24', FromPort: 50051, ToPort: 50052 })]),
  });
  const groups = Object.values(t.findResources('AWS::EC2::SecurityGroup')) as any[];
  const worldIngress = groups.flatMap((g) => g.Properties.SecurityGroupIngress ?? []).filter((r: any) => r.CidrIp === '0.0.0.0/0');
  assert.deepEqual(worldIngress, [], 'no ingress is open to the world');
  const worker = groups.find((g) => /workers/.test(g.Properties.GroupDescription));
  const direct = (worker.Properties.SecurityGroupIngress ?? []) as any[];
  assert.ok(direct.every((r) => r.FromPort === 50051), `workers take only gRPC directly: ${JSON.stringify(direct)}`);
});

test('workers: Fargate service on 70/30 FARGATE_SPOT/FARGATE, token secret injected, autoscaling 2-10 on CPU 70 and memory 80', () => {
  const t = synth();
  t.hasResourceProperties('AWS::ECS::Service', {
    CapacityProviderStrategy: [
      { CapacityProvider: 'FARGATE_SPOT', Weight: 70 },
      { CapacityProvider: 'FARGATE', Weight: 30, Base: 1 },
    ],
    DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
    ServiceRegistries: [Match.objectLike({ RegistryArn: Match.anyValue() })],
  });
  t.hasResourceProperties('AWS::ECS::TaskDefinition', {
    RequiresCompatibilities: ['FARGATE'],
    ContainerDefinitions: Match.arrayWith([Match.objectLike({
      Name: 'worker',
      PortMappings: [Match.objectLike({ ContainerPort: 50051 }), Match.objectLike({ ContainerPort: 8080 })],
      Secrets: [Match.objectLike({ Name: 'REMOTEMEDIA_GRPC_AUTH_TOKENS' })],
      StopTimeout: 120,
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
  // GPU tasks scale on their own load metric, not on CPU
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    TargetTrackingScalingPolicyConfiguration: Match.objectLike({
      CustomizedMetricSpecification: Match.objectLike({
        Namespace: 'RemoteMedia', MetricName: 'remotemedia.segments.inflight', Statistic: 'Average',
        Dimensions: [{ Name: 'service', Value: 'gpu-workers' }],
      }),
      TargetValue: 4,
    }),
  });
  assert.match(JSON.stringify(t.findResources('AWS::ECS::TaskDefinition')), /REMOTEMEDIA_TELEMETRY_CLOUDWATCH_SERVICE","Value":"gpu-workers/);
  synth().resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
});

test('outputs: endpoints, bucket, repository and an example node config', () => {
  const outputs = synth().toJSON().Outputs;
  for (const name of ['CpuWorkersEndpoint', 'ManifestBucket', 'EcrRepositoryUrl', 'ApiTokenSecretArn', 'ExampleNodeConfig']) {
    assert.ok(outputs[name], `output ${name}`);
  }
  assert.match(JSON.stringify(outputs.ExampleNodeConfig), /RemotePipelineNode/);
  assert.match(JSON.stringify(outputs.ExampleNodeConfig), /dns:\/\/\/cpu-workers/);
  const pub = synth({ certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc', enableGpu: true }).toJSON().Outputs;
  for (const name of ['LoadBalancerEndpoint', 'PublicCpuEndpoint', 'PublicGpuEndpoint', 'GpuWorkersEndpoint']) assert.ok(pub[name], `output ${name}`);
});

test('Graviton: cpuArchitecture ARM64 runs the CPU workers on ARM64 with the -arm64 image', () => {
  const t = synth({ cpuArchitecture: 'ARM64', imageTag: 'v7' });
  const tasks = t.findResources('AWS::ECS::TaskDefinition', { Properties: { Family: 'remotemedia-worker' } });
  const task = Object.values(tasks)[0] as any;
  assert.equal(task.Properties.RuntimePlatform.CpuArchitecture, 'ARM64');
  assert.match(JSON.stringify(task.Properties.ContainerDefinitions[0].Image), /v7-arm64/);
  const x86 = Object.values(synth().findResources('AWS::ECS::TaskDefinition', { Properties: { Family: 'remotemedia-worker' } }))[0] as any;
  assert.equal(x86.Properties.RuntimePlatform.CpuArchitecture, 'X86_64');
});
