package dev.remotemedia.cli;

import dev.remotemedia.pipeline.PipelineEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import software.amazon.awssdk.core.sync.RequestBody;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `upload-manifest --file F [--bucket B] [--key K]`: validates, then uploads to the manifest bucket. */
@Command(name = "upload-manifest", description = "Validate a manifest, then upload it to the manifest bucket (s3://BUCKET/pipelines/NAME).")
final class UploadManifestCommand implements Callable<Integer> {
    @Option(names = "--file", required = true, paramLabel = "F") Path file;
    @Option(names = "--bucket", description = "Bucket (default: terraform output manifest_bucket).") String bucket;
    @Option(names = "--key", description = "Object key (default: pipelines/<file name>).") String key;
    @Mixin S3Options s3;
    @Mixin DebugOption debug;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (PipelineEngine engine = PipelineEngine.standalone()) {
            engine.load(file); // invalid manifests never reach the bucket
        }
        String b = bucket != null ? bucket : TerraformOutputs.get(new Shell(spec.commandLine().getOut(), false, Path.of(".")), "manifest_bucket", "--bucket");
        String k = key != null ? key : "pipelines/" + file.getFileName();
        try (var client = s3.client()) {
            var r = client.putObject(req -> req.bucket(b).key(k).contentType("application/json"), RequestBody.fromFile(file));
            spec.commandLine().getOut().printf("uploaded s3://%s/%s (ETag %s)%n", b, k, r.eTag());
        }
        return 0;
    }
}
