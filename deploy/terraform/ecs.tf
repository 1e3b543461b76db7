resource "aws_ecs_cluster" "this" {
  name = var.name
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = concat(["FARGATE", "FARGATE_SPOT"], var.enable_gpu ? [aws_ecs_capacity_provider.gpu[0].name] : [])
}

locals {
  image = "${aws_ecr_repository.app.repository_url}:${var.image_tag}"
  # CPU workers on Graviton run the arm64 build of the same tag (webrtc-java and ONNX Runtime natives differ)
  cpu_image = var.cpu_architecture == "ARM64" ? "${local.image}-arm64" : local.image

  # The worker container, shared by the Fargate and GPU task definitions.
  worker_environment = [
    { name = "QUARKUS_PROFILE", value = "prod,gpu" },
    { name = "REMOTEMEDIA_GRPC_DRAIN_TIMEOUT_MS", value = "110000" }, # under stopTimeout 120 s
    { name = "REMOTEMEDIA_TELEMETRY_CLOUDWATCH_ENABLED", value = "true" },
    { name = "REMOTEMEDIA_TELEMETRY_CLOUDWATCH_REGION", value = var.region },
    { name = "QUARKUS_OTEL_SDK_DISABLED", value = var.enable_xray ? "false" : "true" },
    { name = "QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", value = "http://localhost:4317" },
    { name = "QUARKUS_OTEL_PROPAGATORS", value = "tracecontext,baggage,xray" },
  ]
  cpu_environment = concat(local.worker_environment, [
    { name = "REMOTEMEDIA_GRPC_PIPELINES", value = var.cpu_pipelines },
    { name = "REMOTEMEDIA_TELEMETRY_CLOUDWATCH_SERVICE", value = "cpu-workers" },
  ])
  worker_secrets = [
    { name = "REMOTEMEDIA_GRPC_AUTH_TOKENS", valueFrom = aws_secretsmanager_secret.api_token.arn },
  ]
  adot_sidecar = var.enable_xray ? [{
    name      = "adot-collector"
    image     = var.adot_image
    essential = false
    command   = ["--config=/etc/ecs/ecs-default-config.yaml"]
    logConfiguration = {
      logDriver = "awslogs"
      options   = { awslogs-group = aws_cloudwatch_log_group.worker.name, awslogs-region = var.region, awslogs-stream-prefix = "adot" }
    }
  }] : []
}

resource "aws_ecs_task_definition" "worker" {
  family                   = "${var.name}-worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  container_definitions = jsonencode(concat([{
    name         = "worker"
    image        = local.cpu_image
    essential    = true
    portMappings = [{ containerPort = 50051, protocol = "tcp" }, { containerPort = 8080, protocol = "tcp" }]
    environment  = local.cpu_environment
    secrets      = local.worker_secrets
    stopTimeout  = 120 # ECS maximum (and the Spot notice): SIGTERM → NOT_SERVING, in-flight segments finish (drain-timeout-ms 110 s)
    healthCheck = {
      command     = ["CMD-SHELL", "curl -fsS http://localhost:8080/q/health/ready || exit 1"]
      interval    = 15
      timeout     = 3
      retries     = 3
      startPeriod = 60
    }
    logConfiguration = {
      logDriver = "awslogs"
      options   = { awslogs-group = aws_cloudwatch_log_group.worker.name, awslogs-region = var.region, awslogs-stream-prefix = "worker" }
    }
  }], local.adot_sidecar))
}

resource "aws_ecs_service" "worker" {
  name                              = "${var.name}-worker"
  cluster                           = aws_ecs_cluster.this.id
  task_definition                   = aws_ecs_task_definition.worker.arn
  desired_count                     = var.desired_count
  health_check_grace_period_seconds = 60

  capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = var.spot_weight
  }
  capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = var.on_demand_weight
    base              = 1 # one on-demand task survives a Spot reclaim
  }

  network_configuration {
    subnets         = aws_subnet.private[*].id
    security_groups = [aws_security_group.worker.id]
  }

  # one A record per task: dns:///cpu-workers.NAMESPACE:50051
  service_registries {
    registry_arn = aws_service_discovery_service.cpu_workers.arn
  }

  # callers outside the VPC: the CPU target group only (never shared with GPU tasks)
  dynamic "load_balancer" {
    for_each = local.public ? [1] : []
    content {
      target_group_arn = aws_lb_target_group.cpu.arn
      container_name   = "worker"
      container_port   = 50051
    }
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  lifecycle {
    ignore_changes = [desired_count] # owned by autoscaling
  }
  depends_on = [aws_lb_listener.cpu, aws_ecs_cluster_capacity_providers.this]
}

resource "aws_appautoscaling_target" "worker" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.worker.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.worker.service_namespace
  resource_id        = aws_appautoscaling_target.worker.resource_id
  scalable_dimension = aws_appautoscaling_target.worker.scalable_dimension
  target_tracking_scaling_policy_configuration {
    target_value = var.cpu_target_percent
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "memory" {
  name               = "${var.name}-memory"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.worker.service_namespace
  resource_id        = aws_appautoscaling_target.worker.resource_id
  scalable_dimension = aws_appautoscaling_target.worker.scalable_dimension
  target_tracking_scaling_policy_configuration {
    target_value = var.memory_target_percent
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageMemoryUtilization"
    }
  }
}

resource "aws_appautoscaling_scheduled_action" "scale_down" {
  count              = var.scale_down_cron == null ? 0 : 1
  name               = "${var.name}-scale-down"
  service_namespace  = aws_appautoscaling_target.worker.service_namespace
  resource_id        = aws_appautoscaling_target.worker.resource_id
  scalable_dimension = aws_appautoscaling_target.worker.scalable_dimension
  schedule           = var.scale_down_cron
  scalable_target_action {
    min_capacity = var.scheduled_min_capacity
    max_capacity = var.scheduled_min_capacity
  }
}

resource "aws_appautoscaling_scheduled_action" "scale_up" {
  count              = var.scale_up_cron == null ? 0 : 1
  name               = "${var.name}-scale-up"
  service_namespace  = aws_appautoscaling_target.worker.service_namespace
  resource_id        = aws_appautoscaling_target.worker.resource_id
  scalable_dimension = aws_appautoscaling_target.worker.scalable_dimension
  schedule           = var.scale_up_cron
  scalable_target_action {
    min_capacity = var.min_capacity
    max_capacity = var.max_capacity
  }
}
