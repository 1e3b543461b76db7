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

/** `build [--push] [--tag T] [--gpu]`: the container image with docker or podman; push to the Terraform-made ECR repository. */
@Command(name = "build", description = "Build the container image (docker or podman); --push sends it to ECR.")
final class BuildCommand implements Callable<Integer> {
    @Option(names = "--push", description = "Log in to ECR and push.") boolean push;
    @Option(names = "--tag", defaultValue = "latest", description = "Image tag (default: ${DEFAULT-VALUE}).") String tag;
    @Option(names = "--gpu", description = "The CUDA worker image (Dockerfile.gpu, -Pgpu build; tag gets -gpu).") boolean gpu;
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
        String image = repo + ":" + tag + (gpu ? "-gpu" : "");
        if (!gpu) shell.run(List.of("./mvnw", "-B", "package", "-DskipTests"));
        List<String> build = new ArrayList<>(List.of(engine, "build", "-f", "src/main/docker/Dockerfile." + (gpu ? "gpu" : "jvm"), "-t", image, "."));
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
