package dev.remotemedia.manifest;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** {@code s3://} manifests through the AWS SDK v2 (default credential chain / IAM role, SigV4), with ETag re-validation. */
public final class S3ObjectStore implements ManifestFetcher.ObjectStore {
    private final Supplier<S3Client> client;

    /** @param client resolved on first use, so an app that never reads s3:// needs no AWS set-up */
    public S3ObjectStore(Supplier<S3Client> client) {
        this.client = client;
    }

    @Override
    public ManifestFetcher.Fetched get(String bucket, String key, String etag) {
        try {
            var req = GetObjectRequest.builder().bucket(bucket).key(key);
            if (etag != null) req.ifNoneMatch(etag);
            ResponseBytes<GetObjectResponse> bytes = client.get().getObjectAsBytes(req.build());
            return new ManifestFetcher.Fetched(bytes.asString(StandardCharsets.UTF_8), bytes.response().eTag(),
                    bytes.response().lastModified() == null ? null : bytes.response().lastModified().toString());
        } catch (NoSuchKeyException | NoSuchBucketException e) {
            throw new IllegalArgumentException("no such object s3://" + bucket + "/" + key);
        } catch (S3Exception e) {
            if (e.statusCode() == 304) return null; // not modified
            if (e.statusCode() == 403) throw new IllegalArgumentException("access denied to s3://" + bucket + "/" + key
                    + " (check the task role's s3:GetObject permission)");
            throw e;
        }
    }
}
