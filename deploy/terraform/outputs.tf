output "cpu_workers_endpoint" {
  description = "In-VPC endpoint of the CPU workers for RemotePipelineNode (one endpoint per task)"
  value       = "dns:///cpu-workers.${var.discovery_namespace}:50051"
}

output "gpu_workers_endpoint" {
  description = "In-VPC endpoint of the GPU workers for RemotePipelineNode (one endpoint per task); null without enable_gpu"
  value       = var.enable_gpu ? "dns:///gpu-workers.${var.discovery_namespace}:50051" : null
}

output "public_cpu_endpoint" {
  description = "host:port of the CPU workers for callers outside the VPC (ALB, TLS); null without certificate_arn"
  value       = local.public ? "${aws_lb.grpc[0].dns_name}:${var.cpu_public_port}" : null
}

output "public_gpu_endpoint" {
  description = "host:port of the GPU workers for callers outside the VPC (ALB, TLS); null without certificate_arn or enable_gpu"
  value       = local.public && var.enable_gpu ? "${aws_lb.grpc[0].dns_name}:${var.gpu_public_port}" : null
}

output "load_balancer_endpoint" {
  description = "The public endpoint of the heaviest tier (GPU when enabled), for probe and generate-manifest from outside; null without certificate_arn"
  value       = local.public ? "${aws_lb.grpc[0].dns_name}:${var.enable_gpu ? var.gpu_public_port : var.cpu_public_port}" : null
}

output "manifest_bucket" {
  description = "Bucket for manifests (upload under pipelines/)"
  value       = aws_s3_bucket.manifests.bucket
}

output "ecr_repository_url" {
  description = "Push the image here (bin/remotemedia build --push)"
  value       = aws_ecr_repository.app.repository_url
}

output "api_token_secret_arn" {
  description = "Secrets Manager secret holding the bearer token"
  value       = aws_secretsmanager_secret.api_token.arn
}

output "example_node_config" {
  description = "A RemotePipelineNode for a local instance inside the VPC"
  value = jsonencode({
    id        = "remote"
    node_type = "RemotePipelineNode"
    params = {
      endpoint              = var.enable_gpu ? "dns:///gpu-workers.${var.discovery_namespace}:50051" : "dns:///cpu-workers.${var.discovery_namespace}:50051"
      pipeline              = var.enable_gpu ? "whisper-stt" : "stats-segments"
      auth_token            = "$${REMOTEMEDIA_API_TOKEN}"
      load_balance_strategy = "least_connections"
      discovery             = { refresh_ms = 5000 }
    }
  })
}
