#!/usr/bin/env node
// `npx cdk deploy -c gpu=true -c certificateArn=arn:…` — context keys mirror the Terraform variables.
import * as cdk from 'aws-cdk-lib';
import { RemoteMediaStack } from '../lib/remotemedia-stack';

const app = new cdk.App();
const ctx = (key: string): string | undefined => app.node.tryGetContext(key);
const num = (key: string): number | undefined => (ctx(key) === undefined ? undefined : Number(ctx(key)));
new RemoteMediaStack(app, ctx('stackName') ?? 'RemoteMedia', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  name: ctx('name'),
  azCount: num('azCount'),
  allowedCidrs: ctx('allowedCidrs')?.split(','),
  imageTag: ctx('imageTag'),
  minCapacity: num('minCapacity'),
  maxCapacity: num('maxCapacity'),
  enableGpu: ctx('gpu') === 'true',
  gpuInstanceType: ctx('gpuInstanceType'),
  certificateArn: ctx('certificateArn'),
  scaleDownCron: ctx('scaleDownCron'),
  scaleUpCron: ctx('scaleUpCron'),
  enableXray: ctx('xray') === 'true',
});
