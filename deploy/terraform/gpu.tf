# GPU capacity: an Auto Scaling group of ECS GPU-optimized instances, its capacity provider,
# and a GPU worker service whose task reserves one GPU. All of it only with enable_gpu = true.

data "aws_ssm_parameter" "ecs_gpu_ami" {
  count = var.enable_gpu ? 1 : 0
  name  = "/aws/service/ecs/optimized-ami/amazon-linux-2/gpu/recommended/image_id"
}

data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "gpu_instance" {
  count              = var.enable_gpu ? 1 : 0
  name               = "${var.name}-gpu-instance"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_role_policy_attachment" "gpu_instance" {
  count      = var.enable_gpu ? 1 : 0
  role       = aws_iam_role.gpu_instance[0].name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}

resource "aws_iam_instance_profile" "gpu" {
  count = var.enable_gpu ? 1 : 0
  name  = "${var.name}-gpu"
  role  = aws_iam_role.gpu_instance[0].name
}

resource "aws_launch_template" "gpu" {
  count                  = var.enable_gpu ? 1 : 0
  name_prefix            = "${var.name}-gpu-"
  image_id               = data.aws_ssm_parameter.ecs_gpu_ami[0].value
  instance_type          = var.gpu_instance_type
  vpc_security_group_ids = [aws_security_group.worker.id]
  iam_instance_profile {
    arn = aws_iam_instance_profile.gpu[0].arn
  }
  metadata_options {
    http_tokens = "required" # IMDSv2 only
  }
  user_data = base64encode(<<-EOT
    #!/bin/bash
    echo ECS_CLUSTER=${var.name} >> /etc/ecs/ecs.config
    echo ECS_ENABLE_GPU_SUPPORT=true >> /etc/ecs/ecs.config
  EOT
  )
}

resource "aws_autoscaling_group" "gpu" {
  count                 = var.enable_gpu ? 1 : 0
  name                  = "${var.name}-gpu"
  min_size              = var.gpu_min_size
  max_size              = var.gpu_max_size
  vpc_zone_identifier   = aws_subnet.private[*].id
  protect_from_scale_in = true
  launch_template {
    id      = aws_launch_template.gpu[0].id
    version = "$Latest"
  }
  tag {
    key                 = "AmazonECSManaged"
    value               = "true"
    propagate_at_launch = true
  }
}

resource "aws_ecs_capacity_provider" "gpu" {
  count = var.enable_gpu ? 1 : 0
  name  = "${var.name}-gpu"
  auto_scaling_group_provider {
    auto_scaling_group_arn         = aws_autoscaling_group.gpu[0].arn
    managed_termination_protection = "ENABLED"
    managed_scaling {
      status          = "ENABLED"
      target_capacity = 100
    }
  }
}

locals {
  # models: fetched on first start into the instance's cache, warmed before gRPC health says SERVING
  gpu_environment = concat(local.worker_environment, [
    { name = "REMOTEMEDIA_MODELS_AUTO_PULL", value = "true" },
    { name = "REMOTEMEDIA_MODELS_DEVICE", value = "cuda" },
    { name = "REMOTEMEDIA_GRPC_WARMUP_PIPELINES", value = var.gpu_pipelines },
    { name = "REMOTEMEDIA_GRPC_PIPELINES", value = var.gpu_pipelines },
    { name = "REMOTEMEDIA_TELEMETRY_CLOUDWATCH_SERVICE", value = "gpu-workers" },
  ])
}

resource "aws_ecs_task_definition" "gpu" {
  count                    = var.enable_gpu ? 1 : 0
  family                   = "${var.name}-gpu"
  requires_compatibilities = ["EC2"]
  network_mode             = "awsvpc"
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  memory                   = 14336

  container_definitions = jsonencode(concat([{
    name                 = "worker"
    image                = "${local.image}-gpu"
    essential            = true
    portMappings         = [{ containerPort = 50051, protocol = "tcp" }, { containerPort = 8080, protocol = "tcp" }]
    environment          = local.gpu_environment
    secrets              = local.worker_secrets
    stopTimeout          = 120 # see the Fargate task: drain within the Spot notice
    resourceRequirements = [{ type = "GPU", value = "1" }]
    logConfiguration = {
      logDriver = "awslogs"
      options   = { awslogs-group = aws_cloudwatch_log_group.gpu.name, awslogs-region = var.region, awslogs-stream-prefix = "gpu" }
    }
  }], local.adot_sidecar))
}

resource "aws_ecs_service" "gpu" {
  count                             = var.enable_gpu ? 1 : 0
  name                              = "${var.name}-gpu"
  cluster                           = aws_ecs_cluster.this.id
  task_definition                   = aws_ecs_task_definition.gpu[0].arn
  desired_count                     = var.gpu_desired_count
  health_check_grace_period_seconds = 180 # model load and warm-up

  capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.gpu[0].name
    weight            = 100
  }

  network_configuration {
    subnets         = aws_subnet.private[*].id
    security_groups = [aws_security_group.worker.id]
  }

  # one A record per task: dns:///gpu-workers.NAMESPACE:50051
  service_registries {
    registry_arn = aws_service_discovery_service.gpu_workers[0].arn
  }

  # callers outside the VPC: the GPU target group only
  dynamic "load_balancer" {
    for_each = local.public ? [1] : []
    content {
      target_group_arn = aws_lb_target_group.gpu[0].arn
      container_name   = "worker"
      container_port   = 50051
    }
  }

  lifecycle {
    ignore_changes = [desired_count] # owned by autoscaling
  }
  depends_on = [aws_lb_listener.gpu, aws_ecs_cluster_capacity_providers.this]
}

# GPU workers scale on the load they serve, not on CPU: the average number of segments in flight
# per task (remotemedia.segments.inflight, published by every GPU task with service=gpu-workers).
# New tasks need GPU instances: the capacity provider's managed scaling adds them.
resource "aws_appautoscaling_target" "gpu" {
  count              = var.enable_gpu ? 1 : 0
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.gpu[0].name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.gpu_min_tasks
  max_capacity       = var.gpu_max_tasks
}

resource "aws_appautoscaling_policy" "gpu_inflight" {
  count              = var.enable_gpu ? 1 : 0
  name               = "${var.name}-gpu-inflight"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.gpu[0].service_namespace
  resource_id        = aws_appautoscaling_target.gpu[0].resource_id
  scalable_dimension = aws_appautoscaling_target.gpu[0].scalable_dimension
  target_tracking_scaling_policy_configuration {
    target_value       = var.gpu_inflight_target
    scale_out_cooldown = 60
    scale_in_cooldown  = 300 # a GPU task takes minutes to pull and warm its models
    customized_metric_specification {
      namespace   = "RemoteMedia"
      metric_name = "remotemedia.segments.inflight"
      statistic   = "Average"
      dimensions {
        name  = "service"
        value = "gpu-workers"
      }
    }
  }
}
