package dev.remotemedia.grpc;

import dev.remotemedia.cli.CliTestSupport;
import dev.remotemedia.grpc.v1.DescribeRequest;
import dev.remotemedia.grpc.v1.PipelineServiceGrpc;
import dev.remotemedia.testing.FreeGrpcPort;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real Quarkus app: health, metrics, gRPC with token auth from config, probe, drain. */
@QuarkusTest
@QuarkusTestResource(FreeGrpcPort.class)
class ServerSmokeTest {
    static final String TOKEN = "test-token-abc";

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int grpcPort;

    ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static io.grpc.ClientInterceptor bearer(String token) {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(m);
    }

    @Test
    void readinessIsUpWithPipelineAndGrpcChecks() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body(containsString("\"pipeline\""))
                .body(containsString("remotemedia.v1.PipelineService"));
    }

    @Test
    void statusListsRolePipelinesAndEndpoints() {
        given().get("/status").then().statusCode(200)
                .body("role", equalTo("local"))
                .body("pipelines", org.hamcrest.Matchers.hasItems("vad", "stats-segments", "whisper-stt"))
                .body("endpoints", org.hamcrest.Matchers.notNullValue())
                .body(org.hamcrest.Matchers.not(containsString(TOKEN)));
    }

    @Test
    void prometheusMetricsAreServed() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void healthIsServingAfterWarmUpWithoutAToken() throws Exception {
        var health = HealthGrpc.newBlockingStub(channel);
        long deadline = System.currentTimeMillis() + 10_000;
        HealthCheckResponse.ServingStatus status = null;
        while (System.currentTimeMillis() < deadline) {
            status = health.withDeadlineAfter(5, TimeUnit.SECONDS).check(HealthCheckRequest.newBuilder().build()).getStatus();
            if (status == HealthCheckResponse.ServingStatus.SERVING) break;
            Thread.sleep(100);
        }
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, status, "SERVING once the vad warm-up pipeline has loaded");
    }

    @Test
    void describeNeedsTheConfiguredToken() {
        var stub = PipelineServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
        var none = assertThrows(StatusRuntimeException.class, () -> stub.describe(DescribeRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, none.getStatus().getCode());
        assertEquals(java.util.Optional.of(dev.remotemedia.pipeline.ErrorKind.Unauthenticated), ErrorDetails.kind(none),
                "the kind travels as a google.rpc.ErrorInfo detail: " + none.getTrailers());
        var wrong = assertThrows(StatusRuntimeException.class,
                () -> stub.withInterceptors(bearer("nope")).describe(DescribeRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, wrong.getStatus().getCode());
        var d = stub.withInterceptors(bearer(TOKEN)).describe(DescribeRequest.getDefaultInstance());
        assertEquals("local", d.getRole());
        assertTrue(d.getNodeTypesList().stream().anyMatch(t -> t.getName().equals("AudioResample")
                && t.getParams().getFieldsMap().containsKey("target_rate")), d.toString());
        assertTrue(d.getLoadedModelsList().stream().anyMatch(m -> m.startsWith("silero:")), "warm-up loaded the VAD model: " + d);
        // a user mistake crosses as a typed detail naming the kind, with the message for humans
        var unknown = assertThrows(StatusRuntimeException.class, () -> stub.withInterceptors(bearer(TOKEN)).execute(
                dev.remotemedia.grpc.v1.ExecuteRequest.newBuilder().setManifest(dev.remotemedia.grpc.v1.ManifestRef.newBuilder()
                        .setPipeline("no-such-pipeline")).build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode(), unknown.toString());
        var info = ErrorDetails.info(unknown).orElseThrow(() -> new AssertionError("no ErrorInfo in " + unknown.getTrailers()));
        assertEquals("ManifestInvalid", info.getReason());
        assertEquals("remotemedia.dev", info.getDomain());
        assertEquals("true", info.getMetadataMap().get("not_served_here"), "another worker may have the pipeline: " + info);
        assertTrue(unknown.getStatus().getDescription().contains("no-such-pipeline"), unknown.getStatus().getDescription());
    }

    @Test
    void probeCommandReportsTheServer() {
        var r = CliTestSupport.cli("probe", "127.0.0.1:" + grpcPort, "--token", TOKEN, "--segment");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("health (server)                         SERVING"), r.out());
        assertTrue(r.out().contains("remotemedia.v1.PipelineService"), r.out());
        assertTrue(r.out().contains("test segment:") && r.out().contains("\"rms_dbfs\""), r.out());
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("remotemedia_grpc_streams_active"))
                .body(containsString("remotemedia_vad_windows_total"));
        var denied = CliTestSupport.cli("probe", "127.0.0.1:" + grpcPort, "--token", "wrong");
        assertEquals(1, denied.code());
        assertTrue(denied.out().contains("UNAUTHENTICATED"), denied.out());
        var fleet = CliTestSupport.cli("probe", "dns:///127.0.0.1:" + grpcPort, "--token", TOKEN);
        assertEquals(0, fleet.code(), fleet.out() + fleet.err());
        assertTrue(fleet.out().contains("resolves to 1 address(es)") && fleet.out().contains("1 of 1 endpoint(s) OK"), fleet.out());
        assertTrue(fleet.out().contains("serves: any pipeline") && fleet.out().contains("segment(s) in flight"), fleet.out());
    }

    @Test
    void readyAnswersWithAStatusCodeAndNeedsNoToken() {
        var channel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        try {
            var ready = dev.remotemedia.grpc.v1.PipelineServiceGrpc.newBlockingStub(channel)
                    .ready(dev.remotemedia.grpc.v1.ReadyRequest.getDefaultInstance());
            assertEquals("local", ready.getRole(), "the test app runs the local role, asked to serve (remotemedia.grpc.serve)");
        } finally {
            channel.shutdownNow();
        }
    }
}
