package dev.remotemedia.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `list`: manifests in the bucket. */
@Command(name = "list", description = "List the manifests in the manifest bucket.")
final class ListManifestsCommand implements Callable<Integer> {
    @Option(names = "--bucket", description = "Bucket (default: terraform output manifest_bucket).") String bucket;
    @Option(names = "--prefix", defaultValue = "pipelines/", description = "Key prefix (default: ${DEFAULT-VALUE}).") String prefix;
    @Mixin S3Options s3;
    @Mixin DebugOption debug;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        String b = bucket != null ? bucket : TerraformOutputs.get(new Shell(spec.commandLine().getOut(), false, Path.of(".")), "manifest_bucket", "--bucket");
        try (var client = s3.client()) {
            client.listObjectsV2Paginator(r -> r.bucket(b).prefix(prefix)).contents().forEach(o ->
                    spec.commandLine().getOut().printf("s3://%s/%s  %d bytes  %s%n", b, o.key(), o.size(), o.lastModified()));
        }
        return 0;
    }
}
