variable "region" {
  description = "AWS region"
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix of every resource name"
  type        = string
  default     = "remotemedia"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name))
    error_message = "name must be 2-21 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "tags" {
  description = "Extra tags for every resource"
  type        = map(string)
  default     = {}
}

variable "vpc_cidr" {
  description = "CIDR of the VPC"
  type        = string
  default     = "10.42.0.0/16"
  validation {
    condition     = can(cidrnetmask(var.vpc_cidr))
    error_message = "vpc_cidr must be a valid IPv4 CIDR block."
  }
}

variable "az_count" {
  description = "Availability zones to spread over (2 or 3)"
  type        = number
  default     = 2
  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3
    error_message = "az_count must be 2 or 3."
  }
}

variable "allowed_cidrs" {
  description = "Who may reach gRPC 50051 on the load balancer (your edge instances, on-prem networks)"
  type        = list(string)
  validation {
    condition     = length(var.allowed_cidrs) > 0 && alltrue([for c in var.allowed_cidrs : can(cidrnetmask(c))])
    error_message = "allowed_cidrs must list at least one valid CIDR block (0.0.0.0/0 only if you really mean it)."
  }
}

variable "image_tag" {
  description = "Tag of the image in the ECR repository"
  type        = string
  default     = "latest"
}

variable "cpu_architecture" {
  description = "CPU architecture of the Fargate (CPU worker) tasks: X86_64, or ARM64 for Graviton (about 20 % cheaper); ARM64 runs the image tag with -arm64 (bin/remotemedia build --platform linux/arm64 --push)"
  type        = string
  default     = "X86_64"
  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "cpu" {
  description = "Fargate task CPU units"
  type        = number
  default     = 2048
  validation {
    condition     = contains([512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be a Fargate size: 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "memory" {
  description = "Fargate task memory (MiB)"
  type        = number
  default     = 4096
}

variable "desired_count" {
  description = "Fargate worker tasks at start"
  type        = number
  default     = 2
}

variable "min_capacity" {
  description = "Fewest Fargate worker tasks under autoscaling"
  type        = number
  default     = 2
}

variable "max_capacity" {
  description = "Most Fargate worker tasks under autoscaling"
  type        = number
  default     = 10
  validation {
    condition     = var.max_capacity >= 1 && var.max_capacity <= 100
    error_message = "max_capacity must be between 1 and 100."
  }
}

variable "spot_weight" {
  description = "Weight of FARGATE_SPOT in the capacity provider strategy (70/30 with on_demand_weight)"
  type        = number
  default     = 70
  validation {
    condition     = var.spot_weight >= 0 && var.spot_weight <= 100
    error_message = "spot_weight is a percentage: 0 to 100."
  }
}

variable "on_demand_weight" {
  description = "Weight of FARGATE (on-demand) in the capacity provider strategy"
  type        = number
  default     = 30
  validation {
    condition     = var.on_demand_weight >= 0 && var.on_demand_weight <= 100
    error_message = "on_demand_weight is a percentage: 0 to 100."
  }
}

variable "cpu_target_percent" {
  description = "Average CPU the autoscaler keeps"
  type        = number
  default     = 70
}

variable "memory_target_percent" {
  description = "Average memory the autoscaler keeps"
  type        = number
  default     = 80
}

variable "scale_down_cron" {
  description = "Scheduled scale-down (e.g. cron(0 20 ? * MON-FRI *)); null = off"
  type        = string
  default     = null
}

variable "scale_up_cron" {
  description = "Scheduled scale-up (e.g. cron(0 7 ? * MON-FRI *)); null = off"
  type        = string
  default     = null
}

variable "scheduled_min_capacity" {
  description = "Fargate tasks kept while scaled down"
  type        = number
  default     = 0
}

variable "enable_gpu" {
  description = "Run the GPU worker service on EC2 GPU instances"
  type        = bool
  default     = false
}

variable "gpu_instance_type" {
  description = "GPU instance type (g4dn = T4, g5 = A10G, g6 = L4, p3 = V100, p4d = A100)"
  type        = string
  default     = "g4dn.xlarge"
  validation {
    condition     = can(regex("^(g4dn|g5|g6|g6e|p3|p4d|p5)\\.[0-9a-z]+$", var.gpu_instance_type))
    error_message = "gpu_instance_type must be a GPU instance type: g4dn.*, g5.*, g6.*, g6e.*, p3.*, p4d.* or p5.*."
  }
}

variable "gpu_min_size" {
  description = "Fewest GPU instances"
  type        = number
  default     = 0
}

variable "gpu_max_size" {
  description = "Most GPU instances"
  type        = number
  default     = 4
}

variable "gpu_desired_count" {
  description = "GPU worker tasks"
  type        = number
  default     = 1
}

variable "certificate_arn" {
  description = "ACM certificate for the public ALB (gRPC through an ALB needs TLS); null = no public endpoint, in-VPC discovery only"
  type        = string
  default     = null
}

variable "gpu_public_port" {
  description = "Public (ALB) port of the GPU workers"
  type        = number
  default     = 50051
}

variable "cpu_public_port" {
  description = "Public (ALB) port of the CPU workers"
  type        = number
  default     = 50052
  validation {
    condition     = var.cpu_public_port != var.gpu_public_port
    error_message = "cpu_public_port and gpu_public_port must differ: each role has its own listener and target group."
  }
}

variable "discovery_namespace" {
  description = "Private DNS namespace of the workers (cpu-workers.NAMESPACE, gpu-workers.NAMESPACE)"
  type        = string
  default     = "remotemedia.internal"
  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", var.discovery_namespace))
    error_message = "discovery_namespace must be a DNS name with at least two labels, e.g. remotemedia.internal."
  }
}

variable "discovery_ttl_s" {
  description = "TTL of the workers' A records (seconds): how soon callers see tasks come and go"
  type        = number
  default     = 5
  validation {
    condition     = var.discovery_ttl_s >= 1 && var.discovery_ttl_s <= 60
    error_message = "discovery_ttl_s must be between 1 and 60 seconds."
  }
}

variable "cpu_pipelines" {
  description = "Named pipelines the CPU workers serve and advertise (remotemedia.grpc.pipelines)"
  type        = string
  default     = "stats-segments,vad"
}

variable "gpu_pipelines" {
  description = "Named pipelines the GPU workers serve, advertise and warm before readiness"
  type        = string
  default     = "whisper-stt,whisper-stt-kokoro-tts"
}

variable "gpu_min_tasks" {
  description = "Fewest GPU worker tasks (autoscaling)"
  type        = number
  default     = 1
  validation {
    condition     = var.gpu_min_tasks >= 1
    error_message = "gpu_min_tasks must be at least 1: the load metric comes from running tasks, so the service cannot scale out from zero on it."
  }
}

variable "gpu_max_tasks" {
  description = "Most GPU worker tasks (autoscaling)"
  type        = number
  default     = 4
}

variable "gpu_inflight_target" {
  description = "Target segments in flight per GPU task (received, not yet answered): GPU workers scale on this, not on CPU"
  type        = number
  default     = 4
}

variable "log_retention_days" {
  description = "CloudWatch log retention"
  type        = number
  default     = 30
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "enable_xray" {
  description = "Run an ADOT collector sidecar that forwards traces to AWS X-Ray"
  type        = bool
  default     = false
}

variable "api_token" {
  description = "Bearer token the workers accept (stored in Secrets Manager); null = generate one"
  type        = string
  default     = null
  sensitive   = true
}

variable "adot_image" {
  description = "AWS Distro for OpenTelemetry collector image (the X-Ray sidecar)"
  type        = string
  default     = "amazon/aws-otel-collector:latest"
}
