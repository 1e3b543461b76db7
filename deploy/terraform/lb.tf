resource "aws_lb" "grpc" {
  name               = "${var.name}-nlb"
  load_balancer_type = "network"
  internal           = false
  subnets            = aws_subnet.public[*].id
  security_groups    = [aws_security_group.nlb.id]

  enable_cross_zone_load_balancing = true
}

resource "aws_security_group" "nlb" {
  name        = "${var.name}-nlb"
  description = "gRPC 50051 from the allowed callers only"
  vpc_id      = aws_vpc.this.id

  ingress {
    description = "gRPC"
    from_port   = 50051
    to_port     = 50051
    protocol    = "tcp"
    cidr_blocks = var.allowed_cidrs
  }

  egress {
    description = "to the workers"
    from_port   = 8080
    to_port     = 50051
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }
}

# gRPC health is served over HTTP/2; NLB health checks use the HTTP readiness endpoint instead,
# which reports DOWN until models are loaded and while draining — the same signal.
resource "aws_lb_target_group" "grpc" {
  name                 = "${var.name}-grpc"
  port                 = 50051
  protocol             = "TCP"
  target_type          = "ip"
  vpc_id               = aws_vpc.this.id
  deregistration_delay = 30

  health_check {
    protocol            = "HTTP"
    port                = "8080"
    path                = "/q/health/ready"
    interval            = 10
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}

resource "aws_lb_listener" "grpc" {
  load_balancer_arn = aws_lb.grpc.arn
  port              = 50051
  protocol          = var.certificate_arn == null ? "TCP" : "TLS"
  certificate_arn   = var.certificate_arn
  ssl_policy        = var.certificate_arn == null ? null : "ELBSecurityPolicy-TLS13-1-2-2021-06"
  alpn_policy       = var.certificate_arn == null ? null : "HTTP2Only"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.grpc.arn
  }
}
