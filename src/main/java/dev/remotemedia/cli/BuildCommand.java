package dev.remotemedia.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** `build [--push] [--tag T] [--gpu] [--platform linux/amd64|linux/arm64]`: the container image with docker or podman; push to the Terraform-made ECR repository. */
@Command(name = "build", description = "Build the container image (docker or podman); --push sends it to ECR.")
final class BuildCommand implements Callable<Integer> {
    @Option(names = "--push", description = "Log in to ECR and push.") boolean push;
    @Option(names = "--tag", defaultValue = "latest", description = "Image tag (default: ${DEFAULT-VALUE}).") String tag;
    @Option(names = "--gpu", description = "The CUDA worker image (Dockerfile.gpu, -Pgpu build; tag gets -gpu).") boolean gpu;
    @Option(names = "--platform", defaultValue = "linux/amd64",
            description = "linux/amd64 or linux/arm64 (Graviton; the tag gets -arm64). Default: ${DEFAULT-VALUE}.") String platform;
    @Option(names = "--repository", description = "Image repository (default: terraform output ecr_repository_url).") String repository;
    @Option(names = "--region", defaultValue = "${env:AWS_REGION:-us-east-1}", description = "AWS region for the ECR login.") String region;
    @Option(names = "--dry-run", description = "Print the commands instead of running them.") boolean dryRun;
    @Mixin DebugOption debug;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Shell shell = new Shell(spec.commandLine().getOut(), dryRun, Path.of("."));
        String engine = Shell.which("docker", "podman");
        if (engine == null) {
            if (!dryRun) throw new IllegalArgumentException("neither docker nor podman is installed");
            engine = "docker";
        }
        String repo = repository != null ? repository : push ? TerraformOutputs.get(shell, "ecr_repository_url", "--repository") : "remotemedia";
        boolean arm = switch (platform) {
            case "linux/amd64" -> false;
            case "linux/arm64" -> true;
            default -> throw new IllegalArgumentException("--platform: linux/amd64 or linux/arm64, not " + platform);
        };
        if (arm && gpu) throw new IllegalArgumentException("--gpu --platform linux/arm64: ONNX Runtime's CUDA build has no linux-aarch64 jar; build the GPU image for linux/amd64");
        String image = repo + ":" + tag + (gpu ? "-gpu" : "") + (arm ? "-arm64" : "");
        // the image's CPU decides webrtc-java's native build, not the machine that runs the build
        if (!gpu) shell.run(List.of("./mvnw", "-B", "package", "-DskipTests", "-Dwebrtc.classifier=" + (arm ? "linux-aarch64" : "linux-x86_64")));
        List<String> build = new ArrayList<>(List.of(engine, "build", "--platform", platform, "-f", "src/main/docker/Dockerfile." + (gpu ? "gpu" : "jvm"), "-t", image, "."));
        shell.run(build);
        if (push) {
            String registry = repo.contains("/") ? repo.substring(0, repo.indexOf('/')) : repo;
            shell.run(List.of("sh", "-c", "aws ecr get-login-password --region " + region + " | " + engine
                    + " login --username AWS --password-stdin " + registry));
            shell.run(List.of(engine, "push", image));
        }
        return 0;
    }
}
