# In-VPC discovery: each worker service registers every task's IP as an A record (Cloud Map,
# private DNS). Local instances use dns:///gpu-workers.NAMESPACE:50051 — one endpoint per task,
# re-resolved every discovery.refresh_ms — and balance per segment with breakers and health per
# task; a short TTL lets new tasks join and stopped ones leave within seconds.
# MULTIVALUE answers at most 8 healthy records per query (a random 8 of more).
resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = var.discovery_namespace
  description = "RemoteMedia workers (one A record per task)"
  vpc         = aws_vpc.this.id
}

resource "aws_service_discovery_service" "cpu_workers" {
  name = "cpu-workers"

  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.this.id
    routing_policy = "MULTIVALUE"
    dns_records {
      type = "A"
      ttl  = var.discovery_ttl_s
    }
  }

  health_check_custom_config {
    failure_threshold = 1 # ECS marks tasks (un)healthy; records follow
  }
}

resource "aws_service_discovery_service" "gpu_workers" {
  count = var.enable_gpu ? 1 : 0
  name  = "gpu-workers"

  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.this.id
    routing_policy = "MULTIVALUE"
    dns_records {
      type = "A"
      ttl  = var.discovery_ttl_s
    }
  }

  health_check_custom_config {
    failure_threshold = 1
  }
}
