package dev.remotemedia.cli;

import picocli.CommandLine.Option;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;

/** Where the manifest bucket is: region and (for S3-compatible stores and tests) an endpoint; credentials from the default chain. */
final class S3Options {
    @Option(names = "--region", defaultValue = "${env:AWS_REGION:-us-east-1}", description = "AWS region (default: $AWS_REGION or us-east-1).")
    String region;

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3-compatible endpoint (path-style), e.g. a local S3 server.")
    URI endpoint;

    S3Client client() {
        var b = S3Client.builder().region(Region.of(region)).httpClient(UrlConnectionHttpClient.create());
        if (endpoint != null) b.endpointOverride(endpoint).forcePathStyle(true);
        return b.build();
    }
}
