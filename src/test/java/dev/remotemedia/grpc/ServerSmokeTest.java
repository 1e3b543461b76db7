package dev.remotemedia.grpc;

import dev.remotemedia.grpc.v1.DescribeRequest;
import dev.remotemedia.grpc.v1.PipelineServiceGrpc;
import dev.remotemedia.testing.FreeGrpcPort;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(FreeGrpcPort.class)
class ServerSmokeTest {
    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int grpcPort;

    @Test
    void readinessIsUpWithPipelineAndGrpcChecks() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body(containsString("\"pipeline\""))
                .body(containsString("remotemedia.v1.PipelineService"));
    }

    @Test
    void prometheusMetricsAreServed() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void grpcHealthAndDescribeAnswer() throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        try {
            var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().build());
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
            var d = PipelineServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .describe(DescribeRequest.getDefaultInstance());
            assertEquals("local", d.getRole());
            assertTrue(d.getNodeTypesList().stream().anyMatch(t -> t.getName().equals("AudioResample")
                    && t.getParams().getFieldsMap().containsKey("target_rate")), d.toString());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
