// The RemoteMedia worker fleet on ECS — the same architecture as deploy/terraform, as a CDK stack:
// VPC across 2–3 AZs with NAT; CPU workers (Fargate, FARGATE_SPOT/FARGATE mix, autoscaling on CPU)
// and GPU workers (EC2 Auto Scaling group on the ECS GPU AMI, autoscaling on segments in flight)
// as separate services, each with its own Cloud Map name (one A record per task: in-VPC callers use
// dns:///cpu-workers.NS:50051 and dns:///gpu-workers.NS:50051) and, for callers outside the VPC, its
// own gRPC target group on an ALB (per-stream balancing; TLS, so only with a certificate); the
// manifests bucket, ECR, logs, the API token secret and least-privilege IAM.
import * as cdk from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface RemoteMediaProps extends cdk.StackProps {
  /** Name prefix of every resource. */
  readonly name?: string;
  /** Availability zones to spread subnets over (2 or 3). */
  readonly azCount?: number;
  /** CIDRs allowed to reach gRPC 50051 on the load balancer. */
  readonly allowedCidrs?: string[];
  /** Image tag in the ECR repository. */
  readonly imageTag?: string;
  /** CPU worker tasks on Graviton (ARM64, about 20 % cheaper): they run the tag with -arm64 (`build --platform linux/arm64`). */
  readonly cpuArchitecture?: 'X86_64' | 'ARM64';
  /** Fargate task CPU units and memory (MiB). */
  readonly cpu?: number;
  readonly memoryMiB?: number;
  /** Worker autoscaling bounds. */
  readonly minCapacity?: number;
  readonly maxCapacity?: number;
  /** FARGATE_SPOT : FARGATE weights (70/30 by default; one on-demand task always). */
  readonly spotWeight?: number;
  readonly onDemandWeight?: number;
  readonly cpuTargetPercent?: number;
  readonly memoryTargetPercent?: number;
  /** Scheduled scale-down / scale-up (cron(...) expressions); off when unset. */
  readonly scaleDownCron?: string;
  readonly scaleUpCron?: string;
  readonly scheduledMinCapacity?: number;
  /** GPU capacity: an Auto Scaling group on the ECS GPU-optimised AMI and a GPU service. */
  readonly enableGpu?: boolean;
  readonly gpuInstanceType?: string;
  readonly gpuMinSize?: number;
  readonly gpuMaxSize?: number;
  readonly gpuDesiredCount?: number;
  /** ACM certificate of the public ALB (gRPC through an ALB needs TLS); unset = no public endpoint, in-VPC discovery only. */
  readonly certificateArn?: string;
  /** Private DNS namespace of the workers (cpu-workers.NS, gpu-workers.NS) and the records' TTL. */
  readonly discoveryNamespace?: string;
  readonly discoveryTtlSeconds?: number;
  /** Named pipelines each role serves and advertises (remotemedia.grpc.pipelines); GPU ones are warmed. */
  readonly cpuPipelines?: string;
  readonly gpuPipelines?: string;
  /** GPU service autoscaling: tasks, and the target of segments in flight per task. */
  readonly gpuMinTasks?: number;
  readonly gpuMaxTasks?: number;
  readonly gpuInflightTarget?: number;
  readonly logRetentionDays?: logs.RetentionDays;
  /** ADOT collector sidecar sending traces to X-Ray, and its image (as your registry or mirror names it). */
  readonly enableXray?: boolean;
  readonly adotImage?: string;
}

/** Instance families with NVIDIA GPUs that the ECS GPU AMI supports (as in the Terraform validation). */
export const GPU_INSTANCE_PATTERN = /^(g4dn|g5|g6|g6e|p3|p4d|p5)\.[0-9]*x?large$|^(g4dn|g5|g6|g6e)\.metal$/;
const METRICS_NAMESPACE = 'RemoteMedia';

export class RemoteMediaStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props: RemoteMediaProps = {}) {
    super(scope, id, props);
    const name = props.name ?? 'remotemedia';
    const azCount = props.azCount ?? 2;
    if (azCount < 2 || azCount > 3) throw new Error(`azCount must be 2 or 3, got ${azCount}`);
    const gpuInstanceType = props.gpuInstanceType ?? 'g4dn.xlarge';
    if (!GPU_INSTANCE_PATTERN.test(gpuInstanceType)) {
      throw new Error(`gpuInstanceType must be an NVIDIA GPU instance (g4dn, g5, g6, g6e, p3, p4d, p5), got ${gpuInstanceType}`);
    }
    const allowedCidrs = props.allowedCidrs ?? ['10.0.0.0/8'];
    const minCapacity = props.minCapacity ?? 2;
    const maxCapacity = props.maxCapacity ?? 10;
    if (minCapacity < 1 || maxCapacity < minCapacity) throw new Error(`need 1 <= minCapacity <= maxCapacity, got ${minCapacity}..${maxCapacity}`);
    const retention = props.logRetentionDays ?? logs.RetentionDays.ONE_MONTH;

    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: azCount,
      natGateways: azCount,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
    });

    // Storage: manifests, images, logs, the API token.
    const manifests = new s3.Bucket(this, 'Manifests', {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: cdk.RemovalPolicy.RETAIN,
    });
    const repository = new ecr.Repository(this, 'Repository', { repositoryName: name, imageScanOnPush: true });
    const workerLogs = new logs.LogGroup(this, 'WorkerLogs', { logGroupName: `/ecs/${name}/worker`, retention });
    const token = new secretsmanager.Secret(this, 'ApiToken', {
      secretName: `${name}/api-token`,
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });

    // The app's own permissions: read manifests under pipelines/, metrics in its namespace, traces.
    const taskRole = new iam.Role(this, 'TaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    taskRole.addToPolicy(new iam.PolicyStatement({ sid: 'ReadManifests', actions: ['s3:GetObject'], resources: [manifests.arnForObjects('pipelines/*')] }));
    taskRole.addToPolicy(new iam.PolicyStatement({
      sid: 'PutMetrics', actions: ['cloudwatch:PutMetricData'], resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': METRICS_NAMESPACE } },
    }));
    if (props.enableXray) {
      taskRole.addToPolicy(new iam.PolicyStatement({
        sid: 'Traces', resources: ['*'],
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
      }));
    }

    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, clusterName: name, enableFargateCapacityProviders: true, containerInsightsV2: ecs.ContainerInsights.ENABLED });

    const namespace = props.discoveryNamespace ?? 'remotemedia.internal';
    const dnsTtl = cdk.Duration.seconds(props.discoveryTtlSeconds ?? 5);
    cluster.addDefaultCloudMapNamespace({ name: namespace, type: servicediscovery.NamespaceType.DNS_PRIVATE, vpc });
    const publicEndpoint = props.certificateArn !== undefined;
    const GPU_PORT = 50051, CPU_PORT = 50052; // public (ALB) ports; the workers themselves listen on 50051

    // Security groups: clients reach the ALB from the allowed CIDRs only; workers take gRPC from the
    // ALB and from local instances inside the VPC (which call them directly through discovery).
    const lbSg = new ec2.SecurityGroup(this, 'LbSg', { vpc, description: 'RemoteMedia ALB: gRPC (TLS) from allowed CIDRs', allowAllOutbound: true });
    for (const cidr of allowedCidrs) lbSg.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcpRange(GPU_PORT, CPU_PORT), 'gRPC from allowed clients');
    const workerSg = new ec2.SecurityGroup(this, 'WorkerSg', { vpc, description: 'RemoteMedia workers: from the ALB and the VPC', allowAllOutbound: true });
    workerSg.addIngressRule(lbSg, ec2.Port.tcp(50051), 'gRPC through the load balancer');
    workerSg.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(50051), 'gRPC from local instances in the VPC (service discovery)');

    const environment: Record<string, string> = {
      QUARKUS_PROFILE: 'prod,gpu',
      REMOTEMEDIA_GRPC_DRAIN_TIMEOUT_MS: '110000', // under stopTimeout 120 s
      REMOTEMEDIA_TELEMETRY_CLOUDWATCH_ENABLED: 'true',
      REMOTEMEDIA_TELEMETRY_CLOUDWATCH_REGION: this.region,
      QUARKUS_OTEL_SDK_DISABLED: props.enableXray ? 'false' : 'true',
      QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4317',
      QUARKUS_OTEL_PROPAGATORS: 'tracecontext,baggage,xray',
    };
    const secrets = { REMOTEMEDIA_GRPC_AUTH_TOKENS: ecs.Secret.fromSecretsManager(token) };
    const image = ecs.ContainerImage.fromEcrRepository(repository, props.imageTag ?? 'latest');
    const healthCheck: ecs.HealthCheck = {
      command: ['CMD-SHELL', 'curl -fsS http://localhost:8080/q/health/ready || exit 1'],
      interval: cdk.Duration.seconds(15), timeout: cdk.Duration.seconds(3), retries: 3, startPeriod: cdk.Duration.seconds(60),
    };
    const addWorker = (task: ecs.TaskDefinition, prefix: string, extra: Partial<ecs.ContainerDefinitionOptions> = {}) => {
      const c = task.addContainer('worker', {
        image, secrets, healthCheck, essential: true, environment,
        stopTimeout: cdk.Duration.seconds(120), // ECS maximum and the Spot notice: SIGTERM → NOT_SERVING, in-flight segments drain
        logging: ecs.LogDrivers.awsLogs({ logGroup: workerLogs, streamPrefix: prefix }),
        portMappings: [{ containerPort: 50051 }, { containerPort: 8080 }],
        ...extra,
      });
      if (props.enableXray) {
        task.addContainer('adot-collector', {
          image: ecs.ContainerImage.fromRegistry(props.adotImage ?? 'amazon/aws-otel-collector:latest'),
          essential: false, command: ['--config=/etc/ecs/ecs-default-config.yaml'],
          logging: ecs.LogDrivers.awsLogs({ logGroup: workerLogs, streamPrefix: 'adot' }),
        });
      }
      return c;
    };

    const arm = props.cpuArchitecture === 'ARM64';
    const workerTask = new ecs.FargateTaskDefinition(this, 'WorkerTask', {
      family: `${name}-worker`, cpu: props.cpu ?? 2048, memoryLimitMiB: props.memoryMiB ?? 4096, taskRole,
      runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        cpuArchitecture: arm ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64 },
    });
    addWorker(workerTask, 'worker', {
      // webrtc-java and ONNX Runtime ship per-CPU natives: Graviton tasks run the arm64 build of the tag
      image: arm ? ecs.ContainerImage.fromEcrRepository(repository, `${props.imageTag ?? 'latest'}-arm64`) : image,
      environment: { ...environment, REMOTEMEDIA_GRPC_PIPELINES: props.cpuPipelines ?? 'stats-segments,vad',
        REMOTEMEDIA_TELEMETRY_CLOUDWATCH_SERVICE: 'cpu-workers' },
    });
    const worker = new ecs.FargateService(this, 'Worker', {
      cluster, taskDefinition: workerTask, serviceName: `${name}-worker`,
      desiredCount: minCapacity,
      cloudMapOptions: { name: 'cpu-workers', dnsRecordType: servicediscovery.DnsRecordType.A, dnsTtl },
      securityGroups: [workerSg],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      healthCheckGracePeriod: cdk.Duration.seconds(60),
      circuitBreaker: { enable: true, rollback: true },
      capacityProviderStrategies: [
        { capacityProvider: 'FARGATE_SPOT', weight: props.spotWeight ?? 70 },
        { capacityProvider: 'FARGATE', weight: props.onDemandWeight ?? 30, base: 1 },
      ],
    });

    // Callers outside the VPC: an ALB with one gRPC target group per role. An NLB would pin each
    // caller's single HTTP/2 connection — every session — to one task; an ALB balances each stream.
    // The health check reads PipelineService/Ready's status code (UNAVAILABLE while warming or draining).
    const alb = publicEndpoint ? new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc, internetFacing: true, securityGroup: lbSg, idleTimeout: cdk.Duration.seconds(600),
    }) : undefined;
    const grpcTargets = (id: string) => new elbv2.ApplicationTargetGroup(this, id, {
      vpc, port: 50051, protocol: elbv2.ApplicationProtocol.HTTP, protocolVersion: elbv2.ApplicationProtocolVersion.GRPC,
      targetType: elbv2.TargetType.IP, deregistrationDelay: cdk.Duration.seconds(30),
      healthCheck: {
        path: '/remotemedia.v1.PipelineService/Ready', healthyGrpcCodes: '0',
        interval: cdk.Duration.seconds(10), healthyThresholdCount: 2, unhealthyThresholdCount: 2,
      },
    });
    const listen = (id: string, port: number, targets: elbv2.ApplicationTargetGroup) => alb!.addListener(id, {
      port, protocol: elbv2.ApplicationProtocol.HTTPS, open: false, sslPolicy: elbv2.SslPolicy.TLS13_RES,
      certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn!)], defaultTargetGroups: [targets],
    });
    if (alb) {
      const cpuTargets = grpcTargets('CpuTargets');
      listen('Cpu', CPU_PORT, cpuTargets);
      cpuTargets.addTarget(worker.loadBalancerTarget({ containerName: 'worker', containerPort: 50051 }));
    }

    const scaling = worker.autoScaleTaskCount({ minCapacity, maxCapacity });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: props.cpuTargetPercent ?? 70 });
    scaling.scaleOnMemoryUtilization('Memory', { targetUtilizationPercent: props.memoryTargetPercent ?? 80 });
    if (props.scaleDownCron) {
      scaling.scaleOnSchedule('ScaleDown', {
        schedule: appscaling.Schedule.expression(props.scaleDownCron),
        minCapacity: props.scheduledMinCapacity ?? 1, maxCapacity,
      });
    }
    if (props.scaleUpCron) {
      scaling.scaleOnSchedule('ScaleUp', { schedule: appscaling.Schedule.expression(props.scaleUpCron), minCapacity, maxCapacity });
    }

    if (props.enableGpu) {
      const gpuLogs = new logs.LogGroup(this, 'GpuLogs', { logGroupName: `/ecs/${name}/gpu`, retention });
      // a launch template (launch configurations are retired for new accounts) on the ECS GPU-optimised AMI
      const instanceRole = new iam.Role(this, 'GpuInstanceRole', {
        assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEC2ContainerServiceforEC2Role')],
      });
      const launchTemplate = new ec2.LaunchTemplate(this, 'GpuLaunchTemplate', {
        instanceType: new ec2.InstanceType(gpuInstanceType),
        machineImage: ecs.EcsOptimizedImage.amazonLinux2(ecs.AmiHardwareType.GPU),
        role: instanceRole, securityGroup: workerSg, requireImdsv2: true,
        userData: ec2.UserData.forLinux(),
      });
      const asg = new autoscaling.AutoScalingGroup(this, 'GpuAsg', {
        vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, launchTemplate,
        minCapacity: props.gpuMinSize ?? 0, maxCapacity: props.gpuMaxSize ?? 2,
      });
      const gpuCapacity = new ecs.AsgCapacityProvider(this, 'GpuCapacity', {
        autoScalingGroup: asg, enableManagedTerminationProtection: false, capacityProviderName: `${name}-gpu`,
      });
      cluster.addAsgCapacityProvider(gpuCapacity);
      const gpuPipelines = props.gpuPipelines ?? 'whisper-stt,whisper-stt-kokoro-tts';
      const gpuTask = new ecs.Ec2TaskDefinition(this, 'GpuTask', { family: `${name}-gpu`, networkMode: ecs.NetworkMode.AWS_VPC, taskRole });
      addWorker(gpuTask, 'gpu', {
        gpuCount: 1, memoryReservationMiB: 8192,
        // models: fetched on first start, warmed before gRPC health says SERVING
        environment: { ...environment, REMOTEMEDIA_MODELS_AUTO_PULL: 'true', REMOTEMEDIA_MODELS_DEVICE: 'cuda',
          REMOTEMEDIA_GRPC_WARMUP_PIPELINES: gpuPipelines, REMOTEMEDIA_GRPC_PIPELINES: gpuPipelines,
          REMOTEMEDIA_TELEMETRY_CLOUDWATCH_SERVICE: 'gpu-workers' },
        healthCheck: { ...healthCheck, startPeriod: cdk.Duration.seconds(300) },
        logging: ecs.LogDrivers.awsLogs({ logGroup: gpuLogs, streamPrefix: 'gpu' }),
      });
      const gpuService = new ecs.Ec2Service(this, 'Gpu', {
        cluster, taskDefinition: gpuTask, serviceName: `${name}-gpu`,
        desiredCount: props.gpuDesiredCount ?? 1, securityGroups: [workerSg],
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        capacityProviderStrategies: [{ capacityProvider: gpuCapacity.capacityProviderName, weight: 1 }],
        circuitBreaker: { enable: true, rollback: true },
        cloudMapOptions: { name: 'gpu-workers', dnsRecordType: servicediscovery.DnsRecordType.A, dnsTtl },
      });
      if (alb) {
        const gpuTargets = grpcTargets('GpuTargets');
        listen('Gpu', GPU_PORT, gpuTargets);
        gpuTargets.addTarget(gpuService.loadBalancerTarget({ containerName: 'worker', containerPort: 50051 }));
      }
      // GPU workers scale on the load they serve (segments in flight per task), not on CPU
      const gpuMinTasks = props.gpuMinTasks ?? 1;
      if (gpuMinTasks < 1) throw new Error('gpuMinTasks must be at least 1: the load metric comes from running tasks');
      gpuService.autoScaleTaskCount({ minCapacity: gpuMinTasks, maxCapacity: props.gpuMaxTasks ?? 4 })
        .scaleToTrackCustomMetric('Inflight', {
          metric: new cloudwatch.Metric({
            namespace: METRICS_NAMESPACE, metricName: 'remotemedia.segments.inflight',
            dimensionsMap: { service: 'gpu-workers' }, statistic: 'Average', period: cdk.Duration.minutes(1),
          }),
          targetValue: props.gpuInflightTarget ?? 4,
          scaleOutCooldown: cdk.Duration.seconds(60), scaleInCooldown: cdk.Duration.seconds(300),
        });
      new cdk.CfnOutput(this, 'GpuWorkersEndpoint', { value: `dns:///gpu-workers.${namespace}:50051` });
      if (alb) new cdk.CfnOutput(this, 'PublicGpuEndpoint', { value: `${alb.loadBalancerDnsName}:${GPU_PORT}` });
    }

    new cdk.CfnOutput(this, 'CpuWorkersEndpoint', { value: `dns:///cpu-workers.${namespace}:50051` });
    if (alb) {
      new cdk.CfnOutput(this, 'PublicCpuEndpoint', { value: `${alb.loadBalancerDnsName}:${CPU_PORT}` });
      new cdk.CfnOutput(this, 'LoadBalancerEndpoint', { value: `${alb.loadBalancerDnsName}:${props.enableGpu ? GPU_PORT : CPU_PORT}` });
    }
    new cdk.CfnOutput(this, 'ManifestBucket', { value: manifests.bucketName });
    new cdk.CfnOutput(this, 'EcrRepositoryUrl', { value: repository.repositoryUri });
    new cdk.CfnOutput(this, 'ApiTokenSecretArn', { value: token.secretArn });
    new cdk.CfnOutput(this, 'ExampleNodeConfig', {
      value: JSON.stringify({ id: 'remote', node_type: 'RemotePipelineNode', params: {
        endpoint: `dns:///${props.enableGpu ? 'gpu' : 'cpu'}-workers.${namespace}:50051`,
        pipeline: props.enableGpu ? 'whisper-stt' : 'stats-segments',
        auth_token: '${REMOTEMEDIA_API_TOKEN}', load_balance_strategy: 'least_connections', discovery: { refresh_ms: 5000 },
      } }),
    });
  }
}
