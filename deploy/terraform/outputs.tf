output "load_balancer_endpoint" {
  description = "host:port for RemotePipelineNode endpoints"
  value       = "${aws_lb.grpc.dns_name}:50051"
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
  description = "A RemotePipelineNode for the local instance's manifest"
  value = jsonencode({
    id        = "remote"
    node_type = "RemotePipelineNode"
    params = {
      endpoint              = "${aws_lb.grpc.dns_name}:50051"
      manifest_url          = "s3://${aws_s3_bucket.manifests.bucket}/pipelines/stats-segments.json"
      auth_token            = "$${REMOTEMEDIA_API_TOKEN}"
      load_balance_strategy = "least_connections"
      tls                   = { enabled = var.certificate_arn != null }
    }
  })
}
