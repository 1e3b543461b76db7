package dev.remotemedia.deploy;

import dev.remotemedia.cli.CliTestSupport;
import dev.remotemedia.testing.S3Proxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.remotemedia.cli.CliTestSupport.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The deploy commands: exact commands with --dry-run, S3 upload/list against a real S3 API, generated manifests. */
class DeployCliTest {
    @TempDir
    Path dir;

    @Test
    void generatedManifestsPassValidation() throws Exception {
        for (String template : new String[] {"stats", "stt", "stt-tts", "failover"}) {
            Path out = dir.resolve(template + ".json");
            var r = cli("generate-manifest", "--endpoint", "gpu-1:50051", "--endpoint", "gpu-2:50051", "--template", template, "--output", out.toString());
            assertEquals(0, r.code(), r.err());
            var v = cli("validate", out.toString());
            assertEquals(0, v.code(), template + ": " + v.err());
        }
        String failover = Files.readString(dir.resolve("failover.json"));
        assertTrue(failover.contains("\"endpoints\"") && failover.contains("gpu-2:50051") && failover.contains("least_connections"), failover);
        assertEquals(1, cli("generate-manifest", "--endpoint", "x:1", "--template", "nope").code());
    }

    @Test
    void buildDryRunPrintsTheExactCommands() {
        var r = cli("build", "--dry-run", "--gpu", "--push", "--tag", "v7", "--repository", "123.dkr.ecr.eu-west-1.amazonaws.com/remotemedia", "--region", "eu-west-1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*would run: (docker|podman) build --platform linux/amd64 -f src/main/docker/Dockerfile.gpu -t 123.dkr.ecr.eu-west-1.amazonaws.com/remotemedia:v7-gpu \\..*"), r.out());
        assertTrue(r.out().contains("aws ecr get-login-password --region eu-west-1"), r.out());
        assertTrue(r.out().matches("(?s).*would run: (docker|podman) push 123.dkr.ecr.eu-west-1.amazonaws.com/remotemedia:v7-gpu.*"), r.out());
        var jvm = cli("build", "--dry-run");
        assertTrue(jvm.out().contains("would run: ./mvnw -B package -DskipTests"), jvm.out());
        assertTrue(jvm.out().matches("(?s).*build --platform linux/amd64 -f src/main/docker/Dockerfile.jvm -t remotemedia:latest \\..*"), jvm.out());
        var arm = cli("build", "--dry-run", "--platform", "linux/arm64", "--tag", "v7");
        assertEquals(0, arm.code(), arm.err());
        assertTrue(arm.out().contains("would run: ./mvnw -B package -DskipTests -Dwebrtc.classifier=linux-aarch64"), "the jar carries the arm64 natives: " + arm.out());
        assertTrue(arm.out().matches("(?s).*build --platform linux/arm64 -f src/main/docker/Dockerfile.jvm -t remotemedia:v7-arm64 \\..*"), arm.out());
        var armGpu = cli("build", "--dry-run", "--platform", "linux/arm64", "--gpu");
        assertEquals(1, armGpu.code());
        assertTrue(armGpu.err().contains("no linux-aarch64"), armGpu.err());
        assertEquals(1, cli("build", "--dry-run", "--platform", "windows/amd64").code());
    }

    @Test
    void deployAndDestroyDryRunShowPlanThenApply() throws Exception {
        Path vars = Files.writeString(dir.resolve("prod.tfvars"), "allowed_cidrs = [\"10.0.0.0/8\"]\n");
        var r = cli("deploy", "--terraform", "--dry-run", "--var-file", vars.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals("would run: terraform -chdir=deploy/terraform init -input=false", lines[0]);
        assertEquals("would run: terraform -chdir=deploy/terraform plan -input=false -out=tfplan -var-file=" + vars.toAbsolutePath(), lines[1]);
        assertEquals("would run: terraform -chdir=deploy/terraform apply -input=false tfplan", lines[2]);
        var d = cli("destroy", "--dry-run", "--yes");
        assertEquals("would run: terraform -chdir=deploy/terraform destroy -input=false -auto-approve", d.out().strip());
    }

    @Test
    void uploadValidatesFirstAndListShowsTheBucket() throws Exception {
        try (S3Proxy proxy = new S3Proxy(dir); var s3 = proxy.client()) {
            s3.createBucket(b -> b.bucket("rm-manifests"));
            System.setProperty("aws.accessKeyId", S3Proxy.IDENTITY);
            System.setProperty("aws.secretAccessKey", S3Proxy.CREDENTIAL);
            try {
                String endpoint = proxy.endpoint().toString();
                var ok = cli("upload-manifest", "--file", "manifests/stats-segments.json", "--bucket", "rm-manifests", "--s3-endpoint", endpoint);
                assertEquals(0, ok.code(), ok.err());
                assertTrue(ok.out().contains("uploaded s3://rm-manifests/pipelines/stats-segments.json"), ok.out());
                Path bad = Files.writeString(dir.resolve("bad.json"), "{\"version\":\"v1\",\"nodes\":[{\"id\":\"x\",\"node_type\":\"Nope\"}]}");
                var rejected = cli("upload-manifest", "--file", bad.toString(), "--bucket", "rm-manifests", "--s3-endpoint", endpoint);
                assertEquals(1, rejected.code());
                assertTrue(rejected.err().contains("unknown node type \"Nope\""), rejected.err());
                var list = cli("list", "--bucket", "rm-manifests", "--s3-endpoint", endpoint);
                assertEquals(0, list.code(), list.err());
                assertTrue(list.out().contains("s3://rm-manifests/pipelines/stats-segments.json"), list.out());
                assertFalse(list.out().contains("bad.json"), "the invalid manifest never reached the bucket");
            } finally {
                System.clearProperty("aws.accessKeyId");
                System.clearProperty("aws.secretAccessKey");
            }
        }
    }
}
