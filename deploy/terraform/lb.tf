# Callers OUTSIDE the VPC reach the workers through an Application Load Balancer with gRPC target
# groups. Why not an NLB: an NLB balances TCP connections, and a gRPC client carries all of its
# sessions over one HTTP/2 connection, so behind an NLB every session of a caller lands on one
# task. An ALB with protocol_version GRPC balances each request — each session's bidi stream — on
# its own, and health-checks targets with a gRPC call. ALB gRPC needs TLS: the public endpoint
# exists only with certificate_arn. Callers INSIDE the VPC (local instances) use service discovery
# instead (discovery.tf) and balance per segment themselves, with breakers and health per task.
locals {
  public = var.certificate_arn != null
}

resource "aws_lb" "grpc" {
  count              = local.public ? 1 : 0
  name               = "${var.name}-alb"
  load_balancer_type = "application"
  internal           = false
  subnets            = aws_subnet.public[*].id
  security_groups    = [aws_security_group.lb.id]
  idle_timeout       = 600 # long-lived session streams; RemotePipelineNode reopens a stream the balancer cut
}

resource "aws_security_group" "lb" {
  name        = "${var.name}-lb"
  description = "gRPC (TLS) from the allowed callers only"
  vpc_id      = aws_vpc.this.id

  ingress {
    description = "gRPC to the GPU and CPU worker listeners"
    from_port   = min(var.gpu_public_port, var.cpu_public_port)
    to_port     = max(var.gpu_public_port, var.cpu_public_port)
    protocol    = "tcp"
    cidr_blocks = var.allowed_cidrs
  }

  egress {
    description = "to the workers"
    from_port   = 50051
    to_port     = 50051
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }
}

# One target group per role: a segment for a GPU pipeline never lands on a CPU task. The health
# check calls PipelineService/Ready, which answers UNAVAILABLE while models warm up and while
# draining (grpc.health.v1 Check answers OK even when NOT_SERVING, and an ALB reads only the code).
resource "aws_lb_target_group" "cpu" {
  name                 = "${var.name}-cpu"
  port                 = 50051
  protocol             = "HTTP"
  protocol_version     = "GRPC"
  target_type          = "ip"
  vpc_id               = aws_vpc.this.id
  deregistration_delay = 30

  health_check {
    protocol            = "HTTP"
    path                = "/remotemedia.v1.PipelineService/Ready"
    matcher             = "0"
    interval            = 10
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}

resource "aws_lb_target_group" "gpu" {
  count                = var.enable_gpu ? 1 : 0
  name                 = "${var.name}-gpu"
  port                 = 50051
  protocol             = "HTTP"
  protocol_version     = "GRPC"
  target_type          = "ip"
  vpc_id               = aws_vpc.this.id
  deregistration_delay = 30

  health_check {
    protocol            = "HTTP"
    path                = "/remotemedia.v1.PipelineService/Ready"
    matcher             = "0"
    interval            = 10
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}

resource "aws_lb_listener" "cpu" {
  count             = local.public ? 1 : 0
  load_balancer_arn = aws_lb.grpc[0].arn
  port              = var.cpu_public_port
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.cpu.arn
  }
}

resource "aws_lb_listener" "gpu" {
  count             = local.public && var.enable_gpu ? 1 : 0
  load_balancer_arn = aws_lb.grpc[0].arn
  port              = var.gpu_public_port
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.gpu[0].arn
  }
}
