data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "manifests" {
  bucket = "${var.name}-manifests-${data.aws_caller_identity.current.account_id}"
}

resource "aws_s3_bucket_versioning" "manifests" {
  bucket = aws_s3_bucket.manifests.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "manifests" {
  bucket = aws_s3_bucket.manifests.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "manifests" {
  bucket                  = aws_s3_bucket.manifests.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_ecr_repository" "app" {
  name                 = var.name
  image_tag_mutability = "MUTABLE"
  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_cloudwatch_log_group" "worker" {
  name              = "/ecs/${var.name}/worker"
  retention_in_days = var.log_retention_days
}

resource "aws_cloudwatch_log_group" "gpu" {
  name              = "/ecs/${var.name}/gpu"
  retention_in_days = var.log_retention_days
}

resource "random_password" "api_token" {
  length  = 40
  special = false
}

resource "aws_secretsmanager_secret" "api_token" {
  name                    = "${var.name}/api-token"
  description             = "Bearer token RemoteMedia workers accept (REMOTEMEDIA_GRPC_AUTH_TOKENS)"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "api_token" {
  secret_id     = aws_secretsmanager_secret.api_token.id
  secret_string = coalesce(var.api_token, random_password.api_token.result)
}
