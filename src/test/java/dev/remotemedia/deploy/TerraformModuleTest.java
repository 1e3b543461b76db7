package dev.remotemedia.deploy;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Structure of deploy/terraform (parsed with hcl4j; `terraform fmt -check` covers syntax where
 * Terraform is installed): the resources of the architecture, validated variables, outputs, and
 * least-privilege IAM.
 */
class TerraformModuleTest {
    static final Map<String, Map<String, Object>> resources = new HashMap<>();
    static final Map<String, Object> variables = new HashMap<>();
    static final Map<String, Object> outputs = new HashMap<>();
    static final Map<String, Map<String, Object>> data = new HashMap<>();
    static String text = "";

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("deploy/terraform"))) {
            files = s.filter(p -> p.toString().endsWith(".tf")).sorted().toList();
        }
        for (Path f : files) {
            text += Files.readString(f);
            Map<String, Object> parsed = new HCLParser().parse(new File(f.toString()), "UTF-8");
            ((Map<String, Map<String, Object>>) parsed.getOrDefault("resource", Map.of())).forEach((type, byName) ->
                    resources.computeIfAbsent(type, k -> new HashMap<>()).putAll(byName));
            ((Map<String, Map<String, Object>>) parsed.getOrDefault("data", Map.of())).forEach((type, byName) ->
                    data.computeIfAbsent(type, k -> new HashMap<>()).putAll(byName));
            variables.putAll((Map<String, Object>) parsed.getOrDefault("variable", Map.of()));
            outputs.putAll((Map<String, Object>) parsed.getOrDefault("output", Map.of()));
        }
    }

    static Map<String, Object> resource(String type, String name) {
        assertTrue(resources.containsKey(type) && resources.get(type).containsKey(name), "missing resource " + type + "." + name);
        @SuppressWarnings("unchecked") Map<String, Object> r = (Map<String, Object>) resources.get(type).get(name);
        return r;
    }

    @Test
    void hasTheArchitecture() {
        for (String[] r : new String[][] {
            {"aws_vpc", "this"}, {"aws_subnet", "public"}, {"aws_subnet", "private"}, {"aws_nat_gateway", "this"},
            {"aws_lb", "grpc"}, {"aws_lb_target_group", "cpu"}, {"aws_lb_target_group", "gpu"},
            {"aws_lb_listener", "cpu"}, {"aws_lb_listener", "gpu"},
            {"aws_service_discovery_private_dns_namespace", "this"}, {"aws_service_discovery_service", "cpu_workers"},
            {"aws_service_discovery_service", "gpu_workers"}, {"aws_appautoscaling_target", "gpu"}, {"aws_appautoscaling_policy", "gpu_inflight"},
            {"aws_ecs_cluster", "this"}, {"aws_ecs_task_definition", "worker"}, {"aws_ecs_service", "worker"},
            {"aws_appautoscaling_target", "worker"}, {"aws_appautoscaling_policy", "cpu"}, {"aws_appautoscaling_policy", "memory"},
            {"aws_appautoscaling_scheduled_action", "scale_down"}, {"aws_appautoscaling_scheduled_action", "scale_up"},
            {"aws_launch_template", "gpu"}, {"aws_autoscaling_group", "gpu"}, {"aws_ecs_capacity_provider", "gpu"},
            {"aws_ecs_task_definition", "gpu"}, {"aws_ecs_service", "gpu"},
            {"aws_cloudwatch_log_group", "worker"}, {"aws_cloudwatch_log_group", "gpu"},
            {"aws_s3_bucket", "manifests"}, {"aws_s3_bucket_versioning", "manifests"},
            {"aws_s3_bucket_server_side_encryption_configuration", "manifests"}, {"aws_s3_bucket_public_access_block", "manifests"},
            {"aws_ecr_repository", "app"}, {"aws_secretsmanager_secret", "api_token"},
            {"aws_iam_role", "execution"}, {"aws_iam_role", "task"}, {"aws_security_group", "worker"}, {"aws_security_group", "lb"}}) {
            assertNotNull(resource(r[0], r[1]));
        }
        assertEquals("application", resource("aws_lb", "grpc").get("load_balancer_type"), "per-stream balancing for outside callers");
        for (String tg : List.of("cpu", "gpu")) {
            assertEquals("GRPC", resource("aws_lb_target_group", tg).get("protocol_version"), tg);
            assertTrue(section("resource \"aws_lb_target_group\" \"" + tg + "\"").contains("path                = \"/remotemedia.v1.PipelineService/Ready\""),
                    tg + " target group health-checks readiness with a status code");
        }
        assertTrue(data.get("aws_ssm_parameter").containsKey("ecs_gpu_ami"), "GPU instances use the ECS GPU-optimized AMI");
    }

    /** The text of one block, from its header to the next top-level block. */
    static String section(String header) {
        int start = text.indexOf(header);
        assertTrue(start >= 0, "missing " + header);
        int end = text.indexOf("\nresource ", start + 1);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    @Test
    void cpuAndGpuWorkersAreSeparateServicesWithTheirOwnDiscoveryAndTargetGroup() {
        String cpu = section("resource \"aws_ecs_service\" \"worker\""), gpu = section("resource \"aws_ecs_service\" \"gpu\"");
        assertTrue(cpu.contains("aws_service_discovery_service.cpu_workers.arn") && cpu.contains("aws_lb_target_group.cpu.arn"), cpu);
        assertTrue(gpu.contains("aws_service_discovery_service.gpu_workers[0].arn") && gpu.contains("aws_lb_target_group.gpu[0].arn"), gpu);
        assertTrue(!cpu.contains("target_group.gpu") && !gpu.contains("target_group.cpu"), "no target group shared between roles");
        String discovery = section("resource \"aws_service_discovery_service\" \"gpu_workers\"");
        assertTrue(discovery.contains("type = \"A\"") && discovery.contains("ttl  = var.discovery_ttl_s"), "A records, short TTL: " + discovery);
        assertTrue(text.contains("{ name = \"REMOTEMEDIA_GRPC_PIPELINES\", value = var.gpu_pipelines }")
                && text.contains("{ name = \"REMOTEMEDIA_GRPC_PIPELINES\", value = var.cpu_pipelines }"), "each role advertises its own pipelines");
    }

    @Test
    void gpuWorkersScaleOnTheirOwnLoadMetric() {
        String policy = section("resource \"aws_appautoscaling_policy\" \"gpu_inflight\"");
        assertTrue(policy.contains("metric_name = \"remotemedia.segments.inflight\"") && policy.contains("namespace   = \"RemoteMedia\""), policy);
        assertTrue(policy.contains("value = \"gpu-workers\""), "selects the GPU tasks' series: " + policy);
        assertTrue(text.contains("{ name = \"REMOTEMEDIA_TELEMETRY_CLOUDWATCH_SERVICE\", value = \"gpu-workers\" }"),
                "GPU tasks publish with the dimension the policy selects");
    }

    @Test
    void cpuWorkersCanRunOnGravitonWithTheArm64Image() {
        String task = section("resource \"aws_ecs_task_definition\" \"worker\"");
        assertTrue(task.contains("cpu_architecture        = var.cpu_architecture") && task.contains("image        = local.cpu_image"), task);
        assertTrue(text.contains("cpu_image = var.cpu_architecture == \"ARM64\" ? \"${local.image}-arm64\" : local.image"),
                "ARM64 tasks run the tag bin/remotemedia build --platform linux/arm64 pushes");
        String variable = section("variable \"cpu_architecture\"");
        assertTrue(variable.contains("contains([\"X86_64\", \"ARM64\"], var.cpu_architecture)"), variable);
    }

    @Test
    void tasksDrainWithinTheirStopTimeout() {
        var stop = java.util.regex.Pattern.compile("stopTimeout\\s*=\\s*(\\d+)").matcher(text);
        int count = 0;
        while (stop.find()) {
            count++;
            assertEquals(120, Integer.parseInt(stop.group(1)), "ECS maximum, also the Spot notice: " + stop.group());
        }
        assertEquals(2, count, "the Fargate and the GPU task definitions");
        var drain = java.util.regex.Pattern.compile("REMOTEMEDIA_GRPC_DRAIN_TIMEOUT_MS\", value = \"(\\d+)\"").matcher(text);
        assertTrue(drain.find(), "the workers' drain timeout is set");
        assertTrue(Long.parseLong(drain.group(1)) < 120_000, "drain ends before ECS sends SIGKILL: " + drain.group());
    }

    @Test
    void workerUsesSpotAndOnDemandFargate() {
        String service = text.substring(text.indexOf("resource \"aws_ecs_service\" \"worker\""));
        service = service.substring(0, service.indexOf("\nresource ", 1) < 0 ? service.length() : service.indexOf("\nresource ", 1));
        assertTrue(service.contains("capacity_provider = \"FARGATE_SPOT\"") && service.contains("capacity_provider = \"FARGATE\""), service);
        assertTrue(text.contains("resourceRequirements = [{ type = \"GPU\", value = \"1\" }]"), "the GPU task reserves a GPU");
    }

    @Test
    void variablesAreValidated() {
        for (String v : List.of("name", "vpc_cidr", "az_count", "allowed_cidrs", "cpu", "max_capacity", "spot_weight",
                "gpu_instance_type", "log_retention_days")) {
            @SuppressWarnings("unchecked") Map<String, Object> var = (Map<String, Object>) variables.get(v);
            assertNotNull(var, "variable " + v);
            assertTrue(var.containsKey("validation"), "variable " + v + " has a validation block");
        }
        @SuppressWarnings("unchecked") Map<String, Object> spot = (Map<String, Object>) variables.get("spot_weight");
        assertEquals(70, ((Number) spot.get("default")).intValue(), "70/30 spot/on-demand by default");
    }

    @Test
    void outputsForTheDeployCli() {
        for (String o : List.of("load_balancer_endpoint", "cpu_workers_endpoint", "gpu_workers_endpoint", "public_cpu_endpoint",
                "public_gpu_endpoint", "manifest_bucket", "ecr_repository_url", "example_node_config")) {
            assertTrue(outputs.containsKey(o), "output " + o);
        }
        assertTrue(section("output \"gpu_workers_endpoint\"").contains("\"dns:///gpu-workers.${var.discovery_namespace}:50051\""),
                "in-VPC callers get the dns:/// endpoint");
    }

    @Test
    void iamIsLeastPrivilege() {
        String task = text.substring(text.indexOf("data \"aws_iam_policy_document\" \"task\""));
        task = task.substring(0, task.indexOf("resource \"aws_iam_role_policy\" \"task\""));
        assertTrue(task.contains("actions   = [\"s3:GetObject\"]") && task.contains("/pipelines/*"), "s3:GetObject on the manifest prefix only");
        assertTrue(task.contains("\"cloudwatch:namespace\"") && task.contains("\"RemoteMedia\""), "PutMetricData limited to the namespace");
        assertTrue(!task.contains("s3:*") && !task.contains("\"*:*\""), "no wildcards on actions");
        String execution = text.substring(text.indexOf("data \"aws_iam_policy_document\" \"execution\""));
        execution = execution.substring(0, execution.indexOf("resource \"aws_iam_role_policy\" \"execution\""));
        assertTrue(execution.contains("secretsmanager:GetSecretValue") && execution.contains("aws_secretsmanager_secret.api_token.arn"),
                "the token secret, and only it");
        assertTrue(text.contains("cidr_blocks = var.allowed_cidrs"), "security groups limited to the variable CIDRs");
    }
}
