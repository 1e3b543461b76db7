package dev.remotemedia.testing;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real S3 API server for tests: s3proxy (copied to target/tools by the build) in a child JVM on a
 * random loopback port, with an in-memory blob store and SigV4 authentication.
 */
public final class S3Proxy implements AutoCloseable {
    public static final String IDENTITY = "test-access-key";
    public static final String CREDENTIAL = "test-secret-key";

    private final Process process;
    private final int port;

    public S3Proxy(Path workDir) throws Exception {
        Path jar = Path.of("target/tools/s3proxy.jar");
        if (!Files.isRegularFile(jar)) throw new AssertionError(jar + " is missing: run the tests through Maven (./mvnw verify), which copies it");
        port = FreeGrpcPort.freePort();
        Path props = workDir.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n", List.of(
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL,
                "jclouds.provider=transient",
                "jclouds.identity=unused",
                "jclouds.credential=unused")) + "\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "--properties", props.toString())
                .redirectErrorStream(true).redirectOutput(workDir.resolve("s3proxy.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (!process.isAlive()) throw new AssertionError("s3proxy exited: " + Files.readString(workDir.resolve("s3proxy.log")));
                Thread.sleep(100);
            }
        }
        throw new AssertionError("s3proxy did not start within 30 s");
    }

    public URI endpoint() { return URI.create("http://127.0.0.1:" + port); }

    public S3Client client() {
        return S3Client.builder().endpointOverride(endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    public void put(S3Client s3, String bucket, String key, String body) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(body));
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
